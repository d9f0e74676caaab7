/*
 * rep_fleet.h - what a fleet reports: its accumulators' layout, the share of devices meeting a
 * target, and the results as text, JSON, CSV and gnuplot plots.
 *
 * A fleet (sim/scenario/run_fleet.h) folds every device into mergeable accumulators (rep_acc.h),
 * for every group (group 0: all devices; group 1 + p: the devices of profile p), in this order of
 * accumulator indices (rep_fleet_*_index):
 *   - the device's simulated days (count = devices, sum = device-days);
 *   - each metric (the catalogue's, rep_metrics.h), when the device has a value for it;
 *   - each target ("sync.max_gap<=6h"): 1 when the device meets it, else 0, so the sum is the
 *     devices that meet it.
 * Everything written here comes from the merged accumulators, so it is byte-identical for any
 * number of threads or ranks.
 */
#ifndef BGSIM_REP_FLEET_H
#define BGSIM_REP_FLEET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rep_acc.h"
#include "rep_metrics.h"
#include "sim_engine.h"

typedef struct rep_fleet_layout {
    size_t groups;     /* 1 + profiles */
    size_t n_metrics, n_targets;
} rep_fleet_layout;

/* Accumulators in all, and the index of each. */
size_t rep_fleet_acc_count(const rep_fleet_layout *l);
size_t rep_fleet_days_index(const rep_fleet_layout *l, size_t group);
size_t rep_fleet_metric_index(const rep_fleet_layout *l, size_t group, size_t metric);
size_t rep_fleet_target_index(const rep_fleet_layout *l, size_t group, size_t target);

/* The 95 % Wilson score interval (Wilson 1927) of the share k/n; NaN when n is 0. Unlike the
 * normal approximation it stays inside [0, 1] and behaves at shares of 0 and 100 %. */
void rep_fleet_share_interval(uint64_t k, uint64_t n, double *lo, double *hi);

/* A target's result in a group: devices evaluated (n), devices meeting it (k), the share k/n (NaN
 * when n is 0) and its 95 % Wilson interval. */
typedef struct rep_fleet_share {
    uint64_t n, k;
    double share, lo, hi;
} rep_fleet_share;
rep_fleet_share rep_fleet_target_share(const rep_fleet_layout *l, const rep_accs *a, size_t group, size_t target);

/* A fleet's results as the writers see them, filled by the caller. Borrowed. */
typedef struct rep_fleet_view {
    const char *name, *file;            /* the scenario's */
    uint64_t seed, devices;
    const rep_fleet_layout *layout;
    const rep_accs *accs;               /* merged */
    double device_days;                 /* group 0's */
    const char *const *profile_names;   /* layout->groups - 1 of them */
    const double *profile_weights;      /* the same; 1 for the implicit profile of a file without a fleet */
    const rep_metric_ref *metrics;      /* layout->n_metrics of them */
    const char *const *metric_names;    /* "<scope>.<suffix>", the same */
    const char *const *task_names;      /* a metric's scope is task_names[ref.task], or the worker */
    size_t task_count;
    const char *const *target_texts;    /* layout->n_targets of them, as written */
} rep_fleet_view;

/* For people: the fleet, its profiles, the targets' shares with their intervals, and per metric
 * the distribution across devices (mean, sd, min, p10, p50, p90, max), for all devices and then
 * by profile. A deferral share is shown only when some device was held for that reason. */
void rep_fleet_text(FILE *out, const rep_fleet_view *v);
/* For tools: the same numbers, every metric, durations in ms, fractions 0..1, null for none. */
void rep_fleet_json(FILE *out, const rep_fleet_view *v);
/* One row per group and target or metric. */
void rep_fleet_csv(FILE *out, const rep_fleet_view *v);

/* What rep_fleet_plot returns. */
typedef enum rep_fleet_plot_status {
    REP_FLEET_PLOT_OK = 0,
    REP_FLEET_PLOT_CREATE = -1,          /* the folder or a file cannot be created */
    REP_FLEET_PLOT_WRITE = -2,           /* a file cannot be written */
    REP_FLEET_PLOT_GNUPLOT_MISSING = -3, /* gnuplot cannot be run (rep_gnuplot.h) */
    REP_FLEET_PLOT_GNUPLOT_FAILED = -4,  /* it ran and failed */
} rep_fleet_plot_status;

/*
 * Writes the fleet's plots into dir (created when missing) and renders them with gnuplot:
 * fleet-<scope>.{dat,gp,png,svg} for every task and the worker (the share of devices at or below
 * each value of runs/day, p90 interval and longest gap; one line per profile and one for all) and,
 * with targets, fleet-targets.* (the share meeting each target with its 95 % interval). Stops at
 * the first failure, with a message in why.
 */
rep_fleet_plot_status rep_fleet_plot(const char *dir, const rep_fleet_view *v, char *why, size_t size);

#endif
