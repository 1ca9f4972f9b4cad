/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The one request pipeline (networkd-queue.c, kept small): actions wait in a FIFO, at most
 * request_queue_max_in_flight() are in flight at once, and the backend's answers are matched to them
 * here. Backends send what they are given at once and keep no queue of their own. The kernel runs the
 * rtnetlink requests of one socket in the order sent, so a link's ordered plan stays ordered while
 * many links are pipelined; bounding what is in flight bounds the answers queued on the socket. */

#include "action.h"
#include "backend.h"

#define REQUESTS_IN_FLIGHT_MAX 256
/* Requests handed to the backend in one call (BackendOps.submit_batch). */
#define REQUEST_BATCH_MAX 128

typedef struct Request {
        Action action;
        uint64_t cookie; /* names it to the backend, in submit order */
} Request;

/* A FIFO of requests (a ring buffer). */
typedef struct RequestRing {
        Request *items;
        size_t head, n, allocated;
} RequestRing;

/* Called once per request: when its answer comes, when it could not be sent, or when a later answer
 * shows that its own was lost (-ENOBUFS). */
typedef void (*RequestFinish)(void *userdata, const Action *a, int error, const char *extack);

typedef struct RequestQueue {
        Backend *backend;
        RequestFinish finish;
        void *userdata;
        RequestRing pending;   /* not sent yet */
        RequestRing in_flight; /* sent, answer due, in send order */
        uint64_t next_cookie;
        uint64_t n_sent;       /* requests sent: for the summary and tests */
        Request *batch;        /* REQUEST_BATCH_MAX, the requests of one submit_batch() */
} RequestQueue;

void request_queue_init(RequestQueue *q, Backend *backend, RequestFinish finish, void *userdata);
void request_queue_done(RequestQueue *q);

int request_queue_add(RequestQueue *q, const Action *a);
/* Sends what the in-flight cap allows. */
void request_queue_dispatch(RequestQueue *q);
/* The backend's answer to the request with this cookie (BackendEvents.reply). Answers come in submit
 * order: the requests sent before it that are still in flight have lost theirs. */
void request_queue_on_reply(RequestQueue *q, uint64_t cookie, int error, const char *extack);

/* The cap: REQUESTS_IN_FLIGHT_MAX, or less when the backend says its socket holds fewer answers. */
size_t request_queue_max_in_flight(const RequestQueue *q) _pure_;
static inline bool request_queue_is_idle(const RequestQueue *q) {
        return q->pending.n == 0 && q->in_flight.n == 0;
}
