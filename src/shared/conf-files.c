/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The search path, as systemd's conf-files.c does it: the first directory that has a name wins, an
 * empty file or a symlink to /dev/null masks the name, drop-ins are collected the same way per
 * drop-in name and applied in lexical order. */

#include <dirent.h>
#include <sys/stat.h>

#include "ibnet-load.h"
#include "strv.h"

const char *const ibnet_search_path[] = {
        SYSCONF_CONFIG_DIR,
        RUNTIME_CONFIG_DIR,
        LIB_CONFIG_DIR,
        NULL,
};

void conf_file_list_done(ConfFileList *l) {
        FOREACH_ARRAY(f, l->files, l->n) {
                free(f->name);
                free(f->path);
                strv_free(f->dropins);
        }
        l->files = mfree(l->files);
        l->n = l->allocated = 0;
}

typedef struct NameEntry {
        char *name;
        char *path; /* NULL when masked */
} NameEntry;

typedef struct NameSet {
        NameEntry *e;
        size_t n, allocated;
} NameSet;

static void name_set_done(NameSet *s) {
        FOREACH_ARRAY(x, s->e, s->n) {
                free(x->name);
                free(x->path);
        }
        free(s->e);
        *s = (NameSet) {};
}

static bool is_masked(const char *path) {
        struct stat st;
        char target[16];
        ssize_t l;

        l = readlink(path, target, sizeof(target) - 1);
        if (l > 0) {
                target[l] = 0;
                if (streq(target, "/dev/null"))
                        return true;
        }
        if (stat(path, &st) < 0)
                return true; /* dangling: nothing to read */
        return S_ISCHR(st.st_mode) || (S_ISREG(st.st_mode) && st.st_size == 0);
}

/* Adds the entries of dir ending in suffix, unless a name is already known (an earlier dir wins). */
static int name_set_add_dir(NameSet *s, const char *dir, const char *suffix) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        d = opendir(dir);
        if (!d)
                return errno == ENOENT || errno == ENOTDIR ? 0 : negative_errno();
        while ((de = readdir(d))) {
                _cleanup_free_ char *path = NULL;
                bool known = false;
                struct stat st;

                if (de->d_name[0] == '.' || !endswith(de->d_name, suffix))
                        continue;
                FOREACH_ARRAY(x, s->e, s->n)
                        if (streq(x->name, de->d_name))
                                known = true;
                if (known)
                        continue;
                if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
                        return -ENOMEM;
                if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
                        continue;
                if (!GREEDY_REALLOC(s->e, s->allocated, s->n + 1))
                        return -ENOMEM;
                s->e[s->n].name = strdup(de->d_name);
                if (!s->e[s->n].name)
                        return -ENOMEM;
                s->e[s->n].path = is_masked(path) ? NULL : TAKE_PTR(path);
                s->n++;
        }
        return 0;
}

static int name_entry_cmp(const void *a, const void *b) {
        return strcmp(((const NameEntry *) a)->name, ((const NameEntry *) b)->name);
}

static int collect_dropins(char *const *dirs, const char *name, char ***ret) {
        _cleanup_(name_set_done) NameSet set = {};
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        int r;

        if (!l)
                return -ENOMEM;
        STRV_FOREACH(dir, dirs) {
                _cleanup_free_ char *d = NULL;

                if (asprintf(&d, "%s/%s.d", *dir, name) < 0)
                        return -ENOMEM;
                r = name_set_add_dir(&set, d, ".conf");
                if (r < 0)
                        return r;
        }
        if (set.n > 0)
                qsort(set.e, set.n, sizeof(NameEntry), name_entry_cmp);
        FOREACH_ARRAY(x, set.e, set.n)
                if (x->path && (r = strv_extend(&l, x->path)) < 0)
                        return r;
        *ret = TAKE_PTR(l);
        return 0;
}

static int conf_file_list_append(ConfFileList *l, const char *name, const char *path, char **dropins) {
        if (!GREEDY_REALLOC(l->files, l->allocated, l->n + 1)) {
                strv_free(dropins);
                return -ENOMEM;
        }
        l->files[l->n] = (ConfFile) { .name = strdup(name), .path = strdup(path), .dropins = dropins };
        if (!l->files[l->n].name || !l->files[l->n].path) {
                free(l->files[l->n].name);
                free(l->files[l->n].path);
                strv_free(dropins);
                return -ENOMEM;
        }
        l->n++;
        return 0;
}

int conf_files_list(char *const *dirs, ConfFileList *ret) {
        _cleanup_(name_set_done) NameSet set = {};
        _cleanup_(conf_file_list_done) ConfFileList l = {};
        int r;

        STRV_FOREACH(dir, dirs) {
                r = name_set_add_dir(&set, *dir, ".ibnet");
                if (r < 0)
                        return r;
        }
        if (set.n > 0)
                qsort(set.e, set.n, sizeof(NameEntry), name_entry_cmp);
        FOREACH_ARRAY(x, set.e, set.n) {
                char **dropins = NULL;

                if (!x->path)
                        continue; /* masked */
                r = collect_dropins(dirs, x->name, &dropins);
                if (r < 0)
                        return r;
                r = conf_file_list_append(&l, x->name, x->path, dropins);
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
        r = collect_dropins(dirs, name, &d);
        if (r < 0)
                return r;
        return conf_file_list_append(l, name, path, d);
}
