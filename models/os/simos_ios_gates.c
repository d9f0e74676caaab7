/*
 * simos_ios_gates.c - the iOS model's hard gates (order and sources in simos_ios_gates.h).
 */
#include "simos_ios_gates.h"

bool simos_ios_device_idle(const simos_ios_config *c, bool screen_on, sim_time screen_off_since, sim_time now)
{
    return !screen_on && now - screen_off_since >= c->idle_after;
}

/* Keeps the earliest future instant. */
static void sooner(sim_time *next, sim_time now, sim_time t)
{
    if (t > now && (*next < 0 || t < *next))
        *next = t;
}

sim_reason simos_ios_gates(const simos_ios_config *c, const simos_ios_gate_in *in, sim_time *next_change)
{
    const bool processing = in->type == SIMOS_IOS_PROCESSING;
    const sim_time now = in->now;
    sim_time next = -1;
    /* Instants at which a time-based gate changes its answer, whichever gate decides now. */
    if (!in->screen_on)
        sooner(&next, now, in->screen_off_since + c->idle_after);
    if (in->last_open >= 0)
        sooner(&next, now, in->last_open + c->used_within[in->type] + 1);
    if (in->last_launch >= 0)
        sooner(&next, now, in->last_launch + c->rate_limit[in->type]);
    if (next_change)
        *next_change = next;

    if (in->device_down)
        return SIM_REASON_DEVICE_DOWN;
    if (in->force_quit && (!processing || c->force_quit_blocks_processing))
        return SIM_REASON_FORCE_QUIT;
    if (!in->refresh_enabled)
        return SIM_REASON_REFRESH_OFF;
    if (in->last_open < 0 || now - in->last_open > c->used_within[in->type])
        return SIM_REASON_SCORE;
    if (in->battery_permille >= 0 && in->battery_permille < c->critical_battery_permille && !in->plugged)
        return SIM_REASON_BATTERY_LOW;
    if (in->power_save)
        return SIM_REASON_LOW_POWER_MODE;
    if (in->requires_network && !in->network)
        return SIM_REASON_NETWORK;
    if (!in->plugged && (in->requires_power || (processing && !c->processing_on_battery)))
        return SIM_REASON_NOT_CHARGING;
    if (processing ? !simos_ios_device_idle(c, in->screen_on, in->screen_off_since, now) : in->app_foreground)
        return SIM_REASON_DEVICE_IN_USE;
    if (in->last_launch >= 0 && now - in->last_launch < c->rate_limit[in->type])
        return SIM_REASON_RATE_LIMIT;
    return SIM_REASON_NONE;
}
