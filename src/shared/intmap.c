/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "intmap.h"
#include "macros.h"

static size_t slot_of(const IntMap *m, int key) {
        /* Fibonacci hashing; n_slots is a power of two. */
        return (size_t) (((unsigned) key * 2654435769U)) & (m->n_slots - 1);
}

void intmap_done(IntMap *m) {
        m->slots = mfree(m->slots);
        m->n_slots = m->n_used = m->n_deleted = 0;
}

static struct IntMapSlot *find(const IntMap *m, int key) {
        if (m->n_slots == 0)
                return NULL;
        for (size_t i = slot_of(m, key), n = 0; n < m->n_slots; i = (i + 1) & (m->n_slots - 1), n++) {
                struct IntMapSlot *s = &m->slots[i];

                if (s->used == 0)
                        return NULL;
                if (s->used == 1 && s->key == key)
                        return s;
        }
        return NULL;
}

void *intmap_get(const IntMap *m, int key) {
        struct IntMapSlot *s = find(m, key);
        return s ? s->value : NULL;
}

static int resize(IntMap *m, size_t n_slots) {
        IntMap n = { .slots = calloc(n_slots, sizeof(struct IntMapSlot)), .n_slots = n_slots };

        if (!n.slots)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_slots; i++)
                if (m->slots[i].used == 1) {
                        size_t j = slot_of(&n, m->slots[i].key);

                        while (n.slots[j].used)
                                j = (j + 1) & (n.n_slots - 1);
                        n.slots[j] = m->slots[i];
                        n.n_used++;
                }
        free(m->slots);
        *m = n;
        return 0;
}

int intmap_put(IntMap *m, int key, void *value) {
        struct IntMapSlot *s = find(m, key);
        size_t i;

        if (s) {
                s->value = value;
                return 0;
        }
        if ((m->n_used + m->n_deleted + 1) * 4 > m->n_slots * 3) {
                int r = resize(m, MAX(m->n_slots * (m->n_used * 2 >= m->n_slots ? 2 : 1), (size_t) 16));
                if (r < 0)
                        return r;
        }
        for (i = slot_of(m, key); m->slots[i].used == 1; i = (i + 1) & (m->n_slots - 1))
                ;
        if (m->slots[i].used == -1)
                m->n_deleted--;
        m->slots[i] = (struct IntMapSlot) { .key = key, .used = 1, .value = value };
        m->n_used++;
        return 0;
}

void *intmap_remove(IntMap *m, int key) {
        struct IntMapSlot *s = find(m, key);
        void *v;

        if (!s)
                return NULL;
        v = s->value;
        s->used = -1;
        s->value = NULL;
        m->n_used--;
        m->n_deleted++;
        return v;
}

int intmap_iterate(const IntMap *m, size_t *i, int *ret_key, void **ret_value) {
        for (; *i < m->n_slots; (*i)++)
                if (m->slots[*i].used == 1) {
                        if (ret_key)
                                *ret_key = m->slots[*i].key;
                        if (ret_value)
                                *ret_value = m->slots[*i].value;
                        (*i)++;
                        return 1;
                }
        return 0;
}
