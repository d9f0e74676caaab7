/*
 * scn_events.c - applying a scripted event to the device (scn_events.h); the `events:` section is
 * read by scn_events_parse.c. Each action goes to the model that owns the state it changes.
 */
#include "scn_events.h"

#include <stdio.h>
#include <stdlib.h>

#include "mdl_battery.h"
#include "mdl_kills.h"
#include "mdl_network.h"
#include "mdl_settings.h"
#include "simos_standby.h"

const char *const scn_event_names[] = {
    [SCN_EV_OPEN] = "open",
    [SCN_EV_CLOSE] = "close",
    [SCN_EV_SWIPE] = "swipe",
    [SCN_EV_FORCE_STOP] = "force_stop",
    [SCN_EV_REBOOT] = "reboot",
    [SCN_EV_PLUG] = "plug",
    [SCN_EV_UNPLUG] = "unplug",
    [SCN_EV_BATTERY_LEVEL] = "battery_level",
    [SCN_EV_NETWORK] = "network",
    [SCN_EV_BACKGROUND_APP_REFRESH] = "background_app_refresh",
    [SCN_EV_LOW_POWER_MODE] = "low_power_mode",
    [SCN_EV_BATTERY_SAVER] = "battery_saver",
    [SCN_EV_BATTERY_OPTIMIZATION_EXEMPT] = "battery_optimization_exempt",
    [SCN_EV_STANDBY_BUCKET] = "standby_bucket",
    [SCN_EV_OS_UPDATE] = "os_update",
    [SCN_EV_COUNT] = NULL,
};

/* While the device is rebooting (mdl_kills_device_down) nobody can use it: the actions of a user
 * at the phone's screen (the app, Settings, the power-saving switches) and of a command over adb
 * wait for nobody and are skipped, traced as such. A cable, a battery and the radio's
 * surroundings do not need the phone to be up: plug, unplug, battery_level and network apply. */
static bool needs_the_device_up(scn_event_action a)
{
    return a != SCN_EV_PLUG && a != SCN_EV_UNPLUG && a != SCN_EV_BATTERY_LEVEL && a != SCN_EV_NETWORK;
}

static void trace_event(mdl_device *d, const scn_event *ev, bool skipped)
{
    char type[64];
    snprintf(type, sizeof type, "event.%s", scn_event_names[ev->action]);
    sim_trace_begin(d->trace, sim_now(d->engine), type);
    if (ev->name)
        sim_trace_str(d->trace, "name", ev->name);
    switch (ev->action) {
    case SCN_EV_BATTERY_LEVEL: sim_trace_int(d->trace, "level_permille", ev->value); break;
    case SCN_EV_NETWORK: sim_trace_str(d->trace, "state", ev->value < 0 ? "schedule" : mdl_net_name((mdl_net)ev->value)); break;
    case SCN_EV_BACKGROUND_APP_REFRESH:
    case SCN_EV_LOW_POWER_MODE:
    case SCN_EV_BATTERY_SAVER:
    case SCN_EV_BATTERY_OPTIMIZATION_EXEMPT: sim_trace_bool(d->trace, "enabled", ev->value != 0); break;
    case SCN_EV_STANDBY_BUCKET: sim_trace_str(d->trace, "bucket", simos_bucket_name((simos_bucket)ev->value)); break;
    case SCN_EV_REBOOT:
        if (ev->value >= 0)
            sim_trace_int(d->trace, "downtime_ms", ev->value);
        break;
    default: break;
    }
    if (skipped)
        sim_trace_str(d->trace, "skipped", "device_down");
    sim_trace_end(d->trace);
}

/* The user brings the app to the foreground or leaves it, as the runner's app.first_open does:
 * the runner starts the process and moves the core; the usage history and the OS models read
 * the signal. Nothing when the app already is where the event puts it. */
static void foreground(mdl_device *d, bool fg)
{
    if (d->app_foreground == fg)
        return;
    d->app_foreground = fg;
    mdl_emit(d, fg ? MDL_SIG_APP_OPEN : MDL_SIG_APP_CLOSE, 0);
}

void scn_event_apply(mdl_device *d, const scn_event *ev)
{
    bool skip = needs_the_device_up(ev->action) && mdl_kills_device_down(d);
    trace_event(d, ev, skip);
    if (skip)
        return;
    bool on = ev->value != 0;
    switch (ev->action) {
    case SCN_EV_OPEN: foreground(d, true); break;
    case SCN_EV_CLOSE: foreground(d, false); break;
    case SCN_EV_SWIPE:
        foreground(d, false); /* a card is swiped from recents: the app is not in front */
        mdl_kills_script_swipe(d);
        break;
    case SCN_EV_FORCE_STOP:
        foreground(d, false); /* Settings > Force stop: the user is in Settings */
        mdl_kills_script_force_stop(d);
        break;
    case SCN_EV_REBOOT:
        foreground(d, false);
        mdl_kills_script_reboot(d, ev->value);
        break;
    case SCN_EV_PLUG: mdl_battery_script_plug(d, true); break;
    case SCN_EV_UNPLUG: mdl_battery_script_plug(d, false); break;
    case SCN_EV_BATTERY_LEVEL: mdl_battery_script_level(d, (int)ev->value); break;
    case SCN_EV_NETWORK: mdl_network_script(d, (int)ev->value); break;
    case SCN_EV_BACKGROUND_APP_REFRESH: mdl_settings_script(d, on ? 1 : 0, -1); break;
    case SCN_EV_BATTERY_OPTIMIZATION_EXEMPT: mdl_settings_script(d, -1, on ? 1 : 0); break;
    case SCN_EV_LOW_POWER_MODE:
    case SCN_EV_BATTERY_SAVER: mdl_battery_script_power_save(d, on); break;
    case SCN_EV_STANDBY_BUCKET: mdl_emit(d, MDL_SIG_STANDBY_BUCKET, ev->value); break;
    case SCN_EV_OS_UPDATE:  /* refused by the parser */
    case SCN_EV_COUNT: break;
    }
}

void scn_events_free(scn_events *ev)
{
    for (size_t i = 0; i < ev->count; i++)
        free(ev->list[i].name);
    free(ev->list);
    *ev = (scn_events){0};
}
