/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* What every verb's output shares: colour only on a terminal and never with $NO_COLOR
 * (https://no-color.org), glyphs only in a UTF-8 locale, one way to print JSON. */

#include <langinfo.h>
#include <stdio.h>
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

int read_full_file(const char *path, char **ret) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *s = NULL;
        size_t size = 0, n;
        FILE *out;
        char buf[4096];

        f = fopen(path, "re");
        if (!f)
                return negative_errno();
        out = open_memstream(&s, &size);
        if (!out)
                return -ENOMEM;
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                fwrite(buf, 1, n, out);
        if (fclose(out) != 0)
                return -ENOMEM;
        if (ferror(f))
                return -EIO;
        *ret = TAKE_PTR(s);
        return 0;
}
