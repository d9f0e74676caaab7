/* test_presets.c: each preset end to end, as an app on that platform and version would see it.
 * "En" cites section En of docs/SOURCES.md (the Expo sources). */
#include "harness.h"

#include <criterion/criterion.h>

static harness H;

static void teardown(void) { h_fini(&H); }

TestSuite(presets, .fini = teardown);

Test(presets, sdk52_android_worker_lives_only_in_background)
{
    h_init(&H, "sdk52", BGT_PLATFORM_ANDROID);
    h_start(&H);
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    h_reg(&H, 0, 1);
    cr_assert_eq(H.f.nschedule, 0, "E2.9: not scheduled at registration");
    cr_assert_eq(bgt_background(H.c), BGT_OK);
    cr_assert_eq(H.f.last.mode, BGT_SCHEDULE_REPLACE);
    cr_assert_eq(H.f.last.delay_ms, 15 * MIN_MS, "documented 15-minute floor");
    cr_assert_eq(H.f.last.constraints, BGT_CONSTRAINT_NETWORK | BGT_CONSTRAINT_BATTERY_NOT_LOW);
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    cr_assert_eq(H.f.state, BGT_WORKER_NONE, "E2.9: cancelled in foreground");
}

Test(presets, sdk52_ios_defaults_to_12_hours_without_floor)
{
    h_init(&H, "sdk52", BGT_PLATFORM_IOS);
    h_start(&H);
    h_reg(&H, 0, -1);
    cr_assert_eq(bgt_background(H.c), BGT_OK);
    cr_assert_eq(H.f.last.delay_ms, 720 * MIN_MS);
    cr_assert_eq(H.f.last.constraints, BGT_CONSTRAINT_NETWORK);
}

Test(presets, current_ios_cold_launch_pushes_the_next_run_out)
{
    h_init(&H, "current", BGT_PLATFORM_IOS);
    h_start(&H);
    h_reg(&H, 0, 60);
    H.f.now += 50 * MIN_MS; /* 10 minutes before due, the user opens the app */
    h_restart(&H);
    cr_assert_eq(H.f.last.mode, BGT_SCHEDULE_REPLACE);
    cr_assert_eq(H.f.due_ms, H.f.now + 60 * MIN_MS, "E3.3: earliest = launch + interval");
}

Test(presets, current_ios_expiry_reschedules_from_expiry_time)
{
    bgt_worker_report rep;
    h_init(&H, "current", BGT_PLATFORM_IOS);
    h_start(&H);
    H.spy[0].duration_ms = 3 * MIN_MS;
    h_reg(&H, 0, 60);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_EXPIRED, &rep), BGT_OK);
    cr_assert(rep.rescheduled);
    cr_assert_eq(H.f.last.mode, BGT_SCHEDULE_REPLACE);
    cr_assert_eq(H.f.due_ms, H.f.now + 60 * MIN_MS, "E3.3: cancel + submit(now + interval)");
}

Test(presets, current_ios_runs_tasks_in_foreground)
{
    bgt_worker_report rep;
    h_init(&H, "current", BGT_PLATFORM_IOS);
    h_start(&H);
    h_reg(&H, 0, 60);
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(rep.kind, BGT_RUN_RAN, "E7: iOS has no foreground guard");
}

Test(presets, current_android_headless_start_keeps_the_chain)
{
    int64_t due;
    h_init(&H, "current", BGT_PLATFORM_ANDROID);
    h_start(&H);
    h_reg(&H, 0, 60);
    due = H.f.due_ms;
    H.f.now += 59 * MIN_MS;
    h_restart(&H); /* e.g. BOOT_COMPLETED restore, E2.6 */
    cr_assert_eq(H.f.due_ms, due, "E2.3 step 2: the pending worker keeps its timer");
    cr_assert_eq(H.f.nschedule, 1);
}
