/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* list: one line per link the agent knows, as networkctl list: index, name, type, state, file. Also
 * what ipoibctl does without a verb. Built from Describe() like status, so that both say the same. */

#include <fnmatch.h>
#include <string.h>

#include "ipoibctl.h"
#include "status-print.h"

static const char *path_basename(const char *path) {
        const char *s = path ? strrchr(path, '/') : NULL;

        return s ? s + 1 : path;
}

static bool link_wanted(json_object *l, int argc, char *argv[]) {
        const char *name = strempty(json_get_str(l, "name"));

        if (argc <= 1)
                return true;
        for (int i = 1; i < argc; i++)
                if (fnmatch(argv[i], name, 0) == 0)
                        return true;
        return false;
}

/* The rows, as the JSON that --json prints and the text is printed from. */
static json_object *list_rows(json_object *view, int argc, char *argv[]) {
        json_object *links = json_get(view, "links"), *rows = json_object_new_array();

        for (size_t i = 0; i < json_array_len(links); i++) {
                json_object *l = json_object_array_get_idx(links, i), *o;
                const char *v;

                if (!link_wanted(l, argc, argv))
                        continue;
                o = json_object_new_object();
                json_object_object_add(o, "ifindex", json_object_new_int(json_object_get_int(json_get(l, "ifindex"))));
                json_object_object_add(o, "name", json_object_new_string(strempty(json_get_str(l, "name"))));
                json_object_object_add(o, "type", json_object_new_string(json_get_str(l, "type") ?: "other"));
                json_object_object_add(o, "state", json_object_new_string(json_get_str(l, "state") ?: "unknown"));
                v = json_get_str(l, "file");
                json_object_object_add(o, "file", v ? json_object_new_string(v) : NULL);
                json_object_array_add(rows, o);
        }
        return rows;
}

static void list_print(json_object *rows) {
        size_t n = json_array_len(rows);
        int wname = 4, wtype = 4, wstate = 5; /* the legend's words */

        for (size_t i = 0; i < n; i++) {
                json_object *r = json_object_array_get_idx(rows, i);

                wname = MAX(wname, (int) strlen(json_get_str(r, "name")));
                wtype = MAX(wtype, (int) strlen(json_get_str(r, "type")));
                wstate = MAX(wstate, (int) strlen(json_get_str(r, "state")));
        }
        if (!arg_no_legend)
                printf("%s%3s %-*s %-*s %-*s %s%s\n", ansi(ANSI_HIGHLIGHT), "IDX", wname, "LINK", wtype, "TYPE",
                       wstate, "STATE", "FILE", ansi(ANSI_NORMAL));
        for (size_t i = 0; i < n; i++) {
                json_object *r = json_object_array_get_idx(rows, i);
                const char *state = json_get_str(r, "state"), *file = json_get_str(r, "file");

                printf("%3d %-*s %-*s %s%-*s%s %s\n", json_object_get_int(json_get(r, "ifindex")), wname,
                       json_get_str(r, "name"), wtype, json_get_str(r, "type"), link_state_color(state), wstate,
                       state, ansi(ANSI_NORMAL), file ? path_basename(file) : "-");
        }
        if (!arg_no_legend)
                printf("\n%zu link%s listed.\n", n, n == 1 ? "" : "s");
}

int verb_list(int argc, char *argv[]) {
        _cleanup_(json_object_putp) json_object *view = NULL, *rows = NULL;
        int r;

        if (agent_json("Describe", &view) < 0)
                return 1; /* said why already */
        r = names_check(view, argc, argv);
        rows = list_rows(view, argc, argv);
        if (arg_json) {
                _cleanup_(json_object_putp) json_object *o = json_object_new_object();

                json_object_object_add(o, "links", json_object_get(rows));
                json_print(o);
        } else
                list_print(rows);
        return r;
}
