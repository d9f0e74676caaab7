/*
 * rep_record.c - growing arrays of runs.
 */
#include "rep_record.h"

#include <stdlib.h>
#include <string.h>

int rep_record_init(rep_record *r, sim_time duration, const char *const *names, size_t task_count)
{
    memset(r, 0, sizeof *r);
    r->duration = duration;
    r->tasks = calloc(task_count ? task_count : 1, sizeof *r->tasks);
    if (!r->tasks)
        return -1;
    r->task_count = task_count;
    for (size_t i = 0; i < task_count; i++)
        r->tasks[i].name = names[i];
    return 0;
}

void rep_record_free(rep_record *r)
{
    for (size_t i = 0; i < r->task_count; i++)
        free(r->tasks[i].runs);
    free(r->tasks);
    free(r->worker_runs);
    free(r->deferrals);
    free(r->requests);
    free(r->states);
    free(r->marks);
    memset(r, 0, sizeof *r);
}

/* The capacity a full array of `count` elements grows to when its newest element is at `at`: the
 * count it will reach by the record's end at the pace so far (plus an eighth), at least twice and
 * at most 32 times the old capacity (nor over REP_MAX_TASK_RUNS). A doubling array copies what it
 * holds at every growth (a 14-day commuter record's worker runs and task runs grew 64 -> 2048 in
 * five copies, ~1 % of the sweep's instructions); at a steady pace the first growth is the last.
 * The capacity never shows: the contents are the same either way. */
static size_t grown_cap(size_t count, size_t cap, sim_time at, sim_time duration)
{
    if (cap == 0)
        return 64;
    size_t c = 2 * cap;
    if (at > 0 && at < duration) {
        double projected = (double)count * (double)duration / (double)at;
        projected += projected / 8;
        double most = 32.0 * (double)cap; /* and never past REP_MAX_TASK_RUNS, which doubling reaches */
        if (most > (double)REP_MAX_TASK_RUNS)
            most = (double)REP_MAX_TASK_RUNS;
        if (projected > most)
            projected = most;
        if (projected > (double)c)
            c = (size_t)projected;
    }
    return c;
}

/* The slow path of append, out of line so that append inlines into each rep_record_* call. */
static __attribute__((noinline)) int grow(void **array, size_t count, size_t *cap, size_t size, sim_time at,
                                          sim_time duration)
{
    size_t c = grown_cap(count, *cap, at, duration);
    void *grown = realloc(*array, c * size);
    if (!grown)
        return -1;
    *array = grown;
    *cap = c;
    return 0;
}

/* Appends *elem, its time `at` (for grown_cap). */
static inline int append(void **array, size_t *count, size_t *cap, const void *elem, size_t size, sim_time at,
                         sim_time duration)
{
    if (*count == *cap && grow(array, *count, cap, size, at, duration) != 0)
        return -1;
    memcpy((char *)*array + *count * size, elem, size);
    (*count)++;
    return 0;
}

int rep_record_task_run(rep_record *r, size_t task, const rep_task_run *run)
{
    rep_task *t = &r->tasks[task];
    if (r->task_run_total >= REP_MAX_TASK_RUNS)
        return REP_ELIMIT;
    int rc = append((void **)&t->runs, &t->run_count, &t->run_cap, run, sizeof *run, run->start, r->duration);
    if (rc == 0)
        r->task_run_total++;
    return rc;
}

bool rep_record_cut_task_run(rep_record *r, size_t task, size_t run, sim_time at, rep_end end)
{
    rep_task_run *t = &r->tasks[task].runs[run];
    if (t->start + t->duration <= at)
        return false;
    t->duration = at > t->start ? at - t->start : 0;
    t->result = 0;
    t->end = (uint8_t)end;
    return true;
}

int rep_record_worker_run(rep_record *r, const rep_worker_run *run)
{
    return append((void **)&r->worker_runs, &r->worker_count, &r->worker_cap, run, sizeof *run, run->end, r->duration);
}

int rep_record_deferral(rep_record *r, const rep_deferral *d)
{
    return append((void **)&r->deferrals, &r->deferral_count, &r->deferral_cap, d, sizeof *d, d->end, r->duration);
}

int rep_record_state(rep_record *r, const rep_state *st)
{
    if (r->state_count > 0 && r->states[r->state_count - 1].t == st->t) {
        r->states[r->state_count - 1] = *st;
        return 0;
    }
    return append((void **)&r->states, &r->state_count, &r->state_cap, st, sizeof *st, st->t, r->duration);
}

int rep_record_mark(rep_record *r, const rep_mark *m)
{
    return append((void **)&r->marks, &r->mark_count, &r->mark_cap, m, sizeof *m, m->t, r->duration);
}

const char *rep_mark_name(rep_mark_kind k)
{
    switch (k) {
    case REP_MARK_SWIPE: return "swipe";
    case REP_MARK_KILL: return "kill";
    case REP_MARK_FORCE_STOP: return "force_stop";
    case REP_MARK_REBOOT: return "reboot";
    case REP_MARK_EVENT: return "event";
    }
    return "?";
}

static const char *const end_names[REP_END_COUNT] = {"completed",  "timeout", "constraint", "doze",      "quota",
                                                     "expiration", "user",    "killed",     "unfinished"};

const char *rep_end_name(rep_end e) { return e >= 0 && e < REP_END_COUNT ? end_names[e] : "?"; }

int rep_end_parse(const char *name)
{
    for (int e = 0; e < REP_END_COUNT; e++)
        if (strcmp(end_names[e], name) == 0)
            return e;
    return -1;
}

int rep_record_request(rep_record *r, const rep_request *q)
{
    return append((void **)&r->requests, &r->request_count, &r->request_cap, q, sizeof *q, q->at, r->duration);
}
