/*
 * rep_hist.h - histograms of a run record through GSL (gsl_histogram): runs by local hour of day,
 * runs in each day of the run, and inter-run intervals.
 *
 * "Runs" are the worker's runs that executed tasks (task < 0) or one task's runs (task = its
 * index in the record). Days are whole 24-hour windows from the start of the run ([k d, (k+1) d));
 * a run shorter than a day has one, partial, window. Hours are local hours of day from the
 * record's calendar (the scenario's start date and time).
 *
 * Ownership: every function returns a new histogram the caller frees with gsl_histogram_free, or
 * NULL when out of memory (or, for intervals, with fewer than two runs).
 */
#ifndef BGSIM_REP_HIST_H
#define BGSIM_REP_HIST_H

#include <gsl/gsl_histogram.h>

#include "rep_record.h"

/* 24 bins [h, h+1) of run starts' local hour of day, counting runs. */
gsl_histogram *rep_hist_hours(const rep_record *r, int task);
/* One bin per 24-hour window of the run, counting runs that started in it. */
gsl_histogram *rep_hist_days(const rep_record *r, int task);
/*
 * Intervals between consecutive run starts in ms, in `bins` equal bins from the smallest interval
 * to the largest. Two adjustments keep the shape visible: when the intervals beyond the 99th
 * percentile lie far out (the largest is more than 1.5 times the 99th percentile's distance from
 * the smallest), the bins end at the 99th percentile and those outliers are left out
 * (gsl_histogram_sum tells how many were counted); and when all the binned intervals are within
 * 10 % of the median, the range is widened to +-5 % of it, so a nearly constant interval shows as
 * a peak rather than one bin as wide as the data.
 */
gsl_histogram *rep_hist_intervals(const rep_record *r, int task, size_t bins);

/* The start times of the runs (ms, in order): *n of them in a new array (free()); -1 when out of
 * memory. */
int rep_run_starts(const rep_record *r, int task, sim_time **starts, size_t *n);

#endif
