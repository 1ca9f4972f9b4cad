/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A recording fake of the kernel behind BackendOps, for the core's tests (suite-core.c).
 *
 * It keeps a tiny model of links, addresses and routes: start() and dump() deliver it, every
 * submit() is recorded as its action_to_string() text and answered from a script (0 unless a row
 * says otherwise). A successful change is applied to the model and notified the way the kernel
 * would: only when something changed, before the reply unless notify_after_reply is set (the real
 * notifications come on another socket, so either order happens). Tests inject kernel events
 * (someone else's changes, dumps, overruns) with fake_backend_*_event().
 *
 * Everything reaches the manager from the event loop, never from inside start(), dump() or
 * submit(), in one FIFO: replies therefore come in submit order, as backend.h requires.
 *
 * Not a model of IPoIB: the simulated fabric is that. Where a test needs the kernel to do more than
 * the plain effect of an action (run a smaller MTU than asked, say), a script row's effect() does it. */

#include <stdbool.h>
#include <stddef.h>

#include "backend.h"

typedef struct FakeBackend FakeBackend;

typedef struct FakeScript {
        const char *action; /* action_to_string() of the submits this row answers, exactly */
        int error;          /* 0 or -errno */
        const char *extack; /* the kernel's extended ack message, or NULL */
        unsigned times;     /* answer this many submits, then let the next row (or 0) answer; 0 = all */
        /* What the kernel did to the model instead of the plain effect of a success (NULL: that
         * effect, or nothing for an error). Called for errors too: an EEXIST whose notification
         * comes first, say. Its events go out with the other notifications of this submit. */
        void (*effect)(FakeBackend *f, const Action *a);
} FakeScript;

typedef struct FakeEvent FakeEvent;

struct FakeBackend {
        Backend backend; /* first: the manager frees it through ops->free */
        sd_event_source *defer;

        /* The kernel as the fake knows it. */
        KLink *links;
        size_t n_links, allocated_links;
        KAddress *addresses;
        size_t n_addresses, allocated_addresses;
        KRoute *routes;
        size_t n_routes, allocated_routes;
        KRule *rules;
        size_t n_rules, allocated_rules;
        struct FakePort *ports; /* what port_info() answers, by ifindex */
        size_t n_ports, allocated_ports;
        int next_ifindex;

        struct FakeScriptRow *scripts;
        size_t n_scripts, allocated_scripts;

        FakeEvent *queue; /* waiting for the event loop, FIFO */
        size_t queue_head, n_queue, allocated_queue;

        char **submitted; /* action_to_string() of every submit, in order */
        size_t n_submitted;
        size_t n_replies_due; /* submitted, reply not yet delivered */
        unsigned n_starts, n_dumps;

        bool notify_after_reply; /* the reply first, then the notifications */
        bool no_effects;         /* answer only: the model does not change */
        bool drop_address_proto; /* a kernel before 6.1: addresses come without IFA_PROTO */
};

int fake_backend_new(sd_event *e, FakeBackend **ret);

/* Scripts the answers to matching submits; rows are tried in the order added. */
void fake_backend_script(FakeBackend *f, const FakeScript *s);

/* The model, without events (the state start() will find). Returns the link in the model. */
KLink *fake_backend_add_link(FakeBackend *f, const KLink *k);
void fake_backend_add_address(FakeBackend *f, const KAddress *a);
void fake_backend_add_route(FakeBackend *f, const KRoute *r);
/* A rule in the kernel as the fake knows it, without an event. */
void fake_backend_add_rule(FakeBackend *f, const KRule *r);
void fake_backend_remove_address(FakeBackend *f, const KAddress *a);
void fake_backend_remove_route(FakeBackend *f, const KRoute *r);
void fake_backend_set_port(FakeBackend *f, int ifindex, const IbPortInfo *p);
KLink *fake_backend_get_link(FakeBackend *f, const char *ifname);
bool fake_backend_has_address(FakeBackend *f, const KAddress *a);
bool fake_backend_has_route(FakeBackend *f, const KRoute *r);

/* Changes to the model that the kernel notifies: someone else's, or the kernel's own. */
void fake_backend_link_event(FakeBackend *f, const KLink *k, bool removed);
void fake_backend_address_event(FakeBackend *f, const KAddress *a, bool removed);
void fake_backend_route_event(FakeBackend *f, const KRoute *r, bool removed);
/* A link change the kernel notifies only when something changed (dev_set_mtu() to the value it has
 * sends nothing): for script effects. */
void fake_backend_change_link(FakeBackend *f, const KLink *k);
/* The plain effect of a successful action on the model, notified: for script effects (an object
 * someone else added or removed just before the request came). */
void fake_backend_apply(FakeBackend *f, const Action *a);
/* Events that change nothing in the model. */
void fake_backend_dump_done_event(FakeBackend *f);
void fake_backend_overrun_event(FakeBackend *f);

/* Nothing queued for the event loop and every submit answered. */
bool fake_backend_idle(const FakeBackend *f);
/* The submits from index `from` on, one per line ("" when none); newly allocated. */
char *fake_backend_submitted_since(const FakeBackend *f, size_t from);
