/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Administrative holds (ipoibctl down/up): a link held down is taken down once and never brought up
 * by the agent until the hold is released; the rest of its configuration stays managed. A hold is an
 * empty file RUNTIME-DIR/holds/IFNAME: it survives a restart of the agent, not a reboot. */

#include <stdbool.h>

#include "manager.h"

/* Reads RUNTIME-DIR/holds (a missing directory: no holds). */
int manager_load_holds(Manager *m);
bool manager_link_held(Manager *m, const char *ifname);
/* Sets (down) or releases a hold on the link named ifname: the file first, then the link is taken
 * down (set) or planned again (released). -ENODEV when there is no such link. */
int manager_set_hold(Manager *m, const char *ifname, bool down);
