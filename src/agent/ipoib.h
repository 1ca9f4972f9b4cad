/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Every IPoIB rule of the agent in one place: what a link learned about its mode and MTU, what MTU=max
 * means, which mode the plan aims for, when a datagram MTU below the asked-for one is the kernel's clamp
 * and not drift, the P_Key table check, P_Key children, and the warnings that come of them. Each rule
 * names the function of drivers/infiniband/ulp/ipoib it follows (see kernel-ipoib.md). The limits that
 * the validator needs too live in src/shared/ib-tables.h. */

#include "action.h"
#include "ib-tables.h"
#include "ibnet-load.h"
#include "ibnet.h"
#include "kernel.h"

struct Link;
struct PlanInput;

/* Said once, in the log and as the link's warning, when Mode=connected cannot be had. */
#define IPOIB_CONNECTED_UNSUPPORTED "connected mode not supported by this device (enhanced IPoIB); running datagram"

/* What the agent learned about one link's IPoIB settings from the kernel's answers. */
typedef struct IpoibState {
        bool connected_unsupported; /* the kernel refused Mode=connected */
        uint32_t mtu_requested;     /* the last MTU the kernel accepted from us … */
        uint32_t mtu_effective;     /* … and what it then ran (datagram clamp), 0 = not seen yet */
        bool mtu_expect_answer;     /* the next link event is the kernel's answer to it */
} IpoibState;

/* The asked-for MTU no longer means anything (another file, or a mode change reset the MTU). */
void ipoib_forget_mtu(IpoibState *s);
/* A link event: the first one after an MTU request is the kernel's answer to it. */
void ipoib_link_event(IpoibState *s, const KLink *k);
/* The link is planned again: the kernel's answer to our MTU, if it sends one, is in by now. */
void ipoib_answer_window_closed(IpoibState *s);

/* The name ipoib_vlan_add() gives a sysfs child before any rename: "%.10s.%04x" of the parent's name and
 * the P_Key as written since Linux 6.10 (and stable backports), "%s.%04x" cut to 15 before (§6). */
void ipoib_legacy_child_name(const char *parent, uint16_t pkey, bool before_6_10, char ret[static IFNAMSIZ]);

/* A P_Key child: an IPoIB link whose IFLA_LINK names another link. */
bool ipoib_is_child(const KLink *k) _pure_;
/* Whether the device cannot run connected mode (port may be NULL when unknown). */
bool ipoib_connected_unsupported(const IpoibState *s, const KLink *k, const IbPortInfo *port) _pure_;
/* The mode a file asks for on this link: its Mode=, datagram when connected cannot be had, -1 = leave. */
int ipoib_effective_mode(const IbNetwork *n, bool connected_unsupported) _pure_;
/* What MTU=max stands for on the link in a mode (-1: its current one); 0 = unknown. */
uint32_t ipoib_mtu_max(const KLink *k, const IbPortInfo *port, int mode) _pure_;
/* The MTU the network wants on the link, 0 for "leave alone". */
uint32_t ipoib_desired_mtu(const IbNetwork *n, uint32_t mtu_max) _pure_;
/* The MTU to ask for: the desired one, or on an IPoIB link the mode's limit when the file asks for
 * more (ipoib_change_mtu() refuses that with EINVAL); ipoib_warning() says so. */
uint32_t ipoib_planned_mtu(const IbNetwork *n, const KLink *k, uint32_t mtu_max) _pure_;
/* Fills in->mtu_requested/mtu_effective: the clamp the plan should not take for drift. */
void ipoib_plan_input(const IpoibState *s, const IbNetwork *n, const KLink *k, const IbPortInfo *port,
                      struct PlanInput *in);
/* The port's P_Key table holds the partition (full or limited member). */
bool ipoib_port_has_pkey(const IbPortInfo *p, uint16_t pkey) _pure_;
/* The warning for a link that is otherwise fine, the most important first; NULL when none. other (the
 * resolver's complaint, say) ranks after connected mode and before the rest. RequireActivePort= is an
 * IPoIB port rule too. */
const char *ipoib_warning(const IbNetwork *n, const KLink *k, const IbPortInfo *port,
                          const struct PlanInput *in, const char *other, char *buf, size_t size);

/* The [Partition] file that configures the child ifname of parent, NULL if none. */
IbNetwork *ipoib_child_network(const IbConfig *c, const struct Link *parent, const char *ifname);
/* The P_Key children a link should have (Link.children), from the [Partition] files that match it. */
void ipoib_update_children(const IbConfig *c, struct Link *l);

/* Replies to IPoIB requests (action.c's table, ActionOps.done). */
int ipoib_set_done(struct Link *l, const Action *a, int error, const char **extack);
int ipoib_mtu_done(struct Link *l, const Action *a, int error, const char **extack);
/* Write-ahead (ActionOps.intent): the child goes in the record before it is created. */
void ipoib_child_create_intent(struct Link *l, const Action *a);
int ipoib_child_create_done(struct Link *l, const Action *a, int error, const char **extack);
int ipoib_child_delete_done(struct Link *l, const Action *a, int error, const char **extack);
