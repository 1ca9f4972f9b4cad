/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The request queue against a backend that only records: the in-flight cap (its own and the backend's),
 * replies matched in order, lost answers inferred from a later one, stale answers ignored. */

#include <check.h>

#include "queue.h"
#include "test-suites.h"

typedef struct Recorder {
        Backend backend;
        uint64_t submitted[16];
        size_t n_submitted;
        int fail_next; /* submit() returns this once when < 0 */
        int finished[16]; /* error per cookie, 1 = not finished */
} Recorder;

static int recorder_submit(Backend *b, const Action *a, uint64_t cookie) {
        Recorder *r = (Recorder *) b;

        if (r->fail_next < 0) {
                int k = r->fail_next;

                r->fail_next = 0;
                return k;
        }
        ck_assert_uint_lt(r->n_submitted, ELEMENTSOF(r->submitted));
        r->submitted[r->n_submitted++] = cookie;
        return 0;
}

static void recorder_free(Backend *b) {
}

/* A batch: the first fail_at_batch requests go, the next fails with fail_next, the rest are not tried. */
static size_t batches, fail_at_batch = SIZE_MAX;

static size_t recorder_submit_batch(Backend *b, const Action *const *actions, const uint64_t *cookies, size_t n,
                                    int *ret_error) {
        Recorder *r = (Recorder *) b;

        batches++;
        for (size_t i = 0; i < n; i++) {
                if (i == fail_at_batch) {
                        fail_at_batch = SIZE_MAX;
                        *ret_error = r->fail_next;
                        r->fail_next = 0;
                        return i;
                }
                ck_assert_uint_lt(r->n_submitted, ELEMENTSOF(r->submitted));
                r->submitted[r->n_submitted++] = cookies[i];
        }
        return n;
}

static const BackendOps recorder_ops = {
        .name = "recorder",
        .submit = recorder_submit,
        .free = recorder_free,
};

static const BackendOps recorder_batch_ops = {
        .name = "recorder-batch",
        .submit = recorder_submit,
        .submit_batch = recorder_submit_batch,
        .free = recorder_free,
};

/* The action's ifindex carries its cookie back to the test. */
static void on_finish(void *userdata, const Action *a, int error, const char *extack) {
        Recorder *r = userdata;

        ck_assert_int_eq(r->finished[a->ifindex], 1);
        r->finished[a->ifindex] = error;
}

static void setup(Recorder *r, RequestQueue *q, size_t backend_cap) {
        *r = (Recorder) { .backend = { .ops = &recorder_ops, .max_in_flight = backend_cap } };
        for (size_t i = 0; i < ELEMENTSOF(r->finished); i++)
                r->finished[i] = 1;
        *q = (RequestQueue) {};
        request_queue_init(q, &r->backend, on_finish, r);
}

static void add(RequestQueue *q, int n) {
        for (int i = 1; i <= n; i++) {
                Action a = { .type = ACTION_SET_UP, .ifindex = (int) q->next_cookie + 1 };

                ck_assert_int_eq(request_queue_add(q, &a), 0);
        }
}

START_TEST(test_queue_cap_and_order) {
        Recorder r;
        RequestQueue q;

        setup(&r, &q, 2);
        ck_assert_uint_eq(request_queue_max_in_flight(&q), 2);
        add(&q, 4);
        request_queue_dispatch(&q);
        ck_assert_uint_eq(r.n_submitted, 2);
        request_queue_on_reply(&q, 1, 0, NULL);
        ck_assert_int_eq(r.finished[1], 0);
        ck_assert_uint_eq(r.n_submitted, 3); /* a place came free */
        /* The backend halves its capacity: the queue follows. */
        r.backend.max_in_flight = 1;
        request_queue_on_reply(&q, 2, -EINVAL, NULL);
        ck_assert_int_eq(r.finished[2], -EINVAL);
        ck_assert_uint_eq(r.n_submitted, 3);
        request_queue_on_reply(&q, 3, 0, NULL);
        request_queue_on_reply(&q, 4, 0, NULL);
        ck_assert_uint_eq(r.n_submitted, 4);
        ck_assert(request_queue_is_idle(&q));
        ck_assert_uint_eq(q.n_sent, 4);
        request_queue_done(&q);
}
END_TEST

START_TEST(test_queue_lost_and_stale) {
        Recorder r;
        RequestQueue q;

        setup(&r, &q, 0);
        ck_assert_uint_eq(request_queue_max_in_flight(&q), REQUESTS_IN_FLIGHT_MAX);
        add(&q, 4);
        request_queue_dispatch(&q);
        /* The answer of 3 came, those of 1 and 2 did not: lost. */
        request_queue_on_reply(&q, 3, 0, NULL);
        ck_assert_int_eq(r.finished[1], -ENOBUFS);
        ck_assert_int_eq(r.finished[2], -ENOBUFS);
        ck_assert_int_eq(r.finished[3], 0);
        ck_assert_int_eq(r.finished[4], 1);
        /* Stale (older than anything in flight) and unknown (never sent) answers change nothing. */
        request_queue_on_reply(&q, 2, 0, NULL);
        request_queue_on_reply(&q, 9, 0, NULL);
        ck_assert_int_eq(r.finished[4], 1);
        request_queue_on_reply(&q, 4, -EEXIST, NULL);
        ck_assert_int_eq(r.finished[4], -EEXIST);
        ck_assert(request_queue_is_idle(&q));
        request_queue_done(&q);
}
END_TEST

START_TEST(test_queue_submit_fails) {
        Recorder r;
        RequestQueue q;

        setup(&r, &q, 0);
        add(&q, 2);
        r.fail_next = -ENOMEM;
        request_queue_dispatch(&q);
        /* Not sent: finished at once, and the next one goes out. */
        ck_assert_int_eq(r.finished[1], -ENOMEM);
        ck_assert_uint_eq(r.n_submitted, 1);
        ck_assert_uint_eq(r.submitted[0], 2);
        ck_assert_uint_eq(q.n_sent, 1);
        request_queue_on_reply(&q, 2, 0, NULL);
        ck_assert_int_eq(r.finished[2], 0);
        request_queue_done(&q);
}
END_TEST

START_TEST(test_queue_batch) {
        Recorder r;
        RequestQueue q;

        setup(&r, &q, 4);
        r.backend.ops = &recorder_batch_ops;
        batches = 0;
        add(&q, 10);
        /* Of the first batch (1-4), 1 and 2 go, 3 cannot be sent, 4 goes back to the queue: it and 5
         * go in the next batch, in order. */
        fail_at_batch = 2;
        r.fail_next = -ENOMEM;
        request_queue_dispatch(&q);
        ck_assert_int_eq(r.finished[3], -ENOMEM);
        ck_assert_uint_eq(r.n_submitted, 4);
        ck_assert_uint_eq(r.submitted[0], 1);
        ck_assert_uint_eq(r.submitted[1], 2);
        ck_assert_uint_eq(r.submitted[2], 4);
        ck_assert_uint_eq(r.submitted[3], 5);
        ck_assert_uint_eq(batches, 2);
        /* One place free of four: nothing is sent until half the cap is. */
        request_queue_on_reply(&q, 1, 0, NULL);
        ck_assert_uint_eq(r.n_submitted, 4);
        request_queue_on_reply(&q, 2, 0, NULL);
        ck_assert_uint_eq(r.n_submitted, 6); /* 6 and 7 in one batch */
        ck_assert_uint_eq(batches, 3);
        for (uint64_t c = 4; c <= 10; c++)
                request_queue_on_reply(&q, c, 0, NULL);
        ck_assert(request_queue_is_idle(&q));
        ck_assert_uint_eq(q.n_sent, 9);
        for (int i = 1; i <= 10; i++)
                ck_assert_int_eq(r.finished[i], i == 3 ? -ENOMEM : 0);
        request_queue_done(&q);
}
END_TEST

Suite *make_queue_suite(void) {
        Suite *s = suite_create("queue");
        TCase *tc = tcase_create("pipeline");

        tcase_add_test(tc, test_queue_cap_and_order);
        tcase_add_test(tc, test_queue_lost_and_stale);
        tcase_add_test(tc, test_queue_submit_fails);
        tcase_add_test(tc, test_queue_batch);
        suite_add_tcase(s, tc);
        return s;
}
