/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "ipoib-proto.h"
#include "link.h"
#include "log.h"
#include "manager.h"
#include "rules.h"

/* The kernel keeps the same rule once per protocol (rule_exists() compares it): so does the cache, or a
 * foreign copy of one of the agent's rules would hide it from manager_rule_removals(). Rules with selectors
 * the agent does not know (other) are never equal to anything: the cache keeps them apart by all it
 * knows of them. */
static bool rule_same_entry(const KRule *a, const KRule *b) {
        KRule x = *a, y = *b;

        x.other = y.other = false;
        return krule_equal(&x, &y) && a->protocol == b->protocol && a->other == b->other;
}

bool manager_rule_update(Manager *m, const KRule *r, bool removed) {
        for (size_t i = 0; i < m->n_rules; i++) {
                if (!rule_same_entry(&m->rules[i], r))
                        continue;
                if (!removed)
                        return false;
                m->rules[i] = m->rules[--m->n_rules];
                return true;
        }
        if (removed)
                return false;
        if (!GREEDY_REALLOC(m->rules, m->allocated_rules, m->n_rules + 1)) {
                log_oom();
                return false;
        }
        m->rules[m->n_rules++] = *r;
        return true;
}

bool link_wants_rules(const Link *l) {
        return l->network && (l->network->n_rules > 0 || l->network->source_routing);
}

int manager_rule_removals(Manager *m, ActionList *out) {
        _cleanup_free_ KRule *want = NULL;
        size_t n_want = 0, allocated = 0;
        Link *l;
        int r;

        bool marked = false;

        /* The common case, no rule of the agent's: no walk over the links. */
        FOREACH_ARRAY(x, m->rules, m->n_rules)
                marked = marked || x->protocol == RTPROT_IPOIB;
        if (!marked)
                return 0;
        for (size_t i = 0; intmap_iterate(&m->links, &i, NULL, (void **) &l);) {
                _cleanup_free_ KRule *w = NULL;
                size_t n = 0;

                if (!link_wants_rules(l))
                        continue;
                r = network_desired_rules(l->network, &w, &n);
                if (r < 0)
                        return r;
                if (!GREEDY_REALLOC(want, allocated, n_want + n + 1))
                        return -ENOMEM;
                memcpy(want + n_want, w, n * sizeof(KRule));
                n_want += n;
        }
        FOREACH_ARRAY(x, m->rules, m->n_rules) {
                Action a = { .type = ACTION_RULE_DEL, .rule = *x };

                if (x->protocol != RTPROT_IPOIB || x->other || rule_in(x, want, n_want))
                        continue;
                snprintf(a.ifname, sizeof(a.ifname), "%s", RULES_PSEUDO_LINK);
                r = action_list_add(out, &a);
                if (r < 0)
                        return r;
        }
        return 0;
}

void manager_reconcile_rules(Manager *m) {
        _cleanup_(action_list_done) ActionList plan = {};

        if (m->rules_pending > 0 || m->rules_failed || m->dry_run)
                return;
        if (manager_rule_removals(m, &plan) < 0) {
                log_oom();
                return;
        }
        FOREACH_ARRAY(a, plan.actions, plan.n) {
                char buf[256];

                log_debug("plan: %s", action_to_string(a, buf, sizeof(buf)));
                if (request_queue_add(&m->queue, a) < 0) {
                        log_oom();
                        return;
                }
                m->rules_pending++;
        }
}

void format_rule(const Action *a, char *buf, size_t size) {
        char x[256];

        snprintf(buf, size, " %s", krule_to_string(&a->rule, x, sizeof(x)));
}

int link_rule_add_done(Link *l, const Action *a, int error, const char **extack) {
        /* EEXIST: rule_exists() found the same rule (the notification of ours may come after this answer). */
        if (error < 0 && error != -EEXIST)
                return error;
        (void) manager_rule_update(l->manager, &a->rule, false);
        return 0;
}

int link_rule_del_done(Link *l, const Action *a, int error, const char **extack) {
        if (error < 0 && error != -ENOENT && error != -ESRCH)
                return error;
        (void) manager_rule_update(l->manager, &a->rule, true);
        return 0;
}
