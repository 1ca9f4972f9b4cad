/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <net/if.h>

#include "intmap.h"
#include "sim-dns.h"
#include "strv.h"

typedef struct SimDnsLink {
        int ifindex;
        char ifname[IFNAMSIZ];
        IbAddress *servers;
        size_t n_servers;
        char **domains;
} SimDnsLink;

typedef struct SimDns {
        DnsSink sink;
        char *path;
        IntMap links; /* ifindex → SimDnsLink: the links with settings of ours */
} SimDns;

static SimDnsLink *sim_dns_link_free(SimDnsLink *l) {
        if (!l)
                return NULL;
        free(l->servers);
        strv_free(l->domains);
        return mfree(l);
}

static void sim_dns_free(DnsSink *s) {
        SimDns *d = (SimDns *) s;
        SimDnsLink *l;

        for (size_t i = 0; intmap_iterate(&d->links, &i, NULL, (void **) &l);)
                sim_dns_link_free(l);
        intmap_done(&d->links);
        free(d->path);
        free(d);
}

static int link_cmp_ifindex(const void *a, const void *b) {
        const SimDnsLink *x = *(SimDnsLink *const *) a, *y = *(SimDnsLink *const *) b;

        return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static void write_link(FILE *f, const SimDnsLink *l) {
        fprintf(f, "Link %d (%s)\n", l->ifindex, l->ifname);
        if (l->n_servers > 0) {
                fprintf(f, "    DNS Servers:");
                FOREACH_ARRAY(a, l->servers, l->n_servers) {
                        char buf[INET6_ADDRSTRLEN];

                        (void) in_addr_to_string(a->family, &a->addr, buf, sizeof(buf));
                        fprintf(f, " %s", buf);
                }
                fputc('\n', f);
        }
        if (l->domains) {
                _cleanup_free_ char *doms = strv_join(l->domains, " ");

                fprintf(f, "     DNS Domain: %s\n", strempty(doms));
        }
}

/* The whole file again: it is small, and a reader must never see a half-written one. */
static int sim_dns_write(SimDns *d) {
        _cleanup_free_ SimDnsLink **sorted = NULL;
        _cleanup_free_ char *text = NULL;
        size_t size = 0, n = 0;
        SimDnsLink *l;
        FILE *f;

        sorted = calloc(intmap_size(&d->links) + 1, sizeof(SimDnsLink *));
        if (!sorted)
                return -ENOMEM;
        for (size_t i = 0; intmap_iterate(&d->links, &i, NULL, (void **) &l);)
                sorted[n++] = l;
        /* resolvectl lists links in ifindex order; hash order would make the file flicker. */
        qsort(sorted, n, sizeof(SimDnsLink *), link_cmp_ifindex);

        f = open_memstream(&text, &size);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                write_link(f, sorted[i]);
        if (fclose(f) != 0)
                return -ENOMEM;
        return write_file_atomic(d->path, text, false);
}

/* Writes the file and reports the end of the operation at once: the sim has no one to wait for. */
static int sim_dns_commit(SimDns *d, int ifindex, uint64_t cookie) {
        _cleanup_free_ char *message = NULL;
        int r;

        r = sim_dns_write(d);
        if (r < 0 && asprintf(&message, "cannot write %s: %s", d->path, strerror(-r)) < 0)
                message = NULL;
        if (d->sink.events.done)
                d->sink.events.done(d->sink.userdata, ifindex, cookie, r < 0 ? r : 0, message);
        return 0;
}

static int sim_dns_set_link(DnsSink *s, const DnsLinkSettings *settings, uint64_t cookie) {
        SimDns *d = (SimDns *) s;
        SimDnsLink *l, *old;
        int r;

        l = calloc(1, sizeof(SimDnsLink));
        if (!l)
                return -ENOMEM;
        l->ifindex = settings->ifindex;
        snprintf(l->ifname, sizeof(l->ifname), "%s", strempty(settings->ifname));
        if (settings->n_servers > 0) {
                l->servers = newdup(IbAddress, settings->servers, settings->n_servers);
                if (!l->servers) {
                        sim_dns_link_free(l);
                        return -ENOMEM;
                }
                l->n_servers = settings->n_servers;
        }
        if (settings->domains) {
                l->domains = strv_copy(settings->domains);
                if (!l->domains) {
                        sim_dns_link_free(l);
                        return -ENOMEM;
                }
        }
        old = intmap_get(&d->links, l->ifindex);
        r = intmap_put(&d->links, l->ifindex, l);
        if (r < 0) {
                sim_dns_link_free(l);
                return r;
        }
        sim_dns_link_free(old);
        return sim_dns_commit(d, l->ifindex, cookie);
}

static int sim_dns_revert_link(DnsSink *s, int ifindex, uint64_t cookie) {
        SimDns *d = (SimDns *) s;

        /* resolvectl shows a link without settings of ours as nothing here. */
        sim_dns_link_free(intmap_remove(&d->links, ifindex));
        return sim_dns_commit(d, ifindex, cookie);
}

static void sim_dns_forget_link(DnsSink *s, int ifindex) {
        SimDns *d = (SimDns *) s;
        SimDnsLink *l = intmap_remove(&d->links, ifindex);

        /* A link that leaves the kernel leaves resolved too. */
        if (l)
                (void) sim_dns_write(d);
        sim_dns_link_free(l);
}

static const DnsSinkOps sim_dns_ops = {
        .name = "sim-resolved",
        .set_link = sim_dns_set_link,
        .revert_link = sim_dns_revert_link,
        .forget_link = sim_dns_forget_link,
        .free = sim_dns_free,
};

int dns_sink_sim_new(const char *state_dir, DnsSink **ret) {
        SimDns *d = calloc(1, sizeof(SimDns));

        if (!d)
                return -ENOMEM;
        d->sink.ops = &sim_dns_ops;
        if (asprintf(&d->path, "%s/resolved", state_dir) < 0) {
                free(d);
                return -ENOMEM;
        }
        *ret = &d->sink;
        return 0;
}
