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

static int append(void **array, size_t *count, size_t *cap, const void *elem, size_t size)
{
    if (*count == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        void *grown = realloc(*array, c * size);
        if (!grown)
            return -1;
        *array = grown;
        *cap = c;
    }
    memcpy((char *)*array + *count * size, elem, size);
    (*count)++;
    return 0;
}

int rep_record_task_run(rep_record *r, size_t task, const rep_task_run *run)
{
    rep_task *t = &r->tasks[task];
    if (r->task_run_total >= REP_MAX_TASK_RUNS)
        return REP_ELIMIT;
    int rc = append((void **)&t->runs, &t->run_count, &t->run_cap, run, sizeof *run);
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
    return append((void **)&r->worker_runs, &r->worker_count, &r->worker_cap, run, sizeof *run);
}

int rep_record_deferral(rep_record *r, const rep_deferral *d)
{
    return append((void **)&r->deferrals, &r->deferral_count, &r->deferral_cap, d, sizeof *d);
}

int rep_record_state(rep_record *r, const rep_state *st)
{
    if (r->state_count > 0 && r->states[r->state_count - 1].t == st->t) {
        r->states[r->state_count - 1] = *st;
        return 0;
    }
    return append((void **)&r->states, &r->state_count, &r->state_cap, st, sizeof *st);
}

int rep_record_mark(rep_record *r, const rep_mark *m)
{
    return append((void **)&r->marks, &r->mark_count, &r->mark_cap, m, sizeof *m);
}

const char *rep_mark_name(rep_mark_kind k)
{
    switch (k) {
    case REP_MARK_SWIPE: return "swipe";
    case REP_MARK_KILL: return "kill";
    case REP_MARK_FORCE_STOP: return "force_stop";
    case REP_MARK_REBOOT: return "reboot";
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
    return append((void **)&r->requests, &r->request_count, &r->request_cap, q, sizeof *q);
}
