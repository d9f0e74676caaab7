/*
 * The kills and reboots model on a real engine and device: event rates against their parameters
 * (exact Poisson / chi-square confidence intervals from GSL), background-kill delays, OEM
 * profiles, reboot order, determinism, and exact parse errors.
 */

#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_kills.h"
#include "sch_diag.h"
#include "sch_yaml.h"

#define ALPHA 0.001 /* two-sided: a correct model fails a CI check once in a thousand runs */

/* ---- a rig: engine, streams, calendar, device, the model at its registry index ---- */

typedef struct rig {
    sim_engine *e;
    sim_rng_set *rngs;
    sim_trace tr;
    char *buf;
    size_t len;
    FILE *out;
    sim_calendar cal;
    mdl_device d;
    int index;
    /* what the bus carried */
    int count[MDL_SIG_COUNT];
    sim_time last_close, last_sig_time[MDL_SIG_COUNT];
    int64_t last_sig_arg[MDL_SIG_COUNT];
    double delay_sum;            /* kills: time since the last close */
    int delays;
    bool swipe_in_foreground;    /* a swipe arrived while the app was in the foreground */
    mdl_signal order[64];
    int norder;
    /* user script: every `period`, open at `offset` for `length` */
    sim_time period, offset, length;
} rig;

static int kills_index(void)
{
    for (size_t i = 0; i < mdl_model_count(); i++)
        if (mdl_models[i] == &mdl_kills_model)
            return (int)i;
    return -1;
}

static void record(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    rig *r = ctx;
    sim_time t = sim_now(d->engine);
    r->count[sig]++;
    r->last_sig_time[sig] = t;
    r->last_sig_arg[sig] = arg;
    if (r->norder < 64)
        r->order[r->norder++] = sig;
    if (sig == MDL_SIG_APP_CLOSE)
        r->last_close = t;
    if (sig == MDL_SIG_APP_KILL && r->last_close >= 0) {
        r->delay_sum += (double)(t - r->last_close);
        r->delays++;
    }
    if ((sig == MDL_SIG_APP_SWIPE || sig == MDL_SIG_FORCE_STOP) && d->app_foreground)
        r->swipe_in_foreground = true;
}

static void rig_init(rig *r, mdl_platform p, uint64_t seed, const mdl_kills_config *cfg)
{
    memset(r, 0, sizeof *r);
    r->e = sim_engine_new(0);
    r->rngs = sim_rng_set_new(seed, 0);
    cr_assert(r->e && r->rngs);
    r->out = open_memstream(&r->buf, &r->len);
    sim_trace_init(&r->tr, r->out);
    cr_assert(sim_cal_init(&r->cal, &(sim_datetime){.year = 2026, .month = 1, .day = 5, .hour = 7}));
    mdl_device_init(&r->d, r->e, &r->tr, r->rngs, &r->cal, p, p == MDL_IOS ? 17 : 14);
    r->last_close = -1;
    /* Subscribed first, as the runner is. */
    cr_assert_eq(mdl_subscribe(&r->d, record, r), MDL_OK);
    r->index = kills_index();
    cr_assert_geq(r->index, 0, "the kills model is registered");
    cr_assert_eq(mdl_kills_model.start(&r->d, r->index, cfg), MDL_OK);
}

static void rig_free(rig *r)
{
    mdl_kills_model.stop(&r->d, r->index);
    fclose(r->out);
    free(r->buf);
    sim_rng_set_free(r->rngs);
    sim_engine_free(r->e);
}

static mdl_kills_config quiet(mdl_platform p)
{
    mdl_kills_config c;
    mdl_kills_model.defaults(&c, p);
    return c;
}

/* The user opens / leaves the app (what the usage model or the runner's first visit do). */
static void open_app(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    rig *r = ctx;
    r->d.app_foreground = true;
    mdl_emit(&r->d, MDL_SIG_APP_OPEN, 0);
}

static void close_app(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    rig *r = ctx;
    r->d.app_foreground = false;
    mdl_emit(&r->d, MDL_SIG_APP_CLOSE, 0);
}

static void visit(sim_engine *e, void *ctx, uint64_t arg)
{
    rig *r = ctx;
    open_app(e, ctx, arg);
    sim_schedule_in(e, r->length, SIM_PHASE_ENVIRONMENT, close_app, r, 0, NULL);
    sim_schedule_in(e, r->period, SIM_PHASE_ENVIRONMENT, visit, r, 0, NULL);
}

static void every(rig *r, sim_time offset, sim_time length, sim_time period)
{
    r->offset = offset, r->length = length, r->period = period;
    cr_assert_eq(sim_schedule(r->e, offset, SIM_PHASE_ENVIRONMENT, visit, r, 0, NULL), SIM_OK);
}

static void at(rig *r, sim_time t, sim_event_fn fn)
{
    cr_assert_eq(sim_schedule(r->e, t, SIM_PHASE_ENVIRONMENT, fn, r, 0, NULL), SIM_OK);
}

/* Exact (Garwood) two-sided CI for a Poisson mean given n events. */
static void poisson_ci(unsigned n, double *lo, double *hi)
{
    *lo = n ? gsl_cdf_chisq_Pinv(ALPHA / 2, 2.0 * n) / 2 : 0;
    *hi = gsl_cdf_chisq_Qinv(ALPHA / 2, 2.0 * n + 2) / 2;
}

static const char *trace_text(rig *r)
{
    fflush(r->out);
    return r->buf ? r->buf : "";
}

/* ---- rates ---- */

Test(kills, swipe_rate_per_week_in_recents)
{
    const double rate = 3;
    uint64_t swipes = 0;
    double exposure_weeks = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        mdl_kills_config c = quiet(MDL_ANDROID);
        c.swipes_per_week = rate;
        rig r;
        rig_init(&r, MDL_ANDROID, seed, &c);
        every(&r, SIM_HOURS(1), SIM_MINUTES(10), SIM_DAYS(1)); /* daily at 08:00 for 10 min */
        sim_run_until(r.e, SIM_DAYS(7 * 8));
        mdl_kills_stats s = mdl_kills_get_stats(&r.d);
        cr_assert_eq(s.swipes, (uint64_t)r.count[MDL_SIG_APP_SWIPE]);
        cr_assert_eq(r.count[MDL_SIG_FORCE_STOP], 0, "stock: a swipe is a swipe");
        cr_assert_not(r.swipe_in_foreground, "swipes only happen in the background");
        swipes += s.swipes;
        exposure_weeks += (double)s.swipe_exposure_ms / (double)SIM_DAYS(7);
        rig_free(&r);
    }
    double lo, hi;
    poisson_ci((unsigned)swipes, &lo, &hi);
    double expect = rate * exposure_weeks;
    cr_log_info("swipes: %llu in %.2f weeks in recents (%.3f/week; expected %.1f, CI [%.1f, %.1f])",
                (unsigned long long)swipes, exposure_weeks, (double)swipes / exposure_weeks, expect, lo, hi);
    /* After a swipe the app leaves recents until the next open: exposure is well below 320 weeks. */
    cr_assert_lt(exposure_weeks, 40 * 8);
    cr_assert(expect >= lo && expect <= hi, "expected %.1f swipes, CI [%.1f, %.1f] from %llu", expect, lo, hi,
              (unsigned long long)swipes);
}

Test(kills, force_stop_and_reboot_rates_per_week_up)
{
    const double fs_rate = 0.2, rb_rate = 0.5;
    uint64_t force = 0, reboots = 0;
    double up_weeks = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        mdl_kills_config c = quiet(MDL_ANDROID);
        c.force_stops_per_week = fs_rate;
        c.reboots_per_week = rb_rate;
        c.reboot_downtime = SIM_HOURS(2); /* long, so the up-time exposure visibly matters */
        rig r;
        rig_init(&r, MDL_ANDROID, seed, &c);
        sim_run_until(r.e, SIM_DAYS(7 * 52));
        mdl_kills_stats s = mdl_kills_get_stats(&r.d);
        cr_assert_eq(s.force_stops, (uint64_t)r.count[MDL_SIG_FORCE_STOP]);
        cr_assert_eq(s.reboots, (uint64_t)r.count[MDL_SIG_REBOOT]);
        force += s.force_stops;
        reboots += s.reboots;
        up_weeks += (double)s.up_ms / (double)SIM_DAYS(7);
        rig_free(&r);
    }
    double lo, hi;
    poisson_ci((unsigned)force, &lo, &hi);
    cr_log_info("force stops: %llu in %.1f up-weeks (%.4f/week, CI of the mean [%.1f, %.1f])",
                (unsigned long long)force, up_weeks, (double)force / up_weeks, lo, hi);
    cr_assert(fs_rate * up_weeks >= lo && fs_rate * up_weeks <= hi);
    poisson_ci((unsigned)reboots, &lo, &hi);
    cr_log_info("reboots: %llu in %.1f up-weeks (%.4f/week, CI of the mean [%.1f, %.1f])",
                (unsigned long long)reboots, up_weeks, (double)reboots / up_weeks, lo, hi);
    cr_assert(rb_rate * up_weeks >= lo && rb_rate * up_weeks <= hi);
}

Test(kills, no_force_stop_on_ios_even_with_a_rate)
{
    mdl_kills_config c = quiet(MDL_IOS);
    c.force_stops_per_week = 100; /* parse refuses this on iOS; the runtime ignores it too */
    c.low_memory = false;
    rig r;
    rig_init(&r, MDL_IOS, 1, &c);
    sim_run_until(r.e, SIM_DAYS(28));
    cr_assert_eq(r.count[MDL_SIG_FORCE_STOP], 0);
    rig_free(&r);
}

/* ---- background kills ---- */

Test(kills, low_memory_delay_mean_within_chi_square_ci)
{
    const double mean = (double)SIM_HOURS(2);
    double sum = 0;
    int n = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        mdl_kills_config c = quiet(MDL_ANDROID);
        c.low_memory = true;
        c.low_memory_after = (sch_dist){.kind = SCH_DIST_EXPONENTIAL, .a = mean};
        rig r;
        rig_init(&r, MDL_ANDROID, seed, &c);
        /* one visit every 3 days: a kill is censored by the next visit with probability e^-35 */
        every(&r, 0, SIM_MINUTES(10), SIM_DAYS(3));
        sim_run_until(r.e, SIM_DAYS(60));
        cr_assert_eq(r.delays, r.count[MDL_SIG_APP_CLOSE], "one kill per visit");
        sum += r.delay_sum;
        n += r.delays;
        rig_free(&r);
    }
    /* 2 n xbar / mean ~ chi-square(2n) */
    double xbar = sum / n;
    double lo = 2.0 * n * xbar / gsl_cdf_chisq_Qinv(ALPHA / 2, 2.0 * n);
    double hi = 2.0 * n * xbar / gsl_cdf_chisq_Pinv(ALPHA / 2, 2.0 * n);
    cr_log_info("low-memory kill delay: n=%d, mean %.1f min (parameter 120 min, CI [%.1f, %.1f] min)", n,
                xbar / 60000, lo / 60000, hi / 60000);
    cr_assert(mean >= lo && mean <= hi);
}

Test(kills, low_memory_kill_cancelled_by_a_return_to_the_foreground)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    c.low_memory = true;
    c.low_memory_after = sch_dist_fixed(SIM_HOURS(2));
    rig r;
    rig_init(&r, MDL_ANDROID, 1, &c);
    at(&r, 0, open_app);
    at(&r, SIM_MINUTES(10), close_app);
    at(&r, SIM_MINUTES(70), open_app); /* back after 1 h: the 2 h kill is cancelled */
    at(&r, SIM_MINUTES(80), close_app);
    sim_run_until(r.e, SIM_DAYS(1));
    cr_assert_eq(r.count[MDL_SIG_APP_KILL], 1);
    cr_assert_eq(r.last_sig_time[MDL_SIG_APP_KILL], SIM_MINUTES(80) + SIM_HOURS(2));
    cr_assert_not(mdl_kills_process_alive(&r.d));
    cr_assert(strstr(trace_text(&r), "{\"t\":12000000,\"type\":\"device.kill\",\"reason\":\"low_memory\","
                                     "\"background_ms\":7200000}\n"),
              "%s", trace_text(&r));
    rig_free(&r);
}

static void worker_start(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    rig *r = ctx;
    r->d.worker_running = true;
    mdl_emit(&r->d, MDL_SIG_WORKER, 1);
}

Test(kills, a_process_started_for_the_worker_is_a_background_process)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    c.low_memory = true;
    c.low_memory_after = sch_dist_fixed(SIM_MINUTES(5));
    rig r;
    rig_init(&r, MDL_ANDROID, 1, &c);
    at(&r, SIM_HOURS(1), worker_start);
    sim_run_until(r.e, SIM_DAYS(1));
    cr_assert_eq(r.count[MDL_SIG_APP_KILL], 1);
    cr_assert_eq(r.last_sig_time[MDL_SIG_APP_KILL], SIM_HOURS(1) + SIM_MINUTES(5));
    cr_assert_not(mdl_kills_in_recents(&r.d), "never opened by the user: no card in recents");
    rig_free(&r);
}

Test(kills, ios_evicts_after_background_by_default)
{
    mdl_kills_config c = quiet(MDL_IOS);
    cr_assert(c.low_memory);
    cr_assert_eq(c.low_memory_after.kind, SCH_DIST_EXPONENTIAL);
    cr_assert_float_eq(c.low_memory_after.a, (double)SIM_HOURS(4), 1e-9);
    rig r;
    rig_init(&r, MDL_IOS, 3, &c);
    at(&r, 0, open_app);
    at(&r, SIM_MINUTES(1), close_app);
    sim_run_until(r.e, SIM_DAYS(10));
    cr_assert_eq(r.count[MDL_SIG_APP_KILL], 1);
    cr_assert(strstr(trace_text(&r), "\"reason\":\"eviction\""));
    rig_free(&r);
}

/* ---- OEM profiles ---- */

Test(kills, huawei_kills_exactly_60_minutes_after_background_and_swipe_is_a_force_stop)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    mdl_kills_apply_oem(&c, MDL_OEM_HUAWEI);
    rig r;
    rig_init(&r, MDL_ANDROID, 1, &c);
    at(&r, 0, open_app);
    at(&r, SIM_MINUTES(5), close_app);
    at(&r, SIM_MINUTES(30), open_app); /* cancels the first hour */
    at(&r, SIM_MINUTES(40), close_app);
    sim_run_until(r.e, SIM_DAYS(1));
    cr_assert_eq(r.count[MDL_SIG_APP_KILL], 1);
    cr_assert_eq(r.last_sig_time[MDL_SIG_APP_KILL], SIM_MINUTES(40) + SIM_MINUTES(60));
    cr_assert(strstr(trace_text(&r), "{\"t\":6000000,\"type\":\"device.kill\",\"reason\":\"oem\","
                                     "\"background_ms\":3600000}\n"));
    rig_free(&r);

    c.swipes_per_week = 50;
    rig_init(&r, MDL_ANDROID, 2, &c);
    every(&r, 0, SIM_MINUTES(10), SIM_HOURS(12));
    sim_run_until(r.e, SIM_DAYS(28));
    cr_assert_eq(r.count[MDL_SIG_APP_SWIPE], 0, "huawei: a swipe is a force stop");
    cr_assert_gt(r.count[MDL_SIG_FORCE_STOP], 10);
    cr_assert_eq((uint64_t)r.count[MDL_SIG_FORCE_STOP], mdl_kills_get_stats(&r.d).swipes);
    cr_assert(strstr(trace_text(&r), "\"type\":\"device.force_stop\",\"reason\":\"swipe\""));
    cr_assert_null(strstr(trace_text(&r), "device.swipe"));
    rig_free(&r);
}

static void screen_off(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    rig *r = ctx;
    r->d.screen_on = false;
    mdl_emit(&r->d, MDL_SIG_SCREEN_OFF, 0);
}

Test(kills, oppo_kills_a_background_process_at_screen_off)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    mdl_kills_apply_oem(&c, MDL_OEM_OPPO);
    rig r;
    rig_init(&r, MDL_ANDROID, 1, &c);
    at(&r, 0, open_app);
    at(&r, SIM_MINUTES(1), screen_off); /* in the foreground: spared */
    at(&r, SIM_MINUTES(2), close_app);
    at(&r, SIM_MINUTES(9), screen_off);
    sim_run_until(r.e, SIM_DAYS(1));
    cr_assert_eq(r.count[MDL_SIG_APP_KILL], 1);
    cr_assert_eq(r.last_sig_time[MDL_SIG_APP_KILL], SIM_MINUTES(9));
    /* the kill is delivered after SCREEN_OFF reached every listener */
    cr_assert_eq(r.order[r.norder - 2], MDL_SIG_SCREEN_OFF);
    cr_assert_eq(r.order[r.norder - 1], MDL_SIG_APP_KILL);
    cr_assert(strstr(trace_text(&r), "\"reason\":\"oem_screen_off\",\"background_ms\":420000}"));
    rig_free(&r);
}

Test(kills, every_profile_has_its_documented_values)
{
    static const struct {
        mdl_kills_oem oem;
        sim_time after;
        bool screen_off, swipe_fs;
    } want[] = {
        {MDL_OEM_STOCK, -1, false, false},           {MDL_OEM_SAMSUNG, -1, false, false},
        {MDL_OEM_XIAOMI, SIM_MINUTES(20), false, true}, {MDL_OEM_HUAWEI, SIM_MINUTES(60), false, true},
        {MDL_OEM_ONEPLUS, SIM_MINUTES(20), false, true}, {MDL_OEM_OPPO, -1, true, false},
        {MDL_OEM_VIVO, SIM_MINUTES(20), false, false},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        mdl_kills_config c = quiet(MDL_ANDROID);
        mdl_kills_apply_oem(&c, want[i].oem);
        cr_assert_eq(c.oem_kill_after, want[i].after, "%s", mdl_kills_oem_names[want[i].oem]);
        cr_assert_eq(c.oem_kill_on_screen_off, want[i].screen_off);
        cr_assert_eq(c.oem_swipe_force_stop, want[i].swipe_fs);
    }
}

/* ---- reboots ---- */

Test(kills, update_reboot_order_and_times)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    c.update_every = SIM_DAYS(30);
    c.update_at = SIM_HOURS(3);
    c.update_downtime = SIM_MINUTES(1);
    rig r;
    rig_init(&r, MDL_ANDROID, 1, &c);
    at(&r, 0, open_app);
    at(&r, SIM_MINUTES(5), close_app);
    sim_run_until(r.e, SIM_DAYS(30) + SIM_HOURS(21));
    /* start Monday 07:00; 30 days later it is 07:00 too: the next 03:00 is 20 h later */
    sim_time t0 = SIM_DAYS(30) + SIM_HOURS(20);
    cr_assert_eq(r.count[MDL_SIG_REBOOT], 1);
    cr_assert_eq(r.last_sig_time[MDL_SIG_REBOOT], t0);
    cr_assert_eq(r.last_sig_arg[MDL_SIG_REBOOT], SIM_MINUTES(1), "arg: the downtime");
    cr_assert_eq(mdl_kills_last_boot(&r.d), t0 + SIM_MINUTES(1));
    cr_assert_not(mdl_kills_device_down(&r.d));
    cr_assert(mdl_kills_in_recents(&r.d), "recents survive a reboot");
    cr_assert_not(mdl_kills_process_alive(&r.d));
    char want[256];
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"device.reboot\",\"reason\":\"update\",\"downtime_ms\":60000,\"process\":true}\n"
             "{\"t\":%lld,\"type\":\"device.boot\"}\n",
             (long long)t0, (long long)(t0 + SIM_MINUTES(1)));
    cr_assert(strstr(trace_text(&r), want), "%s", trace_text(&r));
    mdl_kills_stats s = mdl_kills_get_stats(&r.d);
    cr_assert_eq(s.update_reboots, 1);
    cr_assert_eq(s.up_ms, SIM_DAYS(30) + SIM_HOURS(21) - SIM_MINUTES(1));
    rig_free(&r);
}

Test(kills, nothing_random_happens_while_the_device_is_down)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    c.swipes_per_week = 20;
    c.force_stops_per_week = 20;
    c.reboots_per_week = 5;
    c.reboot_downtime = SIM_HOURS(6);
    rig r;
    rig_init(&r, MDL_ANDROID, 5, &c);
    every(&r, 0, SIM_MINUTES(10), SIM_HOURS(8));
    sim_run_until(r.e, SIM_DAYS(28));
    /* Walk the trace: between device.reboot and device.boot no device.* event appears. */
    const char *p = trace_text(&r);
    bool down = false;
    int reboots = 0;
    for (const char *line = p; *line; line = strchr(line, '\n') + 1) {
        const char *type = strstr(line, "\"type\":\"") + 8;
        if (strncmp(type, "device.reboot\"", 14) == 0) {
            cr_assert_not(down);
            down = true;
            reboots++;
        } else if (strncmp(type, "device.boot\"", 12) == 0) {
            down = false;
        } else if (strncmp(type, "device.", 7) == 0) {
            cr_assert_not(down, "%.80s", line);
        }
    }
    cr_assert_gt(reboots, 5);
    rig_free(&r);
}

/* ---- determinism ---- */

static uint64_t fingerprint(uint64_t seed)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    c.swipes_per_week = 3;
    c.force_stops_per_week = 1;
    c.low_memory = true;
    c.reboots_per_week = 1;
    c.update_every = SIM_DAYS(7);
    rig r;
    rig_init(&r, MDL_ANDROID, seed, &c);
    every(&r, SIM_HOURS(2), SIM_MINUTES(15), SIM_HOURS(9));
    sim_run_until(r.e, SIM_DAYS(28));
    uint64_t f = r.tr.fingerprint;
    cr_assert_gt(r.tr.records, 20);
    rig_free(&r);
    return f;
}

Test(kills, same_seed_same_trace_other_seed_differs)
{
    cr_assert_eq(fingerprint(11), fingerprint(11));
    cr_assert_neq(fingerprint(11), fingerprint(12));
}

/* ---- parsing ---- */

typedef struct parsed {
    mdl_kills_config cfg;
    sch_diag diag;
    char first[512];
} parsed;

static void parse(parsed *p, mdl_platform platform, const char *yaml)
{
    cr_assert_eq(sch_diag_init(&p->diag, "k.yaml"), 0);
    sch_node *root = sch_yaml_parse(yaml, strlen(yaml), &p->diag);
    cr_assert_not_null(root, "%s", yaml);
    sch_cx cx;
    sch_cx_init(&cx, &p->diag);
    mdl_kills_model.defaults(&p->cfg, platform);
    const sch_node *dev = sch_map_get(root, "device");
    size_t s1 = sch_cx_push_key(&cx, "device");
    size_t s2 = sch_cx_push_key(&cx, "kills");
    mdl_kills_model.parse(&cx, sch_map_get(dev, "kills"), &p->cfg);
    sch_cx_pop(&cx, s2);
    sch_cx_pop(&cx, s1);
    p->first[0] = 0;
    if (sch_diag_count(&p->diag))
        sch_diag_format(&p->diag, 0, p->first, sizeof p->first);
    sch_yaml_free(root);
}

static void expect_error(mdl_platform platform, const char *yaml, const char *message)
{
    parsed p;
    parse(&p, platform, yaml);
    cr_assert_eq(sch_diag_count(&p.diag), 1, "%s: %zu errors, first: %s", yaml, sch_diag_count(&p.diag), p.first);
    cr_assert_str_eq(p.first, message);
    sch_diag_free(&p.diag);
}

Test(kills, parses_every_key)
{
    parsed p;
    parse(&p, MDL_ANDROID,
          "device:\n"
          "  kills:\n"
          "    swipes: { per_week: 3 }\n"
          "    force_stops: { per_week: 0.2 }\n"
          "    low_memory: { after_background: { exponential: { mean: 2h } } }\n"
          "    oem: { profile: xiaomi, kill_after_background: 7m, swipe_is_force_stop: false }\n"
          "    reboots: { per_week: 0.5, downtime: 2m }\n"
          "    updates: { every: 30d, at: \"04:30\", downtime: 5m }\n");
    cr_assert_eq(sch_diag_count(&p.diag), 0, "%s", p.first);
    cr_assert_float_eq(p.cfg.swipes_per_week, 3, 1e-12);
    cr_assert_float_eq(p.cfg.force_stops_per_week, 0.2, 1e-12);
    cr_assert(p.cfg.low_memory);
    cr_assert_eq(p.cfg.low_memory_after.kind, SCH_DIST_EXPONENTIAL);
    cr_assert_float_eq(p.cfg.low_memory_after.a, (double)SIM_HOURS(2), 1e-9);
    cr_assert_eq(p.cfg.oem, MDL_OEM_XIAOMI);
    cr_assert_eq(p.cfg.oem_kill_after, SIM_MINUTES(7));
    cr_assert_not(p.cfg.oem_swipe_force_stop);
    cr_assert_float_eq(p.cfg.reboots_per_week, 0.5, 1e-12);
    cr_assert_eq(p.cfg.reboot_downtime, SIM_MINUTES(2));
    cr_assert_eq(p.cfg.update_every, SIM_DAYS(30));
    cr_assert_eq(p.cfg.update_at, SIM_HOURS(4) + SIM_MINUTES(30));
    cr_assert_eq(p.cfg.update_downtime, SIM_MINUTES(5));
    sch_diag_free(&p.diag);

    parse(&p, MDL_ANDROID, "device:\n  kills:\n    oem: oneplus\n    low_memory: { enabled: false }\n");
    cr_assert_eq(sch_diag_count(&p.diag), 0, "%s", p.first);
    cr_assert_eq(p.cfg.oem, MDL_OEM_ONEPLUS);
    cr_assert_eq(p.cfg.oem_kill_after, SIM_MINUTES(20));
    cr_assert(p.cfg.oem_swipe_force_stop);
    cr_assert_not(p.cfg.low_memory);
    sch_diag_free(&p.diag);

    parse(&p, MDL_ANDROID, "device:\n  kills:\n    oem: { profile: huawei, kill_after_background: never }\n");
    cr_assert_eq(sch_diag_count(&p.diag), 0, "%s", p.first);
    cr_assert_eq(p.cfg.oem_kill_after, -1);
    cr_assert(p.cfg.oem_swipe_force_stop);
    sch_diag_free(&p.diag);
}

Test(kills, force_stop_and_oem_are_refused_on_ios)
{
    expect_error(MDL_IOS, "device:\n  kills:\n    force_stops: { per_week: 1 }\n",
                 "k.yaml:3:5: device.kills.force_stops: expected a key of platform android or ideal, found "
                 "'force_stops' on platform ios (force stop is Android only; on iOS a swipe force-quits the app)");
    expect_error(MDL_IOS, "device:\n  kills:\n    oem: xiaomi\n",
                 "k.yaml:3:5: device.kills.oem: expected a key of platform android or ideal, found 'oem' on "
                 "platform ios (OEM killer profiles are Android only)");
    parsed p;
    parse(&p, MDL_IDEAL, "device:\n  kills:\n    force_stops: { per_week: 1 }\n    oem: oppo\n");
    cr_assert_eq(sch_diag_count(&p.diag), 0, "ideal takes every key: %s", p.first);
    sch_diag_free(&p.diag);
}

Test(kills, bad_sections_get_exact_messages)
{
    expect_error(MDL_ANDROID, "device:\n  kills:\n    swipes: { per_week: -1 }\n",
                 "k.yaml:3:25: device.kills.swipes.per_week: expected a number from 0 to 10000, found '-1'");
    expect_error(MDL_ANDROID, "device:\n  kills:\n    swipes: 3\n",
                 "k.yaml:3:13: device.kills.swipes: expected a mapping, found '3'");
    expect_error(MDL_ANDROID, "device:\n  kills:\n    oem: xiaomy\n",
                 "k.yaml:3:10: device.kills.oem: expected 'stock', 'samsung', 'xiaomi', 'huawei', 'oneplus', "
                 "'oppo' or 'vivo', found 'xiaomy' (did you mean 'xiaomi'?)");
    expect_error(MDL_ANDROID, "device:\n  kills:\n    low_memory: { after_bakground: 2h }\n",
                 "k.yaml:3:19: device.kills.low_memory: unknown key 'after_bakground' (did you mean "
                 "'after_background'?)");
    expect_error(MDL_ANDROID, "device:\n  kills:\n    updates: { every: 1h }\n",
                 "k.yaml:3:23: device.kills.updates.every: expected a duration of at least 1d, found '1h'");
    expect_error(MDL_ANDROID, "device:\n  kills:\n    updates: { at: \"03:00\" }\n",
                 "k.yaml:3:14: device.kills.updates: missing required key 'every'");
    expect_error(MDL_ANDROID, "device:\n  kills:\n    oem: { profile: huawei, kill_after_background: soon }\n",
                 "k.yaml:3:52: device.kills.oem.kill_after_background: expected a duration or never, found 'soon'");
    expect_error(MDL_ANDROID, "device:\n  kills:\n    reboot: { per_week: 1 }\n",
                 "k.yaml:3:5: device.kills: unknown key 'reboot' (did you mean 'reboots'?)");
}
