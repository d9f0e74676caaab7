/*
 * simos_android.h - the `android` platform: WorkManager over JobScheduler, with Doze
 * (simos_doze.h), App Standby buckets (simos_standby.h) and JobScheduler readiness, quota and
 * backoff (simos_jobs.h). Sources: docs/SOURCES.md (cited An [id]: section An, file id [id]); per
 * mechanism what is modeled, the source and what is left out: models/os/ANDROID.md.
 *
 * WORKMANAGER (this file's layer, A4) holds expo's one unique one-off work chain:
 *  - REPLACE: the work (and a chained successor) is replaced; the new work is enqueued now with its
 *    initial delay: due at now + delay (calculateNextRunTime, one-time: lastEnqueueTime +
 *    initialDelay, A4.2 [W2]). A run in progress is not interrupted; it is marked cancelled and
 *    is not retried (WorkManager would stop it; its tasks have already run in the simulator).
 *  - APPEND behind a running or enqueued work: the new work is BLOCKED until that work succeeds,
 *    then enqueued at its end with its delay (one successor kept: a second APPEND replaces it).
 *  - Each enqueued work is handed to JobScheduler as a fresh one-shot job with
 *    setMinimumLatency(nextRunTime - now) and no deadline (A4.3 [W3]); WorkManager's
 *    backoff is 30 s EXPONENTIAL (WorkRequest.DEFAULT_BACKOFF_DELAY_MILLIS, A4.1 [W1]).
 *  - A completed run is Result.success() (the core never asks for retry; A4.4 [W5]): SUCCEEDED,
 *    the successor (if any) is enqueued.
 *  - A run the OS stops (runtime limit, lost constraint, Doze, quota) goes back to ENQUEUED without
 *    updating lastEnqueueTime and with runAttemptCount incremented (WorkerWrapper.interrupt ->
 *    resolve(true), androidx work-runtime 2.9.x). SystemJobService.onStopJob returns true (the
 *    work is not cancelled), but WorkManager's Processor listener (Schedulers.registerRescheduling)
 *    then cancels the work in every scheduler (SystemJobScheduler.cancel: the JobScheduler job
 *    goes, with its backoff and failure counts) and schedules it again: a fresh JobInfo with
 *    setMinimumLatency(max(calculateNextRunTime - now, 0)), calculateNextRunTime being
 *    lastEnqueueTime + min(5 h, 30 s x 2^(runAttemptCount-1)) (WorkSpec.calculateNextRunTime,
 *    isBackedOff branch). So no JobScheduler backoff applies, and the base is the enqueue time,
 *    not the stop (`os.jobs.stop_reschedule: workmanager`, the default). `jobscheduler` keeps
 *    JobScheduler's own reschedule (getRescheduleJobForFailureLocked, backoff from the stop) on top,
 *    as for an app whose onStopJob returns true and which does not re-schedule. The core does not
 *    reschedule an expired run on Android (policy reschedule_on_expiry false): the model retries.
 *  - A run whose process dies (kill, swipe, reboot): WorkManager is gone with the process and
 *    cannot cancel, so JobScheduler's own reschedule applies (a system stop, with its backoff).
 *  - GreedyScheduler (WorkManager's in-process scheduler, `os.greedy`): while the app's process
 *    is alive and not frozen, WorkManager also hands the work to GreedyScheduler
 *    (Schedulers.schedule), which arms a main-looper Handler timer of calculateNextRunTime - now
 *    (DelayedWorkTracker -> DefaultRunnableScheduler.scheduleWithDelay: uptime, it does not
 *    advance while the CPU sleeps), tracks the constraints in process (network: none while Doze
 *    holds the app's network) and starts the work itself when both hold, under TimeLimiter's
 *    90 min and outside JobScheduler (no quota, batching or runtime limit). The process lives
 *    from APP_OPEN or a JobScheduler start until APP_SWIPE / APP_KILL / FORCE_STOP / REBOOT; it is
 *    frozen freeze_delay after it is cached (background, no work running: CachedAppOptimizer
 *    DEFAULT_FREEZER_DEBOUNCE_TIMEOUT, 10 s on 14+, 10 min on 12-13; none on <= 11, assumption),
 *    and a frozen process runs no timer. Double starts are impossible (one run at a time, as
 *    StartStopTokens / Processor.isEnqueued / trySetRunning ensure).
 *  - Timeout safeguard (Android 14+): the timeout_restrict_count-th timeout in 24 h restricts the
 *    app (simos_jobs.h TIMEOUT SAFEGUARD, simos_standby_restrict).
 *  - Force stop: the job is cancelled and nothing runs until the next user launch, which
 *    reschedules the work (ForceStopRunnable, A4.6 [W6]); the work stays in WorkManager's
 *    database meanwhile (state() answers ENQUEUED). Reboot: jobs are not persisted; the work is
 *    rescheduled at boot (RescheduleReceiver, A4.6 [W4, W7]) unless the app is force-stopped.
 * Deferral reasons follow simos_jobs.h's order; the request is due from its nextRunTime (from the
 * stop, for a retry) until the worker starts or the work is cancelled.
 * Trace: os.schedule, os.cancel, os.start_worker, os.stop, os.retry, os.force_stop, os.boot,
 * os.doze, os.bucket (scenarios/TRACE.md).
 */
#ifndef BGSIM_SIMOS_ANDROID_H
#define BGSIM_SIMOS_ANDROID_H

#include <stdbool.h>

#include "simos.h"
#include "simos_doze.h"
#include "simos_jobs.h"
#include "simos_jobs_phone.h"
#include "simos_standby.h"

/* The parsed `os:` section (besides `version`): every constant of every layer. */
typedef struct simos_android_config {
    int version;
    simos_doze_params doze;
    simos_standby_params standby;
    simos_jobs_params jobs;
    simos_phone_params phone;     /* `os.other_jobs` */
    sim_time wm_backoff;          /* WorkRequest backoff delay */
    bool stop_js_backoff;         /* stop_reschedule: jobscheduler (true) or workmanager (false) */
    /* WorkManager's in-process GreedyScheduler (`os.greedy`): on/off, its TimeLimiter, and the
     * cached apps freezer's debounce (0: no freezer) */
    bool greedy;
    sim_time greedy_time_limit, freeze_delay;
    sim_time wm_max_backoff;
    /* Tests only (no `os:` key): take every step the model's shortcuts leave out. A run must be the
     * same either way (test_simos_android: scenario.shortcuts_change_nothing). */
    bool reference;
} simos_android_config;

extern const simos_desc simos_android_desc;
/* `os.other_jobs: typical` (the default; simos_android_params.c states the assumptions). */
extern const simos_phone_params simos_android_typical_phone;

/* Fills *c with the defaults of Android `version` (9..16; others are clamped). */
void simos_android_defaults(simos_android_config *c, int version);
/* For tests, on a model made by simos_android_desc's create with config.reference: how many times
 * a readiness ask asked whether the check would only set the timer again, and how many times the
 * model's cached answer differed from the one computed afresh (the one used there). */
void simos_android_idle_audit(const void *model, long *asks, long *mismatches);

/* AndroidX WorkSpec.calculateNextRunTime (A4.2 [W2]), without the 2.9 schedule override. Times in
 * ms; interval/flex clamped as PeriodicWorkRequest does (interval >= 15 min, flex in [5 min,
 * interval], A4.1 [W1]); backoff clamped to [10 s, 5 h]. */
typedef struct simos_wm_spec {
    bool periodic, linear;
    sim_time last_enqueue, initial_delay, interval, flex, backoff;
    int run_attempt, period_count;
} simos_wm_spec;
sim_time simos_wm_next_run_time(const simos_wm_spec *w);

#endif
