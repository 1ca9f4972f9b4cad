/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Runs a libFuzzer entry point over files without libFuzzer, so that every `meson test` feeds the
 * corpus through the driver (systemd's fuzz-main.c). Arguments are files or directories of files. */

#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>

#include "macros.h"
#include "strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, allocated = 0;

        f = fopen(path, "re");
        if (!f) {
                fprintf(stderr, "%s: %m\n", path);
                return -errno;
        }
        for (;;) {
                size_t k;

                if (!GREEDY_REALLOC(buf, allocated, size + 4096))
                        return -ENOMEM;
                k = fread(buf + size, 1, allocated - size, f);
                size += k;
                if (k == 0)
                        break;
        }
        if (ferror(f)) {
                fprintf(stderr, "%s: read error\n", path);
                return -EIO;
        }
        printf("%s (%zu bytes)\n", path, size);
        fflush(stdout);
        (void) LLVMFuzzerTestOneInput((const uint8_t *) buf, size);
        return 0;
}

static int run_dir(const char *dir, size_t *n) {
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        d = opendir(dir);
        if (!d) {
                fprintf(stderr, "%s: %m\n", dir);
                return -errno;
        }
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && strv_extend(&names, de->d_name) < 0)
                        return -ENOMEM;
        strv_sort(names);
        STRV_FOREACH (name, names) {
                _cleanup_free_ char *p = NULL;

                if (asprintf(&p, "%s/%s", dir, *name) < 0)
                        return -ENOMEM;
                r = run_file(p);
                if (r < 0)
                        return r;
                (*n)++;
        }
        return 0;
}

int main(int argc, char *argv[]) {
        size_t n = 0;
        int r;

        if (argc < 2) {
                fprintf(stderr, "usage: %s FILE|DIR…\n", argv[0]);
                return EXIT_FAILURE;
        }
        for (int i = 1; i < argc; i++) {
                struct stat st;

                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "%s: %m\n", argv[i]);
                        return EXIT_FAILURE;
                }
                if (S_ISDIR(st.st_mode))
                        r = run_dir(argv[i], &n);
                else {
                        r = run_file(argv[i]);
                        n++;
                }
                if (r < 0)
                        return EXIT_FAILURE;
        }
        if (n == 0) {
                fprintf(stderr, "no inputs\n");
                return EXIT_FAILURE;
        }
        printf("%zu passed, 0 failed\n", n);
        return EXIT_SUCCESS;
}
