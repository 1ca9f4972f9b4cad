/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The harness of suite-core.c: a manager on the fake kernel (fake-backend.h), with its files and
 * runtime directory under test-util.h's temporary root, and the loop run until nothing is left to
 * do. Assertions compare what was sent (action_to_string()), link states and the ownership record. */

#include <check.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>

#include "describe.h"
#include "fake-backend.h"
#include "ipoib-proto.h"
#include "manager.h"
#include "strv.h"
#include "test-util.h"

/* The ownership cases (suite-core-owner.c), added to the core suite. */
void core_test_add_owner_tcase(Suite *s);
/* suite-core-kernel.c: the kernel rules of issue 9 on the fake backend. */
void core_test_add_kernel_tcase(Suite *s);

/* ---- a manager on the fake kernel ---- */

typedef struct Core {
        char *dir, *config, *runtime;
        Manager *m;
        FakeBackend *f;
        size_t mark; /* submits already checked */
} Core;

/* The fake's kernel: one IPoIB port in datagram mode, down, as ib_ipoib leaves it; a veth. */
#define IB0 2
#define VETH0 3

static inline KLink ib_link(int ifindex, const char *name) {
        KLink k = {
                .ifindex = ifindex,
                .arphrd = ARPHRD_INFINIBAND,
                .mtu = 2044,
                .hwaddr_len = INFINIBAND_ALEN,
                /* Byte 0 has IPOIB_FLAGS_RC (ipoib_cm_dev_init()): connected mode is possible. */
                .hwaddr = { 0x80, 0x00, 0x04, 0x48, 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
                            0x00, 0x02, 0xc9, 0x03, 0x00, 0x0a, 0x0b, 0x01 },
                .kind = "ipoib",
                .has_ipoib = true,
                .pkey = 0xffff,
                .mode = IPOIB_MODE_DATAGRAM,
                .has_inet_conf = true,
        };

        snprintf(k.ifname, sizeof(k.ifname), "%s", name);
        return k;
}

static inline KLink veth_link(int ifindex, const char *name) {
        KLink k = {
                .ifindex = ifindex,
                .arphrd = ARPHRD_ETHER,
                .flags = IFF_UP,
                .mtu = 1500,
                .max_mtu = 65535,
                .hwaddr_len = 6,
                .hwaddr = { 0x02, 0, 0, 0, 0, 0x03 },
                .kind = "veth",
                .has_inet_conf = true,
                .promote_secondaries = true,
        };

        snprintf(k.ifname, sizeof(k.ifname), "%s", name);
        return k;
}

static inline KAddress addr(int ifindex, const char *s) {
        KAddress a = { .ifindex = ifindex, .scope = RT_SCOPE_UNIVERSE };

        ck_assert_int_eq(in_addr_prefix_from_string_auto(s, false, &a.family, &a.addr, &a.prefixlen), 0);
        return a;
}

static inline KRoute route(int ifindex, const char *dst, const char *gw, uint32_t metric) {
        KRoute r = {
                .ifindex = ifindex,
                .table = RT_TABLE_MAIN,
                .metric = metric,
                .protocol = RTPROT_STATIC,
                .scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
                .type = RTN_UNICAST,
        };

        ck_assert_int_eq(in_addr_prefix_from_string_auto(dst, false, &r.family, &r.dst, &r.dst_len), 0);
        if (gw) {
                int family;

                ck_assert_int_eq(in_addr_from_string_auto(gw, &family, &r.gw), 0);
                r.has_gw = true;
        }
        return r;
}

/* The manager and a fake kernel with no links, on c's directories. */
static inline void core_boot(Core *c) {
        c->mark = 0;
        ck_assert_int_eq(manager_new(&c->m), 0);
        ck_assert_int_ge(strv_extend(&c->m->config_dirs, c->config), 0);
        c->m->runtime_dir = strdup(c->runtime);
        ck_assert_ptr_nonnull(c->m->runtime_dir);
        ck_assert_int_eq(fake_backend_new(c->m->event, &c->f), 0);
}

/* A manager with fresh config and runtime directories, and a fake kernel holding ib0 and veth0. */
static inline void core_new(Core *c) {
        KLink ib0 = ib_link(IB0, "ib0"), veth0 = veth_link(VETH0, "veth0");

        *c = (Core) {};
        c->dir = test_mkdir_tmp();
        c->config = test_path(c->dir, "config");
        c->runtime = test_path(c->dir, "run");
        ck_assert_int_eq(mkdir(c->config, 0755), 0);
        log_set_max_level(LOG_WARNING);
        core_boot(c);
        fake_backend_add_link(c->f, &ib0);
        fake_backend_add_link(c->f, &veth0);
}

static inline void core_free(Core *c) {
        manager_free(c->m); /* frees the fake too (ops->free) */
        free(c->dir);
        free(c->config);
        free(c->runtime);
        *c = (Core) {};
}

static inline void core_write(Core *c, const char *name, const char *text) {
        free(test_write(c->config, name, text));
}

static inline void core_remove(Core *c, const char *name) {
        _cleanup_free_ char *p = test_path(c->config, name);

        ck_assert_int_eq(unlink(p), 0);
}

/* Runs the loop until nothing is pending: every event delivered, every submit answered, no link
 * left to plan. A plan that never converges (a request sent again on every answer) hits the bound. */
/* STATUS= counts the links itself (describe_counts()); it must say what the view says. */
static inline void core_expect_counts_agree(Core *c) {
        _cleanup_(json_object_putp) json_object *view = describe_view(c->m);
        StatusCounts want, got = describe_counts(c->m);

        ck_assert_ptr_nonnull(view);
        want = status_count(view);
        ck_assert_msg(got.matched == want.matched && got.configured == want.configured && got.failed == want.failed,
                      "STATUS= counts %zu/%zu/%zu, the view %zu/%zu/%zu", got.matched, got.configured, got.failed,
                      want.matched, want.configured, want.failed);
}

static inline void core_settle(Core *c) {
        for (unsigned i = 0;; i++) {
                int r;

                if (i >= 10000 || c->f->n_submitted - c->mark > 500) {
                        size_t from = c->f->n_submitted > 5 ? c->f->n_submitted - 5 : 0;
                        _cleanup_free_ char *sent = fake_backend_submitted_since(c->f, from);

                        ck_abort_msg("the manager does not settle; the last requests:\n%s", sent);
                }
                r = sd_event_run(c->m->event, 0);
                ck_assert_int_ge(r, 0);
                if (r == 0 && fake_backend_idle(c->f) && !c->m->dirty) {
                        core_expect_counts_agree(c);
                        return;
                }
        }
}

/* The agent stops and starts again (same files, same runtime directory); the kernel stays as it is. */
static inline void core_restart(Core *c) {
        FakeBackend *old = c->f;
        _cleanup_free_ KLink *links = newdup(KLink, old->links, old->n_links);
        _cleanup_free_ KAddress *addresses = newdup(KAddress, old->addresses, old->n_addresses);
        _cleanup_free_ KRoute *routes = newdup(KRoute, old->routes, old->n_routes);
        _cleanup_free_ KRule *rules = newdup(KRule, old->rules, old->n_rules);
        size_t n_links = old->n_links, n_addresses = old->n_addresses, n_routes = old->n_routes,
               n_rules = old->n_rules;

        ck_assert(links && addresses && routes && (rules || n_rules == 0));
        c->m = manager_free(c->m);
        core_boot(c);
        for (size_t i = 0; i < n_links; i++)
                fake_backend_add_link(c->f, &links[i]);
        for (size_t i = 0; i < n_addresses; i++)
                fake_backend_add_address(c->f, &addresses[i]);
        for (size_t i = 0; i < n_routes; i++)
                fake_backend_add_route(c->f, &routes[i]);
        for (size_t i = 0; i < n_rules; i++)
                fake_backend_add_rule(c->f, &rules[i]);
}

static inline void core_start(Core *c) {
        ck_assert_int_eq(manager_load_config(c->m, false), 0);
        ck_assert_int_eq(manager_start(c->m, &c->f->backend), 0);
        core_settle(c);
}

static inline void core_reload(Core *c) {
        ck_assert_int_eq(manager_reload(c->m), 0);
        core_settle(c);
}

/* The requests sent since the last check, one per line, are exactly `expected`. */
static inline void core_expect_sent(Core *c, const char *expected) {
        _cleanup_free_ char *sent = fake_backend_submitted_since(c->f, c->mark);

        ck_assert_msg(streq(sent, expected), "sent:\n%s\nexpected:\n%s", sent, expected);
        c->mark = c->f->n_submitted;
}

static inline Link *core_link(Core *c, const char *ifname) {
        Link *l = strmap_get(&c->m->links_by_name, ifname);

        ck_assert_msg(l, "no link %s", ifname);
        return l;
}

static inline void
core_expect_link(Core *c, const char *ifname, LinkState state, const char *reason, const char *warning) {
        Link *l = core_link(c, ifname);

        ck_assert_msg(l->state == state, "%s: state %s (%s), expected %s", ifname,
                      link_state_to_string(l->state), strna(l->reason), link_state_to_string(state));
        ck_assert_msg(streq_ptr(l->reason, reason), "%s: reason \"%s\", expected \"%s\"", ifname,
                      strna(l->reason), strna(reason));
        ck_assert_msg(streq_ptr(l->warning, warning), "%s: warning \"%s\", expected \"%s\"", ifname,
                      strna(l->warning), strna(warning));
}

static inline const char *fake_ifname(FakeBackend *f, int ifindex) {
        FOREACH_ARRAY(k, f->links, f->n_links)
                if (k->ifindex == ifindex)
                        return k->ifname;
        return "?";
}

/* What the agent owns, in the record's words: the lines of RUNTIME/owned without its comment line,
 * plus the objects the fake kernel holds with the agent's mark (RTPROT_IPOIB on routes, IFA_PROTO on
 * addresses), which need no line. Sorted, each once. */
static inline char *core_read_record(Core *c) {
        _cleanup_free_ char *p = test_path(c->runtime, "owned");
        _cleanup_fclose_ FILE *f = fopen(p, "re");
        _cleanup_strv_free_ char **lines = NULL;
        char line[256], a[IN_ADDR_PREFIX_STRLEN], g[INET6_ADDRSTRLEN];
        char *s;

        while (f && fgets(line, sizeof(line), f)) {
                line[strcspn(line, "\n")] = 0;
                if (line[0] != '#')
                        ck_assert_int_ge(strv_extend(&lines, line), 0);
        }
        FOREACH_ARRAY(x, c->f->addresses, c->f->n_addresses) {
                if (x->protocol != RTPROT_IPOIB)
                        continue;
                snprintf(line, sizeof(line), "address %s %s", fake_ifname(c->f, x->ifindex),
                         kaddress_to_string(x, a, sizeof(a)));
                if (!strv_contains(lines, line))
                        ck_assert_int_ge(strv_extend(&lines, line), 0);
        }
        FOREACH_ARRAY(x, c->f->routes, c->f->n_routes) {
                if (x->protocol != RTPROT_IPOIB)
                        continue;
                (void) in_addr_prefix_to_string(x->family, &x->dst, x->dst_len, a, sizeof(a));
                if (x->has_gw)
                        (void) in_addr_to_string(x->family, &x->gw, g, sizeof(g));
                snprintf(line, sizeof(line), "route %s %s %s %u %u", fake_ifname(c->f, x->ifindex), a,
                         x->has_gw ? g : "-", x->metric, x->table);
                if (!strv_contains(lines, line))
                        ck_assert_int_ge(strv_extend(&lines, line), 0);
        }
        strv_sort(lines);
        s = lines ? strv_join(lines, "\n") : strdup("");
        ck_assert_ptr_nonnull(s);
        return s;
}

static inline void core_expect_record(Core *c, const char *expected) {
        _cleanup_free_ char *s = core_read_record(c);

        ck_assert_msg(streq(s, expected), "record:\n%s\nexpected:\n%s", s, expected);
}

static inline char *core_summary(Core *c) {
        char *s = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&s, &size);

        ck_assert_ptr_nonnull(f);
        (void) manager_print_summary(c->m, f);
        ck_assert_int_eq(fclose(f), 0);
        return s;
}

/* A kernel change someone else made, delivered as an event. */
static inline void core_kernel_link(Core *c, const char *ifname, void (*change)(KLink *k)) {
        KLink k = *fake_backend_get_link(c->f, ifname);

        change(&k);
        fake_backend_link_event(c->f, &k, false);
        core_settle(c);
}
