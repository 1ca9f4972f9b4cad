/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Manager: owns the event loop, the backend, the links, the configuration, the ownership record
 * and the request queue. */

#include <systemd/sd-event.h>

#include "backend.h"
#include "ibnet-load.h"
#include "intmap.h"
#include "link.h"
#include "notify.h"
#include "owner.h"
#include "queue.h"
#include "strmap.h"

typedef struct Manager {
        sd_event *event;
        Backend *backend;
        IntMap links;       /* ifindex → Link */
        StrMap links_by_name; /* ifname → Link */
        IbConfig config;
        unsigned config_rejected; /* files of the last load with errors (some may run their last good version) */
        char **config_rejected_paths; /* … those files */
        DiagList config_diags;        /* what the last load said, sorted (Reload() returns it) */
        char **config_dirs;
        char **holds;              /* links held down by ipoibctl down (hold.h) */
        uint64_t config_dirs_read; /* the search path's directories of the last good load (ConfFileList) */
        char *runtime_dir;
        Owner owner;
        /* An address came back with IFA_PROTO = RTPROT_IPOIB: this kernel keeps the mark (Linux 6.1+),
         * so the agent's addresses need no record line. Until then they are recorded. */
        bool address_proto_kept;
        bool record_write_failed; /* logged once until a write succeeds */
        /* What the agent cannot do as it should (a runtime directory it cannot write, a record it does
         * not trust): logged once at start and shown by status (Describe()'s "warnings"). */
        char **warnings;

        RequestQueue queue; /* every change to the kernel goes through it */

        /* Routing policy rules, IPv4 and IPv6, as the kernel has them (rules.h): they belong to no link. */
        KRule *rules;
        size_t n_rules, allocated_rules;
        unsigned rules_pending; /* removals in flight (manager_reconcile_rules()) */
        bool rules_failed;      /* a removal failed: not again until the rules or the files change */

        Link *dirty; /* links to re-plan */
        sd_event_source *reconcile_source;

        struct LinkDns *dns;       /* DNS= and Domains= go there (link-dns.h) */
        struct sd_bus *bus;        /* the control API (bus.c), NULL without a system bus */
        sd_event_source *control_source; /* the control socket (bus.c) */
        char *control_path;        /* RUNTIME-DIR/control, removed at exit */
        struct sd_bus **control;   /* its connections, n_control of them */
        size_t n_control;
        const char *backend_name;
        unsigned dns_pending;      /* its operations in flight */

        bool dumping;      /* a dump is running: plan nothing until it is complete */
        bool resync_again; /* another dump was asked for while one ran */
        sd_event_source *resync_timer; /* retries a dump that could not be started */
        sd_event_source *sigterm_source, *sigint_source;
        Notifier notify; /* sd_notify() without blocking (notify.h) */
        bool ready_notified;
        bool oneshot;
        bool dry_run; /* --dry-run: plan once after the first dump, print it, send nothing */
        bool stopping; /* SIGTERM or SIGINT: exit as fast as possible */
        int exit_status;
} Manager;

int manager_new(Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

/* Loads the configuration; on reload keeps the last good version of files that no longer validate. */
int manager_load_config(Manager *m, bool reload);
/* SIGHUP and the bus's Reload(): the files again, then every link re-planned (only differences are
 * sent). */
int manager_reload(Manager *m);
int manager_start(Manager *m, Backend *backend);
int manager_run(Manager *m);

void manager_link_dirty(Manager *m, Link *l);
/* Some file routes into another table than main, or asks for rules. */
bool manager_config_uses_tables(const Manager *m) _pure_;
/* Drops the address and route caches and dumps the kernel state again; planning waits for the dump.
 * For answers that leave the kernel's state unknown (an -EBUSY mode switch, say). */
void manager_resync(Manager *m, const char *why);
/* The network a link matches, and the later files that match too. */
IbNetwork *manager_match(Manager *m, const Link *l, char ***ret_shadowed);

/* Queues a change for the link; its answer comes to link_request_done(). */
int manager_enqueue(Manager *m, Link *l, const Action *a);

/* The links in ifindex order, as ip link lists them: a new array (NULL on OOM). */
Link **manager_links_sorted(Manager *m, size_t *ret_n);

/* Summary for --oneshot and STATUS=; exit status 0 when every matched link is configured. */
int manager_print_summary(Manager *m, FILE *f);
