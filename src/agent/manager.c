/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <net/if_arp.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>

#include "describe.h"
#include "ipoib-proto.h"
#include "link-config.h"
#include "link-dns.h"
#include "hold.h"
#include "manager.h"
#include "plan.h"
#include "rules.h"
#include "status-print.h"
#include "strv.h"

int manager_new(Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        m = calloc(1, sizeof(Manager));
        if (!m)
                return -ENOMEM;
        m->notify.fd = -1;
        r = sd_event_default(&m->event);
        if (r < 0)
                return r;
        r = notifier_open(&m->notify, m->event);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

Manager *manager_free(Manager *m) {
        Link *l;
        size_t i = 0;
        bool free_all;

        if (!m)
                return NULL;
        /* Stopping on a signal (handled, or pending since the loop ended), the kernel takes the memory
         * back at exit in one go: freeing 10,000 parsed files or thousands of links one by one took longer
         * than the 100 ms a stop may take. Sanitizer builds free everything, so that leaks stay visible. */
        if (m->backend && stop_signal_pending())
                m->backend->stopping = true;
        free_all = FREE_EVERYTHING_AT_EXIT || !(m->stopping || stop_signal_pending());
        while (free_all && intmap_iterate(&m->links, &i, NULL, (void **) &l))
                link_free(l);
        intmap_done(&m->links);
        strmap_done(&m->links_by_name);
        sd_bus_flush_close_unref(m->bus);
        for (size_t k = 0; k < m->n_control; k++)
                sd_bus_flush_close_unref(m->control[k]);
        free(m->control);
        sd_event_source_disable_unref(m->control_source);
        if (m->control_path)
                (void) unlink(m->control_path);
        free(m->control_path);
        link_dns_free(m->dns);
        backend_free(m->backend);
        if (free_all)
                ib_config_done(&m->config);
        strv_free(m->config_rejected_paths);
        diag_list_done(&m->config_diags);
        strv_free(m->config_dirs);
        strv_free(m->holds);
        free(m->runtime_dir);
        strv_free(m->warnings);
        owner_done(&m->owner);
        free(m->rules);
        request_queue_done(&m->queue);
        sd_event_source_unref(m->reconcile_source);
        sd_event_source_disable_unref(m->resync_timer);
        sd_event_source_disable_unref(m->sigterm_source);
        sd_event_source_disable_unref(m->sigint_source);
        notifier_done(&m->notify);
        sd_event_unref(m->event);
        return mfree(m);
}


static void log_diags(const DiagList *d) {
        FOREACH_ARRAY(x, d->items, d->n) {
                _cleanup_free_ char *s = diag_format(x);
                int level = x->level == DIAG_ERROR ? LOG_ERR : x->level == DIAG_WARNING ? LOG_WARNING : LOG_NOTICE;

                log_full(level, "%s", strna(s));
        }
}

static IbConfigEntry *config_find(IbConfig *c, const char *name) {
        FOREACH_ARRAY(e, c->entries, c->n)
                if (streq(e->name, name))
                        return e;
        return NULL;
}

/* A directory of the search path that vanished (moved away, replaced by a file) is not "nothing
 * configured": everything the agent created would go. Only a present, readable directory with no files
 * means that. A directory that did not exist at the last load and still does not is fine. */
static int config_dirs_check(Manager *m, char *const *dirs, const ConfFileList *files, bool reload) {
        unsigned i = 0;

        STRV_FOREACH(dir, dirs) {
                uint64_t bit = (uint64_t) 1 << i++;

                if (files->dirs_not_dir & bit) {
                        log_error("%s: not a directory; %s.", *dir,
                                  reload ? "keeping the last good configuration" : "not starting");
                        return -ENOTDIR;
                }
                if (reload && (m->config_dirs_read & bit) && !(files->dirs_read & bit)) {
                        log_error("%s: the configuration directory is gone; keeping the last good configuration "
                                  "(to configure nothing, remove its files, not the directory).",
                                  *dir);
                        return -ENOENT;
                }
        }
        return 0;
}

int manager_load_config(Manager *m, bool reload) {
        char *const *dirs = m->config_dirs ?: (char *const *) ibnet_search_path;
        _cleanup_(conf_file_list_done) ConfFileList files = {};
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_(ib_config_done) IbConfig c = {};
        _cleanup_strv_free_ char **rejected = NULL;
        int r;

        r = conf_files_list(dirs, &files);
        if (r < 0 && r != -EINTR)
                return log_error_errno(r, "Failed to list configuration files%s: %m",
                                       reload ? "; keeping the last good configuration" : "");
        if (r >= 0) {
                r = config_dirs_check(m, dirs, &files, reload);
                if (r < 0)
                        return r;
        }
        if (r >= 0)
                r = ib_config_load(&files, geteuid() == 0 ? LOAD_CHECK_PERMISSIONS : 0, &diags, &c);
        if (r == -EINTR) {
                log_info("Stopping: configuration load interrupted.");
                return r;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to load configuration%s: %m",
                                       reload ? "; keeping the last good configuration" : "");
        m->config_rejected = (unsigned) r;
        diag_sort(&diags);
        log_diags(&diags);

        /* A file that no longer validates keeps its last good version: a bad edit never takes a link
         * down. A new file that does not validate is simply not used. */
        FOREACH_ARRAY(e, c.entries, c.n) {
                IbConfigEntry *old;

                if (e->network)
                        continue;
                if (strv_extend(&rejected, e->path) < 0)
                        return log_oom();
                old = reload ? config_find(&m->config, e->name) : NULL;
                if (old && old->network) {
                        log_warning("%s: keeping the last good version of this file.", e->path);
                        e->network = ib_network_ref(old->network);
                } else
                        log_warning("%s: not used until its errors are fixed.", e->path);
        }
        /* Without the index child lookups scan every file: slower, still right. */
        if (ib_config_index_children(&c) < 0 || ib_config_index_names(&c) < 0)
                log_oom();
        ib_config_done(&m->config);
        m->config = c;
        c = (IbConfig) {};
        strv_free(m->config_rejected_paths);
        m->config_rejected_paths = TAKE_PTR(rejected);
        diag_list_done(&m->config_diags);
        m->config_diags = diags;
        diags = (DiagList) {};
        m->config_dirs_read = files.dirs_read;
        if (m->backend && manager_config_uses_tables(m))
                m->backend->all_tables = true;
        log_info("%s %zu configuration file%s.", reload ? "Reloaded" : "Loaded", m->config.n,
                 m->config.n == 1 ? "" : "s");
        return 0;
}

/* A file asks for routes outside the main table, or for rules: dumps read every table (Backend.all_tables). */
bool manager_config_uses_tables(const Manager *m) {
        FOREACH_ARRAY(e, m->config.entries, m->config.n) {
                const IbNetwork *n = e->network;

                if (!n)
                        continue;
                if (n->n_rules > 0 || n->source_routing)
                        return true;
                FOREACH_ARRAY(r, n->routes, n->n_routes)
                        if (r->has_table)
                                return true;
                FOREACH_ARRAY(t, n->templates, n->n_templates)
                        if (t->key == SCHEMA_KEY_ROUTE_TABLE)
                                return true;
        }
        return false;
}

void manager_link_dirty(Manager *m, Link *l) {
        if (!l->dirty) {
                /* A link is on the list exactly while l->dirty is set. */
                l->dirty = true;
                l->dirty_prev = NULL;
                l->dirty_next = m->dirty;
                if (m->dirty)
                        m->dirty->dirty_prev = l;
                m->dirty = l;
        }
        if (m->reconcile_source)
                (void) sd_event_source_set_enabled(m->reconcile_source, SD_EVENT_ONESHOT);
}

static void manager_all_dirty(Manager *m) {
        Link *l;

        for (size_t i = 0; intmap_iterate(&m->links, &i, NULL, (void **) &l);) {
                link_retry(l);
                link_rematch(m, l);
                manager_link_dirty(m, l);
        }
}

static void manager_check_idle(Manager *m) {
        char status[512];

        if (m->dumping || m->dirty || !request_queue_is_idle(&m->queue) || m->dns_pending > 0)
                return;

        (void) owner_save(&m->owner);
        if (describe_notify_status(m, status, sizeof(status)) >= 0)
                notifier_send(&m->notify, status);
        if (!m->ready_notified) {
                m->ready_notified = true;
                notifier_send(&m->notify, "READY=1");
        }
        if (m->oneshot) {
                m->exit_status = manager_print_summary(m, stdout);
                /* Out before the simulated fabric's view is completed at exit. */
                (void) fflush(stdout);
                (void) sd_event_exit(m->event, m->exit_status);
        }
}

static int link_cmp_ifindex(const void *a, const void *b) {
        const Link *x = *(Link *const *) a, *y = *(Link *const *) b;

        return (x->kernel.ifindex > y->kernel.ifindex) - (x->kernel.ifindex < y->kernel.ifindex);
}

/* The write-ahead record: the intents of the requests just queued go to disk before any is sent,
 * in one write for the whole batch. */
static void manager_flush_intents(Manager *m) {
        int r = owner_flush_intents(&m->owner);

        if (r < 0 && !m->record_write_failed)
                log_warning_errno(r, "Failed to write %s; after a crash, objects created now may be left "
                                  "behind: %m", m->owner.path);
        m->record_write_failed = r < 0;
}

static int on_reconcile(sd_event_source *s, void *userdata) {
        Manager *m = userdata;
        _cleanup_free_ Link **batch = NULL;
        size_t n = 0, allocated = 0;

        if (m->dumping)
                return 0;
        /* In ifindex order: when two links compete for something (the same default route), the
         * outcome does not depend on hash order, and logs read in the order of ip link. */
        while (m->dirty) {
                n = 0;
                for (Link *l = m->dirty; l; l = l->dirty_next) {
                        if (!GREEDY_REALLOC(batch, allocated, n + 1))
                                return log_oom();
                        batch[n++] = l;
                }
                m->dirty = NULL;
                qsort(batch, n, sizeof(Link *), link_cmp_ifindex);
                for (size_t i = 0; i < n; i++) {
                        Link *l = batch[i];

                        l->dirty_next = l->dirty_prev = NULL;
                        l->dirty = false;
                        (void) link_reconcile(m, l);
                        if (l->outstanding > 0)
                                l->dirty = false; /* the last reply re-marks it */
                }
        }
        /* After the links: what no link's file wants any more. */
        manager_reconcile_rules(m);
        manager_flush_intents(m);
        request_queue_dispatch(&m->queue);
        manager_check_idle(m);
        return 0;
}

static bool link_has_ipv4(const Link *l) {
        FOREACH_ARRAY(a, l->addresses, l->n_addresses)
                if (a->family == AF_INET)
                        return true;
        return false;
}

/* A link known from a previous run: what the agent asked of its MTU then (owner.h). */
static void link_restore_mtu(Manager *m, Link *l) {
        const OwnedLink *o = owner_get(&m->owner, l->kernel.ifname);

        if (o && o->mtu_requested > 0) {
                l->ipoib.mtu_requested = o->mtu_requested;
                l->ipoib.mtu_effective = o->mtu_effective;
        }
}

static bool link_is_managed(Manager *m, const Link *l) {
        return l->network || owner_get(&m->owner, l->kernel.ifname) || link_has_marked(l);
}

/* A child appearing or going away changes its parent's plan (create it, or not). */
static void link_parent_dirty(Manager *m, const Link *l) {
        Link *p = link_parent(m, l);

        if (!p)
                return;
        /* A child that could not be made may be possible now (its name freed by the deletion of
         * an old child, say): try again. Only when one failed: this runs for every child's event. */
        if (p->children_failed)
                FOREACH_ARRAY(c, p->children, p->n_children)
                        c->failed = false;
        p->children_failed = false;
        manager_link_dirty(m, p);
}

static void link_remove(Manager *m, Link *l) {
        log_link_debug(l, "Link removed.");
        link_dns_forget(m->dns, l->kernel.ifindex);
        link_parent_dirty(m, l);
        intmap_remove(&m->links, l->kernel.ifindex);
        if (strmap_get(&m->links_by_name, l->kernel.ifname) == l)
                strmap_remove(&m->links_by_name, l->kernel.ifname);
        if (l->dirty) { /* O(1), also when thousands of links go at once */
                if (l->dirty_prev)
                        l->dirty_prev->dirty_next = l->dirty_next;
                else
                        m->dirty = l->dirty_next;
                if (l->dirty_next)
                        l->dirty_next->dirty_prev = l->dirty_prev;
        }
        link_free(l);
}

static void on_link(void *userdata, const KLink *k, bool removed) {
        Manager *m = userdata;
        Link *l = intmap_get(&m->links, k->ifindex);
        bool renamed;

        if (removed) {
                if (l)
                        link_remove(m, l);
                return;
        }
        if (!l) {
                if (link_new(m, k, &l) < 0 || intmap_put(&m->links, k->ifindex, l) < 0 ||
                    strmap_put(&m->links_by_name, k->ifname, l) < 0) {
                        intmap_remove(&m->links, k->ifindex);
                        link_free(l);
                        log_oom();
                        return;
                }
                l->seen = true;
                link_restore_mtu(m, l);
                link_rematch(m, l);
                manager_link_dirty(m, l);
                link_parent_dirty(m, l);
                /* A parent that comes (back): its children may already wait in the config. */
                return;
        }
        l->seen = true;
        renamed = !streq(l->kernel.ifname, k->ifname);
        if (renamed) {
                if (strmap_get(&m->links_by_name, l->kernel.ifname) == l)
                        strmap_remove(&m->links_by_name, l->kernel.ifname);
                (void) strmap_put(&m->links_by_name, k->ifname, l);
                /* What the agent created on it is still its own under the new name (udev renames
                 * at boot); a record left under the old name would claim a future namesake's. */
                owner_rename(&m->owner, l->kernel.ifname, k->ifname);
        }
        bool went_down = (l->kernel.flags & IFF_UP) && !(k->flags & IFF_UP);
        /* GUID= matches the hardware address, so a new one (ipoib_set_mac(), set_base_guid() on the
         * children, a port GUID change) may mean another file, as a new name does. */
        bool readdressed = l->kernel.hwaddr_len != k->hwaddr_len ||
                memcmp(l->kernel.hwaddr, k->hwaddr, k->hwaddr_len) != 0;
        if (link_update_kernel(l, k)) {
                /* Down flushes IPv4 routes silently (fib_disable_ip() on NETDEV_DOWN). */
                if (went_down)
                        link_forget_ipv4_routes(l, "the link went down");
                if (renamed || readdressed)
                        link_rematch(m, l);
                else
                        link_update_port(m, l);
                link_retry(l);
                manager_link_dirty(m, l);
                if (renamed)
                        link_parent_dirty(m, l);
        } else if (l->kernel.arphrd == ARPHRD_INFINIBAND && !m->dumping)
                link_port_event(m, l);
}

static void on_address(void *userdata, const KAddress *a, bool removed) {
        Manager *m = userdata;
        Link *l = intmap_get(&m->links, a->ifindex);

        if (!removed && a->protocol == RTPROT_IPOIB && !m->address_proto_kept) {
                log_debug("The kernel keeps the address protocol (IFA_PROTO): the agent's addresses carry its mark.");
                m->address_proto_kept = true;
        }
        if (!l || !link_address_update(l, a, removed) || !link_is_managed(m, l))
                return;
        link_retry(l);
        manager_link_dirty(m, l);
        if (removed && a->family == AF_INET && !link_has_ipv4(l))
                link_forget_ipv4_routes(l, "its last IPv4 address was removed");
}

static void on_route(void *userdata, const KRoute *r, bool removed) {
        Manager *m = userdata;
        Link *l = intmap_get(&m->links, r->ifindex);

        if (l && link_route_update(l, r, removed) && link_is_managed(m, l)) {
                link_retry(l);
                manager_link_dirty(m, l);
        }
}

/* Rules belong to no link: the links whose files ask for rules plan again, and the removal pass runs. */
static void on_rule(void *userdata, const KRule *r, bool removed) {
        Manager *m = userdata;
        Link *l;

        /* The agent's rules name the tables its routes are in: a dump after this one reads every table. */
        if (!removed && r->protocol == RTPROT_IPOIB && m->backend)
                m->backend->all_tables = true;
        if (!manager_rule_update(m, r, removed))
                return;
        m->rules_failed = false;
        for (size_t i = 0; intmap_iterate(&m->links, &i, NULL, (void **) &l);)
                if (link_wants_rules(l)) {
                        link_retry(l);
                        manager_link_dirty(m, l);
                }
        if (m->reconcile_source)
                (void) sd_event_source_set_enabled(m->reconcile_source, SD_EVENT_ONESHOT);
}

/* owner_settle()'s questions, answered from the complete dump. */
static bool probe_child(void *userdata, const char *ifname, const char *parent, uint16_t pkey) {
        Manager *m = userdata;
        Link *l = strmap_get(&m->links_by_name, ifname), *p = l ? link_parent(m, l) : NULL;

        return l && l->kernel.has_ipoib && l->kernel.pkey == pkey && p && streq(p->kernel.ifname, parent);
}

static bool probe_address(void *userdata, const char *ifname, const KAddress *a) {
        Manager *m = userdata;
        Link *l = strmap_get(&m->links_by_name, ifname);

        if (!l)
                return false;
        FOREACH_ARRAY(x, l->addresses, l->n_addresses)
                if (kaddress_equal(x, a))
                        return true;
        return false;
}

static const OwnerProbe manager_owner_probe = {
        .child = probe_child,
        .address = probe_address,
};

/* --dry-run: the plan against what the dump found, on stdout; nothing is sent. */
static void manager_dry_run(Manager *m) {
        _cleanup_free_ char *json = NULL;
        bool changes = false;

        json = dry_run_json(m, &changes);
        if (!json) {
                m->exit_status = log_oom();
        } else {
                puts(json);
                m->exit_status = m->config_rejected > 0 ? 1 : changes ? 2 : 0;
        }
        (void) fflush(stdout);
        (void) sd_event_exit(m->event, m->exit_status);
}

static void on_dump_done(void *userdata) {
        Manager *m = userdata;
        Link *l;

        m->dumping = false;
        if (m->resync_again) {
                m->resync_again = false;
                manager_resync(m, "another resync was asked for during the dump");
                return;
        }
        for (size_t i = 0; intmap_iterate(&m->links, &i, NULL, (void **) &l);)
                if (!l->seen)
                        link_remove(m, l);
        /* Intents whose answer never came (a crash before, a lost answer now) against the kernel. */
        owner_settle(&m->owner, &manager_owner_probe, m);
        if (m->dry_run) {
                manager_dry_run(m);
                return;
        }
        manager_all_dirty(m);
        /* Even with no links at all: the reconcile pass is what reports readiness. */
        (void) sd_event_source_set_enabled(m->reconcile_source, SD_EVENT_ONESHOT);
        log_debug("Dump complete: %zu links.", intmap_size(&m->links));
}

static int on_resync_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        m->resync_timer = sd_event_source_disable_unref(m->resync_timer);
        m->dumping = false;
        manager_resync(m, "retrying a failed dump");
        return 0;
}

/* Drop the address and route caches and dump everything again. Planning waits for the dump. */
void manager_resync(Manager *m, const char *why) {
        Link *l;
        int r;

        if (m->dumping) {
                m->resync_again = true;
                return;
        }
        log_debug("Dumping the kernel state again: %s.", why);
        for (size_t i = 0; intmap_iterate(&m->links, &i, NULL, (void **) &l);) {
                l->seen = false;
                l->n_addresses = l->n_routes = 0;
        }
        m->n_rules = 0;
        m->dumping = true;
        r = backend_dump(m->backend);
        if (r < 0) {
                /* Planning waits for a complete dump; try again shortly rather than give up. */
                log_warning_errno(r, "Failed to dump the kernel state, retrying in 1s: %m");
                if (!m->resync_timer)
                        (void) sd_event_add_time_relative(m->event, &m->resync_timer, CLOCK_MONOTONIC,
                                                          1000 * 1000, 0, on_resync_timer, m);
        }
}

static void on_overrun(void *userdata) {
        Manager *m = userdata;

        log_warning("Kernel events were lost; dumping the kernel state again.");
        /* Also when a dump was running: the backend reports an aborted dump this way (its
         * requests could not be sent, or its answers were lost), and no dump_done will follow. */
        m->dumping = false;
        m->resync_again = false;
        manager_resync(m, "events were lost");
}

int manager_enqueue(Manager *m, Link *l, const Action *a) {
        const ActionOps *ops = action_ops(a->type);
        int r;

        if (m->dry_run)
                return -EROFS; /* never reached: a dry run stops after the dump */
        r = request_queue_add(&m->queue, a);
        if (r < 0)
                return r;
        l->outstanding++;
        if (ops && ops->intent)
                ops->intent(l, a); /* on disk before it is sent: manager_flush_intents() */
        return 0;
}

static void on_request_finished(void *userdata, const Action *a, int error, const char *extack) {
        Manager *m = userdata;
        Link *l = intmap_get(&m->links, a->ifindex);

        if (a->type == ACTION_RULE_DEL && a->ifindex == 0) {
                /* A removal of manager_reconcile_rules(): no link waits for it. */
                char buf[256];

                if (m->rules_pending > 0)
                        m->rules_pending--;
                if (error < 0 && error != -ENOENT && error != -ESRCH) {
                        /* Not again at once: the next change of the rules or the files retries. */
                        m->rules_failed = true;
                        log_warning_errno(error, "Failed to %s: %s%s%m", action_to_string(a, buf, sizeof(buf)),
                                          strempty(extack), extack ? ": " : "");
                } else
                        (void) manager_rule_update(m, &a->rule, true);
                return;
        }

        if (!l) {
                /* The link went away before its answer came (the kernel sends RTM_DELLINK before the
                 * ACK of a deletion). What the answer says about ownership still holds. */
                owner_request_gone_link(&m->owner, a, error);
                return;
        }
        link_request_done(l, a, error, extack);
        if (l->outstanding > 0 && --l->outstanding == 0)
                manager_link_dirty(m, l); /* verify: re-plan against the updated cache */
}

static void on_reply(void *userdata, uint64_t cookie, int error, const char *extack) {
        Manager *m = userdata;

        request_queue_on_reply(&m->queue, cookie, error, extack);
        /* The last answer may belong to a link that is gone: nothing is dirty then, but idleness
         * (READY, STATUS, --oneshot's exit, saving the record) must still be noticed. */
        if (request_queue_is_idle(&m->queue) && m->reconcile_source)
                (void) sd_event_source_set_enabled(m->reconcile_source, SD_EVENT_ONESHOT);
}

static const BackendEvents manager_backend_events = {
        .link = on_link,
        .address = on_address,
        .route = on_route,
        .rule = on_rule,
        .dump_done = on_dump_done,
        .overrun = on_overrun,
        .reply = on_reply,
};

int manager_reload(Manager *m) {
        int r;

        notifier_send(&m->notify, "RELOADING=1");
        r = manager_load_config(m, true);
        if (r >= 0) {
                m->rules_failed = false;
                manager_all_dirty(m);
        }
        notifier_send(&m->notify, "READY=1");
        return r;
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        (void) manager_reload(userdata);
        return 0;
}

static int on_sigterm(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        notifier_send(&m->notify, "STOPPING=1");
        log_info("Stopping on %s.", si->ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
        m->stopping = true;
        if (m->backend)
                m->backend->stopping = true;
        /* An interrupted --oneshot did not converge: not success. */
        m->exit_status = m->oneshot ? 1 : 0;
        (void) sd_event_exit(m->event, 0);
        return 0;
}

/* Logs a warning and keeps it for status. */
static void manager_warn(Manager *m, const char *fmt, ...) _printf_(2, 3);
static void manager_warn(Manager *m, const char *fmt, ...) {
        char *s = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                s = NULL;
        va_end(ap);
        if (!s) {
                log_oom();
                return;
        }
        log_warning("%s", s);
        (void) strv_consume(&m->warnings, s);
}

/* Creates and removes a file: the only sure answer to "can the record be written here?" (a read-only
 * mount answers access() wrongly for root on some file systems, and a full one only on write). */
static int runtime_dir_probe(const char *dir) {
        _cleanup_free_ char *p = NULL;
        int fd;

        if (asprintf(&p, "%s/.probe.XXXXXX", dir) < 0)
                return -ENOMEM;
        fd = mkostemp(p, O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        (void) close(fd);
        (void) unlink(p);
        return 0;
}

/* The runtime directory and the record in it. Nothing here stops the agent: without a record it still
 * configures links, and what the kernel marks as its own (owner.h) is still known after a restart. */
static int manager_open_record(Manager *m) {
        _cleanup_free_ char *owned = NULL;
        unsigned bad = 0;
        int r;

        if (!m->runtime_dir) {
                m->runtime_dir = strdup(RUNTIME_DIR);
                if (!m->runtime_dir)
                        return log_oom();
        }
        if (mkdir(m->runtime_dir, 0755) < 0 && errno != EEXIST)
                r = negative_errno();
        else
                r = runtime_dir_probe(m->runtime_dir);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                manager_warn(m,
                             "%s is not writable (%s): what the agent creates is not recorded, and after a "
                             "restart only what the kernel marks as the agent's is removed by it",
                             m->runtime_dir, strerror(-r));
        if (asprintf(&owned, "%s/owned", m->runtime_dir) < 0)
                return log_oom();
        r = owner_load(&m->owner, owned, &bad);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0 && m->owner.refused)
                manager_warn(m, "%s is not trusted, ignoring it: %s; nothing it names is removed", owned,
                             m->owner.refused);
        else if (r < 0)
                manager_warn(m, "Failed to read %s, ignoring it: %s; nothing it names is removed", owned,
                             strerror(-r));
        if (bad > 0)
                log_warning("%s: ignored %u unreadable line%s.", owned, bad, bad == 1 ? "" : "s");
        r = manager_load_holds(m);
        if (r < 0)
                log_warning_errno(r, "Failed to read %s/holds, no link is held down: %m", m->runtime_dir);
        return 0;
}

int manager_start(Manager *m, Backend *backend) {
        sigset_t ss;
        int r;

        r = manager_open_record(m);
        if (r < 0)
                return r;

        sigemptyset(&ss);
        sigaddset(&ss, SIGHUP);
        sigaddset(&ss, SIGTERM);
        sigaddset(&ss, SIGINT);
        sigprocmask(SIG_BLOCK, &ss, NULL);
        r = sd_event_add_signal(m->event, NULL, SIGHUP, on_sighup, m);
        if (r >= 0)
                r = sd_event_add_signal(m->event, &m->sigterm_source, SIGTERM, on_sigterm, m);
        if (r >= 0)
                r = sd_event_add_signal(m->event, &m->sigint_source, SIGINT, on_sigterm, m);
        if (r < 0)
                return log_error_errno(r, "Failed to watch signals: %m");
        /* Before anything else that is pending: work comes in slices (the backends deliver a bounded
         * batch per dispatch), and a stop request goes first between two of them. */
        (void) sd_event_source_set_priority(m->sigterm_source, SD_EVENT_PRIORITY_IMPORTANT);
        (void) sd_event_source_set_priority(m->sigint_source, SD_EVENT_PRIORITY_IMPORTANT);

        r = sd_event_add_defer(m->event, &m->reconcile_source, on_reconcile, m);
        if (r < 0)
                return log_error_errno(r, "Failed to add the reconcile source: %m");
        (void) sd_event_source_set_enabled(m->reconcile_source, SD_EVENT_OFF);
        /* After the I/O of one wakeup has been read: plan once per burst of events. */
        (void) sd_event_source_set_priority(m->reconcile_source, SD_EVENT_PRIORITY_IDLE);

        m->backend = backend;
        backend->all_tables = manager_config_uses_tables(m);
        request_queue_init(&m->queue, backend, on_request_finished, m);
        backend->events = manager_backend_events;
        backend->userdata = m;
        m->dumping = true;
        r = backend_start(backend);
        if (r < 0)
                return log_error_errno(r, "Failed to start the %s backend: %m", backend->ops->name);
        return 0;
}

int manager_run(Manager *m) {
        int r = sd_event_loop(m->event);

        if (!m->dry_run)
                (void) (m->stopping || stop_signal_pending() ? owner_save_on_stop(&m->owner)
                                                             : owner_save(&m->owner));
        return r;
}

Link **manager_links_sorted(Manager *m, size_t *ret_n) {
        Link **v = calloc(intmap_size(&m->links) + 1, sizeof(Link *)), *l;
        size_t n = 0;

        if (!v)
                return NULL;
        for (size_t i = 0; intmap_iterate(&m->links, &i, NULL, (void **) &l);)
                v[n++] = l;
        qsort(v, n, sizeof(Link *), link_cmp_ifindex);
        *ret_n = n;
        return v;
}

int manager_print_summary(Manager *m, FILE *f) {
        _cleanup_(json_object_putp) json_object *view = describe_summary_view(m);

        /* The same view as Describe() (the keys the summary reads), so that the summary and ipoibctl
         * status say the same. */
        if (!view)
                return log_oom();
        return status_print_summary(f, view);
}
