/* bgt_core_internal.h: the handle's layout and helpers shared by bgt_core.c (handle, lifecycle,
 * registration) and bgt_worker.c (runs). Not public: names use the bgt__ prefix. */
#ifndef BGT_CORE_INTERNAL_H
#define BGT_CORE_INTERNAL_H

#include "bgt.h"
#include "bgt_registry.h"

struct bgt_def {
    char *name;          /* owned */
    bgt_task_fn fn;
    void *user;          /* caller's */
};

struct bgt {
    bgt_backend be;
    bgt_policy pol;      /* fixed at bgt_create */
    unsigned constraints; /* pol's constraints as bgt_schedule_req flags (computed once) */
    bgt_registry *reg;   /* never NULL; persistent state as last loaded or saved */

    /* ---- per process, reset by bgt_process_kill ---- */
    struct bgt_def *defs;
    size_t ndefs, capdefs;
    /* Index of defs by name: open addressing with linear probing over `nslots` (0 or a power of
     * two, at least twice ndefs); a slot holds a defs index + 1, 0 when empty. bgt__find_def runs
     * once per registered task per worker run, so a scan of every definition made a run cost
     * O(tasks^2) (67 % of a 1,000-task run, issue 24). Definitions are only added, and all
     * dropped together, so the index never deletes. */
    size_t *slots;
    size_t nslots;
    /* def_hint[i].def: the defs index + 1 where a run last found the definition of the registry's
     * i-th task (0: none yet), for the first n_hint entries. A hint is used when that definition
     * still exists and bears the name (names are unique among definitions, so it is the one
     * bgt__find_def finds); else the index is asked. Issue 24: the index's hash and probe were
     * 10 % of a worker run of the Android commuter example. def_hint[i].gen: the hints_gen at
     * which the hint was last found or checked. bgt__hints_stale moves hints_gen on at every
     * change of the registry and drop of the definitions; until then a hint of the current gen
     * needs no check (the i-th entry is the same, and definitions are only added, their indexes
     * kept, until all are dropped together). Issue 24: the check's strcmp was ~35 instructions of
     * a worker run's ~2,500 (Android commuter); a hint from an earlier process is still checked
     * once (iOS starts a process for most runs). */
    struct bgt_hint {
        size_t def, gen;
    } *def_hint;
    size_t n_hint;
    size_t hints_gen;
    bool started;
    bool in_foreground;      /* E2.1 inForeground: false in a headless process */
    bool running;            /* between bgt_worker_begin and bgt_worker_end */
    bool in_callback;        /* a task callback is on the stack */
    bool warned_restricted;  /* E1.1: the restricted warning is printed once */
    size_t count;            /* registrations seen in this process (E2.1 numberOfRegistered...) */
    int64_t interval_min;    /* shared, last registration wins (E2.2, E3.1) */
    bgt_worker_report run;   /* the run in progress */
    char **pending;          /* owned names of this run's BGT_RESULT_PENDING tasks (run.n_pending) */
    size_t cap_pending;
};

void bgt__log(const bgt *c, bgt_log_level level, const char *fmt, ...);
#define BGT__MS_PER_MIN 60000 /* the policy and the registry keep minutes; the backend takes ms */
/* max(interval, floor) in ms (E2.3 Clamping / interval_floor_min). Inline: twice a worker run. */
static inline int64_t bgt__interval_ms(const bgt *c)
{
    int64_t m = c->interval_min;
    if (m < c->pol.interval_floor_min)
        m = c->pol.interval_floor_min;
    return m * BGT__MS_PER_MIN;
}
/* Ask the backend for the worker in the successor mode of the policy; no-op without tasks. */
int bgt__schedule_successor(bgt *c, int64_t delay_ms);
/* Encode `next`, save it, and on success make it the registry (taking ownership). On failure
 * `next` is freed and the registry is unchanged. */
int bgt__commit(bgt *c, bgt_registry *next);
/* expo's consumer didUnregister: count down, cancel the worker at zero (E2.2, E3.2). */
void bgt__did_unregister(bgt *c);
const struct bgt_def *bgt__find_def(const bgt *c, const char *name);
/* bgt__find_def for the registry's i-th task, named `name`, through def_hint (out of line: a hint
 * to check by name, or none). */
const struct bgt_def *bgt__find_def_hinted(bgt *c, size_t i, const char *name);
/* The same, inline for a hint found or checked since the last change (most runs' tasks: the call
 * and its register saves were ~20 instructions a task). */
static inline const struct bgt_def *bgt__find_def_at(bgt *c, size_t i, const char *name)
{
    if (i < c->n_hint && c->def_hint[i].def > 0 && c->def_hint[i].gen == c->hints_gen)
        return &c->defs[c->def_hint[i].def - 1];
    return bgt__find_def_hinted(c, i, name);
}
/* The registry changed (or the definitions were dropped): every hint is checked before its next use. */
static inline void bgt__hints_stale(bgt *c) { c->hints_gen++; }
/* Forget the run's pending tasks (names freed, run.n_pending 0); the array is kept. */
void bgt__drop_pending(bgt *c);

#endif
