/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The IPoIB driver of the simulated fabric: netdevs, P_Key children, modes, MTU, carrier, HCA hot-plug.
 * Section numbers (§) refer to docs/kernel-ipoib.md, which names the kernel function of each rule. */

#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <stdio.h>

#include "parse-util.h"
#include "sim-model.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif
/* IF_OPER_* of linux/if.h, which clashes with glibc's net/if.h. */
#define SIM_OPER_DOWN 2
#define SIM_OPER_LOWERLAYERDOWN 3
#define SIM_OPER_UP 6

int sim_model_new(SimModel **ret) {
        SimModel *m = calloc(1, sizeof(SimModel));

        if (!m)
                return -ENOMEM;
        /* 1 is lo in every namespace. */
        m->next_ifindex = 2;
        if (sim_rules_init(m) < 0) {
                free(m);
                return -ENOMEM;
        }
        *ret = m;
        return 0;
}

SimModel *sim_model_free(SimModel *m) {
        if (!m)
                return NULL;
        for (size_t i = 0; i < m->n_netdevs; i++)
                free(m->netdevs[i]);
        free(m->netdevs);
        intmap_done(&m->by_ifindex);
        intmap_done(&m->inet_index);
        strmap_done(&m->by_name);
        for (size_t i = 0; i < m->n_hcas; i++)
                free(m->hcas[i]);
        free(m->hcas);
        free(m->addresses);
        free(m->routes);
        free(m->rules);
        free(m->events);
        free(m->quiet);
        return mfree(m);
}

void sim_model_clear_events(SimModel *m) {
        m->n_events = 0;
        m->n_quiet = 0;
}

/* A change the kernel does not notify (§1.5): only the view (sysfs) shows it. */
static void netdev_quiet_change(SimModel *m, const SimNetdev *nd) {
        if (GREEDY_REALLOC(m->quiet, m->allocated_quiet, m->n_quiet + 1))
                m->quiet[m->n_quiet++] = nd->ifindex;
}

void sim_emit(SimModel *m, const SimEvent *e) {
        /* Out of memory drops the notification silently: nothing counts it and no overrun is
         * reported, so, unlike ENOBUFS on the netlink socket (which makes the netlink backend ask for
         * a new dump), the agent does not learn of the loss. The rules return the kernel's answer,
         * not ours, so there is no error path to take; an allocation of a few bytes is not worth one. */
        if (!GREEDY_REALLOC(m->events, m->allocated_events, m->n_events + 1))
                return;
        m->events[m->n_events++] = *e;
}

/* ——— lookups ——— */

SimHca *sim_model_find_hca(const SimModel *m, const char *name) {
        for (size_t i = 0; i < m->n_hcas; i++)
                if (streq(m->hcas[i]->name, name))
                        return m->hcas[i];
        return NULL;
}

SimNetdev *sim_model_find_ifindex(const SimModel *m, int ifindex) {
        return intmap_get(&m->by_ifindex, ifindex);
}

SimNetdev *sim_model_find_name(const SimModel *m, const char *name) {
        return strmap_get(&m->by_name, name);
}

static int netdev_cmp_ifindex(const void *a, const void *b) {
        const SimNetdev *x = *(const SimNetdev *const *) a, *y = *(const SimNetdev *const *) b;

        return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

const SimNetdev **sim_model_netdevs_sorted(const SimModel *m) {
        const SimNetdev **v = malloc(MAX(m->n_netdevs, (size_t) 1) * sizeof(SimNetdev *));

        if (!v)
                return NULL;
        memcpy(v, m->netdevs, m->n_netdevs * sizeof(SimNetdev *));
        qsort(v, m->n_netdevs, sizeof(SimNetdev *), netdev_cmp_ifindex);
        return v;
}

int sim_model_alloc_ifindex(SimModel *m, int want) {
        if (want > 0) {
                if (sim_model_find_ifindex(m, want))
                        return -EEXIST;
                m->next_ifindex = MAX(m->next_ifindex, want + 1);
                return want;
        }
        /* dev_index_reserve(): the next index after the last one handed out. */
        while (sim_model_find_ifindex(m, m->next_ifindex))
                m->next_ifindex++;
        return m->next_ifindex++;
}

/* ——— pure rules ——— */

uint16_t sim_pkey_normalize(uint16_t pkey) {
        /* §1.4 ipoib_ndo_init(): priv->pkey |= 0x8000 on every device, parent and child. */
        return pkey | 0x8000;
}

bool sim_pkey_valid_for_child(uint32_t pkey) {
        /* §1.3 __ipoib_vlan_add(): 0 and 0x8000 are refused, before the 0x8000 OR. */
        return pkey != 0 && pkey != 0x8000 && pkey <= 0xffff;
}

bool sim_netdev_has_mode_file(const SimNetdev *nd) {
        /* §6 ipoib_cm_add_mode_attr(): only in a kernel with CONFIG_INFINIBAND_IPOIB_CM, which the
         * fabric says with connected_mode; enhanced IPoIB lacks CM in hardware, not in the kernel. */
        return nd->port->hca->cm || nd->port->hca->enhanced;
}

bool sim_port_cm_capable(const SimHca *h) {
        /* §2 IPOIB_CM_SUPPORTED(dev_addr): the 0x80 flag is set only by ipoib_cm_dev_init(), which the
         * enhanced (mlx5i_dev_init) path never reaches. */
        return h->cm && !h->enhanced;
}

void sim_port_gid_prefix(const SimPortConf *p, uint8_t ret[static 8]) {
        /* §4 GID index 0 (ipoib_parent_init): the default prefix fe80:: until the SM configures the
         * port's own; modelled as "the SM's prefix while the port is ACTIVE under an SM". */
        static const uint8_t fe80[8] = { 0xfe, 0x80 };

        memcpy(ret, p->state == IB_PORT_ACTIVE && p->sm_lid != 0 ? p->subnet_prefix : fe80, 8);
}

void sim_hwaddr_build(bool cm, uint32_t qpn, const uint8_t prefix[static 8], uint64_t guid,
                      uint8_t ret[static INFINIBAND_ALEN]) {
        /* §4 dev_addr: [0] flags (IPOIB_FLAGS_RC when CM is supported), [1..3] UD QPN big-endian,
         * [4..11] GID subnet prefix, [12..19] port GUID (ipoib_dev_init_default/mlx5i_dev_init). */
        ret[0] = cm ? SIM_IPOIB_FLAGS_RC : 0;
        ret[1] = (uint8_t) (qpn >> 16);
        ret[2] = (uint8_t) (qpn >> 8);
        ret[3] = (uint8_t) qpn;
        memcpy(ret + 4, prefix, 8);
        for (unsigned i = 0; i < 8; i++)
                ret[12 + i] = (uint8_t) (guid >> (56 - 8 * i));
}

void sim_broadcast_build(uint16_t pkey, uint8_t ret[static INFINIBAND_ALEN]) {
        /* §4 ipv4_bcast_addr (ipoib_setup_common), bytes 8-9 = stored pkey (ipoib_ndo_init). */
        static const uint8_t tmpl[INFINIBAND_ALEN] = {
                0x00, 0xff, 0xff, 0xff, 0xff, 0x12, 0x40, 0x1b, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
        };

        memcpy(ret, tmpl, INFINIBAND_ALEN);
        ret[8] = (uint8_t) (pkey >> 8);
        ret[9] = (uint8_t) pkey;
}

void sim_netdev_hwaddr(const SimNetdev *nd, uint8_t ret[static INFINIBAND_ALEN]) {
        uint8_t prefix[8];

        /* §4 ipoib_child_init(): a child copies the parent's address (so its GID) and puts its own QPN
         * in [1..3]. Both follow the port's GID. */
        sim_port_gid_prefix(&nd->port->conf, prefix);
        sim_hwaddr_build(sim_port_cm_capable(nd->port->hca), nd->qpn, prefix, nd->port->conf.guid, ret);
}

bool sim_port_pkey_present(const SimPortConf *p, uint16_t pkey) {
        /* ipoib_pkey_dev_check_presence() → ib_find_pkey(): compares the low 15 bits, a full or a
         * limited member entry both grant the partition. */
        for (size_t i = 0; i < p->n_pkeys; i++)
                if ((p->pkeys[i] & 0x7fff) == (pkey & 0x7fff) && (p->pkeys[i] & 0x7fff) != 0)
                        return true;
        return false;
}

bool sim_carrier_rule(bool up, const SimPortConf *p, uint16_t pkey) {
        /* §1.4: ipoib_open() succeeds without the pkey (ipoib_ib_dev_open() fails quietly, IFF_UP with
         * NO-CARRIER); the carrier comes from ipoib_mcast_carrier_on_task() once the broadcast group is
         * joined, which needs an ACTIVE port (ipoib_mcast_join_task) and the pkey. Down: carrier off
         * (ipoib_ib_dev_down()). */
        return up && p->state == IB_PORT_ACTIVE && sim_port_pkey_present(p, pkey);
}

void sim_legacy_child_name(const char *parent, uint16_t requested_pkey, bool old_kernel, char ret[static IFNAMSIZ]) {
        char buf[IFNAMSIZ + 8];

        /* §6 ipoib_vlan_add(): "%.10s.%04x" of the parent's name and the pkey as written, since the 2024
         * fix (v6.10 and stable backports); before it snprintf(intf_name, sizeof(intf_name), "%s.%04x"),
         * cut to IFNAMSIZ - 1 = 15 characters (which can even give the parent's own name: -EEXIST). */
        if (old_kernel)
                snprintf(buf, sizeof(buf), "%s.%04x", parent, requested_pkey);
        else
                snprintf(buf, sizeof(buf), "%.10s.%04x", parent, requested_pkey);
        snprintf(ret, IFNAMSIZ, "%.*s", IFNAMSIZ - 1, buf);
}

uint8_t sim_netdev_operstate(const SimNetdev *nd) {
        /* §5 rfc2863_policy()/default_operstate() (net/core/link_watch.c): without carrier a device whose
         * iflink is another (ipoib_get_iflink() gives children their parent) is LOWERLAYERDOWN only when
         * that peer has no carrier either; with the parent's carrier it is DOWN. Kernels before the 2022
         * change ("first check whether lower is indeed the source of its down state") said
         * LOWERLAYERDOWN for every child without carrier. A parent without carrier is DOWN. */
        if (!nd->up)
                return SIM_OPER_DOWN;
        if (nd->carrier)
                return SIM_OPER_UP;
        return nd->parent && !nd->parent->carrier ? SIM_OPER_LOWERLAYERDOWN : SIM_OPER_DOWN;
}

void sim_netdev_to_klink(const SimNetdev *nd, KLink *ret) {
        KLink k;

        memset(&k, 0, sizeof(k)); /* padding too: links are compared with memcmp() */
        k.ifindex = nd->ifindex;
        memcpy(k.ifname, nd->name, sizeof(k.ifname));
        k.arphrd = SIM_ARPHRD_INFINIBAND; /* §0 ipoib_setup_common(): ARPHRD_INFINIBAND */
        k.flags = IFF_BROADCAST | IFF_MULTICAST;
        if (nd->up)
                k.flags |= IFF_UP;
        if (nd->up && nd->carrier)
                k.flags |= IFF_RUNNING | IFF_LOWER_UP;
        k.operstate = sim_netdev_operstate(nd);
        k.mtu = nd->mtu;
        k.max_mtu = SIM_MAX_MTU;
        sim_netdev_hwaddr(nd, k.hwaddr);
        k.hwaddr_len = INFINIBAND_ALEN;
        /* §0: every IPoIB netdev has ipoib_link_ops, so the parent reports kind and IFLA_INFO_DATA too
         * (§1.6 ipoib_fill_info). IFLA_LINK only on children (ipoib_get_iflink). */
        snprintf(k.kind, sizeof(k.kind), "ipoib");
        k.parent = nd->parent ? nd->parent->ifindex : 0;
        k.has_ipoib = true;
        k.pkey = nd->pkey;
        k.mode = nd->connected ? 1 : 0;
        k.umcast = nd->umcast ? 1 : 0;
        /* The model keeps the ARP devconf values, not promote_secondaries: has_inet_conf stays false. */
        k.has_arp_conf = true;
        k.arp_ignore = nd->arp_ignore;
        k.arp_announce = nd->arp_announce;
        *ret = k;
}

const SimNetdev *sim_model_next_netdev(const SimModel *m, int after) {
        const SimNetdev *next = NULL;

        for (size_t i = 0; i < m->n_netdevs; i++)
                if (m->netdevs[i]->ifindex > after && (!next || m->netdevs[i]->ifindex < next->ifindex))
                        next = m->netdevs[i];
        return next;
}

int sim_netdev_port_info(const SimNetdev *nd, IbPortInfo *ret) {
        const SimPortConf *p = &nd->port->conf;
        IbPortInfo info = {
                .port = p->number,
                .state_known = true,
                .state = p->state,
                .active_mtu = p->active_mtu,
                .max_mtu = p->max_mtu,
                .lid = p->lid,
                .sm_lid = p->sm_lid,
                .link_layer_ib = true,
                .n_pkeys = p->n_pkeys,
                .enhanced = nd->port->hca->enhanced,
                .bcast_mtu = p->bcast_mtu,
        };

        snprintf(info.device, sizeof(info.device), "%s", nd->port->hca->name);
        memcpy(info.pkeys, p->pkeys, sizeof(info.pkeys));
        *ret = info;
        return 0;
}

char *sim_format_hwaddr(const uint8_t a[static INFINIBAND_ALEN], char buf[static SIM_HWADDR_STRLEN]) {
        static const char hex[] = "0123456789abcdef";

        for (size_t i = 0; i < INFINIBAND_ALEN; i++) {
                buf[3 * i] = hex[a[i] >> 4];
                buf[3 * i + 1] = hex[a[i] & 15];
                buf[3 * i + 2] = i + 1 < INFINIBAND_ALEN ? ':' : 0;
        }
        return buf;
}

int sim_netdev_sysfs_read(const SimNetdev *nd, const char *attr, char *buf, size_t size) {
        /* §6: pkey/mode/umcast exist on parents and legacy children only ("RTNL childs don't need
         * proprietary sysfs entries", __ipoib_vlan_add); parent on legacy children only. mode is made
         * by ipoib_cm_add_mode_attr() (ipoib_cm.c), a stub that creates nothing in a kernel without
         * CONFIG_INFINIBAND_IPOIB_CM; with it the file is there on enhanced IPoIB too. */
        bool ipoib_files = nd->child_type != SIM_RTNL_CHILD;
        bool mode_file = ipoib_files && sim_netdev_has_mode_file(nd);

        if (streq(attr, "pkey") && ipoib_files)
                snprintf(buf, size, "0x%04x\n", nd->pkey); /* pkey_show() */
        else if (streq(attr, "mode") && mode_file)
                snprintf(buf, size, "%s\n", nd->connected ? "connected" : "datagram"); /* mode_show() */
        else if (streq(attr, "umcast") && ipoib_files)
                snprintf(buf, size, "%d\n", nd->umcast ? 1 : 0); /* show_umcast() */
        else if (streq(attr, "parent") && nd->child_type == SIM_LEGACY_CHILD)
                snprintf(buf, size, "%s\n", nd->parent->name); /* parent_show() */
        else if (streq(attr, "mtu"))
                snprintf(buf, size, "%u\n", nd->mtu);
        else if (streq(attr, "type"))
                snprintf(buf, size, "%d\n", SIM_ARPHRD_INFINIBAND);
        else if (streq(attr, "ifindex"))
                snprintf(buf, size, "%d\n", nd->ifindex);
        else if (streq(attr, "dev_id") || streq(attr, "dev_port")) {
                /* §4 ipoib_parent_init(): port - 1 on the parent only. The kernel's %#x prints 0x0. */
                unsigned v = nd->parent ? 0 : nd->port->conf.number - 1;

                snprintf(buf, size, streq(attr, "dev_id") ? "0x%x\n" : "%u\n", v);
        } else if (streq(attr, "address") || streq(attr, "broadcast")) {
                uint8_t a[INFINIBAND_ALEN];
                char text[SIM_HWADDR_STRLEN];

                if (streq(attr, "address"))
                        sim_netdev_hwaddr(nd, a);
                else
                        sim_broadcast_build(nd->pkey, a);
                snprintf(buf, size, "%s\n", sim_format_hwaddr(a, text));
        } else if (streq(attr, "carrier")) {
                /* carrier_show(): -EINVAL unless the device is running. */
                if (!nd->up)
                        return -EINVAL;
                snprintf(buf, size, "%d\n", nd->carrier ? 1 : 0);
        } else if (streq(attr, "operstate")) {
                uint8_t o = sim_netdev_operstate(nd);

                snprintf(buf, size, "%s\n",
                         o == SIM_OPER_UP ? "up" : o == SIM_OPER_DOWN ? "down" : "lowerlayerdown");
        } else
                return -ENOENT;
        return 0;
}

/* ——— state changes ——— */

/* RTM_NEWLINK, unconditionally: netdev_state_change(), NETDEV_CHANGEMTU and the like. It carries the
 * whole state, including IPoIB settings that changed silently before (§1.6). */
static void netdev_notify(SimModel *m, SimNetdev *nd) {
        SimEvent e = { .type = SIM_EVENT_LINK };

        sim_netdev_to_klink(nd, &e.link);
        nd->last = e.link;
        nd->announced = true;
        sim_emit(m, &e);
}

/* The generic state changes the core notifies (registration, flags, carrier and operstate through
 * linkwatch, name, address, MTU): RTM_NEWLINK when one of those changed. The IPoIB settings of
 * IFLA_INFO_DATA (P_Key, mode, umcast) are left out of the comparison: the kernel notifies their
 * changes only through netdev_state_change() after a netlink change of an up device, or a
 * NETDEV_CHANGEMTU that comes with them (§1.5, §2); those paths call netdev_notify(). */
static void netdev_announce(SimModel *m, SimNetdev *nd) {
        KLink k;

        sim_netdev_to_klink(nd, &k);
        if (nd->announced) {
                KLink last = nd->last;

                last.pkey = k.pkey;
                last.mode = k.mode;
                last.umcast = k.umcast;
                if (memcmp(&k, &last, sizeof(KLink)) == 0)
                        return;
        }
        netdev_notify(m, nd);
}

/* §3 ipoib_change_mtu() (ndo_change_mtu), after the core's checks. */
static int ipoib_change_mtu(SimNetdev *nd, uint32_t mtu) {
        if (sim_port_cm_capable(nd->port->hca) && nd->connected) {
                /* ipoib_cm_admin_enabled(): only the CM maximum; no lower bound, admin_mtu untouched. */
                if (mtu > SIM_CM_MTU)
                        return -EINVAL;
                nd->mtu = mtu;
                return 0;
        }
        /* Datagram: [ETH_MIN_MTU + 4, IPOIB_UD_MTU(max_ib_mtu)]; the effective MTU is capped by the
         * broadcast group's, and the call succeeds even when it ends up lower than asked. */
        if (mtu < SIM_UD_MIN_MTU || mtu > sim_ud_mtu(nd->max_ib_mtu))
                return -EINVAL;
        nd->admin_mtu = mtu;
        nd->mtu = MIN(nd->mcast_mtu, nd->admin_mtu);
        return 0;
}

/* §3 dev_set_mtu_ext(): the core checks, then the driver, then NETDEV_CHANGEMTU. */
static int dev_set_mtu(SimModel *m, SimNetdev *nd, uint32_t mtu, const char **extack) {
        uint32_t old = nd->mtu;
        int r;

        if (mtu == nd->mtu)
                return 0;
        if (mtu > SIM_MAX_MTU) {
                /* dev_validate_mtu(): dev->max_mtu = IPOIB_CM_MTU (ipoib_ndo_init); no min_mtu. */
                if (extack)
                        *extack = "mtu greater than device maximum";
                return -EINVAL;
        }
        r = ipoib_change_mtu(nd, mtu);
        if (r < 0)
                return r;
        /* §3 NETDEV_CHANGEMTU (call_netdevice_notifiers_mtu()) follows every successful
         * __dev_set_mtu(), also when the datagram clamp left dev->mtu where it was: rtnetlink_event()
         * sends RTM_NEWLINK whether the device is up or not. */
        netdev_notify(m, nd);
        if (nd->mtu != old)
                sim_inet_mtu_changed(m, nd);
        return 0;
}

static void netdev_sync_family(SimModel *m, SimNetdev *nd);

int sim_set_mtu(SimModel *m, SimNetdev *nd, uint32_t mtu, const char **extack) {
        int r = dev_set_mtu(m, nd, mtu, extack);

        netdev_sync_family(m, nd);
        return r;
}

/* §3 ipoib_mcast_join_finish() for the broadcast group, then ipoib_mcast_carrier_on_task(). */
static void mcast_join_finish(SimModel *m, SimNetdev *nd) {
        uint32_t mtu_g = sim_ud_mtu(nd->port->conf.bcast_mtu);

        if (nd->mcast_mtu == nd->admin_mtu)
                nd->admin_mtu = mtu_g;
        nd->mcast_mtu = mtu_g;
        /* Datagram only; dev_set_mtu() errors (a group MTU above the port's) are ignored there. */
        if (!(sim_port_cm_capable(nd->port->hca) && nd->connected))
                (void) dev_set_mtu(m, nd, MIN(nd->mcast_mtu, nd->admin_mtu), NULL);
}

static void netdev_sync(SimModel *m, SimNetdev *nd) {
        bool carrier = sim_carrier_rule(nd->up, &nd->port->conf, nd->pkey);

        if (carrier && !nd->carrier)
                mcast_join_finish(m, nd);
        nd->carrier = carrier;
        netdev_announce(m, nd);
        /* addrconf_notify(NETDEV_UP/CHANGE/CHANGEMTU): the first time the link is ready. */
        if (nd->up && nd->carrier && !nd->in6_ready && nd->mtu >= 1280)
                sim_inet6_linklocal(m, nd);
}

void sim_model_sync(SimModel *m) {
        for (size_t i = 0; i < m->n_netdevs; i++)
                netdev_sync(m, m->netdevs[i]);
}

/* sim_model_sync() for what a change to one netdev can affect: the netdev, and on a parent its
 * children, whose operstate follows the parent's carrier (§5). Every other netdev was synced by the
 * change that last touched it; syncing all of them after each change made a fabric with thousands
 * of children quadratic. */
static void netdev_sync_family(SimModel *m, SimNetdev *nd) {
        netdev_sync(m, nd);
        if (!nd->parent)
                for (size_t i = 0; i < m->n_netdevs; i++)
                        if (m->netdevs[i]->parent == nd)
                                netdev_sync(m, m->netdevs[i]);
}

/* ipoib_ndo_init() via register_netdevice(): the pkey OR, MTUs from the port, a new QPN. */
static int netdev_register(SimModel *m, SimPort *p, SimNetdev *parent, SimChildType type, const char *name,
                           uint16_t pkey, int ifindex, uint32_t qpn, SimNetdev **ret) {
        _cleanup_free_ SimNetdev *nd = NULL;
        int r;

        /* register_netdevice(): dev_valid_name(), then a unique name. */
        if (!ifname_valid(name))
                return -EINVAL;
        if (sim_model_find_name(m, name))
                return -EEXIST;
        if (!GREEDY_REALLOC(m->netdevs, m->allocated_netdevs, m->n_netdevs + 1))
                return -ENOMEM;
        nd = calloc(1, sizeof(SimNetdev));
        if (!nd)
                return -ENOMEM;
        r = sim_model_alloc_ifindex(m, ifindex);
        if (r < 0)
                return r;
        nd->ifindex = r;
        snprintf(nd->name, sizeof(nd->name), "%s", name);
        nd->port = p;
        nd->parent = parent;
        nd->child_type = type;
        nd->pkey = sim_pkey_normalize(pkey);
        nd->qpn = qpn ?: p->hca->next_qpn++;
        /* §3 initial state: mtu = mcast_mtu = admin_mtu = IPOIB_UD_MTU(max_ib_mtu), max_ib_mtu from the
         * port's maximum MTU (ipoib_parent_init(): rdma_mtu_from_attr() → attr->max_mtu, not active_mtu)
         * or copied from the parent (ipoib_child_init). This also overwrites an IFLA_MTU given at creation
         * (§1.3). A new device starts datagram with umcast 0 (kzalloc). */
        nd->max_ib_mtu = parent ? parent->max_ib_mtu : p->conf.max_mtu ?: p->conf.active_mtu;
        nd->mtu = nd->mcast_mtu = nd->admin_mtu = sim_ud_mtu(nd->max_ib_mtu);
        r = intmap_put(&m->by_ifindex, nd->ifindex, nd);
        if (r >= 0)
                r = strmap_put(&m->by_name, nd->name, nd);
        if (r < 0) {
                (void) intmap_remove(&m->by_ifindex, nd->ifindex);
                return r;
        }
        m->netdevs[m->n_netdevs++] = nd;
        netdev_announce(m, nd);
        if (ret)
                *ret = nd;
        TAKE_PTR(nd);
        return 0;
}

int sim_port_register(SimModel *m, SimPort *p, int ifindex) {
        uint16_t pkey;
        int r;

        /* ipoib_parent_init(): the parent's pkey is P_Key table index 0 (ib_query_pkey(…, 0, …)). */
        pkey = p->conf.n_pkeys > 0 ? p->conf.pkeys[0] : 0xffff;
        r = netdev_register(m, p, NULL, SIM_NON_CHILD, p->conf.netdev, pkey, ifindex, p->conf.qpn,
                            &p->parent);
        if (r < 0)
                return r;
        /* A port re-registered after hot-plug gets a new QP. */
        p->conf.qpn = 0;
        return 0;
}

int sim_model_add_hca(SimModel *m, const char *name, const char *model, bool enhanced, bool cm,
                      uint32_t first_qpn, SimHca **ret) {
        SimHca *h;

        if (sim_model_find_hca(m, name))
                return -EEXIST;
        if (!GREEDY_REALLOC(m->hcas, m->allocated_hcas, m->n_hcas + 1))
                return -ENOMEM;
        h = calloc(1, sizeof(SimHca));
        if (!h)
                return -ENOMEM;
        snprintf(h->name, sizeof(h->name), "%s", name);
        snprintf(h->model, sizeof(h->model), "%s", strna(model));
        h->enhanced = enhanced;
        h->cm = cm;
        h->next_qpn = first_qpn ?: 0x48;
        m->hcas[m->n_hcas++] = h;
        if (ret)
                *ret = h;
        return 0;
}

int sim_hca_add_port(SimHca *h, const SimPortConf *conf, SimPort **ret) {
        SimPort *p;

        if (h->n_ports >= SIM_PORTS_MAX)
                return -E2BIG;
        for (size_t i = 0; i < h->n_ports; i++)
                if (h->ports[i].conf.number == conf->number)
                        return -EEXIST;
        p = &h->ports[h->n_ports++];
        *p = (SimPort) { .conf = *conf, .hca = h };
        if (ret)
                *ret = p;
        return 0;
}

int sim_hca_register(SimModel *m, SimHca *h) {
        int r;

        for (size_t i = 0; i < h->n_ports; i++) {
                r = sim_port_register(m, &h->ports[i], 0);
                if (r < 0)
                        return r;
        }
        h->present = true;
        return 0;
}

/* unregister_netdevice(): dev_close(), NETDEV_UNREGISTER (addresses, routes), RTM_DELLINK. */
static void netdev_unregister(SimModel *m, SimNetdev *nd) {
        SimEvent e = { .type = SIM_EVENT_LINK, .removed = true };

        if (nd->up)
                (void) sim_set_up(m, nd, false);
        sim_inet_ifdown(m, nd, true);
        sim_netdev_to_klink(nd, &e.link);
        sim_emit(m, &e);
        if (nd->port->parent == nd)
                nd->port->parent = NULL;
        (void) intmap_remove(&m->by_ifindex, nd->ifindex);
        (void) strmap_remove(&m->by_name, nd->name);
        for (size_t i = 0; i < m->n_netdevs; i++)
                if (m->netdevs[i] == nd) {
                        memmove(m->netdevs + i, m->netdevs + i + 1,
                                (m->n_netdevs - i - 1) * sizeof(SimNetdev *));
                        m->n_netdevs--;
                        break;
                }
        free(nd);
}

int sim_set_up(SimModel *m, SimNetdev *nd, bool up) {
        if (nd->up == up)
                return 0;
        if (up) {
                /* ipoib_open(): succeeds even without the pkey (§1.4) and with the parent down (§5, only a
                 * debug message). A parent opens every child that is not up. */
                nd->up = true;
                nd->ever_up = true;
                netdev_announce(m, nd);
                sim_inet_ifup(m, nd);
                if (!nd->parent)
                        for (size_t i = 0; i < m->n_netdevs; i++)
                                if (m->netdevs[i]->parent == nd && !m->netdevs[i]->up)
                                        (void) sim_set_up(m, m->netdevs[i], true);
        } else {
                /* ipoib_stop(): a parent brings every up child down first (§5). */
                if (!nd->parent)
                        for (size_t i = 0; i < m->n_netdevs; i++)
                                if (m->netdevs[i]->parent == nd && m->netdevs[i]->up)
                                        (void) sim_set_up(m, m->netdevs[i], false);
                nd->up = false;
                nd->carrier = false; /* ipoib_ib_dev_down(): netif_carrier_off() */
                netdev_announce(m, nd);
                sim_inet_ifdown(m, nd, false);
        }
        netdev_sync_family(m, nd);
        return 0;
}

int sim_set_name(SimModel *m, SimNetdev *nd, const char *name) {
        /* dev_change_name(): -EBUSY while up, dev_valid_name(), unique. */
        if (streq(nd->name, name))
                return 0;
        if (nd->up)
                return -EBUSY;
        if (!ifname_valid(name))
                return -EINVAL;
        if (sim_model_find_name(m, name))
                return -EEXIST;
        if (strmap_put(&m->by_name, name, nd) < 0)
                return -ENOMEM;
        (void) strmap_remove(&m->by_name, nd->name);
        snprintf(nd->name, sizeof(nd->name), "%s", name);
        netdev_announce(m, nd);
        return 0;
}

/* §2 the end of ipoib_set_mode()'s two branches: rtnl_unlock(), ipoib_flush_paths(), and
 * "return (!rtnl_trylock()) ? -EBUSY : 0;" — the mode and MTU have changed either way. */
static int mode_changed(SimModel *m, const SimNetdev *nd) {
        netdev_quiet_change(m, nd); /* sysfs mode, also when no MTU change was notified */
        return nd->port->hca->rtnl_busy ? -EBUSY : 0;
}

int sim_set_mode(SimModel *m, SimNetdev *nd, const char *buf) {
        /* §2 ipoib_set_mode(). The same mode again is a no-op with the MTU untouched. */
        if ((nd->connected && streq(buf, "connected\n")) || (!nd->connected && streq(buf, "datagram\n")))
                return 0;
        if (sim_port_cm_capable(nd->port->hca) && streq(buf, "connected\n")) {
                /* set ADMIN_CM, then dev_set_mtu(ipoib_cm_max_mtu()); its errors are ignored. Only that
                 * MTU change notifies (§2): the mode alone is news only through the caller. */
                nd->connected = true;
                (void) dev_set_mtu(m, nd, SIM_CM_MTU, NULL);
                netdev_sync_family(m, nd);
                return mode_changed(m, nd);
        }
        if (streq(buf, "datagram\n")) {
                /* clear ADMIN_CM, then dev_set_mtu(min(mcast_mtu, mtu)) through ipoib_change_mtu(), which
                 * also sets admin_mtu. */
                nd->connected = false;
                (void) dev_set_mtu(m, nd, MIN(nd->mcast_mtu, nd->mtu), NULL);
                netdev_sync_family(m, nd);
                return mode_changed(m, nd);
        }
        /* Enhanced IPoIB, no CM support, or a buffer that is neither: -EINVAL (not -EOPNOTSUPP). */
        return -EINVAL;
}

/* §1.5 ipoib_changelink(), without the notification of the rtnetlink core. */
static int ipoib_changelink(SimModel *m, SimNetdev *nd, int mode, int umcast) {
        int r;

        if (mode >= 0) {
                if (mode == 0)
                        r = sim_set_mode(m, nd, "datagram\n");
                else if (mode == 1)
                        r = sim_set_mode(m, nd, "connected\n");
                else
                        r = -EINVAL;
                if (r < 0)
                        return r; /* umcast is not applied */
        }
        if (umcast >= 0)
                nd->umcast = umcast > 0; /* ipoib_set_umcast(): never fails, notifies nothing */
        netdev_quiet_change(m, nd);
        return 0;
}

int sim_rtnl_changelink(SimModel *m, SimNetdev *nd, int pkey, int mode, int umcast) {
        int r;

        /* §1.5 IFLA_IPOIB_PKEY is silently ignored: a pkey cannot change. */
        (void) pkey;
        r = ipoib_changelink(m, nd, mode, umcast);
        if (r < 0)
                return r;
        /* §1.5 __rtnl_newlink() sets DO_SETLINK_NOTIFY after changelink, and do_setlink() ends in
         * netdev_state_change(), which sends RTM_NEWLINK only while the device is IFF_UP. A down device
         * says nothing (unless the mode change moved its MTU: NETDEV_CHANGEMTU, above). */
        if (nd->up)
                netdev_notify(m, nd);
        return 0;
}

/* dev_alloc_name("ipoib%d"): the lowest free number. */
static void alloc_default_name(const SimModel *m, char ret[static IFNAMSIZ]) {
        for (unsigned i = 0;; i++) {
                snprintf(ret, IFNAMSIZ, "ipoib%u", i);
                if (!sim_model_find_name(m, ret))
                        return;
        }
}

int sim_rtnl_newlink(SimModel *m, const SimNewLink *req, const char **extack, SimNetdev **ret) {
        char name[IFNAMSIZ];
        SimNetdev *parent, *nd;
        uint16_t pkey;
        int r;

        /* §1.2 step 3 __rtnl_newlink(): an existing name with NLM_F_EXCL is -EEXIST before ipoib runs. */
        if (req->name && sim_model_find_name(m, req->name))
                return -EEXIST;
        /* §1.3 ipoib_new_child_link(), checks in order. */
        if (req->link <= 0)
                return -EINVAL;
        parent = sim_model_find_ifindex(m, req->link);
        if (!parent)
                return -ENODEV; /* every netdev of the model is ARPHRD_INFINIBAND */
        if (parent->parent) {
                if (extack)
                        *extack = "child creation disallowed for child devices";
                return -EINVAL;
        }
        /* No IFLA_IPOIB_PKEY (or no INFO_DATA): the parent's stored pkey. */
        pkey = req->has_data && req->pkey >= 0 ? (uint16_t) req->pkey : parent->pkey;
        /* __ipoib_vlan_add(): 0 or 0x8000, before the OR. */
        if (!sim_pkey_valid_for_child(pkey))
                return -EINVAL;
        if (req->name)
                snprintf(name, sizeof(name), "%s", req->name);
        else
                alloc_default_name(m, name);
        /* Duplicate pkeys are fine for netlink children (is_child_unique() is for legacy ones only);
         * the parent's up/down state is not checked. */
        r = netdev_register(m, parent->port, parent, SIM_RTNL_CHILD, name, pkey, req->ifindex, 0, &nd);
        if (r < 0)
                return r;
        if (req->has_data) {
                r = ipoib_changelink(m, nd, req->mode, req->umcast);
                if (r < 0) {
                        /* The new device is unregistered and the error returned: "mode connected" on
                         * a device that cannot do CM creates nothing. */
                        netdev_unregister(m, nd);
                        return r;
                }
        }
        /* rtnl_configure_link(): ifi_flags, then the device's RTM_NEWLINK with what newlink set. */
        if (req->up)
                (void) sim_set_up(m, nd, true);
        netdev_notify(m, nd);
        netdev_sync_family(m, nd);
        if (ret)
                *ret = nd;
        return 0;
}

int sim_rtnl_dellink(SimModel *m, SimNetdev *nd) {
        /* §1.7 ipoib_del_child_link() unregisters only when priv->parent is set; rtnl_delete_link()
         * returns 0 either way, so deleting a parent succeeds and does nothing. */
        if (!nd->parent)
                return 0;
        netdev_unregister(m, nd);
        return 0;
}

/* sscanf("%i") as the sysfs handlers parse (§6 create_child/delete_child): decimal, 0x hex or octal,
 * trailing junk ignored. The kernel's vsscanf() (lib/vsprintf.c) skips blanks, takes an optional '-' and
 * then wants a digit: unlike glibc's sscanf() it refuses a '+', which is a parse failure (-EINVAL). */
static int parse_sysfs_int(const char *buf, int *ret) {
        const char *p = buf + strspn(buf, " \t\n\v\f\r");
        int v;

        if (!isdigit((unsigned char) (p[0] == '-' ? p[1] : p[0])))
                return -EINVAL;
        if (sscanf(p, "%i", &v) != 1)
                return -EINVAL;
        *ret = v;
        return 0;
}

int sim_sysfs_create_child(SimModel *m, SimNetdev *parent, const char *buf, SimNetdev **ret) {
        char name[IFNAMSIZ];
        SimNetdev *nd;
        int pkey, r;

        /* create_child exists on parents only. */
        if (parent->parent)
                return -ENOENT;
        /* §6 create_child(): parse failure, <= 0, > 0xffff or 0x8000 → -EINVAL. */
        if (parse_sysfs_int(buf, &pkey) < 0 || pkey <= 0 || pkey > 0xffff || pkey == 0x8000)
                return -EINVAL;
        /* §5 is_child_unique(): the requested value (before the OR) against the stored values (after
         * it) of the parent and of every legacy child → -ENOTUNIQ. */
        if (parent->pkey == pkey)
                return -ENOTUNIQ;
        for (size_t i = 0; i < m->n_netdevs; i++)
                if (m->netdevs[i]->parent == parent && m->netdevs[i]->child_type == SIM_LEGACY_CHILD &&
                    m->netdevs[i]->pkey == pkey)
                        return -ENOTUNIQ;
        sim_legacy_child_name(parent->name, (uint16_t) pkey, m->old_child_names, name);
        r = netdev_register(m, parent->port, parent, SIM_LEGACY_CHILD, name, (uint16_t) pkey, 0, 0, &nd);
        if (r < 0)
                return r;
        netdev_sync_family(m, nd);
        if (ret)
                *ret = nd;
        return 0;
}

int sim_sysfs_delete_child(SimModel *m, SimNetdev *parent, const char *buf) {
        int pkey;

        if (parent->parent)
                return -ENOENT;
        /* §6 delete_child(): range 0..0xffff, then a legacy child whose stored pkey equals the value;
         * netlink children cannot be deleted this way. */
        if (parse_sysfs_int(buf, &pkey) < 0 || pkey < 0 || pkey > 0xffff)
                return -EINVAL;
        for (size_t i = 0; i < m->n_netdevs; i++) {
                SimNetdev *c = m->netdevs[i];

                if (c->parent == parent && c->child_type == SIM_LEGACY_CHILD && c->pkey == pkey) {
                        netdev_unregister(m, c);
                        return 0;
                }
        }
        return -ENODEV;
}

int sim_sysfs_mode_store(SimModel *m, SimNetdev *nd, const char *buf) {
        int r;

        /* §6 mode_store(): the buffer goes to ipoib_set_mode() verbatim ("echo -n connected" fails). */
        if (nd->child_type == SIM_RTNL_CHILD || !sim_netdev_has_mode_file(nd))
                return -ENOENT;
        /* "return (!ret || ret == -EBUSY) ? count : ret;" */
        r = sim_set_mode(m, nd, buf);
        return r == -EBUSY ? 0 : r;
}

int sim_sysfs_umcast_store(SimModel *m, SimNetdev *nd, const char *buf) {
        unsigned long v;

        /* §6 umcast_store(): simple_strtoul(buf, NULL, 0), never fails. Unlike strtoul(), the kernel's
         * simple_strtoul() takes no leading blanks and no sign ("-1" or " 1" read 0), and the value goes
         * to ipoib_set_umcast(struct net_device *, int), truncated to int: set only when that is > 0. */
        if (nd->child_type == SIM_RTNL_CHILD)
                return -ENOENT;
        v = isdigit((unsigned char) buf[0]) ? strtoul(buf, NULL, 0) : 0;
        /* §6 a sysfs write is not rtnetlink: no netdev_state_change(), no RTM_NEWLINK. */
        return ipoib_changelink(m, nd, -1, (int) v > 0 ? 1 : 0);
}

int sim_hca_remove(SimModel *m, SimHca *h) {
        if (!h->present)
                return 0;
        /* §5 ipoib_remove_one(): ipoib_parent_unregister_pre() brings each parent down (which takes
         * its children down), then children and parent go in one unregister_netdevice_many(). */
        for (size_t i = 0; i < h->n_ports; i++)
                if (h->ports[i].parent)
                        (void) sim_set_up(m, h->ports[i].parent, false);
        for (size_t i = 0; i < h->n_ports; i++) {
                SimNetdev *p = h->ports[i].parent;

                if (!p)
                        continue;
                for (size_t j = m->n_netdevs; j > 0; j--)
                        if (m->netdevs[j - 1]->parent == p)
                                netdev_unregister(m, m->netdevs[j - 1]);
                netdev_unregister(m, p);
        }
        h->present = false;
        return 0;
}

int sim_hca_add(SimModel *m, SimHca *h) {
        if (h->present)
                return 0;
        /* ipoib_add_one() → ipoib_add_port(): a new parent per port, down; children are not restored. */
        return sim_hca_register(m, h);
}

/* §1.4 update_parent_pkey(), from __ipoib_ib_dev_flush(IPOIB_FLUSH_HEAVY) on IB_EVENT_PKEY_CHANGE: the
 * parent takes P_Key table index 0 again (ib_query_pkey(…, 0, …) | 0x8000; an empty entry reads 0),
 * also while it is down ("interface is down. update pkey and leave."), and rewrites broadcast bytes
 * 8–9, which sim_broadcast_build() derives from the stored P_Key. Unchanged: "Not flushing - P_Key value
 * not changed", nothing happens. Changed on an up parent: the flush takes the device down and up
 * (ipoib_ib_dev_down(): carrier off; the join of the new broadcast group: carrier on), and linkwatch's
 * netdev_state_change() sends RTM_NEWLINK. Down, the new P_Key is silent until the next notification. */
static void parent_pkey_flush(SimModel *m, SimPort *p) {
        uint16_t index0 = sim_pkey_normalize(p->conf.n_pkeys > 0 ? p->conf.pkeys[0] : 0);
        SimNetdev *nd = p->parent;

        if (!nd || nd->pkey == index0)
                return;
        nd->pkey = index0;
        netdev_quiet_change(m, nd); /* sysfs pkey and broadcast */
        if (!nd->up)
                return;
        nd->carrier = false;
        netdev_sync(m, nd); /* the join of the new group, if the port lets it */
        netdev_notify(m, nd);
}

int sim_port_update(SimModel *m, SimPort *p, const SimPortConf *conf) {
        bool rejoin = conf->bcast_mtu != p->conf.bcast_mtu;
        bool pkey_change = conf->n_pkeys != p->conf.n_pkeys ||
                memcmp(conf->pkeys, p->conf.pkeys, conf->n_pkeys * sizeof(uint16_t)) != 0;
        SimPortConf old = p->conf;

        /* The number, the netdev name and its QPN apply at registration only. */
        p->conf = *conf;
        p->conf.number = old.number;
        memcpy(p->conf.netdev, old.netdev, sizeof(old.netdev));
        p->conf.qpn = old.qpn;
        /* A new broadcast group MTU is seen at the next join (ipoib_mcast_join_finish()): devices that
         * keep their carrier re-join; the others will when they get it back. */
        if (rejoin)
                for (size_t i = 0; i < m->n_netdevs; i++) {
                        SimNetdev *nd = m->netdevs[i];

                        if (nd->port == p && nd->carrier && sim_carrier_rule(nd->up, &p->conf, nd->pkey))
                                mcast_join_finish(m, nd);
                }
        if (pkey_change)
                parent_pkey_flush(m, p);
        /* IB_EVENT_PORT_ACTIVE/PORT_ERR/PKEY_CHANGE/GID_CHANGE → __ipoib_ib_dev_flush(): carrier and
         * hardware address follow the port. */
        sim_model_sync(m);
        return 0;
}

int sim_set_arp(SimModel *m, SimNetdev *nd, int ignore, int announce) {
        if (ignore >= 0)
                nd->arp_ignore = (uint8_t) ignore;
        if (announce >= 0)
                nd->arp_announce = (uint8_t) announce;
        netdev_announce(m, nd);
        return 0;
}
