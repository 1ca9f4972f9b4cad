/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <linux/if_link.h>

#include "action.h"
#include "ib-tables.h"
#include "kernel.h"
#include "macros.h"

bool kaddress_equal(const KAddress *a, const KAddress *b) {
        return a->family == b->family && a->prefixlen == b->prefixlen &&
                in_addr_equal(a->family, &a->addr, &b->addr);
}

bool kroute_equal(const KRoute *a, const KRoute *b) {
        return a->family == b->family && a->table == b->table && a->dst_len == b->dst_len &&
                in_addr_equal(a->family, &a->dst, &b->dst) && a->metric == b->metric && a->ifindex == b->ifindex &&
                a->has_gw == b->has_gw && (!a->has_gw || in_addr_equal(a->family, &a->gw, &b->gw));
}

char *kaddress_to_string(const KAddress *a, char *buf, size_t size) {
        if (in_addr_prefix_to_string(a->family, &a->addr, a->prefixlen, buf, size) < 0)
                snprintf(buf, size, "?");
        return buf;
}

char *kroute_to_string(const KRoute *r, char *buf, size_t size) {
        char dst[IN_ADDR_PREFIX_STRLEN] = "?", gw[INET6_ADDRSTRLEN] = "";

        (void) in_addr_prefix_to_string(r->family, &r->dst, r->dst_len, dst, sizeof(dst));
        if (r->has_gw)
                (void) in_addr_to_string(r->family, &r->gw, gw, sizeof(gw));
        snprintf(buf, size, "%s%s%s metric %u", dst, r->has_gw ? " via " : "", gw, r->metric);
        return buf;
}

static const char *const action_type_table[_ACTION_TYPE_MAX] = {
        [ACTION_ADDRESS_DEL] = "remove-address",
        [ACTION_ROUTE_DEL] = "remove-route",
        [ACTION_CHILD_DELETE] = "delete-child",
        [ACTION_CHILD_CREATE] = "create-child",
        [ACTION_SET_IPOIB] = "set-ipoib",
        [ACTION_SET_PROMOTE_SECONDARIES] = "set-promote-secondaries",
        [ACTION_SET_MTU] = "set-mtu",
        [ACTION_SET_UP] = "set-up",
        [ACTION_ADDRESS_ADD] = "add-address",
        [ACTION_ROUTE_ADD] = "add-route",
};

DEFINE_STRING_TABLE_LOOKUP_TO_STRING(action_type, ActionType);

char *action_to_string(const Action *a, char *buf, size_t size) {
        char x[128];

        switch (a->type) {
        case ACTION_ADDRESS_ADD:
        case ACTION_ADDRESS_DEL:
                snprintf(buf, size, "%s %s %s", a->ifname, action_type_to_string(a->type),
                         kaddress_to_string(&a->address, x, sizeof(x)));
                break;
        case ACTION_ROUTE_ADD:
        case ACTION_ROUTE_DEL:
                snprintf(buf, size, "%s %s %s", a->ifname, action_type_to_string(a->type),
                         kroute_to_string(&a->route, x, sizeof(x)));
                break;
        case ACTION_SET_MTU:
                snprintf(buf, size, "%s set-mtu %u", a->ifname, a->mtu);
                break;
        case ACTION_SET_UP:
        case ACTION_SET_PROMOTE_SECONDARIES:
                snprintf(buf, size, "%s %s", a->ifname, action_type_to_string(a->type));
                break;
        case ACTION_CHILD_CREATE:
                snprintf(buf, size, "%s create-child %s pkey 0x%04x%s%s%s", a->ifname, a->child.name,
                         a->child.pkey, a->child.mode >= 0 ? " mode " : "",
                         a->child.mode >= 0 ? strna(ib_mode_to_string(a->child.mode)) : "",
                         a->child.umcast >= 0 ? (a->child.umcast ? " umcast 1" : " umcast 0") : "");
                break;
        case ACTION_CHILD_DELETE:
                snprintf(buf, size, "%s delete-child", a->ifname);
                break;
        case ACTION_SET_IPOIB:
                snprintf(buf, size, "%s set-ipoib%s%s%s", a->ifname, a->ipoib.mode >= 0 ? " mode " : "",
                         a->ipoib.mode >= 0 ? strna(ib_mode_to_string(a->ipoib.mode)) : "",
                         a->ipoib.umcast >= 0 ? (a->ipoib.umcast ? " umcast 1" : " umcast 0") : "");
                break;
        case _ACTION_TYPE_MAX:
        case _ACTION_TYPE_INVALID:
                snprintf(buf, size, "?");
                break;
        }
        return buf;
}

/* rdma-core's enum ibv_port_state, as ibv_devinfo words them. */
static const char *const ib_port_state_table[] = {
        [IB_PORT_NOP] = "nop",
        [IB_PORT_DOWN] = "down",
        [IB_PORT_INIT] = "init",
        [IB_PORT_ARMED] = "armed",
        [IB_PORT_ACTIVE] = "active",
        [IB_PORT_ACTIVE_DEFER] = "active-defer",
};
DEFINE_STRING_TABLE_LOOKUP(ib_port_state, IbPortState);

bool ib_port_has_pkey(const IbPortInfo *p, uint16_t pkey) {
        /* The table holds full and limited members; a limited-member entry (bit 15 clear) also grants
         * the partition, but only full members can talk to limited ones. Compare the low 15 bits. */
        FOREACH_ARRAY(k, p->pkeys, p->n_pkeys)
                if ((*k & 0x7fff) == (pkey & 0x7fff) && (*k & 0x7fff) != 0)
                        return true;
        return false;
}
