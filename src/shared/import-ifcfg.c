/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Red Hat ifcfg files (initscripts' sysconfig.txt, ifup-ib from rdma-core, and NetworkManager's
 * ifcfg-rh plugin, nm-settings-ifcfg-rh(5)) of TYPE=InfiniBand → .ibnet, with their route-DEVICE and
 * route6-DEVICE files.
 *
 * The file is shell: VAR=value, VAR="value", VAR='value', "#" comments. Where initscripts and
 * NetworkManager read a variable differently, the diagnostics say so (P_Key naming, MTU defaults). */

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "import.h"
#include "parse-util.h"
#include "strv.h"

typedef struct IfcfgContext {
        ImportKVList kv;
        const char *path;
        DiagList *diags;
        ImportResult *r;
} IfcfgContext;

static const ImportUnused ifcfg_unused[] = {
        { "NM_CONTROLLED", DIAG_NOTICE, NULL, "the file is no longer read by NetworkManager or initscripts" },
        { "USERCTL", DIAG_NOTICE, NULL, "users do not bring links up and down with ipoib-agent" },
        { "BROADCAST", DIAG_NOTICE, NULL, "the kernel derives the broadcast address from the prefix" },
        { "NETWORK", DIAG_NOTICE, NULL, "derived from the address and prefix" },
        { "PEERDNS", DIAG_NOTICE, NULL, "only matters for DHCP" },
        { "PEERROUTES", DIAG_NOTICE, NULL, "only matters for DHCP" },
        { "IPV6_PEERDNS", DIAG_NOTICE, NULL, "only matters for autoconfiguration" },
        { "IPV6_PEERROUTES", DIAG_NOTICE, NULL, "only matters for autoconfiguration" },
        { "IPV4_FAILURE_FATAL", DIAG_NOTICE, NULL, "the agent has no activation that could fail" },
        { "IPV6_FAILURE_FATAL", DIAG_NOTICE, NULL, "the agent has no activation that could fail" },
        { "ARPCHECK", DIAG_NOTICE, NULL, "the agent does not probe for address conflicts" },
        { "IPV6_ADDR_GEN_MODE", DIAG_NOTICE, NULL, "the kernel generates the link-local address" },
        { "IPV6_PRIVACY", DIAG_WARNING, "no|rfc3041=no", "temporary addresses are the kernel's (use_tempaddr)" },
        { "PROXY_METHOD", DIAG_WARNING, "none", "proxy settings are not network configuration" },
        { "BROWSER_ONLY", DIAG_NOTICE, "no", "proxy settings are not network configuration" },
        { "DHCP*", DIAG_NOTICE, NULL, "the agent does not run DHCP" },
        { "PERSISTENT_DHCLIENT", DIAG_NOTICE, NULL, "the agent does not run DHCP" },
        { "ZONE", DIAG_WARNING, "", "firewalld zones are not the agent's business" },
        { "MASTER*", DIAG_WARNING, NULL, "bonding is not supported" },
        { "SLAVE", DIAG_WARNING, "no", "bonding is not supported" },
        { "ETHTOOL_OPTS", DIAG_WARNING, "", "ethtool settings are not supported" },
        { "LINKDELAY", DIAG_WARNING, NULL, "the agent does not wait; it configures the link when it appears" },
        { "MACADDR", DIAG_WARNING, NULL, "IPoIB hardware addresses cannot be set (ifup-ib says so too)" },
        { "SRCADDR", DIAG_WARNING, NULL, "preferred source addresses are not supported" },
        { "IPV6_AUTOCONF", DIAG_WARNING, "yes",
          "autoconfiguration from router advertisements is the kernel's (net.ipv6.conf.DEVICE.accept_ra), which "
          "ipoib-agent leaves alone" },
        { "IPV6FORWARDING", DIAG_WARNING, "no", "forwarding sysctls are not supported" },
};

/* Shell quoting as initscripts' files use it: "…" with \" \\ \$ \` escapes, '…' literal, bare words. */
static int shell_value(const char *s, char **ret, const char **ret_rest) {
        _cleanup_free_ char *v = malloc(strlen(s) + 1);
        size_t n = 0;
        char q = 0;

        if (!v)
                return -ENOMEM;
        for (; *s; s++) {
                if (q == '\'') {
                        if (*s == '\'')
                                q = 0;
                        else
                                v[n++] = *s;
                } else if (q == '"') {
                        if (*s == '"')
                                q = 0;
                        else if (*s == '\\' && s[1] && strchr("\"\\$`", s[1]))
                                v[n++] = *++s;
                        else
                                v[n++] = *s;
                } else if (*s == '"' || *s == '\'')
                        q = *s;
                else if (*s == '\\' && s[1])
                        v[n++] = *++s;
                else if (isspace((unsigned char) *s))
                        break;
                else
                        v[n++] = *s;
        }
        if (q)
                return -EINVAL;
        v[n] = 0;
        *ret = TAKE_PTR(v);
        *ret_rest = s + strspn(s, " \t\r");
        return 0;
}

static int ifcfg_parse(IfcfgContext *c, const char *text) {
        _cleanup_free_ char *copy = strdup(text);
        unsigned line = 0;
        int k;

        if (!copy)
                return -ENOMEM;
        for (char *l = copy, *next; l; l = next) {
                _cleanup_free_ char *value = NULL;
                const char *rest;
                char *s, *eq;

                next = strchr(l, '\n');
                if (next)
                        *next++ = 0;
                line++;
                s = l + strspn(l, " \t");
                if (*s == 0 || *s == '#' || *s == '\r')
                        continue;
                if (startswith(s, "export "))
                        s += strlen("export ");
                eq = strchr(s, '=');
                if (!eq || eq == s || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
                                              (size_t) (eq - s)) {
                        diag_add(c->diags, DIAG_WARNING, c->path, line,
                                 "not a VAR=value line; not carried over: \"%s\"", s);
                        continue;
                }
                *eq = 0;
                if (shell_value(eq + 1, &value, &rest) < 0) {
                        diag_add(c->diags, DIAG_ERROR, c->path, line, "%s=: unterminated quote", s);
                        continue;
                }
                if (*rest && *rest != '#')
                        diag_add(c->diags, DIAG_WARNING, c->path, line,
                                 "%s=: only the first word is read, \"%s\" is not carried over (quote the value)", s,
                                 rest);
                k = import_kv_add(&c->kv, "", s, value, line);
                if (k < 0)
                        return k;
        }
        return 0;
}

static const ImportKV *get(IfcfgContext *c, const char *var) {
        return import_kv_get(&c->kv, "", var);
}

static const char *get_value(IfcfgContext *c, const char *var) {
        const ImportKV *kv = get(c, var);

        return kv ? kv->value : NULL;
}

/* initscripts' and NetworkManager's idea of yes: y, yes, true, 1, case-insensitively. */
static int ifcfg_bool(const char *v, int dflt) {
        if (isempty(v))
                return dflt;
        if (strchr("yYtT1", v[0]))
                return 1;
        if (strchr("nNfF0", v[0]))
                return 0;
        return dflt;
}

static const char *file_device(const char *path) {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

        return startswith(base, "ifcfg-") ?: base;
}

char *import_ifcfg_device(const char *path, const char *text) {
        _cleanup_(diag_list_done) DiagList d = {};
        IfcfgContext c = { .path = path, .diags = &d };
        const char *dev;
        char *s = NULL;

        if (ifcfg_parse(&c, text) >= 0) {
                dev = get_value(&c, "DEVICE");
                s = strdup(!isempty(dev) ? dev : file_device(path));
        }
        import_kv_list_done(&c.kv);
        return s;
}

static int ifcfg_type(IfcfgContext *c, const char *device) {
        const ImportKV *type = get(c, "TYPE");

        if (type && strcasecmp(type->value, "InfiniBand") == 0)
                return 0;
        if (!type && startswith(device, "ib")) {
                /* initscripts picks ifup-ib by the device name's letters (network-functions). */
                diag_add(c->diags, DIAG_NOTICE, c->path, 0,
                         "no TYPE=: taken as InfiniBand, as initscripts does for a device named ib*");
                return 0;
        }
        diag_add(c->diags, DIAG_ERROR, c->path, type ? type->line : 0,
                 "not an InfiniBand interface (TYPE=%s); only TYPE=InfiniBand is imported",
                 type ? type->value : "unset");
        return -EINVAL;
}

static int ifcfg_identity(IfcfgContext *c) {
        const ImportKV *name = get(c, "NAME"), *uuid = get(c, "UUID"), *onboot = get(c, "ONBOOT"),
                       *proto = get(c, "BOOTPROTO");
        int k = 0;

        if (name || uuid)
                k = import_comment(c->r, "Connection \"%s\"%s%s%s", name ? name->value : "?", uuid ? " (uuid " : "",
                                   uuid ? uuid->value : "", uuid ? ")" : "");
        if (k >= 0 && onboot && ifcfg_bool(onboot->value, 1) == 0)
                k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, onboot->line,
                                "ONBOOT=%s is not carried over: the agent configures every matching link as soon as "
                                "it appears; install the file when it should apply",
                                onboot->value);
        if (k >= 0 && proto && !isempty(proto->value) && strcasecmp(proto->value, "none") != 0 &&
            strcasecmp(proto->value, "static") != 0)
                k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, proto->line,
                                "BOOTPROTO=%s is not carried over: ipoib-agent configures static addresses only (no "
                                "DHCP); the static settings of the file are imported",
                                proto->value);
        return k;
}

static int ifcfg_pkey(IfcfgContext *c, const ImportKV *kv, uint16_t *ret) {
        uint64_t v;

        if (import_parse_c_number(kv->value, 0xffff, &v) < 0 || v == 0 || v == 0x8000) {
                diag_add(c->diags, DIAG_ERROR, c->path, kv->line,
                         "%s=%s is not a usable P_Key (decimal or 0x hex, 1…0xffff, not 0x8000)", kv->key, kv->value);
                return -EINVAL;
        }
        if (kv->value[0] == '0' && isdigit((unsigned char) kv->value[1]))
                diag_add(c->diags, DIAG_NOTICE, c->path, kv->line,
                         "%s=%s has a leading 0, which bash arithmetic in ifup-ib reads as octal: 0x%04" PRIx64,
                         kv->key, kv->value, v);
        *ret = (uint16_t) v;
        return 0;
}

/* PKEY=yes: PHYSDEV is the parent; PKEY_ID gets the full-membership bit from both ifup-ib and
 * NetworkManager, PKEY_ID_NM (NetworkManager only) keeps the P_Key and the name as written. */
static int ifcfg_child(IfcfgContext *c, const ImportKV *device, const char *physdev) {
        const ImportKV *id = get(c, "PKEY_ID"), *id_nm = get(c, "PKEY_ID_NM"), *use = id_nm ?: id;
        char want[64];
        uint16_t pkey;
        int k;

        if (!use || !physdev) {
                diag_add(c->diags, DIAG_ERROR, c->path, 0, "PKEY=yes needs %s (ifup-ib refuses the file too)",
                         !use ? "PKEY_ID" : "PHYSDEV");
                return -EINVAL;
        }
        k = ifcfg_pkey(c, use, &pkey);
        if (k < 0)
                return k;
        if (id && id_nm)
                diag_add(c->diags, DIAG_NOTICE, c->path, id->line,
                         "PKEY_ID=%s and PKEY_ID_NM=%s: NetworkManager uses PKEY_ID_NM, initscripts PKEY_ID; "
                         "imported from PKEY_ID_NM", id->value, id_nm->value);
        k = import_partition(c->r, c->diags, c->path, use->line, physdev, pkey, id_nm != NULL);
        if (k < 0)
                return k;
        snprintf(want, sizeof(want), "%s.%04x", physdev, id_nm ? pkey : pkey_normalize(pkey));
        if (device && !streq(device->value, want))
                return import_drop(c->r, c->diags, DIAG_WARNING, c->path, device->line,
                                   "DEVICE=%s is not carried over: ifup-ib refuses a DEVICE other than %s (PHYSDEV "
                                   "and the P_Key), and NetworkManager does not support another name",
                                   device->value, want);
        return 0;
}

static int ifcfg_match(IfcfgContext *c, const char *device, const char *physdev, bool child) {
        const ImportKV *hw = get(c, "HWADDR");
        char buf[GUID_STRING_MAX];
        uint64_t guid;
        int k;

        /* A child's file matches its parent. */
        if (!child || physdev) {
                k = import_add(c->r, SCHEMA_KEY_MATCH_NAME, 0, "%s", child ? physdev : device);
                if (k < 0)
                        return k;
        }
        if (!hw)
                return 0;
        if (import_hwaddr_guid(hw->value, &guid) < 0) {
                diag_add(c->diags, DIAG_ERROR, c->path, hw->line, "HWADDR=%s is not a 20-byte IPoIB hardware address",
                         hw->value);
                return -EINVAL;
        }
        /* ifup-ib compares only the last 23 characters, the GUID: the rest changes. */
        diag_add(c->diags, DIAG_NOTICE, c->path, hw->line,
                 "HWADDR: matching on its last 8 bytes, the port GUID %s (the first 12 change with the QPN and the "
                 "subnet prefix; ifup-ib compares only these 8 too)",
                 format_guid(guid, buf));
        return import_add(c->r, SCHEMA_KEY_MATCH_GUID, 0, "%s", buf);
}

static int ifcfg_link(IfcfgContext *c) {
        const ImportKV *cm = get(c, "CONNECTED_MODE"), *mtu = get(c, "MTU");
        IbMode m = cm && ifcfg_bool(cm->value, 0) ? IB_MODE_CONNECTED : IB_MODE_DATAGRAM;
        uint64_t bytes = 0;
        int k;

        if (!cm)
                diag_add(c->diags, DIAG_NOTICE, c->path, 0,
                         "no CONNECTED_MODE=: ifup-ib and NetworkManager use datagram; imported as Mode=datagram");
        k = import_add(c->r, SCHEMA_KEY_IPOIB_MODE, 0, "%s", m == IB_MODE_CONNECTED ? "connected" : "datagram");
        if (k < 0)
                return k;
        if (mtu && import_parse_c_number(mtu->value, UINT32_MAX, &bytes) < 0) {
                diag_add(c->diags, DIAG_ERROR, c->path, mtu->line, "MTU=%s is not a number", mtu->value);
                return -EINVAL;
        }
        /* ifup-ib: connected mode defaults to and caps at 65520, datagram at 2044; NetworkManager leaves
         * an unset MTU alone and sets the value it is given. */
        if (!mtu)
                diag_add(c->diags, DIAG_NOTICE, c->path, 0,
                         "no MTU=: ifup-ib would set %u, NetworkManager leaves the MTU alone; imported without "
                         "MTU= (add MTU=%u for ifup-ib's behaviour)",
                         m == IB_MODE_CONNECTED ? IPOIB_CM_MTU : 2044U, m == IB_MODE_CONNECTED ? IPOIB_CM_MTU : 2044U);
        else if (m == IB_MODE_DATAGRAM && bytes > 2044 && bytes <= IPOIB_DATAGRAM_MTU_MAX)
                diag_add(c->diags, DIAG_NOTICE, c->path, mtu->line,
                         "MTU=%" PRIu64 " in datagram mode: ifup-ib would cap it at 2044, NetworkManager sets it; "
                         "imported as MTU=%" PRIu64, bytes, bytes);
        return import_mtu(c->r, c->diags, c->path, mtu ? mtu->line : 0, bytes, m);
}

static int netmask_prefix(const char *s, int *ret) {
        struct in_addr a;
        uint32_t m;
        int n;

        if (inet_pton(AF_INET, s, &a) != 1)
                return -EINVAL;
        m = ntohl(a.s_addr);
        n = __builtin_popcount(m);
        /* Contiguous: the ones, then only zeros. */
        if (n > 0 && m != (uint32_t) (UINT64_C(0xffffffff) << (32 - n)))
                return -EINVAL;
        if (n == 0 && m != 0)
                return -EINVAL;
        *ret = n;
        return 0;
}

/* The classful prefix initscripts' ipcalc and NetworkManager fall back on without PREFIX/NETMASK. */
static int classful_prefix(const char *addr) {
        struct in_addr a;
        uint8_t first;

        if (inet_pton(AF_INET, addr, &a) != 1)
                return 24;
        first = (uint8_t) (ntohl(a.s_addr) >> 24);
        return first < 128 ? 8 : first < 192 ? 16 : 24;
}

/* IPADDR/PREFIX/NETMASK with suffix sfx ("" or "0"…"255"). */
static int ifcfg_ipv4_address(IfcfgContext *c, const char *sfx) {
        char var[32], buf[IN_ADDR_PREFIX_STRLEN];
        const ImportKV *ip, *prefix, *mask;
        _cleanup_free_ char *a = NULL;
        int plen = -1;

        snprintf(var, sizeof(var), "IPADDR%s", sfx);
        ip = get(c, var);
        snprintf(var, sizeof(var), "PREFIX%s", sfx);
        prefix = get(c, var);
        snprintf(var, sizeof(var), "NETMASK%s", sfx);
        mask = get(c, var);
        if (!ip || isempty(ip->value))
                return 0;
        if (prefix) {
                uint32_t v;

                if (safe_atou32(prefix->value, &v) < 0 || v > 32)
                        return import_drop(c->r, c->diags, DIAG_WARNING, c->path, prefix->line,
                                           "PREFIX%s=%s is not a prefix length; IPADDR%s=%s is not carried over", sfx,
                                           prefix->value, sfx, ip->value);
                plen = (int) v;
        } else if (mask && netmask_prefix(mask->value, &plen) < 0)
                return import_drop(c->r, c->diags, DIAG_WARNING, c->path, mask->line,
                                   "NETMASK%s=%s is not a netmask; IPADDR%s=%s is not carried over", sfx, mask->value,
                                   sfx, ip->value);
        if (plen < 0) {
                plen = classful_prefix(ip->value);
                diag_add(c->diags, DIAG_NOTICE, c->path, ip->line,
                         "IPADDR%s=%s has no PREFIX%s or NETMASK%s: using /%d, the address class, as initscripts and "
                         "NetworkManager do",
                         sfx, ip->value, sfx, sfx, plen);
        }
        if (asprintf(&a, "%s/%d", ip->value, plen) < 0)
                return -ENOMEM;
        if (import_format_prefix(c->diags, c->path, ip->line, var, a, AF_INET, 32, buf, sizeof(buf)) < 0)
                return 0;
        return import_add(c->r, SCHEMA_KEY_NETWORK_ADDRESS, 0, "%s", buf);
}

static int64_t ifcfg_metric(IfcfgContext *c, const char *var) {
        const ImportKV *m = get(c, var);
        uint64_t v;

        if (!m || isempty(m->value) || streq(m->value, "-1"))
                return -1;
        if (import_parse_c_number(m->value, UINT32_MAX, &v) < 0) {
                (void) import_drop(c->r, c->diags, DIAG_WARNING, c->path, m->line,
                                   "%s=%s is not a metric; not carried over", var, m->value);
                return -1;
        }
        return (int64_t) v;
}

static int ifcfg_gateway(IfcfgContext *c, const ImportKV *gw, const char *defroute_var, int family, int64_t metric) {
        const ImportKV *defroute = get(c, defroute_var);
        _cleanup_free_ char *g = NULL;
        char buf[INET6_ADDRSTRLEN];

        if (!gw || isempty(gw->value))
                return 0;
        g = strdup(gw->value);
        if (!g)
                return -ENOMEM;
        g[strcspn(g, "%")] = 0; /* IPV6_DEFAULTGW=ADDR%DEVICE */
        if (import_format_addr(g, family, buf, sizeof(buf)) < 0)
                return import_drop(c->r, c->diags, DIAG_WARNING, c->path, gw->line,
                                   "%s=%s is not an address; not carried over", gw->key, gw->value);
        if (defroute && ifcfg_bool(defroute->value, 1) == 0)
                return import_drop(c->r, c->diags, DIAG_WARNING, c->path, gw->line,
                                   "%s=%s is not carried over: %s=%s says not to add the default route", gw->key,
                                   gw->value, defroute_var, defroute->value);
        return import_gateway(c->r, buf, metric);
}

static int ifcfg_ipv4(IfcfgContext *c) {
        int k;

        k = ifcfg_ipv4_address(c, "");
        for (unsigned i = 0; k >= 0 && i <= 255; i++) {
                char sfx[8];

                snprintf(sfx, sizeof(sfx), "%u", i);
                k = ifcfg_ipv4_address(c, sfx);
        }
        if (k < 0)
                return k;
        /* initscripts reads METRIC, NetworkManager IPV4_ROUTE_METRIC. */
        return ifcfg_gateway(c, get(c, "GATEWAY"), "DEFROUTE", AF_INET,
                             get(c, "IPV4_ROUTE_METRIC") ? ifcfg_metric(c, "IPV4_ROUTE_METRIC")
                                                         : ifcfg_metric(c, "METRIC"));
}

static int ifcfg_ipv6(IfcfgContext *c, bool *ret_enabled) {
        const ImportKV *init = get(c, "IPV6INIT"), *addr, *sec, *gw;
        _cleanup_strv_free_ char **l = NULL;
        char buf[IN_ADDR_PREFIX_STRLEN];
        int k;

        /* Only now read the others: a lookup marks them used, and unused ones are reported below. */
        *ret_enabled = init && ifcfg_bool(init->value, 0);
        if (!*ret_enabled) {
                /* Without IPV6INIT=yes here, initscripts (ifup-ipv6) and NetworkManager fall back on the
                 * global /etc/sysconfig/network, which an import of one file cannot see. */
                FOREACH_ARRAY(kv, c->kv.items, c->kv.n)
                        if (!kv->used && startswith(kv->key, "IPV6") && !streq(kv->key, "IPV6INIT")) {
                                kv->used = true;
                                k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, kv->line,
                                                "%s=%s is not carried over: IPV6INIT is not yes in this file, so "
                                                "initscripts and NetworkManager apply it only if "
                                                "/etc/sysconfig/network says IPV6INIT=yes (not read by import)",
                                                kv->key, kv->value);
                                if (k < 0)
                                        return k;
                        }
                return 0;
        }
        addr = get(c, "IPV6ADDR");
        sec = get(c, "IPV6ADDR_SECONDARIES");
        gw = get(c, "IPV6_DEFAULTGW");
        if (addr && !isempty(addr->value)) {
                k = strv_extend(&l, addr->value);
                if (k < 0)
                        return k;
        }
        if (sec) {
                _cleanup_strv_free_ char **more = NULL;

                k = strv_split_ws(sec->value, &more);
                STRV_FOREACH(m, more)
                        if (k >= 0)
                                k = strv_extend(&l, *m);
                if (k < 0)
                        return k;
        }
        STRV_FOREACH(a, l)
                if (import_format_prefix(c->diags, c->path, addr ? addr->line : sec->line, "IPv6 address", *a,
                                         AF_INET6, 64, buf, sizeof(buf)) >= 0) {
                        k = import_add(c->r, SCHEMA_KEY_NETWORK_ADDRESS, 0, "%s", buf);
                        if (k < 0)
                                return k;
                }
        return ifcfg_gateway(c, gw, "IPV6_DEFROUTE", AF_INET6, ifcfg_metric(c, "IPV6_ROUTE_METRIC"));
}

static int ifcfg_dns(IfcfgContext *c) {
        const ImportKV *domain = get(c, "DOMAIN");
        _cleanup_strv_free_ char **d = NULL;
        char buf[INET6_ADDRSTRLEN];
        int k = 0;

        for (unsigned i = 1; i <= 64; i++) {
                const ImportKV *dns;
                char var[16];

                snprintf(var, sizeof(var), "DNS%u", i);
                dns = get(c, var);
                if (!dns || isempty(dns->value))
                        continue;
                if (import_format_addr(dns->value, AF_UNSPEC, buf, sizeof(buf)) < 0)
                        k = import_drop(c->r, c->diags, DIAG_WARNING, c->path, dns->line,
                                        "%s=%s is not an IP address; not carried over", var, dns->value);
                else
                        k = import_add(c->r, SCHEMA_KEY_NETWORK_DNS, 0, "%s", buf);
                if (k < 0)
                        return k;
        }
        if (!domain || isempty(domain->value))
                return 0;
        k = strv_split_ws(domain->value, &d);
        if (k < 0)
                return k;
        STRV_FOREACH(s, d)
                if (!dns_domain_valid(*s))
                        return import_drop(c->r, c->diags, DIAG_WARNING, c->path, domain->line,
                                           "DOMAIN=%s: \"%s\" is not a domain; DOMAIN= is not carried over",
                                           domain->value, *s);
        return import_add(c->r, SCHEMA_KEY_NETWORK_DOMAINS, 0, "%s", domain->value);
}

/* route-DEVICE in the ADDRESSn=/NETMASKn=/GATEWAYn=/METRICn= form (IPv4 only). */
static int route_file_vars(IfcfgContext *rc, const char *path, DiagList *diags, ImportResult *r) {
        int k;

        for (unsigned i = 0; i <= 255; i++) {
                char var[32], dst[IN_ADDR_PREFIX_STRLEN], gw[INET6_ADDRSTRLEN];
                const ImportKV *a, *m, *g;
                _cleanup_free_ char *p = NULL;
                int plen = 32;
                int64_t metric;

                snprintf(var, sizeof(var), "ADDRESS%u", i);
                a = get(rc, var);
                snprintf(var, sizeof(var), "NETMASK%u", i);
                m = get(rc, var);
                snprintf(var, sizeof(var), "GATEWAY%u", i);
                g = get(rc, var);
                snprintf(var, sizeof(var), "METRIC%u", i);
                metric = ifcfg_metric(rc, var);
                if (!a)
                        continue;
                if (m && netmask_prefix(m->value, &plen) < 0)
                        plen = -1;
                if (plen < 0 || asprintf(&p, "%s/%d", a->value, plen) < 0 ||
                    import_format_prefix(diags, path, a->line, "route", p, AF_INET, 32, dst, sizeof(dst)) < 0) {
                        if (!p && plen >= 0)
                                return -ENOMEM;
                        k = import_drop(r, diags, DIAG_WARNING, path, a->line,
                                        "ADDRESS%u=%s: not a valid route; not carried over", i, a->value);
                } else if (g && import_format_addr(g->value, AF_INET, gw, sizeof(gw)) < 0)
                        k = import_drop(r, diags, DIAG_WARNING, path, g->line,
                                        "GATEWAY%u=%s is not an IPv4 address; the route is not carried over", i,
                                        g->value);
                else
                        k = import_route(r, dst, g ? gw : NULL, metric);
                if (k < 0)
                        return k;
        }
        return 0;
}

/* One line of "ip route add" arguments: "PREFIX|default [via GW] [dev DEV] [metric N] …". */
static int route_line(const char *path, unsigned line, const char *text, int family, DiagList *diags,
                      ImportResult *r) {
        _cleanup_strv_free_ char **w = NULL;
        char dst[IN_ADDR_PREFIX_STRLEN], gw[INET6_ADDRSTRLEN];
        bool has_gw = false, is_default;
        int64_t metric = -1;
        uint64_t v;
        int k;

        k = strv_split_ws(text, &w);
        if (k < 0)
                return k;
        if (!w || !w[0])
                return 0; /* only blanks that the line reader does not trim (found by fuzz-import) */
        is_default = streq(w[0], "default");
        if (!is_default && import_format_prefix(diags, path, line, "route", w[0], family,
                                                family == AF_INET ? 32 : 128, dst, sizeof(dst)) < 0)
                return import_drop(r, diags, DIAG_WARNING, path, line, "route \"%s\" is not carried over", text);
        for (char **p = w + 1; *p; p += 2) {
                const char *arg = p[1];

                if (!arg)
                        return import_drop(r, diags, DIAG_WARNING, path, line,
                                           "route \"%s\": \"%s\" lacks its value; not carried over", text, *p);
                if (streq(*p, "via") && import_format_addr(arg, family, gw, sizeof(gw)) >= 0)
                        has_gw = true;
                else if (streq(*p, "metric") && import_parse_c_number(arg, UINT32_MAX, &v) >= 0)
                        metric = (int64_t) v;
                else if (streq(*p, "dev") || (streq(*p, "proto") && streq(arg, "static")))
                        continue; /* the link the file configures; static is what the agent's routes are */
                else
                        return import_drop(r, diags, DIAG_WARNING, path, line,
                                           "route \"%s\": \"%s %s\" is not supported; the route is not carried over",
                                           text, *p, arg);
        }
        if (is_default && !has_gw)
                return import_drop(r, diags, DIAG_WARNING, path, line,
                                   "route \"%s\": a default route without a gateway is not supported", text);
        return import_route(r, is_default ? NULL : dst, has_gw ? gw : NULL, metric);
}

static int route_file(const char *path, const char *text, DiagList *diags, ImportResult *r) {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        int family = startswith(base, "route6-") ? AF_INET6 : AF_INET;
        _cleanup_free_ char *copy = NULL;
        unsigned line = 0;
        int k;

        if (family == AF_INET && strstr(text, "ADDRESS0=")) {
                IfcfgContext rc = { .path = path, .diags = diags, .r = r };

                k = ifcfg_parse(&rc, text);
                if (k >= 0)
                        k = route_file_vars(&rc, path, diags, r);
                if (k >= 0)
                        k = import_kv_report(&rc.kv, NULL, 0, path, diags, r);
                import_kv_list_done(&rc.kv);
                return k;
        }
        copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        for (char *l = copy, *next; l; l = next) {
                next = strchr(l, '\n');
                if (next)
                        *next++ = 0;
                line++;
                l += strspn(l, " \t");
                l[strcspn(l, "\r")] = 0;
                if (*l == 0 || *l == '#')
                        continue;
                k = route_line(path, line, l, family, diags, r);
                if (k < 0)
                        return k;
        }
        return 0;
}

int import_ifcfg(const char *path, const char *text, char *const *route_paths, char *const *route_texts,
                 DiagList *diags, ImportResult *ret) {
        _cleanup_(import_result_done) ImportResult r = { .format = IMPORT_FORMAT_IFCFG };
        IfcfgContext c = { .path = path, .diags = diags, .r = &r };
        size_t errors = diag_count_path(diags, DIAG_ERROR, path);
        _cleanup_free_ char *device = NULL;
        const ImportKV *dev_kv, *pkey;
        const char *physdev;
        bool child, ipv6 = false;
        int k;

        r.source = strdup(path);
        if (!r.source)
                return -ENOMEM;
        k = import_comment(&r, "Imported by ipoibctl import from %s (ifcfg).", path);
        if (k >= 0)
                k = ifcfg_parse(&c, text);
        if (k < 0)
                goto finish;
        dev_kv = get(&c, "DEVICE");
        device = strdup(dev_kv && !isempty(dev_kv->value) ? dev_kv->value : file_device(path));
        pkey = get(&c, "PKEY");
        physdev = get_value(&c, "PHYSDEV");
        child = pkey && ifcfg_bool(pkey->value, 0);
        if (!device)
                k = -ENOMEM;
        if (k >= 0 && diag_count_path(diags, DIAG_ERROR, path) == errors)
                k = ifcfg_type(&c, device);
        if (k >= 0)
                k = ifcfg_identity(&c);
        if (k >= 0 && diag_count_path(diags, DIAG_ERROR, path) == errors)
                k = ifcfg_match(&c, device, physdev, child);
        if (k >= 0 && child)
                k = ifcfg_child(&c, dev_kv, physdev);
        else if (k >= 0 && physdev)
                k = import_drop(&r, diags, DIAG_WARNING, path, get(&c, "PHYSDEV")->line,
                                "PHYSDEV=%s without PKEY=yes is not carried over", physdev);
        if (k >= 0 && diag_count_path(diags, DIAG_ERROR, path) == errors)
                k = ifcfg_link(&c);
        if (k >= 0)
                k = ifcfg_ipv4(&c);
        for (size_t i = 0; k >= 0 && route_paths && route_paths[i]; i++)
                if (!startswith(strrchr(route_paths[i], '/') ? strrchr(route_paths[i], '/') + 1 : route_paths[i],
                                "route6-"))
                        k = route_file(route_paths[i], route_texts[i], diags, &r);
        if (k >= 0)
                k = ifcfg_ipv6(&c, &ipv6);
        for (size_t i = 0; k >= 0 && route_paths && route_paths[i]; i++)
                if (startswith(strrchr(route_paths[i], '/') ? strrchr(route_paths[i], '/') + 1 : route_paths[i],
                               "route6-")) {
                        if (!ipv6)
                                k = import_drop(&r, diags, DIAG_WARNING, route_paths[i], 0,
                                                "not carried over: IPV6INIT is not yes in %s, so initscripts and "
                                                "NetworkManager add these routes only if /etc/sysconfig/network "
                                                "says IPV6INIT=yes (not read by import)",
                                                path);
                        else
                                k = route_file(route_paths[i], route_texts[i], diags, &r);
                }
        if (k >= 0)
                k = ifcfg_dns(&c);
        if (k >= 0)
                k = import_kv_report(&c.kv, ifcfg_unused, ELEMENTSOF(ifcfg_unused), path, diags, &r);
        if (k >= 0 && diag_count_path(diags, DIAG_ERROR, path) > errors)
                k = -EINVAL;
        if (k >= 0)
                k = import_name_from_settings(&r, device);
finish:
        import_kv_list_done(&c.kv);
        if (k < 0)
                return k;
        *ret = r;
        r = (ImportResult) {};
        return 0;
}
