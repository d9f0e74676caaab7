/*
 * simos_jobs_phone.h - the rest of the phone's job load: other apps' JobScheduler jobs, as far as
 * they change when the app's job runs (issue 17 point 2).
 *
 * WHY: JobScheduler force-batches the job of an app outside ACTIVE / EXEMPTED (and always one of a
 * RESTRICTED app), but a pass releases the batch as soon as any unbatched job is ready or running
 * (JobSchedulerService.MaybeReadyJobQueueFunctor.accept counts unbatchedCount before testing
 * isRunning; postProcessLocked runs the batch when unbatchedCount > 0 or forceBatchedCount >=
 * MIN_READY_NON_ACTIVE_JOBS_COUNT; AOSP frameworks/base, Android 13 and 15 text). On a real phone
 * other apps' jobs are ready often, after every Doze idle period (deferred work runs in the
 * maintenance window) and right after boot. With no other job the app would wait the full
 * batch delay every time (the "quiet phone", kept as an option).
 *
 * WHAT: other apps' jobs become ready as a Poisson process of per_hour arrivals (stream
 * "os.phone_jobs"), plus at_boot jobs when boot completes. A ready job runs at once when jobs may
 * run (the owner's can_run: not in Doze idle, not rebooting), else it waits (deferred) and runs at
 * the next moment they may (simos_phone_poke: a maintenance window, Doze exit, boot). Each runs
 * for an exponential duration of mean mean_duration. "Busy" while any of them runs; the owner is
 * told whenever a run starts or the last one ends (a MSG_CHECK_JOB pass).
 * Not modeled: other apps' buckets and quotas, their own batching (each arrival is taken as an
 * unbatched job: the typical phone has ACTIVE / EXEMPTED apps and retried jobs among them), the
 * 5-batched-jobs rule, jobs keeping a Doze maintenance window open, concurrency limits.
 * Defaults (simos_android_params.c): assumptions, stated there; per_hour 0 is the quiet phone.
 *
 * Ownership: borrows the device; simos_phone_free cancels its events.
 */
#ifndef BGSIM_SIMOS_JOBS_PHONE_H
#define BGSIM_SIMOS_JOBS_PHONE_H

#include <stdbool.h>

#include "mdl_device.h"

typedef struct simos_phone_params {
    double per_hour;          /* other apps' jobs becoming ready per hour (0: a quiet phone) */
    sim_time mean_duration;   /* mean run time of one (exponential) */
    int at_boot;              /* jobs ready when boot completes */
} simos_phone_params;

typedef struct simos_phone simos_phone;
typedef bool (*simos_phone_can_run_fn)(void *ctx);
typedef void (*simos_phone_fn)(void *ctx);

/* NULL when out of memory or without the random stream. */
simos_phone *simos_phone_new(mdl_device *d, const simos_phone_params *p, simos_phone_can_run_fn can_run,
                             simos_phone_fn changed, void *ctx);
void simos_phone_free(simos_phone *ph);
/* What simos_phone_poke and simos_phone_busy read, the first member of struct simos_phone (a pointer
 * to the model converted to this type points to it, C11 6.7.2.1p15): the Android model asks both at
 * every Doze change and uptime sync, and most pokes find no job waiting, so they are read inline
 * (issue 24). Only simos_jobs_phone.c writes it. */
typedef struct simos_phone_head {
    sim_engine *engine;  /* the device's, fixed at simos_phone_new */
    int pending;         /* ready, waiting for jobs to be allowed */
    sim_time busy_until; /* the last running job's end (<= now: none runs) */
} simos_phone_head;

/* Waiting jobs start now if they may (out of line: simos_phone_poke's work when a job waits). */
void simos_phone_run_waiting(simos_phone *ph);
/* Jobs may have become runnable (can_run changed): waiting jobs start now if they may. */
static inline void simos_phone_poke(simos_phone *ph)
{
    if (((const simos_phone_head *)(const void *)ph)->pending > 0)
        simos_phone_run_waiting(ph);
}
/* The device goes down (running jobs die; waiting ones are persisted) / boot completed. */
void simos_phone_reboot(simos_phone *ph);
void simos_phone_boot(simos_phone *ph);
/* True while another app's job runs. */
static inline bool simos_phone_busy(const simos_phone *ph)
{
    const simos_phone_head *h = (const simos_phone_head *)(const void *)ph;
    return h->busy_until > sim_now(h->engine);
}

#endif
