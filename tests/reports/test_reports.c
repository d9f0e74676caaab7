/*
 * test_reports.c - statistics and histograms on hand-made records (values computed by hand),
 * confidence intervals against textbook values, the battery accounting of a real run, and the
 * structure of the Perfetto export.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rep_explain.h"
#include "rep_hist.h"
#include "rep_html.h"
#include "rep_metrics.h"
#include "rep_perfetto.h"
#include "rep_plot.h"
#include "rep_stats.h"
#include "rep_sweep.h"
#include "run.h"
#include "scn_scenario.h"

static const char *const one_task[] = {"sync"};

/* A record of `n` worker runs (each running task 0) at the given starts. */
static void make_record(rep_record *r, sim_time duration, const sim_time *starts, size_t n)
{
    cr_assert_eq(rep_record_init(r, duration, one_task, 1), 0);
    for (size_t i = 0; i < n; i++) {
        rep_worker_run w = {.due = starts[i], .start = starts[i], .end = starts[i] + 1000, .kind = REP_WORKER_RAN};
        rep_task_run t = {.start = starts[i], .duration = 1000, .delay = 0, .result = 1};
        cr_assert_eq(rep_record_worker_run(r, &w), 0);
        cr_assert_eq(rep_record_task_run(r, 0, &t), 0);
    }
}

/* Appends at a steady pace: a full array grows to the count the record will reach at that pace,
 * not by doubling (64 -> 2048 was five copies), and keeps every element in order. */
Test(record, a_steady_pace_grows_the_arrays_once)
{
    rep_record r;
    cr_assert_eq(rep_record_init(&r, SIM_DAYS(14), one_task, 1), 0);
    const size_t n = 1100;
    size_t worker_growths = 0, task_growths = 0, worker_cap = 0, task_cap = 0;
    for (size_t i = 0; i < n; i++) {
        sim_time at = (sim_time)i * SIM_DAYS(14) / (sim_time)n + SIM_MINUTES(1);
        rep_worker_run w = {.due = at, .start = at, .end = at + 1000, .kind = REP_WORKER_RAN};
        rep_task_run t = {.start = at, .duration = 1000, .result = 1};
        cr_assert_eq(rep_record_worker_run(&r, &w), 0);
        cr_assert_eq(rep_record_task_run(&r, 0, &t), 0);
        worker_growths += r.worker_cap != worker_cap;
        task_growths += r.tasks[0].run_cap != task_cap;
        worker_cap = r.worker_cap;
        task_cap = r.tasks[0].run_cap;
    }
    cr_assert_leq(worker_growths, 2, "worker runs: %zu growths", worker_growths);
    cr_assert_leq(task_growths, 2, "task runs: %zu growths", task_growths);
    cr_assert_leq(r.worker_cap, n + n / 4, "over-reserved: %zu for %zu", r.worker_cap, n);
    cr_assert_eq(r.worker_count, n);
    cr_assert_eq(r.tasks[0].run_count, n);
    for (size_t i = 0; i < n; i++) {
        sim_time at = (sim_time)i * SIM_DAYS(14) / (sim_time)n + SIM_MINUTES(1);
        cr_assert_eq(r.worker_runs[i].start, at);
        cr_assert_eq(r.tasks[0].runs[i].start, at);
    }
    rep_record_free(&r);
}

/* A burst at the start projects a huge count: the growth stays within 32 times the capacity. */
Test(record, a_burst_at_the_start_grows_at_most_32_fold)
{
    rep_record r;
    cr_assert_eq(rep_record_init(&r, SIM_DAYS(365), one_task, 1), 0);
    for (size_t i = 0; i < 65; i++) {
        rep_request q = {.at = 1, .due = 2};
        cr_assert_eq(rep_record_request(&r, &q), 0);
    }
    cr_assert_eq(r.request_cap, 32 * 64);
    cr_assert_eq(r.request_count, 65);
    rep_record_free(&r);
}

Test(hist, hours_follow_the_calendar)
{
    rep_record r;
    /* start 07:00: runs at +0 (07:00), +30 min (07:30), +5 h (12:00), +17 h (00:00 next day) */
    const sim_time starts[] = {0, SIM_MINUTES(30), SIM_HOURS(5), SIM_HOURS(17)};
    make_record(&r, SIM_DAYS(2), starts, 4);
    sim_datetime start = {.year = 2026, .month = 1, .day = 5, .hour = 7};
    cr_assert(sim_cal_init(&r.calendar, &start));
    gsl_histogram *h = rep_hist_hours(&r, -1);
    cr_assert_not_null(h);
    cr_assert_eq(gsl_histogram_bins(h), 24);
    cr_assert_eq(gsl_histogram_get(h, 7), 2);
    cr_assert_eq(gsl_histogram_get(h, 12), 1);
    cr_assert_eq(gsl_histogram_get(h, 0), 1);
    cr_assert_eq(gsl_histogram_sum(h), 4);
    gsl_histogram_free(h);
    rep_record_free(&r);
}

Test(hist, days_are_whole_24h_windows)
{
    rep_record r;
    const sim_time starts[] = {0, SIM_HOURS(23), SIM_HOURS(24), SIM_HOURS(50), SIM_HOURS(73)};
    make_record(&r, SIM_HOURS(74), starts, 5); /* 3 whole days; the run at 73 h is in the tail */
    gsl_histogram *h = rep_hist_days(&r, 0);
    cr_assert_eq(gsl_histogram_bins(h), 3);
    cr_assert_eq(gsl_histogram_get(h, 0), 2);
    cr_assert_eq(gsl_histogram_get(h, 1), 1);
    cr_assert_eq(gsl_histogram_get(h, 2), 1);
    gsl_histogram_free(h);
    rep_stats st;
    cr_assert_eq(rep_stats_compute(&r, &st), 0);
    cr_assert_eq(st.worker_per_day.n, 3);
    cr_assert_eq(st.worker_per_day.min, 1);
    cr_assert_eq(st.worker_per_day.max, 2);
    cr_assert_eq(st.worker_per_day.p50, 1);
    cr_assert_eq(st.tasks[0].per_day.max, 2);
    rep_stats_free(&st);
    rep_record_free(&r);
}

Test(hist, intervals_cover_every_value_and_drop_far_outliers)
{
    rep_record r;
    sim_time starts[202];
    sim_time t = 0;
    for (int i = 0; i < 201; i++) {
        starts[i] = t;
        t += SIM_MINUTES(10) + (i % 10) * SIM_MINUTES(1); /* 10..19 min */
    }
    starts[201] = t + SIM_HOURS(10); /* one interval far out */
    make_record(&r, SIM_DAYS(30), starts, 202);
    gsl_histogram *h = rep_hist_intervals(&r, -1, 9);
    cr_assert_not_null(h);
    /* 201 intervals: 200 regular ones plus the 10 h + 19 min one, which lies far out */
    double lo, hi;
    gsl_histogram_get_range(h, 0, &lo, &hi);
    cr_assert_float_eq(lo, (double)SIM_MINUTES(10), 1e-6);
    cr_assert_eq(gsl_histogram_sum(h), 200, "counted %g", gsl_histogram_sum(h));
    gsl_histogram_free(h);
    rep_record_free(&r);
}

Test(hist, nearly_constant_interval_is_widened)
{
    rep_record r;
    const sim_time starts[] = {0, SIM_HOURS(6), SIM_HOURS(12) + 1000, SIM_HOURS(18) + 2000};
    make_record(&r, SIM_DAYS(1), starts, 4);
    gsl_histogram *h = rep_hist_intervals(&r, -1, 10);
    double lo, hi;
    gsl_histogram_get_range(h, 0, &lo, &hi);
    cr_assert_float_eq(lo, (SIM_HOURS(6) + 1000) * 0.95, 1e-6, "lo %g: 95 %% of the median", lo);
    cr_assert_eq(gsl_histogram_sum(h), 3);
    gsl_histogram_free(h);
    cr_assert_null(rep_hist_intervals(&r, -1, 0));
    rep_record_free(&r);
}

Test(sweep, confidence_interval_matches_the_t_table)
{
    /* mean 5, s = sqrt(2.5), n = 5: t(0.975, 4) = 2.776445 */
    const double v[] = {3, 4, 5, 6, 7, NAN};
    rep_ci ci;
    rep_ci_of(v, 6, 0.95, &ci);
    cr_assert_eq(ci.n, 5);
    cr_assert_float_eq(ci.mean, 5.0, 1e-12);
    cr_assert_float_eq(ci.half, 2.776445 * sqrt(2.5) / sqrt(5.0), 1e-5);
    rep_ci_of(v, 1, 0.95, &ci);
    cr_assert_eq(ci.n, 1);
    cr_assert(isnan(ci.half));
    rep_ci_of(v + 5, 1, 0.95, &ci);
    cr_assert_eq(ci.n, 0);
    cr_assert(isnan(ci.mean));
}

/* rep_ci_of remembers the last t quantile: with seed counts and confidences that repeat and change
 * (hits and misses in turn), every half-width is GSL's quantile times s / sqrt(n), bit for bit. */
Test(sweep, remembered_t_quantiles_are_gsl_s)
{
    const double v[] = {3, 4, 5, 6, 7, 8, 1, 2, 9, 4};
    const size_t ns[] = {5, 5, 10, 5, 2, 2, 10, 10, 3};
    const double conf[] = {0.95, 0.95, 0.95, 0.9, 0.9, 0.95, 0.95, 0.99, 0.99};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        rep_ci ci;
        rep_ci_of(v, ns[i], conf[i], &ci);
        double want = gsl_cdf_tdist_Pinv(1 - (1 - conf[i]) / 2, (double)(ns[i] - 1)) * gsl_stats_sd(v, 1, ns[i]) /
                      sqrt((double)ns[i]);
        cr_assert(memcmp(&ci.half, &want, sizeof want) == 0, "case %zu: %a != %a", i, ci.half, want);
    }
}

Test(sweep, a_share_gets_a_bounded_wilson_interval)
{
    /* held_share.battery_low-like: 0 on 9 seeds of 10, 8 % on one. The t interval reaches below 0
     * (mean 0.008, s = 0.0253, t(0.975, 9) = 2.262: -0.0101); the share's interval does not. */
    const double v[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0.08};
    rep_ci t, w;
    rep_ci_of(v, 10, 0.95, &t);
    cr_assert_lt(t.lo, 0, "the t interval of this share reached below 0 (%g): the case the Wilson interval is for", t.lo);
    rep_ci_of_share(v, 10, 0.95, &w);
    cr_assert_float_eq(w.mean, 0.008, 1e-12);
    cr_assert_geq(w.lo, 0, "ci_low %g", w.lo);
    cr_assert_leq(w.hi, 1, "ci_high %g", w.hi);
    cr_assert(w.lo < w.mean && w.mean < w.hi, "[%g, %g] holds the mean", w.lo, w.hi);
    /* n_eff = p(1-p) / (s^2/n) = 0.008 * 0.992 / 6.4e-5 = 124: the Wilson bounds by hand */
    double p = 0.008, ne = 0.008 * 0.992 / (0.00576 / 9 / 10), z = 2.262157, c = z * z / ne;
    double lo = (p + c / 2 - z * sqrt(p * (1 - p) / ne + c / (4 * ne))) / (1 + c);
    cr_assert_float_eq(w.lo, lo, 1e-9, "lo %.9g, by hand %.9g", w.lo, lo);
    /* near 1 as near 0 */
    const double hi_v[] = {1, 1, 1, 1, 0.9};
    rep_ci_of_share(hi_v, 5, 0.95, &w);
    cr_assert_leq(w.hi, 1, "ci_high %g", w.hi);
    rep_ci_of(hi_v, 5, 0.95, &t);
    cr_assert_gt(t.hi, 1);
    /* far from the bounds, about the t interval */
    const double mid[] = {0.4, 0.5, 0.6, 0.45, 0.55};
    rep_ci_of(mid, 5, 0.95, &t);
    rep_ci_of_share(mid, 5, 0.95, &w);
    cr_assert_float_eq(w.hi - w.lo, t.hi - t.lo, 0.02 * (t.hi - t.lo));
    /* every seed the same: no spread, as the t interval */
    const double same[] = {0, 0, 0};
    rep_ci_of_share(same, 3, 0.95, &w);
    cr_assert(w.lo == 0 && w.hi == 0);
    /* not a share (a value above 1): the t interval */
    const double big[] = {0.5, 1.5};
    rep_ci_of_share(big, 2, 0.95, &w);
    rep_ci_of(big, 2, 0.95, &t);
    cr_assert(w.lo == t.lo && w.hi == t.hi);
}

static scn_scenario *load_text(const char *text)
{
    sch_diag d;
    scn_scenario *s = NULL;
    int rc = scn_load_buffer("mem.yaml", text, strlen(text), &d, &s);
    if (rc)
        sch_diag_print(&d, stderr);
    sch_diag_free(&d);
    cr_assert_eq(rc, 0);
    return s;
}

/* One worker of 60 s every hour while unplugged on Wi-Fi: the worker drain (5 %/h) plus the
 * network drain, for 60 s each, 24 times a day. */
Test(stats, battery_spent_by_background_work)
{
    scn_scenario *s = load_text("bgsim: 1\nplatform: ideal\nduration: 1d\n"
                                "device: { battery: { initial: 100%, drain: { worker: 6%, network: 3% } } }\n"
                                "app: { first_open: 0s, foreground_for: 1s, tasks: [ { name: a, minimum_interval: 1h, "
                                "register_at: 0s, work: { duration: 60s } } ] }\n");
    run_options opt = run_default_options(s);
    rep_record rec = {0};
    run_outcome out;
    cr_assert_eq(run_scenario(s, &opt, &rec, &out), 0);
    rep_stats st;
    cr_assert_eq(rep_stats_compute(&rec, &st), 0);
    cr_assert(st.has_battery);
    size_t runs = st.worker_runs;
    cr_assert(runs >= 20, "runs %zu", runs);
    /* (6 + 3) %/h x 1 min = 0.15 % per run, unless a run happened while plugged (none: no habits
     * charge before the first night... the default nightly charge may plug the device) */
    double expect_max = (double)runs * 0.0015;
    cr_assert(st.battery_bg > 0 && st.battery_bg <= expect_max + 1e-12, "battery %g, at most %g", st.battery_bg,
              expect_max);
    rep_metric_ref ref;
    bool ok;
    const char *tasks[] = {"a"};
    cr_assert(rep_metric_resolve("worker.battery", tasks, 1, &ref, &ok));
    double v;
    cr_assert(rep_metric_value(&ref, &st, &rec, &v));
    cr_assert_float_eq(v, st.battery_bg, 1e-15);
    rep_stats_free(&st);
    rep_record_free(&rec);
    scn_scenario_free(s);
}

/* scenarios/examples/everyday.yaml, loaded. */
static scn_scenario *load_everyday(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/scenarios/examples/everyday.yaml", SOURCE_DIR);
    sch_diag d;
    scn_scenario *s = NULL;
    cr_assert_eq(scn_load(path, &d, &s), 0);
    sch_diag_free(&d);
    return s;
}

/* Recording states leaves the run exactly as it was. */
Test(stats, recording_states_keeps_the_fingerprint)
{
    scn_scenario *s = load_everyday();
    run_options opt = run_default_options(s);
    rep_record a = {0}, b = {0};
    run_outcome oa, ob;
    cr_assert_eq(run_scenario(s, &opt, &a, &oa), 0);
    opt.record_states = true;
    cr_assert_eq(run_scenario(s, &opt, &b, &ob), 0);
    cr_assert_eq(oa.fingerprint, ob.fingerprint);
    cr_assert_eq(a.state_count, 0);
    cr_assert(b.state_count > 100);
    for (size_t i = 1; i < b.state_count; i++)
        cr_assert(b.states[i].t > b.states[i - 1].t, "samples in time order");
    cr_assert_eq(b.states[b.state_count - 1].t, opt.duration);
    cr_assert_float_eq(a.battery_bg_mp, b.battery_bg_mp, 1e-9);
    rep_record_free(&a);
    rep_record_free(&b);
    scn_scenario_free(s);
}

/* ---- Perfetto: the structure, event by event ---- */

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

Test(perfetto, structure)
{
    scn_scenario *s = load_everyday();
    run_options opt = run_default_options(s);
    opt.record_states = true;
    rep_record rec = {0};
    run_outcome o;
    cr_assert_eq(run_scenario(s, &opt, &rec, &o), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(rep_perfetto_write(f, s->name, &rec), 0);
    fclose(f);
    cr_assert(strncmp(buf, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n", 40) == 0);
    /* the events, then the top-level metadata dictionary (rep_perfetto.h) */
    const char *tail = strstr(buf, "\n],\n\"metadata\":{\"bgsim_scenario\":\"everyday\",\"bgsim_start_local\":");
    cr_assert(tail, "no metadata after the events");
    cr_assert(strcmp(buf + len - 3, "}}\n") == 0);
    /* every line between the brackets is one event object: {"ph":"<M|C|X|i>",...} */
    size_t events = 0, x = 0, c = 0;
    char *save = NULL;
    char *body = strdup(buf + 40);
    for (char *line = strtok_r(body, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strcmp(line, "],") == 0)
            break;
        size_t n = strlen(line);
        if (line[n - 1] == ',')
            line[--n] = '\0';
        if (line[0] == ',')
            line++;
        cr_assert(strncmp(line, "{\"ph\":\"", 7) == 0, "event: %s", line);
        char ph = line[7];
        cr_assert(ph == 'M' || ph == 'C' || ph == 'X' || ph == 'i', "phase %c", ph);
        cr_assert(line[strlen(line) - 1] == '}');
        cr_assert(strstr(line, "\"pid\":1,\"tid\":"), "pid and tid: %s", line);
        cr_assert(strncmp(line + 10, "\"cat\":\"", 7) == 0, "cat after ph: %s", line);
        if (ph != 'M')
            cr_assert(strstr(line, "\"ts\":"), "ts: %s", line);
        if (ph == 'X') {
            const char *dur = strstr(line, "\"dur\":");
            cr_assert(dur && atoll(dur + 6) >= 0, "dur: %s", line);
            x++;
        }
        if (ph == 'C') {
            cr_assert(strstr(line, "\"name\":\"battery\",\"args\":{\"level_percent\":"));
            c++;
        }
        events++;
    }
    free(body);
    /* a counter sample per state sample; a worker slice per worker run and a task slice per task run */
    cr_assert_eq(c, rec.state_count);
    cr_assert_eq(count(buf, "\"name\":\"worker run\""), rec.worker_count);
    cr_assert_eq(count(buf, "\"tid\":100,\"ts\""), rec.tasks[0].run_count);
    cr_assert(x >= rec.worker_count + rec.tasks[0].run_count);
    cr_assert_eq(count(buf, "\"name\":\"thread_name\""), 11 + rec.task_count);
    /* ts 0 is local midnight: one "calendar" slice per local day touched, the first at 0 */
    int64_t days = sim_cal_day_index(&rec.calendar, rec.duration - 1) + 1;
    cr_assert_eq(count(buf, "\"cat\":\"calendar\""), (size_t)days);
    cr_assert(strstr(buf, "\"cat\":\"calendar\",\"pid\":1,\"tid\":12,\"ts\":0,"));
    cr_assert(events > x + c);
    free(buf);
    rep_record_free(&rec);
    scn_scenario_free(s);
}

/* max_gap counts the wait for the first run and the silence after the last, which interval.max
 * does not; with no run it is the whole duration. Values by hand. */
static double metric_of(const char *name, const rep_record *rec)
{
    rep_stats st;
    cr_assert_eq(rep_stats_compute(rec, &st), 0);
    rep_metric_ref ref;
    bool ok;
    cr_assert(rep_metric_resolve(name, one_task, 1, &ref, &ok), "%s", name);
    double v = NAN;
    cr_assert(rep_metric_value(&ref, &st, rec, &v), "%s has a value", name);
    rep_stats_free(&st);
    return v;
}

Test(metrics, max_gap_counts_the_edges)
{
    rep_record r;
    /* runs at 2 h, 3 h, 10 h of a 12 h run: gaps 2, 1, 7, and 2 to the end */
    const sim_time starts[] = {SIM_HOURS(2), SIM_HOURS(3), SIM_HOURS(10)};
    make_record(&r, SIM_HOURS(12), starts, 3);
    cr_assert_eq(metric_of("sync.max_gap", &r), (double)SIM_HOURS(7));
    cr_assert_eq(metric_of("worker.max_gap", &r), (double)SIM_HOURS(7));
    cr_assert_eq(metric_of("sync.interval.max", &r), (double)SIM_HOURS(7));
    rep_record_free(&r);
    /* the first run at 9 h: the wait for it is the longest gap, which interval.max misses */
    const sim_time late[] = {SIM_HOURS(9), SIM_HOURS(10)};
    make_record(&r, SIM_HOURS(12), late, 2);
    cr_assert_eq(metric_of("sync.max_gap", &r), (double)SIM_HOURS(9));
    cr_assert_eq(metric_of("sync.interval.max", &r), (double)SIM_HOURS(1));
    rep_record_free(&r);
    /* the last run at 1 h of 12: the silence after it counts */
    const sim_time early[] = {SIM_MINUTES(30), SIM_HOURS(1)};
    make_record(&r, SIM_HOURS(12), early, 2);
    cr_assert_eq(metric_of("worker.max_gap", &r), (double)SIM_HOURS(11));
    rep_record_free(&r);
    make_record(&r, SIM_HOURS(12), NULL, 0);
    cr_assert_eq(metric_of("sync.max_gap", &r), (double)SIM_HOURS(12));
    rep_record_free(&r);
}

/* The report of a one-run record with plots from `plot_dir`: rep_html_write's status, the page in
 * *page (freed by the caller) and the message in why. */
static int html_report(const char *plot_dir, char **page, char *why, size_t size)
{
    rep_record r;
    const sim_time starts[] = {SIM_HOURS(1)};
    make_record(&r, SIM_DAYS(1), starts, 1);
    rep_stats st;
    cr_assert_eq(rep_stats_compute(&r, &st), 0);
    rep_run_info info = {.name = "a <b> & 'c'", .file = "x.yaml", .platform = "ideal", .policy = "current"};
    rep_html_input in = {.info = &info, .duration = "1d", .start = "2026-01-05 07:00", .fingerprint = "0",
                         .plot_dir = plot_dir};
    size_t len;
    FILE *f = open_memstream(page, &len);
    cr_assert_not_null(f);
    int rc = rep_html_write(f, &in, &r, &st, why, size);
    fclose(f);
    rep_stats_free(&st);
    rep_record_free(&r);
    return rc;
}

/* A folder holding timeline.svg, intervals.svg and hours.svg; timeline.svg sparse of `big` bytes
 * when big > 0. */
static void make_plots(char *dir, size_t big)
{
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    for (size_t i = 0; rep_plot_names[i]; i++) {
        snprintf(path, sizeof path, "%s/%s.svg", dir, rep_plot_names[i]);
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        if (big && i == 0)
            cr_assert_eq(ftruncate(fileno(f), (off_t)big), 0);
        else
            fputs("<?xml version='1.0'?>\n<svg id='p'><use href='#p'/></svg>\n", f);
        fclose(f);
    }
}

static void remove_plots(const char *dir)
{
    char path[256];
    for (size_t i = 0; rep_plot_names[i]; i++) {
        snprintf(path, sizeof path, "%s/%s.svg", dir, rep_plot_names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* A gap's spans depend on the requests before it (a request waits for its due time): listing
 * only the longest gaps builds each from where the walk over all gaps stood, not from where the
 * previous gap listed left off. Runs at 0, 60 min (due 15 min) and 3 h (due 2 h 50 min); requests
 * at 10 min (due 20), 40 min (due 50) and 2 h 40 min (due 2 h 50 min). The first gap, by hand:
 * not due to 20 min, due with no reason to 40, not due to 50, due to 60. */
Test(explain, a_listed_gap_starts_from_the_requests_before_it)
{
    rep_record r;
    cr_assert_eq(rep_record_init(&r, SIM_HOURS(4), one_task, 1), 0);
    const rep_worker_run runs[] = {
        {.due = 0, .start = 0, .end = 1000, .kind = REP_WORKER_RAN},
        {.due = SIM_MINUTES(15), .start = SIM_MINUTES(60), .end = SIM_MINUTES(60) + 1000, .kind = REP_WORKER_RAN},
        {.due = SIM_MINUTES(170), .start = SIM_MINUTES(180), .end = SIM_MINUTES(180) + 1000, .kind = REP_WORKER_RAN},
    };
    const rep_request requests[] = {
        {SIM_MINUTES(10), SIM_MINUTES(20)}, {SIM_MINUTES(40), SIM_MINUTES(50)}, {SIM_MINUTES(160), SIM_MINUTES(170)}};
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(rep_record_worker_run(&r, &runs[i]), 0);
        cr_assert_eq(rep_record_request(&r, &requests[i]), 0);
    }
    const rep_span want[] = {{1000, SIM_MINUTES(20), REP_SPAN_NOT_DUE},
                             {SIM_MINUTES(20), SIM_MINUTES(40), REP_SPAN_NO_REASON},
                             {SIM_MINUTES(40), SIM_MINUTES(50), REP_SPAN_NOT_DUE},
                             {SIM_MINUTES(50), SIM_MINUTES(60), REP_SPAN_NO_REASON}};
    static const size_t listed[] = {REP_EXPLAIN_ALL_GAPS, 3, 2};
    for (size_t l = 0; l < sizeof listed / sizeof listed[0]; l++) {
        rep_explain e;
        cr_assert_eq(rep_explain_compute(&r, SIM_MINUTES(15), listed[l], &e), 0);
        const rep_gap *g = NULL;
        for (size_t i = 0; i < e.gap_count; i++)
            g = e.gaps[i].start == 1000 ? &e.gaps[i] : g;
        cr_assert(g, "%zu listed: no gap from 1 s", listed[l]);
        cr_assert_eq(g->span_count, 4, "%zu listed: %zu spans", listed[l], g->span_count);
        for (size_t k = 0; k < 4; k++) {
            const rep_span *sp = &e.spans[g->first_span + k];
            cr_assert(sp->start == want[k].start && sp->end == want[k].end && sp->what == want[k].what,
                      "%zu listed: span %zu is %lld-%lld %s", listed[l], k, (long long)sp->start, (long long)sp->end,
                      rep_span_name(sp->what));
        }
        rep_explain_free(&e);
    }
    rep_record_free(&r);
}

/* rep_explain's gaps are longest first, ties earliest first (rep_explain.h), whichever way it
 * picks and orders them: 3,000 runs 1 s long whose gaps take one of 7 lengths (ties everywhere),
 * starting late and ending early so both edge gaps are there; every gap is listed once (their
 * count and total length are the timeline's), and the 100 longest alone are the first 100. */
Test(explain, gaps_are_longest_first_ties_earliest_first)
{
    enum { RUNS = 3000 };
    static sim_time starts[RUNS];
    uint64_t x = 5;
    sim_time t = SIM_HOURS(3), total = t;
    for (size_t i = 0; i < RUNS; i++) {
        starts[i] = t;
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        sim_time gap = SIM_MINUTES(10) * (sim_time)(1 + (x >> 33) % 7);
        t += 1000 + gap;
        total += i + 1 < RUNS ? gap : 0;
    }
    rep_record r;
    sim_time duration = starts[RUNS - 1] + 1000 + SIM_HOURS(2);
    total += SIM_HOURS(2);
    make_record(&r, duration, starts, RUNS);
    rep_explain e;
    cr_assert_eq(rep_explain_compute(&r, SIM_MINUTES(15), REP_EXPLAIN_ALL_GAPS, &e), 0);
    cr_assert_eq(e.gap_count, RUNS + 1);
    sim_time sum = 0;
    for (size_t i = 0; i < e.gap_count; i++) {
        const rep_gap *g = &e.gaps[i];
        sum += g->end - g->start;
        if (i == 0)
            continue;
        sim_time prev = e.gaps[i - 1].end - e.gaps[i - 1].start, len = g->end - g->start;
        cr_assert(prev > len || (prev == len && e.gaps[i - 1].start < g->start),
                  "gap %zu (%lld ms from %lld) after one of %lld ms from %lld", i, (long long)len,
                  (long long)g->start, (long long)prev, (long long)e.gaps[i - 1].start);
    }
    cr_assert_eq(sum, total);
    cr_assert_eq(e.gaps[0].end - e.gaps[0].start, SIM_HOURS(3));
    rep_explain top;
    cr_assert_eq(rep_explain_compute(&r, SIM_MINUTES(15), 100, &top), 0);
    cr_assert_eq(top.gap_count, 100);
    for (size_t i = 0; i < top.gap_count; i++)
        cr_assert(top.gaps[i].start == e.gaps[i].start && top.gaps[i].end == e.gaps[i].end, "gap %zu", i);
    rep_explain_free(&top);
    rep_explain_free(&e);
    rep_record_free(&r);
}

Test(html, plots_are_inlined_with_prefixed_ids_and_text_is_escaped)
{
    char dir[] = "/tmp/bgsim-test-html.XXXXXX";
    make_plots(dir, 0);
    char *page = NULL, why[512] = "";
    cr_assert_eq(html_report(dir, &page, why, sizeof why), 0, "%s", why);
    cr_expect(strstr(page, "<title>bgsim report: a &lt;b&gt; &amp; &#39;c&#39;</title>") != NULL);
    cr_expect(strstr(page, "<svg id='timeline_p'><use href='#timeline_p'/></svg>") != NULL);
    cr_expect(strstr(page, "<svg id='hours_p'>") != NULL);
    cr_expect(strstr(page, "<?xml") == NULL, "the XML prolog is left out");
    free(page);
    remove_plots(dir);
}

Test(html, an_svg_over_the_file_cap_is_refused_naming_the_limit, .timeout = 60)
{
    char dir[] = "/tmp/bgsim-test-html.XXXXXX";
    make_plots(dir, UTIL_FILE_MAX_BYTES + 1);
    char *page = NULL, why[512] = "";
    cr_assert_eq(html_report(dir, &page, why, sizeof why), -1);
    cr_expect(strstr(why, "timeline.svg' is larger than the limit of 64 MiB") != NULL, "%s", why);
    free(page);
    remove_plots(dir);
}

/* ---- scripted events on the timeline (REP_MARK_EVENT) ---- */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "%s", path);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int ch;
    while ((ch = fgetc(f)) != EOF)
        fputc(ch, m);
    fclose(f);
    fclose(m);
    return buf;
}

/* A scripted event gets its own data block and legend entry on the timeline, apart from process
 * deaths, and Perfetto names its instant after the action. */
Test(plot, scripted_events_are_marked_on_the_timeline)
{
    rep_record rec;
    make_record(&rec, SIM_DAYS(2), (sim_time[]){SIM_HOURS(1)}, 1);
    rec.has_states = true;
    rep_state st0 = {.t = 0, .battery_permille = -1}, st1 = {.t = SIM_DAYS(2), .battery_permille = -1};
    cr_assert_eq(rep_record_state(&rec, &st0), 0);
    cr_assert_eq(rep_record_state(&rec, &st1), 0);
    rep_mark ev = {.t = SIM_HOURS(5), .kind = REP_MARK_EVENT, .label = "force_stop"};
    rep_mark death = {.t = SIM_HOURS(5), .kind = REP_MARK_FORCE_STOP};
    cr_assert_eq(rep_record_mark(&rec, &ev), 0);
    cr_assert_eq(rep_record_mark(&rec, &death), 0);
    rep_stats st;
    cr_assert_eq(rep_stats_compute(&rec, &st), 0);
    char dir[] = "/tmp/bgsim-plot-events-XXXXXX";
    cr_assert(mkdtemp(dir));
    rep_run_info info = {.name = "t", .file = "t.yaml", .platform = "android", .policy = "current", .seed = 1};
    char why[256];
    cr_assert_eq(rep_plot_write(dir, &info, &rec, &st, why, sizeof why), 0, "%s", why);
    char path[600];
    snprintf(path, sizeof path, "%s/timeline.dat", dir);
    char *dat = slurp(path);
    cr_assert(strstr(dat, ": scripted (event): time\n"), "no block of scripted events");
    cr_assert(strstr(dat, ": process death (force_stop): time\n"));
    snprintf(path, sizeof path, "%s/timeline.gp", dir);
    char *gp = slurp(path);
    /* its row of the timeline style table (rep_timeline.c): a cyan cross */
    cr_assert(strstr(gp, "with points pt 2 ps 1.6 lc rgb \"#17BECF\" title \"scripted event\""), "%s", gp);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(rep_perfetto_write(f, "t", &rec), 0);
    fclose(f);
    cr_assert(strstr(buf, "\"ts\":18000000000,\"name\":\"force_stop\"}"));
    cr_assert_eq(count(buf, "\"name\":\"force_stop\""), 2, "the event (its label) and the death (its kind)");
    free(buf);
    free(dat);
    free(gp);
    const char *files[] = {"timeline.dat", "timeline.gp", "intervals.dat", "intervals.gp", "hours.dat", "hours.gp"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
    rep_stats_free(&st);
    rep_record_free(&rec);
}

/* The quantile tests' samples: n values of one of SAMPLE_SHAPES shapes (random, many ties,
 * ascending, descending, a sawtooth; for the radix sort's keys, signed fractions whose every byte
 * varies, and values that share all bytes but the lowest few) from the LCG state *x. */
#define SAMPLE_SHAPES 7
static void fill_sample(double *a, size_t n, int shape, uint64_t *x)
{
    for (size_t i = 0; i < n; i++) {
        *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
        a[i] = shape == 0   ? (double)(*x >> 40)
               : shape == 1 ? (double)((*x >> 33) % 5)
               : shape == 2 ? (double)i
               : shape == 3 ? (double)(n - i)
               : shape == 4 ? (double)((i * 7919) % 1009)
               : shape == 5 ? (double)(int64_t)*x / 3.0
                            : 1e9 + (double)((*x >> 33) % 7);
    }
}

/* rep_quantiles_of sorts with its own introsort (a radix sort from 256 values), and
 * rep_quantiles_select selects only the places the quantiles read (issue 24): on sizes around
 * their cut-offs of 16 and 256 (and n = 1, 2, where the quantiles' places are the ends), on every
 * shape of fill_sample, the sort leaves GSL's heapsort's array and every field has the bits GSL's
 * functions give on it; the selection's fields have the same bits but the mean, which is 0. */
Test(stats, quantiles_sorted_and_selected_match_gsl_bit_for_bit)
{
    static const size_t sizes[] = {1, 2, 3, 10, 11, 15, 16, 17, 18, 33, 100, 101, 255, 256, 257, 1000, 4099, 20000};
    uint64_t x = 12345;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t n = sizes[si];
        double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
        cr_assert(a && b && c);
        for (int shape = 0; shape < SAMPLE_SHAPES; shape++) {
            fill_sample(a, n, shape, &x);
            memcpy(b, a, n * sizeof *a);
            memcpy(c, a, n * sizeof *a);
            rep_quantiles q, s;
            rep_quantiles_of(a, n, &q);
            rep_quantiles_select(c, n, &s);
            gsl_sort(b, 1, n);
            cr_assert_eq(memcmp(a, b, n * sizeof *a), 0, "n %zu shape %d: sorted arrays differ", n, shape);
            cr_assert_eq(q.n, n);
            cr_assert(q.min == b[0] && q.max == b[n - 1]);
            cr_assert(q.p10 == gsl_stats_quantile_from_sorted_data(b, 1, n, 0.10));
            cr_assert(q.p50 == gsl_stats_median_from_sorted_data(b, 1, n));
            cr_assert(q.p90 == gsl_stats_quantile_from_sorted_data(b, 1, n, 0.90));
            cr_assert(q.p99 == gsl_stats_quantile_from_sorted_data(b, 1, n, 0.99));
            cr_assert(q.mean == gsl_stats_mean(b, 1, n));
            cr_assert_eq(s.mean, 0.0);
            s.mean = q.mean;
            cr_assert_eq(memcmp(&s, &q, sizeof s), 0, "n %zu shape %d: selected p10 %.17g/%.17g p50 %.17g/%.17g p90 %.17g/%.17g",
                         n, shape, s.p10, q.p10, s.p50, q.p50, s.p90, q.p90);
        }
        free(a);
        free(b);
        free(c);
    }
    rep_quantiles none;
    rep_quantiles_select(NULL, 0, &none);
    cr_assert_eq(none.n, 0);
}

/* rep_metric_value dispatches on the catalogue entry (its id), not on the suffix's text: every
 * entry of the catalogue, for each scope it has, reads the field its name says. The stats hold a
 * different number in every field, so a case that reads a neighbour's field fails; an entry
 * missing from the table (no suffix) or resolving to another entry fails too. */
static void quantiles_from(rep_quantiles *q, double first)
{
    *q = (rep_quantiles){1, first, first + 1, first + 2, first + 3, first + 4, first + 5, first + 6};
}

static double quantile_named(const rep_quantiles *q, const char *which)
{
    static const char *const names[] = {"min", "p10", "p50", "p90", "p99", "max", "mean"};
    const double v[] = {q->min, q->p10, q->p50, q->p90, q->p99, q->max, q->mean};
    for (size_t i = 0; i < 7; i++)
        if (strcmp(which, names[i]) == 0)
            return v[i];
    cr_assert_fail("no quantile %s", which);
    return NAN;
}

/* A metric that only tasks have, read for the worker (t NULL): a failure. */
static double not_for_the_worker(const char *suffix)
{
    cr_assert_fail("task metric %s read for the worker", suffix);
    return NAN;
}

/* What the metric's documentation says it is, from the stats' fields; NAN: no value. */
static double documented(const char *suffix, const rep_stats *st, const rep_task_stats *t, sim_time duration)
{
    const char *dot = strchr(suffix, '.');
    if (dot && strncmp(suffix, "interval.", 9) == 0)
        return quantile_named(t ? &t->interval : &st->worker_interval, dot + 1);
    if (dot && strncmp(suffix, "delay.", 6) == 0)
        return quantile_named(t ? &t->delay : &st->worker_delay, dot + 1);
    if (dot && strncmp(suffix, "duration.", 9) == 0)
        return t ? quantile_named(&t->duration, dot + 1) : not_for_the_worker(suffix);
    if (dot && strncmp(suffix, "daily_runs.", 11) == 0)
        return quantile_named(t ? &t->per_day : &st->worker_per_day, dot + 1);
    if (strcmp(suffix, "runs") == 0)
        return (double)(t ? t->runs : st->worker_runs);
    if (strcmp(suffix, "runs_per_day") == 0)
        return t ? t->runs_per_day : st->worker_runs_per_day;
    if (strcmp(suffix, "successes") == 0)
        return t ? (double)t->successes : not_for_the_worker(suffix);
    if (strcmp(suffix, "failures") == 0)
        return t ? (double)t->failures : not_for_the_worker(suffix);
    if (strcmp(suffix, "stopped") == 0)
        return (double)(t ? t->stopped : st->worker_stopped);
    if (strcmp(suffix, "killed") == 0)
        return (double)(t ? t->killed : st->worker_ends[REP_END_KILLED]);
    if (strcmp(suffix, "completed_share") == 0)
        return t ? (double)t->completed / (double)t->runs
                 : (double)st->worker_ends[REP_END_COMPLETED] / (double)st->worker_runs;
    if (strcmp(suffix, "registrations") == 0)
        return t ? (double)t->registrations : not_for_the_worker(suffix);
    if (strcmp(suffix, "first_run") == 0)
        return NAN; /* nothing ran */
    if (strcmp(suffix, "max_gap") == 0)
        return (double)duration; /* nothing ran: the whole run */
    if (strcmp(suffix, "deferred") == 0)
        return (double)st->worker_deferred;
    if (strcmp(suffix, "deferred_time") == 0)
        return (double)st->deferred_ms;
    if (strcmp(suffix, "held") == 0)
        return (double)st->held_total_ms;
    if (strcmp(suffix, "battery") == 0)
        return st->battery_bg;
    if (strcmp(suffix, "battery_per_day") == 0)
        return st->battery_bg / ((double)duration / (double)SIM_DAYS(1));
    cr_assert_fail("the test does not know metric %s", suffix);
    return NAN;
}

Test(metrics, every_catalogue_entry_reads_its_own_field)
{
    rep_task task = {.name = "a"};
    rep_record rec = {.duration = SIM_DAYS(2), .tasks = &task, .task_count = 1};
    rep_task_stats ts = {.name = "a", .registrations = 101, .runs = 102, .successes = 103, .failures = 104,
                         .completed = 105, .stopped = 106, .killed = 107, .runs_per_day = 108.5};
    quantiles_from(&ts.interval, 201);
    quantiles_from(&ts.delay, 301);
    quantiles_from(&ts.duration, 401);
    quantiles_from(&ts.per_day, 501);
    rep_stats st = {.worker_runs = 11, .worker_deferred = 12, .worker_stopped = 15, .deferred_ms = 16,
                    .held_total_ms = 17, .worker_runs_per_day = 18.5, .tasks = &ts, .task_count = 1,
                    .has_battery = true, .battery_bg = 0.25};
    st.worker_ends[REP_END_KILLED] = 13;
    st.worker_ends[REP_END_COMPLETED] = 14;
    quantiles_from(&st.worker_interval, 601);
    quantiles_from(&st.worker_delay, 701);
    quantiles_from(&st.worker_per_day, 801);
    const char *tasks[] = {"a"};
    size_t checked = 0;
    for (size_t i = 0; i < rep_metric_count(); i++) {
        const rep_metric_def *def = rep_metric_at(i);
        cr_assert(def->suffix && def->doc, "catalogue entry %zu is empty", i);
        for (int scope = 0; scope < 2; scope++) {
            if (scope == 0 ? !def->worker : !def->task)
                continue;
            char name[96];
            snprintf(name, sizeof name, "%s.%s", scope == 0 ? "worker" : "a", def->suffix);
            rep_metric_ref ref;
            bool ok;
            cr_assert(rep_metric_resolve(name, tasks, 1, &ref, &ok), "%s", name);
            cr_assert_eq(ref.def, def, "%s resolves to another entry", name);
            double v = NAN, want = documented(def->suffix, &st, scope ? &ts : NULL, rec.duration);
            bool has = rep_metric_value(&ref, &st, &rec, &v);
            cr_assert_eq(has, !isnan(want), "%s: has a value %d", name, has);
            if (has)
                cr_assert(v == want, "%s = %.17g, documented %.17g", name, v, want);
            checked++;
        }
    }
    cr_assert_gt(checked, 50);
}

/* A metric read from rep_stats_compute_parts of its own parts (rep_metric_parts) has the value it
 * has with every part computed, bit for bit, for every catalogue entry in both scopes and every
 * per-reason family, on a real week (everyday.yaml). A metric mapped to too few parts reads a
 * quantile set left empty, which has no value: that fails here. */
static void same_with_its_parts(const char *name, const rep_record *rec, const rep_stats *all, size_t *checked)
{
    const char *tasks[8];
    for (size_t i = 0; i < rec->task_count && i < 8; i++)
        tasks[i] = rec->tasks[i].name;
    rep_metric_ref ref;
    bool ok;
    if (!rep_metric_resolve(name, tasks, rec->task_count < 8 ? rec->task_count : 8, &ref, &ok))
        return; /* not in this scope */
    rep_stats some;
    cr_assert_eq(rep_stats_compute_parts(rec, &some, rep_metric_parts(&ref)), 0);
    double want = NAN, got = NAN;
    bool has_want = rep_metric_value(&ref, all, rec, &want), has_got = rep_metric_value(&ref, &some, rec, &got);
    cr_assert_eq(has_got, has_want, "%s: a value with its parts %d, with all %d", name, has_got, has_want);
    if (has_want)
        cr_assert(memcmp(&got, &want, sizeof got) == 0, "%s = %.17g with its parts, %.17g with all", name, got, want);
    rep_stats_free(&some);
    (*checked)++;
}

Test(metrics, a_metric_needs_only_its_parts)
{
    scn_scenario *s = load_everyday();
    run_options opt = run_default_options(s);
    rep_record rec = {0};
    run_outcome out;
    cr_assert_eq(run_scenario(s, &opt, &rec, &out), 0);
    cr_assert(rec.task_count > 0);
    rep_stats all, none;
    cr_assert_eq(rep_stats_compute(&rec, &all), 0);
    cr_assert(all.worker_interval.n > 0 && all.tasks[0].duration.n > 0 && all.worker_per_day.n > 0);
    /* no part asked: the quantile sets are empty, the counts are there */
    cr_assert_eq(rep_stats_compute_parts(&rec, &none, 0), 0);
    cr_assert(none.worker_interval.n == 0 && none.worker_delay.n == 0 && none.worker_per_day.n == 0);
    cr_assert(none.tasks[0].interval.n == 0 && none.tasks[0].per_day.n == 0);
    cr_assert_eq(none.worker_runs, all.worker_runs);
    cr_assert_eq(none.held_total_ms, all.held_total_ms);
    rep_stats_free(&none);
    size_t checked = 0;
    char name[128];
    for (size_t i = 0; i < rep_metric_count(); i++) {
        snprintf(name, sizeof name, "worker.%s", rep_metric_at(i)->suffix);
        same_with_its_parts(name, &rec, &all, &checked);
        for (size_t t = 0; t < rec.task_count; t++) {
            snprintf(name, sizeof name, "%s.%s", rec.tasks[t].name, rep_metric_at(i)->suffix);
            same_with_its_parts(name, &rec, &all, &checked);
        }
    }
    for (const char *const *f = rep_metric_suffixes(); *f; f++) {
        snprintf(name, sizeof name, "worker.%s", *f);
        same_with_its_parts(name, &rec, &all, &checked);
    }
    cr_assert_gt(checked, 100);
    rep_stats_free(&all);
    rep_record_free(&rec);
    scn_scenario_free(s);
}
