/*
 * mdl_device.h - the simulated device: state the environment models write and the OS models and
 * the runner read, plus a signal bus that tells them when it changed.
 *
 * Who writes what (one writer per field, so the state never has two opinions):
 *   battery model   plugged, power_save, battery level (mdl_battery.h, piecewise linear)
 *   network model   net, airplane
 *   usage model     screen_on, user_asleep, stationary, app_foreground, usage history
 *   kills model     emits kill / force-stop / reboot signals (the runner owns the process)
 *   settings        refresh_enabled (iOS Background App Refresh), optimization_exempt (Android)
 *   runner          worker_running (the app's worker is executing tasks), emitted as MDL_SIG_WORKER
 *   OS model        dozing (Android Doze / iOS idle), emitted as MDL_SIG_DOZE
 * Everyone may read everything. A scripted event of the scenario (sim/scenario/scn_events.h) changes
 * a field through its owner's mdl_<model>_script_* entry point, so the rule holds for it too.
 *
 * Signals: after changing state, a model calls mdl_emit(d, signal, arg). Listeners run
 * synchronously, in subscription order, inside the emitter's event (same simulation time, same
 * engine phase). A signal emitted from inside a listener is queued and delivered, in emission
 * order, once the current signal has reached every listener: every listener sees signals in one
 * global order, and nobody sees a signal "in the middle" of another. The queue holds
 * MDL_MAX_QUEUED signals; beyond that mdl_emit returns MDL_ENESTED and drops it (a listener loop).
 *
 * Ownership: the device borrows the engine, trace, random streams and calendar; models hang
 * their private state off `models[]` and free it in their `stop` hook (mdl_model.h).
 */
#ifndef BGSIM_MDL_DEVICE_H
#define BGSIM_MDL_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_calendar.h"
#include "sim_engine.h"
#include "sim_rng.h"
#include "sim_trace.h"

typedef enum mdl_platform { MDL_ANDROID = 0, MDL_IOS = 1, MDL_IDEAL = 2 } mdl_platform;
typedef enum mdl_net { MDL_NET_NONE = 0, MDL_NET_CELLULAR = 1, MDL_NET_WIFI = 2 } mdl_net;

typedef enum mdl_signal {
    MDL_SIG_PLUG = 1,          /* external power connected */
    MDL_SIG_UNPLUG,            /* external power disconnected */
    MDL_SIG_BATTERY_LEVEL,     /* the level crossed a subscribed threshold; arg = permille crossed */
    MDL_SIG_POWER_SAVE,        /* Low Power Mode / battery saver changed (read d->power_save) */
    MDL_SIG_NETWORK,           /* connectivity changed (read d->net, d->airplane) */
    MDL_SIG_SCREEN_ON,
    MDL_SIG_SCREEN_OFF,
    MDL_SIG_MOTION,            /* stationarity changed (read d->stationary) */
    MDL_SIG_APP_OPEN,          /* the user opens this app: process start if none, foreground */
    MDL_SIG_APP_CLOSE,         /* the user leaves this app: background */
    MDL_SIG_APP_SWIPE,         /* swiped away from recents: process dies (iOS: force-quit) */
    MDL_SIG_APP_KILL,          /* the OS kills the process (low memory, OEM killer, eviction) */
    MDL_SIG_FORCE_STOP,        /* Android force stop: process dies, jobs cancelled until a user launch */
    MDL_SIG_REBOOT,            /* the device restarts: process dies; the OS restores its jobs */
    MDL_SIG_SETTINGS,          /* refresh_enabled or optimization_exempt changed */
    MDL_SIG_WORKER,            /* the app's worker started (arg 1) or stopped (arg 0): d->worker_running */
    MDL_SIG_DOZE,              /* the OS model's idle state changed: d->dozing */
    MDL_SIG_STANDBY_BUCKET,    /* a command sets the app's standby bucket (`adb shell am set-standby-bucket`,
                                * a scripted event): arg = the Android OS model's bucket index
                                * (simos_bucket, models/os/simos_standby.h); others ignore it */
    MDL_SIG_COUNT
} mdl_signal;

enum { MDL_OK = 0, MDL_ENOMEM = -1, MDL_ENESTED = -2 };

typedef struct mdl_device mdl_device;
typedef void (*mdl_listener_fn)(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg);

/* A set of signals, for mdl_subscribe_signals: MDL_SIGNAL(s) | MDL_SIGNAL(t) ... */
typedef uint32_t mdl_signal_set;
#define MDL_SIGNAL(sig) ((mdl_signal_set)1 << (sig))
#define MDL_ALL_SIGNALS (~(mdl_signal_set)0)

#define MDL_MAX_LISTENERS 16
/* the words of the lists' lengths (struct mdl_device, by_signal_count_words) */
#define MDL_COUNT_WORDS ((MDL_SIG_COUNT + 7) / 8)
#define MDL_MAX_QUEUED 64
#define MDL_MAX_MODELS 16
#define MDL_HOURS_OF_WEEK 168

/* What the OS models read about this app's use (AppStandby, iOS launch prediction). */
typedef struct mdl_usage_history {
    sim_time last_open;        /* last time the user opened the app; -1 never */
    sim_time last_close;       /* -1 never */
    uint32_t opens_by_hour_of_week[MDL_HOURS_OF_WEEK]; /* over the last 14 days, see mdl_usage.h */
    uint64_t opens;            /* since the start */
    sim_time screen_on_since_last_use; /* ms of screen-on time since the app was last used */
} mdl_usage_history;

struct mdl_device {
    sim_engine *engine;
    sim_trace *trace;
    sim_rng_set *rngs;
    const sim_calendar *cal;
    mdl_platform platform;
    int os_version;

    /* power */
    bool plugged;
    bool power_save;
    /* network */
    mdl_net net;
    bool airplane;
    /* user */
    bool screen_on;
    /* While screen_on: the screen turns off at or before this time (usage: the end of the
     * screen-on period when no session starts before it, else the coming bedtime). SIM_TIME_MAX
     * when nothing bounds it. The battery defers crossing re-arms on it. */
    sim_time screen_off_by;
    /* While the screen is off: it turns on at or before this time unless something else turns it
     * on first (usage: the next session start, whose duration is drawn ahead and is > 0).
     * SIM_TIME_MAX when nothing bounds it. The battery defers crossing re-arms on it. */
    sim_time screen_on_by;
    bool user_asleep;
    bool stationary;
    bool app_foreground;
    mdl_usage_history usage;
    /* the app and the OS model */
    bool worker_running;
    bool dozing;
    /* While the screen is off and the device unplugged: d->dozing changes at or before this time,
     * whatever else happens but a screen change or a plug; no reboot comes before it (the Android
     * OS model's Doze, simos_doze.c change_by). SIM_TIME_MAX when nothing bounds it. The battery
     * defers crossing re-arms on it. */
    sim_time doze_change_by;
    /* The same for the instant the screen goes off or the device is unplugged while Doze is still
     * active (it looks at the device at that ms, after the signal): d->dozing changes at most this
     * long after, whatever else happens but a screen change, a plug or a reboot. SIM_TIME_MAX
     * otherwise (Doze not active, or off, or the device rebooting). */
    sim_time doze_change_within;
    /* No reboot comes before this time (the kills model: its pending random and update reboots and
     * the scripted ones the runner announced, mdl_kills_plan_scripted_reboots). 0 until then: a
     * reboot may come at any time. */
    sim_time reboot_not_before;
    /* settings */
    bool refresh_enabled;      /* iOS Background App Refresh for this app */
    bool optimization_exempt;  /* Android: the app is exempt from battery optimization */

    void *models[MDL_MAX_MODELS]; /* each model's private state, indexed as in mdl_models[] */

    struct {
        mdl_listener_fn fn;
        void *ctx;
        mdl_signal_set signals;
    } listeners[MDL_MAX_LISTENERS];
    int listener_count;
    /* for each signal, the listeners whose set holds it, in subscription order (mdl_emit calls
     * only those: a listener that ignores a signal costs nothing when it is sent); copies of
     * listeners[]' fn and ctx, so that a delivery reads one array. The last listener is parked
     * just past the end of every list it is not in (by_signal[sig][by_signal_count[sig]], which
     * no delivery reads): adding it to a list is then a count's increment (mdl_device.c). */
    struct {
        mdl_listener_fn fn;
        void *ctx;
    } by_signal[MDL_SIG_COUNT][MDL_MAX_LISTENERS];
    /* The lists' lengths, a byte each (at most MDL_MAX_LISTENERS), in words too: a change of the
     * last listener's set that only adds or only removes adds or subtracts a byte of 1 per signal
     * changed, a word at a time (no carry: a byte stays within 0..MDL_MAX_LISTENERS). */
    union {
        uint8_t by_signal_count[MDL_COUNT_WORDS * 8];
        uint64_t by_signal_count_words[MDL_COUNT_WORDS];
    };
    /* a byte of 1 for each signal of count_step_of (mdl_device.c, last_counts_step) */
    union {
        uint8_t count_step_bytes[MDL_COUNT_WORDS * 8];
        uint64_t count_step[MDL_COUNT_WORDS];
    };
    mdl_signal_set count_step_of;
    bool emitting;
    int64_t emitting_arg; /* the argument of the signal mdl_emit is delivering at its call site */
    struct {
        mdl_signal sig;
        int64_t arg;
    } queued[MDL_MAX_QUEUED];
    int queued_head, queued_count;
};

/* Sets a device to its quiet defaults: unplugged, wifi, screen off, awake user, stationary,
 * refresh on, not exempt, no usage. The environment models then set their own initial state. */
void mdl_device_init(mdl_device *d, sim_engine *e, sim_trace *trace, sim_rng_set *rngs,
                     const sim_calendar *cal, mdl_platform platform, int os_version);

/* Adds a listener of every signal; MDL_ENOMEM past MDL_MAX_LISTENERS. */
int mdl_subscribe(mdl_device *d, mdl_listener_fn fn, void *ctx);
/* Adds a listener of the signals in `signals` only (a listener that returns at once on the others
 * receives the same signals in the same order either way, so a set is a saving, not a change).
 * Signals outside mdl_signal's range reach the listeners of every signal only. */
int mdl_subscribe_signals(mdl_device *d, mdl_listener_fn fn, void *ctx, mdl_signal_set signals);
/* Changes the set of listener `index` (0 for the first subscribed, and so on; index < listener_count).
 * Its place in every list is the one its subscription order gives, as if it had subscribed with
 * `signals`. Safe from inside a delivery: a listener added to the list being delivered gets the
 * signal if its place is still ahead, one removed does not. */
void mdl_set_listener_signals(mdl_device *d, int index, mdl_signal_set signals);
/* mdl_emit's out-of-line paths, for mdl_emit only: a signal emitted from inside a delivery
 * (queued); the rest of a signal whose first listeners mdl_emit called (mdl_emit_rest: its
 * listeners from the k-th on, then the queue); a signal outside mdl_signal's range (every listener
 * of all signals, then the queue). */
int mdl_emit_queued(mdl_device *d, mdl_signal sig, int64_t arg);
int mdl_emit_rest(mdl_device *d, mdl_signal sig, int k);
int mdl_emit_all(mdl_device *d, mdl_signal sig, int64_t arg);
/* The listeners mdl_emit calls at its call site: most signals have four or fewer (iOS: the OS
 * model, the battery and the runner's observer hear the screen; Android: the OS model, the
 * battery, the kills model and the observer the worker's start and stop, whose fourth went through
 * the loop: 0.9 % of the commuter's instructions and 8 % of its conditional mispredictions). */
#define MDL_EMIT_AT_SITE 4
/* Calls every listener with (sig, arg), or queues the signal when called from a listener.
 * Inline, and the first MDL_EMIT_AT_SITE listeners are called here, at the call site, each from a
 * call of its own: the loop it unrolls (mdl_device.c, deliver) called every listener of every
 * signal from one indirect call, whose target changed at nearly every call (iOS: 89 % of its calls
 * mispredicted in cachegrind's model, 40 % of all indirect mispredictions; issue 24), while a call
 * site here has one signal, mostly a constant, whose list rarely changes. Each step is the loop's:
 * the count is read again after every call (a listener may subscribe another), and the k-th
 * listener is called while k < count. With no emission in progress the queue is empty (it is
 * drained before `emitting` is cleared), so a signal without listeners reaches nobody and queues
 * nothing. What is left (more listeners, signals they queued) is mdl_emit_rest's, from the
 * MDL_EMIT_AT_SITE-th listener on, in the order the loop would have taken. The argument of the
 * listeners after the first is read back from d->emitting_arg (no register keeps it across the
 * calls; nothing changes it during the emission: a nested emit is queued).
 * tests/models/device/test_device.c covers each path. */
static inline int mdl_emit(mdl_device *d, mdl_signal sig, int64_t arg)
{
    if (d->emitting)
        return mdl_emit_queued(d, sig, arg);
    if (!(sig >= 0 && sig < MDL_SIG_COUNT))
        return mdl_emit_all(d, sig, arg);
    if (d->by_signal_count[sig] == 0)
        return MDL_OK;
    d->emitting = true;
    d->emitting_arg = arg;
    d->by_signal[sig][0].fn(d->by_signal[sig][0].ctx, d, sig, arg);
    if (d->by_signal_count[sig] > 1) {
        d->by_signal[sig][1].fn(d->by_signal[sig][1].ctx, d, sig, d->emitting_arg);
        if (d->by_signal_count[sig] > 2) {
            d->by_signal[sig][2].fn(d->by_signal[sig][2].ctx, d, sig, d->emitting_arg);
            if (d->by_signal_count[sig] > 3)
                d->by_signal[sig][3].fn(d->by_signal[sig][3].ctx, d, sig, d->emitting_arg);
        }
    }
    _Static_assert(MDL_EMIT_AT_SITE == 4, "mdl_emit calls this many listeners itself");
    if (d->by_signal_count[sig] > MDL_EMIT_AT_SITE || d->queued_count != 0)
        return mdl_emit_rest(d, sig, MDL_EMIT_AT_SITE);
    d->emitting = false;
    return MDL_OK;
}

const char *mdl_signal_name(mdl_signal sig);
/* The same name with its length (n == strlen(s)), for sim_trace_strn. */
sim_trace_name mdl_signal_trace_name(mdl_signal sig);

/* Each signal's name, once: mdl_signal_trace_name's table and mdl_signal_fold_name's switch. */
#define MDL_SIGNAL_NAMES(X)                                                                                     \
    X(MDL_SIG_PLUG, "plug") X(MDL_SIG_UNPLUG, "unplug") X(MDL_SIG_BATTERY_LEVEL, "level")                       \
    X(MDL_SIG_POWER_SAVE, "power_save") X(MDL_SIG_NETWORK, "network") X(MDL_SIG_SCREEN_ON, "screen_on")         \
    X(MDL_SIG_SCREEN_OFF, "screen_off") X(MDL_SIG_MOTION, "motion") X(MDL_SIG_APP_OPEN, "app_open")             \
    X(MDL_SIG_APP_CLOSE, "app_close") X(MDL_SIG_APP_SWIPE, "app_swipe") X(MDL_SIG_APP_KILL, "app_kill")         \
    X(MDL_SIG_FORCE_STOP, "force_stop") X(MDL_SIG_REBOOT, "reboot") X(MDL_SIG_SETTINGS, "settings")             \
    X(MDL_SIG_WORKER, "worker") X(MDL_SIG_DOZE, "doze") X(MDL_SIG_STANDBY_BUCKET, "standby_bucket")
#define MDL_SIGNAL_UNKNOWN_NAME "unknown"

/* mdl_signal_trace_name(sig) folded into the fingerprint's acc (sim_trace_fold_bytes of the name),
 * its hash a compile-time constant: each case folds a literal. Inline for
 * Doze's os.doze record, whose cause is often a signal (issue 24). */
#define MDL_SIGNAL_FOLD(sig, lit)                                                                               \
    case sig:                                                                                                   \
        return sim_trace_fold_str(acc, lit);
SIM_TRACE_INLINE uint64_t mdl_signal_fold_name(uint64_t acc, mdl_signal sig)
{
    switch (sig) {
        MDL_SIGNAL_NAMES(MDL_SIGNAL_FOLD)
    default:
        break;
    }
    return sim_trace_fold_str(acc, MDL_SIGNAL_UNKNOWN_NAME);
}
#undef MDL_SIGNAL_FOLD
/* A network state's name ("none" for any value not listed), from MDL_NET_NAMES. */
const char *mdl_net_name(mdl_net net);
/* Each network state's name, once: mdl_net_name's switch and the net.change record's (a literal
 * per case, so that its hash is a constant; issue 24). */
#define MDL_NET_NAMES(X) X(MDL_NET_NONE, "none") X(MDL_NET_CELLULAR, "cellular") X(MDL_NET_WIFI, "wifi")
#define MDL_NET_UNKNOWN_NAME "none"

/* "android", "ios" or "ideal": the scenario's spelling, for messages. */
const char *mdl_platform_name(mdl_platform p);

#endif
