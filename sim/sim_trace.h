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
 * depend on number formatting. It is computed whether or not the trace is written.
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
} sim_trace;

void sim_trace_init(sim_trace *tr, FILE *out);
void sim_trace_begin(sim_trace *tr, sim_time t, const char *type);
void sim_trace_int(sim_trace *tr, const char *key, int64_t value);
void sim_trace_str(sim_trace *tr, const char *key, const char *value);
void sim_trace_bool(sim_trace *tr, const char *key, bool value);
void sim_trace_end(sim_trace *tr);

#endif
