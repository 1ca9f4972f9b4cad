/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The schema table against its documentation and examples (systemd's tools/check-directives.sh):
 * man/ibnet.5.scd documents every Section.Key exactly once and mentions no key the table lacks, the
 * files in examples/ use only schema keys, and every example (and every complete .ibnet in the man
 * page's EXAMPLES) loads without errors. The conventions of the man page are written in the comment
 * at its top. The other tables of the code are held to their documentation in suite-docs-api.c. */

#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "diag.h"
#include "docs-test.h"
#include "ibnet-load.h"
#include "schema.h"
#include "strv.h"
#include "test-suites.h"
#include "test-util.h"

#define MAN_IBNET TEST_SRCDIR "/man/ibnet.5.scd"
#define EXAMPLES_DIR TEST_SRCDIR "/examples"

/* "[Name]" (after strip) → "Name" in buf; false if the line is no section header. */
static bool section_header(const char *line, char *buf, size_t size) {
        size_t l = strlen(line);

        if (l < 3 || line[0] != '[' || line[l - 1] != ']' || l - 2 >= size)
                return false;
        memcpy(buf, line + 1, l - 2);
        buf[l - 2] = 0;
        return true;
}

/* The key of a "Key=value" line into buf, if the part before '=' is one identifier. */
static bool key_of_line(const char *line, char *buf, size_t size) {
        const char *eq = strchr(line, '=');
        size_t l;

        if (!eq)
                return false;
        l = (size_t) (eq - line);
        while (l > 0 && isspace((unsigned char) line[l - 1]))
                l--;
        if (l == 0 || l >= size || !isalpha((unsigned char) line[0]))
                return false;
        for (size_t i = 0; i < l; i++)
                if (!isalnum((unsigned char) line[i]))
                        return false;
        memcpy(buf, line, l);
        buf[l] = 0;
        return true;
}

static bool key_in_any_section(const char *key) {
        FOREACH_ARRAY(it, ibnet_config_table, ibnet_config_table_size)
                if (streq(it->key, key))
                        return true;
        return false;
}

/* Checks one line of INI text (an example file, or a ``` block of the man page) against the schema.
 * section holds the current section across calls ("" = none yet). */
static void check_ini_line(Problems *p, const char *where, unsigned line, char *text, char *section,
                           size_t size) {
        char *s = strip(text), key[64];

        if (!*s || *s == '#' || *s == ';')
                return;
        if (section_header(s, section, size)) {
                if (!config_section_known(section))
                        problem(p, "%s:%u: section [%s] is not in the schema", where, line, section);
                return;
        }
        if (!*section || !key_of_line(s, key, sizeof(key)))
                return;
        if (!config_table_lookup(section, key))
                problem(p, "%s:%u: %s.%s is not in the schema (src/shared/schema.c)", where, line, section, key);
}

typedef struct ManPage {
        unsigned defined[IBNET_KEYS_MAX]; /* "*Key=*" definition lines, per table row */
        unsigned defined_line[IBNET_KEYS_MAX];
        bool section_heading[16]; /* per ibnet_sections entry */
        unsigned n_ini_keys;      /* Key= lines checked in ``` blocks */
} ManPage;

static int section_index(const char *section) {
        for (int i = 0; ibnet_sections[i]; i++)
                if (streq(ibnet_sections[i], section))
                        return i;
        return -1;
}

/* Every "*Key=" (bold, not "\*") on the line must name a key of some section. */
static void check_bold_keys(Problems *p, unsigned line, const char *s) {
        for (const char *q = strchr(s, '*'); q; q = strchr(q + 1, '*')) {
                char key[64];
                size_t l = 0;

                if (q > s && q[-1] == '\\')
                        continue;
                while (isalnum((unsigned char) q[1 + l]) && l < sizeof(key) - 1)
                        l++;
                if (l == 0 || q[1 + l] != '=' || !isalpha((unsigned char) q[1]))
                        continue;
                memcpy(key, q + 1, l);
                key[l] = 0;
                if (!key_in_any_section(key))
                        problem(p, "%s:%u: *%s=* names no key of the schema", MAN_IBNET, line, key);
        }
}

static void parse_man_page(Problems *p, ManPage *m) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *buf = NULL;
        char block[64] = "", fence_section[64] = "";
        size_t size = 0;
        bool fence = false;
        unsigned line = 0;

        *m = (ManPage) {};
        f = fopen(MAN_IBNET, "re");
        ck_assert_msg(f, "%s: %s", MAN_IBNET, strerror(errno));
        while (getline(&buf, &size, f) >= 0) {
                char *s, key[64];

                line++;
                buf[strcspn(buf, "\n")] = 0;
                s = strip(buf);
                if (startswith(s, "```")) {
                        fence = !fence;
                        fence_section[0] = 0;
                        continue;
                }
                if (fence) {
                        unsigned before = p->n;

                        check_ini_line(p, MAN_IBNET, line, buf, fence_section, sizeof(fence_section));
                        if (p->n == before && fence_section[0] && key_of_line(strip(buf), key, sizeof(key)))
                                m->n_ini_keys++;
                        continue;
                }
                if (buf[0] == ';')
                        continue; /* scdoc comment */
                if (buf[0] == '#') {
                        /* "## [Section] ..." opens a block; any other heading closes it. */
                        block[0] = 0;
                        if (startswith(buf, "## [")) {
                                const char *e = strchr(buf + 4, ']');
                                size_t l = e ? (size_t) (e - buf - 4) : 0;
                                int i;

                                ck_assert_msg(e && l < sizeof(block), "%s:%u: bad section heading", MAN_IBNET, line);
                                memcpy(block, buf + 4, l);
                                block[l] = 0;
                                i = section_index(block);
                                if (i < 0)
                                        problem(p, "%s:%u: heading for [%s], which is not a section of the schema",
                                                MAN_IBNET, line, block);
                                else
                                        m->section_heading[i] = true;
                        }
                        continue;
                }
                check_bold_keys(p, line, buf);
                /* A definition: exactly "*Key=*" at the start of the line. */
                if (buf[0] == '*' && endswith(buf, "=*") && key_of_line(buf + 1, key, sizeof(key)) &&
                    strlen(buf) == strlen(key) + 3) {
                        const ConfigTableItem *it;

                        if (!block[0]) {
                                problem(p, "%s:%u: *%s=* is defined outside a \"## [Section]\" block", MAN_IBNET,
                                        line, key);
                                continue;
                        }
                        it = config_table_lookup(block, key);
                        if (!it) {
                                problem(p, "%s:%u: documents %s.%s, which the schema lacks", MAN_IBNET, line, block,
                                        key);
                                continue;
                        }
                        m->defined[config_table_index(it)]++;
                        m->defined_line[config_table_index(it)] = line;
                }
        }
        ck_assert_msg(!fence, "%s: unterminated ``` block", MAN_IBNET);
}

START_TEST(test_man_documents_every_key) {
        _cleanup_(problems_done) Problems p = {}, other = { .quiet = true };
        ManPage m;

        parse_man_page(&other, &m); /* stray keys are test_man_mentions_only_schema_keys' business */
        for (int i = 0; ibnet_sections[i]; i++)
                if (!m.section_heading[i])
                        problem(&p, "%s lacks a \"## [%s]\" heading", MAN_IBNET, ibnet_sections[i]);
        FOREACH_ARRAY(it, ibnet_config_table, ibnet_config_table_size) {
                size_t i = config_table_index(it);

                if (m.defined[i] == 0)
                        problem(&p, "%s lacks *%s=* under \"## [%s]\"", MAN_IBNET, it->key, it->section);
                else if (m.defined[i] > 1)
                        problem(&p, "%s documents %s.%s %u times (last at line %u)", MAN_IBNET, it->section, it->key,
                                m.defined[i], m.defined_line[i]);
        }
        assert_no_problems(&p);
}
END_TEST

START_TEST(test_man_search_path) {
        /* FILES AND PRECEDENCE lists the directories as "\t/dir/" lines: exactly ibnet_search_path, in
         * its order, and no other (it once claimed /usr/local/lib/ipoib.d for a /usr/local build). */
        _cleanup_fclose_ FILE *f = fopen(MAN_IBNET, "re");
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, n = 0;
        bool in_files = false;

        ck_assert_ptr_nonnull(f);
        while (getline(&buf, &size, f) >= 0) {
                char *s = buf;

                if (startswith(s, "# "))
                        in_files = streq(s, "# FILES AND PRECEDENCE\n");
                if (!in_files || s[0] != '\t' || s[1] != '/')
                        continue;
                s = strip(s);
                ck_assert_msg(ibnet_search_path[n], "%s lists %s beyond the search path", MAN_IBNET, s);
                ck_assert_uint_eq(strlen(s), strlen(ibnet_search_path[n]) + 1);
                ck_assert_msg(strncmp(s, ibnet_search_path[n], strlen(ibnet_search_path[n])) == 0 && endswith(s, "/"),
                              "%s lists %s where the code searches %s", MAN_IBNET, s, ibnet_search_path[n]);
                n++;
        }
        ck_assert_msg(!ibnet_search_path[n], "%s does not list %s", MAN_IBNET, ibnet_search_path[n]);
}
END_TEST

START_TEST(test_man_mentions_only_schema_keys) {
        _cleanup_(problems_done) Problems p = {};
        ManPage m;

        parse_man_page(&p, &m);
        assert_no_problems(&p);
        /* The EXAMPLES section has .ibnet text; if none was seen, the ``` parsing is broken. */
        ck_assert_uint_gt(m.n_ini_keys, 10);
}
END_TEST

/* Every file below dir whose name ends in .ibnet or .conf, recursively, sorted; into *l. */
static void list_example_files(const char *dir, char ***l) {
        struct dirent **e = NULL;
        int n;

        n = scandir(dir, &e, NULL, alphasort);
        ck_assert_msg(n >= 0, "%s: %s", dir, strerror(errno));
        for (int i = 0; i < n; i++) {
                _cleanup_free_ char *path = NULL;
                struct stat st;

                if (e[i]->d_name[0] != '.') {
                        ck_assert_int_ge(asprintf(&path, "%s/%s", dir, e[i]->d_name), 0);
                        ck_assert_int_eq(stat(path, &st), 0);
                        if (S_ISDIR(st.st_mode))
                                list_example_files(path, l);
                        else if (endswith(path, ".ibnet") || endswith(path, ".conf"))
                                ck_assert_int_eq(strv_extend(l, path), 0);
                }
                free(e[i]);
        }
        free(e);
}

START_TEST(test_examples_use_only_schema_keys) {
        _cleanup_(problems_done) Problems p = {};
        _cleanup_strv_free_ char **files = NULL;

        list_example_files(EXAMPLES_DIR, &files);
        ck_assert_uint_ge(strv_length(files), 6);
        STRV_FOREACH(path, files) {
                _cleanup_fclose_ FILE *f = fopen(*path, "re");
                _cleanup_free_ char *buf = NULL;
                char section[64] = "";
                size_t size = 0;
                unsigned line = 0;

                ck_assert_msg(f, "%s: %s", *path, strerror(errno));
                while (getline(&buf, &size, f) >= 0)
                        check_ini_line(&p, *path, ++line, buf, section, sizeof(section));
        }
        assert_no_problems(&p);
}
END_TEST

/* Each example directory as the agent would read it: no errors, no warnings, all files used. */
static const struct {
        const char *dir;
        size_t networks;
} example_dirs[] = {
        { EXAMPLES_DIR, 6 },         /* mlx4_ib0 (+ drop-in), mlx4_ib0.8002, GUID, ConnectX-6, 8 rails, 8 rails on one subnet */
        { EXAMPLES_DIR "/veth", 1 }, /* Type=ether, for the real-kernel tests */
};

START_TEST(test_examples_load) {
        _cleanup_(conf_file_list_done) ConfFileList files = {};
        _cleanup_(ib_config_done) IbConfig cfg = {};
        _cleanup_(diag_list_done) DiagList diags = {};
        char *dirs[] = { (char *) example_dirs[_i].dir, NULL };
        size_t networks = 0;
        int r;

        ck_assert_int_eq(conf_files_list(dirs, &files), 0);
        r = ib_config_load(&files, 0, &diags, &cfg);
        if (r != 0 || diag_count(&diags, DIAG_ERROR) > 0 || diag_count(&diags, DIAG_WARNING) > 0) {
                _cleanup_free_ char *dump = test_diags_dump(&diags);

                ck_abort_msg("%s: %d file(s) rejected; %s", dirs[0], r, dump);
        }
        FOREACH_ARRAY(e, cfg.entries, cfg.n)
                if (e->network)
                        networks++;
        ck_assert_msg(networks == example_dirs[_i].networks, "%s: %zu networks, expected %zu", dirs[0], networks,
                      example_dirs[_i].networks);
}
END_TEST

/* The drop-in example really is one, and is applied: its DNS= replaces the main file's. */
START_TEST(test_examples_dropin_applied) {
        _cleanup_(conf_file_list_done) ConfFileList files = {};
        _cleanup_(ib_config_done) IbConfig cfg = {};
        _cleanup_(diag_list_done) DiagList diags = {};
        char *dirs[] = { (char *) EXAMPLES_DIR, NULL };
        size_t with_dropins = 0;

        ck_assert_int_eq(conf_files_list(dirs, &files), 0);
        ck_assert_int_eq(ib_config_load(&files, 0, &diags, &cfg), 0);
        FOREACH_ARRAY(f, files.files, files.n)
                with_dropins += strv_length(f->dropins) > 0;
        ck_assert_uint_ge(with_dropins, 1);
        FOREACH_ARRAY(e, cfg.entries, cfg.n) {
                if (!streq(e->name, "10-mlx4_ib0.ibnet"))
                        continue;
                ck_assert_ptr_nonnull(e->network);
                ck_assert_uint_eq(strv_length(e->network->files), 2);
                ck_assert_uint_eq(e->network->n_dns, 2); /* 192.0.2.53 and 2001:db8:1::53, not .253 */
                return;
        }
        ck_abort_msg("examples/10-mlx4_ib0.ibnet is missing");
}
END_TEST

/* Every ``` block of the man page that starts with [Match] is a whole .ibnet file: it must load. */
START_TEST(test_man_examples_load) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *buf = NULL, *dir = test_mkdir_tmp();
        char *block = NULL;
        size_t size = 0, block_size = 0;
        FILE *out = NULL;
        unsigned line = 0, start = 0, loaded = 0;
        bool fence = false;

        f = fopen(MAN_IBNET, "re");
        ck_assert_msg(f, "%s: %s", MAN_IBNET, strerror(errno));
        while (getline(&buf, &size, f) >= 0) {
                line++;
                if (!startswith(strip(buf), "```")) {
                        if (fence && !out && streq(strip(buf), "[Match]")) {
                                out = open_memstream(&block, &block_size);
                                ck_assert_ptr_nonnull(out);
                                start = line;
                        }
                        if (out)
                                fprintf(out, "%s\n", buf);
                        continue;
                }
                fence = !fence;
                if (fence || !out)
                        continue;
                fclose(out);
                out = NULL;
                {
                        _cleanup_(test_load_done) TestLoad l = { .dir = strdup(dir) };
                        _cleanup_free_ char *name = NULL;

                        ck_assert_int_ge(asprintf(&name, "man-%u.ibnet", start), 0);
                        l.path = test_write(dir, name, block);
                        test_load_written(&l, 0);
                        if (l.r != 0 || diag_count(&l.diags, DIAG_ERROR) > 0) {
                                _cleanup_free_ char *dump = test_diags_dump(&l.diags);

                                ck_abort_msg("%s:%u: the example does not load: %s", MAN_IBNET, start, dump);
                        }
                }
                block = mfree(block);
                loaded++;
        }
        ck_assert_uint_ge(loaded, 5);
}
END_TEST

Suite *make_docs_suite(void) {
        Suite *s = suite_create("docs");
        TCase *tc;

        tc = tcase_create("man");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_man_documents_every_key);
        tcase_add_test(tc, test_man_mentions_only_schema_keys);
        tcase_add_test(tc, test_man_search_path);
        tcase_add_test(tc, test_man_examples_load);
        suite_add_tcase(s, tc);

        docs_test_add_api_tcases(s);

        tc = tcase_create("examples");
        tcase_add_test(tc, test_examples_use_only_schema_keys);
        tcase_add_loop_test(tc, test_examples_load, 0, (int) ELEMENTSOF(example_dirs));
        tcase_add_test(tc, test_examples_dropin_applied);
        suite_add_tcase(s, tc);
        return s;
}
