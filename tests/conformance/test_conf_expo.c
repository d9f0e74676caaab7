/*
 * Ported upstream cases: expo-background-task's own tests, and the behaviour its 57.0.21 code pins,
 * on bgsim's core (core/: the "current" preset) with the core suite's fake backend
 * (tests/core/fake_backend.h: WorkManager-like unique work, a fake clock).
 *
 *   Tests  expo/expo @1fe28862d5e4 packages/expo-background-task/android/src/test/java/expo/modules/
 *          backgroundtask/BackgroundTaskSchedulerTest.kt; expo/expo @1fb26c8fe66e
 *          packages/expo-background-task/ios/Tests/BackgroundTaskSchedulerTests.swift (both newer than
 *          57.0.21: the Android one tests a network option 57.0.21 does not have; bgsim's
 *          require_network switch is its counterpart).
 *   Code   npm expo-background-task@57.0.21 (the version bgsim reproduces, docs/SOURCES.md E0):
 *          android/.../BackgroundTaskScheduler.kt, BackgroundTaskConsumer.kt; ios/BackgroundTaskScheduler.swift.
 *          The package ships no tests of its own; a "code" case is named after the function and
 *          the line that pins the behaviour.
 * Cases not ported: DEVIATIONS.md in this folder.
 */
#include <criterion/criterion.h>

#include "harness.h"

static harness H;

static void teardown(void) { h_fini(&H); }

static void start(bgt_platform platform, const char *sw, int64_t v)
{
    h_init(&H, "current", platform);
    if (sw)
        cr_assert_eq(bgt_policy_set(&H.pol, sw, v), BGT_OK, "switch %s", sw);
    h_start(&H);
}

TestSuite(BackgroundTaskSchedulerTest, .fini = teardown);
TestSuite(BackgroundTaskSchedulerTests, .fini = teardown);
TestSuite(BackgroundTaskScheduler_kt, .fini = teardown);
TestSuite(BackgroundTaskConsumer_kt, .fini = teardown);
TestSuite(BackgroundTaskScheduler_swift, .fini = teardown);

/* ---- expo's tests ---------------------------------------------------------------------------- */

/* `the default keeps network connectivity required`: CONNECTED. */
Test(BackgroundTaskSchedulerTest, the_default_keeps_network_connectivity_required)
{
    start(BGT_PLATFORM_ANDROID, NULL, 0);
    h_reg(&H, 0, 30);
    cr_expect_eq(H.f.last.constraints, BGT_CONSTRAINT_NETWORK);
}

/* `requiring network connectivity keeps the CONNECTED constraint`. */
Test(BackgroundTaskSchedulerTest, requiring_network_connectivity_keeps_the_CONNECTED_constraint)
{
    start(BGT_PLATFORM_ANDROID, "require_network", 1);
    h_reg(&H, 0, 30);
    cr_expect_eq(H.f.last.constraints, BGT_CONSTRAINT_NETWORK);
}

/* `opting out of network connectivity leaves the work unconstrained` (NOT_REQUIRED). */
Test(BackgroundTaskSchedulerTest, opting_out_of_network_connectivity_leaves_the_work_unconstrained)
{
    start(BGT_PLATFORM_ANDROID, "require_network", 0);
    h_reg(&H, 0, 30);
    cr_expect_eq(H.f.last.constraints, 0);
}

/* testConcurrentScheduleWorkerCallsDoNotOverlapCancel: two scheduleWorker calls with one task
 * registered submit twice, each after its own cancel (never two cancels at once: the core is single
 * threaded, so calls cannot overlap). Here the registration and a cold launch (which re-registers
 * the restored task, E3.3) each cancel and resubmit. */
Test(BackgroundTaskSchedulerTests, testConcurrentScheduleWorkerCallsDoNotOverlapCancel)
{
    start(BGT_PLATFORM_IOS, NULL, 0);
    h_reg(&H, 0, 30);
    h_restart(&H);
    cr_expect_eq(H.f.nschedule, 2);
    cr_expect_eq(fake_count_mode(&H.f, BGT_SCHEDULE_REPLACE), 2, "cancel + submit each time");
}

/* ---- expo-background-task 57.0.21, Android --------------------------------------------------- */

/* registerTask (L49-57): the counter goes up, the interval is overwritten, and only the first
 * registration schedules. */
Test(BackgroundTaskScheduler_kt, registerTask_only_the_first_registration_schedules)
{
    start(BGT_PLATFORM_ANDROID, NULL, 0);
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 120);
    cr_expect_eq(H.f.nschedule, 1);
    cr_expect_eq(bgt_interval_min(H.c), 120, "this.intervalMinutes = intervalMinutes (L51)");
}

/* getIntervalMinutes (BackgroundTaskConsumer.kt L49-53): no minimumInterval is
 * DEFAULT_INTERVAL_MINUTES = 60 x 24 (BackgroundTaskScheduler.kt L29). */
Test(BackgroundTaskConsumer_kt, getIntervalMinutes_defaults_to_one_day)
{
    start(BGT_PLATFORM_ANDROID, NULL, 0);
    h_reg(&H, 0, -1);
    cr_expect_eq(H.f.last.delay_ms, 1440 * MIN_MS);
    h_reg(&H, 1, 30);
    h_reg(&H, 2, -1);
    cr_expect_eq(bgt_interval_min(H.c), 1440, "a registration without it resets the shared interval");
}

/* scheduleWorker (L105-141): a OneTimeWorkRequest with setInitialDelay(interval) and CONNECTED,
 * enqueued with REPLACE. */
Test(BackgroundTaskScheduler_kt, scheduleWorker_one_time_work_with_the_interval_as_initial_delay)
{
    start(BGT_PLATFORM_ANDROID, NULL, 0);
    h_reg(&H, 0, 45);
    cr_expect_eq(H.f.last.mode, BGT_SCHEDULE_REPLACE);
    cr_expect_eq(H.f.last.delay_ms, 45 * MIN_MS);
    cr_expect_eq(H.f.last.constraints, BGT_CONSTRAINT_NETWORK);
    cr_expect_eq(H.f.due_ms, H.f.now + 45 * MIN_MS);
}

/* scheduleWorker's guard (L86-94): with cancelExisting, an ENQUEUED or RUNNING unique work is kept
 * (a restore after a restart does not push the pending run out). */
Test(BackgroundTaskScheduler_kt, scheduleWorker_keeps_an_enqueued_worker)
{
    start(BGT_PLATFORM_ANDROID, NULL, 0);
    h_reg(&H, 0, 30);
    int64_t due = H.f.due_ms;
    H.f.now += 20 * MIN_MS;
    h_restart(&H);
    cr_expect_eq(H.f.due_ms, due);
    cr_expect_eq(H.f.ncancel, 0);
}

/* unregisterTask (L63-71): the last unregistration stops the worker. */
Test(BackgroundTaskScheduler_kt, unregisterTask_last_one_stops_the_worker)
{
    start(BGT_PLATFORM_ANDROID, NULL, 0);
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 30);
    cr_assert_eq(bgt_unregister_task(H.c, "b"), BGT_OK);
    cr_expect_eq(H.f.state, BGT_WORKER_ENQUEUED);
    cr_assert_eq(bgt_unregister_task(H.c, "a"), BGT_OK);
    cr_expect_eq(H.f.state, BGT_WORKER_NONE);
}

/* runTasks (L240-252): after every consumer finished, the successor is APPENDed with the full interval
 * (due an interval after completion). */
Test(BackgroundTaskScheduler_kt, runTasks_appends_the_successor_after_completion)
{
    start(BGT_PLATFORM_ANDROID, NULL, 0);
    H.spy[0].duration_ms = 3 * MIN_MS;
    h_reg(&H, 0, 30);
    H.f.now = H.f.due_ms;
    int64_t t0 = H.f.now;
    bgt_worker_report rep;
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_expect_eq(H.spy[0].calls, 1);
    cr_expect_eq(H.f.last.mode, BGT_SCHEDULE_APPEND);
    cr_expect_eq(H.f.due_ms, t0 + 3 * MIN_MS + 30 * MIN_MS);
}

/* runTasks (L220-229): in the foreground nothing runs and the successor is APPENDed
 * min(60, interval) minutes out. */
Test(BackgroundTaskScheduler_kt, runTasks_in_the_foreground_defers_by_at_most_an_hour)
{
    start(BGT_PLATFORM_ANDROID, NULL, 0);
    h_reg(&H, 0, 1440);
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    bgt_worker_report rep;
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_expect_eq(H.spy[0].calls, 0);
    cr_expect_eq(rep.next_delay_ms, 60 * MIN_MS);
    cr_expect_eq(H.f.last.mode, BGT_SCHEDULE_APPEND);
}

/* runTasks (L214-218): no consumers: return without rescheduling (the chain ends). */
Test(BackgroundTaskScheduler_kt, runTasks_without_consumers_ends_the_chain)
{
    start(BGT_PLATFORM_ANDROID, NULL, 0);
    size_t before = H.f.nschedule;
    bgt_worker_report rep;
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_expect_not(rep.rescheduled);
    cr_expect_eq(H.f.nschedule, before);
}

/* ---- expo-background-task 57.0.21, iOS -------------------------------------------------------- */

/* SchedulerState.scheduleWorker (L83-96): cancel, then submit a request due now + interval, 12 h by
 * default (intervalSeconds, L64), network required. */
Test(BackgroundTaskScheduler_swift, scheduleWorker_earliest_begin_date_is_now_plus_twelve_hours)
{
    start(BGT_PLATFORM_IOS, NULL, 0);
    h_reg(&H, 0, -1);
    cr_expect_eq(H.f.last.delay_ms, 720 * MIN_MS);
    cr_expect_eq(H.f.last.mode, BGT_SCHEDULE_REPLACE);
    cr_expect_eq(H.f.last.constraints, BGT_CONSTRAINT_NETWORK);
}

/* didRegisterTask (L66-72): a registration without minutes keeps the previous interval. */
Test(BackgroundTaskScheduler_swift, didRegisterTask_without_minutes_keeps_the_interval)
{
    start(BGT_PLATFORM_IOS, NULL, 0);
    h_reg(&H, 0, 30);
    h_reg(&H, 1, -1);
    cr_expect_eq(bgt_interval_min(H.c), 30);
}

/* didUnregisterTask (L74-77): the counter has a floor of 0 (an extra unregistration does not make
 * the next registration skip scheduling). */
Test(BackgroundTaskScheduler_swift, didUnregisterTask_counter_floor_is_zero)
{
    start(BGT_PLATFORM_IOS, NULL, 0);
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_unregister_task(H.c, "a"), BGT_OK);
    cr_assert_eq(bgt_unregister_task(H.c, "a"), BGT_OK);
    size_t before = H.f.nschedule;
    h_reg(&H, 1, 30);
    cr_expect_eq(H.f.nschedule, before + 1);
}
