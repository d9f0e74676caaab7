/*
 * mdl_usage.h - the user: sleep, screen sessions, visits to this app, the app's usage history and
 * whether the phone moves. YAML section `user.usage`; trace types `usage.*`; random streams
 * `usage.sleep`, `usage.session`, `usage.app_open`, `usage.app_duration`, `usage.motion`.
 *
 * SLEEP. Every night the user sleeps from `from` to `to` (local time, across midnight when from >
 * to), each end moved by its own uniform jitter in [-jitter, +jitter] (whole ms, `usage.sleep`:
 * two draws per night, bedtime first). A night belongs to the morning it ends on; mornings on a
 * Saturday or Sunday use the weekend window. While asleep: d->user_asleep, the screen is off,
 * no session starts, the app is not in the foreground (falling asleep ends a session and a visit
 * in progress) and the phone is stationary. The parser guarantees that nights never overlap,
 * whatever the jitter (2 x jitter is below every sleep and every waking span).
 *
 * SESSIONS. Session starts form a non-homogeneous Poisson process whose rate is the hour-of-day
 * profile (sessions per hour; weekday or weekend profile by the local day of that hour) while the
 * user is awake, and 0 while asleep. Sampled exactly by inversion, event by event: draw E ~
 * Exp(1) (`usage.session`) and walk the piecewise-constant rate hour by hour from the current
 * instant until its integral reaches E; the instant where it does is the next start (rounded up to
 * the ms). The walk stops at the next bedtime; on waking a fresh walk begins (exact, because the
 * process is memoryless). Each start draws a duration (`usage.session`, right after the E that
 * placed it: the stream reads E, duration, E, duration, ..., E each waking day; knowing it ahead
 * lets the model publish when the screen will next turn on, d->screen_on_by). The screen is on over
 * the union of the sessions' intervals: a session that starts while the screen is already on
 * extends it to the later end (a user picking the phone up again before it locked). So
 * `usage.session` records are exactly Poisson(integral of the profile over waking time) per day,
 * and screen-on periods (`usage.screen`) are fewer by the overlaps. A zero-length session is
 * recorded but does not light the screen.
 *
 * APP OPENS (one design: a probability per session). Each session, with probability
 * `per_session` (one uniform draw per session from `usage.app_open`, always made), is a visit to
 * this app: the app comes to the foreground at the session's start and goes back after
 * min(visit duration (`usage.app_duration`), session duration), so a visit always lies inside a
 * screen-on period. A visit decided while the app is already in the foreground extends this
 * model's visit to the later end (no second open) and leaves a visit the runner started
 * (`app.first_open`) alone. Open/close set d->app_foreground and emit MDL_SIG_APP_OPEN /
 * MDL_SIG_APP_CLOSE; the runner starts the process and moves the core. While the device is down
 * (a reboot, mdl_kills.h) no session is a visit, and a reboot ends this model's visit in progress
 * (its process died): the user cannot use an app on a phone that is restarting.
 *
 * USAGE HISTORY (d->usage). Updated from the MDL_SIG_APP_OPEN / MDL_SIG_APP_CLOSE signals,
 * whoever emits them (this model's visits and the runner's first_open visit alike):
 *   last_open      time of the latest APP_OPEN; -1 before the first
 *   last_close     time of the latest APP_CLOSE; -1 before the first
 *   opens          APP_OPEN signals since the start
 *   opens_by_hour_of_week[h]   APP_OPEN signals at local hour of week h (0 = Monday 00h) within
 *                  the sliding window (t - 14 d, t]: each open adds 1 to its bin and an event at
 *                  open + 14 d (SIM_PHASE_ENVIRONMENT) takes it away again. Exact at every instant,
 *                  no daily ring to fold: one pending event per open of the last 14 days.
 *   screen_on_since_last_use   ms of screen-on time since the latest usage event (APP_OPEN or
 *                  APP_CLOSE: AOSP's AppIdleHistory records lastUsedScreenTime on both
 *                  ACTIVITY_RESUMED and ACTIVITY_PAUSED, docs/SOURCES.md A2.1 [A1]);
 *                  screen-on time since the start before the first use. The field is exact at
 *                  every screen transition and usage event; while the screen is on it lags by
 *                  the current screen-on stretch: mdl_usage_screen_on_since_last_use() gives the
 *                  exact value at any instant.
 *
 * MOTION. The phone moves (d->stationary false) while the user is awake and either inside a
 * commute window (local time of day, on the window's days) or in a screen-on period that was
 * drawn as "moving" (probability `moving_sessions`, one uniform draw per screen-on period from
 * `usage.motion`, always made). Asleep, it is stationary. Changes emit MDL_SIG_MOTION.
 *
 * Everything is event-driven: sleep edges, session starts, screen-off, visit ends, commute edges
 * and history roll-offs are events at computed times in SIM_PHASE_ENVIRONMENT.
 */
#ifndef BGSIM_MDL_USAGE_H
#define BGSIM_MDL_USAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "mdl_model.h"
#include "sch_dist.h"

#define MDL_USAGE_HOURS 24
#define MDL_USAGE_MAX_COMMUTES 8
#define MDL_USAGE_HISTORY_WINDOW SIM_DAYS(14)
/* Highest profile rate accepted, sessions per hour (one a second). */
#define MDL_USAGE_MAX_RATE 3600.0

typedef enum mdl_usage_days {
    MDL_USAGE_WEEKDAYS = 0, /* Monday to Friday */
    MDL_USAGE_WEEKEND = 1,  /* Saturday and Sunday */
    MDL_USAGE_EVERY_DAY = 2
} mdl_usage_days;

typedef struct mdl_usage_window {
    sim_time from, to;   /* ms of local day; a window with from > to crosses midnight */
    mdl_usage_days days; /* the days the window starts on */
} mdl_usage_window;

enum { MDL_USAGE_WEEKDAY_PROFILE = 0, MDL_USAGE_WEEKEND_PROFILE = 1 };

typedef struct mdl_usage_config {
    sim_time sleep_from[2], sleep_to[2]; /* [weekday, weekend] night, ms of local day */
    sim_time sleep_jitter;
    double session_rate[2][MDL_USAGE_HOURS]; /* [weekday, weekend][local hour], sessions per hour */
    sch_dist session_duration;
    double app_per_session; /* probability */
    sch_dist app_duration;
    mdl_usage_window commute[MDL_USAGE_MAX_COMMUTES];
    int commute_count;
    double moving_sessions; /* probability */
    /* Derived from the fields above by mdl_usage_prepare(), which defaults(), no_random() and
     * parse() call: a function of the config alone, computed once per scenario instead of at
     * every device's start. Code that edits session_rate or a duration by hand calls
     * mdl_usage_prepare() again before a start. */
    double rate_ms[2][MDL_USAGE_HOURS]; /* session_rate / SIM_MS_PER_HOUR */
    bool any_rate;                      /* a session_rate > 0 */
    sch_dist_prepared session_prepared, app_prepared; /* session_duration, app_duration prepared */
} mdl_usage_config;

/* Fills the derived fields of c (rate_ms, any_rate, session_prepared, app_prepared). */
void mdl_usage_prepare(mdl_usage_config *c);

extern const mdl_model mdl_usage_model;

/* Expected session starts on a waking day from `wake` to `bed` (ms of local day, wake < bed,
 * one profile): the integral of the profile over that span. For tests and summaries. */
double mdl_usage_expected_sessions(const mdl_usage_config *c, int profile, sim_time wake, sim_time bed);

/* The exact screen-on time (ms) since the app was last used, at time t >= the latest event
 * (d->usage.screen_on_since_last_use plus the screen-on stretch in progress). Without a running
 * usage model it is the field as it stands. */
sim_time mdl_usage_screen_on_since_last_use(const mdl_device *d, sim_time t);

/* Opens within the last 14 days: the sum of d->usage.opens_by_hour_of_week. */
uint64_t mdl_usage_recent_opens(const mdl_device *d);

#endif
