/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The fabric file of the simulated fabric (JSON, see sim-fabric.c and examples/fabric/README.md):
 * parsed into plain structs, loaded into a SimModel, and re-applied as a difference when it changes. */

#include "sim-model.h"

typedef struct SimNetdevConf {
        char name[IFNAMSIZ];   /* "" for a child without a name (the kernel picks one) */
        char parent[IFNAMSIZ]; /* children only */
        char hca[SIM_NAME_MAX];
        unsigned port;
        uint16_t pkey; /* children: as written */
        bool sysfs;    /* children: created with create_child rather than RTM_NEWLINK */
        int ifindex;   /* 0 = next free */
        int up, mode, umcast; /* -1 = not set */
        uint32_t mtu;         /* 0 = not set */
        char **addresses;     /* "192.0.2.1/24" … */
} SimNetdevConf;

typedef struct SimHcaConf {
        char name[SIM_NAME_MAX];
        char model[SIM_NAME_MAX];
        bool enhanced, cm, present;
        bool rtnl_busy; /* mode changes lose the rtnl_trylock() race: -EBUSY after the change (§2) */
        uint32_t first_qpn;
        SimPortConf ports[SIM_PORTS_MAX];
        size_t n_ports;
} SimHcaConf;

typedef struct SimFabric {
        SimHcaConf *hcas;
        size_t n_hcas;
        SimNetdevConf *netdevs; /* parents, each followed by its children */
        size_t n_netdevs;
        bool old_child_names; /* a kernel before 6.10: sysfs children named "%s.%04x" cut to 15 (§6) */
} SimFabric;

void sim_fabric_done(SimFabric *f);
/* ret_error: a message naming the JSON path at fault, newly allocated (also on -ENOMEM it may be NULL). */
int sim_fabric_parse(const char *text, SimFabric *ret, char **ret_error);
int sim_fabric_parse_file(const char *path, SimFabric *ret, char **ret_error);

/* Builds the model from the file: HCAs, ports, parents, then the netdevs' initial state (children,
 * mode, MTU, up, addresses) applied through the model's own rules. */
int sim_model_load(SimModel *m, const SimFabric *f, char **ret_error);
/* A changed file, applied as hardware would: HCAs removed/added, port state, P_Key table, SM, subnet
 * prefix and broadcast MTU changes. Netdev sections only matter when an HCA is (re)added (names, QPNs). */
int sim_model_apply(SimModel *m, const SimFabric *f);
