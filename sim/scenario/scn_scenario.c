/*
 * scn_scenario.c - the scenario schema, version 1 (documented in scenarios/README.md).
 */
#include "scn_scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_models.h"
#include "simos.h"
#include "sch_rec.h"
#include "sch_walk.h"
#include "scn_fleet.h"
#include "scn_platform.h"
#include "scn_set.h"
#include "sch_suggest.h"
#include "sch_units.h"
#include "sch_yaml.h"
#include "sim_rng.h"
#include "util.h"
#include "rep_record.h"

const char *const scn_platform_names[] = {"android", "ios", "ideal", NULL};

/* ---- app ---- */

/* A minutes switch (`default_interval_min: 1440`): a plain number of minutes. Written with a
 * unit ("15m", "1d") it gets a hint with the number to write instead. */
static bool switch_minutes(sch_cx *cx, const sch_node *v, const bgt_switch_info *info, int64_t *out)
{
    if (v->kind == SCH_SCALAR && sch_parse_int64(v->text, info->min, info->max, out, NULL, 0))
        return true;
    char hint[64] = "";
    sim_time ms;
    if (v->kind == SCH_SCALAR && sch_parse_duration(v->text, &ms, NULL, 0) && ms % SIM_MINUTES(1) == 0 &&
        strcmp(v->text, "0") != 0)
        snprintf(hint, sizeof hint, " (a number without a unit: write %lld)", (long long)(ms / SIM_MINUTES(1)));
    sch_cx_error(cx, v, "expected a whole number of minutes from %lld to %lld, found %s%s", (long long)info->min,
                 (long long)info->max, sch_cx_found(cx, v), hint);
    return false;
}

static void parse_switches(sch_cx *cx, const sch_node *app, scn_scenario *s)
{
    const sch_node *sw = NULL;
    if (sch_field_node(cx, app, "switches", SCH_OPTIONAL, &sw) != SCH_FIELD_OK)
        return;
    size_t saved = sch_cx_push_key(cx, "switches");
    const char *names[64];
    size_t n = bgt_policy_switch_count();
    if (n > 63)
        n = 63;
    for (size_t i = 0; i < n; i++)
        names[i] = bgt_policy_switch_at(i)->name;
    names[n] = NULL;
    if (sch_check_map(cx, sw, names)) {
        for (size_t i = 0; i < sw->count; i++) {
            const bgt_switch_info *info = bgt_policy_switch_find(sw->pairs[i].key->text);
            if (!info)
                continue; /* reported by sch_check_map */
            if (sch_map_pair(sw, info->name) != &sw->pairs[i])
                continue; /* a repeated key: reported by the YAML layer; the first one counts */
            int64_t value = 0;
            if (info->type == BGT_SWITCH_BOOL) {
                bool b;
                if (sch_field_bool(cx, sw, info->name, SCH_REQUIRED, &b) != SCH_FIELD_OK)
                    continue;
                value = b;
            } else {
                size_t s2 = sch_cx_push_key(cx, info->name);
                bool ok = switch_minutes(cx, sw->pairs[i].value, info, &value);
                sch_cx_pop(cx, s2);
                if (!ok)
                    continue;
            }
            if (bgt_policy_set(&s->policy, info->name, value) != BGT_OK) {
                size_t s2 = sch_cx_push_key(cx, info->name);
                sch_cx_error(cx, sw->pairs[i].value, "the core refused this value (%s)", bgt_strerror(BGT_E_RANGE));
                sch_cx_pop(cx, s2);
            }
        }
    }
    sch_cx_pop(cx, saved);
}

bool scn_setup_has_mistake(const scn_setup *setup)
{
    return !setup->permitted_identifier || !setup->background_mode_processing || !setup->launch_handler_registered ||
           !setup->define_at_module_scope || setup->expo_go;
}

/* `app.setup`: one boolean per set-up mistake (scn_setup). The iOS ones (Info.plist, the
 * AppDelegate) are refused as mistakes on another platform, where they would change nothing.
 * `expo_go: true` is expo's status Restricted: the core's `restricted` switch. */
static void parse_setup(sch_cx *cx, const sch_node *app, scn_scenario *s)
{
    static const char *const keys[] = {"permitted_identifier", "background_mode_processing",
                                       "launch_handler_registered", "define_at_module_scope", "expo_go", NULL};
    const sch_node *setup = NULL;
    if (sch_field_node(cx, app, "setup", SCH_OPTIONAL, &setup) != SCH_FIELD_OK)
        return;
    size_t saved = sch_cx_push_key(cx, "setup");
    if (sch_check_map(cx, setup, keys)) {
        scn_setup *u = &s->setup;
        bool *const ios[] = {&u->permitted_identifier, &u->background_mode_processing, &u->launch_handler_registered};
        for (size_t i = 0; i < 3; i++) {
            if (sch_field_bool(cx, setup, keys[i], SCH_OPTIONAL, ios[i]) != SCH_FIELD_OK || *ios[i] ||
                s->platform == SCN_PLATFORM_IOS)
                continue;
            size_t s2 = sch_cx_push_key(cx, keys[i]);
            sch_cx_error(cx, sch_map_get(setup, keys[i]),
                         "an iOS set-up (Info.plist, AppDelegate): false is only meaningful on platform ios, "
                         "found it on platform %s",
                         scn_platform_names[s->platform]);
            sch_cx_pop(cx, s2);
        }
        sch_field_bool(cx, setup, "define_at_module_scope", SCH_OPTIONAL, &u->define_at_module_scope);
        if (sch_field_bool(cx, setup, "expo_go", SCH_OPTIONAL, &u->expo_go) == SCH_FIELD_OK && u->expo_go)
            s->policy.restricted = true;
    }
    sch_cx_pop(cx, saved);
}

static void parse_work(sch_cx *cx, const sch_node *task, scn_task *t)
{
    static const char *const keys[] = {"duration", "failure_probability", "network", NULL};
    static const char *const network_names[] = {"none", "required", NULL};
    const sch_node *work = NULL;
    if (sch_field_node(cx, task, "work", SCH_OPTIONAL, &work) != SCH_FIELD_OK)
        return;
    size_t saved = sch_cx_push_key(cx, "work");
    if (sch_check_map(cx, work, keys)) {
        sch_field_dist(cx, work, "duration", SCH_OPTIONAL, &t->work_duration);
        sch_field_probability(cx, work, "failure_probability", SCH_OPTIONAL, &t->failure_probability);
        int net = (int)t->network;
        if (sch_field_enum(cx, work, "network", SCH_OPTIONAL, network_names, &net) == SCH_FIELD_OK)
            t->network = (scn_network_need)net;
    }
    sch_cx_pop(cx, saved);
}

/* A time within the scenario: after `after` (or at it when `inclusive`), before its end. */
static void check_time_window(sch_cx *cx, const sch_node *map, const char *key, sim_time value,
                              sim_time after, const char *after_name, bool inclusive, sim_time end)
{
    char d[32]; /* a duration for the message: formatted only for one (a fleet loads every device) */
    size_t saved = sch_cx_push_key(cx, key);
    const sch_node *at = sch_map_get(map, key);
    if (inclusive ? value < after : value <= after) {
        sch_format_duration(after, d, sizeof d);
        sch_cx_error(cx, at, "expected a time %s %s (%s), found %s", inclusive ? "at or after" : "after",
                     after_name, d, sch_cx_quote(cx, at->text));
    } else if (value >= end) {
        sch_format_duration(end, d, sizeof d);
        sch_cx_error(cx, at, "expected a time before the end of the scenario (duration %s), found %s", d,
                     sch_cx_quote(cx, at->text));
    }
    sch_cx_pop(cx, saved);
}

static void parse_task(sch_cx *cx, const sch_node *node, scn_scenario *s, scn_task *t, bool know_duration)
{
    static const char *const keys[] = {"name", "minimum_interval", "register_at", "unregister_at", "work", NULL};
    /* assumption: 1 s of work. Registration defaults to the moment the app opens: the app's code
     * cannot run before its process exists, and a default of 0 would contradict a later
     * app.first_open without a word. */
    *t = (scn_task){.work_duration = sch_dist_fixed(SIM_SECONDS(1)), .register_at = s->first_open};
    if (!sch_check_map(cx, node, keys))
        return;
    if (sch_field_string(cx, node, "name", SCH_REQUIRED, &t->name) == SCH_FIELD_OK && !bgt_registry_valid_name(t->name)) {
        size_t saved = sch_cx_push_key(cx, "name");
        sch_cx_error(cx, sch_map_get(node, "name"), "expected a task name of 1 to %d bytes, found %s", BGT_NAME_MAX,
                     sch_cx_quote(cx, t->name));
        sch_cx_pop(cx, saved);
    }
    sim_time interval;
    if (sch_field_duration(cx, node, "minimum_interval", SCH_OPTIONAL, &interval) == SCH_FIELD_OK) {
        size_t saved = sch_cx_push_key(cx, "minimum_interval");
        const sch_node *at = sch_map_get(node, "minimum_interval");
        if (interval % SIM_MINUTES(1) != 0)
            sch_cx_error(cx, at, "expected whole minutes (expo's minimumInterval is in minutes), found %s",
                         sch_cx_quote(cx, at->text));
        else if (interval / SIM_MINUTES(1) > BGT_INTERVAL_MAX_MIN)
            sch_cx_error(cx, at, "expected at most %lld minutes, found %s", (long long)BGT_INTERVAL_MAX_MIN,
                         sch_cx_quote(cx, at->text));
        else
            t->options = (bgt_task_options){.has_minimum_interval = true, .minimum_interval_min = interval / SIM_MINUTES(1)};
        sch_cx_pop(cx, saved);
    }
    bool has_reg = sch_field_duration(cx, node, "register_at", SCH_OPTIONAL, &t->register_at) == SCH_FIELD_OK;
    t->has_unregister = sch_field_duration(cx, node, "unregister_at", SCH_OPTIONAL, &t->unregister_at) == SCH_FIELD_OK;
    if (know_duration) {
        if (has_reg)
            check_time_window(cx, node, "register_at", t->register_at, s->first_open, "app.first_open", true,
                              s->duration);
        if (t->has_unregister)
            check_time_window(cx, node, "unregister_at", t->unregister_at, t->register_at, "register_at", false,
                              s->duration);
    }
    parse_work(cx, node, t);
}

/* The task names seen so far, for the duplicate check: open addressing over task indexes + 1
 * (0 empty), at most half full. Comparing each name with every earlier one made loading n tasks
 * O(n^2) (issue 24). */
typedef struct name_set {
    size_t *slots;
    size_t mask;
} name_set;

static name_set *name_set_new(size_t count)
{
    size_t n = 16;
    while (n < 2 * count)
        n *= 2;
    name_set *set = malloc(sizeof *set);
    if (!set || !(set->slots = calloc(n, sizeof *set->slots))) {
        free(set);
        return NULL;
    }
    set->mask = n - 1;
    return set;
}

static void name_set_free(name_set *set)
{
    if (set)
        free(set->slots);
    free(set);
}

/* The first earlier task named like tasks[i], or i itself after adding it when there is none. */
static size_t name_set_add(name_set *set, const scn_task *tasks, size_t i)
{
    size_t at = (size_t)sim_hash_str(tasks[i].name) & set->mask;
    for (; set->slots[at] != 0; at = (at + 1) & set->mask)
        if (strcmp(tasks[set->slots[at] - 1].name, tasks[i].name) == 0)
            return set->slots[at] - 1;
    set->slots[at] = i + 1;
    return i;
}

static void parse_tasks(sch_cx *cx, const sch_node *app, scn_scenario *s, bool know_duration)
{
    const sch_node *list = NULL;
    name_set *seen = NULL;
    if (sch_field_node(cx, app, "tasks", SCH_REQUIRED, &list) != SCH_FIELD_OK)
        return;
    size_t saved = sch_cx_push_key(cx, "tasks");
    if (list->kind != SCH_SEQ || list->count == 0) {
        sch_cx_error(cx, list, "expected a list of at least one task, found %s",
                     list->kind == SCH_SEQ ? "an empty list" : sch_cx_found(cx, list));
    } else if (list->count > SCN_MAX_TASKS) {
        sch_cx_error(cx, list, "expected at most %d tasks, found %zu", SCN_MAX_TASKS, list->count);
    } else if ((s->tasks = calloc(list->count, sizeof *s->tasks)) &&
               (seen = name_set_new(list->count))) {
        s->task_count = list->count;
        for (size_t i = 0; i < list->count; i++) {
            size_t s2 = sch_cx_push_index(cx, i);
            parse_task(cx, list->items[i], s, &s->tasks[i], know_duration);
            size_t j = s->tasks[i].name ? name_set_add(seen, s->tasks, i) : i;
            if (j != i) {
                const sch_node *nn = sch_map_get(list->items[i], "name");
                const sch_node *first = sch_map_get(list->items[j], "name");
                size_t s3 = sch_cx_push_key(cx, "name");
                sch_cx_error(cx, nn, "duplicate task name %s (first at line %d column %d)",
                             sch_cx_quote(cx, s->tasks[i].name),
                             first->line, first->column);
                sch_cx_pop(cx, s3);
            }
            sch_cx_pop(cx, s2);
        }
    } else {
        sch_cx_error(cx, list, "out of memory");
    }
    name_set_free(seen);
    sch_cx_pop(cx, saved);
}

double scn_task_run_bound(const scn_scenario *s, sim_time duration, int64_t *interval_min)
{
    int64_t m = s->policy.default_interval_min;
    for (size_t i = 0; i < s->task_count; i++)
        if (s->tasks[i].options.has_minimum_interval && s->tasks[i].options.minimum_interval_min < m)
            m = s->tasks[i].options.minimum_interval_min;
    if (m < s->policy.interval_floor_min)
        m = s->policy.interval_floor_min;
    if (s->policy.retry_failed_after_min > 0 && s->policy.retry_failed_after_min < m)
        m = s->policy.retry_failed_after_min;
    *interval_min = m;
    double bound = 0;
    for (size_t i = 0; i < s->task_count; i++) {
        sim_time period = SIM_MINUTES(m) + sch_dist_min(&s->tasks[i].work_duration);
        if (period <= 0)
            return -1;
        sim_time runs = duration / period; /* whole periods: the first run comes at once */
        bound += (double)runs + 1;
    }
    return bound;
}

int scn_task_run_message(const scn_scenario *s, sim_time duration, char *buf, size_t len)
{
    int64_t m;
    double bound = scn_task_run_bound(s, duration, &m);
    char d[40];
    if (bound <= (double)REP_MAX_TASK_RUNS)
        return 0;
    sch_format_duration(duration, d, sizeof d);
    snprintf(buf, len,
             "the tasks may run up to %.0f times in %s (every %lld min at the shortest, plus the shortest work), "
             "more than the %zu task runs one run can record (REP_MAX_TASK_RUNS, 1 GiB); shorten the duration, or "
             "use fewer tasks or longer intervals",
             bound, d, (long long)m, REP_MAX_TASK_RUNS);
    return 1;
}

static void check_task_runs(sch_cx *cx, const sch_node *app, const scn_scenario *s)
{
    char msg[512];
    if (!scn_task_run_message(s, s->duration, msg, sizeof msg))
        return;
    size_t saved = sch_cx_push_key(cx, "tasks");
    sch_cx_error(cx, sch_map_get(app, "tasks"), "%s", msg);
    sch_cx_pop(cx, saved);
}

static void parse_app(sch_cx *cx, const sch_node *root, scn_scenario *s, bool know_duration)
{
    static const char *const keys[] = {"library", "policy", "policy_platform", "switches", "setup", "first_open",
                                       "foreground_for", "tasks", NULL};
    static const char *const libraries[] = {"expo-background-task", NULL};
    static const char *const policy_platforms[] = {"android", "ios", NULL};
    const sch_node *app = NULL;
    if (sch_field_node(cx, root, "app", SCH_REQUIRED, &app) != SCH_FIELD_OK)
        return;
    size_t saved = sch_cx_push_key(cx, "app");
    if (!sch_check_map(cx, app, keys)) {
        sch_cx_pop(cx, saved);
        return;
    }
    int lib = 0;
    sch_field_enum(cx, app, "library", SCH_OPTIONAL, libraries, &lib);

    /* The policy's platform variant: the scenario's platform, or Android's for `ideal` unless said. */
    int pp = s->platform == SCN_PLATFORM_IOS ? 1 : 0;
    sch_field_enum(cx, app, "policy_platform", SCH_OPTIONAL, policy_platforms, &pp);
    s->policy_platform = pp == 1 ? BGT_PLATFORM_IOS : BGT_PLATFORM_ANDROID;

    const char *presets[16];
    size_t np = bgt_policy_preset_count() < 15 ? bgt_policy_preset_count() : 15;
    for (size_t i = 0; i < np; i++)
        presets[i] = bgt_policy_preset_name(i);
    presets[np] = NULL;
    int preset = 0;
    for (size_t i = 0; i < np; i++)
        if (strcmp(presets[i], "current") == 0)
            preset = (int)i;
    sch_field_enum(cx, app, "policy", SCH_OPTIONAL, presets, &preset);
    s->policy_preset = util_strdup(presets[preset]);
    if (bgt_policy_preset(presets[preset], s->policy_platform, &s->policy) != BGT_OK)
        sch_cx_error(cx, app, "the core has no preset '%s'", presets[preset]);
    parse_switches(cx, app, s);
    parse_setup(cx, app, s);

    sch_field_duration(cx, app, "first_open", SCH_OPTIONAL, &s->first_open);
    sch_field_duration(cx, app, "foreground_for", SCH_OPTIONAL, &s->foreground_for);
    if (know_duration && sch_map_get(app, "first_open") && s->first_open >= s->duration)
        check_time_window(cx, app, "first_open", s->first_open, 0, "the start", true, s->duration);
    parse_tasks(cx, app, s, know_duration);
    if (know_duration && s->task_count > 0)
        check_task_runs(cx, app, s);
    sch_cx_pop(cx, saved);
}

/* ---- top level ---- */

/* `bgsim: 1`. Returns false when the file is of another (or no readable) schema version: then
 * the rest would only produce noise. A missing key is reported and the walk goes on, so a file
 * that merely forgot the line gets every other error too. */
static bool check_version(sch_cx *cx, const sch_node *root)
{
    const sch_node *v = sch_map_get(root, "bgsim");
    if (!v) {
        sch_cx_error(cx, root, "missing required key 'bgsim' (the schema version: write 'bgsim: %d')",
                     SCN_SCHEMA_VERSION);
        return true;
    }
    size_t saved = sch_cx_push_key(cx, "bgsim");
    int64_t version = 0;
    bool number = v->kind == SCH_SCALAR && sch_parse_int64(v->text, INT64_MIN, INT64_MAX, &version, NULL, 0);
    bool ok = number && version == SCN_SCHEMA_VERSION;
    if (!ok)
        sch_cx_error(cx, v, "expected the schema version %d, found %s%s", SCN_SCHEMA_VERSION, sch_cx_found(cx, v),
                     number && version > SCN_SCHEMA_VERSION ? " (written for a newer bgsim)" : "");
    sch_cx_pop(cx, saved);
    return ok;
}

/* The OS version and the OS model's own keys (models/os/simos.h). The version defaults to a
 * current major release (assumption: Android 14 and iOS 17 were the most installed versions in
 * 2025); each OS model picks its version-dependent constants from it. */
static void parse_os(sch_cx *cx, const sch_node *root, scn_scenario *s)
{
    const simos_desc *desc = simos_for_platform((int)s->platform);
    s->os_version = s->platform == SCN_PLATFORM_ANDROID ? 14 : s->platform == SCN_PLATFORM_IOS ? 17 : 0;
    const sch_node *os = NULL;
    bool present = sch_field_node(cx, root, "os", SCH_OPTIONAL, &os) == SCH_FIELD_OK;
    size_t saved = sch_cx_push_key(cx, "os");
    bool map_ok = false;
    if (present && s->platform == SCN_PLATFORM_IDEAL) {
        sch_cx_error(cx, sch_map_pair(root, "os")->key,
                     "the ideal platform has no OS version (remove 'os' or choose android or ios)");
    } else if (present) {
        const char *keys[32] = {"version"};
        size_t n = 1;
        for (size_t i = 0; desc && desc->keys[i] && n < 31; i++)
            keys[n++] = desc->keys[i];
        keys[n] = NULL;
        if ((map_ok = sch_check_map(cx, os, keys))) {
            /* Android 9 (API 28, App Standby buckets' first release) to 16; iOS 13
             * (BGTaskScheduler's first release) to 26. */
            int64_t lo = s->platform == SCN_PLATFORM_ANDROID ? 9 : 13;
            int64_t hi = s->platform == SCN_PLATFORM_ANDROID ? 16 : 26;
            int64_t v;
            if (sch_field_int64(cx, os, "version", SCH_OPTIONAL, lo, hi, &v) == SCH_FIELD_OK)
                s->os_version = (int)v;
        }
    }
    if (desc && desc->config_size) {
        if (!(s->os_config = calloc(1, desc->config_size))) {
            sch_cx_error(cx, root, "out of memory");
        } else {
            desc->defaults(s->os_config, s->os_version);
            sch_cx_defaults_at(cx, s->os_config, desc->config_size);
            if (s->no_randomness && desc->no_random)
                desc->no_random(s->os_config);
            if (map_ok)
                desc->parse(cx, os, s->os_config);
        }
    }
    sch_cx_pop(cx, saved);
}

static void parse_root(sch_cx *cx, const sch_node *root, scn_scenario *s)
{
    static const char *const keys[] = {"bgsim", "name", "platform", "os", "seed", "start", "duration",
                                       "device", "user", "app", "events", "randomness", "expect", "fleet", NULL};
    if (!sch_check_map(cx, root, keys))
        return;
    if (!check_version(cx, root))
        return;
    sch_field_string(cx, root, "name", SCH_OPTIONAL, &s->name);
    int platform = SCN_PLATFORM_IDEAL;
    sch_field_enum(cx, root, "platform", SCH_REQUIRED, scn_platform_names, &platform);
    s->platform = (scn_platform)platform;
    sch_field_uint64(cx, root, "seed", SCH_OPTIONAL, &s->seed);
    if (sch_field_datetime(cx, root, "start", SCH_OPTIONAL, &s->start) != SCH_FIELD_BAD)
        sim_cal_init(&s->calendar, &s->start);
    bool know_duration = sch_field_duration(cx, root, "duration", SCH_REQUIRED, &s->duration) == SCH_FIELD_OK;
    if (know_duration && (s->duration == 0 || s->duration > SCN_MAX_DURATION)) {
        size_t saved = sch_cx_push_key(cx, "duration");
        sch_cx_error(cx, sch_map_get(root, "duration"), "expected a duration between 1ms and 36525d (100 years), found %s",
                     sch_cx_quote(cx, sch_map_get(root, "duration")->text));
        sch_cx_pop(cx, saved);
        know_duration = false;
    }
    static const char *const randomness[] = {"models", "none", NULL};
    int rnd = 0;
    sch_field_enum(cx, root, "randomness", SCH_OPTIONAL, randomness, &rnd);
    s->no_randomness = rnd == 1;
    parse_os(cx, root, s);
    scn_models_load(cx, root, s);
    parse_app(cx, root, s, know_duration);
    const sch_node *events = NULL;
    if (sch_field_node(cx, root, "events", SCH_OPTIONAL, &events) == SCH_FIELD_OK) {
        size_t saved = sch_cx_push_key(cx, "events");
        scn_events_parse(cx, events, (mdl_platform)s->platform, &s->calendar, know_duration, s->duration, &s->events);
        sch_cx_pop(cx, saved);
    }
    const sch_node *expect = NULL;
    if (sch_field_node(cx, root, "expect", SCH_OPTIONAL, &expect) == SCH_FIELD_OK) {
        size_t saved = sch_cx_push_key(cx, "expect");
        const char *names[SCN_MAX_TASKS];
        size_t n = 0;
        for (size_t i = 0; i < s->task_count; i++)
            if (s->tasks[i].name)
                names[n++] = s->tasks[i].name;
        scn_expect_parse(cx, expect, names, n, &s->expect);
        s->has_expect = true;
        sch_cx_pop(cx, saved);
    }
    const sch_node *fleet = sch_map_get(root, "fleet");
    if (fleet) {
        size_t saved = sch_cx_push_key(cx, "fleet");
        if (!(s->fleet = calloc(1, sizeof *s->fleet)))
            sch_cx_error(cx, fleet, "out of memory");
        else
            scn_fleet_parse(cx, fleet, s->fleet);
        sch_cx_pop(cx, saved);
    }
    /* `expect: fleet:` may name a profile ("pixel/sync.max_gap<=6h"): one of the fleet's. */
    for (size_t i = 0; i < s->expect.fleet_count; i++) {
        const scn_fleet_expectation *x = &s->expect.fleet[i];
        if (!x->profile)
            continue;
        bool found = false;
        char names[256] = "", q[4 * SCH_QUOTE_MAX + 8];
        size_t len = 0;
        for (size_t p = 0; s->fleet && p < s->fleet->n_profiles && !found; p++) {
            const char *pn = s->fleet->profiles[p].name ? s->fleet->profiles[p].name : "";
            found = strcmp(pn, x->profile) == 0;
            sch_quote(pn, q, sizeof q);
            if (len < sizeof names)
                len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", p ? ", " : "", q);
        }
        sch_quote(x->profile, q, sizeof q);
        if (!found)
            sch_diag_error(cx->diag, x->line, x->column, "expect.fleet", "expected a profile of the fleet (%s) before '/', found %s",
                           s->fleet ? names : "the file has no fleet: section", q);
    }
}

void scn_scenario_free(scn_scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->task_count; i++)
        free(s->tasks[i].name);
    free(s->tasks);
    scn_models_free(s);
    scn_events_free(&s->events);
    free(s->os_config);
    scn_expect_free(&s->expect);
    scn_fleet_free(s->fleet);
    free(s->fleet);
    free(s->policy_preset);
    free(s->name);
    free(s->file);
    free(s);
}

static char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    const char *dot = strrchr(b, '.');
    if (dot && dot != b)
        n = (size_t)(dot - b);
    return util_strndup(b, n);
}

int scn_load_buffer(const char *name, const char *data, size_t len, sch_diag *diag, scn_scenario **out)
{
    return scn_load_buffer_with(name, data, len, NULL, 0, diag, out);
}

/* A scenario holding the defaults of its optional keys (scenarios/README.md lists them), or NULL. */
static scn_scenario *new_scenario(void)
{
    scn_scenario *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->seed = 1;
    s->start = (sim_datetime){.year = 2026, .month = 1, .day = 5, .hour = 7}; /* a Monday morning */
    sim_cal_init(&s->calendar, &s->start);
    s->foreground_for = SIM_MINUTES(1); /* assumption: the first visit lasts a minute */
    s->setup = SCN_SETUP_CORRECT;
    return s;
}

int scn_walk_recorded(const char *data, size_t len, sch_rec *rec)
{
    sch_diag diag;
    if (sch_diag_init(&diag, "probe") != 0)
        return RUN_ERR_NOMEM;
    sch_node *root = sch_yaml_parse(data, len, &diag);
    scn_scenario *s = root ? new_scenario() : NULL;
    int rc = root && s ? 0 : RUN_ERR_NOMEM;
    if (s) {
        sch_cx cx;
        sch_cx_init(&cx, &diag);
        cx.rec = rec;
        sch_rec_forget_defaults(rec);
        sch_cx_defaults_at(&cx, s, sizeof *s);
        parse_root(&cx, root, s);
        sch_rec_forget_defaults(rec);
    }
    sch_yaml_free(root);
    scn_scenario_free(s);
    sch_diag_free(&diag);
    return rc;
}

/* Validates the tree `root` (consumed) with the overrides applied into a new scenario. */
static int keep_source(const char *name, const sch_node *root, scn_source *src);

static int load_tree(const char *name, sch_node *root, const scn_override *overrides, size_t n, sch_diag *diag,
                     scn_scenario **out, scn_source *src)
{
    scn_scenario *s = new_scenario();
    if (!s) {
        sch_yaml_free(root);
        sch_diag_error(diag, 0, 0, NULL, "out of memory");
        return RUN_ERR_INVALID;
    }
    s->file = util_strdup(name);
    if (root) {
        scn_platform_switch(root, overrides, n, diag); /* --set platform=X: the others' keys left out */
        scn_set_apply(root, overrides, n, diag); /* before the walk: overrides are validated too */
        if (src && keep_source(name, root, src) != 0)
            sch_diag_error(diag, 0, 0, NULL, "out of memory");
        sch_cx cx;
        sch_cx_init(&cx, diag);
        parse_root(&cx, root, s);
        sch_yaml_free(root);
    }
    if (!s->name && s->file)
        s->name = base_name(s->file);
    scn_set_relabel(diag, overrides, n);
    sch_diag_sort(diag);
    if (sch_diag_count(diag) > 0 || !s->file || !s->name) {
        scn_scenario_free(s);
        if (src)
            scn_source_free(src);
        return RUN_ERR_INVALID;
    }
    *out = s;
    return 0;
}

static int load_buffer(const char *name, const char *data, size_t len, const scn_override *overrides, size_t n,
                       sch_diag *diag, scn_scenario **out, scn_source *src)
{
    *out = NULL;
    if (sch_diag_init(diag, name) != 0)
        return RUN_ERR_INVALID;
    return load_tree(name, sch_yaml_parse(data, len, diag), overrides, n, diag, out, src);
}

int scn_load_buffer_with(const char *name, const char *data, size_t len, const scn_override *overrides, size_t n,
                         sch_diag *diag, scn_scenario **out)
{
    return load_buffer(name, data, len, overrides, n, diag, out, NULL);
}

/* A copy of the tree with the overrides applied, without `fleet` and `expect`: a variant is one
 * device, with no fleet of its own, checked against the file's expectations by the caller. */
static int keep_source(const char *name, const sch_node *root, scn_source *src)
{
    *src = (scn_source){0};
    src->root = sch_yaml_clone(root);
    src->name = util_strdup(name);
    if (!src->root || !src->name) {
        scn_source_free(src);
        return -1;
    }
    for (size_t i = 0; src->root->kind == SCH_MAP && i < src->root->count;) {
        sch_pair *pr = &src->root->pairs[i];
        if (pr->key->kind == SCH_SCALAR && (strcmp(pr->key->text, "fleet") == 0 || strcmp(pr->key->text, "expect") == 0)) {
            sch_yaml_free(pr->key);
            sch_yaml_free(pr->value);
            memmove(pr, pr + 1, (src->root->count - i - 1) * sizeof *pr);
            src->root->count--;
        } else {
            i++;
        }
    }
    return 0;
}

void scn_source_free(scn_source *src)
{
    sch_yaml_free(src->root);
    free(src->name);
    *src = (scn_source){0};
}

int scn_load_variant(const scn_source *src, const scn_override *overrides, size_t n, sch_diag *diag,
                     scn_scenario **out)
{
    *out = NULL;
    if (sch_diag_init(diag, src->name) != 0)
        return RUN_ERR_INVALID;
    sch_node *root = sch_yaml_clone(src->root);
    if (!root) {
        sch_diag_error(diag, 0, 0, NULL, "out of memory");
        return RUN_ERR_INVALID;
    }
    return load_tree(src->name, root, overrides, n, diag, out, NULL);
}

int scn_load(const char *path, sch_diag *diag, scn_scenario **out)
{
    return scn_load_with(path, NULL, 0, diag, out);
}

int scn_load_with(const char *path, const scn_override *overrides, size_t n, sch_diag *diag, scn_scenario **out)
{
    return scn_load_keep(path, overrides, n, diag, out, NULL);
}

static bool is_stdin(const char *path) { return strcmp(path, "-") == 0; }

int scn_read_input(const char *path, size_t cap, char **data, size_t *len)
{
    return is_stdin(path) ? util_read_stream(stdin, cap, data, len) : util_read_file(path, cap, data, len);
}

const char *scn_input_name(const char *path) { return is_stdin(path) ? SCN_STDIN_NAME : path; }

int scn_load_keep(const char *path, const scn_override *overrides, size_t n, sch_diag *diag, scn_scenario **out,
                  scn_source *src)
{
    *out = NULL;
    char *data;
    size_t len;
    /* A larger file is read to one byte past the limit and handed on: the YAML parser names it. */
    int rd = scn_read_input(path, SCH_YAML_MAX_BYTES, &data, &len);
    path = scn_input_name(path);
    if (rd == UTIL_READ_OPEN || rd == UTIL_READ_IO) {
        int err = errno;
        if (sch_diag_init(diag, path) == 0)
            sch_diag_error(diag, 0, 0, NULL, "cannot read the file: %s", strerror(err));
        return RUN_ERR_NOINPUT;
    }
    if (rd == UTIL_READ_NOMEM) {
        if (sch_diag_init(diag, path) == 0)
            sch_diag_error(diag, 0, 0, NULL, "out of memory");
        return RUN_ERR_NOMEM;
    }
    int rc = load_buffer(path, data, len, overrides, n, diag, out, src);
    free(data);
    return rc;
}
