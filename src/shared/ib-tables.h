/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "ibnet.h"

const char *ib_link_type_to_string(IbLinkType t) _const_;
IbLinkType ib_link_type_from_string(const char *s) _pure_;
const char *ib_mode_to_string(IbMode m) _const_;
IbMode ib_mode_from_string(const char *s) _pure_;
const char *ib_child_method_to_string(IbChildMethod m) _const_;
IbChildMethod ib_child_method_from_string(const char *s) _pure_;

/* The IPoIB MTU rules that need no link: the validator (ipoibctl check) and the agent use the same ones.
 * drivers/infiniband/ulp/ipoib, see kernel-ipoib.md §3. */

/* The largest MTU a link runs in a mode (what MTU=max stands for): connected IPOIB_CM_MTU
 * (ipoib_cm_max_mtu()), datagram the IB link MTU less the 4-byte IPoIB header (IPOIB_UD_MTU());
 * 0 when that is unknown (datagram without a link MTU). */
uint32_t ib_mode_mtu_max(IbMode mode, uint32_t ib_link_mtu) _const_;

typedef enum IbMtuCheck {
        IB_MTU_OK,
        IB_MTU_ABOVE_MAX,          /* above IPOIB_CM_MTU: dev->max_mtu (ipoib_ndo_init()) refuses it */
        IB_MTU_BELOW_DATAGRAM_MIN, /* below ETH_MIN_MTU + 4 in datagram mode (ipoib_change_mtu()) */
        IB_MTU_ABOVE_DATAGRAM_MAX, /* above IPOIB_UD_MTU(4096) in datagram mode */
        IB_MTU_NEEDS_CONNECTED,    /* above the datagram maximum and the mode is not set */
        _IB_MTU_CHECK_MAX,
        _IB_MTU_CHECK_INVALID = -EINVAL,
} IbMtuCheck;

/* An MTU= value against the mode the link will run (_IB_MODE_INVALID: not known). */
IbMtuCheck ib_mtu_check(uint32_t mtu, IbMode mode) _const_;
