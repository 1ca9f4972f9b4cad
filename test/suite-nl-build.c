/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* rtnetlink without a socket: the message builders (against the bytes of docs/kernel-ipoib.md §1.1 and §8),
 * the parsers, the trace line format and the NLE_* → errno table. The same builders are compared with
 * what iproute2 really sends in suite-netlink.c. */

#include <net/if_arp.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>

#include "ipoib-proto.h"
#include "netlink-util.h"
#include "nl-trace.h"
#include "test-suites.h"

START_TEST(test_build_child_create) {
        /* docs/kernel-ipoib.md §1.1: `ip link add link ib0 name ib0.8002 type ipoib pkey 0x8002`, ib0 = 3. */
        static const uint8_t want[] = {
                0x54, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, /* nlmsghdr */
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                         /* ifinfomsg */
                0x08, 0x00, 0x05, 0x00, 0x03, 0x00, 0x00, 0x00,                         /* IFLA_LINK 3 */
                0x0d, 0x00, 0x03, 0x00, 'i', 'b', '0', '.', '8', '0', '0', '2', 0, 0, 0, 0, /* IFNAME */
                0x1c, 0x00, 0x12, 0x00,                                                 /* LINKINFO */
                0x09, 0x00, 0x01, 0x00, 'i', 'p', 'o', 'i', 'b', 0, 0, 0,               /* KIND */
                0x0c, 0x00, 0x02, 0x00,                                                 /* DATA */
                0x06, 0x00, 0x01, 0x00, 0x02, 0x80, 0x00, 0x00,                         /* PKEY */
        };
        /* §8: PKEY, MODE, UMCAST in command-line order, u16 host order, padded to 4. */
        static const uint8_t want_data[] = {
                0x06, 0x00, 0x01, 0x00, 0x02, 0x80, 0x00, 0x00, /* PKEY 0x8002 */
                0x06, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, /* MODE connected */
                0x06, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, /* UMCAST 1 */
        };
        Action a = act_child(3, "ib0.8002", 0x8002, -1, -1);
        _cleanup_(nlmsg_freep) struct nl_msg *m = build(&a), *m2 = NULL;
        struct nlattr *li, *data;
        struct nlmsghdr *h;

        h = nlmsg_hdr(m);
        assert_bytes(h, h->nlmsg_len, want, sizeof(want));

        a = act_child(3, "ib0.8002", 0x8002, IPOIB_MODE_CONNECTED, 1);
        m2 = build(&a);
        h = nlmsg_hdr(m2);
        li = nlmsg_find_attr(h, sizeof(struct ifinfomsg), IFLA_LINKINFO);
        ck_assert_ptr_nonnull(li);
        ck_assert_int_eq(li->nla_type, IFLA_LINKINFO); /* no NLA_F_NESTED, as iproute2 */
        data = nla_find(nla_data(li), nla_len(li), IFLA_INFO_DATA);
        ck_assert_ptr_nonnull(data);
        ck_assert_int_eq(data->nla_type, IFLA_INFO_DATA);
        assert_bytes(nla_data(data), (size_t) nla_len(data), want_data, sizeof(want_data));
}
END_TEST

/* `ip rule add from 10.0.0.1 to 10.9.0.0/16 iif ib1 oif ib2 priority 100 proto 149 lookup 100` as iproute2
 * 6.1 sent it (strace), and the same with table 1000 (FRA_TABLE, header table 0) and as a deletion. */
START_TEST(test_build_rule) {
        static const uint8_t want[] = {
                0x4c, 0x00, 0x00, 0x00, 0x20, 0x00, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, /* nlmsghdr */
                0x02, 0x10, 0x20, 0x00, 0x64, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, /* fib_rule_hdr */
                0x08, 0x00, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x01,                         /* FRA_SRC */
                0x08, 0x00, 0x01, 0x00, 0x0a, 0x09, 0x00, 0x00,                         /* FRA_DST */
                0x08, 0x00, 0x03, 0x00, 'i', 'b', '1', 0,                               /* FRA_IIFNAME */
                0x08, 0x00, 0x11, 0x00, 'i', 'b', '2', 0,                               /* FRA_OIFNAME */
                0x08, 0x00, 0x06, 0x00, 0x64, 0x00, 0x00, 0x00,                         /* FRA_PRIORITY */
                0x05, 0x00, 0x15, 0x00, 0x95, 0x00, 0x00, 0x00,                         /* FRA_PROTOCOL */
        };
        static const uint8_t want_del[] = {
                0x3c, 0x00, 0x00, 0x00, 0x21, 0x00, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
                0x02, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x08, 0x00, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x01,
                0x08, 0x00, 0x06, 0x00, 0x65, 0x00, 0x00, 0x00,
                0x05, 0x00, 0x15, 0x00, 0x95, 0x00, 0x00, 0x00,
                0x08, 0x00, 0x0f, 0x00, 0xe8, 0x03, 0x00, 0x00, /* FRA_TABLE 1000 */
        };
        Action a = { .type = ACTION_RULE_ADD, .rule = { .family = AF_INET, .priority = 100, .table = 100,
                                                        .src_len = 32, .dst_len = 16, .iif = "ib1", .oif = "ib2",
                                                        .protocol = RTPROT_IPOIB } };
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL, *d = NULL;
        struct nlmsghdr *h;
        KRule back;

        ck_assert_int_eq(in_addr_from_string_auto("10.0.0.1", &(int) { 0 }, &a.rule.src), 0);
        ck_assert_int_eq(in_addr_from_string_auto("10.9.0.0", &(int) { 0 }, &a.rule.dst), 0);
        m = build(&a);
        h = nlmsg_hdr(m);
        assert_bytes(h, h->nlmsg_len, want, sizeof(want));
        /* What the kernel sends back parses to the same rule (the header's table, no FRA_TABLE here). */
        ck_assert_int_eq(nl_parse_rule(h, &back), 1);
        ck_assert(krule_equal(&back, &a.rule));
        ck_assert_uint_eq(back.protocol, RTPROT_IPOIB);

        a = (Action) { .type = ACTION_RULE_DEL, .rule = { .family = AF_INET, .priority = 101, .table = 1000,
                                                          .src_len = 32, .protocol = RTPROT_IPOIB } };
        ck_assert_int_eq(in_addr_from_string_auto("10.0.0.1", &(int) { 0 }, &a.rule.src), 0);
        d = build(&a);
        h = nlmsg_hdr(d);
        assert_bytes(h, h->nlmsg_len, want_del, sizeof(want_del));

        /* A rule with selectors the agent does not write is never sent. */
        a.rule.other = true;
        ck_assert_int_eq(nl_build_action(&a, &d), -EINVAL);
}
END_TEST

START_TEST(test_build_other_actions) {
        Action a = act_addr(ACTION_ADDRESS_ADD, 3, "192.0.2.1/24");
        _cleanup_(nlmsg_freep) struct nl_msg *m = build(&a);
        struct nlmsghdr *h = nlmsg_hdr(m);
        struct nl_msg *x = NULL;
        struct nlattr *at;
        struct rtmsg *rtm;
        struct ifinfomsg *ifi;

        ck_assert_int_eq(h->nlmsg_type, RTM_NEWADDR);
        ck_assert_int_eq(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
        at = nlmsg_find_attr(h, sizeof(struct ifaddrmsg), IFA_BROADCAST);
        ck_assert_ptr_nonnull(at);
        ck_assert_uint_eq(ntohl(nla_get_u32(at)), 0xc00002ff); /* 192.0.2.255 */
        ck_assert_ptr_nonnull(nlmsg_find_attr(h, sizeof(struct ifaddrmsg), IFA_LOCAL));
        ck_assert_ptr_null(nlmsg_find_attr(h, sizeof(struct ifaddrmsg), IFA_PROTO)); /* none asked */
        nlmsg_free(m);

        /* The owner's mark, as the planner asks for it. */
        a = act_addr(ACTION_ADDRESS_ADD, 3, "192.0.2.1/24");
        a.address.protocol = RTPROT_IPOIB;
        m = build(&a);
        at = nlmsg_find_attr(nlmsg_hdr(m), sizeof(struct ifaddrmsg), IFA_PROTO);
        ck_assert_ptr_nonnull(at);
        ck_assert_uint_eq(nla_get_u8(at), RTPROT_IPOIB);
        nlmsg_free(m);

        a = act_addr(ACTION_ADDRESS_ADD, 3, "192.0.2.1/31"); /* RFC 3021: no broadcast */
        m = build(&a);
        ck_assert_ptr_null(nlmsg_find_attr(nlmsg_hdr(m), sizeof(struct ifaddrmsg), IFA_BROADCAST));
        nlmsg_free(m);

        a = act_addr(ACTION_ADDRESS_DEL, 3, "2001:db8::1/64");
        m = build(&a);
        h = nlmsg_hdr(m);
        ck_assert_int_eq(h->nlmsg_type, RTM_DELADDR);
        ck_assert_int_eq(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
        ck_assert_ptr_null(nlmsg_find_attr(h, sizeof(struct ifaddrmsg), IFA_LOCAL));
        ck_assert_ptr_nonnull(nlmsg_find_attr(h, sizeof(struct ifaddrmsg), IFA_ADDRESS));
        nlmsg_free(m);

        a = act_route(ACTION_ROUTE_ADD, 3, "0.0.0.0/0", "192.0.2.254", 100);
        m = build(&a);
        h = nlmsg_hdr(m);
        rtm = nlmsg_data(h);
        ck_assert_int_eq(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
        ck_assert_int_eq(rtm->rtm_table, RT_TABLE_MAIN);
        ck_assert_int_eq(rtm->rtm_protocol, RTPROT_STATIC);
        ck_assert_int_eq(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
        ck_assert_int_eq(rtm->rtm_type, RTN_UNICAST);
        ck_assert_ptr_null(nlmsg_find_attr(h, sizeof(*rtm), RTA_DST));
        ck_assert_uint_eq(nla_get_u32(nlmsg_find_attr(h, sizeof(*rtm), RTA_PRIORITY)), 100);
        ck_assert_uint_eq(nla_get_u32(nlmsg_find_attr(h, sizeof(*rtm), RTA_OIF)), 3);
        nlmsg_free(m);

        /* GatewayOnLink=yes */
        a = act_route(ACTION_ROUTE_ADD, 3, "0.0.0.0/0", "198.51.100.1", 0);
        a.route.flags = RTNH_F_ONLINK;
        m = build(&a);
        rtm = nlmsg_data(nlmsg_hdr(m));
        ck_assert_uint_eq(rtm->rtm_flags, RTNH_F_ONLINK);
        nlmsg_free(m);

        a = act_route(ACTION_ROUTE_ADD, 3, "2001:db8:1::/64", NULL, 0);
        m = build(&a);
        rtm = nlmsg_data(nlmsg_hdr(m));
        ck_assert_int_eq(rtm->rtm_scope, RT_SCOPE_LINK); /* no gateway: on-link */
        ck_assert_ptr_nonnull(nlmsg_find_attr(nlmsg_hdr(m), sizeof(*rtm), RTA_PRIORITY)); /* even 0 */
        nlmsg_free(m);

        a = (Action) { .type = ACTION_SET_UP, .ifindex = 7 };
        m = build(&a);
        ifi = nlmsg_data(nlmsg_hdr(m));
        ck_assert_int_eq(nlmsg_hdr(m)->nlmsg_type, RTM_NEWLINK);
        ck_assert_int_eq(ifi->ifi_index, 7);
        ck_assert_uint_eq(ifi->ifi_flags, IFF_UP);
        ck_assert_uint_eq(ifi->ifi_change, IFF_UP);
        nlmsg_free(m);

        a = (Action) { .type = ACTION_SET_MTU, .ifindex = 7, .mtu = 65520 };
        m = build(&a);
        ck_assert_uint_eq(nla_get_u32(nlmsg_find_attr(nlmsg_hdr(m), sizeof(*ifi), IFLA_MTU)), 65520);
        nlmsg_free(m);

        a = (Action) { .type = ACTION_CHILD_DELETE, .ifindex = 7 };
        m = build(&a);
        ck_assert_int_eq(nlmsg_hdr(m)->nlmsg_type, RTM_DELLINK);
        ck_assert_int_eq(nlmsg_hdr(m)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
        nlmsg_free(m);
        m = NULL;

        a = (Action) { .type = ACTION_SET_IPOIB, .ifindex = 7, .ipoib = { .mode = -1, .umcast = -1 } };
        ck_assert_int_eq(nl_build_action(&a, &x), -EINVAL);
        a = (Action) { .type = _ACTION_TYPE_INVALID };
        ck_assert_int_eq(nl_build_action(&a, &x), -EINVAL);
        ck_assert_ptr_null(x);
}
END_TEST

START_TEST(test_parse_roundtrip) {
        Action a = act_child(3, "ib0.8002", 0x8002, IPOIB_MODE_CONNECTED, 1);
        _cleanup_(nlmsg_freep) struct nl_msg *m = build(&a);
        struct ifinfomsg ifi = { .ifi_type = ARPHRD_INFINIBAND, .ifi_index = 9 };
        uint8_t hw[INFINIBAND_ALEN] = { 0x80, 0, 0, 0x48, 0xfe, 0x80 };
        struct nlattr *li, *data;
        KAddress ka;
        KRoute kr;
        KLink l;

        /* Our own create message has everything a link message has but the index. */
        ((struct ifinfomsg *) nlmsg_data(nlmsg_hdr(m)))->ifi_index = 12;
        ck_assert_int_eq(nl_parse_link(nlmsg_hdr(m), &l), 1);
        ck_assert_str_eq(l.ifname, "ib0.8002");
        ck_assert_str_eq(l.kind, "ipoib");
        ck_assert_int_eq(l.parent, 3);
        ck_assert(l.has_ipoib);
        ck_assert_uint_eq(l.pkey, 0x8002);
        ck_assert_uint_eq(l.mode, IPOIB_MODE_CONNECTED);
        ck_assert_uint_eq(l.umcast, 1);
        nlmsg_free(m);

        /* What ipoib_fill_info() would send for a parent: kind with its NUL, NLA_F_NESTED set. */
        m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
        ck_assert_int_eq(nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
        ck_assert_int_eq(nla_put_string(m, IFLA_IFNAME, "mlx4_ib0"), 0);
        ck_assert_int_eq(nla_put_u32(m, IFLA_MTU, 65520), 0);
        ck_assert_int_eq(nla_put(m, IFLA_ADDRESS, sizeof(hw), hw), 0);
        li = nla_nest_start(m, IFLA_LINKINFO);
        ck_assert_int_eq(nla_put_string(m, IFLA_INFO_KIND, "ipoib"), 0);
        data = nla_nest_start(m, IFLA_INFO_DATA);
        ck_assert_int_eq(nla_put_u16(m, IFLA_IPOIB_PKEY, 0xffff), 0);
        ck_assert_int_eq(nla_put_u16(m, IFLA_IPOIB_MODE, 0), 0);
        ck_assert_int_eq(nla_put_u16(m, IFLA_IPOIB_UMCAST, 0), 0);
        nla_nest_end(m, data);
        nla_nest_end(m, li);
        ck_assert_int_eq(nl_parse_link(nlmsg_hdr(m), &l), 1);
        ck_assert_int_eq(l.ifindex, 9);
        ck_assert_uint_eq(l.arphrd, ARPHRD_INFINIBAND);
        ck_assert_uint_eq(l.mtu, 65520);
        ck_assert_uint_eq(l.hwaddr_len, INFINIBAND_ALEN);
        ck_assert_int_eq(memcmp(l.hwaddr, hw, sizeof(hw)), 0);
        ck_assert_uint_eq(l.pkey, 0xffff);
        ck_assert_uint_eq(l.mode, IPOIB_MODE_DATAGRAM);
        ck_assert_int_eq(l.parent, 0);
        nlmsg_free(m);

        a = act_addr(ACTION_ADDRESS_ADD, 4, "192.0.2.1/24");
        m = build(&a);
        ck_assert_int_eq(nl_parse_address(nlmsg_hdr(m), &ka), 1);
        ck_assert(kaddress_equal(&ka, &a.address));
        ck_assert_int_eq(ka.ifindex, 4);
        nlmsg_free(m);

        a = act_route(ACTION_ROUTE_ADD, 4, "198.51.100.0/24", "192.0.2.254", 7);
        m = build(&a);
        ck_assert_int_eq(nl_parse_route(nlmsg_hdr(m), &kr), 1);
        a.route.ifindex = 4;
        a.route.table = RT_TABLE_MAIN;
        ck_assert(kroute_equal(&kr, &a.route));
        ck_assert_uint_eq(kr.protocol, RTPROT_STATIC);
        /* Not ours: the local table. */
        ((struct rtmsg *) nlmsg_data(nlmsg_hdr(m)))->rtm_table = RT_TABLE_LOCAL;
        ck_assert_int_eq(nl_parse_route(nlmsg_hdr(m), &kr), 0);
}
END_TEST

START_TEST(test_trace_format) {
        Action a = act_addr(ACTION_ADDRESS_ADD, 3, "192.0.2.1/24");
        _cleanup_(nlmsg_freep) struct nl_msg *m = build(&a);
        struct nlmsgerr *e;
        char line[NL_TRACE_LINE_MAX];

        nlmsg_hdr(m)->nlmsg_seq = 12;
        ck_assert_str_eq(nl_trace_format(nlmsg_hdr(m), true, line, sizeof(line)),
                         "netlink: send RTM_NEWADDR flags=0x605 seq=12 family=inet prefixlen=24 ifindex=3 "
                         "scope=0 ifa_flags=0x0 IFA_LOCAL=192.0.2.1 IFA_ADDRESS=192.0.2.1 "
                         "IFA_BROADCAST=192.0.2.255");
        nlmsg_free(m);

        a = act_child(3, "ib0.8002", 0x8002, IPOIB_MODE_CONNECTED, 1);
        m = build(&a);
        nlmsg_hdr(m)->nlmsg_seq = 13;
        ck_assert_str_eq(nl_trace_format(nlmsg_hdr(m), true, line, sizeof(line)),
                         "netlink: send RTM_NEWLINK flags=0x605 seq=13 ifindex=0 arphrd=0 ifflags=0x0 "
                         "change=0x0 IFLA_LINK=3 IFLA_IFNAME=ib0.8002 IFLA_LINKINFO={IFLA_INFO_KIND=ipoib "
                         "IFLA_INFO_DATA={IFLA_IPOIB_PKEY=0x8002 IFLA_IPOIB_MODE=1 IFLA_IPOIB_UMCAST=1}}");
        nlmsg_free(m);

        /* A capped error answer with an extended ack, as netlink_ack() builds it. */
        m = nlmsg_alloc_simple(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS);
        e = nlmsg_reserve(m, sizeof(*e), NLMSG_ALIGNTO);
        *e = (struct nlmsgerr) { .error = -EINVAL, .msg = { .nlmsg_type = RTM_NEWLINK, .nlmsg_seq = 5 } };
        ck_assert_int_eq(nla_put_string(m, NLMSGERR_ATTR_MSG, "mtu less than device minimum"), 0);
        nlmsg_hdr(m)->nlmsg_seq = 5;
        ck_assert_str_eq(nl_trace_format(nlmsg_hdr(m), false, line, sizeof(line)),
                         "netlink: recv NLMSG_ERROR flags=0x300 seq=5 error=-22 (EINVAL) for=RTM_NEWLINK "
                         "for_seq=5 msg=\"mtu less than device minimum\"");
}
END_TEST

START_TEST(test_errno_table) {
        static const int errnos[] = { EINTR, EAGAIN, ENOMEM, EEXIST, EINVAL, ERANGE, EOPNOTSUPP,
                                      EAFNOSUPPORT, EADDRNOTAVAIL, EBUSY, EACCES, EPERM, ENODEV };

        ck_assert_int_eq(errno_from_nl_error(0), 0);
        ck_assert_int_eq(errno_from_nl_error(-NLE_EXIST), -EEXIST);
        ck_assert_int_eq(errno_from_nl_error(NLE_NODEV), -ENODEV);
        ck_assert_int_eq(errno_from_nl_error(-NLE_OBJ_NOTFOUND), -ENOENT);
        ck_assert_int_eq(errno_from_nl_error(-1000), -EIO);
        /* Where libnl's map is one-to-one, ours undoes it. */
        for (size_t i = 0; i < ELEMENTSOF(errnos); i++)
                ck_assert_int_eq(errno_from_nl_error(-nl_syserr2nlerr(errnos[i])), -errnos[i]);
        for (int i = 0; i <= NLE_MAX; i++)
                ck_assert_int_lt(errno_from_nl_error(-i), i == 0 ? 1 : 0);
}
END_TEST

/* Kernel rule 3: the sysfs child just made is found by (parent, P_Key) among the links of a dump, not
 * by the name "%.10s.%04x": before v6.10 ipoib_vlan_add() said "%s.%04x" cut to 15, and the name the
 * new kernels give may be another link's. */
START_TEST(test_sysfs_child_pick) {
        static const struct {
                int ifindex;
                const char *name, *kind;
                int parent;
                uint16_t pkey;
        } dump[] = {
                { 5, "ib0storage1", "ipoib", 0, 0xffff },      /* the parent */
                { 7, "nl8002", "ipoib", 5, 0x8002 },          /* an older netlink child, same P_Key */
                { 8, "ib0storage.8002", "veth", 0, 0 },       /* what "%.10s.%04x" computes: not ours */
                { 9, "ib0storage1.800", "ipoib", 5, 0x8002 }, /* the new one, named by a kernel < 6.10 */
                { 10, "ib1.8002", "ipoib", 6, 0x8002 },       /* another parent's */
                { 11, "ib0storage1.800", "ipoib", 5, 0x8003 },/* another P_Key */
        };
        char computed[IFNAMSIZ + 8];
        const char *found = NULL;
        int best = 0;

        for (size_t i = 0; i < ELEMENTSOF(dump); i++) {
                KLink k = { .ifindex = dump[i].ifindex, .arphrd = ARPHRD_INFINIBAND, .parent = dump[i].parent,
                            .has_ipoib = streq(dump[i].kind, "ipoib"), .pkey = dump[i].pkey };

                snprintf(k.ifname, sizeof(k.ifname), "%s", dump[i].name);
                snprintf(k.kind, sizeof(k.kind), "%s", dump[i].kind);
                /* create_child was written 0x0002 (as the file says 0x8002 or 2: stored 0x8002). */
                if (nl_link_is_sysfs_child(&k, 5, 0x0002) && k.ifindex > best) {
                        best = k.ifindex;
                        found = dump[i].name;
                }
        }
        ck_assert_int_eq(best, 9);
        ck_assert_str_eq(found, "ib0storage1.800");
        snprintf(computed, sizeof(computed), "%.10s.%04x", "ib0storage1", 0x0002);
        ck_assert_str_ne(computed, found);
        /* The parent itself never matches, even when its P_Key is the one asked for. */
        ck_assert(!nl_link_is_sysfs_child(&(KLink) { .ifindex = 5, .parent = 5, .has_ipoib = true, .kind = "ipoib",
                                                      .pkey = 0xffff },
                                          5, 0x7fff));
}
END_TEST

Suite *make_nl_build_suite(void) {
        Suite *s = suite_create("nl_build");
        TCase *tc = tcase_create("build");

        tcase_add_test(tc, test_build_child_create);
        tcase_add_test(tc, test_build_rule);
        tcase_add_test(tc, test_build_other_actions);
        tcase_add_test(tc, test_parse_roundtrip);
        tcase_add_test(tc, test_trace_format);
        tcase_add_test(tc, test_errno_table);
        tcase_add_test(tc, test_sysfs_child_pick);
        suite_add_tcase(s, tc);
        return s;
}
