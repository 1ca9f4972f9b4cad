/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* IbNetwork: the desired state that one .ibnet file (plus its drop-ins) describes. Immutable once
 * loaded and refcounted, so the agent can keep the last good version of a file across reloads. */

#include <stdbool.h>
#include <stdint.h>

#include "in-addr-util.h"
#include "macros.h"

typedef enum IbLinkType {
        IB_LINK_TYPE_INFINIBAND,
        IB_LINK_TYPE_ETHER,
        _IB_LINK_TYPE_MAX,
        _IB_LINK_TYPE_INVALID = -EINVAL,
} IbLinkType;

/* Values equal the kernel's IPOIB_MODE_DATAGRAM/CONNECTED (linux/if_link.h). */
typedef enum IbMode {
        IB_MODE_DATAGRAM = 0,
        IB_MODE_CONNECTED = 1,
        _IB_MODE_MAX,
        _IB_MODE_INVALID = -EINVAL,
} IbMode;

typedef enum IbChildMethod {
        IB_CHILD_METHOD_NETLINK, /* RTM_NEWLINK kind ipoib: no pkey/mode/umcast files in sysfs */
        IB_CHILD_METHOD_SYSFS,   /* echo PKEY > /sys/class/net/PARENT/create_child */
        _IB_CHILD_METHOD_MAX,
        _IB_CHILD_METHOD_INVALID = -EINVAL,
} IbChildMethod;

/* IPoIB MTU limits (drivers/infiniband/ulp/ipoib/ipoib.h). */
#define IPOIB_ENCAP_LEN 4U
#define IB_MTU_4096 4096U
#define IPOIB_UD_MTU(ib_mtu) ((ib_mtu) - IPOIB_ENCAP_LEN)
#define IPOIB_DATAGRAM_MTU_MAX IPOIB_UD_MTU(IB_MTU_4096) /* 4092 */
#define IPOIB_CM_MTU (0x10000U - 0x10U)                  /* 65520 */
#define IPOIB_DATAGRAM_MTU_MIN 72U                      /* ETH_MIN_MTU + 4, ipoib_change_mtu() */
#define ETHER_MTU_MIN 68U
#define ETHER_MTU_MAX 65535U
#define IPV6_MIN_MTU 1280U

#define IB_PKEY_FULL_MEMBER 0x8000U
#define IB_PORT_DEFAULT 1U
#define IFNAME_MAX 15U /* IFNAMSIZ - 1 */

/* A setting the schema stores as one typed value (its row's offset points at `as`), which the rest of
 * the code reads by the member names it always had. Both views list the same member types in the same
 * order, so reading through either is defined (C11 6.5.2.3, common initial sequence); schema.c checks
 * the offsets. */
#define SCHEMA_FIELD(type, as, ...)        \
        union {                            \
                type as;                   \
                struct {                   \
                        __VA_ARGS__        \
                };                         \
        }

typedef struct IbOptionalU32 {
        uint32_t value;
        bool set;
} IbOptionalU32;

typedef struct IbOptionalAddr {
        union in_addr_union addr;
        bool set;
} IbOptionalAddr;

typedef struct IbPrefix {
        union in_addr_union addr; /* masked */
        uint8_t len;
        bool set;
} IbPrefix;

typedef struct IbGuid {
        uint64_t guid;
        bool set;
} IbGuid;

typedef struct IbGuidList {
        uint64_t *items;
        size_t n, allocated;
} IbGuidList;

typedef struct IbPKey {
        uint16_t pkey; /* normalised: always with IB_PKEY_FULL_MEMBER; 0 = unset */
        uint16_t raw;  /* as written */
} IbPKey;

typedef struct IbMtu {
        uint32_t bytes; /* 0 = unset */
        bool max;
} IbMtu;

typedef struct IbAddress {
        int family;
        union in_addr_union addr;
        uint8_t prefixlen;
        unsigned line;
        const char *file; /* points into IbNetwork.files */
} IbAddress;

typedef struct IbAddressList {
        IbAddress *items;
        size_t n, allocated;
} IbAddressList;

typedef struct IbRoute {
        int family; /* AF_UNSPEC until Destination= or Gateway= sets it */
        SCHEMA_FIELD(IbPrefix, dst_setting,
                     union in_addr_union dst; /* masked; dst_len 0 = default route */
                     uint8_t dst_len;
                     bool has_dst;);
        SCHEMA_FIELD(IbOptionalAddr, gw_setting,
                     union in_addr_union gw;
                     bool has_gw;);
        SCHEMA_FIELD(IbOptionalU32, metric_setting,
                     uint32_t metric;
                     bool has_metric;);
        /* Table=: RT_TABLE_MAIN (254) when unset. */
        SCHEMA_FIELD(IbOptionalU32, table_setting,
                     uint32_t table;
                     bool has_table;);
        unsigned line;
        const char *file;
        bool rejected; /* a line of this [Route] was an error: "needs Destination=" would repeat it */
} IbRoute;

typedef struct IbRouteList {
        IbRoute *items;
        size_t n, allocated;
} IbRouteList;

/* A [RoutingPolicyRule] section: `ip rule add [from P] [to P] [iif I] [oif O] lookup TABLE priority N`. */
typedef struct IbRule {
        int family; /* AF_UNSPEC until From= or To= sets it (then IPv4, as systemd-networkd) */
        SCHEMA_FIELD(IbPrefix, from_setting,
                     union in_addr_union from; /* masked */
                     uint8_t from_len;
                     bool has_from;);
        SCHEMA_FIELD(IbPrefix, to_setting,
                     union in_addr_union to;
                     uint8_t to_len;
                     bool has_to;);
        SCHEMA_FIELD(IbOptionalU32, table_setting,
                     uint32_t table;
                     bool has_table;);
        SCHEMA_FIELD(IbOptionalU32, priority_setting,
                     uint32_t priority;
                     bool has_priority;);
        char iif[IFNAME_MAX + 1]; /* "" = any */
        char oif[IFNAME_MAX + 1];
        unsigned line;
        const char *file;
        bool rejected; /* a line of this section was an error */
} IbRule;

typedef struct IbRuleList {
        IbRule *items;
        size_t n, allocated;
} IbRuleList;

/* The port a multi-rail file is applied to: what its substitutions (%i, %n, %p, %g, %G) stand for
 * (src/shared/rail.h, man/ibnet.5.scd "MULTI-RAIL FILES"). */
typedef struct IbRail {
        int index;        /* %i: position in GUID= (else Device=), -1 = none */
        char device[64];  /* %n is the number at its end; "" = unknown */
        uint32_t port;    /* %p, 0 = unknown */
        bool has_guid;
        uint64_t guid;    /* %g (last byte), %G (four groups) */
} IbRail;

/* A value with substitutions, kept as written and parsed per port (ib_network_instantiate()). */
typedef struct IbTemplate {
        int key;          /* SchemaKey */
        char *value;
        const char *file; /* points into IbNetwork.files */
        unsigned line;
        size_t route_idx; /* per-section keys: the [Route] (or [RoutingPolicyRule]) it belongs to */
} IbTemplate;

/* Where a key was (last) set: for messages that point at the line to change. */
typedef struct ConfigLoc {
        const char *file; /* points into IbNetwork.files */
        unsigned line;    /* 0 = not set */
} ConfigLoc;

/* The sections, in the order of ibnet_sections (src/shared/schema.c). */
typedef enum SchemaSection {
        SCHEMA_SECTION_MATCH,
        SCHEMA_SECTION_PARTITION,
        SCHEMA_SECTION_LINK,
        SCHEMA_SECTION_IPOIB,
        SCHEMA_SECTION_NETWORK,
        SCHEMA_SECTION_ROUTE,
        SCHEMA_SECTION_ROUTING_POLICY_RULE,
        _SCHEMA_SECTION_MAX,
        _SCHEMA_SECTION_INVALID = -EINVAL,
} SchemaSection;

/* One per row of the schema (src/shared/schema.c), in table order: code asks where a key was set by
 * this name, so a misspelt key does not compile. */
typedef enum SchemaKey {
        SCHEMA_KEY_MATCH_NAME,
        SCHEMA_KEY_MATCH_GUID,
        SCHEMA_KEY_MATCH_DEVICE,
        SCHEMA_KEY_MATCH_PORT,
        SCHEMA_KEY_MATCH_TYPE,
        SCHEMA_KEY_PARTITION_PKEY,
        SCHEMA_KEY_PARTITION_NAME,
        SCHEMA_KEY_PARTITION_METHOD,
        SCHEMA_KEY_LINK_MTU,
        SCHEMA_KEY_LINK_REQUIRE_ACTIVE_PORT,
        SCHEMA_KEY_IPOIB_MODE,
        SCHEMA_KEY_IPOIB_UMCAST,
        SCHEMA_KEY_NETWORK_ADDRESS,
        SCHEMA_KEY_NETWORK_GATEWAY,
        SCHEMA_KEY_NETWORK_DNS,
        SCHEMA_KEY_NETWORK_DOMAINS,
        SCHEMA_KEY_NETWORK_GATEWAY_ON_LINK,
        SCHEMA_KEY_NETWORK_ARP_IGNORE,
        SCHEMA_KEY_NETWORK_ARP_ANNOUNCE,
        SCHEMA_KEY_NETWORK_SOURCE_ROUTING,
        SCHEMA_KEY_ROUTE_DESTINATION,
        SCHEMA_KEY_ROUTE_GATEWAY,
        SCHEMA_KEY_ROUTE_METRIC,
        SCHEMA_KEY_ROUTE_TABLE,
        SCHEMA_KEY_RULE_FROM,
        SCHEMA_KEY_RULE_TO,
        SCHEMA_KEY_RULE_TABLE,
        SCHEMA_KEY_RULE_PRIORITY,
        SCHEMA_KEY_RULE_INCOMING_INTERFACE,
        SCHEMA_KEY_RULE_OUTGOING_INTERFACE,
        _SCHEMA_KEY_MAX,
        _SCHEMA_KEY_INVALID = -EINVAL,
} SchemaKey;

#define IBNET_KEYS_MAX _SCHEMA_KEY_MAX

typedef struct IbNetwork {
        unsigned n_ref;

        char *name;   /* file name, e.g. "10-ib0.ibnet" */
        char *path;   /* the main file */
        char **files; /* main file then drop-ins, in the order applied */
        uint64_t stamp; /* of files as they were read (ib_network_files_stamp()): tells an edit since */

        /* [Match] */
        char **match_name; /* globs */
        /* GUID=: the ports, in the order written (a port's rail index, %i, is its position). */
        SCHEMA_FIELD(IbGuidList, match_guid_list,
                     uint64_t *match_guids;
                     size_t n_match_guids, allocated_match_guids;);
        char **match_device; /* RDMA device names or globs, in the order written */
        uint32_t match_port; /* 0 = unset (means IB_PORT_DEFAULT when Device= is set) */
        IbLinkType match_type;
        ConfigLoc match;     /* the first [Match] header, {NULL, 0} if none */

        /* [Partition] */
        bool has_partition;
        SCHEMA_FIELD(IbPKey, pkey_setting,
                     uint16_t pkey;      /* normalised: always with IB_PKEY_FULL_MEMBER */
                     uint16_t pkey_raw;); /* as written */
        char *child_name;  /* NULL = "<parent>.<pkey %04x>" */
        IbChildMethod child_method;
        ConfigLoc partition; /* the [Partition] header */

        /* [Link] */
        SCHEMA_FIELD(IbMtu, mtu_setting,
                     uint32_t mtu; /* 0 = unset */
                     bool mtu_max;);
        int require_active_port; /* -1 = unset (no) */

        /* [IPoIB] */
        IbMode mode; /* _IB_MODE_INVALID = unset */
        int umcast;  /* -1 = unset */

        /* [Network] */
        SCHEMA_FIELD(IbAddressList, address_list,
                     IbAddress *addresses;
                     size_t n_addresses, allocated_addresses;);
        SCHEMA_FIELD(IbAddressList, dns_list,
                     IbAddress *dns; /* prefixlen unused */
                     size_t n_dns, allocated_dns;);
        char **domains;

        /* [Network] Gateway=: default routes. */
        SCHEMA_FIELD(IbRouteList, gateway_list,
                     IbRoute *gateways;
                     size_t n_gateways, allocated_gateways;);
        /* GatewayOnLink=: every gateway of the link is on-link even outside its prefixes
         * (RTNH_F_ONLINK). -1 = unset (no). */
        int gateway_onlink;
        /* ARPIgnore=, ARPAnnounce=: /proc/sys/net/ipv4/conf/IF/arp_ignore, arp_announce. -1 = unset (leave). */
        int arp_ignore, arp_announce;
        /* SourceRouting=: each port gets its own routing table, base + the port's rail offset
         * (ib_network_source_table()), holding its prefix routes and Gateway= routes, and a rule
         * "from ADDRESS lookup TABLE priority TABLE" per address. Unset = off. */
        SCHEMA_FIELD(IbOptionalU32, source_routing_setting,
                     uint32_t source_routing_base;
                     bool source_routing;);
        /* [Route] sections, in file order. */
        SCHEMA_FIELD(IbRouteList, route_list,
                     IbRoute *routes;
                     size_t n_routes, allocated_routes;);
        /* [RoutingPolicyRule] sections, in file order. */
        SCHEMA_FIELD(IbRuleList, rule_list,
                     IbRule *rules;
                     size_t n_rules, allocated_rules;);

        /* Values with substitutions (multi-rail files), in file order; applied per port. */
        IbTemplate *templates;
        size_t n_templates, allocated_templates;
        /* An instance (ib_network_instantiate()): the file it was derived from and the port it was
         * derived for. NULL for a file as loaded. */
        struct IbNetwork *origin;
        IbRail rail;

        /* Where each key was last set (ib_network_loc()): its line (0 = not set) and which of files. Not a
         * ConfigLoc (a pointer and a line, 16 bytes) per key: half of IbNetwork's 928 bytes went there,
         * per file, in the daemon and for every one of 10,000 files loaded. */
        struct {
                uint32_t line;
                uint16_t file;
        } loc[_SCHEMA_KEY_MAX];
        /* Sections with a line the loader rejected (1 << SchemaSection), and
         * IBNET_SECTION_UNKNOWN for a header it did not know: validation does not add a second error
         * for the same root cause ("[Match] needs Name=" after "[Macth]" or an invalid Name=). */
        uint32_t rejected_sections;
} IbNetwork;

#define IBNET_SECTION_UNKNOWN (UINT32_C(1) << 31)
#define IBNET_SECTION_BIT(s) (UINT32_C(1) << (s))

IbNetwork *ib_network_new(const char *path);
IbNetwork *ib_network_ref(IbNetwork *n);
IbNetwork *ib_network_unref(IbNetwork *n);
DEFINE_TRIVIAL_CLEANUP_FUNC(IbNetwork *, ib_network_unref);

/* The file as loaded: an instance's origin, else the network itself. */
static inline const IbNetwork *ib_network_origin(const IbNetwork *n) {
        return n && n->origin ? n->origin : n;
}

/* Does the file describe a P_Key child ([Partition])? */
static inline bool ib_network_is_child(const IbNetwork *n) {
        return n->has_partition;
}

/* The child's interface name for a parent, into buf (IFNAME_MAX+1). -ENAMETOOLONG if it does not fit. */
int ib_network_child_name(const IbNetwork *n, const char *parent, char *buf, size_t size);

/* The same link as far as the config can tell: identical [Match] criteria. */
bool ib_network_match_equal(const IbNetwork *a, const IbNetwork *b);

/* Where a key was (last) set; {NULL, 0} if it was not. */
static inline ConfigLoc ib_network_loc(const IbNetwork *n, SchemaKey key) {
        if (key < 0 || key >= _SCHEMA_KEY_MAX || n->loc[key].line == 0)
                return (ConfigLoc) {};
        return (ConfigLoc) { n->files[n->loc[key].file], n->loc[key].line };
}
/* The same by name, for tests and tools that hold Section and Key as strings. */
ConfigLoc ib_network_key_loc(const IbNetwork *n, const char *section, const char *key);

/* The metric the kernel gives the route: the kernel's default when unset, and for IPv6 0 means
 * IP6_RT_PRIO_USER too (ip6_route_info_create()). */
uint32_t ib_route_metric(const IbRoute *r) _pure_;

/* SourceRouting='s default table base (SourceRouting=yes), and the first priority of the main table's
 * rule: a source routing table's rule (priority = table) must come before it. */
#define IB_SOURCE_ROUTING_BASE_DEFAULT 100U
#define IB_RULE_PRIORITY_MAIN 32766U

/* The interface name the [Match] names when it is a single literal (no glob), else NULL. */
const char *ib_network_literal_name(const IbNetwork *n);

/* What the agent knows about a link when matching: from netlink, sysfs and rdma-core. */
typedef struct IbLinkIdentity {
        const char *ifname;
        IbLinkType type;
        bool has_guid; /* port GUID = last 8 bytes of the 20-byte hardware address */
        uint64_t guid;
        const char *device; /* RDMA device, NULL if unknown */
        uint32_t port;
        bool is_child; /* a P_Key child: it carries its parent's GUID, device and port */
} IbLinkIdentity;

/* All criteria the file sets must hold. For a [Partition] file this matches the parent. GUID= and
 * Device= identify a port, so they match only the port's own netdev, never a P_Key child of it
 * (children carry the parent's hardware address): a child is matched by Name= alone. */
bool ib_network_matches(const IbNetwork *n, const IbLinkIdentity *id) _pure_;

/* Does the file name several ports (more than one GUID= or Device=, or a Device= glob)? */
bool ib_network_multi_port(const IbNetwork *n) _pure_;

/* The port's rail index: the position of the GUID= entry it matches, else of the Device= entry
 * (a literal name; a glob has no position). -ENOENT if neither identifies it. */
int ib_network_rail_index(const IbNetwork *n, const IbLinkIdentity *id) _pure_;

/* The file matches on a port identity (GUID= or Device=). */
static inline bool ib_network_matches_port(const IbNetwork *n) {
        return n->n_match_guids > 0 || n->match_device;
}
