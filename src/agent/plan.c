/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <linux/rtnetlink.h>
#include <net/if.h>

#include "ipoib-proto.h"
#include "plan.h"
#include "policy.h"

void action_list_done(ActionList *l) {
        l->actions = mfree(l->actions);
        l->n = l->allocated = 0;
}

int action_list_add(ActionList *l, const Action *a) {
        if (!GREEDY_REALLOC(l->actions, l->allocated, l->n + 1))
                return -ENOMEM;
        l->actions[l->n++] = *a;
        return 0;
}

static KRoute route_from_config(const IbNetwork *n, const IbRoute *r, int ifindex, bool is_gateway) {
        KRoute k = {
                .ifindex = ifindex,
                .family = r->family,
                .dst_len = r->has_dst ? r->dst_len : 0,
                .has_gw = r->has_gw,
                /* As the kernel stores it: IPv6 turns metric 0 into IP6_RT_PRIO_USER
                 * (ip6_route_info_create()), so Metric=0 means 1024 there. */
                .metric = r->has_metric && (r->metric > 0 || r->family != AF_INET6) ? r->metric
                                                                                      : kroute_default_metric(r->family),
                .table = ib_route_table(n, r, is_gateway), /* Table=, SourceRouting= for Gateway=, else main */
                .protocol = RTPROT_IPOIB, /* the owner's mark: ipoib-proto.h */
                .scope = r->has_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
                .type = RTN_UNICAST,
                /* The kernel then takes the gateway as on-link without a covering prefix. */
                .flags = r->has_gw && n->gateway_onlink > 0 ? RTNH_F_ONLINK : 0,
        };

        if (r->has_dst)
                k.dst = r->dst;
        if (r->has_gw)
                k.gw = r->gw;
        return k;
}

static void route_list_add_unique(KRoute *l, size_t *k, const KRoute *x) {
        /* A [Route] that repeats a Gateway= default route is the same kernel route. */
        for (size_t i = 0; i < *k; i++)
                if (kroute_equal(&l[i], x))
                        return;
        l[(*k)++] = *x;
}

int network_desired_routes(const IbNetwork *n, int ifindex, KRoute **ret, size_t *ret_n) {
        size_t total = n->n_gateways + n->n_routes + n->n_addresses, k = 0;
        uint32_t table;
        KRoute *l;

        l = calloc(MAX(total, (size_t) 1), sizeof(KRoute));
        if (!l)
                return -ENOMEM;
        FOREACH_ARRAY(g, n->gateways, n->n_gateways)
                l[k++] = route_from_config(n, g, ifindex, true);
        FOREACH_ARRAY(r, n->routes, n->n_routes) {
                KRoute x = route_from_config(n, r, ifindex, false);

                route_list_add_unique(l, &k, &x);
        }
        /* SourceRouting=: the prefix route of each address in the port's table, as the kernel puts one in
         * main (fib_add_ifaddr(), addrconf_prefix_route()); a /32 or /128 has none. */
        if (ib_network_source_table(n, &table) >= 0)
                FOREACH_ARRAY(a, n->addresses, n->n_addresses) {
                        KRoute x = {
                                .ifindex = ifindex,
                                .family = a->family,
                                .dst = a->addr,
                                .dst_len = a->prefixlen,
                                .metric = kroute_default_metric(a->family),
                                .table = table,
                                .protocol = RTPROT_IPOIB,
                                .scope = RT_SCOPE_LINK,
                                .type = RTN_UNICAST,
                        };

                        if (a->prefixlen >= family_max_prefixlen(a->family))
                                continue;
                        in_addr_mask(a->family, &x.dst, a->prefixlen);
                        route_list_add_unique(l, &k, &x);
                }
        *ret = l;
        *ret_n = k;
        return 0;
}

int network_desired_rules(const IbNetwork *n, KRule **ret, size_t *ret_n) {
        _cleanup_free_ IbRule *rules = NULL;
        size_t n_rules = 0, k = 0;
        KRule *l;
        int r;

        r = ib_network_rules(n, &rules, &n_rules);
        if (r < 0)
                return r;
        l = calloc(n_rules + 1, sizeof(KRule));
        if (!l)
                return -ENOMEM;
        FOREACH_ARRAY(x, rules, n_rules) {
                KRule k_ = {
                        .family = x->family,
                        .priority = x->priority,
                        .table = x->table,
                        .src_len = x->has_from ? x->from_len : 0,
                        .dst_len = x->has_to ? x->to_len : 0,
                        .protocol = RTPROT_IPOIB, /* the owner's mark, kept by the kernel (FRA_PROTOCOL) */
                };
                bool dup = false;

                if (x->has_from)
                        k_.src = x->from;
                if (x->has_to)
                        k_.dst = x->to;
                snprintf(k_.iif, sizeof(k_.iif), "%s", x->iif);
                snprintf(k_.oif, sizeof(k_.oif), "%s", x->oif);
                for (size_t i = 0; i < k; i++)
                        dup = dup || krule_equal(&l[i], &k_);
                if (!dup)
                        l[k++] = k_;
        }
        *ret = l;
        *ret_n = k;
        return 0;
}

bool rule_in(const KRule *r, const KRule *l, size_t n) {
        FOREACH_ARRAY(x, l, n)
                if (krule_equal(r, x))
                        return true;
        return false;
}

static bool address_in(const KAddress *a, const KAddress *l, size_t n) {
        FOREACH_ARRAY(x, l, n)
                if (kaddress_equal(a, x))
                        return true;
        return false;
}

static bool route_in(const KRoute *r, const KRoute *l, size_t n) {
        FOREACH_ARRAY(x, l, n)
                if (kroute_equal(r, x))
                        return true;
        return false;
}

static bool address_wanted(const IbNetwork *n, const KAddress *a) {
        if (!n)
                return false;
        FOREACH_ARRAY(x, n->addresses, n->n_addresses)
                if (x->family == a->family && x->prefixlen == a->prefixlen &&
                    in_addr_equal(x->family, &x->addr, &a->addr))
                        return true;
        return false;
}

static void action_init(Action *a, ActionType t, const KLink *link) {
        *a = (Action) { .type = t, .ifindex = link->ifindex };
        snprintf(a->ifname, sizeof(a->ifname), "%s", link->ifname);
}

static bool address_conflicts(const IbNetwork *n, const KAddress *a) {
        if (!n)
                return false;
        FOREACH_ARRAY(x, n->addresses, n->n_addresses)
                if (x->family == a->family && in_addr_equal(x->family, &x->addr, &a->addr))
                        return true;
        return false;
}

static int plan_route_removals(const PlanInput *in, const KRoute *want, size_t n_want, ActionList *out) {
        Action a;
        int r;

        FOREACH_ARRAY(o, in->owned_routes, in->n_owned_routes) {
                KRoute k = *o;

                k.ifindex = in->link->ifindex; /* records are by name; the index may be new */
                if (!route_in(&k, in->routes, in->n_routes) || route_in(&k, want, n_want))
                        continue;
                action_init(&a, ACTION_ROUTE_DEL, in->link);
                a.route = k;
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* conflicting: only owned addresses that hold an address the file wants with another prefix length
 * (they must go before the new one can be added); otherwise the others. */
static int plan_address_removals(const PlanInput *in, bool conflicting, ActionList *out) {
        Action a;
        int r;

        FOREACH_ARRAY(o, in->owned_addresses, in->n_owned_addresses) {
                KAddress k = *o;

                k.ifindex = in->link->ifindex;
                if (!address_in(&k, in->addresses, in->n_addresses) || address_wanted(in->network, &k) ||
                    address_conflicts(in->network, &k) != conflicting)
                        continue;
                action_init(&a, ACTION_ADDRESS_DEL, in->link);
                a.address = k;
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool network_has_ipv4(const IbNetwork *n) {
        FOREACH_ARRAY(x, n->addresses, n->n_addresses)
                if (x->family == AF_INET)
                        return true;
        return false;
}

int plan_effective_mode(const PlanInput *in) {
        return ipoib_effective_mode(in->network, in->connected_unsupported);
}

static int plan_link_settings(const PlanInput *in, ActionList *out) {
        const IbNetwork *n = in->network;
        uint32_t mtu = ipoib_planned_mtu(n, in->link, in->mtu_max);
        int mode = plan_effective_mode(in);
        bool mode_change = false;
        Action a;
        int r;

        if (n->match_type == IB_LINK_TYPE_INFINIBAND && in->link->has_ipoib &&
            ((mode >= 0 && in->link->mode != mode) || (n->umcast >= 0 && in->link->umcast != n->umcast))) {
                action_init(&a, ACTION_SET_IPOIB, in->link);
                a.ipoib.mode = mode >= 0 && in->link->mode != mode ? mode : -1;
                a.ipoib.umcast = n->umcast >= 0 && in->link->umcast != n->umcast ? n->umcast : -1;
                mode_change = a.ipoib.mode >= 0;
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        /* ipoib_set_mode() resets the MTU (connected: cm max; datagram: min(mcast_mtu, mtu)), so an
         * MTU the file sets is applied again after every mode change, even if it matches now. */
        if (mtu > 0 && (mode_change || (mtu != in->link->mtu &&
                                        !(mtu == in->mtu_requested && in->link->mtu == in->mtu_effective)))) {
                action_init(&a, ACTION_SET_MTU, in->link);
                a.mtu = mtu;
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        /* With promote_secondaries off, deleting a primary IPv4 address deletes every secondary of its
         * subnet (__inet_del_ifa()): replacing 192.0.2.1 with 192.0.2.2 would lose both, and foreign
         * secondaries too. systemd-networkd turns it on for the same reason. */
        if (in->link->has_inet_conf && !in->link->promote_secondaries && network_has_ipv4(n)) {
                action_init(&a, ACTION_SET_PROMOTE_SECONDARIES, in->link);
                a.promote_secondaries = true;
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        /* ARPIgnore=/ARPAnnounce=: before the addresses, so that a rail never answers for another. */
        if (in->link->has_arp_conf && ((n->arp_ignore >= 0 && in->link->arp_ignore != n->arp_ignore) ||
                                       (n->arp_announce >= 0 && in->link->arp_announce != n->arp_announce))) {
                action_init(&a, ACTION_SET_ARP, in->link);
                a.arp.ignore = n->arp_ignore >= 0 && in->link->arp_ignore != n->arp_ignore ? n->arp_ignore : -1;
                a.arp.announce =
                        n->arp_announce >= 0 && in->link->arp_announce != n->arp_announce ? n->arp_announce : -1;
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        if (!(in->link->flags & IFF_UP) && !in->held_down) {
                action_init(&a, ACTION_SET_UP, in->link);
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Children come after the parent's own settings: the parent is up first ("a child's parent is
 * brought up if needed"), though the kernel would create a child under a down parent too. */
static int plan_children(const PlanInput *in, ActionList *out) {
        bool need_up = !(in->link->flags & IFF_UP) && !in->network && !in->held_down;
        Action a;
        int r;

        FOREACH_ARRAY(c, in->children, in->n_children) {
                if (c->exists || c->failed)
                        continue;
                if (need_up) {
                        action_init(&a, ACTION_SET_UP, in->link);
                        r = action_list_add(out, &a);
                        if (r < 0)
                                return r;
                        need_up = false;
                }
                /* Created with the P_Key only: Mode=connected on a device that cannot do it would make
                 * ipoib_new_child_link() unregister the new child and fail the whole create. The
                 * child's own plan sets mode, umcast and MTU. */
                action_init(&a, ACTION_CHILD_CREATE, in->link);
                snprintf(a.child.name, sizeof(a.child.name), "%s", c->name);
                a.child.pkey = c->network->pkey;
                a.child.mode = -1;
                a.child.umcast = -1;
                a.child.method = c->network->child_method;
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int plan_address_additions(const PlanInput *in, ActionList *out) {
        const IbNetwork *n = in->network;
        Action a;
        int r;

        if (in->hold_addresses)
                return 0;
        FOREACH_ARRAY(x, n->addresses, n->n_addresses) {
                KAddress k = {
                        .ifindex = in->link->ifindex,
                        .family = x->family,
                        .addr = x->addr,
                        .prefixlen = x->prefixlen,
                        .scope = RT_SCOPE_UNIVERSE,
                        .protocol = RTPROT_IPOIB,
                };

                if (address_in(&k, in->addresses, in->n_addresses))
                        continue;
                action_init(&a, ACTION_ADDRESS_ADD, in->link);
                a.address = k;
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int plan_route_additions(const PlanInput *in, const KRoute *want, size_t n_want, ActionList *out) {
        Action a;
        int r;

        if (in->hold_addresses || in->held_down)
                return 0; /* IPv4 routes need the link up (fib_check_nh()) */
        /* Two passes: on-link routes first, since they can make a gateway reachable. */
        for (int pass = 0; pass < 2; pass++)
                FOREACH_ARRAY(k, want, n_want) {
                        if (k->has_gw != (pass == 1) || route_in(k, in->routes, in->n_routes))
                                continue;
                        action_init(&a, ACTION_ROUTE_ADD, in->link);
                        a.route = *k;
                        r = action_list_add(out, &a);
                        if (r < 0)
                                return r;
                }
        return 0;
}

/* Rules are the kernel's, not the link's, but a link's file asks for them: they are added with the link's
 * plan, after its routes (a rule that looks up a table finds it filled), whether or not its port is up. The
 * rules no file wants any more are removed by manager_rule_removals(). */
static int plan_rule_additions(const PlanInput *in, ActionList *out) {
        _cleanup_free_ KRule *want = NULL;
        size_t n_want = 0;
        Action a;
        int r;

        r = network_desired_rules(in->network, &want, &n_want);
        if (r < 0)
                return r;
        FOREACH_ARRAY(k, want, n_want) {
                if (rule_in(k, in->rules, in->n_rules))
                        continue;
                action_init(&a, ACTION_RULE_ADD, in->link);
                a.rule = *k;
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* What the link was before the agent first changed it. */
static int plan_restore(const PlanInput *in, ActionList *out) {
        bool mode_change = false;
        Action a;
        int r;

        if (!in->has_orig || in->n_children > 0)
                return 0; /* a parent whose children are still wanted stays up */
        if (in->link->has_ipoib && ((in->orig_mode >= 0 && in->link->mode != in->orig_mode) ||
                                    (in->orig_umcast >= 0 && in->link->umcast != in->orig_umcast))) {
                action_init(&a, ACTION_SET_IPOIB, in->link);
                a.ipoib.mode = in->orig_mode >= 0 && in->link->mode != in->orig_mode ? in->orig_mode : -1;
                a.ipoib.umcast = in->orig_umcast >= 0 && in->link->umcast != in->orig_umcast ? in->orig_umcast : -1;
                mode_change = a.ipoib.mode >= 0;
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        if (in->orig_mtu > 0 && (mode_change || in->link->mtu != in->orig_mtu)) {
                action_init(&a, ACTION_SET_MTU, in->link);
                a.mtu = in->orig_mtu;
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        /* After the removals (plan_link() puts this last): with promote_secondaries off again, deleting
         * a primary would take the secondaries of its subnet along (__inet_del_ifa()). */
        if (in->orig_promote_secondaries == 0 && in->link->has_inet_conf && in->link->promote_secondaries) {
                action_init(&a, ACTION_SET_PROMOTE_SECONDARIES, in->link);
                a.promote_secondaries = false;
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        if (!in->orig_up && (in->link->flags & IFF_UP)) {
                action_init(&a, ACTION_SET_DOWN, in->link);
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        return 0;
}

int plan_link(const PlanInput *in, ActionList *out, const char **ret_blocked) {
        const IbNetwork *n = in->network;
        _cleanup_free_ KRoute *want = NULL;
        size_t n_want = 0;
        Action a;
        int r;

        if (ret_blocked)
                *ret_blocked = NULL;

        /* A P_Key cannot be changed: ipoib_changelink() ignores IFLA_IPOIB_PKEY. A child of ours with
         * the wrong P_Key (the file changed) is deleted and created again; one we did not create is
         * left alone. The same holds for a child of ours whose file is gone. */
        if (in->child_owned && (!n || (n->has_partition && in->link->has_ipoib && in->link->pkey != n->pkey))) {
                action_init(&a, ACTION_CHILD_DELETE, in->link);
                return action_list_add(out, &a);
        }
        if (n && n->has_partition && in->link->has_ipoib && in->link->pkey != n->pkey) {
                if (ret_blocked)
                        *ret_blocked = "the link exists with another P_Key and was not created by the agent; "
                                       "delete it or change PKey=";
                return 0;
        }

        if (n) {
                r = network_desired_routes(n, in->link->ifindex, &want, &n_want);
                if (r < 0)
                        return r;
        }
        r = plan_route_removals(in, want, n_want, out);
        if (r < 0)
                return r;
        r = plan_address_removals(in, true, out);
        if (r < 0)
                return r;
        if (n) {
                r = plan_link_settings(in, out);
                if (r < 0)
                        return r;
        }
        r = plan_children(in, out);
        if (r < 0)
                return r;
        if (n) {
                r = plan_address_additions(in, out);
                if (r < 0)
                        return r;
        }
        r = plan_address_removals(in, false, out);
        if (r < 0)
                return r;
        if (!n)
                return plan_restore(in, out);
        r = plan_route_additions(in, want, n_want, out);
        if (r < 0)
                return r;
        return plan_rule_additions(in, out);
}
