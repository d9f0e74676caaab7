/*
 * run.c - the scenario runner: engine events in, core calls out, trace and record written.
 */
#include "run.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

#include "bgt.h"
#include "mdl_battery.h"
#include "mdl_device.h"
#include "mdl_kills.h"
#include "mdl_model.h"
#include "sch_units.h"
#include "sim_rng.h"
#include "simos.h"

/* Worker starts at one simulated instant before a run counts as stalled (see on_fire). */
#define RUN_MAX_FIRES_AT_INSTANT 100000

typedef struct runner runner;

typedef struct run_task {
    runner *r;
    size_t index;
    gsl_rng *duration_rng;
    gsl_rng *failure_rng;
    /* the scenario task's work_duration, prepared once per run (sch_dist_draw: the draws of
     * sch_dist_sample bit for bit, a lognormal without its per-draw look-up of log(median)) */
    sch_dist_prepared work_duration;
    bgt_task_options options; /* what a registration passes: the scenario's, or the app's last */
    size_t name_len;          /* strlen of the scenario task's name (fixed for the run): task.run hashes
                               * the name with sim_trace_strn, without a strlen per run */
} run_task;

/* The handle the caller's hooks use to pass on what the app's code did (run.h). */
struct run_app {
    runner *r;
};

/* A registration or unregistration the app made, applied by an event at the time it was made. */
typedef struct app_op {
    size_t task;
    bool reg;
    bool waiting; /* made while no process was alive: applied when the user next opens the app */
    bgt_task_options options;
} app_op;

struct runner {
    const scn_scenario *s;
    sim_engine *engine;
    sim_trace trace;
    sim_rng_set *rngs;
    const simos_ops *os_ops;
    void *os;
    sim_reason held;        /* why the OS holds the due worker back now (NONE: it does not) */
    sim_time held_since;
    bgt *core;
    rep_record *record;
    run_task *tasks;
    mdl_device device;
    int models_started;
    bool *register_pending; /* a registration came due while no process was alive */
    sim_handle first_close; /* the end of the first visit (app.foreground_for), or none */
    sim_handle worker_end;  /* the end of the run in progress, or none */
    size_t *run_index;      /* per task: its record entry in the run in progress (when in_run) */
    bool *in_run;           /* per task: it ran in the run in progress (a stop or kill cuts it) */
    unsigned char *storage; /* the device's persisted registry bytes: survive process death */
    size_t storage_len;
    bool stored;
    bool alive;             /* an app process exists */
    uint64_t process_starts;
    const run_options *opt;
    bool have_due;          /* `due` holds the first due time since the last run that ran tasks */
    bool in_worker;         /* inside bgt_worker_begin/end: the core's requests continue the run's due */
    sim_time due;
    sim_time run_start;
    /* For the explanations (rep_record.cold_pushes): the earliest time of the request the OS
     * holds, and whether a process start is under way (its restore re-registers the tasks). */
    bool pending;
    sim_time pending_due;
    bool starting;
    bool internal_error;
    char *message;          /* the caller's run_outcome.message: the first internal error's words */
    bool limit_hit;         /* the record is full (REP_MAX_TASK_RUNS): the run is refused */
    sim_time last_fire_at;  /* when the worker last started, and how often at that instant: */
    unsigned long fires_at_instant; /* RUN_MAX_FIRES_AT_INSTANT stops a run whose clock stands still */
    bool stalled;
    bool stall_redefer;     /* the last start at that instant was re-deferred by the foreground guard */
    /* The observer (reports): battery spent by background work and, when asked, state samples. */
    const mdl_battery_config *battery; /* the battery model's config, or NULL */
    sim_time observed_at;
    int64_t bg_rate_mp;     /* worker drain (mp/h = LU/ms) in effect since observed_at */
    int observer;           /* on_observe's listener index (-1 before it subscribes) */
    bool observing_all;     /* on_observe gets every signal (else not QUIET_SKIPS, see observe_subscribe) */
    /* The app registers the tasks (run_options.app_hook): its operations, in call order. */
    run_app app;
    app_op *app_ops;
    size_t app_op_count, app_op_cap;
};

/* The first internal error is the one reported: the others follow from it. */
static void fail(runner *r, const char *what, int rc)
{
    if (!r->message[0])
        snprintf(r->message, RUN_MESSAGE_MAX, "internal error: %s: %s", what, bgt_strerror(rc));
    r->internal_error = true;
    sim_stop(r->engine);
}

/* ---- the backend the core sees ---- */

static int64_t be_now(void *ctx) { return sim_now(((runner *)ctx)->engine); }
static void on_os_deferral(void *ctx, sim_reason reason);

/* A cancel, or a REPLACE the app makes outside a worker run (going to the background, the core's
 * restore in a new process), takes the place of the request that a run which did not complete
 * (killed, or re-deferred by the core's foreground guard) left due: the next start is for the new
 * request, due when the OS model says, and the foreground guard's hold ends with the old one. A
 * kept first `due` made `delay` count time in which nothing was due nor held (found by
 * tools/fuzz/fuzz_sim.c; the oracle needed --lenient-due). The core's own successor, asked for
 * inside bgt_worker_begin/end (the foreground re-defer), continues the same due. */
static void request_replaced(runner *r)
{
    if (r->in_worker)
        return;
    r->have_due = false;
    if (r->held == SIM_REASON_FOREGROUND)
        on_os_deferral(r, SIM_REASON_NONE);
}

/* A schedule during a process start that replaces a pending request with a later one is the
 * iOS cold-launch reset: expo's restore re-registers the tasks and cancels and re-submits with
 * earliestBeginDate = now + interval (expo-background-task 57.0.21 BackgroundTaskScheduler.swift
 * SchedulerState.scheduleWorker; docs/SOURCES.md E3.3). Counted for the explanations only. */
static int refuse_schedule(runner *r);

static int be_schedule(void *ctx, const bgt_schedule_req *req)
{
    runner *r = ctx;
    sim_time due = sim_now(r->engine) + req->delay_ms;
    if (req->mode == BGT_SCHEDULE_REPLACE)
        request_replaced(r);
    if (r->s->platform == SCN_PLATFORM_IOS &&
        (!r->s->setup.launch_handler_registered || !r->s->setup.permitted_identifier))
        return refuse_schedule(r);
    int rc = r->os_ops->schedule(r->os, req);
    if (rc == BGT_OK) {
        sim_time could = r->pending_due > sim_now(r->engine) ? r->pending_due : sim_now(r->engine);
        if (r->starting && r->pending && due > could) {
            r->record->cold_pushes++;
            r->record->cold_pushed_ms += due - could;
        }
        r->pending = true;
        r->pending_due = due;
        rep_request q = {.at = sim_now(r->engine), .due = due};
        if (rep_record_request(r->record, &q) != 0)
            r->internal_error = true;
    }
    return rc;
}

/* ---- set-up mistakes (app.setup, scn_setup): what expo and the OS do instead ---- */

/* A `setup.<mistake>` trace record: the mistake, the task it hit (or NULL), what followed, and
 * expo's own words when it has any. */
static void trace_setup(runner *r, const char *mistake, const char *task, const char *consequence, const char *expo)
{
    char type[64];
    snprintf(type, sizeof type, "setup.%s", mistake);
    sim_trace_begin(&r->trace, sim_now(r->engine), type);
    if (task)
        sim_trace_str(&r->trace, "task", task);
    sim_trace_str(&r->trace, "consequence", consequence);
    if (expo)
        sim_trace_str(&r->trace, "expo", expo);
    sim_trace_end(&r->trace);
}

/* iOS: the worker's request never reaches BGTaskScheduler (expo-background-task 57.0.21,
 * ios/BackgroundTaskScheduler.swift):
 *  - no launch handler registered during launch: tryScheduleWorker awaits the registration gate,
 *    which only BackgroundTaskAppDelegateSubscriber opens, after BGTaskScheduler.register in
 *    application(_:didFinishLaunchingWithOptions:); the submit waits forever, and nobody hears of
 *    it (the wait is inside an unawaited Task). Apple: "Registration of all launch handlers must
 *    be complete before the end of applicationDidFinishLaunching(_:)" (BGTaskScheduler
 *    register(forTaskWithIdentifier:using:launchHandler:)). The core is told it went through.
 *  - the identifier missing from BGTaskSchedulerPermittedIdentifiers: scheduleWorker cancels
 *    (stopWorkerOnce) and submits; submit throws BGTaskScheduler.Error.notPermitted, which expo
 *    turns into CouldNotRegisterWorkerTask("Task request not permitted."), thrown inside the Task
 *    that didRegisterTask / reschedule started: registerTaskAsync has already resolved and the task
 *    stays registered (persisted). The core gets the error and logs it (app.log). */
static int refuse_schedule(runner *r)
{
    if (!r->s->setup.launch_handler_registered) {
        trace_setup(r, "launch_handler_registered", NULL, "submit_waits_forever", NULL);
        return BGT_OK;
    }
    (void)r->os_ops->cancel(r->os);
    trace_setup(r, "permitted_identifier", NULL, "submit_not_permitted",
                "CouldNotRegisterWorkerTask: Task request not permitted.");
    return BGT_E_BACKEND;
}

static int be_cancel(void *ctx)
{
    runner *r = ctx;
    request_replaced(r);
    int rc = r->os_ops->cancel(r->os);
    /* A cancel inside a process start is the first half of a re-submit: the pending date is kept
     * to compare the new one with. */
    if (!r->starting)
        r->pending = false;
    return rc;
}

static int be_query(void *ctx, bgt_worker_state *out)
{
    runner *r = ctx;
    *out = r->os_ops->state(r->os);
    return BGT_OK;
}

static int be_load(void *ctx, unsigned char **out, size_t *out_len)
{
    runner *r = ctx;
    if (!r->stored)
        return BGT_E_NOT_FOUND;
    *out = malloc(r->storage_len ? r->storage_len : 1);
    if (!*out)
        return BGT_E_NOMEM;
    memcpy(*out, r->storage, r->storage_len);
    *out_len = r->storage_len;
    return BGT_OK;
}

static int be_save(void *ctx, const unsigned char *buf, size_t len)
{
    runner *r = ctx;
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy)
        return BGT_E_IO;
    memcpy(copy, buf, len);
    free(r->storage);
    r->storage = copy;
    r->storage_len = len;
    r->stored = true;
    return BGT_OK;
}

static void be_log(void *ctx, bgt_log_level level, const char *msg)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    runner *r = ctx;
    sim_trace_begin(&r->trace, sim_now(r->engine), "app.log");
    sim_trace_str(&r->trace, "level", names[level >= 0 && level <= 3 ? level : 3]);
    sim_trace_str(&r->trace, "message", msg);
    sim_trace_end(&r->trace);
}

/* ---- the observer: only reads, never traces or draws ---- */

/* The signals that follow every change of the state bg_rate_mp reads (worker_running, plugged,
 * net), at the ms of the change. */
#define RATE_SIGNALS                                                                                     \
    (MDL_SIGNAL(MDL_SIG_WORKER) | MDL_SIGNAL(MDL_SIG_PLUG) | MDL_SIGNAL(MDL_SIG_UNPLUG) |                \
     MDL_SIGNAL(MDL_SIG_NETWORK))
/* The signals the observer leaves out at rate 0: every signal of mdl_signal's range but
 * RATE_SIGNALS. A switch of its set costs the same for any number of signals (the last listener's
 * lists change a word of lengths at a time, mdl_device.c), so it leaves out the rare ones too. */
#define QUIET_SKIPS ((MDL_SIGNAL(MDL_SIG_COUNT) - MDL_SIGNAL(MDL_SIG_PLUG)) & ~RATE_SIGNALS)
_Static_assert((QUIET_SKIPS & RATE_SIGNALS) == 0, "the observer hears every rate signal");

/*
 * on_observe gets every signal while the worker drains (bg_rate_mp != 0) or states are sampled,
 * else all but QUIET_SKIPS, RATE_SIGNALS among them (ideal: 11,485 observations in 70
 * device-days, nearly all at rate 0). An observation at rate 0 without sampling adds nothing; it
 * sets observed_at, read only at a rate other than 0, and the rate, from the state. So one left
 * out changes something only if the state's rate is not 0 there; the state got so at that ms, and
 * its change's signal (RATE_SIGNALS) reaches the observer later in that ms: where the rate is set
 * as that observation would have set it, with observed_at at the same ms, so the time in between,
 * 0 ms, added +0.0 (x + 0.0 is x, the sum is never -0.0). At a rate other than 0 every signal
 * splits the sum as before. tests/scenario/test_outcomes.c (observations_left_out_...) compares
 * battery_bg_mp with and without state sampling, bit for bit.
 */
static void observe_subscribe(runner *r)
{
    bool all = r->bg_rate_mp != 0 || r->record->has_states;
    if (all != r->observing_all && r->observer >= 0) {
        r->observing_all = all;
        mdl_set_listener_signals(&r->device, r->observer, all ? MDL_ALL_SIGNALS : MDL_ALL_SIGNALS & ~QUIET_SKIPS);
    }
}

/* Accounts the battery the worker drained since the last observation and, when asked, samples
 * the state. Called after every device signal (as the last listener) and when the process starts
 * or dies, so between two observations nothing it reads changes. */
static void observe_at(runner *r, sim_time now)
{
    const mdl_device *d = &r->device;
    if (r->battery) {
        /* bg_rate_mp is in milli-percent per hour: times ms gives LU; LU / LU_PER_MP = mp. Nothing
         * to add at a rate of 0 (most observations: the worker is not running): x + 0.0 is x for
         * every x but -0.0, and the sum is never -0.0 (it starts at +0.0; a sum is -0.0 only when
         * both terms are). */
        if (r->bg_rate_mp != 0)
            r->record->battery_bg_mp += (double)r->bg_rate_mp * (double)(now - r->observed_at) /
                                        (double)MDL_BATTERY_LU_PER_MP;
        r->bg_rate_mp = 0;
        if (d->worker_running && !d->plugged)
            r->bg_rate_mp = r->battery->drain_worker_mp + (d->net != MDL_NET_NONE ? r->battery->drain_network_mp : 0);
    }
    r->observed_at = now;
    if (!r->record->has_states) {
        observe_subscribe(r);
        return;
    }
    int level = r->battery ? mdl_battery_level_permille(d, now) : -1;
    rep_state st = {.t = now, .battery_permille = (int16_t)level, .plugged = d->plugged, .power_save = d->power_save,
                    .net = (uint8_t)d->net, .airplane = d->airplane, .screen_on = d->screen_on,
                    .asleep = d->user_asleep, .dozing = d->dozing,
                    .app = !r->alive ? REP_APP_DEAD : d->app_foreground ? REP_APP_FOREGROUND : REP_APP_BACKGROUND,
                    .worker_running = d->worker_running};
    if (rep_record_state(r->record, &st) != 0)
        r->internal_error = true;
}

static void observe(runner *r) { observe_at(r, sim_now(r->engine)); }

static void on_observe(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)d, (void)sig, (void)arg;
    observe(ctx);
}

/* ---- tasks ---- */

static int task_body(void *user, const bgt_task_call *call, int64_t *duration_ms)
{
    run_task *t = user;
    runner *r = t->r;
    const scn_task *st = &r->s->tasks[t->index];
    sim_time took = sch_dist_draw(&t->work_duration, t->duration_rng);
    /* One failure draw per run, even at probability 0, so changing the probability of one task
     * keeps every other draw of the run where it was. sim_rng_uniform is gsl_rng_uniform bit for
     * bit from the same output (tests/engine/test_rng.c), inline: no out-of-line GSL call. */
    bool failed = sim_rng_uniform(t->failure_rng) < st->failure_probability;
    /* A task that needs the network fails without it (the OS models normally hold the worker back
     * until the network constraint holds; the ideal platform does not, so this is where it shows). */
    bool offline = st->network == SCN_NETWORK_REQUIRED && r->device.net == MDL_NET_NONE;
    int result = failed || offline ? BGT_RESULT_FAILED : BGT_RESULT_SUCCESS;
    if (r->opt->task_hook) {
        run_task_exec ex = {.task = t->index, .name = st->name, .now = call->now_ms,
                            .process_starts = r->process_starts, .duration_ms = took, .result = result,
                            .app = &r->app};
        r->opt->task_hook(r->opt->task_hook_ctx, &ex);
        took = ex.duration_ms < 0 ? 0 : ex.duration_ms;
        result = ex.result;
    }
    *duration_ms = took;
    sim_trace_begin(&r->trace, call->now_ms, "task.run");
    sim_trace_strn(&r->trace, "task", st->name, t->name_len); /* the fold of sim_trace_str */
    /* A literal per branch folds as constants (a ?: of literals is a string at run time). */
    if (result == BGT_RESULT_FAILED)
        sim_trace_str(&r->trace, "result", "failed");
    else if (result == BGT_RESULT_SUCCESS)
        sim_trace_str(&r->trace, "result", "success");
    else
        sim_trace_str(&r->trace, "result", "none"); /* only a task hook returns none */
    sim_trace_int(&r->trace, "duration_ms", took);
    if (offline)
        sim_trace_str(&r->trace, "cause", "offline");
    sim_trace_end(&r->trace);
    /* Recorded as completed with the modeled duration and result; a stop or a kill before it ends
     * corrects the entry to what actually ran (cut_runs). */
    rep_task_run run = {.start = call->now_ms, .duration = took, .delay = call->now_ms - r->due, .result = result,
                        .end = REP_END_COMPLETED};
    int recorded = rep_record_task_run(r->record, t->index, &run);
    if (recorded == 0) {
        r->in_run[t->index] = true;
        r->run_index[t->index] = r->record->tasks[t->index].run_count - 1;
    } else if (recorded == REP_ELIMIT) {
        r->limit_hit = true;
        sim_stop(r->engine);
    } else if (recorded != 0) {
        r->internal_error = true;
    }
    return result;
}

/* The run in progress ends now, cut short (`end`: a stop by the OS or a kill): every task still
 * running becomes what actually ran, with no result, and the trace says so (task.stop). Tasks
 * that had finished before keep their result: tasks run in parallel (core/bgt.h, §4.4). */
static void cut_runs(runner *r, rep_end end)
{
    sim_time now = sim_now(r->engine);
    for (size_t i = 0; i < r->s->task_count; i++) {
        if (!r->in_run[i])
            continue;
        r->in_run[i] = false;
        if (!rep_record_cut_task_run(r->record, i, r->run_index[i], now, end))
            continue;
        const rep_task_run *run = &r->record->tasks[i].runs[r->run_index[i]];
        sim_trace_begin(&r->trace, now, "task.stop");
        sim_trace_str(&r->trace, "task", r->s->tasks[i].name);
        sim_trace_str(&r->trace, "end", rep_end_name(end));
        sim_trace_int(&r->trace, "ran_ms", run->duration);
        sim_trace_end(&r->trace);
    }
}

/* The device learns that the app's worker is (not) executing: battery drain depends on it. */
static void set_worker_running(runner *r, bool running)
{
    r->device.worker_running = running;
    mdl_emit(&r->device, MDL_SIG_WORKER, running);
}

static void apply_waiting_app_ops(runner *r);

/* Inline at each call: the type is then a literal, whose hash is a constant (out of line it
 * was hashed from its bytes, with a strlen, on every app.foreground/background; issue 24). */
SIM_TRACE_INLINE void trace_simple(runner *r, const char *type)
{
    sim_trace_begin(&r->trace, sim_now(r->engine), type);
    sim_trace_end(&r->trace);
}

static void do_registration(runner *r, size_t i, bool reg)
{
    const scn_task *t = &r->s->tasks[i];
    /* iOS without the `processing` background mode: expo's native registerTaskAsync throws
     * BackgroundTasksNotConfigured (ios/BackgroundTaskModule.swift, after the JS checks that the
     * task is defined and the status is not Restricted): the promise rejects, nothing is
     * registered. (Its unregisterTaskAsync never gets that far: the JS returns for a task that is
     * not registered.) */
    if (reg && r->s->platform == SCN_PLATFORM_IOS && !r->s->setup.background_mode_processing &&
        !r->s->policy.restricted && bgt_is_defined(r->core, t->name)) {
        trace_setup(r, "background_mode_processing", t->name, "not_registered",
                    "BackgroundTasksNotConfigured: Background Task has not been configured");
        return;
    }
    const bgt_task_options *options = &r->tasks[i].options;
    int rc = reg ? bgt_register_task(r->core, t->name, options) : bgt_unregister_task(r->core, t->name);
    /* Expo Go: status Restricted, the registration skipped with a warning (the core logs it). */
    if (reg && rc == BGT_E_RESTRICTED && r->s->setup.expo_go)
        trace_setup(r, "expo_go", t->name, "not_registered",
                    "`Background Task` functionality is not available in Expo Go");
    sim_trace_begin(&r->trace, sim_now(r->engine), reg ? "task.register" : "task.unregister");
    sim_trace_str(&r->trace, "task", t->name);
    if (reg && options->has_minimum_interval)
        sim_trace_int(&r->trace, "minimum_interval_min", options->minimum_interval_min);
    sim_trace_int(&r->trace, "rc", rc);
    sim_trace_end(&r->trace);
    if (rc == BGT_OK) {
        r->record->interval_min = bgt_interval_min(r->core);
        if (reg)
            r->record->tasks[i].registrations++;
        else
            r->record->tasks[i].unregistrations++;
    }
}

/* The app's code defines every task (TaskManager.defineTask). */
static bool define_tasks(runner *r)
{
    for (size_t i = 0; i < r->s->task_count; i++) {
        int rc = bgt_define_task(r->core, r->s->tasks[i].name, task_body, &r->tasks[i]);
        if (rc != BGT_OK) {
            fail(r, "define task", rc);
            return false;
        }
    }
    return true;
}

/* A process starts: the app's module code defines every task (unless app.setup says the tasks
 * are defined inside a component: then only when the user opens the app, user_open), then the
 * core restores the registry (and re-arms the worker as its policy says). */
static bool process_start(runner *r, const char *cause)
{
    /* When the app's real code runs (app_hook), whether a task is defined is its business: the
     * caller's task hook meets expo-task-manager's "not defined" path itself and unregisters the
     * task through run_app_unregister, so the core defines every task. */
    if ((r->s->setup.define_at_module_scope || r->opt->app_hook) && !define_tasks(r))
        return false;
    sim_trace_begin(&r->trace, sim_now(r->engine), "app.start");
    sim_trace_str(&r->trace, "cause", cause);
    sim_trace_end(&r->trace);
    r->starting = true;
    int rc = bgt_process_start(r->core, BGT_START_DISCARD_CORRUPT);
    r->starting = false;
    if (rc == BGT_OK && bgt_interval_min(r->core) > 0 && bgt_task_count(r->core) > 0)
        r->record->interval_min = bgt_interval_min(r->core);
    if (rc != BGT_OK) {
        fail(r, "process start", rc);
        return false;
    }
    r->alive = true;
    r->process_starts++;
    observe(r);
    /* The new runtime runs the app's entry module: its registrations come now. */
    if (r->opt->app_hook)
        r->opt->app_hook(r->opt->task_hook_ctx, &r->app, RUN_APP_PROCESS_START);
    return true;
}

/* The user opens the app: a process if there is none, then foreground, then the registrations
 * that came due while no process was alive (the app's code runs them at launch). */
static void user_open(runner *r)
{
    if (!r->alive && !process_start(r, "user"))
        return;
    int rc = bgt_foreground(r->core);
    if (rc != BGT_OK)
        return fail(r, "foreground", rc);
    trace_simple(r, "app.foreground");
    /* Tasks defined inside a component: it mounts when the user opens the app (expo-task-manager
     * 58.0.4 src/TaskManager.ts defineTask: "Components are not mounted when the app is launched
     * in the background"). Defining again replaces the callback: harmless. */
    if (!r->s->setup.define_at_module_scope && !r->opt->app_hook && !define_tasks(r))
        return;
    for (size_t i = 0; i < r->s->task_count; i++) {
        if (r->register_pending[i]) {
            r->register_pending[i] = false;
            do_registration(r, i, true);
        }
    }
    apply_waiting_app_ops(r);
}

static void user_close(runner *r)
{
    if (!r->alive)
        return;
    int rc = bgt_background(r->core);
    /* The core has left the foreground whatever the schedule answered. A refused schedule (the
     * iOS submit `unavailable` with Background App Refresh off) is the modeled OS's answer, which
     * expo swallows and the core has logged (app.log): not an internal error. It ended the run
     * with status 70 before (found by tools/fuzz/fuzz_sim.c, tests/fuzz/sim/). */
    if (rc != BGT_OK && rc != BGT_E_BACKEND)
        return fail(r, "background", rc);
    trace_simple(r, "app.background");
}

/* The process dies. A worker run in progress dies with it: its end never comes, and the OS
 * model decides what happens to the work (the ideal OS re-runs it). */
static void process_death(runner *r, const char *cause)
{
    if (!r->alive)
        return;
    sim_trace_begin(&r->trace, sim_now(r->engine), "app.kill");
    sim_trace_str(&r->trace, "cause", cause);
    sim_trace_end(&r->trace);
    int rc = bgt_process_kill(r->core);
    if (rc != BGT_OK)
        return fail(r, "process kill", rc);
    r->alive = false;
    if (r->record->has_states) {
        rep_mark m = {.t = sim_now(r->engine),
                      .kind = strcmp(cause, "swipe") == 0       ? REP_MARK_SWIPE
                              : strcmp(cause, "force_stop") == 0 ? REP_MARK_FORCE_STOP
                              : strcmp(cause, "reboot") == 0     ? REP_MARK_REBOOT
                                                                 : REP_MARK_KILL};
        if (rep_record_mark(r->record, &m) != 0)
            r->internal_error = true;
    }
    observe(r);
    if (sim_cancel(r->engine, r->worker_end) == SIM_OK) {
        /* The run died: its tasks ran until now, and the worker run counts as one that ran tasks
         * and was killed. The core ends no run (bgt_process_kill dropped it): no successor. */
        cut_runs(r, REP_END_KILLED);
        rep_worker_run w = {.due = r->due, .start = r->run_start, .end = sim_now(r->engine), .kind = REP_WORKER_RAN,
                            .end_kind = REP_END_KILLED};
        if (rep_record_worker_run(r->record, &w) != 0)
            r->internal_error = true;
        set_worker_running(r, false);
        r->os_ops->aborted(r->os);
    }
    r->worker_end = SIM_HANDLE_NONE;
}

static void on_signal(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)d, (void)arg;
    runner *r = ctx;
    switch (sig) {
    case MDL_SIG_APP_OPEN: user_open(r); break;
    case MDL_SIG_APP_CLOSE: user_close(r); break;
    case MDL_SIG_APP_SWIPE: process_death(r, "swipe"); break;
    case MDL_SIG_APP_KILL: process_death(r, "kill"); break;
    case MDL_SIG_FORCE_STOP: process_death(r, "force_stop"); break;
    case MDL_SIG_REBOOT: process_death(r, "reboot"); break;
    default: break;
    }
}

/* app.first_open and app.foreground_for: the first visit, part of the app section. While the
 * device is down (a reboot) the user cannot open the app: the visit moves to the boot, its close
 * with it (the oracle's device-down check found opens during a reboot's downtime). */
static void on_first_open(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    runner *r = ctx;
    if (mdl_kills_device_down(&r->device)) {
        sim_time boot = mdl_kills_boot_at(&r->device), close_at;
        if (sim_event_time(e, r->first_close, &close_at) == SIM_OK && boot >= 0)
            sim_reschedule(e, r->first_close, close_at + (boot - sim_now(e)));
        else
            sim_cancel(e, r->first_close);
        if (boot < 0 || sim_schedule(e, boot, SIM_PHASE_ENVIRONMENT, on_first_open, r, 0, NULL) != SIM_OK)
            sim_cancel(e, r->first_close); /* the device is down until the end: no first visit */
        return;
    }
    r->device.app_foreground = true;
    mdl_emit(&r->device, MDL_SIG_APP_OPEN, 0);
}

static void on_first_close(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    runner *r = ctx;
    r->first_close = SIM_HANDLE_NONE;
    r->device.app_foreground = false;
    mdl_emit(&r->device, MDL_SIG_APP_CLOSE, 0);
}

/* A scripted event (`events:`, scn_events.h) comes due: the device takes it, the timeline marks it. */
static void on_scripted(sim_engine *e, void *ctx, uint64_t i)
{
    runner *r = ctx;
    const scn_event *ev = &r->s->events.list[i];
    if (r->record->has_states) {
        rep_mark m = {.t = sim_now(e), .kind = REP_MARK_EVENT, .label = scn_event_names[ev->action]};
        if (rep_record_mark(r->record, &m) != 0)
            r->internal_error = true;
    }
    scn_event_apply(&r->device, ev);
}

static void on_registration(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    runner *r = ctx;
    size_t i = (size_t)(arg >> 1);
    bool reg = (arg & 1) == 0;
    if (r->alive)
        do_registration(r, i, reg);
    else
        r->register_pending[i] = reg; /* an unregistration while dead cancels a pending one */
}

/* ---- the app's own registrations (run_options.app_hook) ---- */

/* One the app made: arg is its index in app_ops. The options it passed are the task's from now on.
 * Made while no process is alive (the caller's code between two kills: a user's action in the
 * app's UI), it waits for the user's next visit (user_open), in call order, registrations and
 * unregistrations alike. */
static void on_app_op(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    runner *r = ctx;
    app_op *op = &r->app_ops[arg];
    if (!r->alive) {
        op->waiting = true;
        return;
    }
    if (op->reg)
        r->tasks[op->task].options = op->options;
    do_registration(r, op->task, op->reg);
}

/* The app's operations that waited for a process, in the order it made them. */
static void apply_waiting_app_ops(runner *r)
{
    for (size_t i = 0; i < r->app_op_count; i++) {
        if (r->app_ops[i].waiting) {
            r->app_ops[i].waiting = false;
            on_app_op(r->engine, r, i);
        }
    }
}

static int app_op_add(run_app *app, const char *name, bool reg, const bgt_task_options *options)
{
    runner *r = app->r;
    size_t i = 0;
    while (i < r->s->task_count && strcmp(r->s->tasks[i].name, name) != 0)
        i++;
    if (i == r->s->task_count)
        return RUN_ERR_INVALID;
    if (r->app_op_count == r->app_op_cap) {
        size_t cap = r->app_op_cap ? 2 * r->app_op_cap : 8;
        app_op *ops = realloc(r->app_ops, cap * sizeof *ops);
        if (!ops)
            return RUN_ERR_NOMEM;
        r->app_ops = ops;
        r->app_op_cap = cap;
    }
    r->app_ops[r->app_op_count] = (app_op){.task = i, .reg = reg, .options = options ? *options : (bgt_task_options){0}};
    /* After the event in progress, at this instant: the core may be inside its worker now. */
    if (sim_schedule(r->engine, sim_now(r->engine), SIM_PHASE_APP, on_app_op, r, r->app_op_count, NULL) != SIM_OK)
        return RUN_ERR_NOMEM;
    r->app_op_count++;
    return RUN_OK;
}

int run_app_register(run_app *app, const char *name, const bgt_task_options *options)
{
    return app_op_add(app, name, true, options);
}

int run_app_unregister(run_app *app, const char *name) { return app_op_add(app, name, false, NULL); }

static void on_app_wake(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    runner *r = ctx;
    r->opt->app_hook(r->opt->task_hook_ctx, &r->app, RUN_APP_WAKE);
}

int run_app_wake_at(run_app *app, sim_time t)
{
    runner *r = app->r;
    sim_time now = sim_now(r->engine);
    if (!r->opt->app_hook || t >= r->opt->duration)
        return RUN_OK;
    return sim_schedule(r->engine, t < now ? now : t, SIM_PHASE_APP, on_app_wake, r, 0, NULL) == SIM_OK
               ? RUN_OK
               : RUN_ERR_NOMEM;
}

sim_time run_app_now(const run_app *app) { return sim_now(app->r->engine); }

uint64_t run_app_process_starts(const run_app *app) { return app->r->process_starts; }

/* ---- the worker ---- */

/* `end`: COMPLETED, or the stop that ended the run (the core ended it as expired). */
static void worker_finish(runner *r, const bgt_worker_report *rep, rep_end end)
{
    bool expired = end != REP_END_COMPLETED;
    sim_trace_begin(&r->trace, sim_now(r->engine), "worker.end");
    /* A literal per branch folds as constants (a name chosen at run time folds from its bytes). */
    if (rep->kind == BGT_RUN_RAN)
        sim_trace_str(&r->trace, "kind", "ran");
    else if (rep->kind == BGT_RUN_NO_TASKS)
        sim_trace_str(&r->trace, "kind", "no_tasks");
    else
        sim_trace_str(&r->trace, "kind", "deferred_foreground");
    if (expired)
        sim_trace_bool(&r->trace, "expired", true);
    sim_trace_int(&r->trace, "busy_ms", rep->busy_ms);
    sim_trace_bool(&r->trace, "rescheduled", rep->rescheduled);
    if (rep->rescheduled)
        sim_trace_int(&r->trace, "next_delay_ms", rep->next_delay_ms);
    sim_trace_end(&r->trace);
    rep_worker_run w = {.due = r->due, .start = r->run_start, .end = sim_now(r->engine),
                        .kind = rep->kind == BGT_RUN_RAN ? REP_WORKER_RAN
                                : rep->kind == BGT_RUN_NO_TASKS ? REP_WORKER_NO_TASKS : REP_WORKER_DEFERRED,
                        .end_kind = end};
    if (rep_record_worker_run(r->record, &w) != 0)
        r->internal_error = true;
    if (rep->kind == BGT_RUN_RAN) {
        /* the ones set, in a loop: a memset call (which gcc makes of a plain zeroing loop) was
         * 16 instructions a run for one task */
        for (size_t i = 0; i < r->s->task_count; i++)
            if (r->in_run[i])
                r->in_run[i] = false;
        r->have_due = false;
        set_worker_running(r, false);
    }
    r->os_ops->finished(r->os, expired);
}

/* bgt_worker_end: the successor it asks for continues this run's due (be_schedule). */
static int worker_end(runner *r, bgt_end_reason reason, bgt_worker_report *rep)
{
    r->in_worker = true;
    int rc = bgt_worker_end(r->core, reason, rep);
    r->in_worker = false;
    return rc;
}

static void on_worker_end(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    runner *r = ctx;
    r->worker_end = SIM_HANDLE_NONE;
    bgt_worker_report rep;
    int rc = worker_end(r, BGT_END_COMPLETED, &rep);
    if (rc != BGT_OK)
        return fail(r, "worker end", rc);
    rep.kind = BGT_RUN_RAN;
    worker_finish(r, &rep, REP_END_COMPLETED);
}

/* The worker fires in a process whose tasks were never defined (a headless start: the component
 * that defines them is not mounted). expo-task-manager 58.0.4 src/TaskManager.ts, the task event
 * listener: "Execution of ... was requested but looks like it is not defined", the task finishes
 * with a null result and is unregistered (the core's unregister_undefined_on_fire). */
static void trace_undefined(runner *r)
{
    bool found = false;
    for (size_t i = 0; i < r->s->task_count; i++) {
        const char *name = r->s->tasks[i].name;
        if (!bgt_is_registered(r->core, name) || bgt_is_defined(r->core, name))
            continue;
        found = true;
        trace_setup(r, "define_at_module_scope", name,
                    r->s->policy.unregister_undefined_on_fire ? "undefined_unregistered" : "undefined_not_run",
                    "Execution was requested but looks like it is not defined");
    }
    r->record->undefined_fires += found;
}

static void on_fire(void *ctx, sim_time due)
{
    runner *r = ctx;
    if (r->held == SIM_REASON_FOREGROUND)
        on_os_deferral(r, SIM_REASON_NONE);
    r->pending = false;
    if (!r->have_due) {
        r->have_due = true;
        r->due = due;
    }
    r->run_start = sim_now(r->engine);
    /* A zero interval with zero-length work reruns the worker at the same instant forever (the
     * ideal and Android models run it as soon as it is due): refuse the run instead of hanging. */
    if (r->run_start != r->last_fire_at) {
        r->last_fire_at = r->run_start;
        r->fires_at_instant = 0;
    }
    if (++r->fires_at_instant > RUN_MAX_FIRES_AT_INSTANT) {
        r->stalled = true;
        sim_stop(r->engine);
        return;
    }
    r->stall_redefer = false;
    sim_trace_begin(&r->trace, r->run_start, "worker.start");
    sim_trace_int(&r->trace, "due", r->due);
    sim_trace_end(&r->trace);
    /* No process: the OS starts one in the background to run the worker (expo's headless start). */
    if (!r->alive && !process_start(r, "worker"))
        return;
    if (!r->s->setup.define_at_module_scope && !r->opt->app_hook)
        trace_undefined(r);
    bgt_worker_report rep;
    r->in_worker = true;
    int rc = bgt_worker_begin(r->core, &rep);
    r->in_worker = false;
    if (rc != BGT_OK)
        return fail(r, "worker begin", rc);
    if (rep.kind != BGT_RUN_RAN) {
        if ((rc = worker_end(r, BGT_END_COMPLETED, &rep)) != BGT_OK)
            return fail(r, "worker end", rc);
        worker_finish(r, &rep, REP_END_COMPLETED);
        /* The work was due and the core put it off itself: that time is the foreground guard's
         * until the OS holds the new request for a reason of its own or starts it. */
        if (rep.kind == BGT_RUN_DEFERRED_FOREGROUND) {
            on_os_deferral(r, SIM_REASON_FOREGROUND);
            r->stall_redefer = true; /* a stall message names the guard, not zero-length work */
        }
        return;
    }
    set_worker_running(r, true);
    if (sim_schedule_in(r->engine, rep.busy_ms, SIM_PHASE_APP, on_worker_end, r, 0, &r->worker_end) == SIM_EINVAL)
        fail(r, "schedule worker end", BGT_E_INVAL);
}

/* How a stop by the OS ends the run. On iOS the runtime limit is the expiration handler
 * (BGTask.expirationHandler; expo-background-task 57.x BackgroundTaskScheduler.swift then calls
 * setTaskCompleted(success: false)); on Android it is JobScheduler's timeout, after which
 * WorkManager's worker is stopped (androidx.work 2.9.1 SystemJobService.onStopJob). */
static rep_end stop_end(const runner *r, simos_stop why)
{
    switch (why) {
    case SIMOS_STOP_TIMEOUT: return r->s->platform == SCN_PLATFORM_IOS ? REP_END_EXPIRATION : REP_END_TIMEOUT;
    case SIMOS_STOP_CONSTRAINT: return REP_END_CONSTRAINT;
    case SIMOS_STOP_USER: return REP_END_USER;
    case SIMOS_STOP_DOZE: return REP_END_DOZE;
    case SIMOS_STOP_QUOTA: return REP_END_QUOTA;
    }
    return REP_END_CONSTRAINT;
}

/* The OS stops the run in progress (runtime limit, lost constraint, Doze, quota, user activity):
 * the tasks still running are cut there, and the core ends the run as expired, which is when
 * expo's iOS handler reschedules (reschedule_on_expiry). */
static void on_os_stop(void *ctx, simos_stop why)
{
    runner *r = ctx;
    if (sim_cancel(r->engine, r->worker_end) != SIM_OK)
        return; /* no run in progress */
    r->worker_end = SIM_HANDLE_NONE;
    rep_end end = stop_end(r, why);
    sim_trace_begin(&r->trace, sim_now(r->engine), "os.stop_worker");
    sim_trace_str(&r->trace, "reason", rep_end_name(end));
    sim_trace_end(&r->trace);
    cut_runs(r, end);
    bgt_worker_report rep;
    int rc = worker_end(r, BGT_END_EXPIRED, &rep);
    if (rc != BGT_OK)
        return fail(r, "worker end (expired)", rc);
    rep.kind = BGT_RUN_RAN;
    worker_finish(r, &rep, end);
}

/* The OS holds the due worker back for `reason` from now on (NONE: no longer). */
static void on_os_deferral(void *ctx, sim_reason reason)
{
    runner *r = ctx;
    if (reason == r->held)
        return;
    sim_time now = sim_now(r->engine);
    if (r->held != SIM_REASON_NONE && now > r->held_since) {
        rep_deferral d = {.start = r->held_since, .end = now, .reason = r->held};
        if (rep_record_deferral(r->record, &d) != 0)
            r->internal_error = true;
    }
    r->held = reason;
    r->held_since = now;
    sim_trace *tr = &r->trace;
    if (tr->active && !tr->out) {
        /* Without a file (so the fingerprint on): the record's words folded in one go, the reason's
         * through sim_reason_fold_name's constants, not its name's bytes at run time (issue 24). The
         * same fingerprint as the three calls below; tests/scenario checks with and without a file. */
        tr->records++; /* as sim_trace_begin */
        uint64_t acc = sim_trace_fold_begin(tr->fingerprint, now, "os.defer");
        tr->fingerprint = sim_reason_fold_name(sim_trace_fold_key(acc, "reason"), reason);
        return;
    }
    sim_trace_begin(tr, now, "os.defer");
    sim_trace_str(tr, "reason", sim_reason_name(reason));
    sim_trace_end(tr);
}

/* ---- set-up ---- */

run_options run_default_options(const scn_scenario *s)
{
    return (run_options){.seed = s->seed, .duration = s->duration, .trace = NULL};
}

/* The stream "task.<name>.<what>" of a task's `len`-byte name (<= BGT_NAME_MAX). Put together with
 * memcpy: snprintf was ~700 instructions a name, twice a task for every seed of a sweep. */
static gsl_rng *task_stream(sim_rng_set *rngs, const char *task, size_t len, const char *what)
{
    char name[sizeof "task." - 1 + BGT_NAME_MAX + sizeof ".duration"];
    size_t what_len = strlen(what);
    if (len > BGT_NAME_MAX || what_len + 1 > sizeof ".duration")
        return NULL;
    strcpy(name, "task."); /* a literal: a store or two */
    char *at = name + 5;
    memcpy(at, task, len);
    at += len;
    *at++ = '.';
    memcpy(at, what, what_len + 1); /* with its NUL */
    return sim_rng_get(rngs, name);
}

static int setup(runner *r, const scn_scenario *s, const run_options *opt)
{
    r->engine = sim_engine_new(0);
    r->rngs = sim_rng_set_new(opt->seed, opt->device);

    r->tasks = calloc(s->task_count, sizeof *r->tasks);
    r->register_pending = calloc(s->task_count, sizeof *r->register_pending);
    r->run_index = calloc(s->task_count ? s->task_count : 1, sizeof *r->run_index);
    r->in_run = calloc(s->task_count ? s->task_count : 1, sizeof *r->in_run);
    if (!r->engine || !r->rngs || !r->tasks || !r->register_pending || !r->run_index || !r->in_run)
        return -1;
    for (size_t i = 0; i < s->task_count; i++) {
        size_t len = strlen(s->tasks[i].name);
        r->tasks[i] = (run_task){.r = r, .index = i, .options = s->tasks[i].options, .name_len = len};
        r->tasks[i].duration_rng = task_stream(r->rngs, s->tasks[i].name, len, "duration");
        r->tasks[i].failure_rng = task_stream(r->rngs, s->tasks[i].name, len, "failure");
        sch_dist_prepare(&s->tasks[i].work_duration, &r->tasks[i].work_duration);
        if (!r->tasks[i].duration_rng || !r->tasks[i].failure_rng)
            return -1;
    }
    bgt_backend be = {.ctx = r, .now_ms = be_now, .schedule = be_schedule, .cancel = be_cancel,
                      .query = be_query, .load = be_load, .save = be_save, .log = be_log};
    if (bgt_create(&be, &s->policy, &r->core) != BGT_OK)
        return -1;
    /* The device, then its models; the runner listens first so a process exists before any
     * model reacts to the same signal. */
    mdl_device_init(&r->device, r->engine, &r->trace, r->rngs, &s->calendar, (mdl_platform)s->platform,
                    s->os_version);
    /* the signals on_signal acts on (it ignores the others: they are not delivered to it) */
    const mdl_signal_set process_signals = MDL_SIGNAL(MDL_SIG_APP_OPEN) | MDL_SIGNAL(MDL_SIG_APP_CLOSE) |
                                           MDL_SIGNAL(MDL_SIG_APP_SWIPE) | MDL_SIGNAL(MDL_SIG_APP_KILL) |
                                           MDL_SIGNAL(MDL_SIG_FORCE_STOP) | MDL_SIGNAL(MDL_SIG_REBOOT);
    if (mdl_subscribe_signals(&r->device, on_signal, r, process_signals) != MDL_OK)
        return -1;
    /* The OS model listens after the runner (a process exists before it reacts to a launch) and
     * before the environment models start. */
    const simos_hooks hooks = {.ctx = r, .fire = on_fire, .stop = on_os_stop, .deferral = on_os_deferral};
    r->os_ops = simos_for_platform((int)s->platform)->ops;
    if (!(r->os = r->os_ops->create(&r->device, &hooks, s->os_config)))
        return -1;
    for (size_t i = 0; i < mdl_model_count(); i++, r->models_started++) {
        if (mdl_models[i]->start(&r->device, (int)i, s->model_config[i]) != MDL_OK)
            return -1;
        if (mdl_models[i] == &mdl_battery_model)
            r->battery = s->model_config[i];
    }
    /* The observer listens last: it sees each signal after every model has reacted to it. */
    r->record->calendar = s->calendar;
    r->record->has_battery = r->battery != NULL;
    r->record->has_states = opt->record_states;
    if (mdl_subscribe(&r->device, on_observe, r) != MDL_OK)
        return -1;
    r->observer = r->device.listener_count - 1;
    r->observing_all = true;
    observe(r);
    int rc = sim_schedule(r->engine, s->first_open, SIM_PHASE_ENVIRONMENT, on_first_open, r, 0, NULL);
    if (rc == SIM_OK)
        rc = sim_schedule(r->engine, s->first_open + s->foreground_for, SIM_PHASE_ENVIRONMENT, on_first_close, r, 0,
                          &r->first_close);
    /* The app's top-level code registers its tasks at t = 0, where the scenario's would be; with
     * the app registering, the scenario's register_at/unregister_at are not used. */
    r->app.r = r;
    if (opt->app_hook && rc == SIM_OK)
        opt->app_hook(opt->task_hook_ctx, &r->app, RUN_APP_BEGIN);
    for (size_t i = 0; i < s->task_count && rc == SIM_OK && !opt->app_hook; i++) {
        rc = sim_schedule(r->engine, s->tasks[i].register_at, SIM_PHASE_APP, on_registration, r, (uint64_t)i << 1, NULL);
        if (rc == SIM_OK && s->tasks[i].has_unregister)
            rc = sim_schedule(r->engine, s->tasks[i].unregister_at, SIM_PHASE_APP, on_registration, r,
                              (uint64_t)i << 1 | 1, NULL);
    }
    /* Scripted events last: at an equal instant they follow the models' first events and the
     * app's first visit (the engine's scheduling order, scn_events.h). */
    sim_time first_reboot = SIM_TIME_MAX;
    for (size_t i = 0; i < s->events.count && rc == SIM_OK; i++) {
        rc = sim_schedule(r->engine, s->events.list[i].at, SIM_PHASE_ENVIRONMENT, on_scripted, r, (uint64_t)i, NULL);
        if (s->events.list[i].action == SCN_EV_REBOOT && s->events.list[i].at < first_reboot)
            first_reboot = s->events.list[i].at;
    }
    mdl_kills_plan_scripted_reboots(&r->device, first_reboot);
    return rc == SIM_OK ? 0 : -1;
}

int run_scenario(const scn_scenario *s, const run_options *opt, rep_record *record, run_outcome *outcome)
{
    char *msg = outcome->message;
    msg[0] = '\0';
    if (!simos_for_platform((int)s->platform)) {
        snprintf(msg, RUN_MESSAGE_MAX, "%s: platform '%s' has no scheduler model",
                 s->file, scn_platform_names[s->platform]);
        return RUN_ERR_UNAVAILABLE;
    }
    char too_many[512];
    if (scn_task_run_message(s, opt->duration, too_many, sizeof too_many)) {
        snprintf(msg, RUN_MESSAGE_MAX, "%s: %s", s->file, too_many);
        return RUN_ERR_INVALID;
    }
    runner r = {.s = s, .record = record, .last_fire_at = -1, .observer = -1, .message = msg, .opt = opt};
    sim_trace_init(&r.trace, opt->trace);
    sim_trace_set_fingerprint(&r.trace, !opt->skip_fingerprint);
    const char **names = calloc(s->task_count, sizeof *names);
    int rc = RUN_ERR_NOMEM;
    if (!names)
        goto out_free;
    for (size_t i = 0; i < s->task_count; i++)
        names[i] = s->tasks[i].name;
    if (rep_record_init(record, opt->duration, names, s->task_count) != 0 || setup(&r, s, opt) != 0) {
        snprintf(msg, RUN_MESSAGE_MAX, "out of memory");
        goto out_free;
    }
    sim_run_until(r.engine, opt->duration);
    if (r.stalled) {
        char at[40];
        sch_format_duration(sim_now(r.engine), at, sizeof at);
        /* Name the cause the run shows: each start either ran work that took no time, or was put
         * off by the core's foreground guard by min(foreground_defer_cap_min, interval) = 0
         * (the message blamed zero-length work for both; found by tools/fuzz/fuzz_sim.c). */
        const char *why = r.stall_redefer
                              ? "the app is in the foreground and the core's foreground guard put each run off by "
                                "a zero interval: a zero minimum_interval (and interval_floor_min) with "
                                "foreground_defer_cap_min above 0"
                              : "each run took no time and asked for the next one at once: a zero minimum_interval "
                                "(and interval_floor_min) with zero-length work";
        snprintf(msg, RUN_MESSAGE_MAX,
                 "%s: the worker started more than %d times at simulated time %s without the clock moving (%s), "
                 "the limit of one instant (RUN_MAX_FIRES_AT_INSTANT)",
                 s->file, RUN_MAX_FIRES_AT_INSTANT, at, why);
        rc = RUN_ERR_INVALID;
        goto out_free;
    }
    if (r.limit_hit) {
        char at[40];
        sch_format_duration(sim_now(r.engine), at, sizeof at);
        snprintf(msg, RUN_MESSAGE_MAX,
                 "%s: more than %zu task runs to record by simulated time %s, the limit of one run (REP_MAX_TASK_RUNS, "
                 "1 GiB); shorten the duration, or use fewer tasks or longer intervals",
                 s->file, REP_MAX_TASK_RUNS, at);
        rc = RUN_ERR_INVALID;
        goto out_free;
    }
    on_os_deferral(&r, SIM_REASON_NONE); /* close a deferral still open at the end */
    /* A run still in progress: its tasks ran until the end, with no result yet (not traced: the
     * trace shows a task.run with no worker.end after it). */
    for (size_t i = 0; i < s->task_count; i++)
        if (r.in_run[i])
            rep_record_cut_task_run(record, i, r.run_index[i], opt->duration, REP_END_UNFINISHED);
    observe_at(&r, opt->duration); /* account (and sample) up to the end */
    if (r.internal_error) {
        rc = RUN_ERR_INTERNAL;
        goto out_free;
    }
    if (r.trace.failed || (opt->trace && fflush(opt->trace) != 0)) {
        snprintf(msg, RUN_MESSAGE_MAX, "cannot write the trace");
        rc = RUN_ERR_IO;
        goto out_free;
    }
    outcome->fingerprint = opt->skip_fingerprint ? 0 : r.trace.fingerprint;
    outcome->trace_records = r.trace.records;
    outcome->events = sim_fired_count(r.engine);
    rc = RUN_OK;
out_free:
    for (int i = r.models_started; i-- > 0;)
        mdl_models[i]->stop(&r.device, i);
    free(r.register_pending);
    free(r.app_ops);
    free(r.run_index);
    free(r.in_run);
    bgt_free(r.core);
    if (r.os)
        r.os_ops->destroy(r.os);
    free(r.tasks);
    free(r.storage);
    sim_rng_set_free(r.rngs);
    sim_engine_free(r.engine);
    free(names);
    return rc;
}
