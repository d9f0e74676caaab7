/*
 * The iOS OS model (models/os/simos_ios*): each layer against its sourced constants.
 *
 *  gates      every gate and the documented reason order; the instants time-based gates change
 *  score      threshold, score and launch probability by hand; budgets' exact refill instants
 *  requests   Apple's limits (1 refresh, 10 processing), replace, errors (unavailable, not
 *             permitted, too many)
 *  model      a hand-driven device (no environment models): exact launch, expiry, user-stop and
 *             deferral instants and reasons (closed with none)
 *  calibration  seeded multi-day scenario runs against docs/SOURCES.md I7.6,
 *             with Student-t intervals over seeds (GSL); the expo cold-launch trap with the
 *             switch off and on
 *  parse      the `os:` keys' exact messages; determinism
 */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os_section.h"
#include "rig.h"
#include "run.h"
#include "sch_diag.h"
#include "scn_scenario.h"
#include "simos_ios.h"
#include "simos_ios_gates.h"
#include "simos_ios_score.h"

#define MIN SIM_MINUTES(1)
#define HOUR SIM_HOURS(1)
#define DAY SIM_DAYS(1)

static simos_ios_config defaults(int version)
{
    simos_ios_config c;
    simos_ios_desc.defaults(&c, version);
    return c;
}

/* ---- gates ---------------------------------------------------------------------------------- */

/* Everything failing at once; each step fixes the gate that reports, so the sequence of reasons
 * is the documented order. */
Test(gates, reason_order_processing)
{
    simos_ios_config c = defaults(17);
    simos_ios_gate_in in = {
        .type = SIMOS_IOS_PROCESSING, .requires_network = true, .requires_power = false, .now = 30 * DAY,
        .device_down = true, .force_quit = true, .refresh_enabled = false, .battery_permille = 150,
        .plugged = false, .power_save = true, .network = false, .screen_on = true, .screen_off_since = 0,
        .app_foreground = false, .last_open = 0, .last_launch = 30 * DAY - HOUR,
    };
    static const sim_reason want[] = {SIM_REASON_DEVICE_DOWN, SIM_REASON_FORCE_QUIT, SIM_REASON_REFRESH_OFF,
                                      SIM_REASON_SCORE, SIM_REASON_BATTERY_LOW, SIM_REASON_LOW_POWER_MODE,
                                      SIM_REASON_NETWORK, SIM_REASON_NOT_CHARGING, SIM_REASON_DEVICE_IN_USE,
                                      SIM_REASON_RATE_LIMIT, SIM_REASON_NONE};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        sim_reason r = simos_ios_gates(&c, &in, NULL);
        cr_assert_eq(r, want[i], "step %zu: %s, want %s", i, sim_reason_name(r), sim_reason_name(want[i]));
        switch (r) {
        case SIM_REASON_DEVICE_DOWN: in.device_down = false; break;
        case SIM_REASON_FORCE_QUIT: in.force_quit = false; break;
        case SIM_REASON_REFRESH_OFF: in.refresh_enabled = true; break;
        case SIM_REASON_SCORE: in.last_open = in.now - 7 * DAY; break; /* exactly the 7-day edge: allowed */
        case SIM_REASON_BATTERY_LOW: in.battery_permille = 500; break;
        case SIM_REASON_LOW_POWER_MODE: in.power_save = false; break;
        case SIM_REASON_NETWORK: in.network = true; break;
        case SIM_REASON_NOT_CHARGING: in.plugged = true; break;
        case SIM_REASON_DEVICE_IN_USE:
            in.screen_on = false;
            in.screen_off_since = in.now - 5 * MIN; /* exactly idle_after: idle */
            break;
        case SIM_REASON_RATE_LIMIT: in.last_launch = in.now - 6 * HOUR; break;
        default: break;
        }
    }
}

Test(gates, constants_edges)
{
    simos_ios_config c = defaults(17);
    simos_ios_gate_in in = {.type = SIMOS_IOS_PROCESSING, .now = 20 * DAY, .refresh_enabled = true,
                            .battery_permille = 199, .plugged = false, .network = true,
                            .screen_off_since = 0, .last_open = 20 * DAY - 7 * DAY - 1, .last_launch = -1};
    /* 7 days and 1 ms since the last open: processing refused [DOC header "within the past week"] */
    cr_assert_eq(simos_ios_gates(&c, &in, NULL), SIM_REASON_SCORE);
    in.last_open += 1;
    /* 19.9 % unplugged: critically low [WWDC20 "below 20%"]; 20.0 % is not */
    cr_assert_eq(simos_ios_gates(&c, &in, NULL), SIM_REASON_BATTERY_LOW);
    in.battery_permille = 200;
    cr_assert_eq(simos_ios_gates(&c, &in, NULL), SIM_REASON_NOT_CHARGING);
    c.processing_on_battery = true;
    cr_assert_eq(simos_ios_gates(&c, &in, NULL), SIM_REASON_NONE);
    /* refresh: 14 days of recent use [RE], not charging is fine, the app in the foreground is not */
    in.type = SIMOS_IOS_REFRESH;
    in.last_open = 20 * DAY - 14 * DAY;
    cr_assert_eq(simos_ios_gates(&c, &in, NULL), SIM_REASON_NONE);
    in.app_foreground = true;
    cr_assert_eq(simos_ios_gates(&c, &in, NULL), SIM_REASON_DEVICE_IN_USE);
    in.app_foreground = false;
    in.screen_on = true; /* refresh does not wait for idle (DOC: "Background refresh tasks aren't affected") */
    cr_assert_eq(simos_ios_gates(&c, &in, NULL), SIM_REASON_NONE);
    in.last_launch = in.now - 15 * MIN + 1; /* 15-minute floor [OBS I3 #4] */
    cr_assert_eq(simos_ios_gates(&c, &in, NULL), SIM_REASON_RATE_LIMIT);
    /* force-quit: refresh always blocked; processing only before iOS 19 (18.3+ exception) */
    in.last_launch = -1;
    in.force_quit = true;
    cr_assert_eq(simos_ios_gates(&c, &in, NULL), SIM_REASON_FORCE_QUIT);
    in.type = SIMOS_IOS_PROCESSING;
    in.screen_on = false;
    in.last_open = in.now - DAY;
    cr_assert_eq(simos_ios_gates(&c, &in, NULL), SIM_REASON_FORCE_QUIT);
    simos_ios_config c19 = defaults(19);
    c19.processing_on_battery = true;
    cr_assert_eq(simos_ios_gates(&c19, &in, NULL), SIM_REASON_NONE);
    cr_assert(defaults(18).force_quit_blocks_processing);
    cr_assert_not(defaults(26).force_quit_blocks_processing);
}

Test(gates, next_change_instants)
{
    simos_ios_config c = defaults(17);
    simos_ios_gate_in in = {.type = SIMOS_IOS_PROCESSING, .now = DAY, .refresh_enabled = true, .battery_permille = -1,
                            .plugged = true, .network = true, .screen_off_since = DAY - MIN, .last_open = 0,
                            .last_launch = DAY - 5 * HOUR};
    sim_time next;
    cr_assert_eq(simos_ios_gates(&c, &in, &next), SIM_REASON_DEVICE_IN_USE);
    cr_assert_eq(next, DAY + 4 * MIN, "idle threshold at screen-off + 5 min, got %lld", (long long)next);
    in.screen_off_since = 0;
    cr_assert_eq(simos_ios_gates(&c, &in, &next), SIM_REASON_RATE_LIMIT);
    cr_assert_eq(next, DAY + HOUR, "rate limit ends 6 h after the launch");
    in.last_launch = -1;
    cr_assert_eq(simos_ios_gates(&c, &in, &next), SIM_REASON_NONE);
    cr_assert_eq(next, 7 * DAY + 1, "recent-use window closes 7 d after the open");
}

/* ---- score, threshold, budgets --------------------------------------------------------------- */

Test(score, threshold_relaxes_linearly)
{
    simos_ios_config c = defaults(17);
    cr_assert_float_eq(simos_ios_threshold(&c, 0), 0.85, 1e-12);
    cr_assert_float_eq(simos_ios_threshold(&c, 12 * HOUR), 0.675, 1e-12);
    cr_assert_float_eq(simos_ios_threshold(&c, 24 * HOUR), 0.5, 1e-12);
    cr_assert_float_eq(simos_ios_threshold(&c, 10 * DAY), 0.5, 1e-12);
}

Test(score, weights_by_hand)
{
    /* predicted use: s_app 1; screen off: 0.05; 55 % unplugged: sqrt(0.5) */
    simos_ios_score_in in = {.p_launch = 0.0625 + 1e-9, .battery_permille = 550};
    cr_assert_float_eq(simos_ios_score(&in), (50.0 + 0.25 + sqrt(0.5)) / 56.0, 1e-12);
    /* sqrt(0.04) = 0.2 <= 0.25; overdue in recents: 0.65 * 0.2 + 0.35 = 0.48 (not above 0.5) */
    in = (simos_ios_score_in){.p_launch = 0.04, .overdue = true, .in_recents = true, .screen_on = true,
                              .battery_permille = -1};
    cr_assert_float_eq(simos_ios_score(&in), (50.0 * 0.48 + 5.0 + 1.0) / 56.0, 1e-12);
    /* charging at 100 %: 1.2 capped at 1 */
    in = (simos_ios_score_in){.p_launch = 0, .battery_permille = 1000, .plugged = true};
    cr_assert_float_eq(simos_ios_score(&in), (0.25 + 1.0) / 56.0, 1e-12);
}

static const sim_datetime midnight = {.year = 2026, .month = 1, .day = 5}; /* a Monday, 00:00 */

Test(score, launch_probability_by_hand)
{
    simos_ios_config c = defaults(17);
    sim_calendar cal;
    cr_assert(sim_cal_init(&cal, &midnight));
    uint32_t opens[MDL_HOURS_OF_WEEK] = {0};
    opens[0 * 24 + 19] = 4; /* Monday 19h: 4, Wednesday 19h: 3 -> 7 opens at 19h in 14 days */
    opens[2 * 24 + 19] = 3;
    /* 18:50 on day 14 (a Monday), last open just now: 10 min of hour 18 (floor) + 10 min of hour 19 */
    sim_time now = 14 * DAY + 18 * HOUR + 50 * MIN;
    double want = 1.0 - pow(1 - 0.0025, 1.0 / 6) * pow(1 - 0.5, 1.0 / 6);
    cr_assert_float_eq(simos_ios_launch_probability(&c, opens, &cal, now, now), want, 1e-12);
    /* two days (one half-life) after the last open: halved */
    cr_assert_float_eq(simos_ios_launch_probability(&c, opens, &cal, now, now - 2 * DAY), want / 2, 1e-12);
}

/* The window's hours are local hours of day: with the run starting at 07:30, a window from 23:50
 * on day 3 takes 10 min of hour 23 and 10 min of hour 0 of the next day. */
Test(score, launch_probability_local_hours_across_midnight)
{
    simos_ios_config c = defaults(17);
    sim_calendar cal;
    cr_assert(sim_cal_init(&cal, &(sim_datetime){.year = 2026, .month = 1, .day = 5, .hour = 7, .minute = 30}));
    uint32_t opens[MDL_HOURS_OF_WEEK] = {0};
    opens[1 * 24 + 23] = 7; /* Tuesday 23h: 7 opens in 14 days -> 0.5 */
    opens[4 * 24 + 0] = 2;  /* Friday 0h: 2 -> 1/7 */
    sim_time now = 3 * DAY + 16 * HOUR + 20 * MIN; /* Thursday 23:50 */
    double want = 1.0 - pow(1 - 0.5, 1.0 / 6) * pow(1 - 2.0 / 14, 1.0 / 6);
    cr_assert_float_eq(simos_ios_launch_probability(&c, opens, &cal, now, now), want, 1e-12);
    /* 20 min later: hour 0 alone */
    cr_assert_float_eq(simos_ios_launch_probability(&c, opens, &cal, now + 20 * MIN, now + 20 * MIN),
                       1.0 - pow(1 - 2.0 / 14, 1.0 / 3), 1e-12);
}

/* "Refresh stops after days without use" (I7.6): a daily user's history (3 opens at each waking
 * hour of day over the 14 days, 3.4 opens a day) clears the fresh threshold one hour after the
 * last open, but four days after it no hour scores above even the fully relaxed threshold, overdue
 * boost and screen on included (at most 0.4981 < 0.5). */
Test(score, refresh_stops_after_days_without_use)
{
    simos_ios_config c = defaults(17);
    sim_calendar cal;
    cr_assert(sim_cal_init(&cal, &midnight));
    uint32_t opens[MDL_HOURS_OF_WEEK] = {0};
    for (int h = 7; h < 23; h++)
        opens[(h % 7) * 24 + h] = 3;
    sim_time base = 14 * DAY;
    for (int h = 7; h < 23; h++) {
        sim_time now = base + h * HOUR;
        simos_ios_score_in in = {.p_launch = simos_ios_launch_probability(&c, opens, &cal, now, now - HOUR),
                                 .overdue = true, .in_recents = true, .battery_permille = 800};
        cr_assert_geq(simos_ios_score(&in), c.threshold_start, "hour %d, used an hour ago", h);
        in.p_launch = simos_ios_launch_probability(&c, opens, &cal, now, now - 4 * DAY);
        in.screen_on = true;
        cr_assert_lt(simos_ios_score(&in), c.threshold_min, "hour %d, unused for 4 days", h);
    }
    /* at night (no opens: the 0.0025 floor) a daily user is not launched even when overdue */
    sim_time night = base + 3 * HOUR;
    simos_ios_score_in in = {.p_launch = simos_ios_launch_probability(&c, opens, &cal, night, night - 4 * HOUR),
                             .overdue = true, .in_recents = true, .battery_permille = 1000, .plugged = true};
    cr_assert_lt(simos_ios_score(&in), c.threshold_min);
}

Test(score, budget_exact_refill)
{
    simos_ios_budget b;
    simos_ios_budget_init(&b, SIM_SECONDS(60), 0);
    cr_assert(simos_ios_budget_ok(&b, 0));
    cr_assert_eq(simos_ios_budget_level_ms(&b, 0), 60000);
    simos_ios_budget_debit(&b, 0, SIM_SECONDS(100)); /* -40 s */
    cr_assert_eq(simos_ios_budget_level_ms(&b, 0), -40000);
    cr_assert_not(simos_ios_budget_ok(&b, 0));
    /* 40 s at 60 s a day: 16 h; the first ms above 0 is 16 h + 1 ms */
    cr_assert_eq(simos_ios_budget_next_ok(&b, 0), 16 * HOUR + 1);
    cr_assert_not(simos_ios_budget_ok(&b, 16 * HOUR));
    cr_assert(simos_ios_budget_ok(&b, 16 * HOUR + 1));
    /* clamps: at most 1.5 C after a long wait, at least -1.2 C after a huge debit */
    cr_assert_eq(simos_ios_budget_level_ms(&b, 30 * DAY), 90000);
    simos_ios_budget_debit(&b, 30 * DAY, SIM_HOURS(1));
    cr_assert_eq(simos_ios_budget_level_ms(&b, 30 * DAY), -72000);
    /* no budget */
    simos_ios_budget_init(&b, 0, 0);
    simos_ios_budget_debit(&b, 0, SIM_HOURS(1));
    cr_assert(simos_ios_budget_ok(&b, 0));
}

/* ---- a hand-driven device ---------------------------------------------------------------------- */

typedef struct rec {
    sim_time t;
    int what; /* 'f' fire, 's' stop, 'd' deferral */
    int64_t arg;
} rec;

typedef struct irig {
    rig base; /* the shared model test rig (../rig.h), trace discarded */
    simos_ios_config cfg;
    void *os;
    const simos_ops *ops;
    rec log[256];
    int n;
    bool finish_on_stop;
    bool quiet;          /* count instead of logging */
    bool plug_on_hold;   /* the deferral hook plugs the device in when told not_charging (once) */
    long fires, early;   /* quiet: launches, and stops before the 30 s limit */
    sim_time fired_at;
} irig;

static void log_rec(irig *r, int what, int64_t arg)
{
    if (r->quiet) {
        if (what == 'f') {
            r->fires++;
            r->fired_at = sim_now(r->base.e);
        } else if (what == 's' && sim_now(r->base.e) - r->fired_at < 30000) {
            r->early++;
        }
        return;
    }
    cr_assert_lt(r->n, 256);
    r->log[r->n++] = (rec){sim_now(r->base.e), what, arg};
}

static void h_fire(void *ctx, sim_time due) { log_rec(ctx, 'f', due); }
static void h_stop(void *ctx, simos_stop why)
{
    irig *r = ctx;
    log_rec(r, 's', why);
    if (r->finish_on_stop)
        r->ops->finished(r->os, true); /* as the runner does after ending the run */
}
static void h_deferral(void *ctx, sim_reason reason)
{
    irig *r = ctx;
    log_rec(r, 'd', reason);
    if (r->plug_on_hold && reason == SIM_REASON_NOT_CHARGING) {
        r->plug_on_hold = false;
        r->base.d.plugged = true;
        mdl_emit(&r->base.d, MDL_SIG_PLUG, 0);
    }
}

static irig *irig_new_traced(const simos_ios_config *cfg, int version, rig_trace trace)
{
    irig *r = calloc(1, sizeof *r);
    cr_assert_not_null(r);
    rig_init(&r->base, MDL_IOS, version, 1, midnight, trace);
    r->cfg = *cfg;
    r->ops = simos_ios_desc.ops;
    r->finish_on_stop = true;
    simos_hooks hooks = {.ctx = r, .fire = h_fire, .stop = h_stop, .deferral = h_deferral};
    r->os = r->ops->create(&r->base.d, &hooks, &r->cfg);
    cr_assert_not_null(r->os);
    return r;
}

static irig *irig_new(const simos_ios_config *cfg, int version) { return irig_new_traced(cfg, version, RIG_TRACE_DISCARD); }

static void irig_free(irig *r)
{
    r->ops->destroy(r->os);
    rig_fini(&r->base);
    free(r);
}

/* Device changes as environment events. */
enum { EV_PLUG = 1, EV_UNPLUG, EV_SCREEN_ON, EV_SCREEN_OFF, EV_SWIPE, EV_OPEN, EV_CLOSE, EV_LPM_ON, EV_BAR_OFF };

static void on_env(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    irig *r = ctx;
    mdl_device *d = &r->base.d;
    switch ((int)arg) {
    case EV_PLUG: d->plugged = true; mdl_emit(d, MDL_SIG_PLUG, 0); break;
    case EV_UNPLUG: d->plugged = false; mdl_emit(d, MDL_SIG_UNPLUG, 0); break;
    case EV_SCREEN_ON: d->screen_on = true; mdl_emit(d, MDL_SIG_SCREEN_ON, 0); break;
    case EV_SCREEN_OFF: d->screen_on = false; mdl_emit(d, MDL_SIG_SCREEN_OFF, 0); break;
    case EV_SWIPE: mdl_emit(d, MDL_SIG_APP_SWIPE, 0); break;
    case EV_OPEN:
        d->app_foreground = true;
        d->usage.last_open = sim_now(r->base.e);
        mdl_emit(d, MDL_SIG_APP_OPEN, 0);
        break;
    case EV_CLOSE: d->app_foreground = false; mdl_emit(d, MDL_SIG_APP_CLOSE, 0); break;
    case EV_LPM_ON: d->power_save = true; mdl_emit(d, MDL_SIG_POWER_SAVE, 1); break;
    case EV_BAR_OFF: d->refresh_enabled = false; mdl_emit(d, MDL_SIG_SETTINGS, 0); break;
    default: break;
    }
}

static void at(irig *r, sim_time t, int ev)
{
    cr_assert_eq(sim_schedule(r->base.e, t, SIM_PHASE_ENVIRONMENT, on_env, r, (uint64_t)ev, NULL), SIM_OK);
}

static int schedule(irig *r, sim_time delay, unsigned constraints)
{
    bgt_schedule_req req = {.delay_ms = delay, .constraints = constraints, .mode = BGT_SCHEDULE_REPLACE};
    return r->ops->schedule(r->os, &req);
}

static void expect_log(irig *r, const rec *want, int n)
{
    for (int i = 0; i < r->n && i < n; i++)
        cr_expect(r->log[i].t == want[i].t && r->log[i].what == want[i].what && r->log[i].arg == want[i].arg,
                  "record %d: got (%lld, %c, %lld), want (%lld, %c, %lld)", i, (long long)r->log[i].t,
                  r->log[i].what, (long long)r->log[i].arg, (long long)want[i].t, want[i].what,
                  (long long)want[i].arg);
    cr_assert_eq(r->n, n, "%d records, want %d", r->n, n);
}

static simos_ios_config quick_processing(void)
{
    simos_ios_config c = defaults(17);
    c.processing_delay = sch_dist_fixed(0);
    c.processing_time_limit = sch_dist_fixed(4 * MIN);
    return c;
}

/* Processing waits for power [OBS], then runs at once (device idle since 5 min after the start),
 * and expires at its time limit. */
Test(model, processing_waits_for_power_then_expires)
{
    simos_ios_config c = quick_processing();
    irig *r = irig_new(&c, 17);
    r->base.d.usage.last_open = 0;
    cr_assert_eq(schedule(r, 30 * MIN, BGT_CONSTRAINT_NETWORK), BGT_OK);
    cr_assert_eq(r->ops->state(r->os), BGT_WORKER_ENQUEUED);
    at(r, HOUR, EV_PLUG);
    sim_run_until(r->base.e, 2 * HOUR);
    const rec want[] = {{30 * MIN, 'd', SIM_REASON_NOT_CHARGING}, {HOUR, 'd', SIM_REASON_NONE},
                        {HOUR, 'f', 30 * MIN}, {HOUR + 4 * MIN, 's', SIMOS_STOP_TIMEOUT}};
    expect_log(r, want, 4);
    cr_assert(r->base.d.dozing, "idle since 5 min after the start");
    cr_assert_eq(r->ops->state(r->os), BGT_WORKER_NONE, "the request was consumed");
    irig_free(r);
}

/* Idle threshold: processing runs exactly idle_after after the screen goes off, and is stopped
 * when the user picks the device up [DOC BGProcessingTask]. */
Test(model, processing_idle_threshold_and_user_stop)
{
    simos_ios_config c = quick_processing();
    c.processing_time_limit = sch_dist_fixed(10 * MIN);
    irig *r = irig_new(&c, 17);
    r->base.d.usage.last_open = 0;
    r->base.d.plugged = true;
    at(r, 0, EV_SCREEN_ON);
    at(r, HOUR, EV_SCREEN_OFF);
    at(r, HOUR + 7 * MIN, EV_SCREEN_ON);
    cr_assert_eq(schedule(r, 0, 0), BGT_OK);
    sim_run_until(r->base.e, 2 * HOUR);
    const rec want[] = {{0, 'd', SIM_REASON_DEVICE_IN_USE}, {HOUR + 5 * MIN, 'd', SIM_REASON_NONE},
                        {HOUR + 5 * MIN, 'f', 0}, {HOUR + 7 * MIN, 's', SIMOS_STOP_USER}};
    expect_log(r, want, 4);
    cr_assert_not(r->base.d.dozing);
    irig_free(r);
}

/* The device goes idle idle_after after the screen goes off and no earlier (simos_ios.c arm_idle
 * and cancel_idle: idle_event is pending exactly while it is not none): a screen-on within
 * idle_after cancels it, a second screen-off moves it (not a second timer), a screen-on after it
 * fired has nothing to cancel. */
Test(model, idle_timer_follows_the_screen)
{
    simos_ios_config c = quick_processing();
    irig *r = irig_new(&c, 17);
    at(r, 0, EV_SCREEN_ON);
    at(r, HOUR, EV_SCREEN_OFF);
    at(r, HOUR + 2 * MIN, EV_SCREEN_ON);
    at(r, HOUR + 3 * MIN, EV_SCREEN_OFF);
    at(r, 2 * HOUR, EV_SCREEN_ON);
    at(r, 3 * HOUR, EV_SCREEN_OFF);
    at(r, 3 * HOUR + 2 * MIN, EV_SCREEN_OFF);
    const struct {
        sim_time t;
        bool dozing;
    } want[] = {{HOUR + 5 * MIN, false}, {HOUR + 8 * MIN - 1, false}, {HOUR + 8 * MIN, true},
                {2 * HOUR, false},       {3 * HOUR + 5 * MIN, false}, {3 * HOUR + 7 * MIN - 1, false},
                {3 * HOUR + 7 * MIN, true}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        sim_run_until(r->base.e, want[i].t);
        cr_expect_eq(r->base.d.dozing, want[i].dozing, "at %lld ms: dozing %d", (long long)want[i].t,
                     r->base.d.dozing);
    }
    irig_free(r);
}

/* Processing's dasd delay: launch exactly at gates-open + the drawn delay (fixed here). */
Test(model, processing_delay_reported_as_score)
{
    simos_ios_config c = quick_processing();
    c.processing_delay = sch_dist_fixed(12 * MIN);
    irig *r = irig_new(&c, 17);
    r->base.d.usage.last_open = 0;
    r->base.d.plugged = true;
    cr_assert_eq(schedule(r, HOUR, 0), BGT_OK);
    sim_run_until(r->base.e, 2 * HOUR);
    const rec want[] = {{HOUR, 'd', SIM_REASON_SCORE}, {HOUR + 12 * MIN, 'd', SIM_REASON_NONE},
                        {HOUR + 12 * MIN, 'f', HOUR}, {HOUR + 16 * MIN, 's', SIMOS_STOP_TIMEOUT}};
    expect_log(r, want, 4);
    irig_free(r);
}

/* Events fired in (from, to]. */
static uint64_t fired_between(irig *r, sim_time from, sim_time to)
{
    sim_run_until(r->base.e, from);
    uint64_t n = sim_fired_count(r->base.e);
    sim_run_until(r->base.e, to);
    return sim_fired_count(r->base.e) - n;
}

/* A signal's evaluation replaces the pending periodic one (simos_ios.c arm_eval: the later one is
 * cancelled, the evaluation schedules the next): the next comes reevaluate_every after the signal,
 * the old one never fires, and after a launch none is left. */
Test(model, signal_evaluation_replaces_the_periodic_one)
{
    simos_ios_config c = quick_processing();
    irig *r = irig_new(&c, 17);
    r->base.d.usage.last_open = 0;
    cr_assert_eq(schedule(r, 0, 0), BGT_OK);
    at(r, 12 * MIN, EV_SCREEN_ON);
    at(r, 17 * MIN + 30000, EV_SCREEN_OFF);
    at(r, 25 * MIN, EV_PLUG);
    cr_assert_eq(fired_between(r, 12 * MIN, 17 * MIN - 1), 0, "nothing at 15 min: the periodic one moved");
    cr_assert_eq(fired_between(r, 17 * MIN - 1, 17 * MIN), 1, "the next 5 min after the signal's");
    cr_assert_eq(fired_between(r, 25 * MIN, 29 * MIN - 1), 0, "launched at 25 min: no evaluation left");
    const rec want[] = {{0, 'd', SIM_REASON_NOT_CHARGING}, {25 * MIN, 'd', SIM_REASON_NONE}, {25 * MIN, 'f', 0}};
    expect_log(r, want, 3);
    irig_free(r);
}

/* The model is on the bus's list of every signal but the three its listener returns from at once
 * (its own doze, the runner's worker, motion): a signal left out by mistake would go unanswered. */
Test(model, listens_to_every_signal_but_the_ignored)
{
    simos_ios_config c = quick_processing();
    irig *r = irig_new(&c, 17);
    const mdl_device *d = &r->base.d;
    for (int sig = MDL_SIG_PLUG; sig < MDL_SIG_COUNT; sig++) {
        int on = 0;
        for (int k = 0; k < d->by_signal_count[sig]; k++)
            on += d->by_signal[sig][k].ctx == r->os;
        bool ignored = sig == MDL_SIG_DOZE || sig == MDL_SIG_WORKER || sig == MDL_SIG_MOTION;
        cr_expect_eq(on, ignored ? 0 : 1, "signal %s: on %d lists", mdl_signal_name((mdl_signal)sig), on);
    }
    irig_free(r);
}

/* Force quit blocks until the next open [FORUM 119758, 685525]; on iOS 19+ processing goes on. */
Test(model, force_quit_until_open)
{
    simos_ios_config c = quick_processing();
    irig *r = irig_new(&c, 17);
    r->base.d.usage.last_open = 0;
    r->base.d.plugged = true;
    at(r, 30 * MIN, EV_SWIPE);
    at(r, 3 * HOUR, EV_OPEN);
    at(r, 3 * HOUR, EV_CLOSE);
    cr_assert_eq(schedule(r, HOUR, 0), BGT_OK);
    sim_run_until(r->base.e, 4 * HOUR);
    const rec want[] = {{HOUR, 'd', SIM_REASON_FORCE_QUIT}, {3 * HOUR, 'd', SIM_REASON_NONE},
                        {3 * HOUR, 'f', HOUR}, {3 * HOUR + 4 * MIN, 's', SIMOS_STOP_TIMEOUT}};
    expect_log(r, want, 4);
    irig_free(r);

    simos_ios_config c19 = quick_processing();
    simos_ios_desc.defaults(&c19, 19);
    c19.processing_delay = sch_dist_fixed(0);
    c19.processing_time_limit = sch_dist_fixed(4 * MIN);
    r = irig_new(&c19, 19);
    r->base.d.usage.last_open = 0;
    r->base.d.plugged = true;
    at(r, 30 * MIN, EV_SWIPE);
    cr_assert_eq(schedule(r, HOUR, 0), BGT_OK);
    sim_run_until(r->base.e, 2 * HOUR);
    cr_assert(simos_ios_force_quit(r->os));
    const rec want19[] = {{HOUR, 'f', HOUR}, {HOUR + 4 * MIN, 's', SIMOS_STOP_TIMEOUT}};
    expect_log(r, want19, 2);
    irig_free(r);
}

/* Low Power Mode [DOC] and a cancel: the deferral is closed with none at the cancel. */
Test(model, low_power_mode_then_cancel)
{
    simos_ios_config c = quick_processing();
    irig *r = irig_new(&c, 17);
    r->base.d.usage.last_open = 0;
    r->base.d.plugged = true;
    at(r, 10 * MIN, EV_LPM_ON);
    cr_assert_eq(schedule(r, HOUR, 0), BGT_OK);
    sim_run_until(r->base.e, 2 * HOUR);
    cr_assert_eq(r->ops->cancel(r->os), BGT_OK);
    sim_run_until(r->base.e, 3 * HOUR);
    const rec want[] = {{HOUR, 'd', SIM_REASON_LOW_POWER_MODE}, {2 * HOUR, 'd', SIM_REASON_NONE}};
    expect_log(r, want, 2);
    cr_assert_eq(r->ops->state(r->os), BGT_WORKER_NONE);
    irig_free(r);
}

/* BAR off: submit is refused (unavailable -> BGT_E_BACKEND), nothing is pending, and from the
 * instant it would have been due the core's wanted worker is held for refresh_off. */
Test(model, refresh_off_refuses_submit)
{
    simos_ios_config c = quick_processing();
    irig *r = irig_new(&c, 17);
    r->base.d.usage.last_open = 0;
    r->base.d.plugged = true;
    r->base.d.refresh_enabled = false;
    cr_assert_eq(schedule(r, HOUR, 0), BGT_E_BACKEND);
    cr_assert_eq(r->ops->state(r->os), BGT_WORKER_NONE);
    sim_run_until(r->base.e, 2 * HOUR);
    r->ops->cancel(r->os);
    sim_run_until(r->base.e, 3 * HOUR);
    const rec want[] = {{HOUR, 'd', SIM_REASON_REFRESH_OFF}, {2 * HOUR, 'd', SIM_REASON_NONE}};
    expect_log(r, want, 2);
    irig_free(r);
}

/* Refresh: 30 s limit [DOC], 15 min rate limit [OBS], then the energy budget (60 s a day, 20 s a
 * launch) at its exact refill instant. A daily user's history makes the score clear 0.85. */
Test(model, refresh_rate_limit_and_budget)
{
    simos_ios_config c = defaults(17);
    c.request = SIMOS_IOS_REFRESH;
    c.early_expiry = 0;
    irig *r = irig_new(&c, 17);
    r->base.d.usage.last_open = 0;
    for (int i = 0; i < MDL_HOURS_OF_WEEK; i++)
        r->base.d.usage.opens_by_hour_of_week[i] = 2;
    cr_assert_eq(schedule(r, 0, 0), BGT_OK);
    sim_run_until(r->base.e, 30 * 1000);
    cr_assert_eq(schedule(r, 0, 0), BGT_OK);
    sim_run_until(r->base.e, 15 * MIN + 30 * 1000);
    cr_assert_eq(schedule(r, 0, 0), BGT_OK);
    sim_run_until(r->base.e, 2 * DAY);
    /* the budget in ms x ms-per-day, by hand */
    const int64_t D = SIM_MS_PER_DAY, C = 60000;
    int64_t L = C * D + C * 30000 - 50000 * D;              /* after run 1 (0 .. 30 s) */
    L += C * (930000 - 30000) - 50000 * D;                  /* after run 2 (15 m .. 15 m 30 s) */
    sim_time ok = 930000 + (-L) / C + 1;
    const rec want[] = {{0, 'f', 0}, {30000, 's', SIMOS_STOP_TIMEOUT},
                        {30000, 'd', SIM_REASON_RATE_LIMIT}, {15 * MIN + 30000 - 30000, 'd', SIM_REASON_NONE},
                        {15 * MIN, 'f', 30000}, {15 * MIN + 30000, 's', SIMOS_STOP_TIMEOUT},
                        {15 * MIN + 30000, 'd', SIM_REASON_RATE_LIMIT}, {30 * MIN, 'd', SIM_REASON_BUDGET},
                        {ok, 'd', SIM_REASON_NONE}, {ok, 'f', 15 * MIN + 30000}, {ok + 30000, 's', SIMOS_STOP_TIMEOUT}};
    expect_log(r, want, 11);
    irig_free(r);
}

/* Early expiry of refresh launches: 5 % [ASSUMPTION on the rate; FORUM 780956], binomial test. */
Test(model, refresh_early_expiry_rate)
{
    simos_ios_config c = defaults(17);
    c.request = SIMOS_IOS_REFRESH;
    c.energy_budget = 0;
    c.rate_limit[SIMOS_IOS_REFRESH] = 0;
    irig *r = irig_new(&c, 17);
    r->quiet = true;
    r->base.d.usage.last_open = 0;
    for (int i = 0; i < MDL_HOURS_OF_WEEK; i++)
        r->base.d.usage.opens_by_hour_of_week[i] = 2;
    enum { N = 4000 };
    for (int i = 0; i < N; i++) {
        cr_assert_eq(schedule(r, 0, 0), BGT_OK);
        sim_run_until(r->base.e, sim_now(r->base.e) + 31000);
    }
    cr_assert_eq(r->fires, N);
    /* two-sided binomial test at 1e-3 */
    double lo = gsl_cdf_binomial_P((unsigned)r->early, 0.05, N), hi = gsl_cdf_binomial_Q((unsigned)r->early - 1, 0.05, N);
    cr_log_info("early expiries %ld of %d", r->early, N);
    cr_assert(lo > 0.0005 && hi > 0.0005, "%ld early expiries of %d: P(<=) %g, P(>=) %g", r->early, N, lo, hi);
    irig_free(r);
}

/* ---- requests -------------------------------------------------------------------------------- */

Test(requests, limits_replace_and_errors)
{
    simos_ios_config c = defaults(17);
    irig *r = irig_new(&c, 17);
    char id[32];
    for (int i = 0; i < SIMOS_IOS_MAX_PROCESSING; i++) {
        snprintf(id, sizeof id, "p%d", i);
        cr_assert_eq(simos_ios_submit(r->os, id, SIMOS_IOS_PROCESSING, HOUR, false, false), SIMOS_IOS_OK);
    }
    cr_assert_eq(simos_ios_pending(r->os, SIMOS_IOS_PROCESSING), 10);
    cr_assert_eq(simos_ios_submit(r->os, "p10", SIMOS_IOS_PROCESSING, HOUR, false, false), SIMOS_IOS_E_TOO_MANY);
    cr_assert_eq(simos_ios_submit(r->os, "p3", SIMOS_IOS_PROCESSING, 2 * HOUR, true, true), SIMOS_IOS_OK,
                 "a submit for a pending identifier replaces it");
    cr_assert_eq(simos_ios_pending(r->os, SIMOS_IOS_PROCESSING), 10);
    cr_assert_eq(simos_ios_submit(r->os, "r", SIMOS_IOS_REFRESH, HOUR, false, false), SIMOS_IOS_E_NOT_PERMITTED,
                 "expo declares only the processing background mode");
    simos_ios_cancel_id(r->os, "p0");
    cr_assert_eq(simos_ios_pending(r->os, SIMOS_IOS_PROCESSING), 9);
    r->base.d.refresh_enabled = false;
    cr_assert_eq(simos_ios_submit(r->os, "p0", SIMOS_IOS_PROCESSING, HOUR, false, false), SIMOS_IOS_E_UNAVAILABLE);
    cr_assert_eq(simos_ios_pending(r->os, SIMOS_IOS_PROCESSING), 9);
    irig_free(r);

    c.request = SIMOS_IOS_REFRESH;
    r = irig_new(&c, 17);
    cr_assert_eq(simos_ios_submit(r->os, "r1", SIMOS_IOS_REFRESH, HOUR, false, false), SIMOS_IOS_OK);
    cr_assert_eq(simos_ios_submit(r->os, "r2", SIMOS_IOS_REFRESH, HOUR, false, false), SIMOS_IOS_E_TOO_MANY);
    cr_assert_eq(simos_ios_submit(r->os, "r1", SIMOS_IOS_REFRESH, 2 * HOUR, false, false), SIMOS_IOS_OK);
    cr_assert_eq(simos_ios_submit(r->os, "r1", SIMOS_IOS_PROCESSING, 2 * HOUR, false, false), SIMOS_IOS_OK,
                 "replacing the refresh request with a processing one frees the refresh slot");
    cr_assert_eq(simos_ios_submit(r->os, "r2", SIMOS_IOS_REFRESH, HOUR, false, false), SIMOS_IOS_OK);
    irig_free(r);
}

/* The worker's request is found by its slot (simos_ios.c worker()): another request that takes
 * the slot the worker's left free is not the worker, and the worker's next request is found
 * wherever it lands. */
Test(requests, worker_found_by_its_slot)
{
    simos_ios_config c = defaults(17);
    irig *r = irig_new(&c, 17);
    cr_assert_eq(schedule(r, HOUR, 0), BGT_OK);
    cr_assert_eq(r->ops->state(r->os), BGT_WORKER_ENQUEUED);
    cr_assert_eq(r->ops->cancel(r->os), BGT_OK);
    cr_assert_eq(r->ops->state(r->os), BGT_WORKER_NONE);
    cr_assert_eq(simos_ios_submit(r->os, "other", SIMOS_IOS_PROCESSING, HOUR, false, false), SIMOS_IOS_OK,
                 "takes the first free slot, the worker's");
    cr_assert_eq(r->ops->state(r->os), BGT_WORKER_NONE, "another request in the worker's old slot");
    cr_assert_eq(schedule(r, HOUR, 0), BGT_OK);
    cr_assert_eq(r->ops->state(r->os), BGT_WORKER_ENQUEUED);
    simos_ios_cancel_id(r->os, "other");
    cr_assert_eq(r->ops->state(r->os), BGT_WORKER_ENQUEUED, "cancelling another request leaves the worker's");
    cr_assert_eq(simos_ios_pending(r->os, SIMOS_IOS_PROCESSING), 1);
    simos_ios_cancel_id(r->os, SIMOS_IOS_WORKER_ID);
    cr_assert_eq(r->ops->state(r->os), BGT_WORKER_NONE);
    irig_free(r);
}

/* ---- whole scenarios ------------------------------------------------------------------------- */

static scn_scenario *load(const char *yaml)
{
    sch_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load_buffer("test.yaml", yaml, strlen(yaml), &diag, &s);
    if (rc != 0)
        sch_diag_print(&diag, stderr);
    sch_diag_free(&diag);
    cr_assert(rc == 0 && s, "scenario does not load");
    return s;
}

/* Runs with `seed`; returns the worker run starts (malloc'd) and their count; optional trace. */
static uint64_t last_events; /* run_starts: the engine events the last run fired */

static sim_time *run_starts(const scn_scenario *s, uint64_t seed, size_t *n, FILE *trace, uint64_t *fp)
{
    run_options opt = run_default_options(s);
    opt.seed = seed;
    opt.trace = trace;
    rep_record record;
    run_outcome out;
    cr_assert_eq(run_scenario(s, &opt, &record, &out), 0);
    sim_time *starts = malloc((record.worker_count + 1) * sizeof *starts);
    *n = 0;
    for (size_t i = 0; i < record.worker_count; i++)
        if (record.worker_runs[i].kind == REP_WORKER_RAN)
            starts[(*n)++] = record.worker_runs[i].start;
    if (fp)
        *fp = out.fingerprint;
    last_events = out.events;
    rep_record_free(&record);
    return starts;
}

/* Two-sided Student-t interval of the mean at 99.9 %. */
static void t_interval(const double *x, size_t n, double *lo, double *hi)
{
    double m = gsl_stats_mean(x, 1, n), sd = gsl_stats_sd(x, 1, n);
    double h = gsl_cdf_tdist_Pinv(1 - 0.0005, (double)(n - 1)) * sd / sqrt((double)n);
    *lo = m - h;
    *hi = m + h;
}

#define SEEDS 20

/* The start is 2026-01-05T07:00; local hour of a run start. */
static int local_hour(sim_time t) { return (int)(((t + 7 * HOUR) / HOUR) % 24); }

static const char nightly_yaml[] =
    "bgsim: 1\nplatform: ios\nduration: 14d\n"
    "device: { battery: { charging: { nightly: { from: \"23:30\", to: \"07:00\", probability: 100%% } } } }\n"
    "app:\n  switches: { keep_pending_worker: %s }\n  tasks:\n    - { name: sync, register_at: 5s }\n";

static double runs_per_night(const char *keep, double *night_share, double *lo, double *hi)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, nightly_yaml, keep);
    scn_scenario *s = load(yaml);
    double per[SEEDS];
    size_t night = 0, all = 0;
    for (int k = 0; k < SEEDS; k++) {
        size_t n;
        sim_time *st = run_starts(s, 100 + (uint64_t)k, &n, NULL, NULL);
        per[k] = (double)n / 14.0;
        for (size_t i = 0; i < n; i++) {
            int h = local_hour(st[i]);
            night += h >= 22 || h < 3;
        }
        all += n;
        free(st);
    }
    scn_scenario_free(s);
    *night_share = all ? (double)night / (double)all : 0;
    t_interval(per, SEEDS, lo, hi);
    cr_log_info("keep_pending_worker %s: runs per night in [%.3f, %.3f], 22:00-03:00 share %.3f", keep, *lo, *hi,
                *night_share);
    return gsl_stats_mean(per, 1, SEEDS);
}

/* I7.6: processing on a nightly-charged phone runs about once a night, mostly 22:00-03:00 (here
 * with the cold-launch re-submit switched off, keep_pending_worker: true). */
Test(calibration, processing_nightly_charge, .timeout = 60)
{
    double share, lo, hi;
    double m = runs_per_night("true", &share, &lo, &hi);
    cr_assert(lo >= 0.8 && hi <= 1.0, "runs per night %.3f in [%.3f, %.3f], want within 0.8..1", m, lo, hi);
    cr_assert_geq(share, 0.8, "share of runs 22:00-03:00 %.3f", share);
}

/* I5 cold-launch trap: expo's re-submit on every cold launch (the default) with a user who opens
 * the app through the day and evening pushes the earliest date past the night: far fewer runs. */
Test(calibration, cold_launch_trap, .timeout = 60)
{
    double share_off, share_on, lo_off, hi_off, lo_on, hi_on;
    double trap = runs_per_night("false", &share_off, &lo_off, &hi_off);
    double fixed = runs_per_night("true", &share_on, &lo_on, &hi_on);
    cr_log_info("runs per night: re-submit on cold launch %.3f, kept %.3f", trap, fixed);
    cr_assert_lt(hi_off, lo_on, "trap [%.3f, %.3f] vs kept [%.3f, %.3f]", lo_off, hi_off, lo_on, hi_on);
    cr_assert_lt(trap, 0.75 * fixed, "trap %.3f vs kept %.3f", trap, fixed);
}

Test(calibration, processing_never_charged, .timeout = 60)
{
    scn_scenario *s = load("bgsim: 1\nplatform: ios\nduration: 14d\n"
                           "device: { battery: { initial: 100%, charging: never } }\n"
                           "app:\n  tasks:\n    - { name: sync, register_at: 5s }\n");
    for (int k = 0; k < 5; k++) {
        size_t n;
        free(run_starts(s, (uint64_t)k, &n, NULL, NULL));
        cr_assert_eq(n, 0, "seed %d: %zu runs on a never-charged iPhone", k, n);
    }
    scn_scenario_free(s);
}

/* I7.6: refresh for a daily-used app: 1-8 runs a day, median 2-4, almost never at night. The
 * first week is the warm-up ("it can take days", OBS I3 #4, #5) and is left out. */
Test(calibration, refresh_daily_used_app, .timeout = 60)
{
    enum { FIRST = 7, LAST = 21 };
    scn_scenario *s = load("bgsim: 1\nplatform: ios\nos: { request: refresh }\nduration: 21d\n"
                           "app:\n  tasks:\n    - { name: sync, minimum_interval: 15m, register_at: 5s }\n");
    double per_day[SEEDS * (LAST - FIRST)];
    size_t nd = 0, night = 0, all = 0;
    for (int k = 0; k < SEEDS; k++) {
        size_t n;
        sim_time *st = run_starts(s, 200 + (uint64_t)k, &n, NULL, NULL);
        int counts[LAST] = {0};
        for (size_t i = 0; i < n; i++) {
            int day = (int)((st[i] + 7 * HOUR) / DAY);
            if (day >= FIRST && day < LAST) {
                counts[day]++;
                int h = local_hour(st[i]);
                night += h >= 23 || h < 6;
                all++;
            }
        }
        for (int d = FIRST; d < LAST; d++)
            per_day[nd++] = counts[d];
        free(st);
    }
    scn_scenario_free(s);
    gsl_sort(per_day, 1, nd);
    double median = gsl_stats_median_from_sorted_data(per_day, 1, nd);
    double p05 = gsl_stats_quantile_from_sorted_data(per_day, 1, nd, 0.05);
    double p95 = gsl_stats_quantile_from_sorted_data(per_day, 1, nd, 0.95);
    cr_log_info("refresh runs/day: p05 %.1f median %.1f p95 %.1f; night share %.4f", p05, median, p95,
                (double)night / (double)all);
    cr_assert(median >= 2 && median <= 4, "median %.1f", median);
    cr_assert(p05 >= 1 && p95 <= 8, "p05 %.1f p95 %.1f", p05, p95);
    cr_assert_lt((double)night / (double)all, 0.05, "night share");
}

typedef struct window_counts {
    size_t opened, launches, held;
} window_counts;

/* Runs s with `seeds` seeds from `first` and reads each trace: a window opens at a record of type
 * `open` and closes at one of type `close`. Fails on an os.launch inside a window and, when `held`
 * is given, on an os.defer with that reason outside one. Counts windows, launches and those holds. */
static window_counts launches_outside(const scn_scenario *s, uint64_t first, int seeds, const char *open,
                                      const char *close, const char *held)
{
    char open_type[64], close_type[64], held_reason[64];
    snprintf(open_type, sizeof open_type, "\"type\":\"%s\"", open);
    snprintf(close_type, sizeof close_type, "\"type\":\"%s\"", close);
    snprintf(held_reason, sizeof held_reason, "\"reason\":\"%s\"", held ? held : "");
    window_counts c = {0};
    for (uint64_t seed = first; seed < first + (uint64_t)seeds; seed++) {
        FILE *tr = tmpfile();
        cr_assert_not_null(tr);
        size_t n;
        free(run_starts(s, seed, &n, tr, NULL));
        rewind(tr);
        char line[4096];
        bool in = false;
        while (fgets(line, sizeof line, tr)) {
            if (strstr(line, open_type)) {
                in = true;
                c.opened++;
            } else if (strstr(line, close_type)) {
                in = false;
            } else if (strstr(line, "\"type\":\"os.launch\"")) {
                cr_assert_not(in, "seed %llu: launch between %s and %s: %s", (unsigned long long)seed, open, close, line);
                c.launches++;
            } else if (held && strstr(line, "\"type\":\"os.defer\"") && strstr(line, held_reason)) {
                cr_assert(in, "seed %llu: %s outside %s..%s: %s", (unsigned long long)seed, held, open, close, line);
                c.held++;
            }
        }
        fclose(tr);
    }
    return c;
}

/* Force quit in a whole run: no launch between a swipe and the next open (trace). */
Test(calibration, force_quit_no_runs_until_open, .timeout = 60)
{
    scn_scenario *s = load("bgsim: 1\nplatform: ios\nduration: 14d\n"
                           "device: { kills: { swipes: { per_week: 7 } } }\n"
                           "app:\n  switches: { keep_pending_worker: true }\n"
                           "  tasks:\n    - { name: sync, register_at: 5s }\n");
    window_counts c = launches_outside(s, 300, 5, "device.swipe", "app.foreground", NULL);
    scn_scenario_free(s);
    cr_assert_gt(c.opened, 10);
    cr_assert_gt(c.launches, 10);
}

Test(determinism, same_seed_same_fingerprint, .timeout = 30)
{
    scn_scenario *s = load("bgsim: 1\nplatform: ios\nos: { request: refresh }\nduration: 7d\n"
                           "app:\n  tasks:\n    - { name: sync, minimum_interval: 15m }\n");
    uint64_t a, b, c;
    size_t n;
    free(run_starts(s, 9, &n, NULL, &a));
    free(run_starts(s, 9, &n, NULL, &b));
    free(run_starts(s, 10, &n, NULL, &c));
    cr_assert_eq(a, b);
    cr_assert_neq(a, c);
    scn_scenario_free(s);
}

/* ---- the held verdict repeated (simos_ios.c: held_repeats) ----------------------------------- */

/* Counts the os.shortcut_check records of `trace` by their ok value; returns the trace without them
 * (malloc'd). */
static char *strip_checks(const char *trace, size_t *ok, size_t *bad)
{
    char *out = malloc(strlen(trace) + 1);
    cr_assert_not_null(out);
    size_t n = 0;
    *ok = *bad = 0;
    for (const char *line = trace; *line;) {
        size_t len = strcspn(line, "\n");
        len += line[len] == '\n';
        char record[4096]; /* the record alone, for strstr (its type and fields come first) */
        snprintf(record, sizeof record, "%.*s", (int)len, line);
        if (!strstr(record, "\"type\":\"os.shortcut_check\"")) {
            memcpy(out + n, line, len);
            n += len;
        } else if (strstr(record, "\"ok\":true")) {
            (*ok)++;
        } else {
            (*bad)++;
        }
        line += len;
    }
    out[n] = '\0';
    return out;
}

/* Runs s with `seed`, every repeated verdict checked against a full evaluation or not; returns the
 * trace (malloc'd) and the events fired (*events). */
static char *run_checked(scn_scenario *s, uint64_t seed, bool check, uint64_t *events)
{
    ((simos_ios_config *)s->os_config)->check_shortcut = check;
    char *buf = NULL;
    size_t len = 0, n;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    free(run_starts(s, seed, &n, f, NULL));
    fclose(f);
    *events = last_events;
    return buf;
}

/* Every input of the held verdict changed in every way the scenario language can change it, at
 * fixed instants and at random ones: scripted battery jumps across the critical level (plugged and
 * not), plug and unplug, network, Low Power Mode, Background App Refresh, swipe and open, reboots;
 * random charging, screen sessions, app visits, swipes and reboots; budgets (refresh). */
static const char shortcut_yaml[] =
    "bgsim: 1\nplatform: ios\nduration: 8d\n"
    "os: { request: %s, energy_budget: 30s, data_budget: 1m, critical_battery: %s }\n"
    "device:\n"
    "  battery: { initial: 35%%, charging: { nightly: { from: \"23:00\", to: \"06:00\", probability: 60%% } } }\n"
    "  network: { wifi: [ { days: weekdays, from: \"18:30\", to: \"08:00\" } ], cellular: true }\n"
    "  kills: { reboots: { per_week: 3, downtime: 10m }, swipes: { per_week: 3 } }\n"
    "user: { usage: { app_opens: { per_session: 20%% } } }\n"
    "app:\n  switches: { require_network: %s }\n"
    "  tasks:\n    - { name: sync, minimum_interval: 15m, register_at: 10s, work: { network: required } }\n"
    "events:\n"
    "  - { at: 1d2h, do: battery_level, level: 25%% }\n"
    "  - { at: 1d3h, do: battery_level, level: 15%% }\n"
    "  - { at: 1d4h, do: battery_level, level: 60%% }\n"
    "  - { at: 1d5h, do: plug }\n"
    "  - { at: 1d6h, do: battery_level, level: 10%% }\n"
    "  - { at: 1d7h, do: unplug }\n"
    "  - { at: 1d8h, do: battery_level, level: 19%% }\n"
    "  - { at: 1d9h, do: battery_level, level: 21%% }\n"
    "  - { at: 1d10h, do: battery_level, level: 27%% }\n"
    "  - { at: 1d11h, do: battery_level, level: 24%% }\n"
    "  - { at: 1d12h, do: battery_level, level: 26%% }\n"
    "  - { at: 2d1h, do: network, state: none }\n"
    "  - { at: 2d3h, do: network, state: schedule }\n"
    "  - { at: 2d5h, do: low_power_mode, enabled: true }\n"
    "  - { at: 2d9h, do: low_power_mode, enabled: false }\n"
    "  - { at: 3d2h, do: background_app_refresh, enabled: false }\n"
    "  - { at: 3d4h, do: background_app_refresh, enabled: true }\n"
    "  - { at: 3d6h, do: swipe }\n"
    "  - { at: 3d9h, do: open }\n"
    "  - { at: 3d9h5m, do: close }\n"
    "  - { at: 4d2h, do: reboot, downtime: 20m }\n"
    "  - { at: 5d1h, do: plug }\n"
    "  - { at: 5d1h30m, do: battery_level, level: 5%% }\n"
    "  - { at: 5d2h, do: unplug }\n";

/* The repeated verdict equals the full evaluation's at every periodic re-evaluation it replaces
 * (check_shortcut evaluates in full and traces whether it came to the same verdict and next
 * instant), and the trace with the shortcut is the full evaluations' trace, byte for byte. The
 * same runs check the model's stored time of its pending evaluation (eval_at) against the engine's
 * at every arm_eval: a mismatch is a bad check too (not setting it after the evaluation a signal
 * asks for, tried: 155 bad), as is the model's record of whether its re-arm post is pending
 * disagreeing with the engine's (post_pending without its handle test, tried: 152 bad). Both runs
 * fire the same number of events: the evaluation a screen change, an app close or a kill asks for
 * while a screen-free verdict is held is a re-arm post with the shortcuts (held_after_change), a
 * real event with check_shortcut (the post not made, tried: the counts differ). The runs take
 * about 200 closes and 70 kills that way; taking the open, the plug or a network change that way
 * too (tried) fails the check. */
static void shortcut_equals_full_with(const char *request, const char *critical, const char *require_network)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml, shortcut_yaml, request, critical, require_network);
    scn_scenario *s = load(yaml);
    size_t all_ok = 0;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        uint64_t events_checked, events_fast;
        char *checked = run_checked(s, seed, true, &events_checked);
        char *fast = run_checked(s, seed, false, &events_fast);
        size_t ok, bad;
        char *stripped = strip_checks(checked, &ok, &bad);
        cr_assert_eq(bad, 0, "%s seed %llu: %zu repeated verdicts differ from the full evaluation", request,
                     (unsigned long long)seed, bad);
        cr_assert_str_eq(stripped, fast, "%s seed %llu: the trace differs", request, (unsigned long long)seed);
        cr_assert_eq(events_checked, events_fast, "%s seed %llu: %llu events fired, %llu with the shortcuts", request,
                     (unsigned long long)seed, (unsigned long long)events_checked, (unsigned long long)events_fast);
        all_ok += ok;
        free(stripped);
        free(checked);
        free(fast);
    }
    cr_log_info("%s: %zu repeated verdicts checked", request, all_ok);
    cr_assert_geq(all_ok, 200, "%s: only %zu verdicts repeated: the test checks little", request, all_ok);
    scn_scenario_free(s);
}

static void shortcut_equals_full(const char *request, const char *critical)
{
    shortcut_equals_full_with(request, critical, "true");
}

/* 25 %: a level no other model watches (Low Power Mode's prompt is at 20 %), so only the iOS
 * model's own watch signals its crossing. */
Test(shortcut, processing_equals_full_evaluation, .timeout = 60) { shortcut_equals_full("processing", "25%"); }
Test(shortcut, refresh_equals_full_evaluation, .timeout = 60) { shortcut_equals_full("refresh", "25%"); }
Test(shortcut, default_critical_level, .timeout = 60) { shortcut_equals_full("processing", "20%"); }
/* A request that needs no connection (expo's requiresNetworkConnectivity off by the core's switch):
 * a network change leaves every gate as it was, whatever the held verdict (simos_ios.c:
 * keeps_early_gates), where the runs above hold on `network` and lose and regain the connection
 * under not_charging. */
Test(shortcut, network_not_required, .timeout = 60) { shortcut_equals_full_with("processing", "25%", "false"); }

/* The check can fail: an input changed without a signal (which no model does: the plug emits
 * MDL_SIG_PLUG) is seen by the full evaluation and not by the repeated verdict. */
Test(shortcut, check_sees_an_unsignalled_change)
{
    simos_ios_config c = quick_processing();
    c.check_shortcut = true;
    irig *r = irig_new_traced(&c, 17, RIG_TRACE_KEEP);
    r->base.d.usage.last_open = 0;
    cr_assert_eq(schedule(r, 0, 0), BGT_OK);
    sim_run_until(r->base.e, 32 * MIN);
    size_t ok, bad;
    free(strip_checks(rig_trace_text(&r->base), &ok, &bad));
    cr_assert(ok >= 5 && bad == 0, "held on not_charging, re-evaluated every 5 min: %zu ok, %zu not", ok, bad);
    r->base.d.plugged = true; /* no signal */
    sim_run_until(r->base.e, 36 * MIN);
    free(strip_checks(rig_trace_text(&r->base), &ok, &bad));
    cr_assert_eq(bad, 1, "the full evaluation at 35 min launches: not the held verdict");
    const rec want[] = {{0, 'd', SIM_REASON_NOT_CHARGING}, {35 * MIN, 'd', SIM_REASON_NONE}, {35 * MIN, 'f', 0}};
    expect_log(r, want, 3);
    irig_free(r);
}

/* An input that changes while the evaluation that held the worker back reports it (here the
 * deferral hook plugs the device in) ends the verdict at once: the evaluation the signal asks for,
 * at the same ms, launches. */
Test(shortcut, change_during_the_evaluation_ends_the_verdict)
{
    simos_ios_config c = quick_processing();
    irig *r = irig_new(&c, 17);
    r->base.d.usage.last_open = 0;
    r->plug_on_hold = true;
    cr_assert_eq(schedule(r, 10 * MIN, 0), BGT_OK);
    sim_run_until(r->base.e, HOUR);
    const rec want[] = {{10 * MIN, 'd', SIM_REASON_NOT_CHARGING}, {10 * MIN, 'd', SIM_REASON_NONE},
                        {10 * MIN, 'f', 10 * MIN}, {14 * MIN, 's', SIMOS_STOP_TIMEOUT}};
    expect_log(r, want, 4);
    irig_free(r);
}

/* The device is down from a reboot to its boot and at no other time (simos_ios.c asks the kills
 * model only before boot_at): with frequent reboots on a charging, idle phone, the request is held
 * as device_down during downtimes and never launched in one. */
Test(shortcut, device_down_only_between_reboot_and_boot, .timeout = 60)
{
    scn_scenario *s = load("bgsim: 1\nplatform: ios\nduration: 7d\n"
                           "device:\n  kills: { reboots: { per_week: 60, downtime: 40m } }\n"
                           "app:\n  tasks:\n    - { name: sync, minimum_interval: 15m, register_at: 10s }\n"
                           "events:\n  - { at: 1s, do: plug }\n");
    window_counts c = launches_outside(s, 1, 3, "device.reboot", "device.boot", "device_down");
    cr_log_info("%zu reboots, %zu launches, %zu holds as device_down", c.opened, c.launches, c.held);
    cr_assert_geq(c.launches, 20);
    cr_assert_geq(c.held, 5);
    scn_scenario_free(s);
}

/* ---- parse ------------------------------------------------------------------------------------ */

static void expect_error(const char *os, const char *want) { os_section_expect_error("ios", os, want); }

Test(parse, errors)
{
    expect_error("{ idle_after: 2d }", "t.yaml:4:19: os.idle_after: expected a duration from 0 to 1d, found '2d'");
    expect_error("{ request: fetch }",
                 "t.yaml:4:16: os.request: expected 'processing' or 'refresh', found 'fetch'");
    expect_error("{ lookahead: 2h }", "t.yaml:4:18: os.lookahead: expected a duration from 1m to 1h, found '2h'");
    expect_error("{ threshold_min: 0.9 }",
                 "t.yaml:4:22: os.threshold_min: expected a threshold of at most threshold_start (0.85), found '0.9'");
    expect_error("{ early_expiry: 2 }",
                 "t.yaml:4:21: os.early_expiry: expected a probability from 0 to 1, found '2' (for a percentage write 2%)");
    expect_error("{ idle_afer: 5m }",
                 "t.yaml:4:7: os: unknown key 'idle_afer' (did you mean 'idle_after'?)");
}

Test(parse, values_and_version_defaults)
{
    scn_scenario *s = load("bgsim: 1\nplatform: ios\nduration: 1d\n"
                           "os: { version: 19, request: refresh, idle_after: 10m, critical_battery: 10%,\n"
                           "      processing_time_limit: { uniform: [1m, 2m] }, energy_budget: 0 }\n"
                           "app:\n  tasks:\n    - name: a\n");
    const simos_ios_config *c = s->os_config;
    cr_assert_eq(c->request, SIMOS_IOS_REFRESH);
    cr_assert_eq(c->idle_after, 10 * MIN);
    cr_assert_eq(c->critical_battery_permille, 100);
    cr_assert_eq(c->energy_budget, 0);
    cr_assert_not(c->force_quit_blocks_processing, "iOS 19: processing runs after force-quit");
    cr_assert_eq(c->refresh_time_limit, 30 * 1000);
    cr_assert_eq(c->rate_limit[SIMOS_IOS_REFRESH], 15 * MIN);
    scn_scenario_free(s);
}
