/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Verbs that ask the running agent, over D-Bus only (org.ipoib.Agent1(5)): status, plan, reload. */

#include <fnmatch.h>
#include <json-c/json.h>
#include <systemd/sd-bus.h>

#include "ipoibctl.h"
#include "macros.h"

#define AGENT_BUS_NAME "org.ipoib.Agent1"
#define AGENT_BUS_PATH "/org/ipoib/Agent1"
#define AGENT_BUS_INTERFACE "org.ipoib.Agent1.Manager"

static void json_putp(json_object **j) {
        if (*j)
                json_object_put(*j);
}

static int agent_call(const char *method, sd_bus_message **ret_reply) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_set_allow_interactive_authorization(bus, false);
        if (r < 0) {
                fprintf(stderr, "ipoibctl: cannot connect to the system bus: %s\n", strerror(-r));
                return r;
        }
        r = sd_bus_call_method(bus, AGENT_BUS_NAME, AGENT_BUS_PATH, AGENT_BUS_INTERFACE, method, &error, ret_reply,
                               "");
        if (r < 0) {
                if (sd_bus_error_has_names(&error, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
                        fprintf(stderr, "ipoibctl: ipoib-agent is not running (%s is not on the system bus)\n",
                                AGENT_BUS_NAME);
                else if (sd_bus_error_has_name(&error, SD_BUS_ERROR_ACCESS_DENIED))
                        fprintf(stderr, "ipoibctl: %s: permission denied; only root may do that\n", method);
                else
                        fprintf(stderr, "ipoibctl: %s failed: %s\n", method, error.message ?: strerror(-r));
                return r;
        }
        return 0;
}

static int agent_json(const char *method, json_object **ret) {
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

static const char *jget_str(json_object *o, const char *key) {
        json_object *v;

        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                ? json_object_get_string(v) : NULL;
}

static json_object *jget(json_object *o, const char *key) {
        json_object *v;

        return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static bool name_wanted(const char *name, int argc, char *argv[]) {
        for (int i = 1; i < argc; i++)
                if (fnmatch(argv[i], name, 0) == 0)
                        return true;
        return false;
}

static void print_list(const char *label, json_object *a) {
        size_t n = a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;

        for (size_t i = 0; i < n; i++)
                printf("%14s %s\n", i == 0 ? label : "", json_object_get_string(json_object_array_get_idx(a, i)));
}

static void print_link(json_object *l) {
        json_object *ib = jget(l, "ipoib"), *port = jget(l, "port"), *children = jget(l, "children");
        const char *v;

        printf("● %s (%d)\n", jget_str(l, "name"), json_object_get_int(jget(l, "ifindex")));
        printf("%14s %s\n", "File:", jget_str(l, "file") ?: "none");
        printf("%14s %s\n", "State:", jget_str(l, "state"));
        printf("%14s %s%s%s%s\n", "Type:", jget_str(l, "type"), jget_str(l, "kind") ? " (" : "",
               strempty(jget_str(l, "kind")), jget_str(l, "kind") ? ")" : "");
        if (ib)
                printf("%14s P_Key %s, mode %s, umcast %s\n", "IPoIB:", jget_str(ib, "pkey"), jget_str(ib, "mode"),
                       json_object_get_boolean(jget(ib, "umcast")) ? "yes" : "no");
        if ((v = jget_str(l, "parent")))
                printf("%14s %s\n", "Parent:", v);
        printf("%14s %d, %s, %s\n", "MTU:", json_object_get_int(jget(l, "mtu")),
               json_object_get_boolean(jget(l, "up")) ? "up" : "down",
               json_object_get_boolean(jget(l, "carrier")) ? "carrier" : "no carrier");
        if ((v = jget_str(l, "guid")))
                printf("%14s %s\n", "GUID:", v);
        if (port) {
                printf("%14s %s/%d", "Port:", jget_str(port, "device"), json_object_get_int(jget(port, "port")));
                if (jget_str(port, "state")) {
                        json_object *pk = jget(port, "pkeys");

                        printf(" %s, IB MTU %d, LID %d, SM LID %d, P_Keys", jget_str(port, "state"),
                               json_object_get_int(jget(port, "active_mtu")), json_object_get_int(jget(port, "lid")),
                               json_object_get_int(jget(port, "sm_lid")));
                        for (size_t i = 0; pk && i < json_object_array_length(pk); i++)
                                printf(" %s", json_object_get_string(json_object_array_get_idx(pk, i)));
                } else
                        printf(" (no data from rdma-core)");
                printf("\n");
        }
        print_list("Addresses:", jget(l, "addresses"));
        print_list("Routes:", jget(l, "routes"));
        for (size_t i = 0; children && i < json_object_array_length(children); i++) {
                json_object *c = json_object_array_get_idx(children, i);

                printf("%14s %s (%s%s%s)\n", i == 0 ? "Children:" : "", jget_str(c, "name"), jget_str(c, "state"),
                       jget_str(c, "reason") ? ": " : "", strempty(jget_str(c, "reason")));
        }
        print_list("Shadowed:", jget(l, "shadowed"));
        if ((v = jget_str(l, "reason")))
                printf("%14s %s\n", "Reason:", v);
        if ((v = jget_str(l, "warning")))
                printf("%14s %s\n", "Warning:", v);
}

int verb_status(int argc, char *argv[]) {
        _cleanup_(json_putp) json_object *j = NULL;
        json_object *links, *out;
        bool first = true;
        size_t n;
        int r;

        r = agent_json("Describe", &j);
        if (r < 0)
                return 1; /* said why already */
        links = jget(j, "links");
        out = json_object_new_array();
        for (size_t i = 0; links && i < json_object_array_length(links); i++) {
                json_object *l = json_object_array_get_idx(links, i);
                const char *name = jget_str(l, "name"), *state = jget_str(l, "state");

                /* Without names: the links the agent has business with. */
                if (argc > 1 ? !name_wanted(name, argc, argv)
                             : !jget_str(l, "file") && !jget(l, "children") && !streq_ptr(state, "lingering"))
                        continue;
                json_object_array_add(out, json_object_get(l));
        }
        if (arg_json) {
                json_object_object_add(j, "links", out);
                puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
                return 0;
        }
        for (size_t i = 0; i < json_object_array_length(out); i++) {
                if (!first)
                        putchar('\n');
                print_link(json_object_array_get_idx(out, i));
                first = false;
        }
        n = json_object_array_length(out);
        json_object_put(out);
        if (argc > 1)
                return n == 0 ? 1 : 0; /* none of the names given */

        json_object *unused = jget(j, "unused");
        size_t n_unused = unused ? json_object_array_length(unused) : 0;

        if (n_unused > 0 && n > 0)
                putchar('\n');
        for (size_t i = 0; i < n_unused; i++)
                printf("%s: no link matches its [Match]\n",
                       json_object_get_string(json_object_array_get_idx(unused, i)));
        if (n == 0 && n_unused == 0)
                printf("No link is configured by a file.\n");
        return 0;
}

int verb_plan(int argc, char *argv[]) {
        _cleanup_(json_putp) json_object *j = NULL;
        json_object *links;
        size_t shown = 0;
        int r;

        r = agent_json("Plan", &j);
        if (r < 0)
                return 1;
        if (arg_json) {
                puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
                return 0;
        }
        links = jget(j, "links");
        for (size_t i = 0; links && i < json_object_array_length(links); i++) {
                json_object *l = json_object_array_get_idx(links, i), *acts = jget(l, "actions");
                const char *name = jget_str(l, "name");

                if (argc > 1 && !name_wanted(name, argc, argv))
                        continue;
                for (size_t k = 0; acts && k < json_object_array_length(acts); k++, shown++)
                        printf("%s: %s\n", name, json_object_get_string(json_object_array_get_idx(acts, k)));
                if (jget_str(l, "blocked")) {
                        printf("%s: blocked: %s\n", name, jget_str(l, "blocked"));
                        shown++;
                }
        }
        if (shown == 0 && !arg_no_legend)
                printf("Nothing to change.\n");
        return 0;
}

int verb_reload(int argc, char *argv[]) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        uint32_t files, rejected;
        int r;

        r = agent_call("Reload", &reply);
        if (r < 0)
                return 1;
        r = sd_bus_message_read(reply, "uu", &files, &rejected);
        if (r < 0)
                return r;
        printf("Reloaded %u file%s.\n", files, files == 1 ? "" : "s");
        if (rejected > 0)
                printf("%u file%s not used because of errors (the last good version stays where there was one); "
                       "run ipoibctl check.\n",
                       rejected, rejected == 1 ? " is" : "s are");
        return 0;
}
