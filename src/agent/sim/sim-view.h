/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What a user of the simulated fabric's machine would see: `ip address show` and /sys/class/net.
 *
 * The files are written incrementally: the view keeps what it wrote, learns from the model's
 * notifications which netdevs changed (sim_view_note()), and rewrites only the files of those whose
 * content differs. sim_view_write() works until a deadline, so that a caller on an event loop can
 * write a large backlog (thousands of P_Key children) in slices. */

#include <stdint.h>

#include "sim-model.h"

typedef struct SimView SimView;

/* The text of `ip address show` for every link, as iproute2 prints it; newly allocated, NULL on OOM.
 * Linear in links + addresses. */
char *sim_view_ip_address(const SimModel *m);

/* A view under STATE_DIR: STATE_DIR/ip-address and STATE_DIR/sys/class/net/IF/ATTR (only the
 * attributes the kernel has for that device). Nothing is written until sim_view_write(); the first
 * call creates the directories and ip-address, and the first pass covers every netdev and removes
 * directories of netdevs the model does not have. */
int sim_view_new(const char *state_dir, SimView **ret);
SimView *sim_view_free(SimView *v);
DEFINE_TRIVIAL_CLEANUP_FUNC(SimView *, sim_view_free);

/* What changed, from the model's notification: a link's files and the ip-address text. */
void sim_view_note(SimView *v, const SimEvent *e);
/* Everything may have changed (a fabric file applied, a lost notification). */
void sim_view_note_all(SimView *v);
/* Something is not written yet. */
bool sim_view_pending(const SimView *v) _pure_;

/* Writes what changed, netdev by netdev, until CLOCK_MONOTONIC passes `until_usec` (0: no limit; 1: one
 * netdev, since that time is past), each
 * file replaced atomically and a new netdev's directory renamed into place complete. Returns 0 when
 * the view is up to date, 1 when work is left for another call, or the first error (-errno): the files
 * that failed are rewritten at the next change of their netdev. */
int sim_view_write(SimView *v, const SimModel *m, uint64_t until_usec);
