/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <check.h>

#define SUITE(name) Suite *make_##name##_suite(void);
#include "test-suites.list"
#undef SUITE

/* The reader's limits and files, added to the ibnet-parser suite (suite-ibnet-files.c). */
void ibnet_parser_add_file_tcases(Suite *s);

/* The source tree, for tests that read examples/ and man/. */
#ifndef TEST_SRCDIR
#error "TEST_SRCDIR must be defined by the build"
#endif
