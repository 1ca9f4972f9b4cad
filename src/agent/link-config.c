/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <net/if_arp.h>
#include <stdarg.h>

#include "hold.h"
#include "link-config.h"
#include "ipoib-proto.h"
#include "link-dns.h"
#include "plan.h"
#include "rail.h"
#include "strv.h"

Link *link_parent(Manager *m, const Link *l) {
        return ipoib_is_child(&l->kernel) ? intmap_get(&m->links, l->kernel.parent) : NULL;
}

IbNetwork *manager_match(Manager *m, const Link *l, char ***ret_shadowed) {
        IbLinkIdentity id = link_identity(l);
        Link *parent = link_parent(m, l);
        IbNetwork *found = NULL;

        if (id.type < 0)
                return NULL;
        id.is_child = ipoib_is_child(&l->kernel);

        /* A P_Key child: the [Partition] file that defines it comes first. */
        if (parent) {
                found = ipoib_child_network(&m->config, parent, l->kernel.ifname);
                if (found)
                        return found;
        }
        /* The files that may match by name, in file order (name-index.c), not every file. */
        IbConfigCandidates it;
        size_t i;

        ib_config_candidates_init(&m->config, l->kernel.ifname, &it);
        while (ib_config_candidates_next(&it, &i)) {
                IbConfigEntry *e = &m->config.entries[i];

                if (!e->network || ib_network_is_child(e->network) || !ib_network_matches(e->network, &id))
                        continue;
                if (!found)
                        found = e->network;
                else if (ret_shadowed)
                        (void) strv_extend(ret_shadowed, e->network->path);
        }
        return found;
}

/* rdma-core's view of the port; a child shares its parent's port (ipoib_child_init() sets no
 * dev_port on children, so the parent is the one to ask). */
void link_update_port(Manager *m, Link *l) {
        Link *parent = link_parent(m, l);

        IbPortInfo info;

        if (l->kernel.arphrd != ARPHRD_INFINIBAND ||
            (parent ? !parent->port : backend_port_info(m->backend, &l->kernel, &info) < 0)) {
                l->port = mfree(l->port);
                return;
        }
        if (!l->port && !(l->port = malloc(sizeof(IbPortInfo)))) {
                log_oom();
                return;
        }
        *l->port = parent ? *parent->port : info;
}

static bool port_info_equal(const IbPortInfo *a, const IbPortInfo *b) {
        return streq(a->device, b->device) && a->port == b->port && a->state == b->state &&
                a->active_mtu == b->active_mtu && a->max_mtu == b->max_mtu && a->lid == b->lid && a->sm_lid == b->sm_lid &&
                a->link_layer_ib == b->link_layer_ib && a->enhanced == b->enhanced && a->bcast_mtu == b->bcast_mtu &&
                a->n_pkeys == b->n_pkeys && memcmp(a->pkeys, b->pkeys, a->n_pkeys * sizeof(uint16_t)) == 0;
}

/* A port event (IB_EVENT_PORT_ACTIVE/PORT_ERR, PKEY_CHANGE) reaches us only as a carrier/operstate change
 * of the netdevs on the port, which link_update_kernel() does not count as relevant. Ask rdma-core again
 * and re-plan the link, and its children (they hold a copy of the parent's port), when the answer changed:
 * RequireActivePort=, the P_Key warning and MTU=max depend on it. */
void link_port_event(Manager *m, Link *l) {
        Link *c, *parent = link_parent(m, l);
        IbPortInfo old = l->port ? *l->port : (IbPortInfo) {};
        bool had = l->port;

        /* A child's event is news about its parent's port: on a P_Key table change the heavy flush
         * (__ipoib_ib_dev_flush() → update_parent_pkey()) stops at the parent when table index 0 did not
         * change ("Not flushing - P_Key value not changed"), so the parent sends no RTM_NEWLINK and only
         * the child whose P_Key came or went changes carrier. The child's port is a copy of the parent's
         * (link_update_port()): ask for the parent's, which passes any change to every child
         * (docs/kernel-ipoib.md §1.4). */
        if (parent) {
                link_port_event(m, parent);
                return;
        }

        link_update_port(m, l);
        if (!!l->port == had && (!had || port_info_equal(&old, l->port)))
                return;
        log_link_debug(l, "The InfiniBand port changed.");
        link_retry(l);
        manager_link_dirty(m, l);
        if (ipoib_is_child(&l->kernel))
                return;
        for (size_t i = 0; intmap_iterate(&m->links, &i, NULL, (void **) &c);)
                if (link_parent(m, c) == l) {
                        link_update_port(m, c);
                        link_retry(c);
                        manager_link_dirty(m, c);
                }
}

/* A multi-rail file: the copy with the values derived for this port (src/shared/rail.h). The instance is
 * kept while the file and the port stay the same, so a re-match is no news. Returns a new reference;
 * NULL when the file's values do not work out for this port (logged with file:line). */
static IbNetwork *link_network_for(Link *l, IbNetwork *n) {
        _cleanup_(diag_list_done) DiagList diags = {};
        IbLinkIdentity id;
        IbRail rail;
        IbNetwork *c = NULL;
        int r;

        /* SourceRouting= in a file for several ports gives each its own table: an instance too. */
        if (!n || (n->n_templates == 0 && !(n->source_routing && ib_network_multi_port(n))))
                return ib_network_ref(n);
        id = link_identity(l);
        rail = rail_from_identity(n, &id);
        if (l->network && l->network->origin == n && rail_equal(&l->network->rail, &rail))
                return ib_network_ref(l->network);
        r = ib_network_instantiate(n, &rail, &diags, &c);
        FOREACH_ARRAY(d, diags.items, diags.n) {
                _cleanup_free_ char *s = diag_format(d);

                log_link_warning(l, "%s", strna(s));
        }
        if (r < 0 && l->network && streq(l->network->path, n->path)) {
                log_link_error_errno(l, r, "%s does not give this port valid values; keeping the previous ones: %m",
                                     n->path);
                return ib_network_ref(l->network);
        }
        if (r < 0) {
                log_link_error_errno(l, r, "%s does not give this port valid values; not applying it: %m", n->path);
                return NULL;
        }
        return c;
}

void link_rematch(Manager *m, Link *l) {
        _cleanup_strv_free_ char **shadowed = NULL;
        _cleanup_(ib_network_unrefp) IbNetwork *want = NULL;
        IbNetwork *n;

        link_update_port(m, l);
        n = manager_match(m, l, &shadowed);
        want = link_network_for(l, n);
        if (want != l->network) {
                /* A reload gives every file a new object; only another file is news. */
                bool same_file = want && l->network && streq(want->path, l->network->path);

                if (want && !same_file)
                        log_link_info(l, "Configured by %s.", want->path);
                else if (!want && l->network)
                        log_link_info(l, "No longer matched by %s.", l->network->path);
                if (!same_file && l->network)
                        ipoib_forget_mtu(&l->ipoib); /* learned for the old file */
                ib_network_unref(l->network);
                l->network = ib_network_ref(want);
        }
        STRV_FOREACH(s, shadowed)
                if (!strv_contains(l->shadowed, *s))
                        log_link_warning(l, "%s matches too, but %s comes first; ignoring it.", *s, n->path);
        strv_free(l->shadowed);
        l->shadowed = TAKE_PTR(shadowed);
        ipoib_update_children(&m->config, l);
}

/* Owned objects that are neither present nor wanted are history: forget them, so that a foreign
 * object added later with the same key is not taken for ours. */
static void link_prune_owned(Manager *m, Link *l) {
        const OwnedLink *o = owner_get(&m->owner, l->kernel.ifname);
        _cleanup_free_ KAddress *gone_a = NULL;
        _cleanup_free_ KRoute *gone_r = NULL;
        size_t na = 0, nr = 0;

        if (!o)
                return;
        gone_a = calloc(o->n_addresses + 1, sizeof(KAddress));
        gone_r = calloc(o->n_routes + 1, sizeof(KRoute));
        if (!gone_a || !gone_r)
                return;
        FOREACH_ARRAY(a, o->addresses, o->n_addresses) {
                bool present = false;

                FOREACH_ARRAY(x, l->addresses, l->n_addresses)
                        present = present || kaddress_equal(a, x);
                if (!present)
                        gone_a[na++] = *a;
        }
        FOREACH_ARRAY(r, o->routes, o->n_routes) {
                KRoute k = *r;
                bool present = false;

                k.ifindex = l->kernel.ifindex;
                FOREACH_ARRAY(x, l->routes, l->n_routes)
                        present = present || kroute_equal(&k, x);
                if (!present)
                        gone_r[nr++] = *r;
        }
        for (size_t i = 0; i < na; i++)
                owner_remove_address(&m->owner, l->kernel.ifname, &gone_a[i]);
        for (size_t i = 0; i < nr; i++)
                owner_remove_route(&m->owner, l->kernel.ifname, &gone_r[i]);
}

/* Things worth saying about a link that is otherwise fine. One line, the most important first. */
void link_update_warning(Link *l, const PlanInput *in) {
        const char *w;
        char buf[256];

        w = ipoib_warning(l->network, &l->kernel, l->port, in,
                          link_dns_error(l->manager->dns, l->kernel.ifindex), buf, sizeof(buf));
        if (w)
                link_set_warning(l, "%s", w);
        else
                link_set_warning(l, NULL);
}

/* The record says we created a child of this name; is this link that child? Same parent, same
 * P_Key: a link someone else made under the name later is not ours to delete. */
static bool link_is_owned_child(Manager *m, const Link *l, const OwnedLink *o) {
        Link *parent = link_parent(m, l);

        return o && o->child && l->kernel.has_ipoib && l->kernel.pkey == o->pkey && parent &&
                streq(parent->kernel.ifname, o->parent);
}

/* What the agent owns on a link: what the kernel marks as its own (RTPROT_IPOIB on routes, IFA_PROTO
 * on addresses) and what the record names (addresses on kernels that do not keep IFA_PROTO, routes of
 * an older version). */
typedef struct Owned {
        KAddress *addresses;
        size_t n_addresses;
        KRoute *routes;
        size_t n_routes;
} Owned;

static void owned_done(Owned *w) {
        w->addresses = mfree(w->addresses);
        w->routes = mfree(w->routes);
}

static int link_owned(const Link *l, const OwnedLink *o, Owned *ret) {
        Owned w = {};

        w.addresses = calloc((o ? o->n_addresses : 0) + l->n_addresses + 1, sizeof(KAddress));
        w.routes = calloc((o ? o->n_routes : 0) + l->n_routes + 1, sizeof(KRoute));
        if (!w.addresses || !w.routes) {
                owned_done(&w);
                return -ENOMEM;
        }
        for (size_t i = 0; o && i < o->n_addresses; i++)
                w.addresses[w.n_addresses++] = o->addresses[i];
        for (size_t i = 0; o && i < o->n_routes; i++)
                w.routes[w.n_routes++] = o->routes[i];
        FOREACH_ARRAY(a, l->addresses, l->n_addresses) {
                bool dup = false;

                if (a->protocol != RTPROT_IPOIB)
                        continue;
                for (size_t i = 0; o && i < o->n_addresses; i++)
                        dup = dup || kaddress_equal(&o->addresses[i], a);
                if (!dup)
                        w.addresses[w.n_addresses++] = *a;
        }
        FOREACH_ARRAY(r, l->routes, l->n_routes) {
                bool dup = false;

                if (r->protocol != RTPROT_IPOIB)
                        continue;
                for (size_t i = 0; o && i < o->n_routes; i++) {
                        KRoute k = o->routes[i];

                        k.ifindex = r->ifindex;
                        dup = dup || kroute_equal(&k, r);
                }
                if (!dup)
                        w.routes[w.n_routes++] = *r;
        }
        *ret = w;
        return 0;
}

bool link_has_marked(const Link *l) {
        FOREACH_ARRAY(a, l->addresses, l->n_addresses)
                if (a->protocol == RTPROT_IPOIB)
                        return true;
        FOREACH_ARRAY(r, l->routes, l->n_routes)
                if (r->protocol == RTPROT_IPOIB)
                        return true;
        return false;
}

int link_plan(Manager *m, Link *l, ActionList *plan, const char **ret_blocked, PlanInput *ret_in) {
        _cleanup_free_ ChildWant *children = NULL;
        _cleanup_(owned_done) Owned owned = {};
        const OwnedLink *o = owner_get(&m->owner, l->kernel.ifname);
        PlanInput in;
        int r;

        r = link_owned(l, o, &owned);
        if (r < 0)
                return r;

        children = calloc(l->n_children + 1, sizeof(ChildWant));
        if (!children)
                return -ENOMEM;
        for (size_t i = 0; i < l->n_children; i++)
                children[i] = (ChildWant) {
                        .network = l->children[i].network,
                        .exists = strmap_get(&m->links_by_name, l->children[i].name) != NULL,
                        .failed = l->children[i].failed,
                };
        for (size_t i = 0; i < l->n_children; i++)
                memcpy(children[i].name, l->children[i].name, sizeof(children[i].name));

        in = (PlanInput) {
                .network = l->network,
                .link = &l->kernel,
                .addresses = l->addresses,
                .n_addresses = l->n_addresses,
                .routes = l->routes,
                .n_routes = l->n_routes,
                .owned_addresses = owned.addresses,
                .n_owned_addresses = owned.n_addresses,
                .owned_routes = owned.routes,
                .n_owned_routes = owned.n_routes,
                .rules = m->rules,
                .n_rules = m->n_rules,
                .hold_addresses = l->network && l->network->require_active_port > 0 && l->port &&
                        l->port->state_known &&
                        l->port->state != IB_PORT_ACTIVE,
                .child_owned = link_is_owned_child(m, l, o),
                .held_down = manager_link_held(m, l->kernel.ifname),
                .has_orig = o && o->has_orig,
                .orig_mtu = o ? o->orig_mtu : 0,
                .orig_mode = o ? o->orig_mode : -1,
                .orig_up = o && o->orig_up,
                .orig_umcast = o ? o->orig_umcast : -1,
                .orig_promote_secondaries = o ? o->orig_promote_secondaries : -1,
                .children = children,
                .n_children = l->n_children,
        };
        ipoib_plan_input(&l->ipoib, l->network, &l->kernel, l->port, &in);
        r = plan_link(&in, plan, ret_blocked);
        if (r < 0)
                return r;
        if (ret_in) {
                *ret_in = in;
                ret_in->children = NULL; /* freed here */
                ret_in->n_children = 0;
                ret_in->owned_addresses = NULL;
                ret_in->n_owned_addresses = 0;
                ret_in->owned_routes = NULL;
                ret_in->n_owned_routes = 0;
        }
        return 0;
}

int link_reconcile(Manager *m, Link *l) {
        _cleanup_(action_list_done) ActionList plan = {};
        const OwnedLink *o = owner_get(&m->owner, l->kernel.ifname);
        const char *blocked = NULL;
        PlanInput in;
        int r;

        if (l->outstanding > 0)
                return 0; /* re-planned when the last reply is in */
        l->dirty = false;
        ipoib_answer_window_closed(&l->ipoib);
        if (link_failed(l))
                return 0; /* until something changes (link_retry()) */
        if (!l->network && !o && l->n_children == 0 && !link_has_marked(l)) {
                link_set_state(l, LINK_STATE_UNMANAGED, NULL);
                return 0;
        }
        r = link_plan(m, l, &plan, &blocked, &in);
        if (r < 0)
                return log_link_error_errno(l, r, "Failed to plan: %m");
        if (!l->network)
                ipoib_forget_mtu(&l->ipoib); /* a restored MTU is no file's */
        /* What was learned about the MTU survives a restart (owner.h). */
        if (owner_set_mtu(&m->owner, l->kernel.ifname, l->ipoib.mtu_requested, l->ipoib.mtu_effective) < 0)
                return log_oom();
        link_update_warning(l, &in);

        if (blocked) {
                link_set_state(l, LINK_STATE_FAILED, "%s", blocked);
                return 0;
        }
        if (plan.n == 0) {
                link_prune_owned(m, l);
                if (!l->network && l->n_children == 0)
                        owner_clear_orig(&m->owner, l->kernel.ifname); /* restored */
                /* Addresses are in place: now the resolver may use the link's servers. */
                if (!in.hold_addresses)
                        link_dns_update(m->dns, l);
                if (in.hold_addresses)
                        link_set_state(l, LINK_STATE_PENDING,
                                       "port %s/%u is %s; addresses held back (RequireActivePort=yes)",
                                       l->port->device, l->port->port, strna(ib_port_state_to_string(l->port->state)));
                else if (l->network)
                        link_set_state(l, LINK_STATE_CONFIGURED, NULL);
                else
                        link_set_state(l, LINK_STATE_UNMANAGED, NULL);
                return 0;
        }
        FOREACH_ARRAY(a, plan.actions, plan.n) {
                char buf[256];

                log_link_debug(l, "plan: %s", action_to_string(a, buf, sizeof(buf)));
                r = manager_enqueue(m, l, a);
                if (r < 0)
                        return log_oom();
        }
        if (l->network)
                link_set_state(l, LINK_STATE_CONFIGURING, "%zu change%s in progress", plan.n, plan.n == 1 ? "" : "s");
        else
                link_set_state(l, LINK_STATE_LINGERING, "its file is gone; removing what the agent created");
        return 0;
}
