/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* One row per verb, exact names only (networkctl's verb table). */
typedef struct Verb {
        const char *name;
        int min_args, max_args; /* counting the verb; -1 = unlimited */
        int (*dispatch)(int argc, char *argv[]);
        const char *help; /* "[ARG…]  what it does", for --help */
} Verb;

extern const Verb ipoibctl_verbs[];
extern const size_t ipoibctl_verbs_size;

extern bool arg_json;
extern bool arg_no_legend;
extern char **arg_config_dirs; /* replaces the search path when set */

/* Verbs return 0 on success, a positive exit status for "ran, but the answer is no" (check: 1 =
 * invalid), or -errno for failures. */
int verb_check(int argc, char *argv[]);
int verb_cat(int argc, char *argv[]);
int verb_status(int argc, char *argv[]);
int verb_plan(int argc, char *argv[]);
int verb_reload(int argc, char *argv[]);
