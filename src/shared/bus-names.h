/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The names of the control API, org.ipoib.Agent1(5), in one place: the agent offers them and
 * ipoibctl calls them, so neither can drift from the other. The bus policy in units/ and the man
 * page spell them out too; test/suite-docs.c holds the man page to them. */

#define AGENT_BUS_NAME "org.ipoib.Agent1"
#define AGENT_BUS_PATH "/org/ipoib/Agent1"
#define AGENT_BUS_INTERFACE AGENT_BUS_NAME ".Manager"

/* Our own error names; the standard ones we use come from sd-bus (SD_BUS_ERROR_*). */
#define AGENT_BUS_ERROR_FAILED AGENT_BUS_NAME ".Error.Failed"
/* Reload() read files with errors: the message lists them, "path:line: error: what". */
#define AGENT_BUS_ERROR_INVALID_CONFIG AGENT_BUS_NAME ".Error.InvalidConfig"
