/*
 * test_events.c - the scenario's `events:` section (sim/scenario/scn_events.h, issue 18 section 2):
 * parsed with both spellings of an instant, each action acting at its exact instant through the
 * model that owns the state, mixed with the stochastic models in the engine's order without
 * moving their draws, reachable with --set, marked on the timeline; and `randomness: none`, with
 * which a fully scripted scenario traces the same for every seed. Malformed `events:` are in the
 * corpus (bad/225- to bad/238-).
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_battery.h"
#include "mdl_kills.h"
#include "mdl_network.h"
#include "mdl_usage.h"
#include "rep_record.h"
#include "run.h"
#include "scn_events.h"
#include "scn_scenario.h"
#include "scn_set.h"

#define H SIM_HOURS(1)
#define D SIM_DAYS(1)

/* Loads `yaml` with the `--set` arguments sets[0..n); the test fails when it does not load. */
static scn_scenario *load(const char *yaml, const char *const *sets, size_t n)
{
    scn_override ov[8] = {0};
    char why[256];
    for (size_t i = 0; i < n; i++)
        cr_assert(scn_set_parse(sets[i], &ov[i], why, sizeof why), "%s", why);
    sch_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load_buffer_with("t.yaml", yaml, strlen(yaml), ov, n, &diag, &s);
    if (rc != 0)
        sch_diag_print(&diag, stderr);
    sch_diag_free(&diag);
    for (size_t i = 0; i < n; i++)
        scn_override_free(&ov[i]);
    cr_assert(rc == 0 && s, "the scenario does not load (diagnostics above)");
    return s;
}

/* Runs s with `seed`; returns its trace (malloc'd); *rec, when given, gets the record with states. */
static char *run_trace(const scn_scenario *s, uint64_t seed, rep_record *rec)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(f);
    run_options opt = run_default_options(s);
    opt.seed = seed;
    opt.trace = f;
    opt.record_states = rec != NULL;
    rep_record local;
    run_outcome out;
    int rc = run_scenario(s, &opt, rec ? rec : &local, &out);
    cr_assert_eq(rc, 0, "run status %d: %s", rc, out.message);
    if (!rec)
        rep_record_free(&local);
    fclose(f);
    return buf;
}

static char *run_yaml(const char *yaml, uint64_t seed)
{
    scn_scenario *s = load(yaml, NULL, 0);
    char *t = run_trace(s, seed, NULL);
    scn_scenario_free(s);
    return t;
}

/* The trace holds `lines` (one or more consecutive records) verbatim. */
static void assert_has(const char *trace, const char *lines)
{
    cr_assert(strstr(trace, lines), "the trace lacks:\n%s", lines);
}

/* The offset of the first record of `type` at or after time t (or -1). */
static long find_type_from(const char *trace, const char *type, sim_time t)
{
    char key[96];
    snprintf(key, sizeof key, "\"type\":\"%s\"", type);
    for (const char *p = trace; (p = strstr(p, key)); p++) {
        const char *line = p;
        while (line > trace && line[-1] != '\n')
            line--;
        long long at = -1;
        if (sscanf(line, "{\"t\":%lld", &at) == 1 && at >= t)
            return line - trace;
    }
    return -1;
}

static sim_time time_of(const char *trace, long off)
{
    long long at = -1;
    cr_assert(off >= 0 && sscanf(trace + off, "{\"t\":%lld", &at) == 1);
    return at;
}

#define ANDROID_HEAD                                                                                                   \
    "bgsim: 1\nplatform: android\nseed: 3\nstart: 2026-01-05T07:00\nduration: 5d\n"                                  \
    "app:\n  first_open: 0s\n  tasks:\n    - name: sync\n      minimum_interval: 30m\n"

Test(events, both_spellings_of_an_instant_and_time_order)
{
    scn_scenario *s = load(ANDROID_HEAD "events:\n"
                                        "  - { at: 3d, do: open, name: late }\n"
                                        "  - { at: 2026-01-06T12:00, do: force_stop, name: first }\n"
                                        "  - { at: 1d5h, do: plug, name: second }\n"
                                        "  - { at: 2d, do: battery_level, level: 12.5% }\n"
                                        "  - { at: 2d, do: network, state: schedule }\n"
                                        "  - { at: 2d, do: standby_bucket, bucket: rare }\n",
                           NULL, 0);
    const scn_events *ev = &s->events;
    cr_assert_eq(ev->count, 6);
    /* 2026-01-06T12:00 is 1d5h after a 07:00 start: equal instants keep file order */
    cr_assert_eq(ev->list[0].at, D + 5 * H);
    cr_assert_str_eq(ev->list[0].name, "first");
    cr_assert_eq(ev->list[1].at, D + 5 * H);
    cr_assert_str_eq(ev->list[1].name, "second");
    cr_assert_eq(ev->list[2].action, SCN_EV_BATTERY_LEVEL);
    cr_assert_eq(ev->list[2].value, 125); /* permille */
    cr_assert_eq(ev->list[3].action, SCN_EV_NETWORK);
    cr_assert_eq(ev->list[3].value, -1); /* back to the schedule */
    cr_assert_eq(ev->list[4].action, SCN_EV_STANDBY_BUCKET);
    cr_assert_eq(ev->list[5].at, 3 * D);
    scn_scenario_free(s);
}

/* The example's story: a force stop on Tuesday at noon, nothing runs, the user reopens on
 * Thursday and the work comes back (WorkManager's ForceStopRunnable at the user's launch). */
Test(events, force_stop_then_reopen_at_fixed_instants)
{
    /* the user uses the phone (the models draw) but opens this app only when the script says */
    char *t = run_yaml(ANDROID_HEAD "user: { usage: { app_opens: { per_session: 0% } } }\n"
                                    "events:\n"
                                    "  - { at: 2026-01-06T12:00, do: force_stop }\n"
                                    "  - { at: 2026-01-08T12:00, do: open }\n",
                       3);
    const sim_time stop = D + 5 * H, reopen = 3 * D + 5 * H;
    char want[512];
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"event.force_stop\"}\n"
             "{\"t\":%lld,\"type\":\"device.force_stop\",\"reason\":\"scripted\",\"process\":",
             (long long)stop, (long long)stop);
    assert_has(t, want);
    long held = find_type_from(t, "os.defer", stop);
    cr_assert(strstr(t + held, "\"reason\":\"force_stopped\"}") == strchr(t + held, '}') - strlen("\"reason\":\"force_stopped\""),
              "the next deferral after the force stop is not force_stopped");
    cr_assert_lt(time_of(t, held), reopen);
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"event.open\"}\n{\"t\":%lld,\"type\":\"app.start\",\"cause\":\"user\"}\n",
             (long long)reopen, (long long)reopen);
    assert_has(t, want);
    /* nothing runs while force-stopped; the worker runs again after the reopen */
    sim_time next = time_of(t, find_type_from(t, "worker.start", stop));
    cr_assert_geq(next, reopen, "the worker ran at %lld, while force-stopped", (long long)next);
    cr_assert_lt(next, reopen + D);
    free(t);
}

/* Every action of Android's list reaches its model, traced right after its event record. */
Test(events, each_android_action_reaches_its_model)
{
    char *t = run_yaml(ANDROID_HEAD "events:\n"
                                    "  - { at: 2d, do: battery_level, level: 12% }\n"
                                    "  - { at: 2d1h, do: plug }\n"
                                    "  - { at: 2d2h, do: unplug }\n"
                                    "  - { at: 2d3h, do: network, state: none }\n"
                                    "  - { at: 2d4h, do: network, state: schedule }\n"
                                    "  - { at: 2d5h, do: battery_saver, enabled: true }\n"
                                    "  - { at: 2d6h, do: battery_optimization_exempt, enabled: true }\n"
                                    "  - { at: 2d7h, do: reboot, downtime: 5m }\n"
                                    "  - { at: 2d8h, do: swipe }\n",
                       3);
    char want[1024];
    sim_time b = 2 * D;
#define AT(k) (long long)(b + (k) * H)
    /* a jump from about 70 % to 12 % crosses OKAY (20 %), then LOW (16 %: the whole-percent rule),
     * in the order a gradual drain would have */
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"event.battery_level\",\"level_permille\":120}\n"
             "{\"t\":%lld,\"type\":\"battery.set\",\"level_permille\":120,\"source\":\"scripted\"}\n",
             AT(0), AT(0));
    assert_has(t, want);
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"battery.level\",\"level_permille\":200,\"direction\":\"down\"}\n"
             "{\"t\":%lld,\"type\":\"battery.level\",\"level_permille\":160,\"direction\":\"down\"}\n"
             "{\"t\":%lld,\"type\":\"battery.low\",\"low\":true,\"level_permille\":120}\n",
             AT(0), AT(0), AT(0));
    assert_has(t, want);
    snprintf(want, sizeof want, "{\"t\":%lld,\"type\":\"event.plug\"}\n{\"t\":%lld,\"type\":\"battery.plug\",", AT(1),
             AT(1));
    assert_has(t, want);
    snprintf(want, sizeof want, "{\"t\":%lld,\"type\":\"event.unplug\"}\n{\"t\":%lld,\"type\":\"battery.unplug\",",
             AT(2), AT(2));
    assert_has(t, want);
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"event.network\",\"state\":\"none\"}\n"
             "{\"t\":%lld,\"type\":\"net.change\",\"state\":\"none\",\"airplane\":false,\"cause\":\"scripted\"}\n",
             AT(3), AT(3));
    assert_has(t, want);
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"event.network\",\"state\":\"schedule\"}\n"
             "{\"t\":%lld,\"type\":\"net.change\",\"state\":\"wifi\",\"airplane\":false,\"cause\":\"scripted\"}\n",
             AT(4), AT(4));
    assert_has(t, want);
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"event.battery_saver\",\"enabled\":true}\n"
             "{\"t\":%lld,\"type\":\"battery.power_save\",\"on\":true,\"reason\":\"scripted\"}\n",
             AT(5), AT(5));
    assert_has(t, want);
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"event.battery_optimization_exempt\",\"enabled\":true}\n"
             "{\"t\":%lld,\"type\":\"device.settings\",\"background_app_refresh\":true,\"battery_optimization_exempt\":true}\n"
             "{\"t\":%lld,\"type\":\"os.bucket\",\"bucket\":\"exempted\",\"reason\":\"exempt\"}\n",
             AT(6), AT(6), AT(6));
    assert_has(t, want);
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"event.reboot\",\"downtime_ms\":300000}\n"
             "{\"t\":%lld,\"type\":\"device.reboot\",\"reason\":\"scripted\",\"downtime_ms\":300000,\"process\":",
             AT(7), AT(7));
    assert_has(t, want);
    snprintf(want, sizeof want, "{\"t\":%lld,\"type\":\"device.boot\"}\n", (long long)(b + 7 * H + SIM_MINUTES(5)));
    assert_has(t, want);
    snprintf(want, sizeof want, "{\"t\":%lld,\"type\":\"event.swipe\"}\n{\"t\":%lld,\"type\":\"device.swipe\",", AT(8),
             AT(8));
    assert_has(t, want);
#undef AT
    free(t);
}

/* App Standby: a bucket set by command stays through the periodic checks until the next use
 * (AppStandbyController.checkAndUpdateStandbyState leaves REASON_MAIN_FORCED_BY_USER alone). */
Test(events, standby_bucket_is_forced_until_the_next_use)
{
    char *t = run_yaml(ANDROID_HEAD "randomness: none\n" /* no random visit of the user in between */
                                    "events:\n"
                                    "  - { at: 1d, do: standby_bucket, bucket: restricted }\n"
                                    "  - { at: 3d, do: open }\n",
                       3);
    char want[256];
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"event.standby_bucket\",\"bucket\":\"restricted\"}\n"
             "{\"t\":%lld,\"type\":\"os.bucket\",\"bucket\":\"restricted\",\"reason\":\"forced\"}\n",
             (long long)D, (long long)D);
    assert_has(t, want);
    long next = find_type_from(t, "os.bucket", D + 1);
    cr_assert_eq(time_of(t, next), 3 * D, "the forced bucket changed before the next use");
    cr_assert(strstr(t + next, "\"bucket\":\"active\"") < strchr(t + next, '\n'));
    free(t);
}

#define IOS_HEAD                                                                                                       \
    "bgsim: 1\nplatform: ios\nseed: 3\nstart: 2026-01-05T07:00\nduration: 3d\n"                                      \
    "app:\n  first_open: 0s\n  tasks:\n    - name: sync\n      minimum_interval: 30m\n"

Test(events, ios_actions_reach_their_models)
{
    char *t = run_yaml(IOS_HEAD "events:\n"
                                "  - { at: 1d, do: background_app_refresh, enabled: false }\n"
                                "  - { at: 1d1h, do: low_power_mode, enabled: true }\n"
                                "  - { at: 1d2h, do: open }\n"
                                "  - { at: 1d2h1m, do: swipe }\n",
                       3);
    char want[512];
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"event.background_app_refresh\",\"enabled\":false}\n"
             "{\"t\":%lld,\"type\":\"device.settings\",\"background_app_refresh\":false,",
             (long long)D, (long long)D);
    assert_has(t, want);
    snprintf(want, sizeof want, "{\"t\":%lld,\"type\":\"battery.power_save\",\"on\":true,\"reason\":\"scripted\"}\n",
             (long long)(D + H));
    assert_has(t, want);
    /* the swipe closes the app first (a card is swiped from the switcher), then force-quits it */
    sim_time sw = D + 2 * H + SIM_MINUTES(1);
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"event.swipe\"}\n{\"t\":%lld,\"type\":\"app.background\"}\n",
             (long long)sw, (long long)sw);
    assert_has(t, want);
    snprintf(want, sizeof want, "{\"t\":%lld,\"type\":\"os.force_quit\",\"on\":true}\n", (long long)sw);
    assert_has(t, want);
    free(t);
}

/* Events at one instant: file order among themselves, and after the app's first visit. */
Test(events, equal_instants_follow_the_engine_order)
{
    char *t = run_yaml(ANDROID_HEAD "events:\n"
                                    "  - { at: 0s, do: close, name: a }\n"
                                    "  - { at: 1d, do: open, name: b }\n"
                                    "  - { at: 1d, do: close, name: c }\n",
                       3);
    long first_fg = find_type_from(t, "app.foreground", 0), a = find_type_from(t, "event.close", 0);
    cr_assert(first_fg >= 0 && a > first_fg, "the event at 0s came before app.first_open's visit");
    assert_has(t, "\"type\":\"event.open\",\"name\":\"b\"}\n");
    cr_assert_lt(find_type_from(t, "event.open", D), find_type_from(t, "event.close", D));
    free(t);
}

/* Drops the records of `type` from a trace (in place). */
static void drop_type(char *trace, const char *type)
{
    char key[64];
    snprintf(key, sizeof key, "\"type\":\"%s\"", type);
    char *w = trace;
    for (char *line = trace; *line;) {
        char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line + 1) : strlen(line);
        char saved = line[n - 1];
        line[n - 1] = '\0';
        bool keep = strstr(line, key) == NULL;
        line[n - 1] = saved;
        if (keep) {
            memmove(w, line, n);
            w += n;
        }
        line += n;
    }
    *w = '\0';
}

/* Mixing: an event that changes nothing leaves the stochastic models' draws where they were (the
 * trace without its record is the trace without the event). The default user and charging
 * habits draw from their streams all along. */
Test(events, an_event_does_not_move_the_models_draws)
{
    static const char base[] = ANDROID_HEAD "device:\n  kills: { swipes: { per_week: 3 } }\n";
    char with_ev[sizeof base + 128];
    snprintf(with_ev, sizeof with_ev, "%sevents:\n  - { at: 2d, do: network, state: schedule }\n", base);
    char *plain = run_yaml(base, 11), *mixed = run_yaml(with_ev, 11);
    cr_assert(strstr(mixed, "\"type\":\"event.network\""));
    cr_assert(strstr(plain, "\"type\":\"usage.session\""), "the user model drew no session: no test");
    drop_type(mixed, "event.network");
    cr_assert_str_eq(mixed, plain);
    free(plain);
    free(mixed);
}

/* `randomness: none` and events only: one trace for every seed. Without it the same file's
 * traces differ by seed (so the comparison can fail). */
Test(events, fully_scripted_scenario_is_the_same_for_any_seed)
{
    static const char scripted[] = ANDROID_HEAD "events:\n"
                                                "  - { at: 2026-01-06T12:00, do: force_stop }\n"
                                                "  - { at: 2026-01-08T12:00, do: open }\n"
                                                "  - { at: 2026-01-08T12:05, do: close }\n"
                                                "  - { at: 2026-01-08T22:00, do: plug }\n";
    char quiet[sizeof scripted + 32];
    snprintf(quiet, sizeof quiet, "%srandomness: none\n", scripted);
    char *q1 = run_yaml(quiet, 1), *q2 = run_yaml(quiet, 2), *q3 = run_yaml(quiet, 987654321);
    cr_assert_str_eq(q1, q2);
    cr_assert_str_eq(q1, q3);
    cr_assert(strstr(q1, "\"type\":\"worker.start\""), "nothing ran: no test");
    char *n1 = run_yaml(scripted, 1), *n2 = run_yaml(scripted, 2);
    cr_assert_str_neq(n1, n2, "the modeled scenario does not depend on the seed: the comparison proves nothing");
    free(q1), free(q2), free(q3), free(n1), free(n2);
}

/* The same on iOS, whose OS model draws too (early expiry, processing limits). */
Test(events, fully_scripted_ios_is_the_same_for_any_seed)
{
    static const char quiet[] = IOS_HEAD "randomness: none\nevents:\n  - { at: 1d, do: open }\n"
                                         "  - { at: 1d1m, do: close }\n";
    char *a = run_yaml(quiet, 1), *b = run_yaml(quiet, 5);
    cr_assert_str_eq(a, b);
    free(a), free(b);
}

/* --set reaches an event by index or by name, and its errors name the override. */
Test(events, set_addresses_events_by_index_and_name)
{
    static const char yaml[] = ANDROID_HEAD "events:\n"
                                            "  - { at: 1d, do: force_stop }\n"
                                            "  - { at: 3d, do: open, name: reopen }\n";
    const char *sets[] = {"events[reopen].at=2d", "events[0].do=swipe", "events[0].at=2026-01-05T12:00"};
    scn_scenario *s = load(yaml, sets, 3);
    cr_assert_eq(s->events.count, 2);
    cr_assert_eq(s->events.list[0].action, SCN_EV_SWIPE);
    cr_assert_eq(s->events.list[0].at, 5 * H);
    cr_assert_eq(s->events.list[1].at, 2 * D);
    scn_scenario_free(s);

    scn_override o;
    char why[256];
    cr_assert(scn_set_parse("events[0].do=forcestop", &o, why, sizeof why));
    sch_diag diag;
    scn_scenario *bad = NULL;
    cr_assert_neq(scn_load_buffer_with("t.yaml", yaml, strlen(yaml), &o, 1, &diag, &bad), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    sch_diag_print(&diag, f);
    fclose(f);
    cr_assert(strstr(text, "--set events[0].do=forcestop: expected an action"), "%s", text);
    cr_assert(strstr(text, "(did you mean 'force_stop'?)"), "%s", text);
    free(text);
    sch_diag_free(&diag);
    scn_override_free(&o);
}

/* The timeline (plots, report, Perfetto) marks each scripted event with its action. */
Test(events, timeline_marks_each_event)
{
    scn_scenario *s = load(ANDROID_HEAD "events:\n  - { at: 1d, do: plug }\n  - { at: 2d, do: force_stop }\n", NULL, 0);
    rep_record rec;
    char *t = run_trace(s, 3, &rec);
    size_t events = 0;
    for (size_t i = 0; i < rec.mark_count; i++) {
        if (rec.marks[i].kind != REP_MARK_EVENT)
            continue;
        cr_assert_eq(rec.marks[i].t, events == 0 ? D : 2 * D);
        cr_assert_str_eq(rec.marks[i].label, events == 0 ? "plug" : "force_stop");
        events++;
    }
    cr_assert_eq(events, 2);
    rep_record_free(&rec);
    free(t);
    scn_scenario_free(s);
}

/* A forced bucket stays below the exemption floor (getAppMinBucket): exempt, the app stays
 * EXEMPTED; when the exemption ends, the forced bucket shows. */
Test(events, forced_bucket_keeps_the_exemption_floor)
{
    char *t = run_yaml(ANDROID_HEAD "randomness: none\n"
                                    "events:\n"
                                    "  - { at: 1d, do: battery_optimization_exempt, enabled: true }\n"
                                    "  - { at: 1d1h, do: standby_bucket, bucket: rare }\n"
                                    "  - { at: 2d, do: battery_optimization_exempt, enabled: false }\n",
                       3);
    long ex = find_type_from(t, "os.bucket", D);
    cr_assert_eq(time_of(t, ex), D);
    cr_assert(strstr(t + ex, "\"bucket\":\"exempted\"") < strchr(t + ex, '\n'));
    long next = find_type_from(t, "os.bucket", D + 1);
    cr_assert_eq(time_of(t, next), 2 * D, "the bucket left EXEMPTED while exempt");
    char want[128];
    snprintf(want, sizeof want, "{\"t\":%lld,\"type\":\"os.bucket\",\"bucket\":\"rare\",\"reason\":\"forced\"}\n",
             (long long)(2 * D));
    assert_has(t, want);
    free(t);
}

/* randomness: none sets the models' defaults; a section still turns a source back on. */
Test(events, randomness_none_is_a_default_a_section_overrides)
{
    scn_scenario *s = load(ANDROID_HEAD "randomness: none\ndevice: { kills: { swipes: { per_week: 7 } } }\n", NULL, 0);
    for (size_t i = 0; i < mdl_model_count(); i++) {
        if (mdl_models[i] == &mdl_kills_model) {
            const mdl_kills_config *k = s->model_config[i];
            cr_assert_eq(k->swipes_per_week, 7);
            cr_assert_eq(k->reboots_per_week, 0);
            cr_assert_not(k->low_memory);
        } else if (mdl_models[i] == &mdl_usage_model) {
            const mdl_usage_config *u = s->model_config[i];
            cr_assert_eq(u->sleep_jitter, 0);
            for (int h = 0; h < MDL_USAGE_HOURS; h++)
                cr_assert_eq(u->session_rate[0][h] + u->session_rate[1][h], 0);
        } else if (mdl_models[i] == &mdl_battery_model) {
            const mdl_battery_config *b = s->model_config[i];
            cr_assert_not(b->nightly);
            cr_assert_not(b->top_ups);
        } else if (mdl_models[i] == &mdl_network_model) {
            cr_assert_eq(((const mdl_network_config *)s->model_config[i])->outages_per_day, 0);
        }
    }
    scn_scenario_free(s);
}

/* Nobody opens an app on a booting phone: during a reboot's downtime an open, a force stop or a
 * second reboot is skipped (traced so), a plug acts. The trace oracle (tools/oracle) found the
 * open-while-down before this rule ("device-down: app.start: the user opens the app while the
 * device is down"). */
Test(events, while_the_device_is_down_only_physical_events_act)
{
    char *t = run_yaml(ANDROID_HEAD "randomness: none\n"
                                    "events:\n"
                                    "  - { at: 1d, do: reboot, downtime: 1h }\n"
                                    "  - { at: 1d10m, do: open }\n"
                                    "  - { at: 1d11m, do: force_stop }\n"
                                    "  - { at: 1d12m, do: reboot }\n"
                                    "  - { at: 1d13m, do: plug }\n"
                                    "  - { at: 1d2h, do: open }\n",
                       3);
    char want[512];
    sim_time m = SIM_MINUTES(1);
    snprintf(want, sizeof want,
             "{\"t\":%lld,\"type\":\"event.open\",\"skipped\":\"device_down\"}\n"
             "{\"t\":%lld,\"type\":\"event.force_stop\",\"skipped\":\"device_down\"}\n"
             "{\"t\":%lld,\"type\":\"event.reboot\",\"skipped\":\"device_down\"}\n"
             "{\"t\":%lld,\"type\":\"event.plug\"}\n{\"t\":%lld,\"type\":\"battery.plug\",",
             (long long)(D + 10 * m), (long long)(D + 11 * m), (long long)(D + 12 * m), (long long)(D + 13 * m),
             (long long)(D + 13 * m));
    assert_has(t, want);
    /* the first process after the reboot is the worker's or the user's at 1d2h, not the skipped open */
    long start = find_type_from(t, "app.start", D);
    cr_assert_geq(time_of(t, start), D + H, "a process started while the device was down");
    free(t);
}
