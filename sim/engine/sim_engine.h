/*
 * sim_engine.h - the deterministic discrete-event engine.
 *
 * Invariants (everything above this layer relies on them):
 *
 *  - Simulation time is an int64_t count of milliseconds (sim_time). It never goes backwards:
 *    an event may not be scheduled before the engine's current time.
 *  - Pending events fire in strictly increasing (time, phase, sequence) order. The sequence is a
 *    counter taken at schedule (and at reschedule) time, so events with the same time and
 *    phase fire in the order they were scheduled (FIFO). Phases let a model say "environment
 *    changes at an instant come before the scheduling decisions at that instant" without relying
 *    on who happened to schedule first.
 *  - A handle names one scheduled event. It stays valid until the event fires or is cancelled;
 *    after that it is stale, and every call given a stale handle reports SIM_ESTALE and changes
 *    nothing (a slot's generation counter is bumped whenever it is released, so a reused slot
 *    never answers to an old handle). SIM_HANDLE_NONE (0) is never a valid handle.
 *  - Schedule, cancel and reschedule are O(log n) in the number of pending events. The engine
 *    allocates only when the number of pending events exceeds every earlier peak (the slot pool
 *    and the heap double); in steady state an event costs no allocation.
 *
 * Ownership: the engine owns its pool and heap. The ctx pointer given with an event is borrowed:
 * the engine stores it and passes it back, never frees or dereferences it.
 *
 * Re-entrancy: handlers run on the caller's stack inside sim_run*(). A handler may schedule,
 * cancel and reschedule any event (including re-using its own, already stale, handle value:
 * that is refused with SIM_ESTALE) and may call sim_stop(). It must not call sim_run*() or
 * sim_engine_free().
 */
#ifndef BGSIM_SIM_ENGINE_H
#define BGSIM_SIM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t sim_time; /* milliseconds since the scenario start */

/* Latest representable event time: 2^55 - 1 ms, about 1.1 million years (see sim_engine.c). */
#define SIM_TIME_MAX ((sim_time)(((int64_t)1 << 55) - 1))
/* The milliseconds in each span of time: the one home of these numbers for every layer above the
 * engine (a day is always 24 hours: the calendar has no daylight saving). */
#define SIM_MS_PER_SECOND ((sim_time)1000)
#define SIM_MS_PER_MINUTE (60 * SIM_MS_PER_SECOND)
#define SIM_MS_PER_HOUR (60 * SIM_MS_PER_MINUTE)
#define SIM_MS_PER_DAY (24 * SIM_MS_PER_HOUR)
#define SIM_MS_PER_WEEK (7 * SIM_MS_PER_DAY)
#define SIM_MS(x) ((sim_time)(x))
#define SIM_SECONDS(x) ((sim_time)(x) * SIM_MS_PER_SECOND)
#define SIM_MINUTES(x) ((sim_time)(x) * SIM_MS_PER_MINUTE)
#define SIM_HOURS(x) ((sim_time)(x) * SIM_MS_PER_HOUR)
#define SIM_DAYS(x) ((sim_time)(x) * SIM_MS_PER_DAY)

/*
 * Phases order simultaneous events. Lower fires first. The named values leave gaps so a layer can
 * slot a phase in between without renumbering; any value 0..SIM_PHASE_MAX is accepted.
 */
typedef enum sim_phase {
    SIM_PHASE_ENVIRONMENT = 32, /* device and user models: battery, plug, network, screen, kills */
    SIM_PHASE_OS = 64,          /* modeled OS schedulers: Doze, buckets, job readiness, launches */
    SIM_PHASE_APP = 96,         /* the scheduler core and the work its tasks do */
    SIM_PHASE_OBSERVE = 128,    /* reports sampling state after everything at this instant */
    SIM_PHASE_MAX = 255
} sim_phase;

typedef uint64_t sim_handle;
#define SIM_HANDLE_NONE ((sim_handle)0)

enum sim_error {
    SIM_OK = 0,
    SIM_EPAST = -1,   /* event time before the current time */
    SIM_ESTALE = -2,  /* handle already fired, cancelled, or never issued */
    SIM_ENOMEM = -3,  /* pool growth failed; the engine is unchanged */
    SIM_EINVAL = -4,  /* phase out of range, NULL handler, or similar misuse */
    SIM_ELIMIT = -5   /* time beyond SIM_TIME_MAX, or more than SIM_MAX_PENDING events pending */
};

/* Pending events are bounded so slot indexes fit the handle's 32 bits with room to spare. */
#define SIM_MAX_PENDING ((size_t)1 << 30)

typedef struct sim_engine sim_engine;

/*
 * An event handler. `e` is the engine, `ctx` and `arg` are what were given to sim_schedule().
 * The event's own handle is already stale when the handler runs; sim_now(e) is the event's time.
 */
typedef void (*sim_event_fn)(sim_engine *e, void *ctx, uint64_t arg);

/* Returns NULL when out of memory. `initial_capacity` is a sizing hint (0 = a small default). */
sim_engine *sim_engine_new(size_t initial_capacity);
/* Frees the engine and forgets every pending event without firing it. NULL is a no-op. */
void sim_engine_free(sim_engine *e);

/* The engine's clock: the first member of struct sim_engine, so a pointer to the engine converted
 * to this type points to it (C11 6.7.2.1p15). Only the engine writes it; sim_now reads it. */
typedef struct sim_engine_clock {
    sim_time now;
} sim_engine_clock;

/* The current simulation time. Inline because the models ask it on almost every step: as a call
 * across translation units it was 2 % of a sweep's time (perf). */
static inline sim_time sim_now(const sim_engine *e)
{
    return ((const sim_engine_clock *)(const void *)e)->now;
}
size_t sim_pending_count(const sim_engine *e);
/* Events the engine can hold before it next allocates (it never shrinks). */
size_t sim_capacity(const sim_engine *e);
/* Events fired since the engine was created. */
uint64_t sim_fired_count(const sim_engine *e);

#ifdef SIM_ENGINE_HELD_STATS
/* Only in the benchmarks' instrumented build (tools/CMakeLists.txt: bgsim-held), never in bgsim:
 * over every event fired by every engine of the process, their count and the sum of the events
 * pending when each was taken (itself included). The floor of issue 24 is a bare heap holding as
 * many events as bgsim does, and this says how many that is; counting it costs the run loop about
 * 1 % of a sweep's instructions, so the product does not. Not thread-safe: one job. */
extern uint64_t sim_held_steps;
extern uint64_t sim_held_sum;
#endif

/*
 * Schedules `fn(e, ctx, arg)` at `time` (>= sim_now) in `phase`. On success stores the handle in
 * *out (if out is not NULL) and returns SIM_OK; on error returns a negative sim_error, leaves *out
 * untouched and schedules nothing.
 */
int sim_schedule(sim_engine *e, sim_time time, int phase, sim_event_fn fn, void *ctx, uint64_t arg,
                 sim_handle *out);
/* sim_schedule() at now + delay (SIM_EPAST for a negative delay, SIM_ELIMIT past SIM_TIME_MAX). */
int sim_schedule_in(sim_engine *e, sim_time delay, int phase, sim_event_fn fn, void *ctx,
                    uint64_t arg, sim_handle *out);

/* sim_cancel of a handle that is not SIM_HANDLE_NONE (it may be stale); call sim_cancel. */
int sim_cancel_issued(sim_engine *e, sim_handle h);
/*
 * Cancels a pending event: it will not fire. SIM_ESTALE if it already fired or was cancelled, or
 * h is SIM_HANDLE_NONE. Models keep a timer's handle at SIM_HANDLE_NONE while nothing is pending
 * and cancel without looking: the NONE case is answered here, inline, without a call (issue 24).
 * always_inline: as a plain inline, GCC 12 laid out a caller's hot path differently (the battery's
 * reanchor: +3 % of its instructions) although the function was inlined all the same.
 */
__attribute__((always_inline)) static inline int sim_cancel(sim_engine *e, sim_handle h)
{
    if (h == SIM_HANDLE_NONE)
        return SIM_ESTALE;
    return sim_cancel_issued(e, h);
}
/*
 * Moves a pending event to `time` (>= sim_now), keeping its handler, phase and handle. It takes a
 * fresh sequence number, so among equal (time, phase) it now fires after the events already there,
 * exactly as if it had been cancelled and scheduled again.
 */
int sim_reschedule(sim_engine *e, sim_handle h, sim_time time);

/*
 * Re-arms a timer: exactly sim_cancel(e, *h) followed by sim_schedule(e, time, phase, fn, ctx, arg,
 * h), in one step. When *h is pending, its slot and heap entry are reused (one sift instead of a
 * removal and an insertion); the outcome is the same in every respect: the event fires after every
 * event already pending at its (time, phase) (as with a fresh sequence number), the slot is the one
 * the cancel would have freed and the schedule taken, and the old handle value goes stale (*h
 * receives the new one). A timer re-armed to the (time, phase) it already has, when no event was
 * scheduled there after it, is not moved at all (it is already last there). *h may be stale or SIM_HANDLE_NONE:
 * then this is sim_schedule. On error the old event is cancelled all the same, *h is set to
 * SIM_HANDLE_NONE and the error is returned.
 *
 * Models re-arm without looking whether anything is pending: the NONE case is that schedule,
 * called inline (on error *h stays NONE, as the definition leaves it), which saves the handle
 * lookup; always_inline for the reason given at sim_cancel.
 */
/* sim_rearm of a *h that is not SIM_HANDLE_NONE (it may be stale); call sim_rearm. */
int sim_rearm_issued(sim_engine *e, sim_handle *h, sim_time time, int phase, sim_event_fn fn, void *ctx,
                     uint64_t arg);
__attribute__((always_inline)) static inline int sim_rearm(sim_engine *e, sim_handle *h, sim_time time, int phase,
                                                           sim_event_fn fn, void *ctx, uint64_t arg)
{
    if (*h == SIM_HANDLE_NONE)
        return sim_schedule(e, time, phase, fn, ctx, arg, h);
    return sim_rearm_issued(e, h, time, phase, fn, ctx, arg);
}
/* sim_rearm() at now + delay (SIM_EPAST for a negative delay, SIM_ELIMIT past SIM_TIME_MAX). As with
 * sim_rearm, the NONE case is sim_schedule_in, called inline (every error leaves *h NONE either
 * way): the Android and Doze models re-arm idle timers this way (20k of 24k calls in an Android
 * sweep), and the whole re-arm saved and restored five registers for it. */
int sim_rearm_in_issued(sim_engine *e, sim_handle *h, sim_time delay, int phase, sim_event_fn fn, void *ctx,
                        uint64_t arg);
__attribute__((always_inline)) static inline int sim_rearm_in(sim_engine *e, sim_handle *h, sim_time delay, int phase,
                                                              sim_event_fn fn, void *ctx, uint64_t arg)
{
    if (*h == SIM_HANDLE_NONE)
        return sim_schedule_in(e, delay, phase, fn, ctx, arg, h);
    return sim_rearm_in_issued(e, h, delay, phase, fn, ctx, arg);
}

/*
 * Re-arm posts: an event at (now, phase) whose only effect would be sim_rearm(e, timer, its own
 * time, phase, handler, ctx and arg), as a model's "look again" event does when it will find
 * nothing new and only set its timer again. The post takes its place in the order (a sequence,
 * like sim_schedule) but is held outside the queue: when its turn comes the engine re-arms the
 * timer itself (in place when nothing was scheduled at the timer's time and phase since; see
 * sim_rearm), counts it as fired and calls no handler. Until then the owner may turn it into a real
 * event with sim_ticket_schedule, which keeps its place: exactly the event it would have posted.
 * So a model posts this when its check would be a no-op as things stand, and turns it into the
 * real check when something changes before its turn (the model must then be sure nothing else can
 * change what the check would see without telling it).
 *
 * sim_post_rearm: SIM_ESTALE when *timer is not pending, SIM_ELIMIT when too many posts are
 * pending (a handful; post a real event instead), SIM_EINVAL for a bad phase. *timer must stay
 * where it is until the post fires (the engine writes the re-armed handle there).
 */
typedef uint64_t sim_ticket;
#define SIM_TICKET_NONE ((sim_ticket)0)
int sim_post_rearm(sim_engine *e, int phase, sim_handle *timer, sim_ticket *out);
/* Whether a re-arm post has not fired yet (and was not turned into an event). */
bool sim_ticket_pending(const sim_engine *e, sim_ticket t);
/* Replaces a pending re-arm post by the event fn(e, ctx, arg) at its place in the order.
 * SIM_ESTALE if it already fired. */
int sim_ticket_schedule(sim_engine *e, sim_ticket t, sim_event_fn fn, void *ctx, uint64_t arg, sim_handle *out);

bool sim_is_pending(const sim_engine *e, sim_handle h);
/* The time a pending event will fire at, or SIM_ESTALE. */
int sim_event_time(const sim_engine *e, sim_handle h, sim_time *out);
/* The time of the next event to fire; false when nothing is pending. */
bool sim_peek_time(const sim_engine *e, sim_time *out);

typedef enum sim_run_result {
    SIM_RUN_EMPTY = 0,   /* no event left */
    SIM_RUN_REACHED = 1, /* the until-time was reached; events after it remain pending */
    SIM_RUN_STOPPED = 2  /* a handler called sim_stop() */
} sim_run_result;

/*
 * Fires events with time <= `until` in order. When it returns SIM_RUN_REACHED the clock is set to
 * `until` (so a run in slices equals one long run). Stopping leaves the clock at the stopping
 * event's time; the remaining events stay pending and a later run continues with them.
 */
sim_run_result sim_run_until(sim_engine *e, sim_time until);
/* Fires events until none is left or a handler stops the run. */
sim_run_result sim_run(sim_engine *e);
/* Called from a handler: the run returns after the current handler. */
void sim_stop(sim_engine *e);

const char *sim_strerror(int err);

/*
 * Testing hook: sets the next sequence number. Sequences are 32 bits internally and are renumbered
 * (order preserved) when they run out; tests use this to get there without 2^32 schedules.
 * Ignored unless seq >= every sequence already issued and < 2^32.
 */
void sim_debug_set_next_sequence(sim_engine *e, uint64_t seq);

#endif
