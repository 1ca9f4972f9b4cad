/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Checks that need the whole file (or all files): each names the line to change and what to do.
 * The IPoIB limits come from drivers/infiniband/ulp/ipoib (docs/kernel-ipoib.md §3). */

#include "ib-tables.h"
#include "ibnet-load.h"
#include "schema.h"
#include "strv.h"

#define ERR(n, loc, ...) diag_add(diags, DIAG_ERROR, (loc).file ?: (n)->path, (loc).line, __VA_ARGS__)
#define WARN(n, loc, ...) diag_add(diags, DIAG_WARNING, (loc).file ?: (n)->path, (loc).line, __VA_ARGS__)

static ConfigLoc first_match_loc(const IbNetwork *n) {
        static const SchemaKey keys[] = { SCHEMA_KEY_MATCH_NAME, SCHEMA_KEY_MATCH_GUID, SCHEMA_KEY_MATCH_DEVICE,
                                          SCHEMA_KEY_MATCH_PORT, SCHEMA_KEY_MATCH_TYPE };
        ConfigLoc best = {};

        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                ConfigLoc l = ib_network_loc(n, keys[i]);

                if (l.line > 0 && (best.line == 0 || l.line < best.line))
                        best = l;
        }
        /* No criteria at all: the [Match] header, if there is one. */
        return best.line > 0 ? best : n->match;
}

static void validate_match(IbNetwork *n, DiagList *diags) {
        ConfigLoc port = ib_network_loc(n, SCHEMA_KEY_MATCH_PORT);

        /* After "[Macth]" or a rejected Name= the missing criterion is no news. */
        if (!n->match_name && !n->has_match_guid && !n->match_device &&
            !(n->rejected_sections & (IBNET_SECTION_UNKNOWN | IBNET_SECTION_BIT(SCHEMA_SECTION_MATCH))))
                ERR(n, first_match_loc(n),
                    "[Match] needs Name=, GUID= or Device=; without one the file would match every link");
        if (n->match_port > 0 && !n->match_device)
                ERR(n, port, "Port= needs Device=; name the RDMA device, e.g. Device=mlx5_0");
        if (n->match_type == IB_LINK_TYPE_ETHER && (n->has_match_guid || n->match_device))
                ERR(n, ib_network_loc(n, n->has_match_guid ? SCHEMA_KEY_MATCH_GUID : SCHEMA_KEY_MATCH_DEVICE),
                    "GUID= and Device= identify InfiniBand ports; remove them or set Type=infiniband");
}

static void validate_partition(IbNetwork *n, DiagList *diags) {
        const char *parent = ib_network_literal_name(n);
        char buf[64];

        if (!n->has_partition)
                return;
        if (n->match_type != IB_LINK_TYPE_INFINIBAND) {
                ERR(n, n->partition, "[Partition] needs an InfiniBand parent; remove it or set Type=infiniband");
                return;
        }
        if (n->pkey == 0) {
                if (!(n->rejected_sections & (IBNET_SECTION_UNKNOWN | IBNET_SECTION_BIT(SCHEMA_SECTION_PARTITION))))
                        ERR(n, n->partition, "[Partition] without PKey=; add e.g. PKey=0x8002");
                return;
        }
        if (!n->child_name && parent && ib_network_child_name(n, parent, buf, sizeof(buf)) < 0)
                ERR(n, n->partition,
                    "the child name \"%s.%04x\" is longer than 15 characters; set [Partition] Name=", parent,
                    n->pkey);
}

/* The effective mode for the MTU check: a new P_Key child starts in datagram mode
 * (ipoib_intf_init() kzalloc()s priv), a parent's mode is whatever the driver has. */
static IbMode effective_mode(const IbNetwork *n) {
        if (n->mode >= 0)
                return n->mode;
        return n->has_partition ? IB_MODE_DATAGRAM : _IB_MODE_INVALID;
}

static void validate_ipoib_mtu(IbNetwork *n, DiagList *diags) {
        ConfigLoc mtu = ib_network_loc(n, SCHEMA_KEY_LINK_MTU);
        ConfigLoc mode = ib_network_loc(n, SCHEMA_KEY_IPOIB_MODE);
        ConfigLoc umcast = ib_network_loc(n, SCHEMA_KEY_IPOIB_UMCAST);
        ConfigLoc active = ib_network_loc(n, SCHEMA_KEY_LINK_REQUIRE_ACTIVE_PORT);
        IbMode m = effective_mode(n);

        if (n->match_type != IB_LINK_TYPE_INFINIBAND) {
                if (active.line > 0)
                        ERR(n, active, "RequireActivePort= needs an InfiniBand port; remove it or set Type=infiniband");
                if (mode.line > 0)
                        ERR(n, mode, "[IPoIB] applies to InfiniBand links only; remove it or set Type=infiniband");
                if (umcast.line > 0)
                        ERR(n, umcast, "[IPoIB] applies to InfiniBand links only; remove it or set Type=infiniband");
                return;
        }
        if (n->mtu == 0)
                return;
        /* dev_set_mtu_ext(): max_mtu is IPOIB_CM_MTU (ipoib_ndo_init()). */
        if (n->mtu > IPOIB_CM_MTU)
                ERR(n, mtu, "MTU=%u exceeds the IPoIB maximum of %u (connected mode); use MTU=max or at most %u",
                    n->mtu, IPOIB_CM_MTU, IPOIB_CM_MTU);
        else if (n->mtu < IPOIB_DATAGRAM_MTU_MIN && m != IB_MODE_CONNECTED)
                ERR(n, mtu, "MTU=%u is below the datagram minimum of %u (ipoib_change_mtu()); raise it", n->mtu,
                    IPOIB_DATAGRAM_MTU_MIN);
        else if (n->mtu > IPOIB_DATAGRAM_MTU_MAX && m == IB_MODE_DATAGRAM)
                ERR(n, mtu.line > 0 ? mtu : mode,
                    "MTU=%u exceeds the datagram maximum of %u (4096 − 4-byte IPoIB header); use MTU=max, "
                    "at most %u, or Mode=connected",
                    n->mtu, IPOIB_DATAGRAM_MTU_MAX, IPOIB_DATAGRAM_MTU_MAX);
        else if (n->mtu > IPOIB_DATAGRAM_MTU_MAX && m < 0)
                WARN(n, mtu,
                     "MTU=%u works only in connected mode, and the file does not set the mode; add [IPoIB] "
                     "Mode=connected",
                     n->mtu);
}

static void validate_addresses(IbNetwork *n, DiagList *diags) {
        ConfigLoc mtu = ib_network_loc(n, SCHEMA_KEY_LINK_MTU);

        if (n->mtu == 0 || n->mtu >= IPV6_MIN_MTU)
                return;
        FOREACH_ARRAY(a, n->addresses, n->n_addresses)
                if (a->family == AF_INET6) {
                        ConfigLoc l = { a->file, a->line };

                        ERR(n, l, "IPv6 needs an MTU of at least %u, but MTU=%u is set at %s:%u; raise the MTU "
                                  "or drop the IPv6 address",
                            IPV6_MIN_MTU, n->mtu, mtu.file, mtu.line);
                }
}

static bool gateway_reachable(const IbNetwork *n, const IbRoute *gw) {
        if (gw->family == AF_INET6 && in_addr_is_link_local(AF_INET6, &gw->gw))
                return true; /* fe80::/10 is always on-link */
        FOREACH_ARRAY(a, n->addresses, n->n_addresses)
                if (a->family == gw->family && in_addr_prefix_covers(a->family, &a->addr, a->prefixlen, &gw->gw))
                        return true;
        /* A [Route] without a gateway to a prefix that holds it makes it on-link too. */
        FOREACH_ARRAY(r, n->routes, n->n_routes)
                if (r->family == gw->family && r->has_dst && !r->has_gw &&
                    in_addr_prefix_covers(r->family, &r->dst, r->dst_len, &gw->gw))
                        return true;
        return false;
}

static void warn_unreachable(IbNetwork *n, const IbRoute *rt, DiagList *diags) {
        char buf[INET6_ADDRSTRLEN];
        ConfigLoc l = { rt->file, rt->line };

        if (gateway_reachable(n, rt))
                return;
        (void) in_addr_to_string(rt->family, &rt->gw, buf, sizeof(buf));
        WARN(n, l,
             "gateway %s is not inside any configured prefix; it needs an on-link route: add an Address= "
             "in its subnet or a [Route] with Destination= covering it",
             buf);
}

static void validate_routes(IbNetwork *n, DiagList *diags) {
        FOREACH_ARRAY(g, n->gateways, n->n_gateways)
                warn_unreachable(n, g, diags);
        FOREACH_ARRAY(r, n->routes, n->n_routes) {
                ConfigLoc l = { r->file, r->line };

                if (!r->has_dst && !r->has_gw) {
                        if (!r->rejected)
                                ERR(n, l, "[Route] needs Destination=, Gateway= or both; complete or remove the section");
                        continue;
                }
                if (!r->has_gw)
                        continue;
                warn_unreachable(n, r, diags);
        }
}

int ib_network_validate(IbNetwork *n, DiagList *diags) {
        size_t before = diag_count(diags, DIAG_ERROR);

        validate_match(n, diags);
        validate_partition(n, diags);
        validate_ipoib_mtu(n, diags);
        validate_addresses(n, diags);
        validate_routes(n, diags);
        return diag_count(diags, DIAG_ERROR) > before ? -EINVAL : 0;
}

void ib_config_done(IbConfig *c) {
        FOREACH_ARRAY(e, c->entries, c->n) {
                free(e->name);
                free(e->path);
                ib_network_unref(e->network);
        }
        c->entries = mfree(c->entries);
        c->n = c->allocated = 0;
}

/* Two children clash when they would get the same interface name, or carry the same P_Key on the same
 * parent. The kernel allows duplicate P_Keys on netlink children (is_child_unique() only checks legacy
 * ones), but two interfaces in one partition on one port only confuse routing and ARP. */
static bool children_clash(const IbNetwork *a, const IbNetwork *b, bool *ret_same_name) {
        const char *pa = ib_network_literal_name(a), *pb = ib_network_literal_name(b);
        char na[64] = "", nb[64] = "";
        bool same_parent = ib_network_match_equal(a, b);

        if (a->child_name || pa)
                (void) ib_network_child_name(a, pa ?: "", na, sizeof(na));
        if (b->child_name || pb)
                (void) ib_network_child_name(b, pb ?: "", nb, sizeof(nb));
        /* A derived name is only known when the parent name is literal. */
        *ret_same_name = na[0] && nb[0] && (a->child_name || pa) && (b->child_name || pb) && streq(na, nb) &&
                (a->child_name || b->child_name || same_parent);
        if (*ret_same_name)
                return true;
        return same_parent && a->pkey == b->pkey;
}

int ib_config_validate(IbConfig *c, DiagList *diags) {
        int rejected = 0;

        for (size_t j = 0; j < c->n; j++) {
                IbNetwork *b = c->entries[j].network;

                if (!b)
                        continue;
                for (size_t i = 0; i < j; i++) {
                        IbNetwork *a = c->entries[i].network;
                        bool same_name;

                        if (!a)
                                continue;
                        if (ib_network_is_child(a) && ib_network_is_child(b) && children_clash(a, b, &same_name)) {
                                diag_add(diags, DIAG_ERROR, b->partition.file, b->partition.line,
                                         "%s as %s:%u; this file is ignored: remove one of them or change PKey=/Name=",
                                         same_name ? "creates the same child interface name"
                                                   : "creates the same P_Key on the same parent",
                                         a->partition.file, a->partition.line);
                                c->entries[j].network = ib_network_unref(b);
                                rejected++;
                                break;
                        }
                        if (!ib_network_is_child(a) && !ib_network_is_child(b) && ib_network_match_equal(a, b)) {
                                ConfigLoc l = first_match_loc(b);

                                diag_add(diags, DIAG_WARNING, l.file ?: b->path, l.line,
                                         "[Match] is the same as in %s, which comes first and wins; this file "
                                         "is shadowed and will never apply",
                                         a->path);
                                break;
                        }
                }
        }
        return rejected;
}

int ib_config_load(const ConfFileList *files, LoadFlags flags, DiagList *diags, IbConfig *ret) {
        _cleanup_(ib_config_done) IbConfig c = {};
        int rejected = 0, r;

        FOREACH_ARRAY(f, files->files, files->n) {
                IbNetwork *n = NULL;

                r = ibnet_load(f, flags, diags, &n);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        rejected++;
                if (!GREEDY_REALLOC(c.entries, c.allocated, c.n + 1)) {
                        ib_network_unref(n);
                        return -ENOMEM;
                }
                c.entries[c.n++] = (IbConfigEntry) { .name = strdup(f->name), .path = strdup(f->path), .network = n };
                if (!c.entries[c.n - 1].name || !c.entries[c.n - 1].path)
                        return -ENOMEM;
        }
        rejected += ib_config_validate(&c, diags);
        *ret = c;
        c = (IbConfig) {};
        return rejected;
}
