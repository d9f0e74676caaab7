/*
 * simos_android_parse.c - the `os:` section on android (besides `version`, which the scenario
 * owns), read with the sch_ schema kit into a simos_android_config that already holds the
 * version's defaults (simos_android_params.c): a fixed standby bucket and overrides of the Doze,
 * quota and job constants. "An" cites section An of docs/SOURCES.md, as in
 * simos_android.c.
 */
#include "simos_android_internal.h"

#include <stddef.h>

const char *const simos_android_keys[] = {"bucket", "doze", "quota", "jobs", "other_jobs", "greedy", NULL};

typedef struct dur_key {
    const char *key;
    size_t off;
    bool zero_ok;   /* 0 allowed (a state skipped); the idle periods and budgets must be > 0 */
} dur_key;

#define DZ(k, f) {k, offsetof(simos_doze_params, f), true}
#define DZP(k, f) {k, offsetof(simos_doze_params, f), false}
static const dur_key doze_durations[] = {
    DZ("inactive_timeout", inactive_timeout),
    DZ("motion_inactive_timeout", motion_inactive_timeout),
    DZ("idle_after_inactive_timeout", idle_after_inactive_timeout),
    DZ("sensing_time", sensing_time),
    DZ("locating_time", locating_time),
    DZ("quick_doze_delay", quick_doze_delay),
    DZP("idle_timeout", idle_timeout),
    DZP("max_idle_timeout", max_idle_timeout),
    DZP("idle_pending_timeout", idle_pending_timeout),
    DZP("max_idle_pending_timeout", max_idle_pending_timeout),
    DZ("min_deep_maintenance_time", min_deep_maintenance_time),
    DZ("light_after_inactive_timeout", light_after_inactive_timeout),
    DZ("light_pre_idle_timeout", light_pre_idle_timeout),
    DZP("light_idle_timeout", light_idle_timeout),
    DZP("light_max_idle_timeout", light_max_idle_timeout),
    DZP("light_min_budget", light_min_budget),
    DZP("light_max_budget", light_max_budget),
    DZ("min_light_maintenance_time", min_light_maintenance_time),
    DZ("jobs_delay", jobs_delay),
};
#undef DZ
#undef DZP
#define NDOZE (sizeof doze_durations / sizeof doze_durations[0])

static void error_at(sch_cx *cx, const sch_node *map, const char *key, const char *fmt, const char *a, const char *b)
{
    size_t saved = sch_cx_push_key(cx, key);
    sch_cx_error(cx, sch_map_get(map, key), fmt, a, b);
    sch_cx_pop(cx, saved);
}

/* A duration that must be positive (a zero timeout would step a state machine forever). */
static void positive_duration(sch_cx *cx, const sch_node *map, const char *key, sim_time *out, bool zero_ok)
{
    sim_time v;
    if (sch_field_duration(cx, map, key, SCH_OPTIONAL, &v) != SCH_FIELD_OK)
        return;
    if (v <= 0 && !(zero_ok && v == 0)) {
        error_at(cx, map, key, "expected a duration above 0%s, found %s", zero_ok ? " or 0" : "",
                 sch_cx_quote(cx, sch_map_get(map, key)->text));
        return;
    }
    *out = v; // NOLINT(clang-analyzer-core.NullDereference): every caller passes a field's address
}

static void parse_doze(sch_cx *cx, const sch_node *n, simos_doze_params *z)
{
    const char *keys[NDOZE + 6];
    size_t k = 0;
    keys[k++] = "enabled";
    keys[k++] = "quick_doze";
    keys[k++] = "idle_factor";
    keys[k++] = "idle_pending_factor";
    keys[k++] = "light_idle_factor";
    for (size_t i = 0; i < NDOZE; i++)
        keys[k++] = doze_durations[i].key;
    keys[k] = NULL;
    if (!sch_check_map(cx, n, keys))
        return;
    sch_field_bool(cx, n, "enabled", SCH_OPTIONAL, &z->enabled);
    sch_field_bool(cx, n, "quick_doze", SCH_OPTIONAL, &z->quick_doze);
    sch_field_double(cx, n, "idle_factor", SCH_OPTIONAL, 1.0, 100.0, &z->idle_factor);
    sch_field_double(cx, n, "idle_pending_factor", SCH_OPTIONAL, 1.0, 100.0, &z->idle_pending_factor);
    sch_field_double(cx, n, "light_idle_factor", SCH_OPTIONAL, 1.0, 100.0, &z->light_idle_factor);
    for (size_t i = 0; i < NDOZE; i++) {
        positive_duration(cx, n, doze_durations[i].key, (sim_time *)((char *)z + doze_durations[i].off),
                          doze_durations[i].zero_ok);
    }
}

/* A per-bucket map (`{ rare: 24h, frequent: 8h }`) of durations (ints when `ints`). */
static void parse_bucket_map(sch_cx *cx, const sch_node *parent, const char *key, sim_time *durs, int *ints,
                             int64_t lo, int64_t hi)
{
    const sch_node *n = sch_map_get(parent, key);
    if (!n)
        return;
    size_t saved = sch_cx_push_key(cx, key);
    if (sch_check_map(cx, n, simos_bucket_names)) {
        for (int b = 0; b < SIMOS_BUCKET_NEVER; b++) {
            const char *name = simos_bucket_names[b];
            if (ints) {
                int64_t v;
                if (sch_field_int64(cx, n, name, SCH_OPTIONAL, lo, hi, &v) == SCH_FIELD_OK)
                    ints[b] = (int)v;
            } else {
                positive_duration(cx, n, name, &durs[b], false);
            }
        }
    }
    sch_cx_pop(cx, saved);
}

static void parse_quota(sch_cx *cx, const sch_node *n, simos_jobs_params *j)
{
    static const char *const keys[] = {"window", "allowed_time", "max_jobs", "max_sessions", "in_quota_buffer", NULL};
    if (!sch_check_map(cx, n, keys))
        return;
    parse_bucket_map(cx, n, "window", j->window, NULL, 0, 0);
    parse_bucket_map(cx, n, "allowed_time", j->allowed, NULL, 0, 0);
    parse_bucket_map(cx, n, "max_jobs", NULL, j->max_jobs, 1, 100000);
    parse_bucket_map(cx, n, "max_sessions", NULL, j->max_sessions, 1, 100000);
    positive_duration(cx, n, "in_quota_buffer", &j->in_quota_buffer, true);
}

static void parse_jobs(sch_cx *cx, const sch_node *n, simos_android_config *c)
{
    static const char *const keys[] = {"runtime_limit",   "batch_delay",           "backoff",        "system_stop_ratio",
                                       "stop_reschedule", "timeout_restrict_count", "timeout_window", NULL};
    static const char *const reschedulers[] = {"workmanager", "jobscheduler", NULL};
    if (!sch_check_map(cx, n, keys))
        return;
    positive_duration(cx, n, "runtime_limit", &c->jobs.runtime_limit, false);
    positive_duration(cx, n, "batch_delay", &c->jobs.batch_delay, true);
    sim_time b;
    if (sch_field_duration(cx, n, "backoff", SCH_OPTIONAL, &b) == SCH_FIELD_OK) {
        if (b < SIM_SECONDS(10) || b > SIM_HOURS(5)) /* WorkRequest MIN/MAX_BACKOFF_MILLIS, A4.1 */
            error_at(cx, n, "backoff", "expected a duration from 10s to 5h, found %s%s",
                     sch_cx_quote(cx, sch_map_get(n, "backoff")->text), "");
        else
            c->wm_backoff = b;
    }
    int64_t r;
    if (sch_field_int64(cx, n, "system_stop_ratio", SCH_OPTIONAL, 0, 1000, &r) == SCH_FIELD_OK)
        c->jobs.system_stop_ratio = (int)r;
    int which;
    if (sch_field_enum(cx, n, "stop_reschedule", SCH_OPTIONAL, reschedulers, &which) == SCH_FIELD_OK)
        c->stop_js_backoff = which == 1;
    if (sch_field_int64(cx, n, "timeout_restrict_count", SCH_OPTIONAL, 0, 1000, &r) == SCH_FIELD_OK)
        c->jobs.timeout_restrict_count = (int)r;
    positive_duration(cx, n, "timeout_window", &c->jobs.timeout_window, false);
}

/* `other_jobs`: `typical`, `quiet`, or a map of the parameters (simos_jobs_phone.h). */
static void parse_other_jobs(sch_cx *cx, const sch_node *os, simos_phone_params *p)
{
    const sch_node *n = sch_map_get(os, "other_jobs");
    if (!n)
        return;
    if (n->kind != SCH_MAP) {
        static const char *const names[] = {"typical", "quiet", NULL};
        int which;
        if (sch_field_enum(cx, os, "other_jobs", SCH_OPTIONAL, names, &which) == SCH_FIELD_OK)
            *p = which == 0 ? simos_android_typical_phone : (simos_phone_params){.mean_duration = SIM_SECONDS(30)};
        return;
    }
    size_t saved = sch_cx_push_key(cx, "other_jobs");
    static const char *const keys[] = {"per_hour", "mean_duration", "at_boot", NULL};
    if (sch_check_map(cx, n, keys)) {
        sch_field_double(cx, n, "per_hour", SCH_OPTIONAL, 0.0, 3600.0, &p->per_hour);
        positive_duration(cx, n, "mean_duration", &p->mean_duration, false);
        int64_t v;
        if (sch_field_int64(cx, n, "at_boot", SCH_OPTIONAL, 0, 1000, &v) == SCH_FIELD_OK)
            p->at_boot = (int)v;
    }
    sch_cx_pop(cx, saved);
}

/* `greedy`: a boolean, or { enabled, time_limit, freeze_delay } (simos_android.h). */
static void parse_greedy(sch_cx *cx, const sch_node *os, simos_android_config *c)
{
    const sch_node *n = sch_map_get(os, "greedy");
    if (!n)
        return;
    if (n->kind != SCH_MAP) {
        sch_field_bool(cx, os, "greedy", SCH_OPTIONAL, &c->greedy);
        return;
    }
    size_t saved = sch_cx_push_key(cx, "greedy");
    static const char *const keys[] = {"enabled", "time_limit", "freeze_delay", NULL};
    if (sch_check_map(cx, n, keys)) {
        sch_field_bool(cx, n, "enabled", SCH_OPTIONAL, &c->greedy);
        positive_duration(cx, n, "time_limit", &c->greedy_time_limit, false);
        positive_duration(cx, n, "freeze_delay", &c->freeze_delay, true);
    }
    sch_cx_pop(cx, saved);
}

/* The scenario has checked the section's keys (with `version`) and set the defaults already. */
void simos_android_parse(sch_cx *cx, const sch_node *os, void *config)
{
    simos_android_config *c = config;
    int b;
    if (sch_field_enum(cx, os, "bucket", SCH_OPTIONAL, simos_bucket_names, &b) == SCH_FIELD_OK)
        c->standby.fixed = b;
    parse_other_jobs(cx, os, &c->phone);
    parse_greedy(cx, os, c);
    const struct {
        const char *key;
        int which;
    } subs[] = {{"doze", 0}, {"quota", 1}, {"jobs", 2}};
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        const sch_node *n = sch_map_get(os, subs[i].key);
        if (!n)
            continue;
        size_t saved = sch_cx_push_key(cx, subs[i].key);
        switch (subs[i].which) {
        case 0: parse_doze(cx, n, &c->doze); break;
        case 1: parse_quota(cx, n, &c->jobs); break;
        default: parse_jobs(cx, n, c); break;
        }
        sch_cx_pop(cx, saved);
    }
}
