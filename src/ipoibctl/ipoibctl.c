/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* ipoibctl: networkctl/wg-style parse_argv() returning <= 0 to stop, filling the arg_* globals of
 * verbs.c, and the dispatch over the verb table there. */

#include <getopt.h>

#include "agent-bus.h"
#include "ipoibctl.h"
#include "macros.h"
#include "strv.h"

static void help(void) {
        printf("ipoibctl [OPTIONS…] COMMAND [ARGS…]\n\n"
               "Query and control the IPoIB network agent.\n\nCommands:\n");
        FOREACH_ARRAY(v, ipoibctl_verbs, ipoibctl_verbs_size)
                printf("  %s %s\n", v->name, v->help);
        printf("\nOptions:\n"
               "  -h --help       Show this help\n"
               "     --version    Show the version\n"
               "     --json       Print JSON\n"
               "     --no-legend  Do not print the summary line\n"
               "     --config-dir=DIR  Read configuration from DIR instead of the search path\n"
               "                       (repeatable)\n"
               "     --runtime-dir=DIR Reach the agent on DIR/control (default: $IPOIB_RUNTIME_DIR,\n"
               "                       else " RUNTIME_DIR ", when it is not on the system bus)\n"
               "     --simulate=FABRIC plan and check against a simulated fabric (JSON)\n"
               "     --running         plan with the files the agent runs, not those on disk\n"
               "     --offline         check the files only, not against this host\n"
               "     --dry-run         import: print the files instead of writing them\n"
               "     --output-dir=DIR  import: write into DIR instead of /etc/ipoib.d\n\n"
               "See the ipoibctl(1) man page for details.\n");
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_JSON, ARG_NO_LEGEND, ARG_CONFIG_DIR, ARG_RUNTIME_DIR, ARG_SIMULATE,
               ARG_RUNNING, ARG_DRY_RUN, ARG_OUTPUT_DIR,
               ARG_OFFLINE };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "json", no_argument, NULL, ARG_JSON },
                { "no-legend", no_argument, NULL, ARG_NO_LEGEND },
                { "config-dir", required_argument, NULL, ARG_CONFIG_DIR },
                { "runtime-dir", required_argument, NULL, ARG_RUNTIME_DIR },
                { "simulate", required_argument, NULL, ARG_SIMULATE },
                { "running", no_argument, NULL, ARG_RUNNING },
                { "offline", no_argument, NULL, ARG_OFFLINE },
                { "dry-run", no_argument, NULL, ARG_DRY_RUN },
                { "output-dir", required_argument, NULL, ARG_OUTPUT_DIR },
                {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("ipoibctl %s\n", PACKAGE_VERSION);
                        return 0;
                case ARG_JSON:
                        arg_json = true;
                        break;
                case ARG_NO_LEGEND:
                        arg_no_legend = true;
                        break;
                case ARG_CONFIG_DIR:
                        if (strv_extend(&arg_config_dirs, optarg) < 0)
                                return -ENOMEM;
                        break;
                case ARG_RUNTIME_DIR:
                        free(arg_runtime_dir);
                        arg_runtime_dir = strdup(optarg);
                        if (!arg_runtime_dir)
                                return -ENOMEM;
                        break;
                case ARG_SIMULATE:
                        free(arg_simulate);
                        arg_simulate = strdup(optarg);
                        if (!arg_simulate)
                                return -ENOMEM;
                        break;
                case ARG_RUNNING:
                        arg_running = true;
                        break;
                case ARG_OFFLINE:
                        arg_offline = true;
                        break;
                case ARG_DRY_RUN:
                        arg_dry_run = true;
                        break;
                case ARG_OUTPUT_DIR:
                        arg_output_dir = optarg;
                        break;
                case '?':
                        return -EINVAL;
                default:
                        return -EINVAL;
                }
        return 1;
}

static int dispatch_verb(int argc, char *argv[]) {
        static char *list_argv[] = { (char *) "list", NULL };
        const char *name;
        int n;

        /* No verb: list, as networkctl does. */
        if (argc <= 0) {
                argc = 1;
                argv = list_argv;
        }
        name = argv[0];
        FOREACH_ARRAY(v, ipoibctl_verbs, ipoibctl_verbs_size) {
                if (!streq(v->name, name))
                        continue;
                n = argc;
                if (n < v->min_args || (v->max_args >= 0 && n > v->max_args)) {
                        fprintf(stderr, "ipoibctl %s: wrong number of arguments; see ipoibctl --help\n", name);
                        return -EINVAL;
                }
                return v->dispatch(argc, argv);
        }
        fprintf(stderr, "ipoibctl: unknown command \"%s\"; see ipoibctl --help\n", name);
        return -EINVAL;
}

int main(int argc, char *argv[]) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 2 : 0;
        r = dispatch_verb(argc - optind, argv + optind);
        arg_config_dirs = strv_free(arg_config_dirs);
        arg_runtime_dir = mfree(arg_runtime_dir);
        arg_simulate = mfree(arg_simulate);
        if (r < 0) {
                if (r != -EINVAL)
                        fprintf(stderr, "ipoibctl: %s\n", strerror(-r));
                return r == -EINVAL ? 2 : 1;
        }
        return r;
}
