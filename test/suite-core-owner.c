/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Ownership that survives a crash, on the fake kernel (core-test.h): the kernel's own marks
 * (RTPROT_IPOIB on routes, IFA_PROTO on addresses), the record for what the kernel cannot mark, and
 * the restart that reconciles the two. Cases of the "core" suite. */

#include "core-test.h"
#include "test-suites.h"

#define VETH0_FILE                                                                                          \
        "[Match]\nName=veth0\nType=ether\n\n"                                                               \
        "[Network]\nAddress=192.0.2.1/24\nAddress=2001:db8::1/64\nGateway=192.0.2.254\n"

#define VETH0_REMOVALS                                                                                      \
        "veth0 remove-route 0.0.0.0/0 via 192.0.2.254 metric 0\n"                                           \
        "veth0 remove-address 192.0.2.1/24\n"                                                               \
        "veth0 remove-address 2001:db8::1/64"

/* The raw record file, comment line excluded, sorted (core_read_record() adds the kernel's marks). */
static char *record_file(Core *c) {
        _cleanup_free_ char *p = test_path(c->runtime, "owned");
        _cleanup_fclose_ FILE *f = fopen(p, "re");
        _cleanup_strv_free_ char **lines = NULL;
        char line[256], *s;

        while (f && fgets(line, sizeof(line), f)) {
                line[strcspn(line, "\n")] = 0;
                if (line[0] != '#')
                        ck_assert_int_ge(strv_extend(&lines, line), 0);
        }
        strv_sort(lines);
        s = lines ? strv_join(lines, "\n") : strdup("");
        ck_assert_ptr_nonnull(s);
        return s;
}

static void expect_record_file(Core *c, const char *expected) {
        _cleanup_free_ char *s = record_file(c);

        ck_assert_msg(streq(s, expected), "record file:\n%s\nexpected:\n%s", s, expected);
}

static void remove_record_file(Core *c) {
        _cleanup_free_ char *p = test_path(c->runtime, "owned");

        (void) unlink(p);
}

/* The kernel keeps the marks: nothing needs a record line, and a restart that finds no record at all
 * (lost with /run, say) still knows the agent's addresses and routes from the kernel, and only those. */
START_TEST(test_owner_marks_without_record) {
        KAddress foreign = addr(VETH0, "192.0.2.99/24");
        KRoute foreign_route = route(VETH0, "198.51.100.0/24", "192.0.2.253", 0);
        Core c;

        core_new(&c);
        core_write(&c, "10-veth0.ibnet", VETH0_FILE);
        fake_backend_add_address(c.f, &foreign);
        fake_backend_add_route(c.f, &foreign_route);
        core_start(&c);
        ck_assert(c.m->address_proto_kept);
        expect_record_file(&c, "");

        core_remove(&c, "10-veth0.ibnet");
        remove_record_file(&c);
        core_restart(&c);
        core_start(&c);
        core_expect_sent(&c, VETH0_REMOVALS);
        core_expect_link(&c, "veth0", LINK_STATE_UNMANAGED, NULL, NULL);
        ck_assert(fake_backend_has_address(c.f, &foreign));
        ck_assert(fake_backend_has_route(c.f, &foreign_route));
        core_expect_record(&c, "");
        core_free(&c);
}
END_TEST

/* A kernel before 6.1 drops IFA_PROTO: the agent never sees its mark come back, so it records its
 * addresses; routes keep their protocol on every kernel and are never recorded. */
START_TEST(test_owner_address_record_fallback) {
        KAddress foreign = addr(VETH0, "192.0.2.99/24");
        Core c;

        core_new(&c);
        c.f->drop_address_proto = true;
        core_write(&c, "10-veth0.ibnet", VETH0_FILE);
        fake_backend_add_address(c.f, &foreign);
        core_start(&c);
        ck_assert(!c.m->address_proto_kept);
        expect_record_file(&c, "address veth0 192.0.2.1/24\naddress veth0 2001:db8::1/64");

        core_remove(&c, "10-veth0.ibnet");
        core_restart(&c);
        c.f->drop_address_proto = true;
        core_start(&c);
        core_expect_sent(&c, VETH0_REMOVALS);
        ck_assert(fake_backend_has_address(c.f, &foreign));
        expect_record_file(&c, "");
        core_free(&c);
}
END_TEST

/* A route someone else added with the agent's protocol on a link no file manages is taken as the
 * agent's (the number is reserved for it: ipoib-proto.h); one with another protocol is not. */
START_TEST(test_owner_marked_route_on_unmanaged_link) {
        KRoute ours = route(VETH0, "198.51.100.0/24", "192.0.2.253", 0),
               foreign = route(VETH0, "203.0.113.0/24", "192.0.2.253", 0);
        Core c;

        ours.protocol = RTPROT_IPOIB;
        core_new(&c);
        fake_backend_add_route(c.f, &ours);
        fake_backend_add_route(c.f, &foreign);
        core_start(&c);
        core_expect_sent(&c, "veth0 remove-route 198.51.100.0/24 via 192.0.2.253 metric 0");
        core_expect_link(&c, "veth0", LINK_STATE_UNMANAGED, NULL, NULL);
        ck_assert(fake_backend_has_route(c.f, &foreign));
        core_free(&c);
}
END_TEST

#define IB0_UP_FILE "[Match]\nName=ib0\n\n[Link]\nMTU=1500\n"
#define PARTITION_FILE "[Match]\nName=ib0\n\n[Partition]\nPKey=0x8002\n"

/* Runs the loop until the first requests are out, without delivering any answer. */
static void run_until_sent(Core *c) {
        for (unsigned i = 0; c->f->n_submitted == 0; i++) {
                ck_assert_msg(i < 1000, "nothing was sent");
                ck_assert_int_ge(sd_event_run(c->m->event, 0), 0);
        }
        ck_assert_uint_eq(c->f->n_replies_due, c->f->n_submitted);
}

/* Kill -9 after the first batch is sent, before any answer: the kernel has everything, the record
 * has the intents (written before the batch), the restarted agent settles them against the kernel
 * and, the files gone, removes all of it and restores ib0; the foreign address stays. */
START_TEST(test_owner_crash_before_answers) {
        KAddress foreign = addr(VETH0, "192.0.2.99/24");
        Core c;

        core_new(&c);
        c.f->drop_address_proto = true; /* so that addresses need intents too */
        core_write(&c, "10-veth0.ibnet", VETH0_FILE);
        core_write(&c, "20-ib0.ibnet", IB0_UP_FILE);
        core_write(&c, "30-ib0.8002.ibnet", PARTITION_FILE);
        fake_backend_add_address(c.f, &foreign);
        ck_assert_int_eq(manager_load_config(c.m, false), 0);
        ck_assert_int_eq(manager_start(c.m, &c.f->backend), 0);
        run_until_sent(&c);
        core_expect_sent(&c,
                         "ib0 set-mtu 1500\n"
                         "ib0 set-up\n"
                         "ib0 create-child ib0.8002 pkey 0x8002\n"
                         "veth0 add-address 192.0.2.1/24\n"
                         "veth0 add-address 2001:db8::1/64\n"
                         "veth0 add-route 0.0.0.0/0 via 192.0.2.254 metric 0");
        ck_assert_uint_eq(c.m->owner.n_saves, 1);
        expect_record_file(&c,
                           "intent-address veth0 192.0.2.1/24\n"
                           "intent-address veth0 2001:db8::1/64\n"
                           "intent-child ib0.8002 ib0 0x8002\n"
                           "orig ib0 2044 datagram down\n"
                           "orig-flags ib0 0 0");

        core_restart(&c); /* no answer read, nothing saved at exit */
        c.f->drop_address_proto = true;
        core_remove(&c, "10-veth0.ibnet");
        core_remove(&c, "20-ib0.ibnet");
        core_remove(&c, "30-ib0.8002.ibnet");
        core_start(&c);
        core_expect_sent(&c,
                         "ib0 set-mtu 2044\n"
                         "ib0 set-down\n"
                         "veth0 remove-route 0.0.0.0/0 via 192.0.2.254 metric 0\n"
                         "veth0 remove-address 192.0.2.1/24\n"
                         "veth0 remove-address 2001:db8::1/64\n"
                         "ib0.8002 delete-child");
        ck_assert_ptr_null(fake_backend_get_link(c.f, "ib0.8002"));
        ck_assert(fake_backend_has_address(c.f, &foreign));
        ck_assert_uint_eq(c.f->n_addresses, 1);
        ck_assert_uint_eq(c.f->n_routes, 0);
        ck_assert_uint_eq(fake_backend_get_link(c.f, "ib0")->mtu, 2044);
        ck_assert(!(fake_backend_get_link(c.f, "ib0")->flags & IFF_UP));
        expect_record_file(&c, "");
        core_free(&c);
}
END_TEST

/* The kernel did it, but the answer was lost (ENOBUFS on the request socket; the backend then asks
 * for a dump): the intent stays and the dump settles it, so the object is still the agent's. */
static void apply_then_lose_answer(FakeBackend *f, const Action *a) {
        fake_backend_apply(f, a);
        fake_backend_overrun_event(f);
}

START_TEST(test_owner_lost_answer) {
        KAddress ours = addr(VETH0, "192.0.2.1/24");
        Core c;

        core_new(&c);
        c.f->drop_address_proto = true;
        core_write(&c, "10-veth0.ibnet", VETH0_FILE);
        core_write(&c, "30-ib0.8002.ibnet", PARTITION_FILE);
        fake_backend_script(c.f, &(FakeScript) { "veth0 add-address 192.0.2.1/24", -ENOBUFS, NULL, 1,
                                                 apply_then_lose_answer });
        fake_backend_script(c.f, &(FakeScript) { "ib0 create-child ib0.8002 pkey 0x8002", -ENOBUFS, NULL, 1,
                                                 apply_then_lose_answer });
        core_start(&c);
        ck_assert_uint_ge(c.f->n_dumps, 2);
        core_expect_link(&c, "veth0", LINK_STATE_CONFIGURED, NULL, NULL);
        core_expect_link(&c, "ib0.8002", LINK_STATE_CONFIGURED, NULL, NULL);
        expect_record_file(&c,
                           "address veth0 192.0.2.1/24\n"
                           "address veth0 2001:db8::1/64\n"
                           "child ib0.8002 ib0 0x8002\n"
                           "orig ib0 2044 datagram down\n"
                           "orig-flags ib0 0 0");
        c.mark = c.f->n_submitted;

        core_remove(&c, "10-veth0.ibnet");
        core_remove(&c, "30-ib0.8002.ibnet");
        core_reload(&c);
        /* (The settled address comes last in the record, so its removal too.) */
        core_expect_sent(&c,
                         "ib0 set-down\n"
                         "veth0 remove-route 0.0.0.0/0 via 192.0.2.254 metric 0\n"
                         "veth0 remove-address 2001:db8::1/64\n"
                         "veth0 remove-address 192.0.2.1/24\n"
                         "ib0.8002 delete-child");
        ck_assert(!fake_backend_has_address(c.f, &ours));
        ck_assert_ptr_null(fake_backend_get_link(c.f, "ib0.8002"));
        expect_record_file(&c, "");
        core_free(&c);
}
END_TEST

/* The answer was lost and the kernel did not do it: the intent is dropped, the request sent again. */
static void lose_answer(FakeBackend *f, const Action *a) {
        fake_backend_overrun_event(f);
}

START_TEST(test_owner_lost_request) {
        Core c;

        core_new(&c);
        c.f->drop_address_proto = true;
        core_write(&c, "10-veth0.ibnet", VETH0_FILE);
        fake_backend_script(c.f, &(FakeScript) { "veth0 add-address 192.0.2.1/24", -ENOBUFS, NULL, 1,
                                                 lose_answer });
        core_start(&c);
        core_expect_sent(&c,
                         "veth0 add-address 192.0.2.1/24\n"
                         "veth0 add-address 2001:db8::1/64\n"
                         "veth0 add-route 0.0.0.0/0 via 192.0.2.254 metric 0\n"
                         "veth0 add-address 192.0.2.1/24");
        core_expect_link(&c, "veth0", LINK_STATE_CONFIGURED, NULL, NULL);
        expect_record_file(&c, "address veth0 192.0.2.1/24\naddress veth0 2001:db8::1/64");
        core_free(&c);
}
END_TEST

void core_test_add_owner_tcase(Suite *s) {
        TCase *tc = tcase_create("owner");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_owner_marks_without_record);
        tcase_add_test(tc, test_owner_address_record_fallback);
        tcase_add_test(tc, test_owner_marked_route_on_unmanaged_link);
        tcase_add_test(tc, test_owner_crash_before_answers);
        tcase_add_test(tc, test_owner_lost_answer);
        tcase_add_test(tc, test_owner_lost_request);
        suite_add_tcase(s, tc);
}
