/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Where DNS= and Domains= of configured links go, behind a small ops table like the Backend's: the
 * real systemd-resolved over D-Bus (resolved.c), or the simulated fabric's resolver, a file in the
 * shape of `resolvectl status` (sim/sim-dns.c), since the sim's interface indexes mean nothing to a
 * real resolved. The core (link-dns.c) decides what each link should have and when; a sink only
 * carries it out and says how it went. It knows nothing of links, networks or the manager. */

#include <stdint.h>

#include "ibnet.h"

typedef struct DnsSink DnsSink;

/* What one link should have. Only valid during the call: a sink copies what it keeps. */
typedef struct DnsLinkSettings {
        int ifindex;
        const char *ifname;
        const IbAddress *servers; /* prefixlen unused */
        size_t n_servers;
        char *const *domains; /* "~corp": a routing-only domain; NULL for none */
} DnsLinkSettings;

/* Called by the sink. */
typedef struct DnsSinkEvents {
        /* The end of a set_link() or revert_link() that returned 0, with its cookie: error is 0 or
         * -errno, message the resolver's own words or NULL. A sink that finishes at once (a file)
         * calls it before set_link() returns. */
        void (*done)(void *userdata, int ifindex, uint64_t cookie, int error, const char *message);
        /* What the resolver has is unknown now (it restarted and forgot every link, or it became
         * reachable): send every link again, the failed ones too. */
        void (*reset)(void *userdata);
} DnsSinkEvents;

typedef struct DnsSinkOps {
        const char *name; /* for logs: "systemd-resolved" */
        /* Give the link these servers and domains, replacing what it had. Exactly one done() with the
         * same cookie follows a return of 0; a return < 0 means nothing was done. */
        int (*set_link)(DnsSink *s, const DnsLinkSettings *settings, uint64_t cookie);
        /* Give the link back to the resolver's defaults (resolved's RevertLink). As set_link(). */
        int (*revert_link)(DnsSink *s, int ifindex, uint64_t cookie);
        /* The link is gone from the kernel. Optional: systemd-resolved notices by itself. */
        void (*forget_link)(DnsSink *s, int ifindex);
        void (*free)(DnsSink *s);
} DnsSinkOps;

struct DnsSink {
        const DnsSinkOps *ops;
        DnsSinkEvents events;
        void *userdata;
};

static inline int dns_sink_set_link(DnsSink *s, const DnsLinkSettings *settings, uint64_t cookie) {
        return s->ops->set_link(s, settings, cookie);
}
static inline int dns_sink_revert_link(DnsSink *s, int ifindex, uint64_t cookie) {
        return s->ops->revert_link(s, ifindex, cookie);
}
static inline void dns_sink_forget_link(DnsSink *s, int ifindex) {
        if (s->ops->forget_link)
                s->ops->forget_link(s, ifindex);
}
static inline DnsSink *dns_sink_free(DnsSink *s) {
        if (s)
                s->ops->free(s);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(DnsSink *, dns_sink_free);
