/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A link against the configuration: which file configures it (matching, P_Key children, the
 * port behind it) and its reconcile step (plan input, plan, queue, state and warnings). The
 * manager calls these from its event handlers. */

#include "manager.h"
#include "plan.h"

Link *link_parent(Manager *m, const Link *l);
/* Which file configures the link, its shadowed files, its P_Key children, its port. */
void link_rematch(Manager *m, Link *l);
void link_update_port(Manager *m, Link *l);
/* The port's state may have changed (carrier moved): re-read it, re-plan if it did. */
void link_port_event(Manager *m, Link *l);
/* The plan for the link as things stand, without sending anything (also for "ipoibctl plan").
 * ret_in, if not NULL, receives the plan's input (its children and owned pointers are not valid after). */
int link_plan(Manager *m, Link *l, ActionList *plan, const char **ret_blocked, PlanInput *ret_in);
/* The link's warning from a plan's input (link_reconcile() calls it; so does --dry-run). */
void link_update_warning(Link *l, const PlanInput *in);
/* The link carries an address or route with the agent's mark (ipoib-proto.h): it is the agent's to
 * clean up even without a file or a record. */
bool link_has_marked(const Link *l);
/* Plans the link and queues the plan; sets its state. */
int link_reconcile(Manager *m, Link *l);
