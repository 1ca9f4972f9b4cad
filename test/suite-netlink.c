/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The real netlink backend on the real kernel. Each test enters a private network namespace (check forks
 * one process per test) with veth pairs or an ARPHRD_INFINIBAND TUN device, runs the backend on sd-event
 * and checks the kernel's state with ip(8). They print "SKIP: <reason>" and pass where a namespace cannot
 * be made (not root). The socket-less half is suite-nl-build.c. */

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if_arp.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <time.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "backend.h"
#include "ipoib-proto.h"
#include "netlink-util.h"
#include "nl-build.h"
#include "nl-trace.h"
#include "test-suites.h"

typedef struct Reply {
        uint64_t cookie;
        int error;
        char *extack;
} Reply;

typedef struct Event {
        bool removed;
        KAddress a;
        KRoute r;
} Event;

#define MAX_IFINDEX 4096

typedef struct Ctx {
        sd_event *e;
        Backend *b;
        unsigned dumps_done, overruns;
        KLink links[MAX_IFINDEX];
        bool present[MAX_IFINDEX];
        Reply *replies;
        size_t n_replies, replies_alloc;
        Event *addrs, *routes;
        size_t n_addrs, addrs_alloc, n_routes, routes_alloc;
} Ctx;

static void on_link(void *u, const KLink *l, bool removed) {
        Ctx *c = u;

        ck_assert_int_lt(l->ifindex, MAX_IFINDEX);
        c->links[l->ifindex] = *l;
        c->present[l->ifindex] = !removed;
}

static void on_address(void *u, const KAddress *a, bool removed) {
        Ctx *c = u;

        ck_assert_ptr_nonnull(GREEDY_REALLOC(c->addrs, c->addrs_alloc, c->n_addrs + 1));
        c->addrs[c->n_addrs++] = (Event) { .removed = removed, .a = *a };
}

static void on_route(void *u, const KRoute *r, bool removed) {
        Ctx *c = u;

        ck_assert_ptr_nonnull(GREEDY_REALLOC(c->routes, c->routes_alloc, c->n_routes + 1));
        c->routes[c->n_routes++] = (Event) { .removed = removed, .r = *r };
}

static void on_dump_done(void *u) {
        ((Ctx *) u)->dumps_done++;
}

static void on_overrun(void *u) {
        ((Ctx *) u)->overruns++;
}

static void on_reply(void *u, uint64_t cookie, int error, const char *extack) {
        Ctx *c = u;

        ck_assert_ptr_nonnull(GREEDY_REALLOC(c->replies, c->replies_alloc, c->n_replies + 1));
        c->replies[c->n_replies++] = (Reply) { cookie, error, extack ? strdup(extack) : NULL };
}

static const BackendEvents ctx_events = {
        .link = on_link,
        .address = on_address,
        .route = on_route,
        .dump_done = on_dump_done,
        .overrun = on_overrun,
        .reply = on_reply,
};

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* Runs the loop until cond holds; fails the test after 10 s. */
#define RUN_UNTIL(c, cond)                                                                                   \
        do {                                                                                                 \
                uint64_t _deadline = now_usec() + 10 * 1000000;                                              \
                while (!(cond)) {                                                                            \
                        ck_assert_msg(now_usec() < _deadline, "timed out waiting for: %s", #cond);           \
                        ck_assert_int_ge(sd_event_run((c)->e, 100 * 1000), 0);                               \
                }                                                                                            \
        } while (0)

static Ctx *ctx_start(void) {
        Ctx *c = calloc(1, sizeof(Ctx));

        ck_assert_ptr_nonnull(c);
        ck_assert_int_eq(sd_event_new(&c->e), 0);
        ck_assert_int_eq(backend_netlink_new(c->e, &ctx_events, c, &c->b), 0);
        ck_assert_int_eq(backend_start(c->b), 0);
        RUN_UNTIL(c, c->dumps_done == 1);
        return c;
}

static void ctx_free(Ctx *c) {
        backend_free(c->b);
        sd_event_unref(c->e);
        for (size_t i = 0; i < c->n_replies; i++)
                free(c->replies[i].extack);
        free(c->replies);
        free(c->addrs);
        free(c->routes);
        free(c);
}
DEFINE_TRIVIAL_CLEANUP_FUNC_VOID(Ctx *, ctx_free);

/* Submits and waits for the answer; returns it (error and extack). */
static const Reply *submit_wait(Ctx *c, const Action *a) {
        size_t n = c->n_replies;
        uint64_t cookie = 1000 + n;

        ck_assert_int_eq(backend_submit(c->b, a, cookie), 0);
        RUN_UNTIL(c, c->n_replies > n);
        ck_assert_int_eq(c->n_replies, n + 1);
        ck_assert_uint_eq(c->replies[n].cookie, cookie);
        return &c->replies[n];
}

static bool enter_netns_for(const char *test) {
        if (unshare(CLONE_NEWNET) < 0) {
                if (errno == EPERM || errno == ENOSYS || errno == EINVAL)
                        printf("SKIP: %s: cannot create a network namespace (unshare: %s); run as root\n",
                               test, strerror(errno));
                else
                        ck_abort_msg("unshare(CLONE_NEWNET): %s", strerror(errno));
                return false;
        }
        return true;
}
#define enter_netns() enter_netns_for(__func__)

_printf_(1, 2) static void sh(const char *fmt, ...) {
        _cleanup_free_ char *cmd = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        ck_assert_int_ge(vasprintf(&cmd, fmt, ap), 0);
        va_end(ap);
        r = system(cmd);
        ck_assert_msg(r == 0, "'%s' failed (status %d)", cmd, r);
}

/* The output of a shell command; newly allocated. */
static char *sh_out(const char *cmd) {
        char *buf = NULL;
        size_t size = 0;
        FILE *p = popen(cmd, "r"), *f = open_memstream(&buf, &size);
        char chunk[4096];
        size_t n;

        ck_assert_ptr_nonnull(p);
        ck_assert_ptr_nonnull(f);
        while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
                fwrite(chunk, 1, n, f);
        pclose(p);
        fclose(f);
        return buf;
}

#define assert_output_contains(cmd, text)                                                                    \
        do {                                                                                                 \
                _cleanup_free_ char *_o = sh_out(cmd);                                                       \
                ck_assert_msg(strstr(_o, (text)), "'%s' lacks '%s':\n%s", (cmd), (text), _o);                \
        } while (0)

static int ifindex_of(const char *name) {
        int i = (int) if_nametoindex(name);

        ck_assert_msg(i > 0, "no link %s", name);
        return i;
}

static void veth_pair(const char *a, const char *b) {
        sh("ip link add %s type veth peer name %s && ip link set %s up", a, b, b);
}

static bool address_event(const Ctx *c, const char *prefix, bool removed) {
        KAddress want = {};

        ck_assert_int_eq(in_addr_prefix_from_string_auto(prefix, false, &want.family, &want.addr,
                                                         &want.prefixlen),
                         0);
        for (size_t i = 0; i < c->n_addrs; i++)
                if (c->addrs[i].removed == removed && kaddress_equal(&c->addrs[i].a, &want))
                        return true;
        return false;
}

static bool route_event(const Ctx *c, const KRoute *want) {
        for (size_t i = 0; i < c->n_routes; i++)
                if (!c->routes[i].removed && kroute_equal(&c->routes[i].r, want))
                        return true;
        return false;
}

START_TEST(test_kernel_dump) {
        _cleanup_(ctx_freep) Ctx *c = NULL;
        int i0, i1;

        if (!enter_netns())
                return;
        sh("ip link add vt0 mtu 1400 type veth peer name vt1 && ip link set vt1 up && ip link set lo up");
        i0 = ifindex_of("vt0");
        i1 = ifindex_of("vt1");
        c = ctx_start();

        ck_assert(c->present[1]);
        ck_assert_uint_eq(c->links[1].arphrd, ARPHRD_LOOPBACK);
        ck_assert(c->links[1].flags & IFF_LOOPBACK);
        ck_assert(c->present[i0] && c->present[i1]);
        ck_assert_str_eq(c->links[i0].ifname, "vt0");
        ck_assert_uint_eq(c->links[i0].arphrd, ARPHRD_ETHER);
        ck_assert_uint_eq(c->links[i0].mtu, 1400);
        ck_assert_uint_gt(c->links[i0].max_mtu, 1400);
        ck_assert_uint_eq(c->links[i0].hwaddr_len, 6);
        ck_assert_str_eq(c->links[i0].kind, "veth");
        ck_assert(!(c->links[i0].flags & IFF_UP));
        ck_assert(c->links[i1].flags & IFF_UP);
        ck_assert_uint_eq(c->links[i1].mtu, 1500);
        ck_assert(address_event(c, "127.0.0.1/8", false)); /* lo, from the address dump */
        ck_assert_uint_eq(c->overruns, 0);

        /* dump() again delivers the same again, and dump_done once more. */
        ck_assert_int_eq(backend_dump(c->b), 0);
        c->present[i0] = false;
        RUN_UNTIL(c, c->dumps_done == 2);
        ck_assert(c->present[i0]);
}
END_TEST

START_TEST(test_kernel_submit) {
        _cleanup_(ctx_freep) Ctx *c = NULL;
        Action a;
        KRoute want;
        int i0;

        if (!enter_netns())
                return;
        veth_pair("vt0", "vt1");
        i0 = ifindex_of("vt0");
        c = ctx_start();

        a = (Action) { .type = ACTION_SET_UP, .ifindex = i0 };
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = (Action) { .type = ACTION_SET_MTU, .ifindex = i0, .mtu = 1280 };
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = act_addr(ACTION_ADDRESS_ADD, i0, "192.0.2.1/24");
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = act_addr(ACTION_ADDRESS_ADD, i0, "2001:db8::1/64");
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = act_route(ACTION_ROUTE_ADD, i0, "198.51.100.0/24", "192.0.2.254", 50);
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = act_route(ACTION_ROUTE_ADD, i0, "0.0.0.0/0", "192.0.2.254", 100);
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = act_route(ACTION_ROUTE_ADD, i0, "2001:db8:1::/64", "2001:db8::fe", 0);
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);

        assert_output_contains("ip -o link show dev vt0", "mtu 1280");
        assert_output_contains("ip -o link show dev vt0", ",UP");
        assert_output_contains("ip -o addr show dev vt0", "inet 192.0.2.1/24 brd 192.0.2.255");
        assert_output_contains("ip -o addr show dev vt0", "inet6 2001:db8::1/64");
        assert_output_contains("ip route show",
                               "198.51.100.0/24 via 192.0.2.254 dev vt0 proto static metric 50");
        assert_output_contains("ip route show", "default via 192.0.2.254 dev vt0 proto static metric 100");
        assert_output_contains("ip -6 route show",
                               "2001:db8:1::/64 via 2001:db8::fe dev vt0 proto static metric 1024");

        /* The events for our own changes came in too. */
        RUN_UNTIL(c, c->links[i0].mtu == 1280 && (c->links[i0].flags & IFF_UP));
        RUN_UNTIL(c, address_event(c, "192.0.2.1/24", false) && address_event(c, "2001:db8::1/64", false));
        want = act_route(ACTION_ROUTE_ADD, i0, "0.0.0.0/0", "192.0.2.254", 100).route;
        want.ifindex = i0;
        want.table = RT_TABLE_MAIN;
        RUN_UNTIL(c, route_event(c, &want));

        /* And away again. */
        a = act_route(ACTION_ROUTE_DEL, i0, "0.0.0.0/0", "192.0.2.254", 100);
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = act_addr(ACTION_ADDRESS_DEL, i0, "2001:db8::1/64");
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        RUN_UNTIL(c, address_event(c, "2001:db8::1/64", true));
        {
                _cleanup_free_ char *o = sh_out("ip route show; ip -o addr show dev vt0");

                ck_assert_msg(!strstr(o, "default") && !strstr(o, "2001:db8::1/64"), "still there:\n%s", o);
        }
        a = (Action) { .type = ACTION_CHILD_DELETE, .ifindex = i0 };
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        RUN_UNTIL(c, !c->present[i0]);
        ck_assert_uint_eq(c->overruns, 0);
}
END_TEST

static uint8_t address_event_protocol(const Ctx *c, const char *prefix) {
        KAddress want = {};

        ck_assert_int_eq(in_addr_prefix_from_string_auto(prefix, false, &want.family, &want.addr,
                                                         &want.prefixlen),
                         0);
        for (size_t i = 0; i < c->n_addrs; i++)
                if (!c->addrs[i].removed && kaddress_equal(&c->addrs[i].a, &want))
                        return c->addrs[i].a.protocol;
        return 0;
}

/* The owner's mark: RTPROT_IPOIB as the route's protocol, and as the address's IFA_PROTO, which this
 * kernel (6.1+) keeps and reports. */
START_TEST(test_kernel_owner_mark) {
        _cleanup_(ctx_freep) Ctx *c = NULL;
        Action a;
        int i0;

        if (!enter_netns())
                return;
        veth_pair("vt0", "vt1");
        i0 = ifindex_of("vt0");
        c = ctx_start();

        a = (Action) { .type = ACTION_SET_UP, .ifindex = i0 };
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = act_addr(ACTION_ADDRESS_ADD, i0, "192.0.2.1/24");
        a.address.protocol = RTPROT_IPOIB;
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = act_addr(ACTION_ADDRESS_ADD, i0, "2001:db8::1/64");
        a.address.protocol = RTPROT_IPOIB;
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = act_addr(ACTION_ADDRESS_ADD, i0, "192.0.2.2/24"); /* someone else's: no mark */
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = act_route(ACTION_ROUTE_ADD, i0, "198.51.100.0/24", "192.0.2.254", 50);
        a.route.protocol = RTPROT_IPOIB;
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);

        RUN_UNTIL(c, address_event(c, "192.0.2.1/24", false) && address_event(c, "2001:db8::1/64", false) &&
                             address_event(c, "192.0.2.2/24", false));
        ck_assert_uint_eq(address_event_protocol(c, "192.0.2.1/24"), RTPROT_IPOIB);
        ck_assert_uint_eq(address_event_protocol(c, "2001:db8::1/64"), RTPROT_IPOIB);
        ck_assert_uint_eq(address_event_protocol(c, "192.0.2.2/24"), 0);
        assert_output_contains("ip route show", "198.51.100.0/24 via 192.0.2.254 dev vt0 proto 149 metric 50");
        for (size_t i = 0; i < c->n_routes; i++)
                if (c->routes[i].r.dst_len == 24 && c->routes[i].r.metric == 50)
                        ck_assert_uint_eq(c->routes[i].r.protocol, RTPROT_IPOIB);
}
END_TEST

START_TEST(test_kernel_errors) {
        _cleanup_(ctx_freep) Ctx *c = NULL;
        const Reply *r;
        Action a;
        int i0;

        if (!enter_netns())
                return;
        veth_pair("vt0", "vt1");
        i0 = ifindex_of("vt0");
        c = ctx_start();

        a = act_addr(ACTION_ADDRESS_ADD, i0, "192.0.2.1/24");
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        ck_assert_int_eq(submit_wait(c, &a)->error, -EEXIST);

        /* dev_validate_mtu(): "mtu less than device minimum". */
        a = (Action) { .type = ACTION_SET_MTU, .ifindex = i0, .mtu = 10 };
        r = submit_wait(c, &a);
        ck_assert_int_eq(r->error, -EINVAL);
        ck_assert_msg(r->extack && strstr(r->extack, "mtu"), "extack: %s", strna(r->extack));

        a = act_addr(ACTION_ADDRESS_DEL, i0, "203.0.113.9/24");
        ck_assert_int_eq(submit_wait(c, &a)->error, -EADDRNOTAVAIL);
        a = (Action) { .type = ACTION_SET_MTU, .ifindex = 4000, .mtu = 1500 };
        ck_assert_int_eq(submit_wait(c, &a)->error, -ENODEV);
        /* Nothing was sent for what cannot be built. */
        a = (Action) { .type = ACTION_SET_IPOIB, .ifindex = i0, .ipoib = { -1, -1 } };
        ck_assert_int_eq(backend_submit(c->b, &a, 1), -EINVAL);
}
END_TEST

START_TEST(test_kernel_external_events) {
        _cleanup_(ctx_freep) Ctx *c = NULL;
        int i0;

        if (!enter_netns())
                return;
        veth_pair("vt0", "vt1");
        i0 = ifindex_of("vt0");
        c = ctx_start();

        sh("ip addr add 203.0.113.5/24 dev vt0");
        RUN_UNTIL(c, address_event(c, "203.0.113.5/24", false));
        sh("ip addr del 203.0.113.5/24 dev vt0");
        RUN_UNTIL(c, address_event(c, "203.0.113.5/24", true));
        sh("ip link set vt0 mtu 1300 up");
        RUN_UNTIL(c, c->links[i0].mtu == 1300 && (c->links[i0].flags & IFF_UP));
        sh("ip link del vt0");
        RUN_UNTIL(c, !c->present[i0]);
}
END_TEST

static unsigned count_lines(const char *path, const char *prefix) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char line[NL_TRACE_LINE_MAX + 64];
        unsigned n = 0;

        ck_assert_ptr_nonnull(f);
        while (fgets(line, sizeof(line), f))
                if (startswith(line, prefix))
                        n++;
        return n;
}

START_TEST(test_kernel_pipeline) {
        _cleanup_(ctx_freep) Ctx *c = NULL;
        char path[] = "/tmp/ipoib-trace-XXXXXX";
        int i0, fd, saved;
        uint64_t t0;
        enum { N = 500 };

        if (!enter_netns())
                return;
        veth_pair("vt0", "vt1");
        sh("ip link set vt0 up");
        i0 = ifindex_of("vt0");

        /* The trace goes to stderr: capture it to count what was sent. */
        ck_assert_int_eq(setenv("IPOIB_AGENT_NETLINK_TRACE", "1", 1), 0);
        fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        fflush(stderr);
        saved = dup(STDERR_FILENO);
        ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
        close(fd);

        c = ctx_start();
        t0 = now_usec();
        for (unsigned i = 0; i < N; i++) {
                char p[32];
                Action a;

                snprintf(p, sizeof(p), "10.0.%u.%u/16", i / 250, i % 250 + 1);
                a = act_addr(ACTION_ADDRESS_ADD, i0, p);
                ck_assert_int_eq(backend_submit(c->b, &a, i), 0);
        }
        RUN_UNTIL(c, c->n_replies == N);
        t0 = now_usec() - t0;

        fflush(stderr);
        ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
        close(saved);
        unsetenv("IPOIB_AGENT_NETLINK_TRACE");

        for (unsigned i = 0; i < N; i++) {
                ck_assert_uint_eq(c->replies[i].cookie, i); /* in submit order */
                ck_assert_msg(c->replies[i].error == 0, "address %u: %s", i, strerror(-c->replies[i].error));
        }
        {
                _cleanup_free_ char *o = sh_out("ip -o -4 addr show dev vt0 | wc -l");

                ck_assert_int_eq(atoi(o), N);
        }
        ck_assert_uint_eq(count_lines(path, "netlink: send RTM_NEWADDR "), N);
        ck_assert_uint_eq(count_lines(path, "netlink: send RTM_NEW"), N);
        ck_assert_uint_eq(count_lines(path, "netlink: send RTM_DEL"), 0);
        ck_assert_uint_eq(count_lines(path, "netlink: recv NLMSG_ERROR "), N);
        ck_assert_uint_eq(count_lines(path, "netlink: send RTM_GETLINK "), 1);
        ck_assert_uint_eq(c->overruns, 0);
        unlink(path);
        printf("netlink pipeline: %u addresses acknowledged in %.1f ms\n", (unsigned) N, t0 / 1000.0);
}
END_TEST

/* Shrinks the receive buffer of every netlink socket of this process to the kernel's minimum. */
static unsigned shrink_netlink_rcvbufs(void) {
        unsigned n = 0;

        for (int fd = 3; fd < 1024; fd++) {
                int domain = 0, zero = 0;
                socklen_t l = sizeof(domain);

                if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &l) < 0 || domain != AF_NETLINK)
                        continue;
                ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &zero, sizeof(zero)), 0);
                n++;
        }
        return n;
}

START_TEST(test_kernel_lost_answers) {
        _cleanup_(ctx_freep) Ctx *c = NULL;
        unsigned lost = 0;
        int i0;
        enum { N = 300 };

        if (!enter_netns())
                return;
        veth_pair("vt0", "vt1");
        sh("ip link set vt0 up");
        i0 = ifindex_of("vt0");
        c = ctx_start();

        /* With a receive buffer of a few KiB most of the pipelined answers (and notifications) are dropped
         * by the kernel. Every request must still get exactly one answer, in order: 0, or -ENOBUFS when
         * its answer was lost, and the owner is told to re-dump. */
        ck_assert_uint_eq(shrink_netlink_rcvbufs(), 2);
        for (unsigned i = 0; i < N; i++) {
                char p[32];
                Action a;

                snprintf(p, sizeof(p), "10.1.%u.%u/16", i / 250, i % 250 + 1);
                a = act_addr(ACTION_ADDRESS_ADD, i0, p);
                ck_assert_int_eq(backend_submit(c->b, &a, i), 0);
        }
        RUN_UNTIL(c, c->n_replies == N);
        for (unsigned i = 0; i < N; i++) {
                int e = c->replies[i].error;

                ck_assert_uint_eq(c->replies[i].cookie, i);
                ck_assert_msg(e == 0 || e == -ENOBUFS, "answer %u: %d", i, e);
                lost += e == -ENOBUFS;
        }
        ck_assert_uint_gt(lost, 0);
        ck_assert_uint_gt(c->overruns, 0);
        /* The kernel did apply them all; only the answers were lost. */
        {
                _cleanup_free_ char *o = sh_out("ip -o -4 addr show dev vt0 | wc -l");

                ck_assert_int_eq(atoi(o), N);
        }
        /* A re-dump after the overrun still completes. */
        ck_assert_int_eq(backend_dump(c->b), 0);
        RUN_UNTIL(c, c->dumps_done >= 2);
        printf("netlink lost answers: %u of %u answers lost and reported as -ENOBUFS\n", lost, (unsigned) N);
}
END_TEST

/* docs/kernel-ipoib.md §8: a persistent TUN device switched to ARPHRD_INFINIBAND, an IPoIB-typed parent for a
 * kernel without InfiniBand. */
static int ib_tun_create(const char *name) {
        struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
        _cleanup_close_ int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

        ck_assert_msg(fd >= 0, "/dev/net/tun: %s", strerror(errno));
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
        ck_assert_int_eq(ioctl(fd, TUNSETIFF, &ifr), 0);
        ck_assert_int_eq(ioctl(fd, TUNSETLINK, (unsigned long) ARPHRD_INFINIBAND), 0);
        ck_assert_int_eq(ioctl(fd, TUNSETPERSIST, 1UL), 0);
        return ifindex_of(name);
}

START_TEST(test_kernel_ipoib_tun) {
        _cleanup_(ctx_freep) Ctx *c = NULL;
        const Reply *r;
        Action a;
        int ib;

        if (!enter_netns())
                return;
        ib = ib_tun_create("ibtun0");
        c = ctx_start();
        ck_assert(c->present[ib]);
        ck_assert_uint_eq(c->links[ib].arphrd, ARPHRD_INFINIBAND);
        ck_assert_str_eq(c->links[ib].kind, "tun");
        ck_assert(!c->links[ib].has_ipoib);

        /* No ipoib driver: __rtnl_newlink() finds no ops for kind "ipoib" (docs/kernel-ipoib.md §1.8). */
        a = act_child(ib, "ibtun0.8002", 0x8002, IPOIB_MODE_CONNECTED, 1);
        r = submit_wait(c, &a);
        ck_assert_int_eq(r->error, -EOPNOTSUPP);
        printf("CHILD_CREATE on ARPHRD_INFINIBAND TUN: %s, extack \"%s\"\n", strerror(-r->error),
               strna(r->extack));
        /* §1.8: the existence check comes first, so NLM_F_EXCL with an existing name is -EEXIST even
         * without the driver. */
        a = act_child(ib, "ibtun0", 0x8002, -1, -1);
        ck_assert_int_eq(submit_wait(c, &a)->error, -EEXIST);
        /* INFO_DATA for a device whose ops are not ipoib's (§1.2 step 3). */
        a = (Action) { .type = ACTION_SET_IPOIB, .ifindex = ib, .ipoib = { IPOIB_MODE_CONNECTED, -1 } };
        ck_assert_int_eq(submit_wait(c, &a)->error, -EOPNOTSUPP);

        a = (Action) { .type = ACTION_SET_MTU, .ifindex = ib, .mtu = 65520 };
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = (Action) { .type = ACTION_SET_UP, .ifindex = ib };
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = act_addr(ACTION_ADDRESS_ADD, ib, "10.20.0.1/16");
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        a = act_route(ACTION_ROUTE_ADD, ib, "10.30.0.0/16", "10.20.0.254", 0);
        ck_assert_int_eq(submit_wait(c, &a)->error, 0);
        RUN_UNTIL(c, c->links[ib].mtu == 65520);
        assert_output_contains("ip -o link show dev ibtun0", "mtu 65520");
        assert_output_contains("ip -o link show dev ibtun0", "link/infiniband");
        ck_assert_uint_eq(if_nametoindex("ibtun0.8002"), 0); /* nothing was created */
}
END_TEST

/* The netlink messages iproute2 sent, from `strace -e trace=sendmsg -e write=all` hex dumps; the last
 * one of the given type is returned. */
static size_t strace_message(const char *path, uint16_t type, uint8_t *ret, size_t size) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        uint8_t cur[4096];
        size_t n = 0, found = 0;
        char line[512];

        ck_assert_ptr_nonnull(f);
        for (;;) {
                bool more = fgets(line, sizeof(line), f);
                unsigned off;

                /* A new syscall line, or the end, closes the message collected so far. */
                if (!more || startswith(line, "sendmsg(")) {
                        if (n >= sizeof(struct nlmsghdr) && ((struct nlmsghdr *) cur)->nlmsg_type == type &&
                            n <= size) {
                                memcpy(ret, cur, n);
                                found = n;
                        }
                        n = 0;
                        if (!more)
                                break;
                        continue;
                }
                /* " | 00010  00 00 00 00 03 00 00 00  00 00 ...  ascii |" */
                if (sscanf(line, " | %5x ", &off) != 1 || off != n)
                        continue;
                for (const char *p = strchr(line, '|') + 8; p < line + strlen(line) && n < sizeof(cur);) {
                        unsigned v;

                        while (*p == ' ')
                                p++;
                        if (p - line > 58 || sscanf(p, "%2x", &v) != 1 || p[2] != ' ')
                                break;
                        cur[n++] = (uint8_t) v;
                        p += 2;
                }
        }
        return found;
}

START_TEST(test_kernel_iproute2_bytes) {
        static const struct {
                const char *cmd;
                Action action; /* ifindex filled in */
        } cases[] = {
                { "ip link add link ibtun0 name ibtun0.8002 type ipoib pkey 0x8002 mode connected umcast 1",
                  { .type = ACTION_CHILD_CREATE, .child = { "ibtun0.8002", 0x8002, 1, 1 } } },
                { "ip link add link ibtun0 name ibtun0.8003 type ipoib pkey 0x8003",
                  { .type = ACTION_CHILD_CREATE, .child = { "ibtun0.8003", 0x8003, -1, -1 } } },
                { "ip link set dev ibtun0 type ipoib mode connected",
                  { .type = ACTION_SET_IPOIB, .ipoib = { 1, -1 } } },
                { "ip link set dev ibtun0 type ipoib mode datagram umcast 0",
                  { .type = ACTION_SET_IPOIB, .ipoib = { 0, 0 } } },
        };
        char path[] = "/tmp/ipoib-strace-XXXXXX";
        int ib, fd, r;

        if (access("/usr/bin/strace", X_OK) < 0 && system("command -v strace >/dev/null") != 0) {
                printf("SKIP: %s: strace is not installed\n", __func__);
                return;
        }
        if (!enter_netns())
                return;
        ib = ib_tun_create("ibtun0");
        fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        close(fd);

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
                _cleanup_free_ char *cmd = NULL;
                uint8_t theirs[4096];
                struct nlmsghdr *ours, *h = (struct nlmsghdr *) theirs;
                struct nlattr *li_o, *li_t, *d_o, *d_t, *k_o, *k_t;
                Action a = cases[i].action;
                size_t n;

                a.ifindex = ib;
                /* The kernel refuses it (no ipoib here); we only want the bytes. */
                r = asprintf(&cmd, "strace -o %s -e trace=sendmsg -e write=all %s >/dev/null 2>&1", path,
                             cases[i].cmd);
                ck_assert_int_ge(r, 0);
                (void) system(cmd);
                n = strace_message(path, RTM_NEWLINK, theirs, sizeof(theirs));
                ck_assert_msg(n > 0, "no RTM_NEWLINK captured from: %s", cases[i].cmd);
                ck_assert_uint_eq(h->nlmsg_len, n);

                m = build(&a);
                ours = nlmsg_hdr(m);
                ck_assert_int_eq(ours->nlmsg_type, h->nlmsg_type);
                ck_assert_int_eq(ours->nlmsg_flags, h->nlmsg_flags);
                assert_bytes(nlmsg_data(ours), sizeof(struct ifinfomsg), nlmsg_data(h),
                             sizeof(struct ifinfomsg));

                li_o = nlmsg_find_attr(ours, sizeof(struct ifinfomsg), IFLA_LINKINFO);
                li_t = nlmsg_find_attr(h, sizeof(struct ifinfomsg), IFLA_LINKINFO);
                ck_assert(li_o && li_t);
                k_o = nla_find(nla_data(li_o), nla_len(li_o), IFLA_INFO_KIND);
                k_t = nla_find(nla_data(li_t), nla_len(li_t), IFLA_INFO_KIND);
                ck_assert(k_o && k_t);
                ck_assert_int_eq(strnlen(nla_data(k_t), nla_len(k_t)), 5);
                ck_assert_int_eq(strncmp(nla_data(k_o), nla_data(k_t), 5), 0); /* "ipoib", as strings */
                d_o = nla_find(nla_data(li_o), nla_len(li_o), IFLA_INFO_DATA);
                d_t = nla_find(nla_data(li_t), nla_len(li_t), IFLA_INFO_DATA);
                ck_assert(!d_o == !d_t);
                if (d_t)
                        assert_bytes(nla_data(d_o), nla_len(d_o), nla_data(d_t), nla_len(d_t));

                /* In fact everything but seq and pid is the same, attribute order and padding included. */
                h->nlmsg_seq = h->nlmsg_pid = 0;
                assert_bytes(ours, ours->nlmsg_len, h, n);
        }
        unlink(path);
}
END_TEST

/* Rules: what `ip rule add|del` sends and what nl_build_action() makes are the same bytes (but seq and pid),
 * for the header's table and for FRA_TABLE, IPv4 and IPv6. The rules are really added and deleted. */
START_TEST(test_kernel_iproute2_rule_bytes) {
        static const struct {
                const char *cmd;
                uint16_t type;
                const char *src, *dst;
                uint8_t src_len, dst_len;
                const char *iif, *oif;
                uint32_t priority, table;
        } cases[] = {
                { "ip rule add from 10.0.0.1 to 10.9.0.0/16 iif ib1 oif ib2 priority 100 proto 149 lookup 100",
                  RTM_NEWRULE, "10.0.0.1", "10.9.0.0", 32, 16, "ib1", "ib2", 100, 100 },
                { "ip rule add from 10.0.0.1 priority 101 proto 149 lookup 1000", RTM_NEWRULE, "10.0.0.1", NULL, 32,
                  0, "", "", 101, 1000 },
                { "ip rule del from 10.0.0.1 priority 101 proto 149 lookup 1000", RTM_DELRULE, "10.0.0.1", NULL, 32,
                  0, "", "", 101, 1000 },
                { "ip -6 rule add from fd00::10 priority 150 proto 149 lookup 150", RTM_NEWRULE, "fd00::10", NULL,
                  128, 0, "", "", 150, 150 },
                { "ip -6 rule del from fd00::10 priority 150 proto 149 lookup 150", RTM_DELRULE, "fd00::10", NULL,
                  128, 0, "", "", 150, 150 },
        };
        char path[] = "/tmp/ipoib-strace-XXXXXX";
        int fd, r;

        if (access("/usr/bin/strace", X_OK) < 0 && system("command -v strace >/dev/null") != 0) {
                printf("SKIP: %s: strace is not installed\n", __func__);
                return;
        }
        if (!enter_netns())
                return;
        fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        close(fd);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
                _cleanup_free_ char *cmd = NULL;
                uint8_t theirs[4096];
                struct nlmsghdr *ours, *h = (struct nlmsghdr *) theirs;
                Action a = { .type = cases[i].type == RTM_NEWRULE ? ACTION_RULE_ADD : ACTION_RULE_DEL };
                size_t n;
                int family;

                ck_assert_int_eq(in_addr_from_string_auto(cases[i].src, &family, &a.rule.src), 0);
                if (cases[i].dst)
                        ck_assert_int_eq(in_addr_from_string_auto(cases[i].dst, &family, &a.rule.dst), 0);
                a.rule.family = family;
                a.rule.src_len = cases[i].src_len;
                a.rule.dst_len = cases[i].dst_len;
                snprintf(a.rule.iif, sizeof(a.rule.iif), "%s", cases[i].iif);
                snprintf(a.rule.oif, sizeof(a.rule.oif), "%s", cases[i].oif);
                a.rule.priority = cases[i].priority;
                a.rule.table = cases[i].table;
                a.rule.protocol = RTPROT_IPOIB;

                r = asprintf(&cmd, "strace -o %s -e trace=sendmsg -e write=all %s >/dev/null 2>&1", path, cases[i].cmd);
                ck_assert_int_ge(r, 0);
                ck_assert_int_eq(system(cmd), 0);
                n = strace_message(path, cases[i].type, theirs, sizeof(theirs));
                ck_assert_msg(n > 0, "nothing captured from: %s", cases[i].cmd);
                m = build(&a);
                ours = nlmsg_hdr(m);
                h->nlmsg_seq = h->nlmsg_pid = 0;
                assert_bytes(ours, ours->nlmsg_len, h, n);
        }
        unlink(path);
}
END_TEST

Suite *make_netlink_suite(void) {
        Suite *s = suite_create("netlink");
        TCase *tc;

        tc = tcase_create("kernel");
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_kernel_dump);
        tcase_add_test(tc, test_kernel_submit);
        tcase_add_test(tc, test_kernel_owner_mark);
        tcase_add_test(tc, test_kernel_errors);
        tcase_add_test(tc, test_kernel_external_events);
        tcase_add_test(tc, test_kernel_pipeline);
        tcase_add_test(tc, test_kernel_lost_answers);
        tcase_add_test(tc, test_kernel_ipoib_tun);
        tcase_add_test(tc, test_kernel_iproute2_bytes);
        tcase_add_test(tc, test_kernel_iproute2_rule_bytes);
        suite_add_tcase(s, tc);
        return s;
}
