/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/stat.h>
#include <unistd.h>

#include "action.h"
#include "hold.h"
#include "link.h"
#include "log.h"
#include "strv.h"

static char *holds_dir(Manager *m) {
        char *p;

        return asprintf(&p, "%s/holds", m->runtime_dir) < 0 ? NULL : p;
}

static bool ifname_valid(const char *s) {
        return s[0] && s[0] != '.' && strlen(s) < IFNAMSIZ && !strchr(s, '/');
}

int manager_load_holds(Manager *m) {
        _cleanup_free_ char *dir = holds_dir(m);
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;

        if (!dir)
                return -ENOMEM;
        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                struct stat st;

                /* Only what ipoibctl down could have made: regular files named as an interface. */
                if (!ifname_valid(de->d_name) || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                    !S_ISREG(st.st_mode))
                        continue;
                if (strv_extend(&m->holds, de->d_name) < 0)
                        return -ENOMEM;
                log_info("%s: held down (ipoibctl up %s releases it).", de->d_name, de->d_name);
        }
        return 0;
}

bool manager_link_held(Manager *m, const char *ifname) {
        return strv_contains(m->holds, ifname);
}

static int hold_file(Manager *m, const char *ifname, bool down) {
        _cleanup_free_ char *dir = holds_dir(m), *path = NULL;
        int fd;

        if (!dir || asprintf(&path, "%s/%s", dir, ifname) < 0)
                return -ENOMEM;
        if (!down)
                return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
        if (fd < 0)
                return -errno;
        return close(fd) < 0 ? -errno : 0;
}

int manager_set_hold(Manager *m, const char *ifname, bool down) {
        Link *l;
        int r;

        if (!ifname_valid(ifname))
                return -EINVAL;
        l = strmap_get(&m->links_by_name, ifname);
        if (!l)
                return -ENODEV;
        if (manager_link_held(m, ifname) == down)
                return 0;
        r = hold_file(m, ifname, down); /* on disk first: a restart keeps what was asked */
        if (r < 0)
                return r;
        if (down) {
                Action a = { .type = ACTION_SET_DOWN, .ifindex = l->kernel.ifindex };

                snprintf(a.ifname, sizeof(a.ifname), "%s", l->kernel.ifname);
                if (strv_extend(&m->holds, ifname) < 0)
                        return -ENOMEM;
                log_link_info(l, "Held down (ipoibctl down).");
                if (l->kernel.flags & IFF_UP) {
                        r = manager_enqueue(m, l, &a);
                        if (r < 0)
                                return r;
                }
        } else {
                strv_remove(m->holds, ifname);
                log_link_info(l, "Hold released (ipoibctl up).");
        }
        manager_link_dirty(m, l);
        return 0;
}
