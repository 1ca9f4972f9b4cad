/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>

#include "ibnet.h"
#include "owner.h"
#include "parse-util.h"
#include "safe-file.h"

static void owned_link_free(OwnedLink *l) {
        if (!l)
                return;
        free(l->addresses);
        free(l->intents);
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
        o->refused = mfree(o->refused);
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
        l->orig_mode = l->orig_umcast = l->orig_promote_secondaries = -1;
        if (strmap_put(&o->links, ifname, l) < 0) {
                free(l);
                return NULL;
        }
        return l;
}

static void owner_gc(Owner *o, OwnedLink *l) {
        if (l->n_addresses == 0 && l->n_intents == 0 && l->n_routes == 0 && !l->child && !l->child_intent &&
            l->mtu_requested == 0 && !l->has_orig)
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
        l->child_intent = l->child_lost = false;
        snprintf(l->parent, sizeof(l->parent), "%s", parent);
        l->pkey = pkey;
        o->dirty = true;
        return 0;
}

int owner_intend_child(Owner *o, const char *ifname, const char *parent, uint16_t pkey) {
        OwnedLink *l = owner_ensure(o, ifname);

        if (!l)
                return -ENOMEM;
        if (l->child)
                return 0;
        l->child_intent = true;
        l->child_lost = false;
        snprintf(l->parent, sizeof(l->parent), "%s", parent);
        l->pkey = pkey;
        o->dirty = o->intents_dirty = true;
        return 0;
}

void owner_child_dropped(Owner *o, const char *ifname) {
        OwnedLink *l = strmap_get(&o->links, ifname);

        if (!l || !l->child_intent)
                return;
        l->child_intent = l->child_lost = false;
        o->dirty = true;
        owner_gc(o, l);
}

void owner_child_lost(Owner *o, const char *ifname) {
        OwnedLink *l = strmap_get(&o->links, ifname);

        if (l && l->child_intent)
                l->child_lost = true;
}

static OwnedIntent *intent_find(OwnedLink *l, const KAddress *a) {
        FOREACH_ARRAY(x, l->intents, l->n_intents)
                if (kaddress_equal(&x->address, a))
                        return x;
        return NULL;
}

int owner_intend_address(Owner *o, const char *ifname, const KAddress *a) {
        OwnedLink *l = owner_ensure(o, ifname);
        OwnedIntent *x;

        if (!l)
                return -ENOMEM;
        x = intent_find(l, a);
        if (x) {
                x->lost = false;
                return 0;
        }
        if (!GREEDY_REALLOC(l->intents, l->allocated_intents, l->n_intents + 1))
                return -ENOMEM;
        l->intents[l->n_intents++] = (OwnedIntent) { .address = *a };
        l->intents[l->n_intents - 1].address.ifindex = 0;
        o->dirty = o->intents_dirty = true;
        return 0;
}

static void intent_drop(Owner *o, OwnedLink *l, const KAddress *a) {
        OwnedIntent *x = intent_find(l, a);

        if (!x)
                return;
        *x = l->intents[--l->n_intents];
        o->dirty = true;
}

void owner_address_answer(Owner *o, const char *ifname, const KAddress *a, bool record) {
        OwnedLink *l;

        if (record && owner_add_address(o, ifname, a) < 0)
                return; /* OOM: the intent stays, and a restart settles it */
        l = strmap_get(&o->links, ifname);
        if (!l)
                return;
        intent_drop(o, l, a);
        owner_gc(o, l);
}

void owner_address_lost(Owner *o, const char *ifname, const KAddress *a) {
        OwnedLink *l = strmap_get(&o->links, ifname);
        OwnedIntent *x = l ? intent_find(l, a) : NULL;

        if (x)
                x->lost = true;
}

int owner_set_orig(Owner *o, const char *ifname, uint32_t mtu, int mode, bool up, int umcast,
                   int promote_secondaries) {
        OwnedLink *l = strmap_get(&o->links, ifname);

        if (l && l->has_orig)
                return 0;
        if (!l && !(l = owner_ensure(o, ifname)))
                return -ENOMEM;
        l->has_orig = true;
        l->orig_mtu = mtu;
        l->orig_mode = mode;
        l->orig_up = up;
        l->orig_umcast = umcast;
        l->orig_promote_secondaries = promote_secondaries;
        o->dirty = o->intents_dirty = true;
        return 0;
}

void owner_clear_orig(Owner *o, const char *ifname) {
        OwnedLink *l = strmap_get(&o->links, ifname);

        if (!l || !l->has_orig)
                return;
        l->has_orig = false;
        o->dirty = true;
        owner_gc(o, l);
}

typedef struct SettleCtx {
        const OwnerProbe *probe;
        void *userdata;
        OwnedLink **seen; /* every link, for owner_gc() after the walk (which must not change the map) */
        size_t n_seen;
} SettleCtx;

static void settle_one(const char *key, void *value, void *userdata) {
        SettleCtx *c = userdata;
        OwnedLink *l = value;
        size_t k = 0;

        c->seen[c->n_seen++] = l;
        if (l->child_intent && l->child_lost) {
                l->child = c->probe->child(c->userdata, l->ifname, l->parent, l->pkey);
                l->child_intent = l->child_lost = false;
        }
        FOREACH_ARRAY(x, l->intents, l->n_intents) {
                bool recorded = false;

                if (!x->lost) {
                        l->intents[k++] = *x;
                        continue;
                }
                if (!c->probe->address(c->userdata, l->ifname, &x->address))
                        continue;
                /* Already a line of its own when it was asked for again (after drift, say). */
                FOREACH_ARRAY(y, l->addresses, l->n_addresses)
                        recorded = recorded || kaddress_equal(y, &x->address);
                if (recorded)
                        continue;
                if (!GREEDY_REALLOC(l->addresses, l->allocated_addresses, l->n_addresses + 1))
                        l->intents[k++] = *x; /* OOM: settled next time */
                else
                        l->addresses[l->n_addresses++] = x->address;
        }
        l->n_intents = k;
}

void owner_settle(Owner *o, const OwnerProbe *probe, void *userdata) {
        _cleanup_free_ OwnedLink **seen = calloc(o->links.n + 1, sizeof(OwnedLink *));
        SettleCtx c = { .probe = probe, .userdata = userdata, .seen = seen };

        if (!seen)
                return; /* settled at the next dump */
        strmap_foreach(&o->links, settle_one, &c);
        o->dirty = true;
        for (size_t i = 0; i < c.n_seen; i++)
                owner_gc(o, c.seen[i]);
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

void owner_request_gone_link(Owner *o, const Action *a, int error) {
        const ActionOps *ops = action_ops(a->type);

        if (error == 0 && ops && ops->gone)
                ops->gone(o, a);
        /* An object asked for on a link that is gone went with it. */
        if (a->type == ACTION_ADDRESS_ADD)
                owner_address_answer(o, a->ifname, &a->address, false);
        else if (a->type == ACTION_CHILD_CREATE)
                owner_child_dropped(o, a->child.name);
}

static int parse_address(const char *s, KAddress *ret) {
        KAddress k = { .scope = RT_SCOPE_UNIVERSE };
        int r;

        r = in_addr_prefix_from_string_auto(s, false, &k.family, &k.addr, &k.prefixlen);
        if (r < 0)
                return r;
        *ret = k;
        return 0;
}

static int parse_route(char *const *t, KRoute *ret) {
        KRoute k = { .type = RTN_UNICAST, .protocol = RTPROT_STATIC };
        int r;

        if (safe_atou32(t[2], &k.metric) < 0 || safe_atou32(t[3], &k.table) < 0)
                return -EINVAL;
        r = in_addr_prefix_from_string_auto(t[0], false, &k.family, &k.dst, &k.dst_len);
        if (r < 0)
                return r;
        if (!streq(t[1], "-")) {
                int family;

                r = in_addr_from_string_auto(t[1], &family, &k.gw);
                if (r < 0 || family != k.family)
                        return -EINVAL;
                k.has_gw = true;
        }
        k.scope = k.has_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
        *ret = k;
        return 0;
}

static int parse_child(char *const *t, char *parent, uint16_t *ret_pkey) {
        uint32_t pkey;

        if (strlen(t[0]) > IFNAME_MAX || safe_atou32_base(t[1], &pkey) < 0 || pkey > 0xffff)
                return -EINVAL;
        snprintf(parent, IFNAMSIZ, "%s", t[0]);
        *ret_pkey = (uint16_t) pkey;
        return 0;
}

/* orig IFNAME MTU datagram|connected|- up|down */
static int parse_orig(Owner *o, const char *ifname, char *const *t) {
        uint32_t mtu;
        int mode;

        if (safe_atou32(t[0], &mtu) < 0 || mtu == 0 || (!streq(t[2], "up") && !streq(t[2], "down")))
                return -EINVAL;
        mode = streq(t[1], "datagram") ? IPOIB_MODE_DATAGRAM : streq(t[1], "connected") ? IPOIB_MODE_CONNECTED : -1;
        if (mode < 0 && !streq(t[1], "-"))
                return -EINVAL;
        return owner_set_orig(o, ifname, mtu, mode, streq(t[2], "up"), -1, -1);
}

static int parse_flag(const char *s, int *ret) {
        if (streq(s, "-"))
                *ret = -1;
        else if (streq(s, "0") || streq(s, "1"))
                *ret = s[0] == '1';
        else
                return -EINVAL;
        return 0;
}

/* orig-flags IFNAME UMCAST PROMOTE_SECONDARIES (0|1|-), after the link's orig line. A line of its
 * own, so that an older version, which skips it, still reads the orig line. */
static int parse_orig_flags(Owner *o, const char *ifname, char *const *t) {
        OwnedLink *l = strmap_get(&o->links, ifname);
        int umcast, promote;

        if (!l || !l->has_orig || parse_flag(t[0], &umcast) < 0 || parse_flag(t[1], &promote) < 0)
                return -EINVAL;
        l->orig_umcast = umcast;
        l->orig_promote_secondaries = promote;
        return 0;
}

/* Record lines (intents are read back as lost, settled after the first dump):
 *   address IFNAME ADDRESS/PREFIXLEN              an address the kernel does not mark
 *   intent-address IFNAME ADDRESS/PREFIXLEN       … asked for, no answer yet
 *   route IFNAME DST/LEN GATEWAY|- METRIC TABLE   from an older version (routes are marked now)
 *   child IFNAME PARENT PKEY                      a P_Key child the agent created
 *   intent-child IFNAME PARENT PKEY               … asked for, no answer yet
 *   mtu IFNAME REQUESTED EFFECTIVE
 *   orig IFNAME MTU MODE UP                       the link before the agent first changed it
 *   orig-flags IFNAME UMCAST PROMOTE_SECONDARIES  … more of it (0, 1 or - for unknown) */
static int parse_line(Owner *o, char *line) {
        char type[16], ifname[IFNAMSIZ + 1], a[4][64];
        char *const t[4] = { a[0], a[1], a[2], a[3] };
        uint16_t pkey;
        KAddress ka;
        KRoute kr;
        int n, r;

        n = sscanf(line, "%15s %16s %63s %63s %63s %63s", type, ifname, a[0], a[1], a[2], a[3]) - 2;
        if (n < 1 || strlen(ifname) > IFNAME_MAX)
                return -EINVAL;
        if ((streq(type, "address") || streq(type, "intent-address")) && n == 1) {
                r = parse_address(t[0], &ka);
                if (r < 0)
                        return r;
                if (streq(type, "address"))
                        return owner_add_address(o, ifname, &ka);
                r = owner_intend_address(o, ifname, &ka);
                owner_address_lost(o, ifname, &ka);
                return r;
        }
        if (streq(type, "route") && n == 4) {
                r = parse_route(t, &kr);
                return r < 0 ? r : owner_add_route(o, ifname, &kr);
        }
        if (streq(type, "mtu") && n == 2) {
                uint32_t req, eff;

                if (safe_atou32(t[0], &req) < 0 || safe_atou32(t[1], &eff) < 0 || req == 0)
                        return -EINVAL;
                return owner_set_mtu(o, ifname, req, eff);
        }
        if ((streq(type, "child") || streq(type, "intent-child")) && n == 2) {
                char parent[IFNAMSIZ];

                r = parse_child(t, parent, &pkey);
                if (r < 0)
                        return r;
                if (streq(type, "child"))
                        return owner_set_child(o, ifname, parent, pkey);
                r = owner_intend_child(o, ifname, parent, pkey);
                owner_child_lost(o, ifname);
                return r;
        }
        if (streq(type, "orig") && n == 3)
                return parse_orig(o, ifname, t);
        if (streq(type, "orig-flags") && n == 2)
                return parse_orig_flags(o, ifname, t);
        return -EINVAL;
}

/* The record is believed only if the agent could have written it: a regular file (a FIFO would block
 * the read), not a symbolic link, owned by root or the agent's user and writable by no one else, in a
 * directory with the same properties. Otherwise whoever wrote it could make the agent delete what it
 * names. Returns the open file, NULL with *ret 0 when there is none, or -errno (o->refused says why). */
static int owner_open(Owner *o, const char *path, FILE **ret) {
        char why[SAFE_FILE_WHY_MAX];
        int fd;

        *ret = NULL;
        fd = safe_file_open(path, SAFE_FILE_NOFOLLOW | SAFE_FILE_TRUST | SAFE_FILE_TRUST_DIR, OWNER_RECORD_SIZE_MAX,
                            why);
        if (fd == -ENOENT)
                return 0;
        if (fd < 0) {
                o->refused = strdup(why[0] ? why : strerror(-fd));
                return o->refused ? fd : -ENOMEM;
        }
        *ret = fdopen(fd, "re");
        if (!*ret) {
                close(fd);
                return -ENOMEM;
        }
        return 0;
}

int owner_load(Owner *o, const char *path, unsigned *ret_bad_lines) {
        _cleanup_fclose_ FILE *f = NULL;
        unsigned bad = 0;
        char line[256];
        int r;

        if (ret_bad_lines)
                *ret_bad_lines = 0;
        o->path = strdup(path);
        if (!o->path)
                return -ENOMEM;
        r = owner_open(o, path, &f);
        if (r < 0 || !f)
                return r;
        while (fgets(line, sizeof(line), f)) {
                if (line[0] == '#' || line[0] == '\n')
                        continue;
                r = parse_line(o, line);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        bad++;
        }
        o->dirty = o->intents_dirty = false;
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

        if (l->child || l->child_intent)
                fprintf(c->f, "%s %s %s 0x%04x\n", l->child ? "child" : "intent-child", l->ifname, l->parent,
                        l->pkey);
        if (l->mtu_requested > 0)
                fprintf(c->f, "mtu %s %u %u\n", l->ifname, l->mtu_requested, l->mtu_effective);
        if (l->has_orig)
                fprintf(c->f, "orig %s %u %s %s\n", l->ifname, l->orig_mtu,
                        l->orig_mode == IPOIB_MODE_DATAGRAM    ? "datagram"
                        : l->orig_mode == IPOIB_MODE_CONNECTED ? "connected"
                                                               : "-",
                        l->orig_up ? "up" : "down");
        if (l->has_orig && (l->orig_umcast >= 0 || l->orig_promote_secondaries >= 0))
                fprintf(c->f, "orig-flags %s %s %s\n", l->ifname,
                        l->orig_umcast < 0 ? "-" : l->orig_umcast ? "1" : "0",
                        l->orig_promote_secondaries < 0 ? "-" : l->orig_promote_secondaries ? "1" : "0");
        FOREACH_ARRAY(x, l->addresses, l->n_addresses)
                fprintf(c->f, "address %s %s\n", l->ifname, kaddress_to_string(x, a, sizeof(a)));
        FOREACH_ARRAY(x, l->intents, l->n_intents)
                fprintf(c->f, "intent-address %s %s\n", l->ifname, kaddress_to_string(&x->address, a, sizeof(a)));
        FOREACH_ARRAY(x, l->routes, l->n_routes) {
                (void) in_addr_prefix_to_string(x->family, &x->dst, x->dst_len, a, sizeof(a));
                if (x->has_gw)
                        (void) in_addr_to_string(x->family, &x->gw, g, sizeof(g));
                fprintf(c->f, "route %s %s %s %u %u\n", l->ifname, a, x->has_gw ? g : "-", x->metric, x->table);
        }
}

static int owner_write(Owner *o, bool sync) {
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
        r = write_file_atomic(o->path, text, sync);
        if (r < 0)
                return r;
        o->dirty = o->intents_dirty = false;
        o->n_saves++;
        return 0;
}

int owner_save(Owner *o) {
        return owner_write(o, true);
}

int owner_save_on_stop(Owner *o) {
        /* No fsync(): on a busy disk it took up to seconds, and a stop must not wait for the disk. */
        return owner_write(o, false);
}

int owner_flush_intents(Owner *o) {
        if (!o->intents_dirty)
                return 0;
        o->dirty = true;
        return owner_save(o);
}
