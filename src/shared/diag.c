/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <stdio.h>

#include "diag.h"

static const char *const diag_level_table[_DIAG_LEVEL_MAX] = {
        [DIAG_ERROR] = "error",
        [DIAG_WARNING] = "warning",
        [DIAG_NOTICE] = "notice",
};

DEFINE_STRING_TABLE_LOOKUP_TO_STRING(diag_level, DiagLevel);

int diag_addv(DiagList *l, DiagLevel level, const char *path, unsigned line, const char *fmt, va_list ap) {
        _cleanup_free_ char *m = NULL, *p = NULL;

        if (vasprintf(&m, fmt, ap) < 0)
                return -ENOMEM;
        p = strdup(path ?: "");
        if (!p)
                return -ENOMEM;
        if (!GREEDY_REALLOC(l->items, l->allocated, l->n + 1))
                return -ENOMEM;
        l->items[l->n] = (Diag) {
                .level = level,
                .path = TAKE_PTR(p),
                .line = line,
                .message = TAKE_PTR(m),
                .seq = l->n,
        };
        l->n++;
        return 0;
}

int diag_add(DiagList *l, DiagLevel level, const char *path, unsigned line, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = diag_addv(l, level, path, line, fmt, ap);
        va_end(ap);
        return r;
}

size_t diag_count(const DiagList *l, DiagLevel level) {
        size_t n = 0;

        FOREACH_ARRAY(d, l->items, l->n)
                if (d->level == level)
                        n++;
        return n;
}

size_t diag_count_path(const DiagList *l, DiagLevel level, const char *path) {
        size_t n = 0;

        FOREACH_ARRAY(d, l->items, l->n)
                if (d->level == level && streq(d->path, path))
                        n++;
        return n;
}

static int diag_cmp(const void *a, const void *b) {
        const Diag *x = a, *y = b;
        int c = strcmp(x->path, y->path);

        if (c != 0)
                return c;
        if (x->line != y->line)
                return x->line < y->line ? -1 : 1;
        /* qsort is not stable: keep insertion order for the same line. */
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diag_sort(DiagList *l) {
        if (l->n > 1)
                qsort(l->items, l->n, sizeof(Diag), diag_cmp);
}

void diag_list_done(DiagList *l) {
        FOREACH_ARRAY(d, l->items, l->n) {
                free(d->path);
                free(d->message);
        }
        l->items = mfree(l->items);
        l->n = l->allocated = 0;
}

char *diag_format(const Diag *d) {
        char *s;
        int r;

        if (d->line > 0)
                r = asprintf(&s, "%s:%u: %s: %s", d->path, d->line, diag_level_to_string(d->level),
                             d->message);
        else
                r = asprintf(&s, "%s: %s: %s", d->path, diag_level_to_string(d->level), d->message);
        return r < 0 ? NULL : s;
}
