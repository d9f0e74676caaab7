/*
 * test_network.c - the network model on a real engine and device: the exact change times of its
 * weekly schedules (window edges, windows crossing midnight and the Sunday/Monday week boundary),
 * airplane and outage precedence against an independent reference, outage statistics against
 * their parameters (GSL confidence intervals over many seeded days), trace records, determinism,
 * and the exact parse errors.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_network.h"
#include "mdl_network_internal.h"
#include "rig.h"

/* ---- recording ---- */

typedef struct change {
    sim_time t;
    mdl_net net;
    bool airplane;
} change;

typedef struct changes {
    change c[8192];
    int n;
} changes;

static void record(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    changes *log = ctx;
    if (sig != MDL_SIG_NETWORK)
        return;
    cr_assert_eq(arg, (int64_t)d->net, "the signal's arg is the new state");
    cr_assert_lt(log->n, 8192);
    log->c[log->n++] = (change){sim_now(d->engine), d->net, d->airplane};
}

#define AT(day, hh, mm) (SIM_DAYS(day) + SIM_HOURS(hh) + SIM_MINUTES(mm))

static void assert_changes(const changes *got, const change *want, int n)
{
    for (int i = 0; i < n && i < got->n; i++) {
        cr_assert(got->c[i].t == want[i].t && got->c[i].net == want[i].net &&
                      got->c[i].airplane == want[i].airplane,
                  "change %d: got t=%lld %s airplane=%d, want t=%lld %s airplane=%d", i, (long long)got->c[i].t,
                  mdl_net_name(got->c[i].net), got->c[i].airplane, (long long)want[i].t, mdl_net_name(want[i].net),
                  want[i].airplane);
    }
    cr_assert_eq(got->n, n, "%d changes, want %d", got->n, n);
}

static const char *const HOME_AND_WORK =
    "wifi:\n"
    "  - { days: [mon, tue, wed, thu, fri], from: \"18:00\", to: \"08:00\" }\n"
    "  - { days: [sat, sun], all_day: true }\n"
    "work_wifi:\n"
    "  - { days: weekdays, from: \"09:00\", to: \"17:30\" }\n";

/* Home Wi-Fi overnight on weekdays and all weekend, work Wi-Fi by day, cellular in between. */
Test(network, week_of_home_and_work_wifi_changes_at_every_window_edge)
{
    mdl_network_config cfg;
    rig_parse_ok(&mdl_network_model, MDL_ANDROID, HOME_AND_WORK, &cfg);
    changes *log = calloc(1, sizeof *log);
    rig *r = rig_new(&mdl_network_model, &cfg, MDL_ANDROID, 1, RIG_MONDAY, record, log);
    /* Monday 00:00: Sunday's all-day window ended at midnight, Monday's home window starts 18:00. */
    cr_assert_eq(r->d.net, MDL_NET_CELLULAR);
    cr_assert(mdl_network_connected(&r->d) && mdl_network_metered(&r->d));
    sim_run_until(r->e, SIM_DAYS(8));
    const mdl_net C = MDL_NET_CELLULAR, W = MDL_NET_WIFI;
    const change want[] = {
        {AT(0, 9, 0), W, 0},   {AT(0, 17, 30), C, 0}, {AT(0, 18, 0), W, 0}, /* Mon */
        {AT(1, 8, 0), C, 0},   {AT(1, 9, 0), W, 0},   {AT(1, 17, 30), C, 0}, {AT(1, 18, 0), W, 0}, /* Tue */
        {AT(2, 8, 0), C, 0},   {AT(2, 9, 0), W, 0},   {AT(2, 17, 30), C, 0}, {AT(2, 18, 0), W, 0}, /* Wed */
        {AT(3, 8, 0), C, 0},   {AT(3, 9, 0), W, 0},   {AT(3, 17, 30), C, 0}, {AT(3, 18, 0), W, 0}, /* Thu */
        {AT(4, 8, 0), C, 0},   {AT(4, 9, 0), W, 0},   {AT(4, 17, 30), C, 0}, {AT(4, 18, 0), W, 0}, /* Fri */
        /* Friday night's window runs into Saturday 08:00, where the all-day window takes over:
         * no change until Sunday's all-day window ends at Monday 00:00 (the week boundary). */
        {AT(7, 0, 0), C, 0},   {AT(7, 9, 0), W, 0},   {AT(7, 17, 30), C, 0}, {AT(7, 18, 0), W, 0}, /* Mon */
    };
    assert_changes(log, want, (int)(sizeof want / sizeof want[0]));
    cr_assert_eq(r->d.net, MDL_NET_WIFI);
    cr_assert_not(mdl_network_metered(&r->d));
    /* Event-driven: between two changes the model holds one schedule event, nothing ticks. */
    cr_assert_leq(sim_fired_count(r->e), (uint64_t)log->n + 1);
    rig_free(r);
    free(log);
}

/* Airplane windows beat Wi-Fi; one crosses the week boundary (Sunday 23:00 to Monday 02:00), so
 * the device starts in airplane mode on Monday 00:00. Without cellular the gaps are `none`. */
Test(network, airplane_takes_precedence_and_crosses_the_week_boundary)
{
    mdl_network_config cfg;
    rig_parse_ok(&mdl_network_model, MDL_IOS,
                 "wifi:\n"
                 "  - { days: [mon, tue, wed, thu, fri], from: \"18:00\", to: \"08:00\" }\n"
                 "  - { days: [sat, sun], all_day: true }\n"
                 "cellular: false\n"
                 "airplane:\n"
                 "  - { days: [sun], from: \"23:00\", to: \"02:00\" }\n"
                 "  - { days: [wed], from: \"12:00\", to: \"13:00\" }\n",
                 &cfg);
    changes *log = calloc(1, sizeof *log);
    rig *r = rig_new(&mdl_network_model, &cfg, MDL_IOS, 1, RIG_MONDAY, record, log);
    cr_assert_eq(r->d.net, MDL_NET_NONE);
    cr_assert(r->d.airplane);
    cr_assert_not(mdl_network_connected(&r->d));
    sim_run_until(r->e, SIM_DAYS(8));
    const mdl_net N = MDL_NET_NONE, W = MDL_NET_WIFI;
    const change want[] = {
        {AT(0, 2, 0), N, 0},  {AT(0, 18, 0), W, 0}, /* Mon: airplane ends; home */
        {AT(1, 8, 0), N, 0},  {AT(1, 18, 0), W, 0}, /* Tue */
        {AT(2, 8, 0), N, 0},  {AT(2, 12, 0), N, 1}, {AT(2, 13, 0), N, 0}, {AT(2, 18, 0), W, 0}, /* Wed */
        {AT(3, 8, 0), N, 0},  {AT(3, 18, 0), W, 0}, /* Thu */
        {AT(4, 8, 0), N, 0},  {AT(4, 18, 0), W, 0}, /* Fri, then Wi-Fi all weekend */
        {AT(6, 23, 0), N, 1}, /* Sun: airplane hides the end of Sunday's Wi-Fi at midnight */
        {AT(7, 2, 0), N, 0},  {AT(7, 18, 0), W, 0}, /* Mon */
    };
    assert_changes(log, want, (int)(sizeof want / sizeof want[0]));
    rig_free(r);
    free(log);
}

Test(network, each_state_has_its_name_and_others_are_none)
{
    cr_assert_str_eq(mdl_net_name(MDL_NET_NONE), "none");
    cr_assert_str_eq(mdl_net_name(MDL_NET_CELLULAR), "cellular");
    cr_assert_str_eq(mdl_net_name(MDL_NET_WIFI), "wifi");
    cr_assert_str_eq(mdl_net_name((mdl_net)7), "none", "a value outside the list reads as none, as before");
}

/* ---- trace reading ---- */

typedef struct outages {
    sim_time start[16384];
    sim_time dur[16384];
    int n;
    int changes;
    mdl_net states[16384]; /* each net.change's state, read back through mdl_net_name */
    char causes[256];
} outages;

/* The state whose mdl_net_name is `name` (the trace's names and mdl_net_name's are one list). */
static mdl_net net_named(const char *name)
{
    const mdl_net all[] = {MDL_NET_NONE, MDL_NET_CELLULAR, MDL_NET_WIFI};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(mdl_net_name(all[i]), name) == 0)
            return all[i];
    cr_assert_fail("net.change state \"%s\" is no mdl_net_name", name);
    return MDL_NET_NONE;
}

static void read_line(void *ctx, const char *line)
{
    outages *o = ctx;
    long long t, dur;
    char state[16], air[8], cause[24];
    if (sscanf(line, "{\"t\":%lld,\"type\":\"net.outage\",\"duration_ms\":%lld}", &t, &dur) == 2) {
        cr_assert_lt(o->n, 16384);
        o->start[o->n] = t;
        o->dur[o->n++] = dur;
    } else if (sscanf(line, "{\"t\":%lld,\"type\":\"net.change\",\"state\":\"%15[a-z]\",\"airplane\":%7[a-z],\"cause\":\"%23[a-z_]\"}",
                      &t, state, air, cause) == 4) {
        cr_assert_lt(o->changes, 16384);
        o->states[o->changes++] = net_named(state);
        if (!strstr(o->causes, cause) && strlen(o->causes) + strlen(cause) + 2 < sizeof o->causes) {
            strcat(o->causes, cause);
            strcat(o->causes, " ");
        }
    } else {
        cr_assert_fail("unexpected trace line: %s", line);
    }
}

/* ---- precedence against an independent reference ---- */

typedef struct ref_window {
    int days; /* bit per ISO weekday */
    int from, to; /* minutes; all day when from == to == -1 */
} ref_window;

/* Minute-level containment, written independently of the model's week arithmetic. */
static bool ref_in(const ref_window *w, int n, const sim_calendar *cal, sim_time t)
{
    int wd = sim_cal_weekday(cal, t), m = sim_cal_minute_of_day(cal, t), prev = (wd + 6) % 7;
    for (int i = 0; i < n; i++) {
        if (w[i].from < 0) {
            if (w[i].days >> wd & 1)
                return true;
        } else if (w[i].from < w[i].to) {
            if ((w[i].days >> wd & 1) && m >= w[i].from && m < w[i].to)
                return true;
        } else if (((w[i].days >> wd & 1) && m >= w[i].from) || ((w[i].days >> prev & 1) && m < w[i].to)) {
            return true;
        }
    }
    return false;
}

static int cmp_time(const void *a, const void *b)
{
    sim_time x = *(const sim_time *)a, y = *(const sim_time *)b;
    return (x > y) - (x < y);
}

/* Every change the model made equals the reference's: airplane, else an outage, else Wi-Fi,
 * else cellular, evaluated at every instant where any input can change. */
Test(network, airplane_beats_outages_beat_wifi_against_a_reference)
{
    mdl_network_config cfg;
    rig_parse_ok(&mdl_network_model, MDL_ANDROID,
                 "wifi: [ { days: [mon, tue, wed, thu, fri], from: \"19:00\", to: \"07:30\" },\n"
                 "        { days: [sat, sun], from: \"10:00\", to: \"23:00\" } ]\n"
                 "work_wifi: [ { days: [mon, wed], from: \"08:30\", to: \"16:00\" } ]\n"
                 "airplane: [ { from: \"00:30\", to: \"06:00\" } ]\n"
                 "outages: { per_day: 6, duration: { uniform: [1m, 3h] } }\n",
                 &cfg);
    const ref_window wifi[] = {{0x1f, 19 * 60, 7 * 60 + 30}, {0x60, 10 * 60, 23 * 60}, {0x05, 8 * 60 + 30, 16 * 60}};
    const ref_window air[] = {{0x7f, 30, 6 * 60}};
    changes *log = calloc(1, sizeof *log);
    outages *o = calloc(1, sizeof *o);
    const int days = 60;
    rig *r = rig_new(&mdl_network_model, &cfg, MDL_ANDROID, 7, RIG_MONDAY, record, log);
    sim_run_until(r->e, SIM_DAYS(days));
    rig_lines(r, read_line, o);
    cr_assert_gt(o->n, days * 3, "outages drawn: %d", o->n);

    /* Candidate instants: every minute (schedules) and every outage start and end. */
    size_t cap = (size_t)days * 1440 + 2 * (size_t)o->n + 1, nc = 0;
    sim_time *cand = malloc(cap * sizeof *cand);
    for (sim_time m = 0; m < (sim_time)days * 1440; m++)
        cand[nc++] = SIM_MINUTES(m);
    for (int i = 0; i < o->n; i++) {
        cand[nc++] = o->start[i];
        if (o->start[i] + o->dur[i] < SIM_DAYS(days))
            cand[nc++] = o->start[i] + o->dur[i];
    }
    qsort(cand, nc, sizeof *cand, cmp_time);
    int k = 0; /* outages started at or before t: o->start is in time order */
    mdl_net prev_net = (mdl_net)-1;
    bool prev_air = false;
    changes *want = calloc(1, sizeof *want);
    for (size_t i = 0; i < nc; i++) {
        sim_time t = cand[i];
        if (i > 0 && t == cand[i - 1])
            continue;
        while (k < o->n && o->start[k] <= t)
            k++;
        bool out = false; /* durations are at most 3 h: look back that far only */
        for (int x = k - 1; x >= 0 && o->start[x] > t - SIM_HOURS(3) - 1 && !out; x--)
            out = t < o->start[x] + o->dur[x];
        bool a = ref_in(air, 1, &r->cal, t);
        mdl_net net = a || out ? MDL_NET_NONE : ref_in(wifi, 3, &r->cal, t) ? MDL_NET_WIFI : MDL_NET_CELLULAR;
        if (net != prev_net || a != prev_air) {
            if (t > 0)
                want->c[want->n++] = (change){t, net, a};
            prev_net = net;
            prev_air = a;
        }
    }
    /* Two changes at one instant (an outage starting exactly at a window edge) count as one. */
    changes *got = calloc(1, sizeof *got);
    for (int i = 0; i < log->n; i++) {
        if (got->n > 0 && got->c[got->n - 1].t == log->c[i].t)
            got->n--;
        got->c[got->n++] = log->c[i];
    }
    cr_log_info("%d changes match the reference over %d days, %d outages", want->n, days, o->n);
    assert_changes(got, want->c, want->n);
    /* Every cause appeared, and each traced change is one signal. */
    cr_assert_eq(o->changes, log->n + 1, "one net.change per signal plus the start record");
    bool seen[3] = {false, false, false};
    for (int i = 0; i < log->n; i++) {
        cr_assert_eq(o->states[i + 1], log->c[i].net, "change %d: traced %s, signalled %s", i,
                     mdl_net_name(o->states[i + 1]), mdl_net_name(log->c[i].net));
        seen[log->c[i].net] = true;
    }
    cr_assert(seen[MDL_NET_NONE] && seen[MDL_NET_CELLULAR] && seen[MDL_NET_WIFI], "every state traced");
    cr_assert(strstr(o->causes, "start ") && strstr(o->causes, "schedule ") && strstr(o->causes, "outage ") &&
                  strstr(o->causes, "outage_end ") && strstr(o->causes, "airplane ") &&
                  strstr(o->causes, "airplane_end "),
              "causes seen: %s", o->causes);
    free(cand);
    free(want);
    free(got);
    free(o);
    free(log);
    rig_free(r);
}

/* ---- statistics ---- */

/*
 * Outages are a Poisson process: over D seeded days, daily counts are i.i.d. Poisson(per_day).
 * Checked with GSL: the mean count per day lies in its 99.9 % normal interval, the dispersion
 * statistic sum (x - mean)^2 / rate lies in the 99.9 % chi-square(D - 1) interval (variance =
 * mean), and the mean of n exponential durations lies in the 99.9 % interval of Gamma(n, mean)/n.
 */
Test(network, outage_counts_and_durations_match_their_parameters)
{
    const double rate = 3.0, mean_min = 20.0;
    mdl_network_config cfg;
    rig_parse_ok(&mdl_network_model, MDL_ANDROID, "outages: { per_day: 3, duration: { exponential: { mean: 20m } } }\n",
                 &cfg);
    enum { SEEDS = 20, DAYS = 100, D = SEEDS * DAYS };
    static int per_day[D];
    double sum_dur = 0, down_ms = 0;
    long n_dur = 0;
    outages *o = calloc(1, sizeof *o);
    for (int s = 0; s < SEEDS; s++) {
        memset(o, 0, sizeof *o);
        changes *log = calloc(1, sizeof *log);
        rig *r = rig_new(&mdl_network_model, &cfg, MDL_ANDROID, 1000 + (uint64_t)s, RIG_MONDAY, record, log);
        sim_run_until(r->e, SIM_DAYS(DAYS));
        rig_lines(r, read_line, o);
        for (int i = 0; i < o->n; i++) {
            per_day[s * DAYS + o->start[i] / SIM_MS_PER_DAY]++;
            sum_dur += (double)o->dur[i];
            n_dur++;
        }
        /* Time without network, from the signals (wifi all day, so only outages). */
        for (int i = 0; i < log->n; i++)
            if (log->c[i].net == MDL_NET_NONE)
                down_ms += (double)((i + 1 < log->n ? log->c[i + 1].t : SIM_DAYS(DAYS)) - log->c[i].t);
        rig_free(r);
        free(log);
    }
    free(o);
    double mean = 0;
    for (int i = 0; i < D; i++)
        mean += per_day[i];
    mean /= D;
    double z = gsl_cdf_ugaussian_Pinv(0.9995);
    double half = z * sqrt(rate / D);
    cr_log_info("outages per day: %.4f (want %.1f +- %.4f)", mean, rate, half);
    cr_assert(fabs(mean - rate) < half, "mean outages per day %.4f outside %.1f +- %.4f", mean, rate, half);

    double disp = 0;
    for (int i = 0; i < D; i++)
        disp += (per_day[i] - rate) * (per_day[i] - rate) / rate;
    double lo = gsl_cdf_chisq_Pinv(0.0005, D - 1), hi = gsl_cdf_chisq_Qinv(0.0005, D - 1);
    cr_log_info("dispersion %.1f in [%.1f, %.1f]", disp, lo, hi);
    cr_assert(disp > lo && disp < hi, "dispersion %.1f outside [%.1f, %.1f]: not Poisson", disp, lo, hi);

    double mean_ms = mean_min * 60000.0, got = sum_dur / (double)n_dur;
    double glo = gsl_cdf_gamma_Pinv(0.0005, (double)n_dur, mean_ms) / (double)n_dur;
    double ghi = gsl_cdf_gamma_Qinv(0.0005, (double)n_dur, mean_ms) / (double)n_dur;
    cr_log_info("mean outage %.0f ms over %ld in [%.0f, %.0f]", got, n_dur, glo, ghi);
    cr_assert(got > glo && got < ghi, "mean outage %.0f ms outside [%.0f, %.0f]", got, glo, ghi);

    /* Overlapping outages merge (an M/G/infinity busy period): the fraction of time without
     * network is 1 - exp(-rate * mean duration) = 4.08 %; checked loosely (+-10 % relative)
     * because the time fractions of one run are correlated. */
    double frac = down_ms / (double)SIM_DAYS(D), want = 1 - exp(-rate * mean_min / 1440.0);
    cr_log_info("time without network %.4f (want %.4f)", frac, want);
    cr_assert(fabs(frac - want) < 0.1 * want, "offline fraction %.4f, want %.4f", frac, want);
}

/* ---- determinism ---- */

static uint64_t fingerprint(uint64_t seed)
{
    mdl_network_config cfg;
    rig_parse_ok(&mdl_network_model, MDL_ANDROID, "outages: { per_day: 4, duration: 15m }\n", &cfg);
    rig *r = rig_new(&mdl_network_model, &cfg, MDL_ANDROID, seed, RIG_MONDAY, NULL, NULL);
    sim_run_until(r->e, SIM_DAYS(14));
    uint64_t fp = r->tr.fingerprint;
    cr_assert_gt(r->tr.records, 14);
    rig_free(r);
    return fp;
}

Test(network, same_seed_same_trace_other_seed_differs)
{
    cr_assert_eq(fingerprint(5), fingerprint(5));
    cr_assert_neq(fingerprint(5), fingerprint(6));
}

/* Schedules alone draw nothing: the trace does not depend on the seed. */
Test(network, schedules_alone_are_seed_independent)
{
    mdl_network_config cfg;
    rig_parse_ok(&mdl_network_model, MDL_ANDROID, HOME_AND_WORK, &cfg);
    rig *a = rig_new(&mdl_network_model, &cfg, MDL_ANDROID, 1, RIG_MONDAY, NULL, NULL);
    rig *b = rig_new(&mdl_network_model, &cfg, MDL_ANDROID, 2, RIG_MONDAY, NULL, NULL);
    sim_run_until(a->e, SIM_DAYS(7));
    sim_run_until(b->e, SIM_DAYS(7));
    cr_assert_eq(a->tr.fingerprint, b->tr.fingerprint);
    cr_assert_eq(sim_rng_set_count(a->rngs), 0, "no stream is created without outages");
    rig_free(a);
    rig_free(b);
}

/* ---- defaults, start record, edge cases ---- */

typedef struct lines {
    char l[8][1024];
    int n;
} lines;

static void keep_line(void *ctx, const char *line)
{
    lines *ls = ctx;
    if (ls->n < 8)
        snprintf(ls->l[ls->n++], sizeof ls->l[0], "%s", line);
}

Test(network, defaults_are_always_wifi_and_trace_the_start)
{
    mdl_network_config cfg;
    mdl_network_model.defaults(&cfg, MDL_IDEAL);
    cr_assert(cfg.cellular);
    cr_assert_eq(cfg.outages_per_day, 0);
    cr_assert_eq(cfg.work_wifi.count, 0);
    cr_assert_eq(cfg.airplane.count, 0);
    rig *r = rig_new(&mdl_network_model, &cfg, MDL_IDEAL, 1, RIG_MONDAY, NULL, NULL);
    cr_assert_eq(r->d.net, MDL_NET_WIFI);
    cr_assert_eq(sim_pending_count(r->e), 0, "nothing ever changes");
    sim_run_until(r->e, SIM_DAYS(30));
    lines ls = {0};
    rig_lines(r, keep_line, &ls);
    cr_assert_eq(ls.n, 1);
    cr_assert_str_eq(ls.l[0], "{\"t\":0,\"type\":\"net.change\",\"state\":\"wifi\",\"airplane\":false,\"cause\":\"start\"}\n");
    rig_free(r);
    /* No config at all (a runner without the loader's sections) means the defaults. */
    r = rig_new(&mdl_network_model, NULL, MDL_IDEAL, 1, RIG_MONDAY, NULL, NULL);
    cr_assert_eq(r->d.net, MDL_NET_WIFI);
    rig_free(r);
}

/* A start in the middle of a window, at a time that is not a whole minute, and `never`. */
Test(network, start_inside_a_window_and_never)
{
    mdl_network_config cfg;
    rig_parse_ok(&mdl_network_model, MDL_ANDROID,
                 "wifi: never\nwork_wifi: [ { days: [thu], from: \"22:15:30\", to: \"00:00\" } ]\n", &cfg);
    changes *log = calloc(1, sizeof *log);
    sim_datetime thu = {.year = 2026, .month = 1, .day = 8, .hour = 23, .minute = 59, .second = 59, .ms = 999};
    rig *r = rig_new(&mdl_network_model, &cfg, MDL_ANDROID, 1, thu, record, log);
    cr_assert_eq(r->d.net, MDL_NET_WIFI);
    sim_run_until(r->e, SIM_DAYS(7) + 1);
    const change want[] = {
        {1, MDL_NET_CELLULAR, 0},                                    /* Friday 00:00 */
        {SIM_DAYS(7) - SIM_HOURS(1) - SIM_MINUTES(44) - SIM_SECONDS(29) - 999, MDL_NET_WIFI, 0}, /* Thu 22:15:30 */
        {SIM_DAYS(7) + 1, MDL_NET_CELLULAR, 0},
    };
    assert_changes(log, want, 3);
    rig_free(r);
    free(log);
}

/* The model's table of schedule intervals (one state per interval between window edges) says
 * what testing each window says, at every minute of two weeks and at the ms around every edge:
 * overlapping Wi-Fi windows, one crossing midnight, airplane over the Sunday/Monday boundary. */
Test(network, the_interval_table_agrees_with_the_windows)
{
    mdl_network_config cfg;
    rig_parse_ok(&mdl_network_model, MDL_ANDROID,
                 "wifi: [ { days: [mon, tue, wed, thu, fri], from: \"18:00\", to: \"08:00\" },\n"
                 "        { days: [fri, sat], from: \"07:00\", to: \"09:30\" },\n"
                 "        { days: sun, all_day: true } ]\n"
                 "work_wifi: [ { days: weekdays, from: \"07:45\", to: \"17:30\" } ]\n"
                 "airplane: [ { days: sun, from: \"23:00\", to: \"01:00\" }, { days: wed, from: \"12:00\", to: \"12:01\" } ]\n",
                 &cfg);
    rig *r = rig_new(&mdl_network_model, &cfg, MDL_ANDROID, 1, RIG_MONDAY, NULL, NULL);
    int checked = 0;
    for (sim_time t = -SIM_DAYS(1); t < SIM_DAYS(14); t += SIM_MINUTES(1)) {
        for (sim_time d = -1; d <= 1; d++) {
            cr_assert(mdl_network_schedule_table_agrees(&r->d, t + d), "at %lld", (long long)(t + d));
            checked++;
        }
    }
    cr_assert_gt(checked, 60000);
    rig_free(r);
}

Test(network, window_containment)
{
    mdl_network_config cfg;
    rig_parse_ok(&mdl_network_model, MDL_ANDROID, "wifi: [ { days: [sun], from: \"22:00\", to: \"01:00\" } ]\n", &cfg);
    sim_calendar cal;
    sim_datetime mon = RIG_MONDAY;
    cr_assert(sim_cal_init(&cal, &mon));
    cr_assert(mdl_net_windows_contain(&cfg.wifi, &cal, 0));                    /* Mon 00:00 */
    cr_assert(mdl_net_windows_contain(&cfg.wifi, &cal, SIM_HOURS(1) - 1));     /* Mon 00:59:59.999 */
    cr_assert_not(mdl_net_windows_contain(&cfg.wifi, &cal, SIM_HOURS(1)));     /* Mon 01:00 */
    cr_assert_not(mdl_net_windows_contain(&cfg.wifi, &cal, AT(6, 21, 59)));    /* Sun 21:59 */
    cr_assert(mdl_net_windows_contain(&cfg.wifi, &cal, AT(6, 22, 0)));         /* Sun 22:00 */
    cr_assert(mdl_net_windows_contain(&cfg.wifi, &cal, -SIM_HOURS(1)));        /* the Sunday before */
}

/* The seven-day test contains_pos made before it looked at one day per window: a window started
 * on a listed day holds pos when pos is less than its length after that start (circularly). */
static bool contains_by_every_day(const mdl_net_windows *ws, const sim_calendar *cal, sim_time t)
{
    sim_time pos = (sim_time)sim_cal_weekday(cal, t) * SIM_MS_PER_DAY + sim_cal_ms_of_day(cal, t);
    for (int i = 0; i < ws->count; i++) {
        const mdl_net_window *w = &ws->w[i];
        sim_time start = w->all_day ? 0 : w->from;
        sim_time len = w->all_day ? SIM_MS_PER_DAY : w->to > w->from ? w->to - w->from : w->to + SIM_MS_PER_DAY - w->from;
        for (int day = 0; day < 7; day++) {
            sim_time off = ((pos - day * SIM_MS_PER_DAY - start) % SIM_MS_PER_WEEK + SIM_MS_PER_WEEK) % SIM_MS_PER_WEEK;
            if ((w->days >> day & 1) && off < len)
                return true;
        }
    }
    return false;
}

Test(network, windows_contain_matches_every_day_s_check)
{
    sim_calendar cal;
    sim_datetime mon = RIG_MONDAY;
    cr_assert(sim_cal_init(&cal, &mon));
    uint64_t s = 2026;
    int inside = 0, checked = 0;
    for (int run = 0; run < 400; run++) {
        mdl_net_windows ws = {.count = 1 + run % 4};
        for (int i = 0; i < ws.count; i++) {
            s = s * 6364136223846793005u + 1442695040888963407u;
            /* minute-aligned edges half the time, so edges of windows and probes coincide */
            sim_time unit = s >> 63 ? SIM_MINUTES(1) : 1;
            ws.w[i] = (mdl_net_window){.days = (uint8_t)(s >> 8 & 0x7f),
                                       .from = (sim_time)(s >> 16) % (SIM_MS_PER_DAY / unit) * unit,
                                       .to = (sim_time)(s >> 40) % (SIM_MS_PER_DAY / unit) * unit,
                                       .all_day = (s >> 12 & 7) == 0};
        }
        for (int k = 0; k < 500; k++) {
            s = s * 6364136223846793005u + 1442695040888963407u;
            sim_time t = (sim_time)(s >> 20) % SIM_DAYS(21) - SIM_DAYS(7);
            if (k % 2)
                t = t / SIM_MINUTES(1) * SIM_MINUTES(1) + (sim_time)(k % 3) - 1; /* at an edge and beside it */
            bool want = contains_by_every_day(&ws, &cal, t);
            cr_assert_eq(mdl_net_windows_contain(&ws, &cal, t), want, "run %d at %lld", run, (long long)t);
            inside += want;
            checked++;
        }
    }
    cr_assert(inside > checked / 10 && inside < checked * 9 / 10, "%d of %d inside", inside, checked);
}

/* ---- the interval table, prepared once per config ---- */

static sim_time ref_mod_week(sim_time x) { return ((x % SIM_MS_PER_WEEK) + SIM_MS_PER_WEEK) % SIM_MS_PER_WEEK; }

static void ref_edges(const mdl_net_windows *ws, sim_time *pts, int *n)
{
    for (int i = 0; i < ws->count; i++) {
        const mdl_net_window *w = &ws->w[i];
        sim_time start = w->all_day ? 0 : w->from;
        sim_time len = w->all_day ? SIM_MS_PER_DAY : w->to > w->from ? w->to - w->from : w->to + SIM_MS_PER_DAY - w->from;
        for (int day = 0; day < 7; day++) {
            if (!(w->days >> day & 1))
                continue;
            pts[(*n)++] = ref_mod_week(day * SIM_MS_PER_DAY + start);
            pts[(*n)++] = ref_mod_week(day * SIM_MS_PER_DAY + start + len);
        }
    }
}

/* The table mdl_network_prepare() keeps in the config (once per scenario) against the one
 * computed from scratch here: every edge of every window, sorted by insertion and made unique,
 * each interval's state by the seven-day containment test at its first point. */
static void assert_table_is_reference(const mdl_network_config *c, const sim_calendar *cal, int run)
{
    static sim_time pts[MDL_NET_MAX_POINTS];
    int n = 0;
    ref_edges(&c->wifi, pts, &n);
    ref_edges(&c->work_wifi, pts, &n);
    ref_edges(&c->airplane, pts, &n);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && pts[j - 1] > pts[j]; j--) {
            sim_time x = pts[j];
            pts[j] = pts[j - 1];
            pts[j - 1] = x;
        }
    int u = 0;
    for (int i = 0; i < n; i++)
        if (u == 0 || pts[i] != pts[u - 1])
            pts[u++] = pts[i];
    cr_assert_eq(c->table.npoints, u, "run %d: %d points, want %d", run, c->table.npoints, u);
    for (int k = 0; k < u; k++) {
        cr_assert_eq(c->table.points[k], pts[k], "run %d: point %d", run, k);
        /* the calendar starts on a Monday: t = a week position */
        unsigned want = (contains_by_every_day(&c->wifi, cal, pts[k]) || contains_by_every_day(&c->work_wifi, cal, pts[k])
                             ? 1u
                             : 0u) |
                        (contains_by_every_day(&c->airplane, cal, pts[k]) ? 2u : 0u);
        cr_assert_eq(c->table.sched[k], want, "run %d: interval %d", run, k);
    }
}

static void random_windows(uint64_t *s, mdl_net_windows *ws, int count)
{
    memset(ws, 0, sizeof *ws);
    ws->count = count;
    for (int i = 0; i < count; i++) {
        *s = *s * 6364136223846793005u + 1442695040888963407u;
        sim_time unit = *s >> 63 ? SIM_MINUTES(30) : 1; /* shared edges half the time */
        ws->w[i] = (mdl_net_window){.days = (uint8_t)(*s >> 8 & 0x7f),
                                    .from = (sim_time)(*s >> 16) % (SIM_MS_PER_DAY / unit) * unit,
                                    .to = (sim_time)(*s >> 40) % (SIM_MS_PER_DAY / unit) * unit,
                                    .all_day = (*s >> 12 & 7) == 0};
    }
}

Test(network, the_prepared_table_equals_a_from_scratch_one_for_generated_configs)
{
    sim_calendar cal;
    sim_datetime mon = RIG_MONDAY;
    cr_assert(sim_cal_init(&cal, &mon));
    static mdl_network_config c;
    uint64_t s = 24;
    int max_points = 0;
    for (int run = 0; run < 300; run++) {
        mdl_network_model.defaults(&c, MDL_IOS);
        assert_table_is_reference(&c, &cal, -1);
        int full = run % 50 == 0 ? MDL_NETWORK_MAX_WINDOWS : 0; /* now and then, every list full */
        random_windows(&s, &c.wifi, full ? full : run % 5);
        random_windows(&s, &c.work_wifi, full ? full : run % 3);
        random_windows(&s, &c.airplane, full ? full : run / 3 % 3);
        mdl_network_prepare(&c);
        assert_table_is_reference(&c, &cal, run);
        if (c.table.npoints > max_points)
            max_points = c.table.npoints;
    }
    cr_assert_gt(max_points, 500, "a full config fills most of the table (%d)", max_points);
}

/* parse() leaves the table prepared for the windows it read (and keeps the default's when the
 * section is bad), and a device's start reads the shared config without writing to it. */
Test(network, parse_prepares_the_table_and_start_leaves_the_config_alone)
{
    static const char *const yamls[] = {
        HOME_AND_WORK,
        "wifi: never\nairplane: [ { days: sun, from: \"23:00\", to: \"01:00\" } ]\n",
        "wifi: [ { days: [sat], from: \"25:00\" } ]\n", /* an error: the default stands */
        "cellular: false\n",
    };
    static mdl_network_config c, copy;
    for (size_t i = 0; i < sizeof yamls / sizeof yamls[0]; i++) {
        char msgs[4][320];
        rig_parse(&mdl_network_model, MDL_IOS, yamls[i], &c, msgs, 4);
        memcpy(&copy, &c, sizeof c);
        mdl_network_prepare(&copy);
        cr_assert_eq(memcmp(&copy.table, &c.table, sizeof c.table), 0, "yaml %zu: the table is prepared", i);
        rig *r = rig_new(&mdl_network_model, &c, MDL_IOS, 7, RIG_MONDAY, NULL, NULL);
        sim_run_until(r->e, SIM_DAYS(8));
        rig_free(r);
        cr_assert_eq(memcmp(&copy, &c, sizeof c), 0, "yaml %zu: the config is unchanged by a run", i);
    }
}

/* ---- parse ---- */

static void assert_errors(const char *yaml, const char *const *want, size_t n)
{
    mdl_network_config cfg;
    char msgs[8][320];
    size_t got = rig_parse(&mdl_network_model, MDL_ANDROID, yaml, &cfg, msgs, 8);
    for (size_t i = 0; i < got && i < n; i++)
        cr_assert_str_eq(msgs[i], want[i]);
    cr_assert_eq(got, n, "%zu errors, want %zu (first: %s)", got, n, got ? msgs[0] : "");
}

Test(network, parse_errors_are_exact)
{
    assert_errors("wfi: always\n",
                  (const char *[]){"t.yaml:1:1: device.network: unknown key 'wfi' (did you mean 'wifi'?)"}, 1);
    assert_errors("wifi: [ { days: [mon, tues], from: \"18:00\", to: \"08:00\" } ]\n",
                  (const char *[]){"t.yaml:1:23: device.network.wifi[0].days[1]: expected a day ('mon' to 'sun', "
                                   "'weekdays' or 'weekend'), found 'tues' (did you mean 'tue'?)"},
                  1);
    assert_errors("airplane: [ { days: weekdys, all_day: true } ]\n",
                  (const char *[]){"t.yaml:1:21: device.network.airplane[0].days: expected a day ('mon' to 'sun', "
                                   "'weekdays' or 'weekend'), found 'weekdys' (did you mean 'weekdays'?)"},
                  1);
    assert_errors("wifi: [ { from: \"08:00\", to: \"08:00\" } ]\n",
                  (const char *[]){"t.yaml:1:30: device.network.wifi[0].to: expected a time other than 'from' "
                                   "(a whole day is 'all_day: true'), found '08:00'"},
                  1);
    assert_errors("work_wifi: [ { all_day: true, from: \"09:00\" }, { days: [] , to: \"10:00\" } ]\n",
                  (const char *[]){"t.yaml:1:14: device.network.work_wifi[0]: expected either 'all_day: true' or "
                                   "'from' and 'to', found both",
                                   "t.yaml:1:48: device.network.work_wifi[1]: missing required key 'from'",
                                   "t.yaml:1:56: device.network.work_wifi[1].days: expected at least one day, found "
                                   "an empty list"},
                  3);
    assert_errors("wifi: alway\nairplane: { from: \"01:00\" }\n",
                  (const char *[]){"t.yaml:1:7: device.network.wifi: expected a list of windows, 'always' or "
                                   "'never', found 'alway' (did you mean 'always'?)",
                                   "t.yaml:2:11: device.network.airplane: expected a list of windows, 'always' or "
                                   "'never', found a mapping"},
                  2);
    assert_errors("wifi: [ { days: [mon], to: \"25:00\", form: \"01:00\" } ]\noutages: { per_day: -1 }\n",
                  (const char *[]){"t.yaml:1:28: device.network.wifi[0].to: expected a time of day from 00:00 to "
                                   "23:59:59, found '25:00' (hour 25 is not 0..23)",
                                   "t.yaml:1:37: device.network.wifi[0]: unknown key 'form' (did you mean 'from'?)",
                                   "t.yaml:2:21: device.network.outages.per_day: expected a number from 0 to 1440, "
                                   "found '-1'"},
                  3);
    assert_errors("outages: { duration: 10m }\ncellular: maybe\n",
                  (const char *[]){"t.yaml:1:10: device.network.outages: missing required key 'per_day'",
                                   "t.yaml:2:11: device.network.cellular: expected true or false, found 'maybe'"},
                  2);
}

Test(network, a_bad_list_keeps_the_default)
{
    mdl_network_config cfg;
    char msgs[4][320];
    cr_assert_eq(rig_parse(&mdl_network_model, MDL_ANDROID, "wifi: [ { all_day: true }, { days: [xyz], all_day: true } ]\n",
                           &cfg, msgs, 4),
                 1);
    cr_assert_eq(cfg.wifi.count, 1, "the default stands");
    cr_assert(cfg.wifi.w[0].all_day && cfg.wifi.w[0].days == 0x7f);
}

Test(network, day_names_and_shorthands)
{
    mdl_network_config cfg;
    rig_parse_ok(&mdl_network_model, MDL_ANDROID,
                 "wifi: [ { days: [monday, sun], all_day: true }, { days: weekend, from: \"01:00\", to: \"02:00\" },\n"
                 "        { days: [weekdays], from: \"03:00\", to: \"04:00\" }, { from: \"05:00\", to: \"06:00\" } ]\n"
                 "work_wifi: []\nairplane: always\n",
                 &cfg);
    cr_assert_eq(cfg.wifi.count, 4);
    cr_assert_eq(cfg.wifi.w[0].days, 0x41);
    cr_assert_eq(cfg.wifi.w[1].days, 0x60);
    cr_assert_eq(cfg.wifi.w[2].days, 0x1f);
    cr_assert_eq(cfg.wifi.w[3].days, 0x7f);
    cr_assert_eq(cfg.wifi.w[1].from, SIM_HOURS(1));
    cr_assert_eq(cfg.work_wifi.count, 0);
    cr_assert_eq(cfg.airplane.count, 1);
}

/* ---- scripted events (mdl_network_script, the scenario's `events:`) ---- */

static void script_net(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    rig *r = ctx;
    mdl_network_script(&r->d, arg == 9 ? -1 : (int)arg);
}

/* A scripted state is above every rule (airplane included: Wi-Fi switched on in airplane mode)
 * until the next one; `schedule` (-1) hands back to the schedules, which then move on as before. */
Test(network, a_scripted_state_beats_every_rule_until_handed_back)
{
    mdl_network_config cfg;
    rig_parse_ok(&mdl_network_model, MDL_ANDROID,
                 "wifi:\n  - { from: \"18:00\", to: \"08:00\" }\n"
                 "airplane:\n  - { from: \"12:00\", to: \"13:00\" }\n",
                 &cfg);
    changes *log = calloc(1, sizeof *log);
    rig *r = rig_new(&mdl_network_model, &cfg, MDL_ANDROID, 1, RIG_MONDAY, record, log);
    /* the rig's listener context is the log; the events get the rig */
    sim_schedule(r->e, AT(0, 10, 0), SIM_PHASE_ENVIRONMENT, script_net, r, MDL_NET_NONE, NULL);
    sim_schedule(r->e, AT(0, 12, 30), SIM_PHASE_ENVIRONMENT, script_net, r, MDL_NET_WIFI, NULL);
    sim_schedule(r->e, AT(0, 14, 0), SIM_PHASE_ENVIRONMENT, script_net, r, 9, NULL);
    sim_run_until(r->e, AT(0, 20, 0));
    const mdl_net N = MDL_NET_NONE, C = MDL_NET_CELLULAR, W = MDL_NET_WIFI;
    const change want[] = {
        {AT(0, 8, 0), C, 0},   /* home Wi-Fi ends */
        {AT(0, 10, 0), N, 0},  /* scripted none */
        {AT(0, 12, 0), N, 1},  /* airplane begins: still none (the script's), the flag follows */
        {AT(0, 12, 30), W, 1}, /* scripted Wi-Fi in airplane mode */
        {AT(0, 13, 0), W, 0},  /* airplane ends: still the script's Wi-Fi */
        {AT(0, 14, 0), C, 0},  /* back to the schedule: cellular by day */
        {AT(0, 18, 0), W, 0},  /* and the schedule goes on */
    };
    assert_changes(log, want, (int)(sizeof want / sizeof want[0]));
    const char *t = rig_trace_text(r);
    cr_assert(strstr(t, "{\"t\":50400000,\"type\":\"net.change\",\"state\":\"cellular\",\"airplane\":false,\"cause\":\"scripted\"}"));
    rig_free(r);
    free(log);
}
