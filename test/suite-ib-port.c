/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* rdma-core port awareness (ib-port.c) against a fake sysfs tree. This machine has no RDMA devices,
 * so libibverbs answers with none: that path must give a clear, specific error, not port data. */

#include <check.h>
#include <infiniband/verbs.h>

#include "ib-port.h"
#include "test-suites.h"
#include "test-util.h"

START_TEST(test_mtu_enum) {
        static const struct {
                int e;
                uint32_t bytes;
        } cases[] = {
                { IBV_MTU_256, 256 }, { IBV_MTU_512, 512 },   { IBV_MTU_1024, 1024 },
                { IBV_MTU_2048, 2048 }, { IBV_MTU_4096, 4096 }, { 0, 0 }, { 6, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                ck_assert_uint_eq(ib_mtu_enum_to_bytes(cases[i].e), cases[i].bytes);
}
END_TEST

START_TEST(test_not_an_rdma_netdev) {
        _cleanup_free_ char *root = test_mkdir_tmp();
        IbPortInfo p;

        /* A netdev without device/infiniband/ (veth, or nothing at all) has no port. */
        free(test_write(root, "class/net/veth0/dev_port", "0\n"));
        ck_assert_int_eq(ib_port_query(root, "veth0", &p, NULL), -ENODEV);
        ck_assert_int_eq(ib_port_query(root, "nosuch", &p, NULL), -ENODEV);
}
END_TEST

START_TEST(test_no_verbs_devices) {
        _cleanup_free_ char *root = test_mkdir_tmp();
        struct ibv_device **l;
        IbPortInfo p;
        int n = 0, verbs = 0;

        /* sysfs names a device and port 1 (dev_port 0, as ipoib_parent_init() leaves it); the name
         * is one no real provider uses. */
        free(test_write(root, "class/net/ib0/dev_port", "1\n"));
        free(test_write(root, "class/net/ib0/device/infiniband/fake_rdma9/node_type", "1: CA\n"));

        l = ibv_get_device_list(&n);
        if (l)
                ibv_free_device_list(l);

        /* sysfs still names device and port (Device=/Port= can match), rdma-core tells nothing more,
         * and nothing of the port's state is made up. dev_port is port - 1. */
        ck_assert_int_eq(ib_port_query(root, "ib0", &p, &verbs), 0);
        ck_assert_str_eq(p.device, "fake_rdma9");
        ck_assert_uint_eq(p.port, 2);
        ck_assert(!p.state_known);
        ck_assert_uint_eq(p.active_mtu, 0);
        ck_assert_uint_eq(p.n_pkeys, 0);
        /* No devices at all here: -ENXIO; a machine with RDMA devices has none of that name. */
        ck_assert_int_eq(verbs, n > 0 ? -ENOENT : -ENXIO);
}
END_TEST

/* Kernels where IPoIB set only dev_id (ipoib_parent_init() before dev_port was set too) read dev_port 0
 * on every port: 0 is then no answer and dev_id ("%#x", dev_id_show()) names the port (§4). */
START_TEST(test_dev_port_fallback) {
        static const struct {
                const char *dev_port, *dev_id;
                uint32_t port;
        } cases[] = {
                { "1\n", "0x1\n", 2 },   /* current kernels: both */
                { "0\n", "0x1\n", 2 },   /* old kernel, port 2: dev_port 0, dev_id 0x1 */
                { "0\n", "0x0\n", 1 },
                { NULL, "0x1\n", 2 },    /* no dev_port file at all */
                { "0\n", NULL, 1 },
                { "3\n", NULL, 4 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *root = test_mkdir_tmp();
                IbPortInfo p;

                free(test_write(root, "class/net/ib1/device/infiniband/fake_rdma9/node_type", "1: CA\n"));
                if (cases[i].dev_port)
                        free(test_write(root, "class/net/ib1/dev_port", cases[i].dev_port));
                if (cases[i].dev_id)
                        free(test_write(root, "class/net/ib1/dev_id", cases[i].dev_id));
                ck_assert_int_eq(ib_port_query(root, "ib1", &p, NULL), 0);
                ck_assert_msg(p.port == cases[i].port, "#%zu: port %u, expected %u", i, p.port, cases[i].port);
        }
}
END_TEST

Suite *make_ib_port_suite(void) {
        Suite *s = suite_create("ib_port");
        TCase *tc = tcase_create("ib_port");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_mtu_enum);
        tcase_add_test(tc, test_not_an_rdma_netdev);
        tcase_add_test(tc, test_no_verbs_devices);
        tcase_add_test(tc, test_dev_port_fallback);
        suite_add_tcase(s, tc);
        return s;
}
