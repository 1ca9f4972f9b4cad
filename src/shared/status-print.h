/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The agent's view as text. The view is the JSON document of Describe() (org.ipoib.Agent1(5)); the
 * agent builds it once and renders its --oneshot summary and STATUS= from it, ipoibctl renders
 * "status" from the copy it gets over the bus, and --json prints that same document. No logging, no
 * agent headers: ipoibctl links this too. */

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "macros.h"

/* Lookups that tolerate a missing key or another type (NULL, "" or 0 then). */
static inline json_object *json_get(json_object *o, const char *key) {
        json_object *v;

        return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static inline const char *json_get_str(json_object *o, const char *key) {
        json_object *v = json_get(o, key);

        return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static inline size_t json_array_len(json_object *a) {
        return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static inline void json_object_putp(json_object **j) {
        if (*j)
                json_object_put(*j);
}

typedef struct StatusCounts {
        size_t matched;    /* links a file configures, plus the P_Key children files want that are missing */
        size_t configured; /* … of them configured */
        size_t failed;     /* … of them failed */
} StatusCounts;

StatusCounts status_count(json_object *view);

/* The links the agent has business with: a file configures it, its files want children, or it is
 * lingering (what the agent created on it is being removed). */
bool status_link_is_managed(json_object *link);

typedef enum StatusPrintFlags {
        STATUS_PRINT_COLOR = 1 << 0, /* the bullet and the state in the state's colour (ANSI) */
} StatusPrintFlags;

/* One link in full (ipoibctl status): "● NAME (IFINDEX)" and one "Label: value" line per fact. */
void status_print_link(FILE *f, json_object *link);
void status_print_link_ext(FILE *f, json_object *link, StatusPrintFlags flags);

/* The files that configure nothing, one "PATH: why" line each; returns how many. */
size_t status_print_unmatched(FILE *f, json_object *view);

/* The agent's "warnings" (a runtime directory it cannot write, a record it does not trust), one
 * "Warning: ..." line each; returns how many. */
size_t status_print_warnings(FILE *f, json_object *view);

/* ipoibctl status without names: the managed links in full, then the files that configure nothing. */
void status_print_overview(FILE *f, json_object *view);
void status_print_overview_ext(FILE *f, json_object *view, StatusPrintFlags flags);

/* The --oneshot summary: one "NAME STATE FILE[: why]" line per managed link, per missing P_Key child
 * and per file that configures nothing, then "N links matched, N configured, N changes sent". Returns
 * 0 when every matched link is configured, else 1 (the agent's exit status). */
int status_print_summary(FILE *f, json_object *view);

/* STATUS= for sd_notify(): "N links matched: N configured, N failed". */
int status_format_notify(json_object *view, char *buf, size_t size);
/* The same from counts the caller made without a view (the agent, at every idle moment). */
int status_format_counts(const StatusCounts *c, char *buf, size_t size);
/* Appends "; N files rejected: a.ibnet, b.ibnet" to the STATUS= line in buf (the file names while they
 * fit, else the count alone); nothing for n == 0. -ENOBUFS when not even the count fits. */
int status_append_rejected(char *buf, size_t size, const char *const *paths, size_t n);
