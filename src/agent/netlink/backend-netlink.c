/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The real kernel: rtnetlink through two non-blocking libnl sockets on sd-event.
 *
 * - The event socket joins the link, address and route groups and also carries our dumps. One socket
 *   for both keeps the kernel's order: a dump chunk is generated when we read (netlink_recvmsg() calls
 *   netlink_dump()), so a notification queued before it is older than the chunk and one queued after it
 *   is newer. With two sockets a stale dump entry could be read after the event that deleted it.
 * - The command socket sends the Actions with NLM_F_ACK and nothing else arrives on it, so every
 *   message read there is the answer to one request. Requests are pipelined: the request queue
 *   (queue.c) keeps up to max_in_flight of them in flight; each is sent at once, with its cookie as
 *   sequence number, so an NLMSG_ERROR answer names its request without a table here.
 *
 * Only libnl's socket setup and message builders are used. We read with recvmsg() ourselves: libnl's
 * nl_recv() maps ENOBUFS (lost notifications) to NLE_NOMEM, which cannot be told apart from a failed
 * malloc, its strict "next seq" check (NL_CB_SEQ_CHECK) does not fit pipelining, and its error callback
 * does not hand out the extended ack. So seq checking is ours (seq → cookie), libnl's is never run. */

#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <net/if_arp.h>

#include <fcntl.h>
#include <inttypes.h>
#include <sys/ioctl.h>

#include "backend.h"
#include "ibnet.h"
#include "ib-port.h"
#include "ipoib-proto.h"
#include "log.h"
#include "nl-build.h"
#include "nl-trace.h"

/* Only what is queued is charged; networkd asks for 128 MiB. A burst of 1000 links configured at once
 * queues a few MiB of notifications, and an overrun costs a full re-dump. */
#define EVENT_RCVBUF (32 * 1024 * 1024)
#define CMD_RCVBUF (1 * 1024 * 1024)
/* A dump skb is at most 32 KiB (netlink_recvmsg() caps max_recvmsg_len), notifications are smaller. */
#define RECV_BUF_SIZE (64 * 1024)
/* What one answer may take of the command socket's receive buffer: the truesize of a small
 * NLMSG_ERROR skb with an extended ack. The kernel drops answers that do not fit (netlink_unicast()
 * to a full socket), so in-flight requests are capped at rcvbuf / REPLY_BUDGET. */
#define REPLY_BUDGET 2048u
/* Requests go out several per sendmsg() (netlink_rcv_skb() runs each message of the datagram in turn
 * and answers each). The kernel refuses a datagram larger than the socket's send buffer (212992 bytes
 * by default) less 32; 32 KiB holds about 300 address or route requests. */
#define SEND_BUF_SIZE (32 * 1024)
/* Answers and notifications are read RECV_SLOTS datagrams per recvmmsg() (each is a datagram of its
 * own); the receive buffers (RECV_BUF_SIZE) are cut into slots of 8 KiB. An answer is an nlmsgerr with
 * the extended ack (NETLINK_CAP_ACK: no copy of the request), well under 1 KiB; a notification a few
 * KiB at most (an RTM_NEWLINK). One that does not fit is truncated (MSG_TRUNC) and counted as lost:
 * for answers a barrier finds out which, for notifications a dump follows. */
#define RECV_SLOTS 8
#define RECV_SLOT_SIZE (RECV_BUF_SIZE / RECV_SLOTS)
#define MAX_INTR_RETRIES 3u

typedef enum DumpPhase {
        DUMP_NONE,
        DUMP_LINKS,
        DUMP_ADDRESSES,
        DUMP_RULES4,
        DUMP_RULES6,
        DUMP_ROUTES4,
        DUMP_ROUTES6,
        _DUMP_PHASE_MAX,
} DumpPhase;

/* A sysfs create_child done at submit(), whose answer waits for the NLMSG_NOOP sent after it. */
typedef struct LocalAnswer {
        uint64_t cookie;
        int error;
} LocalAnswer;

typedef struct NetlinkBackend {
        Backend backend;

        struct nl_sock *ev;  /* notifications and dumps */
        struct nl_sock *cmd; /* requests and their answers */
        sd_event_source *ev_source, *cmd_source;
        uint32_t ev_port;
        bool started;

        DumpPhase phase;
        uint32_t dump_seq;
        bool dump_again;       /* dump() was called during a dump */
        bool dump_intr;        /* the kernel flagged this phase NLM_F_DUMP_INTR */
        unsigned intr_retries; /* restarts for NLM_F_DUMP_INTR in a row */

        /* The requests sent and not answered yet are the cookies first…last (the request queue hands
         * them out in increasing order; one that could not be sent is never answered). */
        bool busy;
        uint64_t first, last;
        LocalAnswer *locals;
        size_t n_locals, allocated_locals;
        bool need_barrier; /* answers were lost: send a NLMSG_NOOP to find out which */
        uint32_t dump_seq_next;

        uint8_t *ev_buf, *cmd_buf;
        uint8_t *send_buf; /* SEND_BUF_SIZE: the requests of a batch not sent yet */
        size_t send_len;
        size_t n_sent_msgs, n_sendmsg; /* for the debug log at exit */
} NetlinkBackend;

static NetlinkBackend *netlink_backend(Backend *b) {
        return (NetlinkBackend *) b; /* Backend is the first member */
}

static void set_rcvbuf(int fd, int size) {
        /* SO_RCVBUFFORCE passes net.core.rmem_max when we have CAP_NET_ADMIN; else take what we get. */
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0 &&
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
                log_debug_errno(errno, "netlink: failed to set the receive buffer to %d bytes, ignoring: %m",
                                size);
}

static int socket_open(struct nl_sock **ret, int rcvbuf) {
        struct nl_sock *sk;
        int fd, one = 1, r;

        sk = nl_socket_alloc();
        if (!sk)
                return -ENOMEM;
        r = nl_connect(sk, NETLINK_ROUTE);
        if (r >= 0)
                r = nl_socket_set_nonblocking(sk);
        if (r < 0) {
                nl_socket_free(sk);
                return errno_from_nl_error(r);
        }
        fd = nl_socket_get_fd(sk);
        set_rcvbuf(fd, rcvbuf);
        /* Error text in answers (NLMSGERR_ATTR_MSG), and no copy of our request in them. Both since
         * Linux 4.12 / 4.3; without them answers are plain errnos, which is fine. */
        (void) setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
        (void) setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
        *ret = sk;
        return 0;
}

/* One datagram; -EAGAIN when there is none. Only the kernel (nl_pid 0) is listened to. */
static ssize_t recv_datagram(int fd, uint8_t *buf, size_t size) {
        struct sockaddr_nl sa = {};
        struct iovec iov = { .iov_base = buf, .iov_len = size };
        struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t n;

        for (;;) {
                n = recvmsg(fd, &mh, MSG_DONTWAIT);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (mh.msg_flags & MSG_TRUNC)
                        return -EMSGSIZE; /* lost part of a message: as bad as lost messages */
                if (sa.nl_pid != 0)
                        continue;
                return n;
        }
}

static int send_message(NetlinkBackend *b, struct nl_sock *sk, struct nlmsghdr *nlh) {
        b->n_sendmsg++;
        b->n_sent_msgs++;
        for (;;) {
                /* netlink_sendmsg() with the kernel as peer: rtnetlink_rcv() runs in this call. */
                if (send(nl_socket_get_fd(sk), nlh, nlh->nlmsg_len, MSG_DONTWAIT) >= 0)
                        break;
                if (errno != EINTR)
                        return -errno;
        }
        nl_trace(nlh, true);
        return 0;
}

/* ---- dumps ---- */

static int dump_send(NetlinkBackend *b) {
        static const struct {
                uint16_t type;
                int family;
        } req[_DUMP_PHASE_MAX] = {
                [DUMP_LINKS] = { RTM_GETLINK, AF_UNSPEC },
                [DUMP_ADDRESSES] = { RTM_GETADDR, AF_UNSPEC },
                [DUMP_RULES4] = { RTM_GETRULE, AF_INET },
                [DUMP_RULES6] = { RTM_GETRULE, AF_INET6 },
                [DUMP_ROUTES4] = { RTM_GETROUTE, AF_INET },
                [DUMP_ROUTES6] = { RTM_GETROUTE, AF_INET6 },
        };
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        /* Routes of every table: a route of the agent's (proto 149) in a table that no file names any
         * more must be seen to be removed, after a restart too. What is kept of them: dispatch_object().
         * The local table's entries are not read (nl_parse_route()). */
        r = nl_build_dump_table(req[b->phase].type, req[b->phase].family, RT_TABLE_UNSPEC, &m);
        if (r < 0)
                return r;
        b->dump_seq = b->dump_seq_next++;
        nlmsg_hdr(m)->nlmsg_seq = b->dump_seq;
        return send_message(b, b->ev, nlmsg_hdr(m));
}

static int dump_begin(NetlinkBackend *b) {
        int r;

        /* The kernel runs one dump per socket at a time (-EBUSY from netlink_dump_start()): restart when
         * the current one is done. */
        if (b->phase != DUMP_NONE) {
                b->dump_again = true;
                return 0;
        }
        b->phase = DUMP_LINKS;
        b->dump_again = b->dump_intr = false;
        b->intr_retries = 0;
        r = dump_send(b);
        if (r < 0) {
                b->phase = DUMP_NONE;
                return log_error_errno(r, "netlink: failed to request a dump: %m");
        }
        return 0;
}

static void dump_next(NetlinkBackend *b) {
        const BackendEvents *ev = &b->backend.events;
        int r;

        /* An interrupted phase may have skipped an object that did not change (dumps resume by
         * position, and a deletion shifts positions): start over, a few times. Changed objects come as
         * events anyway, so under constant churn we finish with what we have rather than loop. */
        if (b->dump_intr && b->intr_retries < MAX_INTR_RETRIES) {
                log_debug("netlink: dump interrupted by changes, starting over");
                b->intr_retries++;
                b->dump_again = true;
        } else if (b->dump_intr)
                log_warning("netlink: dump interrupted %u times in a row, continuing", b->intr_retries);
        b->dump_intr = false;

        if (b->dump_again) {
                b->dump_again = false;
                b->phase = DUMP_LINKS;
        } else
                b->phase++;

        if (b->phase == _DUMP_PHASE_MAX) {
                b->phase = DUMP_NONE;
                if (ev->dump_done)
                        ev->dump_done(b->backend.userdata);
                return;
        }
        r = dump_send(b);
        if (r < 0) {
                /* Ask the owner to dump again, as after lost events. */
                log_error_errno(r, "netlink: failed to request a dump: %m");
                b->phase = DUMP_NONE;
                if (ev->overrun)
                        ev->overrun(b->backend.userdata);
        }
}

/* ---- notifications and dump contents ---- */

static void dispatch_object(NetlinkBackend *b, const struct nlmsghdr *nlh) {
        const BackendEvents *ev = &b->backend.events;
        void *ud = b->backend.userdata;
        KAddress a;
        KRoute rt;
        KRule ru;
        KLink l;
        int r;

        switch (nlh->nlmsg_type) {
        case RTM_NEWLINK:
        case RTM_DELLINK:
                r = nl_parse_link(nlh, &l);
                if (r > 0 && ev->link)
                        ev->link(ud, &l, nlh->nlmsg_type == RTM_DELLINK);
                break;
        case RTM_NEWADDR:
        case RTM_DELADDR:
                r = nl_parse_address(nlh, &a);
                if (r > 0 && ev->address)
                        ev->address(ud, &a, nlh->nlmsg_type == RTM_DELADDR);
                break;
        case RTM_NEWROUTE:
        case RTM_DELROUTE:
                r = nl_parse_route(nlh, &rt);
                /* Every table is dumped, so that the agent's own routes of a table no file names any
                 * more are found after a restart; of the other tables, only those are kept unless a
                 * file or a rule of the agent's uses tables (Backend.all_tables). */
                if (r > 0 && !b->backend.all_tables && rt.table != RT_TABLE_MAIN && rt.protocol != RTPROT_IPOIB)
                        r = 0;
                if (r > 0 && ev->route)
                        ev->route(ud, &rt, nlh->nlmsg_type == RTM_DELROUTE);
                break;
        case RTM_NEWRULE:
        case RTM_DELRULE:
                r = nl_parse_rule(nlh, &ru);
                if (r > 0 && ev->rule)
                        ev->rule(ud, &ru, nlh->nlmsg_type == RTM_DELRULE);
                break;
        default:
                r = 0;
                break;
        }
        if (r < 0)
                log_debug_errno(r, "netlink: malformed message of type %u, ignoring: %m", nlh->nlmsg_type);
}

static void process_event_datagram(NetlinkBackend *b, uint8_t *buf, ssize_t len) {
        int rem = (int) len;

        for (struct nlmsghdr *nlh = (struct nlmsghdr *) buf; nlmsg_ok(nlh, rem);
             nlh = nlmsg_next(nlh, &rem)) {
                nl_trace(nlh, false);

                if (b->phase != DUMP_NONE && nlh->nlmsg_pid == b->ev_port && nlh->nlmsg_seq == b->dump_seq) {
                        if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
                                b->dump_intr = true;
                        if (nlh->nlmsg_type == NLMSG_ERROR) {
                                const struct nlmsgerr *e = nlmsg_data(nlh);

                                if (nlmsg_valid_hdr(nlh, sizeof(*e)))
                                        log_warning_errno(e->error,
                                                          "netlink: dump request failed, skipping: %m");
                                dump_next(b);
                                continue;
                        }
                        if (nlh->nlmsg_type == NLMSG_DONE) {
                                dump_next(b);
                                continue;
                        }
                }
                dispatch_object(b, nlh);
        }
}

/* Up to RECV_SLOTS datagrams in one recvmmsg(), each in a slot of buf (RECV_BUF_SIZE / RECV_SLOTS):
 * the number read, or -errno (-EAGAIN: none). Netlink gives one skb per datagram, and the kernel sends
 * each answer and notification as an skb of its own. */
static int recv_many(int fd, uint8_t *buf, struct mmsghdr msgs[static RECV_SLOTS],
                     struct sockaddr_nl sas[static RECV_SLOTS], struct iovec iovs[static RECV_SLOTS]) {
        int n;

        for (size_t i = 0; i < RECV_SLOTS; i++) {
                iovs[i] = (struct iovec) { .iov_base = buf + i * RECV_SLOT_SIZE, .iov_len = RECV_SLOT_SIZE };
                msgs[i] = (struct mmsghdr) { .msg_hdr = { .msg_name = &sas[i], .msg_namelen = sizeof(sas[i]),
                                                          .msg_iov = &iovs[i], .msg_iovlen = 1 } };
        }
        do
                n = recvmmsg(fd, msgs, RECV_SLOTS, MSG_DONTWAIT, NULL);
        while (n < 0 && errno == EINTR);
        return n < 0 ? -errno : n;
}

static int on_event_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        NetlinkBackend *b = userdata;
        uint64_t start = backend_now_usec();
        struct mmsghdr msgs[RECV_SLOTS];
        struct sockaddr_nl sas[RECV_SLOTS];
        struct iovec iovs[RECV_SLOTS];
        bool overrun = false;
        ssize_t n;

        /* Drain, one slice at a time (backend.h): the socket stays readable, and epoll (level-triggered)
         * wakes us again for the rest. Notifications come RECV_SLOTS per recvmmsg(); a dump chunk (up to
         * 32 KiB, only while a dump of ours runs) in the whole buffer. */
        while (!backend_slice_over(start)) {
                if (b->phase != DUMP_NONE) {
                        n = recv_datagram(fd, b->ev_buf, RECV_BUF_SIZE);
                        if (n >= 0) {
                                process_event_datagram(b, b->ev_buf, n);
                                continue;
                        }
                } else {
                        n = recv_many(fd, b->ev_buf, msgs, sas, iovs);
                        for (ssize_t i = 0; i < n; i++) {
                                if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
                                        overrun = true; /* lost part of one: as bad as lost ones */
                                else if (sas[i].nl_pid == 0)
                                        process_event_datagram(b, iovs[i].iov_base, msgs[i].msg_len);
                        }
                        if (n >= 0)
                                continue;
                }
                if (n == -EAGAIN)
                        break;
                if (n == -ENOBUFS || n == -EMSGSIZE) {
                        /* The kernel dropped notifications (netlink_overrun()); the error is reported
                         * once and the queue stays readable, so keep draining. */
                        overrun = true;
                        continue;
                }
                log_error_errno((int) n, "netlink: failed to read events: %m");
                break;
        }

        if (overrun) {
                log_warning("netlink: lost notifications (ENOBUFS), asking for a new dump");
                if (b->backend.events.overrun)
                        b->backend.events.overrun(b->backend.userdata);
        }
        return 0;
}

/* ---- requests and answers ---- */

/* The sequence number of a request is its cookie, doubled; odd numbers are barriers. */
static uint32_t cookie_seq(uint64_t cookie) {
        return (uint32_t) (cookie << 1);
}

/* The cookie an answer stands for: the latest one sent with those low bits. */
static uint64_t seq_cookie(const NetlinkBackend *b, uint32_t seq) {
        return b->last - ((cookie_seq(b->last) - (seq & ~1u)) >> 1);
}

static int send_request(NetlinkBackend *b, struct nlmsghdr *nlh, uint64_t cookie) {
        int r;

        nlh->nlmsg_seq = cookie_seq(cookie);
        r = send_message(b, b->cmd, nlh);
        if (r < 0)
                return r;
        if (!b->busy)
                b->first = cookie;
        b->busy = true;
        b->last = cookie;
        return 0;
}

/* netlink_rcv_skb() acks control messages that ask for it, after every request sent before. */
static int send_noop(NetlinkBackend *b, uint32_t seq) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;

        m = nlmsg_alloc_simple(NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK);
        if (!m)
                return -ENOMEM;
        nlmsg_hdr(m)->nlmsg_seq = seq;
        return send_message(b, b->cmd, nlmsg_hdr(m));
}

/* The newest link of a dump that nl_link_is_sysfs_child() takes for the child just made, on a socket of
 * its own: the kernel answers a dump inside recvmsg(), and the write to create_child that made the
 * child registered it (and queued its RTM_NEWLINK) before it returned. -ENODEV when none matches. */
static int sysfs_child_find(int parent, uint16_t pkey, char ret[static IFNAMSIZ]) {
        _cleanup_(nlmsg_freep) struct nl_msg *req = NULL;
        struct nl_sock *sk = nl_socket_alloc();
        int best = 0, r;
        bool done = false;

        if (!sk)
                return -ENOMEM;
        r = nl_connect(sk, NETLINK_ROUTE);
        if (r >= 0)
                r = nl_build_dump(RTM_GETLINK, AF_UNSPEC, &req);
        if (r >= 0)
                r = nl_send_auto(sk, req);
        while (r >= 0 && !done) {
                _cleanup_free_ unsigned char *buf = NULL;
                struct sockaddr_nl sa;
                int len = nl_recv(sk, &sa, &buf, NULL);

                if (len <= 0) {
                        r = len < 0 ? len : -NLE_MSG_TRUNC;
                        break;
                }
                for (struct nlmsghdr *nlh = (struct nlmsghdr *) buf; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
                        KLink k;

                        if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
                                done = true;
                                break;
                        }
                        if (nl_parse_link(nlh, &k) > 0 && nl_link_is_sysfs_child(&k, parent, pkey) &&
                            k.ifindex > best) {
                                best = k.ifindex;
                                memcpy(ret, k.ifname, IFNAMSIZ);
                        }
                }
        }
        nl_socket_free(sk);
        if (r < 0)
                return errno_from_nl_error(r);
        return best > 0 ? 0 : -ENODEV;
}

/* [Partition] Method=sysfs: ipoib_vlan.c create_child() → ipoib_vlan_add(). The kernel names the
 * child "%.10s.%04x" from the parent's name and the P_Key as written since v6.10, "%s.%04x" cut to 15
 * before; the new child is found by (parent, P_Key) in a dump instead (sysfs_child_find()), and given
 * another name with SIOCSIFNAME while it is still down. No create_child file: no IPoIB driver behind
 * the parent (or no ib_ipoib), reported like the netlink kind "ipoib" being unknown. */
static int sysfs_create_child(const Action *a) {
        _cleanup_close_ int fd = -EBADF, sk = -EBADF;
        char path[128], buf[16], legacy[IFNAMSIZ + 8];
        struct ifreq ifr = {};
        int n, r;

        snprintf(path, sizeof(path), "/sys/class/net/%s/create_child", a->ifname);
        if (nl_trace_enabled())
                log_info("netlink: sysfs write 0x%04x to %s", a->child.pkey, path);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -EOPNOTSUPP : negative_errno();
        n = snprintf(buf, sizeof(buf), "0x%04x\n", a->child.pkey);
        if (write(fd, buf, (size_t) n) < 0)
                return negative_errno();

        r = sysfs_child_find(a->ifindex, a->child.pkey, legacy);
        if (r < 0) {
                /* Cannot tell: take the current kernels' name; a wrong guess fails the rename below. */
                log_debug_errno(r, "netlink: the new child of %s was not found in a dump, assuming the name "
                                "\"%%.10s.%%04x\": %m", a->ifname);
                snprintf(legacy, sizeof(legacy), "%.10s.%04x", a->ifname, a->child.pkey);
        }
        if (streq(legacy, a->child.name))
                return 0;
        sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sk < 0)
                return negative_errno();
        if (strlen(legacy) >= sizeof(ifr.ifr_name))
                return -ENAMETOOLONG;
        memcpy(ifr.ifr_name, legacy, strlen(legacy) + 1);
        snprintf(ifr.ifr_newname, sizeof(ifr.ifr_newname), "%s", a->child.name);
        if (ioctl(sk, SIOCSIFNAME, &ifr) < 0) {
                int k = negative_errno();
                _cleanup_close_ int del = -EBADF;

                /* Do not leave a child under a name nobody asked for (and nobody owns): delete_child
                 * takes the P_Key as stored (ipoib_vlan_delete()). */
                snprintf(path, sizeof(path), "/sys/class/net/%s/delete_child", a->ifname);
                del = open(path, O_WRONLY | O_CLOEXEC);
                if (del < 0 || write(del, buf, (size_t) n) < 0)
                        log_warning_errno(errno, "netlink: cannot delete %s after a failed rename: %m", legacy);
                return k;
        }
        return 0;
}

/* The answer of a request done here rather than by rtnetlink; the NOOP's own is 0. */
static int local_take(NetlinkBackend *b, uint64_t cookie, int error) {
        for (size_t i = 0; i < b->n_locals; i++)
                if (b->locals[i].cookie <= cookie) {
                        bool hit = b->locals[i].cookie == cookie;
                        int e = b->locals[i].error;

                        b->locals[i--] = b->locals[--b->n_locals];
                        if (hit)
                                error = e;
                }
        return error;
}

static void reply(NetlinkBackend *b, uint64_t cookie, int error, const char *extack) {
        if (b->backend.events.reply)
                b->backend.events.reply(b->backend.userdata, cookie, error, extack);
}

/* The answer for cookie (or the barrier sent after it) is in: every request sent before it without an
 * answer has lost its own. Exactly one reply per request sent, in order. */
static void answer_up_to(NetlinkBackend *b, uint64_t cookie, bool barrier, int error, const char *extack) {
        if (!b->busy || cookie < b->first)
                return; /* a barrier after requests answered already */
        for (uint64_t k = b->first; k < cookie + barrier; k++)
                reply(b, k, local_take(b, k, -ENOBUFS), NULL);
        if (!barrier)
                reply(b, cookie, local_take(b, cookie, error), extack);
        b->first = cookie + 1;
        b->busy = cookie < b->last;
}

static void process_answer(NetlinkBackend *b, const struct nlmsghdr *nlh) {
        const struct nlmsgerr *e = nlmsg_data(nlh);
        int error;

        if (nlh->nlmsg_type != NLMSG_ERROR || !nlmsg_valid_hdr(nlh, sizeof(*e))) {
                log_debug("netlink: unexpected message type %u on the command socket, ignoring",
                          nlh->nlmsg_type);
                return;
        }
        /* The kernel sends -errno (netlink_ack()); 0 is the ACK. */
        error = e->error <= 0 ? e->error : -e->error;
        answer_up_to(b, seq_cookie(b, nlh->nlmsg_seq), nlh->nlmsg_seq & 1, error, nl_parse_extack(nlh));
}

static void lost_answers(NetlinkBackend *b) {
        /* The kernel dropped answers (netlink_overrun()). The requests that lost theirs would wait
         * forever: a barrier finds them, the owner gets -ENOBUFS for those and an overrun, to re-dump
         * and see what happened. */
        log_warning("netlink: lost answers to requests (ENOBUFS), %" PRIu64 " in flight",
                    b->busy ? b->last - b->first + 1 : 0);
        /* The receive buffer is smaller than we assumed (rmem_max without CAP_NET_ADMIN?): send less. */
        b->backend.max_in_flight = MAX(b->backend.max_in_flight / 2, (size_t) 1);
        b->need_barrier = true;
        if (b->backend.events.overrun)
                b->backend.events.overrun(b->backend.userdata);
}

static void send_barrier(NetlinkBackend *b) {
        int r;

        b->need_barrier = false;
        if (!b->busy)
                return;
        r = send_noop(b, cookie_seq(b->last) | 1);
        if (r < 0)
                log_error_errno(r, "netlink: failed to send a barrier, answers may be missing: %m");
}

static int on_cmd_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        NetlinkBackend *b = userdata;
        uint64_t start = backend_now_usec();
        struct mmsghdr msgs[RECV_SLOTS];
        struct sockaddr_nl sas[RECV_SLOTS];
        struct iovec iovs[RECV_SLOTS];
        int n;

        /* One slice (backend.h): each answer may send more requests, whose answers are already queued
         * when sendmsg() returns, so draining to EAGAIN could be a whole convergence. Answers are read
         * RECV_SLOTS at a time (one datagram each). */
        while (!backend_slice_over(start)) {
                n = recv_many(fd, b->cmd_buf, msgs, sas, iovs);
                if (n == -EAGAIN)
                        break;
                if (n == -ENOBUFS) {
                        lost_answers(b);
                        continue;
                }
                if (n < 0) {
                        log_error_errno(n, "netlink: failed to read answers: %m");
                        break;
                }
                for (int i = 0; i < n; i++) {
                        int rem = (int) msgs[i].msg_len;

                        if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
                                lost_answers(b); /* lost part of an answer: as bad as a lost one */
                                continue;
                        }
                        if (sas[i].nl_pid != 0)
                                continue; /* only the kernel is listened to */
                        for (struct nlmsghdr *nlh = (struct nlmsghdr *) iovs[i].iov_base; nlmsg_ok(nlh, rem);
                             nlh = nlmsg_next(nlh, &rem)) {
                                nl_trace(nlh, false);
                                process_answer(b, nlh);
                        }
                }
        }
        if (b->need_barrier)
                send_barrier(b);
        return 0;
}

/* ---- ops ---- */

static int netlink_start(Backend *backend) {
        NetlinkBackend *b = netlink_backend(backend);
        int r;

        if (b->started)
                return -EALREADY;
        /* Subscribe first, then dump: a change between the two shows up as an event after (or in) the
         * dump, and a later event for the same object simply updates it. */
        r = nl_socket_add_memberships(b->ev, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
                                      RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE,
                                      RTNLGRP_IPV6_RULE, 0);
        if (r < 0)
                return log_error_errno(errno_from_nl_error(r),
                                       "netlink: failed to join multicast groups: %m");
        b->started = true;
        return dump_begin(b);
}

static int netlink_dump(Backend *backend) {
        return dump_begin(netlink_backend(backend));
}

/* Done now: every request submitted before has been run by the kernel inside its sendmsg(). Answered
 * in its turn through the NLMSG_NOOP sent after it. */
static int submit_local(NetlinkBackend *b, const Action *a, uint64_t cookie) {
        int error, r;

        if (!GREEDY_REALLOC(b->locals, b->allocated_locals, b->n_locals + 1))
                return -ENOMEM;
        error = sysfs_create_child(a);
        r = send_noop(b, cookie_seq(cookie));
        if (r < 0)
                return r; /* a child made anyway shows up as a link the agent did not create */
        b->locals[b->n_locals++] = (LocalAnswer) { .cookie = cookie, .error = error };
        if (!b->busy)
                b->first = cookie;
        b->busy = true;
        b->last = cookie;
        return 0;
}

static int netlink_submit(Backend *backend, const Action *a, uint64_t cookie) {
        NetlinkBackend *b = netlink_backend(backend);
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        if (a->type == ACTION_CHILD_CREATE && a->child.method == IB_CHILD_METHOD_SYSFS)
                return submit_local(b, a, cookie);
        r = nl_build_action(a, &m);
        if (r < 0)
                return r;
        /* EAGAIN is not seen with the kernel as peer (rtnetlink runs the request inside sendmsg()); like
         * any other failure to send, nothing was sent. */
        return send_request(b, nlmsg_hdr(m), cookie);
}

/* The requests in send_buf, from cookies[from], as one datagram; else one by one, as far as they go.
 * Returns how many were sent and sets *ret_error for the first that was not. */
static size_t send_buffered(NetlinkBackend *b, const uint64_t *cookies, size_t from, size_t n, int *ret_error) {
        int fd = nl_socket_get_fd(b->cmd);
        size_t sent = 0, off = 0;
        ssize_t k;

        if (n == 0)
                return 0;
        do
                k = send(fd, b->send_buf, b->send_len, MSG_DONTWAIT);
        while (k < 0 && errno == EINTR);
        if (k >= 0) {
                b->n_sendmsg++;
                b->n_sent_msgs += n;
                for (off = 0; off < b->send_len; off += NLMSG_ALIGN(((struct nlmsghdr *) (b->send_buf + off))->nlmsg_len))
                        nl_trace((struct nlmsghdr *) (b->send_buf + off), true);
                sent = n;
        } else
                /* Nothing of the datagram was run (the kernel could not take it: ENOMEM, ENOBUFS): try
                 * each alone, so that one that does not go fails alone, as with submit(). */
                for (; sent < n; sent++) {
                        struct nlmsghdr *nlh = (struct nlmsghdr *) (b->send_buf + off);
                        int r = send_message(b, b->cmd, nlh);

                        if (r < 0) {
                                *ret_error = r;
                                break;
                        }
                        off += NLMSG_ALIGN(nlh->nlmsg_len);
                }
        if (sent > 0) {
                if (!b->busy)
                        b->first = cookies[from];
                b->busy = true;
                b->last = cookies[from + sent - 1];
        }
        b->send_len = 0;
        return sent;
}

static size_t netlink_submit_batch(Backend *backend, const Action *const *actions, const uint64_t *cookies, size_t n,
                                   int *ret_error) {
        NetlinkBackend *b = netlink_backend(backend);
        size_t from = 0, k; /* the first request in send_buf */
        int r;

        b->send_len = 0;
        for (size_t i = 0; i < n; i++) {
                _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
                struct nlmsghdr *nlh;
                size_t len;

                if (actions[i]->type == ACTION_CHILD_CREATE && actions[i]->child.method == IB_CHILD_METHOD_SYSFS) {
                        /* Done here, after everything before it has run in the kernel. */
                        k = send_buffered(b, cookies, from, i - from, ret_error);
                        if (from + k < i)
                                return from + k;
                        r = submit_local(b, actions[i], cookies[i]);
                        if (r < 0) {
                                *ret_error = r;
                                return i;
                        }
                        from = i + 1;
                        continue;
                }
                r = nl_build_action(actions[i], &m);
                if (r < 0) {
                        k = send_buffered(b, cookies, from, i - from, ret_error);
                        if (from + k == i)
                                *ret_error = r;
                        return from + k;
                }
                nlh = nlmsg_hdr(m);
                nlh->nlmsg_seq = cookie_seq(cookies[i]);
                len = NLMSG_ALIGN(nlh->nlmsg_len);
                if (b->send_len + len > SEND_BUF_SIZE) {
                        k = send_buffered(b, cookies, from, i - from, ret_error);
                        if (from + k < i)
                                return from + k;
                        from = i;
                }
                if (len > SEND_BUF_SIZE) {
                        /* Larger than the buffer (no request is today): alone. */
                        r = send_request(b, nlh, cookies[i]);
                        if (r < 0) {
                                *ret_error = r;
                                return i;
                        }
                        from = i + 1;
                        continue;
                }
                memcpy(b->send_buf + b->send_len, nlh, nlh->nlmsg_len);
                memset(b->send_buf + b->send_len + nlh->nlmsg_len, 0, len - nlh->nlmsg_len);
                b->send_len += len;
        }
        return from + send_buffered(b, cookies, from, n - from, ret_error);
}

static void netlink_free(Backend *backend) {
        NetlinkBackend *b = netlink_backend(backend);

        if (!b)
                return;
        /* Sources first: sd-event must stop watching the fds before libnl closes them. */
        sd_event_source_disable_unref(b->ev_source);
        sd_event_source_disable_unref(b->cmd_source);
        nl_socket_free(b->ev);
        nl_socket_free(b->cmd);
        free(b->locals);
        if (b->n_sendmsg > 0)
                log_debug("netlink: %zu messages sent in %zu sendmsg() calls", b->n_sent_msgs, b->n_sendmsg);
        free(b->ev_buf);
        free(b->cmd_buf);
        free(b->send_buf);
        sd_event_unref(b->backend.event);
        free(b);
}

/* sysfs names the RDMA device and port, libibverbs tells the rest (ib-port.c). */
static int netlink_port_info(Backend *b, const KLink *link, IbPortInfo *ret) {
        if (link->arphrd != ARPHRD_INFINIBAND)
                return -ENODEV;
        return ib_port_query(NULL, link->ifname, ret, NULL);
}

static const BackendOps netlink_ops = {
        .name = "netlink",
        .start = netlink_start,
        .dump = netlink_dump,
        .submit = netlink_submit,
        .submit_batch = netlink_submit_batch,
        .port_info = netlink_port_info,
        .free = netlink_free,
};

DEFINE_TRIVIAL_CLEANUP_FUNC_VOID(Backend *, netlink_free);

int backend_netlink_new(sd_event *e, const BackendEvents *events, void *userdata, Backend **ret) {
        _cleanup_(netlink_freep) Backend *backend = NULL;
        NetlinkBackend *b;
        int rcvbuf = 0, one = 1;
        socklen_t sl = sizeof(rcvbuf);
        int r;

        b = calloc(1, sizeof(NetlinkBackend));
        if (!b)
                return -ENOMEM;
        backend = &b->backend;
        b->backend = (Backend) {
                .ops = &netlink_ops,
                .event = sd_event_ref(e),
                .events = events ? *events : (BackendEvents) {}, /* the owner may set them later */
                .userdata = userdata,
        };
        b->dump_seq_next = 1;
        b->ev_buf = malloc(RECV_BUF_SIZE);
        b->cmd_buf = malloc(RECV_BUF_SIZE);
        b->send_buf = malloc(SEND_BUF_SIZE);
        if (!b->ev_buf || !b->cmd_buf || !b->send_buf)
                return -ENOMEM;

        r = socket_open(&b->ev, EVENT_RCVBUF);
        if (r < 0)
                return log_error_errno(r, "netlink: failed to open the event socket: %m");
        b->ev_port = nl_socket_get_local_port(b->ev);
        /* Let the kernel filter route dumps by table (Linux 4.20); without it we filter ourselves. */
        (void) setsockopt(nl_socket_get_fd(b->ev), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));

        r = socket_open(&b->cmd, CMD_RCVBUF);
        if (r < 0)
                return log_error_errno(r, "netlink: failed to open the command socket: %m");
        if (getsockopt(nl_socket_get_fd(b->cmd), SOL_SOCKET, SO_RCVBUF, &rcvbuf, &sl) < 0)
                rcvbuf = 212992;
        b->backend.max_in_flight = MAX((size_t) rcvbuf / REPLY_BUDGET, (size_t) 8);

        r = sd_event_add_io(e, &b->ev_source, nl_socket_get_fd(b->ev), EPOLLIN, on_event_io, b);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(b->ev_source, "netlink-events");
        r = sd_event_add_io(e, &b->cmd_source, nl_socket_get_fd(b->cmd), EPOLLIN, on_cmd_io, b);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(b->cmd_source, "netlink-requests");
        log_debug("netlink: backend ready, %zu requests in flight at most%s", b->backend.max_in_flight,
                  nl_trace_enabled() ? ", tracing" : "");
        *ret = TAKE_PTR(backend);
        return 0;
}
