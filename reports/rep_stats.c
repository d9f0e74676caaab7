/*
 * rep_stats.c - per-task and worker statistics.
 */
#include "rep_stats.h"

#include "rep_hist.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdlib.h>
#include <string.h>

static void insertion_sort(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/*
 * Sorts v ascending: quicksort (median of three, Hoare partition) down to runs of 16, insertion
 * sort below, and GSL's heapsort when `depth` runs out (introsort: O(n log n) at worst). The values
 * are finite and never -0 (they come from integers), so any correct sort leaves the same array
 * as gsl_sort and every quantile and the mean (summed in sorted order) keep their bits. It
 * replaces gsl_sort (a heapsort) because sorting was 10-14 % of scenarios with frequent runs
 * (issue 24): heapsort does about twice the comparisons and jumps across the array. Selecting
 * only the quantiles would change the mean's rounding (gsl_stats_mean sums in array order).
 */
static void sort_doubles(double *v, size_t n, int depth)
{
    while (n > 16) {
        if (depth-- == 0) {
            gsl_sort(v, 1, n);
            return;
        }
        size_t mid = n / 2;
        if (v[mid] < v[0]) { double t = v[mid]; v[mid] = v[0]; v[0] = t; }
        if (v[n - 1] < v[0]) { double t = v[n - 1]; v[n - 1] = v[0]; v[0] = t; }
        if (v[n - 1] < v[mid]) { double t = v[n - 1]; v[n - 1] = v[mid]; v[mid] = t; }
        double pivot = v[mid];
        size_t i = 0, j = n - 1;
        for (;;) {
            while (v[i] < pivot)
                i++;
            while (pivot < v[j])
                j--;
            if (i >= j)
                break;
            double t = v[i]; v[i] = v[j]; v[j] = t;
            i++;
            j--;
        }
        /* [0, j] <= pivot <= [j + 1, n): recurse into the smaller side, loop on the larger. */
        size_t left = j + 1;
        if (left < n - left) {
            sort_doubles(v, left, depth);
            v += left;
            n -= left;
        } else {
            sort_doubles(v + left, n - left, depth);
            n = left;
        }
    }
    insertion_sort(v, n);
}

void rep_quantiles_of(double *v, size_t n, rep_quantiles *q)
{
    memset(q, 0, sizeof *q);
    if (n == 0)
        return;
    sort_doubles(v, n, 64);
    q->n = n;
    q->min = v[0];
    q->max = v[n - 1];
    q->p10 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.10);
    q->p50 = gsl_stats_median_from_sorted_data(v, 1, n);
    q->p90 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.90);
    q->p99 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.99);
    q->mean = gsl_stats_mean(v, 1, n);
}

static double days_of(sim_time duration) { return (double)duration / (double)SIM_DAYS(1); }

static void task_stats(const rep_task *t, sim_time duration, double *scratch, bool quantiles, rep_task_stats *s)
{
    s->name = t->name;
    s->registrations = t->registrations;
    s->unregistrations = t->unregistrations;
    s->runs = t->run_count;
    for (size_t i = 0; i < t->run_count; i++) {
        const rep_task_run *run = &t->runs[i];
        bool completed = run->end == REP_END_COMPLETED;
        s->completed += completed;
        s->successes += completed && run->result == 1;
        s->failures += completed && run->result == 2;
        s->stopped += REP_END_STOPPED(run->end);
        s->killed += run->end == REP_END_KILLED;
    }
    s->no_result = s->completed - s->successes - s->failures;
    s->runs_per_day = (double)s->runs / days_of(duration);
    if (!quantiles)
        return;
    for (size_t i = 1; i < t->run_count; i++)
        scratch[i - 1] = (double)(t->runs[i].start - t->runs[i - 1].start);
    rep_quantiles_of(scratch, t->run_count ? t->run_count - 1 : 0, &s->interval);
    for (size_t i = 0; i < t->run_count; i++)
        scratch[i] = (double)t->runs[i].delay;
    rep_quantiles_of(scratch, t->run_count, &s->delay);
    for (size_t i = 0; i < t->run_count; i++)
        scratch[i] = (double)t->runs[i].duration;
    rep_quantiles_of(scratch, t->run_count, &s->duration);
}

/* Runs per 24-hour window (quantiles) and by local hour of day, through rep_hist. */
static int day_and_hour(const rep_record *r, int task, rep_quantiles *per_day, double by_hour[24])
{
    gsl_histogram *days = rep_hist_days(r, task), *hours = rep_hist_hours(r, task);
    int rc = -1;
    if (days && hours) {
        size_t n = gsl_histogram_bins(days);
        double *v = malloc(n * sizeof *v);
        if (v) {
            for (size_t i = 0; i < n; i++)
                v[i] = gsl_histogram_get(days, i);
            rep_quantiles_of(v, n, per_day);
            free(v);
            for (size_t h = 0; h < 24; h++)
                by_hour[h] = gsl_histogram_get(hours, h);
            rc = 0;
        }
    }
    gsl_histogram_free(days);
    gsl_histogram_free(hours);
    return rc;
}

int rep_stats_compute(const rep_record *r, rep_stats *s) { return rep_stats_compute_parts(r, s, REP_STATS_ALL); }

int rep_stats_compute_parts(const rep_record *r, rep_stats *s, unsigned parts)
{
    memset(s, 0, sizeof *s);
    size_t most = r->worker_count;
    for (size_t i = 0; i < r->task_count; i++)
        if (r->tasks[i].run_count > most)
            most = r->tasks[i].run_count;
    double *scratch = malloc((most ? most : 1) * sizeof *scratch);
    s->tasks = calloc(r->task_count ? r->task_count : 1, sizeof *s->tasks);
    if (!scratch || !s->tasks) {
        free(scratch);
        free(s->tasks);
        s->tasks = NULL;
        return -1;
    }
    s->task_count = r->task_count;
    size_t ran = 0;
    sim_time prev_start = 0;
    for (size_t i = 0; i < r->worker_count; i++) {
        const rep_worker_run *w = &r->worker_runs[i];
        if (w->kind == REP_WORKER_DEFERRED) {
            s->worker_deferred++;
        } else if (w->kind == REP_WORKER_NO_TASKS) {
            s->worker_no_tasks++;
        } else {
            s->deferred_ms += w->start - w->due;
            if (w->end_kind < REP_END_COUNT)
                s->worker_ends[w->end_kind]++;
            s->worker_stopped += REP_END_STOPPED(w->end_kind);
            if (ran > 0)
                scratch[ran - 1] = (double)(w->start - prev_start);
            prev_start = w->start;
            ran++;
        }
    }
    s->worker_runs = ran;
    for (size_t i = 0; i < r->deferral_count; i++) {
        const rep_deferral *d = &r->deferrals[i];
        if (d->reason > SIM_REASON_NONE && d->reason < SIM_REASON_COUNT) {
            s->held_ms[d->reason] += d->end - d->start;
            s->held_total_ms += d->end - d->start;
        }
    }
    s->worker_runs_per_day = (double)ran / days_of(r->duration);
    if (parts & REP_STATS_WORKER_INTERVAL)
        rep_quantiles_of(scratch, ran ? ran - 1 : 0, &s->worker_interval);
    if (parts & REP_STATS_WORKER_DELAY) {
        ran = 0;
        for (size_t i = 0; i < r->worker_count; i++)
            if (r->worker_runs[i].kind == REP_WORKER_RAN)
                scratch[ran++] = (double)(r->worker_runs[i].start - r->worker_runs[i].due);
        rep_quantiles_of(scratch, ran, &s->worker_delay);
    }
    for (size_t i = 0; i < r->task_count; i++)
        task_stats(&r->tasks[i], r->duration, scratch, (parts & REP_STATS_TASK_QUANTILES) != 0, &s->tasks[i]);
    free(scratch);
    s->has_battery = r->has_battery;
    s->battery_bg = r->battery_bg_mp / 100000.0;
    int rc = 0;
    if (parts & REP_STATS_WORKER_DAYS)
        rc = day_and_hour(r, -1, &s->worker_per_day, s->worker_by_hour);
    for (size_t i = 0; i < r->task_count && rc == 0 && (parts & REP_STATS_TASK_DAYS); i++)
        rc = day_and_hour(r, (int)i, &s->tasks[i].per_day, s->tasks[i].by_hour);
    if (rc != 0)
        rep_stats_free(s);
    return rc;
}

void rep_stats_free(rep_stats *s)
{
    free(s->tasks);
    memset(s, 0, sizeof *s);
}
