/*
 * mdl_network.h - the device's connectivity: Wi-Fi schedules, cellular, random outages, airplane
 * mode (scenario section `device.network`, trace `net.*`, random stream `network.outages`).
 *
 * The model writes d->net (none / cellular / wifi) and d->airplane, and emits MDL_SIG_NETWORK
 * (arg = the new mdl_net) after every change of either. Precedence, highest first:
 *
 *   1. airplane mode (an `airplane` window)  net = none, airplane = true
 *   2. an outage in progress                 net = none
 *   3. a Wi-Fi window (`wifi` or `work_wifi`) net = wifi
 *   4. otherwise                             net = cellular if `cellular: true`, else none
 *
 * Schedules are sets of weekly windows in the scenario's local time (d->cal):
 *
 *   wifi:                          # home Wi-Fi; `always` (the default) or `never` also accepted
 *     - { days: [mon, tue, wed, thu, fri], from: "18:00", to: "08:00" }
 *     - { days: [sat, sun], all_day: true }
 *
 * A window starts on each listed day (`days` absent: every day) at `from` and ends at `to`, half
 * open [from, to); a `to` at or before `from` ends on the next day (a window crossing midnight
 * belongs to the day it starts on, so `fri 18:00-08:00` covers Friday night into Saturday).
 * `all_day: true` covers the whole day. Windows of a list may overlap: the set is their union, and
 * `wifi` and `work_wifi` are united too (two names only so a scenario reads like a week).
 *
 * Outages are a Poisson process of `per_day` starts per day (exponential gaps), each lasting a
 * draw of `duration`; overlapping outages merge. Gaps and durations come from the stream
 * `network.outages` only, drawn in a fixed order (at each outage: its duration, then the next
 * gap), whatever the rest of the device does, so an outage hidden by airplane mode still draws.
 *
 * Event-driven: the model keeps one pending event for the next instant at which the Wi-Fi or
 * airplane schedule changes (computed from the weekday and time of day, never by ticking), one
 * for the next outage start and one for the end of the outage in progress.
 */
#ifndef BGSIM_MDL_NETWORK_H
#define BGSIM_MDL_NETWORK_H

#include <stdbool.h>
#include <stdint.h>

#include "mdl_model.h"
#include "sch_dist.h"

/* Windows per list (`wifi`, `work_wifi`, `airplane`). */
#define MDL_NETWORK_MAX_WINDOWS 32

typedef struct mdl_net_window {
    uint8_t days;   /* bit i set: the window starts on weekday i (ISO, Monday = 0) */
    sim_time from;  /* ms since local midnight */
    sim_time to;    /* ms since local midnight; <= from means the next day */
    bool all_day;   /* [00:00, 24:00) of each listed day; from/to unused */
} mdl_net_window;

typedef struct mdl_net_windows {
    mdl_net_window w[MDL_NETWORK_MAX_WINDOWS];
    int count;
} mdl_net_windows;

/* Window edges of the three lists: two per window and listed day. */
#define MDL_NET_MAX_POINTS (3 * MDL_NETWORK_MAX_WINDOWS * 7 * 2)

/* The schedules as a table of intervals, derived from the windows alone (mdl_network_prepare). */
typedef struct mdl_net_table {
    int npoints;
    sim_time points[MDL_NET_MAX_POINTS]; /* every window edge, as a week position, sorted, unique */
    /* what the schedules say on [points[k], points[k + 1]) (circularly): bit 0 Wi-Fi (`wifi` or
     * `work_wifi`), bit 1 airplane. Every window starts and ends at a point, so no window's
     * membership changes inside an interval: its value at points[k] is its value on the whole
     * interval. */
    unsigned char sched[MDL_NET_MAX_POINTS];
} mdl_net_table;

typedef struct mdl_network_config {
    mdl_net_windows wifi;      /* default: every day, all day (assumption, see mdl_network.c) */
    mdl_net_windows work_wifi; /* default: none */
    mdl_net_windows airplane;  /* default: none */
    bool cellular;             /* default true */
    double outages_per_day;    /* default 0 */
    sch_dist outage_duration;  /* default exponential, mean 10 min */
    /* Derived from wifi, work_wifi and airplane by mdl_network_prepare(), which defaults() and
     * parse() call: a function of the config alone, so it is computed once per scenario, not at
     * every device's start (every seed shares the config read-only). Code that edits the windows
     * by hand calls mdl_network_prepare() again before a start. */
    mdl_net_table table;
} mdl_network_config;

/* Fills c->table from c's windows. */
void mdl_network_prepare(mdl_network_config *c);

extern const mdl_model mdl_network_model;

/* True when the device has a network (wifi or cellular). */
bool mdl_network_connected(const mdl_device *d);
/* True when the network is metered (cellular); false for wifi and for none. */
bool mdl_network_metered(const mdl_device *d);

/* A scripted event (the scenario's `events:`, sim/scenario/scn_events.h): the user forces the
 * connectivity to `net` (an mdl_net), above every rule of the precedence list (Wi-Fi switched on
 * in airplane mode included; d->airplane still follows the schedule), until the next scripted
 * change; -1 hands it back to the schedules and outages. Traced `net.change` with cause
 * `scripted` when the state changes. Nothing without a network model. */
void mdl_network_script(mdl_device *d, int net);

/* Exposed for tests: whether the schedule windows contain local instant t. */
bool mdl_net_windows_contain(const mdl_net_windows *ws, const sim_calendar *cal, sim_time t);

#endif
