/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* What the NetworkManager and ifcfg converters share: the result and its .ibnet text (through the
 * schema table), the key/value list that reports every setting no conversion took, the P_Key child
 * with its naming decision, gateways and routes. */

#include <ctype.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "import.h"
#include "parse-util.h"
#include "schema.h"
#include "strv.h"

static const char *const import_format_table[_IMPORT_FORMAT_MAX] = {
        [IMPORT_FORMAT_NM_KEYFILE] = "NetworkManager keyfile",
        [IMPORT_FORMAT_IFCFG] = "ifcfg",
        [IMPORT_FORMAT_ROUTE] = "ifcfg route file",
};

const char *import_format_to_string(ImportFormat f) {
        return f >= 0 && f < _IMPORT_FORMAT_MAX ? import_format_table[f] : NULL;
}

void import_result_done(ImportResult *r) {
        free(r->source);
        free(r->name);
        strv_free(r->comments);
        FOREACH_ARRAY(s, r->settings, r->n)
                free(s->value);
        free(r->settings);
        *r = (ImportResult) {};
}

static const char *basename_of(const char *path) {
        const char *s = strrchr(path, '/');

        return s ? s + 1 : path;
}

ImportFormat import_detect_format(const char *path, const char *text) {
        const char *base = basename_of(path);

        if (startswith(base, "route-") || startswith(base, "route6-"))
                return IMPORT_FORMAT_ROUTE;
        if (startswith(base, "ifcfg-"))
                return IMPORT_FORMAT_IFCFG;
        if (endswith(base, ".nmconnection"))
                return IMPORT_FORMAT_NM_KEYFILE;
        /* By contents: the first section header or assignment. */
        for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                p += strspn(p, " \t");
                if (*p == '#' || *p == ';' || *p == '\n')
                        continue;
                if (startswith(p, "[connection]"))
                        return IMPORT_FORMAT_NM_KEYFILE;
                if (isupper((unsigned char) *p) && strchr(p, '=') && strcspn(p, "=") < strcspn(p, "\n"))
                        return IMPORT_FORMAT_IFCFG;
                break;
        }
        return _IMPORT_FORMAT_INVALID;
}

static int import_addv(ImportResult *r, SchemaKey key, unsigned route, const char *fmt, va_list ap) {
        char *v;

        if (vasprintf(&v, fmt, ap) < 0)
                return -ENOMEM;
        if (!GREEDY_REALLOC(r->settings, r->allocated, r->n + 1)) {
                free(v);
                return -ENOMEM;
        }
        r->settings[r->n] = (ImportSetting) { .key = key, .value = v, .route = route, .seq = r->n };
        r->n++;
        return 0;
}

int import_add(ImportResult *r, SchemaKey key, unsigned route, const char *fmt, ...) {
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = import_addv(r, key, route, fmt, ap);
        va_end(ap);
        return k;
}

int import_comment(ImportResult *r, const char *fmt, ...) {
        va_list ap;
        char *s;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        return strv_consume(&r->comments, s);
}

/* Settings by section (schema order), [Route] sections in their order, keys in table order, values in
 * the order the converter added them. */
static int setting_cmp(const void *a, const void *b) {
        const ImportSetting *x = a, *y = b;

        if (x->route != y->route)
                return x->route < y->route ? -1 : 1;
        if (x->key != y->key)
                return x->key < y->key ? -1 : 1;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static SchemaSection key_section(SchemaKey k) {
        return config_section_from_string(config_table_item(k)->section);
}

/* "# text" wrapped at about 100 columns (the loader refuses lines of 200 or more), continued with
 * "#   "; a word too long for a line is cut. */
static void print_comment(FILE *f, const char *text) {
        const size_t width = 100, hard = 180;
        bool first = true;

        do {
                size_t l = strlen(text), cut = l;

                if (l > width) {
                        cut = width;
                        while (cut > 0 && text[cut] != ' ')
                                cut--;
                        if (cut == 0)
                                cut = MIN(l, hard);
                }
                fprintf(f, "#%s%.*s\n", first ? " " : "   ", (int) cut, text);
                text += cut;
                text += strspn(text, " ");
                first = false;
        } while (*text);
}

char *import_result_format(const ImportResult *r) {
        _cleanup_free_ ImportSetting *sorted = NULL;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f;

        sorted = newdup(ImportSetting, r->settings, r->n);
        if (!sorted && r->n > 0)
                return NULL;
        if (r->n > 0)
                qsort(sorted, r->n, sizeof(ImportSetting), setting_cmp);
        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        STRV_FOREACH(c, r->comments)
                print_comment(f, *c);
        for (SchemaSection s = 0; s < _SCHEMA_SECTION_MAX; s++) {
                unsigned route = 0;
                bool header = false;

                FOREACH_ARRAY(it, sorted, r->n) {
                        const ConfigTableItem *row = config_table_item(it->key);

                        if (key_section(it->key) != s)
                                continue;
                        /* Each [Route] is its own section; the other sections appear once. */
                        if (!header || (s == SCHEMA_SECTION_ROUTE && it->route != route)) {
                                fprintf(f, "\n[%s]\n", row->section);
                                header = true;
                                route = it->route;
                        }
                        fprintf(f, "%s=%s\n", row->key, it->value);
                }
        }
        if (fclose(f) != 0)
                return NULL;
        return TAKE_PTR(buf);
}

int import_hwaddr_guid(const char *s, uint64_t *ret) {
        _cleanup_strv_free_ char **bytes = NULL;
        uint64_t g = 0;
        size_t n = 0;

        if (parse_ipoib_hwaddr_guid(s, ret) >= 0)
                return 0;
        /* Upper-case hex digits are as good (NetworkManager writes them so). */
        if (strlen(s) == 59) {
                char lower[60];

                for (size_t i = 0; i < 60; i++)
                        lower[i] = (char) tolower((unsigned char) s[i]);
                if (parse_ipoib_hwaddr_guid(lower, ret) >= 0)
                        return 0;
        }
        /* "0;17;34;...;" */
        for (const char *p = s; *p; n++) {
                uint64_t v;
                size_t l = strcspn(p, ";");
                char word[8];

                if (l == 0 || l >= sizeof(word))
                        return -EINVAL;
                memcpy(word, p, l);
                word[l] = 0;
                if (import_parse_c_number(word, 255, &v) < 0 || (word[0] == '0' && l > 1))
                        return -EINVAL;
                if (n >= 12 && n < 20)
                        g = (g << 8) | v;
                p += l;
                if (*p == ';')
                        p++;
        }
        if (n != 20)
                return -EINVAL;
        *ret = g;
        return 0;
}

int import_parse_c_number(const char *s, uint64_t max, uint64_t *ret) {
        int base = 10;
        char *end;
        uint64_t v;

        if (isempty(s) || !isdigit((unsigned char) s[0]))
                return -EINVAL;
        if (startswith(s, "0x") || startswith(s, "0X"))
                base = 16;
        else if (s[0] == '0' && s[1])
                base = 8;
        if (base == 16 && !isxdigit((unsigned char) s[2]))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, base);
        if (errno == ERANGE || v > max)
                return -ERANGE;
        if (*end)
                return -EINVAL;
        *ret = v;
        return 0;
}

void import_kv_list_done(ImportKVList *l) {
        FOREACH_ARRAY(kv, l->items, l->n) {
                free(kv->section);
                free(kv->key);
                free(kv->value);
        }
        free(l->items);
        *l = (ImportKVList) {};
}

int import_kv_add(ImportKVList *l, const char *section, const char *key, const char *value, unsigned line) {
        ImportKV kv = { .section = strdup(section), .key = strdup(key), .value = strdup(value), .line = line };

        if (!kv.section || !kv.key || !kv.value || !GREEDY_REALLOC(l->items, l->allocated, l->n + 1)) {
                free(kv.section);
                free(kv.key);
                free(kv.value);
                return -ENOMEM;
        }
        l->items[l->n++] = kv;
        return 0;
}

const ImportKV *import_kv_get(ImportKVList *l, const char *section, const char *key) {
        ImportKV *found = NULL;

        FOREACH_ARRAY(kv, l->items, l->n)
                if (streq(kv->section, section) && streq(kv->key, key)) {
                        kv->used = true;
                        found = kv;
                }
        return found;
}

static bool value_in(const char *value, const char *values) {
        size_t l = strlen(value);

        for (const char *p = values; p && *p;) {
                size_t n = strcspn(p, "|");

                if (n == l && strncmp(p, value, l) == 0)
                        return true;
                p += n;
                if (*p == '|')
                        p++;
        }
        return false;
}

int import_kv_report(const ImportKVList *l, const ImportUnused *table, size_t n_table, const char *path,
                     DiagList *diags, ImportResult *r) {
        FOREACH_ARRAY(kv, l->items, l->n) {
                _cleanup_free_ char *name = NULL;
                const ImportUnused *u = NULL;
                DiagLevel level = DIAG_WARNING;
                const char *why = "it has no equivalent in .ibnet";
                int k;

                if (kv->used)
                        continue;
                if (asprintf(&name, "%s%s%s", kv->section, isempty(kv->section) ? "" : ".", kv->key) < 0)
                        return -ENOMEM;
                for (size_t i = 0; i < n_table && !u; i++)
                        if (fnmatch(table[i].pattern, name, 0) == 0)
                                u = &table[i];
                if (u) {
                        level = u->values && value_in(kv->value, u->values) ? DIAG_NOTICE : u->level;
                        why = u->why;
                }
                k = import_drop(r, diags, level, path, kv->line, "%s=%s is not carried over: %s", name, kv->value,
                                why);
                if (k < 0)
                        return k;
        }
        return 0;
}

int import_partition(ImportResult *r, DiagList *diags, const char *path, unsigned line, const char *parent,
                     uint16_t pkey, bool nm_naming) {
        uint16_t kernel = pkey_normalize(pkey);
        const char *p = parent ?: "PARENT";
        int k;

        k = import_add(r, SCHEMA_KEY_PARTITION_PKEY, 0, "0x%04x", kernel);
        if (k >= 0)
                /* ifup-ib echoes the P_Key to create_child; NetworkManager did so too before netlink. The
                 * children keep their sysfs pkey and mode files, which site scripts may read. */
                k = import_add(r, SCHEMA_KEY_PARTITION_METHOD, 0, "sysfs");
        if (k < 0)
                return k;
        if (kernel == pkey) {
                diag_add(diags, DIAG_NOTICE, path, line,
                         "P_Key 0x%04x has the full-membership bit: the child is %s.%04x for NetworkManager, "
                         "initscripts and ipoib-agent alike; imported as PKey=0x%04x",
                         pkey, p, kernel, kernel);
                return 0;
        }
        if (!nm_naming) {
                diag_add(diags, DIAG_NOTICE, path, line,
                         "P_Key 0x%04x lacks the full-membership bit, which ifup-ib and NetworkManager add to "
                         "PKEY_ID (so does the kernel, ipoib_ndo_init()): the child is %s.%04x; imported as "
                         "PKey=0x%04x",
                         pkey, p, kernel, kernel);
                return 0;
        }
        if (!parent) {
                diag_add(diags, DIAG_WARNING, path, line,
                         "P_Key 0x%04x lacks the full-membership bit: the kernel uses 0x%04x (ipoib_ndo_init()); "
                         "NetworkManager names the child PARENT.%04x, ipoib-agent PARENT.%04x, and without a "
                         "parent name the old name cannot be kept; imported as PKey=0x%04x",
                         pkey, kernel, pkey, kernel, kernel);
                return 0;
        }
        diag_add(diags, DIAG_NOTICE, path, line,
                 "P_Key 0x%04x lacks the full-membership bit: the kernel uses 0x%04x either way "
                 "(ipoib_ndo_init()); NetworkManager names the child %s.%04x, initscripts (PKEY_ID) %s.%04x; "
                 "imported as PKey=0x%04x with Name=%s.%04x to keep NetworkManager's name (remove Name= for "
                 "%s.%04x)",
                 pkey, kernel, parent, pkey, parent, kernel, kernel, parent, pkey, parent, kernel);
        return import_add(r, SCHEMA_KEY_PARTITION_NAME, 0, "%s.%04x", parent, pkey);
}

int import_gateway(ImportResult *r, const char *gw, int64_t metric) {
        return import_route(r, NULL, gw, metric);
}

int import_route(ImportResult *r, const char *dst, const char *gw, int64_t metric) {
        unsigned n;
        int k = 0;

        if (!dst && metric < 0)
                return import_add(r, SCHEMA_KEY_NETWORK_GATEWAY, 0, "%s", gw);
        n = ++r->n_routes;
        if (dst)
                k = import_add(r, SCHEMA_KEY_ROUTE_DESTINATION, n, "%s", dst);
        if (k >= 0 && gw)
                k = import_add(r, SCHEMA_KEY_ROUTE_GATEWAY, n, "%s", gw);
        if (k >= 0 && metric >= 0)
                k = import_add(r, SCHEMA_KEY_ROUTE_METRIC, n, "%" PRIi64, metric);
        return k;
}

int import_drop(ImportResult *r, DiagList *diags, DiagLevel level, const char *path, unsigned line,
                const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        diag_add(diags, level, path, line, "%s", msg);
        if (level != DIAG_WARNING)
                return 0;
        return import_comment(r, "%s:%u: %s", basename_of(path), line, msg);
}

int import_set_name(ImportResult *r, bool child, const char *name) {
        char *s;

        if (asprintf(&s, "%s-%s.ibnet", child ? "20" : "10", name) < 0)
                return -ENOMEM;
        for (char *p = s + 3; *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr("._-", *p))
                        *p = '_';
        free(r->name);
        r->name = s;
        return 0;
}

int import_mtu(ImportResult *r, DiagList *diags, const char *path, unsigned line, uint64_t mtu, IbMode mode) {
        if (mtu == 0)
                return 0;
        if (mtu > IPOIB_CM_MTU)
                return import_drop(r, diags, DIAG_WARNING, path, line,
                                   "MTU %" PRIu64 " is above the IPoIB maximum of %u (connected mode), which the "
                                   "kernel refuses; imported as MTU=max",
                                   mtu, IPOIB_CM_MTU) ?: import_add(r, SCHEMA_KEY_LINK_MTU, 0, "max");
        if (mode == IB_MODE_DATAGRAM && mtu > IPOIB_DATAGRAM_MTU_MAX)
                return import_drop(r, diags, DIAG_WARNING, path, line,
                                   "MTU %" PRIu64 " in datagram mode is above the IB link MTU less the 4-byte IPoIB "
                                   "header (at most %u), which the kernel refuses (ipoib_change_mtu()); imported as "
                                   "MTU=max, the largest the link allows",
                                   mtu, IPOIB_DATAGRAM_MTU_MAX) ?: import_add(r, SCHEMA_KEY_LINK_MTU, 0, "max");
        if (mtu < ETHER_MTU_MIN || (mode == IB_MODE_DATAGRAM && mtu < IPOIB_DATAGRAM_MTU_MIN))
                return import_drop(r, diags, DIAG_WARNING, path, line,
                                   "MTU %" PRIu64 " is below what the kernel accepts; not carried over", mtu);
        return import_add(r, SCHEMA_KEY_LINK_MTU, 0, "%" PRIu64, mtu);
}

int import_format_addr(const char *s, int family, char *buf, size_t size) {
        union in_addr_union a;
        int f;

        if (in_addr_from_string_auto(s, &f, &a) < 0 || (family != AF_UNSPEC && f != family) ||
            in_addr_is_null(f, &a))
                return -EINVAL;
        return in_addr_to_string(f, &a, buf, size);
}

int import_format_prefix(DiagList *diags, const char *path, unsigned line, const char *what, const char *s,
                         int family, int default_plen, char *buf, size_t size) {
        _cleanup_free_ char *full = NULL;
        union in_addr_union a;
        uint8_t plen;
        int f;

        if (!strchr(s, '/')) {
                if (asprintf(&full, "%s/%d", s, default_plen) < 0)
                        return -ENOMEM;
                diag_add(diags, DIAG_NOTICE, path, line, "%s %s has no prefix length; using /%d, the tool's default",
                         what, s, default_plen);
                s = full;
        }
        if (in_addr_prefix_from_string_auto(s, false, &f, &a, &plen) < 0 ||
            (family != AF_UNSPEC && f != family)) {
                diag_add(diags, DIAG_WARNING, path, line, "%s %s is not an %s prefix; not carried over", what, s,
                         family == AF_INET6 ? "IPv6" : family == AF_INET ? "IPv4" : "IP");
                return -EINVAL;
        }
        return in_addr_prefix_to_string(f, &a, plen, buf, size);
}

static const char *setting_value(const ImportResult *r, SchemaKey key) {
        FOREACH_ARRAY(s, r->settings, r->n)
                if (s->key == key)
                        return s->value;
        return NULL;
}

int import_name_from_settings(ImportResult *r, const char *fallback) {
        const char *child = setting_value(r, SCHEMA_KEY_PARTITION_NAME),
                   *pkey = setting_value(r, SCHEMA_KEY_PARTITION_PKEY),
                   *name = setting_value(r, SCHEMA_KEY_MATCH_NAME);
        _cleanup_free_ char *s = NULL;

        if (child)
                return import_set_name(r, true, child);
        if (pkey) {
                if (asprintf(&s, "%s.%s", name ?: fallback, pkey + 2) < 0)
                        return -ENOMEM;
                return import_set_name(r, true, s);
        }
        return import_set_name(r, false, name ?: fallback);
}
