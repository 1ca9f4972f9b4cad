/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Helpers shared by the suites that need files: a temporary tree per test case and diagnostic lookups.
 *
 * check's fork mode exit()s the child on the first failed assertion, so a checked teardown never runs
 * for a failing test. The tree therefore lives under a root that an *unchecked* fixture creates and
 * removes in the parent: add test_tmp_setup/test_tmp_teardown with tcase_add_unchecked_fixture(). */

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "ibnet-load.h"
#include "macros.h"
#include "strv.h"

static char test_tmp_root[] = "/tmp/ipoib-test-XXXXXX";
static bool test_tmp_root_made;

static inline void test_tmp_setup(void) {
        strcpy(test_tmp_root, "/tmp/ipoib-test-XXXXXX");
        test_tmp_root_made = mkdtemp(test_tmp_root) != NULL;
        if (!test_tmp_root_made)
                fprintf(stderr, "mkdtemp(%s): %m\n", test_tmp_root);
}

static inline int test_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st;
        (void) ftw;
        if (flag == FTW_DP)
                return rmdir(path) < 0 ? -errno : 0;
        return unlink(path) < 0 ? -errno : 0;
}

static inline void test_rm_rf(const char *path) {
        (void) nftw(path, test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void test_tmp_teardown(void) {
        if (test_tmp_root_made)
                test_rm_rf(test_tmp_root);
        test_tmp_root_made = false;
}

/* A fresh directory under the root; newly allocated. */
static inline char *test_mkdir_tmp(void) {
        char *d = NULL;

        ck_assert_msg(test_tmp_root_made, "no temporary root (unchecked fixture missing?)");
        ck_assert_int_ge(asprintf(&d, "%s/t-XXXXXX", test_tmp_root), 0);
        ck_assert_ptr_nonnull(mkdtemp(d));
        return d;
}

static inline char *test_path(const char *dir, const char *name) {
        char *p = NULL;

        ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
        return p;
}

/* mkdir -p of every directory in name below dir. */
static inline void test_mkdir_parents(const char *dir, const char *name) {
        for (const char *s = strchr(name, '/'); s; s = strchr(s + 1, '/')) {
                _cleanup_free_ char *sub = strndup(name, (size_t) (s - name)), *p = NULL;

                ck_assert_ptr_nonnull(sub);
                p = test_path(dir, sub);
                ck_assert_msg(mkdir(p, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", p, strerror(errno));
        }
}

/* Writes size bytes to dir/name (creating subdirectories) with the given mode; returns the path. */
static inline char *
test_write_data(const char *dir, const char *name, const void *data, size_t size, mode_t mode) {
        char *p;
        FILE *f;

        test_mkdir_parents(dir, name);
        p = test_path(dir, name);
        f = fopen(p, "we");
        ck_assert_msg(f, "fopen %s: %s", p, strerror(errno));
        ck_assert_uint_eq(fwrite(data, 1, size, f), size);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_int_eq(chmod(p, mode), 0);
        return p;
}

static inline char *test_write_mode(const char *dir, const char *name, const char *text, mode_t mode) {
        return test_write_data(dir, name, text, strlen(text), mode);
}

static inline char *test_write(const char *dir, const char *name, const char *text) {
        return test_write_mode(dir, name, text, 0644);
}

static inline void test_symlink(const char *target, const char *dir, const char *name) {
        _cleanup_free_ char *p = NULL;

        test_mkdir_parents(dir, name);
        p = test_path(dir, name);
        ck_assert_msg(symlink(target, p) == 0, "symlink %s: %s", p, strerror(errno));
}

/* All diagnostics, one per line, for failure messages; newly allocated. */
static inline char *test_diags_dump(const DiagList *l) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        ck_assert_ptr_nonnull(f);
        fprintf(f, "%zu diagnostics:", l->n);
        FOREACH_ARRAY (d, l->items, l->n) {
                _cleanup_free_ char *s = diag_format(d);

                fprintf(f, "\n  %s", strna(s));
        }
        fclose(f);
        return buf;
}

/* The diagnostic at exactly path:line with that level whose message contains substr, or NULL. */
static inline const Diag *
test_find_diag(const DiagList *l, DiagLevel level, const char *path, unsigned line, const char *substr) {
        FOREACH_ARRAY (d, l->items, l->n)
                if (d->level == level && streq(d->path, path) && d->line == line &&
                    strstr(d->message, substr))
                        return d;
        return NULL;
}

#define test_assert_diag(l, level, path, line, substr)                                             \
        do {                                                                                       \
                if (!test_find_diag((l), (level), (path), (line), (substr))) {                     \
                        _cleanup_free_ char *_dump = test_diags_dump(l);                           \
                        ck_abort_msg(                                                              \
                                "expected %s:%u: %s: ...%s...; got %s", (path), (unsigned) (line), \
                                diag_level_to_string(level), (substr), _dump);                     \
                }                                                                                  \
        } while (0)

#define test_assert_count(l, level, expected)                                      \
        do {                                                                       \
                if (diag_count((l), (level)) != (size_t) (expected)) {             \
                        _cleanup_free_ char *_dump = test_diags_dump(l);           \
                        ck_abort_msg(                                              \
                                "expected %zu %s(s); got %s", (size_t) (expected), \
                                diag_level_to_string(level), _dump);               \
                }                                                                  \
        } while (0)

/* One .ibnet file (and optionally one drop-in) in a fresh directory, loaded with ibnet_load(). */
typedef struct TestLoad {
        char *dir;
        char *path;   /* DIR/test.ibnet */
        char *dropin; /* DIR/test.ibnet.d/50-test.conf, or NULL */
        DiagList diags;
        IbNetwork *network;
        int r;
} TestLoad;

#define TEST_IBNET_NAME  "test.ibnet"
#define TEST_DROPIN_NAME "test.ibnet.d/50-test.conf"

static inline void test_load_done(TestLoad *l) {
        free(l->dir);
        free(l->path);
        free(l->dropin);
        diag_list_done(&l->diags);
        ib_network_unref(l->network);
        *l = (TestLoad){};
}

/* Loads the files already written to l->dir. */
static inline void test_load_written(TestLoad *l, LoadFlags flags) {
        _cleanup_(conf_file_list_done) ConfFileList files = {};

        ck_assert_int_eq(conf_files_add_path(&files, l->path), 0);
        ck_assert_uint_eq(files.n, 1);
        ck_assert_uint_eq(strv_length(files.files[0].dropins), l->dropin ? 1 : 0);
        l->r = ibnet_load(&files.files[0], flags, &l->diags, &l->network);
        /* The contract: a network exactly on success. */
        ck_assert_msg(
                (l->r == 0) == !!l->network, "ibnet_load() = %d with network %p", l->r, (void *) l->network);
}

static inline void
test_load_data(const void *data, size_t size, const char *dropin, LoadFlags flags, TestLoad *l) {
        *l = (TestLoad){};
        l->dir = test_mkdir_tmp();
        l->path = test_write_data(l->dir, TEST_IBNET_NAME, data, size, 0644);
        if (dropin)
                l->dropin = test_write(l->dir, TEST_DROPIN_NAME, dropin);
        test_load_written(l, flags);
}

static inline void test_load(const char *text, const char *dropin, TestLoad *l) {
        test_load_data(text, strlen(text), dropin, 0, l);
}

/* Loads and asserts success without errors; warnings and notices are allowed. */
static inline void test_load_ok(const char *text, const char *dropin, TestLoad *l) {
        test_load(text, dropin, l);
        test_assert_count(&l->diags, DIAG_ERROR, 0);
        ck_assert_int_eq(l->r, 0);
        ck_assert_ptr_nonnull(l->network);
}
