/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A chained hash map from strings (interface names) to pointers. Keys are copied. */

#include <stddef.h>

typedef struct StrMapEntry StrMapEntry;

typedef struct StrMap {
        StrMapEntry **buckets;
        size_t n_buckets, n;
} StrMap;

void strmap_done(StrMap *m);
void *strmap_get(const StrMap *m, const char *key);
int strmap_put(StrMap *m, const char *key, void *value);
void *strmap_remove(StrMap *m, const char *key);
/* Calls f for every entry (in no particular order); f must not change the map. */
void strmap_foreach(const StrMap *m, void (*f)(const char *key, void *value, void *userdata), void *userdata);
