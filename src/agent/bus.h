/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "manager.h"

#define AGENT_BUS_NAME "org.ipoib.Agent1"
#define AGENT_BUS_PATH "/org/ipoib/Agent1"
#define AGENT_BUS_INTERFACE "org.ipoib.Agent1.Manager"

/* Connects to the system bus and offers org.ipoib.Agent1 (org.ipoib.Agent1(5)). Without a bus the
 * agent goes on without its control API: a warning, not an error. */
int manager_bus_start(Manager *m);
