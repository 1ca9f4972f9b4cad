/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A small open-addressing hash map from int keys (ifindex) to pointers. O(1) lookups keep the
 * agent linear in the number of links. */

#include <stddef.h>

typedef struct IntMap {
        struct IntMapSlot {
                int key;
                int used; /* 0 free, 1 used, -1 deleted */
                void *value;
        } *slots;
        size_t n_slots, n_used, n_deleted;
} IntMap;

void intmap_done(IntMap *m);
void *intmap_get(const IntMap *m, int key);
/* Replaces an existing value. -ENOMEM on failure. */
int intmap_put(IntMap *m, int key, void *value);
void *intmap_remove(IntMap *m, int key);
static inline size_t intmap_size(const IntMap *m) {
        return m->n_used;
}

/* Iteration: for (size_t i = 0; intmap_iterate(m, &i, &k, &v); ) { … }. Removing the current entry is allowed. */
int intmap_iterate(const IntMap *m, size_t *i, int *ret_key, void **ret_value);
