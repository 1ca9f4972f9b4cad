/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* PlanFiles(): what a reload would do, asked of the running agent. A reload's first half runs in a
 * forked copy of the agent: the child has the links, the ownership record and the running files as
 * they are now (copy-on-write), reads the files on disk exactly as a reload does (a file with errors
 * keeps its last good version), matches the links again, plans, writes the JSON of --dry-run to a
 * pipe and exits. Nothing in the parent changes, no request is sent; the reply goes out when the
 * child's answer is complete. */

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "describe.h"
#include "link-config.h"
#include "log.h"
#include "plan-files.h"

typedef struct PlanFiles {
        sd_bus_message *msg;
        sd_event_source *source;
        pid_t pid;
        char *buf;
        size_t n, allocated;
} PlanFiles;

static void plan_files_free(PlanFiles *p) {
        if (!p)
                return;
        sd_event_source_disable_unref(p->source); /* closes the pipe: the source owns the fd */
        if (p->pid > 0)
                (void) waitpid(p->pid, NULL, 0);
        sd_bus_message_unref(p->msg);
        free(p->buf);
        free(p);
}

_noreturn_ static void plan_files_child(Manager *m, int fd) {
        _cleanup_free_ char *json = NULL;
        bool changes;
        Link *l;

        log_set_max_level(LOG_CRIT); /* the parent's log is not the place for a plan's matching */
        if (manager_load_config(m, true) < 0)
                _exit(EXIT_FAILURE);
        for (size_t i = 0; intmap_iterate(&m->links, &i, NULL, (void **) &l);) {
                link_retry(l); /* a reload tries failed links again */
                link_rematch(m, l);
        }
        json = dry_run_json(m, &changes);
        if (!json)
                _exit(EXIT_FAILURE);
        for (const char *p = json, *e = json + strlen(json); p < e;) {
                ssize_t k = write(fd, p, (size_t) (e - p));

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        _exit(EXIT_FAILURE);
                p += k;
        }
        _exit(EXIT_SUCCESS);
}

static int plan_files_finish(PlanFiles *p) {
        int status = 0, r;

        while (waitpid(p->pid, &status, 0) < 0)
                if (errno != EINTR) {
                        status = -1;
                        break;
                }
        p->pid = 0;
        if (status != 0 || !p->buf)
                r = sd_bus_reply_method_errorf(p->msg, SD_BUS_ERROR_FAILED, "Planning the files on disk failed.");
        else
                r = sd_bus_reply_method_return(p->msg, "s", p->buf);
        plan_files_free(p);
        return r;
}

static int on_plan_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        PlanFiles *p = userdata;

        for (;;) {
                ssize_t k;

                if (!GREEDY_REALLOC(p->buf, p->allocated, p->n + 65536 + 1)) {
                        (void) sd_bus_reply_method_errorf(p->msg, SD_BUS_ERROR_NO_MEMORY, "Out of memory.");
                        plan_files_free(p);
                        return 0;
                }
                k = read(fd, p->buf + p->n, p->allocated - p->n - 1);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 && errno == EAGAIN)
                        return 0;
                if (k <= 0)
                        break; /* EOF (or an error: the child's exit status tells) */
                p->n += (size_t) k;
                p->buf[p->n] = 0;
        }
        if (p->n == 0)
                p->buf = mfree(p->buf);
        (void) plan_files_finish(p);
        return 0;
}

int manager_plan_files(Manager *m, sd_bus_message *msg) {
        PlanFiles *p;
        int fds[2], r;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        p = calloc(1, sizeof(PlanFiles));
        if (!p) {
                close(fds[0]);
                close(fds[1]);
                return -ENOMEM;
        }
        p->pid = fork();
        if (p->pid < 0) {
                r = -errno;
                close(fds[0]);
                close(fds[1]);
                free(p);
                return r;
        }
        if (p->pid == 0) {
                close(fds[0]);
                plan_files_child(m, fds[1]);
        }
        close(fds[1]);
        (void) fcntl(fds[0], F_SETFL, O_NONBLOCK);
        p->msg = sd_bus_message_ref(msg);
        r = sd_event_add_io(m->event, &p->source, fds[0], EPOLLIN, on_plan_io, p);
        if (r < 0) {
                close(fds[0]);
                plan_files_free(p);
                return r;
        }
        (void) sd_event_source_set_io_fd_own(p->source, true);
        return 1; /* answered later */
}
