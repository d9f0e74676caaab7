/*
 * rep_stats.h - summary statistics of a run record, computed with GSL.
 *
 * Quantiles use GSL's gsl_stats_quantile_from_sorted_data (linear interpolation between order
 * statistics, the "type 7" definition of Hyndman & Fan) on data in the order gsl_sort gives
 * (rep_stats.c sorts by an introsort, or a radix sort from 256 values, or selects).
 */
#ifndef BGSIM_REP_STATS_H
#define BGSIM_REP_STATS_H

#include "rep_record.h"

typedef struct rep_quantiles {
    size_t n;              /* 0: no data, every other field is 0 */
    double min, p10, p50, p90, p99, max, mean;
} rep_quantiles;

typedef struct rep_task_stats {
    const char *name;
    size_t registrations, unregistrations;
    size_t runs, successes, failures, no_result; /* no_result: completed without a result */
    size_t completed;        /* runs that ran to their end (with or without a result) */
    size_t stopped, killed;  /* runs the OS stopped, runs that died with the process (no result) */
    double runs_per_day;   /* runs / simulated days */
    rep_quantiles interval; /* ms between consecutive run starts */
    rep_quantiles delay;    /* ms from the worker being due to the run */
    rep_quantiles duration; /* ms a run took */
    /* Added with reports (issue 8). */
    rep_quantiles per_day;  /* runs in each whole 24-hour window of the run (rep_hist_days) */
    double by_hour[24];     /* runs that started in each local hour of day (rep_hist_hours) */
} rep_task_stats;

typedef struct rep_stats {
    size_t worker_runs;       /* runs that ran tasks */
    size_t worker_deferred;   /* fires the core deferred (foreground guard) */
    size_t worker_no_tasks;   /* fires with nothing registered */
    /* How the runs that ran tasks ended: by rep_end (COMPLETED, each stop reason, KILLED). */
    size_t worker_ends[REP_END_COUNT];
    size_t worker_stopped;    /* stopped by the OS, all reasons */
    sim_time deferred_ms;     /* sum over worker runs of (start - due) */
    sim_time held_ms[SIM_REASON_COUNT]; /* time the OS held a due worker back, by reason */
    sim_time held_total_ms;
    double worker_runs_per_day;
    rep_quantiles worker_interval;
    rep_quantiles worker_delay;
    rep_task_stats *tasks;    /* task_count entries, same order as the record */
    size_t task_count;
    /* Added with reports (issue 8). */
    rep_quantiles worker_per_day; /* worker runs in each whole 24-hour window */
    double worker_by_hour[24];    /* worker runs that started in each local hour of day */
    bool has_battery;             /* a battery model ran */
    double battery_bg;            /* share of a full battery drained by background work (0..1) */
} rep_stats;

/* Sorts `values` in place and fills *q. */
void rep_quantiles_of(double *values, size_t n, rep_quantiles *q);
/* *q as rep_quantiles_of fills it, bit for bit, but the mean (0: it needs the sorted order): the
 * places the quantiles read are selected, not the whole array sorted (`values` reordered). */
void rep_quantiles_select(double *values, size_t n, rep_quantiles *q);
/*
 * The parts of rep_stats that cost more than a pass over the record: each quantile set sorts its
 * samples, each per-day set fills two histograms. A reader of a few metrics (a sweep, a fleet, a
 * check) asks only the parts its metrics read (rep_metric_parts): a sweep of the default metrics
 * sorts one sample of the five (issue 24). The counts, rates, held times and battery are always
 * filled; the quantiles of a part not asked are left zero (n == 0: "no value"), as are its
 * by_hour counts. Without REP_STATS_MEANS the interval, delay and duration sets asked have every
 * field but the mean, which is 0: their quantiles are selected, not sorted (rep_quantiles_select).
 */
enum {
    REP_STATS_WORKER_INTERVAL = 1u << 0, /* worker_interval */
    REP_STATS_WORKER_DELAY = 1u << 1,    /* worker_delay */
    REP_STATS_WORKER_DAYS = 1u << 2,     /* worker_per_day, worker_by_hour */
    REP_STATS_TASK_QUANTILES = 1u << 3,  /* every task's interval, delay and duration */
    REP_STATS_TASK_DAYS = 1u << 4,       /* every task's per_day and by_hour */
    REP_STATS_MEANS = 1u << 5,           /* the mean of each interval, delay and duration set asked */
    REP_STATS_ALL = (1u << 6) - 1
};

/* Computes the statistics of a record. -1 when out of memory. Free with rep_stats_free. */
int rep_stats_compute(const rep_record *r, rep_stats *out);
/* rep_stats_compute of the parts in `parts` only (REP_STATS_*; the same values for those). */
int rep_stats_compute_parts(const rep_record *r, rep_stats *out, unsigned parts);
void rep_stats_free(rep_stats *s);

#endif
