/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "in-addr-util.h"
#include "macros.h"

int in_addr_from_string_auto(const char *s, int *ret_family, union in_addr_union *ret) {
        union in_addr_union a = {};

        if (inet_pton(AF_INET, s, &a.in) == 1) {
                if (ret_family)
                        *ret_family = AF_INET;
                if (ret)
                        *ret = a;
                return 0;
        }
        if (inet_pton(AF_INET6, s, &a.in6) == 1) {
                if (ret_family)
                        *ret_family = AF_INET6;
                if (ret)
                        *ret = a;
                return 0;
        }
        return -EINVAL;
}

int in_addr_prefix_from_string_auto(
                const char *s, bool allow_no_prefix, int *ret_family, union in_addr_union *ret,
                uint8_t *ret_prefixlen) {
        char buf[INET6_ADDRSTRLEN];
        const char *slash = strchr(s, '/');
        union in_addr_union a;
        unsigned long plen;
        int family, r;

        if (!slash) {
                if (!allow_no_prefix)
                        return -EINVAL;
                r = in_addr_from_string_auto(s, &family, &a);
                if (r < 0)
                        return r;
                plen = family_max_prefixlen(family);
        } else {
                char *end;

                if ((size_t) (slash - s) >= sizeof(buf))
                        return -EINVAL;
                memcpy(buf, s, slash - s);
                buf[slash - s] = 0;
                r = in_addr_from_string_auto(buf, &family, &a);
                if (r < 0)
                        return r;
                if (slash[1] < '0' || slash[1] > '9')
                        return -EINVAL;
                errno = 0;
                plen = strtoul(slash + 1, &end, 10);
                if (*end != 0)
                        return -EINVAL;
                if (errno != 0 || plen > family_max_prefixlen(family))
                        return -ERANGE;
        }
        if (ret_family)
                *ret_family = family;
        if (ret)
                *ret = a;
        if (ret_prefixlen)
                *ret_prefixlen = (uint8_t) plen;
        return 0;
}

int in_addr_to_string(int family, const union in_addr_union *a, char *buf, size_t size) {
        if (!inet_ntop(family, a, buf, size))
                return negative_errno();
        return 0;
}

int in_addr_prefix_to_string(
                int family, const union in_addr_union *a, uint8_t prefixlen, char *buf, size_t size) {
        size_t l;
        int r;

        r = in_addr_to_string(family, a, buf, size);
        if (r < 0)
                return r;
        l = strlen(buf);
        if ((size_t) snprintf(buf + l, size - l, "/%u", prefixlen) >= size - l)
                return -ENOBUFS;
        return 0;
}

bool in_addr_equal(int family, const union in_addr_union *a, const union in_addr_union *b) {
        return memcmp(a, b, family_address_size(family)) == 0;
}

int in_addr_compare(int family, const union in_addr_union *a, const union in_addr_union *b) {
        return memcmp(a, b, family_address_size(family));
}

bool in_addr_is_null(int family, const union in_addr_union *a) {
        static const union in_addr_union null = {};
        return in_addr_equal(family, a, &null);
}

void in_addr_mask(int family, union in_addr_union *a, uint8_t prefixlen) {
        unsigned n = family_address_size(family);

        for (unsigned i = 0; i < n; i++) {
                if (prefixlen >= 8) {
                        prefixlen -= 8;
                        continue;
                }
                a->bytes[i] &= (uint8_t) (0xff00 >> prefixlen);
                prefixlen = 0;
        }
}

bool in_addr_prefix_covers(
                int family, const union in_addr_union *prefix, uint8_t prefixlen, const union in_addr_union *a) {
        union in_addr_union p = *prefix, x = *a;

        in_addr_mask(family, &p, prefixlen);
        in_addr_mask(family, &x, prefixlen);
        return in_addr_equal(family, &p, &x);
}

bool in_addr_is_link_local(int family, const union in_addr_union *a) {
        if (family == AF_INET)
                return (be32toh(a->in.s_addr) & 0xffff0000U) == 0xa9fe0000U; /* 169.254/16 */
        return a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;        /* fe80::/10 */
}
