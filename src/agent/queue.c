/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The request queue (networkd-queue.c, kept small): changes wait in a FIFO, up to
 * REQUESTS_IN_FLIGHT_MAX are in flight at once, and replies are matched in send order. The kernel
 * runs rtnetlink requests of one socket in the order sent, so a link's ordered plan stays ordered
 * while many links are pipelined. Bounding what is in flight bounds the ACKs queued on our socket. */

#include <inttypes.h>

#include "manager.h"

void request_queue_done(RequestQueue *q) {
        q->items = mfree(q->items);
        q->head = q->n = q->allocated = 0;
}

static int rq_push(RequestQueue *q, const Request *r) {
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

static Request *rq_peek(RequestQueue *q) {
        return q->n > 0 ? &q->items[q->head] : NULL;
}

static void rq_pop(RequestQueue *q) {
        q->head = (q->head + 1) % q->allocated;
        q->n--;
}

int manager_enqueue(Manager *m, Link *l, const Action *a) {
        Request r = { .action = *a, .cookie = ++m->next_cookie };
        int k;

        k = rq_push(&m->pending, &r);
        if (k < 0)
                return k;
        l->outstanding++;
        return 0;
}

static void request_finish(Manager *m, const Request *r, int error, const char *extack) {
        Link *l = intmap_get(&m->links, r->action.ifindex);

        if (!l) {
                /* The link went away before its answer came (the kernel sends RTM_DELLINK before the
                 * ACK of a deletion). What the answer says about ownership still holds. */
                if (error == 0)
                        owner_request_gone_link(&m->owner, &r->action);
                return;
        }
        link_request_done(l, &r->action, error, extack);
        if (l->outstanding > 0 && --l->outstanding == 0)
                manager_link_dirty(m, l); /* verify: re-plan against the updated cache */
}

void manager_dispatch(Manager *m) {
        while (m->in_flight.n < REQUESTS_IN_FLIGHT_MAX && m->pending.n > 0) {
                Request r = *rq_peek(&m->pending);
                int k;

                rq_pop(&m->pending);
                k = backend_submit(m->backend, &r.action, r.cookie);
                if (k < 0) {
                        request_finish(m, &r, k, "could not send the request");
                        continue;
                }
                m->n_mutations++;
                if (rq_push(&m->in_flight, &r) < 0) {
                        log_oom();
                        /* Cannot track it: treat it as done so the link is re-planned. */
                        request_finish(m, &r, 0, NULL);
                }
        }
}

void manager_on_reply(void *userdata, uint64_t cookie, int error, const char *extack) {
        Manager *m = userdata;
        Request *r = rq_peek(&m->in_flight);
        Request copy;

        if (!r || r->cookie != cookie) {
                log_warning("Reply for unknown request %" PRIu64 ", ignoring.", cookie);
                return;
        }
        copy = *r;
        rq_pop(&m->in_flight);
        request_finish(m, &copy, error, extack);
        manager_dispatch(m);
        /* The last answer may belong to a link that is gone: nothing is dirty then, but idleness
         * (READY, STATUS, --oneshot's exit, saving the record) must still be noticed. */
        if (m->pending.n == 0 && m->in_flight.n == 0 && m->reconcile_source)
                (void) sd_event_source_set_enabled(m->reconcile_source, SD_EVENT_ONESHOT);
}
