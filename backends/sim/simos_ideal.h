/*
 * simos_ideal.h - the `ideal` platform: an OS that starts the worker the moment it is due.
 *
 * A baseline to compare the real models against: no Doze, no buckets, no launch budget, every
 * constraint taken as met. What remains is expo-background-task's own scheduling (interval,
 * foreground guard, successor after completion), so the difference between a real platform and
 * `ideal` is exactly what the OS costs.
 *
 * Semantics of the one worker (core/bgt_backend.h):
 *  - REPLACE: the pending request (if any) is dropped and the new one becomes due at now + delay.
 *  - APPEND while the worker runs: the request waits (BLOCKED) and becomes due at finish + delay;
 *    with no run in progress it acts as REPLACE.
 *  - cancel drops the pending or blocked request. A run in progress is never stopped: the ideal
 *    OS has no reason to stop work (the core's own state handles a cancelled chain).
 *  - a run whose process dies is started again at once (simos_ideal_aborted).
 *
 * The OS calls `fire(ctx)` from an engine event in SIM_PHASE_OS when a request becomes due; the
 * runner then drives the core and calls simos_ideal_finished() when the run has ended.
 * Ownership: the engine, trace and ctx are borrowed and must outlive the OS model.
 */
#ifndef BGSIM_SIMOS_IDEAL_H
#define BGSIM_SIMOS_IDEAL_H

#include "bgt_backend.h"
#include "sim_engine.h"
#include "sim_trace.h"

typedef struct simos_ideal simos_ideal;
typedef void (*simos_fire_fn)(void *ctx, sim_time due);

simos_ideal *simos_ideal_new(sim_engine *e, sim_trace *trace, simos_fire_fn fire, void *ctx);
void simos_ideal_free(simos_ideal *os);

int simos_ideal_schedule(simos_ideal *os, const bgt_schedule_req *req);
int simos_ideal_cancel(simos_ideal *os);
bgt_worker_state simos_ideal_state(const simos_ideal *os);
/* The run started by the last fire has ended. */
void simos_ideal_finished(simos_ideal *os);
/* The run died with its process before it ended. Like WorkManager retrying stopped work, the
 * ideal OS runs the same worker again at once (in a new process), unless a newer request is
 * already pending. */
void simos_ideal_aborted(simos_ideal *os);

#endif
