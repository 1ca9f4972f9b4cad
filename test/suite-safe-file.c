/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* safe_file_open()/safe_file_read(): what the agent reads must not block it (a FIFO, a socket, a
 * device), must not be huge, and with the trust flags must be something only root (or the agent's
 * user) could have written. check runs each test in a child with a timeout: a blocking open fails. */

#include <check.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "safe-file.h"
#include "test-suites.h"
#include "test-util.h"

typedef struct Tree {
        char *dir;
        char *path; /* DIR/f */
        char why[SAFE_FILE_WHY_MAX];
} Tree;

static void tree_done(Tree *t) {
        free(t->dir);
        free(t->path);
}

static void tree_init(Tree *t) {
        *t = (Tree) {};
        t->dir = test_mkdir_tmp();
        t->path = test_path(t->dir, "f");
}

static uid_t nobody_uid(void) {
        struct passwd *pw = getpwnam("nobody");

        return pw ? pw->pw_uid : 65534;
}

/* Reads t->path with flags; returns the result and leaves the reason in t->why. */
static int tree_read(Tree *t, SafeFileFlags flags, size_t max) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        int r;

        r = safe_file_read(t->path, flags, max, &text, &size, t->why);
        ck_assert_msg(r < 0 || text, "no text on success");
        ck_assert_msg(r >= 0 || t->why[0] || (r != -EBADFD && r != -EFBIG), "refused (%d) without a reason", r);
        return r;
}

#define assert_refused(t, flags, max, err, reason)                                                          \
        do {                                                                                                \
                int _r = tree_read((t), (flags), (max));                                                    \
                ck_assert_msg(_r == (err), "got %d (%s), want %d", _r, (t)->why, (err));                    \
                ck_assert_msg(strstr((t)->why, (reason)), "why \"%s\" lacks \"%s\"", (t)->why, (reason));   \
        } while (0)

START_TEST(test_regular) {
        _cleanup_(tree_done) Tree t = {};
        _cleanup_free_ char *text = NULL;
        static const char data[] = "a\0b\n";
        size_t size = 0;

        tree_init(&t);
        free(test_write_data(t.dir, "f", data, sizeof(data) - 1, 0644));
        ck_assert_int_eq(safe_file_read(t.path, SAFE_FILE_NOFOLLOW | SAFE_FILE_TRUST | SAFE_FILE_TRUST_DIR, 0,
                                        &text, &size, t.why), 0);
        ck_assert_uint_eq(size, 4);
        ck_assert_int_eq(memcmp(text, data, 4), 0);
        ck_assert_int_eq(text[4], 0);
        ck_assert_str_eq(t.why, "");

        free(text);
        text = NULL;
        ck_assert_int_eq(truncate(t.path, 0), 0);
        ck_assert_int_eq(safe_file_read(t.path, 0, 0, &text, &size, NULL), 0);
        ck_assert_uint_eq(size, 0);
        ck_assert_str_eq(text, "");
}
END_TEST

/* Relative to a directory fd, with the fstat() of what was read; a file of several read() sizes is read
 * whole (one read() of the fstat() size, then the end). */
START_TEST(test_read_at) {
        _cleanup_(tree_done) Tree t = {};
        _cleanup_free_ char *text = NULL, *big = NULL;
        _cleanup_close_ int dfd = -EBADF;
        size_t size = 0, n = 300 * 1024 + 7;
        struct stat st, st2;

        tree_init(&t);
        big = malloc(n);
        ck_assert_ptr_nonnull(big);
        for (size_t i = 0; i < n; i++)
                big[i] = (char) ('a' + i % 26);
        free(test_write_data(t.dir, "f", big, n, 0644));
        dfd = open(t.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(dfd, 0);
        ck_assert_int_eq(safe_file_read_at(dfd, "f", SAFE_FILE_TRUST, 0, &text, &size, &st, t.why), 0);
        ck_assert_uint_eq(size, n);
        ck_assert_int_eq(memcmp(text, big, n), 0);
        ck_assert_int_eq(text[n], 0);
        ck_assert_int_eq(stat(t.path, &st2), 0);
        ck_assert(st.st_ino == st2.st_ino && st.st_dev == st2.st_dev && st.st_size == st2.st_size);

        /* The directory rules name the directory by path: not with a directory fd. */
        free(text);
        text = NULL;
        ck_assert_int_eq(safe_file_read_at(dfd, "f", SAFE_FILE_TRUST_DIR, 0, &text, &size, NULL, t.why), -EINVAL);

        /* A FIFO relative to the directory is refused, not waited for. */
        ck_assert_int_eq(mkfifoat(dfd, "p.ibnet", 0644), 0);
        ck_assert_int_eq(safe_file_read_at(dfd, "p.ibnet", 0, 0, &text, &size, NULL, t.why), -EBADFD);
        ck_assert_msg(strstr(t.why, "FIFO"), "why: %s", t.why);
}
END_TEST

START_TEST(test_fifo) {
        _cleanup_(tree_done) Tree t = {};

        tree_init(&t);
        ck_assert_int_eq(mkfifo(t.path, 0644), 0);
        /* Without O_NONBLOCK the open() would wait for a writer and the test time out. */
        assert_refused(&t, 0, 0, -EBADFD, "not a regular file (a FIFO)");
        assert_refused(&t, SAFE_FILE_TRUST | SAFE_FILE_TRUST_DIR, 0, -EBADFD, "not a regular file");
}
END_TEST

START_TEST(test_socket) {
        _cleanup_(tree_done) Tree t = {};
        _cleanup_close_ int fd = -EBADF;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };

        tree_init(&t);
        ck_assert_uint_lt(strlen(t.path), sizeof(sa.sun_path));
        strcpy(sa.sun_path, t.path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        /* open() of a socket is ENXIO: refused before anything could be read. */
        ck_assert_int_lt(tree_read(&t, 0, 0), 0);
}
END_TEST

START_TEST(test_device_and_directory) {
        _cleanup_(tree_done) Tree t = {};

        tree_init(&t);
        free(t.path);
        t.path = strdup("/dev/zero"); /* would fill memory if read to its end */
        assert_refused(&t, 0, 0, -EBADFD, "not a regular file (a character device)");
        free(t.path);
        t.path = strdup(t.dir);
        assert_refused(&t, 0, 0, -EBADFD, "not a regular file (a directory)");
}
END_TEST

START_TEST(test_symlink_nofollow) {
        _cleanup_(tree_done) Tree t = {};
        _cleanup_free_ char *target = NULL, *text = NULL;
        size_t size;

        tree_init(&t);
        target = test_write(t.dir, "target", "x\n");
        test_symlink(target, t.dir, "f");
        assert_refused(&t, SAFE_FILE_NOFOLLOW, 0, -ELOOP, "symbolic link");
        /* Without the flag a link to a regular file is that file. */
        ck_assert_int_eq(safe_file_read(t.path, 0, 0, &text, &size, t.why), 0);
        ck_assert_str_eq(text, "x\n");
}
END_TEST

START_TEST(test_too_large) {
        _cleanup_(tree_done) Tree t = {};
        _cleanup_free_ char *big = malloc(SAFE_FILE_SIZE_MAX + 1);

        tree_init(&t);
        ck_assert_ptr_nonnull(big);
        memset(big, 'a', SAFE_FILE_SIZE_MAX + 1);
        free(test_write_data(t.dir, "f", big, SAFE_FILE_SIZE_MAX + 1, 0644));
        assert_refused(&t, 0, 0, -EFBIG, "too large");
        /* Exactly the limit is fine, and a caller may allow more. */
        ck_assert_int_eq(truncate(t.path, SAFE_FILE_SIZE_MAX), 0);
        ck_assert_int_eq(tree_read(&t, 0, 0), 0);
        ck_assert_int_eq(truncate(t.path, 100), 0);
        assert_refused(&t, 0, 99, -EFBIG, "too large (100 bytes; the limit is 99)");
}
END_TEST

START_TEST(test_writable_by_others) {
        _cleanup_(tree_done) Tree t = {};

        tree_init(&t);
        free(test_write_mode(t.dir, "f", "x\n", 0664));
        assert_refused(&t, SAFE_FILE_TRUST, 0, -EACCES, "writable by its group (mode 0664)");
        ck_assert_int_eq(chmod(t.path, 0666), 0);
        assert_refused(&t, SAFE_FILE_TRUST, 0, -EACCES, "writable by everyone (mode 0666)");
        /* Without the flag the mode does not matter. */
        ck_assert_int_eq(tree_read(&t, 0, 0), 0);
}
END_TEST

START_TEST(test_wrong_owner) {
        _cleanup_(tree_done) Tree t = {};

        if (geteuid() != 0) {
                fprintf(stderr, "test_wrong_owner: skipped, chown needs root\n");
                return;
        }
        tree_init(&t);
        free(test_write(t.dir, "f", "x\n"));
        ck_assert_int_eq(chown(t.path, nobody_uid(), nobody_uid()), 0);
        assert_refused(&t, SAFE_FILE_TRUST, 0, -EPERM, "owned by uid");
        assert_refused(&t, SAFE_FILE_TRUST, 0, -EPERM, "not root");
        ck_assert_int_eq(tree_read(&t, 0, 0), 0);
}
END_TEST

START_TEST(test_untrusted_directory) {
        _cleanup_(tree_done) Tree t = {};

        tree_init(&t);
        free(test_write(t.dir, "f", "x\n"));
        ck_assert_int_eq(chmod(t.dir, 0775), 0);
        assert_refused(&t, SAFE_FILE_TRUST | SAFE_FILE_TRUST_DIR, 0, -EACCES, "its directory");
        assert_refused(&t, SAFE_FILE_TRUST | SAFE_FILE_TRUST_DIR, 0, -EACCES, "is writable by its group (mode 0775)");
        ck_assert_int_eq(chmod(t.dir, 01777), 0); /* sticky like /tmp: still anyone's to write */
        assert_refused(&t, SAFE_FILE_TRUST_DIR, 0, -EACCES, "writable by everyone");
        ck_assert_int_eq(tree_read(&t, SAFE_FILE_TRUST, 0), 0); /* the file itself is fine */
        ck_assert_int_eq(chmod(t.dir, 0755), 0);
        ck_assert_int_eq(tree_read(&t, SAFE_FILE_TRUST | SAFE_FILE_TRUST_DIR, 0), 0);
        if (geteuid() == 0) {
                ck_assert_int_eq(chown(t.dir, nobody_uid(), nobody_uid()), 0);
                assert_refused(&t, SAFE_FILE_TRUST_DIR, 0, -EPERM, "its directory");
        }
}
END_TEST

START_TEST(test_missing) {
        _cleanup_(tree_done) Tree t = {};

        tree_init(&t);
        ck_assert_int_eq(tree_read(&t, SAFE_FILE_TRUST | SAFE_FILE_TRUST_DIR, 0), -ENOENT);
        ck_assert_str_eq(t.why, "");
}
END_TEST

Suite *make_safe_file_suite(void) {
        Suite *s = suite_create("safe-file");
        TCase *tc = tcase_create("open");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_set_timeout(tc, 10);
        tcase_add_test(tc, test_regular);
        tcase_add_test(tc, test_read_at);
        tcase_add_test(tc, test_fifo);
        tcase_add_test(tc, test_socket);
        tcase_add_test(tc, test_device_and_directory);
        tcase_add_test(tc, test_symlink_nofollow);
        tcase_add_test(tc, test_too_large);
        tcase_add_test(tc, test_writable_by_others);
        tcase_add_test(tc, test_wrong_owner);
        tcase_add_test(tc, test_untrusted_directory);
        tcase_add_test(tc, test_missing);
        suite_add_tcase(s, tc);
        return s;
}
