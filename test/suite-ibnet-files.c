/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The .ibnet reader's limits and files, a part of the ibnet-parser suite (suite-ibnet-parser.c): long
 * lines and their numbers, NUL bytes, 100,000 Address= lines, a missing file, a FIFO, a file too large. */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ibnet-load.h"
#include "test-suites.h"
#include "test-util.h"

#define M "[Match]\nName=ib0\n" /* lines 1-2 */

/* ---- long lines: error at the right line, later lines keep their numbers ---- */

static char *repeat(char c, size_t n) {
        char *s = malloc(n + 1);

        ck_assert_ptr_nonnull(s);
        memset(s, c, n);
        s[n] = 0;
        return s;
}

START_TEST(test_line_limit) {
        /* 198 characters before the newline fit inih's 200-byte buffer; 199 do not. */
        _cleanup_(test_load_done) TestLoad ok = {}, bad = {}, eof = {};
        _cleanup_free_ char *c198 = repeat('x', 197), *c199 = repeat('x', 198), *t1 = NULL, *t2 = NULL,
                            *t3 = NULL;

        ck_assert_int_ge(asprintf(&t1, M "#%s\n[Link]\nMTU=2044\n", c198), 0);
        test_load_ok(t1, NULL, &ok);
        ck_assert_uint_eq(ib_network_key_loc(ok.network, "Link", "MTU").line, 5);

        ck_assert_int_ge(asprintf(&t2, M "#%s\n[Link]\nMTU=abc\n", c199), 0);
        test_load(t2, NULL, &bad);
        test_assert_diag(&bad.diags, DIAG_ERROR, bad.path, 3, "line longer than 198 characters");
        test_assert_diag(&bad.diags, DIAG_ERROR, bad.path, 5, "invalid MTU= value \"abc\"");
        test_assert_count(&bad.diags, DIAG_ERROR, 2);

        /* A 198-character last line without a newline is fine too. */
        ck_assert_int_ge(asprintf(&t3, M "[Link]\nMTU=2044\n#%s", c198), 0);
        test_load_ok(t3, NULL, &eof);
}
END_TEST

START_TEST(test_long_line_numbers) {
        _cleanup_(test_load_done) TestLoad l = {};
        _cleanup_free_ char *domains = NULL, *text = NULL, *label = repeat('a', 60);

        /* 9 valid domains of 62 characters: a 566-character line, three times inih's buffer. */
        ck_assert_int_ge(
                asprintf(
                        &domains, "%s.x %s.x %s.x %s.x %s.x %s.x %s.x %s.x %s.x", label, label, label, label,
                        label, label, label, label, label),
                0);
        ck_assert_int_ge(
                asprintf(
                        &text,
                        M "[Network]\n"         /* 3 */
                          "Domains=%s\n"        /* 4 */
                          "Address=192.0.2.1\n" /* 5 */
                          "[Link]\n"            /* 6 */
                          "MTU=abc\n"           /* 7 */
                          "Domains=%s\n" /* 8: in [Link], unknown there */,
                        domains, domains),
                0);
        test_load(text, NULL, &l);
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 4, "line longer than 198 characters");
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 5, "the prefix length is missing");
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 7, "invalid MTU= value \"abc\"");
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 8, "line longer than 198 characters");
        test_assert_count(&l.diags, DIAG_ERROR, 4);
}
END_TEST

START_TEST(test_nul_byte) {
        /* A NUL byte must not hide the rest of its line or shift the line numbers after it. */
        static const char data[] = M "[Link]\nMTU=20\0"
                                     "44\n[IPoIB]\nMode=bogus\n";
        _cleanup_(test_load_done) TestLoad l = {};

        test_load_data(data, sizeof(data) - 1, NULL, 0, &l);
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 4, "NUL");
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 6, "invalid Mode= value \"bogus\"");
        test_assert_count(&l.diags, DIAG_ERROR, 2);
}
END_TEST

START_TEST(test_many_addresses) {
        /* Issue 11: 100,000 Address= lines, one repeated at the end. Appending and the repeat check
         * were quadratic; the load must finish (check's timeout) and count right. No timing here. */
        _cleanup_(test_load_done) TestLoad l = {}, dup = {};
        _cleanup_free_ char *text = NULL, *text_dup = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        ck_assert_ptr_nonnull(f);
        fputs(M "[Network]\n", f);
        for (unsigned i = 0; i < 100000; i++)
                fprintf(f, "Address=10.%u.%u.%u/8\n", i >> 16, (i >> 8) & 0xff, i & 0xff);
        ck_assert_int_eq(fclose(f), 0);
        test_load_ok(text, NULL, &l);
        ck_assert_uint_eq(l.network->n_addresses, 100000);
        ck_assert_uint_eq(l.network->addresses[99999].line, 100003);

        ck_assert_int_ge(asprintf(&text_dup, "%sAddress=10.0.0.7/24\n", text), 0);
        test_load(text_dup, NULL, &dup);
        test_assert_diag(&dup.diags, DIAG_ERROR, dup.path, 100004, "Address= repeats the value at ");
        test_assert_count(&dup.diags, DIAG_ERROR, 1);
}
END_TEST

START_TEST(test_missing_file) {
        _cleanup_(test_load_done) TestLoad l = {};
        ConfFile cf = {.name = (char *) "nope.ibnet"};

        l.dir = test_mkdir_tmp();
        l.path = test_path(l.dir, "nope.ibnet");
        cf.path = l.path;
        l.r = ibnet_load(&cf, 0, &l.diags, &l.network);
        ck_assert_int_eq(l.r, -ENOENT);
        ck_assert_ptr_null(l.network);
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 0, "cannot open");
}
END_TEST

/* A FIFO, file or drop-in, is refused at once: opened O_NONBLOCK, it cannot wait for a writer. */
START_TEST(test_fifo_file) {
        _cleanup_(test_load_done) TestLoad l = {};
        _cleanup_free_ char *dropin_dir = NULL;

        l.dir = test_mkdir_tmp();
        l.path = test_path(l.dir, TEST_IBNET_NAME);
        ck_assert_int_eq(mkfifo(l.path, 0644), 0);
        test_load_written(&l, LOAD_CHECK_PERMISSIONS);
        ck_assert_int_eq(l.r, -EBADFD);
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 0, "not a regular file (a FIFO)");

        ck_assert_int_eq(unlink(l.path), 0);
        free(test_write(l.dir, TEST_IBNET_NAME, "[Match]\nName=ib0\n"));
        dropin_dir = test_path(l.dir, TEST_IBNET_NAME ".d");
        ck_assert_int_eq(mkdir(dropin_dir, 0755), 0);
        l.dropin = test_path(l.dir, TEST_DROPIN_NAME);
        ck_assert_int_eq(mkfifo(l.dropin, 0644), 0);
        diag_list_done(&l.diags);
        test_load_written(&l, 0);
        ck_assert_int_eq(l.r, -EBADFD);
        test_assert_diag(&l.diags, DIAG_ERROR, l.dropin, 0, "not a regular file (a FIFO)");
}
END_TEST

START_TEST(test_too_large_file) {
        _cleanup_(test_load_done) TestLoad l = {};
        FILE *f;

        l.dir = test_mkdir_tmp();
        l.path = test_path(l.dir, TEST_IBNET_NAME);
        f = fopen(l.path, "we");
        ck_assert_ptr_nonnull(f);
        fputs("[Match]\nName=ib0\n", f);
        for (size_t n = 0; n <= IBNET_FILE_SIZE_MAX; n += 64)
                fprintf(f, "# %061zu\n", n);
        ck_assert_int_eq(fclose(f), 0);
        test_load_written(&l, 0);
        ck_assert_int_eq(l.r, -EFBIG);
        test_assert_diag(&l.diags, DIAG_ERROR, l.path, 0, "too large");
}
END_TEST

void ibnet_parser_add_file_tcases(Suite *s) {
        TCase *tc = tcase_create("lines");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_line_limit);
        tcase_add_test(tc, test_long_line_numbers);
        tcase_add_test(tc, test_nul_byte);
        tcase_add_test(tc, test_many_addresses);
        suite_add_tcase(s, tc);

        tc = tcase_create("files");
        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_missing_file);
        tcase_add_test(tc, test_fifo_file);
        tcase_add_test(tc, test_too_large_file);
        suite_add_tcase(s, tc);
}
