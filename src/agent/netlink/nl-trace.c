/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/fib_rules.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdarg.h>
#include <strings.h>

#include "log.h"
#include "macros.h"
#include "nl-build.h"
#include "nl-trace.h"

typedef enum AttrKind {
        ATTR_SKIP, /* not shown, counted in "+N" */
        ATTR_U8,
        ATTR_U16,
        ATTR_U16_HEX,
        ATTR_U32,
        ATTR_U32_HEX,
        ATTR_STRING,
        ATTR_IP, /* in the family of the message header */
        ATTR_HEX,
        ATTR_SIZE, /* "[N bytes]" */
        ATTR_NEST_LINKINFO,
        ATTR_NEST_INFO_DATA,
} AttrKind;

typedef struct AttrDesc {
        const char *name;
        AttrKind kind;
} AttrDesc;

static const AttrDesc link_attrs[] = {
        [IFLA_ADDRESS] = { "IFLA_ADDRESS", ATTR_HEX },
        [IFLA_BROADCAST] = { "IFLA_BROADCAST", ATTR_HEX },
        [IFLA_IFNAME] = { "IFLA_IFNAME", ATTR_STRING },
        [IFLA_MTU] = { "IFLA_MTU", ATTR_U32 },
        [IFLA_LINK] = { "IFLA_LINK", ATTR_U32 },
        [IFLA_MASTER] = { "IFLA_MASTER", ATTR_U32 },
        [IFLA_OPERSTATE] = { "IFLA_OPERSTATE", ATTR_U8 },
        [IFLA_LINKINFO] = { "IFLA_LINKINFO", ATTR_NEST_LINKINFO },
        [IFLA_EXT_MASK] = { "IFLA_EXT_MASK", ATTR_U32_HEX },
        [IFLA_CARRIER] = { "IFLA_CARRIER", ATTR_U8 },
        [IFLA_MIN_MTU] = { "IFLA_MIN_MTU", ATTR_U32 },
        [IFLA_MAX_MTU] = { "IFLA_MAX_MTU", ATTR_U32 },
};

static const AttrDesc linkinfo_attrs[] = {
        [IFLA_INFO_KIND] = { "IFLA_INFO_KIND", ATTR_STRING },
        [IFLA_INFO_DATA] = { "IFLA_INFO_DATA", ATTR_NEST_INFO_DATA },
};

/* IFLA_INFO_DATA is decoded for kind "ipoib" only; the other kinds would need their own tables. */
static const AttrDesc linkinfo_other_attrs[] = {
        [IFLA_INFO_KIND] = { "IFLA_INFO_KIND", ATTR_STRING },
        [IFLA_INFO_DATA] = { "IFLA_INFO_DATA", ATTR_SIZE },
};

static const AttrDesc ipoib_attrs[] = {
        [IFLA_IPOIB_PKEY] = { "IFLA_IPOIB_PKEY", ATTR_U16_HEX },
        [IFLA_IPOIB_MODE] = { "IFLA_IPOIB_MODE", ATTR_U16 },
        [IFLA_IPOIB_UMCAST] = { "IFLA_IPOIB_UMCAST", ATTR_U16 },
};

static const AttrDesc addr_attrs[] = {
        [IFA_ADDRESS] = { "IFA_ADDRESS", ATTR_IP },
        [IFA_LOCAL] = { "IFA_LOCAL", ATTR_IP },
        [IFA_LABEL] = { "IFA_LABEL", ATTR_STRING },
        [IFA_BROADCAST] = { "IFA_BROADCAST", ATTR_IP },
        [IFA_FLAGS] = { "IFA_FLAGS", ATTR_U32_HEX },
        [IFA_RT_PRIORITY] = { "IFA_RT_PRIORITY", ATTR_U32 },
        [IFA_PROTO] = { "IFA_PROTO", ATTR_U8 },
};

static const AttrDesc route_attrs[] = {
        [RTA_DST] = { "RTA_DST", ATTR_IP },
        [RTA_SRC] = { "RTA_SRC", ATTR_IP },
        [RTA_OIF] = { "RTA_OIF", ATTR_U32 },
        [RTA_GATEWAY] = { "RTA_GATEWAY", ATTR_IP },
        [RTA_PRIORITY] = { "RTA_PRIORITY", ATTR_U32 },
        [RTA_PREFSRC] = { "RTA_PREFSRC", ATTR_IP },
        [RTA_TABLE] = { "RTA_TABLE", ATTR_U32 },
        [RTA_PREF] = { "RTA_PREF", ATTR_U8 },
};

static const AttrDesc rule_attrs[] = {
        [FRA_DST] = { "FRA_DST", ATTR_IP },
        [FRA_SRC] = { "FRA_SRC", ATTR_IP },
        [FRA_IIFNAME] = { "FRA_IIFNAME", ATTR_STRING },
        [FRA_PRIORITY] = { "FRA_PRIORITY", ATTR_U32 },
        [FRA_TABLE] = { "FRA_TABLE", ATTR_U32 },
        [FRA_OIFNAME] = { "FRA_OIFNAME", ATTR_STRING },
        [FRA_PROTOCOL] = { "FRA_PROTOCOL", ATTR_U8 },
        [FRA_SUPPRESS_PREFIXLEN] = { "FRA_SUPPRESS_PREFIXLEN", ATTR_U32_HEX },
};

static const char *const nl_message_type_table[] = {
        [NLMSG_NOOP] = "NLMSG_NOOP",
        [NLMSG_ERROR] = "NLMSG_ERROR",
        [NLMSG_DONE] = "NLMSG_DONE",
        [NLMSG_OVERRUN] = "NLMSG_OVERRUN",
        [RTM_NEWLINK] = "RTM_NEWLINK",
        [RTM_DELLINK] = "RTM_DELLINK",
        [RTM_GETLINK] = "RTM_GETLINK",
        [RTM_SETLINK] = "RTM_SETLINK",
        [RTM_NEWADDR] = "RTM_NEWADDR",
        [RTM_DELADDR] = "RTM_DELADDR",
        [RTM_GETADDR] = "RTM_GETADDR",
        [RTM_NEWROUTE] = "RTM_NEWROUTE",
        [RTM_DELROUTE] = "RTM_DELROUTE",
        [RTM_GETROUTE] = "RTM_GETROUTE",
        [RTM_NEWRULE] = "RTM_NEWRULE",
        [RTM_DELRULE] = "RTM_DELRULE",
        [RTM_GETRULE] = "RTM_GETRULE",
};

DEFINE_STRING_TABLE_LOOKUP_TO_STRING(nl_message_type, unsigned);

bool nl_trace_enabled(void) {
        /* Not cached: a getenv() per message is nothing next to the syscall, and tests can toggle it. */
        const char *e = getenv("IPOIB_AGENT_NETLINK_TRACE");

        return e && (streq(e, "1") || strcasecmp(e, "yes") == 0 || strcasecmp(e, "true") == 0);
}

/* An appender that never overflows: once full, the rest is dropped and the line ends in "…". */
typedef struct Out {
        char *buf;
        size_t size, len;
} Out;

_printf_(2, 3) static void out(Out *o, const char *fmt, ...) {
        va_list ap;
        int n;

        if (o->len + 1 >= o->size)
                return;
        va_start(ap, fmt);
        n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        o->len = MIN(o->len + (size_t) n, o->size - 1);
}

static const char *family_str(int family, char *buf, size_t size) {
        if (family == AF_INET)
                return "inet";
        if (family == AF_INET6)
                return "inet6";
        if (family == AF_UNSPEC)
                return "unspec";
        snprintf(buf, size, "%d", family);
        return buf;
}

static void out_attrs(Out *o, const struct nlattr *head, int len, const AttrDesc *descs, size_t n_descs,
                      int family);

static void out_attr_value(Out *o, const struct nlattr *a, AttrKind kind, int family) {
        const uint8_t *d = nla_data(a);
        int len = nla_len(a);
        char ip[INET6_ADDRSTRLEN];

        switch (kind) {
        case ATTR_U8:
                if (len < 1)
                        break;
                out(o, "%u", d[0]);
                return;
        case ATTR_U16:
        case ATTR_U16_HEX:
                if (len < 2)
                        break;
                out(o, kind == ATTR_U16 ? "%u" : "0x%04x", nla_get_u16(a));
                return;
        case ATTR_U32:
        case ATTR_U32_HEX:
                if (len < 4)
                        break;
                out(o, kind == ATTR_U32 ? "%u" : "0x%x", nla_get_u32(a));
                return;
        case ATTR_STRING:
                /* Kind strings from iproute2 have no NUL, so bound by the length. */
                out(o, "%.*s", (int) strnlen((const char *) d, (size_t) len), (const char *) d);
                return;
        case ATTR_IP:
                if ((family == AF_INET && len == 4) || (family == AF_INET6 && len == 16)) {
                        out(o, "%s", inet_ntop(family, d, ip, sizeof(ip)) ?: "?");
                        return;
                }
                __attribute__((fallthrough));
        case ATTR_HEX:
                for (int i = 0; i < MIN(len, 32); i++)
                        out(o, "%s%02x", i > 0 ? ":" : "", d[i]);
                if (len > 32)
                        out(o, ":…");
                return;
        case ATTR_NEST_LINKINFO: {
                const struct nlattr *k = nla_find(nla_data(a), len, IFLA_INFO_KIND);
                bool ipoib = k && strnlen(nla_data(k), (size_t) nla_len(k)) == 5 &&
                        memcmp(nla_data(k), "ipoib", 5) == 0;

                out(o, "{");
                if (ipoib)
                        out_attrs(o, nla_data(a), len, linkinfo_attrs, ELEMENTSOF(linkinfo_attrs), family);
                else
                        out_attrs(o, nla_data(a), len, linkinfo_other_attrs,
                                  ELEMENTSOF(linkinfo_other_attrs), family);
                out(o, "}");
                return;
        }
        case ATTR_NEST_INFO_DATA:
                out(o, "{");
                out_attrs(o, nla_data(a), len, ipoib_attrs, ELEMENTSOF(ipoib_attrs), family);
                out(o, "}");
                return;
        case ATTR_SIZE:
        case ATTR_SKIP:
                break;
        }
        out(o, "[%d bytes]", len);
}

static void out_attrs(Out *o, const struct nlattr *head, int len, const AttrDesc *descs, size_t n_descs,
                      int family) {
        const struct nlattr *a;
        unsigned skipped = 0;
        bool first = true;
        int rem;

        nla_for_each_attr(a, head, len, rem) {
                unsigned t = (unsigned) nla_type(a);

                if (t >= n_descs || !descs[t].name || descs[t].kind == ATTR_SKIP) {
                        skipped++;
                        continue;
                }
                out(o, "%s%s=", first ? "" : " ", descs[t].name);
                out_attr_value(o, a, descs[t].kind, family);
                first = false;
        }
        if (skipped > 0)
                out(o, "%s+%u", first ? "" : " ", skipped);
}

static void out_error(Out *o, const struct nlmsghdr *nlh) {
        const struct nlmsgerr *e = nlmsg_data(nlh);
        const char *name, *msg;

        if (!nlmsg_valid_hdr(nlh, sizeof(*e))) {
                out(o, " [truncated]");
                return;
        }
        name = e->error < 0 ? strerrorname_np(-e->error) : NULL;
        if (name)
                out(o, " error=%d (%s)", e->error, name);
        else
                out(o, " error=%d", e->error);
        name = nl_message_type_to_string(e->msg.nlmsg_type);
        if (name)
                out(o, " for=%s", name);
        else
                out(o, " for=type#%u", e->msg.nlmsg_type);
        out(o, " for_seq=%u", e->msg.nlmsg_seq);

        msg = nl_parse_extack(nlh);
        if (msg)
                out(o, " msg=\"%.*s\"", 200, msg);
}

char *nl_trace_format(const struct nlmsghdr *nlh, bool sent, char *buf, size_t size) {
        Out o = { .buf = buf, .size = size };
        const char *name = nl_message_type_to_string(nlh->nlmsg_type);
        char fam[16];

        buf[0] = 0;
        out(&o, "netlink: %s ", sent ? "send" : "recv");
        if (name)
                out(&o, "%s", name);
        else
                out(&o, "type#%u", nlh->nlmsg_type);
        out(&o, " flags=0x%x seq=%u", nlh->nlmsg_flags, nlh->nlmsg_seq);

        switch (nlh->nlmsg_type) {
        case NLMSG_ERROR:
                out_error(&o, nlh);
                break;
        case RTM_NEWLINK:
        case RTM_DELLINK:
        case RTM_GETLINK:
        case RTM_SETLINK: {
                const struct ifinfomsg *ifi = nlmsg_data(nlh);

                if (!nlmsg_valid_hdr(nlh, sizeof(*ifi)))
                        break;
                out(&o, " ifindex=%d arphrd=%u ifflags=0x%x change=0x%x", ifi->ifi_index, ifi->ifi_type,
                    ifi->ifi_flags, ifi->ifi_change);
                if (nlmsg_attrlen(nlh, sizeof(*ifi)) > 0)
                        out(&o, " ");
                out_attrs(&o, nlmsg_attrdata(nlh, sizeof(*ifi)), nlmsg_attrlen(nlh, sizeof(*ifi)),
                          link_attrs, ELEMENTSOF(link_attrs), AF_UNSPEC);
                break;
        }
        case RTM_NEWADDR:
        case RTM_DELADDR:
        case RTM_GETADDR: {
                const struct ifaddrmsg *ifa = nlmsg_data(nlh);

                if (!nlmsg_valid_hdr(nlh, sizeof(*ifa)))
                        break;
                out(&o, " family=%s prefixlen=%u ifindex=%u scope=%u ifa_flags=0x%x",
                    family_str(ifa->ifa_family, fam, sizeof(fam)), ifa->ifa_prefixlen, ifa->ifa_index,
                    ifa->ifa_scope, ifa->ifa_flags);
                if (nlmsg_attrlen(nlh, sizeof(*ifa)) > 0)
                        out(&o, " ");
                out_attrs(&o, nlmsg_attrdata(nlh, sizeof(*ifa)), nlmsg_attrlen(nlh, sizeof(*ifa)),
                          addr_attrs, ELEMENTSOF(addr_attrs), ifa->ifa_family);
                break;
        }
        case RTM_NEWROUTE:
        case RTM_DELROUTE:
        case RTM_GETROUTE: {
                const struct rtmsg *rtm = nlmsg_data(nlh);

                if (!nlmsg_valid_hdr(nlh, sizeof(*rtm)))
                        break;
                out(&o, " family=%s dst_len=%u table=%u proto=%u scope=%u rtype=%u rtm_flags=0x%x",
                    family_str(rtm->rtm_family, fam, sizeof(fam)), rtm->rtm_dst_len, rtm->rtm_table,
                    rtm->rtm_protocol, rtm->rtm_scope, rtm->rtm_type, rtm->rtm_flags);
                if (nlmsg_attrlen(nlh, sizeof(*rtm)) > 0)
                        out(&o, " ");
                out_attrs(&o, nlmsg_attrdata(nlh, sizeof(*rtm)), nlmsg_attrlen(nlh, sizeof(*rtm)),
                          route_attrs, ELEMENTSOF(route_attrs), rtm->rtm_family);
                break;
        }
        case RTM_NEWRULE:
        case RTM_DELRULE:
        case RTM_GETRULE: {
                const struct fib_rule_hdr *frh = nlmsg_data(nlh);

                if (!nlmsg_valid_hdr(nlh, sizeof(*frh)))
                        break;
                out(&o, " family=%s src_len=%u dst_len=%u table=%u action=%u flags=0x%x",
                    family_str(frh->family, fam, sizeof(fam)), frh->src_len, frh->dst_len, frh->table, frh->action,
                    frh->flags);
                if (nlmsg_attrlen(nlh, sizeof(*frh)) > 0)
                        out(&o, " ");
                out_attrs(&o, nlmsg_attrdata(nlh, sizeof(*frh)), nlmsg_attrlen(nlh, sizeof(*frh)), rule_attrs,
                          ELEMENTSOF(rule_attrs), frh->family);
                break;
        }
        default:
                break;
        }

        if (o.len + 1 >= o.size && o.size > 4)
                strcpy(buf + o.size - 4, "…");
        return buf;
}

void nl_trace(const struct nlmsghdr *nlh, bool sent) {
        char line[NL_TRACE_LINE_MAX];

        if (!nl_trace_enabled())
                return;
        nl_trace_format(nlh, sent, line, sizeof(line));
        /* Bypasses the log level on purpose: setting the variable is the request to see these. */
        (void) log_internal(LOG_INFO, 0, __FILE__, __LINE__, __func__, NULL, "%s", line);
}
