/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "manager.h"

/* Answers msg (PlanFiles()) with --dry-run's JSON for the files on disk, as a reload would read them,
 * worked out in a forked copy of the agent; returns 1 (the answer follows) or -errno. */
int manager_plan_files(Manager *m, sd_bus_message *msg);
