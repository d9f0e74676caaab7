/* bgt_worker.c: what happens when the platform's one worker fires (Android runTasks, E2.5; iOS
 * launch handler, E3.3), split into begin (run the callbacks) and end (schedule the successor at
 * completion time). "En" cites section En of docs/SOURCES.md (the Expo sources). */
#include "bgt_core_internal.h"

#include <stdlib.h>
#include <string.h>

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* E1.2 L287-296, E4.2: a task fired while undefined finishes with a null result and is then
 * unregistered. All such tasks are removed in one registry save. */
static void unregister_undefined(bgt *c, bgt_worker_report *r)
{
    bgt_registry *next = NULL;
    size_t i, removed = 0;
    if (bgt_registry_copy(c->reg, &next) != BGT_OK) {
        bgt__log(c, BGT_LOG_ERROR, "out of memory while unregistering undefined tasks");
        return;
    }
    for (i = bgt_registry_count(c->reg); i-- > 0;) {
        const char *name;
        (void)bgt_registry_get(c->reg, i, &name, NULL);
        if (!bgt__find_def(c, name)) {
            bgt__log(c, BGT_LOG_WARN, "task '%s' is not defined in this process; unregistering it", name);
            (void)bgt_registry_remove(next, name);
            removed++;
        }
    }
    if (bgt__commit(c, next) != BGT_OK)
        return; /* logged by commit; the tasks stay registered and will be retried next run */
    r->n_unregistered = removed;
    while (removed--)
        bgt__did_unregister(c);
}

void bgt__drop_pending(bgt *c)
{
    size_t i;
    for (i = 0; i < c->run.n_pending; i++)
        free(c->pending[i]);
    c->run.n_pending = 0;
}

/* Remember a task whose callback returned BGT_RESULT_PENDING. false (logged) if out of memory:
 * the caller then counts the task as finished with no result, since no report can be matched. */
static bool add_pending(bgt *c, const char *name)
{
    size_t n = strlen(name) + 1;
    char *copy;
    if (c->run.n_pending == c->cap_pending) {
        size_t cap = c->cap_pending ? 2 * c->cap_pending : 4;
        char **grown = realloc(c->pending, cap * sizeof *grown);
        if (!grown)
            goto nomem;
        c->pending = grown;
        c->cap_pending = cap;
    }
    if (!(copy = malloc(n)))
        goto nomem;
    memcpy(copy, name, n);
    c->pending[c->run.n_pending++] = copy;
    return true;
nomem:
    bgt__log(c, BGT_LOG_ERROR, "out of memory for pending task '%s'; counted as no result", name);
    return false;
}

static void count_result(bgt_worker_report *r, int res)
{
    if (res == BGT_RESULT_SUCCESS)
        r->n_success++;
    else if (res == BGT_RESULT_FAILED)
        r->n_failed++;
    else
        r->n_none++; /* E3.3: non-int or null -> noData; E4.3: a throw is a null result */
}

static void run_tasks(bgt *c, bgt_worker_report *r)
{
    bgt_task_call call;
    size_t i, n = bgt_registry_count(c->reg);
    call.now_ms = c->be.now_ms(c->be.ctx);
    /* Callbacks cannot change the registry (they get BGT_E_BUSY), so indexing it is stable and
     * its count is read once. */
    for (i = 0; i < n; i++) {
        const struct bgt_def *d;
        int64_t dur = 0;
        int res;
        (void)bgt_registry_get(c->reg, i, &call.name, NULL);
        if (!(d = bgt__find_def_at(c, i, call.name))) {
            r->n_undefined++;
            r->n_none++;
            continue;
        }
        c->in_callback = true;
        res = d->fn(d->user, &call, &dur);
        c->in_callback = false;
        r->n_run++;
        if (res != BGT_RESULT_PENDING || !add_pending(c, call.name))
            count_result(r, res);
        if (dur > r->busy_ms)
            r->busy_ms = dur; /* parallel: the run lasts as long as its longest task (E4.4) */
    }
    if (r->n_undefined && c->pol.unregister_undefined_on_fire)
        unregister_undefined(c, r);
}

int bgt_worker_begin(bgt *c, bgt_worker_report *report)
{
    bgt_worker_report *r;
    if (!c)
        return BGT_E_INVAL;
    if (c->in_callback || c->running)
        return BGT_E_BUSY;
    if (!c->started)
        return BGT_E_STATE;
    if (c->run.n_pending > 0) /* most runs have none: no call */
        bgt__drop_pending(c);
    r = &c->run;
    memset(r, 0, sizeof *r);
    c->running = true;
    if (bgt_registry_count(c->reg) == 0) {
        r->kind = BGT_RUN_NO_TASKS; /* E2.5 L216-218: return without a successor, the chain ends */
    } else if (c->pol.foreground_defer_cap_min > 0 && c->in_foreground) {
        /* E2.5 L221-230: nothing runs; APPEND a run min(60, interval) minutes out */
        r->kind = BGT_RUN_DEFERRED_FOREGROUND;
        r->next_delay_ms = min64(c->pol.foreground_defer_cap_min * BGT__MS_PER_MIN, bgt__interval_ms(c));
        r->rescheduled = bgt__schedule_successor(c, r->next_delay_ms) == BGT_OK;
    } else {
        r->kind = BGT_RUN_RAN;
        run_tasks(c, r);
    }
    if (report)
        *report = *r;
    return BGT_OK;
}

int bgt_worker_end(bgt *c, bgt_end_reason reason, bgt_worker_report *report)
{
    bgt_worker_report *r;
    if (!c || (reason != BGT_END_COMPLETED && reason != BGT_END_EXPIRED))
        return BGT_E_INVAL;
    if (c->in_callback)
        return BGT_E_BUSY;
    if (!c->running)
        return BGT_E_STATE;
    c->running = false;
    r = &c->run;
    if (r->n_pending > 0) {
        /* Never reported (expired, or the glue gave up): finished with no result, as expo's
         * dispatcher finishes a task whose executor produced nothing (E4.3). */
        bgt__log(c, BGT_LOG_WARN, "%zu task(s) had not reported a result at the end of the run",
                 r->n_pending);
        r->n_none += r->n_pending;
        bgt__drop_pending(c);
    }
    if (r->kind == BGT_RUN_RAN && (reason == BGT_END_COMPLETED || c->pol.reschedule_on_expiry) &&
        bgt_registry_count(c->reg) > 0) {
        /* E2.5 / E3.3: next earliest = completion + interval; the result is ignored unless the
         * retry_failed_after_min what-if is on. */
        r->next_delay_ms = bgt__interval_ms(c);
        if (reason == BGT_END_COMPLETED && r->n_failed > 0 && c->pol.retry_failed_after_min > 0)
            r->next_delay_ms = c->pol.retry_failed_after_min * BGT__MS_PER_MIN;
        r->rescheduled = bgt__schedule_successor(c, r->next_delay_ms) == BGT_OK;
    }
    if (report)
        *report = *r;
    return BGT_OK;
}

int bgt_worker_set_result(bgt *c, const char *name, int result)
{
    size_t i;
    if (!c || !name || result == BGT_RESULT_PENDING)
        return BGT_E_INVAL;
    if (c->in_callback)
        return BGT_E_BUSY;
    if (!c->running)
        return BGT_E_STATE;
    for (i = 0; i < c->run.n_pending && strcmp(c->pending[i], name) != 0; i++)
        ;
    if (i == c->run.n_pending)
        return BGT_E_NOT_FOUND;
    free(c->pending[i]);
    c->pending[i] = c->pending[--c->run.n_pending]; /* order does not matter */
    count_result(&c->run, result);
    return BGT_OK;
}

int bgt_worker_run(bgt *c, bgt_worker_report *report)
{
    int rc = bgt_worker_begin(c, report);
    return rc != BGT_OK ? rc : bgt_worker_end(c, BGT_END_COMPLETED, report);
}

int bgt_trigger_for_testing(bgt *c, bgt_worker_report *report)
{
    if (!c)
        return BGT_E_INVAL;
    if (!c->pol.trigger_enabled)
        return BGT_E_UNAVAILABLE; /* E1.1 L130-140: release builds */
    return bgt_worker_run(c, report);
}

int bgt_trigger_begin(bgt *c, bgt_worker_report *report)
{
    if (!c)
        return BGT_E_INVAL;
    if (!c->pol.trigger_enabled)
        return BGT_E_UNAVAILABLE;
    return bgt_worker_begin(c, report);
}
