/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Addresses and routes on the simulated fabric's netdevs: the part of the IPv4/IPv6 stack the agent can
 * notice. Simple but faithful where it shows: -EEXIST/-EADDRNOTAVAIL/-ESRCH, kernel prefix routes,
 * gateways that must be reachable, routes refused on a down link, IPv6 needing an MTU of 1280, and what
 * a link going down or away takes with it (including the IPv4 routes the kernel drops *silently*). */

#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "sim-model.h"

#define SIM_IPV6_MIN_MTU 1280
#define SIM_IPV4_MIN_MTU 68          /* inetdev_valid_mtu() */
#define IP6_RT_PRIO_USER 1024
#define IP6_RT_PRIO_ADDRCONF 256
/* Flags a request may set that the kernel keeps on the address. */
#define SIM_IFA_REQUEST_FLAGS (IFA_F_NODAD | IFA_F_NOPREFIXROUTE | IFA_F_MANAGETEMPADDR | IFA_F_HOMEADDRESS)

static void emit_address(SimModel *m, const KAddress *a, bool removed) {
        SimEvent e = { .type = SIM_EVENT_ADDRESS, .removed = removed, .address = *a };

        sim_emit(m, &e);
}

static void emit_route(SimModel *m, const KRoute *r, bool removed) {
        SimEvent e = { .type = SIM_EVENT_ROUTE, .removed = removed, .route = *r };

        sim_emit(m, &e);
}

/* The counting filters (SimModel.inet_index). Each kind of key hashes a tag and the fields that
 * identify it; the value is how many addresses or routes have that hash. */
typedef enum IndexKind {
        INDEX_ADDRESS = 1,  /* ifindex, family, address: both duplicate checks and find_address */
        INDEX_DEV_ADDRESS,  /* ifindex, family: the device has addresses of the family */
        INDEX_ROUTE,        /* every field of route_identical() */
        INDEX_ROUTE_KEY,    /* route_same_key(): NLM_F_EXCL */
        INDEX_DEV_ROUTE,    /* ifindex, family: the device has routes of the family */
} IndexKind;

typedef struct IndexKey {
        uint8_t kind, dst_len, has_gw;
        int family, ifindex;
        uint32_t table, metric;
        union in_addr_union addr, gw;
} IndexKey;

static int index_hash(const IndexKey *k) {
        const uint8_t *p = (const uint8_t *) k;
        uint32_t h = 2166136261U; /* FNV-1a */

        for (size_t i = 0; i < sizeof(*k); i++)
                h = (h ^ p[i]) * 16777619U;
        return (int) h;
}

/* Only the bytes of the family: in_addr_equal() ignores the rest of the union, so must the hash. */
static void key_addr(union in_addr_union *dst, int family, const union in_addr_union *src) {
        memcpy(dst, src, MIN(family_address_size(family), sizeof(*dst)));
}

static int key_address(IndexKind kind, const KAddress *a) {
        IndexKey k;

        memset(&k, 0, sizeof(k)); /* the padding is hashed too */
        k.kind = kind;
        k.family = a->family;
        k.ifindex = a->ifindex;
        if (kind == INDEX_ADDRESS)
                key_addr(&k.addr, a->family, &a->addr);
        return index_hash(&k);
}

static int key_route(IndexKind kind, const KRoute *r) {
        IndexKey k;

        memset(&k, 0, sizeof(k));
        k.kind = kind;
        k.family = r->family;
        if (kind == INDEX_DEV_ROUTE) {
                k.ifindex = r->ifindex;
                return index_hash(&k);
        }
        k.table = r->table;
        k.dst_len = r->dst_len;
        key_addr(&k.addr, r->family, &r->dst);
        k.metric = r->metric;
        if (kind == INDEX_ROUTE) {
                k.ifindex = r->ifindex;
                k.has_gw = r->has_gw;
                if (r->has_gw)
                        key_addr(&k.gw, r->family, &r->gw);
        }
        return index_hash(&k);
}

static void index_change(SimModel *m, int key, int delta) {
        uintptr_t n = (uintptr_t) intmap_get(&m->inet_index, key);

        if (delta < 0 && n <= 1) {
                (void) intmap_remove(&m->inet_index, key);
                return;
        }
        if (intmap_put(&m->inet_index, key, (void *) (n + (uintptr_t) delta)) < 0)
                m->inet_index_lost = true;
}

/* false: certainly none; true: maybe, a scan decides. */
static bool index_maybe(const SimModel *m, int key) {
        return m->inet_index_lost || intmap_get(&m->inet_index, key);
}

static void index_address(SimModel *m, const KAddress *a, int delta) {
        index_change(m, key_address(INDEX_ADDRESS, a), delta);
        index_change(m, key_address(INDEX_DEV_ADDRESS, a), delta);
}

static void index_route(SimModel *m, const KRoute *r, int delta) {
        index_change(m, key_route(INDEX_ROUTE, r), delta);
        index_change(m, key_route(INDEX_ROUTE_KEY, r), delta);
        index_change(m, key_route(INDEX_DEV_ROUTE, r), delta);
}

static bool device_maybe_has_addresses(const SimModel *m, int ifindex, int family) {
        return index_maybe(m, key_address(INDEX_DEV_ADDRESS, &(KAddress) { .ifindex = ifindex, .family = family }));
}

static bool device_maybe_has_routes(const SimModel *m, int ifindex, int family) {
        return index_maybe(m, key_route(INDEX_DEV_ROUTE, &(KRoute) { .ifindex = ifindex, .family = family }));
}

/* The kernel's identity of a route for NLM_F_EXCL: IPv4 fib_table_insert() compares dst/len, tos and
 * priority; IPv6 fib6_add_rt2node() dst/len and metric. Neither looks at the device or gateway. */
static bool route_same_key(const KRoute *a, const KRoute *b) {
        return a->family == b->family && a->table == b->table && a->dst_len == b->dst_len &&
                in_addr_equal(a->family, &a->dst, &b->dst) && a->metric == b->metric;
}

static bool route_identical(const KRoute *a, const KRoute *b) {
        return route_same_key(a, b) && a->ifindex == b->ifindex && a->has_gw == b->has_gw &&
                (!a->has_gw || in_addr_equal(a->family, &a->gw, &b->gw));
}

static int route_insert(SimModel *m, const KRoute *r, bool notify) {
        if (!GREEDY_REALLOC(m->routes, m->allocated_routes, m->n_routes + 1))
                return -ENOMEM;
        m->routes[m->n_routes++] = *r;
        index_route(m, r, +1);
        if (notify)
                emit_route(m, r, false);
        return 0;
}

static void route_remove_at(SimModel *m, size_t i, bool notify) {
        KRoute r = m->routes[i];

        memmove(m->routes + i, m->routes + i + 1, (m->n_routes - i - 1) * sizeof(KRoute));
        m->n_routes--;
        index_route(m, &r, -1);
        if (notify)
                emit_route(m, &r, true);
}

const KRoute *sim_model_find_route(const SimModel *m, const KRoute *r) {
        if (!index_maybe(m, key_route(INDEX_ROUTE, r)))
                return NULL;
        for (size_t i = 0; i < m->n_routes; i++)
                if (route_identical(&m->routes[i], r))
                        return &m->routes[i];
        return NULL;
}

const SimAddress *sim_model_find_address(const SimModel *m, const KAddress *a) {
        if (!index_maybe(m, key_address(INDEX_ADDRESS, a)))
                return NULL;
        for (size_t i = 0; i < m->n_addresses; i++)
                if (m->addresses[i].a.ifindex == a->ifindex && kaddress_equal(&m->addresses[i].a, a))
                        return &m->addresses[i];
        return NULL;
}

/* The route the kernel adds for an address: IPv4 fib_add_ifaddr() (proto kernel, scope link, metric 0)
 * unless /32 or a zero network; IPv6 addrconf_prefix_route() (proto kernel, metric 256). Both skip it
 * for IFA_F_NOPREFIXROUTE. Returns false when there is none. */
static bool address_prefix_route(const KAddress *a, KRoute *ret) {
        KRoute r = {
                .ifindex = a->ifindex,
                .family = a->family,
                .dst = a->addr,
                .dst_len = a->prefixlen,
                .table = RT_TABLE_MAIN,
                .protocol = RTPROT_KERNEL,
                .type = RTN_UNICAST,
        };

        if (a->flags & IFA_F_NOPREFIXROUTE)
                return false;
        in_addr_mask(a->family, &r.dst, a->prefixlen);
        if (a->family == AF_INET) {
                if (a->prefixlen == 32 || r.dst.in.s_addr == 0)
                        return false;
                r.scope = RT_SCOPE_LINK;
                r.metric = 0;
        } else {
                r.scope = RT_SCOPE_UNIVERSE;
                r.metric = IP6_RT_PRIO_ADDRCONF;
        }
        *ret = r;
        return true;
}

static void prefix_route_add(SimModel *m, const KAddress *a) {
        KRoute r;

        /* fib_magic()/fib6_add(): an identical route is not added twice. */
        if (address_prefix_route(a, &r) && !sim_model_find_route(m, &r))
                (void) route_insert(m, &r, true);
}

/* Removes an address and, unless another address of the device still needs it, its prefix route
 * (fib_del_ifaddr(), check_cleanup_prefix_route()); both are notified. */
static void address_remove_at(SimModel *m, size_t i) {
        SimAddress gone = m->addresses[i];
        KRoute r;
        bool shared = false;

        memmove(m->addresses + i, m->addresses + i + 1, (m->n_addresses - i - 1) * sizeof(SimAddress));
        m->n_addresses--;
        index_address(m, &gone.a, -1);
        emit_address(m, &gone.a, true);
        if (!address_prefix_route(&gone.a, &r) || !sim_model_find_route(m, &r))
                return;
        for (size_t j = 0, n = device_maybe_has_addresses(m, gone.a.ifindex, gone.a.family) ? m->n_addresses : 0;
             j < n; j++) {
                KRoute o;

                if (m->addresses[j].a.ifindex == gone.a.ifindex &&
                    address_prefix_route(&m->addresses[j].a, &o) && route_identical(&o, &r))
                        shared = true;
        }
        for (size_t j = 0; !shared && j < m->n_routes; j++)
                if (route_identical(&m->routes[j], &r) && m->routes[j].protocol == RTPROT_KERNEL) {
                        route_remove_at(m, j, true);
                        break;
                }
}

static int address_insert(SimModel *m, const KAddress *a, bool broadcast) {
        SimAddress s = { .a = *a };

        if (broadcast && a->family == AF_INET && a->prefixlen < 31) {
                /* `brd +` as the agent and iproute2 send it; the kernel computes none itself. */
                uint32_t host = a->prefixlen == 0 ? 0xffffffffu : 0xffffffffu >> a->prefixlen;

                s.has_broadcast = true;
                s.broadcast.s_addr = a->addr.in.s_addr | htonl(host);
        }
        if (!GREEDY_REALLOC(m->addresses, m->allocated_addresses, m->n_addresses + 1))
                return -ENOMEM;
        m->addresses[m->n_addresses++] = s;
        index_address(m, a, +1);
        emit_address(m, a, false);
        return 0;
}

int sim_address_add(SimModel *m, const KAddress *req, bool broadcast, const char **extack) {
        SimNetdev *nd = sim_model_find_ifindex(m, req->ifindex);
        KAddress a = *req;
        int r;

        if (!nd)
                return -ENODEV;
        if (a.prefixlen > family_max_prefixlen(a.family))
                return -EINVAL;
        /* Manually added addresses are IFA_F_PERMANENT (no lifetimes given). */
        a.flags = (a.flags & SIM_IFA_REQUEST_FLAGS) | IFA_F_PERMANENT;
        if (a.family == AF_INET) {
                /* rtm_to_ifaddr(): no in_device once the MTU went below 68 (inetdev_destroy()). */
                if (nd->mtu < SIM_IPV4_MIN_MTU)
                        return -ENOBUFS;
                /* __inet_insert_ifa(): same local address and mask on the device. */
                for (size_t i = 0, n = index_maybe(m, key_address(INDEX_ADDRESS, &a)) ? m->n_addresses : 0; i < n; i++)
                        if (m->addresses[i].a.ifindex == a.ifindex && kaddress_equal(&m->addresses[i].a, &a))
                                return -EEXIST;
        } else if (a.family == AF_INET6) {
                /* ipv6_find_idev() → ipv6_add_dev(): no inet6_dev below SIM_IPV6_MIN_MTU. */
                if (nd->mtu < SIM_IPV6_MIN_MTU)
                        return -EINVAL;
                /* ipv6_add_addr_hash() → ipv6_chk_same_addr(): the address on the device, any length. */
                for (size_t i = 0, n = index_maybe(m, key_address(INDEX_ADDRESS, &a)) ? m->n_addresses : 0; i < n; i++)
                        if (m->addresses[i].a.ifindex == a.ifindex && m->addresses[i].a.family == AF_INET6 &&
                            in_addr_equal(AF_INET6, &m->addresses[i].a.addr, &a.addr))
                                return -EEXIST;
                /* ipv6_addr_scope(): the scope comes from the address, not the request. */
                a.scope = in_addr_is_link_local(AF_INET6, &a.addr) ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        } else
                return -EAFNOSUPPORT;

        r = address_insert(m, &a, broadcast);
        if (r < 0)
                return r;
        /* IPv4's prefix route exists only while the link is up (fib_add_ifaddr() runs on NETDEV_UP and
         * for new addresses of an up device); IPv6's is added at once (inet6_addr_add()). */
        if (a.family == AF_INET6 || nd->up)
                prefix_route_add(m, &a);
        (void) extack;
        return 0;
}

int sim_address_del(SimModel *m, const KAddress *a, const char **extack) {
        if (!sim_model_find_ifindex(m, a->ifindex))
                return -ENODEV;
        /* inet_rtm_deladdr() / inet6_addr_del(): address and prefix length must match. */
        for (size_t i = 0; i < m->n_addresses; i++)
                if (m->addresses[i].a.ifindex == a->ifindex && kaddress_equal(&m->addresses[i].a, a)) {
                        address_remove_at(m, i);
                        return 0;
                }
        (void) extack;
        return -EADDRNOTAVAIL;
}

/* A route without gateway on the device that covers addr: what the gateway lookup of
 * fib_check_nh_v4_gw() / ip6_route_check_nh() needs to find. */
static bool onlink_reachable(const SimModel *m, int family, int ifindex, const union in_addr_union *addr) {
        if (!device_maybe_has_routes(m, ifindex, family))
                return false;
        for (size_t i = 0; i < m->n_routes; i++) {
                const KRoute *o = &m->routes[i];

                if (o->family == family && o->ifindex == ifindex && !o->has_gw &&
                    in_addr_prefix_covers(family, &o->dst, o->dst_len, addr))
                        return true;
        }
        return false;
}

int sim_route_add(SimModel *m, const KRoute *req, const char **extack) {
        SimNetdev *nd = sim_model_find_ifindex(m, req->ifindex);
        KRoute r = *req;

        if (!nd)
                return -ENODEV;
        if (r.family != AF_INET && r.family != AF_INET6)
                return -EAFNOSUPPORT;
        if (r.dst_len > family_max_prefixlen(r.family))
                return -EINVAL;
        r.table = r.table ?: RT_TABLE_MAIN;
        r.protocol = r.protocol ?: RTPROT_STATIC;
        r.type = r.type ?: RTN_UNICAST;

        if (r.family == AF_INET) {
                union in_addr_union masked = r.dst;

                in_addr_mask(AF_INET, &masked, r.dst_len);
                if (!in_addr_equal(AF_INET, &masked, &r.dst)) {
                        /* fib_table_insert(): host bits set. */
                        if (extack)
                                *extack = "Invalid prefix for given prefix length";
                        return -EINVAL;
                }
                r.scope = r.has_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
                /* fib_check_nh_v4_gw(): the gateway is looked up first (a down link has lost its
                 * prefix routes, so that fails before the device check); RTNH_F_ONLINK skips that. */
                if (r.has_gw && !(r.flags & RTNH_F_ONLINK) && !onlink_reachable(m, AF_INET, r.ifindex, &r.gw)) {
                        if (extack)
                                *extack = "Nexthop has invalid gateway";
                        return -ENETUNREACH;
                }
                /* fib_check_nh_v4_gw()/fib_check_nh_nongw(): the device must be up. */
                if (!nd->up) {
                        if (extack)
                                *extack = "Nexthop device is not up";
                        return -ENETDOWN;
                }
        } else {
                /* ip6_route_info_create(): metric 0 means IP6_RT_PRIO_USER; the prefix is masked. */
                in_addr_mask(AF_INET6, &r.dst, r.dst_len);
                r.metric = r.metric ?: IP6_RT_PRIO_USER;
                r.scope = RT_SCOPE_UNIVERSE;
                /* fib6_nh_init(): "Nexthop device is not up". */
                if (!nd->up) {
                        if (extack)
                                *extack = "Nexthop device is not up";
                        return -ENETDOWN;
                }
                /* ip6_validate_gw(): a non-link-local gateway must be reachable through the device,
                 * unless RTNH_F_ONLINK (ip6_route_check_nh_onlink()). */
                if (r.has_gw && !(r.flags & RTNH_F_ONLINK) && !in_addr_is_link_local(AF_INET6, &r.gw) &&
                    !onlink_reachable(m, AF_INET6, r.ifindex, &r.gw)) {
                        if (extack)
                                *extack = "Nexthop has invalid gateway";
                        return -EHOSTUNREACH;
                }
        }
        for (size_t i = 0, n = index_maybe(m, key_route(INDEX_ROUTE_KEY, &r)) ? m->n_routes : 0; i < n; i++)
                if (route_same_key(&m->routes[i], &r))
                        return -EEXIST;
        return route_insert(m, &r, true);
}

int sim_route_del(SimModel *m, const KRoute *req, const char **extack) {
        KRoute r = *req;

        r.table = r.table ?: RT_TABLE_MAIN;
        /* fib_table_delete()/ip6_route_del(): dst/len must match; metric 0 matches any, and device and
         * gateway are compared only when given. */
        for (size_t i = 0; i < m->n_routes; i++) {
                const KRoute *o = &m->routes[i];

                if (o->family == r.family && o->table == r.table && o->dst_len == r.dst_len &&
                    in_addr_equal(r.family, &o->dst, &r.dst) && (r.metric == 0 || o->metric == r.metric) &&
                    (r.ifindex <= 0 || o->ifindex == r.ifindex) &&
                    (!r.has_gw || (o->has_gw && in_addr_equal(r.family, &o->gw, &r.gw)))) {
                        route_remove_at(m, i, true);
                        return 0;
                }
        }
        (void) extack;
        return -ESRCH;
}

/* ——— routing policy rules (net/core/fib_rules.c) ——— */

static int rule_insert(SimModel *m, const KRule *r) {
        size_t i = 0;

        if (!GREEDY_REALLOC(m->rules, m->allocated_rules, m->n_rules + 1))
                return -ENOMEM;
        /* fib_nl_newrule(): after the last rule with a priority not above the new one. */
        while (i < m->n_rules && !(m->rules[i].family == r->family && m->rules[i].priority > r->priority))
                i++;
        memmove(m->rules + i + 1, m->rules + i, (m->n_rules - i) * sizeof(KRule));
        m->rules[i] = *r;
        m->n_rules++;
        return 0;
}

int sim_rules_init(SimModel *m) {
        static const struct {
                int family;
                uint32_t priority, table;
        } defaults[] = {
                { AF_INET, 0, RT_TABLE_LOCAL },   { AF_INET, 32766, RT_TABLE_MAIN },
                { AF_INET, 32767, RT_TABLE_DEFAULT }, { AF_INET6, 0, RT_TABLE_LOCAL },
                { AF_INET6, 32766, RT_TABLE_MAIN },
        };

        for (size_t i = 0; i < ELEMENTSOF(defaults); i++)
                if (rule_insert(m, &(KRule) { .family = defaults[i].family, .priority = defaults[i].priority,
                                              .table = defaults[i].table, .protocol = RTPROT_KERNEL }) < 0)
                        return -ENOMEM;
        return 0;
}

int sim_rule_add(SimModel *m, const KRule *r, const char **extack) {
        int k;

        if (r->family != AF_INET && r->family != AF_INET6)
                return -EAFNOSUPPORT;
        if (r->table == RT_TABLE_UNSPEC) {
                /* fib_nl2rule(): FR_ACT_TO_TBL needs a table. */
                if (extack)
                        *extack = "Invalid table";
                return -EINVAL;
        }
        /* rule_exists(): the protocol is compared too. */
        FOREACH_ARRAY(x, m->rules, m->n_rules)
                if (krule_equal(x, r) && x->protocol == r->protocol)
                        return -EEXIST;
        k = rule_insert(m, r);
        if (k < 0)
                return k;
        sim_emit(m, &(SimEvent) { .type = SIM_EVENT_RULE, .rule = *r });
        return 0;
}

int sim_rule_del(SimModel *m, const KRule *r, const char **extack) {
        for (size_t i = 0; i < m->n_rules; i++) {
                KRule gone = m->rules[i];

                /* rule_find(): a protocol in the request must match. */
                if (!krule_equal(&gone, r) || (r->protocol != 0 && gone.protocol != r->protocol))
                        continue;
                memmove(m->rules + i, m->rules + i + 1, (m->n_rules - i - 1) * sizeof(KRule));
                m->n_rules--;
                sim_emit(m, &(SimEvent) { .type = SIM_EVENT_RULE, .removed = true, .rule = gone });
                return 0;
        }
        (void) extack;
        return -ENOENT;
}

static void flush_family(SimModel *m, SimNetdev *nd, int family, bool addresses, bool notify_routes) {
        /* Scans only when the device has any: a child going away must not cost every address of the
         * fabric. */
        addresses = addresses && device_maybe_has_addresses(m, nd->ifindex, family);
        for (size_t i = m->n_addresses; addresses && i > 0; i--)
                if (m->addresses[i - 1].a.ifindex == nd->ifindex && m->addresses[i - 1].a.family == family)
                        address_remove_at(m, i - 1);
        for (size_t i = device_maybe_has_routes(m, nd->ifindex, family) ? m->n_routes : 0; i > 0; i--)
                if (m->routes[i - 1].ifindex == nd->ifindex && m->routes[i - 1].family == family)
                        route_remove_at(m, i - 1, notify_routes);
}

void sim_inet_ifdown(SimModel *m, SimNetdev *nd, bool unregister) {
        /* addrconf_ifdown(): with the default keep_addr_on_down=0 every IPv6 address goes, on down as
         * on unregister; the routes go through rt6_sync_down_dev(), notified. */
        flush_family(m, nd, AF_INET6, true, true);
        nd->in6_ready = false;
        /* fib_disable_ip() → fib_sync_down_dev() + fib_flush(): IPv4 routes through the device are
         * dropped WITHOUT RTM_DELROUTE. The addresses stay, unless the device goes away
         * (inetdev_destroy() sends RTM_DELADDR for each). */
        flush_family(m, nd, AF_INET, unregister, false);
}

void sim_inet_ifup(SimModel *m, SimNetdev *nd) {
        /* fib_netdev_event(NETDEV_UP) → fib_add_ifaddr() for every address: the prefix routes return. */
        for (size_t i = 0, n = device_maybe_has_addresses(m, nd->ifindex, AF_INET) ? m->n_addresses : 0; i < n; i++)
                if (m->addresses[i].a.ifindex == nd->ifindex && m->addresses[i].a.family == AF_INET) {
                        KAddress a = m->addresses[i].a;

                        prefix_route_add(m, &a);
                }
}

void sim_inet6_linklocal(SimModel *m, SimNetdev *nd) {
        uint8_t hw[INFINIBAND_ALEN];
        KAddress a = {
                .ifindex = nd->ifindex,
                .family = AF_INET6,
                .prefixlen = 64,
                .scope = RT_SCOPE_LINK,
                .flags = IFA_F_PERMANENT,
        };

        nd->in6_ready = true;
        /* addrconf_ifid_infiniband(): the interface id is the port GUID (dev_addr[12..19]) with
         * eui[0] |= 2. */
        sim_netdev_hwaddr(nd, hw);
        a.addr.bytes[0] = 0xfe;
        a.addr.bytes[1] = 0x80;
        memcpy(a.addr.bytes + 8, hw + 12, 8);
        a.addr.bytes[8] |= 2;
        if (sim_model_find_address(m, &a))
                return;
        if (address_insert(m, &a, false) < 0)
                return;
        prefix_route_add(m, &a);
}

void sim_inet_mtu_changed(SimModel *m, SimNetdev *nd) {
        /* addrconf_notify(NETDEV_CHANGEMTU): below SIM_IPV6_MIN_MTU IPv6 stops on the device
         * (addrconf_ifdown(dev, true)); at or above it again, it restarts when the link is ready (the
         * next sim_model_sync()). */
        if (nd->mtu < SIM_IPV6_MIN_MTU) {
                flush_family(m, nd, AF_INET6, true, true);
                nd->in6_ready = false;
        }
        /* inetdev_event(NETDEV_CHANGEMTU): below 68 IPv4 goes (inetdev_destroy()); only connected mode
         * allows such an MTU. */
        if (nd->mtu < SIM_IPV4_MIN_MTU)
                flush_family(m, nd, AF_INET, true, false);
}
