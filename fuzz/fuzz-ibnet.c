/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* libFuzzer driver for the .ibnet loader (systemd's fuzz-network-parser, wireguard's fuzz/config.c).
 *
 * One input describes up to two .ibnet files, each with one drop-in, so the cross-file checks run too.
 * Lines that are exactly "#--" split the input into, in order: a.ibnet, its drop-in, b.ibnet, its
 * drop-in. Without a separator the whole input is a.ibnet; since the separator is a comment, every
 * part is also a valid file on its own. Each part lives in a memfd, opened again by /proc path, which
 * is how the loader opens any file. */

#include <stdint.h>
#include <sys/mman.h>

#include "ibnet-load.h"
#include "schema.h"
#include "strv.h"

#define PARTS_MAX 4

static int print = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd_with(const uint8_t *data, size_t size) {
        _cleanup_close_ int fd = -EBADF;

        fd = memfd_create("fuzz-ibnet", MFD_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        while (size > 0) {
                ssize_t k = write(fd, data, size);

                if (k < 0)
                        return negative_errno();
                data += k;
                size -= (size_t) k;
        }
        return TAKE_FD(fd);
}

/* Splits at lines that are exactly "#--" (the separator line belongs to no part); returns the number
 * of parts. */
static size_t split(const uint8_t *data, size_t size, const uint8_t *part[], size_t part_size[]) {
        size_t n = 0, start = 0;

        for (size_t i = 0; n < PARTS_MAX - 1 && i < size;) {
                const uint8_t *nl = memchr(data + i, '\n', size - i);
                size_t end = nl ? (size_t) (nl - data) : size; /* the line is data[i, end) */

                if (end - i == 3 && memcmp(data + i, "#--", 3) == 0) {
                        part[n] = data + start;
                        part_size[n++] = i - start;
                        start = nl ? end + 1 : size;
                }
                i = nl ? end + 1 : size;
        }
        part[n] = data + start;
        part_size[n++] = size - start;
        return n;
}

static void exercise(const IbNetwork *n) {
        static const IbLinkIdentity ids[] = {
                { .ifname = "ib0",
                  .type = IB_LINK_TYPE_INFINIBAND,
                  .has_guid = true,
                  .guid = UINT64_C(0x0002c90300012345),
                  .device = "mlx5_0",
                  .port = 1 },
                { .ifname = "eth0", .type = IB_LINK_TYPE_ETHER },
        };
        char name[IFNAME_MAX + 1];

        for (size_t i = 0; i < ELEMENTSOF(ids); i++)
                (void) ib_network_matches(n, &ids[i]);
        (void) ib_network_child_name(n, "mlx4_ib0", name, sizeof(name));
        (void) ib_network_literal_name(n);
        FOREACH_ARRAY (it, ibnet_config_table, ibnet_config_table_size)
                (void) ib_network_key_loc(n, it->section, it->key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(conf_file_list_done) ConfFileList files = {};
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_(ib_config_done) IbConfig config = {};
        const uint8_t *part[PARTS_MAX];
        size_t part_size[PARTS_MAX], n_parts;
        int fds[PARTS_MAX];
        int r;

        /* IBNET_FUZZ_PRINT=1 shows the diagnostics, to check what a seed exercises. */
        if (print < 0)
                print = !!getenv("IBNET_FUZZ_PRINT");

        n_parts = split(data, size, part, part_size);
        for (size_t i = 0; i < PARTS_MAX; i++)
                fds[i] = i < n_parts ? memfd_with(part[i], part_size[i]) : -EBADF;

        for (size_t i = 0; i < n_parts; i += 2) {
                char path[64], dropin[64], **dropins = NULL;

                if (fds[i] < 0)
                        continue;
                snprintf(path, sizeof(path), "/proc/self/fd/%i", fds[i]);
                if (i + 1 < n_parts && fds[i + 1] >= 0) {
                        snprintf(dropin, sizeof(dropin), "/proc/self/fd/%i", fds[i + 1]);
                        if (strv_extend(&dropins, dropin) < 0)
                                goto finish;
                }
                if (!GREEDY_REALLOC(files.files, files.allocated, files.n + 1)) {
                        strv_free(dropins);
                        goto finish;
                }
                files.files[files.n++] = (ConfFile){
                        .name = strdup(i == 0 ? "a.ibnet" : "b.ibnet"),
                        .path = strdup(path),
                        .dropins = dropins,
                };
                if (!files.files[files.n - 1].name || !files.files[files.n - 1].path)
                        goto finish;
        }

        r = ib_config_load(&files, 0, &diags, &config);
        if (r >= 0)
                FOREACH_ARRAY (e, config.entries, config.n)
                        if (e->network)
                                exercise(e->network);

        diag_sort(&diags);
        FOREACH_ARRAY (d, diags.items, diags.n) {
                _cleanup_free_ char *s = diag_format(d);

                if (print)
                        fprintf(stderr, "%s\n", strna(s));

                /* Every message names a file, says something, and never points past the input. */
                if (!s || isempty(d->path) || isempty(d->message) || d->line > size + 1)
                        abort();
        }

finish:
        for (size_t i = 0; i < PARTS_MAX; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
        return 0;
}
