/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* notify.c: sd_notify() that never blocks. A receiver that does not read fills up after
 * net.unix.max_dgram_qlen datagrams; libsystemd's sd_notify() then blocks the whole loop. Here every
 * send returns at once (check's per-test timeout fails a blocking one), the surplus is dropped and
 * counted, and the latest state word and STATUS= arrive once the receiver reads again. */

#include <check.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "notify.h"
#include "test-suites.h"
#include "test-util.h"

/* A receiving socket bound to name ("/path" or "@abstract"), non-blocking. */
static int receiver(const char *name) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t l = strlen(name);
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

        ck_assert_int_ge(fd, 0);
        memcpy(sa.sun_path, name, l);
        if (name[0] == '@')
                sa.sun_path[0] = '\0';
        ck_assert_int_eq(bind(fd, (struct sockaddr *) &sa,
                              offsetof(struct sockaddr_un, sun_path) + l + (name[0] == '/')), 0);
        return fd;
}

/* Every datagram waiting on fd, joined with '|'. */
static char *drain(int fd) {
        char *all = strdup(""), buf[256];
        ssize_t n;

        ck_assert_ptr_nonnull(all);
        while ((n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) >= 0) {
                char *j = NULL;

                buf[n] = '\0';
                ck_assert_int_ge(asprintf(&j, "%s%s%s", all, *all ? "|" : "", buf), 0);
                free(all);
                all = j;
        }
        return all;
}

static void notifier_test_open(Notifier *n, sd_event **e, const char *name) {
        ck_assert_int_eq(setenv("NOTIFY_SOCKET", name, 1), 0);
        ck_assert_int_eq(sd_event_new(e), 0);
        ck_assert_int_eq(notifier_open(n, *e), 0);
        ck_assert_int_ge(n->fd, 0);
}

START_TEST(test_full_receiver) {
        _cleanup_free_ char *dir = test_mkdir_tmp(), *path = test_path(dir, "notify"), *got = NULL;
        _cleanup_close_ int fd = receiver(path);
        sd_event *e = NULL;
        Notifier n;
        char msg[32];

        notifier_test_open(&n, &e, path);
        /* Far more than the receiver's queue holds (10 by default); none of these may block. */
        for (int i = 0; i < 100; i++) {
                notifier_send(&n, "RELOADING=1");
                notifier_send(&n, "READY=1");
                (void) snprintf(msg, sizeof(msg), "STATUS=%d links", i);
                notifier_send(&n, msg);
                notifier_send(&n, "WATCHDOG=1");
        }
        ck_assert_uint_gt(n.dropped, 0);
        ck_assert_uint_gt(n.sent, 0);
        ck_assert_ptr_nonnull(n.pending_status);
        ck_assert_str_eq(n.pending_status, "STATUS=99 links");

        /* The receiver reads: the loop then sends what was kept, state first, and nothing else. */
        free(drain(fd));
        ck_assert_int_gt(sd_event_run(e, 1000 * 1000), 0);
        got = drain(fd);
        ck_assert_str_eq(got, "READY=1|STATUS=99 links");
        ck_assert_ptr_null(n.pending_state);
        ck_assert_ptr_null(n.pending_status);
        notifier_done(&n);
        sd_event_unref(e);
}
END_TEST

START_TEST(test_abstract) {
        char name[64];
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *got = NULL;
        sd_event *e = NULL;
        Notifier n;

        (void) snprintf(name, sizeof(name), "@ipoib-test-notify-%d", (int) getpid());
        fd = receiver(name);
        notifier_test_open(&n, &e, name);
        notifier_send(&n, "READY=1");
        notifier_send(&n, "STATUS=1 link matched");
        got = drain(fd);
        ck_assert_str_eq(got, "READY=1|STATUS=1 link matched");
        ck_assert_uint_eq(n.dropped, 0);
        notifier_done(&n);
        sd_event_unref(e);
}
END_TEST

START_TEST(test_no_socket) {
        _cleanup_free_ char *dir = test_mkdir_tmp(), *path = test_path(dir, "nobody-binds-this");
        sd_event *e = NULL;
        Notifier n;

        /* Unset, relative, or nobody there: nothing is sent, nothing fails. */
        ck_assert_int_eq(unsetenv("NOTIFY_SOCKET"), 0);
        ck_assert_int_eq(sd_event_new(&e), 0);
        ck_assert_int_eq(notifier_open(&n, e), 0);
        ck_assert_int_eq(n.fd, -1);
        notifier_send(&n, "READY=1");
        notifier_done(&n);
        ck_assert_int_eq(setenv("NOTIFY_SOCKET", "relative/path", 1), 0);
        ck_assert_int_eq(notifier_open(&n, e), 0);
        ck_assert_int_eq(n.fd, -1);
        notifier_done(&n);
        ck_assert_int_eq(setenv("NOTIFY_SOCKET", path, 1), 0);
        ck_assert_int_eq(notifier_open(&n, e), 0);
        notifier_send(&n, "READY=1");
        ck_assert_uint_eq(n.sent, 0);
        ck_assert_ptr_null(n.pending_state);
        notifier_done(&n);
        sd_event_unref(e);
}
END_TEST

START_TEST(test_watchdog) {
        _cleanup_free_ char *dir = test_mkdir_tmp(), *path = test_path(dir, "notify"), *got = NULL;
        _cleanup_close_ int fd = receiver(path);
        struct pollfd p = { .fd = fd, .events = POLLIN };
        sd_event *e = NULL;
        Notifier n;

        ck_assert_int_eq(setenv("WATCHDOG_USEC", "20000", 1), 0);
        ck_assert_int_eq(unsetenv("WATCHDOG_PID"), 0);
        notifier_test_open(&n, &e, path);
        ck_assert_uint_eq(n.watchdog_usec, 20000);
        /* Every 10 ms from the loop: run it until one has arrived. */
        while (poll(&p, 1, 0) == 0)
                ck_assert_int_ge(sd_event_run(e, 100 * 1000), 0);
        got = drain(fd);
        ck_assert_ptr_nonnull(strstr(got, "WATCHDOG=1"));
        notifier_done(&n);
        sd_event_unref(e);
        /* For another process: not ours to send. */
        ck_assert_int_eq(setenv("WATCHDOG_PID", "1", 1), 0);
        ck_assert_int_eq(sd_event_new(&e), 0);
        ck_assert_int_eq(notifier_open(&n, e), 0);
        ck_assert_uint_eq(n.watchdog_usec, 0);
        notifier_done(&n);
        sd_event_unref(e);
        (void) unsetenv("WATCHDOG_USEC");
        (void) unsetenv("WATCHDOG_PID");
}
END_TEST

Suite *make_notify_suite(void) {
        Suite *s = suite_create("notify");
        TCase *tc = tcase_create("notify");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_set_timeout(tc, 10);
        tcase_add_test(tc, test_full_receiver);
        tcase_add_test(tc, test_abstract);
        tcase_add_test(tc, test_no_socket);
        tcase_add_test(tc, test_watchdog);
        suite_add_tcase(s, tc);
        return s;
}
