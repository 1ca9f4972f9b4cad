/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* What ib_network_validate() and ib_config_validate() say about files that parse: the IPoIB rules
 * (ipoib_change_mtu(), ipoib_ndo_init(), __ipoib_vlan_add()), cross-file conflicts, and the refusal of
 * config files that others could have written. */

#include <check.h>

#include "ibnet-load.h"
#include "strv.h"
#include "test-suites.h"
#include "test-util.h"

#define M "[Match]\nName=ib0\n" /* lines 1-2 */

typedef struct ValidateCase {
        const char *text;
        DiagLevel level;
        unsigned line;
        const char *message;
        int errors;
} ValidateCase;

static const ValidateCase validate_cases[] = {
        /* [Match] */
        { "[Match]\nType=infiniband\n[Link]\nMTU=2044\n", DIAG_ERROR, 2,
          "[Match] needs Name=, GUID= or Device=; without one the file would match every link", 1 },
        { "[Match]\n[Link]\nMTU=2044\n", DIAG_ERROR, 1, "[Match] needs Name=, GUID= or Device=", 1 },
        { "[Link]\nMTU=2044\n", DIAG_ERROR, 0, "[Match] needs Name=, GUID= or Device=", 1 },
        { "# nothing but a comment\n", DIAG_ERROR, 0, "[Match] needs Name=, GUID= or Device=", 1 },
        { M "Port=2\n", DIAG_ERROR, 3, "Port= needs Device=; name the RDMA device, e.g. Device=mlx5_0", 1 },
        { "[Match]\nName=eth0\nType=ether\nGUID=0002:c903:0001:2345\n", DIAG_ERROR, 4,
          "GUID= and Device= identify InfiniBand ports; remove them or set Type=infiniband", 1 },
        { "[Match]\nType=ether\nName=eth0\nDevice=mlx5_0\n", DIAG_ERROR, 4,
          "GUID= and Device= identify InfiniBand ports", 1 },
        /* [IPoIB] and [Partition] need InfiniBand. */
        { "[Match]\nName=eth0\nType=ether\n[IPoIB]\nMode=connected\nUmcast=no\n", DIAG_ERROR, 5,
          "[IPoIB] applies to InfiniBand links only; remove it or set Type=infiniband", 2 },
        { "[Match]\nName=eth0\nType=ether\n[IPoIB]\nMode=connected\nUmcast=no\n", DIAG_ERROR, 6,
          "[IPoIB] applies to InfiniBand links only", 2 },
        { "[Match]\nName=eth0\nType=ether\n[Link]\nMTU=9000\nRequireActivePort=yes\n", DIAG_ERROR, 6,
          "RequireActivePort= needs an InfiniBand port; remove it or set Type=infiniband", 1 },
        { "[Match]\nName=eth0\nType=ether\n[Partition]\nPKey=0x8002\n", DIAG_ERROR, 4,
          "[Partition] needs an InfiniBand parent; remove it or set Type=infiniband", 1 },
        { M "[Partition]\nName=ib0.x\n", DIAG_ERROR, 3, "[Partition] without PKey=; add e.g. PKey=0x8002",
          1 },
        { "[Match]\nName=mlx5_ib0_long\n[Partition]\nPKey=0x8002\n", DIAG_ERROR, 3,
          "the child name \"mlx5_ib0_long.8002\" is longer than 15 characters; set [Partition] Name=", 1 },
        /* MTU by mode. */
        { M "[Link]\nMTU=4093\n[IPoIB]\nMode=datagram\n", DIAG_ERROR, 4,
          "MTU=4093 exceeds the datagram maximum of 4092", 1 },
        { M "[IPoIB]\nMode=datagram\n[Link]\nMTU=65520\n", DIAG_ERROR, 6, "or Mode=connected", 1 },
        /* A new child starts in datagram mode (ipoib_intf_init()). */
        { M "[Partition]\nPKey=0x8002\n[Link]\nMTU=4093\n", DIAG_ERROR, 6,
          "exceeds the datagram maximum of 4092", 1 },
        { M "[Link]\nMTU=65521\n[IPoIB]\nMode=connected\n", DIAG_ERROR, 4,
          "MTU=65521 exceeds the IPoIB maximum of 65520 (connected mode)", 1 },
        { M "[Link]\nMTU=65535\n", DIAG_ERROR, 4, "exceeds the IPoIB maximum of 65520", 1 },
        { M "[Link]\nMTU=5000\n", DIAG_WARNING, 4,
          "MTU=5000 works only in connected mode, and the file does not set the mode; add [IPoIB] "
          "Mode=connected",
          0 },
        { M "[Link]\nMTU=70\n", DIAG_ERROR, 4, "MTU=70 is below the datagram minimum of 72", 1 },
        /* IPv6 needs 1280 (RFC 8200). */
        { M "[Link]\nMTU=1200\n[Network]\nAddress=192.0.2.1/24\nAddress=2001:db8::1/64\n", DIAG_ERROR, 7,
          "IPv6 needs an MTU of at least 1280, but MTU=1200 is set at ", 1 },
        { M "[Network]\nAddress=2001:db8::1/64\nAddress=2001:db8:1::1/64\n[Link]\nMTU=1279\n", DIAG_ERROR, 5,
          "IPv6 needs an MTU of at least 1280", 2 },
        /* Gateways: the kernel refuses a gateway that is not on-link (fib_check_nh()). */
        { M "[Network]\nAddress=192.0.2.1/24\nGateway=198.51.100.1\n", DIAG_ERROR, 5,
          "gateway 198.51.100.1 is not inside any configured prefix; it needs an on-link route: add an "
          "Address= in its subnet, a [Route] with Destination= covering it, or GatewayOnLink=yes", 1 },
        { M "[Network]\nAddress=2001:db8::1/64\nGateway=2001:db9::1\n", DIAG_ERROR, 5,
          "gateway 2001:db9::1 is not inside", 1 },
        /* An IPv4 link-local gateway is no exception (only fe80::/10 is). */
        { M "[Network]\nAddress=192.0.2.1/24\nGateway=169.254.0.1\n", DIAG_ERROR, 5, "gateway 169.254.0.1",
          1 },
        { M "[Network]\nAddress=192.0.2.1/24\n[Route]\nDestination=10.0.0.0/8\nGateway=198.51.100.1\n",
          DIAG_ERROR, 5, "gateway 198.51.100.1 is not inside any configured prefix", 1 },
        /* A prefix of the other family does not count. */
        { M "[Network]\nAddress=2001:db8::1/64\nGateway=192.0.2.254\n", DIAG_ERROR, 5,
          "gateway 192.0.2.254", 1 },
        /* GatewayOnLink=no is the default. */
        { M "[Network]\nGatewayOnLink=no\nGateway=198.51.100.1\n", DIAG_ERROR, 5, "gateway 198.51.100.1", 1 },
        /* The kernel keys routes by destination and metric: a second gateway is refused (EEXIST). */
        { M "[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\nGateway=192.0.2.253\n", DIAG_ERROR, 6,
          "a second IPv4 default route with metric 0 on this link (the first is at ", 1 },
        { M "[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\n[Route]\nGateway=192.0.2.253\nMetric=0\n",
          DIAG_ERROR, 6, "a second IPv4 default route with metric 0", 1 },
        /* Metric=0 is 1024 for IPv6 (ip6_route_info_create()). */
        { M "[Network]\nGateway=fe80::1\n[Route]\nGateway=fe80::2\nMetric=0\n", DIAG_ERROR, 5,
          "a second IPv6 default route with metric 1024", 1 },
        { M "[Network]\nAddress=192.0.2.1/24\n[Route]\nDestination=10.0.0.0/8\nGateway=192.0.2.254\n"
            "[Route]\nDestination=10.1.2.3/8\nGateway=192.0.2.253\n", DIAG_ERROR, 8,
          "a second route to 10.0.0.0/8 with metric 0 on this link", 1 },
        { M "[Network]\nAddress=192.0.2.1/24\n[Route]\nDestination=10.0.0.0/8\n"
            "[Route]\nDestination=10.0.0.0/8\nGateway=192.0.2.253\n", DIAG_ERROR, 7,
          "a second route to 10.0.0.0/8 with metric 0 on this link", 1 },
};

static void test_validate_one(const ValidateCase *c) {
        _cleanup_(test_load_done) TestLoad l = {};

        test_load(c->text, NULL, &l);
        test_assert_diag(&l.diags, c->level, l.path, c->line, c->message);
        test_assert_count(&l.diags, DIAG_ERROR, c->errors);
        ck_assert_int_eq(l.r, c->errors > 0 ? -EINVAL : 0);
}

START_TEST(test_validate) {
        test_validate_one(&validate_cases[_i]);
}
END_TEST

/* Files that must load without a single error or warning. */
static const char *const quiet_cases[] = {
        M "[Link]\nMTU=4092\n[IPoIB]\nMode=datagram\n",
        M "[Link]\nMTU=4092\n", /* fits any mode */
        M "[Link]\nMTU=65520\n[IPoIB]\nMode=connected\n",
        M "[Link]\nMTU=max\n[Network]\nAddress=2001:db8::1/64\n",
        M "[Link]\nMTU=68\n[IPoIB]\nMode=connected\n",
        M "[Link]\nMTU=72\n",
        M "[Link]\nMTU=1280\n[Network]\nAddress=2001:db8::1/64\n",
        M "[Link]\nMTU=1200\n[Network]\nAddress=192.0.2.1/24\n",
        "[Match]\nName=veth0\nType=ether\n[Link]\nMTU=65535\n",
        M "[Partition]\nPKey=0x8002\n[Link]\nMTU=4092\n",
        M "[Partition]\nPKey=0x8002\n[IPoIB]\nMode=connected\n[Link]\nMTU=65520\n",
        /* fe80::/10 is always on-link. */
        M "[Network]\nAddress=2001:db8::1/64\nGateway=fe80::1\n",
        M "[Network]\nGateway=fe80::1\n[Route]\nDestination=2001:db8:5::/48\nGateway=febf::1\n",
        M "[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\n",
        M "[Network]\nAddress=2001:db8:1::1/32\nGateway=2001:db8:1::fffe\n",
        /* GatewayOnLink=yes: the route is sent with RTNH_F_ONLINK. */
        M "[Network]\nAddress=192.0.2.1/24\nGateway=198.51.100.1\nGatewayOnLink=yes\n",
        M "[Network]\nGatewayOnLink=yes\n[Route]\nDestination=10.0.0.0/8\nGateway=198.51.100.1\n",
        /* One default route per family, or other metrics, or the same route twice. */
        M "[Network]\nAddress=192.0.2.1/24\nAddress=2001:db8::1/64\nGateway=192.0.2.254\nGateway=2001:db8::fffe\n",
        M "[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\n[Route]\nGateway=192.0.2.253\nMetric=100\n",
        M "[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\n[Route]\nGateway=192.0.2.254\n",
        M "[Network]\nAddress=192.0.2.1/24\n[Route]\nDestination=10.0.0.0/8\nGateway=192.0.2.254\n"
          "[Route]\nDestination=10.0.0.0/16\nGateway=192.0.2.253\n",
        /* A [Route] without a gateway makes its destination on-link. */
        M "[Network]\nGateway=10.1.2.3\n[Route]\nDestination=10.1.2.0/24\n",
        M "[Route]\nDestination=10.0.0.0/8\nGateway=10.1.2.3\n[Route]\nDestination=10.1.0.0/16\n",
        "[Match]\nName=mlx5_ib0_long\n[Partition]\nPKey=0x8002\nName=storage\n",
        "[Match]\nName=mlx5_ib*\n[Partition]\nPKey=0x8002\n", /* the name depends on the parent found */
        "[Match]\nDevice=mlx5_0\nPort=1\n",
        "[Match]\nGUID=0x0002c90300012345\n",
};

START_TEST(test_quiet) {
        _cleanup_(test_load_done) TestLoad l = {};

        test_load(quiet_cases[_i], NULL, &l);
        test_assert_count(&l.diags, DIAG_ERROR, 0);
        test_assert_count(&l.diags, DIAG_WARNING, 0);
        ck_assert_int_eq(l.r, 0);
}
END_TEST

/* ---- cross-file checks: ib_config_load() over a directory ---- */

typedef struct TestConfig {
        char *dir;
        DiagList diags;
        IbConfig config;
        int r;
} TestConfig;

static void test_config_done(TestConfig *t) {
        free(t->dir);
        diag_list_done(&t->diags);
        ib_config_done(&t->config);
}

/* files: name, text pairs, NULL-terminated. */
static void test_config_load(const char *const *files, LoadFlags flags, TestConfig *t) {
        _cleanup_(conf_file_list_done) ConfFileList list = {};
        char *dirs[2] = {};

        *t = (TestConfig){};
        t->dir = test_mkdir_tmp();
        for (const char *const *f = files; f[0]; f += 2)
                free(test_write(t->dir, f[0], f[1]));
        dirs[0] = t->dir;
        ck_assert_int_eq(conf_files_list(dirs, &list), 0);
        t->r = ib_config_load(&list, flags, &t->diags, &t->config);
        ck_assert_int_ge(t->r, 0);
        ck_assert_uint_eq(t->config.n, list.n);
}

static const IbNetwork *entry(const TestConfig *t, const char *name) {
        FOREACH_ARRAY (e, t->config.entries, t->config.n)
                if (streq(e->name, name))
                        return e->network;
        ck_abort_msg("no entry %s", name);
        return NULL;
}

/* The error names both files: "... as DIR/first:line". */
static void assert_conflict(
        const TestConfig *t, const char *later, unsigned line, const char *what, const char *first,
        unsigned first_line) {
        _cleanup_free_ char *path = test_path(t->dir, later), *msg = NULL;

        ck_assert_int_ge(
                asprintf(&msg, "%s as %s/%s:%u; this file is ignored", what, t->dir, first, first_line), 0);
        test_assert_diag(&t->diags, DIAG_ERROR, path, line, msg);
        ck_assert_ptr_null(entry(t, later));
        ck_assert_ptr_nonnull(entry(t, first));
}

START_TEST(test_same_child_name) {
        _cleanup_(test_config_done) TestConfig t = {};
        static const char *const files[] = {
                "10-a.ibnet", "[Match]\nName=ib0\n[Partition]\nPKey=0x8002\n",
                "20-b.ibnet", "[Match]\nName=ib1\n[Partition]\nPKey=0x8003\nName=ib0.8002\n",
                NULL,
        };

        test_config_load(files, 0, &t);
        ck_assert_int_eq(t.r, 1);
        assert_conflict(&t, "20-b.ibnet", 3, "creates the same child interface name", "10-a.ibnet", 3);
        test_assert_count(&t.diags, DIAG_ERROR, 1);
}
END_TEST

START_TEST(test_same_pkey_same_parent) {
        /* 0x0002 is 0x8002 once the kernel has added the membership bit. */
        _cleanup_(test_config_done) TestConfig t = {};
        static const char *const files[] = {
                "10-a.ibnet", "# storage\n[Match]\nName=ib0\n[Partition]\nPKey=0x8002\nName=ib0.a\n",
                "20-b.ibnet", "[Match]\nName=ib0\n[Partition]\nName=ib0.b\nPKey=0x0002\n",
                NULL,
        };

        test_config_load(files, 0, &t);
        ck_assert_int_eq(t.r, 1);
        assert_conflict(&t, "20-b.ibnet", 3, "creates the same P_Key on the same parent", "10-a.ibnet", 4);
        test_assert_count(&t.diags, DIAG_ERROR, 1);
}
END_TEST

START_TEST(test_same_pkey_glob_parent) {
        _cleanup_(test_config_done) TestConfig t = {};
        static const char *const files[] = {
                "10-a.ibnet", "[Match]\nName=ib*\n[Partition]\nPKey=0x8002\n",
                "20-b.ibnet", "[Match]\nName=ib*\n[Partition]\nPKey=0x8002\n",
                NULL,
        };

        test_config_load(files, 0, &t);
        ck_assert_int_eq(t.r, 1);
        assert_conflict(&t, "20-b.ibnet", 3, "creates the same P_Key on the same parent", "10-a.ibnet", 3);
}
END_TEST

START_TEST(test_children_no_conflict) {
        /* Same P_Key on other parents, other P_Keys on one parent, and a parent file for the parent. */
        _cleanup_(test_config_done) TestConfig t = {};
        static const char *const files[] = {
                "10-a.ibnet", "[Match]\nName=ib0\n[Partition]\nPKey=0x8002\n",
                "20-b.ibnet", "[Match]\nName=ib1\n[Partition]\nPKey=0x8002\n",
                "30-c.ibnet", "[Match]\nName=ib0\n[Partition]\nPKey=0x8003\n",
                "40-d.ibnet", "[Match]\nName=ib0\n[Link]\nMTU=2044\n",
                NULL,
        };

        test_config_load(files, 0, &t);
        ck_assert_int_eq(t.r, 0);
        ck_assert_uint_eq(t.diags.n, 0);
        ck_assert_uint_eq(t.config.n, 4);
        FOREACH_ARRAY (e, t.config.entries, t.config.n)
                ck_assert_ptr_nonnull(e->network);
}
END_TEST

START_TEST(test_rejected_is_not_compared) {
        /* 30-c clashes only with 20-b, which is already out: 30-c stays. */
        _cleanup_(test_config_done) TestConfig t = {};
        static const char *const files[] = {
                "10-a.ibnet", "[Match]\nName=ib0\n[Partition]\nPKey=0x8002\n",
                "20-b.ibnet", "[Match]\nName=ib0\n[Partition]\nPKey=0x8002\nName=ib0.x\n",
                "30-c.ibnet", "[Match]\nName=ib1\n[Partition]\nPKey=0x8005\nName=ib0.x\n",
                NULL,
        };

        test_config_load(files, 0, &t);
        ck_assert_int_eq(t.r, 1);
        ck_assert_ptr_null(entry(&t, "20-b.ibnet"));
        ck_assert_ptr_nonnull(entry(&t, "30-c.ibnet"));
}
END_TEST

START_TEST(test_shadowed_parent) {
        _cleanup_(test_config_done) TestConfig t = {};
        _cleanup_free_ char *b = NULL, *c = NULL, *first = NULL;
        static const char *const files[] = {
                "10-a.ibnet", "[Match]\nName=ib0 ib1\n[Link]\nMTU=2044\n",
                "20-b.ibnet", "# later\n[Match]\nName=ib1\nName=ib0\n[IPoIB]\nMode=connected\n",
                "30-c.ibnet", "[Match]\nName=ib0\n",
                NULL,
        };

        test_config_load(files, 0, &t);
        ck_assert_int_eq(t.r, 0);
        b = test_path(t.dir, "20-b.ibnet");
        c = test_path(t.dir, "30-c.ibnet");
        first = test_path(t.dir, "10-a.ibnet");
        /* At the earliest [Match] key; a repeated Name= counts from its last line. */
        test_assert_diag(&t.diags, DIAG_WARNING, b, 4, "[Match] is the same as in ");
        test_assert_diag(
                &t.diags, DIAG_WARNING, b, 4,
                "10-a.ibnet, which comes first and wins; this file is shadowed");
        ck_assert_msg(strstr(t.diags.items[0].message, first), "warning does not name %s", first);
        test_assert_count(&t.diags, DIAG_WARNING, 1); /* 30-c matches less, so it is not the same */
        test_assert_count(&t.diags, DIAG_ERROR, 0);
        ck_assert_ptr_nonnull(entry(&t, "20-b.ibnet")); /* a warning, not a rejection */
        ck_assert_ptr_nonnull(entry(&t, "30-c.ibnet"));
}
END_TEST

START_TEST(test_shadowed_by_device) {
        /* Port= defaults to 1, so these two name the same port. */
        _cleanup_(test_config_done) TestConfig t = {};
        _cleanup_free_ char *b = NULL;
        static const char *const files[] = {
                "10-a.ibnet", "[Match]\nDevice=mlx5_0\n",
                "20-b.ibnet", "[Match]\nPort=1\nDevice=mlx5_0\n",
                "30-c.ibnet", "[Match]\nDevice=mlx5_0\nPort=2\n",
                NULL,
        };

        test_config_load(files, 0, &t);
        b = test_path(t.dir, "20-b.ibnet");
        test_assert_diag(&t.diags, DIAG_WARNING, b, 2, "is shadowed");
        test_assert_count(&t.diags, DIAG_WARNING, 1);
}
END_TEST

START_TEST(test_same_route_two_links) {
        /* The kernel keys routes by destination and metric, not by link: an error at the later file. */
        _cleanup_(test_config_done) TestConfig t = {};
        _cleanup_free_ char *b = NULL, *msg = NULL;
        static const char *const files[] = {
                "10-a.ibnet", "[Match]\nName=ib0\n[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\n",
                "20-b.ibnet", "[Match]\nName=ib1\n[Network]\nAddress=198.51.100.1/24\nGateway=198.51.100.254\n",
                /* Another metric, another family: no clash. */
                "30-c.ibnet", "[Match]\nName=ib2\n[Network]\nAddress=203.0.113.1/24\n[Route]\nGateway=203.0.113.254\n"
                              "Metric=100\n",
                "40-d.ibnet", "[Match]\nName=ib3\n[Network]\nAddress=2001:db8::1/64\nGateway=2001:db8::fffe\n",
                /* A child is a link of its own. */
                "50-e.ibnet", "[Match]\nName=ib0\n[Partition]\nPKey=0x8002\n[Network]\nAddress=10.1.0.1/16\n"
                              "[Route]\nDestination=10.2.0.0/16\nGateway=10.1.0.254\n",
                "60-f.ibnet", "[Match]\nName=ib1\n[Partition]\nPKey=0x8002\n[Network]\nAddress=10.1.0.2/16\n"
                              "[Route]\nDestination=10.2.0.0/16\nGateway=10.1.0.253\n",
                NULL,
        };

        test_config_load(files, 0, &t);
        ck_assert_int_eq(t.r, 0); /* errors, but the agent still applies the files */
        b = test_path(t.dir, "20-b.ibnet");
        ck_assert_int_ge(asprintf(&msg, "the IPv4 default route with metric 0 is configured for another link at "
                                        "%s/10-a.ibnet:5; the kernel keys routes by destination and metric, not "
                                        "by link, and refuses the second (EEXIST): give one of them another "
                                        "Metric= in a [Route]", t.dir), 0);
        test_assert_diag(&t.diags, DIAG_ERROR, b, 5, msg);
        free(b);
        b = test_path(t.dir, "60-f.ibnet");
        test_assert_diag(&t.diags, DIAG_ERROR, b, 7, "the route to 10.2.0.0/16 with metric 0 is configured for another link at ");
        test_assert_count(&t.diags, DIAG_ERROR, 2);
        ck_assert_ptr_nonnull(entry(&t, "20-b.ibnet"));
        ck_assert_ptr_nonnull(entry(&t, "60-f.ibnet"));
        ck_assert_ptr_nonnull(entry(&t, "30-c.ibnet"));
        ck_assert_ptr_nonnull(entry(&t, "40-d.ibnet"));
        ck_assert_ptr_nonnull(entry(&t, "50-e.ibnet"));
}
END_TEST

START_TEST(test_same_route_shadowed) {
        /* A shadowed file never applies: its routes meet no other link, so only the warning. */
        _cleanup_(test_config_done) TestConfig t = {};
        static const char *const files[] = {
                "10-a.ibnet", "[Match]\nName=ib0\n[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\n",
                "20-b.ibnet", "[Match]\nName=ib0\n[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\n",
                NULL,
        };

        test_config_load(files, 0, &t);
        ck_assert_int_eq(t.r, 0);
        test_assert_count(&t.diags, DIAG_ERROR, 0);
        test_assert_count(&t.diags, DIAG_WARNING, 1);
}
END_TEST

START_TEST(test_broken_file_rejected) {
        _cleanup_(test_config_done) TestConfig t = {};
        static const char *const files[] = {
                "10-a.ibnet", "[Match]\nName=ib0\n[Link]\nMTU=1\n", "20-b.ibnet", "[Match]\nName=ib0\n",
                NULL,
        };

        test_config_load(files, 0, &t);
        ck_assert_int_eq(t.r, 1);
        ck_assert_ptr_null(entry(&t, "10-a.ibnet"));
        ck_assert_ptr_nonnull(entry(&t, "20-b.ibnet"));
        test_assert_count(&t.diags, DIAG_WARNING, 0); /* nothing shadows 20-b: 10-a is out */
}
END_TEST

/* ---- permissions: refused when someone other than root could have written the file ---- */

static bool need_root(const char *test) {
        if (geteuid() == 0)
                return true;
        printf("SKIP: %s: needs root to create root-owned files and chown them\n", test);
        return false;
}

static void load_with_mode(mode_t mode, uid_t uid, TestLoad *l) {
        *l = (TestLoad){};
        l->dir = test_mkdir_tmp();
        l->path = test_write_mode(l->dir, TEST_IBNET_NAME, M "[Link]\nMTU=2044\n", mode);
        ck_assert_int_eq(chown(l->path, uid, 0), 0);
        test_load_written(l, LOAD_CHECK_PERMISSIONS);
}

START_TEST(test_perm_world_writable) {
        _cleanup_(test_load_done) TestLoad l = {};
        _cleanup_free_ char *msg = NULL;

        if (!need_root(__func__))
                return;
        load_with_mode(0666, 0, &l);
        ck_assert_int_eq(l.r, -EPERM);
        ck_assert_int_ge(
                asprintf(&msg, "refused: writable by everyone (mode 0666); run chmod go-w %s", l.path), 0);
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 0, msg);
        test_assert_count(&l.diags, DIAG_ERROR, 1);
}
END_TEST

START_TEST(test_perm_group_writable) {
        _cleanup_(test_load_done) TestLoad l = {};

        if (!need_root(__func__))
                return;
        load_with_mode(0664, 0, &l);
        ck_assert_int_eq(l.r, -EPERM);
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 0, "refused: writable by its group (mode 0664)");
}
END_TEST

START_TEST(test_perm_not_root) {
        _cleanup_(test_load_done) TestLoad l = {};
        _cleanup_free_ char *msg = NULL;

        if (!need_root(__func__))
                return;
        load_with_mode(0644, 65534, &l);
        ck_assert_int_eq(l.r, -EPERM);
        ck_assert_int_ge(
                asprintf(&msg, "refused: owned by uid 65534, not root; run chown root:root %s", l.path), 0);
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 0, msg);
        test_assert_count(&l.diags, DIAG_ERROR, 1);
}
END_TEST

START_TEST(test_perm_root_ok) {
        _cleanup_(test_load_done) TestLoad l = {};

        if (!need_root(__func__))
                return;
        load_with_mode(0644, 0, &l);
        test_assert_count(&l.diags, DIAG_ERROR, 0);
        ck_assert_int_eq(l.r, 0);
        ck_assert_uint_eq(l.network->mtu, 2044);
        test_load_done(&l);

        load_with_mode(0600, 0, &l);
        ck_assert_int_eq(l.r, 0);
}
END_TEST

START_TEST(test_perm_unchecked) {
        /* Without LOAD_CHECK_PERMISSIONS (ipoibctl check as a user) the same file loads. */
        _cleanup_(test_load_done) TestLoad l = {};

        l.dir = test_mkdir_tmp();
        l.path = test_write_mode(l.dir, TEST_IBNET_NAME, M, 0666);
        test_load_written(&l, 0);
        ck_assert_int_eq(l.r, 0);
}
END_TEST

START_TEST(test_perm_dropin) {
        _cleanup_(test_load_done) TestLoad l = {};

        if (!need_root(__func__))
                return;
        l.dir = test_mkdir_tmp();
        l.path = test_write(l.dir, TEST_IBNET_NAME, M);
        l.dropin = test_write_mode(l.dir, TEST_DROPIN_NAME, "[Link]\nMTU=2044\n", 0666);
        test_load_written(&l, LOAD_CHECK_PERMISSIONS);
        ck_assert_int_eq(l.r, -EPERM);
        test_assert_diag(&l.diags, DIAG_ERROR, l.dropin, 0, "refused: writable by everyone");
}
END_TEST

START_TEST(test_perm_config) {
        _cleanup_(test_config_done) TestConfig t = {};
        _cleanup_free_ char *a = NULL;
        static const char *const files[] = {
                "10-a.ibnet", M, "20-b.ibnet", "[Match]\nName=ib1\n", NULL,
        };

        if (!need_root(__func__))
                return;
        t.dir = test_mkdir_tmp();
        for (const char *const *f = files; f[0]; f += 2)
                free(test_write(t.dir, f[0], f[1]));
        a = test_path(t.dir, "10-a.ibnet");
        ck_assert_int_eq(chown(a, 65534, 65534), 0);
        {
                _cleanup_(conf_file_list_done) ConfFileList list = {};
                char *dirs[] = { t.dir, NULL };

                ck_assert_int_eq(conf_files_list(dirs, &list), 0);
                t.r = ib_config_load(&list, LOAD_CHECK_PERMISSIONS, &t.diags, &t.config);
        }
        ck_assert_int_eq(t.r, 1);
        ck_assert_ptr_null(entry(&t, "10-a.ibnet"));
        ck_assert_ptr_nonnull(entry(&t, "20-b.ibnet"));
        test_assert_diag(&t.diags, DIAG_ERROR, a, 0, "refused: owned by uid 65534");
}
END_TEST

/* ib_config_find_child() from the index answers what a scan of every file answers: the first file in
 * order that matches the parent and gives its child that name. */
START_TEST(test_find_child_index) {
        _cleanup_(test_config_done) TestConfig t = {};
        static const char *const files[] = {
                "10-a.ibnet", "[Match]\nName=ib0\n[Partition]\nPKey=0x8002\n",
                "20-b.ibnet", "[Match]\nName=ib1\n[Partition]\nPKey=0x8002\n",
                "30-c.ibnet", "[Match]\nName=ib0\n[Partition]\nPKey=0x0005\n",
                "40-d.ibnet", "[Match]\nName=ib1\n[Partition]\nPKey=0x8004\nName=storage\n",
                "50-e.ibnet", "[Match]\nName=ib2\n[Partition]\nPKey=0x8006\nName=ib2.8007\n",
                "60-f.ibnet", "[Match]\nName=ib3 ib2\n[Partition]\nPKey=0x8007\n",
                "70-g.ibnet", "[Match]\nName=ib0\n[Network]\nAddress=192.0.2.1/24\n",
                NULL,
        };
        static const struct {
                const char *parent, *child, *want; /* want: the entry, NULL for none */
        } q[] = {
                { "ib0", "ib0.8002", "10-a.ibnet" }, { "ib1", "ib1.8002", "20-b.ibnet" },
                { "ib0", "ib0.8005", "30-c.ibnet" }, { "ib1", "storage", "40-d.ibnet" },
                { "ib0", "storage", NULL },          { "ib2", "ib2.8007", "50-e.ibnet" },
                { "ib3", "ib3.8007", "60-f.ibnet" }, { "ib0", "ib0.8004", NULL },
                { "ib0", "ib0.80", NULL },           { "ib0", "ib0.8002x", NULL },
                { "ib0", "ib0.8002.8002", NULL },    { "ib4", "ib4.8002", NULL },
                { "ib0", "ib0.800A", NULL },
        };

        test_config_load(files, 0, &t);
        for (int pass = 0; pass < 2; pass++) {
                if (pass == 1)
                        ck_assert_int_eq(ib_config_index_children(&t.config), 0);
                ck_assert_int_eq(t.config.children_indexed, pass == 1);
                for (size_t i = 0; i < ELEMENTSOF(q); i++) {
                        IbLinkIdentity pid = { .ifname = q[i].parent, .type = IB_LINK_TYPE_INFINIBAND };
                        const IbNetwork *got = ib_config_find_child(&t.config, &pid, q[i].parent, q[i].child);
                        const IbNetwork *want = q[i].want ? entry(&t, q[i].want) : NULL;

                        ck_assert_msg(got == want, "pass %d: %s of %s: got %s, want %s", pass, q[i].child,
                                      q[i].parent, got ? got->path : "none", q[i].want ?: "none");
                }
        }
}
END_TEST

Suite *make_ibnet_validate_suite(void) {
        Suite *s = suite_create("ibnet-validate");
        TCase *tc;

        tc = tcase_create("rules");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_loop_test(tc, test_validate, 0, (int) ELEMENTSOF(validate_cases));
        tcase_add_loop_test(tc, test_quiet, 0, (int) ELEMENTSOF(quiet_cases));
        suite_add_tcase(s, tc);

        tc = tcase_create("cross-file");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_same_child_name);
        tcase_add_test(tc, test_same_pkey_same_parent);
        tcase_add_test(tc, test_same_pkey_glob_parent);
        tcase_add_test(tc, test_children_no_conflict);
        tcase_add_test(tc, test_rejected_is_not_compared);
        tcase_add_test(tc, test_shadowed_parent);
        tcase_add_test(tc, test_shadowed_by_device);
        tcase_add_test(tc, test_broken_file_rejected);
        tcase_add_test(tc, test_same_route_two_links);
        tcase_add_test(tc, test_same_route_shadowed);
        tcase_add_test(tc, test_find_child_index);
        suite_add_tcase(s, tc);

        tc = tcase_create("permissions");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_perm_world_writable);
        tcase_add_test(tc, test_perm_group_writable);
        tcase_add_test(tc, test_perm_not_root);
        tcase_add_test(tc, test_perm_root_ok);
        tcase_add_test(tc, test_perm_unchecked);
        tcase_add_test(tc, test_perm_dropin);
        tcase_add_test(tc, test_perm_config);
        suite_add_tcase(s, tc);

        return s;
}
