/*
 * test_battery.c - the battery model on a real engine and device: crossing times computed by hand
 * from the rates (tolerance 0 ms: the level is exact integer arithmetic and a crossing is defined
 * as the first ms on the other side, so there is nothing to round), re-anchoring on device
 * signals, the charging taper, battery-low hysteresis both ways, iOS Low Power Mode and the
 * Android battery saver, charging-habit statistics against their parameters (GSL confidence
 * intervals over thousands of seeded nights and days), the trace records, determinism, a
 * randomized exactness check of every crossing, and the exact parse errors.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_battery.h"
#include "mdl_battery_internal.h"
#include "rig.h"

#define H(x) SIM_HOURS(x)
#define M(x) SIM_MINUTES(x)
#define PERMILLE_LU (MDL_BATTERY_FULL_LU / 1000)

/* ---- the rig (../rig.h) with the battery model and a log of the signals it emits ---- */

typedef struct event {
    sim_time t;
    mdl_signal sig;
    int64_t arg;
    bool up;       /* BATTERY_LEVEL: the crossing's direction */
    bool low;      /* mdl_battery_low() when the signal arrived */
    bool plugged, power_save;
    int64_t lu, lu_before; /* level now and 1 ms earlier */
} event;

typedef struct brig {
    rig base;          /* the shared model test rig (../rig.h) */
    mdl_battery_config cfg;
    event ev[20000];
    int n;
    bool check_exact; /* assert every crossing's exactness as it happens */
    int checked;      /* random_signal: signals after which the kept crossing was checked */
    sim_time gap;     /* random_signal: at most this long between signals (0: 3 h) */
    bool bounded;     /* random_signal: a screen-on sets d->screen_off_by and turns off by then; with
                       * the screen off, a dozing change sets d->doze_change_by and changes by then,
                       * and two screen-offs in three set d->screen_on_by and turn on by then */
    uint64_t session; /* random_signal: screen-ons so far (a bound's screen-off acts on its own) */
    uint64_t doze_session; /* random_signal: doze bounds so far (a bound's change acts on its own) */
    int deferred;     /* random_signal: signals after which a crossing's re-arm was deferred */
    int deferred_off; /* the same with the screen off (on a doze or screen-on bound) */
    int deferred_on_bound; /* the same on the screen-on bound alone (no doze bound) */
} brig;

static void assert_exact(const event *e)
{
    int64_t x = e->arg * PERMILLE_LU;
    if (e->up)
        cr_assert(e->lu >= x && e->lu_before < x, "up crossing of %lld at %lld: level %lld, 1 ms before %lld",
                  (long long)e->arg, (long long)e->t, (long long)e->lu, (long long)e->lu_before);
    else
        cr_assert(e->lu < x && e->lu_before >= x, "down crossing of %lld at %lld: level %lld, 1 ms before %lld",
                  (long long)e->arg, (long long)e->t, (long long)e->lu, (long long)e->lu_before);
}

static void record(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    brig *r = ctx;
    if (sig != MDL_SIG_BATTERY_LEVEL && sig != MDL_SIG_PLUG && sig != MDL_SIG_UNPLUG && sig != MDL_SIG_POWER_SAVE)
        return;
    if (r->n == (int)(sizeof r->ev / sizeof r->ev[0]))
        return;
    sim_time now = sim_now(d->engine);
    event *e = &r->ev[r->n++];
    *e = (event){.t = now, .sig = sig, .arg = arg, .up = mdl_battery_last_crossing_up(d), .low = mdl_battery_low(d),
                 .plugged = d->plugged, .power_save = d->power_save, .lu = mdl_battery_level_lu(d, now),
                 .lu_before = mdl_battery_level_lu(d, now > 0 ? now - 1 : 0)};
    if (sig == MDL_SIG_BATTERY_LEVEL && r->check_exact)
        assert_exact(e);
}

/* The rig starts at Monday midnight; the battery's defaults with every drain and the nightly
 * charge off, so that a test turns on only what it checks. */
static brig *brig_new(mdl_platform platform)
{
    brig *r = calloc(1, sizeof *r);
    cr_assert_not_null(r);
    rig_init(&r->base, platform, 14, 1, RIG_MONDAY, RIG_TRACE_KEEP);
    r->base.d.net = MDL_NET_NONE;
    mdl_battery_model.defaults(&r->cfg, platform);
    r->cfg.nightly = false;
    r->cfg.drain_screen_on_mp = r->cfg.drain_idle_mp = r->cfg.drain_dozing_mp = 0;
    r->cfg.drain_worker_mp = r->cfg.drain_network_mp = 0;
    return r;
}

static void brig_start(brig *r) { rig_start(&r->base, &mdl_battery_model, &r->cfg, record, r); }

static void brig_free(brig *r)
{
    rig_fini(&r->base);
    free(r);
}

/* A nightly "charge" at fixed times: jitter 0, every night. */
static void fixed_charge(brig *r, sim_time from, sim_time to)
{
    r->cfg.nightly = true;
    r->cfg.nightly_from = from;
    r->cfg.nightly_to = to;
    r->cfg.nightly_jitter = 0;
    r->cfg.nightly_probability = 1.0;
}

typedef struct line_search {
    const char *want;
    bool found;
} line_search;

static void match_line(void *ctx, const char *line)
{
    line_search *q = ctx;
    q->found |= strncmp(line, q->want, strlen(q->want)) == 0 && strcmp(line + strlen(q->want), "\n") == 0;
}

static bool has_trace_line(brig *r, const char *want)
{
    line_search q = {want, false};
    rig_lines(&r->base, match_line, &q);
    return q.found;
}

typedef struct want {
    sim_time t;
    mdl_signal sig;
    int64_t arg;
    bool up;
} want;

/* The BATTERY_LEVEL, PLUG, UNPLUG and POWER_SAVE signals, in order, exactly. */
static void assert_events(const brig *r, const want *w, int n)
{
    for (int i = 0; i < n && i < r->n; i++) {
        const event *e = &r->ev[i];
        bool dir_ok = e->sig != MDL_SIG_BATTERY_LEVEL || e->up == w[i].up;
        cr_assert(e->t == w[i].t && e->sig == w[i].sig && e->arg == w[i].arg && dir_ok,
                  "event %d: got t=%lld %s %lld%s, want t=%lld %s %lld%s", i, (long long)e->t, mdl_signal_name(e->sig),
                  (long long)e->arg, e->sig == MDL_SIG_BATTERY_LEVEL ? (e->up ? " up" : " down") : "",
                  (long long)w[i].t, mdl_signal_name(w[i].sig), (long long)w[i].arg,
                  w[i].sig == MDL_SIG_BATTERY_LEVEL ? (w[i].up ? " up" : " down") : "");
    }
    cr_assert_eq(r->n, n, "%d events, want %d", r->n, n);
}

#define LVL MDL_SIG_BATTERY_LEVEL
#define PLUG MDL_SIG_PLUG
#define UNPLUG MDL_SIG_UNPLUG
#define PS MDL_SIG_POWER_SAVE

/* ---- exact crossings ---- */

/* 50 % at 7 %/h: 20 % is reached at 30/7 h = 15428571.43 ms, so the first ms below 20 % is
 * 15428572; 16 % (whole percent 15 = the warning level: LOW) is reached at 34/7 h = 17485714.29
 * ms, so the first ms below is 17485715. */
Test(battery, drain_crossings_are_at_the_hand_computed_ms)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 50000;
    r->cfg.drain_idle_mp = 7000;
    brig_start(r);
    cr_assert_eq(mdl_battery_level_permille(&r->base.d, 0), 500);
    sim_run_until(r->base.e, H(24));
    want w[] = {{15428572, LVL, 200, false}, {17485715, LVL, 160, false}};
    assert_events(r, w, 2);
    cr_assert(r->ev[1].low, "battery low when the whole percent falls to 15");
    cr_assert_not(r->ev[0].low, "not low at 20 %%");
    cr_assert(mdl_battery_low(&r->base.d));
    cr_assert_eq(mdl_battery_level_lu(&r->base.d, H(24)), 0, "the level stops at 0 %%");
    cr_assert_eq(mdl_battery_level_permille(&r->base.d, H(5)), 150);
    brig_free(r);
}

static void set_screen(sim_engine *e, void *ctx, uint64_t on)
{
    (void)e;
    brig *r = ctx;
    r->base.d.screen_on = on;
    mdl_emit(&r->base.d, on ? MDL_SIG_SCREEN_ON : MDL_SIG_SCREEN_OFF, 0);
}

/* idle 2 %/h, screen 12 %/h. Screen on at 1 h (48 %); off at 3 h (48 - 24 = 24 %): 20 % after
 * 2 h more at 2 %/h, first ms below at 18000000 + 1; 16 % 2 h later: 25200000 + 1. Without the
 * re-anchors 20 % would be crossed at 15 h + 1 ms, and with the screen left on at 1 h + 28/12 h. */
Test(battery, screen_signals_reanchor_the_segment)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 50000;
    r->cfg.drain_idle_mp = 2000;
    r->cfg.drain_screen_on_mp = 12000;
    brig_start(r);
    sim_schedule(r->base.e, H(1), SIM_PHASE_ENVIRONMENT, set_screen, r, 1, NULL);
    sim_schedule(r->base.e, H(3), SIM_PHASE_ENVIRONMENT, set_screen, r, 0, NULL);
    sim_run_until(r->base.e, H(12));
    want w[] = {{H(5) + 1, LVL, 200, false}, {H(7) + 1, LVL, 160, false}};
    assert_events(r, w, 2);
    brig_free(r);
}

/* A drain change at the very ms a crossing is due, before the crossing's event fires there: the
 * level is already below, so the threshold is crossed at that ms (reanchor must not keep the
 * pending crossing and move it by the new rate: 2 %/h idle, 20 % first below at 15 h + 1 ms; the
 * screen signal was scheduled before the battery started, so it comes first in that ms). */
Test(battery, a_drain_change_at_the_crossing_ms_crosses_then)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 50000;
    r->cfg.drain_idle_mp = 2000;
    r->cfg.drain_screen_on_mp = 12000;
    sim_schedule(r->base.e, H(15) + 1, SIM_PHASE_ENVIRONMENT, set_screen, r, 1, NULL);
    brig_start(r);
    sim_run_until(r->base.e, H(16));
    cr_assert(r->n >= 1);
    cr_assert_eq(r->ev[0].t, H(15) + 1);
    cr_assert_eq(r->ev[0].arg, 200);
    cr_assert(mdl_battery_crossing_is_current(&r->base.d));
    brig_free(r);
}

/* Reads the level at fixed times, after the environment events of that ms. */
typedef struct probe {
    brig *r;
    int permille[8];
    int n;
} probe;

static void probe_level(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    probe *p = ctx;
    p->permille[p->n++] = mdl_battery_level_permille(&p->r->base.d, sim_now(e));
}

static void set_state(sim_engine *e, void *ctx, uint64_t what)
{
    (void)e;
    brig *r = ctx;
    switch (what) {
    case 0: r->base.d.net = MDL_NET_NONE; mdl_emit(&r->base.d, MDL_SIG_NETWORK, 0); break;
    case 1: r->base.d.worker_running = false; mdl_emit(&r->base.d, MDL_SIG_WORKER, 0); break;
    case 2: r->base.d.dozing = true; mdl_emit(&r->base.d, MDL_SIG_DOZE, 1); break;
    default: break;
    }
}

/* Worker + wifi from the start: idle 1 + worker 5 + network 3 = 9 %/h, 50 -> 41 % at 1 h. No
 * network: 6 %/h, 41 -> 35 % at 2 h. Worker stops (1 %/h), then Doze (0.3 %/h) at the same ms:
 * 35 -> 20 % takes 50 h, so 20 % is crossed at 52 h + 1 ms. */
Test(battery, drain_rate_is_base_plus_worker_plus_network)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 50000;
    r->cfg.drain_idle_mp = 1000;
    r->cfg.drain_screen_on_mp = 12000;
    r->cfg.drain_dozing_mp = 300;
    r->cfg.drain_worker_mp = 5000;
    r->cfg.drain_network_mp = 3000;
    r->base.d.worker_running = true;
    r->base.d.net = MDL_NET_WIFI;
    brig_start(r);
    sim_schedule(r->base.e, H(1), SIM_PHASE_ENVIRONMENT, set_state, r, 0, NULL);
    sim_schedule(r->base.e, H(2), SIM_PHASE_ENVIRONMENT, set_state, r, 1, NULL);
    sim_schedule(r->base.e, H(2), SIM_PHASE_ENVIRONMENT, set_state, r, 2, NULL);
    probe p = {.r = r};
    for (int h = 1; h <= 3; h++)
        sim_schedule(r->base.e, H(h), SIM_PHASE_OBSERVE, probe_level, &p, 0, NULL);
    sim_run_until(r->base.e, H(60));
    cr_assert(p.n == 3 && p.permille[0] == 410 && p.permille[1] == 350 && p.permille[2] == 347,
              "levels at 1, 2, 3 h: %d %d %d", p.permille[0], p.permille[1], p.permille[2]);
    want w[] = {{H(52) + 1, LVL, 200, false}};
    assert_events(r, w, 1);
    brig_free(r);
}

/* Plugged at 10:00 with 40 % (50 % minus 10 h at 1 %/h); 60 %/h to 80 % (40 min), 20 %/h above:
 * 80 % at 10:40, the 90 % watch at 11:10, 100 % at 11:40, all reached exactly (an upward crossing
 * is the first ms at or above). Unplugged at 13:00 at 100 %: 100 % is left 1 ms later, 90 % 10 h
 * later. */
Test(battery, charging_tapers_after_80_percent)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 50000;
    r->cfg.drain_idle_mp = 1000;
    r->cfg.watch_permille[0] = 900;
    r->cfg.watch_count = 1;
    fixed_charge(r, H(10), H(13));
    brig_start(r);
    sim_run_until(r->base.e, SIM_MS(100000000));
    want w[] = {
        {H(10), PLUG, 0, false},           {H(10) + M(40), LVL, 800, true}, {H(11) + M(10), LVL, 900, true},
        {H(11) + M(40), LVL, 1000, true},  {H(13), UNPLUG, 0, false},       {H(13) + 1, LVL, 1000, false},
        {H(23) + 1, LVL, 900, false},
    };
    assert_events(r, w, 7);
    cr_assert_eq(r->ev[0].lu, 40 * 10 * PERMILLE_LU);
    cr_assert(has_trace_line(r, "{\"t\":36000000,\"type\":\"battery.plug\",\"level_permille\":400,\"source\":\"nightly\"}"));
    cr_assert(has_trace_line(r, "{\"t\":38400000,\"type\":\"battery.level\",\"level_permille\":800,\"direction\":\"up\"}"));
    cr_assert(has_trace_line(r, "{\"t\":46800000,\"type\":\"battery.unplug\",\"level_permille\":1000,\"source\":\"nightly\"}"));
    cr_assert(has_trace_line(r, "{\"t\":46800001,\"type\":\"battery.level\",\"level_permille\":1000,\"direction\":\"down\"}"));
    brig_free(r);
}

/* The exported level function at the taper's kink, by hand: from 70 % at 60 %/h the level meets
 * 80 % at 10 min; 1 ms later it is 80 % + 20 %/h * 1 ms = 80 % + 20000 LU... (1 mp/h = 1 LU/ms). */
Test(battery, level_function_is_exact_at_the_kink)
{
    int64_t l0 = 70000 * MDL_BATTERY_LU_PER_MP, taper = 80000 * MDL_BATTERY_LU_PER_MP;
    cr_assert_eq(mdl_battery_level_after(l0, true, 0, 60000, taper, 20000, M(10)), taper);
    cr_assert_eq(mdl_battery_level_after(l0, true, 0, 60000, taper, 20000, M(10) + 1), taper + 20000);
    cr_assert_eq(mdl_battery_level_after(l0, true, 0, 60000, taper, 20000, M(10) - 1), taper - 60000);
    cr_assert_eq(mdl_battery_level_after(l0, true, 0, 60000, taper, 20000, M(10) + H(1)), MDL_BATTERY_FULL_LU);
    cr_assert_eq(mdl_battery_level_after(l0, true, 0, 60000, taper, 20000, H(100)), MDL_BATTERY_FULL_LU);
    cr_assert_eq(mdl_battery_level_after(l0, true, 0, 60000, taper, 0, H(1)), taper, "a zero taper rate holds at 80 %%");
    cr_assert_eq(mdl_battery_level_after(l0, false, 7000, 0, 0, 0, H(100)), 0);
    /* A kink between two ms: from 70 % at 70 %/h, 80 % falls at 10/70 h = 514285.71 ms. At 514286 ms
     * the level is 80 % + 20000 * (514286 * 70000 - 10 % in LU) / 70000, floored. */
    int64_t need = 10000 * MDL_BATTERY_LU_PER_MP;
    int64_t expect = taper + 20000 * (514286 * INT64_C(70000) - need) / 70000;
    cr_assert_eq(mdl_battery_level_after(l0, true, 0, 70000, taper, 20000, 514286), expect);
    cr_assert_eq(mdl_battery_level_after(l0, true, 0, 70000, taper, 20000, 514285), l0 + 514285 * INT64_C(70000));
}

/* A falling segment is empty from ceil(l0 / drain) on: level_after tests it with a product, not a
 * division. The same answers as the division's, at the boundary (+-1 ms), at random and at times
 * whose product with the rate overflows int64. */
static int64_t falling_by_division(int64_t l0, int64_t drain, sim_time dt)
{
    int64_t empty_at = l0 / drain + (l0 % drain != 0);
    return dt >= empty_at ? 0 : l0 - drain * dt;
}

Test(battery, falling_level_by_product_equals_by_division)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    cr_assert(rng);
    gsl_rng_set(rng, 24);
    for (int i = 0; i < 200000; i++) {
        uint64_t wide = (uint64_t)gsl_rng_get(rng) << 32 | gsl_rng_get(rng); /* levels reach 3.6e11 LU */
        int64_t l0 = (int64_t)(wide % (uint64_t)(MDL_BATTERY_FULL_LU + 1));
        int64_t drain = 1 + (int64_t)gsl_rng_uniform_int(rng, i % 2 ? 100000UL : 1000UL);
        int64_t empty_at = l0 / drain + (l0 % drain != 0);
        sim_time dts[] = {0, empty_at - 1, empty_at, empty_at + 1, (sim_time)gsl_rng_uniform_int(rng, 1UL << 31),
                          SIM_TIME_MAX, SIM_TIME_MAX / drain + 1};
        for (size_t k = 0; k < sizeof dts / sizeof dts[0]; k++) {
            if (dts[k] < 0)
                continue;
            cr_assert_eq(mdl_battery_level_after(l0, false, drain, 0, 0, 0, dts[k]), falling_by_division(l0, drain, dts[k]),
                         "l0 %lld drain %lld dt %lld", (long long)l0, (long long)drain, (long long)dts[k]);
        }
    }
    gsl_rng_free(rng);
}

/* ---- exactness of every crossing under random rates, habits and signals ---- */

/* The bound's screen-off (as usage's bedtime): turns the screen off if it is still the session
 * that set the bound. */
static void bound_off(sim_engine *e, void *ctx, uint64_t session)
{
    (void)e;
    brig *r = ctx;
    mdl_device *d = &r->base.d;
    if (!d->screen_on || session != r->session)
        return;
    d->screen_on = false;
    d->screen_off_by = SIM_TIME_MAX;
    mdl_emit(d, MDL_SIG_SCREEN_OFF, 0);
    cr_assert(mdl_battery_crossing_is_current(d), "crossing differs from a scan at the bound %lld", (long long)sim_now(e));
}

static void bound_doze_change(sim_engine *e, void *ctx, uint64_t session);

/* The screen-on bound's screen-on (as usage's next session): turns the screen on if it is still off
 * since the screen-off that set the bound. */
static void bound_on(sim_engine *e, void *ctx, uint64_t session)
{
    brig *r = ctx;
    mdl_device *d = &r->base.d;
    if (d->screen_on || session != r->session)
        return;
    d->screen_on = true;
    d->screen_on_by = SIM_TIME_MAX;
    d->screen_off_by = SIM_TIME_MAX;
    r->session++; /* a screen-on period without a bound of its own */
    d->doze_change_by = SIM_TIME_MAX;
    r->doze_session++;
    mdl_emit(d, MDL_SIG_SCREEN_ON, 0);
    cr_assert(mdl_battery_crossing_is_current(d), "crossing differs from a scan at the on bound %lld", (long long)sim_now(e));
}

/* A new doze bound (as Doze's change_by): with the screen off, d->dozing changes by then, on its
 * own (bound_doze_change) if no change came first; a screen change voids it. */
static void new_doze_bound(brig *r, uint64_t arg)
{
    mdl_device *d = &r->base.d;
    r->doze_session++;
    d->doze_change_by = SIM_TIME_MAX;
    if (!r->bounded || d->screen_on)
        return;
    d->doze_change_by = sim_now(r->base.e) + 1 + (sim_time)(arg >> 20) % H(8);
    sim_schedule(r->base.e, d->doze_change_by, SIM_PHASE_OS, bound_doze_change, r, r->doze_session, NULL);
}

static void bound_doze_change(sim_engine *e, void *ctx, uint64_t session)
{
    brig *r = ctx;
    mdl_device *d = &r->base.d;
    if (session != r->doze_session)
        return;
    d->dozing = !d->dozing;
    new_doze_bound(r, session * 6364136223846793005u);
    mdl_emit(d, MDL_SIG_DOZE, d->dozing);
    cr_assert(mdl_battery_crossing_is_current(d), "crossing differs from a scan at the doze bound %lld",
              (long long)sim_now(e));
}

static void toggle_screen(brig *r, uint64_t arg)
{
    mdl_device *d = &r->base.d;
    d->screen_on = !d->screen_on;
    d->screen_off_by = SIM_TIME_MAX;
    d->screen_on_by = SIM_TIME_MAX;
    if (d->screen_on && r->bounded) {
        d->screen_off_by = sim_now(r->base.e) + 1 + (sim_time)(arg >> 8) % H(8);
        sim_schedule(r->base.e, d->screen_off_by, SIM_PHASE_ENVIRONMENT, bound_off, r, ++r->session, NULL);
    } else if (!d->screen_on && r->bounded && (arg >> 40) % 3 != 0) {
        d->screen_on_by = sim_now(r->base.e) + 1 + (sim_time)(arg >> 8) % H(4);
        sim_schedule(r->base.e, d->screen_on_by, SIM_PHASE_ENVIRONMENT, bound_on, r, ++r->session, NULL);
    }
    new_doze_bound(r, arg);
    mdl_emit(d, d->screen_on ? MDL_SIG_SCREEN_ON : MDL_SIG_SCREEN_OFF, 0);
}

static void random_signal(sim_engine *e, void *ctx, uint64_t arg)
{
    brig *r = ctx;
    mdl_device *d = &r->base.d;
    switch (arg % 4) {
    case 0: toggle_screen(r, arg); break;
    case 1: d->worker_running = !d->worker_running; mdl_emit(d, MDL_SIG_WORKER, d->worker_running); break;
    case 2:
        d->dozing = !d->dozing;
        new_doze_bound(r, arg);
        mdl_emit(d, MDL_SIG_DOZE, d->dozing);
        break;
    default: d->net = d->net == MDL_NET_NONE ? MDL_NET_WIFI : MDL_NET_NONE; mdl_emit(d, MDL_SIG_NETWORK, 0); break;
    }
    /* A drain change keeps the pending crossing's threshold without a scan (mdl_battery.c,
     * reanchor): it must be what the scan finds. */
    cr_assert(mdl_battery_crossing_is_current(d), "kept crossing differs from a scan at %lld", (long long)sim_now(e));
    r->checked++;
    r->deferred += mdl_battery_rearm_deferred(d);
    r->deferred_off += !d->screen_on && mdl_battery_rearm_deferred(d);
    r->deferred_on_bound += !d->screen_on && d->screen_on_by < d->doze_change_by && mdl_battery_rearm_deferred(d);
    sim_time next = sim_now(e) + 1 + (sim_time)(arg >> 2) % (r->gap > 0 ? r->gap : H(3));
    sim_schedule(e, next, SIM_PHASE_ENVIRONMENT, random_signal, r, arg * 6364136223846793005u + 1442695040888963407u, NULL);
}

/* Random level, drain and charge rates and four watched levels (the draws in this order). */
static void random_rates(brig *r, gsl_rng *g)
{
    r->cfg.initial_mp = (int64_t)gsl_rng_uniform_int(g, 100001);
    r->cfg.drain_idle_mp = 1 + (int64_t)gsl_rng_uniform_int(g, 5000);
    r->cfg.drain_screen_on_mp = 1 + (int64_t)gsl_rng_uniform_int(g, 30000);
    r->cfg.drain_dozing_mp = (int64_t)gsl_rng_uniform_int(g, 1000);
    r->cfg.drain_worker_mp = (int64_t)gsl_rng_uniform_int(g, 10000);
    r->cfg.drain_network_mp = (int64_t)gsl_rng_uniform_int(g, 10000);
    r->cfg.charge_rate_mp = 1 + (int64_t)gsl_rng_uniform_int(g, 100000);
    r->cfg.charge_taper_at_mp = (int64_t)gsl_rng_uniform_int(g, 100001);
    r->cfg.charge_taper_rate_mp = 1 + (int64_t)gsl_rng_uniform_int(g, 100000);
    r->cfg.watch_count = 4;
    for (int i = 0; i < 4; i++)
        r->cfg.watch_permille[i] = 1 + (int)gsl_rng_uniform_int(g, 1000);
}

Test(battery, every_crossing_is_exact_under_random_rates)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 2026);
    int crossings = 0, checked = 0;
    for (int run = 0; run < 40; run++) {
        brig *r = brig_new(run % 2 ? MDL_IOS : MDL_ANDROID);
        rig_reseed(&r->base, (uint64_t)run);
        r->check_exact = true;
        random_rates(r, g);
        r->cfg.nightly = true;
        r->cfg.nightly_from = (sim_time)gsl_rng_uniform_int(g, (unsigned long)SIM_MS_PER_DAY);
        r->cfg.nightly_to = (r->cfg.nightly_from + H(2) + (sim_time)gsl_rng_uniform_int(g, (unsigned long)H(8))) % SIM_MS_PER_DAY;
        r->cfg.nightly_jitter = M(30);
        r->cfg.nightly_probability = 0.7;
        r->cfg.top_ups = true;
        r->cfg.top_ups_per_day = 2;
        brig_start(r);
        sim_schedule(r->base.e, 1 + (sim_time)gsl_rng_uniform_int(g, (unsigned long)H(2)), SIM_PHASE_ENVIRONMENT, random_signal, r,
                     gsl_rng_get(g), NULL);
        sim_run_until(r->base.e, SIM_DAYS(10));
        for (int i = 0; i < r->n; i++)
            crossings += r->ev[i].sig == LVL;
        checked += r->checked;
        brig_free(r);
    }
    gsl_rng_free(g);
    cr_log_info("every_crossing_is_exact: %d crossings checked, the kept crossing after %d signals", crossings,
                checked);
    cr_assert_gt(crossings, 1000);
    cr_assert_gt(checked, 4000);
}

/* One random run of every_crossing_is_exact_under_random_rates' kind with bounded screen-ons (as
 * usage bounds them) and bounded changes of dozing (as Doze does), crossing re-arms deferred or
 * not: its signals and fired events. */
static brig *bounded_run(uint64_t seed, bool defer, int *deferred, int *deferred_off, int *deferred_on_bound)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, seed);
    brig *r = brig_new(seed % 2 ? MDL_IOS : MDL_ANDROID);
    rig_reseed(&r->base, seed);
    r->check_exact = true;
    r->bounded = true;
    random_rates(r, g);
    if (seed % 4 == 0) /* dozing drains as idle: no doze bound, the screen-on bound alone */
        r->cfg.drain_dozing_mp = r->cfg.drain_idle_mp;
    r->cfg.nightly = seed % 3 != 0;
    r->cfg.nightly_from = H(23);
    r->cfg.nightly_to = H(7);
    r->cfg.nightly_jitter = M(30);
    r->cfg.nightly_probability = 0.5;
    r->gap = H(1);
    brig_start(r);
    mdl_battery_set_deferral(&r->base.d, defer);
    sim_schedule(r->base.e, 1 + (sim_time)gsl_rng_uniform_int(g, (unsigned long)H(2)), SIM_PHASE_ENVIRONMENT,
                 random_signal, r, gsl_rng_get(g), NULL);
    sim_run_until(r->base.e, SIM_DAYS(14));
    *deferred += r->deferred;
    *deferred_off += r->deferred_off;
    *deferred_on_bound += r->deferred_on_bound;
    gsl_rng_free(g);
    return r;
}

/* Deferring a crossing's re-arm while a bounded screen-on lasts, or with the screen off before a
 * bounded change of dozing (mdl_battery.c, defer_rearm), changes nothing: the same signals at the
 * same ms with the same levels, as many fired events, and after every signal the pending crossing
 * is the scan's (its engine entry stale only under defer_rearm's conditions). */
Test(battery, deferred_rearms_change_nothing)
{
    int deferred = 0, deferred_off = 0, deferred_on_bound = 0, undeferred = 0, signals = 0;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        brig *a = bounded_run(seed, true, &deferred, &deferred_off, &deferred_on_bound);
        brig *b = bounded_run(seed, false, &undeferred, &undeferred, &undeferred);
        cr_assert_eq(a->n, b->n, "seed %llu: %d signals deferred, %d not", (unsigned long long)seed, a->n, b->n);
        for (int i = 0; i < a->n; i++)
            cr_assert(a->ev[i].t == b->ev[i].t && a->ev[i].sig == b->ev[i].sig && a->ev[i].arg == b->ev[i].arg &&
                          a->ev[i].lu == b->ev[i].lu && a->ev[i].low == b->ev[i].low,
                      "seed %llu: signal %d differs", (unsigned long long)seed, i);
        cr_assert_eq(sim_fired_count(a->base.e), sim_fired_count(b->base.e));
        signals += a->n;
        brig_free(a);
        brig_free(b);
    }
    cr_log_info("deferred_rearms_change_nothing: %d signals, deferred after %d random signals (%d with the screen "
                "off, %d of them on the screen-on bound)",
                signals, deferred, deferred_off, deferred_on_bound);
    cr_assert_eq(undeferred, 0);
    cr_assert_gt(deferred, 1000);
    cr_assert_gt(deferred_off, 500);
    cr_assert_gt(deferred_on_bound, 200);
    cr_assert_gt(signals, 1000);
}

/* The screen-off whose drain change another change of the same ms cancels: screen 6 %/h, idle 1,
 * worker 5, network 5 (screen - idle = worker). Screen on at 0 with its off bounded by 1 h; the
 * worker starts at 10 min (11 %/h: 20 % from 50 % at 10 min + 30/11 h, after the bound); at 1 h
 * the screen goes off as the network comes up: 1 + 5 + 5 = 11 %/h, no re-anchor. A deferred
 * re-arm would leave the crossing at the screen-on's time (10 min later than due); the battery
 * does not defer with such rates (screen_off_changes_drain), and the crossing is exact. */
static void offset_step(sim_engine *e, void *ctx, uint64_t what)
{
    brig *r = ctx;
    mdl_device *d = &r->base.d;
    if (what == 0) {
        d->screen_on = true;
        d->screen_off_by = sim_now(e) + H(1);
        mdl_emit(d, MDL_SIG_SCREEN_ON, 0);
    } else if (what == 1) {
        d->worker_running = true;
        mdl_emit(d, MDL_SIG_WORKER, 1);
    } else {
        d->screen_on = false;
        d->screen_off_by = SIM_TIME_MAX;
        d->net = MDL_NET_WIFI;
        mdl_emit(d, MDL_SIG_SCREEN_OFF, 0);
        mdl_emit(d, MDL_SIG_NETWORK, 0);
    }
    cr_assert(mdl_battery_crossing_is_current(d), "at %lld", (long long)sim_now(e));
}

Test(battery, no_deferral_when_a_screen_off_may_keep_the_drain)
{
    brig *r = brig_new(MDL_ANDROID);
    r->check_exact = true;
    r->cfg.initial_mp = 50000;
    r->cfg.drain_idle_mp = 1000;
    r->cfg.drain_screen_on_mp = 6000;
    r->cfg.drain_worker_mp = 5000;
    r->cfg.drain_network_mp = 5000;
    brig_start(r);
    sim_schedule(r->base.e, 1, SIM_PHASE_ENVIRONMENT, offset_step, r, 0, NULL);
    sim_schedule(r->base.e, M(10), SIM_PHASE_ENVIRONMENT, offset_step, r, 1, NULL);
    sim_schedule(r->base.e, M(60) + 1, SIM_PHASE_ENVIRONMENT, offset_step, r, 2, NULL);
    sim_run_until(r->base.e, H(6));
    cr_assert_geq(r->n, 1);
    cr_assert_eq(r->ev[0].sig, LVL);
    cr_assert_eq(r->ev[0].arg, 200);
    brig_free(r);
}

/* A battery draining a permille per ms and more (several thresholds in one ms), with eight
 * watched levels, driven by a random signal every 1-40 ms. */
static brig *tie_rate_brig(gsl_rng *g, mdl_platform platform)
{
    brig *r = brig_new(platform);
    r->gap = 40; /* signals often land on a crossing's ms: assert_exact's level 1 ms before is
                  * then the new segment's anchor, so it is not asserted here */
    r->cfg.initial_mp = 50000 + (int64_t)gsl_rng_uniform_int(g, 50001);
    r->cfg.drain_idle_mp = PERMILLE_LU / 4 + (int64_t)gsl_rng_uniform_int(g, (unsigned long)PERMILLE_LU);
    r->cfg.drain_screen_on_mp = PERMILLE_LU / 2 + (int64_t)gsl_rng_uniform_int(g, (unsigned long)(3 * PERMILLE_LU));
    r->cfg.drain_dozing_mp = (int64_t)gsl_rng_uniform_int(g, (unsigned long)PERMILLE_LU);
    r->cfg.drain_worker_mp = (int64_t)gsl_rng_uniform_int(g, (unsigned long)PERMILLE_LU);
    r->cfg.watch_count = 8;
    for (int i = 0; i < 8; i++)
        r->cfg.watch_permille[i] = 300 + (int)gsl_rng_uniform_int(g, 500);
    return r;
}

/* Drains of a permille per ms and more put several thresholds in one ms: there reanchor must not
 * keep the pending crossing's threshold (the scan orders ties by the table, which is not the order
 * of the levels: the watched thresholds come last). Every signal is checked against a scan. */
Test(battery, tie_rates_take_the_scan)
{
    int checked = 0, crossings = 0;
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 24);
    for (int run = 0; run < 200; run++) {
        brig *r = tie_rate_brig(g, run % 2 ? MDL_IOS : MDL_ANDROID);
        brig_start(r);
        sim_schedule(r->base.e, 1, SIM_PHASE_ENVIRONMENT, random_signal, r, gsl_rng_get(g), NULL);
        sim_run_until(r->base.e, 2000);
        checked += r->checked;
        for (int i = 0; i < r->n; i++)
            crossings += r->ev[i].sig == LVL;
        brig_free(r);
    }
    gsl_rng_free(g);
    cr_log_info("tie_rates_take_the_scan: %d signals, %d crossings", checked, crossings);
    cr_assert_gt(checked, 2000);
    cr_assert_gt(crossings, 500);
}

/* ---- battery low, both ways ---- */

typedef struct lowlog {
    sim_time t[16];
    bool low[16];
    int n;
} lowlog;

static void low_line(void *ctx, const char *line)
{
    lowlog *out = ctx;
    long long t;
    char v[8];
    if (out->n < 16 && sscanf(line, "{\"t\":%lld,\"type\":\"battery.low\",\"low\":%5[a-z]", &t, v) == 2) {
        out->t[out->n] = t;
        out->low[out->n++] = strcmp(v, "true") == 0;
    }
}

/* Battery low changes as seen in the trace (battery.low records). */
static void low_changes(brig *r, lowlog *out)
{
    out->n = 0;
    rig_lines(&r->base, low_line, out);
}

static void assert_low(brig *r, const sim_time *t, const bool *low, int n)
{
    lowlog got;
    low_changes(r, &got);
    for (int i = 0; i < n && i < got.n; i++)
        cr_assert(got.t[i] == t[i] && got.low[i] == low[i], "low change %d: got %lld %d, want %lld %d", i,
                  (long long)got.t[i], got.low[i], (long long)t[i], low[i]);
    cr_assert_eq(got.n, n, "%d low changes, want %d", got.n, n);
}

/* The what-if low.plug_clears: true (BatteryService's internal mBatteryLevelLow). 18 % at 1 %/h:
 * below 16 % (whole percent 15) at 2 h + 1 ms: low. Plugged at 3 h (15 %): low clears at once.
 * Unplugged at 3:01 at exactly 16 % (60 %/h for 1 min): 16 % is crossed up at that ms and down
 * 1 ms later, when the battery is low again. */
Test(battery, what_if_plug_clears_low)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 18000;
    r->cfg.drain_idle_mp = 1000;
    r->cfg.plug_clears_low = true;
    fixed_charge(r, H(3), H(3) + M(1));
    brig_start(r);
    cr_assert_not(mdl_battery_low(&r->base.d));
    sim_run_until(r->base.e, H(20));
    want w[] = {{H(2) + 1, LVL, 160, false}, {H(3), PLUG, 0, false}, {H(3) + M(1), UNPLUG, 0, false},
                {H(3) + M(1), LVL, 160, true}, {H(3) + M(1) + 1, LVL, 160, false}};
    assert_events(r, w, 5);
    assert_low(r, (sim_time[]){H(2) + 1, H(3), H(3) + M(1) + 1}, (bool[]){true, false, true}, 3);
    cr_assert(r->ev[0].low && !r->ev[1].low && !r->ev[3].low && r->ev[4].low);
    brig_free(r);
}

/* The default follows ACTION_BATTERY_LOW / OKAY (BatteryService.processValuesLocked,
 * JobSchedulerService.BatteryStateTracker): plugging does not clear low, only OKAY at 20 %. 17 % at
 * 1 %/h: LOW at 1 h + 1 ms (below 16 %, whole percent 15); still low when plugged at 3 h (14 %) and
 * past 16 % (3:02); OKAY at 20 % (3:06); unplugged at 3:10 (24 %), the 20 % crossing down at
 * 7:10 + 1 ms leaves it okay (hysteresis), 16 % at 11:10 + 1 ms makes it low. This failed before
 * issue 17 (plug_clears_low was true by default: not low from 3 h). */
Test(battery, low_follows_low_and_okay_not_the_plug)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 17000;
    r->cfg.drain_idle_mp = 1000;
    fixed_charge(r, H(3), H(3) + M(10));
    brig_start(r);
    sim_run_until(r->base.e, H(20));
    want w[] = {{H(1) + 1, LVL, 160, false},         {H(3), PLUG, 0, false},
                {H(3) + M(2), LVL, 160, true},       {H(3) + M(6), LVL, 200, true},
                {H(3) + M(10), UNPLUG, 0, false},    {H(7) + M(10) + 1, LVL, 200, false},
                {H(11) + M(10) + 1, LVL, 160, false}};
    assert_events(r, w, 7);
    assert_low(r, (sim_time[]){H(1) + 1, H(3) + M(6), H(11) + M(10) + 1}, (bool[]){true, false, true}, 3);
    cr_assert(r->ev[1].low && r->ev[2].low, "plugged and past 16 %%: still low");
    cr_assert_not(r->ev[5].low, "20 %% downward does not make it low");
    brig_free(r);
}

/* The window between the levels: plugged at 14 % (3 h) and unplugged at 18 % (3:04) the battery is
 * still low (no OKAY was sent), and stays low while it drains (LOW again at 15 % changes nothing). */
Test(battery, unplugged_below_okay_stays_low)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 17000;
    r->cfg.drain_idle_mp = 1000;
    fixed_charge(r, H(3), H(3) + M(4));
    brig_start(r);
    sim_run_until(r->base.e, H(6));
    assert_low(r, (sim_time[]){H(1) + 1}, (bool[]){true}, 1);
    cr_assert(mdl_battery_low(&r->base.d));
    brig_free(r);
}

/* ---- power saving ---- */

/* iOS: 21 % at 1 %/h, the 20 % prompt (accepted always) at 1 h + 1 ms turns Low Power Mode on;
 * plugged at 5 h (16 %) it stays on; 20 % is passed upward at 5:04; 80 % is reached at 5 h + 64 min (64 % at 60 %/h) and turns
 * it off. */
Test(battery, ios_low_power_mode_prompt_and_auto_off_at_80)
{
    brig *r = brig_new(MDL_IOS);
    r->cfg.initial_mp = 21000;
    r->cfg.drain_idle_mp = 1000;
    r->cfg.prompt_accept = 1.0;
    fixed_charge(r, H(5), H(8));
    brig_start(r);
    sim_run_until(r->base.e, H(7));
    want w[] = {{H(1) + 1, LVL, 200, false},   {H(1) + 1, PS, 1, false},       {H(5), PLUG, 0, false},
                {H(5) + M(4), LVL, 200, true}, {H(5) + M(64), LVL, 800, true}, {H(5) + M(64), PS, 0, false}};
    assert_events(r, w, 6);
    cr_assert(r->ev[2].power_save, "iOS keeps Low Power Mode on when plugged");
    cr_assert(has_trace_line(r, "{\"t\":3600001,\"type\":\"battery.power_save\",\"on\":true,\"reason\":\"prompt\"}"));
    cr_assert(has_trace_line(r, "{\"t\":21840000,\"type\":\"battery.power_save\",\"on\":false,\"reason\":\"charged\"}"));
    brig_free(r);
}

/* The prompt is accepted with its probability: share of accepting devices within the 99.9 %
 * binomial interval, over 600 seeds. */
Test(battery, ios_prompt_acceptance_matches_its_probability)
{
    const int n = 600;
    const double p = 0.3;
    int on = 0;
    for (int s = 0; s < n; s++) {
        brig *r = brig_new(MDL_IOS);
        rig_reseed(&r->base, (uint64_t)s);
        r->cfg.initial_mp = 21000;
        r->cfg.drain_idle_mp = 1000;
        r->cfg.prompt_accept = p;
        r->cfg.prompt_count = 1;
        brig_start(r);
        sim_run_until(r->base.e, H(2));
        on += r->base.d.power_save;
        brig_free(r);
    }
    unsigned lo = 0, hi = 0;
    while (gsl_cdf_binomial_P(lo, p, n) < 0.0005)
        lo++;
    while (gsl_cdf_binomial_P(hi, p, n) < 0.9995)
        hi++;
    cr_log_info("prompt acceptance: %d of %d accepted (p %.2f, 99.9%% interval %u..%u)", on, n, p, lo, hi);
    cr_assert(on >= (int)lo && on <= (int)hi, "%d accepted, outside %u..%u", on, lo, hi);
}

/* Android: a manual window 01:00-01:30; trigger 30 % (LOW at whole percent <= 30, i.e. below
 * 31 %; OKAY at 35): 33 % at 1 %/h is below 31 % at 2 h + 1 ms, low turns the saver on; plugged at
 * 4 h (29 %), it turns off; 31 % is passed upward 2 min later (60 %/h). */
Test(battery, android_battery_saver_trigger_manual_window_and_plug)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 33000;
    r->cfg.drain_idle_mp = 1000;
    r->cfg.saver_trigger_permille = 300;
    r->cfg.manual[0] = (mdl_battery_window){H(1), H(1) + M(30)};
    r->cfg.manual_count = 1;
    fixed_charge(r, H(4), H(5));
    brig_start(r);
    sim_run_until(r->base.e, H(4) + M(5));
    want w[] = {{H(1), PS, 1, false},        {H(1) + M(30), PS, 0, false}, {H(2) + 1, LVL, 310, false},
                {H(2) + 1, PS, 1, false},    {H(4), PLUG, 0, false},       {H(4), PS, 0, false},
                {H(4) + M(2), LVL, 310, true}};
    assert_events(r, w, 7);
    cr_assert(r->ev[3].low, "the trigger is the low level");
    cr_assert(has_trace_line(r, "{\"t\":7200001,\"type\":\"battery.power_save\",\"on\":true,\"reason\":\"low\"}"));
    cr_assert(has_trace_line(r, "{\"t\":14400000,\"type\":\"battery.power_save\",\"on\":false,\"reason\":\"plugged\"}"));
    cr_assert(has_trace_line(r, "{\"t\":7200001,\"type\":\"battery.low\",\"low\":true,\"level_permille\":309}"));
    brig_free(r);
}

/* ---- watches ---- */

static void watch_at(sim_engine *e, void *ctx, uint64_t permille)
{
    (void)e;
    brig *r = ctx;
    cr_assert_eq(mdl_battery_watch(&r->base.d, (int)permille), MDL_OK);
}

/* 90 % at 10 %/h: a watch of 55 % added at 2 h (70 %) is crossed at 3.5 h + 1 ms; watching a level
 * twice is one threshold; levels outside 1..1000 are refused. */
Test(battery, runtime_watch_emits_its_level)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 90000;
    r->cfg.drain_idle_mp = 10000;
    brig_start(r);
    sim_schedule(r->base.e, H(2), SIM_PHASE_ENVIRONMENT, watch_at, r, 550, NULL);
    sim_schedule(r->base.e, H(2), SIM_PHASE_ENVIRONMENT, watch_at, r, 550, NULL);
    sim_run_until(r->base.e, H(4));
    want w[] = {{H(1) + 1, LVL, 800, false}, {H(3) + M(30) + 1, LVL, 550, false}};
    assert_events(r, w, 2);
    cr_assert_eq(mdl_battery_watch(&r->base.d, 0), MDL_ENOMEM);
    cr_assert_eq(mdl_battery_watch(&r->base.d, 1001), MDL_ENOMEM);
    brig_free(r);
}

/* ---- charging habits: statistics ---- */

/* Offset of a time of day from `ref` in (-12 h, 12 h]. */
static double tod_offset(const brig *r, sim_time t, sim_time ref)
{
    sim_time m = sim_cal_ms_of_day(&r->base.cal, t) - ref;
    if (m > H(12))
        m -= SIM_MS_PER_DAY;
    if (m <= -H(12))
        m += SIM_MS_PER_DAY;
    return (double)m;
}

/* 2000 nights, 23:30-07:00, +-30 min, 90 %. Share of nights charged within the 99.9 % binomial
 * interval; plug and unplug offsets from 23:30 / 07:00 have the mean 0 of the discrete uniform
 * jitter on [-J, J] within 3.29 standard errors (sd = sqrt(((2J+1)^2 - 1) / 12)), stay within
 * +-J and cover it. */
Test(battery, nightly_habit_statistics)
{
    const int nights = 2000;
    const double p = 0.9;
    const sim_time j = M(30);
    brig *r = brig_new(MDL_ANDROID);
    rig_reseed(&r->base, 42);
    r->cfg.initial_mp = 50000;
    r->cfg.nightly = true;
    r->cfg.nightly_probability = p;
    brig_start(r);
    /* the rig starts at 00:00: night k is planned at 23:00 of day k and plugs by 24:00, so nights
     * 0 .. nights - 1 plug before the end and night `nights` is not planned yet */
    sim_run_until(r->base.e, SIM_DAYS(nights) + H(1));
    int plugs = 0, unplugs = 0;
    double sum_on = 0, sum_off = 0, min_on = 1e18, max_on = -1e18, min_off = 1e18, max_off = -1e18;
    for (int i = 0; i < r->n; i++) {
        if (r->ev[i].sig == PLUG) {
            double o = tod_offset(r, r->ev[i].t, H(23) + M(30));
            sum_on += o, plugs++;
            min_on = fmin(min_on, o), max_on = fmax(max_on, o);
        } else if (r->ev[i].sig == UNPLUG) {
            double o = tod_offset(r, r->ev[i].t, H(7));
            sum_off += o, unplugs++;
            min_off = fmin(min_off, o), max_off = fmax(max_off, o);
        }
    }
    unsigned lo = 0, hi = 0;
    while (gsl_cdf_binomial_P(lo, p, nights) < 0.0005)
        lo++;
    while (gsl_cdf_binomial_P(hi, p, nights) < 0.9995)
        hi++;
    double sd = sqrt((pow(2.0 * (double)j + 1, 2) - 1) / 12.0);
    double z = gsl_cdf_ugaussian_Qinv(0.0005);
    double mean_on = sum_on / plugs, mean_off = sum_off / unplugs, tol_on = z * sd / sqrt(plugs),
           tol_off = z * sd / sqrt(unplugs);
    cr_log_info("nightly: %d of %d nights charged (99.9%% interval %u..%u); plug offset mean %.0f ms (+-%.0f), "
                "unplug offset mean %.0f ms (+-%.0f); plug range %.0f..%.0f",
                plugs, nights, lo, hi, mean_on, tol_on, mean_off, tol_off, min_on, max_on);
    cr_assert(plugs >= (int)lo && plugs <= (int)hi, "%d nights charged, outside %u..%u", plugs, lo, hi);
    cr_assert(unplugs == plugs || unplugs == plugs - 1, "every charge ends (the last may be after the run)");
    cr_assert(fabs(mean_on) <= tol_on, "plug offset mean %.0f ms beyond +-%.0f", mean_on, tol_on);
    cr_assert(fabs(mean_off) <= tol_off, "unplug offset mean %.0f ms beyond +-%.0f", mean_off, tol_off);
    cr_assert(min_on >= -(double)j && max_on <= (double)j && min_off >= -(double)j && max_off <= (double)j);
    cr_assert(min_on < -0.95 * (double)j && max_on > 0.95 * (double)j, "the jitter covers +-J");
    brig_free(r);
}

/* Top-ups: per_day 1.5 in 09:00-21:00 over 3000 days, 10 s each (so they almost never overlap).
 * The count is Poisson(4500): within its 99.9 % interval; every start is inside the window, and
 * starts spread evenly over the window's 12 hours (chi-square, 11 degrees of freedom, 99.9 %). */
Test(battery, top_up_statistics)
{
    const int days = 3000;
    const double per_day = 1.5;
    brig *r = brig_new(MDL_ANDROID);
    rig_reseed(&r->base, 7);
    r->cfg.initial_mp = 50000;
    r->cfg.top_ups = true;
    r->cfg.top_ups_per_day = per_day;
    r->cfg.top_up_duration = sch_dist_fixed(SIM_SECONDS(10));
    brig_start(r);
    sim_run_until(r->base.e, SIM_DAYS(days));
    int plugs = 0, by_hour[12] = {0};
    for (int i = 0; i < r->n; i++) {
        if (r->ev[i].sig != PLUG)
            continue;
        sim_time m = sim_cal_ms_of_day(&r->base.cal, r->ev[i].t);
        cr_assert(m >= H(9) && m < H(21), "a top-up at %lld ms of day", (long long)m);
        by_hour[(m - H(9)) / H(1)]++;
        plugs++;
    }
    double mu = per_day * days;
    unsigned lo = 0, hi = (unsigned)mu;
    while (gsl_cdf_poisson_P(lo, mu) < 0.0005)
        lo++;
    while (gsl_cdf_poisson_P(hi, mu) < 0.9995)
        hi++;
    double chi2 = 0, e = plugs / 12.0;
    for (int h = 0; h < 12; h++)
        chi2 += (by_hour[h] - e) * (by_hour[h] - e) / e;
    double chi2_max = gsl_cdf_chisq_Qinv(0.001, 11);
    cr_log_info("top-ups: %d in %d days (99.9%% interval %u..%u), chi-square over hours %.1f (max %.1f)", plugs, days,
                lo, hi, chi2, chi2_max);
    cr_assert(plugs >= (int)lo && plugs <= (int)hi, "%d top-ups, outside %u..%u", plugs, lo, hi);
    cr_assert(chi2 <= chi2_max, "top-ups are not spread evenly: chi-square %.1f > %.1f", chi2, chi2_max);
    brig_free(r);
}

/* `charging: never`-style users: no plug at all in 30 days, and the level ends at 0. */
Test(battery, never_charging_user_never_plugs)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 80000;
    r->cfg.drain_idle_mp = 1000;
    brig_start(r);
    sim_run_until(r->base.e, SIM_DAYS(30));
    for (int i = 0; i < r->n; i++)
        cr_assert_neq(r->ev[i].sig, PLUG);
    cr_assert_eq(mdl_battery_level_lu(&r->base.d, SIM_DAYS(30)), 0);
    brig_free(r);
}

/* ---- determinism ---- */

static uint64_t fingerprint(uint64_t seed)
{
    brig *r = brig_new(MDL_IOS);
    rig_reseed(&r->base, seed);
    r->cfg.initial_mp = 60000;
    r->cfg.drain_idle_mp = 1500;
    r->cfg.nightly = true;
    r->cfg.top_ups = true;
    r->cfg.top_ups_per_day = 2;
    brig_start(r);
    sim_run_until(r->base.e, SIM_DAYS(20));
    uint64_t f = r->base.tr.fingerprint;
    cr_assert_gt(r->base.tr.records, 50);
    brig_free(r);
    return f;
}

Test(battery, same_seed_same_trace_other_seed_differs)
{
    uint64_t a = fingerprint(5), b = fingerprint(5), c = fingerprint(6);
    cr_assert_eq(a, b);
    cr_assert_neq(a, c);
}

/* ---- parsing ---- */

Test(battery, parses_every_key)
{
    mdl_battery_config c;
    char msgs[4][320];
    size_t n = rig_parse(&mdl_battery_model, MDL_IOS,
                         "initial: 35.5%\n"
                         "drain: { screen_on: 10%, idle: 0.5%, dozing: 0.125%, worker: 4%, network: 2% }\n"
                         "charge: { rate: 50%, taper_at: 85%, taper_rate: 10% }\n"
                         "low: { level: 10%, okay: 12.5%, plug_clears: false }\n"
                         "watch: [50%, 33.3%]\n"
                         "charging:\n"
                         "  nightly: { from: 22:00, to: 06:30, jitter: 1h, probability: 75% }\n"
                         "  top_ups: { per_day: 0.5, duration: 20m, between: [08:00, 20:00] }\n"
                         "power_save: { manual: [{ from: 12:00, to: 13:00 }], prompt_at: [25%], accept: 0.2, off_at: 90% }\n",
                         &c, msgs, 4);
    for (size_t i = 0; i < n && i < 4; i++)
        cr_log_error("%s", msgs[i]);
    cr_assert_eq(n, 0);
    cr_assert_eq(c.initial_mp, 35500);
    cr_assert_eq(c.drain_dozing_mp, 125);
    cr_assert_eq(c.charge_taper_at_mp, 85000);
    cr_assert_eq(c.low_permille, 100);
    cr_assert_eq(c.okay_permille, 125);
    cr_assert_not(c.plug_clears_low);
    cr_assert_eq(c.watch_count, 2);
    cr_assert_eq(c.watch_permille[1], 333);
    cr_assert_eq(c.nightly_from, H(22));
    cr_assert_eq(c.nightly_jitter, H(1));
    cr_assert(c.top_ups);
    cr_assert_eq(c.top_ups_from, H(8));
    cr_assert_eq(c.top_up_duration.kind, SCH_DIST_FIXED);
    cr_assert_eq(c.manual_count, 1);
    cr_assert_eq(c.prompt_count, 1);
    cr_assert_eq(c.prompt_permille[0], 250);
    cr_assert_eq(c.lpm_off_permille, 900);

    n = rig_parse(&mdl_battery_model, MDL_ANDROID, "charging: never\n", &c, msgs, 4);
    cr_assert_eq(n, 0);
    cr_assert(!c.nightly && !c.top_ups);
    n = rig_parse(&mdl_battery_model, MDL_ANDROID, "charging: { nightly: { probability: 50% } }\n", &c, msgs, 4);
    cr_assert(n == 0 && c.nightly && c.nightly_from == H(23) + M(30) && c.nightly_probability == 0.5,
              "unwritten keys keep their defaults");
}

typedef struct bad {
    mdl_platform platform;
    const char *yaml;
    const char *msg;
} bad;

Test(battery, parse_errors_are_exact)
{
    static const bad cases[] = {
        {MDL_ANDROID, "drain: { screen_on: 12 }\n",
         "t.yaml:1:21: device.battery.drain.screen_on: expected a percentage such as 15%, found '12' (the % sign is required)"},
        {MDL_ANDROID, "drain: { screen: 12% }\n",
         "t.yaml:1:10: device.battery.drain: unknown key 'screen' (expected 'screen_on', 'idle', 'dozing', 'worker' or "
         "'network')"},
        {MDL_ANDROID, "drain: { idle: 0.0005% }\n",
         "t.yaml:1:16: device.battery.drain.idle: expected a rate per hour in steps of 0.001%, found '0.0005%'"},
        {MDL_ANDROID, "charging: { nightly: { from: 23:30, to: 00:30, jitter: 45m } }\n",
         "t.yaml:1:56: device.battery.charging.nightly.jitter: expected a jitter below half the charging window (30m), "
         "found '45m'"},
        {MDL_ANDROID, "charging: sometimes\n",
         "t.yaml:1:11: device.battery.charging: expected a mapping or never, found 'sometimes'"},
        {MDL_ANDROID, "low: { level: 20%, okay: 15% }\n",
         "t.yaml:1:26: device.battery.low.okay: expected low.okay at or above low.level (20%), found '15%'"},
        {MDL_ANDROID, "watch: [50%, 12.55%]\n",
         "t.yaml:1:14: device.battery.watch[1]: expected a level in steps of 0.1%, found '12.55%'"},
        {MDL_ANDROID, "watch: [0%]\n",
         "t.yaml:1:9: device.battery.watch[0]: expected a level from 0.1% to 100%, found '0%'"},
        {MDL_ANDROID, "charging: { top_ups: { between: [21:00, 09:00] } }\n",
         "t.yaml:1:41: device.battery.charging.top_ups.between[1]: expected an end after the start (21:00), found '09:00'"},
        {MDL_IOS, "power_save: { trigger: 15% }\n",
         "t.yaml:1:15: device.battery.power_save: expected an iOS Low Power Mode key (manual, prompt_at, accept, off_at), "
         "found 'trigger' (the Android battery saver's)"},
        {MDL_ANDROID, "power_save: { accept: 50% }\n",
         "t.yaml:1:15: device.battery.power_save: expected an Android battery saver key (manual, trigger), found 'accept' "
         "(an iOS Low Power Mode setting)"},
        {MDL_ANDROID, "power_save: { manual: [{ from: 12:00, to: 12:00 }] }\n",
         "t.yaml:1:43: device.battery.power_save.manual[0].to: expected 'to' different from 'from', found '12:00'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mdl_battery_config c;
        char msgs[4][320];
        size_t n = rig_parse(&mdl_battery_model, cases[i].platform, cases[i].yaml, &c, msgs, 4);
        cr_assert_geq(n, 1, "case %zu: no error for %s", i, cases[i].yaml);
        cr_expect_str_eq(msgs[0], cases[i].msg, "case %zu: got %s", i, msgs[0]);
        cr_expect_eq(n, 1, "case %zu: %zu errors, the second: %s", i, n, n > 1 ? msgs[1] : "");
    }
}

/* ---- scripted events (mdl_battery_script_*, the scenario's `events:`) ---- */

static void script_at(sim_engine *e, void *ctx, uint64_t what)
{
    (void)e;
    brig *r = ctx;
    mdl_device *d = &r->base.d;
    switch (what) {
    case 0: mdl_battery_script_plug(d, true); break;
    case 1: mdl_battery_script_plug(d, false); break;
    case 2: mdl_battery_script_level(d, 120); break;
    case 3: mdl_battery_script_level(d, 900); break;
    case 4: mdl_battery_script_power_save(d, true); break;
    default: break;
    }
}

static void script(brig *r, sim_time t, uint64_t what)
{
    cr_assert_eq(sim_schedule(r->base.e, t, SIM_PHASE_ENVIRONMENT, script_at, r, what, NULL), SIM_OK);
}

/* A scripted plug nests with a habit's charge (the habit's end leaves it plugged); a scripted
 * unplug ends every charge in progress (the habit's later end does nothing). */
Test(battery, scripted_plug_nests_and_unplug_ends_every_charge)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 50000;
    fixed_charge(r, H(2), H(4));
    brig_start(r);
    script(r, H(1), 0);             /* scripted plug at 1 h */
    script(r, H(5), 1);             /* scripted unplug at 5 h: the habit ended at 4 h, still plugged */
    script(r, H(24 + 3), 1);        /* unplug at 27 h, inside the next night's 26-28 h charge */
    sim_run_until(r->base.e, H(30));
    int plugs = 0, unplugs = 0;
    sim_time plug_t[4] = {0}, unplug_t[4] = {0}; /* zeroed for lint, which cannot tell how many the loop set */
    for (int i = 0; i < r->n; i++) {
        if (r->ev[i].sig == PLUG && plugs < 4)
            plug_t[plugs++] = r->ev[i].t;
        if (r->ev[i].sig == UNPLUG && unplugs < 4)
            unplug_t[unplugs++] = r->ev[i].t;
    }
    cr_assert_eq(plugs, 2);
    cr_assert_eq(unplugs, 2);
    cr_assert_eq(plug_t[0], H(1));
    cr_assert_eq(unplug_t[0], H(5)); /* not at 4 h: the scripted charge held it */
    cr_assert_eq(plug_t[1], H(26));
    cr_assert_eq(unplug_t[1], H(27)); /* the night's end at 28 h finds no charge */
    cr_assert(has_trace_line(r, "{\"t\":3600000,\"type\":\"battery.plug\",\"level_permille\":500,\"source\":\"scripted\"}"));
    cr_assert_not(r->base.d.plugged);
    brig_free(r);
}

/* A jump crosses every threshold it passes at that ms, nearest first, and battery low follows:
 * 50 % -> 12 % crosses OKAY (20 %) then LOW (16 %); 12 % -> 90 % crosses 16 %, 20 %, 80 % up
 * (OKAY ends low). The level is then exact from the new value. */
Test(battery, scripted_level_jump_crosses_in_order)
{
    brig *r = brig_new(MDL_ANDROID);
    r->cfg.initial_mp = 50000;
    r->cfg.drain_idle_mp = 1000;
    brig_start(r);
    script(r, H(1), 2);
    script(r, H(2), 3);
    sim_run_until(r->base.e, H(2) + M(30));
    want w[] = {{H(1), LVL, 200, false}, {H(1), LVL, 160, false}, {H(2), LVL, 160, true}, {H(2), LVL, 200, true},
                {H(2), LVL, 800, true}};
    assert_events(r, w, 5);
    cr_assert(r->ev[1].low, "LOW at the 16 %% crossing");
    cr_assert_not(r->ev[3].low, "OKAY at the 20 %% crossing");
    /* 90 % at 2 h, then 1 %/h */
    cr_assert_eq(mdl_battery_level_lu(&r->base.d, H(2) + M(30)), 900 * PERMILLE_LU - M(30) * 1000);
    cr_assert(has_trace_line(r, "{\"t\":3600000,\"type\":\"battery.set\",\"level_permille\":120,\"source\":\"scripted\"}"));
    brig_free(r);
}

/* A scripted battery saver is a manual one: plugging in turns it off (Android). */
Test(battery, scripted_saver_is_turned_off_by_a_plug)
{
    brig *r = brig_new(MDL_ANDROID);
    fixed_charge(r, H(2), H(2) + M(30)); /* 80 % -> 90 %: no threshold crossed */
    brig_start(r);
    script(r, H(1), 4);
    sim_run_until(r->base.e, H(4));
    want w[] = {{H(1), PS, 1, false}, {H(2), PLUG, 0, false}, {H(2), PS, 0, false}, {H(2) + M(30), UNPLUG, 0, false}};
    assert_events(r, w, 4);
    cr_assert(has_trace_line(r, "{\"t\":3600000,\"type\":\"battery.power_save\",\"on\":true,\"reason\":\"scripted\"}"));
    brig_free(r);
}

/* ---- random streams: only those the config can draw from ---- */

static char *battery_streams_run(mdl_platform p, int mask, bool all_first, size_t *streams)
{
    static const char *const names[] = {"battery.nightly", "battery.topups", "battery.lpm"};
    brig *r = brig_new(p);
    rig_reseed(&r->base, 11);
    if (all_first)
        for (int i = 0; i < 3; i++)
            cr_assert_not_null(sim_rng_get(r->base.rngs, names[i]));
    r->cfg.initial_mp = 25000;
    r->cfg.drain_idle_mp = 700; /* 25 % to 5 % in a day, unless charged */
    r->cfg.prompt_accept = 0.5;
    if (mask & 1) {
        r->cfg.nightly = true;
        r->cfg.nightly_probability = 0.6;
    }
    if (mask & 2) {
        r->cfg.top_ups = true;
        r->cfg.top_ups_per_day = 2;
    }
    if (!(mask & 4))
        r->cfg.prompt_count = 0;
    brig_start(r);
    sim_run_until(r->base.e, SIM_DAYS(10));
    *streams = sim_rng_set_count(r->base.rngs);
    char *text = strdup(rig_trace_text(&r->base));
    brig_free(r);
    return text;
}

/* battery_start creates a stream only when its config can draw from it: every combination of
 * nightly charging, top-ups and Low Power Mode prompts on each platform gives the trace of a run
 * whose streams were all made beforehand (no draw found its stream missing), with exactly the
 * streams the conditions name. */
Test(battery, streams_are_created_only_where_drawn)
{
    static const mdl_platform platforms[] = {MDL_IDEAL, MDL_ANDROID, MDL_IOS};
    for (size_t pi = 0; pi < 3; pi++) {
        mdl_platform p = platforms[pi];
        for (int mask = 0; mask < 8; mask++) {
            size_t made, all;
            char *lazy = battery_streams_run(p, mask, false, &made);
            char *eager = battery_streams_run(p, mask, true, &all);
            cr_assert_str_eq(lazy, eager, "platform %d mask %d", (int)p, mask);
            size_t expect = (size_t)((mask & 1) + !!(mask & 2) + (mask & 4 && p == MDL_IOS));
            cr_assert_eq(made, expect, "platform %d mask %d: %zu streams, want %zu", (int)p, mask, made, expect);
            cr_assert_eq(all, 3);
            cr_assert(strlen(lazy) > 200, "the run did something");
            free(lazy);
            free(eager);
        }
    }
}
