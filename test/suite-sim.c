/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated fabric's model, rule by rule: each test names the kernel function it models (see
 * docs/kernel-ipoib.md) and runs against the pure model API. The view and backend tests are in
 * suite-sim-backend.c. */

#include <check.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "sim-fabric.h"
#include "sim-test.h"
#include "test-suites.h"

/* mlx4_0: CM capable, 2K, port 1 ACTIVE under an SM with prefix fec0:0:0:1::, port 2 DOWN.
 * mlx5_0: enhanced, 4K port with a 2K broadcast group. cm0: classic driver without CM. */
const char sim_test_fabric[] =
        "{ \"hcas\": ["
        "  { \"name\": \"mlx4_0\", \"first_qpn\": \"0x000208\", \"ports\": ["
        "    { \"port\": 1, \"guid\": \"0002:c903:0001:2345\", \"subnet_prefix\": \"fec0:0:0:1::\","
        "      \"state\": \"active\", \"active_mtu\": 2048, \"lid\": 3, \"sm_lid\": 1,"
        "      \"pkeys\": [\"0xffff\", \"0x8002\", \"0x0003\"],"
        "      \"netdev\": { \"name\": \"mlx4_ib0\", \"ifindex\": 5 } },"
        "    { \"port\": 2, \"guid\": \"0002:c903:0001:2346\", \"state\": \"down\", \"active_mtu\": 2048,"
        "      \"netdev\": \"mlx4_ib1\" } ] },"
        "  { \"name\": \"mlx5_0\", \"enhanced\": true, \"first_qpn\": \"0x001087\", \"ports\": ["
        "    { \"guid\": \"043f:7203:00a1:b2c3\", \"active_mtu\": 4096, \"bcast_mtu\": 2048, \"lid\": 7,"
        "      \"sm_lid\": 1, \"netdev\": \"mlx5_ib0\" } ] },"
        "  { \"name\": \"cm0\", \"connected_mode\": false, \"ports\": ["
        "    { \"guid\": \"0x0002c90300aaaaaa\", \"active_mtu\": 4096, \"sm_lid\": 1,"
        "      \"netdev\": \"cm_ib0\" } ] }"
        "] }";

SimModel *sim_test_model(const char *json) {
        _cleanup_free_ char *err = NULL;
        SimFabric f = {};
        SimModel *m = NULL;
        int r;

        ck_assert_int_eq(sim_model_new(&m), 0);
        r = sim_fabric_parse(json, &f, &err);
        ck_assert_msg(r == 0, "parse: %d %s", r, strna(err));
        r = sim_model_load(m, &f, &err);
        ck_assert_msg(r == 0, "load: %d %s", r, strna(err));
        sim_fabric_done(&f);
        sim_model_clear_events(m);
        return m;
}

SimNetdev *sim_test_dev(SimModel *m, const char *name) {
        SimNetdev *nd = sim_model_find_name(m, name);

        ck_assert_msg(nd, "no netdev %s", name);
        return nd;
}

/* RTM_NEWLINK kind ipoib as nl-build sends it: IFLA_LINK, IFLA_IFNAME, INFO_DATA{PKEY, MODE?}. */
static int newlink(SimModel *m, const char *parent, const char *name, int pkey, int mode) {
        SimNewLink req = {
                .link = parent ? sim_test_dev(m, parent)->ifindex : 0,
                .name = name,
                .has_data = pkey >= 0 || mode >= 0,
                .pkey = pkey,
                .mode = mode,
                .umcast = -1,
        };

        return sim_rtnl_newlink(m, &req, NULL, NULL);
}

static size_t count_events(const SimModel *m, SimEventType type, bool removed) {
        size_t n = 0;

        for (size_t i = 0; i < m->n_events; i++)
                n += m->events[i].type == type && m->events[i].removed == removed;
        return n;
}

/* The last RTM_NEWLINK about ifname, or NULL. */
static const KLink *last_link_event(const SimModel *m, const char *ifname) {
        for (size_t i = m->n_events; i > 0; i--)
                if (m->events[i - 1].type == SIM_EVENT_LINK && streq(m->events[i - 1].link.ifname, ifname))
                        return &m->events[i - 1].link;
        return NULL;
}

static void assert_hw(const uint8_t *hw, const char *expected) {
        char buf[3 * INFINIBAND_ALEN + 1] = "";

        for (size_t i = 0; i < INFINIBAND_ALEN; i++)
                snprintf(buf + 3 * i, sizeof(buf) - 3 * i, "%02x%s", hw[i],
                         i + 1 < INFINIBAND_ALEN ? ":" : "");
        ck_assert_str_eq(buf, expected);
}

/* ——— §4 hardware address ——— */

START_TEST(test_hwaddr_layout) {
        /* ipoib_dev_init_default()/mlx5i_dev_init(): flags, QPN, prefix, GUID. */
        static const struct {
                bool cm;
                uint32_t qpn;
                uint8_t prefix[8];
                uint64_t guid;
                const char *expected;
        } t[] = {
                { true, 0x000208, { 0xfe, 0x80 }, 0x0002c90300012345ULL,
                  "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:01:23:45" },
                { false, 0x001087, { 0xfe, 0x80 }, 0x043f720300a1b2c3ULL,
                  "00:00:10:87:fe:80:00:00:00:00:00:00:04:3f:72:03:00:a1:b2:c3" },
                { true, 0xabcdef, { 0xfe, 0xc0, 0, 0, 0, 0, 0, 1 }, 1,
                  "80:ab:cd:ef:fe:c0:00:00:00:00:00:01:00:00:00:00:00:00:00:01" },
        };
        uint8_t hw[INFINIBAND_ALEN];

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                sim_hwaddr_build(t[i].cm, t[i].qpn, t[i].prefix, t[i].guid, hw);
                assert_hw(hw, t[i].expected);
        }
}
END_TEST

START_TEST(test_hwaddr_of_netdevs) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        KLink k;

        /* ipoib_setup_common(): ARPHRD_INFINIBAND, addr_len 20; ipoib_ndo_init(): max_mtu 65520. */
        sim_netdev_to_klink(sim_test_dev(m, "mlx4_ib0"), &k);
        ck_assert_uint_eq(k.arphrd, 32);
        ck_assert_uint_eq(k.hwaddr_len, 20);
        ck_assert_uint_eq(k.max_mtu, 65520);
        ck_assert_str_eq(k.kind, "ipoib");
        ck_assert_int_eq(k.parent, 0);
        /* Port 1 is ACTIVE under an SM: the SM's prefix. CM capable: 0x80. */
        assert_hw(k.hwaddr, "80:00:02:08:fe:c0:00:00:00:00:00:01:00:02:c9:03:00:01:23:45");
        /* mlx5i_dev_init() writes only [1..3]: byte 0 stays 0 on enhanced IPoIB. */
        sim_netdev_to_klink(sim_test_dev(m, "mlx5_ib0"), &k);
        assert_hw(k.hwaddr, "00:00:10:87:fe:80:00:00:00:00:00:00:04:3f:72:03:00:a1:b2:c3");
        /* A driver without CM support (ipoib_cm_dev_init() stub): no 0x80 either. */
        sim_netdev_to_klink(sim_test_dev(m, "cm_ib0"), &k);
        ck_assert_uint_eq(k.hwaddr[0], 0);
}
END_TEST

START_TEST(test_hwaddr_child) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        KLink p, c;

        /* ipoib_child_init(): the parent's GID, the child's own QPN. */
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "ib0.8002", 0x8002, -1), 0);
        sim_netdev_to_klink(sim_test_dev(m, "mlx4_ib0"), &p);
        sim_netdev_to_klink(sim_test_dev(m, "ib0.8002"), &c);
        ck_assert_mem_eq(p.hwaddr + 4, c.hwaddr + 4, 16);
        ck_assert_uint_eq(c.hwaddr[0], 0x80);
        ck_assert_mem_ne(p.hwaddr + 1, c.hwaddr + 1, 3);
        ck_assert_int_eq(c.parent, p.ifindex);
}
END_TEST

START_TEST(test_broadcast) {
        /* ipoib_setup_common() template, bytes 8-9 = stored pkey (ipoib_ndo_init()). */
        uint8_t b[INFINIBAND_ALEN];

        sim_broadcast_build(0xffff, b);
        assert_hw(b, "00:ff:ff:ff:ff:12:40:1b:ff:ff:00:00:00:00:00:00:ff:ff:ff:ff");
        sim_broadcast_build(0x8002, b);
        assert_hw(b, "00:ff:ff:ff:ff:12:40:1b:80:02:00:00:00:00:00:00:ff:ff:ff:ff");
}
END_TEST

START_TEST(test_subnet_prefix) {
        /* ipoib_parent_init() GID 0: fe80:: until the port is ACTIVE under an SM. */
        static const struct {
                IbPortState state;
                uint16_t sm_lid;
                uint8_t expected0, expected1;
        } t[] = {
                { IB_PORT_ACTIVE, 1, 0xfe, 0xc0 },
                { IB_PORT_ACTIVE, 0, 0xfe, 0x80 },
                { IB_PORT_DOWN, 1, 0xfe, 0x80 },
                { IB_PORT_INIT, 1, 0xfe, 0x80 },
                { IB_PORT_ARMED, 1, 0xfe, 0x80 },
        };
        SimPortConf p = { .subnet_prefix = { 0xfe, 0xc0, 0, 0, 0, 0, 0, 1 } };
        uint8_t prefix[8];

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                p.state = t[i].state;
                p.sm_lid = t[i].sm_lid;
                sim_port_gid_prefix(&p, prefix);
                ck_assert_uint_eq(prefix[0], t[i].expected0);
                ck_assert_uint_eq(prefix[1], t[i].expected1);
        }
}
END_TEST

START_TEST(test_subnet_prefix_event) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *nd = sim_test_dev(m, "mlx4_ib1");
        SimPortConf c = nd->port->conf;
        const KLink *k;

        /* IB_EVENT_PORT_ACTIVE + GID_CHANGE: the port comes up under an SM with its prefix; the
         * address in RTM_NEWLINK follows. */
        c.state = IB_PORT_ACTIVE;
        c.sm_lid = 1;
        c.subnet_prefix[1] = 0xc0;
        ck_assert_int_eq(sim_port_update(m, nd->port, &c), 0);
        k = last_link_event(m, "mlx4_ib1");
        ck_assert_ptr_nonnull(k);
        ck_assert_uint_eq(k->hwaddr[5], 0xc0);
}
END_TEST

/* ——— §1.3/§7 child creation over netlink ——— */

START_TEST(test_child_create_errno) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);

        ck_assert_int_eq(newlink(m, "mlx4_ib0", "ib0.8002", 0x8002, -1), 0);
        /* ipoib_new_child_link(): no IFLA_LINK → -EINVAL */
        ck_assert_int_eq(newlink(m, NULL, "x1", 0x8003, -1), -EINVAL);
        /* ipoib_new_child_link(): IFLA_LINK not found → -ENODEV */
        {
                SimNewLink req = { .link = 999, .name = "x2", .pkey = -1, .mode = -1, .umcast = -1 };

                ck_assert_int_eq(sim_rtnl_newlink(m, &req, NULL, NULL), -ENODEV);
        }
        /* ipoib_new_child_link(): the parent is itself a child → -EINVAL */
        ck_assert_int_eq(newlink(m, "ib0.8002", "x3", 0x8004, -1), -EINVAL);
        /* __ipoib_vlan_add(): pkey 0 or 0x8000 → -EINVAL */
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "x4", 0, -1), -EINVAL);
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "x5", 0x8000, -1), -EINVAL);
        /* __rtnl_newlink(): NLM_F_EXCL and the name exists → -EEXIST, before anything else */
        ck_assert_int_eq(newlink(m, NULL, "ib0.8002", 0x8009, -1), -EEXIST);
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "mlx4_ib1", 0x8009, -1), -EEXIST);
        /* register_netdevice() → dev_valid_name(): -EINVAL */
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "bad/name", 0x8009, -1), -EINVAL);
        /* ipoib_changelink(): a mode other than 0/1 → -EINVAL, and the new device is unregistered */
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "x6", 0x8006, 2), -EINVAL);
        ck_assert_ptr_null(sim_model_find_name(m, "x6"));
        /* Nothing of the failed ones is left. */
        ck_assert_uint_eq(m->n_netdevs, 5);
}
END_TEST

START_TEST(test_child_pkey_normalisation) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        KLink k;

        /* ipoib_ndo_init(): pkey |= 0x8000 for every device. */
        ck_assert_uint_eq(sim_pkey_normalize(0x0002), 0x8002);
        ck_assert_uint_eq(sim_pkey_normalize(0x7fff), 0xffff);
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "c2", 0x0002, -1), 0);
        sim_netdev_to_klink(sim_test_dev(m, "c2"), &k);
        ck_assert_uint_eq(k.pkey, 0x8002);
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "c7fff", 0x7fff, -1), 0);
        ck_assert_uint_eq(sim_test_dev(m, "c7fff")->pkey, 0xffff);
        /* ipoib_new_child_link(): no IFLA_IPOIB_PKEY → the parent's pkey. */
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "cparent", -1, -1), 0);
        ck_assert_uint_eq(sim_test_dev(m, "cparent")->pkey, 0xffff);
        /* ipoib_parent_init(): the parent's pkey is P_Key table index 0. */
        ck_assert_uint_eq(sim_test_dev(m, "mlx4_ib0")->pkey, 0xffff);
}
END_TEST

START_TEST(test_child_defaults) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0"), *c;
        SimNewLink req = { .link = p->ifindex, .has_data = true, .pkey = 0x8002, .mode = -1, .umcast = -1,
                           .mtu = 1234 };

        /* The parent is connected with umcast; the child does not inherit (ipoib_intf_init() kzalloc). */
        ck_assert_int_eq(sim_rtnl_changelink(m, p, -1, 1, 1), 0);
        /* __rtnl_newlink(): no IFLA_IFNAME → "ipoib%d". Parent down: allowed (§1.3). */
        ck_assert(!p->up);
        ck_assert_int_eq(sim_rtnl_newlink(m, &req, NULL, &c), 0);
        ck_assert_str_eq(c->name, "ipoib0");
        ck_assert(!c->connected);
        ck_assert(!c->umcast);
        ck_assert(!c->up);
        /* ipoib_ndo_init(): IFLA_MTU at creation is overwritten with IPOIB_UD_MTU(max_ib_mtu). */
        ck_assert_uint_eq(c->mtu, 2044);
        ck_assert_int_eq(c->child_type, SIM_RTNL_CHILD);
        req.up = true;
        ck_assert_int_eq(sim_rtnl_newlink(m, &req, NULL, &c), 0);
        ck_assert_str_eq(c->name, "ipoib1");
        /* rtnl_configure_link(): ifi_flags IFF_UP opens it. */
        ck_assert(c->up);
}
END_TEST

START_TEST(test_child_duplicate_pkey_netlink) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);

        /* is_child_unique() is true at once for netlink children: only the name must differ. */
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "a.8002", 0x8002, -1), 0);
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "b.8002", 0x8002, -1), 0);
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "c.8002", 0x0002, -1), 0);
        /* Even the parent's own pkey. */
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "d.ffff", 0xffff, -1), 0);
}
END_TEST

/* ——— §2 modes ——— */

START_TEST(test_mode_switch_mtu) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *nd = sim_test_dev(m, "mlx4_ib0");

        ck_assert_uint_eq(nd->mtu, 2044);
        /* ipoib_set_mode("connected\n"): dev_set_mtu(ipoib_cm_max_mtu()) = 65520. */
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 1, -1), 0);
        ck_assert(nd->connected);
        ck_assert_uint_eq(nd->mtu, 65520);
        ck_assert_uint_eq(last_link_event(m, "mlx4_ib0")->mode, 1);
        /* ipoib_set_mode("datagram\n"): min(mcast_mtu, mtu) = 2044. */
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 0, -1), 0);
        ck_assert_uint_eq(nd->mtu, 2044);
        /* connected at 1500 → datagram at 1500. */
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 1, -1), 0);
        ck_assert_int_eq(sim_set_mtu(m, nd, 1500, NULL), 0);
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 0, -1), 0);
        ck_assert_uint_eq(nd->mtu, 1500);
        /* The same mode again is a no-op with the MTU untouched: not reset to 65520. */
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 1, -1), 0);
        ck_assert_int_eq(sim_set_mtu(m, nd, 9000, NULL), 0);
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 1, -1), 0);
        ck_assert_uint_eq(nd->mtu, 9000);
        /* Works while up as while down (no IPOIB_FLAG_ADMIN_UP check). */
        ck_assert_int_eq(sim_set_up(m, nd, true), 0);
        ck_assert_int_eq(sim_rtnl_changelink(m, nd, -1, 0, -1), 0);
        ck_assert_uint_eq(nd->mtu, 2044);
}
END_TEST

START_TEST(test_enhanced_refuses_connected) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *mlx5 = sim_test_dev(m, "mlx5_ib0"), *cm0 = sim_test_dev(m, "cm_ib0");
        uint32_t mtu = mlx5->mtu;
        size_t n;

        /* ipoib_set_mode(): IPOIB_CM_SUPPORTED() false → -EINVAL (not -EOPNOTSUPP), nothing changes. */
        ck_assert_int_eq(sim_rtnl_changelink(m, mlx5, -1, 1, -1), -EINVAL);
        ck_assert(!mlx5->connected);
        ck_assert_uint_eq(mlx5->mtu, mtu);
        ck_assert_int_eq(sim_set_mode(m, cm0, "connected\n"), -EINVAL);
        /* ipoib_new_child_link(): changelink fails → the new child is unregistered: NEWLINK, then
         * DELLINK, and -EINVAL. */
        sim_model_clear_events(m);
        ck_assert_int_eq(newlink(m, "mlx5_ib0", "mlx5_ib0.8002", 0x8002, 1), -EINVAL);
        ck_assert_ptr_null(sim_model_find_name(m, "mlx5_ib0.8002"));
        ck_assert_uint_eq(count_events(m, SIM_EVENT_LINK, false), 1);
        ck_assert_uint_eq(count_events(m, SIM_EVENT_LINK, true), 1);
        /* The same child in datagram is fine. */
        n = m->n_netdevs;
        ck_assert_int_eq(newlink(m, "mlx5_ib0", "mlx5_ib0.8002", 0x8002, 0), 0);
        ck_assert_uint_eq(m->n_netdevs, n + 1);
}
END_TEST

START_TEST(test_changelink_pkey_ignored) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *c;

        ck_assert_int_eq(newlink(m, "mlx4_ib0", "ib0.8002", 0x8002, -1), 0);
        c = sim_test_dev(m, "ib0.8002");
        /* ipoib_changelink(): IFLA_IPOIB_PKEY returns 0 and changes nothing. */
        ck_assert_int_eq(sim_rtnl_changelink(m, c, 0x8005, -1, -1), 0);
        ck_assert_uint_eq(c->pkey, 0x8002);
        /* ipoib_changelink(): a bad mode fails at once and UMCAST is not applied. */
        ck_assert_int_eq(sim_rtnl_changelink(m, c, -1, 7, 1), -EINVAL);
        ck_assert(!c->umcast);
        /* ipoib_set_umcast(): never fails. */
        ck_assert_int_eq(sim_rtnl_changelink(m, c, -1, -1, 1), 0);
        ck_assert(c->umcast);
}
END_TEST

/* ——— §3 MTU ——— */

START_TEST(test_mtu_limits) {
        /* dev_set_mtu_ext() then ipoib_change_mtu(), per mode. */
        static const struct {
                const char *dev;
                bool connected;
                uint32_t mtu;
                int expected;
        } t[] = {
                { "mlx4_ib0", false, 71, -EINVAL },    /* below ETH_MIN_MTU + 4 */
                { "mlx4_ib0", false, 72, 0 },
                { "mlx4_ib0", false, 2044, 0 },        /* IPOIB_UD_MTU(2048) */
                { "mlx4_ib0", false, 2045, -EINVAL },
                { "mlx4_ib0", false, 4092, -EINVAL },  /* a 2K port */
                { "mlx5_ib0", false, 4092, 0 },        /* IPOIB_UD_MTU(4096) */
                { "mlx5_ib0", false, 4093, -EINVAL },
                { "mlx4_ib0", true, 65520, 0 },        /* ipoib_cm_max_mtu() */
                { "mlx4_ib0", true, 65521, -EINVAL },  /* core: above max_mtu */
                { "mlx4_ib0", true, 100000, -EINVAL },
                { "mlx4_ib0", true, 60, 0 },           /* connected: no lower bound */
                { "mlx4_ib0", true, 1500, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
                SimNetdev *nd = sim_test_dev(m, t[i].dev);
                const char *extack = NULL;
                int r;

                if (t[i].connected)
                        ck_assert_int_eq(sim_set_mode(m, nd, "connected\n"), 0);
                r = sim_set_mtu(m, nd, t[i].mtu, &extack);
                ck_assert_msg(r == t[i].expected, "#%zu %s mtu %u: %d", i, t[i].dev, t[i].mtu, r);
                if (r == 0 && t[i].connected)
                        ck_assert_uint_eq(nd->mtu, t[i].mtu);
                if (t[i].mtu > 65520)
                        ck_assert_str_eq(strna(extack), "mtu greater than device maximum");
        }
}
END_TEST

START_TEST(test_datagram_clamp) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *nd = sim_test_dev(m, "mlx5_ib0");
        SimPortConf c;

        /* ipoib_ndo_init(): 4092 on a 4K port; ipoib_mcast_join_finish() with a 2K broadcast group
         * when the carrier comes: mcast_mtu = admin_mtu = 2044, dev_set_mtu(2044). */
        ck_assert_uint_eq(nd->mtu, 4092);
        ck_assert_int_eq(sim_set_up(m, nd, true), 0);
        ck_assert(nd->carrier);
        ck_assert_uint_eq(nd->mtu, 2044);
        /* ipoib_change_mtu(): 4092 is accepted, admin_mtu = 4092, the effective MTU stays 2044. */
        ck_assert_int_eq(sim_set_mtu(m, nd, 4092, NULL), 0);
        ck_assert_uint_eq(nd->admin_mtu, 4092);
        ck_assert_uint_eq(nd->mtu, 2044);
        /* The group grows to 4K: the re-join lifts the effective MTU to min(mcast, admin) = 4092. */
        c = nd->port->conf;
        c.bcast_mtu = 4096;
        ck_assert_int_eq(sim_port_update(m, nd->port, &c), 0);
        ck_assert_uint_eq(nd->mtu, 4092);
        ck_assert_uint_eq(last_link_event(m, "mlx5_ib0")->mtu, 4092);
        /* Back to 2K: now mcast_mtu == admin_mtu (4092), so admin_mtu follows the group to 2044. */
        c.bcast_mtu = 2048;
        ck_assert_int_eq(sim_port_update(m, nd->port, &c), 0);
        ck_assert_uint_eq(nd->admin_mtu, 2044);
        ck_assert_uint_eq(nd->mtu, 2044);
}
END_TEST

/* ——— §1.7 / §5 lifetime ——— */

START_TEST(test_dellink) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);

        ck_assert_int_eq(newlink(m, "mlx4_ib0", "ib0.8002", 0x8002, -1), 0);
        sim_model_clear_events(m);
        /* ipoib_del_child_link() + rtnl_delete_link(): a parent → 0, nothing happens. */
        ck_assert_int_eq(sim_rtnl_dellink(m, sim_test_dev(m, "mlx4_ib0")), 0);
        ck_assert_ptr_nonnull(sim_model_find_name(m, "mlx4_ib0"));
        ck_assert_uint_eq(m->n_events, 0);
        /* A child goes: RTM_DELLINK. */
        ck_assert_int_eq(sim_rtnl_dellink(m, sim_test_dev(m, "ib0.8002")), 0);
        ck_assert_ptr_null(sim_model_find_name(m, "ib0.8002"));
        ck_assert_uint_eq(count_events(m, SIM_EVENT_LINK, true), 1);
}
END_TEST

START_TEST(test_updown_cascade) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0"), *a, *b;

        ck_assert_int_eq(newlink(m, "mlx4_ib0", "a", 0x8002, -1), 0);
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "b", 0x8003, -1), 0);
        a = sim_test_dev(m, "a");
        b = sim_test_dev(m, "b");
        /* ipoib_open(): a child may open while its parent is down (only a debug message). */
        ck_assert_int_eq(sim_set_up(m, a, true), 0);
        ck_assert(a->up && !p->up);
        /* ipoib_open() on the parent opens every child that is not up. */
        ck_assert_int_eq(sim_set_up(m, p, true), 0);
        ck_assert(a->up && b->up);
        /* ipoib_stop() on the parent brings every child down. */
        ck_assert_int_eq(sim_set_up(m, p, false), 0);
        ck_assert(!a->up && !b->up);
        /* A child the user set down comes back up with the parent. */
        ck_assert_int_eq(sim_set_up(m, p, true), 0);
        ck_assert_int_eq(sim_set_up(m, b, false), 0);
        ck_assert_int_eq(sim_set_up(m, p, false), 0);
        ck_assert_int_eq(sim_set_up(m, p, true), 0);
        ck_assert(b->up);
}
END_TEST

START_TEST(test_carrier) {
        /* ipoib_open() + ipoib_pkey_dev_check_presence() (ib_find_pkey(): low 15 bits) +
         * ipoib_mcast_join_task() (port ACTIVE). */
        static const struct {
                IbPortState state;
                uint16_t pkey;
                bool up, expected;
        } t[] = {
                { IB_PORT_ACTIVE, 0xffff, true, true },
                { IB_PORT_ACTIVE, 0x8002, true, true },
                { IB_PORT_ACTIVE, 0x8003, true, true },  /* limited member 0x0003 in the table */
                { IB_PORT_ACTIVE, 0x8004, true, false }, /* not in the table */
                { IB_PORT_DOWN, 0xffff, true, false },
                { IB_PORT_INIT, 0xffff, true, false },
                { IB_PORT_ARMED, 0xffff, true, false },
                { IB_PORT_ACTIVE, 0xffff, false, false },
        };
        SimPortConf p = { .n_pkeys = 3, .pkeys = { 0xffff, 0x8002, 0x0003 } };

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                p.state = t[i].state;
                ck_assert_msg(sim_carrier_rule(t[i].up, &p, t[i].pkey) == t[i].expected, "#%zu", i);
        }
}
END_TEST

START_TEST(test_carrier_events) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *c;
        SimPortConf conf;
        const KLink *k;

        ck_assert_int_eq(newlink(m, "mlx4_ib0", "ib0.8004", 0x8004, -1), 0);
        c = sim_test_dev(m, "ib0.8004");
        /* ipoib_open() returns 0 without the pkey: IFF_UP, NO-CARRIER, LOWERLAYERDOWN for a child. */
        ck_assert_int_eq(sim_set_up(m, c, true), 0);
        k = last_link_event(m, "ib0.8004");
        ck_assert(k->flags & IFF_UP);
        ck_assert(!(k->flags & IFF_RUNNING));
        ck_assert_uint_eq(k->operstate, 3);
        /* IB_EVENT_PKEY_CHANGE: the SM grants 0x8004 → carrier. */
        conf = c->port->conf;
        conf.pkeys[conf.n_pkeys++] = 0x8004;
        ck_assert_int_eq(sim_port_update(m, c->port, &conf), 0);
        k = last_link_event(m, "ib0.8004");
        ck_assert(k->flags & IFF_RUNNING);
        ck_assert_uint_eq(k->operstate, 6);
        /* IB_EVENT_PORT_ERR: carrier off; a parent without carrier is DOWN. */
        ck_assert_int_eq(sim_set_up(m, sim_test_dev(m, "mlx4_ib0"), true), 0);
        conf.state = IB_PORT_DOWN;
        ck_assert_int_eq(sim_port_update(m, c->port, &conf), 0);
        ck_assert(!(last_link_event(m, "ib0.8004")->flags & IFF_RUNNING));
        ck_assert_uint_eq(last_link_event(m, "mlx4_ib0")->operstate, 2);
}
END_TEST

START_TEST(test_hca_removal) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimHca *h = sim_model_find_hca(m, "mlx4_0");
        KAddress a = { .family = AF_INET, .prefixlen = 24, .addr.bytes = { 192, 0, 2, 1 } };
        int old;

        ck_assert_int_eq(newlink(m, "mlx4_ib0", "a", 0x8002, -1), 0);
        ck_assert_int_eq(sim_sysfs_create_child(m, sim_test_dev(m, "mlx4_ib0"), "0x8003\n", NULL), 0);
        ck_assert_int_eq(newlink(m, "mlx4_ib1", "b", 0x8002, -1), 0);
        ck_assert_int_eq(sim_set_up(m, sim_test_dev(m, "mlx4_ib0"), true), 0);
        a.ifindex = sim_test_dev(m, "a")->ifindex;
        ck_assert_int_eq(sim_address_add(m, &a, true, NULL), 0);
        old = sim_test_dev(m, "mlx4_ib0")->ifindex;
        sim_model_clear_events(m);
        /* ipoib_remove_one(): parents down, then every child (legacy and netlink) and parent gone. */
        ck_assert_int_eq(sim_hca_remove(m, h), 0);
        ck_assert_uint_eq(count_events(m, SIM_EVENT_LINK, true), 5);
        ck_assert_uint_eq(count_events(m, SIM_EVENT_ADDRESS, true) >= 1, 1);
        ck_assert_uint_eq(m->n_netdevs, 2); /* mlx5_ib0 and cm_ib0 */
        for (size_t i = 0; i < m->n_addresses; i++)
                ck_assert_int_ne(m->addresses[i].a.ifindex, a.ifindex);
        /* ipoib_add_one(): the parents come back, down, with new ifindexes; no children. */
        ck_assert_int_eq(sim_hca_add(m, h), 0);
        ck_assert_uint_eq(m->n_netdevs, 4);
        ck_assert(!sim_test_dev(m, "mlx4_ib0")->up);
        ck_assert_int_ne(sim_test_dev(m, "mlx4_ib0")->ifindex, old);
        ck_assert_ptr_null(sim_model_find_name(m, "a"));
}
END_TEST

Suite *make_sim_suite(void) {
        Suite *s = suite_create("sim");
        TCase *tc = tcase_create("model");

        tcase_add_test(tc, test_hwaddr_layout);
        tcase_add_test(tc, test_hwaddr_of_netdevs);
        tcase_add_test(tc, test_hwaddr_child);
        tcase_add_test(tc, test_broadcast);
        tcase_add_test(tc, test_subnet_prefix);
        tcase_add_test(tc, test_subnet_prefix_event);
        tcase_add_test(tc, test_child_create_errno);
        tcase_add_test(tc, test_child_pkey_normalisation);
        tcase_add_test(tc, test_child_defaults);
        tcase_add_test(tc, test_child_duplicate_pkey_netlink);
        tcase_add_test(tc, test_mode_switch_mtu);
        tcase_add_test(tc, test_enhanced_refuses_connected);
        tcase_add_test(tc, test_changelink_pkey_ignored);
        tcase_add_test(tc, test_mtu_limits);
        tcase_add_test(tc, test_datagram_clamp);
        tcase_add_test(tc, test_dellink);
        tcase_add_test(tc, test_updown_cascade);
        tcase_add_test(tc, test_carrier);
        tcase_add_test(tc, test_carrier_events);
        tcase_add_test(tc, test_hca_removal);
        suite_add_tcase(s, tc);
        sim_test_add_sysfs_tcase(s);
        sim_test_add_inet_tcase(s);
        sim_test_add_backend_tcase(s);
        return s;
}
