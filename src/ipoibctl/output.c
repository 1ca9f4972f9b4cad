/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* What every verb's output shares: colour only on a terminal and never with $NO_COLOR
 * (https://no-color.org), glyphs only in a UTF-8 locale, one way to print JSON. */

#include <langinfo.h>
#include <stdlib.h>
#include <unistd.h>

#include "ipoibctl.h"

bool colors_enabled(void) {
        static int cached = -1;

        if (cached < 0) {
                const char *term = getenv("TERM");

                /* NO_COLOR: set to anything, even empty, as the convention says. */
                cached = !getenv("NO_COLOR") && isatty(STDOUT_FILENO) && !streq_ptr(term, "dumb");
        }
        return cached;
}

const char *ansi(const char *code) {
        return colors_enabled() ? code : "";
}

const char *link_state_color(const char *state) {
        if (streq_ptr(state, "configured"))
                return ansi(ANSI_GREEN);
        if (streq_ptr(state, "failed"))
                return ansi(ANSI_RED);
        if (streq_ptr(state, "configuring") || streq_ptr(state, "pending") || streq_ptr(state, "lingering"))
                return ansi(ANSI_YELLOW);
        return "";
}

bool is_utf8_locale(void) {
        return streq_ptr(nl_langinfo(CODESET), "UTF-8");
}

void json_print(json_object *j) {
        puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}
