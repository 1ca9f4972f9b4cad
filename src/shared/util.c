/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>

#include "macros.h"
#include "strv.h"

const char *endswith(const char *s, const char *suffix) {
        size_t sl = strlen(s), xl = strlen(suffix);

        if (xl > sl)
                return NULL;
        return streq(s + sl - xl, suffix) ? s + sl - xl : NULL;
}

int write_file_atomic(const char *path, const char *text, bool sync) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t n = strlen(text);
        int r;

        if (asprintf(&tmp, "%s.XXXXXX", path) < 0) /* mkostemp()'s template */
                return -ENOMEM;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (fchmod(fd, 0644) < 0 || write(fd, text, n) != (ssize_t) n || (sync && fsync(fd) < 0) ||
            rename(tmp, path) < 0) {
                r = errno > 0 ? -errno : -EIO;
                (void) unlink(tmp);
                return r;
        }
        return 0;
}

bool stop_signal_pending(void) {
        sigset_t ss;

        return sigpending(&ss) == 0 && (sigismember(&ss, SIGTERM) == 1 || sigismember(&ss, SIGINT) == 1);
}

void *greedy_realloc(void **p, size_t *allocated, size_t need, size_t sz) {
        size_t n;
        void *q;

        if (*allocated >= need)
                return *p;
        /* The first allocation is what is asked for, then doubling: most arrays of the agent are per link
         * and hold 1 to 4 entries (its routes, addresses, the routes of a file), and a minimum of 8 made
         * them a third of the daemon's heap at 1000 links. */
        n = *allocated == 0 ? need : need * 2;
        if (n > SIZE_MAX / sz)
                return NULL;
        q = realloc(*p, n * sz);
        if (!q)
                return NULL;
        *p = q;
        *allocated = n;
        return q;
}

char **strv_free(char **l) {
        STRV_FOREACH(s, l)
                free(*s);
        free(l);
        return NULL;
}

size_t strv_length(char *const *l) {
        size_t n = 0;

        STRV_FOREACH(s, l)
                n++;
        return n;
}

int strv_consume(char ***l, char *value) {
        size_t n = strv_length(*l);
        char **c;

        if (!value)
                return -ENOMEM;
        c = realloc(*l, (n + 2) * sizeof(char *));
        if (!c) {
                free(value);
                return -ENOMEM;
        }
        c[n] = value;
        c[n + 1] = NULL;
        *l = c;
        return 0;
}

int strv_extend(char ***l, const char *value) {
        return strv_consume(l, strdup(value));
}

void strv_remove(char **l, const char *s) {
        char **w = l;

        STRV_FOREACH(i, l)
                if (streq(*i, s))
                        free(*i);
                else
                        *w++ = *i;
        if (w)
                *w = NULL;
}

bool strv_contains(char *const *l, const char *s) {
        STRV_FOREACH(i, l)
                if (streq(*i, s))
                        return true;
        return false;
}

char **strv_copy(char *const *l) {
        _cleanup_strv_free_ char **c = NULL;

        c = calloc(1, sizeof(char *));
        if (!c)
                return NULL;
        STRV_FOREACH(s, l)
                if (strv_extend(&c, *s) < 0)
                        return NULL;
        return TAKE_PTR(c);
}

bool strv_equal(char *const *a, char *const *b) {
        size_t i;

        for (i = 0; a && a[i]; i++)
                if (!b || !b[i] || !streq(a[i], b[i]))
                        return false;
        return !b || !b[i];
}

int strv_split_ws(const char *s, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        int r;

        l = calloc(1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        while (*s) {
                size_t n;

                while (isspace((unsigned char) *s))
                        s++;
                n = 0;
                while (s[n] && !isspace((unsigned char) s[n]))
                        n++;
                if (n == 0)
                        break;
                r = strv_consume(&l, strndup(s, n));
                if (r < 0)
                        return r;
                s += n;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

char *strv_join(char *const *l, const char *sep) {
        size_t n = 1, k = strlen(sep);
        char *r, *p;

        STRV_FOREACH(s, l)
                n += strlen(*s) + k;
        r = p = malloc(n);
        if (!r)
                return NULL;
        *p = 0;
        STRV_FOREACH(s, l) {
                if (s != l)
                        p = stpcpy(p, sep);
                p = stpcpy(p, *s);
        }
        return r;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

void strv_sort(char **l) {
        if (!l)
                return;
        qsort(l, strv_length(l), sizeof(char *), cmp_str);
}
