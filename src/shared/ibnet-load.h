/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Finding and loading .ibnet files: search path, masking, drop-ins, per-file and cross-file checks. */

#include "diag.h"
#include "ibnet.h"
#include "strmap.h"

typedef struct ConfFile {
        char *name;     /* "10-ib0.ibnet" */
        char *path;     /* the winning file */
        char **dropins; /* NAME.ibnet.d/ *.conf, in the order applied */
} ConfFile;

/* A name hidden by an empty file or a symlink to /dev/null. */
typedef struct ConfMask {
        char *name;
        char *path;      /* the masking file */
        char *masks;     /* the file of that name it hides (first lower-priority one), NULL if none */
        const char *why; /* "empty file", "symlink to /dev/null", ... */
} ConfMask;

typedef struct ConfFileList {
        ConfFile *files;
        size_t n, allocated;
        ConfMask *masked; /* sorted by name */
        size_t n_masked, allocated_masked;
        /* What the search skipped and why (masks, orphaned drop-in directories, drop-ins without
         * .conf): nothing is dropped silently. ib_config_load() passes them on. */
        DiagList notes;
        /* Bit i for dirs[i] of conf_files_list(): it was read (a directory, maybe empty), or it exists
         * but is not a directory. Neither bit: it does not exist. */
        uint64_t dirs_read, dirs_not_dir;
} ConfFileList;

void conf_file_list_done(ConfFileList *l);

/* The default search path, highest priority first. */
extern const char *const ibnet_search_path[];

/* Lists NAME.ibnet over dirs (earlier dirs win for the same NAME; an empty file or a symlink to
 * /dev/null masks), with the drop-ins of NAME from all dirs (same rule per drop-in name), sorted by
 * name. A missing dir is not an error, nor is one that is not a directory (a warning in the notes):
 * ret->dirs_read and ret->dirs_not_dir say which was which, for the agent, which must not take a
 * vanished directory for "nothing configured". Masks, drop-in directories of no NAME.ibnet and
 * drop-ins not named *.conf are reported in ret->notes. -EINTR when stop_signal_pending() (macros.h). */
int conf_files_list(char *const *dirs, ConfFileList *ret);
/* One file given by path; its drop-ins are PATH.d/ *.conf. */
int conf_files_add_path(ConfFileList *l, const char *path);
/* Moves the files, masks and notes of from to the end of l. */
int conf_file_list_merge(ConfFileList *l, ConfFileList *from);

/* A larger file (or drop-in) is refused with "too large": 100,000 Address= lines fit (about 2 MB). */
#define IBNET_FILE_SIZE_MAX ((size_t) 4 * 1024 * 1024)

typedef enum LoadFlags {
        LOAD_CHECK_PERMISSIONS = 1 << 0, /* refuse files not owned by root or writable by others */
} LoadFlags;

/* Parses the file and its drop-ins and validates the result on its own. Diagnostics go to diags.
 * Returns 0 and the network, or -EINVAL if the files have errors (nothing returned), or another
 * -errno for I/O trouble (also reported in diags). */
int ibnet_load(const ConfFile *cf, LoadFlags flags, DiagList *diags, IbNetwork **ret);
/* The same with the main file opened as name relative to dirfd (its directory, opened once for all the
 * files of a directory: no path walk per file); drop-ins by path. */
int ibnet_load_at(int dirfd, const char *name, const ConfFile *cf, LoadFlags flags, DiagList *diags,
                  IbNetwork **ret);

/* A fingerprint of the files as they are on disk now (inode, size, mtime of each, in order): equal to
 * the network's stamp while none of its files was edited, replaced or removed since it was read. */
uint64_t ib_network_files_stamp(char *const *files);

/* Checks a network on its own (called by ibnet_load). */
int ib_network_validate(IbNetwork *n, DiagList *diags);
/* Its checks of addresses and routes alone (for a multi-rail file: of one port's values). */
int ib_network_validate_values(IbNetwork *n, DiagList *diags);

typedef struct IbConfigEntry {
        char *name;
        char *path;
        IbNetwork *network; /* NULL when the file was rejected */
} IbConfigEntry;

typedef struct IbConfig {
        IbConfigEntry *entries; /* sorted by name */
        size_t n, allocated;
        /* [Partition] entries by the child name they give (ib_config_index_children()): "=NAME" for
         * Name=, ".PPPP" (the P_Key in 4 hex digits) for a name made of the parent's; each value is an
         * IbConfigBucket of entry indexes in file order. */
        StrMap children;
        bool children_indexed;
        /* The other entries by literal Name= (ib_config_index_names()): each value an IbNameBucket of
         * entry indexes in file order; unnamed lists those to try on every link (globs, no Name=). */
        StrMap names;
        size_t *unnamed, n_unnamed;
        bool names_indexed;
} IbConfig;

void ib_config_done(IbConfig *c);

/* Builds c->children from the entries as they are now (call again after changing an entry's network). */
int ib_config_index_children(IbConfig *c);
void ib_config_children_done(IbConfig *c);
/* The first [Partition] entry, in file order, whose file matches the parent (pid, named parent_ifname)
 * and whose child is called ifname: the network a scan of every entry with ib_network_matches() and
 * ib_network_child_name() finds, from the index when it is built (linear otherwise). NULL if none. */
/* Builds c->names from the entries as they are now (name-index.c). */
int ib_config_index_names(IbConfig *c);
void ib_config_names_done(IbConfig *c);
/* The entries that may match a link called ifname, ascending (file order): every entry unless the
 * name index is built. The caller still checks each with ib_network_matches(). */
typedef struct IbConfigCandidates {
        const size_t *a, *b;
        size_t n_a, n_b, i, j, n_all;
        bool all;
} IbConfigCandidates;
void ib_config_candidates_init(const IbConfig *c, const char *ifname, IbConfigCandidates *ret);
bool ib_config_candidates_next(IbConfigCandidates *it, size_t *ret);

IbNetwork *ib_config_find_child(const IbConfig *c, const IbLinkIdentity *pid, const char *parent_ifname,
                                const char *ifname);

/* Loads every file of the list, then the cross-file checks, which reject the later file of a
 * conflicting pair. Returns the number of rejected files (>= 0) or -errno (-ENOMEM; -EINTR when
 * stop_signal_pending(), see macros.h). */
int ib_config_load(const ConfFileList *files, LoadFlags flags, DiagList *diags, IbConfig *ret);

/* The cross-file checks on their own: rejects (unrefs and NULLs) the later of each conflicting pair
 * of children. The same route on two links is an error that rejects nothing (the agent applies the
 * file and reports the refused route on its link). Returns how many entries it rejected. */
int ib_config_validate(IbConfig *c, DiagList *diags);
