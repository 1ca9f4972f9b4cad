/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The simulated fabric: an in-memory model of the kernel's IPoIB driver (ib_ipoib) and of the bits of
 * the IPv4/IPv6 stack the agent can notice on IPoIB links. Pure: no event loop, no I/O. The spec is
 * docs/kernel-ipoib.md; every rule names the kernel function it models, at the rule.
 *
 * Operations mirror what userspace can do (rtnetlink requests, sysfs writes) and what the hardware
 * does (port events, HCA hot-plug). They return 0 or -errno like the kernel and append the
 * notifications the kernel would send to the model's event queue (SimModel.events), in order. */

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "intmap.h"
#include "kernel.h"
#include "strmap.h"

/* ipoib.h / if_link.h constants (docs/kernel-ipoib.md §0). */
#define SIM_ARPHRD_INFINIBAND 32
#define SIM_CM_MTU 65520    /* IPOIB_CM_MTU = 0x10000 - 0x10: ipoib_cm_max_mtu() on mlx4/mlx5 class HCAs */
#define SIM_MAX_MTU 65520   /* dev->max_mtu = IPOIB_CM_MTU (ipoib_ndo_init) */
#define SIM_UD_MIN_MTU 72   /* ETH_MIN_MTU + IPOIB_ENCAP_LEN (ipoib_change_mtu) */
#define SIM_IPOIB_FLAGS_RC 0x80
#define SIM_TXQLEN 256      /* ipoib_sendq_size * 2 (ipoib_setup_common) */
#define SIM_PORTS_MAX 8
#define SIM_NAME_MAX 64

static inline uint32_t sim_ud_mtu(uint32_t ib_mtu) {
        return ib_mtu - 4; /* IPOIB_UD_MTU() */
}

typedef enum SimChildType {
        SIM_NON_CHILD,    /* IPOIB_NON_CHILD: the parent the driver registers per port */
        SIM_LEGACY_CHILD, /* IPOIB_LEGACY_CHILD: sysfs create_child */
        SIM_RTNL_CHILD,   /* IPOIB_RTNL_CHILD: RTM_NEWLINK kind ipoib */
        _SIM_CHILD_TYPE_MAX,
        _SIM_CHILD_TYPE_INVALID = -EINVAL,
} SimChildType;

typedef struct SimHca SimHca;
typedef struct SimNetdev SimNetdev;

/* What the fabric file says about a port; also the port's live state in the model. */
typedef struct SimPortConf {
        unsigned number;
        uint64_t guid;
        uint8_t subnet_prefix[8]; /* the SM's prefix, used while ACTIVE under an SM */
        IbPortState state;
        uint32_t active_mtu; /* IB MTU in bytes */
        uint32_t max_mtu;    /* the port's maximum IB MTU (ibv_port_attr.max_mtu): max_ib_mtu, §3 */
        uint32_t bcast_mtu;  /* IB MTU of the broadcast group */
        uint16_t lid, sm_lid;
        uint16_t pkeys[IB_PKEY_TABLE_MAX];
        size_t n_pkeys;
        char netdev[IFNAMSIZ]; /* the parent the driver registers for this port */
        uint32_t qpn;          /* its UD QPN; 0 = next of the HCA */
} SimPortConf;

typedef struct SimPort {
        SimPortConf conf;
        SimHca *hca;
        SimNetdev *parent; /* NULL while the HCA is removed */
} SimPort;

struct SimHca {
        char name[SIM_NAME_MAX];
        char model[SIM_NAME_MAX];
        bool enhanced; /* mlx5 rdma_netdev: dev_addr[0] stays 0, no connected mode */
        bool cm;       /* the driver does connected mode (classic path with CONFIG_INFINIBAND_IPOIB_CM) */
        bool present;
        /* A knob for tests: every mode change of ipoib_set_mode() loses its rtnl_trylock() race and
         * answers -EBUSY after the change (§2); the sysfs path counts that a success. */
        bool rtnl_busy;
        uint32_t next_qpn;
        SimPort ports[SIM_PORTS_MAX];
        size_t n_ports;
};

struct SimNetdev {
        int ifindex;
        char name[IFNAMSIZ];
        SimPort *port;
        SimNetdev *parent; /* NULL on a parent */
        SimChildType child_type;
        uint16_t pkey; /* stored, with the full-membership bit */
        uint32_t qpn;
        bool up;        /* IFF_UP */
        bool carrier;   /* joined the broadcast group: port ACTIVE and pkey in the table */
        bool connected; /* IPOIB_FLAG_ADMIN_CM */
        bool umcast;
        bool ever_up;   /* a qdisc was attached ("qdisc mq" instead of "noop") */
        bool in6_ready; /* inet6_dev IF_READY: link-local generated since the last addrconf_ifdown() */
        uint8_t arp_ignore, arp_announce; /* /proc/sys/net/ipv4/conf/IF/arp_*, 0 at registration */
        uint32_t mtu, admin_mtu, mcast_mtu;
        uint32_t max_ib_mtu;
        KLink last; /* the last RTM_NEWLINK sent, to send one only on change */
        bool announced;
};

typedef struct SimAddress {
        KAddress a;
        bool has_broadcast;
        struct in_addr broadcast;
} SimAddress;

typedef enum SimEventType {
        SIM_EVENT_LINK,
        SIM_EVENT_ADDRESS,
        SIM_EVENT_ROUTE,
        SIM_EVENT_RULE,
        _SIM_EVENT_TYPE_MAX,
        _SIM_EVENT_TYPE_INVALID = -EINVAL,
} SimEventType;

/* One rtnetlink notification: RTM_NEW* or, with removed, RTM_DEL*. */
typedef struct SimEvent {
        SimEventType type;
        bool removed;
        union {
                KLink link;
                KAddress address;
                KRoute route;
                KRule rule;
        };
} SimEvent;

typedef struct SimModel {
        SimHca **hcas;
        size_t n_hcas, allocated_hcas;
        SimNetdev **netdevs; /* registration order */
        size_t n_netdevs, allocated_netdevs;
        IntMap by_ifindex; /* ifindex → SimNetdev, for O(1) lookups: a fabric has thousands of children */
        StrMap by_name;    /* name → SimNetdev */
        SimAddress *addresses;
        size_t n_addresses, allocated_addresses;
        KRoute *routes; /* every table but local */
        size_t n_routes, allocated_routes;
        KRule *rules; /* IPv4 and IPv6, in priority order as fib_nl_newrule() inserts them */
        size_t n_rules, allocated_rules;
        /* Counting filters over addresses and routes (sim-inet.c): hash of a key → how many have it. A
         * zero says "none" without a scan of every address or route of the machine (a fabric has
         * thousands); otherwise the scan confirms. inet_index_lost: an update failed (ENOMEM), every
         * answer is "maybe". */
        IntMap inet_index;
        bool inet_index_lost;
        int next_ifindex;
        /* The kernel predates the 2024 fix (v6.10): ipoib_vlan_add() names sysfs children "%s.%04x" cut
         * to 15 characters instead of "%.10s.%04x" (§6). */
        bool old_child_names;
        SimEvent *events;
        size_t n_events, allocated_events;
        /* Netdevs changed without a notification (a down device's changelink, a sysfs umcast write, a
         * down parent's P_Key): what sysfs shows changed all the same, so the view follows these too
         * (§1.5). Cleared with the events. */
        int *quiet;
        size_t n_quiet, allocated_quiet;
} SimModel;

int sim_model_new(SimModel **ret);
SimModel *sim_model_free(SimModel *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(SimModel *, sim_model_free);
void sim_model_clear_events(SimModel *m);

/* Building the fabric (sim-fabric.c loads it from JSON). */
int sim_model_add_hca(SimModel *m, const char *name, const char *model, bool enhanced, bool cm,
                      uint32_t first_qpn, SimHca **ret);
int sim_hca_add_port(SimHca *h, const SimPortConf *conf, SimPort **ret);
/* Registers the parent netdev of every port (ipoib_add_one()); ifindex 0 = next free. */
int sim_hca_register(SimModel *m, SimHca *h);
int sim_port_register(SimModel *m, SimPort *p, int ifindex);

SimHca *sim_model_find_hca(const SimModel *m, const char *name) _pure_;
SimNetdev *sim_model_find_ifindex(const SimModel *m, int ifindex) _pure_;
/* The netdev with the smallest ifindex above after (0: the first), NULL at the end: walks them in
 * the order a dump gives. */
const SimNetdev *sim_model_next_netdev(const SimModel *m, int after) _pure_;
SimNetdev *sim_model_find_name(const SimModel *m, const char *name) _pure_;
/* Every netdev, by ifindex (the order of a dump): a new array, NULL on OOM (or when there is none). */
const SimNetdev **sim_model_netdevs_sorted(const SimModel *m);
/* An ifindex no netdev has or had; pinned ones from the fabric file are kept by the counter. */
int sim_model_alloc_ifindex(SimModel *m, int want);

/* ——— Pure rules (each cites its kernel function at the definition) ——— */
uint16_t sim_pkey_normalize(uint16_t pkey) _const_;
bool sim_pkey_valid_for_child(uint32_t pkey) _const_;
bool sim_port_cm_capable(const SimHca *h) _pure_;
/* The sysfs mode file exists (parents and legacy children of a kernel with IPoIB CM). */
bool sim_netdev_has_mode_file(const SimNetdev *nd) _pure_;
void sim_port_gid_prefix(const SimPortConf *p, uint8_t ret[static 8]);
void sim_hwaddr_build(bool cm, uint32_t qpn, const uint8_t prefix[static 8], uint64_t guid,
                      uint8_t ret[static INFINIBAND_ALEN]);
void sim_broadcast_build(uint16_t pkey, uint8_t ret[static INFINIBAND_ALEN]);
void sim_netdev_hwaddr(const SimNetdev *nd, uint8_t ret[static INFINIBAND_ALEN]);
bool sim_port_pkey_present(const SimPortConf *p, uint16_t pkey) _pure_;
bool sim_carrier_rule(bool up, const SimPortConf *p, uint16_t pkey) _pure_;
void sim_legacy_child_name(const char *parent, uint16_t requested_pkey, bool old_kernel, char ret[static IFNAMSIZ]);
uint8_t sim_netdev_operstate(const SimNetdev *nd) _pure_;
void sim_netdev_to_klink(const SimNetdev *nd, KLink *ret);
int sim_netdev_port_info(const SimNetdev *nd, IbPortInfo *ret);
/* An INFINIBAND_ALEN hardware address as sysfs and iproute2 print it, "xx:xx:…:xx" and a NUL
 * (formatting it with a snprintf() per byte was most of what the view cost). */
#define SIM_HWADDR_STRLEN (INFINIBAND_ALEN * 3)
char *sim_format_hwaddr(const uint8_t a[static INFINIBAND_ALEN], char buf[static SIM_HWADDR_STRLEN]);
/* What /sys/class/net/IF/ATTR reads: -ENOENT where the kernel has no such file (§6). */
int sim_netdev_sysfs_read(const SimNetdev *nd, const char *attr, char *buf, size_t size);

/* ——— rtnetlink ——— */
typedef struct SimNewLink {
        int ifindex;      /* ifi_index; 0 = the next free one */
        int link;         /* IFLA_LINK; 0 = absent */
        const char *name; /* IFLA_IFNAME; NULL = absent ("ipoib%d") */
        bool has_data;    /* IFLA_INFO_DATA present */
        int pkey, mode, umcast; /* IFLA_IPOIB_*; -1 = absent */
        uint32_t mtu;     /* IFLA_MTU; 0 = absent */
        bool up;          /* ifi_flags IFF_UP */
} SimNewLink;

int sim_rtnl_newlink(SimModel *m, const SimNewLink *req, const char **extack, SimNetdev **ret);
/* ipoib_changelink(): mode/umcast -1 = absent; pkey is accepted and ignored. */
int sim_rtnl_changelink(SimModel *m, SimNetdev *nd, int pkey, int mode, int umcast);
int sim_rtnl_dellink(SimModel *m, SimNetdev *nd);
int sim_set_mtu(SimModel *m, SimNetdev *nd, uint32_t mtu, const char **extack);
int sim_set_up(SimModel *m, SimNetdev *nd, bool up);
/* arp_ignore/arp_announce (-1 = leave): devinet_conf_proc() and inet_set_link_af() take any value;
 * the change shows in the link's IFLA_INET_CONF. */
int sim_set_arp(SimModel *m, SimNetdev *nd, int ignore, int announce);
int sim_set_name(SimModel *m, SimNetdev *nd, const char *name);
/* ipoib_set_mode() with the buffer exactly as written ("connected\n"/"datagram\n"). */
int sim_set_mode(SimModel *m, SimNetdev *nd, const char *buf);

/* ——— sysfs writes (§6) ——— */
int sim_sysfs_create_child(SimModel *m, SimNetdev *parent, const char *buf, SimNetdev **ret);
int sim_sysfs_delete_child(SimModel *m, SimNetdev *parent, const char *buf);
int sim_sysfs_mode_store(SimModel *m, SimNetdev *nd, const char *buf);
int sim_sysfs_umcast_store(SimModel *m, SimNetdev *nd, const char *buf);

/* ——— hardware events ——— */
/* ipoib_remove_one(): parents down, then every child and parent unregistered. */
int sim_hca_remove(SimModel *m, SimHca *h);
/* ipoib_add_one(): parents registered again (down, new ifindexes and QPNs). */
int sim_hca_add(SimModel *m, SimHca *h);
/* A port changed (state, P_Key table, SM, broadcast group MTU): the IB events' effects. */
int sim_port_update(SimModel *m, SimPort *p, const SimPortConf *conf);

/* ——— addresses and routes (sim-inet.c) ——— */
int sim_address_add(SimModel *m, const KAddress *a, bool broadcast, const char **extack);
int sim_address_del(SimModel *m, const KAddress *a, const char **extack);
int sim_route_add(SimModel *m, const KRoute *r, const char **extack);
int sim_route_del(SimModel *m, const KRoute *r, const char **extack);
const SimAddress *sim_model_find_address(const SimModel *m, const KAddress *a) _pure_;
const KRoute *sim_model_find_route(const SimModel *m, const KRoute *r) _pure_;
/* fib_nl_newrule()/fib_nl_delrule() for the rules the agent writes: -EEXIST with NLM_F_EXCL for the same
 * rule with the same protocol, -ENOENT when deleting what is not there (a protocol given must match). */
int sim_rule_add(SimModel *m, const KRule *r, const char **extack);
int sim_rule_del(SimModel *m, const KRule *r, const char **extack);
/* The three rules of a new namespace (fib4_rules_init(), fib6_rules_net_init()): 0 local, 32766 main,
 * 32767 default (IPv4 only), protocol kernel. */
int sim_rules_init(SimModel *m);

/* ——— internal, shared by sim-model.c and sim-inet.c ——— */
void sim_emit(SimModel *m, const SimEvent *e);
/* Recompute carrier/broadcast join/link-local for every netdev and send RTM_NEWLINK where it changed. */
void sim_model_sync(SimModel *m);
/* NETDEV_DOWN / NETDEV_UNREGISTER effects on addresses and routes of one device. */
void sim_inet_ifdown(SimModel *m, SimNetdev *nd, bool unregister);
/* NETDEV_UP: IPv4 prefix routes of the device's addresses come back (fib_add_ifaddr()). */
void sim_inet_ifup(SimModel *m, SimNetdev *nd);
/* addrconf: the link became ready (up + carrier, MTU >= 1280): fe80::/64 from the GUID. */
void sim_inet6_linklocal(SimModel *m, SimNetdev *nd);
/* NETDEV_CHANGEMTU: IPv6 goes below 1280, IPv4 below 68. */
void sim_inet_mtu_changed(SimModel *m, SimNetdev *nd);
