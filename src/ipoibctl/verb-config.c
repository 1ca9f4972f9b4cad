/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* check: validates configuration files, needs no running agent. (cat is in verb-cat.c.) */

#include <json-c/json.h>
#include <sys/stat.h>

#include "diag.h"
#include "ibnet-load.h"
#include "ipoibctl.h"
#include "status-print.h"
#include "strv.h"

char **arg_config_dirs = NULL;

char *const *config_dirs(void) {
        return arg_config_dirs ?: (char *const *) ibnet_search_path;
}

/* --config-dir names directories on purpose: one that does not exist is a mistake, not an empty
 * search path (the default path may well lack some). */
int check_config_dirs(DiagList *diags) {
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

bool arg_offline = false;

/* What depends on the hardware (issue 9): the agent's dry run on this host (or the --simulate fabric)
 * says, per link, what it would warn about (connected mode on enhanced IPoIB, an MTU over the port's
 * limit, a P_Key not in the port's table) and which files match no link or only a link another file
 * has: warnings, at the file's path. Only for the search path or --config-dir, only when the files
 * are valid (a dry run would reject the others anyway). */
static int check_host(DiagList *diags) {
        _cleanup_(json_object_putp) json_object *j = NULL;
        json_object *view, *links, *unmatched;
        int r;

        r = agent_dry_run(&j, true);
        if (r < 0) {
                diag_add(diags, DIAG_WARNING, arg_simulate ?: "host", 0,
                         "cannot check against %s: %s%s (--offline skips this)", arg_simulate ?: "this host",
                         r == -ENOEXEC ? "cannot run " : "", r == -ENOEXEC ? agent_path() : strerror(-r));
                return 0;
        }
        view = json_get(j, "view");
        links = json_get(view, "links");
        for (size_t i = 0; i < json_array_len(links); i++) {
                json_object *l = json_object_array_get_idx(links, i);
                const char *w = json_get_str(l, "warning"), *file = json_get_str(l, "file");

                json_object *children = json_get(l, "children");

                if (w && file)
                        diag_add(diags, DIAG_WARNING, file, 0, "%s%s: %s", arg_simulate ? "simulated " : "",
                                 strna(json_get_str(l, "name")), w);
                for (size_t k = 0; k < json_array_len(children); k++) {
                        json_object *c = json_object_array_get_idx(children, k);

                        if ((w = json_get_str(c, "warning")))
                                diag_add(diags, DIAG_WARNING, strna(json_get_str(c, "file")), 0, "%s%s: %s",
                                         arg_simulate ? "simulated " : "", strna(json_get_str(c, "name")), w);
                }
        }
        unmatched = json_get(view, "unmatched_files");
        for (size_t i = 0; i < json_array_len(unmatched); i++) {
                json_object *u = json_object_array_get_idx(unmatched, i);

                diag_add(diags, DIAG_WARNING, strna(json_get_str(u, "path")), 0, "%s (on %s)",
                         strna(json_get_str(u, "reason")), arg_simulate ? "the simulated fabric" : "this host");
        }
        return 0;
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
        if (argc <= 1 && !arg_offline && diag_count(&diags, DIAG_ERROR) == 0) {
                r = check_host(&diags);
                if (r < 0)
                        return r;
        }
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
