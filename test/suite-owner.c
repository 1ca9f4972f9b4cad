/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The ownership record (owner.c): what the agent created survives a restart, moves with a rename,
 * and is forgotten when the kernel says the object is gone, even after its link went away. */

#include <check.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "owner.h"
#include "test-suites.h"
#include "test-util.h"

static KAddress addr(const char *s) {
        KAddress a = { .scope = RT_SCOPE_UNIVERSE };

        ck_assert_int_eq(in_addr_prefix_from_string_auto(s, false, &a.family, &a.addr, &a.prefixlen), 0);
        return a;
}

static KRoute route(const char *dst, const char *gw, uint32_t metric) {
        KRoute r = { .table = RT_TABLE_MAIN, .metric = metric, .type = RTN_UNICAST, .protocol = RTPROT_STATIC };
        int family;

        ck_assert_int_eq(in_addr_prefix_from_string_auto(dst, false, &r.family, &r.dst, &r.dst_len), 0);
        if (gw) {
                ck_assert_int_eq(in_addr_from_string_auto(gw, &family, &r.gw), 0);
                r.has_gw = true;
        }
        return r;
}

START_TEST(test_owner_round_trip) {
        _cleanup_free_ char *dir = test_mkdir_tmp(), *path = test_path(dir, "owned");
        Owner o = {}, p = {};
        KAddress a = addr("192.0.2.1/24"), b = addr("2001:db8::1/64");
        KRoute r = route("0.0.0.0/0", "192.0.2.254", 0), s = route("198.51.100.0/24", NULL, 50);
        const OwnedLink *l;
        unsigned bad = 99;

        ck_assert_int_eq(owner_load(&o, path, &bad), 0); /* missing file: empty record */
        ck_assert_uint_eq(bad, 0);
        ck_assert_int_eq(owner_add_address(&o, "ib0", &a), 0);
        ck_assert_int_eq(owner_add_address(&o, "ib0", &b), 0);
        ck_assert_int_eq(owner_add_address(&o, "ib0", &a), 0); /* once */
        ck_assert_int_eq(owner_add_route(&o, "ib0", &r), 0);
        ck_assert_int_eq(owner_add_route(&o, "ib0", &s), 0);
        ck_assert_int_eq(owner_set_child(&o, "ib0.8002", "ib0", 0x8002), 0);
        ck_assert_int_eq(owner_set_mtu(&o, "ib0.8002", 4092, 2044), 0);
        ck_assert(o.dirty);
        ck_assert_int_eq(owner_save(&o), 0);
        ck_assert(!o.dirty);

        ck_assert_int_eq(owner_load(&p, path, &bad), 0);
        ck_assert_uint_eq(bad, 0);
        l = owner_get(&p, "ib0");
        ck_assert_ptr_nonnull(l);
        ck_assert_uint_eq(l->n_addresses, 2);
        ck_assert_uint_eq(l->n_routes, 2);
        ck_assert(!l->child);
        l = owner_get(&p, "ib0.8002");
        ck_assert_ptr_nonnull(l);
        ck_assert(l->child);
        ck_assert_str_eq(l->parent, "ib0");
        ck_assert_uint_eq(l->pkey, 0x8002);
        ck_assert_uint_eq(l->mtu_requested, 4092);
        ck_assert_uint_eq(l->mtu_effective, 2044);
        owner_done(&p);

        /* The write of a stop on a signal (no fsync) is the same record. */
        owner_remove_address(&o, "ib0", &b);
        ck_assert(o.dirty);
        ck_assert_int_eq(owner_save_on_stop(&o), 0);
        ck_assert(!o.dirty);
        ck_assert_int_eq(owner_load(&p, path, &bad), 0);
        ck_assert_uint_eq(bad, 0);
        ck_assert_uint_eq(owner_get(&p, "ib0")->n_addresses, 1);
        owner_done(&o);
        owner_done(&p);
}
END_TEST

START_TEST(test_owner_bad_lines) {
        _cleanup_free_ char *dir = test_mkdir_tmp(), *path = NULL;
        Owner o = {};
        unsigned bad = 0;

        path = test_write(dir, "owned",
                          "# comment\n"
                          "address ib0 192.0.2.1/24\n"
                          "address ib0 not-an-address\n"
                          "route ib0 10.0.0.0/8 2001:db8::1 0 254\n" /* families differ */
                          "child ib0.x ib0 0x10000\n"
                          "mtu ib0 0 0\n"
                          "bogus ib0 x\n"
                          /* An older version's orig line: umcast and promote_secondaries unknown. */
                          "orig ib1 2044 datagram up\n"
                          "orig-flags ib2 1 0\n" /* no orig line before it */
                          "orig ib3 2044 connected down\n"
                          "orig-flags ib3 1 2\n");
        ck_assert_int_eq(owner_load(&o, path, &bad), 0);
        ck_assert_uint_eq(bad, 7);
        ck_assert_uint_eq(owner_get(&o, "ib0")->n_addresses, 1);
        ck_assert(owner_get(&o, "ib1")->has_orig);
        ck_assert_int_eq(owner_get(&o, "ib1")->orig_umcast, -1);
        ck_assert_int_eq(owner_get(&o, "ib1")->orig_promote_secondaries, -1);
        ck_assert_ptr_null(owner_get(&o, "ib2"));
        ck_assert_int_eq(owner_get(&o, "ib3")->orig_umcast, -1);
        ck_assert_ptr_null(owner_get(&o, "ib0.x"));
        owner_done(&o);
}
END_TEST

START_TEST(test_owner_rename_and_gc) {
        Owner o = {};
        KAddress a = addr("192.0.2.1/24");
        KRoute r = route("0.0.0.0/0", "192.0.2.254", 0);

        ck_assert_int_eq(owner_add_address(&o, "eth5", &a), 0);
        ck_assert_int_eq(owner_add_address(&o, "ib0", &a), 0); /* a stale record under the new name */
        owner_rename(&o, "eth5", "ib0");
        ck_assert_ptr_null(owner_get(&o, "eth5"));
        ck_assert_ptr_nonnull(owner_get(&o, "ib0"));
        ck_assert_str_eq(owner_get(&o, "ib0")->ifname, "ib0");

        /* Removing the last object drops the entry. */
        owner_remove_address(&o, "ib0", &a);
        ck_assert_ptr_null(owner_get(&o, "ib0"));

        /* Answers for links that are gone still settle the record. */
        ck_assert_int_eq(owner_add_route(&o, "ib1", &r), 0);
        ck_assert_int_eq(owner_set_child(&o, "ib1.8003", "ib1", 0x8003), 0);
        owner_request_gone_link(&o, &(Action) { .type = ACTION_CHILD_DELETE, .ifname = "ib1.8003" }, 0);
        ck_assert_ptr_null(owner_get(&o, "ib1.8003"));
        owner_request_gone_link(&o, &(Action) { .type = ACTION_ROUTE_DEL, .ifname = "ib1", .route = r }, 0);
        ck_assert_ptr_null(owner_get(&o, "ib1"));
        /* An addition whose link is gone records nothing. */
        owner_request_gone_link(&o, &(Action) { .type = ACTION_ADDRESS_ADD, .ifname = "ib2", .address = a }, 0);
        ck_assert_ptr_null(owner_get(&o, "ib2"));
        owner_done(&o);
}
END_TEST

/* The write-ahead part: intents and original settings are written, read back as lost, and settled
 * against what the kernel holds. */
static bool probe_child(void *userdata, const char *ifname, const char *parent, uint16_t pkey) {
        return streq(ifname, "ib0.8002") && streq(parent, "ib0") && pkey == 0x8002;
}

static bool probe_address(void *userdata, const char *ifname, const KAddress *a) {
        KAddress x = addr("192.0.2.1/24");

        return streq(ifname, "ib0") && kaddress_equal(a, &x);
}

START_TEST(test_owner_intents) {
        _cleanup_free_ char *dir = test_mkdir_tmp(), *path = test_path(dir, "owned");
        static const OwnerProbe probe = { probe_child, probe_address };
        KAddress a = addr("192.0.2.1/24"), b = addr("192.0.2.2/24"), c = addr("192.0.2.3/24");
        Owner o = {}, p = {};
        const OwnedLink *l;
        unsigned bad = 99;

        ck_assert_int_eq(owner_load(&o, path, &bad), 0);
        ck_assert_int_eq(owner_intend_address(&o, "ib0", &a), 0);
        ck_assert_int_eq(owner_intend_address(&o, "ib0", &b), 0);
        ck_assert_int_eq(owner_intend_address(&o, "ib0", &c), 0);
        ck_assert_int_eq(owner_intend_child(&o, "ib0.8002", "ib0", 0x8002), 0);
        ck_assert_int_eq(owner_intend_child(&o, "ib0.8003", "ib0", 0x8003), 0);
        ck_assert_int_eq(owner_set_orig(&o, "ib0", 2044, IPOIB_MODE_DATAGRAM, false, 1, 0), 0);
        ck_assert_int_eq(owner_set_orig(&o, "ib0", 65520, IPOIB_MODE_CONNECTED, true, 0, 1), 0); /* the first stays */
        ck_assert_int_eq(owner_set_orig(&o, "v0", 1500, -1, true, -1, 0), 0);
        ck_assert(o.intents_dirty);
        /* One write for the batch, none when nothing new is intended. */
        ck_assert_int_eq(owner_flush_intents(&o), 0);
        ck_assert_int_eq(owner_flush_intents(&o), 0);
        ck_assert_uint_eq(o.n_saves, 1);

        /* Answers: c was refused, 8003 too; the rest is a crash away from an answer. */
        owner_address_answer(&o, "ib0", &c, false);
        owner_child_dropped(&o, "ib0.8003");
        ck_assert_ptr_null(owner_get(&o, "ib0.8003"));
        ck_assert_uint_eq(owner_get(&o, "ib0")->n_intents, 2);
        ck_assert(!o.intents_dirty);
        ck_assert_int_eq(owner_save(&o), 0);

        ck_assert_int_eq(owner_load(&p, path, &bad), 0);
        ck_assert_uint_eq(bad, 0);
        l = owner_get(&p, "ib0");
        ck_assert_ptr_nonnull(l);
        ck_assert_uint_eq(l->n_intents, 2);
        ck_assert(l->intents[0].lost && l->intents[1].lost);
        ck_assert(l->has_orig);
        ck_assert_uint_eq(l->orig_mtu, 2044);
        ck_assert_int_eq(l->orig_mode, IPOIB_MODE_DATAGRAM);
        ck_assert(!l->orig_up);
        ck_assert_int_eq(l->orig_umcast, 1);
        ck_assert_int_eq(l->orig_promote_secondaries, 0);
        l = owner_get(&p, "v0");
        ck_assert(l->has_orig && l->orig_up);
        ck_assert_int_eq(l->orig_umcast, -1);
        ck_assert_int_eq(l->orig_promote_secondaries, 0);
        ck_assert(owner_get(&p, "ib0.8002")->child_intent && owner_get(&p, "ib0.8002")->child_lost);

        /* The kernel has the child and 192.0.2.1, not 192.0.2.2. */
        owner_settle(&p, &probe, NULL);
        l = owner_get(&p, "ib0");
        ck_assert_uint_eq(l->n_intents, 0);
        ck_assert_uint_eq(l->n_addresses, 1);
        ck_assert(kaddress_equal(&l->addresses[0], &a));
        ck_assert(owner_get(&p, "ib0.8002")->child);
        ck_assert(!owner_get(&p, "ib0.8002")->child_intent);

        /* Asked for again while recorded (drift), the answer lost: one line, not two. */
        ck_assert_int_eq(owner_intend_address(&p, "ib0", &a), 0);
        owner_address_lost(&p, "ib0", &a);
        owner_settle(&p, &probe, NULL);
        ck_assert_uint_eq(owner_get(&p, "ib0")->n_addresses, 1);
        ck_assert_uint_eq(owner_get(&p, "ib0")->n_intents, 0);

        /* An intent with its answer still to come is not settled. */
        ck_assert_int_eq(owner_intend_address(&p, "ib1", &a), 0);
        owner_settle(&p, &probe, NULL);
        ck_assert_uint_eq(owner_get(&p, "ib1")->n_intents, 1);
        owner_address_lost(&p, "ib1", &a);
        owner_settle(&p, &probe, NULL); /* lost, and not in the kernel */
        ck_assert_ptr_null(owner_get(&p, "ib1"));

        owner_clear_orig(&p, "ib0");
        ck_assert(!owner_get(&p, "ib0")->has_orig);
        owner_done(&o);
        owner_done(&p);
}
END_TEST

Suite *make_owner_suite(void) {
        Suite *s = suite_create("owner");
        TCase *tc = tcase_create("owner");

        tcase_add_unchecked_fixture(tc, test_tmp_setup, test_tmp_teardown);
        tcase_add_test(tc, test_owner_round_trip);
        tcase_add_test(tc, test_owner_bad_lines);
        tcase_add_test(tc, test_owner_rename_and_gc);
        tcase_add_test(tc, test_owner_intents);
        suite_add_tcase(s, tc);
        return s;
}
