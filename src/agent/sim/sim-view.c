/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated fabric seen from a shell: `ip address show` in iproute2's layout (ipaddress.c
 * print_linkinfo()/print_addrinfo()) and a sysfs-like tree with the files the IPoIB driver has. */

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/stat.h>

#include "sim-view.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

/* Every attribute the view may write; which exist for a device is sim_netdev_sysfs_read()'s answer. */
static const char *const sysfs_attrs[] = {
        "address", "broadcast", "carrier", "dev_id", "dev_port", "ifindex", "mode",
        "mtu",     "operstate", "parent",  "pkey",   "type",     "umcast",
};

/* IF_OPER_* 0..6 in order (linux/if.h, which clashes with glibc's net/if.h), as `ip link` prints them. */
static const char *const oper_state_table[] = { "UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
                                                "TESTING", "DORMANT",    "UP" };
DEFINE_PRIVATE_STRING_TABLE_LOOKUP_TO_STRING(oper_state, uint8_t);

/* RT_SCOPE_*, as `ip address` prints them; any other scope is "nowhere" there too. */
static const char *const scope_table[] = {
        [RT_SCOPE_UNIVERSE] = "global",
        [RT_SCOPE_SITE] = "site",
        [RT_SCOPE_LINK] = "link",
        [RT_SCOPE_HOST] = "host",
};
DEFINE_PRIVATE_STRING_TABLE_LOOKUP_TO_STRING(scope, uint8_t);

static void print_hw(FILE *f, const uint8_t *a, size_t n) {
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%s%02x", i ? ":" : "", a[i]);
}

/* print_link_flags(): NO-CARRIER first when up without IFF_RUNNING, then the flags in ifi_flags order. */
static void print_flags(FILE *f, unsigned flags) {
        static const struct {
                unsigned flag;
                const char *name;
        } table[] = {
                { IFF_LOOPBACK, "LOOPBACK" }, { IFF_BROADCAST, "BROADCAST" },
                { IFF_POINTOPOINT, "POINTOPOINT" }, { IFF_MULTICAST, "MULTICAST" },
                { IFF_NOARP, "NOARP" }, { IFF_UP, "UP" }, { IFF_LOWER_UP, "LOWER_UP" },
        };
        bool first = true;

        fputc('<', f);
        if ((flags & IFF_UP) && !(flags & IFF_RUNNING)) {
                fputs("NO-CARRIER", f);
                first = false;
        }
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (flags & table[i].flag) {
                        fprintf(f, "%s%s", first ? "" : ",", table[i].name);
                        first = false;
                }
        fputc('>', f);
}

static void print_address(FILE *f, const SimAddress *s, const char *ifname) {
        char buf[INET6_ADDRSTRLEN];

        (void) in_addr_to_string(s->a.family, &s->a.addr, buf, sizeof(buf));
        fprintf(f, "    %s %s/%u ", s->a.family == AF_INET ? "inet" : "inet6", buf, s->a.prefixlen);
        if (s->has_broadcast)
                fprintf(f, "brd %s ", inet_ntop(AF_INET, &s->broadcast, buf, sizeof(buf)));
        fprintf(f, "scope %s ", scope_to_string(s->a.scope) ?: "nowhere");
        /* print_ifa_flags(): "permanent" is implied, the others are spelled out. */
        if (s->a.flags & IFA_F_SECONDARY)
                fputs("secondary ", f);
        if (s->a.flags & IFA_F_NODAD)
                fputs("nodad ", f);
        if (!(s->a.flags & IFA_F_PERMANENT))
                fputs("dynamic ", f);
        if (s->a.flags & IFA_F_NOPREFIXROUTE)
                fputs("noprefixroute ", f);
        /* IPv4 ends with the label (the device name); IPv6 keeps iproute2's trailing space. */
        if (s->a.family == AF_INET)
                fprintf(f, "%s", ifname);
        fputs("\n       valid_lft forever preferred_lft forever\n", f);
}

/* The kernel's dump order: IPv4 in insertion order, then IPv6 by scope, global first, newest first
 * within a scope (ipv6_link_dev_addr()). */
static void print_addresses(FILE *f, const SimModel *m, const SimNetdev *nd) {
        for (size_t i = 0; i < m->n_addresses; i++)
                if (m->addresses[i].a.ifindex == nd->ifindex && m->addresses[i].a.family == AF_INET)
                        print_address(f, &m->addresses[i], nd->name);
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = m->n_addresses; i > 0; i--) {
                        const SimAddress *s = &m->addresses[i - 1];

                        if (s->a.ifindex == nd->ifindex && s->a.family == AF_INET6 &&
                            (s->a.scope == RT_SCOPE_LINK) == (pass == 1))
                                print_address(f, s, nd->name);
                }
}

static void print_link(FILE *f, const SimModel *m, const SimNetdev *nd) {
        uint8_t brd[INFINIBAND_ALEN];
        KLink k;

        sim_netdev_to_klink(nd, &k);
        sim_broadcast_build(nd->pkey, brd);
        /* Children report IFLA_LINK (ipoib_get_iflink()), which iproute2 prints as NAME@PARENT. */
        fprintf(f, "%d: %s%s%s: ", k.ifindex, k.ifname, nd->parent ? "@" : "",
                nd->parent ? nd->parent->name : "");
        print_flags(f, k.flags);
        fprintf(f, " mtu %u qdisc %s state %s group default qlen %d\n", k.mtu, nd->ever_up ? "mq" : "noop",
                oper_state_to_string(k.operstate) ?: "UNKNOWN", SIM_TXQLEN);
        fputs("    link/infiniband ", f);
        print_hw(f, k.hwaddr, k.hwaddr_len);
        fputs(" brd ", f);
        print_hw(f, brd, INFINIBAND_ALEN);
        fputc('\n', f);
        print_addresses(f, m, nd);
}

char *sim_view_ip_address(const SimModel *m) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        /* By ifindex, as a dump comes. */
        for (const SimNetdev *nd = sim_model_next_netdev(m, 0); nd; nd = sim_model_next_netdev(m, nd->ifindex))
                print_link(f, m, nd);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

static int mkdir_p(const char *path) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
                if (s)
                        *s = 0;
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return negative_errno();
                if (!s)
                        return 0;
                *s = '/';
        }
}

static int rm_dir_files(const char *dir) {
        _cleanup_closedir_ DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return errno == ENOENT ? 0 : negative_errno();
        while ((de = readdir(d)))
                if (de->d_name[0] != '.')
                        (void) unlinkat(dirfd(d), de->d_name, 0);
        return rmdir(dir) < 0 ? negative_errno() : 0;
}

static int write_netdev(const SimNetdev *nd, const char *net_dir) {
        _cleanup_free_ char *dir = NULL;
        int r;

        if (asprintf(&dir, "%s/%s", net_dir, nd->name) < 0)
                return -ENOMEM;
        r = mkdir_p(dir);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(sysfs_attrs); i++) {
                _cleanup_free_ char *path = NULL;
                char buf[128];

                if (asprintf(&path, "%s/%s", dir, sysfs_attrs[i]) < 0)
                        return -ENOMEM;
                /* Attributes the device does not have (netlink children's pkey/mode/umcast) or that
                 * cannot be read now (carrier while down) are absent. */
                if (sim_netdev_sysfs_read(nd, sysfs_attrs[i], buf, sizeof(buf)) < 0) {
                        (void) unlink(path);
                        continue;
                }
                r = write_file_atomic(path, buf, false);
                if (r < 0)
                        return r;
        }
        return 0;
}

int sim_view_write(const SimModel *m, const char *state_dir) {
        _cleanup_free_ char *net_dir = NULL, *ip_path = NULL, *text = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        if (asprintf(&net_dir, "%s/sys/class/net", state_dir) < 0 ||
            asprintf(&ip_path, "%s/ip-address", state_dir) < 0)
                return -ENOMEM;
        r = mkdir_p(net_dir);
        if (r < 0)
                return r;
        for (size_t i = 0; i < m->n_netdevs; i++) {
                r = write_netdev(m->netdevs[i], net_dir);
                if (r < 0)
                        return r;
        }
        /* Links that went away or were renamed. */
        d = opendir(net_dir);
        if (!d)
                return negative_errno();
        while ((de = readdir(d))) {
                _cleanup_free_ char *p = NULL;

                if (de->d_name[0] == '.' || sim_model_find_name(m, de->d_name))
                        continue;
                if (asprintf(&p, "%s/%s", net_dir, de->d_name) >= 0)
                        (void) rm_dir_files(p);
        }

        text = sim_view_ip_address(m);
        if (!text)
                return -ENOMEM;
        return write_file_atomic(ip_path, text, false);
}
