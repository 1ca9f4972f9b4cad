/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Link: one kernel interface as observed, the network that configures it (if any), and its state.
 * Exactly one setter changes the state; it logs the transition and keeps the reason, so "why is
 * this link not configured?" has one answer. */

#include "action.h"
#include "ibnet.h"
#include "ipoib.h"
#include "kernel.h"
#include "log.h"

typedef struct Manager Manager;

/* A P_Key child a parent link should have. */
typedef struct ChildSlot {
        IbNetwork *network; /* ref */
        char name[IFNAMSIZ];
        bool failed;        /* creating it failed; retried when the parent or the config changes */
        char *reason;
} ChildSlot;

typedef enum LinkState {
        LINK_STATE_PENDING,     /* matched, waiting for something (a parent, the first dump) */
        LINK_STATE_CONFIGURING, /* requests in flight */
        LINK_STATE_CONFIGURED,  /* the kernel matches the file */
        LINK_STATE_UNMANAGED,   /* no file matches */
        LINK_STATE_FAILED,      /* a request failed; retried when the link or the config changes */
        LINK_STATE_LINGERING,   /* its file went away; removing what the agent created on it */
        _LINK_STATE_MAX,
        _LINK_STATE_INVALID = -EINVAL,
} LinkState;

typedef struct Link {
        Manager *manager;
        KLink kernel;
        KAddress *addresses;
        size_t n_addresses, allocated_addresses;
        KRoute *routes;
        size_t n_routes, allocated_routes;

        IbNetwork *network;   /* ref: the file that configures this link, NULL if none */
        char **shadowed;      /* later files that match too and are ignored */

        /* IPoIB */
        /* The InfiniBand port behind it (a child: a copy of its parent's), NULL when none or unknown.
         * Allocated for IPoIB links only: inline it made every Link (veth and Ethernet ones too) 640
         * instead of 280 bytes. */
        IbPortInfo *port;
        IpoibState ipoib;             /* what the kernel's answers taught about mode and MTU (ipoib.c) */
        struct ChildSlot *children;   /* [Partition] files that match this link as parent */
        size_t n_children;
        size_t child_hint;            /* where link_child_slot() found the last one */
        bool children_failed;         /* some slot may have failed (cleared with them all) */

        /* LINK_STATE_FAILED also means: wait for a change before planning again (link_retry()). */
        LinkState state;
        char *reason;         /* why it is not configured (NULL when it is) */
        char *warning;        /* configured, but something the user should know */
        unsigned outstanding; /* requests queued or in flight */
        bool dirty;           /* re-plan when nothing is outstanding */
        bool seen;            /* during a re-dump: still exists */
        struct Link *dirty_next, *dirty_prev;
} Link;

const char *link_state_to_string(LinkState s) _const_;

void link_children_clear(Link *l);
ChildSlot *link_child_slot(Link *l, const char *name);

int link_new(Manager *m, const KLink *k, Link **ret);
Link *link_free(Link *l);

void link_set_state(Link *l, LinkState state, const char *reason_fmt, ...) _printf_(3, 4);
/* Something the user should know about a link that is otherwise fine; NULL clears it. Logged once. */
void link_set_warning(Link *l, const char *fmt, ...) _printf_(2, 3);

/* Cache updates; each returns true when the cache changed (an echo of our own change does not). */
bool link_update_kernel(Link *l, const KLink *k);
bool link_address_update(Link *l, const KAddress *a, bool removed);
bool link_route_update(Link *l, const KRoute *r, bool removed);
/* IPv4 routes vanish without RTM_DELROUTE when a link goes down or loses its last IPv4 address:
 * fib_disable_ip() → fib_sync_down_dev() marks them dead and fib_flush() removes them silently
 * (docs/kernel-ipoib.md §9). Do in the cache what the kernel did, instead of dumping everything again.
 * (Routes with a removed address as preferred source go the same way, fib_sync_down_addr(); the agent
 * sets no source.) */
void link_forget_ipv4_routes(Link *l, const char *why);

/* The identity used to match .ibnet files. */
IbLinkIdentity link_identity(const Link *l);

/* A request for this link finished: update the cache and the ownership record, or fail the link. */
void link_request_done(Link *l, const Action *a, int error, const char *extack);

static inline bool link_failed(const Link *l) {
        return l->state == LINK_STATE_FAILED;
}
/* Something changed: a failed link may be planned again. */
void link_retry(Link *l);

/* "Invalid argument (the kernel's extended ack)" */
const char *link_error_text(int error, const char *extack, char *buf, size_t size);

/* Replies to requests on addresses, routes and link flags (action.c's table, ActionOps.done). */
int link_address_add_done(Link *l, const Action *a, int error, const char **extack);
int link_address_del_done(Link *l, const Action *a, int error, const char **extack);
int link_route_add_done(Link *l, const Action *a, int error, const char **extack);
int link_route_del_done(Link *l, const Action *a, int error, const char **extack);
int link_set_up_done(Link *l, const Action *a, int error, const char **extack);
int link_set_down_done(Link *l, const Action *a, int error, const char **extack);
int link_promote_done(Link *l, const Action *a, int error, const char **extack);
int link_arp_done(Link *l, const Action *a, int error, const char **extack);
/* Write-ahead (ActionOps.intent): an address on a kernel not known to keep IFA_PROTO; the link's
 * original MTU, mode and up state before its first change. */
void link_address_add_intent(Link *l, const Action *a);
void link_settings_intent(Link *l, const Action *a);

#define log_link_full_errno(link, level, error, ...)                                                         \
        log_full_errno_ifname(level, error, (link) ? (link)->kernel.ifname : NULL, __VA_ARGS__)
#define log_link_debug(link, ...) (void) log_link_full_errno(link, LOG_DEBUG, 0, __VA_ARGS__)
#define log_link_info(link, ...) (void) log_link_full_errno(link, LOG_INFO, 0, __VA_ARGS__)
#define log_link_notice(link, ...) (void) log_link_full_errno(link, LOG_NOTICE, 0, __VA_ARGS__)
#define log_link_warning(link, ...) (void) log_link_full_errno(link, LOG_WARNING, 0, __VA_ARGS__)
#define log_link_error(link, ...) (void) log_link_full_errno(link, LOG_ERR, 0, __VA_ARGS__)
#define log_link_warning_errno(link, error, ...) log_link_full_errno(link, LOG_WARNING, error, __VA_ARGS__)
#define log_link_error_errno(link, error, ...) log_link_full_errno(link, LOG_ERR, error, __VA_ARGS__)
#define log_link_debug_errno(link, error, ...) log_link_full_errno(link, LOG_DEBUG, error, __VA_ARGS__)
