/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>
#include <linux/rtnetlink.h>

#include "policy.h"
#include "rail.h"
#include "schema.h"
#include "strv.h"

int ib_network_source_table(const IbNetwork *n, uint32_t *ret) {
        unsigned num;
        uint64_t t;

        if (!n->source_routing)
                return -ENODATA;
        /* An instance's origin holds the [Match]; a file as loaded is its own. */
        if (!ib_network_multi_port(ib_network_origin(n)))
                t = n->source_routing_base;
        else if (n->rail.index >= 0)
                t = (uint64_t) n->source_routing_base + (unsigned) n->rail.index;
        else if (rail_device_number(n->rail.device, &num) >= 0)
                t = (uint64_t) n->source_routing_base + num;
        else
                return -ENXIO;
        if (t > UINT32_MAX)
                return -ERANGE;
        *ret = (uint32_t) t;
        return 0;
}

uint32_t ib_route_table(const IbNetwork *n, const IbRoute *r, bool is_gateway) {
        uint32_t t;

        if (r->has_table)
                return r->table;
        if (is_gateway && ib_network_source_table(n, &t) >= 0)
                return t;
        return RT_TABLE_MAIN;
}

int ib_network_rules(const IbNetwork *n, IbRule **ret, size_t *ret_n) {
        IbRule *l = calloc(n->n_rules + n->n_addresses + 1, sizeof(IbRule));
        size_t k = 0;
        uint32_t t;

        if (!l)
                return -ENOMEM;
        FOREACH_ARRAY(r, n->rules, n->n_rules) {
                if (!r->has_table || !r->has_priority)
                        continue;
                l[k] = *r;
                if (l[k].family == AF_UNSPEC)
                        l[k].family = AF_INET; /* as systemd-networkd: IPv4 unless From=/To= say otherwise */
                k++;
        }
        if (ib_network_source_table(n, &t) >= 0)
                FOREACH_ARRAY(a, n->addresses, n->n_addresses)
                        l[k++] = (IbRule) {
                                .family = a->family,
                                .from = a->addr,
                                .from_len = (uint8_t) family_max_prefixlen(a->family),
                                .has_from = true,
                                .table = t,
                                .has_table = true,
                                .priority = t,
                                .has_priority = true,
                                .line = a->line,
                                .file = a->file,
                        };
        *ret = l;
        *ret_n = k;
        return 0;
}

char *ib_rule_to_string(const IbRule *r, char *buf, size_t size) {
        char from[IN_ADDR_PREFIX_STRLEN + 8] = "", to[IN_ADDR_PREFIX_STRLEN + 8] = "", a[IN_ADDR_PREFIX_STRLEN];
        char iif[32] = "", oif[32] = "";

        if (r->has_from) {
                if (r->from_len == family_max_prefixlen(r->family))
                        (void) in_addr_to_string(r->family, &r->from, a, sizeof(a));
                else
                        (void) in_addr_prefix_to_string(r->family, &r->from, r->from_len, a, sizeof(a));
                snprintf(from, sizeof(from), "from %s ", a);
        } else
                snprintf(from, sizeof(from), "from all ");
        if (r->has_to) {
                if (r->to_len == family_max_prefixlen(r->family))
                        (void) in_addr_to_string(r->family, &r->to, a, sizeof(a));
                else
                        (void) in_addr_prefix_to_string(r->family, &r->to, r->to_len, a, sizeof(a));
                snprintf(to, sizeof(to), "to %s ", a);
        }
        if (r->iif[0])
                snprintf(iif, sizeof(iif), "iif %s ", r->iif);
        if (r->oif[0])
                snprintf(oif, sizeof(oif), "oif %s ", r->oif);
        snprintf(buf, size, "%s%s%s%slookup %" PRIu32 " priority %" PRIu32, from, to, iif, oif, r->table, r->priority);
        return buf;
}

static bool rule_same(const IbRule *a, const IbRule *b) {
        return a->family == b->family && a->priority == b->priority && a->table == b->table &&
                a->has_from == b->has_from && a->has_to == b->has_to &&
                (!a->has_from || (a->from_len == b->from_len && in_addr_equal(a->family, &a->from, &b->from))) &&
                (!a->has_to || (a->to_len == b->to_len && in_addr_equal(a->family, &a->to, &b->to))) &&
                streq(a->iif, b->iif) && streq(a->oif, b->oif);
}

#define ERR(n, loc, ...) diag_add(diags, DIAG_ERROR, (loc).file ?: (n)->path, (loc).line, __VA_ARGS__)

static void validate_source_routing(IbNetwork *n, DiagList *diags) {
        ConfigLoc l = ib_network_loc(n, SCHEMA_KEY_NETWORK_SOURCE_ROUTING);
        uint32_t t;
        int r;

        if (!n->source_routing)
                return;
        /* Name= gives no rail offset: every link the names match would get the same table. */
        if (!ib_network_multi_port(ib_network_origin(n)) &&
            (strv_length(n->match_name) > 1 || (n->match_name && strpbrk(n->match_name[0], "*?[")))) {
                ERR(n, l, "SourceRouting= in a file that matches several links by Name= would give them all one "
                          "table; match the ports by GUID= or Device= (each gets its own), or write one file "
                          "per link");
                return;
        }
        r = ib_network_source_table(n, &t);
        if (r == -ENXIO) {
                ERR(n, l, "SourceRouting=: the port has no rail offset (%%i): the file names several ports but "
                          "not this one by its position, and its device name ends in no number; list the ports "
                          "in GUID= or Device=");
                return;
        }
        if (r < 0 || t == RT_TABLE_DEFAULT || t == RT_TABLE_MAIN || t == RT_TABLE_LOCAL || t >= IB_RULE_PRIORITY_MAIN) {
                ERR(n, l,
                    "SourceRouting=%" PRIu32 " gives this port table %" PRIu32 ", which %s; pick another base",
                    n->source_routing_base, r < 0 ? UINT32_MAX : t,
                    r < 0 || t >= IB_RULE_PRIORITY_MAIN
                            ? "as its rule's priority would come after the main table's rule (32766)"
                            : "the kernel reserves (253 default, 254 main, 255 local)");
                return;
        }
        if (n->n_addresses == 0)
                diag_add(diags, DIAG_WARNING, l.file ?: n->path, l.line,
                         "SourceRouting= without Address= adds no rule: the rules are \"from ADDRESS\"");
}

void ib_network_validate_policy(IbNetwork *n, DiagList *diags) {
        _cleanup_free_ IbRule *all = NULL;
        size_t n_all = 0;

        FOREACH_ARRAY(r, n->rules, n->n_rules) {
                ConfigLoc l = { r->file, r->line };

                if (r->rejected)
                        continue;
                if (!r->has_table)
                        ERR(n, l, "[RoutingPolicyRule] needs Table=, the table its packets look up; add e.g. Table=100");
                if (!r->has_priority)
                        ERR(n, l, "[RoutingPolicyRule] needs Priority=: the kernel would pick one from the rules "
                                  "that exist, and the agent could not tell its rule from another; add e.g. "
                                  "Priority=1000");
        }
        validate_source_routing(n, diags);
        if (ib_network_rules(n, &all, &n_all) < 0)
                return;
        /* The same rule twice: the kernel refuses the second (EEXIST). */
        for (size_t i = 0; i < n_all; i++)
                for (size_t j = 0; j < i; j++)
                        if (rule_same(&all[i], &all[j])) {
                                char s[256];
                                ConfigLoc l = { all[i].file, all[i].line };

                                ERR(n, l, "the rule \"%s\" is already configured at %s:%u; remove one of them",
                                    ib_rule_to_string(&all[i], s, sizeof(s)), all[j].file ?: n->path, all[j].line);
                                break;
                        }
}
