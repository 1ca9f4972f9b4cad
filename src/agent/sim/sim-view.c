/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated fabric seen from a shell: `ip address show` in iproute2's layout (ipaddress.c
 * print_linkinfo()/print_addrinfo()) and a sysfs-like tree with the files the IPoIB driver has. */

#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "sim-view.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

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

static int address_cmp_ifindex(const void *a, const void *b) {
        const SimAddress *x = *(const SimAddress *const *) a, *y = *(const SimAddress *const *) b;

        /* Stable by position: the order within a link is the model's. */
        if (x->a.ifindex != y->a.ifindex)
                return (x->a.ifindex > y->a.ifindex) - (x->a.ifindex < y->a.ifindex);
        return (x > y) - (x < y);
}

/* The kernel's dump order: IPv4 in insertion order, then IPv6 by scope, global first, newest first
 * within a scope (ipv6_link_dev_addr()). `a` holds the link's addresses in the model's order. */
static void print_addresses(FILE *f, const SimNetdev *nd, const SimAddress *const *a, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (a[i]->a.family == AF_INET)
                        print_address(f, a[i], nd->name);
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = n; i > 0; i--) {
                        const SimAddress *s = a[i - 1];

                        if (s->a.family == AF_INET6 && (s->a.scope == RT_SCOPE_LINK) == (pass == 1))
                                print_address(f, s, nd->name);
                }
}

static void print_link(FILE *f, const SimNetdev *nd, const SimAddress *const *a, size_t n) {
        uint8_t brd[INFINIBAND_ALEN];
        char hw[SIM_HWADDR_STRLEN], brd_text[SIM_HWADDR_STRLEN];
        KLink k;

        sim_netdev_to_klink(nd, &k);
        sim_broadcast_build(nd->pkey, brd);
        /* Children report IFLA_LINK (ipoib_get_iflink()), which iproute2 prints as NAME@PARENT. */
        fprintf(f, "%d: %s%s%s: ", k.ifindex, k.ifname, nd->parent ? "@" : "",
                nd->parent ? nd->parent->name : "");
        print_flags(f, k.flags);
        fprintf(f, " mtu %u qdisc %s state %s group default qlen %d\n", k.mtu, nd->ever_up ? "mq" : "noop",
                oper_state_to_string(k.operstate) ?: "UNKNOWN", SIM_TXQLEN);
        fprintf(f, "    link/infiniband %s brd %s\n", sim_format_hwaddr(k.hwaddr, hw),
                sim_format_hwaddr(brd, brd_text));
        print_addresses(f, nd, a, n);
}

char *sim_view_ip_address(const SimModel *m) {
        _cleanup_free_ const SimNetdev **nds = sim_model_netdevs_sorted(m);
        _cleanup_free_ const SimAddress **addrs = malloc(MAX(m->n_addresses, (size_t) 1) * sizeof(SimAddress *));
        char *buf = NULL;
        size_t size = 0, j = 0;
        FILE *f;

        if (!nds || !addrs)
                return NULL;
        /* Linear in links + addresses: both sorted by ifindex, then walked side by side. */
        for (size_t i = 0; i < m->n_addresses; i++)
                addrs[i] = &m->addresses[i];
        qsort(addrs, m->n_addresses, sizeof(SimAddress *), address_cmp_ifindex);
        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        for (size_t i = 0; i < m->n_netdevs; i++) {
                size_t k;

                while (j < m->n_addresses && addrs[j]->a.ifindex < nds[i]->ifindex)
                        j++;
                for (k = j; k < m->n_addresses && addrs[k]->a.ifindex == nds[i]->ifindex; k++)
                        ;
                print_link(f, nds[i], addrs + j, k - j);
                j = k;
        }
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}
