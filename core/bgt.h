/* bgt.h: the bgsim scheduler core, expo-background-task semantics in portable C.
 *
 * If it is not in this header (or the bgt_*.h headers it includes), it is not public API. The
 * installed headers are exactly bgt.h, bgt_backend.h, bgt_error.h and bgt_policy.h (a backend
 * needs the backend contract, an embedding program picks a policy preset); the registry codec
 * (bgt_registry.h) and the handle's layout (bgt_core_internal.h) stay inside the core.
 *
 * Model (docs/SOURCES.md E1, E10): an app *defines* tasks (name -> callback) in
 * each process, *registers* some of them with options; the registry persists across processes;
 * ONE platform worker runs every registered task when it fires and then asks for the next run.
 * When and with what delay and constraints is decided by a bgt_policy (bgt_policy.h); how the
 * worker is scheduled is the backend's business (bgt_backend.h).
 *
 * Lifecycle of a core handle (one handle can live through many simulated processes):
 *
 *   bgt_create ─► [stopped] ─ bgt_process_start ─► [started] ─ bgt_process_kill ─► [stopped] ...
 *                                                     │  bgt_foreground / bgt_background
 *                                                     │  bgt_define_task / bgt_register_task ...
 *                                                     └─ bgt_worker_begin ─► [running] ─ bgt_worker_end
 *
 * Per-process (volatile) state, lost by bgt_process_kill: task definitions, the shared interval,
 * the foreground flag, a run in progress. Persistent state: the registry, saved through the
 * backend after every change and restored by bgt_process_start.
 *
 * Worker runs are split in two so that a simulator can model how long tasks take: begin runs the
 * callbacks (synchronously; each reports a result and a *modeled* duration), the caller lets
 * report.busy_ms pass on its own clock, then calls end, which is when expo schedules the successor
 * (E2.5 "The next run is relative to completion", E3.3). On a device the task code must not run
 * inside begin (the glue's lock would be held for as long as the tasks run): the glue's callbacks
 * return BGT_RESULT_PENDING, the glue runs the tasks in parallel outside its lock, reports each
 * result with bgt_worker_set_result and then calls end (backends/README.md).
 *
 * Ownership: the core copies every string and struct it is given unless a comment says otherwise;
 * pointers it returns stay valid only as documented. bgt_free(NULL) is a no-op.
 *
 * Threading: a handle is not thread-safe; call it from one thread at a time. There is no global
 * state, so separate handles are independent (the simulator runs one per device).
 *
 * Re-entrancy: task callbacks may call the read-only functions (bgt_is_registered,
 * bgt_task_count, bgt_task_at, bgt_get_status, bgt_interval_min, bgt_is_started,
 * bgt_is_foreground). Every other bgt_ call made from inside a callback returns BGT_E_BUSY and
 * changes nothing. Backend functions must not call into the core at all. */
#ifndef BGT_H
#define BGT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgt_backend.h"
#include "bgt_error.h"
#include "bgt_policy.h"

typedef struct bgt bgt;

#define BGT_NAME_MAX 255                 /* bytes of a task name, excluding the terminating NUL */
#define BGT_INTERVAL_MAX_MIN ((int64_t)1 << 40) /* minutes; keeps minutes * 60000 in int64 */

/* Options given at registration (BackgroundTaskOptions, E1.1): minimumInterval in minutes,
 * possibly absent. Absent and present differ on Android (E2.2), so absence is kept. */
typedef struct bgt_task_options {
    bool has_minimum_interval;
    int64_t minimum_interval_min; /* 0..BGT_INTERVAL_MAX_MIN; ignored when absent */
} bgt_task_options;

/* BackgroundTaskStatus, values fixed by expo (E1.1, BackgroundTask.types.ts L9, L13). */
typedef enum bgt_status {
    BGT_STATUS_RESTRICTED = 1,
    BGT_STATUS_AVAILABLE = 2
} bgt_status;

/* BackgroundTaskResult (E1.1, L24, L28). BGT_RESULT_NONE models a JS executor that threw or
 * returned nothing: the task still counts as finished with a null result (E4.3). */
typedef enum bgt_result {
    BGT_RESULT_NONE = 0,
    BGT_RESULT_SUCCESS = 1,
    BGT_RESULT_FAILED = 2,
    /* Not an expo value: a task callback's way to say "started; my result comes later through
     * bgt_worker_set_result". Device glue returns it from every callback so that task code runs
     * outside the core, unlocked and in parallel (expo's awaitAll, E2.5, E4.4); the simulator
     * never returns it. Only meaningful as a callback's return. */
    BGT_RESULT_PENDING = 3
} bgt_result;

/* What a task callback is told. All pointers are valid only during the call. */
typedef struct bgt_task_call {
    const char *name;
    int64_t now_ms;          /* backend clock at the start of the run */
} bgt_task_call;

/* A task body. Returns a bgt_result (any other value counts as BGT_RESULT_NONE, as iOS maps
 * unknown values, E3.3; BGT_RESULT_PENDING defers the result, see bgt_worker_set_result). *duration_ms is 0 on entry; a simulated task sets it to the time it
 * models (negative is treated as 0); device glue leaves it 0. `user` is the pointer given to
 * bgt_define_task, owned by the caller. Tasks run "in parallel" (E4.4): the run lasts as long as
 * the longest one. */
typedef int (*bgt_task_fn)(void *user, const bgt_task_call *call, int64_t *duration_ms);

/* ---- handle -------------------------------------------------------------------------------- */

/* Create a core in the stopped state. *backend and *policy are copied; backend->ctx must outlive
 * the handle. BGT_E_INVAL if a required backend function is missing. Nothing is called on the
 * backend until bgt_process_start. */
int bgt_create(const bgt_backend *backend, const bgt_policy *policy, bgt **out);
/* Release the handle. Does not touch the backend (no cancel, no save): freeing is not a platform
 * event. NULL is a no-op. */
void bgt_free(bgt *c);
/* The policy in use (points into the handle; valid until bgt_free). */
const bgt_policy *bgt_get_policy(const bgt *c);

/* ---- process lifecycle ------------------------------------------------------------------------ */

/* If a corrupt or unreadable registry should not stop the process: start empty (logged). The
 * bad bytes stay on storage until the next successful save replaces them. */
#define BGT_START_DISCARD_CORRUPT 1u

/* A process starts (user launch, OS-started background process, boot broadcast). Loads the
 * registry through the backend and replays each registration in order, as expo-task-manager's
 * restore does (E2.6 "Restore", E3.3 "Every cold launch resets the timer"): the interval is rebuilt
 * last-wins and the first replayed task schedules the worker under schedule_on_register (subject to
 * keep_pending_worker). Definitions are NOT restored: the app defines tasks again in every process.
 * The process starts in background (in_foreground false, E2.1: a headless process never sees
 * a foreground event); call bgt_foreground for a user launch.
 * Errors: BGT_E_STATE if already started; a decode error (BGT_E_TRUNCATED ... BGT_E_CORRUPT) or
 * backend error leaves the core stopped and the registry empty, unless BGT_START_DISCARD_CORRUPT. */
int bgt_process_start(bgt *c, unsigned flags);
/* The process dies (swipe, OS kill, crash). Drops all per-process state, including a run in
 * progress, whose successor is then never scheduled (E2.5 "No timeout", E2.8: the platform
 * re-runs the same work). The backend is not called: a dead process does nothing. */
int bgt_process_kill(bgt *c);
/* The app comes to the foreground / goes to the background (E2.1 inForeground; E2.9 for
 * worker_only_in_background). */
int bgt_foreground(bgt *c);
int bgt_background(bgt *c);
bool bgt_is_started(const bgt *c);
bool bgt_is_foreground(const bgt *c);

/* ---- tasks ------------------------------------------------------------------------------------ */

/* TaskManager.defineTask (E1.2): name -> callback for this process only. Redefining replaces the
 * callback. `name` is copied; `user` is not (caller keeps it alive while defined). Valid when
 * stopped too (an app defines tasks at module load, before the restore). */
int bgt_define_task(bgt *c, const char *name, bgt_task_fn fn, void *user);
bool bgt_is_defined(const bgt *c, const char *name);
/* A task name the core accepts: 1..BGT_NAME_MAX bytes before its NUL (NULL: false).
 * bgt_define_task, bgt_register_task and bgt_unregister_task return BGT_E_INVAL for any other.
 * (Named after the registry that enforces the rule; the registry itself is not public.) */
bool bgt_registry_valid_name(const char *name);

/* For a backend whose registry storage several processes share (backends/host/host_store.c): a
 * three-way merge of registry bytes, so that no writer loses another's registrations while the
 * codec stays the core's. `base` is what this writer's core last loaded or saved, `mine` what it
 * saves now, `theirs` what storage holds now (read under the backend's lock). The result is
 * `theirs` without the tasks this writer removed since `base`, with the tasks it added or whose
 * options it changed since `base` put in (appended in its order, or updated in place); any other
 * writer's changes stay. No bytes (len 0) is an empty registry. On BGT_OK *out is a malloc()
 * buffer of *out_len bytes the caller frees; equal inputs give the bytes of `mine` when `theirs`
 * equals `base`. Errors: theirs' decode error (BGT_E_TRUNCATED ... BGT_E_CORRUPT: the caller
 * decides what to do with a corrupt file), BGT_E_INVAL for bad arguments or `mine` that does not
 * decode, BGT_E_NOMEM. A `base` that does not decode counts as empty. */
int bgt_registry_merge(const unsigned char *base, size_t base_len, const unsigned char *mine, size_t mine_len,
                       const unsigned char *theirs, size_t theirs_len, unsigned char **out, size_t *out_len);

/* registerTaskAsync (E1.1): BGT_E_NOT_DEFINED if undefined; BGT_E_RESTRICTED under the restricted
 * switch (logged once per process; expo's JS resolves without registering); an already registered
 * task: BGT_OK and nothing changes, unless strict_register (BGT_E_EXISTS) or
 * reregister_updates_options. Otherwise the task is appended, the registry is saved (on a save
 * error nothing changes and the error is returned) and the registration takes effect (E2.2, E3.2).
 * opts may be NULL (no minimumInterval). */
int bgt_register_task(bgt *c, const char *name, const bgt_task_options *opts);
/* unregisterTaskAsync: not registered -> BGT_OK (BGT_E_NOT_FOUND under strict_register). Removing
 * the last task cancels the worker (E2.6 "Unregistering the last task"). */
int bgt_unregister_task(bgt *c, const char *name);
/* unregisterAllTasksAsync (E1.2, E2.6): clears and saves the registry, cancels the worker. */
int bgt_unregister_all(bgt *c);
/* 1 if registered, 0 if not (or c/name NULL). The listing functions below read the in-memory
 * registry, which is empty while the core is stopped (it is loaded by bgt_process_start). */
int bgt_is_registered(const bgt *c, const char *name);
/* getRegisteredTasksAsync: i in [0, bgt_task_count). *name is valid until the registry changes. */
size_t bgt_task_count(const bgt *c);
int bgt_task_at(const bgt *c, size_t i, const char **name, bgt_task_options *opts);

/* getStatusAsync (E1.1): Restricted under the restricted switch, else (and for NULL) Available. */
bgt_status bgt_get_status(const bgt *c);
/* The shared per-process interval that the next schedule will use, before the floor (E2.1
 * intervalMinutes). 0 if c is NULL. */
int64_t bgt_interval_min(const bgt *c);

/* ---- the worker ------------------------------------------------------------------------------- */

typedef enum bgt_run_kind {
    BGT_RUN_RAN = 1,                /* callbacks ran */
    BGT_RUN_NO_TASKS = 2,           /* registry empty: nothing ran, no successor (E2.5, E8 quirk 7) */
    BGT_RUN_DEFERRED_FOREGROUND = 3 /* foreground guard: nothing ran, re-deferred (E2.5) */
} bgt_run_kind;

typedef enum bgt_end_reason {
    BGT_END_COMPLETED = 1,          /* every task finished */
    BGT_END_EXPIRED = 2             /* the OS stopped the run (iOS expiration, WorkManager stop) */
} bgt_end_reason;

typedef struct bgt_worker_report {
    bgt_run_kind kind;
    size_t n_run;                   /* callbacks called */
    size_t n_success, n_failed, n_none;
    size_t n_undefined;             /* registered but undefined at fire time (counted in n_none) */
    size_t n_unregistered;          /* of those, unregistered by unregister_undefined_on_fire */
    size_t n_pending;               /* callbacks that returned BGT_RESULT_PENDING and have not
                                     * reported yet (end counts the rest in n_none) */
    int64_t busy_ms;                /* longest reported duration: tasks run in parallel (E4.4) */
    bool rescheduled;               /* set by end (or begin for DEFERRED): a successor was requested */
    int64_t next_delay_ms;          /* its delay, if rescheduled */
} bgt_worker_report;

/* The platform's worker fired (or a test trigger). Runs every registered task in registration
 * order and fills *report (may be NULL). On BGT_OK the core is "running" until bgt_worker_end,
 * which the caller must call exactly once, whatever report.kind is, after letting report.busy_ms
 * pass on its clock. While running, register/unregister/lifecycle calls are allowed (a task may be
 * unregistered by the app); a second begin returns BGT_E_BUSY. If begin returns an error no
 * callback was called and end must not be called. */
int bgt_worker_begin(bgt *c, bgt_worker_report *report);
/* Finish the run: schedule the successor per policy (delay = effective interval, or
 * retry_failed_after_min after a failure; none if no tasks remain, or if expired without
 * reschedule_on_expiry). Results never change scheduling otherwise (E2.5, E3.3). report may be
 * NULL; if not, rescheduled/next_delay_ms are updated. BGT_E_STATE if no run is in progress. */
int bgt_worker_end(bgt *c, bgt_end_reason reason, bgt_worker_report *report);
/* The result of a task whose callback returned BGT_RESULT_PENDING in this run's begin, reported
 * from outside any callback while the run is in progress (before end): moves it from n_pending
 * to n_success / n_failed / n_none (any value other than SUCCESS or FAILED counts as none), so
 * that end sees it (retry_failed_after_min). Device glue holds its own lock only for this call,
 * never while the task runs. BGT_E_STATE if no run is in progress (e.g. end already came, as
 * after an expiration: the late result is dropped); BGT_E_NOT_FOUND if `name` is not pending in
 * this run (never pending, or already reported); BGT_E_INVAL for BGT_RESULT_PENDING or NULLs. */
int bgt_worker_set_result(bgt *c, const char *name, int result);
/* begin + end(COMPLETED) back to back, for the host and tests (pending tasks count as none). */
int bgt_worker_run(bgt *c, bgt_worker_report *report);

/* triggerTaskWorkerForTestingAsync (E1.1): runs the worker logic in-process (Android calls
 * runTasks directly, not through WorkManager, BackgroundTaskModule.kt L26-36; so the foreground
 * guard applies, E2.5 / expo/expo#39978). BGT_E_UNAVAILABLE unless trigger_enabled. Same
 * contract as bgt_worker_run. */
int bgt_trigger_for_testing(bgt *c, bgt_worker_report *report);
/* Only the begin half of bgt_trigger_for_testing (same BGT_E_UNAVAILABLE check), for glue that
 * runs the tasks outside the core: then bgt_worker_set_result per pending task and
 * bgt_worker_end, as after bgt_worker_begin. */
int bgt_trigger_begin(bgt *c, bgt_worker_report *report);

#endif
