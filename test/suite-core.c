/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The stateful core (manager, links, request queue, ownership) against a recording fake kernel
 * (fake-backend.c): .ibnet files in a temporary directory, a kernel state in the fake, the real
 * sd-event loop run until nothing is left to do. Each case states what was sent, as the strings
 * action_to_string() gives, and what the agent concluded: link state, reason, warning, ownership
 * record. No network namespace, no kernel.
 *
 * Only the core's public entry points are used: manager_new/load_config/start/reload/free, the
 * BackendOps/BackendEvents contract, the link maps and owner.h. */

#include "core-test.h"
#include "test-suites.h"

/* Kernel changes someone else makes. */
static void set_down(KLink *k) {
        k->flags &= ~IFF_UP;
}

static void set_mtu_1500(KLink *k) {
        k->mtu = 1500;
}

static void set_operstate_down(KLink *k) {
        k->operstate = 2; /* IF_OPER_DOWN */
}

/* ---- files ---- */

#define IB0_FILE                                                                                            \
        "[Match]\nName=ib0\n\n[Link]\nMTU=65520\n\n[IPoIB]\nMode=connected\n\n"                             \
        "[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\nAddress=2001:db8:1::1/64\n"

#define VETH0_FILE                                                                                          \
        "[Match]\nName=veth0\nType=ether\n\n"                                                               \
        "[Network]\nAddress=192.0.2.1/24\nAddress=2001:db8::1/64\nGateway=192.0.2.254\n"

#define VETH0_SENT                                                                                          \
        "veth0 add-address 192.0.2.1/24\n"                                                                  \
        "veth0 add-address 2001:db8::1/64\n"                                                                \
        "veth0 add-route 0.0.0.0/0 via 192.0.2.254 metric 0"

#define VETH0_RECORD                                                                                        \
        "address veth0 192.0.2.1/24\n"                                                                      \
        "address veth0 2001:db8::1/64\n"                                                                    \
        "route veth0 0.0.0.0/0 192.0.2.254 0 254"

#define VETH0_RECORD_ORIG_DOWN                                                                              \
        "address veth0 192.0.2.1/24\n"                                                                      \
        "address veth0 2001:db8::1/64\n"                                                                    \
        "orig veth0 1500 - down\n"                                                                          \
        "orig-flags veth0 - 1\n"                                                                            \
        "route veth0 0.0.0.0/0 192.0.2.254 0 254"

#define PARTITION_FILE \
        "[Match]\nName=ib0\n\n[Partition]\nPKey=0x8002\n\n[Network]\nAddress=198.51.100.1/24\n"
#define VETH0_MATCH "[Match]\nName=veth0\nType=ether\n"
#define DEFAULT_ROUTE "0.0.0.0/0 via 192.0.2.254 metric 0"

/* ---- cold apply: files and a kernel in, the ordered requests and the link states out ---- */

static void ib0_configured(FakeBackend *f) {
        KLink *k = fake_backend_get_link(f, "ib0");
        KAddress a = addr(IB0, "192.0.2.1/24");

        k->mode = IPOIB_MODE_CONNECTED;
        k->mtu = 65520;
        k->flags |= IFF_UP;
        k->promote_secondaries = true;
        fake_backend_add_address(f, &a);
}

static void ib0_connected_incapable(FakeBackend *f) {
        /* No IPOIB_FLAGS_RC in byte 0: enhanced IPoIB, or no CM in the kernel (IPOIB_CM_SUPPORTED()). */
        fake_backend_get_link(f, "ib0")->hwaddr[0] = 0;
}

static IbPortInfo ib_port(IbPortState state) {
        return (IbPortInfo) {
                .device = "mlx4_0",
                .port = 1,
                .state_known = true,
                .state = state,
                .active_mtu = 2048,
                .link_layer_ib = true,
                .pkeys = { 0xffff },
                .n_pkeys = 1,
                .enhanced = -1,
        };
}

static void ib0_port_down(FakeBackend *f) {
        IbPortInfo p = ib_port(IB_PORT_DOWN);

        fake_backend_set_port(f, IB0, &p);
}

static const struct ColdCase {
        const char *name;
        const char *files[2][2]; /* name, text */
        void (*setup)(FakeBackend *f);
        const char *sent;
        const char *states; /* "IFNAME STATE" per link, in ifindex order */
} cold_cases[] = {
        {
                "IPoIB parent from scratch: mode, then MTU, up, addresses, routes",
                { { "10-ib0.ibnet", IB0_FILE } },
                NULL,
                "ib0 set-ipoib mode connected\n"
                "ib0 set-mtu 65520\n"
                "ib0 set-promote-secondaries\n"
                "ib0 set-up\n"
                "ib0 add-address 192.0.2.1/24\n"
                "ib0 add-address 2001:db8:1::1/64\n"
                "ib0 add-route 0.0.0.0/0 via 192.0.2.254 metric 0",
                "ib0 configured\nveth0 unmanaged",
        },
        {
                "IPoIB parent partly configured: only the difference",
                { { "10-ib0.ibnet", IB0_FILE } },
                ib0_configured,
                "ib0 add-address 2001:db8:1::1/64\n"
                "ib0 add-route 0.0.0.0/0 via 192.0.2.254 metric 0",
                "ib0 configured\nveth0 unmanaged",
        },
        {
                "Mode=connected on a device that cannot: datagram, no request for connected",
                { { "10-ib0.ibnet", "[Match]\nName=ib0\n[IPoIB]\nMode=connected\n" } },
                ib0_connected_incapable,
                "ib0 set-up",
                "ib0 configured\nveth0 unmanaged",
        },
        {
                "Ethernet link: on-link routes before routes via a gateway",
                { { "10-veth0.ibnet",
                    "[Match]\nName=veth0\nType=ether\n[Network]\nAddress=198.51.100.1/24\n"
                    "[Route]\nDestination=203.0.113.0/24\nGateway=198.51.100.254\n"
                    "[Route]\nDestination=192.0.2.128/25\n" } },
                NULL,
                "veth0 add-address 198.51.100.1/24\n"
                "veth0 add-route 192.0.2.128/25 metric 0\n"
                "veth0 add-route 203.0.113.0/24 via 198.51.100.254 metric 0",
                "ib0 unmanaged\nveth0 configured",
        },
        {
                "P_Key child: the parent's settings, the child, then the child's own plan",
                { { "10-ib0.ibnet", "[Match]\nName=ib0\n[Network]\nAddress=192.0.2.1/24\n" },
                  { "20-ib0.8002.ibnet", PARTITION_FILE } },
                NULL,
                "ib0 set-promote-secondaries\n"
                "ib0 set-up\n"
                "ib0 create-child ib0.8002 pkey 0x8002\n"
                "ib0 add-address 192.0.2.1/24\n"
                "ib0.8002 set-promote-secondaries\n"
                "ib0.8002 set-up\n"
                "ib0.8002 add-address 198.51.100.1/24",
                "ib0 configured\nveth0 unmanaged\nib0.8002 configured",
        },
        {
                "P_Key child of an unconfigured parent: the parent is only brought up",
                { { "20-ib0.8002.ibnet", PARTITION_FILE } },
                NULL,
                "ib0 set-up\n"
                "ib0 create-child ib0.8002 pkey 0x8002\n"
                "ib0.8002 set-promote-secondaries\n"
                "ib0.8002 set-up\n"
                "ib0.8002 add-address 198.51.100.1/24",
                "ib0 unmanaged\nveth0 unmanaged\nib0.8002 configured",
        },
        {
                "RequireActivePort=yes on a port that is down: settings yes, addresses no",
                { { "10-ib0.ibnet", "[Match]\nName=ib0\n[Link]\nRequireActivePort=yes\n"
                                    "[Network]\nAddress=192.0.2.1/24\n" } },
                ib0_port_down,
                "ib0 set-promote-secondaries\n"
                "ib0 set-up",
                "ib0 pending\nveth0 unmanaged",
        },
        {
                "Two files match: the first in name order configures the link",
                { { "10-ib0.ibnet", "[Match]\nName=ib0\n[Network]\nAddress=192.0.2.1/24\n" },
                  { "20-ib.ibnet", "[Match]\nName=ib*\n[Network]\nAddress=192.0.2.2/24\n" } },
                NULL,
                "ib0 set-promote-secondaries\n"
                "ib0 set-up\n"
                "ib0 add-address 192.0.2.1/24",
                "ib0 configured\nveth0 unmanaged",
        },
        {
                "A file that matches no link: nothing sent",
                { { "10-ib9.ibnet", "[Match]\nName=ib9\n[Network]\nAddress=192.0.2.1/24\n" } },
                NULL,
                "",
                "ib0 unmanaged\nveth0 unmanaged",
        },
};

static char *core_states(Core *c) {
        _cleanup_free_ Link **links = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        size_t n = 0;
        char *s;

        links = manager_links_sorted(c->m, &n);
        ck_assert_ptr_nonnull(links);
        for (size_t i = 0; i < n; i++) {
                char line[64];

                snprintf(line, sizeof(line), "%s %s", links[i]->kernel.ifname,
                         link_state_to_string(links[i]->state));
                ck_assert_int_ge(strv_extend(&lines, line), 0);
        }
        s = strv_join(lines, "\n");
        ck_assert_ptr_nonnull(s);
        return s;
}

START_TEST(test_core_cold_apply) {
        const struct ColdCase *t = &cold_cases[_i];
        _cleanup_free_ char *states = NULL;
        size_t n;
        Core c;

        core_new(&c);
        for (size_t k = 0; k < ELEMENTSOF(t->files) && t->files[k][0]; k++)
                core_write(&c, t->files[k][0], t->files[k][1]);
        if (t->setup)
                t->setup(c.f);
        core_start(&c);
        ck_assert_msg(c.f->n_starts == 1, "%s: start() called %u times", t->name, c.f->n_starts);
        {
                _cleanup_free_ char *sent = fake_backend_submitted_since(c.f, 0);

                ck_assert_msg(streq(sent, t->sent), "%s:\nsent:\n%s\nexpected:\n%s", t->name, sent, t->sent);
        }
        states = core_states(&c);
        ck_assert_msg(streq(states, t->states), "%s:\nstates:\n%s\nexpected:\n%s", t->name, states,
                      t->states);

        /* Converged: a reload with nothing changed sends nothing. */
        n = c.f->n_submitted;
        core_reload(&c);
        ck_assert_msg(c.f->n_submitted == n, "%s: a reload sent %zu more", t->name, c.f->n_submitted - n);
        core_free(&c);
}
END_TEST

START_TEST(test_core_require_active_port) {
        IbPortInfo p = ib_port(IB_PORT_ACTIVE);
        KLink k;
        Core c;

        core_new(&c);
        core_write(&c, "10-ib0.ibnet",
                   "[Match]\nName=ib0\n[Link]\nRequireActivePort=yes\n[Network]\nAddress=192.0.2.1/24\n");
        ib0_port_down(c.f);
        core_start(&c);
        core_expect_sent(&c, "ib0 set-promote-secondaries\nib0 set-up");
        core_expect_link(&c, "ib0", LINK_STATE_PENDING,
                         "port mlx4_0/1 is down; addresses held back (RequireActivePort=yes)", NULL);

        /* The port comes up: rdma-core's news reaches the agent as a carrier change of the netdev. */
        fake_backend_set_port(c.f, IB0, &p);
        k = *fake_backend_get_link(c.f, "ib0");
        k.operstate = 6; /* IF_OPER_UP */
        k.flags |= IFF_RUNNING;
        fake_backend_link_event(c.f, &k, false);
        core_settle(&c);
        core_expect_sent(&c, "ib0 add-address 192.0.2.1/24");
        core_expect_link(&c, "ib0", LINK_STATE_CONFIGURED, NULL, NULL);
        core_free(&c);
}
END_TEST

/* A link that comes later is configured when it comes, and forgotten when it goes. */
START_TEST(test_core_hotplug) {
        KLink ib1 = ib_link(5, "ib1");
        Core c;

        core_new(&c);
        core_write(&c, "10-ib1.ibnet", "[Match]\nName=ib1\n[Network]\nAddress=192.0.2.1/24\n");
        core_start(&c);
        core_expect_sent(&c, "");

        ib1.flags |= IFF_UP;
        ib1.promote_secondaries = true;
        fake_backend_link_event(c.f, &ib1, false);
        core_settle(&c);
        core_expect_sent(&c, "ib1 add-address 192.0.2.1/24");
        core_expect_link(&c, "ib1", LINK_STATE_CONFIGURED, NULL, NULL);

        fake_backend_link_event(c.f, &ib1, true);
        core_settle(&c);
        core_expect_sent(&c, "");
        ck_assert_ptr_null(strmap_get(&c.m->links_by_name, "ib1"));
        ck_assert_ptr_null(intmap_get(&c.m->links, 5));
        core_free(&c);
}
END_TEST

/* What the agent created stays its own when the link is renamed (udev at boot). */
START_TEST(test_core_rename_keeps_ownership) {
        KAddress foreign = addr(VETH0, "192.0.2.99/24");
        KLink k;
        Core c;

        core_new(&c);
        core_write(&c, "10-veth0.ibnet", VETH0_MATCH "Name=vx0\n[Network]\nAddress=192.0.2.1/24\n");
        fake_backend_add_address(c.f, &foreign);
        core_start(&c);
        core_expect_sent(&c, "veth0 add-address 192.0.2.1/24");

        k = *fake_backend_get_link(c.f, "veth0");
        snprintf(k.ifname, sizeof(k.ifname), "vx0");
        fake_backend_link_event(c.f, &k, false);
        core_settle(&c);
        core_expect_sent(&c, "");
        core_expect_link(&c, "vx0", LINK_STATE_CONFIGURED, NULL, NULL);
        ck_assert_ptr_null(owner_get(&c.m->owner, "veth0"));
        core_expect_record(&c, "address vx0 192.0.2.1/24");

        core_remove(&c, "10-veth0.ibnet");
        core_reload(&c);
        core_expect_sent(&c, "vx0 remove-address 192.0.2.1/24");
        ck_assert(fake_backend_has_address(c.f, &foreign));
        core_expect_record(&c, "");
        core_free(&c);
}
END_TEST

/* ---- a restart: the record says what is ours, so nothing is sent again ---- */

START_TEST(test_core_restart_sends_nothing) {
        Core c;

        core_new(&c);
        core_write(&c, "10-ib0.ibnet", IB0_FILE);
        core_write(&c, "20-ib0.8002.ibnet", PARTITION_FILE);
        core_start(&c);
        ck_assert_uint_eq(c.f->n_submitted, 11);
        core_expect_record(&c,
                           "address ib0 192.0.2.1/24\n"
                           "address ib0 2001:db8:1::1/64\n"
                           "address ib0.8002 198.51.100.1/24\n"
                           "child ib0.8002 ib0 0x8002\n"
                           "mtu ib0 65520 0\n"
                           "orig ib0 2044 datagram down\n"
                           "orig-flags ib0 0 0\n"
                           "route ib0 0.0.0.0/0 192.0.2.254 0 254");

        core_restart(&c);
        core_start(&c);
        core_expect_sent(&c, "");
        core_expect_link(&c, "ib0", LINK_STATE_CONFIGURED, NULL, NULL);
        core_expect_link(&c, "ib0.8002", LINK_STATE_CONFIGURED, NULL, NULL);
        ck_assert(owner_get(&c.m->owner, "ib0.8002")->child);
        core_free(&c);
}
END_TEST

/* SourceRouting=: the rule goes with the link's plan, after its table's routes; a restart knows the rule by
 * its protocol and sends nothing; without the file the agent's rule goes (with no link: "(rules)") and a
 * foreign copy of it, and a foreign rule of the same priority, stay. */
START_TEST(test_core_rules) {
        KRule foreign = { .family = AF_INET, .priority = 100, .table = 100, .src_len = 32, .protocol = RTPROT_STATIC };
        KRule other = foreign;
        _cleanup_free_ char *sent = NULL;
        Core c;

        core_new(&c);
        core_write(&c, "10-veth0.ibnet",
                   "[Match]\nName=veth0\nType=ether\n[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\n"
                   "SourceRouting=100\n");
        core_start(&c);
        sent = fake_backend_submitted_since(c.f, 0);
        ck_assert_msg(endswith(sent, "veth0 add-route 192.0.2.0/24 metric 0 table 100\n"
                                     "veth0 add-route 0.0.0.0/0 via 192.0.2.254 metric 0 table 100\n"
                                     "veth0 add-rule from 192.0.2.1 lookup 100 priority 100"),
                      "sent:\n%s", sent);
        ck_assert(c.m->backend->all_tables);
        c.mark = c.f->n_submitted;
        core_expect_link(&c, "veth0", LINK_STATE_CONFIGURED, NULL, NULL);

        core_restart(&c);
        core_start(&c);
        core_expect_sent(&c, "");

        ck_assert_int_eq(in_addr_from_string_auto("192.0.2.1", &(int) { 0 }, &foreign.src), 0);
        ck_assert_int_eq(in_addr_from_string_auto("192.0.2.9", &(int) { 0 }, &other.src), 0);
        core_restart(&c);
        fake_backend_add_rule(c.f, &foreign);
        fake_backend_add_rule(c.f, &other);
        core_remove(&c, "10-veth0.ibnet");
        core_start(&c);
        core_expect_sent(&c, "veth0 remove-route 192.0.2.0/24 metric 0 table 100\n"
                             "veth0 remove-route 0.0.0.0/0 via 192.0.2.254 metric 0 table 100\n"
                             "veth0 remove-address 192.0.2.1/24\n"
                             "(rules) remove-rule from 192.0.2.1 lookup 100 priority 100");
        ck_assert_uint_eq(c.f->n_rules, 2);
        ck_assert_uint_eq(c.f->rules[0].protocol, RTPROT_STATIC);
        ck_assert_uint_eq(c.f->rules[1].protocol, RTPROT_STATIC);
        core_free(&c);
}
END_TEST

/* ---- how the answers to additions are read: EEXIST, errors, and what becomes ours ---- */

static void ipv6_other_prefix(FakeBackend *f) {
        KAddress a = addr(VETH0, "2001:db8::1/48");

        fake_backend_add_address(f, &a);
}

/* Someone else made the object just before the request came: without the agent's mark. */
static void apply_foreign(FakeBackend *f, const Action *a) {
        Action x = *a;

        if (x.type == ACTION_ADDRESS_ADD)
                x.address.protocol = 0;
        else if (x.type == ACTION_ROUTE_ADD)
                x.route.protocol = RTPROT_STATIC;
        fake_backend_apply(f, &x);
}

static const struct AnswerCase {
        const char *name;
        void (*setup)(FakeBackend *f);
        FakeScript script;
        /* The answers before the notifications. Where a request fails, this keeps the notifications of
         * the plan's later requests from counting as a change (test_core_failure_echo). */
        bool notify_after_reply;
        LinkState state;
        const char *reason;
        const char *record;
} answer_cases[] = {
        {
                "add-address: EEXIST after its notification is the state asked for, not ours",
                NULL,
                { "veth0 add-address 192.0.2.1/24", -EEXIST, NULL, 0, apply_foreign },
                false,
                LINK_STATE_CONFIGURED,
                NULL,
                "address veth0 2001:db8::1/64\nroute veth0 0.0.0.0/0 192.0.2.254 0 254",
        },
        {
                "add-address: EEXIST before its notification: failed until the notification comes",
                NULL,
                { "veth0 add-address 192.0.2.1/24", -EEXIST, NULL, 0, apply_foreign },
                true,
                LINK_STATE_CONFIGURED,
                NULL,
                "address veth0 2001:db8::1/64\nroute veth0 0.0.0.0/0 192.0.2.254 0 254",
        },
        {
                "add-address: IPv6 EEXIST for the address held with another prefix length is a conflict",
                ipv6_other_prefix,
                { "veth0 add-address 2001:db8::1/64", -EEXIST },
                true,
                LINK_STATE_FAILED,
                "add-address 2001:db8::1/64: File exists (the address exists with prefix length 48, not "
                "created by the agent; remove it or change Address=)",
                "address veth0 192.0.2.1/24\nroute veth0 0.0.0.0/0 192.0.2.254 0 254",
        },
        {
                "add-route: EEXIST with the route on this link is the state asked for, not ours",
                NULL,
                { "veth0 add-route " DEFAULT_ROUTE, -EEXIST, NULL, 0, apply_foreign },
                false,
                LINK_STATE_CONFIGURED,
                NULL,
                "address veth0 192.0.2.1/24\naddress veth0 2001:db8::1/64",
        },
        {
                "add-route: EEXIST with the route on another link is a conflict",
                NULL,
                { "veth0 add-route " DEFAULT_ROUTE, -EEXIST },
                false,
                LINK_STATE_FAILED,
                "add-route " DEFAULT_ROUTE ": File exists (a route with the same destination and metric "
                "exists, on another link; give one of them another Metric=)",
                "address veth0 192.0.2.1/24\naddress veth0 2001:db8::1/64",
        },
        {
                "add-address: an error with the kernel's message fails the link; nothing recorded for it",
                NULL,
                { "veth0 add-address 192.0.2.1/24", -EINVAL, "Invalid prefix for given prefix length" },
                true,
                LINK_STATE_FAILED,
                "add-address 192.0.2.1/24: Invalid argument (Invalid prefix for given prefix length)",
                "address veth0 2001:db8::1/64\nroute veth0 0.0.0.0/0 192.0.2.254 0 254",
        },
};

START_TEST(test_core_add_answers) {
        const struct AnswerCase *t = &answer_cases[_i];
        Core c;

        core_new(&c);
        core_write(&c, "10-veth0.ibnet", VETH0_FILE);
        if (t->setup)
                t->setup(c.f);
        fake_backend_script(c.f, &t->script);
        c.f->notify_after_reply = t->notify_after_reply;
        core_start(&c);
        /* Each sent once: EEXIST is not retried, a failure waits for a change. */
        core_expect_sent(&c, VETH0_SENT);
        core_expect_link(&c, "veth0", t->state, t->reason, NULL);
        core_expect_record(&c, t->record);
        core_settle(&c);
        core_expect_sent(&c, "");
        core_free(&c);
}
END_TEST

/* ---- lingering: the file goes, what the agent created goes, nothing else ---- */

static LinkState lingering_seen = _LINK_STATE_INVALID;
static Core *lingering_core;

/* The state of ib0 when the first removal is sent. */
static void record_state_and_apply(FakeBackend *f, const Action *a) {
        lingering_seen = core_link(lingering_core, "ib0")->state;
        fake_backend_apply(f, a);
}

START_TEST(test_core_lingering) {
        KAddress foreign = addr(IB0, "192.0.2.99/24"), ours = addr(IB0, "192.0.2.1/24");
        KRoute foreign_route = route(IB0, "198.51.100.0/24", "192.0.2.253", 0);
        Core c;

        core_new(&c);
        lingering_core = &c;
        core_write(&c, "10-ib0.ibnet",
                   "[Match]\nName=ib0\n\n[Link]\nMTU=65520\n\n[IPoIB]\nMode=connected\nUmcast=yes\n\n"
                   "[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\nAddress=2001:db8:1::1/64\n");
        fake_backend_add_address(c.f, &foreign);
        fake_backend_add_route(c.f, &foreign_route);
        core_start(&c);
        core_expect_link(&c, "ib0", LINK_STATE_CONFIGURED, NULL, NULL);
        ck_assert_uint_eq(fake_backend_get_link(c.f, "ib0")->umcast, 1);
        ck_assert(fake_backend_get_link(c.f, "ib0")->promote_secondaries);
        c.mark = c.f->n_submitted;

        fake_backend_script(c.f, &(FakeScript) { "ib0 remove-route " DEFAULT_ROUTE, 0, NULL, 0,
                                                 record_state_and_apply });
        core_remove(&c, "10-ib0.ibnet");
        core_reload(&c);
        /* What the agent added goes, then mode and umcast, MTU, promote_secondaries and the link state
         * are what they were before the agent first changed them (the mode first: it resets the MTU;
         * promote_secondaries after the addresses: off, deleting a primary takes its secondaries). */
        core_expect_sent(&c,
                         "ib0 remove-route 0.0.0.0/0 via 192.0.2.254 metric 0\n"
                         "ib0 remove-address 192.0.2.1/24\n"
                         "ib0 remove-address 2001:db8:1::1/64\n"
                         "ib0 set-ipoib mode datagram umcast 0\n"
                         "ib0 set-mtu 2044\n"
                         "ib0 set-promote-secondaries off\n"
                         "ib0 set-down");
        ck_assert_str_eq(link_state_to_string(lingering_seen), "lingering");
        core_expect_link(&c, "ib0", LINK_STATE_UNMANAGED, NULL, NULL);
        /* Foreign objects survive the agent: no request above names them. The foreign IPv4 route
         * goes all the same, flushed by the kernel when the link is set down as it was (§9). */
        ck_assert(fake_backend_has_address(c.f, &foreign));
        ck_assert(!fake_backend_has_route(c.f, &foreign_route));
        ck_assert(!fake_backend_has_address(c.f, &ours));
        ck_assert_uint_eq(fake_backend_get_link(c.f, "ib0")->mtu, 2044);
        ck_assert_uint_eq(fake_backend_get_link(c.f, "ib0")->mode, IPOIB_MODE_DATAGRAM);
        ck_assert_uint_eq(fake_backend_get_link(c.f, "ib0")->umcast, 0);
        ck_assert(!fake_backend_get_link(c.f, "ib0")->promote_secondaries);
        ck_assert(!(fake_backend_get_link(c.f, "ib0")->flags & IFF_UP));
        ck_assert_ptr_null(owner_get(&c.m->owner, "ib0"));
        core_expect_record(&c, "");
        core_free(&c);
}
END_TEST

/* The same after a restart: the file was removed while the agent was stopped; the record knows. */
START_TEST(test_core_lingering_after_restart) {
        KAddress foreign = addr(VETH0, "192.0.2.99/24");
        Core c;

        core_new(&c);
        core_write(&c, "10-veth0.ibnet", VETH0_FILE);
        fake_backend_add_address(c.f, &foreign);
        core_start(&c);
        core_expect_sent(&c, VETH0_SENT);

        core_remove(&c, "10-veth0.ibnet");
        core_restart(&c);
        core_start(&c);
        core_expect_sent(&c,
                         "veth0 remove-route 0.0.0.0/0 via 192.0.2.254 metric 0\n"
                         "veth0 remove-address 192.0.2.1/24\n"
                         "veth0 remove-address 2001:db8::1/64");
        core_expect_link(&c, "veth0", LINK_STATE_UNMANAGED, NULL, NULL);
        ck_assert(fake_backend_has_address(c.f, &foreign));
        core_expect_record(&c, "");
        core_free(&c);
}
END_TEST

/* A removal answered "not there" is done; another error keeps the object ours. */
static const struct RemoveCase {
        FakeScript script;
        LinkState state;
        const char *reason;
        const char *record;
} remove_cases[] = {
        { { "veth0 remove-address 192.0.2.1/24", -EADDRNOTAVAIL, NULL, 0, fake_backend_apply },
          LINK_STATE_UNMANAGED, NULL, "" },
        { { "veth0 remove-address 192.0.2.1/24", -ENOENT, NULL, 0, fake_backend_apply },
          LINK_STATE_UNMANAGED, NULL, "" },
        { { "veth0 remove-route 0.0.0.0/0 via 192.0.2.254 metric 0", -ESRCH, NULL, 0, fake_backend_apply },
          LINK_STATE_UNMANAGED, NULL, "" },
        { { "veth0 remove-route 0.0.0.0/0 via 192.0.2.254 metric 0", -ENOENT, NULL, 0, fake_backend_apply },
          LINK_STATE_UNMANAGED, NULL, "" },
        { { "veth0 remove-address 192.0.2.1/24", -EPERM },
          LINK_STATE_FAILED, "remove-address 192.0.2.1/24: Operation not permitted",
          "address veth0 192.0.2.1/24" },
};

START_TEST(test_core_remove_answers) {
        const struct RemoveCase *t = &remove_cases[_i];
        Core c;

        core_new(&c);
        core_write(&c, "10-veth0.ibnet", VETH0_FILE);
        core_start(&c);
        core_expect_sent(&c, VETH0_SENT);

        fake_backend_script(c.f, &t->script);
        c.f->notify_after_reply = true; /* see test_core_failure_echo */
        core_remove(&c, "10-veth0.ibnet");
        core_reload(&c);
        core_expect_sent(&c,
                         "veth0 remove-route 0.0.0.0/0 via 192.0.2.254 metric 0\n"
                         "veth0 remove-address 192.0.2.1/24\n"
                         "veth0 remove-address 2001:db8::1/64");
        core_expect_link(&c, "veth0", t->state, t->reason, NULL);
        core_expect_record(&c, t->record);
        core_free(&c);
}
END_TEST

/* P_Key children: the agent deletes the child it created, never one someone else made. */
START_TEST(test_core_lingering_child) {
        Core c;

        core_new(&c);
        core_write(&c, "10-ib0.ibnet", "[Match]\nName=ib0\n[Network]\nAddress=192.0.2.1/24\n");
        core_write(&c, "20-ib0.8002.ibnet", PARTITION_FILE);
        core_start(&c);
        ck_assert(owner_get(&c.m->owner, "ib0.8002")->child);
        c.mark = c.f->n_submitted;

        core_remove(&c, "20-ib0.8002.ibnet");
        core_reload(&c);
        core_expect_sent(&c, "ib0.8002 delete-child");
        ck_assert_ptr_null(fake_backend_get_link(c.f, "ib0.8002"));
        ck_assert_ptr_null(strmap_get(&c.m->links_by_name, "ib0.8002"));
        ck_assert_ptr_null(owner_get(&c.m->owner, "ib0.8002"));
        core_expect_link(&c, "ib0", LINK_STATE_CONFIGURED, NULL, NULL);
        core_expect_record(&c, "address ib0 192.0.2.1/24\norig ib0 2044 datagram down\norig-flags ib0 0 0");
        core_free(&c);
}
END_TEST

START_TEST(test_core_foreign_child) {
        Core c;

        core_new(&c);
        core_write(&c, "20-ib0.8002.ibnet", PARTITION_FILE);
        /* Someone made it between the plan and the request. */
        fake_backend_script(c.f, &(FakeScript) { "ib0 create-child ib0.8002 pkey 0x8002", -EEXIST, NULL, 0,
                                                 fake_backend_apply });
        core_start(&c);
        core_expect_link(&c, "ib0.8002", LINK_STATE_CONFIGURED, NULL, NULL);
        /* ib0 was brought up for its child, ib0.8002 by its file: both were down before. */
        core_expect_record(&c, "address ib0.8002 198.51.100.1/24\norig ib0 2044 datagram down\n"
                               "orig ib0.8002 2044 datagram down\norig-flags ib0 0 0\norig-flags ib0.8002 0 0");
        c.mark = c.f->n_submitted;

        core_remove(&c, "20-ib0.8002.ibnet");
        core_reload(&c);
        /* Our address goes; the child stays, down again and with promote_secondaries off, as its
         * parent. */
        core_expect_sent(&c, "ib0 set-down\nib0.8002 remove-address 198.51.100.1/24\n"
                             "ib0.8002 set-promote-secondaries off\nib0.8002 set-down");
        ck_assert(!fake_backend_get_link(c.f, "ib0.8002")->promote_secondaries);
        ck_assert_ptr_nonnull(fake_backend_get_link(c.f, "ib0.8002"));
        core_expect_link(&c, "ib0.8002", LINK_STATE_UNMANAGED, NULL, NULL);
        core_expect_record(&c, "");
        core_free(&c);
}
END_TEST

/* A child the kernel cannot make does not fail its parent, and is not tried again until something
 * changes. */
START_TEST(test_core_child_unsupported) {
        _cleanup_free_ char *summary = NULL;
        Core c;

        core_new(&c);
        core_write(&c, "10-ib0.ibnet", "[Match]\nName=ib0\n[Network]\nAddress=192.0.2.1/24\n");
        core_write(&c, "20-ib0.8002.ibnet", PARTITION_FILE);
        fake_backend_script(c.f, &(FakeScript) { "ib0 create-child ib0.8002 pkey 0x8002", -EOPNOTSUPP });
        core_start(&c);
        core_expect_sent(&c,
                         "ib0 set-promote-secondaries\n"
                         "ib0 set-up\n"
                         "ib0 create-child ib0.8002 pkey 0x8002\n"
                         "ib0 add-address 192.0.2.1/24");
        core_expect_link(&c, "ib0", LINK_STATE_CONFIGURED, NULL, NULL);
        summary = core_summary(&c);
        ck_assert_msg(strstr(summary, "ib0.8002         failed       20-ib0.8002.ibnet: the kernel has no "
                                      "IPoIB support (is ib_ipoib loaded?)\n"),
                      "summary:\n%s", summary);
        ck_assert_ptr_null(owner_get(&c.m->owner, "ib0.8002"));

        /* The parent's own changes are repaired; the child waits for its configuration to change. */
        core_kernel_link(&c, "ib0", set_down);
        core_expect_sent(&c, "ib0 set-up");
        core_reload(&c);
        core_expect_sent(&c, "ib0 create-child ib0.8002 pkey 0x8002");
        core_free(&c);
}
END_TEST

/* ---- the datagram MTU clamp: accepted, run lower, learned ---- */

/* ipoib_change_mtu() in datagram mode: accepts up to the IB link MTU - 4 and runs
 * min(mcast_mtu, admin_mtu); the broadcast group here has a 2048 MTU (2044 for IPoIB). */
static void clamp_2044(FakeBackend *f, const Action *a) {
        KLink k = *fake_backend_get_link(f, a->ifname);

        k.mtu = MIN(a->mtu, 2044u);
        fake_backend_change_link(f, &k);
}

static const struct ClampCase {
        uint32_t start_mtu;
        bool notify_after_reply;
} clamp_cases[] = {
        { 2044, false }, /* running the clamped value already: no notification at all */
        { 2044, true },
        { 1500, false }, /* lowered by the clamp: notified before the answer … */
        { 1500, true },  /* … or after it */
};

#define CLAMP_WARNING "MTU 4092 accepted; the kernel runs 2044 (the broadcast group's MTU is lower)"

START_TEST(test_core_mtu_clamp) {
        const struct ClampCase *t = &clamp_cases[_i];
        KLink *k;
        Core c;

        core_new(&c);
        k = fake_backend_get_link(c.f, "ib0");
        k->mtu = t->start_mtu;
        k->flags |= IFF_UP;
        core_write(&c, "10-ib0.ibnet", "[Match]\nName=ib0\n[Link]\nMTU=4092\n");
        fake_backend_script(c.f, &(FakeScript) { "ib0 set-mtu 4092", 0, NULL, 0, clamp_2044 });
        c.f->notify_after_reply = t->notify_after_reply;
        core_start(&c);
        /* Once: asking again would only be clamped again. */
        core_expect_sent(&c, "ib0 set-mtu 4092");
        ck_assert_uint_eq(fake_backend_get_link(c.f, "ib0")->mtu, 2044);
        core_expect_link(&c, "ib0", LINK_STATE_CONFIGURED, NULL, CLAMP_WARNING);
        {
                char want[128];

                snprintf(want, sizeof(want), "mtu ib0 4092 2044\norig ib0 %u datagram up\norig-flags ib0 0 0",
                         t->start_mtu);
                core_expect_record(&c, want);
        }

        core_reload(&c);
        core_expect_sent(&c, "");

        /* A restart knows from the record that there is nothing to ask. */
        core_restart(&c);
        core_start(&c);
        core_expect_sent(&c, "");
        core_expect_link(&c, "ib0", LINK_STATE_CONFIGURED, NULL, CLAMP_WARNING);
        core_free(&c);
}
END_TEST

/* Drift after a clamp is drift: someone sets another MTU, the agent asks for the file's again. */
START_TEST(test_core_mtu_clamp_then_drift) {
        const struct ClampCase *t = &clamp_cases[_i];
        KLink *k;
        Core c;

        core_new(&c);
        k = fake_backend_get_link(c.f, "ib0");
        k->mtu = t->start_mtu;
        k->flags |= IFF_UP;
        core_write(&c, "10-ib0.ibnet", "[Match]\nName=ib0\n[Link]\nMTU=4092\n");
        fake_backend_script(c.f, &(FakeScript) { "ib0 set-mtu 4092", 0, NULL, 0, clamp_2044 });
        c.f->notify_after_reply = t->notify_after_reply;
        core_start(&c);
        core_expect_sent(&c, "ib0 set-mtu 4092");

        core_kernel_link(&c, "ib0", set_mtu_1500);
        core_expect_sent(&c, "ib0 set-mtu 4092");
        ck_assert_uint_eq(fake_backend_get_link(c.f, "ib0")->mtu, 2044);
        core_expect_link(&c, "ib0", LINK_STATE_CONFIGURED, NULL, CLAMP_WARNING);
        core_free(&c);
}
END_TEST

/* ---- Mode=connected refused by the kernel ---- */

static const struct ConnectedCase {
        int error;
        LinkState state;
        const char *reason;
        const char *warning;
        const char *after_change; /* sent when the link changes afterwards */
} connected_cases[] = {
        /* ipoib_set_mode(): -EINVAL without IPOIB_CM_SUPPORTED(): learned, datagram from then on. */
        {
                -EINVAL,
                LINK_STATE_CONFIGURED,
                NULL,
                "connected mode not supported by this device (enhanced IPoIB); running datagram",
                "ib0 set-up",
        },
        /* Any other refusal is a failure: tried again once per change, never in a loop. */
        {
                -EOPNOTSUPP,
                LINK_STATE_FAILED,
                "set-ipoib mode connected: Operation not supported",
                NULL,
                "ib0 set-ipoib mode connected\nib0 set-up",
        },
};

START_TEST(test_core_connected_refused) {
        const struct ConnectedCase *t = &connected_cases[_i];
        Core c;

        core_new(&c);
        core_write(&c, "10-ib0.ibnet",
                   "[Match]\nName=ib0\n[IPoIB]\nMode=connected\n[Network]\nAddress=192.0.2.1/24\n");
        fake_backend_script(c.f, &(FakeScript) { "ib0 set-ipoib mode connected", t->error });
        c.f->notify_after_reply = true; /* see test_core_failure_echo */
        core_start(&c);
        core_expect_sent(&c,
                         "ib0 set-ipoib mode connected\n"
                         "ib0 set-promote-secondaries\n"
                         "ib0 set-up\n"
                         "ib0 add-address 192.0.2.1/24");
        core_expect_link(&c, "ib0", t->state, t->reason, t->warning);
        ck_assert_uint_eq(fake_backend_get_link(c.f, "ib0")->mode, IPOIB_MODE_DATAGRAM);

        core_kernel_link(&c, "ib0", set_down);
        core_expect_sent(&c, t->after_change);
        core_expect_link(&c, "ib0", t->state, t->reason, t->warning);
        core_free(&c);
}
END_TEST

/* ---- reload ---- */

START_TEST(test_core_reload_keeps_last_good) {
        Core c;

        core_new(&c);
        core_write(&c, "10-veth0.ibnet", VETH0_MATCH "[Network]\nAddress=192.0.2.1/24\n");
        core_start(&c);
        core_expect_sent(&c, "veth0 add-address 192.0.2.1/24");

        /* A bad edit: the last good version stays in force. A new bad file is not used at all. */
        core_write(&c, "10-veth0.ibnet",
                   VETH0_MATCH "[Network]\nAddress=192.0.2.2/24\nAdress=192.0.2.3/24\n");
        core_write(&c, "20-ib0.ibnet",
                   "[Match]\nName=ib0\n[Link]\nMTU=banana\n[Network]\nAddress=198.51.100.1/24\n");
        core_reload(&c);
        ck_assert_uint_eq(c.m->config_rejected, 2);
        core_expect_sent(&c, "");
        core_expect_link(&c, "veth0", LINK_STATE_CONFIGURED, NULL, NULL);
        core_expect_link(&c, "ib0", LINK_STATE_UNMANAGED, NULL, NULL);

        /* Fixed: applied, the new address first. */
        core_write(&c, "10-veth0.ibnet", VETH0_MATCH "[Network]\nAddress=192.0.2.2/24\n");
        core_reload(&c);
        ck_assert_uint_eq(c.m->config_rejected, 1);
        core_expect_sent(&c, "veth0 add-address 192.0.2.2/24\nveth0 remove-address 192.0.2.1/24");
        core_expect_link(&c, "veth0", LINK_STATE_CONFIGURED, NULL, NULL);
        core_expect_record(&c, "address veth0 192.0.2.2/24");
        core_free(&c);
}
END_TEST

/* ---- a failure waits for a change ---- */

#define ADDRESS_INVALID "add-address 192.0.2.1/24: Invalid argument (Invalid prefix)"

static void add_foreign_address(Core *c) {
        KAddress a = addr(VETH0, "10.0.0.1/8");

        fake_backend_address_event(c->f, &a, false);
        core_settle(c);
}

static void reload(Core *c) {
        core_reload(c);
}

static void veth_down(Core *c) {
        core_kernel_link(c, "veth0", set_down);
}

static void veth_operstate(Core *c) {
        core_kernel_link(c, "veth0", set_operstate_down);
}

static const struct RetryCase {
        const char *name;
        void (*change)(Core *c);
        const char *sent;
        const char *record; /* NULL: VETH0_RECORD */
} retry_cases[] = {
        { "reload", reload, "veth0 add-address 192.0.2.1/24" },
        { "someone else's address", add_foreign_address, "veth0 add-address 192.0.2.1/24" },
        /* Down flushes IPv4 routes without a notification (fib_disable_ip()): the route is added again. */
        { "link down", veth_down,
          "veth0 set-up\nveth0 add-address 192.0.2.1/24\nveth0 add-route " DEFAULT_ROUTE,
          /* Its first change of the link's settings: down is what it was before. */
          VETH0_RECORD_ORIG_DOWN },
        /* Not a change the plan depends on. */
        { "operstate only", veth_operstate, "" },
};

START_TEST(test_core_failure_retry) {
        const struct RetryCase *t = &retry_cases[_i];
        Core c;

        core_new(&c);
        core_write(&c, "10-veth0.ibnet", VETH0_FILE);
        fake_backend_script(c.f, &(FakeScript) { "veth0 add-address 192.0.2.1/24", -EINVAL, "Invalid prefix",
                                                 1 });
        c.f->notify_after_reply = true; /* see test_core_failure_echo */
        core_start(&c);
        core_expect_sent(&c, VETH0_SENT);
        core_expect_link(&c, "veth0", LINK_STATE_FAILED, ADDRESS_INVALID, NULL);

        t->change(&c);
        {
                _cleanup_free_ char *sent = fake_backend_submitted_since(c.f, c.mark);

                ck_assert_msg(streq(sent, t->sent), "%s:\nsent:\n%s\nexpected:\n%s", t->name, sent, t->sent);
                c.mark = c.f->n_submitted;
        }
        if (isempty(t->sent))
                core_expect_link(&c, "veth0", LINK_STATE_FAILED, ADDRESS_INVALID, NULL);
        else {
                core_expect_link(&c, "veth0", LINK_STATE_CONFIGURED, NULL, NULL);
                core_expect_record(&c, t->record ?: VETH0_RECORD);
        }
        core_free(&c);
}
END_TEST

/* The kernel notifies a change before it acknowledges the request (rtmsg_ifinfo(), rtmsg_ifa() run
 * inside the request, netlink_ack() after it). When those notifications are read first, the ones of
 * the requests that follow a failed one change the cache, count as a change, and the failed request
 * is sent once more at once; then the link waits. Once, never in a loop: the second round changes
 * nothing. */
START_TEST(test_core_failure_echo) {
        Core c;

        core_new(&c);
        core_write(&c, "10-veth0.ibnet", VETH0_FILE);
        fake_backend_script(c.f, &(FakeScript) { "veth0 add-address 192.0.2.1/24", -EINVAL,
                                                 "Invalid prefix" });
        core_start(&c);
        core_expect_sent(&c, VETH0_SENT "\nveth0 add-address 192.0.2.1/24");
        core_expect_link(&c, "veth0", LINK_STATE_FAILED, ADDRESS_INVALID, NULL);
        core_settle(&c);
        core_expect_sent(&c, "");
        core_free(&c);
}
END_TEST

/* ---- drift, lost events ---- */

START_TEST(test_core_drift_and_overrun) {
        KAddress ours = addr(VETH0, "192.0.2.1/24");
        KRoute default_route = route(VETH0, "0.0.0.0/0", "192.0.2.254", 0);
        Core c;

        core_new(&c);
        core_write(&c, "10-veth0.ibnet", VETH0_FILE);
        core_start(&c);
        core_expect_sent(&c, VETH0_SENT);

        /* Someone removes our address: repaired. It was the last IPv4 address, so the kernel dropped
         * the IPv4 routes with it, silently (fib_disable_ip()): the default route comes back too. */
        fake_backend_address_event(c.f, &ours, true);
        core_settle(&c);
        core_expect_sent(&c, "veth0 add-address 192.0.2.1/24\nveth0 add-route " DEFAULT_ROUTE);

        /* Events were lost: the agent dumps again, and finds nothing to do … */
        fake_backend_overrun_event(c.f);
        core_settle(&c);
        ck_assert_uint_eq(c.f->n_dumps, 1);
        core_expect_sent(&c, "");

        /* … or what the lost events would have said: our address and, with it, the route are gone. */
        fake_backend_remove_address(c.f, &ours);
        fake_backend_remove_route(c.f, &default_route);
        fake_backend_overrun_event(c.f);
        core_settle(&c);
        ck_assert_uint_eq(c.f->n_dumps, 2);
        core_expect_sent(&c, "veth0 add-address 192.0.2.1/24\nveth0 add-route " DEFAULT_ROUTE);
        core_expect_link(&c, "veth0", LINK_STATE_CONFIGURED, NULL, NULL);
        core_expect_record(&c, VETH0_RECORD);
        core_free(&c);
}
END_TEST

Suite *make_core_suite(void) {
        Suite *s = suite_create("core");
        TCase *tc = tcase_create("fake-backend");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_loop_test(tc, test_core_cold_apply, 0, ELEMENTSOF(cold_cases));
        tcase_add_test(tc, test_core_require_active_port);
        tcase_add_test(tc, test_core_hotplug);
        tcase_add_test(tc, test_core_rename_keeps_ownership);
        tcase_add_test(tc, test_core_restart_sends_nothing);
        tcase_add_test(tc, test_core_rules);
        tcase_add_loop_test(tc, test_core_add_answers, 0, ELEMENTSOF(answer_cases));
        tcase_add_test(tc, test_core_lingering);
        tcase_add_test(tc, test_core_lingering_after_restart);
        tcase_add_loop_test(tc, test_core_remove_answers, 0, ELEMENTSOF(remove_cases));
        tcase_add_test(tc, test_core_lingering_child);
        tcase_add_test(tc, test_core_foreign_child);
        tcase_add_test(tc, test_core_child_unsupported);
        tcase_add_loop_test(tc, test_core_mtu_clamp, 0, ELEMENTSOF(clamp_cases));
        tcase_add_loop_test(tc, test_core_mtu_clamp_then_drift, 0, ELEMENTSOF(clamp_cases));
        tcase_add_loop_test(tc, test_core_connected_refused, 0, ELEMENTSOF(connected_cases));
        tcase_add_test(tc, test_core_reload_keeps_last_good);
        tcase_add_loop_test(tc, test_core_failure_retry, 0, ELEMENTSOF(retry_cases));
        tcase_add_test(tc, test_core_failure_echo);
        tcase_add_test(tc, test_core_drift_and_overrun);
        suite_add_tcase(s, tc);
        core_test_add_owner_tcase(s);
        core_test_add_kernel_tcase(s);
        return s;
}
