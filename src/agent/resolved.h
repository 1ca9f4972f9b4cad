/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* DNS= and Domains= of configured links, handed to systemd-resolved over D-Bus (SetLinkDNS,
 * SetLinkDomains, RevertLink on org.freedesktop.resolve1.Manager), as systemd-networkd does. On the
 * simulated fabric the same per-link settings are written to STATE_DIR/resolved in the shape of
 * `resolvectl status` instead, since its interface indexes mean nothing to a real resolved. */

#include "link.h"

typedef struct Resolved Resolved;

/* sim_state_dir: NULL for the real systemd-resolved on the system bus ($DBUS_SYSTEM_BUS_ADDRESS). */
int resolved_new(Manager *m, const char *sim_state_dir, Resolved **ret);
Resolved *resolved_free(Resolved *r);

/* Makes resolved's view of the link match its file: sends what changed since the last successful
 * call, or reverts the link when the file no longer sets DNS= or Domains= but did. Asynchronous;
 * Manager.dns_pending counts the calls in flight, and the link is marked dirty when they end so
 * that its warning is updated. */
void resolved_update_link(Resolved *r, Link *l);
/* The link is gone: forget it (resolved forgets it too). */
void resolved_forget_link(Resolved *r, int ifindex);
/* Why the link's DNS settings are not applied, or NULL. */
const char *resolved_link_error(Resolved *r, int ifindex);
