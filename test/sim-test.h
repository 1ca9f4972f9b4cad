/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the simulated fabric's test files: suite-sim.c (the IPoIB rules) builds the suite and adds
 * the test cases of suite-sim-sysfs.c (sysfs, addresses/routes, fabric file, view) and
 * suite-sim-backend.c (the Backend on a real sd-event loop). */

#include <check.h>

#include "sim-model.h"

/* A fabric with three HCAs; see suite-sim.c. */
extern const char sim_test_fabric[];

/* The model of a fabric JSON text, loaded, with its events cleared; fails the test on error. */
SimModel *sim_test_model(const char *json);
/* The netdev of that name; fails the test when there is none. */
SimNetdev *sim_test_dev(SimModel *m, const char *name);

void sim_test_add_sysfs_tcase(Suite *s);
void sim_test_add_inet_tcase(Suite *s);
void sim_test_add_backend_tcase(Suite *s);
