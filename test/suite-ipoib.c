/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The IPoIB rules of ipoib.c and ib-tables.c as tables: each row is one input and the answer the
 * kernel function named in its comment gives. Pure: no kernel, no manager. */

#include <check.h>
#include <linux/if_link.h>
#include <net/if_arp.h>

#include "ipoib.h"
#include "plan.h"
#include "test-suites.h"

static IbNetwork network(IbMode mode, uint32_t mtu, bool mtu_max) {
        return (IbNetwork) {
                .match_type = IB_LINK_TYPE_INFINIBAND,
                .mode = mode,
                .umcast = -1,
                .mtu = mtu,
                .mtu_max = mtu_max,
                .require_active_port = -1,
        };
}

/* An IPoIB link; cm: the RC flag in byte 0 of its hardware address (ipoib_cm_dev_init()). */
static KLink ib_link(uint8_t mode, uint32_t mtu, bool cm) {
        KLink k = {
                .ifindex = 3,
                .ifname = "ib0",
                .arphrd = ARPHRD_INFINIBAND,
                .mtu = mtu,
                .has_ipoib = true,
                .mode = mode,
                .hwaddr_len = INFINIBAND_ALEN,
        };

        k.hwaddr[0] = cm ? 0x80 : 0x00;
        return k;
}

static IbPortInfo port(uint32_t active_mtu, uint32_t bcast_mtu, int enhanced) {
        return (IbPortInfo) {
                .device = "mlx5_0",
                .port = 1,
                .state_known = true,
                .state = IB_PORT_ACTIVE,
                .active_mtu = active_mtu,
                .enhanced = enhanced,
                .bcast_mtu = bcast_mtu,
        };
}

START_TEST(test_mtu_check) {
        static const struct {
                uint32_t mtu;
                IbMode mode;
                IbMtuCheck expected;
        } cases[] = {
                { 65520, IB_MODE_CONNECTED, IB_MTU_OK },
                { 65521, IB_MODE_CONNECTED, IB_MTU_ABOVE_MAX },       /* dev->max_mtu, ipoib_ndo_init() */
                { 65521, _IB_MODE_INVALID, IB_MTU_ABOVE_MAX },
                { 71, IB_MODE_DATAGRAM, IB_MTU_BELOW_DATAGRAM_MIN },  /* ipoib_change_mtu() */
                { 71, _IB_MODE_INVALID, IB_MTU_BELOW_DATAGRAM_MIN },
                { 71, IB_MODE_CONNECTED, IB_MTU_OK },
                { 72, IB_MODE_DATAGRAM, IB_MTU_OK },
                { 4092, IB_MODE_DATAGRAM, IB_MTU_OK },                /* IPOIB_UD_MTU(4096) */
                { 4093, IB_MODE_DATAGRAM, IB_MTU_ABOVE_DATAGRAM_MAX },
                { 4093, _IB_MODE_INVALID, IB_MTU_NEEDS_CONNECTED },
                { 4093, IB_MODE_CONNECTED, IB_MTU_OK },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                ck_assert_msg(ib_mtu_check(cases[i].mtu, cases[i].mode) == cases[i].expected,
                              "row %zu: MTU %u mode %d", i, cases[i].mtu, cases[i].mode);
}
END_TEST

START_TEST(test_mtu_max) {
        IbPortInfo p2048 = port(2048, 0, 0), unknown = port(2048, 0, 0);
        KLink ether = { .arphrd = ARPHRD_ETHER, .max_mtu = 9000 };
        KLink dgram = ib_link(IPOIB_MODE_DATAGRAM, 2044, true), cm = ib_link(IPOIB_MODE_CONNECTED, 65520, true);
        KLink bare = dgram;

        unknown.state_known = false;
        bare.has_ipoib = false;
        /* A plain link: IFLA_MAX_MTU, whatever the mode. */
        ck_assert_uint_eq(ipoib_mtu_max(&ether, NULL, -1), 9000);
        /* Connected: IPOIB_CM_MTU, with or without port data. */
        ck_assert_uint_eq(ipoib_mtu_max(&cm, NULL, -1), 65520);
        ck_assert_uint_eq(ipoib_mtu_max(&dgram, NULL, IB_MODE_CONNECTED), 65520);
        /* Datagram: the IB link MTU less the 4-byte header, unknown without rdma-core's answer. */
        ck_assert_uint_eq(ipoib_mtu_max(&dgram, &p2048, -1), 2044);
        ck_assert_uint_eq(ipoib_mtu_max(&cm, &p2048, IB_MODE_DATAGRAM), 2044);
        ck_assert_uint_eq(ipoib_mtu_max(&dgram, NULL, -1), 0);
        ck_assert_uint_eq(ipoib_mtu_max(&dgram, &unknown, -1), 0);
        /* No IPoIB settings reported: taken for datagram. */
        ck_assert_uint_eq(ipoib_mtu_max(&bare, &p2048, -1), 2044);
        ck_assert_uint_eq(ib_mode_mtu_max(IB_MODE_DATAGRAM, 4096), 4092);
        /* §3 ipoib_parent_init(): max_ib_mtu = rdma_mtu_from_attr() = attr->max_mtu, so a 4K port that
         * runs 2K still takes 4092 in datagram mode (MTU=max); only without max_mtu the active MTU. */
        p2048.max_mtu = 4096;
        ck_assert_uint_eq(ipoib_mtu_max(&dgram, &p2048, -1), 4092);
        ck_assert_uint_eq(ipoib_mtu_max(&cm, &p2048, IB_MODE_DATAGRAM), 4092);
        ck_assert_uint_eq(ipoib_mtu_max(&cm, &p2048, IB_MODE_CONNECTED), 65520);
        p2048.max_mtu = 2048;
        ck_assert_uint_eq(ipoib_mtu_max(&dgram, &p2048, -1), 2044);
        ck_assert_uint_eq(ib_mode_mtu_max(IB_MODE_DATAGRAM, 0), 0);
}
END_TEST

START_TEST(test_effective_mode) {
        IbNetwork cm = network(IB_MODE_CONNECTED, 0, false), ud = network(IB_MODE_DATAGRAM, 0, false),
                  unset = network(_IB_MODE_INVALID, 0, false), ether = cm;

        ether.match_type = IB_LINK_TYPE_ETHER;
        ck_assert_int_eq(ipoib_effective_mode(&cm, false), IB_MODE_CONNECTED);
        ck_assert_int_eq(ipoib_effective_mode(&cm, true), IB_MODE_DATAGRAM);
        ck_assert_int_eq(ipoib_effective_mode(&ud, true), IB_MODE_DATAGRAM);
        ck_assert_int_eq(ipoib_effective_mode(&unset, false), -1);
        ck_assert_int_eq(ipoib_effective_mode(&ether, false), -1);
        ck_assert_int_eq(ipoib_effective_mode(NULL, false), -1);
}
END_TEST

START_TEST(test_connected_unsupported) {
        IpoibState learned = { .connected_unsupported = true }, none = {};
        KLink rc = ib_link(IPOIB_MODE_DATAGRAM, 2044, true), no_rc = ib_link(IPOIB_MODE_DATAGRAM, 2044, false);
        IbPortInfo enhanced = port(4096, 0, 1), classic = port(4096, 0, 0);

        ck_assert(!ipoib_connected_unsupported(&none, &rc, NULL));
        ck_assert(!ipoib_connected_unsupported(&none, &rc, &classic));
        /* IPOIB_CM_SUPPORTED() false: no RC flag in dev_addr[0]. */
        ck_assert(ipoib_connected_unsupported(&none, &no_rc, NULL));
        /* Enhanced IPoIB (mlx5 rdma_netdev) is datagram only. */
        ck_assert(ipoib_connected_unsupported(&none, &rc, &enhanced));
        /* The kernel said EINVAL to Mode=connected once. */
        ck_assert(ipoib_connected_unsupported(&learned, &rc, &classic));
}
END_TEST

START_TEST(test_port_has_pkey) {
        IbPortInfo p = port(4096, 0, 0);

        p.pkeys[0] = 0xffff;
        p.pkeys[1] = 0x0002; /* limited member */
        p.pkeys[2] = 0x0000; /* an empty slot grants nothing */
        p.n_pkeys = 3;
        ck_assert(ipoib_port_has_pkey(&p, 0xffff));
        ck_assert(ipoib_port_has_pkey(&p, 0x7fff));
        ck_assert(ipoib_port_has_pkey(&p, 0x8002));
        ck_assert(ipoib_port_has_pkey(&p, 0x0002));
        ck_assert(!ipoib_port_has_pkey(&p, 0x8003));
        ck_assert(!ipoib_port_has_pkey(&p, 0x8000));
}
END_TEST

START_TEST(test_is_child) {
        KLink parent = ib_link(IPOIB_MODE_DATAGRAM, 2044, true), child = parent, ether = { .arphrd = ARPHRD_ETHER };

        child.ifindex = 7;
        child.parent = 3;
        ether.parent = 3;
        ck_assert(!ipoib_is_child(&parent));
        ck_assert(ipoib_is_child(&child));
        ck_assert(!ipoib_is_child(&ether));
        parent.parent = parent.ifindex; /* IFLA_LINK to itself: not a child */
        ck_assert(!ipoib_is_child(&parent));
}
END_TEST

/* ipoib_change_mtu() in datagram mode: the first link event after a request is its answer. */
START_TEST(test_clamp_answer) {
        IpoibState s = { .mtu_requested = 4092, .mtu_expect_answer = true };
        KLink clamped = ib_link(IPOIB_MODE_DATAGRAM, 2044, true), cm = ib_link(IPOIB_MODE_CONNECTED, 2044, true);

        ipoib_link_event(&s, &clamped);
        ck_assert_uint_eq(s.mtu_effective, 2044);
        ck_assert(!s.mtu_expect_answer);
        /* A later event is drift again, not a new answer. */
        clamped.mtu = 1500;
        ipoib_link_event(&s, &clamped);
        ck_assert_uint_eq(s.mtu_effective, 2044);
        /* The asked-for MTU itself: no clamp. */
        s = (IpoibState) { .mtu_requested = 4092, .mtu_effective = 2044, .mtu_expect_answer = true };
        clamped.mtu = 4092;
        ipoib_link_event(&s, &clamped);
        ck_assert_uint_eq(s.mtu_effective, 0);
        /* Connected mode does not clamp: a lower MTU is not taken for one. */
        s = (IpoibState) { .mtu_requested = 4092, .mtu_expect_answer = true };
        ipoib_link_event(&s, &cm);
        ck_assert_uint_eq(s.mtu_effective, 0);
        ipoib_forget_mtu(&s);
        ck_assert_uint_eq(s.mtu_requested, 0);
}
END_TEST

/* A broadcast group MTU below the file's: running the group's MTU is the file's MTU, once asked. */
START_TEST(test_plan_input_clamp) {
        IbNetwork n = network(IB_MODE_DATAGRAM, 4092, false);
        KLink k = ib_link(IPOIB_MODE_DATAGRAM, 2044, true);
        IbPortInfo p = port(4096, 2048, 0);
        IpoibState asked = { .mtu_requested = 4092 }, fresh = {};
        PlanInput in = { .network = &n, .link = &k };

        ipoib_plan_input(&asked, &n, &k, &p, &in);
        ck_assert_uint_eq(in.mtu_max, 4092);
        ck_assert_uint_eq(in.mtu_requested, 4092);
        ck_assert_uint_eq(in.mtu_effective, 2044);
        in = (PlanInput) { .network = &n, .link = &k };
        ipoib_plan_input(&fresh, &n, &k, &p, &in);
        ck_assert_uint_eq(in.mtu_effective, 0);
        ck_assert_uint_eq(ipoib_desired_mtu(&n, 9), 4092);
        n.mtu_max = true;
        ck_assert_uint_eq(ipoib_desired_mtu(&n, 2044), 2044);
}
END_TEST

START_TEST(test_warnings) {
        IbNetwork cm = network(IB_MODE_CONNECTED, 0, false), child = network(_IB_MODE_INVALID, 0, false),
                  max = network(_IB_MODE_INVALID, 0, true);
        KLink k = ib_link(IPOIB_MODE_DATAGRAM, 2044, false);
        IbPortInfo p = port(4096, 0, 0);
        PlanInput in = { .connected_unsupported = true };
        char buf[256];

        /* Connected mode comes first, then what the caller adds (the resolver's complaint). */
        ck_assert_str_eq(ipoib_warning(&cm, &k, &p, &in, "dns", buf, sizeof(buf)), IPOIB_CONNECTED_UNSUPPORTED);
        ck_assert_str_eq(ipoib_warning(&child, &k, &p, &in, "dns", buf, sizeof(buf)), "dns");
        child.has_partition = true;
        child.pkey = 0x8002;
        ck_assert_str_eq(ipoib_warning(&child, &k, &p, &in, NULL, buf, sizeof(buf)),
                         "partition 0x8002 not granted by the subnet manager (not in the port's P_Key table); "
                         "no carrier until it is");
        ck_assert_ptr_null(ipoib_warning(&child, &k, NULL, &in, NULL, buf, sizeof(buf)));
        ck_assert_str_eq(ipoib_warning(&max, &k, NULL, &in, NULL, buf, sizeof(buf)),
                         "MTU=max: the largest MTU is unknown (no port data from rdma-core); MTU left alone");
        in = (PlanInput) { .mtu_requested = 4092, .mtu_effective = 2044 };
        ck_assert_str_eq(ipoib_warning(&child, &k, NULL, &in, NULL, buf, sizeof(buf)),
                         "MTU 4092 accepted; the kernel runs 2044 (the broadcast group's MTU is lower)");
        ck_assert_ptr_null(ipoib_warning(NULL, &k, NULL, &in, "dns", buf, sizeof(buf)));
}
END_TEST

/* Issue 9 item 3: Mode=connected + MTU=65520 on a device that runs datagram asks for the datagram
 * limit (ipoib_change_mtu() would refuse 65520 with EINVAL) and says both why and what. */
START_TEST(test_mtu_over_the_mode_limit) {
        IbNetwork cm = network(IB_MODE_CONNECTED, 65520, false), max = network(_IB_MODE_INVALID, 0, true);
        KLink k = ib_link(IPOIB_MODE_DATAGRAM, 4092, false), veth = { .arphrd = ARPHRD_ETHER, .mtu = 1500 };
        IbPortInfo p = port(4096, 0, 0);
        PlanInput in = { .connected_unsupported = true, .mtu_max = 4092 };
        char buf[256];

        ck_assert_uint_eq(ipoib_planned_mtu(&cm, &k, 4092), 4092);
        ck_assert_uint_eq(ipoib_planned_mtu(&cm, &k, 0), 65520);     /* limit unknown: as asked */
        ck_assert_uint_eq(ipoib_planned_mtu(&cm, &veth, 4092), 65520); /* not IPoIB: the kernel's word */
        ck_assert_uint_eq(ipoib_planned_mtu(&max, &k, 4092), 4092);
        ck_assert_str_eq(ipoib_warning(&cm, &k, &p, &in, NULL, buf, sizeof(buf)),
                         IPOIB_CONNECTED_UNSUPPORTED "; MTU=65520 is over the limit of datagram mode on this port "
                                                     "(4092); running 4092");
        in.connected_unsupported = false;
        cm.mode = IB_MODE_DATAGRAM;
        ck_assert_str_eq(ipoib_warning(&cm, &k, &p, &in, NULL, buf, sizeof(buf)),
                         "MTU=65520 is over the limit of datagram mode on this port (4092); running 4092");
        cm.mtu = 4092;
        ck_assert_ptr_null(ipoib_warning(&cm, &k, &p, &in, NULL, buf, sizeof(buf)));
}
END_TEST

/* Every action type has its row: a name, a format and a reply handler. */
START_TEST(test_action_ops_complete) {
        for (int t = 0; t < _ACTION_TYPE_MAX; t++) {
                const ActionOps *ops = action_ops((ActionType) t);

                ck_assert_ptr_nonnull(ops);
                ck_assert_msg(ops->name && ops->format && ops->done, "action type %d has an incomplete row", t);
        }
        ck_assert_ptr_null(action_ops(_ACTION_TYPE_MAX));
        ck_assert_ptr_null(action_ops(_ACTION_TYPE_INVALID));
}
END_TEST

Suite *make_ipoib_suite(void) {
        Suite *s = suite_create("ipoib");
        TCase *tc;

        tc = tcase_create("limits");
        tcase_add_test(tc, test_mtu_check);
        tcase_add_test(tc, test_mtu_max);
        tcase_add_test(tc, test_effective_mode);
        tcase_add_test(tc, test_connected_unsupported);
        tcase_add_test(tc, test_port_has_pkey);
        tcase_add_test(tc, test_is_child);
        suite_add_tcase(s, tc);

        tc = tcase_create("learned");
        tcase_add_test(tc, test_clamp_answer);
        tcase_add_test(tc, test_plan_input_clamp);
        tcase_add_test(tc, test_warnings);
        tcase_add_test(tc, test_mtu_over_the_mode_limit);
        suite_add_tcase(s, tc);

        tc = tcase_create("actions");
        tcase_add_test(tc, test_action_ops_complete);
        suite_add_tcase(s, tc);
        return s;
}
