/*
 * test_limits.c - the limits of bgsim (issue 11): a 10-year simulation, 1,000 tasks, a 10 MB
 * scenario and one past the 64 MiB limit, billion laughs, extreme rates and durations, a clock
 * that stands still, the record's cap, and time arithmetic at SIM_TIME_MAX and year 9999.
 *
 * Each test runs in its own process (Criterion forks), so getrusage(RUSAGE_SELF).ru_maxrss is
 * that test's peak: the long ones print it ("limits: ... peak RSS N MiB") and bound it. The
 * bounds are generous enough for the ASan build (which roughly doubles memory), and tight enough
 * to catch memory that grows with something it should not (the number of loads, aliases...).
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "rep_record.h"
#include "run.h"
#include "scn_scenario.h"
#include "sch_units.h"
#include "sch_yaml.h"
#include "sim_calendar.h"
#include "sim_engine.h"

static long peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024; /* KiB on Linux */
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A growing string (the generated scenarios). */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        cr_assert(n >= 0);
        if (t->s && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? t->cap * 2 : 4096;
        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        t->s = realloc(t->s, cap);
        cr_assert(t->s != NULL);
        t->cap = cap;
    }
}

/* Loads `yaml`; returns the status, the scenario in *out (or NULL) and the printed diagnostics. */
static int load(const char *name, const char *yaml, size_t len, scn_scenario **out, char **report)
{
    sch_diag diag;
    *out = NULL;
    int rc = scn_load_buffer(name, yaml, len, &diag, out);
    size_t n = 0;
    FILE *mem = open_memstream(report, &n);
    cr_assert(mem != NULL);
    sch_diag_print(&diag, mem);
    fclose(mem);
    sch_diag_free(&diag);
    return rc;
}

/* Loads and runs; returns run_scenario's status (or the loader's when it refused). */
static int load_and_run(const char *name, const char *yaml, rep_record *rec, run_outcome *out, double *secs)
{
    scn_scenario *s = NULL;
    char *report = NULL;
    int rc = load(name, yaml, strlen(yaml), &s, &report);
    cr_assert(rc == 0, "%s does not load:\n%s", name, report);
    free(report);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run_options opt = run_default_options(s);
    rc = run_scenario(s, &opt, rec, out);
    *secs = seconds_since(&t0);
    scn_scenario_free(s);
    return rc;
}

static size_t total_task_runs(const rep_record *rec)
{
    size_t n = 0;
    for (size_t i = 0; i < rec->task_count; i++)
        n += rec->tasks[i].run_count;
    return n;
}

/* ---- long runs and many tasks ---- */

Test(limits, ten_year_simulation_in_bounded_memory, .timeout = 240)
{
    const char *yaml = "bgsim: 1\nplatform: ideal\nduration: 3652d\n"
                       "app:\n  tasks:\n    - name: sync\n      minimum_interval: 15m\n"
                       "      work: { duration: { lognormal: { median: 8s, sigma: 0.5 } } }\n";
    rep_record rec = {0};
    run_outcome out;
    double secs;
    int rc = load_and_run("ten-years.yaml", yaml, &rec, &out, &secs);
    cr_assert_eq(rc, 0);
    size_t runs = total_task_runs(&rec);
    /* every 15 min plus the work, for 3652 days: about 95 runs a day */
    cr_expect(runs > 3652 * 90 && runs < 3652 * 97, "%zu runs in ten years", runs);
    long rss = peak_rss_mib();
    fprintf(stderr, "limits: 10-year simulation: %zu task runs, %llu events, %.1f s, peak RSS %ld MiB\n", runs,
            (unsigned long long)out.events, secs, rss);
    /* The record grows by 32 B per run (and its worker runs): about 25 MiB here. */
    cr_expect(rss < 400, "peak RSS %ld MiB", rss);
    rep_record_free(&rec);
}

Test(limits, a_thousand_tasks_run, .timeout = 240)
{
    text t = {0};
    put(&t, "bgsim: 1\nplatform: ideal\nduration: 1d\napp:\n  tasks:\n");
    for (int i = 0; i < SCN_MAX_TASKS; i++)
        put(&t, "    - name: task-%04d\n      minimum_interval: 15m\n      register_at: %ds\n", i, i);
    rep_record rec = {0};
    run_outcome out;
    double secs;
    int rc = load_and_run("thousand.yaml", t.s, &rec, &out, &secs);
    cr_assert_eq(rc, 0);
    cr_expect_eq(rec.task_count, (size_t)SCN_MAX_TASKS);
    for (size_t i = 0; i < rec.task_count; i++)
        cr_expect_eq(rec.tasks[i].registrations, 1, "task %zu registered %zu times", i, rec.tasks[i].registrations);
    size_t runs = total_task_runs(&rec);
    long rss = peak_rss_mib();
    fprintf(stderr, "limits: 1,000 tasks for a day: %zu task runs, %.1f s, peak RSS %ld MiB\n", runs, secs, rss);
    cr_expect(runs >= 1000 * 90, "%zu task runs", runs);
    cr_expect(rss < 400, "peak RSS %ld MiB", rss);
    rep_record_free(&rec);
    free(t.s);
}

Test(limits, a_thousand_and_one_tasks_are_refused)
{
    text t = {0};
    put(&t, "bgsim: 1\nplatform: ideal\nduration: 1d\napp:\n  tasks:\n");
    for (int i = 0; i <= SCN_MAX_TASKS; i++)
        put(&t, "    - name: t%d\n", i);
    scn_scenario *s;
    char *report;
    cr_assert_eq(load("many.yaml", t.s, t.len, &s, &report), RUN_ERR_INVALID);
    cr_expect_str_eq(report, "error: many.yaml:6:5: app.tasks: expected at most 1000 tasks, found 1001\n");
    free(report);
    free(t.s);
}

/* ---- big files ---- */

Test(limits, a_10_mb_scenario_loads, .timeout = 120)
{
    text t = {0};
    put(&t, "bgsim: 1\nplatform: ideal\nduration: 1d\napp:\n  tasks:\n    - name: sync\n");
    while (t.len < 10u << 20)
        put(&t, "# %0120d\n", (int)t.len); /* 10 MB of comment lines */
    put(&t, "name: big\n");
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    scn_scenario *s;
    char *report;
    int rc = load("big.yaml", t.s, t.len, &s, &report);
    double secs = seconds_since(&t0);
    cr_assert_eq(rc, 0, "%s", report);
    cr_expect_str_eq(s->name, "big");
    long rss = peak_rss_mib();
    fprintf(stderr, "limits: 10 MB scenario (%zu bytes) loaded in %.2f s, peak RSS %ld MiB\n", t.len, secs, rss);
    cr_expect(secs < 30);
    scn_scenario_free(s);
    free(report);
    free(t.s);
}

/* 10 MB of short list items is 2.7 million nodes: refused at SCH_YAML_MAX_NODES, before the tree
 * takes gigabytes. */
Test(limits, a_10_mb_flow_list_is_refused_at_the_node_limit, .timeout = 120)
{
    text t = {0};
    put(&t, "bgsim: 1\nplatform: ideal\nduration: 1d\napp:\n  tasks:\n    - name: sync\n");
    for (int i = 0; t.len < 10u << 20; i++)
        put(&t, "k%07d: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]\n", i);
    scn_scenario *s;
    char *report;
    int rc = load("keys.yaml", t.s, t.len, &s, &report);
    cr_assert_eq(rc, RUN_ERR_INVALID);
    cr_expect(strstr(report, "more than 1000000 values, keys, lists and mappings, the limit of a scenario file") !=
                  NULL,
              "%.300s", report);
    long rss = peak_rss_mib();
    fprintf(stderr, "limits: 10 MB of short list items refused at the node limit, peak RSS %ld MiB\n", rss);
    cr_expect(rss < 800, "peak RSS %ld MiB", rss); /* 153 MiB plain, 415 under ASan; 2.7 GB unbounded */
    free(report);
    free(t.s);
}

Test(limits, a_file_over_64_mib_is_refused_naming_the_limit, .timeout = 60)
{
    size_t len = SCH_YAML_MAX_BYTES + 1;
    char *big = malloc(len);
    cr_assert(big != NULL);
    memset(big, '#', len);
    scn_scenario *s;
    char *report;
    cr_assert_eq(load("huge.yaml", big, len, &s, &report), RUN_ERR_INVALID);
    cr_expect_str_eq(report, "error: huge.yaml: file is larger than the limit of 64 MiB\n");
    free(report);
    free(big);
}

/* ---- adversarial YAML ---- */

Test(limits, billion_laughs_are_refused_in_bounded_time_and_memory, .timeout = 60)
{
    /* 12 levels of 10 aliases: 10^12 nodes if aliases were expanded */
    text t = {0};
    put(&t, "bgsim: 1\nplatform: ideal\nduration: 1d\napp:\n  tasks:\n    - name: sync\n");
    put(&t, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 12; i++) {
        put(&t, "l%d: &l%d [", i, i);
        for (int k = 0; k < 10; k++)
            put(&t, "%s*l%d", k ? ", " : "", i - 1);
        put(&t, "]\n");
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    scn_scenario *s;
    char *report;
    cr_assert_eq(load("laughs.yaml", t.s, t.len, &s, &report), RUN_ERR_INVALID);
    double secs = seconds_since(&t0);
    cr_expect(strstr(report, "anchors and aliases are not supported") != NULL, "%s", report);
    long rss = peak_rss_mib();
    fprintf(stderr, "limits: billion laughs (10^12 nodes expanded) refused in %.3f s, peak RSS %ld MiB\n", secs, rss);
    cr_expect(secs < 5 && rss < 200, "%.3f s, %ld MiB", secs, rss);
    free(report);
    free(t.s);
}

Test(limits, nesting_a_million_deep_is_refused_at_64_levels, .timeout = 60)
{
    size_t n = 1000000;
    text t = {0};
    put(&t, "bgsim: 1\nplatform: ideal\nduration: 1d\nx: ");
    char *brackets = malloc(n + 2);
    cr_assert(brackets != NULL);
    memset(brackets, '[', n);
    brackets[n] = '\n';
    brackets[n + 1] = '\0';
    put(&t, "%s", brackets);
    scn_scenario *s;
    char *report;
    cr_assert_eq(load("deep.yaml", t.s, t.len, &s, &report), RUN_ERR_INVALID);
    cr_expect_str_eq(report, "error: deep.yaml:4:67: nesting deeper than 64 levels\n");
    free(report);
    free(brackets);
    free(t.s);
}

/* ---- extreme rates and durations ---- */

Test(limits, every_model_at_its_highest_rate_runs_a_week, .timeout = 240)
{
    const char *yaml =
        "bgsim: 1\nplatform: ideal\nduration: 7d\n"
        "device:\n"
        "  battery:\n"
        "    drain: { screen_on: 100%, idle: 100%, dozing: 100%, worker: 100%, network: 100% }\n"
        "    charge: { rate: 100%, taper_rate: 100% }\n"
        "    charging:\n"
        "      top_ups: { per_day: 1000, duration: 1ms, between: [\"00:00\", \"23:59:59\"] }\n"
        "  network:\n"
        "    outages: { per_day: 1440, duration: 1ms }\n"
        "  kills:\n"
        "    swipes: { per_week: 10000 }\n"
        "    force_stops: { per_week: 10000 }\n"
        "    reboots: { per_week: 10000, downtime: 1ms }\n"
        "user:\n"
        "  usage:\n"
        "    sessions:\n"
        "      weekday: [3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, "
        "3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600]\n"
        "      weekend: [3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, "
        "3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600]\n"
        "    app_opens: { per_session: 100% }\n"
        "app:\n  tasks:\n    - name: sync\n      minimum_interval: 1m\n      work: { duration: 1ms }\n";
    rep_record rec = {0};
    run_outcome out;
    double secs;
    int rc = load_and_run("rates.yaml", yaml, &rec, &out, &secs);
    cr_assert_eq(rc, 0);
    long rss = peak_rss_mib();
    fprintf(stderr, "limits: every model at its highest rate for 7 days: %llu events, %.1f s, peak RSS %ld MiB\n",
            (unsigned long long)out.events, secs, rss);
    cr_expect(rss < 400, "peak RSS %ld MiB", rss);
    rep_record_free(&rec);
}

Test(limits, a_century_with_a_weekly_task_from_year_9999, .timeout = 240)
{
    /* The longest span, starting in the last week of year 9999: local times run into year 10099
     * (the calendar is proleptic Gregorian on int64 days), every instant far below SIM_TIME_MAX. */
    const char *yaml = "bgsim: 1\nplatform: ideal\nstart: 9999-12-25T23:59:59\nduration: 36525d\n"
                       "app:\n  first_open: 36524d23h\n  foreground_for: 59m59s999ms\n"
                       "  tasks:\n    - name: sync\n      minimum_interval: 1w\n      register_at: 36524d23h59m59s999ms\n"
                       "      work: { duration: { lognormal: { median: 36500d, sigma: 10 } } }\n";
    rep_record rec = {0};
    run_outcome out;
    double secs;
    cr_assert_eq(load_and_run("century.yaml", yaml, &rec, &out, &secs), 0);
    long rss = peak_rss_mib();
    fprintf(stderr, "limits: 100 years from 9999-12-25: %llu events, %.1f s, peak RSS %ld MiB\n",
            (unsigned long long)out.events, secs, rss);
    cr_expect(rss < 400, "peak RSS %ld MiB", rss);
    rep_record_free(&rec);
}

Test(limits, a_clock_that_stands_still_is_refused, .timeout = 60)
{
    const char *yaml = "bgsim: 1\nplatform: ideal\nduration: 1d\n"
                       "app:\n  tasks:\n    - name: sync\n      minimum_interval: 0\n      work: { duration: 0 }\n";
    rep_record rec = {0};
    run_outcome out;
    double secs;
    cr_assert_eq(load_and_run("still.yaml", yaml, &rec, &out, &secs), RUN_ERR_INVALID);
    cr_expect(secs < 30, "%.1f s", secs);
    /* the words come back to the caller, who prints them: naming the file and the limit */
    cr_expect(strncmp(out.message, "still.yaml: the worker started more than 100000 times", 53) == 0 &&
                  strstr(out.message, "(RUN_MAX_FIRES_AT_INSTANT)") != NULL,
              "message: '%s'", out.message);
    rep_record_free(&rec);
}

Test(limits, the_record_refuses_past_its_task_run_limit, .timeout = 120)
{
    const char *names[] = {"sync"};
    rep_record rec = {0};
    cr_assert_eq(rep_record_init(&rec, SIM_DAYS(1), names, 1), 0);
    rep_task_run run = {.start = 0, .duration = 1, .delay = 0, .result = 0};
    size_t i = 0;
    int rc = 0;
    for (; i <= REP_MAX_TASK_RUNS && rc == 0; i++)
        rc = rep_record_task_run(&rec, 0, &run);
    cr_expect_eq(rc, REP_ELIMIT);
    cr_expect_eq(rec.tasks[0].run_count, REP_MAX_TASK_RUNS);
    fprintf(stderr, "limits: record full at %zu task runs, peak RSS %ld MiB\n", rec.tasks[0].run_count,
            peak_rss_mib());
    rep_record_free(&rec);
}

/* ---- time arithmetic at the boundaries (the sanitizer build turns any overflow into a failure) ---- */

static void noop(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    (void)arg;
    ++*(int *)ctx;
}

Test(limits, the_engine_at_sim_time_max)
{
    sim_engine *e = sim_engine_new(4);
    cr_assert(e != NULL);
    int fired = 0;
    sim_handle h;
    cr_expect_eq(sim_schedule(e, SIM_TIME_MAX, 0, noop, &fired, 0, &h), 0);
    cr_expect_eq(sim_schedule(e, SIM_TIME_MAX - 1, 0, noop, &fired, 0, &h), 0);
    cr_expect_lt(sim_schedule(e, (sim_time)SIM_TIME_MAX + 1, 0, noop, &fired, 0, &h), 0);
    cr_expect_lt(sim_schedule(e, INT64_MAX, 0, noop, &fired, 0, &h), 0);
    cr_expect_lt(sim_schedule_in(e, INT64_MAX, 0, noop, &fired, 0, &h), 0);
    cr_expect_lt(sim_schedule_in(e, -1, 0, noop, &fired, 0, &h), 0);
    cr_expect_lt(sim_schedule(e, INT64_MIN, 0, noop, &fired, 0, &h), 0);
    sim_run_until(e, SIM_TIME_MAX);
    cr_expect_eq(fired, 2);
    cr_expect_eq(sim_now(e), SIM_TIME_MAX);
    /* nothing can be scheduled after the end of time, even with the smallest delay */
    cr_expect_lt(sim_schedule_in(e, 1, 0, noop, &fired, 0, &h), 0);
    cr_expect_eq(sim_schedule_in(e, 0, 0, noop, &fired, 0, &h), 0);
    sim_engine_free(e);
}

Test(limits, durations_at_the_limit_parse_and_format_exactly)
{
    sim_time v = -1;
    char why[256], buf[40];
    cr_expect(sch_parse_duration("59571423w4d11h56m3s967ms", &v, why, sizeof why));
    cr_expect_eq(v, SIM_TIME_MAX);
    cr_expect_not(sch_parse_duration("59571423w4d11h56m3s968ms", &v, why, sizeof why));
    cr_expect_not(sch_parse_duration("9223372036854775807ms", &v, why, sizeof why));
    cr_expect_not(sch_parse_duration("99999999999999999999w", &v, why, sizeof why));
    cr_expect_not(sch_parse_duration("15250284452w", &v, why, sizeof why)); /* > INT64_MAX ms */
    sch_format_duration(SIM_TIME_MAX, buf, sizeof buf);
    cr_expect_str_eq(buf, "59571423w4d11h56m3s967ms");
    /* any int64, INT64_MIN included, formats without overflow (for messages) */
    cr_expect_gt(sch_format_duration(INT64_MIN, buf, sizeof buf), 0);
    cr_expect_eq(buf[0], '-');
    cr_expect_gt(sch_format_duration(INT64_MAX, buf, sizeof buf), 0);
}

Test(limits, the_calendar_at_year_9999_and_sim_time_max)
{
    sim_calendar cal;
    sim_datetime last = {.year = 9999, .month = 12, .day = 31, .hour = 23, .minute = 59, .second = 59};
    cr_assert(sim_cal_init(&cal, &last));
    /* one second later is year 10000: outside what a scenario may start at, but a running
     * simulation's local time goes on */
    sim_datetime dt;
    sim_cal_datetime(&cal, SIM_SECONDS(1), &dt);
    cr_expect(dt.year == 10000 && dt.month == 1 && dt.day == 1 && dt.hour == 0, "%lld-%d-%d %d",
              (long long)dt.year, dt.month, dt.day, dt.hour);
    /* the farthest instant from the latest start: about 1.1 million years later */
    sim_cal_datetime(&cal, SIM_TIME_MAX, &dt);
    cr_expect(dt.year > 1000000 && dt.month >= 1 && dt.month <= 12, "year %lld", (long long)dt.year);
    cr_expect(sim_cal_day_index(&cal, SIM_TIME_MAX) > 0);
    cr_expect(sim_cal_ms_of_day(&cal, SIM_TIME_MAX) < SIM_DAYS(1));
    cr_expect(sim_cal_hour_of_week(&cal, SIM_TIME_MAX) < 168);
    char stamp[64];
    cr_expect_gt(sim_cal_format(&cal, SIM_TIME_MAX, stamp, sizeof stamp), 0);
    sim_time next = sim_cal_next_time_of_day(&cal, SIM_TIME_MAX - SIM_DAYS(2), 0);
    cr_expect(next > SIM_TIME_MAX - SIM_DAYS(2) && next <= SIM_TIME_MAX);
    /* the first instant of year 1 */
    sim_datetime first = {.year = 1, .month = 1, .day = 1};
    cr_assert(sim_cal_init(&cal, &first));
    sim_cal_datetime(&cal, 0, &dt);
    cr_expect(dt.year == 1 && dt.month == 1 && dt.day == 1);
    int64_t y;
    int m, d;
    sim_civil_from_days(sim_days_from_civil(9999, 12, 31), &y, &m, &d);
    cr_expect(y == 9999 && m == 12 && d == 31);
    sim_civil_from_days(sim_days_from_civil(1, 1, 1), &y, &m, &d);
    cr_expect(y == 1 && m == 1 && d == 1);
}

Test(limits, distribution_draws_are_capped_far_below_the_time_limit)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    cr_assert(rng != NULL);
    sch_dist heavy[] = {
        {SCH_DIST_LOGNORMAL, (double)SIM_DAYS(36500), 10},
        {SCH_DIST_WEIBULL, (double)SIM_TIME_MAX, 0.01},
        {SCH_DIST_EXPONENTIAL, (double)SIM_TIME_MAX, 0},
        {SCH_DIST_NORMAL, (double)SIM_TIME_MAX, (double)SIM_TIME_MAX},
        {SCH_DIST_UNIFORM, 0, (double)SIM_TIME_MAX},
        {SCH_DIST_FIXED, (double)SIM_TIME_MAX, 0},
    };
    for (size_t k = 0; k < sizeof heavy / sizeof heavy[0]; k++) {
        for (int i = 0; i < 10000; i++) {
            sim_time v = sch_dist_sample(&heavy[k], rng);
            cr_assert(v >= 0 && v <= SCH_DIST_MAX_MS, "kind %d: %lld", heavy[k].kind, (long long)v);
        }
    }
    gsl_rng_free(rng);
}
