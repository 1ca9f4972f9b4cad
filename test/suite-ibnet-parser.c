/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The .ibnet reader: every schema key with good and bad values, the inih traps (line numbers, long
 * lines, indentation, inline comments), sections, duplicates and drop-ins. Each case writes a real
 * file and runs ibnet_load(), and each bad case asserts the exact path:line, level and message. */

#include <arpa/inet.h>
#include <check.h>

#include "ibnet-load.h"
#include "policy.h"
#include "schema.h"
#include "strv.h"
#include "test-suites.h"
#include "test-util.h"

#define M "[Match]\nName=ib0\n" /* lines 1-2 */

static union in_addr_union addr_of(int family, const char *s) {
        union in_addr_union a = {};

        ck_assert_msg(inet_pton(family, s, &a) == 1, "bad test address %s", s);
        return a;
}

static void
assert_addr(const IbAddress *a, int family, const char *addr, unsigned prefixlen, unsigned line) {
        union in_addr_union want = addr_of(family, addr);

        ck_assert_int_eq(a->family, family);
        ck_assert_msg(in_addr_equal(family, &a->addr, &want), "address is not %s", addr);
        ck_assert_uint_eq(a->prefixlen, prefixlen);
        ck_assert_uint_eq(a->line, line);
}

/* ---- every schema key, good and bad ---- */

typedef void (*NetworkCheck)(const IbNetwork *n);

static void check_match_name(const IbNetwork *n) {
        ck_assert_uint_eq(strv_length(n->match_name), 3); /* ib0 from line 2, then the two of line 4 */
        ck_assert_str_eq(n->match_name[1], "ib1");
        ck_assert_str_eq(n->match_name[2], "mlx?_ib*");
}
static void check_match_guid(const IbNetwork *n) {
        ck_assert_uint_eq(n->n_match_guids, 1);
        ck_assert(n->match_guids[0] == UINT64_C(0x0002c90300012345));
}
static void check_match_device(const IbNetwork *n) {
        ck_assert_uint_eq(strv_length(n->match_device), 1);
        ck_assert_str_eq(n->match_device[0], "mlx5_0");
        ck_assert_uint_eq(n->match_port, 0);
}
static void check_match_guids(const IbNetwork *n) {
        ck_assert_uint_eq(n->n_match_guids, 3); /* in the order written */
        ck_assert(n->match_guids[0] == UINT64_C(0x0002c90300012345));
        ck_assert(n->match_guids[1] == UINT64_C(0x0002c90300012346));
        ck_assert(n->match_guids[2] == UINT64_C(0x0002c9030001ab00));
        ck_assert(ib_network_multi_port(n));
}
static void check_match_devices(const IbNetwork *n) {
        ck_assert_uint_eq(strv_length(n->match_device), 3);
        ck_assert_str_eq(n->match_device[0], "mlx5_0");
        ck_assert_str_eq(n->match_device[1], "mlx5_[4-7]");
        ck_assert_str_eq(n->match_device[2], "ib?");
        ck_assert(ib_network_multi_port(n));
}
static void check_match_port(const IbNetwork *n) {
        ck_assert_uint_eq(n->match_port, 2);
}
static void check_match_type(const IbNetwork *n) {
        ck_assert_int_eq(n->match_type, IB_LINK_TYPE_ETHER);
}
static void check_pkey(const IbNetwork *n) {
        ck_assert(n->has_partition);
        ck_assert_uint_eq(n->pkey, 0x8002);
        ck_assert_uint_eq(n->pkey_raw, 0x8002);
        ck_assert_ptr_null(n->child_name);
}
static void check_pkey_ffff(const IbNetwork *n) {
        ck_assert_uint_eq(n->pkey, 0xffff);
}
static void check_partition_name(const IbNetwork *n) {
        ck_assert_str_eq(n->child_name, "ib0.storage");
}
static void check_child_method(const IbNetwork *n) {
        ck_assert_int_eq(n->child_method, IB_CHILD_METHOD_SYSFS);
}
static void check_require_active_port(const IbNetwork *n) {
        ck_assert_int_eq(n->require_active_port, 1);
}
static void check_mtu(const IbNetwork *n) {
        ck_assert_uint_eq(n->mtu, 2044);
        ck_assert(!n->mtu_max);
}
static void check_mtu_max(const IbNetwork *n) {
        ck_assert_uint_eq(n->mtu, 0);
        ck_assert(n->mtu_max);
}
static void check_mode(const IbNetwork *n) {
        ck_assert_int_eq(n->mode, IB_MODE_CONNECTED);
}
static void check_umcast(const IbNetwork *n) {
        ck_assert_int_eq(n->umcast, 1);
}
static void check_address(const IbNetwork *n) {
        ck_assert_uint_eq(n->n_addresses, 1);
        assert_addr(&n->addresses[0], AF_INET6, "2001:db8:1::1", 32, 4);
}
static void check_address_223(const IbNetwork *n) {
        ck_assert_uint_eq(n->n_addresses, 1);
        assert_addr(&n->addresses[0], AF_INET, "223.255.255.1", 8, 4);
}
static void check_gateway(const IbNetwork *n) {
        union in_addr_union gw = addr_of(AF_INET, "192.0.2.254");

        ck_assert_uint_eq(n->n_gateways, 1);
        ck_assert_int_eq(n->gateways[0].family, AF_INET);
        ck_assert(n->gateways[0].has_gw && !n->gateways[0].has_dst);
        ck_assert(in_addr_equal(AF_INET, &n->gateways[0].gw, &gw));
        ck_assert_uint_eq(n->gateways[0].line, 4);
}
static void check_gateway_onlink(const IbNetwork *n) {
        ck_assert_int_eq(n->gateway_onlink, 1);
}
static void check_dns(const IbNetwork *n) {
        ck_assert_uint_eq(n->n_dns, 2);
        assert_addr(&n->dns[0], AF_INET, "192.0.2.253", 0, 4);
        ck_assert_int_eq(n->dns[1].family, AF_INET6);
}
static void check_domains(const IbNetwork *n) {
        ck_assert_uint_eq(strv_length(n->domains), 2); /* the repeat is dropped */
        ck_assert_str_eq(n->domains[0], "example.com");
        ck_assert_str_eq(n->domains[1], "~corp");
}
static void check_arp_ignore(const IbNetwork *n) {
        ck_assert_int_eq(n->arp_ignore, 8);
        ck_assert_int_eq(n->arp_announce, -1);
}
static void check_arp_announce(const IbNetwork *n) {
        ck_assert_int_eq(n->arp_announce, 2);
        ck_assert_int_eq(n->arp_ignore, -1);
}
static void check_route_destination(const IbNetwork *n) {
        union in_addr_union dst = addr_of(AF_INET, "10.0.0.0");

        ck_assert_uint_eq(n->n_routes, 1);
        ck_assert(n->routes[0].has_dst && !n->routes[0].has_gw);
        ck_assert_int_eq(n->routes[0].family, AF_INET);
        ck_assert(in_addr_equal(AF_INET, &n->routes[0].dst, &dst)); /* host bits masked */
        ck_assert_uint_eq(n->routes[0].dst_len, 8);
        ck_assert_uint_eq(n->routes[0].line, 3);
}
static void check_route_host(const IbNetwork *n) {
        ck_assert_uint_eq(n->routes[0].dst_len, 128);
        ck_assert_int_eq(n->routes[0].family, AF_INET6);
}
static void check_route_gateway(const IbNetwork *n) {
        ck_assert_uint_eq(n->n_routes, 1);
        ck_assert(n->routes[0].has_gw && !n->routes[0].has_dst);
        ck_assert_int_eq(n->routes[0].family, AF_INET6);
}
static void check_route_metric(const IbNetwork *n) {
        ck_assert_uint_eq(n->n_routes, 1);
        ck_assert(n->routes[0].has_metric);
        ck_assert_uint_eq(n->routes[0].metric, 4294967295U);
}

static void check_source_routing(const IbNetwork *n) {
        ck_assert(n->source_routing);
        ck_assert_uint_eq(n->source_routing_base, 200);
}

static void check_source_routing_yes(const IbNetwork *n) {
        ck_assert(n->source_routing);
        ck_assert_uint_eq(n->source_routing_base, IB_SOURCE_ROUTING_BASE_DEFAULT);
}

static void check_route_table(const IbNetwork *n) {
        ck_assert_uint_eq(n->n_routes, 1);
        ck_assert(n->routes[0].has_table);
        ck_assert_uint_eq(n->routes[0].table, 107);
}

static void check_route_table_main(const IbNetwork *n) {
        ck_assert(n->routes[0].has_table);
        ck_assert_uint_eq(n->routes[0].table, 254);
}

static void check_rule_from(const IbNetwork *n) {
        char s[128];

        ck_assert_uint_eq(n->n_rules, 1);
        ck_assert_int_eq(n->rules[0].family, AF_INET);
        ck_assert_str_eq(ib_rule_to_string(&n->rules[0], s, sizeof(s)), "from 10.1.0.0/16 lookup 100 priority 1000");
}

static void check_rule_to(const IbNetwork *n) {
        char s[128];

        ck_assert_int_eq(n->rules[0].family, AF_INET6);
        ck_assert_str_eq(ib_rule_to_string(&n->rules[0], s, sizeof(s)), "from all to 2001:db8::1 lookup 100 priority 1000");
}

static void check_rule_table(const IbNetwork *n) {
        ck_assert_uint_eq(n->rules[0].table, 4000000000U);
}

static void check_rule_priority(const IbNetwork *n) {
        ck_assert_uint_eq(n->rules[0].priority, 1003);
}

static void check_rule_iif(const IbNetwork *n) {
        ck_assert_str_eq(n->rules[0].iif, "ib3");
}

static void check_rule_oif(const IbNetwork *n) {
        ck_assert_str_eq(n->rules[0].oif, "ib4");
}

typedef struct KeyCase {
        const char *section, *key;
        const char *value;
        const char *extra;  /* more lines of the same section, after the key at line 4 */
        NetworkCheck check; /* non-NULL: a good value, checked with this */
        const char *error;  /* NULL: a good value; else the expected message part at line 4 */
} KeyCase;

static const KeyCase key_cases[] = {
        { "Match", "Name", "ib1  mlx?_ib*", NULL, check_match_name, NULL },
        { "Match", "Name", "ib/0", NULL, NULL,
          "invalid Name= value \"ib/0\": not an interface name or glob" },
        { "Match", "Name", "ib0 ib:1", NULL, NULL, "invalid Name= value \"ib:1\"" },
        { "Match", "Name", "ib0 # the first port", NULL, NULL, "comments go on a line of their own" },
        { "Match", "Name", "!ib0", NULL, NULL, "invalid Name= value \"!ib0\": negation is not supported" },
        { "Match", "GUID", "0002:c903:0001:2345", NULL, check_match_guid, NULL },
        { "Match", "GUID", "00:02:c9:03:00:01:23:45", NULL, check_match_guid, NULL },
        { "Match", "GUID", "0x0002c90300012345", NULL, check_match_guid, NULL },
        /* A pasted IPoIB hardware address: the last 8 bytes (with a notice). */
        { "Match", "GUID", "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:01:23:45", NULL, check_match_guid,
          NULL },
        { "Match", "GUID", "80:00:02:08:fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:00", NULL, NULL,
          "the all-zero GUID never identifies a port" },
        { "Match", "GUID", "0002:c903:0001", NULL, NULL,
          "invalid GUID= value \"0002:c903:0001\": not a port GUID; expected space-separated port GUIDs such as" },
        { "Match", "GUID", "0x0000000000000000", NULL, NULL, "the all-zero GUID never identifies a port" },
        { "Match", "Device", "mlx5_0", NULL, check_match_device, NULL },
        { "Match", "Device", "mlx5_0 mlx5_[4-7] ib?", NULL, check_match_devices, NULL },
        { "Match", "GUID", "0x0002c90300012345 0002:c903:0001:2346 0x0002c9030001ab00", NULL, check_match_guids,
          NULL },
        { "Match", "GUID", "0x0002c90300012345 nope", NULL, NULL, "invalid GUID= value \"nope\": not a port GUID" },
        { "Match", "Device", "mlx5/0", NULL, NULL,
          "invalid Device= value \"mlx5/0\": not an RDMA device name or glob" },
        { "Match", "Port", "2", "Device=mlx5_0\n", check_match_port, NULL },
        { "Match", "Port", "0", "Device=mlx5_0\n", NULL,
          "invalid Port= value \"0\": not a port number; expected a port number 1…255" },
        { "Match", "Port", "256", "Device=mlx5_0\n", NULL, "invalid Port= value \"256\"" },
        { "Match", "Type", "ether", NULL, check_match_type, NULL },
        { "Match", "Type", "ethernet", NULL, NULL,
          "invalid Type= value \"ethernet\": unknown link type; expected infiniband or ether" },
        { "Partition", "PKey", "0x8002", NULL, check_pkey, NULL },
        { "Partition", "PKey", "0xFFFF", NULL, check_pkey_ffff, NULL },
        /* Never decimal: "8002" would be 0x1f42, another partition. The hint names the likely intent. */
        { "Partition", "PKey", "8002", NULL, NULL,
          "invalid PKey= value \"8002\": a P_Key is hexadecimal with 0x, as in ib0.8002 and sysfs pkey; "
          "write PKey=0x8002; expected 0x and 4 hex digits" },
        { "Partition", "PKey", "32770", NULL, NULL, "write PKey=0x8002" },
        { "Partition", "PKey", "65535", NULL, NULL, "write PKey=0xffff" },
        { "Partition", "PKey", "0x8000", NULL, NULL,
          "invalid PKey= value \"0x8000\": 0x0000 and 0x8000 are not usable partitions" },
        { "Partition", "PKey", "0x10000", NULL, NULL,
          "invalid PKey= value \"0x10000\": larger than 0xffff" },
        { "Partition", "PKey", "storage", NULL, NULL, "invalid PKey= value \"storage\"" },
        { "Partition", "Name", "ib0.storage", "PKey=0x8002\n", check_partition_name, NULL },
        { "Partition", "Name", "ib0.storage12345", "PKey=0x8002\n", NULL,
          "invalid Name= value \"ib0.storage12345\": longer than 15 characters" },
        { "Partition", "Name", "ib0/1", "PKey=0x8002\n", NULL,
          "invalid Name= value \"ib0/1\": not a valid interface name" },
        /* What dev_valid_name() refuses. */
        { "Partition", "Name", "ib0:1", "PKey=0x8002\n", NULL, "invalid Name= value \"ib0:1\": not a valid interface name" },
        { "Partition", "Name", "ib0 x", "PKey=0x8002\n", NULL, "invalid Name= value \"ib0 x\": not a valid interface name" },
        { "Partition", "Name", ".", "PKey=0x8002\n", NULL, "invalid Name= value \".\": not a valid interface name" },
        { "Partition", "Name", "..", "PKey=0x8002\n", NULL, "invalid Name= value \"..\": not a valid interface name" },
        { "Partition", "Name", "ib0.x23456789012", "PKey=0x8002\n", NULL, "longer than 15 characters" },
        { "Partition", "Method", "sysfs", "PKey=0x8002\n", check_child_method, NULL },
        { "Partition", "Method", "ioctl", "PKey=0x8002\n", NULL,
          "invalid Method= value \"ioctl\": unknown method; expected netlink or sysfs" },
        { "Link", "MTU", "2044", NULL, check_mtu, NULL },
        { "Link", "MTU", "max", NULL, check_mtu_max, NULL },
        { "Link", "MTU", "jumbo", NULL, NULL,
          "invalid MTU= value \"jumbo\": not a number; expected bytes (68…65535) or max" },
        { "Link", "MTU", "67", NULL, NULL, "invalid MTU= value \"67\": out of range 68…65535" },
        { "Link", "MTU", "65536", NULL, NULL, "invalid MTU= value \"65536\": out of range" },
        { "Link", "RequireActivePort", "yes", NULL, check_require_active_port, NULL },
        { "Link", "RequireActivePort", "sometimes", NULL, NULL,
          "invalid RequireActivePort= value \"sometimes\": not a boolean" },
        { "IPoIB", "Mode", "connected", NULL, check_mode, NULL },
        { "IPoIB", "Mode", "cm", NULL, NULL,
          "invalid Mode= value \"cm\": unknown mode; expected datagram or connected" },
        { "IPoIB", "Umcast", "yes", NULL, check_umcast, NULL },
        { "IPoIB", "Umcast", "maybe", NULL, NULL, "invalid Umcast= value \"maybe\": not a boolean" },
        { "Network", "Address", "2001:db8:1::1/32", NULL, check_address, NULL },
        { "Network", "Address", "192.0.2.1", NULL, NULL,
          "invalid Address= value \"192.0.2.1\": the prefix length is missing" },
        { "Network", "Address", "192.0.2.1/33", NULL, NULL, "not an address with a valid prefix length" },
        { "Network", "Address", "0.0.0.0/8", NULL, NULL, "the unspecified address cannot be assigned" },
        { "Network", "Address", "ff02::1/64", NULL, NULL, "a multicast address cannot be assigned" },
        { "Network", "Address", "224.0.0.251/4", NULL, NULL, "a multicast address cannot be assigned" },
        { "Network", "Address", "239.255.255.255/8", NULL, NULL, "a multicast address cannot be assigned" },
        { "Network", "Address", "223.255.255.1/8", NULL, check_address_223, NULL },
        { "Network", "Gateway", "192.0.2.254", "Address=192.0.2.1/24\n", check_gateway, NULL },
        { "Network", "Gateway", "192.0.2", NULL, NULL,
          "invalid Gateway= value \"192.0.2\": not an IP address" },
        { "Network", "Gateway", "::", NULL, NULL, "the unspecified address is no gateway" },
        { "Network", "GatewayOnLink", "yes", "Gateway=198.51.100.1\n", check_gateway_onlink, NULL },
        { "Network", "ARPIgnore", "8", NULL, check_arp_ignore, NULL },
        { "Network", "ARPIgnore", "4", NULL, NULL,
          "invalid ARPIgnore= value \"4\": out of range; expected 0, 1, 2, 3 or 8" },
        { "Network", "ARPIgnore", "9", NULL, NULL, "invalid ARPIgnore= value \"9\": out of range" },
        { "Network", "ARPAnnounce", "2", NULL, check_arp_announce, NULL },
        { "Network", "ARPAnnounce", "3", NULL, NULL,
          "invalid ARPAnnounce= value \"3\": out of range; expected 0, 1 or 2" },
        { "Network", "ARPAnnounce", "-1", NULL, NULL, "invalid ARPAnnounce= value \"-1\"" },
        { "Network", "GatewayOnLink", "onlink", NULL, NULL,
          "invalid GatewayOnLink= value \"onlink\": not a boolean" },
        { "Network", "DNS", "192.0.2.253 2001:db8::53", NULL, check_dns, NULL },
        { "Network", "DNS", "192.0.2.253 dns.example", NULL, NULL,
          "invalid DNS= value \"dns.example\": not an IP address" },
        { "Network", "DNS", "192.0.2.253 192.0.2.253", NULL, NULL, "DNS= repeats the value at" },
        { "Network", "Domains", "example.com ~corp example.com", NULL, check_domains, NULL },
        { "Network", "Domains", "example..com", NULL, NULL,
          "invalid Domains= value \"example..com\": not a DNS domain" },
        { "Route", "Destination", "10.1.2.3/8", NULL, check_route_destination, NULL },
        { "Route", "Destination", "2001:db8::1", NULL, check_route_host, NULL },
        { "Route", "Destination", "default", NULL, NULL, "leave Destination= out for a default route" },
        { "Route", "Destination", "10.0.0.0/40", NULL, NULL,
          "invalid Destination= value \"10.0.0.0/40\": not a prefix" },
        { "Route", "Gateway", "fe80::1", NULL, check_route_gateway, NULL },
        { "Route", "Gateway", "gw.example", NULL, NULL,
          "invalid Gateway= value \"gw.example\": not an IP address" },
        { "Route", "Gateway", "0.0.0.0", NULL, NULL, "the unspecified address is no gateway" },
        { "Route", "Metric", "4294967295", "Destination=10.0.0.0/8\n", check_route_metric, NULL },
        { "Route", "Metric", "-1", "Destination=10.0.0.0/8\n", NULL,
          "invalid Metric= value \"-1\": not a number" },
        { "Route", "Metric", "4294967296", "Destination=10.0.0.0/8\n", NULL,
          "invalid Metric= value \"4294967296\"" },
        { "Network", "SourceRouting", "200", "Address=10.0.0.1/24\n", check_source_routing, NULL },
        { "Network", "SourceRouting", "yes", "Address=10.0.0.1/24\n", check_source_routing_yes, NULL },
        { "Network", "SourceRouting", "32766", NULL, NULL, "must be 1…32765 to come before the main table's rule" },
        { "Network", "SourceRouting", "maybe", NULL, NULL, "neither a boolean nor a table number" },
        { "Route", "Table", "100+7", "Destination=10.0.0.0/8\n", check_route_table, NULL },
        { "Route", "Table", "main", "Destination=10.0.0.0/8\n", check_route_table_main, NULL },
        { "Route", "Table", "255", "Destination=10.0.0.0/8\n", NULL, "table 255 (local) holds the kernel's local" },
        { "Route", "Table", "0", "Destination=10.0.0.0/8\n", NULL, "table 0 means \"any table\"" },
        { "Route", "Table", "local", "Destination=10.0.0.0/8\n", NULL, "a table the kernel reserves" },
        { "Route", "Table", "100+", "Destination=10.0.0.0/8\n", NULL, "not a number or sum" },
        { "Route", "Table", "no-such-table-name", "Destination=10.0.0.0/8\n", NULL, "no such table name" },
        { "RoutingPolicyRule", "From", "10.1.2.3/16", "Table=100\nPriority=1000\n", check_rule_from, NULL },
        { "RoutingPolicyRule", "From", "10.1.2", "Table=100\nPriority=1000\n", NULL, "not an address or prefix" },
        { "RoutingPolicyRule", "To", "2001:db8::1", "Table=100\nPriority=1000\n", check_rule_to, NULL },
        { "RoutingPolicyRule", "To", "any", "Table=100\nPriority=1000\n", NULL, "not an address or prefix" },
        { "RoutingPolicyRule", "Table", "4000000000", "Priority=1000\n", check_rule_table, NULL },
        { "RoutingPolicyRule", "Table", "253", "Priority=1000\n", NULL, "table 253 (default)" },
        { "RoutingPolicyRule", "Priority", "1000+3", "Table=100\n", check_rule_priority, NULL },
        { "RoutingPolicyRule", "Priority", "0", "Table=100\n", NULL, "priority 0 is the rule of the local table" },
        { "RoutingPolicyRule", "Priority", "4294967295+1", "Table=100\n", NULL, "out of range" },
        { "RoutingPolicyRule", "IncomingInterface", "ib3", "Table=100\nPriority=1000\n", check_rule_iif, NULL },
        { "RoutingPolicyRule", "IncomingInterface", "a/b", "Table=100\nPriority=1000\n", NULL,
          "not a valid interface name" },
        { "RoutingPolicyRule", "OutgoingInterface", "ib4", "Table=100\nPriority=1000\n", check_rule_oif, NULL },
        { "RoutingPolicyRule", "OutgoingInterface", "0123456789abcdef", "Table=100\nPriority=1000\n", NULL,
          "longer than 15 characters" },
};

static void test_key_one(const KeyCase *c) {
        _cleanup_(test_load_done) TestLoad l = {};
        _cleanup_free_ char *text = NULL;

        ck_assert_int_ge(
                asprintf(&text, M "[%s]\n%s=%s\n%s", c->section, c->key, c->value, c->extra ?: ""), 0);
        test_load(text, NULL, &l);
        if (!c->error) {
                _cleanup_free_ char *dump = test_diags_dump(&l.diags);
                const ConfigTableItem *it = config_table_lookup(c->section, c->key);
                ConfigLoc loc;

                ck_assert_msg(
                        l.r == 0 && diag_count(&l.diags, DIAG_ERROR) == 0, "%s.%s=%s: r=%d, %s", c->section,
                        c->key, c->value, l.r, dump);
                c->check(l.network);
                /* The loader remembers where each key was set. */
                loc = ib_network_key_loc(l.network, c->section, c->key);
                ck_assert_ptr_nonnull(it);
                ck_assert_str_eq(loc.file, l.path);
                ck_assert_uint_eq(loc.line, 4);
                return;
        }
        ck_assert_int_eq(l.r, -EINVAL);
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 4, c->error);
}

START_TEST(test_keys) {
        test_key_one(&key_cases[_i]);
}
END_TEST

START_TEST(test_keys_all_covered) {
        /* A key added to the schema needs a good and a bad case here. */
        FOREACH_ARRAY (it, ibnet_config_table, ibnet_config_table_size) {
                bool good = false, bad = false;

                for (size_t i = 0; i < ELEMENTSOF(key_cases); i++)
                        if (streq(key_cases[i].section, it->section) && streq(key_cases[i].key, it->key)) {
                                good = good || !key_cases[i].error;
                                bad = bad || key_cases[i].error;
                        }
                ck_assert_msg(
                        good && bad, "%s.%s lacks a good (%d) or bad (%d) case", it->section, it->key, good,
                        bad);
        }
}
END_TEST

/* ---- diagnostics: exact path:line, level and message ---- */

typedef struct DiagCase {
        const char *text;
        const char *dropin; /* NULL: no drop-in */
        DiagLevel level;
        bool in_dropin; /* the diagnostic names the drop-in */
        unsigned line;
        const char *message;
        int errors; /* exactly this many errors in the load */
} DiagCase;

static const DiagCase diag_cases[] = {
        /* Sections and keys. */
        { M "[Foo]\nBar=1\n[Link]\nMTU=2044\n", NULL, DIAG_ERROR, false, 3,
          "unknown section [Foo]; known sections are Match, Partition, Link, IPoIB, Network, Route", 1 },
        { M "[link]\nMTU=2044\n", NULL, DIAG_ERROR, false, 3, "unknown section [link]", 1 },
        { M "[Link\nMTU=2044\n", NULL, DIAG_ERROR, false, 3, "section header without closing \"]\"", 1 },
        /* Case-sensitive, with the right spelling for a slip. */
        { M "[link]\nMTU=2044\n", NULL, DIAG_ERROR, false, 3, "unknown section [link]; did you mean [Link]?", 1 },
        { "[match]\nName=ib0\n", NULL, DIAG_ERROR, false, 1, "unknown section [match]; did you mean [Match]?", 1 },
        { M "[NETWORK]\nAddress=192.0.2.1/24\n", NULL, DIAG_ERROR, false, 3, "did you mean [Network]?", 1 },
        /* One error per root cause: no "[Match] needs Name=" on top. */
        { "[Macth]\nName=ib0\n", NULL, DIAG_ERROR, false, 1, "unknown section [Macth]; did you mean [Match]?", 1 },
        { "[Match]\nNmae=ib0\n", NULL, DIAG_ERROR, false, 2, "unknown key Nmae= in [Match]", 1 },
        { "[Match]\nName=ib/0\n", NULL, DIAG_ERROR, false, 2, "invalid Name= value \"ib/0\"", 1 },
        { "Name=ib0\n[Link]\nMTU=2044\n", NULL, DIAG_ERROR, false, 1, "Name= outside of any section", 1 },
        /* No "[Partition] without PKey=" after an invalid PKey=. */
        { M "[Partition]\nPKey=storage\n", NULL, DIAG_ERROR, false, 4, "invalid PKey= value \"storage\"", 1 },
        { M "[Partition]\nPKey=0x8000\n", NULL, DIAG_ERROR, false, 4, "0x0000 and 0x8000 are not usable", 1 },
        { M "[Partition]\nPKey=-1\n", NULL, DIAG_ERROR, false, 4,
          "invalid PKey= value \"-1\": a P_Key is hexadecimal with 0x, as in ib0.8002 and sysfs pkey; expected", 1 },
        /* No "[Route] needs Destination=" after an invalid one. */
        { M "[Route]\nDestination=default\n", NULL, DIAG_ERROR, false, 4, "leave Destination= out", 1 },
        { M "[Route]\nGateway=gw.example\n", NULL, DIAG_ERROR, false, 4, "not an IP address", 1 },
        { M "[Link]\nMTUU=2044\n", NULL, DIAG_ERROR, false, 4,
          "unknown key MTUU= in [Link]; known keys are MTU", 1 },
        { M "[Link]\nmtu=2044\n", NULL, DIAG_ERROR, false, 4,
          "unknown key mtu= in [Link]; did you mean MTU=?", 1 },
        { M "[Network]\naddress=192.0.2.1/24\n", NULL, DIAG_ERROR, false, 4, "did you mean Address=?", 1 },
        { M "[Network]\nDestination=10.0.0.0/8\n", NULL, DIAG_ERROR, false, 4,
          "unknown key Destination= in [Network]; known keys are Address, Gateway, DNS, Domains", 1 },
        { "MTU=2044\n" M, NULL, DIAG_ERROR, false, 1,
          "MTU= outside of any section; put it under its section header", 1 },
        { M "[Link]\nMTU\n", NULL, DIAG_ERROR, false, 4, "\"MTU\" is not KEY=VALUE", 1 },
        /* Duplicates: an error within one file, an override across files. */
        { M "[Link]\nMTU=2044\nMTU=4092\n", NULL, DIAG_ERROR, false, 5,
          "MTU= is already set at line 4 of this file; keep one of them", 1 },
        { M "[Link]\nMTU=2044\n[Link]\nMTU=4092\n", NULL, DIAG_ERROR, false, 6,
          "MTU= is already set at line 4 of this file", 1 },
        /* GUID= and Device= are lists (multi-rail files): a repeat of one entry is the error. */
        { "[Match]\nGUID=0x0002c90300012345\nGUID=0x0002c90300012346 0002:c903:0001:2345\n", NULL, DIAG_ERROR,
          false, 3, "invalid GUID= value \"0002:c903:0001:2345\": the GUID is listed twice", 1 },
        { "[Match]\nDevice=mlx5_0 mlx5_*\nDevice=mlx5_0\n", NULL, DIAG_ERROR, false, 3,
          "invalid Device= value \"mlx5_0\": the device is listed twice", 1 },
        { M "[Link]\nMTU=2044\n", "[Link]\nMTU=4092\nMTU=2044\n", DIAG_ERROR, true, 3,
          "MTU= is already set at line 2 of this file", 1 },
        { M "[Link]\nMTU=2044\n", "[Link]\nMTUU=1\n", DIAG_ERROR, true, 2, "unknown key MTUU=", 1 },
        /* A drop-in starts outside any section, whatever the main file ended with. */
        { M "[Link]\n", "MTU=4092\n", DIAG_ERROR, true, 1, "MTU= outside of any section", 1 },
        { M "[Network]\nAddress=192.0.2.1/24\nAddress=192.0.2.1/24\n", NULL, DIAG_ERROR, false, 5,
          "Address= repeats the value at", 1 },
        /* The kernel keys addresses by the address alone: another prefix length is no new address. */
        { M "[Network]\nAddress=2001:db8::1/64\nAddress=2001:db8::1/56\n", NULL, DIAG_ERROR, false, 5,
          "Address= repeats the value at", 1 },
        { M "[Network]\nAddress=192.0.2.1/24\n", "[Network]\nAddress=192.0.2.1/24\n", DIAG_ERROR, true, 2,
          "Address= repeats the value at", 1 },
        { M "[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\nGateway=192.0.2.254\n", NULL, DIAG_ERROR,
          false, 6, "Gateway= repeats the value at", 1 },
        /* Two default routes of one family and metric on one link, across a drop-in too. */
        { M "[Network]\nAddress=192.0.2.1/24\nGateway=192.0.2.254\n", "[Network]\nGateway=192.0.2.253\n",
          DIAG_ERROR, true, 2, "a second IPv4 default route with metric 0 on this link (the first is at ", 1 },
        /* [Route]: each header is a route of its own. */
        { M "[Route]\n[Route]\nDestination=10.0.0.0/8\n", NULL, DIAG_ERROR, false, 3,
          "[Route] needs Destination=, Gateway= or both; complete or remove the section", 1 },
        { M "[Route]\nDestination=10.0.0.0/8\n[Route]\n", NULL, DIAG_ERROR, false, 5,
          "[Route] needs Destination=", 1 },
        { M "[Route]\nMetric=10\n", NULL, DIAG_ERROR, false, 3, "[Route] needs Destination=", 1 },
        { M "[Route]\nDestination=10.0.0.0/8\nDestination=10.1.0.0/16\n", NULL, DIAG_ERROR, false, 5,
          "Destination= is already set at line 4 of this section", 1 },
        { M "[Route]\nDestination=10.0.0.0/8\nGateway=2001:db8::1\n", NULL, DIAG_ERROR, false, 5,
          "invalid Gateway= value \"2001:db8::1\": the route mixes IPv4 and IPv6", 1 },
        /* inih traps. */
        { M "[Network]\nDNS=192.0.2.53\n    192.0.2.54\n", NULL, DIAG_ERROR, false, 5,
          "\"192.0.2.54\" is not KEY=VALUE", 1 },
        { M "[Link]\nMTU=2044 # jumbo\n", NULL, DIAG_ERROR, false, 4, "invalid MTU= value \"2044 # jumbo\"",
          1 },
        { M "[Link]\nMTU=2044;jumbo\n", NULL, DIAG_ERROR, false, 4, "invalid MTU= value \"2044;jumbo\"", 1 },
        /* As ibnet(5) says: the list keys name the mistake. */
        { M "[Network]\nDNS=192.0.2.53 # site\n", NULL, DIAG_ERROR, false, 4,
          "invalid DNS= value \"192.0.2.53 # site\": comments go on a line of their own", 1 },
        { M "[Network]\nDomains=example.com # site\n", NULL, DIAG_ERROR, false, 4,
          "invalid Domains= value \"example.com # site\": comments go on a line of their own", 1 },
        { "[Match]\r\nName=ib0\r\n[Link]\r\nMTU=20x4\r\n", NULL, DIAG_ERROR, false, 4,
          "invalid MTU= value \"20x4\":", 1 },
        { M "\n# comment\n; comment\n\n[Link]\n\tMTU=abc\n", NULL, DIAG_ERROR, false, 8,
          "invalid MTU= value \"abc\"", 1 },
        /* [Partition] P_Key normalisation is a notice, not an error. */
        { M "[Partition]\nPKey=0x0002\n", NULL, DIAG_NOTICE, false, 4,
          "PKey=0x0002 has no full-membership bit; the kernel stores and reports it as 0x8002", 0 },
        { M "[Partition]\nPKey=2\n", NULL, DIAG_ERROR, false, 4,
          "invalid PKey= value \"2\": a P_Key is hexadecimal with 0x, as in ib0.8002 and sysfs pkey; write "
          "PKey=0x8002", 1 },
        { "[Match]\nGUID=80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0e:2a:31\n", NULL, DIAG_NOTICE, false,
          2, "GUID= is a 20-byte IPoIB hardware address; using its last 8 bytes, the port GUID; write "
          "GUID=0002:c903:000e:2a31", 0 },
};

static void test_diag_one(const DiagCase *c) {
        _cleanup_(test_load_done) TestLoad l = {};

        test_load(c->text, c->dropin, &l);
        test_assert_diag(&l.diags, c->level, c->in_dropin ? l.dropin : l.path, c->line, c->message);
        test_assert_count(&l.diags, DIAG_ERROR, c->errors);
        ck_assert_int_eq(l.r, c->errors > 0 ? -EINVAL : 0);
}

START_TEST(test_diags) {
        test_diag_one(&diag_cases[_i]);
}
END_TEST

/* ---- good files, field by field ---- */

START_TEST(test_full_parent) {
        static const char text[] = "# The seed's parent port\n" /* 1 */
                                   "[Match]\n"                  /* 2 */
                                   "Name=mlx4_ib0\n"            /* 3 */
                                   "\n"                         /* 4 */
                                   "[Link]\n"                   /* 5 */
                                   "MTU=65520\n"                /* 6 */
                                   "[IPoIB]\n"                  /* 7 */
                                   "Mode = connected\n"         /* 8 */
                                   "Umcast=off\n"               /* 9 */
                                   "[Network]\n"                /* 10 */
                                   "Address=192.0.2.1/24\n"     /* 11 */
                                   "Gateway=192.0.2.254\n"      /* 12 */
                                   "DNS=192.0.2.253\n"          /* 13 */
                                   "Address=2001:db8:1::1/32\n" /* 14 */
                                   "Gateway=2001:db8:1::fffe\n" /* 15 */
                                   "DNS=2001:db8:1::fffd\n"     /* 16 */
                                   "Domains = example.com   ~corp\n" /* 17 */;
        _cleanup_(test_load_done) TestLoad l = {};
        const IbNetwork *n;

        test_load_ok(text, NULL, &l);
        test_assert_count(&l.diags, DIAG_WARNING, 0);
        n = l.network;
        ck_assert_str_eq(n->name, TEST_IBNET_NAME);
        ck_assert_str_eq(n->path, l.path);
        ck_assert_uint_eq(strv_length(n->files), 1);
        ck_assert_str_eq(n->match_name[0], "mlx4_ib0");
        ck_assert_str_eq(ib_network_literal_name(n), "mlx4_ib0");
        ck_assert(n->n_match_guids == 0 && !n->match_device && n->match_port == 0);
        ck_assert_int_eq(n->match_type, IB_LINK_TYPE_INFINIBAND);
        ck_assert(!ib_network_is_child(n));
        ck_assert_uint_eq(n->mtu, 65520);
        ck_assert_int_eq(n->mode, IB_MODE_CONNECTED);
        ck_assert_int_eq(n->umcast, 0);
        ck_assert_uint_eq(n->n_addresses, 2);
        assert_addr(&n->addresses[0], AF_INET, "192.0.2.1", 24, 11);
        assert_addr(&n->addresses[1], AF_INET6, "2001:db8:1::1", 32, 14);
        ck_assert_str_eq(n->addresses[1].file, l.path);
        ck_assert_uint_eq(n->n_gateways, 2);
        ck_assert_uint_eq(n->gateways[1].line, 15);
        ck_assert_uint_eq(n->n_dns, 2);
        ck_assert_uint_eq(n->n_routes, 0);
        ck_assert_uint_eq(strv_length(n->domains), 2);
        ck_assert_str_eq(n->domains[1], "~corp");
        ck_assert_uint_eq(ib_network_key_loc(n, "IPoIB", "Mode").line, 8);
        ck_assert_uint_eq(ib_network_loc(n, SCHEMA_KEY_IPOIB_MODE).line, 8);
        ck_assert_uint_eq(ib_network_loc(n, SCHEMA_KEY_NETWORK_GATEWAY).line, 15);
        ck_assert_ptr_null(ib_network_loc(n, SCHEMA_KEY_PARTITION_PKEY).file);
        ck_assert_uint_eq(ib_network_key_loc(n, "Network", "Domains").line, 17);
        ck_assert_uint_eq(ib_network_key_loc(n, "Partition", "PKey").line, 0);
        ck_assert_ptr_null(ib_network_key_loc(n, "Link", "Nope").file);
}
END_TEST

START_TEST(test_pkey_minus_one) {
        /* "-1" is no P_Key syntax at all: the message must not be about 0x0000 or 0x8000. */
        _cleanup_(test_load_done) TestLoad l = {};

        test_load(M "[Partition]\nPKey=-1\n", NULL, &l);
        test_assert_count(&l.diags, DIAG_ERROR, 1);
        ck_assert_ptr_null(strstr(l.diags.items[0].message, "0x0000"));
        ck_assert_ptr_null(strstr(l.diags.items[0].message, "usable"));
}
END_TEST

START_TEST(test_unset_stays_unset) {
        _cleanup_(test_load_done) TestLoad l = {};

        test_load_ok("[Match]\nGUID=0002:c903:0001:2345\n", NULL, &l);
        ck_assert_ptr_null(l.network->match_name);
        ck_assert_uint_eq(l.network->mtu, 0);
        ck_assert(!l.network->mtu_max);
        ck_assert_int_eq(l.network->mode, _IB_MODE_INVALID);
        ck_assert_int_eq(l.network->umcast, -1);
        ck_assert_int_eq(l.network->require_active_port, -1);
        ck_assert(!l.network->has_partition);
        ck_assert_ptr_null(l.network->domains);
        ck_assert_ptr_null(ib_network_literal_name(l.network));
}
END_TEST

START_TEST(test_partition_child) {
        _cleanup_(test_load_done) TestLoad l = {};
        char buf[IFNAME_MAX + 1];

        test_load_ok(
                "[Match]\nName=mlx4_ib0\n[Partition]\nPKey=0x8002\n[Network]\nAddress=192.0.2.2/24\n", NULL,
                &l);
        ck_assert(ib_network_is_child(l.network));
        ck_assert_uint_eq(l.network->pkey, 0x8002);
        ck_assert_str_eq(l.network->partition.file, l.path);
        ck_assert_uint_eq(l.network->partition.line, 3);
        ck_assert_int_eq(ib_network_child_name(l.network, "mlx4_ib0", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "mlx4_ib0.8002");
        ck_assert_int_eq(ib_network_child_name(l.network, "mlx4_ib0_long", buf, sizeof(buf)), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_pkey_normalised) {
        _cleanup_(test_load_done) TestLoad l = {};

        test_load_ok(M "[Partition]\nPKey=0x0002\n", NULL, &l);
        ck_assert_uint_eq(l.network->pkey, 0x8002);
        ck_assert_uint_eq(l.network->pkey_raw, 0x0002);
        test_assert_count(&l.diags, DIAG_NOTICE, 1);
}
END_TEST

START_TEST(test_repeatable_accumulate) {
        _cleanup_(test_load_done) TestLoad l = {};
        const IbNetwork *n;

        test_load_ok(
                "[Match]\nName=ib0\nName=ib1 ib2\n"
                "[Network]\nAddress=192.0.2.1/24\nAddress=192.0.2.2/25\nAddress=198.51.100.1/24\n"
                "DNS=192.0.2.53\nDNS=192.0.2.54 192.0.2.55\nDomains=a.example\nDomains=b.example\n"
                "Gateway=192.0.2.254\nGateway=fe80::1\n",
                NULL, &l);
        n = l.network;
        ck_assert_uint_eq(strv_length(n->match_name), 3);
        ck_assert_ptr_null(ib_network_literal_name(n));
        ck_assert_uint_eq(n->n_addresses, 3);
        assert_addr(&n->addresses[1], AF_INET, "192.0.2.2", 25, 6);
        ck_assert_uint_eq(n->n_dns, 3);
        ck_assert_uint_eq(n->dns[2].line, 9);
        ck_assert_uint_eq(strv_length(n->domains), 2);
        ck_assert_uint_eq(n->n_gateways, 2);
        /* The last line that set a repeatable key. */
        ck_assert_uint_eq(ib_network_key_loc(n, "Network", "DNS").line, 9);
}
END_TEST

START_TEST(test_empty_value_resets) {
        _cleanup_(test_load_done) TestLoad l = {};
        const IbNetwork *n;

        test_load_ok(
                "[Match]\nName=ib0\nName=\nName=ib1\n"
                "[Network]\nAddress=192.0.2.1/24\nAddress=\nAddress=198.51.100.1/24\n"
                "DNS=192.0.2.53\nDNS=\nDomains=a.example\nDomains=\nGateway=192.0.2.254\nGateway=\n"
                "[IPoIB]\nMode=\n",
                NULL, &l);
        n = l.network;
        ck_assert_uint_eq(strv_length(n->match_name), 1);
        ck_assert_str_eq(n->match_name[0], "ib1");
        ck_assert_uint_eq(n->n_addresses, 1);
        assert_addr(&n->addresses[0], AF_INET, "198.51.100.1", 24, 8);
        ck_assert_uint_eq(n->n_dns, 0);
        ck_assert_ptr_null(n->domains);
        ck_assert_uint_eq(n->n_gateways, 0);
        ck_assert_int_eq(n->mode, _IB_MODE_INVALID);
}
END_TEST

START_TEST(test_routes) {
        static const char text[] = M "[Route]\n"                     /* 3 */
                                     "Destination=10.0.0.0/8\n"      /* 4 */
                                     "Gateway=192.0.2.254\n"         /* 5 */
                                     "Metric=100\n"                  /* 6 */
                                     "[Network]\n"                   /* 7 */
                                     "Address=192.0.2.1/24\n"        /* 8 */
                                     "[Route]\n"                     /* 9 */
                                     "Destination=2001:db8:2::/48\n" /* 10 */
                                     "[Route]\n"                     /* 11 */
                                     "Gateway=192.0.2.253\n" /* 12: a default route */;
        _cleanup_(test_load_done) TestLoad l = {};
        union in_addr_union a;
        const IbRoute *r;

        test_load_ok(text, NULL, &l);
        test_assert_count(&l.diags, DIAG_WARNING, 0);
        ck_assert_uint_eq(l.network->n_routes, 3);

        r = &l.network->routes[0];
        ck_assert_uint_eq(r->line, 3);
        ck_assert_str_eq(r->file, l.path);
        ck_assert(r->has_dst && r->has_gw && r->has_metric);
        ck_assert_int_eq(r->family, AF_INET);
        ck_assert_uint_eq(r->dst_len, 8);
        a = addr_of(AF_INET, "192.0.2.254");
        ck_assert(in_addr_equal(AF_INET, &r->gw, &a));
        ck_assert_uint_eq(r->metric, 100);

        r = &l.network->routes[1];
        ck_assert_uint_eq(r->line, 9);
        ck_assert(r->has_dst && !r->has_gw && !r->has_metric);
        ck_assert_int_eq(r->family, AF_INET6);
        ck_assert_uint_eq(r->dst_len, 48);

        r = &l.network->routes[2];
        ck_assert_uint_eq(r->line, 11);
        ck_assert(!r->has_dst && r->has_gw);
}
END_TEST

START_TEST(test_route_keys_per_section) {
        /* The same key in two [Route] sections is no duplicate, and a drop-in adds routes. */
        _cleanup_(test_load_done) TestLoad l = {};

        test_load_ok(
                M "[Route]\nDestination=10.0.0.0/8\n[Route]\nDestination=10.1.0.0/16\n",
                "[Route]\nDestination=10.2.0.0/16\n", &l);
        ck_assert_uint_eq(l.network->n_routes, 3);
        ck_assert_str_eq(l.network->routes[2].file, l.dropin);
        ck_assert_uint_eq(l.network->routes[2].line, 1);
}
END_TEST

START_TEST(test_indented_lines) {
        /* inih would glue an indented line to the previous value; here it is a key of its own. */
        _cleanup_(test_load_done) TestLoad l = {};

        test_load_ok(
                M "[Network]\nAddress=192.0.2.1/24\n    Address=198.51.100.1/24\n\tDomains=example.com\n"
                  "  [Link]\n   MTU=2044\n",
                NULL, &l);
        ck_assert_uint_eq(l.network->n_addresses, 2);
        ck_assert_uint_eq(l.network->addresses[1].line, 5);
        ck_assert_uint_eq(strv_length(l.network->domains), 1);
        ck_assert_uint_eq(l.network->mtu, 2044);
        ck_assert_uint_eq(ib_network_key_loc(l.network, "Link", "MTU").line, 8);
}
END_TEST

START_TEST(test_inline_comment) {
        _cleanup_(test_load_done) TestLoad l = {};

        test_load_ok(
                M "[Link]\nMTU=2044 ; the UD maximum for a 2K IB MTU\n[IPoIB]\nMode=datagram   ;x\n", NULL,
                &l);
        ck_assert_uint_eq(l.network->mtu, 2044);
        ck_assert_int_eq(l.network->mode, IB_MODE_DATAGRAM);
}
END_TEST

START_TEST(test_colon_separator) {
        /* inih also splits at ':'; the value of a colon-separated line is taken as is. */
        _cleanup_(test_load_done) TestLoad l = {};

        test_load_ok(M "[IPoIB]\nMode:connected\n[Network]\nAddress=2001:db8::1/64\n", NULL, &l);
        ck_assert_int_eq(l.network->mode, IB_MODE_CONNECTED);
        ck_assert_uint_eq(ib_network_key_loc(l.network, "IPoIB", "Mode").line, 4);
        ck_assert_uint_eq(l.network->n_addresses, 1);
}
END_TEST

START_TEST(test_byte_order_mark) {
        /* Editors on other systems write a UTF-8 BOM; inih skips it, so must the reader. */
        _cleanup_(test_load_done) TestLoad l = {};

        test_load("\xef\xbb\xbf[Match]\nName=ib0\n[Link]\nMTU=x\n", NULL, &l);
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 4, "invalid MTU= value \"x\"");
        test_assert_count(&l.diags, DIAG_ERROR, 1);
}
END_TEST

START_TEST(test_dropin_override) {
        _cleanup_(test_load_done) TestLoad l = {};
        ConfigLoc loc;

        test_load_ok(
                M "[Link]\nMTU=2044\n[Network]\nAddress=192.0.2.1/24\nDNS=192.0.2.53\n",
                "# site "
                "policy\n[Link]\nMTU=4092\n[Network]\nDNS=\nDNS=192.0.2.99\nAddress=198.51.100.1/24\n",
                &l);
        ck_assert_uint_eq(strv_length(l.network->files), 2);
        ck_assert_str_eq(l.network->files[1], l.dropin);
        ck_assert_uint_eq(l.network->mtu, 4092);
        loc = ib_network_key_loc(l.network, "Link", "MTU");
        ck_assert_str_eq(loc.file, l.dropin);
        ck_assert_uint_eq(loc.line, 3);
        /* DNS= reset the main file's list; Address= added to it. */
        ck_assert_uint_eq(l.network->n_dns, 1);
        ck_assert_str_eq(l.network->dns[0].file, l.dropin);
        ck_assert_uint_eq(l.network->dns[0].line, 6);
        ck_assert_uint_eq(l.network->n_addresses, 2);
        ck_assert_str_eq(l.network->addresses[0].file, l.path);
}
END_TEST

START_TEST(test_dropin_order) {
        /* Drop-ins apply in lexical order: the last one wins. */
        _cleanup_(test_load_done) TestLoad l = {};

        l.dir = test_mkdir_tmp();
        l.path = test_write(l.dir, TEST_IBNET_NAME, M "[Link]\nMTU=2044\n");
        free(test_write(l.dir, "test.ibnet.d/20-b.conf", "[Link]\nMTU=3000\n"));
        free(test_write(l.dir, "test.ibnet.d/10-a.conf", "[Link]\nMTU=1500\n"));
        free(test_write(l.dir, "test.ibnet.d/30-c.txt", "[Link]\nMTU=1000\n"));
        {
                _cleanup_(conf_file_list_done) ConfFileList files = {};

                ck_assert_int_eq(conf_files_add_path(&files, l.path), 0);
                ck_assert_uint_eq(strv_length(files.files[0].dropins), 2);
                l.r = ibnet_load(&files.files[0], 0, &l.diags, &l.network);
        }
        ck_assert_int_eq(l.r, 0);
        ck_assert_uint_eq(l.network->mtu, 3000);
        ck_assert(endswith(l.network->files[2], "/20-b.conf"));
}
END_TEST

Suite *make_ibnet_parser_suite(void) {
        Suite *s = suite_create("ibnet-parser");
        TCase *tc;

        tc = tcase_create("keys");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_loop_test(tc, test_keys, 0, (int) ELEMENTSOF(key_cases));
        tcase_add_test(tc, test_keys_all_covered);
        suite_add_tcase(s, tc);

        tc = tcase_create("diagnostics");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_loop_test(tc, test_diags, 0, (int) ELEMENTSOF(diag_cases));
        suite_add_tcase(s, tc);

        tc = tcase_create("files");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_full_parent);
        tcase_add_test(tc, test_unset_stays_unset);
        tcase_add_test(tc, test_pkey_minus_one);
        tcase_add_test(tc, test_partition_child);
        tcase_add_test(tc, test_pkey_normalised);
        tcase_add_test(tc, test_repeatable_accumulate);
        tcase_add_test(tc, test_empty_value_resets);
        tcase_add_test(tc, test_routes);
        tcase_add_test(tc, test_route_keys_per_section);
        tcase_add_test(tc, test_indented_lines);
        tcase_add_test(tc, test_inline_comment);
        tcase_add_test(tc, test_colon_separator);
        tcase_add_test(tc, test_byte_order_mark);
        tcase_add_test(tc, test_dropin_override);
        tcase_add_test(tc, test_dropin_order);
        suite_add_tcase(s, tc);

        ibnet_parser_add_file_tcases(s);
        return s;
}
