/*
 * mdl_battery.c - battery level as an exact piecewise-linear function, threshold crossings as
 * events, charging habits, Low Power Mode / battery saver. See mdl_battery.h for the rules; the
 * `device.battery` section is read by mdl_battery_parse.c.
 *
 * Sources of the defaults (the full table is in scenarios/README.md, `device.battery`):
 *  - low 15 %, okay 20 %: AOSP core/res/res/values/config.xml config_lowBatteryWarningLevel = 15,
 *    config_lowBatteryCloseWarningBump = 5 (aosp-mirror/platform_frameworks_base @0017dde7).
 *    "Low" is what JobScheduler's battery-not-low reads: JobSchedulerService.BatteryStateTracker
 *    sets mBatteryNotLow from ACTION_BATTERY_LOW / ACTION_BATTERY_OKAY (getBatteryLevelLow() only
 *    at startTracking). BatteryService.processValuesLocked sends LOW when shouldSendBatteryLowLocked
 *    (unplugged, level <= mLowBatteryWarningLevel, and just unplugged or just fell to it) and OKAY
 *    when mSentLowBatteryBroadcast && level >= mLowBatteryCloseWarningLevel, plugged or not; levels
 *    are the health HAL's integer percent. So plugging in does not end "low": BatteryService's own
 *    mBatteryLevelLow (cleared when plugged) is not what JobScheduler reads (issue 17 point 3;
 *    `low.plug_clears: true` keeps that reading as a what-if).
 *  - battery saver trigger off, off when plugged: AOSP BatterySaverStateMachine
 *    (Settings.Global.LOW_POWER_MODE_TRIGGER_LEVEL defaults to 0 and auto saver is configured only
 *    when it is > 0; doAutoBatterySaverLocked turns the saver off with REASON_PLUGGED_IN;
 *    aosp-mirror/platform_frameworks_base @04b98338, services/core/java/com/android/server/power/
 *    batterysaver/BatterySaverStateMachine.java). The trigger replaces the warning level
 *    (docs/SOURCES.md A3.1: "LOW_POWER_MODE_TRIGGER_LEVEL overrides the warning level").
 *  - iOS Low Power Mode prompt at 20 %: docs/SOURCES.md I7.1 (auto-suggested at 20 %); also at
 *    10 % (Apple iPhone User Guide, "Use Low Power Mode"; press reports). Off when charged to
 *    80 %: iPhone User Guide ("switches back to normal power mode after charging to 80%");
 *    docs/SOURCES.md I1.3 (Energy Efficiency Guide: "automatically disables when the battery
 *    level rises to a sufficient level again"). Acceptance 50 %: assumption (I7.1 leaves p_lpm
 *    open).
 *  - taper at 80 %: Apple, "Why lithium-ion" (apple.com/batteries/why-lithium-ion): fast charge to
 *    80 %, then slower trickle charging. Rates: assumptions (see README).
 *  - nightly 23:30-07:00, +-30 min, 90 % of nights: issue 5's example habit (assumption).
 */
#include "mdl_battery_internal.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_rng.h"

#define LU_PER_PERMILLE (100 * MDL_BATTERY_LU_PER_MP)
#define NEVER ((sim_time)-1)

/* BatteryService compares the health HAL's whole percent (batteryLevel, an int) with whole-percent
 * levels; bgsim's whole percent of an exact level is its floor (as mdl_battery_level_permille;
 * assumption: the fuel gauge's rounding is not modeled). "floor(level) <= W" is "level < W + 1 %",
 * so LOW is crossed downward at the next whole percent above the warning level; "floor(level) >=
 * C" is "level >= ceil(C)", so OKAY is crossed upward at the close level rounded up to a percent. */
static int low_cross_permille(int warning) { return warning / 10 * 10 + 10 > 1000 ? 1000 : warning / 10 * 10 + 10; }
static int okay_cross_permille(int close, int low_cross)
{
    int c = (close + 9) / 10 * 10;
    return c < low_cross ? low_cross : c > 1000 ? 1000 : c;
}

enum {
    ROLE_LOW = 1u,      /* low.level: down while unplugged -> battery low */
    ROLE_OKAY = 2u,     /* low.okay: up -> battery okay */
    ROLE_PROMPT = 4u,   /* iOS: down while unplugged -> Low Power Mode prompt */
    ROLE_LPM_OFF = 8u,  /* iOS: up while charging -> Low Power Mode off */
    ROLE_WATCH = 16u
};

enum ev_kind {
    EV_CROSSING = 1,
    EV_NIGHT_PLAN,
    EV_NIGHT_ON,
    EV_NIGHT_OFF,
    EV_TOPUP_ON,
    EV_TOPUP_OFF,
    EV_MANUAL_ON,
    EV_MANUAL_OFF
};

typedef struct threshold {
    int permille;
    bool above;        /* level >= threshold, as of the last crossing or anchor */
    unsigned roles;
} threshold;

typedef struct battery {
    mdl_device *d;
    mdl_battery_config cfg;
    gsl_rng *nightly_rng, *topup_rng, *lpm_rng;
    /* the crossings that send LOW (down) and OKAY (up), whole-percent rule applied (above); the
     * Android trigger replaces low.level */
    int low_permille, okay_permille;
    /* the current segment */
    sim_time t0;
    int64_t l0;
    bool rising;
    int64_t drain;
    sim_handle crossing;
    sim_time crossing_at; /* when `crossing` is pending: its time (as the last scan found it) */
    /* The time `crossing` sits at in the engine: crossing_at, or an earlier arm's time while a
     * re-arm is deferred (see defer_rearm). */
    sim_time armed_at;
    /* Whether a screen change surely changes the drain (screen_off_changes_drain), and whether a
     * change of d->dozing with the screen off does too (doze_change_changes_drain); defer_rearm's
     * conditions, fixed at start. */
    bool screen_off_rearms, doze_rearms;
    bool defer_off; /* for tests: never defer (mdl_battery_set_deferral) */
    int crossing_index;
    threshold thr[MDL_BATTERY_MAX_THRESHOLDS];
    int thr_count;
    int holds;      /* charges in progress (nightly, top-ups, scripted): plugged while > 0 */
    bool script_hold; /* one of them is a scripted plug (mdl_battery_script_plug) */
    bool low;
    bool last_up;   /* direction of the latest crossing */
    bool ps_auto;   /* Android: the saver turned itself on at the trigger */
} battery;

/* ---- the level function ---- */

static int64_t ceil_div(int64_t a, int64_t b) { return a / b + (a % b != 0); } /* a >= 0, b > 0 */

/* mdl_battery_level_after's body, inlined into level_at: the level is read at every re-anchor and,
 * by the OS models, at every evaluation (a call was a tenth of the read). */
static inline __attribute__((always_inline)) int64_t level_after(int64_t l0, bool rising, int64_t drain, int64_t c1,
                                                                 int64_t taper, int64_t c2, sim_time dt)
{
    const int64_t full = MDL_BATTERY_FULL_LU;
    if (!rising) {
        if (drain <= 0)
            return l0;
        /* Empty from ceil(l0 / drain) on: dt >= ceil(l0 / drain) iff drain * dt >= l0 (drain > 0,
         * dt >= 0), one multiplication instead of a 64-bit division (tens of cycles, ~1 % of a
         * fleet's CPU time with the re-anchor's own; issue 24). A product past INT64_MAX is past
         * every level, so an overflow is empty too. */
        int64_t used;
        return __builtin_mul_overflow(drain, dt, &used) || used >= l0 ? 0 : l0 - used;
    }
    if (l0 >= full)
        return full;
    if (l0 < taper) {
        if (c1 <= 0)
            return l0;
        int64_t need = taper - l0;
        if (dt <= need / c1)
            return l0 + c1 * dt; /* c1 * dt <= need: still at or below the taper point */
        if (c2 <= 0)
            return taper;
        /* full at ceil((need * c2 + (full - taper) * c1) / (c1 * c2)); every product stays below
         * 1e17 < 2^63 because levels are <= 3.6e11 LU and charging rates <= 1e5 LU/ms. */
        int64_t t_full = ceil_div(need * c2 + (full - taper) * c1, c1 * c2);
        if (dt >= t_full)
            return full;
        return taper + c2 * (dt * c1 - need) / c1;
    }
    if (c2 <= 0)
        return l0;
    return dt >= ceil_div(full - l0, c2) ? full : l0 + c2 * dt;
}

int64_t mdl_battery_level_after(int64_t l0, bool rising, int64_t drain, int64_t c1, int64_t taper,
                                int64_t c2, sim_time dt)
{
    return level_after(l0, rising, drain, c1, taper, c2, dt);
}

/* Inlined: it is the read of every re-anchor (a drain change: most battery work of a sweep) and
 * of the OS models' evaluations; as a call it was a fifth of a re-anchor's own instructions. */
static inline __attribute__((always_inline)) int64_t level_at(const battery *b, sim_time t)
{
    const mdl_battery_config *c = &b->cfg;
    sim_time dt = t > b->t0 ? t - b->t0 : 0;
    /* At the anchor the level is l0 in every case of mdl_battery_level_after (rising at or above
     * full it is full, which l0 then is): spares its divisions when a new segment schedules its
     * crossing (every re-anchor). */
    if (dt == 0 && b->l0 >= 0 && b->l0 <= MDL_BATTERY_FULL_LU)
        return b->l0;
    return level_after(b->l0, b->rising, b->drain, c->charge_rate_mp, c->charge_taper_at_mp * MDL_BATTERY_LU_PER_MP,
                       c->charge_taper_rate_mp, dt);
}

/* The first dt >= 0 at which the segment's level is below x (falling) or at least x (rising);
 * NEVER when it does not get there. The inverse of mdl_battery_level_after, in exact integers. */
static sim_time time_to(const battery *b, int64_t x)
{
    const mdl_battery_config *c = &b->cfg;
    int64_t l0 = b->l0;
    if (!b->rising) {
        if (l0 < x)
            return 0;
        return b->drain > 0 ? (l0 - x) / b->drain + 1 : NEVER;
    }
    if (l0 >= x)
        return 0;
    int64_t c1 = c->charge_rate_mp, c2 = c->charge_taper_rate_mp;
    int64_t taper = c->charge_taper_at_mp * MDL_BATTERY_LU_PER_MP;
    if (l0 < taper) {
        if (x <= taper)
            return c1 > 0 ? ceil_div(x - l0, c1) : NEVER;
        if (c1 <= 0 || c2 <= 0)
            return NEVER;
        return ceil_div((taper - l0) * c2 + (x - taper) * c1, c1 * c2);
    }
    return c2 > 0 ? ceil_div(x - l0, c2) : NEVER;
}

static int64_t drain_rate(const battery *b)
{
    const mdl_device *d = b->d;
    const mdl_battery_config *c = &b->cfg;
    int64_t r = d->screen_on ? c->drain_screen_on_mp : d->dozing ? c->drain_dozing_mp : c->drain_idle_mp;
    if (d->worker_running) {
        r += c->drain_worker_mp;
        if (d->net != MDL_NET_NONE)
            r += c->drain_network_mp;
    }
    return r;
}

static int permille_of(int64_t lu) { return (int)(lu / LU_PER_PERMILLE); }

/* ---- events ---- */

static void on_event(sim_engine *e, void *ctx, uint64_t arg);

static sim_handle schedule(battery *b, sim_time t, int kind, int index)
{
    sim_handle h = SIM_HANDLE_NONE;
    if (t >= 0 && t <= SIM_TIME_MAX)
        sim_schedule(b->d->engine, t, SIM_PHASE_ENVIRONMENT, on_event, b, (uint64_t)kind | (uint64_t)index << 8, &h);
    return h; /* beyond the simulator's time limit: never */
}

/* The next crossing of the current segment, as an offset from t0 (NEVER: none) and the index of
 * its threshold (-1: none). A threshold whose side disagrees with the level now (a state change
 * landed exactly on it, or at the ms its crossing was due) is crossed now; otherwise a falling
 * segment crosses only thresholds above, a rising one only those below. Ties (two thresholds at
 * one ms: impossible for distinct permilles at these rates, see reanchor, but cheap to order) go to
 * the first in the table, except among thresholds crossed now (a scripted jump of the level): those
 * go in the order a gradual change would have crossed them, the nearest to where the level came
 * from first. */
static void scan_crossing(const battery *b, sim_time *best_dt, int *best_index)
{
    sim_time now = sim_now(b->d->engine);
    int64_t level = level_at(b, now);
    sim_time best = NEVER;
    int best_i = -1;
    for (int i = 0; i < b->thr_count; i++) {
        const threshold *th = &b->thr[i];
        int64_t x = (int64_t)th->permille * LU_PER_PERMILLE;
        sim_time dt;
        if (th->above != (level >= x))
            dt = now - b->t0;
        else if (th->above != b->rising)
            dt = time_to(b, x);
        else
            continue;
        bool nearer = best_i >= 0 && dt == best && dt == now - b->t0 &&
                      (th->above ? th->permille > b->thr[best_i].permille : th->permille < b->thr[best_i].permille);
        if (dt != NEVER && (best == NEVER || dt < best || nearer))
            best = dt, best_i = i;
    }
    *best_dt = best;
    *best_index = best_i;
}

/* Whether a crossing found by scan_crossing can be scheduled (beyond the simulator's time limit it
 * is never). */
static bool crossing_due(const battery *b, sim_time dt, int index)
{
    return index >= 0 && dt <= SIM_TIME_MAX - b->t0 && b->t0 + dt >= 0;
}

/* Whether base drains a and b (screen on, idle or dozing) differ by more than the worker part of
 * the drain can make up: that part is W = 0, worker or worker + network before a change and W'
 * after it (the worker and the network may change at the same ms, and signals queued behind the
 * one the battery receives have already changed the state it reads), so a + W = b + W' unless
 * a - b is one of W' - W: 0, +-worker, +-network, +-(worker + network). */
static bool drain_parts_differ(const mdl_battery_config *c, int64_t a, int64_t b)
{
    const int64_t w = c->drain_worker_mp, n = c->drain_network_mp;
    const int64_t dw[] = {0, w, -w, n, -n, w + n, -(w + n)};
    for (size_t i = 0; i < sizeof dw / sizeof dw[0]; i++)
        if (a - b == dw[i])
            return false;
    return true;
}

/* Whether a screen-off (or a screen-on) changes the drain whatever else changes at its ms: screen
 * on against idle or dozing (the OS model may start or stop the worker, or doze, at that signal). */
static bool screen_off_changes_drain(const mdl_battery_config *c)
{
    return drain_parts_differ(c, c->drain_screen_on_mp, c->drain_idle_mp) &&
           drain_parts_differ(c, c->drain_screen_on_mp, c->drain_dozing_mp);
}

/* Whether a change of d->dozing with the screen off changes the drain whatever else changes. */
static bool doze_change_changes_drain(const mdl_battery_config *c)
{
    return drain_parts_differ(c, c->drain_idle_mp, c->drain_dozing_mp);
}

/*
 * Whether moving the pending crossing to `at` can wait: the engine keeps it at armed_at, and the
 * next arm_crossing (which does move it, or cancels it) comes first. Exact when (ideal: a third of
 * the screen-on re-arms, ~1.3 % of a sweep's instructions):
 *  - the segment falls (unplugged), the screen is on and d->screen_off_by bounds its screen-off
 *    (usage: the period's end when no session starts before it, else the coming bedtime, at which
 *    it turns the screen off). A plug before then re-arms (reanchor, rising: no defer).
 *  - the screen-off surely changes the drain (screen_off_rearms): the battery then re-anchors,
 *    in this run as in one without deferral (every other state is the same: only the engine's
 *    entry differs), and that arm_crossing, with the screen off, moves the entry.
 *  - both armed_at and `at` are after screen_off_by: the stale entry never fires, and neither
 *    would the re-armed one have; the run's end, if earlier, fires neither.
 * The skipped re-arm would have taken a sequence, which only orders events of one (time, phase)
 * among themselves; the entry's next move takes its sequence as the skipped run's does, after
 * every event then at its new (time, phase): the same order. Only relative order is ever read.
 * With the screen off the bound is the earlier of d->screen_on_by (usage: the next session start,
 * its duration drawn ahead and > 0) and d->doze_change_by (Android: Doze's next change of
 * d->dozing, whatever happens but a screen change or a plug, and published only when no reboot
 * comes first; simos_doze.c, change_by), under the same reasoning: a screen-on surely changes the
 * drain (screen_off_rearms), and so does a change of d->dozing with the screen off (doze_rearms); a
 * plug re-arms. At a screen-off or unplug Doze has not looked yet: its bound is then relative,
 * d->doze_change_within from now. (Android sweep: ~17k of its ~19k re-arms; with the screen-on
 * bound, the screen-offs of ideal and iOS too.)
 * tests/models/device/test_battery.c (deferred_rearms_change_nothing) compares runs with and
 * without deferral and checks the invariant after every signal (mdl_battery_crossing_is_current);
 * tests/models/os/test_simos_android.c does with the Android model's Doze.
 */
static inline sim_time defer_bound(const battery *b)
{
    const mdl_device *d = b->d;
    if (d->screen_on)
        return b->screen_off_rearms ? d->screen_off_by : SIM_TIME_MAX;
    /* Screen off: the screen-on by d->screen_on_by re-arms (screen_off_rearms), and so does a
     * change of d->dozing before it (doze_rearms, which implies screen_off_rearms): a re-arm comes
     * by the earlier bound. */
    if (!b->doze_rearms)
        return b->screen_off_rearms ? d->screen_on_by : SIM_TIME_MAX;
    /* Doze active (it has not looked since the screen-off or unplug of this ms): d->doze_change_by
     * is SIM_TIME_MAX and d->doze_change_within holds, from now; no reboot must come first. */
    sim_time within = sim_now(d->engine) + d->doze_change_within;
    sim_time doze = within < d->doze_change_by && within < d->reboot_not_before ? within : d->doze_change_by;
    return doze < d->screen_on_by ? doze : d->screen_on_by;
}

/* defer_rearm's conditions on the bound: both the pending entry's time and `at` after it, and
 * deferral not turned off (reanchor's shortcut, which knows the rest, asks only these). */
static inline bool defer_past_bound(const battery *b, sim_time at)
{
    sim_time bound = defer_bound(b);
    return at > bound && b->armed_at > bound && !b->defer_off;
}

static inline bool defer_rearm(const battery *b, sim_time at)
{
    return !b->rising && b->crossing != SIM_HANDLE_NONE && defer_past_bound(b, at);
}

/* arm_crossing's moves of the engine's entry, out of line: with them inlined, every re-anchor
 * saved and restored the registers they need, though ~9 in 10 of them on ideal move nothing (a
 * deferred re-arm; issue 24). The same calls with the same arguments. */
static __attribute__((noinline)) void rearm(battery *b)
{
    b->armed_at = b->crossing_at;
    sim_rearm(b->d->engine, &b->crossing, b->crossing_at, SIM_PHASE_ENVIRONMENT, on_event, b, EV_CROSSING);
}

static __attribute__((noinline)) void disarm(battery *b)
{
    sim_cancel(b->d->engine, b->crossing);
    b->crossing = SIM_HANDLE_NONE;
}

/* Replaces the pending crossing with threshold `index` at t0 + dt (scan_crossing's answer):
 * sim_rearm is a cancel and a schedule in one step (it cancels alone when the new time cannot be
 * scheduled, as schedule() would not schedule it), unless the move can wait (defer_rearm). */
static inline __attribute__((always_inline)) void arm_crossing(battery *b, sim_time dt, int index)
{
    if (index >= 0 && dt <= SIM_TIME_MAX - b->t0)
        b->crossing_index = index;
    if (crossing_due(b, dt, index)) {
        b->crossing_at = b->t0 + dt;
        if (!defer_rearm(b, b->crossing_at))
            rearm(b);
    } else {
        disarm(b);
    }
}

/* Cancels the pending crossing and schedules the next one of the current segment. */
static void schedule_crossing(battery *b)
{
    sim_time dt;
    int index;
    scan_crossing(b, &dt, &index);
    arm_crossing(b, dt, index);
}

/* Starts a new segment at now: the level under the old slope, the slope `drain` (drain_rate of the
 * device's state).
 *
 * A drain change while unplugged (a screen, worker, Doze or network signal: most re-anchors) keeps
 * the threshold of the pending crossing and only moves its time, without scan_crossing, when
 * (1) the old and the new segment fall, both at rates in (0, LU_PER_PERMILLE), and (2) the crossing
 * is pending after now. Why that is scan_crossing's answer:
 *  - No threshold disagrees with the level now. The last scan ran on the old segment (every change
 *    of a segment or of a threshold's side is followed by one, or by this shortcut, which gives its
 *    answer) and picks a disagreeing threshold at its own instant, before any other; the pending
 *    crossing is later, so there was none then;
 *    since then the level fell along the segment and stayed at or above every threshold above it,
 *    as none is crossed before the pending crossing.
 *  - So the candidates are the thresholds above, the same set for both segments, and each is
 *    crossed at dt = (l0 - x) / drain + 1. Distinct permilles are LU_PER_PERMILLE apart, more than
 *    the drain, so the quotients differ: the highest threshold is crossed strictly first, under the
 *    old rate (it is the pending crossing's threshold) and under the new one. No tie, no order.
 * tests/models/device/test_battery.c checks the kept crossing against a scan after every signal. */
static __attribute__((noinline)) void reanchor_scan(battery *b, int64_t drain, sim_time now);

static inline __attribute__((always_inline)) void reanchor(battery *b, int64_t drain)
{
    sim_time now = sim_now(b->d->engine);
    /* Both rates in (0, LU_PER_PERMILLE) as one unsigned comparison each. */
    bool keep = !b->rising && !b->d->plugged && (uint64_t)(b->drain - 1) < LU_PER_PERMILLE - 1 &&
                (uint64_t)(drain - 1) < LU_PER_PERMILLE - 1 && b->crossing != SIM_HANDLE_NONE && b->crossing_at > now;
    if (!keep) {
        reanchor_scan(b, drain, now);
        return;
    }
    /* A falling segment with drain > 0: level_at is level_after's first case (its shortcut at
     * dt == 0 gives the same l0), without the tests of the other cases. */
    int64_t l0 = level_after(b->l0, false, b->drain, 0, 0, 0, now > b->t0 ? now - b->t0 : 0);
    int index = b->crossing_index;
    sim_time dt = (l0 - (int64_t)b->thr[index].permille * LU_PER_PERMILLE) / drain + 1;
    b->l0 = l0;
    b->t0 = now;
    b->drain = drain;
    /* arm_crossing(b, dt, index), with what keep established: index >= 0 (a crossing is pending)
     * and already crossing_index, the segment falls and the crossing is pending, which is
     * defer_rearm's rest. Past the time limit, arm_crossing itself (it cancels). */
    if (dt > SIM_TIME_MAX - now || now + dt < 0) {
        arm_crossing(b, dt, index);
        return;
    }
    b->crossing_at = now + dt;
    if (!defer_past_bound(b, b->crossing_at))
        rearm(b);
}

/* reanchor without its shortcut: out of line (the shortcut, inlined into the signal listener, then
 * saves no registers for it). */
static __attribute__((noinline)) void reanchor_scan(battery *b, int64_t drain, sim_time now)
{
    b->l0 = level_at(b, now);
    b->t0 = now;
    b->rising = b->d->plugged;
    b->drain = drain;
    schedule_crossing(b);
}

static void trace_level_event(battery *b, const char *type, const char *source)
{
    sim_time now = sim_now(b->d->engine);
    sim_trace_begin(b->d->trace, now, type);
    sim_trace_int(b->d->trace, "level_permille", permille_of(level_at(b, now)));
    sim_trace_str(b->d->trace, "source", source);
    sim_trace_end(b->d->trace);
}

static void set_power_save(battery *b, bool on, const char *reason)
{
    mdl_device *d = b->d;
    b->ps_auto = on && strcmp(reason, "low") == 0;
    if (d->power_save == on)
        return;
    d->power_save = on;
    sim_trace_begin(d->trace, sim_now(d->engine), "battery.power_save");
    sim_trace_bool(d->trace, "on", on);
    sim_trace_str(d->trace, "reason", reason);
    sim_trace_end(d->trace);
    mdl_emit(d, MDL_SIG_POWER_SAVE, on);
}

static bool android_saver(const battery *b) { return b->cfg.platform != MDL_IOS && b->cfg.saver_trigger_permille > 0; }

/* Battery low changes (traced); returns whether it changed. */
static bool set_low(battery *b, bool low)
{
    if (b->low == low)
        return false;
    b->low = low;
    sim_time now = sim_now(b->d->engine);
    sim_trace_begin(b->d->trace, now, "battery.low");
    sim_trace_bool(b->d->trace, "low", low);
    sim_trace_int(b->d->trace, "level_permille", permille_of(level_at(b, now)));
    sim_trace_end(b->d->trace);
    return true;
}

/* The Android battery saver follows battery low when a trigger is set (BatterySaverStateMachine:
 * "Percentage Auto ON" / "Percentage Auto OFF"); a saver the user turned on stays on. */
static void saver_follow_low(battery *b, const char *off_reason)
{
    if (!android_saver(b))
        return;
    if (b->low && !b->d->power_save)
        set_power_save(b, true, "low");
    else if (!b->low && b->d->power_save && b->ps_auto)
        set_power_save(b, false, off_reason);
}

/* Plug and unplug: the new segment, the trace, battery low, then the signal (so listeners read the
 * new low state), then power saving (which emits its own signal after). */
static void charge_on(battery *b, const char *source)
{
    mdl_device *d = b->d;
    if (b->holds++ > 0)
        return;
    d->plugged = true;
    reanchor(b, drain_rate(b));
    trace_level_event(b, "battery.plug", source);
    /* Plugging sends no OKAY (BatteryService.processValuesLocked): low ends only at the close
     * level. plug_clears_low is the what-if of BatteryService's internal mBatteryLevelLow. */
    bool low_changed = b->cfg.plug_clears_low && set_low(b, false);
    mdl_emit(d, MDL_SIG_PLUG, 0);
    if (low_changed)
        saver_follow_low(b, "plugged");
    /* Android turns the saver off when plugged, whoever turned it on (REASON_PLUGGED_IN). */
    if (b->cfg.platform != MDL_IOS && d->power_save)
        set_power_save(b, false, "plugged");
}

static void charge_off(battery *b, const char *source)
{
    mdl_device *d = b->d;
    if (b->holds == 0 || --b->holds > 0)
        return;
    d->plugged = false;
    reanchor(b, drain_rate(b));
    trace_level_event(b, "battery.unplug", source);
    /* BatteryService.shouldSendBatteryLowLocked: LOW when just unplugged at or below the warning
     * level (oldPlugged). */
    bool low_changed = b->l0 < (int64_t)b->low_permille * LU_PER_PERMILLE && set_low(b, true);
    mdl_emit(d, MDL_SIG_UNPLUG, 0);
    if (low_changed)
        saver_follow_low(b, "okay");
}

static void on_crossing(battery *b)
{
    mdl_device *d = b->d;
    b->crossing = SIM_HANDLE_NONE;
    threshold *th = &b->thr[b->crossing_index];
    bool up = !th->above;
    th->above = up;
    b->last_up = up;
    sim_trace_begin(d->trace, sim_now(d->engine), "battery.level");
    sim_trace_int(d->trace, "level_permille", th->permille);
    if (up) /* a literal per branch folds as constants (a ?: of two is a string at run time) */
        sim_trace_str(d->trace, "direction", "up");
    else
        sim_trace_str(d->trace, "direction", "down");
    sim_trace_end(d->trace);
    /* Battery low first, so listeners of the level signal read the new state. */
    bool low_changed = false;
    if (!up && (th->roles & ROLE_LOW) && !d->plugged)
        low_changed = set_low(b, true);
    if (up && (th->roles & ROLE_OKAY))
        low_changed = set_low(b, false);
    mdl_emit(d, MDL_SIG_BATTERY_LEVEL, th->permille);
    if (low_changed)
        saver_follow_low(b, "okay");
    if (b->cfg.platform == MDL_IOS) {
        /* One draw per prompt shown; a prompt is shown only while Low Power Mode is off. */
        if (!up && (th->roles & ROLE_PROMPT) && !d->plugged && !d->power_save
            && sim_rng_uniform(b->lpm_rng) < b->cfg.prompt_accept)
            set_power_save(b, true, "prompt");
        if (up && (th->roles & ROLE_LPM_OFF) && d->plugged && d->power_save)
            set_power_save(b, false, "charged");
    }
    schedule_crossing(b);
}

/* ---- habits ---- */

/* Jitter: a whole number of ms uniform on [0, 2J] (the caller subtracts J). */
static sim_time draw_jitter(gsl_rng *rng, sim_time j) { return (sim_time)gsl_rng_uniform_int(rng, (unsigned long)(2 * j + 1)); }

/* Planned at from - jitter each day: three draws per night, whether it charges or not, so the
 * draws of one night never shift those of the next. */
static void night_plan(battery *b)
{
    const mdl_battery_config *c = &b->cfg;
    sim_time now = sim_now(b->d->engine);
    bool charge = sim_rng_uniform(b->nightly_rng) < c->nightly_probability;
    sim_time on = now + draw_jitter(b->nightly_rng, c->nightly_jitter);
    sim_time off = now + mdl_battery_night_window(c) + draw_jitter(b->nightly_rng, c->nightly_jitter);
    if (charge) {
        schedule(b, on, EV_NIGHT_ON, 0);
        schedule(b, off, EV_NIGHT_OFF, 0);
    }
    schedule(b, now + SIM_MS_PER_DAY, EV_NIGHT_PLAN, 0);
}

/* The time `g` ms of window time after p, counting only the daily window [from, to). NEVER
 * beyond about a million days. */
static sim_time window_advance(const sim_calendar *cal, sim_time p, sim_time g, sim_time from, sim_time to)
{
    const sim_time w = to - from;
    for (;;) {
        sim_time m = sim_cal_ms_of_day(cal, p);
        if (m < from)
            p += from - m, m = from;
        else if (m >= to)
            p += SIM_MS_PER_DAY - m + from, m = from;
        if (g < to - m)
            return p + g;
        g -= to - m;
        p += to - m;
        int64_t days = g / w;
        if (days > 1000000 || p > SIM_TIME_MAX)
            return NEVER;
        g -= days * w;
        p += days * SIM_MS_PER_DAY;
    }
}

static void topup_next(battery *b, sim_time from_t)
{
    const mdl_battery_config *c = &b->cfg;
    if (c->top_ups_per_day <= 0)
        return;
    double mean = (double)(c->top_ups_to - c->top_ups_from) / c->top_ups_per_day;
    double g = sim_rng_exponential(b->topup_rng, mean);
    if (!(g < 1e15))
        return;
    sim_time t = window_advance(b->d->cal, from_t, (sim_time)llround(g), c->top_ups_from, c->top_ups_to);
    if (t != NEVER)
        schedule(b, t, EV_TOPUP_ON, 0);
}

static void on_event(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    battery *b = ctx;
    const mdl_battery_config *c = &b->cfg;
    int kind = (int)(arg & 0xff), index = (int)(arg >> 8);
    /* The crossing, most of these events, before the switch: its jump table's indirect jump
     * mispredicted at nearly every event (cachegrind; issue 24). */
    if (kind == EV_CROSSING) {
        on_crossing(b);
        return;
    }
    sim_time now = sim_now(b->d->engine);
    switch (kind) {
    case EV_NIGHT_PLAN: night_plan(b); break;
    case EV_NIGHT_ON: charge_on(b, "nightly"); break;
    case EV_NIGHT_OFF: charge_off(b, "nightly"); break;
    case EV_TOPUP_ON: {
        charge_on(b, "top_up");
        sim_time dur = sch_dist_sample(&c->top_up_duration, b->topup_rng);
        schedule(b, now + dur, EV_TOPUP_OFF, 0);
        topup_next(b, now);
        break;
    }
    case EV_TOPUP_OFF: charge_off(b, "top_up"); break;
    case EV_MANUAL_ON:
        set_power_save(b, true, "manual");
        schedule(b, sim_cal_next_time_of_day(b->d->cal, now, c->manual[index].to), EV_MANUAL_OFF, index);
        break;
    case EV_MANUAL_OFF:
        set_power_save(b, false, "manual");
        schedule(b, sim_cal_next_time_of_day(b->d->cal, now, c->manual[index].from), EV_MANUAL_ON, index);
        break;
    default: break;
    }
}

/* The signals of the state drain_rate reads. */
#define DRAIN_SIGNALS                                                                                       \
    (MDL_SIGNAL(MDL_SIG_SCREEN_ON) | MDL_SIGNAL(MDL_SIG_SCREEN_OFF) | MDL_SIGNAL(MDL_SIG_WORKER) |         \
     MDL_SIGNAL(MDL_SIG_DOZE) | MDL_SIGNAL(MDL_SIG_NETWORK))

/* Drain-relevant device changes (DRAIN_SIGNALS, the only ones subscribed) re-anchor the segment
 * when they change its slope. */
static void on_signal(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)d, (void)sig, (void)arg;
    battery *b = ctx;
    int64_t drain = drain_rate(b);
    if (!b->rising && drain != b->drain)
        reanchor(b, drain);
}

/* ---- thresholds and the public API ---- */

static battery *find(const mdl_device *d) { return d->models[MDL_SLOT_BATTERY]; }

static int add_threshold(battery *b, int permille, unsigned roles)
{
    if (permille < 1 || permille > 1000)
        return MDL_ENOMEM;
    for (int i = 0; i < b->thr_count; i++) {
        if (b->thr[i].permille == permille) {
            b->thr[i].roles |= roles;
            return MDL_OK;
        }
    }
    if (b->thr_count == MDL_BATTERY_MAX_THRESHOLDS)
        return MDL_ENOMEM;
    sim_time now = b->d->engine ? sim_now(b->d->engine) : 0;
    b->thr[b->thr_count++] = (threshold){.permille = permille, .roles = roles,
                                         .above = level_at(b, now) >= (int64_t)permille * LU_PER_PERMILLE};
    return MDL_OK;
}

int64_t mdl_battery_level_lu(const mdl_device *d, sim_time t)
{
    const battery *b = find(d);
    return b ? level_at(b, t) : -1;
}

int mdl_battery_level_permille(const mdl_device *d, sim_time t)
{
    const battery *b = find(d);
    return b ? permille_of(level_at(b, t)) : -1;
}

bool mdl_battery_low(const mdl_device *d)
{
    const battery *b = find(d);
    return b && b->low;
}

bool mdl_battery_rising(const mdl_device *d)
{
    const battery *b = find(d);
    return b && b->rising && level_at(b, sim_now(d->engine)) < MDL_BATTERY_FULL_LU;
}

bool mdl_battery_last_crossing_up(const mdl_device *d)
{
    const battery *b = find(d);
    return b && b->last_up;
}

int mdl_battery_watch(mdl_device *d, int permille)
{
    battery *b = find(d);
    if (!b)
        return MDL_ENOMEM;
    /* The new threshold's side is judged on the level now; no re-anchor, so the segment stays
     * exact. */
    int rc = add_threshold(b, permille, ROLE_WATCH);
    schedule_crossing(b);
    return rc;
}

/* The pending crossing is the one a scan of the segment finds now (mdl_battery_internal.h). */
bool mdl_battery_crossing_is_current(const mdl_device *d)
{
    const battery *b = find(d);
    if (!b)
        return false;
    sim_time dt, at;
    int index;
    scan_crossing(b, &dt, &index);
    bool pending = sim_event_time(d->engine, b->crossing, &at) == SIM_OK;
    if (!crossing_due(b, dt, index))
        return !pending;
    /* The engine's entry is at the crossing, or at an earlier arm's time while a re-arm is
     * deferred, with defer_rearm's conditions holding for both times. */
    sim_time bound = defer_bound(b);
    bool deferred = at != b->t0 + dt && !b->rising && at > bound && b->t0 + dt > bound;
    return pending && at == b->armed_at && (at == b->t0 + dt || deferred) && b->crossing_at == b->t0 + dt &&
           b->crossing_index == index;
}

bool mdl_battery_rearm_deferred(const mdl_device *d)
{
    const battery *b = find(d);
    return b && b->crossing != SIM_HANDLE_NONE && b->armed_at != b->crossing_at;
}

void mdl_battery_set_deferral(mdl_device *d, bool on)
{
    battery *b = find(d);
    if (b)
        b->defer_off = !on;
}

/* ---- scripted events ---- */

void mdl_battery_script_plug(mdl_device *d, bool plugged)
{
    battery *b = find(d);
    if (!b)
        return;
    if (plugged) {
        if (!b->script_hold) {
            b->script_hold = true;
            charge_on(b, "scripted");
        }
        return;
    }
    b->script_hold = false;
    if (b->holds > 0) {
        b->holds = 1; /* the cable is out: every charge ends with this one */
        charge_off(b, "scripted");
    }
}

void mdl_battery_script_level(mdl_device *d, int permille)
{
    battery *b = find(d);
    if (!b)
        return;
    if (permille < 0)
        permille = 0;
    if (permille > 1000)
        permille = 1000;
    b->l0 = (int64_t)permille * LU_PER_PERMILLE;
    b->t0 = sim_now(d->engine);
    b->rising = d->plugged;
    b->drain = drain_rate(b);
    trace_level_event(b, "battery.set", "scripted");
    schedule_crossing(b); /* thresholds the jump moved across are crossed at this ms */
}

void mdl_battery_script_power_save(mdl_device *d, bool on)
{
    battery *b = find(d);
    if (b)
        set_power_save(b, on, "scripted");
}

/* ---- the model descriptor ---- */

static void battery_defaults(void *config, mdl_platform platform)
{
    mdl_battery_config *c = config;
    memset(c, 0, sizeof *c);
    c->platform = platform;
    c->initial_mp = 80000;            /* assumption: a day that starts partly charged */
    c->drain_screen_on_mp = 12000;    /* assumption: about 8 h of screen-on time per charge */
    c->drain_idle_mp = 1000;          /* assumption: screen off, awake, light background work */
    c->drain_dozing_mp = 300;         /* assumption: Doze standby, about two weeks from full */
    c->drain_worker_mp = 5000;        /* assumption: one core awake under a wakelock */
    c->drain_network_mp = 3000;       /* assumption: the radio active while the worker runs */
    c->charge_rate_mp = 60000;        /* assumption: 0 -> 80 % in 80 min on a typical charger */
    c->charge_taper_at_mp = 80000;    /* Apple "Why lithium-ion": fast to 80 %, then trickle */
    c->charge_taper_rate_mp = 20000;  /* assumption: the last 20 % takes about an hour */
    c->low_permille = 150;            /* AOSP config_lowBatteryWarningLevel (A3.1 [J4]) */
    c->okay_permille = 200;           /* + config_lowBatteryCloseWarningBump 5 (A3.1 [J4]) */
    c->plug_clears_low = false;       /* JobScheduler follows LOW / OKAY, not the plug (above) */
    c->nightly = true;                /* issue 5's example habit (assumption) */
    c->nightly_from = SIM_HOURS(23) + SIM_MINUTES(30);
    c->nightly_to = SIM_HOURS(7);
    c->nightly_jitter = SIM_MINUTES(30);
    c->nightly_probability = 0.9;
    c->top_ups = false;               /* assumption: no daytime top-ups unless configured */
    c->top_ups_per_day = 1.0;         /* assumptions, used once `top_ups` is written */
    c->top_up_duration = (sch_dist){.kind = SCH_DIST_UNIFORM, .a = (double)SIM_MINUTES(15), .b = (double)SIM_MINUTES(45)};
    c->top_ups_from = SIM_HOURS(9);
    c->top_ups_to = SIM_HOURS(21);
    c->prompt_permille[0] = 200;      /* docs/SOURCES.md I7.1 */
    c->prompt_permille[1] = 100;      /* iPhone User Guide: asked again at 10 % */
    c->prompt_count = 2;
    c->prompt_accept = 0.5;           /* assumption (I7.1 leaves p_lpm open) */
    c->lpm_off_permille = 800;        /* iPhone User Guide; I1.3 */
    c->saver_trigger_permille = 0;    /* AOSP LOW_POWER_MODE_TRIGGER_LEVEL default 0: off */
}

/* ---- start and stop ---- */

static int battery_start(mdl_device *d, int index, const void *config)
{
    const mdl_battery_config *c = config;
    battery *b = calloc(1, sizeof *b);
    if (!b)
        return MDL_ENOMEM;
    b->d = d;
    b->cfg = *c;
    /* Only the streams this config can draw from, fixed for the run: nightly draws only in
     * EV_NIGHT_PLAN (scheduled only with `nightly`), top-ups only in topup_next (called only with
     * `top_ups`), Low Power Mode prompts only at a ROLE_PROMPT threshold (added only on iOS with
     * prompts). A stream's draws depend on nothing but its name (sim_rng.h), so one not created
     * changes no other. test_battery's streams_are_created_only_where_drawn checks each. */
    bool ok = true;
    if (c->nightly)
        ok = (b->nightly_rng = sim_rng_get(d->rngs, "battery.nightly")) != NULL;
    if (ok && c->top_ups)
        ok = (b->topup_rng = sim_rng_get(d->rngs, "battery.topups")) != NULL;
    if (ok && c->platform == MDL_IOS && c->prompt_count > 0)
        ok = (b->lpm_rng = sim_rng_get(d->rngs, "battery.lpm")) != NULL;
    if (!ok || mdl_subscribe_signals(d, on_signal, b, DRAIN_SIGNALS) != MDL_OK) {
        free(b);
        return MDL_ENOMEM;
    }
    d->models[index] = b;
    int warning = c->low_permille, close = c->okay_permille;
    if (android_saver(b)) {
        /* BatteryService takes LOW_POWER_MODE_TRIGGER_LEVEL as its warning level, with the same
         * close bump (BatteryService.updateBatteryWarningLevelLocked). */
        close = c->saver_trigger_permille + (c->okay_permille - c->low_permille);
        warning = c->saver_trigger_permille;
    }
    b->low_permille = low_cross_permille(warning);
    b->okay_permille = okay_cross_permille(close, b->low_permille);
    d->plugged = false;
    b->t0 = sim_now(d->engine);
    b->l0 = c->initial_mp * MDL_BATTERY_LU_PER_MP;
    b->rising = false;
    b->drain = drain_rate(b);
    b->crossing = SIM_HANDLE_NONE;
    b->screen_off_rearms = screen_off_changes_drain(c);
    b->doze_rearms = b->screen_off_rearms && doze_change_changes_drain(c);
    add_threshold(b, b->low_permille, ROLE_LOW);
    add_threshold(b, b->okay_permille, ROLE_OKAY);
    add_threshold(b, 800, 0);
    add_threshold(b, 1000, 0);
    if (c->platform == MDL_IOS) {
        for (int i = 0; i < c->prompt_count; i++)
            add_threshold(b, c->prompt_permille[i], ROLE_PROMPT);
        if (c->lpm_off_permille > 0)
            add_threshold(b, c->lpm_off_permille, ROLE_LPM_OFF);
    }
    for (int i = 0; i < c->watch_count; i++)
        add_threshold(b, c->watch_permille[i], ROLE_WATCH);
    b->low = b->l0 < (int64_t)b->low_permille * LU_PER_PERMILLE;
    d->power_save = android_saver(b) && b->low;
    b->ps_auto = d->power_save;
    schedule_crossing(b);
    if (c->nightly)
        schedule(b, sim_cal_next_time_of_day(d->cal, b->t0,
                                             ((c->nightly_from - c->nightly_jitter) % SIM_MS_PER_DAY + SIM_MS_PER_DAY)
                                                 % SIM_MS_PER_DAY),
                 EV_NIGHT_PLAN, 0);
    if (c->top_ups)
        topup_next(b, b->t0);
    for (int i = 0; i < c->manual_count; i++)
        schedule(b, sim_cal_next_time_of_day(d->cal, b->t0, c->manual[i].from), EV_MANUAL_ON, i);
    return MDL_OK;
}

static void battery_stop(mdl_device *d, int index)
{
    battery *b = d->models[index];
    if (!b)
        return;
    sim_cancel(d->engine, b->crossing);
    free(b);
    d->models[index] = NULL;
}

/* `randomness: none`: no charging habits (nightly, top-ups) and no Low Power Mode prompts (each
 * accepted with a probability); manual windows, thresholds and the level function stay. */
static void battery_no_random(void *config)
{
    mdl_battery_config *c = config;
    c->nightly = false;
    c->top_ups = false;
    c->prompt_count = 0;
}

const mdl_model mdl_battery_model = {
    .parent = "device",
    .key = "battery",
    .config_size = sizeof(mdl_battery_config),
    .defaults = battery_defaults,
    .parse = mdl_battery_parse,
    .no_random = battery_no_random,
    .start = battery_start,
    .stop = battery_stop,
};
