/*
 * simos_ios_score.h - the iOS model's soft decision: the refresh launch score, the threshold that
 * relaxes with lateness, and the energy and data budgets (docs/SOURCES.md
 * I7.4, I7.5; WWDC20 10063 "top 7 factors": app usage, system budgets, rate limiting).
 *
 * LAUNCH PROBABILITY. P = the chance that the user opens the app within [now, now + lookahead)
 * (lookahead 20 min [RE: dasd looks 15-22.5 min ahead]). The app's opens of the last 14 days
 * (d->usage.opens_by_hour_of_week) are pooled by local hour of day: lambda_h = opens at hour h /
 * 14 days, p_h = max(lambda_h, launch_floor) (floor 0.0025 [RE]), capped at 0.999, and
 * P = 1 - prod_h (1 - p_h)^(f_h) over the hours the window covers (f_h = the fraction of hour h
 * inside it). Pooling by hour of day rather than hour of week is an [ASSUMPTION]: 14 days give an
 * hour-of-week bin two samples. P is then multiplied by 2^(-(now - last_open) / usage_half_life)
 * (half-life 2 d [ASSUMPTION, calibrated to I7.6 "app unused for >= 3-7 days: refresh tends to
 * 0" and OBS I3 #2 "If the user doesn't open the app daily, iOS halts events"]; 0 disables).
 *
 * SCORE [RE, I7.4], weights 50 / 5 / 1:
 *   s_app  = sqrt(P), 1 if above 0.25; when overdue and the app has a card in the app switcher:
 *            0.65 s_app + 0.35, 1 if above 0.5
 *   s_dev  = 1 while the screen is on, else 0.05 (device use now; the RE floor)
 *   s_batt = clip(sqrt((level% - 10) / 90) x (1.2 if charging), 0, 1); 1 without a battery model
 *   score  = (50 s_app + 5 s_dev + 1 s_batt) / 56
 * THRESHOLD(age) = start - (start - min) x min(1, age / relax), age = now - earliest
 *   (0.85 -> 0.5 over 24 h [ASSUMPTION: the real threshold was not located]).
 *
 * BUDGETS [WWDC20: "energy and data budgets. Every time an app runs, it deducts. Budgets are
 * slowly made available throughout the day"; clamp [-1.2 C, 1.5 C] RE]. A budget of capacity C
 * (ms of background runtime per day) refills linearly at C per day, starts at C, stays within
 * [-1.2 C, 1.5 C] and allows a launch while its level is above 0. The energy budget is debited by
 * launch_cost + run time for every launch; the data budget by the run time of a run that ends on
 * cellular. Refresh needs energy budget; any launch on cellular needs data budget (processing:
 * "network budget only", WWDC20). C = 0 disables a budget. Capacities and launch cost are
 * [ASSUMPTION]s calibrated to I7.6 (refresh 1-8 runs a day, median 2-4). Levels are exact
 * integers (ms x ms-per-day), so the instant a deficit ends is computed, not polled.
 */
#ifndef BGSIM_SIMOS_IOS_SCORE_H
#define BGSIM_SIMOS_IOS_SCORE_H

#include <stdbool.h>
#include <stdint.h>

#include "mdl_device.h"
#include "simos_ios.h"

/* dasd's policy weights [RE, I7.4]. */
#define SIMOS_IOS_W_APP 50.0
#define SIMOS_IOS_W_DEVICE 5.0
#define SIMOS_IOS_W_BATTERY 1.0

double simos_ios_launch_probability(const simos_ios_config *c, const uint32_t opens_by_hour_of_week[MDL_HOURS_OF_WEEK],
                                    const sim_calendar *cal, sim_time now, sim_time last_open);

typedef struct simos_ios_score_in {
    double p_launch;          /* simos_ios_launch_probability */
    bool overdue;             /* now > earliest */
    bool in_recents;          /* the app has a card in the app switcher */
    bool screen_on;
    int battery_permille;     /* -1: no battery model */
    bool plugged;
} simos_ios_score_in;

double simos_ios_score(const simos_ios_score_in *in);
double simos_ios_threshold(const simos_ios_config *c, sim_time age);

typedef struct simos_ios_budget {
    int64_t level;   /* ms of budget x SIM_MS_PER_DAY, at `at` */
    sim_time at;
    sim_time cap;    /* ms per day; 0: no budget */
} simos_ios_budget;

void simos_ios_budget_init(simos_ios_budget *b, sim_time cap, sim_time now);
/* The level at `now` (>= the last change), in ms, floored. */
int64_t simos_ios_budget_level_ms(const simos_ios_budget *b, sim_time now);
bool simos_ios_budget_ok(const simos_ios_budget *b, sim_time now);
void simos_ios_budget_debit(simos_ios_budget *b, sim_time now, sim_time ms);
/* The first instant > now at which the budget allows a launch again; -1 when it does now. */
sim_time simos_ios_budget_next_ok(const simos_ios_budget *b, sim_time now);

#endif
