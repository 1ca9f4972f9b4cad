/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Multi-rail files: one file that matches several ports (GUID= and Device= lists, Device= globs), the
 * rail index of each port, and the per-port values derived from it (man/ibnet.5.scd, "MULTI-RAIL
 * FILES"). */

#include <check.h>

#include "ibnet-load.h"
#include "strv.h"
#include "test-suites.h"
#include "test-util.h"

#define G0 UINT64_C(0x0002c90300a00000)

static IbLinkIdentity port_id(const char *ifname, const char *device, uint32_t port, uint64_t guid) {
        return (IbLinkIdentity) {
                .ifname = ifname,
                .type = IB_LINK_TYPE_INFINIBAND,
                .has_guid = guid != 0,
                .guid = guid,
                .device = device,
                .port = port,
        };
}

/* Eight GUIDs in one file: each matches, at its position; another GUID does not. */
START_TEST(test_match_guid_list) {
        _cleanup_(test_load_done) TestLoad l = {};
        IbLinkIdentity id;

        test_load_ok("[Match]\n"
                     "GUID=0x0002c90300a00000 0x0002c90300a00001 0x0002c90300a00002 0x0002c90300a00003\n"
                     "GUID=0x0002c90300a00004 0x0002c90300a00005 0x0002c90300a00006 0x0002c90300a00007\n",
                     NULL, &l);
        ck_assert(ib_network_multi_port(l.network));
        for (unsigned i = 0; i < 8; i++) {
                id = port_id("ib0", "mlx5_9", 1, G0 + i);
                ck_assert_msg(ib_network_matches(l.network, &id), "rail %u does not match", i);
                ck_assert_int_eq(ib_network_rail_index(l.network, &id), (int) i);
        }
        id = port_id("ib0", "mlx5_9", 1, G0 + 8);
        ck_assert(!ib_network_matches(l.network, &id));
        ck_assert_int_eq(ib_network_rail_index(l.network, &id), -ENOENT);
        /* A P_Key child carries its parent's GUID but is not the port. */
        id = port_id("ib0.8002", "mlx5_9", 1, G0);
        id.is_child = true;
        ck_assert(!ib_network_matches(l.network, &id));
}
END_TEST

/* Device= names and globs: literal names have a position, a glob matches without one. */
START_TEST(test_match_device_list) {
        _cleanup_(test_load_done) TestLoad l = {}, g = {}, one = {};
        IbLinkIdentity id;

        test_load_ok("[Match]\nDevice=mlx5_0 mlx5_1\nDevice=mlx5_6\n", NULL, &l);
        ck_assert(ib_network_multi_port(l.network));
        id = port_id("ib0", "mlx5_6", 1, G0);
        ck_assert(ib_network_matches(l.network, &id));
        ck_assert_int_eq(ib_network_rail_index(l.network, &id), 2);
        id = port_id("ib0", "mlx5_4", 1, G0);
        ck_assert(!ib_network_matches(l.network, &id));
        /* Port= applies to every device: port 2 of mlx5_0 is another port. */
        id = port_id("ib0", "mlx5_0", 2, G0);
        ck_assert(!ib_network_matches(l.network, &id));

        test_load_ok("[Match]\nDevice=mlx5_*\n", NULL, &g);
        ck_assert(ib_network_multi_port(g.network));
        for (unsigned i = 0; i < 8; i++) {
                char dev[16];

                snprintf(dev, sizeof(dev), "mlx5_%u", i);
                id = port_id("ib0", dev, 1, G0 + i);
                ck_assert(ib_network_matches(g.network, &id));
                ck_assert_int_eq(ib_network_rail_index(g.network, &id), -ENOENT);
        }
        id = port_id("ib0", "mlx4_0", 1, G0);
        ck_assert(!ib_network_matches(g.network, &id));
        id = port_id("ib0", NULL, 0, G0);
        ck_assert(!ib_network_matches(g.network, &id));

        test_load_ok("[Match]\nDevice=mlx5_0\n", NULL, &one);
        ck_assert(!ib_network_multi_port(one.network));
}
END_TEST

/* Two files with the same ports in another order are the same [Match]: the later is shadowed. */
START_TEST(test_same_match_any_order) {
        _cleanup_free_ char *dir = test_mkdir_tmp();
        _cleanup_(conf_file_list_done) ConfFileList files = {};
        _cleanup_(ib_config_done) IbConfig c = {};
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_free_ char *a = NULL, *b = NULL;

        a = test_write(dir, "10-a.ibnet", "[Match]\nDevice=mlx5_0 mlx5_1\nGUID=0x0002c90300a00001 0x0002c90300a00002\n");
        b = test_write(dir, "20-b.ibnet", "[Match]\nDevice=mlx5_1\nDevice=mlx5_0\nGUID=0x0002c90300a00002 0x0002c90300a00001\n");
        ck_assert_int_eq(conf_files_list((char *[]) { dir, NULL }, &files), 0);
        ck_assert_int_eq(ib_config_load(&files, 0, &diags, &c), 0);
        test_assert_diag(&diags, DIAG_WARNING, b, 3, "this file is shadowed");
}
END_TEST

Suite *make_rail_suite(void) {
        Suite *s = suite_create("rail");
        TCase *tc = tcase_create("match");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_match_guid_list);
        tcase_add_test(tc, test_match_device_list);
        tcase_add_test(tc, test_same_match_any_order);
        suite_add_tcase(s, tc);
        return s;
}
