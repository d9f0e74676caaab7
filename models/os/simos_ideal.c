/*
 * simos_ideal.c - the ideal OS model.
 */
#include "simos_ideal.h"

#include <stdlib.h>

typedef struct ideal {
    sim_engine *engine;
    sim_trace *trace;
    simos_hooks hooks;
    sim_handle due_event;   /* the enqueued request's firing, or none */
    bool running;
    bool due_after_run;     /* the request fell due during a run: it starts when the run ends */
    bool blocked;           /* an APPEND waits for the run in progress */
    sim_time blocked_delay;
    sim_time boot_at;       /* the device is down (rebooting) until then; -1: never rebooted */
    bool held;              /* a due request waits for the boot (reported as device_down) */
    sim_time held_due;      /* ...and when it fell due */
} ideal;

/* A reboot: nothing runs until the device is up again (MDL_SIG_REBOOT's arg is the downtime, the
 * kills model boots it then). */
static void listener(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    ideal *os = ctx;
    if (sig == MDL_SIG_REBOOT)
        os->boot_at = sim_now(d->engine) + (sim_time)arg;
}

static void *ideal_create(mdl_device *d, const simos_hooks *hooks, const void *config)
{
    (void)config;
    ideal *os = calloc(1, sizeof *os);
    if (!os)
        return NULL;
    *os = (ideal){.engine = d->engine, .trace = d->trace, .hooks = *hooks, .boot_at = -1};
    /* listener reads the reboot signal alone: the others are not delivered to it */
    if (mdl_subscribe_signals(d, listener, os, MDL_SIGNAL(MDL_SIG_REBOOT)) != MDL_OK) {
        free(os);
        return NULL;
    }
    return os;
}

/* The due request is no longer held (it starts, or another request or a cancel replaced it). */
static void release(ideal *os)
{
    if (os->held) {
        os->held = false;
        os->hooks.deferral(os->hooks.ctx, SIM_REASON_NONE);
    }
}

static void ideal_destroy(void *os) { free(os); }

static void on_due(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ideal *os = ctx;
    os->due_event = SIM_HANDLE_NONE;
    /* A REPLACE during a run (e.g. the core's restore in the process the OS started for a re-run,
     * with a zero delay) falls due while the worker runs: one worker runs at a time, so it starts
     * the moment this run ends. Starting it now made the core refuse the second begin (busy) and
     * the run end with an internal error (found by tools/fuzz/fuzz_sim.c, tests/fuzz/sim/). */
    if (os->running) {
        os->due_after_run = true;
        return;
    }
    sim_time now = sim_now(e);
    /* While the device is down nothing runs, not even on the ideal OS: the request waits for the
     * boot, held as device_down. A worker a reboot killed was re-run at once during the downtime
     * before (found by tools/fuzz/fuzz_sim.c with the trace oracle's device-down check). */
    if (now < os->boot_at) {
        if (!os->held) {
            os->held = true;
            os->held_due = now;
            os->hooks.deferral(os->hooks.ctx, SIM_REASON_DEVICE_DOWN);
        }
        if (sim_schedule(e, os->boot_at, SIM_PHASE_OS, on_due, os, 0, &os->due_event) != SIM_OK)
            os->due_event = SIM_HANDLE_NONE; /* a boot after the end of time: it never runs */
        return;
    }
    sim_time due = os->held ? os->held_due : now;
    release(os);
    os->running = true;
    sim_trace_begin(os->trace, now, "os.start_worker");
    sim_trace_end(os->trace);
    os->hooks.fire(os->hooks.ctx, due);
}

static int enqueue(ideal *os, sim_time delay)
{
    sim_engine *e = os->engine;
    if (delay < 0)
        delay = 0;
    /* Replaces the pending due event (stale or none: a plain schedule); on failure it is none. */
    int rc = sim_rearm_in(e, &os->due_event, delay, SIM_PHASE_OS, on_due, os, 0);
    if (rc == SIM_ELIMIT)
        return BGT_OK; /* due after the end of time: it simply never fires */
    return rc == SIM_OK ? BGT_OK : BGT_E_BACKEND;
}

static int ideal_schedule(void *p, const bgt_schedule_req *req)
{
    ideal *os = p;
    bool append = req->mode == BGT_SCHEDULE_APPEND && os->running;
    SIMOS_TRACE_SCHEDULE(os->trace, sim_now(os->engine), req, append);
    os->due_after_run = false; /* this request replaces (or follows) the one that fell due */
    release(os);
    if (append) {
        sim_cancel(os->engine, os->due_event);
        os->due_event = SIM_HANDLE_NONE;
        os->blocked = true;
        os->blocked_delay = req->delay_ms;
        return BGT_OK;
    }
    os->blocked = false;
    return enqueue(os, req->delay_ms);
}

static int ideal_cancel(void *p)
{
    ideal *os = p;
    sim_trace_begin(os->trace, sim_now(os->engine), "os.cancel");
    sim_trace_end(os->trace);
    sim_cancel(os->engine, os->due_event);
    os->due_event = SIM_HANDLE_NONE;
    os->blocked = false;
    os->due_after_run = false;
    release(os);
    return BGT_OK;
}

static bgt_worker_state ideal_state(const void *p)
{
    const ideal *os = p;
    if (os->running)
        return BGT_WORKER_RUNNING;
    if (os->blocked)
        return BGT_WORKER_BLOCKED;
    return sim_is_pending(os->engine, os->due_event) ? BGT_WORKER_ENQUEUED : BGT_WORKER_NONE;
}

static void ideal_finished(void *p, bool expired)
{
    (void)expired;
    ideal *os = p;
    os->running = false;
    if (os->due_after_run) {
        os->due_after_run = false;
        if (!os->blocked && !sim_is_pending(os->engine, os->due_event))
            enqueue(os, 0);
    }
    if (os->blocked) {
        os->blocked = false;
        enqueue(os, os->blocked_delay);
    }
}

static void ideal_aborted(void *p)
{
    ideal *os = p;
    os->running = false;
    os->blocked = false;
    os->due_after_run = false;
    if (!sim_is_pending(os->engine, os->due_event))
        enqueue(os, 0);
}

static const simos_ops ideal_ops = {
    .create = ideal_create,
    .destroy = ideal_destroy,
    .schedule = ideal_schedule,
    .cancel = ideal_cancel,
    .state = ideal_state,
    .finished = ideal_finished,
    .aborted = ideal_aborted,
};

static const char *const no_keys[] = {NULL};

static void no_defaults(void *config, int os_version) { (void)config, (void)os_version; }
static void no_parse(sch_cx *cx, const sch_node *os, void *config) { (void)cx, (void)os, (void)config; }

const simos_desc simos_ideal_desc = {
    .platform = "ideal",
    .keys = no_keys,
    .config_size = 0,
    .defaults = no_defaults,
    .parse = no_parse,
    .ops = &ideal_ops,
};
