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
#include "rig.h"

#define ALPHA 0.001 /* two-sided: a correct model fails a CI check once in a thousand runs */

/* ---- the rig (../rig.h) with the kills model, a log of the bus and a scripted user ---- */

typedef struct krig {
    rig base;
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
} krig;

static void record(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    krig *r = ctx;
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

/* Monday 07:00; the log subscribed first, as the runner is. */
static void krig_init(krig *r, mdl_platform p, uint64_t seed, const mdl_kills_config *cfg)
{
    memset(r, 0, sizeof *r);
    sim_datetime start = RIG_MONDAY;
    start.hour = 7;
    rig_init(&r->base, p, p == MDL_IOS ? 17 : 14, seed, start, RIG_TRACE_KEEP);
    r->last_close = -1;
    rig_start(&r->base, &mdl_kills_model, cfg, record, r);
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
    krig *r = ctx;
    r->base.d.app_foreground = true;
    mdl_emit(&r->base.d, MDL_SIG_APP_OPEN, 0);
}

static void close_app(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    krig *r = ctx;
    r->base.d.app_foreground = false;
    mdl_emit(&r->base.d, MDL_SIG_APP_CLOSE, 0);
}

static void visit(sim_engine *e, void *ctx, uint64_t arg)
{
    krig *r = ctx;
    open_app(e, ctx, arg);
    sim_schedule_in(e, r->length, SIM_PHASE_ENVIRONMENT, close_app, r, 0, NULL);
    sim_schedule_in(e, r->period, SIM_PHASE_ENVIRONMENT, visit, r, 0, NULL);
}

static void every(krig *r, sim_time offset, sim_time length, sim_time period)
{
    r->offset = offset, r->length = length, r->period = period;
    cr_assert_eq(sim_schedule(r->base.e, offset, SIM_PHASE_ENVIRONMENT, visit, r, 0, NULL), SIM_OK);
}

static void at(krig *r, sim_time t, sim_event_fn fn)
{
    cr_assert_eq(sim_schedule(r->base.e, t, SIM_PHASE_ENVIRONMENT, fn, r, 0, NULL), SIM_OK);
}

/* Exact (Garwood) two-sided CI for a Poisson mean given n events. */
static void poisson_ci(unsigned n, double *lo, double *hi)
{
    *lo = n ? gsl_cdf_chisq_Pinv(ALPHA / 2, 2.0 * n) / 2 : 0;
    *hi = gsl_cdf_chisq_Qinv(ALPHA / 2, 2.0 * n + 2) / 2;
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
        krig r;
        krig_init(&r, MDL_ANDROID, seed, &c);
        every(&r, SIM_HOURS(1), SIM_MINUTES(10), SIM_DAYS(1)); /* daily at 08:00 for 10 min */
        sim_run_until(r.base.e, SIM_DAYS(7 * 8));
        mdl_kills_stats s = mdl_kills_get_stats(&r.base.d);
        cr_assert_eq(s.swipes, (uint64_t)r.count[MDL_SIG_APP_SWIPE]);
        cr_assert_eq(r.count[MDL_SIG_FORCE_STOP], 0, "stock: a swipe is a swipe");
        cr_assert_not(r.swipe_in_foreground, "swipes only happen in the background");
        swipes += s.swipes;
        exposure_weeks += (double)s.swipe_exposure_ms / (double)SIM_DAYS(7);
        rig_fini(&r.base);
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
        krig r;
        krig_init(&r, MDL_ANDROID, seed, &c);
        sim_run_until(r.base.e, SIM_DAYS(7 * 52));
        mdl_kills_stats s = mdl_kills_get_stats(&r.base.d);
        cr_assert_eq(s.force_stops, (uint64_t)r.count[MDL_SIG_FORCE_STOP]);
        cr_assert_eq(s.reboots, (uint64_t)r.count[MDL_SIG_REBOOT]);
        force += s.force_stops;
        reboots += s.reboots;
        up_weeks += (double)s.up_ms / (double)SIM_DAYS(7);
        rig_fini(&r.base);
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
    krig r;
    krig_init(&r, MDL_IOS, 1, &c);
    sim_run_until(r.base.e, SIM_DAYS(28));
    cr_assert_eq(r.count[MDL_SIG_FORCE_STOP], 0);
    rig_fini(&r.base);
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
        krig r;
        krig_init(&r, MDL_ANDROID, seed, &c);
        /* one visit every 3 days: a kill is censored by the next visit with probability e^-35 */
        every(&r, 0, SIM_MINUTES(10), SIM_DAYS(3));
        sim_run_until(r.base.e, SIM_DAYS(60));
        cr_assert_eq(r.delays, r.count[MDL_SIG_APP_CLOSE], "one kill per visit");
        sum += r.delay_sum;
        n += r.delays;
        rig_fini(&r.base);
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
    krig r;
    krig_init(&r, MDL_ANDROID, 1, &c);
    at(&r, 0, open_app);
    at(&r, SIM_MINUTES(10), close_app);
    at(&r, SIM_MINUTES(70), open_app); /* back after 1 h: the 2 h kill is cancelled */
    at(&r, SIM_MINUTES(80), close_app);
    sim_run_until(r.base.e, SIM_DAYS(1));
    cr_assert_eq(r.count[MDL_SIG_APP_KILL], 1);
    cr_assert_eq(r.last_sig_time[MDL_SIG_APP_KILL], SIM_MINUTES(80) + SIM_HOURS(2));
    cr_assert_not(mdl_kills_process_alive(&r.base.d));
    cr_assert(strstr(rig_trace_text(&r.base), "{\"t\":12000000,\"type\":\"device.kill\",\"reason\":\"low_memory\","
                                     "\"background_ms\":7200000}\n"),
              "%s", rig_trace_text(&r.base));
    rig_fini(&r.base);
}

static void worker_start(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    krig *r = ctx;
    r->base.d.worker_running = true;
    mdl_emit(&r->base.d, MDL_SIG_WORKER, 1);
}

Test(kills, a_process_started_for_the_worker_is_a_background_process)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    c.low_memory = true;
    c.low_memory_after = sch_dist_fixed(SIM_MINUTES(5));
    krig r;
    krig_init(&r, MDL_ANDROID, 1, &c);
    at(&r, SIM_HOURS(1), worker_start);
    sim_run_until(r.base.e, SIM_DAYS(1));
    cr_assert_eq(r.count[MDL_SIG_APP_KILL], 1);
    cr_assert_eq(r.last_sig_time[MDL_SIG_APP_KILL], SIM_HOURS(1) + SIM_MINUTES(5));
    cr_assert_not(mdl_kills_in_recents(&r.base.d), "never opened by the user: no card in recents");
    rig_fini(&r.base);
}

Test(kills, ios_evicts_after_background_by_default)
{
    mdl_kills_config c = quiet(MDL_IOS);
    cr_assert(c.low_memory);
    cr_assert_eq(c.low_memory_after.kind, SCH_DIST_EXPONENTIAL);
    cr_assert_float_eq(c.low_memory_after.a, (double)SIM_HOURS(4), 1e-9);
    krig r;
    krig_init(&r, MDL_IOS, 3, &c);
    at(&r, 0, open_app);
    at(&r, SIM_MINUTES(1), close_app);
    sim_run_until(r.base.e, SIM_DAYS(10));
    cr_assert_eq(r.count[MDL_SIG_APP_KILL], 1);
    cr_assert(strstr(rig_trace_text(&r.base), "\"reason\":\"eviction\""));
    rig_fini(&r.base);
}

/* ---- OEM profiles ---- */

Test(kills, huawei_kills_exactly_60_minutes_after_background_and_swipe_is_a_force_stop)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    mdl_kills_apply_oem(&c, MDL_OEM_HUAWEI);
    krig r;
    krig_init(&r, MDL_ANDROID, 1, &c);
    at(&r, 0, open_app);
    at(&r, SIM_MINUTES(5), close_app);
    at(&r, SIM_MINUTES(30), open_app); /* cancels the first hour */
    at(&r, SIM_MINUTES(40), close_app);
    sim_run_until(r.base.e, SIM_DAYS(1));
    cr_assert_eq(r.count[MDL_SIG_APP_KILL], 1);
    cr_assert_eq(r.last_sig_time[MDL_SIG_APP_KILL], SIM_MINUTES(40) + SIM_MINUTES(60));
    cr_assert(strstr(rig_trace_text(&r.base), "{\"t\":6000000,\"type\":\"device.kill\",\"reason\":\"oem\","
                                     "\"background_ms\":3600000}\n"));
    rig_fini(&r.base);

    c.swipes_per_week = 50;
    krig_init(&r, MDL_ANDROID, 2, &c);
    every(&r, 0, SIM_MINUTES(10), SIM_HOURS(12));
    sim_run_until(r.base.e, SIM_DAYS(28));
    cr_assert_eq(r.count[MDL_SIG_APP_SWIPE], 0, "huawei: a swipe is a force stop");
    cr_assert_gt(r.count[MDL_SIG_FORCE_STOP], 10);
    cr_assert_eq((uint64_t)r.count[MDL_SIG_FORCE_STOP], mdl_kills_get_stats(&r.base.d).swipes);
    cr_assert(strstr(rig_trace_text(&r.base), "\"type\":\"device.force_stop\",\"reason\":\"swipe\""));
    cr_assert_null(strstr(rig_trace_text(&r.base), "device.swipe"));
    rig_fini(&r.base);
}

static void screen_off(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    krig *r = ctx;
    r->base.d.screen_on = false;
    mdl_emit(&r->base.d, MDL_SIG_SCREEN_OFF, 0);
}

Test(kills, oppo_kills_a_background_process_at_screen_off)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    mdl_kills_apply_oem(&c, MDL_OEM_OPPO);
    krig r;
    krig_init(&r, MDL_ANDROID, 1, &c);
    at(&r, 0, open_app);
    at(&r, SIM_MINUTES(1), screen_off); /* in the foreground: spared */
    at(&r, SIM_MINUTES(2), close_app);
    at(&r, SIM_MINUTES(9), screen_off);
    sim_run_until(r.base.e, SIM_DAYS(1));
    cr_assert_eq(r.count[MDL_SIG_APP_KILL], 1);
    cr_assert_eq(r.last_sig_time[MDL_SIG_APP_KILL], SIM_MINUTES(9));
    /* the kill is delivered after SCREEN_OFF reached every listener */
    cr_assert_eq(r.order[r.norder - 2], MDL_SIG_SCREEN_OFF);
    cr_assert_eq(r.order[r.norder - 1], MDL_SIG_APP_KILL);
    cr_assert(strstr(rig_trace_text(&r.base), "\"reason\":\"oem_screen_off\",\"background_ms\":420000}"));
    rig_fini(&r.base);
}

/* Without the OEM's screen-off kill a screen-off kills nothing, and the kills model does not even
 * listen to it (the cut of a no-op delivery); with it, it does. */
Test(kills, screen_off_is_heard_only_with_the_oem_screen_off_kill)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    krig r;
    krig_init(&r, MDL_ANDROID, 1, &c);
    cr_assert_eq(r.base.d.by_signal_count[MDL_SIG_SCREEN_OFF], r.base.d.by_signal_count[MDL_SIG_SCREEN_ON]);
    at(&r, 0, open_app);
    at(&r, SIM_MINUTES(2), close_app);
    at(&r, SIM_MINUTES(9), screen_off);
    sim_run_until(r.base.e, SIM_DAYS(1));
    cr_assert_eq(r.count[MDL_SIG_SCREEN_OFF], 1);
    cr_assert_eq(r.count[MDL_SIG_APP_KILL], 0);
    rig_fini(&r.base);

    mdl_kills_apply_oem(&c, MDL_OEM_OPPO);
    krig_init(&r, MDL_ANDROID, 1, &c);
    cr_assert_eq(r.base.d.by_signal_count[MDL_SIG_SCREEN_OFF], r.base.d.by_signal_count[MDL_SIG_SCREEN_ON] + 1);
    rig_fini(&r.base);
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
    krig r;
    krig_init(&r, MDL_ANDROID, 1, &c);
    at(&r, 0, open_app);
    at(&r, SIM_MINUTES(5), close_app);
    sim_run_until(r.base.e, SIM_DAYS(30) + SIM_HOURS(21));
    /* start Monday 07:00; 30 days later it is 07:00 too: the next 03:00 is 20 h later */
    sim_time t0 = SIM_DAYS(30) + SIM_HOURS(20);
    cr_assert_eq(r.count[MDL_SIG_REBOOT], 1);
    cr_assert_eq(r.last_sig_time[MDL_SIG_REBOOT], t0);
    cr_assert_eq(r.last_sig_arg[MDL_SIG_REBOOT], SIM_MINUTES(1), "arg: the downtime");
    cr_assert_eq(mdl_kills_last_boot(&r.base.d), t0 + SIM_MINUTES(1));
    cr_assert_not(mdl_kills_device_down(&r.base.d));
    cr_assert(mdl_kills_in_recents(&r.base.d), "recents survive a reboot");
    cr_assert_not(mdl_kills_process_alive(&r.base.d));
    char want[256];
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"device.reboot\",\"reason\":\"update\",\"downtime_ms\":60000,\"process\":true}\n"
             "{\"t\":%lld,\"type\":\"device.boot\"}\n",
             (long long)t0, (long long)(t0 + SIM_MINUTES(1)));
    cr_assert(strstr(rig_trace_text(&r.base), want), "%s", rig_trace_text(&r.base));
    mdl_kills_stats s = mdl_kills_get_stats(&r.base.d);
    cr_assert_eq(s.update_reboots, 1);
    cr_assert_eq(s.up_ms, SIM_DAYS(30) + SIM_HOURS(21) - SIM_MINUTES(1));
    rig_fini(&r.base);
}

Test(kills, nothing_random_happens_while_the_device_is_down)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    c.swipes_per_week = 20;
    c.force_stops_per_week = 20;
    c.reboots_per_week = 5;
    c.reboot_downtime = SIM_HOURS(6);
    krig r;
    krig_init(&r, MDL_ANDROID, 5, &c);
    every(&r, 0, SIM_MINUTES(10), SIM_HOURS(8));
    sim_run_until(r.base.e, SIM_DAYS(28));
    /* Walk the trace: between device.reboot and device.boot no device.* event appears. */
    const char *p = rig_trace_text(&r.base);
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
    rig_fini(&r.base);
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
    krig r;
    krig_init(&r, MDL_ANDROID, seed, &c);
    every(&r, SIM_HOURS(2), SIM_MINUTES(15), SIM_HOURS(9));
    sim_run_until(r.base.e, SIM_DAYS(28));
    uint64_t f = r.base.tr.fingerprint;
    cr_assert_gt(r.base.tr.records, 20);
    rig_fini(&r.base);
    return f;
}

Test(kills, same_seed_same_trace_other_seed_differs)
{
    cr_assert_eq(fingerprint(11), fingerprint(11));
    cr_assert_neq(fingerprint(11), fingerprint(12));
}

/* ---- parsing ---- */

static void expect_error(mdl_platform platform, const char *yaml, const char *message)
{
    mdl_kills_config c;
    char msgs[1][320];
    size_t n = rig_parse(&mdl_kills_model, platform, yaml, &c, msgs, 1);
    cr_assert_eq(n, 1, "%s: %zu errors, first: %s", yaml, n, n ? msgs[0] : "");
    cr_assert_str_eq(msgs[0], message);
}

Test(kills, parses_every_key)
{
    mdl_kills_config c;
    rig_parse_ok(&mdl_kills_model, MDL_ANDROID,
                 "swipes: { per_week: 3 }\n"
                 "force_stops: { per_week: 0.2 }\n"
                 "low_memory: { after_background: { exponential: { mean: 2h } } }\n"
                 "oem: { profile: xiaomi, kill_after_background: 7m, swipe_is_force_stop: false }\n"
                 "reboots: { per_week: 0.5, downtime: 2m }\n"
                 "updates: { every: 30d, at: \"04:30\", downtime: 5m }\n",
                 &c);
    cr_assert_float_eq(c.swipes_per_week, 3, 1e-12);
    cr_assert_float_eq(c.force_stops_per_week, 0.2, 1e-12);
    cr_assert(c.low_memory);
    cr_assert_eq(c.low_memory_after.kind, SCH_DIST_EXPONENTIAL);
    cr_assert_float_eq(c.low_memory_after.a, (double)SIM_HOURS(2), 1e-9);
    cr_assert_eq(c.oem, MDL_OEM_XIAOMI);
    cr_assert_eq(c.oem_kill_after, SIM_MINUTES(7));
    cr_assert_not(c.oem_swipe_force_stop);
    cr_assert_float_eq(c.reboots_per_week, 0.5, 1e-12);
    cr_assert_eq(c.reboot_downtime, SIM_MINUTES(2));
    cr_assert_eq(c.update_every, SIM_DAYS(30));
    cr_assert_eq(c.update_at, SIM_HOURS(4) + SIM_MINUTES(30));
    cr_assert_eq(c.update_downtime, SIM_MINUTES(5));

    rig_parse_ok(&mdl_kills_model, MDL_ANDROID, "oem: oneplus\nlow_memory: { enabled: false }\n", &c);
    cr_assert_eq(c.oem, MDL_OEM_ONEPLUS);
    cr_assert_eq(c.oem_kill_after, SIM_MINUTES(20));
    cr_assert(c.oem_swipe_force_stop);
    cr_assert_not(c.low_memory);

    rig_parse_ok(&mdl_kills_model, MDL_ANDROID, "oem: { profile: huawei, kill_after_background: never }\n", &c);
    cr_assert_eq(c.oem_kill_after, -1);
    cr_assert(c.oem_swipe_force_stop);
}

Test(kills, force_stop_and_oem_are_refused_on_ios)
{
    expect_error(MDL_IOS, "force_stops: { per_week: 1 }\n",
                 "t.yaml:1:1: device.kills.force_stops: expected a key of platform android or ideal, found "
                 "'force_stops' on platform ios (force stop is Android only; on iOS a swipe force-quits the app)");
    expect_error(MDL_IOS, "oem: xiaomi\n",
                 "t.yaml:1:1: device.kills.oem: expected a key of platform android or ideal, found 'oem' on "
                 "platform ios (OEM killer profiles are Android only)");
    mdl_kills_config c;
    rig_parse_ok(&mdl_kills_model, MDL_IDEAL, "force_stops: { per_week: 1 }\noem: oppo\n", &c); /* ideal: every key */
}

Test(kills, bad_sections_get_exact_messages)
{
    expect_error(MDL_ANDROID, "swipes: { per_week: -1 }\n",
                 "t.yaml:1:21: device.kills.swipes.per_week: expected a number from 0 to 10000, found '-1'");
    expect_error(MDL_ANDROID, "swipes: 3\n",
                 "t.yaml:1:9: device.kills.swipes: expected a mapping, found '3'");
    expect_error(MDL_ANDROID, "oem: xiaomy\n",
                 "t.yaml:1:6: device.kills.oem: expected 'stock', 'samsung', 'xiaomi', 'huawei', 'oneplus', "
                 "'oppo' or 'vivo', found 'xiaomy' (did you mean 'xiaomi'?)");
    expect_error(MDL_ANDROID, "low_memory: { after_bakground: 2h }\n",
                 "t.yaml:1:15: device.kills.low_memory: unknown key 'after_bakground' (did you mean "
                 "'after_background'?)");
    expect_error(MDL_ANDROID, "updates: { every: 1h }\n",
                 "t.yaml:1:19: device.kills.updates.every: expected a duration of at least 1d, found '1h'");
    expect_error(MDL_ANDROID, "updates: { at: \"03:00\" }\n",
                 "t.yaml:1:10: device.kills.updates: missing required key 'every'");
    expect_error(MDL_ANDROID, "oem: { profile: huawei, kill_after_background: soon }\n",
                 "t.yaml:1:48: device.kills.oem.kill_after_background: expected a duration or never, found 'soon'");
    expect_error(MDL_ANDROID, "reboot: { per_week: 1 }\n",
                 "t.yaml:1:1: device.kills: unknown key 'reboot' (did you mean 'reboots'?)");
}

/* ---- scripted events (mdl_kills_script_*, the scenario's `events:`) ---- */

static void script_reboot(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    krig *r = ctx;
    mdl_kills_script_reboot(&r->base.d, SIM_MINUTES(30));
}

static void script_force_stop(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    krig *r = ctx;
    mdl_kills_script_force_stop(&r->base.d);
}

static void script_swipe(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    krig *r = ctx;
    mdl_kills_script_swipe(&r->base.d);
}

/* A scripted reboot takes its downtime and is ignored while the device is already down; a
 * scripted force stop and swipe send their signals (a Xiaomi swipe is a force stop) and count. */
Test(kills, scripted_reboot_force_stop_and_swipe)
{
    mdl_kills_config c = quiet(MDL_ANDROID);
    mdl_kills_apply_oem(&c, MDL_OEM_XIAOMI);
    krig r;
    krig_init(&r, MDL_ANDROID, 1, &c);
    at(&r, SIM_HOURS(1), open_app);
    at(&r, SIM_HOURS(1) + SIM_MINUTES(1), close_app);
    at(&r, SIM_HOURS(2), script_reboot);
    at(&r, SIM_HOURS(2) + SIM_MINUTES(10), script_reboot); /* down until 2:30: ignored */
    at(&r, SIM_HOURS(3), script_force_stop);
    at(&r, SIM_HOURS(4), script_swipe);
    sim_run_until(r.base.e, SIM_HOURS(5));
    cr_assert_eq(r.count[MDL_SIG_REBOOT], 1);
    cr_assert_eq(r.last_sig_arg[MDL_SIG_REBOOT], SIM_MINUTES(30));
    cr_assert_eq(mdl_kills_last_boot(&r.base.d), SIM_HOURS(2) + SIM_MINUTES(30));
    cr_assert_eq(r.count[MDL_SIG_FORCE_STOP], 2, "the force stop, and the swipe that is one on Xiaomi");
    cr_assert_eq(r.count[MDL_SIG_APP_SWIPE], 0);
    mdl_kills_stats st = mdl_kills_get_stats(&r.base.d);
    cr_assert_eq(st.reboots, 1);
    cr_assert_eq(st.force_stops, 1);
    cr_assert_eq(st.swipes, 1);
    const char *t = rig_trace_text(&r.base);
    cr_assert(strstr(t, "{\"t\":7200000,\"type\":\"device.reboot\",\"reason\":\"scripted\",\"downtime_ms\":1800000,"));
    cr_assert(strstr(t, "{\"t\":10800000,\"type\":\"device.force_stop\",\"reason\":\"scripted\",\"process\":false}"));
    cr_assert(strstr(t, "{\"t\":14400000,\"type\":\"device.force_stop\",\"reason\":\"swipe\","));
    rig_fini(&r.base);
}

/* ---- random streams: only those the config can draw from ---- */

static const char *const KILL_STREAMS[] = {"kills.swipe", "kills.force_stop", "kills.low_memory", "kills.reboot"};

/* A 3-week run with visits and scripted kills; every stream created before the start when
 * `all_first` (the model finds them made), none otherwise. Returns the trace (malloc'd) and the
 * number of streams in the set at the end. */
static char *run_streams(mdl_platform p, const mdl_kills_config *c, bool all_first, size_t *streams)
{
    krig r;
    memset(&r, 0, sizeof r);
    sim_datetime start = RIG_MONDAY;
    start.hour = 7;
    rig_init(&r.base, p, p == MDL_IOS ? 17 : 14, 5, start, RIG_TRACE_KEEP);
    r.last_close = -1;
    if (all_first)
        for (int i = 0; i < 4; i++)
            cr_assert_not_null(sim_rng_get(r.base.rngs, KILL_STREAMS[i]));
    rig_start(&r.base, &mdl_kills_model, c, record, &r);
    every(&r, SIM_HOURS(1), SIM_MINUTES(5), SIM_HOURS(3));
    at(&r, SIM_DAYS(2), script_reboot);
    at(&r, SIM_DAYS(3), script_force_stop);
    at(&r, SIM_DAYS(4), script_swipe);
    sim_run_until(r.base.e, SIM_DAYS(21));
    *streams = sim_rng_set_count(r.base.rngs);
    char *text = strdup(rig_trace_text(&r.base));
    rig_fini(&r.base);
    return text;
}

/* kills_start creates a stream only when its config can draw from it. Every combination of the
 * four random sources on each platform: the trace is byte-identical to a run whose streams were
 * all made beforehand (so no draw found its stream missing, and a stream created later draws
 * the same), and exactly the streams the conditions name exist. */
Test(kills, streams_are_created_only_where_drawn)
{
    static const mdl_platform platforms[] = {MDL_IDEAL, MDL_ANDROID, MDL_IOS};
    for (size_t pi = 0; pi < 3; pi++) {
        mdl_platform p = platforms[pi];
        for (int mask = 0; mask < 16; mask++) {
            mdl_kills_config c = quiet(p);
            c.swipes_per_week = mask & 1 ? 20 : 0;
            c.force_stops_per_week = mask & 2 ? 10 : 0;
            c.low_memory = mask & 4;
            c.reboots_per_week = mask & 8 ? 3 : 0;
            size_t made, all;
            char *lazy = run_streams(p, &c, false, &made);
            char *eager = run_streams(p, &c, true, &all);
            cr_assert_str_eq(lazy, eager, "platform %d mask %d", (int)p, mask);
            size_t want = (size_t)((mask & 1) + (mask & 2 && p != MDL_IOS) + !!(mask & 4) + !!(mask & 8));
            cr_assert_eq(made, want, "platform %d mask %d: %zu streams, want %zu", (int)p, mask, made, want);
            cr_assert_eq(all, 4);
            cr_assert(strlen(lazy) > (mask == 15 ? 1000u : 0u), "the run did something");
            free(lazy);
            free(eager);
        }
    }
}
