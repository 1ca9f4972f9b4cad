/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <ctype.h>
#include <endian.h>
#include <inttypes.h>

#include "ibnet-load.h"
#include "parse-util.h"
#include "policy.h"
#include "rail.h"
#include "strv.h"

int rail_specifiers(const char *value, unsigned *ret_mask, char *ret_bad) {
        unsigned mask = 0;

        for (const char *p = value; *p; p++) {
                if (*p != '%')
                        continue;
                p++;
                switch (*p) {
                case 'i':
                        mask |= RAIL_SPEC_INDEX;
                        break;
                case 'n':
                        mask |= RAIL_SPEC_DEVNUM;
                        break;
                case 'p':
                        mask |= RAIL_SPEC_PORT;
                        break;
                case 'g':
                case 'G':
                        mask |= RAIL_SPEC_GUID;
                        break;
                case '%':
                        break;
                default:
                        *ret_bad = *p;
                        return -EINVAL;
                }
        }
        *ret_mask = mask;
        return 0;
}

/* The number at the end of the device name: mlx5_3 → 3. */
int rail_device_number(const char *device, unsigned *ret) {
        size_t l = strlen(device), k = l;

        while (k > 0 && isdigit((unsigned char) device[k - 1]))
                k--;
        if (k == l || l - k > 6)
                return -ENXIO;
        *ret = (unsigned) strtoul(device + k, NULL, 10);
        return 0;
}

/* One specifier's value into buf; -ENXIO when the port lacks it. */
static int rail_value(char spec, const IbRail *rail, char *buf, size_t size) {
        unsigned num;

        switch (spec) {
        case 'i':
                if (rail->index < 0)
                        return -ENXIO;
                snprintf(buf, size, "%d", rail->index);
                return 0;
        case 'n':
                if (rail_device_number(rail->device, &num) < 0)
                        return -ENXIO;
                snprintf(buf, size, "%u", num);
                return 0;
        case 'p':
                if (rail->port == 0)
                        return -ENXIO;
                snprintf(buf, size, "%" PRIu32, rail->port);
                return 0;
        case 'g':
                if (!rail->has_guid)
                        return -ENXIO;
                snprintf(buf, size, "%u", (unsigned) (rail->guid & 0xff));
                return 0;
        case 'G':
                if (!rail->has_guid)
                        return -ENXIO;
                snprintf(buf, size, "%04x:%04x:%04x:%04x", (unsigned) (rail->guid >> 48),
                         (unsigned) (rail->guid >> 32) & 0xffff, (unsigned) (rail->guid >> 16) & 0xffff,
                         (unsigned) rail->guid & 0xffff);
                return 0;
        case '%':
                snprintf(buf, size, "%%");
                return 0;
        default:
                return -EINVAL;
        }
}

int rail_substitute(const char *value, const IbRail *rail, char **ret, char *ret_missing) {
        _cleanup_free_ char *out = malloc(strlen(value) * 20 + 1);
        char *o = out;
        int r;

        if (!out)
                return -ENOMEM;
        for (const char *p = value; *p; p++) {
                char v[24];

                if (*p != '%') {
                        *o++ = *p;
                        continue;
                }
                r = rail_value(p[1], rail, v, sizeof(v));
                if (r < 0) {
                        if (ret_missing)
                                *ret_missing = p[1];
                        return r;
                }
                o = stpcpy(o, v);
                p++;
        }
        *o = 0;
        *ret = TAKE_PTR(out);
        return 0;
}

const char *rail_describe(const IbRail *rail, char *buf, size_t size) {
        char g[GUID_STRING_MAX] = "unknown";
        char idx[32] = "";

        if (!rail) {
                snprintf(buf, size, "a sample port");
                return buf;
        }
        if (rail->has_guid)
                format_guid(rail->guid, g);
        if (rail->index >= 0)
                snprintf(idx, sizeof(idx), "rail %d, ", rail->index);
        snprintf(buf, size, "%sdevice %s port %" PRIu32 ", GUID %s", idx, rail->device[0] ? rail->device : "unknown",
                 rail->port, g);
        return buf;
}

IbRail rail_from_identity(const IbNetwork *n, const IbLinkIdentity *id) {
        IbRail rail = {
                .index = ib_network_rail_index(n, id),
                .port = id->port,
                .has_guid = id->has_guid,
                .guid = id->guid,
        };

        if (rail.index < 0)
                rail.index = -1;
        if (id->device)
                snprintf(rail.device, sizeof(rail.device), "%s", id->device);
        return rail;
}

bool rail_equal(const IbRail *a, const IbRail *b) {
        return a->index == b->index && streq(a->device, b->device) && a->port == b->port &&
                a->has_guid == b->has_guid && a->guid == b->guid;
}

static const IbRail sample_rail = {
        .index = 0, .device = "mlx5_0", .port = 1, .has_guid = true, .guid = UINT64_C(0x0002c90300000001),
};

/* Parses value for the row of ctx into scratch storage: the syntax check of a template. */
static int parse_scratch(ConfigContext *ctx, const char *value) {
        const ConfigTableItem *it = ctx->item;
        int r;

        if (it->flags & CONFIG_PER_RULE) {
                IbRule scratch = *ctx->rule;

                ctx->rule = &scratch;
                return it->parse(ctx, value, (uint8_t *) &scratch + it->offset, it->ltype);
        }
        if (it->flags & CONFIG_PER_SECTION) {
                IbRoute scratch = *ctx->route;

                ctx->route = &scratch;
                return it->parse(ctx, value, (uint8_t *) &scratch + it->offset, it->ltype);
        }
        _cleanup_free_ IbNetwork *scratch = calloc(1, sizeof(IbNetwork));
        if (!scratch)
                return -ENOMEM;
        r = it->parse(ctx, value, (uint8_t *) scratch + it->offset, it->ltype);
        free(scratch->addresses);
        free(scratch->gateways);
        return r;
}

int rail_template_add(ConfigContext *ctx, const char *value) {
        IbNetwork *n = ctx->network;
        _cleanup_free_ char *sample = NULL, *copy = NULL;
        ConfigContext c = *ctx;
        unsigned mask;
        char bad = 0;
        int r;

        if (rail_specifiers(value, &mask, &bad) < 0) {
                if (bad == 0)
                        return config_bad_value(ctx, value, "a \"%\" at the end; write %% for a percent sign");
                diag_add(ctx->diags, DIAG_ERROR, ctx->file, ctx->line,
                         "invalid %s= value \"%s\": unknown substitution \"%%%c\"; known are %%i (rail index), "
                         "%%n (device number), %%p (port), %%g (last byte of the GUID), %%G (the GUID as four "
                         "groups) and %%%% (a percent sign)",
                         ctx->key, value, bad);
                return -EINVAL;
        }
        r = rail_substitute(value, &sample_rail, &sample, NULL);
        if (r < 0)
                return r;
        c.template = value;
        c.rail = NULL;
        r = parse_scratch(&c, sample);
        if (r < 0)
                return r;
        copy = strdup(value);
        if (!copy || !GREEDY_REALLOC(n->templates, n->allocated_templates, n->n_templates + 1))
                return -ENOMEM;
        n->templates[n->n_templates++] = (IbTemplate) {
                .key = config_table_index(ctx->item),
                .value = TAKE_PTR(copy),
                .file = ctx->file,
                .line = ctx->line,
                .route_idx = ctx->rule ? (size_t) (ctx->rule - n->rules) : ctx->route ? (size_t) (ctx->route - n->routes) : 0,
        };
        return 0;
}

void rail_template_drop(IbNetwork *n, SchemaKey key, size_t route_idx) {
        const ConfigTableItem *it = config_table_item(key);
        size_t k = 0;

        FOREACH_ARRAY(t, n->templates, n->n_templates) {
                if (t->key == (int) key && (!(it->flags & CONFIG_PER_SECTION) || t->route_idx == route_idx)) {
                        free(t->value);
                        continue;
                }
                n->templates[k++] = *t;
        }
        n->n_templates = k;
}

static char **strv_copy_or_null(char **l) {
        return l ? strv_copy(l) : NULL;
}

#define DUP_ARRAY(c, n, field, count)                                                               \
        do {                                                                                        \
                (c)->field = (n)->count > 0 ? memdup((n)->field, sizeof((n)->field[0]) * (n)->count) \
                                            : NULL;                                                 \
                if ((n)->count > 0 && !(c)->field)                                                  \
                        return NULL;                                                                \
        } while (0)

/* A deep copy without the templates. File pointers (IbAddress.file, loc) still point into n->files;
 * the copy keeps n alive through ->origin. */
static IbNetwork *network_copy(IbNetwork *n) {
        _cleanup_(ib_network_unrefp) IbNetwork *c = malloc(sizeof(IbNetwork));

        if (!c)
                return NULL;
        *c = *n;
        c->n_ref = 1;
        c->name = c->path = c->child_name = NULL;
        c->files = c->match_name = c->match_device = c->domains = NULL;
        c->match_guids = NULL;
        c->addresses = c->dns = NULL;
        c->gateways = c->routes = NULL;
        c->rules = NULL;
        c->templates = NULL;
        c->n_templates = c->allocated_templates = 0;
        c->origin = ib_network_ref(n);
        c->name = strdup(n->name);
        c->path = strdup(n->path);
        c->files = strv_copy(n->files);
        if (!c->name || !c->path || !c->files)
                return NULL;
        c->child_name = n->child_name ? strdup(n->child_name) : NULL;
        c->match_name = strv_copy_or_null(n->match_name);
        c->match_device = strv_copy_or_null(n->match_device);
        c->domains = strv_copy_or_null(n->domains);
        if ((n->child_name && !c->child_name) || (n->match_name && !c->match_name) ||
            (n->match_device && !c->match_device) || (n->domains && !c->domains))
                return NULL;
        DUP_ARRAY(c, n, match_guids, n_match_guids);
        DUP_ARRAY(c, n, addresses, n_addresses);
        DUP_ARRAY(c, n, dns, n_dns);
        DUP_ARRAY(c, n, gateways, n_gateways);
        DUP_ARRAY(c, n, routes, n_routes);
        DUP_ARRAY(c, n, rules, n_rules);
        c->allocated_match_guids = c->n_match_guids;
        c->allocated_addresses = c->n_addresses;
        c->allocated_dns = c->n_dns;
        c->allocated_gateways = c->n_gateways;
        c->allocated_routes = c->n_routes;
        c->allocated_rules = c->n_rules;
        return TAKE_PTR(c);
}

static const char *missing_why(char spec, const IbRail *rail) {
        switch (spec) {
        case 'i':
                return "the port has no position: %i counts the entries of GUID= (else Device=), and a "
                       "Device= glob or Name= gives none; list the ports, or use %n, the device number";
        case 'n':
                return rail->device[0] ? "the device name does not end in a number"
                                       : "the port's RDMA device is unknown";
        case 'p':
                return "the port number is unknown";
        default:
                return "the port GUID is unknown";
        }
}

static int apply_template(IbNetwork *c, const IbTemplate *t, const IbRail *rail, DiagList *diags) {
        const ConfigTableItem *it = config_table_item(t->key);
        _cleanup_free_ char *v = NULL;
        ConfigContext ctx = {
                .network = c,
                .file = t->file,
                .line = t->line,
                .section = it->section,
                .key = it->key,
                .item = it,
                .diags = diags,
                .route = (it->flags & CONFIG_PER_SECTION) && !(it->flags & CONFIG_PER_RULE) ? &c->routes[t->route_idx] : NULL,
                .rule = (it->flags & CONFIG_PER_RULE) ? &c->rules[t->route_idx] : NULL,
                .template = t->value,
                .rail = rail,
        };
        char missing = 0, port[160];
        int r;

        r = rail_substitute(t->value, rail, &v, &missing);
        if (r == -ENXIO) {
                diag_add(diags, DIAG_ERROR, t->file, t->line, "%s=%s: %%%c has no value for %s: %s", it->key,
                         t->value, missing, rail_describe(rail, port, sizeof(port)), missing_why(missing, rail));
                return -EINVAL;
        }
        if (r < 0)
                return r;
        return it->parse(&ctx, v, (it->flags & CONFIG_PER_SECTION) ? config_section_base(&ctx, it) + it->offset
                                                                   : (uint8_t *) c + it->offset,
                         it->ltype);
}

int ib_network_instantiate(IbNetwork *n, const IbRail *rail, DiagList *diags, IbNetwork **ret) {
        _cleanup_(ib_network_unrefp) IbNetwork *c = NULL;
        int r, failed = 0;

        c = network_copy(n);
        if (!c)
                return -ENOMEM;
        c->rail = *rail;
        FOREACH_ARRAY(t, n->templates, n->n_templates) {
                r = apply_template(c, t, rail, diags);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        failed = r;
        }
        if (failed < 0)
                return failed;
        r = schema_check_repeats(c, diags);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

/* "mlx5_" for "mlx5_*": the glob up to its first wildcard. */
static void glob_sample(const char *glob, unsigned k, char *buf, size_t size) {
        size_t l = strcspn(glob, "*?[");

        snprintf(buf, size, "%.*s%u", (int) MIN(l, (size_t) 40), glob, k);
}

#define RAIL_GLOB_SAMPLES 8U

size_t rail_samples(const IbNetwork *n, IbRail **ret) {
        size_t nd = strv_length(n->match_device), count;
        bool glob = n->match_device && strpbrk(n->match_device[0], "*?[");
        IbRail *l;

        count = n->n_match_guids > 0 ? n->n_match_guids : nd > 1 || (nd == 1 && !glob) ? nd : glob ? RAIL_GLOB_SAMPLES : 1;
        l = calloc(count, sizeof(IbRail));
        if (!l)
                return 0;
        for (size_t i = 0; i < count; i++) {
                IbRail *r = &l[i];

                *r = (IbRail) {
                        .index = (int) i,
                        .port = n->match_port ?: IB_PORT_DEFAULT,
                        .has_guid = true,
                        .guid = n->n_match_guids > 0 ? n->match_guids[i] : sample_rail.guid + i,
                };
                if (n->n_match_guids == 0 && nd > 0 && i < nd && !strpbrk(n->match_device[i], "*?["))
                        snprintf(r->device, sizeof(r->device), "%s", n->match_device[i]);
                else if (nd > 0)
                        glob_sample(n->match_device[MIN(i, nd - 1)], (unsigned) i, r->device, sizeof(r->device));
                else
                        snprintf(r->device, sizeof(r->device), "mlx5_%zu", i);
                /* A glob gives no position. */
                if (n->n_match_guids == 0 && (nd == 0 || (i < nd ? !!strpbrk(n->match_device[i], "*?[") : glob)))
                        r->index = -1;
        }
        *ret = l;
        return count;
}

/* A value one port gets, keyed as the kernel keys it, to find two ports that would get the same one. */
typedef struct RailValue {
        char key[96];
        size_t rail;
        const char *file;
        unsigned line;
        SchemaKey what;
} RailValue;

typedef struct RailValues {
        RailValue *items;
        size_t n, allocated;
} RailValues;

static int rail_value_cmp(const void *a, const void *b) {
        const RailValue *x = a, *y = b;
        int c = strcmp(x->key, y->key);

        if (c != 0)
                return c;
        return x->rail < y->rail ? -1 : x->rail > y->rail;
}

static int values_add(RailValues *v, size_t rail, const char *file, unsigned line, SchemaKey what,
                      const char *fmt, ...) _printf_(6, 7);
static int values_add(RailValues *v, size_t rail, const char *file, unsigned line, SchemaKey what,
                      const char *fmt, ...) {
        va_list ap;

        if (!GREEDY_REALLOC(v->items, v->allocated, v->n + 1))
                return -ENOMEM;
        v->items[v->n] = (RailValue) { .rail = rail, .file = file, .line = line, .what = what };
        va_start(ap, fmt);
        vsnprintf(v->items[v->n].key, sizeof(v->items[v->n].key), fmt, ap);
        va_end(ap);
        v->n++;
        return 0;
}

static const char *table_suffix(const IbNetwork *c, const IbRoute *x, bool is_gateway, char *buf, size_t size) {
        uint32_t t = ib_route_table(c, x, is_gateway);

        if (t == 254) /* RT_TABLE_MAIN */
                return "";
        snprintf(buf, size, " table %" PRIu32, t);
        return buf;
}

/* The addresses, routes and rule priorities of one port's instance. */
static int values_collect(RailValues *v, size_t rail, const IbNetwork *c) {
        char a[IN_ADDR_PREFIX_STRLEN], t[32];
        int r;

        FOREACH_ARRAY(x, c->addresses, c->n_addresses) {
                (void) in_addr_to_string(x->family, &x->addr, a, sizeof(a));
                r = values_add(v, rail, x->file, x->line, SCHEMA_KEY_NETWORK_ADDRESS, "address %s", a);
                if (r < 0)
                        return r;
        }
        for (size_t l = 0; l < 2; l++)
                FOREACH_ARRAY(x, (l == 0 ? c->gateways : c->routes), (l == 0 ? c->n_gateways : c->n_routes)) {
                        if (x->family == AF_UNSPEC)
                                continue;
                        if (x->has_dst && x->dst_len > 0)
                                (void) in_addr_prefix_to_string(x->family, &x->dst, x->dst_len, a, sizeof(a));
                        else
                                snprintf(a, sizeof(a), "default");
                        r = values_add(v, rail, x->file, x->line,
                                       l == 0 ? SCHEMA_KEY_NETWORK_GATEWAY : SCHEMA_KEY_ROUTE_DESTINATION,
                                       "%s route %s metric %" PRIu32 "%s", x->family == AF_INET6 ? "IPv6" : "IPv4", a,
                                       ib_route_metric(x), table_suffix(c, x, l == 0, t, sizeof(t)));
                        if (r < 0)
                                return r;
                }
        /* The kernel would take two rules of one priority, but every port's rule in the same place is
         * one rule too many: the first one that matches wins for all ports. */
        FOREACH_ARRAY(x, c->rules, c->n_rules) {
                if (!x->has_priority)
                        continue;
                r = values_add(v, rail, x->file, x->line, SCHEMA_KEY_RULE_PRIORITY, "%s rule priority %" PRIu32,
                               x->family == AF_INET6 ? "IPv6" : "IPv4", x->priority);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Two ports with the same address, or the same route (the kernel keys routes by destination and metric,
 * not by link: the second port's is refused with EEXIST). One error per line. */
static void values_report(RailValues *v, const IbRail *rails, DiagList *diags) {
        if (v->n < 2)
                return;
        qsort(v->items, v->n, sizeof(RailValue), rail_value_cmp);
        for (size_t i = 1, first = 0; i < v->n; i++) {
                const RailValue *a = &v->items[first], *b = &v->items[i];
                char pa[160], pb[160];

                if (!streq(a->key, b->key)) {
                        first = i;
                        continue;
                }
                if (a->rail == b->rail || (i > first + 1 && v->items[i - 1].rail != a->rail))
                        continue; /* one port twice is schema_check_repeats()'s; one error per value */
                diag_add(diags, DIAG_ERROR, a->file, a->line,
                         "every port of this file would get the same %s (%s and %s); derive it per port with a "
                         "substitution such as %%i or %%n%s",
                         a->key, rail_describe(&rails[a->rail], pa, sizeof(pa)),
                         rail_describe(&rails[b->rail], pb, sizeof(pb)),
                         a->what == SCHEMA_KEY_NETWORK_ADDRESS ? ""
                         : a->what == SCHEMA_KEY_RULE_PRIORITY ? " in Priority=, e.g. Priority=1000+%i"
                                                               : " in Metric=, Destination= or Table=");
        }
}

static bool from_template(const IbNetwork *n, const char *file, unsigned line) {
        FOREACH_ARRAY(t, n->templates, n->n_templates)
                if (t->line == line && t->file == file)
                        return true;
        return false;
}

/* A derived IPv4 address that is its subnet's network or broadcast address ("10.0.0.%i/24" on rail 0):
 * the kernel takes it, but nothing can reach it. */
static void check_host_part(const IbNetwork *n, const IbNetwork *c, const IbRail *rail, DiagList *diags) {
        FOREACH_ARRAY(x, c->addresses, c->n_addresses) {
                uint32_t a, host;
                char s[INET6_ADDRSTRLEN], port[160];

                if (x->family != AF_INET || x->prefixlen > 30 || !from_template(n, x->file, x->line))
                        continue;
                a = be32toh(x->addr.in.s_addr);
                host = x->prefixlen == 0 ? a : a & (UINT32_MAX >> x->prefixlen);
                if (host != 0 && host != (x->prefixlen == 0 ? UINT32_MAX : UINT32_MAX >> x->prefixlen))
                        continue;
                (void) in_addr_to_string(AF_INET, &x->addr, s, sizeof(s));
                diag_add(diags, DIAG_ERROR, x->file, x->line,
                         "%s gets %s/%u, the %s address of its subnet; change the substitution or the prefix length",
                         rail_describe(rail, port, sizeof(port)), s, x->prefixlen, host == 0 ? "network" : "broadcast");
        }
}

int rail_validate(IbNetwork *n, DiagList *diags) {
        _cleanup_free_ IbRail *rails = NULL;
        _cleanup_free_ RailValue *items = NULL;
        RailValues v = {};
        size_t count = rail_samples(n, &rails);
        int r, ret = 0;

        if (count == 0)
                return -ENOMEM;
        for (size_t i = 0; i < count; i++) {
                _cleanup_(ib_network_unrefp) IbNetwork *c = NULL;
                size_t before = diag_count(diags, DIAG_ERROR);
                char port[160];

                r = ib_network_instantiate(n, &rails[i], diags, &c);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0 && ib_network_validate_values(c, diags) == -ENOMEM)
                        return -ENOMEM;
                if (r >= 0)
                        check_host_part(n, c, &rails[i], diags);
                if (diag_count(diags, DIAG_ERROR) > before) {
                        /* The first port that fails says enough; the others would repeat it. */
                        diag_add(diags, DIAG_NOTICE, n->match.file ?: n->path, n->match.line,
                                 "this file's errors are for the values derived for %s",
                                 rail_describe(&rails[i], port, sizeof(port)));
                        ret = -EINVAL;
                        break;
                }
                r = values_collect(&v, i, c);
                items = v.items;
                if (r < 0)
                        return r;
        }
        if (ret == 0 && count > 1)
                values_report(&v, rails, diags);
        return ret;
}
