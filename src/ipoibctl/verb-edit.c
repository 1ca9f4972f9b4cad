/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* add, edit, delete: the nmcli connection add/modify/delete and networkctl edit of this world. They
 * write into the first configuration directory only (the first --config-dir, else /etc/ipoib.d),
 * validate a hidden temporary file in that directory as if it were installed (together with every
 * other file of the search path, as the agent would load them), install it with rename(2) so that
 * the agent never reads half a file, then ask the agent to reload (unless --no-reload). A file that
 * does not validate is never installed. The temporary name starts with a dot, which the search skips. */

#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent-bus.h"
#include "diag.h"
#include "ibnet-load.h"
#include "ipoibctl.h"
#include "strv.h"

/* The options of add, edit and delete; ipoibctl.c merges them into its getopt table. */
enum {
        ARG_NAME = 0x200,
        ARG_GUID,
        ARG_DEVICE,
        ARG_PORT,
        ARG_TYPE,
        ARG_PKEY,
        ARG_CHILD_NAME,
        ARG_MODE,
        ARG_MTU,
        ARG_ADDRESS,
        ARG_GATEWAY,
        ARG_DNS,
        ARG_DOMAIN,
        ARG_ROUTE,
        ARG_FORCE,
        ARG_NO_RELOAD,
        ARG_DROP_IN,
        ARG_DROP_INS,
        _ARG_EDIT_MAX,
};

const struct option edit_options[] = {
        { "name", required_argument, NULL, ARG_NAME },
        { "guid", required_argument, NULL, ARG_GUID },
        { "device", required_argument, NULL, ARG_DEVICE },
        { "port", required_argument, NULL, ARG_PORT },
        { "type", required_argument, NULL, ARG_TYPE },
        { "pkey", required_argument, NULL, ARG_PKEY },
        { "child-name", required_argument, NULL, ARG_CHILD_NAME },
        { "mode", required_argument, NULL, ARG_MODE },
        { "mtu", required_argument, NULL, ARG_MTU },
        { "address", required_argument, NULL, ARG_ADDRESS },
        { "gateway", required_argument, NULL, ARG_GATEWAY },
        { "dns", required_argument, NULL, ARG_DNS },
        { "domain", required_argument, NULL, ARG_DOMAIN },
        { "route", required_argument, NULL, ARG_ROUTE },
        { "force", no_argument, NULL, ARG_FORCE },
        { "no-reload", no_argument, NULL, ARG_NO_RELOAD },
        { "drop-in", required_argument, NULL, ARG_DROP_IN },
        { "drop-ins", no_argument, NULL, ARG_DROP_INS },
        {},
};

/* The value of each option as given (the last one), or every value for the repeatable ones. The
 * values are not parsed here: the file is validated as a whole, by the parser the agent uses. */
static char **arg_values[_ARG_EDIT_MAX - ARG_NAME] = {};
static bool arg_force = false, arg_no_reload = false, arg_drop_ins = false;

#define VALUES(id) (arg_values[(id) - ARG_NAME])

static bool option_repeatable(int id) {
        return id == ARG_ADDRESS || id == ARG_GATEWAY || id == ARG_DNS || id == ARG_DOMAIN || id == ARG_ROUTE;
}

/* Which verbs take the option: the others refuse it, so that a misplaced one is not ignored. */
static const char *option_verbs(int id) {
        switch (id) {
        case ARG_FORCE:
                return "add";
        case ARG_NO_RELOAD:
                return "add edit delete";
        case ARG_DROP_IN:
                return "edit";
        case ARG_DROP_INS:
                return "delete";
        default:
                return "add";
        }
}

static const char *option_name(int id) {
        FOREACH_ARRAY(o, edit_options, ELEMENTSOF(edit_options) - 1)
                if (o->val == id)
                        return o->name;
        return "?";
}

int edit_parse_option(int c, const char *arg) {
        if (c < ARG_NAME || c >= _ARG_EDIT_MAX)
                return 0;
        switch (c) {
        case ARG_FORCE:
                arg_force = true;
                break;
        case ARG_NO_RELOAD:
                arg_no_reload = true;
                break;
        case ARG_DROP_INS:
                arg_drop_ins = true;
                break;
        default:
                /* A line break would smuggle a key of its own into the file. */
                if (strpbrk(arg, "\n\r")) {
                        fprintf(stderr, "ipoibctl: --%s: a value cannot contain a line break\n", option_name(c));
                        return -EINVAL;
                }
                if (!option_repeatable(c))
                        VALUES(c) = strv_free(VALUES(c));
                if (strv_extend(&VALUES(c), arg) < 0)
                        return -ENOMEM;
        }
        return 1;
}

int edit_options_check(const char *verb) {
        for (int id = ARG_NAME; id < _ARG_EDIT_MAX; id++) {
                bool given = VALUES(id) || (id == ARG_FORCE && arg_force) || (id == ARG_NO_RELOAD && arg_no_reload) ||
                        (id == ARG_DROP_INS && arg_drop_ins);
                _cleanup_strv_free_ char **verbs = NULL;

                if (!given)
                        continue;
                if (strv_split_ws(option_verbs(id), &verbs) < 0)
                        return -ENOMEM;
                if (!strv_contains(verbs, verb)) {
                        fprintf(stderr, "ipoibctl: --%s is an option of %s only; see ipoibctl --help\n",
                                option_name(id), option_verbs(id));
                        return -EINVAL;
                }
        }
        return 0;
}

void edit_options_free(void) {
        FOREACH_ARRAY(v, arg_values, ELEMENTSOF(arg_values))
                *v = strv_free(*v);
}

/* "KEY=value" for each value of the option. */
static void put_key(FILE *f, const char *key, int id) {
        STRV_FOREACH(v, VALUES(id))
                fprintf(f, "%s=%s\n", key, *v);
}

/* Does any of the options have a value? Then the section is written. */
static bool any_given(const int *ids, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (VALUES(ids[i]))
                        return true;
        return false;
}

/* --route DEST[,via=GW][,metric=N] as a [Route] section. */
static int put_route(FILE *f, const char *spec) {
        _cleanup_free_ char *copy = strdup(spec);
        char *state = NULL, *tok;
        bool first = true;

        if (!copy)
                return -ENOMEM;
        fprintf(f, "\n[Route]\n");
        for (tok = strtok_r(copy, ",", &state); tok; tok = strtok_r(NULL, ",", &state), first = false) {
                const char *v;

                if ((v = startswith(tok, "via=")))
                        fprintf(f, "Gateway=%s\n", v);
                else if ((v = startswith(tok, "metric=")))
                        fprintf(f, "Metric=%s\n", v);
                else if (first && !strchr(tok, '='))
                        fprintf(f, "Destination=%s\n", tok);
                else {
                        fprintf(stderr, "ipoibctl add: --route %s: \"%s\" is not DEST, via=GW or metric=N\n", spec,
                                tok);
                        return -EINVAL;
                }
        }
        return 0;
}

/* The file "add" writes: the options one to one as keys, in the sections of ibnet(5). With --pkey
 * the file describes a P_Key child and [Match] names its parent, as the file format has it. */
static int add_text(const char *name, char **ret) {
        static const int match[] = { ARG_NAME, ARG_GUID, ARG_DEVICE, ARG_PORT, ARG_TYPE },
                         network[] = { ARG_ADDRESS, ARG_GATEWAY, ARG_DNS, ARG_DOMAIN };
        _cleanup_free_ char *s = NULL;
        size_t size = 0;
        FILE *f;
        int r = 0;

        f = open_memstream(&s, &size);
        if (!f)
                return -ENOMEM;
        fprintf(f, "# %s, written by ipoibctl add; see ibnet(5).\n", name);
        if (any_given(match, ELEMENTSOF(match)))
                fprintf(f, "\n[Match]\n");
        put_key(f, "Name", ARG_NAME);
        put_key(f, "GUID", ARG_GUID);
        put_key(f, "Device", ARG_DEVICE);
        put_key(f, "Port", ARG_PORT);
        put_key(f, "Type", ARG_TYPE);
        if (VALUES(ARG_PKEY) || VALUES(ARG_CHILD_NAME))
                fprintf(f, "\n[Partition]\n");
        put_key(f, "PKey", ARG_PKEY);
        put_key(f, "Name", ARG_CHILD_NAME);
        if (VALUES(ARG_MTU))
                fprintf(f, "\n[Link]\n");
        put_key(f, "MTU", ARG_MTU);
        if (VALUES(ARG_MODE))
                fprintf(f, "\n[IPoIB]\n");
        put_key(f, "Mode", ARG_MODE);
        if (any_given(network, ELEMENTSOF(network)))
                fprintf(f, "\n[Network]\n");
        put_key(f, "Address", ARG_ADDRESS);
        put_key(f, "Gateway", ARG_GATEWAY);
        put_key(f, "DNS", ARG_DNS);
        put_key(f, "Domains", ARG_DOMAIN);
        STRV_FOREACH(v, VALUES(ARG_ROUTE))
                if (r >= 0)
                        r = put_route(f, *v);
        if (fclose(f) != 0)
                return -ENOMEM;
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

/* networkctl edit's template for a new file: every section, commented, to fill in. */
static const char TEMPLATE[] =
        "# %s: a new configuration file. Lines starting with # are comments;\n"
        "# uncomment and fill in what you need. See ibnet(5) for every key.\n"
        "\n"
        "[Match]\n"
        "#Name=ib0\n"
        "#GUID=0002:c903:0001:2345\n"
        "#Device=mlx5_0\n"
        "#Port=1\n"
        "#Type=infiniband\n"
        "\n"
        "#[Partition]\n"
        "#PKey=0x8002\n"
        "#Name=ib0.8002\n"
        "\n"
        "#[Link]\n"
        "#MTU=max\n"
        "\n"
        "#[IPoIB]\n"
        "#Mode=datagram\n"
        "\n"
        "[Network]\n"
        "#Address=192.0.2.1/24\n"
        "#Gateway=192.0.2.254\n"
        "#DNS=192.0.2.53\n"
        "#Domains=example.com\n"
        "\n"
        "#[Route]\n"
        "#Destination=198.51.100.0/24\n"
        "#Gateway=192.0.2.254\n"
        "#Metric=100\n";

/* "10-ib0" or "10-ib0.ibnet" → "10-ib0.ibnet" (suffix ".ibnet"); drop-ins likewise with ".conf". A
 * name, not a path: files go into the first configuration directory. */
static int file_name(const char *verb, const char *arg, const char *suffix, char **ret) {
        char *s;

        if (isempty(arg) || arg[0] == '.' || strchr(arg, '/') || streq(arg, suffix)) {
                fprintf(stderr, "ipoibctl %s: \"%s\" is not a file name (NAME or NAME%s, no directory)\n", verb,
                        arg, suffix);
                return -EINVAL;
        }
        if (asprintf(&s, "%s%s", arg, endswith(arg, suffix) ? "" : suffix) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* What edit and add write: the file's name, the drop-in's (or NULL), where it goes. */
typedef struct Target {
        char *name;   /* NAME.ibnet */
        char *dropin; /* DROPIN.conf, or NULL for the main file */
        char *dir;    /* the directory it goes into */
        char *path;   /* dir/name or dir/name.d/dropin */
        char *tmp;    /* the hidden temporary file next to it, while there is one */
} Target;

static void target_done(Target *t) {
        if (t->tmp)
                (void) unlink(t->tmp);
        free(t->name);
        free(t->dropin);
        free(t->dir);
        free(t->path);
        free(t->tmp);
        *t = (Target) {};
}

static int target_init(const char *verb, const char *name, const char *dropin, Target *t) {
        const char *dir = config_dirs()[0];
        int r;

        r = file_name(verb, name, ".ibnet", &t->name);
        if (r >= 0 && dropin)
                r = file_name(verb, dropin, ".conf", &t->dropin);
        if (r < 0)
                return r;
        if (t->dropin)
                r = asprintf(&t->dir, "%s/%s.d", dir, t->name);
        else
                t->dir = strdup(dir);
        if (r < 0 || !t->dir || asprintf(&t->path, "%s/%s", t->dir, t->dropin ?: t->name) < 0)
                return -ENOMEM;
        return 0;
}

static int mkdir_p(const char *path, mode_t mode) {
        _cleanup_free_ char *copy = strdup(path);

        if (!copy)
                return -ENOMEM;
        for (char *p = copy + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        if (mkdir(copy, mode) < 0 && errno != EEXIST)
                                return negative_errno();
                        *p = '/';
                }
        return mkdir(copy, mode) < 0 && errno != EEXIST ? negative_errno() : 0;
}

/* The text into t->tmp, a new hidden file in t->dir with the mode and owner of an installed file
 * (0644; root's when run as root), flushed to disk so that the rename installs all of it. */
static int target_write_tmp(Target *t, const char *text) {
        _cleanup_close_ int fd = -EBADF;
        size_t len = strlen(text);
        int r;

        if (!t->tmp) {
                r = mkdir_p(t->dir, 0755);
                if (r < 0)
                        return r;
                if (asprintf(&t->tmp, "%s/.#%sXXXXXX", t->dir, t->dropin ?: t->name) < 0)
                        return -ENOMEM;
                fd = mkostemp(t->tmp, O_CLOEXEC);
                if (fd < 0) {
                        r = negative_errno();
                        t->tmp = mfree(t->tmp);
                        return r;
                }
        } else {
                fd = open(t->tmp, O_WRONLY | O_TRUNC | O_CLOEXEC);
                if (fd < 0)
                        return negative_errno();
        }
        if (fchmod(fd, 0644) < 0)
                return negative_errno();
        for (size_t done = 0; done < len;) {
                ssize_t n = write(fd, text + done, len - done);

                if (n < 0)
                        return negative_errno();
                done += (size_t) n;
        }
        return fsync(fd) < 0 ? negative_errno() : 0;
}

static int target_install(Target *t) {
        if (rename(t->tmp, t->path) < 0)
                return negative_errno();
        t->tmp = mfree(t->tmp);
        return 0;
}

static int conf_file_cmp(const void *a, const void *b) {
        return strcmp(((const ConfFile *) a)->name, ((const ConfFile *) b)->name);
}

static int str_basename_cmp(const void *a, const void *b) {
        const char *x = *(char *const *) a, *y = *(char *const *) b;

        return strcmp(strrchr(x, '/') ? strrchr(x, '/') + 1 : x, strrchr(y, '/') ? strrchr(y, '/') + 1 : y);
}

/* The search path as the agent would see it with t->tmp installed as t->path: the file of that name
 * replaced (or added, in name order), or the drop-in of that name replaced (or added, in order). */
static int files_with_target(const Target *t, ConfFileList *files, ConfFile **ret) {
        ConfFile *f = NULL;
        int r;

        r = conf_files_list(config_dirs(), files);
        if (r < 0)
                return r;
        FOREACH_ARRAY(x, files->files, files->n)
                if (streq(x->name, t->name))
                        f = x;
        if (t->dropin) {
                if (!f)
                        return -ENOENT; /* a drop-in of nothing */
                *ret = f;
                for (size_t i = 0; f->dropins && f->dropins[i]; i++)
                        if (str_basename_cmp(&f->dropins[i], &t->path) == 0) {
                                free(f->dropins[i]);
                                f->dropins[i] = strdup(t->tmp);
                                return f->dropins[i] ? 0 : -ENOMEM;
                        }
                r = strv_extend(&f->dropins, t->tmp);
                if (r < 0)
                        return r;
                qsort(f->dropins, strv_length(f->dropins), sizeof(char *), str_basename_cmp);
                return 0;
        }
        if (f) {
                free(f->path);
                f->path = strdup(t->tmp);
                *ret = f;
                return f->path ? 0 : -ENOMEM;
        }
        if (!GREEDY_REALLOC(files->files, files->allocated, files->n + 1))
                return -ENOMEM;
        f = &files->files[files->n];
        *f = (ConfFile) { .name = strdup(t->name), .path = strdup(t->tmp) };
        if (!f->name || !f->path)
                return -ENOMEM;
        files->n++;
        qsort(files->files, files->n, sizeof(ConfFile), conf_file_cmp);
        FOREACH_ARRAY(x, files->files, files->n)
                if (streq(x->name, t->name))
                        *ret = x;
        return 0;
}

/* s with every "from" replaced by "to". */
static char *str_replace_all(const char *s, const char *from, const char *to) {
        char *out = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&out, &size);
        const char *p;

        if (!f)
                return NULL;
        while ((p = strstr(s, from))) {
                fwrite(s, 1, (size_t) (p - s), f);
                fputs(to, f);
                s = p + strlen(from);
        }
        fputs(s, f);
        return fclose(f) == 0 ? out : mfree(out);
}

/* Validates t->tmp as t->path, together with every other file of the search path, as the agent would
 * load them. Prints the problems of the file (and, for a drop-in, of its main file), with the path it
 * will have, on stderr. Returns 0 when the file would be used, 1 when not, or -errno. */
static int target_validate(const char *verb, const Target *t) {
        _cleanup_(conf_file_list_done) ConfFileList files = {};
        _cleanup_(ib_config_done) IbConfig cfg = {};
        _cleanup_(diag_list_done) DiagList diags = {};
        const char *main_path;
        ConfFile *f = NULL;
        bool valid = false;
        int r;

        r = files_with_target(t, &files, &f);
        if (r == -ENOENT) {
                fprintf(stderr, "ipoibctl %s: there is no %s to add the drop-in %s to\n", verb, t->name, t->dropin);
                return 1;
        }
        if (r < 0)
                return r;
        main_path = f->path;
        r = ib_config_load(&files, geteuid() == 0 ? LOAD_CHECK_PERMISSIONS : 0, &diags, &cfg);
        if (r < 0)
                return r;
        diag_sort(&diags);
        FOREACH_ARRAY(e, cfg.entries, cfg.n)
                if (streq(e->name, t->name))
                        valid = e->network != NULL;
        FOREACH_ARRAY(d, diags.items, diags.n) {
                _cleanup_free_ char *s = NULL, *shown = NULL;

                if (!streq(d->path, t->tmp) && !streq(d->path, main_path) && !strstr(d->message, t->tmp))
                        continue;
                s = diag_format(d);
                shown = s ? str_replace_all(s, t->tmp, t->path) : NULL;
                if (!shown)
                        return -ENOMEM;
                fprintf(stderr, "%s\n", shown);
        }
        return valid ? 0 : 1;
}

/* Asks the agent to read its files again, through the reload verb (so that its report is the same),
 * unless --no-reload. An agent that is not running is no failure: what was asked of the files is
 * done (written after a check, or removed), and the agent reads them when it starts; a note says that
 * nothing was applied. Any other failure to reach it (permission, a broken answer) is one. */
static int maybe_reload(const char *done) {
        static char *argv[] = { (char *) "reload", NULL };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;

        if (arg_no_reload)
                return 0;
        if (agent_open_quiet(&bus) == -ESRCH) {
                fprintf(stderr, "ipoibctl: note: ipoib-agent is not running, so nothing was applied; %s, and the "
                        "agent reads the files when it starts.\n", done);
                return 0;
        }
        bus = sd_bus_flush_close_unref(bus);
        return verb_reload(1, argv);
}

static bool file_exists(const char *path) {
        return access(path, F_OK) == 0;
}

int verb_add(int argc, char *argv[]) {
        _cleanup_(target_done) Target t = {};
        _cleanup_free_ char *text = NULL;
        int r;

        r = target_init("add", argv[1], NULL, &t);
        if (r < 0)
                return r;
        if (file_exists(t.path) && !arg_force) {
                fprintf(stderr, "ipoibctl add: %s exists; --force replaces it, ipoibctl edit %s changes it\n",
                        t.path, argv[1]);
                return 1;
        }
        r = add_text(t.name, &text);
        if (r < 0)
                return r;
        r = target_write_tmp(&t, text);
        if (r < 0) {
                fprintf(stderr, "ipoibctl add: cannot write into %s: %s\n", t.dir, strerror(-r));
                return 1;
        }
        r = target_validate("add", &t);
        if (r != 0) {
                if (r > 0)
                        fprintf(stderr, "ipoibctl add: %s not written: it has errors\n", t.path);
                return r < 0 ? r : 1;
        }
        r = target_install(&t);
        if (r < 0)
                return r;
        printf("Wrote %s.\n", t.path);
        return maybe_reload("the file is in place and checked");
}

/* What edit starts from: the file installed there, else the one of that name the search path has
 * elsewhere (/usr/lib/ipoib.d, to override it, as systemctl edit --full does), else the template. */
static int edit_initial_text(const Target *t, char **ret, bool *ret_new) {
        _cleanup_(conf_file_list_done) ConfFileList files = {};
        const char *from = file_exists(t->path) ? t->path : NULL;
        _cleanup_free_ char *s = NULL;
        int r;

        if (!from && !t->dropin) {
                r = conf_files_list(config_dirs(), &files);
                if (r < 0)
                        return r;
                FOREACH_ARRAY(f, files.files, files.n)
                        if (streq(f->name, t->name))
                                from = f->path;
        }
        *ret_new = !from;
        if (from)
                return read_full_file(from, ret);
        if (asprintf(&s, TEMPLATE, t->dropin ?: t->name) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(s);
        return 0;
}

/* $VISUAL, else $EDITOR, else vi, on path, through the shell (EDITOR="code -w" works, as with git). */
static int run_editor(const char *path) {
        const char *editor = getenv("VISUAL");
        int status;
        pid_t pid;

        if (isempty(editor))
                editor = getenv("EDITOR");
        if (isempty(editor))
                editor = "vi";
        pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0) {
                _cleanup_free_ char *cmd = NULL;

                if (asprintf(&cmd, "%s \"$1\"", editor) >= 0)
                        execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *) NULL);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                fprintf(stderr, "ipoibctl edit: the editor (%s) failed; nothing installed\n", editor);
                return -ECANCELED;
        }
        return 0;
}

/* On a terminal: "Edit again? [Y/n]". Elsewhere no one can answer: no. */
static bool ask_edit_again(void) {
        char buf[16];

        if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
                return false;
        fprintf(stderr, "Edit again? [Y/n] ");
        if (!fgets(buf, sizeof(buf), stdin))
                return false;
        return buf[0] == '\n' || buf[0] == 'y' || buf[0] == 'Y';
}

int verb_edit(int argc, char *argv[]) {
        _cleanup_(target_done) Target t = {};
        _cleanup_free_ char *text = NULL, *after = NULL;
        bool is_new;
        int r;

        r = target_init("edit", argv[1], VALUES(ARG_DROP_IN) ? VALUES(ARG_DROP_IN)[0] : NULL, &t);
        if (r < 0)
                return r;
        r = edit_initial_text(&t, &text, &is_new);
        if (r >= 0)
                r = target_write_tmp(&t, text);
        if (r < 0) {
                fprintf(stderr, "ipoibctl edit: cannot prepare a copy of %s: %s\n", t.path, strerror(-r));
                return 1;
        }
        for (;;) {
                r = run_editor(t.tmp);
                if (r < 0)
                        return 1; /* said why */
                after = mfree(after);
                r = read_full_file(t.tmp, &after);
                if (r < 0)
                        return r;
                /* Unchanged: nothing to install, also for a copy of a file of another directory. */
                if (!is_new && streq(after, text)) {
                        printf("%s unchanged.\n", t.path);
                        return 0;
                }
                r = target_validate("edit", &t);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (!ask_edit_again()) {
                        fprintf(stderr, "ipoibctl edit: %s has errors; %s\n", t.path,
                                file_exists(t.path) ? "the installed file is unchanged" : "nothing installed");
                        return 1;
                }
        }
        r = target_install(&t);
        if (r < 0)
                return r;
        printf("Wrote %s.\n", t.path);
        return maybe_reload("the file is in place and checked");
}

/* Removes dir's files and dir itself (a drop-in directory: files only, no subdirectories). */
static int remove_dropin_dir(const char *dir) {
        _cleanup_closedir_ DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return errno == ENOENT ? 0 : negative_errno();
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (unlinkat(dirfd(d), de->d_name, 0) < 0)
                        return negative_errno();
        }
        return rmdir(dir) < 0 ? negative_errno() : 0;
}

/* The name in another directory of the search path, which ipoibctl does not write. */
static const char *found_elsewhere(const ConfFileList *files, const char *name) {
        FOREACH_ARRAY(f, files->files, files->n)
                if (streq(f->name, name))
                        return f->path;
        return NULL;
}

static int delete_one(const ConfFileList *files, const char *arg, bool *removed) {
        _cleanup_(target_done) Target t = {};
        _cleanup_free_ char *dropins = NULL;
        int r;

        r = target_init("delete", arg, NULL, &t);
        if (r < 0)
                return r;
        if (unlink(t.path) < 0) {
                const char *other = found_elsewhere(files, t.name);

                if (errno != ENOENT)
                        fprintf(stderr, "ipoibctl delete: %s: %s\n", t.path, strerror(errno));
                else if (other)
                        fprintf(stderr, "ipoibctl delete: %s is not in %s but %s; an empty %s masks it\n", t.name,
                                t.dir, other, t.path);
                else
                        fprintf(stderr, "ipoibctl delete: no %s in %s\n", t.name, t.dir);
                return 1;
        }
        *removed = true;
        printf("Removed %s.\n", t.path);
        if (asprintf(&dropins, "%s.d", t.path) < 0)
                return -ENOMEM;
        if (arg_drop_ins) {
                r = remove_dropin_dir(dropins);
                if (r < 0) {
                        fprintf(stderr, "ipoibctl delete: %s: %s\n", dropins, strerror(-r));
                        return 1;
                }
        } else if (file_exists(dropins))
                fprintf(stderr, "ipoibctl delete: its drop-ins in %s stay (--drop-ins removes them)\n", dropins);
        return 0;
}

int verb_delete(int argc, char *argv[]) {
        _cleanup_(conf_file_list_done) ConfFileList files = {};
        bool removed = false;
        int r, ret = 0;

        r = conf_files_list(config_dirs(), &files);
        if (r < 0)
                return r;
        for (int i = 1; i < argc; i++) {
                r = delete_one(&files, argv[i], &removed);
                if (r < 0)
                        return r;
                ret = ret ?: r;
        }
        if (removed) {
                /* The agent removes what it created for those files, and only that. */
                r = maybe_reload("the files are removed");
                ret = ret ?: r;
        }
        return ret;
}
