/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The D-Bus adapter: translates between the bus and the manager, no policy here beyond "Reload is for
 * root". The API is documented in man/org.ipoib.Agent1.5.scd. The same vtable is served on the system
 * bus and, peer to peer, on the control socket RUNTIME-DIR/control (root only). */

#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-bus.h>

#include "bus-errors.h"
#include "bus.h"
#include "describe.h"
#include "hold.h"
#include "plan-files.h"
#include "strv.h"

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

/* Root, or the user the agent runs as (a --simulate run as an ordinary user controls itself). */
static bool uid_is_privileged(uid_t uid) {
        return uid == 0 || uid == geteuid();
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

static int method_plan_files(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        int r = manager_plan_files(userdata, msg);

        return r < 0 ? bus_error_set_errnof(error, r, "Cannot plan the files on disk: %m") : r;
}

/* The bus policy says so too; the daemon does not rely on it alone. On the control socket the creds
 * are the peer's SO_PEERCRED, checked at accept() already. */
static int check_privileged(sd_bus_message *msg, sd_bus_error *error, const char *what) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        uid_t uid;
        int r;

        r = sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID, &creds);
        if (r >= 0)
                r = sd_bus_creds_get_euid(creds, &uid);
        if (r < 0)
                return bus_error_set_errnof(error, r, "Cannot tell who is calling: %m");
        if (!uid_is_privileged(uid))
                return bus_error_set_errnof(error, -EPERM, "Only root may %s.", what);
        return 0;
}

/* SetLinkHeld(s link, b down): ipoibctl down/up (hold.h). */
static int method_set_link_held(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *ifname;
        int down, r;

        r = check_privileged(msg, error, "hold links down or release them");
        if (r < 0)
                return r;
        r = sd_bus_message_read(msg, "sb", &ifname, &down);
        if (r < 0)
                return r;
        r = manager_set_hold(userdata, ifname, down);
        if (r == -ENODEV)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "No link %s.", ifname);
        if (r < 0)
                return bus_error_set_errnof(error, r, "Cannot %s %s: %m", down ? "hold down" : "release", ifname);
        return sd_bus_reply_method_return(msg, "");
}

/* The files with errors, one "path:line: error: what" line each, after a line that counts them. */
static int reload_error(Manager *m, sd_bus_error *error) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        if (!f)
                return bus_error_set_errnof(error, -ENOMEM, "Out of memory.");
        fprintf(f, "%u file%s rejected (the last good version stays in force where there was one):",
                m->config_rejected, m->config_rejected == 1 ? "" : "s");
        FOREACH_ARRAY(d, m->config_diags.items, m->config_diags.n) {
                _cleanup_free_ char *s = d->level == DIAG_ERROR ? diag_format(d) : NULL;

                if (s)
                        fprintf(f, "\n%s", s);
        }
        if (fclose(f) < 0)
                return bus_error_set_errnof(error, -ENOMEM, "Out of memory.");
        return sd_bus_error_set(error, bus_error_name_from_errno(-EINVAL), text);
}

/* The number of files and what the load said about them (warnings and notices: no errors here). */
static int reply_reload(sd_bus_message *msg, Manager *m) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_append(reply, "u", (uint32_t) m->config.n);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "s");
        FOREACH_ARRAY(d, m->config_diags.items, m->config_diags.n) {
                _cleanup_free_ char *s = diag_format(d);

                if (r >= 0)
                        r = s ? sd_bus_message_append(reply, "s", s) : -ENOMEM;
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_reload(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        int r;

        r = check_privileged(msg, error, "reload ipoib-agent");
        if (r < 0)
                return r;

        r = manager_reload(m);
        if (r < 0)
                return bus_error_set_errnof(error, r, "Reload failed: %m");
        if (m->config_rejected > 0)
                return reload_error(m, error);
        return reply_reload(msg, m);
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
        SD_BUS_METHOD_WITH_NAMES("PlanFiles", "", , "s", SD_BUS_PARAM(json), method_plan_files,
                                 SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("SetLinkHeld", "sb", SD_BUS_PARAM(link) SD_BUS_PARAM(down), "", ,
                                 method_set_link_held, 0),
        SD_BUS_METHOD_WITH_NAMES("Reload", "", , "uas", SD_BUS_PARAM(files) SD_BUS_PARAM(diagnostics),
                                 method_reload, 0),
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

/* ——— the control socket: the same API peer to peer, for root, without a bus daemon ——— */

#define CONTROL_CONNECTIONS_MAX 64

static void control_forget(Manager *m, sd_bus *bus) {
        for (size_t i = 0; i < m->n_control; i++)
                if (m->control[i] == bus) {
                        m->control[i] = m->control[--m->n_control];
                        sd_bus_flush_close_unref(bus);
                        return;
                }
}

static int on_control_disconnected(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        control_forget(userdata, sd_bus_message_get_bus(msg));
        return 0;
}

/* One accepted connection: a server-side sd_bus with the vtable on it. */
static int control_serve(Manager *m, int fd) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        sd_id128_t id;
        int r;

        r = sd_id128_randomize(&id);
        if (r >= 0)
                r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_fd(bus, fd, fd);
        if (r < 0)
                return r;
        /* The bus owns the fd from here; on a later failure unref closes it. */
        r = sd_bus_set_server(bus, true, id);
        if (r >= 0)
                r = sd_bus_add_object_vtable(bus, NULL, AGENT_BUS_PATH, AGENT_BUS_INTERFACE, manager_vtable, m);
        if (r >= 0)
                r = sd_bus_match_signal_async(bus, NULL, "org.freedesktop.DBus.Local", "/org/freedesktop/DBus/Local",
                                              "org.freedesktop.DBus.Local", "Disconnected", on_control_disconnected,
                                              NULL, m);
        if (r >= 0)
                r = sd_bus_attach_event(bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0)
                return r;
        m->control[m->n_control++] = TAKE_PTR(bus);
        return 0;
}

static int on_control_connection(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Manager *m = userdata;
        struct ucred cred = {};
        socklen_t len = sizeof(cred);
        int cfd, r;

        cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (cfd < 0) {
                if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                        log_warning_errno(errno, "Failed to accept a control connection, ignoring: %m");
                return 0;
        }
        /* The socket's mode (0600) keeps others out already; this holds also if someone changes it. */
        if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || !uid_is_privileged(cred.uid)) {
                log_notice("Refusing a control connection from uid %u (pid %d): root only.", (unsigned) cred.uid,
                           (int) cred.pid);
                close(cfd);
                return 0;
        }
        if (m->n_control >= CONTROL_CONNECTIONS_MAX) {
                log_warning("Refusing a control connection: %d are open already.", CONTROL_CONNECTIONS_MAX);
                close(cfd);
                return 0;
        }
        r = control_serve(m, cfd);
        if (r < 0)
                log_warning_errno(r, "Failed to serve a control connection, ignoring: %m");
        return 0;
}

int manager_control_start(Manager *m) {
        _cleanup_close_ int fd = -EBADF;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int r;

        if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control", m->runtime_dir) >= (int) sizeof(sa.sun_path))
                return log_warning_errno(-ENAMETOOLONG, "No control socket in %s: %m; going on without it.",
                                         m->runtime_dir);
        m->control = calloc(CONTROL_CONNECTIONS_MAX, sizeof(sd_bus *));
        if (!m->control)
                return log_oom();
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return log_warning_errno(errno, "No control socket: %m; going on without it.");
        /* The mode is the socket inode's, less the umask, at bind(): 0600 from the start, no window. */
        (void) unlink(sa.sun_path);
        if (fchmod(fd, 0600) < 0 || bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0600) < 0 ||
            listen(fd, SOMAXCONN) < 0)
                return log_warning_errno(errno, "No control socket %s: %m; going on without it.", sa.sun_path);
        r = sd_event_add_io(m->event, &m->control_source, fd, EPOLLIN, on_control_connection, m);
        if (r < 0)
                return log_warning_errno(r, "No control socket %s: %m; going on without it.", sa.sun_path);
        (void) sd_event_source_set_io_fd_own(m->control_source, true);
        TAKE_FD(fd);
        m->control_path = strdup(sa.sun_path); /* NULL on OOM: then it stays after exit, no harm */
        log_debug("Control API on %s.", sa.sun_path);
        return 0;
}
