/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <arpa/inet.h>
#include <dirent.h>
#include <infiniband/verbs.h>

#include "ib-port.h"
#include "parse-util.h"

uint32_t ib_mtu_enum_to_bytes(int mtu) {
        return mtu >= IBV_MTU_256 && mtu <= IBV_MTU_4096 ? 128U << mtu : 0;
}

static int read_small_file(const char *path, char *buf, size_t size) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");

        if (!f)
                return negative_errno();
        if (!fgets(buf, (int) size, f))
                return -EIO;
        buf[strcspn(buf, "\n")] = 0;
        return 0;
}

/* /sys/class/net/IF/device/infiniband/<dev> names the RDMA device; dev_port is port - 1 on the parent
 * (ipoib_parent_init(): priv->dev->dev_port = priv->dev->dev_id = port - 1). Kernels before dev_port
 * existed for IPoIB set only dev_id, and dev_port reads 0 there: a 0 is no answer, dev_id (printed
 * "%#x" by dev_id_show()) then tells the port, as systemd's net_id does (docs/kernel-ipoib.md §4). */
static int sysfs_port(const char *root, const char *ifname, char *dev, size_t size, uint32_t *ret_port) {
        _cleanup_free_ char *dir = NULL, *p1 = NULL, *p2 = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        char buf[32];
        uint32_t port;
        bool found = false;

        if (asprintf(&dir, "%s/class/net/%s/device/infiniband", root, ifname) < 0 ||
            asprintf(&p1, "%s/class/net/%s/dev_port", root, ifname) < 0 ||
            asprintf(&p2, "%s/class/net/%s/dev_id", root, ifname) < 0)
                return -ENOMEM;
        d = opendir(dir);
        if (!d)
                return -ENODEV;
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && strlen(de->d_name) < size) {
                        memcpy(dev, de->d_name, strlen(de->d_name) + 1);
                        found = true;
                        break;
                }
        if (!found)
                return -ENODEV;
        if (read_small_file(p1, buf, sizeof(buf)) >= 0 && safe_atou32(buf, &port) >= 0 && port > 0)
                *ret_port = port + 1;
        else if (read_small_file(p2, buf, sizeof(buf)) >= 0 && safe_atou32_base(buf, &port) >= 0)
                *ret_port = port + 1;
        else
                *ret_port = 1;
        return 0;
}

static void free_device_list(struct ibv_device ***l) {
        if (*l)
                ibv_free_device_list(*l);
}

static void close_device(struct ibv_context **c) {
        if (*c)
                ibv_close_device(*c);
}

static int verbs_query(IbPortInfo *info) {
        _cleanup_(free_device_list) struct ibv_device **list = NULL;
        _cleanup_(close_device) struct ibv_context *ctx = NULL;
        struct ibv_port_attr attr;
        int n = 0, r;

        /* libibverbs: NULL + errno (ENOSYS when the kernel has no uverbs); convert once, here. */
        list = ibv_get_device_list(&n);
        if (!list || n == 0)
                return -ENXIO;
        for (int i = 0; i < n; i++)
                if (streq(ibv_get_device_name(list[i]), info->device)) {
                        ctx = ibv_open_device(list[i]);
                        if (!ctx)
                                return negative_errno();
                        break;
                }
        if (!ctx)
                return -ENOENT;
        r = ibv_query_port(ctx, (uint8_t) info->port, &attr);
        if (r != 0)
                return -r; /* returns a positive errno */
        info->state_known = true;
        info->state = (IbPortState) attr.state;
        info->active_mtu = ib_mtu_enum_to_bytes(attr.active_mtu);
        info->max_mtu = ib_mtu_enum_to_bytes(attr.max_mtu);
        info->lid = attr.lid;
        info->sm_lid = attr.sm_lid;
        info->link_layer_ib = attr.link_layer != IBV_LINK_LAYER_ETHERNET;
        for (int i = 0; i < attr.pkey_tbl_len && info->n_pkeys < IB_PKEY_TABLE_MAX; i++) {
                __be16 pkey;

                if (ibv_query_pkey(ctx, (uint8_t) info->port, i, &pkey) != 0)
                        break;
                if (ntohs(pkey) & 0x7fff) /* empty entries read as 0 */
                        info->pkeys[info->n_pkeys++] = ntohs(pkey);
        }
        return 0;
}

int ib_port_query(const char *sysfs_root, const char *ifname, IbPortInfo *ret, int *ret_verbs_error) {
        IbPortInfo info = { .enhanced = -1 };
        int r;

        r = sysfs_port(sysfs_root ?: "/sys", ifname, info.device, sizeof(info.device), &info.port);
        if (r < 0)
                return r;
        r = verbs_query(&info);
        if (r < 0) {
                /* Keep what sysfs said; nothing of the port's state is made up. */
                info = (IbPortInfo) { .enhanced = -1, .port = info.port };
                (void) sysfs_port(sysfs_root ?: "/sys", ifname, info.device, sizeof(info.device), &info.port);
        }
        if (ret_verbs_error)
                *ret_verbs_error = r < 0 ? r : 0;
        *ret = info;
        return 0;
}
