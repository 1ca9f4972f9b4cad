/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>

#include "macros.h"
#include "safe-file.h"

static void why_set(char *why, const char *fmt, ...) _printf_(2, 3);
static void why_set(char *why, const char *fmt, ...) {
        va_list ap;

        if (!why)
                return;
        va_start(ap, fmt);
        (void) vsnprintf(why, SAFE_FILE_WHY_MAX, fmt, ap);
        va_end(ap);
}

const char *safe_file_type_name(mode_t mode) {
        switch (mode & S_IFMT) {
        case S_IFREG:
                return "a regular file";
        case S_IFDIR:
                return "a directory";
        case S_IFIFO:
                return "a FIFO";
        case S_IFSOCK:
                return "a socket";
        case S_IFCHR:
                return "a character device";
        case S_IFBLK:
                return "a block device";
        case S_IFLNK:
                return "a symbolic link";
        }
        return "of an unknown type";
}

/* The effective UID, asked once: the trust check runs per configuration file (10,000 of them). The
 * agent and ipoibctl never change it. */
static uid_t effective_uid(void) {
        static uid_t cached = (uid_t) -1;

        if (cached == (uid_t) -1)
                cached = geteuid();
        return cached;
}

int safe_file_check_trust(const struct stat *st, const char *what, char *why) {
        uid_t me = effective_uid();
        const char *sep = isempty(what) ? "" : " ";

        if (st->st_uid != 0 && st->st_uid != me) {
                if (me == 0)
                        why_set(why, "%s%sowned by uid %u, not root", strempty(what), sep, (unsigned) st->st_uid);
                else
                        why_set(why, "%s%sowned by uid %u, neither root nor uid %u", strempty(what), sep,
                                (unsigned) st->st_uid, (unsigned) me);
                return -EPERM;
        }
        if (st->st_mode & (S_IWGRP | S_IWOTH)) {
                why_set(why, "%s%swritable by %s (mode %04o)", strempty(what), sep,
                        (st->st_mode & S_IWOTH) ? "everyone" : "its group", (unsigned) (st->st_mode & 07777));
                return -EACCES;
        }
        return 0;
}

/* The directory of path, opened and checked; *ret_base points into path. */
static int open_trusted_dir(const char *path, const char **ret_base, char *why) {
        const char *slash = strrchr(path, '/');
        _cleanup_free_ char *dir = NULL, *what = NULL;
        _cleanup_close_ int dfd = -EBADF;
        struct stat st;
        int r;

        dir = !slash ? strdup(".") : slash == path ? strdup("/") : strndup(path, (size_t) (slash - path));
        if (!dir)
                return -ENOMEM;
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return negative_errno();
        if (fstat(dfd, &st) < 0)
                return negative_errno();
        if (asprintf(&what, "its directory %s is", dir) < 0)
                return -ENOMEM;
        r = safe_file_check_trust(&st, what, why);
        if (r < 0)
                return r;
        *ret_base = slash ? slash + 1 : path;
        return TAKE_FD(dfd);
}

/* safe_file_open() relative to dirfd (AT_FDCWD: as open()), and what fstat() said of the file opened. */
static int safe_file_openat_stat(int dirfd, const char *path, SafeFileFlags flags, size_t max_size, struct stat *st,
                                 char *why) {
        _cleanup_close_ int dfd = -EBADF, fd = -EBADF;
        const char *base = path;
        int oflags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
        int r;

        if (why)
                why[0] = 0;
        if (flags & SAFE_FILE_NOFOLLOW)
                oflags |= O_NOFOLLOW;
        if (flags & SAFE_FILE_TRUST_DIR) {
                if (dirfd != AT_FDCWD && path[0] != '/')
                        return -EINVAL; /* open_trusted_dir() names the directory by path */
                dfd = open_trusted_dir(path, &base, why);
                if (dfd < 0)
                        return dfd;
                dirfd = dfd;
        }
        /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. */
        fd = openat(dirfd, base, oflags);
        if (fd < 0) {
                r = negative_errno();
                if (r == -ELOOP && (flags & SAFE_FILE_NOFOLLOW))
                        why_set(why, "a symbolic link, which is not followed here");
                return r;
        }
        if (fstat(fd, st) < 0)
                return negative_errno();
        if (!S_ISREG(st->st_mode)) {
                why_set(why, "not a regular file (%s)", safe_file_type_name(st->st_mode));
                return -EBADFD;
        }
        if (max_size == 0)
                max_size = SAFE_FILE_SIZE_MAX;
        if ((uintmax_t) st->st_size > max_size) {
                why_set(why, "too large (%jd bytes; the limit is %zu)", (intmax_t) st->st_size, max_size);
                return -EFBIG;
        }
        if (flags & SAFE_FILE_TRUST) {
                r = safe_file_check_trust(st, "", why);
                if (r < 0)
                        return r;
        }
        return TAKE_FD(fd);
}

int safe_file_open(const char *path, SafeFileFlags flags, size_t max_size, char *why) {
        struct stat st;

        return safe_file_openat_stat(AT_FDCWD, path, flags, max_size, &st, why);
}

int safe_file_read_at(int dirfd, const char *path, SafeFileFlags flags, size_t max_size, char **ret,
                      size_t *ret_size, struct stat *ret_st, char *why) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *buf = NULL;
        size_t n = 0, allocated = 0;
        struct stat st;

        if (max_size == 0)
                max_size = SAFE_FILE_SIZE_MAX;
        fd = safe_file_openat_stat(dirfd, path, flags, max_size, &st, why);
        if (fd < 0)
                return fd;
        /* The size fstat() gave, plus 2: one read() fills it, and a short read of a regular file is its
         * end, so a file of a few hundred bytes costs one read() and one allocation, not a 64 KiB buffer
         * and a second read() for the end. One byte beyond the size tells a file that grew since
         * fstat(): then the loop reads on, up to one byte beyond the limit. */
        allocated = MIN((size_t) st.st_size, max_size) + 2;
        buf = malloc(allocated);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                size_t want;
                ssize_t k;

                if (n + 1 >= allocated &&
                    !GREEDY_REALLOC(buf, allocated, MIN(n + 65536, max_size + 2)))
                        return -ENOMEM;
                want = allocated - n - 1;
                k = read(fd, buf + n, want);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n > max_size) {
                        why_set(why, "too large (more than %zu bytes)", max_size);
                        return -EFBIG;
                }
                if ((size_t) k < want)
                        break; /* a short read of a regular file: its end */
        }
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        if (ret_size)
                *ret_size = n;
        if (ret_st)
                *ret_st = st;
        return 0;
}

int safe_file_read(const char *path, SafeFileFlags flags, size_t max_size, char **ret, size_t *ret_size,
                   char *why) {
        return safe_file_read_at(AT_FDCWD, path, flags, max_size, ret, ret_size, NULL, why);
}
