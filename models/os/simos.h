/*
 * simos.h - how a modeled OS scheduler plugs into the runner.
 *
 * An OS model owns the mechanism of the app's one worker (core/bgt_backend.h: schedule, cancel,
 * state) and decides when it runs, reading the device (models/device/mdl_device.h) and its signals. The
 * runner owns the process and the core. They talk through two small tables:
 *
 *   simos_ops    what the runner calls (create, schedule, cancel, state, finished, aborted)
 *   simos_hooks  what the OS model calls back (fire the worker, stop it, report a deferral)
 *
 * Every deferral has a reason: while a request of the core is due (its delay has
 * elapsed) but the OS holds it back, the model reports why through hooks->deferral(ctx, reason),
 * again whenever the reason changes, and SIM_REASON_NONE when it no longer holds it back (it
 * fires it, or the request is cancelled). The runner accounts that time per reason; reports show
 * it. A model reports the first reason that blocks in its own documented order.
 *
 * Rules: a model schedules its events in SIM_PHASE_OS; it calls hooks->fire only from its own
 * events (never from inside schedule/cancel, which run inside core calls); it never calls the
 * core. Ownership: the model borrows the device and the hooks' ctx; simos_ops.destroy frees it.
 */
#ifndef BGSIM_SIMOS_H
#define BGSIM_SIMOS_H

#include <stdbool.h>

#include "bgt_backend.h"
#include "mdl_device.h"
#include "sch_walk.h"
#include "sim_engine.h"
#include "sim_reason.h"
#include "sim_trace.h"

/* The os.schedule record every OS model writes for a request of the core (`req`, a
 * bgt_schedule_req *): its mode, delay and constraints, and whether it is `blocked` (an append
 * while a run goes on waits for its end). A macro of the calls one by one, so that `tr` (the model's
 * trace pointer, in its state) and the request's values are read where each call needs them, as
 * before: an inline function kept `tr` in a saved register across the file path's calls, and
 * SIM_TRACE_RECORD the request's values (+4 and +9 instructions a request in a sweep, where the
 * trace is off). */
#define SIMOS_TRACE_SCHEDULE(tr, now, req, blocked)                                                             \
    do {                                                                                                        \
        sim_trace_begin((tr), (now), "os.schedule");                                                            \
        if ((req)->mode == BGT_SCHEDULE_APPEND) /* a literal per branch folds as constants */                   \
            sim_trace_str((tr), "mode", "append");                                                              \
        else                                                                                                    \
            sim_trace_str((tr), "mode", "replace");                                                             \
        sim_trace_int((tr), "delay_ms", (req)->delay_ms);                                                       \
        sim_trace_int((tr), "constraints", (req)->constraints);                                                 \
        sim_trace_bool((tr), "blocked", (blocked));                                                             \
        sim_trace_end((tr));                                                                                    \
    } while (0)

/* Why the OS stops a running worker (the runner records it as the run's end, rep_end). */
typedef enum simos_stop {
    SIMOS_STOP_TIMEOUT = 1,       /* runtime limit (JobScheduler 10 min, iOS expiration) */
    SIMOS_STOP_CONSTRAINT = 2,    /* a constraint the job needs was lost */
    SIMOS_STOP_USER = 3,          /* the user started using the device (iOS processing tasks) */
    SIMOS_STOP_DOZE = 4,          /* deep Doze began (Android) */
    SIMOS_STOP_QUOTA = 5          /* the standby bucket's quota ran out (Android) */
} simos_stop;

typedef struct simos_hooks {
    void *ctx;
    /* Start the worker now; `due` is when the request became due (for delay accounting). */
    void (*fire)(void *ctx, sim_time due);
    /* Stop the running worker: the runner ends the run (bgt_worker_end with BGT_END_EXPIRED) and
     * then calls ops->finished. */
    void (*stop)(void *ctx, simos_stop why);
    /* The due request is (no longer) held back, and why. */
    void (*deferral)(void *ctx, sim_reason reason);
} simos_hooks;

typedef struct simos_ops {
    /* The model for this device (it copies *hooks); config is the parsed `os:` section (may be NULL: use
     * defaults). NULL when out of memory. */
    void *(*create)(mdl_device *d, const simos_hooks *hooks, const void *config);
    void (*destroy)(void *os);
    int (*schedule)(void *os, const bgt_schedule_req *req);
    int (*cancel)(void *os);
    bgt_worker_state (*state)(const void *os);
    /* The run the model fired has ended (normally, or after hooks->stop). `expired` tells which. */
    void (*finished)(void *os, bool expired);
    /* The run died with its process before it ended. */
    void (*aborted)(void *os);
} simos_ops;

/* A platform's OS model and its `os:` section (besides `version`, which the scenario owns). */
typedef struct simos_desc {
    const char *platform;          /* "ideal", "android", "ios" */
    const char *const *keys;       /* its keys under `os:`, NULL-terminated (may be empty) */
    size_t config_size;
    void (*defaults)(void *config, int os_version);
    void (*parse)(sch_cx *cx, const sch_node *os, void *config);
    /* `randomness: none`: turns the model's random sources off in a config holding the defaults,
     * before parse (may be NULL: it draws nothing). */
    void (*no_random)(void *config);
    const simos_ops *ops;
} simos_desc;

/* The OS model of a platform (mdl_platform values), or NULL for a value that is no platform. */
const simos_desc *simos_for_platform(int platform);

#endif
