/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* backend-sim on a real sd-event loop: start() dumps asynchronously, submit() replies in order, and an
 * edit of the fabric file (inotify) turns into link events. Part of the "sim" suite (suite-sim.c). */

#include <check.h>
#include <inttypes.h>
#include <stdarg.h>

#include "backend.h"
#include "ibnet.h"
#include "sim-test.h"
#include "test-suites.h"
#include "test-util.h"

#define EXAMPLE_FABRIC TEST_SRCDIR "/examples/fabric/cx3-cx6.json"

typedef struct Recorder {
        char *log; /* one line per callback */
        size_t n_links, n_replies, n_dump_done;
        uint64_t cookies[32];
        int errors[32];
        char extacks[32][64];
        KLink last_link;
        bool got_link;
} Recorder;

static const char *strempty_or(const char *s) {
        return s ?: "";
}

static void record(Recorder *r, const char *fmt, ...) _printf_(2, 3);
static void record(Recorder *r, const char *fmt, ...) {
        _cleanup_free_ char *line = NULL, *old = r->log;
        va_list ap;

        va_start(ap, fmt);
        ck_assert_int_ge(vasprintf(&line, fmt, ap), 0);
        va_end(ap);
        ck_assert_int_ge(asprintf(&r->log, "%s%s\n", strempty_or(old), line), 0);
}

static void on_link(void *u, const KLink *k, bool removed) {
        Recorder *r = u;

        record(r, "link%s %d %s%s", removed ? "-" : "+", k->ifindex, k->ifname,
               k->flags & IFF_RUNNING ? " running" : "");
        r->n_links++;
        r->last_link = *k;
        r->got_link = true;
}

static void on_address(void *u, const KAddress *a, bool removed) {
        char buf[64];

        record(u, "address%s %s", removed ? "-" : "+", kaddress_to_string(a, buf, sizeof(buf)));
}

static void on_route(void *u, const KRoute *rt, bool removed) {
        char buf[128];

        record(u, "route%s %s", removed ? "-" : "+", kroute_to_string(rt, buf, sizeof(buf)));
}

static void on_dump_done(void *u) {
        Recorder *r = u;

        record(r, "dump-done");
        r->n_dump_done++;
}

static void on_reply(void *u, uint64_t cookie, int error, const char *extack) {
        Recorder *r = u;

        record(r, "reply %" PRIu64 " %d", cookie, error);
        if (r->n_replies < ELEMENTSOF(r->cookies)) {
                r->cookies[r->n_replies] = cookie;
                r->errors[r->n_replies] = error;
                snprintf(r->extacks[r->n_replies], sizeof(r->extacks[0]), "%s", strempty_or(extack));
        }
        r->n_replies++;
}

static const BackendEvents recorder_events = {
        .link = on_link,
        .address = on_address,
        .route = on_route,
        .dump_done = on_dump_done,
        .reply = on_reply,
};

typedef struct Fixture {
        sd_event *event;
        Backend *backend;
        Recorder rec;
        char *dir, *fabric, *state;
} Fixture;

static char *read_text(const char *path) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char *text = NULL;
        size_t size = 0;

        ck_assert_msg(f, "%s: %s", path, strerror(errno));
        ck_assert_int_gt(getdelim(&text, &size, '\0', f), 0);
        return text;
}

static void fixture_start(Fixture *x) {
        _cleanup_free_ char *text = read_text(EXAMPLE_FABRIC);

        *x = (Fixture) {};
        x->dir = test_mkdir_tmp();
        x->fabric = test_write(x->dir, "fabric.json", text);
        x->state = test_path(x->dir, "state");
        ck_assert_int_eq(sd_event_new(&x->event), 0);
        ck_assert_int_eq(backend_sim_new(x->event, x->fabric, x->state, &x->backend), 0);
        x->backend->events = recorder_events;
        x->backend->userdata = &x->rec;
        ck_assert_int_eq(backend_start(x->backend), 0);
        /* Nothing from inside start(). */
        ck_assert_ptr_null(x->rec.log);
}

static void fixture_done(Fixture *x) {
        backend_free(x->backend);
        sd_event_unref(x->event);
        free(x->rec.log);
        free(x->dir);
        free(x->fabric);
        free(x->state);
}

static void run_until(Fixture *x, const size_t *counter, size_t want) {
        for (unsigned i = 0; i < 300 && *counter < want; i++)
                ck_assert_int_ge(sd_event_run(x->event, 10 * 1000), 0);
        ck_assert_msg(*counter >= want, "waited in vain; log:\n%s", strempty_or(x->rec.log));
}

static char *read_text_maybe(const char *path) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char *text = NULL;
        size_t size = 0;

        if (!f || getdelim(&text, &size, '\0', f) < 0)
                return mfree(text);
        return text;
}

/* The view is written on the loop after the agent's work: runs it until STATE/rel reads want (NULL:
 * until the file is gone), or until want is a substring when substring is set. */
static void wait_view(Fixture *x, const char *rel, const char *want, bool substring) {
        _cleanup_free_ char *path = test_path(x->state, rel), *text = NULL;

        for (unsigned i = 0; i < 300; i++) {
                text = mfree(text);
                text = read_text_maybe(path);
                if (!want && access(path, F_OK) < 0)
                        return;
                if (want && text && (substring ? strstr(text, want) != NULL : streq(text, want)))
                        return;
                ck_assert_int_ge(sd_event_run(x->event, 10 * 1000), 0);
        }
        ck_assert_msg(false, "%s: %s, not %s", rel, text ?: "(absent)", want ?: "(absent)");
}

static Action action(ActionType type, int ifindex) {
        Action a = { .type = type, .ifindex = ifindex };

        snprintf(a.ifname, sizeof(a.ifname), "if%d", ifindex);
        return a;
}

START_TEST(test_backend_start) {
        Fixture x;
        KLink k = { .ifindex = 7 };
        IbPortInfo p;

        fixture_start(&x);
        run_until(&x, &x.rec.n_dump_done, 1);
        /* Links by ifindex, and dump-done last. */
        ck_assert_str_eq(x.rec.log, "link+ 5 mlx4_ib0\nlink+ 6 mlx4_ib1\nlink+ 7 mlx5_ib0\ndump-done\n");
        /* port_info(): the model's port, -ENODEV for what is not an IPoIB link. */
        ck_assert_int_eq(backend_port_info(x.backend, &k, &p), 0);
        ck_assert_str_eq(p.device, "mlx5_0");
        ck_assert_uint_eq(p.port, 1);
        ck_assert_int_eq(p.state, IB_PORT_ACTIVE);
        ck_assert_uint_eq(p.active_mtu, 4096);
        ck_assert_uint_eq(p.bcast_mtu, 4096);
        ck_assert_int_eq(p.enhanced, 1);
        ck_assert_uint_eq(p.lid, 7);
        ck_assert_uint_eq(p.sm_lid, 1);
        ck_assert_uint_eq(p.n_pkeys, 1);
        ck_assert_uint_eq(p.pkeys[0], 0xffff);
        k.ifindex = 99;
        ck_assert_int_eq(backend_port_info(x.backend, &k, &p), -ENODEV);
        /* The view is there from the start. */
        wait_view(&x, "sys/class/net/mlx4_ib0/mode", "datagram\n", false);
        /* dump() again. */
        ck_assert_int_eq(backend_dump(x.backend), 0);
        run_until(&x, &x.rec.n_dump_done, 2);
        fixture_done(&x);
}
END_TEST

START_TEST(test_backend_submit_order) {
        Fixture x;
        Action a[6];

        fixture_start(&x);
        run_until(&x, &x.rec.n_dump_done, 1);
        /* 1: connected on enhanced IPoIB → -EINVAL (ipoib_set_mode()). */
        a[0] = action(ACTION_SET_IPOIB, 7);
        a[0].ipoib.mode = 1;
        a[0].ipoib.umcast = -1;
        /* 2: a netlink child. */
        a[1] = action(ACTION_CHILD_CREATE, 5);
        snprintf(a[1].child.name, sizeof(a[1].child.name), "mlx4_ib0.8002");
        a[1].child.pkey = 0x8002;
        a[1].child.mode = -1;
        a[1].child.umcast = -1;
        a[1].child.method = IB_CHILD_METHOD_NETLINK;
        /* 3: up, which brings the child up too. */
        a[2] = action(ACTION_SET_UP, 5);
        /* 4: an address. */
        a[3] = action(ACTION_ADDRESS_ADD, 5);
        ck_assert_int_eq(in_addr_prefix_from_string_auto("192.0.2.1/24", false, &a[3].address.family,
                                                         &a[3].address.addr, &a[3].address.prefixlen),
                         0);
        /* 5: above the core maximum → -EINVAL with the kernel's extack. */
        a[4] = action(ACTION_SET_MTU, 5);
        a[4].mtu = 70000;
        /* 6: a sysfs child with another name: create_child + rename. */
        a[5] = action(ACTION_CHILD_CREATE, 6);
        snprintf(a[5].child.name, sizeof(a[5].child.name), "storage0");
        a[5].child.pkey = 0x8002;
        a[5].child.mode = 0;
        a[5].child.umcast = -1;
        a[5].child.method = IB_CHILD_METHOD_SYSFS;

        free(x.rec.log);
        x.rec.log = NULL;
        for (size_t i = 0; i < ELEMENTSOF(a); i++)
                ck_assert_int_eq(backend_submit(x.backend, &a[i], 100 + i), 0);
        ck_assert_ptr_null(x.rec.log); /* nothing synchronous */
        run_until(&x, &x.rec.n_replies, ELEMENTSOF(a));
        for (size_t i = 0; i < ELEMENTSOF(a); i++)
                ck_assert_uint_eq(x.rec.cookies[i], 100 + i);
        ck_assert_int_eq(x.rec.errors[0], -EINVAL);
        ck_assert_int_eq(x.rec.errors[1], 0);
        ck_assert_int_eq(x.rec.errors[2], 0);
        ck_assert_int_eq(x.rec.errors[3], 0);
        ck_assert_int_eq(x.rec.errors[4], -EINVAL);
        ck_assert_str_eq(x.rec.extacks[4], "mtu greater than device maximum");
        ck_assert_int_eq(x.rec.errors[5], 0);
        ck_assert_ptr_nonnull(strstr(x.rec.log, "link+ 8 mlx4_ib0.8002\n"));
        ck_assert_ptr_nonnull(strstr(x.rec.log, "link+ 8 mlx4_ib0.8002 running\n"));
        ck_assert_ptr_nonnull(strstr(x.rec.log, "address+ 192.0.2.1/24\n"));
        ck_assert_ptr_nonnull(strstr(x.rec.log, "route+ 192.0.2.0/24 metric 0\n"));
        ck_assert_ptr_nonnull(strstr(x.rec.log, "storage0"));
        /* The view: the sysfs child has pkey/mode, the netlink one has not. */
        wait_view(&x, "ip-address", "    inet 192.0.2.1/24 brd 192.0.2.255 scope global mlx4_ib0\n", true);
        wait_view(&x, "sys/class/net/storage0/pkey", "0x8002\n", false);
        wait_view(&x, "sys/class/net/mlx4_ib0.8002/mtu", "2044\n", false);
        wait_view(&x, "sys/class/net/mlx4_ib0.8002/pkey", NULL, false);
        fixture_done(&x);
}
END_TEST

/* Writes text to the fabric file as an editor does (a temporary file renamed over it) or as cp does
 * (rewritten in place). */
static void edit_fabric(Fixture *x, const char *from, const char *to, bool rename_over) {
        _cleanup_free_ char *text = read_text(x->fabric), *edited = NULL, *tmp = NULL;
        const char *at = strstr(text, from);

        ck_assert_ptr_nonnull(at);
        ck_assert_int_ge(asprintf(&edited, "%.*s%s%s", (int) (at - text), text, to, at + strlen(from)), 0);
        if (rename_over) {
                tmp = test_write(x->dir, "fabric.json.new", edited);
                ck_assert_int_eq(rename(tmp, x->fabric), 0);
        } else
                free(test_write(x->dir, "fabric.json", edited));
}

START_TEST(test_backend_fabric_edit) {
        Fixture x;
        Action up = action(ACTION_SET_UP, 5);
        size_t links;

        fixture_start(&x);
        run_until(&x, &x.rec.n_dump_done, 1);
        ck_assert_int_eq(backend_submit(x.backend, &up, 1), 0);
        run_until(&x, &x.rec.n_replies, 1);
        ck_assert(x.rec.last_link.flags & IFF_RUNNING);

        /* Port 1 of mlx4_0 goes DOWN: a link event without carrier (IB_EVENT_PORT_ERR). */
        links = x.rec.n_links;
        edit_fabric(&x, "\"state\": \"active\"", "\"state\": \"down\"", true);
        run_until(&x, &x.rec.n_links, links + 1);
        ck_assert_str_eq(x.rec.last_link.ifname, "mlx4_ib0");
        ck_assert(x.rec.last_link.flags & IFF_UP);
        ck_assert(!(x.rec.last_link.flags & IFF_RUNNING));
        wait_view(&x, "sys/class/net/mlx4_ib0/carrier", "0\n", false);
        /* And ACTIVE again, written in place as cp does. */
        links = x.rec.n_links;
        edit_fabric(&x, "\"state\": \"down\"", "\"state\": \"active\"", false);
        run_until(&x, &x.rec.n_links, links + 1);
        ck_assert(x.rec.last_link.flags & IFF_RUNNING);

        /* A broken file is ignored: the model keeps its state. */
        links = x.rec.n_links;
        edit_fabric(&x, "\"hcas\"", "\"hcas\" oops", true);
        for (unsigned i = 0; i < 20; i++)
                ck_assert_int_ge(sd_event_run(x.event, 5 * 1000), 0);
        ck_assert_uint_eq(x.rec.n_links, links);

        /* mlx5_0 unplugged: RTM_DELLINK. */
        edit_fabric(&x, "\"hcas\" oops", "\"hcas\"", true);
        edit_fabric(&x, "\"name\": \"mlx5_0\",", "\"name\": \"mlx5_0\", \"present\": false,", true);
        run_until(&x, &x.rec.n_links, links + 1);
        ck_assert_ptr_nonnull(strstr(x.rec.log, "link- 7 mlx5_ib0\n"));
        wait_view(&x, "sys/class/net/mlx5_ib0/type", NULL, false);
        wait_view(&x, "sys/class/net/mlx5_ib0", NULL, false);
        fixture_done(&x);
}
END_TEST

START_TEST(test_backend_missing_link) {
        /* docs/kernel-ipoib.md §1.2 step 4 (__rtnl_newlink()): a change to a device that does not exist,
         * without NLM_F_CREATE, is -ENODEV; so is a child whose IFLA_LINK is unknown (§1.3
         * ipoib_new_child_link()) and a create_child on a parent that is not there. */
        static const ActionType types[] = { ACTION_SET_IPOIB,    ACTION_SET_MTU,      ACTION_SET_UP,
                                            ACTION_CHILD_DELETE, ACTION_CHILD_CREATE, ACTION_CHILD_CREATE };
        Fixture x;

        fixture_start(&x);
        run_until(&x, &x.rec.n_dump_done, 1);
        free(x.rec.log);
        x.rec.log = NULL;
        for (size_t i = 0; i < ELEMENTSOF(types); i++) {
                Action a = action(types[i], 99);

                if (types[i] == ACTION_SET_IPOIB) {
                        a.ipoib.mode = 1;
                        a.ipoib.umcast = -1;
                } else if (types[i] == ACTION_SET_MTU)
                        a.mtu = 2044;
                else if (types[i] == ACTION_CHILD_CREATE) {
                        bool last = i == ELEMENTSOF(types) - 1;

                        a.child = (typeof(a.child)) { .pkey = 0x8002, .mode = -1, .umcast = -1 };
                        a.child.method = last ? IB_CHILD_METHOD_SYSFS : IB_CHILD_METHOD_NETLINK;
                        snprintf(a.child.name, sizeof(a.child.name), "ib99.8002");
                }
                ck_assert_int_eq(backend_submit(x.backend, &a, i), 0);
        }
        run_until(&x, &x.rec.n_replies, ELEMENTSOF(types));
        for (size_t i = 0; i < ELEMENTSOF(types); i++)
                ck_assert_msg(x.rec.errors[i] == -ENODEV, "#%zu: %d", i, x.rec.errors[i]);
        ck_assert_ptr_null(strstr(x.rec.log, "link+"));
        fixture_done(&x);
}
END_TEST

START_TEST(test_backend_sysfs_rename_fails) {
        /* backend-netlink's sysfs_create_child() deletes the sysfs child again (delete_child with the
         * stored P_Key, §6) when the rename to the wanted name fails; the simulated backend does the
         * same: the answer is the rename's error and no mlx4_ib0.8002 is left behind. */
        Fixture x;
        Action a;

        fixture_start(&x);
        run_until(&x, &x.rec.n_dump_done, 1);
        a = action(ACTION_CHILD_CREATE, 5);
        a.child = (typeof(a.child)) { .pkey = 0x8002, .mode = -1, .umcast = -1, .method = IB_CHILD_METHOD_SYSFS };
        snprintf(a.child.name, sizeof(a.child.name), "mlx4_ib1"); /* taken: SIOCSIFNAME → -EEXIST */
        ck_assert_int_eq(backend_submit(x.backend, &a, 1), 0);
        run_until(&x, &x.rec.n_replies, 1);
        ck_assert_int_eq(x.rec.errors[0], -EEXIST);
        ck_assert_ptr_nonnull(strstr(x.rec.log, "link+ 8 mlx4_ib0.8002\n"));
        ck_assert_ptr_nonnull(strstr(x.rec.log, "link- 8 mlx4_ib0.8002\n"));
        {
                _cleanup_free_ char *p = test_path(x.state, "sys/class/net/mlx4_ib0.8002");

                ck_assert_int_eq(access(p, F_OK), -1);
        }
        fixture_done(&x);
}
END_TEST

START_TEST(test_backend_quiet_change_in_view) {
        /* §1.5: ipoib_changelink() on a down device is not notified (netdev_state_change() wants IFF_UP),
         * but sysfs shows it: the view follows changes without a notification too. */
        Fixture x;
        Action a;
        size_t links;

        fixture_start(&x);
        run_until(&x, &x.rec.n_dump_done, 1);
        links = x.rec.n_links;
        a = action(ACTION_SET_IPOIB, 5); /* mlx4_ib0, down */
        a.ipoib.mode = -1;
        a.ipoib.umcast = 1;
        ck_assert_int_eq(backend_submit(x.backend, &a, 1), 0);
        run_until(&x, &x.rec.n_replies, 1);
        ck_assert_int_eq(x.rec.errors[0], 0);
        ck_assert_uint_eq(x.rec.n_links, links); /* no RTM_NEWLINK */
        wait_view(&x, "sys/class/net/mlx4_ib0/umcast", "1\n", false);
        fixture_done(&x);
}
END_TEST

void sim_test_add_backend_tcase(Suite *s) {
        TCase *tc = tcase_create("backend");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_backend_start);
        tcase_add_test(tc, test_backend_submit_order);
        tcase_add_test(tc, test_backend_fabric_edit);
        tcase_add_test(tc, test_backend_missing_link);
        tcase_add_test(tc, test_backend_sysfs_rename_fails);
        tcase_add_test(tc, test_backend_quiet_change_in_view);
        tcase_set_timeout(tc, 30);
        suite_add_tcase(s, tc);
}
