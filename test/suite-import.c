/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* ipoibctl import's conversion (src/shared/import*.c) on the corpus in test/import-corpus/, written
 * from nm-settings-keyfile(5), nm-settings-ifcfg-rh(5), sysconfig.txt and ifup-ib: the RHEL guide's
 * profile and an equivalent ifcfg file give the same .ibnet file, which is the shipped example; the
 * P_Key naming of both tools; GUID from a 20-byte hardware address; nothing dropped silently; every
 * result loads without errors. */

#include <check.h>
#include <inttypes.h>

#include "import.h"
#include "parse-util.h"
#include "schema.h"
#include "strv.h"
#include "test-suites.h"
#include "test-util.h"

#define CORPUS TEST_SRCDIR "/test/import-corpus/"

typedef struct Converted {
        char *path;
        DiagList diags;
        ImportResult r;
        char *text; /* the .ibnet text, NULL when the conversion failed */
        int ret;
} Converted;

static void converted_done(Converted *c) {
        free(c->path);
        diag_list_done(&c->diags);
        import_result_done(&c->r);
        free(c->text);
        *c = (Converted) {};
}

static char *read_file(const char *path) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char *buf = NULL;
        size_t size = 0;

        if (!f)
                return NULL;
        ck_assert_int_ge(getdelim(&buf, &size, 0, f), 0);
        return buf;
}

/* Converts text as if it were the file path; for ifcfg, route files named in routes (corpus names). */
static void convert_text(const char *path, const char *text, Converted *c) {
        _cleanup_strv_free_ char **rp = NULL, **rt = NULL;
        _cleanup_free_ char *dev = NULL;

        *c = (Converted) { .path = strdup(path) };
        switch (import_detect_format(path, text)) {
        case IMPORT_FORMAT_NM_KEYFILE:
                c->ret = import_nm_keyfile(path, text, &c->diags, &c->r);
                break;
        case IMPORT_FORMAT_IFCFG:
                dev = import_ifcfg_device(path, text);
                ck_assert_ptr_nonnull(dev);
                for (const char *const *p = (const char *const[]) { "route-", "route6-", NULL }; *p; p++) {
                        _cleanup_free_ char *rpath = NULL, *rtext = NULL;

                        ck_assert_int_ge(asprintf(&rpath, CORPUS "%s%s", *p, dev), 0);
                        rtext = read_file(rpath);
                        if (!rtext)
                                continue;
                        ck_assert_int_eq(strv_extend(&rp, rpath), 0);
                        ck_assert_int_eq(strv_consume(&rt, TAKE_PTR(rtext)), 0);
                }
                c->ret = import_ifcfg(path, text, rp, rt, &c->diags, &c->r);
                break;
        case IMPORT_FORMAT_ROUTE:
        case _IMPORT_FORMAT_MAX:
        case _IMPORT_FORMAT_INVALID:
                ck_abort_msg("%s: not a source", path);
        }
        if (c->ret == 0) {
                c->text = import_result_format(&c->r);
                ck_assert_ptr_nonnull(c->text);
        }
}

static void convert(const char *name, Converted *c) {
        _cleanup_free_ char *path = NULL, *text = NULL;

        ck_assert_int_ge(asprintf(&path, CORPUS "%s", name), 0);
        text = read_file(path);
        ck_assert_msg(text, "%s: %s", path, strerror(errno));
        convert_text(path, text, c);
}

static void convert_ok(const char *name, Converted *c) {
        convert(name, c);
        if (c->ret != 0) {
                _cleanup_free_ char *dump = test_diags_dump(&c->diags);

                ck_abort_msg("%s: %d, %s", name, c->ret, dump);
        }
        test_assert_count(&c->diags, DIAG_ERROR, 0);
}

/* The text without comment lines: what the agent reads. */
static char *body(const char *text) {
        char *out = calloc(strlen(text) + 1, 1), *w = out;

        ck_assert_ptr_nonnull(out);
        for (const char *l = text; *l;) {
                size_t n = strcspn(l, "\n") + (l[strcspn(l, "\n")] ? 1 : 0);

                if (*l != '#') {
                        memcpy(w, l, n);
                        w += n;
                }
                l += n;
        }
        return out;
}

static bool has_line(const char *text, const char *line) {
        size_t l = strlen(line);

        for (const char *p = text; (p = strstr(p, line)); p++)
                if ((p == text || p[-1] == '\n') && (p[l] == '\n' || p[l] == 0))
                        return true;
        return false;
}

#define assert_line(text, line) ck_assert_msg(has_line((text), (line)), "no line \"%s\" in:\n%s", (line), (text))
#define assert_no_line(text, line) ck_assert_msg(!has_line((text), (line)), "line \"%s\" in:\n%s", (line), (text))

/* The RHEL guide's nmcli profile (6.3) and the P_Key child of 6.4, each as a keyfile and as an ifcfg
 * file: the same settings, so the same .ibnet file, comments aside. */
START_TEST(test_seed_nm_and_ifcfg_equivalent) {
        static const char *const pairs[][2] = {
                { "mlx4_ib0.nmconnection", "ifcfg-mlx4_ib0" },
                { "mlx4_ib0.8002.nmconnection", "ifcfg-mlx4_ib0.8002" },
        };

        for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
                _cleanup_(converted_done) Converted nm = {}, ifcfg = {};
                _cleanup_free_ char *a = NULL, *b = NULL;

                convert_ok(pairs[i][0], &nm);
                convert_ok(pairs[i][1], &ifcfg);
                a = body(nm.text);
                b = body(ifcfg.text);
                ck_assert_msg(streq(a, b), "%s:\n%s\n%s:\n%s", pairs[i][0], a, pairs[i][1], b);
                ck_assert_str_eq(nm.r.name, ifcfg.r.name);
        }
}
END_TEST

static void load_example(const char *name, TestLoad *l) {
        _cleanup_free_ char *path = NULL, *text = NULL;

        ck_assert_int_ge(asprintf(&path, TEST_SRCDIR "/examples/%s", name), 0);
        text = read_file(path);
        ck_assert_ptr_nonnull(text);
        test_load_ok(text, NULL, l);
}

static void assert_addresses_equal(const IbAddressList *a, const IbAddressList *b) {
        ck_assert_uint_eq(a->n, b->n);
        for (size_t i = 0; i < a->n; i++) {
                ck_assert_int_eq(a->items[i].family, b->items[i].family);
                ck_assert(in_addr_equal(a->items[i].family, &a->items[i].addr, &b->items[i].addr));
                ck_assert_uint_eq(a->items[i].prefixlen, b->items[i].prefixlen);
        }
}

/* What the import makes of the guide's profile is what the shipped example says by hand. */
START_TEST(test_seed_matches_examples) {
        static const char *const pairs[][2] = {
                { "mlx4_ib0.nmconnection", "10-mlx4_ib0.ibnet" },
                { "mlx4_ib0.8002.nmconnection", "20-mlx4_ib0.8002.ibnet" },
        };

        for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
                _cleanup_(converted_done) Converted c = {};
                _cleanup_(test_load_done) TestLoad got = {}, want = {};
                const IbNetwork *g, *w;

                convert_ok(pairs[i][0], &c);
                ck_assert_str_eq(c.r.name, pairs[i][1]);
                test_load_ok(c.text, NULL, &got);
                load_example(pairs[i][1], &want);
                g = got.network;
                w = want.network;
                ck_assert(strv_equal(g->match_name, w->match_name));
                ck_assert_int_eq(g->has_partition, w->has_partition);
                ck_assert_uint_eq(g->pkey, w->pkey);
                ck_assert_int_eq(g->child_method, w->child_method);
                ck_assert_uint_eq(g->mtu, w->mtu);
                ck_assert_int_eq(g->mode, w->mode);
                assert_addresses_equal(&g->address_list, &w->address_list);
                assert_addresses_equal(&g->dns_list, &w->dns_list);
                ck_assert_uint_eq(g->n_gateways, w->n_gateways);
                for (size_t k = 0; k < g->n_gateways; k++)
                        ck_assert(in_addr_equal(g->gateways[k].family, &g->gateways[k].gw, &w->gateways[k].gw));
        }
}
END_TEST

/* Every source of the corpus that is InfiniBand converts, and its result loads without errors. */
START_TEST(test_corpus_results_load) {
        static const char *const names[] = {
                "mlx4_ib0.nmconnection", "mlx4_ib0.8002.nmconnection", "ib1-guid-limited.nmconnection",
                "ib2-legacy.nmconnection", "ifcfg-mlx4_ib0", "ifcfg-mlx4_ib0.8002", "ifcfg-ib1",
                "ifcfg-ib0.80c1", "ifcfg-ib0.000a",
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                _cleanup_(converted_done) Converted c = {};
                _cleanup_(test_load_done) TestLoad l = {};

                convert_ok(names[i], &c);
                test_load(c.text, NULL, &l);
                if (diag_count(&l.diags, DIAG_ERROR) > 0) {
                        _cleanup_free_ char *dump = test_diags_dump(&l.diags);

                        ck_abort_msg("%s gives a file with errors:\n%s\n%s", names[i], c.text, dump);
                }
        }
}
END_TEST

START_TEST(test_not_infiniband) {
        _cleanup_(converted_done) Converted nm = {}, ifcfg = {};

        convert("ethernet.nmconnection", &nm);
        ck_assert_int_eq(nm.ret, -EINVAL);
        test_assert_diag(&nm.diags, DIAG_ERROR, nm.path, 4, "not an InfiniBand profile");
        convert("ifcfg-eth0", &ifcfg);
        ck_assert_int_eq(ifcfg.ret, -EINVAL);
        test_assert_diag(&ifcfg.diags, DIAG_ERROR, ifcfg.path, 1, "not an InfiniBand interface (TYPE=Ethernet)");
}
END_TEST

/* The naming difference: NetworkManager names a child PARENT.%04x of the P_Key as written, initscripts
 * (and NetworkManager for PKEY_ID) after adding the full-membership bit; the kernel always adds it. */
typedef struct PKeyCase {
        const char *path;
        const char *text;
        const char *pkey; /* the PKey= line */
        const char *name; /* the Name= line of [Partition], or NULL for none */
        DiagLevel level;
        const char *says;
} PKeyCase;

static const PKeyCase pkey_cases[] = {
        { "a.nmconnection", "[connection]\ntype=infiniband\n[infiniband]\nparent=ib0\np-key=10\n", "PKey=0x800a",
          "Name=ib0.000a", DIAG_NOTICE, "NetworkManager names the child ib0.000a, initscripts (PKEY_ID) ib0.800a" },
        { "b.nmconnection", "[connection]\ntype=infiniband\n[infiniband]\nparent=ib0\np-key=0x8002\n",
          "PKey=0x8002", NULL, DIAG_NOTICE, "the child is ib0.8002 for NetworkManager, initscripts" },
        { "c.nmconnection", "[connection]\ntype=infiniband\n[infiniband]\nparent=ib0\np-key=32770\n",
          "PKey=0x8002", NULL, DIAG_NOTICE, "full-membership bit" },
        { "ifcfg-ib0.800a", "TYPE=InfiniBand\nDEVICE=ib0.800a\nPHYSDEV=ib0\nPKEY=yes\nPKEY_ID=0x000a\n",
          "PKey=0x800a", NULL, DIAG_NOTICE, "the child is ib0.800a; imported as PKey=0x800a" },
        { "ifcfg-ib0.8002", "TYPE=InfiniBand\nDEVICE=ib0.8002\nPHYSDEV=ib0\nPKEY=yes\nPKEY_ID=2\n", "PKey=0x8002",
          NULL, DIAG_NOTICE, "lacks the full-membership bit, which ifup-ib and NetworkManager add" },
        { "ifcfg-ib0.000a", "TYPE=InfiniBand\nDEVICE=ib0.000a\nPHYSDEV=ib0\nPKEY=yes\nPKEY_ID_NM=0x000a\n",
          "PKey=0x800a", "Name=ib0.000a", DIAG_NOTICE, "to keep NetworkManager's name" },
        /* bash arithmetic: 010 is octal */
        { "ifcfg-ib0.8008", "TYPE=InfiniBand\nDEVICE=ib0.8008\nPHYSDEV=ib0\nPKEY=yes\nPKEY_ID=010\n",
          "PKey=0x8008", NULL, DIAG_NOTICE, "reads as octal" },
        /* No parent name: NetworkManager's name cannot be kept, and the file says so. */
        { "d.nmconnection",
          "[connection]\ntype=infiniband\n[infiniband]\np-key=10\n"
          "mac-address=80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:01:23:45\n",
          "PKey=0x800a", NULL, DIAG_WARNING, "without a parent name the old name cannot be kept" },
};

START_TEST(test_pkey_naming) {
        const PKeyCase *t = &pkey_cases[_i];
        _cleanup_(converted_done) Converted c = {};
        _cleanup_(test_load_done) TestLoad l = {};
        const Diag *found = NULL;

        convert_text(t->path, t->text, &c);
        ck_assert_msg(c.ret == 0, "%s: %d", t->path, c.ret);
        assert_line(c.text, t->pkey);
        assert_line(c.text, "Method=sysfs");
        if (t->name)
                assert_line(c.text, t->name);
        else
                ck_assert_msg(!strstr(c.text, "\nName=ib0."), "%s", c.text);
        FOREACH_ARRAY(d, c.diags.items, c.diags.n)
                if (d->level == t->level && strstr(d->message, t->says))
                        found = d;
        ck_assert_msg(found, "%s: no %s \"%s\"", t->path, diag_level_to_string(t->level), t->says);
        test_load(c.text, NULL, &l);
        test_assert_count(&l.diags, DIAG_ERROR, 0);
        test_assert_count(&l.diags, DIAG_NOTICE, 0); /* PKey= is written normalised */
}
END_TEST

START_TEST(test_hwaddr_guid) {
        static const struct {
                const char *in;
                uint64_t guid;
                int r;
        } cases[] = {
                { "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:01:23:45", 0x0002c90300012345, 0 },
                { "80:00:02:08:FE:80:00:00:00:00:00:00:00:02:C9:03:00:01:23:45", 0x0002c90300012345, 0 },
                /* nm-settings-keyfile(5): the obsolete list of 20 decimal bytes */
                { "128;0;2;8;254;128;0;0;0;0;0;0;0;2;201;3;0;1;35;69;", 0x0002c90300012345, 0 },
                { "128;0;2;8;254;128;0;0;0;0;0;0;0;2;201;3;0;1;35;69", 0x0002c90300012345, 0 },
                { "00:02:c9:03:00:01:23:45", 0, -EINVAL }, /* a GUID, not a hardware address */
                { "128;0;2;8;254;128;0;0;0;0;0;0;0;2;201;3;0;1;35;", 0, -EINVAL },
                { "128;0;2;8;254;128;0;0;0;0;0;0;0;2;201;3;0;1;35;256;", 0, -EINVAL },
                { "", 0, -EINVAL },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                uint64_t g = 0;

                ck_assert_msg(import_hwaddr_guid(cases[i].in, &g) == cases[i].r, "%s", cases[i].in);
                if (cases[i].r == 0)
                        ck_assert_msg(g == cases[i].guid, "%s: %016" PRIx64, cases[i].in, g);
        }
}
END_TEST

START_TEST(test_hwaddr_becomes_guid) {
        _cleanup_(converted_done) Converted nm = {}, ifcfg = {};

        convert_ok("ib2-legacy.nmconnection", &nm);
        assert_line(nm.text, "GUID=0002:c903:0001:2346");
        test_assert_diag(&nm.diags, DIAG_NOTICE, nm.path, 11, "last 8 bytes, the port GUID 0002:c903:0001:2346");
        convert_ok("ifcfg-ib0.80c1", &ifcfg);
        /* The child's HWADDR is its parent's: the file matches the parent by it. */
        assert_line(ifcfg.text, "GUID=bbcc:ddee:ff00:1122");
        assert_line(ifcfg.text, "Name=ib0");
}
END_TEST

/* Every line that is not carried over is named, with its line. */
START_TEST(test_nothing_silent) {
        static const struct {
                const char *name;
                unsigned line;
                DiagLevel level;
                const char *says;
        } cases[] = {
                { "ib2-legacy.nmconnection", 8, DIAG_NOTICE, "connection.timestamp=1700000000 is not carried over" },
                { "ib2-legacy.nmconnection", 15, DIAG_WARNING, "ipv4.method=auto is not carried over" },
                { "ib2-legacy.nmconnection", 20, DIAG_WARNING, "route2_options=mtu=1500 is not carried over" },
                { "ib2-legacy.nmconnection", 24, DIAG_NOTICE, "ipv4.dhcp-timeout=45 is not carried over" },
                { "ib2-legacy.nmconnection", 29, DIAG_WARNING, "ipv6.ip6-privacy=2 is not carried over" },
                { "ib2-legacy.nmconnection", 32, DIAG_WARNING, "ethtool.feature-tso=true is not carried over" },
                { "ib1-guid-limited.nmconnection", 7, DIAG_WARNING, "connection.autoconnect=false" },
                { "ib1-guid-limited.nmconnection", 14, DIAG_WARNING, "imported as MTU=max" },
                { "ifcfg-ib1", 23, DIAG_WARNING, "ZONE=trusted is not carried over" },
                { "ifcfg-ib1", 22, DIAG_NOTICE, "NM_CONTROLLED=no is not carried over" },
                { "ifcfg-ib0.000a", 10, DIAG_WARNING, "ONBOOT=no is not carried over" },
                { "ifcfg-ib0.000a", 11, DIAG_WARNING, "IPV6ADDR=fd00:a::1/64 is not carried over: IPV6INIT" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(converted_done) Converted c = {};

                convert_ok(cases[i].name, &c);
                test_assert_diag(&c.diags, cases[i].level, c.path, cases[i].line, cases[i].says);
                /* A warning is also a comment of the file. */
                if (cases[i].level == DIAG_WARNING)
                        ck_assert_msg(strstr(c.text, cases[i].says) || strstr(c.text, "imported as"), "%s", c.text);
        }
}
END_TEST

/* A key the converter has never heard of is reported at its line, in any section. */
START_TEST(test_unknown_keys_reported) {
        _cleanup_(converted_done) Converted nm = {}, ifcfg = {};

        convert_text("x.nmconnection",
                     "[connection]\ntype=infiniband\ninterface-name=ib0\nfrobnicate=1\n"
                     "[infiniband]\ntransport-mode=datagram\nwobble=yes\n[ipv4]\nmethod=manual\nflux=2\n"
                     "[bogus]\nkey=value\n",
                     &nm);
        ck_assert_int_eq(nm.ret, 0);
        test_assert_diag(&nm.diags, DIAG_WARNING, "x.nmconnection", 4, "connection.frobnicate=1 is not carried over");
        test_assert_diag(&nm.diags, DIAG_WARNING, "x.nmconnection", 7, "infiniband.wobble=yes");
        test_assert_diag(&nm.diags, DIAG_WARNING, "x.nmconnection", 10, "ipv4.flux=2");
        test_assert_diag(&nm.diags, DIAG_WARNING, "x.nmconnection", 12, "bogus.key=value");
        convert_text("ifcfg-ib0", "TYPE=InfiniBand\nDEVICE=ib0\nFROB=1\nwhat is this\n", &ifcfg);
        ck_assert_int_eq(ifcfg.ret, 0);
        test_assert_diag(&ifcfg.diags, DIAG_WARNING, "ifcfg-ib0", 3, "FROB=1 is not carried over");
        test_assert_diag(&ifcfg.diags, DIAG_WARNING, "ifcfg-ib0", 4, "not a VAR=value line");
}
END_TEST

START_TEST(test_route_files) {
        _cleanup_(converted_done) Converted c = {};
        _cleanup_(test_load_done) TestLoad l = {};
        _cleanup_free_ char *route6 = strdup(CORPUS "route6-ib1");

        convert_ok("ifcfg-ib1", &c);
        test_load_ok(c.text, NULL, &l);
        /* GATEWAY with METRIC, two from route-ib1, two of three from route6-ib1 */
        ck_assert_uint_eq(l.network->n_routes, 5);
        ck_assert_uint_eq(l.network->n_gateways, 1); /* IPV6_DEFAULTGW, no metric */
        test_assert_diag(&c.diags, DIAG_WARNING, route6, 4, "\"table 100\" is not supported");
        assert_line(c.text, "Destination=10.60.0.0/24");
        assert_line(c.text, "Metric=10");
        assert_line(c.text, "Destination=fd00:50::/48");
        assert_line(c.text, "Gateway=fd00:1::1");
        assert_line(c.text, "Domains=cluster.example.org example.org");
        assert_line(c.text, "Address=10.1.0.20/16");
        assert_line(c.text, "Address=fd00:3::20/64");
}
END_TEST

START_TEST(test_nm_legacy_forms) {
        _cleanup_(converted_done) Converted c = {};
        _cleanup_(test_load_done) TestLoad l = {};

        convert_ok("ib2-legacy.nmconnection", &c);
        test_load_ok(c.text, NULL, &l);
        assert_line(c.text, "Mode=connected"); /* "Connected", as nmcli was given it */
        assert_line(c.text, "Address=172.16.6.10/24");
        /* The gateway after the first address, with the route metric of the profile. */
        ck_assert_msg(strstr(c.text, "[Route]\nGateway=172.16.5.1\nMetric=300\n"), "%s", c.text);
        ck_assert_msg(strstr(c.text, "[Route]\nDestination=10.20.0.0/16\nGateway=172.16.5.254\nMetric=50\n"), "%s",
                      c.text);
        ck_assert_msg(strstr(c.text, "[Route]\nDestination=10.30.0.0/16\nMetric=300\n"), "%s", c.text);
        assert_line(c.text, "Domains=hpc.example.org example.org");
        assert_no_line(c.text, "DNS=172.16.5.53 172.16.6.53");
        assert_line(c.text, "DNS=172.16.6.53");
}
END_TEST

START_TEST(test_refused_profiles) {
        static const struct {
                const char *path, *text, *says;
        } cases[] = {
                { "a.nmconnection", "[connection]\ntype=infiniband\n[infiniband]\ntransport-mode=datagram\n",
                  "would apply to any InfiniBand device" },
                { "b.nmconnection", "[connection]\ntype=infiniband\ninterface-name=ib0\n[infiniband]\np-key=0x8002\n",
                  "without infiniband.parent or mac-address" },
                { "c.nmconnection", "[connection]\ntype=infiniband\n[infiniband]\nparent=ib0\np-key=0x8000\n",
                  "not a usable P_Key" },
                { "d.nmconnection", "[connection]\ntype=infiniband\ninterface-name=ib0\n[infiniband]\nmac-address=1:2\n",
                  "not a 20-byte IPoIB hardware address" },
                { "ifcfg-ib0.8002", "TYPE=InfiniBand\nPKEY=yes\nPKEY_ID=2\n", "PKEY=yes needs PHYSDEV" },
                { "ifcfg-ib0", "TYPE=InfiniBand\nDEVICE=ib0\nMTU=\"65520\n", "unterminated quote" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(converted_done) Converted c = {};
                const Diag *found = NULL;

                convert_text(cases[i].path, cases[i].text, &c);
                ck_assert_msg(c.ret == -EINVAL, "%s: %d", cases[i].path, c.ret);
                FOREACH_ARRAY(d, c.diags.items, c.diags.n)
                        if (d->level == DIAG_ERROR && strstr(d->message, cases[i].says))
                                found = d;
                ck_assert_msg(found, "%s: no error \"%s\"", cases[i].path, cases[i].says);
        }
}
END_TEST

START_TEST(test_detect_format) {
        ck_assert_int_eq(import_detect_format("/x/ifcfg-ib0", ""), IMPORT_FORMAT_IFCFG);
        ck_assert_int_eq(import_detect_format("route-ib0", ""), IMPORT_FORMAT_ROUTE);
        ck_assert_int_eq(import_detect_format("route6-ib0", ""), IMPORT_FORMAT_ROUTE);
        ck_assert_int_eq(import_detect_format("a.nmconnection", ""), IMPORT_FORMAT_NM_KEYFILE);
        ck_assert_int_eq(import_detect_format("a", "# c\n\n[connection]\nid=x\n"), IMPORT_FORMAT_NM_KEYFILE);
        ck_assert_int_eq(import_detect_format("a", "# c\nTYPE=InfiniBand\n"), IMPORT_FORMAT_IFCFG);
        ck_assert_int_eq(import_detect_format("a", "[Match]\nName=ib0\n"), _IMPORT_FORMAT_INVALID);
        ck_assert_int_eq(import_detect_format("a", ""), _IMPORT_FORMAT_INVALID);
}
END_TEST

/* Keys reach the text only through the schema table: every key the converters can emit is a row. */
START_TEST(test_format_through_schema) {
        _cleanup_(import_result_done) ImportResult r = {};
        _cleanup_free_ char *text = NULL;

        for (SchemaKey k = 0; k < _SCHEMA_KEY_MAX; k++)
                ck_assert_int_eq(import_add(&r, k, k >= SCHEMA_KEY_ROUTE_DESTINATION ? 1 : 0, "v%d", k), 0);
        ck_assert_int_eq(import_comment(&r, "%s", "a comment"), 0);
        text = import_result_format(&r);
        ck_assert_ptr_nonnull(text);
        ck_assert_msg(startswith(text, "# a comment\n\n[Match]\nName=v0\n"), "%s", text);
        for (SchemaKey k = 0; k < _SCHEMA_KEY_MAX; k++) {
                const ConfigTableItem *it = config_table_item(k);
                _cleanup_free_ char *line = NULL, *header = NULL;

                ck_assert_int_ge(asprintf(&line, "%s=v%d", it->key, k), 0);
                ck_assert_int_ge(asprintf(&header, "[%s]", it->section), 0);
                assert_line(text, line);
                assert_line(text, header);
                /* under its own section */
                ck_assert(strstr(text, header) < strstr(text, line));
        }
}
END_TEST

Suite *make_import_suite(void) {
        Suite *s = suite_create("import");
        TCase *tc;

        tc = tcase_create("seed");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_seed_nm_and_ifcfg_equivalent);
        tcase_add_test(tc, test_seed_matches_examples);
        tcase_add_test(tc, test_corpus_results_load);
        suite_add_tcase(s, tc);

        tc = tcase_create("conversion");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_not_infiniband);
        tcase_add_loop_test(tc, test_pkey_naming, 0, ELEMENTSOF(pkey_cases));
        tcase_add_test(tc, test_hwaddr_guid);
        tcase_add_test(tc, test_hwaddr_becomes_guid);
        tcase_add_test(tc, test_nothing_silent);
        tcase_add_test(tc, test_unknown_keys_reported);
        tcase_add_test(tc, test_route_files);
        tcase_add_test(tc, test_nm_legacy_forms);
        tcase_add_test(tc, test_refused_profiles);
        tcase_add_test(tc, test_detect_format);
        tcase_add_test(tc, test_format_through_schema);
        suite_add_tcase(s, tc);
        return s;
}
