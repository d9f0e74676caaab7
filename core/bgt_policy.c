/* bgt_policy.c: the switch table (name -> field, type, range, doc, source) and the presets.
 *
 * Citations: "En" = section En of docs/SOURCES.md (the Expo sources); file:line
 * references are to the expo package sources that section names (EBT 57.0.21 unless a version is
 * named). A value marked "assumption" is not established by the sources and should be checked. */
#include "bgt_policy.h"

#include <string.h>

#include "bgt.h" /* BGT_INTERVAL_MAX_MIN */

#define MINUTES_MAX BGT_INTERVAL_MAX_MIN /* keeps minutes * 60000 well within int64 */

#define BOOL_SWITCH(field, docstr, src) \
    { { #field, BGT_SWITCH_BOOL, 0, 1, docstr, src }, offsetof(bgt_policy, field) }
#define MIN_SWITCH(field, lo, docstr, src) \
    { { #field, BGT_SWITCH_MINUTES, lo, MINUTES_MAX, docstr, src }, offsetof(bgt_policy, field) }

struct switch_entry {
    bgt_switch_info info;
    size_t offset; /* of a bool (BOOL) or int64_t (MINUTES) inside bgt_policy */
};

static const struct switch_entry switches[] = {
    MIN_SWITCH(default_interval_min, 1,
        "interval used until a registration sets minimumInterval",
        "Android 1440: E2.1, BackgroundTaskScheduler.kt L29; iOS 720: E3.1, "
        "BackgroundTaskScheduler.swift L64; docs/JSDoc say 12 h on both: E1.1, BackgroundTask.types.ts L39"),
    BOOL_SWITCH(missing_interval_resets,
        "a registration without minimumInterval resets the shared interval to the default",
        "Android yes: E2.2, BackgroundTaskConsumer.kt L49-53; iOS keeps the previous value: E3.1, "
        "ios/BackgroundTaskConsumer.swift L45; E8 quirk 2"),
    MIN_SWITCH(interval_floor_min, 0,
        "effective interval is max(interval, floor); 0 disables the floor",
        "no clamp in code on API>=26 or iOS: E2.3 'Clamping', E8 quirk 3; the 15-minute floor is "
        "documented only: E1.1, BackgroundTask.types.ts L39 (seed doc, SDK 52)"),
    BOOL_SWITCH(require_network,
        "the worker requires a connected network",
        "Android NetworkType.CONNECTED: E2.3 step 4, BackgroundTaskScheduler.kt L104-109; iOS "
        "requiresNetworkConnectivity = true: E3.1, BackgroundTaskScheduler.swift L93; expo/expo#48122"),
    BOOL_SWITCH(require_battery_not_low,
        "the worker requires battery-not-low",
        "EBT 0.1.2 Android only: E2.9, ebt-0.1.2 BackgroundTaskScheduler.kt L77-80; removed in "
        "0.2.7: E0, CHANGELOG L329-330"),
    BOOL_SWITCH(require_charging,
        "the worker requires external power",
        "iOS requiresExternalPower = false: E3.1, BackgroundTaskScheduler.swift L94; never set on Android: E2.3 step 4"),
    BOOL_SWITCH(schedule_on_register,
        "the first registration in a process (including restore at start) schedules the worker",
        "since 0.1.5/0.2.7: E0, E2.2 BackgroundTaskScheduler.kt L49-58 (count == 1); iOS E3.2 L66-73, "
        "L155-161; not in 0.1.2: E2.9"),
    BOOL_SWITCH(worker_only_in_background,
        "entering background schedules the worker (REPLACE); entering foreground cancels it",
        "EBT 0.1.2: E2.9, ebt-0.1.2 android BackgroundTaskModule.kt L49-62, ios "
        "BackgroundTaskModule.swift L60-75"),
    BOOL_SWITCH(keep_pending_worker,
        "a REPLACE schedule keeps an existing enqueued or running worker instead of resetting it",
        "Android since 55.x/56.0: E2.3 step 2, BackgroundTaskScheduler.kt L82-94, PR #44663; absent on "
        "iOS (every cold launch resets the timer): E3.3, E8 quirk 10; absent before 55.x: E2.9"),
    MIN_SWITCH(foreground_defer_cap_min, 0,
        "if >0, a run while the app is in foreground runs nothing and re-defers min(cap, interval)",
        "Android 60: E2.5, BackgroundTaskScheduler.kt L221-230, E8 quirk 6; iOS not guarded: E7; "
        "absent in 0.1.2: E2.9"),
    BOOL_SWITCH(successor_append,
        "the next run is chained after the current one (APPEND) rather than a fresh REPLACE",
        "Android APPEND: E2.5, BackgroundTaskScheduler.kt L250-252; iOS cancel + submit: E3.2 L84-113, E3.3"),
    BOOL_SWITCH(reschedule_on_expiry,
        "a run that expires or is stopped by the OS still schedules its successor",
        "iOS expirationHandler -> reschedule(): E3.3, BackgroundTaskAppDelegate.swift L10-52 (since "
        "1.0.8: E0); Android: no successor, WorkManager retries the same work: E2.5, E2.8"),
    BOOL_SWITCH(unregister_undefined_on_fire,
        "a task that fires while not defined in this process is unregistered",
        "E1.2, expo-task-manager TaskManager.ts L287-296; E4.2"),
    BOOL_SWITCH(reregister_updates_options,
        "registering an already registered task updates its stored options (no reschedule)",
        "EBT returns silently, options ignored: E1.1, BackgroundTask.ts L100-102, E8 quirk 4; the "
        "task-manager layer alone would update them: E4.1, TaskService.java L107-119"),
    BOOL_SWITCH(strict_register,
        "registering a registered task or unregistering an unknown one is an error",
        "EBT < 0.2.5 threw; since 0.2.5 silent: E0, CHANGELOG L340"),
    BOOL_SWITCH(interval_change_reschedules,
        "a registration while the worker exists reschedules it with the new interval",
        "what-if: expo applies a new interval only at the next reschedule after a run: E2.2, E8 quirk 5"),
    MIN_SWITCH(retry_failed_after_min, 0,
        "if >0, a run with any Failed result schedules the next run this many minutes out",
        "what-if: results never change scheduling in expo: E2.5, BackgroundTaskConsumer.kt L30-33; "
        "E3.3 setTaskCompleted(success: true) always"),
    BOOL_SWITCH(trigger_enabled,
        "trigger-for-testing is available (debug builds)",
        "E1.1, BackgroundTask.ts L130-140 (__DEV__ only); exposed since 0.2.7: E0, CHANGELOG L329-330"),
    BOOL_SWITCH(restricted,
        "status is Restricted and registration is skipped (iOS simulator, Expo Go, web)",
        "E1.1 getStatusAsync / registerTaskAsync L88-98; E3.4, BackgroundTaskScheduler.swift L214-221"),
};

#define NSWITCHES (sizeof switches / sizeof switches[0])

/* ---- presets ---------------------------------------------------------------------------------
 * Field order follows bgt_policy; the switch table above carries the source of every value. */

static const bgt_policy current_android = {
    .default_interval_min = 1440,        /* E2.1 L29 */
    .missing_interval_resets = true,     /* E2.2 L49-53 */
    .interval_floor_min = 0,             /* E2.3 Clamping */
    .require_network = true,             /* E2.3 step 4 */
    .require_battery_not_low = false,    /* removed in 0.2.7, E0 */
    .require_charging = false,
    .schedule_on_register = true,        /* E2.2 */
    .worker_only_in_background = false,
    .keep_pending_worker = true,         /* E2.3 step 2 */
    .foreground_defer_cap_min = 60,      /* E2.5 */
    .successor_append = true,            /* E2.5 L250-252 */
    .reschedule_on_expiry = false,       /* E2.5, E2.8 */
    .unregister_undefined_on_fire = true,/* E1.2 */
    .reregister_updates_options = false, /* E1.1 */
    .strict_register = false,            /* since 0.2.5 */
    .interval_change_reschedules = false,/* E2.2 */
    .retry_failed_after_min = 0,         /* E2.5 */
    .trigger_enabled = true,             /* debug build assumed, E1.1 */
    .restricted = false,
};

static const bgt_policy current_ios = {
    .default_interval_min = 720,         /* E3.1 L64 */
    .missing_interval_resets = false,    /* E3.1 L45 */
    .interval_floor_min = 0,
    .require_network = true,             /* E3.1 L93 */
    .require_battery_not_low = false,
    .require_charging = false,           /* E3.1 L94 */
    .schedule_on_register = true,        /* E3.2 */
    .worker_only_in_background = false,
    .keep_pending_worker = false,        /* E3.3: every cold launch resets the timer */
    .foreground_defer_cap_min = 0,       /* E7: not guarded */
    .successor_append = false,           /* E3.3 cancel + submit */
    .reschedule_on_expiry = true,        /* E3.3 */
    .unregister_undefined_on_fire = true,
    .reregister_updates_options = false,
    .strict_register = false,
    .interval_change_reschedules = false,
    .retry_failed_after_min = 0,         /* E3.3 */
    .trigger_enabled = true,
    .restricted = false,                 /* a device; the simulator would be true, E3.4 */
};

static const bgt_policy sdk52_android = {
    .default_interval_min = 720,         /* documented 12 h, E1.1 L39 */
    .missing_interval_resets = true,     /* assumption: same consumer code as later, E2.2 */
    .interval_floor_min = 15,            /* documented floor, E1.1 L39 (seed doc) */
    .require_network = true,             /* E2.9 */
    .require_battery_not_low = true,     /* E2.9, ebt-0.1.2 L77-80 */
    .require_charging = false,
    .schedule_on_register = false,       /* E2.9: scheduled on background */
    .worker_only_in_background = true,   /* E2.9 */
    .keep_pending_worker = false,        /* E2.9: no guard before 55.x */
    .foreground_defer_cap_min = 0,       /* E2.9: no foreground guard */
    .successor_append = true,            /* assumption: E2.9 says successor from doWork, mode unrecorded */
    .reschedule_on_expiry = false,       /* E2.9: CancellationException swallowed, no successor */
    .unregister_undefined_on_fire = true,/* task-manager behaviour, E1.2 */
    .reregister_updates_options = false,
    .strict_register = true,             /* < 0.2.5 threw, E0 */
    .interval_change_reschedules = false,
    .retry_failed_after_min = 0,
    .trigger_enabled = false,            /* testing method exposed in 0.2.7, E0 */
    .restricted = false,
};

static const bgt_policy sdk52_ios = {
    .default_interval_min = 720,         /* E1.1 L39, E3.1 */
    .missing_interval_resets = false,    /* assumption: same consumer code as later, E3.1 */
    .interval_floor_min = 0,             /* the seed doc places the floor on Android only */
    .require_network = true,             /* E3.1 */
    .require_battery_not_low = false,    /* no such iOS constraint, E3.1 */
    .require_charging = false,
    .schedule_on_register = false,       /* E2.9 */
    .worker_only_in_background = true,   /* E2.9, ebt-0.1.2 ios BackgroundTaskModule.swift L60-75 */
    .keep_pending_worker = false,
    .foreground_defer_cap_min = 0,
    .successor_append = false,           /* cancel + submit, E3.2 */
    .reschedule_on_expiry = false,       /* expiration handler added in 1.0.8, E0 */
    .unregister_undefined_on_fire = true,
    .reregister_updates_options = false,
    .strict_register = true,             /* E0 */
    .interval_change_reschedules = false,
    .retry_failed_after_min = 0,
    .trigger_enabled = false,            /* E0 */
    .restricted = false,
};

static const struct {
    const char *name;
    const bgt_policy *android, *ios;
} presets[] = {
    { "current", &current_android, &current_ios },
    { "sdk52", &sdk52_android, &sdk52_ios },
};

#define NPRESETS (sizeof presets / sizeof presets[0])

int bgt_policy_preset(const char *name, bgt_platform platform, bgt_policy *out)
{
    size_t i;
    if (!name || !out || (platform != BGT_PLATFORM_ANDROID && platform != BGT_PLATFORM_IOS))
        return BGT_E_INVAL;
    for (i = 0; i < NPRESETS; i++) {
        if (strcmp(presets[i].name, name) == 0) {
            *out = platform == BGT_PLATFORM_ANDROID ? *presets[i].android : *presets[i].ios;
            return BGT_OK;
        }
    }
    return BGT_E_UNKNOWN_PRESET;
}

size_t bgt_policy_preset_count(void) { return NPRESETS; }

const char *bgt_policy_preset_name(size_t i) { return i < NPRESETS ? presets[i].name : NULL; }

int bgt_platform_parse(const char *name, bgt_platform *out)
{
    if (!name || !out)
        return BGT_E_INVAL;
    if (strcmp(name, "android") == 0)
        *out = BGT_PLATFORM_ANDROID;
    else if (strcmp(name, "ios") == 0)
        *out = BGT_PLATFORM_IOS;
    else
        return BGT_E_INVAL;
    return BGT_OK;
}

size_t bgt_policy_switch_count(void) { return NSWITCHES; }

const bgt_switch_info *bgt_policy_switch_at(size_t i)
{
    return i < NSWITCHES ? &switches[i].info : NULL;
}

static const struct switch_entry *find_entry(const char *name)
{
    size_t i;
    for (i = 0; name && i < NSWITCHES; i++)
        if (strcmp(switches[i].info.name, name) == 0)
            return &switches[i];
    return NULL;
}

const bgt_switch_info *bgt_policy_switch_find(const char *name)
{
    const struct switch_entry *e = find_entry(name);
    return e ? &e->info : NULL;
}

int bgt_policy_set(bgt_policy *p, const char *name, int64_t value)
{
    const struct switch_entry *e;
    if (!p || !name)
        return BGT_E_INVAL;
    if (!(e = find_entry(name)))
        return BGT_E_UNKNOWN_SWITCH;
    if (value < e->info.min || value > e->info.max)
        return BGT_E_RANGE;
    if (e->info.type == BGT_SWITCH_BOOL)
        *(bool *)(void *)((char *)p + e->offset) = value != 0;
    else
        *(int64_t *)(void *)((char *)p + e->offset) = value;
    return BGT_OK;
}

int bgt_policy_get(const bgt_policy *p, const char *name, int64_t *out)
{
    const struct switch_entry *e;
    if (!p || !name || !out)
        return BGT_E_INVAL;
    if (!(e = find_entry(name)))
        return BGT_E_UNKNOWN_SWITCH;
    if (e->info.type == BGT_SWITCH_BOOL)
        *out = *(const bool *)(const void *)((const char *)p + e->offset);
    else
        *out = *(const int64_t *)(const void *)((const char *)p + e->offset);
    return BGT_OK;
}
