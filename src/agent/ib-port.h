/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "kernel.h"

/* The InfiniBand port behind an IPoIB netdev, from sysfs (which RDMA device and port) and
 * libibverbs (state, MTU, LIDs, P_Key table). -ENODEV: the netdev has no RDMA device in sysfs;
 * -ENXIO: libibverbs finds no devices (no hardware, no provider, or no kernel support);
 * -ENOENT: the RDMA device named in sysfs is not among them. sysfs_root is "/sys" except in tests. */
int ib_port_query(const char *sysfs_root, const char *ifname, IbPortInfo *ret);

/* ibv_mtu (1…5) → bytes (256…4096), 0 for anything else. */
uint32_t ib_mtu_enum_to_bytes(int mtu) _const_;
