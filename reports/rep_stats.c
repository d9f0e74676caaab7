/*
 * rep_stats.c - per-task and worker statistics.
 */
#include "rep_stats.h"

#include "rep_hist.h"
#include "rep_sort.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdint.h>
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
 * The sort's and the selection's partition step: the median of v[0], v[n/2] and v[n-1] as the
 * pivot, Hoare's partition around it. Returns `left`: [0, left) <= pivot <= [left, n), both sides
 * non-empty (n > 16).
 */
static size_t partition(double *v, size_t n)
{
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
    return j + 1;
}

/*
 * Sorts v ascending: quicksort (median of three, Hoare partition) down to runs of 16, insertion
 * sort below, and GSL's heapsort when `depth` runs out (introsort: O(n log n) at worst). The values
 * are finite and never -0 (they come from integers), so any correct sort leaves the same array
 * as gsl_sort and every quantile and the mean (summed in sorted order) keep their bits. It
 * replaces gsl_sort (a heapsort) because sorting was 10-14 % of scenarios with frequent runs
 * (issue 24): heapsort does about twice the comparisons and jumps across the array.
 */
static void sort_doubles(double *v, size_t n, int depth)
{
    while (n > 16) {
        if (depth-- == 0) {
            gsl_sort(v, 1, n);
            return;
        }
        /* recurse into the smaller side, loop on the larger */
        size_t left = partition(v, n);
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

/* A finite double's 64-bit key in its order: the sign bit set for positives, every bit flipped for
 * negatives (IEEE 754 orders same-signed values as their bit patterns). */
static uint64_t order_key(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b ^ ((0 - (b >> 63)) | 0x8000000000000000ULL);
}

/* order_key's inverse: the double whose key k is. */
static double key_value(uint64_t k)
{
    uint64_t b = k ^ ((0 - ((k >> 63) ^ 1)) | 0x8000000000000000ULL);
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/*
 * Sorts v ascending as sort_doubles does (the same array: the values are finite, never -0, and
 * equal values have equal bits) by a radix sort of their order keys (rep_sort_u64: integer
 * milliseconds leave a double's low mantissa bits zero and share its high exponent bits, so a
 * ten-year run's intervals take 3 passes). keys holds 2n. Sorting a ten-year run's samples was
 * 2.7 % of its CPU by the partition's branches (random data mispredicts them); then 1.2 % of its
 * instructions by byte passes recomputing each key in each pass, 0.8 % now (issue 24: `run`
 * against a sweep).
 */
static void radix_sort(double *v, size_t n, uint64_t *keys)
{
    for (size_t i = 0; i < n; i++)
        keys[i] = order_key(v[i]);
    const uint64_t *sorted = rep_sort_u64(keys, keys + n, n);
    for (size_t i = 0; i < n; i++)
        v[i] = key_value(sorted[i]);
}

/* Below this many values the introsort is as quick and needs no buffer. */
#define RADIX_MIN 256

/* A buffer of 2n keys for radix_sort, or NULL: fewer than RADIX_MIN values, too many to size, or
 * no memory (the introsort then sorts them, in the same order). */
static uint64_t *radix_keys(size_t n)
{
    return n >= RADIX_MIN && n <= SIZE_MAX / (2 * sizeof(uint64_t)) ? malloc(2 * n * sizeof(uint64_t)) : NULL;
}

/*
 * Puts at each place of want[0..k) (ascending, in [0, n); rewritten) the value sorting v would put
 * there, by sorting only the parts of v that hold one of them (quickselect on several places at
 * once, the same partition and cut-offs as sort_doubles). Each side of a partition holds the
 * values of its places in the sorted order, so a place's value is the sorted array's, bit for bit.
 */
static void select_places(double *v, size_t n, size_t *want, size_t k, int depth)
{
    while (k > 0 && n > 16) {
        if (depth-- == 0) {
            gsl_sort(v, 1, n);
            return;
        }
        size_t left = partition(v, n), m = 0;
        while (m < k && want[m] < left)
            m++;
        select_places(v, left, want, m, depth);
        v += left;
        n -= left;
        want += m;
        k -= m;
        for (size_t i = 0; i < k; i++) /* the right side's places, from its own start */
            want[i] -= left;
    }
    if (k > 0)
        insertion_sort(v, n);
}

/* n and the quantiles of v (n > 0), as GSL reads them from sorted data: sorted whole
 * (rep_quantiles_of), or at the places they read (rep_quantiles_select). */
static void quantiles_from_sorted(const double *v, size_t n, rep_quantiles *q)
{
    q->n = n;
    q->p10 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.10);
    q->p50 = gsl_stats_median_from_sorted_data(v, 1, n);
    q->p90 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.90);
    q->p99 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.99);
}

/* rep_quantiles_of with a buffer of 2n keys for the radix sort, or NULL (then allocated here when
 * the radix sort needs one). rep_stats_compute_parts lends one buffer to all its sets: a run's
 * sets then touch one buffer's pages, not one each (page faults are a visible part of a long
 * `run`, issue 24). */
static void quantiles_sorted(double *v, size_t n, uint64_t *keys, rep_quantiles *q)
{
    memset(q, 0, sizeof *q);
    if (n == 0)
        return;
    uint64_t *own = keys ? NULL : radix_keys(n);
    if (own)
        keys = own;
    if (keys && n >= RADIX_MIN)
        radix_sort(v, n, keys);
    else /* few values, or no memory for the keys: the same order */
        sort_doubles(v, n, 64);
    free(own);
    q->min = v[0];
    q->max = v[n - 1];
    quantiles_from_sorted(v, n, q);
    q->mean = gsl_stats_mean(v, 1, n);
}

void rep_quantiles_of(double *v, size_t n, rep_quantiles *q) { quantiles_sorted(v, n, NULL, q); }

/* Adds the places GSL's quantile f of n sorted values reads (its manual: i = floor((n - 1) f) and
 * i + 1, interpolated; i alone when it is the last) to places[*k]. */
static void add_quantile_places(size_t n, double f, size_t *places, size_t *k)
{
    size_t i = (size_t)(f * (double)(n - 1));
    places[(*k)++] = i;
    if (i + 1 < n)
        places[(*k)++] = i + 1;
}

static int cmp_place(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

void rep_quantiles_select(double *v, size_t n, rep_quantiles *q)
{
    memset(q, 0, sizeof *q);
    if (n == 0)
        return;
    /* min and max by a pass (the values are finite and never -0: `<` orders them as the sort does) */
    q->min = q->max = v[0];
    for (size_t i = 1; i < n; i++) {
        q->min = v[i] < q->min ? v[i] : q->min;
        q->max = q->max < v[i] ? v[i] : q->max;
    }
    size_t places[8], k = 0;
    add_quantile_places(n, 0.10, places, &k);
    places[k++] = (n - 1) / 2; /* the median's two middle places (GSL's median_from_sorted_data) */
    places[k++] = n / 2;
    add_quantile_places(n, 0.90, places, &k);
    add_quantile_places(n, 0.99, places, &k);
    qsort(places, k, sizeof places[0], cmp_place);
    size_t distinct = 0;
    for (size_t i = 0; i < k; i++)
        if (distinct == 0 || places[i] != places[distinct - 1])
            places[distinct++] = places[i];
    select_places(v, n, places, distinct, 64);
    /* GSL's functions of sorted data read only those places (the formulas in its manual), which now
     * hold the sorted array's values: the same bits as after the sort. */
    quantiles_from_sorted(v, n, q);
}

static double days_of(sim_time duration) { return (double)duration / (double)SIM_DAYS(1); }

/* The quantile sets' function: with their means (which need the sorted order), or without; keys is
 * a buffer of 2n keys or NULL (quantiles_sorted). */
typedef void quantiles_fn(double *values, size_t n, uint64_t *keys, rep_quantiles *q);

static void quantiles_selected(double *v, size_t n, uint64_t *keys, rep_quantiles *q)
{
    (void)keys;
    rep_quantiles_select(v, n, q);
}

static quantiles_fn *quantiles_for(unsigned parts)
{
    return parts & REP_STATS_MEANS ? quantiles_sorted : quantiles_selected;
}

static void task_stats(const rep_task *t, sim_time duration, double *scratch, uint64_t *keys,
                       quantiles_fn *quantiles, rep_task_stats *s)
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
    quantiles(scratch, t->run_count ? t->run_count - 1 : 0, keys, &s->interval);
    for (size_t i = 0; i < t->run_count; i++)
        scratch[i] = (double)t->runs[i].delay;
    quantiles(scratch, t->run_count, keys, &s->delay);
    for (size_t i = 0; i < t->run_count; i++)
        scratch[i] = (double)t->runs[i].duration;
    quantiles(scratch, t->run_count, keys, &s->duration);
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
    quantiles_fn *quantiles = quantiles_for(parts);
    /* the sorted sets' keys, lent to each (none, or no memory: each allocates its own) */
    uint64_t *keys = quantiles == quantiles_sorted ? radix_keys(most) : NULL;
    if (parts & REP_STATS_WORKER_INTERVAL)
        quantiles(scratch, ran ? ran - 1 : 0, keys, &s->worker_interval);
    if (parts & REP_STATS_WORKER_DELAY) {
        ran = 0;
        for (size_t i = 0; i < r->worker_count; i++)
            if (r->worker_runs[i].kind == REP_WORKER_RAN)
                scratch[ran++] = (double)(r->worker_runs[i].start - r->worker_runs[i].due);
        quantiles(scratch, ran, keys, &s->worker_delay);
    }
    for (size_t i = 0; i < r->task_count; i++)
        task_stats(&r->tasks[i], r->duration, scratch, keys, parts & REP_STATS_TASK_QUANTILES ? quantiles : NULL,
                   &s->tasks[i]);
    free(scratch);
    free(keys);
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
