/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated fabric's view: the `ip address show` text, and the sysfs-like files written
 * incrementally from the model's notifications (sim-view-files.c). The incremental files are checked
 * against a view written from scratch after every step, and for writing only what changed. */

#include <check.h>
#include <dirent.h>
#include <sys/stat.h>

#include "in-addr-util.h"
#include "sim-test.h"
#include "sim-view.h"
#include "test-suites.h"
#include "test-util.h"

/* The model's notifications since the last call go to the view, which then writes everything. */
static void view_sync(SimView *v, SimModel *m) {
        for (size_t i = 0; i < m->n_events; i++)
                sim_view_note(v, &m->events[i]);
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_view_write(v, m, 0), 0);
        ck_assert(!sim_view_pending(v));
}

static const char view_fabric[] =
        "{ \"hcas\": [ { \"name\": \"mlx4_0\", \"first_qpn\": \"0x000208\", \"ports\": ["
        "  { \"guid\": \"0002:c903:0001:2345\", \"active_mtu\": 2048, \"sm_lid\": 1,"
        "    \"pkeys\": [\"0xffff\", \"0x8002\"], \"netdev\": { \"name\": \"mlx4_ib0\", \"ifindex\": 5,"
        "    \"up\": true, \"mode\": \"connected\", \"addresses\": [\"192.0.2.1/24\", \"2001:db8:1::1/64\"],"
        "    \"children\": [ { \"name\": \"mlx4_ib0.8003\", \"pkey\": \"0x8003\", \"up\": true } ] } },"
        "  { \"port\": 2, \"guid\": \"0002:c903:0001:2346\", \"active_mtu\": 2048, \"state\": \"down\","
        "    \"netdev\": { \"name\": \"mlx4_ib1\", \"ifindex\": 6 } } ] } ] }";

START_TEST(test_view_ip_address) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(view_fabric);
        _cleanup_free_ char *text = sim_view_ip_address(m);

        ck_assert_ptr_nonnull(text);
        ck_assert_str_eq(
                text,
                "5: mlx4_ib0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 65520 qdisc mq state UP group default "
                "qlen 256\n"
                "    link/infiniband 80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:01:23:45 brd "
                "00:ff:ff:ff:ff:12:40:1b:ff:ff:00:00:00:00:00:00:ff:ff:ff:ff\n"
                "    inet 192.0.2.1/24 brd 192.0.2.255 scope global mlx4_ib0\n"
                "       valid_lft forever preferred_lft forever\n"
                "    inet6 2001:db8:1::1/64 scope global \n"
                "       valid_lft forever preferred_lft forever\n"
                "    inet6 fe80::202:c903:1:2345/64 scope link \n"
                "       valid_lft forever preferred_lft forever\n"
                "6: mlx4_ib1: <BROADCAST,MULTICAST> mtu 2044 qdisc noop state DOWN group default qlen 256\n"
                "    link/infiniband 80:00:02:09:fe:80:00:00:00:00:00:00:00:02:c9:03:00:01:23:46 brd "
                "00:ff:ff:ff:ff:12:40:1b:ff:ff:00:00:00:00:00:00:ff:ff:ff:ff\n"
                "7: mlx4_ib0.8003@mlx4_ib0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 2044 qdisc mq state "
                "DOWN group default qlen 256\n"
                "    link/infiniband 80:00:02:0a:fe:80:00:00:00:00:00:00:00:02:c9:03:00:01:23:45 brd "
                "00:ff:ff:ff:ff:12:40:1b:80:03:00:00:00:00:00:00:ff:ff:ff:ff\n");
}
END_TEST

START_TEST(test_view_write) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(view_fabric);
        _cleanup_free_ char *dir = test_mkdir_tmp(), *text = NULL;
        _cleanup_(sim_view_freep) SimView *v = NULL;
        static const struct {
                const char *path;
                const char *content; /* NULL: must not exist */
        } t[] = {
                { "sys/class/net/mlx4_ib0/pkey", "0xffff\n" },
                { "sys/class/net/mlx4_ib0/mode", "connected\n" },
                { "sys/class/net/mlx4_ib0/mtu", "65520\n" },
                { "sys/class/net/mlx4_ib0/type", "32\n" },
                { "sys/class/net/mlx4_ib0/carrier", "1\n" },
                { "sys/class/net/mlx4_ib0/operstate", "up\n" },
                { "sys/class/net/mlx4_ib0/address",
                  "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:01:23:45\n" },
                { "sys/class/net/mlx4_ib1/carrier", NULL },
                { "sys/class/net/mlx4_ib0.8003/mtu", "2044\n" },
                { "sys/class/net/mlx4_ib0.8003/pkey", NULL },
                { "sys/class/net/mlx4_ib0.8003/mode", NULL },
                { "sys/class/net/mlx4_ib0.8003/umcast", NULL },
                { "sys/class/net/mlx4_ib0.0002/pkey", "0x8002\n" },
                { "sys/class/net/mlx4_ib0.0002/mode", "datagram\n" },
                { "sys/class/net/mlx4_ib0.0002/umcast", "0\n" },
                { "sys/class/net/mlx4_ib0.0002/parent", "mlx4_ib0\n" },
        };
        char buf[256];

        ck_assert_int_eq(sim_sysfs_create_child(m, sim_test_dev(m, "mlx4_ib0"), "2\n", NULL), 0);
        ck_assert_int_eq(sim_view_new(dir, &v), 0);
        view_sync(v, m);
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *p = test_path(dir, t[i].path);
                _cleanup_fclose_ FILE *f = fopen(p, "re");
                size_t n;

                if (!t[i].content) {
                        ck_assert_msg(!f, "%s exists", t[i].path);
                        continue;
                }
                ck_assert_msg(f, "%s: %s", t[i].path, strerror(errno));
                n = fread(buf, 1, sizeof(buf) - 1, f);
                buf[n] = 0;
                ck_assert_str_eq(buf, t[i].content);
        }
        /* The whole ip-address file is sim_view_ip_address(). */
        {
                _cleanup_free_ char *p = test_path(dir, "ip-address"), *want = sim_view_ip_address(m);
                _cleanup_fclose_ FILE *f = fopen(p, "re");
                size_t size = 0;

                ck_assert_ptr_nonnull(f);
                ck_assert_int_gt(getdelim(&text, &size, '\0', f), 0);
                ck_assert_str_eq(text, want);
        }
        /* A link that goes away loses its directory. */
        ck_assert_int_eq(sim_rtnl_dellink(m, sim_test_dev(m, "mlx4_ib0.0002")), 0);
        view_sync(v, m);
        {
                _cleanup_free_ char *p = test_path(dir, "sys/class/net/mlx4_ib0.0002");

                ck_assert_int_eq(access(p, F_OK), -1);
        }
}
END_TEST


/* Every file under DIR (two levels: sys/class/net/IF/ATTR, and ip-address) as "PATH=CONTENT" lines, sorted. */
static void tree_append(FILE *out, const char *dir, const char *rel) {
        _cleanup_free_ char *path = test_path(dir, rel);
        struct dirent **list = NULL;
        int n = scandir(path, &list, NULL, alphasort);

        ck_assert_msg(n >= 0, "%s: %s", path, strerror(errno));
        for (int i = 0; i < n; i++) {
                _cleanup_free_ char *sub = NULL, *full = NULL, *text = NULL;
                struct stat st;

                if (streq(list[i]->d_name, ".") || streq(list[i]->d_name, "..")) {
                        free(list[i]);
                        continue;
                }
                ck_assert_int_ge(asprintf(&sub, "%s/%s", rel, list[i]->d_name), 0);
                free(list[i]);
                full = test_path(dir, sub);
                ck_assert_int_eq(lstat(full, &st), 0);
                if (S_ISDIR(st.st_mode))
                        tree_append(out, dir, sub);
                else {
                        _cleanup_fclose_ FILE *f = fopen(full, "re");
                        size_t size = 0;

                        ck_assert_ptr_nonnull(f);
                        if (getdelim(&text, &size, '\0', f) < 0)
                                ck_assert_ptr_nonnull(text = strdup(""));
                        fprintf(out, "%s=%s\n", sub, text);
                }
        }
        free(list);
}

static char *tree(const char *dir) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        ck_assert_ptr_nonnull(f);
        tree_append(f, dir, ".");
        ck_assert_int_eq(fclose(f), 0);
        return buf;
}

/* The incremental view at dir holds exactly what a view written from scratch holds. */
static void assert_same_as_fresh(const char *dir, const SimModel *m) {
        _cleanup_(sim_view_freep) SimView *fresh = NULL;
        _cleanup_free_ char *fresh_dir = test_mkdir_tmp(), *want = NULL, *got = NULL;

        ck_assert_int_eq(sim_view_new(fresh_dir, &fresh), 0);
        ck_assert_int_eq(sim_view_write(fresh, m, 0), 0);
        want = tree(fresh_dir);
        got = tree(dir);
        ck_assert_str_eq(got, want);
}

static ino_t inode(const char *dir, const char *rel) {
        _cleanup_free_ char *p = test_path(dir, rel);
        struct stat st;

        ck_assert_msg(stat(p, &st) == 0, "%s: %s", p, strerror(errno));
        return st.st_ino;
}

static int newlink(SimModel *m, const char *parent, const char *name, int pkey) {
        SimNewLink req = { .link = sim_test_dev(m, parent)->ifindex, .name = name, .has_data = true,
                           .pkey = pkey, .mode = -1, .umcast = -1 };

        return sim_rtnl_newlink(m, &req, NULL, NULL);
}

START_TEST(test_view_incremental) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(view_fabric);
        _cleanup_free_ char *dir = test_mkdir_tmp();
        _cleanup_(sim_view_freep) SimView *v = NULL;
        SimNetdev *ib1;
        KAddress a = { .family = AF_INET, .prefixlen = 24 };
        ino_t pkey, mtu, other;

        /* A directory left by an earlier run, for a netdev the model does not have, goes. */
        free(test_write_data(dir, "sys/class/net/ghost/mtu", "9\n", 2, 0644));
        /* One the model has, with stale content, is replaced. */
        free(test_write_data(dir, "sys/class/net/mlx4_ib1/mtu", "9\n", 2, 0644));
        ck_assert_int_eq(sim_view_new(dir, &v), 0);
        view_sync(v, m);
        assert_same_as_fresh(dir, m);

        /* A legacy child of the parent that is down, then a netlink child of the other. */
        ib1 = sim_test_dev(m, "mlx4_ib1");
        ck_assert_int_eq(sim_sysfs_create_child(m, ib1, "0x8005\n", NULL), 0);
        ck_assert_int_eq(newlink(m, "mlx4_ib0", "nl0", 0x8006), 0);
        view_sync(v, m);
        assert_same_as_fresh(dir, m);

        /* One attribute changes: only its file is replaced; the others and other netdevs' stay. */
        pkey = inode(dir, "sys/class/net/mlx4_ib1/pkey");
        mtu = inode(dir, "sys/class/net/mlx4_ib1/mtu");
        other = inode(dir, "sys/class/net/mlx4_ib0/mtu");
        ck_assert_int_eq(sim_set_mtu(m, ib1, 1500, NULL), 0);
        view_sync(v, m);
        assert_same_as_fresh(dir, m);
        ck_assert(inode(dir, "sys/class/net/mlx4_ib1/pkey") == pkey);
        ck_assert(inode(dir, "sys/class/net/mlx4_ib1/mtu") != mtu);
        ck_assert(inode(dir, "sys/class/net/mlx4_ib0/mtu") == other);

        /* Up: carrier appears (a down device has none), operstate changes; an address. */
        ck_assert_int_eq(sim_set_up(m, ib1, true), 0);
        a.ifindex = ib1->ifindex;
        ck_assert_int_eq(in_addr_from_string_auto("198.51.100.7", &a.family, &a.addr), 0);
        ck_assert_int_eq(sim_address_add(m, &a, true, NULL), 0);
        view_sync(v, m);
        assert_same_as_fresh(dir, m);

        /* A parent renamed while down: its directory follows and its legacy child's "parent" too. */
        ck_assert_int_eq(sim_set_up(m, ib1, false), 0);
        ck_assert_int_eq(sim_set_name(m, ib1, "ibx"), 0);
        view_sync(v, m);
        assert_same_as_fresh(dir, m);
        {
                _cleanup_free_ char *gone = test_path(dir, "sys/class/net/mlx4_ib1");

                ck_assert_int_eq(access(gone, F_OK), -1);
        }

        /* A netdev goes and another takes its name before the view is written. */
        ck_assert_int_eq(sim_rtnl_dellink(m, sim_test_dev(m, "nl0")), 0);
        ck_assert_int_eq(sim_set_name(m, sim_test_dev(m, "mlx4_ib1.8005"), "nl0"), 0);
        view_sync(v, m);
        assert_same_as_fresh(dir, m);
}
END_TEST

/* Written in slices (a deadline already passed: one netdev per call), the result is the same. */
START_TEST(test_view_slices) {
        _cleanup_(sim_model_freep) SimModel *m = sim_test_model(view_fabric);
        _cleanup_free_ char *dir = test_mkdir_tmp();
        _cleanup_(sim_view_freep) SimView *v = NULL;
        unsigned calls = 0;
        int r;

        for (int i = 1; i <= 20; i++) {
                char name[IFNAMSIZ];

                snprintf(name, sizeof(name), "c%d", i);
                ck_assert_int_eq(newlink(m, "mlx4_ib0", name, 0x8000 + i), 0);
        }
        sim_model_clear_events(m);
        ck_assert_int_eq(sim_view_new(dir, &v), 0);
        while ((r = sim_view_write(v, m, 1)) == 1)
                calls++;
        ck_assert_int_eq(r, 0);
        /* 23 netdevs, one per call; the last call also writes ip-address. */
        ck_assert_uint_eq(calls, 22);
        assert_same_as_fresh(dir, m);
}
END_TEST

Suite *make_sim_view_suite(void) {
        Suite *s = suite_create("sim_view");
        TCase *tc = tcase_create("view");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_view_ip_address);
        tcase_add_test(tc, test_view_write);
        tcase_add_test(tc, test_view_incremental);
        tcase_add_test(tc, test_view_slices);
        suite_add_tcase(s, tc);
        return s;
}
