/*
 * test_settings.c - the settings model on a real engine and device: initial values, timed changes
 * at their exact times (sorted, no-ops skipped), signals and trace records, the platform rules
 * and the exact parse errors.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_settings.h"
#include "rig.h"

typedef struct seen {
    sim_time t[64];
    bool bar[64], exempt[64];
    int n;
} seen;

static void record(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)arg;
    seen *s = ctx;
    if (sig != MDL_SIG_SETTINGS)
        return;
    cr_assert_lt(s->n, 64);
    s->t[s->n] = sim_now(d->engine);
    s->bar[s->n] = d->refresh_enabled;
    s->exempt[s->n++] = d->optimization_exempt;
}

typedef struct lines {
    char l[16][256];
    int n;
} lines;

static void keep_line(void *ctx, const char *line)
{
    lines *ls = ctx;
    cr_assert_lt(ls->n, 16);
    cr_assert_lt(strlen(line), sizeof ls->l[0]);
    memcpy(ls->l[ls->n++], line, strlen(line) + 1);
}

Test(settings, defaults_follow_the_platforms)
{
    mdl_settings_config cfg;
    mdl_settings_model.defaults(&cfg, MDL_IOS);
    cr_assert(cfg.background_app_refresh);
    cr_assert_not(cfg.battery_optimization_exempt);
    cr_assert_eq(cfg.change_count, 0);
    rig *r = rig_new(&mdl_settings_model, &cfg, MDL_IOS, 1, RIG_MONDAY, NULL, NULL);
    cr_assert(r->d.refresh_enabled);
    cr_assert_not(r->d.optimization_exempt);
    cr_assert_eq(sim_pending_count(r->e), 0);
    lines ls = {0};
    rig_lines(r, keep_line, &ls);
    cr_assert_eq(ls.n, 1);
    cr_assert_str_eq(ls.l[0], "{\"t\":0,\"type\":\"device.settings\",\"background_app_refresh\":true,"
                              "\"battery_optimization_exempt\":false}\n");
    rig_free(r);
}

/* iOS: the switch goes off on day 3 and back on at 5d12h; a change that repeats the current
 * value is neither traced nor emitted; the list is given out of order. */
Test(settings, ios_changes_fire_at_their_times)
{
    mdl_settings_config cfg;
    rig_parse_ok(&mdl_settings_model, MDL_IOS,
                 "background_app_refresh: true\n"
                 "changes:\n"
                 "  - { at: 5d12h, background_app_refresh: true }\n"
                 "  - { at: 3d, background_app_refresh: false }\n"
                 "  - { at: 4d, background_app_refresh: false }\n",
                 &cfg);
    cr_assert_eq(cfg.change_count, 3);
    cr_assert_eq(cfg.changes[0].at, SIM_DAYS(3), "sorted by time");
    seen s = {0};
    rig *r = rig_new(&mdl_settings_model, &cfg, MDL_IOS, 1, RIG_MONDAY, record, &s);
    sim_run_until(r->e, SIM_DAYS(3) - 1);
    cr_assert(r->d.refresh_enabled);
    sim_run_until(r->e, SIM_DAYS(7));
    cr_assert_eq(s.n, 2, "the 4d change repeats the value: no signal");
    cr_assert_eq(s.t[0], SIM_DAYS(3));
    cr_assert_not(s.bar[0]);
    cr_assert_eq(s.t[1], SIM_DAYS(5) + SIM_HOURS(12));
    cr_assert(s.bar[1]);
    cr_assert_not(s.exempt[0] || s.exempt[1]);
    lines ls = {0};
    rig_lines(r, keep_line, &ls);
    cr_assert_eq(ls.n, 3);
    cr_assert_str_eq(ls.l[1], "{\"t\":259200000,\"type\":\"device.settings\",\"background_app_refresh\":false,"
                              "\"battery_optimization_exempt\":false}\n");
    cr_assert_str_eq(ls.l[2], "{\"t\":475200000,\"type\":\"device.settings\",\"background_app_refresh\":true,"
                              "\"battery_optimization_exempt\":false}\n");
    rig_free(r);
}

/* Android: the user exempts the app after 36 h; equal times keep file order. */
Test(settings, android_exemption_and_equal_times)
{
    mdl_settings_config cfg;
    rig_parse_ok(&mdl_settings_model, MDL_ANDROID,
                 "battery_optimization_exempt: false\n"
                 "changes: [ { at: 36h, battery_optimization_exempt: true },\n"
                 "           { at: 2d, battery_optimization_exempt: true },\n"
                 "           { at: 2d, battery_optimization_exempt: false } ]\n",
                 &cfg);
    seen s = {0};
    rig *r = rig_new(&mdl_settings_model, &cfg, MDL_ANDROID, 1, RIG_MONDAY, record, &s);
    cr_assert_not(r->d.optimization_exempt);
    sim_run_until(r->e, SIM_DAYS(3));
    cr_assert_eq(s.n, 2);
    cr_assert_eq(s.t[0], SIM_HOURS(36));
    cr_assert(s.exempt[0]);
    cr_assert_eq(s.t[1], SIM_DAYS(2));
    cr_assert_not(s.exempt[1], "the later of two changes at 2d wins");
    cr_assert(r->d.refresh_enabled, "the iOS switch keeps its default on Android");
    rig_free(r);
}

/* The ideal platform accepts both keys; a start-of-run change (at: 0) applies at once. */
Test(settings, ideal_accepts_both)
{
    mdl_settings_config cfg;
    rig_parse_ok(&mdl_settings_model, MDL_IDEAL,
                 "background_app_refresh: false\nbattery_optimization_exempt: true\n"
                 "changes: [ { at: 0, background_app_refresh: true, battery_optimization_exempt: false } ]\n",
                 &cfg);
    seen s = {0};
    rig *r = rig_new(&mdl_settings_model, &cfg, MDL_IDEAL, 1, RIG_MONDAY, record, &s);
    cr_assert_not(r->d.refresh_enabled);
    cr_assert(r->d.optimization_exempt);
    sim_run_until(r->e, 0);
    cr_assert_eq(s.n, 1);
    cr_assert(r->d.refresh_enabled);
    cr_assert_not(r->d.optimization_exempt);
    rig_free(r);
}

Test(settings, same_input_same_trace)
{
    uint64_t fp[2];
    for (int i = 0; i < 2; i++) {
        mdl_settings_config cfg;
        rig_parse_ok(&mdl_settings_model, MDL_IOS, "changes: [ { at: 1d, background_app_refresh: false } ]\n", &cfg);
        rig *r = rig_new(&mdl_settings_model, &cfg, MDL_IOS, 100 + (uint64_t)i, RIG_MONDAY, NULL, NULL);
        sim_run_until(r->e, SIM_DAYS(2));
        fp[i] = r->tr.fingerprint;
        cr_assert_eq(sim_rng_set_count(r->rngs), 0, "settings draw nothing");
        rig_free(r);
    }
    cr_assert_eq(fp[0], fp[1], "no randomness: the seed does not matter");
}

static void assert_errors(mdl_platform p, const char *yaml, const char *const *want, size_t n)
{
    mdl_settings_config cfg;
    char msgs[8][320];
    size_t got = rig_parse(&mdl_settings_model, p, yaml, &cfg, msgs, 8);
    for (size_t i = 0; i < got && i < n; i++)
        cr_assert_str_eq(msgs[i], want[i]);
    cr_assert_eq(got, n, "%zu errors, want %zu (first: %s)", got, n, got ? msgs[0] : "");
}

Test(settings, parse_errors_are_exact)
{
    assert_errors(MDL_ANDROID, "background_app_refresh: false\n",
                  (const char *[]){"t.yaml:1:1: device.settings.background_app_refresh: an iOS setting: expected "
                                   "platform 'ios' or 'ideal', found 'android'"},
                  1);
    assert_errors(MDL_IOS, "battery_optimization_exempt: true\nchanges: [ { at: 1d, battery_optimization_exempt: true } ]\n",
                  (const char *[]){"t.yaml:1:1: device.settings.battery_optimization_exempt: an Android setting: "
                                   "expected platform 'android' or 'ideal', found 'ios'",
                                   "t.yaml:2:22: device.settings.changes[0].battery_optimization_exempt: an Android "
                                   "setting: expected platform 'android' or 'ideal', found 'ios'"},
                  2);
    assert_errors(MDL_IOS, "background_app_refersh: false\n",
                  (const char *[]){"t.yaml:1:1: device.settings: unknown key 'background_app_refersh' (did you mean "
                                   "'background_app_refresh'?)"},
                  1);
    assert_errors(MDL_IOS, "changes: [ { at: 1d }, { background_app_refresh: no }, { at: soon, background_app_refresh: false } ]\n",
                  (const char *[]){"t.yaml:1:12: device.settings.changes[0]: expected 'background_app_refresh' or "
                                   "'battery_optimization_exempt', found neither",
                                   "t.yaml:1:24: device.settings.changes[1]: missing required key 'at'",
                                   "t.yaml:1:50: device.settings.changes[1].background_app_refresh: expected true or "
                                   "false, found 'no' (write false)",
                                   "t.yaml:1:62: device.settings.changes[2].at: expected a duration with a unit (ms, s, "
                                   "m, h, d, w), found 'soon'"},
                  4);
    assert_errors(MDL_IOS, "changes: { at: 1d }\n",
                  (const char *[]){"t.yaml:1:10: device.settings.changes: expected a list of changes, found a mapping"}, 1);
}

/* A bad entry leaves the whole list out (no partial schedule), and the values their defaults. */
Test(settings, a_bad_section_keeps_the_defaults)
{
    mdl_settings_config cfg;
    char msgs[4][320];
    cr_assert_eq(rig_parse(&mdl_settings_model, MDL_ANDROID,
                           "battery_optimization_exempt: yes\nchanges: [ { at: 1d, battery_optimization_exempt: true }, "
                           "{ at: 2d } ]\n",
                           &cfg, msgs, 4),
                 2);
    cr_assert_not(cfg.battery_optimization_exempt);
    cr_assert_eq(cfg.change_count, 0);
}
