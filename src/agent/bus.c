/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The D-Bus adapter: translates between the bus and the manager, no policy here beyond "Reload is for
 * root". The API is documented in man/org.ipoib.Agent1.5.scd. */

#include <stdarg.h>
#include <systemd/sd-bus.h>

#include "bus-errors.h"
#include "bus.h"
#include "describe.h"

/* Every error reply goes through here: the name from the one errno table (bus-errors.c), the
 * message from fmt, where %m is r. */
_printf_(3, 4) static int bus_error_set_errnof(sd_bus_error *error, int r, const char *fmt, ...) {
        _cleanup_free_ char *message = NULL;
        va_list ap;
        int k;

        errno = r < 0 ? -r : r;
        va_start(ap, fmt);
        k = vasprintf(&message, fmt, ap);
        va_end(ap);
        return sd_bus_error_set(error, bus_error_name_from_errno(r), k < 0 ? NULL : message);
}

static int reply_json(sd_bus_message *msg, char *json, sd_bus_error *error) {
        _cleanup_free_ char *j = json;

        if (!j)
                return bus_error_set_errnof(error, -ENOMEM, "Out of memory.");
        return sd_bus_reply_method_return(msg, "s", j);
}

static int method_describe(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        return reply_json(msg, describe_json(userdata), error);
}

static int method_plan(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        return reply_json(msg, plan_json(userdata), error);
}

static int method_reload(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        Manager *m = userdata;
        uid_t uid;
        uint32_t rejected = 0;
        int r;

        /* The bus policy says so too; the daemon does not rely on it alone. */
        r = sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID, &creds);
        if (r >= 0)
                r = sd_bus_creds_get_euid(creds, &uid);
        if (r < 0)
                return bus_error_set_errnof(error, r, "Cannot tell who is calling: %m");
        if (uid != 0)
                return bus_error_set_errnof(error, -EPERM, "Only root may reload ipoib-agent.");

        r = manager_reload(m);
        if (r < 0)
                return bus_error_set_errnof(error, r, "Reload failed: %m");
        rejected = m->config_rejected;
        return sd_bus_reply_method_return(msg, "uu", (uint32_t) m->config.n, rejected);
}

static int property_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", PACKAGE_VERSION);
}

static int property_backend(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;

        return sd_bus_message_append(reply, "s", strna(m->backend_name));
}

static int property_state(sd_bus *bus, const char *path, const char *interface, const char *property,
                          sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;

        return sd_bus_message_append(reply, "s", m->ready_notified ? "running" : "starting");
}

const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Backend", "s", property_backend, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", property_state, 0, 0),
        SD_BUS_METHOD_WITH_NAMES("Describe", "", , "s", SD_BUS_PARAM(json), method_describe,
                                 SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("Plan", "", , "s", SD_BUS_PARAM(json), method_plan, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("Reload", "", , "uu", SD_BUS_PARAM(files) SD_BUS_PARAM(rejected), method_reload,
                                 0),
        SD_BUS_VTABLE_END,
};

int manager_bus_start(Manager *m) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r;

        r = sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_add_object_vtable(bus, NULL, AGENT_BUS_PATH, AGENT_BUS_INTERFACE, manager_vtable, m);
        if (r >= 0)
                r = sd_bus_request_name(bus, AGENT_BUS_NAME, 0);
        if (r >= 0)
                r = sd_bus_attach_event(bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_warning_errno(r, "No control API (%s on the system bus): %m; going on without it.",
                                         AGENT_BUS_NAME);
        m->bus = TAKE_PTR(bus);
        log_debug("Control API on the system bus as %s.", AGENT_BUS_NAME);
        return 0;
}
