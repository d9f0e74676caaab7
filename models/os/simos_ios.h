/*
 * simos_ios.h - the `ios` platform: a model of BGTaskScheduler's launch decisions (dasd).
 *
 * Apple's scheduler is opaque; this model composes what is documented, said at WWDC, observed in
 * the field or reverse-engineered (docs/SOURCES.md, cited "In": its iOS section n), and marks
 * every parameter as one of
 *   [DOC]  Apple documentation or SDK header      [WWDC] an Apple session
 *   [OBS]  a published field observation           [RE]   reverse-engineering write-ups (dasd)
 *   [ASSUMPTION] a modelling choice, calibrated against I7.6.
 * Every default below carries its tag and source in simos_ios.c (config table) and in
 * scenarios/README.md ("### `os` on ios").
 *
 * LAYERS, one job per file pair:
 *   simos_ios.c        requests (BGProcessingTaskRequest / BGAppRefreshTaskRequest, limits,
 *                      replace, errors), the evaluation loop, execution (time limits, expiry,
 *                      the user stopping processing), the `os:` keys, the ops the runner calls
 *   simos_ios_gates.h  hard gates (inline): every "no" that does not depend on a score, in reason order
 *   simos_ios_score.c  the refresh launch score, the relaxing threshold, energy/data budgets
 *
 * REQUESTS [DOC I1.1]. Each identifier has at most one pending request; a new submit for it
 * replaces the old one. An app has at most 1 pending refresh request and 10 pending processing
 * requests (tooManyPendingTaskRequests = 2). Background App Refresh off makes submit fail with
 * unavailable = 1 (I1.1 "Unavailable", reason 1). A request type whose background mode the app
 * does not declare fails with notPermitted = 3: expo declares `processing` only (I5), so refresh
 * requests are permitted only under the what-if `request: refresh` (the app declares `fetch`).
 * A simulator is not modeled here: it is the core's `restricted` switch (expo never submits
 * there, I5 supportsBackgroundTasks). A request is consumed when it is launched.
 *
 * THE WORKER is expo's one identifier, com.expo.modules.backgroundtask.processing (I5), submitted
 * as the configured type (default processing, as expo does). The core's REPLACE is cancel + submit
 * with earliest = now + delay; its network bit is requiresNetworkConnectivity, its charging bit
 * requiresExternalPower. A rejected submit (BAR off) returns BGT_E_BACKEND to the core, which logs
 * it and carries on (expo swallows the error, I5); from the instant the rejected request would
 * have been due, the model reports refresh_off until the app submits again, because the core
 * wants a worker that the OS will not run. Other identifiers can be submitted through
 * simos_ios_submit() (tests, API fidelity); only the worker's request is ever launched.
 *
 * BAR, the core's `restricted` switch and expo's status: d->refresh_enabled (device.settings
 * background_app_refresh) is the device setting. It blocks launches (reason refresh_off) and
 * submits (unavailable). expo's getStatusAsync does NOT read it on iOS: it reports Available on
 * every device (I5), so the core's `restricted` stays false with BAR off; `restricted` means a
 * simulator or Expo Go, where expo never submits at all. Pending requests survive BAR being
 * turned off (they are held back with refresh_off and may run once it is on again) [ASSUMPTION:
 * I7.3 G2 says they may be cancelled; not established].
 *
 * EVALUATION. The model decides at evaluation instants, each an event in SIM_PHASE_OS: every
 * relevant device change (plug, unplug, battery threshold, Low Power Mode, network, screen,
 * app open/close, swipe, reboot and boot, BAR), the idle threshold, the earliest date, the end of
 * a rate limit or budget deficit, the end of the recent-use window, and, while a due request is
 * held back, a periodic re-evaluation every `reevaluate_every` (I7.2). At each instant the
 * worker's request, if due, goes through:
 *   1. the hard gates (simos_ios_gates.h), in this order, the first failing gate is the reason:
 *      device_down > force_quit > refresh_off > score (app not used recently) > battery_low
 *      (critically low) > low_power_mode > network > not_charging > device_in_use > rate_limit
 *   2. budgets (simos_ios_score.h): refresh needs energy budget, any launch on cellular needs
 *      data budget > budget
 *   3. refresh: score >= threshold(lateness), else score. Processing: a drawn delay after the
 *      gates open (dasd batching, OBS I3 #13), reported as score while it runs.
 * and launches when all pass. The reason is reported through hooks->deferral whenever it
 * changes, and SIM_REASON_NONE when the request is launched, cancelled, or not due yet.
 *
 * IDLE. The device is idle when the screen has been off for `idle_after` [OBS I1.3 FORUM 119758,
 * ~5 min]; the model writes d->dozing (mdl_device.h: "OS model: iOS idle") and emits
 * MDL_SIG_DOZE at the threshold and when the screen comes on. Processing requests launch only
 * while idle [DOC I1.1 BGProcessingTask].
 *
 * EXECUTION. Refresh runs get `refresh_time_limit` (30 s) [DOC], cut to an early expiry at a
 * drawn instant with probability `early_expiry` [FORUM 780956, ASSUMPTION on the rate];
 * processing runs get a drawn limit (minutes) [WWDC19 "several minutes", ASSUMPTION on the
 * law]. At the limit: hooks->stop(SIMOS_STOP_TIMEOUT) (the expiration handler: the core marks
 * the run expired and, under expo's iOS policy, reschedules). A processing run is stopped with
 * SIMOS_STOP_USER when the screen comes on [DOC I1.1 "terminates any background processing
 * tasks running when the user starts using the device"]. A run whose process dies is not re-run
 * (the request was consumed). Budgets are debited when a run ends.
 *
 * FORCE QUIT. A swipe (MDL_SIG_APP_SWIPE) sets the force-quit flag until the user opens the app
 * (MDL_SIG_APP_OPEN) [FORUM 15808, 685525]; it survives reboots. It blocks refresh always and
 * processing unless `force_quit_blocks_processing` is false (default false from iOS 19: the
 * 18.3+ exception, FORUM 793189; os.version is a whole major, so 18 counts as before 18.3).
 *
 * Random streams: os.expiry (refresh early expiry), os.processing_limit, os.processing_delay.
 * Trace types: os.schedule, os.cancel, os.submit, os.idle, os.force_quit, os.launch,
 * os.start_worker (scenarios/TRACE.md).
 */
#ifndef BGSIM_SIMOS_IOS_H
#define BGSIM_SIMOS_IOS_H

#include <stdbool.h>
#include <stddef.h>

#include "sch_dist.h"
#include "simos.h"

typedef enum simos_ios_type {
    SIMOS_IOS_PROCESSING = 0, /* BGProcessingTaskRequest */
    SIMOS_IOS_REFRESH = 1     /* BGAppRefreshTaskRequest */
} simos_ios_type;

/* BGTaskScheduler.Error.Code (I1.1, BGTaskScheduler.h), and 0 for a successful submit. */
enum {
    SIMOS_IOS_OK = 0,
    SIMOS_IOS_E_UNAVAILABLE = 1,
    SIMOS_IOS_E_TOO_MANY = 2,
    SIMOS_IOS_E_NOT_PERMITTED = 3
};

/* Pending-request limits per app [DOC I1.1 submit(_:)]. */
#define SIMOS_IOS_MAX_REFRESH 1
#define SIMOS_IOS_MAX_PROCESSING 10
#define SIMOS_IOS_ID_MAX 128

/* The `os:` section on ios (besides `version`). Durations in ms, probabilities as fractions. */
typedef struct simos_ios_config {
    simos_ios_type request;            /* the worker's request type */
    sim_time idle_after;
    bool processing_on_battery;
    bool force_quit_blocks_processing;
    sim_time used_within[2];           /* [processing, refresh] */
    int critical_battery_permille;
    sim_time rate_limit[2];            /* [processing, refresh] */
    sim_time reevaluate_every;
    sch_dist processing_delay;
    sim_time refresh_time_limit;
    double early_expiry;
    sch_dist early_expiry_after;
    sch_dist processing_time_limit;
    /* refresh score (simos_ios_score.h) */
    sim_time lookahead;
    double launch_floor;
    sim_time usage_half_life;
    double threshold_start, threshold_min;
    sim_time threshold_relax;
    /* budgets (simos_ios_score.h); 0 = no such budget */
    sim_time energy_budget;
    sim_time launch_cost;
    sim_time data_budget;
    /* Not an `os:` key: tests set it. Every evaluation the model would shortcut (a held verdict
     * repeated, see simos_ios.c) is evaluated in full instead and traced as os.shortcut_check
     * {ok}: whether the full evaluation came to the same verdict and next evaluation. Every
     * arm_eval also checks the model's record of its pending evaluation's time against the engine
     * (os.shortcut_check {ok: false, what: eval_at} when they differ). */
    bool check_shortcut;
} simos_ios_config;

extern const simos_desc simos_ios_desc;

/* expo's identifier (I5), the worker's request. */
#define SIMOS_IOS_WORKER_ID "com.expo.modules.backgroundtask.processing"

/*
 * The request layer, for tests (os is what simos_ios_desc.ops->create returned). Submits a request
 * for `id` (1 to SIMOS_IOS_ID_MAX - 1 bytes) with earliest begin date `earliest` (absolute sim
 * time; earlier than now means "no delay"). Returns SIMOS_IOS_OK or a SIMOS_IOS_E_* code (checked
 * in that order: unavailable, not permitted, too many); on an error nothing changes (the pending
 * request of that identifier, if any, stays). Submitting the worker's identifier acts exactly as a
 * core REPLACE would.
 */
int simos_ios_submit(void *os, const char *id, simos_ios_type type, sim_time earliest, bool requires_network,
                     bool requires_power);
/* cancel(taskRequestWithIdentifier:): drops the pending request of `id`, if any. */
void simos_ios_cancel_id(void *os, const char *id);
/* Pending requests of a type. */
size_t simos_ios_pending(const void *os, simos_ios_type type);
/* The force-quit flag and the idle state as the model sees them. */
bool simos_ios_force_quit(const void *os);
bool simos_ios_idle(const void *os);

const char *simos_ios_type_name(simos_ios_type t);

#endif
