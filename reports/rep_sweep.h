/*
 * rep_sweep.h - what a sweep reports: means with Student-t confidence intervals over seeds, and
 * the requested-vs-achieved interval plot.
 *
 * A sweep runs every combination of the swept values with N seeds each; each run gives one value
 * per metric (the catalogue's, rep_metrics.h), or none (NaN) when the run has no value for it. A
 * combination's value of a metric is the mean over the runs that have one, with the two-sided
 * confidence interval mean +- t(1 - (1 - c) / 2, n - 1) s / sqrt(n) (gsl_cdf_tdist_Pinv; s the
 * sample standard deviation), the same interval `expect:` uses. A share (a metric whose every value
 * lies in 0..1, e.g. `worker.held_share.<reason>`) gets a Wilson score interval instead
 * (rep_ci_of_share), which never leaves 0..1: the t interval of a share that is 0 on most seeds
 * reached below 0 (`ci_low: -0.0017`).
 */
#ifndef BGSIM_REP_SWEEP_H
#define BGSIM_REP_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "rep_gnuplot.h"

typedef struct rep_ci {
    size_t n;      /* runs with a value */
    double mean;   /* NaN when n = 0 */
    double half;   /* half-width of the interval, (hi - lo) / 2; NaN when n < 2 */
    double lo, hi; /* the interval; NaN when n < 2. mean -+ half, or a share's Wilson interval */
} rep_ci;

/* The mean and interval of the values that are not NaN among v[0..n). */
void rep_ci_of(const double *v, size_t n, double confidence, rep_ci *out);
/*
 * The same for a share: when every value is in [0, 1], [lo, hi] is the Wilson score interval
 * (Wilson 1927) of the mean p with the effective sample size n_eff = p (1 - p) / (s^2 / n) - the
 * number of yes/no trials whose binomial variance equals the mean's observed variance, the
 * Korn-Graubard construction for means of bounded values - and the t quantile of rep_ci_of as z:
 *   lo, hi = (p + z^2 / 2n_eff -+ z sqrt(p (1 - p) / n_eff + z^2 / 4n_eff^2)) / (1 + z^2 / n_eff)
 * It lies inside [0, 1] for any p in [0, 1], is close to the t interval when p is far from 0 and
 * 1, and is [p, p] when every seed gave the same value (as the t interval). Otherwise (a value
 * outside [0, 1]) it is rep_ci_of's interval.
 */
void rep_ci_of_share(const double *v, size_t n, double confidence, rep_ci *out);

/* One point of the sweep plot: the mean p10, p50 and p90 of the interval at requested x (ms
 * when the x key is a duration). */
typedef struct rep_sweep_point {
    double x;
    rep_ci p10, p50, p90;
} rep_sweep_point;

typedef struct rep_sweep_plot {
    const char *title;          /* the scenario's name */
    const char *x_key;          /* the swept key on the x axis */
    bool x_is_duration;         /* x values are durations in ms (a y = x reference is drawn) */
    const char *y_metric;       /* "worker.interval" or "<task>.interval" */
    const char *const *lines;   /* one title per line ("" when there is one line) */
    size_t n_lines;
    size_t n_x;
    const rep_sweep_point *points; /* points[line * n_x + i] */
    size_t seeds;
} rep_sweep_plot;

/* Writes DIR/sweep.dat and DIR/sweep.gp (DIR must exist). 0, or -1 with a message in why. */
int rep_sweep_plot_write(const char *dir, const rep_sweep_plot *p, char *why, size_t size);

#endif
