/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Helpers of the netlink suites: Actions from strings, built messages, byte comparisons. */

#include <check.h>
#include <stdio.h>

#include "action.h"
#include "nl-build.h"

static inline Action act_addr(ActionType t, int ifindex, const char *prefix) {
        Action a = { .type = t, .ifindex = ifindex };

        ck_assert_int_eq(in_addr_prefix_from_string_auto(prefix, false, &a.address.family, &a.address.addr,
                                                         &a.address.prefixlen),
                         0);
        return a;
}

static inline Action act_route(ActionType t, int ifindex, const char *dst, const char *gw, uint32_t metric) {
        Action a = { .type = t, .ifindex = ifindex };

        ck_assert_int_eq(in_addr_prefix_from_string_auto(dst, false, &a.route.family, &a.route.dst,
                                                         &a.route.dst_len),
                         0);
        if (gw) {
                int f;

                ck_assert_int_eq(in_addr_from_string_auto(gw, &f, &a.route.gw), 0);
                ck_assert_int_eq(f, a.route.family);
                a.route.has_gw = true;
        }
        a.route.metric = metric;
        return a;
}

static inline Action act_child(int parent, const char *name, uint16_t pkey, int mode, int umcast) {
        Action a = { .type = ACTION_CHILD_CREATE, .ifindex = parent };

        snprintf(a.child.name, sizeof(a.child.name), "%s", name);
        a.child.pkey = pkey;
        a.child.mode = mode;
        a.child.umcast = umcast;
        return a;
}

static inline struct nl_msg *build(const Action *a) {
        struct nl_msg *m = NULL;

        ck_assert_int_eq(nl_build_action(a, &m), 0);
        return m;
}

static inline char *hex(const void *p, size_t n) {
        char *s = malloc(n * 3 + 1);

        ck_assert_ptr_nonnull(s);
        s[0] = 0;
        for (size_t i = 0; i < n; i++)
                sprintf(s + i * 3, "%02x ", ((const uint8_t *) p)[i]);
        return s;
}

static inline void assert_bytes(const void *got, size_t got_len, const void *want, size_t want_len) {
        if (got_len != want_len || memcmp(got, want, want_len) != 0) {
                _cleanup_free_ char *g = hex(got, got_len), *w = hex(want, want_len);

                ck_abort_msg("bytes differ:\n got  %s\n want %s", g, w);
        }
}
