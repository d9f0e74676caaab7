/*
 * mdl_settings.h - the user's per-app system settings that gate background work (scenario section
 * `device.settings`, trace `device.settings`).
 *
 *   settings:
 *     background_app_refresh: true          # iOS (and ideal): Settings > General > Background App Refresh
 *     battery_optimization_exempt: false    # Android (and ideal): "Battery optimization: not optimized"
 *     changes:                              # timed changes, at a time since the start
 *       - { at: 3d, background_app_refresh: false }
 *
 * The model writes d->refresh_enabled and d->optimization_exempt and emits MDL_SIG_SETTINGS after a
 * change that alters either. Each key belongs to one platform: `background_app_refresh` to iOS,
 * `battery_optimization_exempt` to Android; the other platform's key is an error (it would be
 * silently ignored otherwise). The `ideal` platform accepts both and ignores both (its OS runs the
 * worker the moment it is due), so a scenario can state them and see them in the trace.
 *
 * Changes fire in time order (equal times: file order). A change that leaves both values as they
 * are is neither traced nor emitted. No random draws.
 */
#ifndef BGSIM_MDL_SETTINGS_H
#define BGSIM_MDL_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "mdl_model.h"

#define MDL_SETTINGS_MAX_CHANGES 32

typedef struct mdl_settings_change {
    sim_time at;
    int8_t background_app_refresh;      /* 1 on, 0 off, -1 unchanged */
    int8_t battery_optimization_exempt; /* 1 exempt, 0 optimized, -1 unchanged */
} mdl_settings_change;

typedef struct mdl_settings_config {
    mdl_platform platform;            /* from defaults(): decides which keys are allowed */
    bool background_app_refresh;      /* default true */
    bool battery_optimization_exempt; /* default false */
    mdl_settings_change changes[MDL_SETTINGS_MAX_CHANGES]; /* sorted by `at`, stable */
    int change_count;
} mdl_settings_config;

extern const mdl_model mdl_settings_model;

/* A scripted event (the scenario's `events:`, sim/scenario/scn_events.h): the user changes a
 * setting now, as a `changes:` item does (1 on / exempt, 0 off / optimized, -1 unchanged; the
 * scenario checks the platform). Nothing without a settings model. */
void mdl_settings_script(mdl_device *d, int8_t background_app_refresh, int8_t battery_optimization_exempt);

#endif
