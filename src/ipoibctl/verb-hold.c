/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* ipoibctl down LINK… / up LINK…: an administrative hold (SetLinkHeld() of org.ipoib.Agent1(5)). The
 * agent takes the link down and does not bring it up again until "up"; the rest of its configuration
 * stays managed. The hold survives a restart of the agent, not a reboot. */

#include <stdio.h>
#include <string.h>

#include "agent-bus.h"
#include "bus-names.h"
#include "ipoibctl.h"
#include "macros.h"

static int set_held(int argc, char *argv[], bool down) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r, ret = 0;

        r = agent_open(&bus);
        if (r < 0)
                return 1;
        for (int i = 1; i < argc; i++) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

                r = sd_bus_call_method(bus, AGENT_BUS_NAME, AGENT_BUS_PATH, AGENT_BUS_INTERFACE, "SetLinkHeld",
                                       &error, NULL, "sb", argv[i], (int) down);
                if (r < 0) {
                        fprintf(stderr, "ipoibctl: %s %s: %s\n", down ? "down" : "up", argv[i],
                                error.message ?: strerror(-r));
                        ret = 1;
                }
        }
        return ret;
}

int verb_down(int argc, char *argv[]) {
        return set_held(argc, argv, true);
}

int verb_up(int argc, char *argv[]) {
        return set_held(argc, argv, false);
}
