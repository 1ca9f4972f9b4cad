/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The .ibnet schema: one row per Section.Key (systemd's ConfigTableItem). The loader looks a key up
 * and calls its parser; the docs check walks the same table. */

#include <stddef.h>

#include "diag.h"
#include "ibnet.h"

typedef struct ConfigContext {
        IbNetwork *network;
        const char *file; /* stable: points into network->files */
        unsigned line;
        const char *section;
        const char *key;
        DiagList *diags;
        IbRoute *route; /* the current [Route] section, for per-section keys */
} ConfigContext;

/* Parsers store into data (the row's offset into IbNetwork, or into IbRoute for per-section keys),
 * add one diagnostic on failure and return -EINVAL/-ERANGE. An empty value resets the setting. */
typedef int (*ConfigParser)(ConfigContext *ctx, const char *value, void *data, int ltype);

typedef enum ConfigFlags {
        CONFIG_REPEATABLE = 1 << 0,  /* may appear several times; values accumulate */
        CONFIG_PER_SECTION = 1 << 1, /* offset is into the current IbRoute */
} ConfigFlags;

typedef struct ConfigTableItem {
        const char *section;
        const char *key;
        ConfigParser parse;
        int ltype;
        size_t offset;
        ConfigFlags flags;
        const char *syntax; /* short value syntax, for messages: "BYTES|max" */
} ConfigTableItem;

extern const ConfigTableItem ibnet_config_table[];
extern const size_t ibnet_config_table_size;
extern const char *const ibnet_sections[];

const ConfigTableItem *config_table_lookup(const char *section, const char *key);
size_t config_table_index(const ConfigTableItem *item);
bool config_section_known(const char *section);
/* "Match, Partition, …" or the keys of one section; static buffer-free: newly allocated. */
char *config_section_keys(const char *section);
char *config_sections_list(void);

/* Reports "value" errors with the key's syntax hint. */
int config_bad_value(ConfigContext *ctx, const char *value, const char *why);
