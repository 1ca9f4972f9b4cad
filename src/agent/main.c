/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <getopt.h>

#include "backend.h"
#include "bus.h"
#include "link-dns.h"
#include "manager.h"
#include "resolved.h"
#include "sim-dns.h"
#include "strv.h"

static char **arg_config_dirs = NULL;
static char *arg_runtime_dir = NULL;
static bool arg_oneshot = false;
static bool arg_dry_run = false;
static char *arg_simulate = NULL;

static void help(void) {
        printf("ipoib-agent [OPTIONS...]\n\n"
               "Configure IPoIB (and plain) network links from .ibnet files and keep them so.\n\n"
               "  -h --help               Show this help\n"
               "     --version            Show the version\n"
               "     --config-dir=DIR     Read .ibnet files from DIR instead of the search path\n"
               "                          (repeatable)\n"
               "     --runtime-dir=DIR    State directory (default " RUNTIME_DIR ")\n"
               "     --oneshot            Converge once, print a summary and exit: 0 when every\n"
               "                          matched link is configured, 1 otherwise\n"
               "     --dry-run            Read the kernel (or the fabric) once, print as JSON what\n"
               "                          the agent would change, change nothing and exit: 0\n"
               "                          nothing to change, 2 changes, 1 files with errors\n"
               "     --log-level=LEVEL    debug, info, notice, warning, err\n"
               "     --simulate=FABRIC    Run against a simulated InfiniBand fabric described by the\n"
               "                          JSON file FABRIC instead of the kernel; its sysfs-like view\n"
               "                          and \"ip address\" rendering go to RUNTIME-DIR/sim\n\n"
               "Set IPOIB_AGENT_NETLINK_TRACE=1 to log every netlink message.\n"
               "See the ipoib-agent(8) man page for details.\n");
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_CONFIG_DIR, ARG_RUNTIME_DIR, ARG_ONESHOT, ARG_LOG_LEVEL, ARG_SIMULATE,
               ARG_DRY_RUN };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "config-dir", required_argument, NULL, ARG_CONFIG_DIR },
                { "runtime-dir", required_argument, NULL, ARG_RUNTIME_DIR },
                { "oneshot", no_argument, NULL, ARG_ONESHOT },
                { "dry-run", no_argument, NULL, ARG_DRY_RUN },
                { "log-level", required_argument, NULL, ARG_LOG_LEVEL },
                { "simulate", required_argument, NULL, ARG_SIMULATE },
                {},
        };
        int c, l;

        opterr = 0; /* getopt would name the program by its path */
        while ((c = getopt_long(argc, argv, ":h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("ipoib-agent %s\n", PACKAGE_VERSION);
                        return 0;
                case ARG_CONFIG_DIR:
                        if (strv_extend(&arg_config_dirs, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_RUNTIME_DIR:
                        free(arg_runtime_dir);
                        arg_runtime_dir = strdup(optarg);
                        if (!arg_runtime_dir)
                                return log_oom();
                        break;
                case ARG_SIMULATE:
                        free(arg_simulate);
                        arg_simulate = strdup(optarg);
                        if (!arg_simulate)
                                return log_oom();
                        break;
                case ARG_ONESHOT:
                        arg_oneshot = true;
                        break;
                case ARG_DRY_RUN:
                        arg_dry_run = arg_oneshot = true;
                        break;
                case ARG_LOG_LEVEL:
                        l = log_level_from_string(optarg);
                        if (l < 0) {
                                log_error("Unknown log level \"%s\".", optarg);
                                return -EINVAL;
                        }
                        log_set_max_level(l);
                        break;
                case ':':
                        log_error("ipoib-agent: option %s needs a value; see --help.", argv[optind - 1]);
                        return -EINVAL;
                case '?':
                default:
                        log_error("ipoib-agent: unknown option %s; see --help.", argv[optind - 1]);
                        return -EINVAL;
                }
        if (optind < argc) {
                log_error("ipoib-agent takes no arguments; see --help.");
                return -EINVAL;
        }
        return 1;
}

static int run(int argc, char *argv[]) {
        _cleanup_(manager_freep) Manager *m = NULL;
        _cleanup_(dns_sink_freep) DnsSink *dns = NULL;
        Backend *b = NULL;
        int r;

        log_setup();
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r == -EINVAL ? EXIT_USAGE : r; /* wrong usage: 2, as ipoibctl */

        r = manager_new(&m);
        if (r < 0)
                return log_error_errno(r, "Failed to create the manager: %m");
        m->config_dirs = TAKE_PTR(arg_config_dirs);
        m->runtime_dir = TAKE_PTR(arg_runtime_dir);
        m->oneshot = arg_oneshot;
        m->dry_run = arg_dry_run;

        r = manager_load_config(m, false);
        if (r < 0)
                return r;
        if (arg_simulate) {
                _cleanup_free_ char *state = NULL;

                if (!m->runtime_dir && !(m->runtime_dir = strdup(RUNTIME_DIR)))
                        return log_oom();
                if (asprintf(&state, "%s/sim", m->runtime_dir) < 0)
                        return log_oom();
                r = backend_sim_new(m->event, arg_simulate, state, &b);
                if (r < 0)
                        return log_error_errno(r, "Failed to load the simulated fabric %s: %m", arg_simulate);
                log_info("Running on the simulated fabric %s (state in %s).", arg_simulate, state);
                /* The sim's interface indexes mean nothing to the system's resolved. */
                r = dns_sink_sim_new(state, &dns);
                if (r < 0)
                        return log_oom();
        } else {
                r = backend_netlink_new(m->event, NULL, m, &b);
                if (r < 0)
                        return log_error_errno(r, "Failed to open the netlink backend: %m");
                r = dns_sink_resolved_new(m->event, &dns);
                if (r < 0)
                        return log_oom();
        }
        r = link_dns_new(m, dns, &m->dns);
        if (r < 0)
                return log_oom();
        TAKE_PTR(dns); /* the manager's now */
        m->backend_name = arg_simulate ? "simulated" : "netlink";
        /* A dry run answers on stdout only: no bus name, no socket, no record written. */
        if (!m->dry_run)
                (void) manager_bus_start(m);
        r = manager_start(m, b);
        if (r < 0)
                return r;
        /* A --oneshot run beside a running agent must not take over its socket. */
        if (!m->oneshot)
                (void) manager_control_start(m);
        r = manager_run(m);
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m");
        return m->oneshot ? m->exit_status : 0;
}

int main(int argc, char *argv[]) {
        int r = run(argc, argv);

        strv_free(arg_config_dirs);
        free(arg_runtime_dir);
        free(arg_simulate);
        return r < 0 ? EXIT_FAILURE : r;
}
