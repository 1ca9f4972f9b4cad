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

bool krule_equal(const KRule *a, const KRule *b) {
        return a->family == b->family && a->priority == b->priority && a->table == b->table &&
                a->src_len == b->src_len && a->dst_len == b->dst_len &&
                (a->src_len == 0 || in_addr_equal(a->family, &a->src, &b->src)) &&
                (a->dst_len == 0 || in_addr_equal(a->family, &a->dst, &b->dst)) && streq(a->iif, b->iif) &&
                streq(a->oif, b->oif) && !a->other && !b->other;
}

static void rule_prefix(const KRule *r, const union in_addr_union *a, uint8_t len, char *buf, size_t size) {
        if (len == 0)
                snprintf(buf, size, "all");
        else if (len == family_max_prefixlen(r->family))
                (void) in_addr_to_string(r->family, a, buf, size);
        else
                (void) in_addr_prefix_to_string(r->family, a, len, buf, size);
}

char *krule_to_string(const KRule *r, char *buf, size_t size) {
        char src[IN_ADDR_PREFIX_STRLEN], dst[IN_ADDR_PREFIX_STRLEN + 4] = "";

        rule_prefix(r, &r->src, r->src_len, src, sizeof(src));
        if (r->dst_len > 0) {
                char d[IN_ADDR_PREFIX_STRLEN];

                rule_prefix(r, &r->dst, r->dst_len, d, sizeof(d));
                snprintf(dst, sizeof(dst), " to %s", d);
        }
        snprintf(buf, size, "%sfrom %s%s%s%s%s%s lookup %u priority %u%s", r->family == AF_INET6 ? "IPv6 " : "", src,
                 dst, r->iif[0] ? " iif " : "", r->iif, r->oif[0] ? " oif " : "", r->oif, r->table, r->priority,
                 r->other ? " (and more)" : "");
        return buf;
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
        if (r->table != 0 && r->table != 254) /* RT_TABLE_MAIN */
                snprintf(buf, size, "%s%s%s metric %u table %u", dst, r->has_gw ? " via " : "", gw, r->metric, r->table);
        else
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
