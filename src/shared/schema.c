/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <arpa/inet.h>

#include "ib-tables.h"
#include "parse-util.h"
#include "schema.h"
#include "strv.h"

int config_bad_value(ConfigContext *ctx, const char *value, const char *why) {
        const ConfigTableItem *it = config_table_lookup(ctx->section, ctx->key);

        diag_add(ctx->diags, DIAG_ERROR, ctx->file, ctx->line, "invalid %s= value \"%s\": %s; expected %s",
                 ctx->key, value, why, it && it->syntax ? it->syntax : "a valid value");
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

static int config_parse_guid(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbNetwork *n = ctx->network;
        uint64_t g;

        if (isempty(value)) {
                n->has_match_guid = false;
                return 0;
        }
        if (parse_guid(value, &g) < 0)
                return config_bad_value(ctx, value, "not a port GUID");
        if (g == 0)
                return config_bad_value(ctx, value, "the all-zero GUID never identifies a port");
        n->match_guid = g;
        n->has_match_guid = true;
        return 0;
}

static int config_parse_rdma_device(ConfigContext *ctx, const char *value, void *data, int ltype) {
        char **s = data;

        if (isempty(value)) {
                *s = mfree(*s);
                return 0;
        }
        if (!rdma_device_name_valid(value))
                return config_bad_value(ctx, value, "not an RDMA device name");
        free(*s);
        *s = strdup(value);
        return *s ? 0 : -ENOMEM;
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
        IbNetwork *n = ctx->network;
        uint16_t v;
        int r;

        if (isempty(value)) {
                n->pkey = n->pkey_raw = 0;
                return 0;
        }
        r = parse_pkey(value, &v);
        if (r == -ERANGE)
                return config_bad_value(ctx, value, "larger than 0xffff");
        if (r < 0)
                return config_bad_value(ctx, value,
                                        "0x0000 and 0x8000 are not usable partitions; the kernel refuses them");
        n->pkey_raw = v;
        n->pkey = pkey_normalize(v);
        if (n->pkey != v)
                diag_add(ctx->diags, DIAG_NOTICE, ctx->file, ctx->line,
                         "PKey=%s has no full-membership bit; the kernel stores and reports it as 0x%04x "
                         "(ipoib_ndo_init()); write PKey=0x%04x to say so",
                         value, n->pkey, n->pkey);
        return 0;
}

static int config_parse_mtu(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbNetwork *n = ctx->network;
        int r;

        if (isempty(value)) {
                n->mtu = 0;
                n->mtu_max = false;
                return 0;
        }
        r = parse_mtu(value, &n->mtu, &n->mtu_max);
        if (r == -ERANGE)
                return config_bad_value(ctx, value, "out of range 68…65535");
        if (r < 0)
                return config_bad_value(ctx, value, "not a number");
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

static int append_address(ConfigContext *ctx, IbAddress **array, size_t *n, const IbAddress *a) {
        size_t allocated = *n;

        /* The same address with another prefix length is a duplicate too: the kernel keys addresses
         * by the address alone within a link (EEXIST for the second). */
        FOREACH_ARRAY(x, *array, *n)
                if (x->family == a->family && in_addr_equal(a->family, &x->addr, &a->addr))
                        return diag_add(ctx->diags, DIAG_ERROR, ctx->file, ctx->line,
                                        "%s= repeats the value at %s:%u; remove one of them", ctx->key,
                                        x->file, x->line),
                               -EINVAL;
        if (!GREEDY_REALLOC(*array, allocated, *n + 1))
                return -ENOMEM;
        (*array)[(*n)++] = *a;
        return 0;
}

static int config_parse_address(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbNetwork *n = ctx->network;
        IbAddress a = { .line = ctx->line, .file = ctx->file };
        int r;

        if (isempty(value)) {
                n->addresses = mfree(n->addresses);
                n->n_addresses = 0;
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
        return append_address(ctx, &n->addresses, &n->n_addresses, &a);
}

static int config_parse_dns(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbNetwork *n = ctx->network;
        _cleanup_strv_free_ char **l = NULL;
        int r;

        if (isempty(value)) {
                n->dns = mfree(n->dns);
                n->n_dns = 0;
                return 0;
        }
        r = strv_split_ws(value, &l);
        if (r < 0)
                return r;
        STRV_FOREACH(s, l) {
                IbAddress a = { .line = ctx->line, .file = ctx->file };

                if (in_addr_from_string_auto(*s, &a.family, &a.addr) < 0)
                        return config_bad_value(ctx, *s, "not an IP address");
                r = append_address(ctx, &n->dns, &n->n_dns, &a);
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
        IbNetwork *n = ctx->network;
        IbRoute rt = { .has_gw = true, .line = ctx->line, .file = ctx->file };
        size_t allocated = n->n_gateways;

        if (isempty(value)) {
                n->gateways = mfree(n->gateways);
                n->n_gateways = 0;
                return 0;
        }
        if (in_addr_from_string_auto(value, &rt.family, &rt.gw) < 0)
                return config_bad_value(ctx, value, "not an IP address");
        if (in_addr_is_null(rt.family, &rt.gw))
                return config_bad_value(ctx, value, "the unspecified address is no gateway");
        FOREACH_ARRAY(x, n->gateways, n->n_gateways)
                if (x->family == rt.family && in_addr_equal(rt.family, &x->gw, &rt.gw))
                        return diag_add(ctx->diags, DIAG_ERROR, ctx->file, ctx->line,
                                        "Gateway= repeats the value at %s:%u; remove one of them", x->file,
                                        x->line),
                               -EINVAL;
        if (!GREEDY_REALLOC(n->gateways, allocated, n->n_gateways + 1))
                return -ENOMEM;
        n->gateways[n->n_gateways++] = rt;
        return 0;
}

static int config_parse_route_destination(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbRoute *rt = ctx->route;
        union in_addr_union a;
        uint8_t plen;
        int family;

        if (isempty(value)) {
                rt->has_dst = false;
                return 0;
        }
        if (streq(value, "default"))
                return config_bad_value(ctx, value, "leave Destination= out for a default route");
        if (in_addr_prefix_from_string_auto(value, true, &family, &a, &plen) < 0)
                return config_bad_value(ctx, value, "not a prefix");
        if (route_set_family(ctx, rt, family, value) < 0)
                return -EINVAL;
        in_addr_mask(family, &a, plen);
        rt->dst = a;
        rt->dst_len = plen;
        rt->has_dst = true;
        return 0;
}

static int config_parse_route_gateway(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbRoute *rt = ctx->route;
        union in_addr_union a;
        int family;

        if (isempty(value)) {
                rt->has_gw = false;
                return 0;
        }
        if (in_addr_from_string_auto(value, &family, &a) < 0)
                return config_bad_value(ctx, value, "not an IP address");
        if (in_addr_is_null(family, &a))
                return config_bad_value(ctx, value, "the unspecified address is no gateway");
        if (route_set_family(ctx, rt, family, value) < 0)
                return -EINVAL;
        rt->gw = a;
        rt->has_gw = true;
        return 0;
}

static int config_parse_route_metric(ConfigContext *ctx, const char *value, void *data, int ltype) {
        IbRoute *rt = ctx->route;

        if (isempty(value)) {
                rt->has_metric = false;
                return 0;
        }
        if (safe_atou32(value, &rt->metric) < 0)
                return config_bad_value(ctx, value, "not a number");
        rt->has_metric = true;
        return 0;
}

#define NET(field) offsetof(IbNetwork, field)

const char *const ibnet_sections[] = { "Match", "Partition", "Link", "IPoIB", "Network", "Route", NULL };

const ConfigTableItem ibnet_config_table[] = {
        { "Match", "Name", config_parse_name_globs, 0, NET(match_name), CONFIG_REPEATABLE, "space-separated interface name globs" },
        { "Match", "GUID", config_parse_guid, 0, 0, 0, "a port GUID such as 0002:c903:0001:2345, 00:02:c9:03:00:01:23:45 or 0x0002c90300012345" },
        { "Match", "Device", config_parse_rdma_device, 0, NET(match_device), 0, "an RDMA device name such as mlx5_0" },
        { "Match", "Port", config_parse_port, 0, NET(match_port), 0, "a port number 1…255" },
        { "Match", "Type", config_parse_link_type, 0, NET(match_type), 0, "infiniband or ether" },
        { "Partition", "PKey", config_parse_pkey, 0, 0, 0, "a P_Key 0x0001…0xffff (not 0x8000), hex or decimal" },
        { "Partition", "Name", config_parse_ifname, 0, NET(child_name), 0, "an interface name of at most 15 characters" },
        { "Partition", "Method", config_parse_child_method, 0, NET(child_method), 0, "netlink or sysfs" },
        { "Link", "MTU", config_parse_mtu, 0, 0, 0, "bytes (68…65535) or max" },
        { "Link", "RequireActivePort", config_parse_tristate, 0, NET(require_active_port), 0, "a boolean" },
        { "IPoIB", "Mode", config_parse_mode, 0, NET(mode), 0, "datagram or connected" },
        { "IPoIB", "Umcast", config_parse_tristate, 0, NET(umcast), 0, "a boolean" },
        { "Network", "Address", config_parse_address, 0, 0, CONFIG_REPEATABLE, "ADDRESS/PREFIXLEN, IPv4 or IPv6" },
        { "Network", "Gateway", config_parse_gateway, 0, 0, CONFIG_REPEATABLE, "an IPv4 or IPv6 address" },
        { "Network", "DNS", config_parse_dns, 0, 0, CONFIG_REPEATABLE, "space-separated IPv4 or IPv6 addresses" },
        { "Network", "Domains", config_parse_domains, 0, NET(domains), CONFIG_REPEATABLE, "space-separated search domains (~ for route-only)" },
        { "Route", "Destination", config_parse_route_destination, 0, 0, CONFIG_PER_SECTION, "ADDRESS/PREFIXLEN" },
        { "Route", "Gateway", config_parse_route_gateway, 0, 0, CONFIG_PER_SECTION, "an IPv4 or IPv6 address" },
        { "Route", "Metric", config_parse_route_metric, 0, 0, CONFIG_PER_SECTION, "a number 0…4294967295" },
};
const size_t ibnet_config_table_size = ELEMENTSOF(ibnet_config_table);
_Static_assert(ELEMENTSOF(ibnet_config_table) <= IBNET_KEYS_MAX, "IbNetwork.loc is too small");

const ConfigTableItem *config_table_lookup(const char *section, const char *key) {
        FOREACH_ARRAY(it, ibnet_config_table, ibnet_config_table_size)
                if (streq(it->section, section) && streq(it->key, key))
                        return it;
        return NULL;
}

size_t config_table_index(const ConfigTableItem *item) {
        return (size_t) (item - ibnet_config_table);
}

bool config_section_known(const char *section) {
        for (const char *const *s = ibnet_sections; *s; s++)
                if (streq(*s, section))
                        return true;
        return false;
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
