/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* How ipoibctl reaches the agent, in one place: the system bus when org.ipoib.Agent1 is on it, else the
 * control socket RUNTIME-DIR/control (peer to peer, root only). With --runtime-dir or
 * $IPOIB_RUNTIME_DIR the socket of that directory is tried first. */

#include <systemd/sd-bus.h>

extern char *arg_runtime_dir; /* --runtime-dir; NULL: $IPOIB_RUNTIME_DIR, else RUNTIME_DIR */

/* A connection to the agent, or a negative errno after saying why on stderr. */
int agent_open(sd_bus **ret);
/* The same, silent (wait-online asks again and again while the agent starts). */
int agent_open_quiet(sd_bus **ret);
/* method() with no arguments on bus; on failure returns the negative errno after saying why on stderr
 * (prefixed "ipoibctl: "), except that with ret_error an error the agent sent that is not one of the
 * generic ones (agent gone, access denied) is moved there unsaid, for the caller to say. */
int agent_call_on(sd_bus *bus, const char *method, sd_bus_message **ret_reply, sd_bus_error *ret_error);
/* agent_open() and agent_call_on() in one. */
int agent_call(const char *method, sd_bus_message **ret_reply);
