/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "notify.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "macros.h"

/* $NOTIFY_SOCKET as sd_notify() reads it: an absolute path, or '@' for the abstract namespace. */
static int notify_address(Notifier *n, const char *s) {
        size_t l = strlen(s);

        if ((s[0] != '/' && s[0] != '@') || l < 2 || l >= sizeof(n->addr.sun_path))
                return -EINVAL;
        n->addr = (struct sockaddr_un) { .sun_family = AF_UNIX };
        memcpy(n->addr.sun_path, s, l);
        if (s[0] == '@')
                n->addr.sun_path[0] = '\0';
        /* An abstract name is exactly its bytes, no terminating NUL. */
        n->addr_len = offsetof(struct sockaddr_un, sun_path) + l + (s[0] == '/');
        return 0;
}

static int notifier_sendmsg(Notifier *n, const char *msg) {
        /* Connected, so that EPOLLOUT says "the receiver has room" (unix_dgram_poll() looks at the
         * peer's queue only for a connected socket). Connected again after the receiver went away. */
        if (connect(n->fd, (const struct sockaddr *) &n->addr, n->addr_len) < 0 && errno != EISCONN)
                return -errno;
        if (send(n->fd, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
                return -errno;
        n->sent++;
        return 0;
}

static void notifier_blocked(Notifier *n) {
        n->dropped++;
        if (!n->warned) {
                n->warned = true;
                log_warning("The notification socket $NOTIFY_SOCKET is full (nobody reads it): notifications "
                            "are dropped, the latest state and STATUS= are sent again when it has room.");
        } else
                log_debug("The notification socket is still full (%" PRIu64 " dropped).", n->dropped);
}

static int on_writable(sd_event_source *s, int fd, uint32_t revents, void *userdata);

/* The pending state word first, then STATUS=: the order they were meant in. */
static void notifier_flush(Notifier *n) {
        char **slots[] = { &n->pending_state, &n->pending_status };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(slots); i++) {
                char **slot = slots[i];

                if (!*slot)
                        continue;
                r = notifier_sendmsg(n, *slot);
                if (r == -EAGAIN) {
                        notifier_blocked(n);
                        if (!n->io && sd_event_add_io(n->event, &n->io, n->fd, EPOLLOUT, on_writable, n) < 0) {
                                log_oom();
                                return;
                        }
                        (void) sd_event_source_set_enabled(n->io, SD_EVENT_ON);
                        return;
                }
                if (r < 0)
                        log_debug_errno(r, "Failed to send \"%s\" to $NOTIFY_SOCKET, dropping it: %m", *slot);
                *slot = mfree(*slot);
        }
        if (n->io)
                (void) sd_event_source_set_enabled(n->io, SD_EVENT_OFF);
}

static int on_writable(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        notifier_flush(userdata);
        return 0;
}

void notifier_send(Notifier *n, const char *msg) {
        char **slot;
        int r;

        if (n->fd < 0)
                return;
        if (startswith(msg, "STATUS="))
                slot = &n->pending_status;
        else if (streq(msg, "READY=1") || streq(msg, "RELOADING=1") || streq(msg, "STOPPING=1"))
                slot = &n->pending_state;
        else {
                /* WATCHDOG=1 and the like: worth nothing later. */
                r = notifier_sendmsg(n, msg);
                if (r == -EAGAIN)
                        notifier_blocked(n);
                else if (r < 0)
                        log_debug_errno(r, "Failed to send \"%s\" to $NOTIFY_SOCKET: %m", msg);
                return;
        }
        /* Only the latest matters: a newer one replaces one still waiting. */
        free(*slot);
        *slot = strdup(msg);
        if (!*slot) {
                log_oom();
                return;
        }
        notifier_flush(n);
}

static int on_watchdog(sd_event_source *s, uint64_t usec, void *userdata) {
        Notifier *n = userdata;

        notifier_send(n, "WATCHDOG=1");
        (void) sd_event_source_set_time_relative(s, n->watchdog_usec / 2);
        (void) sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        return 0;
}

/* $WATCHDOG_USEC, for this process ($WATCHDOG_PID absent or ours), as sd_watchdog_enabled(). */
static uint64_t watchdog_usec_from_env(void) {
        const char *s = getenv("WATCHDOG_USEC"), *p = getenv("WATCHDOG_PID");
        unsigned long long usec;
        char *end;

        if (!s || !isdigit((unsigned char) s[0]))
                return 0;
        errno = 0;
        usec = strtoull(s, &end, 10);
        if (errno != 0 || *end || usec == 0)
                return 0;
        if (p && strtoull(p, &end, 10) != (unsigned long long) getpid())
                return 0;
        return usec;
}

int notifier_open(Notifier *n, sd_event *e) {
        const char *s = getenv("NOTIFY_SOCKET");
        int r;

        *n = (Notifier) { .fd = -1, .event = e };
        if (!s)
                return 0;
        r = notify_address(n, s);
        if (r < 0) {
                log_warning("Ignoring NOTIFY_SOCKET=%s: not an absolute path or an @abstract name.", s);
                return 0;
        }
        n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (n->fd < 0)
                return log_error_errno(errno, "Failed to create the notification socket: %m");
        n->watchdog_usec = watchdog_usec_from_env();
        if (n->watchdog_usec > 0) {
                r = sd_event_add_time_relative(e, &n->watchdog, CLOCK_MONOTONIC, n->watchdog_usec / 2, 0,
                                               on_watchdog, n);
                if (r < 0)
                        return log_error_errno(r, "Failed to add the watchdog timer: %m");
                /* Ahead of the work: a long slice of work must not make it late. */
                (void) sd_event_source_set_priority(n->watchdog, SD_EVENT_PRIORITY_IMPORTANT);
        }
        return 0;
}

void notifier_done(Notifier *n) {
        n->io = sd_event_source_disable_unref(n->io);
        n->watchdog = sd_event_source_disable_unref(n->watchdog);
        n->pending_state = mfree(n->pending_state);
        n->pending_status = mfree(n->pending_status);
        if (n->fd >= 0)
                (void) close(n->fd);
        n->fd = -1;
}
