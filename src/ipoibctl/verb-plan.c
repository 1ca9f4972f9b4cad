/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* ipoibctl plan: what a reload would do. By default the files on disk now (or --config-dir) against
 * the kernel now (or the --simulate fabric), worked out by the agent's own code in a dry run
 * (ipoib-agent --dry-run changes nothing); --running asks the running agent about the files it runs.
 * The diff reads like terraform's: + adds, - removes, ~ changes; exit 0 nothing to change, 2 changes,
 * 1 errors (a file a reload would reject, no agent). */

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent-bus.h"
#include "diag.h"
#include "ipoibctl.h"
#include "macros.h"
#include "status-print.h"
#include "strv.h"

char *arg_simulate = NULL;
bool arg_running = false;

const char *agent_path(void) {
        const char *e = getenv("IPOIB_AGENT");

        return !isempty(e) ? e : AGENT_PATH;
}

/* The dry run's argv: the agent with the search path, the fabric or the runtime directory. */
static char **dry_run_argv(const char *tmpdir) {
        _cleanup_strv_free_ char **a = NULL;
        const char *rt = arg_runtime_dir ?: getenv("IPOIB_RUNTIME_DIR");

        if (strv_extend(&a, agent_path()) < 0 || strv_extend(&a, "--dry-run") < 0 ||
            strv_extend(&a, "--log-level=warning") < 0)
                return NULL;
        STRV_FOREACH(d, arg_config_dirs)
                if (strv_extend(&a, "--config-dir") < 0 || strv_extend(&a, *d) < 0)
                        return NULL;
        if (arg_simulate) {
                /* The fabric's state goes to a directory of its own: nothing of a running agent's. */
                if (strv_extend(&a, "--simulate") < 0 || strv_extend(&a, arg_simulate) < 0 ||
                    strv_extend(&a, "--runtime-dir") < 0 || strv_extend(&a, tmpdir) < 0)
                        return NULL;
        } else if (!isempty(rt)) {
                /* The ownership record: what the agent created is what a reload may remove. */
                if (strv_extend(&a, "--runtime-dir") < 0 || strv_extend(&a, rt) < 0)
                        return NULL;
        }
        return TAKE_PTR(a);
}

static int read_all(int fd, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t n = 0, allocated = 0;

        for (;;) {
                ssize_t k;

                if (!GREEDY_REALLOC(buf, allocated, n + 4096 + 1))
                        return -ENOMEM;
                k = read(fd, buf + n, allocated - n - 1);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        return 0;
}

int agent_dry_run(json_object **ret, bool quiet) {
        char tmpdir[] = "/tmp/ipoibctl-plan-XXXXXX";
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *out = NULL;
        int pipefd[2], status, r;
        pid_t pid;

        if (arg_simulate && !mkdtemp(tmpdir))
                return -errno;
        argv = dry_run_argv(tmpdir);
        if (!argv)
                return -ENOMEM;
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -errno;
        pid = fork();
        if (pid < 0) {
                r = -errno;
                close(pipefd[0]);
                close(pipefd[1]);
                return r;
        }
        if (pid == 0) {
                if (dup2(pipefd[1], STDOUT_FILENO) < 0)
                        _exit(127);
                if (quiet) {
                        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

                        if (null < 0 || dup2(null, STDERR_FILENO) < 0)
                                _exit(127);
                }
                execv(argv[0], argv);
                fprintf(stderr, "ipoibctl: cannot run %s: %s\n", argv[0], strerror(errno));
                _exit(127);
        }
        close(pipefd[1]);
        r = read_all(pipefd[0], &out);
        close(pipefd[0]);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (arg_simulate) {
                _cleanup_free_ char *cmd = NULL;

                /* The fabric's view files: a tree the dry run made under our fresh directory. */
                if (asprintf(&cmd, "rm -rf -- '%s'", tmpdir) >= 0)
                        (void) !system(cmd);
        }
        if (r < 0)
                return r;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
                return -ENOEXEC; /* exec failed ($IPOIB_AGENT, or the agent is not installed) */
        if (!WIFEXITED(status) || WEXITSTATUS(status) > 2)
                return -EPROTO;
        *ret = json_tokener_parse(out);
        if (!*ret)
                return -EBADMSG;
        return WEXITSTATUS(status);
}

static char action_sign(const char *action) {
        if (startswith(action, "add-") || startswith(action, "create-") || streq(action, "set-up"))
                return '+';
        if (startswith(action, "remove-") || startswith(action, "delete-") || streq(action, "set-down"))
                return '-';
        return '~';
}

/* One line per action, terraform-like; returns how many lines. */
static size_t print_plan(json_object *j) {
        json_object *links = json_get(j, "links");
        size_t shown = 0;

        for (size_t i = 0; i < json_array_len(links); i++) {
                json_object *l = json_object_array_get_idx(links, i), *acts = json_get(l, "actions");
                const char *name = json_get_str(l, "name");

                for (size_t k = 0; k < json_array_len(acts); k++, shown++) {
                        const char *a = json_object_get_string(json_object_array_get_idx(acts, k));
                        char sign = action_sign(a);
                        const char *color = sign == '+' ? ANSI_GREEN : sign == '-' ? ANSI_RED : ANSI_YELLOW;

                        printf("%s%c%s %s: %s\n", ansi(color), sign, ansi(ANSI_NORMAL), name, a);
                }
                if (json_get_str(l, "blocked")) {
                        printf("! %s: blocked: %s\n", name, json_get_str(l, "blocked"));
                        shown++;
                }
        }
        return shown;
}

/* PlanFiles() of the running agent: its search path read as a reload would, against its own state
 * (its backend, what it learned). -ESRCH when no agent runs (said on stderr). */
static int plan_files_of_agent(json_object **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *text;
        int r;

        r = agent_open(&bus);
        if (r < 0)
                return r;
        r = agent_call_on(bus, "PlanFiles", &reply, NULL);
        if (r < 0)
                return -ENOTCONN;
        r = sd_bus_message_read(reply, "s", &text);
        if (r < 0)
                return r;
        *ret = json_tokener_parse(text);
        return *ret ? 0 : -EBADMSG;
}

static int plan_running(json_object **ret_plan, json_object **ret_view) {
        if (agent_json("Plan", ret_plan) < 0)
                return -ENOTCONN;
        return agent_json("Describe", ret_view) < 0 ? -ENOTCONN : 0;
}

/* The plan of the files on disk: from the running agent when it runs (it knows its backend and what it
 * learned), else from a dry run here. Its status as agent_dry_run()'s (0, 2, 1: files with errors);
 * -1 when the reason has been said and there is nothing to print. */
static int plan_files(json_object **ret) {
        int status = -ESRCH;

        if (!arg_config_dirs && !arg_simulate) {
                status = plan_files_of_agent(ret);
                if (status == -ESRCH)
                        fprintf(stderr, "ipoibctl plan: planning against the kernel here instead.\n");
                else if (status < 0)
                        return -1;
                else if (json_object_get_int64(json_get(*ret, "rejected")) > 0) {
                        fprintf(stderr, "ipoibctl plan: %" PRId64 " file(s) with errors keep their running "
                                        "version (see ipoibctl check).\n",
                                json_object_get_int64(json_get(*ret, "rejected")));
                        return 1;
                }
                if (status != -ESRCH)
                        return status;
        }
        status = agent_dry_run(ret, false);
        if (status == -ENOEXEC)
                fprintf(stderr, "ipoibctl: cannot run %s (is the agent installed? $IPOIB_AGENT names another)\n",
                        agent_path());
        else if (status < 0)
                fprintf(stderr, "ipoibctl: the dry run of %s failed: %s\n", agent_path(), strerror(-status));
        else if (status == 1)
                /* Its stderr named them. A reload keeps their running version, which a fresh dry run does
                 * not know: a plan without them would be wrong. */
                fprintf(stderr, "ipoibctl plan: fix the files above (a reload keeps their running "
                                "version), then plan again.\n");
        return status < 0 || status == 1 ? -1 : status;
}

static int config_dirs_ok(void) {
        _cleanup_(diag_list_done) DiagList diags = {};

        if (check_config_dirs(&diags) == 0)
                return 0;
        FOREACH_ARRAY(d, diags.items, diags.n) {
                _cleanup_free_ char *t = diag_format(d);

                fprintf(stderr, "%s\n", strna(t));
        }
        return -EINVAL;
}

int verb_plan(int argc, char *argv[]) {
        _cleanup_(json_object_putp) json_object *j = NULL, *running_view = NULL;
        json_object *view, *links;
        size_t shown, n_changes = 0;
        int status = 0, r;

        if (arg_running && arg_simulate) {
                fprintf(stderr, "ipoibctl plan: --running and --simulate do not go together\n");
                return -EINVAL;
        }
        if (arg_running) {
                if (plan_running(&j, &running_view) < 0)
                        return 1;
                view = running_view;
        } else {
                if (config_dirs_ok() < 0)
                        return 1;
                status = plan_files(&j);
                if (status < 0)
                        return 1;
                view = json_get(j, "view");
        }
        r = argc > 1 ? names_check(view, argc, argv) : 0;
        if (argc > 1)
                links_keep(j, argc, argv);
        links = json_get(j, "links");
        for (size_t i = 0; i < json_array_len(links); i++)
                n_changes += json_array_len(json_get(json_object_array_get_idx(links, i), "actions"));
        if (arg_json) {
                json_print(j);
        } else {
                shown = print_plan(j);
                if (shown == 0 && !arg_no_legend)
                        printf("Nothing to change.\n");
                else if (!arg_no_legend)
                        printf("%zu change%s.\n", n_changes, n_changes == 1 ? "" : "s");
        }
        if (r != 0 || status == 1)
                return 1; /* no such link, or files with errors (their running version stays) */
        return n_changes > 0 ? 2 : 0;
}
