/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* ipoibctl: networkctl/wg-style parse_argv() returning <= 0 to stop, filling the arg_* globals of
 * verbs.c, and the dispatch over the verb table there. */

#include <getopt.h>
#include <locale.h>

#include "agent-bus.h"
#include "ipoibctl.h"
#include "macros.h"
#include "strv.h"

/* The options as --help lists them: "-h --help", "Show this help". */
typedef struct OptionHelp {
        const char *option, *help;
} OptionHelp;

static const OptionHelp global_options_help[] = {
        { "-h --help", "Show this help" },
        { "   --version", "Show the version" },
        { "   --json", "Print JSON (every command that reads)" },
        { "   --no-legend", "Do not print legends and summary lines" },
        { "   --config-dir=DIR", "Use DIR instead of the search path (repeatable);" },
        { "", "add, edit and delete write into the first one" },
        { "   --runtime-dir=DIR", "Reach the agent on DIR/control when it is not on" },
        { "", "the system bus (default: $IPOIB_RUNTIME_DIR, else" },
        { "", RUNTIME_DIR ")" },
        { "   --simulate=FABRIC", "plan, check: against a simulated fabric (JSON)" },
        { "   --running", "plan: the files the agent runs, not those on disk" },
        { "   --offline", "check: the files only, not against this host" },
        { "   --dry-run", "import: print the files instead of writing them" },
        { "   --output-dir=DIR", "import: write into DIR instead of /etc/ipoib.d" },
        { "   --timeout=SECS", "wait-online: give up after SECS (default 120)" },
        { "   --any", "wait-online: one link configured is enough" },
};

static const OptionHelp edit_options_help[] = {
        { "   --name=IFNAME|GLOB", "[Match] Name= (with --pkey: the parent's name)" },
        { "   --guid=GUID", "[Match] GUID=" },
        { "   --device=DEV", "[Match] Device=" },
        { "   --port=N", "[Match] Port=" },
        { "   --type=TYPE", "[Match] Type=: infiniband or ether" },
        { "   --pkey=0xNNNN", "[Partition] PKey=: the file creates a P_Key child" },
        { "   --child-name=IFNAME", "[Partition] Name=" },
        { "   --mode=MODE", "[IPoIB] Mode=: datagram or connected" },
        { "   --mtu=N|max", "[Link] MTU=" },
        { "   --address=ADDR/PREFIX", "[Network] Address= (repeatable, as the next 4)" },
        { "   --gateway=ADDR", "[Network] Gateway=" },
        { "   --dns=ADDR", "[Network] DNS=" },
        { "   --domain=NAME", "[Network] Domains=" },
        { "   --route=DEST[,via=GW][,metric=N]", "a [Route] section" },
        { "   --force", "add: replace an existing file" },
        { "   --drop-in=DROPIN", "edit: NAME.ibnet.d/DROPIN.conf instead" },
        { "   --drop-ins", "delete: remove the file's drop-ins too" },
        { "   --no-reload", "add, edit, delete: do not make the agent reload" },
};

/* s, with "…" as "..." outside a UTF-8 locale: --help is pure ASCII under LC_ALL=C. */
static void print_glyphs(const char *s, int width) {
        bool utf8 = is_utf8_locale();
        int n = 0;

        for (; *s; s++) {
                if (!utf8 && startswith(s, "…")) {
                        fputs("...", stdout);
                        s += strlen("…") - 1;
                        n += 3;
                        continue;
                }
                putchar(*s);
                n += ((unsigned char) *s & 0xc0) != 0x80; /* not a UTF-8 continuation byte */
        }
        for (; n < width; n++)
                putchar(' ');
}

/* A verb's help is "ARGS  what it does" (ARGS may be empty). */
static void verb_help_split(const Verb *v, char *args, size_t size, const char **ret_what) {
        const char *h = v->help + strspn(v->help, " "), *end = strstr(v->help, "  ");

        if (v->help[0] == ' ' || !end) {
                args[0] = 0;
                *ret_what = h;
                return;
        }
        snprintf(args, size, "%s %.*s", v->name, (int) (end - v->help), v->help);
        *ret_what = end + strspn(end, " ");
}

/* The display width of s as print_glyphs() prints it: characters in UTF-8, else bytes ("…" is
 * three bytes and printed as "..."). */
static int help_width(const char *s) {
        bool utf8 = is_utf8_locale();
        int n = 0;

        for (; *s; s++)
                n += !utf8 || ((unsigned char) *s & 0xc0) != 0x80;
        return n;
}

/* An option longer than the column has its text on the next line. */
#define HELP_COLUMN_MAX 24

static void print_options(const OptionHelp *o, size_t n, int width) {
        for (size_t i = 0; i < n; i++) {
                printf("  ");
                if (help_width(o[i].option) > width) {
                        print_glyphs(o[i].option, 0);
                        printf("\n  ");
                }
                print_glyphs(help_width(o[i].option) > width ? "" : o[i].option, width);
                printf("  %s\n", o[i].help);
        }
}

static void help(void) {
        int width = 0;
        char args[128];
        const char *what;

        FOREACH_ARRAY(v, ipoibctl_verbs, ipoibctl_verbs_size) {
                verb_help_split(v, args, sizeof(args), &what);
                width = MAX(width, help_width(args[0] ? args : v->name));
        }
        FOREACH_ARRAY(o, global_options_help, ELEMENTSOF(global_options_help))
                if (help_width(o->option) <= HELP_COLUMN_MAX)
                        width = MAX(width, help_width(o->option));
        FOREACH_ARRAY(o, edit_options_help, ELEMENTSOF(edit_options_help))
                if (help_width(o->option) <= HELP_COLUMN_MAX)
                        width = MAX(width, help_width(o->option));

        print_glyphs("ipoibctl [OPTIONS…] [COMMAND [ARGS…]]\n\n", 0);
        printf("Query and control the IPoIB network agent. Without a command: list.\n\nCommands:\n");
        FOREACH_ARRAY(v, ipoibctl_verbs, ipoibctl_verbs_size) {
                verb_help_split(v, args, sizeof(args), &what);
                printf("  ");
                print_glyphs(args[0] ? args : v->name, width);
                printf("  ");
                print_glyphs(what, 0);
                putchar('\n');
        }
        printf("\nOptions:\n");
        print_options(global_options_help, ELEMENTSOF(global_options_help), width);
        printf("\nOptions of add (each one key of ibnet(5)), edit and delete:\n");
        print_options(edit_options_help, ELEMENTSOF(edit_options_help), width);
        printf("\nExit status: 0 success, 1 failure or a negative answer, 2 wrong usage.\n"
               "See the ipoibctl(1) man page for details.\n");
}

/* getopt's table: ours, then verb-edit.c's. */
static struct option *options_merge(const struct option *a, const struct option *b) {
        size_t na = 0, nb = 0;
        struct option *o;

        while (a[na].name)
                na++;
        while (b[nb].name)
                nb++;
        o = calloc(na + nb + 1, sizeof(struct option));
        if (!o)
                return NULL;
        memcpy(o, a, na * sizeof(struct option));
        memcpy(o + na, b, nb * sizeof(struct option));
        return o;
}

/* getopt's own messages would name the program by its path: ours name it "ipoibctl". */
static int option_error(int c, char *argv[]) {
        if (c == ':')
                fprintf(stderr, "ipoibctl: option %s needs a value; see ipoibctl --help\n", argv[optind - 1]);
        else if (optopt > 0 && optopt < 0x100)
                fprintf(stderr, "ipoibctl: unknown option -%c; see ipoibctl --help\n", optopt);
        else
                fprintf(stderr, "ipoibctl: unknown option %s; see ipoibctl --help\n", argv[optind - 1]);
        return -EINVAL;
}

/* "10", "2.5": seconds, into microseconds. */
static int parse_seconds(const char *s, uint64_t *ret) {
        char *end = NULL;
        double d;

        errno = 0;
        d = strtod(s, &end);
        if (errno != 0 || end == s || *end || !(d >= 0) || d > 1e9)
                return -EINVAL;
        *ret = (uint64_t) (d * 1e6);
        return 0;
}

enum {
        ARG_VERSION = 0x100,
        ARG_JSON,
        ARG_NO_LEGEND,
        ARG_CONFIG_DIR,
        ARG_RUNTIME_DIR,
        ARG_SIMULATE,
        ARG_RUNNING,
        ARG_DRY_RUN,
        ARG_OUTPUT_DIR,
        ARG_OFFLINE,
        ARG_TIMEOUT,
        ARG_ANY,
};

static const struct option global_options[] = {
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
        { "timeout", required_argument, NULL, ARG_TIMEOUT },
        { "any", no_argument, NULL, ARG_ANY },
        {},
};

static int set_string(char **dst, const char *s) {
        free(*dst);
        *dst = strdup(s);
        return *dst ? 1 : -ENOMEM;
}

/* One option of every verb: 1 taken, 0 stop (--help or --version printed), 2 not one of those (the
 * edit verbs' options, edit_parse_option()), <0 an error. */
static int parse_global_option(int c, char *arg) {
        switch (c) {
        case 'h':
                help();
                return 0;
        case ARG_VERSION:
                printf("ipoibctl %s\n", PACKAGE_VERSION);
                return 0;
        case ARG_JSON:
                arg_json = true;
                return 1;
        case ARG_NO_LEGEND:
                arg_no_legend = true;
                return 1;
        case ARG_CONFIG_DIR:
                return strv_extend(&arg_config_dirs, arg) < 0 ? -ENOMEM : 1;
        case ARG_RUNTIME_DIR:
                return set_string(&arg_runtime_dir, arg);
        case ARG_SIMULATE:
                return set_string(&arg_simulate, arg);
        case ARG_RUNNING:
                arg_running = true;
                return 1;
        case ARG_OFFLINE:
                arg_offline = true;
                return 1;
        case ARG_DRY_RUN:
                arg_dry_run = true;
                return 1;
        case ARG_OUTPUT_DIR:
                arg_output_dir = arg;
                return 1;
        case ARG_TIMEOUT:
                if (parse_seconds(arg, &arg_timeout_usec) < 0) {
                        fprintf(stderr, "ipoibctl: --timeout: \"%s\" is not a number of seconds\n", arg);
                        return -EINVAL;
                }
                return 1;
        case ARG_ANY:
                arg_any = true;
                return 1;
        }
        return 2;
}

static int parse_argv(int argc, char *argv[]) {
        _cleanup_free_ struct option *options = options_merge(global_options, edit_options);
        int c, r;

        if (!options)
                return -ENOMEM;
        opterr = 0;
        while ((c = getopt_long(argc, argv, ":h", options, NULL)) >= 0) {
                if (c == '?' || c == ':')
                        return option_error(c, argv);
                r = parse_global_option(c, optarg);
                if (r == 2) {
                        r = edit_parse_option(c, optarg);
                        if (r == 0)
                                return option_error('?', argv);
                }
                if (r <= 0)
                        return r;
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
                n = edit_options_check(name);
                if (n < 0)
                        return n;
                return v->dispatch(argc, argv);
        }
        fprintf(stderr, "ipoibctl: unknown command \"%s\"; see ipoibctl --help\n", name);
        return -EINVAL;
}

int main(int argc, char *argv[]) {
        int r;

        (void) setlocale(LC_ALL, "");
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r == -EINVAL ? EXIT_USAGE : r < 0 ? EXIT_FAILURE : 0;
        r = dispatch_verb(argc - optind, argv + optind);
        arg_config_dirs = strv_free(arg_config_dirs);
        arg_runtime_dir = mfree(arg_runtime_dir);
        arg_simulate = mfree(arg_simulate);
        edit_options_free();
        if (r < 0) {
                if (r != -EINVAL)
                        fprintf(stderr, "ipoibctl: %s\n", strerror(-r));
                return r == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
        }
        return r;
}
