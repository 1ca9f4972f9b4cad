/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated fabric's view on disk, written incrementally: STATE_DIR/sys/class/net/IF/ATTR and
 * STATE_DIR/ip-address.
 *
 * Writing every file of every netdev after every change is quadratic (4 ports × 1000 P_Key children
 * are 52,000 files, per event), so the view remembers, per ifindex, the directory name and the text of
 * each attribute it wrote. A notification marks its netdev dirty; sim_view_write() compares the
 * model's answer with what is on disk and rewrites only what differs. A netdev seen for the first time
 * gets its directory built under a temporary name and renamed into place, so a reader never sees it
 * half written; an attribute that changes is replaced atomically (write_file_atomic()). */

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "intmap.h"
#include "sim-view.h"

/* Every attribute the view may write; which exist for a device is sim_netdev_sysfs_read()'s answer. */
static const char *const sysfs_attrs[] = {
        "address", "broadcast", "carrier", "dev_id", "dev_port", "ifindex", "mode",
        "mtu",     "operstate", "parent",  "pkey",   "type",     "umcast",
};
#define N_ATTRS ELEMENTSOF(sysfs_attrs)
/* The longest is an INFINIBAND_ALEN hardware address: 20 × "xx:" = 60 characters with the newline. */
#define ATTR_MAX 64

/* One netdev as the files say it is. */
typedef struct ViewLink {
        char name[IFNAMSIZ]; /* its directory; "" when it has none yet */
        bool dirty;          /* on the queue */
        uint16_t present;    /* bit i: sysfs_attrs[i] exists with text[i] */
        char text[N_ATTRS][ATTR_MAX];
        /* STATE_DIR/proc/sys/net/ipv4/conf/NAME/arp_ignore, arp_announce as written; "" = none yet */
        char conf_name[IFNAMSIZ];
        uint8_t arp_ignore, arp_announce;
} ViewLink;

struct SimView {
        char *net_dir, *ip_path, *conf_dir;
        IntMap links; /* ifindex → ViewLink */
        int *queue;   /* dirty ifindexes, in the order they changed */
        size_t n_queue, allocated_queue, next;
        bool all;       /* every netdev, and the directories nobody owns */
        bool text;      /* ip-address */
        bool net_ready;  /* net_dir exists */
        bool conf_ready; /* conf_dir exists */
};

int sim_view_new(const char *state_dir, SimView **ret) {
        _cleanup_(sim_view_freep) SimView *v = calloc(1, sizeof(SimView));

        if (!v)
                return -ENOMEM;
        if (asprintf(&v->net_dir, "%s/sys/class/net", state_dir) < 0) {
                v->net_dir = NULL;
                return -ENOMEM;
        }
        if (asprintf(&v->ip_path, "%s/ip-address", state_dir) < 0) {
                v->ip_path = NULL;
                return -ENOMEM;
        }
        if (asprintf(&v->conf_dir, "%s/proc/sys/net/ipv4/conf", state_dir) < 0) {
                v->conf_dir = NULL;
                return -ENOMEM;
        }
        v->all = v->text = true;
        *ret = TAKE_PTR(v);
        return 0;
}

SimView *sim_view_free(SimView *v) {
        ViewLink *l;

        if (!v)
                return NULL;
        for (size_t i = 0; intmap_iterate(&v->links, &i, NULL, (void **) &l);)
                free(l);
        intmap_done(&v->links);
        free(v->queue);
        free(v->net_dir);
        free(v->ip_path);
        free(v->conf_dir);
        return mfree(v);
}

static void mark(SimView *v, int ifindex) {
        ViewLink *l = intmap_get(&v->links, ifindex);

        v->text = true;
        if (l && l->dirty)
                return;
        if (!l) {
                l = calloc(1, sizeof(ViewLink));
                if (!l || intmap_put(&v->links, ifindex, l) < 0) {
                        free(l);
                        v->all = true; /* the next pass looks at every netdev instead */
                        return;
                }
        }
        if (!GREEDY_REALLOC(v->queue, v->allocated_queue, v->n_queue + 1)) {
                v->all = true;
                return;
        }
        v->queue[v->n_queue++] = ifindex;
        l->dirty = true;
}

void sim_view_note(SimView *v, const SimEvent *e) {
        switch (e->type) {
        case SIM_EVENT_LINK:
                mark(v, e->link.ifindex);
                break;
        case SIM_EVENT_ADDRESS:
                v->text = true;
                break;
        case SIM_EVENT_ROUTE: /* routes are in neither file */
        case SIM_EVENT_RULE:  /* nor are rules */
        case _SIM_EVENT_TYPE_MAX:
        case _SIM_EVENT_TYPE_INVALID:
                break;
        }
}

void sim_view_note_all(SimView *v) {
        v->all = v->text = true;
}

bool sim_view_pending(const SimView *v) {
        return v->all || v->text || v->next < v->n_queue;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000U + (uint64_t) ts.tv_nsec / 1000U;
}

static int mkdir_p(const char *path) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
                if (s)
                        *s = 0;
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return negative_errno();
                if (!s)
                        return 0;
                *s = '/';
        }
}

/* Removes DIR/NAME and the files in it (the view makes no deeper trees). */
static int rm_dir(const char *dir, const char *name) {
        _cleanup_free_ char *path = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return -ENOMEM;
        d = opendir(path);
        if (!d)
                return errno == ENOENT ? 0 : negative_errno();
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        (void) unlinkat(dirfd(d), de->d_name, 0);
        return rmdir(path) < 0 && errno != ENOENT ? negative_errno() : 0;
}

/* The model's answer for every attribute of nd: bit i of the result says sysfs_attrs[i] exists. */
static uint16_t read_attrs(const SimNetdev *nd, char text[static N_ATTRS][ATTR_MAX]) {
        uint16_t present = 0;

        for (size_t i = 0; i < N_ATTRS; i++)
                if (sim_netdev_sysfs_read(nd, sysfs_attrs[i], text[i], ATTR_MAX) >= 0)
                        present |= 1U << i;
        return present;
}

static int write_at(int dfd, const char *name, const char *text) {
        _cleanup_close_ int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        size_t n = strlen(text);

        if (fd < 0)
                return negative_errno();
        if (write(fd, text, n) != (ssize_t) n)
                return errno > 0 ? negative_errno() : -EIO;
        return 0;
}

/* A netdev the files do not have yet: built as "NAME:new" (':' is not allowed in an interface name,
 * so no netdev owns it) and renamed into place, replacing a stale directory of that name. */
static int write_new(SimView *v, const SimNetdev *nd, ViewLink *l, uint16_t present,
                     char text[static N_ATTRS][ATTR_MAX]) {
        _cleanup_free_ char *tmp = NULL, *path = NULL;
        _cleanup_close_ int dfd = -EBADF;
        int r;

        if (asprintf(&tmp, "%s/%s:new", v->net_dir, nd->name) < 0 ||
            asprintf(&path, "%s/%s", v->net_dir, nd->name) < 0)
                return -ENOMEM;
        (void) rm_dir(v->net_dir, strrchr(tmp, '/') + 1);
        if (mkdir(tmp, 0755) < 0)
                return negative_errno();
        dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return negative_errno();
        for (size_t i = 0; i < N_ATTRS; i++)
                if (present & (1U << i)) {
                        r = write_at(dfd, sysfs_attrs[i], text[i]);
                        if (r < 0)
                                return r;
                }
        if (rename(tmp, path) < 0) {
                if (errno != ENOTEMPTY && errno != EEXIST && errno != ENOTDIR && errno != EISDIR)
                        return negative_errno();
                r = rm_dir(v->net_dir, nd->name);
                if (r < 0)
                        return r;
                if (rename(tmp, path) < 0)
                        return negative_errno();
        }
        memcpy(l->name, nd->name, IFNAMSIZ);
        memcpy(l->text, text, sizeof(l->text));
        l->present = present;
        return 0;
}

/* The netdev was renamed: its directory follows, and legacy children name it in their "parent". */
static int follow_rename(SimView *v, const SimModel *m, const SimNetdev *nd, ViewLink *l) {
        _cleanup_free_ char *from = NULL, *to = NULL;

        if (asprintf(&from, "%s/%s", v->net_dir, l->name) < 0 || asprintf(&to, "%s/%s", v->net_dir, nd->name) < 0)
                return -ENOMEM;
        if (!nd->parent)
                for (size_t i = 0; i < m->n_netdevs; i++)
                        if (m->netdevs[i]->parent == nd)
                                mark(v, m->netdevs[i]->ifindex);
        if (rename(from, to) >= 0) {
                memcpy(l->name, nd->name, IFNAMSIZ);
                return 0;
        }
        if (errno == ENOTEMPTY || errno == EEXIST) {
                int r = rm_dir(v->net_dir, nd->name);

                if (r < 0)
                        return r;
                if (rename(from, to) >= 0) {
                        memcpy(l->name, nd->name, IFNAMSIZ);
                        return 0;
                }
        }
        if (errno != ENOENT)
                return negative_errno();
        /* Gone (another netdev took the old name first): written anew. */
        l->name[0] = 0;
        return 0;
}

static int update_attrs(SimView *v, const SimNetdev *nd, ViewLink *l, uint16_t present,
                        char text[static N_ATTRS][ATTR_MAX]) {
        int r = 0;

        for (size_t i = 0; i < N_ATTRS; i++) {
                uint16_t bit = 1U << i;
                _cleanup_free_ char *path = NULL;
                int k;

                if (!(present & bit) && !(l->present & bit))
                        continue;
                if ((present & bit) && (l->present & bit) && streq(text[i], l->text[i]))
                        continue;
                if (asprintf(&path, "%s/%s/%s", v->net_dir, nd->name, sysfs_attrs[i]) < 0)
                        return -ENOMEM;
                /* Attributes the device does not have (netlink children's pkey/mode/umcast) or that
                 * cannot be read now (carrier while down) are absent. */
                if (!(present & bit))
                        k = unlink(path) < 0 && errno != ENOENT ? negative_errno() : 0;
                else
                        k = write_file_atomic(path, text[i], false);
                if (k < 0) {
                        l->present &= ~bit; /* unknown: rewritten next time */
                        if (r == 0)
                                r = k;
                        continue;
                }
                l->present = (l->present & ~bit) | (present & bit);
                memcpy(l->text[i], text[i], ATTR_MAX);
        }
        return r;
}

/* NAME's arp_ignore and arp_announce, new: built in "NAME:new" and renamed into place (as write_new()),
 * one mkdir, two files and a rename, instead of a mkdir of every component and two atomic replaces. */
static int write_conf_new(SimView *v, const char *name, const char *const names[2], const unsigned values[2]) {
        _cleanup_free_ char *tmp = NULL, *dir = NULL;
        _cleanup_close_ int dfd = -EBADF;
        int r;

        if (!v->conf_ready) {
                r = mkdir_p(v->conf_dir);
                if (r < 0)
                        return r;
                v->conf_ready = true;
        }
        if (asprintf(&tmp, "%s/%s:new", v->conf_dir, name) < 0 || asprintf(&dir, "%s/%s", v->conf_dir, name) < 0)
                return -ENOMEM;
        (void) rm_dir(v->conf_dir, strrchr(tmp, '/') + 1);
        if (mkdir(tmp, 0755) < 0)
                return negative_errno();
        dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return negative_errno();
        for (size_t i = 0; i < 2; i++) {
                char buf[16];

                snprintf(buf, sizeof(buf), "%u\n", values[i]);
                r = write_at(dfd, names[i], buf);
                if (r < 0)
                        return r;
        }
        if (rename(tmp, dir) >= 0)
                return 0;
        if (errno != ENOTEMPTY && errno != EEXIST && errno != ENOTDIR && errno != EISDIR)
                return negative_errno();
        r = rm_dir(v->conf_dir, name);
        if (r < 0)
                return r;
        return rename(tmp, dir) < 0 ? negative_errno() : 0;
}

/* The netdev's arp_ignore and arp_announce, as /proc/sys/net/ipv4/conf/NAME/ has them: rewritten when
 * they or the name changed. */
static int write_conf(SimView *v, const SimNetdev *nd, ViewLink *l) {
        static const char *const names[2] = { "arp_ignore", "arp_announce" };
        const unsigned values[2] = { nd->arp_ignore, nd->arp_announce }, old[2] = { l->arp_ignore, l->arp_announce };
        int r = 0;

        if (streq(l->conf_name, nd->name) && l->arp_ignore == nd->arp_ignore && l->arp_announce == nd->arp_announce)
                return 0;
        if (l->conf_name[0] && !streq(l->conf_name, nd->name)) {
                (void) rm_dir(v->conf_dir, l->conf_name);
                l->conf_name[0] = 0;
        }
        if (!l->conf_name[0])
                r = write_conf_new(v, nd->name, names, values);
        else
                for (size_t i = 0; i < 2; i++) {
                        _cleanup_free_ char *path = NULL;
                        char buf[16];

                        if (values[i] == old[i])
                                continue;
                        if (asprintf(&path, "%s/%s/%s", v->conf_dir, nd->name, names[i]) < 0)
                                return -ENOMEM;
                        snprintf(buf, sizeof(buf), "%u\n", values[i]);
                        r = write_file_atomic(path, buf, false);
                        if (r < 0)
                                break;
                }
        if (r < 0) {
                l->conf_name[0] = 0; /* unknown: written anew next time */
                return r;
        }
        memcpy(l->conf_name, nd->name, IFNAMSIZ);
        l->arp_ignore = nd->arp_ignore;
        l->arp_announce = nd->arp_announce;
        return 0;
}

/* One dirty netdev: gone, new, renamed or changed. */
static int write_link(SimView *v, const SimModel *m, int ifindex, ViewLink *l) {
        const SimNetdev *nd = sim_model_find_ifindex(m, ifindex);
        char text[N_ATTRS][ATTR_MAX];
        uint16_t present;
        int r = 0;

        if (!nd) {
                /* Its directory goes, unless another netdev has taken the name meanwhile. */
                if (l->name[0] && !sim_model_find_name(m, l->name))
                        r = rm_dir(v->net_dir, l->name);
                if (l->conf_name[0] && !sim_model_find_name(m, l->conf_name))
                        (void) rm_dir(v->conf_dir, l->conf_name);
                free(intmap_remove(&v->links, ifindex));
                return r;
        }
        present = read_attrs(nd, text);
        if (l->name[0] && !streq(l->name, nd->name))
                r = follow_rename(v, m, nd, l);
        if (r < 0)
                return r;
        r = write_conf(v, nd, l);
        if (r < 0)
                return r;
        if (!l->name[0])
                return write_new(v, nd, l, present, text);
        return update_attrs(v, nd, l, present, text);
}

/* The first pass and after note_all(): every netdev is dirty, and directories that belong to no netdev
 * of the model (left by an earlier run, or by a netdev whose notification was lost) are removed. */
static int mark_everything(SimView *v, const SimModel *m) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        ViewLink *l;
        int key;

        v->all = false;
        for (size_t i = 0; i < m->n_netdevs; i++)
                mark(v, m->netdevs[i]->ifindex);
        for (size_t i = 0; intmap_iterate(&v->links, &i, &key, (void **) &l);)
                if (!l->dirty)
                        mark(v, key);
        d = opendir(v->net_dir);
        if (!d)
                return negative_errno();
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..") && !sim_model_find_name(m, de->d_name))
                        (void) rm_dir(v->net_dir, de->d_name);
        return 0;
}

static int write_text(SimView *v, const SimModel *m) {
        _cleanup_free_ char *text = sim_view_ip_address(m);

        if (!text)
                return -ENOMEM;
        v->text = false;
        return write_file_atomic(v->ip_path, text, false);
}

int sim_view_write(SimView *v, const SimModel *m, uint64_t until_usec) {
        int r = 0, k;

        if (!v->net_ready) {
                /* The directories and ip-address (one file, cheap) exist from the first call on. */
                r = mkdir_p(v->net_dir);
                if (r < 0)
                        return r;
                v->net_ready = true;
                r = write_text(v, m);
                if (r < 0)
                        return r;
        }
        if (v->next > 0 && v->next >= v->n_queue - v->next) {
                /* What earlier slices left, to the front once the written part is at least half the
                 * queue: linear in the netdevs queued. */
                memmove(v->queue, v->queue + v->next, (v->n_queue - v->next) * sizeof(int));
                v->n_queue -= v->next;
                v->next = 0;
        }
        if (v->all) {
                r = mark_everything(v, m);
                if (r < 0)
                        return r;
        }
        while (v->next < v->n_queue) {
                int ifindex = v->queue[v->next++];
                ViewLink *l = intmap_get(&v->links, ifindex);

                if (!l)
                        continue;
                l->dirty = false;
                k = write_link(v, m, ifindex, l);
                if (k < 0 && r == 0)
                        r = k;
                /* A slice ends at its deadline, or at once when SIGTERM or SIGINT is pending. */
                if (until_usec > 0 && v->next < v->n_queue && (now_usec() >= until_usec || stop_signal_pending()))
                        return r < 0 ? r : 1;
        }
        v->next = v->n_queue = 0;
        /* ip-address last: it is one file for everything, rewritten once per batch of changes. */
        if (v->text) {
                k = write_text(v, m);
                if (k < 0 && r == 0)
                        r = k;
        }
        return r;
}
