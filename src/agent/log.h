/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Logging for the agent: to the journal (with INTERFACE=/PKEY= fields) when started by systemd
 * ($JOURNAL_STREAM), else to stderr. The log_*_errno() helpers return -|error| so that
 * "return log_error_errno(r, …);" logs and fails in one step. */

#include <stdarg.h>
#include <syslog.h>

#include "macros.h"

void log_setup(void);
int log_get_max_level(void);
void log_set_max_level(int level);
int log_level_from_string(const char *s);

int log_internal(int level, int error, const char *file, int line, const char *func, const char *ifname,
                 const char *fmt, ...) _printf_(7, 8);

#define log_full_errno_ifname(level, error, ifname, ...)                                                     \
        ({                                                                                                   \
                int _l = (level), _e = (error);                                                              \
                (log_get_max_level() >= _l)                                                                  \
                        ? log_internal(_l, _e, __FILE__, __LINE__, __func__, (ifname), __VA_ARGS__)          \
                        : -abs(_e);                                                                          \
        })

#define log_full_errno(level, error, ...) log_full_errno_ifname(level, error, NULL, __VA_ARGS__)
#define log_full(level, ...) (void) log_full_errno(level, 0, __VA_ARGS__)

#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)

#define log_debug_errno(error, ...) log_full_errno(LOG_DEBUG, error, __VA_ARGS__)
#define log_info_errno(error, ...) log_full_errno(LOG_INFO, error, __VA_ARGS__)
#define log_warning_errno(error, ...) log_full_errno(LOG_WARNING, error, __VA_ARGS__)
#define log_error_errno(error, ...) log_full_errno(LOG_ERR, error, __VA_ARGS__)

#define log_oom() log_error_errno(ENOMEM, "Out of memory.")
