/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The agent's view as JSON, for Describe() and Plan() on the bus (org.ipoib.Agent1(5)). Keys are only
 * ever added. */

#include <json-c/json.h>
#include <net/if_arp.h>

#include "describe.h"
#include "ib-tables.h"
#include "link-config.h"
#include "parse-util.h"
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

        if (!l->has_port)
                return NULL;
        o = json_object_new_object();
        add(o, "device", jstr(l->port.device));
        add(o, "port", json_object_new_int((int) l->port.port));
        if (!l->port.state_known)
                return o;
        add(o, "state", jstr(ib_port_state_to_string(l->port.state)));
        add(o, "active_mtu", json_object_new_int((int) l->port.active_mtu));
        add(o, "lid", json_object_new_int(l->port.lid));
        add(o, "sm_lid", json_object_new_int(l->port.sm_lid));
        pk = json_object_new_array();
        FOREACH_ARRAY(p, l->port.pkeys, l->port.n_pkeys) {
                snprintf(buf, sizeof(buf), "0x%04x", *p);
                json_object_array_add(pk, json_object_new_string(buf));
        }
        add(o, "pkeys", pk);
        if (l->port.enhanced >= 0)
                add(o, "enhanced", json_object_new_boolean(l->port.enhanced));
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
                json_object_array_add(a, o);
        }
        return a;
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
        add(o, "state", jstr(link_state_to_string(l->state)));
        add(o, "reason", jstr(l->reason));
        add(o, "warning", jstr(l->warning));
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
        a = json_object_new_array();
        FOREACH_ARRAY(x, l->routes, l->n_routes)
                json_object_array_add(a, jstr(kroute_to_string(x, buf, sizeof(buf))));
        add(o, "routes", a);
        add(o, "children", children_json(m, l));
        return o;
}

char *describe_json(Manager *m) {
        _cleanup_free_ Link **links = NULL;
        json_object *root = json_object_new_object(), *a = json_object_new_array(),
                    *unused = json_object_new_array();
        size_t n = 0;
        char *s;

        links = manager_links_sorted(m, &n);
        if (!links) {
                json_object_put(root);
                json_object_put(a);
                json_object_put(unused);
                return NULL;
        }
        add(root, "version", jstr(PACKAGE_VERSION));
        add(root, "backend", jstr(m->backend_name));
        for (size_t i = 0; i < n; i++)
                json_object_array_add(a, link_json(m, links[i]));
        add(root, "links", a);
        FOREACH_ARRAY(e, m->config.entries, m->config.n) {
                bool used = false;

                if (!e->network)
                        continue;
                for (size_t i = 0; i < n && !used; i++) {
                        used = links[i]->network == e->network;
                        FOREACH_ARRAY(c, links[i]->children, links[i]->n_children)
                                used = used || c->network == e->network;
                }
                if (!used)
                        json_object_array_add(unused, jstr(e->path));
        }
        add(root, "unused", unused);
        s = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(root);
        return s;
}

char *plan_json(Manager *m) {
        _cleanup_free_ Link **links = NULL;
        json_object *root = json_object_new_object(), *a = json_object_new_array();
        size_t n = 0;
        char *s;

        links = manager_links_sorted(m, &n);
        if (!links) {
                json_object_put(root);
                json_object_put(a);
                return NULL;
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_(action_list_done) ActionList plan = {};
                const char *blocked = NULL;
                json_object *o, *acts;

                if (link_plan(m, links[i], &plan, &blocked, NULL) < 0 || (plan.n == 0 && !blocked))
                        continue;
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
        add(root, "links", a);
        s = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(root);
        return s;
}
