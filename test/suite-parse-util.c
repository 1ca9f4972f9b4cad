/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The value parsers of parse-util.c and in-addr-util.c: case tables and one _one() helper each, in the
 * manner of systemd's test-networkd-conf.c. An expected return of 0 means "accepted with this value". */

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <inttypes.h>

#include "in-addr-util.h"
#include "macros.h"
#include "parse-util.h"
#include "strv.h"
#include "test-suites.h"

/* ---- parse_boolean ---- */

static void test_parse_boolean_one(const char *s, int expected) {
        ck_assert_msg(
                parse_boolean(s) == expected, "parse_boolean(\"%s\") = %d, expected %d", s, parse_boolean(s),
                expected);
}

START_TEST(test_strv_remove) {
        _cleanup_strv_free_ char **l = NULL;

        ck_assert_int_eq(strv_extend(&l, "ib0"), 0);
        ck_assert_int_eq(strv_extend(&l, "ib1"), 0);
        ck_assert_int_eq(strv_extend(&l, "ib0"), 0);
        strv_remove(l, "ib0");
        ck_assert_uint_eq(strv_length(l), 1);
        ck_assert_str_eq(l[0], "ib1");
        strv_remove(l, "nope");
        ck_assert_uint_eq(strv_length(l), 1);
        strv_remove(l, "ib1");
        ck_assert_uint_eq(strv_length(l), 0);
        strv_remove(NULL, "ib1");
}
END_TEST

START_TEST(test_parse_boolean) {
        static const struct {
                const char *s;
                int expected;
        } cases[] = {
                { "1", 1 },          { "yes", 1 },        { "YES", 1 },
                { "y", 1 },          { "true", 1 },       { "True", 1 },
                { "t", 1 },          { "on", 1 },         { "0", 0 },
                { "no", 0 },         { "n", 0 },          { "false", 0 },
                { "FALSE", 0 },      { "f", 0 },          { "off", 0 },
                { "", -EINVAL },     { "2", -EINVAL },    { "yess", -EINVAL },
                { " yes", -EINVAL }, { "yes ", -EINVAL }, { "enable", -EINVAL },
                { "-1", -EINVAL },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                test_parse_boolean_one(cases[i].s, cases[i].expected);
}
END_TEST

/* ---- safe_atou32 / safe_atou32_base ---- */

typedef struct U32Case {
        const char *s;
        int r_dec;      /* safe_atou32() */
        int r_base;     /* safe_atou32_base() */
        uint32_t value; /* when the return is 0 */
} U32Case;

static void test_safe_atou32_one(const U32Case *c) {
        uint32_t v = 0xdeadbeef;
        int r;

        r = safe_atou32(c->s, &v);
        ck_assert_msg(r == c->r_dec, "safe_atou32(\"%s\") = %d, expected %d", c->s, r, c->r_dec);
        if (r == 0)
                ck_assert_msg(
                        v == c->value, "safe_atou32(\"%s\") gave %" PRIu32 ", expected %" PRIu32, c->s, v,
                        c->value);
        else
                ck_assert_msg(
                        v == 0xdeadbeef, "safe_atou32(\"%s\") wrote its out-parameter on failure", c->s);

        v = 0xdeadbeef;
        r = safe_atou32_base(c->s, &v);
        ck_assert_msg(r == c->r_base, "safe_atou32_base(\"%s\") = %d, expected %d", c->s, r, c->r_base);
        if (r == 0)
                ck_assert_msg(
                        v == c->value, "safe_atou32_base(\"%s\") gave %" PRIu32 ", expected %" PRIu32, c->s,
                        v, c->value);
        else
                ck_assert_msg(
                        v == 0xdeadbeef, "safe_atou32_base(\"%s\") wrote its out-parameter on failure",
                        c->s);
}

START_TEST(test_safe_atou32) {
        static const U32Case cases[] = {
                { "0", 0, 0, 0 },
                { "1", 0, 0, 1 },
                { "007", 0, 0, 7 }, /* leading zeros are decimal, not octal */
                { "4294967295", 0, 0, UINT32_MAX },
                { "4294967296", -ERANGE, -ERANGE, 0 },
                { "99999999999999999999999", -ERANGE, -ERANGE, 0 },
                { "0x10", -EINVAL, 0, 16 },
                { "0XfF", -EINVAL, 0, 255 },
                { "0xffffffff", -EINVAL, 0, UINT32_MAX },
                { "0x100000000", -EINVAL, -ERANGE, 0 },
                { "0x", -EINVAL, -EINVAL, 0 },
                { "0xg", -EINVAL, -EINVAL, 0 },
                { "ff", -EINVAL, -EINVAL, 0 },
                { "", -EINVAL, -EINVAL, 0 },
                { "-1", -EINVAL, -EINVAL, 0 },
                { "+1", -EINVAL, -EINVAL, 0 },
                { " 1", -EINVAL, -EINVAL, 0 },
                { "1 ", -EINVAL, -EINVAL, 0 },
                { "1.5", -EINVAL, -EINVAL, 0 },
                { "12abc", -EINVAL, -EINVAL, 0 },
                { "0x-1", -EINVAL, -EINVAL, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                test_safe_atou32_one(&cases[i]);
}
END_TEST

/* ---- parse_pkey ---- */

static void test_parse_pkey_one(const char *s, int expected, uint16_t value, uint16_t normalized) {
        uint16_t v = 0xdead;
        int r;

        r = parse_pkey(s, &v);
        ck_assert_msg(r == expected, "parse_pkey(\"%s\") = %d, expected %d", s, r, expected);
        if (r < 0) {
                ck_assert_msg(v == 0xdead, "parse_pkey(\"%s\") wrote its out-parameter on failure", s);
                return;
        }
        ck_assert_msg(v == value, "parse_pkey(\"%s\") gave 0x%04x, expected 0x%04x", s, v, value);
        ck_assert_msg(
                pkey_normalize(v) == normalized, "pkey_normalize(0x%04x) = 0x%04x, expected 0x%04x", v,
                pkey_normalize(v), normalized);
}

START_TEST(test_parse_pkey) {
        static const struct {
                const char *s;
                int expected;
                uint16_t value, normalized;
        } cases[] = {
                { "0x8002", 0, 0x8002, 0x8002 },
                { "0x0002", 0, 0x0002, 0x8002 },
                { "0x7fff", 0, 0x7fff, 0xffff },
                { "0x0001", 0, 0x0001, 0x8001 },
                { "0xffff", 0, 0xffff, 0xffff },
                { "0xFFFF", 0, 0xffff, 0xffff },
                /* Decimal would make "8002" another partition: only 0x hex is a P_Key. */
                { "32770", -EINVAL, 0, 0 },
                { "2", -EINVAL, 0, 0 },
                { "65535", -EINVAL, 0, 0 },
                { "8002", -EINVAL, 0, 0 },
                { "0", -EINVAL, 0, 0 },
                { "0x0000", -EDOM, 0, 0 },
                { "0x8000", -EDOM, 0, 0 }, /* __ipoib_vlan_add() refuses it */
                { "0X8000", -EDOM, 0, 0 },
                { "32768", -EINVAL, 0, 0 },
                { "0x10000", -ERANGE, 0, 0 },
                { "0x0000ffff", 0, 0xffff, 0xffff },
                { "65536", -EINVAL, 0, 0 },
                { "0x", -EINVAL, 0, 0 },
                { "", -EINVAL, 0, 0 },
                { "x8002", -EINVAL, 0, 0 },
                { "0x8002 ", -EINVAL, 0, 0 },
                { "-2", -EINVAL, 0, 0 },
                { "full", -EINVAL, 0, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                test_parse_pkey_one(cases[i].s, cases[i].expected, cases[i].value, cases[i].normalized);
}
END_TEST

START_TEST(test_pkey_likely_intent) {
        static const struct {
                const char *s;
                int expected;
                uint16_t value;
        } cases[] = {
                { "8002", 0, 0x8002 },  /* hex digits: the number of ib0.8002 */
                { "2", 0, 0x0002 },
                { "ffff", 0, 0xffff },
                { "7FFF", 0, 0x7fff },
                { "32770", 0, 0x8002 }, /* five digits: too long for hex, so decimal */
                { "65535", 0, 0xffff },
                { "8000", -EINVAL, 0 }, /* 0x8000 and 32768 are both unusable */
                { "32768", -EINVAL, 0 },
                { "0", -EINVAL, 0 },
                { "65536", -EINVAL, 0 },
                { "-1", -EINVAL, 0 },
                { "storage", -EINVAL, 0 },
                { "", -EINVAL, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                uint16_t v = 0xdead;
                int r = pkey_likely_intent(cases[i].s, &v);

                ck_assert_msg(r == cases[i].expected, "pkey_likely_intent(\"%s\") = %d", cases[i].s, r);
                ck_assert_msg(v == (r < 0 ? 0xdead : cases[i].value), "pkey_likely_intent(\"%s\") gave 0x%04x",
                              cases[i].s, v);
        }
}
END_TEST

START_TEST(test_parse_ipoib_hwaddr_guid) {
        uint64_t g = 0xdeadbeef;

        ck_assert_int_eq(parse_ipoib_hwaddr_guid("80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0e:2a:31", &g), 0);
        ck_assert(g == UINT64_C(0x0002c903000e2a31));
        ck_assert_int_eq(parse_ipoib_hwaddr_guid("80:00:02:08:FE:80:00:00:00:00:00:00:00:02:C9:03:00:0E:2A:31", &g), 0);
        ck_assert(g == UINT64_C(0x0002c903000e2a31));
        g = 0xdeadbeef;
        ck_assert_int_eq(parse_ipoib_hwaddr_guid("80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0e:2a", &g), -EINVAL);
        ck_assert_int_eq(parse_ipoib_hwaddr_guid("80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0e:2a:31:", &g), -EINVAL);
        ck_assert_int_eq(parse_ipoib_hwaddr_guid("80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0e:2a:3", &g), -EINVAL);
        ck_assert_int_eq(parse_ipoib_hwaddr_guid("80-00-02-08-fe-80-00-00-00-00-00-00-00-02-c9-03-00-0e-2a-31", &g), -EINVAL);
        ck_assert_int_eq(parse_ipoib_hwaddr_guid("00:02:c9:03:00:01:23:45", &g), -EINVAL);
        ck_assert_int_eq(parse_ipoib_hwaddr_guid("", &g), -EINVAL);
        ck_assert(g == 0xdeadbeef);
}
END_TEST

/* ---- parse_guid / format_guid ---- */

static void test_parse_guid_one(const char *s, int expected, uint64_t value) {
        uint64_t g = 0xdeadbeef;
        int r;

        r = parse_guid(s, &g);
        ck_assert_msg(r == expected, "parse_guid(\"%s\") = %d, expected %d", s, r, expected);
        if (r < 0) {
                ck_assert_msg(g == 0xdeadbeef, "parse_guid(\"%s\") wrote its out-parameter on failure", s);
                return;
        }
        ck_assert_msg(
                g == value, "parse_guid(\"%s\") gave 0x%016" PRIx64 ", expected 0x%016" PRIx64, s, g, value);
}

START_TEST(test_parse_guid) {
        static const struct {
                const char *s;
                int expected;
                uint64_t value;
        } cases[] = {
                /* The three accepted syntaxes. */
                { "0002:c903:0001:2345", 0, UINT64_C(0x0002c90300012345) },
                { "00:02:c9:03:00:01:23:45", 0, UINT64_C(0x0002c90300012345) },
                { "0x0002c90300012345", 0, UINT64_C(0x0002c90300012345) },
                { "0X0002C90300012345", 0, UINT64_C(0x0002c90300012345) },
                { "FFFF:FFFF:FFFF:FFFF", 0, UINT64_MAX },
                { "ff:ff:ff:ff:ff:ff:ff:ff", 0, UINT64_MAX },
                { "0000:0000:0000:0001", 0, 1 },
                /* Mixed or bad grouping. */
                { "00:02:c903:0001:2345", -EINVAL, 0 },
                { "0002:c903:00:01:2345", -EINVAL, 0 },
                { "0002c903:00012345", -EINVAL, 0 },
                { "0002c90300012345", -EINVAL, 0 }, /* bare hex needs 0x */
                { "0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0", -EINVAL, 0 },
                { ":0002:c903:0001:2345", -EINVAL, 0 },
                { "0002:c903:0001:2345:", -EINVAL, 0 },
                { "0002::c903:0001:2345", -EINVAL, 0 },
                { "0002-c903-0001-2345", -EINVAL, 0 },
                { "0002:c903:0001:234g", -EINVAL, 0 },
                /* Wrong lengths. */
                { "0002:c903:0001", -EINVAL, 0 },
                { "0002:c903:0001:2345:6789", -EINVAL, 0 },
                { "0002:c903:0001:234", -EINVAL, 0 },
                { "0002:c903:0001:23456", -EINVAL, 0 },
                { "00:02:c9:03:00:01:23", -EINVAL, 0 },
                { "00:02:c9:03:00:01:23:45:67", -EINVAL, 0 },
                { "0x0002c9030001234", -EINVAL, 0 },
                { "0x0002c903000123456", -EINVAL, 0 },
                { "0x", -EINVAL, 0 },
                { "0x12", -EINVAL, 0 },
                { "0x000000000000000g", -EINVAL, 0 },
                { "", -EINVAL, 0 },
                /* A 20-byte IPoIB hardware address is not a GUID. */
                { "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:01:23:45", -EINVAL, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                test_parse_guid_one(cases[i].s, cases[i].expected, cases[i].value);
}
END_TEST

static void test_format_guid_one(uint64_t g, const char *expected) {
        char buf[GUID_STRING_MAX];
        uint64_t back = 0;

        ck_assert_str_eq(format_guid(g, buf), expected);
        ck_assert_int_eq(parse_guid(buf, &back), 0);
        ck_assert_msg(back == g, "round trip of 0x%016" PRIx64 " gave 0x%016" PRIx64, g, back);
}

START_TEST(test_format_guid) {
        static const struct {
                uint64_t g;
                const char *expected;
        } cases[] = {
                { UINT64_C(0x0002c90300012345), "0002:c903:0001:2345" },
                { 1, "0000:0000:0000:0001" },
                { UINT64_MAX, "ffff:ffff:ffff:ffff" },
                { UINT64_C(0x8000000000000000), "8000:0000:0000:0000" },
                { UINT64_C(0x0123456789abcdef), "0123:4567:89ab:cdef" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                test_format_guid_one(cases[i].g, cases[i].expected);
}
END_TEST

/* ---- parse_mtu ---- */

static void test_parse_mtu_one(const char *s, int expected, uint32_t value, bool is_max) {
        uint32_t v = 4242;
        bool m = !is_max;
        int r;

        r = parse_mtu(s, &v, &m);
        ck_assert_msg(r == expected, "parse_mtu(\"%s\") = %d, expected %d", s, r, expected);
        if (r < 0) {
                ck_assert_msg(v == 4242, "parse_mtu(\"%s\") wrote its out-parameter on failure", s);
                return;
        }
        ck_assert_msg(
                v == value && m == is_max, "parse_mtu(\"%s\") gave %" PRIu32 "/%d, expected %" PRIu32 "/%d",
                s, v, m, value, is_max);
}

START_TEST(test_parse_mtu) {
        static const struct {
                const char *s;
                int expected;
                uint32_t value;
                bool is_max;
        } cases[] = {
                { "max", 0, 0, true },
                { "68", 0, 68, false },
                { "2044", 0, 2044, false },
                { "65520", 0, 65520, false },
                { "65535", 0, 65535, false },
                { "67", -ERANGE, 0, false },
                { "0", -ERANGE, 0, false },
                { "65536", -ERANGE, 0, false },
                { "4294967296", -ERANGE, 0, false },
                { "MAX", -EINVAL, 0, false },
                { "maximum", -EINVAL, 0, false },
                { "", -EINVAL, 0, false },
                { "1500 ", -EINVAL, 0, false },
                { "0x800", -EINVAL, 0, false },
                { "-1500", -EINVAL, 0, false },
                { "1.5k", -EINVAL, 0, false },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                test_parse_mtu_one(cases[i].s, cases[i].expected, cases[i].value, cases[i].is_max);
}
END_TEST

/* ---- name validators ---- */

START_TEST(test_ifname_valid) {
        static const struct {
                const char *s;
                bool valid;
        } cases[] = {
                { "ib0", true },
                { "mlx4_ib0", true },
                { "mlx4_ib0.8002", true },
                { "a", true },
                { "...", true },
                { "123456789012345", true },   /* 15 = IFNAMSIZ - 1 */
                { "1234567890123456", false }, /* 16 */
                { "", false },
                { ".", false },
                { "..", false },
                { "ib/0", false },
                { "ib:0", false },
                { "ib 0", false },
                { "ib\t0", false },
                { "ib0\n", false },
                { "ib\x01", false },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                ck_assert_msg(
                        ifname_valid(cases[i].s) == cases[i].valid, "ifname_valid(\"%s\") != %d", cases[i].s,
                        cases[i].valid);
}
END_TEST

START_TEST(test_ifname_glob_valid) {
        static const struct {
                const char *s;
                bool valid;
        } cases[] = {
                { "ib*", true },
                { "mlx?_ib[0-3]", true },
                { "ib0", true },
                { "*", true },
                { "1234567890123456", true }, /* globs may be longer than a name */
                { "", false },
                { "ib/*", false },
                { "ib:*", false },
                { "ib *", false },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                ck_assert_msg(
                        ifname_glob_valid(cases[i].s) == cases[i].valid, "ifname_glob_valid(\"%s\") != %d",
                        cases[i].s, cases[i].valid);
}
END_TEST

START_TEST(test_rdma_device_name_valid) {
        static const struct {
                const char *s;
                bool valid;
        } cases[] = {
                { "mlx5_0", true },  { "mlx4_1", true },  { "rxe-0.a", true }, { "", false },
                { "mlx5 0", false }, { "mlx5/0", false }, { "mlx5:0", false },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                ck_assert_msg(
                        rdma_device_name_valid(cases[i].s) == cases[i].valid,
                        "rdma_device_name_valid(\"%s\") != %d", cases[i].s, cases[i].valid);
}
END_TEST

static void test_dns_domain_valid_one(const char *s, bool valid) {
        ck_assert_msg(dns_domain_valid(s) == valid, "dns_domain_valid(\"%s\") != %d", s, valid);
}

START_TEST(test_dns_domain_valid) {
        char label63[64], label64[65], long_name[300];
        static const struct {
                const char *s;
                bool valid;
        } cases[] = {
                { "example.com", true },
                { "corp", true },
                { "ib-fabric.example.com", true },
                { "_srv.example.com", true },
                { "example.com.", true }, /* fully qualified */
                { "~corp", true },        /* route-only */
                { "~.", true },           /* route everything here */
                { "", false },
                { "~", false },
                { "a..b", false },
                { ".example.com", false },
                { "exa mple.com", false },
                { "exa/mple.com", false },
                { "~~corp", false },
                { "example.com..", false },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                test_dns_domain_valid_one(cases[i].s, cases[i].valid);

        memset(label63, 'a', 63);
        label63[63] = 0;
        memset(label64, 'a', 64);
        label64[64] = 0;
        test_dns_domain_valid_one(label63, true);
        test_dns_domain_valid_one(label64, false);

        /* 4 labels of 63 + 3 dots = 255 characters: above the 253 limit. */
        snprintf(long_name, sizeof(long_name), "%s.%s.%s.%s", label63, label63, label63, label63);
        test_dns_domain_valid_one(long_name, false);
        /* 3 × 63 + 2 dots + 61 + 1 dot = 253: the limit. */
        snprintf(long_name, sizeof(long_name), "%s.%s.%s.%.61s", label63, label63, label63, label63);
        ck_assert_uint_eq(strlen(long_name), 253);
        test_dns_domain_valid_one(long_name, true);
}
END_TEST

/* ---- in-addr-util ---- */

static void test_in_addr_prefix_one(
        const char *s, bool allow_no_prefix, int expected, int family, const char *addr,
        unsigned prefixlen) {
        union in_addr_union a = {}, want = {};
        uint8_t plen = 0xee;
        int f = 0xee, r;

        r = in_addr_prefix_from_string_auto(s, allow_no_prefix, &f, &a, &plen);
        ck_assert_msg(
                r == expected, "in_addr_prefix_from_string_auto(\"%s\", %d) = %d, expected %d", s,
                allow_no_prefix, r, expected);
        if (r < 0) {
                ck_assert_msg(f == 0xee && plen == 0xee, "\"%s\": out-parameters written on failure", s);
                return;
        }
        ck_assert_int_eq(f, family);
        ck_assert_int_eq(inet_pton(family, addr, &want), 1);
        ck_assert_msg(in_addr_equal(family, &a, &want), "\"%s\": wrong address", s);
        ck_assert_uint_eq(plen, prefixlen);
}

START_TEST(test_in_addr_prefix_from_string_auto) {
        static const struct {
                const char *s;
                bool allow_no_prefix;
                int expected, family;
                const char *addr;
                unsigned prefixlen;
        } cases[] = {
                { "192.0.2.1/24", false, 0, AF_INET, "192.0.2.1", 24 }, /* host bits are kept */
                { "192.0.2.0/0", false, 0, AF_INET, "192.0.2.0", 0 },
                { "192.0.2.1/32", false, 0, AF_INET, "192.0.2.1", 32 },
                { "2001:db8:1::1/32", false, 0, AF_INET6, "2001:db8:1::1", 32 },
                { "2001:db8::/128", false, 0, AF_INET6, "2001:db8::", 128 },
                { "fe80::1/64", false, 0, AF_INET6, "fe80::1", 64 },
                { "::ffff:192.0.2.1/96", false, 0, AF_INET6, "::ffff:192.0.2.1", 96 },
                { "192.0.2.1", true, 0, AF_INET, "192.0.2.1", 32 },
                { "2001:db8::1", true, 0, AF_INET6, "2001:db8::1", 128 },
                { "192.0.2.1", false, -EINVAL, 0, NULL, 0 },
                { "192.0.2.1/33", false, -ERANGE, 0, NULL, 0 },
                { "2001:db8::1/129", false, -ERANGE, 0, NULL, 0 },
                { "192.0.2.1/99999999999999999999999", false, -ERANGE, 0, NULL, 0 },
                { "192.0.2.1/", false, -EINVAL, 0, NULL, 0 },
                { "192.0.2.1/-1", false, -EINVAL, 0, NULL, 0 },
                { "192.0.2.1/+8", false, -EINVAL, 0, NULL, 0 },
                { "192.0.2.1/ 8", false, -EINVAL, 0, NULL, 0 },
                { "192.0.2.1/24x", false, -EINVAL, 0, NULL, 0 }, /* syntax, not range */
                { "192.0.2.1/24/8", false, -EINVAL, 0, NULL, 0 },
                { "/24", false, -EINVAL, 0, NULL, 0 },
                { "192.0.2/24", false, -EINVAL, 0, NULL, 0 },
                { "192.0.2.256/24", false, -EINVAL, 0, NULL, 0 },
                { "host.example/24", false, -EINVAL, 0, NULL, 0 },
                { "", false, -EINVAL, 0, NULL, 0 },
                { "", true, -EINVAL, 0, NULL, 0 },
                { "2001:db8:0000:0000:0000:0000:0000:0000:0001/64", false, -EINVAL, 0, NULL, 0 },
                /* Longer than INET6_ADDRSTRLEN before the slash. */
                { "0000:0000:0000:0000:0000:ffff:255.255.255.255555/64", false, -EINVAL, 0, NULL, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                test_in_addr_prefix_one(
                        cases[i].s, cases[i].allow_no_prefix, cases[i].expected, cases[i].family,
                        cases[i].addr, cases[i].prefixlen);
}
END_TEST

static union in_addr_union addr_of(int family, const char *s) {
        union in_addr_union a = {};

        ck_assert_msg(inet_pton(family, s, &a) == 1, "bad test address %s", s);
        return a;
}

static void
test_in_addr_prefix_covers_one(int family, const char *prefix, unsigned plen, const char *a, bool expected) {
        union in_addr_union p = addr_of(family, prefix), x = addr_of(family, a);

        ck_assert_msg(
                in_addr_prefix_covers(family, &p, (uint8_t) plen, &x) == expected, "%s/%u covers %s != %d",
                prefix, plen, a, expected);
}

START_TEST(test_in_addr_prefix_covers) {
        static const struct {
                int family;
                const char *prefix;
                unsigned plen;
                const char *a;
                bool expected;
        } cases[] = {
                { AF_INET, "192.0.2.1", 24, "192.0.2.254", true },
                { AF_INET, "192.0.2.1", 24, "192.0.3.1", false },
                { AF_INET, "192.0.2.1", 32, "192.0.2.1", true },
                { AF_INET, "192.0.2.1", 32, "192.0.2.2", false },
                { AF_INET, "10.0.0.0", 0, "203.0.113.9", true },
                { AF_INET, "10.0.0.0", 9, "10.127.255.255", true },
                { AF_INET, "10.0.0.0", 9, "10.128.0.0", false },
                { AF_INET, "192.0.2.129", 25, "192.0.2.128", true },
                { AF_INET, "192.0.2.129", 25, "192.0.2.127", false },
                { AF_INET6, "2001:db8:1::1", 32, "2001:db8:1::fffe", true },
                { AF_INET6, "2001:db8:1::1", 32, "2001:db8:ffff::1", true },
                { AF_INET6, "2001:db8:1::1", 48, "2001:db8:2::1", false },
                { AF_INET6, "2001:db8::", 127, "2001:db8::1", true },
                { AF_INET6, "2001:db8::", 128, "2001:db8::1", false },
                { AF_INET6, "::", 0, "fe80::1", true },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                test_in_addr_prefix_covers_one(
                        cases[i].family, cases[i].prefix, cases[i].plen, cases[i].a, cases[i].expected);
}
END_TEST

static void test_in_addr_mask_one(int family, const char *in, unsigned plen, const char *out) {
        union in_addr_union a = addr_of(family, in), want = addr_of(family, out);
        char buf[INET6_ADDRSTRLEN];

        in_addr_mask(family, &a, (uint8_t) plen);
        ck_assert_int_eq(in_addr_to_string(family, &a, buf, sizeof(buf)), 0);
        ck_assert_msg(
                in_addr_equal(family, &a, &want), "%s/%u masked to %s, expected %s", in, plen, buf, out);
}

START_TEST(test_in_addr_mask) {
        static const struct {
                int family;
                const char *in;
                unsigned plen;
                const char *out;
        } cases[] = {
                { AF_INET, "192.0.2.77", 24, "192.0.2.0" },
                { AF_INET, "192.0.2.255", 25, "192.0.2.128" },
                { AF_INET, "255.255.255.255", 0, "0.0.0.0" },
                { AF_INET, "255.255.255.255", 1, "128.0.0.0" },
                { AF_INET, "255.255.255.255", 31, "255.255.255.254" },
                { AF_INET, "255.255.255.255", 32, "255.255.255.255" },
                { AF_INET, "10.200.3.4", 9, "10.128.0.0" },
                { AF_INET6, "2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::" },
                { AF_INET6, "2001:db8:1:2:3:4:5:6", 32, "2001:db8::" },
                { AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 127,
                  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe" },
                { AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128,
                  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
                { AF_INET6, "ffff::1", 0, "::" },
                { AF_INET6, "fe80::1234", 10, "fe80::" },
                { AF_INET6, "febf::1234", 10, "fe80::" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                test_in_addr_mask_one(cases[i].family, cases[i].in, cases[i].plen, cases[i].out);
}
END_TEST

START_TEST(test_in_addr_mask_ipv4_keeps_tail) {
        /* Masking an IPv4 address must not touch the bytes behind the 4 it has. */
        union in_addr_union a = addr_of(AF_INET, "192.0.2.77");

        memset(a.bytes + 4, 0xab, 12);
        in_addr_mask(AF_INET, &a, 8);
        ck_assert_uint_eq(a.bytes[0], 192);
        ck_assert_uint_eq(a.bytes[1], 0);
        ck_assert_uint_eq(a.bytes[3], 0);
        for (size_t i = 4; i < 16; i++)
                ck_assert_uint_eq(a.bytes[i], 0xab);
}
END_TEST

START_TEST(test_in_addr_is_link_local) {
        static const struct {
                int family;
                const char *a;
                bool expected;
        } cases[] = {
                { AF_INET, "169.254.0.1", true },
                { AF_INET, "169.254.255.255", true },
                { AF_INET, "169.253.0.1", false },
                { AF_INET, "169.255.0.1", false },
                { AF_INET, "192.0.2.1", false },
                { AF_INET6, "fe80::1", true },
                { AF_INET6, "febf:ffff::1", true },
                { AF_INET6, "fec0::1", false }, /* site-local, not fe80::/10 */
                { AF_INET6, "fe7f::1", false },
                { AF_INET6, "2001:db8::1", false },
                { AF_INET6, "::1", false },
                { AF_INET6, "ff02::1", false },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                union in_addr_union a = addr_of(cases[i].family, cases[i].a);

                ck_assert_msg(
                        in_addr_is_link_local(cases[i].family, &a) == cases[i].expected,
                        "in_addr_is_link_local(%s) != %d", cases[i].a, cases[i].expected);
        }
}
END_TEST

START_TEST(test_in_addr_to_string) {
        union in_addr_union a = addr_of(AF_INET6, "2001:db8:0:0:0:0:0:1");
        char buf[IN_ADDR_PREFIX_STRLEN], small[8];

        ck_assert_int_eq(in_addr_prefix_to_string(AF_INET6, &a, 64, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "2001:db8::1/64");
        a = addr_of(AF_INET, "192.0.2.1");
        ck_assert_int_eq(in_addr_prefix_to_string(AF_INET, &a, 24, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "192.0.2.1/24");
        ck_assert_int_lt(in_addr_to_string(AF_INET, &a, small, sizeof(small)), 0);
        ck_assert_int_lt(
                in_addr_prefix_to_string(AF_INET, &a, 24, buf, 10), 0); /* "192.0.2.1" fits, "/24" not */
        ck_assert(in_addr_is_null(AF_INET6, &(union in_addr_union){}));
        ck_assert(!in_addr_is_null(AF_INET, &a));
}
END_TEST

/* Table= and Priority= sums, and table names as iproute2 reads them (rt_tables, then the .conf files of rt_tables.d). */
START_TEST(test_u32_sum_and_table_names) {
        char dir[] = "/tmp/test-rt-tables-XXXXXX", path[256], dpath[300], conf[320];
        const char *files[] = { path, NULL };
        uint32_t v = 0;
        FILE *f;

        ck_assert_int_eq(parse_u32_sum("100", &v), 0);
        ck_assert_uint_eq(v, 100);
        ck_assert_int_eq(parse_u32_sum("100+7+1", &v), 0);
        ck_assert_uint_eq(v, 108);
        ck_assert_int_eq(parse_u32_sum("4294967295", &v), 0);
        ck_assert_int_eq(parse_u32_sum("4294967295+1", &v), -ERANGE);
        ck_assert_int_eq(parse_u32_sum("99999999999", &v), -ERANGE);
        ck_assert_int_eq(parse_u32_sum("1+", &v), -EINVAL);
        ck_assert_int_eq(parse_u32_sum("+1", &v), -EINVAL);
        ck_assert_int_eq(parse_u32_sum("1 + 2", &v), -EINVAL);
        ck_assert_int_eq(parse_u32_sum("0x10", &v), -EINVAL);
        ck_assert_int_eq(parse_u32_sum("", &v), -EINVAL);

        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/rt_tables", dir);
        snprintf(dpath, sizeof(dpath), "%s.d", path);
        snprintf(conf, sizeof(conf), "%s/rails.conf", dpath);
        f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs("# reserved values\n255\tlocal\n254\tmain\n# 100 commented\n0x65 rail1\n", f);
        fclose(f);
        ck_assert_int_eq(mkdir(dpath, 0755), 0);
        f = fopen(conf, "w");
        ck_assert_ptr_nonnull(f);
        fputs("107 rail7\n", f);
        fclose(f);
        ck_assert_int_eq(route_table_from_name(files, "rail1", &v), 0);
        ck_assert_uint_eq(v, 101);
        ck_assert_int_eq(route_table_from_name(files, "rail7", &v), 0);
        ck_assert_uint_eq(v, 107);
        ck_assert_int_eq(route_table_from_name(files, "commented", &v), -ENOENT);
        ck_assert_int_eq(route_table_from_name(files, "rail2", &v), -ENOENT);
        unlink(conf);
        rmdir(dpath);
        unlink(path);
        rmdir(dir);
}
END_TEST

Suite *make_parse_util_suite(void) {
        Suite *s = suite_create("parse-util");
        TCase *tc;

        tc = tcase_create("numbers");
        tcase_add_test(tc, test_strv_remove);
        tcase_add_test(tc, test_parse_boolean);
        tcase_add_test(tc, test_safe_atou32);
        tcase_add_test(tc, test_parse_pkey);
        tcase_add_test(tc, test_pkey_likely_intent);
        tcase_add_test(tc, test_parse_ipoib_hwaddr_guid);
        tcase_add_test(tc, test_parse_mtu);
        suite_add_tcase(s, tc);

        tc = tcase_create("guid");
        tcase_add_test(tc, test_parse_guid);
        tcase_add_test(tc, test_format_guid);
        suite_add_tcase(s, tc);

        tc = tcase_create("names");
        tcase_add_test(tc, test_ifname_valid);
        tcase_add_test(tc, test_ifname_glob_valid);
        tcase_add_test(tc, test_rdma_device_name_valid);
        tcase_add_test(tc, test_dns_domain_valid);
        suite_add_tcase(s, tc);

        tc = tcase_create("in-addr");
        tcase_add_test(tc, test_in_addr_prefix_from_string_auto);
        tcase_add_test(tc, test_in_addr_prefix_covers);
        tcase_add_test(tc, test_in_addr_mask);
        tcase_add_test(tc, test_in_addr_mask_ipv4_keeps_tail);
        tcase_add_test(tc, test_in_addr_is_link_local);
        tcase_add_test(tc, test_in_addr_to_string);
        tcase_add_test(tc, test_u32_sum_and_table_names);
        suite_add_tcase(s, tc);

        return s;
}
