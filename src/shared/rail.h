/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Multi-rail files: one .ibnet file for several ports, with values derived per port by substitutions
 * (man/ibnet.5.scd, "MULTI-RAIL FILES"):
 *
 *   %i  the rail index: the port's position in GUID= (else in Device=), from 0
 *   %n  the number at the end of the RDMA device name (mlx5_3: 3)
 *   %p  the port number
 *   %g  the last byte of the port GUID, in decimal (0…255)
 *   %G  the port GUID as four groups of 4 hex digits (an IPv6 interface identifier)
 *   %%  a "%"
 *
 * The loader keeps such a value as an IbTemplate; ib_network_instantiate() parses it for one port into
 * a copy of the network, which the agent applies to that port. */

#include "diag.h"
#include "ibnet.h"
#include "schema.h"

/* "%i %n %p %g %G %%" */
#define RAIL_SPECIFIERS "inpgG%"

typedef enum RailSpec {
        RAIL_SPEC_INDEX = 1 << 0,  /* %i */
        RAIL_SPEC_DEVNUM = 1 << 1, /* %n */
        RAIL_SPEC_PORT = 1 << 2,   /* %p */
        RAIL_SPEC_GUID = 1 << 3,   /* %g, %G */
} RailSpec;

/* The specifiers a value uses (RailSpec mask). -EINVAL for an unknown one or a "%" at the end, with
 * the offending character in *ret_bad (0 for the end). */
int rail_specifiers(const char *value, unsigned *ret_mask, char *ret_bad);

/* The value with the port's values in place of the specifiers, newly allocated. -ENXIO when the port
 * lacks the value of a specifier (no position, no device number, no GUID), with it in *ret_missing. */
int rail_substitute(const char *value, const IbRail *rail, char **ret, char *ret_missing);

/* "rail 3 (mlx5_3 port 1, GUID 0002:c903:00a0:0003)" */
const char *rail_describe(const IbRail *rail, char *buf, size_t size);

/* What the substitutions of n stand for on the port id. */
IbRail rail_from_identity(const IbNetwork *n, const IbLinkIdentity *id);
bool rail_equal(const IbRail *a, const IbRail *b) _pure_;

/* The loader's side: value has a "%" and the row allows it. Checks the specifiers and the value's syntax
 * (parsed for a sample port into scratch storage) and keeps it as a template. Adds one diagnostic and
 * returns -EINVAL when it is wrong. */
int rail_template_add(ConfigContext *ctx, const char *value);
/* An empty value resets a key: its templates go too (for a [Route] key, those of that section). */
void rail_template_drop(IbNetwork *n, SchemaKey key, size_t route_idx);

/* A copy of the file n with its templates parsed for the port rail. Diagnostics go to diags with the
 * template's file:line. -EINVAL when a value does not work out for that port. */
int ib_network_instantiate(IbNetwork *n, const IbRail *rail, DiagList *diags, IbNetwork **ret);

/* The number at the end of an RDMA device name (mlx5_3: 3), -ENXIO when there is none. */
int rail_device_number(const char *device, unsigned *ret);

/* The ports "ipoibctl check" tries a file on: one per GUID=, else one per Device= name, else eight
 * numbered devices for a Device= glob, else one sample port. Returns the count (>= 1). */
size_t rail_samples(const IbNetwork *n, IbRail **ret);

/* ib_network_validate()'s part for files with templates, or that match several ports: every sample port
 * gives valid values, and no two ports get the same address. */
int rail_validate(IbNetwork *n, DiagList *diags);
