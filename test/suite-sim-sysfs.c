/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated fabric, continued: sysfs (§6: create_child/delete_child, the files each kind of device
 * has), addresses and routes, and the fabric file. Part of the "sim" suite (suite-sim.c); the view
 * written from the model has its own suite, suite-sim-view.c. */

#include <check.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "sim-fabric.h"
#include "sim-test.h"
#include "test-suites.h"
#include "test-util.h"

static int newlink(SimModel *m, const char *parent, const char *name, int pkey) {
        SimNewLink req = { .link = sim_test_dev(m, parent)->ifindex, .name = name, .has_data = true,
                           .pkey = pkey, .mode = -1, .umcast = -1 };

        return sim_rtnl_newlink(m, &req, NULL, NULL);
}

static size_t count_events(const SimModel *m, SimEventType type, bool removed, int family) {
        size_t n = 0;

        for (size_t i = 0; i < m->n_events; i++) {
                const SimEvent *e = &m->events[i];

                if (e->type != type || e->removed != removed)
                        continue;
                if (family == AF_UNSPEC || (type == SIM_EVENT_ADDRESS && e->address.family == family) ||
                    (type == SIM_EVENT_ROUTE && e->route.family == family))
                        n++;
        }
        return n;
}

static const char *sysfs(const SimNetdev *nd, const char *attr) {
        static char buf[128];

        if (sim_netdev_sysfs_read(nd, attr, buf, sizeof(buf)) < 0)
                return NULL;
        return buf;
}

/* ——— §6 sysfs ——— */

START_TEST(test_sysfs_create_child) {
        /* create_child() + ipoib_vlan_add() + is_child_unique(), in one parent's life. */
        static const struct {
                const char *buf;
                int expected;
                const char *name;
                uint16_t stored;
        } t[] = {
                { "2\n", 0, "mlx4_ib0.0002", 0x8002 },           /* "%.10s.%04x" of the requested pkey */
                { "0x8002\n", -ENOTUNIQ, NULL, 0 },              /* requested 0x8002 == stored 0x8002 */
                { "2\n", -EEXIST, NULL, 0 },                     /* passes is_child_unique, name taken */
                { "0xffff\n", -ENOTUNIQ, NULL, 0 },              /* the parent's pkey */
                { "0x7fff\n", 0, "mlx4_ib0.7fff", 0xffff },      /* compared before the OR */
                { "0x8005\n", -EEXIST, NULL, 0 },                /* a netlink child holds mlx4_ib0.8005 */
                { "010\n", 0, "mlx4_ib0.0008", 0x8008 },         /* %i: octal */
                { "0\n", -EINVAL, NULL, 0 },
                { "0x8000\n", -EINVAL, NULL, 0 },
                { "0x10000\n", -EINVAL, NULL, 0 },
                { "-1\n", -EINVAL, NULL, 0 },
                { "abc\n", -EINVAL, NULL, 0 },
        };
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0");
        char name[IFNAMSIZ];

        ck_assert_int_eq(newlink(m, "mlx4_ib0", "mlx4_ib0.8005", 0x8005), 0);
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                SimNetdev *c = NULL;
                int r = sim_sysfs_create_child(m, p, t[i].buf, &c);

                ck_assert_msg(r == t[i].expected, "#%zu %s: %d", i, t[i].buf, r);
                if (r < 0)
                        continue;
                ck_assert_str_eq(c->name, t[i].name);
                ck_assert_uint_eq(c->pkey, t[i].stored);
                ck_assert_int_eq(c->child_type, SIM_LEGACY_CHILD);
        }
        /* create_child exists on parents only. */
        ck_assert_int_eq(sim_sysfs_create_child(m, sim_test_dev(m, "mlx4_ib0.0002"), "3\n", NULL), -ENOENT);
        /* ipoib_vlan_add(): "%.10s" of the parent's name. */
        sim_legacy_child_name("averylongname", 0x8002, false, name);
        ck_assert_str_eq(name, "averylongn.8002");
        /* Before v6.10: "%s.%04x" cut to 15. */
        sim_legacy_child_name("averylongname", 0x8002, true, name);
        ck_assert_str_eq(name, "averylongname.8");
        sim_legacy_child_name("mlx4_ib0", 0x8002, true, name);
        ck_assert_str_eq(name, "mlx4_ib0.8002");
}
END_TEST

START_TEST(test_sysfs_delete_child) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0");

        ck_assert_int_eq(sim_sysfs_create_child(m, p, "2\n", NULL), 0);
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "nl.8003", 0x8003), 0);
        /* delete_child(): the stored (0x8000-ORed) value must be written. */
        ck_assert_int_eq(sim_sysfs_delete_child(m, p, "2\n"), -ENODEV);
        /* netlink children cannot be deleted this way. */
        ck_assert_int_eq(sim_sysfs_delete_child(m, p, "0x8003\n"), -ENODEV);
        ck_assert_int_eq(sim_sysfs_delete_child(m, p, "zz\n"), -EINVAL);
        ck_assert_int_eq(sim_sysfs_delete_child(m, p, "0x10000\n"), -EINVAL);
        ck_assert_int_eq(sim_sysfs_delete_child(m, p, "0x8002\n"), 0);
        ck_assert_ptr_null(sim_model_find_name(m, "mlx4_ib0.0002"));
        /* A legacy child can also go with RTM_DELLINK (it has ipoib_link_ops). */
        ck_assert_int_eq(sim_sysfs_create_child(m, p, "4\n", NULL), 0);
        ck_assert_int_eq(sim_rtnl_dellink(m, sim_test_dev(m, "mlx4_ib0.0004")), 0);
        ck_assert_ptr_null(sim_model_find_name(m, "mlx4_ib0.0004"));
}
END_TEST

START_TEST(test_sysfs_rename) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *c = NULL;

        /* Method=sysfs with a Name=: create_child, then dev_change_name(). */
        ck_assert_int_eq(sim_sysfs_create_child(m, sim_test_dev(m, "mlx4_ib0"), "0x8002\n", &c), 0);
        ck_assert_str_eq(c->name, "mlx4_ib0.8002");
        ck_assert_int_eq(sim_set_name(m, c, "storage0"), 0);
        ck_assert_str_eq(sysfs(c, "pkey"), "0x8002\n");
        /* dev_change_name(): -EEXIST for a taken name, -EBUSY while up. */
        ck_assert_int_eq(sim_set_name(m, c, "mlx4_ib1"), -EEXIST);
        ck_assert_int_eq(sim_set_up(m, c, true), 0);
        ck_assert_int_eq(sim_set_name(m, c, "storage1"), -EBUSY);
}
END_TEST

START_TEST(test_sysfs_files) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0"), *legacy = NULL, *nl;

        ck_assert_int_eq(sim_sysfs_create_child(m, p, "0x8002\n", &legacy), 0);
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "nl.8003", 0x8003), 0);
        nl = sim_test_dev(m, "nl.8003");
        /* pkey_show() "0x%04x\n", mode_show(), show_umcast(): on parents and legacy children. */
        ck_assert_str_eq(sysfs(p, "pkey"), "0xffff\n");
        ck_assert_str_eq(sysfs(p, "mode"), "datagram\n");
        ck_assert_str_eq(sysfs(p, "umcast"), "0\n");
        ck_assert_ptr_null(sysfs(p, "parent"));
        ck_assert_str_eq(sysfs(legacy, "pkey"), "0x8002\n");
        ck_assert_str_eq(sysfs(legacy, "mode"), "datagram\n");
        ck_assert_str_eq(sysfs(legacy, "parent"), "mlx4_ib0\n");
        /* __ipoib_vlan_add(): "RTNL childs don't need proprietary sysfs entries". */
        ck_assert_ptr_null(sysfs(nl, "pkey"));
        ck_assert_ptr_null(sysfs(nl, "mode"));
        ck_assert_ptr_null(sysfs(nl, "umcast"));
        ck_assert_ptr_null(sysfs(nl, "parent"));
        /* Generic netdev files. */
        ck_assert_str_eq(sysfs(nl, "type"), "32\n");
        ck_assert_str_eq(sysfs(nl, "mtu"), "2044\n");
        ck_assert_str_eq(sysfs(p, "address"),
                         "80:00:02:08:fe:c0:00:00:00:00:00:01:00:02:c9:03:00:01:23:45\n");
        ck_assert_str_eq(sysfs(nl, "broadcast"),
                         "00:ff:ff:ff:ff:12:40:1b:80:03:00:00:00:00:00:00:ff:ff:ff:ff\n");
        ck_assert_str_eq(sysfs(p, "operstate"), "down\n");
        /* ipoib_parent_init(): dev_id/dev_port = port - 1 on the parent only. */
        ck_assert_str_eq(sysfs(sim_test_dev(m, "mlx4_ib1"), "dev_port"), "1\n");
        ck_assert_str_eq(sysfs(legacy, "dev_id"), "0x0\n");
        /* carrier_show(): -EINVAL while down. */
        ck_assert_ptr_null(sysfs(p, "carrier"));
        ck_assert_int_eq(sim_set_up(m, p, true), 0);
        ck_assert_str_eq(sysfs(p, "carrier"), "1\n");
        ck_assert_str_eq(sysfs(p, "operstate"), "up\n");
        /* A child without its pkey in the table under a parent with carrier: up, no carrier, and down,
         * not lowerlayerdown (default_operstate() looks at the peer's carrier, §5). */
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "nl.8009", 0x8009), 0);
        ck_assert_int_eq(sim_set_up(m, sim_test_dev(m, "nl.8009"), true), 0);
        ck_assert_str_eq(sysfs(sim_test_dev(m, "nl.8009"), "carrier"), "0\n");
        ck_assert_str_eq(sysfs(sim_test_dev(m, "nl.8009"), "operstate"), "down\n");
}
END_TEST

START_TEST(test_sysfs_mode_store) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0");

        /* mode_store() passes the buffer verbatim: `echo -n connected` gets -EINVAL. */
        ck_assert_int_eq(sim_sysfs_mode_store(m, p, "connected"), -EINVAL);
        ck_assert_int_eq(sim_sysfs_mode_store(m, p, "connected\n"), 0);
        ck_assert_str_eq(sysfs(p, "mode"), "connected\n");
        ck_assert_str_eq(sysfs(p, "mtu"), "65520\n");
        /* set_umcast(): simple_strtoul(), never fails. */
        ck_assert_int_eq(sim_sysfs_umcast_store(m, p, "1\n"), 0);
        ck_assert_str_eq(sysfs(p, "umcast"), "1\n");
        ck_assert_int_eq(sim_sysfs_umcast_store(m, p, "garbage\n"), 0);
        ck_assert_str_eq(sysfs(p, "umcast"), "0\n");
        /* Netlink children have no such files. */
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "nl.8003", 0x8003), 0);
        ck_assert_int_eq(sim_sysfs_mode_store(m, sim_test_dev(m, "nl.8003"), "connected\n"), -ENOENT);
}
END_TEST

/* ——— addresses and routes ——— */

static KAddress addr(SimModel *m, const char *dev, const char *s) {
        KAddress a = { .ifindex = sim_test_dev(m, dev)->ifindex };

        ck_assert_int_eq(in_addr_prefix_from_string_auto(s, false, &a.family, &a.addr, &a.prefixlen), 0);
        return a;
}

static KRoute route(SimModel *m, const char *dev, const char *dst, const char *gw, uint32_t metric) {
        KRoute r = { .ifindex = sim_test_dev(m, dev)->ifindex, .metric = metric, .table = RT_TABLE_MAIN };

        ck_assert_int_eq(in_addr_prefix_from_string_auto(dst, false, &r.family, &r.dst, &r.dst_len), 0);
        if (gw) {
                int family;

                ck_assert_int_eq(in_addr_from_string_auto(gw, &family, &r.gw), 0);
                r.has_gw = true;
        }
        return r;
}

static bool has_route(SimModel *m, const char *dev, const char *dst, uint32_t metric) {
        KRoute r = route(m, dev, dst, NULL, metric);

        return sim_model_find_route(m, &r) != NULL;
}

START_TEST(test_address_rules) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0");
        KAddress a = addr(m, "mlx4_ib0", "192.0.2.1/24"), b;

        /* IPv4 on a down link: the address, no prefix route yet (fib_add_ifaddr() at NETDEV_UP). */
        ck_assert_int_eq(sim_address_add(m, &a, true, NULL), 0);
        ck_assert(!has_route(m, "mlx4_ib0", "192.0.2.0/24", 0));
        ck_assert_int_eq(sim_set_up(m, p, true), 0);
        ck_assert(has_route(m, "mlx4_ib0", "192.0.2.0/24", 0));
        ck_assert_uint_eq(m->routes[0].protocol, RTPROT_KERNEL);
        ck_assert_uint_eq(m->routes[0].scope, RT_SCOPE_LINK);
        /* __inet_insert_ifa(): same address and mask → -EEXIST; another length is another address. */
        ck_assert_int_eq(sim_address_add(m, &a, true, NULL), -EEXIST);
        b = addr(m, "mlx4_ib0", "192.0.2.1/25");
        ck_assert_int_eq(sim_address_add(m, &b, true, NULL), 0);
        /* inet_rtm_deladdr(): -EADDRNOTAVAIL without a match. */
        b = addr(m, "mlx4_ib0", "192.0.2.9/24");
        ck_assert_int_eq(sim_address_del(m, &b, NULL), -EADDRNOTAVAIL);
        /* A /32 and IFA_F_NOPREFIXROUTE get no prefix route. */
        b = addr(m, "mlx4_ib0", "198.51.100.7/32");
        ck_assert_int_eq(sim_address_add(m, &b, true, NULL), 0);
        b = addr(m, "mlx4_ib0", "203.0.113.1/24");
        b.flags = IFA_F_NOPREFIXROUTE;
        ck_assert_int_eq(sim_address_add(m, &b, true, NULL), 0);
        ck_assert(!has_route(m, "mlx4_ib0", "203.0.113.0/24", 0));
        /* Deleting the address takes its prefix route, notified (fib_del_ifaddr()). */
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_address_del(m, &a, NULL), 0);
        ck_assert(!has_route(m, "mlx4_ib0", "192.0.2.0/24", 0));
        ck_assert_uint_eq(count_events(m, SIM_EVENT_ROUTE, true, AF_INET), 1);

        /* IPv6: the prefix route comes with the address (proto kernel, metric 256). */
        a = addr(m, "mlx4_ib0", "2001:db8:1::1/64");
        ck_assert_int_eq(sim_address_add(m, &a, false, NULL), 0);
        ck_assert(has_route(m, "mlx4_ib0", "2001:db8:1::/64", 256));
        /* ipv6_chk_same_addr(): the same address with another length is -EEXIST. */
        b = addr(m, "mlx4_ib0", "2001:db8:1::1/48");
        ck_assert_int_eq(sim_address_add(m, &b, false, NULL), -EEXIST);
        /* inet6_addr_del(): address and length must match. */
        ck_assert_int_eq(sim_address_del(m, &b, NULL), -EADDRNOTAVAIL);
        /* addrconf_ifid_infiniband(): fe80:: + GUID with eui[0] |= 2, once the link is ready. */
        b = addr(m, "mlx4_ib0", "fe80::202:c903:1:2345/64");
        ck_assert_ptr_nonnull(sim_model_find_address(m, &b));
        ck_assert_uint_eq(sim_model_find_address(m, &b)->a.scope, RT_SCOPE_LINK);
        ck_assert(has_route(m, "mlx4_ib0", "fe80::/64", 256));
}
END_TEST

START_TEST(test_address_ipv6_mtu) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0");
        KAddress a = addr(m, "mlx4_ib0", "2001:db8:1::1/64");
        KAddress ll = addr(m, "mlx4_ib0", "fe80::202:c903:1:2345/64");

        ck_assert_int_eq(sim_set_mode(m, p, "connected\n"), 0);
        ck_assert_int_eq(sim_set_up(m, p, true), 0);
        ck_assert_int_eq(sim_address_add(m, &a, false, NULL), 0);
        /* addrconf_notify(NETDEV_CHANGEMTU) below 1280: IPv6 goes, notified. */
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_set_mtu(m, p, 1200, NULL), 0);
        ck_assert_ptr_null(sim_model_find_address(m, &a));
        ck_assert_uint_eq(count_events(m, SIM_EVENT_ADDRESS, true, AF_INET6), 2);
        /* ipv6_add_dev(): -EINVAL below IPV6_MIN_MTU. */
        ck_assert_int_eq(sim_address_add(m, &a, false, NULL), -EINVAL);
        /* Back above: the link-local returns (the link is ready). */
        ck_assert_int_eq(sim_set_mtu(m, p, 2000, NULL), 0);
        ck_assert_ptr_nonnull(sim_model_find_address(m, &ll));
        ck_assert_int_eq(sim_address_add(m, &a, false, NULL), 0);
        /* inetdev_event(NETDEV_CHANGEMTU) below 68 (connected mode only): IPv4 goes too. */
        a = addr(m, "mlx4_ib0", "192.0.2.1/24");
        ck_assert_int_eq(sim_address_add(m, &a, true, NULL), 0);
        ck_assert_int_eq(sim_set_mtu(m, p, 60, NULL), 0);
        ck_assert_ptr_null(sim_model_find_address(m, &a));
        ck_assert_int_eq(sim_address_add(m, &a, true, NULL), -ENOBUFS);
}
END_TEST

START_TEST(test_route_rules) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0");
        KAddress a = addr(m, "mlx4_ib0", "192.0.2.1/24");
        KRoute r;
        const char *extack = NULL;

        /* fib_check_nh_nongw(): the device must be up → -ENETDOWN. */
        r = route(m, "mlx4_ib0", "198.51.100.0/24", NULL, 0);
        ck_assert_int_eq(sim_route_add(m, &r, &extack), -ENETDOWN);
        ck_assert_str_eq(extack, "Nexthop device is not up");
        /* fib_check_nh_v4_gw(): the gateway lookup fails first on a down link → -ENETUNREACH. */
        ck_assert_int_eq(sim_address_add(m, &a, true, NULL), 0);
        r = route(m, "mlx4_ib0", "198.51.100.0/24", "192.0.2.254", 100);
        ck_assert_int_eq(sim_route_add(m, &r, NULL), -ENETUNREACH);
        ck_assert_int_eq(sim_set_up(m, p, true), 0);
        ck_assert_int_eq(sim_route_add(m, &r, NULL), 0);
        ck_assert_uint_eq(m->routes[m->n_routes - 1].protocol, RTPROT_STATIC);
        /* fib_table_insert() with NLM_F_EXCL: same dst/len/metric → -EEXIST, gateway regardless. */
        r = route(m, "mlx4_ib0", "198.51.100.0/24", "192.0.2.253", 100);
        ck_assert_int_eq(sim_route_add(m, &r, NULL), -EEXIST);
        r.metric = 200;
        ck_assert_int_eq(sim_route_add(m, &r, NULL), 0);
        /* An unreachable gateway. */
        r = route(m, "mlx4_ib0", "203.0.113.0/24", "10.0.0.1", 0);
        ck_assert_int_eq(sim_route_add(m, &r, NULL), -ENETUNREACH);
        /* fib_table_insert(): host bits set → -EINVAL. */
        r = route(m, "mlx4_ib0", "203.0.113.1/24", NULL, 0);
        ck_assert_int_eq(sim_route_add(m, &r, NULL), -EINVAL);
        /* fib_table_delete(): -ESRCH without a match; metric 0 matches any. */
        r = route(m, "mlx4_ib0", "203.0.113.0/24", NULL, 0);
        ck_assert_int_eq(sim_route_del(m, &r, NULL), -ESRCH);
        r = route(m, "mlx4_ib0", "198.51.100.0/24", NULL, 200);
        ck_assert_int_eq(sim_route_del(m, &r, NULL), 0);
        ck_assert_int_eq(sim_route_del(m, &r, NULL), -ESRCH);

        /* IPv6: ip6_route_info_create() turns metric 0 into 1024; a link-local gateway needs no route;
         * ip6_validate_gw() refuses an unreachable global one. */
        r = route(m, "mlx4_ib0", "2001:db8:40::/48", "fe80::1", 0);
        ck_assert_int_eq(sim_route_add(m, &r, NULL), 0);
        ck_assert_uint_eq(m->routes[m->n_routes - 1].metric, 1024);
        r = route(m, "mlx4_ib0", "2001:db8:50::/48", "2001:db8:9::1", 0);
        ck_assert_int_eq(sim_route_add(m, &r, NULL), -EHOSTUNREACH);
        /* fib6_nh_init(): down device → -ENETDOWN. */
        r = route(m, "mlx4_ib1", "2001:db8:60::/48", NULL, 0);
        ck_assert_int_eq(sim_route_add(m, &r, NULL), -ENETDOWN);
}
END_TEST

START_TEST(test_ifdown_effects) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        SimNetdev *p = sim_test_dev(m, "mlx4_ib0");
        KAddress a4 = addr(m, "mlx4_ib0", "192.0.2.1/24"), a6 = addr(m, "mlx4_ib0", "2001:db8:1::1/64");
        KRoute r4 = route(m, "mlx4_ib0", "198.51.100.0/24", "192.0.2.254", 0);
        KRoute r6 = route(m, "mlx4_ib0", "2001:db8:40::/48", "fe80::1", 1024);

        ck_assert_int_eq(sim_set_up(m, p, true), 0);
        ck_assert_int_eq(sim_address_add(m, &a4, true, NULL), 0);
        ck_assert_int_eq(sim_address_add(m, &a6, false, NULL), 0);
        ck_assert_int_eq(sim_route_add(m, &r4, NULL), 0);
        ck_assert_int_eq(sim_route_add(m, &r6, NULL), 0);
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_set_up(m, p, false), 0);
        /* addrconf_ifdown() (keep_addr_on_down=0): every IPv6 address and route goes, notified. */
        ck_assert_ptr_null(sim_model_find_address(m, &a6));
        ck_assert_uint_eq(count_events(m, SIM_EVENT_ADDRESS, true, AF_INET6), 2); /* global + link-local */
        ck_assert_uint_eq(count_events(m, SIM_EVENT_ROUTE, true, AF_INET6), 3);   /* prefix, fe80::/64, r6 */
        /* fib_disable_ip() → fib_flush(): IPv4 routes vanish WITHOUT RTM_DELROUTE; addresses stay. */
        ck_assert_ptr_nonnull(sim_model_find_address(m, &a4));
        ck_assert_ptr_null(sim_model_find_route(m, &r4));
        ck_assert(!has_route(m, "mlx4_ib0", "192.0.2.0/24", 0));
        ck_assert_uint_eq(count_events(m, SIM_EVENT_ROUTE, true, AF_INET), 0);
        /* NETDEV_UP → fib_add_ifaddr(): the prefix route returns (notified); the static one does not. */
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_set_up(m, p, true), 0);
        ck_assert(has_route(m, "mlx4_ib0", "192.0.2.0/24", 0));
        ck_assert_ptr_null(sim_model_find_route(m, &r4));
        ck_assert_uint_eq(count_events(m, SIM_EVENT_ROUTE, false, AF_INET), 1);
}
END_TEST

void sim_test_add_inet_tcase(Suite *s) {
        TCase *tc = tcase_create("inet");

        tcase_add_test(tc, test_address_rules);
        tcase_add_test(tc, test_address_ipv6_mtu);
        tcase_add_test(tc, test_route_rules);
        tcase_add_test(tc, test_ifdown_effects);
        suite_add_tcase(s, tc);
}

/* ——— the fabric file ——— */

/* One port of one HCA, with the port's keys after the GUID. */
#define PORT "{\"hcas\": [{\"name\": \"m\", \"ports\": [{\"guid\": \"0002:c903:0001:2345\", "
#define END "}]}]}"

START_TEST(test_fabric_parse_errors) {
        static const struct {
                const char *json, *error;
        } t[] = {
                { "{", "line 1: unexpected end of file" },
                { "[]", "$: expected an object" },
                { "{\"hca\": []}", "hca: unknown key" },
                { "{\"hcas\": [{\"ports\": []}]}", "hcas[0]: an HCA needs \"name\"" },
                { "{\"hcas\": [{\"name\": \"m\", \"ports\": [{\"netdev\": \"ib0\"}]}]}",
                  "hcas[0].ports[0]: a port needs \"guid\"" },
                { PORT "\"state\": \"up\", \"netdev\": \"ib0\"" END,
                  "hcas[0].ports[0].state: expected down, init, armed or active" },
                { PORT "\"active_mtu\": 3000, \"netdev\": \"x\"" END,
                  "hcas[0].ports[0].active_mtu: expected an IB MTU" },
                { PORT "\"active_mtu\": 4096, \"max_mtu\": 2048, \"netdev\": \"x\"" END,
                  "hcas[0].ports[0]: max_mtu 2048 is below active_mtu 4096" },
                { PORT "\"netdev\": {\"name\": \"x\", \"children\": [{\"name\": \"y\"}]}" END,
                  "hcas[0].ports[0].netdev.children[0]: a child needs \"pkey\"" },
                { PORT "\"netdev\": {\"name\": \"x\", \"colour\": 1}" END,
                  "hcas[0].ports[0].netdev.colour: unknown key" },
                { PORT "\"netdev\": \"x\"}, {\"port\": 2, \"guid\": \"0002:c903:0001:2346\","
                       " \"netdev\": \"x\"" END,
                  "x: interface name given twice" },
        };

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *err = NULL;
                SimFabric f = {};

                ck_assert_int_eq(sim_fabric_parse(t[i].json, &f, &err), -EINVAL);
                ck_assert_msg(err && startswith(err, t[i].error), "#%zu: got \"%s\", want \"%s…\"", i,
                              strna(err), t[i].error);
        }
}
END_TEST

START_TEST(test_fabric_example) {
        _cleanup_(sim_model_freep) SimModel *m = NULL;
        _cleanup_free_ char *err = NULL;
        SimFabric f = {};
        SimNetdev *ib0, *ib1, *mlx5;

        ck_assert_int_eq(sim_fabric_parse_file(TEST_SRCDIR "/examples/fabric/cx3-cx6.json", &f, &err), 0);
        ck_assert_int_eq(sim_model_new(&m), 0);
        ck_assert_int_eq(sim_model_load(m, &f, &err), 0);
        sim_fabric_done(&f);
        ib0 = sim_test_dev(m, "mlx4_ib0");
        ib1 = sim_test_dev(m, "mlx4_ib1");
        mlx5 = sim_test_dev(m, "mlx5_ib0");
        ck_assert_int_eq(ib0->ifindex, 5);
        ck_assert_int_eq(ib1->ifindex, 6);
        ck_assert_int_eq(mlx5->ifindex, 7);
        ck_assert_str_eq(sysfs(ib0, "address"),
                         "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:01:23:45\n");
        ck_assert_str_eq(sysfs(mlx5, "address"),
                         "00:00:10:87:fe:80:00:00:00:00:00:00:04:3f:72:03:00:a1:b2:c3\n");
        ck_assert_uint_eq(ib0->mtu, 2044);
        ck_assert_uint_eq(mlx5->mtu, 4092);
        ck_assert(sim_port_cm_capable(ib0->port->hca));
        ck_assert(!sim_port_cm_capable(mlx5->port->hca));
        ck_assert(sim_port_pkey_present(&ib1->port->conf, 0x8002));
}
END_TEST

START_TEST(test_fabric_initial_state) {
        static const char json[] =
                "{ \"hcas\": [ { \"name\": \"mlx4_0\", \"ports\": [ { \"guid\": \"0002:c903:0001:2345\","
                "  \"active_mtu\": 2048, \"sm_lid\": 1, \"pkeys\": [\"0xffff\", \"0x8002\"],"
                "  \"netdev\": { \"name\": \"ib0\", \"up\": true, \"mode\": \"connected\", \"mtu\": 9000,"
                "    \"addresses\": [\"192.0.2.9/24\"], \"children\": ["
                "      { \"pkey\": \"0x8002\", \"method\": \"sysfs\", \"up\": true },"
                "      { \"name\": \"ib0.storage\", \"pkey\": 3, \"mode\": \"datagram\","
                "        \"umcast\": true } ] } } ] } ] }";
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(json);
        SimNetdev *ib0 = sim_test_dev(m, "ib0"), *legacy = sim_test_dev(m, "ib0.8002"),
                  *nl = sim_test_dev(m, "ib0.storage");
        KAddress a = addr(m, "ib0", "192.0.2.9/24");

        ck_assert(ib0->up && ib0->connected && ib0->carrier);
        ck_assert_uint_eq(ib0->mtu, 9000);
        ck_assert_ptr_nonnull(sim_model_find_address(m, &a));
        ck_assert(legacy->up && legacy->carrier);
        ck_assert_int_eq(legacy->child_type, SIM_LEGACY_CHILD);
        ck_assert_int_eq(nl->child_type, SIM_RTNL_CHILD);
        ck_assert_uint_eq(nl->pkey, 0x8003);
        ck_assert(nl->umcast);
        /* Created after the parent was up: down, and its pkey is not in the table. */
        ck_assert(!nl->up);
}
END_TEST

/* text with insert placed before the first occurrence of anchor; newly allocated. */
static char *insert_before(const char *text, const char *anchor, const char *insert) {
        const char *at = strstr(text, anchor);
        char *s = NULL;

        ck_assert_ptr_nonnull(at);
        ck_assert_int_ge(asprintf(&s, "%.*s%s%s", (int) (at - text), text, insert, at), 0);
        return s;
}

START_TEST(test_fabric_apply) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(sim_test_fabric);
        _cleanup_free_ char *err = NULL, *changed = NULL;
        SimFabric f = {};
        char *tmp;

        ck_assert_int_eq(sim_set_up(m, sim_test_dev(m, "mlx5_ib0"), true), 0);
        ck_assert(sim_test_dev(m, "mlx5_ib0")->carrier);
        /* The same file: nothing happens. */
        ck_assert_int_eq(sim_fabric_parse(sim_test_fabric, &f, &err), 0);
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_model_apply(m, &f), 0);
        ck_assert_uint_eq(m->n_events, 0);
        sim_fabric_done(&f);
        /* mlx5_0's port goes DOWN and mlx4_0 is unplugged ("present": false). */
        changed = insert_before(sim_test_fabric, "\"active_mtu\": 4096, \"bcast_mtu\"",
                                "\"state\": \"down\", ");
        tmp = insert_before(changed, "\"name\": \"mlx4_0\",", "\"present\": false, ");
        free(changed);
        changed = tmp;
        ck_assert_int_eq(sim_fabric_parse(changed, &f, &err), 0);
        ck_assert_int_eq(sim_model_apply(m, &f), 0);
        sim_fabric_done(&f);
        ck_assert(!sim_test_dev(m, "mlx5_ib0")->carrier);
        ck_assert_ptr_null(sim_model_find_name(m, "mlx4_ib0"));
        ck_assert_ptr_null(sim_model_find_name(m, "mlx4_ib1"));
        /* And back: mlx4_0's parents are registered again. */
        ck_assert_int_eq(sim_fabric_parse(sim_test_fabric, &f, &err), 0);
        ck_assert_int_eq(sim_model_apply(m, &f), 0);
        sim_fabric_done(&f);
        ck_assert_ptr_nonnull(sim_model_find_name(m, "mlx4_ib0"));
        ck_assert(sim_test_dev(m, "mlx5_ib0")->carrier);
}
END_TEST

void sim_test_add_sysfs_tcase(Suite *s) {
        TCase *tc = tcase_create("sysfs");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_sysfs_create_child);
        tcase_add_test(tc, test_sysfs_delete_child);
        tcase_add_test(tc, test_sysfs_rename);
        tcase_add_test(tc, test_sysfs_files);
        tcase_add_test(tc, test_sysfs_mode_store);
        tcase_add_test(tc, test_fabric_parse_errors);
        tcase_add_test(tc, test_fabric_example);
        tcase_add_test(tc, test_fabric_initial_state);
        tcase_add_test(tc, test_fabric_apply);
        suite_add_tcase(s, tc);
}
