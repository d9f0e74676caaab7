/* The event engine: ordering, handles, runs, growth. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>

#include "sim_engine.h"

/* A log of fired events: each handler appends its arg and the time it fired at. */
typedef struct fired_log {
    uint64_t args[4096];
    sim_time times[4096];
    size_t n;
} fired_log;

static void record(sim_engine *e, void *ctx, uint64_t arg)
{
    fired_log *log = ctx;
    cr_assert_lt(log->n, 4096);
    log->args[log->n] = arg;
    log->times[log->n] = sim_now(e);
    log->n++;
}

static sim_handle must_schedule(sim_engine *e, sim_time t, int phase, fired_log *log, uint64_t arg)
{
    sim_handle h = SIM_HANDLE_NONE;
    cr_assert_eq(sim_schedule(e, t, phase, record, log, arg, &h), SIM_OK);
    cr_assert_neq(h, SIM_HANDLE_NONE);
    return h;
}

static void no_op(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    (void)ctx;
    (void)arg;
}

static sim_engine *engine;
static fired_log *events;

static void setup(void)
{
    engine = sim_engine_new(0);
    events = calloc(1, sizeof *events);
    cr_assert(engine && events);
}

static void teardown(void)
{
    sim_engine_free(engine);
    free(events);
}

TestSuite(engine, .init = setup, .fini = teardown);

Test(engine, equal_keys_fire_fifo)
{
    for (uint64_t i = 0; i < 100; i++)
        must_schedule(engine, 500, SIM_PHASE_OS, events, i);
    cr_assert_eq(sim_run(engine), SIM_RUN_EMPTY);
    cr_assert_eq(events->n, 100);
    for (uint64_t i = 0; i < 100; i++)
        cr_assert_eq(events->args[i], i, "position %lu fired event %lu", (unsigned long)i,
                     (unsigned long)events->args[i]);
}

/* Like libuv's test-timer: equal timeouts fire in start order, whichever order they started. */
Test(engine, equal_keys_fifo_in_reverse_scheduling_of_times)
{
    /* Scheduled with later times first, so heap positions differ from insertion order. */
    for (uint64_t i = 0; i < 50; i++)
        must_schedule(engine, 1000 - (sim_time)(i % 5) * 100, SIM_PHASE_APP, events, i);
    sim_run(engine);
    cr_assert_eq(events->n, 50);
    for (size_t k = 1; k < events->n; k++) {
        cr_assert_geq(events->times[k], events->times[k - 1]);
        if (events->times[k] == events->times[k - 1])
            cr_assert_gt(events->args[k], events->args[k - 1], "tie at %ld not FIFO",
                         (long)events->times[k]);
    }
}

Test(engine, environment_phase_before_os_phase_when_scheduled_first)
{
    must_schedule(engine, 100, SIM_PHASE_ENVIRONMENT, events, 1);
    must_schedule(engine, 100, SIM_PHASE_OS, events, 2);
    sim_run(engine);
    cr_assert_eq(events->n, 2);
    cr_assert_eq(events->args[0], 1);
    cr_assert_eq(events->args[1], 2);
}

Test(engine, environment_phase_before_os_phase_when_scheduled_last)
{
    must_schedule(engine, 100, SIM_PHASE_OS, events, 2);
    must_schedule(engine, 100, SIM_PHASE_ENVIRONMENT, events, 1);
    sim_run(engine);
    cr_assert_eq(events->n, 2);
    cr_assert_eq(events->args[0], 1);
    cr_assert_eq(events->args[1], 2);
}

Test(engine, time_dominates_phase)
{
    must_schedule(engine, 101, SIM_PHASE_ENVIRONMENT, events, 2);
    must_schedule(engine, 100, SIM_PHASE_OBSERVE, events, 1);
    sim_run(engine);
    cr_assert_eq(events->args[0], 1);
    cr_assert_eq(events->times[0], 100);
    cr_assert_eq(events->args[1], 2);
    cr_assert_eq(events->times[1], 101);
}

Test(engine, every_phase_value_orders_at_one_instant)
{
    /* All 256 phases, scheduled in a scrambled order (multiplying by an odd number mod 256). */
    for (int i = 0; i <= SIM_PHASE_MAX; i++) {
        int phase = (i * 97) & 255;
        must_schedule(engine, 7, phase, events, (uint64_t)phase);
    }
    sim_run(engine);
    cr_assert_eq(events->n, 256);
    for (size_t k = 0; k < 256; k++)
        cr_assert_eq(events->args[k], k);
}

Test(engine, cancelled_event_never_fires)
{
    must_schedule(engine, 10, SIM_PHASE_APP, events, 1);
    sim_handle h = must_schedule(engine, 20, SIM_PHASE_APP, events, 2);
    must_schedule(engine, 30, SIM_PHASE_APP, events, 3);
    cr_assert(sim_is_pending(engine, h));
    cr_assert_eq(sim_cancel(engine, h), SIM_OK);
    cr_assert_not(sim_is_pending(engine, h));
    cr_assert_eq(sim_cancel(engine, h), SIM_ESTALE, "a second cancel must be refused");
    sim_run(engine);
    cr_assert_eq(events->n, 2);
    cr_assert_eq(events->args[0], 1);
    cr_assert_eq(events->args[1], 3);
}

Test(engine, fired_handle_is_stale)
{
    sim_handle h = must_schedule(engine, 10, SIM_PHASE_APP, events, 1);
    sim_run(engine);
    cr_assert_not(sim_is_pending(engine, h));
    cr_assert_eq(sim_cancel(engine, h), SIM_ESTALE);
    cr_assert_eq(sim_reschedule(engine, h, 50), SIM_ESTALE);
    sim_time t;
    cr_assert_eq(sim_event_time(engine, h, &t), SIM_ESTALE);
}

Test(engine, stale_handle_detected_after_its_slot_is_reused)
{
    sim_handle old = must_schedule(engine, 10, SIM_PHASE_APP, events, 1);
    cr_assert_eq(sim_cancel(engine, old), SIM_OK);
    /* The next schedule takes the slot just released; its handle must differ from the old one. */
    sim_handle fresh = must_schedule(engine, 20, SIM_PHASE_APP, events, 2);
    cr_assert_neq(old, fresh);
    cr_assert_eq(old & 0x3fffffff, fresh & 0x3fffffff, "test premise: the slot was reused");
    cr_assert_eq(sim_cancel(engine, old), SIM_ESTALE);
    cr_assert_eq(sim_reschedule(engine, old, 5), SIM_ESTALE);
    cr_assert(sim_is_pending(engine, fresh));
    sim_run(engine);
    cr_assert_eq(events->n, 1);
    cr_assert_eq(events->args[0], 2);
}

Test(engine, never_issued_handles_are_refused)
{
    must_schedule(engine, 10, SIM_PHASE_APP, events, 1);
    cr_assert_eq(sim_cancel(engine, SIM_HANDLE_NONE), SIM_ESTALE);
    cr_assert_eq(sim_cancel(engine, (sim_handle)0x3fffffff), SIM_ESTALE, "index beyond capacity");
    cr_assert_eq(sim_cancel(engine, (sim_handle)7 << 30 | 1), SIM_ESTALE, "wrong generation");
    cr_assert_eq(sim_pending_count(engine), 1);
}

Test(engine, reschedule_moves_and_keeps_handle)
{
    sim_handle a = must_schedule(engine, 100, SIM_PHASE_APP, events, 1);
    must_schedule(engine, 200, SIM_PHASE_APP, events, 2);
    cr_assert_eq(sim_reschedule(engine, a, 300), SIM_OK);
    sim_time t = 0;
    cr_assert_eq(sim_event_time(engine, a, &t), SIM_OK);
    cr_assert_eq(t, 300);
    sim_run(engine);
    cr_assert_eq(events->args[0], 2);
    cr_assert_eq(events->args[1], 1);
    cr_assert_eq(events->times[1], 300);
}

Test(engine, reschedule_earlier_fires_earlier)
{
    must_schedule(engine, 100, SIM_PHASE_APP, events, 1);
    sim_handle b = must_schedule(engine, 200, SIM_PHASE_APP, events, 2);
    cr_assert_eq(sim_reschedule(engine, b, 50), SIM_OK);
    sim_run(engine);
    cr_assert_eq(events->args[0], 2);
    cr_assert_eq(events->times[0], 50);
}

Test(engine, reschedule_onto_a_tie_goes_behind_it)
{
    sim_handle a = must_schedule(engine, 100, SIM_PHASE_APP, events, 1);
    must_schedule(engine, 100, SIM_PHASE_APP, events, 2);
    /* Same time, same phase: a takes a fresh sequence number, so it now fires after 2. */
    cr_assert_eq(sim_reschedule(engine, a, 100), SIM_OK);
    sim_run(engine);
    cr_assert_eq(events->args[0], 2);
    cr_assert_eq(events->args[1], 1);
}

Test(engine, reschedule_keeps_phase)
{
    sim_handle a = must_schedule(engine, 100, SIM_PHASE_APP, events, 1);
    must_schedule(engine, 200, SIM_PHASE_OS, events, 2);
    cr_assert_eq(sim_reschedule(engine, a, 200), SIM_OK);
    sim_run(engine);
    cr_assert_eq(events->args[0], 2, "OS phase precedes APP phase at the same time");
    cr_assert_eq(events->args[1], 1);
}

Test(engine, refuses_the_past_and_misuse)
{
    must_schedule(engine, 100, SIM_PHASE_APP, events, 1);
    sim_run(engine);
    cr_assert_eq(sim_now(engine), 100);
    sim_handle h = 12345;
    cr_assert_eq(sim_schedule(engine, 99, SIM_PHASE_APP, record, events, 0, &h), SIM_EPAST);
    cr_assert_eq(h, 12345, "the out handle is untouched on error");
    cr_assert_eq(sim_schedule_in(engine, -1, SIM_PHASE_APP, record, events, 0, NULL), SIM_EPAST);
    cr_assert_eq(sim_schedule(engine, 100, -1, record, events, 0, NULL), SIM_EINVAL);
    cr_assert_eq(sim_schedule(engine, 100, SIM_PHASE_MAX + 1, record, events, 0, NULL), SIM_EINVAL);
    cr_assert_eq(sim_schedule(engine, 100, SIM_PHASE_APP, NULL, events, 0, NULL), SIM_EINVAL);
    cr_assert_eq(sim_schedule(engine, SIM_TIME_MAX + 1, SIM_PHASE_APP, record, events, 0, NULL), SIM_ELIMIT);
    cr_assert_eq(sim_schedule_in(engine, SIM_TIME_MAX, SIM_PHASE_APP, record, events, 0, NULL), SIM_ELIMIT);
    sim_handle later = must_schedule(engine, 150, SIM_PHASE_APP, events, 2);
    cr_assert_eq(sim_reschedule(engine, later, 99), SIM_EPAST);
    cr_assert_eq(sim_pending_count(engine), 1, "failed calls schedule nothing");
    cr_assert_str_neq(sim_strerror(SIM_EPAST), sim_strerror(SIM_ESTALE));
}

Test(engine, time_limit_is_usable)
{
    must_schedule(engine, SIM_TIME_MAX, SIM_PHASE_MAX, events, 1);
    cr_assert_eq(sim_run(engine), SIM_RUN_EMPTY);
    cr_assert_eq(events->times[0], SIM_TIME_MAX);
    cr_assert_eq(sim_schedule_in(engine, 0, SIM_PHASE_APP, record, events, 2, NULL), SIM_OK);
    cr_assert_eq(sim_schedule_in(engine, 1, SIM_PHASE_APP, record, events, 3, NULL), SIM_ELIMIT);
}

/* A cancel releases the slot before it removes the entry (sim_engine.c, sim_cancel_issued): the
 * removal must still leave every other event findable by its handle, the cancelled one stale, and
 * its slot reused by the next schedule, wherever the entry was (lane or heap, root, middle, last). */
Test(engine, cancel_anywhere_keeps_the_other_handles)
{
    enum { N = 40 };
    for (size_t victim = 0; victim < N; victim++) {
        sim_engine *e = sim_engine_new(0);
        cr_assert(e);
        sim_handle h[N];
        for (size_t i = 0; i < N; i++) /* the first few at now (the lane), the rest in the heap */
            cr_assert_eq(sim_schedule(e, i < 6 ? 0 : (sim_time)((i * 37) % 101), SIM_PHASE_APP, no_op, NULL, i, &h[i]),
                         SIM_OK);
        cr_assert_eq(sim_cancel(e, h[victim]), SIM_OK);
        cr_assert_not(sim_is_pending(e, h[victim]));
        cr_assert_eq(sim_cancel(e, h[victim]), SIM_ESTALE);
        for (size_t i = 0; i < N; i++) {
            sim_time t = -1;
            if (i == victim)
                continue;
            cr_assert_eq(sim_event_time(e, h[i], &t), SIM_OK, "victim %zu, event %zu", victim, i);
            cr_assert_eq(t, i < 6 ? 0 : (sim_time)((i * 37) % 101));
        }
        sim_handle again = SIM_HANDLE_NONE;
        cr_assert_eq(sim_schedule(e, 5, SIM_PHASE_APP, no_op, NULL, 0, &again), SIM_OK);
        cr_assert_eq(again & ((1u << 30) - 1), h[victim] & ((1u << 30) - 1), "the released slot is taken next");
        cr_assert_eq(sim_pending_count(e), N);
        cr_assert_eq(sim_run(e), SIM_RUN_EMPTY);
        cr_assert_eq(sim_fired_count(e), N);
        sim_engine_free(e);
    }
}

/* The *_in entry points check their delay and then schedule without checking the time again
 * (sim_engine.c, schedule_at's in_range): the delay's bounds are exactly the time's. */
Test(engine, delays_up_to_the_time_limit_and_not_past_it)
{
    must_schedule(engine, 100, SIM_PHASE_APP, events, 1);
    sim_run(engine);
    sim_handle h = SIM_HANDLE_NONE, r = SIM_HANDLE_NONE;
    cr_assert_eq(sim_schedule_in(engine, SIM_TIME_MAX - 99, SIM_PHASE_APP, record, events, 2, &h), SIM_ELIMIT);
    cr_assert_eq(sim_rearm_in(engine, &r, SIM_TIME_MAX - 99, SIM_PHASE_APP, record, events, 2), SIM_ELIMIT);
    cr_assert_eq(r, SIM_HANDLE_NONE);
    cr_assert_eq(sim_schedule_in(engine, SIM_TIME_MAX - 100, SIM_PHASE_APP, record, events, 2, &h), SIM_OK);
    cr_assert_eq(sim_rearm_in(engine, &r, SIM_TIME_MAX - 100, SIM_PHASE_MAX, record, events, 3), SIM_OK);
    cr_assert_eq(sim_rearm_in(engine, &r, SIM_TIME_MAX - 100, SIM_PHASE_MAX, record, events, 4), SIM_OK);
    cr_assert_eq(sim_rearm_in(engine, &r, -1, SIM_PHASE_APP, record, events, 5), SIM_EPAST);
    cr_assert_eq(r, SIM_HANDLE_NONE, "a failed re-arm cancels");
    /* From NONE (sim_rearm_in's inline case, a schedule): errors leave NONE and schedule nothing. */
    cr_assert_eq(sim_rearm_in(engine, &r, -1, SIM_PHASE_APP, record, events, 5), SIM_EPAST);
    cr_assert_eq(sim_rearm_in(engine, &r, 1, SIM_PHASE_APP, NULL, events, 5), SIM_EINVAL);
    cr_assert_eq(sim_rearm_in(engine, &r, 1, SIM_PHASE_MAX + 1, record, events, 5), SIM_EINVAL);
    cr_assert_eq(r, SIM_HANDLE_NONE);
    cr_assert_eq(sim_pending_count(engine), 1);
    cr_assert_eq(sim_rearm_in(engine, &r, SIM_TIME_MAX - 100, SIM_PHASE_MAX, record, events, 6), SIM_OK);
    cr_assert_eq(sim_run(engine), SIM_RUN_EMPTY);
    cr_assert_eq(events->n, 3);
    cr_assert_eq(events->args[1], 2);
    cr_assert_eq(events->args[2], 6);
    cr_assert_eq(events->times[2], SIM_TIME_MAX);
}

/* The delay's two bounds are one unsigned comparison (sim_engine.c, delay_out_of_range): a negative
 * delay of any size is SIM_EPAST, never SIM_ELIMIT, and a huge one SIM_ELIMIT, from any clock. */
Test(engine, delay_bounds_at_the_extremes)
{
    const sim_time delays[] = {-1, INT64_MIN, INT64_MIN + 1, -SIM_TIME_MAX, INT64_MAX, SIM_TIME_MAX + 1};
    const int want[] = {SIM_EPAST, SIM_EPAST, SIM_EPAST, SIM_EPAST, SIM_ELIMIT, SIM_ELIMIT};
    const sim_time clocks[] = {0, 100, SIM_TIME_MAX};
    for (size_t c = 0; c < sizeof clocks / sizeof clocks[0]; c++) {
        sim_engine *e = sim_engine_new(0);
        cr_assert(e);
        cr_assert_eq(sim_run_until(e, clocks[c]), SIM_RUN_REACHED);
        sim_handle pending = SIM_HANDLE_NONE;
        cr_assert_eq(sim_schedule_in(e, 0, SIM_PHASE_APP, no_op, NULL, 0, &pending), SIM_OK);
        for (size_t i = 0; i < sizeof delays / sizeof delays[0]; i++) {
            sim_handle none = SIM_HANDLE_NONE, r = SIM_HANDLE_NONE;
            cr_assert_eq(sim_schedule_in(e, delays[i], SIM_PHASE_APP, no_op, NULL, 0, NULL), want[i], "clock %zu, delay %zu",
                         c, i);
            cr_assert_eq(sim_rearm_in(e, &none, delays[i], SIM_PHASE_APP, no_op, NULL, 0), want[i]);
            cr_assert_eq(sim_schedule_in(e, 0, SIM_PHASE_APP, no_op, NULL, 0, &r), SIM_OK);
            cr_assert_eq(sim_rearm_in(e, &r, delays[i], SIM_PHASE_APP, no_op, NULL, 0), want[i], "a pending re-arm");
            cr_assert_eq(r, SIM_HANDLE_NONE, "a failed re-arm cancels");
        }
        cr_assert_eq(sim_pending_count(e), 1, "failed calls schedule nothing");
        cr_assert_eq(sim_schedule_in(e, SIM_TIME_MAX - clocks[c], SIM_PHASE_APP, no_op, NULL, 0, NULL), SIM_OK);
        sim_engine_free(e);
    }
}

Test(engine, run_until_leaves_later_events_and_sets_clock)
{
    must_schedule(engine, 100, SIM_PHASE_APP, events, 1);
    must_schedule(engine, 200, SIM_PHASE_APP, events, 2);
    must_schedule(engine, 201, SIM_PHASE_APP, events, 3);
    cr_assert_eq(sim_run_until(engine, 200), SIM_RUN_REACHED);
    cr_assert_eq(events->n, 2, "events at exactly `until` fire");
    cr_assert_eq(sim_now(engine), 200);
    cr_assert_eq(sim_pending_count(engine), 1);
    cr_assert_eq(sim_run_until(engine, 1000), SIM_RUN_REACHED);
    cr_assert_eq(events->n, 3);
    cr_assert_eq(sim_now(engine), 1000, "the clock advances to `until` even with nothing left");
    cr_assert_eq(sim_run_until(engine, 500), SIM_RUN_REACHED);
    cr_assert_eq(sim_now(engine), 1000, "the clock never goes back");
}

typedef struct stopper {
    fired_log *log;
    uint64_t stop_at_arg;
} stopper;

static void record_and_maybe_stop(sim_engine *e, void *ctx, uint64_t arg)
{
    stopper *s = ctx;
    record(e, s->log, arg);
    if (arg == s->stop_at_arg)
        sim_stop(e);
}

Test(engine, handler_stops_the_run_and_a_later_run_continues)
{
    stopper s = {.log = events, .stop_at_arg = 2};
    for (uint64_t i = 1; i <= 4; i++)
        cr_assert_eq(sim_schedule(engine, (sim_time)i * 10, SIM_PHASE_APP, record_and_maybe_stop, &s, i, NULL), SIM_OK);
    cr_assert_eq(sim_run_until(engine, 1000), SIM_RUN_STOPPED);
    cr_assert_eq(events->n, 2);
    cr_assert_eq(sim_now(engine), 20, "stopping leaves the clock at the stopping event");
    cr_assert_eq(sim_run(engine), SIM_RUN_EMPTY);
    cr_assert_eq(events->n, 4);
    cr_assert_eq(events->args[3], 4);
}

Test(engine, stop_outside_a_run_has_no_effect)
{
    must_schedule(engine, 10, SIM_PHASE_APP, events, 1);
    sim_stop(engine);
    cr_assert_eq(sim_run(engine), SIM_RUN_EMPTY);
    cr_assert_eq(events->n, 1);
}

/* A handler that schedules a follow-up at the same instant and phase: it fires in the same run,
 * after everything already queued for that instant (FIFO), and never before the current one. */
typedef struct chain {
    fired_log *log;
    int remaining;
} chain;

static void chain_step(sim_engine *e, void *ctx, uint64_t arg)
{
    chain *c = ctx;
    record(e, c->log, arg);
    if (c->remaining-- > 0)
        cr_assert_eq(sim_schedule_in(e, 0, SIM_PHASE_APP, chain_step, c, arg + 100, NULL), SIM_OK);
}

Test(engine, handler_scheduling_at_now_fires_after_queued_ties)
{
    chain c = {.log = events, .remaining = 1};
    cr_assert_eq(sim_schedule(engine, 5, SIM_PHASE_APP, chain_step, &c, 1, NULL), SIM_OK);
    must_schedule(engine, 5, SIM_PHASE_APP, events, 2);
    sim_run(engine);
    cr_assert_eq(events->n, 3);
    cr_assert_eq(events->args[0], 1);
    cr_assert_eq(events->args[1], 2);
    cr_assert_eq(events->args[2], 101);
    cr_assert_eq(events->times[2], 5);
}

/*
 * Randomised check against a reference model: schedule, cancel and reschedule at random, then
 * compare the firing order with a sort of the surviving events by (time, phase, sequence), where a
 * reschedule takes a new sequence number. Also checks that ties really occur.
 */
typedef struct ref_event {
    sim_time time;
    int phase;
    uint64_t seq;
    uint64_t id;
    sim_handle h;
    bool live;
} ref_event;

static int ref_cmp(const void *a, const void *b)
{
    const ref_event *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    if (x->phase != y->phase)
        return x->phase < y->phase ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void check_against_reference(sim_engine *e, fired_log *log, unsigned long seed, bool renumber)
{
    enum { N = 3000 };
    static ref_event ref[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    uint64_t seq = 0;
    const int phases[] = {SIM_PHASE_ENVIRONMENT, SIM_PHASE_OS, SIM_PHASE_APP};
    for (uint64_t i = 0; i < N; i++) {
        if (renumber && i == N / 2)
            sim_debug_set_next_sequence(e, ((uint64_t)1 << 32) - 10); /* wraps in 10 schedules */
        ref[i] = (ref_event){.time = (sim_time)gsl_rng_uniform_int(r, 200),
                             .phase = phases[gsl_rng_uniform_int(r, 3)], .seq = seq++, .id = i, .live = true};
        ref[i].h = must_schedule(e, ref[i].time, ref[i].phase, log, i);
        uint64_t victim = gsl_rng_uniform_int(r, i + 1);
        unsigned long op = gsl_rng_uniform_int(r, 10);
        if (op == 0 && ref[victim].live) {
            cr_assert_eq(sim_cancel(e, ref[victim].h), SIM_OK);
            ref[victim].live = false;
        } else if (op == 1 && ref[victim].live) {
            ref[victim].time = (sim_time)gsl_rng_uniform_int(r, 200);
            ref[victim].seq = seq++;
            cr_assert_eq(sim_reschedule(e, ref[victim].h, ref[victim].time), SIM_OK);
        } else if (op == 2) {
            cr_assert_eq(sim_cancel(e, ref[victim].h) == SIM_OK, ref[victim].live);
            ref[victim].live = false;
        }
    }
    gsl_rng_free(r);
    size_t live = 0;
    for (size_t i = 0; i < N; i++)
        if (ref[i].live)
            ref[live++] = ref[i];
    qsort(ref, live, sizeof *ref, ref_cmp);
    cr_assert_eq(sim_pending_count(e), live);
    sim_run(e);
    cr_assert_eq(log->n, live);
    size_t ties = 0;
    for (size_t k = 0; k < live; k++) {
        cr_assert_eq(log->args[k], ref[k].id, "position %zu: fired %lu, reference %lu", k,
                     (unsigned long)log->args[k], (unsigned long)ref[k].id);
        if (k > 0 && ref[k].time == ref[k - 1].time && ref[k].phase == ref[k - 1].phase)
            ties++;
    }
    cr_assert_gt(ties, 100, "test premise: many equal (time, phase) keys");
}

Test(engine, random_operations_match_reference_model)
{
    check_against_reference(engine, events, 1, false);
}

Test(engine, random_operations_match_reference_across_sequence_renumbering)
{
    check_against_reference(engine, events, 2, true);
}

static void hold_step(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    cr_assert_eq(sim_schedule_in(e, (sim_time)(sim_fired_count(e) % 997), SIM_PHASE_APP, hold_step, ctx, 0, NULL), SIM_OK);
    if (sim_fired_count(e) % 100000 == 0)
        sim_stop(e);
}

Test(engine, steady_state_does_not_grow)
{
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(sim_schedule(engine, i, SIM_PHASE_APP, hold_step, NULL, 0, NULL), SIM_OK);
    size_t cap = sim_capacity(engine);
    cr_assert_geq(cap, 1000);
    cr_assert_eq(sim_run(engine), SIM_RUN_STOPPED);
    cr_assert_eq(sim_fired_count(engine), 100000);
    cr_assert_eq(sim_pending_count(engine), 1000);
    cr_assert_eq(sim_capacity(engine), cap, "a hold run of 100k events allocated");
}

Test(engine, grows_from_a_tiny_pool_and_keeps_order)
{
    sim_engine *e = sim_engine_new(1);
    cr_assert(e);
    for (uint64_t i = 0; i < 4000; i++)
        must_schedule(e, (sim_time)((i * 7919) % 4000), SIM_PHASE_APP, events, i);
    cr_assert_geq(sim_capacity(e), 4000);
    sim_run(e);
    cr_assert_eq(events->n, 4000);
    for (size_t k = 0; k < 4000; k++)
        cr_assert_eq(events->times[k], (sim_time)k);
    sim_engine_free(e);
}

/* The engine asks "is the pool full?" as "is its free list empty?" (sim_engine.c, pool_full): the
 * pool must grow exactly when a schedule finds every slot pending, whatever mix of lane and heap
 * events, cancels, re-arms, posts and fired events led there. */
Test(engine, grows_exactly_when_every_slot_is_pending)
{
    sim_engine *e = sim_engine_new(1); /* doubles each time it grows */
    cr_assert(e);
    sim_handle h[64] = {0};
    uint64_t x = 12345;
    int grown = 0;
    for (int step = 0; step < 20000; step++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned r = (unsigned)(x >> 33);
        size_t slot = r % 64;
        switch ((r >> 8) % 6) {
        case 0:
        case 1: { /* schedule (now: the lane; later: either), or re-arm */
            size_t pending = sim_pending_count(e), cap = sim_capacity(e);
            bool was_pending = sim_is_pending(e, h[slot]);
            sim_time at = sim_now(e) + (sim_time)((r >> 12) % 3 == 0 ? 0 : (r >> 14) % 500);
            cr_assert_eq(sim_rearm(e, &h[slot], at, SIM_PHASE_APP, no_op, NULL, 0), SIM_OK);
            if (!was_pending && pending == cap) {
                cr_assert_gt(sim_capacity(e), cap, "full at %zu pending: must grow", pending);
                grown++;
            } else {
                cr_assert_eq(sim_capacity(e), cap, "%zu of %zu pending: must not grow", pending, cap);
            }
            break;
        }
        case 2:
            sim_cancel(e, h[slot]);
            break;
        case 3:
            sim_run_until(e, sim_now(e) + (sim_time)((r >> 12) % 50));
            break;
        case 4: { /* a re-arm post (it holds no slot of its own), fired at once */
            sim_ticket t = SIM_TICKET_NONE;
            if (sim_post_rearm(e, SIM_PHASE_OS, &h[slot], &t) == SIM_OK)
                cr_assert_eq(sim_run_until(e, sim_now(e)), SIM_RUN_REACHED);
            break;
        }
        default: /* a fresh schedule */
            if (!sim_is_pending(e, h[slot])) {
                size_t pending = sim_pending_count(e), cap = sim_capacity(e);
                cr_assert_eq(sim_schedule(e, sim_now(e) + (sim_time)((r >> 12) % 100), SIM_PHASE_OS, no_op, NULL, 0,
                                          &h[slot]),
                             SIM_OK);
                cr_assert_eq(sim_capacity(e) > cap, pending == cap, "%zu of %zu pending", pending, cap);
                grown += pending == cap;
            }
            break;
        }
    }
    cr_assert_geq(grown, 4, "the pool filled up %d times", grown);
    cr_assert_eq(sim_capacity(e), (size_t)1 << grown, "every growth was at a full pool");
    sim_engine_free(e);
}

/*
 * Empty structures and the sentinel behind them (sim_engine.c: the entries past the heap's, the
 * lane's and the posts' ends hold the largest key, and sift_down compares four children whether or
 * not they exist). Rounds that grow the pool from one slot, drain it to empty in slices and refill
 * it, with sizes that leave every number of children at the last level, many ties and cancels:
 * a stale key left past the end of the heap would be taken for a child and fire out of order or
 * twice. Within a round every event has the same phase and a larger arg when scheduled later, so
 * the firing order must be sorted by (time, arg).
 */
Test(engine, drains_to_empty_and_refills_in_order)
{
    sim_engine *e = sim_engine_new(1);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    cr_assert(e && r);
    gsl_rng_set(r, 24);
    static sim_handle h[700];
    uint64_t arg = 0;
    for (size_t round = 0; round < 12; round++) {
        sim_time t;
        cr_assert_not(sim_peek_time(e, &t), "round %zu starts with nothing pending", round);
        size_t n = 1 + round * 57 % 700, cancelled = 0;
        for (size_t i = 0; i < n; i++)
            h[i] = must_schedule(e, sim_now(e) + (sim_time)gsl_rng_uniform_int(r, 50), SIM_PHASE_APP, events, arg++);
        for (size_t i = 0; i < n; i += 3)
            cancelled += sim_cancel(e, h[i]) == SIM_OK;
        cr_assert_eq(sim_pending_count(e), n - cancelled);
        events->n = 0;
        while (sim_pending_count(e) > 0) {
            sim_time until = sim_now(e) + (sim_time)gsl_rng_uniform_int(r, 10);
            cr_assert_eq(sim_run_until(e, until), SIM_RUN_REACHED);
        }
        cr_assert_eq(events->n, n - cancelled, "round %zu fired %zu of %zu", round, events->n, n - cancelled);
        for (size_t k = 1; k < events->n; k++)
            cr_assert(events->times[k - 1] < events->times[k] ||
                          (events->times[k - 1] == events->times[k] && events->args[k - 1] < events->args[k]),
                      "round %zu: position %zu fired (%ld, %lu) after (%ld, %lu)", round, k, (long)events->times[k],
                      (unsigned long)events->args[k], (long)events->times[k - 1], (unsigned long)events->args[k - 1]);
        cr_assert_eq(sim_run(e), SIM_RUN_EMPTY);
    }
    cr_assert_geq(sim_capacity(e), 600);
    gsl_rng_free(r);
    sim_engine_free(e);
}

Test(engine, free_null_is_a_no_op)
{
    sim_engine_free(NULL);
}

/* The spans of time every layer takes from sim_engine.h, against the numbers written out. */
Test(time_units, spans_in_milliseconds)
{
    cr_assert_eq(SIM_MS_PER_SECOND, 1000);
    cr_assert_eq(SIM_MS_PER_MINUTE, 60000);
    cr_assert_eq(SIM_MS_PER_HOUR, 3600000);
    cr_assert_eq(SIM_MS_PER_DAY, 86400000);
    cr_assert_eq(SIM_MS_PER_WEEK, 604800000);
    cr_assert_eq(SIM_SECONDS(90), 90000);
    cr_assert_eq(SIM_MINUTES(15), 900000);
    cr_assert_eq(SIM_HOURS(25), 90000000);
    cr_assert_eq(SIM_DAYS(365 * 1000), INT64_C(31536000000000));
    cr_assert_eq(sizeof SIM_MS_PER_SECOND, sizeof(sim_time)); /* 64-bit arithmetic everywhere */
}
