/*
 * test_set.c - `--set` key paths: the syntax (exact messages), and overrides applied to a
 * scenario before validation (values, added keys, list items by index and by name, and the exact
 * errors that name the override).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_scenario.h"
#include "scn_set.h"

static const char base[] = "bgsim: 1\n"
                           "platform: ideal\n"
                           "seed: 42\n"
                           "duration: 7d\n"
                           "app:\n"
                           "  tasks:\n"
                           "    - name: sync\n"
                           "      minimum_interval: 15m\n"
                           "    - name: clean.up\n"
                           "      minimum_interval: 6h\n";

static void parse_fails(const char *arg, const char *message)
{
    scn_override o;
    char why[256];
    cr_assert_not(scn_set_parse(arg, &o, why, sizeof why), "'%s' parsed", arg);
    cr_assert_str_eq(why, message);
}

Test(set_parse, syntax_errors)
{
    parse_fails("seed", "expected KEY=VALUE, found 'seed'");
    parse_fails("=3", "expected a key before '=', found '=3'");
    parse_fails("seed=", "expected a value after '=', found 'seed='");
    parse_fails("app..x=1", "key path 'app..x': expected a key at character 5");
    parse_fails("app.tasks[0=1", "key path 'app.tasks[0': '[' at character 10 is not closed");
    parse_fails("app.tasks[]=1", "key path 'app.tasks[]': expected an index or a name between '[' and ']' at character 10");
    parse_fails("app.tasks[0]x=1", "key path 'app.tasks[0]x': unexpected 'x' at character 13 (expected '.' or '[')");
    parse_fails("a b=1", "key path 'a b': unexpected ' ' at character 2 (expected '.' or '[')");
    parse_fails("app.=1", "key path 'app.': expected a key at character 5");
    parse_fails("app.t!=1", "key path 'app.t!': unexpected '!' at character 6 (expected '.' or '[')");
    parse_fails("!x=1", "key path '!x': unexpected '!' at character 1 (keys are letters, digits, '_' and '-')");
}

Test(set_parse, steps)
{
    scn_override o;
    char why[256];
    cr_assert(scn_set_parse("app.tasks[clean.up].work.duration={ uniform: [1s, 3s] }", &o, why, sizeof why), "%s", why);
    cr_assert_eq(o.step_count, 5);
    cr_assert_eq(o.steps[1].kind, SCN_STEP_KEY);
    cr_assert_str_eq(o.steps[1].text, "tasks");
    cr_assert_eq(o.steps[2].kind, SCN_STEP_NAME);
    cr_assert_str_eq(o.steps[2].text, "clean.up");
    cr_assert_str_eq(o.value, "{ uniform: [1s, 3s] }");
    scn_override_free(&o);
    cr_assert(scn_set_parse("app.tasks[12].minimum_interval=1h", &o, why, sizeof why));
    cr_assert_eq(o.steps[2].kind, SCN_STEP_INDEX);
    cr_assert_eq(o.steps[2].index, 12);
    scn_override_free(&o);
}

Test(set_parse, sweep_values_split_outside_brackets)
{
    char *key, **v;
    size_t n;
    char why[256];
    cr_assert(scn_set_split_values("app.tasks[0].work.duration=5s,{ uniform: [1s, 3s] },\"a,b\"", &key, &v, &n, why,
                                   sizeof why),
              "%s", why);
    cr_assert_str_eq(key, "app.tasks[0].work.duration");
    cr_assert_eq(n, 3);
    cr_assert_str_eq(v[0], "5s");
    cr_assert_str_eq(v[1], "{ uniform: [1s, 3s] }");
    cr_assert_str_eq(v[2], "\"a,b\"");
    scn_set_values_free(key, v, n);
    cr_assert_not(scn_set_split_values("seed=1,,2", &key, &v, &n, why, sizeof why));
    cr_assert_str_eq(why, "'seed=1,,2': expected a value between commas");
}

/* Loads `base` with the overrides; returns the status and the formatted diagnostics. */
static int load(const char *const *args, size_t n, scn_scenario **out, char *diag_text, size_t size)
{
    scn_override ov[8];
    char why[256];
    for (size_t i = 0; i < n; i++)
        cr_assert(scn_set_parse(args[i], &ov[i], why, sizeof why), "%s", why);
    sch_diag d;
    int rc = scn_load_buffer_with("base.yaml", base, strlen(base), ov, n, &d, out);
    size_t len = 0;
    diag_text[0] = '\0';
    for (size_t i = 0; i < d.kept && len < size; i++) {
        char line[1024];
        sch_diag_format(&d, i, line, sizeof line);
        len += (size_t)snprintf(diag_text + len, size - len, "%s\n", line);
    }
    sch_diag_free(&d);
    for (size_t i = 0; i < n; i++)
        scn_override_free(&ov[i]);
    return rc;
}

Test(set_apply, values_by_index_name_and_added_keys)
{
    const char *args[] = {"seed=3", "app.tasks[0].minimum_interval=30m", "app.tasks[clean.up].minimum_interval=2h",
                          "device.battery.initial=50%", "app.tasks[sync].work.duration=5s", "duration=2d"};
    scn_scenario *s = NULL;
    char text[4096];
    int rc = load(args, 6, &s, text, sizeof text);
    cr_assert_eq(rc, 0, "%s", text);
    cr_assert_eq(s->seed, 3);
    cr_assert_eq(s->duration, SIM_DAYS(2));
    cr_assert_eq(s->tasks[0].options.minimum_interval_min, 30);
    cr_assert_eq(s->tasks[1].options.minimum_interval_min, 120);
    cr_assert_eq(s->tasks[0].work_duration.kind, SCH_DIST_FIXED);
    scn_scenario_free(s);
}

Test(set_apply, later_override_wins)
{
    const char *args[] = {"seed=3", "seed=4"};
    scn_scenario *s = NULL;
    char text[4096];
    cr_assert_eq(load(args, 2, &s, text, sizeof text), 0, "%s", text);
    cr_assert_eq(s->seed, 4);
    scn_scenario_free(s);
}

static void apply_fails(const char *arg, const char *expected)
{
    const char *args[] = {arg};
    scn_scenario *s = NULL;
    char text[4096];
    int rc = load(args, 1, &s, text, sizeof text);
    cr_assert_eq(rc, RUN_ERR_INVALID, "'%s' loaded", arg);
    cr_assert_null(s);
    cr_assert_str_eq(text, expected);
}

Test(set_apply, errors_name_the_override)
{
    apply_fails("app.tasks[0].minimum_interval=90s",
                "base.yaml: --set app.tasks[0].minimum_interval=90s: expected whole minutes (expo's minimumInterval is "
                "in minutes), found '90s'\n");
    apply_fails("app.tasks[sync].minimum_interval=90s",
                "base.yaml: --set app.tasks[sync].minimum_interval=90s: app.tasks[0].minimum_interval: expected whole "
                "minutes (expo's minimumInterval is in minutes), found '90s'\n");
    apply_fails("app.tasks[0].minimum_intervl=30m",
                "base.yaml: --set app.tasks[0].minimum_intervl=30m: app.tasks[0]: unknown key 'minimum_intervl' (did "
                "you mean 'minimum_interval'?)\n");
    apply_fails("app.tasks[2].minimum_interval=1h",
                "base.yaml: --set app.tasks[2].minimum_interval=1h: 'app.tasks' has 2 items, no index 2\n");
    apply_fails("app.tasks[synk].minimum_interval=1h",
                "base.yaml: --set app.tasks[synk].minimum_interval=1h: 'app.tasks' has no item named 'synk' (did you "
                "mean 'sync'?)\n");
    apply_fails("app.tasks[zzz].minimum_interval=1h",
                "base.yaml: --set app.tasks[zzz].minimum_interval=1h: 'app.tasks' has no item named 'zzz' (names: "
                "'sync', 'clean.up')\n");
    apply_fails("seed.x=1", "base.yaml: --set seed.x=1: 'seed' is a single value, not a mapping\n");
    apply_fails("app[0]=1", "base.yaml: --set app[0]=1: 'app' is a mapping, not a list\n");
    apply_fails("user.habits[0].x=1", "base.yaml: --set user.habits[0].x=1: 'user.habits' is not in the file (a list "
                                      "item must exist)\n");
    apply_fails("platform=andriod",
                "base.yaml: --set platform=andriod: expected 'android', 'ios' or 'ideal', found 'andriod' (did "
                "you mean 'android'?)\n");
    apply_fails("duration=[1d", "base.yaml: --set duration=[1d: the value is not valid YAML: invalid YAML: did not "
                                "find expected ',' or ']' while parsing a flow sequence started at line 1 column 1\n");
}

/* ---- --set platform=X over a file written for another platform (scn_platform.h) ---- */

static const char android_file[] = "bgsim: 1\n"
                                   "platform: android\n"
                                   "os: { version: 14, bucket: rare }\n"
                                   "duration: 1d\n"
                                   "device:\n"
                                   "  settings:\n"
                                   "    battery_optimization_exempt: true\n"
                                   "    changes:\n"
                                   "      - { at: 1h, battery_optimization_exempt: false }\n"
                                   "  battery:\n"
                                   "    power_save: { trigger: 15% }\n"
                                   "app:\n"
                                   "  tasks:\n"
                                   "    - name: sync\n"
                                   "      minimum_interval: 15m\n";

/* Loads android_file with one override; the notes, one a line, in notes_text. */
static int load_android(const char *arg, scn_scenario **out, char *notes_text, size_t size)
{
    scn_override ov;
    char why[256];
    size_t n = 0;
    if (arg) {
        cr_assert(scn_set_parse(arg, &ov, why, sizeof why), "%s", why);
        n = 1;
    }
    sch_diag d;
    int rc = scn_load_buffer_with("a.yaml", android_file, strlen(android_file), &ov, n, &d, out);
    size_t len = 0;
    notes_text[0] = '\0';
    for (size_t i = 0; i < d.n_notes && len < size; i++)
        len += (size_t)snprintf(notes_text + len, size - len, "%s\n", d.notes[i]);
    for (size_t i = 0; rc != 0 && i < d.kept && len < size; i++) {
        char line[1024];
        sch_diag_format(&d, i, line, sizeof line);
        len += (size_t)snprintf(notes_text + len, size - len, "error: %s\n", line);
    }
    sch_diag_free(&d);
    if (n)
        scn_override_free(&ov);
    return rc;
}

Test(platform_switch, the_other_platforms_keys_are_left_out_with_a_note)
{
    scn_scenario *s = NULL;
    char text[4096];
    cr_assert_eq(load_android("platform=ios", &s, text, sizeof text), 0, "%s", text);
    cr_expect_eq(s->platform, SCN_PLATFORM_IOS);
    cr_expect_eq(s->os_version, 17, "the iOS default, not the Android file's 14");
    cr_expect_str_eq(text,
                     "a.yaml:3:1: os: written for android, left out on ios (--set platform=ios): the OS model's "
                     "defaults apply\n"
                     "a.yaml:7:5: device.settings.battery_optimization_exempt: an Android setting, left out on ios "
                     "(--set platform=ios)\n"
                     "a.yaml:9:19: device.settings.changes[0].battery_optimization_exempt: an Android setting, left "
                     "out on ios (--set platform=ios)\n"
                     "a.yaml:11:19: device.battery.power_save.trigger: the Android battery saver's, left out on ios "
                     "(--set platform=ios)\n");
    scn_scenario_free(s);

    cr_assert_eq(load_android("platform=ideal", &s, text, sizeof text), 0, "%s", text);
    cr_expect_eq(s->os_version, 0);
    cr_expect(strstr(text, "ideal has no OS settings") != NULL, "%s", text);
    cr_expect(strstr(text, "battery_optimization_exempt") == NULL, "ideal accepts both platforms' settings: %s", text);
    scn_scenario_free(s);
}

Test(platform_switch, a_file_as_written_is_still_checked)
{
    scn_scenario *s = NULL;
    char text[4096];
    /* no override, or one naming the file's own platform: nothing is left out */
    cr_assert_eq(load_android(NULL, &s, text, sizeof text), 0, "%s", text);
    cr_expect_str_eq(text, "");
    scn_scenario_free(s);
    cr_assert_eq(load_android("platform=android", &s, text, sizeof text), 0, "%s", text);
    cr_expect_str_eq(text, "");
    cr_expect_eq(s->os_version, 14);
    scn_scenario_free(s);
    /* the same keys written in a file for iOS are errors, as before */
    static const char ios_file[] = "bgsim: 1\nplatform: ios\nduration: 1d\ndevice:\n  settings:\n"
                                   "    battery_optimization_exempt: true\napp:\n  tasks:\n    - { name: sync }\n";
    sch_diag d;
    cr_expect_neq(scn_load_buffer("i.yaml", ios_file, strlen(ios_file), &d, &s), 0);
    sch_diag_free(&d);
}
