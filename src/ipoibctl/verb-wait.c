/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* wait-online: systemd-networkd-wait-online for the links of ipoib-agent. Asks Describe() until the
 * links are configured (every matched link, the named ones, or with --any one of them), or the
 * timeout passes; then names each link that is not, with its reason. */

#include <fnmatch.h>
#include <json-c/json.h>
#include <time.h>

#include "agent-bus.h"
#include "bus-names.h"
#include "ipoibctl.h"
#include "status-print.h"

#define WAIT_POLL_USEC (200 * 1000ULL)

uint64_t arg_timeout_usec = 120 * 1000 * 1000ULL;
bool arg_any = false;

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

/* One link or wanted child that is waited for: its name, and why it is not online (NULL: it is). */
typedef struct WaitItem {
        char *name;
        char *why;
} WaitItem;

typedef struct WaitSet {
        WaitItem *items;
        size_t n, allocated;
} WaitSet;

static void wait_set_done(WaitSet *w) {
        FOREACH_ARRAY(i, w->items, w->n) {
                free(i->name);
                free(i->why);
        }
        w->items = mfree(w->items);
        w->n = w->allocated = 0;
}

static int wait_set_add(WaitSet *w, const char *name, const char *state, const char *reason) {
        WaitItem *i;

        if (!GREEDY_REALLOC(w->items, w->allocated, w->n + 1))
                return -ENOMEM;
        i = &w->items[w->n];
        *i = (WaitItem) { .name = strdup(strna(name)) };
        if (!i->name)
                return -ENOMEM;
        if (!streq_ptr(state, "configured") &&
            asprintf(&i->why, "%s%s%s", strna(state), reason ? ": " : "", strempty(reason)) < 0) {
                free(i->name);
                return -ENOMEM;
        }
        w->n++;
        return 0;
}

static bool link_named(const char *name, int argc, char *argv[]) {
        for (int i = 1; i < argc; i++)
                if (fnmatch(argv[i], strempty(name), 0) == 0)
                        return true;
        return false;
}

/* The links to wait for in the agent's view: with names, the links they match (a name that matches
 * none is waited for as "no such link"); without, every link a file configures and every P_Key child
 * its files want. */
static int wait_set_fill(WaitSet *w, json_object *view, int argc, char *argv[]) {
        json_object *links = json_get(view, "links");
        int r;

        for (size_t i = 0; i < json_array_len(links); i++) {
                json_object *l = json_object_array_get_idx(links, i), *children = json_get(l, "children");
                const char *name = json_get_str(l, "name");

                if (argc > 1 ? !link_named(name, argc, argv) : !json_get_str(l, "file"))
                        continue;
                r = wait_set_add(w, name, json_get_str(l, "state"), json_get_str(l, "reason"));
                if (r < 0)
                        return r;
                for (size_t k = 0; argc <= 1 && k < json_array_len(children); k++) {
                        json_object *c = json_object_array_get_idx(children, k);

                        /* A created child is a link of its own, above or below. */
                        if (streq_ptr(json_get_str(c, "state"), "created"))
                                continue;
                        r = wait_set_add(w, json_get_str(c, "name"), json_get_str(c, "state") ?: "pending",
                                         json_get_str(c, "reason") ?: "not created yet");
                        if (r < 0)
                                return r;
                }
        }
        for (int i = 1; i < argc; i++) {
                bool found = false;

                for (size_t k = 0; k < json_array_len(links) && !found; k++)
                        found = fnmatch(argv[i], strempty(json_get_str(json_object_array_get_idx(links, k), "name")),
                                        0) == 0;
                if (!found && (r = wait_set_add(w, argv[i], "missing", "no such link")) < 0)
                        return r;
        }
        return 0;
}

static bool wait_set_online(const WaitSet *w) {
        size_t online = 0;

        FOREACH_ARRAY(i, w->items, w->n)
                online += !i->why;
        if (w->n == 0)
                return false; /* nothing matched yet: links may still come */
        return arg_any ? online > 0 : online == w->n;
}

/* One look at the agent: 1 online, 0 not yet (w says why), -errno when the agent could not be asked. */
static int wait_check(sd_bus **bus, WaitSet *w, int argc, char *argv[]) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(json_object_putp) json_object *view = NULL;
        const char *text;
        int r;

        if (!*bus) {
                r = agent_open_quiet(bus);
                if (r < 0)
                        return r;
        }
        r = sd_bus_call_method(*bus, AGENT_BUS_NAME, AGENT_BUS_PATH, AGENT_BUS_INTERFACE, "Describe", NULL, &reply,
                               "");
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &text);
        if (r < 0) {
                /* The agent restarting: connect again next time. */
                *bus = sd_bus_flush_close_unref(*bus);
                return r;
        }
        view = json_tokener_parse(text);
        if (!view)
                return -EBADMSG;
        wait_set_done(w);
        r = wait_set_fill(w, view, argc, argv);
        if (r < 0)
                return r;
        return wait_set_online(w);
}

static void wait_report(const WaitSet *w, int last_error) {
        fprintf(stderr, "ipoibctl: wait-online: timed out after %.1f s", (double) arg_timeout_usec / 1e6);
        if (last_error < 0) {
                _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;

                fprintf(stderr, "; could not ask the agent: %s\n", strerror(-last_error));
                (void) agent_open(&bus); /* says why, if it was the connection */
                return;
        }
        if (w->n == 0) {
                fprintf(stderr, "; no link is configured by a file%s\n", arg_any ? "" : " yet");
                return;
        }
        fprintf(stderr, "; not online:\n");
        FOREACH_ARRAY(i, w->items, w->n)
                if (i->why)
                        fprintf(stderr, "%s: %s\n", i->name, i->why);
}

int verb_wait_online(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(wait_set_done) WaitSet w = {};
        uint64_t deadline = arg_timeout_usec > 0 ? now_usec() + arg_timeout_usec : UINT64_MAX;
        int r;

        for (;;) {
                r = wait_check(&bus, &w, argc, argv);
                if (r > 0)
                        return 0;
                if (r == -ENOMEM)
                        return r;
                if (now_usec() >= deadline)
                        break;
                (void) usleep((useconds_t) MIN(WAIT_POLL_USEC, deadline - now_usec()));
        }
        wait_report(&w, r);
        return 1;
}
