/* test_api.c: conformance of the public API and the worker, one behaviour per test.
 * Unless a test says otherwise it runs the "current" Android preset (EBT 57.0.21).
 * "En" cites section En of docs/SOURCES.md (the Expo sources). */
#include "harness.h"
#include "bgt_registry.h" /* internal (not installed): the tests decode what the core saved */

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static harness H;

static void setup_android(void)
{
    h_init(&H, "current", BGT_PLATFORM_ANDROID);
    h_start(&H);
}

static void teardown(void) { h_fini(&H); }

TestSuite(api, .init = setup_android, .fini = teardown);

/* ---- handle and errors ---- */

Test(api, create_rejects_missing_backend_function)
{
    bgt_backend b = fake_backend(&H.f);
    bgt *c = NULL;
    b.save = NULL;
    cr_assert_eq(bgt_create(&b, &H.pol, &c), BGT_E_INVAL);
    cr_assert_null(c);
    cr_assert_eq(bgt_create(NULL, &H.pol, &c), BGT_E_INVAL);
}

Test(api, free_null_is_noop)
{
    bgt_free(NULL);
    bgt_registry_free(NULL);
}

Test(api, strerror_names_every_code_distinctly)
{
    int i, j;
    for (i = BGT_OK; i >= BGT_E_RANGE; i--) {
        cr_assert_str_neq(bgt_strerror(i), "unknown error", "code %d", i);
        for (j = i - 1; j >= BGT_E_RANGE; j--)
            cr_assert_str_neq(bgt_strerror(i), bgt_strerror(j));
    }
    cr_assert_str_eq(bgt_strerror(-999), "unknown error");
}

Test(api, calls_need_a_started_process)
{
    fake f;
    bgt_backend b;
    bgt *c = NULL;
    fake_init(&f);
    b = fake_backend(&f);
    cr_assert_eq(bgt_create(&b, &H.pol, &c), BGT_OK);
    cr_assert_eq(bgt_define_task(c, "a", task_fn, &H.spy[0]), BGT_OK); /* allowed before start */
    cr_assert_eq(bgt_register_task(c, "a", NULL), BGT_E_STATE);
    cr_assert_eq(bgt_unregister_task(c, "a"), BGT_E_STATE);
    cr_assert_eq(bgt_foreground(c), BGT_E_STATE);
    cr_assert_eq(bgt_worker_begin(c, NULL), BGT_E_STATE);
    cr_assert_eq(bgt_process_kill(c), BGT_E_STATE);
    cr_assert_eq(f.nload + f.nschedule + f.ncancel + f.nquery, 0, "no backend call before start");
    bgt_free(c);
    fake_fini(&f);
}

Test(api, start_twice_is_a_state_error)
{
    cr_assert_eq(bgt_process_start(H.c, 0), BGT_E_STATE);
}

/* ---- registration ---- */

Test(api, register_requires_definition)
{
    cr_assert_eq(bgt_register_task(H.c, "a", NULL), BGT_E_NOT_DEFINED); /* E1.1 L82-86 */
    cr_assert_eq(bgt_task_count(H.c), 0);
    cr_assert_eq(H.f.nsave, 0);
}

Test(api, register_rejects_bad_names_and_intervals)
{
    char longname[BGT_NAME_MAX + 2];
    bgt_task_options neg = { true, -1 }, huge = { true, BGT_INTERVAL_MAX_MIN + 1 };
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    h_define(&H, 0);
    cr_assert_eq(bgt_register_task(H.c, "", NULL), BGT_E_INVAL);
    cr_assert_eq(bgt_register_task(H.c, NULL, NULL), BGT_E_INVAL);
    cr_assert_eq(bgt_register_task(H.c, longname, NULL), BGT_E_INVAL);
    cr_assert_eq(bgt_define_task(H.c, longname, task_fn, NULL), BGT_E_INVAL);
    cr_assert_eq(bgt_register_task(H.c, "a", &neg), BGT_E_RANGE);
    cr_assert_eq(bgt_register_task(H.c, "a", &huge), BGT_E_RANGE);
    cr_assert_eq(bgt_task_count(H.c), 0);
}

Test(api, register_persists_the_registry)
{
    bgt_registry *r = NULL;
    const char *name;
    bgt_task_options o;
    h_reg(&H, 0, 30);
    h_reg(&H, 1, -1);
    cr_assert_eq(H.f.nsave, 2);
    cr_assert_eq(bgt_registry_decode(H.f.committed, H.f.committed_len, &r), BGT_OK);
    cr_assert_eq(bgt_registry_count(r), 2);
    cr_assert_eq(bgt_registry_get(r, 0, &name, &o), BGT_OK);
    cr_assert_str_eq(name, "a");
    cr_assert(o.has_minimum_interval);
    cr_assert_eq(o.minimum_interval_min, 30);
    cr_assert_eq(bgt_registry_get(r, 1, &name, &o), BGT_OK);
    cr_assert_str_eq(name, "b");
    cr_assert_not(o.has_minimum_interval, "absence of minimumInterval is kept (E2.2 vs E3.1)");
    bgt_registry_free(r);
}

Test(api, first_registration_schedules_the_worker)
{
    h_reg(&H, 0, 30);
    cr_assert_eq(H.f.nschedule, 1);
    cr_assert_eq(H.f.last.mode, BGT_SCHEDULE_REPLACE);
    cr_assert_eq(H.f.last.delay_ms, 30 * MIN_MS);
    cr_assert_eq(H.f.last.constraints, BGT_CONSTRAINT_NETWORK);
    cr_assert_eq(H.f.due_ms, H.f.now + 30 * MIN_MS);
}

Test(api, later_registration_does_not_reschedule)
{
    h_reg(&H, 0, 30);
    H.f.now += MIN_MS;
    h_reg(&H, 1, 120);
    cr_assert_eq(H.f.nschedule, 1, "E2.2: only the first registration schedules");
    cr_assert_eq(bgt_interval_min(H.c), 120, "but the shared interval is overwritten");
}

Test(api, last_registered_interval_applies_after_next_run)
{
    bgt_worker_report rep;
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 120);
    H.f.now = H.f.due_ms;
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(rep.next_delay_ms, 120 * MIN_MS, "E2.2 last wins, E8 quirk 5");
    cr_assert_eq(H.f.due_ms, H.f.now + 120 * MIN_MS);
}

Test(api, reregister_is_a_silent_noop)
{
    bgt_task_options o = { true, 5 };
    const char *name;
    bgt_task_options got;
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_register_task(H.c, "a", &o), BGT_OK); /* E1.1 L100-102 */
    cr_assert_eq(bgt_task_at(H.c, 0, &name, &got), BGT_OK);
    cr_assert_eq(got.minimum_interval_min, 30, "new options are ignored");
    cr_assert_eq(bgt_interval_min(H.c), 30);
    cr_assert_eq(H.f.nsave, 1);
}

Test(api, unregister_unknown_is_ok)
{
    cr_assert_eq(bgt_unregister_task(H.c, "zz"), BGT_OK); /* E1.1 L116-119 */
    cr_assert_eq(H.f.nsave, 0);
}

Test(api, unregister_last_task_cancels_worker)
{
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_unregister_task(H.c, "a"), BGT_OK);
    cr_assert_eq(H.f.ncancel, 1); /* E2.6 */
    cr_assert_eq(H.f.state, BGT_WORKER_NONE);
    cr_assert_eq(bgt_is_registered(H.c, "a"), 0);
}

Test(api, unregister_other_task_keeps_worker)
{
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 30);
    cr_assert_eq(bgt_unregister_task(H.c, "b"), BGT_OK);
    cr_assert_eq(H.f.ncancel, 0);
    cr_assert_eq(H.f.state, BGT_WORKER_ENQUEUED);
    cr_assert_eq(bgt_interval_min(H.c), 30, "E2.2: unregistering restores no interval");
}

Test(api, unregister_all_clears_and_cancels)
{
    bgt_registry *r = NULL;
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 30);
    cr_assert_eq(bgt_unregister_all(H.c), BGT_OK);
    cr_assert_eq(bgt_task_count(H.c), 0);
    cr_assert_eq(H.f.ncancel, 1);
    cr_assert_eq(bgt_registry_decode(H.f.committed, H.f.committed_len, &r), BGT_OK);
    cr_assert_eq(bgt_registry_count(r), 0, "the persisted registry is empty too");
    bgt_registry_free(r);
    /* a new registration schedules again: the counter went back to 0 */
    h_reg(&H, 2, 10);
    cr_assert_eq(H.f.state, BGT_WORKER_ENQUEUED);
}

Test(api, list_is_in_registration_order)
{
    const char *name;
    int i, order[] = { 2, 0, 3 };
    for (i = 0; i < 3; i++)
        h_reg(&H, order[i], 10 + i);
    cr_assert_eq(bgt_task_count(H.c), 3);
    for (i = 0; i < 3; i++) {
        cr_assert_eq(bgt_task_at(H.c, (size_t)i, &name, NULL), BGT_OK);
        cr_assert_str_eq(name, h_name(order[i]));
    }
    cr_assert_eq(bgt_task_at(H.c, 3, &name, NULL), BGT_E_RANGE);
    cr_assert_eq(bgt_is_registered(H.c, "c"), 1);
    cr_assert_eq(bgt_is_registered(H.c, "b"), 0);
}

Test(api, status_is_available_on_a_device)
{
    cr_assert_eq(bgt_get_status(H.c), BGT_STATUS_AVAILABLE); /* E1.1 BackgroundTaskModule.kt L22-24 */
    cr_assert_eq(BGT_STATUS_RESTRICTED, 1);
    cr_assert_eq(BGT_RESULT_SUCCESS, 1);
    cr_assert_eq(BGT_RESULT_FAILED, 2);
}

Test(api, failed_save_changes_nothing)
{
    h_define(&H, 0);
    H.f.fail_save = BGT_E_IO;
    cr_assert_eq(bgt_register_task(H.c, "a", NULL), BGT_E_IO);
    cr_assert_eq(bgt_is_registered(H.c, "a"), 0);
    cr_assert_eq(H.f.nschedule, 0, "no worker for a registration that was not persisted");
    h_reg(&H, 0, 30);
    H.f.fail_save = BGT_E_IO;
    cr_assert_eq(bgt_unregister_task(H.c, "a"), BGT_E_IO);
    cr_assert_eq(bgt_is_registered(H.c, "a"), 1);
    cr_assert_eq(H.f.ncancel, 0);
}

/* ---- the worker ---- */

Test(api, worker_runs_every_registered_task_in_order)
{
    bgt_worker_report rep;
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 30);
    h_reg(&H, 2, 30);
    h_define(&H, 3); /* defined, not registered: must not run */
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(rep.kind, BGT_RUN_RAN);
    cr_assert_eq(rep.n_run, 3);
    cr_assert(H.spy[0].calls == 1 && H.spy[1].calls == 1 && H.spy[2].calls == 1);
    cr_assert_eq(H.spy[3].calls, 0);
    cr_assert(H.spy[0].order < H.spy[1].order && H.spy[1].order < H.spy[2].order);
    cr_assert_eq(H.spy[0].last_now, H.f.now);
}

Test(api, worker_counts_results)
{
    bgt_worker_report rep;
    H.spy[0].result = BGT_RESULT_SUCCESS;
    H.spy[1].result = BGT_RESULT_FAILED;
    H.spy[2].result = BGT_RESULT_NONE;
    H.spy[3].result = 77; /* E3.3: other values are not Success/Failed */
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 30);
    h_reg(&H, 2, 30);
    h_reg(&H, 3, 30);
    cr_assert_eq(bgt_worker_run(H.c, &rep), BGT_OK);
    cr_assert_eq(rep.n_success, 1);
    cr_assert_eq(rep.n_failed, 1);
    cr_assert_eq(rep.n_none, 2);
}

/* A task callback that counts its calls and the calls made for another task's name. */
typedef struct named_spy {
    const char *name;
    int calls, wrong_name;
} named_spy;

static int named_fn(void *user, const bgt_task_call *call, int64_t *duration_ms)
{
    named_spy *s = user;
    s->calls++;
    s->wrong_name += strcmp(call->name, s->name) != 0;
    *duration_ms = 0;
    return BGT_RESULT_SUCCESS;
}

/* A run finds each registered task's definition through the hint it keeps per registry entry
 * (bgt__find_def_at): in processes that define the tasks in other orders (so a hint points at
 * another task's definition), every run calls each registered task's own definition once. */
Test(api, runs_call_the_definitions_of_their_names_in_every_process)
{
    static const int orders[][4] = { { 0, 1, 2, 3 }, { 3, 2, 1, 0 }, { 2, 0, 3, 1 }, { 1, 3, 0, 2 } };
    named_spy spy[4];
    bgt_worker_report rep;
    int p, k;
    for (k = 0; k < 4; k++) {
        spy[k] = (named_spy){ h_name(k), 0, 0 };
        h_reg(&H, k, 30);
    }
    for (p = 0; p < 8; p++) {
        cr_assert_eq(bgt_process_kill(H.c), BGT_OK);
        for (k = 0; k < 4; k++) {
            int t = orders[p % 4][k];
            cr_assert_eq(bgt_define_task(H.c, h_name(t), named_fn, &spy[t]), BGT_OK);
        }
        cr_assert_eq(bgt_process_start(H.c, 0), BGT_OK);
        cr_assert_eq(bgt_worker_begin(H.c, &rep), BGT_OK);
        cr_assert_eq(rep.n_run, 4);
        for (k = 0; k < 4; k++) {
            cr_assert_eq(spy[k].calls, p + 1, "process %d: task %s", p, h_name(k));
            cr_assert_eq(spy[k].wrong_name, 0, "process %d: task %s called for another name", p, h_name(k));
        }
        cr_assert_eq(bgt_worker_end(H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    }
}

/* One run: each task in `want` (registry order) called once with its own name, the others not. */
static void run_calls_exactly(named_spy *spy, const int *want, int nwant)
{
    bgt_worker_report rep;
    int before[4], k, j;
    for (k = 0; k < 4; k++)
        before[k] = spy[k].calls;
    cr_assert_eq(bgt_worker_begin(H.c, &rep), BGT_OK);
    cr_assert_eq(bgt_worker_end(H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    for (k = 0; k < 4; k++) {
        int expected = 0;
        for (j = 0; j < nwant; j++)
            expected += want[j] == k;
        cr_assert_eq(spy[k].calls - before[k], expected, "task %s", h_name(k));
        cr_assert_eq(spy[k].wrong_name, 0, "task %s called for another name", h_name(k));
    }
}

/* Within one process, a hint needs no name check until the registry changes (hints_fresh): an
 * unregistration moves the entries after it, a registration appends, a failed save's undo and a
 * definition made after a run change what a hint may hold. Every run still calls each registered
 * task's own definition once, and an undefined one none. */
Test(api, hints_follow_every_change_of_the_registry_in_one_process)
{
    named_spy spy[4];
    bgt_task_options o = { true, 30 };
    int k;
    for (k = 0; k < 4; k++) {
        spy[k] = (named_spy){ h_name(k), 0, 0 };
        if (k < 3) {
            cr_assert_eq(bgt_define_task(H.c, h_name(k), named_fn, &spy[k]), BGT_OK);
            cr_assert_eq(bgt_register_task(H.c, h_name(k), &o), BGT_OK);
        }
    }
    run_calls_exactly(spy, (const int[]){ 0, 1, 2 }, 3);
    run_calls_exactly(spy, (const int[]){ 0, 1, 2 }, 3); /* through the fresh hints */
    cr_assert_eq(bgt_unregister_task(H.c, h_name(0)), BGT_OK); /* b, c move down one place */
    run_calls_exactly(spy, (const int[]){ 1, 2 }, 2);
    cr_assert_eq(bgt_register_task(H.c, h_name(0), &o), BGT_OK); /* appended: b, c, a */
    run_calls_exactly(spy, (const int[]){ 1, 2, 0 }, 3);
    cr_assert_eq(bgt_define_task(H.c, h_name(3), named_fn, &spy[3]), BGT_OK);
    H.f.fail_save = BGT_E_IO; /* d appended, the save fails, the append is undone: b, c, a */
    cr_assert_neq(bgt_register_task(H.c, h_name(3), &o), BGT_OK);
    run_calls_exactly(spy, (const int[]){ 1, 2, 0 }, 3);
    H.f.fail_save = BGT_E_IO; /* a failed unregistration keeps b, c, a */
    cr_assert_neq(bgt_unregister_task(H.c, h_name(1)), BGT_OK);
    run_calls_exactly(spy, (const int[]){ 1, 2, 0 }, 3);
    cr_assert_eq(bgt_unregister_task(H.c, h_name(1)), BGT_OK); /* c, a */
    run_calls_exactly(spy, (const int[]){ 2, 0 }, 2);
    cr_assert_eq(bgt_register_task(H.c, h_name(3), &o), BGT_OK); /* c, a, d */
    run_calls_exactly(spy, (const int[]){ 2, 0, 3 }, 3);
    run_calls_exactly(spy, (const int[]){ 2, 0, 3 }, 3);
}

Test(api, run_lasts_as_long_as_the_longest_task)
{
    bgt_worker_report rep;
    H.spy[0].duration_ms = 5000;
    H.spy[1].duration_ms = 90000;
    H.spy[2].duration_ms = -7; /* treated as 0 */
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 30);
    h_reg(&H, 2, 30);
    cr_assert_eq(bgt_worker_begin(H.c, &rep), BGT_OK);
    cr_assert_eq(rep.busy_ms, 90000, "E4.4: tasks run in parallel");
    cr_assert_eq(bgt_worker_end(H.c, BGT_END_COMPLETED, &rep), BGT_OK);
}

Test(api, next_run_counts_from_completion)
{
    bgt_worker_report rep;
    int64_t start;
    H.spy[0].duration_ms = 4 * MIN_MS;
    h_reg(&H, 0, 30);
    H.f.now = start = H.f.due_ms;
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(H.f.last.mode, BGT_SCHEDULE_APPEND, "E2.5 L250-252");
    cr_assert_eq(H.f.due_ms, start + 4 * MIN_MS + 30 * MIN_MS, "E2.5: finish + interval");
    cr_assert(rep.rescheduled);
}

Test(api, result_never_changes_scheduling)
{
    bgt_worker_report ok, bad;
    h_reg(&H, 0, 30);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &ok), BGT_OK);
    H.spy[0].result = BGT_RESULT_FAILED;
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &bad), BGT_OK);
    cr_assert_eq(bad.n_failed, 1);
    cr_assert_eq(ok.next_delay_ms, bad.next_delay_ms); /* E2.5 BackgroundTaskConsumer.kt L30-33 */
    cr_assert(ok.rescheduled && bad.rescheduled);
}

Test(api, run_without_tasks_ends_the_chain)
{
    bgt_worker_report rep;
    size_t before = H.f.nschedule;
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(rep.kind, BGT_RUN_NO_TASKS); /* E2.5 L216-218, E8 quirk 7 */
    cr_assert_not(rep.rescheduled);
    cr_assert_eq(H.f.nschedule, before);
    cr_assert_eq(H.f.state, BGT_WORKER_NONE);
}

Test(api, undefined_task_finishes_with_null_result)
{
    bgt_worker_report rep;
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 30);
    cr_assert_eq(bgt_process_kill(H.c), BGT_OK);
    h_define(&H, 0); /* "b" is not defined in this process */
    cr_assert_eq(bgt_process_start(H.c, 0), BGT_OK);
    cr_assert_eq(fake_fire(&H.f, H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_eq(rep.n_run, 1);
    cr_assert_eq(rep.n_undefined, 1);
    cr_assert_eq(rep.n_none, 1, "E1.2: finished with result null");
}

Test(api, callbacks_cannot_reenter_mutating_calls)
{
    bgt_worker_report rep;
    H.spy[0].reenter = H.c;
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_worker_run(H.c, &rep), BGT_OK);
    cr_assert_eq(H.spy[0].reenter_rc, BGT_E_BUSY);
    cr_assert_eq(H.spy[0].reenter_ro, 1, "read-only calls are allowed");
}

Test(api, worker_protocol_is_enforced)
{
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_worker_end(H.c, BGT_END_COMPLETED, NULL), BGT_E_STATE);
    cr_assert_eq(bgt_worker_begin(H.c, NULL), BGT_OK);
    cr_assert_eq(bgt_worker_begin(H.c, NULL), BGT_E_BUSY);
    cr_assert_eq(bgt_trigger_for_testing(H.c, NULL), BGT_E_BUSY);
    cr_assert_eq(bgt_worker_end(H.c, (bgt_end_reason)9, NULL), BGT_E_INVAL);
    cr_assert_eq(bgt_worker_end(H.c, BGT_END_COMPLETED, NULL), BGT_OK);
}

Test(api, unregister_during_run_leaves_no_successor)
{
    bgt_worker_report rep;
    h_reg(&H, 0, 30);
    H.f.state = BGT_WORKER_RUNNING;
    cr_assert_eq(bgt_worker_begin(H.c, &rep), BGT_OK);
    cr_assert_eq(bgt_unregister_task(H.c, "a"), BGT_OK); /* cancels the running worker, E2.6 */
    cr_assert_eq(bgt_worker_end(H.c, BGT_END_COMPLETED, &rep), BGT_OK);
    cr_assert_not(rep.rescheduled, "E2.3 step 1: no registered tasks");
    cr_assert_eq(H.f.state, BGT_WORKER_NONE);
}

Test(api, kill_during_run_leaves_no_successor)
{
    size_t before;
    h_reg(&H, 0, 30);
    before = H.f.nschedule;
    cr_assert_eq(bgt_worker_begin(H.c, NULL), BGT_OK);
    cr_assert_eq(bgt_process_kill(H.c), BGT_OK); /* E2.5: the successor is never enqueued */
    cr_assert_eq(H.f.nschedule, before);
    cr_assert_eq(bgt_worker_end(H.c, BGT_END_COMPLETED, NULL), BGT_E_STATE);
}

Test(api, kill_forgets_definitions_and_process_state)
{
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    cr_assert_eq(bgt_process_kill(H.c), BGT_OK);
    cr_assert_not(bgt_is_defined(H.c, "a"), "defineTask lives in the JS context of one process");
    cr_assert_not(bgt_is_started(H.c));
    cr_assert_eq(bgt_process_start(H.c, 0), BGT_OK);
    cr_assert_not(bgt_is_foreground(H.c), "E2.1: a new process starts without foreground");
    cr_assert_eq(bgt_is_registered(H.c, "a"), 1, "the registry persists");
}

Test(api, start_restores_registry_and_last_interval)
{
    h_reg(&H, 0, 30);
    h_reg(&H, 1, 45);
    cr_assert_eq(bgt_process_kill(H.c), BGT_OK);
    cr_assert_eq(bgt_interval_min(H.c), 1440, "volatile interval reset by the kill");
    cr_assert_eq(bgt_process_start(H.c, 0), BGT_OK);
    cr_assert_eq(bgt_task_count(H.c), 2);
    cr_assert_eq(bgt_interval_min(H.c), 45, "E2.6 restore replays registrations: last wins");
}

Test(api, start_reports_a_corrupt_registry_and_stays_stopped)
{
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_process_kill(H.c), BGT_OK);
    H.f.committed[H.f.committed_len - 1] ^= 0x40;
    cr_assert_eq(bgt_process_start(H.c, 0), BGT_E_CHECKSUM);
    cr_assert_not(bgt_is_started(H.c));
    cr_assert_eq(bgt_task_count(H.c), 0, "never half-loaded");
    cr_assert_eq(bgt_process_start(H.c, BGT_START_DISCARD_CORRUPT), BGT_OK);
    cr_assert_eq(bgt_task_count(H.c), 0);
    cr_assert_gt(H.f.nlog, 0);
}

Test(api, start_propagates_a_storage_error)
{
    cr_assert_eq(bgt_process_kill(H.c), BGT_OK);
    H.f.fail_load = BGT_E_IO;
    cr_assert_eq(bgt_process_start(H.c, 0), BGT_E_IO);
    cr_assert_not(bgt_is_started(H.c));
}

Test(api, fresh_install_starts_empty)
{
    cr_assert_eq(H.f.nload, 1);
    cr_assert_null(H.f.committed);
    cr_assert_eq(bgt_task_count(H.c), 0);
    cr_assert_eq(H.f.nschedule + H.f.ncancel, 0, "nothing to schedule on a fresh install");
}

Test(api, trigger_runs_the_worker_in_process)
{
    bgt_worker_report rep;
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_trigger_for_testing(H.c, &rep), BGT_OK);
    cr_assert_eq(rep.kind, BGT_RUN_RAN);
    cr_assert_eq(H.spy[0].calls, 1);
    /* E1.1: runTasks called directly, not through WorkManager, so its successor APPENDs behind the
     * worker that is already enqueued rather than replacing it */
    cr_assert_eq(H.f.last.mode, BGT_SCHEDULE_APPEND);
}

Test(api, trigger_in_foreground_hits_the_android_guard)
{
    bgt_worker_report rep;
    h_reg(&H, 0, 30);
    cr_assert_eq(bgt_foreground(H.c), BGT_OK);
    cr_assert_eq(bgt_trigger_for_testing(H.c, &rep), BGT_OK);
    cr_assert_eq(rep.kind, BGT_RUN_DEFERRED_FOREGROUND, "expo/expo#39978");
    cr_assert_eq(H.spy[0].calls, 0);
}

/* ---- many definitions (the name index, issue 24) ---- */

static int count_fn(void *user, const bgt_task_call *call, int64_t *duration_ms)
{
    (void)call;
    (void)duration_ms;
    ++*(int *)user;
    return BGT_RESULT_SUCCESS;
}

/* 300 definitions grow the index several times; each run must call every task's own callback
 * once, a redefinition must replace the callback in place, and a process kill must forget them. */
Test(api, many_definitions_each_find_their_own_callback)
{
    enum { N = 300 };
    static int calls[N], redefined[N];
    char name[16];
    int i;
    for (i = 0; i < N; i++) {
        snprintf(name, sizeof name, "t%d", i);
        cr_assert_eq(bgt_define_task(H.c, name, count_fn, &calls[i]), BGT_OK);
    }
    for (i = 0; i < N; i += 7) { /* redefine every 7th task with another counter */
        snprintf(name, sizeof name, "t%d", i);
        cr_assert_eq(bgt_define_task(H.c, name, count_fn, &redefined[i]), BGT_OK);
    }
    for (i = 0; i < N; i++) {
        snprintf(name, sizeof name, "t%d", i);
        cr_assert_eq(bgt_register_task(H.c, name, NULL), BGT_OK, "%s", name);
    }
    cr_assert(!bgt_is_defined(H.c, "t300"));
    cr_assert(!bgt_is_defined(H.c, "t"));
    bgt_worker_report r;
    cr_assert_eq(bgt_worker_run(H.c, &r), BGT_OK);
    cr_assert_eq(r.n_run, (size_t)N);
    cr_assert_eq(r.n_undefined, 0);
    for (i = 0; i < N; i++) {
        cr_assert_eq(calls[i], i % 7 ? 1 : 0, "t%d", i);
        cr_assert_eq(redefined[i], i % 7 ? 0 : 1, "t%d", i);
    }
    cr_assert_eq(bgt_process_kill(H.c), BGT_OK);
    cr_assert(!bgt_is_defined(H.c, "t0"));
    cr_assert(!bgt_is_defined(H.c, "t299"));
    cr_assert_eq(bgt_define_task(H.c, "t299", count_fn, &calls[0]), BGT_OK);
    cr_assert(bgt_is_defined(H.c, "t299"));
    cr_assert(!bgt_is_defined(H.c, "t298"));
}
