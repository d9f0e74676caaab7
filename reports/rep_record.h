/*
 * rep_record.h - what one simulated run produced, as plain data for statistics and summaries.
 *
 * The runner appends to a record as events happen; reports read it afterwards. Times are
 * simulation ms. Task names are borrowed from the scenario (valid while it lives).
 */
#ifndef BGSIM_REP_RECORD_H
#define BGSIM_REP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_engine.h"
#include "sim_reason.h"

/* One run of one task inside a worker run. */
typedef struct rep_task_run {
    sim_time start;
    sim_time duration;
    sim_time delay;   /* from when the worker was due to this run's start */
    int result;       /* bgt_result */
} rep_task_run;

typedef struct rep_task {
    const char *name;
    size_t registrations;
    size_t unregistrations;
    rep_task_run *runs;
    size_t run_count, run_cap;
} rep_task;

typedef enum rep_worker_kind {
    REP_WORKER_RAN = 1,        /* tasks ran */
    REP_WORKER_NO_TASKS = 2,   /* fired with nothing registered */
    REP_WORKER_DEFERRED = 3    /* the core deferred it (foreground guard) */
} rep_worker_kind;

typedef struct rep_worker_run {
    sim_time due;    /* when the core's request first became due */
    sim_time start;
    sim_time end;
    rep_worker_kind kind;
} rep_worker_run;

/* A span during which the OS held back a due worker, and why (sim_reason.h). */
typedef struct rep_deferral {
    sim_time start, end;
    sim_reason reason;
} rep_deferral;

typedef struct rep_record {
    sim_time duration;
    rep_deferral *deferrals;
    size_t deferral_count, deferral_cap;
    rep_task *tasks;
    size_t task_count;
    rep_worker_run *worker_runs;
    size_t worker_count, worker_cap;
} rep_record;

/* Sets up a record for `task_count` tasks named names[i] (borrowed). -1 when out of memory. */
int rep_record_init(rep_record *r, sim_time duration, const char *const *names, size_t task_count);
void rep_record_free(rep_record *r);
int rep_record_task_run(rep_record *r, size_t task, const rep_task_run *run);
int rep_record_worker_run(rep_record *r, const rep_worker_run *run);
int rep_record_deferral(rep_record *r, const rep_deferral *d);

#endif
