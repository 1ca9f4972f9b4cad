/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "manager.h"

/* Newly allocated JSON texts (NULL on OOM): the whole view (Describe()) and the dry-run plan (Plan()). */
char *describe_json(Manager *m);
char *plan_json(Manager *m);
