/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the agent created, by interface name (an index changes when a link is recreated). Kept in
 * RUNTIME_DIR/owned, written atomically, so that a restarted agent removes only its own objects
 * and leaves foreign ones alone. */

#include "action.h"
#include "kernel.h"
#include "strmap.h"

typedef struct OwnedLink {
        char ifname[IFNAMSIZ];
        KAddress *addresses;
        size_t n_addresses, allocated_addresses;
        KRoute *routes;
        size_t n_routes, allocated_routes;
        bool child; /* the agent created this link as a P_Key child */
        char parent[IFNAMSIZ];
        uint16_t pkey;
        /* The MTU the agent set last and what the kernel then ran (a datagram IPoIB link may run
         * less, ipoib_change_mtu()): the kernel keeps the asked-for value as admin_mtu, invisible, so
         * a restarted agent needs this to know it has nothing to ask. 0 = none. */
        uint32_t mtu_requested, mtu_effective;
} OwnedLink;

typedef struct Owner {
        StrMap links; /* ifname → OwnedLink */
        char *path;
        bool dirty;
} Owner;

void owner_done(Owner *o);
/* Reads the record; a missing file is an empty record. Bad lines are skipped and counted. */
int owner_load(Owner *o, const char *path, unsigned *ret_bad_lines);
/* Writes the record if it changed (temporary file + rename). */
int owner_save(Owner *o);

const OwnedLink *owner_get(const Owner *o, const char *ifname);
int owner_add_address(Owner *o, const char *ifname, const KAddress *a);
void owner_remove_address(Owner *o, const char *ifname, const KAddress *a);
int owner_add_route(Owner *o, const char *ifname, const KRoute *r);
void owner_remove_route(Owner *o, const char *ifname, const KRoute *r);
int owner_set_child(Owner *o, const char *ifname, const char *parent, uint16_t pkey);
void owner_forget(Owner *o, const char *ifname);
int owner_set_mtu(Owner *o, const char *ifname, uint32_t requested, uint32_t effective);
/* The record moves with a renamed link. */
void owner_rename(Owner *o, const char *old_name, const char *new_name);
/* A successful request whose link is already gone: removals still leave the record (ActionOps.gone). */
void owner_request_gone_link(Owner *o, const Action *a);
