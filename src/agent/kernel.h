/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Observed state: what the kernel (real or simulated) says, as plain values. Backends fill these
 * from RTM_NEWLINK/NEWADDR/NEWROUTE and the reconcile engine reads them; nothing here is desired. */

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "in-addr-util.h"
#include "macros.h"

#define HWADDR_MAX 32
#define INFINIBAND_ALEN 20

typedef struct KLink {
        int ifindex;
        char ifname[IFNAMSIZ];
        uint16_t arphrd;  /* ifi_type: ARPHRD_ETHER 1, ARPHRD_INFINIBAND 32 */
        unsigned flags;   /* ifi_flags: IFF_UP, IFF_LOWER_UP, … */
        uint8_t operstate; /* IFLA_OPERSTATE */
        uint32_t mtu;
        uint32_t max_mtu; /* IFLA_MAX_MTU, 0 if not reported */
        uint8_t hwaddr[HWADDR_MAX];
        uint8_t hwaddr_len;
        char kind[16];    /* IFLA_INFO_KIND, "" when none */
        int parent;       /* IFLA_LINK, 0 when none */
        /* IFLA_INFO_DATA of kind "ipoib" (ipoib_fill_info()) */
        bool has_ipoib;
        uint16_t pkey; /* with the full-membership bit, as the kernel reports it */
        uint8_t mode;  /* IPOIB_MODE_DATAGRAM/CONNECTED */
        uint8_t umcast;
        /* IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF, when the link has IPv4 (inet_fill_link_af()) */
        bool has_inet_conf;
        bool promote_secondaries;
        /* The same array's arp_ignore and arp_announce (/proc/sys/net/ipv4/conf/IF/arp_*), when known:
         * with has_inet_conf, or from the simulated fabric, which models these two only. */
        bool has_arp_conf;
        uint8_t arp_ignore, arp_announce;
} KLink;

typedef struct KAddress {
        int ifindex;
        int family;
        union in_addr_union addr;
        uint8_t prefixlen;
        uint8_t scope;
        uint32_t flags; /* IFA_F_* (IFA_FLAGS when present) */
        /* IFA_PROTO (Linux 6.1+; 0 when absent): RTPROT_IPOIB on the agent's own. Not part of the
         * address's identity. */
        uint8_t protocol;
} KAddress;

typedef struct KRoute {
        int ifindex; /* RTA_OIF */
        int family;
        union in_addr_union dst;
        uint8_t dst_len;
        bool has_gw;
        union in_addr_union gw;
        uint32_t metric; /* RTA_PRIORITY */
        uint32_t table;  /* RT_TABLE_MAIN for ours */
        uint8_t protocol;
        uint8_t scope;
        uint8_t type; /* RTN_UNICAST for ours */
        uint32_t flags; /* rtm_flags: RTNH_F_ONLINK for GatewayOnLink=yes; not part of the route's identity */
} KRoute;

/* A routing policy rule (RTM_NEWRULE, struct fib_rule_hdr + FRA_*), as far as the agent writes them:
 * "[from P] [to P] [iif I] [oif O] lookup TABLE priority N". A rule with a selector the agent does not
 * write (fwmark, tos, uid range, ports, l3mdev, "not", ...) or another action has `other` set and is never
 * equal to one of the agent's. */
typedef struct KRule {
        int family;
        uint32_t priority; /* FRA_PRIORITY */
        uint32_t table;    /* FRA_TABLE (or frh.table) */
        union in_addr_union src, dst;
        uint8_t src_len, dst_len;
        char iif[IFNAMSIZ], oif[IFNAMSIZ];
        uint8_t protocol; /* FRA_PROTOCOL: RTPROT_IPOIB on the agent's own; not part of the identity */
        bool other;
} KRule;

/* What rdma-core (or the simulated fabric) says about the InfiniBand port behind an IPoIB netdev. */
#define IB_PKEY_TABLE_MAX 128

typedef enum IbPortState {
        /* Values equal rdma-core's enum ibv_port_state. */
        IB_PORT_NOP = 0,
        IB_PORT_DOWN = 1,
        IB_PORT_INIT = 2,
        IB_PORT_ARMED = 3,
        IB_PORT_ACTIVE = 4,
        IB_PORT_ACTIVE_DEFER = 5,
        _IB_PORT_STATE_INVALID = -EINVAL,
} IbPortState;

typedef struct IbPortInfo {
        char device[64]; /* RDMA device, e.g. mlx5_0 */
        uint32_t port;
        /* What follows comes from rdma-core (or the model); false when only sysfs answered (no
         * verbs provider, no uverbs in the kernel): device and port are still good for Device=. */
        bool state_known;
        IbPortState state;
        uint32_t active_mtu; /* IB link MTU in bytes: 256…4096 */
        /* The port's maximum MTU in bytes (ibv_port_attr.max_mtu), 0 if unknown: ipoib_parent_init()
         * takes max_ib_mtu from it (rdma_mtu_from_attr()), so the datagram limit is IPOIB_UD_MTU of it,
         * not of active_mtu (docs/kernel-ipoib.md §3). */
        uint32_t max_mtu;
        uint16_t lid, sm_lid;
        bool link_layer_ib; /* false: RoCE (Ethernet link layer) */
        uint16_t pkeys[IB_PKEY_TABLE_MAX];
        size_t n_pkeys;
        /* Known on the simulated fabric only; -1 when unknown. */
        int enhanced;       /* enhanced IPoIB (mlx5 rdma_netdev): datagram only */
        uint32_t bcast_mtu; /* IB MTU of the broadcast group, 0 if unknown */
} IbPortInfo;

/* NULL for a state rdma-core did not have when this was written. */
const char *ib_port_state_to_string(IbPortState s) _const_;
IbPortState ib_port_state_from_string(const char *s) _pure_;

/* The metric the kernel gives a route when none is asked for: IPv4 0, IPv6 IP6_RT_PRIO_USER (1024). */
static inline uint32_t kroute_default_metric(int family) {
        return family == AF_INET6 ? 1024 : 0;
}

bool kaddress_equal(const KAddress *a, const KAddress *b) _pure_;
/* Same route as the kernel keys it for our purposes: family, table, dst/len, metric, oif, gateway. */
bool kroute_equal(const KRoute *a, const KRoute *b) _pure_;
/* Same rule as the kernel tells rules apart (rule_find()): everything but the protocol. */
bool krule_equal(const KRule *a, const KRule *b) _pure_;
/* "from 10.0.0.1 lookup 100 priority 100", as ip rule lists it (with "proto ipoib" when marked). */
char *krule_to_string(const KRule *r, char *buf, size_t size);
char *kaddress_to_string(const KAddress *a, char *buf, size_t size);
char *kroute_to_string(const KRoute *r, char *buf, size_t size);
