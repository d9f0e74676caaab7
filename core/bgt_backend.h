/* bgt_backend.h: what a platform must provide to run the core.
 *
 * The core owns the policy (when to ask for the worker, with which delay and constraints); the
 * backend owns the mechanism (WorkManager unique work, BGTaskScheduler request, a modeled OS
 * scheduler in the simulator, an in-process record on the host). The core never learns which
 * backend it runs on: every platform difference lives in bgt_policy, not in a platform test.
 *
 * There is exactly one worker (docs/SOURCES.md E2.1 "EXPO_BACKGROUND_WORKER",
 * E3.1 "com.expo.modules.backgroundtask.processing"): schedule() replaces or appends to it and
 * cancel() removes it. It is the backend's job to call bgt_worker_begin()/bgt_worker_end() (bgt.h)
 * when that worker fires.
 *
 * Threading and re-entrancy: the core calls these functions synchronously from inside bgt_ calls
 * on the caller's thread. A backend function must not call back into the core (the core would
 * return BGT_E_BUSY only for calls made from task callbacks; re-entry from a backend function is
 * undefined). Each function returns BGT_OK or a negative bgt_err. */
#ifndef BGT_BACKEND_H
#define BGT_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "bgt_error.h"

/* Constraints on the worker, as bit flags (E2.3 step 4: network only today; E2.9: 0.1.2 also had
 * battery-not-low; E3.1: iOS requiresExternalPower maps to CHARGING). */
enum {
    BGT_CONSTRAINT_NETWORK = 1u << 0,
    BGT_CONSTRAINT_BATTERY_NOT_LOW = 1u << 1,
    BGT_CONSTRAINT_CHARGING = 1u << 2
};

/* How a schedule request relates to the existing worker. */
typedef enum bgt_schedule_mode {
    /* Cancel whatever exists (including a running worker) and enqueue this one; its earliest start
     * is now + delay_ms. WorkManager ExistingWorkPolicy.REPLACE (E2.3 step 5); iOS cancel + submit
     * (E3.2). */
    BGT_SCHEDULE_REPLACE = 1,
    /* Chain after the existing worker: if one is running, this one waits (BLOCKED) until it
     * finishes and then becomes due at finish + delay_ms; if none exists it behaves like REPLACE.
     * WorkManager ExistingWorkPolicy.APPEND (E2.3 step 5, E2.5 "The next run is relative to
     * completion"). What APPEND does behind an ENQUEUED worker is the backend's model. */
    BGT_SCHEDULE_APPEND = 2
} bgt_schedule_mode;

typedef struct bgt_schedule_req {
    int64_t delay_ms;        /* >= 0: earliest start relative to now (REPLACE) or to finish (APPEND) */
    unsigned constraints;    /* BGT_CONSTRAINT_* bits */
    bgt_schedule_mode mode;
} bgt_schedule_req;

/* State of the one worker as the platform sees it (E10 "os_job"). */
typedef enum bgt_worker_state {
    BGT_WORKER_NONE = 0,     /* nothing scheduled */
    BGT_WORKER_ENQUEUED = 1, /* waiting for its earliest time and constraints */
    BGT_WORKER_BLOCKED = 2,  /* appended behind a running worker */
    BGT_WORKER_RUNNING = 3   /* the platform is inside bgt_worker_begin/end */
} bgt_worker_state;

typedef enum bgt_log_level {
    BGT_LOG_DEBUG = 0,
    BGT_LOG_INFO = 1,
    BGT_LOG_WARN = 2,
    BGT_LOG_ERROR = 3
} bgt_log_level;

typedef struct bgt_backend {
    /* Passed back as the first argument of every function below. The backend owns it; it must
     * stay valid until bgt_free() of every core created with this backend. */
    void *ctx;

    /* Milliseconds on a clock that never goes backwards (monotonic on devices, the event clock in
     * the simulator). The core reads time only through this. Required. */
    int64_t (*now_ms)(void *ctx);

    /* Ask for the one worker (see bgt_schedule_mode). The request is only read during the call.
     * Required. */
    int (*schedule)(void *ctx, const bgt_schedule_req *req);

    /* Remove the worker, whether enqueued, blocked or running (E2.6: cancelUniqueWork also cancels
     * a RUNNING worker). Cancelling when there is none is BGT_OK. Required. */
    int (*cancel)(void *ctx);

    /* Report the worker's state into *out. Required. */
    int (*query)(void *ctx, bgt_worker_state *out);

    /* Read the persisted registry bytes. On BGT_OK, *out is a buffer from malloc() of *out_len
     * bytes that the core now owns and releases with free() (the core and backend must share one
     * libc heap). *out may be NULL only when *out_len is 0. Return BGT_E_NOT_FOUND when nothing
     * was ever saved (fresh install): the core then starts with an empty registry. Required. */
    int (*load)(void *ctx, unsigned char **out, size_t *out_len);

    /* Persist the registry bytes so that a crash at any moment leaves either the previous bytes
     * or exactly these (host: write temp + fsync + rename + fsync dir). Storage that several
     * processes write may instead store these bytes merged with the other writers' changes
     * (bgt_registry_merge; host: under a lock), so that none loses another's registrations. The buffer is only read
     * during the call. On failure the core keeps its previous in-memory registry. Required. */
    int (*save)(void *ctx, const unsigned char *buf, size_t len);

    /* One diagnostic line without a trailing newline; msg is only valid during the call. May be
     * NULL (then the core is silent). */
    void (*log)(void *ctx, bgt_log_level level, const char *msg);
} bgt_backend;

#endif
