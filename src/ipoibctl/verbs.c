/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The verb table and the options the verbs read, apart from main() so that test/suite-docs.c can
 * link them and hold ipoibctl(1) to the table. */

#include "ipoibctl.h"
#include "macros.h"

bool arg_json = false;
bool arg_no_legend = false;

const Verb ipoibctl_verbs[] = {
        { "list", 1, -1, verb_list, "[LINK…]  list links, one line each (the default command)" },
        { "status", 1, -1, verb_status, "[LINK…]  show links as the agent sees them, and why" },
        { "plan", 1, -1, verb_plan, "[LINK…]    show what the agent would change now" },
        { "reload", 1, 1, verb_reload, "           make the agent read its files again" },
        { "down", 2, -1, verb_down, "LINK…      hold links down until \"up\" (maintenance)" },
        { "up", 2, -1, verb_up, "LINK…        release the hold of \"down\"" },
        { "wait-online", 1, -1, verb_wait_online, "[LINK…]  wait until the links are configured" },
        { "check", 1, -1, verb_check, "[PATH…]   validate configuration files" },
        { "add", 2, 2, verb_add, "NAME [OPTION…]  write NAME.ibnet from the options below" },
        { "edit", 2, 2, verb_edit, "NAME  edit NAME.ibnet or a drop-in in $EDITOR, validated" },
        { "delete", 2, -1, verb_delete, "NAME…  remove NAME.ibnet (--drop-ins: and its drop-ins)" },
        { "cat", 1, -1, verb_cat, "[NAME|LINK…]  show configuration files with their drop-ins" },
        { "import", 2, -1, verb_import, "FILE…  convert NetworkManager and ifcfg files to .ibnet" },
};
const size_t ipoibctl_verbs_size = ELEMENTSOF(ipoibctl_verbs);
