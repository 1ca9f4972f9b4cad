/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated fabric as a Backend: the model (sim-model.c) is "the kernel" for the IPoIB links it
 * describes. Everything is delivered from the event loop, never from inside start()/submit(), in the
 * order the kernel would send it: a submit()'s notifications, then its reply (the real kernel's
 * notifications come on another socket, so callers rely on neither order). Replies come in submit
 * order. The fabric file is watched with inotify: a changed file is applied as hardware events. The
 * sysfs-like view under state_dir follows the model's notifications (sim-view-files.c): only what changed
 * is rewritten, in slices of at most VIEW_SLICE_USEC on a source of lower priority than the agent's own
 * work, so that a large fabric neither blocks the loop nor slows down convergence; whatever is left is
 * written when the backend is freed. */

#include <sys/inotify.h>

#include "backend.h"
#include "ibnet.h"
#include "log.h"
#include "sim-fabric.h"
#include "sim-view.h"

#define VIEW_SLICE_USEC 20000U
/* After the agent's reconcile (SD_EVENT_PRIORITY_IDLE): the view catches up when the agent waits. */
#define VIEW_PRIORITY (SD_EVENT_PRIORITY_IDLE + 10)

typedef enum SimItemType {
        SIM_ITEM_EVENT,
        SIM_ITEM_REPLY,
        SIM_ITEM_DUMP_DONE,
        _SIM_ITEM_TYPE_MAX,
        _SIM_ITEM_TYPE_INVALID = -EINVAL,
} SimItemType;

typedef struct SimItem {
        SimItemType type;
        SimEvent event;
        uint64_t cookie;
        int error;
        char extack[128]; /* "" when none */
} SimItem;

typedef struct BackendSim {
        Backend backend; /* first: the ops get a Backend * */
        SimModel *model;
        char *fabric_path, *fabric_dir, *fabric_name;
        SimView *view; /* NULL without a state directory */
        sd_event_source *defer, *inotify, *view_source;
        SimItem *queue; /* queue[head..n_queue) waits for delivery */
        size_t head, n_queue, allocated_queue;
        bool started;
} BackendSim;

static BackendSim *backend_sim(Backend *b) {
        return (BackendSim *) b;
}

static int queue_push(BackendSim *s, const SimItem *item) {
        if (!GREEDY_REALLOC(s->queue, s->allocated_queue, s->n_queue + 1))
                return -ENOMEM;
        s->queue[s->n_queue++] = *item;
        return sd_event_source_set_enabled(s->defer, SD_EVENT_ONESHOT);
}

static void view_schedule(BackendSim *s) {
        if (s->view && s->view_source && sim_view_pending(s->view))
                (void) sd_event_source_set_enabled(s->view_source, SD_EVENT_ONESHOT);
}

/* The model's notifications since the last call, into the delivery queue and the view. */
static int queue_model_events(BackendSim *s) {
        int r = 0;

        for (size_t i = 0; i < s->model->n_events; i++) {
                SimItem item = { .type = SIM_ITEM_EVENT, .event = s->model->events[i] };

                if (s->view)
                        sim_view_note(s->view, &item.event);
                if (r >= 0)
                        r = queue_push(s, &item);
        }
        /* Changes without a notification: sysfs shows them (sim-model.h, SimModel.quiet). */
        for (size_t i = 0; s->view && i < s->model->n_quiet; i++)
                sim_view_note(s->view, &(SimEvent) { .type = SIM_EVENT_LINK, .link.ifindex = s->model->quiet[i] });
        sim_model_clear_events(s->model);
        view_schedule(s);
        return r;
}

static int write_view(BackendSim *s, uint64_t until_usec) {
        int r = sim_view_write(s->view, s->model, until_usec);

        if (r < 0)
                log_warning_errno(r, "Simulated fabric: failed to write the view, ignoring: %m");
        return r;
}

static int on_view(sd_event_source *src, void *userdata) {
        BackendSim *s = userdata;
        uint64_t now;

        if (sd_event_now(s->backend.event, CLOCK_MONOTONIC, &now) < 0)
                now = 0;
        /* Another slice when work is left; a failure waits for the next change. */
        if (write_view(s, now > 0 ? now + VIEW_SLICE_USEC : 0) > 0)
                view_schedule(s);
        return 0;
}

static void deliver(BackendSim *s, const SimItem *item) {
        const BackendEvents *ev = &s->backend.events;
        void *u = s->backend.userdata;

        switch (item->type) {
        case SIM_ITEM_EVENT:
                switch (item->event.type) {
                case SIM_EVENT_LINK:
                        if (ev->link)
                                ev->link(u, &item->event.link, item->event.removed);
                        break;
                case SIM_EVENT_ADDRESS:
                        if (ev->address)
                                ev->address(u, &item->event.address, item->event.removed);
                        break;
                case SIM_EVENT_ROUTE:
                        if (ev->route)
                                ev->route(u, &item->event.route, item->event.removed);
                        break;
                case SIM_EVENT_RULE:
                        if (ev->rule)
                                ev->rule(u, &item->event.rule, item->event.removed);
                        break;
                case _SIM_EVENT_TYPE_MAX:
                case _SIM_EVENT_TYPE_INVALID:
                        break;
                }
                break;
        case SIM_ITEM_REPLY:
                if (ev->reply)
                        ev->reply(u, item->cookie, item->error, item->extack[0] ? item->extack : NULL);
                break;
        case SIM_ITEM_DUMP_DONE:
                if (ev->dump_done)
                        ev->dump_done(u);
                break;
        case _SIM_ITEM_TYPE_MAX:
        case _SIM_ITEM_TYPE_INVALID:
                break;
        }
}

/* Delivered items leave the front of the queue: moved out once they are at least half of it, so that
 * the copying stays linear in the items queued (moving the rest after every slice was quadratic: 12,000
 * items of 4 × 1000 children, 250 MB copied). */
static void queue_compact(BackendSim *s) {
        if (s->head == s->n_queue) {
                s->head = s->n_queue = 0;
                return;
        }
        if (s->head < 64 || s->head < s->n_queue - s->head)
                return;
        memmove(s->queue, s->queue + s->head, (s->n_queue - s->head) * sizeof(SimItem));
        s->n_queue -= s->head;
        s->head = 0;
}

/* One slice per dispatch (backend.h): the answers submit() more, so "until the queue is empty" was a
 * whole convergence in one callback, and SIGTERM waited for it (minutes with thousands of children). A
 * slice also ends as soon as SIGTERM or SIGINT is pending: on a loaded machine 5 ms of work can take
 * much longer than that to run. */
static int on_defer(sd_event_source *src, void *userdata) {
        BackendSim *s = userdata;
        uint64_t start = backend_now_usec();

        /* Callbacks may submit() more, which appends (and may move the queue): each item is copied out
         * before it is delivered. After a slice the rest waits for the next loop iteration, so that a
         * signal (a higher priority) is seen in between. */
        for (size_t k = 1; s->head < s->n_queue; k++) {
                SimItem item = s->queue[s->head++];

                deliver(s, &item);
                if (backend_slice_over(start) || (k % 16 == 0 && stop_signal_pending()))
                        break;
        }
        queue_compact(s);
        if (s->head < s->n_queue)
                return sd_event_source_set_enabled(s->defer, SD_EVENT_ONESHOT);
        return 0;
}

static int queue_dump(BackendSim *s) {
        const SimModel *m = s->model;
        _cleanup_free_ const SimNetdev **nds = sim_model_netdevs_sorted(m);
        SimItem item = { .type = SIM_ITEM_EVENT };
        int r;

        if (!nds)
                return -ENOMEM;
        /* Links by ifindex, then addresses, then routes: the order of RTM_GETLINK/GETADDR/GETROUTE. */
        for (size_t i = 0; i < m->n_netdevs; i++) {
                item.event = (SimEvent) { .type = SIM_EVENT_LINK };
                sim_netdev_to_klink(nds[i], &item.event.link);
                r = queue_push(s, &item);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < m->n_addresses; i++) {
                item.event = (SimEvent) { .type = SIM_EVENT_ADDRESS, .address = m->addresses[i].a };
                r = queue_push(s, &item);
                if (r < 0)
                        return r;
        }
        /* Rules before routes, as the netlink backend dumps them: the agent's rules tell it the tables. */
        for (size_t i = 0; i < m->n_rules; i++) {
                item.event = (SimEvent) { .type = SIM_EVENT_RULE, .rule = m->rules[i] };
                r = queue_push(s, &item);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < m->n_routes; i++) {
                item.event = (SimEvent) { .type = SIM_EVENT_ROUTE, .route = m->routes[i] };
                r = queue_push(s, &item);
                if (r < 0)
                        return r;
        }
        return queue_push(s, &(SimItem) { .type = SIM_ITEM_DUMP_DONE });
}

static int on_fabric_changed(sd_event_source *src, const struct inotify_event *event, void *userdata) {
        BackendSim *s = userdata;
        _cleanup_free_ char *error = NULL;
        SimFabric f = {};
        int r;

        if (event->len == 0 || !streq(event->name, s->fabric_name))
                return 0;
        r = sim_fabric_parse_file(s->fabric_path, &f, &error);
        if (r < 0) {
                log_warning_errno(r, "Simulated fabric: %s: %s, keeping the previous state.", s->fabric_path,
                                  error ?: "cannot read");
                return 0;
        }
        r = sim_model_apply(s->model, &f);
        sim_fabric_done(&f);
        if (r < 0)
                log_warning_errno(r, "Simulated fabric: applying %s failed part way: %m", s->fabric_path);
        else
                log_debug("Simulated fabric: applied the changes of %s.", s->fabric_path);
        r = queue_model_events(s);
        if (r < 0)
                log_warning_errno(r, "Simulated fabric: lost notifications: %m");
        if (s->view) {
                sim_view_note_all(s->view);
                view_schedule(s);
        }
        return 0;
}

static int sim_start(Backend *b) {
        BackendSim *s = backend_sim(b);
        int r;

        if (s->started)
                return -EALREADY;
        if (s->fabric_dir) {
                r = sd_event_add_inotify(b->event, &s->inotify, s->fabric_dir,
                                         IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR, on_fabric_changed, s);
                if (r < 0)
                        return log_error_errno(r, "Failed to watch %s: %m", s->fabric_dir);
        }
        s->started = true;
        return queue_dump(s);
}

static int sim_dump(Backend *b) {
        return queue_dump(backend_sim(b));
}

/* One Action on the model, as the kernel would handle the message the real backend sends for it:
 * one function per action type. */

static int apply_address_add(SimModel *m, const Action *a, const char **extack) {
        KAddress addr = a->address;

        addr.ifindex = a->ifindex;
        /* nl-build sends `brd +` for IPv4 prefixes shorter than /31. */
        return sim_address_add(m, &addr, true, extack);
}

static int apply_address_del(SimModel *m, const Action *a, const char **extack) {
        KAddress addr = a->address;

        addr.ifindex = a->ifindex;
        return sim_address_del(m, &addr, extack);
}

static int apply_route_add(SimModel *m, const Action *a, const char **extack) {
        KRoute route = a->route;

        route.ifindex = a->ifindex;
        return sim_route_add(m, &route, extack);
}

static int apply_route_del(SimModel *m, const Action *a, const char **extack) {
        KRoute route = a->route;

        route.ifindex = a->ifindex;
        return sim_route_del(m, &route, extack);
}

static int apply_child_create_sysfs(SimModel *m, const Action *a) {
        SimNetdev *parent = sim_model_find_ifindex(m, a->ifindex), *c = NULL;
        char buf[16];
        int r;

        if (!parent)
                return -ENODEV;
        /* echo 0xPKEY > create_child, then a rename when the name differs, then the options through
         * changelink (a failure leaves the child in place). */
        snprintf(buf, sizeof(buf), "0x%04x\n", a->child.pkey);
        r = sim_sysfs_create_child(m, parent, buf, &c);
        if (r < 0)
                return r;
        if (!isempty(a->child.name)) {
                r = sim_set_name(m, c, a->child.name);
                if (r < 0) {
                        /* As backend-netlink's sysfs_create_child(): no child is left under a name nobody
                         * asked for; delete_child takes the P_Key as stored (§6). */
                        snprintf(buf, sizeof(buf), "0x%04x\n", c->pkey);
                        (void) sim_sysfs_delete_child(m, parent, buf);
                        return r;
                }
        }
        return sim_rtnl_changelink(m, c, -1, a->child.mode, a->child.umcast);
}

static int apply_child_create(SimModel *m, const Action *a, const char **extack) {
        SimNewLink req = {
                .link = a->ifindex,
                .name = isempty(a->child.name) ? NULL : a->child.name,
                .has_data = true, /* nl-build always sends IFLA_IPOIB_PKEY */
                .pkey = a->child.pkey,
                .mode = a->child.mode,
                .umcast = a->child.umcast,
        };

        if (a->child.method == IB_CHILD_METHOD_SYSFS)
                return apply_child_create_sysfs(m, a);
        return sim_rtnl_newlink(m, &req, extack, NULL);
}

static int apply_child_delete(SimModel *m, const Action *a, const char **extack) {
        SimNetdev *nd = sim_model_find_ifindex(m, a->ifindex);

        return nd ? sim_rtnl_dellink(m, nd) : -ENODEV;
}

static int apply_set_ipoib(SimModel *m, const Action *a, const char **extack) {
        SimNetdev *nd = sim_model_find_ifindex(m, a->ifindex);

        if (a->ipoib.mode < 0 && a->ipoib.umcast < 0)
                return -EINVAL;
        return nd ? sim_rtnl_changelink(m, nd, -1, a->ipoib.mode, a->ipoib.umcast) : -ENODEV;
}

static int apply_set_mtu(SimModel *m, const Action *a, const char **extack) {
        SimNetdev *nd = sim_model_find_ifindex(m, a->ifindex);

        return nd ? sim_set_mtu(m, nd, a->mtu, extack) : -ENODEV;
}

static int apply_set_up(SimModel *m, const Action *a, const char **extack) {
        SimNetdev *nd = sim_model_find_ifindex(m, a->ifindex);

        return nd ? sim_set_up(m, nd, true) : -ENODEV;
}

static int apply_set_down(SimModel *m, const Action *a, const char **extack) {
        SimNetdev *nd = sim_model_find_ifindex(m, a->ifindex);

        return nd ? sim_set_up(m, nd, false) : -ENODEV;
}

static int apply_set_promote_secondaries(SimModel *m, const Action *a, const char **extack) {
        /* The model has no secondary addresses and reports no IFLA_INET_CONF, so the planner never asks
         * for this. */
        return -EOPNOTSUPP;
}

static int apply_set_arp(SimModel *m, const Action *a, const char **extack) {
        SimNetdev *nd = sim_model_find_ifindex(m, a->ifindex);

        return nd ? sim_set_arp(m, nd, a->arp.ignore, a->arp.announce) : -ENODEV;
}

static int apply_rule_add(SimModel *m, const Action *a, const char **extack) {
        return sim_rule_add(m, &a->rule, extack);
}

static int apply_rule_del(SimModel *m, const Action *a, const char **extack) {
        return sim_rule_del(m, &a->rule, extack);
}

static int apply_action(SimModel *m, const Action *a, const char **extack) {
        static int (*const appliers[_ACTION_TYPE_MAX])(SimModel *m, const Action *a, const char **extack) = {
                [ACTION_ADDRESS_DEL] = apply_address_del,
                [ACTION_ROUTE_DEL] = apply_route_del,
                [ACTION_CHILD_DELETE] = apply_child_delete,
                [ACTION_CHILD_CREATE] = apply_child_create,
                [ACTION_SET_IPOIB] = apply_set_ipoib,
                [ACTION_SET_PROMOTE_SECONDARIES] = apply_set_promote_secondaries,
                [ACTION_SET_ARP] = apply_set_arp,
                [ACTION_SET_MTU] = apply_set_mtu,
                [ACTION_SET_UP] = apply_set_up,
                [ACTION_SET_DOWN] = apply_set_down,
                [ACTION_ADDRESS_ADD] = apply_address_add,
                [ACTION_ROUTE_ADD] = apply_route_add,
                [ACTION_RULE_ADD] = apply_rule_add,
                [ACTION_RULE_DEL] = apply_rule_del,
        };

        if (a->type < 0 || a->type >= _ACTION_TYPE_MAX || !appliers[a->type])
                return -EINVAL;
        return appliers[a->type](m, a, extack);
}

static int sim_submit(Backend *b, const Action *a, uint64_t cookie) {
        BackendSim *s = backend_sim(b);
        SimItem reply = { .type = SIM_ITEM_REPLY, .cookie = cookie };
        const char *extack = NULL;
        char buf[256];
        int r;

        /* Room for the reply first: a return < 0 must mean that nothing happened. */
        if (!GREEDY_REALLOC(s->queue, s->allocated_queue, s->n_queue + 1))
                return -ENOMEM;
        reply.error = apply_action(s->model, a, &extack);
        if (extack)
                snprintf(reply.extack, sizeof(reply.extack), "%s", extack);
        log_debug("Simulated fabric: %s → %s", action_to_string(a, buf, sizeof(buf)),
                  reply.error < 0 ? strerror(-reply.error) : "ok");
        r = queue_model_events(s);
        if (r < 0)
                log_warning_errno(r, "Simulated fabric: lost notifications: %m");
        r = queue_push(s, &reply);
        if (r < 0)
                log_warning_errno(r, "Simulated fabric: cannot schedule the reply: %m");
        return 0;
}

static int sim_port_info(Backend *b, const KLink *link, IbPortInfo *ret) {
        SimNetdev *nd = sim_model_find_ifindex(backend_sim(b)->model, link->ifindex);

        if (!nd)
                return -ENODEV;
        return sim_netdev_port_info(nd, ret);
}

static void sim_free(Backend *b) {
        BackendSim *s = backend_sim(b);

        /* What the view has not written yet: a --oneshot run leaves the view complete. Not when stopping
         * on a signal, which must not wait for thousands of files: neither one handled by the loop nor one
         * that comes now, after it (the loop no longer reads the signalfd), so the rest is written in
         * slices that end when SIGTERM or SIGINT is pending. */
        while (s->view && !b->stopping && !stop_signal_pending() &&
               write_view(s, backend_now_usec() + VIEW_SLICE_USEC) > 0)
                ;
        if (b->stopping && !FREE_EVERYTHING_AT_EXIT)
                return; /* the model and view of thousands of netdevs: the kernel frees them at exit */
        sim_view_free(s->view);
        sd_event_source_disable_unref(s->view_source);
        sd_event_source_disable_unref(s->defer);
        sd_event_source_disable_unref(s->inotify);
        sd_event_unref(b->event);
        sim_model_free(s->model);
        free(s->queue);
        free(s->fabric_path);
        free(s->fabric_dir);
        free(s->fabric_name);
        free(s);
}

static const BackendOps sim_ops = {
        .name = "simulated-fabric",
        .start = sim_start,
        .dump = sim_dump,
        .submit = sim_submit,
        .port_info = sim_port_info,
        .free = sim_free,
};

static int split_path(const char *path, char **ret_dir, char **ret_name) {
        const char *slash = strrchr(path, '/');

        *ret_dir = slash ? strndup(path, slash == path ? 1 : (size_t) (slash - path)) : strdup(".");
        *ret_name = strdup(slash ? slash + 1 : path);
        if (!*ret_dir || !*ret_name)
                return -ENOMEM;
        return isempty(*ret_name) ? -EINVAL : 0;
}

int backend_sim_new(sd_event *e, const char *fabric_path, const char *state_dir, Backend **ret) {
        _cleanup_free_ char *error = NULL;
        SimFabric f = {};
        BackendSim *s;
        int r;

        if (!e || !fabric_path || !ret)
                return -EINVAL;
        s = calloc(1, sizeof(BackendSim));
        if (!s)
                return -ENOMEM;
        s->backend = (Backend) { .ops = &sim_ops, .event = sd_event_ref(e) };
        s->fabric_path = strdup(fabric_path);
        if (!s->fabric_path)
                r = -ENOMEM;
        else
                r = split_path(fabric_path, &s->fabric_dir, &s->fabric_name);
        if (r >= 0)
                r = sd_event_add_defer(e, &s->defer, on_defer, s);
        if (r >= 0)
                r = sd_event_source_set_enabled(s->defer, SD_EVENT_OFF);
        if (r >= 0 && state_dir) {
                r = sim_view_new(state_dir, &s->view);
                if (r >= 0)
                        r = sd_event_add_defer(e, &s->view_source, on_view, s);
                if (r >= 0)
                        r = sd_event_source_set_priority(s->view_source, VIEW_PRIORITY);
                if (r >= 0)
                        r = sd_event_source_set_enabled(s->view_source, SD_EVENT_OFF);
        }
        if (r >= 0)
                r = sim_model_new(&s->model);
        if (r >= 0) {
                r = sim_fabric_parse_file(fabric_path, &f, &error);
                if (r >= 0)
                        r = sim_model_load(s->model, &f, &error);
                sim_fabric_done(&f);
                if (r < 0 && error)
                        log_error("%s: %s", fabric_path, error);
        }
        if (r < 0) {
                sim_free(&s->backend);
                return r;
        }
        /* start() dumps the loaded state; the notifications of building it are not news. The view
         * starts with everything (sim_view_new()): its directories and ip-address now, where the DNS
         * sink and readers expect them, the netdevs' files from the loop. */
        sim_model_clear_events(s->model);
        if (s->view)
                (void) write_view(s, 1);
        view_schedule(s);
        *ret = &s->backend;
        return 0;
}
