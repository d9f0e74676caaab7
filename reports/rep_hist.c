/*
 * rep_hist.c - run histograms with gsl_histogram.
 */
#include "rep_hist.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdlib.h>

int rep_run_starts(const rep_record *r, int task, sim_time **starts, size_t *n)
{
    size_t cap = task >= 0 ? r->tasks[task].run_count : r->worker_count;
    *n = 0;
    *starts = malloc((cap ? cap : 1) * sizeof **starts);
    if (!*starts)
        return -1;
    if (task >= 0) {
        for (size_t i = 0; i < r->tasks[task].run_count; i++)
            (*starts)[(*n)++] = r->tasks[task].runs[i].start;
    } else {
        for (size_t i = 0; i < r->worker_count; i++)
            if (r->worker_runs[i].kind == REP_WORKER_RAN)
                (*starts)[(*n)++] = r->worker_runs[i].start;
    }
    return 0;
}

gsl_histogram *rep_hist_hours(const rep_record *r, int task)
{
    sim_time *starts;
    size_t n;
    if (rep_run_starts(r, task, &starts, &n) != 0)
        return NULL;
    gsl_histogram *h = gsl_histogram_alloc(24);
    if (h) {
        gsl_histogram_set_ranges_uniform(h, 0, 24);
        for (size_t i = 0; i < n; i++)
            gsl_histogram_increment(h, (double)sim_cal_ms_of_day(&r->calendar, starts[i]) / (double)SIM_MS_PER_HOUR);
    }
    free(starts);
    return h;
}

gsl_histogram *rep_hist_days(const rep_record *r, int task)
{
    sim_time *starts;
    size_t n;
    if (rep_run_starts(r, task, &starts, &n) != 0)
        return NULL;
    size_t days = (size_t)(r->duration / SIM_DAYS(1));
    if (days == 0)
        days = 1;
    gsl_histogram *h = gsl_histogram_alloc(days);
    if (h) {
        gsl_histogram_set_ranges_uniform(h, 0, (double)days);
        /* A run after the last whole day (in a partial tail) falls outside the range: GSL ignores
         * it, which is what a per-day distribution of whole days wants. */
        for (size_t i = 0; i < n; i++)
            gsl_histogram_increment(h, (double)starts[i] / (double)SIM_DAYS(1));
    }
    free(starts);
    return h;
}

gsl_histogram *rep_hist_intervals(const rep_record *r, int task, size_t bins)
{
    sim_time *starts;
    size_t n;
    if (rep_run_starts(r, task, &starts, &n) != 0)
        return NULL;
    gsl_histogram *h = NULL;
    double *v = n >= 2 ? malloc((n - 1) * sizeof *v) : NULL;
    if (v && bins > 0) {
        for (size_t i = 1; i < n; i++)
            v[i - 1] = (double)(starts[i] - starts[i - 1]);
        gsl_sort(v, 1, n - 1);
        double lo = v[0], hi = v[n - 2], med = gsl_stats_median_from_sorted_data(v, 1, n - 1);
        double p99 = gsl_stats_quantile_from_sorted_data(v, 1, n - 1, 0.99);
        if (hi - lo > 1.5 * (p99 - lo) && p99 > lo)
            hi = p99;
        if (hi - lo <= 0.1 * med) {
            lo = med * 0.95 < lo ? med * 0.95 : lo;
            hi = med * 1.05 > hi ? med * 1.05 : hi;
        }
        if (hi <= lo)
            hi = lo + 1;
        /* The upper edge is exclusive in GSL: nudge it so the largest interval is counted. */
        hi = hi + (hi - lo) * 1e-9 + 1e-9;
        if ((h = gsl_histogram_alloc(bins))) {
            gsl_histogram_set_ranges_uniform(h, lo, hi);
            for (size_t i = 0; i + 1 < n; i++)
                gsl_histogram_increment(h, v[i]);
        }
    }
    free(v);
    free(starts);
    return h;
}
