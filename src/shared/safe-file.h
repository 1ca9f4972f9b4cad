/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Opening what the agent reads so that it can neither block the loop nor fool it: a FIFO named
 * x.ibnet would block open() and read() forever, a device or a huge file would fill memory, and a
 * record someone else could write would make the agent delete what it never created. One place
 * opens configuration files and the ownership record; it logs nothing and says in *why what it
 * refused, for the caller to report. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* The default limit (max_size 0): a configuration file is a few KiB. Callers with a reason pass more:
 * the parser is specified for 100,000 Address= lines in one file (about 2 MB), and the record of
 * 10,000 links is about as large. */
#define SAFE_FILE_SIZE_MAX ((size_t) 1024 * 1024)

typedef enum SafeFileFlags {
        SAFE_FILE_NOFOLLOW = 1 << 0,  /* a symbolic link is refused (-ELOOP) */
        SAFE_FILE_TRUST = 1 << 1,     /* owned by root or the effective UID, not writable by group/others */
        SAFE_FILE_TRUST_DIR = 1 << 2, /* the same rules for the directory that holds the file */
} SafeFileFlags;

/* Why a file was refused, for messages: "not a regular file (a FIFO)", "too large (...)", ... */
#define SAFE_FILE_WHY_MAX 256

/* Opens path read-only with O_NONBLOCK|O_CLOEXEC (and O_NOFOLLOW with SAFE_FILE_NOFOLLOW) and checks
 * what it opened. Returns the fd, or a negative errno:
 *   from open()/fstat() as they come (-ENOENT, -EACCES, ...), with why empty;
 *   -ELOOP   a symbolic link (with SAFE_FILE_NOFOLLOW);
 *   -EBADFD  not a regular file: why starts with "not a regular file";
 *   -EFBIG   larger than max_size (0: SAFE_FILE_SIZE_MAX): why starts with "too large";
 *   -EPERM   owned by someone else (SAFE_FILE_TRUST, or its directory with SAFE_FILE_TRUST_DIR);
 *   -EACCES  writable by its group or by others (file or directory), with why set;
 *   -ENOTDIR the directory (SAFE_FILE_TRUST_DIR) is not a directory.
 * why (SAFE_FILE_WHY_MAX bytes, may be NULL) is always written: empty when nothing was refused. */
int safe_file_open(const char *path, SafeFileFlags flags, size_t max_size, char *why);

/* safe_file_open(), then the whole content, NUL-terminated (the file may contain NUL bytes: use
 * *ret_size). A file that grows past the limit while read is -EFBIG too. */
int safe_file_read(const char *path, SafeFileFlags flags, size_t max_size, char **ret, size_t *ret_size,
                   char *why);

/* safe_file_read() of path relative to dirfd (AT_FDCWD: as safe_file_read(); not with
 * SAFE_FILE_TRUST_DIR, which names the directory by path), and in *ret_st (may be NULL) what fstat()
 * said of the file read: for a change stamp without a second stat(). */
int safe_file_read_at(int dirfd, const char *path, SafeFileFlags flags, size_t max_size, char **ret,
                      size_t *ret_size, struct stat *ret_st, char *why);

/* The trust rules on their own, for a file or directory already opened and fstat()ed: 0, or -EPERM
 * or -EACCES with why set. what names it in the message ("" for the file itself). */
int safe_file_check_trust(const struct stat *st, const char *what, char *why);

/* "a FIFO", "a socket", "a directory", ... for an st_mode. */
const char *safe_file_type_name(mode_t mode);
