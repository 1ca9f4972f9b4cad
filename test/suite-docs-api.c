/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The other tables of the code against their documentation, both ways (nothing undocumented, nothing
 * documented that does not exist):
 * - ipoibctl's verb table: man/ipoibctl.1.scd has each verb once in SYNOPSIS and once under COMMANDS,
 *   with the arguments the table allows, and no other;
 * - the D-Bus vtable: man/org.ipoib.Agent1.5.scd's interface block lists exactly its methods (with
 *   argument types and names), signals and properties, and METHODS/SIGNALS/PROPERTIES define each
 *   once and nothing else;
 * - the errno → D-Bus error table: the ERRORS section names the same pairs;
 * - the bus policy in units/ lets everyone call exactly the methods the vtable marks unprivileged;
 * - docs/kernel-ipoib.md: every "§N" in the code is one of its sections, and no comment cites a file
 *   outside the repository. */

#include <check.h>
#include <dirent.h>
#include <sys/stat.h>

#include "bus-errors.h"
#include "bus.h"
#include "docs-test.h"
#include "ipoibctl.h"
#include "strv.h"

/* A man page as lines, each with the "# HEADING" it is under ("" before the first). */
typedef struct ManLines {
        char **lines;
        char **headings;
} ManLines;

static void man_lines_done(ManLines *m) {
        m->lines = strv_free(m->lines);
        m->headings = strv_free(m->headings);
}

static void man_lines_read(const char *path, ManLines *ret) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        _cleanup_free_ char *buf = NULL, *heading = strdup("");
        size_t size = 0;

        ck_assert_msg(f, "%s: %s", path, strerror(errno));
        *ret = (ManLines) {};
        while (getline(&buf, &size, f) >= 0) {
                buf[strcspn(buf, "\n")] = 0;
                if (startswith(buf, "# ")) {
                        free(heading);
                        heading = strdup(buf + 2);
                }
                ck_assert_ptr_nonnull(heading);
                ck_assert_int_eq(strv_extend(&ret->lines, buf), 0);
                ck_assert_int_eq(strv_extend(&ret->headings, heading), 0);
        }
        ck_assert_uint_gt(strv_length(ret->lines), 0);
}

/* "*word*" at the start of s: the word into buf and the rest (after blanks) into *ret_rest. */
static bool bold_word(const char *s, char *buf, size_t size, const char **ret_rest) {
        const char *e;

        if (s[0] != '*' || !(e = strchr(s + 1, '*')) || e == s + 1 || (size_t) (e - s - 1) >= size)
                return false;
        memcpy(buf, s + 1, e - s - 1);
        buf[e - s - 1] = 0;
        e++;
        while (*e == ' ')
                e++;
        if (ret_rest)
                *ret_rest = e;
        return true;
}

static const Verb *verb_find(const char *name) {
        FOREACH_ARRAY(v, ipoibctl_verbs, ipoibctl_verbs_size)
                if (streq(v->name, name))
                        return v;
        return NULL;
}

/* The arguments a verb takes, as its man page writes them, from the "ARGS  what it does" of its --help
 * text: each upper-case word W becomes "_W_" and "…" (or "...") becomes "...", so that "[LINK…]" is
 * "[_LINK_...]" and "NAME [OPTION…]" is "_NAME_ [_OPTION_...]". No arguments: "". */
static char *verb_man_args(const Verb *v) {
        const char *h = v->help, *end = strstr(h, "  ");
        char *s, *o;

        if (h[0] == ' ' || !end)
                return strdup("");
        o = s = malloc((end - h) * 3 + 1);
        ck_assert_ptr_nonnull(s);
        while (h < end) {
                if (startswith(h, "…") || startswith(h, "...")) {
                        o = stpcpy(o, "...");
                        h += startswith(h, "…") ? strlen("…") : 3;
                } else if (h[0] >= 'A' && h[0] <= 'Z') {
                        *o++ = '_';
                        while (h < end && ((h[0] >= 'A' && h[0] <= 'Z') || h[0] == '_'))
                                *o++ = *h++;
                        *o++ = '_';
                } else
                        *o++ = *h++;
        }
        *o = 0;
        if (v->max_args == 1)
                ck_assert_msg(isempty(s), "verb %s takes no arguments, its help says \"%s\"", v->name, s);
        return s;
}

#define MAN_IPOIBCTL TEST_SRCDIR "/man/ipoibctl.1.scd"
#define MAN_AGENT_BUS TEST_SRCDIR "/man/org.ipoib.Agent1.5.scd"

/* Every verb once in SYNOPSIS and once under COMMANDS, with the arguments the table allows; no verb
 * in either that the table lacks. */
START_TEST(test_ipoibctl_man_matches_verbs) {
        _cleanup_(problems_done) Problems p = {};
        _cleanup_(man_lines_done) ManLines m = {};
        unsigned synopsis[64] = {}, commands[64] = {};

        ck_assert_uint_le(ipoibctl_verbs_size, ELEMENTSOF(synopsis));
        man_lines_read(MAN_IPOIBCTL, &m);
        for (size_t i = 0; m.lines[i]; i++) {
                const char *s = m.lines[i], *rest;
                bool in_synopsis = streq(m.headings[i], "SYNOPSIS");
                char word[64];
                const Verb *v;

                if (in_synopsis) {
                        s = startswith(s, "*ipoibctl* [_OPTIONS_...] ");
                        if (!s)
                                continue;
                } else if (!streq(m.headings[i], "COMMANDS"))
                        continue;
                if (!bold_word(s, word, sizeof(word), &rest))
                        continue;
                v = verb_find(word);
                if (!v) {
                        problem(&p, "%s:%zu: %s documents the verb \"%s\", which ipoibctl lacks (src/ipoibctl/verbs.c)",
                                MAN_IPOIBCTL, i + 1, m.headings[i], word);
                        continue;
                }
                (in_synopsis ? synopsis : commands)[v - ipoibctl_verbs]++;
                _cleanup_free_ char *args = verb_man_args(v);
                if (!streq(rest, args))
                        problem(&p, "%s:%zu: \"%s\" takes \"%s\" by the verb table, the man page says \"%s\"",
                                MAN_IPOIBCTL, i + 1, word, args, rest);
        }
        FOREACH_ARRAY(v, ipoibctl_verbs, ipoibctl_verbs_size) {
                size_t i = v - ipoibctl_verbs;

                if (synopsis[i] != 1)
                        problem(&p, "%s: SYNOPSIS has the verb \"%s\" %u times, not once", MAN_IPOIBCTL, v->name,
                                synopsis[i]);
                if (commands[i] != 1)
                        problem(&p, "%s: COMMANDS defines \"%s\" %u times, not once", MAN_IPOIBCTL, v->name,
                                commands[i]);
        }
        assert_no_problems(&p);
}
END_TEST

/* The length of the first complete type of a D-Bus signature. */
static size_t signature_type_len(const char *s) {
        int depth = 0;
        size_t l = 0;

        do {
                while (s[l] == 'a')
                        l++;
                if (s[l] == '(' || s[l] == '{')
                        depth++;
                else if (s[l] == ')' || s[l] == '}')
                        depth--;
                ck_assert_msg(s[l], "bad signature \"%s\"", s);
                l++;
        } while (depth > 0);
        return l;
}

/* "dir sig name, dir sig name" for the arguments of a signature and the NUL-separated names. */
static void append_args(FILE *out, const char *dir, const char *sig, const char **names, bool *first) {
        while (*sig) {
                size_t l = signature_type_len(sig);

                fprintf(out, "%s%s%s%.*s %s", *first ? "" : ", ", strempty(dir), dir ? " " : "", (int) l, sig,
                        **names ? *names : "arg");
                if (**names)
                        *names += strlen(*names) + 1;
                sig += l;
                *first = false;
        }
}

/* One line per member, as the man page's interface block writes it (busctl introspect's style). */
static char *vtable_member_line(const sd_bus_vtable *v) {
        _cleanup_free_ char *s = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&s, &size);
        const char *names;
        bool first = true;

        ck_assert_ptr_nonnull(out);
        switch (v->type) {
        case _SD_BUS_VTABLE_METHOD:
                names = strempty(v->x.method.names);
                fprintf(out, "%s(", v->x.method.member);
                append_args(out, "in", v->x.method.signature, &names, &first);
                append_args(out, "out", v->x.method.result, &names, &first);
                fprintf(out, ");");
                break;
        case _SD_BUS_VTABLE_SIGNAL:
                names = strempty(v->x.signal.names);
                fprintf(out, "%s(", v->x.signal.member);
                append_args(out, NULL, v->x.signal.signature, &names, &first);
                fprintf(out, ");");
                break;
        case _SD_BUS_VTABLE_PROPERTY:
        case _SD_BUS_VTABLE_WRITABLE_PROPERTY:
                fprintf(out, "%s %s %s;", v->type == _SD_BUS_VTABLE_PROPERTY ? "readonly" : "readwrite",
                        v->x.property.signature, v->x.property.member);
                break;
        }
        ck_assert_int_eq(fclose(out), 0);
        return TAKE_PTR(s);
}

static const char *vtable_member_name(const sd_bus_vtable *v) {
        return v->type == _SD_BUS_VTABLE_METHOD   ? v->x.method.member
               : v->type == _SD_BUS_VTABLE_SIGNAL ? v->x.signal.member
                                                  : v->x.property.member;
}

/* The man page section that documents a member, and how its definition line starts. */
static const char *vtable_member_section(const sd_bus_vtable *v) {
        return v->type == _SD_BUS_VTABLE_METHOD ? "METHODS" : v->type == _SD_BUS_VTABLE_SIGNAL ? "SIGNALS" : "PROPERTIES";
}

static char *member_definition(const char *section, const char *name) {
        char *s;

        ck_assert_int_ge(asprintf(&s, "*%s%s*", name, streq(section, "METHODS") ? "()" : ""), 0);
        return s;
}

#define FOREACH_VTABLE_MEMBER(v)                                                                             \
        for (const sd_bus_vtable *v = manager_vtable + 1; v->type != _SD_BUS_VTABLE_END; v++)

/* The interface block of the INTRODUCTION, joined into one line per member. */
static void man_interface_block(Problems *p, const ManLines *m, char ***ret_members) {
        _cleanup_free_ char *node = NULL, *iface = NULL, *pending = NULL;
        bool fence = false;

        ck_assert_int_ge(asprintf(&node, "node %s {", AGENT_BUS_PATH), 0);
        ck_assert_int_ge(asprintf(&iface, "interface %s {", AGENT_BUS_INTERFACE), 0);
        for (size_t i = 0; m->lines[i]; i++) {
                char *s = strip(m->lines[i]);

                if (startswith(s, "```")) {
                        if (fence)
                                break;
                        fence = streq(m->headings[i], "INTRODUCTION");
                        continue;
                }
                if (!fence || !*s || endswith(s, ":") || streq(s, "};"))
                        continue;
                if (startswith(s, "node ") || startswith(s, "interface ")) {
                        if (!streq(s, node) && !streq(s, iface))
                                problem(p, "%s:%zu: \"%s\", but the agent has \"%s\" and \"%s\"", MAN_AGENT_BUS, i + 1,
                                        s, node, iface);
                        continue;
                }
                if (pending) {
                        char *j = NULL;

                        ck_assert_int_ge(asprintf(&j, "%s %s", pending, s), 0);
                        free(pending);
                        pending = j;
                } else
                        pending = strdup(s);
                if (endswith(pending, ";"))
                        ck_assert_int_eq(strv_consume(ret_members, TAKE_PTR(pending)), 0);
        }
        ck_assert_msg(!pending, "%s: unterminated member \"%s\"", MAN_AGENT_BUS, pending);
}

/* The interface block lists exactly the vtable's members with their arguments, and METHODS,
 * PROPERTIES and SIGNALS define each once, and nothing else. */
START_TEST(test_agent_man_matches_vtable) {
        _cleanup_(problems_done) Problems p = {};
        _cleanup_(man_lines_done) ManLines m = {};
        _cleanup_strv_free_ char **block = NULL, **expected = NULL;
        size_t n = 0;

        man_lines_read(MAN_AGENT_BUS, &m);
        man_interface_block(&p, &m, &block);
        ck_assert_int_eq(manager_vtable[0].type, _SD_BUS_VTABLE_START);
        FOREACH_VTABLE_MEMBER(v) {
                _cleanup_free_ char *def = member_definition(vtable_member_section(v), vtable_member_name(v));
                unsigned defined = 0;

                ck_assert_int_eq(strv_consume(&expected, vtable_member_line(v)), 0);
                if (!strv_contains(block, expected[n]))
                        problem(&p, "%s: the interface block lacks \"%s\"", MAN_AGENT_BUS, expected[n]);
                n++;
                for (size_t i = 0; m.lines[i]; i++)
                        if (streq(m.headings[i], vtable_member_section(v)) && streq(m.lines[i], def))
                                defined++;
                if (defined != 1)
                        problem(&p, "%s: %s defines %s %u times, not once", MAN_AGENT_BUS, vtable_member_section(v),
                                def, defined);
        }
        ck_assert_uint_ge(n, 6);
        STRV_FOREACH(b, block)
                if (!strv_contains(expected, *b))
                        problem(&p, "%s: the interface block has \"%s\", which the vtable (src/agent/bus.c) lacks",
                                MAN_AGENT_BUS, *b);
        /* Definitions of members the vtable lacks. */
        for (size_t i = 0; m.lines[i]; i++) {
                const char *h = m.headings[i];
                char word[64];
                bool found = false;

                if ((!streq(h, "METHODS") && !streq(h, "PROPERTIES") && !streq(h, "SIGNALS")) ||
                    !bold_word(m.lines[i], word, sizeof(word), NULL))
                        continue;
                FOREACH_VTABLE_MEMBER(v) {
                        _cleanup_free_ char *def = member_definition(h, vtable_member_name(v));

                        found = found || (streq(vtable_member_section(v), h) && streq(m.lines[i], def));
                }
                if (!found)
                        problem(&p, "%s:%zu: %s defines \"%s\", which the vtable (src/agent/bus.c) lacks",
                                MAN_AGENT_BUS, i + 1, h, m.lines[i]);
        }
        assert_no_problems(&p);
}
END_TEST

/* The value of attr="…" inside the element [s, e), or NULL. */
static char *xml_attr(const char *s, const char *e, const char *attr) {
        _cleanup_free_ char *key = NULL;
        const char *v, *q;

        ck_assert_int_ge(asprintf(&key, " %s=\"", attr), 0);
        v = strstr(s, key);
        if (!v || v >= e)
                return NULL;
        v += strlen(key);
        q = strchr(v, '"');
        ck_assert_ptr_nonnull(q);
        return strndup(v, q - v);
}

#define BUS_POLICY TEST_SRCDIR "/units/" AGENT_BUS_NAME ".conf"

/* The bus policy names the service the agent owns, and lets everyone call exactly the methods the
 * vtable marks SD_BUS_VTABLE_UNPRIVILEGED (org.ipoib.Agent1(5), SECURITY). */
START_TEST(test_bus_policy_matches_vtable) {
        _cleanup_(problems_done) Problems p = {};
        _cleanup_strv_free_ char **allowed = NULL;
        _cleanup_fclose_ FILE *f = fopen(BUS_POLICY, "re");
        _cleanup_free_ char *text = NULL;
        const char *def;
        size_t size = 0;

        ck_assert_msg(f, "%s: %s", BUS_POLICY, strerror(errno));
        ck_assert_int_ge(getdelim(&text, &size, 0, f), 0);
        for (char *c = text; *c; c++)
                if (isspace((unsigned char) *c))
                        *c = ' ';
        def = strstr(text, "<policy context=\"default\">");
        ck_assert_ptr_nonnull(def);
        for (const char *s = strstr(text, "<allow "); s; s = strstr(s + 1, "<allow ")) {
                const char *e = strstr(s, "/>");
                _cleanup_free_ char *dest = NULL, *own = NULL, *iface = NULL, *member = NULL;

                ck_assert_ptr_nonnull(e);
                dest = xml_attr(s, e, "send_destination");
                own = xml_attr(s, e, "own");
                if ((dest && !streq(dest, AGENT_BUS_NAME)) || (own && !streq(own, AGENT_BUS_NAME)))
                        problem(&p, "%s: names %s, but the agent is %s", BUS_POLICY, dest ?: own, AGENT_BUS_NAME);
                iface = xml_attr(s, e, "send_interface");
                if (s < def || !iface || !startswith(iface, AGENT_BUS_NAME))
                        continue;
                member = xml_attr(s, e, "send_member");
                if (!streq(iface, AGENT_BUS_INTERFACE) || !member)
                        problem(&p, "%s: allows %s.%s to everyone, which is not a method of %s", BUS_POLICY, iface,
                                strna(member), AGENT_BUS_INTERFACE);
                else
                        ck_assert_int_eq(strv_extend(&allowed, member), 0);
        }
        FOREACH_VTABLE_MEMBER(v) {
                bool unprivileged;

                if (v->type != _SD_BUS_VTABLE_METHOD)
                        continue;
                unprivileged = v->flags & SD_BUS_VTABLE_UNPRIVILEGED;
                if (unprivileged != strv_contains(allowed, v->x.method.member))
                        problem(&p, "%s: %s() is %s in the vtable but %s by the policy", BUS_POLICY,
                                v->x.method.member, unprivileged ? "unprivileged" : "root only",
                                unprivileged ? "not allowed to everyone" : "allowed to everyone");
        }
        STRV_FOREACH(m, allowed) {
                bool found = false;

                FOREACH_VTABLE_MEMBER(v)
                        found = found || (v->type == _SD_BUS_VTABLE_METHOD && streq(v->x.method.member, *m));
                if (!found)
                        problem(&p, "%s: allows %s(), which the vtable lacks", BUS_POLICY, *m);
        }
        ck_assert_uint_ge(strv_length(allowed), 1);
        assert_no_problems(&p);
}
END_TEST

static const BusErrorMapping *bus_error_by_errno_name(const char *name) {
        FOREACH_ARRAY(e, bus_error_table, bus_error_table_size)
                if (streq(e->errno_name, name))
                        return e;
        return NULL;
}

/* ERRORS: "*Name* (EPERM, EACCES)" per error name, "(any other errno)" for the fallback; the same
 * pairs as bus_error_table, in both directions. */
START_TEST(test_agent_man_matches_error_table) {
        _cleanup_(problems_done) Problems p = {};
        _cleanup_(man_lines_done) ManLines m = {};
        bool documented[64] = {}, fallback = false;

        ck_assert_uint_le(bus_error_table_size, ELEMENTSOF(documented));
        man_lines_read(MAN_AGENT_BUS, &m);
        for (size_t i = 0; m.lines[i]; i++) {
                _cleanup_strv_free_ char **errnos = NULL;
                _cleanup_free_ char *list = NULL;
                const char *rest;
                char name[128];

                if (!streq(m.headings[i], "ERRORS") || !bold_word(m.lines[i], name, sizeof(name), &rest))
                        continue;
                if (rest[0] != '(' || !endswith(rest, ")")) {
                        problem(&p, "%s:%zu: *%s* without \"(ERRNO, …)\"", MAN_AGENT_BUS, i + 1, name);
                        continue;
                }
                if (streq(rest, "(any other errno)")) {
                        if (!streq(name, AGENT_BUS_ERROR_FAILED))
                                problem(&p, "%s:%zu: the fallback is %s, not %s", MAN_AGENT_BUS, i + 1,
                                        AGENT_BUS_ERROR_FAILED, name);
                        fallback = true;
                        continue;
                }
                list = strndup(rest + 1, strlen(rest) - 2);
                ck_assert_ptr_nonnull(list);
                for (char *c = list; *c; c++)
                        if (*c == ',')
                                *c = ' ';
                ck_assert_int_eq(strv_split_ws(list, &errnos), 0);
                STRV_FOREACH(e, errnos) {
                        const BusErrorMapping *b = bus_error_by_errno_name(*e);

                        if (!b)
                                problem(&p, "%s:%zu: %s for %s, which the table (src/shared/bus-errors.c) lacks",
                                        MAN_AGENT_BUS, i + 1, name, *e);
                        else if (!streq(b->name, name))
                                problem(&p, "%s:%zu: %s for %s, the table says %s", MAN_AGENT_BUS, i + 1, name, *e,
                                        b->name);
                        else
                                documented[b - bus_error_table] = true;
                }
        }
        if (!fallback)
                problem(&p, "%s: ERRORS lacks \"*%s* (any other errno)\"", MAN_AGENT_BUS, AGENT_BUS_ERROR_FAILED);
        FOREACH_ARRAY(b, bus_error_table, bus_error_table_size) {
                if (!documented[b - bus_error_table])
                        problem(&p, "%s: ERRORS lacks %s for %s", MAN_AGENT_BUS, b->name, b->errno_name);
                if (bus_error_name_from_errno(-b->errnum) != b->name)
                        problem(&p, "bus_error_table: %s is there twice", b->errno_name);
        }
        ck_assert_str_eq(bus_error_name_from_errno(-EBADMSG), AGENT_BUS_ERROR_FAILED);
        assert_no_problems(&p);
}
END_TEST

/* ——— comments cite docs/kernel-ipoib.md, and only sections it has ——— */

#define KERNEL_NOTES TEST_SRCDIR "/docs/kernel-ipoib.md"

/* Every file below dir, recursively, except the fuzz corpora (binary inputs). */
static void list_tree(const char *dir, char ***l) {
        struct dirent **e = NULL;
        int n;

        n = scandir(dir, &e, NULL, alphasort);
        ck_assert_msg(n >= 0, "%s: %s", dir, strerror(errno));
        for (int i = 0; i < n; i++) {
                _cleanup_free_ char *path = NULL;
                struct stat st;

                if (e[i]->d_name[0] != '.' && !startswith(e[i]->d_name, "corpus")) {
                        ck_assert_int_ge(asprintf(&path, "%s/%s", dir, e[i]->d_name), 0);
                        ck_assert_int_eq(lstat(path, &st), 0);
                        if (S_ISDIR(st.st_mode))
                                list_tree(path, l);
                        else if (S_ISREG(st.st_mode))
                                ck_assert_int_eq(strv_extend(l, path), 0);
                }
                free(e[i]);
        }
        free(e);
}

/* "§1.2" at s (after the sign) → "1.2" in buf; a trailing "." ends a sentence, not the number. */
static bool section_number(const char *s, char *buf, size_t size) {
        size_t l = strspn(s, "0123456789.");

        while (l > 0 && s[l - 1] == '.')
                l--;
        if (l == 0 || l >= size || !isdigit((unsigned char) s[0]))
                return false;
        memcpy(buf, s, l);
        buf[l] = 0;
        return true;
}

/* Every "§N" in the code (all of them mean docs/kernel-ipoib.md) names a section that has an anchor
 * there, and no comment sends the reader to a file outside the repository. */
START_TEST(test_citations_resolve) {
        static const char *const dirs[] = { "src", "test", "bench", "fuzz", "tools", "units", "examples" };
        _cleanup_(problems_done) Problems p = {};
        _cleanup_strv_free_ char **files = NULL, **anchors = NULL;
        _cleanup_fclose_ FILE *notes = fopen(KERNEL_NOTES, "re");
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        unsigned cited = 0;

        ck_assert_msg(notes, "%s: %s", KERNEL_NOTES, strerror(errno));
        while (getline(&buf, &size, notes) >= 0) {
                const char *a = startswith(buf, "<a id=\"s");
                char n[16];

                if (a && section_number(a, n, sizeof(n)))
                        ck_assert_int_eq(strv_extend(&anchors, n), 0);
        }
        ck_assert_uint_ge(strv_length(anchors), 10);
        FOREACH_ARRAY(d, dirs, ELEMENTSOF(dirs)) {
                _cleanup_free_ char *path = NULL;

                ck_assert_int_ge(asprintf(&path, "%s/%s", TEST_SRCDIR, *d), 0);
                list_tree(path, &files);
        }
        STRV_FOREACH(path, files) {
                _cleanup_fclose_ FILE *f = fopen(*path, "re");
                unsigned line = 0;

                ck_assert_msg(f, "%s: %s", *path, strerror(errno));
                while (getline(&buf, &size, f) >= 0) {
                        line++;
                        /* Split so that this line does not match itself. */
                        if (strstr(buf, ".." "/shared/") || strstr(buf, "deps" "-notes"))
                                problem(&p, "%s:%u: cites a file outside the repository", *path, line);
                        for (const char *s = strstr(buf, "§"); s; s = strstr(s + 1, "§")) {
                                char n[16];

                                if (!section_number(s + strlen("§"), n, sizeof(n)))
                                        continue;
                                cited++;
                                if (!strv_contains(anchors, n))
                                        problem(&p, "%s:%u: §%s is no section of docs/kernel-ipoib.md", *path, line,
                                                n);
                        }
                }
        }
        ck_assert_uint_ge(cited, 50);
        assert_no_problems(&p);
}
END_TEST

void docs_test_add_api_tcases(Suite *s) {
        TCase *tc;

        tc = tcase_create("api");
        tcase_add_test(tc, test_ipoibctl_man_matches_verbs);
        tcase_add_test(tc, test_agent_man_matches_vtable);
        tcase_add_test(tc, test_agent_man_matches_error_table);
        tcase_add_test(tc, test_bus_policy_matches_vtable);
        suite_add_tcase(s, tc);

        tc = tcase_create("citations");
        tcase_add_test(tc, test_citations_resolve);
        suite_add_tcase(s, tc);
}
