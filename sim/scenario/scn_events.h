/*
 * scn_events.h - a scenario's `events:` section: things that happen at fixed instants ("the user
 * force-stops the app on Tuesday at noon and opens it on Thursday"), mixed with the stochastic
 * models. Documented key by key in scenarios/README.md ("Scripted events").
 *
 *   events:
 *     - { at: 2026-01-06T12:00, do: force_stop }     # a local date-time ...
 *     - { at: 2d12h, do: open, name: reopen }         # ... or a duration since the start
 *     - { at: 3d, do: battery_level, level: 15% }
 *     - { at: 3d1h, do: network, state: none }        # wifi, cellular, none, or schedule
 *     - { at: 4d, do: standby_bucket, bucket: rare }  # Android
 *
 * Each action acts through the model that owns what it changes (mdl_device.h: one writer per
 * field), exactly as the random event of the same kind does, so the OS models and the runner see
 * no difference: open / close as app.first_open does (foreground and background, the runner
 * starts the process); swipe, force_stop, reboot through the kills model; plug, unplug,
 * battery_level, low_power_mode, battery_saver through the battery model; network through the
 * network model; background_app_refresh, battery_optimization_exempt through the settings model;
 * standby_bucket through the device bus to Android's App Standby (MDL_SIG_STANDBY_BUCKET).
 * `os_update` is refused (scn_events_parse.c says why). An action of another platform is refused,
 * not ignored. While the device is down (a reboot), every action but plug, unplug, battery_level
 * and network is skipped, and its record says so (`skipped: device_down`): nobody can open an app
 * or change a setting on a phone that is booting.
 *
 * Order: every event is an engine event in SIM_PHASE_ENVIRONMENT at its instant, scheduled when
 * the run starts, after the models' first events, in time order (equal times: file order). So
 * at one instant a scripted event follows the environment events scheduled before the run began
 * and precedes those scheduled later, and the OS decides after all of them: the engine's (time,
 * phase, sequence) rule, nothing of its own. No random draws.
 *
 * Trace: each event writes `event.<do>` {name (when given), its parameter} before its effects'
 * own records (scenarios/TRACE.md).
 *
 * Ownership: the list and its names belong to the scenario (scn_events_free).
 */
#ifndef BGSIM_SCN_EVENTS_H
#define BGSIM_SCN_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mdl_device.h"
#include "sch_walk.h"
#include "sim_calendar.h"

#define SCN_MAX_EVENTS 10000

typedef enum scn_event_action {
    SCN_EV_OPEN = 0,
    SCN_EV_CLOSE,
    SCN_EV_SWIPE,
    SCN_EV_FORCE_STOP,
    SCN_EV_REBOOT,
    SCN_EV_PLUG,
    SCN_EV_UNPLUG,
    SCN_EV_BATTERY_LEVEL,
    SCN_EV_NETWORK,
    SCN_EV_BACKGROUND_APP_REFRESH,
    SCN_EV_LOW_POWER_MODE,
    SCN_EV_BATTERY_SAVER,
    SCN_EV_BATTERY_OPTIMIZATION_EXEMPT,
    SCN_EV_STANDBY_BUCKET,
    SCN_EV_OS_UPDATE,
    SCN_EV_COUNT
} scn_event_action;

/* The spelling of `do:` for each action, indexed by scn_event_action, NULL-terminated. */
extern const char *const scn_event_names[];

typedef struct scn_event {
    sim_time at;             /* since the start */
    scn_event_action action;
    char *name;              /* `name:` or NULL */
    /* The action's parameter: battery_level: permille; network: an mdl_net or -1 (schedule);
     * the on/off actions: 1 or 0; standby_bucket: a simos_bucket; reboot: downtime ms or -1. */
    int64_t value;
} scn_event;

typedef struct scn_events {
    scn_event *list;         /* sorted by `at`, equal times in file order */
    size_t count;
} scn_events;

/* The section parser (scn_events_parse.c). `node` is the value of `events:`; the platform decides
 * which actions are allowed, `cal` turns date-times into times, and when `know_duration` every
 * instant must lie in [0, duration). Every problem is reported through cx. */
void scn_events_parse(sch_cx *cx, const sch_node *node, mdl_platform platform, const sim_calendar *cal,
                      bool know_duration, sim_time duration, scn_events *out);
void scn_events_free(scn_events *ev);

/* The dynamics (scn_events.c): applies one event to the device now (the engine's time), tracing
 * `event.<do>` first. */
void scn_event_apply(mdl_device *d, const scn_event *ev);

#endif
