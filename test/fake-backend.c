/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <check.h>
#include <linux/if_link.h>
#include <net/if_arp.h>

#include "fake-backend.h"
#include "strv.h"

typedef enum FakeEventType {
        FAKE_EVENT_LINK,
        FAKE_EVENT_ADDRESS,
        FAKE_EVENT_ROUTE,
        FAKE_EVENT_RULE,
        FAKE_EVENT_DUMP_DONE,
        FAKE_EVENT_OVERRUN,
        FAKE_EVENT_REPLY,
} FakeEventType;

struct FakeEvent {
        FakeEventType type;
        bool removed;
        union {
                KLink link;
                KAddress address;
                KRoute route;
                KRule rule;
                struct {
                        uint64_t cookie;
                        int error;
                        bool has_extack;
                        char extack[256];
                } reply;
        };
};

typedef struct FakeScriptRow {
        FakeScript script;
        unsigned used;
} FakeScriptRow;

typedef struct FakePort {
        int ifindex;
        IbPortInfo info;
} FakePort;

/* ---- the queue to the event loop ---- */

static void queue_push(FakeBackend *f, const FakeEvent *ev) {
        ck_assert(GREEDY_REALLOC(f->queue, f->allocated_queue, f->n_queue + 1));
        f->queue[f->n_queue++] = *ev;
        ck_assert_int_ge(sd_event_source_set_enabled(f->defer, SD_EVENT_ONESHOT), 0);
}

static void deliver(FakeBackend *f, const FakeEvent *ev) {
        const BackendEvents *e = &f->backend.events;
        void *u = f->backend.userdata;

        switch (ev->type) {
        case FAKE_EVENT_LINK:
                if (e->link)
                        e->link(u, &ev->link, ev->removed);
                break;
        case FAKE_EVENT_ADDRESS:
                if (e->address)
                        e->address(u, &ev->address, ev->removed);
                break;
        case FAKE_EVENT_ROUTE:
                if (e->route)
                        e->route(u, &ev->route, ev->removed);
                break;
        case FAKE_EVENT_RULE:
                if (e->rule)
                        e->rule(u, &ev->rule, ev->removed);
                break;
        case FAKE_EVENT_DUMP_DONE:
                if (e->dump_done)
                        e->dump_done(u);
                break;
        case FAKE_EVENT_OVERRUN:
                if (e->overrun)
                        e->overrun(u);
                break;
        case FAKE_EVENT_REPLY:
                ck_assert_uint_gt(f->n_replies_due, 0);
                f->n_replies_due--;
                if (e->reply)
                        e->reply(u, ev->reply.cookie, ev->reply.error,
                                 ev->reply.has_extack ? ev->reply.extack : NULL);
                break;
        }
}

static int on_defer(sd_event_source *s, void *userdata) {
        FakeBackend *f = userdata;

        /* A callback may submit() more, which appends: deliver until the queue is empty, in order.
         * Each event is copied out first, since appending may move the array. */
        while (f->queue_head < f->n_queue) {
                FakeEvent ev = f->queue[f->queue_head++];

                if (f->queue_head == f->n_queue)
                        f->queue_head = f->n_queue = 0;
                deliver(f, &ev);
        }
        return 0;
}

/* ---- the model ---- */

static KLink *model_link(FakeBackend *f, int ifindex) {
        FOREACH_ARRAY(k, f->links, f->n_links)
                if (k->ifindex == ifindex)
                        return k;
        return NULL;
}

KLink *fake_backend_get_link(FakeBackend *f, const char *ifname) {
        FOREACH_ARRAY(k, f->links, f->n_links)
                if (streq(k->ifname, ifname))
                        return k;
        return NULL;
}

KLink *fake_backend_add_link(FakeBackend *f, const KLink *k) {
        KLink *x = model_link(f, k->ifindex);

        if (!x) {
                ck_assert(GREEDY_REALLOC(f->links, f->allocated_links, f->n_links + 1));
                x = &f->links[f->n_links++];
        }
        *x = *k;
        f->next_ifindex = MAX(f->next_ifindex, k->ifindex + 1);
        return x;
}

static ssize_t model_address_index(FakeBackend *f, const KAddress *a) {
        for (size_t i = 0; i < f->n_addresses; i++)
                if (f->addresses[i].ifindex == a->ifindex && kaddress_equal(&f->addresses[i], a))
                        return (ssize_t) i;
        return -1;
}

static ssize_t model_route_index(FakeBackend *f, const KRoute *r) {
        for (size_t i = 0; i < f->n_routes; i++)
                if (kroute_equal(&f->routes[i], r))
                        return (ssize_t) i;
        return -1;
}

bool fake_backend_has_address(FakeBackend *f, const KAddress *a) {
        return model_address_index(f, a) >= 0;
}

bool fake_backend_has_route(FakeBackend *f, const KRoute *r) {
        return model_route_index(f, r) >= 0;
}

void fake_backend_add_address(FakeBackend *f, const KAddress *a) {
        if (model_address_index(f, a) >= 0)
                return;
        ck_assert(GREEDY_REALLOC(f->addresses, f->allocated_addresses, f->n_addresses + 1));
        f->addresses[f->n_addresses++] = *a;
}

void fake_backend_remove_address(FakeBackend *f, const KAddress *a) {
        ssize_t i = model_address_index(f, a);

        if (i >= 0)
                f->addresses[i] = f->addresses[--f->n_addresses];
}

void fake_backend_add_route(FakeBackend *f, const KRoute *r) {
        if (model_route_index(f, r) >= 0)
                return;
        ck_assert(GREEDY_REALLOC(f->routes, f->allocated_routes, f->n_routes + 1));
        f->routes[f->n_routes++] = *r;
}

void fake_backend_remove_route(FakeBackend *f, const KRoute *r) {
        ssize_t i = model_route_index(f, r);

        if (i >= 0)
                f->routes[i] = f->routes[--f->n_routes];
}

void fake_backend_set_port(FakeBackend *f, int ifindex, const IbPortInfo *p) {
        FOREACH_ARRAY(x, f->ports, f->n_ports)
                if (x->ifindex == ifindex) {
                        x->info = *p;
                        return;
                }
        ck_assert(GREEDY_REALLOC(f->ports, f->allocated_ports, f->n_ports + 1));
        f->ports[f->n_ports++] = (FakePort) { .ifindex = ifindex, .info = *p };
}

static void model_remove_link(FakeBackend *f, int ifindex, bool notify) {
        KLink *k = model_link(f, ifindex);
        size_t n = 0;

        if (!k)
                return;
        /* The kernel flushes a departing link's addresses and routes (inetdev_destroy(),
         * fib_disable_ip()) and says so before RTM_DELLINK. */
        FOREACH_ARRAY(a, f->addresses, f->n_addresses) {
                if (a->ifindex != ifindex)
                        f->addresses[n++] = *a;
                else if (notify)
                        queue_push(f, &(FakeEvent) {
                                .type = FAKE_EVENT_ADDRESS, .removed = true, .address = *a });
        }
        f->n_addresses = n;
        n = 0;
        FOREACH_ARRAY(r, f->routes, f->n_routes)
                if (r->ifindex != ifindex)
                        f->routes[n++] = *r;
        f->n_routes = n;
        if (notify)
                queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_LINK, .removed = true, .link = *k });
        *k = f->links[--f->n_links];
}

/* The kernel notifies a link change only when something changed (dev_set_mtu() to the same value,
 * say, sends nothing). */
void fake_backend_change_link(FakeBackend *f, const KLink *k) {
        KLink *x = model_link(f, k->ifindex);

        if (x && memcmp(x, k, sizeof(KLink)) == 0)
                return;
        x = fake_backend_add_link(f, k);
        queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_LINK, .link = *x });
}

void fake_backend_link_event(FakeBackend *f, const KLink *k, bool removed) {
        if (removed) {
                model_remove_link(f, k->ifindex, true);
                return;
        }
        fake_backend_add_link(f, k);
        queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_LINK, .link = *k });
}

void fake_backend_address_event(FakeBackend *f, const KAddress *a, bool removed) {
        if (removed)
                fake_backend_remove_address(f, a);
        else
                fake_backend_add_address(f, a);
        queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_ADDRESS, .removed = removed, .address = *a });
}

void fake_backend_route_event(FakeBackend *f, const KRoute *r, bool removed) {
        if (removed)
                fake_backend_remove_route(f, r);
        else
                fake_backend_add_route(f, r);
        queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_ROUTE, .removed = removed, .route = *r });
}

void fake_backend_dump_done_event(FakeBackend *f) {
        queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_DUMP_DONE });
}

void fake_backend_overrun_event(FakeBackend *f) {
        queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_OVERRUN });
}

/* As the kernel: the same rule once per protocol (rule_exists()), and a protocol in a deletion must match
 * (rule_find()). */
static ssize_t model_rule_index(FakeBackend *f, const KRule *r) {
        for (size_t i = 0; i < f->n_rules; i++)
                if (krule_equal(&f->rules[i], r) && (r->protocol == 0 || f->rules[i].protocol == r->protocol))
                        return (ssize_t) i;
        return -1;
}

void fake_backend_add_rule(FakeBackend *f, const KRule *r) {
        ck_assert(GREEDY_REALLOC(f->rules, f->allocated_rules, f->n_rules + 1));
        f->rules[f->n_rules++] = *r;
}

/* Rules are not a link's: they come and go with no link in the action. */
static void fake_apply_rule(FakeBackend *f, const Action *a) {
        ssize_t i = model_rule_index(f, &a->rule);

        if (a->type == ACTION_RULE_ADD && i < 0) {
                ck_assert(GREEDY_REALLOC(f->rules, f->allocated_rules, f->n_rules + 1));
                f->rules[f->n_rules++] = a->rule;
                queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_RULE, .rule = a->rule });
        } else if (a->type == ACTION_RULE_DEL && i >= 0) {
                KRule gone = f->rules[i];

                f->rules[i] = f->rules[--f->n_rules];
                queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_RULE, .removed = true, .rule = gone });
        }
}

void fake_backend_apply(FakeBackend *f, const Action *a) {
        KLink k;

        if (a->type == ACTION_RULE_ADD || a->type == ACTION_RULE_DEL) {
                fake_apply_rule(f, a);
                return;
        }
        k = *model_link(f, a->ifindex);

        switch (a->type) {
        case ACTION_ADDRESS_ADD:
                if (!fake_backend_has_address(f, &a->address)) {
                        KAddress x = a->address;

                        if (f->drop_address_proto)
                                x.protocol = 0;
                        fake_backend_address_event(f, &x, false);
                }
                break;
        case ACTION_ADDRESS_DEL:
                if (fake_backend_has_address(f, &a->address))
                        fake_backend_address_event(f, &a->address, true);
                break;
        case ACTION_ROUTE_ADD:
                if (!fake_backend_has_route(f, &a->route))
                        fake_backend_route_event(f, &a->route, false);
                break;
        case ACTION_ROUTE_DEL:
                if (fake_backend_has_route(f, &a->route))
                        fake_backend_route_event(f, &a->route, true);
                break;
        case ACTION_SET_MTU:
                k.mtu = a->mtu;
                fake_backend_change_link(f, &k);
                break;
        case ACTION_SET_UP:
                k.flags |= IFF_UP;
                fake_backend_change_link(f, &k);
                break;
        case ACTION_SET_DOWN: {
                bool was_up = k.flags & IFF_UP;

                k.flags &= ~IFF_UP;
                fake_backend_change_link(f, &k);
                /* fib_disable_ip() on NETDEV_DOWN: the link's IPv4 routes go, without RTM_DELROUTE
                 * (docs/kernel-ipoib.md §9). */
                for (size_t i = 0; was_up && i < f->n_routes;)
                        if (f->routes[i].ifindex == k.ifindex && f->routes[i].family == AF_INET)
                                f->routes[i] = f->routes[--f->n_routes];
                        else
                                i++;
                break;
        }
        case ACTION_SET_PROMOTE_SECONDARIES:
                k.promote_secondaries = a->promote_secondaries;
                fake_backend_change_link(f, &k);
                break;
        case ACTION_SET_ARP:
                if (a->arp.ignore >= 0)
                        k.arp_ignore = (uint8_t) a->arp.ignore;
                if (a->arp.announce >= 0)
                        k.arp_announce = (uint8_t) a->arp.announce;
                fake_backend_change_link(f, &k);
                break;
        case ACTION_SET_IPOIB:
                if (a->ipoib.mode >= 0)
                        k.mode = (uint8_t) a->ipoib.mode;
                if (a->ipoib.umcast >= 0)
                        k.umcast = (uint8_t) a->ipoib.umcast;
                fake_backend_change_link(f, &k);
                break;
        case ACTION_CHILD_CREATE: {
                /* ipoib_new_child_link(): same type and hardware address as the parent, down, with
                 * the full-membership bit set in its P_Key. */
                KLink c = k;

                c.ifindex = f->next_ifindex;
                snprintf(c.ifname, sizeof(c.ifname), "%s", a->child.name);
                snprintf(c.kind, sizeof(c.kind), "ipoib");
                c.parent = k.ifindex;
                c.flags = 0;
                c.has_ipoib = true;
                c.pkey = a->child.pkey | 0x8000;
                c.mode = a->child.mode >= 0 ? (uint8_t) a->child.mode : IPOIB_MODE_DATAGRAM;
                c.umcast = a->child.umcast >= 0 ? (uint8_t) a->child.umcast : 0;
                c.promote_secondaries = false;
                fake_backend_change_link(f, &c);
                break;
        }
        case ACTION_CHILD_DELETE:
                model_remove_link(f, a->ifindex, true);
                break;
        case ACTION_RULE_ADD:
        case ACTION_RULE_DEL:
                break; /* above */
        case _ACTION_TYPE_MAX:
        case _ACTION_TYPE_INVALID:
                ck_abort_msg("invalid action submitted");
        }
}

/* ---- BackendOps ---- */

static void queue_dump(FakeBackend *f) {
        FOREACH_ARRAY(k, f->links, f->n_links)
                queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_LINK, .link = *k });
        FOREACH_ARRAY(a, f->addresses, f->n_addresses)
                queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_ADDRESS, .address = *a });
        FOREACH_ARRAY(r, f->routes, f->n_routes)
                queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_ROUTE, .route = *r });
        FOREACH_ARRAY(r, f->rules, f->n_rules)
                queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_RULE, .rule = *r });
        queue_push(f, &(FakeEvent) { .type = FAKE_EVENT_DUMP_DONE });
}

static int fake_start(Backend *b) {
        FakeBackend *f = (FakeBackend *) b;

        f->n_starts++;
        queue_dump(f);
        return 0;
}

static int fake_dump(Backend *b) {
        FakeBackend *f = (FakeBackend *) b;

        f->n_dumps++;
        queue_dump(f);
        return 0;
}

static const FakeScript *script_find(FakeBackend *f, const char *text) {
        FOREACH_ARRAY(row, f->scripts, f->n_scripts) {
                if (!streq(row->script.action, text))
                        continue;
                if (row->script.times > 0 && row->used >= row->script.times)
                        continue;
                row->used++;
                return &row->script;
        }
        return NULL;
}

static int fake_submit(Backend *b, const Action *a, uint64_t cookie) {
        FakeBackend *f = (FakeBackend *) b;
        FakeEvent reply = { .type = FAKE_EVENT_REPLY, .reply.cookie = cookie };
        const FakeScript *s;
        char text[256];

        action_to_string(a, text, sizeof(text));
        ck_assert_int_ge(strv_extend(&f->submitted, text), 0);
        f->n_submitted++;
        s = script_find(f, text);
        reply.reply.error = s ? s->error : 0;
        if (s && s->extack) {
                reply.reply.has_extack = true;
                snprintf(reply.reply.extack, sizeof(reply.reply.extack), "%s", s->extack);
        }
        if (reply.reply.error == 0 && a->type == ACTION_RULE_DEL && model_rule_index(f, &a->rule) < 0)
                reply.reply.error = -ENOENT; /* fib_nl_delrule() */
        else if (reply.reply.error == 0 && a->type != ACTION_RULE_ADD && a->type != ACTION_RULE_DEL &&
                 !model_link(f, a->ifindex))
                reply.reply.error = -ENODEV; /* rtnl_setlink(), inet_rtm_newaddr(): no such device */
        f->n_replies_due++;

        if (f->notify_after_reply)
                queue_push(f, &reply);
        if (s && s->effect)
                s->effect(f, a);
        else if (reply.reply.error == 0 && !f->no_effects)
                fake_backend_apply(f, a);
        if (!f->notify_after_reply)
                queue_push(f, &reply);
        return 0;
}

static int fake_port_info(Backend *b, const KLink *link, IbPortInfo *ret) {
        FakeBackend *f = (FakeBackend *) b;

        if (f->n_ports == 0)
                return -ENXIO;
        FOREACH_ARRAY(x, f->ports, f->n_ports)
                if (x->ifindex == link->ifindex) {
                        *ret = x->info;
                        return 0;
                }
        return -ENODEV;
}

static void fake_free(Backend *b) {
        FakeBackend *f = (FakeBackend *) b;

        sd_event_source_disable_unref(f->defer);
        free(f->links);
        free(f->addresses);
        free(f->routes);
        free(f->rules);
        free(f->ports);
        free(f->scripts);
        free(f->queue);
        strv_free(f->submitted);
        sd_event_unref(f->backend.event);
        free(f);
}

static const BackendOps fake_ops = {
        .name = "fake",
        .start = fake_start,
        .dump = fake_dump,
        .submit = fake_submit,
        .port_info = fake_port_info,
        .free = fake_free,
};

int fake_backend_new(sd_event *e, FakeBackend **ret) {
        FakeBackend *f;
        int r;

        f = calloc(1, sizeof(FakeBackend));
        if (!f)
                return -ENOMEM;
        f->backend.ops = &fake_ops;
        f->backend.event = sd_event_ref(e);
        f->next_ifindex = 1;
        r = sd_event_add_defer(e, &f->defer, on_defer, f);
        if (r >= 0)
                r = sd_event_source_set_enabled(f->defer, SD_EVENT_OFF);
        if (r < 0) {
                fake_free(&f->backend);
                return r;
        }
        *ret = f;
        return 0;
}

void fake_backend_script(FakeBackend *f, const FakeScript *s) {
        ck_assert(GREEDY_REALLOC(f->scripts, f->allocated_scripts, f->n_scripts + 1));
        f->scripts[f->n_scripts++] = (FakeScriptRow) { .script = *s };
}

bool fake_backend_idle(const FakeBackend *f) {
        return f->queue_head == f->n_queue && f->n_replies_due == 0;
}

char *fake_backend_submitted_since(const FakeBackend *f, size_t from) {
        char *s;

        if (from >= f->n_submitted)
                return strdup("");
        s = strv_join(f->submitted + from, "\n");
        ck_assert_ptr_nonnull(s);
        return s;
}
