/*
 * mdl_battery_internal.h - what the battery model (mdl_battery.c) and its section parser
 * (mdl_battery_parse.c) share. Internal to models/device: nobody else includes it.
 */
#ifndef BGSIM_MDL_BATTERY_INTERNAL_H
#define BGSIM_MDL_BATTERY_INTERNAL_H

#include "mdl_battery.h"

/* mdl_battery_model.parse: reads `device.battery` into config (an mdl_battery_config holding the
 * defaults). */
void mdl_battery_parse(sch_cx *cx, const sch_node *node, void *config);

/* The nightly charging window's length in ms, in [0, 1 day): 0 when `to` equals `from`. The
 * parser refuses 0 and a jitter of half the window or more; the model draws within it. */
static inline sim_time mdl_battery_night_window(const mdl_battery_config *c)
{
    return ((c->nightly_to - c->nightly_from) % SIM_MS_PER_DAY + SIM_MS_PER_DAY) % SIM_MS_PER_DAY;
}

/* For tests: whether the pending level crossing (its time and threshold, or none) is what a full
 * scan of the current segment's thresholds finds now. reanchor keeps the crossing's threshold
 * without a scan on a drain change; this checks that it is the scan's answer. */
bool mdl_battery_crossing_is_current(const mdl_device *d);
/* For tests: whether the battery may defer a crossing's re-arm (mdl_battery.c, defer_rearm; on by
 * default), to compare runs with and without. */
void mdl_battery_set_deferral(mdl_device *d, bool on);
/* For tests: whether a crossing's re-arm is deferred now (its engine entry is at an earlier time). */
bool mdl_battery_rearm_deferred(const mdl_device *d);

#endif
