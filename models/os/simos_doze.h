/*
 * simos_doze.h - Android's DeviceIdleController: deep and light Doze as two event-driven state
 * machines (docs/SOURCES.md A1, cited "A1.x [S1]" etc.).
 *
 * DEEP (A1.3, stepIdleStateLocked):
 *   ACTIVE --screen off & unplugged--> INACTIVE (+inactive_timeout; +motion_inactive_timeout after
 *   motion) --> IDLE_PENDING (+idle_after_inactive_timeout) --> SENSING (+sensing_time) -->
 *   LOCATING (+locating_time) --> IDLE (+idle delay: idle_timeout, then x idle_factor up to
 *   max_idle_timeout) --> IDLE_MAINTENANCE (+pending delay: idle_pending_timeout, then x
 *   idle_pending_factor up to max_idle_pending_timeout) --> IDLE ...
 *   A maintenance window closes early once at least min_deep_maintenance_time has passed and the
 *   app's worker is not running (exitMaintenanceEarlyIfNeededLocked: no active ops, jobs or
 *   alarms; other apps' work is not modeled, so only this app's worker keeps a window open).
 *   With battery saver on (d->power_save) and quick_doze (10+), INACTIVE is replaced by
 *   QUICK_DOZE_DELAY (+quick_doze_delay) straight to IDLE, without motion checks (A1.3 "Quick
 *   doze"); battery saver turned on in INACTIVE, IDLE_PENDING, SENSING or LOCATING moves there at
 *   once (IDLE and IDLE_MAINTENANCE stay); without quick_doze (Android 9) battery saver leaves Doze
 *   alone.
 *   Motion (d->stationary false) from IDLE_PENDING on resets to ACTIVE and at once to INACTIVE with
 *   motion_inactive_timeout (A1.2); SENSING and LOCATING take fixed times (assumptions, below).
 * LIGHT (A1.4, stepLightIdleStateLocked):
 *   ACTIVE --screen off & unplugged--> INACTIVE (+light_after_inactive_timeout) --> [Android <= 13,
 *   while the worker runs: PRE_IDLE (+light_pre_idle_timeout, ends when it stops)] --> IDLE (+light
 *   idle delay: light_idle_timeout, then x light_idle_factor up to light_max_idle_timeout) -->
 *   IDLE_MAINTENANCE (budget clamped to [light_min_budget, light_max_budget], closes early once
 *   min_light_maintenance_time has passed and the worker is not running; budget += min_budget -
 *   used) --> IDLE ... Without a network at the end of an idle period: WAITING_FOR_NETWORK until the
 *   network comes back or another idle period ends. Deep IDLE puts light into OVERRIDE (frozen).
 * Screen on or power connected: both ACTIVE; they restart at the next screen off / unplug.
 * Alarm windows (flex) fire at their start (assumption: the earliest time the alarm may fire).
 * MIN_TIME_TO_ALARM and alarm clocks are not modeled (the device has no alarm clock).
 *
 * Jobs are blocked ("dozing") while deep is IDLE or light is IDLE / WAITING_FOR_NETWORK (A1.5
 * [J2]); when that ends, background jobs wait jobs_delay more (BACKGROUND_JOBS_DELAY, A1.5 [J2]).
 * The model writes d->dozing, emits MDL_SIG_DOZE when it changes and traces `os.doze` on every
 * state change. The owner is told of every change (a wake-up of the device: DeviceIdleController
 * alarms are wakeup alarms) and whether an idle state began (running jobs must stop, A1.5 [J3]).
 */
#ifndef BGSIM_SIMOS_DOZE_H
#define BGSIM_SIMOS_DOZE_H

#include <stdbool.h>

#include "mdl_device.h"
#include "sim_reason.h"

typedef enum simos_deep {
    SIMOS_DEEP_ACTIVE = 0,
    SIMOS_DEEP_INACTIVE,
    SIMOS_DEEP_IDLE_PENDING,
    SIMOS_DEEP_SENSING,
    SIMOS_DEEP_LOCATING,
    SIMOS_DEEP_IDLE,
    SIMOS_DEEP_IDLE_MAINTENANCE,
    SIMOS_DEEP_QUICK_DOZE_DELAY
} simos_deep;

typedef enum simos_light {
    SIMOS_LIGHT_ACTIVE = 0,
    SIMOS_LIGHT_INACTIVE,
    SIMOS_LIGHT_PRE_IDLE,
    SIMOS_LIGHT_IDLE,
    SIMOS_LIGHT_WAITING_FOR_NETWORK,
    SIMOS_LIGHT_IDLE_MAINTENANCE,
    SIMOS_LIGHT_OVERRIDE
} simos_light;

/* Every constant in ms (factors plain numbers); defaults per version in simos_android.c. */
typedef struct simos_doze_params {
    bool enabled;
    sim_time inactive_timeout, motion_inactive_timeout, idle_after_inactive_timeout;
    sim_time sensing_time, locating_time, quick_doze_delay;
    bool quick_doze;                 /* battery saver uses quick doze (10+; false: Android 9) */
    sim_time idle_timeout, max_idle_timeout;
    double idle_factor;
    sim_time idle_pending_timeout, max_idle_pending_timeout;
    double idle_pending_factor;
    sim_time min_deep_maintenance_time;
    sim_time light_after_inactive_timeout;
    sim_time light_pre_idle_timeout; /* 0: no PRE_IDLE state (Android 14+) */
    sim_time light_idle_timeout, light_max_idle_timeout;
    double light_idle_factor;
    sim_time light_min_budget, light_max_budget, min_light_maintenance_time;
    sim_time jobs_delay;             /* background jobs wait this long after idle ends */
} simos_doze_params;

typedef struct simos_doze simos_doze;

/* Called after every state change, from the doze model's own events (never from a bus listener).
 * `idle_began`: deep IDLE or light IDLE was just entered. */
typedef void (*simos_doze_fn)(void *ctx, bool idle_began);

/* The device signals Doze re-reads the device after: each posts an event at the same instant, and
 * that event always tells the owner (simos_doze_fn), state change or not. A bit set (inline: the
 * owner asks on every signal). */
#define SIMOS_DOZE_WATCHED                                                                                        \
    (1u << MDL_SIG_PLUG | 1u << MDL_SIG_UNPLUG | 1u << MDL_SIG_SCREEN_ON | 1u << MDL_SIG_SCREEN_OFF |            \
     1u << MDL_SIG_MOTION | 1u << MDL_SIG_NETWORK | 1u << MDL_SIG_POWER_SAVE | 1u << MDL_SIG_WORKER |              \
     1u << MDL_SIG_BATTERY_LEVEL)
_Static_assert(MDL_SIG_COUNT <= 32, "SIMOS_DOZE_WATCHED holds a signal per bit");
static inline bool simos_doze_watches(mdl_signal sig)
{
    return (unsigned)sig < 32 && (SIMOS_DOZE_WATCHED >> (unsigned)sig & 1u);
}

/* Schedules its first look at the device at time 0 (after the environment models set their
 * initial state). NULL when out of memory. It does not subscribe to the device bus: the owner
 * subscribes simos_doze_listener, or calls it from its own listener (the Android model does: one
 * bus call for Doze, standby and itself, issue 24). */
simos_doze *simos_doze_new(mdl_device *d, const simos_doze_params *p, simos_doze_fn changed, void *ctx);
/* Doze's device bus listener (ctx: the simos_doze): it acts on the signals simos_doze_watches says. */
void simos_doze_listener(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg);
/* The event Doze posts after each signal it watches (and at its first look, and at boot): it
 * re-reads the device and tells the owner (simos_doze_fn), state change or not. */
void simos_doze_on_device(sim_engine *e, void *ctx, uint64_t sig);
/* Frees the model; call it only when the engine will not run again (a subscribed listener cannot
 * be taken off the bus and posted events keep a pointer). NULL is a no-op. */
void simos_doze_free(simos_doze *z);

simos_deep simos_doze_deep(const simos_doze *z);
simos_light simos_doze_light(const simos_doze *z);
const char *simos_deep_name(simos_deep s);
const char *simos_light_name(simos_light s);
/* strlen(simos_deep_name(s)) and strlen(simos_light_name(s)), kept in the tables so that the trace
 * folds the names without a strlen per record (sim_trace_strn). */
size_t simos_deep_name_len(simos_deep s);
size_t simos_light_name_len(simos_light s);
/* A state's name folded into the fingerprint's acc: equal to
 * sim_trace_fold_bytes(acc, simos_deep_name(s), simos_deep_name_len(s)) (and the light one's), its
 * hash a compile-time constant (the os.doze record folds two per change). */
uint64_t simos_deep_fold_name(uint64_t acc, simos_deep s);
uint64_t simos_light_fold_name(uint64_t acc, simos_light s);
/* For tests: the os.doze record's causes are 1 .. simos_doze_cause_count() - 1 (1: the signal
 * `sig` on_device re-read the device after, its name or "start" for 0); simos_doze_cause_name is
 * the name the trace file gets, simos_doze_fold_cause folds it as the fingerprint does. */
int simos_doze_cause_count(void);
const char *simos_doze_cause_name(int why, uint64_t sig);
uint64_t simos_doze_fold_cause(uint64_t acc, int why, uint64_t sig);

/* The part of the model that simos_doze_awake and simos_doze_blocks read, the first member of
 * struct simos_doze (so a pointer to the model converted to this type points to it, C11 6.7.2.1p15,
 * as sim_engine_clock does for the engine). The Android model asks them at every change of the
 * CPU's state (its uptime sync, ~500 times a device-day) and whenever other apps' jobs may run:
 * inline, that is no call into another translation unit (issue 24). Only simos_doze.c writes it;
 * d and enabled are the model's device and p.enabled, fixed at simos_doze_new. */
typedef struct simos_doze_head {
    mdl_device *d;
    bool enabled;
    simos_deep deep;
    simos_light light;
    sim_reason tail_reason; /* the idle that ended last, for the jobs_delay tail */
    sim_time tail_until;    /* its end (-1: none) */
} simos_doze_head;

/* The light states in which the CPU is awake, one bit per state (simos_doze_awake). */
#define SIMOS_LIGHT_AWAKE (1u << SIMOS_LIGHT_ACTIVE | 1u << SIMOS_LIGHT_IDLE_MAINTENANCE)

/* The CPU is awake: screen on, plugged, in a maintenance window, or Doze off. While asleep a
 * non-wakeup alarm (a job's delay) waits for the next wake-up. The terms are or-ed bitwise, not
 * with ||: each is a load and a compare that is safe to evaluate (h->d is the model's device), and
 * the Android model asks this at every uptime sync and readiness check, where the short circuit's
 * branches on the screen, the plug and the states were ~75k mispredictions in the commuter's
 * 10-seed sweep (issue 24). simos_doze_awake_recomputed is the || form; the test rig compares. */
static inline bool simos_doze_awake(const simos_doze *z)
{
    const simos_doze_head *h = (const simos_doze_head *)(const void *)z;
    const mdl_device *d = h->d;
    return ((unsigned)!h->enabled | (unsigned)d->screen_on | (unsigned)d->plugged |
            (unsigned)(h->deep == SIMOS_DEEP_IDLE_MAINTENANCE) | (SIMOS_LIGHT_AWAKE >> (unsigned)h->light & 1u)) != 0;
}
/* The same, from the model's own fields (its params, device and states) out of line: tests check
 * that the head above says what this does. */
bool simos_doze_awake_recomputed(const simos_doze *z);

/* Light Doze holds jobs: IDLE, or WAITING_FOR_NETWORK (an idle period that goes on). */
static inline bool simos_light_idle(simos_light s)
{
    return s == SIMOS_LIGHT_IDLE || s == SIMOS_LIGHT_WAITING_FOR_NETWORK;
}

/* Why Doze blocks background jobs at `now`: SIM_REASON_DOZE_DEEP, SIM_REASON_DOZE_LIGHT (also for
 * the jobs_delay after idle ends) or SIM_REASON_NONE. *until gets the end of a jobs_delay tail
 * (SIM_TIME_MAX otherwise). */
static inline sim_reason simos_doze_blocks(const simos_doze *z, sim_time now, sim_time *until)
{
    const simos_doze_head *h = (const simos_doze_head *)(const void *)z;
    *until = SIM_TIME_MAX;
    if (h->deep == SIMOS_DEEP_IDLE)
        return SIM_REASON_DOZE_DEEP;
    if (simos_light_idle(h->light))
        return SIM_REASON_DOZE_LIGHT;
    if (h->tail_until > now) {
        *until = h->tail_until;
        return h->tail_reason;
    }
    return SIM_REASON_NONE;
}
/* What simos_doze_listener does for a signal it watches (the owner has asked simos_doze_watches):
 * simos_doze_on_device posted at this instant. Inline: the Android model's listener calls it for
 * 93 % of its signals, 10.7k in the 10-seed sweep (issue 24), where the call into another
 * translation unit cost about as much as the rest of the listener. */
static inline void simos_doze_signal(simos_doze *z, mdl_signal sig)
{
    const simos_doze_head *h = (const simos_doze_head *)(const void *)z;
    sim_schedule_in(h->d->engine, 0, SIM_PHASE_OS, simos_doze_on_device, z, (uint64_t)sig, NULL);
}

/* The device rebooted: both machines restart from ACTIVE at `boot` (the boot completing). */
void simos_doze_reboot(simos_doze *z, sim_time boot);

#endif
