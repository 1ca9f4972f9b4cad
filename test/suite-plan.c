/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The planner is a pure function: (desired, observed, owned) tables in, the ordered plan out, no
 * kernel. Each case states the plan as the strings action_to_string() gives. */

#include <check.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <unistd.h>

#include "ibnet-load.h"
#include "plan.h"
#include "strv.h"
#include "test-suites.h"

/* Loads one .ibnet text; fails the test on any error. */
static IbNetwork *network_from_text(const char *text) {
        char dir[] = "/tmp/test-plan-XXXXXX", path[256];
        _cleanup_(diag_list_done) DiagList diags = {};
        ConfFile cf = { .name = (char *) "t.ibnet", .path = path };
        IbNetwork *n = NULL;
        FILE *f;
        int r;

        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/t.ibnet", dir);
        f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        fclose(f);
        r = ibnet_load(&cf, 0, &diags, &n);
        for (size_t i = 0; i < diags.n; i++)
                if (diags.items[i].level == DIAG_ERROR)
                        ck_abort_msg("unexpected: %s:%u: %s", diags.items[i].path, diags.items[i].line,
                                     diags.items[i].message);
        ck_assert_int_eq(r, 0);
        unlink(path);
        rmdir(dir);
        return n;
}

static KLink veth(int ifindex, const char *name, unsigned flags, uint32_t mtu) {
        KLink k = { .ifindex = ifindex, .arphrd = ARPHRD_ETHER, .flags = flags, .mtu = mtu, .max_mtu = 65535 };

        snprintf(k.ifname, sizeof(k.ifname), "%s", name);
        return k;
}

static KAddress addr(int ifindex, const char *s) {
        KAddress a = { .ifindex = ifindex, .scope = RT_SCOPE_UNIVERSE };

        ck_assert_int_eq(in_addr_prefix_from_string_auto(s, false, &a.family, &a.addr, &a.prefixlen), 0);
        return a;
}

static KRoute route(int ifindex, const char *dst, const char *gw, uint32_t metric) {
        KRoute r = { .ifindex = ifindex, .table = RT_TABLE_MAIN, .metric = metric, .type = RTN_UNICAST };

        ck_assert_int_eq(in_addr_prefix_from_string_auto(dst, false, &r.family, &r.dst, &r.dst_len), 0);
        if (gw) {
                int family;

                ck_assert_int_eq(in_addr_from_string_auto(gw, &family, &r.gw), 0);
                r.has_gw = true;
        }
        return r;
}

/* Runs the planner and compares with NULL-terminated expected strings. */
static void plan_one(const PlanInput *in, const char *const *expected) {
        _cleanup_(action_list_done) ActionList l = {};
        size_t n = 0;

        ck_assert_int_eq(plan_link(in, &l, NULL), 0);
        while (expected[n])
                n++;
        for (size_t i = 0; i < l.n; i++) {
                char buf[256];

                action_to_string(&l.actions[i], buf, sizeof(buf));
                ck_assert_msg(i < n, "unexpected extra action %zu: %s", i, buf);
                ck_assert_msg(streq(buf, expected[i]), "action %zu: got \"%s\", want \"%s\"", i, buf, expected[i]);
        }
        ck_assert_msg(l.n == n, "got %zu actions, want %zu", l.n, n);
}

static const char *const full_config =
        "[Match]\nName=v0\nType=ether\n"
        "[Link]\nMTU=9000\n"
        "[Network]\nAddress=192.0.2.1/24\nAddress=2001:db8:1::1/64\nGateway=192.0.2.254\n"
        "[Route]\nDestination=198.51.100.0/24\nGateway=192.0.2.253\nMetric=50\n"
        "[Route]\nDestination=203.0.113.0/24\n";

START_TEST(test_plan_cold) {
        _cleanup_(ib_network_unrefp) IbNetwork *n = network_from_text(full_config);
        KLink k = veth(3, "v0", 0, 1500);
        PlanInput in = { .network = n, .link = &k };

        /* MTU before up before addresses; the on-link route before routes via a gateway. */
        plan_one(&in, (const char *const[]) {
                              "v0 set-mtu 9000",
                              "v0 set-up",
                              "v0 add-address 192.0.2.1/24",
                              "v0 add-address 2001:db8:1::1/64",
                              "v0 add-route 203.0.113.0/24 metric 0",
                              "v0 add-route 0.0.0.0/0 via 192.0.2.254 metric 0",
                              "v0 add-route 198.51.100.0/24 via 192.0.2.253 metric 50",
                              NULL,
                      });
}
END_TEST

START_TEST(test_plan_converged_is_empty) {
        _cleanup_(ib_network_unrefp) IbNetwork *n = network_from_text(full_config);
        KLink k = veth(3, "v0", IFF_UP, 9000);
        KAddress a[] = { addr(3, "192.0.2.1/24"), addr(3, "2001:db8:1::1/64"), addr(3, "fe80::1/64") };
        KRoute r[] = {
                route(3, "0.0.0.0/0", "192.0.2.254", 0),
                route(3, "198.51.100.0/24", "192.0.2.253", 50),
                route(3, "203.0.113.0/24", NULL, 0),
                route(3, "192.0.2.0/24", NULL, 0), /* the kernel's prefix route: foreign, kept */
        };
        PlanInput in = { .network = n, .link = &k, .addresses = a, .n_addresses = 3, .routes = r, .n_routes = 4 };

        /* A restart with the same config and kernel state sends nothing. */
        plan_one(&in, (const char *const[]) { NULL });
}
END_TEST

START_TEST(test_plan_removes_only_owned) {
        _cleanup_(ib_network_unrefp) IbNetwork *n =
                network_from_text("[Match]\nName=v0\nType=ether\n[Network]\nAddress=192.0.2.1/24\n");
        KLink k = veth(3, "v0", IFF_UP, 1500);
        KAddress a[] = { addr(3, "192.0.2.1/24"), addr(3, "192.0.2.9/24"), addr(3, "198.51.100.5/24") };
        KAddress owned[] = { addr(0, "192.0.2.1/24"), addr(0, "198.51.100.5/24"), addr(0, "203.0.113.1/24") };
        KRoute r[] = { route(3, "10.0.0.0/8", "198.51.100.1", 0), route(3, "172.16.0.0/12", "192.0.2.7", 0) };
        KRoute owned_r[] = { route(0, "10.0.0.0/8", "198.51.100.1", 0) };
        PlanInput in = {
                .network = n, .link = &k,
                .addresses = a, .n_addresses = 3, .routes = r, .n_routes = 2,
                .owned_addresses = owned, .n_owned_addresses = 3,
                .owned_routes = owned_r, .n_owned_routes = 1,
        };

        /* 192.0.2.9 and 172.16/12 are foreign and survive; 203.0.113.1 is owned but already gone;
         * the route goes before the address it depends on. */
        plan_one(&in, (const char *const[]) {
                              "v0 remove-route 10.0.0.0/8 via 198.51.100.1 metric 0",
                              "v0 remove-address 198.51.100.5/24",
                              NULL,
                      });
}
END_TEST

START_TEST(test_plan_unmanaged_cleans_up) {
        KLink k = veth(3, "v0", IFF_UP, 1500);
        KAddress a[] = { addr(3, "192.0.2.1/24"), addr(3, "192.0.2.2/24") };
        KAddress owned[] = { addr(0, "192.0.2.1/24") };
        PlanInput in = { .link = &k, .addresses = a, .n_addresses = 2, .owned_addresses = owned, .n_owned_addresses = 1 };

        /* The file is gone: remove what we created, touch nothing else (not even the link state). */
        plan_one(&in, (const char *const[]) { "v0 remove-address 192.0.2.1/24", NULL });
}
END_TEST

START_TEST(test_plan_ipv6_default_metric) {
        _cleanup_(ib_network_unrefp) IbNetwork *n = network_from_text(
                "[Match]\nName=v0\nType=ether\n[Network]\nAddress=2001:db8:1::1/64\nGateway=2001:db8:1::fffe\n"
                "[Route]\nDestination=2001:db8:2::/64\nGateway=fe80::1\n");
        KLink k = veth(3, "v0", IFF_UP, 1500);
        KAddress a[] = { addr(3, "2001:db8:1::1/64") };
        KRoute r[] = { route(3, "::/0", "2001:db8:1::fffe", 1024) };
        PlanInput in = { .network = n, .link = &k, .addresses = a, .n_addresses = 1, .routes = r, .n_routes = 1 };

        /* IPv6 routes get metric 1024 from the kernel when none is given: that one is present. */
        plan_one(&in, (const char *const[]) { "v0 add-route 2001:db8:2::/64 via fe80::1 metric 1024", NULL });
}
END_TEST

START_TEST(test_plan_gateway_onlink) {
        /* GatewayOnLink=yes: every route with a gateway carries RTNH_F_ONLINK, on-link routes do not. */
        _cleanup_(ib_network_unrefp) IbNetwork *n = network_from_text(
                "[Match]\nName=v0\nType=ether\n[Network]\nAddress=192.0.2.1/24\nGateway=198.51.100.1\n"
                "GatewayOnLink=yes\n[Route]\nDestination=10.0.0.0/8\nGateway=198.51.100.2\n"
                "[Route]\nDestination=203.0.113.0/24\n");
        _cleanup_free_ KRoute *r = NULL;
        size_t k;

        ck_assert_int_eq(network_desired_routes(n, 3, &r, &k), 0);
        ck_assert_uint_eq(k, 3);
        ck_assert_uint_eq(r[0].flags, RTNH_F_ONLINK);
        ck_assert_uint_eq(r[1].flags, RTNH_F_ONLINK);
        ck_assert_uint_eq(r[2].flags, 0);
}
END_TEST

START_TEST(test_plan_mtu_max_and_drift) {
        _cleanup_(ib_network_unrefp) IbNetwork *n =
                network_from_text("[Match]\nName=v0\nType=ether\n[Link]\nMTU=max\n");
        KLink k = veth(3, "v0", IFF_UP, 1500);
        PlanInput in = { .network = n, .link = &k, .mtu_max = 65535 };

        plan_one(&in, (const char *const[]) { "v0 set-mtu 65535", NULL });
        in.mtu_max = 0; /* unknown maximum: leave the MTU alone */
        plan_one(&in, (const char *const[]) { NULL });
}
END_TEST

START_TEST(test_plan_ipoib_mode_before_mtu) {
        _cleanup_(ib_network_unrefp) IbNetwork *n = network_from_text(
                "[Match]\nName=ib0\n[IPoIB]\nMode=connected\nUmcast=yes\n[Link]\nMTU=65520\n");
        KLink k = { .ifindex = 4, .arphrd = ARPHRD_INFINIBAND, .flags = IFF_UP, .mtu = 2044, .has_ipoib = true };
        PlanInput in = { .network = n, .link = &k };

        snprintf(k.ifname, sizeof(k.ifname), "ib0");
        /* ipoib_set_mode() resets the MTU, so the mode goes first. */
        plan_one(&in, (const char *const[]) { "ib0 set-ipoib mode connected umcast 1", "ib0 set-mtu 65520", NULL });
        k.mode = 1;
        k.umcast = 1;
        k.mtu = 65520;
        plan_one(&in, (const char *const[]) { NULL });
}
END_TEST


static KLink ib(int ifindex, const char *name, unsigned flags, uint32_t mtu, uint8_t mode) {
        KLink k = { .ifindex = ifindex, .arphrd = ARPHRD_INFINIBAND, .flags = flags, .mtu = mtu, .has_ipoib = true,
                    .mode = mode, .pkey = 0xffff };

        snprintf(k.ifname, sizeof(k.ifname), "%s", name);
        return k;
}

START_TEST(test_plan_replace_address_keeps_ipv4) {
        _cleanup_(ib_network_unrefp) IbNetwork *n =
                network_from_text("[Match]\nName=v0\nType=ether\n[Network]\nAddress=192.0.2.2/24\n"
                                  "Address=198.51.100.1/25\n");
        KLink k = veth(3, "v0", IFF_UP, 1500);
        KAddress a[] = { addr(3, "192.0.2.1/24"), addr(3, "198.51.100.1/24") };
        KAddress owned[] = { addr(0, "192.0.2.1/24"), addr(0, "198.51.100.1/24") };
        PlanInput in = { .network = n, .link = &k, .addresses = a, .n_addresses = 2,
                         .owned_addresses = owned, .n_owned_addresses = 2 };

        /* Same address, new prefix length: it must go first. Another address: the new one goes on
         * before the old one comes off, so the link never loses its last IPv4 address (fib_disable_ip()). */
        plan_one(&in, (const char *const[]) {
                              "v0 remove-address 198.51.100.1/24",
                              "v0 add-address 192.0.2.2/24",
                              "v0 add-address 198.51.100.1/25",
                              "v0 remove-address 192.0.2.1/24",
                              NULL,
                      });
}
END_TEST

/* ARPIgnore=/ARPAnnounce=: only what differs, before the link goes up and the addresses come; nothing
 * when the kernel does not report the values. */
START_TEST(test_plan_arp) {
        _cleanup_(ib_network_unrefp) IbNetwork *n = network_from_text(
                "[Match]\nName=v0\nType=ether\n[Network]\nAddress=2001:db8::2/64\nARPIgnore=1\nARPAnnounce=2\n");
        _cleanup_(ib_network_unrefp) IbNetwork *one = network_from_text(
                "[Match]\nName=v0\nType=ether\n[Network]\nARPIgnore=1\n");
        KLink k = veth(3, "v0", 0, 1500);
        PlanInput in = { .network = n, .link = &k };

        plan_one(&in, (const char *const[]) { "v0 set-up", "v0 add-address 2001:db8::2/64", NULL });
        k.has_arp_conf = true;
        plan_one(&in, (const char *const[]) { "v0 set-arp ignore 1 announce 2", "v0 set-up",
                                              "v0 add-address 2001:db8::2/64", NULL });
        k.arp_ignore = 1;
        plan_one(&in, (const char *const[]) { "v0 set-arp announce 2", "v0 set-up", "v0 add-address 2001:db8::2/64",
                                              NULL });
        k.arp_announce = 2;
        k.flags = IFF_UP;
        plan_one(&in, (const char *const[]) { "v0 add-address 2001:db8::2/64", NULL });
        /* Unset is left alone: arp_announce 2 stays. */
        k.arp_ignore = 0;
        in.network = one;
        plan_one(&in, (const char *const[]) { "v0 set-arp ignore 1", NULL });
}
END_TEST

START_TEST(test_plan_promote_secondaries) {
        _cleanup_(ib_network_unrefp) IbNetwork *n =
                network_from_text("[Match]\nName=v0\nType=ether\n[Network]\nAddress=192.0.2.2/24\n");
        _cleanup_(ib_network_unrefp) IbNetwork *v6 =
                network_from_text("[Match]\nName=v0\nType=ether\n[Network]\nAddress=2001:db8::2/64\n");
        KLink k = veth(3, "v0", IFF_UP, 1500);
        PlanInput in = { .network = n, .link = &k };

        k.has_inet_conf = true;
        plan_one(&in, (const char *const[]) { "v0 set-promote-secondaries", "v0 add-address 192.0.2.2/24", NULL });
        k.promote_secondaries = true;
        plan_one(&in, (const char *const[]) { "v0 add-address 192.0.2.2/24", NULL });
        /* Nothing to promote without IPv4 addresses. */
        k.promote_secondaries = false;
        in.network = v6;
        plan_one(&in, (const char *const[]) { "v0 add-address 2001:db8::2/64", NULL });
}
END_TEST

START_TEST(test_plan_children_after_parent) {
        _cleanup_(ib_network_unrefp) IbNetwork *parent = network_from_text("[Match]\nName=ib0\n[Link]\nMTU=2044\n");
        _cleanup_(ib_network_unrefp) IbNetwork *child =
                network_from_text("[Match]\nName=ib0\n[Partition]\nPKey=0x0002\nMethod=sysfs\n[IPoIB]\nMode=connected\n");
        KLink k = ib(5, "ib0", 0, 4092, 0);
        ChildWant c[] = {
                { .network = child, .name = "ib0.8002" },
                { .network = child, .name = "ib0.8003", .exists = true },
                { .network = child, .name = "ib0.8004", .failed = true },
        };
        PlanInput in = { .network = parent, .link = &k, .children = c, .n_children = 3 };

        /* The parent is set up first; the child is created with its P_Key only: Mode=connected at
         * creation would make ipoib_new_child_link() unregister it on devices that cannot do it. */
        plan_one(&in, (const char *const[]) {
                              "ib0 set-mtu 2044",
                              "ib0 set-up",
                              "ib0 create-child ib0.8002 pkey 0x8002",
                              NULL,
                      });
        /* An unmanaged parent is still brought up for its children. */
        in.network = NULL;
        plan_one(&in, (const char *const[]) { "ib0 set-up", "ib0 create-child ib0.8002 pkey 0x8002", NULL });
}
END_TEST

START_TEST(test_plan_connected_unsupported) {
        _cleanup_(ib_network_unrefp) IbNetwork *n =
                network_from_text("[Match]\nName=ib0\n[IPoIB]\nMode=connected\n[Link]\nMTU=max\n");
        KLink k = ib(5, "ib0", IFF_UP, 2044, IPOIB_MODE_DATAGRAM);
        PlanInput in = { .network = n, .link = &k, .mtu_max = 65520 };

        plan_one(&in, (const char *const[]) { "ib0 set-ipoib mode connected", "ib0 set-mtu 65520", NULL });
        /* Enhanced IPoIB: datagram, with MTU=max meaning IB MTU - 4. */
        in.connected_unsupported = true;
        in.mtu_max = 4092;
        ck_assert_int_eq(plan_effective_mode(&in), IPOIB_MODE_DATAGRAM);
        plan_one(&in, (const char *const[]) { "ib0 set-mtu 4092", NULL });
}
END_TEST

START_TEST(test_plan_mode_change_reapplies_mtu) {
        _cleanup_(ib_network_unrefp) IbNetwork *n =
                network_from_text("[Match]\nName=ib0\n[IPoIB]\nMode=datagram\n[Link]\nMTU=2044\n");
        KLink k = ib(5, "ib0", IFF_UP, 2044, IPOIB_MODE_CONNECTED);
        PlanInput in = { .network = n, .link = &k };

        /* The MTU matches now, but ipoib_set_mode() will reset it: set it again after the mode. */
        plan_one(&in, (const char *const[]) { "ib0 set-ipoib mode datagram", "ib0 set-mtu 2044", NULL });
}
END_TEST

START_TEST(test_plan_datagram_clamp_is_not_drift) {
        _cleanup_(ib_network_unrefp) IbNetwork *n =
                network_from_text("[Match]\nName=ib0\n[IPoIB]\nMode=datagram\n[Link]\nMTU=4092\n");
        KLink k = ib(5, "ib0", IFF_UP, 2044, IPOIB_MODE_DATAGRAM);
        PlanInput in = { .network = n, .link = &k };

        plan_one(&in, (const char *const[]) { "ib0 set-mtu 4092", NULL });
        /* The kernel took 4092 and runs 2044 (broadcast group MTU): do not ask again… */
        in.mtu_requested = 4092;
        in.mtu_effective = 2044;
        plan_one(&in, (const char *const[]) { NULL });
        /* …but someone setting 1500 is drift. */
        k.mtu = 1500;
        plan_one(&in, (const char *const[]) { "ib0 set-mtu 4092", NULL });
}
END_TEST

START_TEST(test_plan_pkey_mismatch) {
        _cleanup_(ib_network_unrefp) IbNetwork *n =
                network_from_text("[Match]\nName=ib0\n[Partition]\nPKey=0x8003\nName=ib0.x\n"
                                  "[Network]\nAddress=192.0.2.1/24\n");
        KLink k = ib(9, "ib0.x", IFF_UP, 2044, 0);
        PlanInput in = { .network = n, .link = &k };
        ActionList l = {};
        const char *blocked;

        k.pkey = 0x8002;
        /* ipoib_changelink() ignores a new P_Key: ours is deleted (and created again by its parent)… */
        in.child_owned = true;
        plan_one(&in, (const char *const[]) { "ib0.x delete-child", NULL });
        /* …one we did not create is left alone, with the reason. */
        in.child_owned = false;
        ck_assert_int_eq(plan_link(&in, &l, &blocked), 0);
        ck_assert_uint_eq(l.n, 0);
        ck_assert_ptr_nonnull(blocked);
        ck_assert_ptr_nonnull(strstr(blocked, "another P_Key"));
        action_list_done(&l);
        /* Our child whose file is gone is deleted. */
        in.network = NULL;
        in.child_owned = true;
        plan_one(&in, (const char *const[]) { "ib0.x delete-child", NULL });
}
END_TEST

START_TEST(test_plan_hold_addresses) {
        _cleanup_(ib_network_unrefp) IbNetwork *n = network_from_text(
                "[Match]\nName=ib0\n[Link]\nRequireActivePort=yes\n[Network]\nAddress=192.0.2.1/24\n"
                "Gateway=192.0.2.254\n");
        KLink k = ib(5, "ib0", 0, 2044, 0);
        PlanInput in = { .network = n, .link = &k, .hold_addresses = true };

        /* The port is not ACTIVE: the link is still brought up, addresses and routes wait. */
        plan_one(&in, (const char *const[]) { "ib0 set-up", NULL });
}
END_TEST

/* SourceRouting=: the prefix route and the Gateway= route in the port's table, then the rule; a foreign
 * copy of the rule (another protocol) counts as there, as a foreign route does. */
START_TEST(test_plan_source_routing) {
        _cleanup_(ib_network_unrefp) IbNetwork *n = network_from_text(
                "[Match]\nName=v0\nType=ether\n[Network]\nAddress=10.30.0.10/16\nAddress=fd00::10/64\n"
                "Gateway=10.30.255.254\nSourceRouting=150\n"
                "[RoutingPolicyRule]\nTo=10.40.0.0/24\nIncomingInterface=v0\nTable=200\nPriority=1000\n");
        KLink k = veth(3, "v0", IFF_UP, 1500);
        KAddress a[] = { addr(3, "10.30.0.10/16"), addr(3, "fd00::10/64") };
        KRule foreign = { .family = AF_INET, .priority = 150, .table = 150, .src_len = 32, .protocol = RTPROT_STATIC };
        PlanInput in = { .network = n, .link = &k, .addresses = a, .n_addresses = 2 };

        plan_one(&in, (const char *const[]) {
                              "v0 add-route 10.30.0.0/16 metric 0 table 150",
                              "v0 add-route fd00::/64 metric 1024 table 150",
                              "v0 add-route 0.0.0.0/0 via 10.30.255.254 metric 0 table 150",
                              "v0 add-rule from all to 10.40.0.0/24 iif v0 lookup 200 priority 1000",
                              "v0 add-rule from 10.30.0.10 lookup 150 priority 150",
                              "v0 add-rule IPv6 from fd00::10 lookup 150 priority 150",
                              NULL,
                      });
        ck_assert_int_eq(in_addr_from_string_auto("10.30.0.10", &(int) { 0 }, &foreign.src), 0);
        in.rules = &foreign;
        in.n_rules = 1;
        plan_one(&in, (const char *const[]) {
                              "v0 add-route 10.30.0.0/16 metric 0 table 150",
                              "v0 add-route fd00::/64 metric 1024 table 150",
                              "v0 add-route 0.0.0.0/0 via 10.30.255.254 metric 0 table 150",
                              "v0 add-rule from all to 10.40.0.0/24 iif v0 lookup 200 priority 1000",
                              "v0 add-rule IPv6 from fd00::10 lookup 150 priority 150",
                              NULL,
                      });
}
END_TEST

Suite *make_plan_suite(void) {
        Suite *s = suite_create("plan");
        TCase *tc = tcase_create("plan");

        tcase_add_test(tc, test_plan_cold);
        tcase_add_test(tc, test_plan_converged_is_empty);
        tcase_add_test(tc, test_plan_removes_only_owned);
        tcase_add_test(tc, test_plan_unmanaged_cleans_up);
        tcase_add_test(tc, test_plan_ipv6_default_metric);
        tcase_add_test(tc, test_plan_gateway_onlink);
        tcase_add_test(tc, test_plan_mtu_max_and_drift);
        tcase_add_test(tc, test_plan_ipoib_mode_before_mtu);
        tcase_add_test(tc, test_plan_replace_address_keeps_ipv4);
        tcase_add_test(tc, test_plan_promote_secondaries);
        tcase_add_test(tc, test_plan_arp);
        tcase_add_test(tc, test_plan_children_after_parent);
        tcase_add_test(tc, test_plan_connected_unsupported);
        tcase_add_test(tc, test_plan_mode_change_reapplies_mtu);
        tcase_add_test(tc, test_plan_datagram_clamp_is_not_drift);
        tcase_add_test(tc, test_plan_pkey_mismatch);
        tcase_add_test(tc, test_plan_hold_addresses);
        tcase_add_test(tc, test_plan_source_routing);
        suite_add_tcase(s, tc);
        return s;
}
