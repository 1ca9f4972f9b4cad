/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Small helpers in the style of systemd's macro.h: cleanup attributes, TAKE_PTR, array sizes. */

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _pure_ __attribute__((pure))
#define _const_ __attribute__((const))
#define _noreturn_ __attribute__((noreturn))
#define _warn_unused_result_ __attribute__((warn_unused_result))
#define _likely_(x) (__builtin_expect(!!(x), 1))
#define _unlikely_(x) (__builtin_expect(!!(x), 0))

/* The exit status of wrong usage (an unknown option, a missing value), the same for ipoib-agent and
 * ipoibctl, as documented in their man pages. */
#define EXIT_USAGE 2

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* Take ownership of a pointer: returns it and leaves NULL behind. */
#define TAKE_PTR(p)                                                                                          \
        ({                                                                                                   \
                __typeof__(p) _p_ = (p);                                                                     \
                (p) = NULL;                                                                                  \
                _p_;                                                                                         \
        })
#define TAKE_FD(fd)                                                                                          \
        ({                                                                                                   \
                int _fd_ = (fd);                                                                             \
                (fd) = -EBADF;                                                                               \
                _fd_;                                                                                        \
        })

#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                              \
        static inline void func##p(type *p) {                                                                \
                if (*p)                                                                                      \
                        *p = func(*p);                                                                       \
        }

/* For destructors that return void. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC_VOID(type, func)                                                         \
        static inline void func##p(type *p) {                                                                \
                if (*p)                                                                                      \
                        func(*p);                                                                            \
        }

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

static inline void *mfree(void *p) {
        free(p);
        return NULL;
}

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

static inline bool isempty(const char *s) {
        return !s || !s[0];
}

static inline const char *strempty(const char *s) {
        return s ?: "";
}

static inline const char *strna(const char *s) {
        return s ?: "n/a";
}

/* Returns the rest of s after prefix, or NULL. */
static inline const char *startswith(const char *s, const char *prefix) {
        size_t l = strlen(prefix);
        return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}

const char *endswith(const char *s, const char *suffix) _pure_;

/* Replaces path with text: a temporary file beside it (mode 0644, fsync'ed when sync is set),
 * then rename(), so readers see the old or the new content, never a part. -errno on failure. */
int write_file_atomic(const char *path, const char *text, bool sync);

/* SIGTERM or SIGINT is blocked and pending: a process that handles them from its event loop (the agent,
 * through a signalfd) wants to stop. Long loops (thousands of files) check it and give up with -EINTR, so
 * that a stop is not delayed; in a process that does not block them it is never true. */
bool stop_signal_pending(void);

/* Stopping on a signal, memory is left to the kernel (see manager_free()), except in sanitizer builds,
 * so that leaks stay visible there. */
#if defined(__SANITIZE_ADDRESS__)
#define FREE_EVERYTHING_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FREE_EVERYTHING_AT_EXIT 1
#endif
#endif
#ifndef FREE_EVERYTHING_AT_EXIT
#define FREE_EVERYTHING_AT_EXIT 0
#endif

/* Convert a libc -1/errno return into -errno, once, at the edge. */
static inline int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}

/* Grow an array of n elements of size sz so that it holds at least need elements: exactly need the first
 * time (*allocated == 0), twice need after that. */
void *greedy_realloc(void **p, size_t *allocated, size_t need, size_t sz);
#define GREEDY_REALLOC(array, allocated, need)                                                               \
        greedy_realloc((void **) &(array), &(allocated), (need), sizeof((array)[0]))

/* Enum ↔ string, for every such lookup in the tree (systemd's string-table.h). name##_table is an array
 * indexed by the enum, sized by its _MAX (holes are NULL). to_string answers NULL for a value out of
 * range or without a string; from_string compares exactly and answers (type) -EINVAL when nothing
 * matches. */
#define _DEFINE_STRING_TABLE_LOOKUP_TO_STRING(name, type, scope)                                             \
        scope const char *name##_to_string(type i) {                                                         \
                if ((size_t) i >= ELEMENTSOF(name##_table))                                                  \
                        return NULL;                                                                         \
                return name##_table[i];                                                                      \
        }
#define _DEFINE_STRING_TABLE_LOOKUP_FROM_STRING(name, type, scope)                                           \
        scope type name##_from_string(const char *s) {                                                       \
                for (size_t i = 0; s && i < ELEMENTSOF(name##_table); i++)                                   \
                        if (name##_table[i] && streq(name##_table[i], s))                                    \
                                return (type) i;                                                             \
                return (type) -EINVAL;                                                                       \
        }
#define DEFINE_STRING_TABLE_LOOKUP_TO_STRING(name, type) _DEFINE_STRING_TABLE_LOOKUP_TO_STRING(name, type, )
#define DEFINE_STRING_TABLE_LOOKUP_FROM_STRING(name, type) _DEFINE_STRING_TABLE_LOOKUP_FROM_STRING(name, type, )
#define DEFINE_STRING_TABLE_LOOKUP(name, type)                                                               \
        DEFINE_STRING_TABLE_LOOKUP_TO_STRING(name, type)                                                     \
        DEFINE_STRING_TABLE_LOOKUP_FROM_STRING(name, type)
/* For a table private to one file. */
#define DEFINE_PRIVATE_STRING_TABLE_LOOKUP_TO_STRING(name, type)                                             \
        _DEFINE_STRING_TABLE_LOOKUP_TO_STRING(name, type, static)

#define FOREACH_ARRAY(i, array, num) for (__typeof__(array[0]) *i = (array); i && i < (array) + (num); i++)

/* A heap copy of n objects of type t. */
#define newdup(t, p, n) ((t *) memdup((p), sizeof(t) * (n)))
static inline void *memdup(const void *p, size_t l) {
        void *q = malloc(l ?: 1);

        /* memcpy() must not see a NULL source, even for 0 bytes (UBSan's nonnull check). */
        if (q && l > 0)
                memcpy(q, p, l);
        return q;
}
