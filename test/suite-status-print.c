/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The printer of the agent's view (status-print.c): a small view in Describe()'s JSON, rendered as the
 * agent's --oneshot summary, STATUS= and ipoibctl status, compared as whole texts. */

#include <check.h>

#include "status-print.h"
#include "test-suites.h"

/* One parent with a created, a pending and a failed P_Key child, DNS servers and domains, routes as
 * objects (one in another table, one on-link) and as a string, as the agents that put objects under
 * "routes" for a while did and an older agent does; a failed link; a lingering link no
 * file configures; a link nobody configures; an unused file and a [Partition] file without parent. */
static const char VIEW[] =
        "{ \"version\": \"1\", \"backend\": \"simulated\", \"changes\": 7,"
        "  \"links\": ["
        "    { \"ifindex\": 1, \"name\": \"lo\", \"type\": \"other\", \"state\": \"unmanaged\", \"mtu\": 65536,"
        "      \"up\": true, \"carrier\": true, \"addresses\": [], \"routes\": [] },"
        "    { \"ifindex\": 5, \"name\": \"mlx4_ib0\", \"kind\": null, \"type\": \"infiniband\", \"up\": true,"
        "      \"carrier\": true, \"mtu\": 65520, \"guid\": \"0002:c903:0001:2345\","
        "      \"ipoib\": { \"pkey\": \"0xffff\", \"mode\": \"connected\", \"umcast\": false },"
        "      \"port\": { \"device\": \"mlx4_0\", \"port\": 1, \"state\": \"active\", \"active_mtu\": 2048,"
        "                \"lid\": 3, \"sm_lid\": 1, \"pkeys\": [ \"0xffff\", \"0x8002\" ] },"
        "      \"file\": \"/etc/ipoib.d/10-mlx4_ib0.ibnet\", \"state\": \"configured\","
        "      \"addresses\": [ \"192.0.2.1/24\" ],"
        "      \"routes\": [ { \"family\": \"ipv4\", \"destination\": \"0.0.0.0/0\", \"gateway\": \"192.0.2.254\","
        "                    \"metric\": 0, \"table\": 254, \"protocol\": \"static\", \"scope\": \"global\","
        "                    \"onlink\": false },"
        "                  { \"family\": \"ipv4\", \"destination\": \"198.51.100.0/24\", \"gateway\": \"192.0.2.1\","
        "                    \"metric\": 100, \"table\": 100, \"onlink\": true },"
        "                  \"203.0.113.0/24 metric 5\" ],"
        "      \"dns\": [ \"192.0.2.53\", \"2001:db8::53\" ], \"domains\": [ \"ib.example.com\", \"~corp\" ],"
        "      \"children\": ["
        "        { \"name\": \"mlx4_ib0.8002\", \"file\": \"/etc/ipoib.d/20-a.ibnet\", \"state\": \"created\" },"
        "        { \"name\": \"mlx4_ib0.8003\", \"file\": \"/etc/ipoib.d/21-b.ibnet\", \"state\": \"pending\" },"
        "        { \"name\": \"mlx4_ib0.8004\", \"file\": \"/etc/ipoib.d/22-c.ibnet\", \"state\": \"failed\","
        "          \"reason\": \"P_Key 0x8004 is not in the port's table\" } ] },"
        "    { \"ifindex\": 8, \"name\": \"mlx4_ib0.8002\", \"kind\": \"ipoib\", \"type\": \"infiniband\","
        "      \"up\": true, \"carrier\": false, \"mtu\": 2044, \"parent\": \"mlx4_ib0\","
        "      \"ipoib\": { \"pkey\": \"0x8002\", \"mode\": \"datagram\", \"umcast\": true },"
        "      \"port\": { \"device\": \"mlx4_0\", \"port\": 1 },"
        "      \"file\": \"/etc/ipoib.d/20-a.ibnet\", \"state\": \"failed\", \"reason\": \"address refused\","
        "      \"addresses\": [], \"routes\": [] },"
        "    { \"ifindex\": 9, \"name\": \"v0\", \"type\": \"ether\", \"up\": false, \"carrier\": false,"
        "      \"mtu\": 1500, \"state\": \"lingering\", \"warning\": \"removing 1 address\","
        "      \"addresses\": [], \"routes\": [] } ],"
        "  \"unmatched_files\": ["
        "    { \"path\": \"/etc/ipoib.d/30-guid.ibnet\", \"name\": null, \"state\": \"unused\","
        "      \"reason\": \"no link matches its [Match]\" },"
        "    { \"path\": \"/etc/ipoib.d/40-late.ibnet\", \"name\": \"ib9.8002\", \"state\": \"pending\","
        "      \"reason\": \"no parent link matches its [Match]\" } ],"
        "  \"unused\": [ \"/etc/ipoib.d/30-guid.ibnet\", \"/etc/ipoib.d/40-late.ibnet\" ] }";

static const char SUMMARY[] =
        "mlx4_ib0.8003    pending      21-b.ibnet: not created yet\n"
        "mlx4_ib0.8004    failed       22-c.ibnet: P_Key 0x8004 is not in the port's table\n"
        "mlx4_ib0         configured   10-mlx4_ib0.ibnet\n"
        "mlx4_ib0.8002    failed       20-a.ibnet: address refused\n"
        "v0               lingering    -: removing 1 address\n"
        "-                unused       30-guid.ibnet: no link matches its [Match]\n"
        "ib9.8002         pending      40-late.ibnet: no parent link matches its [Match]\n"
        "4 links matched, 1 configured, 7 changes sent\n";

static const char OVERVIEW[] =
        "● mlx4_ib0 (5)\n"
        "         File: /etc/ipoib.d/10-mlx4_ib0.ibnet\n"
        "        State: configured\n"
        "         Type: infiniband\n"
        "        IPoIB: P_Key 0xffff, mode connected, umcast no\n"
        "          MTU: 65520, up, carrier\n"
        "         GUID: 0002:c903:0001:2345\n"
        "         Port: mlx4_0/1 active, IB MTU 2048, LID 3, SM LID 1, P_Keys 0xffff 0x8002\n"
        "    Addresses: 192.0.2.1/24\n"
        "       Routes: 0.0.0.0/0 via 192.0.2.254 metric 0\n"
        "               198.51.100.0/24 via 192.0.2.1 metric 100 onlink table 100\n"
        "               203.0.113.0/24 metric 5\n"
        "          DNS: 192.0.2.53\n"
        "               2001:db8::53\n"
        "      Domains: ib.example.com\n"
        "               ~corp\n"
        "     Children: mlx4_ib0.8002 (created)\n"
        "               mlx4_ib0.8003 (pending: not created yet)\n"
        "               mlx4_ib0.8004 (failed: P_Key 0x8004 is not in the port's table)\n"
        "\n"
        "● mlx4_ib0.8002 (8)\n"
        "         File: /etc/ipoib.d/20-a.ibnet\n"
        "        State: failed\n"
        "         Type: infiniband (ipoib)\n"
        "        IPoIB: P_Key 0x8002, mode datagram, umcast yes\n"
        "       Parent: mlx4_ib0\n"
        "          MTU: 2044, up, no carrier\n"
        "         Port: mlx4_0/1 (no data from rdma-core)\n"
        "       Reason: address refused\n"
        "\n"
        "● v0 (9)\n"
        "         File: none\n"
        "        State: lingering\n"
        "         Type: ether\n"
        "          MTU: 1500, down, no carrier\n"
        "      Warning: removing 1 address\n"
        "\n"
        "/etc/ipoib.d/30-guid.ibnet: no link matches its [Match]\n"
        "/etc/ipoib.d/40-late.ibnet: no parent link matches its [Match]\n";

typedef enum Rendering {
        RENDER_SUMMARY,
        RENDER_OVERVIEW,
} Rendering;

/* Renders the view given as JSON text; returns the text (to free) and the summary's exit status. */
static char *render(const char *json, Rendering what, int *ret_status) {
        _cleanup_(json_object_putp) json_object *view = json_tokener_parse(json);
        char *text = NULL;
        size_t size = 0;
        FILE *f;

        ck_assert_ptr_nonnull(view);
        f = open_memstream(&text, &size);
        ck_assert_ptr_nonnull(f);
        switch (what) {
        case RENDER_SUMMARY:
                *ret_status = status_print_summary(f, view);
                break;
        case RENDER_OVERVIEW:
                status_print_overview(f, view);
                *ret_status = 0;
                break;
        }
        ck_assert_int_eq(fclose(f), 0);
        return text;
}

static void render_one(const char *json, Rendering what, const char *expected, int expected_status) {
        _cleanup_free_ char *text = NULL;
        int status = -1;

        text = render(json, what, &status);
        ck_assert_str_eq(text, expected);
        ck_assert_int_eq(status, expected_status);
}

START_TEST(test_summary) {
        render_one(VIEW, RENDER_SUMMARY, SUMMARY, 1);
}
END_TEST

START_TEST(test_overview) {
        render_one(VIEW, RENDER_OVERVIEW, OVERVIEW, 0);
}
END_TEST

/* Describe()'s "routes" are strings as they always were, the objects are "route_objects": from a new
 * agent the text comes from the objects (the table shows), from an older one from the strings. */
#define ROUTE_LINK(routes)                                                                                   \
        "{ \"links\": [ { \"ifindex\": 5, \"name\": \"ib0\", \"type\": \"infiniband\",  \"mtu\": 2044,"      \
        "  \"state\": \"configured\", \"file\": \"/x/ib0.ibnet\", \"up\": true, \"carrier\": true,"           \
        "  \"addresses\": [], " routes " } ] }"
#define ROUTE_TEXT(line)                                                                                     \
        "● ib0 (5)\n         File: /x/ib0.ibnet\n        State: configured\n         Type: infiniband\n"        \
        "          MTU: 2044, up, carrier\n       Routes: " line "\n"

START_TEST(test_routes_old_and_new_agent) {
        render_one(ROUTE_LINK("\"routes\": [ \"10.0.0.0/8 via 192.0.2.1 metric 5\" ], "
                              "\"route_objects\": [ { \"family\": \"ipv4\", \"destination\": \"10.0.0.0/8\", "
                              "\"gateway\": \"192.0.2.1\", \"metric\": 5, \"table\": 100, \"onlink\": false } ]"),
                   RENDER_OVERVIEW, ROUTE_TEXT("10.0.0.0/8 via 192.0.2.1 metric 5 table 100"), 0);
        render_one(ROUTE_LINK("\"routes\": [ \"10.0.0.0/8 via 192.0.2.1 metric 5\" ]"), RENDER_OVERVIEW,
                   ROUTE_TEXT("10.0.0.0/8 via 192.0.2.1 metric 5"), 0);
}
END_TEST

/* The counts are the summary's and STATUS='s both: missing children count as matched (and failed). */
START_TEST(test_counts_and_notify) {
        _cleanup_(json_object_putp) json_object *view = json_tokener_parse(VIEW);
        StatusCounts c = status_count(view);
        char buf[128];

        ck_assert_uint_eq(c.matched, 4);
        ck_assert_uint_eq(c.configured, 1);
        ck_assert_uint_eq(c.failed, 2);
        ck_assert_int_eq(status_format_notify(view, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "STATUS=4 links matched: 1 configured, 2 failed");
        ck_assert_int_eq(status_format_notify(view, buf, 10), -ENOBUFS);
}
END_TEST

/* STATUS= names the rejected files while they fit, else counts them; and status marks a link whose
 * file on disk is not what runs. */
START_TEST(test_notify_rejected) {
        _cleanup_(json_object_putp) json_object *view = json_tokener_parse(
                "{ \"links\": [ { \"name\": \"ib0\", \"file\": \"/x/1.ibnet\", \"state\": \"configured\","
                "  \"file_changed\": \"edited since it was loaded; ipoibctl reload applies it\" } ],"
                "  \"rejected_files\": [ { \"path\": \"/x/1.ibnet\" }, { \"path\": \"/y/2.ibnet\" } ] }");
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f;
        char buf[128];

        ck_assert_ptr_nonnull(view);
        ck_assert_int_eq(status_format_notify(view, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "STATUS=1 link matched: 1 configured, 0 failed; 2 files rejected: 1.ibnet, 2.ibnet");
        ck_assert_int_eq(status_format_notify(view, buf, 70), 0);
        ck_assert_str_eq(buf, "STATUS=1 link matched: 1 configured, 0 failed; 2 files rejected");
        ck_assert_int_eq(status_format_notify(view, buf, 50), -ENOBUFS);

        f = open_memstream(&text, &size);
        ck_assert_ptr_nonnull(f);
        status_print_link(f, json_object_array_get_idx(json_get(view, "links"), 0));
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_msg(strstr(text, "         File: /x/1.ibnet\n"
                                   "               edited since it was loaded; ipoibctl reload applies it\n"
                                   "        State: configured\n"),
                      "%s", text);
}
END_TEST

/* An agent with nothing to say, and views without the keys a newer printer reads (an older agent
 * has "unused" only): no crash, the neutral text. */
START_TEST(test_empty_view) {
        render_one("{}", RENDER_SUMMARY, "0 links matched, 0 configured, 0 changes sent\n", 0);
        render_one("{}", RENDER_OVERVIEW, "No link is configured by a file.\n", 0);
        render_one("{ \"links\": [ { \"name\": \"ib0\", \"file\": \"/x/1.ibnet\", \"state\": \"configured\" } ],"
                   "  \"changes\": 1 }",
                   RENDER_SUMMARY,
                   "ib0              configured   1.ibnet\n"
                   "1 link matched, 1 configured, 1 change sent\n",
                   0);
        render_one("{ \"links\": [], \"unused\": [ \"/x/2.ibnet\" ] }", RENDER_OVERVIEW,
                   "/x/2.ibnet: no link matches its [Match]\n", 0);
}
END_TEST

START_TEST(test_link_is_managed) {
        static const struct {
                const char *json;
                bool managed;
        } cases[] = {
                { "{ \"name\": \"ib0\", \"file\": \"/a.ibnet\", \"state\": \"configured\" }", true },
                { "{ \"name\": \"ib0\", \"state\": \"unmanaged\" }", false },
                { "{ \"name\": \"ib0\", \"state\": \"lingering\" }", true },
                { "{ \"name\": \"ib0\", \"state\": \"unmanaged\", \"children\": [ { \"name\": \"ib0.8002\" } ] }",
                  true },
                { "{ \"name\": \"ib0\", \"state\": \"unmanaged\", \"children\": [] }", false },
        };

        FOREACH_ARRAY(c, cases, ELEMENTSOF(cases)) {
                _cleanup_(json_object_putp) json_object *l = json_tokener_parse(c->json);

                ck_assert_ptr_nonnull(l);
                ck_assert_msg(status_link_is_managed(l) == c->managed, "%s", c->json);
        }
}
END_TEST

Suite *make_status_print_suite(void) {
        Suite *s = suite_create("status_print");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_summary);
        tcase_add_test(tc, test_overview);
        tcase_add_test(tc, test_routes_old_and_new_agent);
        tcase_add_test(tc, test_counts_and_notify);
        tcase_add_test(tc, test_notify_rejected);
        tcase_add_test(tc, test_empty_view);
        tcase_add_test(tc, test_link_is_managed);
        suite_add_tcase(s, tc);
        return s;
}
