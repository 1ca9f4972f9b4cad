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

void core_test_add_owner_tcase(Suite *s) {
        TCase *tc = tcase_create("owner");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_owner_marks_without_record);
        tcase_add_test(tc, test_owner_address_record_fallback);
        tcase_add_test(tc, test_owner_marked_route_on_unmanaged_link);
        suite_add_tcase(s, tc);
}
