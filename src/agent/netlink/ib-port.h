/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "kernel.h"

/* The InfiniBand port behind an IPoIB netdev, from sysfs (which RDMA device and port) and
 * libibverbs (state, MTU, LIDs, P_Key table). -ENODEV: the netdev has no RDMA device in sysfs.
 * When libibverbs cannot tell more (no devices: no hardware, no provider or no uverbs; or not the
 * device sysfs names), it still returns 0 with the device and port and state_known false, and
 * *ret_verbs_error says why (-ENXIO, -ENOENT); NULL if not wanted. sysfs_root is "/sys" except
 * in tests. */
int ib_port_query(const char *sysfs_root, const char *ifname, IbPortInfo *ret, int *ret_verbs_error);

/* ibv_mtu (1…5) → bytes (256…4096), 0 for anything else. */
uint32_t ib_mtu_enum_to_bytes(int mtu) _const_;
