/*
 * run.h - runs one scenario: the engine drives the real core (core/) through a modeled OS.
 *
 * What happens, in engine phases (sim_engine.h):
 *  - ENVIRONMENT: at app.first_open the user opens the app: a process starts (the app defines its
 *    tasks, the core restores the registry), and it comes to the foreground; it goes to the
 *    background app.foreground_for later.
 *  - APP: each task is registered at its register_at and unregistered at its unregister_at (by the
 *    app's code, so only while a process is alive); worker runs end after the modeled work.
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

/* One task run as the runner models it (its modeled duration and result already drawn), handed
 * to a caller that runs the app's real code for it: the npm package's test harness (js/jest,
 * tools/wasm/bgsim_harness.c). The hook may replace `duration_ms` and `result` (a bgt_result);
 * the runner then traces and records what the hook left. */
typedef struct run_task_exec {
    size_t task;             /* index in the scenario's tasks */
    const char *name;
    sim_time now;            /* when the task starts */
    uint64_t process_starts; /* app processes started so far: a new one means a fresh JS runtime */
    sim_time duration_ms;
    int result;
} run_task_exec;
typedef void (*run_task_hook)(void *ctx, run_task_exec *exec);

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
