/*
 * bgsim_harness.c - the runner for the npm package's test harness (js/jest), compiled to wasm with
 * ASYNCIFY (tools/wasm/build.sh -> dist/bgsim-harness.js).
 *
 * It runs a scenario exactly as `bgsim run FILE --seed S --trace T` does (same runner, same
 * draws, same trace), with one difference: every task run is handed to JavaScript
 * (bgsim_js_task, js/jest/index.js), which runs the app's real executor through the real
 * expo-task-manager JS and returns its result (BackgroundTaskResult, or none when it threw or
 * returned nothing) and a duration. The wasm stack is suspended while the executor is awaited
 * (ASYNCIFY), so simulated time stands still until it settles.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "rep_record.h"
#include "run.h"
#include "scn_scenario.h"
#include "sch_diag.h"

/* js/jest/index.js (through tools/wasm/harness-library.js): runs the task, suspends the wasm
 * stack until it is done. Returns the bgt_result; *duration holds the modeled duration on entry
 * and the one to use on return. */
int bgsim_js_task(const char *name, double now_ms, double process_starts, int modeled_result, double *duration);
/* Before the run: the scenario's start as a Unix time in ms (its local date-time read as UTC, for
 * Date.now in executors), the run's duration and the platform's name. */
void bgsim_js_started(double start_epoch_ms, double duration_ms, const char *platform);

/* ctx: the trace, flushed first so that JS reads every event before this run (Sim.trace). */
static void js_hook(void *ctx, run_task_exec *ex)
{
    fflush((FILE *)ctx);
    double duration = (double)ex->duration_ms;
    ex->result = bgsim_js_task(ex->name, (double)ex->now, (double)ex->process_starts, ex->result, &duration);
    ex->duration_ms = (sim_time)duration;
}

/*
 * Runs FILE with SEED (negative: the scenario's own) for DURATION_MS (negative: the scenario's),
 * writing the trace to TRACE_PATH and diagnostics to ERR_PATH. Returns the run_status (0: ok;
 * -100 when the scenario did not load, its diagnostics in ERR_PATH).
 */
int bgsim_harness_run(const char *file, double seed, double duration_ms, const char *trace_path, const char *err_path);

int bgsim_harness_run(const char *file, double seed, double duration_ms, const char *trace_path, const char *err_path)
{
    sch_diag diag;
    scn_scenario *s = NULL;
    if (scn_load(file, &diag, &s) != 0) {
        FILE *err = fopen(err_path, "w");
        if (err) {
            sch_diag_print(&diag, err);
            fclose(err);
        }
        sch_diag_free(&diag);
        return -100;
    }
    sch_diag_free(&diag);
    run_options opt = run_default_options(s);
    if (seed >= 0)
        opt.seed = (uint64_t)seed;
    if (duration_ms >= 0)
        opt.duration = (sim_time)duration_ms;
    opt.task_hook = js_hook;
    FILE *trace = fopen(trace_path, "w");
    if (!trace) {
        scn_scenario_free(s);
        return RUN_ERR_IO;
    }
    opt.trace = trace;
    opt.task_hook_ctx = trace;
    bgsim_js_started((double)(s->calendar.start_day * 86400000 + s->calendar.start_ms_of_day), (double)opt.duration,
                     scn_platform_names[s->platform]);
    rep_record record = {0};
    run_outcome outcome = {0};
    int rc = run_scenario(s, &opt, &record, &outcome);
    if (rc != RUN_OK && outcome.message[0]) {
        FILE *err = fopen(err_path, "w");
        if (err) {
            fprintf(err, "%s\n", outcome.message);
            fclose(err);
        }
    }
    fclose(trace);
    rep_record_free(&record);
    scn_scenario_free(s);
    return rc;
}
