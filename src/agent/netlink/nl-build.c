/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <arpa/inet.h>
/* glibc's net/if.h must come before the linux/ headers: they clash the other way round. */
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/ip.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/fib_rules.h>
#include <netlink/attr.h>
#include <netlink/errno.h>

#include "nl-build.h"

/* Which address flags a request may carry; the others (IFA_F_PERMANENT, IFA_F_TENTATIVE, …) are state
 * the kernel reports, so a KAddress copied from an observation can be sent back unchanged. */
#define IFA_REQUEST_FLAGS                                                                                   \
        (IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_NOPREFIXROUTE | IFA_F_MANAGETEMPADDR | IFA_F_MCAUTOJOIN)

static bool family_is_ip(int family) {
        return family == AF_INET || family == AF_INET6;
}

int errno_from_nl_error(int nle) {
        static const int table[] = {
                [NLE_SUCCESS] = 0,
                [NLE_FAILURE] = EIO,
                [NLE_INTR] = EINTR,
                [NLE_BAD_SOCK] = EBADF,
                [NLE_AGAIN] = EAGAIN,
                [NLE_NOMEM] = ENOMEM, /* also what libnl makes of ENOBUFS, so we read sockets ourselves */
                [NLE_EXIST] = EEXIST,
                [NLE_INVAL] = EINVAL,
                [NLE_RANGE] = ERANGE,
                [NLE_MSGSIZE] = EMSGSIZE,
                [NLE_OPNOTSUPP] = EOPNOTSUPP,
                [NLE_AF_NOSUPPORT] = EAFNOSUPPORT,
                [NLE_OBJ_NOTFOUND] = ENOENT,
                [NLE_NOATTR] = ENODATA,
                [NLE_MISSING_ATTR] = EINVAL,
                [NLE_AF_MISMATCH] = EAFNOSUPPORT,
                [NLE_SEQ_MISMATCH] = EILSEQ,
                [NLE_MSG_OVERFLOW] = EOVERFLOW,
                [NLE_MSG_TRUNC] = EMSGSIZE,
                [NLE_NOADDR] = EADDRNOTAVAIL,
                [NLE_SRCRT_NOSUPPORT] = EOPNOTSUPP,
                [NLE_MSG_TOOSHORT] = EBADMSG,
                [NLE_MSGTYPE_NOSUPPORT] = EOPNOTSUPP,
                [NLE_OBJ_MISMATCH] = EINVAL,
                [NLE_NOCACHE] = ENOENT,
                [NLE_BUSY] = EBUSY,
                [NLE_PROTO_MISMATCH] = EPROTONOSUPPORT,
                [NLE_NOACCESS] = EACCES,
                [NLE_PERM] = EPERM,
                [NLE_PKTLOC_FILE] = ENOENT,
                [NLE_PARSE_ERR] = EINVAL,
                [NLE_NODEV] = ENODEV,
                [NLE_IMMUTABLE] = EROFS,
                [NLE_DUMP_INTR] = EINTR,
                [NLE_ATTRSIZE] = ERANGE,
        };
        unsigned n = (unsigned) abs(nle);

        if (n >= ELEMENTSOF(table))
                return -EIO;
        return -table[n];
}

/* nla_put() and friends fail only with -NLE_NOMEM, when the message buffer is full. */
#define PUT(expr)                                                                                           \
        do {                                                                                                \
                int _r = (expr);                                                                            \
                if (_r < 0)                                                                                 \
                        return errno_from_nl_error(_r);                                                     \
        } while (0)

#define MSG_SIZE 1024

static int msg_new(uint16_t type, uint16_t flags, const void *hdr, size_t hdrlen, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        /* iproute2's rtnl_talk() adds NLM_F_ACK to every change; we always want the answer too. Our
         * largest request (a rule with both interface names) is under 300 bytes: a buffer of
         * MSG_SIZE, not libnl's default page that is cleared for every request (8 % of the
         * instructions of a cold converge). A request that did not fit would fail with -ENOMEM. */
        m = nlmsg_alloc_size(MSG_SIZE);
        if (!m)
                return -ENOMEM;
        if (!nlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0, NLM_F_REQUEST | NLM_F_ACK | flags))
                return -ENOMEM;
        r = nlmsg_append(m, (void *) hdr, hdrlen, NLMSG_ALIGNTO);
        if (r < 0)
                return errno_from_nl_error(r);
        *ret = TAKE_PTR(m);
        return 0;
}

/* libnl 3.7's nla_nest_start() sets NLA_F_NESTED; iproute2's addattr_nest() does not, and the kernel
 * parses IFLA_LINKINFO/IFLA_INFO_DATA with the liberal nla_parse_nested_deprecated() (rtnl_newlink), so
 * both are accepted. Clear it to send what iproute2 sends, byte for byte. */
static struct nlattr *nest_start_plain(struct nl_msg *m, int type) {
        struct nlattr *n = nla_nest_start(m, type);

        if (n)
                n->nla_type &= (uint16_t) ~NLA_F_NESTED;
        return n;
}

/* IFLA_LINKINFO { IFLA_INFO_KIND "ipoib", IFLA_INFO_DATA { PKEY?, MODE?, UMCAST? } } in iproute2's
 * order (ipoib_parse_opt() adds them in command-line order, which is how iproute2's documentation and
 * our planner write them). The kind goes without its NUL: iproute2's addattr_l(…, strlen(type)). */
static int put_ipoib_linkinfo(struct nl_msg *m, int pkey, int mode, int umcast) {
        struct nlattr *li, *data;

        li = nest_start_plain(m, IFLA_LINKINFO);
        if (!li)
                return -ENOMEM;
        PUT(nla_put(m, IFLA_INFO_KIND, strlen("ipoib"), "ipoib"));
        /* iplink_modify() emits IFLA_INFO_DATA only when options follow "type ipoib". */
        if (pkey >= 0 || mode >= 0 || umcast >= 0) {
                data = nest_start_plain(m, IFLA_INFO_DATA);
                if (!data)
                        return -ENOMEM;
                if (pkey >= 0)
                        PUT(nla_put_u16(m, IFLA_IPOIB_PKEY, (uint16_t) pkey));
                if (mode >= 0)
                        PUT(nla_put_u16(m, IFLA_IPOIB_MODE, (uint16_t) mode));
                if (umcast >= 0)
                        PUT(nla_put_u16(m, IFLA_IPOIB_UMCAST, (uint16_t) umcast));
                PUT(nla_nest_end(m, data));
        }
        PUT(nla_nest_end(m, li));
        return 0;
}

/* RTM_NEWLINK (or type) for a->ifindex, with its header ready for attributes. */
static int link_msg(const Action *a, uint16_t type, uint16_t flags, unsigned ifflags, struct nl_msg **ret) {
        struct ifinfomsg ifi = {
                .ifi_family = AF_UNSPEC,
                .ifi_index = a->ifindex,
                .ifi_flags = ifflags,
                .ifi_change = ifflags,
        };

        if (a->ifindex <= 0)
                return -EINVAL;
        return msg_new(type, flags, &ifi, sizeof(ifi), ret);
}

static int build_child_create(const Action *a, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        int r;

        /* `ip link add link P name C type ipoib …`: iplink_modify(RTM_NEWLINK, CREATE|EXCL); the parent
         * goes in IFLA_LINK, the index stays 0. */
        if (a->ifindex <= 0 || isempty(a->child.name) || strlen(a->child.name) >= IFNAMSIZ)
                return -EINVAL;
        r = msg_new(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi), &m);
        if (r < 0)
                return r;
        /* iplink_parse() order: IFLA_LINK, IFLA_IFNAME (with its NUL), then IFLA_LINKINFO. */
        PUT(nla_put_u32(m, IFLA_LINK, (uint32_t) a->ifindex));
        PUT(nla_put(m, IFLA_IFNAME, strlen(a->child.name) + 1, a->child.name));
        r = put_ipoib_linkinfo(m, a->child.pkey, a->child.mode, a->child.umcast);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

static int build_child_delete(const Action *a, struct nl_msg **ret) {
        return link_msg(a, RTM_DELLINK, 0, 0, ret);
}

static int build_set_up(const Action *a, struct nl_msg **ret) {
        return link_msg(a, RTM_NEWLINK, 0, IFF_UP, ret);
}

static int build_set_down(const Action *a, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        /* `ip link set dev D down`: IFF_UP in ifi_change, not in ifi_flags. */
        r = link_msg(a, RTM_NEWLINK, 0, 0, &m);
        if (r < 0)
                return r;
        ((struct ifinfomsg *) nlmsg_data(nlmsg_hdr(m)))->ifi_change = IFF_UP;
        *ret = TAKE_PTR(m);
        return 0;
}

static int build_set_ipoib(const Action *a, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        if (a->ipoib.mode < 0 && a->ipoib.umcast < 0)
                return -EINVAL; /* nothing to change */
        r = link_msg(a, RTM_NEWLINK, 0, 0, &m);
        if (r < 0)
                return r;
        /* `ip link set dev C type ipoib mode M`: ifi_index only, no IFLA_IFNAME. */
        r = put_ipoib_linkinfo(m, -1, a->ipoib.mode, a->ipoib.umcast);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

static int build_set_mtu(const Action *a, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        r = link_msg(a, RTM_NEWLINK, 0, 0, &m);
        if (r < 0)
                return r;
        PUT(nla_put_u32(m, IFLA_MTU, a->mtu));
        *ret = TAKE_PTR(m);
        return 0;
}

static int build_set_promote_secondaries(const Action *a, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        struct nlattr *af, *inet, *conf;
        int r;

        r = link_msg(a, RTM_NEWLINK, 0, 0, &m);
        if (r < 0)
                return r;
        /* inet_set_link_af(): IFLA_AF_SPEC { AF_INET { IFLA_INET_CONF { [devconf id] u32 } } } */
        af = nla_nest_start(m, IFLA_AF_SPEC);
        inet = af ? nla_nest_start(m, AF_INET) : NULL;
        conf = inet ? nla_nest_start(m, IFLA_INET_CONF) : NULL;
        if (!conf)
                return -ENOMEM;
        PUT(nla_put_u32(m, IPV4_DEVCONF_PROMOTE_SECONDARIES, a->promote_secondaries));
        PUT(nla_nest_end(m, conf));
        PUT(nla_nest_end(m, inet));
        PUT(nla_nest_end(m, af));
        *ret = TAKE_PTR(m);
        return 0;
}

static int build_set_arp(const Action *a, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        struct nlattr *af, *inet, *conf;
        int r;

        r = link_msg(a, RTM_NEWLINK, 0, 0, &m);
        if (r < 0)
                return r;
        /* The same values as /proc/sys/net/ipv4/conf/IF/arp_ignore and arp_announce
         * (inet_set_link_af() → ipv4_devconf_set()), without a file to write. */
        af = nla_nest_start(m, IFLA_AF_SPEC);
        inet = af ? nla_nest_start(m, AF_INET) : NULL;
        conf = inet ? nla_nest_start(m, IFLA_INET_CONF) : NULL;
        if (!conf)
                return -ENOMEM;
        if (a->arp.ignore >= 0)
                PUT(nla_put_u32(m, IPV4_DEVCONF_ARP_IGNORE, (uint32_t) a->arp.ignore));
        if (a->arp.announce >= 0)
                PUT(nla_put_u32(m, IPV4_DEVCONF_ARP_ANNOUNCE, (uint32_t) a->arp.announce));
        PUT(nla_nest_end(m, conf));
        PUT(nla_nest_end(m, inet));
        PUT(nla_nest_end(m, af));
        *ret = TAKE_PTR(m);
        return 0;
}

static int build_address(const Action *a, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        const KAddress *ka = &a->address;
        bool add = a->type == ACTION_ADDRESS_ADD;
        uint32_t flags = add ? ka->flags & IFA_REQUEST_FLAGS : 0;
        struct ifaddrmsg ifa = {
                .ifa_family = (uint8_t) ka->family,
                .ifa_prefixlen = ka->prefixlen,
                .ifa_flags = (uint8_t) (flags & 0xff),
                .ifa_scope = add ? ka->scope : 0,
                .ifa_index = (uint32_t) a->ifindex,
        };
        unsigned size;
        int r;

        if (!family_is_ip(ka->family) || ka->prefixlen > family_max_prefixlen(ka->family) || a->ifindex <= 0)
                return -EINVAL;
        size = family_address_size(ka->family);

        /* As `ip address add/del`: RTM_NEWADDR with CREATE|EXCL, so an address that is already there is
         * -EEXIST rather than a silent replace of its flags. */
        r = msg_new(add ? RTM_NEWADDR : RTM_DELADDR, add ? NLM_F_CREATE | NLM_F_EXCL : 0, &ifa, sizeof(ifa),
                    &m);
        if (r < 0)
                return r;

        if (ka->family == AF_INET) {
                /* inet_rtm_newaddr() takes the address from IFA_LOCAL and the peer/prefix from IFA_ADDRESS;
                 * iproute2 sends both, equal, for a non-peer address. */
                PUT(nla_put(m, IFA_LOCAL, size, &ka->addr));
                PUT(nla_put(m, IFA_ADDRESS, size, &ka->addr));
                if (add && ka->prefixlen < 31) {
                        /* `brd +`: the kernel computes none itself (inet_rtm_newaddr() leaves it 0). */
                        uint32_t host = ka->prefixlen == 0 ? 0xffffffffu : 0xffffffffu >> ka->prefixlen;
                        struct in_addr brd = { .s_addr = ka->addr.in.s_addr | htonl(host) };

                        PUT(nla_put(m, IFA_BROADCAST, size, &brd));
                }
        } else
                PUT(nla_put(m, IFA_ADDRESS, size, &ka->addr));

        if (flags > 0xff)
                PUT(nla_put_u32(m, IFA_FLAGS, flags));
        /* The owner's mark (ipoib-proto.h). A kernel before 6.1 ignores the attribute (its address
         * policies are parsed liberally) and reports none: the agent then keeps a record instead. */
        if (add && ka->protocol != 0)
                PUT(nla_put_u8(m, IFA_PROTO, ka->protocol));

        *ret = TAKE_PTR(m);
        return 0;
}

static int build_route(const Action *a, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        const KRoute *kr = &a->route;
        bool add = a->type == ACTION_ROUTE_ADD;
        uint32_t table = kr->table ?: RT_TABLE_MAIN;
        struct rtmsg rtm = {
                .rtm_family = (uint8_t) kr->family,
                .rtm_dst_len = kr->dst_len,
                .rtm_table = table < 256 ? (uint8_t) table : RT_TABLE_UNSPEC,
        };
        unsigned size;
        int r;

        if (!family_is_ip(kr->family) || kr->dst_len > family_max_prefixlen(kr->family) || a->ifindex <= 0)
                return -EINVAL;
        size = family_address_size(kr->family);

        if (add) {
                rtm.rtm_protocol = kr->protocol ?: RTPROT_STATIC;
                /* A route without gateway is on-link: scope link, as `ip route add P dev D` gets from
                 * iproute2 (iproute_modify()). With a gateway, universe. */
                rtm.rtm_scope = kr->has_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
                rtm.rtm_type = kr->type ?: RTN_UNICAST;
                rtm.rtm_flags = kr->flags & RTNH_F_ONLINK;
        } else {
                /* iproute2 deletes with scope NOWHERE, protocol and type 0: "match any" in
                 * fib_table_delete()/ip6_route_del(). */
                rtm.rtm_scope = RT_SCOPE_NOWHERE;
        }

        r = msg_new(add ? RTM_NEWROUTE : RTM_DELROUTE, add ? NLM_F_CREATE | NLM_F_EXCL : 0, &rtm,
                    sizeof(rtm), &m);
        if (r < 0)
                return r;

        if (table >= 256)
                PUT(nla_put_u32(m, RTA_TABLE, table));
        if (kr->dst_len > 0)
                PUT(nla_put(m, RTA_DST, size, &kr->dst));
        if (kr->has_gw)
                PUT(nla_put(m, RTA_GATEWAY, size, &kr->gw));
        PUT(nla_put_u32(m, RTA_OIF, (uint32_t) a->ifindex));
        /* Always, even 0: the metric is part of the route's identity, and for deletion it selects which
         * of several otherwise equal routes goes. */
        PUT(nla_put_u32(m, RTA_PRIORITY, kr->metric));

        *ret = TAKE_PTR(m);
        return 0;
}

/* `ip rule add|del [from P] [to P] [iif I] [oif O] priority N proto 149 lookup T`, byte for byte: the table in
 * the header when it fits in 8 bits, else FRA_TABLE (iprule_modify()). The protocol is sent on deletion
 * too: rule_find() then matches only a rule with that protocol, so a foreign rule that looks the same is
 * never the one removed. */
static int build_rule(const Action *a, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        const KRule *k = &a->rule;
        bool add = a->type == ACTION_RULE_ADD;
        struct fib_rule_hdr frh = {
                .family = (uint8_t) k->family,
                .dst_len = k->dst_len,
                .src_len = k->src_len,
                .table = k->table < 256 ? (uint8_t) k->table : RT_TABLE_UNSPEC,
                .action = add ? FR_ACT_TO_TBL : FR_ACT_UNSPEC,
        };
        unsigned size;
        int r;

        if (!family_is_ip(k->family) || k->src_len > family_max_prefixlen(k->family) ||
            k->dst_len > family_max_prefixlen(k->family) || k->table == 0 || k->other)
                return -EINVAL;
        size = family_address_size(k->family);
        r = msg_new(add ? RTM_NEWRULE : RTM_DELRULE, add ? NLM_F_CREATE | NLM_F_EXCL : 0, &frh, sizeof(frh), &m);
        if (r < 0)
                return r;
        if (k->src_len > 0)
                PUT(nla_put(m, FRA_SRC, size, &k->src));
        if (k->dst_len > 0)
                PUT(nla_put(m, FRA_DST, size, &k->dst));
        if (k->iif[0])
                PUT(nla_put(m, FRA_IIFNAME, strlen(k->iif) + 1, k->iif));
        if (k->oif[0])
                PUT(nla_put(m, FRA_OIFNAME, strlen(k->oif) + 1, k->oif));
        PUT(nla_put_u32(m, FRA_PRIORITY, k->priority));
        if (k->protocol != 0)
                PUT(nla_put_u8(m, FRA_PROTOCOL, k->protocol));
        if (k->table >= 256)
                PUT(nla_put_u32(m, FRA_TABLE, k->table));
        *ret = TAKE_PTR(m);
        return 0;
}

int nl_build_action(const Action *a, struct nl_msg **ret) {
        /* One builder per action type (action.h lists where else a new type needs a row). */
        static int (*const builders[_ACTION_TYPE_MAX])(const Action *a, struct nl_msg **ret) = {
                [ACTION_ADDRESS_DEL] = build_address,
                [ACTION_ROUTE_DEL] = build_route,
                [ACTION_CHILD_DELETE] = build_child_delete,
                [ACTION_CHILD_CREATE] = build_child_create,
                [ACTION_SET_IPOIB] = build_set_ipoib,
                [ACTION_SET_PROMOTE_SECONDARIES] = build_set_promote_secondaries,
                [ACTION_SET_ARP] = build_set_arp,
                [ACTION_SET_MTU] = build_set_mtu,
                [ACTION_SET_UP] = build_set_up,
                [ACTION_SET_DOWN] = build_set_down,
                [ACTION_ADDRESS_ADD] = build_address,
                [ACTION_ROUTE_ADD] = build_route,
                [ACTION_RULE_ADD] = build_rule,
                [ACTION_RULE_DEL] = build_rule,
        };

        if (a->type < 0 || a->type >= _ACTION_TYPE_MAX || !builders[a->type])
                return -EINVAL;
        return builders[a->type](a, ret);
}

int nl_build_dump(uint16_t type, int family, struct nl_msg **ret) {
        return nl_build_dump_table(type, family, RT_TABLE_MAIN, ret);
}

int nl_build_dump_table(uint16_t type, int family, uint8_t table, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        union {
                struct ifinfomsg ifi;
                struct ifaddrmsg ifa;
                struct rtmsg rtm;
                struct fib_rule_hdr frh;
        } h = {};
        size_t len;

        m = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_DUMP);
        if (!m)
                return -ENOMEM;

        /* Under NETLINK_GET_STRICT_CHK the kernel insists on the exact header size and on zeroes in
         * everything that is not a filter (rtnl_valid_dump_ifinfo_req(), inet_valid_dump_ifaddr_req(),
         * ip_valid_fib_dump_req()). */
        switch (type) {
        case RTM_GETLINK:
                h.ifi.ifi_family = (uint8_t) family;
                len = sizeof(h.ifi);
                break;
        case RTM_GETADDR:
                h.ifa.ifa_family = (uint8_t) family;
                len = sizeof(h.ifa);
                break;
        case RTM_GETROUTE:
                h.rtm.rtm_family = (uint8_t) family;
                h.rtm.rtm_table = table;
                len = sizeof(h.rtm);
                break;
        case RTM_GETRULE:
                /* fib_valid_dumprule_req(): the family only, no attributes. */
                h.frh.family = (uint8_t) family;
                len = sizeof(h.frh);
                break;
        default:
                return -EINVAL;
        }
        PUT(nlmsg_append(m, &h, len, NLMSG_ALIGNTO));
        /* Links: leave the statistics out, they are most of each message and we do not read them. */
        if (type == RTM_GETLINK)
                PUT(nla_put_u32(m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS));
        else if (type == RTM_GETROUTE && table != RT_TABLE_UNSPEC)
                PUT(nla_put_u32(m, RTA_TABLE, table));

        *ret = TAKE_PTR(m);
        return 0;
}

/* Attribute readers that check the length, since we parse without a policy (libnl's NLA_STRING policy
 * would reject the NUL-less kind iproute2 sends, which our own round-trip tests parse). */
static bool attr_u32(const struct nlattr *a, uint32_t *v) {
        if (!a || nla_len(a) < (int) sizeof(uint32_t))
                return false;
        *v = nla_get_u32((struct nlattr *) a);
        return true;
}

static bool attr_u16(const struct nlattr *a, uint16_t *v) {
        if (!a || nla_len(a) < (int) sizeof(uint16_t))
                return false;
        *v = nla_get_u16((struct nlattr *) a);
        return true;
}

static bool attr_u8(const struct nlattr *a, uint8_t *v) {
        if (!a || nla_len(a) < (int) sizeof(uint8_t))
                return false;
        *v = nla_get_u8((struct nlattr *) a);
        return true;
}

static void attr_string(const struct nlattr *a, char *buf, size_t size) {
        size_t n;

        if (!a) {
                buf[0] = 0;
                return;
        }
        n = strnlen(nla_data(a), (size_t) nla_len(a));
        n = MIN(n, size - 1);
        memcpy(buf, nla_data(a), n);
        buf[n] = 0;
}

static bool attr_addr(const struct nlattr *a, int family, union in_addr_union *v) {
        if (!a || nla_len(a) != (int) family_address_size(family))
                return false;
        *v = (union in_addr_union) {};
        memcpy(v, nla_data(a), family_address_size(family));
        return true;
}

static int parse_linkinfo(const struct nlattr *linkinfo, KLink *l) {
        struct nlattr *li[IFLA_INFO_MAX + 1], *ib[IFLA_IPOIB_MAX + 1];
        uint16_t v;
        int r;

        r = nla_parse_nested(li, IFLA_INFO_MAX, (struct nlattr *) linkinfo, NULL);
        if (r < 0)
                return -EBADMSG;
        attr_string(li[IFLA_INFO_KIND], l->kind, sizeof(l->kind));
        if (!streq(l->kind, "ipoib") || !li[IFLA_INFO_DATA])
                return 0;

        /* ipoib_fill_info(): PKEY, MODE and UMCAST, all u16, PKEY with the full-membership bit. */
        r = nla_parse_nested(ib, IFLA_IPOIB_MAX, li[IFLA_INFO_DATA], NULL);
        if (r < 0)
                return -EBADMSG;
        l->has_ipoib = true;
        if (attr_u16(ib[IFLA_IPOIB_PKEY], &v))
                l->pkey = v;
        if (attr_u16(ib[IFLA_IPOIB_MODE], &v))
                l->mode = (uint8_t) v;
        if (attr_u16(ib[IFLA_IPOIB_UMCAST], &v))
                l->umcast = v > 0;
        return 0;
}

/* inet_fill_link_af(): IFLA_INET_CONF is the u32 array ipv4_devconf.data, index = devconf id - 1. */
static void parse_af_spec(const struct nlattr *af_spec, KLink *l) {
        const struct nlattr *af;
        int rem;

        nla_for_each_nested(af, af_spec, rem) {
                struct nlattr *tb[IFLA_INET_MAX + 1];

                if (nla_type(af) != AF_INET ||
                    nla_parse_nested(tb, IFLA_INET_MAX, (struct nlattr *) af, NULL) < 0 || !tb[IFLA_INET_CONF])
                        continue;
                if ((size_t) nla_len(tb[IFLA_INET_CONF]) < IPV4_DEVCONF_PROMOTE_SECONDARIES * sizeof(uint32_t))
                        continue;
                l->has_inet_conf = true;
                l->promote_secondaries =
                        ((const uint32_t *) nla_data(tb[IFLA_INET_CONF]))[IPV4_DEVCONF_PROMOTE_SECONDARIES - 1] != 0;
                /* ARP_ANNOUNCE < ARP_IGNORE < PROMOTE_SECONDARIES: the length check above covers them. */
                l->has_arp_conf = true;
                l->arp_ignore = (uint8_t) ((const uint32_t *) nla_data(tb[IFLA_INET_CONF]))[IPV4_DEVCONF_ARP_IGNORE - 1];
                l->arp_announce =
                        (uint8_t) ((const uint32_t *) nla_data(tb[IFLA_INET_CONF]))[IPV4_DEVCONF_ARP_ANNOUNCE - 1];
        }
}

bool nl_link_is_sysfs_child(const KLink *k, int parent, uint16_t pkey) {
        return k->has_ipoib && streq(k->kind, "ipoib") && k->parent == parent && k->ifindex != parent &&
                k->pkey == (uint16_t) (pkey | 0x8000);
}

int nl_parse_link(const struct nlmsghdr *nlh, KLink *ret) {
        struct nlattr *tb[IFLA_MAX + 1];
        const struct ifinfomsg *ifi;
        KLink l = {};
        uint32_t u;
        int r;

        if (!nlmsg_valid_hdr(nlh, sizeof(*ifi)))
                return -EBADMSG;
        r = nlmsg_parse((struct nlmsghdr *) nlh, sizeof(*ifi), tb, IFLA_MAX, NULL);
        if (r < 0)
                return -EBADMSG;
        ifi = nlmsg_data(nlh);
        if (ifi->ifi_family != AF_UNSPEC)
                return 0;

        l.ifindex = ifi->ifi_index;
        l.arphrd = ifi->ifi_type;
        l.flags = ifi->ifi_flags;
        attr_string(tb[IFLA_IFNAME], l.ifname, sizeof(l.ifname));
        (void) attr_u8(tb[IFLA_OPERSTATE], &l.operstate);
        (void) attr_u32(tb[IFLA_MTU], &l.mtu);
        (void) attr_u32(tb[IFLA_MAX_MTU], &l.max_mtu);
        if (attr_u32(tb[IFLA_LINK], &u))
                l.parent = (int) u;
        if (tb[IFLA_ADDRESS]) {
                /* 20 bytes on IPoIB (INFINIBAND_ALEN); more than we keep would be a new link type. */
                l.hwaddr_len = (uint8_t) MIN((size_t) nla_len(tb[IFLA_ADDRESS]), sizeof(l.hwaddr));
                memcpy(l.hwaddr, nla_data(tb[IFLA_ADDRESS]), l.hwaddr_len);
        }
        if (tb[IFLA_AF_SPEC])
                parse_af_spec(tb[IFLA_AF_SPEC], &l);
        if (tb[IFLA_LINKINFO]) {
                r = parse_linkinfo(tb[IFLA_LINKINFO], &l);
                if (r < 0)
                        return r;
        }
        if (l.ifindex <= 0)
                return -EBADMSG;

        *ret = l;
        return 1;
}

int nl_parse_address(const struct nlmsghdr *nlh, KAddress *ret) {
        struct nlattr *tb[IFA_MAX + 1];
        const struct ifaddrmsg *ifa;
        KAddress a = {};
        int r;

        if (!nlmsg_valid_hdr(nlh, sizeof(*ifa)))
                return -EBADMSG;
        r = nlmsg_parse((struct nlmsghdr *) nlh, sizeof(*ifa), tb, IFA_MAX, NULL);
        if (r < 0)
                return -EBADMSG;
        ifa = nlmsg_data(nlh);
        if (!family_is_ip(ifa->ifa_family))
                return 0;

        a.ifindex = (int) ifa->ifa_index;
        a.family = ifa->ifa_family;
        a.prefixlen = ifa->ifa_prefixlen;
        a.scope = ifa->ifa_scope;
        a.flags = ifa->ifa_flags;
        (void) attr_u32(tb[IFA_FLAGS], &a.flags); /* the full 32 bits; ifa_flags holds only the low 8 */
        (void) attr_u8(tb[IFA_PROTO], &a.protocol);

        /* For IPv4 IFA_LOCAL is the address and IFA_ADDRESS the peer (equal unless point-to-point); IPv6
         * sends IFA_ADDRESS (and IFA_LOCAL only with a peer), see inet_fill_ifaddr()/inet6_fill_ifaddr(). */
        if (a.family == AF_INET && attr_addr(tb[IFA_LOCAL], a.family, &a.addr))
                ;
        else if (a.family == AF_INET6 && tb[IFA_LOCAL] && attr_addr(tb[IFA_LOCAL], a.family, &a.addr))
                ;
        else if (!attr_addr(tb[IFA_ADDRESS], a.family, &a.addr))
                return -EBADMSG;

        *ret = a;
        return 1;
}

int nl_parse_route(const struct nlmsghdr *nlh, KRoute *ret) {
        struct nlattr *tb[RTA_MAX + 1];
        const struct rtmsg *rtm;
        KRoute k = {};
        uint32_t oif = 0;
        int r;

        if (!nlmsg_valid_hdr(nlh, sizeof(*rtm)))
                return -EBADMSG;
        r = nlmsg_parse((struct nlmsghdr *) nlh, sizeof(*rtm), tb, RTA_MAX, NULL);
        if (r < 0)
                return -EBADMSG;
        rtm = nlmsg_data(nlh);
        if (!family_is_ip(rtm->rtm_family))
                return 0;

        k.family = rtm->rtm_family;
        k.dst_len = rtm->rtm_dst_len;
        k.table = rtm->rtm_table;
        (void) attr_u32(tb[RTA_TABLE], &k.table); /* rtm_table is only 8 bits */
        k.protocol = rtm->rtm_protocol;
        k.scope = rtm->rtm_scope;
        k.type = rtm->rtm_type;

        /* What the agent manages: unicast routes through one interface, in the main table or another
         * (Table=, SourceRouting=). Routes of the local table, multipath routes (RTA_MULTIPATH, no RTA_OIF)
         * and IPv6 cache clones are not. */
        if (k.table == RT_TABLE_LOCAL || k.table == RT_TABLE_UNSPEC || k.type != RTN_UNICAST ||
            (rtm->rtm_flags & RTM_F_CLONED))
                return 0;
        if (!attr_u32(tb[RTA_OIF], &oif) || oif == 0)
                return 0;
        k.ifindex = (int) oif;

        if (k.dst_len > 0 && !attr_addr(tb[RTA_DST], k.family, &k.dst))
                return -EBADMSG;
        /* An IPv4 gateway of an IPv6 route comes as RTA_VIA, which we do not create: no has_gw then. */
        k.has_gw = attr_addr(tb[RTA_GATEWAY], k.family, &k.gw);
        (void) attr_u32(tb[RTA_PRIORITY], &k.metric); /* absent means 0 (IPv4 only; IPv6 always sends it) */

        *ret = k;
        return 1;
}

int nl_parse_rule(const struct nlmsghdr *nlh, KRule *ret) {
        /* Selectors and actions the agent never writes (fib_nl_fill_rule(), fib4/6_rule_fill()): a rule with
         * one of them is someone else's kind of rule. */
        static const uint16_t others[] = { FRA_FWMARK, FRA_FWMASK, FRA_GOTO, FRA_FLOW, FRA_TUN_ID, FRA_L3MDEV,
                                           FRA_UID_RANGE, FRA_IP_PROTO, FRA_SPORT_RANGE, FRA_DPORT_RANGE };
        uint32_t v;
        struct nlattr *tb[FRA_MAX + 1];
        const struct fib_rule_hdr *frh;
        KRule k = {};
        int r;

        if (!nlmsg_valid_hdr(nlh, sizeof(*frh)))
                return -EBADMSG;
        r = nlmsg_parse((struct nlmsghdr *) nlh, sizeof(*frh), tb, FRA_MAX, NULL);
        if (r < 0)
                return -EBADMSG;
        frh = nlmsg_data(nlh);
        if (!family_is_ip(frh->family))
                return 0;
        k.family = frh->family;
        k.src_len = frh->src_len;
        k.dst_len = frh->dst_len;
        k.table = frh->table;
        (void) attr_u32(tb[FRA_TABLE], &k.table);
        (void) attr_u32(tb[FRA_PRIORITY], &k.priority); /* absent for priority 0 */
        (void) attr_u8(tb[FRA_PROTOCOL], &k.protocol);
        if (k.src_len > 0 && !attr_addr(tb[FRA_SRC], k.family, &k.src))
                return -EBADMSG;
        if (k.dst_len > 0 && !attr_addr(tb[FRA_DST], k.family, &k.dst))
                return -EBADMSG;
        attr_string(tb[FRA_IIFNAME], k.iif, sizeof(k.iif));
        attr_string(tb[FRA_OIFNAME], k.oif, sizeof(k.oif));
        /* FIB_RULE_IIF_DETACHED/OIF_DETACHED only say the interface is absent now. */
        k.other = frh->tos != 0 || frh->action != FR_ACT_TO_TBL || (frh->flags & FIB_RULE_INVERT);
        for (size_t i = 0; i < ELEMENTSOF(others); i++)
                k.other = k.other || (others[i] <= FRA_MAX && tb[others[i]]);
        /* These two come with every rule, -1 meaning unset (fib_nl_fill_rule()). */
        k.other = k.other || (attr_u32(tb[FRA_SUPPRESS_PREFIXLEN], &v) && v != UINT32_MAX) ||
                (attr_u32(tb[FRA_SUPPRESS_IFGROUP], &v) && v != UINT32_MAX);
        *ret = k;
        return 1;
}

const char *nl_parse_extack(const struct nlmsghdr *nlh) {
        const struct nlmsgerr *e = nlmsg_data(nlh);
        const struct nlattr *a;
        size_t off = sizeof(*e);
        int rem;

        if (nlh->nlmsg_type != NLMSG_ERROR || !nlmsg_valid_hdr(nlh, sizeof(*e)))
                return NULL;

        /* netlink_ack(): the TLVs follow the echoed request unless NETLINK_CAP_ACK capped it. */
        if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
                return NULL;
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
                if (e->msg.nlmsg_len < NLMSG_HDRLEN)
                        return NULL;
                off += NLMSG_ALIGN((size_t) e->msg.nlmsg_len - NLMSG_HDRLEN);
        }
        if (off >= (size_t) nlmsg_datalen(nlh))
                return NULL;
        nla_for_each_attr(a, (const struct nlattr *) ((const uint8_t *) e + off),
                          nlmsg_datalen(nlh) - (int) off, rem)
                if (nla_type(a) == NLMSGERR_ATTR_MSG && nla_len(a) > 0 &&
                    memchr(nla_data(a), 0, (size_t) nla_len(a)))
                        return nla_data(a);
        return NULL;
}
