/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Diagnostics about configuration: collected, never logged here (src/shared does no logging).
 * The callers decide how to show them: ipoibctl prints text or JSON, the agent logs them. */

#include <stdarg.h>
#include <stddef.h>

#include "macros.h"

typedef enum DiagLevel {
        DIAG_ERROR,
        DIAG_WARNING,
        DIAG_NOTICE,
        _DIAG_LEVEL_MAX,
        _DIAG_LEVEL_INVALID = -EINVAL,
} DiagLevel;

typedef struct Diag {
        DiagLevel level;
        char *path;
        unsigned line; /* 0 = the file as a whole */
        char *message; /* "what is wrong; what to do" */
        size_t seq;    /* insertion order, keeps sorting stable */
} Diag;

typedef struct DiagList {
        Diag *items;
        size_t n, allocated;
} DiagList;

int diag_add(DiagList *l, DiagLevel level, const char *path, unsigned line, const char *fmt, ...)
                _printf_(5, 6);
int diag_addv(DiagList *l, DiagLevel level, const char *path, unsigned line, const char *fmt, va_list ap)
                _printf_(5, 0);
size_t diag_count(const DiagList *l, DiagLevel level) _pure_;
size_t diag_count_path(const DiagList *l, DiagLevel level, const char *path) _pure_;
/* Orders by path (alphabetically), then line, keeping insertion order within a line. */
void diag_sort(DiagList *l);
void diag_list_done(DiagList *l);
/* "path:line: error: message" into a newly allocated string. */
char *diag_format(const Diag *d);

const char *diag_level_to_string(DiagLevel l) _const_;
