/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <ctype.h>
#include <fcntl.h>
#include <ini.h>
#include <strings.h>
#include <sys/stat.h>

#include "ibnet-load.h"
#include "rail.h"
#include "safe-file.h"
#include "schema.h"
#include "strv.h"

/* Debian's libinih is built with the header defaults: no line numbers in the handler, lines cut at
 * INI_MAX_LINE (200) without notice, multi-line values on and inline ";" comments on. So we drive
 * it with ini_parse_stream() and a reader that runs in lockstep with the handler: the reader
 * counts lines, rejects over-long ones, strips indentation (which would otherwise turn a line
 * into a continuation of the previous value) and tracks section headers, which inih does not
 * report on their own. */

/* INI_MAX_LINE is 200 and includes the newline and the NUL. */
#define INI_LINE_LIMIT 198

typedef struct LoadState {
        const char *text; /* the whole file, read at once (safe_file_read()) */
        size_t size, pos;
        ConfigContext ctx;
        size_t file_index; /* ctx.file in network->files */
        char section[64];
        bool section_known;
        unsigned header_line;
        size_t route_idx; /* the current [Route] in network->routes; the array may move */
        size_t rule_idx;  /* the current [RoutingPolicyRule] in network->rules */
        unsigned set_line[_SCHEMA_KEY_MAX]; /* per file: where a singleton was set */
        unsigned error_lines;              /* errors the reader or handler reported */
        bool have_match_header;
        unsigned match_header_line;
} LoadState;

/* Remembers that a line of the current section was lost, so that validation does not report what it
 * lacks as a second error (see IbNetwork.rejected_sections). */
static void load_mark_rejected(LoadState *s) {
        IbNetwork *n = s->ctx.network;
        SchemaSection i = s->section_known ? config_section_from_string(s->section) : _SCHEMA_SECTION_INVALID;

        if (i < 0) {
                n->rejected_sections |= IBNET_SECTION_UNKNOWN;
                return;
        }
        n->rejected_sections |= IBNET_SECTION_BIT(i);
        if (streq(s->section, "Route") && s->route_idx < n->n_routes)
                n->routes[s->route_idx].rejected = true;
        if (streq(s->section, "RoutingPolicyRule") && s->rule_idx < n->n_rules)
                n->rules[s->rule_idx].rejected = true;
}

static void load_error(LoadState *s, const char *fmt, const char *arg) {
        diag_add(s->ctx.diags, DIAG_ERROR, s->ctx.file, s->ctx.line, fmt, arg);
        s->error_lines++;
        load_mark_rejected(s);
}

/* The known section a header probably meant: the same name in another case ("[match]"), or one with
 * two neighbouring letters swapped ("[Macth]"). */
static const char *section_suggestion(const char *name) {
        for (const char *const *k = ibnet_sections; *k; k++) {
                size_t l = strlen(*k), diff = 0, first = 0;

                if (strcasecmp(name, *k) == 0)
                        return *k;
                if (strlen(name) != l)
                        continue;
                for (size_t i = 0; i < l; i++)
                        if (tolower((unsigned char) name[i]) != tolower((unsigned char) (*k)[i]) && diff++ == 0)
                                first = i;
                if (diff == 2 && first + 1 < l && tolower((unsigned char) name[first]) == tolower((unsigned char) (*k)[first + 1]) &&
                    tolower((unsigned char) name[first + 1]) == tolower((unsigned char) (*k)[first]))
                        return *k;
        }
        return NULL;
}

static void reader_section_header(LoadState *s, char *p) {
        IbNetwork *n = s->ctx.network;
        char *end = strchr(p, ']');
        size_t len;

        s->section_known = false;
        s->section[0] = 0;
        if (!end) {
                load_error(s, "section header without closing \"]\"%s; write e.g. [Network]", "");
                return;
        }
        len = (size_t) (end - p - 1);
        if (len >= sizeof(s->section))
                len = sizeof(s->section) - 1;
        memcpy(s->section, p + 1, len);
        s->section[len] = 0;
        s->header_line = s->ctx.line;

        if (!config_section_known(s->section)) {
                _cleanup_free_ char *known = config_sections_list();
                const char *alt = section_suggestion(s->section);
                char msg[256];

                /* Names are case-sensitive, as in systemd, but a slip gets the right spelling. */
                if (alt)
                        snprintf(msg, sizeof(msg), "unknown section [%%s]; did you mean [%s]?", alt);
                else
                        snprintf(msg, sizeof(msg), "unknown section [%%s]; known sections are %s", strna(known));
                load_error(s, msg, s->section);
                return;
        }
        s->section_known = true;

        if (streq(s->section, "Match") && !s->have_match_header) {
                s->have_match_header = true;
                s->match_header_line = s->ctx.line;
                n->match = (ConfigLoc) { s->ctx.file, s->ctx.line };
        } else if (streq(s->section, "Partition")) {
                n->has_partition = true;
                n->partition = (ConfigLoc) { s->ctx.file, s->ctx.line };
        } else if (streq(s->section, "Route")) {
                /* Every [Route] header starts a new route, even an empty one, so that an empty
                 * section can be reported instead of silently merged with the next. */
                if (ib_route_list_append(&n->route_list, &(IbRoute) { .line = s->ctx.line, .file = s->ctx.file }) < 0) {
                        load_error(s, "out of memory%s", "");
                        s->section_known = false; /* its keys have nowhere to go: skipped */
                        return;
                }
                s->route_idx = n->n_routes - 1;
                FOREACH_ARRAY(it, ibnet_config_table, ibnet_config_table_size)
                        if ((it->flags & CONFIG_PER_SECTION) && !(it->flags & CONFIG_PER_RULE))
                                s->set_line[config_table_index(it)] = 0;
        } else if (streq(s->section, "RoutingPolicyRule")) {
                if (ib_rule_list_append(&n->rule_list, &(IbRule) { .line = s->ctx.line, .file = s->ctx.file }) < 0) {
                        load_error(s, "out of memory%s", "");
                        s->section_known = false; /* its keys have nowhere to go: skipped */
                        return;
                }
                s->rule_idx = n->n_rules - 1;
                FOREACH_ARRAY(it, ibnet_config_table, ibnet_config_table_size)
                        if (it->flags & CONFIG_PER_RULE)
                                s->set_line[config_table_index(it)] = 0;
        }
}

static int next_char(LoadState *s) {
        return s->pos < s->size ? (unsigned char) s->text[s->pos++] : EOF;
}

static char *reader(char *buf, int size, void *userdata) {
        LoadState *s = userdata;
        size_t l = 0;
        int c = EOF;
        char *p;

        /* Not fgets(): after a NUL byte strlen() would no longer find the end of the line, and the
         * line count would drift. memchr() and one memcpy() per line, not a call per character.
         * c is what a loop of next_char() would have stopped at: the newline, the last character
         * when the buffer is full, else EOF. */
        if (size > 1) {
                const char *p0 = s->text + s->pos, *nl;
                size_t room = (size_t) size - 1, avail = s->size - s->pos, take = MIN(avail, room);

                nl = memchr(p0, '\n', take);
                if (nl)
                        take = (size_t) (nl - p0) + 1;
                memcpy(buf, p0, take);
                s->pos += take;
                l = take;
                c = nl ? '\n' : l == room ? (unsigned char) buf[l - 1] : EOF;
        }
        if (l == 0)
                return NULL;
        buf[l] = 0;
        s->ctx.line++;
        if (c != EOF && c != '\n') {
                /* The buffer is full: inih would cut the line and parse the rest as a new line. */
                while ((c = next_char(s)) != EOF && c != '\n')
                        ;
                load_error(s, "line longer than %s characters; shorten it (a list may be split over "
                              "several lines that repeat the key)",
                           STRINGIFY(INI_LINE_LIMIT));
                strcpy(buf, "\n");
                return buf;
        }
        if (memchr(buf, 0, l)) {
                load_error(s, "NUL byte in the line; save the file as plain text%s", "");
                strcpy(buf, "\n");
                return buf;
        }
        /* A UTF-8 byte order mark (inih skips it too, but the checks below must not see it). */
        if (s->ctx.line == 1 && startswith(buf, "\xef\xbb\xbf"))
                memmove(buf, buf + 3, l - 3 + 1);

        for (p = buf; *p == ' ' || *p == '\t'; p++)
                ;
        if (p != buf) /* an indented line is a continuation for inih; we want a line of its own */
                memmove(buf, p, strlen(p) + 1);

        if (buf[0] == '#' || buf[0] == ';' || buf[0] == '\n' || buf[0] == '\r' || buf[0] == 0)
                return buf;
        if (buf[0] == '[') {
                reader_section_header(s, buf);
                return buf;
        }
        if (!strchr(buf, '=') && !strchr(buf, ':')) {
                buf[strcspn(buf, "\r\n")] = 0;
                load_error(s, "\"%s\" is not KEY=VALUE; write e.g. MTU=2044", buf);
                strcpy(buf, "\n");
        }
        return buf;
}

static const ConfigTableItem *lookup_case_insensitive(const char *section, const char *key) {
        FOREACH_ARRAY(it, ibnet_config_table, ibnet_config_table_size)
                if (strcasecmp(it->section, section) == 0 && strcasecmp(it->key, key) == 0)
                        return it;
        return NULL;
}

static int handler(void *userdata, const char *section, const char *key, const char *value) {
        LoadState *s = userdata;
        IbNetwork *n = s->ctx.network;
        const ConfigTableItem *it;
        size_t idx;
        void *data;
        int r;

        if (isempty(section)) {
                load_error(s, "%s= outside of any section; put it under its section header, e.g. [Network]",
                           key);
                return 1;
        }
        if (!s->section_known)
                return 1; /* the header was reported already */

        it = config_table_lookup(section, key);
        if (!it) {
                const ConfigTableItem *alt = lookup_case_insensitive(section, key);
                _cleanup_free_ char *keys = config_section_keys(section);
                char msg[512];

                if (alt)
                        snprintf(msg, sizeof(msg), "unknown key %%s= in [%s]; did you mean %s=?", section,
                                 alt->key);
                else
                        snprintf(msg, sizeof(msg), "unknown key %%s= in [%s]; known keys are %s", section,
                                 strna(keys));
                load_error(s, msg, key);
                return 1;
        }

        idx = (size_t) config_table_index(it);
        if (!(it->flags & CONFIG_REPEATABLE) && s->set_line[idx] > 0) {
                char msg[256];

                snprintf(msg, sizeof(msg), "%%s= is already set at line %u of this %s; keep one of them",
                         s->set_line[idx], (it->flags & CONFIG_PER_SECTION) ? "section" : "file");
                load_error(s, msg, key);
                return 1;
        }

        s->ctx.section = section;
        s->ctx.key = key;
        s->ctx.item = it;
        s->ctx.route = (it->flags & CONFIG_PER_SECTION) && !(it->flags & CONFIG_PER_RULE) ? &n->routes[s->route_idx] : NULL;
        s->ctx.rule = (it->flags & CONFIG_PER_RULE) ? &n->rules[s->rule_idx] : NULL;
        if (it->flags & CONFIG_PER_SECTION)
                data = config_section_base(&s->ctx, it) + it->offset;
        else
                data = (uint8_t *) n + it->offset;
        if ((it->flags & CONFIG_RAIL) && strchr(value, '%'))
                r = rail_template_add(&s->ctx, value);
        else {
                if ((it->flags & CONFIG_RAIL) && isempty(value))
                        rail_template_drop(n, (SchemaKey) idx, (it->flags & CONFIG_PER_RULE) ? s->rule_idx : s->route_idx);
                r = it->parse(&s->ctx, value, data, it->ltype);
        }
        if (r == -ENOMEM)
                return 0; /* stops inih with an error */
        if (r < 0) {
                s->error_lines++;
                load_mark_rejected(s);
                return 1;
        }
        s->set_line[idx] = s->ctx.line;
        n->loc[idx].line = s->ctx.line;
        n->loc[idx].file = (uint16_t) s->file_index;
        return 1;
}

/* Opens and reads the file without blocking (a FIFO, a socket or a device is refused, and so is a file
 * over SAFE_FILE_SIZE_MAX); as root also refuses a file someone else could have written. */
static int read_config_file(int dirfd, const char *name, const char *path, LoadFlags flags, DiagList *diags,
                            char **ret, size_t *ret_size, struct stat *ret_st) {
        char why[SAFE_FILE_WHY_MAX];
        int r;

        /* Symbolic links are followed: a link to a file elsewhere is that file (ibnet(5)). */
        r = safe_file_read_at(dirfd, name, (flags & LOAD_CHECK_PERMISSIONS) ? SAFE_FILE_TRUST : 0,
                              IBNET_FILE_SIZE_MAX, ret, ret_size, ret_st, why);
        if (r >= 0)
                return 0;
        if (!why[0])
                diag_add(diags, DIAG_ERROR, path, 0, "cannot open: %s", strerror(-r));
        else if (r == -EPERM)
                diag_add(diags, DIAG_ERROR, path, 0, "refused: %s; run chown root:root %s", why, path);
        else if (r == -EACCES) {
                diag_add(diags, DIAG_ERROR, path, 0, "refused: %s; run chmod go-w %s", why, path);
                r = -EPERM; /* one answer for "someone else could have written it" */
        }
        else if (r == -EBADFD)
                diag_add(diags, DIAG_ERROR, path, 0, "%s; only regular files are read", why);
        else /* "too large (...)", "a symbolic link ..." */
                diag_add(diags, DIAG_ERROR, path, 0, "%s", why);
        return r;
}

/* FNV-1a over what tells one version of a file from the next; a file that cannot be stat()ed adds
 * zeros (it will not be equal to a readable one). */
static uint64_t stamp_mix(uint64_t h, const struct stat *st) {
        const uint64_t v[] = { st ? (uint64_t) st->st_dev : 0, st ? (uint64_t) st->st_ino : 0,
                               st ? (uint64_t) st->st_size : 0, st ? (uint64_t) st->st_mtim.tv_sec : 0,
                               st ? (uint64_t) st->st_mtim.tv_nsec : 0 };
        const uint8_t *p = (const uint8_t *) v;

        for (size_t i = 0; i < sizeof(v); i++)
                h = (h ^ p[i]) * UINT64_C(0x100000001b3);
        return h;
}

#define STAMP_INIT UINT64_C(0xcbf29ce484222325)

uint64_t ib_network_files_stamp(char *const *files) {
        uint64_t h = STAMP_INIT;

        STRV_FOREACH(f, files) {
                struct stat st;

                h = stamp_mix(h, stat(*f, &st) >= 0 ? &st : NULL);
        }
        return h;
}

/* path, opened as name relative to dirfd (AT_FDCWD and path: as it is). */
static int parse_one(IbNetwork *n, int dirfd, const char *name, const char *path, LoadFlags flags, DiagList *diags,
                     LoadState *s) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        struct stat st;
        int r;

        r = strv_extend(&n->files, path);
        if (r < 0)
                return r;
        r = read_config_file(dirfd, name, path, flags, diags, &text, &size, &st);
        if (r < 0)
                return r;
        /* The change stamp (ib_network_files_stamp()): the file just read, as fstat() saw it when it was
         * opened (the same file a stat() of its path finds, without another system call). */
        n->stamp = stamp_mix(n->files[1] ? n->stamp : STAMP_INIT, &st);

        *s = (LoadState) {
                .text = text,
                .size = size,
                .ctx = { .network = n, .file = n->files[strv_length(n->files) - 1], .diags = diags },
                .file_index = strv_length(n->files) - 1,
                .have_match_header = s->have_match_header,
                .match_header_line = s->match_header_line,
        };
        r = ini_parse_stream(reader, s, handler, s);
        if (r == -2)
                return -ENOMEM;
        if (r > 0 && s->error_lines == 0) {
                /* inih saw something the reader and handler did not: say where. */
                diag_add(diags, DIAG_ERROR, path, (unsigned) r, "syntax error; expected [Section] or KEY=VALUE");
                s->error_lines++;
        }
        return s->error_lines > 0 ? -EINVAL : 0;
}

int ibnet_load_at(int dirfd, const char *name, const ConfFile *cf, LoadFlags flags, DiagList *diags,
                  IbNetwork **ret) {
        _cleanup_(ib_network_unrefp) IbNetwork *n = NULL;
        LoadState s = {};
        size_t errors_before = diag_count(diags, DIAG_ERROR);
        int r, failed = 0;

        /* IbNetwork.loc numbers the files in 16 bits. */
        if (strv_length(cf->dropins) >= UINT16_MAX) {
                diag_add(diags, DIAG_ERROR, cf->path, 0, "more than %u drop-ins; merge some of them",
                         (unsigned) UINT16_MAX - 1);
                return -E2BIG;
        }
        n = ib_network_new(cf->path);
        if (!n)
                return -ENOMEM;

        r = parse_one(n, dirfd, name, cf->path, flags, diags, &s);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                failed = r;
        STRV_FOREACH(d, cf->dropins) {
                r = parse_one(n, AT_FDCWD, *d, *d, flags, diags, &s);
                if (r == -ENOMEM)
                        return r;
                if (r < 0 && failed == 0)
                        failed = r;
        }
        if (failed == -EINVAL || failed == 0) {
                r = schema_check_repeats(n, diags);
                if (r == -ENOMEM)
                        return r;
                if (r < 0 && failed == 0)
                        failed = r;
                r = ib_network_validate(n, diags);
                if (r == -ENOMEM)
                        return r;
                if (r < 0 && failed == 0)
                        failed = r;
        }
        if (failed < 0 || diag_count(diags, DIAG_ERROR) > errors_before)
                return failed < 0 ? failed : -EINVAL;
        *ret = TAKE_PTR(n);
        return 0;
}

int ibnet_load(const ConfFile *cf, LoadFlags flags, DiagList *diags, IbNetwork **ret) {
        return ibnet_load_at(AT_FDCWD, cf->path, cf, flags, diags, ret);
}
