/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The netlink trace (iwd's IWD_RTNL_DEBUG): with IPOIB_AGENT_NETLINK_TRACE=1 in the environment the
 * real backend logs every rtnetlink message it sends and receives, one line each. The line format is
 * stable, tests and scripts count these lines:
 *
 *   netlink: DIR TYPE flags=0xFLAGS seq=SEQ HEADER ATTRIBUTES
 *
 *   DIR        "send" or "recv"
 *   TYPE       RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR, RTM_NEWROUTE,
 *              RTM_DELROUTE, RTM_GETROUTE, NLMSG_ERROR, NLMSG_DONE, NLMSG_NOOP, or "type#N"
 *   flags      nlmsg_flags in hex (0x605 = REQUEST|ACK|EXCL|CREATE), seq in decimal
 *   HEADER     link:  "ifindex=N arphrd=N ifflags=0xN change=0xN"
 *              addr:  "family=inet|inet6|N prefixlen=N ifindex=N scope=N ifa_flags=0xN"
 *              route: "family=… dst_len=N table=N proto=N scope=N rtype=N rtm_flags=0xN"
 *              error: "error=-N (ENAME) for=TYPE for_seq=N" and, with an extended ack, msg="TEXT"
 *   ATTRIBUTES NAME=VALUE for the attributes the agent uses (IFLA_IFNAME=ib0 IFLA_MTU=65520
 *              IFA_LOCAL=192.0.2.1 RTA_GATEWAY=fe80::1 …), nests in braces
 *              (IFLA_LINKINFO={IFLA_INFO_KIND=ipoib IFLA_INFO_DATA={IFLA_IPOIB_PKEY=0x8002}}),
 *              binary values in hex (IFLA_ADDRESS=00:11:…), then "+N" for N attributes not shown.
 *
 * A mutating request the agent made is therefore a line starting "netlink: send RTM_NEW" or
 * "netlink: send RTM_DEL". Lines are logged at LOG_INFO whatever the log level (the variable is the
 * request to see them), prefixed by nothing else on stderr. */

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>

#define NL_TRACE_LINE_MAX 1024

/* IPOIB_AGENT_NETLINK_TRACE is 1/yes/true. */
bool nl_trace_enabled(void);

/* "RTM_NEWLINK" …, or NULL for a type we have no name for. */
const char *nl_message_type_to_string(unsigned type);

/* Formats one message (nlh must be a complete, length-checked message) into buf. Returns buf. */
char *nl_trace_format(const struct nlmsghdr *nlh, bool sent, char *buf, size_t size);

/* Logs the line when the trace is enabled. */
void nl_trace(const struct nlmsghdr *nlh, bool sent);
