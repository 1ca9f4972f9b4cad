/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Which files may match a link, by its name. manager_match() used to try every file on every link:
 * links × files glob matches, 10^8 fnmatch() calls for 10,000 links with a file each. Files whose
 * Name= are literal names are indexed under each name; the others (globs, no Name= at all) are tried
 * on every link. A lookup merges the two ascending lists, so the candidates come in file order and
 * the caller still applies ib_network_matches() to each: the answer is the scan's. */

#include "ibnet-load.h"
#include "strv.h"

typedef struct IbNameBucket {
        size_t *idx; /* entry indexes, ascending */
        size_t n, allocated;
} IbNameBucket;

static void bucket_free(const char *key, void *value, void *userdata) {
        IbNameBucket *b = value;

        free(b->idx);
        free(b);
}

void ib_config_names_done(IbConfig *c) {
        strmap_foreach(&c->names, bucket_free, NULL);
        strmap_done(&c->names);
        c->unnamed = mfree(c->unnamed);
        c->n_unnamed = 0;
        c->names_indexed = false;
}

static bool push(size_t **idx, size_t *n, size_t *allocated, size_t i) {
        if (*n > 0 && (*idx)[*n - 1] == i)
                return true; /* the same name twice in one Name= */
        if (!GREEDY_REALLOC(*idx, *allocated, *n + 1))
                return false;
        (*idx)[(*n)++] = i;
        return true;
}

static int bucket_add(StrMap *m, const char *key, size_t i) {
        IbNameBucket *b = strmap_get(m, key);

        if (!b) {
                b = calloc(1, sizeof(IbNameBucket));
                if (!b)
                        return -ENOMEM;
                if (strmap_put(m, key, b) < 0) {
                        free(b);
                        return -ENOMEM;
                }
        }
        return push(&b->idx, &b->n, &b->allocated, i) ? 0 : -ENOMEM;
}

/* fnmatch() without FNM_NOESCAPE treats '\\' as special too. */
static bool literal(const char *g) {
        return !strpbrk(g, "*?[\\");
}

static bool all_literal(char **names) {
        if (!names || !names[0])
                return false;
        STRV_FOREACH(g, names)
                if (!literal(*g))
                        return false;
        return true;
}

int ib_config_index_names(IbConfig *c) {
        size_t allocated = 0;
        int r = 0;

        ib_config_names_done(c);
        for (size_t i = 0; i < c->n && r >= 0; i++) {
                const IbNetwork *n = c->entries[i].network;

                if (!n || ib_network_is_child(n))
                        continue; /* manager_match() skips them; children come from the child index */
                if (!all_literal(n->match_name)) {
                        if (!push(&c->unnamed, &c->n_unnamed, &allocated, i))
                                r = -ENOMEM;
                        continue;
                }
                STRV_FOREACH(g, n->match_name)
                        if ((r = bucket_add(&c->names, *g, i)) < 0)
                                break;
        }
        if (r < 0) {
                ib_config_names_done(c);
                return r;
        }
        c->names_indexed = true;
        return 0;
}

void ib_config_candidates_init(const IbConfig *c, const char *ifname, IbConfigCandidates *ret) {
        const IbNameBucket *b;

        if (!c->names_indexed) {
                *ret = (IbConfigCandidates) { .all = true, .n_all = c->n };
                return;
        }
        b = strmap_get(&c->names, ifname);
        *ret = (IbConfigCandidates) {
                .a = b ? b->idx : NULL,
                .n_a = b ? b->n : 0,
                .b = c->unnamed,
                .n_b = c->n_unnamed,
        };
}

bool ib_config_candidates_next(IbConfigCandidates *it, size_t *ret) {
        if (it->all) {
                if (it->i >= it->n_all)
                        return false;
                *ret = it->i++;
                return true;
        }
        if (it->i < it->n_a && (it->j >= it->n_b || it->a[it->i] < it->b[it->j]))
                *ret = it->a[it->i++];
        else if (it->j < it->n_b)
                *ret = it->b[it->j++];
        else
                return false;
        return true;
}
