/*
 * simos_android.h - the `android` platform: WorkManager over JobScheduler, with Doze
 * (simos_doze.h), App Standby buckets (simos_standby.h) and JobScheduler readiness, quota and
 * backoff (simos_jobs.h). Sources: docs/SOURCES.md (cited An [id]: section An, file id [id]).
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
 *    updating lastEnqueueTime and with runAttemptCount incremented (A4.4 [W5]); JobScheduler
 *    reschedules it with its backoff (A3.7 [J3]), and WorkManager's own guard keeps it until
 *    lastEnqueueTime + min(5 h, 30 s x 2^(runAttemptCount-1)) (A4.2). The core does not reschedule
 *    an expired run on Android (policy reschedule_on_expiry false): the model retries the work.
 *  - A run whose process dies (kill, swipe, reboot) is treated the same (a system stop).
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
#include "simos_standby.h"

/* The parsed `os:` section (besides `version`): every constant of every layer. */
typedef struct simos_android_config {
    int version;
    simos_doze_params doze;
    simos_standby_params standby;
    simos_jobs_params jobs;
    sim_time wm_backoff;          /* WorkRequest backoff delay */
    sim_time wm_max_backoff;
} simos_android_config;

extern const simos_desc simos_android_desc;

/* Fills *c with the defaults of Android `version` (9..16; others are clamped). */
void simos_android_defaults(simos_android_config *c, int version);

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
