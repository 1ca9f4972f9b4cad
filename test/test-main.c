/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* One SRunner over every suite (libnl's tests/ layout). CK_RUN_SUITE / CK_RUN_CASE pick one. */

#include <check.h>
#include <stdlib.h>

#include "test-suites.h"

int main(void) {
        Suite *(*const makers[])(void) = {
#define SUITE(name) make_##name##_suite,
#include "test-suites.list"
#undef SUITE
                NULL,
        };
        SRunner *sr;
        int failed;

        sr = srunner_create(NULL);
        for (size_t i = 0; makers[i]; i++)
                srunner_add_suite(sr, makers[i]());
        srunner_run_all(sr, CK_ENV);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
