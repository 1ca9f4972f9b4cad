/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated fabric's model, the rules of docs/kernel-ipoib.md that suite-sim.c and
 * suite-sim-sysfs.c left loose: each test names the kernel function it models and is written so that
 * it fails when the model breaks that rule (each was checked against a model with the rule broken). */

#include <check.h>
#include <linux/rtnetlink.h>
#include <stdio.h>

#include "sim-test.h"
#include "test-suites.h"

/* A classic (CM-capable) HCA with a 4K port under a 2K broadcast group. */
static const char rules_fabric[] =
        "{ \"hcas\": [ { \"name\": \"mlx4_4k\", \"ports\": ["
        "  { \"port\": 1, \"guid\": \"0002:c903:0004:0001\", \"active_mtu\": 4096, \"bcast_mtu\": 2048,"
        "    \"sm_lid\": 1, \"pkeys\": [\"0xffff\", \"0x8002\"], \"netdev\": \"ib4k\" } ] } ] }";

static SimNetdev *newlink(SimModel *m, const char *parent, const char *name, bool has_data, int pkey,
                          int mode) {
        SimNewLink req = { .link = sim_test_dev(m, parent)->ifindex, .name = name, .has_data = has_data,
                           .pkey = pkey, .mode = mode, .umcast = -1 };
        SimNetdev *nd = NULL;

        ck_assert_int_eq(sim_rtnl_newlink(m, &req, NULL, &nd), 0);
        return nd;
}

static const char *sysfs(const SimNetdev *nd, const char *attr) {
        static char buf[128];

        if (sim_netdev_sysfs_read(nd, attr, buf, sizeof(buf)) < 0)
                return NULL;
        return buf;
}

static void port_bcast_mtu(SimModel *m, SimNetdev *nd, uint32_t bcast_mtu) {
        SimPortConf c = nd->port->conf;

        c.bcast_mtu = bcast_mtu;
        ck_assert_int_eq(sim_port_update(m, nd->port, &c), 0);
}

/* Index of the first link event about ifname (any if NULL) that is a removal (del) or, if !del, an
 * RTM_NEWLINK with IFF_UP clear; -1 if none. */
static ssize_t link_event(const SimModel *m, const char *ifname, bool del) {
        for (size_t i = 0; i < m->n_events; i++) {
                const SimEvent *e = &m->events[i];

                if (e->type != SIM_EVENT_LINK || (ifname && !streq(e->link.ifname, ifname)))
                        continue;
                if (del ? e->removed : !e->removed && !(e->link.flags & IFF_UP))
                        return (ssize_t) i;
        }
        return -1;
}

/* ——— §1.4 P_Key normalisation on the parent ——— */

START_TEST(test_rules_parent_pkey) {
        /* ipoib_parent_init(): the parent's pkey is P_Key table index 0; ipoib_ndo_init(): |= 0x8000 on
         * the parent too; ipoib_new_child_link(): no IFLA_IPOIB_PKEY (no INFO_DATA, or INFO_DATA with
         * MODE only) → that stored pkey. is_child_unique(): the parent's stored pkey → -ENOTUNIQ. */
        static const struct {
                const char *index0;
                uint16_t stored;
        } t[] = {
                { "0xffff", 0xffff },
                { "0x7fff", 0xffff }, /* a limited-member default partition */
                { "0x8001", 0x8001 },
                { "0x0001", 0x8001 },
        };

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *json = NULL;
                _cleanup_(sim_model_freep) SimModel *m = NULL;
                SimNetdev *p, *a, *b;
                char want[16], buf[16];
                KLink k;

                ck_assert_int_ge(asprintf(&json,
                                          "{ \"hcas\": [ { \"name\": \"mlx4_0\", \"ports\": [ {"
                                          " \"guid\": \"0002:c903:0004:0009\", \"active_mtu\": 2048,"
                                          " \"sm_lid\": 1, \"pkeys\": [\"%s\", \"0x8002\"],"
                                          " \"netdev\": \"ib0\" } ] } ] }",
                                          t[i].index0),
                                 0);
                m = sim_test_model(json);
                p = sim_test_dev(m, "ib0");
                snprintf(want, sizeof(want), "0x%04x\n", t[i].stored);
                ck_assert_msg(p->pkey == t[i].stored, "#%zu %s: 0x%04x", i, t[i].index0, p->pkey);
                ck_assert_str_eq(sysfs(p, "pkey"), want);
                ck_assert_str_eq(sysfs(p, "broadcast"), t[i].stored == 0xffff
                                         ? "00:ff:ff:ff:ff:12:40:1b:ff:ff:00:00:00:00:00:00:ff:ff:ff:ff\n"
                                         : "00:ff:ff:ff:ff:12:40:1b:80:01:00:00:00:00:00:00:ff:ff:ff:ff\n");
                sim_netdev_to_klink(p, &k);
                ck_assert_uint_eq(k.pkey, t[i].stored);
                a = newlink(m, "ib0", "a", false, -1, -1);
                b = newlink(m, "ib0", "b", true, -1, 0);
                ck_assert_msg(a->pkey == t[i].stored && b->pkey == t[i].stored, "#%zu: 0x%04x 0x%04x", i,
                              a->pkey, b->pkey);
                snprintf(buf, sizeof(buf), "0x%04x\n", t[i].stored);
                ck_assert_int_eq(sim_sysfs_create_child(m, p, buf, NULL), -ENOTUNIQ);
        }
}
END_TEST

/* Link events about ifname since the last sim_model_clear_events(). */
static size_t n_link_events(const SimModel *m, const char *ifname) {
        size_t n = 0;

        for (size_t i = 0; i < m->n_events; i++)
                if (m->events[i].type == SIM_EVENT_LINK && streq(m->events[i].link.ifname, ifname))
                        n++;
        return n;
}

static const KLink *last_link(const SimModel *m, const char *ifname) {
        for (size_t i = m->n_events; i > 0; i--)
                if (m->events[i - 1].type == SIM_EVENT_LINK && streq(m->events[i - 1].link.ifname, ifname))
                        return &m->events[i - 1].link;
        return NULL;
}

static void port_pkeys(SimModel *m, SimNetdev *nd, const uint16_t *pkeys, size_t n) {
        SimPortConf c = nd->port->conf;

        memcpy(c.pkeys, pkeys, n * sizeof(uint16_t));
        c.n_pkeys = n;
        ck_assert_int_eq(sim_port_update(m, nd->port, &c), 0);
}

/* ——— §1.4 the parent follows P_Key table index 0 ——— */

START_TEST(test_rules_parent_pkey_flush) {
        /* __ipoib_ib_dev_flush(IPOIB_FLUSH_HEAVY) → update_parent_pkey(): index 0 again, | 0x8000, and
         * broadcast bytes 8–9 rewritten, also while the parent is down (then without a word); an index 0
         * that did not change is "Not flushing - P_Key value not changed". Up, the flush's carrier
         * off/on makes linkwatch send RTM_NEWLINK with the new P_Key. */
        static const uint16_t t1[] = { 0x8001, 0x8002 }, t2[] = { 0x8001, 0x8002, 0x8005 },
                              t3[] = { 0x7fff, 0x8002 };
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(rules_fabric);
        SimNetdev *p = sim_test_dev(m, "ib4k");
        const KLink *k;

        port_pkeys(m, p, t1, ELEMENTSOF(t1)); /* down */
        ck_assert_uint_eq(p->pkey, 0x8001);
        ck_assert_str_eq(sysfs(p, "pkey"), "0x8001\n");
        ck_assert_str_eq(sysfs(p, "broadcast"), "00:ff:ff:ff:ff:12:40:1b:80:01:00:00:00:00:00:00:ff:ff:ff:ff\n");
        ck_assert_uint_eq(n_link_events(m, "ib4k"), 0);
        /* The next notification (the parent comes up) carries it. */
        ck_assert_int_eq(sim_set_up(m, p, true), 0);
        ck_assert_uint_eq(last_link(m, "ib4k")->pkey, 0x8001);
        ck_assert(p->carrier);
        /* Index 0 unchanged: no flush, nothing sent. */
        sim_model_clear_events(m);
        port_pkeys(m, p, t2, ELEMENTSOF(t2));
        ck_assert_uint_eq(p->pkey, 0x8001);
        ck_assert_uint_eq(n_link_events(m, "ib4k"), 0);
        /* Up, index 0 changes (a limited-member default partition: 0x7fff | 0x8000). */
        port_pkeys(m, p, t3, ELEMENTSOF(t3));
        ck_assert_uint_eq(p->pkey, 0xffff);
        k = last_link(m, "ib4k");
        ck_assert_ptr_nonnull(k);
        ck_assert_uint_eq(k->pkey, 0xffff);
        ck_assert(k->flags & IFF_RUNNING);
        ck_assert_str_eq(sysfs(p, "broadcast"), "00:ff:ff:ff:ff:12:40:1b:ff:ff:00:00:00:00:00:00:ff:ff:ff:ff\n");
}
END_TEST

/* ——— §1.5/§2/§3 which changes the kernel notifies ——— */

START_TEST(test_rules_notifications) {
        /* do_setlink() → netdev_state_change() after ipoib_changelink(): RTM_NEWLINK only while the device
         * is up. A sysfs umcast write (umcast_store()) sends nothing. NETDEV_CHANGEMTU follows every
         * successful __dev_set_mtu(), also when the datagram clamp leaves dev->mtu unchanged. */
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(rules_fabric);
        SimNetdev *nd = sim_test_dev(m, "ib4k");

        /* Down: umcast and datagram (a no-op) over netlink say nothing; connected moves the MTU, and
         * NETDEV_CHANGEMTU tells the new mode too. */
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, -1, 1), 0);
        ck_assert(nd->umcast);
        ck_assert_uint_eq(n_link_events(m, "ib4k"), 0);
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 0, 0), 0);
        ck_assert_uint_eq(n_link_events(m, "ib4k"), 0);
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 1, -1), 0);
        ck_assert_uint_eq(n_link_events(m, "ib4k"), 1);
        ck_assert_uint_eq(last_link(m, "ib4k")->mode, 1);
        ck_assert_uint_eq(last_link(m, "ib4k")->mtu, 65520);
        /* Connected at 1500, back to datagram at 1500 while down: min(mcast_mtu, 1500) = 1500, no
         * MTU change, no notification; the cached mode stays stale until another event. */
        ck_assert_int_eq(sim_set_mtu(m, nd, 1500, NULL), 0);
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 0, -1), 0);
        ck_assert(!nd->connected);
        ck_assert_uint_eq(n_link_events(m, "ib4k"), 0);
        /* Up: every netlink change is notified, with what changed silently before. */
        ck_assert_int_eq(sim_set_up(m, nd, true), 0);
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, -1, 0), 0);
        ck_assert_uint_eq(n_link_events(m, "ib4k"), 1);
        ck_assert_uint_eq(last_link(m, "ib4k")->umcast, 0);
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 0, -1), 0); /* same mode: still notified */
        ck_assert_uint_eq(n_link_events(m, "ib4k"), 2);
        /* sysfs umcast: silent even while up. */
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_sysfs_umcast_store(m, nd, "1\n"), 0);
        ck_assert(nd->umcast);
        ck_assert_uint_eq(n_link_events(m, "ib4k"), 0);
        /* The 2K group clamps 4092 to 2044 on a link that runs 2044 already: still NETDEV_CHANGEMTU. */
        ck_assert_int_eq(sim_set_mtu(m, nd, 2044, NULL), 0);
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_set_mtu(m, nd, 4092, NULL), 0);
        ck_assert_uint_eq(nd->mtu, 2044);
        ck_assert_uint_eq(n_link_events(m, "ib4k"), 1);
        ck_assert_uint_eq(last_link(m, "ib4k")->mtu, 2044);
        ck_assert_uint_eq(last_link(m, "ib4k")->umcast, 1);
        /* The same value as dev->mtu: dev_set_mtu_ext() returns before the driver, nothing sent. */
        ck_assert_int_eq(sim_set_mtu(m, nd, 2044, NULL), 0);
        ck_assert_uint_eq(n_link_events(m, "ib4k"), 1);
}
END_TEST

/* ——— §1.6 what a dump reports, on every kind of IPoIB netdev ——— */

START_TEST(test_rules_fill_info) {
        /* ipoib_fill_info() via ipoib_link_ops, which parents (ipoib_add_port), legacy children
         * (ipoib_vlan_add) and netlink children all have: kind "ipoib", PKEY (with 0x8000), MODE (the
         * ADMIN_CM bit), UMCAST; IFLA_LINK (ipoib_get_iflink()) on children only. ipoib_changelink()
         * works on all three, and the change is notified. */
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0"), *legacy = NULL, *nl;
        struct {
                SimNetdev *nd;
                uint16_t pkey;
                int parent;
        } t[3];

        ck_assert_int_eq(sim_sysfs_create_child(m, p, "2\n", &legacy), 0);
        nl = newlink(m, "mlx4_ib0", "nl", true, 0x0003, -1);
        t[0].nd = p, t[0].pkey = 0xffff, t[0].parent = 0;
        t[1].nd = legacy, t[1].pkey = 0x8002, t[1].parent = p->ifindex;
        t[2].nd = nl, t[2].pkey = 0x8003, t[2].parent = p->ifindex;

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                const SimEvent *last = NULL;
                KLink k;

                sim_netdev_to_klink(t[i].nd, &k);
                ck_assert_str_eq(k.kind, "ipoib");
                ck_assert_msg(k.has_ipoib, "%s: no IFLA_INFO_DATA", k.ifname);
                ck_assert_uint_eq(k.pkey, t[i].pkey);
                ck_assert_uint_eq(k.mode, 0);
                ck_assert_uint_eq(k.umcast, 0);
                ck_assert_int_eq(k.parent, t[i].parent);

                /* `ip link set dev X type ipoib pkey 0x8005 mode connected umcast 1`: PKEY ignored. */
                sim_model_clear_events(m);
                ck_assert_int_eq(sim_rtnl_changelink(m, t[i].nd, 0x8005, 1, 1), 0);
                sim_netdev_to_klink(t[i].nd, &k);
                ck_assert_uint_eq(k.pkey, t[i].pkey);
                ck_assert_uint_eq(k.mode, 1);
                ck_assert_uint_eq(k.umcast, 1);
                for (size_t j = 0; j < m->n_events; j++)
                        if (m->events[j].type == SIM_EVENT_LINK && m->events[j].link.ifindex == k.ifindex)
                                last = &m->events[j];
                /* Down: no netdev_state_change() (§1.5); only the NETDEV_CHANGEMTU of the switch to
                 * connected, sent before ipoib_set_umcast() ran. */
                ck_assert_ptr_nonnull(last);
                ck_assert_uint_eq(last->link.mode, 1);
                ck_assert_uint_eq(last->link.umcast, 0);
        }
        ck_assert_str_eq(sysfs(legacy, "mode"), "connected\n");
        ck_assert_str_eq(sysfs(legacy, "umcast"), "1\n");
}
END_TEST

/* ——— §1.5/§6 umcast ——— */

START_TEST(test_rules_umcast_values) {
        /* ipoib_changelink(): ipoib_set_umcast(dev, nla_get_u16()), set when > 0. umcast_store():
         * simple_strtoul(buf, NULL, 0) (no blanks, no sign, base from the prefix) into
         * ipoib_set_umcast(struct net_device *, int): truncated to int, set when > 0. Never fails. */
        static const struct {
                int u16;
                bool expected;
        } nl[] = { { 0, false }, { 1, true }, { 2, true }, { 0xffff, true } };
        static const struct {
                const char *buf;
                bool expected;
        } sys[] = {
                { "1\n", true },          { "0\n", false },         { "2\n", true },
                { "0x10\n", true },       { "010\n", true },        { "09\n", false }, /* octal: "0" */
                { "-1\n", false },        { " 1\n", false },        { "+1\n", false },
                { "garbage\n", false },   { "\n", false },          { "1garbage", true },
                { "2147483648\n", false }, /* (int) 0x80000000 < 0 */
                { "4294967297\n", true },  /* (int) 0x100000001 == 1 */
        };
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0"), *c = newlink(m, "mlx4_ib0", "nl", true, 0x8002, -1);

        for (size_t i = 0; i < ELEMENTSOF(nl); i++) {
                c->umcast = !nl[i].expected;
                ck_assert_int_eq(sim_rtnl_changelink(m, c, -1, -1, nl[i].u16), 0);
                ck_assert_msg(c->umcast == nl[i].expected, "IFLA_IPOIB_UMCAST %d", nl[i].u16);
        }
        for (size_t i = 0; i < ELEMENTSOF(sys); i++) {
                p->umcast = !sys[i].expected;
                ck_assert_int_eq(sim_sysfs_umcast_store(m, p, sys[i].buf), 0);
                ck_assert_msg(p->umcast == sys[i].expected, "echo '%s' > umcast: %d", sys[i].buf, p->umcast);
        }
}
END_TEST

/* ——— §6 how the sysfs files parse their numbers ——— */

START_TEST(test_rules_sysfs_numbers) {
        /* create_child_store()/delete_child_store(): sscanf(buf, "%i") with the kernel's vsscanf():
         * blanks skipped, an optional '-', then a digit (no '+'); trailing junk ignored. create_child
         * then wants 0 < pkey <= 0xffff, delete_child 0 <= pkey <= 0xffff. */
        static const struct {
                bool del;
                const char *buf;
                int expected;
                const char *created;
        } t[] = {
                { false, "+2\n", -EINVAL, NULL },
                { false, "-2\n", -EINVAL, NULL },
                { false, "- 2\n", -EINVAL, NULL },
                { false, " 2\n", 0, "mlx4_ib0.0002" },
                { false, "\t0x8003\n", 0, "mlx4_ib0.8003" },
                { false, "0x8004junk", 0, "mlx4_ib0.8004" },
                { false, "32773\n", 0, "mlx4_ib0.8005" },
                { true, "-1\n", -EINVAL, NULL },
                { true, "+0x8002\n", -EINVAL, NULL },
                { true, "0\n", -ENODEV, NULL },
                { true, " 0x8002\n", 0, NULL },
                { true, "32771\n", 0, NULL }, /* 0x8003 */
        };
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0");

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                SimNetdev *c = NULL;
                size_t n = m->n_netdevs;
                int r = t[i].del ? sim_sysfs_delete_child(m, p, t[i].buf)
                                 : sim_sysfs_create_child(m, p, t[i].buf, &c);

                ck_assert_msg(r == t[i].expected, "#%zu %s '%s': %d", i, t[i].del ? "delete" : "create",
                              t[i].buf, r);
                if (t[i].created)
                        ck_assert_str_eq(c->name, t[i].created);
                ck_assert_uint_eq(m->n_netdevs, r < 0 ? n : t[i].del ? n - 1 : n + 1);
        }
}
END_TEST

START_TEST(test_rules_mode_buffers) {
        /* mode_store() → ipoib_set_mode(): strcmp() against "connected\n"/"datagram\n" exactly; the
         * current mode again is a no-op; anything else -EINVAL with the mode unchanged. */
        static const struct {
                bool connected_before;
                const char *buf;
                int expected;
                bool connected_after;
        } t[] = {
                { false, "connected\n", 0, true },
                { false, "connected", -EINVAL, false },
                { true, "datagram", -EINVAL, true },
                { true, "datagram\n", 0, false },
                { false, "Connected\n", -EINVAL, false },
                { false, "connected\n\n", -EINVAL, false },
                { false, "connected \n", -EINVAL, false },
                { true, "connected\n", 0, true },
                { false, "datagram\n", 0, false },
        };

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
                SimNetdev *p = sim_test_dev(m, "mlx4_ib0");
                int r;

                if (t[i].connected_before)
                        ck_assert_int_eq(sim_set_mode(m, p, "connected\n"), 0);
                r = sim_sysfs_mode_store(m, p, t[i].buf);
                ck_assert_msg(r == t[i].expected, "#%zu '%s': %d", i, t[i].buf, r);
                ck_assert_msg(p->connected == t[i].connected_after, "#%zu '%s'", i, t[i].buf);
                ck_assert_str_eq(sysfs(p, "mode"), p->connected ? "connected\n" : "datagram\n");
        }
}
END_TEST

/* ——— §2 who can do connected mode ——— */

START_TEST(test_rules_cm_capable) {
        /* IPOIB_CM_SUPPORTED(dev_addr): dev_addr[0] & 0x80, set only by ipoib_cm_dev_init() on the classic
         * path; mlx5i_dev_init() (enhanced IPoIB) writes dev_addr[1..3] only, whatever the driver's CM
         * support; the ipoib_cm_dev_init() stub without CONFIG_INFINIBAND_IPOIB_CM never sets it.
         * ipoib_set_mode("connected\n") without it: -EINVAL. */
        static const struct {
                const char *enhanced, *connected_mode;
                bool capable;
        } t[] = {
                { "false", "true", true },
                { "false", "false", false },
                { "true", "true", false },
                { "true", "false", false },
        };

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *json = NULL;
                _cleanup_(sim_model_freep) SimModel *m = NULL;
                SimNetdev *nd;
                KLink k;

                ck_assert_int_ge(asprintf(&json,
                                          "{ \"hcas\": [ { \"name\": \"mlx5_0\", \"enhanced\": %s,"
                                          " \"connected_mode\": %s, \"ports\": [ {"
                                          " \"guid\": \"0002:c903:0004:0009\","
                                          " \"netdev\": \"ib0\" } ] } ] }",
                                          t[i].enhanced, t[i].connected_mode),
                                 0);
                m = sim_test_model(json);
                nd = sim_test_dev(m, "ib0");
                ck_assert_msg(sim_port_cm_capable(nd->port->hca) == t[i].capable, "#%zu", i);
                sim_netdev_to_klink(nd, &k);
                ck_assert_uint_eq(k.hwaddr[0], t[i].capable ? 0x80 : 0);
                ck_assert_int_eq(sim_set_mode(m, nd, "connected\n"), t[i].capable ? 0 : -EINVAL);
                ck_assert_uint_eq(nd->mtu, t[i].capable ? 65520 : 4092);
                ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 1, -1), t[i].capable ? 0 : -EINVAL);
        }
}
END_TEST

/* ——— §1.3 ipoib_new_child_link(): the order of the checks ——— */

START_TEST(test_rules_create_check_order) {
        /* __rtnl_newlink() looks up IFLA_LINK before ipoib's pkey check; __ipoib_vlan_add() checks the
         * pkey before register_netdevice(), which checks the name; ipoib_changelink() (the mode) runs
         * only on a registered device, which it then unregisters. Each row breaks two rules; the
         * events tell whether a device was registered on the way. */
        static const struct {
                int link; /* 0: mlx4_ib0 */
                const char *name;
                int pkey, mode, expected;
                size_t events;
        } t[] = {
                { 999, "x", 0, -1, -ENODEV, 0 },
                { 0, "x", 0x8000, 2, -EINVAL, 0 },
                { 0, "bad/name", 0x8002, 2, -EINVAL, 0 },
                { 0, "x", 0x8002, 2, -EINVAL, 2 }, /* RTM_NEWLINK, then RTM_DELLINK */
                { 0, "mlx4_ib1", 0, 2, -EEXIST, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
                SimNewLink req = { .link = t[i].link ?: sim_test_dev(m, "mlx4_ib0")->ifindex,
                                   .name = t[i].name, .has_data = true, .pkey = t[i].pkey,
                                   .mode = t[i].mode, .umcast = -1 };
                size_t n = m->n_netdevs;
                int r = sim_rtnl_newlink(m, &req, NULL, NULL);

                ck_assert_msg(r == t[i].expected, "#%zu: %d", i, r);
                ck_assert_msg(m->n_events == t[i].events, "#%zu: %zu events", i, m->n_events);
                ck_assert_uint_eq(m->n_netdevs, n);
        }
}
END_TEST

/* ——— §2/§3 MTU bookkeeping: admin_mtu, mcast_mtu ——— */

START_TEST(test_rules_mtu_admin) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(rules_fabric);
        SimNetdev *nd = sim_test_dev(m, "ib4k");

        /* ipoib_ndo_init(): 4092; the broadcast join (2K group, ipoib_mcast_join_finish()) with
         * mcast_mtu == admin_mtu takes both to 2044. */
        ck_assert_uint_eq(nd->mtu, 4092);
        ck_assert_int_eq(sim_set_up(m, nd, true), 0);
        ck_assert_uint_eq(nd->mtu, 2044);
        ck_assert_uint_eq(nd->admin_mtu, 2044);
        /* ipoib_change_mtu() in datagram: admin_mtu = 1500. */
        ck_assert_int_eq(sim_set_mtu(m, nd, 1500, NULL), 0);
        ck_assert_uint_eq(nd->admin_mtu, 1500);
        /* The group grows to 4K: mcast_mtu (2044) != admin_mtu (1500), so admin_mtu stays and the MTU
         * stays min(4092, 1500). */
        port_bcast_mtu(m, nd, 4096);
        ck_assert_uint_eq(nd->mcast_mtu, 4092);
        ck_assert_uint_eq(nd->admin_mtu, 1500);
        ck_assert_uint_eq(nd->mtu, 1500);
        port_bcast_mtu(m, nd, 2048);
        ck_assert_uint_eq(nd->mtu, 1500);
        /* Connected: ipoib_change_mtu() sets dev->mtu only; admin_mtu is not updated. */
        ck_assert_int_eq(sim_set_mode(m, nd, "connected\n"), 0);
        ck_assert_uint_eq(nd->mtu, 65520);
        ck_assert_int_eq(sim_set_mtu(m, nd, 3000, NULL), 0);
        ck_assert_uint_eq(nd->mtu, 3000);
        ck_assert_uint_eq(nd->admin_mtu, 1500);
        /* ipoib_set_mode("datagram\n"): dev_set_mtu(min(mcast_mtu, mtu)) = 2044 through
         * ipoib_change_mtu(), so admin_mtu = 2044 too… */
        ck_assert_int_eq(sim_set_mode(m, nd, "datagram\n"), 0);
        ck_assert_uint_eq(nd->mtu, 2044);
        ck_assert_uint_eq(nd->admin_mtu, 2044);
        /* …which shows at the next join: mcast_mtu == admin_mtu, both follow the 4K group. */
        port_bcast_mtu(m, nd, 4096);
        ck_assert_uint_eq(nd->admin_mtu, 4092);
        ck_assert_uint_eq(nd->mtu, 4092);
        /* ipoib_mcast_carrier_on_task(): a join in connected mode leaves the MTU alone. */
        ck_assert_int_eq(sim_set_mode(m, nd, "connected\n"), 0);
        port_bcast_mtu(m, nd, 2048);
        ck_assert_uint_eq(nd->mcast_mtu, 2044);
        ck_assert_uint_eq(nd->mtu, 65520);
        ck_assert_int_eq(sim_set_mode(m, nd, "datagram\n"), 0);
        ck_assert_uint_eq(nd->mtu, 2044);
}
END_TEST

START_TEST(test_rules_max_mtu) {
        /* §3 ipoib_parent_init(): max_ib_mtu = rdma_mtu_from_attr() = ib_mtu_enum_to_int(attr->max_mtu),
         * not the active MTU; ipoib_child_init() copies it. A port whose maximum is 4K but that runs 2K:
         * the datagram limit of ipoib_change_mtu() is IPOIB_UD_MTU(4096) = 4092, the running MTU still
         * follows the 2K group, and the port data reports both MTUs. */
        static const char fabric[] =
                "{ \"hcas\": [ { \"name\": \"mlx4_0\", \"ports\": ["
                "  { \"guid\": \"0002:c903:0004:0011\", \"active_mtu\": 2048, \"max_mtu\": 4096,"
                "    \"sm_lid\": 1, \"pkeys\": [\"0xffff\", \"0x8002\"], \"netdev\": \"ibm\" } ] } ] }";
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(fabric);
        SimNetdev *nd = sim_test_dev(m, "ibm"), *c;
        IbPortInfo info;

        ck_assert_uint_eq(nd->max_ib_mtu, 4096);
        ck_assert_uint_eq(nd->mtu, 4092); /* ipoib_ndo_init(): IPOIB_UD_MTU(max_ib_mtu) */
        ck_assert_int_eq(sim_set_up(m, nd, true), 0);
        ck_assert_uint_eq(nd->mtu, 2044); /* the 2K broadcast group (bcast_mtu defaults to active_mtu) */
        ck_assert_int_eq(sim_set_mtu(m, nd, 4092, NULL), 0);
        ck_assert_uint_eq(nd->admin_mtu, 4092);
        ck_assert_uint_eq(nd->mtu, 2044);
        ck_assert_int_eq(sim_set_mtu(m, nd, 4093, NULL), -EINVAL);
        c = newlink(m, "ibm", "ibm.8002", true, 0x8002, -1);
        ck_assert_uint_eq(c->max_ib_mtu, 4096);
        ck_assert_int_eq(sim_set_mtu(m, c, 4092, NULL), 0);
        ck_assert_int_eq(sim_netdev_port_info(c, &info), 0);
        ck_assert_uint_eq(info.active_mtu, 2048);
        ck_assert_uint_eq(info.max_mtu, 4096);
}
END_TEST

START_TEST(test_rules_mtu_unchanged_is_noop) {
        /* dev_set_mtu_ext(): an unchanged MTU returns 0 before ipoib_change_mtu() (which would refuse
         * anything below 72 in datagram). Connected has no lower bound; going to datagram at 60 gives
         * min(mcast_mtu, 60) = 60, unchanged. */
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *nd = sim_test_dev(m, "mlx4_ib0");

        ck_assert_int_eq(sim_set_mode(m, nd, "connected\n"), 0);
        ck_assert_int_eq(sim_set_mtu(m, nd, 60, NULL), 0);
        ck_assert_int_eq(sim_set_mode(m, nd, "datagram\n"), 0);
        ck_assert(!nd->connected);
        ck_assert_uint_eq(nd->mtu, 60);
        ck_assert_int_eq(sim_set_mtu(m, nd, 60, NULL), 0);
        ck_assert_int_eq(sim_set_mtu(m, nd, 61, NULL), -EINVAL);
        ck_assert_int_eq(sim_set_mtu(m, nd, 72, NULL), 0);
        ck_assert_uint_eq(nd->mtu, 72);
}
END_TEST

START_TEST(test_rules_mtu_parent_child_independent) {
        /* §3: no VLAN-style clamp. ipoib_change_mtu() looks at the device's own mode and limits only. */
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0"), *c = newlink(m, "mlx4_ib0", "c", true, 0x8002, -1);

        ck_assert_int_eq(sim_set_mtu(m, p, 1500, NULL), 0);
        ck_assert_uint_eq(c->mtu, 2044);
        ck_assert_int_eq(sim_set_mtu(m, c, 2000, NULL), 0);
        ck_assert_int_eq(sim_set_mode(m, p, "connected\n"), 0);
        ck_assert_uint_eq(c->mtu, 2000);
        ck_assert(!c->connected);
        ck_assert_int_eq(sim_set_mode(m, c, "connected\n"), 0);
        ck_assert_int_eq(sim_set_mode(m, p, "datagram\n"), 0);
        ck_assert_uint_eq(p->mtu, 2044);
        ck_assert_uint_eq(c->mtu, 65520);
        ck_assert_int_eq(sim_set_mtu(m, c, 9000, NULL), 0);
        ck_assert_uint_eq(p->mtu, 2044);
}
END_TEST

/* ——— §4 dev_id/dev_port ——— */

START_TEST(test_rules_dev_port) {
        /* ipoib_parent_init(): dev_port = dev_id = port - 1 on the parent; ipoib_child_init() sets
         * neither, so children (legacy or netlink) of port 2 read 0. dev_id_show(): "%#x\n", which the
         * kernel's printf writes as 0x0 for zero. */
        static const struct {
                const char *dev, *dev_id, *dev_port;
        } t[] = {
                { "mlx4_ib0", "0x0\n", "0\n" },
                { "mlx4_ib1", "0x1\n", "1\n" },
                { "mlx4_ib1.0002", "0x0\n", "0\n" },
                { "nl1", "0x0\n", "0\n" },
        };
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);

        ck_assert_int_eq(sim_sysfs_create_child(m, sim_test_dev(m, "mlx4_ib1"), "2\n", NULL), 0);
        (void) newlink(m, "mlx4_ib1", "nl1", true, 0x8003, -1);
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                SimNetdev *nd = sim_test_dev(m, t[i].dev);

                ck_assert_str_eq(sysfs(nd, "dev_id"), t[i].dev_id);
                ck_assert_str_eq(sysfs(nd, "dev_port"), t[i].dev_port);
        }
}
END_TEST

START_TEST(test_rules_old_child_names) {
        /* §6 ipoib_vlan_add(): "%.10s.%04x" since v6.10; before, "%s.%04x" cut to IFNAMSIZ - 1, which for
         * a 15-character parent is the parent's own name (register_netdevice(): -EEXIST). The fabric's
         * old_child_names picks the older kernel. */
        static const char fabric[] =
                "{ %s \"hcas\": [ { \"name\": \"mlx4_0\", \"ports\": ["
                "  { \"guid\": \"0002:c903:0004:0041\", \"active_mtu\": 2048, \"netdev\": \"ib0storage1\" },"
                "  { \"guid\": \"0002:c903:0004:0042\", \"active_mtu\": 2048, \"netdev\": \"ibstorage0port1\" }"
                "  ] } ] }";
        static const struct {
                bool old;
                const char *a;
                int b_error;
                const char *b;
        } t[] = {
                { false, "ib0storage.8002", 0, "ibstorage0.8002" },
                { true, "ib0storage1.800", -EEXIST, NULL },
        };

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *json = NULL;
                _cleanup_(sim_model_freep) SimModel *m = NULL;
                SimNetdev *a = NULL, *b = NULL;

                ck_assert_int_ge(asprintf(&json, fabric, t[i].old ? "\"old_child_names\": true," : ""), 0);
                m = sim_test_model(json);
                ck_assert(m->old_child_names == t[i].old);
                ck_assert_int_eq(sim_sysfs_create_child(m, sim_test_dev(m, "ib0storage1"), "0x8002\n", &a), 0);
                ck_assert_str_eq(a->name, t[i].a);
                ck_assert_int_eq(sim_sysfs_create_child(m, sim_test_dev(m, "ibstorage0port1"), "0x8002\n", &b),
                                 t[i].b_error);
                if (t[i].b)
                        ck_assert_str_eq(b->name, t[i].b);
        }
}
END_TEST

START_TEST(test_rules_mode_equal_mtu_keeps_admin) {
        /* §2 ipoib_set_mode("datagram\n"): dev_set_mtu(min(mcast_mtu, mtu)). Connected at 1500 with a 2K
         * group gives 1500, equal to the MTU: dev_set_mtu_ext() returns 0 before ipoib_change_mtu(), so
         * admin_mtu keeps its old value and a later re-join (ipoib_mcast_join_finish() with
         * mcast_mtu == admin_mtu, then ipoib_mcast_carrier_on_task()) raises the MTU to the group's, once.
         * Setting 1500 again then reaches the driver (admin_mtu = 1500) and the next re-join leaves it. */
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *nd = sim_test_dev(m, "mlx4_ib0");
        SimPortConf c;

        ck_assert_int_eq(sim_set_up(m, nd, true), 0);
        ck_assert_uint_eq(nd->admin_mtu, 2044);
        ck_assert_int_eq(sim_set_mode(m, nd, "connected\n"), 0);
        ck_assert_int_eq(sim_set_mtu(m, nd, 1500, NULL), 0);
        ck_assert_int_eq(sim_set_mode(m, nd, "datagram\n"), 0);
        ck_assert_uint_eq(nd->mtu, 1500);
        ck_assert_uint_eq(nd->admin_mtu, 2044); /* kept */
        ck_assert_int_eq(sim_set_mtu(m, nd, 1500, NULL), 0); /* equal: still not the driver */
        ck_assert_uint_eq(nd->admin_mtu, 2044);
        for (int flap = 0; flap < 2; flap++) {
                c = nd->port->conf;
                c.state = IB_PORT_DOWN;
                ck_assert_int_eq(sim_port_update(m, nd->port, &c), 0);
                ck_assert(!nd->carrier);
                c.state = IB_PORT_ACTIVE;
                ck_assert_int_eq(sim_port_update(m, nd->port, &c), 0);
                ck_assert(nd->carrier);
                if (flap == 0) {
                        ck_assert_uint_eq(nd->mtu, 2044);
                        ck_assert_int_eq(sim_set_mtu(m, nd, 1500, NULL), 0);
                        ck_assert_uint_eq(nd->admin_mtu, 1500);
                }
                ck_assert_uint_eq(nd->mtu, 1500);
        }
}
END_TEST

START_TEST(test_rules_mode_ebusy) {
        /* ipoib_set_mode(): both branches end "rtnl_unlock(); ipoib_flush_paths(dev); return
         * (!rtnl_trylock()) ? -EBUSY : 0;" — the mode and the MTU changed already. ipoib_changelink()
         * then returns at once (no umcast, and __rtnl_newlink() skips netdev_state_change()); mode_store()
         * counts -EBUSY a success. The fabric's rtnl_busy makes every mode change lose that race. */
        static const char fabric[] =
                "{ \"hcas\": [ { \"name\": \"mlx4_0\", \"rtnl_busy\": true, \"ports\": ["
                "  { \"guid\": \"0002:c903:0004:0031\", \"active_mtu\": 2048, \"netdev\": \"ibb\" } ] } ] }";
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(fabric);
        SimNetdev *nd = sim_test_dev(m, "ibb");

        ck_assert(nd->port->hca->rtnl_busy);
        ck_assert_int_eq(sim_set_up(m, nd, true), 0);
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 1, 1), -EBUSY);
        ck_assert(nd->connected);
        ck_assert_uint_eq(nd->mtu, 65520);
        ck_assert(!nd->umcast);
        /* Only NETDEV_CHANGEMTU's notification, with the new mode; no netdev_state_change(). */
        ck_assert_uint_eq(n_link_events(m, "ibb"), 1);
        ck_assert_uint_eq(last_link(m, "ibb")->mode, 1);
        /* No change, no race: the same mode is 0. */
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 1, -1), 0);
        /* sysfs: success. */
        ck_assert_int_eq(sim_sysfs_mode_store(m, nd, "datagram\n"), 0);
        ck_assert(!nd->connected);
}
END_TEST

/* ——— §5/§6 what a child without carrier says, and which files there are ——— */

START_TEST(test_rules_child_operstate) {
        /* default_operstate() (net/core/link_watch.c, since "first check whether lower is indeed the
         * source of its down state"): a child (ipoib_get_iflink() is its parent) without carrier is
         * LOWERLAYERDOWN only while its parent has no carrier either, DOWN when the parent has one. */
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(rules_fabric);
        SimNetdev *p = sim_test_dev(m, "ib4k"), *c = newlink(m, "ib4k", "ib4k.8009", true, 0x8009, -1);
        KLink k;

        ck_assert_int_eq(sim_set_up(m, c, true), 0); /* the parent stays down: no carrier */
        ck_assert(!c->carrier);
        ck_assert_uint_eq(sim_netdev_operstate(c), 3);
        ck_assert_str_eq(sysfs(c, "operstate"), "lowerlayerdown\n");
        ck_assert_int_eq(sim_set_up(m, p, true), 0);
        ck_assert(p->carrier && !c->carrier);
        ck_assert_uint_eq(sim_netdev_operstate(c), 2);
        ck_assert_str_eq(sysfs(c, "operstate"), "down\n");
        sim_netdev_to_klink(c, &k);
        ck_assert_uint_eq(k.operstate, 2);
        ck_assert_uint_eq(sim_netdev_operstate(p), 6);
}
END_TEST

START_TEST(test_rules_mode_file) {
        /* ipoib_cm_add_mode_attr() (ipoib_cm.c) makes the mode file; without CONFIG_INFINIBAND_IPOIB_CM
         * it is a stub that makes none, on parents and sysfs children alike. Enhanced IPoIB has the file
         * (the kernel has CM; the hardware cannot), and refuses "connected" through it (§2). */
        static const char fabric[] =
                "{ \"hcas\": ["
                "  { \"name\": \"nocm\", \"connected_mode\": false, \"ports\": ["
                "    { \"guid\": \"0002:c903:0004:0021\", \"active_mtu\": 2048, \"netdev\": \"ibn\" } ] },"
                "  { \"name\": \"mlx5_0\", \"enhanced\": true, \"ports\": ["
                "    { \"guid\": \"0002:c903:0004:0022\", \"active_mtu\": 4096, \"netdev\": \"ibe\" } ] } ] }";
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(fabric);
        SimNetdev *n = sim_test_dev(m, "ibn"), *e = sim_test_dev(m, "ibe"), *legacy = NULL;

        ck_assert_ptr_null(sysfs(n, "mode"));
        ck_assert_int_eq(sim_sysfs_mode_store(m, n, "datagram\n"), -ENOENT);
        ck_assert_str_eq(sysfs(n, "umcast"), "0\n");
        ck_assert_int_eq(sim_sysfs_create_child(m, n, "0x8002\n", &legacy), 0);
        ck_assert_ptr_null(sysfs(legacy, "mode"));
        ck_assert_str_eq(sysfs(legacy, "pkey"), "0x8002\n");
        ck_assert_str_eq(sysfs(e, "mode"), "datagram\n");
        ck_assert_int_eq(sim_sysfs_mode_store(m, e, "connected\n"), -EINVAL);
        /* Netlink still answers: IFLA_IPOIB_MODE 0 is a no-op, 1 is -EINVAL (ipoib_set_mode()). */
        ck_assert_int_eq(sim_rtnl_changelink(m, n, -1, 0, -1), 0);
        ck_assert_int_eq(sim_rtnl_changelink(m, n, -1, 1, -1), -EINVAL);
}
END_TEST

/* ——— §5 ipoib_remove_one() ——— */

START_TEST(test_rules_hca_remove_order) {
        /* ipoib_parent_unregister_pre() brings each parent down first (ipoib_stop() takes its children
         * down), and only then are children and parents unregistered: every "down" RTM_NEWLINK of the
         * HCA's links comes before the first RTM_DELLINK. */
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0");
        static const char *const links[] = { "mlx4_ib0", "mlx4_ib0.0002", "nl" };
        ssize_t first_del;

        ck_assert_int_eq(sim_sysfs_create_child(m, p, "2\n", NULL), 0);
        (void) newlink(m, "mlx4_ib0", "nl", true, 0x8003, -1);
        ck_assert_int_eq(sim_set_up(m, p, true), 0);
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_hca_remove(m, sim_model_find_hca(m, "mlx4_0")), 0);
        first_del = link_event(m, NULL, true);
        ck_assert_int_ge(first_del, 0);
        for (size_t i = 0; i < ELEMENTSOF(links); i++) {
                ssize_t down = link_event(m, links[i], false);

                ck_assert_msg(down >= 0 && down < first_del, "%s: down at %zd, first RTM_DELLINK at %zd",
                              links[i], down, first_del);
                ck_assert_int_ge(link_event(m, links[i], true), 0);
        }
}
END_TEST

/* net/core/fib_rules.c: a namespace starts with its default rules (fib4_rules_init(): 0 local, 32766 main,
 * 32767 default; IPv6 has no default table's rule); fib_nl_newrule() with NLM_F_EXCL refuses the same rule
 * with the same protocol (rule_exists()) but takes a copy with another protocol; fib_nl_delrule() with a
 * protocol deletes only a rule of that protocol (rule_find()), -ENOENT when there is none. Every change is
 * notified (notify_rule_change()). */
START_TEST(test_rules_policy_rules) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(rules_fabric);
        KRule ours = { .family = AF_INET, .priority = 100, .table = 100, .src_len = 32, .protocol = 149 };
        KRule foreign = ours;
        size_t ipv4 = 0;

        FOREACH_ARRAY(r, m->rules, m->n_rules)
                ipv4 += r->family == AF_INET;
        ck_assert_uint_eq(ipv4, 3);
        ck_assert_uint_eq(m->n_rules, 5);
        ck_assert_int_eq(in_addr_from_string_auto("10.0.0.1", &(int) { 0 }, &ours.src), 0);
        foreign.src = ours.src;
        foreign.protocol = RTPROT_STATIC;

        sim_model_clear_events(m);
        ck_assert_int_eq(sim_rule_add(m, &ours, NULL), 0);
        ck_assert_uint_eq(m->n_events, 1);
        ck_assert_int_eq(m->events[0].type, SIM_EVENT_RULE);
        ck_assert(!m->events[0].removed);
        ck_assert_int_eq(sim_rule_add(m, &ours, NULL), -EEXIST);
        ck_assert_int_eq(sim_rule_add(m, &foreign, NULL), 0);
        /* In priority order, after the local table's rule. */
        ck_assert_uint_eq(m->rules[1].priority, 100);

        /* Deleting ours leaves the foreign copy. */
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_rule_del(m, &ours, NULL), 0);
        ck_assert_uint_eq(m->n_events, 1);
        ck_assert(m->events[0].removed);
        ck_assert_uint_eq(m->events[0].rule.protocol, 149);
        ck_assert_int_eq(sim_rule_del(m, &ours, NULL), -ENOENT);
        ck_assert_uint_eq(m->n_rules, 6);

        ours.table = 0;
        ck_assert_int_eq(sim_rule_add(m, &ours, NULL), -EINVAL);
}
END_TEST

Suite *make_sim_rules_suite(void) {
        Suite *s = suite_create("sim_rules");
        TCase *tc = tcase_create("rules");

        tcase_add_test(tc, test_rules_parent_pkey);
        tcase_add_test(tc, test_rules_parent_pkey_flush);
        tcase_add_test(tc, test_rules_notifications);
        tcase_add_test(tc, test_rules_fill_info);
        tcase_add_test(tc, test_rules_umcast_values);
        tcase_add_test(tc, test_rules_sysfs_numbers);
        tcase_add_test(tc, test_rules_mode_buffers);
        tcase_add_test(tc, test_rules_cm_capable);
        tcase_add_test(tc, test_rules_create_check_order);
        tcase_add_test(tc, test_rules_mtu_admin);
        tcase_add_test(tc, test_rules_max_mtu);
        tcase_add_test(tc, test_rules_mtu_unchanged_is_noop);
        tcase_add_test(tc, test_rules_mtu_parent_child_independent);
        tcase_add_test(tc, test_rules_dev_port);
        tcase_add_test(tc, test_rules_hca_remove_order);
        tcase_add_test(tc, test_rules_child_operstate);
        tcase_add_test(tc, test_rules_mode_file);
        tcase_add_test(tc, test_rules_mode_ebusy);
        tcase_add_test(tc, test_rules_mode_equal_mtu_keeps_admin);
        tcase_add_test(tc, test_rules_old_child_names);
        tcase_add_test(tc, test_rules_policy_rules);
        suite_add_tcase(s, tc);
        return s;
}
