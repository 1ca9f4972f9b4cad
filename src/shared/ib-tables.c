/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "ib-tables.h"

static const char *const ib_link_type_table[_IB_LINK_TYPE_MAX] = {
        [IB_LINK_TYPE_INFINIBAND] = "infiniband",
        [IB_LINK_TYPE_ETHER] = "ether",
};
DEFINE_STRING_TABLE_LOOKUP(ib_link_type, IbLinkType);

/* The words of sysfs "mode" (ipoib_cm.c mode_show()) and of iproute2's "mode". */
static const char *const ib_mode_table[_IB_MODE_MAX] = {
        [IB_MODE_DATAGRAM] = "datagram",
        [IB_MODE_CONNECTED] = "connected",
};
DEFINE_STRING_TABLE_LOOKUP(ib_mode, IbMode);

static const char *const ib_child_method_table[_IB_CHILD_METHOD_MAX] = {
        [IB_CHILD_METHOD_NETLINK] = "netlink",
        [IB_CHILD_METHOD_SYSFS] = "sysfs",
};
DEFINE_STRING_TABLE_LOOKUP(ib_child_method, IbChildMethod);

uint32_t ib_mode_mtu_max(IbMode mode, uint32_t ib_link_mtu) {
        if (mode == IB_MODE_CONNECTED)
                return IPOIB_CM_MTU;
        return ib_link_mtu > IPOIB_ENCAP_LEN ? IPOIB_UD_MTU(ib_link_mtu) : 0;
}

IbMtuCheck ib_mtu_check(uint32_t mtu, IbMode mode) {
        /* dev_set_mtu_ext(): max_mtu is IPOIB_CM_MTU in either mode (ipoib_ndo_init()). */
        if (mtu > IPOIB_CM_MTU)
                return IB_MTU_ABOVE_MAX;
        if (mtu < IPOIB_DATAGRAM_MTU_MIN && mode != IB_MODE_CONNECTED)
                return IB_MTU_BELOW_DATAGRAM_MIN;
        if (mtu > IPOIB_DATAGRAM_MTU_MAX && mode == IB_MODE_DATAGRAM)
                return IB_MTU_ABOVE_DATAGRAM_MAX;
        if (mtu > IPOIB_DATAGRAM_MTU_MAX && mode < 0)
                return IB_MTU_NEEDS_CONNECTED;
        return IB_MTU_OK;
}
