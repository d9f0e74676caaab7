/*
 * mdl_battery.h - battery level, charging habits and power saving (`device.battery`).
 *
 * THE LEVEL is an exact piecewise-linear function of time, never ticked. It is kept in "level
 * units" (LU): a rate of r milli-percent per hour (0.001 %/h) changes the level by exactly r LU per
 * millisecond, so 1 % = 3.6e9 LU and a full battery is 3.6e11 LU. Every rate, level and time is
 * an integer and every product stays below 2^63 (rates are at most 100 %/h = 1e5 mp/h), so the
 * level at an integer ms, and the first ms at which a threshold is crossed, are computed exactly.
 *
 *   unplugged  level falls at drain = base + extras (percent per hour):
 *                base   = screen_on  if d->screen_on
 *                         dozing     else if d->dozing
 *                         idle       otherwise (screen off, not dozing)
 *                extras = worker     if d->worker_running
 *                       + network    if d->worker_running and d->net != MDL_NET_NONE
 *              and stops at 0 % (the device keeps running: shutdown is not modeled).
 *   plugged    level rises at charge.rate up to charge.taper_at, then at charge.taper_rate up to
 *              100 %, where it stays. Charging rates are net of what the device uses.
 *
 * Every state change that alters the slope (screen, doze, worker, network signals; plug, unplug)
 * re-anchors the segment at (now, level(now)) and recomputes the next crossing; a change that
 * leaves the slope as it is (any drain signal while charging) does nothing. Draining levels are
 * whole LU at every ms; a charge past the taper point is exact as one function of time from the
 * plug, and an unplug there starts the next segment at the level floored to a whole LU
 * (1/3.6e9 %).
 *
 * THRESHOLDS are levels in permille. Each remembers its side: "above" while level >= threshold.
 * A crossing is an event at the first ms at which the side changes: downward at the first ms the
 * level is below the threshold, upward at the first ms it is at or above it. When a state change
 * leaves the level exactly on a threshold it is about to leave (unplugged exactly at 15 %), both
 * crossings happen: up at that ms, down one ms later. So crossings of one
 * threshold alternate up and down, 100 % is crossed up when the battery is full and down at the
 * first ms it drains below full. Built-in thresholds: the LOW and OKAY crossings (below), 80 %, 100 %, the Low Power Mode prompts and off_at
 * (iOS) or the battery saver trigger (Android), `watch:` levels, and mdl_battery_watch().
 * At a crossing the model updates its own state (low, power save), traces `battery.level`
 * {level_permille, direction} and emits MDL_SIG_BATTERY_LEVEL with arg = the permille crossed.
 *
 * BATTERY LOW is JobScheduler's view (battery-not-low): it follows BatteryService's
 * ACTION_BATTERY_LOW / ACTION_BATTERY_OKAY broadcasts (mdl_battery.c cites the source). Levels are
 * whole percent, the floor of the exact level (assumption: the gauge's rounding): LOW when the
 * whole percent is <= low.level (15) while unplugged (it falls there, or the device is unplugged
 * there), i.e. the exact level falls below 16.0 %; OKAY when it is >= low.okay (20), plugged or
 * not. Plugging in does not end low (low.plug_clears: true, a what-if, makes it).
 *
 * CHARGING HABITS plug and unplug the device: a nightly charge (probability per night, uniform
 * jitter on both ends, stream "battery.nightly") and daytime top-ups (a Poisson process of
 * per_day arrivals spread over a daily window, random durations, stream "battery.topups").
 * Overlapping charges nest: the device is plugged while any charge is on. Plug / unplug write
 * d->plugged, trace battery.plug / battery.unplug {level_permille} and emit MDL_SIG_PLUG/UNPLUG.
 *
 * POWER SAVING writes d->power_save, traces battery.power_save {on, reason} and emits
 * MDL_SIG_POWER_SAVE. iOS Low Power Mode: daily manual windows; a prompt when the level drops
 * below each prompt_at level, accepted with probability `accept` (stream "battery.lpm"); off
 * when charging reaches off_at (80 %). Android (and ideal) battery saver: daily manual windows;
 * on when the battery becomes low with trigger > 0 (the trigger then replaces low.level), off
 * when plugged and, if it turned on by itself, when the battery stops being low.
 *
 * Ownership: the config is plain data (no pointers); the running model's state hangs off
 * d->models[index] and is freed by stop.
 */
#ifndef BGSIM_MDL_BATTERY_H
#define BGSIM_MDL_BATTERY_H

#include <stdbool.h>
#include <stdint.h>

#include "mdl_model.h"
#include "sch_dist.h"
#include "sim_engine.h"

#define MDL_BATTERY_MAX_WATCH 8
#define MDL_BATTERY_MAX_WINDOWS 4
#define MDL_BATTERY_MAX_PROMPTS 4
/* Thresholds one device can hold: the built-in ones, config watches and runtime watches. */
#define MDL_BATTERY_MAX_THRESHOLDS 32

/* A daily window of local time, [from, to) in ms of day; to < from wraps past midnight. */
typedef struct mdl_battery_window {
    sim_time from, to;
} mdl_battery_window;

typedef struct mdl_battery_config {
    mdl_platform platform; /* set by defaults(): which power-saving rules apply */
    int64_t initial_mp;    /* levels in milli-percent (0.001 %) */
    /* drain, milli-percent per hour */
    int64_t drain_screen_on_mp, drain_idle_mp, drain_dozing_mp, drain_worker_mp, drain_network_mp;
    /* charging, milli-percent per hour, and the taper point in milli-percent */
    int64_t charge_rate_mp, charge_taper_at_mp, charge_taper_rate_mp;
    /* battery low (Android BatteryService), permille */
    int low_permille, okay_permille;
    bool plug_clears_low;
    int watch_permille[MDL_BATTERY_MAX_WATCH];
    int watch_count;
    /* charging habits */
    bool nightly;
    sim_time nightly_from, nightly_to, nightly_jitter;
    double nightly_probability;
    bool top_ups;
    double top_ups_per_day;
    sch_dist top_up_duration;
    sim_time top_ups_from, top_ups_to; /* from < to, same day */
    /* power saving */
    mdl_battery_window manual[MDL_BATTERY_MAX_WINDOWS];
    int manual_count;
    int prompt_permille[MDL_BATTERY_MAX_PROMPTS]; /* iOS */
    int prompt_count;
    double prompt_accept;                         /* iOS */
    int lpm_off_permille;                         /* iOS; 0 = never */
    int saver_trigger_permille;                   /* Android / ideal; 0 = off */
} mdl_battery_config;

extern const mdl_model mdl_battery_model;

/* Level units per milli-percent (r mp per hour is r LU per ms: one mp is an hour's milliseconds)
 * and the full battery, in level units (see above). */
#define MDL_BATTERY_LU_PER_MP SIM_MS_PER_HOUR
#define MDL_BATTERY_FULL_LU (INT64_C(100000) * MDL_BATTERY_LU_PER_MP)

/*
 * Reads: the level at time t (t >= the last state change, normally sim_now(d->engine); a later t
 * projects the current state forward). -1 when the device has no running battery model.
 */
int64_t mdl_battery_level_lu(const mdl_device *d, sim_time t);
int mdl_battery_level_permille(const mdl_device *d, sim_time t); /* floor */
/* Android battery low (with hysteresis, above); false without a battery model. */
bool mdl_battery_low(const mdl_device *d);
/* True while the level is rising (plugged and not full). */
bool mdl_battery_rising(const mdl_device *d);
/* The direction of the latest crossing: read it in a MDL_SIG_BATTERY_LEVEL listener (the signal's
 * arg is the permille; up = the level reached it from below). */
bool mdl_battery_last_crossing_up(const mdl_device *d);

/*
 * Subscribes to a level (1..1000 permille): MDL_SIG_BATTERY_LEVEL is emitted whenever it is
 * crossed from now on. Watching a level already watched is a no-op. MDL_OK, MDL_ENOMEM past
 * MDL_BATTERY_MAX_THRESHOLDS, or MDL_ENOMEM as well for a level out of range or no battery model.
 */
int mdl_battery_watch(mdl_device *d, int permille);

/*
 * Scripted events (the scenario's `events:`, sim/scenario/scn_events.h); each traces as its usual
 * record with `source`/`reason` "scripted", and does nothing without a battery model.
 *  - plug(true): the user plugs in, a charge of its own that lasts until plug(false), nested with
 *    the habits' charges like any other. plug(false): the user pulls the cable: every charge in
 *    progress ends now (a habit's later end finds none and does nothing); nothing when unplugged.
 *  - set_level: the level becomes `permille` now (a battery swapped, a gauge recalibrated: what a
 *    test needs). Every threshold whose side the jump changed is crossed at this ms, one event
 *    each (battery.level, then battery low and power saving follow as for a gradual crossing).
 *  - power_save: the user turns Low Power Mode (iOS) or battery saver (Android, ideal) on or off;
 *    the automatic rules (plugged in, charged to off_at, battery low) act on it afterwards as on
 *    a manual switch.
 */
void mdl_battery_script_plug(mdl_device *d, bool plugged);
void mdl_battery_script_level(mdl_device *d, int permille);
void mdl_battery_script_power_save(mdl_device *d, bool on);

/*
 * The exact level function (public for tests and reports). Level after `dt` ms of a segment that
 * starts at `l0` LU; `rising` selects charging (c1 up to `taper`, then c2, capped at full) or
 * draining at `drain` (floored at 0). Rates are in mp/h = LU per ms.
 */
int64_t mdl_battery_level_after(int64_t l0, bool rising, int64_t drain, int64_t c1, int64_t taper,
                                int64_t c2, sim_time dt);

#endif
