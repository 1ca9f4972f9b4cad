/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Which [Partition] file defines a P_Key child of a given name. A scan of every file for every child
 * is files × children (10^7 name builds and glob matches for 4 ports × 1000 children), so the
 * candidates come from an index by the name a file gives its child: Name= itself, or for the usual
 * PARENT.PPPP the P_Key, since the parent's name is known only at lookup. The answer is the scan's:
 * the candidates are tried in file order against the parent. */

#include <net/if.h>
#include <stdio.h>

#include "ibnet-load.h"

typedef struct IbConfigBucket {
        size_t *idx; /* entry indexes, ascending */
        size_t n, allocated;
} IbConfigBucket;

static void bucket_free(const char *key, void *value, void *userdata) {
        IbConfigBucket *b = value;

        free(b->idx);
        free(b);
}

void ib_config_children_done(IbConfig *c) {
        strmap_foreach(&c->children, bucket_free, NULL);
        strmap_done(&c->children);
        c->children_indexed = false;
}

static int bucket_add(StrMap *m, const char *key, size_t i) {
        IbConfigBucket *b = strmap_get(m, key);

        if (!b) {
                b = calloc(1, sizeof(IbConfigBucket));
                if (!b)
                        return -ENOMEM;
                if (strmap_put(m, key, b) < 0) {
                        free(b);
                        return -ENOMEM;
                }
        }
        if (!GREEDY_REALLOC(b->idx, b->allocated, b->n + 1))
                return -ENOMEM;
        b->idx[b->n++] = i;
        return 0;
}

static void pkey_key(uint16_t pkey, char key[static 8]) {
        snprintf(key, 8, ".%04x", pkey);
}

int ib_config_index_children(IbConfig *c) {
        int r;

        ib_config_children_done(c);
        for (size_t i = 0; i < c->n; i++) {
                const IbNetwork *n = c->entries[i].network;
                _cleanup_free_ char *named = NULL;
                char key[8];

                if (!n || !ib_network_is_child(n))
                        continue;
                if (n->child_name) {
                        if (asprintf(&named, "=%s", n->child_name) < 0)
                                return -ENOMEM;
                        r = bucket_add(&c->children, named, i);
                } else {
                        pkey_key(n->pkey, key);
                        r = bucket_add(&c->children, key, i);
                }
                if (r < 0) {
                        ib_config_children_done(c);
                        return r;
                }
        }
        c->children_indexed = true;
        return 0;
}

static bool child_is(const IbNetwork *n, const IbLinkIdentity *pid, const char *parent_ifname,
                     const char *ifname) {
        char name[IFNAMSIZ];

        return n && ib_network_is_child(n) && ib_network_matches(n, pid) &&
                ib_network_child_name(n, parent_ifname, name, sizeof(name)) >= 0 && streq(name, ifname);
}

/* ".PPPP" when ifname is PARENT.PPPP with 4 lowercase hex digits, as ib_network_child_name() writes. */
static bool pkey_key_of(const char *parent_ifname, const char *ifname, char key[static 8]) {
        size_t l = strlen(parent_ifname);

        if (strncmp(ifname, parent_ifname, l) != 0 || ifname[l] != '.' || strlen(ifname + l + 1) != 4 ||
            strspn(ifname + l + 1, "0123456789abcdef") != 4)
                return false;
        snprintf(key, 8, ".%s", ifname + l + 1);
        return true;
}

IbNetwork *ib_config_find_child(const IbConfig *c, const IbLinkIdentity *pid, const char *parent_ifname,
                                const char *ifname) {
        _cleanup_free_ char *named = NULL;
        const IbConfigBucket *a = NULL, *b = NULL;
        size_t i = 0, j = 0;
        char key[8];

        if (!c->children_indexed) {
                FOREACH_ARRAY(e, c->entries, c->n)
                        if (child_is(e->network, pid, parent_ifname, ifname))
                                return e->network;
                return NULL;
        }
        if (asprintf(&named, "=%s", ifname) >= 0)
                a = strmap_get(&c->children, named);
        else
                return NULL;
        if (pkey_key_of(parent_ifname, ifname, key))
                b = strmap_get(&c->children, key);
        /* Both lists ascending: merged, the first that fits is the first in file order. */
        while ((a && i < a->n) || (b && j < b->n)) {
                size_t k;

                if (a && i < a->n && (!b || j >= b->n || a->idx[i] < b->idx[j]))
                        k = a->idx[i++];
                else
                        k = b->idx[j++];
                if (child_is(c->entries[k].network, pid, parent_ifname, ifname))
                        return c->entries[k].network;
        }
        return NULL;
}
