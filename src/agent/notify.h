/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* sd_notify() that never blocks the loop. libsystemd's sd_notify() sends with a blocking sendmsg():
 * when the receiver does not read (ten datagrams queued is the kernel's default limit,
 * net.unix.max_dgram_qlen) the agent would stop answering the bus and signals. Here the socket is
 * connected and non-blocking: a message that does not fit is dropped and counted (logged once); the
 * latest STATUS= and the latest state word (READY=1, RELOADING=1, STOPPING=1) that were dropped are
 * kept and sent again when the socket is writable, so that the receiver ends up knowing the present
 * state. WATCHDOG=1 is sent from a timer of our own (sd_event's watchdog calls the blocking
 * sd_notify()). */

#include <stdbool.h>
#include <stdint.h>
#include <sys/un.h>
#include <systemd/sd-event.h>

typedef struct Notifier {
        int fd;                  /* connected to $NOTIFY_SOCKET; -1 without one */
        struct sockaddr_un addr; /* $NOTIFY_SOCKET */
        socklen_t addr_len;
        sd_event *event;
        sd_event_source *io;     /* EPOLLOUT while something waits to be resent */
        sd_event_source *watchdog;
        uint64_t watchdog_usec;  /* $WATCHDOG_USEC, 0 when not asked for */
        char *pending_state;     /* the latest READY=1 / RELOADING=1 / STOPPING=1 not sent */
        char *pending_status;    /* the latest STATUS=… not sent */
        uint64_t sent, dropped;  /* datagrams, for tests and the debug log */
        bool warned;             /* the first drop is a warning, the others debug */
} Notifier;

/* Reads $NOTIFY_SOCKET ("/path" or "@abstract") and $WATCHDOG_USEC (with $WATCHDOG_PID, as
 * sd_watchdog_enabled()); no variable is not an error (fd stays -1). */
int notifier_open(Notifier *n, sd_event *e);
/* Sends one message ("READY=1", "STATUS=…") without blocking; never fails the caller. */
void notifier_send(Notifier *n, const char *msg);
void notifier_done(Notifier *n);
