/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated fabric's DNS sink (sim/sim-dns.c) through the ops table of dns.h, as the core uses
 * it: set_link() and revert_link() end with exactly one done() carrying their cookie, here before
 * they return, and STATE_DIR/resolved reads like `resolvectl status` for the links that have
 * settings, in ifindex order. */

#include <check.h>
#include <inttypes.h>

#include "dns.h"
#include "sim-dns.h"
#include "test-suites.h"
#include "test-util.h"

typedef struct Recorder {
        char *log; /* one line per done() */
        size_t n_done;
        size_t n_reset;
} Recorder;

static void on_done(void *userdata, int ifindex, uint64_t cookie, int error, const char *message) {
        _cleanup_free_ char *old = NULL;
        Recorder *r = userdata;

        old = r->log;
        ck_assert_int_ge(asprintf(&r->log, "%sdone %d #%" PRIu64 " %d %s\n", strempty(old), ifindex, cookie,
                                  error, strna(message)),
                         0);
        r->n_done++;
}

static void on_reset(void *userdata) {
        Recorder *r = userdata;

        r->n_reset++;
}

typedef struct Fixture {
        char *dir;
        char *path; /* DIR/resolved */
        DnsSink *sink;
        Recorder rec;
} Fixture;

static void fixture_start(Fixture *x, bool with_dir) {
        *x = (Fixture) {};
        x->dir = test_mkdir_tmp();
        if (!with_dir)
                ck_assert_int_eq(rmdir(x->dir), 0);
        x->path = test_path(x->dir, "resolved");
        ck_assert_int_eq(dns_sink_sim_new(x->dir, &x->sink), 0);
        x->sink->events = (DnsSinkEvents) { .done = on_done, .reset = on_reset };
        x->sink->userdata = &x->rec;
}

static void fixture_done(Fixture *x) {
        dns_sink_free(x->sink);
        free(x->rec.log);
        free(x->path);
        free(x->dir);
}

/* The file's content, or "(none)" when there is no file. */
static char *read_text(const char *path) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char *text = NULL;
        size_t size = 0;

        if (!f && errno == ENOENT)
                return strdup("(none)");
        ck_assert_msg(f, "fopen %s: %s", path, strerror(errno));
        if (getdelim(&text, &size, '\0', f) < 0) {
                ck_assert(feof(f)); /* an empty file */
                free(text);
                return strdup("");
        }
        return text;
}

static void assert_file(const Fixture *x, const char *want) {
        _cleanup_free_ char *got = read_text(x->path);

        ck_assert_str_eq(got, want);
}

/* Parses a space-separated server list into the array (at most 4). */
static size_t servers(const char *list, IbAddress ret[4]) {
        _cleanup_(strv_freep) char **v = NULL;
        size_t n = 0;

        ck_assert_int_eq(strv_split_ws(list, &v), 0);
        STRV_FOREACH(s, v) {
                ck_assert_uint_lt(n, 4);
                ret[n] = (IbAddress) {};
                ck_assert_int_eq(in_addr_from_string_auto(*s, &ret[n].family, &ret[n].addr), 0);
                n++;
        }
        return n;
}

/* set_link() with servers and domains given as space-separated lists ("" for none); it must be over
 * (one done()) when it returns. */
static void set_one(Fixture *x, int ifindex, const char *ifname, const char *dns, const char *domains,
                    uint64_t cookie) {
        _cleanup_(strv_freep) char **doms = NULL;
        IbAddress addrs[4];
        size_t n = servers(dns, addrs), before = x->rec.n_done;

        if (!isempty(domains))
                ck_assert_int_eq(strv_split_ws(domains, &doms), 0);
        ck_assert_int_eq(dns_sink_set_link(x->sink,
                                           &(DnsLinkSettings) {
                                                   .ifindex = ifindex,
                                                   .ifname = ifname,
                                                   .servers = addrs,
                                                   .n_servers = n,
                                                   .domains = doms,
                                           },
                                           cookie),
                         0);
        ck_assert_uint_eq(x->rec.n_done, before + 1);
}

START_TEST(test_sim_dns_set_revert) {
        Fixture x;

        fixture_start(&x, true);
        ck_assert_str_eq(x.sink->ops->name, "sim-resolved");
        assert_file(&x, "(none)"); /* written at the first operation, not before */

        /* Sent in the order the links converge; listed in ifindex order, like resolvectl. */
        set_one(&x, 7, "mlx5_ib0", "2001:db8:4::53", "hpc.example.com", 1);
        set_one(&x, 5, "mlx4_ib0", "192.0.2.53 2001:db8:1::53", "ib.example.com ~corp", 2);
        assert_file(&x,
                    "Link 5 (mlx4_ib0)\n"
                    "    DNS Servers: 192.0.2.53 2001:db8:1::53\n"
                    "     DNS Domain: ib.example.com ~corp\n"
                    "Link 7 (mlx5_ib0)\n"
                    "    DNS Servers: 2001:db8:4::53\n"
                    "     DNS Domain: hpc.example.com\n");

        /* Settings replace the link's previous ones; either half may be missing. */
        set_one(&x, 5, "mlx4_ib0", "", "lab.example.com", 3);
        set_one(&x, 7, "mlx5_ib0", "198.51.100.53", "", 4);
        assert_file(&x,
                    "Link 5 (mlx4_ib0)\n"
                    "     DNS Domain: lab.example.com\n"
                    "Link 7 (mlx5_ib0)\n"
                    "    DNS Servers: 198.51.100.53\n");

        /* Reverted: back to the resolver's defaults, which show nothing of ours. */
        ck_assert_int_eq(dns_sink_revert_link(x.sink, 5, 5), 0);
        assert_file(&x,
                    "Link 7 (mlx5_ib0)\n"
                    "    DNS Servers: 198.51.100.53\n");
        /* Reverting a link without settings is not an error either. */
        ck_assert_int_eq(dns_sink_revert_link(x.sink, 5, 6), 0);

        ck_assert_str_eq(x.rec.log,
                         "done 7 #1 0 n/a\n"
                         "done 5 #2 0 n/a\n"
                         "done 5 #3 0 n/a\n"
                         "done 7 #4 0 n/a\n"
                         "done 5 #5 0 n/a\n"
                         "done 5 #6 0 n/a\n");
        ck_assert_uint_eq(x.rec.n_reset, 0);
        fixture_done(&x);
}
END_TEST

START_TEST(test_sim_dns_forget) {
        Fixture x;

        fixture_start(&x, true);
        set_one(&x, 5, "mlx4_ib0", "192.0.2.53", "", 1);
        set_one(&x, 6, "mlx4_ib1", "192.0.2.54", "", 2);

        /* The link left the kernel: it leaves the file, with no done() (nothing was asked). */
        dns_sink_forget_link(x.sink, 5);
        assert_file(&x,
                    "Link 6 (mlx4_ib1)\n"
                    "    DNS Servers: 192.0.2.54\n");
        dns_sink_forget_link(x.sink, 6);
        assert_file(&x, "");

        /* A link the sink never had: the file is not even touched. */
        ck_assert_int_eq(unlink(x.path), 0);
        dns_sink_forget_link(x.sink, 9);
        assert_file(&x, "(none)");
        ck_assert_uint_eq(x.rec.n_done, 2);
        fixture_done(&x);
}
END_TEST

START_TEST(test_sim_dns_write_error) {
        Fixture x;

        /* No state directory: the operation still ends with one done(), with the error and why. */
        fixture_start(&x, false);
        set_one(&x, 5, "mlx4_ib0", "192.0.2.53", "", 42);
        ck_assert_msg(startswith(x.rec.log, "done 5 #42 -2 cannot write ") &&
                              strstr(x.rec.log, "/resolved: No such file or directory\n"),
                      "%s", x.rec.log);
        ck_assert_int_eq(dns_sink_revert_link(x.sink, 5, 43), 0);
        ck_assert_uint_eq(x.rec.n_done, 2);
        ck_assert_ptr_nonnull(strstr(x.rec.log, "done 5 #43 -2 cannot write "));
        fixture_done(&x);
}
END_TEST

Suite *make_dns_suite(void) {
        Suite *s = suite_create("dns");
        TCase *tc = tcase_create("sim-dns");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_sim_dns_set_revert);
        tcase_add_test(tc, test_sim_dns_forget);
        tcase_add_test(tc, test_sim_dns_write_error);
        suite_add_tcase(s, tc);
        return s;
}
