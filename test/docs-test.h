/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the documentation checks: suite-docs.c (the schema, the examples) builds the "docs" suite
 * and adds the test cases of suite-docs-api.c (ipoibctl's verbs, the D-Bus API, the kernel notes). */

#include <check.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>

#include "macros.h"

/* Problems are collected, printed one per line and asserted at the end, so one run names them all. */
typedef struct Problems {
        char *first;
        unsigned n;
        bool quiet; /* count only: another test reports these */
} Problems;

static inline void problems_done(Problems *p) {
        p->first = mfree(p->first);
        p->n = 0;
}

_printf_(2, 3) static inline void problem(Problems *p, const char *fmt, ...) {
        _cleanup_free_ char *s = NULL;
        va_list ap;

        va_start(ap, fmt);
        ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
        va_end(ap);
        if (!p->quiet)
                fprintf(stderr, "docs: %s\n", s);
        if (!p->first)
                p->first = TAKE_PTR(s);
        p->n++;
}

#define assert_no_problems(p)                                                                                \
        ck_assert_msg((p)->n == 0, "%u problem(s), the first: %s", (p)->n, strna((p)->first))

static inline char *strip(char *s) {
        char *e;

        while (isspace((unsigned char) *s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char) e[-1]))
                *--e = 0;
        return s;
}

void docs_test_add_api_tcases(Suite *s);
