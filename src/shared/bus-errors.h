/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* errno → D-Bus error name, the one mapping of the control API (the ERRORS section of
 * org.ipoib.Agent1(5), which test/suite-docs.c compares with this table). Plain data, so that
 * src/shared needs no sd-bus. */

#include <stddef.h>

#include "bus-names.h"

typedef struct BusErrorMapping {
        int errnum;              /* positive errno */
        const char *errno_name;  /* "EPERM", as the man page writes it */
        const char *name;        /* D-Bus error name */
} BusErrorMapping;

extern const BusErrorMapping bus_error_table[];
extern const size_t bus_error_table_size;

/* The error name for -errno (or errno) r; AGENT_BUS_ERROR_FAILED for any errno the table lacks. */
const char *bus_error_name_from_errno(int r);
