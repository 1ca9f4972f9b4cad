/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Value parsers: pure functions, string in, value out, -errno on failure (-EINVAL for bad syntax,
 * -ERANGE for a number out of range). No diagnostics here: the schema's parsers word them. */

#include <stdbool.h>
#include <stdint.h>

int parse_boolean(const char *s); /* 1/0 or -EINVAL; yes/no true/false on/off 1/0 */
/* Decimal only, no sign, no leading/trailing junk. */
int safe_atou32(const char *s, uint32_t *ret);
/* Decimal or 0x hex, no sign. */
int safe_atou32_base(const char *s, uint32_t *ret);

/* P_Key: 0x0001..0xffff, always hex with "0x" (as in "ib0.8002", sysfs pkey and nmcli): "8002" read
 * as decimal would silently be another partition. -EINVAL for any other syntax, -ERANGE above 0xffff,
 * -EDOM for 0x0000 and 0x8000, which the kernel's __ipoib_vlan_add() refuses. ret is the value as
 * written; use pkey_normalize() for the stored value. */
int parse_pkey(const char *s, uint16_t *ret);
/* What a P_Key without "0x" most likely meant: 1..4 hex digits read as hex ("8002" → 0x8002), else
 * digits read as decimal ("32770" → 0x8002). -EINVAL when neither gives a usable P_Key. */
int pkey_likely_intent(const char *s, uint16_t *ret);
static inline uint16_t pkey_normalize(uint16_t pkey) {
        return pkey | 0x8000; /* ipoib_ndo_init(): priv->pkey |= 0x8000 */
}

/* Port GUID: "0002:c903:0001:2345", "00:02:c9:03:00:01:23:45" or "0x0002c90300012345". */
int parse_guid(const char *s, uint64_t *ret);
/* The port GUID inside a pasted 20-byte IPoIB hardware address ("80:00:02:08:fe:80:...", as ip link
 * shows it): its last 8 bytes. -EINVAL unless s is 20 colon-separated hex byte pairs. */
int parse_ipoib_hwaddr_guid(const char *s, uint64_t *ret);
#define GUID_STRING_MAX 20 /* "0002:c903:0001:2345" + NUL */
char *format_guid(uint64_t guid, char buf[static GUID_STRING_MAX]);

/* "max" sets *ret_max and *ret = 0; else 68..65535. */
int parse_mtu(const char *s, uint32_t *ret, bool *ret_max);

/* Linux interface name rules (dev_valid_name()): 1..15 chars, no '/', ':' or whitespace, not "." or "..". */
bool ifname_valid(const char *s);
/* An RDMA device name such as mlx5_0: 1..63 of [A-Za-z0-9_.-]. */
bool rdma_device_name_valid(const char *s);
/* A name, or a glob of one (* ? [...]). */
bool rdma_device_glob_valid(const char *s);
/* DNS search domain, optionally prefixed with "~" (route-only, as systemd-resolved). */
bool dns_domain_valid(const char *s);
/* A name glob: an ifname with fnmatch wildcards allowed. */
bool ifname_glob_valid(const char *s);

/* A sum of decimal numbers, "100" or "100+3" (what "Table=100+%i" becomes for rail 3): at least one
 * term, no sign, no spaces. -EINVAL for other syntax, -ERANGE when the sum passes UINT32_MAX. */
int parse_u32_sum(const char *s, uint32_t *ret);

/* The routing table files iproute2 reads, NULL-terminated; a directory NAME.d beside each is read too
 * (its *.conf files). */
extern const char *const route_table_files[];
/* A table name from those files ("ID NAME" lines, "#" comments): the first file that names it wins.
 * -ENOENT when none does. */
int route_table_from_name(const char *const *files, const char *name, uint32_t *ret);
