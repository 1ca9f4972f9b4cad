/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* One change to the kernel. The planner produces ordered lists of these; the request queue sends
 * them through a backend. */

#include "kernel.h"

typedef enum ActionType {
        ACTION_ADDRESS_DEL,
        ACTION_ROUTE_DEL,
        ACTION_RULE_DEL, /* RTM_DELRULE with FRA_PROTOCOL RTPROT_IPOIB: only the agent's own */
        ACTION_CHILD_DELETE,
        ACTION_CHILD_CREATE, /* RTM_NEWLINK kind ipoib, IFLA_LINK = parent */
        ACTION_SET_IPOIB,    /* changelink: mode and/or umcast */
        ACTION_SET_PROMOTE_SECONDARIES, /* IPv4 devconf promote_secondaries (1; 0 to restore) */
        ACTION_SET_ARP,                 /* IPv4 devconf arp_ignore and/or arp_announce */
        ACTION_SET_MTU,
        ACTION_SET_UP,
        ACTION_ADDRESS_ADD,
        ACTION_ROUTE_ADD,
        ACTION_RULE_ADD, /* RTM_NEWRULE, FRA_PROTOCOL RTPROT_IPOIB */
        ACTION_SET_DOWN, /* restore: the link was down before the agent first brought it up */
        _ACTION_TYPE_MAX,
        _ACTION_TYPE_INVALID = -EINVAL,
} ActionType;

typedef struct Action {
        ActionType type;
        int ifindex; /* the link acted on; for CHILD_CREATE the parent */
        char ifname[IFNAMSIZ];
        union {
                uint32_t mtu;
                KAddress address;
                KRoute route;
                KRule rule;
                struct {
                        char name[IFNAMSIZ];
                        uint16_t pkey;
                        int mode;   /* -1 = leave out */
                        int umcast; /* -1 = leave out */
                        int method; /* IbChildMethod: netlink or sysfs create_child */
                } child;
                struct {
                        int mode;   /* -1 = leave out */
                        int umcast; /* -1 = leave out */
                } ipoib;
                struct {
                        int ignore;   /* -1 = leave out */
                        int announce; /* -1 = leave out */
                } arp;
                bool promote_secondaries; /* the value set: on, or back off when restoring */
        };
} Action;

struct Link;
struct Owner;

/* What the type of an action means to the core, one row per type in action.c's table. Adding a type
 * adds a row there, a row to nl_build_action()'s builders (netlink/nl-build.c) and one to the simulated
 * fabric's apply_action() (sim/backend-sim.c); suite-ipoib checks that the core's row is complete. */
typedef struct ActionOps {
        const char *name; /* "add-address": logs, ipoibctl plan */
        /* What it acts on, with a leading space (" 192.0.2.1/24"), or "" for nothing. */
        void (*format)(const Action *a, char *buf, size_t size);
        /* The kernel's answer, for a link that still exists: update its cache and the ownership record.
         * Returns 0 when the kernel is as asked (also when it says so with EEXIST or ENOENT), 1 when the
         * failure is handled and not the link's (a P_Key child that cannot be made), or the error that
         * fails the link. *extack may be replaced with a better explanation. */
        int (*done)(struct Link *l, const Action *a, int error, const char **extack);
        /* A success whose link is gone already: what still holds for the ownership record. Optional. */
        void (*gone)(struct Owner *o, const Action *a);
        /* Write-ahead: what the record must hold before the request is sent (owner.h), called when it
         * is queued; the manager writes the record once per batch, before sending. Optional. */
        void (*intent)(struct Link *l, const Action *a);
} ActionOps;

const ActionOps *action_ops(ActionType t) _const_;
const char *action_type_to_string(ActionType t) _const_;
/* "ib0 add-address 192.0.2.1/24": for logs, ipoibctl plan and test expectations. */
char *action_to_string(const Action *a, char *buf, size_t size);

