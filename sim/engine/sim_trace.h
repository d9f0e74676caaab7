/*
 * sim_trace.h - the event trace: JSON Lines for people and tools, and a fingerprint for CI.
 *
 * One record per line: {"t":<ms since start>,"type":"<layer>.<event>", <fields>...}. Field order is
 * the order of the calls, so output is byte-identical for the same run. Types are dotted by layer
 * (battery.*, net.*, usage.*, app.*, os.*, worker.*, task.*); the schema of every type is listed in
 * scenarios/TRACE.md and kept stable: CI users diff traces.
 *
 * Every record is also folded into a 64-bit FNV-1a fingerprint of (t, type, each key and value),
 * with integers hashed as 8 little-endian bytes rather than as text, so the fingerprint does not
 * depend on number formatting. It is computed whether or not the trace is written, unless the
 * owner turns it off (sim_trace_set_fingerprint): sweeps and fleets read neither the trace nor the
 * fingerprint, and folding every byte of every record was a quarter of their time.
 *
 * Invariants: `records` counts every record begun, whatever is on or off. With no file and the
 * fingerprint off, a record costs that count and nothing else (the calls below are inline tests
 * of `active`); the fingerprint then stays at its initial value and means nothing. Turning the
 * fingerprint off never changes the file's bytes.
 *
 * Usage: sim_trace_begin, then any number of sim_trace_int/_str/_bool, then sim_trace_end.
 * Ownership: the trace borrows `out` (the caller closes it); strings are only read during calls.
 */
#ifndef BGSIM_SIM_TRACE_H
#define BGSIM_SIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim_engine.h"

typedef struct sim_trace {
    FILE *out;            /* NULL: fingerprint only */
    uint64_t fingerprint;
    uint64_t records;
    bool failed;          /* a write to `out` failed */
    bool fold;            /* fold records into `fingerprint` (on after sim_trace_init) */
    bool active;          /* out != NULL || fold: false makes every record call a no-op */
} sim_trace;

/* Starts a trace writing to `out` (NULL: none) with the fingerprint on. */
void sim_trace_init(sim_trace *tr, FILE *out);
/* Turns the fingerprint on or off; call before the first record (a fingerprint of part of a run
 * would match nothing). */
void sim_trace_set_fingerprint(sim_trace *tr, bool on);

/* The work behind the calls below, only for an active trace (not to be called directly). */
void sim_trace_begin_active(sim_trace *tr, sim_time t, const char *type);
void sim_trace_int_active(sim_trace *tr, const char *key, int64_t value);
void sim_trace_str_active(sim_trace *tr, const char *key, const char *value);
void sim_trace_bool_active(sim_trace *tr, const char *key, bool value);
void sim_trace_end_active(sim_trace *tr);

static inline void sim_trace_begin(sim_trace *tr, sim_time t, const char *type)
{
    tr->records++;
    if (tr->active)
        sim_trace_begin_active(tr, t, type);
}

static inline void sim_trace_int(sim_trace *tr, const char *key, int64_t value)
{
    if (tr->active)
        sim_trace_int_active(tr, key, value);
}

static inline void sim_trace_str(sim_trace *tr, const char *key, const char *value)
{
    if (tr->active)
        sim_trace_str_active(tr, key, value);
}

static inline void sim_trace_bool(sim_trace *tr, const char *key, bool value)
{
    if (tr->active)
        sim_trace_bool_active(tr, key, value);
}

static inline void sim_trace_end(sim_trace *tr)
{
    if (tr->active)
        sim_trace_end_active(tr);
}

#endif
