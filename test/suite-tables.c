/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* String tables and the schema table itself: every enum value survives value → string → value, unknown
 * strings are negative, and every schema row is reachable by lookup. */

#include <check.h>

#include "diag.h"
#include "ib-tables.h"
#include "kernel.h"
#include "schema.h"
#include "strv.h"
#include "test-suites.h"

START_TEST(test_ib_link_type_round_trip) {
        for (int i = 0; i < _IB_LINK_TYPE_MAX; i++) {
                const char *s = ib_link_type_to_string((IbLinkType) i);

                ck_assert_msg(s, "ib_link_type %d has no string", i);
                ck_assert_int_eq(ib_link_type_from_string(s), i);
        }
        ck_assert_str_eq(ib_link_type_to_string(IB_LINK_TYPE_INFINIBAND), "infiniband");
        ck_assert_str_eq(ib_link_type_to_string(IB_LINK_TYPE_ETHER), "ether");
}
END_TEST

START_TEST(test_ib_mode_round_trip) {
        for (int i = 0; i < _IB_MODE_MAX; i++) {
                const char *s = ib_mode_to_string((IbMode) i);

                ck_assert_msg(s, "ib_mode %d has no string", i);
                ck_assert_int_eq(ib_mode_from_string(s), i);
        }
        /* The words of the kernel's sysfs "mode" file and its IPOIB_MODE_* values. */
        ck_assert_str_eq(ib_mode_to_string(IB_MODE_DATAGRAM), "datagram");
        ck_assert_str_eq(ib_mode_to_string(IB_MODE_CONNECTED), "connected");
        ck_assert_int_eq(IB_MODE_DATAGRAM, 0);
        ck_assert_int_eq(IB_MODE_CONNECTED, 1);
}
END_TEST

START_TEST(test_ib_child_method_round_trip) {
        for (int i = 0; i < _IB_CHILD_METHOD_MAX; i++) {
                const char *s = ib_child_method_to_string((IbChildMethod) i);

                ck_assert_msg(s, "ib_child_method %d has no string", i);
                ck_assert_int_eq(ib_child_method_from_string(s), i);
        }
        ck_assert_str_eq(ib_child_method_to_string(IB_CHILD_METHOD_NETLINK), "netlink");
        ck_assert_str_eq(ib_child_method_to_string(IB_CHILD_METHOD_SYSFS), "sysfs");
        ck_assert_int_lt(ib_child_method_from_string("Netlink"), 0);
        ck_assert_int_lt(ib_child_method_from_string(""), 0);
        ck_assert_ptr_null(ib_child_method_to_string(_IB_CHILD_METHOD_MAX));
        ck_assert_ptr_null(ib_child_method_to_string(_IB_CHILD_METHOD_INVALID));
}
END_TEST

/* rdma-core's port states, through the same macro as every other table (macros.h). */
START_TEST(test_ib_port_state_round_trip) {
        for (int i = IB_PORT_NOP; i <= IB_PORT_ACTIVE_DEFER; i++) {
                const char *s = ib_port_state_to_string((IbPortState) i);

                ck_assert_msg(s, "ib_port_state %d has no string", i);
                ck_assert_int_eq(ib_port_state_from_string(s), i);
        }
        ck_assert_str_eq(ib_port_state_to_string(IB_PORT_ACTIVE), "active");
        ck_assert_ptr_null(ib_port_state_to_string((IbPortState) 6));
        ck_assert_ptr_null(ib_port_state_to_string(_IB_PORT_STATE_INVALID));
        ck_assert_int_lt(ib_port_state_from_string("Active"), 0);
        ck_assert_int_lt(ib_port_state_from_string(NULL), 0);
}
END_TEST

START_TEST(test_unknown_strings) {
        static const char *const bad[] = {
                "",       "Datagram", "CONNECTED", "ud",         "cm",  "connected ",
                " ether", "ethernet", "ib",        "Infiniband", "eth",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                ck_assert_msg(
                        ib_mode_from_string(bad[i]) < 0, "ib_mode_from_string(\"%s\") accepted", bad[i]);
                ck_assert_msg(
                        ib_link_type_from_string(bad[i]) < 0, "ib_link_type_from_string(\"%s\") accepted",
                        bad[i]);
        }
        ck_assert_int_eq(ib_mode_from_string("ether"), -EINVAL);
        ck_assert_int_eq(ib_link_type_from_string("connected"), -EINVAL);
}
END_TEST

START_TEST(test_out_of_range_to_string) {
        ck_assert_ptr_null(ib_link_type_to_string(_IB_LINK_TYPE_MAX));
        ck_assert_ptr_null(ib_link_type_to_string(_IB_LINK_TYPE_INVALID));
        ck_assert_ptr_null(ib_mode_to_string(_IB_MODE_MAX));
        ck_assert_ptr_null(ib_mode_to_string(_IB_MODE_INVALID));
        ck_assert_ptr_null(ib_mode_to_string((IbMode) 42));
}
END_TEST

START_TEST(test_diag_level_to_string) {
        static const char *const expected[_DIAG_LEVEL_MAX] = {
                [DIAG_ERROR] = "error",
                [DIAG_WARNING] = "warning",
                [DIAG_NOTICE] = "notice",
        };

        for (int i = 0; i < _DIAG_LEVEL_MAX; i++) {
                ck_assert_ptr_nonnull(diag_level_to_string((DiagLevel) i));
                ck_assert_str_eq(diag_level_to_string((DiagLevel) i), expected[i]);
        }
        ck_assert_ptr_null(diag_level_to_string(_DIAG_LEVEL_MAX));
        ck_assert_ptr_null(diag_level_to_string(_DIAG_LEVEL_INVALID));
}
END_TEST

START_TEST(test_diag_format_and_sort) {
        _cleanup_(diag_list_done) DiagList l = {};
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

        ck_assert_int_eq(diag_add(&l, DIAG_WARNING, "/etc/ipoib.d/b.ibnet", 7, "second %s", "file"), 0);
        ck_assert_int_eq(diag_add(&l, DIAG_ERROR, "/etc/ipoib.d/a.ibnet", 9, "later line"), 0);
        ck_assert_int_eq(diag_add(&l, DIAG_NOTICE, "/etc/ipoib.d/a.ibnet", 3, "first"), 0);
        ck_assert_int_eq(diag_add(&l, DIAG_ERROR, "/etc/ipoib.d/a.ibnet", 3, "same line, added later"), 0);
        ck_assert_int_eq(diag_add(&l, DIAG_ERROR, "/etc/ipoib.d/a.ibnet", 0, "whole file"), 0);
        ck_assert_uint_eq(diag_count(&l, DIAG_ERROR), 3);
        ck_assert_uint_eq(diag_count(&l, DIAG_WARNING), 1);
        ck_assert_uint_eq(diag_count_path(&l, DIAG_ERROR, "/etc/ipoib.d/a.ibnet"), 3);
        ck_assert_uint_eq(diag_count_path(&l, DIAG_ERROR, "/etc/ipoib.d/b.ibnet"), 0);

        diag_sort(&l);
        a = diag_format(&l.items[0]);
        b = diag_format(&l.items[1]);
        c = diag_format(&l.items[2]);
        d = diag_format(&l.items[4]);
        ck_assert_str_eq(a, "/etc/ipoib.d/a.ibnet: error: whole file");
        ck_assert_str_eq(b, "/etc/ipoib.d/a.ibnet:3: notice: first");
        ck_assert_str_eq(c, "/etc/ipoib.d/a.ibnet:3: error: same line, added later");
        ck_assert_str_eq(l.items[3].message, "later line");
        ck_assert_str_eq(d, "/etc/ipoib.d/b.ibnet:7: warning: second file");
}
END_TEST

START_TEST(test_schema_table) {
        _cleanup_strv_free_ char **seen = NULL;

        ck_assert_uint_eq(ibnet_config_table_size, _SCHEMA_KEY_MAX);
        FOREACH_ARRAY (it, ibnet_config_table, ibnet_config_table_size) {
                _cleanup_free_ char *id = NULL;

                /* Rows are indexed by SchemaKey: a key without a row leaves a hole. */
                ck_assert_msg(it->section && it->key, "SchemaKey %zu has no row", (size_t) (it - ibnet_config_table));

                ck_assert_msg(
                        config_section_known(it->section), "row %s.%s: unknown section", it->section,
                        it->key);
                ck_assert_ptr_eq(config_table_lookup(it->section, it->key), it);
                ck_assert_uint_eq(config_table_index(it), (size_t) (it - ibnet_config_table));
                ck_assert_ptr_nonnull(it->parse);
                ck_assert_msg(
                        it->syntax && it->syntax[0], "row %s.%s has no syntax hint", it->section, it->key);
                /* Per-section keys exist only in the repeatable [Route] and [RoutingPolicyRule]. */
                ck_assert_int_eq(!!(it->flags & CONFIG_PER_SECTION),
                                 streq(it->section, "Route") || streq(it->section, "RoutingPolicyRule"));
                ck_assert_int_eq(!!(it->flags & CONFIG_PER_RULE), streq(it->section, "RoutingPolicyRule"));

                ck_assert_int_ge(asprintf(&id, "%s.%s", it->section, it->key), 0);
                ck_assert_msg(!strv_contains(seen, id), "duplicate row %s", id);
                ck_assert_int_eq(strv_extend(&seen, id), 0);
        }
        /* The enum names the row it says. */
        ck_assert_str_eq(config_table_item(SCHEMA_KEY_PARTITION_PKEY)->key, "PKey");
        ck_assert_str_eq(config_table_item(SCHEMA_KEY_PARTITION_PKEY)->section, "Partition");
        ck_assert_str_eq(config_table_item(SCHEMA_KEY_ROUTE_METRIC)->key, "Metric");
        ck_assert_str_eq(config_table_item(SCHEMA_KEY_NETWORK_DOMAINS)->key, "Domains");
        ck_assert_ptr_null(config_table_item(_SCHEMA_KEY_MAX));
        ck_assert_ptr_null(config_table_item(_SCHEMA_KEY_INVALID));
        ck_assert_ptr_null(config_table_lookup("Link", "mtu"));
        ck_assert_ptr_null(config_table_lookup("link", "MTU"));
        ck_assert_ptr_null(config_table_lookup("Network", "Destination"));
        ck_assert(!config_section_known("Foo"));
        ck_assert(!config_section_known("match"));
}
END_TEST

START_TEST(test_schema_lists) {
        _cleanup_free_ char *sections = config_sections_list(), *route = config_section_keys("Route"),
                            *none = config_section_keys("Foo");

        ck_assert_str_eq(sections, "Match, Partition, Link, IPoIB, Network, Route, RoutingPolicyRule");
        ck_assert_str_eq(route, "Destination, Gateway, Metric, Table");
        ck_assert_str_eq(none, "");
        /* Each section's list is its rows, in table order. */
        for (const char *const *sec = ibnet_sections; *sec; sec++) {
                _cleanup_strv_free_ char **keys = NULL;
                _cleanup_free_ char *got = config_section_keys(*sec), *want = NULL;

                FOREACH_ARRAY (it, ibnet_config_table, ibnet_config_table_size)
                        if (streq(it->section, *sec))
                                ck_assert_int_eq(strv_extend(&keys, it->key), 0);
                ck_assert_msg(keys, "section [%s] has no keys", *sec);
                want = strv_join(keys, ", ");
                ck_assert_str_eq(got, want);
        }
}
END_TEST

Suite *make_tables_suite(void) {
        Suite *s = suite_create("tables");
        TCase *tc;

        tc = tcase_create("string-tables");
        tcase_add_test(tc, test_ib_link_type_round_trip);
        tcase_add_test(tc, test_ib_mode_round_trip);
        tcase_add_test(tc, test_ib_child_method_round_trip);
        tcase_add_test(tc, test_ib_port_state_round_trip);
        tcase_add_test(tc, test_unknown_strings);
        tcase_add_test(tc, test_out_of_range_to_string);
        tcase_add_test(tc, test_diag_level_to_string);
        tcase_add_test(tc, test_diag_format_and_sort);
        suite_add_tcase(s, tc);

        tc = tcase_create("schema");
        tcase_add_test(tc, test_schema_table);
        tcase_add_test(tc, test_schema_lists);
        suite_add_tcase(s, tc);

        return s;
}
