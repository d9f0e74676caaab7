/*
 * Ported upstream cases: AndroidX WorkManager (work-runtime) on bgsim's WorkManager layer
 * (models/os/simos_android.c: simos_wm_next_run_time, the unique work's states and retries).
 *
 *   WorkSpecTest      androidx/androidx @b35effe63e18,
 *                     work/work-runtime/src/androidTest/java/androidx/work/WorkSpecTest.java
 *   WorkerWrapperTest androidx/androidx @039d414ba8a9,
 *                     work/work-runtime/src/androidTest/java/androidx/work/impl/WorkerWrapperTest.java
 *   GreedySchedulerTest androidx/androidx @053a290f015d, work/work-runtime/src/androidTest/java/androidx/
 *                     work/impl/background/greedy/GreedySchedulerTest.java
 *
 * expo-background-task 57.0.21 pins androidx.work:work-runtime-ktx:2.9.1 (models/os/ANDROID.md); the
 * copies read are the nearest stored ones (the 2.9.1 tag is not in the index). Each Test is named
 * after the upstream class and method; the assertion is the upstream one rewritten on bgsim's types.
 * Cases not ported, and why: DEVIATIONS.md in this folder.
 */
#include <criterion/criterion.h>

#include "android_rig.h"
#include "simos_android.h"

#define S SIM_SECONDS(1)
#define M SIM_MINUTES(1)
#define H SIM_HOURS(1)

/* WorkSpecTest's constants: DEFAULT_INITIAL_DELAY_TIME_MS 5000, DEFAULT_BACKOFF_DELAY_TIME_MS 5000,
 * DEFAULT_PERIOD_START_TIME 10000, DEFAULT_FLEX_TIME_MS = MIN_PERIODIC_FLEX_MILLIS + 5000,
 * DEFAULT_INTERVAL_TIME_MS = MIN_PERIODIC_INTERVAL_MILLIS + 5000; WorkRequest.MAX_BACKOFF_MILLIS 5 h. */
#define INITIAL_DELAY ((sim_time)5000)
#define BACKOFF ((sim_time)5000)
#define START ((sim_time)10000)
#define FLEX (SIM_MINUTES(5) + 5000)
#define INTERVAL (SIM_MINUTES(15) + 5000)
#define MAX_BACKOFF SIM_HOURS(5)

static sim_time next_run(simos_wm_spec w) { return simos_wm_next_run_time(&w); }

Test(WorkSpecTest, testCalculateNextRunTime_firstRunAttempt_oneOff)
{
    simos_wm_spec w = {.last_enqueue = START, .initial_delay = INITIAL_DELAY};
    cr_expect_eq(next_run(w), START + INITIAL_DELAY);
}

Test(WorkSpecTest, testCalculateNextRunTime_firstRun_periodic_withFlexApplicable)
{
    simos_wm_spec w = {.periodic = true, .last_enqueue = START, .interval = INTERVAL, .flex = FLEX};
    cr_expect_eq(next_run(w), START + INTERVAL - FLEX);
}

Test(WorkSpecTest, testCalculateNextRunTime_firstRun_periodic_withFlexNotApplicable)
{
    simos_wm_spec w = {.periodic = true, .last_enqueue = START, .interval = INTERVAL, .flex = INTERVAL};
    cr_expect_eq(next_run(w), START);
}

Test(WorkSpecTest, testCalculateNextRunTime_nextRun_periodic_withFlexApplicable)
{
    simos_wm_spec w = {.periodic = true, .last_enqueue = START, .interval = INTERVAL, .flex = FLEX, .period_count = 1};
    cr_expect_eq(next_run(w), START + INTERVAL);
}

Test(WorkSpecTest, testCalculateNextRunTime_nextRun_periodic_withFlexNotApplicable)
{
    simos_wm_spec w = {.periodic = true, .last_enqueue = START, .interval = INTERVAL, .flex = INTERVAL,
                       .period_count = 1};
    cr_expect_eq(next_run(w), START + INTERVAL);
}

Test(WorkSpecTest, testCalculateNextRunTime_nextRun_periodic_withInitialDelay)
{
    const sim_time delay = 10000;
    simos_wm_spec w = {.periodic = true, .last_enqueue = START, .initial_delay = delay, .interval = INTERVAL,
                       .flex = INTERVAL};
    cr_expect_eq(next_run(w), START + delay);
}

Test(WorkSpecTest, testCalculateNextRunTime_nextRun_periodic_withInitialDelay_flex_firstRun)
{
    const sim_time delay = 10000;
    simos_wm_spec w = {.periodic = true, .last_enqueue = START, .initial_delay = delay, .interval = INTERVAL,
                       .flex = FLEX};
    cr_expect_eq(next_run(w), START + delay + INTERVAL - FLEX);
}

/* Three one-off works with run attempt counts 1, 2, 3 (setInitialRunAttemptCount). */
static void rerun_deltas(bool linear, sim_time backoff, sim_time *d21, sim_time *d32)
{
    sim_time t[3];
    for (int k = 0; k < 3; k++)
        t[k] = next_run((simos_wm_spec){.linear = linear, .last_enqueue = START, .backoff = backoff,
                                        .run_attempt = k + 1});
    *d21 = t[1] - t[0];
    *d32 = t[2] - t[1];
}

Test(WorkSpecTest, testCalculateNextRunTime_rerunAttempt_exponential)
{
    sim_time d21, d32;
    rerun_deltas(false, BACKOFF, &d21, &d32);
    cr_expect_gt(d32, d21);
}

Test(WorkSpecTest, testCalculateNextRunTime_rerunAttempt_linear)
{
    sim_time d21, d32;
    rerun_deltas(true, BACKOFF, &d21, &d32);
    cr_expect_eq(d21, d32);
}

Test(WorkSpecTest, testCalculateNextRunTime_rerunAttempt_linear_upperBound)
{
    simos_wm_spec w = {.linear = true, .last_enqueue = START, .backoff = MAX_BACKOFF + 1, .run_attempt = 1};
    cr_expect_eq(next_run(w), START + MAX_BACKOFF);
}

Test(WorkSpecTest, testCalculateNextRunTime_rerunAttempt_exponential_upperBound)
{
    simos_wm_spec w = {.last_enqueue = START, .backoff = MAX_BACKOFF + 1, .run_attempt = 1};
    cr_expect_eq(next_run(w), START + MAX_BACKOFF);
}

/* ---- WorkerWrapperTest: interruption and reschedule, on the whole Android model --------------- */

/* Android 14, plugged (no quota), no Doze, used at 0 (ACTIVE: no batching), JobScheduler alone
 * (no GreedyScheduler), the timeout safeguard off: expo's one-off work with a 15-min initial
 * delay and a network constraint, runs of work_ms. */
static void wrapper_rig(arig *r, sim_time work_ms)
{
    simos_android_config c;
    simos_android_defaults(&c, 14);
    c.doze.enabled = false;
    c.greedy = false;
    c.jobs.timeout_restrict_count = 0;
    arig_init(r, &c);
    r->work_ms = work_ms;
    act(&r->base.d, 0, A_PLUG);
    act(&r->base.d, 0, A_OPEN);
    act(&r->base.d, 1 * S, A_CLOSE);
    cr_assert_eq(sim_schedule(r->base.e, 0, SIM_PHASE_APP, on_schedule, r, (uint64_t)(15 * M), NULL), SIM_OK);
}

/* WorkerWrapper.interrupt(STOP_REASON_CONSTRAINT_CHARGING) on a running worker: the worker is
 * stopped and the work is ENQUEUED again. Here the network (the work's constraint) is lost 1 min
 * into the run: JobScheduler stops it (constraint) and the work is ENQUEUED, not finished. */
Test(WorkerWrapperTest, testInterruption_isMarkedOnRunningWorker)
{
    arig r;
    wrapper_rig(&r, 5 * M);
    act(&r.base.d, 16 * M, A_NET_OFF);
    sim_run_until(r.base.e, 16 * M + 1 * S);
    cr_assert_eq(r.nfires, 1);
    cr_expect_eq(r.fire_t[0], 15 * M);
    cr_assert_eq(r.nstops, 1);
    cr_expect_eq(r.stop_t[0], 16 * M);
    cr_expect_eq(r.stop_why[0], SIMOS_STOP_CONSTRAINT);
    cr_expect_eq(r.ops->state(r.os), BGT_WORKER_ENQUEUED);
    arig_free(&r);
}

/* interrupt(0) on a running NeverResolvedWorker: the wrapper resolves with "reschedule" (true) and
 * the work is ENQUEUED, not FAILED. Here the 10-min runtime limit interrupts a worker that would run
 * for 20 min: the same work is enqueued again and, its backoff (30 s after the enqueue at 0) being
 * past, runs again at once. */
Test(WorkerWrapperTest, testCancellationDoesNotTriggerExceptionHandler)
{
    arig r;
    wrapper_rig(&r, 20 * M);
    sim_run_until(r.base.e, 25 * M + 1 * S);
    cr_assert_eq(r.nstops, 1);
    cr_expect_eq(r.stop_t[0], 25 * M);
    cr_expect_eq(r.stop_why[0], SIMOS_STOP_TIMEOUT);
    cr_assert_eq(r.nfires, 2, "the interrupted work was re-enqueued and ran again");
    cr_expect_eq(r.fire_t[1], 25 * M);
    cr_expect_eq(r.ops->state(r.os), BGT_WORKER_RUNNING);
    arig_free(&r);
}

/* An interrupt after the work SUCCEEDED changes nothing (the worker's stop reason stays
 * STOP_REASON_NOT_STOPPED). Here the run completes at 16 min (no successor: the chain ends); losing
 * the network afterwards stops nothing and starts nothing. */
Test(WorkerWrapperTest, testInterruptionsAfterCompletion)
{
    arig r;
    wrapper_rig(&r, 1 * M);
    act(&r.base.d, 17 * M, A_NET_OFF);
    act(&r.base.d, 18 * M, A_NET_ON);
    sim_run_until(r.base.e, 2 * H);
    cr_expect_eq(r.nfires, 1);
    cr_expect_eq(r.nstops, 0);
    cr_expect_eq(r.ops->state(r.os), BGT_WORKER_NONE);
    arig_free(&r);
}

/* A work with runAttemptCount 1 whose calculateNextRunTime lies in the future does not run (the
 * run attempt count stays). Here: a worker that always overruns is stopped at each 10-min limit;
 * after its 9th attempt (stopped at 105 min) its next run time is lastEnqueueTime + 30 s x 2^8 =
 * 128 min (WorkSpec.calculateNextRunTime, isBackedOff): nothing runs in between, and the wait is the
 * backoff's. */
Test(WorkerWrapperTest, testBackedOffOneTimeWork_doesNotRun)
{
    arig r;
    wrapper_rig(&r, 20 * M);
    sim_run_until(r.base.e, 130 * M);
    cr_assert_geq(r.nstops, 9);
    cr_expect_eq(r.stop_t[8], 105 * M);
    cr_assert_geq(r.nfires, 10);
    cr_expect_eq(r.fire_t[9], 128 * M);
    cr_expect_eq(reason_at(&r, 110 * M), SIM_REASON_BACKOFF);
    arig_free(&r);
}

/* ---- GreedySchedulerTest: WorkManager's in-process scheduler ---------------------------------- */

/* Android 14, no Doze, the app fixed in RARE with no other app's job (JobScheduler would hold a job
 * 31 min for its batch), the app opened at 0 and left open (its process alive and not frozen, the
 * CPU awake): a start before those 31 min is GreedyScheduler's. The request is made at 1 s. */
static void greedy_rig(arig *r, sim_time delay, unsigned constraints, bool net)
{
    simos_android_config c;
    simos_android_defaults(&c, 14);
    c.doze.enabled = false;
    c.standby.fixed = SIMOS_BUCKET_RARE;
    c.phone = quiet_phone;
    cr_assert(c.greedy);
    arig_init(r, &c);
    r->work_ms = 10 * M;
    r->constraints = constraints;
    r->base.d.net = net ? MDL_NET_WIFI : MDL_NET_NONE;
    act(&r->base.d, 0, A_OPEN);
    cr_assert_eq(sim_schedule(r->base.e, 1 * S, SIM_PHASE_APP, on_schedule, r, (uint64_t)delay, NULL), SIM_OK);
}

/* Unconstrained work, due now: started at once (WorkLauncher.startWork). */
Test(GreedySchedulerTest, testGreedyScheduler_startsUnconstrainedWork)
{
    arig r;
    greedy_rig(&r, 0, 0, true);
    sim_run_until(r.base.e, 5 * M);
    cr_assert_geq(r.nfires, 1);
    cr_expect_eq(r.fire_t[0], 1 * S);
    arig_free(&r);
}

/* Work with an initial delay goes to DelayedWorkTracker and starts when it is due. */
Test(GreedySchedulerTest, testGreedyScheduler_startsDelayedWork)
{
    arig r;
    greedy_rig(&r, 60 * S, 0, true);
    sim_run_until(r.base.e, 5 * M);
    cr_assert_geq(r.nfires, 1);
    cr_expect_eq(r.fire_t[0], 61 * S);
    arig_free(&r);
}

/* Backed-off work (runAttemptCount > 0) also goes to DelayedWorkTracker: here the first run
 * (network constraint) loses its network at 5 s and is stopped; the network is back at 6 s; the
 * retry starts in process at its calculateNextRunTime, enqueue (1 s) + 30 s. */
Test(GreedySchedulerTest, testGreedyScheduler_startsBackedOffWork)
{
    arig r;
    greedy_rig(&r, 0, BGT_CONSTRAINT_NETWORK, true);
    act(&r.base.d, 5 * S, A_NET_OFF);
    act(&r.base.d, 6 * S, A_NET_ON);
    sim_run_until(r.base.e, 5 * M);
    cr_assert_geq(r.nfires, 2);
    cr_expect_eq(r.fire_t[0], 1 * S);
    cr_expect_eq(r.stop_t[0], 5 * S);
    cr_expect_eq(r.fire_t[1], 31 * S);
    arig_free(&r);
}

/* Constrained work tracked in process starts when its constraints are met (onAllConstraintsMet):
 * no network until 5 min. */
Test(GreedySchedulerTest, testGreedyScheduler_startsWorkWhenConstraintsMet)
{
    arig r;
    greedy_rig(&r, 0, BGT_CONSTRAINT_NETWORK, false);
    act(&r.base.d, 5 * M, A_NET_ON);
    sim_run_until(r.base.e, 10 * M);
    cr_assert_geq(r.nfires, 1);
    cr_expect_eq(r.fire_t[0], 5 * M);
    arig_free(&r);
}

/* A work GreedyScheduler started is stopped when its constraints are no longer met
 * (onAllConstraintsNotMet -> stopWork). */
Test(GreedySchedulerTest, testGreedyScheduler_stopsWorkWhenConstraintsNotMet)
{
    arig r;
    greedy_rig(&r, 0, BGT_CONSTRAINT_NETWORK, true);
    act(&r.base.d, 10 * S, A_NET_OFF);
    sim_run_until(r.base.e, 1 * M);
    cr_assert_geq(r.nfires, 1);
    cr_expect_eq(r.fire_t[0], 1 * S);
    cr_assert_eq(r.nstops, 1);
    cr_expect_eq(r.stop_t[0], 10 * S);
    cr_expect_eq(r.stop_why[0], SIMOS_STOP_CONSTRAINT);
    arig_free(&r);
}
