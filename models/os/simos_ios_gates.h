/*
 * simos_ios_gates.h - the iOS model's hard gates: the conditions under which BGTaskScheduler
 * never launches a request, whatever its score (docs/SOURCES.md I7.3).
 *
 * A pure function of a snapshot of the device and the app (no engine, no device pointer), so
 * each gate is tested on its own. Gates are checked in the documented deferral order and the
 * first that fails is the reason (sim_reason.h):
 *
 *   device_down     the device is rebooting                                        [DOC: no OS]
 *   force_quit      swiped away, until the user opens the app (refresh always; processing
 *                   only while config.force_quit_blocks_processing)      [FORUM 119758, 793189]
 *   refresh_off     Background App Refresh is off                         [DOC backgroundRefreshStatus]
 *   score           the app was not used within used_within[type]: its usage score is zero
 *                   (processing 7 d [DOC BGProcessingTaskRequest header], refresh 14 d [RE])
 *   battery_low     critically low: below critical_battery and not charging        [WWDC20]
 *   low_power_mode  Low Power Mode is on                                          [DOC]
 *   network         requiresNetworkConnectivity and no network                     [DOC]
 *   not_charging    requiresExternalPower, or processing on battery unless
 *                   processing_on_battery                          [DOC; OBS I3 #2,3,4,6]
 *   device_in_use   processing: the device is not idle (screen on, or off for less than
 *                   idle_after) [DOC BGProcessingTask; OBS I1.3]; refresh: the app is in the
 *                   foreground (a launch would be moot) [I7.3 G12]
 *   rate_limit      less than rate_limit[type] since the last launch of this type
 *                   (refresh 15 min [OBS I3 #4], processing 6 h [ASSUMPTION])
 *
 * Time-based gates change on their own; *next_change receives the earliest instant after `now`
 * at which any of them (idle threshold, end of the recent-use window, end of the rate limit)
 * changes its answer, or -1 when none will. The caller re-evaluates then.
 */
#ifndef BGSIM_SIMOS_IOS_GATES_H
#define BGSIM_SIMOS_IOS_GATES_H

#include <stdbool.h>

#include "simos_ios.h"

typedef struct simos_ios_gate_in {
    simos_ios_type type;
    bool requires_network, requires_power;
    sim_time now;
    bool device_down;
    bool force_quit;
    bool refresh_enabled;
    int battery_permille;      /* -1: no battery model (taken as full) */
    bool plugged;
    bool power_save;
    bool network;              /* any connection */
    bool screen_on;
    sim_time screen_off_since; /* when the screen last went off; ignored while it is on */
    bool app_foreground;
    sim_time last_open;        /* -1: never opened */
    sim_time last_launch;      /* of this type; -1: never */
} simos_ios_gate_in;

/* The gates are inline here: the evaluation (simos_ios.c) runs them at every event that is not
 * a held verdict's repeat (10k times in the 10-seed iOS sweep), where the call, the snapshot
 * written to memory and read back and the registers saved around it cost as much as the tests
 * (issue 24). Inlined, the snapshot's fields stay in registers. */

/* The device is idle for processing: screen off for at least idle_after. */
static inline bool simos_ios_device_idle(const simos_ios_config *c, bool screen_on, sim_time screen_off_since, sim_time now)
{
    return !screen_on && now - screen_off_since >= c->idle_after;
}

/* Keeps the earliest future instant. */
static inline void simos_ios_sooner(sim_time *next, sim_time now, sim_time t)
{
    if (t > now && (*next < 0 || t < *next))
        *next = t;
}

/* The earliest instant after now at which a time-based gate but the idle threshold changes its
 * answer (the end of the recent-use window, of the rate limit), or -1: the part of *next_change
 * the screen does not move. */
static inline sim_time simos_ios_gates_fixed_next(const simos_ios_config *c, const simos_ios_gate_in *in)
{
    sim_time next = -1;
    if (in->last_open >= 0)
        simos_ios_sooner(&next, in->now, in->last_open + c->used_within[in->type] + 1);
    if (in->last_launch >= 0)
        simos_ios_sooner(&next, in->now, in->last_launch + c->rate_limit[in->type]);
    return next;
}

/* *next_change from its fixed part and the screen: the idle threshold joins while the screen is off. */
static inline sim_time simos_ios_gates_next(const simos_ios_config *c, bool screen_on, sim_time screen_off_since,
                                            sim_time now, sim_time fixed)
{
    sim_time next = fixed;
    if (!screen_on)
        simos_ios_sooner(&next, now, screen_off_since + c->idle_after);
    return next;
}

/* Whether the screen enters a gate's verdict: only device_in_use reads it (and the gates after
 * it, rate_limit and none, are reached only when it passes). */
static inline bool simos_ios_gate_reads_screen(sim_reason gate)
{
    return gate == SIM_REASON_NONE || gate == SIM_REASON_DEVICE_IN_USE || gate == SIM_REASON_RATE_LIMIT;
}

static inline sim_reason simos_ios_gates(const simos_ios_config *c, const simos_ios_gate_in *in, sim_time *next_change)
{
    const bool processing = in->type == SIMOS_IOS_PROCESSING;
    const sim_time now = in->now;
    /* Instants at which a time-based gate changes its answer, whichever gate decides now. */
    if (next_change)
        *next_change = simos_ios_gates_next(c, in->screen_on, in->screen_off_since, now, simos_ios_gates_fixed_next(c, in));

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

#endif
