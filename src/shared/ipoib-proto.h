/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The route protocol (rtm_protocol) ipoib-agent tags its routes with, so that "ip route show proto
 * ipoib" lists them and a restarted agent recognises its own routes among the foreign ones.
 *
 * The kernel interprets only values up to RTPROT_STATIC (4); above that the number is a label. Taken
 * are the kernel's RTPROT_* list in <linux/rtnetlink.h> (0-18, 42 babel, 99 openr, 186-189, 192 eigrp),
 * FRR's daemons (186-199, its tools/etc/iproute2/rt_protos.d/frr.conf and zebra/rt_netlink.h) and
 * Calico's felix (80). 149 is in the gap 100-185 that none of them, nor Debian 12's
 * /etc/iproute2/rt_protos, uses.
 *
 * The name comes from units/rt_protos.d/ipoib.conf (installed to /etc/iproute2/rt_protos.d/, the
 * directory Debian 12's iproute2 6.1 reads); test/integration/install.sh checks the two agree. */
#define RTPROT_IPOIB 149
