/*
 * rig.h - the model test rig: what every model test sets up before it can run a model, as the
 * runner does for a scenario: a real engine, named random streams, a calendar, a trace and a
 * device (mdl_device_init). On it a test starts an environment model at its slot in mdl_models[]
 * (rig_start), or creates an OS model on r->d itself; events fire through sim_run_until(r->e, ...).
 * The trace is kept in memory for the test to read back (rig_lines, rig_trace_text), or discarded
 * when the test does not look at it.
 *
 * A section's YAML is parsed as the scenario loader would (rig_parse): the model's defaults for a
 * platform, then its parse hook under `<parent>.<key>`, diagnostics formatted "t.yaml:LINE:COL:
 * PATH: MESSAGE" and sorted by position.
 *
 * Ownership: the rig owns what it creates. rig_fini (rig_free for a rig_new rig) stops the model
 * rig_start started and frees the engine, the streams and the trace; an OS model the test created
 * on r->d is the test's to destroy first. Failures are Criterion assertions.
 */
#ifndef BGSIM_TEST_MODELS_RIG_H
#define BGSIM_TEST_MODELS_RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mdl_model.h"

/* 2026-01-05 is a Monday: the rigs' usual start (midnight, unless a test sets the hour). */
#define RIG_MONDAY ((sim_datetime){.year = 2026, .month = 1, .day = 5})

typedef enum rig_trace {
    RIG_TRACE_DISCARD = 0, /* sim_trace_init(NULL): records are dropped */
    RIG_TRACE_KEEP = 1     /* records are kept in memory for rig_lines / rig_trace_text */
} rig_trace;

typedef struct rig {
    sim_engine *e;
    sim_rng_set *rngs;
    sim_calendar cal;
    sim_trace tr;
    FILE *out;               /* the kept trace (a memory stream); NULL when discarded */
    char *text;              /* its bytes, valid after a flush (rig_trace_text) */
    size_t len;
    mdl_device d;
    const mdl_model *model;  /* the model rig_start started, or NULL */
    int index;               /* its slot in mdl_models[] and d.models[]; -1 before rig_start */
} rig;

/* The device of `platform` (d.os_version = os_version) at local time `start`, random streams from
 * `seed`, the trace kept or discarded. No model runs yet. */
void rig_init(rig *r, mdl_platform platform, int os_version, uint64_t seed, sim_datetime start, rig_trace trace);
/* New random streams from `seed`, before anything has drawn from them (before rig_start). */
void rig_reseed(rig *r, uint64_t seed);
/* Subscribes `listen` (when not NULL: before the model, as the runner's listener is), then starts
 * `model` with `cfg` at its slot in mdl_models[]. Once per rig. */
void rig_start(rig *r, const mdl_model *model, const void *cfg, mdl_listener_fn listen, void *ctx);
/* Stops the model (if started) and frees what rig_init created. */
void rig_fini(rig *r);

/* rig_init + rig_start on the heap, with the trace kept and os_version 0 (no environment model
 * reads it); rig_free ends it. */
rig *rig_new(const mdl_model *model, const void *cfg, mdl_platform platform, uint64_t seed, sim_datetime start,
             mdl_listener_fn listen, void *ctx);
void rig_free(rig *r);

/* The model's slot in mdl_models[]; fails the test when it is not registered. */
int rig_model_index(const mdl_model *model);

/* The kept trace so far, one record a line ("...\n"), or "" when none. Valid until the next event
 * is traced or the rig ends. */
const char *rig_trace_text(rig *r);
/* Calls fn(ctx, line) for every record of the kept trace, in order; line ends with "\n". */
void rig_lines(rig *r, void (*fn)(void *ctx, const char *line), void *ctx);

/*
 * Gives `model` its defaults for `platform`, then parses `yaml` (the section's own text) as
 * <parent>.<key>. Returns the number of diagnostics; the first `max` are formatted into msgs, in
 * order of position.
 */
size_t rig_parse(const mdl_model *model, mdl_platform platform, const char *yaml, void *cfg, char (*msgs)[320],
                 size_t max);
/* Parses a section that must be valid. */
void rig_parse_ok(const mdl_model *model, mdl_platform platform, const char *yaml, void *cfg);

#endif
