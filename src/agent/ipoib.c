/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <linux/if_link.h>
#include <net/if_arp.h>

#include "ipoib.h"
#include "link.h"
#include "manager.h"
#include "plan.h"

void ipoib_forget_mtu(IpoibState *s) {
        s->mtu_requested = s->mtu_effective = 0;
}

/* A datagram IPoIB link: the only kind whose MTU may end up below what the kernel accepted. */
static bool mtu_can_clamp(const KLink *k) {
        return k->arphrd == ARPHRD_INFINIBAND && k->has_ipoib && k->mode == IPOIB_MODE_DATAGRAM;
}

void ipoib_answer_window_closed(IpoibState *s) {
        /* The kernel notifies before it acks, and planning runs at idle priority after the pending
         * events. When no answer came (the clamped value is the one the link had), a later link event
         * is drift, not the answer. */
        s->mtu_expect_answer = false;
}

void ipoib_link_event(IpoibState *s, const KLink *k) {
        /* ipoib_change_mtu() in datagram mode accepts an MTU above the broadcast group's and runs
         * min(mcast_mtu, admin_mtu). Only the first link event after our request is its answer: a
         * lower MTU there is the clamp, not drift; any later change is drift again. */
        if (!s->mtu_expect_answer)
                return;
        s->mtu_expect_answer = false;
        if (k->mtu == s->mtu_requested)
                s->mtu_effective = 0;
        else if (k->mtu < s->mtu_requested && mtu_can_clamp(k))
                s->mtu_effective = k->mtu;
}

bool ipoib_is_child(const KLink *k) {
        return k->arphrd == ARPHRD_INFINIBAND && k->parent > 0 && k->parent != k->ifindex;
}

bool ipoib_connected_unsupported(const IpoibState *s, const KLink *k, const IbPortInfo *port) {
        /* IPOIB_CM_SUPPORTED(): the RC flag in byte 0 of the hardware address, set only by
         * ipoib_cm_dev_init(); enhanced IPoIB never sets it, and ipoib_set_mode() refuses. */
        return s->connected_unsupported || (k->hwaddr_len == INFINIBAND_ALEN && !(k->hwaddr[0] & 0x80)) ||
                (port && port->enhanced == 1);
}

int ipoib_effective_mode(const IbNetwork *n, bool connected_unsupported) {
        if (!n || n->match_type != IB_LINK_TYPE_INFINIBAND || n->mode < 0)
                return -1;
        if (n->mode == IB_MODE_CONNECTED && connected_unsupported)
                return IB_MODE_DATAGRAM;
        return (int) n->mode;
}

/* Connected mode allows IPOIB_CM_MTU (65520); datagram the port's maximum IB MTU minus the 4-byte IPoIB
 * header: ipoib_parent_init() sets priv->max_ib_mtu = rdma_mtu_from_attr(…, &attr) =
 * ib_mtu_enum_to_int(attr.max_mtu), ipoib_child_init() copies it, and ipoib_change_mtu() refuses more
 * than IPOIB_UD_MTU(max_ib_mtu) (docs/kernel-ipoib.md §3). The active MTU is not the limit: a 4K port
 * running 2K still takes 4092 (and runs the broadcast group's MTU). Without max_mtu (an rdma-core that
 * did not say) the active MTU is the best guess. A plain link: its IFLA_MAX_MTU. */
uint32_t ipoib_mtu_max(const KLink *k, const IbPortInfo *port, int mode) {
        uint32_t ib_mtu = 0;

        if (k->arphrd != ARPHRD_INFINIBAND)
                return k->max_mtu;
        if (mode < 0)
                mode = k->has_ipoib ? k->mode : IB_MODE_DATAGRAM;
        if (port && port->state_known)
                ib_mtu = port->max_mtu ?: port->active_mtu;
        return ib_mode_mtu_max((IbMode) mode, ib_mtu);
}

uint32_t ipoib_desired_mtu(const IbNetwork *n, uint32_t mtu_max) {
        if (n->mtu_max)
                return mtu_max;
        return n->mtu;
}

uint32_t ipoib_planned_mtu(const IbNetwork *n, const KLink *k, uint32_t mtu_max) {
        uint32_t mtu = ipoib_desired_mtu(n, mtu_max);

        if (k->arphrd == ARPHRD_INFINIBAND && mtu_max > 0 && mtu > mtu_max)
                return mtu_max;
        return mtu;
}

static bool mtu_over_limit(const IbNetwork *n, const KLink *k, const PlanInput *in) {
        return k->arphrd == ARPHRD_INFINIBAND && !n->mtu_max && n->mtu > 0 && in->mtu_max > 0 && n->mtu > in->mtu_max;
}

/* When the port data knows the broadcast group's MTU (the simulated fabric does; rdma-core does not
 * tell it), a datagram link runs min(MTU, IPOIB_UD_MTU(group MTU)) whatever it was asked for: the
 * join (ipoib_mcast_join_finish()) and ipoib_mcast_carrier_on_task() lower it after the link comes
 * up, and ipoib_change_mtu() at once when it is up already. Running that value is the file's MTU,
 * not drift, also right after a restart. Without the group MTU the planner learns the clamp from the
 * kernel's answer instead (ipoib_mtu_done()). */
static void expect_clamp(const IpoibState *s, const IbNetwork *n, const KLink *k, const IbPortInfo *port,
                         PlanInput *in) {
        uint32_t want = n ? ipoib_planned_mtu(n, k, in->mtu_max) : 0, clamp;
        int mode = ipoib_effective_mode(n, in->connected_unsupported);

        if (want == 0 || !port || port->bcast_mtu <= IPOIB_ENCAP_LEN || !k->has_ipoib ||
            (mode >= 0 ? mode : k->mode) != IB_MODE_DATAGRAM)
                return;
        clamp = IPOIB_UD_MTU(port->bcast_mtu);
        /* Only once the kernel has been asked: its admin_mtu then holds the file's value, and the
         * link rises to it if the group's MTU grows (ipoib_mcast_join_finish()). */
        if (clamp < want && k->mtu == clamp && s->mtu_requested == want) {
                in->mtu_requested = want;
                in->mtu_effective = clamp;
        }
}

void ipoib_plan_input(const IpoibState *s, const IbNetwork *n, const KLink *k, const IbPortInfo *port,
                      PlanInput *in) {
        in->connected_unsupported = ipoib_connected_unsupported(s, k, port);
        in->mtu_requested = s->mtu_requested;
        in->mtu_effective = s->mtu_effective;
        in->mtu_max = ipoib_mtu_max(k, port, ipoib_effective_mode(n, in->connected_unsupported));
        expect_clamp(s, n, k, port, in);
}

bool ipoib_port_has_pkey(const IbPortInfo *p, uint16_t pkey) {
        /* The table holds full and limited members; a limited-member entry (bit 15 clear) also grants
         * the partition, but only full members can talk to limited ones. Compare the low 15 bits. */
        FOREACH_ARRAY(k, p->pkeys, p->n_pkeys)
                if ((*k & 0x7fff) == (pkey & 0x7fff) && (*k & 0x7fff) != 0)
                        return true;
        return false;
}

const char *ipoib_warning(const IbNetwork *n, const KLink *k, const IbPortInfo *port, const PlanInput *in,
                          const char *other, char *buf, size_t size) {
        int mode;

        if (!n)
                return NULL;
        /* Both, when a connected-mode MTU meets a device that runs datagram (Mode=connected and
         * MTU=65520 on a ConnectX-4 or later): the second is the consequence of the first. */
        if (mtu_over_limit(n, k, in)) {
                mode = ipoib_effective_mode(n, in->connected_unsupported);
                snprintf(buf, size, "%s%sMTU=%u is over the limit of %s mode on this port (%u); running %u",
                         n->mode == IB_MODE_CONNECTED && in->connected_unsupported ? IPOIB_CONNECTED_UNSUPPORTED : "",
                         n->mode == IB_MODE_CONNECTED && in->connected_unsupported ? "; " : "", n->mtu,
                         strna(ib_mode_to_string((IbMode) (mode >= 0 ? mode : k->mode))), in->mtu_max, in->mtu_max);
                return buf;
        }
        if (n->mode == IB_MODE_CONNECTED && in->connected_unsupported)
                return IPOIB_CONNECTED_UNSUPPORTED;
        if (other)
                return other;
        if (n->has_partition && port && port->state_known && !ipoib_port_has_pkey(port, n->pkey)) {
                snprintf(buf, size,
                         "partition 0x%04x not granted by the subnet manager (not in the port's P_Key table); "
                         "no carrier until it is",
                         n->pkey);
                return buf;
        }
        if (n->match_type == IB_LINK_TYPE_INFINIBAND && (n->mode >= 0 || n->umcast >= 0) && !k->has_ipoib)
                return "the kernel reports no IPoIB settings for this link; [IPoIB] is not applied";
        if (n->require_active_port > 0 && port && !port->state_known)
                return "RequireActivePort=yes, but the port's state is unknown (no data from rdma-core); "
                       "addresses are not held back";
        if (n->mtu_max && in->mtu_max == 0)
                return "MTU=max: the largest MTU is unknown (no port data from rdma-core); MTU left alone";
        if (in->mtu_effective > 0 && k->mtu == in->mtu_effective) {
                snprintf(buf, size, "MTU %u accepted; the kernel runs %u (the broadcast group's MTU is lower)",
                         in->mtu_requested, in->mtu_effective);
                return buf;
        }
        return NULL;
}

int ipoib_set_done(Link *l, const Action *a, int error, const char **extack) {
        if (error == 0) {
                if (a->ipoib.mode >= 0) {
                        l->kernel.mode = (uint8_t) a->ipoib.mode;
                        ipoib_forget_mtu(&l->ipoib); /* ipoib_set_mode() reset the MTU */
                }
                if (a->ipoib.umcast >= 0)
                        l->kernel.umcast = (uint8_t) a->ipoib.umcast;
        } else if (error == -EBUSY && a->ipoib.mode >= 0) {
                /* ipoib_set_mode() drops the RTNL to flush the paths and answers -EBUSY when
                 * rtnl_trylock() then fails: the mode (and with it the MTU) did change, a umcast in
                 * the same message was not applied, and no netdev_state_change() follows. The sysfs
                 * path counts it a success (mode_store()). Not a failure: read the kernel again and
                 * plan from what it says (docs/kernel-ipoib.md §2). */
                log_link_debug(l, "Mode change answered EBUSY (rtnl_trylock() race); reading the kernel state again.");
                ipoib_forget_mtu(&l->ipoib);
                manager_resync(l->manager, "a mode change was answered with EBUSY");
                error = 0;
        } else if (error == -EINVAL && a->ipoib.mode == IPOIB_MODE_CONNECTED) {
                /* ipoib_set_mode(): no IPOIB_FLAGS_RC in dev_addr[0] (enhanced IPoIB, or no CM in the
                 * kernel). Run datagram and say so; the link is not failed. */
                l->ipoib.connected_unsupported = true;
                link_set_warning(l, IPOIB_CONNECTED_UNSUPPORTED);
                error = 0;
        }
        return error;
}

int ipoib_mtu_done(Link *l, const Action *a, int error, const char **extack) {
        IpoibState *s = &l->ipoib;

        if (error < 0)
                return error;
        s->mtu_requested = a->mtu;
        s->mtu_effective = 0;
        s->mtu_expect_answer = false;
        /* A datagram IPoIB link may run less than it accepted (ipoib_change_mtu(): min(mcast_mtu,
         * admin_mtu)). Its RTM_NEWLINK (NETDEV_CHANGEMTU, sent also when the clamp left the MTU where it
         * was, docs/kernel-ipoib.md §1.5) comes on the other socket, before or after this reply; nothing
         * here waits for it. So a lower MTU in the cache now is taken as the answer, and the next link
         * event may still correct it (ipoib_link_event()). */
        if (mtu_can_clamp(&l->kernel) && l->kernel.mtu < a->mtu) {
                s->mtu_effective = l->kernel.mtu;
                s->mtu_expect_answer = true;
        } else if (l->kernel.mtu != a->mtu) {
                l->kernel.mtu = a->mtu;
                s->mtu_expect_answer = mtu_can_clamp(&l->kernel);
        }
        return 0;
}

void ipoib_child_create_intent(Link *l, const Action *a) {
        if (owner_intend_child(&l->manager->owner, a->child.name, l->kernel.ifname, a->child.pkey) < 0)
                log_oom();
}

void ipoib_legacy_child_name(const char *parent, uint16_t pkey, bool before_6_10, char ret[static IFNAMSIZ]) {
        /* ipoib_vlan_add(): snprintf(intf_name, sizeof(intf_name), "%.10s.%04x", …) since the 2024 fix
         * (v6.10 and stable backports); before it "%s.%04x" into IFNAMSIZ, cut to 15 characters. */
        if (before_6_10)
                snprintf(ret, IFNAMSIZ, "%s.%04x", parent, pkey);
        else
                snprintf(ret, IFNAMSIZ, "%.10s.%04x", parent, pkey);
}

/* -EEXIST to a create: the wanted child is there (someone made it meanwhile, and its own link event
 * tells the rest) only when a child of this parent has its name. Otherwise a name is taken by some other
 * link: over netlink the wanted one (__rtnl_newlink(), NLM_F_EXCL); through sysfs the one the kernel
 * gives the new child before any rename (ipoib_vlan_add(): "%.10s.%04x" of the parent's name and the
 * P_Key as written, "%s.%04x" cut to 15 characters before v6.10), which register_netdevice() refuses
 * (docs/kernel-ipoib.md §6). That is a failure with its reason; if the child shows up after all
 * (its notification may come after this answer), link_parent_dirty() clears it. */
static bool child_exists(Link *l, const Action *a) {
        Link *c = strmap_get(&l->manager->links_by_name, a->child.name);

        return c && ipoib_is_child(&c->kernel) && c->kernel.parent == l->kernel.ifindex;
}

static char *child_eexist_reason(const Link *l, const Action *a) {
        char *s = NULL;

        if (a->child.method == IB_CHILD_METHOD_SYSFS) {
                char now[IFNAMSIZ], old[IFNAMSIZ];

                ipoib_legacy_child_name(l->kernel.ifname, a->child.pkey, false, now);
                ipoib_legacy_child_name(l->kernel.ifname, a->child.pkey, true, old);
                if (streq(now, old))
                        (void) asprintf(&s, "create_child: %s, the name the kernel gives the new child, is "
                                        "taken by another link", now);
                else
                        (void) asprintf(&s, "create_child: %s (%s before Linux 6.10), the name the kernel "
                                        "gives the new child, is taken by another link", now, old);
        } else
                (void) asprintf(&s, "the name %s is taken by another link", a->child.name);
        return s;
}

int ipoib_child_create_done(Link *l, const Action *a, int error, const char **extack) {
        ChildSlot *c = link_child_slot(l, a->child.name);
        char err[512];

        if (error == -ENOBUFS) {
                /* The answer was lost: the child may exist. The dump that follows settles the intent,
                 * and the parent is planned again after it; not a failure to remember. */
                owner_child_lost(&l->manager->owner, a->child.name);
                return 1;
        }
        if (error == -EEXIST && child_exists(l, a)) {
                owner_child_dropped(&l->manager->owner, a->child.name);
                error = 0; /* someone made it meanwhile: its own link event tells the rest */
        } else if (error < 0)
                owner_child_dropped(&l->manager->owner, a->child.name);
        else if (owner_set_child(&l->manager->owner, a->child.name, l->kernel.ifname, a->child.pkey) < 0)
                log_oom();
        if (c) {
                c->failed = error < 0;
                l->children_failed |= c->failed;
                c->reason = mfree(c->reason);
                if (error == -EOPNOTSUPP)
                        c->reason = strdup("the kernel has no IPoIB support (is ib_ipoib loaded?)");
                else if (error == -EEXIST)
                        c->reason = child_eexist_reason(l, a);
                else if (error < 0)
                        c->reason = strdup(link_error_text(error, *extack, err, sizeof(err)));
                if (error < 0)
                        log_link_warning(l, "Cannot create P_Key child %s: %s", a->child.name, strna(c->reason));
        }
        /* A child that cannot be made does not fail its parent: the parent's own configuration goes on. */
        return error < 0 ? 1 : 0;
}

int ipoib_child_delete_done(Link *l, const Action *a, int error, const char **extack) {
        if (error < 0 && error != -ENODEV)
                return error;
        owner_forget(&l->manager->owner, l->kernel.ifname);
        return 0;
}

/* A P_Key child is configured by the [Partition] file that defines it: the file matches the parent and
 * names the child, explicitly or <parent>.<pkey %04x> (ib_network_child_name()). */
IbNetwork *ipoib_child_network(const IbConfig *c, const Link *parent, const char *ifname) {
        IbLinkIdentity pid = link_identity(parent);

        return ib_config_find_child(c, &pid, parent->kernel.ifname, ifname);
}

/* One slot per [Partition] file that names this link as its parent. */
static int children_add(const IbConfig *c, Link *l, ChildSlot *old, size_t n_old, size_t *allocated) {
        IbLinkIdentity id = link_identity(l);
        size_t next = 0; /* old slots are in file order too: look where the last one was found first */

        FOREACH_ARRAY(e, c->entries, c->n) {
                ChildSlot slot = {};

                if (!e->network || !ib_network_is_child(e->network) || !ib_network_matches(e->network, &id))
                        continue;
                if (ib_network_child_name(e->network, l->kernel.ifname, slot.name, sizeof(slot.name)) < 0) {
                        log_link_warning(l, "%s: the child name is longer than 15 characters; set Name=.",
                                         e->network->path);
                        continue;
                }
                /* Failures of a child already tried are kept while the same file still asks for it. */
                for (size_t k = 0; k < n_old; k++) {
                        size_t i = (next + k) % n_old;

                        if (old[i].network == e->network && streq(old[i].name, slot.name)) {
                                slot.failed = old[i].failed;
                                slot.reason = TAKE_PTR(old[i].reason);
                                next = i + 1;
                                break;
                        }
                }
                if (!GREEDY_REALLOC(l->children, *allocated, l->n_children + 1)) {
                        free(slot.reason);
                        return -ENOMEM;
                }
                slot.network = ib_network_ref(e->network);
                l->children[l->n_children++] = slot;
        }
        return 0;
}

void ipoib_update_children(const IbConfig *c, Link *l) {
        ChildSlot *old = l->children;
        size_t n_old = l->n_children, allocated = 0;

        l->children = NULL;
        l->n_children = 0;
        /* Only a parent has children: ipoib_new_child_link() refuses a child's child. */
        if (l->kernel.arphrd == ARPHRD_INFINIBAND && !ipoib_is_child(&l->kernel) &&
            children_add(c, l, old, n_old, &allocated) < 0)
                log_oom();
        for (size_t i = 0; i < n_old; i++) {
                ib_network_unref(old[i].network);
                free(old[i].reason);
        }
        free(old);
}
