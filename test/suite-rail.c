/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Multi-rail files: one file that matches several ports (GUID= and Device= lists, Device= globs), the
 * rail index of each port, and the per-port values derived from it (man/ibnet.5.scd, "MULTI-RAIL
 * FILES"). */

#include <check.h>

#include "ibnet-load.h"
#include "policy.h"
#include "rail.h"
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

/* ---- substitutions: errors at file:line ---- */

typedef struct SubstCase {
        const char *text;
        unsigned line;
        const char *message;
} SubstCase;

#define EIGHT "[Match]\nGUID=0x0002c90300a00000 0x0002c90300a00001 0x0002c90300a00002 0x0002c90300a00003\n" \
              "GUID=0x0002c90300a00004 0x0002c90300a00005 0x0002c90300a00006 0x0002c90300a00007\n[Network]\n"

static const SubstCase subst_cases[] = {
        { EIGHT "Address=10.0.%x.1/24\n", 5, "unknown substitution \"%x\"; known are %i (rail index)" },
        { EIGHT "Address=10.0.0.1/24%\n", 5, "a \"%\" at the end; write %% for a percent sign" },
        /* Syntax, on a sample port, at load. */
        { EIGHT "Address=10.0.%i/24\n", 5,
          "invalid Address= value \"10.0.0/24\" (from \"10.0.%i/24\" for a sample port): not an address" },
        /* Overflow: rail 6 of 8 gives 256. */
        { EIGHT "Address=10.0.0.25%i/16\n", 5,
          "invalid Address= value \"10.0.0.256/16\" (from \"10.0.0.25%i/16\" for rail 6, device mlx5_6 port 1, "
          "GUID 0002:c903:00a0:0006)" },
        { EIGHT "Address=10.0.0.%i/24\n", 5, "gets 10.0.0.0/24, the network address of its subnet" },
        { EIGHT "Address=10.0.0.1/24\n", 5, "every port of this file would get the same address 10.0.0.1" },
        { EIGHT "Address=10.%i.0.1/16\nGateway=10.%i.0.254\n", 6,
          "every port of this file would get the same IPv4 route default metric 0" },
        { EIGHT "Address=10.%i.0.1/16\n[Route]\nGateway=10.%i.0.254\nMetric=10%i\n", 0, NULL },
        { EIGHT "Address=10.%i.0.1/16\nGateway=10.%i.1.254\n[Route]\nDestination=10.%i.0.0/16\n", 6,
          "every port of this file would get the same IPv4 route default" },
        { "[Match]\nDevice=mlx5_*\n[Network]\nAddress=10.%i.0.1/16\n", 4,
          "%i has no value for device mlx5_0 port 1" },
        { "[Match]\nName=ib*\n[Network]\nAddress=10.%i.0.1/16\n", 4, "a Device= glob or Name= gives none" },
        /* A glob is tried on devices numbered 0 to 7: 10.0.0.25%n is the broadcast address on the sixth. */
        { "[Match]\nDevice=mlx5_*\n[Network]\nAddress=10.0.0.25%n/24\n", 4,
          "device mlx5_5 port 1, GUID 0002:c903:0000:0006 gets 10.0.0.255/24, the broadcast address" },
        /* An empty Address= drops the templates before it. */
        { EIGHT "Address=10.0.0.25%i/24\nAddress=\nAddress=10.%i.0.1/16\n", 0, NULL },
        { "[Match]\nDevice=mlx5_0 mlx5_1\n[Network]\nAddress=10.%n.0.1/16\nAddress=10.%g.1.1/16\n", 0, NULL },
};

START_TEST(test_substitution_errors) {
        const SubstCase *c = &subst_cases[_i];
        _cleanup_(test_load_done) TestLoad l = {};

        test_load(c->text, NULL, &l);
        if (!c->message) {
                _cleanup_free_ char *dump = test_diags_dump(&l.diags);

                ck_assert_msg(l.r == 0, "case %d: r=%d %s", _i, l.r, dump);
                return;
        }
        ck_assert_int_eq(l.r, -EINVAL);
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, c->line, c->message);
}
END_TEST

/* A port that check could not try (a glob is tried on devices 0 to 7): its values fail at file:line. */
START_TEST(test_instantiate_fails) {
        _cleanup_(test_load_done) TestLoad l = {};
        _cleanup_(ib_network_unrefp) IbNetwork *c = NULL;
        _cleanup_(diag_list_done) DiagList diags = {};
        IbLinkIdentity id = port_id("ibp3", "mlx5_300", 1, G0);
        IbRail rail;

        test_load_ok("[Match]\nDevice=mlx5_*\n[Network]\nAddress=10.0.%n.1/24\n", NULL, &l);
        ck_assert(ib_network_matches(l.network, &id));
        rail = rail_from_identity(l.network, &id);
        ck_assert_int_eq(rail.index, -1);
        ck_assert_int_eq(ib_network_instantiate(l.network, &rail, &diags, &c), -EINVAL);
        ck_assert_ptr_null(c);
        test_assert_diag(&diags, DIAG_ERROR, l.path, 4,
                         "invalid Address= value \"10.0.300.1/24\" (from \"10.0.%n.1/24\" for device mlx5_300 port 1");
}
END_TEST

START_TEST(test_instantiate_values) {
        _cleanup_(test_load_done) TestLoad l = {};
        _cleanup_(ib_network_unrefp) IbNetwork *c = NULL;
        _cleanup_(diag_list_done) DiagList diags = {};
        IbLinkIdentity id = port_id("ibp3", "mlx5_12", 2, G0 + 0x2a);
        IbRail rail;
        char a[IN_ADDR_PREFIX_STRLEN];

        test_load_ok("[Match]\nGUID=0x0002c90300a00000 0x0002c90300a0002a\nPort=2\nDevice=mlx5_*\n"
                     "[Network]\nAddress=192.0.%g.1/32\nAddress=fd00:%i:%n:%p:%G/64\nAddress=10.%g.%n.%p/16\n"
                     "[Route]\nDestination=10.%n.0.0/16\nMetric=1%i\nGateway=10.%g.0.254\n[Network]\nDNS=192.0.2.53\n",
                     NULL, &l);
        ck_assert_uint_eq(l.network->n_addresses, 0); /* per port only */
        ck_assert_uint_eq(l.network->n_templates, 6);
        rail = rail_from_identity(l.network, &id);
        ck_assert_int_eq(ib_network_instantiate(l.network, &rail, &diags, &c), 0);
        test_assert_count(&diags, DIAG_ERROR, 0);
        ck_assert_ptr_eq(ib_network_origin(c), l.network);
        ck_assert_uint_eq(c->n_addresses, 3);
        ck_assert_int_eq(in_addr_prefix_to_string(AF_INET, &c->addresses[0].addr, 32, a, sizeof(a)), 0);
        ck_assert_str_eq(a, "192.0.42.1/32");
        ck_assert_int_eq(in_addr_prefix_to_string(AF_INET6, &c->addresses[1].addr, 64, a, sizeof(a)), 0);
        ck_assert_str_eq(a, "fd00:1:12:2:2:c903:a0:2a/64");
        ck_assert_uint_eq(c->addresses[1].line, 7);
        ck_assert_uint_eq(c->n_dns, 1); /* copied */
        ck_assert(c->routes[0].has_gw);
        ck_assert_int_eq(in_addr_prefix_to_string(AF_INET, &c->addresses[2].addr, 16, a, sizeof(a)), 0);
        ck_assert_str_eq(a, "10.42.12.2/16");
        ck_assert_uint_eq(c->n_routes, 1);
        ck_assert_int_eq(c->routes[0].family, AF_INET);
        ck_assert_int_eq(in_addr_prefix_to_string(AF_INET, &c->routes[0].dst, 16, a, sizeof(a)), 0);
        ck_assert_str_eq(a, "10.12.0.0/16");
        ck_assert_uint_eq(c->routes[0].metric, 11);
}
END_TEST

/* Routing policy in multi-rail files: per-port rules and tables from substitutions and SourceRouting=,
 * and the errors that name the line (man/ibnet.5.scd, "Source routing"). */
#define RAILS3 "[Match]\nGUID=0x0002c90300a00000 0x0002c90300a00001 0x0002c90300a00002\n"

static const SubstCase policy_cases[] = {
        { RAILS3 "[Network]\nAddress=10.0.0.1%i/24\nGateway=10.0.0.254\nSourceRouting=yes\n", 0, NULL },
        { RAILS3 "[RoutingPolicyRule]\nFrom=10.0.0.1%i\nTable=100+%i\nPriority=1000+%i\n", 0, NULL },
        /* One priority for every port. */
        { RAILS3 "[RoutingPolicyRule]\nFrom=10.0.0.1%i\nTable=100+%i\nPriority=1000\n", 3,
          "every port of this file would get the same IPv4 rule priority 1000" },
        /* The same Gateway= default route for every port is a clash in main, not with SourceRouting=. */
        { RAILS3 "[Network]\nAddress=10.0.0.1%i/24\nGateway=10.0.0.254\n", 5,
          "every port of this file would get the same IPv4 route default metric 0" },
        /* A sum that runs into a reserved table on rail 2. */
        { RAILS3 "[Route]\nDestination=10.9.0.0/16\nTable=253+%i\n", 5, "table 253 (default)" },
        { RAILS3 "[Network]\nAddress=10.0.0.1%i/24\nSourceRouting=252\n", 5, "gives this port table 253" },
        { RAILS3 "[Network]\nAddress=10.0.0.1%i/24\nSourceRouting=32765\n", 5, "after the main table's rule" },
        /* A glob: the device number, or nothing. */
        { "[Match]\nDevice=mlx5_*\n[Network]\nAddress=10.0.0.1%n/24\nSourceRouting=yes\n", 0, NULL },
        { "[Match]\nName=ib*\n[Network]\nAddress=10.0.0.1/24\nSourceRouting=yes\n", 5, "would give them all one table" },
        /* Single-port files: the checks of a section. */
        { "[Match]\nName=ib0\n[RoutingPolicyRule]\nFrom=10.0.0.1\nPriority=10\n", 3, "needs Table=" },
        { "[Match]\nName=ib0\n[RoutingPolicyRule]\nFrom=10.0.0.1\nTable=10\n", 3, "needs Priority=" },
        { "[Match]\nName=ib0\n[RoutingPolicyRule]\nTo=::/0\nFrom=10.0.0.1\nTable=10\nPriority=10\n", 5,
          "the rule mixes IPv4 and IPv6" },
        { "[Match]\nName=ib0\n[Network]\nAddress=10.0.0.1/24\nSourceRouting=100\n"
          "[RoutingPolicyRule]\nFrom=10.0.0.1\nTable=100\nPriority=100\n", 4,
          "the rule \"from 10.0.0.1 lookup 100 priority 100\" is already configured" },
        { "[Match]\nName=ib0\n[Route]\nDestination=10.9.0.0/16\n[Route]\nDestination=10.9.0.0/16\nTable=7\n", 0, NULL },
        { "[Match]\nName=ib0\n[Route]\nDestination=10.9.0.0/16\nTable=7\n[Route]\nDestination=10.9.0.0/16\nTable=7\n"
          "Gateway=10.9.0.1\n", 6, "a second route to 10.9.0.0/16 with metric 0" },
};

START_TEST(test_policy_errors) {
        const SubstCase *c = &policy_cases[_i];
        _cleanup_(test_load_done) TestLoad l = {};

        test_load(c->text, NULL, &l);
        if (!c->message) {
                _cleanup_free_ char *dump = test_diags_dump(&l.diags);

                ck_assert_msg(l.r == 0, "case %d: r=%d %s", _i, l.r, dump);
                return;
        }
        ck_assert_int_eq(l.r, -EINVAL);
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, c->line, c->message);
}
END_TEST

/* What one port of a SourceRouting= file with [RoutingPolicyRule] gets. */
START_TEST(test_policy_values) {
        _cleanup_(test_load_done) TestLoad l = {};
        _cleanup_(ib_network_unrefp) IbNetwork *c = NULL;
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_free_ IbRule *rules = NULL;
        IbLinkIdentity id = port_id("ib2", "mlx5_2", 1, G0 + 2);
        IbRail rail;
        size_t n = 0;
        uint32_t t = 0;
        char s[128];

        test_load_ok(RAILS3 "[Network]\nAddress=10.0.0.1%i/24\nAddress=fd00::1%i/64\nGateway=10.0.0.254\n"
                     "SourceRouting=200\n"
                     "[RoutingPolicyRule]\nTo=10.5.%i.0/24\nIncomingInterface=ib%i\nTable=300+%i\nPriority=50+%i\n"
                     "[Route]\nDestination=10.5.%i.0/24\nTable=300+%i\n",
                     NULL, &l);
        rail = rail_from_identity(l.network, &id);
        ck_assert_int_eq(ib_network_instantiate(l.network, &rail, &diags, &c), 0);
        ck_assert_int_eq(ib_network_source_table(c, &t), 0);
        ck_assert_uint_eq(t, 202);
        ck_assert_uint_eq(ib_route_table(c, &c->gateways[0], true), 202);
        ck_assert_uint_eq(ib_route_table(c, &c->routes[0], false), 302);
        ck_assert_int_eq(ib_network_rules(c, &rules, &n), 0);
        ck_assert_uint_eq(n, 3);
        ck_assert_str_eq(ib_rule_to_string(&rules[0], s, sizeof(s)), "from all to 10.5.2.0/24 iif ib2 lookup 302 priority 52");
        ck_assert_str_eq(ib_rule_to_string(&rules[1], s, sizeof(s)), "from 10.0.0.12 lookup 202 priority 202");
        ck_assert_str_eq(ib_rule_to_string(&rules[2], s, sizeof(s)), "from fd00::12 lookup 202 priority 202");
        /* The file as loaded (no port): a file for one port uses the base itself. */
        ck_assert_int_eq(ib_network_source_table(l.network, &t), 0);
        ck_assert_uint_eq(t, 200);
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

        tc = tcase_create("substitution");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_loop_test(tc, test_substitution_errors, 0, (int) ELEMENTSOF(subst_cases));
        tcase_add_test(tc, test_instantiate_fails);
        tcase_add_test(tc, test_instantiate_values);
        suite_add_tcase(s, tc);

        tc = tcase_create("policy");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_loop_test(tc, test_policy_errors, 0, (int) ELEMENTSOF(policy_cases));
        tcase_add_test(tc, test_policy_values);
        suite_add_tcase(s, tc);
        return s;
}
