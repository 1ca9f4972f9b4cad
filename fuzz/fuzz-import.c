/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* libFuzzer driver for ipoibctl import's converters (src/shared/import*.c): the input is read as a
 * NetworkManager keyfile, as an ifcfg file, and as an ifcfg file with itself as its route-ib0 and
 * route6-ib0 files. Whatever converts must format, and every diagnostic names its file and a line
 * inside the input. The seeds are test/import-corpus. */

#include <stdint.h>

#include "import.h"
#include "strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_diags(const DiagList *diags, size_t lines) {
        FOREACH_ARRAY(d, diags->items, diags->n)
                if (isempty(d->path) || isempty(d->message) || d->line > lines)
                        abort();
}

static void one(const char *path, const char *text, char *const *route_paths, char *const *route_texts,
                size_t lines) {
        _cleanup_(import_result_done) ImportResult r = {};
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_free_ char *out = NULL;
        int k;

        if (startswith(path, "ifcfg-"))
                k = import_ifcfg(path, text, route_paths, route_texts, &diags, &r);
        else
                k = import_nm_keyfile(path, text, &diags, &r);
        check_diags(&diags, lines);
        if (k == -ENOMEM || k >= 0) {
                if (k < 0)
                        return;
                out = import_result_format(&r);
                /* A result has a name and formats; no line of it is too long for the loader. */
                if (!out || isempty(r.name))
                        abort();
                for (const char *p = out; *p;) {
                        size_t l = strcspn(p, "\n");

                        if (l >= 200 && *p == '#')
                                abort();
                        p += l + (p[l] ? 1 : 0);
                }
        } else if (k != -EINVAL)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = NULL, *dev = NULL;
        char *routes[] = { (char *) "route-ib0", (char *) "route6-ib0", NULL };
        char *texts[3] = {};
        size_t lines = 1;

        if (size > 65536)
                return 0;
        text = strndup((const char *) data, size);
        if (!text)
                return 0;
        for (const char *p = text; *p; p++)
                lines += *p == '\n';
        one("a.nmconnection", text, NULL, NULL, lines);
        one("ifcfg-ib0", text, NULL, NULL, lines);
        texts[0] = texts[1] = text;
        one("ifcfg-ib0", text, routes, texts, lines);
        dev = import_ifcfg_device("ifcfg-ib0", text);
        return 0;
}
