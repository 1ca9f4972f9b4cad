/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <linux/if_link.h>
#include <net/if_arp.h>
#include <stdarg.h>

#include "link.h"
#include "manager.h"
#include "strv.h"

static const char *const link_state_table[_LINK_STATE_MAX] = {
        [LINK_STATE_PENDING] = "pending",
        [LINK_STATE_CONFIGURING] = "configuring",
        [LINK_STATE_CONFIGURED] = "configured",
        [LINK_STATE_UNMANAGED] = "unmanaged",
        [LINK_STATE_FAILED] = "failed",
        [LINK_STATE_LINGERING] = "lingering",
};

DEFINE_STRING_TABLE_LOOKUP_TO_STRING(link_state, LinkState);

int link_new(Manager *m, const KLink *k, Link **ret) {
        Link *l;

        l = calloc(1, sizeof(Link));
        if (!l)
                return -ENOMEM;
        l->manager = m;
        l->kernel = *k;
        l->state = LINK_STATE_PENDING;
        *ret = l;
        return 0;
}

void link_children_clear(Link *l) {
        FOREACH_ARRAY(c, l->children, l->n_children) {
                ib_network_unref(c->network);
                free(c->reason);
        }
        l->children = mfree(l->children);
        l->n_children = 0;
}

/* Children are created in slot order and their answers come in that order: the search starts after
 * the last slot found, so that a parent's thousand children cost a thousand compares, not half a
 * million. */
ChildSlot *link_child_slot(Link *l, const char *name) {
        for (size_t k = 0; k < l->n_children; k++) {
                size_t i = (l->child_hint + k) % l->n_children;

                if (streq(l->children[i].name, name)) {
                        l->child_hint = i + 1;
                        return &l->children[i];
                }
        }
        return NULL;
}

Link *link_free(Link *l) {
        if (!l)
                return NULL;
        link_children_clear(l);
        free(l->warning);
        free(l->addresses);
        free(l->routes);
        free(l->port);
        ib_network_unref(l->network);
        strv_free(l->shadowed);
        free(l->reason);
        return mfree(l);
}

static char *format_or_null(const char *fmt, va_list ap) {
        char *s = NULL;

        if (fmt && vasprintf(&s, fmt, ap) < 0)
                s = NULL;
        return s;
}

void link_set_warning(Link *l, const char *fmt, ...) {
        _cleanup_free_ char *w = NULL;
        va_list ap;

        va_start(ap, fmt);
        w = format_or_null(fmt, ap);
        va_end(ap);
        if (streq_ptr(w, l->warning))
                return;
        if (w)
                log_link_warning(l, "%s", w);
        free(l->warning);
        l->warning = TAKE_PTR(w);
}

void link_set_state(Link *l, LinkState state, const char *reason_fmt, ...) {
        _cleanup_free_ char *reason = NULL;
        va_list ap;

        va_start(ap, reason_fmt);
        reason = format_or_null(reason_fmt, ap);
        va_end(ap);
        if (l->state == state && streq_ptr(l->reason, reason))
                return;

        /* A retry that ends where it started is no news (link_retry() keeps the reason). */
        if (l->state == LINK_STATE_PENDING && state == LINK_STATE_FAILED && streq_ptr(l->reason, reason))
                log_link_debug(l, "pending → failed again: %s", reason);
        else if (state == LINK_STATE_FAILED)
                log_link_warning(l, "%s → %s: %s", link_state_to_string(l->state), link_state_to_string(state),
                                 strna(reason));
        else if (state == LINK_STATE_CONFIGURED || l->state == LINK_STATE_CONFIGURED ||
                 state == LINK_STATE_LINGERING)
                log_link_info(l, "%s → %s%s%s", link_state_to_string(l->state), link_state_to_string(state),
                              reason ? ": " : "", reason ?: "");
        else
                log_link_debug(l, "%s → %s%s%s", link_state_to_string(l->state), link_state_to_string(state),
                               reason ? ": " : "", reason ?: "");
        l->state = state;
        free(l->reason);
        l->reason = TAKE_PTR(reason);
}

bool link_update_kernel(Link *l, const KLink *k) {
        bool changed = memcmp(&l->kernel, k, sizeof(KLink)) != 0;

        /* Only what the planner looks at makes the link dirty; operstate flaps alone do not. */
        bool relevant = !streq(l->kernel.ifname, k->ifname) || l->kernel.mtu != k->mtu ||
                (l->kernel.flags & IFF_UP) != (k->flags & IFF_UP) || l->kernel.max_mtu != k->max_mtu ||
                l->kernel.has_ipoib != k->has_ipoib || l->kernel.mode != k->mode ||
                l->kernel.has_inet_conf != k->has_inet_conf || l->kernel.promote_secondaries != k->promote_secondaries ||
                l->kernel.has_arp_conf != k->has_arp_conf || l->kernel.arp_ignore != k->arp_ignore ||
                l->kernel.arp_announce != k->arp_announce ||
                l->kernel.umcast != k->umcast || l->kernel.hwaddr_len != k->hwaddr_len ||
                memcmp(l->kernel.hwaddr, k->hwaddr, k->hwaddr_len) != 0 || l->kernel.parent != k->parent;

        ipoib_link_event(&l->ipoib, k);
        if (changed)
                l->kernel = *k;
        return relevant;
}

bool link_address_update(Link *l, const KAddress *a, bool removed) {
        for (size_t i = 0; i < l->n_addresses; i++) {
                if (!kaddress_equal(&l->addresses[i], a))
                        continue;
                if (removed) {
                        l->addresses[i] = l->addresses[--l->n_addresses];
                        return true;
                }
                /* Flag changes (tentative → valid after DAD) do not change the plan. */
                l->addresses[i] = *a;
                return false;
        }
        if (removed)
                return false;
        if (!GREEDY_REALLOC(l->addresses, l->allocated_addresses, l->n_addresses + 1))
                return false;
        l->addresses[l->n_addresses++] = *a;
        return true;
}

bool link_route_update(Link *l, const KRoute *r, bool removed) {
        for (size_t i = 0; i < l->n_routes; i++) {
                if (!kroute_equal(&l->routes[i], r))
                        continue;
                if (removed) {
                        l->routes[i] = l->routes[--l->n_routes];
                        return true;
                }
                l->routes[i] = *r;
                return false;
        }
        if (removed)
                return false;
        if (!GREEDY_REALLOC(l->routes, l->allocated_routes, l->n_routes + 1))
                return false;
        l->routes[l->n_routes++] = *r;
        return true;
}

void link_forget_ipv4_routes(Link *l, const char *why) {
        size_t k = 0;

        FOREACH_ARRAY(r, l->routes, l->n_routes)
                if (r->family != AF_INET)
                        l->routes[k++] = *r;
        if (k == l->n_routes)
                return;
        log_link_debug(l, "Forgetting %zu IPv4 route%s: %s.", l->n_routes - k, l->n_routes - k == 1 ? "" : "s", why);
        l->n_routes = k;
}

IbLinkIdentity link_identity(const Link *l) {
        IbLinkIdentity id = {
                .ifname = l->kernel.ifname,
                .type = l->kernel.arphrd == ARPHRD_INFINIBAND ? IB_LINK_TYPE_INFINIBAND
                        : l->kernel.arphrd == ARPHRD_ETHER    ? IB_LINK_TYPE_ETHER
                                                              : _IB_LINK_TYPE_INVALID,
        };

        if (l->port) {
                id.device = l->port->device;
                id.port = l->port->port;
        }
        /* Bytes 12..19 of the 20-byte IPoIB address are the port GUID; 0..11 (flags, QPN, subnet
         * prefix) change when the SM assigns the prefix, so they are never used (docs/kernel-ipoib.md §4). */
        if (l->kernel.arphrd == ARPHRD_INFINIBAND && l->kernel.hwaddr_len == INFINIBAND_ALEN) {
                id.has_guid = true;
                for (int i = 12; i < 20; i++)
                        id.guid = (id.guid << 8) | l->kernel.hwaddr[i];
        }
        return id;
}

const char *link_error_text(int error, const char *extack, char *buf, size_t size) {
        if (extack && *extack)
                snprintf(buf, size, "%s (%s)", strerror(-error), extack);
        else
                snprintf(buf, size, "%s", strerror(-error));
        return buf;
}

void link_retry(Link *l) {
        if (!link_failed(l))
                return;
        /* The reason stays until the next plan replaces it, so that a link that fails the same way
         * again (a foreign P_Key child, say) does not log it once per kernel event. */
        log_link_debug(l, "failed → pending: retrying after a change");
        l->state = LINK_STATE_PENDING;
}

/* The kernel answers with the state it has: an object that exists already, or one that is gone
 * already, is the state we asked for. Only our own successful creations are ours. */

void link_address_add_intent(Link *l, const Action *a) {
        if (!l->manager->address_proto_kept &&
            owner_intend_address(&l->manager->owner, l->kernel.ifname, &a->address) < 0)
                log_oom();
}

void link_settings_intent(Link *l, const Action *a) {
        Owner *o = &l->manager->owner;
        const OwnedLink *w = owner_get(o, l->kernel.ifname);

        /* A child the agent made is deleted, not restored. */
        if (w && (w->child || w->child_intent))
                return;
        if (owner_set_orig(o, l->kernel.ifname, l->kernel.mtu, l->kernel.has_ipoib ? l->kernel.mode : -1,
                           l->kernel.flags & IFF_UP, l->kernel.has_ipoib ? l->kernel.umcast : -1,
                           l->kernel.has_inet_conf ? l->kernel.promote_secondaries : -1) < 0)
                log_oom();
}

int link_address_add_done(Link *l, const Action *a, int error, const char **extack) {
        static char why[256];

        if (error == -ENOBUFS) {
                /* The answer was lost, not the request: the kernel may hold the address. The intent
                 * stays, and the dump that follows (the backend asks for one) settles it. */
                owner_address_lost(&l->manager->owner, l->kernel.ifname, &a->address);
                return error;
        }
        /* Marked in the kernel (IFA_PROTO) where it keeps the mark; recorded otherwise. An address that
         * existed already is not ours. */
        owner_address_answer(&l->manager->owner, l->kernel.ifname, &a->address,
                             error == 0 && !l->manager->address_proto_kept);
        if (error == 0) {
                (void) link_address_update(l, &a->address, false);
                return 0;
        }
        if (error != -EEXIST)
                return error;
        /* EEXIST is the state we asked for only when the address is there with our prefix length (its
         * notification came first). IPv6 refuses the same address at any other prefix length
         * (ipv6_add_addr()): someone else's, to be reported. */
        FOREACH_ARRAY(x, l->addresses, l->n_addresses) {
                if (x->family != a->address.family || !in_addr_equal(x->family, &x->addr, &a->address.addr))
                        continue;
                if (x->prefixlen == a->address.prefixlen)
                        return 0;
                snprintf(why, sizeof(why),
                         "the address exists with prefix length %u, not created by the agent; remove it or "
                         "change Address=",
                         x->prefixlen);
                *extack = why;
                break;
        }
        return error;
}

int link_address_del_done(Link *l, const Action *a, int error, const char **extack) {
        if (error < 0 && error != -EADDRNOTAVAIL && error != -ENOENT && error != -ESRCH)
                return error;
        (void) link_address_update(l, &a->address, true);
        owner_remove_address(&l->manager->owner, l->kernel.ifname, &a->address);
        return 0;
}

int link_route_add_done(Link *l, const Action *a, int error, const char **extack) {
        if (error == 0) {
                /* Ours by its protocol (RTPROT_IPOIB): no record line. */
                (void) link_route_update(l, &a->route, false);
                return 0;
        }
        if (error != -EEXIST)
                return error;
        /* EEXIST is the state we asked for only when the route is there on this link (its notification
         * came first). The kernel keys a route by table, destination, TOS and metric, not by device: the
         * same default route with the same metric on another link is a conflict the user has to solve
         * with Metric=. */
        FOREACH_ARRAY(x, l->routes, l->n_routes)
                if (kroute_equal(x, &a->route))
                        return 0;
        *extack = "a route with the same destination and metric exists, on another link; give one of them "
                  "another Metric=";
        return error;
}

int link_route_del_done(Link *l, const Action *a, int error, const char **extack) {
        if (error < 0 && error != -ESRCH && error != -ENOENT)
                return error;
        (void) link_route_update(l, &a->route, true);
        owner_remove_route(&l->manager->owner, l->kernel.ifname, &a->route);
        return 0;
}

int link_set_up_done(Link *l, const Action *a, int error, const char **extack) {
        if (error == 0)
                l->kernel.flags |= IFF_UP;
        return error;
}

int link_set_down_done(Link *l, const Action *a, int error, const char **extack) {
        if (error == 0 && (l->kernel.flags & IFF_UP)) {
                l->kernel.flags &= ~IFF_UP;
                /* The notification, on the other socket, may come after this answer: it then finds the
                 * link down already, so the routes go here (manager.c's on_link() does it otherwise). */
                link_forget_ipv4_routes(l, "the link was set down");
        }
        return error;
}

int link_promote_done(Link *l, const Action *a, int error, const char **extack) {
        if (error == 0)
                l->kernel.promote_secondaries = a->promote_secondaries;
        return error;
}

int link_arp_done(Link *l, const Action *a, int error, const char **extack) {
        if (error != 0)
                return error;
        if (a->arp.ignore >= 0)
                l->kernel.arp_ignore = (uint8_t) a->arp.ignore;
        if (a->arp.announce >= 0)
                l->kernel.arp_announce = (uint8_t) a->arp.announce;
        return 0;
}

void link_request_done(Link *l, const Action *a, int error, const char *extack) {
        const ActionOps *ops = action_ops(a->type);
        char what[256], err[512];

        if (!ops)
                return;
        error = ops->done(l, a, error, &extack);
        if (error > 0)
                return; /* handled, and not a failure of this link */
        if (error == 0) {
                /* Formatted only when logged (the macro tests the level first): 7 % of a cold
                 * converge's instructions otherwise. */
                log_link_debug(l, "done: %s", action_to_string(a, what, sizeof(what)));
                return;
        }
        action_to_string(a, what, sizeof(what));
        link_set_state(l, LINK_STATE_FAILED, "%s: %s", what + strlen(l->kernel.ifname) + 1,
                       link_error_text(error, extack, err, sizeof(err)));
}
