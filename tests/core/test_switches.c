/* test_switches.c: every policy switch, each way. A test starts from a preset, flips exactly one
 * switch by name (through the same table a scenario loader uses) and checks the behaviour that
 * switch documents. "En" cites section En of docs/SOURCES.md (the Expo sources). */
#include "harness.h"

#include <criterion/criterion.h>

static harness H;

static void teardown(void) { h_fini(&H); }

TestSuite(switches, .fini = teardown);

/* Preset current/android with one switch set, then started. */
static void with(const char *sw, int64_t v)
{
    h_init(&H, "current", BGT_PLATFORM_ANDROID);
    cr_assert_eq(bgt_policy_set(&H.pol, sw, v), BGT_OK, "switch %s", sw);
    h_start(&H);
}

/* ---- default_interval_min ---- */

static void default_interval(int64_t v)
{
    with("default_interval_min", v);
    h_reg(&H, 0, -1);
    cr_assert_eq(H.f.last.delay_ms, v * MIN_MS);
}
Test(switches, default_interval_min_1440) { default_interval(1440); }
Test(switches, default_interval_min_720) { default_interval(720); }

/* ---- missing_interval_resets ---- */

static int64_t interval_after_a30_then_b_without(int64_t on)
{
    with("missing_interval_resets", on);
    h_reg(&H, 0, 30);
    h_reg(&H, 1, -1);
    return bgt_interval_min(H.c);
}
Test(switches, missing_interval_resets_on) { cr_assert_eq(interval_after_a30_then_b_without(1), 1440); }
Test(switches, missing_interval_resets_off) { cr_assert_eq(interval_after_a30_then_b_without(0), 30); }

/* ---- interval_floor_min ---- */

static int64_t delay_for_1_minute(int64_t floor)
{
    with("interval_floor_min", floor);
    h_reg(&H, 0, 1);
    return H.f.last.delay_ms;
}
Test(switches, interval_floor_min_15) { cr_assert_eq(delay_for_1_minute(15), 15 * MIN_MS); }
Test(switches, interval_floor_min_off) { cr_assert_eq(delay_for_1_minute(0), 1 * MIN_MS, "E8 quirk 3"); }

/* ---- constraints ---- */

static unsigned constraints_with(const char *sw, int64_t v)
{
    /* all constraint switches off but the one under test */
    h_init(&H, "current", BGT_PLATFORM_ANDROID);
    cr_assert_eq(bgt_policy_set(&H.pol, "require_network", 0), BGT_OK);
    cr_assert_eq(bgt_policy_set(&H.pol, sw, v), BGT_OK);
    h_start(&H);
    h_reg(&H, 0, 30);
    return H.f.last.constraints;
}
Test(switches, require_network_on) { cr_assert_eq(constraints_with("require_network", 1), BGT_CONSTRAINT_NETWORK); }
Test(switches, require_network_off) { cr_assert_eq(constraints_with("require_network", 0), 0); }
Test(switches, require_battery_not_low_on)
{
    cr_assert_eq(constraints_with("require_battery_not_low", 1), BGT_CONSTRAINT_BATTERY_NOT_LOW);
}
Test(switches, require_battery_not_low_off) { cr_assert_eq(constraints_with("require_battery_not_low", 0), 0); }
Test(switches, require_charging_on) { cr_assert_eq(constraints_with("require_charging", 1), BGT_CONSTRAINT_CHARGING); }
Test(switches, require_charging_off) { cr_assert_eq(constraints_with("require_charging", 0), 0); }

/* ---- schedule_on_register ---- */

Test(switches, schedule_on_register_on)
{
    with("schedule_on_register", 1);
    h_reg(&H, 0, 30);
    cr_assert_eq(H.f.nschedule, 1);
}
Test(switches, schedule_on_register_off)
{
    with("schedule_on_register", 0);
    h_reg(&H, 0, 30);
    cr_assert_eq(H.f.nschedule, 0);
    cr_assert_eq(H.f.state, BGT_WORKER_NONE);
}

/* ---- worker_only_in_background (EBT 0.1.2, E2.9) ---- */

Test(switches, worker_only_in_background_on)
{
    with("worker_only_in_background", 1);
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_background(H.c), BGT_OK);
    cr_assert_eq(H.f.last.mode, BGT_SCHEDULE_REPLACE);
    cr_assert_eq(H.f.due_ms, H.f.now + 30 * MIN_MS);
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    cr_assert_eq(H.f.ncancel, 1);
    cr_assert_eq(H.f.state, BGT_WORKER_NONE);
}
Test(switches, worker_only_in_background_off)
{
    size_t n;
    with("worker_only_in_background", 0);
    h_reg(&H, 0, 30);
    n = H.f.nschedule;
    cr_assert_eq(bgt_background(H.c), BGT_OK);
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    cr_assert_eq(H.f.nschedule, n);
    cr_assert_eq(H.f.ncancel, 0);
    cr_assert_eq(H.f.state, BGT_WORKER_ENQUEUED);
}

/* ---- keep_pending_worker (E2.3 step 2 vs E3.3 cold-launch reset) ---- */

static int64_t due_after_relaunch(int64_t keep)
{
    with("keep_pending_worker", keep);
    h_reg(&H, 0, 30);
    H.f.now += 20 * MIN_MS; /* the worker is 10 minutes from due when the app is relaunched */
    h_restart(&H);
    cr_assert_eq(H.f.state, BGT_WORKER_ENQUEUED);
    return H.f.due_ms - H.f.now;
}
Test(switches, keep_pending_worker_on) { cr_assert_eq(due_after_relaunch(1), 10 * MIN_MS); }
Test(switches, keep_pending_worker_off) { cr_assert_eq(due_after_relaunch(0), 30 * MIN_MS, "launch + interval"); }
Test(switches, keep_pending_worker_does_not_cancel_a_running_worker)
{
    with("keep_pending_worker", 1);
    h_reg(&H, 0, 30);
    H.f.state = BGT_WORKER_RUNNING; /* a headless restore inside the run (issue #44581) */
    h_restart(&H);
    cr_assert_eq(H.f.state, BGT_WORKER_RUNNING);
    cr_assert_eq(H.f.nschedule, 1);
}

/* ---- foreground_defer_cap_min (E2.5 L221-230) ---- */

Test(switches, foreground_defer_cap_min_60)
{
    bgt_worker_report rep;
    with("foreground_defer_cap_min", 60);
    h_reg(&H, 0, 1440);
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(rep.kind, BGT_RUN_DEFERRED_FOREGROUND);
    cr_assert_eq(H.spy[0].calls, 0);
    cr_assert_eq(rep.next_delay_ms, 60 * MIN_MS, "min(60, 1440)");
    cr_assert_eq(H.f.last.mode, BGT_SCHEDULE_APPEND);
}
Test(switches, foreground_defer_uses_interval_when_shorter)
{
    bgt_worker_report rep;
    with("foreground_defer_cap_min", 60);
    h_reg(&H, 0, 20);
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(rep.next_delay_ms, 20 * MIN_MS, "min(60, 20)");
}
Test(switches, foreground_defer_only_in_foreground)
{
    bgt_worker_report rep;
    with("foreground_defer_cap_min", 60);
    h_reg(&H, 0, 20);
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    cr_assert_eq(bgt_background(H.c), BGT_OK);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(rep.kind, BGT_RUN_RAN);
}
Test(switches, foreground_defer_cap_min_off)
{
    bgt_worker_report rep;
    with("foreground_defer_cap_min", 0);
    h_reg(&H, 0, 1440);
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(rep.kind, BGT_RUN_RAN, "iOS is not guarded (E7)");
    cr_assert_eq(H.spy[0].calls, 1);
}

/* ---- successor_append ---- */

static bgt_schedule_mode successor_mode(int64_t on)
{
    with("successor_append", on);
    h_reg(&H, 0, 30);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, NULL), BGT_OK);
    cr_assert_eq(H.f.due_ms, H.f.now + 30 * MIN_MS, "either way: completion + interval");
    return H.f.last.mode;
}
Test(switches, successor_append_on) { cr_assert_eq(successor_mode(1), BGT_SCHEDULE_APPEND); }
Test(switches, successor_append_off) { cr_assert_eq(successor_mode(0), BGT_SCHEDULE_REPLACE); }

/* ---- reschedule_on_expiry ---- */

static bool rescheduled_after_expiry(int64_t on)
{
    bgt_worker_report rep;
    with("reschedule_on_expiry", on);
    h_reg(&H, 0, 30);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_EXPIRED, &rep), BGT_OK);
    return rep.rescheduled;
}
Test(switches, reschedule_on_expiry_on) { cr_assert(rescheduled_after_expiry(1), "iOS E3.3"); }
Test(switches, reschedule_on_expiry_off) { cr_assert_not(rescheduled_after_expiry(0), "Android E2.5"); }

/* ---- unregister_undefined_on_fire (E1.2 L287-296) ---- */

static void fire_with_b_undefined(int64_t on, bgt_worker_report *rep)
{
    with("unregister_undefined_on_fire", on);
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 30);
    cr_assert_eq(bgt_process_kill(H.c), BGT_OK);
    h_define(&H, 0);
    cr_assert_eq(bgt_process_start(H.c, 0), BGT_OK);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, rep), BGT_OK);
}
Test(switches, unregister_undefined_on_fire_on)
{
    bgt_worker_report rep;
    fire_with_b_undefined(1, &rep);
    cr_assert_eq(rep.n_unregistered, 1);
    cr_assert_eq(bgt_is_registered(H.c, "b"), 0);
    cr_assert_eq(bgt_is_registered(H.c, "a"), 1);
    cr_assert(rep.rescheduled, "a remains, so the chain goes on");
}
Test(switches, unregister_undefined_on_fire_on_last_task_ends_chain)
{
    bgt_worker_report rep;
    with("unregister_undefined_on_fire", 1);
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_process_kill(H.c), BGT_OK);
    cr_assert_eq(bgt_process_start(H.c, 0), BGT_OK);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(bgt_task_count(H.c), 0);
    cr_assert_not(rep.rescheduled);
    cr_assert_eq(H.f.state, BGT_WORKER_NONE, "count 0 -> the worker is cancelled");
}
Test(switches, unregister_undefined_on_fire_off)
{
    bgt_worker_report rep;
    fire_with_b_undefined(0, &rep);
    cr_assert_eq(rep.n_undefined, 1);
    cr_assert_eq(rep.n_unregistered, 0);
    cr_assert_eq(bgt_is_registered(H.c, "b"), 1);
}

/* ---- reregister_updates_options (E1.1 vs E4.1) ---- */

static int64_t stored_interval_after_reregister(int64_t on)
{
    bgt_task_options o = { true, 5 }, got;
    with("reregister_updates_options", on);
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_register_task(H.c, "a", &o), BGT_OK);
    cr_assert_eq(bgt_interval_min(H.c), 30, "didRegister is not called again either way");
    cr_assert_eq(H.f.nschedule, 1);
    h_restart(&H);
    cr_assert_eq(bgt_task_at(H.c, 0, NULL, &got), BGT_OK);
    cr_assert_eq(bgt_interval_min(H.c), got.minimum_interval_min, "restore re-reads options (E8 quirk 5)");
    return got.minimum_interval_min;
}
Test(switches, reregister_updates_options_on) { cr_assert_eq(stored_interval_after_reregister(1), 5); }
Test(switches, reregister_updates_options_off) { cr_assert_eq(stored_interval_after_reregister(0), 30); }

/* An options update whose save fails leaves the old options, in memory and after a restart. The
 * registry is changed in place and the change undone on a failed save (issue 24): this checks the
 * undo of an update; api/failed_save_changes_nothing checks the undo of an insertion. */
Test(switches, reregister_update_with_failed_save_keeps_old_options)
{
    bgt_task_options o = { true, 5 }, got;
    with("reregister_updates_options", 1);
    h_reg(&H, 0, 30);
    H.f.fail_save = BGT_E_IO;
    cr_assert_eq(bgt_register_task(H.c, "a", &o), BGT_E_IO);
    cr_assert_eq(bgt_task_count(H.c), 1);
    cr_assert_eq(bgt_task_at(H.c, 0, NULL, &got), BGT_OK);
    cr_assert(got.has_minimum_interval);
    cr_assert_eq(got.minimum_interval_min, 30, "the failed update is undone in memory");
    h_restart(&H);
    cr_assert_eq(bgt_task_at(H.c, 0, NULL, &got), BGT_OK);
    cr_assert_eq(got.minimum_interval_min, 30, "and was never saved");
}

/* ---- strict_register (EBT < 0.2.5) ---- */

Test(switches, strict_register_on)
{
    with("strict_register", 1);
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_register_task(H.c, "a", NULL), BGT_E_EXISTS);
    cr_assert_eq(bgt_unregister_task(H.c, "zz"), BGT_E_NOT_FOUND);
}
Test(switches, strict_register_off)
{
    with("strict_register", 0);
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_register_task(H.c, "a", NULL), BGT_OK);
    cr_assert_eq(bgt_unregister_task(H.c, "zz"), BGT_OK);
}

/* ---- interval_change_reschedules (what-if against E2.2) ---- */

static size_t schedules_after_second_registration(int64_t on)
{
    with("interval_change_reschedules", on);
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 120);
    return H.f.nschedule;
}
Test(switches, interval_change_reschedules_on)
{
    cr_assert_eq(schedules_after_second_registration(1), 2);
    cr_assert_eq(H.f.last.delay_ms, 120 * MIN_MS);
    cr_assert_eq(H.f.last.mode, BGT_SCHEDULE_REPLACE);
}
Test(switches, interval_change_reschedules_off)
{
    cr_assert_eq(schedules_after_second_registration(0), 1);
    cr_assert_eq(H.f.last.delay_ms, 30 * MIN_MS);
}

/* ---- retry_failed_after_min (what-if against E2.5) ---- */

static int64_t delay_after_failure(int64_t retry)
{
    bgt_worker_report rep;
    with("retry_failed_after_min", retry);
    H.spy[0].result = BGT_RESULT_FAILED;
    h_reg(&H, 0, 30);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    return rep.next_delay_ms;
}
Test(switches, retry_failed_after_min_on) { cr_assert_eq(delay_after_failure(5), 5 * MIN_MS); }
Test(switches, retry_failed_after_min_off) { cr_assert_eq(delay_after_failure(0), 30 * MIN_MS); }

/* ---- trigger_enabled ---- */

Test(switches, trigger_enabled_on)
{
    with("trigger_enabled", 1);
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_trigger_for_testing(H.c, NULL), BGT_OK);
    cr_assert_eq(H.spy[0].calls, 1);
}
Test(switches, trigger_enabled_off)
{
    with("trigger_enabled", 0);
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_trigger_for_testing(H.c, NULL), BGT_E_UNAVAILABLE);
    cr_assert_eq(H.spy[0].calls, 0);
}

/* ---- restricted (E1.1, E3.4) ---- */

Test(switches, restricted_on)
{
    with("restricted", 1);
    h_define(&H, 0);
    h_define(&H, 1);
    cr_assert_eq(bgt_get_status(H.c), BGT_STATUS_RESTRICTED);
    cr_assert_eq(bgt_register_task(H.c, "a", NULL), BGT_E_RESTRICTED);
    cr_assert_eq(bgt_register_task(H.c, "b", NULL), BGT_E_RESTRICTED);
    cr_assert_eq(H.f.nlog, 1, "warned once");
    cr_assert_eq(bgt_task_count(H.c), 0);
    cr_assert_eq(H.f.nschedule, 0);
}
Test(switches, restricted_off)
{
    with("restricted", 0);
    cr_assert_eq(bgt_get_status(H.c), BGT_STATUS_AVAILABLE);
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_task_count(H.c), 1);
}
