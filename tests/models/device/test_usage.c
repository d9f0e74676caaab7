/*
 * The user usage model (user.usage) on a real engine and device: session counts and their hour-of-
 * day histogram against the profile (GSL Poisson tails, chi-square), sleep, app-visit share
 * (binomial), the usage history against a hand-driven sequence and a replay of the trace, the
 * 14-day roll-off, motion, determinism and parse errors.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_usage.h"
#include "sim_rng.h"
#include "rig.h"

#define ALPHA 1e-3 /* every statistical check: false alarm probability per check */
#define HOUR SIM_HOURS(1)
#define DAY SIM_DAYS(1)

/* 2026-01-05 is a Monday; the rigs start at 07:00. */
static const sim_datetime monday = {.year = 2026, .month = 1, .day = 5, .hour = 7};

/* ---- a trace read back as events ---- */

enum kind { K_SESSION, K_SCREEN, K_SLEEP, K_APP_OPEN, K_APP_CLOSE, K_MOTION, K_OTHER };

typedef struct ev {
    sim_time t;
    enum kind kind;
    int64_t v;  /* session: duration_ms; screen: on; sleep: asleep; motion: stationary; app_open: duration */
    bool app;   /* session: a visit to the app */
} ev;

typedef struct evs {
    ev *a;
    size_t n, cap;
} evs;

static void push(evs *l, ev e)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->a = realloc(l->a, l->cap * sizeof *l->a);
        cr_assert_not_null(l->a);
    }
    l->a[l->n++] = e;
}

static bool flag(const char *line, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":true", key);
    return strstr(line, pat) != NULL;
}

static int64_t num(const char *line, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    cr_assert_not_null(p, "no %s in %s", key, line);
    return strtoll(p + strlen(pat), NULL, 10);
}

static ev parse_line(const char *line)
{
    ev e = {0};
    char type[64];
    cr_assert_eq(sscanf(line, "{\"t\":%" SCNd64 ",\"type\":\"%63[^\"]\"", &e.t, type), 2, "bad line %s", line);
    if (strcmp(type, "usage.session") == 0) {
        e.kind = K_SESSION;
        e.v = num(line, "duration_ms");
        e.app = flag(line, "app");
    } else if (strcmp(type, "usage.screen") == 0) {
        e.kind = K_SCREEN;
        e.v = flag(line, "on");
    } else if (strcmp(type, "usage.sleep") == 0) {
        e.kind = K_SLEEP;
        e.v = flag(line, "asleep");
    } else if (strcmp(type, "usage.app_open") == 0) {
        e.kind = K_APP_OPEN;
        e.v = num(line, "duration_ms");
    } else if (strcmp(type, "usage.app_close") == 0) {
        e.kind = K_APP_CLOSE;
    } else if (strcmp(type, "usage.motion") == 0) {
        e.kind = K_MOTION;
        e.v = flag(line, "stationary");
    } else {
        e.kind = K_OTHER;
    }
    return e;
}

/* ---- the rig (../rig.h) running the model on the ideal platform ---- */

/* Tests edit configs by hand: the derived fields are prepared again on a copy (the model copies
 * the config at start). */
static rig *usage_rig(const mdl_usage_config *c, uint64_t seed, sim_datetime start, mdl_listener_fn fn, void *ctx)
{
    mdl_usage_config prepared = *c;
    mdl_usage_prepare(&prepared);
    return rig_new(&mdl_usage_model, &prepared, MDL_IDEAL, seed, start, fn, ctx); /* fn subscribed first */
}

static void push_line(void *ctx, const char *line) { push(ctx, parse_line(line)); }

/* The trace so far, as events (appended to l). */
static void rig_events(rig *r, evs *l) { rig_lines(r, push_line, l); }

static mdl_usage_config defaults(void)
{
    mdl_usage_config c;
    mdl_usage_model.defaults(&c, MDL_IDEAL);
    return c;
}

/* Every night 23:00-07:00 with no jitter: waking days are exactly 07:00-23:00. */
static mdl_usage_config fixed_nights(void)
{
    mdl_usage_config c = defaults();
    c.sleep_from[1] = c.sleep_from[0] = SIM_HOURS(23);
    c.sleep_to[1] = c.sleep_to[0] = SIM_HOURS(7);
    c.sleep_jitter = 0;
    return c;
}

/* Two-sided exact Poisson test: k is not in either alpha/2 tail of Poisson(mu). */
static void assert_poisson(unsigned k, double mu, const char *what)
{
    double lo = gsl_cdf_poisson_P(k, mu);
    double hi = k ? gsl_cdf_poisson_Q(k - 1, mu) : 1.0;
    cr_assert(lo > ALPHA / 2 && hi > ALPHA / 2, "%s: %u, expected Poisson(%.1f): P(X<=k)=%.2g P(X>=k)=%.2g", what, k,
              mu, lo, hi);
}

static void assert_binomial(unsigned k, double p, unsigned n, const char *what)
{
    double lo = gsl_cdf_binomial_P(k, p, n);
    double hi = k ? gsl_cdf_binomial_Q(k - 1, p, n) : 1.0;
    cr_assert(lo > ALPHA / 2 && hi > ALPHA / 2, "%s: %u of %u, expected p=%.3f: P(X<=k)=%.2g P(X>=k)=%.2g", what, k,
              n, p, lo, hi);
}

/* ---- session counts and their hour-of-day profile ---- */

#define SEEDS 20
#define WEEKS 5 /* per seed: 20 x 35 = 700 days, 500 weekdays and 200 weekend days */

typedef struct tally {
    unsigned days[2];                  /* [weekday, weekend] */
    unsigned sessions[2];
    unsigned by_hour[2][24];
    double dispersion[2];              /* sum over days of (count - mu)^2 / mu */
} tally;

static void count_sessions(const mdl_usage_config *c, tally *ty)
{
    memset(ty, 0, sizeof *ty);
    double mu[2] = {mdl_usage_expected_sessions(c, 0, SIM_HOURS(7), SIM_HOURS(23)),
                    mdl_usage_expected_sessions(c, 1, SIM_HOURS(7), SIM_HOURS(23))};
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        rig *r = usage_rig(c, seed, monday, NULL, NULL);
        sim_run_until(r->e, SIM_DAYS(7 * WEEKS));
        evs l = {0};
        rig_events(r, &l);
        unsigned per_day[7 * WEEKS] = {0};
        for (size_t i = 0; i < l.n; i++) {
            if (l.a[i].kind != K_SESSION)
                continue;
            int64_t day = sim_cal_day_index(&r->cal, l.a[i].t);
            int w = sim_cal_is_weekend(&r->cal, l.a[i].t);
            per_day[day]++;
            ty->sessions[w]++;
            ty->by_hour[w][sim_cal_minute_of_day(&r->cal, l.a[i].t) / 60]++;
        }
        for (int day = 0; day < 7 * WEEKS; day++) {
            int w = sim_cal_is_weekend(&r->cal, SIM_DAYS(day));
            ty->days[w]++;
            ty->dispersion[w] += (per_day[day] - mu[w]) * (per_day[day] - mu[w]) / mu[w];
        }
        free(l.a);
        rig_free(r);
    }
}

static void check_counts(const mdl_usage_config *c, const tally *ty)
{
    for (int w = 0; w < 2; w++) {
        double mu = mdl_usage_expected_sessions(c, w, SIM_HOURS(7), SIM_HOURS(23));
        char what[64];
        snprintf(what, sizeof what, "%s sessions over %u days", w ? "weekend" : "weekday", ty->days[w]);
        assert_poisson(ty->sessions[w], mu * ty->days[w], what);
        /* Poisson per day: the dispersion statistic is chi-square with days - 1 degrees of freedom
         * (mu is known, so days degrees; the difference is immaterial at this size). */
        double q = gsl_cdf_chisq_Q(ty->dispersion[w], ty->days[w]);
        cr_assert(q > ALPHA / 2 && q < 1 - ALPHA / 2, "%s day counts are not Poisson: dispersion %.1f on %u days",
                  w ? "weekend" : "weekday", ty->dispersion[w], ty->days[w]);
        cr_log_info("%s: %.3f sessions/day (expected %.3f), dispersion index %.3f", w ? "weekend" : "weekday",
                    (double)ty->sessions[w] / ty->days[w], mu, ty->dispersion[w] / ty->days[w]);
    }
}

/* Chi-square goodness of fit of the hour-of-day histogram against the profile; hours with rate 0
 * must hold no session at all. */
static void check_histogram(const mdl_usage_config *c, const tally *ty)
{
    for (int w = 0; w < 2; w++) {
        double total = mdl_usage_expected_sessions(c, w, SIM_HOURS(7), SIM_HOURS(23));
        double stat = 0;
        int bins = 0;
        for (int h = 0; h < 24; h++) {
            bool awake = h >= 7 && h < 23;
            double p = awake ? c->session_rate[w][h] / total : 0;
            if (p == 0) {
                cr_assert_eq(ty->by_hour[w][h], 0, "a session in hour %d (rate 0 or asleep)", h);
                continue;
            }
            double expect = p * ty->sessions[w];
            stat += (ty->by_hour[w][h] - expect) * (ty->by_hour[w][h] - expect) / expect;
            bins++;
        }
        double q = gsl_cdf_chisq_Q(stat, bins - 1);
        cr_log_info("%s hour-of-day chi-square %.2f on %d df, p = %.3f", w ? "weekend" : "weekday", stat, bins - 1, q);
        cr_assert(q > ALPHA, "%s hour-of-day histogram does not match the profile: chi2 %.2f df %d p %.2g",
                  w ? "weekend" : "weekday", stat, bins - 1, q);
    }
}

Test(usage, session_counts_match_the_default_profile)
{
    mdl_usage_config c = fixed_nights();
    tally ty;
    count_sessions(&c, &ty);
    cr_assert_eq(ty.days[0], 500);
    cr_assert_eq(ty.days[1], 200);
    check_counts(&c, &ty);
    check_histogram(&c, &ty);
}

Test(usage, session_counts_match_a_custom_profile_with_gaps)
{
    mdl_usage_config c = fixed_nights();
    /* The example profile on weekdays; weekends only in the afternoon, at a high rate. */
    static const double wd[24] = {0, 0, 0, 0, 0, 0, 1, 4, 3, 2, 2, 3, 3, 2, 2, 2, 3, 3, 4, 5, 5, 4, 2, 1};
    memcpy(c.session_rate[0], wd, sizeof wd);
    memset(c.session_rate[1], 0, sizeof c.session_rate[1]);
    for (int h = 13; h < 18; h++)
        c.session_rate[1][h] = 12;
    c.session_duration = sch_dist_fixed(SIM_SECONDS(30));
    tally ty;
    count_sessions(&c, &ty);
    cr_assert_float_eq(mdl_usage_expected_sessions(&c, 0, SIM_HOURS(7), SIM_HOURS(23)), 49.0, 1e-9);
    cr_assert_float_eq(mdl_usage_expected_sessions(&c, 1, SIM_HOURS(7), SIM_HOURS(23)), 60.0, 1e-9);
    check_counts(&c, &ty);
    check_histogram(&c, &ty);
}

Test(usage, a_zero_profile_never_lights_the_screen)
{
    mdl_usage_config c = defaults();
    memset(c.session_rate, 0, sizeof c.session_rate);
    rig *r = usage_rig(&c, 3, monday, NULL, NULL);
    sim_run_until(r->e, SIM_DAYS(30));
    evs l = {0};
    rig_events(r, &l);
    for (size_t i = 0; i < l.n; i++)
        cr_assert(l.a[i].kind != K_SESSION && l.a[i].kind != K_SCREEN);
    free(l.a);
    rig_free(r);
}

/* ---- sleep ---- */

/* Walks the trace: nothing but screen-off, visit ends and motion while asleep, no session; the
 * screen is off and the app closed at every bedtime; screen-on periods = union of sessions. */
/* ---- the screen-off bound the battery defers on (d->screen_off_by) ---- */

typedef struct off_probe {
    rig *r;
    sim_time bound;  /* the least d->screen_off_by seen in the screen-on period in progress */
    sim_time bound_at_on;
    int periods, tight, probes;
} off_probe;

static void probe_bound(off_probe *p, sim_time now)
{
    const mdl_device *d = &p->r->d;
    cr_assert_geq(d->screen_off_by, now, "bound %lld before now %lld", (long long)d->screen_off_by, (long long)now);
    cr_assert_leq(d->screen_off_by, p->bound, "bound grew to %lld from %lld", (long long)d->screen_off_by,
                  (long long)p->bound);
    p->bound = d->screen_off_by;
    p->probes++;
}

static void off_listener(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)arg;
    off_probe *p = ctx;
    sim_time now = sim_now(d->engine);
    if (sig == MDL_SIG_SCREEN_ON) {
        p->bound = SIM_TIME_MAX;
        probe_bound(p, now);
        p->bound_at_on = d->screen_off_by;
        p->tight += d->screen_off_by < now + SIM_HOURS(1);
        p->periods++;
    } else if (sig == MDL_SIG_SCREEN_OFF) {
        cr_assert_leq(now, p->bound, "screen off at %lld after its bound %lld", (long long)now, (long long)p->bound);
        cr_assert_eq(d->screen_off_by, SIM_TIME_MAX);
    } else if (d->screen_on) {
        probe_bound(p, now);
    }
}

/* Every ms of a screen-on period's trace is probed at the ms of events (arrivals that extend it or
 * not, visits); this one looks between them too. */
static void off_tick(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    off_probe *p = ctx;
    if (p->r->d.screen_on)
        probe_bound(p, sim_now(e));
    sim_schedule_in(e, SIM_SECONDS(7), SIM_PHASE_OS, off_tick, p, 0, NULL);
}

/* d->screen_off_by, while the screen is on, bounds its screen-off: over many days of sessions the
 * screen always turns off at or before every bound published since it came on, the bound never
 * grows within a period, and it is mostly the period's own end (not bedtime), which is what lets
 * the battery defer its re-arms (mdl_battery.c, defer_rearm). */
Test(usage, the_screen_turns_off_by_its_published_bound)
{
    mdl_usage_config c = defaults();
    c.session_duration.b = 2.0; /* a long tail: sessions that overlap the next arrival */
    off_probe p = {0};
    for (uint64_t seed = 1; seed <= 8; seed++) {
        rig *r = usage_rig(&c, seed, monday, off_listener, &p);
        p.r = r;
        sim_schedule_in(r->e, 0, SIM_PHASE_OS, off_tick, &p, 0, NULL);
        sim_run_until(r->e, SIM_DAYS(20));
        rig_free(r);
    }
    cr_log_info("screen-off bound: %d periods, %d bounded within the hour, %d probes", p.periods, p.tight, p.probes);
    cr_assert_gt(p.periods, 6000);
    cr_assert_gt(p.tight, p.periods / 2);
    cr_assert_lt(p.tight, p.periods); /* some periods overlap their next arrival: bedtime */
}

/* ---- the screen-on bound the battery defers on (d->screen_on_by) ---- */

typedef struct on_probe {
    rig *r;
    sim_time bound; /* the least d->screen_on_by seen in the screen-off period in progress */
    int periods, bounded, exact, probes;
} on_probe;

static void probe_on_bound(on_probe *p, sim_time now)
{
    const mdl_device *d = &p->r->d;
    cr_assert_geq(d->screen_on_by, now, "bound %lld before now %lld", (long long)d->screen_on_by, (long long)now);
    if (d->screen_on_by < p->bound)
        p->bound = d->screen_on_by;
    p->probes++;
}

static void on_listener(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)arg;
    on_probe *p = ctx;
    sim_time now = sim_now(d->engine);
    if (sig == MDL_SIG_SCREEN_OFF) {
        p->bound = SIM_TIME_MAX;
        probe_on_bound(p, now);
        p->bounded += d->screen_on_by < SIM_TIME_MAX;
        p->periods++;
    } else if (sig == MDL_SIG_SCREEN_ON) {
        cr_assert_leq(now, p->bound, "screen on at %lld after its bound %lld", (long long)now, (long long)p->bound);
        p->exact += now == p->bound;
    } else if (!d->screen_on) {
        probe_on_bound(p, now);
    }
}

static void on_tick(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    on_probe *p = ctx;
    if (!p->r->d.screen_on)
        probe_on_bound(p, sim_now(e));
    sim_schedule_in(e, SIM_SECONDS(7), SIM_PHASE_OS, on_tick, p, 0, NULL);
}

/* d->screen_on_by, while the screen is off, bounds its next screen-on: the screen always turns on
 * at or before every bound published since it went off, and mostly exactly at it (the next session
 * start, its duration drawn ahead); never with a session of 0 ms (half of them here: uniform 0-1 ms,
 * rounded), and never across a night. That is what lets the battery defer re-arms with the screen
 * off (mdl_battery.c, defer_rearm). */
Test(usage, the_screen_turns_on_by_its_published_bound)
{
    for (int zero = 0; zero < 2; zero++) {
        mdl_usage_config c = defaults();
        if (zero)
            c.session_duration = (sch_dist){.kind = SCH_DIST_UNIFORM, .a = 0, .b = 1};
        on_probe p = {.bound = SIM_TIME_MAX}; /* the start: ticks probe it from 0 */
        for (uint64_t seed = 1; seed <= 6; seed++) {
            rig *r = usage_rig(&c, seed, monday, on_listener, &p);
            p.r = r;
            sim_schedule_in(r->e, 0, SIM_PHASE_OS, on_tick, &p, 0, NULL);
            sim_run_until(r->e, SIM_DAYS(20));
            rig_free(r);
        }
        cr_log_info("screen-on bound%s: %d screen-offs, %d bounded, %d on at the bound, %d probes",
                    zero ? " (0-1 ms sessions)" : "", p.periods, p.bounded, p.exact, p.probes);
        cr_assert_gt(p.periods, zero ? 3000 : 5000);
        /* unbounded: the last session of a day (no bound over the night), and with 0-1 ms
         * sessions the half whose next session is of 0 ms */
        cr_assert_gt(p.bounded, zero ? p.periods / 3 : p.periods * 9 / 10);
        cr_assert_lt(p.bounded, zero ? p.periods * 2 / 3 : p.periods);
        cr_assert_gt(p.exact, p.periods * 9 / 10); /* at the bound set at a screen-off, a 0 ms session or a wake */
    }
}

/* Drawing a session's duration ahead (at the arrival's own exponential, mdl_usage.c next_session)
 * keeps usage.session's draws as they were: from a fresh copy of the stream, each waking period
 * takes an exponential, and each session its duration then the next exponential; the trace's
 * durations are those draws, in order. */
Test(usage, session_draws_keep_their_order)
{
    mdl_usage_config c = defaults();
    int sessions = 0;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        rig *r = usage_rig(&c, seed, monday, NULL, NULL);
        sim_run_until(r->e, SIM_DAYS(14));
        evs l = {0};
        rig_events(r, &l);
        gsl_rng *g = sim_rng_stream_new(seed, 0, "usage.session");
        cr_assert_not_null(g);
        for (size_t i = 0; i < l.n; i++) {
            const ev *e = &l.a[i];
            if (e->kind == K_SLEEP && !e->v) {
                (void)sim_rng_exponential(g, 1.0); /* waking: the first arrival's */
            } else if (e->kind == K_SESSION) {
                sim_time dur = sch_dist_sample(&c.session_duration, g);
                cr_assert_eq(e->v, dur, "seed %llu session at %lld", (unsigned long long)seed, (long long)e->t);
                (void)sim_rng_exponential(g, 1.0); /* the next arrival's */
                sessions++;
            }
        }
        gsl_rng_free(g);
        free(l.a);
        rig_free(r);
    }
    cr_assert_gt(sessions, 2000);
}

Test(usage, nothing_happens_while_asleep_and_nights_follow_the_windows)
{
    mdl_usage_config c = defaults();
    c.sleep_from[1] = SIM_HOURS(1); /* weekend nights 01:00-09:30, on the wake-up day */
    c.sleep_to[1] = SIM_HOURS(9) + SIM_MINUTES(30);
    c.app_per_session = 0.5;
    int nights = 0;
    double sum_offset = 0;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        rig *r = usage_rig(&c, seed, monday, NULL, NULL);
        sim_run_until(r->e, SIM_DAYS(70));
        evs l = {0};
        rig_events(r, &l);
        bool asleep = false, screen = false, app = false;
        sim_time bedtime = -1, screen_end = 0;
        cr_assert_eq(l.a[0].kind, K_SLEEP);
        cr_assert_eq(l.a[0].t, 0);
        for (size_t i = 0; i < l.n; i++) {
            ev *e = &l.a[i];
            switch (e->kind) {
            case K_SLEEP:
                if (i == 0) {
                    asleep = e->v; /* the start state: 07:00 on a Monday, just after the night */
                    break;
                }
                cr_assert_neq(asleep, (bool)e->v);
                asleep = e->v;
                if (asleep) {
                    bedtime = e->t;
                    /* The night ending on the next morning: its window by that day's type. */
                    int64_t wake_day = sim_cal_day_index(&r->cal, e->t + SIM_HOURS(12));
                    sim_time m = wake_day * DAY - r->cal.start_ms_of_day;
                    int w = sim_cal_is_weekend(&r->cal, m);
                    sim_time nominal = m + c.sleep_from[w] - (c.sleep_from[w] > c.sleep_to[w] ? DAY : 0);
                    cr_assert(llabs(e->t - nominal) <= c.sleep_jitter, "bedtime %" PRId64 " vs %" PRId64, e->t,
                              nominal);
                    sum_offset += (double)(e->t - nominal);
                    nights++;
                } else {
                    int64_t day = sim_cal_day_index(&r->cal, e->t);
                    sim_time m = day * DAY - r->cal.start_ms_of_day;
                    int w = sim_cal_is_weekend(&r->cal, m);
                    cr_assert(llabs(e->t - (m + c.sleep_to[w])) <= c.sleep_jitter);
                }
                break;
            case K_SESSION:
                cr_assert_not(asleep, "a session at %" PRId64 " while asleep", e->t);
                if (e->t + e->v > screen_end)
                    screen_end = e->t + e->v;
                break;
            case K_SCREEN:
                if (e->v) {
                    cr_assert_not(asleep);
                    cr_assert_not(screen);
                } else {
                    cr_assert(screen);
                    /* off at the end of the union of sessions, or at bedtime */
                    cr_assert(e->t == screen_end || (e->t == bedtime && e->t < screen_end));
                }
                screen = e->v;
                break;
            case K_APP_OPEN:
                cr_assert_not(asleep);
                cr_assert(screen);
                app = true;
                break;
            case K_APP_CLOSE:
                cr_assert(app);
                cr_assert(screen, "a visit outlasted the screen");
                app = false;
                break;
            default:
                break;
            }
        }
        cr_assert(!asleep || !screen);
        free(l.a);
        rig_free(r);
    }
    /* Bedtime jitter is uniform on [-30m, 30m]: mean 0, sd 30m/sqrt(3) per night. */
    double sd = (double)c.sleep_jitter / sqrt(3.0) / sqrt((double)nights);
    double z = sum_offset / nights / sd;
    cr_log_info("%d nights, mean bedtime offset %.0f ms, z = %.2f", nights, sum_offset / nights, z);
    cr_assert(fabs(z) < gsl_cdf_ugaussian_Qinv(ALPHA / 2));
}

Test(usage, starting_at_night_starts_asleep)
{
    mdl_usage_config c = fixed_nights();
    sim_datetime start = monday;
    start.hour = 2;
    rig *r = usage_rig(&c, 1, start, NULL, NULL);
    cr_assert(r->d.user_asleep);
    cr_assert(r->d.stationary);
    sim_run_until(r->e, SIM_HOURS(5) - 1);
    cr_assert(r->d.user_asleep);
    sim_run_until(r->e, SIM_HOURS(5));
    cr_assert_not(r->d.user_asleep);
    rig_free(r);
}

/* ---- app visits ---- */

Test(usage, app_visit_share_is_binomial_and_visits_stay_inside_sessions)
{
    mdl_usage_config c = fixed_nights();
    c.app_per_session = 0.15;
    unsigned sessions = 0, visits = 0, opens = 0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        rig *r = usage_rig(&c, seed, monday, NULL, NULL);
        sim_run_until(r->e, SIM_DAYS(28));
        evs l = {0};
        rig_events(r, &l);
        sim_time open_until = -1, bedtime = -1;
        unsigned seed_opens = 0;
        for (size_t i = 0; i < l.n; i++) {
            ev *e = &l.a[i];
            if (e->kind == K_SLEEP && e->v)
                bedtime = e->t;
            if (e->kind == K_SESSION) {
                sessions++;
                visits += e->app;
            } else if (e->kind == K_APP_OPEN) {
                opens++;
                seed_opens++;
                open_until = e->t + e->v;
                /* opened by the session at the same instant, and no longer than it */
                cr_assert(i > 0);
                size_t j = i;
                while (l.a[j].kind != K_SESSION)
                    j--;
                cr_assert_eq(l.a[j].t, e->t);
                cr_assert(l.a[j].app);
                cr_assert_leq(e->v, l.a[j].v);
            } else if (e->kind == K_APP_CLOSE) {
                /* extended by later visits, never cut short but by bedtime */
                cr_assert(e->t >= open_until || e->t == bedtime);
            }
        }
        cr_assert_eq(r->d.usage.opens, seed_opens);
        free(l.a);
        rig_free(r);
    }
    cr_log_info("%u of %u sessions visit the app (%.4f), %u opens", visits, sessions, (double)visits / sessions, opens);
    assert_binomial(visits, c.app_per_session, sessions, "app visits");
    cr_assert_leq(opens, visits);
    cr_assert_geq(opens, visits * 9 / 10); /* visits overlapping a visit in progress are rare */
}

/* ---- usage history ---- */

typedef struct hand {
    rig *r;
} hand;

static void emit_open(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    rig *r = ctx;
    r->d.app_foreground = arg != 0;
    mdl_emit(&r->d, arg ? MDL_SIG_APP_OPEN : MDL_SIG_APP_CLOSE, 0);
}

static void at(rig *r, sim_time t, bool open)
{
    cr_assert_eq(sim_schedule(r->e, t, SIM_PHASE_ENVIRONMENT, emit_open, r, open, NULL), SIM_OK);
}

/* Opens and closes emitted by hand (as the runner does for app.first_open), no sessions: every
 * counter exact, the 14-day window exclusive at its old end. */
Test(usage, history_counts_a_hand_driven_sequence_exactly)
{
    mdl_usage_config c = fixed_nights();
    memset(c.session_rate, 0, sizeof c.session_rate);
    c.commute_count = 0;
    rig *r = usage_rig(&c, 1, monday, NULL, NULL); /* t = 0 is Monday 07:00 (hour of week 7) */
    mdl_usage_history *u = &r->d.usage;
    cr_assert_eq(u->last_open, -1);
    cr_assert_eq(u->last_close, -1);
    at(r, 0, true);
    at(r, SIM_MINUTES(5), false);
    at(r, SIM_HOURS(26) + SIM_MINUTES(10), true);   /* Tuesday 09:10: hour 24 + 9 = 33 */
    at(r, SIM_HOURS(26) + SIM_MINUTES(12), false);
    at(r, SIM_DAYS(7) + SIM_MINUTES(30), true);      /* next Monday 07:30: hour 7 again */
    at(r, SIM_DAYS(7) + SIM_MINUTES(31), false);

    sim_run_until(r->e, SIM_MINUTES(6));
    cr_assert_eq(u->opens, 1);
    cr_assert_eq(u->last_open, 0);
    cr_assert_eq(u->last_close, SIM_MINUTES(5));
    cr_assert_eq(u->opens_by_hour_of_week[7], 1);
    cr_assert_eq(mdl_usage_recent_opens(&r->d), 1);

    sim_run_until(r->e, SIM_DAYS(8));
    cr_assert_eq(u->opens, 3);
    cr_assert_eq(u->last_open, SIM_DAYS(7) + SIM_MINUTES(30));
    cr_assert_eq(u->last_close, SIM_DAYS(7) + SIM_MINUTES(31));
    cr_assert_eq(u->opens_by_hour_of_week[7], 2);
    cr_assert_eq(u->opens_by_hour_of_week[33], 1);
    cr_assert_eq(mdl_usage_recent_opens(&r->d), 3);

    /* The first open leaves the window at exactly 14 d after it. */
    sim_run_until(r->e, SIM_DAYS(14) - 1);
    cr_assert_eq(u->opens_by_hour_of_week[7], 2);
    sim_run_until(r->e, SIM_DAYS(14));
    cr_assert_eq(u->opens_by_hour_of_week[7], 1);
    sim_run_until(r->e, SIM_DAYS(15) + SIM_HOURS(2) + SIM_MINUTES(10) - 1);
    cr_assert_eq(u->opens_by_hour_of_week[33], 1);
    sim_run_until(r->e, SIM_DAYS(15) + SIM_HOURS(2) + SIM_MINUTES(10));
    cr_assert_eq(u->opens_by_hour_of_week[33], 0);
    sim_run_until(r->e, SIM_DAYS(21) + SIM_MINUTES(30));
    cr_assert_eq(mdl_usage_recent_opens(&r->d), 0);
    cr_assert_eq(u->opens, 3); /* the total never rolls off */
    cr_assert_eq(u->screen_on_since_last_use, 0); /* the screen never came on */
    rig_free(r);
}

/* Screen-on time since last use, replayed from the screen signals against opens emitted by hand at
 * fixed times: exact at every screen transition (the field) and at any instant (the API). */
typedef struct replay {
    rig *r;
    sim_time on_since; /* -1 screen off */
    sim_time acc;      /* screen-on ms since the last use, up to on_since */
    unsigned checked;
} replay;

static sim_time replay_value(const replay *p, sim_time t) { return p->acc + (p->on_since >= 0 ? t - p->on_since : 0); }

static void replay_listen(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)arg;
    replay *p = ctx;
    sim_time now = sim_now(d->engine);
    switch (sig) {
    case MDL_SIG_SCREEN_ON: p->on_since = now; break;
    case MDL_SIG_SCREEN_OFF:
        p->acc = replay_value(p, now);
        p->on_since = -1;
        break;
    case MDL_SIG_APP_OPEN:
    case MDL_SIG_APP_CLOSE:
        p->acc = 0;
        if (p->on_since >= 0)
            p->on_since = now;
        return; /* the model updates after this listener (it subscribed later) */
    default: return;
    }
    /* This listener runs before the model's, which has already folded the transition itself. */
    cr_assert_eq(d->usage.screen_on_since_last_use, p->acc, "at %" PRId64, now);
    p->checked++;
}

static void probe(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    replay *p = ctx;
    sim_time now = sim_now(e);
    cr_assert_eq(mdl_usage_screen_on_since_last_use(&p->r->d, now), replay_value(p, now), "at %" PRId64, now);
    p->checked++;
}

Test(usage, screen_on_since_last_use_is_exact)
{
    mdl_usage_config c = fixed_nights();
    c.app_per_session = 0;
    replay p = {.on_since = -1};
    rig *r = usage_rig(&c, 7, monday, replay_listen, &p);
    p.r = r;
    for (int day = 0; day < 10; day++) {
        at(r, SIM_DAYS(day) + SIM_HOURS(3) + SIM_MINUTES(17), true);
        at(r, SIM_DAYS(day) + SIM_HOURS(3) + SIM_MINUTES(19), false);
        for (int k = 0; k < 48; k++)
            sim_schedule(r->e, SIM_DAYS(day) + k * SIM_MINUTES(30) + 7, SIM_PHASE_OBSERVE, probe, &p, 0, NULL);
    }
    sim_run_until(r->e, SIM_DAYS(10));
    cr_assert_gt(p.checked, 10 * 48 + 100);
    rig_free(r);
}

/* With the model's own visits over 30 days: the window's bins equal the opens of (t - 14 d, t]. */
typedef struct opens_log {
    sim_time t[4096];
    int hour[4096];
    size_t n;
} opens_log;

static void log_opens(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)arg;
    opens_log *o = ctx;
    if (sig == MDL_SIG_APP_OPEN && o->n < 4096) {
        o->t[o->n] = sim_now(d->engine);
        o->hour[o->n++] = sim_cal_hour_of_week(d->cal, sim_now(d->engine));
    }
}

Test(usage, the_window_holds_exactly_the_last_14_days_of_opens)
{
    mdl_usage_config c = defaults();
    c.app_per_session = 0.3;
    opens_log *o = calloc(1, sizeof *o);
    rig *r = usage_rig(&c, 11, monday, log_opens, o);
    for (sim_time t = SIM_HOURS(5) + 123; t < SIM_DAYS(40); t += SIM_HOURS(5) + 4567) {
        sim_run_until(r->e, t);
        uint32_t want[MDL_HOURS_OF_WEEK] = {0};
        for (size_t i = 0; i < o->n; i++)
            if (o->t[i] > t - SIM_DAYS(14) && o->t[i] <= t)
                want[o->hour[i]]++;
        cr_assert_arr_eq(r->d.usage.opens_by_hour_of_week, want, sizeof want, "at %" PRId64, t);
    }
    cr_assert_eq(r->d.usage.opens, o->n);
    cr_assert_gt(o->n, 500);
    rig_free(r);
    free(o);
}

/* ---- motion ---- */

Test(usage, motion_follows_commutes_sessions_and_sleep)
{
    mdl_usage_config c = fixed_nights();
    c.moving_sessions = 0; /* only commutes move the phone */
    rig *r = usage_rig(&c, 5, monday, NULL, NULL);
    for (sim_time t = 0; t < SIM_DAYS(14); t += SIM_MINUTES(7)) {
        sim_run_until(r->e, t);
        sim_time tod = sim_cal_ms_of_day(&r->cal, t);
        bool weekday = !sim_cal_is_weekend(&r->cal, t);
        bool commute = weekday && ((tod >= SIM_HOURS(8) && tod < SIM_HOURS(8) + SIM_MINUTES(45)) ||
                                   (tod >= SIM_HOURS(17) + SIM_MINUTES(30) && tod < SIM_HOURS(18) + SIM_MINUTES(15)));
        cr_assert_eq(r->d.stationary, !commute, "at %" PRId64, t);
    }
    rig_free(r);

    /* Every screen-on period moving, no commute: moving exactly while the screen is on. */
    c.moving_sessions = 1;
    c.commute_count = 0;
    r = usage_rig(&c, 5, monday, NULL, NULL);
    sim_run_until(r->e, SIM_DAYS(7));
    evs l = {0};
    rig_events(r, &l);
    bool screen = false, stationary = true;
    for (size_t i = 0; i < l.n; i++) {
        if (l.a[i].kind == K_SCREEN)
            screen = l.a[i].v;
        if (l.a[i].kind == K_MOTION)
            stationary = l.a[i].v;
        if (i + 1 == l.n || l.a[i + 1].t != l.a[i].t) /* state after every instant */
            cr_assert_eq(stationary, !screen, "at %" PRId64, l.a[i].t);
    }
    free(l.a);
    rig_free(r);
}

/* Three commute windows, no screen sessions (motion is the windows' alone), nights 03:00-06:00. */
static mdl_usage_config windows_only(mdl_usage_window a, mdl_usage_window b, mdl_usage_window c3)
{
    mdl_usage_config c = fixed_nights();
    c.moving_sessions = 0;
    memset(c.session_rate, 0, sizeof c.session_rate);
    c.commute[0] = a;
    c.commute[1] = b;
    c.commute[2] = c3;
    c.commute_count = 3;
    c.sleep_from[0] = c.sleep_from[1] = SIM_HOURS(3);
    c.sleep_to[0] = c.sleep_to[1] = SIM_HOURS(6);
    return c;
}

/* Whether t is in one of the commute windows, counted by brute force over the days around it. */
static bool in_window_brute(const mdl_usage_config *c, const sim_calendar *cal, sim_time t)
{
    int64_t day = sim_cal_day_index(cal, t);
    for (int64_t k = day - 2; k <= day; k++) {
        sim_time m = k * SIM_MS_PER_DAY - cal->start_ms_of_day;
        int wd = sim_cal_weekday(cal, m);
        for (int i = 0; i < c->commute_count; i++) {
            const mdl_usage_window *w = &c->commute[i];
            bool applies = w->days == MDL_USAGE_EVERY_DAY || (wd >= SIM_SATURDAY) == (w->days == MDL_USAGE_WEEKEND);
            sim_time len = w->to > w->from ? w->to - w->from : w->to + SIM_MS_PER_DAY - w->from;
            if (applies && t >= m + w->from && t < m + w->from + len)
                return true;
        }
    }
    return false;
}

/* Commute windows of every kind (weekend nights across midnight, weekday mornings, a daily noon
 * walk, a whole-day Sunday window): the phone moves exactly inside them while awake, checked at
 * every window edge and the ms before it over three weeks, so a commute edge searched too short
 * (next_commute_edge stops at the first midnight past the nearest edge) would show. */
Test(usage, motion_follows_windows_of_every_kind_at_their_edges)
{
    mdl_usage_config c = windows_only((mdl_usage_window){SIM_HOURS(22), SIM_HOURS(2), MDL_USAGE_WEEKEND},
                                      (mdl_usage_window){SIM_HOURS(8), SIM_HOURS(8) + SIM_MINUTES(45), MDL_USAGE_WEEKDAYS},
                                      (mdl_usage_window){SIM_HOURS(12), SIM_HOURS(12) + SIM_MINUTES(30),
                                                         MDL_USAGE_EVERY_DAY});
    rig *r = usage_rig(&c, 5, monday, NULL, NULL);
    int checked = 0, moving = 0;
    for (int64_t k = 0; k < 21; k++) {
        sim_time m = k * SIM_MS_PER_DAY - r->cal.start_ms_of_day;
        sim_time edges[2 * 3 + 1];
        int n = 0;
        for (int i = 0; i < c.commute_count; i++) {
            edges[n++] = m + c.commute[i].from;
            edges[n++] = m + c.commute[i].to;
        }
        edges[n++] = m + SIM_MS_PER_DAY - 1;
        for (int a = 0; a < n; a++) /* ascending */
            for (int b = a + 1; b < n; b++)
                if (edges[b] < edges[a]) {
                    sim_time x = edges[a];
                    edges[a] = edges[b];
                    edges[b] = x;
                }
        for (int a = 0; a < n; a++) {
            for (sim_time t = edges[a] - 1; t <= edges[a]; t++) {
                if (t < 0 || t < sim_now(r->e))
                    continue;
                sim_run_until(r->e, t);
                bool want = r->d.user_asleep || !in_window_brute(&c, &r->cal, t);
                cr_assert_eq(r->d.stationary, want, "at %" PRId64, t);
                checked++;
                moving += !want;
            }
        }
    }
    cr_assert_gt(checked, 200);
    cr_assert_gt(moving, 40);
    rig_free(r);
}

/* The commute edge events are exactly the distinct window edges (and the sleep events the nights):
 * an edge search that stopped short would skip an edge inside an overlapping window (01:00 inside
 * the weekend night, invisible to motion) and fire fewer events. */
Test(usage, every_commute_edge_fires_once)
{
    mdl_usage_config c = windows_only((mdl_usage_window){SIM_HOURS(22), SIM_HOURS(2), MDL_USAGE_WEEKEND},
                                      (mdl_usage_window){SIM_HOURS(1), SIM_HOURS(2) + SIM_MINUTES(30), MDL_USAGE_EVERY_DAY},
                                      (mdl_usage_window){SIM_HOURS(8), SIM_HOURS(8) + SIM_MINUTES(45), MDL_USAGE_WEEKDAYS});
    rig *r = usage_rig(&c, 5, monday, NULL, NULL);
    const sim_time end = SIM_DAYS(21) + SIM_MINUTES(5);
    sim_run_until(r->e, end);
    sim_time edges[32 * 8] = {0};
    int n = 0;
    uint64_t want = 0;
    for (int64_t k = -1; k <= 22; k++) {
        sim_time m = k * SIM_MS_PER_DAY - r->cal.start_ms_of_day;
        int wd = sim_cal_weekday(&r->cal, m);
        want += m + SIM_HOURS(3) > 0 && m + SIM_HOURS(3) <= end; /* bedtime */
        want += m + SIM_HOURS(6) > 0 && m + SIM_HOURS(6) <= end; /* wake */
        for (int i = 0; i < c.commute_count; i++) {
            const mdl_usage_window *w = &c.commute[i];
            if (w->days != MDL_USAGE_EVERY_DAY && (wd >= SIM_SATURDAY) != (w->days == MDL_USAGE_WEEKEND))
                continue;
            sim_time len = w->to > w->from ? w->to - w->from : w->to + SIM_MS_PER_DAY - w->from;
            edges[n++] = m + w->from;
            edges[n++] = m + w->from + len;
        }
    }
    for (int a = 0; a < n; a++) {
        bool first = edges[a] > 0 && edges[a] <= end;
        for (int b = 0; b < a && first; b++)
            first = edges[b] != edges[a];
        want += first;
    }
    cr_assert_eq(sim_fired_count(r->e), want);
    rig_free(r);
}

Test(usage, moving_share_of_screen_periods_is_binomial)
{
    mdl_usage_config c = fixed_nights();
    c.commute_count = 0;
    c.moving_sessions = 0.4;
    unsigned periods = 0, moving = 0;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        rig *r = usage_rig(&c, seed, monday, NULL, NULL);
        sim_run_until(r->e, SIM_DAYS(21));
        evs l = {0};
        rig_events(r, &l);
        for (size_t i = 0; i < l.n; i++) {
            if (l.a[i].kind == K_SCREEN && l.a[i].v) {
                periods++;
                moving += i + 1 < l.n && l.a[i + 1].kind == K_MOTION && !l.a[i + 1].v;
            }
        }
        free(l.a);
        rig_free(r);
    }
    cr_log_info("%u of %u screen-on periods moving", moving, periods);
    assert_binomial(moving, c.moving_sessions, periods, "moving screen periods");
}

/* ---- determinism ---- */

static uint64_t fingerprint(uint64_t seed)
{
    mdl_usage_config c = defaults();
    c.app_per_session = 0.2;
    rig *r = usage_rig(&c, seed, monday, NULL, NULL);
    sim_run_until(r->e, SIM_DAYS(14));
    uint64_t fp = r->tr.fingerprint;
    cr_assert_gt(r->tr.records, 500);
    rig_free(r);
    return fp;
}

Test(usage, same_seed_same_trace_other_seed_other_trace)
{
    cr_assert_eq(fingerprint(42), fingerprint(42));
    cr_assert_neq(fingerprint(42), fingerprint(43));
}

/* ---- parsing ---- */

static size_t parse(const char *yaml, mdl_usage_config *c, char (*msgs)[320], size_t max)
{
    return rig_parse(&mdl_usage_model, MDL_IDEAL, yaml, c, msgs, max);
}

Test(usage, parses_every_key)
{
    mdl_usage_config c;
    char msgs[4][320];
    const char *yaml = "sleep: { from: \"22:30\", to: \"06:15\", jitter: 20m, weekend: { to: \"09:00\" } }\n"
                       "sessions:\n"
                       "  weekday: [0,0,0,0,0,0,1,4,3,2,2,3,3,2,2,2,3,3,4,5,5,4,2,1]\n"
                       "  duration: { lognormal: { median: 4m, sigma: 0.8 } }\n"
                       "app_opens: { per_session: 15%, duration: 2m }\n"
                       "motion: { commute: [ { from: \"23:30\", to: \"00:15\", days: every_day } ], moving_sessions: 0.5 }\n";
    size_t n = parse(yaml, &c, msgs, 4);
    cr_assert_eq(n, 0, "%s", n ? msgs[0] : "");
    cr_assert_eq(c.sleep_from[0], SIM_HOURS(22) + SIM_MINUTES(30));
    cr_assert_eq(c.sleep_to[0], SIM_HOURS(6) + SIM_MINUTES(15));
    cr_assert_eq(c.sleep_from[1], SIM_HOURS(22) + SIM_MINUTES(30)); /* weekend: weekday's from */
    cr_assert_eq(c.sleep_to[1], SIM_HOURS(9));
    cr_assert_eq(c.sleep_jitter, SIM_MINUTES(20));
    cr_assert_float_eq(c.session_rate[0][7], 4.0, 0);
    cr_assert_float_eq(c.session_rate[1][19], 5.0, 0); /* weekend copies the weekday profile */
    cr_assert_eq(c.session_duration.kind, SCH_DIST_LOGNORMAL);
    cr_assert_float_eq(c.session_duration.a, 240000.0, 0);
    cr_assert_float_eq(c.app_per_session, 0.15, 1e-15);
    cr_assert_float_eq(c.app_duration.a, 120000.0, 0);
    cr_assert_eq(c.commute_count, 1);
    cr_assert_eq(c.commute[0].from, SIM_HOURS(23) + SIM_MINUTES(30));
    cr_assert_eq(c.commute[0].days, MDL_USAGE_EVERY_DAY);
    cr_assert_float_eq(c.moving_sessions, 0.5, 0);

    /* A weekday window alone applies to every night; sleep: { jitter } alone keeps both windows. */
    cr_assert_eq(parse("sleep: { from: \"22:00\", to: \"06:00\" }\n", &c, msgs, 4), 0);
    cr_assert_eq(c.sleep_from[1], SIM_HOURS(22));
    cr_assert_eq(parse("sleep: { jitter: 0 }\nmotion: { commute: [] }\n", &c, msgs, 4), 0);
    cr_assert_eq(c.sleep_from[1], 0);
    cr_assert_eq(c.sleep_to[1], SIM_HOURS(8));
    cr_assert_eq(c.commute_count, 0);
}

static void expect_errors(const char *yaml, const char *const *want)
{
    mdl_usage_config c;
    char msgs[8][320];
    size_t n = parse(yaml, &c, msgs, 8);
    size_t k = 0;
    while (want[k])
        k++;
    for (size_t i = 0; i < n && i < 8; i++)
        cr_log_info("got: %s", msgs[i]);
    cr_assert_eq(n, k, "%zu errors, expected %zu", n, k);
    for (size_t i = 0; i < k; i++)
        cr_assert_str_eq(msgs[i], want[i]);
}

Test(usage, parse_errors_name_the_key_and_what_was_expected)
{
    expect_errors("sesions: {}\nsleep: { from: \"07:00\", to: \"07:00\" }\n",
                  (const char *const[]){
                      "t.yaml:1:1: user.usage: unknown key 'sesions' (did you mean 'sessions'?)",
                      "t.yaml:2:8: user.usage.sleep: expected a wake-up time different from the bedtime, found "
                      "from 07:00 to 07:00",
                      NULL});
    expect_errors("sessions:\n  weekday: [1, 2, 3]\n  weekend: [0,0,0,0,0,0,1,4,3,2,2,3,3,2,2,2,3,3,4,5,5,4,2,-1]\n",
                  (const char *const[]){
                      "t.yaml:2:12: user.usage.sessions.weekday: expected a list of 24 numbers (sessions per hour, "
                      "00h to 23h), found a list of 3",
                      "t.yaml:3:59: user.usage.sessions.weekend[23]: expected a number from 0 to 3600, found '-1'",
                      NULL});
    expect_errors("sessions: { weekday: often }\nsleep: { jitter: 5h }\n",
                  (const char *const[]){
                      "t.yaml:1:22: user.usage.sessions.weekday: expected a list of 24 numbers (sessions per hour, "
                      "00h to 23h), found 'often'",
                      "t.yaml:2:18: user.usage.sleep.jitter: expected a jitter below 4h, found '5h' (half the "
                      "shortest sleep or waking span)",
                      NULL});
    expect_errors("sleep: { weekend: { from: \"06:00\", to: \"05:00\" } }\n",
                  (const char *const[]){
                      "t.yaml:1:19: user.usage.sleep.weekend: expected a weekend night that does not overlap the "
                      "weekday nights next to it, found from 06:00 to 05:00",
                      NULL});
    expect_errors("app_opens: { per_session: 150%, duration: { lognormal: { median: 1m } } }\n",
                  (const char *const[]){
                      "t.yaml:1:27: user.usage.app_opens.per_session: expected a probability from 0% to 100%, "
                      "found '150%'",
                      "t.yaml:1:56: user.usage.app_opens.duration.lognormal: missing required key 'sigma'",
                      NULL});
    expect_errors("motion:\n  commute: [ { from: \"08:00\" }, { from: \"09:00\", to: \"09:00\", days: weekly } ]\n"
                  "  moving_sessions: sometimes\n",
                  (const char *const[]){
                      "t.yaml:2:14: user.usage.motion.commute[0]: missing required key 'to'",
                      "t.yaml:2:69: user.usage.motion.commute[1].days: expected 'weekdays', 'weekend' or "
                      "'every_day', found 'weekly'",
                      "t.yaml:3:20: user.usage.motion.moving_sessions: expected a probability such as 0.02 or 2%, "
                      "found 'sometimes'",
                      NULL});
}

/* sessions.scale multiplies both profiles (a fleet varies it per device); the simulated counts
 * follow the scaled rates, and a scale that pushes an hour past 3600 is refused naming it. */
Test(usage, scale_multiplies_both_profiles)
{
    mdl_usage_config c;
    char msgs[4][320];
    size_t n = parse("sessions: { scale: 2.5 }\n", &c, msgs, 4);
    cr_assert_eq(n, 0, "%s", n ? msgs[0] : "");
    mdl_usage_config d;
    mdl_usage_model.defaults(&d, MDL_IDEAL);
    for (int p = 0; p < 2; p++)
        for (int h = 0; h < MDL_USAGE_HOURS; h++)
            cr_assert_float_eq(c.session_rate[p][h], 2.5 * d.session_rate[p][h], 1e-12, "profile %d hour %d", p, h);
    n = parse("sessions: { weekday: [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,3000], scale: 2 }\n", &c, msgs, 4);
    cr_assert_eq(n, 1);
    cr_assert(strstr(msgs[0], "t.yaml:1:") && strstr(msgs[0], "user.usage.sessions.scale") &&
                  strstr(msgs[0], "weekday hour 23 becomes 6000"),
              "%s", msgs[0]);
    /* the simulated sessions follow the scaled profile (same chi-square checks as the defaults) */
    mdl_usage_config f = fixed_nights();
    for (int p = 0; p < 2; p++)
        for (int h = 0; h < MDL_USAGE_HOURS; h++)
            f.session_rate[p][h] *= 2;
    tally ty;
    count_sessions(&f, &ty);
    check_counts(&f, &ty);
}

/* ---- derived fields, prepared once per config ---- */

static void assert_prepared(const mdl_usage_config *c, const char *what)
{
    static mdl_usage_config again;
    memcpy(&again, c, sizeof again); /* padding included, for memcmp */
    mdl_usage_prepare(&again);
    cr_assert_eq(memcmp(&again, c, sizeof *c), 0, "%s: the derived fields are those of its rates and durations", what);
    bool any = false;
    for (int p = 0; p < 2; p++)
        for (int h = 0; h < MDL_USAGE_HOURS; h++) {
            any |= c->session_rate[p][h] > 0;
            cr_assert_eq(c->rate_ms[p][h], c->session_rate[p][h] / (double)SIM_MS_PER_HOUR, "%s", what);
        }
    cr_assert_eq(c->any_rate, any, "%s", what);
    cr_assert_eq(memcmp(&c->session_prepared.d, &c->session_duration, sizeof c->session_duration), 0, "%s", what);
    cr_assert_eq(memcmp(&c->app_prepared.d, &c->app_duration, sizeof c->app_duration), 0, "%s", what);
}

/* defaults(), no_random() and parse() each leave the derived fields prepared (the runner starts
 * every device on the config they leave, with no start-time preparation). */
Test(usage, defaults_no_random_and_parse_leave_the_config_prepared)
{
    static mdl_usage_config c; /* static: memcmp sees the same padding in copies */
    mdl_usage_model.defaults(&c, MDL_IOS);
    assert_prepared(&c, "defaults");
    cr_assert(c.any_rate);
    mdl_usage_model.no_random(&c);
    assert_prepared(&c, "no_random");
    cr_assert_not(c.any_rate, "randomness: none has no sessions");
    static const char *const yamls[] = {
        "sessions: { scale: 2.5 }\n",
        "sessions: { weekday: [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,3], "
        "duration: { lognormal: { median: 20s, sigma: 0.7 } } }\n",
        "app_opens: { per_session: 30%, duration: { fixed: 2m } }\n",
        "sessions: { scale: 0 }\n",
        "sessions: { scale: -1 }\n", /* an error: the defaults stand */
    };
    for (size_t i = 0; i < sizeof yamls / sizeof yamls[0]; i++) {
        char msgs[4][320];
        memset(&c, 0, sizeof c);
        parse(yamls[i], &c, msgs, 4);
        assert_prepared(&c, yamls[i]);
    }
}
