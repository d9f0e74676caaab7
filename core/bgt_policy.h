/* bgt_policy.h: expo-background-task's scheduling semantics as data.
 *
 * Each field of bgt_policy is one behaviour ("switch") of a specific expo-background-task version,
 * so a scenario can start from a named preset and turn a single quirk off to see what it costs.
 * Sources are listed in docs/SOURCES.md (cited as En, its Expo sections) and are the expo
 * packages (EBT = expo-background-task 57.0.21 unless a version is named).
 * The authoritative per-switch documentation, with sources, is the table in bgt_policy.c and is
 * reachable at run time through bgt_policy_switch_at().
 *
 * Presets are chosen by (name, platform) because expo itself behaves differently per platform;
 * the core never branches on the platform, only on these switches:
 *   "current": EBT 57.0.21 code as read (E2-E3, E10).
 *   "sdk52":   SDK 52 as the seed document describes it (battery-not-low + network, 15-minute
 *              floor on Android, 12 h default, last registered interval wins), with the lifecycle
 *              that E2.9 reads from EBT 0.1.2 code (worker only while the app is backgrounded).
 *
 * A bgt_policy is plain data: copy it freely; it owns no pointers. */
#ifndef BGT_POLICY_H
#define BGT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgt_error.h"

typedef enum bgt_platform {
    BGT_PLATFORM_ANDROID = 1,
    BGT_PLATFORM_IOS = 2
} bgt_platform;

typedef struct bgt_policy {
    int64_t default_interval_min;       /* interval until a task sets minimumInterval */
    bool missing_interval_resets;       /* register without minimumInterval resets to default */
    int64_t interval_floor_min;         /* effective interval = max(interval, floor); 0 = none */
    bool require_network;               /* worker constraint: network connected */
    bool require_battery_not_low;       /* worker constraint: battery not low */
    bool require_charging;              /* worker constraint: external power */
    bool schedule_on_register;          /* first registration in a process schedules (REPLACE) */
    bool worker_only_in_background;     /* schedule on background, cancel on foreground */
    bool keep_pending_worker;           /* a REPLACE schedule keeps an enqueued/running worker */
    int64_t foreground_defer_cap_min;   /* >0: run while foreground defers min(cap, interval) */
    bool successor_append;              /* successor chained (APPEND) rather than REPLACE */
    bool reschedule_on_expiry;          /* an expired/stopped run still schedules a successor */
    bool unregister_undefined_on_fire;  /* a task undefined at fire time is unregistered */
    bool reregister_updates_options;    /* register of a registered task updates its options */
    bool strict_register;               /* re-register / unregister-unknown is an error */
    bool interval_change_reschedules;   /* a later registration reschedules with its interval */
    int64_t retry_failed_after_min;     /* >0: any Failed result -> next run after this */
    bool trigger_enabled;               /* trigger-for-testing available (debug build) */
    bool restricted;                    /* status Restricted (iOS simulator, Expo Go, web) */
} bgt_policy;

/* Fill *out with preset `name` for `platform`. BGT_E_UNKNOWN_PRESET for an unknown name,
 * BGT_E_INVAL for NULL arguments or an unknown platform; *out is untouched on error. */
int bgt_policy_preset(const char *name, bgt_platform platform, bgt_policy *out);

/* Preset names, for listings and did-you-mean messages: i in [0, bgt_policy_preset_count()).
 * Returns NULL past the end. Strings are static. */
size_t bgt_policy_preset_count(void);
const char *bgt_policy_preset_name(size_t i);

/* "android" / "ios" -> platform. BGT_E_INVAL for anything else. */
int bgt_platform_parse(const char *name, bgt_platform *out);

typedef enum bgt_switch_type {
    BGT_SWITCH_BOOL = 1,   /* value 0 or 1 */
    BGT_SWITCH_MINUTES = 2 /* value in [min, max] minutes */
} bgt_switch_type;

/* Run-time description of a switch. All strings are static. */
typedef struct bgt_switch_info {
    const char *name;      /* as used in scenarios: "foreground_defer_cap_min" */
    bgt_switch_type type;
    int64_t min, max;      /* accepted range of bgt_policy_set() values */
    const char *doc;       /* what it does, one line */
    const char *source;    /* where the behaviour comes from */
} bgt_switch_info;

size_t bgt_policy_switch_count(void);
/* NULL past the end. */
const bgt_switch_info *bgt_policy_switch_at(size_t i);
/* NULL if no switch has this name (exact, case-sensitive). */
const bgt_switch_info *bgt_policy_switch_find(const char *name);

/* Set or read one switch by name. Booleans take 0 or 1. BGT_E_UNKNOWN_SWITCH for an unknown name,
 * BGT_E_RANGE for a value outside [min, max] (policy untouched), BGT_E_INVAL for NULL. */
int bgt_policy_set(bgt_policy *p, const char *name, int64_t value);
int bgt_policy_get(const bgt_policy *p, const char *name, int64_t *out);

#endif
