/*
 * simos_jobs_phone.c - other apps' jobs (see simos_jobs_phone.h).
 */
#include "simos_jobs_phone.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

#include "sim_rng.h"

struct simos_phone {
    simos_phone_head h; /* first: read inline by simos_phone_poke / simos_phone_busy (the header) */
    mdl_device *d;
    simos_phone_params p;
    simos_phone_can_run_fn can_run;
    simos_phone_fn changed;
    void *ctx;
    gsl_rng *rng;
    sim_handle arrival, end;
};

static void on_arrival(sim_engine *e, void *ctx, uint64_t arg);

static void next_arrival(simos_phone *ph)
{
    ph->arrival = SIM_HANDLE_NONE;
    if (ph->p.per_hour <= 0)
        return;
    double gap = sim_rng_exponential(ph->rng, (double)SIM_HOURS(1) / ph->p.per_hour);
    sim_time dt = gap >= (double)SIM_DAYS(365) ? SIM_DAYS(365) : (sim_time)ceil(gap);
    if (sim_schedule_in(ph->d->engine, dt < 1 ? 1 : dt, SIM_PHASE_OS, on_arrival, ph, 0, &ph->arrival) != SIM_OK)
        ph->arrival = SIM_HANDLE_NONE;
}

static void on_end(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    simos_phone *ph = ctx;
    ph->end = SIM_HANDLE_NONE;
    ph->changed(ph->ctx);
}

/* Waiting jobs start now if jobs may run (simos_phone_poke calls it only when one waits: the same
 * test as the first here). */
static void try_run(simos_phone *ph)
{
    if (ph->h.pending <= 0 || !ph->can_run(ph->ctx))
        return;
    sim_time now = sim_now(ph->d->engine);
    if (ph->h.busy_until < now)
        ph->h.busy_until = now;
    for (; ph->h.pending > 0; ph->h.pending--) {
        double d = sim_rng_exponential(ph->rng, (double)ph->p.mean_duration);
        sim_time dt = d >= (double)SIM_DAYS(1) ? SIM_DAYS(1) : (sim_time)ceil(d);
        if (now + (dt < 1 ? 1 : dt) > ph->h.busy_until)
            ph->h.busy_until = now + (dt < 1 ? 1 : dt);
    }
    sim_rearm(ph->d->engine, &ph->end, ph->h.busy_until, SIM_PHASE_OS, on_end, ph, 0); /* none on failure */
    SIM_TRACE_RECORD(ph->d->trace, now, "os.phone_jobs", SIM_TRACE_INT("busy_until", ph->h.busy_until));
    ph->changed(ph->ctx);
}

static void on_arrival(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    simos_phone *ph = ctx;
    ph->h.pending++;
    next_arrival(ph);
    try_run(ph);
}

simos_phone *simos_phone_new(mdl_device *d, const simos_phone_params *p, simos_phone_can_run_fn can_run,
                             simos_phone_fn changed, void *ctx)
{
    simos_phone *ph = calloc(1, sizeof *ph);
    if (!ph)
        return NULL;
    *ph = (simos_phone){.d = d, .p = *p, .can_run = can_run, .changed = changed, .ctx = ctx,
                        .rng = sim_rng_get(d->rngs, "os.phone_jobs"), .h = {.engine = d->engine, .busy_until = -1},
                        .arrival = SIM_HANDLE_NONE, .end = SIM_HANDLE_NONE};
    if (!ph->rng) {
        free(ph);
        return NULL;
    }
    next_arrival(ph);
    return ph;
}

void simos_phone_free(simos_phone *ph)
{
    if (!ph)
        return;
    sim_cancel(ph->d->engine, ph->arrival);
    sim_cancel(ph->d->engine, ph->end);
    free(ph);
}

void simos_phone_run_waiting(simos_phone *ph) { try_run(ph); }

void simos_phone_reboot(simos_phone *ph)
{
    ph->h.busy_until = -1;
    sim_cancel(ph->d->engine, ph->end);
    ph->end = SIM_HANDLE_NONE;
}

void simos_phone_boot(simos_phone *ph)
{
    ph->h.pending += ph->p.at_boot;
    try_run(ph);
}

