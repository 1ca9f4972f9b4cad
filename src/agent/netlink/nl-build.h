/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* rtnetlink messages without a socket: builders for every Action (the bytes the real backend sends, and
 * that tests compare with iproute2's), the dump requests, and parsers from a raw nlmsghdr to the
 * observed-state structs. Parsing is done on raw messages with nlmsg_parse() rather than through
 * libnl's object caches because libnl 3.7 has no ipoib link type and drops IFLA_INFO_DATA of kinds it
 * does not know. */

#include <linux/netlink.h>
#include <netlink/msg.h>

#include "action.h"
#include "kernel.h"
#include "macros.h"

DEFINE_TRIVIAL_CLEANUP_FUNC_VOID(struct nl_msg *, nlmsg_free);

/* The message for one Action, complete with NLM_F_REQUEST|NLM_F_ACK; nlmsg_seq and nlmsg_pid are left 0
 * for the sender to fill in. -EINVAL for an action that cannot be expressed (bad family, a SET_IPOIB
 * with nothing to change, an unknown type).
 *   ADDRESS_ADD  RTM_NEWADDR CREATE|EXCL; IPv4: IFA_LOCAL, IFA_ADDRESS, IFA_BROADCAST below /31; IPv6:
 *                IFA_ADDRESS (DAD as the kernel does it unless flags has IFA_F_NODAD); scope from the
 *                KAddress (0 = universe); only request flags (NODAD, NOPREFIXROUTE, …) are sent.
 *   ROUTE_ADD    RTM_NEWROUTE CREATE|EXCL; table (0 = main), protocol (0 = static), type (0 = unicast);
 *                scope link without a gateway, universe with one; RTA_DST when dst_len > 0,
 *                RTA_GATEWAY, RTA_OIF = Action.ifindex, RTA_PRIORITY always (even 0).
 *   *_DEL        as `ip address del` / `ip route del` (route: scope NOWHERE, protocol/type 0 = any).
 *   SET_MTU      RTM_NEWLINK ifi_index + IFLA_MTU;  SET_UP  RTM_NEWLINK ifi_flags = ifi_change = IFF_UP.
 *   CHILD_CREATE `ip link add link P name C type ipoib pkey X [mode M] [umcast U]`, byte for byte.
 *   SET_IPOIB    `ip link set dev C type ipoib [mode M] [umcast U]`, byte for byte.
 *   CHILD_DELETE RTM_DELLINK ifi_index.
 *   RULE_ADD/DEL `ip rule add|del [from P] [to P] [iif I] [oif O] priority N proto P lookup T`, byte for byte. */
int nl_build_action(const Action *a, struct nl_msg **ret);

/* A dump request (NLM_F_REQUEST|NLM_F_DUMP) for RTM_GETLINK, RTM_GETADDR or RTM_GETROUTE, with a header
 * valid under NETLINK_GET_STRICT_CHK. Route dumps ask for the main table only. */
int nl_build_dump(uint16_t type, int family, struct nl_msg **ret);
/* The same with the table a route dump asks for: RT_TABLE_UNSPEC for every table. RTM_GETRULE dumps
 * the family's rules (no filter). */
int nl_build_dump_table(uint16_t type, int family, uint8_t table, struct nl_msg **ret);

/* RTM_NEWLINK/RTM_DELLINK → KLink. 1 on success, 0 when skipped (ifi_family other than AF_UNSPEC: the
 * bridge's AF_BRIDGE port notifications, whose RTM_DELLINK does not mean the link is gone), -EBADMSG
 * when malformed. */
int nl_parse_link(const struct nlmsghdr *nlh, KLink *ret);
/* RTM_NEWADDR/RTM_DELADDR → KAddress. 1 when it is an IPv4/IPv6 address, 0 when skipped (other family),
 * -EBADMSG when malformed. */
int nl_parse_address(const struct nlmsghdr *nlh, KAddress *ret);
/* RTM_NEWROUTE/RTM_DELROUTE → KRoute. 1 for a unicast route with one output interface (RTA_OIF) in any
 * table but local, 0 when skipped (the local table, local/broadcast/blackhole types, multipath
 * routes without RTA_OIF, cloned cache entries, other families), -EBADMSG when malformed. */
int nl_parse_route(const struct nlmsghdr *nlh, KRoute *ret);

/* RTM_NEWRULE/RTM_DELRULE → KRule. 1 for an IPv4/IPv6 rule, 0 when skipped (other families), -EBADMSG when
 * malformed. */
int nl_parse_rule(const struct nlmsghdr *nlh, KRule *ret);

/* Whether k, from an RTM_NEWLINK, may be the sysfs child that create_child just made under parent for
 * pkey as written: an IPoIB child (kind "ipoib") whose IFLA_LINK is parent and whose IFLA_IPOIB_PKEY is
 * pkey | 0x8000 (ipoib_ndo_init()). Of several, the newest (the highest ifindex) is the one: the kernel
 * hands indexes out counting up (dev_index_reserve()). Its name is not computed: ipoib_vlan_add() says
 * "%.10s.%04x" since v6.10 and "%s.%04x" cut to 15 before (docs/kernel-ipoib.md §6). */
bool nl_link_is_sysfs_child(const KLink *k, int parent, uint16_t pkey) _pure_;

/* The NLMSGERR_ATTR_MSG text of an NLMSG_ERROR answer (NETLINK_EXT_ACK), pointing into nlh; NULL when
 * there is none. */
const char *nl_parse_extack(const struct nlmsghdr *nlh);

/* The one place libnl's NLE_* codes (positive or negative) become -errno: libnl has nl_syserr2nlerr()
 * but no reverse map. 0 stays 0. */
int errno_from_nl_error(int nle) _const_;
