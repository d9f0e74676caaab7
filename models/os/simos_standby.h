/*
 * simos_standby.h - Android's AppStandbyController for the one simulated app: its standby bucket
 * from its usage history (docs/SOURCES.md A2.1 [A1, A2]).
 *
 *   - Opening or leaving the app (MDL_SIG_APP_OPEN / APP_CLOSE: ACTIVITY_RESUMED / PAUSED) makes
 *     it ACTIVE at once and keeps it ACTIVE at least strong_usage_timeout after that event.
 *   - Otherwise the bucket is THRESHOLD_BUCKETS[i] for the highest i with screen-on time since the
 *     last use >= screen[i] and elapsed time since the last use >= elapsed[i] (getThresholdIndex),
 *     indexes 0..4 = ACTIVE, WORKING_SET, FREQUENT, RARE, RESTRICTED (`thresholds` of them). An app
 *     never used is NEVER.
 *   - The bucket is re-evaluated every check_interval (checkIdleStates, 3 h) from the start and
 *     when an ACTIVE elevation expires; it can drop only at those instants.
 *   - "Battery optimization: not optimized" (d->optimization_exempt) puts the app in EXEMPTED
 *     (getAppMinBucket's power-save allowlist floor).
 *   - `os.bucket` fixes the bucket (no re-evaluation).
 *   - MDL_SIG_STANDBY_BUCKET (a scripted `standby_bucket` event, `adb shell am
 *     set-standby-bucket`) forces a bucket until the next use of the app, below a fixed bucket and
 *     the EXEMPTED floor (AppStandbyController: REASON_MAIN_FORCED_BY_USER is left alone by
 *     checkAndUpdateStandbyState; setAppStandbyBucket keeps getAppMinBucket's floor).
 *   - simos_standby_restrict: the system forces the app into RESTRICTED (JobSchedulerService
 *     .maybeProcessBuggyJob -> AppStandbyInternal.restrictApp, REASON_SUB_FORCED_SYSTEM_FLAG_BUGGY,
 *     Android 14+) until the next use of the app (assumption: a usage event elevates an app the
 *     system restricted, as it does any other bucket; AppStandbyController.reportEventLocked was
 *     not re-read for this case). Below a fixed bucket or the EXEMPTED floor it has no effect. A
 *     restriction asked for less than auto_restrict_delay after the last use waits until then
 *     (AppStandbyController.checkAndUpdateStandbyState: lastRestrictAttemptElapsedTime >
 *     lastUsedByUserElapsedTime and elapsed - lastUsedByUser >= getAutoRestrictedBucketDelayMs();
 *     AOSP AppStandbyControllerTests.testRestrictedDelay).
 * Screen-on time since the last use comes from the usage model (mdl_usage_screen_on_since_last_use).
 * Not modeled: notification-seen / sync-adapter / slice elevations, ML predictions, widget and
 * permission floors, restriction for excessive broadcasts or drain, "stable charging".
 * Every change traces `os.bucket` {bucket, reason} and tells the owner.
 */
#ifndef BGSIM_SIMOS_STANDBY_H
#define BGSIM_SIMOS_STANDBY_H

#include <stdbool.h>

#include "mdl_device.h"

/* In AOSP's order of bucket values (EXEMPTED 5 ... NEVER 50); used as table indexes. */
typedef enum simos_bucket {
    SIMOS_BUCKET_EXEMPTED = 0,
    SIMOS_BUCKET_ACTIVE,
    SIMOS_BUCKET_WORKING_SET,
    SIMOS_BUCKET_FREQUENT,
    SIMOS_BUCKET_RARE,
    SIMOS_BUCKET_RESTRICTED,
    SIMOS_BUCKET_NEVER,
    SIMOS_BUCKET_COUNT
} simos_bucket;

#define SIMOS_THRESHOLDS 5

typedef struct simos_standby_params {
    sim_time screen[SIMOS_THRESHOLDS], elapsed[SIMOS_THRESHOLDS];
    int thresholds;                 /* 4 before the time-based RESTRICTED threshold, else 5 */
    sim_time strong_usage_timeout;
    sim_time check_interval;
    sim_time auto_restrict_delay;   /* a system restriction waits this long after the last use */
    int fixed;                      /* a simos_bucket, or -1: from the usage history */
} simos_standby_params;

typedef struct simos_standby simos_standby;
typedef void (*simos_standby_fn)(void *ctx);

/* NULL when out of memory. The first evaluation happens at time 0, after the environment models
 * have started. It does not subscribe to the device bus: the owner subscribes
 * simos_standby_listener, or calls it from its own listener (as the Android model does). */
simos_standby *simos_standby_new(mdl_device *d, const simos_standby_params *p, simos_standby_fn changed, void *ctx);
/* App Standby's device bus listener (ctx: the simos_standby). It acts only on the signals
 * simos_standby_listens says (a bit set, inline: an owner calling it from its own listener can
 * leave the call out for the others). */
void simos_standby_listener(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg);
#define SIMOS_STANDBY_LISTENED                                                                                  \
    (1u << MDL_SIG_APP_OPEN | 1u << MDL_SIG_APP_CLOSE | 1u << MDL_SIG_SETTINGS | 1u << MDL_SIG_STANDBY_BUCKET)
_Static_assert(MDL_SIG_COUNT <= 32, "SIMOS_STANDBY_LISTENED holds a signal per bit");
static inline bool simos_standby_listens(mdl_signal sig)
{
    return (unsigned)sig < 32 && (SIMOS_STANDBY_LISTENED >> (unsigned)sig & 1u);
}
void simos_standby_free(simos_standby *s);
simos_bucket simos_standby_bucket(const simos_standby *s);
const char *simos_bucket_name(simos_bucket b);
/* The field "bucket": simos_bucket_name(b) of a record being traced, its hash a constant. */
void simos_trace_bucket(sim_trace *tr, simos_bucket b);
/* The system restricts the app now (above); the owner is told of the change. */
void simos_standby_restrict(simos_standby *s);
/* The names `os.bucket` accepts, indexed by simos_bucket (NEVER excluded), NULL-terminated. */
extern const char *const simos_bucket_names[];
/* For tests: re-evaluate the bucket now, as AppStandbyController.checkIdleStates does (the model
 * itself does so every check_interval and when an elevation expires). */
void simos_standby_check(simos_standby *s);
/* getThresholdIndex's bucket for the given times since the last use (exposed for tests). */
simos_bucket simos_standby_threshold_bucket(const simos_standby_params *p, sim_time screen_on, sim_time elapsed);

#endif
