/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "macros.h"

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
extern char *arg_simulate;     /* plan/check against this simulated fabric (JSON) */
extern bool arg_running;       /* plan: the running configuration, as the agent has it */
extern bool arg_offline;       /* check: the files only, not what this host (or --simulate) has */
extern bool arg_dry_run;       /* import: print, do not write */
extern char *arg_output_dir;   /* import: where to write, NULL = /etc/ipoib.d */

/* The search path: the --config-dir directories, else the default one. */
char *const *config_dirs(void);
/* An error in diags for each --config-dir that is not a directory; returns how many. */
struct DiagList;
int check_config_dirs(struct DiagList *diags);

/* output.c: colour only on a terminal and never with $NO_COLOR; "" when off. */
#define ANSI_RED "\x1B[0;31m"
#define ANSI_GREEN "\x1B[0;32m"
#define ANSI_YELLOW "\x1B[0;33m"
#define ANSI_HIGHLIGHT "\x1B[0;1;39m"
#define ANSI_NORMAL "\x1B[0m"
bool colors_enabled(void);
const char *ansi(const char *code);
const char *link_state_color(const char *state);
bool is_utf8_locale(void);
void json_print(json_object *j);
/* The whole file as a string, or -errno. */
int read_full_file(const char *path, char **ret);

/* verb-agent.c: the JSON answer of a method of the agent that takes no argument (Describe, Plan);
 * says why on stderr when it fails. */
int agent_json(const char *method, json_object **ret);
/* "ipoibctl: no link NAME" for each name or glob in argv[1..] that matches no link of the view;
 * returns 1 if there was one, else 0. */
int names_check(json_object *view, int argc, char *argv[]);
/* Keeps in view's "links" array only the links named (or matched by a glob) in argv[1..]. */
void links_keep(json_object *view, int argc, char *argv[]);

/* Verbs return 0 on success, a positive exit status for "ran, but the answer is no" (check: 1 =
 * invalid), or -errno for failures. */
/* verb-plan.c: ipoib-agent --dry-run with the search path (--config-dir) against this host's kernel or
 * the --simulate fabric; its JSON in *ret and its exit status (0 nothing to change, 2 changes, 1 files
 * with errors), or -errno. Its stderr (file:line errors, warnings) goes to ours unless quiet. */
int agent_dry_run(json_object **ret, bool quiet);
/* The agent binary: $IPOIB_AGENT, else the installed one. */
const char *agent_path(void);

int verb_check(int argc, char *argv[]);
int verb_cat(int argc, char *argv[]);
int verb_status(int argc, char *argv[]);
int verb_plan(int argc, char *argv[]);
int verb_down(int argc, char *argv[]);
int verb_up(int argc, char *argv[]);
int verb_reload(int argc, char *argv[]);
/* wait-online's options (verb-wait.c): 0 = no timeout. */
extern uint64_t arg_timeout_usec;
extern bool arg_any;
int verb_wait_online(int argc, char *argv[]);
int verb_list(int argc, char *argv[]);
int verb_import(int argc, char *argv[]);
int verb_add(int argc, char *argv[]);
int verb_edit(int argc, char *argv[]);
int verb_delete(int argc, char *argv[]);

/* verb-edit.c's options (add, edit, delete), which ipoibctl.c merges into its getopt table. */
extern const struct option edit_options[]; /* ends with an all-zero entry */
/* 1 when c is one of them (stored), 0 when not, -errno for a bad value (said why). */
int edit_parse_option(int c, const char *arg);
/* -EINVAL, saying why, when an option of add, edit or delete was given to another verb. */
int edit_options_check(const char *verb);
void edit_options_free(void);
