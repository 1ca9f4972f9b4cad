/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <linux/if_link.h>

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
