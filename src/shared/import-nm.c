/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* NetworkManager keyfiles (nm-settings-keyfile(5)) of type infiniband → .ibnet.
 *
 * The keyfile is a GKeyFile: "[setting]" groups, "key=value", "#" comments, lists separated by ";"
 * (with "\;" for a literal one), escapes \s \t \n \r \\. Settings read: [connection] type, id, uuid,
 * interface-name, autoconnect; [infiniband] mac-address, transport-mode, p-key, parent, mtu;
 * [ipv4]/[ipv6] method, address*, addresses*, gateway, never-default, route-metric, route*, routes*,
 * dns, dns-search. Anything else is reported by import_kv_report(). */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "import.h"
#include "parse-util.h"
#include "strv.h"

typedef struct NmContext {
        ImportKVList kv;
        const char *path;
        DiagList *diags;
        ImportResult *r;
        char **domains; /* dns-search of both families, once each */
} NmContext;

/* What is not carried over, and why. Values listed are those equal to having no setting. */
static const ImportUnused nm_unused[] = {
        { "connection.timestamp", DIAG_NOTICE, NULL, "NetworkManager's bookkeeping" },
        { "connection.permissions", DIAG_NOTICE, "", "the agent runs for the system; files belong to root" },
        { "connection.autoconnect-*", DIAG_NOTICE, NULL, "the agent configures every matching link" },
        { "connection.zone", DIAG_WARNING, "", "firewalld zones are not the agent's business" },
        { "connection.master", DIAG_WARNING, NULL, "bonding is not supported" },
        { "connection.controller", DIAG_WARNING, NULL, "bonding is not supported" },
        { "connection.slave-type", DIAG_WARNING, NULL, "bonding is not supported" },
        { "connection.port-type", DIAG_WARNING, NULL, "bonding is not supported" },
        { "ipv4.may-fail", DIAG_NOTICE, NULL, "the agent has no activation that could fail" },
        { "ipv6.may-fail", DIAG_NOTICE, NULL, "the agent has no activation that could fail" },
        { "ipv4.ignore-auto-*", DIAG_NOTICE, "false", "only matters for DHCP, which the agent does not run" },
        { "ipv6.ignore-auto-*", DIAG_NOTICE, "false", "only matters for autoconfiguration" },
        { "ipv4.dhcp-*", DIAG_NOTICE, NULL, "the agent does not run DHCP" },
        { "ipv6.dhcp-*", DIAG_NOTICE, NULL, "the agent does not run DHCPv6" },
        { "ipv6.addr-gen-mode", DIAG_NOTICE, NULL, "the kernel generates the link-local address" },
        { "ipv6.ip6-privacy", DIAG_WARNING, "-1|0", "temporary addresses are the kernel's (use_tempaddr)" },
        { "ipv4.dns-priority", DIAG_WARNING, "0", "per-link DNS priorities are not supported" },
        { "ipv6.dns-priority", DIAG_WARNING, "0", "per-link DNS priorities are not supported" },
        { "ipv4.dns-options", DIAG_WARNING, "", "resolver options are not supported" },
        { "ipv6.dns-options", DIAG_WARNING, "", "resolver options are not supported" },
        { "ipv4.route-table", DIAG_WARNING, "0", "routes go to the main table" },
        { "ipv6.route-table", DIAG_WARNING, "0", "routes go to the main table" },
        { "ipv4.routing-rule*", DIAG_WARNING, NULL, "routing policy rules are not supported" },
        { "ipv6.routing-rule*", DIAG_WARNING, NULL, "routing policy rules are not supported" },
        { "proxy.*", DIAG_WARNING, "none|false|", "proxy settings are not network configuration" },
        { "ethtool.*", DIAG_WARNING, NULL, "ethtool settings are not supported" },
        { "user.*", DIAG_NOTICE, NULL, "user data is NetworkManager's" },
};

/* GKeyFile's escapes, except "\;", which the list splitter needs to see. */
static void unescape(char *s) {
        char *w = s;

        for (char *p = s; *p; p++) {
                if (*p != '\\' || !p[1]) {
                        *w++ = *p;
                        continue;
                }
                p++;
                switch (*p) {
                case 's': *w++ = ' '; break;
                case 't': *w++ = '\t'; break;
                case 'n': *w++ = '\n'; break;
                case 'r': *w++ = '\r'; break;
                case '\\': *w++ = '\\'; break;
                default: *w++ = '\\'; *w++ = *p; break;
                }
        }
        *w = 0;
}

static char *strip(char *s) {
        char *e;

        s += strspn(s, " \t");
        e = s + strlen(s);
        while (e > s && strchr(" \t\r", e[-1]))
                *--e = 0;
        return s;
}

static int keyfile_parse(NmContext *c, const char *text) {
        _cleanup_free_ char *copy = strdup(text), *section = NULL;
        unsigned line = 0;
        int k;

        if (!copy)
                return -ENOMEM;
        for (char *l = copy, *next; l; l = next) {
                char *eq, *s;

                next = strchr(l, '\n');
                if (next)
                        *next++ = 0;
                line++;
                s = strip(l);
                if (*s == 0 || *s == '#')
                        continue;
                if (*s == '[') {
                        char *e = strchr(s, ']');

                        if (!e || e[1]) {
                                diag_add(c->diags, DIAG_ERROR, c->path, line, "malformed group header \"%s\"", s);
                                continue;
                        }
                        free(section);
                        section = strndup(s + 1, (size_t) (e - s - 1));
                        if (!section)
                                return -ENOMEM;
                        continue;
                }
                eq = strchr(s, '=');
                if (!eq || !section) {
                        diag_add(c->diags, DIAG_ERROR, c->path, line,
                                 !eq ? "not a key=value line: \"%s\"" : "\"%s\" is outside any [group]", s);
                        continue;
                }
                *eq = 0;
                s = strip(s);
                eq = strip(eq + 1);
                unescape(eq);
                k = import_kv_add(&c->kv, section, s, eq, line);
                if (k < 0)
                        return k;
        }
        return 0;
}

/* "a;b;c;" → strv, honouring "\;". */
static int split_list(const char *value, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *word = malloc(strlen(value) + 1);
        size_t n = 0;
        int k;

        if (!word)
                return -ENOMEM;
        for (const char *p = value;; p++) {
                if (*p == '\\' && p[1] == ';') {
                        word[n++] = ';';
                        p++;
                        continue;
                }
                if (*p && *p != ';') {
                        word[n++] = *p;
                        continue;
                }
                word[n] = 0;
                if (n > 0) {
                        k = strv_extend(&l, strip(word));
                        if (k < 0)
                                return k;
                }
                n = 0;
                if (!*p)
                        break;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static bool nm_true(const char *v) {
        return parse_boolean(v) > 0;
}

static int nm_connection(NmContext *c, const ImportKV **ret_ifname) {
        const ImportKV *type = import_kv_get(&c->kv, "connection", "type");
        const ImportKV *id = import_kv_get(&c->kv, "connection", "id");
        const ImportKV *uuid = import_kv_get(&c->kv, "connection", "uuid");
        const ImportKV *ac = import_kv_get(&c->kv, "connection", "autoconnect");
        int k;

        if (!type || !streq(type->value, "infiniband")) {
                diag_add(c->diags, DIAG_ERROR, c->path, type ? type->line : 0,
                         "not an InfiniBand profile (connection.type=%s); only type=infiniband is imported",
                         type ? type->value : "unset");
                return -EINVAL;
        }
        k = import_comment(c->r, "NetworkManager connection \"%s\"%s%s%s", id ? id->value : "?",
                           uuid ? " (uuid " : "", uuid ? uuid->value : "", uuid ? ")" : "");
        if (k < 0)
                return k;
        if (ac && parse_boolean(ac->value) == 0) {
                k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, ac->line,
                                "connection.autoconnect=%s is not carried over: the agent configures every "
                                "matching link as soon as it appears; install the file when it should apply",
                                ac->value);
                if (k < 0)
                        return k;
        }
        *ret_ifname = import_kv_get(&c->kv, "connection", "interface-name");
        return 0;
}

static int nm_pkey(NmContext *c, const ImportKV *kv, int *ret) {
        uint64_t v;

        *ret = -1;
        if (!kv || streq(kv->value, "-1"))
                return 0;
        /* The keyfile writes an integer in decimal (32770); nmcli takes 0x8002. */
        if (import_parse_c_number(kv->value, 0xffff, &v) < 0 || v == 0 || v == 0x8000) {
                diag_add(c->diags, DIAG_ERROR, c->path, kv->line,
                         "infiniband.p-key=%s is not a usable P_Key (1…0xffff, not 0x8000)", kv->value);
                return -EINVAL;
        }
        *ret = (int) v;
        return 0;
}

static int nm_match(NmContext *c, const ImportKV *ifname, const ImportKV *parent, const ImportKV *mac, int pkey) {
        char buf[GUID_STRING_MAX];
        uint64_t guid;
        int k = 0;

        if (pkey >= 0 && parent)
                k = import_add(c->r, SCHEMA_KEY_MATCH_NAME, 0, "%s", parent->value);
        else if (pkey < 0 && ifname)
                k = import_add(c->r, SCHEMA_KEY_MATCH_NAME, 0, "%s", ifname->value);
        if (k < 0)
                return k;
        if (mac) {
                if (import_hwaddr_guid(mac->value, &guid) < 0) {
                        diag_add(c->diags, DIAG_ERROR, c->path, mac->line,
                                 "infiniband.mac-address=%s is not a 20-byte IPoIB hardware address", mac->value);
                        return -EINVAL;
                }
                /* The first 12 bytes (QPN, subnet prefix) change; only the port GUID identifies the port. */
                diag_add(c->diags, DIAG_NOTICE, c->path, mac->line,
                         "infiniband.mac-address: matching on its last 8 bytes, the port GUID %s (the first 12 "
                         "change with the QPN and the subnet prefix)",
                         format_guid(guid, buf));
                k = import_add(c->r, SCHEMA_KEY_MATCH_GUID, 0, "%s", buf);
                if (k < 0)
                        return k;
        }
        if (pkey < 0 && !ifname && !mac) {
                diag_add(c->diags, DIAG_ERROR, c->path, 0,
                         "the profile names no interface and no mac-address, so it would apply to any InfiniBand "
                         "device; set connection.interface-name or infiniband.mac-address first");
                return -EINVAL;
        }
        if (pkey >= 0 && !parent && !mac) {
                diag_add(c->diags, DIAG_ERROR, c->path, 0,
                         "infiniband.p-key without infiniband.parent or mac-address: NetworkManager itself refuses "
                         "such a profile (no parent interface)");
                return -EINVAL;
        }
        return 0;
}

static int nm_infiniband(NmContext *c, const ImportKV *ifname) {
        const ImportKV *mac = import_kv_get(&c->kv, "infiniband", "mac-address"),
                       *parent = import_kv_get(&c->kv, "infiniband", "parent"),
                       *pk = import_kv_get(&c->kv, "infiniband", "p-key"),
                       *mode = import_kv_get(&c->kv, "infiniband", "transport-mode"),
                       *mtu = import_kv_get(&c->kv, "infiniband", "mtu");
        IbMode m = IB_MODE_DATAGRAM;
        uint64_t bytes = 0;
        int pkey, k;

        k = nm_pkey(c, pk, &pkey);
        if (k < 0)
                return k;
        k = nm_match(c, ifname, parent, mac, pkey);
        if (k < 0)
                return k;
        if (pkey >= 0) {
                char want[64];

                k = import_partition(c->r, c->diags, c->path, pk->line, parent ? parent->value : NULL,
                                     (uint16_t) pkey, true);
                if (k < 0)
                        return k;
                snprintf(want, sizeof(want), "%s.%04x", parent ? parent->value : "", (unsigned) pkey);
                if (ifname && (!parent || !streq(ifname->value, want)))
                        k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, ifname->line,
                                        "connection.interface-name=%s is not carried over: NetworkManager names a "
                                        "P_Key child PARENT.PKEY and does not support another name",
                                        ifname->value);
        } else if (parent)
                k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, parent->line,
                                "infiniband.parent=%s without p-key is not carried over (NetworkManager refuses it too)",
                                parent->value);
        if (k < 0)
                return k;
        if (mode && strcasecmp(mode->value, "connected") == 0)
                m = IB_MODE_CONNECTED;
        else if (mode && strcasecmp(mode->value, "datagram") != 0) {
                diag_add(c->diags, DIAG_ERROR, c->path, mode->line,
                         "infiniband.transport-mode=%s is neither datagram nor connected", mode->value);
                return -EINVAL;
        } else if (!mode)
                diag_add(c->diags, DIAG_NOTICE, c->path, 0,
                         "no infiniband.transport-mode: NetworkManager uses datagram; imported as Mode=datagram");
        k = import_add(c->r, SCHEMA_KEY_IPOIB_MODE, 0, "%s", m == IB_MODE_CONNECTED ? "connected" : "datagram");
        if (k < 0)
                return k;
        if (mtu && import_parse_c_number(mtu->value, UINT32_MAX, &bytes) < 0) {
                diag_add(c->diags, DIAG_ERROR, c->path, mtu->line, "infiniband.mtu=%s is not a number", mtu->value);
                return -EINVAL;
        }
        return import_mtu(c->r, c->diags, c->path, mtu ? mtu->line : 0, bytes, m);
}

/* "address", "address7", "addresses", "addresses7" (or route…): the index, -1 when key is not one. */
static long numbered_key(const char *key, const char *singular, const char *plural) {
        const char *p = startswith(key, plural) ?: startswith(key, singular);
        char *end;
        long n;

        if (!p)
                return -1;
        if (*p == 0)
                return 0;
        if (!isdigit((unsigned char) *p))
                return -1;
        n = strtol(p, &end, 10);
        return *end ? -1 : n;
}

typedef struct Numbered {
        ImportKV *kv;
        long index;
} Numbered;

static int numbered_cmp(const void *a, const void *b) {
        const Numbered *x = a, *y = b;

        if (x->index != y->index)
                return x->index < y->index ? -1 : 1;
        return x->kv->line < y->kv->line ? -1 : x->kv->line > y->kv->line;
}

/* The numbered keys of a section in index order, marked used. */
static int numbered_list(NmContext *c, const char *section, const char *singular, const char *plural,
                         Numbered **ret, size_t *ret_n) {
        _cleanup_free_ Numbered *l = calloc(c->kv.n + 1, sizeof(Numbered));
        size_t n = 0;

        if (!l)
                return -ENOMEM;
        FOREACH_ARRAY(kv, c->kv.items, c->kv.n) {
                long i;

                if (!streq(kv->section, section) || (i = numbered_key(kv->key, singular, plural)) < 0)
                        continue;
                kv->used = true;
                l[n++] = (Numbered) { kv, i };
        }
        qsort(l, n, sizeof(Numbered), numbered_cmp);
        *ret = TAKE_PTR(l);
        *ret_n = n;
        return 0;
}

static bool all_digits(const char *s) {
        return !isempty(s) && strspn(s, "0123456789") == strlen(s);
}

/* One entry of address*: "ADDR[/PLEN][,GW]", or the legacy "ADDR;PLEN;GW;" in words. */
static int nm_address(NmContext *c, int family, const ImportKV *kv, char **words, const ImportKV **gw_kv,
                      char **ret_gw) {
        char buf[IN_ADDR_PREFIX_STRLEN], gwbuf[INET6_ADDRSTRLEN];
        _cleanup_free_ char *a = NULL;
        const char *gw = NULL;
        int k;

        if (words[1] && all_digits(words[1])) {
                if (asprintf(&a, "%s/%s", words[0], words[1]) < 0)
                        return -ENOMEM;
                gw = words[2];
        } else {
                a = strdup(words[0]);
                if (!a)
                        return -ENOMEM;
                a[strcspn(a, ",")] = 0;
                gw = strchr(words[0], ',') ? strchr(words[0], ',') + 1 : NULL;
        }
        k = import_format_prefix(c->diags, c->path, kv->line, "address", a, family, family == AF_INET ? 24 : 64, buf,
                                 sizeof(buf));
        if (k == -ENOMEM)
                return k;
        if (k >= 0) {
                k = import_add(c->r, SCHEMA_KEY_NETWORK_ADDRESS, 0, "%s", buf);
                if (k < 0)
                        return k;
        }
        if (isempty(gw) || import_format_addr(gw, family, gwbuf, sizeof(gwbuf)) < 0)
                return 0;
        /* The keyfile's old way of giving the gateway: NetworkManager takes the first one only. */
        if (*ret_gw)
                return import_drop(c->r, c->diags, DIAG_WARNING, c->path, kv->line,
                                   "gateway %s after the address is not carried over: NetworkManager uses only the "
                                   "first address's gateway (%s)",
                                   gw, *ret_gw);
        *gw_kv = kv;
        *ret_gw = strdup(gwbuf);
        return *ret_gw ? 0 : -ENOMEM;
}

static int nm_addresses(NmContext *c, int family, const char *sec, const ImportKV **gw_kv, char **ret_gw) {
        _cleanup_free_ Numbered *l = NULL;
        size_t n;
        int k;

        k = numbered_list(c, sec, "address", "addresses", &l, &n);
        if (k < 0)
                return k;
        FOREACH_ARRAY(e, l, n) {
                _cleanup_strv_free_ char **words = NULL;

                k = split_list(e->kv->value, &words);
                if (k < 0)
                        return k;
                if (!words)
                        continue;
                if (words[1] && all_digits(words[1])) {
                        k = nm_address(c, family, e->kv, words, gw_kv, ret_gw);
                        if (k < 0)
                                return k;
                        continue;
                }
                STRV_FOREACH(w, words) {
                        char *one[] = { *w, NULL };

                        k = nm_address(c, family, e->kv, one, gw_kv, ret_gw);
                        if (k < 0)
                                return k;
                }
        }
        return 0;
}

/* route*: "DST[/PLEN][,GW[,METRIC]]", or the legacy "DST;PLEN;GW;METRIC;". */
static int nm_route(NmContext *c, int family, const ImportKV *kv, int64_t route_metric) {
        _cleanup_strv_free_ char **w = NULL;
        _cleanup_free_ char *dst = NULL, *v = strdup(kv->value);
        char buf[IN_ADDR_PREFIX_STRLEN], gwbuf[INET6_ADDRSTRLEN];
        const char *gw = NULL, *metric = NULL;
        int64_t m = route_metric;
        uint64_t u;
        int k;

        if (!v)
                return -ENOMEM;
        for (char *p = v; *p; p++)
                if (*p == ',')
                        *p = ';';
        k = split_list(v, &w);
        if (k < 0)
                return k;
        if (!w)
                return 0;
        if (!strchr(w[0], '/') && w[1] && all_digits(w[1]) && w[2]) {
                if (asprintf(&dst, "%s/%s", w[0], w[1]) < 0)
                        return -ENOMEM;
                gw = w[2];
                metric = w[2] ? w[3] : NULL;
        } else {
                dst = strdup(w[0]);
                if (!dst)
                        return -ENOMEM;
                gw = w[1];
                metric = w[1] ? w[2] : NULL;
        }
        if (import_format_prefix(c->diags, c->path, kv->line, "route", dst, family, family == AF_INET ? 32 : 128,
                                 buf, sizeof(buf)) < 0)
                return import_drop(c->r, c->diags, DIAG_WARNING, c->path, kv->line, "%s.%s=%s is not carried over",
                                   kv->section, kv->key, kv->value);
        if (metric && !isempty(metric)) {
                if (import_parse_c_number(metric, UINT32_MAX, &u) < 0)
                        return import_drop(c->r, c->diags, DIAG_WARNING, c->path, kv->line,
                                           "%s.%s=%s: bad metric; the route is not carried over", kv->section,
                                           kv->key, kv->value);
                m = (int64_t) u;
        }
        if (isempty(gw) || import_format_addr(gw, family, gwbuf, sizeof(gwbuf)) < 0)
                gw = NULL; /* "0.0.0.0", "::" or nothing: a direct route */
        return import_route(c->r, buf, gw ? gwbuf : NULL, m);
}

static int nm_routes(NmContext *c, int family, const char *sec, int64_t route_metric) {
        _cleanup_free_ Numbered *l = NULL;
        size_t n;
        int k;

        k = numbered_list(c, sec, "route", "routes", &l, &n);
        if (k < 0)
                return k;
        FOREACH_ARRAY(e, l, n) {
                _cleanup_free_ char *opt = NULL;
                const ImportKV *o;

                k = nm_route(c, family, e->kv, route_metric);
                if (k < 0)
                        return k;
                if (asprintf(&opt, "%s_options", e->kv->key) < 0)
                        return -ENOMEM;
                o = import_kv_get(&c->kv, sec, opt);
                if (o && !isempty(o->value)) {
                        k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, o->line,
                                        "%s.%s=%s is not carried over: route options are not supported", sec, opt,
                                        o->value);
                        if (k < 0)
                                return k;
                }
        }
        return 0;
}

static int nm_method(NmContext *c, int family, const char *sec) {
        const ImportKV *m = import_kv_get(&c->kv, sec, "method");

        if (!m || streq(m->value, "manual") || streq(m->value, "disabled") || streq(m->value, "ignore"))
                return 0;
        if (family == AF_INET6 && streq(m->value, "link-local"))
                return 0; /* the kernel adds fe80:: itself */
        return import_drop(c->r, c->diags, DIAG_WARNING, c->path, m->line,
                           "%s.method=%s is not carried over: ipoib-agent configures static addresses only (%s); "
                           "the static settings of the profile are imported",
                           sec, m->value,
                           family == AF_INET ? "no DHCP" : "router advertisements are the kernel's business");
}

static int nm_dns(NmContext *c, int family, const char *sec) {
        const ImportKV *dns = import_kv_get(&c->kv, sec, "dns"), *search = import_kv_get(&c->kv, sec, "dns-search");
        _cleanup_strv_free_ char **l = NULL, **s = NULL;
        char buf[INET6_ADDRSTRLEN];
        int k;

        k = split_list(dns ? dns->value : "", &l);
        if (k >= 0)
                k = split_list(search ? search->value : "", &s);
        if (k < 0)
                return k;
        STRV_FOREACH(a, l) {
                if (import_format_addr(*a, AF_UNSPEC, buf, sizeof(buf)) < 0)
                        k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, dns->line,
                                        "%s.dns: \"%s\" is not an IP address; not carried over", sec, *a);
                else
                        k = import_add(c->r, SCHEMA_KEY_NETWORK_DNS, 0, "%s", buf);
                if (k < 0)
                        return k;
        }
        STRV_FOREACH(d, s) {
                if (!dns_domain_valid(*d))
                        k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, search->line,
                                        "%s.dns-search: \"%s\" is not a domain; not carried over", sec, *d);
                else if (!strv_contains(c->domains, *d))
                        k = strv_extend(&c->domains, *d);
                if (k < 0)
                        return k;
        }
        return 0;
}

static int nm_ip(NmContext *c, int family) {
        const char *sec = family == AF_INET ? "ipv4" : "ipv6";
        const ImportKV *gw = import_kv_get(&c->kv, sec, "gateway"), *addr_gw_kv = NULL,
                       *nd = import_kv_get(&c->kv, sec, "never-default"),
                       *rm = import_kv_get(&c->kv, sec, "route-metric");
        _cleanup_free_ char *addr_gw = NULL;
        char buf[INET6_ADDRSTRLEN];
        int64_t metric = -1;
        uint64_t u;
        int k;

        k = nm_method(c, family, sec);
        if (k >= 0)
                k = nm_addresses(c, family, sec, &addr_gw_kv, &addr_gw);
        if (k < 0)
                return k;
        if (rm && !streq(rm->value, "-1")) {
                if (import_parse_c_number(rm->value, UINT32_MAX, &u) < 0)
                        k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, rm->line,
                                        "%s.route-metric=%s is not a metric; not carried over", sec, rm->value);
                else
                        metric = (int64_t) u;
        }
        if (gw && import_format_addr(gw->value, family, buf, sizeof(buf)) < 0) {
                k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, gw->line,
                                "%s.gateway=%s is not an address of the family; not carried over", sec, gw->value);
                gw = NULL;
        } else if (!gw && addr_gw)
                snprintf(buf, sizeof(buf), "%s", addr_gw), gw = addr_gw_kv;
        if (k >= 0 && gw && nd && nm_true(nd->value))
                k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, gw->line,
                                "%s gateway %s is not carried over: never-default=%s says not to add the default "
                                "route",
                                sec, buf, nd->value);
        else if (k >= 0 && gw)
                k = import_gateway(c->r, buf, metric);
        if (k >= 0)
                k = nm_routes(c, family, sec, metric);
        if (k >= 0)
                k = nm_dns(c, family, sec);
        return k;
}

/* The connection's id: the file name when nothing in [Match] names the link. */
static const char *nm_id(NmContext *c) {
        const ImportKV *id = import_kv_get(&c->kv, "connection", "id");

        return id ? id->value : "infiniband";
}

int import_nm_keyfile(const char *path, const char *text, DiagList *diags, ImportResult *ret) {
        _cleanup_(import_result_done) ImportResult r = { .format = IMPORT_FORMAT_NM_KEYFILE };
        NmContext c = { .path = path, .diags = diags, .r = &r };
        size_t errors = diag_count_path(diags, DIAG_ERROR, path);
        const ImportKV *ifname = NULL;
        int k;

        r.source = strdup(path);
        if (!r.source)
                return -ENOMEM;
        k = import_comment(&r, "Imported by ipoibctl import from %s (NetworkManager keyfile).", path);
        if (k >= 0)
                k = keyfile_parse(&c, text);
        if (k >= 0 && diag_count_path(diags, DIAG_ERROR, path) == errors)
                k = nm_connection(&c, &ifname);
        if (k >= 0 && diag_count_path(diags, DIAG_ERROR, path) == errors)
                k = nm_infiniband(&c, ifname);
        if (k >= 0 && diag_count_path(diags, DIAG_ERROR, path) == errors)
                k = nm_ip(&c, AF_INET);
        if (k >= 0)
                k = nm_ip(&c, AF_INET6);
        if (k >= 0 && c.domains) {
                _cleanup_free_ char *j = strv_join(c.domains, " ");

                k = j ? import_add(&r, SCHEMA_KEY_NETWORK_DOMAINS, 0, "%s", j) : -ENOMEM;
        }
        if (k >= 0)
                k = import_kv_report(&c.kv, nm_unused, ELEMENTSOF(nm_unused), path, diags, &r);
        strv_free(c.domains);
        if (k < 0) {
                import_kv_list_done(&c.kv);
                return k;
        }
        if (diag_count_path(diags, DIAG_ERROR, path) > errors) {
                import_kv_list_done(&c.kv);
                return -EINVAL;
        }
        k = import_name_from_settings(&r, nm_id(&c));
        if (k < 0)
                return k;
        import_kv_list_done(&c.kv);
        *ret = r;
        r = (ImportResult) {};
        return 0;
}
