/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "log.h"

static int max_level = LOG_INFO;
static bool use_journal = false;

void log_setup(void) {
        /* systemd sets $JOURNAL_STREAM to "DEV:INODE" of the stream it gave us as stderr. Use the
         * native protocol (with INTERFACE= fields) only when stderr still is that stream and the
         * journal's socket exists: sd_journal_sendv() silently drops messages when it does not. */
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        use_journal = e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) >= 0 &&
                (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino &&
                access("/run/systemd/journal/socket", W_OK) >= 0;
}

int log_get_max_level(void) {
        return max_level;
}

void log_set_max_level(int level) {
        max_level = level;
}

int log_level_from_string(const char *s) {
        static const char *const names[] = {
                [LOG_EMERG] = "emerg", [LOG_ALERT] = "alert",   [LOG_CRIT] = "crit",
                [LOG_ERR] = "err",     [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
                [LOG_INFO] = "info",   [LOG_DEBUG] = "debug",
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (strcasecmp(s, names[i]) == 0)
                        return (int) i;
        if (strcasecmp(s, "error") == 0)
                return LOG_ERR;
        if (s[0] >= '0' && s[0] <= '7' && s[1] == 0)
                return s[0] - '0';
        return -EINVAL;
}

int log_internal(int level, int error, const char *file, int line, const char *func, const char *ifname,
                 const char *fmt, ...) {
        char msg[2048];
        va_list ap;
        int saved = errno;

        if (error < 0)
                error = -error;
        errno = error; /* so that %m works */
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);

        if (use_journal) {
                char m[2200], p[32], f[300], l[32], fn[160], ifn[64], e[32];
                struct iovec iov[7];
                int n = 0;

                snprintf(m, sizeof(m), "MESSAGE=%s%s%s", ifname ?: "", ifname ? ": " : "", msg);
                snprintf(p, sizeof(p), "PRIORITY=%d", level);
                snprintf(f, sizeof(f), "CODE_FILE=%s", file);
                snprintf(l, sizeof(l), "CODE_LINE=%d", line);
                snprintf(fn, sizeof(fn), "CODE_FUNC=%s", func);
                iov[n++] = (struct iovec) { m, strlen(m) };
                iov[n++] = (struct iovec) { p, strlen(p) };
                iov[n++] = (struct iovec) { f, strlen(f) };
                iov[n++] = (struct iovec) { l, strlen(l) };
                iov[n++] = (struct iovec) { fn, strlen(fn) };
                if (ifname) {
                        snprintf(ifn, sizeof(ifn), "INTERFACE=%s", ifname);
                        iov[n++] = (struct iovec) { ifn, strlen(ifn) };
                }
                if (error > 0) {
                        snprintf(e, sizeof(e), "ERRNO=%d", error);
                        iov[n++] = (struct iovec) { e, strlen(e) };
                }
                sd_journal_sendv(iov, n);
        } else
                fprintf(stderr, "%s%s%s\n", ifname ?: "", ifname ? ": " : "", msg);
        errno = saved;
        return -error;
}
