/*
 * simos_ios_parse.c - the `os:` section on ios (besides `version`, which the scenario owns), read
 * with the sch_ schema kit into a simos_ios_config that already holds the version's defaults
 * (simos_ios.c, each with its source). Every duration is checked against its range.
 */
#include "simos_ios_internal.h"

#include <math.h>

#include "sch_units.h"

const char *const simos_ios_keys[] = {
    "request", "idle_after", "processing_on_battery", "force_quit_blocks_processing", "processing_used_within",
    "refresh_used_within", "critical_battery", "processing_rate_limit", "refresh_rate_limit", "reevaluate_every",
    "processing_delay", "refresh_time_limit", "early_expiry", "early_expiry_after", "processing_time_limit",
    "lookahead", "launch_floor", "usage_half_life", "threshold_start", "threshold_min", "threshold_relax",
    "energy_budget", "launch_cost", "data_budget", NULL};

/* A duration within [lo, hi]. */
static void duration_in(sch_cx *cx, const sch_node *map, const char *key, sim_time lo, sim_time hi, sim_time *out)
{
    sim_time v;
    if (sch_field_duration(cx, map, key, SCH_OPTIONAL, &v) != SCH_FIELD_OK)
        return;
    if (v < lo || v > hi) {
        char a[40], b[40];
        sch_format_duration(lo, a, sizeof a);
        sch_format_duration(hi, b, sizeof b);
        sch_cx_key_error(cx, map, key, "expected a duration from %s to %s, found %s", a, b,
                  sch_cx_found(cx, sch_map_get(map, key)));
        return;
    }
    *out = v;
}

void simos_ios_parse(sch_cx *cx, const sch_node *map, void *p)
{
    static const char *const types[] = {"processing", "refresh", NULL};
    simos_ios_config *c = p;
    int t;
    if (sch_field_enum(cx, map, "request", SCH_OPTIONAL, types, &t) == SCH_FIELD_OK)
        c->request = (simos_ios_type)t;
    duration_in(cx, map, "idle_after", 0, SIM_DAYS(1), &c->idle_after);
    sch_field_bool(cx, map, "processing_on_battery", SCH_OPTIONAL, &c->processing_on_battery);
    sch_field_bool(cx, map, "force_quit_blocks_processing", SCH_OPTIONAL, &c->force_quit_blocks_processing);
    duration_in(cx, map, "processing_used_within", SIM_HOURS(1), SIM_DAYS(365), &c->used_within[SIMOS_IOS_PROCESSING]);
    duration_in(cx, map, "refresh_used_within", SIM_HOURS(1), SIM_DAYS(365), &c->used_within[SIMOS_IOS_REFRESH]);
    double pct;
    if (sch_field_percent(cx, map, "critical_battery", SCH_OPTIONAL, &pct) == SCH_FIELD_OK)
        c->critical_battery_permille = (int)lround(pct * 10.0);
    duration_in(cx, map, "processing_rate_limit", 0, SIM_DAYS(7), &c->rate_limit[SIMOS_IOS_PROCESSING]);
    duration_in(cx, map, "refresh_rate_limit", 0, SIM_DAYS(7), &c->rate_limit[SIMOS_IOS_REFRESH]);
    duration_in(cx, map, "reevaluate_every", SIM_MINUTES(1), SIM_DAYS(1), &c->reevaluate_every);
    sch_field_dist(cx, map, "processing_delay", SCH_OPTIONAL, &c->processing_delay);
    duration_in(cx, map, "refresh_time_limit", SIM_SECONDS(1), SIM_MINUTES(10), &c->refresh_time_limit);
    sch_field_probability(cx, map, "early_expiry", SCH_OPTIONAL, &c->early_expiry);
    sch_field_dist(cx, map, "early_expiry_after", SCH_OPTIONAL, &c->early_expiry_after);
    sch_field_dist(cx, map, "processing_time_limit", SCH_OPTIONAL, &c->processing_time_limit);
    duration_in(cx, map, "lookahead", SIM_MINUTES(1), SIM_HOURS(1), &c->lookahead);
    sch_field_probability(cx, map, "launch_floor", SCH_OPTIONAL, &c->launch_floor);
    duration_in(cx, map, "usage_half_life", 0, SIM_DAYS(365), &c->usage_half_life);
    sch_field_double(cx, map, "threshold_start", SCH_OPTIONAL, 0.0, 1.0, &c->threshold_start);
    double thr_min = c->threshold_min;
    if (sch_field_double(cx, map, "threshold_min", SCH_OPTIONAL, 0.0, 1.0, &thr_min) == SCH_FIELD_OK) {
        if (thr_min > c->threshold_start)
            sch_cx_key_error(cx, map, "threshold_min", "expected a threshold of at most threshold_start (%g), found %s",
                      c->threshold_start, sch_cx_found(cx, sch_map_get(map, "threshold_min")));
        else
            c->threshold_min = thr_min;
    } else if (c->threshold_min > c->threshold_start) {
        sch_cx_key_error(cx, map, "threshold_start", "expected a threshold of at least threshold_min (%g), found %s",
                  c->threshold_min, sch_cx_found(cx, sch_map_get(map, "threshold_start")));
    }
    duration_in(cx, map, "threshold_relax", 0, SIM_DAYS(30), &c->threshold_relax);
    duration_in(cx, map, "energy_budget", 0, SIM_DAYS(1), &c->energy_budget);
    duration_in(cx, map, "launch_cost", 0, SIM_HOURS(1), &c->launch_cost);
    duration_in(cx, map, "data_budget", 0, SIM_DAYS(1), &c->data_budget);
}
