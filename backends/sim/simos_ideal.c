/*
 * simos_ideal.c - the ideal OS model.
 */
#include "simos_ideal.h"

#include <stdlib.h>

struct simos_ideal {
    sim_engine *engine;
    sim_trace *trace;
    simos_fire_fn fire;
    void *ctx;
    sim_handle due_event;   /* the enqueued request's firing, or none */
    bool running;
    bool blocked;           /* an APPEND waits for the run in progress */
    sim_time blocked_delay;
};

simos_ideal *simos_ideal_new(sim_engine *e, sim_trace *trace, simos_fire_fn fire, void *ctx)
{
    simos_ideal *os = calloc(1, sizeof *os);
    if (os)
        *os = (simos_ideal){.engine = e, .trace = trace, .fire = fire, .ctx = ctx};
    return os;
}

void simos_ideal_free(simos_ideal *os) { free(os); }

static void on_due(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    simos_ideal *os = ctx;
    os->due_event = SIM_HANDLE_NONE;
    os->running = true;
    sim_trace_begin(os->trace, sim_now(e), "os.start_worker");
    sim_trace_end(os->trace);
    os->fire(os->ctx, sim_now(e));
}

static int enqueue(simos_ideal *os, sim_time delay)
{
    sim_engine *e = os->engine;
    sim_cancel(e, os->due_event); /* stale or none: harmless */
    os->due_event = SIM_HANDLE_NONE;
    if (delay < 0)
        delay = 0;
    int rc = sim_schedule_in(e, delay, SIM_PHASE_OS, on_due, os, 0, &os->due_event);
    if (rc == SIM_ELIMIT)
        return BGT_OK; /* due after the end of time: it simply never fires */
    return rc == SIM_OK ? BGT_OK : BGT_E_BACKEND;
}

int simos_ideal_schedule(simos_ideal *os, const bgt_schedule_req *req)
{
    bool append = req->mode == BGT_SCHEDULE_APPEND && os->running;
    sim_trace_begin(os->trace, sim_now(os->engine), "os.schedule");
    sim_trace_str(os->trace, "mode", req->mode == BGT_SCHEDULE_APPEND ? "append" : "replace");
    sim_trace_int(os->trace, "delay_ms", req->delay_ms);
    sim_trace_int(os->trace, "constraints", req->constraints);
    sim_trace_bool(os->trace, "blocked", append);
    sim_trace_end(os->trace);
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

int simos_ideal_cancel(simos_ideal *os)
{
    sim_trace_begin(os->trace, sim_now(os->engine), "os.cancel");
    sim_trace_end(os->trace);
    sim_cancel(os->engine, os->due_event);
    os->due_event = SIM_HANDLE_NONE;
    os->blocked = false;
    return BGT_OK;
}

bgt_worker_state simos_ideal_state(const simos_ideal *os)
{
    if (os->running)
        return BGT_WORKER_RUNNING;
    if (os->blocked)
        return BGT_WORKER_BLOCKED;
    return sim_is_pending(os->engine, os->due_event) ? BGT_WORKER_ENQUEUED : BGT_WORKER_NONE;
}

void simos_ideal_finished(simos_ideal *os)
{
    os->running = false;
    if (os->blocked) {
        os->blocked = false;
        enqueue(os, os->blocked_delay);
    }
}

void simos_ideal_aborted(simos_ideal *os)
{
    os->running = false;
    os->blocked = false;
    if (!sim_is_pending(os->engine, os->due_event))
        enqueue(os, 0);
}
