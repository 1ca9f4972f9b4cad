/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* One change to the kernel. The planner produces ordered lists of these; the request queue sends
 * them through a backend. */

#include "kernel.h"

typedef enum ActionType {
        ACTION_ADDRESS_DEL,
        ACTION_ROUTE_DEL,
        ACTION_CHILD_DELETE,
        ACTION_CHILD_CREATE, /* RTM_NEWLINK kind ipoib, IFLA_LINK = parent */
        ACTION_SET_IPOIB,    /* changelink: mode and/or umcast */
        ACTION_SET_PROMOTE_SECONDARIES, /* IPv4 devconf promote_secondaries=1 */
        ACTION_SET_MTU,
        ACTION_SET_UP,
        ACTION_ADDRESS_ADD,
        ACTION_ROUTE_ADD,
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
        };
} Action;

const char *action_type_to_string(ActionType t) _const_;
/* "add address 192.0.2.1/24 on ib0": for logs, ipoibctl plan and test expectations. */
char *action_to_string(const Action *a, char *buf, size_t size);

