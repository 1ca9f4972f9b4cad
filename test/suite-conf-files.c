/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The search path (systemd's conf-files.c rules): the first directory that has a name wins, an empty
 * file or a symlink to /dev/null masks it, drop-ins are merged across directories per drop-in name
 * and applied in lexical order. Three temporary directories stand for /etc, /run and /usr/lib. */

#include <check.h>
#include <limits.h>

#include "ibnet-load.h"
#include "strv.h"
#include "test-suites.h"
#include "test-util.h"

#define MAIN "[Match]\nName=ib0\n"

typedef struct SearchPath {
        char *root;
        char *dirs[4]; /* etc, run, lib, NULL */
        ConfFileList list;
} SearchPath;

static void search_path_done(SearchPath *p) {
        for (size_t i = 0; i < 3; i++)
                free(p->dirs[i]);
        free(p->root);
        conf_file_list_done(&p->list);
}

static void search_path_init(SearchPath *p) {
        static const char *const names[] = { "etc", "run", "lib" };

        *p = (SearchPath){};
        p->root = test_mkdir_tmp();
        for (size_t i = 0; i < 3; i++) {
                p->dirs[i] = test_path(p->root, names[i]);
                ck_assert_int_eq(mkdir(p->dirs[i], 0755), 0);
        }
}

/* Writes DIR/name where dir is 0, 1 or 2. */
static void put(SearchPath *p, unsigned dir, const char *name, const char *text) {
        free(test_write(p->dirs[dir], name, text));
}

static void list(SearchPath *p) {
        conf_file_list_done(&p->list);
        ck_assert_int_eq(conf_files_list(p->dirs, &p->list), 0);
}

static const ConfFile *find(const SearchPath *p, const char *name) {
        FOREACH_ARRAY (f, p->list.files, p->list.n)
                if (streq(f->name, name))
                        return f;
        return NULL;
}

/* The note about DIR/name (dir 0..2), with that level, containing each of the strings. */
static void assert_note(const SearchPath *p, DiagLevel level, unsigned dir, const char *name, const char *what,
                        const char *masks_dir_name) {
        _cleanup_free_ char *path = test_path(p->dirs[dir], name), *msg = NULL;

        if (masks_dir_name) {
                _cleanup_free_ char *masked = test_path(p->dirs[masks_dir_name[0] - '0'], masks_dir_name + 2);

                ck_assert_int_ge(asprintf(&msg, "%s: masks %s, which is not read", what, masked), 0);
        } else
                msg = strdup(what);
        test_assert_diag(&p->list.notes, level, path, 0, msg);
}

static void assert_file(const SearchPath *p, const char *name, unsigned dir) {
        const ConfFile *f = find(p, name);
        _cleanup_free_ char *want = test_path(p->dirs[dir], name);

        ck_assert_msg(f, "%s is not listed", name);
        ck_assert_str_eq(f->path, want);
}

/* The drop-ins of name, as "dir/file" with dir 0..2, in the order expected. */
static void assert_dropins(const SearchPath *p, const char *name, const char *const *expected) {
        const ConfFile *f = find(p, name);
        size_t n = 0;

        ck_assert_msg(f, "%s is not listed", name);
        for (const char *const *e = expected; *e; e++, n++) {
                _cleanup_free_ char *want = NULL;
                unsigned dir = (unsigned) ((*e)[0] - '0');

                ck_assert_int_ge(asprintf(&want, "%s/%s.d/%s", p->dirs[dir], name, *e + 2), 0);
                ck_assert_msg(f->dropins && f->dropins[n], "%s: drop-in %zu (%s) missing", name, n, want);
                ck_assert_str_eq(f->dropins[n], want);
        }
        ck_assert_uint_eq(strv_length(f->dropins), n);
}

START_TEST(test_precedence) {
        _cleanup_(search_path_done) SearchPath p = {};

        search_path_init(&p);
        put(&p, 0, "10-a.ibnet", MAIN);
        put(&p, 1, "10-a.ibnet", MAIN);
        put(&p, 2, "10-a.ibnet", MAIN);
        put(&p, 1, "20-b.ibnet", MAIN);
        put(&p, 2, "20-b.ibnet", MAIN);
        put(&p, 2, "05-c.ibnet", MAIN);
        put(&p, 0, "30-d.ibnet", MAIN);
        list(&p);

        ck_assert_uint_eq(p.list.n, 4);
        assert_file(&p, "10-a.ibnet", 0);
        assert_file(&p, "20-b.ibnet", 1);
        assert_file(&p, "05-c.ibnet", 2);
        assert_file(&p, "30-d.ibnet", 0);
        /* Processed in lexical order of the name, whatever directory they come from. */
        ck_assert_str_eq(p.list.files[0].name, "05-c.ibnet");
        ck_assert_str_eq(p.list.files[1].name, "10-a.ibnet");
        ck_assert_str_eq(p.list.files[2].name, "20-b.ibnet");
        ck_assert_str_eq(p.list.files[3].name, "30-d.ibnet");
        ck_assert_uint_eq(strv_length(p.list.files[0].dropins), 0);
}
END_TEST

START_TEST(test_ignored_entries) {
        _cleanup_(search_path_done) SearchPath p = {};

        search_path_init(&p);
        put(&p, 0, "10-a.ibnet", MAIN);
        put(&p, 0, ".hidden.ibnet", MAIN);
        put(&p, 0, "10-a.ibnet~", MAIN);
        put(&p, 0, "10-a.ibnet.bak", MAIN);
        put(&p, 0, "README", "not config\n");
        put(&p, 0, "10-a.network", MAIN);
        put(&p, 0, "dir.ibnet/x", MAIN); /* a directory named like a file */
        list(&p);

        ck_assert_uint_eq(p.list.n, 1);
        assert_file(&p, "10-a.ibnet", 0);
}
END_TEST

START_TEST(test_missing_dirs) {
        _cleanup_(search_path_done) SearchPath p = {};
        _cleanup_(conf_file_list_done) ConfFileList l = {};
        char *none[] = { NULL };

        search_path_init(&p);
        put(&p, 1, "10-a.ibnet", MAIN);
        ck_assert_int_eq(rmdir(p.dirs[0]), 0);
        ck_assert_int_eq(rmdir(p.dirs[2]), 0);
        list(&p);
        ck_assert_uint_eq(p.list.n, 1);
        assert_file(&p, "10-a.ibnet", 1);

        ck_assert_int_eq(conf_files_list(none, &l), 0);
        ck_assert_uint_eq(l.n, 0);
}
END_TEST

START_TEST(test_masking) {
        _cleanup_(search_path_done) SearchPath p = {};

        search_path_init(&p);
        /* An empty file in a earlier directory masks. */
        put(&p, 0, "10-a.ibnet", "");
        put(&p, 2, "10-a.ibnet", MAIN);
        put(&p, 2, "10-a.ibnet.d/50-x.conf", "[Link]\nMTU=2044\n");
        /* So does a symlink to /dev/null. */
        test_symlink("/dev/null", p.dirs[1], "20-b.ibnet");
        put(&p, 2, "20-b.ibnet", MAIN);
        /* A mask on its own hides nothing and lists nothing. */
        put(&p, 0, "30-c.ibnet", "");
        test_symlink("/dev/null", p.dirs[0], "31-c.ibnet");
        /* A mask in a later directory is shadowed by the file in the earlier one. */
        put(&p, 0, "40-d.ibnet", MAIN);
        put(&p, 1, "40-d.ibnet", "");
        /* A symlink to a real file is that file. */
        put(&p, 2, "target", MAIN);
        {
                _cleanup_free_ char *target = test_path(p.dirs[2], "target");

                test_symlink(target, p.dirs[0], "50-e.ibnet");
        }
        list(&p);

        ck_assert_ptr_null(find(&p, "10-a.ibnet"));
        ck_assert_ptr_null(find(&p, "20-b.ibnet"));
        ck_assert_ptr_null(find(&p, "30-c.ibnet"));
        ck_assert_ptr_null(find(&p, "31-c.ibnet"));
        assert_file(&p, "40-d.ibnet", 0);
        assert_file(&p, "50-e.ibnet", 0);
        ck_assert_uint_eq(p.list.n, 2);

        /* Nothing silent: each mask is named, with what it hides or that it hides nothing. */
        ck_assert_uint_eq(p.list.n_masked, 4);
        ck_assert_str_eq(p.list.masked[0].name, "10-a.ibnet");
        ck_assert_str_eq(p.list.masked[0].why, "empty file");
        assert_note(&p, DIAG_NOTICE, 0, "10-a.ibnet", "empty file", "2/10-a.ibnet");
        assert_note(&p, DIAG_NOTICE, 1, "20-b.ibnet", "symlink to /dev/null", "2/20-b.ibnet");
        assert_note(&p, DIAG_WARNING, 0, "30-c.ibnet",
                    "empty file: it masks 30-c.ibnet, but no lower-priority directory has one, so it does "
                    "nothing; write its settings or remove it", NULL);
        assert_note(&p, DIAG_WARNING, 0, "31-c.ibnet", "symlink to /dev/null: it masks 31-c.ibnet, but", NULL);
        /* The drop-in of a masked name is documented to be ignored: no second note for it. */
        test_assert_count(&p.list.notes, DIAG_NOTICE, 2);
        test_assert_count(&p.list.notes, DIAG_WARNING, 2);
}
END_TEST

START_TEST(test_dropins) {
        _cleanup_(search_path_done) SearchPath p = {};

        search_path_init(&p);
        put(&p, 2, "10-a.ibnet", MAIN);
        put(&p, 0, "10-a.ibnet.d/20-x.conf", "[Link]\nMTU=1500\n");
        put(&p, 1, "10-a.ibnet.d/20-x.conf", "[Link]\nMTU=1\n"); /* shadowed by etc */
        put(&p, 1, "10-a.ibnet.d/10-y.conf", "[Link]\nMTU=1000\n");
        put(&p, 2, "10-a.ibnet.d/30-z.conf", "[Link]\nMTU=2044\n");
        put(&p, 2, "10-a.ibnet.d/05-w.conf", "[Link]\nMTU=900\n");
        put(&p, 0, "10-a.ibnet.d/05-w.conf", ""); /* masks lib's */
        put(&p, 0, "10-a.ibnet.d/README", "no\n");
        put(&p, 0, "10-a.ibnet.d/.40-hidden.conf", "[Link]\nMTU=1\n");
        put(&p, 1, "10-a.ibnet.d/35-v.conf/x", ""); /* a directory */
        /* Drop-ins of a name that has no main file are not listed. */
        put(&p, 0, "20-orphan.ibnet.d/10-x.conf", "[Link]\nMTU=1500\n");
        list(&p);

        ck_assert_uint_eq(p.list.n, 1);
        assert_file(&p, "10-a.ibnet", 2);
        assert_dropins(
                &p, "10-a.ibnet",
                (const char *const[]){ "1/10-y.conf", "0/20-x.conf", "2/30-z.conf", NULL });

        /* What was skipped is said: the mask, the file without .conf, the orphaned directory. */
        assert_note(&p, DIAG_NOTICE, 0, "10-a.ibnet.d/05-w.conf", "empty file", "2/10-a.ibnet.d/05-w.conf");
        assert_note(&p, DIAG_WARNING, 0, "10-a.ibnet.d/README",
                    "not a drop-in: only files ending in .conf are read; rename it or remove it", NULL);
        assert_note(&p, DIAG_WARNING, 0, "20-orphan.ibnet.d",
                    "drop-in directory of 20-orphan.ibnet, which no directory of the search path has; its "
                    "drop-ins apply to nothing", NULL);
        test_assert_count(&p.list.notes, DIAG_WARNING, 2);
        test_assert_count(&p.list.notes, DIAG_NOTICE, 1);
}
END_TEST

START_TEST(test_dropin_symlink_mask) {
        _cleanup_(search_path_done) SearchPath p = {};

        search_path_init(&p);
        put(&p, 0, "10-a.ibnet", MAIN);
        put(&p, 2, "10-a.ibnet.d/50-x.conf", "[Link]\nMTU=1500\n");
        test_symlink("/dev/null", p.dirs[1], "10-a.ibnet.d/50-x.conf");
        put(&p, 2, "10-a.ibnet.d/60-y.conf", "[Link]\nMTU=1500\n");
        list(&p);
        assert_dropins(&p, "10-a.ibnet", (const char *const[]){ "2/60-y.conf", NULL });
}
END_TEST

START_TEST(test_dropin_overrides_value) {
        /* The list feeds ibnet_load(): the last drop-in in lexical order sets MTU=, across directories. */
        _cleanup_(search_path_done) SearchPath p = {};
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_(ib_network_unrefp) IbNetwork *n = NULL;
        ConfigLoc loc;

        search_path_init(&p);
        put(&p, 2, "10-a.ibnet", MAIN "[Link]\nMTU=1500\n[Network]\nAddress=192.0.2.1/24\n");
        put(&p, 2, "10-a.ibnet.d/10-vendor.conf", "[Link]\nMTU=2044\n");
        put(&p, 0, "10-a.ibnet.d/90-admin.conf", "# admin\n[Link]\nMTU=4092\n[Network]\nAddress=\n");
        put(&p, 1, "10-a.ibnet.d/50-runtime.conf", "[Link]\nMTU=3000\n");
        list(&p);
        ck_assert_uint_eq(p.list.n, 1);
        ck_assert_int_eq(ibnet_load(&p.list.files[0], 0, &diags, &n), 0);
        ck_assert_uint_eq(n->mtu, 4092);
        ck_assert_uint_eq(n->n_addresses, 0);
        ck_assert_uint_eq(strv_length(n->files), 4);
        loc = ib_network_key_loc(n, "Link", "MTU");
        ck_assert(endswith(loc.file, "/etc/10-a.ibnet.d/90-admin.conf"));
        ck_assert_uint_eq(loc.line, 3);
        ck_assert_uint_eq(diags.n, 0);
}
END_TEST

START_TEST(test_add_path) {
        _cleanup_(conf_file_list_done) ConfFileList l = {};
        _cleanup_free_ char *dir = test_mkdir_tmp(), *a = NULL, *b = NULL, *cwd = NULL;

        a = test_write(dir, "x.ibnet", MAIN);
        free(test_write(dir, "x.ibnet.d/20-b.conf", "[Link]\nMTU=2044\n"));
        free(test_write(dir, "x.ibnet.d/10-a.conf", "[Link]\nMTU=1500\n"));
        free(test_write(dir, "x.ibnet.d/30-c.conf", ""));        /* masked */
        free(test_write(dir, "x.ibnet.d/40-d.txt", "[Link]\n")); /* not .conf */
        /* Not a search-path name: any file name works when given by path. */
        b = test_write(dir, "other-name", MAIN);

        ck_assert_int_eq(conf_files_add_path(&l, a), 0);
        ck_assert_int_eq(conf_files_add_path(&l, b), 0);
        ck_assert_uint_eq(l.n, 2);
        ck_assert_str_eq(l.files[0].name, "x.ibnet");
        ck_assert_str_eq(l.files[0].path, a);
        ck_assert_uint_eq(strv_length(l.files[0].dropins), 2);
        ck_assert(endswith(l.files[0].dropins[0], "/x.ibnet.d/10-a.conf"));
        ck_assert(endswith(l.files[0].dropins[1], "/x.ibnet.d/20-b.conf"));
        ck_assert_str_eq(l.files[1].name, "other-name");
        ck_assert_uint_eq(strv_length(l.files[1].dropins), 0);

        /* A bare name is relative to the working directory. */
        cwd = getcwd(NULL, 0);
        ck_assert_ptr_nonnull(cwd);
        ck_assert_int_eq(chdir(dir), 0);
        ck_assert_int_eq(conf_files_add_path(&l, "x.ibnet"), 0);
        ck_assert_int_eq(chdir(cwd), 0);
        ck_assert_uint_eq(l.n, 3);
        ck_assert_str_eq(l.files[2].name, "x.ibnet");
        ck_assert_str_eq(l.files[2].path, "x.ibnet");
        ck_assert_uint_eq(strv_length(l.files[2].dropins), 2);
        ck_assert_str_eq(l.files[2].dropins[0], "./x.ibnet.d/10-a.conf");
}
END_TEST

START_TEST(test_add_path_root) {
        /* "/x.ibnet" looks for "/x.ibnet.d", not "/.../x.ibnet.d" or "x.ibnet.d". */
        _cleanup_(conf_file_list_done) ConfFileList l = {};

        ck_assert_int_eq(conf_files_add_path(&l, "/ipoib-test-does-not-exist.ibnet"), 0);
        ck_assert_uint_eq(l.n, 1);
        ck_assert_str_eq(l.files[0].name, "ipoib-test-does-not-exist.ibnet");
        ck_assert_uint_eq(strv_length(l.files[0].dropins), 0);
}
END_TEST

START_TEST(test_default_search_path) {
        ck_assert_str_eq(ibnet_search_path[0], SYSCONF_CONFIG_DIR);
        ck_assert_str_eq(ibnet_search_path[1], "/run/ipoib.d");
        ck_assert_str_eq(ibnet_search_path[2], LIB_CONFIG_DIR);
        ck_assert_ptr_null(ibnet_search_path[3]);
        ck_assert(endswith(ibnet_search_path[0], "/ipoib.d"));
        ck_assert(endswith(ibnet_search_path[2], "/lib/ipoib.d"));
}
END_TEST

/* Which directories were read, missing or not directories: the agent tells a vanished directory from
 * an empty one with this. */
START_TEST(test_dirs_read) {
        _cleanup_(search_path_done) SearchPath p;

        search_path_init(&p);
        list(&p);
        ck_assert_uint_eq(p.list.dirs_read, 7); /* all three, empty */
        ck_assert_uint_eq(p.list.dirs_not_dir, 0);

        ck_assert_int_eq(rmdir(p.dirs[1]), 0);
        list(&p);
        ck_assert_uint_eq(p.list.dirs_read, 5);
        ck_assert_uint_eq(p.list.dirs_not_dir, 0);

        free(test_write(p.root, "run", "")); /* a file where the directory was */
        list(&p);
        ck_assert_uint_eq(p.list.dirs_read, 5);
        ck_assert_uint_eq(p.list.dirs_not_dir, 2);
        test_assert_diag(&p.list.notes, DIAG_WARNING, p.dirs[1], 0, "not a directory");
}
END_TEST

Suite *make_conf_files_suite(void) {
        Suite *s = suite_create("conf-files");
        TCase *tc;

        tc = tcase_create("search-path");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_precedence);
        tcase_add_test(tc, test_ignored_entries);
        tcase_add_test(tc, test_missing_dirs);
        tcase_add_test(tc, test_masking);
        tcase_add_test(tc, test_default_search_path);
        suite_add_tcase(s, tc);

        tc = tcase_create("drop-ins");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_dropins);
        tcase_add_test(tc, test_dropin_symlink_mask);
        tcase_add_test(tc, test_dropin_overrides_value);
        tcase_add_test(tc, test_add_path);
        tcase_add_test(tc, test_add_path_root);
        tcase_add_test(tc, test_dirs_read);
        suite_add_tcase(s, tc);

        return s;
}
