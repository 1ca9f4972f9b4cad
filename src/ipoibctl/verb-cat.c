/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* cat: configuration files with their drop-ins, as the agent reads them, by file name or by the
 * name of the link they configure (networkctl cat). Files are read here; only a link name needs the
 * agent, to say which file configures it. */

#include <fnmatch.h>

#include "diag.h"
#include "ibnet-load.h"
#include "ipoibctl.h"
#include "status-print.h"
#include "strv.h"

typedef struct CatSelection {
        bool *files; /* per ConfFileList.files */
        bool *masks; /* per ConfFileList.masked */
        char **extra; /* files the agent named that the search path here does not have */
} CatSelection;

static void cat_selection_done(CatSelection *s) {
        s->files = mfree(s->files);
        s->masks = mfree(s->masks);
        s->extra = strv_free(s->extra);
}

/* "10-ib0.ibnet", "10-ib0" or the path. */
static bool file_name_matches(const char *name, const char *path, const char *arg) {
        const char *e;

        if (streq(name, arg) || streq(path, arg))
                return true;
        e = endswith(name, ".ibnet");
        return e && strlen(arg) == (size_t) (e - name) && strncmp(name, arg, strlen(arg)) == 0;
}

/* Marks what arg names as a file or a mask; returns whether anything. */
static bool select_by_file(const ConfFileList *files, CatSelection *sel, const char *arg) {
        bool found = false;

        for (size_t i = 0; i < files->n; i++)
                if (file_name_matches(files->files[i].name, files->files[i].path, arg))
                        sel->files[i] = found = true;
        for (size_t i = 0; i < files->n_masked; i++)
                if (file_name_matches(files->masked[i].name, files->masked[i].path, arg))
                        sel->masks[i] = found = true;
        return found;
}

/* The file the agent says configures a link: the same path here, else the same name (the agent may
 * have been started with other directories), else the path itself. */
static int select_agent_file(const ConfFileList *files, CatSelection *sel, const char *path) {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

        for (size_t i = 0; i < files->n; i++)
                if (streq(files->files[i].path, path)) {
                        sel->files[i] = true;
                        return 0;
                }
        for (size_t i = 0; i < files->n; i++)
                if (streq(files->files[i].name, base)) {
                        sel->files[i] = true;
                        return 0;
                }
        return strv_contains(sel->extra, path) ? 0 : strv_extend(&sel->extra, path);
}

/* A link name or glob: the files of the links it matches, from the agent. Returns 1 when it matches
 * no link or only links no file configures (said on stderr). */
static int select_by_link(const ConfFileList *files, CatSelection *sel, json_object *view, const char *arg) {
        json_object *links = json_get(view, "links");
        bool any = false;
        int r;

        for (size_t i = 0; i < json_array_len(links); i++) {
                json_object *l = json_object_array_get_idx(links, i);
                const char *file = json_get_str(l, "file");

                if (fnmatch(arg, strempty(json_get_str(l, "name")), 0) != 0)
                        continue;
                any = true;
                if (!file) {
                        fprintf(stderr, "ipoibctl cat: no file configures the link %s\n", arg);
                        return 1;
                }
                r = select_agent_file(files, sel, file);
                if (r < 0)
                        return r;
        }
        if (!any) {
                fprintf(stderr, "ipoibctl cat: no configuration file or link \"%s\"\n", arg);
                return 1;
        }
        return 0;
}

static int cat_select(const ConfFileList *files, int argc, char *argv[], CatSelection *sel) {
        _cleanup_(json_object_putp) json_object *view = NULL;
        bool asked = false;
        int r, ret = 0;

        sel->files = calloc(files->n + 1, sizeof(bool));
        sel->masks = calloc(files->n_masked + 1, sizeof(bool));
        if (!sel->files || !sel->masks)
                return -ENOMEM;
        for (int i = 1; i < argc; i++) {
                if (select_by_file(files, sel, argv[i]))
                        continue;
                /* Not a file: a link, if the agent knows it. Asked once, whatever the count. */
                if (!asked) {
                        asked = true;
                        if (agent_json("Describe", &view) < 0)
                                view = NULL; /* it said why */
                }
                if (!view) {
                        fprintf(stderr, "ipoibctl cat: no configuration file \"%s\" in the search path\n", argv[i]);
                        ret = 1;
                        continue;
                }
                r = select_by_link(files, sel, view, argv[i]);
                if (r < 0)
                        return r;
                ret = ret ?: r;
        }
        if (argc <= 1) {
                memset(sel->files, 1, files->n * sizeof(bool));
                memset(sel->masks, 1, files->n_masked * sizeof(bool));
        }
        return ret;
}

/* {"path": …, "text": …}; also the name when given. */
static int text_json(const char *name, const char *path, json_object **ret) {
        _cleanup_free_ char *text = NULL;
        json_object *o;
        int r;

        r = read_full_file(path, &text);
        if (r < 0) {
                fprintf(stderr, "ipoibctl cat: %s: %s\n", path, strerror(-r));
                return r;
        }
        o = json_object_new_object();
        if (name)
                json_object_object_add(o, "name", json_object_new_string(name));
        json_object_object_add(o, "path", json_object_new_string(path));
        json_object_object_add(o, "masked", json_object_new_boolean(false));
        json_object_object_add(o, "text", json_object_new_string(text));
        *ret = o;
        return 0;
}

static int file_json(const ConfFile *f, json_object **ret) {
        json_object *o, *d, *dl;
        int r;

        r = text_json(f->name, f->path, &o);
        if (r < 0)
                return r;
        dl = json_object_new_array();
        json_object_object_add(o, "dropins", dl);
        STRV_FOREACH(p, f->dropins) {
                r = text_json(NULL, *p, &d);
                if (r < 0) {
                        json_object_put(o);
                        return r;
                }
                json_object_object_del(d, "masked");
                json_object_array_add(dl, d);
        }
        *ret = o;
        return 0;
}

static json_object *mask_json(const ConfMask *m) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "name", json_object_new_string(m->name));
        json_object_object_add(o, "path", json_object_new_string(m->path));
        json_object_object_add(o, "masked", json_object_new_boolean(true));
        json_object_object_add(o, "why", json_object_new_string(m->why));
        json_object_object_add(o, "hides", m->masks ? json_object_new_string(m->masks) : NULL);
        return o;
}

/* The selection as JSON: {"files": [...]}, in the order the agent reads them. */
static int cat_to_json(const ConfFileList *files, const CatSelection *sel, json_object **ret) {
        _cleanup_(json_object_putp) json_object *root = json_object_new_object();
        json_object *a = json_object_new_array(), *o;
        int r;

        json_object_object_add(root, "files", a);
        for (size_t i = 0, j = 0; i < files->n || j < files->n_masked;) {
                /* Files and masks in name order, as the agent reads them. */
                bool is_mask = i >= files->n ||
                        (j < files->n_masked && strcmp(files->masked[j].name, files->files[i].name) < 0);

                if (is_mask) {
                        if (sel->masks[j])
                                json_object_array_add(a, mask_json(&files->masked[j]));
                        j++;
                        continue;
                }
                if (sel->files[i]) {
                        r = file_json(&files->files[i], &o);
                        if (r < 0)
                                return r;
                        json_object_array_add(a, o);
                }
                i++;
        }
        STRV_FOREACH(p, sel->extra) {
                r = text_json(NULL, *p, &o);
                if (r < 0)
                        return r;
                json_object_array_add(a, o);
        }
        *ret = TAKE_PTR(root);
        return 0;
}

/* The text is printed from the JSON, so that both say the same: "# PATH" before each file, an empty
 * line between files. */
static void cat_print(json_object *root) {
        json_object *a = json_get(root, "files");
        bool first = true;

        for (size_t i = 0; i < json_array_len(a); i++) {
                json_object *o = json_object_array_get_idx(a, i), *dl = json_get(o, "dropins");

                if (json_object_get_boolean(json_get(o, "masked"))) {
                        printf("%s# %s: masked (%s), hides %s\n", first ? "" : "\n", strna(json_get_str(o, "path")),
                               strna(json_get_str(o, "why")), json_get_str(o, "hides") ?: "nothing");
                        first = false;
                        continue;
                }
                printf("%s# %s\n%s", first ? "" : "\n", strna(json_get_str(o, "path")), strempty(json_get_str(o, "text")));
                first = false;
                for (size_t k = 0; k < json_array_len(dl); k++) {
                        json_object *d = json_object_array_get_idx(dl, k);

                        printf("\n# %s\n%s", strna(json_get_str(d, "path")), strempty(json_get_str(d, "text")));
                }
        }
}

int verb_cat(int argc, char *argv[]) {
        _cleanup_(conf_file_list_done) ConfFileList files = {};
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_(cat_selection_done) CatSelection sel = {};
        _cleanup_(json_object_putp) json_object *root = NULL;
        int r, ret;

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
        ret = cat_select(&files, argc, argv, &sel);
        if (ret < 0)
                return ret;
        r = cat_to_json(&files, &sel, &root);
        if (r < 0)
                return 1; /* said which file */
        if (arg_json)
                json_print(root);
        else
                cat_print(root);
        return ret;
}
