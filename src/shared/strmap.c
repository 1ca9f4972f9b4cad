/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <stdint.h>

#include "macros.h"
#include "strmap.h"

struct StrMapEntry {
        StrMapEntry *next;
        void *value;
        char key[];
};

static size_t hash(const char *s, size_t n) {
        uint32_t h = 2166136261U; /* FNV-1a */

        for (; *s; s++)
                h = (h ^ (uint8_t) *s) * 16777619U;
        return h & (n - 1);
}

void strmap_done(StrMap *m) {
        for (size_t i = 0; i < m->n_buckets; i++)
                for (StrMapEntry *e = m->buckets[i], *next; e; e = next) {
                        next = e->next;
                        free(e);
                }
        m->buckets = mfree(m->buckets);
        m->n_buckets = m->n = 0;
}

static StrMapEntry **find(const StrMap *m, const char *key) {
        StrMapEntry **p;

        if (m->n_buckets == 0)
                return NULL;
        for (p = &m->buckets[hash(key, m->n_buckets)]; *p; p = &(*p)->next)
                if (streq((*p)->key, key))
                        return p;
        return NULL;
}

void *strmap_get(const StrMap *m, const char *key) {
        StrMapEntry **p = find(m, key);
        return p ? (*p)->value : NULL;
}

static int grow(StrMap *m) {
        size_t n = MAX(m->n_buckets * 2, (size_t) 64);
        StrMapEntry **b = calloc(n, sizeof(StrMapEntry *));

        if (!b)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_buckets; i++)
                for (StrMapEntry *e = m->buckets[i], *next; e; e = next) {
                        size_t h = hash(e->key, n);

                        next = e->next;
                        e->next = b[h];
                        b[h] = e;
                }
        free(m->buckets);
        m->buckets = b;
        m->n_buckets = n;
        return 0;
}

int strmap_put(StrMap *m, const char *key, void *value) {
        StrMapEntry **p = find(m, key), *e;
        size_t h, l = strlen(key);

        if (p) {
                (*p)->value = value;
                return 0;
        }
        if (m->n >= m->n_buckets && grow(m) < 0)
                return -ENOMEM;
        e = malloc(sizeof(StrMapEntry) + l + 1);
        if (!e)
                return -ENOMEM;
        memcpy(e->key, key, l + 1);
        e->value = value;
        h = hash(key, m->n_buckets);
        e->next = m->buckets[h];
        m->buckets[h] = e;
        m->n++;
        return 0;
}

void *strmap_remove(StrMap *m, const char *key) {
        StrMapEntry **p = find(m, key), *e;
        void *v;

        if (!p)
                return NULL;
        e = *p;
        *p = e->next;
        v = e->value;
        free(e);
        m->n--;
        return v;
}

void strmap_foreach(const StrMap *m, void (*f)(const char *key, void *value, void *userdata), void *userdata) {
        for (size_t i = 0; i < m->n_buckets; i++)
                for (StrMapEntry *e = m->buckets[i]; e; e = e->next)
                        f(e->key, e->value, userdata);
}
