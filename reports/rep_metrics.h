/*
 * rep_metrics.h - the catalogue of metrics: one name for each number bgsim reports.
 *
 * The same names are used by expectations (`expect:` in scenarios, `bgsim check`), the JSON
 * summary and sweeps, and scenarios/METRICS.md documents them. A metric is addressed as
 *
 *     <scope>.<metric>          scope: `worker`, or a task's name
 *
 * for example `sync.runs_per_day`, `sync.interval.p90`, `worker.deferred`, and per deferral reason
 * (sim_reason.h) `worker.held.<reason>` (time) and `worker.held_share.<reason>` (its share of all
 * held time), and per stop reason (rep_end) `worker.stopped.<reason>` (runs the OS stopped). Task
 * names may contain
 * dots: the scope is the longest task name (or `worker`) that prefixes the name followed by '.'.
 *
 * Every metric has a kind that says how its bounds are written and how it is printed: counts are
 * integers, rates and fractions are numbers, durations and times are written as durations (`15m`)
 * and measured in ms.
 */
#ifndef BGSIM_REP_METRICS_H
#define BGSIM_REP_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "rep_record.h"
#include "rep_stats.h"

typedef enum rep_metric_kind {
    REP_KIND_COUNT = 1,    /* integer */
    REP_KIND_RATE = 2,     /* number, per day */
    REP_KIND_DURATION = 3, /* ms */
    REP_KIND_FRACTION = 4  /* 0..1 */
} rep_metric_kind;

typedef struct rep_metric_def {
    const char *suffix;    /* after "<scope>.": "runs_per_day", "interval.p50" */
    bool task;             /* defined for tasks */
    bool worker;           /* defined for the worker */
    rep_metric_kind kind;
    const char *doc;
} rep_metric_def;

/* The catalogue, in documentation order. */
size_t rep_metric_count(void);
const rep_metric_def *rep_metric_at(size_t i);

/* A metric name resolved against a scenario's task names. task < 0: the worker. */
typedef struct rep_metric_ref {
    const rep_metric_def *def;
    int task;
    sim_reason reason; /* for the per-reason family (held.<reason>, held_share.<reason>) */
    rep_end end;       /* for the per-stop-reason family (stopped.<reason>) */
} rep_metric_ref;

/* Resolves `name` given the scenario's task names. Returns false when no scope or no metric
 * matches; then *scope_ok says whether the scope part was recognised (for the message). */
bool rep_metric_resolve(const char *name, const char *const *tasks, size_t task_count, rep_metric_ref *out,
                        bool *scope_ok);

/*
 * The metric's value for one run. Returns false when the run has no value for it (e.g. an
 * interval quantile with fewer than two runs, or the first run of a task that never ran).
 */
bool rep_metric_value(const rep_metric_ref *ref, const rep_stats *st, const rep_record *rec, double *out);
/* The parts of rep_stats (REP_STATS_*) rep_metric_value reads for `ref`: give their union over the
 * metrics read to rep_stats_compute_parts. */
unsigned rep_metric_parts(const rep_metric_ref *ref);

/* The catalogue's suffixes, NULL-terminated, for did-you-mean (static storage). */
const char *const *rep_metric_suffixes(void);

#endif
