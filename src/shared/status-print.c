/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* One printer for the agent's view (Describe()'s JSON): the same words for a link, a missing P_Key
 * child or an idle file whether the agent prints them (--oneshot, STATUS=) or ipoibctl does. Reads
 * only keys documented in org.ipoib.Agent1(5) and tolerates missing ones, so a newer agent's view
 * still prints. */

#include <inttypes.h>

#include "status-print.h"

static bool json_get_bool(json_object *o, const char *key) {
        return json_object_get_boolean(json_get(o, key));
}

static int json_get_int(json_object *o, const char *key) {
        return json_object_get_int(json_get(o, key));
}

static const char *path_basename(const char *path) {
        const char *s = path ? strrchr(path, '/') : NULL;

        return s ? s + 1 : path;
}

/* A child the files want but the kernel does not have: why, also when the agent gave no reason. */
static const char *child_reason(json_object *c) {
        const char *state = json_get_str(c, "state");

        if (json_get_str(c, "reason") || streq_ptr(state, "created"))
                return json_get_str(c, "reason");
        return streq_ptr(state, "failed") ? "creation failed" : "not created yet";
}

bool status_link_is_managed(json_object *link) {
        return json_get_str(link, "file") || json_array_len(json_get(link, "children")) > 0 ||
                streq_ptr(json_get_str(link, "state"), "lingering");
}

StatusCounts status_count(json_object *view) {
        json_object *links = json_get(view, "links");
        StatusCounts c = {};

        for (size_t i = 0; i < json_array_len(links); i++) {
                json_object *l = json_object_array_get_idx(links, i), *children = json_get(l, "children");
                const char *state = json_get_str(l, "state");

                for (size_t k = 0; k < json_array_len(children); k++) {
                        const char *cs = json_get_str(json_object_array_get_idx(children, k), "state");

                        /* A created child is a link of its own, counted there. */
                        if (streq_ptr(cs, "created"))
                                continue;
                        c.matched++;
                        c.failed += streq_ptr(cs, "failed");
                }
                if (!json_get_str(l, "file"))
                        continue;
                c.matched++;
                c.configured += streq_ptr(state, "configured");
                c.failed += streq_ptr(state, "failed");
        }
        return c;
}

static void print_list(FILE *f, const char *label, json_object *a) {
        for (size_t i = 0; i < json_array_len(a); i++)
                fprintf(f, "%14s %s\n", i == 0 ? label : "",
                        json_object_get_string(json_object_array_get_idx(a, i)));
}

/* The routes of a link of Describe(): "route_objects" from an agent that has them; from an older one,
 * "routes" (strings, or objects from the agents that briefly put them there). */
static void print_routes(FILE *f, json_object *l) {
        json_object *a = json_get(l, "route_objects") ?: json_get(l, "routes");

        for (size_t i = 0; i < json_array_len(a); i++) {
                json_object *r = json_object_array_get_idx(a, i);
                const char *gw = json_get_str(r, "gateway");

                fprintf(f, "%14s ", i == 0 ? "Routes:" : "");
                if (!json_object_is_type(r, json_type_object)) {
                        fprintf(f, "%s\n", json_object_get_string(r));
                        continue;
                }
                fprintf(f, "%s%s%s metric %" PRId64 "%s", strna(json_get_str(r, "destination")), gw ? " via " : "",
                        strempty(gw), json_object_get_int64(json_get(r, "metric")),
                        json_get_bool(r, "onlink") ? " onlink" : "");
                /* The main table (254) goes without saying, as in "ip route". */
                if (json_get_int(r, "table") != 254 && json_get(r, "table"))
                        fprintf(f, " table %d", json_get_int(r, "table"));
                fputc('\n', f);
        }
}

/* A link's rules of Describe(): those its file asks for, each marked when the kernel lacks it. */
static void print_rules(FILE *f, json_object *a) {
        for (size_t i = 0; i < json_array_len(a); i++) {
                json_object *r = json_object_array_get_idx(a, i);

                fprintf(f, "%14s %s%s\n", i == 0 ? "Rules:" : "", strna(json_get_str(r, "rule")),
                        json_get_bool(r, "present") ? "" : " (not in the kernel yet)");
        }
}

static void print_port(FILE *f, json_object *port) {
        json_object *pk = json_get(port, "pkeys");

        fprintf(f, "%14s %s/%d", "Port:", strna(json_get_str(port, "device")), json_get_int(port, "port"));
        if (json_get_str(port, "state")) {
                fprintf(f, " %s, IB MTU %d, LID %d, SM LID %d, P_Keys", json_get_str(port, "state"),
                        json_get_int(port, "active_mtu"), json_get_int(port, "lid"),
                        json_get_int(port, "sm_lid"));
                for (size_t i = 0; i < json_array_len(pk); i++)
                        fprintf(f, " %s", json_object_get_string(json_object_array_get_idx(pk, i)));
        } else
                fprintf(f, " (no data from rdma-core)");
        fputc('\n', f);
}

static void print_children(FILE *f, json_object *children) {
        for (size_t i = 0; i < json_array_len(children); i++) {
                json_object *c = json_object_array_get_idx(children, i);
                const char *why = child_reason(c);

                fprintf(f, "%14s %s (%s%s%s)\n", i == 0 ? "Children:" : "", strna(json_get_str(c, "name")),
                        strna(json_get_str(c, "state")), why ? ": " : "", strempty(why));
        }
}

/* The colour of a state, as ipoibctl list shows it: green configured, red failed, yellow on the way. */
static const char *state_color(const char *state, StatusPrintFlags flags) {
        if (!(flags & STATUS_PRINT_COLOR))
                return "";
        if (streq_ptr(state, "configured"))
                return "\x1B[0;32m";
        if (streq_ptr(state, "failed"))
                return "\x1B[0;31m";
        if (streq_ptr(state, "configuring") || streq_ptr(state, "pending") || streq_ptr(state, "lingering"))
                return "\x1B[0;33m";
        return "";
}

void status_print_link_ext(FILE *f, json_object *l, StatusPrintFlags flags) {
        json_object *ib = json_get(l, "ipoib"), *port = json_get(l, "port");
        const char *v, *kind = json_get_str(l, "kind"), *state = json_get_str(l, "state");
        const char *on = state_color(state, flags), *off = *on ? "\x1B[0m" : "";

        fprintf(f, "%s●%s %s (%d)\n", on, off, strna(json_get_str(l, "name")), json_get_int(l, "ifindex"));
        fprintf(f, "%14s %s\n", "File:", json_get_str(l, "file") ?: "none");
        if ((v = json_get_str(l, "file_changed")))
                fprintf(f, "%14s %s\n", "", v);
        fprintf(f, "%14s %s%s%s\n", "State:", on, strna(state), off);
        fprintf(f, "%14s %s%s%s%s\n", "Type:", strna(json_get_str(l, "type")), kind ? " (" : "",
                strempty(kind), kind ? ")" : "");
        if (ib)
                fprintf(f, "%14s P_Key %s, mode %s, umcast %s\n", "IPoIB:", strna(json_get_str(ib, "pkey")),
                        strna(json_get_str(ib, "mode")), json_get_bool(ib, "umcast") ? "yes" : "no");
        if ((v = json_get_str(l, "parent")))
                fprintf(f, "%14s %s\n", "Parent:", v);
        fprintf(f, "%14s %d, %s, %s\n", "MTU:", json_get_int(l, "mtu"),
                json_get_bool(l, "up") ? "up" : "down",
                json_get_bool(l, "carrier") ? "carrier" : "no carrier");
        if ((v = json_get_str(l, "guid")))
                fprintf(f, "%14s %s\n", "GUID:", v);
        if (port)
                print_port(f, port);
        print_list(f, "Addresses:", json_get(l, "addresses"));
        print_routes(f, l);
        print_rules(f, json_get(l, "rules"));
        print_list(f, "DNS:", json_get(l, "dns"));
        print_list(f, "Domains:", json_get(l, "domains"));
        print_children(f, json_get(l, "children"));
        print_list(f, "Shadowed:", json_get(l, "shadowed"));
        if ((v = json_get_str(l, "reason")))
                fprintf(f, "%14s %s\n", "Reason:", v);
        if ((v = json_get_str(l, "warning")))
                fprintf(f, "%14s %s\n", "Warning:", v);
        if (json_get_bool(l, "held_down"))
                fprintf(f, "%14s down (ipoibctl up %s releases it)\n", "Hold:", strna(json_get_str(l, "name")));
}

/* An agent older than "unmatched_files" (ipoibctl upgraded, the agent not yet restarted) gives only
 * the paths, under "unused". */
static size_t unmatched_len(json_object *view) {
        json_object *files = json_get(view, "unmatched_files");

        return files ? json_array_len(files) : json_array_len(json_get(view, "unused"));
}

size_t status_print_unmatched(FILE *f, json_object *view) {
        json_object *files = json_get(view, "unmatched_files"), *unused = json_get(view, "unused");
        size_t n = unmatched_len(view);

        for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(files ?: unused, i);

                if (files)
                        fprintf(f, "%s: %s\n", strna(json_get_str(e, "path")),
                                strna(json_get_str(e, "reason")));
                else
                        fprintf(f, "%s: no link matches its [Match]\n", strna(json_object_get_string(e)));
        }
        return n;
}

size_t status_print_warnings(FILE *f, json_object *view) {
        json_object *w = json_get(view, "warnings");

        for (size_t i = 0; i < json_array_len(w); i++)
                fprintf(f, "Warning: %s\n", strna(json_object_get_string(json_object_array_get_idx(w, i))));
        return json_array_len(w);
}

void status_print_link(FILE *f, json_object *l) {
        status_print_link_ext(f, l, 0);
}

void status_print_overview_ext(FILE *f, json_object *view, StatusPrintFlags flags) {
        json_object *links = json_get(view, "links");
        size_t shown = 0;

        if (status_print_warnings(f, view) > 0)
                fputc('\n', f);
        for (size_t i = 0; i < json_array_len(links); i++) {
                json_object *l = json_object_array_get_idx(links, i);

                if (!status_link_is_managed(l))
                        continue;
                if (shown++ > 0)
                        fputc('\n', f);
                status_print_link_ext(f, l, flags);
        }
        if (shown > 0 && unmatched_len(view) > 0)
                fputc('\n', f);
        if (status_print_unmatched(f, view) == 0 && shown == 0)
                fprintf(f, "No link is configured by a file.\n");
}

void status_print_overview(FILE *f, json_object *view) {
        status_print_overview_ext(f, view, 0);
}

static void print_row(FILE *f, const char *name, const char *state, const char *path, const char *why) {
        fprintf(f, "%-16s %-12s %s%s%s\n", name ?: "-", strna(state), path ? path_basename(path) : "-",
                why ? ": " : "", strempty(why));
}

int status_print_summary(FILE *f, json_object *view) {
        json_object *links = json_get(view, "links"), *files = json_get(view, "unmatched_files");
        StatusCounts c = status_count(view);
        int64_t changes = json_object_get_int64(json_get(view, "changes"));

        for (size_t i = 0; i < json_array_len(links); i++) {
                json_object *l = json_object_array_get_idx(links, i), *children = json_get(l, "children");

                for (size_t k = 0; k < json_array_len(children); k++) {
                        json_object *ch = json_object_array_get_idx(children, k);

                        if (!streq_ptr(json_get_str(ch, "state"), "created"))
                                print_row(f, json_get_str(ch, "name"), json_get_str(ch, "state"),
                                          json_get_str(ch, "file"), child_reason(ch));
                }
                if (!json_get_str(l, "file") && !streq_ptr(json_get_str(l, "state"), "lingering"))
                        continue;
                print_row(f, json_get_str(l, "name"), json_get_str(l, "state"), json_get_str(l, "file"),
                          json_get_str(l, "reason") ?: json_get_str(l, "warning"));
        }
        /* Files that configure nothing: say so, so that a missing port is not silent. */
        for (size_t i = 0; i < json_array_len(files); i++) {
                json_object *e = json_object_array_get_idx(files, i);

                print_row(f, json_get_str(e, "name"), json_get_str(e, "state"), json_get_str(e, "path"),
                          json_get_str(e, "reason"));
        }
        status_print_warnings(f, view);
        fprintf(f, "%zu link%s matched, %zu configured, %" PRId64 " change%s sent\n", c.matched,
                c.matched == 1 ? "" : "s", c.configured, changes, changes == 1 ? "" : "s");
        return c.configured == c.matched ? 0 : 1;
}

int status_format_counts(const StatusCounts *c, char *buf, size_t size) {
        int n;

        n = snprintf(buf, size, "STATUS=%zu link%s matched: %zu configured, %zu failed", c->matched,
                     c->matched == 1 ? "" : "s", c->configured, c->failed);
        return n < 0 || (size_t) n >= size ? -ENOBUFS : 0;
}

int status_append_rejected(char *buf, size_t size, const char *const *paths, size_t n) {
        size_t base = strlen(buf), o = base;
        int k;

        if (base >= size)
                return -ENOBUFS;
        /* "; 2 files rejected: a.ibnet, b.ibnet": the names while they fit, else the count alone. */
        for (size_t i = 0; i < n; i++) {
                const char *name = strna(path_basename(paths[i]));

                k = i == 0 ? snprintf(buf + o, size - o, "; %zu file%s rejected: %s", n, n == 1 ? "" : "s", name)
                           : snprintf(buf + o, size - o, ", %s", name);
                if (k < 0 || (size_t) k >= size - o) {
                        k = snprintf(buf + base, size - base, "; %zu file%s rejected", n, n == 1 ? "" : "s");
                        if (k < 0 || (size_t) k >= size - base) {
                                buf[base] = 0;
                                return -ENOBUFS;
                        }
                        return 0;
                }
                o += (size_t) k;
        }
        return 0;
}

int status_format_notify(json_object *view, char *buf, size_t size) {
        StatusCounts c = status_count(view);
        json_object *rejected = json_get(view, "rejected_files");
        size_t n = json_array_len(rejected);
        _cleanup_free_ const char **paths = calloc(n + 1, sizeof(char *));
        int r;

        if (!paths)
                return -ENOMEM;
        r = status_format_counts(&c, buf, size);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                paths[i] = json_get_str(json_object_array_get_idx(rejected, i), "path");
        return status_append_rejected(buf, size, paths, n);
}
