/*
 * scn_events_parse.c - the `events:` section (scn_events.h), read with the sch_ schema kit. Every
 * item is checked whole (its time, its action, the action's one parameter, the platform), every
 * problem is reported with its position, and nothing is taken silently: an action of another
 * platform, or one the models cannot represent, is an error that says why.
 */
#include "scn_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sch_rec.h"
#include "sch_suggest.h"
#include "sch_units.h"
#include "simos_standby.h"

enum { ON_ANDROID = 1 << MDL_ANDROID, ON_IOS = 1 << MDL_IOS, ON_IDEAL = 1 << MDL_IDEAL, ON_ALL = 7 };

typedef struct action_info {
    const char *param;      /* its one parameter key, or NULL */
    bool param_required;
    unsigned platforms;     /* ON_* bits */
    const char *why_not;    /* for a platform that lacks it: what the user has there instead */
} action_info;

static const action_info actions[SCN_EV_COUNT] = {
    [SCN_EV_OPEN] = {NULL, false, ON_ALL, NULL},
    [SCN_EV_CLOSE] = {NULL, false, ON_ALL, NULL},
    [SCN_EV_SWIPE] = {NULL, false, ON_ALL, NULL},
    [SCN_EV_FORCE_STOP] = {NULL, false, ON_ANDROID | ON_IDEAL,
                           "iOS has no force stop; a swipe from the app switcher is its force-quit (do: swipe)"},
    [SCN_EV_REBOOT] = {"downtime", false, ON_ALL, NULL},
    [SCN_EV_PLUG] = {NULL, false, ON_ALL, NULL},
    [SCN_EV_UNPLUG] = {NULL, false, ON_ALL, NULL},
    [SCN_EV_BATTERY_LEVEL] = {"level", true, ON_ALL, NULL},
    [SCN_EV_NETWORK] = {"state", true, ON_ALL, NULL},
    [SCN_EV_BACKGROUND_APP_REFRESH] = {"enabled", true, ON_IOS | ON_IDEAL,
                                       "Background App Refresh is an iOS setting"},
    [SCN_EV_LOW_POWER_MODE] = {"enabled", true, ON_IOS | ON_IDEAL,
                               "Low Power Mode is iOS's; Android's is do: battery_saver"},
    [SCN_EV_BATTERY_SAVER] = {"enabled", true, ON_ANDROID | ON_IDEAL,
                              "battery saver is Android's; iOS's is do: low_power_mode"},
    [SCN_EV_BATTERY_OPTIMIZATION_EXEMPT] = {"enabled", true, ON_ANDROID | ON_IDEAL,
                                            "battery optimization is an Android setting"},
    [SCN_EV_STANDBY_BUCKET] = {"bucket", true, ON_ANDROID,
                               "App Standby buckets are Android's (the ideal OS has none)"},
    [SCN_EV_OS_UPDATE] = {NULL, false, 0, NULL},
};

static const char *const network_states[] = {"none", "cellular", "wifi", "schedule", NULL};

/* A date-time is written with a date (2026-01-06T12:00); anything else is read as a duration. */
static bool looks_like_datetime(const char *text)
{
    return strlen(text) >= 10 && text[4] == '-' && text[7] == '-';
}

/* `at`: a duration since the start, or a local date-time at or after the start; before the end. */
static bool parse_at(sch_cx *cx, const sch_node *item, const sim_calendar *cal, bool know_duration, sim_time duration,
                     sim_time *out)
{
    const sch_node *v = sch_map_get(item, "at");
    if (!v) {
        sch_cx_error(cx, item, "missing required key 'at' (a duration since the start such as 2d12h, or a local "
                               "date-time such as 2026-01-06T12:00)");
        return false;
    }
    size_t saved = sch_cx_push_key(cx, "at");
    bool ok;
    /* For the generated schema (sch_rec.h): either form, before the duration parser records its own. */
    if (cx->rec)
        sch_rec_field_at(cx->rec, cx->path, &(sch_rec_field){.type = SCH_T_INSTANT, .required = true});
    if (v->kind == SCH_SCALAR && looks_like_datetime(v->text)) {
        sim_datetime dt;
        char why[256];
        ok = sch_parse_datetime(v->text, &dt, why, sizeof why) && sim_cal_time_of(cal, &dt, out);
        if (!ok)
            sch_cx_error(cx, v, "%s", why);
        else if (*out < 0) {
            sim_datetime start;
            sim_cal_datetime(cal, 0, &start);
            ok = false;
            sch_cx_error(cx, v, "expected a date-time at or after the start (%04lld-%02d-%02dT%02d:%02d), found %s",
                         (long long)start.year, start.month, start.day, start.hour, start.minute,
                         sch_cx_quote(cx, v->text));
        }
    } else {
        ok = sch_value_duration(cx, v, out);
    }
    if (ok && know_duration && *out >= duration) {
        char e[32];
        sch_format_duration(duration, e, sizeof e);
        sch_cx_error(cx, v, "expected a time before the end of the scenario (duration %s), found %s", e,
                     sch_cx_quote(cx, v->text));
        ok = false;
    }
    sch_cx_pop(cx, saved);
    return ok;
}

/* The action's parameter into ev->value (its default when optional and absent). */
static bool parse_param(sch_cx *cx, const sch_node *item, scn_event *ev)
{
    const action_info *a = &actions[ev->action];
    sch_need need = a->param_required ? SCH_REQUIRED : SCH_OPTIONAL;
    switch (ev->action) {
    case SCN_EV_REBOOT: {
        sim_time t = -1;
        sch_field r = sch_field_duration(cx, item, "downtime", need, &t);
        ev->value = t;
        return r != SCH_FIELD_BAD;
    }
    case SCN_EV_BATTERY_LEVEL: {
        double pct;
        if (sch_field_percent(cx, item, "level", need, &pct) != SCH_FIELD_OK)
            return false;
        ev->value = (int64_t)(pct * 10.0 + 1e-9); /* permille, floored as the trace shows levels */
        return true;
    }
    case SCN_EV_NETWORK: {
        int st = 0;
        if (sch_field_enum(cx, item, "state", need, network_states, &st) != SCH_FIELD_OK)
            return false;
        ev->value = st == 3 ? -1 : st; /* none, cellular, wifi are mdl_net's values */
        return true;
    }
    case SCN_EV_STANDBY_BUCKET: {
        int b = 0;
        if (sch_field_enum(cx, item, "bucket", need, simos_bucket_names, &b) != SCH_FIELD_OK)
            return false;
        ev->value = b;
        return true;
    }
    case SCN_EV_BACKGROUND_APP_REFRESH:
    case SCN_EV_LOW_POWER_MODE:
    case SCN_EV_BATTERY_SAVER:
    case SCN_EV_BATTERY_OPTIMIZATION_EXEMPT: {
        bool on = false;
        if (sch_field_bool(cx, item, "enabled", need, &on) != SCH_FIELD_OK)
            return false;
        ev->value = on;
        return true;
    }
    default: return true;
    }
}

/* Whether the action exists on the platform; reports it at the `do` value when not. */
static bool action_allowed(sch_cx *cx, const sch_node *item, scn_event_action action, mdl_platform platform)
{
    const sch_node *v = sch_map_get(item, "do");
    size_t saved = sch_cx_push_key(cx, "do");
    bool ok = true;
    if (action == SCN_EV_OS_UPDATE) {
        /* Refused rather than run as something else: each OS model derives its version-dependent
         * constants from os.version once, when the run starts (simos_android_params.c,
         * simos_ios.c defaults), under the scenario's own `os:` keys; a change of version in the
         * middle of a run would need those re-derived and the scenario's keys told apart from
         * the defaults, which nothing models yet. */
        sch_cx_error(cx, v, "'os_update' is not modeled: the OS models fix their version-dependent constants from "
                            "os.version when the run starts; simulate the versions as separate scenarios (--set "
                            "os.version=N), and the update's restart with do: reboot");
        ok = false;
    } else if (!(actions[action].platforms & (1u << platform))) {
        sch_cx_error(cx, v, "'%s' is not available on platform '%s': %s", scn_event_names[action],
                     mdl_platform_name(platform), actions[action].why_not);
        ok = false;
    }
    sch_cx_pop(cx, saved);
    return ok;
}

/* `do`: one of scn_event_names. Read here rather than with sch_field_enum, whose message lists
 * every choice: fifteen of them do not fit a line, so the message points to the list instead. */
static sch_field parse_action(sch_cx *cx, const sch_node *item, int *out)
{
    const sch_node *v = sch_map_get(item, "do");
    if (!v) {
        sch_cx_error(cx, item, "missing required key 'do' (the action, such as open, force_stop or battery_level)");
        return SCH_FIELD_ABSENT;
    }
    if (v->kind == SCH_SCALAR) {
        for (int i = 0; i < SCN_EV_COUNT; i++) {
            if (strcmp(v->text, scn_event_names[i]) == 0) {
                *out = i;
                return SCH_FIELD_OK;
            }
        }
    }
    size_t saved = sch_cx_push_key(cx, "do");
    const char *guess = v->kind == SCH_SCALAR ? sch_did_you_mean(v->text, scn_event_names, SCN_EV_COUNT) : NULL;
    char hint[96] = "";
    if (guess)
        snprintf(hint, sizeof hint, " (did you mean '%s'?)", guess);
    sch_cx_error(cx, v, "expected an action (scenarios/README.md, \"Scripted events\": open, close, swipe, "
                        "force_stop, reboot, plug, ...), found %s%s", sch_cx_found(cx, v), hint);
    sch_cx_pop(cx, saved);
    return SCH_FIELD_BAD;
}

static bool parse_event(sch_cx *cx, const sch_node *item, mdl_platform platform, const sim_calendar *cal,
                        bool know_duration, sim_time duration, scn_event *ev)
{
    static const char *const all_keys[] = {"at", "do", "name", "downtime", "level", "state", "enabled", "bucket", NULL};
    if (item->kind != SCH_MAP) {
        sch_cx_error(cx, item, "expected an event (a mapping with 'at' and 'do'), found %s", sch_cx_found(cx, item));
        return false;
    }
    int action = -1;
    sch_field got = parse_action(cx, item, &action);
    /* The keys this action takes (all of them when the action is unknown, so that only `do` is
     * reported): an unknown key gets a did-you-mean among them. */
    const char *keys[5] = {"at", "do", "name", NULL, NULL};
    if (got == SCH_FIELD_OK)
        keys[3] = actions[action].param;
    bool ok = sch_check_map(cx, item, got == SCH_FIELD_OK ? keys : all_keys) && got == SCH_FIELD_OK;
    ok = parse_at(cx, item, cal, know_duration, duration, &ev->at) && ok;
    if (sch_field_string(cx, item, "name", SCH_OPTIONAL, &ev->name) == SCH_FIELD_BAD)
        ok = false;
    if (got != SCH_FIELD_OK)
        return false;
    ev->action = (scn_event_action)action;
    ok = action_allowed(cx, item, ev->action, platform) && ok;
    ok = parse_param(cx, item, ev) && ok;
    return ok;
}

void scn_events_parse(sch_cx *cx, const sch_node *node, mdl_platform platform, const sim_calendar *cal,
                      bool know_duration, sim_time duration, scn_events *out)
{
    *out = (scn_events){0};
    if (sch_node_is_null(node))
        return; /* `events:` with no value: none */
    if (node->kind != SCH_SEQ) {
        sch_cx_error(cx, node, "expected a list of events, found %s", sch_cx_found(cx, node));
        return;
    }
    if (node->count > SCN_MAX_EVENTS) {
        sch_cx_error(cx, node, "expected at most %d events, found %zu", SCN_MAX_EVENTS, node->count);
        return;
    }
    if (node->count == 0)
        return;
    scn_event *list = calloc(node->count, sizeof *list);
    if (!list) {
        sch_cx_error(cx, node, "out of memory");
        return;
    }
    bool ok = true;
    for (size_t i = 0; i < node->count; i++) {
        size_t saved = sch_cx_push_index(cx, i);
        ok = parse_event(cx, node->items[i], platform, cal, know_duration, duration, &list[i]) && ok;
        sch_cx_pop(cx, saved);
    }
    if (!ok) {
        scn_events tmp = {list, node->count};
        scn_events_free(&tmp);
        return;
    }
    /* Insertion sort by `at`: stable, so equal times keep file order (and it is linear on a list
     * already written in time order, the usual case). */
    for (size_t i = 1; i < node->count; i++) {
        scn_event x = list[i];
        size_t j = i;
        for (; j > 0 && list[j - 1].at > x.at; j--)
            list[j] = list[j - 1];
        list[j] = x;
    }
    out->list = list;
    out->count = node->count;
}
