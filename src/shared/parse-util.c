/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <strings.h>

#include "macros.h"
#include "parse-util.h"

int parse_boolean(const char *s) {
        static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
        static const char *const no[] = { "0", "no", "n", "false", "f", "off" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (strcasecmp(s, yes[i]) == 0)
                        return 1;
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                if (strcasecmp(s, no[i]) == 0)
                        return 0;
        return -EINVAL;
}

static int parse_u64_digits(const char *s, int base, uint64_t max, uint64_t *ret) {
        uint64_t v = 0;

        if (!*s)
                return -EINVAL;
        for (; *s; s++) {
                int d;

                if (*s >= '0' && *s <= '9')
                        d = *s - '0';
                else if (base == 16 && isxdigit((unsigned char) *s))
                        d = tolower((unsigned char) *s) - 'a' + 10;
                else
                        return -EINVAL;
                if (v > (max - d) / base)
                        return -ERANGE;
                v = v * base + d;
        }
        *ret = v;
        return 0;
}

int safe_atou32(const char *s, uint32_t *ret) {
        uint64_t v;
        int r;

        r = parse_u64_digits(s, 10, UINT32_MAX, &v);
        if (r < 0)
                return r;
        *ret = (uint32_t) v;
        return 0;
}

int safe_atou32_base(const char *s, uint32_t *ret) {
        const char *h = startswith(s, "0x") ?: startswith(s, "0X");
        uint64_t v;
        int r;

        r = parse_u64_digits(h ?: s, h ? 16 : 10, UINT32_MAX, &v);
        if (r < 0)
                return r;
        *ret = (uint32_t) v;
        return 0;
}

int parse_pkey(const char *s, uint16_t *ret) {
        const char *h = startswith(s, "0x") ?: startswith(s, "0X");
        uint64_t v;
        int r;

        if (!h)
                return -EINVAL;
        r = parse_u64_digits(h, 16, UINT32_MAX, &v);
        if (r < 0)
                return r;
        if (v > 0xffff)
                return -ERANGE;
        if (v == 0 || v == 0x8000) /* __ipoib_vlan_add(): "pkey == 0 || pkey == 0x8000" */
                return -EDOM;
        *ret = (uint16_t) v;
        return 0;
}

int pkey_likely_intent(const char *s, uint16_t *ret) {
        uint64_t v;

        if (strlen(s) <= 4 && parse_u64_digits(s, 16, 0xffff, &v) >= 0) {
                /* Looks like the hex of "ib0.8002": that is the intent, usable or not. */
                if (v == 0 || v == 0x8000)
                        return -EINVAL;
                *ret = (uint16_t) v;
                return 0;
        }
        if (parse_u64_digits(s, 10, 0xffff, &v) >= 0 && v != 0 && v != 0x8000) {
                *ret = (uint16_t) v;
                return 0;
        }
        return -EINVAL;
}

int parse_ipoib_hwaddr_guid(const char *s, uint64_t *ret) {
        uint64_t g = 0;
        size_t i;

        /* 20 bytes: 4 of flags and QPN, 8 of subnet prefix, 8 of port GUID. */
        for (i = 0; i < 20; i++, s += 3) {
                if (!isxdigit((unsigned char) s[0]) || !isxdigit((unsigned char) s[1]) ||
                    s[2] != (i == 19 ? 0 : ':'))
                        return -EINVAL;
                if (i >= 12) {
                        char byte[3] = { s[0], s[1], 0 };

                        g = (g << 8) | strtoul(byte, NULL, 16);
                }
        }
        *ret = g;
        return 0;
}

int parse_guid(const char *s, uint64_t *ret) {
        char hex[17];
        size_t n = 0;
        const char *p;

        if ((p = startswith(s, "0x")) || (p = startswith(s, "0X"))) {
                size_t l = strlen(p);

                if (l != 16)
                        return -EINVAL;
                memcpy(hex, p, 16);
                n = 16;
        } else {
                /* Groups of 4 ("0002:c903:0001:2345") or of 2 ("00:02:c9:..."), one separator kind. */
                size_t group = 0, groups = 0, glen = 0;

                for (p = s; *p; p++) {
                        if (*p == ':') {
                                if (group == 0 || (glen && group != glen))
                                        return -EINVAL;
                                glen = group;
                                group = 0;
                                groups++;
                                continue;
                        }
                        if (!isxdigit((unsigned char) *p) || n >= 16)
                                return -EINVAL;
                        hex[n++] = *p;
                        group++;
                }
                if (group != glen || !((glen == 4 && groups == 3) || (glen == 2 && groups == 7)))
                        return -EINVAL;
        }
        if (n != 16)
                return -EINVAL;
        hex[16] = 0;

        uint64_t v = 0;
        for (size_t i = 0; i < 16; i++) {
                if (!isxdigit((unsigned char) hex[i]))
                        return -EINVAL;
                v = (v << 4) | (uint64_t) (isdigit((unsigned char) hex[i]) ? hex[i] - '0'
                                                                             : tolower((unsigned char) hex[i]) - 'a' + 10);
        }
        *ret = v;
        return 0;
}

char *format_guid(uint64_t g, char buf[static GUID_STRING_MAX]) {
        snprintf(buf, GUID_STRING_MAX, "%04x:%04x:%04x:%04x", (unsigned) (g >> 48) & 0xffff,
                 (unsigned) (g >> 32) & 0xffff, (unsigned) (g >> 16) & 0xffff, (unsigned) g & 0xffff);
        return buf;
}

int parse_mtu(const char *s, uint32_t *ret, bool *ret_max) {
        uint32_t v;
        int r;

        if (streq(s, "max")) {
                *ret = 0;
                *ret_max = true;
                return 0;
        }
        r = safe_atou32(s, &v);
        if (r < 0)
                return r;
        if (v < 68 || v > 65535) /* ETH_MIN_MTU .. IP_MAX_MTU */
                return -ERANGE;
        *ret = v;
        *ret_max = false;
        return 0;
}

bool ifname_valid(const char *s) {
        size_t l = strlen(s);

        if (l == 0 || l > 15 || streq(s, ".") || streq(s, ".."))
                return false;
        for (; *s; s++)
                if (*s == '/' || *s == ':' || isspace((unsigned char) *s) || !isprint((unsigned char) *s))
                        return false;
        return true;
}

bool ifname_glob_valid(const char *s) {
        /* Wildcards make a glob longer than the names it matches, so allow up to 64. */
        if (strlen(s) == 0 || strlen(s) > 64)
                return false;
        for (; *s; s++)
                if (*s == '/' || *s == ':' || isspace((unsigned char) *s) || !isprint((unsigned char) *s))
                        return false;
        return true;
}

bool rdma_device_name_valid(const char *s) {
        size_t l = strlen(s);

        if (l == 0 || l > 63)
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char) *s) && !strchr("_.-", *s))
                        return false;
        return true;
}

bool rdma_device_glob_valid(const char *s) {
        size_t l = strlen(s);

        if (l == 0 || l > 63)
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char) *s) && !strchr("_.-*?[]!", *s))
                        return false;
        return true;
}

bool dns_domain_valid(const char *s) {
        size_t label = 0, total = 0;

        if (*s == '~')
                s++;
        if (streq(s, ".")) /* "~." routes everything to this link */
                return true;
        if (!*s)
                return false;
        for (; *s; s++, total++) {
                if (*s == '.') {
                        if (label == 0)
                                return false;
                        label = 0;
                        continue;
                }
                if (!isalnum((unsigned char) *s) && *s != '-' && *s != '_')
                        return false;
                if (++label > 63)
                        return false;
        }
        return total <= 253;
}

int parse_u32_sum(const char *s, uint32_t *ret) {
        uint64_t sum = 0;
        const char *p = s;

        for (;;) {
                size_t l = strspn(p, "0123456789");
                char term[16];
                uint32_t v;

                if (l == 0 || l >= sizeof(term))
                        return l == 0 ? -EINVAL : -ERANGE;
                memcpy(term, p, l);
                term[l] = 0;
                if (safe_atou32(term, &v) < 0)
                        return -ERANGE;
                sum += v;
                if (sum > UINT32_MAX)
                        return -ERANGE;
                p += l;
                if (*p == 0)
                        break;
                if (*p != '+')
                        return -EINVAL;
                p++;
        }
        *ret = (uint32_t) sum;
        return 0;
}

const char *const route_table_files[] = {
        "/etc/iproute2/rt_tables",
        "/usr/share/iproute2/rt_tables", /* iproute2 6.5+ */
        "/usr/lib/iproute2/rt_tables",
        NULL,
};

static int route_table_from_file(const char *path, const char *name, uint32_t *ret) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char line[256];

        if (!f)
                return -ENOENT;
        while (fgets(line, sizeof(line), f)) {
                char id[32], n[128];
                uint32_t v;

                if (sscanf(line, " %31s %127s", id, n) != 2 || id[0] == '#')
                        continue;
                if (streq(n, name) && safe_atou32_base(id, &v) >= 0) {
                        *ret = v;
                        return 0;
                }
        }
        return -ENOENT;
}

int route_table_from_name(const char *const *files, const char *name, uint32_t *ret) {
        for (const char *const *f = files; *f; f++) {
                _cleanup_free_ char *pattern = NULL;
                glob_t g = {};

                if (route_table_from_file(*f, name, ret) >= 0)
                        return 0;
                if (asprintf(&pattern, "%s.d/*.conf", *f) < 0)
                        return -ENOMEM;
                if (glob(pattern, 0, NULL, &g) == 0)
                        for (size_t i = 0; i < g.gl_pathc; i++)
                                if (route_table_from_file(g.gl_pathv[i], name, ret) >= 0) {
                                        globfree(&g);
                                        return 0;
                                }
                globfree(&g);
        }
        return -ENOENT;
}
