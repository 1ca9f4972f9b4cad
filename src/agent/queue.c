/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>

#include "log.h"
#include "queue.h"

static void ring_done(RequestRing *r) {
        r->items = mfree(r->items);
        r->head = r->n = r->allocated = 0;
}

static int ring_push(RequestRing *q, const Request *r) {
        if (q->n == q->allocated) {
                size_t n = MAX(q->allocated * 2, (size_t) 64);
                Request *items = malloc(n * sizeof(Request));

                if (!items)
                        return -ENOMEM;
                for (size_t i = 0; i < q->n; i++)
                        items[i] = q->items[(q->head + i) % q->allocated];
                free(q->items);
                q->items = items;
                q->allocated = n;
                q->head = 0;
        }
        q->items[(q->head + q->n) % q->allocated] = *r;
        q->n++;
        return 0;
}

static Request *ring_peek(RequestRing *q) {
        return q->n > 0 ? &q->items[q->head] : NULL;
}

static Request *ring_last(RequestRing *q) {
        return q->n > 0 ? &q->items[(q->head + q->n - 1) % q->allocated] : NULL;
}

/* An empty ring above this many entries gives its memory back: the first convergence of 1000 links queues
 * 4,000 requests (786 KB) that the idle agent would otherwise keep. */
#define RING_KEEP 64

/* Puts back in front what was taken from there (requests a batch did not send). */
static int ring_push_front(RequestRing *q, const Request *r) {
        if (q->n == q->allocated) {
                int k = ring_push(q, r); /* grows; then rotate it to the front */

                if (k < 0)
                        return k;
                q->n--;
        }
        q->head = (q->head + q->allocated - 1) % q->allocated;
        q->items[q->head] = *r;
        q->n++;
        return 0;
}

/* Removes the oldest; returns a copy, since finishing it may add requests. */
static Request ring_pop(RequestRing *q) {
        Request r = q->items[q->head];

        q->head = (q->head + 1) % q->allocated;
        q->n--;
        if (q->n == 0 && q->allocated > RING_KEEP)
                ring_done(q);
        return r;
}

void request_queue_init(RequestQueue *q, Backend *backend, RequestFinish finish, void *userdata) {
        q->backend = backend;
        q->finish = finish;
        q->userdata = userdata;
}

void request_queue_done(RequestQueue *q) {
        ring_done(&q->pending);
        ring_done(&q->in_flight);
        q->batch = mfree(q->batch);
}

int request_queue_add(RequestQueue *q, const Action *a) {
        return ring_push(&q->pending, &(Request) { .action = *a, .cookie = ++q->next_cookie });
}

size_t request_queue_max_in_flight(const RequestQueue *q) {
        size_t backend = q->backend ? q->backend->max_in_flight : 0;

        return backend > 0 ? MIN(backend, (size_t) REQUESTS_IN_FLIGHT_MAX) : REQUESTS_IN_FLIGHT_MAX;
}

/* One request the old way: sent alone, or finished at once when it cannot be. */
static void dispatch_one(RequestQueue *q, Request *r) {
        int k = backend_submit(q->backend, &r->action, r->cookie);

        if (k < 0) {
                q->finish(q->userdata, &r->action, k, "could not send the request");
                return;
        }
        q->n_sent++;
        if (ring_push(&q->in_flight, r) < 0) {
                log_oom();
                /* Cannot track it: treat it as done so the link is re-planned. */
                q->finish(q->userdata, &r->action, 0, NULL);
        }
}

/* Up to REQUEST_BATCH_MAX requests in one backend call (several per sendmsg()). The backend sends a
 * prefix of them: those go in flight, the first one not sent is finished with the error, the rest
 * go back to the front of the queue. */
static void dispatch_batch(RequestQueue *q, size_t n) {
        const Action *actions[REQUEST_BATCH_MAX];
        uint64_t cookies[REQUEST_BATCH_MAX];
        size_t sent;
        int error = 0;

        for (size_t i = 0; i < n; i++) {
                q->batch[i] = ring_pop(&q->pending);
                actions[i] = &q->batch[i].action;
                cookies[i] = q->batch[i].cookie;
        }
        sent = backend_submit_batch(q->backend, actions, cookies, n, &error);
        for (size_t i = 0; i < sent; i++) {
                q->n_sent++;
                if (ring_push(&q->in_flight, &q->batch[i]) < 0) {
                        log_oom();
                        q->finish(q->userdata, &q->batch[i].action, 0, NULL);
                }
        }
        if (sent == n)
                return;
        /* Back in front before finishing the failed one: finishing may queue more behind them. */
        for (size_t i = n; i > sent + 1; i--)
                if (ring_push_front(&q->pending, &q->batch[i - 1]) < 0) {
                        log_oom();
                        q->finish(q->userdata, &q->batch[i - 1].action, -ENOMEM, "could not send the request");
                }
        q->finish(q->userdata, &q->batch[sent].action, error < 0 ? error : -EIO, "could not send the request");
}

void request_queue_dispatch(RequestQueue *q) {
        while (q->in_flight.n < request_queue_max_in_flight(q) && q->pending.n > 0) {
                size_t n = MIN(request_queue_max_in_flight(q) - q->in_flight.n, q->pending.n);

                if (q->backend && q->backend->ops->submit_batch && n > 1 &&
                    (q->batch || (q->batch = malloc(REQUEST_BATCH_MAX * sizeof(Request))))) {
                        dispatch_batch(q, MIN(n, (size_t) REQUEST_BATCH_MAX));
                        continue;
                }
                Request r = ring_pop(&q->pending);

                dispatch_one(q, &r);
        }
        if (q->pending.n == 0)
                q->batch = mfree(q->batch); /* 25 KB an idle agent does not need */
}

void request_queue_on_reply(RequestQueue *q, uint64_t cookie, int error, const char *extack) {
        Request *head = ring_peek(&q->in_flight);

        if (!head || head->cookie > cookie) {
                /* Older than anything in flight: answered already, or never sent (submit() failed, and
                 * the backend answers the requests between two of its own by range). */
                log_debug("Reply for request %" PRIu64 ", nothing in flight from then, ignoring.", cookie);
                return;
        }
        if (ring_last(&q->in_flight)->cookie < cookie) {
                log_warning("Reply for unknown request %" PRIu64 ", ignoring.", cookie);
                return;
        }
        /* Answers come in send order: an older request still waiting has lost its answer (ENOBUFS on
         * the backend's socket). */
        while ((head = ring_peek(&q->in_flight)) && head->cookie < cookie) {
                Request r = ring_pop(&q->in_flight);

                q->finish(q->userdata, &r.action, -ENOBUFS, NULL);
        }
        head = ring_peek(&q->in_flight);
        if (head && head->cookie == cookie) {
                Request r = ring_pop(&q->in_flight);

                q->finish(q->userdata, &r.action, error, extack);
        }
        /* Refill when half the cap is free, not one by one: the backend sends what it gets in one call
         * in as few sendmsg() as it can, and the answers to wait for still fill the other half. */
        if (q->in_flight.n <= request_queue_max_in_flight(q) / 2)
                request_queue_dispatch(q);
}
