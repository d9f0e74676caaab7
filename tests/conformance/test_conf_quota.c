/*
 * Ported upstream cases: AOSP QuotaControllerTest on bgsim's JobScheduler quota (models/os/simos_jobs.c).
 *
 *   aosp-mirror/platform_frameworks_base @00790871c025,
 *   services/tests/mockingservicestests/src/com/android/server/job/controllers/QuotaControllerTest.java
 *
 * Upstream saves TimingSessions (start, duration, job count) in the past and asks the controller at
 * "now". Here a session is recorded through the model's own API, simos_jobs_start / simos_jobs_end
 * at those exact times (count - 1 zero-length runs at its start, coalesced into the session, then
 * the run itself), in time order: the model keeps one job's history, so a session upstream saves
 * overlapping another is placed right after it (the same time in every window; said where it
 * happens). The quota constants are the model's Android 14 defaults, which are QcConstants' (A2.2).
 * Cases not ported or not met, and why: DEVIATIONS.md in this folder.
 */
#include <criterion/criterion.h>

#include "bgt_backend.h"
#include "simos_android.h"

#define S SIM_SECONDS(1)
#define M SIM_MINUTES(1)
#define H SIM_HOURS(1)
#define NOW (100 * H)

#define ACTIVE SIMOS_BUCKET_ACTIVE
#define WORKING SIMOS_BUCKET_WORKING_SET
#define FREQUENT SIMOS_BUCKET_FREQUENT
#define RARE SIMOS_BUCKET_RARE
#define NEVER SIMOS_BUCKET_NEVER

static simos_jobs_params defaults(void)
{
    simos_android_config c;
    simos_android_defaults(&c, 14);
    return c.jobs;
}

static simos_jobs *jobs_new(const simos_jobs_params *p)
{
    simos_jobs *j = simos_jobs_new(p);
    cr_assert_not_null(j);
    return j;
}

/* createTimingSession(start, duration, count) + saveTimingSession, as runs of a counted bucket. */
static void session(simos_jobs *j, sim_time start, sim_time duration, int count)
{
    bool by_quota;
    for (int k = 1; k < count; k++) {
        simos_jobs_start(j, WORKING, false, false, start, &by_quota);
        simos_jobs_end(j, start);
    }
    simos_jobs_start(j, WORKING, false, false, start, &by_quota);
    simos_jobs_end(j, start + duration);
}

static bool in_quota(const simos_jobs *j, simos_bucket bucket, sim_time *back)
{
    sim_time ignored;
    return simos_jobs_in_quota(j, bucket, NOW, back ? back : &ignored);
}

Test(QuotaControllerTest, testIsWithinQuotaLocked_NeverApp)
{
    simos_jobs_params p = defaults();
    simos_jobs *j = jobs_new(&p);
    cr_expect(!in_quota(j, NEVER, NULL));
    simos_jobs_free(j);
}

/* Charging: in quota whatever the history (QuotaController.isQuotaFreeLocked). Through the model's
 * readiness check (batching off, to see the quota alone): no standby_quota hold while plugged. */
Test(QuotaControllerTest, testIsWithinQuotaLocked_Charging)
{
    simos_jobs_params p = defaults();
    p.batch_delay = 0;
    simos_jobs *j = jobs_new(&p);
    session(j, NOW - 2 * H, 15 * M, 5);
    simos_job_env env = {.awake = true, .net = true, .bucket = SIMOS_BUCKET_RARE, .plugged = true};
    sim_time next;
    cr_expect_eq(simos_jobs_check(j, &env, NOW, &next), SIM_REASON_NONE);
    env.plugged = false;
    cr_expect_eq(simos_jobs_check(j, &env, NOW, &next), SIM_REASON_STANDBY_QUOTA, "and out of quota unplugged");
    simos_jobs_free(j);
}

/* 3 min at -1 h (5 jobs), 3 min at -5 min (5 jobs), 5 more jobs: WORKING_SET in quota. */
Test(QuotaControllerTest, testIsWithinQuotaLocked_UnderDuration_UnderJobCount)
{
    simos_jobs_params p = defaults();
    simos_jobs *j = jobs_new(&p);
    session(j, NOW - H, 3 * M, 5);
    session(j, NOW - 5 * M, 3 * M, 5);
    session(j, NOW - 1 * S, 0, 5); /* incrementJobCountLocked(5) */
    cr_expect(in_quota(j, WORKING, NULL));
    simos_jobs_free(j);
}

/* The "frequent" app: 2000 jobs in a 15-min session at -2 h, 500 in 3 min at -1 h: over FREQUENT's
 * MAX_JOB_COUNT (200 per 8 h) though under its time. (The "spam" half is the rate limit:
 * DEVIATIONS.md.) */
Test(QuotaControllerTest, testIsWithinQuotaLocked_UnderDuration_OverJobCount)
{
    simos_jobs_params p = defaults();
    simos_jobs *j = jobs_new(&p);
    session(j, NOW - 2 * H, 15 * M, 2000);
    session(j, NOW - H, 3 * M, 500);
    cr_expect(!in_quota(j, FREQUENT, NULL));
    simos_jobs_free(j);
}

/* 3 + 3 + 4 min in WORKING_SET's 2 h: over ALLOWED_TIME minus IN_QUOTA_BUFFER (9.5 min). */
Test(QuotaControllerTest, testIsWithinQuotaLocked_OverDuration_UnderJobCount)
{
    simos_jobs_params p = defaults();
    simos_jobs *j = jobs_new(&p);
    session(j, NOW - H, 3 * M, 5);
    session(j, NOW - 30 * M, 3 * M, 5);
    session(j, NOW - 5 * M, 4 * M, 5);
    cr_expect(!in_quota(j, WORKING, NULL));
    simos_jobs_free(j);
}

/* 15 min (25 jobs) at -1 h and 3 min (20 jobs) at -5 min: out of WORKING_SET quota. */
Test(QuotaControllerTest, testIsWithinQuotaLocked_OverDuration_OverJobCount)
{
    simos_jobs_params p = defaults();
    simos_jobs *j = jobs_new(&p);
    session(j, NOW - H, 15 * M, 25);
    session(j, NOW - 5 * M, 3 * M, 20);
    cr_expect(!in_quota(j, WORKING, NULL));
    simos_jobs_free(j);
}

/* MAX_SESSION_COUNT RARE 3, FREQUENT 4, WORKING 5, ACTIVE 6; sessions of 30 s (2 jobs) at -10, -9,
 * ... -4 min: in quota while the count is below the bucket's limit. */
Test(QuotaControllerTest, testIsWithinQuotaLocked_TimingSession)
{
    simos_jobs_params p = defaults();
    p.max_sessions[RARE] = 3;
    p.max_sessions[FREQUENT] = 4;
    p.max_sessions[WORKING] = 5;
    p.max_sessions[ACTIVE] = 6;
    simos_jobs *j = jobs_new(&p);
    for (int i = 0; i < 7; i++) {
        session(j, NOW - (10 - i) * M, 30 * S, 2);
        cr_expect_eq(in_quota(j, RARE, NULL), i < 2, "rare with %d sessions", i + 1);
        cr_expect_eq(in_quota(j, FREQUENT, NULL), i < 3, "frequent with %d sessions", i + 1);
        cr_expect_eq(in_quota(j, WORKING, NULL), i < 4, "working with %d sessions", i + 1);
        cr_expect_eq(in_quota(j, ACTIVE, NULL), i < 5, "active with %d sessions", i + 1);
    }
    simos_jobs_free(j);
}

/* getRemainingExecutionTimeLocked and getTimeUntilQuotaConsumedLocked per bucket window. RARE: 30 s
 * left, consumed in 1 min (the 30-s session at the 24 h edge phases out while the job runs);
 * FREQUENT 1 min, 1 min; WORKING_SET 5 min, 7 min (2 min of a session straddling the 2 h edge phase
 * out); ACTIVE 7 min left (its time until consumed is the 4 h daily cap: DEVIATIONS.md). The time
 * until consumed failed before simos_jobs_time_until_consumed (the model stopped a run when its
 * remaining time at the start ran out). */
Test(QuotaControllerTest, testGetTimeUntilQuotaConsumedLocked_BucketWindow)
{
    simos_jobs_params p = defaults();
    simos_jobs *j = jobs_new(&p);
    session(j, NOW - (24 * H - 30 * S), 30 * S, 5);   /* close to RARE boundary */
    session(j, NOW - 7 * H, 3 * M, 5);                /* far away from FREQUENT boundary */
    session(j, NOW - (2 * H + 1 * M), 3 * M, 5);      /* overlap WORKING_SET boundary */
    session(j, NOW - 9 * M, 3 * M, 5);                /* close to ACTIVE boundary */
    cr_expect_eq(simos_jobs_remaining(j, RARE, NOW), 30 * S);
    cr_expect_eq(simos_jobs_time_until_consumed(j, RARE, NOW), 1 * M);
    cr_expect_eq(simos_jobs_remaining(j, FREQUENT, NOW), 1 * M);
    cr_expect_eq(simos_jobs_time_until_consumed(j, FREQUENT, NOW), 1 * M);
    cr_expect_eq(simos_jobs_remaining(j, WORKING, NOW), 5 * M);
    cr_expect_eq(simos_jobs_time_until_consumed(j, WORKING, NOW), 7 * M);
    cr_expect_eq(simos_jobs_remaining(j, ACTIVE, NOW), 7 * M);
    /* and a WORKING_SET job started now is stopped when its quota is consumed, after 7 min */
    bool by_quota = false;
    cr_expect_eq(simos_jobs_start(j, WORKING, false, false, NOW, &by_quota), 7 * M);
    cr_expect(by_quota);
    simos_jobs_free(j);
}

/* A 10-min session exactly at each bucket's window edge: nothing left, and 10 min until consumed
 * (it phases out as fast as a new job uses quota). RARE, FREQUENT, WORKING_SET (ACTIVE: the 4 h cap,
 * DEVIATIONS.md). */
Test(QuotaControllerTest, testGetTimeUntilQuotaConsumedLocked_EdgeOfWindow_BucketWindow)
{
    simos_jobs_params p = defaults();
    simos_jobs *j = jobs_new(&p);
    session(j, NOW - 24 * H, 10 * M, 5);
    cr_expect_eq(simos_jobs_remaining(j, RARE, NOW), 0);
    cr_expect_eq(simos_jobs_time_until_consumed(j, RARE, NOW), 10 * M);
    session(j, NOW - 8 * H, 10 * M, 5);
    cr_expect_eq(simos_jobs_remaining(j, FREQUENT, NOW), 0);
    cr_expect_eq(simos_jobs_time_until_consumed(j, FREQUENT, NOW), 10 * M);
    session(j, NOW - 2 * H, 10 * M, 5);
    cr_expect_eq(simos_jobs_remaining(j, WORKING, NOW), 0);
    cr_expect_eq(simos_jobs_time_until_consumed(j, WORKING, NOW), 10 * M);
    simos_jobs_free(j);
}

/* getMaxJobExecutionTimeMsLocked for a regular job of a RARE app in the background with 3 min used
 * in the last 6 min: 7 min. Through the model: the run's limit at its start (by quota). (Charging,
 * foreground-service and top-started jobs get RUNTIME_FREE_QUOTA_MAX_LIMIT, 30 min: DEVIATIONS.md.) */
Test(QuotaControllerTest, testGetMaxJobExecutionTimeLocked_Regular)
{
    simos_jobs_params p = defaults();
    simos_jobs *j = jobs_new(&p);
    session(j, NOW - 6 * M, 3 * M, 5);
    bool by_quota = false;
    cr_expect_eq(simos_jobs_start(j, RARE, false, false, NOW, &by_quota), 7 * M);
    cr_expect(by_quota);
    simos_jobs_free(j);
}

/* The start alarm (when the app is back in quota) for the effective bucket FREQUENT (8 h): none while
 * in quota (no session, one out of the window, 5 + 1 + 3 min in it); out of quota with 1 more min at
 * -1 h: back at start + 8 h + IN_QUOTA_BUFFER (the first session's first 30 s must leave the
 * window). The 1-min session upstream saves at -1 h overlaps the 3-min one: here it follows it. */
Test(QuotaControllerTest, testMaybeScheduleStartAlarmLocked_Never_EffectiveNotNever)
{
    simos_jobs_params p = defaults();
    simos_jobs *j = jobs_new(&p);
    sim_time back;
    cr_expect(in_quota(j, FREQUENT, NULL));
    session(j, NOW - 10 * H, 5 * M, 1);
    cr_expect(in_quota(j, FREQUENT, NULL));
    const sim_time start = NOW - 6 * H;
    session(j, start, 5 * M, 1);
    cr_expect(in_quota(j, FREQUENT, NULL));
    session(j, NOW - 3 * H, 1 * M, 1);
    session(j, NOW - H, 3 * M, 1);
    cr_expect(in_quota(j, FREQUENT, NULL));
    session(j, NOW - H + 3 * M, 1 * M, 1);
    cr_expect(!in_quota(j, FREQUENT, &back));
    cr_expect_eq(back, start + 8 * H + p.in_quota_buffer);
    simos_jobs_free(j);
}

/* RARE (24 h; MAX_SESSION_COUNT_RARE set to 50): out of quota with 5 + 1 + 3 + 2 min; back at
 * start + 1 min + 24 h + IN_QUOTA_BUFFER ("the first minute in the session is over the allowed time").
 * The 2-min session upstream saves at -1 h follows the 3-min one here. */
Test(QuotaControllerTest, testMaybeScheduleStartAlarmLocked_Rare)
{
    simos_jobs_params p = defaults();
    p.max_sessions[RARE] = 50;
    simos_jobs *j = jobs_new(&p);
    sim_time back;
    cr_expect(in_quota(j, RARE, NULL));
    session(j, NOW - 25 * H, 5 * M, 1);
    cr_expect(in_quota(j, RARE, NULL));
    const sim_time start = NOW - 6 * H;
    session(j, start, 5 * M, 1);
    cr_expect(in_quota(j, RARE, NULL));
    session(j, NOW - 3 * H, 1 * M, 1);
    session(j, NOW - H, 3 * M, 1);
    cr_expect(in_quota(j, RARE, NULL));
    session(j, NOW - H + 3 * M, 2 * M, 1);
    cr_expect(!in_quota(j, RARE, &back));
    cr_expect_eq(back, start + 1 * M + 24 * H + p.in_quota_buffer);
    simos_jobs_free(j);
}

/* The same history seen from each bucket: ACTIVE in quota; WORKING_SET, FREQUENT, RARE back at the
 * out-of-quota session's start + the window + IN_QUOTA_BUFFER. */
Test(QuotaControllerTest, testMaybeScheduleStartAlarmLocked_BucketChange)
{
    simos_jobs_params p = defaults();
    simos_jobs *j = jobs_new(&p);
    session(j, NOW - 12 * H, 9 * M, 3);
    session(j, NOW - 4 * H, 4 * M, 3);
    const sim_time out = NOW - H;
    session(j, out, 7 * M, 10);
    session(j, NOW - 5 * M, 3 * M, 3);
    sim_time back;
    cr_expect(in_quota(j, ACTIVE, NULL));
    cr_expect(!in_quota(j, WORKING, &back));
    cr_expect_eq(back, out + 2 * H + p.in_quota_buffer);
    cr_expect(!in_quota(j, FREQUENT, &back));
    cr_expect_eq(back, out + 8 * H + p.in_quota_buffer);
    cr_expect(!in_quota(j, RARE, &back));
    cr_expect_eq(back, out + 24 * H + p.in_quota_buffer);
    simos_jobs_free(j);
}

/* Ten rounds of: a 5-min session (5 jobs); 10 min later five times [1 min (2 jobs), 54 s gap, 500
 * ms, 400 ms gap, 100 ms, 5 s gap]; then 40 min. Sessions per window for each
 * TIMING_SESSION_COALESCING_DURATION: 0 / 500 ms / 1 s / 5 s / 1 min / 5 min / 15 min / 1 h (capped at
 * 15 min; failed before the cap in simos_jobs_new). */
Test(QuotaControllerTest, testGetExecutionStatsLocked_CoalescingSessions)
{
    const sim_time coalescing[] = {0, 500, 1 * S, 5 * S, 1 * M, 5 * M, 15 * M, H};
    const int working[] = {32, 22, 22, 14, 4, 2, 2, 2}, frequent[] = {128, 88, 88, 56, 16, 8, 8, 8},
              rare[] = {160, 110, 110, 70, 20, 10, 10, 10};
    for (int c = 0; c < 8; c++) {
        simos_jobs_params p = defaults();
        p.session_coalescing = coalescing[c];
        simos_jobs *j = jobs_new(&p);
        sim_time t = 0;
        for (int i = 0; i < 10; i++) {
            session(j, t, 5 * M, 5);
            t += 10 * M;
            for (int k = 0; k < 5; k++) {
                session(j, t, 1 * M, 2);
                t += 1 * M + 54 * S;
                session(j, t, 500, 1);
                t += 500 + 400;
                session(j, t, 100, 1);
                t += 100 + 5 * S;
            }
            t += 40 * M;
        }
        cr_expect_eq(simos_jobs_sessions_in(j, p.window[ACTIVE], t), 0, "coalescing %lld", (long long)coalescing[c]);
        cr_expect_eq(simos_jobs_sessions_in(j, p.window[WORKING], t), working[c], "coalescing %lld",
                     (long long)coalescing[c]);
        cr_expect_eq(simos_jobs_sessions_in(j, p.window[FREQUENT], t), frequent[c], "coalescing %lld",
                     (long long)coalescing[c]);
        cr_expect_eq(simos_jobs_sessions_in(j, p.window[RARE], t), rare[c], "coalescing %lld",
                     (long long)coalescing[c]);
        simos_jobs_free(j);
    }
}

/* Sessions that ended before now - 24 h (the longest window) are deleted; one overlapping the 24 h
 * boundary stays. The model prunes when a job starts and when it checks readiness. */
Test(QuotaControllerTest, testDeleteObsoleteSessionsLocked)
{
    simos_jobs_params p = defaults();
    p.batch_delay = 0;
    simos_jobs *j = jobs_new(&p);
    session(j, NOW - 25 * H, 5 * M, 4);                 /* fiv: way past the 24 h boundary */
    session(j, NOW - (24 * H + 2 * M), 7 * M, 1);       /* fou: overlaps it */
    session(j, NOW - (3 * H + 10 * M), 9 * M, 1);       /* thr */
    session(j, NOW - 70 * M, 9 * M, 1);                 /* two */
    session(j, NOW - 10 * M, 9 * M, 3);                 /* one */
    simos_job_env env = {.awake = true, .net = true, .bucket = SIMOS_BUCKET_ACTIVE};
    sim_time next;
    simos_jobs_check(j, &env, NOW, &next);
    cr_expect_eq(simos_jobs_sessions_in(j, 48 * H, NOW), 4, "fiv deleted, fou kept");
    simos_jobs_free(j);
}

/* runTestMaybeScheduleStartAlarmLocked_SmallRollingQuota_AllowedTimeCheck, WORKING_SET (2 h): a
 * session straddling the window's edge contributes IN_QUOTA_BUFFER / 2; another, an hour ago, uses
 * the rest of the allowed time. Back in quota 2 h + (IN_QUOTA_BUFFER - contribution) after the second
 * session's start. (The MaxTimeCheck half is the 4 h daily cap: DEVIATIONS.md.) */
static void small_rolling_quota_allowed_time(sim_time buffer, sim_time allowed)
{
    simos_jobs_params p = defaults();
    p.in_quota_buffer = buffer;
    p.allowed[WORKING] = allowed;
    simos_jobs *j = jobs_new(&p);
    const sim_time contribution = buffer / 2, remaining = allowed - contribution;
    session(j, NOW - (2 * H + 3 * M), 3 * M + contribution, 3);
    session(j, NOW - H, remaining, 2);
    sim_time back;
    cr_expect(!in_quota(j, WORKING, &back));
    cr_expect_eq(back, NOW - H + 2 * H + (buffer - contribution), "buffer %lld, allowed %lld", (long long)buffer,
                 (long long)allowed);
    simos_jobs_free(j);
}

Test(QuotaControllerTest, testMaybeScheduleStartAlarmLocked_SmallRollingQuota_DefaultValues)
{
    small_rolling_quota_allowed_time(30 * S, 10 * M);
}

Test(QuotaControllerTest, testMaybeScheduleStartAlarmLocked_SmallRollingQuota_UpdatedBufferSize)
{
    small_rolling_quota_allowed_time(60 * S, 10 * M);
}

Test(QuotaControllerTest, testMaybeScheduleStartAlarmLocked_SmallRollingQuota_UpdatedAllowedTime)
{
    small_rolling_quota_allowed_time(30 * S, 5 * M);
}

/* ---- timer tracking: which runs make a TimingSession --------------------------------------- */

/* One run of `ms` started at NOW, plugged / on top as given: the sessions it leaves in the window. */
static int sessions_after_run(bool plugged, bool top, sim_time ms, sim_time *used)
{
    simos_jobs_params p = defaults();
    simos_jobs *j = jobs_new(&p);
    bool by_quota;
    simos_jobs_start(j, WORKING, plugged, top, NOW, &by_quota);
    simos_jobs_end(j, NOW + ms);
    int n = simos_jobs_sessions_in(j, p.window[WORKING], NOW + ms);
    *used = simos_jobs_used(j, p.window[WORKING], NOW + ms);
    simos_jobs_free(j);
    return n;
}

/* A job run while charging saves no TimingSession. */
Test(QuotaControllerTest, testTimerTracking_Charging)
{
    sim_time used;
    cr_expect_eq(sessions_after_run(true, false, 5 * S, &used), 0);
    cr_expect_eq(used, 0);
}

/* Discharging, a background job of 5 s: one session (start, 5 s, 1 job). (The overlapping jobs of
 * the second half: DEVIATIONS.md.) */
Test(QuotaControllerTest, testTimerTracking_Discharging)
{
    sim_time used;
    cr_expect_eq(sessions_after_run(false, false, 5 * S, &used), 1);
    cr_expect_eq(used, 5 * S);
}

/* The same for a job of a background process (PROCESS_STATE_RECEIVER). */
Test(QuotaControllerTest, testTimerTracking_AllBackground)
{
    sim_time used;
    cr_expect_eq(sessions_after_run(false, false, 5 * S, &used), 1);
    cr_expect_eq(used, 5 * S);
}

/* A job started while the app is TOP (then a foreground service) is not counted. */
Test(QuotaControllerTest, testTimerTracking_AllForeground)
{
    sim_time used;
    cr_expect_eq(sessions_after_run(false, true, 10 * S, &used), 0);
    cr_expect_eq(used, 0);
}

/* Only the discharging part of a run counts: a job started while charging and unplugged 10 s later
 * leaves a session from the unplugging (10 s); a job started discharging and plugged in after 20 s
 * leaves a 20-s session; a job that runs through a charging period leaves two. Failed before
 * simos_jobs_power_changed (counting was decided at the start: 0 s, the whole run, the whole run). */
Test(QuotaControllerTest, testTimerTracking_ChargingAndDischarging)
{
    simos_jobs_params p = defaults();
    simos_jobs *j = jobs_new(&p);
    bool by_quota;
    sim_time until, t = NOW;
    /* started while charging, unplugged at +10 s, stopped at +20 s */
    simos_jobs_start(j, WORKING, true, false, t, &by_quota);
    cr_expect(simos_jobs_power_changed(j, false, t + 10 * S, &until));
    cr_expect_eq(until, 10 * M, "a new session from now: the whole quota is left");
    simos_jobs_end(j, t + 20 * S);
    cr_expect_eq(simos_jobs_used(j, p.window[WORKING], t + 20 * S), 10 * S);
    cr_expect_eq(simos_jobs_sessions_in(j, p.window[WORKING], t + 20 * S), 1);
    /* started discharging 1 min later, plugged in after 20 s, unplugged 20 s later, stopped 20 s later */
    t += 1 * M;
    simos_jobs_start(j, WORKING, false, false, t, &by_quota);
    cr_expect(simos_jobs_power_changed(j, true, t + 20 * S, &until));
    cr_expect_eq(until, SIM_TIME_MAX);
    cr_expect(!simos_jobs_power_changed(j, true, t + 25 * S, &until), "no change while still charging");
    cr_expect(simos_jobs_power_changed(j, false, t + 40 * S, &until));
    simos_jobs_end(j, t + 60 * S);
    cr_expect_eq(simos_jobs_used(j, p.window[WORKING], t + 60 * S), 10 * S + 20 * S + 20 * S);
    cr_expect_eq(simos_jobs_sessions_in(j, p.window[WORKING], t + 60 * S), 3);
    simos_jobs_free(j);
}
