/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <fnmatch.h>

#include "ibnet.h"
#include "schema.h"
#include "strv.h"

IbNetwork *ib_network_new(const char *path) {
        _cleanup_(ib_network_unrefp) IbNetwork *n = NULL;
        const char *slash;

        n = calloc(1, sizeof(IbNetwork));
        if (!n)
                return NULL;
        n->n_ref = 1;
        n->mode = _IB_MODE_INVALID;
        n->umcast = -1;
        n->require_active_port = -1;
        n->gateway_onlink = -1;
        n->arp_ignore = -1;
        n->arp_announce = -1;
        n->match_type = IB_LINK_TYPE_INFINIBAND;
        n->path = strdup(path);
        slash = strrchr(path, '/');
        n->name = strdup(slash ? slash + 1 : path);
        n->files = calloc(1, sizeof(char *));
        if (!n->path || !n->name || !n->files)
                return NULL;
        return TAKE_PTR(n);
}

IbNetwork *ib_network_ref(IbNetwork *n) {
        if (n)
                n->n_ref++;
        return n;
}

IbNetwork *ib_network_unref(IbNetwork *n) {
        if (!n || --n->n_ref > 0)
                return NULL;
        free(n->name);
        free(n->path);
        strv_free(n->files);
        strv_free(n->match_name);
        free(n->match_guids);
        strv_free(n->match_device);
        free(n->child_name);
        free(n->addresses);
        free(n->dns);
        strv_free(n->domains);
        free(n->gateways);
        free(n->routes);
        free(n->rules);
        FOREACH_ARRAY(t, n->templates, n->n_templates)
                free(t->value);
        free(n->templates);
        ib_network_unref(n->origin);
        return mfree(n);
}

ConfigLoc ib_network_key_loc(const IbNetwork *n, const char *section, const char *key) {
        const ConfigTableItem *it = config_table_lookup(section, key);

        if (!it)
                return (ConfigLoc) {};
        return ib_network_loc(n, config_table_index(it));
}

int ib_network_child_name(const IbNetwork *n, const char *parent, char *buf, size_t size) {
        int l;

        if (n->child_name)
                l = snprintf(buf, size, "%s", n->child_name);
        else
                l = snprintf(buf, size, "%s.%04x", parent, n->pkey);
        if (l < 0 || (size_t) l >= size || (size_t) l > IFNAME_MAX)
                return -ENAMETOOLONG;
        return 0;
}

uint32_t ib_route_metric(const IbRoute *r) {
        uint32_t def = r->family == AF_INET6 ? 1024 : 0;

        if (!r->has_metric || (r->metric == 0 && r->family == AF_INET6))
                return def;
        return r->metric;
}

const char *ib_network_literal_name(const IbNetwork *n) {
        if (strv_length(n->match_name) != 1 || strpbrk(n->match_name[0], "*?[") ||
            n->match_name[0][0] == '!')
                return NULL;
        return n->match_name[0];
}

static bool strv_equal_unordered(char **a, char **b) {
        _cleanup_strv_free_ char **x = strv_copy(a), **y = strv_copy(b);

        if ((a && !x) || (b && !y))
                return false;
        strv_sort(x);
        strv_sort(y);
        return strv_equal(x, y);
}

static int guid_cmp(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

        return x < y ? -1 : x > y;
}

static bool guids_equal_unordered(const IbNetwork *a, const IbNetwork *b) {
        _cleanup_free_ uint64_t *x = NULL, *y = NULL;
        size_t n = a->n_match_guids;

        if (n != b->n_match_guids)
                return false;
        if (n == 0)
                return true;
        x = newdup(uint64_t, a->match_guids, n);
        y = newdup(uint64_t, b->match_guids, n);
        if (!x || !y)
                return false;
        qsort(x, n, sizeof(uint64_t), guid_cmp);
        qsort(y, n, sizeof(uint64_t), guid_cmp);
        return memcmp(x, y, n * sizeof(uint64_t)) == 0;
}

bool ib_network_match_equal(const IbNetwork *a, const IbNetwork *b) {
        return strv_equal_unordered(a->match_name, b->match_name) && guids_equal_unordered(a, b) &&
                strv_equal_unordered(a->match_device, b->match_device) &&
                (a->match_port ?: IB_PORT_DEFAULT) == (b->match_port ?: IB_PORT_DEFAULT) &&
                a->match_type == b->match_type;
}

static bool is_glob(const char *s) {
        return strpbrk(s, "*?[");
}

bool ib_network_multi_port(const IbNetwork *n) {
        if (n->n_match_guids > 1 || strv_length(n->match_device) > 1)
                return true;
        return n->match_device && is_glob(n->match_device[0]);
}

/* Position of the entry that matches, or -ENOENT. */
static int guid_index(const IbNetwork *n, const IbLinkIdentity *id) {
        if (!id->has_guid)
                return -ENOENT;
        for (size_t i = 0; i < n->n_match_guids; i++)
                if (n->match_guids[i] == id->guid)
                        return (int) i;
        return -ENOENT;
}

static int device_index(const IbNetwork *n, const IbLinkIdentity *id, bool literal_only) {
        if (!id->device || (n->match_port ?: IB_PORT_DEFAULT) != id->port)
                return -ENOENT;
        for (size_t i = 0; n->match_device && n->match_device[i]; i++) {
                const char *d = n->match_device[i];

                if (is_glob(d) ? !literal_only && fnmatch(d, id->device, 0) == 0 : streq(d, id->device))
                        return (int) i;
        }
        return -ENOENT;
}

int ib_network_rail_index(const IbNetwork *n, const IbLinkIdentity *id) {
        if (n->n_match_guids > 0)
                return guid_index(n, id);
        return device_index(n, id, true);
}
bool ib_network_matches(const IbNetwork *n, const IbLinkIdentity *id) {
        if (n->match_type != id->type)
                return false;
        if (id->is_child && ib_network_matches_port(n))
                return false;
        if (n->match_name) {
                bool any = false;

                STRV_FOREACH(g, n->match_name)
                        if (fnmatch(*g, id->ifname, 0) == 0) {
                                any = true;
                                break;
                        }
                if (!any)
                        return false;
        }
        if (n->n_match_guids > 0 && guid_index(n, id) < 0)
                return false;
        if (n->match_device && device_index(n, id, false) < 0)
                return false;
        return true;
}
