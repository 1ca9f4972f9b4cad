/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>

#include "bus-errors.h"
#include "macros.h"

#define ENTRY(e, n) { e, #e, n }

/* Only errors a client can act on get a name of their own; everything else is Failed with a
 * message. sd-bus's own errno mapping (sd_bus_error_set_errno()) is not used: it turns every errno it
 * has no standard name for into its own System.Error.E* name, so the API's errors would be whatever
 * errno a kernel or library call happened to return, and could not be documented. */
const BusErrorMapping bus_error_table[] = {
        ENTRY(EPERM, "org.freedesktop.DBus.Error.AccessDenied"),
        ENTRY(EACCES, "org.freedesktop.DBus.Error.AccessDenied"),
        ENTRY(ENOMEM, "org.freedesktop.DBus.Error.NoMemory"),
        ENTRY(EINVAL, AGENT_BUS_ERROR_INVALID_CONFIG),
};
const size_t bus_error_table_size = ELEMENTSOF(bus_error_table);

const char *bus_error_name_from_errno(int r) {
        int e = r < 0 ? -r : r;

        FOREACH_ARRAY(m, bus_error_table, bus_error_table_size)
                if (m->errnum == e)
                        return m->name;
        return AGENT_BUS_ERROR_FAILED;
}
