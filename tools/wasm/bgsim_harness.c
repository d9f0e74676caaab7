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
 *
 * The APP registers the tasks, not the scenario (run_options.app_hook): the scenario's app.tasks
 * only name the tasks the app may register and model their work; their register_at and
 * unregister_at are not used. expo's registerTaskAsync / unregisterTaskAsync (and
 * expo-task-manager's "not defined" unregistration) reach the native module js/jest/native.js,
 * which queues them with the simulated time; wasm cannot be re-entered while it is suspended, so
 * this side drains the queue (bgsim_js_next_op) each time it regains control: at the start of the
 * run (the app's top-level code, t = 0), after a process start (the entry module is required
 * again), after each task run, and when the simulation reaches the time the test advanced to
 * (it pauses there until the next advance(), so the test's own calls land at that time). The
 * runner applies them in that order, at the current simulated time (run_app_register).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bgt.h"
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

/* The app's code may have run (point: a run_app_point, or HARNESS_AFTER_TASK). Suspends while JS
 * loads the entry module in a new process or waits for the test's next advance(). Returns the
 * simulated time the test has advanced to when it lies ahead (the next wake), else -1. */
double bgsim_js_app(int point, double now_ms, double process_starts);
/* The oldest operation the app made and bgsim has not applied: 1 register, 2 unregister, 0 none.
 * Writes the task's name (NUL-terminated, at most cap bytes) and the minimumInterval in minutes
 * (negative: none given). */
int bgsim_js_next_op(char *name, int cap, double *interval_min);
/* What the runner answered to that operation (a run_status). */
void bgsim_js_op_done(int rc);

enum { HARNESS_AFTER_TASK = 100 };

typedef struct harness {
    FILE *trace;
    sim_time wake; /* the RUN_APP_WAKE asked for and not yet come, or -1 */
} harness;

static void drain(run_app *app)
{
    char name[BGT_NAME_MAX + 1];
    double interval = -1;
    int kind;
    while ((kind = bgsim_js_next_op(name, (int)sizeof name, &interval)) != 0) {
        bgt_task_options o = {.has_minimum_interval = interval >= 0,
                              .minimum_interval_min = interval >= 0 ? (int64_t)interval : 0};
        bgsim_js_op_done(kind == 1 ? run_app_register(app, name, &o) : run_app_unregister(app, name));
    }
}

/* The trace is flushed first so that JS reads every event before now (Sim.trace). */
static void app_point(harness *h, run_app *app, int point)
{
    fflush(h->trace);
    if (point == RUN_APP_WAKE)
        h->wake = -1;
    double wake = bgsim_js_app(point, (double)run_app_now(app), (double)run_app_process_starts(app));
    drain(app);
    if (wake >= 0 && (sim_time)wake != h->wake && run_app_wake_at(app, (sim_time)wake) == RUN_OK)
        h->wake = (sim_time)wake;
}

static void js_app_hook(void *ctx, run_app *app, run_app_point point) { app_point(ctx, app, (int)point); }

static void js_hook(void *ctx, run_task_exec *ex)
{
    harness *h = ctx;
    fflush(h->trace);
    double duration = (double)ex->duration_ms;
    ex->result = bgsim_js_task(ex->name, (double)ex->now, (double)ex->process_starts, ex->result, &duration);
    ex->duration_ms = (sim_time)duration;
    app_point(h, ex->app, HARNESS_AFTER_TASK);
}

/* Loads FILE, reports its start, duration and platform (bgsim_js_started), and frees it: what
 * bgsim.load() needs before the app's module is first required (expo-modules-core reads the
 * platform, process.env.EXPO_OS, when it loads). Returns 0, or -100 with the diagnostics in
 * ERR_PATH. */
int bgsim_harness_probe(const char *file, const char *err_path);

static scn_scenario *load_scenario(const char *file, const char *err_path)
{
    sch_diag diag;
    scn_scenario *s = NULL;
    if (scn_load(file, &diag, &s) != 0) {
        FILE *err = fopen(err_path, "w");
        if (err) {
            sch_diag_print(&diag, err);
            fclose(err);
        }
        s = NULL;
    }
    sch_diag_free(&diag);
    return s;
}

static void report_started(const scn_scenario *s, sim_time duration)
{
    bgsim_js_started((double)(s->calendar.start_day * 86400000 + s->calendar.start_ms_of_day), (double)duration,
                     scn_platform_names[s->platform]);
}

int bgsim_harness_probe(const char *file, const char *err_path)
{
    scn_scenario *s = load_scenario(file, err_path);
    if (!s)
        return -100;
    report_started(s, s->duration);
    scn_scenario_free(s);
    return 0;
}

/*
 * Runs FILE with SEED (negative: the scenario's own) for DURATION_MS (negative: the scenario's),
 * writing the trace to TRACE_PATH and diagnostics to ERR_PATH. Returns the run_status (0: ok;
 * -100 when the scenario did not load, its diagnostics in ERR_PATH).
 */
int bgsim_harness_run(const char *file, double seed, double duration_ms, const char *trace_path, const char *err_path);

int bgsim_harness_run(const char *file, double seed, double duration_ms, const char *trace_path, const char *err_path)
{
    scn_scenario *s = load_scenario(file, err_path);
    if (!s)
        return -100;
    run_options opt = run_default_options(s);
    if (seed >= 0)
        opt.seed = (uint64_t)seed;
    if (duration_ms >= 0)
        opt.duration = (sim_time)duration_ms;
    opt.task_hook = js_hook;
    opt.app_hook = js_app_hook;
    FILE *trace = fopen(trace_path, "w");
    if (!trace) {
        scn_scenario_free(s);
        return RUN_ERR_IO;
    }
    opt.trace = trace;
    harness h = {.trace = trace, .wake = -1};
    opt.task_hook_ctx = &h;
    report_started(s, opt.duration);
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
