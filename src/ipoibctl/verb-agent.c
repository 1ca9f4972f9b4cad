/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Verbs that ask the running agent, over D-Bus only (org.ipoib.Agent1(5)): status, plan, reload. */

#include <fnmatch.h>
#include <json-c/json.h>
#include <systemd/sd-bus.h>

#include "agent-bus.h"
#include "bus-names.h"
#include "ipoibctl.h"
#include "macros.h"
#include "status-print.h"

int agent_json(const char *method, json_object **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *text;
        json_object *j;
        int r;

        r = agent_call(method, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "s", &text);
        if (r < 0)
                return r;
        j = json_tokener_parse(text);
        if (!j) {
                fprintf(stderr, "ipoibctl: the agent's answer is not JSON\n");
                return -EBADMSG;
        }
        *ret = j;
        return 0;
}

static bool name_wanted(const char *name, int argc, char *argv[]) {
        for (int i = 1; i < argc; i++)
                if (fnmatch(argv[i], strempty(name), 0) == 0)
                        return true;
        return false;
}

/* Every name or glob given must match a link the agent knows: "no link NAME" for each that does not,
 * and then exit status 1, as networkctl does. The links that did match are still shown. */
int names_check(json_object *view, int argc, char *argv[]) {
        json_object *links = json_get(view, "links");
        int r = 0;

        for (int i = 1; i < argc; i++) {
                bool found = false;

                for (size_t k = 0; k < json_array_len(links) && !found; k++) {
                        const char *name = json_get_str(json_object_array_get_idx(links, k), "name");

                        found = fnmatch(argv[i], strempty(name), 0) == 0;
                }
                if (!found) {
                        fprintf(stderr, "ipoibctl: no link %s\n", argv[i]);
                        r = 1;
                }
        }
        return r;
}

/* Keeps the links named on the command line, in the agent's order; without names, the links the agent
 * has business with. */
void links_keep(json_object *view, int argc, char *argv[]) {
        json_object *links = json_get(view, "links"), *out = json_object_new_array();

        for (size_t i = 0; i < json_array_len(links); i++) {
                json_object *l = json_object_array_get_idx(links, i);

                if (argc > 1 ? name_wanted(json_get_str(l, "name"), argc, argv) : status_link_is_managed(l))
                        json_object_array_add(out, json_object_get(l));
        }
        json_object_object_add(view, "links", out);
}

static void print_json(json_object *j) {
        puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

int verb_status(int argc, char *argv[]) {
        _cleanup_(json_object_putp) json_object *j = NULL;
        json_object *links;
        int r;

        if (agent_json("Describe", &j) < 0)
                return 1; /* said why already */
        r = names_check(j, argc, argv);
        links_keep(j, argc, argv);
        links = json_get(j, "links");
        if (arg_json)
                print_json(j);
        else if (argc <= 1)
                /* with the files that configure nothing */
                status_print_overview_ext(stdout, j, colors_enabled() ? STATUS_PRINT_COLOR : 0);
        else
                for (size_t i = 0; i < json_array_len(links); i++) {
                        if (i > 0)
                                putchar('\n');
                        status_print_link_ext(stdout, json_object_array_get_idx(links, i),
                                              colors_enabled() ? STATUS_PRINT_COLOR : 0);
                }
        return r;
}

/* Reload(): on success the number of files and the warnings; a rejected file is an error whose message
 * names each problem as path:line: — printed as the agent wrote it, exit status 1. */
int verb_reload(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *line;
        uint32_t files;
        int r;

        if (agent_open(&bus) < 0)
                return 1;
        r = agent_call_on(bus, "Reload", &reply, &error);
        if (r < 0) {
                if (sd_bus_error_has_name(&error, AGENT_BUS_ERROR_INVALID_CONFIG))
                        fprintf(stderr, "ipoibctl: reload: %s\n", error.message);
                else if (sd_bus_error_is_set(&error))
                        fprintf(stderr, "ipoibctl: Reload failed: %s\n", strna(error.message));
                return 1;
        }
        r = sd_bus_message_read(reply, "u", &files);
        if (r >= 0)
                r = sd_bus_message_enter_container(reply, 'a', "s");
        while (r >= 0 && (r = sd_bus_message_read(reply, "s", &line)) > 0)
                fprintf(stderr, "%s\n", line);
        if (r < 0) {
                fprintf(stderr, "ipoibctl: the agent's answer to Reload is not what ipoibctl expects: %s\n",
                        strerror(-r));
                return 1;
        }
        printf("Reloaded %u file%s.\n", files, files == 1 ? "" : "s");
        return 0;
}
