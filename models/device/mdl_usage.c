/*
 * mdl_usage.c - the user model: sleep, screen sessions (an exact NHPP), app visits, usage history,
 * motion. The behaviour is specified in mdl_usage.h; this file is the how, and mdl_usage_parse.c
 * reads the `user.usage` section.
 */
#include "mdl_usage_internal.h"

#include "mdl_kills.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_rng.h"

/* ---- defaults ---- */

static void usage_defaults(void *config, mdl_platform platform)
{
    (void)platform;
    mdl_usage_config *c = config;
    memset(c, 0, sizeof *c);
    /* Sleep 23:00-07:00 on work nights with +-30 min per edge: assumption (an 8 h night, the
     * issue's example; no sleep data in research/). Weekend nights (ending Saturday/Sunday) an
     * hour later, 00:00-08:00: assumption (people sleep later on free days, "social jetlag"). */
    c->sleep_from[0] = SIM_HOURS(23);
    c->sleep_to[0] = SIM_HOURS(7);
    c->sleep_from[1] = 0;
    c->sleep_to[1] = SIM_HOURS(8);
    c->sleep_jitter = SIM_MINUTES(30);
    /* Session starts per hour. Volume: 66 a waking weekday, between the 57 interactions a day of
     * Hintze et al., "Diversity in locked and unlocked mobile device usage", UbiComp 2014 adjunct
     * (1960 Android phones, Device Analyzer) and the 69 screen-ons a day of Strategy Analytics
     * AppOptix 2017 ("How often do consumers use their smartphones"). Shape: assumption after
     * the latter's description (lowest from midnight to 6 am, highest from 4 to 6 pm). Hours
     * inside the default night only matter when jitter or a custom sleep window wakes the user.
     * Weekend: the same volume an hour later (assumption, as the weekend night). */
    static const double weekday[MDL_USAGE_HOURS] = {0.5, 0.2, 0.1, 0.1, 0.1, 0.2, 1.5, 4.0, 4.0, 3.0, 3.0, 3.5,
                                                    4.5, 4.0, 3.5, 3.5, 4.5, 5.0, 5.0, 5.0, 5.0, 4.5, 4.0, 2.0};
    static const double weekend[MDL_USAGE_HOURS] = {2.0, 0.5, 0.2, 0.1, 0.1, 0.1, 0.2, 1.5, 4.0, 4.0, 3.0, 3.0,
                                                    3.5, 4.5, 4.0, 3.5, 3.5, 4.5, 5.0, 5.0, 5.0, 5.0, 4.5, 4.0};
    memcpy(c->session_rate[0], weekday, sizeof weekday);
    memcpy(c->session_rate[1], weekend, sizeof weekend);
    /* Lognormal, median 1 min, sigma 1.2: mean 2.05 min = Hintze et al. 2014's 117 min of use a
     * day over 57 interactions; the short median and long tail are an assumption (many sessions
     * are glances at the lock screen: only 43 % of them unlock, same source). */
    c->session_duration = (sch_dist){.kind = SCH_DIST_LOGNORMAL, .a = (double)SIM_MINUTES(1), .b = 1.2};
    /* 5 % of sessions open this app, about 3 visits a waking day: assumption (a moderately used
     * app; research/ has no per-app figure). */
    c->app_per_session = 0.05;
    /* Lognormal, median 45 s, sigma 1.0: mean 74 s, close to the 71.56 s average app session of
     * Boehmer et al., "Falling asleep with Angry Birds, Facebook and Kindle", MobileHCI 2011
     * (4100 Android users); the spread is an assumption. */
    c->app_duration = (sch_dist){.kind = SCH_DIST_LOGNORMAL, .a = (double)SIM_SECONDS(45), .b = 1.0};
    /* A 45-minute commute each way on weekdays, 08:00 and 17:30: assumption (a typical office
     * day; Doze only needs "moves sometimes while awake"). */
    c->commute[0] = (mdl_usage_window){SIM_HOURS(8), SIM_HOURS(8) + SIM_MINUTES(45), MDL_USAGE_WEEKDAYS};
    c->commute[1] = (mdl_usage_window){SIM_HOURS(17) + SIM_MINUTES(30), SIM_HOURS(18) + SIM_MINUTES(15),
                                       MDL_USAGE_WEEKDAYS};
    c->commute_count = 2;
    /* 20 % of screen-on periods happen while walking or travelling (significant motion):
     * assumption (research/ has no figure). */
    c->moving_sessions = 0.20;
    mdl_usage_prepare(c);
}

double mdl_usage_expected_sessions(const mdl_usage_config *c, int profile, sim_time wake, sim_time bed)
{
    double sum = 0;
    for (sim_time t = wake; t < bed;) {
        sim_time end = (t / SIM_MS_PER_HOUR + 1) * SIM_MS_PER_HOUR;
        if (end > bed)
            end = bed;
        sum += c->session_rate[profile][t / SIM_MS_PER_HOUR % MDL_USAGE_HOURS] * (double)(end - t) / (double)SIM_MS_PER_HOUR;
        t = end;
    }
    return sum;
}

/* ---- running ---- */

typedef struct usage_state {
    mdl_device *d;
    mdl_usage_config c;
    gsl_rng *r_sleep, *r_session, *r_app_open, *r_app_duration, *r_motion;
    /* the current night if asleep, else the next one */
    int64_t night;          /* the wake-up day's index */
    sim_time bedtime, wake;
    sim_handle arrival, screen_off, app_close, commute_edge;
    sim_time next_dur; /* while `arrival` is pending: its session's duration, drawn ahead */
    /* d->screen_on_by for a screen off now: the pending arrival's time when its session turns
     * the screen on (next_dur > 0), SIM_TIME_MAX without one (publish_screen_on_by) */
    sim_time on_by;
    sim_time screen_off_at; /* end of the screen-on period in progress */
    sim_time screen_anchor; /* screen-on time before this is in d->usage.screen_on_since_last_use */
    bool moving;            /* the screen-on period in progress is a moving one */
    /* in_commute over [commute_from, commute_until), where no window starts or ends (commuting) */
    sim_time commute_from, commute_until;
    bool commute_now;
    bool commute_valid;    /* commute_from and commute_next have been computed */
    sim_time commute_next; /* next_commute_edge(st, commute_from) */
    /* the local day of the latest rate_per_ms (sim_cal_day: its time of day and weekday are the
     * calendar's own for every instant it holds) */
    sim_cal_day day;
} usage_state;

static sim_time midnight(const sim_calendar *cal, int64_t day) { return day * SIM_MS_PER_DAY - cal->start_ms_of_day; }

static sim_time jitter(usage_state *st)
{
    if (st->c.sleep_jitter == 0)
        return 0;
    return (sim_time)gsl_rng_uniform_int(st->r_sleep, (unsigned long)(2 * st->c.sleep_jitter + 1)) - st->c.sleep_jitter;
}

/* Draws the night that ends on day `night` (bedtime jitter first, then wake-up jitter). */
static void plan_night(usage_state *st, int64_t night)
{
    sim_time m = midnight(st->d->cal, night);
    int v = sim_cal_is_weekend(st->d->cal, m) ? 1 : 0;
    sim_time from = st->c.sleep_from[v], to = st->c.sleep_to[v];
    st->night = night;
    st->bedtime = m + from - (from > to ? SIM_MS_PER_DAY : 0) + jitter(st);
    st->wake = m + to + jitter(st);
}

/* The session rate at t. The calendar is split once per local day (st->day), not at every hour the
 * arrival integrates over (they are mostly in the same day): sim_cal_day_holds makes t - day.start
 * and day.weekday exactly sim_cal_ms_of_day and sim_cal_weekday of t. */
static double rate_per_ms(usage_state *st, sim_time t, sim_time *hour_end)
{
    if (!sim_cal_day_holds(&st->day, t))
        sim_cal_day_of(st->d->cal, t, &st->day);
    sim_time ms = t - st->day.start;
    *hour_end = t + (SIM_MS_PER_HOUR - ms % SIM_MS_PER_HOUR);
    int profile = st->day.weekday >= SIM_SATURDAY ? 1 : 0;
    return st->c.rate_ms[profile][ms / SIM_MS_PER_HOUR];
}

static void on_arrival(sim_engine *e, void *ctx, uint64_t arg);

/* The next session start after `from` (inversion of the piecewise-constant cumulative rate, see
 * mdl_usage.h), if it comes before the next bedtime; -1 if not. Draws its exponential from
 * r_session (none without a rate). */
static sim_time next_arrival(usage_state *st, sim_time from)
{
    if (!st->c.any_rate)
        return -1;
    double need = sim_rng_exponential(st->r_session, 1.0);
    for (sim_time t = from; t < st->bedtime;) {
        sim_time seg_end;
        double r = rate_per_ms(st, t, &seg_end);
        if (seg_end > st->bedtime)
            seg_end = st->bedtime;
        double seg = (double)(seg_end - t);
        if (r > 0 && need <= r * seg) {
            double dt = need / r;
            sim_time at = t + (sim_time)ceil(dt < seg ? dt : seg);
            return at < st->bedtime ? at : -1;
        }
        need -= r * seg;
        t = seg_end;
    }
    return -1;
}

/* next_arrival, and the duration of that session drawn ahead (st->next_dur) when there is one.
 * r_session's draws keep their order: a session's duration used to be drawn at its arrival, first
 * thing, and the next arrival's exponential right after it; now it is drawn right after its own
 * arrival's exponential. Nothing else draws from r_session in between, and every arrival scheduled
 * fires (it is before bedtime, so bedtime's cancel never finds one pending): the same sequence
 * exp, duration, exp, duration, ..., exp (none before bedtime) each waking day. Only a run's end
 * can leave a drawn duration unused, after everything it outputs. Ahead, it tells the screen-on
 * bound (publish_screen_on_by). */
static sim_time next_session(usage_state *st, sim_time from)
{
    sim_time at = next_arrival(st, from);
    if (at >= 0)
        st->next_dur = sch_dist_draw(&st->c.session_prepared, st->r_session);
    return at;
}

/* Schedules the arrival at `at` (none if -1), and sets st->on_by for it. */
static void schedule_at(usage_state *st, sim_time at)
{
    st->on_by = at >= 0 && st->next_dur > 0 ? at : SIM_TIME_MAX;
    if (at >= 0)
        sim_schedule(st->d->engine, at, SIM_PHASE_ENVIRONMENT, on_arrival, st, 0, &st->arrival);
}

static void schedule_arrival(usage_state *st, sim_time from) { schedule_at(st, next_session(st, from)); }

/* d->screen_on_by: with the screen off, the pending session start if its duration (drawn ahead) is
 * > 0, as on_arrival then turns the screen on (only usage does), else SIM_TIME_MAX. Called at every
 * screen-off and after every change of the pending arrival with the screen off (with it on, the
 * value is not read: mdl_device.h). */
static void publish_screen_on_by(usage_state *st) { st->d->screen_on_by = st->on_by; }

/* d->screen_off_by while the screen is on, given the next session start `next` (-1: none before
 * bedtime): the screen turns off at screen_off_at unless a session starting at or before then
 * extends it, and at bedtime at the latest (on_bedtime). Sessions start only at arrivals, and the
 * next one is `next`: so with none at or before screen_off_at the screen is off by then, whatever
 * else happens (nothing else reschedules on_screen_off); with one, later sessions may extend it up
 * to bedtime. Over a screen-on period the bound never grows: it is bedtime until an arrival finds
 * no next one in time, then min(screen_off_at, bedtime), which that last arrival fixed. */
static sim_time screen_off_bound(const usage_state *st, sim_time next)
{
    if (next >= 0 && next <= st->screen_off_at)
        return st->bedtime;
    return st->screen_off_at < st->bedtime ? st->screen_off_at : st->bedtime;
}

/* Whether a window of `days` applies on a day of weekday `wd` (ISO, Monday 0). */
static bool day_applies(int wd, mdl_usage_days days)
{
    if (days == MDL_USAGE_EVERY_DAY)
        return true;
    return (wd >= SIM_SATURDAY) == (days == MDL_USAGE_WEEKEND);
}

/* The weekday of day `k` given that of day `day` (|k - day| <= 8 here): days and weekdays advance
 * together, so no calendar split per day (sim_cal_weekday of midnight(k) is this). */
static int weekday_after(const sim_cal_day *day, int64_t k) { return (int)((day->weekday + (k - day->index) + 7) % 7); }

static bool in_commute(const usage_state *st, sim_time t)
{
    const sim_calendar *cal = st->d->cal;
    sim_cal_day today;
    sim_cal_day_of(cal, t, &today);
    for (int64_t k = today.index - 1; k <= today.index; k++) {
        sim_time m = midnight(cal, k);
        for (int i = 0; i < st->c.commute_count; i++) {
            const mdl_usage_window *w = &st->c.commute[i];
            sim_time s = m + w->from;
            /* The time test first: it is cheap and mostly false, and spares the weekday. */
            if (s <= t && t < s + mdl_usage_span(w->from, w->to) && day_applies(weekday_after(&today, k), w->days))
                return true;
        }
    }
    return false;
}

/* The first start or end of a commute window after t (-1: none within 8 days, so none at all: the
 * windows repeat every week). */
static sim_time next_commute_edge(const usage_state *st, sim_time t)
{
    const sim_calendar *cal = st->d->cal;
    sim_cal_day today;
    sim_cal_day_of(cal, t, &today);
    sim_time best = -1;
    for (int64_t k = today.index - 1; k <= today.index + 8; k++) {
        sim_time m = midnight(cal, k);
        /* A window of day k or later starts at or after its midnight (from is a time of day) and
         * ends after it starts: once that midnight is not before the best edge, none is nearer. */
        if (best >= 0 && m >= best)
            break;
        int wd = weekday_after(&today, k);
        for (int i = 0; i < st->c.commute_count; i++) {
            const mdl_usage_window *w = &st->c.commute[i];
            if (!day_applies(wd, w->days))
                continue;
            sim_time s = m + w->from, end = s + mdl_usage_span(w->from, w->to);
            if (s > t && (best < 0 || s < best))
                best = s;
            if (end > t && (best < 0 || end < best))
                best = end;
        }
    }
    return best;
}

/* in_commute(st, t), computed once per stretch between two window edges: it can change only at an
 * edge, and the motion check asks it at every screen change and visit (with the calendar's
 * divisions it was 3 % of an Android sweep and 7 % of an ideal one, issue 24). Times only grow. */
/* commuting's recomputation, out of line: inlined, its calendar work made every motion check save
 * and restore the registers it needs (a third of the check's instructions, issue 24). */
__attribute__((noinline)) static void commute_stretch(usage_state *st, sim_time t)
{
    sim_time next = next_commute_edge(st, t);
    st->commute_now = in_commute(st, t);
    st->commute_from = t;
    st->commute_until = next < 0 ? SIM_TIME_MAX : next;
    st->commute_next = next;
    st->commute_valid = true;
}

/* Whether the cached commute stretch [commute_from, commute_until) holds t (commuting then reads
 * it without recomputing). */
static inline bool stretch_holds(const usage_state *st, sim_time t)
{
    return t >= st->commute_from && t < st->commute_until;
}

static inline bool commuting(usage_state *st, sim_time t)
{
    if (!stretch_holds(st, t))
        commute_stretch(st, t);
    return st->commute_now;
}

static void on_commute_edge(sim_engine *e, void *ctx, uint64_t arg);

/* At an edge the motion check has just computed the stretch from t (commute_stretch, when the user
 * is awake): its next edge is next_commute_edge(st, t) already, the same function of the same t. */
static void schedule_commute_edge(usage_state *st, sim_time t)
{
    sim_time best = st->commute_valid && st->commute_from == t ? st->commute_next : next_commute_edge(st, t);
    if (best >= 0)
        sim_schedule(st->d->engine, best, SIM_PHASE_ENVIRONMENT, on_commute_edge, st, 0, &st->commute_edge);
}

/* should_be_stationary for an awake user, given whether the user commutes. */
static inline bool awake_stationary(const usage_state *st, bool commute_now)
{
    return !(commute_now || (st->d->screen_on && st->moving));
}

/* The user's commute is looked up (commuting, which may recompute the stretch) only when awake. */
static inline bool should_be_stationary(usage_state *st, sim_time t)
{
    return st->d->user_asleep || awake_stationary(st, commuting(st, t));
}

SIM_TRACE_INLINE void trace_bool(mdl_device *d, const char *type, const char *key, bool v)
{
    SIM_TRACE_RECORD(d->trace, sim_now(d->engine), type, SIM_TRACE_BOOL(key, v));
}

/* The usage.session record (one per arrival), folded in one go without a file (SIM_TRACE_RECORD). */
SIM_TRACE_INLINE void trace_session(sim_trace *tr, sim_time now, sim_time dur, bool visit)
{
    SIM_TRACE_RECORD(tr, now, "usage.session", SIM_TRACE_INT("duration_ms", dur), SIM_TRACE_BOOL("app", visit));
}

/* A change of d->stationary: traced, then signalled. Out of line (noinline) so update_motion's
 * usual path, no change (~8 in 9 of its calls, ~115 a device-day on ideal), saves and restores no
 * registers: with the trace record folded in, every call paid the pushes and pops of this path
 * (~11 instructions). The same statements in the same order: only the code's layout moves. */
static __attribute__((noinline)) void motion_changed(mdl_device *d, bool stationary)
{
    d->stationary = stationary;
    trace_bool(d, "usage.motion", "stationary", stationary);
    mdl_emit(d, MDL_SIG_MOTION, stationary);
}

/* update_motion when the commute stretch must be recomputed (a call that needs saved registers). */
static __attribute__((noinline)) void update_motion_restretch(usage_state *st, sim_time now)
{
    bool stationary = should_be_stationary(st, now);
    if (stationary != st->d->stationary)
        motion_changed(st->d, stationary);
}

/* should_be_stationary, with the commute read from the cached stretch when it holds now (or not
 * at all, asleep): what commuting() returns then, without its call to commute_stretch in this
 * function's code, so the usual path makes no call. Otherwise the whole check goes out of line
 * (update_motion_restretch). Inlined into its callers (every screen change calls it: the call and
 * return were a fifth of it). tests/models/device/test_usage.c checks the motion against a
 * recomputation. */
static inline __attribute__((always_inline)) void update_motion(usage_state *st)
{
    mdl_device *d = st->d;
    sim_time now = sim_now(d->engine);
    if (!d->user_asleep && !stretch_holds(st, now)) {
        update_motion_restretch(st, now);
        return;
    }
    bool stationary = d->user_asleep || awake_stationary(st, st->commute_now);
    if (stationary != d->stationary)
        motion_changed(d, stationary);
}

static void on_commute_edge(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    usage_state *st = ctx;
    st->commute_edge = SIM_HANDLE_NONE;
    update_motion(st);
    schedule_commute_edge(st, sim_now(e));
}

/* Folds the screen-on stretch up to now into the history's counter. */
static void fold_screen_time(usage_state *st, sim_time now)
{
    if (st->d->screen_on)
        st->d->usage.screen_on_since_last_use += now - st->screen_anchor;
    st->screen_anchor = now;
}

static void close_visit(usage_state *st)
{
    mdl_device *d = st->d;
    sim_cancel(d->engine, st->app_close); /* NONE from on_app_close: nothing to cancel */
    st->app_close = SIM_HANDLE_NONE;
    if (!d->app_foreground)
        return; /* someone else closed it already */
    d->app_foreground = false;
    sim_trace_begin(d->trace, sim_now(d->engine), "usage.app_close");
    sim_trace_end(d->trace);
    mdl_emit(d, MDL_SIG_APP_CLOSE, 0);
}

static void on_app_close(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    usage_state *st = ctx;
    st->app_close = SIM_HANDLE_NONE;
    close_visit(st);
}

/* Inlined into on_screen_off (~56 a device-day) and on_bedtime: one call fewer per screen-off. */
static inline __attribute__((always_inline)) void screen_off(usage_state *st)
{
    mdl_device *d = st->d;
    if (st->app_close != SIM_HANDLE_NONE)
        close_visit(st);
    sim_cancel(d->engine, st->screen_off); /* NONE from on_screen_off: nothing to cancel */
    st->screen_off = SIM_HANDLE_NONE;
    fold_screen_time(st, sim_now(d->engine));
    d->screen_on = false;
    d->screen_off_by = SIM_TIME_MAX;
    publish_screen_on_by(st);
    st->moving = false;
    trace_bool(d, "usage.screen", "on", false);
    mdl_emit(d, MDL_SIG_SCREEN_OFF, 0);
    update_motion(st);
}

static void on_screen_off(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    usage_state *st = ctx;
    st->screen_off = SIM_HANDLE_NONE;
    screen_off(st);
}

static void on_arrival(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    usage_state *st = ctx;
    mdl_device *d = st->d;
    sim_time now = sim_now(e);
    st->arrival = SIM_HANDLE_NONE; /* st->on_by is its until schedule_at below: not read before */
    sim_time dur = st->next_dur; /* drawn ahead, see next_session */
    /* The next arrival is drawn now, for the screen-off bound the battery reads at the screen-on
     * signal, and scheduled at the end as before (the same draws of r_session in the same order:
     * nothing in between draws from it; the same schedule, so the same order of events). */
    sim_time next = next_session(st, now);
    /* While the device is down (a reboot) the user cannot open the app: the session is recorded
     * with its draws, as at any other time, but it is no visit (found by tools/fuzz/fuzz_sim.c:
     * usage.app_open during a reboot's downtime). */
    bool visit = sim_rng_uniform(st->r_app_open) < st->c.app_per_session && dur > 0 && !mdl_kills_device_down(d);
    trace_session(d->trace, now, dur, visit);
    if (dur > 0) {
        sim_time end = now + dur;
        if (!d->screen_on) {
            st->screen_anchor = now;
            st->screen_off_at = end;
            st->moving = sim_rng_uniform(st->r_motion) < st->c.moving_sessions;
            d->screen_on = true;
            d->screen_off_by = screen_off_bound(st, next);
            sim_schedule(e, end, SIM_PHASE_ENVIRONMENT, on_screen_off, st, 0, &st->screen_off);
            trace_bool(d, "usage.screen", "on", true);
            mdl_emit(d, MDL_SIG_SCREEN_ON, 0);
            update_motion(st);
        } else {
            if (end > st->screen_off_at) {
                st->screen_off_at = end;
                sim_reschedule(e, st->screen_off, end);
            }
            d->screen_off_by = screen_off_bound(st, next);
        }
        if (visit) {
            sim_time took = sch_dist_draw(&st->c.app_prepared, st->r_app_duration);
            sim_time until = now + (took < dur ? took : dur);
            sim_time pending;
            if (!d->app_foreground) {
                d->app_foreground = true;
                sim_schedule(e, until, SIM_PHASE_ENVIRONMENT, on_app_close, st, 0, &st->app_close);
                sim_trace_begin(d->trace, now, "usage.app_open");
                sim_trace_int(d->trace, "duration_ms", until - now);
                sim_trace_end(d->trace);
                mdl_emit(d, MDL_SIG_APP_OPEN, 0);
            } else if (sim_event_time(e, st->app_close, &pending) == SIM_OK && until > pending) {
                sim_reschedule(e, st->app_close, until);
            }
        }
    }
    schedule_at(st, next);
    if (!d->screen_on) /* a session of 0 ms: the next one's bound */
        publish_screen_on_by(st);
}

static void on_wake(sim_engine *e, void *ctx, uint64_t arg);

static void on_bedtime(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    usage_state *st = ctx;
    mdl_device *d = st->d;
    sim_cancel(e, st->arrival);
    st->arrival = SIM_HANDLE_NONE;
    st->on_by = SIM_TIME_MAX;
    d->user_asleep = true;
    trace_bool(d, "usage.sleep", "asleep", true);
    if (st->app_close != SIM_HANDLE_NONE)
        close_visit(st);
    if (d->screen_on)
        screen_off(st);
    update_motion(st);
    publish_screen_on_by(st); /* no arrival pending: unbounded */
    sim_schedule(e, st->wake, SIM_PHASE_ENVIRONMENT, on_wake, st, 0, NULL);
}

static void on_wake(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    usage_state *st = ctx;
    mdl_device *d = st->d;
    sim_time now = sim_now(e);
    d->user_asleep = false;
    trace_bool(d, "usage.sleep", "asleep", false);
    plan_night(st, st->night + 1);
    sim_schedule(e, st->bedtime, SIM_PHASE_ENVIRONMENT, on_bedtime, st, 0, NULL);
    update_motion(st);
    schedule_arrival(st, now);
    publish_screen_on_by(st);
}

static void on_rolloff(sim_engine *e, void *ctx, uint64_t bin)
{
    (void)e;
    usage_state *st = ctx;
    if (st->d->usage.opens_by_hour_of_week[bin] > 0)
        st->d->usage.opens_by_hour_of_week[bin]--;
}

static void on_signal(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)arg;
    usage_state *st = ctx;
    if (sig == MDL_SIG_REBOOT && st->app_close != SIM_HANDLE_NONE) {
        close_visit(st); /* the app's process is gone with the reboot: so is this visit */
        return;
    }
    if (sig != MDL_SIG_APP_OPEN && sig != MDL_SIG_APP_CLOSE)
        return;
    sim_time now = sim_now(d->engine);
    fold_screen_time(st, now);
    d->usage.screen_on_since_last_use = 0;
    if (sig == MDL_SIG_APP_CLOSE) {
        d->usage.last_close = now;
        return;
    }
    d->usage.last_open = now;
    d->usage.opens++;
    int bin = sim_cal_hour_of_week(d->cal, now);
    d->usage.opens_by_hour_of_week[bin]++;
    sim_schedule(d->engine, now + MDL_USAGE_HISTORY_WINDOW, SIM_PHASE_ENVIRONMENT, on_rolloff, st, (uint64_t)bin,
                 NULL);
}

static int usage_start(mdl_device *d, int index, const void *config)
{
    usage_state *st = calloc(1, sizeof *st);
    if (!st)
        return MDL_ENOMEM;
    st->d = d;
    st->c = *(const mdl_usage_config *)config;
    st->on_by = SIM_TIME_MAX; /* no arrival pending yet */
    st->r_sleep = sim_rng_get(d->rngs, "usage.sleep");
    st->r_session = sim_rng_get(d->rngs, "usage.session");
    st->r_app_open = sim_rng_get(d->rngs, "usage.app_open");
    st->r_app_duration = sim_rng_get(d->rngs, "usage.app_duration");
    st->r_motion = sim_rng_get(d->rngs, "usage.motion");
    if (!st->r_sleep || !st->r_session || !st->r_app_open || !st->r_app_duration || !st->r_motion ||
        mdl_subscribe_signals(d, on_signal, st,
                              MDL_SIGNAL(MDL_SIG_REBOOT) | MDL_SIGNAL(MDL_SIG_APP_OPEN) | MDL_SIGNAL(MDL_SIG_APP_CLOSE)) !=
            MDL_OK) {
        free(st);
        return MDL_ENOMEM;
    }
    d->models[index] = st;

    sim_time now = sim_now(d->engine);
    int64_t night = sim_cal_day_index(d->cal, now);
    sim_cal_day_of(d->cal, now, &st->day);
    plan_night(st, night);
    while (st->wake <= now)
        plan_night(st, ++night);
    int rc;
    d->screen_on = false;
    d->user_asleep = st->bedtime <= now;
    if (d->user_asleep) {
        rc = sim_schedule(d->engine, st->wake, SIM_PHASE_ENVIRONMENT, on_wake, st, 0, NULL);
    } else {
        rc = sim_schedule(d->engine, st->bedtime, SIM_PHASE_ENVIRONMENT, on_bedtime, st, 0, NULL);
        schedule_arrival(st, now);
    }
    publish_screen_on_by(st);
    d->stationary = should_be_stationary(st, now);
    schedule_commute_edge(st, now);
    trace_bool(d, "usage.sleep", "asleep", d->user_asleep);
    trace_bool(d, "usage.motion", "stationary", d->stationary);
    return rc == SIM_OK ? MDL_OK : MDL_ENOMEM;
}

static void usage_stop(mdl_device *d, int index)
{
    free(d->models[index]);
    d->models[index] = NULL;
}

sim_time mdl_usage_screen_on_since_last_use(const mdl_device *d, sim_time t)
{
    const usage_state *st = d->models[MDL_SLOT_USAGE];
    sim_time v = d->usage.screen_on_since_last_use;
    if (st && d->screen_on && t > st->screen_anchor)
        v += t - st->screen_anchor;
    return v;
}

uint64_t mdl_usage_recent_opens(const mdl_device *d)
{
    uint64_t n = 0;
    for (int h = 0; h < MDL_HOURS_OF_WEEK; h++)
        n += d->usage.opens_by_hour_of_week[h];
    return n;
}

/* `randomness: none`: no screen sessions (so no app visits and no moving sessions) and no sleep
 * jitter; the sleep windows and commutes stay. The app is opened by app.first_open and events. */
static void usage_no_random(void *config)
{
    mdl_usage_config *c = config;
    memset(c->session_rate, 0, sizeof c->session_rate);
    c->sleep_jitter = 0;
    mdl_usage_prepare(c);
}

/* session_rate divided once per config (the same doubles rate_per_ms divided at every segment of
 * every arrival: a division is tens of cycles), and the durations prepared for sch_dist_draw (the
 * same draws). */
void mdl_usage_prepare(mdl_usage_config *c)
{
    c->any_rate = false;
    for (int p = 0; p < 2; p++) {
        for (int h = 0; h < MDL_USAGE_HOURS; h++) {
            c->any_rate |= c->session_rate[p][h] > 0;
            c->rate_ms[p][h] = c->session_rate[p][h] / (double)SIM_MS_PER_HOUR;
        }
    }
    sch_dist_prepare(&c->session_duration, &c->session_prepared);
    sch_dist_prepare(&c->app_duration, &c->app_prepared);
}

const mdl_model mdl_usage_model = {
    .parent = "user",
    .key = "usage",
    .config_size = sizeof(mdl_usage_config),
    .defaults = usage_defaults,
    .parse = mdl_usage_parse,
    .no_random = usage_no_random,
    .start = usage_start,
    .stop = usage_stop,
};
