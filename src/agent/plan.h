/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Desired × observed → an ordered list of actions. A pure function: no I/O, no globals, so it is
 * tested with tables and the same code answers "ipoibctl plan".
 *
 * Order (each rule has a reason):
 *   1. remove routes we own and no longer want (a route may depend on an address, never the reverse)
 *   2. remove owned addresses that hold an address the file now wants with another prefix length
 *   3. IPoIB mode/umcast                (a mode change resets the MTU: ipoib_set_mode())
 *   4. MTU                              (after the mode; before addresses so IPv6 sees >= 1280)
 *   5. bring the link up                (IPv4 routes need IFF_UP: fib_check_nh())
 *   6. create P_Key children            (the parent is up first)
 *   7. add addresses
 *   8. remove the other owned addresses we no longer want: after the additions, because a link
 *      left without any IPv4 address loses all its IPv4 routes without a notification
 *      (fib_disable_ip()), foreign ones included
 *   9. add routes without a gateway, then routes via a gateway (the on-link route or the address
 *      that makes the gateway reachable comes first)
 *  10. add routing policy rules (their tables are filled first); the rules no file wants go in
 *      manager_rule_removals(), since rules belong to no link
 * A link no file manages any more gets, after the removals, its original mode and umcast, MTU (after
 * the mode, which resets it), promote_secondaries and down state back, when the agent changed them. */

#include "action.h"
#include "ibnet.h"
#include "ipoib.h"
#include "kernel.h"

/* A P_Key child the parent should have (from a [Partition] file that matches the parent). */
typedef struct ChildWant {
        const IbNetwork *network;
        char name[IFNAMSIZ];
        bool exists; /* a link of that name exists */
        bool failed; /* creating it failed; wait for a change */
} ChildWant;

typedef struct PlanInput {
        const IbNetwork *network; /* NULL: no longer managed; only remove what we own */
        const KLink *link;
        const KAddress *addresses; /* observed on the link */
        size_t n_addresses;
        const KRoute *routes; /* observed with this link as output interface */
        size_t n_routes;
        const KAddress *owned_addresses; /* what the agent created on this link */
        size_t n_owned_addresses;
        const KRoute *owned_routes;
        size_t n_owned_routes;
        const KRule *rules; /* every rule the kernel has (rules belong to no link) */
        size_t n_rules;
        /* The IPoIB part, filled by ipoib_plan_input(). The MTU that MTU=max stands for on this link,
         * 0 if unknown (then MTU=max does nothing). */
        uint32_t mtu_max;
        /* The device cannot do connected mode (enhanced IPoIB, or the kernel said EINVAL): plan
         * datagram instead of Mode=connected. */
        bool connected_unsupported;
        /* The kernel accepted MTU mtu_requested but runs mtu_effective (a datagram MTU above the
         * broadcast group's, ipoib_change_mtu()): not drift, do not ask again. */
        uint32_t mtu_requested, mtu_effective;
        /* Hold addresses and routes back (RequireActivePort=yes and the port is not ACTIVE). */
        bool hold_addresses;
        /* ipoibctl down holds the link (hold.h): never bring it up, nor add the routes that need it up. */
        bool held_down;
        /* This link is a P_Key child the agent created. */
        bool child_owned;
        /* The link before the agent first changed it (owner.h): with no file and no child to make,
         * its mode, MTU and down state are restored. */
        bool has_orig;
        uint32_t orig_mtu;
        int orig_mode; /* -1: not an IPoIB link */
        bool orig_up;
        int orig_umcast, orig_promote_secondaries; /* 0, 1; -1: unknown, left as it is */
        /* P_Key children to create on this link (it is their parent). */
        const ChildWant *children;
        size_t n_children;
} PlanInput;

typedef struct ActionList {
        Action *actions;
        size_t n, allocated;
} ActionList;

void action_list_done(ActionList *l);
int action_list_add(ActionList *l, const Action *a);

/* Appends the link's actions to out. When nothing can be planned for a reason the user must act on
 * (a child with the wrong P_Key that the agent did not create), *ret_blocked says why. */
int plan_link(const PlanInput *in, ActionList *out, const char **ret_blocked);

/* The mode the plan aims for: the file's, or datagram when connected is not possible; -1 = leave. */
int plan_effective_mode(const PlanInput *in);

/* The routes a network wants on a link: Gateway= first, then [Route] sections, then SourceRouting='s
 * prefix routes in the port's table. */
int network_desired_routes(const IbNetwork *n, int ifindex, KRoute **ret, size_t *ret_n);
/* The rules a network wants ([RoutingPolicyRule], SourceRouting=), marked RTPROT_IPOIB, each once. */
int network_desired_rules(const IbNetwork *n, KRule **ret, size_t *ret_n);
bool rule_in(const KRule *r, const KRule *l, size_t n) _pure_;
