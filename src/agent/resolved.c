/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <systemd/sd-bus.h>

#include "log.h"
#include "resolved.h"
#include "strv.h"

#define RESOLVE1 "org.freedesktop.resolve1"
#define RESOLVE1_PATH "/org/freedesktop/resolve1"
#define RESOLVE1_MANAGER "org.freedesktop.resolve1.Manager"
#define CALL_TIMEOUT_USEC (10 * 1000 * 1000ULL)
#define RECONNECT_USEC (5 * 1000 * 1000ULL)

typedef struct Resolved {
        DnsSink sink;
        sd_event *event;
        sd_bus *bus;
        uint64_t last_connect;
        sd_event_source *retry;
        int connect_error;
} Resolved;

/* One set_link() or revert_link(): one or two method calls, one done() when the last reply is in. */
typedef struct Operation {
        unsigned n_ref; /* the caller while sending, and each call in flight */
        Resolved *r;
        int ifindex;
        uint64_t cookie;
        unsigned calls; /* replies due */
        int error;      /* the first failure */
        char *message;  /* resolved's words for it */
} Operation;

static Operation *operation_unref(Operation *op) {
        if (!op || --op->n_ref > 0)
                return NULL;
        free(op->message);
        return mfree(op);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Operation *, operation_unref);

static void operation_destroy(void *userdata) {
        operation_unref(userdata);
}

static void operation_fail(Operation *op, int error, const char *message) {
        if (op->error < 0)
                return; /* the first failure is the one worth telling */
        op->error = error < 0 ? error : -EIO;
        op->message = message ? strdup(message) : NULL;
}

static void resolved_free(DnsSink *s) {
        Resolved *r = (Resolved *) s;

        /* Pending calls are dropped with the bus; their slots free their own userdata. */
        sd_bus_flush_close_unref(r->bus);
        sd_event_source_disable_unref(r->retry);
        sd_event_unref(r->event);
        free(r);
}

static void resolved_reset(Resolved *r) {
        if (r->sink.events.reset)
                r->sink.events.reset(r->sink.userdata);
}

static int on_name_owner_changed(sd_bus_message *msg, void *userdata, sd_bus_error *ret_error) {
        Resolved *r = userdata;
        const char *name, *old, *new;

        if (sd_bus_message_read(msg, "sss", &name, &old, &new) < 0 || !streq(name, RESOLVE1) || isempty(new))
                return 0;
        /* A (re)started resolved knows nothing of us: send everything again. */
        log_info("systemd-resolved appeared on the bus; sending DNS settings again.");
        resolved_reset(r);
        return 0;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        Resolved *r = userdata;

        r->retry = sd_event_source_disable_unref(r->retry);
        resolved_reset(r);
        return 0;
}

static int resolved_connect(Resolved *r) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        uint64_t now = 0;
        int k;

        if (r->bus)
                return 0;
        (void) sd_event_now(r->event, CLOCK_MONOTONIC, &now);
        if (r->last_connect > 0 && now < r->last_connect + RECONNECT_USEC)
                return r->connect_error;
        r->last_connect = now;

        k = sd_bus_open_system(&bus);
        if (k >= 0)
                k = sd_bus_attach_event(bus, r->event, SD_EVENT_PRIORITY_NORMAL);
        if (k >= 0)
                k = sd_bus_match_signal_async(bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                              "org.freedesktop.DBus", "NameOwnerChanged", on_name_owner_changed,
                                              NULL, r);
        if (k < 0) {
                r->connect_error = k;
                /* The bus may come later (the agent can start before dbus): try again then. */
                if (!r->retry)
                        (void) sd_event_add_time_relative(r->event, &r->retry, CLOCK_MONOTONIC,
                                                          RECONNECT_USEC, 0, on_retry, r);
                return log_warning_errno(k, "Cannot connect to the system bus, DNS settings not applied: %m");
        }
        r->bus = TAKE_PTR(bus);
        r->connect_error = 0;
        return 0;
}

static int on_call_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Operation *op = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        DnsSink *s = &op->r->sink;

        if (sd_bus_error_is_set(e))
                operation_fail(op, -sd_bus_error_get_errno(e), e->message);
        if (op->calls > 0)
                op->calls--;
        if (op->calls == 0 && s->events.done)
                s->events.done(s->userdata, op->ifindex, op->cookie, op->error, op->message);
        return 0;
}

static int call_async(Operation *op, sd_bus_message *m) {
        sd_bus_slot *slot = NULL;
        int k;

        k = sd_bus_call_async(op->r->bus, &slot, m, on_call_reply, op, CALL_TIMEOUT_USEC);
        if (k < 0)
                return k;
        op->n_ref++;
        op->calls++;
        (void) sd_bus_slot_set_destroy_callback(slot, operation_destroy);
        (void) sd_bus_slot_set_floating(slot, 1);
        sd_bus_slot_unref(slot);
        return 0;
}

/* Sends the messages; done() follows once any of them went out. */
static int operation_send(Resolved *r, int ifindex, uint64_t cookie, sd_bus_message *const *msgs, size_t n) {
        _cleanup_(operation_unrefp) Operation *op = NULL;
        int k = 0;

        op = calloc(1, sizeof(Operation));
        if (!op)
                return -ENOMEM;
        *op = (Operation) { .n_ref = 1, .r = r, .ifindex = ifindex, .cookie = cookie };
        for (size_t i = 0; i < n && k >= 0; i++)
                k = call_async(op, msgs[i]);
        if (k < 0 && op->calls == 0)
                return k;
        if (k < 0)
                operation_fail(op, k, NULL); /* told with the reply of what went out */
        return 0;
}

static int append_dns(sd_bus_message *m, const DnsLinkSettings *s) {
        int k;

        k = sd_bus_message_append(m, "i", s->ifindex);
        if (k >= 0)
                k = sd_bus_message_open_container(m, 'a', "(iay)");
        FOREACH_ARRAY(a, s->servers, s->n_servers) {
                if (k >= 0)
                        k = sd_bus_message_open_container(m, 'r', "iay");
                if (k >= 0)
                        k = sd_bus_message_append(m, "i", a->family);
                if (k >= 0)
                        k = sd_bus_message_append_array(m, 'y', &a->addr, family_address_size(a->family));
                if (k >= 0)
                        k = sd_bus_message_close_container(m);
        }
        if (k >= 0)
                k = sd_bus_message_close_container(m);
        return k;
}

static int append_domains(sd_bus_message *m, const DnsLinkSettings *s) {
        int k;

        k = sd_bus_message_append(m, "i", s->ifindex);
        if (k >= 0)
                k = sd_bus_message_open_container(m, 'a', "(sb)");
        STRV_FOREACH(d, s->domains) {
                /* "~corp": a routing-only domain (used to pick the link, not to complete names). */
                bool route_only = (*d)[0] == '~';

                if (k >= 0)
                        k = sd_bus_message_append(m, "(sb)", *d + route_only, route_only);
        }
        if (k >= 0)
                k = sd_bus_message_close_container(m);
        return k;
}

static int resolved_set_link(DnsSink *sink, const DnsLinkSettings *s, uint64_t cookie) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *dns = NULL, *doms = NULL;
        Resolved *r = (Resolved *) sink;
        int k;

        k = resolved_connect(r);
        if (k < 0)
                return k;
        k = sd_bus_message_new_method_call(r->bus, &dns, RESOLVE1, RESOLVE1_PATH, RESOLVE1_MANAGER, "SetLinkDNS");
        if (k >= 0)
                k = append_dns(dns, s);
        if (k >= 0)
                k = sd_bus_message_new_method_call(r->bus, &doms, RESOLVE1, RESOLVE1_PATH, RESOLVE1_MANAGER,
                                                   "SetLinkDomains");
        if (k >= 0)
                k = append_domains(doms, s);
        if (k < 0)
                return k;
        return operation_send(r, s->ifindex, cookie, (sd_bus_message *[]) { dns, doms }, 2);
}

static int resolved_revert_link(DnsSink *sink, int ifindex, uint64_t cookie) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *revert = NULL;
        Resolved *r = (Resolved *) sink;
        int k;

        k = resolved_connect(r);
        if (k < 0)
                return k;
        k = sd_bus_message_new_method_call(r->bus, &revert, RESOLVE1, RESOLVE1_PATH, RESOLVE1_MANAGER,
                                           "RevertLink");
        if (k >= 0)
                k = sd_bus_message_append(revert, "i", ifindex);
        if (k < 0)
                return k;
        return operation_send(r, ifindex, cookie, &revert, 1);
}

static const DnsSinkOps resolved_ops = {
        .name = "systemd-resolved",
        .set_link = resolved_set_link,
        .revert_link = resolved_revert_link,
        /* resolved forgets a link that leaves the kernel by itself. */
        .forget_link = NULL,
        .free = resolved_free,
};

int dns_sink_resolved_new(sd_event *e, DnsSink **ret) {
        Resolved *r = calloc(1, sizeof(Resolved));

        if (!r)
                return -ENOMEM;
        r->sink.ops = &resolved_ops;
        r->event = sd_event_ref(e);
        *ret = &r->sink;
        return 0;
}
