/*
 * mdl_settings.c - Background App Refresh (iOS) and battery-optimization exemption (Android); the
 * `device.settings` section is read by mdl_settings_parse.c.
 *
 * Defaults and their sources:
 *  - background_app_refresh: true. The switch "defaults to on" (docs/SOURCES.md I2.2, WWDC20
 *    session 10063 "Background execution demystified"); off, `backgroundRefreshStatus` is denied
 *    (docs/SOURCES.md I1.3, UIApplication.backgroundRefreshStatus).
 *  - battery_optimization_exempt: false. Every app is battery-optimized until the user puts it on
 *    the power-save allowlist (Settings > Battery > Battery optimization, "not optimized"), which
 *    floors its standby bucket at EXEMPTED and lets its jobs run in Doze (docs/SOURCES.md
 *    A2.1 getAppMinBucket, A1.5; developer.android.com/training/monitoring-device-state/doze-standby).
 */
#include "mdl_settings_internal.h"

#include <stdlib.h>
#include <string.h>

static void defaults(void *config, mdl_platform platform)
{
    mdl_settings_config *c = config;
    memset(c, 0, sizeof *c);
    c->platform = platform;
    c->background_app_refresh = true;
    c->battery_optimization_exempt = false;
}

/* ---- running ---- */

typedef struct settings_model {
    mdl_device *d;
    mdl_settings_config cfg;
} settings_model;

static void trace_settings(mdl_device *d)
{
    sim_trace_begin(d->trace, sim_now(d->engine), "device.settings");
    sim_trace_bool(d->trace, "background_app_refresh", d->refresh_enabled);
    sim_trace_bool(d->trace, "battery_optimization_exempt", d->optimization_exempt);
    sim_trace_end(d->trace);
}

static void apply_change(settings_model *m, const mdl_settings_change *ch)
{
    mdl_device *d = m->d;
    bool bar = ch->background_app_refresh < 0 ? d->refresh_enabled : ch->background_app_refresh == 1;
    bool exempt = ch->battery_optimization_exempt < 0 ? d->optimization_exempt : ch->battery_optimization_exempt == 1;
    if (bar == d->refresh_enabled && exempt == d->optimization_exempt)
        return;
    d->refresh_enabled = bar;
    d->optimization_exempt = exempt;
    trace_settings(d);
    mdl_emit(d, MDL_SIG_SETTINGS, 0);
}

static void on_change(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    settings_model *m = ctx;
    apply_change(m, &m->cfg.changes[arg]);
}

void mdl_settings_script(mdl_device *d, int8_t background_app_refresh, int8_t battery_optimization_exempt)
{
    void *m = d->models[MDL_SLOT_SETTINGS];
    if (m) {
        mdl_settings_change ch = {.at = sim_now(d->engine), .background_app_refresh = background_app_refresh,
                                  .battery_optimization_exempt = battery_optimization_exempt};
        apply_change(m, &ch);
    }
}

static int start(mdl_device *d, int index, const void *config)
{
    settings_model *m = calloc(1, sizeof *m);
    if (!m)
        return MDL_ENOMEM;
    m->d = d;
    /* No config (a runner without the scenario's model sections): the defaults. */
    if (config)
        memcpy(&m->cfg, config, sizeof m->cfg);
    else
        defaults(&m->cfg, d->platform);
    d->models[index] = m;
    d->refresh_enabled = m->cfg.background_app_refresh;
    d->optimization_exempt = m->cfg.battery_optimization_exempt;
    trace_settings(d);
    sim_time now = sim_now(d->engine);
    for (int i = 0; i < m->cfg.change_count; i++) {
        if (m->cfg.changes[i].at < now)
            continue;
        int rc = sim_schedule(d->engine, m->cfg.changes[i].at, SIM_PHASE_ENVIRONMENT, on_change, m, (uint64_t)i, NULL);
        if (rc == SIM_ENOMEM)
            return MDL_ENOMEM;
    }
    return MDL_OK;
}

static void stop(mdl_device *d, int index)
{
    free(d->models[index]);
    d->models[index] = NULL;
}

const mdl_model mdl_settings_model = {
    .parent = "device",
    .key = "settings",
    .config_size = sizeof(mdl_settings_config),
    .defaults = defaults,
    .parse = mdl_settings_parse,
    .start = start,
    .stop = stop,
};
