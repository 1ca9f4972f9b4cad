/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The agent's view as JSON, for Describe() and Plan() on the bus (org.ipoib.Agent1(5)), and the model the
 * --oneshot summary and STATUS= are printed from (src/shared/status-print.c, which ipoibctl uses too).
 * Keys are only ever added. */

#include <dirent.h>
#include <json-c/json.h>
#include <limits.h>
#include <sys/stat.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>

#include "describe.h"
#include "hold.h"
#include "ib-tables.h"
#include "ipoib-proto.h"
#include "ipoib.h"
#include "link-config.h"
#include "parse-util.h"
#include "plan.h"
#include "rules.h"
#include "status-print.h"
#include "strv.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h; not in glibc's net/if.h */
#endif

static json_object *jstr(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

static void add(json_object *o, const char *key, json_object *v) {
        json_object_object_add(o, key, v);
}

static json_object *hwaddr_json(const KLink *k) {
        char out[HWADDR_MAX * 3 + 1];
        size_t o = 0;

        if (k->hwaddr_len == 0)
                return NULL;
        for (unsigned i = 0; i < k->hwaddr_len; i++)
                o += (size_t) snprintf(out + o, sizeof(out) - o, "%s%02x", i ? ":" : "", k->hwaddr[i]);
        return json_object_new_string(out);
}

static json_object *port_json(const Link *l) {
        json_object *o, *pk;
        char buf[8];

        if (!l->port)
                return NULL;
        o = json_object_new_object();
        add(o, "device", jstr(l->port->device));
        add(o, "port", json_object_new_int((int) l->port->port));
        if (!l->port->state_known)
                return o;
        add(o, "state", jstr(ib_port_state_to_string(l->port->state)));
        add(o, "active_mtu", json_object_new_int((int) l->port->active_mtu));
        if (l->port->max_mtu > 0)
                add(o, "max_mtu", json_object_new_int((int) l->port->max_mtu));
        add(o, "lid", json_object_new_int(l->port->lid));
        add(o, "sm_lid", json_object_new_int(l->port->sm_lid));
        pk = json_object_new_array();
        FOREACH_ARRAY(p, l->port->pkeys, l->port->n_pkeys) {
                snprintf(buf, sizeof(buf), "0x%04x", *p);
                json_object_array_add(pk, json_object_new_string(buf));
        }
        add(o, "pkeys", pk);
        if (l->port->enhanced >= 0)
                add(o, "enhanced", json_object_new_boolean(l->port->enhanced));
        return o;
}

static json_object *children_json(Manager *m, const Link *l) {
        json_object *a;

        if (l->n_children == 0)
                return NULL;
        a = json_object_new_array();
        FOREACH_ARRAY(c, l->children, l->n_children) {
                json_object *o = json_object_new_object();
                Link *cl = strmap_get(&m->links_by_name, c->name);

                add(o, "name", jstr(c->name));
                add(o, "file", jstr(c->network->path));
                add(o, "state", jstr(cl ? "created" : c->failed ? "failed" : "pending"));
                add(o, "reason", jstr(c->reason));
                /* Known before the child exists: ipoibctl check says it on the host. */
                if (!cl && l->port && l->port->state_known && !ipoib_port_has_pkey(l->port, c->network->pkey)) {
                        char w[160];

                        snprintf(w, sizeof(w),
                                 "partition 0x%04x not granted by the subnet manager (not in the port's P_Key "
                                 "table of %s); no carrier until it is",
                                 c->network->pkey, l->kernel.ifname);
                        add(o, "warning", jstr(w));
                }
                json_object_array_add(a, o);
        }
        return a;
}

/* rtnetlink's numbers as "ip route" names them; others as the number. */
static json_object *route_protocol_json(uint8_t p) {
        static const char *const names[] = {
                [RTPROT_KERNEL] = "kernel", [RTPROT_BOOT] = "boot", [RTPROT_STATIC] = "static",
                [RTPROT_RA] = "ra",         [RTPROT_DHCP] = "dhcp", [RTPROT_IPOIB] = "ipoib", /* the agent's own */
        };
        char buf[8];

        if (p < ELEMENTSOF(names) && names[p])
                return jstr(names[p]);
        snprintf(buf, sizeof(buf), "%u", p);
        return jstr(buf);
}

static json_object *route_scope_json(uint8_t s) {
        char buf[8];

        switch (s) {
        case RT_SCOPE_UNIVERSE:
                return jstr("global");
        case RT_SCOPE_LINK:
                return jstr("link");
        case RT_SCOPE_HOST:
                return jstr("host");
        }
        snprintf(buf, sizeof(buf), "%u", s);
        return jstr(buf);
}

/* A route as an object, not a string, so that a script need not parse "ip route" text. */
/* The rules the link's file asks for, as "ip rule" writes them, and whether the kernel has each. */
static json_object *rules_json(Manager *m, const Link *l) {
        _cleanup_free_ KRule *want = NULL;
        json_object *a = json_object_new_array();
        size_t n = 0;

        if (!link_wants_rules(l) || network_desired_rules(l->network, &want, &n) < 0)
                return a;
        FOREACH_ARRAY(x, want, n) {
                json_object *o = json_object_new_object();
                char buf[256];

                add(o, "rule", jstr(krule_to_string(x, buf, sizeof(buf))));
                add(o, "family", jstr(x->family == AF_INET6 ? "ipv6" : "ipv4"));
                add(o, "priority", json_object_new_int64(x->priority));
                add(o, "table", json_object_new_int64(x->table));
                add(o, "present", json_object_new_boolean(rule_in(x, m->rules, m->n_rules)));
                json_object_array_add(a, o);
        }
        return a;
}

static json_object *route_json(const KRoute *r) {
        json_object *o = json_object_new_object();
        char buf[IN_ADDR_PREFIX_STRLEN];

        add(o, "family", jstr(r->family == AF_INET6 ? "ipv6" : "ipv4"));
        if (in_addr_prefix_to_string(r->family, &r->dst, r->dst_len, buf, sizeof(buf)) >= 0)
                add(o, "destination", jstr(buf));
        if (r->has_gw && in_addr_to_string(r->family, &r->gw, buf, sizeof(buf)) >= 0)
                add(o, "gateway", jstr(buf));
        else
                add(o, "gateway", NULL);
        add(o, "metric", json_object_new_int64(r->metric));
        add(o, "table", json_object_new_int64(r->table));
        add(o, "protocol", route_protocol_json(r->protocol));
        add(o, "scope", route_scope_json(r->scope));
        add(o, "onlink", json_object_new_boolean(r->flags & RTNH_F_ONLINK));
        return o;
}

/* The DNS servers and search domains the link's file gives it (what the agent hands to the resolver;
 * a failure to do so is the link's warning). */
static void add_dns(json_object *o, const IbNetwork *n) {
        json_object *a = json_object_new_array();
        char buf[INET6_ADDRSTRLEN];

        for (size_t i = 0; n && i < n->n_dns; i++)
                if (in_addr_to_string(n->dns[i].family, &n->dns[i].addr, buf, sizeof(buf)) >= 0)
                        json_object_array_add(a, jstr(buf));
        add(o, "dns", a);
        a = json_object_new_array();
        STRV_FOREACH(d, n ? n->domains : NULL)
                json_object_array_add(a, jstr(*d));
        add(o, "domains", a);
}

/* Why the link is in its state: the link's reason; for a link no file configures, that ("why is it not
 * configured?" has an answer for every link). */
static const char *link_why(const Link *l) {
        if (l->reason || l->state != LINK_STATE_UNMANAGED)
                return l->reason;
        return "no file configures it";
}

/* A drop-in (NAME.d/X.conf in a directory of the search path) by a name the load did not read: added
 * since. Compared by name, as drop-ins override each other by name; an empty one (or a symbolic link
 * to /dev/null) masks and is no addition. Only the existing NAME.d directories cost more than a
 * failed open(). */
static bool file_dropin_added(Manager *m, const IbNetwork *net) {
        const char *name = strrchr(net->path, '/');

        name = name ? name + 1 : net->path;
        STRV_FOREACH(d, m->config_dirs) {
                _cleanup_closedir_ DIR *dir = NULL;
                char path[PATH_MAX];
                struct dirent *de;

                if (snprintf(path, sizeof(path), "%s/%s.d", *d, name) >= (int) sizeof(path))
                        continue;
                dir = opendir(path);
                if (!dir)
                        continue;
                while ((de = readdir(dir))) {
                        struct stat st;
                        bool read = false;

                        if (de->d_name[0] == '.' || !endswith(de->d_name, ".conf"))
                                continue;
                        for (size_t i = 1; net->files[0] && net->files[i] && !read; i++) {
                                const char *f = strrchr(net->files[i], '/');

                                read = streq(f ? f + 1 : net->files[i], de->d_name);
                        }
                        if (read || fstatat(dirfd(dir), de->d_name, &st, 0) < 0 || st.st_size == 0 ||
                            S_ISCHR(st.st_mode))
                                continue;
                        return true;
                }
        }
        return false;
}

/* Why the file on disk is not what runs, or NULL: it was rejected at the last load (its last good
 * version runs), or it or a drop-in was edited, removed or added since it was read (a reload applies
 * it). */
static const char *file_changed(Manager *m, const IbNetwork *net) {
        if (!net)
                return NULL;
        if (strv_contains(m->config_rejected_paths, net->path))
                return "has errors; the last good version runs (ipoibctl reload names them)";
        if (ib_network_files_stamp(net->files) != net->stamp)
                return "edited since it was loaded; ipoibctl reload applies it";
        if (file_dropin_added(m, net))
                return "a drop-in was added since it was loaded; ipoibctl reload applies it";
        return NULL;
}

/* The files the last load rejected: their errors, and whether a last good version runs. */
static json_object *rejected_json(Manager *m) {
        json_object *a = json_object_new_array();

        STRV_FOREACH(p, m->config_rejected_paths) {
                json_object *o = json_object_new_object(), *errors = json_object_new_array();
                bool running = false;

                FOREACH_ARRAY(e, m->config.entries, m->config.n)
                        running = running || (streq(e->path, *p) && e->network);
                FOREACH_ARRAY(d, m->config_diags.items, m->config_diags.n)
                        if (d->level == DIAG_ERROR && streq_ptr(d->path, *p)) {
                                _cleanup_free_ char *s = diag_format(d);

                                json_object_array_add(errors, jstr(s));
                        }
                add(o, "path", jstr(*p));
                add(o, "last_good_running", json_object_new_boolean(running));
                add(o, "errors", errors);
                json_object_array_add(a, o);
        }
        return a;
}

/* What status_print_summary() reads of a link: its name, state, file, reason and warning, and the
 * children it is missing. */
static json_object *link_summary_json(Manager *m, Link *l) {
        json_object *o = json_object_new_object();

        add(o, "ifindex", json_object_new_int(l->kernel.ifindex));
        add(o, "name", jstr(l->kernel.ifname));
        add(o, "file", jstr(l->network ? l->network->path : NULL));
        add(o, "state", jstr(link_state_to_string(l->state)));
        add(o, "reason", jstr(link_why(l)));
        add(o, "warning", jstr(l->warning));
        add(o, "children", children_json(m, l));
        return o;
}

static json_object *link_json(Manager *m, Link *l) {
        const KLink *k = &l->kernel;
        json_object *o = json_object_new_object(), *a;
        IbLinkIdentity id = link_identity(l);
        Link *parent = link_parent(m, l);
        char buf[IN_ADDR_PREFIX_STRLEN + 64];

        add(o, "ifindex", json_object_new_int(k->ifindex));
        add(o, "name", jstr(k->ifname));
        add(o, "kind", jstr(k->kind[0] ? k->kind : NULL));
        add(o, "type", jstr(k->arphrd == ARPHRD_INFINIBAND ? "infiniband"
                            : k->arphrd == ARPHRD_ETHER    ? "ether"
                                                           : "other"));
        add(o, "up", json_object_new_boolean(k->flags & IFF_UP));
        add(o, "carrier", json_object_new_boolean(k->flags & IFF_LOWER_UP));
        add(o, "mtu", json_object_new_int((int) k->mtu));
        add(o, "hwaddr", hwaddr_json(k));
        if (id.has_guid) {
                char g[GUID_STRING_MAX];

                add(o, "guid", jstr(format_guid(id.guid, g)));
        }
        if (k->has_ipoib) {
                json_object *ib = json_object_new_object();

                snprintf(buf, sizeof(buf), "0x%04x", k->pkey);
                add(ib, "pkey", jstr(buf));
                add(ib, "mode", jstr(ib_mode_to_string((IbMode) k->mode)));
                add(ib, "umcast", json_object_new_boolean(k->umcast));
                add(o, "ipoib", ib);
        }
        if (parent)
                add(o, "parent", jstr(parent->kernel.ifname));
        add(o, "port", port_json(l));
        add(o, "file", jstr(l->network ? l->network->path : NULL));
        add(o, "file_changed", jstr(file_changed(m, l->network)));
        add(o, "state", jstr(link_state_to_string(l->state)));
        add(o, "reason", jstr(link_why(l)));
        add(o, "warning", jstr(l->warning));
        add(o, "held_down", json_object_new_boolean(manager_link_held(m, k->ifname)));
        if (l->shadowed) {
                a = json_object_new_array();
                STRV_FOREACH(s, l->shadowed)
                        json_object_array_add(a, jstr(*s));
                add(o, "shadowed", a);
        }
        a = json_object_new_array();
        FOREACH_ARRAY(x, l->addresses, l->n_addresses)
                json_object_array_add(a, jstr(kaddress_to_string(x, buf, sizeof(buf))));
        add(o, "addresses", a);
        /* "routes" stays the strings it always was (keys are only ever added to the API); the objects
         * came later, under their own key. */
        a = json_object_new_array();
        FOREACH_ARRAY(x, l->routes, l->n_routes) {
                char rbuf[IN_ADDR_PREFIX_STRLEN + INET6_ADDRSTRLEN + 32];

                json_object_array_add(a, jstr(kroute_to_string(x, rbuf, sizeof(rbuf))));
        }
        add(o, "routes", a);
        a = json_object_new_array();
        FOREACH_ARRAY(x, l->routes, l->n_routes)
                json_object_array_add(a, route_json(x));
        add(o, "route_objects", a);
        add(o, "rules", rules_json(m, l));
        add_dns(o, l->network);
        add(o, "children", children_json(m, l));
        return o;
}

static int ptr_cmp(const void *a, const void *b) {
        uintptr_t x = (uintptr_t) *(const void *const *) a, y = (uintptr_t) *(const void *const *) b;

        return (x > y) - (x < y);
}

/* The networks some link uses (a multi-rail file as its origin, children's files), sorted: one pass
 * over the links, not one per file. */
typedef struct UsedSet {
        const IbNetwork **items;
        size_t n, allocated;
} UsedSet;

static int used_add(UsedSet *u, const IbNetwork *net) {
        if (!net)
                return 0;
        if (!GREEDY_REALLOC(u->items, u->allocated, u->n + 1))
                return -ENOMEM;
        u->items[u->n++] = net;
        return 0;
}

static int used_build(Link **links, size_t n, UsedSet *ret) {
        UsedSet u = {};

        for (size_t i = 0; i < n; i++) {
                if (used_add(&u, ib_network_origin(links[i]->network)) < 0)
                        goto oom;
                FOREACH_ARRAY(c, links[i]->children, links[i]->n_children)
                        if (used_add(&u, c->network) < 0)
                                goto oom;
        }
        if (u.n > 0)
                qsort(u.items, u.n, sizeof(u.items[0]), ptr_cmp);
        *ret = u;
        return 0;
oom:
        free(u.items);
        return -ENOMEM;
}

static bool network_used(const UsedSet *u, const IbNetwork *net) {
        return u->n > 0 && bsearch(&net, u->items, u->n, sizeof(u->items[0]), ptr_cmp);
}

/* A [Partition] file that is in no link's child list: is there a parent it matches at all? (If so,
 * link_update_children() could not name the child.) */
static Link *partition_parent(Manager *m, Link **links, size_t n, const IbNetwork *net) {
        for (size_t i = 0; i < n; i++) {
                IbLinkIdentity id = link_identity(links[i]);

                if (id.type == IB_LINK_TYPE_INFINIBAND && !link_parent(m, links[i]) &&
                    ib_network_matches(net, &id))
                        return links[i];
        }
        return NULL;
}

/* The link on which an earlier file wins over this one (its "shadowed" list names it). */
static Link *shadowing_link(Link **links, size_t n, const IbNetwork *net) {
        for (size_t i = 0; i < n; i++)
                if (links[i]->network && strv_contains(links[i]->shadowed, net->path))
                        return links[i];
        return NULL;
}

/* The one answer to "which files configure nothing, and why": NULL for a file in use. A [Partition]
 * file without a parent is pending (its child is created when a parent appears), any other file is
 * unused. */
static json_object *unmatched_json(Manager *m, Link **links, size_t n, const UsedSet *used,
                                   const IbNetwork *net) {
        json_object *o;
        const char *state = "unused", *reason = "no link matches its [Match]";
        char name[IFNAMSIZ] = "", why[512];
        Link *parent, *shadowing;

        if (network_used(used, net))
                return NULL;
        if (ib_network_is_child(net)) {
                const char *literal = ib_network_literal_name(net);

                parent = partition_parent(m, links, n, net);
                if (parent) {
                        snprintf(why, sizeof(why),
                                 "the child name on %s is longer than 15 characters; set Name=",
                                 parent->kernel.ifname);
                        state = "failed";
                        reason = why;
                } else {
                        if (net->child_name || literal)
                                (void) ib_network_child_name(net, literal ?: "", name, sizeof(name));
                        state = "pending";
                        reason = "no parent link matches its [Match]";
                }
        } else if ((shadowing = shadowing_link(links, n, net))) {
                /* It does match: say so, not "no link matches" (the log said it once already). */
                snprintf(why, sizeof(why), "matches %s too, but %s comes first", shadowing->kernel.ifname,
                         shadowing->network->name);
                snprintf(name, sizeof(name), "%s", shadowing->kernel.ifname);
                reason = why;
        } else
                snprintf(name, sizeof(name), "%s", strempty(ib_network_literal_name(net)));

        o = json_object_new_object();
        add(o, "path", jstr(net->path));
        add(o, "name", jstr(isempty(name) ? NULL : name));
        add(o, "state", jstr(state));
        add(o, "reason", jstr(reason));
        return o;
}

/* "unmatched_files" with the reasons, and "unused", the older list of their paths. */
static void add_unmatched(json_object *root, Manager *m, Link **links, size_t n) {
        json_object *files = json_object_new_array(), *unused = json_object_new_array();
        _cleanup_free_ const IbNetwork **items = NULL;
        UsedSet used = {};

        if (used_build(links, n, &used) < 0)
                log_oom(); /* an empty set: every file is listed, as if unused */
        items = used.items;
        FOREACH_ARRAY(e, m->config.entries, m->config.n) {
                json_object *o = e->network ? unmatched_json(m, links, n, &used, e->network) : NULL;

                if (!o)
                        continue;
                json_object_array_add(files, o);
                json_object_array_add(unused, jstr(e->path));
        }
        add(root, "unmatched_files", files);
        add(root, "unused", unused);
}

static json_object *view_json(Manager *m, bool summary) {
        _cleanup_free_ Link **links = NULL;
        json_object *root, *a;
        size_t n = 0;

        links = manager_links_sorted(m, &n);
        if (!links)
                return NULL;
        root = json_object_new_object();
        a = json_object_new_array();
        add(root, "version", jstr(PACKAGE_VERSION));
        add(root, "backend", jstr(m->backend_name));
        for (size_t i = 0; i < n; i++)
                json_object_array_add(a, summary ? link_summary_json(m, links[i]) : link_json(m, links[i]));
        add(root, "links", a);
        add_unmatched(root, m, links, n);
        add(root, "rejected_files", rejected_json(m));
        add(root, "changes", json_object_new_int64((int64_t) m->queue.n_sent));
        a = json_object_new_array();
        STRV_FOREACH(w, m->warnings)
                json_object_array_add(a, jstr(*w));
        add(root, "warnings", a);
        return root;
}

json_object *describe_view(Manager *m) {
        return view_json(m, false);
}

json_object *describe_summary_view(Manager *m) {
        return view_json(m, true);
}

static char *json_text(json_object *o) {
        char *s;

        if (!o)
                return NULL;
        s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        return s;
}

char *describe_json(Manager *m) {
        return json_text(describe_view(m));
}

/* The links with something to do, each with its actions. A dry run also works out each link's
 * warning (which the reconcile pass would have done), so that the view it prints has them. */
static json_object *plan_links(Manager *m, bool dry_run, bool *ret_changes) {
        _cleanup_free_ Link **links = NULL;
        json_object *a;
        size_t n = 0;

        links = manager_links_sorted(m, &n);
        if (!links)
                return NULL;
        a = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
                _cleanup_(action_list_done) ActionList plan = {};
                const char *blocked = NULL;
                PlanInput in;
                json_object *o, *acts;

                if (link_plan(m, links[i], &plan, &blocked, dry_run ? &in : NULL) < 0)
                        continue;
                if (dry_run)
                        link_update_warning(links[i], &in);
                if (plan.n == 0 && !blocked)
                        continue;
                if (plan.n > 0 && ret_changes)
                        *ret_changes = true;
                o = json_object_new_object();
                acts = json_object_new_array();
                add(o, "name", jstr(links[i]->kernel.ifname));
                FOREACH_ARRAY(x, plan.actions, plan.n) {
                        char buf[256];

                        /* action_to_string() begins with the link's name: leave it out here. */
                        action_to_string(x, buf, sizeof(buf));
                        json_object_array_add(acts, jstr(buf + strlen(links[i]->kernel.ifname) + 1));
                }
                add(o, "actions", acts);
                add(o, "blocked", jstr(blocked));
                json_object_array_add(a, o);
        }
        /* The agent's rules that no file wants: they belong to no link. */
        {
                _cleanup_(action_list_done) ActionList plan = {};

                if (manager_rule_removals(m, &plan) >= 0 && plan.n > 0) {
                        json_object *o = json_object_new_object(), *acts = json_object_new_array();

                        if (ret_changes)
                                *ret_changes = true;
                        add(o, "name", jstr(RULES_PSEUDO_LINK));
                        FOREACH_ARRAY(x, plan.actions, plan.n) {
                                char buf[256];

                                action_to_string(x, buf, sizeof(buf));
                                json_object_array_add(acts, jstr(buf + strlen(RULES_PSEUDO_LINK) + 1));
                        }
                        add(o, "actions", acts);
                        add(o, "blocked", NULL);
                        json_object_array_add(a, o);
                }
        }
        return a;
}

char *plan_json(Manager *m) {
        json_object *root, *a = plan_links(m, false, NULL);

        if (!a)
                return NULL;
        root = json_object_new_object();
        add(root, "links", a);
        return json_text(root);
}

char *dry_run_json(Manager *m, bool *ret_changes) {
        json_object *root, *a, *view;

        *ret_changes = false;
        a = plan_links(m, true, ret_changes);
        if (!a)
                return NULL;
        view = describe_view(m);
        if (!view) {
                json_object_put(a);
                return NULL;
        }
        root = json_object_new_object();
        add(root, "links", a);
        add(root, "rejected", json_object_new_int64(m->config_rejected));
        add(root, "view", view);
        return json_text(root);
}

/* status_count() of describe_view(), counted from the links themselves: STATUS= is sent whenever the
 * agent goes idle, and building the whole view for three numbers cost more than the reconcile with
 * thousands of links. suite-core checks that both counts agree. */
StatusCounts describe_counts(Manager *m) {
        StatusCounts c = {};
        Link *l;

        for (size_t i = 0; intmap_iterate(&m->links, &i, NULL, (void **) &l);) {
                FOREACH_ARRAY(ch, l->children, l->n_children) {
                        /* A created child is a link of its own, counted there. */
                        if (strmap_get(&m->links_by_name, ch->name))
                                continue;
                        c.matched++;
                        c.failed += ch->failed;
                }
                if (!l->network)
                        continue;
                c.matched++;
                c.configured += l->state == LINK_STATE_CONFIGURED;
                c.failed += l->state == LINK_STATE_FAILED;
        }
        return c;
}

int describe_notify_status(Manager *m, char *buf, size_t size) {
        StatusCounts c = describe_counts(m);
        int r;

        r = status_format_counts(&c, buf, size);
        if (r < 0)
                return r;
        return status_append_rejected(buf, size, (const char *const *) m->config_rejected_paths,
                                      strv_length(m->config_rejected_paths));
}
