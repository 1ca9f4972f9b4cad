/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The search path, as systemd's conf-files.c does it: the first directory that has a name wins, an
 * empty file or a symlink to /dev/null masks the name, drop-ins are collected the same way per
 * drop-in name and applied in lexical order. What is skipped is said in the list's notes. */

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#include "ibnet-load.h"
#include "strmap.h"
#include "strv.h"

const char *const ibnet_search_path[] = {
        SYSCONF_CONFIG_DIR,
        RUNTIME_CONFIG_DIR,
        LIB_CONFIG_DIR,
        NULL,
};

static void conf_mask_done(ConfMask *m) {
        free(m->name);
        free(m->path);
        free(m->masks);
}

void conf_file_list_done(ConfFileList *l) {
        FOREACH_ARRAY(f, l->files, l->n) {
                free(f->name);
                free(f->path);
                strv_free(f->dropins);
        }
        FOREACH_ARRAY(m, l->masked, l->n_masked)
                conf_mask_done(m);
        l->files = mfree(l->files);
        l->masked = mfree(l->masked);
        l->n = l->allocated = l->n_masked = l->allocated_masked = 0;
        diag_list_done(&l->notes);
}

/* dir/name, without asprintf(): once per file of every directory. */
static char *path_join(const char *dir, const char *name) {
        size_t a = strlen(dir), b = strlen(name);
        char *p = malloc(a + 1 + b + 1);

        if (!p)
                return NULL;
        memcpy(p, dir, a);
        p[a] = '/';
        memcpy(p + a + 1, name, b + 1);
        return p;
}

typedef struct NameEntry {
        char *name;
        char *path;      /* the winning file, or the mask */
        const char *why; /* non-NULL when masked */
        char *masks;     /* for a mask: the first lower-priority file it hides */
} NameEntry;

typedef struct NameSet {
        NameEntry *e;
        size_t n, allocated;
        StrMap index; /* name → position + 1: a linear search made 10,000 files quadratic */
} NameSet;

static void name_set_done(NameSet *s) {
        FOREACH_ARRAY(x, s->e, s->n) {
                free(x->name);
                free(x->path);
                free(x->masks);
        }
        free(s->e);
        strmap_done(&s->index);
        *s = (NameSet) {};
}

static NameEntry *name_set_get(NameSet *s, const char *name) {
        uintptr_t i = (uintptr_t) strmap_get(&s->index, name);

        return i > 0 ? &s->e[i - 1] : NULL;
}

/* Why name in the directory dfd masks its name, or NULL when it is a file to read. *ret_dir says it is
 * a directory (to skip). One fstatat() relative to the directory for a regular file: with 10,000 files
 * every system call and every path walk counts. */
static const char *mask_reason(int dfd, const char *name, bool *ret_dir) {
        struct stat st;
        char target[16];
        ssize_t l;

        *ret_dir = false;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return "dangling symlink"; /* gone meanwhile: nothing to read */
        if (S_ISLNK(st.st_mode)) {
                l = readlinkat(dfd, name, target, sizeof(target) - 1);
                if (l > 0) {
                        target[l] = 0;
                        if (streq(target, "/dev/null"))
                                return "symlink to /dev/null";
                }
                if (fstatat(dfd, name, &st, 0) < 0)
                        return "dangling symlink";
        }
        *ret_dir = S_ISDIR(st.st_mode);
        if (S_ISCHR(st.st_mode))
                return "character device";
        if (S_ISREG(st.st_mode) && st.st_size == 0)
                return "empty file";
        return NULL;
}

/* The NAME.ibnet.d directories seen in each search directory, in a StrMap: NAME.ibnet → bit mask of
 * dir indices.
 * Only those are opened for drop-ins (opening a missing one per file per dir was 30,000 failed
 * openat() for 10,000 files). */
static int dropin_dirs_add(StrMap *dd, const char *entry, unsigned dir_index) {
        _cleanup_free_ char *name = strndup(entry, strlen(entry) - 2); /* without ".d" */
        uintptr_t bits;

        if (!name)
                return -ENOMEM;
        bits = (uintptr_t) strmap_get(dd, name);
        return strmap_put(dd, name, (void *) (bits | ((uintptr_t) 1 << dir_index)));
}

static bool dropin_dir_exists(const StrMap *dd, const char *name, unsigned dir_index) {
        return !dd || ((uintptr_t) strmap_get(dd, name) & ((uintptr_t) 1 << dir_index));
}

/* Adds the entries of dir ending in suffix, unless a name is already known (an earlier dir wins).
 * Returns 1 when dir was read, 0 when it does not exist, -ENOTDIR when it is not a directory.
 * In a drop-in directory (dropin_dir), a file that does not end in suffix is noted: it is ignored.
 * In a search directory, NAME.ibnet.d directories are recorded in dd (with dir_index). */
static int name_set_add_dir(NameSet *s, const char *dir, const char *suffix, bool dropin_dir, DiagList *notes,
                            StrMap *dd, unsigned dir_index) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : negative_errno();
        for (unsigned n = 1; (de = readdir(d)); n++) {
                _cleanup_free_ char *path = NULL;
                NameEntry *known;
                const char *why;
                struct stat st;
                bool is_dir;

                if (n % 256 == 0 && stop_signal_pending())
                        return -EINTR;
                if (de->d_name[0] == '.')
                        continue;
                if (!endswith(de->d_name, suffix)) {
                        if (dd && endswith(de->d_name, ".ibnet.d")) {
                                r = dropin_dirs_add(dd, de->d_name, dir_index);
                                if (r < 0)
                                        return r;
                        }
                        if (!dropin_dir || de->d_type == DT_DIR)
                                continue;
                        if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
                                return -ENOMEM;
                        if (!(stat(path, &st) == 0 && S_ISDIR(st.st_mode)) &&
                            diag_add(notes, DIAG_WARNING, path, 0,
                                     "not a drop-in: only files ending in %s are read; rename it or remove it",
                                     suffix) < 0)
                                return -ENOMEM;
                        continue;
                }
                why = mask_reason(dirfd(d), de->d_name, &is_dir);
                if (is_dir)
                        continue;
                known = name_set_get(s, de->d_name);
                if (known) {
                        /* What a mask hides: the first real file of its name in a later dir. */
                        if (known->why && !known->masks && !why &&
                            asprintf(&known->masks, "%s/%s", dir, de->d_name) < 0)
                                return -ENOMEM;
                        continue;
                }
                path = path_join(dir, de->d_name);
                if (!path)
                        return -ENOMEM;
                if (!GREEDY_REALLOC(s->e, s->allocated, s->n + 1))
                        return -ENOMEM;
                s->e[s->n] = (NameEntry) { .name = strdup(de->d_name), .why = why };
                if (!s->e[s->n].name)
                        return -ENOMEM;
                s->e[s->n].path = TAKE_PTR(path);
                s->n++;
                r = strmap_put(&s->index, de->d_name, (void *) (uintptr_t) s->n);
                if (r < 0)
                        return r;
        }
        return 1;
}

static int name_entry_cmp(const void *a, const void *b) {
        return strcmp(((const NameEntry *) a)->name, ((const NameEntry *) b)->name);
}

static void name_set_sort(NameSet *s) {
        /* The index holds positions: it is not used after sorting. */
        if (s->n > 1)
                qsort(s->e, s->n, sizeof(NameEntry), name_entry_cmp);
        strmap_done(&s->index);
}

static int note_mask(DiagList *notes, const NameEntry *x) {
        if (x->masks)
                return diag_add(notes, DIAG_NOTICE, x->path, 0, "%s: masks %s, which is not read", x->why,
                                x->masks);
        /* Probably a file that was meant to have content: say it does nothing. */
        return diag_add(notes, DIAG_WARNING, x->path, 0,
                        "%s: it masks %s, but no lower-priority directory has one, so it does nothing; "
                        "write its settings or remove it",
                        x->why, x->name);
}

/* dd NULL: look in every dir. */
static int collect_dropins(char *const *dirs, const char *name, const StrMap *dd, DiagList *notes, char ***ret) {
        _cleanup_(name_set_done) NameSet set = {};
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        unsigned i = 0;
        int r;

        if (!l)
                return -ENOMEM;
        STRV_FOREACH(dir, dirs) {
                _cleanup_free_ char *d = NULL;

                if (!dropin_dir_exists(dd, name, i++))
                        continue;
                if (asprintf(&d, "%s/%s.d", *dir, name) < 0)
                        return -ENOMEM;
                r = name_set_add_dir(&set, d, ".conf", true, notes, NULL, 0);
                if (r < 0 && r != -ENOTDIR) /* a file named NAME.ibnet.d holds no drop-ins */
                        return r;
        }
        name_set_sort(&set);
        FOREACH_ARRAY(x, set.e, set.n) {
                if (x->why) {
                        if (note_mask(notes, x) < 0)
                                return -ENOMEM;
                        continue;
                }
                r = strv_extend(&l, x->path);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

/* Takes name, path and dropins, also on failure. */
static int conf_file_list_push(ConfFileList *l, char *name, char *path, char **dropins) {
        if (!name || !path || !GREEDY_REALLOC(l->files, l->allocated, l->n + 1)) {
                free(name);
                free(path);
                strv_free(dropins);
                return -ENOMEM;
        }
        l->files[l->n++] = (ConfFile) { .name = name, .path = path, .dropins = dropins };
        return 0;
}

static int conf_file_list_append(ConfFileList *l, const char *name, const char *path, char **dropins) {
        return conf_file_list_push(l, strdup(name), strdup(path), dropins);
}

static int conf_file_list_add_mask(ConfFileList *l, NameEntry *x) {
        if (!GREEDY_REALLOC(l->masked, l->allocated_masked, l->n_masked + 1))
                return -ENOMEM;
        l->masked[l->n_masked++] = (ConfMask) {
                .name = TAKE_PTR(x->name),
                .path = TAKE_PTR(x->path),
                .masks = TAKE_PTR(x->masks),
                .why = x->why,
        };
        return 0;
}

static void note_orphan(const char *key, void *value, void *userdata) {
        struct {
                char *const *dirs;
                NameSet *names;
                DiagList *notes;
                int r;
        } *u = userdata;
        uintptr_t bits = (uintptr_t) value;
        unsigned i = 0;

        if (name_set_get(u->names, key))
                return;
        STRV_FOREACH(dir, u->dirs) {
                if (bits & ((uintptr_t) 1 << i++)) {
                        _cleanup_free_ char *path = NULL;

                        if (asprintf(&path, "%s/%s.d", *dir, key) < 0 ||
                            diag_add(u->notes, DIAG_WARNING, path, 0,
                                     "drop-in directory of %s, which no directory of the search path has; its "
                                     "drop-ins apply to nothing",
                                     key) < 0)
                                u->r = -ENOMEM;
                }
        }
}

/* NAME.ibnet.d directories of no listed (or masked) NAME.ibnet: their drop-ins apply to nothing. */
static int note_orphaned_dropin_dirs(char *const *dirs, const StrMap *dd, NameSet *names, DiagList *notes) {
        struct {
                char *const *dirs;
                NameSet *names;
                DiagList *notes;
                int r;
        } u = { dirs, names, notes, 0 };

        strmap_foreach(dd, note_orphan, &u);
        return u.r;
}

int conf_files_list(char *const *dirs, ConfFileList *ret) {
        _cleanup_(name_set_done) NameSet set = {};
        _cleanup_(conf_file_list_done) ConfFileList l = {};
        _cleanup_(strmap_done) StrMap dropin_dirs = {};
        StrMap *dd = &dropin_dirs;
        unsigned i = 0;
        int r;

        if (strv_length((char **) dirs) > sizeof(uintptr_t) * 8)
                return -E2BIG; /* the drop-in directories are a bit mask per name */
        STRV_FOREACH(dir, dirs) {
                r = name_set_add_dir(&set, *dir, ".ibnet", false, &l.notes, dd, i);
                if (r == -ENOTDIR) {
                        l.dirs_not_dir |= (uint64_t) 1 << i;
                        r = diag_add(&l.notes, DIAG_WARNING, *dir, 0,
                                     "not a directory, so no file of it is read; the agent keeps its last "
                                     "good configuration while a directory of its search path is not one");
                }
                if (r < 0)
                        return r;
                if (r > 0)
                        l.dirs_read |= (uint64_t) 1 << i;
                i++;
        }
        r = note_orphaned_dropin_dirs(dirs, dd, &set, &l.notes);
        if (r < 0)
                return r;
        name_set_sort(&set);
        FOREACH_ARRAY(x, set.e, set.n) {
                char **dropins = NULL;

                if (x->why) {
                        r = note_mask(&l.notes, x);
                        if (r < 0)
                                return r;
                        r = conf_file_list_add_mask(&l, x);
                        if (r < 0)
                                return r;
                        continue;
                }
                r = collect_dropins(dirs, x->name, dd, &l.notes, &dropins);
                if (r < 0)
                        return r;
                r = conf_file_list_push(&l, TAKE_PTR(x->name), TAKE_PTR(x->path), dropins);
                if (r < 0)
                        return r;
        }
        *ret = l;
        l = (ConfFileList) {};
        return 0;
}

int conf_files_add_path(ConfFileList *l, const char *path) {
        _cleanup_free_ char *dir = NULL;
        char *dirs[2] = {};
        const char *slash = strrchr(path, '/');
        const char *name = slash ? slash + 1 : path;
        char **d = NULL;
        int r;

        dir = slash ? strndup(path, (size_t) (slash - path)) : strdup(".");
        if (!dir)
                return -ENOMEM;
        if (slash && slash == path) {
                free(dir);
                dir = strdup("/");
                if (!dir)
                        return -ENOMEM;
        }
        dirs[0] = dir;
        r = collect_dropins(dirs, name, NULL, &l->notes, &d);
        if (r < 0)
                return r;
        return conf_file_list_append(l, name, path, d);
}

int conf_file_list_merge(ConfFileList *l, ConfFileList *from) {
        FOREACH_ARRAY(f, from->files, from->n) {
                if (!GREEDY_REALLOC(l->files, l->allocated, l->n + 1))
                        return -ENOMEM;
                l->files[l->n++] = *f;
                *f = (ConfFile) {};
        }
        FOREACH_ARRAY(m, from->masked, from->n_masked) {
                if (!GREEDY_REALLOC(l->masked, l->allocated_masked, l->n_masked + 1))
                        return -ENOMEM;
                l->masked[l->n_masked++] = *m;
                *m = (ConfMask) {};
        }
        FOREACH_ARRAY(d, from->notes.items, from->notes.n)
                if (diag_add(&l->notes, d->level, d->path, d->line, "%s", d->message) < 0)
                        return -ENOMEM;
        return 0;
}
