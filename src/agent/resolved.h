/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The DNS sink of the real system: systemd-resolved over D-Bus (SetLinkDNS, SetLinkDomains and
 * RevertLink on org.freedesktop.resolve1.Manager), as systemd-networkd does. */

#include <systemd/sd-event.h>

#include "dns.h"

/* On the system bus ($DBUS_SYSTEM_BUS_ADDRESS), connected at the first call and again after a
 * failure; resolved (re)appearing on the bus is a reset(). */
int dns_sink_resolved_new(sd_event *e, DnsSink **ret);
