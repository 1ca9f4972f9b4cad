/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The simulated fabric's resolver: the DNS sink of the sim. Its interface indexes mean nothing to a
 * real systemd-resolved, so what resolved would have is written to STATE_DIR/resolved instead, in
 * the shape of `resolvectl status`, links in ifindex order. */

#include "dns.h"

/* state_dir: the sim's view directory (backend_sim_new()'s), created by the backend. */
int dns_sink_sim_new(const char *state_dir, DnsSink **ret);
