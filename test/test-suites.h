/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <check.h>

#define SUITE(name) Suite *make_##name##_suite(void);
#include "test-suites.list"
#undef SUITE

/* The source tree, for tests that read examples/ and man/. */
#ifndef TEST_SRCDIR
#error "TEST_SRCDIR must be defined by the build"
#endif
