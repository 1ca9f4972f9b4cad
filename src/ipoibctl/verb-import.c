/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* ipoibctl import: NetworkManager keyfiles and ifcfg files → .ibnet files. The conversion is
 * src/shared/import*.c; this reads the sources (and each ifcfg file's route-DEVICE and route6-DEVICE),
 * checks the results together exactly as "ipoibctl check" would, and writes or prints them. */

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "ibnet-load.h"
#include "import.h"
#include "ipoibctl.h"
#include "status-print.h"
#include "strv.h"

bool arg_dry_run = false;
char *arg_output_dir = NULL;

#define IMPORT_DEFAULT_DIR "/etc/ipoib.d"

typedef struct ImportJob {
        ImportResult *results;
        size_t n, allocated;
        char **used_route_files; /* realpaths of route files an ifcfg file took */
        DiagList diags;
        char **written; /* "SOURCE as PATH" */
        size_t failed;  /* sources that gave no file */
} ImportJob;

static void import_job_done(ImportJob *j) {
        FOREACH_ARRAY(r, j->results, j->n)
                import_result_done(r);
        free(j->results);
        strv_free(j->used_route_files);
        strv_free(j->written);
        diag_list_done(&j->diags);
}

static int read_text(const char *path, char **ret) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        ssize_t n;

        if (!f)
                return negative_errno();
        /* Configuration files are small; a 1 MiB one is not what it claims to be. */
        buf = malloc(1 << 20);
        if (!buf)
                return -ENOMEM;
        while ((n = (ssize_t) fread(buf + size, 1, (1 << 20) - 1 - size, f)) > 0)
                size += (size_t) n;
        if (ferror(f))
                return -EIO;
        if (size >= (1 << 20) - 1)
                return -EFBIG;
        if (memchr(buf, 0, size))
                return -EBADMSG;
        buf[size] = 0;
        *ret = TAKE_PTR(buf);
        return 0;
}

static int add_route_file(const char *path, char ***paths, char ***texts, ImportJob *j) {
        _cleanup_free_ char *text = NULL, *real = realpath(path, NULL);
        int r;

        if (!real || strv_contains(j->used_route_files, real))
                return 0;
        r = read_text(path, &text);
        if (r < 0) {
                diag_add(&j->diags, DIAG_ERROR, path, 0, "cannot read: %s", strerror(-r));
                return 0;
        }
        r = strv_extend(&j->used_route_files, real);
        if (r >= 0)
                r = strv_extend(paths, path);
        if (r >= 0)
                r = strv_consume(texts, TAKE_PTR(text));
        return r;
}

/* route-DEV and route6-DEV: named on the command line or next to the ifcfg file. */
static int find_route_files(const char *path, const char *device, int argc, char *argv[], char ***paths,
                            char ***texts, ImportJob *j) {
        _cleanup_free_ char *dir = strdup(path);
        char *slash;
        int r;

        if (!dir)
                return -ENOMEM;
        slash = strrchr(dir, '/');
        if (slash)
                *slash = 0;
        for (const char *const *prefix = (const char *const[]) { "route-", "route6-", NULL }; *prefix; prefix++) {
                _cleanup_free_ char *name = NULL, *sibling = NULL;

                if (asprintf(&name, "%s%s", *prefix, device) < 0 ||
                    asprintf(&sibling, "%s/%s", slash ? dir : ".", name) < 0)
                        return -ENOMEM;
                for (int i = 1; i < argc; i++) {
                        const char *b = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];

                        if (streq(b, name) && (r = add_route_file(argv[i], paths, texts, j)) < 0)
                                return r;
                }
                if (access(sibling, F_OK) >= 0 && (r = add_route_file(sibling, paths, texts, j)) < 0)
                        return r;
        }
        return 0;
}

static int import_one(const char *path, int argc, char *argv[], ImportJob *j) {
        _cleanup_strv_free_ char **route_paths = NULL, **route_texts = NULL;
        _cleanup_free_ char *text = NULL, *device = NULL;
        ImportResult res = {};
        ImportFormat f;
        int r;

        r = read_text(path, &text);
        if (r < 0) {
                diag_add(&j->diags, DIAG_ERROR, path, 0, "cannot read: %s", strerror(-r));
                return 0;
        }
        f = import_detect_format(path, text);
        switch (f) {
        case IMPORT_FORMAT_ROUTE:
                return 0; /* with its ifcfg file; check_route_files() reports one that has none */
        case IMPORT_FORMAT_NM_KEYFILE:
                r = import_nm_keyfile(path, text, &j->diags, &res);
                break;
        case IMPORT_FORMAT_IFCFG:
                device = import_ifcfg_device(path, text);
                if (!device)
                        return -ENOMEM;
                r = find_route_files(path, device, argc, argv, &route_paths, &route_texts, j);
                if (r >= 0)
                        r = import_ifcfg(path, text, route_paths, route_texts, &j->diags, &res);
                break;
        case _IMPORT_FORMAT_MAX:
        case _IMPORT_FORMAT_INVALID:
                diag_add(&j->diags, DIAG_ERROR, path, 0,
                         "neither a NetworkManager keyfile ([connection] section) nor an ifcfg file (VAR=value)");
                return 0;
        }
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0;
        if (!GREEDY_REALLOC(j->results, j->allocated, j->n + 1)) {
                import_result_done(&res);
                return -ENOMEM;
        }
        j->results[j->n++] = res;
        return 0;
}

static void check_route_files(int argc, char *argv[], ImportJob *j) {
        for (int i = 1; i < argc; i++) {
                _cleanup_free_ char *real = realpath(argv[i], NULL);
                const char *b = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];

                if ((startswith(b, "route-") || startswith(b, "route6-")) && real &&
                    !strv_contains(j->used_route_files, real))
                        diag_add(&j->diags, DIAG_ERROR, argv[i], 0,
                                 "a route file is imported with its ifcfg file: name ifcfg-%s too",
                                 strchr(b, '-') + 1);
        }
}

/* Two sources that would give the same file: the later one is not imported. */
static void check_names(ImportJob *j, bool *ok) {
        for (size_t i = 0; i < j->n; i++)
                for (size_t k = 0; k < i && ok[i]; k++)
                        if (ok[k] && streq(j->results[i].name, j->results[k].name)) {
                                diag_add(&j->diags, DIAG_ERROR, j->results[i].source, 0,
                                         "gives %s, as %s does; import one of them", j->results[i].name,
                                         j->results[k].source);
                                ok[i] = false;
                        }
}

static void remove_tree(const char *dir, ImportJob *j) {
        for (size_t i = 0; i < j->n; i++) {
                _cleanup_free_ char *p = NULL;

                if (asprintf(&p, "%s/%s", dir, j->results[i].name) >= 0)
                        (void) unlink(p);
        }
        (void) rmdir(dir);
}

/* Moves the check's diagnostics into the job's, under the output's path instead of the scratch one. */
static int take_check_diags(DiagList *from, const char *scratch, const char *outdir, ImportJob *j) {
        FOREACH_ARRAY(d, from->items, from->n) {
                const char *rest = startswith(d->path, scratch);
                _cleanup_free_ char *p = NULL;

                if (asprintf(&p, "%s%s", rest ? outdir : "", rest ?: d->path) < 0)
                        return -ENOMEM;
                diag_add(&j->diags, d->level, p, d->line, "%s", d->message);
        }
        return 0;
}

/* s with every "from" replaced by "to"; newly allocated. */
static char *replace_all(const char *s, const char *from, const char *to) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, l = strlen(from);
        FILE *f = open_memstream(&buf, &size);
        const char *p;

        if (!f)
                return NULL;
        while ((p = strstr(s, from))) {
                fprintf(f, "%.*s%s", (int) (p - s), s, to);
                s = p + l;
        }
        fputs(s, f);
        if (fclose(f) != 0)
                return NULL;
        return TAKE_PTR(buf);
}

static int conf_file_cmp(const void *a, const void *b) {
        return strcmp(((const ConfFile *) a)->name, ((const ConfFile *) b)->name);
}

static bool entry_used(const IbConfig *c, const char *path) {
        FOREACH_ARRAY(e, c->entries, c->n)
                if (streq(e->path, path))
                        return e->network != NULL;
        return false;
}

/* The diagnostics of the combined check that involve both the new files and the existing ones. */
static int take_clash_diags(const DiagList *d, const char *scratch, const char *outdir, ImportJob *j) {
        FOREACH_ARRAY(x, d->items, d->n) {
                bool new_file = startswith(x->path, scratch);
                _cleanup_free_ char *path = NULL, *msg = NULL;

                if (new_file ? !strstr(x->message, outdir) : !strstr(x->message, scratch))
                        continue;
                path = replace_all(x->path, scratch, outdir);
                msg = replace_all(x->message, scratch, outdir);
                if (!path || !msg)
                        return -ENOMEM;
                diag_add(&j->diags, x->level, path, x->line, "%s", msg);
        }
        return 0;
}

/* The new files next to those already in the output directory, as the agent will read them: a new
 * file the combination rejects is not imported, and if a file that is used today would no longer be,
 * nothing is. Files of the same name as a new one are left out: those imports fail anyway. */
static int check_with_existing(ImportJob *j, bool *ok, const char *scratch, const char *outdir) {
        _cleanup_(conf_file_list_done) ConfFileList before = {}, after = {};
        _cleanup_(ib_config_done) IbConfig cfg_before = {}, cfg_after = {};
        _cleanup_(diag_list_done) DiagList d_before = {}, d_after = {};
        char *dirs[] = { (char *) outdir, NULL };
        bool broken = false;
        int r;

        r = conf_files_list(dirs, &before);
        if (r < 0 || before.n == 0)
                return r;
        r = ib_config_load(&before, 0, &d_before, &cfg_before);
        if (r >= 0)
                r = conf_files_list(dirs, &after);
        for (size_t i = 0; r >= 0 && i < j->n; i++) {
                _cleanup_free_ char *p = NULL;
                bool clash = false;

                FOREACH_ARRAY(f, before.files, before.n)
                        clash = clash || streq(f->name, j->results[i].name);
                if (!ok[i] || clash)
                        continue;
                if (asprintf(&p, "%s/%s", scratch, j->results[i].name) < 0)
                        return -ENOMEM;
                r = conf_files_add_path(&after, p);
        }
        if (r < 0)
                return r;
        /* In name order, as the agent reads them: which of a clashing pair loses depends on it. */
        qsort(after.files, after.n, sizeof(ConfFile), conf_file_cmp);
        r = ib_config_load(&after, 0, &d_after, &cfg_after);
        if (r < 0)
                return r;
        FOREACH_ARRAY(e, cfg_after.entries, cfg_after.n) {
                if (e->network)
                        continue;
                if (!startswith(e->path, scratch)) {
                        if (entry_used(&cfg_before, e->path)) {
                                broken = true;
                                diag_add(&j->diags, DIAG_ERROR, e->path, 0,
                                         "would no longer be used next to the imported files");
                        }
                        continue;
                }
                for (size_t i = 0; i < j->n; i++)
                        if (ok[i] && streq(j->results[i].name, e->name)) {
                                ok[i] = false;
                                diag_add(&j->diags, DIAG_ERROR, j->results[i].source, 0,
                                         "%s/%s would clash with the files in %s; not imported", outdir, e->name,
                                         outdir);
                        }
        }
        for (size_t i = 0; broken && i < j->n; i++)
                if (ok[i]) {
                        ok[i] = false;
                        diag_add(&j->diags, DIAG_ERROR, j->results[i].source, 0,
                                 "not imported: with the new files a file of %s that is used today would not be",
                                 outdir);
                }
        return take_clash_diags(&d_after, scratch, outdir, j);
}

/* Writes every result into a scratch directory under its own name and checks them all together, as
 * "ipoibctl check" would check the output directory: a result with errors is not imported. */
static int check_results(ImportJob *j, char **texts, bool *ok, const char *outdir) {
        _cleanup_(conf_file_list_done) ConfFileList files = {};
        _cleanup_(ib_config_done) IbConfig cfg = {};
        _cleanup_(diag_list_done) DiagList check = {};
        char scratch[] = "/tmp/ipoibctl-import-XXXXXX";
        int r = 0;

        if (!mkdtemp(scratch))
                return negative_errno();
        for (size_t i = 0; r >= 0 && i < j->n; i++) {
                _cleanup_free_ char *p = NULL;

                if (!ok[i])
                        continue;
                if (asprintf(&p, "%s/%s", scratch, j->results[i].name) < 0)
                        r = -ENOMEM;
                if (r >= 0)
                        r = write_file_atomic(p, texts[i], false);
                if (r >= 0)
                        r = conf_files_add_path(&files, p);
        }
        if (r >= 0)
                r = ib_config_load(&files, 0, &check, &cfg);
        for (size_t e = 0; r >= 0 && e < cfg.n; e++)
                for (size_t i = 0; i < j->n; i++) {
                        /* By name: ib_config_load() sorts its entries, and the names are unique. */
                        if (!ok[i] || !streq(j->results[i].name, cfg.entries[e].name) || cfg.entries[e].network)
                                continue;
                        ok[i] = false;
                        diag_add(&j->diags, DIAG_ERROR, j->results[i].source, 0,
                                 "the .ibnet file made from it does not pass ipoibctl check (see %s/%s); not "
                                 "imported",
                                 outdir, j->results[i].name);
                }
        if (r >= 0)
                r = take_check_diags(&check, scratch, outdir, j);
        if (r >= 0)
                r = check_with_existing(j, ok, scratch, outdir);
        remove_tree(scratch, j);
        return r;
}

static int write_result(const char *outdir, const ImportResult *res, const char *text, ImportJob *j) {
        _cleanup_free_ char *p = NULL;
        int r;

        if (asprintf(&p, "%s/%s", outdir, res->name) < 0)
                return -ENOMEM;
        /* An import never replaces a file: the one there may be a hand-edited successor. */
        if (access(p, F_OK) >= 0) {
                diag_add(&j->diags, DIAG_ERROR, res->source, 0,
                         "%s exists and is not overwritten; remove it or choose another --output-dir", p);
                return 0;
        }
        r = write_file_atomic(p, text, true);
        if (r < 0) {
                diag_add(&j->diags, DIAG_ERROR, res->source, 0, "cannot write %s: %s", p, strerror(-r));
                return 0;
        }
        return 1;
}

static int ensure_dir(const char *dir, ImportJob *j) {
        struct stat st;

        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                diag_add(&j->diags, DIAG_ERROR, dir, 0, "--output-dir: %s", strerror(errno));
                return -errno;
        }
        if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
                diag_add(&j->diags, DIAG_ERROR, dir, 0, "--output-dir: not a directory");
                return -ENOTDIR;
        }
        return 0;
}

static void print_report(FILE *out, ImportJob *j, size_t imported) {
        size_t errors = diag_count(&j->diags, DIAG_ERROR), warnings = diag_count(&j->diags, DIAG_WARNING),
               notices = diag_count(&j->diags, DIAG_NOTICE);

        FOREACH_ARRAY(d, j->diags.items, j->diags.n) {
                _cleanup_free_ char *s = diag_format(d);

                fprintf(out, "%s\n", strna(s));
        }
        STRV_FOREACH(w, j->written)
                fprintf(out, "Imported %s.\n", *w);
        if (!arg_no_legend)
                fprintf(out, "%zu file%s %s, %zu not: %zu error%s, %zu warning%s, %zu notice%s\n", imported,
                        imported == 1 ? "" : "s", arg_dry_run ? "would be imported" : "imported", j->failed, errors,
                        errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", notices, notices == 1 ? "" : "s");
}

/* --json: one document for what the text says: each file with its contents (and whether it was, or
 * would be, written), every diagnostic (the settings that could not be carried over, the naming
 * decisions, the errors) and the counts. */
static void print_json_report(ImportJob *j, char **texts, const bool *ok, const char *outdir, size_t imported) {
        _cleanup_(json_object_putp) json_object *doc = json_object_new_object();
        json_object *files = json_object_new_array(), *diags = json_object_new_array();

        for (size_t i = 0; i < j->n; i++) {
                json_object *f = json_object_new_object(), *c = json_object_new_array();
                _cleanup_free_ char *path = NULL;

                if (asprintf(&path, "%s/%s", outdir, j->results[i].name) < 0)
                        path = NULL;
                STRV_FOREACH(s, j->results[i].comments)
                        json_object_array_add(c, json_object_new_string(*s));
                json_object_object_add(f, "source", json_object_new_string(strempty(j->results[i].source)));
                json_object_object_add(f, "format",
                                       json_object_new_string(strempty(import_format_to_string(j->results[i].format))));
                json_object_object_add(f, "path", path ? json_object_new_string(path) : NULL);
                json_object_object_add(f, "imported", json_object_new_boolean(ok[i]));
                json_object_object_add(f, "comments", c);
                json_object_object_add(f, "text", json_object_new_string(strempty(texts[i])));
                json_object_array_add(files, f);
        }
        FOREACH_ARRAY(d, j->diags.items, j->diags.n) {
                json_object *o = json_object_new_object();
                _cleanup_free_ char *s = diag_format(d);

                json_object_object_add(o, "level", json_object_new_string(strempty(diag_level_to_string(d->level))));
                json_object_object_add(o, "path", d->path ? json_object_new_string(d->path) : NULL);
                json_object_object_add(o, "line", json_object_new_int((int) d->line));
                json_object_object_add(o, "message", json_object_new_string(strempty(d->message)));
                json_object_object_add(o, "text", json_object_new_string(strempty(s)));
                json_object_array_add(diags, o);
        }
        json_object_object_add(doc, "dry_run", json_object_new_boolean(arg_dry_run));
        json_object_object_add(doc, "output_dir", json_object_new_string(outdir));
        json_object_object_add(doc, "files", files);
        json_object_object_add(doc, "diagnostics", diags);
        json_object_object_add(doc, "imported", json_object_new_int64((int64_t) imported));
        json_object_object_add(doc, "failed", json_object_new_int64((int64_t) j->failed));
        json_print(doc);
}

int verb_import(int argc, char *argv[]) {
        _cleanup_(import_job_done) ImportJob j = {};
        const char *outdir = arg_output_dir ?: IMPORT_DEFAULT_DIR;
        _cleanup_strv_free_ char **texts = NULL;
        _cleanup_free_ bool *ok = NULL;
        size_t imported = 0, sources = 0;
        int r;

        for (int i = 1; i < argc; i++) {
                r = import_one(argv[i], argc, argv, &j);
                if (r < 0)
                        return r;
        }
        check_route_files(argc, argv, &j);
        ok = calloc(j.n + 1, sizeof(bool));
        if (!ok)
                return -ENOMEM;
        for (size_t i = 0; i < j.n; i++) {
                r = strv_consume(&texts, import_result_format(&j.results[i]));
                if (r < 0)
                        return r;
                ok[i] = true;
        }
        check_names(&j, ok);
        r = check_results(&j, texts, ok, outdir);
        if (r < 0)
                return r;
        if (!arg_dry_run && j.n > 0 && ensure_dir(outdir, &j) < 0)
                memset(ok, 0, j.n * sizeof(bool));
        for (size_t i = 0; i < j.n; i++) {
                if (!ok[i])
                        continue;
                if (arg_dry_run) {
                        if (!arg_json)
                                printf("%s# %s/%s\n%s", imported > 0 ? "\n" : "", outdir, j.results[i].name,
                                       texts[i]);
                        imported++;
                        continue;
                }
                r = write_result(outdir, &j.results[i], texts[i], &j);
                if (r < 0)
                        return r;
                ok[i] = r > 0; /* for --json: written, not refused (it never overwrites) */
                if (r > 0) {
                        char *w;

                        if (asprintf(&w, "%s as %s/%s", j.results[i].source, outdir, j.results[i].name) < 0 ||
                            strv_consume(&j.written, w) < 0)
                                return -ENOMEM;
                        imported++;
                }
        }
        /* Every source given that is not a route file counts, imported or not. */
        for (int i = 1; i < argc; i++) {
                const char *b = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];

                if (!startswith(b, "route-") && !startswith(b, "route6-"))
                        sources++;
        }
        j.failed = sources > imported ? sources - imported : 0;
        diag_sort(&j.diags);
        if (arg_json)
                print_json_report(&j, texts, ok, outdir, imported);
        else
                print_report(arg_dry_run ? stderr : stdout, &j, imported);
        return j.failed == 0 && diag_count(&j.diags, DIAG_ERROR) == 0 ? 0 : 1;
}
