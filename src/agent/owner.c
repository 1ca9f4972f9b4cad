/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <linux/rtnetlink.h>
#include <stdio.h>

#include "ibnet.h"
#include "owner.h"
#include "parse-util.h"

static void owned_link_free(OwnedLink *l) {
        if (!l)
                return;
        free(l->addresses);
        free(l->routes);
        free(l);
}

static void free_one(const char *key, void *value, void *userdata) {
        owned_link_free(value);
}

void owner_done(Owner *o) {
        strmap_foreach(&o->links, free_one, NULL);
        strmap_done(&o->links);
        o->path = mfree(o->path);
}

const OwnedLink *owner_get(const Owner *o, const char *ifname) {
        return strmap_get(&o->links, ifname);
}

static OwnedLink *owner_ensure(Owner *o, const char *ifname) {
        OwnedLink *l = strmap_get(&o->links, ifname);

        if (l)
                return l;
        l = calloc(1, sizeof(OwnedLink));
        if (!l)
                return NULL;
        snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
        if (strmap_put(&o->links, ifname, l) < 0) {
                free(l);
                return NULL;
        }
        return l;
}

static void owner_gc(Owner *o, OwnedLink *l) {
        if (l->n_addresses == 0 && l->n_routes == 0 && !l->child && l->mtu_requested == 0)
                owned_link_free(strmap_remove(&o->links, l->ifname));
}

int owner_add_address(Owner *o, const char *ifname, const KAddress *a) {
        OwnedLink *l = owner_ensure(o, ifname);
        KAddress k = *a;

        if (!l)
                return -ENOMEM;
        k.ifindex = 0;
        FOREACH_ARRAY(x, l->addresses, l->n_addresses)
                if (kaddress_equal(x, &k))
                        return 0;
        if (!GREEDY_REALLOC(l->addresses, l->allocated_addresses, l->n_addresses + 1))
                return -ENOMEM;
        l->addresses[l->n_addresses++] = k;
        o->dirty = true;
        return 0;
}

void owner_remove_address(Owner *o, const char *ifname, const KAddress *a) {
        OwnedLink *l = strmap_get(&o->links, ifname);

        if (!l)
                return;
        for (size_t i = 0; i < l->n_addresses; i++)
                if (kaddress_equal(&l->addresses[i], a)) {
                        l->addresses[i] = l->addresses[--l->n_addresses];
                        o->dirty = true;
                        break;
                }
        owner_gc(o, l);
}

static bool route_same(const KRoute *a, const KRoute *b) {
        KRoute x = *a, y = *b;

        x.ifindex = y.ifindex = 0;
        return kroute_equal(&x, &y);
}

int owner_add_route(Owner *o, const char *ifname, const KRoute *r) {
        OwnedLink *l = owner_ensure(o, ifname);
        KRoute k = *r;

        if (!l)
                return -ENOMEM;
        k.ifindex = 0;
        FOREACH_ARRAY(x, l->routes, l->n_routes)
                if (route_same(x, &k))
                        return 0;
        if (!GREEDY_REALLOC(l->routes, l->allocated_routes, l->n_routes + 1))
                return -ENOMEM;
        l->routes[l->n_routes++] = k;
        o->dirty = true;
        return 0;
}

void owner_remove_route(Owner *o, const char *ifname, const KRoute *r) {
        OwnedLink *l = strmap_get(&o->links, ifname);

        if (!l)
                return;
        for (size_t i = 0; i < l->n_routes; i++)
                if (route_same(&l->routes[i], r)) {
                        l->routes[i] = l->routes[--l->n_routes];
                        o->dirty = true;
                        break;
                }
        owner_gc(o, l);
}

int owner_set_child(Owner *o, const char *ifname, const char *parent, uint16_t pkey) {
        OwnedLink *l = owner_ensure(o, ifname);

        if (!l)
                return -ENOMEM;
        l->child = true;
        snprintf(l->parent, sizeof(l->parent), "%s", parent);
        l->pkey = pkey;
        o->dirty = true;
        return 0;
}

int owner_set_mtu(Owner *o, const char *ifname, uint32_t requested, uint32_t effective) {
        OwnedLink *l = strmap_get(&o->links, ifname);

        if (!l && requested == 0)
                return 0;
        if (!l && !(l = owner_ensure(o, ifname)))
                return -ENOMEM;
        if (l->mtu_requested == requested && l->mtu_effective == effective)
                return 0;
        l->mtu_requested = requested;
        l->mtu_effective = requested > 0 ? effective : 0;
        o->dirty = true;
        owner_gc(o, l);
        return 0;
}

void owner_forget(Owner *o, const char *ifname) {
        OwnedLink *l = strmap_remove(&o->links, ifname);

        if (l) {
                owned_link_free(l);
                o->dirty = true;
        }
}

void owner_rename(Owner *o, const char *old_name, const char *new_name) {
        OwnedLink *l = strmap_remove(&o->links, old_name);

        if (!l)
                return;
        owner_forget(o, new_name); /* a stale record under the new name is history */
        snprintf(l->ifname, sizeof(l->ifname), "%s", new_name);
        if (strmap_put(&o->links, new_name, l) < 0) {
                owned_link_free(l);
                return;
        }
        o->dirty = true;
}

void owner_request_gone_link(Owner *o, const Action *a) {
        const ActionOps *ops = action_ops(a->type);

        if (ops && ops->gone)
                ops->gone(o, a);
}

/* Record lines:
 *   address IFNAME ADDRESS/PREFIXLEN
 *   route IFNAME DST/LEN GATEWAY|- METRIC TABLE
 *   child IFNAME PARENT PKEY
 *   mtu IFNAME REQUESTED EFFECTIVE */
static int parse_line(Owner *o, char *line) {
        char type[16], ifname[IFNAMSIZ + 1], a1[64], a2[64];
        unsigned metric, table;
        int n, r;

        n = sscanf(line, "%15s %16s %63s %63s %u %u", type, ifname, a1, a2, &metric, &table);
        if (n < 3 || strlen(ifname) > IFNAME_MAX)
                return -EINVAL;
        if (streq(type, "address") && n == 3) {
                KAddress k = { .scope = RT_SCOPE_UNIVERSE };

                r = in_addr_prefix_from_string_auto(a1, false, &k.family, &k.addr, &k.prefixlen);
                if (r < 0)
                        return r;
                return owner_add_address(o, ifname, &k);
        }
        if (streq(type, "route") && n == 6) {
                KRoute k = { .metric = metric, .table = table, .type = RTN_UNICAST, .protocol = RTPROT_STATIC };

                r = in_addr_prefix_from_string_auto(a1, false, &k.family, &k.dst, &k.dst_len);
                if (r < 0)
                        return r;
                if (!streq(a2, "-")) {
                        int family;

                        r = in_addr_from_string_auto(a2, &family, &k.gw);
                        if (r < 0 || family != k.family)
                                return -EINVAL;
                        k.has_gw = true;
                }
                k.scope = k.has_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
                return owner_add_route(o, ifname, &k);
        }
        if (streq(type, "mtu") && n == 4) {
                uint32_t req, eff;

                if (safe_atou32(a1, &req) < 0 || safe_atou32(a2, &eff) < 0 || req == 0)
                        return -EINVAL;
                return owner_set_mtu(o, ifname, req, eff);
        }
        if (streq(type, "child") && n == 4) {
                uint32_t pkey;

                if (strlen(a1) > IFNAME_MAX || safe_atou32_base(a2, &pkey) < 0 || pkey > 0xffff)
                        return -EINVAL;
                return owner_set_child(o, ifname, a1, (uint16_t) pkey);
        }
        return -EINVAL;
}

int owner_load(Owner *o, const char *path, unsigned *ret_bad_lines) {
        _cleanup_fclose_ FILE *f = NULL;
        unsigned bad = 0;
        char line[256];
        int r;

        o->path = strdup(path);
        if (!o->path)
                return -ENOMEM;
        f = fopen(path, "re");
        if (!f) {
                if (ret_bad_lines)
                        *ret_bad_lines = 0;
                return errno == ENOENT ? 0 : negative_errno();
        }
        while (fgets(line, sizeof(line), f)) {
                if (line[0] == '#' || line[0] == '\n')
                        continue;
                r = parse_line(o, line);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        bad++;
        }
        o->dirty = false;
        if (ret_bad_lines)
                *ret_bad_lines = bad;
        return 0;
}

typedef struct SaveCtx {
        FILE *f;
} SaveCtx;

static void save_one(const char *key, void *value, void *userdata) {
        SaveCtx *c = userdata;
        OwnedLink *l = value;
        char a[IN_ADDR_PREFIX_STRLEN], g[INET6_ADDRSTRLEN];

        if (l->child)
                fprintf(c->f, "child %s %s 0x%04x\n", l->ifname, l->parent, l->pkey);
        if (l->mtu_requested > 0)
                fprintf(c->f, "mtu %s %u %u\n", l->ifname, l->mtu_requested, l->mtu_effective);
        FOREACH_ARRAY(x, l->addresses, l->n_addresses)
                fprintf(c->f, "address %s %s\n", l->ifname, kaddress_to_string(x, a, sizeof(a)));
        FOREACH_ARRAY(x, l->routes, l->n_routes) {
                (void) in_addr_prefix_to_string(x->family, &x->dst, x->dst_len, a, sizeof(a));
                if (x->has_gw)
                        (void) in_addr_to_string(x->family, &x->gw, g, sizeof(g));
                fprintf(c->f, "route %s %s %s %u %u\n", l->ifname, a, x->has_gw ? g : "-", x->metric, x->table);
        }
}

int owner_save(Owner *o) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        SaveCtx c = {};
        int r;

        if (!o->dirty || !o->path)
                return 0;
        c.f = open_memstream(&text, &size);
        if (!c.f)
                return -ENOMEM;
        fprintf(c.f, "# ipoib-agent: objects the agent created; it removes only these\n");
        strmap_foreach(&o->links, save_one, &c);
        if (fclose(c.f) != 0)
                return -ENOMEM;
        r = write_file_atomic(o->path, text, true);
        if (r < 0)
                return r;
        o->dirty = false;
        return 0;
}
