/*
 * Ported upstream cases: AOSP JobSchedulerServiceTest (rescheduling after a stop, force batching) on
 * bgsim's JobScheduler model (models/os/simos_jobs.c).
 *
 *   [14] aosp-mirror/platform_frameworks_base @0309e5d58821 (Android 14 era: SYSTEM_STOP_TO_FAILURE_RATIO,
 *        user-initiated jobs, no abandoned-job handling),
 *   [16] muhomorr/platform_frameworks_base-15 @06b1a11f7e0b (15 QPR / 16 era: abandoned jobs),
 *   both services/tests/mockingservicestests/src/com/android/server/job/JobSchedulerServiceTest.java.
 *
 * getRescheduleJobForFailureLocked(job, stopReason, internalStopReason) is simos_jobs_reschedule(j,
 * failure, backoff, now, &attempts): a timeout, an ANR or a "successful finish" reschedule is a
 * failure, every other system stop a system stop. The upstream job uses a LINEAR backoff; bgsim's
 * JobScheduler layer models the EXPONENTIAL one WorkManager uses (the delay backoff x 2^(n-1) equals
 * the linear n x backoff for n <= 2), so a case checks the backoff attempts for every step and the
 * earliest run time where the two policies agree.
 *
 * Also AOSP JobStatusTest (aosp-mirror @0054124f30c6, .../job/controllers/JobStatusTest.java): a job
 * is ready only when its requested constraints and the implicit ones (within quota, device not
 * dozing) hold; here JobStatus.wouldBeReadyWithConstraint is simos_jobs_check returning no reason.
 * Cases not ported or not met: DEVIATIONS.md.
 */
#include <criterion/criterion.h>

#include "bgt_backend.h"
#include "simos_android.h"

#define S SIM_SECONDS(1)
#define M SIM_MINUTES(1)
#define H SIM_HOURS(1)
#define NOW (10 * H)
#define NO_EARLIEST NOW /* JobStatus.NO_EARLIEST_RUNTIME: runnable now */

static simos_jobs *jobs_for(int version, simos_jobs_params *p)
{
    simos_android_config c;
    simos_android_defaults(&c, version);
    *p = c.jobs;
    cr_assert_eq(p->system_stop_ratio, 3);
    simos_jobs *j = simos_jobs_new(p);
    cr_assert_not_null(j);
    return j;
}

/* One reschedule; checks the backoff attempts and, where linear and exponential agree, the time. */
static void expect_step(simos_jobs *j, bool failure, int attempts, const char *what)
{
    const sim_time backoff = 1 * M; /* initialBackoffMs = MINUTE_IN_MILLIS */
    int n = -1;
    sim_time earliest = simos_jobs_reschedule(j, failure, backoff, NOW, &n);
    cr_expect_eq(n, attempts, "%s: %d attempts, expected %d", what, n, attempts);
    if (attempts == 0)
        cr_expect_eq(earliest, NO_EARLIEST, "%s", what);
    else if (attempts <= 2)
        cr_expect_eq(earliest, NOW + attempts * backoff, "%s", what);
}

/* [14] failure 0 / system stops 1: now + 1 backoff (Math.max(1, ...)); 3 stops: still 1; 6 stops: 2;
 * + a timeout: 3; + a successful-finish reschedule: 4. Failed before backoff_floor_one (the model
 * left a job with no attempt runnable at once on 14). */
Test(JobSchedulerServiceTest, testGetRescheduleJobForFailure_timingCalculations_14)
{
    simos_jobs_params p;
    simos_jobs *j = jobs_for(14, &p);
    expect_step(j, false, 1, "DEVICE_STATE / DEVICE_THERMAL");
    expect_step(j, false, 1, "DEVICE_STATE / PREEMPT");
    expect_step(j, false, 1, "CONSTRAINT_CHARGING / CONSTRAINTS_NOT_SATISFIED");
    for (int i = 0; i < 3; i++)
        expect_step(j, false, i < 2 ? 1 : 2, "SYSTEM_PROCESSING / RTC_UPDATED");
    expect_step(j, true, 3, "TIMEOUT");
    expect_step(j, true, 4, "SUCCESSFUL_FINISH");
    simos_jobs_free(j);
}

/* [16] failure 0 / system stops 1 and 2: NO_EARLIEST_RUNTIME; 3 stops: 1 backoff; 6: 2; + timeout: 3;
 * + successful finish: 4; + ANR: 5. */
Test(JobSchedulerServiceTest, testGetRescheduleJobForFailure_timingCalculations)
{
    simos_jobs_params p;
    simos_jobs *j = jobs_for(15, &p);
    expect_step(j, false, 0, "DEVICE_STATE / DEVICE_THERMAL");
    expect_step(j, false, 0, "DEVICE_STATE / PREEMPT");
    expect_step(j, false, 1, "CONSTRAINT_CHARGING / CONSTRAINTS_NOT_SATISFIED");
    for (int i = 0; i < 3; i++)
        expect_step(j, false, i < 2 ? 1 : 2, "SYSTEM_PROCESSING / RTC_UPDATED");
    expect_step(j, true, 3, "TIMEOUT");
    expect_step(j, true, 4, "SUCCESSFUL_FINISH");
    expect_step(j, true, 5, "ANR");
    simos_jobs_free(j);
}

/* [14] MIN_READY_NON_ACTIVE_JOBS_COUNT 5, MAX_NON_ACTIVE_JOB_BATCH_DELAY_MS 1 h, a ready RARE job:
 *  - alone it is force-batched (not queued), its first force-batched time now;
 *  - an ACTIVE app's ready job is not batched, and "a non-batched job saves the day": with one
 *    (another app's job, env->others_running) the batched RARE job runs;
 *  - "an old RARE job saves the day": force-batched 2 x the delay ago, it runs.
 * (Five RARE jobs releasing their own batch: DEVIATIONS.md.) */
Test(JobSchedulerServiceTest, testRareJobBatching)
{
    simos_jobs_params p;
    simos_jobs *j = jobs_for(14, &p);
    p.batch_delay = 1 * H;
    simos_jobs_free(j);
    j = simos_jobs_new(&p);
    cr_assert_not_null(j);
    simos_job_env env = {.awake = true, .net = true, .constraints = 0, .bucket = SIMOS_BUCKET_RARE};
    sim_time next;
    const sim_time t0 = 24 * H;
    cr_expect_eq(simos_jobs_check(j, &env, t0, &next), SIM_REASON_STANDBY_QUOTA);
    cr_expect_eq(next, t0 + 1 * H, "force-batched at t0: released by the delay at t0 + 1 h");
    cr_expect_eq(simos_jobs_check(j, &env, t0 + 10 * M, &next), SIM_REASON_STANDBY_QUOTA);
    cr_expect_eq(next, t0 + 1 * H, "the first force-batched time is kept");
    env.others_running = true;
    cr_expect_eq(simos_jobs_check(j, &env, t0 + 10 * M, &next), SIM_REASON_NONE);
    env.others_running = false;
    env.bucket = SIMOS_BUCKET_ACTIVE;
    cr_expect_eq(simos_jobs_check(j, &env, t0 + 10 * M, &next), SIM_REASON_NONE);
    env.bucket = SIMOS_BUCKET_RARE;
    cr_expect_eq(simos_jobs_check(j, &env, t0 + 2 * H, &next), SIM_REASON_NONE);
    simos_jobs_free(j);
}

/* ---- JobStatusTest: readiness ---------------------------------------------------------------- */

/* A RARE job's readiness (batching off, to see the constraints alone) with the implicit constraints
 * satisfied or not: within quota (10 min used in RARE's 24 h when not) and not dozing. */
static bool ready(simos_jobs *j, bool implicit_ok, unsigned constraints, bool charging, bool net)
{
    simos_job_env env = {.awake = true, .constraints = constraints, .net = net, .plugged = charging,
                         .bucket = SIMOS_BUCKET_RARE, .doze = implicit_ok ? SIM_REASON_NONE : SIM_REASON_DOZE_DEEP};
    sim_time next;
    return simos_jobs_check(j, &env, NOW, &next) == SIM_REASON_NONE;
}

static simos_jobs *readiness_jobs(bool quota_used)
{
    simos_jobs_params p;
    simos_jobs *j = jobs_for(14, &p);
    simos_jobs_free(j);
    p.batch_delay = 0;
    j = simos_jobs_new(&p);
    cr_assert_not_null(j);
    if (quota_used) {
        bool by_quota;
        simos_jobs_start(j, SIMOS_BUCKET_RARE, false, false, NOW - 2 * H, &by_quota);
        simos_jobs_end(j, NOW - 2 * H + 10 * M);
    }
    return j;
}

/* Charging and a network requested (the content trigger of the upstream job is not modeled): never
 * ready while the implicit constraints fail; with them, ready only when both requested ones hold. */
Test(JobStatusTest, testWouldBeReadyWithConstraint_RequestedMixture_NoDeadline)
{
    simos_jobs *j = readiness_jobs(false);
    const unsigned want = BGT_CONSTRAINT_CHARGING | BGT_CONSTRAINT_NETWORK;
    for (int implicit = 0; implicit < 2; implicit++)
        for (int charging = 0; charging < 2; charging++)
            for (int net = 0; net < 2; net++)
                cr_expect_eq(ready(j, implicit, want, charging, net), implicit && charging && net,
                             "implicit %d charging %d network %d", implicit, charging, net);
    simos_jobs_free(j);
}

/* No requested constraint: ready exactly when the device is not dozing (quota held). */
Test(JobStatusTest, testWouldBeReadyWithConstraint_ImplicitDeviceNotDozing)
{
    simos_jobs *j = readiness_jobs(false);
    cr_expect(!ready(j, false, 0, false, true));
    cr_expect(ready(j, true, 0, false, true));
    simos_jobs_free(j);
}

/* No requested constraint: ready exactly when within quota (not dozing). */
Test(JobStatusTest, testWouldBeReadyWithConstraint_ImplicitQuota)
{
    simos_jobs *in = readiness_jobs(false), *out = readiness_jobs(true);
    cr_expect(ready(in, true, 0, false, true));
    cr_expect(!ready(out, true, 0, false, true), "10 min used in RARE's window: out of quota");
    simos_jobs_free(in);
    simos_jobs_free(out);
}
