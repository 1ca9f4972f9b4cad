/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-c/json.h>

#include "manager.h"
#include "status-print.h"

/* The view model: what Describe() returns, and what the --oneshot summary and STATUS= are printed from
 * (status-print.h). A new object (NULL on OOM). */
json_object *describe_view(Manager *m);
/* The same view with only what status_print_summary() reads of each link (no port, addresses, routes,
 * DNS): the --oneshot summary of thousands of links, built in a fraction of the time. */
json_object *describe_summary_view(Manager *m);

/* status_count() of the view, counted without building it. */
StatusCounts describe_counts(Manager *m);
/* "STATUS=…" for sd_notify(), from those counts. */
int describe_notify_status(Manager *m, char *buf, size_t size);

/* Newly allocated JSON texts (NULL on OOM): the whole view (Describe()) and the dry-run plan (Plan()). */
char *describe_json(Manager *m);
char *plan_json(Manager *m);
/* --dry-run's answer: {"links": the plan as plan_json() has it, "rejected": files with errors,
 * "view": describe_view() with each link's warning}; *ret_changes when a link has actions. */
char *dry_run_json(Manager *m, bool *ret_changes);
