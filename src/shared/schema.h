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
        const struct ConfigTableItem *item; /* the row being parsed */
        DiagList *diags;
        IbRoute *route; /* the current [Route] section, for per-section keys */
        IbRule *rule;   /* the current [RoutingPolicyRule] section, for CONFIG_PER_RULE keys */
        /* Parsing a value derived from a template for a port: the template and the port, for messages. */
        const char *template;
        const IbRail *rail;
} ConfigContext;

/* Parsers store into data (the row's offset into IbNetwork, or into the current IbRoute for per-section
 * keys) and nowhere else, add one diagnostic on failure and return -EINVAL/-ERANGE. An empty value
 * resets the setting to unset. The one exception is a route's address family, which Destination= and
 * Gateway= of one [Route] share: those two read and set ctx->route->family. */
typedef int (*ConfigParser)(ConfigContext *ctx, const char *value, void *data, int ltype);

typedef enum ConfigFlags {
        CONFIG_REPEATABLE = 1 << 0,  /* may appear several times; values accumulate */
        CONFIG_PER_SECTION = 1 << 1, /* offset is into the current IbRoute */
        CONFIG_RAIL = 1 << 2,        /* may hold substitutions (%i, %n, ...): parsed per port */
        CONFIG_PER_RULE = 1 << 3,    /* with CONFIG_PER_SECTION: offset is into the current IbRule */
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

/* Indexed by SchemaKey. */
extern const ConfigTableItem ibnet_config_table[_SCHEMA_KEY_MAX];
extern const size_t ibnet_config_table_size;
extern const char *const ibnet_sections[_SCHEMA_SECTION_MAX + 1]; /* NULL-terminated */

const ConfigTableItem *config_table_lookup(const char *section, const char *key);
SchemaKey config_table_index(const ConfigTableItem *item);
static inline const ConfigTableItem *config_table_item(SchemaKey key) {
        return key >= 0 && key < _SCHEMA_KEY_MAX ? &ibnet_config_table[key] : NULL;
}

/* Appends to a list with amortised growth (the list keeps its capacity). */
int ib_address_list_append(IbAddressList *l, const IbAddress *a);
int ib_route_list_append(IbRouteList *l, const IbRoute *r);
int ib_rule_list_append(IbRuleList *l, const IbRule *r);

/* Where a per-section row's value lives: in the current [Route] or [RoutingPolicyRule] of ctx. */
static inline uint8_t *config_section_base(const ConfigContext *ctx, const ConfigTableItem *it) {
        return (it->flags & CONFIG_PER_RULE) ? (uint8_t *) ctx->rule : (uint8_t *) ctx->route;
}

/* Checks the repeatable lists of a loaded network for values given twice (Address=, Gateway=, DNS=),
 * sorting instead of comparing each new value with all earlier ones. Adds one error per repeat, at the
 * later line, naming the earlier one. Returns -EINVAL if there was one, -ENOMEM. */
int schema_check_repeats(IbNetwork *n, DiagList *diags);
bool config_section_known(const char *section);
SchemaSection config_section_from_string(const char *section);
/* "Match, Partition, …" or the keys of one section; static buffer-free: newly allocated. */
char *config_section_keys(const char *section);
char *config_sections_list(void);

/* Reports "value" errors with the key's syntax hint. */
int config_bad_value(ConfigContext *ctx, const char *value, const char *why);
