/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include "ib-tables.h"
#include "parse-util.h"
#include "rail.h"
#include "schema.h"
#include "strv.h"

int config_bad_value(ConfigContext *ctx, const char *value, const char *why) {
        const ConfigTableItem *it = ctx->item;
        char from[512] = "";

        if (ctx->template) {
                char port[160];

                snprintf(from, sizeof(from), " (from \"%s\" for %s)", ctx->template,
                         rail_describe(ctx->rail, port, sizeof(port)));
        }
        diag_add(ctx->diags, DIAG_ERROR, ctx->file, ctx->line, "invalid %s= value \"%s\"%s: %s; expected %s",
                 ctx->key, value, from, why, it && it->syntax ? it->syntax : "a valid value");
        return -EINVAL;
}

static int config_parse_name_globs(ConfigContext *ctx, const char *value, void *data, int ltype) {
        char ***names = data;
        _cleanup_strv_free_ char **l = NULL;
        int r;

        if (isempty(value)) {
                *names = strv_free(*names);
                return 0;
        }
        r = strv_split_ws(value, &l);
        if (r < 0)
                return r;
        STRV_FOREACH(s, l) {
                if (**s == '#' || **s == ';')
                        return config_bad_value(ctx, value, "comments go on a line of their own");
                if (**s == '!')
                        return config_bad_value(ctx, *s, "negation is not supported; list the names to match");
                if (!ifname_glob_valid(*s))
                        return config_bad_value(ctx, *s, "not an interface name or glob");
                r = strv_extend(names, *s);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_one_guid(ConfigContext *ctx, const char *value, uint64_t *ret) {
        uint64_t g = 0;

        if (parse_guid(value, &g) < 0) {
                char buf[GUID_STRING_MAX];

                if (parse_ipoib_hwaddr_guid(value, &g) < 0)
                        return config_bad_value(ctx, value, "not a port GUID");
                /* What "ip link" prints after link/infiniband, pasted whole: the port GUID is its last
                 * 8 bytes, and the rest (QPN, subnet prefix) changes, so it must not be matched. */
                if (g != 0)
                        diag_add(ctx->diags, DIAG_NOTICE, ctx->file, ctx->line,
                                 "GUID= is a 20-byte IPoIB hardware address; using its last 8 bytes, the port "
                                 "GUID; write GUID=%s",
                                 format_guid(g, buf));
        }
        if (g == 0)
                return config_bad_value(ctx, value, "the all-zero GUID never identifies a port");
        *ret = g;
        return 0;
}

/* Space-separated port GUIDs; each line adds to the list (a port's rail index is its position). */
static int config_parse_guids(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbGuidList *l = data;
        _cleanup_strv_free_ char **words = NULL;
        int r;

        if (isempty(value)) {
                l->items = mfree(l->items);
                l->n = l->allocated = 0;
                return 0;
        }
        r = strv_split_ws(value, &words);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                uint64_t g = 0;

                if (**w == '#' || **w == ';')
                        return config_bad_value(ctx, value, "comments go on a line of their own");
                if (parse_one_guid(ctx, *w, &g) < 0)
                        return -EINVAL;
                for (size_t i = 0; i < l->n; i++)
                        if (l->items[i] == g)
                                return config_bad_value(ctx, *w, "the GUID is listed twice");
                if (!GREEDY_REALLOC(l->items, l->allocated, l->n + 1))
                        return -ENOMEM;
                l->items[l->n++] = g;
        }
        return 0;
}

/* Space-separated RDMA device names or globs (mlx5_*), in order. */
static int config_parse_rdma_devices(ConfigContext *ctx, const char *value, void *data, int ltype) {
        char ***devices = data;
        _cleanup_strv_free_ char **words = NULL;
        int r;

        if (isempty(value)) {
                *devices = strv_free(*devices);
                return 0;
        }
        r = strv_split_ws(value, &words);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                if (**w == '#' || **w == ';')
                        return config_bad_value(ctx, value, "comments go on a line of their own");
                if (!rdma_device_glob_valid(*w))
                        return config_bad_value(ctx, *w, "not an RDMA device name or glob");
                if (strv_contains(*devices, *w))
                        return config_bad_value(ctx, *w, "the device is listed twice");
                r = strv_extend(devices, *w);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int config_parse_ifname(ConfigContext *ctx, const char *value, void *data, int ltype) {
        char **s = data;

        if (isempty(value)) {
                *s = mfree(*s);
                return 0;
        }
        if (!ifname_valid(value))
                return config_bad_value(ctx, value,
                                        strlen(value) > IFNAME_MAX ? "longer than 15 characters"
                                                                   : "not a valid interface name");
        free(*s);
        *s = strdup(value);
        return *s ? 0 : -ENOMEM;
}

static int config_parse_port(ConfigContext *ctx, const char *value, void *data, int ltype) {
        uint32_t *p = data, v;

        if (isempty(value)) {
                *p = 0;
                return 0;
        }
        if (safe_atou32(value, &v) < 0 || v < 1 || v > 255)
                return config_bad_value(ctx, value, "not a port number");
        *p = v;
        return 0;
}


static int config_parse_pkey(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbPKey *p = data;
        uint16_t v;
        int r;

        if (isempty(value)) {
                *p = (IbPKey) {};
                return 0;
        }
        r = parse_pkey(value, &v);
        if (r == -ERANGE)
                return config_bad_value(ctx, value, "larger than 0xffff");
        if (r == -EDOM)
                return config_bad_value(ctx, value,
                                        "0x0000 and 0x8000 are not usable partitions; the kernel refuses them");
        if (r < 0) {
                char why[160];

                /* Decimal is refused rather than guessed: "8002" read as decimal is 0x1f42, another
                 * partition, and every tool (ib0.8002, sysfs pkey, nmcli) writes P_Keys in hex. */
                if (pkey_likely_intent(value, &v) >= 0)
                        snprintf(why, sizeof(why),
                                 "a P_Key is hexadecimal with 0x, as in ib0.8002 and sysfs pkey; write PKey=0x%04x",
                                 pkey_normalize(v));
                else
                        snprintf(why, sizeof(why), "a P_Key is hexadecimal with 0x, as in ib0.8002 and sysfs pkey");
                return config_bad_value(ctx, value, why);
        }
        *p = (IbPKey) { .pkey = pkey_normalize(v), .raw = v };
        if (p->pkey != v)
                diag_add(ctx->diags, DIAG_NOTICE, ctx->file, ctx->line,
                         "PKey=%s has no full-membership bit; the kernel stores and reports it as 0x%04x "
                         "(ipoib_ndo_init()); write PKey=0x%04x to say so",
                         value, p->pkey, p->pkey);
        return 0;
}

static int config_parse_mtu(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbMtu *mtu = data, v = {};
        int r;

        if (isempty(value)) {
                *mtu = (IbMtu) {};
                return 0;
        }
        r = parse_mtu(value, &v.bytes, &v.max);
        if (r == -ERANGE)
                return config_bad_value(ctx, value, "out of range 68…65535");
        if (r < 0)
                return config_bad_value(ctx, value, "not a number");
        *mtu = v;
        return 0;
}

/* One parser per enum, from its string table (systemd's DEFINE_CONFIG_PARSE_ENUM). An empty value
 * gives the default. */
#define DEFINE_CONFIG_PARSE_ENUM(function, type, from_string, empty, what)                                   \
        static int function(ConfigContext *ctx, const char *value, void *data, int ltype) {                \
                type *p = data, v;                                                                           \
                                                                                                             \
                if (isempty(value)) {                                                                        \
                        *p = (empty);                                                                        \
                        return 0;                                                                            \
                }                                                                                            \
                v = from_string(value);                                                                      \
                if (v < 0)                                                                                   \
                        return config_bad_value(ctx, value, "unknown " what);                                \
                *p = v;                                                                                      \
                return 0;                                                                                    \
        }

DEFINE_CONFIG_PARSE_ENUM(config_parse_link_type, IbLinkType, ib_link_type_from_string, IB_LINK_TYPE_INFINIBAND,
                         "link type");
DEFINE_CONFIG_PARSE_ENUM(config_parse_mode, IbMode, ib_mode_from_string, _IB_MODE_INVALID, "mode");
DEFINE_CONFIG_PARSE_ENUM(config_parse_child_method, IbChildMethod, ib_child_method_from_string,
                         IB_CHILD_METHOD_NETLINK, "method");

static int config_parse_tristate(ConfigContext *ctx, const char *value, void *data, int ltype) {
        int *b = data, v;

        if (isempty(value)) {
                *b = -1;
                return 0;
        }
        v = parse_boolean(value);
        if (v < 0)
                return config_bad_value(ctx, value, "not a boolean");
        *b = v;
        return 0;
}

int ib_address_list_append(IbAddressList *l, const IbAddress *a) {
        if (!GREEDY_REALLOC(l->items, l->allocated, l->n + 1))
                return -ENOMEM;
        l->items[l->n++] = *a;
        return 0;
}

int ib_route_list_append(IbRouteList *l, const IbRoute *r) {
        if (!GREEDY_REALLOC(l->items, l->allocated, l->n + 1))
                return -ENOMEM;
        l->items[l->n++] = *r;
        return 0;
}

int ib_rule_list_append(IbRuleList *l, const IbRule *r) {
        if (!GREEDY_REALLOC(l->items, l->allocated, l->n + 1))
                return -ENOMEM;
        l->items[l->n++] = *r;
        return 0;
}

static int config_parse_address(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbAddressList *l = data;
        IbAddress a = { .line = ctx->line, .file = ctx->file };
        int r;

        if (isempty(value)) {
                l->items = mfree(l->items);
                l->n = l->allocated = 0;
                return 0;
        }
        r = in_addr_prefix_from_string_auto(value, false, &a.family, &a.addr, &a.prefixlen);
        if (r < 0)
                return config_bad_value(ctx, value,
                                        strchr(value, '/') ? "not an address with a valid prefix length"
                                                           : "the prefix length is missing");
        if (in_addr_is_null(a.family, &a.addr))
                return config_bad_value(ctx, value, "the unspecified address cannot be assigned");
        if ((a.family == AF_INET6 && a.addr.bytes[0] == 0xff) || (a.family == AF_INET && (a.addr.bytes[0] & 0xf0) == 0xe0))
                return config_bad_value(ctx, value, "a multicast address cannot be assigned");
        /* Repeats are found once the whole file is read (schema_check_repeats()). */
        return ib_address_list_append(l, &a);
}

static int config_parse_dns(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbAddressList *dns = data;
        _cleanup_strv_free_ char **l = NULL;
        int r;

        if (isempty(value)) {
                dns->items = mfree(dns->items);
                dns->n = dns->allocated = 0;
                return 0;
        }
        r = strv_split_ws(value, &l);
        if (r < 0)
                return r;
        STRV_FOREACH(s, l) {
                IbAddress a = { .line = ctx->line, .file = ctx->file };

                if (**s == '#' || **s == ';')
                        return config_bad_value(ctx, value, "comments go on a line of their own");
                if (in_addr_from_string_auto(*s, &a.family, &a.addr) < 0)
                        return config_bad_value(ctx, *s, "not an IP address");
                r = ib_address_list_append(dns, &a);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int config_parse_domains(ConfigContext *ctx, const char *value, void *data, int ltype) {
        char ***domains = data;
        _cleanup_strv_free_ char **l = NULL;
        int r;

        if (isempty(value)) {
                *domains = strv_free(*domains);
                return 0;
        }
        r = strv_split_ws(value, &l);
        if (r < 0)
                return r;
        STRV_FOREACH(s, l) {
                if (**s == '#' || **s == ';')
                        return config_bad_value(ctx, value, "comments go on a line of their own");
                if (!dns_domain_valid(*s))
                        return config_bad_value(ctx, *s, "not a DNS domain");
                if (strv_contains(*domains, *s))
                        continue;
                r = strv_extend(domains, *s);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int route_set_family(ConfigContext *ctx, IbRoute *rt, int family, const char *value) {
        if (rt->family != AF_UNSPEC && rt->family != family)
                return config_bad_value(ctx, value, "the route mixes IPv4 and IPv6");
        rt->family = family;
        return 0;
}

static int config_parse_gateway(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbRouteList *l = data;
        IbRoute rt = { .has_gw = true, .line = ctx->line, .file = ctx->file };

        if (isempty(value)) {
                l->items = mfree(l->items);
                l->n = l->allocated = 0;
                return 0;
        }
        if (in_addr_from_string_auto(value, &rt.family, &rt.gw) < 0)
                return config_bad_value(ctx, value, "not an IP address");
        if (in_addr_is_null(rt.family, &rt.gw))
                return config_bad_value(ctx, value, "the unspecified address is no gateway");
        return ib_route_list_append(l, &rt);
}

static int config_parse_route_destination(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbPrefix *dst = data;
        union in_addr_union a;
        uint8_t plen;
        int family;

        if (isempty(value)) {
                *dst = (IbPrefix) {};
                return 0;
        }
        if (streq(value, "default"))
                return config_bad_value(ctx, value, "leave Destination= out for a default route");
        if (in_addr_prefix_from_string_auto(value, true, &family, &a, &plen) < 0)
                return config_bad_value(ctx, value, "not a prefix");
        if (route_set_family(ctx, ctx->route, family, value) < 0)
                return -EINVAL;
        in_addr_mask(family, &a, plen);
        *dst = (IbPrefix) { .addr = a, .len = plen, .set = true };
        return 0;
}

static int config_parse_route_gateway(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbOptionalAddr *gw = data;
        union in_addr_union a;
        int family;

        if (isempty(value)) {
                *gw = (IbOptionalAddr) {};
                return 0;
        }
        if (in_addr_from_string_auto(value, &family, &a) < 0)
                return config_bad_value(ctx, value, "not an IP address");
        if (in_addr_is_null(family, &a))
                return config_bad_value(ctx, value, "the unspecified address is no gateway");
        if (route_set_family(ctx, ctx->route, family, value) < 0)
                return -EINVAL;
        *gw = (IbOptionalAddr) { .addr = a, .set = true };
        return 0;
}

/* arp_ignore: 0-3 and 8 mean something (arp_ignore() in net/ipv4/arp.c; 4-7 are reserved); arp_announce
 * 0-2 (inet_select_addr() callers in arp_solicit()). ltype: the largest value. */
static int config_parse_arp_level(ConfigContext *ctx, const char *value, void *data, int ltype) {
        int *p = data;
        uint32_t v;

        if (isempty(value)) {
                *p = -1;
                return 0;
        }
        if (safe_atou32(value, &v) < 0 || v > (uint32_t) ltype || (ltype == 8 && v > 3 && v < 8))
                return config_bad_value(ctx, value, "out of range");
        *p = (int) v;
        return 0;
}

static int config_parse_u32(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbOptionalU32 *p = data;
        uint32_t v;

        if (isempty(value)) {
                *p = (IbOptionalU32) {};
                return 0;
        }
        if (safe_atou32(value, &v) < 0)
                return config_bad_value(ctx, value, "not a number");
        *p = (IbOptionalU32) { .value = v, .set = true };
        return 0;
}

/* Table numbers the kernel gives a meaning of its own (include/uapi/linux/rtnetlink.h): RT_TABLE_UNSPEC 0
 * ("any table" in requests), RT_TABLE_DEFAULT 253 and RT_TABLE_LOCAL 255. Main (254) is the table of a
 * route without Table=. */
static const char *table_reserved(uint32_t t) {
        switch (t) {
        case RT_TABLE_UNSPEC:
                return "table 0 means \"any table\" to the kernel";
        case RT_TABLE_DEFAULT:
                return "table 253 (default) is the kernel's fallback table";
        case RT_TABLE_LOCAL:
                return "table 255 (local) holds the kernel's local and broadcast routes";
        default:
                return NULL;
        }
}

/* Table=: "main", a number, a sum ("100+3", what "100+%i" gives a rail) or a name from rt_tables. */
static int config_parse_table(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbOptionalU32 *p = data;
        const char *why;
        uint32_t v;
        int r;

        if (isempty(value)) {
                *p = (IbOptionalU32) {};
                return 0;
        }
        if (streq(value, "main"))
                v = RT_TABLE_MAIN;
        else if (streq(value, "local") || streq(value, "default") || streq(value, "unspec"))
                return config_bad_value(ctx, value, "a table the kernel reserves; pick a number such as 100");
        else if (value[0] >= '0' && value[0] <= '9') {
                r = parse_u32_sum(value, &v);
                if (r < 0)
                        return config_bad_value(ctx, value, r == -ERANGE ? "out of range" : "not a number or sum");
        } else {
                r = route_table_from_name(route_table_files, value, &v);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return config_bad_value(ctx, value, "no such table name in /etc/iproute2/rt_tables");
        }
        why = table_reserved(v);
        if (why)
                return config_bad_value(ctx, value, why);
        *p = (IbOptionalU32) { .value = v, .set = true };
        return 0;
}

/* Priority=: 1…4294967295, or a sum ("1000+%i"). 0 is the local table's rule, which must stay first. */
static int config_parse_rule_priority(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbOptionalU32 *p = data;
        uint32_t v;
        int r;

        if (isempty(value)) {
                *p = (IbOptionalU32) {};
                return 0;
        }
        r = parse_u32_sum(value, &v);
        if (r < 0)
                return config_bad_value(ctx, value, r == -ERANGE ? "out of range" : "not a number or sum");
        if (v == 0)
                return config_bad_value(ctx, value, "priority 0 is the rule of the local table, which comes first");
        *p = (IbOptionalU32) { .value = v, .set = true };
        return 0;
}

static int rule_set_family(ConfigContext *ctx, IbRule *rule, int family, const char *value) {
        if (rule->family != AF_UNSPEC && rule->family != family)
                return config_bad_value(ctx, value, "the rule mixes IPv4 and IPv6");
        rule->family = family;
        return 0;
}

/* From=, To=: ADDRESS[/PREFIXLEN]; an address alone is one host. */
static int config_parse_rule_prefix(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbPrefix *p = data;
        union in_addr_union a;
        uint8_t plen;
        int family;

        if (isempty(value)) {
                *p = (IbPrefix) {};
                return 0;
        }
        if (in_addr_prefix_from_string_auto(value, true, &family, &a, &plen) < 0)
                return config_bad_value(ctx, value, "not an address or prefix");
        if (rule_set_family(ctx, ctx->rule, family, value) < 0)
                return -EINVAL;
        in_addr_mask(family, &a, plen);
        *p = (IbPrefix) { .addr = a, .len = plen, .set = true };
        return 0;
}

/* IncomingInterface=, OutgoingInterface=: an interface name, kept in a fixed buffer (the rule is copied
 * per port). */
static int config_parse_rule_ifname(ConfigContext *ctx, const char *value, void *data, int ltype) {
        char *s = data;

        if (isempty(value)) {
                s[0] = 0;
                return 0;
        }
        if (!ifname_valid(value))
                return config_bad_value(ctx, value,
                                        strlen(value) > IFNAME_MAX ? "longer than 15 characters"
                                                                   : "not a valid interface name");
        snprintf(s, IFNAME_MAX + 1, "%s", value);
        return 0;
}

/* SourceRouting=: a boolean (yes: tables from IB_SOURCE_ROUTING_BASE_DEFAULT) or the table base. */
static int config_parse_source_routing(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbOptionalU32 *p = data;
        uint32_t v;
        int b;

        if (isempty(value)) {
                *p = (IbOptionalU32) {};
                return 0;
        }
        if (value[0] >= '0' && value[0] <= '9') {
                if (safe_atou32(value, &v) < 0)
                        return config_bad_value(ctx, value, "not a table number");
                if (v == 0 || v >= IB_RULE_PRIORITY_MAIN)
                        return config_bad_value(ctx, value,
                                                "the tables' rules take the table number as priority, which must be "
                                                "1…32765 to come before the main table's rule (32766)");
                *p = (IbOptionalU32) { .value = v, .set = true };
                return 0;
        }
        b = parse_boolean(value);
        if (b < 0)
                return config_bad_value(ctx, value, "neither a boolean nor a table number");
        *p = b ? (IbOptionalU32) { .value = IB_SOURCE_ROUTING_BASE_DEFAULT, .set = true } : (IbOptionalU32) {};
        return 0;
}

#define NET(field) offsetof(IbNetwork, field)
#define ROUTE(field) offsetof(IbRoute, field)
#define RULE(field) offsetof(IbRule, field)

/* The two views of each SCHEMA_FIELD() must agree member by member. */
#define VIEW_CHECK(outer, as, type, member, field)                                                           \
        _Static_assert(offsetof(outer, field) == offsetof(outer, as) + offsetof(type, member),                \
                       #outer "." #field " is not " #type "." #member)
VIEW_CHECK(IbNetwork, match_guid_list, IbGuidList, allocated, allocated_match_guids);
VIEW_CHECK(IbNetwork, pkey_setting, IbPKey, raw, pkey_raw);
VIEW_CHECK(IbNetwork, mtu_setting, IbMtu, max, mtu_max);
VIEW_CHECK(IbNetwork, address_list, IbAddressList, allocated, allocated_addresses);
VIEW_CHECK(IbNetwork, dns_list, IbAddressList, allocated, allocated_dns);
VIEW_CHECK(IbNetwork, gateway_list, IbRouteList, allocated, allocated_gateways);
VIEW_CHECK(IbNetwork, route_list, IbRouteList, allocated, allocated_routes);
VIEW_CHECK(IbRoute, dst_setting, IbPrefix, set, has_dst);
VIEW_CHECK(IbRoute, gw_setting, IbOptionalAddr, set, has_gw);
VIEW_CHECK(IbRoute, metric_setting, IbOptionalU32, set, has_metric);
VIEW_CHECK(IbRoute, table_setting, IbOptionalU32, set, has_table);
VIEW_CHECK(IbNetwork, source_routing_setting, IbOptionalU32, set, source_routing);
VIEW_CHECK(IbNetwork, rule_list, IbRuleList, allocated, allocated_rules);
VIEW_CHECK(IbRule, from_setting, IbPrefix, set, has_from);
VIEW_CHECK(IbRule, to_setting, IbPrefix, set, has_to);
VIEW_CHECK(IbRule, table_setting, IbOptionalU32, set, has_table);
VIEW_CHECK(IbRule, priority_setting, IbOptionalU32, set, has_priority);

const char *const ibnet_sections[_SCHEMA_SECTION_MAX + 1] = {
        [SCHEMA_SECTION_MATCH] = "Match",     [SCHEMA_SECTION_PARTITION] = "Partition",
        [SCHEMA_SECTION_LINK] = "Link",       [SCHEMA_SECTION_IPOIB] = "IPoIB",
        [SCHEMA_SECTION_NETWORK] = "Network", [SCHEMA_SECTION_ROUTE] = "Route",
        [SCHEMA_SECTION_ROUTING_POLICY_RULE] = "RoutingPolicyRule",
        [_SCHEMA_SECTION_MAX] = NULL,
};

#define ROW(k, sec, name, parser, off, fl, syn)                                                               \
        [SCHEMA_KEY_##k] = { .section = sec, .key = name, .parse = parser, .offset = off, .flags = fl, .syntax = syn }
#define ROW_L(k, sec, name, parser, lt, off, fl, syn)                                                          \
        [SCHEMA_KEY_##k] = { .section = sec, .key = name, .parse = parser, .ltype = lt, .offset = off, .flags = fl, \
                             .syntax = syn }

const ConfigTableItem ibnet_config_table[_SCHEMA_KEY_MAX] = {
        ROW(MATCH_NAME, "Match", "Name", config_parse_name_globs, NET(match_name), CONFIG_REPEATABLE, "space-separated interface name globs"),
        ROW(MATCH_GUID, "Match", "GUID", config_parse_guids, NET(match_guid_list), CONFIG_REPEATABLE, "space-separated port GUIDs such as 0002:c903:0001:2345, 00:02:c9:03:00:01:23:45 or 0x0002c90300012345"),
        ROW(MATCH_DEVICE, "Match", "Device", config_parse_rdma_devices, NET(match_device), CONFIG_REPEATABLE, "space-separated RDMA device names or globs such as mlx5_0 or mlx5_*"),
        ROW(MATCH_PORT, "Match", "Port", config_parse_port, NET(match_port), 0, "a port number 1…255"),
        ROW(MATCH_TYPE, "Match", "Type", config_parse_link_type, NET(match_type), 0, "infiniband or ether"),
        ROW(PARTITION_PKEY, "Partition", "PKey", config_parse_pkey, NET(pkey_setting), 0, "0x and 4 hex digits, 0x0001…0xffff (not 0x8000), e.g. 0x8002"),
        ROW(PARTITION_NAME, "Partition", "Name", config_parse_ifname, NET(child_name), 0, "an interface name of at most 15 characters"),
        ROW(PARTITION_METHOD, "Partition", "Method", config_parse_child_method, NET(child_method), 0, "netlink or sysfs"),
        ROW(LINK_MTU, "Link", "MTU", config_parse_mtu, NET(mtu_setting), 0, "bytes (68…65535) or max"),
        ROW(LINK_REQUIRE_ACTIVE_PORT, "Link", "RequireActivePort", config_parse_tristate, NET(require_active_port), 0, "a boolean"),
        ROW(IPOIB_MODE, "IPoIB", "Mode", config_parse_mode, NET(mode), 0, "datagram or connected"),
        ROW(IPOIB_UMCAST, "IPoIB", "Umcast", config_parse_tristate, NET(umcast), 0, "a boolean"),
        ROW(NETWORK_ADDRESS, "Network", "Address", config_parse_address, NET(address_list), CONFIG_REPEATABLE | CONFIG_RAIL, "ADDRESS/PREFIXLEN, IPv4 or IPv6"),
        ROW(NETWORK_GATEWAY, "Network", "Gateway", config_parse_gateway, NET(gateway_list), CONFIG_REPEATABLE | CONFIG_RAIL, "an IPv4 or IPv6 address"),
        ROW(NETWORK_DNS, "Network", "DNS", config_parse_dns, NET(dns_list), CONFIG_REPEATABLE, "space-separated IPv4 or IPv6 addresses"),
        ROW(NETWORK_DOMAINS, "Network", "Domains", config_parse_domains, NET(domains), CONFIG_REPEATABLE, "space-separated search domains (~ for route-only)"),
        ROW(NETWORK_GATEWAY_ON_LINK, "Network", "GatewayOnLink", config_parse_tristate, NET(gateway_onlink), 0, "a boolean"),
        ROW_L(NETWORK_ARP_IGNORE, "Network", "ARPIgnore", config_parse_arp_level, 8, NET(arp_ignore), 0, "0, 1, 2, 3 or 8"),
        ROW_L(NETWORK_ARP_ANNOUNCE, "Network", "ARPAnnounce", config_parse_arp_level, 2, NET(arp_announce), 0, "0, 1 or 2"),
        ROW(NETWORK_SOURCE_ROUTING, "Network", "SourceRouting", config_parse_source_routing, NET(source_routing_setting), 0, "a boolean or a table number 1…32765 (the first port's table)"),
        ROW(ROUTE_DESTINATION, "Route", "Destination", config_parse_route_destination, ROUTE(dst_setting), CONFIG_PER_SECTION | CONFIG_RAIL, "ADDRESS/PREFIXLEN"),
        ROW(ROUTE_GATEWAY, "Route", "Gateway", config_parse_route_gateway, ROUTE(gw_setting), CONFIG_PER_SECTION | CONFIG_RAIL, "an IPv4 or IPv6 address"),
        ROW(ROUTE_METRIC, "Route", "Metric", config_parse_u32, ROUTE(metric_setting), CONFIG_PER_SECTION | CONFIG_RAIL, "a number 0…4294967295"),
        ROW(ROUTE_TABLE, "Route", "Table", config_parse_table, ROUTE(table_setting), CONFIG_PER_SECTION | CONFIG_RAIL, "main, a table number or name, or a sum such as 100+%i"),
        ROW(RULE_FROM, "RoutingPolicyRule", "From", config_parse_rule_prefix, RULE(from_setting), CONFIG_PER_SECTION | CONFIG_PER_RULE | CONFIG_RAIL, "ADDRESS[/PREFIXLEN]"),
        ROW(RULE_TO, "RoutingPolicyRule", "To", config_parse_rule_prefix, RULE(to_setting), CONFIG_PER_SECTION | CONFIG_PER_RULE | CONFIG_RAIL, "ADDRESS[/PREFIXLEN]"),
        ROW(RULE_TABLE, "RoutingPolicyRule", "Table", config_parse_table, RULE(table_setting), CONFIG_PER_SECTION | CONFIG_PER_RULE | CONFIG_RAIL, "main, a table number or name, or a sum such as 100+%i"),
        ROW(RULE_PRIORITY, "RoutingPolicyRule", "Priority", config_parse_rule_priority, RULE(priority_setting), CONFIG_PER_SECTION | CONFIG_PER_RULE | CONFIG_RAIL, "a number 1…4294967295 or a sum such as 1000+%i"),
        ROW(RULE_INCOMING_INTERFACE, "RoutingPolicyRule", "IncomingInterface", config_parse_rule_ifname, RULE(iif), CONFIG_PER_SECTION | CONFIG_PER_RULE | CONFIG_RAIL, "an interface name"),
        ROW(RULE_OUTGOING_INTERFACE, "RoutingPolicyRule", "OutgoingInterface", config_parse_rule_ifname, RULE(oif), CONFIG_PER_SECTION | CONFIG_PER_RULE | CONFIG_RAIL, "an interface name"),
};
const size_t ibnet_config_table_size = ELEMENTSOF(ibnet_config_table);

const ConfigTableItem *config_table_lookup(const char *section, const char *key) {
        /* The first letter first: this runs for every line of every file, and most rows differ there. */
        FOREACH_ARRAY(it, ibnet_config_table, ibnet_config_table_size)
                if (it->key[0] == key[0] && streq(it->key, key) && streq(it->section, section))
                        return it;
        return NULL;
}

SchemaKey config_table_index(const ConfigTableItem *item) {
        return (SchemaKey) (item - ibnet_config_table);
}

SchemaSection config_section_from_string(const char *section) {
        for (SchemaSection i = 0; i < _SCHEMA_SECTION_MAX; i++)
                if (streq(ibnet_sections[i], section))
                        return i;
        return _SCHEMA_SECTION_INVALID;
}

bool config_section_known(const char *section) {
        return config_section_from_string(section) >= 0;
}

char *config_section_keys(const char *section) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));

        if (!l)
                return NULL;
        FOREACH_ARRAY(it, ibnet_config_table, ibnet_config_table_size)
                if (streq(it->section, section) && strv_extend(&l, it->key) < 0)
                        return NULL;
        return strv_join(l, ", ");
}

char *config_sections_list(void) {
        return strv_join((char **) ibnet_sections, ", ");
}

/* A value of a repeatable list, for finding repeats by sorting (n log n) rather than by comparing
 * each new value with every earlier one, which made a file with 100,000 Address= lines quadratic. */
typedef struct RepeatRef {
        int family;
        const union in_addr_union *addr;
        const char *file;
        unsigned line;
        size_t idx; /* position in the list: the first of equal values is the one kept */
} RepeatRef;

static int repeat_ref_cmp(const void *a, const void *b) {
        const RepeatRef *x = a, *y = b;
        int c;

        if (x->family != y->family)
                return x->family < y->family ? -1 : 1;
        c = in_addr_compare(x->family, x->addr, y->addr);
        if (c != 0)
                return c;
        return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The same check for every list: the kernel keys addresses (and default routes by their gateway)
 * by the address alone, so the same address with another prefix length is a repeat too. */
static int report_repeats(RepeatRef *refs, size_t n, SchemaKey key, DiagList *diags) {
        int r = 0;

        if (n < 2)
                return 0;
        qsort(refs, n, sizeof(RepeatRef), repeat_ref_cmp);
        for (size_t i = 1, first = 0; i < n; i++) {
                if (refs[i].family != refs[first].family ||
                    !in_addr_equal(refs[i].family, refs[i].addr, refs[first].addr)) {
                        first = i;
                        continue;
                }
                if (diag_add(diags, DIAG_ERROR, refs[i].file, refs[i].line,
                             "%s= repeats the value at %s:%u; remove one of them", ibnet_config_table[key].key,
                             refs[first].file, refs[first].line) < 0)
                        return -ENOMEM;
                r = -EINVAL;
        }
        return r;
}

static int check_address_list(const IbAddressList *l, SchemaKey key, DiagList *diags) {
        _cleanup_free_ RepeatRef *refs = NULL;

        if (l->n < 2)
                return 0;
        refs = calloc(l->n, sizeof(RepeatRef));
        if (!refs)
                return -ENOMEM;
        for (size_t i = 0; i < l->n; i++)
                refs[i] = (RepeatRef) { l->items[i].family, &l->items[i].addr, l->items[i].file,
                                        l->items[i].line, i };
        return report_repeats(refs, l->n, key, diags);
}

static int check_gateway_list(const IbRouteList *l, SchemaKey key, DiagList *diags) {
        _cleanup_free_ RepeatRef *refs = NULL;

        if (l->n < 2)
                return 0;
        refs = calloc(l->n, sizeof(RepeatRef));
        if (!refs)
                return -ENOMEM;
        for (size_t i = 0; i < l->n; i++)
                refs[i] = (RepeatRef) { l->items[i].family, &l->items[i].gw, l->items[i].file, l->items[i].line,
                                        i };
        return report_repeats(refs, l->n, key, diags);
}

int schema_check_repeats(IbNetwork *n, DiagList *diags) {
        int r, ret = 0;

        r = check_address_list(&n->address_list, SCHEMA_KEY_NETWORK_ADDRESS, diags);
        if (r == -ENOMEM)
                return r;
        ret = ret ?: r;
        r = check_gateway_list(&n->gateway_list, SCHEMA_KEY_NETWORK_GATEWAY, diags);
        if (r == -ENOMEM)
                return r;
        ret = ret ?: r;
        r = check_address_list(&n->dns_list, SCHEMA_KEY_NETWORK_DNS, diags);
        if (r == -ENOMEM)
                return r;
        return ret ?: r;
}
