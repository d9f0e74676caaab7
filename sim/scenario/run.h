/*
 * run.h - runs one scenario: the engine drives the real core (core/) through a modeled OS.
 *
 * What happens, in engine phases (sim_engine.h):
 *  - ENVIRONMENT: at app.first_open the user opens the app: a process starts (the app defines its
 *    tasks, the core restores the registry), and it comes to the foreground; it goes to the
 *    background app.foreground_for later.
 *  - APP: each task is registered at its register_at and unregistered at its unregister_at (by the
 *    app's code, so only while a process is alive); worker runs end after the modeled work. When
 *    the caller runs the app's real code (run_options.app_hook, below), the app registers and
 *    unregisters instead, at the simulated times its code does.
 *  - OS: the modeled OS starts the worker when its rules allow (platform `ideal`: when due).
 * A worker run calls every registered task's callback: each draws its duration and its outcome
 * from its own streams ("task.<name>.duration", "task.<name>.failure"), so adding a task never
 * changes another task's draws.
 *
 * Ownership: run_scenario borrows the scenario and the trace file; the record it fills is the
 * caller's (rep_record_free).
 */
#ifndef BGSIM_RUN_H
#define BGSIM_RUN_H

#include <stdio.h>

#include "rep_record.h"
#include "run_status.h"
#include "scn_scenario.h"
#include "sim_trace.h"

/*
 * The app's own code, run by a caller (the npm package's test harness: js/jest,
 * tools/wasm/bgsim_harness.c). Two hooks:
 *  - task_hook: every task run, as the runner models it (its modeled duration and result already
 *    drawn). The hook runs the app's real executor and may replace `duration_ms` and `result` (a
 *    bgt_result); the runner then traces and records what the hook left.
 *  - app_hook (optional): makes the APP the one that registers tasks, not the scenario. With it,
 *    the scenario's register_at/unregister_at are not scheduled; `app.tasks` only names the tasks
 *    the app may register and models their work (duration, failure, network). The runner calls
 *    app_hook when the app's code may have run: at the start of the run (the app's top-level code,
 *    t = 0), after each process start (a fresh runtime loads the app's entry module again), at a
 *    time the caller asked for with run_app_wake_at, and the task hook's `app` is the same handle
 *    after each task run. Inside either hook the caller hands over what the app did with
 *    run_app_register / run_app_unregister: each is applied at the current simulated time, in
 *    call order, as an APP-phase event after the one in progress (the core is never re-entered
 *    from inside its own worker). One made while no process is alive (the caller's code between
 *    a kill and the next start: a user's action in the app's UI) waits for the user's next visit
 *    (user_open), as the scenario's registrations do, and is applied then in call order.
 */
typedef struct run_app run_app;
typedef enum run_app_point {
    RUN_APP_BEGIN,         /* before the first event: the app's top-level code ran at t = 0 */
    RUN_APP_PROCESS_START, /* a process started (its count in run_app_process_starts) */
    RUN_APP_WAKE,          /* the time given to run_app_wake_at */
} run_app_point;

typedef struct run_task_exec {
    size_t task;             /* index in the scenario's tasks */
    const char *name;
    sim_time now;            /* when the task starts */
    uint64_t process_starts; /* app processes started so far: a new one means a fresh JS runtime */
    sim_time duration_ms;
    int result;
    run_app *app;            /* for run_app_register / unregister after the executor ran */
} run_task_exec;
typedef void (*run_task_hook)(void *ctx, run_task_exec *exec);
typedef void (*run_app_hook)(void *ctx, run_app *app, run_app_point point);

/* The app registers task `name` (one of the scenario's app.tasks) with expo's options, now.
 * Returns RUN_OK, RUN_ERR_INVALID when the scenario has no task of that name, RUN_ERR_NOMEM. */
int run_app_register(run_app *app, const char *name, const bgt_task_options *options);
/* The app (or expo-task-manager's "not defined" path) unregisters task `name`, now. */
int run_app_unregister(run_app *app, const char *name);
/* Calls app_hook with RUN_APP_WAKE at simulated time t (>= now; none past the run's end). */
int run_app_wake_at(run_app *app, sim_time t);
/* The current simulated time and the number of processes started so far. */
sim_time run_app_now(const run_app *app);
uint64_t run_app_process_starts(const run_app *app);

typedef struct run_options {
    uint64_t seed;        /* the scenario's seed unless overridden */
    /* Which device of a fleet (0 for a single run): every random stream is seeded from
     * (seed, device, stream name), so device k draws the same whatever runs beside it. */
    uint64_t device;
    sim_time duration;    /* the scenario's duration unless overridden */
    FILE *trace;          /* JSON Lines trace, or NULL */
    /* Record the device and app state over time (rep_record.states, .marks) for timelines and
     * Perfetto exports. Recording only observes: the trace and fingerprint stay the same. */
    bool record_states;
    /* Skip the fingerprint (sim_trace.h): for callers that never read it (sweeps, fleets). The
     * simulation is the same; outcome.fingerprint is then 0 and means nothing. Single runs,
     * `check`, --fingerprint and --trace leave it false. */
    bool skip_fingerprint;
    /* Called for every task run, or NULL (the CLI): see run_task_exec. */
    run_task_hook task_hook;
    void *task_hook_ctx;
    /* Non-NULL: the app registers the tasks (see run_app above), with task_hook_ctx. */
    run_app_hook app_hook;
} run_options;

typedef struct run_outcome {
    uint64_t fingerprint; /* of the whole event sequence (sim_trace.h); 0 with skip_fingerprint */
    uint64_t trace_records;
    uint64_t events;      /* engine events fired */
    /* Why the run failed, when it says (one line, no program name, no newline); "" on success and
     * when there is nothing to add to the status (an internal error already counted). */
    char message[RUN_MESSAGE_MAX];
} run_outcome;

/* Options taken from the scenario itself. */
run_options run_default_options(const scn_scenario *s);

/*
 * Runs the scenario. Returns RUN_OK, or RUN_ERR_INVALID when the run would record more than
 * REP_MAX_TASK_RUNS task runs (rep_record.h) or its clock stands still (the worker started
 * 100,000 times at one instant: a zero interval with zero-length work), stopped there with a
 * message naming the limit, or RUN_ERR_UNAVAILABLE when the platform has no model (none: all three have one), or
 * RUN_ERR_NOMEM / RUN_ERR_INTERNAL (a core error that cannot happen), or RUN_ERR_IO when the trace
 * could not be written. What went wrong is in outcome->message; nothing is printed.
 */
int run_scenario(const scn_scenario *s, const run_options *opt, rep_record *record, run_outcome *outcome);

#endif
