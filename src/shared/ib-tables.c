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
