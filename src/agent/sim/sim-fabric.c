/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The fabric file: JSON describing HCAs, their ports and the IPoIB netdevs on them. The format is
 * documented for users in examples/fabric/README.md; in short:
 *
 *   { "hcas": [ { "name": "mlx4_0", "model": "ConnectX-3", "enhanced": false, "connected_mode": true,
 *                 "first_qpn": "0x000208", "present": true, "rtnl_busy": false,
 *                 "ports": [ { "port": 1, "guid": "0002:c903:0001:2345", "subnet_prefix": "fec0::",
 *                              "state": "active", "active_mtu": 2048, "max_mtu": 4096, "bcast_mtu": 2048,
 *                              "lid": 3, "sm_lid": 1, "pkeys": [ "0xffff", "0x8002" ],
 *                              "netdev": { "name": "mlx4_ib0", "ifindex": 5, "qpn": "0x000208",
 *                                          "up": true, "mode": "datagram", "umcast": false, "mtu": 2044,
 *                                          "addresses": [ "192.0.2.9/24" ],
 *                                          "children": [ { "name": "mlx4_ib0.8003", "pkey": "0x8003",
 *                                                          "method": "netlink", "up": true } ] } } ] } ] }
 *
 * Numbers may be JSON integers or strings ("0x…" hex allowed). "netdev" may be just the name. Keys
 * starting with "_" are comments. Unknown keys are errors, so a typo does not go unnoticed. */

#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdarg.h>

#include "ib-tables.h"
#include "parse-util.h"
#include "sim-fabric.h"
#include "strv.h"

typedef struct json_object JsonObject;

#define JSON_PATH_MAX 256

/* A JSON path for messages ("hcas[0].ports[1].state"); cut short rather than failing. */
static void pathf(char buf[static JSON_PATH_MAX], const char *fmt, ...) _printf_(2, 3);
static void pathf(char buf[static JSON_PATH_MAX], const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        (void) vsnprintf(buf, JSON_PATH_MAX, fmt, ap);
        va_end(ap);
}

static int fail(char **err, const char *path, const char *fmt, ...) _printf_(3, 4);
static int fail(char **err, const char *path, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r >= 0 && err && !*err && asprintf(err, "%s: %s", path, msg) < 0)
                *err = NULL;
        return -EINVAL;
}

void sim_fabric_done(SimFabric *f) {
        for (size_t i = 0; i < f->n_netdevs; i++)
                strv_free(f->netdevs[i].addresses);
        free(f->netdevs);
        free(f->hcas);
        *f = (SimFabric) {};
}

static bool is_comment(const char *key) {
        return key[0] == '_';
}

static int get_u32(JsonObject *v, uint32_t max, uint32_t *ret) {
        uint32_t u;

        if (json_object_is_type(v, json_type_int)) {
                int64_t i = json_object_get_int64(v);

                if (i < 0 || i > max)
                        return -ERANGE;
                *ret = (uint32_t) i;
                return 0;
        }
        if (!json_object_is_type(v, json_type_string) || safe_atou32_base(json_object_get_string(v), &u) < 0)
                return -EINVAL;
        if (u > max)
                return -ERANGE;
        *ret = u;
        return 0;
}

static int get_bool(JsonObject *v, bool *ret) {
        if (!json_object_is_type(v, json_type_boolean))
                return -EINVAL;
        *ret = json_object_get_boolean(v);
        return 0;
}

static int get_name(JsonObject *v, char *buf, size_t size) {
        const char *s;

        if (!json_object_is_type(v, json_type_string))
                return -EINVAL;
        s = json_object_get_string(v);
        if (isempty(s) || strlen(s) >= size)
                return -EINVAL;
        memcpy(buf, s, strlen(s) + 1);
        return 0;
}

#define CHECK(expr, path, ...)                                                                              \
        do {                                                                                                \
                if ((expr) < 0)                                                                             \
                        return fail(err, path, __VA_ARGS__);                                                \
        } while (0)

static int parse_mode(JsonObject *v, int *ret) {
        /* IbMode's values are the kernel's IPOIB_MODE_*, which the model keeps. */
        IbMode m = ib_mode_from_string(json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL);

        if (m < 0)
                return -EINVAL;
        *ret = m;
        return 0;
}

static int parse_netdev(JsonObject *o, const char *path, bool child, SimFabric *f, size_t idx, char **err);

static int add_netdev(SimFabric *f, size_t *ret) {
        SimNetdevConf *n = realloc(f->netdevs, (f->n_netdevs + 1) * sizeof(SimNetdevConf));

        if (!n)
                return -ENOMEM;
        f->netdevs = n;
        n[f->n_netdevs] = (SimNetdevConf) { .up = -1, .mode = -1, .umcast = -1 };
        *ret = f->n_netdevs++;
        return 0;
}

static int parse_children(JsonObject *v, const char *path, size_t parent, SimFabric *f, char **err) {
        if (!json_object_is_type(v, json_type_array))
                return fail(err, path, "expected an array");
        for (size_t i = 0; i < json_object_array_length(v); i++) {
                char p[JSON_PATH_MAX];
                size_t idx;
                int r;

                pathf(p, "%s[%zu]", path, i);
                r = add_netdev(f, &idx);
                if (r < 0)
                        return r;
                memcpy(f->netdevs[idx].parent, f->netdevs[parent].name, IFNAMSIZ);
                memcpy(f->netdevs[idx].hca, f->netdevs[parent].hca, SIM_NAME_MAX);
                f->netdevs[idx].port = f->netdevs[parent].port;
                r = parse_netdev(json_object_array_get_idx(v, i), p, true, f, idx, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* "addresses": ["ADDRESS/PREFIXLEN", …], appended to *addresses. */
static int parse_addresses(JsonObject *v, const char *p, char ***addresses, char **err) {
        CHECK(json_object_is_type(v, json_type_array) ? 0 : -EINVAL, p, "expected an array");
        for (size_t i = 0; i < json_object_array_length(v); i++) {
                JsonObject *a = json_object_array_get_idx(v, i);
                const char *s = json_object_is_type(a, json_type_string) ? json_object_get_string(a) : "";
                union in_addr_union x;
                uint8_t len;
                int family, r;

                CHECK(in_addr_prefix_from_string_auto(s, false, &family, &x, &len), p,
                      "expected ADDRESS/PREFIXLEN strings");
                r = strv_extend(addresses, s);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_netdev(JsonObject *o, const char *path, bool child, SimFabric *f, size_t idx, char **err) {
        JsonObject *children = NULL;
        bool has_pkey = false;
        uint32_t u;
        bool b;
        int r;

        if (!child && json_object_is_type(o, json_type_string)) {
                CHECK(get_name(o, f->netdevs[idx].name, IFNAMSIZ), path, "bad interface name");
                return 0;
        }
        if (!json_object_is_type(o, json_type_object))
                return fail(err, path, "expected an object");
        json_object_object_foreach(o, key, v) {
                char p[JSON_PATH_MAX];
                SimNetdevConf *n = &f->netdevs[idx];

                pathf(p, "%s.%s", path, key);
                if (is_comment(key))
                        continue;
                if (streq(key, "name"))
                        CHECK(get_name(v, n->name, IFNAMSIZ) < 0 || !ifname_valid(n->name) ? -EINVAL : 0, p,
                              "bad interface name");
                else if (streq(key, "ifindex")) {
                        CHECK(get_u32(v, INT32_MAX, &u) < 0 || u == 0 ? -EINVAL : 0, p, "bad ifindex");
                        n->ifindex = (int) u;
                } else if (streq(key, "qpn") && !child)
                        /* stored in the port; parsed by the caller */
                        continue;
                else if (streq(key, "up")) {
                        CHECK(get_bool(v, &b), p, "expected true or false");
                        n->up = b;
                } else if (streq(key, "umcast")) {
                        CHECK(get_bool(v, &b), p, "expected true or false");
                        n->umcast = b;
                } else if (streq(key, "mode"))
                        CHECK(parse_mode(v, &n->mode), p, "expected \"datagram\" or \"connected\"");
                else if (streq(key, "mtu"))
                        CHECK(get_u32(v, UINT32_MAX, &n->mtu) < 0 || n->mtu == 0 ? -EINVAL : 0, p,
                              "bad MTU");
                else if (streq(key, "addresses")) {
                        r = parse_addresses(v, p, &n->addresses, err);
                        if (r < 0)
                                return r;
                } else if (streq(key, "children") && !child)
                        children = v;
                else if (streq(key, "pkey") && child) {
                        CHECK(get_u32(v, 0xffff, &u), p, "bad P_Key");
                        n->pkey = (uint16_t) u;
                        has_pkey = true;
                } else if (streq(key, "method") && child) {
                        IbChildMethod cm = ib_child_method_from_string(
                                json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL);

                        CHECK(cm, p, "expected \"netlink\" or \"sysfs\"");
                        n->sysfs = cm == IB_CHILD_METHOD_SYSFS;
                } else
                        return fail(err, p, "unknown key");
        }
        if (child && !has_pkey)
                return fail(err, path, "a child needs \"pkey\"");
        if (!child && isempty(f->netdevs[idx].name))
                return fail(err, path, "a netdev needs \"name\"");
        if (children) {
                char p[JSON_PATH_MAX];

                pathf(p, "%s.children", path);
                return parse_children(children, p, idx, f, err);
        }
        return 0;
}

static int parse_port_state(JsonObject *v, IbPortState *ret) {
        IbPortState s = ib_port_state_from_string(json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                                           : NULL);

        /* The states a port passes through on its way up; nop and active-defer are not modelled. */
        if (s < 0 || s == IB_PORT_NOP || s == IB_PORT_ACTIVE_DEFER)
                return -EINVAL;
        *ret = s;
        return 0;
}

/* What parse_port_key() saw of the keys that have defaults or are required. */
typedef struct PortSeen {
        bool bcast, guid, max;
        JsonObject *netdev;
} PortSeen;

/* One key of a port object; q is its path for messages. */
static int parse_port_key(SimPortConf *p, const char *key, JsonObject *v, const char *q, PortSeen *seen,
                          char **err) {
        uint32_t u;

        if (streq(key, "port")) {
                CHECK(get_u32(v, 254, &u) < 0 || u == 0 ? -EINVAL : 0, q, "expected 1…254");
                p->number = u;
        } else if (streq(key, "guid")) {
                const char *s = json_object_is_type(v, json_type_string)
                                        ? json_object_get_string(v)
                                        : "";

                CHECK(parse_guid(s, &p->guid), q, "expected a GUID such as \"0002:c903:0001:2345\"");
                seen->guid = true;
        } else if (streq(key, "subnet_prefix")) {
                struct in6_addr a;

                CHECK(json_object_is_type(v, json_type_string) &&
                                      inet_pton(AF_INET6, json_object_get_string(v), &a) == 1
                              ? 0
                              : -EINVAL,
                      q, "expected an IPv6 prefix such as \"fe80::\"");
                memcpy(p->subnet_prefix, &a, 8);
        } else if (streq(key, "state"))
                CHECK(parse_port_state(v, &p->state), q, "expected down, init, armed or active");
        else if (streq(key, "active_mtu") || streq(key, "max_mtu") || streq(key, "bcast_mtu")) {
                CHECK(get_u32(v, 4096, &u) < 0 || u < 256 || (u & (u - 1)) != 0 ? -EINVAL : 0, q,
                      "expected an IB MTU: 256, 512, 1024, 2048 or 4096");
                if (streq(key, "active_mtu"))
                        p->active_mtu = u;
                else if (streq(key, "max_mtu")) {
                        p->max_mtu = u;
                        seen->max = true;
                } else {
                        p->bcast_mtu = u;
                        seen->bcast = true;
                }
        } else if (streq(key, "lid") || streq(key, "sm_lid")) {
                CHECK(get_u32(v, 0xffff, &u), q, "expected a LID (0…0xffff)");
                *(streq(key, "lid") ? &p->lid : &p->sm_lid) = (uint16_t) u;
        } else if (streq(key, "pkeys")) {
                size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;

                bool ok = json_object_is_type(v, json_type_array) && n <= IB_PKEY_TABLE_MAX;

                CHECK(ok ? 0 : -EINVAL, q, "expected an array of at most %d P_Keys",
                      IB_PKEY_TABLE_MAX);
                for (size_t i = 0; i < n; i++) {
                        CHECK(get_u32(json_object_array_get_idx(v, i), 0xffff, &u), q,
                              "bad P_Key #%zu", i);
                        p->pkeys[i] = (uint16_t) u;
                }
                p->n_pkeys = n;
        } else if (streq(key, "netdev"))
                seen->netdev = v;
        else
                return fail(err, q, "unknown key");
        return 0;
}

static int parse_port(JsonObject *o, const char *path, SimHcaConf *h, SimFabric *f, char **err) {
        SimPortConf *p = &h->ports[h->n_ports];
        PortSeen seen = {};
        JsonObject *netdev;
        size_t idx;
        int r;

        if (!json_object_is_type(o, json_type_object))
                return fail(err, path, "expected an object");
        *p = (SimPortConf) {
                .number = (unsigned) h->n_ports + 1,
                .subnet_prefix = { 0xfe, 0x80 },
                .state = IB_PORT_ACTIVE,
                .active_mtu = 4096,
                .pkeys = { 0xffff },
                .n_pkeys = 1,
        };
        json_object_object_foreach(o, key, v) {
                char q[JSON_PATH_MAX];

                pathf(q, "%s.%s", path, key);
                if (is_comment(key))
                        continue;
                r = parse_port_key(p, key, v, q, &seen, err);
                if (r < 0)
                        return r;
        }
        netdev = seen.netdev;
        if (!seen.guid)
                return fail(err, path, "a port needs \"guid\"");
        if (!netdev)
                return fail(err, path, "a port needs \"netdev\"");
        if (!seen.bcast)
                p->bcast_mtu = p->active_mtu;
        /* ibv_port_attr: the active MTU is negotiated down from the maximum, never above it. */
        if (!seen.max)
                p->max_mtu = p->active_mtu;
        else if (p->max_mtu < p->active_mtu)
                return fail(err, path, "max_mtu %u is below active_mtu %u", p->max_mtu, p->active_mtu);
        for (size_t i = 0; i < h->n_ports; i++)
                if (h->ports[i].number == p->number)
                        return fail(err, path, "port %u given twice", p->number);

        r = add_netdev(f, &idx);
        if (r < 0)
                return r;
        memcpy(f->netdevs[idx].hca, h->name, SIM_NAME_MAX);
        f->netdevs[idx].port = p->number;
        if (json_object_is_type(netdev, json_type_object)) {
                JsonObject *qpn;

                if (json_object_object_get_ex(netdev, "qpn", &qpn))
                        CHECK(get_u32(qpn, 0xffffff, &p->qpn) < 0 || p->qpn == 0 ? -EINVAL : 0, path,
                              "netdev.qpn: expected 1…0xffffff");
        }
        {
                char q[JSON_PATH_MAX];

                pathf(q, "%s.netdev", path);
                r = parse_netdev(netdev, q, false, f, idx, err);
                if (r < 0)
                        return r;
        }
        memcpy(p->netdev, f->netdevs[idx].name, IFNAMSIZ);
        h->n_ports++;
        return 0;
}

static int parse_hca(JsonObject *o, const char *path, SimFabric *f, char **err) {
        SimHcaConf *h = &f->hcas[f->n_hcas];
        JsonObject *ports = NULL;
        int cm = -1, r;
        bool b;

        if (!json_object_is_type(o, json_type_object))
                return fail(err, path, "expected an object");
        *h = (SimHcaConf) { .present = true };
        json_object_object_foreach(o, key, v) {
                char q[JSON_PATH_MAX];

                pathf(q, "%s.%s", path, key);
                if (is_comment(key))
                        continue;
                if (streq(key, "name"))
                        CHECK(get_name(v, h->name, sizeof(h->name)) < 0 || !rdma_device_name_valid(h->name)
                                      ? -EINVAL
                                      : 0,
                              q, "expected an RDMA device name such as mlx5_0");
                else if (streq(key, "model"))
                        CHECK(get_name(v, h->model, sizeof(h->model)), q, "expected a string");
                else if (streq(key, "enhanced"))
                        CHECK(get_bool(v, &h->enhanced), q, "expected true or false");
                else if (streq(key, "connected_mode")) {
                        CHECK(get_bool(v, &b), q, "expected true or false");
                        cm = b;
                } else if (streq(key, "present"))
                        CHECK(get_bool(v, &h->present), q, "expected true or false");
                else if (streq(key, "rtnl_busy"))
                        CHECK(get_bool(v, &h->rtnl_busy), q, "expected true or false");
                else if (streq(key, "first_qpn"))
                        CHECK(get_u32(v, 0xffffff, &h->first_qpn), q, "expected 0…0xffffff");
                else if (streq(key, "ports"))
                        ports = v;
                else
                        return fail(err, q, "unknown key");
        }
        if (isempty(h->name))
                return fail(err, path, "an HCA needs \"name\"");
        for (size_t i = 0; i < f->n_hcas; i++)
                if (streq(f->hcas[i].name, h->name))
                        return fail(err, path, "HCA %s given twice", h->name);
        /* Connected mode is there unless said otherwise, and never on enhanced IPoIB. */
        h->cm = cm < 0 ? !h->enhanced : cm;
        if (!ports || !json_object_is_type(ports, json_type_array) || json_object_array_length(ports) == 0 ||
            json_object_array_length(ports) > SIM_PORTS_MAX)
                return fail(err, path, "\"ports\": expected an array of 1…%d ports", SIM_PORTS_MAX);
        for (size_t i = 0; i < json_object_array_length(ports); i++) {
                char q[JSON_PATH_MAX];

                pathf(q, "%s.ports[%zu]", path, i);
                r = parse_port(json_object_array_get_idx(ports, i), q, h, f, err);
                if (r < 0)
                        return r;
        }
        f->n_hcas++;
        return 0;
}

static int parse_root(JsonObject *root, SimFabric *f, char **err) {
        JsonObject *hcas = NULL;
        size_t n;
        int r;

        if (!json_object_is_type(root, json_type_object))
                return fail(err, "$", "expected an object");
        json_object_object_foreach(root, key, v) {
                if (is_comment(key) || streq(key, "description"))
                        continue;
                if (streq(key, "hcas"))
                        hcas = v;
                else if (streq(key, "old_child_names")) {
                        r = get_bool(v, &f->old_child_names);
                        if (r < 0)
                                return fail(err, key, "expected true or false");
                } else
                        return fail(err, key, "unknown key");
        }
        if (!hcas || !json_object_is_type(hcas, json_type_array))
                return fail(err, "hcas", "expected an array of HCAs");
        n = json_object_array_length(hcas);
        f->hcas = calloc(MAX(n, (size_t) 1), sizeof(SimHcaConf));
        if (!f->hcas)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char q[JSON_PATH_MAX];

                pathf(q, "hcas[%zu]", i);
                r = parse_hca(json_object_array_get_idx(hcas, i), q, f, err);
                if (r < 0)
                        return r;
        }
        /* Netdev names are unique across the fabric. */
        for (size_t i = 0; i < f->n_netdevs; i++)
                for (size_t j = 0; j < i; j++)
                        if (!isempty(f->netdevs[i].name) && streq(f->netdevs[i].name, f->netdevs[j].name))
                                return fail(err, f->netdevs[i].name, "interface name given twice");
        return 0;
}

static void tokener_freep(struct json_tokener **t) {
        if (*t)
                json_tokener_free(*t);
}

static void json_putp(JsonObject **o) {
        if (*o)
                json_object_put(*o);
}

int sim_fabric_parse(const char *text, SimFabric *ret, char **ret_error) {
        _cleanup_(tokener_freep) struct json_tokener *tok = json_tokener_new();
        _cleanup_(json_putp) JsonObject *root = NULL;
        SimFabric f = {};
        int r;

        if (ret_error)
                *ret_error = NULL;
        if (!tok)
                return -ENOMEM;
        root = json_tokener_parse_ex(tok, text, (int) strlen(text));
        if (!root || json_tokener_get_error(tok) != json_tokener_success) {
                size_t end = json_tokener_get_parse_end(tok);
                unsigned line = 1;
                char where[32];

                for (size_t i = 0; i < end && text[i]; i++)
                        line += text[i] == '\n';
                snprintf(where, sizeof(where), "line %u", line);
                return fail(ret_error, where, "%s",
                            json_tokener_get_error(tok) == json_tokener_continue
                                    ? "unexpected end of file"
                                    : json_tokener_error_desc(json_tokener_get_error(tok)));
        }
        r = parse_root(root, &f, ret_error);
        if (r < 0) {
                sim_fabric_done(&f);
                return r;
        }
        *ret = f;
        return 0;
}

int sim_fabric_parse_file(const char *path, SimFabric *ret, char **ret_error) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        ssize_t n;

        if (ret_error)
                *ret_error = NULL;
        f = fopen(path, "re");
        if (!f)
                return negative_errno();
        n = getdelim(&text, &size, '\0', f);
        if (n < 0)
                return ferror(f) ? -EIO : fail(ret_error, path, "empty file");
        return sim_fabric_parse(text, ret, ret_error);
}

/* ——— loading and applying ——— */

static SimHca *hca_from_conf(SimModel *m, const SimHcaConf *c, int *ret_r) {
        SimHca *h = NULL;
        int r;

        r = sim_model_add_hca(m, c->name, c->model, c->enhanced, c->cm, c->first_qpn, &h);
        if (r >= 0)
                h->rtnl_busy = c->rtnl_busy;
        for (size_t i = 0; r >= 0 && i < c->n_ports; i++)
                r = sim_hca_add_port(h, &c->ports[i], NULL);
        *ret_r = r;
        return r < 0 ? NULL : h;
}

static SimPort *hca_port(SimHca *h, unsigned number) {
        for (size_t i = 0; i < h->n_ports; i++)
                if (h->ports[i].conf.number == number)
                        return &h->ports[i];
        return NULL;
}

/* A child as the file says: RTM_NEWLINK, or create_child and a rename as the agent's Method=sysfs. */
static int load_child(SimModel *m, const SimNetdevConf *c, SimNetdev *parent, SimNetdev **ret) {
        SimNetdev *nd = NULL;
        char buf[16];
        int r;

        if (!c->sysfs) {
                SimNewLink req = {
                        .ifindex = c->ifindex,
                        .link = parent->ifindex,
                        .name = isempty(c->name) ? NULL : c->name,
                        .has_data = true,
                        .pkey = c->pkey,
                        .mode = c->mode,
                        .umcast = c->umcast,
                };

                return sim_rtnl_newlink(m, &req, NULL, ret);
        }
        snprintf(buf, sizeof(buf), "0x%04x\n", c->pkey);
        r = sim_sysfs_create_child(m, parent, buf, &nd);
        if (r < 0)
                return r;
        if (!isempty(c->name)) {
                r = sim_set_name(m, nd, c->name);
                if (r < 0)
                        return r;
        }
        if (c->mode >= 0) {
                r = sim_sysfs_mode_store(m, nd, c->mode ? "connected\n" : "datagram\n");
                if (r < 0)
                        return r;
        }
        if (c->umcast >= 0)
                (void) sim_sysfs_umcast_store(m, nd, c->umcast ? "1\n" : "0\n");
        *ret = nd;
        return 0;
}

static int load_netdev(SimModel *m, const SimNetdevConf *c) {
        SimNetdev *nd;
        int r;

        if (isempty(c->parent)) {
                nd = sim_model_find_name(m, c->name);
                if (!nd)
                        return -ENODEV;
                r = sim_rtnl_changelink(m, nd, -1, c->mode, c->umcast);
        } else {
                SimNetdev *parent = sim_model_find_name(m, c->parent);

                if (!parent)
                        return 0; /* the HCA is not present */
                r = load_child(m, c, parent, &nd);
        }
        if (r < 0)
                return r;
        if (c->mtu > 0) {
                r = sim_set_mtu(m, nd, c->mtu, NULL);
                if (r < 0)
                        return r;
        }
        if (c->up > 0)
                (void) sim_set_up(m, nd, true);
        STRV_FOREACH(s, c->addresses) {
                KAddress a = { .ifindex = nd->ifindex, .scope = 0 /* RT_SCOPE_UNIVERSE */ };

                r = in_addr_prefix_from_string_auto(*s, false, &a.family, &a.addr, &a.prefixlen);
                if (r >= 0)
                        r = sim_address_add(m, &a, true, NULL);
                if (r < 0)
                        return r;
        }
        return 0;
}

int sim_model_load(SimModel *m, const SimFabric *f, char **ret_error) {
        int max_pinned = 0, r;

        if (ret_error)
                *ret_error = NULL;
        m->old_child_names = f->old_child_names;
        for (size_t i = 0; i < f->n_netdevs; i++)
                max_pinned = MAX(max_pinned, f->netdevs[i].ifindex);
        /* Netdevs without an ifindex get numbers above the pinned ones. */
        m->next_ifindex = MAX(m->next_ifindex, max_pinned + 1);

        for (size_t i = 0; i < f->n_hcas; i++) {
                SimHca *h = hca_from_conf(m, &f->hcas[i], &r);

                if (!h)
                        return fail(ret_error, f->hcas[i].name, "%s", strerror(-r));
        }
        for (size_t i = 0; i < f->n_netdevs; i++) {
                const SimNetdevConf *c = &f->netdevs[i];
                SimHca *h = sim_model_find_hca(m, c->hca);
                const SimHcaConf *hc = NULL;
                SimPort *p;

                for (size_t j = 0; j < f->n_hcas; j++)
                        if (streq(f->hcas[j].name, c->hca))
                                hc = &f->hcas[j];
                if (!isempty(c->parent) || !h || !hc || !hc->present)
                        continue;
                p = hca_port(h, c->port);
                r = p ? sim_port_register(m, p, c->ifindex) : -ENODEV;
                if (r < 0)
                        return fail(ret_error, c->name, "cannot register: %s", strerror(-r));
                h->present = true;
        }
        for (size_t i = 0; i < f->n_netdevs; i++) {
                const SimNetdevConf *c = &f->netdevs[i];
                SimHca *h = sim_model_find_hca(m, c->hca);

                if (!h || !h->present)
                        continue;
                r = load_netdev(m, c);
                if (r < 0)
                        return fail(ret_error, isempty(c->name) ? c->parent : c->name,
                                    "the model refuses the initial state: %s", strerror(-r));
        }
        return 0;
}

/* What a port event can change (the number, netdev name and QPN only count at registration). */
static bool port_conf_live_equal(const SimPortConf *a, const SimPortConf *b) {
        return a->guid == b->guid && memcmp(a->subnet_prefix, b->subnet_prefix, 8) == 0 && a->state == b->state &&
                a->active_mtu == b->active_mtu && a->max_mtu == b->max_mtu && a->bcast_mtu == b->bcast_mtu && a->lid == b->lid &&
                a->sm_lid == b->sm_lid && a->n_pkeys == b->n_pkeys &&
                memcmp(a->pkeys, b->pkeys, a->n_pkeys * sizeof(uint16_t)) == 0;
}

int sim_model_apply(SimModel *m, const SimFabric *f) {
        int r;

        m->old_child_names = f->old_child_names; /* "the kernel" of the test, not hardware: at once */
        /* Removed HCAs first: their names may come back on new ones. */
        for (size_t i = 0; i < m->n_hcas; i++) {
                SimHca *h = m->hcas[i];
                bool keep = false;

                for (size_t j = 0; j < f->n_hcas; j++)
                        if (streq(f->hcas[j].name, h->name) && f->hcas[j].present)
                                keep = true;
                if (!keep) {
                        r = sim_hca_remove(m, h);
                        if (r < 0)
                                return r;
                }
        }
        for (size_t i = 0; i < f->n_hcas; i++) {
                const SimHcaConf *c = &f->hcas[i];
                SimHca *h = sim_model_find_hca(m, c->name);

                if (!h) {
                        h = hca_from_conf(m, c, &r);
                        if (!h)
                                return r;
                }
                h->rtnl_busy = c->rtnl_busy; /* a knob of the test, not hardware: applies at once */
                if (!h->present) {
                        /* Absent: take the file's ports as they are, for when it comes (back). */
                        h->enhanced = c->enhanced;
                        h->cm = c->cm;
                        for (size_t j = 0; j < c->n_ports; j++) {
                                SimPort *p = hca_port(h, c->ports[j].number);

                                if (p)
                                        p->conf = c->ports[j];
                        }
                        if (c->present) {
                                r = sim_hca_add(m, h);
                                if (r < 0)
                                        return r;
                        }
                        continue;
                }
                for (size_t j = 0; j < c->n_ports; j++) {
                        SimPort *p = hca_port(h, c->ports[j].number);

                        if (p && !port_conf_live_equal(&p->conf, &c->ports[j])) {
                                r = sim_port_update(m, p, &c->ports[j]);
                                if (r < 0)
                                        return r;
                        }
                }
        }
        return 0;
}
