/*
 * test_good.c - valid scenarios load with the values they say: defaults applied where a key is
 * absent, units converted, the policy preset chosen and the switches applied on top of it, tasks
 * kept in file order.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgt.h"
#include "scn_scenario.h"

#ifndef GOOD_DIR
#error "GOOD_DIR must name tests/scenario/good"
#endif
#ifndef SCENARIOS_DIR
#error "SCENARIOS_DIR must name the bundled scenarios/"
#endif

/* Loads good/<file>; fails the test, printing every diagnostic, unless it is valid. */
static scn_scenario *load_good(const char *dir, const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    sch_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load(path, &diag, &s);
    if (rc != 0)
        sch_diag_print(&diag, stderr);
    sch_diag_free(&diag);
    cr_assert(rc == 0 && s != NULL, "%s: status %d (diagnostics above)", path, rc);
    return s;
}

static const scn_task *task_named(const scn_scenario *s, const char *name)
{
    for (size_t i = 0; i < s->task_count; i++)
        if (strcmp(s->tasks[i].name, name) == 0)
            return &s->tasks[i];
    cr_assert_fail("no task '%s'", name);
    return NULL;
}

static int64_t policy_value(const bgt_policy *p, const char *name)
{
    int64_t v = -1;
    cr_assert(bgt_policy_get(p, name, &v) == BGT_OK, "switch '%s' unknown to the core", name);
    return v;
}

Test(good, every_file_in_good_loads)
{
    DIR *d = opendir(GOOD_DIR);
    cr_assert(d != NULL);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0) {
            scn_scenario_free(load_good(GOOD_DIR, e->d_name));
            n++;
        }
    }
    closedir(d);
    cr_expect(n >= 4, "only %zu good scenarios found in %s", n, GOOD_DIR);
}

Test(good, bundled_default_scenario_is_a_real_phone_with_an_ios_twin)
{
    /* The README's quick start runs default.yaml: a modeled phone, so its first output shows what
     * held the worker back (ideal would print "0 deferred"); default-ios.yaml is the same user on iOS. */
    scn_scenario *s = load_good(SCENARIOS_DIR, "default.yaml");
    cr_expect(s->platform == SCN_PLATFORM_ANDROID, "the README's quick start runs on a modeled Android phone");
    cr_expect_eq(s->os_version, 14);
    cr_expect(s->task_count >= 1);
    scn_scenario *t = load_good(SCENARIOS_DIR, "default-ios.yaml");
    cr_expect(t->platform == SCN_PLATFORM_IOS);
    cr_expect_eq(t->task_count, s->task_count, "the twin runs the same app");
    cr_expect_eq(t->duration, s->duration);
    cr_expect_eq(t->seed, s->seed);
    scn_scenario_free(t);
    scn_scenario_free(s);
}

Test(good, absent_keys_take_the_documented_defaults)
{
    scn_scenario *s = load_good(GOOD_DIR, "minimal.yaml");
    cr_expect_str_eq(s->name, "minimal", "name defaults to the file's base name");
    cr_expect_eq(s->platform, SCN_PLATFORM_IDEAL);
    cr_expect_eq(s->os_version, 0);
    cr_expect_eq(s->seed, 1);
    cr_expect(s->start.year == 2026 && s->start.month == 1 && s->start.day == 5 && s->start.hour == 7 &&
                  s->start.minute == 0 && s->start.second == 0,
              "start defaults to 2026-01-05T07:00");
    cr_expect_eq(s->duration, SIM_DAYS(1));
    cr_expect_eq(s->policy_platform, BGT_PLATFORM_ANDROID, "ideal takes Android's policy variant");
    cr_expect_str_eq(s->policy_preset, "current");
    bgt_policy ref;
    cr_assert(bgt_policy_preset("current", BGT_PLATFORM_ANDROID, &ref) == BGT_OK);
    for (size_t i = 0; i < bgt_policy_switch_count(); i++) {
        const char *sw = bgt_policy_switch_at(i)->name;
        cr_expect_eq(policy_value(&s->policy, sw), policy_value(&ref, sw), "switch %s", sw);
    }
    cr_expect_eq(s->first_open, 0);
    cr_expect_eq(s->foreground_for, SIM_MINUTES(1));
    cr_expect(!s->has_expect);
    cr_assert_eq(s->task_count, 1);
    const scn_task *t = &s->tasks[0];
    cr_expect_str_eq(t->name, "only");
    cr_expect(!t->options.has_minimum_interval, "no minimum_interval: the policy's default applies");
    cr_expect_eq(t->register_at, 0);
    cr_expect(!t->has_unregister);
    cr_expect_eq(t->work_duration.kind, SCH_DIST_FIXED);
    cr_expect_eq(t->work_duration.a, 1000.0, "a run lasts 1 s unless said");
    cr_expect_eq(t->failure_probability, 0.0);
    cr_expect_eq(t->network, SCN_NETWORK_NONE);
    scn_scenario_free(s);
}

Test(good, every_key_is_read_and_converted)
{
    scn_scenario *s = load_good(GOOD_DIR, "every-key.yaml");
    cr_expect_str_eq(s->name, "every key");
    cr_expect_eq(s->platform, SCN_PLATFORM_IOS);
    cr_expect_eq(s->os_version, 17);
    cr_expect_eq(s->seed, UINT64_MAX);
    cr_expect(s->start.year == 2028 && s->start.month == 2 && s->start.day == 29 && s->start.hour == 23 &&
                  s->start.minute == 59 && s->start.second == 59,
              "start 2028-02-29T23:59:59 (a leap day)");
    cr_expect_eq(s->duration, SIM_DAYS(9), "1w2d");
    cr_expect_eq(s->first_open, SIM_MINUTES(90), "1h30m");
    cr_expect_eq(s->foreground_for, SIM_MINUTES(30), "0.5h");
    cr_expect(s->has_expect);
    cr_expect_eq(s->policy_platform, BGT_PLATFORM_ANDROID, "policy_platform overrides the platform's variant");
    scn_scenario_free(s);
}

Test(good, policy_is_the_preset_with_the_switches_applied)
{
    scn_scenario *s = load_good(GOOD_DIR, "every-key.yaml");
    cr_expect_str_eq(s->policy_preset, "sdk52");
    bgt_policy sdk52, current;
    cr_assert(bgt_policy_preset("sdk52", BGT_PLATFORM_ANDROID, &sdk52) == BGT_OK);
    cr_assert(bgt_policy_preset("current", BGT_PLATFORM_ANDROID, &current) == BGT_OK);
    static const struct {
        const char *name;
        int64_t value;
    } written[] = {{"require_network", 1}, {"restricted", 0}, {"default_interval_min", 30}, {"retry_failed_after_min", 0}};
    size_t differs_from_current = 0;
    for (size_t i = 0; i < bgt_policy_switch_count(); i++) {
        const char *sw = bgt_policy_switch_at(i)->name;
        int64_t want = policy_value(&sdk52, sw);
        bool overridden = false;
        for (size_t j = 0; j < sizeof written / sizeof written[0]; j++) {
            if (strcmp(written[j].name, sw) == 0) {
                want = written[j].value;
                overridden = true;
            }
        }
        cr_expect_eq(policy_value(&s->policy, sw), want, "switch %s", sw);
        if (!overridden && policy_value(&sdk52, sw) != policy_value(&current, sw))
            differs_from_current++;
    }
    /* Otherwise this test could not tell the preset was applied rather than the default one. */
    cr_expect(differs_from_current > 0, "sdk52 and current agree on every switch not written in the file");
    cr_expect(policy_value(&sdk52, "default_interval_min") != 30, "pick a switch value the preset does not have");
    scn_scenario_free(s);
}

Test(good, tasks_keep_file_order_and_their_values)
{
    scn_scenario *s = load_good(GOOD_DIR, "every-key.yaml");
    static const char *const order[] = {"fixed-short", "fixed-long", "uniform", "exponential", "lognormal", "normal",
                                        "weibull"};
    cr_assert_eq(s->task_count, sizeof order / sizeof order[0]);
    for (size_t i = 0; i < s->task_count; i++)
        cr_expect_str_eq(s->tasks[i].name, order[i], "task %zu", i);

    const scn_task *t = task_named(s, "fixed-short");
    cr_expect(t->options.has_minimum_interval);
    cr_expect_eq(t->options.minimum_interval_min, 24 * 60, "1d in minutes");
    cr_expect_eq(t->register_at, SIM_HOURS(2));
    cr_expect(t->has_unregister);
    cr_expect_eq(t->unregister_at, SIM_DAYS(5) + SIM_HOURS(12));
    cr_expect_eq(t->work_duration.kind, SCH_DIST_FIXED);
    cr_expect_eq(t->work_duration.a, 250.0);
    cr_expect_eq(t->failure_probability, 0.02, "2%% is exactly the double of 0.02");
    cr_expect_eq(t->network, SCN_NETWORK_REQUIRED);

    t = task_named(s, "fixed-long");
    cr_expect_eq(t->work_duration.kind, SCH_DIST_FIXED);
    cr_expect_eq(t->work_duration.a, 60000.0);
    cr_expect_eq(t->failure_probability, 0.5);
    cr_expect_eq(t->network, SCN_NETWORK_NONE);
    cr_expect_eq(t->register_at, SIM_MINUTES(90), "register_at defaults to app.first_open");

    t = task_named(s, "uniform");
    cr_expect(t->work_duration.kind == SCH_DIST_UNIFORM && t->work_duration.a == 5000.0 &&
              t->work_duration.b == 30000.0);
    t = task_named(s, "exponential");
    cr_expect(t->work_duration.kind == SCH_DIST_EXPONENTIAL && t->work_duration.a == SIM_MINUTES(20));
    t = task_named(s, "lognormal");
    cr_expect(t->work_duration.kind == SCH_DIST_LOGNORMAL && t->work_duration.a == 8000.0 &&
              t->work_duration.b == 0.5);
    t = task_named(s, "normal");
    cr_expect(t->work_duration.kind == SCH_DIST_NORMAL && t->work_duration.a == 10000.0 &&
              t->work_duration.b == 2000.0);
    t = task_named(s, "weibull");
    cr_expect(t->work_duration.kind == SCH_DIST_WEIBULL && t->work_duration.a == 10000.0 &&
              t->work_duration.b == 1.5);
    scn_scenario_free(s);
}

Test(good, registration_defaults_to_first_open)
{
    scn_scenario *s = load_good(GOOD_DIR, "first-open-later.yaml");
    cr_expect_eq(s->first_open, SIM_HOURS(2));
    const scn_task *late = task_named(s, "late");
    cr_expect_eq(late->register_at, SIM_HOURS(2), "not 0: the app is not open before 2h");
    cr_expect(late->has_unregister && late->unregister_at == SIM_HOURS(3));
    cr_expect_eq(task_named(s, "explicit")->register_at, SIM_HOURS(2), "at first_open is allowed");
    scn_scenario_free(s);
}

Test(good, ios_takes_the_ios_policy_variant)
{
    scn_scenario *s = load_good(GOOD_DIR, "ios-defaults.yaml");
    cr_expect_eq(s->platform, SCN_PLATFORM_IOS);
    cr_expect_eq(s->policy_platform, BGT_PLATFORM_IOS);
    bgt_policy ref;
    cr_assert(bgt_policy_preset("current", BGT_PLATFORM_IOS, &ref) == BGT_OK);
    for (size_t i = 0; i < bgt_policy_switch_count(); i++) {
        const char *sw = bgt_policy_switch_at(i)->name;
        cr_expect_eq(policy_value(&s->policy, sw), policy_value(&ref, sw), "switch %s", sw);
    }
    cr_expect_eq(s->duration, SIM_HOURS(12));
    const scn_task *t = task_named(s, "refresh");
    cr_expect(t->options.has_minimum_interval && t->options.minimum_interval_min == 0, "0s is a valid interval");
    scn_scenario_free(s);
}

/* The same file from memory and from disk loads the same; a loaded scenario is independent of
 * the buffer it came from (it owns its strings). */
Test(good, load_buffer_owns_its_strings)
{
    static const char text[] = "bgsim: 1\nplatform: ideal\nduration: 1h\napp:\n  tasks:\n    - name: mine\n";
    char *copy = malloc(sizeof text);
    cr_assert(copy != NULL);
    memcpy(copy, text, sizeof text);
    sch_diag diag;
    scn_scenario *s = NULL;
    cr_assert_eq(scn_load_buffer("mem.yaml", copy, sizeof text - 1, &diag, &s), 0);
    sch_diag_free(&diag);
    memset(copy, 'x', sizeof text);
    free(copy);
    cr_expect_str_eq(s->tasks[0].name, "mine");
    cr_expect_str_eq(s->name, "mem");
    scn_scenario_free(s);
}

/* Loads a scenario from text; fails the test unless it is valid. */
static scn_scenario *load_text(const char *text)
{
    sch_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load_buffer("setup.yaml", text, strlen(text), &diag, &s);
    if (rc != 0)
        sch_diag_print(&diag, stderr);
    sch_diag_free(&diag);
    cr_assert(rc == 0 && s != NULL, "status %d (diagnostics above)", rc);
    return s;
}

/* app.setup (issue 22): absent, everything is set up right; each key read; expo_go turns the
 * core's restricted switch on. */
Test(good, app_setup_defaults_and_values)
{
    scn_scenario *s = load_text("bgsim: 1\nplatform: ios\nduration: 1d\napp:\n  tasks: [{ name: a }]\n");
    cr_expect(s->setup.permitted_identifier && s->setup.background_mode_processing &&
              s->setup.launch_handler_registered && s->setup.define_at_module_scope && !s->setup.expo_go);
    cr_expect(!scn_setup_has_mistake(&s->setup));
    cr_expect(!s->policy.restricted);
    scn_scenario_free(s);

    s = load_text("bgsim: 1\nplatform: ios\nduration: 1d\napp:\n  setup:\n    permitted_identifier: false\n"
                  "    background_mode_processing: false\n    launch_handler_registered: false\n"
                  "    define_at_module_scope: false\n    expo_go: true\n  tasks: [{ name: a }]\n");
    cr_expect(!s->setup.permitted_identifier && !s->setup.background_mode_processing &&
              !s->setup.launch_handler_registered && !s->setup.define_at_module_scope && s->setup.expo_go);
    cr_expect(scn_setup_has_mistake(&s->setup));
    cr_expect(s->policy.restricted, "expo_go is status Restricted: the core's restricted switch");
    scn_scenario_free(s);
}
