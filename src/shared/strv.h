/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* NULL-terminated string vectors, as in systemd's strv.h. */

#include <stdbool.h>
#include <stddef.h>

#include "macros.h"

char **strv_free(char **l);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);
#define _cleanup_strv_free_ _cleanup_(strv_freep)

size_t strv_length(char *const *l) _pure_;
int strv_extend(char ***l, const char *value);
int strv_consume(char ***l, char *value);
bool strv_contains(char *const *l, const char *s) _pure_;
/* Removes (and frees) every entry equal to s, in place. */
void strv_remove(char **l, const char *s);
char **strv_copy(char *const *l);
bool strv_equal(char *const *a, char *const *b) _pure_;
/* Splits at runs of whitespace; empty words are dropped. */
int strv_split_ws(const char *s, char ***ret);
char *strv_join(char *const *l, const char *sep);
void strv_sort(char **l);

#define STRV_FOREACH(s, l) for (char *const *s = (l); s && *s; s++)
