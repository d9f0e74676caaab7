/*
 * simos_jobs.h - Android's JobScheduler for the app's one job (the WorkManager worker): when it
 * is ready, why it is not, how long it may run and when it comes back after a stop
 * (docs/SOURCES.md A2.2, A3).
 *
 * READINESS, checked in this order; the first condition that fails is the deferral reason:
 *   1. force_stopped      the app is in the stopped state (no job exists until a user launch)
 *   2. device_down        the device is rebooting
 *   3. doze_deep          deep Doze IDLE, or its jobs_delay tail (A1.5 [J2])
 *   4. doze_light         light Doze IDLE / WAITING_FOR_NETWORK, or its tail
 *   5. network            NETWORK constraint and no network (d->net none: airplane or no signal)
 *   6. battery_low        BATTERY_NOT_LOW constraint and mdl_battery_low() (15 % / 20 %, A3.1 [J4])
 *   7. not_charging       CHARGING constraint and not "stable power": plugged and not low (A3.1 [J1])
 *   8. standby_quota      bucket NEVER; out of quota (below), or on Android 9 too few heartbeats
 *                         since the app's last job (HEARTBEATS, below)
 *   9. backoff            the earliest time of a rescheduled job has not come (A3.7)
 *  10. standby_quota      force batching (below): a job is batched only once it is otherwise ready,
 *                         its delay included (JobStatus.isReady has the TIMING_DELAY constraint)
 *  11. doze_light         everything holds but the CPU sleeps (screen off, unplugged, outside a
 *                         maintenance window) since the job's timers are non-wakeup alarms (A3.5):
 *                         the job waits for the next wake-up (a signal or a Doze transition)
 * Time-only conditions (backoff, quota, batching, the Doze tail) give the time at which they end;
 * the rest change only with a device signal.
 *
 * QUOTA (QuotaController, A2.2 [Q1, Q2]), skipped while plugged (ACTION_CHARGING; not for
 * RESTRICTED: QuotaController.isQuotaFreeLocked) and for EXEMPTED
 * on Android <= 15: over the rolling window of the bucket, the app's execution time must leave at
 * least in_quota_buffer of allowed_time (mAllowedTimeIntoQuotaMs) and some time (remaining > 0,
 * isWithinQuotaLocked, also with a 0 s buffer), its job starts must be below
 * max_jobs and its sessions (runs coalesced within session_coalescing) below max_sessions. A run
 * started while plugged (outside RESTRICTED), or while the app is on top where top_started_free (<= 15), is not
 * counted; a run that goes on while the device is plugged in or unplugged counts only its
 * discharging part (QuotaController's Timer.onStateChangedLocked: a session ends when charging
 * begins and a new one, with the running job, begins when it ends; AOSP QuotaControllerTest
 * .testTimerTracking_ChargingAndDischarging). A running job is stopped when its quota is consumed
 * (RUNTIME below; stop: constraint).
 * HEARTBEATS (Android 9, heartbeat > 0; QuotaController and its keys are then unused; A2.2
 * [2nd], and the Android 9 JobSchedulerService.java read through the code index, id 41774643:
 * isReadyToBeExecutedLocked, advanceHeartbeatLocked, setNextHeartbeatAlarm, noteJobStart).
 * Beats are counted on the boot grid, not in continuous time: the counter mHeartbeat starts at 0
 * when JobSchedulerService starts (mLastHeartbeatTime = elapsedRealtime then; taken as the boot
 * completing) and advances by floor(elapsed / heartbeat) on an exact ELAPSED_REALTIME alarm set
 * at multiples of heartbeat, so beat H(t) = floor((t - boot) / heartbeat). A job start records
 * the app's beat L = H(start) (noteJobStart). For a job of bucket b with beats[b] = N > 0, not
 * plugged (assumption: charging paroles App Standby on 9, mInParole; not in the research, and
 * the same as QuotaController's charging exemption on 10+), the job is held iff
 *     H(now) % N != 0  &&  L < H(now) < L + N
 * i.e. it may run in the beat of the app's last start, in the one beat every N in which the
 * bucket's jobs are swept (mNextBucketHeartbeat[b] == mHeartbeat), or once N beats have passed
 * since the last start; it becomes eligible at boot + min(L + N, next multiple of N) x heartbeat.
 * beats[b] = 0: no limit (ACTIVE, EXEMPTED). An app with no recorded start may run. JobScheduler
 * keeps L in memory; after a reboot it is rebuilt from UsageStats' last job time as H(now) -
 * floor((now - last start) / heartbeat) (heartbeatWhenJobsLastRun). Not modeled: the 10-min
 * App Standby parole every 24 h, uid-active (foreground) exemption for a fixed bucket.
 * BATCHING (JobSchedulerService.MaybeReadyJobQueueFunctor, AOSP Android 13 and 15 text): a job
 * of an app outside ACTIVE / EXEMPTED with no failures waits until batch_delay after it first
 * became otherwise ready (MAX_NON_ACTIVE_JOB_BATCH_DELAY, 31 min); a RESTRICTED app's job is
 * always batched, with no such limit ("Restricted jobs must always be batched": the delay test is
 * not consulted). A batch is released at once while another app's job runs (env->others_running,
 * simos_jobs_phone.h: postProcessLocked runs the batch when unbatchedCount > 0). batch_delay 0:
 * no force batching (Android 9). Left out: there is no timer at + 31 min in AOSP (the job waits
 * for the next pass); the model re-checks at that time, which a busy phone's passes approximate.
 * RUNTIME: a run is stopped after runtime_limit (stop: timeout), or earlier when quota runs out.
 * TIMEOUT SAFEGUARD (Android 14+, JobSchedulerService.maybeProcessBuggyJob, AOSP
 * frameworks/base; Constants DEFAULT_EXECUTION_SAFEGUARDS_UDC_TIMEOUT_TOTAL_COUNT = 10 and
 * _TIMEOUT_WINDOW_MS = 24 h): a run stopped for timeout, or one that ran at least the minimum
 * guarantee (runtime_limit), is a timeout event; CountQuotaTracker.noteEvent returns
 * countInWindow < countLimit after counting it (events at or after now - window), so the
 * timeout_restrict_count-th timeout within timeout_window tells the owner to restrict the app
 * (restrictApp). The tracker lives in memory: a reboot clears it. 0: off (<= 13).
 * BACKOFF (getRescheduleJobForFailureLocked, A3.7 [J3]): a timeout counts as a failure, any other
 * system stop as a system stop; attempts = failures + system_stops / system_stop_ratio (ratio 0:
 * every stop is a failure, Android <= 13); on 14 at least one attempt (backoff_floor_one:
 * Math.max(1, ...); AOSP JobSchedulerServiceTest.testGetRescheduleJobForFailure_timingCalculations
 * @0309e5d5 expects now + backoff after one system stop), from 15 no attempt means runnable at once
 * (the 15-era text sets NO_EARLIEST_RUNTIME when backoffAttempts == 0); else the delay is
 * max(min_backoff, backoff) * 2^(attempts-1), at most max_backoff.
 * RUNTIME: a counted run may last until its quota is consumed (QuotaController
 * .getTimeUntilQuotaConsumedLocked: earlier sessions leaving the window while it runs give it
 * time back), at most runtime_limit. session_coalescing is capped at 15 min as QuotaController does.
 */
#ifndef BGSIM_SIMOS_JOBS_H
#define BGSIM_SIMOS_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "mdl_device.h"
#include "sim_reason.h"
#include "simos_standby.h"

typedef struct simos_jobs_params {
    sim_time window[SIMOS_BUCKET_COUNT];
    sim_time allowed[SIMOS_BUCKET_COUNT];
    int max_jobs[SIMOS_BUCKET_COUNT];
    int max_sessions[SIMOS_BUCKET_COUNT];
    bool exempted_free;          /* EXEMPTED has no quota (<= 15) */
    bool top_started_free;       /* runs started while the app is on top are free (<= 15) */
    sim_time in_quota_buffer, session_coalescing;
    sim_time runtime_limit, batch_delay;
    sim_time min_backoff, max_backoff;
    int system_stop_ratio;       /* 0: every stop is a failure */
    bool backoff_floor_one;      /* a rescheduled job has at least one backoff attempt (14) */
    int timeout_restrict_count;  /* timeouts within timeout_window that restrict the app (0: off) */
    sim_time timeout_window;
    /* Android 9: STANDBY_HEARTBEAT_TIME (0: QuotaController, 10+) and STANDBY_BEATS per bucket
     * (0: no limit). */
    sim_time heartbeat;
    int beats[SIMOS_BUCKET_COUNT];
} simos_jobs_params;

/* What the readiness check reads (filled by the owner from the device and the other layers). */
typedef struct simos_job_env {
    bool force_stopped, device_down;
    sim_reason doze;             /* simos_doze_blocks() */
    sim_time doze_until;
    bool awake;
    unsigned constraints;        /* BGT_CONSTRAINT_* */
    bool net, battery_low, plugged;
    bool others_running;         /* another app's job runs (simos_jobs_phone.h) */
    simos_bucket bucket;
    sim_time earliest;           /* backoff: the job's earliest run time */
} simos_job_env;

typedef struct simos_jobs simos_jobs;

simos_jobs *simos_jobs_new(const simos_jobs_params *p);
void simos_jobs_free(simos_jobs *j);

/* The first reason that holds the job back at `now` (SIM_REASON_NONE: start it now). *next gets
 * the time at which a time-only condition ends (SIM_TIME_MAX: only a signal can change it). A
 * ready job that only batching holds starts the batch clock, so this is not a pure query. */
sim_reason simos_jobs_check(simos_jobs *j, const simos_job_env *env, sim_time now, sim_time *next);
/* A new JobInfo (WorkManager scheduled or rescheduled the work): failures, stops and the batch
 * clock start again. */
void simos_jobs_new_job(simos_jobs *j);
/* The job starts / ends. Start returns the run's limit (runtime or remaining quota) and whether
 * it is the quota that limits it. */
sim_time simos_jobs_start(simos_jobs *j, simos_bucket b, bool plugged, bool top, sim_time now, bool *by_quota);
void simos_jobs_end(simos_jobs *j, sim_time now);
/* The device was plugged in or unplugged while the job runs (see QUOTA): true when the run's
 * counting changed; *until gets how long it may still run before its quota is consumed
 * (SIM_TIME_MAX when it is no longer counted). */
bool simos_jobs_power_changed(simos_jobs *j, bool plugged, sim_time now, sim_time *until);
/* A stop of the running job: its earliest run time again (now, or now + backoff). */
sim_time simos_jobs_reschedule(simos_jobs *j, bool failure, sim_time backoff, sim_time now, int *attempts);
/* A run ended at `now` after `ran` ms, `timeout` when stopped by the runtime limit: true when it
 * is a timeout event that makes the app buggy (TIMEOUT SAFEGUARD above). */
bool simos_jobs_note_timeout(simos_jobs *j, bool timeout, sim_time ran, sim_time now);
/* Forget the quota history (JobScheduler keeps it in memory: a reboot clears it); the heartbeat
 * grid restarts at `boot`. */
void simos_jobs_forget(simos_jobs *j, sim_time boot);

/* For tests: the execution time counted in (t - window, t] and the quota verdict for bucket b. */
sim_time simos_jobs_used(const simos_jobs *j, sim_time window, sim_time t);
/* For tests: the sessions overlapping (t - window, t] and the job starts in it. */
int simos_jobs_sessions_in(const simos_jobs *j, sim_time window, sim_time t);
int simos_jobs_starts_in(const simos_jobs *j, sim_time window, sim_time t);
/* Bucket b's execution time left in its window at `now` (QuotaController
 * .getRemainingExecutionTimeLocked without the 4 h daily cap), and how long a job started now may run
 * before the quota is consumed (getTimeUntilQuotaConsumedLocked, likewise). */
sim_time simos_jobs_remaining(const simos_jobs *j, simos_bucket b, sim_time now);
sim_time simos_jobs_time_until_consumed(const simos_jobs *j, simos_bucket b, sim_time now);
/* For tests: the same by bisection over d (what simos_jobs_time_until_consumed computes in one walk
 * over the sessions; tests check that both agree). */
sim_time simos_jobs_time_until_consumed_bisected(const simos_jobs *j, simos_bucket b, sim_time now);
bool simos_jobs_in_quota(const simos_jobs *j, simos_bucket b, sim_time now, sim_time *back);
/* For tests: the Android 9 heartbeat verdict for bucket b (*back: when it becomes eligible). */
bool simos_jobs_heartbeat_ok(simos_jobs *j, simos_bucket b, sim_time now, sim_time *back);
/* The backoff delay for a number of attempts (>= 1). */
sim_time simos_jobs_backoff_delay(const simos_jobs_params *p, sim_time backoff, int attempts);

#endif
