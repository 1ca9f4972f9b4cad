/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Checks that need the whole file (or all files): each names the line to change and what to do.
 * The IPoIB limits come from drivers/infiniband/ulp/ipoib (docs/kernel-ipoib.md §3). */

#include "ib-tables.h"
#include "ibnet-load.h"
#include "policy.h"
#include "rail.h"
#include "schema.h"
#include <fcntl.h>
#include <inttypes.h>

#include "strmap.h"
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
        if (!n->match_name && !ib_network_matches_port(n) &&
            !(n->rejected_sections & (IBNET_SECTION_UNKNOWN | IBNET_SECTION_BIT(SCHEMA_SECTION_MATCH))))
                ERR(n, first_match_loc(n),
                    "[Match] needs Name=, GUID= or Device=; without one the file would match every link");
        if (n->match_port > 0 && !n->match_device)
                ERR(n, port, "Port= needs Device=; name the RDMA device, e.g. Device=mlx5_0");
        if (n->match_type == IB_LINK_TYPE_ETHER && ib_network_matches_port(n))
                ERR(n, ib_network_loc(n, n->n_match_guids > 0 ? SCHEMA_KEY_MATCH_GUID : SCHEMA_KEY_MATCH_DEVICE),
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
        switch (ib_mtu_check(n->mtu, m)) {
        case IB_MTU_ABOVE_MAX:
                ERR(n, mtu, "MTU=%u exceeds the IPoIB maximum of %u (connected mode); use MTU=max or at most %u",
                    n->mtu, IPOIB_CM_MTU, IPOIB_CM_MTU);
                break;
        case IB_MTU_BELOW_DATAGRAM_MIN:
                ERR(n, mtu, "MTU=%u is below the datagram minimum of %u (ipoib_change_mtu()); raise it", n->mtu,
                    IPOIB_DATAGRAM_MTU_MIN);
                break;
        case IB_MTU_ABOVE_DATAGRAM_MAX:
                ERR(n, mtu.line > 0 ? mtu : mode,
                    "MTU=%u exceeds the datagram maximum of %u (4096 − 4-byte IPoIB header); use MTU=max, "
                    "at most %u, or Mode=connected",
                    n->mtu, IPOIB_DATAGRAM_MTU_MAX, IPOIB_DATAGRAM_MTU_MAX);
                break;
        case IB_MTU_NEEDS_CONNECTED:
                WARN(n, mtu,
                     "MTU=%u works only in connected mode, and the file does not set the mode; add [IPoIB] "
                     "Mode=connected",
                     n->mtu);
                break;
        case IB_MTU_OK:
        case _IB_MTU_CHECK_MAX:
        case _IB_MTU_CHECK_INVALID:
                break;
        }
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

static void check_reachable(IbNetwork *n, const IbRoute *rt, DiagList *diags) {
        char buf[INET6_ADDRSTRLEN];
        ConfigLoc l = { rt->file, rt->line };

        /* GatewayOnLink=yes: the route goes out with RTNH_F_ONLINK, which makes the kernel take the
         * gateway as on-link (fib_check_nh_v4_gw(), ip6_validate_gw()). */
        if (n->gateway_onlink > 0 || gateway_reachable(n, rt))
                return;
        (void) in_addr_to_string(rt->family, &rt->gw, buf, sizeof(buf));
        /* Without an on-link route the kernel refuses the route (fib_check_nh(): "Nexthop has invalid
         * gateway"), so this is an error, not a guess. */
        ERR(n, l,
            "gateway %s is not inside any configured prefix; it needs an on-link route: add an Address= "
            "in its subnet, a [Route] with Destination= covering it, or GatewayOnLink=yes",
            buf);
}

/* A route as the kernel keys it in the main table: family, destination and metric, not the gateway
 * nor the link (fib_table_insert(), fib6_add_rt2node() with NLM_F_EXCL answer EEXIST). */
typedef struct RouteRef {
        const IbRoute *route;
        bool is_gateway; /* [Network] Gateway=: a default route */
        size_t seq;
        uint32_t table; /* ib_route_table() */
} RouteRef;

static int route_ref_key_cmp(const RouteRef *x, const RouteRef *y) {
        const IbRoute *a = x->route, *b = y->route;
        uint8_t la = a->has_dst ? a->dst_len : 0, lb = b->has_dst ? b->dst_len : 0;
        uint32_t ma = ib_route_metric(a), mb = ib_route_metric(b);
        int c;

        if (a->family != b->family)
                return a->family < b->family ? -1 : 1;
        if (x->table != y->table)
                return x->table < y->table ? -1 : 1;
        if (la != lb)
                return la < lb ? -1 : 1;
        if (la > 0 && (c = in_addr_compare(a->family, &a->dst, &b->dst)) != 0)
                return c;
        if (ma != mb)
                return ma < mb ? -1 : 1;
        return 0;
}

static int route_ref_cmp(const void *a, const void *b) {
        const RouteRef *x = a, *y = b;
        int c = route_ref_key_cmp(x, y);

        if (c != 0)
                return c;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* "IPv4 default route" or "route to 10.0.0.0/8" */
static void route_describe(const IbRoute *r, char *buf, size_t size) {
        char p[IN_ADDR_PREFIX_STRLEN];

        if (!r->has_dst || r->dst_len == 0) {
                snprintf(buf, size, "%s default route", r->family == AF_INET6 ? "IPv6" : "IPv4");
                return;
        }
        (void) in_addr_prefix_to_string(r->family, &r->dst, r->dst_len, p, sizeof(p));
        snprintf(buf, size, "route to %s", p);
}

static bool same_next_hop(const IbRoute *a, const IbRoute *b) {
        return a->has_gw == b->has_gw && (!a->has_gw || in_addr_equal(a->family, &a->gw, &b->gw));
}

/* Two routes of one link with the same key: the second is refused. The same route twice (a [Route]
 * that repeats a Gateway=) is one kernel route and fine: the agent sends it once. */
static int validate_route_keys(IbNetwork *n, DiagList *diags) {
        _cleanup_free_ RouteRef *refs = NULL;
        size_t k = 0;

        refs = calloc(n->n_gateways + n->n_routes + 1, sizeof(RouteRef));
        if (!refs)
                return -ENOMEM;
        FOREACH_ARRAY(g, n->gateways, n->n_gateways)
                refs[k] = (RouteRef) { g, true, k, ib_route_table(n, g, true) }, k++;
        FOREACH_ARRAY(r, n->routes, n->n_routes)
                if ((r->has_dst || r->has_gw) && r->family != AF_UNSPEC)
                        refs[k] = (RouteRef) { r, false, k, ib_route_table(n, r, false) }, k++;
        if (k < 2)
                return 0;
        qsort(refs, k, sizeof(RouteRef), route_ref_cmp);
        for (size_t i = 1, first = 0; i < k; i++) {
                const IbRoute *a = refs[first].route, *b = refs[i].route;
                ConfigLoc l = { b->file, b->line };
                char what[IN_ADDR_PREFIX_STRLEN + 32];

                if (route_ref_key_cmp(&refs[first], &refs[i]) != 0) {
                        first = i;
                        continue;
                }
                if (same_next_hop(a, b))
                        continue;
                route_describe(b, what, sizeof(what));
                ERR(n, l,
                    "a second %s with metric %u on this link (the first is at %s:%u); the kernel keys routes by "
                    "destination and metric, not by gateway, and refuses it (EEXIST): give one of them "
                    "another Metric= in a [Route]",
                    what, ib_route_metric(b), a->file, a->line);
        }
        return 0;
}

static int validate_routes(IbNetwork *n, DiagList *diags) {
        FOREACH_ARRAY(g, n->gateways, n->n_gateways)
                check_reachable(n, g, diags);
        FOREACH_ARRAY(r, n->routes, n->n_routes) {
                ConfigLoc l = { r->file, r->line };

                if (!r->has_dst && !r->has_gw) {
                        if (!r->rejected)
                                ERR(n, l, "[Route] needs Destination=, Gateway= or both; complete or remove the section");
                        continue;
                }
                if (!r->has_gw)
                        continue;
                check_reachable(n, r, diags);
        }
        return validate_route_keys(n, diags);
}

int ib_network_validate_values(IbNetwork *n, DiagList *diags) {
        validate_addresses(n, diags);
        ib_network_validate_policy(n, diags);
        return validate_routes(n, diags);
}

int ib_network_validate(IbNetwork *n, DiagList *diags) {
        size_t before = diag_count(diags, DIAG_ERROR);

        validate_match(n, diags);
        validate_partition(n, diags);
        validate_ipoib_mtu(n, diags);
        /* A file with substitutions has its values only per port; one for several ports must give
         * each its own. */
        if (n->n_templates > 0 || ib_network_multi_port(n)) {
                if (rail_validate(n, diags) == -ENOMEM)
                        return -ENOMEM;
        } else if (ib_network_validate_values(n, diags) == -ENOMEM)
                return -ENOMEM;
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
        ib_config_children_done(c);
        ib_config_names_done(c);
}

/* The [Match] criteria as one string, equal exactly when ib_network_match_equal() holds: the same
 * globs in any order, GUID, device, port and type. Globs hold no newline (ifname_glob_valid()). */
static int u64_cmp(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

        return x < y ? -1 : x > y;
}

/* The sorted list joined by sep, "" for none. */
static char *sorted_join(char **l, const char *sep) {
        _cleanup_strv_free_ char **x = NULL;

        if (!l || !l[0] || !l[1])
                return strv_join(l, sep); /* nothing to sort: the usual single Name= */
        x = strv_copy(l);

        if (!x)
                return NULL;
        strv_sort(x);
        return strv_join(x, sep);
}

static char *guids_key(const IbNetwork *n) {
        _cleanup_free_ uint64_t *g = newdup(uint64_t, n->match_guids, n->n_match_guids);
        char *k = calloc(n->n_match_guids + 1, 17);

        if (!k || (n->n_match_guids > 0 && !g))
                return mfree(k);
        if (n->n_match_guids > 0)
                qsort(g, n->n_match_guids, sizeof(uint64_t), u64_cmp);
        for (size_t i = 0; i < n->n_match_guids; i++)
                sprintf(k + i * 17, "%016" PRIx64 " ", g[i]);
        return k;
}

/* The [Match] criteria as one string, equal exactly when ib_network_match_equal() holds: the same
 * globs in any order, GUIDs, devices, port and type. Globs hold no newline (ifname_glob_valid()). */
static char *match_key(const IbNetwork *n) {
        _cleanup_free_ char *names = sorted_join(n->match_name, "\n"), *devices = sorted_join(n->match_device, " "),
                            *guids = guids_key(n);
        size_t ln, lg, ld;
        char tail[32], *k;
        int lt;

        if (!names || !devices || !guids)
                return NULL;
        /* "%s\n|%s|%s|%u %d" of names, guids, devices, port and type, without asprintf() (once per file). */
        lt = snprintf(tail, sizeof(tail), "|%u %d", n->match_port ?: IB_PORT_DEFAULT, (int) n->match_type);
        ln = strlen(names), lg = strlen(guids), ld = strlen(devices);
        k = malloc(ln + 2 + lg + 1 + ld + (size_t) lt + 1);
        if (!k)
                return NULL;
        memcpy(k, names, ln);
        memcpy(k + ln, "\n|", 2);
        memcpy(k + ln + 2, guids, lg);
        k[ln + 2 + lg] = '|';
        memcpy(k + ln + 3 + lg, devices, ld);
        memcpy(k + ln + 3 + lg + ld, tail, (size_t) lt + 1);
        return k;
}

/* The route's kernel key (route_ref_key_cmp()) as a string: family, prefix length, the destination's
 * bytes, the metric and the table, in hex. Not inet_ntop() and asprintf(): this runs twice per route of every file
 * (half the cross-file check of 10,000 files went there). */
#define ROUTE_KEY_MAX (2 * (1 + 1 + 16 + 4 + 4) + 1)

static void route_key(const IbNetwork *net, const IbRoute *r, bool is_gateway, char k[static ROUTE_KEY_MAX]) {
        static const char hex[] = "0123456789abcdef";
        uint8_t len = r->has_dst ? r->dst_len : 0;
        uint32_t metric = ib_route_metric(r), table = ib_route_table(net, r, is_gateway);
        uint8_t b[1 + 1 + 16 + 4 + 4];
        size_t n = 0;

        b[n++] = (uint8_t) r->family;
        b[n++] = len;
        if (len > 0) {
                memcpy(b + n, &r->dst, family_address_size(r->family));
                n += family_address_size(r->family);
        }
        memcpy(b + n, &metric, sizeof(metric));
        n += sizeof(metric);
        memcpy(b + n, &table, sizeof(table));
        n += sizeof(table);
        for (size_t i = 0; i < n; i++) {
                k[2 * i] = hex[b[i] >> 4];
                k[2 * i + 1] = hex[b[i] & 15];
        }
        k[2 * n] = 0;
}

typedef struct ConfigMaps {
        StrMap parents;     /* match key → the first file without [Partition] */
        StrMap child_names; /* child interface name → IbNetwork */
        StrMap child_pkeys; /* match key + P_Key → IbNetwork */
        StrMap routes;      /* route key → IbRoute */
} ConfigMaps;

static void config_maps_done(ConfigMaps *m) {
        strmap_done(&m->parents);
        strmap_done(&m->child_names);
        strmap_done(&m->child_pkeys);
        strmap_done(&m->routes);
}

/* A child's interface name when the config alone decides it: Name=, or the default from a literal
 * parent name. */
static bool child_name_known(const IbNetwork *n, char *buf, size_t size) {
        const char *parent = ib_network_literal_name(n);

        if (!n->child_name && !parent)
                return false;
        return ib_network_child_name(n, parent ?: "", buf, size) >= 0;
}

static void reject(IbConfig *c, size_t j) {
        c->entries[j].network = ib_network_unref(c->entries[j].network);
}

/* Two children clash when they would get the same interface name, or carry the same P_Key on the same
 * parent. The kernel allows duplicate P_Keys on netlink children (is_child_unique() only checks legacy
 * ones), but two interfaces in one partition on one port only confuse routing and ARP. */
static int check_child(ConfigMaps *m, IbNetwork *b, const char *mkey, char **ret_pkey_key, DiagList *diags,
                       bool *ret_rejected) {
        _cleanup_free_ char *pkey_key = NULL;
        char name[64];
        IbNetwork *a = NULL;
        const char *what = NULL;

        if (child_name_known(b, name, sizeof(name)) && (a = strmap_get(&m->child_names, name)))
                what = "creates the same child interface name";
        if (asprintf(&pkey_key, "%s\n%04x", mkey, b->pkey) < 0)
                return -ENOMEM;
        if (!what && (a = strmap_get(&m->child_pkeys, pkey_key)))
                what = "creates the same P_Key on the same parent";
        *ret_rejected = what;
        if (what)
                diag_add(diags, DIAG_ERROR, b->partition.file, b->partition.line,
                         "%s as %s:%u; this file is ignored: remove one of them or change PKey=/Name=", what,
                         a->partition.file, a->partition.line);
        *ret_pkey_key = TAKE_PTR(pkey_key);
        return 0;
}

/* A [Route] with a substitution in one of its keys is only known per port: as loaded, Destination=10.%i.0.0/16
 * with a literal Gateway= would look like a default route. */
static bool route_has_template(const IbNetwork *n, size_t idx) {
        FOREACH_ARRAY(t, n->templates, n->n_templates) {
                const ConfigTableItem *it = config_table_item(t->key);

                if ((it->flags & CONFIG_PER_SECTION) && !(it->flags & CONFIG_PER_RULE) && t->route_idx == idx)
                        return true;
        }
        return false;
}

/* The kernel keys routes by destination and metric, not by link: the same route on two links is
 * refused on the second (EEXIST). */
static const IbRoute *route_clash(ConfigMaps *m, const IbNetwork *b, const IbRoute **ret_mine, int *ret_r) {
        const IbRoute *lists[2] = { b->gateways, b->routes };
        size_t sizes[2] = { b->n_gateways, b->n_routes };

        *ret_r = 0;
        for (size_t l = 0; l < 2; l++)
                FOREACH_ARRAY(r, lists[l], sizes[l]) {
                        char k[ROUTE_KEY_MAX];
                        const IbRoute *a;

                        if ((!r->has_dst && !r->has_gw) || r->family == AF_UNSPEC ||
                            (l == 1 && route_has_template(b, (size_t) (r - b->routes))))
                                continue;
                        route_key(b, r, l == 0, k);
                        a = strmap_get(&m->routes, k);
                        if (a) {
                                *ret_mine = r;
                                return a;
                        }
                }
        return NULL;
}

static int add_routes(ConfigMaps *m, const IbNetwork *b) {
        const IbRoute *lists[2] = { b->gateways, b->routes };
        size_t sizes[2] = { b->n_gateways, b->n_routes };
        int r;

        for (size_t l = 0; l < 2; l++)
                FOREACH_ARRAY(rt, lists[l], sizes[l]) {
                        char k[ROUTE_KEY_MAX];

                        if ((!rt->has_dst && !rt->has_gw) || rt->family == AF_UNSPEC ||
                            (l == 1 && route_has_template(b, (size_t) (rt - b->routes))))
                                continue;
                        route_key(b, rt, l == 0, k);
                        if (strmap_get(&m->routes, k))
                                continue; /* the same link twice: validate_route_keys() had its say */
                        r = strmap_put(&m->routes, k, (void *) rt);
                        if (r < 0)
                                return r;
                }
        return 0;
}

/* One pass over the entries in file order with hash maps, so 10,000 files are not 50 million pairs. */
int ib_config_validate(IbConfig *c, DiagList *diags) {
        _cleanup_(config_maps_done) ConfigMaps m = {};
        int rejected = 0, r;

        for (size_t j = 0; j < c->n; j++) {
                _cleanup_free_ char *mkey = NULL, *pkey_key = NULL;
                IbNetwork *b = c->entries[j].network;
                const IbRoute *mine = NULL, *theirs;
                bool out = false;

                if (!b)
                        continue;
                mkey = match_key(b);
                if (!mkey)
                        return -ENOMEM;
                if (ib_network_is_child(b)) {
                        r = check_child(&m, b, mkey, &pkey_key, diags, &out);
                        if (r < 0)
                                return r;
                        if (out) {
                                reject(c, j);
                                rejected++;
                                continue;
                        }
                } else {
                        IbNetwork *a = strmap_get(&m.parents, mkey);

                        if (a) {
                                ConfigLoc l = first_match_loc(b);

                                /* Shadowed: it never applies, so its routes meet no other link. */
                                diag_add(diags, DIAG_WARNING, l.file ?: b->path, l.line,
                                         "[Match] is the same as in %s, which comes first and wins; this file "
                                         "is shadowed and will never apply",
                                         a->path);
                                continue;
                        }
                }

                /* An error for check, but the file stays: only that one route is refused, and only once
                 * both links exist (globs, absent ports), so the agent applies the rest and reports the
                 * EEXIST on the link, as for any route the kernel refuses. */
                theirs = route_clash(&m, b, &mine, &r);
                if (r < 0)
                        return r;
                if (theirs) {
                        char what[IN_ADDR_PREFIX_STRLEN + 32];

                        route_describe(mine, what, sizeof(what));
                        diag_add(diags, DIAG_ERROR, mine->file, mine->line,
                                 "the %s with metric %u is configured for another link at %s:%u; the kernel keys "
                                 "routes by destination and metric, not by link, and refuses the second (EEXIST): "
                                 "give one of them another Metric= in a [Route]",
                                 what, ib_route_metric(mine), theirs->file, theirs->line);
                }

                if (ib_network_is_child(b)) {
                        char name[64];

                        if (child_name_known(b, name, sizeof(name)) &&
                            (r = strmap_put(&m.child_names, name, b)) < 0)
                                return r;
                        r = strmap_put(&m.child_pkeys, pkey_key, b);
                } else
                        r = strmap_put(&m.parents, mkey, b);
                if (r < 0)
                        return r;
                r = add_routes(&m, b);
                if (r < 0)
                        return r;
        }
        return rejected;
}

/* The directory of path as an fd, reusing *dfd while the directory is the same as the last one's (files
 * come sorted by name, from a few directories); AT_FDCWD when path has no directory part or it cannot be
 * opened (then the path is opened as it is). *ret_name is what to open relative to it. */
static int load_dir_fd(const char *path, int *dfd, char **dir, const char **ret_name) {
        const char *slash = strrchr(path, '/');
        size_t l;

        if (!slash || slash == path) {
                *ret_name = path;
                return AT_FDCWD;
        }
        l = (size_t) (slash - path);
        if (!*dir || strlen(*dir) != l || memcmp(*dir, path, l) != 0) {
                closep(dfd);
                *dfd = -EBADF;
                free(*dir);
                *dir = strndup(path, l);
                if (*dir)
                        *dfd = open(*dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
        if (*dfd < 0) {
                *dir = mfree(*dir);
                *ret_name = path;
                return AT_FDCWD;
        }
        *ret_name = slash + 1;
        return *dfd;
}

int ib_config_load(const ConfFileList *files, LoadFlags flags, DiagList *diags, IbConfig *ret) {
        _cleanup_(ib_config_done) IbConfig c = {};
        _cleanup_close_ int dfd = -EBADF;
        _cleanup_free_ char *dir = NULL;
        int rejected = 0, r;

        /* What the search skipped, so that the caller shows it with the rest. */
        FOREACH_ARRAY(d, files->notes.items, files->notes.n)
                if (diag_add(diags, d->level, d->path, d->line, "%s", d->message) < 0)
                        return -ENOMEM;
        FOREACH_ARRAY(f, files->files, files->n) {
                IbNetwork *n = NULL;
                const char *name;
                int at;

                if ((f - files->files) % 64 == 63 && stop_signal_pending())
                        return -EINTR; /* thousands of files must not delay a stop */
                at = load_dir_fd(f->path, &dfd, &dir, &name);
                r = ibnet_load_at(at, name, f, flags, diags, &n);
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
