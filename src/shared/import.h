/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Converting NetworkManager keyfiles and Red Hat ifcfg files into .ibnet text: pure functions, text in,
 * settings and diagnostics out, no I/O and no logging (ipoibctl import reads and writes the files).
 *
 * Every setting of the source ends in one of three places: a .ibnet key, a comment of the output
 * (profile identity), or a diagnostic at its file:line: DIAG_WARNING when it is not carried over and
 * the behaviour may differ, DIAG_NOTICE for a decision the conversion made (the P_Key naming, a
 * default made explicit) or a setting that needs no equivalent, DIAG_ERROR when the file cannot be
 * converted at all. Nothing is dropped silently. */

#include <stdint.h>

#include "diag.h"
#include "ibnet.h"

typedef enum ImportFormat {
        IMPORT_FORMAT_NM_KEYFILE, /* /etc/NetworkManager/system-connections/NAME.nmconnection */
        IMPORT_FORMAT_IFCFG,      /* /etc/sysconfig/network-scripts/ifcfg-NAME */
        IMPORT_FORMAT_ROUTE,      /* route-NAME, route6-NAME: read with their ifcfg-NAME */
        _IMPORT_FORMAT_MAX,
        _IMPORT_FORMAT_INVALID = -EINVAL,
} ImportFormat;

/* One Key=value of the output. key names the schema row, so the section and the key's spelling come
 * from the schema table (src/shared/schema.c) and cannot drift. */
typedef struct ImportSetting {
        SchemaKey key;
        char *value;
        unsigned route; /* [Route] keys: which [Route] section, from 1; 0 otherwise */
        size_t seq;     /* insertion order, for a stable sort */
} ImportSetting;

typedef struct ImportResult {
        char *source;   /* the main source file, as given */
        ImportFormat format;
        char *name;     /* the suggested file name, "10-mlx4_ib0.ibnet" or "20-mlx4_ib0.8002.ibnet" */
        char **comments; /* lines for the header, without "# " */
        ImportSetting *settings;
        size_t n, allocated;
        unsigned n_routes;
} ImportResult;

void import_result_done(ImportResult *r);

/* What a file is, by its name and contents: a keyfile has a [connection] section, an ifcfg file is
 * named ifcfg-* or holds TYPE=/DEVICE= assignments, route-* and route6-* are route files. */
ImportFormat import_detect_format(const char *path, const char *text);
const char *import_format_to_string(ImportFormat f) _const_;

/* Converts one NetworkManager keyfile. Diagnostics name path and line. Returns 0 (the result may
 * still carry warnings), -EINVAL when the file cannot be converted (errors in diags, ret untouched
 * apart from cleanup), -ENOMEM. */
int import_nm_keyfile(const char *path, const char *text, DiagList *diags, ImportResult *ret);

/* Converts one ifcfg file. The device's route-NAME and route6-NAME files, if any, are passed in
 * route_paths/route_texts (NULL-terminated, may be NULL) and become [Route] sections. Same returns. */
int import_ifcfg(const char *path, const char *text, char *const *route_paths, char *const *route_texts,
                 DiagList *diags, ImportResult *ret);

/* The device an ifcfg file configures: DEVICE=, else the part of the file name after "ifcfg-"; the
 * name route-NAME and route6-NAME files carry. Newly allocated, NULL if there is none. */
char *import_ifcfg_device(const char *path, const char *text);

/* The .ibnet text: a header of comments, then the sections in schema order, each key through the
 * schema table. Newly allocated, NULL on -ENOMEM. */
char *import_result_format(const ImportResult *r);

/* Shared by the two converters (import.c). */
int import_add(ImportResult *r, SchemaKey key, unsigned route, const char *fmt, ...) _printf_(4, 5);
int import_comment(ImportResult *r, const char *fmt, ...) _printf_(2, 3);
/* The port GUID in a 20-byte IPoIB hardware address (hex with colons or, NetworkManager's obsolete
 * form, 20 decimal bytes separated by ";"). -EINVAL for anything else. */
int import_hwaddr_guid(const char *s, uint64_t *ret);
/* A number as C and the shell read it: decimal, 0x hex, and a leading 0 is octal (bash arithmetic,
 * which initscripts' ifup-ib uses for PKEY_ID). */
int import_parse_c_number(const char *s, uint64_t max, uint64_t *ret);

/* The source as key/value pairs with their lines (the converters' common ground). Lookups mark an
 * entry used; import_kv_report() then reports every entry no lookup took, so that no setting of the
 * source can be forgotten silently. section is "" for ifcfg files. */
typedef struct ImportKV {
        char *section;
        char *key;
        char *value;
        unsigned line;
        bool used;
} ImportKV;

typedef struct ImportKVList {
        ImportKV *items;
        size_t n, allocated;
} ImportKVList;

void import_kv_list_done(ImportKVList *l);
int import_kv_add(ImportKVList *l, const char *section, const char *key, const char *value, unsigned line);
/* The last entry of section/key (later ones win, as in GKeyFile and the shell), marking all of them
 * used; NULL if there is none. */
const ImportKV *import_kv_get(ImportKVList *l, const char *section, const char *key);

/* What to say about an entry no conversion took. Patterns are fnmatch(3) globs on "section.key" (or
 * the bare variable for ifcfg); "values" lists values (separated by "|") that mean the same as having
 * no setting at all, for which a notice is enough; any other value takes level. */
typedef struct ImportUnused {
        const char *pattern;
        DiagLevel level;
        const char *values;
        const char *why;
} ImportUnused;

/* One diagnostic per unused entry, in line order, from the first pattern that matches (a warning
 * "has no equivalent in .ibnet" when none does). Also writes each as a comment of the result. */
int import_kv_report(const ImportKVList *l, const ImportUnused *table, size_t n_table, const char *path,
                     DiagList *diags, ImportResult *r);

/* A P_Key child: [Match] Name=parent (when known), [Partition] PKey= normalised, Method=sysfs (as
 * ifup-ib and NetworkManager create children), and Name= when the source tool named the child
 * otherwise (NetworkManager: "parent.%04x" of the P_Key as written). One notice states the decision. */
int import_partition(ImportResult *r, DiagList *diags, const char *path, unsigned line, const char *parent,
                     uint16_t pkey_as_written, bool nm_naming);

/* "metric" < 0: none. A default route through gw: [Network] Gateway=, or a [Route] with Gateway= and
 * Metric= when there is a metric. */
int import_gateway(ImportResult *r, const char *gw, int64_t metric);
int import_route(ImportResult *r, const char *dst, const char *gw, int64_t metric);

/* A diagnostic about a setting a converter read but does not carry over (or a decision it made);
 * warnings also become a comment of the output, so the file says what it lacks. */
int import_drop(ImportResult *r, DiagList *diags, DiagLevel level, const char *path, unsigned line,
                const char *fmt, ...) _printf_(6, 7);

/* The output's file name: "20-NAME.ibnet" for a child, "10-NAME.ibnet" for a port, NAME with
 * anything outside [A-Za-z0-9._-] replaced by "_". */
int import_set_name(ImportResult *r, bool child, const char *name);

/* MTU as the source tool read it: 0 = unset. mode is what the output sets. Writes MTU= (or MTU=max
 * where the kernel would refuse the value in that mode, with a warning). */
int import_mtu(ImportResult *r, DiagList *diags, const char *path, unsigned line, uint64_t mtu, IbMode mode);

/* "ADDR/PLEN" or "ADDR" (then default_plen, with a notice) of family (AF_UNSPEC: any) in canonical
 * form into buf (IN_ADDR_PREFIX_STRLEN). -EINVAL with a warning naming what when it is not one. */
int import_format_prefix(DiagList *diags, const char *path, unsigned line, const char *what, const char *s,
                         int family, int default_plen, char *buf, size_t size);
/* An address (no prefix) of family (AF_UNSPEC: any) in canonical form; -EINVAL (no diagnostic) when
 * it is not one, or is the unspecified address. */
int import_format_addr(const char *s, int family, char *buf, size_t size);

/* Sets the name from the settings: [Partition] Name=, else [Match] Name= and the P_Key for a child,
 * [Match] Name= for a port, else fallback. */
int import_name_from_settings(ImportResult *r, const char *fallback);
