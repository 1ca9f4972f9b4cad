/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* What each kind of action means to the core, as a table: its name, how it is written, what its reply
 * does to the link's cache and to the ownership record. The handlers live with the object they act on:
 * addresses, routes and link flags in link.c, IPoIB settings and P_Key children in ipoib.c. */

#include <linux/if_link.h>

#include "action.h"
#include "ipoib.h"
#include "link.h"
#include "owner.h"
#include "rules.h"

static void format_none(const Action *a, char *buf, size_t size) {
        snprintf(buf, size, "%s", "");
}

static void format_address(const Action *a, char *buf, size_t size) {
        char x[128];

        snprintf(buf, size, " %s", kaddress_to_string(&a->address, x, sizeof(x)));
}

static void format_route(const Action *a, char *buf, size_t size) {
        char x[128];

        snprintf(buf, size, " %s", kroute_to_string(&a->route, x, sizeof(x)));
}

static void format_mtu(const Action *a, char *buf, size_t size) {
        snprintf(buf, size, " %u", a->mtu);
}

static void format_ipoib_options(int mode, int umcast, char *buf, size_t size) {
        snprintf(buf, size, "%s%s%s", mode >= 0 ? " mode " : "", mode >= 0 ? strna(ib_mode_to_string(mode)) : "",
                 umcast >= 0 ? (umcast ? " umcast 1" : " umcast 0") : "");
}

static void format_ipoib(const Action *a, char *buf, size_t size) {
        format_ipoib_options(a->ipoib.mode, a->ipoib.umcast, buf, size);
}

static void format_child(const Action *a, char *buf, size_t size) {
        char opts[64];

        format_ipoib_options(a->child.mode, a->child.umcast, opts, sizeof(opts));
        snprintf(buf, size, " %s pkey 0x%04x%s", a->child.name, a->child.pkey, opts);
}

/* Nothing for the usual "on" (as it always printed), " off" when a removal restores it. */
static void format_promote(const Action *a, char *buf, size_t size) {
        snprintf(buf, size, "%s", a->promote_secondaries ? "" : " off");
}

static void format_arp(const Action *a, char *buf, size_t size) {
        char i[24] = "", n[24] = "";

        if (a->arp.ignore >= 0)
                snprintf(i, sizeof(i), " ignore %d", a->arp.ignore);
        if (a->arp.announce >= 0)
                snprintf(n, sizeof(n), " announce %d", a->arp.announce);
        snprintf(buf, size, "%s%s", i, n);
}

static void gone_address(Owner *o, const Action *a) {
        owner_remove_address(o, a->ifname, &a->address);
}

static void gone_route(Owner *o, const Action *a) {
        owner_remove_route(o, a->ifname, &a->route);
}

static void gone_child(Owner *o, const Action *a) {
        owner_forget(o, a->ifname);
}

/* A child creation whose parent is gone took the child with it (ipoib_remove_one()); an addition to a
 * gone link is gone too: neither has a .gone. */
static const ActionOps action_ops_table[_ACTION_TYPE_MAX] = {
        [ACTION_ADDRESS_DEL] = { "remove-address", format_address, link_address_del_done, gone_address },
        [ACTION_ROUTE_DEL] = { "remove-route", format_route, link_route_del_done, gone_route },
        /* Rules need no record either: FRA_PROTOCOL keeps RTPROT_IPOIB. Removals go with no link. */
        [ACTION_RULE_DEL] = { "remove-rule", format_rule, link_rule_del_done, NULL },
        [ACTION_CHILD_DELETE] = { "delete-child", format_none, ipoib_child_delete_done, gone_child },
        [ACTION_CHILD_CREATE] = { "create-child", format_child, ipoib_child_create_done, NULL,
                                  ipoib_child_create_intent },
        [ACTION_SET_IPOIB] = { "set-ipoib", format_ipoib, ipoib_set_done, NULL, link_settings_intent },
        [ACTION_SET_PROMOTE_SECONDARIES] = { "set-promote-secondaries", format_promote, link_promote_done,
                                             NULL, link_settings_intent },
        /* Not restored when the file goes: like systemd-networkd's sysctls, the value stays. */
        [ACTION_SET_ARP] = { "set-arp", format_arp, link_arp_done, NULL },
        [ACTION_SET_MTU] = { "set-mtu", format_mtu, ipoib_mtu_done, NULL, link_settings_intent },
        [ACTION_SET_UP] = { "set-up", format_none, link_set_up_done, NULL, link_settings_intent },
        /* Routes need no intent: the kernel keeps their protocol, RTPROT_IPOIB. */
        [ACTION_ADDRESS_ADD] = { "add-address", format_address, link_address_add_done, NULL,
                                 link_address_add_intent },
        [ACTION_ROUTE_ADD] = { "add-route", format_route, link_route_add_done, NULL },
        [ACTION_RULE_ADD] = { "add-rule", format_rule, link_rule_add_done, NULL },
        [ACTION_SET_DOWN] = { "set-down", format_none, link_set_down_done, NULL },
};

const ActionOps *action_ops(ActionType t) {
        if (t < 0 || t >= _ACTION_TYPE_MAX)
                return NULL;
        return &action_ops_table[t];
}

const char *action_type_to_string(ActionType t) {
        const ActionOps *ops = action_ops(t);

        return ops ? ops->name : NULL;
}

char *action_to_string(const Action *a, char *buf, size_t size) {
        const ActionOps *ops = action_ops(a->type);
        char x[192];

        if (!ops) {
                snprintf(buf, size, "?");
                return buf;
        }
        ops->format(a, x, sizeof(x));
        snprintf(buf, size, "%s %s%s", a->ifname, ops->name, x);
        return buf;
}
