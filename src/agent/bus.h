/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "bus-names.h"
#include "manager.h"

/* The interface AGENT_BUS_INTERFACE at AGENT_BUS_PATH; exported for test/suite-docs.c, which holds
 * org.ipoib.Agent1(5) to it. */
extern const sd_bus_vtable manager_vtable[];

/* Connects to the system bus and offers org.ipoib.Agent1 (org.ipoib.Agent1(5)). Without a bus the
 * agent goes on without its control API: a warning, not an error. */
int manager_bus_start(Manager *m);

/* Serves the same interface peer to peer on RUNTIME-DIR/control (mode 0600; root, or the agent's own
 * user, only). Without it the agent goes on: a warning, not an error. */
int manager_control_start(Manager *m);
