/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

union in_addr_union {
        struct in_addr in;
        struct in6_addr in6;
        uint8_t bytes[16];
};

/* INET6_ADDRSTRLEN + "/128" */
#define IN_ADDR_PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)

static inline unsigned family_address_size(int family) {
        return family == AF_INET ? 4 : 16;
}
static inline unsigned family_max_prefixlen(int family) {
        return family == AF_INET ? 32 : 128;
}

/* "192.0.2.1" or "2001:db8::1"; family out-parameter. */
int in_addr_from_string_auto(const char *s, int *ret_family, union in_addr_union *ret);
/* "192.0.2.1/24"; a missing "/N" is -EINVAL unless allow_no_prefix (then full length). */
int in_addr_prefix_from_string_auto(
                const char *s, bool allow_no_prefix, int *ret_family, union in_addr_union *ret,
                uint8_t *ret_prefixlen);
int in_addr_to_string(int family, const union in_addr_union *a, char *buf, size_t size);
int in_addr_prefix_to_string(
                int family, const union in_addr_union *a, uint8_t prefixlen, char *buf, size_t size);
bool in_addr_equal(int family, const union in_addr_union *a, const union in_addr_union *b);
bool in_addr_is_null(int family, const union in_addr_union *a);
/* True when a and b agree in their first prefixlen bits. */
bool in_addr_prefix_covers(
                int family, const union in_addr_union *prefix, uint8_t prefixlen, const union in_addr_union *a);
/* Clears the host bits. */
void in_addr_mask(int family, union in_addr_union *a, uint8_t prefixlen);
bool in_addr_is_link_local(int family, const union in_addr_union *a);
/* memcmp() order of the address bytes: for sorting (repeat and route-key checks). */
int in_addr_compare(int family, const union in_addr_union *a, const union in_addr_union *b);
