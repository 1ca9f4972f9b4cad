/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Routing policy rules: the kernel's are one list for all links (struct fib_rules_ops), so the manager
 * keeps them, not a link. A link's plan adds the rules its file wants (plan.c); what no file of a present
 * link wants any more, and the kernel marks as the agent's (FRA_PROTOCOL = RTPROT_IPOIB), is removed here.
 * A rule someone else added is never touched, whatever it says. */

#include "action.h"
#include "plan.h"

struct Manager;
struct Link;

/* The cache, from RTM_NEWRULE/RTM_DELRULE and replies. Returns whether it changed. */
bool manager_rule_update(struct Manager *m, const KRule *r, bool removed);
/* The agent's rules no link's file wants: one ACTION_RULE_DEL each, appended to out. */
int manager_rule_removals(struct Manager *m, ActionList *out);
/* Queues manager_rule_removals() unless removals are in flight (they are answered first). */
void manager_reconcile_rules(struct Manager *m);
/* The file of the link asks for rules (it is re-planned when rules change). */
bool link_wants_rules(const struct Link *l) _pure_;

/* ActionOps of ACTION_RULE_ADD/DEL (action.c). */
void format_rule(const Action *a, char *buf, size_t size);
int link_rule_add_done(struct Link *l, const Action *a, int error, const char **extack);
int link_rule_del_done(struct Link *l, const Action *a, int error, const char **extack);

/* The name in logs and plans of what removes rules: no link does. */
#define RULES_PSEUDO_LINK "(rules)"
