/*
 * simos_ios_score.c - refresh launch score, threshold and budgets (sources in simos_ios_score.h).
 */
#include "simos_ios_score.h"

#include <math.h>

#define HISTORY_DAYS 14.0 /* mdl_usage.h: opens_by_hour_of_week covers the last 14 days */

double simos_ios_launch_probability(const simos_ios_config *c, const uint32_t opens[MDL_HOURS_OF_WEEK],
                                    const sim_calendar *cal, sim_time now, sim_time last_open)
{
    double log_q = 0.0; /* log of the chance of no open in the window */
    sim_time end = now + c->lookahead;
    for (sim_time t = now; t < end;) {
        /* The local hour of day: sim_cal_hour_of_week(cal, t) % 24, without its weekday. */
        sim_time ms = sim_cal_ms_of_day(cal, t);
        int h = (int)(ms / SIM_MS_PER_HOUR);
        sim_time seg_end = t + (SIM_MS_PER_HOUR - ms % SIM_MS_PER_HOUR);
        if (seg_end > end)
            seg_end = end;
        uint32_t n = 0;
        for (int d = 0; d < 7; d++)
            n += opens[d * 24 + h];
        double p = n / HISTORY_DAYS;
        if (p < c->launch_floor)
            p = c->launch_floor;
        if (p > 0.999)
            p = 0.999;
        log_q += (double)(seg_end - t) / (double)SIM_MS_PER_HOUR * log1p(-p);
        t = seg_end;
    }
    double p_window = -expm1(log_q);
    if (last_open >= 0 && c->usage_half_life > 0 && now > last_open)
        p_window *= exp2(-(double)(now - last_open) / (double)c->usage_half_life);
    return p_window;
}

double simos_ios_score(const simos_ios_score_in *in)
{
    double s_app = sqrt(in->p_launch > 0 ? in->p_launch : 0);
    if (s_app > 0.25)
        s_app = 1.0;
    if (in->overdue && in->in_recents) {
        s_app = 0.65 * s_app + 0.35;
        if (s_app > 0.5)
            s_app = 1.0;
    }
    double s_dev = in->screen_on ? 1.0 : 0.05;
    double s_batt = 1.0;
    if (in->battery_permille >= 0) {
        double x = (in->battery_permille / 10.0 - 10.0) / 90.0;
        s_batt = sqrt(x > 0 ? x : 0) * (in->plugged ? 1.2 : 1.0);
        if (s_batt > 1.0)
            s_batt = 1.0;
    }
    return (SIMOS_IOS_W_APP * s_app + SIMOS_IOS_W_DEVICE * s_dev + SIMOS_IOS_W_BATTERY * s_batt) /
           (SIMOS_IOS_W_APP + SIMOS_IOS_W_DEVICE + SIMOS_IOS_W_BATTERY);
}

double simos_ios_threshold(const simos_ios_config *c, sim_time age)
{
    double f = c->threshold_relax > 0 ? (double)age / (double)c->threshold_relax : 1.0;
    if (f < 0)
        f = 0;
    if (f > 1)
        f = 1;
    return c->threshold_start - (c->threshold_start - c->threshold_min) * f;
}

/* ---- budgets ---- */

static int64_t upper(const simos_ios_budget *b) { return b->cap * SIM_MS_PER_DAY * 3 / 2; }
static int64_t lower(const simos_ios_budget *b) { return -(b->cap * SIM_MS_PER_DAY * 6 / 5); }

static int64_t level_at(const simos_ios_budget *b, sim_time now)
{
    sim_time dt = now - b->at;
    if (dt > SIM_DAYS(3)) /* from the lowest level to the highest takes 2.7 days: full */
        return upper(b);
    int64_t l = b->level + b->cap * dt;
    return l > upper(b) ? upper(b) : l;
}

void simos_ios_budget_init(simos_ios_budget *b, sim_time cap, sim_time now)
{
    *b = (simos_ios_budget){.level = cap * SIM_MS_PER_DAY, .at = now, .cap = cap};
}

int64_t simos_ios_budget_level_ms(const simos_ios_budget *b, sim_time now)
{
    int64_t l = level_at(b, now);
    return l >= 0 ? l / SIM_MS_PER_DAY : -((-l + SIM_MS_PER_DAY - 1) / SIM_MS_PER_DAY);
}

bool simos_ios_budget_ok(const simos_ios_budget *b, sim_time now)
{
    return b->cap == 0 || level_at(b, now) > 0;
}

void simos_ios_budget_debit(simos_ios_budget *b, sim_time now, sim_time ms)
{
    if (b->cap == 0)
        return;
    int64_t l = level_at(b, now) - ms * SIM_MS_PER_DAY;
    b->level = l < lower(b) ? lower(b) : l;
    b->at = now;
}

sim_time simos_ios_budget_next_ok(const simos_ios_budget *b, sim_time now)
{
    if (simos_ios_budget_ok(b, now))
        return -1;
    int64_t l = level_at(b, now); /* <= 0 */
    return now + (-l) / b->cap + 1;
}
