/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The core against the kernel rules of docs/kernel-ipoib.md that the IPoIB driver's sources showed
 * (issue 9, "kernel rules"): what the agent does when the kernel answers or notifies the way it does,
 * on the recording fake backend. A tcase of the "core" suite (suite-core.c). */

#include "core-test.h"
#include "hold.h"

#define PARTITION_FILE \
        "[Match]\nName=ib0\n\n[Partition]\nPKey=0x8002\n\n[Network]\nAddress=198.51.100.1/24\n"

static void set_operstate_down(KLink *k) {
        k->operstate = 2; /* IF_OPER_DOWN */
}

static IbPortInfo ib_port_active(void) {
        return (IbPortInfo) {
                .device = "mlx4_0",
                .port = 1,
                .state_known = true,
                .state = IB_PORT_ACTIVE,
                .active_mtu = 2048,
                .link_layer_ib = true,
                .pkeys = { 0xffff },
                .n_pkeys = 1,
                .enhanced = -1,
        };
}

/* Kernel rule 2: EEXIST from create_child means the legacy name the kernel picks is taken, not that
 * someone made our child. */
START_TEST(test_core_sysfs_child_name_taken) {
        KLink squatter = veth_link(9, "ib0.8002");
        _cleanup_free_ char *summary = NULL;
        Core c;

        core_new(&c);
        fake_backend_add_link(c.f, &squatter);
        core_write(&c, "20-storage.ibnet",
                   "[Match]\nName=ib0\n[Partition]\nPKey=0x8002\nName=storage0\nMethod=sysfs\n"
                   "[Network]\nAddress=198.51.100.1/24\n");
        /* ipoib_vlan_add() names it ib0.8002, register_netdevice() refuses: -EEXIST, nothing made. */
        fake_backend_script(c.f, &(FakeScript) { "ib0 create-child storage0 pkey 0x8002", -EEXIST });
        core_start(&c);
        core_expect_sent(&c, "ib0 set-up\nib0 create-child storage0 pkey 0x8002");
        summary = core_summary(&c);
        ck_assert_msg(strstr(summary, "storage0         failed       20-storage.ibnet: create_child: ib0.8002, "
                                      "the name the kernel gives the new child, is taken by another link\n"),
                      "summary:\n%s", summary);
        ck_assert_ptr_null(owner_get(&c.m->owner, "storage0"));
        core_free(&c);
}
END_TEST

/* §9: taking a link down flushes its IPv4 routes without RTM_DELROUTE. The agent's own set-down
 * (ipoibctl down) is answered on one socket and notified on another: whichever comes first, the
 * routes are gone from the cache too, and up brings them back (systemd-unit.sh found the gateway
 * route missing after ipoibctl up when the answer came first). */
START_TEST(test_core_down_flushes_ipv4_routes) {
        KRoute gw = route(VETH0, "198.51.100.0/24", "192.0.2.254", 0);
        Core c;

        core_new(&c);
        ck_assert_int_eq(mkdir(c.runtime, 0755), 0);
        core_write(&c, "10-veth0.ibnet",
                   "[Match]\nName=veth0\nType=ether\n[Network]\nAddress=192.0.2.1/24\n"
                   "[Route]\nDestination=198.51.100.0/24\nGateway=192.0.2.254\n");
        core_start(&c);
        ck_assert(fake_backend_has_route(c.f, &gw));
        c.mark = c.f->n_submitted;
        c.f->notify_after_reply = _i;
        ck_assert_int_eq(manager_set_hold(c.m, "veth0", true), 0);
        core_settle(&c);
        core_expect_sent(&c, "veth0 set-down");
        ck_assert(!fake_backend_has_route(c.f, &gw));
        ck_assert_int_eq(manager_set_hold(c.m, "veth0", false), 0);
        core_settle(&c);
        ck_assert_msg(fake_backend_has_route(c.f, &gw), "the route did not come back (notify_after_reply %d)", _i);
        core_free(&c);
}
END_TEST

/* Kernel rule 6: a change of a down device is not notified (netdev_state_change() only while IFF_UP),
 * nor is anything written to sysfs umcast. The agent takes its own successful request as the state. */
static void umcast_set_silently(FakeBackend *f, const Action *a) {
        fake_backend_get_link(f, a->ifname)->umcast = 1;
}

START_TEST(test_core_change_not_notified) {
        Core c;

        core_new(&c);
        core_write(&c, "10-ib0.ibnet", "[Match]\nName=ib0\n[IPoIB]\nUmcast=yes\n");
        fake_backend_script(c.f, &(FakeScript) { "ib0 set-ipoib umcast 1", 0, NULL, 0, umcast_set_silently });
        core_start(&c);
        core_expect_sent(&c, "ib0 set-ipoib umcast 1\nib0 set-up");
        core_expect_link(&c, "ib0", LINK_STATE_CONFIGURED, NULL, NULL);
        ck_assert_uint_eq(core_link(&c, "ib0")->kernel.umcast, 1);
        /* A later event (carrier, say) changes nothing in the plan; a restart finds it done. */
        core_kernel_link(&c, "ib0", set_operstate_down);
        core_expect_sent(&c, "");
        core_restart(&c);
        core_start(&c);
        core_expect_sent(&c, "");
        core_free(&c);
}
END_TEST

/* Kernel rule 9: ipoib_set_mode() answers -EBUSY when rtnl_trylock() fails after the mode changed. Here
 * connected at 1500 → datagram at min(mcast_mtu, 1500) = 1500: no MTU change, so no notification at
 * all; only a new read shows the kernel's state. */
static void mode_changed_silently(FakeBackend *f, const Action *a) {
        fake_backend_get_link(f, a->ifname)->mode = IPOIB_MODE_DATAGRAM;
}

START_TEST(test_core_mode_ebusy) {
        _cleanup_free_ char *sent = NULL;
        unsigned dumps;
        KLink *k;
        Core c;

        core_new(&c);
        k = fake_backend_get_link(c.f, "ib0");
        k->mode = IPOIB_MODE_CONNECTED;
        k->mtu = 1500;
        k->flags |= IFF_UP;
        core_write(&c, "10-ib0.ibnet", "[Match]\nName=ib0\n[IPoIB]\nMode=datagram\n");
        fake_backend_script(c.f, &(FakeScript) { "ib0 set-ipoib mode datagram", -EBUSY, NULL, 0,
                                                 mode_changed_silently });
        dumps = c.f->n_dumps;
        core_start(&c);
        core_expect_link(&c, "ib0", LINK_STATE_CONFIGURED, NULL, NULL);
        ck_assert_uint_eq(core_link(&c, "ib0")->kernel.mode, IPOIB_MODE_DATAGRAM);
        ck_assert_uint_gt(c.f->n_dumps, dumps); /* read again */
        sent = fake_backend_submitted_since(c.f, 0);
        /* Once: the second read shows datagram, nothing is asked again. */
        ck_assert_msg(strstr(sent, "set-ipoib mode datagram") &&
                              !strstr(strstr(sent, "set-ipoib mode datagram") + 1, "set-ipoib"),
                      "sent:\n%s", sent);
        core_free(&c);
}
END_TEST

/* ---- kernel rule 1: a P_Key granted later shows only as the child's carrier ---- */

static void carrier_on(KLink *k) {
        k->flags |= IFF_UP | IFF_RUNNING | 0x10000; /* IFF_LOWER_UP */
        k->operstate = 6; /* IF_OPER_UP */
}

START_TEST(test_core_pkey_granted_child_event) {
        /* update_parent_pkey(): table index 0 unchanged, so the heavy flush stops at the parent ("Not
         * flushing - P_Key value not changed") and the parent sends no RTM_NEWLINK; only the child gets
         * its carrier. The agent must ask for the parent's port on the child's event. */
        IbPortInfo p = ib_port_active();
        Core c;

        core_new(&c);
        fake_backend_set_port(c.f, IB0, &p);
        core_write(&c, "10-ib0.ibnet", "[Match]\nName=ib0\n[Network]\nAddress=192.0.2.1/24\n");
        core_write(&c, "20-ib0.8002.ibnet", PARTITION_FILE);
        core_start(&c);
        core_expect_link(&c, "ib0.8002", LINK_STATE_CONFIGURED, NULL,
                         "partition 0x8002 not granted by the subnet manager (not in the port's P_Key "
                         "table); no carrier until it is");
        c.mark = c.f->n_submitted;

        /* The SM adds 0x8002: rdma-core says so, and the kernel tells only the child. */
        p.pkeys[p.n_pkeys++] = 0x8002;
        fake_backend_set_port(c.f, IB0, &p);
        core_kernel_link(&c, "ib0.8002", carrier_on);
        core_expect_link(&c, "ib0.8002", LINK_STATE_CONFIGURED, NULL, NULL);
        ck_assert_uint_eq(core_link(&c, "ib0")->port->n_pkeys, 2);
        core_expect_sent(&c, "");
        core_free(&c);
}
END_TEST

void core_test_add_kernel_tcase(Suite *s) {
        TCase *tc = tcase_create("kernel-rules");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_core_pkey_granted_child_event);
        tcase_add_test(tc, test_core_sysfs_child_name_taken);
        tcase_add_test(tc, test_core_mode_ebusy);
        tcase_add_test(tc, test_core_change_not_notified);
        tcase_add_loop_test(tc, test_core_down_flushes_ipv4_routes, 0, 2);
        suite_add_tcase(s, tc);
}
