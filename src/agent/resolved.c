/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <systemd/sd-bus.h>

#include "manager.h"
#include "resolved.h"
#include "strv.h"

#define RESOLVE1 "org.freedesktop.resolve1"
#define RESOLVE1_PATH "/org/freedesktop/resolve1"
#define RESOLVE1_MANAGER "org.freedesktop.resolve1.Manager"
#define CALL_TIMEOUT_USEC (10 * 1000 * 1000ULL)
#define RECONNECT_USEC (5 * 1000 * 1000ULL)

typedef struct ResolvedLink {
        int ifindex;
        char ifname[IFNAMSIZ];
        char *want;     /* signature of what the file asks for ("" = nothing) */
        char *done;     /* signature of what resolved has from us ("" = nothing, NULL = unknown) */
        unsigned calls; /* in flight */
        bool failed;    /* the last attempt failed: wait for a change (link, config, resolved restart) */
        char *error;
        /* what the file asks for, kept for the sim's file and for the calls */
        IbAddress *dns;
        size_t n_dns;
        char **domains;
} ResolvedLink;

struct Resolved {
        Manager *manager;
        char *sim_path; /* the sim's view file, or NULL for D-Bus */
        sd_bus *bus;
        uint64_t last_connect;
        sd_event_source *retry;
        int connect_error;
        IntMap links; /* ifindex → ResolvedLink */
};

static ResolvedLink *resolved_link_free(ResolvedLink *rl) {
        if (!rl)
                return NULL;
        free(rl->want);
        free(rl->done);
        free(rl->error);
        free(rl->dns);
        strv_free(rl->domains);
        return mfree(rl);
}

Resolved *resolved_free(Resolved *r) {
        ResolvedLink *rl;

        if (!r)
                return NULL;
        /* Pending calls are dropped with the bus; their slots free their own userdata. */
        sd_bus_flush_close_unref(r->bus);
        sd_event_source_disable_unref(r->retry);
        for (size_t i = 0; intmap_iterate(&r->links, &i, NULL, (void **) &rl);)
                resolved_link_free(rl);
        intmap_done(&r->links);
        free(r->sim_path);
        return mfree(r);
}

int resolved_new(Manager *m, const char *sim_state_dir, Resolved **ret) {
        Resolved *r = calloc(1, sizeof(Resolved));

        if (!r)
                return -ENOMEM;
        r->manager = m;
        if (sim_state_dir && asprintf(&r->sim_path, "%s/resolved", sim_state_dir) < 0) {
                free(r);
                return -ENOMEM;
        }
        *ret = r;
        return 0;
}

static char *signature(const IbNetwork *n) {
        _cleanup_free_ char *doms = NULL;
        char *s = NULL, *p;
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
        p = s;
        return p;
}

const char *resolved_link_error(Resolved *r, int ifindex) {
        ResolvedLink *rl = r ? intmap_get(&r->links, ifindex) : NULL;

        return rl ? rl->error : NULL;
}

/* ---- the simulated fabric: a file ---- */

static int write_sim_view(Resolved *r) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        ResolvedLink *rl;
        FILE *f;

        f = open_memstream(&text, &size);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; intmap_iterate(&r->links, &i, NULL, (void **) &rl);) {
                if (isempty(rl->done))
                        continue;
                fprintf(f, "Link %d (%s)\n", rl->ifindex, rl->ifname);
                if (rl->n_dns > 0) {
                        fprintf(f, "    DNS Servers:");
                        FOREACH_ARRAY(a, rl->dns, rl->n_dns) {
                                char buf[INET6_ADDRSTRLEN];

                                (void) in_addr_to_string(a->family, &a->addr, buf, sizeof(buf));
                                fprintf(f, " %s", buf);
                        }
                        fputc('\n', f);
                }
                if (rl->domains) {
                        _cleanup_free_ char *d = strv_join(rl->domains, " ");

                        fprintf(f, "     DNS Domain: %s\n", strempty(d));
                }
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        return write_file_atomic(r->sim_path, text, false);
}

/* ---- systemd-resolved over D-Bus ---- */

typedef struct CallData {
        Resolved *r;
        int ifindex;
        char *sig; /* what this call makes true once it and its sibling succeed */
} CallData;

static void call_data_free(void *p) {
        CallData *c = p;

        free(c->sig);
        free(c);
}

static void link_call_done(Resolved *r, int ifindex, const char *sig, const sd_bus_error *e, int error) {
        ResolvedLink *rl = intmap_get(&r->links, ifindex);
        Link *l = intmap_get(&r->manager->links, ifindex);

        if (r->manager->dns_pending > 0)
                r->manager->dns_pending--;
        if (!rl)
                return;
        if (rl->calls > 0)
                rl->calls--;
        if (error < 0 || sd_bus_error_is_set(e)) {
                free(rl->error);
                if (asprintf(&rl->error, "DNS settings not applied: %s", e && e->message ? e->message
                                                                                         : strerror(-error)) < 0)
                        rl->error = NULL;
                rl->failed = true;
                free(rl->done);
                rl->done = NULL; /* unknown now */
        } else if (rl->calls == 0 && !rl->failed) {
                free(rl->done);
                rl->done = strdup(sig);
                rl->error = mfree(rl->error);
        }
        if (l && rl->calls == 0) {
                if (rl->error)
                        log_link_warning(l, "%s", rl->error);
                else
                        log_link_debug(l, "systemd-resolved has the link's DNS settings.");
                manager_link_dirty(r->manager, l); /* refresh its warning; re-sends if the file changed */
        }
}

static int on_call_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        CallData *c = userdata;

        link_call_done(c->r, c->ifindex, c->sig, sd_bus_message_get_error(reply), 0);
        return 0;
}

static void retry_all(Resolved *r) {
        ResolvedLink *rl;

        for (size_t i = 0; intmap_iterate(&r->links, &i, NULL, (void **) &rl);) {
                Link *l = intmap_get(&r->manager->links, rl->ifindex);

                rl->failed = false;
                if (l)
                        manager_link_dirty(r->manager, l);
        }
}

static int on_name_owner_changed(sd_bus_message *msg, void *userdata, sd_bus_error *ret_error) {
        Resolved *r = userdata;
        const char *name, *old, *new;
        ResolvedLink *rl;

        if (sd_bus_message_read(msg, "sss", &name, &old, &new) < 0 || !streq(name, RESOLVE1) || isempty(new))
                return 0;
        /* A (re)started resolved knows nothing of us: send everything again. */
        log_info("systemd-resolved appeared on the bus; sending DNS settings again.");
        for (size_t i = 0; intmap_iterate(&r->links, &i, NULL, (void **) &rl);)
                rl->done = mfree(rl->done);
        retry_all(r);
        return 0;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        Resolved *r = userdata;

        r->retry = sd_event_source_disable_unref(r->retry);
        retry_all(r);
        return 0;
}

static int resolved_connect(Resolved *r) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        uint64_t now = 0;
        int k;

        if (r->bus)
                return 0;
        (void) sd_event_now(r->manager->event, CLOCK_MONOTONIC, &now);
        if (r->last_connect > 0 && now < r->last_connect + RECONNECT_USEC)
                return r->connect_error;
        r->last_connect = now;

        k = sd_bus_open_system(&bus);
        if (k >= 0)
                k = sd_bus_attach_event(bus, r->manager->event, SD_EVENT_PRIORITY_NORMAL);
        if (k >= 0)
                k = sd_bus_match_signal_async(bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                              "org.freedesktop.DBus", "NameOwnerChanged", on_name_owner_changed,
                                              NULL, r);
        if (k < 0) {
                r->connect_error = k;
                /* The bus may come later (the agent can start before dbus): try again then. */
                if (!r->retry)
                        (void) sd_event_add_time_relative(r->manager->event, &r->retry, CLOCK_MONOTONIC,
                                                          RECONNECT_USEC, 0, on_retry, r);
                return log_warning_errno(k, "Cannot connect to the system bus, DNS settings not applied: %m");
        }
        r->bus = TAKE_PTR(bus);
        r->connect_error = 0;
        return 0;
}

static int call_async(Resolved *r, sd_bus_message *m, ResolvedLink *rl, const char *sig) {
        sd_bus_slot *slot = NULL;
        CallData *c;
        int k;

        c = calloc(1, sizeof(CallData));
        if (!c)
                return -ENOMEM;
        *c = (CallData) { .r = r, .ifindex = rl->ifindex, .sig = strdup(sig) };
        if (!c->sig) {
                free(c);
                return -ENOMEM;
        }
        k = sd_bus_call_async(r->bus, &slot, m, on_call_reply, c, CALL_TIMEOUT_USEC);
        if (k < 0) {
                call_data_free(c);
                return k;
        }
        (void) sd_bus_slot_set_destroy_callback(slot, call_data_free);
        (void) sd_bus_slot_set_floating(slot, 1);
        sd_bus_slot_unref(slot);
        rl->calls++;
        r->manager->dns_pending++;
        return 0;
}

static int append_dns(sd_bus_message *m, const ResolvedLink *rl) {
        int k;

        k = sd_bus_message_append(m, "i", rl->ifindex);
        if (k >= 0)
                k = sd_bus_message_open_container(m, 'a', "(iay)");
        FOREACH_ARRAY(a, rl->dns, rl->n_dns) {
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

static int append_domains(sd_bus_message *m, const ResolvedLink *rl) {
        int k;

        k = sd_bus_message_append(m, "i", rl->ifindex);
        if (k >= 0)
                k = sd_bus_message_open_container(m, 'a', "(sb)");
        STRV_FOREACH(d, rl->domains) {
                /* "~corp": a routing-only domain (used to pick the link, not to complete names). */
                bool route_only = (*d)[0] == '~';

                if (k >= 0)
                        k = sd_bus_message_append(m, "(sb)", *d + route_only, route_only);
        }
        if (k >= 0)
                k = sd_bus_message_close_container(m);
        return k;
}

static int send_link(Resolved *r, ResolvedLink *rl) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *dns = NULL, *doms = NULL, *revert = NULL;
        int k;

        k = resolved_connect(r);
        if (k < 0)
                return k;
        if (isempty(rl->want)) {
                /* Nothing in the file any more: give the link back to resolved's defaults. */
                k = sd_bus_message_new_method_call(r->bus, &revert, RESOLVE1, RESOLVE1_PATH, RESOLVE1_MANAGER,
                                                   "RevertLink");
                if (k >= 0)
                        k = sd_bus_message_append(revert, "i", rl->ifindex);
                return k < 0 ? k : call_async(r, revert, rl, "");
        }
        k = sd_bus_message_new_method_call(r->bus, &dns, RESOLVE1, RESOLVE1_PATH, RESOLVE1_MANAGER, "SetLinkDNS");
        if (k >= 0)
                k = append_dns(dns, rl);
        if (k >= 0)
                k = sd_bus_message_new_method_call(r->bus, &doms, RESOLVE1, RESOLVE1_PATH, RESOLVE1_MANAGER,
                                                   "SetLinkDomains");
        if (k >= 0)
                k = append_domains(doms, rl);
        if (k >= 0)
                k = call_async(r, dns, rl, rl->want);
        if (k >= 0)
                k = call_async(r, doms, rl, rl->want);
        return k;
}

void resolved_update_link(Resolved *r, Link *l) {
        const IbNetwork *n = l->network;
        _cleanup_free_ char *sig = signature(n);
        ResolvedLink *rl;
        int k;

        if (!r || !sig)
                return;
        rl = intmap_get(&r->links, l->kernel.ifindex);
        if (!rl) {
                if (isempty(sig))
                        return; /* never had anything from us */
                rl = calloc(1, sizeof(ResolvedLink));
                if (!rl || intmap_put(&r->links, l->kernel.ifindex, rl) < 0) {
                        free(rl);
                        log_oom();
                        return;
                }
                rl->ifindex = l->kernel.ifindex;
        }
        snprintf(rl->ifname, sizeof(rl->ifname), "%s", l->kernel.ifname);
        if (!streq_ptr(rl->want, sig)) {
                free(rl->want);
                rl->want = TAKE_PTR(sig);
                rl->failed = false; /* a new wish deserves a new try */
                free(rl->dns);
                strv_free(rl->domains);
                rl->dns = n && n->n_dns > 0 ? newdup(IbAddress, n->dns, n->n_dns) : NULL;
                rl->n_dns = rl->dns ? n->n_dns : 0;
                rl->domains = n && n->domains ? strv_copy(n->domains) : NULL;
        }
        if (rl->calls > 0 || rl->failed || streq_ptr(rl->done, rl->want))
                return; /* re-checked when the calls end, or when something changes */
        if (!rl->done && isempty(rl->want))
                return; /* nothing known to revert */

        if (r->sim_path) {
                free(rl->done);
                rl->done = strdup(rl->want);
                k = write_sim_view(r);
                if (k < 0)
                        log_link_warning_errno(l, k, "Cannot write %s: %m", r->sim_path);
                return;
        }
        k = send_link(r, rl);
        if (k < 0) {
                free(rl->error);
                if (asprintf(&rl->error, "DNS settings not applied: %s", strerror(-k)) < 0)
                        rl->error = NULL;
                rl->failed = true;
        }
}

void resolved_forget_link(Resolved *r, int ifindex) {
        ResolvedLink *rl = r ? intmap_remove(&r->links, ifindex) : NULL;

        /* Calls in flight find no entry and only count down Manager.dns_pending. */
        resolved_link_free(rl);
        if (rl && r->sim_path)
                (void) write_sim_view(r);
}
