/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Routing policy: [RoutingPolicyRule] sections, [Route] Table= and [Network] SourceRouting= (ibnet(5),
 * "SOURCE ROUTING"), as values the planner turns into kernel rules and routes, and their checks.
 *
 * SourceRouting=BASE gives each port the table T = BASE + its offset (ib_network_source_table()),
 * holds there the prefix route of each of its addresses and its Gateway= routes (which then leave the
 * main table), and adds for each address the rule "from ADDRESS lookup T priority T". */

#include "diag.h"
#include "ibnet.h"

/* The table of this port for SourceRouting=: the base plus the port's offset, which is its rail index
 * (%i), else its device number (%n), in a file for several ports; 0 in a file for one port. -ENODATA
 * without SourceRouting=, -ENXIO when a file for several ports gives the port neither. */
int ib_network_source_table(const IbNetwork *n, uint32_t *ret);

/* The table a route of the file goes to: its Table=, else for a Gateway= route the port's
 * SourceRouting= table, else main. */
uint32_t ib_route_table(const IbNetwork *n, const IbRoute *r, bool is_gateway) _pure_;

/* Every rule the network wants, complete ones only (a [RoutingPolicyRule] without Table= or Priority= is
 * an error of validation): its [RoutingPolicyRule] sections, then SourceRouting='s, one per address. */
int ib_network_rules(const IbNetwork *n, IbRule **ret, size_t *ret_n);

/* "from 10.0.0.1 lookup 100 priority 100" (as ip rule writes it, without "from all") */
char *ib_rule_to_string(const IbRule *r, char *buf, size_t size);

/* The checks of a file's (or a port's instance's) rules and SourceRouting=: complete sections, usable
 * tables, no rule twice. */
void ib_network_validate_policy(IbNetwork *n, DiagList *diags);
