/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Verbs that read configuration files only: check and cat. They need no running agent. */

#include <json-c/json.h>
#include <sys/stat.h>

#include "diag.h"
#include "ibnet-load.h"
#include "ipoibctl.h"
#include "strv.h"

char **arg_config_dirs = NULL;

static char *const *config_dirs(void) {
        return arg_config_dirs ?: (char *const *) ibnet_search_path;
}

/* --config-dir names directories on purpose: one that does not exist is a mistake, not an empty
 * search path (the default path may well lack some). */
static int check_config_dirs(DiagList *diags) {
        int bad = 0;

        STRV_FOREACH(d, arg_config_dirs) {
                struct stat st;

                if (stat(*d, &st) < 0)
                        diag_add(diags, DIAG_ERROR, *d, 0, "--config-dir: %s", strerror(errno)), bad++;
                else if (!S_ISDIR(st.st_mode))
                        diag_add(diags, DIAG_ERROR, *d, 0, "--config-dir: not a directory"), bad++;
        }
        return bad;
}

/* A file given by path must be one the agent would read: NAME.ibnet. A drop-in is read through its
 * main file, anything else never. */
static bool path_is_readable_name(const char *path, DiagList *diags) {
        _cleanup_free_ char *dir = NULL;
        const char *slash = strrchr(path, '/');

        if (endswith(path, ".ibnet"))
                return true;
        dir = slash ? strndup(path, (size_t) (slash - path)) : strdup(".");
        if (dir && endswith(path, ".conf") && endswith(dir, ".ibnet.d")) {
                dir[strlen(dir) - 2] = 0;
                diag_add(diags, DIAG_ERROR, path, 0, "a drop-in, read only with its main file: run ipoibctl check %s",
                         dir);
        } else
                diag_add(diags, DIAG_ERROR, path, 0,
                         "the agent reads only files named *.ibnet, never this one: rename it to NAME.ibnet");
        return false;
}

static int collect_paths(int argc, char *argv[], ConfFileList *files, DiagList *diags) {
        int r;

        if (argc <= 1)
                return conf_files_list(config_dirs(), files);

        for (int i = 1; i < argc; i++) {
                struct stat st;

                if (stat(argv[i], &st) < 0) {
                        diag_add(diags, DIAG_ERROR, argv[i], 0, "cannot read: %s", strerror(errno));
                        continue;
                }
                if (S_ISDIR(st.st_mode)) {
                        _cleanup_(conf_file_list_done) ConfFileList sub = {};
                        char *dirs[] = { argv[i], NULL };

                        r = conf_files_list(dirs, &sub);
                        if (r < 0)
                                return r;
                        r = conf_file_list_merge(files, &sub);
                        if (r < 0)
                                return r;
                } else if (path_is_readable_name(argv[i], diags)) {
                        r = conf_files_add_path(files, argv[i]);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static json_object *check_to_json(const ConfFileList *files, const IbConfig *cfg, const DiagList *diags) {
        json_object *root = json_object_new_object(), *jf = json_object_new_array(),
                    *jd = json_object_new_array();
        size_t errors = diag_count(diags, DIAG_ERROR);

        for (size_t i = 0; i < files->n; i++) {
                json_object *o = json_object_new_object(), *dl = json_object_new_array();

                json_object_object_add(o, "name", json_object_new_string(files->files[i].name));
                json_object_object_add(o, "path", json_object_new_string(files->files[i].path));
                STRV_FOREACH(d, files->files[i].dropins)
                        json_object_array_add(dl, json_object_new_string(*d));
                json_object_object_add(o, "dropins", dl);
                json_object_object_add(o, "valid", json_object_new_boolean(cfg->entries[i].network != NULL));
                json_object_array_add(jf, o);
        }
        FOREACH_ARRAY(d, diags->items, diags->n) {
                json_object *o = json_object_new_object();

                json_object_object_add(o, "path", json_object_new_string(d->path));
                json_object_object_add(o, "line", json_object_new_int((int) d->line));
                json_object_object_add(o, "level", json_object_new_string(diag_level_to_string(d->level)));
                json_object_object_add(o, "message", json_object_new_string(d->message));
                json_object_array_add(jd, o);
        }
        json_object_object_add(root, "files", jf);
        json_object_object_add(root, "diagnostics", jd);
        json_object_object_add(root, "errors", json_object_new_int((int) errors));
        json_object_object_add(root, "warnings", json_object_new_int((int) diag_count(diags, DIAG_WARNING)));
        json_object_object_add(root, "notices", json_object_new_int((int) diag_count(diags, DIAG_NOTICE)));
        json_object_object_add(root, "valid", json_object_new_boolean(errors == 0));
        return root;
}

int verb_check(int argc, char *argv[]) {
        _cleanup_(conf_file_list_done) ConfFileList files = {};
        _cleanup_(ib_config_done) IbConfig cfg = {};
        _cleanup_(diag_list_done) DiagList diags = {};
        size_t errors, warnings, notices;
        int r;

        (void) check_config_dirs(&diags);
        r = collect_paths(argc, argv, &files, &diags);
        if (r < 0)
                return r;
        r = ib_config_load(&files, geteuid() == 0 ? LOAD_CHECK_PERMISSIONS : 0, &diags, &cfg);
        if (r < 0)
                return r;
        diag_sort(&diags);

        errors = diag_count(&diags, DIAG_ERROR);
        warnings = diag_count(&diags, DIAG_WARNING);
        notices = diag_count(&diags, DIAG_NOTICE);
        if (arg_json) {
                json_object *j = check_to_json(&files, &cfg, &diags);

                puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
                json_object_put(j);
        } else {
                FOREACH_ARRAY(d, diags.items, diags.n) {
                        _cleanup_free_ char *s = diag_format(d);

                        if (!s)
                                return -ENOMEM;
                        puts(s);
                }
                if (!arg_no_legend)
                        printf("%zu file%s checked: %zu error%s, %zu warning%s, %zu notice%s: %s\n", files.n,
                               files.n == 1 ? "" : "s", errors, errors == 1 ? "" : "s", warnings,
                               warnings == 1 ? "" : "s", notices, notices == 1 ? "" : "s",
                               errors == 0 ? "valid" : "invalid");
        }
        return errors == 0 ? 0 : 1;
}

static int cat_file(const char *path, bool first) {
        _cleanup_fclose_ FILE *f = NULL;
        char buf[4096];
        size_t n;

        f = fopen(path, "re");
        if (!f)
                return negative_errno();
        printf("%s# %s\n", first ? "" : "\n", path);
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                fwrite(buf, 1, n, stdout);
        return ferror(f) ? -EIO : 0;
}

static bool name_matches(const ConfFile *f, const char *arg) {
        const char *e;

        if (streq(f->name, arg) || streq(f->path, arg))
                return true;
        /* "10-ib0" for "10-ib0.ibnet" */
        e = endswith(f->name, ".ibnet");
        return e && strlen(arg) == (size_t) (e - f->name) && strncmp(f->name, arg, strlen(arg)) == 0;
}

static bool mask_matches(const ConfMask *m, const char *arg) {
        const char *e;

        if (streq(m->name, arg) || streq(m->path, arg))
                return true;
        e = endswith(m->name, ".ibnet");
        return e && strlen(arg) == (size_t) (e - m->name) && strncmp(m->name, arg, strlen(arg)) == 0;
}

/* A masked name is shown as such, not as missing: "where did my file go?" has an answer. */
static void cat_mask(const ConfMask *m, bool first) {
        if (m->masks)
                printf("%s# %s: masked (%s), hides %s\n", first ? "" : "\n", m->path, m->why, m->masks);
        else
                printf("%s# %s: masked (%s), hides nothing\n", first ? "" : "\n", m->path, m->why);
}

int verb_cat(int argc, char *argv[]) {
        _cleanup_(conf_file_list_done) ConfFileList files = {};
        _cleanup_(diag_list_done) DiagList diags = {};
        bool first = true;
        int r, ret = 0;

        if (check_config_dirs(&diags) > 0) {
                FOREACH_ARRAY(d, diags.items, diags.n) {
                        _cleanup_free_ char *s = diag_format(d);

                        fprintf(stderr, "ipoibctl cat: %s\n", strna(s));
                }
                return 1;
        }
        r = conf_files_list(config_dirs(), &files);
        if (r < 0)
                return r;

        for (int i = 1; i < argc; i++) {
                bool found = false;

                FOREACH_ARRAY(f, files.files, files.n)
                        found = found || name_matches(f, argv[i]);
                FOREACH_ARRAY(m, files.masked, files.n_masked)
                        found = found || mask_matches(m, argv[i]);
                if (!found) {
                        fprintf(stderr, "ipoibctl cat: no configuration file \"%s\" in the search path\n", argv[i]);
                        ret = 1;
                }
        }
        for (size_t i = 0, j = 0; i < files.n || j < files.n_masked;) {
                /* Files and masks in name order, as the agent reads them. */
                bool is_mask = i >= files.n || (j < files.n_masked && strcmp(files.masked[j].name, files.files[i].name) < 0);
                bool want = argc <= 1;

                if (is_mask) {
                        const ConfMask *m = &files.masked[j++];

                        for (int a = 1; a < argc && !want; a++)
                                want = mask_matches(m, argv[a]);
                        if (want) {
                                cat_mask(m, first);
                                first = false;
                        }
                        continue;
                }
                const ConfFile *f = &files.files[i++];

                for (int a = 1; a < argc && !want; a++)
                        want = name_matches(f, argv[a]);
                if (!want)
                        continue;
                r = cat_file(f->path, first);
                if (r < 0)
                        return r;
                first = false;
                STRV_FOREACH(d, f->dropins) {
                        r = cat_file(*d, false);
                        if (r < 0)
                                return r;
                }
        }
        return ret;
}
