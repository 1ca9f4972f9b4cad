/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The kernel behind a small ops table (iwd style): the real one speaks rtnetlink through libnl, the
 * simulated fabric is an in-memory model of the IPoIB driver. The reconcile engine, the request
 * queue and the link states are the same for both. */

#include <stdint.h>
#include <systemd/sd-event.h>
#include <time.h>

#include "action.h"
#include "kernel.h"

typedef struct Backend Backend;

/* A backend delivers at most one slice of work per dispatch of its event source and leaves the rest
 * for the next loop iteration (the sources stay ready), so that SIGTERM, whose source has a higher
 * priority, is handled between two slices: within 100 ms in every mode. */
#define BACKEND_SLICE_USEC 5000u

static inline uint64_t backend_now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

static inline bool backend_slice_over(uint64_t start_usec) {
        return backend_now_usec() - start_usec >= BACKEND_SLICE_USEC;
}

/* Called by the backend from the event loop. Objects passed are only valid during the call. */
typedef struct BackendEvents {
        void (*link)(void *userdata, const KLink *link, bool removed);
        void (*address)(void *userdata, const KAddress *address, bool removed);
        void (*route)(void *userdata, const KRoute *route, bool removed);
        /* Routing policy rules (RTM_NEWRULE/RTM_DELRULE), IPv4 and IPv6; dumped after addresses, before
         * routes. */
        void (*rule)(void *userdata, const KRule *rule, bool removed);
        /* A dump started by start() or dump() has delivered every link, address, rule and route. */
        void (*dump_done)(void *userdata);
        /* Notifications were lost (ENOBUFS on the event socket): the caller should call dump(). */
        void (*overrun)(void *userdata);
        /* The answer to submit(): 0 or -errno, with the kernel's extended ack message when it gave one. */
        void (*reply)(void *userdata, uint64_t cookie, int error, const char *extack);
} BackendEvents;

typedef struct BackendOps {
        const char *name;
        /* Subscribe to link/address/route changes and dump everything once. */
        int (*start)(Backend *b);
        /* Dump everything again; the caller drops its cache first. */
        int (*dump)(Backend *b);
        /* Send one change, without waiting and without queueing it (the caller's RequestQueue does
         * that, within max_in_flight). Exactly one reply() follows a return of 0, with the same cookie,
         * in submit order (-ENOBUFS when the answer was lost). A return < 0 means nothing was sent. */
        int (*submit)(Backend *b, const Action *a, uint64_t cookie);
        /* Optional: n submit()s at once, in as few system calls as the backend can. Returns how many
         * were sent, a prefix: each of those as after a submit() that returned 0. When that is less than
         * n, *ret_error is the error of the first one not sent; the ones after it were not tried. */
        size_t (*submit_batch)(Backend *b, const Action *const *actions, const uint64_t *cookies, size_t n,
                               int *ret_error);
        /* The InfiniBand port behind a link: -ENODEV when the link has none, -ENXIO when no RDMA
         * device is known at all. Synchronous and cheap (cached). Optional. */
        int (*port_info)(Backend *b, const KLink *link, IbPortInfo *ret);
        void (*free)(Backend *b);
} BackendOps;

struct Backend {
        const BackendOps *ops;
        sd_event *event;
        BackendEvents events;
        void *userdata;
        /* How many submitted requests may await their reply at once, 0 = no limit of the backend's own
         * (the request queue caps them anyway). The backend may lower it at any time, e.g. when its
         * socket turns out to hold fewer answers than it assumed. */
        size_t max_in_flight;
        /* Set by the owner: route dumps cover every table but local, not only main. The owner sets it
         * when its files or its rules (read before routes in a dump) use other tables. */
        bool all_tables;
        /* Set by the manager when it stops on SIGTERM/SIGINT: free() leaves unfinished work undone (the
         * simulated fabric's view) instead of finishing it, which could take seconds. */
        bool stopping;
};

static inline int backend_start(Backend *b) {
        return b->ops->start(b);
}
static inline int backend_dump(Backend *b) {
        return b->ops->dump(b);
}
static inline int backend_submit(Backend *b, const Action *a, uint64_t cookie) {
        return b->ops->submit(b, a, cookie);
}
static inline size_t backend_submit_batch(Backend *b, const Action *const *actions, const uint64_t *cookies,
                                          size_t n, int *ret_error) {
        if (b->ops->submit_batch)
                return b->ops->submit_batch(b, actions, cookies, n, ret_error);
        for (size_t i = 0; i < n; i++) {
                int r = b->ops->submit(b, actions[i], cookies[i]);

                if (r < 0) {
                        *ret_error = r;
                        return i;
                }
        }
        return n;
}
static inline int backend_port_info(Backend *b, const KLink *link, IbPortInfo *ret) {
        return b->ops->port_info ? b->ops->port_info(b, link, ret) : -ENXIO;
}
static inline Backend *backend_free(Backend *b) {
        if (b)
                b->ops->free(b);
        return NULL;
}

/* The real kernel. IPOIB_AGENT_NETLINK_TRACE=1 in the environment logs every message sent and received. */
int backend_netlink_new(sd_event *e, const BackendEvents *events, void *userdata, Backend **ret);

/* The simulated fabric: an in-memory model of the kernel's IPoIB driver (see backend-sim.c), loaded
 * from a JSON description of HCAs, ports and netdevs. state_dir receives a sysfs-like view
 * (sys/class/net/IF/{pkey,mode,umcast,mtu,…}) and an "ip address show" rendering after each change.
 * The model re-reads fabric_path when it changes (inotify) and turns the difference into events:
 * ports going down/up, HCAs removed/added, P_Key tables changed. */
int backend_sim_new(sd_event *e, const char *fabric_path, const char *state_dir, Backend **ret);
