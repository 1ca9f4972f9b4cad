/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The core's side of DNS= and Domains=: what each link's file asks for, what the DNS sink (dns.h)
 * has from us, and what is on its way. Links are sent once their addresses are in place, again when
 * the file changes or the resolver forgot them, and reverted when the file no longer sets them, as
 * systemd-networkd does with systemd-resolved. */

#include "dns.h"
#include "manager.h"

typedef struct LinkDns LinkDns;

/* Takes the sink on success. */
int link_dns_new(Manager *m, DnsSink *sink, LinkDns **ret);
LinkDns *link_dns_free(LinkDns *d);

/* Makes the sink's view of the link match its file: sends what changed since the last successful
 * call, or reverts the link when the file no longer sets DNS= or Domains= but did. Manager.dns_pending
 * counts the operations in flight, and the link is marked dirty when they end so that its warning is
 * updated. */
void link_dns_update(LinkDns *d, Link *l);
/* The link is gone: forget it (so does the sink). */
void link_dns_forget(LinkDns *d, int ifindex);
/* Why the link's DNS settings are not applied, or NULL. */
const char *link_dns_error(LinkDns *d, int ifindex);
