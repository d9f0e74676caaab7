/* test_pending.c: deferred task results (BGT_RESULT_PENDING + bgt_worker_set_result), the core API
 * that lets device glue run task code outside the core and its lock, in parallel (issue 22, 1:
 * expo's runTasks awaitAll, docs/SOURCES.md E2.5, E4.4). Runs the "current" Android preset. */
#include "harness.h"

#include <criterion/criterion.h>

static harness H;

static void setup_android(void)
{
    h_init(&H, "current", BGT_PLATFORM_ANDROID);
    h_start(&H);
}

static void teardown(void) { h_fini(&H); }

TestSuite(pending, .init = setup_android, .fini = teardown);

Test(pending, callbacks_return_at_once_and_results_come_later)
{
    bgt_worker_report rep;
    H.spy[0].result = BGT_RESULT_PENDING;
    H.spy[1].result = BGT_RESULT_PENDING;
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 30);
    cr_assert_eq(bgt_worker_begin(H.c, &rep), BGT_OK);
    cr_assert_eq(rep.n_run, 2);
    cr_assert_eq(rep.n_pending, 2, "both tasks still running outside the core");
    cr_assert_eq(rep.n_success + rep.n_failed + rep.n_none, 0);
    /* While they run the core is free: the main thread may register, go foreground, read. */
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    cr_assert_eq(bgt_background(H.c), BGT_OK);
    cr_assert_eq(bgt_register_task(H.c, "a", NULL), BGT_OK);
    cr_assert_eq(bgt_worker_set_result(H.c, "b", BGT_RESULT_FAILED), BGT_OK);
    cr_assert_eq(bgt_worker_set_result(H.c, "b", BGT_RESULT_SUCCESS), BGT_E_NOT_FOUND,
                 "a task reports once");
    cr_assert_eq(bgt_worker_set_result(H.c, "a", BGT_RESULT_SUCCESS), BGT_OK);
    cr_assert_eq(bgt_worker_end(H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(rep.n_success, 1);
    cr_assert_eq(rep.n_failed, 1);
    cr_assert_eq(rep.n_none, 0);
    cr_assert(rep.rescheduled);
}

Test(pending, set_result_is_checked)
{
    H.spy[0].result = BGT_RESULT_PENDING;
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 30); /* returns SUCCESS synchronously: never pending */
    cr_assert_eq(bgt_worker_set_result(H.c, "a", BGT_RESULT_SUCCESS), BGT_E_STATE, "no run");
    cr_assert_eq(bgt_worker_begin(H.c, NULL), BGT_OK);
    cr_assert_eq(bgt_worker_set_result(H.c, "b", BGT_RESULT_SUCCESS), BGT_E_NOT_FOUND);
    cr_assert_eq(bgt_worker_set_result(H.c, "zzz", BGT_RESULT_SUCCESS), BGT_E_NOT_FOUND);
    cr_assert_eq(bgt_worker_set_result(H.c, "a", BGT_RESULT_PENDING), BGT_E_INVAL);
    cr_assert_eq(bgt_worker_set_result(NULL, "a", BGT_RESULT_SUCCESS), BGT_E_INVAL);
    cr_assert_eq(bgt_worker_set_result(H.c, NULL, BGT_RESULT_SUCCESS), BGT_E_INVAL);
    cr_assert_eq(bgt_worker_end(H.c, BGT_END_COMPLETED, NULL), BGT_OK);
    cr_assert_eq(bgt_worker_set_result(H.c, "a", BGT_RESULT_SUCCESS), BGT_E_STATE,
                 "a result after the end (an expired run) is dropped");
}

/* retry_failed_after_min needs the results before end: a deferred failure must count. */
Test(pending, deferred_failure_reaches_the_retry_switch)
{
    bgt_worker_report rep;
    h_fini(&H);
    h_init(&H, "current", BGT_PLATFORM_ANDROID);
    H.pol.retry_failed_after_min = 5;
    h_start(&H);
    H.spy[0].result = BGT_RESULT_PENDING;
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_worker_begin(H.c, &rep), BGT_OK);
    cr_assert_eq(bgt_worker_set_result(H.c, "a", BGT_RESULT_FAILED), BGT_OK);
    cr_assert_eq(bgt_worker_end(H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(rep.next_delay_ms, 5 * MIN_MS);
}

Test(pending, unreported_tasks_count_as_none_at_end)
{
    bgt_worker_report rep;
    H.spy[0].result = BGT_RESULT_PENDING;
    H.spy[1].result = BGT_RESULT_PENDING;
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 30);
    cr_assert_eq(bgt_worker_begin(H.c, &rep), BGT_OK);
    cr_assert_eq(bgt_worker_set_result(H.c, "a", BGT_RESULT_SUCCESS), BGT_OK);
    cr_assert_eq(bgt_worker_end(H.c, BGT_END_EXPIRED, &rep), BGT_OK);
    cr_assert_eq(rep.n_success, 1);
    cr_assert_eq(rep.n_none, 1);
    cr_assert_eq(rep.n_pending, 0);
    /* The next run starts clean: the old names are not pending any more. */
    H.spy[0].result = BGT_RESULT_SUCCESS;
    H.spy[1].result = BGT_RESULT_SUCCESS;
    cr_assert_eq(bgt_worker_begin(H.c, &rep), BGT_OK);
    cr_assert_eq(bgt_worker_set_result(H.c, "b", BGT_RESULT_SUCCESS), BGT_E_NOT_FOUND);
    cr_assert_eq(bgt_worker_end(H.c, BGT_END_COMPLETED, &rep), BGT_OK);
}

Test(pending, kill_during_run_drops_pending_tasks)
{
    H.spy[0].result = BGT_RESULT_PENDING;
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_worker_begin(H.c, NULL), BGT_OK);
    h_restart(&H);
    cr_assert_eq(bgt_worker_set_result(H.c, "a", BGT_RESULT_SUCCESS), BGT_E_STATE);
}

Test(pending, trigger_begin_checks_the_switch_then_defers)
{
    bgt_worker_report rep;
    h_fini(&H);
    h_init(&H, "current", BGT_PLATFORM_ANDROID);
    H.pol.trigger_enabled = false; /* a release build */
    h_start(&H);
    H.spy[0].result = BGT_RESULT_PENDING;
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_trigger_begin(H.c, &rep), BGT_E_UNAVAILABLE);
    cr_assert_eq(H.spy[0].calls, 0);
    h_fini(&H);
    h_init(&H, "current", BGT_PLATFORM_ANDROID);
    H.pol.trigger_enabled = true;
    h_start(&H);
    H.spy[0].result = BGT_RESULT_PENDING;
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_trigger_begin(H.c, &rep), BGT_OK);
    cr_assert_eq(rep.n_pending, 1);
    cr_assert_eq(bgt_worker_set_result(H.c, "a", BGT_RESULT_SUCCESS), BGT_OK);
    cr_assert_eq(bgt_worker_end(H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(rep.n_success, 1);
}
