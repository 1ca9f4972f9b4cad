/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the agent created, and what the kernel cannot mark as the agent's, by interface name (an index
 * changes when a link is recreated). Kept in RUNTIME_DIR/owned, written atomically.
 *
 * Routes carry the agent's protocol (RTPROT_IPOIB) and, on Linux 6.1+, addresses their IFA_PROTO:
 * the kernel itself says they are the agent's. The record holds the rest, as a write-ahead log: an
 * intent (a P_Key child to create, an address on a kernel that drops IFA_PROTO, a link's original MTU,
 * mode and up state before the first change) is on disk before its request is sent, one write per
 * batch (owner_flush_intents()); the answer confirms or drops it. An intent whose answer never came
 * (a crash, a lost answer) is settled against the kernel after the next dump (owner_settle()). */

#include "action.h"
#include "kernel.h"
#include "strmap.h"

typedef struct OwnedIntent {
        KAddress address;
        bool lost; /* no answer will come: settle it against the kernel at the next dump */
} OwnedIntent;

typedef struct OwnedLink {
        char ifname[IFNAMSIZ];
        KAddress *addresses; /* created, on a kernel that does not keep IFA_PROTO */
        size_t n_addresses, allocated_addresses;
        OwnedIntent *intents; /* addresses asked for, answer pending */
        size_t n_intents, allocated_intents;
        KRoute *routes; /* from the record of an older version; new routes are marked instead */
        size_t n_routes, allocated_routes;
        bool child;        /* the agent created this link as a P_Key child */
        bool child_intent; /* … is creating it, answer pending */
        bool child_lost;   /* … and the answer will not come */
        char parent[IFNAMSIZ];
        uint16_t pkey;
        /* The MTU the agent set last and what the kernel then ran (a datagram IPoIB link may run
         * less, ipoib_change_mtu()): the kernel keeps the asked-for value as admin_mtu, invisible, so
         * a restarted agent needs this to know it has nothing to ask. 0 = none. */
        uint32_t mtu_requested, mtu_effective;
        /* What the link was before the agent first changed it: restored when its file goes away. */
        bool has_orig;
        uint32_t orig_mtu;
        int orig_mode; /* IPOIB_MODE_*, -1 = not an IPoIB link */
        bool orig_up;
        /* … and its umcast (IPoIB) and IPv4 promote_secondaries: 0 or 1, -1 = unknown (not an IPoIB
         * link, no IPv4 devconf, or an orig line of an older version). */
        int orig_umcast, orig_promote_secondaries;
} OwnedLink;

typedef struct Owner {
        StrMap links; /* ifname → OwnedLink */
        char *path;
        char *refused; /* why the record on disk was not believed (owner_load()), or NULL */
        bool dirty;
        bool intents_dirty; /* an intent is not on disk yet: write before sending */
        unsigned n_saves;   /* writes of the record: for tests */
} Owner;

/* 10,000 links with a few objects each; a larger record is refused. */
#define OWNER_RECORD_SIZE_MAX ((size_t) 16 * 1024 * 1024)

void owner_done(Owner *o);
/* Reads the record; a missing file is an empty record. Bad lines are skipped and counted. Intents
 * read back are lost ones: owner_settle() decides them after the first dump. A record the
 * agent could not have written (owner_open() in owner.c: not a regular file, a symbolic link, someone
 * else's or writable by others, or in such a directory) is not read: the record stays empty, the
 * result is -errno and o->refused says why, for a warning. */
int owner_load(Owner *o, const char *path, unsigned *ret_bad_lines);
/* Writes the record if it changed (temporary file + rename). */
int owner_save(Owner *o);
/* The same without waiting for the disk (no fsync()), for a stop on a signal: the intents are on disk
 * already (owner_flush_intents() runs before a batch is sent), so if a power cut loses this write the
 * record is what a kill -9 at this point leaves, which the next start settles against the kernel. */
int owner_save_on_stop(Owner *o);
/* Writes the record if an intent is not on disk yet: before a batch of requests is sent. */
int owner_flush_intents(Owner *o);

const OwnedLink *owner_get(const Owner *o, const char *ifname);
int owner_add_address(Owner *o, const char *ifname, const KAddress *a);
void owner_remove_address(Owner *o, const char *ifname, const KAddress *a);
int owner_add_route(Owner *o, const char *ifname, const KRoute *r);
void owner_remove_route(Owner *o, const char *ifname, const KRoute *r);
int owner_set_child(Owner *o, const char *ifname, const char *parent, uint16_t pkey);
void owner_forget(Owner *o, const char *ifname);
int owner_set_mtu(Owner *o, const char *ifname, uint32_t requested, uint32_t effective);

/* Intents. An address: confirmed as recorded (record) or dropped (not created, or marked by the
 * kernel) by owner_address_answer(). A child: confirmed by owner_set_child(), dropped by
 * owner_child_answer(…, false). Either may be declared lost instead. */
int owner_intend_address(Owner *o, const char *ifname, const KAddress *a);
void owner_address_answer(Owner *o, const char *ifname, const KAddress *a, bool record);
void owner_address_lost(Owner *o, const char *ifname, const KAddress *a);
int owner_intend_child(Owner *o, const char *ifname, const char *parent, uint16_t pkey);
void owner_child_dropped(Owner *o, const char *ifname);
void owner_child_lost(Owner *o, const char *ifname);
/* The link's settings before the agent first changes them; kept until restored. umcast and
 * promote_secondaries: 0, 1 or -1 (unknown). */
int owner_set_orig(Owner *o, const char *ifname, uint32_t mtu, int mode, bool up, int umcast,
                   int promote_secondaries);
void owner_clear_orig(Owner *o, const char *ifname);

/* What the kernel holds, asked by owner_settle(). */
typedef struct OwnerProbe {
        /* A link of this name exists as an IPoIB child of parent with this P_Key. */
        bool (*child)(void *userdata, const char *ifname, const char *parent, uint16_t pkey);
        /* The link of this name holds the address. */
        bool (*address)(void *userdata, const char *ifname, const KAddress *a);
} OwnerProbe;

/* After a complete dump: a lost intent whose object exists is the agent's (it was created before the
 * answer could come), one whose object does not exist is dropped. Intents still awaiting an answer
 * are left alone. */
void owner_settle(Owner *o, const OwnerProbe *probe, void *userdata);

/* The record moves with a renamed link. */
void owner_rename(Owner *o, const char *old_name, const char *new_name);
/* A request whose link is already gone: removals still leave the record (ActionOps.gone, on success),
 * intents are dropped (whatever the answer: the object went with the link). */
void owner_request_gone_link(Owner *o, const Action *a, int error);
