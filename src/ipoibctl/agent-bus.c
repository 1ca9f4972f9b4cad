/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The one place where ipoibctl connects to the agent (agent-bus.h). */

#include <sys/stat.h>

#include "agent-bus.h"
#include "bus-names.h"
#include "macros.h"

char *arg_runtime_dir = NULL;

static const char *runtime_dir(bool *ret_explicit) {
        const char *e = getenv("IPOIB_RUNTIME_DIR");

        *ret_explicit = arg_runtime_dir || !isempty(e);
        return arg_runtime_dir ?: !isempty(e) ? e : RUNTIME_DIR;
}

/* Peer to peer on DIR/control. -ENOENT when there is no socket (no agent there). */
static int open_socket(const char *dir, sd_bus **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *address = NULL;
        char path[108];
        struct stat st;
        int r;

        if (snprintf(path, sizeof(path), "%s/control", dir) >= (int) sizeof(path))
                return -ENAMETOOLONG;
        if (stat(path, &st) < 0)
                return -errno;
        if (asprintf(&address, "unix:path=%s", path) < 0)
                return -ENOMEM;
        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_address(bus, address);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(bus);
        return 0;
}

/* The system bus if the agent is on it: 1; 0 when the bus is there but the agent is not; or -errno. */
static int open_system_bus(sd_bus **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r, has_owner = 0;

        r = sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_set_allow_interactive_authorization(bus, false);
        if (r >= 0)
                r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "NameHasOwner", NULL, &reply, "s", AGENT_BUS_NAME);
        if (r >= 0)
                r = sd_bus_message_read(reply, "b", &has_owner);
        if (r < 0)
                return r;
        if (!has_owner)
                return 0;
        *ret = TAKE_PTR(bus);
        return 1;
}

/* The agent hung up on us: on the control socket that means it refused our uid (SO_PEERCRED). */
static bool is_disconnect(int r) {
        return r == -ENOTCONN || r == -ECONNRESET || r == -EPIPE;
}

static void say_refused(void) {
        fprintf(stderr, "ipoibctl: the agent closed the control connection (it serves root only)\n");
}

static int say_socket_error(const char *dir, int r) {
        if (is_disconnect(r))
                say_refused();
        else if (r == -EACCES || r == -EPERM)
                fprintf(stderr, "ipoibctl: %s/control: permission denied; only root may use the control socket\n",
                        dir);
        else
                fprintf(stderr, "ipoibctl: cannot connect to %s/control: %s\n", dir, strerror(-r));
        return r;
}

static int agent_open_full(sd_bus **ret, bool quiet) {
        bool explicit_dir;
        const char *dir = runtime_dir(&explicit_dir);
        int r, k;

        if (explicit_dir) {
                r = open_socket(dir, ret);
                if (r != -ENOENT)
                        return r >= 0 ? 0 : quiet ? r : say_socket_error(dir, r);
        }
        k = open_system_bus(ret);
        if (k > 0)
                return 0;
        if (!explicit_dir) {
                r = open_socket(dir, ret);
                if (r != -ENOENT)
                        return r >= 0 ? 0 : quiet ? r : say_socket_error(dir, r);
        }
        if (quiet)
                return -ESRCH;
        if (k < 0)
                fprintf(stderr, "ipoibctl: ipoib-agent is not running (no system bus: %s; no %s/control)\n",
                        strerror(-k), dir);
        else
                fprintf(stderr, "ipoibctl: ipoib-agent is not running (%s is not on the system bus; no %s/control)\n",
                        AGENT_BUS_NAME, dir);
        return -ESRCH;
}

int agent_open(sd_bus **ret) {
        return agent_open_full(ret, false);
}

int agent_open_quiet(sd_bus **ret) {
        return agent_open_full(ret, true);
}

int agent_call_on(sd_bus *bus, const char *method, sd_bus_message **ret_reply, sd_bus_error *ret_error) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_call_method(bus, AGENT_BUS_NAME, AGENT_BUS_PATH, AGENT_BUS_INTERFACE, method, &error, ret_reply,
                               "");
        if (r >= 0)
                return 0;
        if (sd_bus_error_has_names(&error, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
                fprintf(stderr, "ipoibctl: ipoib-agent is not running (%s is not on the system bus)\n", AGENT_BUS_NAME);
        else if (is_disconnect(r) && sd_bus_is_bus_client(bus) <= 0)
                say_refused();
        else if (sd_bus_error_has_name(&error, SD_BUS_ERROR_ACCESS_DENIED))
                fprintf(stderr, "ipoibctl: %s: permission denied; only root may do that\n", method);
        else if (ret_error && sd_bus_error_is_set(&error))
                sd_bus_error_move(ret_error, &error); /* the caller's to say */
        else
                fprintf(stderr, "ipoibctl: %s failed: %s\n", method, error.message ?: strerror(-r));
        return r;
}

int agent_call(const char *method, sd_bus_message **ret_reply) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r;

        r = agent_open(&bus);
        if (r < 0)
                return r;
        return agent_call_on(bus, method, ret_reply, NULL);
}
