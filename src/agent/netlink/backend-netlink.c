/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The real kernel: rtnetlink through two non-blocking libnl sockets on sd-event.
 *
 * - The event socket joins the link, address and route groups and also carries our dumps. One socket
 *   for both keeps the kernel's order: a dump chunk is generated when we read (netlink_recvmsg() calls
 *   netlink_dump()), so a notification queued before it is older than the chunk and one queued after it
 *   is newer. With two sockets a stale dump entry could be read after the event that deleted it.
 * - The command socket sends the Actions with NLM_F_ACK and nothing else arrives on it, so every
 *   message read there is the answer to one request. Requests are pipelined: many are in flight, their
 *   NLMSG_ERROR answers are matched by sequence number against a FIFO.
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
#include <sys/ioctl.h>

#include "backend.h"
#include "ibnet.h"
#include "ib-port.h"
#include "log.h"
#include "nl-build.h"
#include "nl-trace.h"

/* Only what is queued is charged; networkd asks for 128 MiB. A burst of 1000 links configured at once
 * queues a few MiB of notifications, and an overrun costs a full re-dump. */
#define EVENT_RCVBUF (32 * 1024 * 1024)
#define CMD_RCVBUF (1 * 1024 * 1024)
/* A dump skb is at most 32 KiB (netlink_recvmsg() caps max_recvmsg_len), notifications are smaller. */
#define RECV_BUF_SIZE (64 * 1024)
#define MAX_IN_FLIGHT 256u
/* What one answer may take of the command socket's receive buffer: the truesize of a small
 * NLMSG_ERROR skb with an extended ack. The kernel drops answers that do not fit (netlink_unicast()
 * to a full socket), so in-flight requests are capped at rcvbuf / REPLY_BUDGET. */
#define REPLY_BUDGET 2048u
#define MAX_INTR_RETRIES 3u

typedef enum DumpPhase {
        DUMP_NONE,
        DUMP_LINKS,
        DUMP_ADDRESSES,
        DUMP_ROUTES4,
        DUMP_ROUTES6,
        _DUMP_PHASE_MAX,
} DumpPhase;

typedef struct Request {
        uint32_t seq;       /* given when sent, so that the in-flight ones are in sequence order */
        uint64_t cookie;
        bool failed;        /* sendmsg() failed after submit() had returned; error is the answer */
        int error;
        struct nl_msg *msg; /* until sent */
        Action *local;      /* done here instead of over netlink (sysfs create_child), until done */
} Request;

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

        /* A ring in submit order: the first n_sent are in flight (or failed), the rest wait. */
        Request *queue;
        size_t queue_size, head, n, n_sent;
        size_t max_in_flight;
        bool want_out;     /* EPOLLOUT requested after EAGAIN */
        bool need_barrier; /* answers were lost: send a NLMSG_NOOP to find out which */
        sd_event_source *pump_source; /* answers local requests from the loop, never from submit() */
        uint32_t seq_next;

        uint8_t *ev_buf, *cmd_buf;
} NetlinkBackend;

static NetlinkBackend *netlink_backend(Backend *b) {
        return (NetlinkBackend *) b; /* Backend is the first member */
}

static Request *queue_at(NetlinkBackend *b, size_t i) {
        return &b->queue[(b->head + i) % b->queue_size];
}

static int queue_push(NetlinkBackend *b, const Request *r) {
        if (b->n == b->queue_size) {
                size_t size = MAX(b->queue_size * 2, (size_t) 64);
                Request *q = calloc(size, sizeof(Request));

                if (!q)
                        return -ENOMEM;
                for (size_t i = 0; i < b->n; i++)
                        q[i] = *queue_at(b, i);
                free(b->queue);
                b->queue = q;
                b->queue_size = size;
                b->head = 0;
        }
        *queue_at(b, b->n++) = *r;
        return 0;
}

/* Removes the oldest request; the caller took a copy. */
static void queue_pop(NetlinkBackend *b) {
        b->head = (b->head + 1) % b->queue_size;
        b->n--;
        if (b->n_sent > 0)
                b->n_sent--;
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
                [DUMP_ROUTES4] = { RTM_GETROUTE, AF_INET },
                [DUMP_ROUTES6] = { RTM_GETROUTE, AF_INET6 },
        };
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        r = nl_build_dump(req[b->phase].type, req[b->phase].family, &m);
        if (r < 0)
                return r;
        b->dump_seq = b->seq_next++;
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
                if (r > 0 && ev->route)
                        ev->route(ud, &rt, nlh->nlmsg_type == RTM_DELROUTE);
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

static int on_event_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        NetlinkBackend *b = userdata;
        bool overrun = false;
        ssize_t n;

        /* Drain: one recvmsg() is one datagram, and epoll only wakes us again for new ones. */
        for (;;) {
                n = recv_datagram(fd, b->ev_buf, RECV_BUF_SIZE);
                if (n == -EAGAIN)
                        break;
                if (n == -ENOBUFS || n == -EMSGSIZE) {
                        /* The kernel dropped notifications (netlink_overrun()); the error is reported
                         * once and the queue stays readable, so keep draining. */
                        overrun = true;
                        continue;
                }
                if (n < 0) {
                        log_error_errno((int) n, "netlink: failed to read events: %m");
                        break;
                }
                process_event_datagram(b, b->ev_buf, n);
        }

        if (overrun) {
                log_warning("netlink: lost notifications (ENOBUFS), asking for a new dump");
                if (b->backend.events.overrun)
                        b->backend.events.overrun(b->backend.userdata);
        }
        return 0;
}

/* ---- requests and answers ---- */

static void set_want_out(NetlinkBackend *b, bool want) {
        int r;

        if (b->want_out == want)
                return;
        r = sd_event_source_set_io_events(b->cmd_source, want ? EPOLLIN | EPOLLOUT : EPOLLIN);
        if (r < 0)
                log_error_errno(r, "netlink: failed to change the events of the command socket: %m");
        else
                b->want_out = want;
}

static int send_request(NetlinkBackend *b, struct nlmsghdr *nlh, uint32_t *ret_seq) {
        uint32_t seq = b->seq_next++;
        int r;

        nlh->nlmsg_seq = seq;
        r = send_message(b, b->cmd, nlh);
        if (r < 0) {
                b->seq_next--; /* not sent: keep the in-flight ones consecutive */
                return r;
        }
        *ret_seq = seq;
        return 0;
}

static int send_barrier(NetlinkBackend *b) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        uint32_t seq;

        /* netlink_rcv_skb() acks control messages that ask for it. Its answer comes after those of every
         * request sent before it, so those still waiting then have lost theirs (process_answer()). It
         * is not in the queue and not counted in flight: it must go out even when the lost answers fill
         * the in-flight window. */
        m = nlmsg_alloc_simple(NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK);
        if (!m)
                return -ENOMEM;
        return send_request(b, nlmsg_hdr(m), &seq);
}

/* Sends queued requests while the in-flight cap allows. A request that cannot be sent becomes a
 * failed one, answered in its turn (answers keep submit order). */
/* [Partition] Method=sysfs: ipoib_vlan.c create_child() → ipoib_vlan_add(). The kernel names the
 * child "%.10s.%04x" from the parent's name and the P_Key as written; another name is given with
 * SIOCSIFNAME while the new child is still down. No create_child file: no IPoIB driver behind the
 * parent (or no ib_ipoib), reported like the netlink kind "ipoib" being unknown. */
static int sysfs_create_child(const Action *a) {
        _cleanup_close_ int fd = -EBADF, sk = -EBADF;
        char path[128], buf[16], legacy[IFNAMSIZ + 8];
        struct ifreq ifr = {};
        int n;

        snprintf(path, sizeof(path), "/sys/class/net/%s/create_child", a->ifname);
        if (nl_trace_enabled())
                log_info("netlink: sysfs write 0x%04x to %s", a->child.pkey, path);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -EOPNOTSUPP : negative_errno();
        n = snprintf(buf, sizeof(buf), "0x%04x\n", a->child.pkey);
        if (write(fd, buf, (size_t) n) < 0)
                return negative_errno();

        snprintf(legacy, sizeof(legacy), "%.10s.%04x", a->ifname, a->child.pkey);
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

static int on_pump(sd_event_source *s, void *userdata);

static void queue_flush(NetlinkBackend *b) {
        int r;

        if (b->need_barrier) {
                r = send_barrier(b);
                if (r == -EAGAIN || r == -EWOULDBLOCK) {
                        set_want_out(b, true);
                        return;
                }
                if (r < 0)
                        log_error_errno(r, "netlink: failed to send a barrier, answers may be missing: %m");
                b->need_barrier = false;
        }

        while (b->n_sent < b->n && b->n_sent < b->max_in_flight) {
                Request *q = queue_at(b, b->n_sent);

                if (q->local) {
                        /* Its turn: every request before it has been processed by the kernel already
                         * (rtnetlink runs them inside sendmsg()), so the order holds. It is answered
                         * like an older request whose answer is known. */
                        q->error = sysfs_create_child(q->local);
                        q->failed = true;
                        q->seq = b->seq_next++;
                        q->local = mfree(q->local);
                        b->n_sent++;
                        continue;
                }

                r = send_request(b, nlmsg_hdr(q->msg), &q->seq);
                if (r == -EAGAIN || r == -EWOULDBLOCK) {
                        /* Not seen with the kernel as peer (the request is processed inside sendmsg()),
                         * but possible in principle: wait until the socket is writable. */
                        set_want_out(b, true);
                        return;
                }
                if (r < 0) {
                        log_debug_errno(r, "netlink: failed to send a request: %m");
                        q->failed = true;
                        q->error = r;
                        q->seq = b->seq_next++; /* a place in the order, answered as an older one */
                }
                nlmsg_free(q->msg);
                q->msg = NULL;
                b->n_sent++;
        }
        set_want_out(b, false);
}

static void reply_one(NetlinkBackend *b, const Request *q, int error, const char *extack) {
        if (!b->backend.events.reply)
                return;
        b->backend.events.reply(b->backend.userdata, q->cookie, error, extack);
}

/* Answers the failed requests at the head of the queue, then sends what now fits. */
static void queue_pump(NetlinkBackend *b) {
        for (;;) {
                Request q;

                queue_flush(b);
                if (b->n_sent == 0 || !queue_at(b, 0)->failed)
                        break;
                q = *queue_at(b, 0);
                queue_pop(b);
                reply_one(b, &q, q.error, NULL);
        }
}

static void process_answer(NetlinkBackend *b, const struct nlmsghdr *nlh) {
        const struct nlmsgerr *e = nlmsg_data(nlh);
        const char *extack;
        int error;

        if (nlh->nlmsg_type != NLMSG_ERROR || !nlmsg_valid_hdr(nlh, sizeof(*e))) {
                log_debug("netlink: unexpected message type %u on the command socket, ignoring",
                          nlh->nlmsg_type);
                return;
        }
        /* The kernel sends -errno (netlink_ack()); 0 is the ACK. */
        error = e->error <= 0 ? e->error : -e->error;
        extack = nl_parse_extack(nlh);

        while (b->n_sent > 0) {
                Request q = *queue_at(b, 0);
                int32_t d = (int32_t) (q.seq - nlh->nlmsg_seq);

                if (d > 0) /* a barrier's, or older than anything in flight */
                        break;
                queue_pop(b);
                if (d == 0) {
                        reply_one(b, &q, error, extack);
                        break;
                }
                /* Answers come in send order, so an older request without one has lost it (ENOBUFS on
                 * this socket), unless it failed to be sent at all. */
                reply_one(b, &q, q.failed ? q.error : -ENOBUFS, NULL);
        }
}

static void lost_answers(NetlinkBackend *b) {
        /* The kernel dropped answers (netlink_overrun()). The requests that lost theirs would wait
         * forever: a barrier (queue_flush()) finds them, the owner gets -ENOBUFS for those and an
         * overrun, to re-dump and see what happened. */
        log_warning("netlink: lost answers to requests (ENOBUFS), %zu in flight", b->n_sent);
        /* The receive buffer is smaller than we assumed (rmem_max without CAP_NET_ADMIN?): send less. */
        b->max_in_flight = MAX(b->max_in_flight / 2, (size_t) 1);
        b->need_barrier = true;
        if (b->backend.events.overrun)
                b->backend.events.overrun(b->backend.userdata);
}

static int on_pump(sd_event_source *s, void *userdata) {
        queue_pump(userdata);
        return 0;
}

static int on_cmd_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        NetlinkBackend *b = userdata;
        ssize_t n;

        if (revents & EPOLLOUT)
                set_want_out(b, false);

        for (;;) {
                int rem;

                n = recv_datagram(fd, b->cmd_buf, RECV_BUF_SIZE);
                if (n == -EAGAIN)
                        break;
                if (n == -ENOBUFS || n == -EMSGSIZE) {
                        lost_answers(b);
                        continue;
                }
                if (n < 0) {
                        log_error_errno((int) n, "netlink: failed to read answers: %m");
                        break;
                }
                rem = (int) n;
                for (struct nlmsghdr *nlh = (struct nlmsghdr *) b->cmd_buf; nlmsg_ok(nlh, rem);
                     nlh = nlmsg_next(nlh, &rem)) {
                        nl_trace(nlh, false);
                        process_answer(b, nlh);
                }
        }

        queue_pump(b);
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
                                      RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, 0);
        if (r < 0)
                return log_error_errno(errno_from_nl_error(r),
                                       "netlink: failed to join multicast groups: %m");
        b->started = true;
        return dump_begin(b);
}

static int netlink_dump(Backend *backend) {
        return dump_begin(netlink_backend(backend));
}

static int netlink_submit(Backend *backend, const Action *a, uint64_t cookie) {
        NetlinkBackend *b = netlink_backend(backend);
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        Request *q;
        int r;

        if (a->type == ACTION_CHILD_CREATE && a->child.method == IB_CHILD_METHOD_SYSFS) {
                Action *local = newdup(Action, a, 1);

                if (!local)
                        return -ENOMEM;
                r = queue_push(b, &(Request) { .cookie = cookie, .local = local });
                if (r < 0) {
                        free(local);
                        return r;
                }
                /* Done and answered from the loop, in order with what is in flight. */
                return sd_event_source_set_enabled(b->pump_source, SD_EVENT_ONESHOT);
        }

        r = nl_build_action(a, &m);
        if (r < 0)
                return r;
        r = queue_push(b, &(Request) { .cookie = cookie, .msg = m });
        if (r < 0)
                return r;
        TAKE_PTR(m);

        /* Send at once when nothing waits before it, so that a failure can still be returned here. */
        if (b->n_sent + 1 < b->n || b->n_sent >= b->max_in_flight || b->want_out)
                return 0;
        q = queue_at(b, b->n_sent);
        r = send_request(b, nlmsg_hdr(q->msg), &q->seq);
        if (r == -EAGAIN || r == -EWOULDBLOCK) {
                set_want_out(b, true);
                return 0;
        }
        nlmsg_free(q->msg);
        q->msg = NULL;
        if (r < 0) {
                b->n--; /* forget it: nothing was sent, no answer will follow */
                return r;
        }
        b->n_sent++;
        return 0;
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
        sd_event_source_disable_unref(b->pump_source);
        for (size_t i = 0; i < b->n; i++) {
                nlmsg_free(queue_at(b, i)->msg);
                free(queue_at(b, i)->local);
        }
        free(b->queue);
        free(b->ev_buf);
        free(b->cmd_buf);
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
        b->seq_next = 1;
        b->ev_buf = malloc(RECV_BUF_SIZE);
        b->cmd_buf = malloc(RECV_BUF_SIZE);
        if (!b->ev_buf || !b->cmd_buf)
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
        b->max_in_flight = MIN(MAX((size_t) rcvbuf / REPLY_BUDGET, (size_t) 8), (size_t) MAX_IN_FLIGHT);

        r = sd_event_add_io(e, &b->ev_source, nl_socket_get_fd(b->ev), EPOLLIN, on_event_io, b);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(b->ev_source, "netlink-events");
        r = sd_event_add_io(e, &b->cmd_source, nl_socket_get_fd(b->cmd), EPOLLIN, on_cmd_io, b);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(b->cmd_source, "netlink-requests");
        r = sd_event_add_defer(e, &b->pump_source, on_pump, b);
        if (r < 0)
                return r;
        (void) sd_event_source_set_enabled(b->pump_source, SD_EVENT_OFF);

        log_debug("netlink: backend ready, %zu requests in flight at most%s", b->max_in_flight,
                  nl_trace_enabled() ? ", tracing" : "");
        *ret = TAKE_PTR(backend);
        return 0;
}
