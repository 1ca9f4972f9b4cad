/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "link-dns.h"
#include "strv.h"

typedef struct LinkDnsEntry {
        int ifindex;
        char *want;      /* signature of what the file asks for ("" = nothing) */
        char *done;      /* signature of what the sink has from us ("" = nothing, NULL = unknown) */
        char *sending;   /* what the operation in flight makes true once it succeeds */
        uint64_t cookie; /* of that operation, 0 = none */
        bool in_call;    /* in set_link()/revert_link(): a done() now is from a sink that finished at once */
        bool failed;     /* the last attempt failed: wait for a change (link, config, resolver restart) */
        char *error;
} LinkDnsEntry;

struct LinkDns {
        Manager *manager;
        DnsSink *sink;
        IntMap links; /* ifindex → LinkDnsEntry */
        uint64_t next_cookie;
};

static LinkDnsEntry *entry_free(LinkDnsEntry *e) {
        if (!e)
                return NULL;
        free(e->want);
        free(e->done);
        free(e->sending);
        free(e->error);
        return mfree(e);
}

LinkDns *link_dns_free(LinkDns *d) {
        LinkDnsEntry *e;

        if (!d)
                return NULL;
        /* First the sink: operations in flight are dropped with it and call nothing back. */
        dns_sink_free(d->sink);
        for (size_t i = 0; intmap_iterate(&d->links, &i, NULL, (void **) &e);)
                entry_free(e);
        intmap_done(&d->links);
        return mfree(d);
}

static void on_sink_done(void *userdata, int ifindex, uint64_t cookie, int error, const char *message);
static void on_sink_reset(void *userdata);

int link_dns_new(Manager *m, DnsSink *sink, LinkDns **ret) {
        LinkDns *d = calloc(1, sizeof(LinkDns));

        if (!d)
                return -ENOMEM;
        d->manager = m;
        d->sink = sink;
        sink->events = (DnsSinkEvents) { .done = on_sink_done, .reset = on_sink_reset };
        sink->userdata = d;
        *ret = d;
        return 0;
}

/* What the file asks for, in one comparable string. */
static char *signature(const IbNetwork *n) {
        _cleanup_free_ char *doms = NULL;
        char *s = NULL;
        size_t size = 0;
        FILE *f;

        if (!n || (n->n_dns == 0 && !n->domains))
                return strdup("");
        f = open_memstream(&s, &size);
        if (!f)
                return NULL;
        FOREACH_ARRAY(a, n->dns, n->n_dns) {
                char buf[INET6_ADDRSTRLEN];

                (void) in_addr_to_string(a->family, &a->addr, buf, sizeof(buf));
                fprintf(f, "%s ", buf);
        }
        doms = strv_join(n->domains, " ");
        fprintf(f, "| %s", strempty(doms));
        if (fclose(f) != 0)
                return mfree(s);
        return s;
}

static void entry_set_error(LinkDnsEntry *e, int error, const char *message) {
        free(e->error);
        if (asprintf(&e->error, "DNS settings not applied: %s", message ?: strerror(-error)) < 0)
                e->error = NULL;
        e->failed = true;
}

const char *link_dns_error(LinkDns *d, int ifindex) {
        LinkDnsEntry *e = d ? intmap_get(&d->links, ifindex) : NULL;

        return e ? e->error : NULL;
}

static void on_sink_done(void *userdata, int ifindex, uint64_t cookie, int error, const char *message) {
        LinkDns *d = userdata;
        Manager *m = d->manager;
        LinkDnsEntry *e = intmap_get(&d->links, ifindex);
        Link *l = intmap_get(&m->links, ifindex);
        bool had_error;

        if (m->dns_pending > 0)
                m->dns_pending--;
        /* Forgotten since, or the ifindex went to a new link: nothing to learn from it. */
        if (!e || e->cookie != cookie)
                return;
        e->cookie = 0;
        had_error = e->error != NULL;
        if (error < 0) {
                entry_set_error(e, error, message);
                e->done = mfree(e->done); /* unknown now */
        } else {
                free(e->done);
                e->done = TAKE_PTR(e->sending);
                e->error = mfree(e->error);
        }
        e->sending = mfree(e->sending);
        if (!l)
                return;
        if (e->error)
                log_link_warning(l, "%s", e->error);
        else
                log_link_debug(l, "%s has the link's DNS settings.", d->sink->ops->name);
        /* Refresh its warning, and send again if the file changed meanwhile. A sink that finished
         * within link_dns_update() leaves nothing to re-send, and the caller goes on with the link. */
        if (!e->in_call || had_error || e->error)
                manager_link_dirty(m, l);
}

static void on_sink_reset(void *userdata) {
        LinkDns *d = userdata;
        LinkDnsEntry *e;

        for (size_t i = 0; intmap_iterate(&d->links, &i, NULL, (void **) &e);) {
                Link *l = intmap_get(&d->manager->links, e->ifindex);

                e->done = mfree(e->done);
                e->failed = false;
                if (l)
                        manager_link_dirty(d->manager, l);
        }
}

static int link_dns_send(LinkDns *d, LinkDnsEntry *e, const Link *l) {
        const IbNetwork *n = l->network;
        uint64_t cookie = ++d->next_cookie;
        int r;

        e->sending = strdup(e->want);
        if (!e->sending)
                return -ENOMEM;
        e->cookie = cookie;
        d->manager->dns_pending++;
        e->in_call = true;
        if (isempty(e->want))
                /* Nothing in the file any more: give the link back to the resolver's defaults. */
                r = dns_sink_revert_link(d->sink, e->ifindex, cookie);
        else
                r = dns_sink_set_link(d->sink,
                                      &(DnsLinkSettings) {
                                              .ifindex = e->ifindex,
                                              .ifname = l->kernel.ifname,
                                              .servers = n->dns,
                                              .n_servers = n->n_dns,
                                              .domains = n->domains,
                                      },
                                      cookie);
        e->in_call = false;
        if (r < 0) {
                e->cookie = 0;
                e->sending = mfree(e->sending);
                d->manager->dns_pending--;
        }
        return r;
}

void link_dns_update(LinkDns *d, Link *l) {
        _cleanup_free_ char *sig = signature(l->network);
        LinkDnsEntry *e;
        int r;

        if (!d || !sig)
                return;
        e = intmap_get(&d->links, l->kernel.ifindex);
        if (!e) {
                if (isempty(sig))
                        return; /* never had anything from us */
                e = calloc(1, sizeof(LinkDnsEntry));
                if (!e || intmap_put(&d->links, l->kernel.ifindex, e) < 0) {
                        free(e);
                        log_oom();
                        return;
                }
                e->ifindex = l->kernel.ifindex;
        }
        if (!streq_ptr(e->want, sig)) {
                free(e->want);
                e->want = TAKE_PTR(sig);
                e->failed = false; /* a new wish deserves a new try */
        }
        if (e->cookie != 0 || e->failed || streq_ptr(e->done, e->want))
                return; /* re-checked when the operation ends, or when something changes */
        if (!e->done && isempty(e->want))
                return; /* nothing known to revert */

        r = link_dns_send(d, e, l);
        if (r < 0)
                entry_set_error(e, r, NULL);
}

void link_dns_forget(LinkDns *d, int ifindex) {
        LinkDnsEntry *e = d ? intmap_remove(&d->links, ifindex) : NULL;

        if (!e)
                return;
        /* Operations in flight find no entry and only count down Manager.dns_pending. */
        entry_free(e);
        dns_sink_forget_link(d->sink, ifindex);
}
