/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What a user of the simulated fabric's machine would see: `ip address show` and /sys/class/net. */

#include "sim-model.h"

/* The text of `ip address show` for every link, as iproute2 prints it; newly allocated, NULL on OOM. */
char *sim_view_ip_address(const SimModel *m);
/* Writes STATE_DIR/ip-address and STATE_DIR/sys/class/net/IF/ATTR (only the attributes the kernel has
 * for that device), each file replaced atomically; removes the directories of links that are gone. */
int sim_view_write(const SimModel *m, const char *state_dir);
