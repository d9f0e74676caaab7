/*
 * The event engine's sim_rearm and its "lane" for events scheduled at the current time
 * (sim_engine.h, sim_engine.c). Linked into test_engine beside test_engine.c.
 *
 * What must hold (sim_engine.h): pending events fire in strictly increasing (time, phase, sequence)
 * order whether they sit in the heap or in the lane; sim_rearm is exactly sim_cancel followed by
 * sim_schedule (fresh sequence, same slot, old handle stale, new handle in *h), also for stale and
 * SIM_HANDLE_NONE handles, and on error the old event is cancelled and *h becomes SIM_HANDLE_NONE.
 *
 * How the tests know the right answer without asking the engine: the deterministic tests state
 * the order the header's rule gives (worked out by hand, in comments); the equivalence test runs a
 * twin engine that uses sim_cancel + sim_schedule instead of sim_rearm; the randomized test keeps
 * its own list of pending events and takes the (time, phase, sequence) minimum by a linear scan.
 *
 * Ownership: every engine and trace is created and freed by the test that uses it; handler
 * contexts live on the test's stack or in its allocations and outlive the runs that use them.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>

#include "sim_engine.h"

/* A handle's slot index + 1 is in its low 30 bits (sim_engine.c); used only to state premises. */
#define HANDLE_SLOT(h) ((h) & 0x3fffffffu)
#define SEQ_LAST (((uint64_t)1 << 32) - 1) /* the last 32-bit sequence before the renumbering */

enum { TRACE_MAX = 1024 };

/* Fired events in firing order: the arg each handler got and the time it fired at. */
typedef struct trace {
    uint64_t args[TRACE_MAX];
    sim_time times[TRACE_MAX];
    size_t n;
} trace;

static void trace_add(trace *t, sim_time time, uint64_t arg)
{
    cr_assert_lt(t->n, TRACE_MAX);
    t->args[t->n] = arg;
    t->times[t->n] = time;
    t->n++;
}

static void note(sim_engine *e, void *ctx, uint64_t arg) { trace_add(ctx, sim_now(e), arg); }

/* A second handler with its own context shape: it records 1000 * tag + arg, so a re-armed event
 * that still ran the old handler, context or argument shows up as a different number. */
typedef struct tagged {
    trace *log;
    uint64_t tag;
} tagged;

static void note_tagged(sim_engine *e, void *ctx, uint64_t arg)
{
    const tagged *t = ctx;
    trace_add(t->log, sim_now(e), 1000 * t->tag + arg);
}

static sim_handle sched(sim_engine *e, sim_time time, int phase, trace *log, uint64_t arg)
{
    sim_handle h = SIM_HANDLE_NONE;
    cr_assert_eq(sim_schedule(e, time, phase, note, log, arg, &h), SIM_OK);
    cr_assert_neq(h, SIM_HANDLE_NONE);
    return h;
}

/* Re-arms *h to (time, phase) with `note` and `arg`; the old value must go stale. */
static void rearm_ok(sim_engine *e, sim_handle *h, sim_time time, int phase, trace *log, uint64_t arg)
{
    sim_handle old = *h;
    cr_assert_eq(sim_rearm(e, h, time, phase, note, log, arg), SIM_OK);
    cr_assert_neq(*h, SIM_HANDLE_NONE);
    cr_assert_neq(*h, old, "a re-armed event gets a new handle value");
    cr_assert_not(sim_is_pending(e, old), "the old handle value is stale after sim_rearm");
    cr_assert(sim_is_pending(e, *h));
}

static void expect_args_(const trace *t, const uint64_t *want, size_t n)
{
    cr_assert_eq(t->n, n, "fired %zu events, expected %zu", t->n, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(t->args[i], want[i], "position %zu fired %lu, expected %lu", i,
                     (unsigned long)t->args[i], (unsigned long)want[i]);
}
#define EXPECT_ARGS(t, ...)                                                                        \
    do {                                                                                           \
        const uint64_t want_[] = {__VA_ARGS__};                                                    \
        expect_args_((t), want_, sizeof want_ / sizeof want_[0]);                                  \
    } while (0)

static void expect_all_at(const trace *t, sim_time time)
{
    for (size_t i = 0; i < t->n; i++)
        cr_assert_eq(t->times[i], time, "position %zu fired at %ld, expected %ld", i, (long)t->times[i],
                     (long)time);
}

/* A handler that records itself (arg) and then runs a test's script at its instant. */
typedef struct scripted scripted;
struct scripted {
    trace *log;
    void (*script)(sim_engine *e, scripted *s);
    sim_handle h[8]; /* handles the script works on */
    tagged tag;
};

static void run_script(sim_engine *e, void *ctx, uint64_t arg)
{
    scripted *s = ctx;
    trace_add(s->log, sim_now(e), arg);
    s->script(e, s);
}

static sim_engine *eng;
static trace *tr;

static void setup(void)
{
    eng = sim_engine_new(0);
    tr = calloc(1, sizeof *tr);
    cr_assert(eng && tr);
}

static void teardown(void)
{
    sim_engine_free(eng);
    free(tr);
}

TestSuite(rearm, .init = setup, .fini = teardown);
TestSuite(rearm_post, .init = setup, .fini = teardown);
TestSuite(lane, .init = setup, .fini = teardown);

/* ---------------------------------------------------------------------------------------------
 * sim_rearm
 */

Test(rearm, moves_a_pending_event_to_its_new_time_phase_and_payload)
{
    tagged tag = {.log = tr, .tag = 7};
    sim_handle old = sched(eng, 100, SIM_PHASE_APP, tr, 1);
    sched(eng, 300, SIM_PHASE_APP, tr, 20);
    sim_handle h = old;
    cr_assert_eq(sim_rearm(eng, &h, 300, SIM_PHASE_OS, note_tagged, &tag, 2), SIM_OK);
    cr_assert_neq(h, old);
    cr_assert_neq(h, SIM_HANDLE_NONE);
    /* Every call given the old value reports SIM_ESTALE and changes nothing. */
    sim_time t = -1;
    cr_assert_not(sim_is_pending(eng, old));
    cr_assert_eq(sim_event_time(eng, old, &t), SIM_ESTALE);
    cr_assert_eq(sim_reschedule(eng, old, 50), SIM_ESTALE);
    cr_assert_eq(sim_cancel(eng, old), SIM_ESTALE);
    cr_assert(sim_is_pending(eng, h), "the stale calls must not have touched the re-armed event");
    cr_assert_eq(sim_event_time(eng, h, &t), SIM_OK);
    cr_assert_eq(t, 300);
    cr_assert_eq(sim_pending_count(eng), 2, "moved, not copied");
    cr_assert(sim_peek_time(eng, &t));
    cr_assert_eq(t, 300, "nothing is left at the old time");
    cr_assert_eq(sim_run_until(eng, 299), SIM_RUN_REACHED);
    cr_assert_eq(tr->n, 0, "the old time never fires");
    cr_assert_eq(sim_run(eng), SIM_RUN_EMPTY);
    /* Once, at 300, with the new handler/context/arg (7002), and in its new phase OS before the APP
     * event at 300 although re-armed after it. */
    EXPECT_ARGS(tr, 7002, 20);
    expect_all_at(tr, 300);
    cr_assert_not(sim_is_pending(eng, h), "fired: the new handle is stale too");
    cr_assert_eq(sim_rearm(eng, &h, 400, SIM_PHASE_APP, note, tr, 3), SIM_OK, "and re-arms anew");
}

Test(rearm, moves_an_event_earlier_and_later_repeatedly)
{
    sim_handle h = sched(eng, 500, SIM_PHASE_APP, tr, 1);
    for (uint64_t i = 0; i < 20; i++) /* 480, 20, 460, 40, ...: back and forth across the others */
        rearm_ok(eng, &h, i % 2 ? (sim_time)(10 * (i + 1)) : (sim_time)(500 - 10 * (i + 2)),
                 SIM_PHASE_APP, tr, 100 + i);
    sched(eng, 250, SIM_PHASE_APP, tr, 2);
    sched(eng, 250, SIM_PHASE_APP, tr, 3);
    rearm_ok(eng, &h, 250, SIM_PHASE_APP, tr, 4); /* behind 2 and 3: fresh sequence */
    cr_assert_eq(sim_pending_count(eng), 3);
    sim_run(eng);
    EXPECT_ARGS(tr, 2, 3, 4);
    expect_all_at(tr, 250);
}

Test(rearm, fired_handle_schedules_anew_and_spares_the_slot_reuser)
{
    sim_handle a = sched(eng, 10, SIM_PHASE_APP, tr, 1);
    cr_assert_eq(sim_run_until(eng, 10), SIM_RUN_REACHED);
    sim_handle b = sched(eng, 30, SIM_PHASE_APP, tr, 2);
    cr_assert_eq(HANDLE_SLOT(a), HANDLE_SLOT(b), "test premise: b reuses a's slot");
    sim_handle h = a;
    cr_assert_eq(sim_rearm(eng, &h, 20, SIM_PHASE_APP, note, tr, 3), SIM_OK);
    cr_assert_neq(h, SIM_HANDLE_NONE);
    cr_assert_neq(h, a);
    cr_assert_neq(h, b);
    cr_assert(sim_is_pending(eng, b), "re-arming a stale handle must not cancel its slot's new event");
    sim_time t = 0;
    cr_assert_eq(sim_event_time(eng, b, &t), SIM_OK);
    cr_assert_eq(t, 30, "nor move it");
    cr_assert_eq(sim_pending_count(eng), 2);
    sim_run(eng);
    EXPECT_ARGS(tr, 1, 3, 2);
    cr_assert_eq(tr->times[1], 20);
    cr_assert_eq(tr->times[2], 30);
}

Test(rearm, cancelled_and_none_handles_schedule_anew)
{
    sim_handle a = sched(eng, 10, SIM_PHASE_APP, tr, 1);
    sim_handle keep = sched(eng, 10, SIM_PHASE_APP, tr, 2);
    cr_assert_eq(sim_cancel(eng, a), SIM_OK);
    sim_handle h = a;
    cr_assert_eq(sim_rearm(eng, &h, 10, SIM_PHASE_APP, note, tr, 3), SIM_OK);
    cr_assert_neq(h, a);
    cr_assert(sim_is_pending(eng, h));
    sim_handle none = SIM_HANDLE_NONE;
    cr_assert_eq(sim_rearm_in(eng, &none, 10, SIM_PHASE_OS, note, tr, 4), SIM_OK);
    cr_assert_neq(none, SIM_HANDLE_NONE);
    cr_assert(sim_is_pending(eng, keep));
    cr_assert_eq(sim_pending_count(eng), 3);
    sim_run(eng);
    /* 4 is OS (before APP); 3 took a sequence after 2. */
    EXPECT_ARGS(tr, 4, 2, 3);
    expect_all_at(tr, 10);
}

/* sim_cancel and sim_rearm answer a SIM_HANDLE_NONE handle inline (sim_engine.h): cancelling NONE
 * is refused and touches nothing, re-arming NONE is exactly sim_schedule. A twin engine that
 * schedules instead must end in the same state: the same handle values (slot and generation), the
 * same pending count and the same firing order, ties included. */
Test(rearm, none_cancels_nothing_and_re_arms_as_a_schedule)
{
    sim_engine *twin = sim_engine_new(0);
    trace *twin_log = calloc(1, sizeof *twin_log);
    cr_assert(twin && twin_log);
    sim_handle a = sched(eng, 10, SIM_PHASE_APP, tr, 1), twin_a = sched(twin, 10, SIM_PHASE_APP, twin_log, 1);
    cr_assert_eq(sim_cancel(eng, a), SIM_OK);
    cr_assert_eq(sim_cancel(twin, twin_a), SIM_OK);
    sched(eng, 10, SIM_PHASE_APP, tr, 2);
    sched(twin, 10, SIM_PHASE_APP, twin_log, 2);
    cr_assert_eq(sim_cancel(eng, SIM_HANDLE_NONE), SIM_ESTALE);
    cr_assert_eq(sim_pending_count(eng), 1, "cancelling NONE cancels nothing");
    sim_handle h = SIM_HANDLE_NONE, twin_h = SIM_HANDLE_NONE;
    cr_assert_eq(sim_rearm(eng, &h, 10, SIM_PHASE_APP, note, tr, 3), SIM_OK);
    cr_assert_eq(sim_schedule(twin, 10, SIM_PHASE_APP, note, twin_log, 3, &twin_h), SIM_OK);
    cr_assert_eq(h, twin_h, "the re-arm of NONE took the slot and generation a schedule takes");
    cr_assert_eq(sim_cancel(eng, SIM_HANDLE_NONE), SIM_ESTALE);
    cr_assert(sim_is_pending(eng, h), "cancelling NONE leaves the re-armed event alone");
    cr_assert_eq(sim_pending_count(eng), sim_pending_count(twin));
    cr_assert_eq(sched(eng, 10, SIM_PHASE_APP, tr, 4), sched(twin, 10, SIM_PHASE_APP, twin_log, 4));
    sim_run(eng);
    sim_run(twin);
    EXPECT_ARGS(tr, 2, 3, 4);
    EXPECT_ARGS(twin_log, 2, 3, 4);
    sim_engine_free(twin);
    free(twin_log);
}

/* A periodic timer in the way the OS models use it: the handler re-arms its own, already stale,
 * handle. */
typedef struct periodic {
    trace *log;
    sim_handle h;
    int left;
} periodic;

static void periodic_tick(sim_engine *e, void *ctx, uint64_t arg)
{
    periodic *p = ctx;
    trace_add(p->log, sim_now(e), arg);
    cr_assert_not(sim_is_pending(e, p->h), "a handler's own handle is stale when it runs");
    if (p->left-- > 0)
        cr_assert_eq(sim_rearm_in(e, &p->h, 10, SIM_PHASE_OS, periodic_tick, p, arg + 1), SIM_OK);
}

Test(rearm, handler_re_arms_its_own_stale_handle)
{
    periodic p = {.log = tr, .left = 3};
    cr_assert_eq(sim_rearm(eng, &p.h, 5, SIM_PHASE_OS, periodic_tick, &p, 1), SIM_OK);
    sim_run(eng);
    EXPECT_ARGS(tr, 1, 2, 3, 4);
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(tr->times[i], 5 + 10 * (sim_time)i);
}

/* Every error: the old event is cancelled all the same and *h becomes SIM_HANDLE_NONE, whether the
 * event sat in the heap (later), in the lane (at now), had already fired, or *h was NONE. */
typedef struct bad_rearm {
    const char *what;
    bool relative;
    sim_time time; /* absolute time, or delay when relative */
    int phase;
    bool null_fn;
    int rc;
} bad_rearm;

Test(rearm, errors_cancel_the_old_event_and_clear_the_handle)
{
    const bad_rearm cases[] = {
        {"time in the past", false, 99, SIM_PHASE_APP, false, SIM_EPAST},
        {"time beyond SIM_TIME_MAX", false, SIM_TIME_MAX + 1, SIM_PHASE_APP, false, SIM_ELIMIT},
        {"phase -1", false, 150, -1, false, SIM_EINVAL},
        {"phase 256", false, 150, SIM_PHASE_MAX + 1, false, SIM_EINVAL},
        {"NULL handler", false, 150, SIM_PHASE_APP, true, SIM_EINVAL},
        {"negative delay", true, -1, SIM_PHASE_APP, false, SIM_EPAST},
        {"delay past SIM_TIME_MAX", true, SIM_TIME_MAX, SIM_PHASE_APP, false, SIM_ELIMIT},
    };
    enum { HEAP, LANE, FIRED, NONE, KINDS };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int kind = 0; kind < KINDS; kind++) {
            const bad_rearm *b = &cases[c];
            sim_engine *e = sim_engine_new(0);
            trace *log = calloc(1, sizeof *log);
            cr_assert(e && log);
            sim_handle victim = SIM_HANDLE_NONE;
            if (kind == FIRED)
                victim = sched(e, 50, SIM_PHASE_APP, log, 1);
            cr_assert_eq(sim_run_until(e, 100), SIM_RUN_REACHED);
            /* The keeper takes the fired victim's slot: a stale re-arm must leave it alone. */
            sim_handle keeper = sched(e, 150, SIM_PHASE_APP, log, 2);
            if (kind == HEAP)
                victim = sched(e, 200, SIM_PHASE_APP, log, 3);
            else if (kind == LANE)
                victim = sched(e, 100, SIM_PHASE_APP, log, 3);
            size_t pending_before = sim_pending_count(e);
            sim_handle h = victim;
            int rc = b->relative ? sim_rearm_in(e, &h, b->time, b->phase, b->null_fn ? NULL : note, log, 4)
                                 : sim_rearm(e, &h, b->time, b->phase, b->null_fn ? NULL : note, log, 4);
            cr_assert_eq(rc, b->rc, "%s, kind %d: rc %d", b->what, kind, rc);
            cr_assert_eq(h, SIM_HANDLE_NONE, "%s, kind %d: *h not cleared", b->what, kind);
            cr_assert_not(sim_is_pending(e, victim), "%s, kind %d: old event not cancelled", b->what, kind);
            cr_assert(sim_is_pending(e, keeper), "%s, kind %d: another event was cancelled", b->what, kind);
            size_t want = kind == HEAP || kind == LANE ? pending_before - 1 : pending_before;
            cr_assert_eq(sim_pending_count(e), want, "%s, kind %d", b->what, kind);
            sim_run(e);
            size_t first = kind == FIRED ? 1 : 0;
            cr_assert_eq(log->n, first + 1, "%s, kind %d: only the keeper fires", b->what, kind);
            cr_assert_eq(log->args[first], 2);
            sim_engine_free(e);
            free(log);
        }
    }
}

/* Re-arming onto a tie goes behind the events already at that (time, phase) and ahead of those
 * scheduled after it: the order a cancel + schedule gives. `t` is the instant of the ties. */
static void tie_script(sim_engine *e, trace *log, sim_time t, int phase)
{
    sim_handle a = sched(e, t, phase, log, 1);
    sim_handle b = sched(e, t, phase, log, 2);
    sched(e, t, phase, log, 3);
    rearm_ok(e, &b, t, phase, log, 12); /* 1 3 12 */
    sched(e, t, phase, log, 4);         /* 1 3 12 4 */
    rearm_ok(e, &a, t, phase, log, 11); /* 3 12 4 11 */
    sim_handle x = sched(e, t, phase + 1, log, 5);
    rearm_ok(e, &x, t, phase, log, 15); /* 3 12 4 11 15: the later phase moved onto the tie */
    sim_handle y = sched(e, t + 1, phase - 1, log, 6);
    rearm_ok(e, &y, t, phase - 1, log, 16); /* 16 first: an earlier phase at the same instant */
}

Test(rearm, ties_in_the_heap_follow_the_sequence)
{
    tie_script(eng, tr, 100, SIM_PHASE_APP); /* time 100 > now 0: all in the heap */
    sim_run(eng);
    EXPECT_ARGS(tr, 16, 3, 12, 4, 11, 15);
    expect_all_at(tr, 100);
}

static void tie_script_at_now(sim_engine *e, scripted *s) { tie_script(e, s->log, sim_now(e), SIM_PHASE_APP); }

Test(lane, rearm_ties_in_the_lane_follow_the_sequence)
{
    scripted s = {.log = tr, .script = tie_script_at_now};
    cr_assert_eq(sim_schedule(eng, 100, SIM_PHASE_ENVIRONMENT, run_script, &s, 0, NULL), SIM_OK);
    sim_run(eng);
    EXPECT_ARGS(tr, 0, 16, 3, 12, 4, 11, 15);
    expect_all_at(tr, 100);
}

/* Ties between heap events (scheduled before the instant) and lane events (scheduled at it). */
static void heap_lane_ties(sim_engine *e, scripted *s)
{
    /* Pending at now, APP, in the heap: 1 2 5. The comments give the APP queue after each step. */
    sim_time now = sim_now(e);
    sim_handle c = sched(e, now, SIM_PHASE_APP, s->log, 3); /* 1 2 5 3 (3 in the lane) */
    rearm_ok(e, &s->h[0], now, SIM_PHASE_APP, s->log, 11);  /* heap event re-armed at now: 2 5 3 11 */
    sched(e, now, SIM_PHASE_APP, s->log, 4);                /* 2 5 3 11 4 */
    rearm_ok(e, &c, now, SIM_PHASE_APP, s->log, 13);        /* lane to lane: 2 5 11 4 13 */
    rearm_ok(e, &s->h[1], now, SIM_PHASE_OS, s->log, 12);   /* to an earlier phase: 12 | 5 11 4 13 */
    rearm_ok(e, &s->h[2], now + 5, SIM_PHASE_APP, s->log, 15); /* leaves the instant: 11 4 13 */
}

Test(lane, rearm_ties_between_heap_and_lane_follow_the_sequence)
{
    scripted s = {.log = tr, .script = heap_lane_ties};
    cr_assert_eq(sim_schedule(eng, 100, SIM_PHASE_ENVIRONMENT, run_script, &s, 0, NULL), SIM_OK);
    s.h[0] = sched(eng, 100, SIM_PHASE_APP, tr, 1);
    s.h[1] = sched(eng, 100, SIM_PHASE_APP, tr, 2);
    s.h[2] = sched(eng, 100, SIM_PHASE_APP, tr, 5);
    sim_run(eng);
    EXPECT_ARGS(tr, 0, 12, 11, 4, 13, 15);
    cr_assert_eq(tr->times[5], 105);
}

/* Re-arming a timer to the (time, phase) it already has: when it is the newest event there the
 * engine leaves it in place (rearm_in_place in sim_engine.c), otherwise it moves behind the rest;
 * either way the order is the one cancel + schedule gives (worked out by hand in the comments). */
Test(rearm, to_its_own_time_and_phase_fires_after_the_events_already_there)
{
    sim_handle a = sched(eng, 100, SIM_PHASE_OS, tr, 1);
    sim_handle b = sched(eng, 100, SIM_PHASE_OS, tr, 2);
    sim_handle c = sched(eng, 100, SIM_PHASE_OS, tr, 3);
    rearm_ok(eng, &c, 100, SIM_PHASE_OS, tr, 13); /* the newest already: 1 2 13 */
    rearm_ok(eng, &a, 100, SIM_PHASE_OS, tr, 11); /* not the newest: 2 13 11 */
    rearm_ok(eng, &b, 100, SIM_PHASE_OS, tr, 12); /* 13 11 12 */
    rearm_ok(eng, &b, 100, SIM_PHASE_OS, tr, 22); /* the newest again: 13 11 22 */
    sim_handle d = sched(eng, 100, SIM_PHASE_OS, tr, 4); /* 13 11 22 4 */
    cr_assert_eq(sim_cancel(eng, d), SIM_OK);           /* 13 11 22, but 4's sequence was issued */
    rearm_ok(eng, &b, 100, SIM_PHASE_OS, tr, 32);       /* 13 11 32 */
    sched(eng, 100, SIM_PHASE_APP, tr, 5);               /* another phase: 13 11 32 | 5 */
    rearm_ok(eng, &a, 100, SIM_PHASE_OS, tr, 21);       /* 13 32 21 | 5 */
    rearm_ok(eng, &a, 100, SIM_PHASE_OS, tr, 31);       /* 13 32 31 | 5 */
    cr_assert_eq(sim_run(eng), SIM_RUN_EMPTY);
    EXPECT_ARGS(tr, 13, 32, 31, 5);
    expect_all_at(tr, 100);
}

/* After the sequences are renumbered, no sequence is known as the newest of its (time, phase): two
 * events at (0, phase 0) renumbered 0 and 1 by a schedule elsewhere; re-arming the first to its own
 * key must put it behind the second (a table of newest sequences cleared to zeros would say "0 is the
 * newest at (0, 0)" and leave it first). */
Test(rearm, after_renumbering_to_its_own_time_and_phase_fires_last)
{
    sim_handle a = sched(eng, 0, 0, tr, 1);
    sched(eng, 0, 0, tr, 2);
    sim_debug_set_next_sequence(eng, SEQ_LAST);
    sched(eng, 5, SIM_PHASE_APP, tr, 3); /* takes the last sequence */
    sched(eng, 7, SIM_PHASE_APP, tr, 4); /* renumbers: 1 -> 0, 2 -> 1, 3 -> 2; 4 takes 3 */
    rearm_ok(eng, &a, 0, 0, tr, 11);
    cr_assert_eq(sim_run(eng), SIM_RUN_EMPTY);
    EXPECT_ARGS(tr, 2, 11, 3, 4);
}

/*
 * Re-arm posts (sim_post_rearm): a post at (now, phase) stands for an event whose only effect is
 * sim_rearm of a timer to its own time. Each test runs the same script twice, once with the post
 * and once with the event it stands for (a real event that re-arms the timer), and the firing
 * orders, fired counts and pending counts must be equal.
 */
typedef struct rearm_event {
    sim_handle *timer;
    trace *log;
    uint64_t arg;
} rearm_event;

static void do_rearm(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    rearm_event *r = ctx;
    sim_time t = 0;
    cr_assert_eq(sim_event_time(e, *r->timer, &t), SIM_OK);
    cr_assert_eq(sim_rearm(e, r->timer, t, SIM_PHASE_OS, note, r->log, r->arg), SIM_OK);
}

/* At (10, ENV): post (or schedule) the re-arm of timer T (at 100, OS, arg 1); then, when `interloper`,
 * schedule Z at (100, OS) before the post's turn (so the re-arm must move T behind Z); `promote` turns
 * the post into a real event (arg 9) that must fire at the post's place, before Y (10, OS). */
typedef struct post_case {
    trace *log;
    bool use_post, interloper, promote;
    sim_handle timer;
    sim_ticket ticket;
    rearm_event ev;
} post_case;

static void post_script(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    post_case *c = ctx;
    c->ev = (rearm_event){.timer = &c->timer, .log = c->log, .arg = 1};
    if (c->use_post)
        cr_assert_eq(sim_post_rearm(e, SIM_PHASE_OS, &c->timer, &c->ticket), SIM_OK);
    else if (!c->promote)
        cr_assert_eq(sim_schedule(e, 10, SIM_PHASE_OS, do_rearm, &c->ev, 0, NULL), SIM_OK);
    else
        cr_assert_eq(sim_schedule(e, 10, SIM_PHASE_OS, note, c->log, 9, NULL), SIM_OK);
    sched(e, 10, SIM_PHASE_OS, c->log, 2); /* Y: after the post */
    if (c->interloper)
        sched(e, 100, SIM_PHASE_OS, c->log, 3); /* Z: at the timer's time and phase */
    if (c->use_post && c->promote) {
        cr_assert(sim_ticket_pending(e, c->ticket));
        cr_assert_eq(sim_ticket_schedule(e, c->ticket, note, c->log, 9, NULL), SIM_OK);
        cr_assert_not(sim_ticket_pending(e, c->ticket));
    }
}

static void run_post_case(bool use_post, bool interloper, bool promote, trace *log, uint64_t *fired)
{
    sim_engine *e = sim_engine_new(0);
    cr_assert(e);
    post_case c = {.log = log, .use_post = use_post, .interloper = interloper, .promote = promote};
    c.timer = sched(e, 100, SIM_PHASE_OS, log, 1);
    cr_assert_eq(sim_schedule(e, 10, SIM_PHASE_ENVIRONMENT, post_script, &c, 0, NULL), SIM_OK);
    cr_assert_eq(sim_run_until(e, 10), SIM_RUN_REACHED);
    cr_assert_eq(sim_pending_count(e), interloper ? 2u : 1u, "the post fired by the end of its instant");
    if (use_post && !promote)
        cr_assert_not(sim_ticket_pending(e, c.ticket));
    cr_assert_eq(sim_run(e), SIM_RUN_EMPTY);
    *fired = sim_fired_count(e);
    sim_engine_free(e);
}

Test(rearm_post, fires_like_the_event_it_stands_for)
{
    for (int v = 0; v < 4; v++) {
        bool interloper = v & 1, promote = v & 2;
        trace *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
        cr_assert(a && b);
        uint64_t fa = 0, fb = 0;
        run_post_case(true, interloper, promote, a, &fa);
        run_post_case(false, interloper, promote, b, &fb);
        expect_args_(a, b->args, b->n);
        cr_assert_eq(fa, fb, "a post counts as fired (case %d)", v);
        free(a);
        free(b);
    }
}

/* The orders worked out by hand, for the two re-arm cases: without Z the timer stays where it was;
 * with Z scheduled at (100, OS) before the post's turn, the re-arm puts it behind Z. */
Test(rearm_post, moves_the_timer_behind_an_event_scheduled_at_its_time_before_the_post_fired)
{
    uint64_t fired = 0;
    run_post_case(true, false, false, tr, &fired);
    EXPECT_ARGS(tr, 2, 1);
    tr->n = 0;
    run_post_case(true, true, false, tr, &fired);
    EXPECT_ARGS(tr, 2, 3, 1);
}

/* A handler posts a re-arm for its own instant and stops the run: the run returns before the post's
 * turn (a post, like an event, waits for the next run), and the next run fires it. */
static void post_then_stop(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    post_case *c = ctx;
    cr_assert_eq(sim_post_rearm(e, SIM_PHASE_OS, &c->timer, &c->ticket), SIM_OK);
    sim_stop(e);
}

Test(rearm_post, waits_for_the_next_run_after_a_stop)
{
    post_case c = {.log = tr, .use_post = true, .timer = sched(eng, 100, SIM_PHASE_OS, tr, 1)};
    cr_assert_eq(sim_schedule(eng, 10, SIM_PHASE_ENVIRONMENT, post_then_stop, &c, 0, NULL), SIM_OK);
    cr_assert_eq(sim_run_until(eng, 50), SIM_RUN_STOPPED);
    cr_assert_eq(sim_now(eng), 10);
    cr_assert(sim_ticket_pending(eng, c.ticket), "the stop ended the run before the post's turn");
    cr_assert_eq(sim_fired_count(eng), 1);
    cr_assert_eq(sim_run_until(eng, 50), SIM_RUN_REACHED);
    cr_assert_not(sim_ticket_pending(eng, c.ticket));
    cr_assert_eq(sim_fired_count(eng), 2);
    cr_assert_eq(sim_now(eng), 50);
    cr_assert_eq(sim_run(eng), SIM_RUN_EMPTY);
    EXPECT_ARGS(tr, 1);
}

/* The last pending event stops the run: the run says it was stopped, not that it ran out. */
static void stop_now(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)ctx;
    (void)arg;
    sim_stop(e);
}

Test(lane, stopped_by_the_last_event_is_stopped_not_empty)
{
    cr_assert_eq(sim_schedule(eng, 10, SIM_PHASE_APP, stop_now, NULL, 0, NULL), SIM_OK);
    cr_assert_eq(sim_run(eng), SIM_RUN_STOPPED);
    cr_assert_eq(sim_run(eng), SIM_RUN_EMPTY);
    cr_assert_eq(sim_schedule(eng, 20, SIM_PHASE_APP, stop_now, NULL, 0, NULL), SIM_OK);
    cr_assert_eq(sim_run_until(eng, 100), SIM_RUN_STOPPED);
    cr_assert_eq(sim_now(eng), 20);
    cr_assert_eq(sim_run_until(eng, 100), SIM_RUN_REACHED);
    cr_assert_eq(sim_now(eng), 100);
}

Test(rearm_post, refuses_a_stale_timer_a_bad_phase_and_too_many_posts)
{
    sim_handle none = SIM_HANDLE_NONE;
    sim_ticket t = SIM_TICKET_NONE;
    cr_assert_eq(sim_post_rearm(eng, SIM_PHASE_OS, &none, &t), SIM_ESTALE);
    sim_handle timers[8];
    for (int i = 0; i < 8; i++)
        timers[i] = sched(eng, 100 + i, SIM_PHASE_OS, tr, (uint64_t)i);
    cr_assert_eq(sim_post_rearm(eng, SIM_PHASE_MAX + 1, &timers[0], &t), SIM_EINVAL);
    int ok = 0;
    for (int i = 0; i < 8; i++)
        ok += sim_post_rearm(eng, SIM_PHASE_OS, &timers[i], &t) == SIM_OK;
    cr_assert(ok >= 1 && ok < 8, "a handful of posts, then SIM_ELIMIT");
    cr_assert_eq(sim_post_rearm(eng, SIM_PHASE_OS, &timers[7], &t), SIM_ELIMIT);
    cr_assert_eq(sim_pending_count(eng), (size_t)(8 + ok));
    cr_assert_eq(sim_ticket_schedule(eng, SIM_TICKET_NONE, note, tr, 0, NULL), SIM_ESTALE);
    cr_assert_eq(sim_run(eng), SIM_RUN_EMPTY);
    cr_assert_eq(sim_fired_count(eng), (uint64_t)(8 + ok));
    cr_assert_not(sim_ticket_pending(eng, t));
}

/* Sequences renumbered while a post is pending: the post keeps its place among the events. */
Test(rearm_post, keeps_its_place_when_sequences_are_renumbered)
{
    sim_handle timer = sched(eng, 100, SIM_PHASE_OS, tr, 1);
    sched(eng, 0, SIM_PHASE_OS, tr, 2); /* before the post */
    sim_ticket t = SIM_TICKET_NONE;
    cr_assert_eq(sim_post_rearm(eng, SIM_PHASE_OS, &timer, &t), SIM_OK);
    sched(eng, 0, SIM_PHASE_OS, tr, 3); /* after the post */
    sim_debug_set_next_sequence(eng, SEQ_LAST);
    sched(eng, 5, SIM_PHASE_OS, tr, 4); /* takes the last sequence */
    sched(eng, 6, SIM_PHASE_OS, tr, 5); /* renumbers */
    cr_assert_eq(sim_ticket_schedule(eng, t, note, tr, 9, NULL), SIM_OK);
    cr_assert_eq(sim_run(eng), SIM_RUN_EMPTY);
    EXPECT_ARGS(tr, 2, 9, 3, 4, 5, 1);
}

/* At (50, OS) a handler re-arms two far timers to the current time: T to (now, APP) and T2 to
 * (now, OS). Pending at 50: Z (OS, scheduled after the handler), Y1 (APP), Y2 (OBSERVE). */
static void rearm_to_now(sim_engine *e, scripted *s)
{
    cr_assert_eq(sim_rearm(e, &s->h[0], sim_now(e), SIM_PHASE_APP, note_tagged, &s->tag, 1), SIM_OK);
    cr_assert_eq(sim_rearm_in(e, &s->h[1], 0, SIM_PHASE_OS, note_tagged, &s->tag, 2), SIM_OK);
    sim_time t = 0;
    cr_assert_eq(sim_event_time(e, s->h[0], &t), SIM_OK);
    cr_assert_eq(t, 50);
}

Test(rearm, to_now_from_a_handler)
{
    scripted s = {.log = tr, .script = rearm_to_now, .tag = {.log = tr, .tag = 9}};
    s.h[0] = sched(eng, 1000, SIM_PHASE_ENVIRONMENT, tr, 90); /* T */
    s.h[1] = sched(eng, 2000, SIM_PHASE_OBSERVE, tr, 91);     /* T2 */
    cr_assert_eq(sim_schedule(eng, 50, SIM_PHASE_OS, run_script, &s, 0, NULL), SIM_OK);
    sched(eng, 50, SIM_PHASE_APP, tr, 5);     /* Y1 */
    sched(eng, 50, SIM_PHASE_OBSERVE, tr, 6); /* Y2 */
    sched(eng, 50, SIM_PHASE_OS, tr, 7);      /* Z */
    cr_assert_eq(sim_run(eng), SIM_RUN_EMPTY);
    /* handler, Z (OS, earlier sequence), T2' (OS), Y1 (APP, earlier sequence), T' (APP), Y2. */
    EXPECT_ARGS(tr, 0, 7, 9002, 5, 9001, 6);
    expect_all_at(tr, 50);
}

/* From an APP handler, re-arming to now in an earlier phase: it fires next, before the rest of the
 * APP events of the instant (the order is (time, phase, sequence) among pending events). */
static void rearm_to_now_earlier_phase(sim_engine *e, scripted *s)
{
    rearm_ok(e, &s->h[0], sim_now(e), SIM_PHASE_ENVIRONMENT, s->log, 11);
    sim_handle l = sched(e, sim_now(e), SIM_PHASE_OBSERVE, s->log, 3); /* a lane event ... */
    rearm_ok(e, &l, sim_now(e), SIM_PHASE_ENVIRONMENT, s->log, 13);    /* ... moved ahead in it */
}

Test(rearm, to_now_in_an_earlier_phase_fires_next)
{
    scripted s = {.log = tr, .script = rearm_to_now_earlier_phase};
    cr_assert_eq(sim_schedule(eng, 50, SIM_PHASE_APP, run_script, &s, 0, NULL), SIM_OK);
    sched(eng, 50, SIM_PHASE_APP, tr, 2);
    s.h[0] = sched(eng, 60, SIM_PHASE_OBSERVE, tr, 1);
    sim_run(eng);
    EXPECT_ARGS(tr, 0, 11, 13, 2);
    expect_all_at(tr, 50);
}

/* sim_rearm when the 32-bit sequences have just run out (it must renumber exactly as a cancel +
 * schedule would). Run on two engines, one re-arming and one cancelling and scheduling: handle
 * values and firing orders must be identical. */
static void at_limit_script(sim_engine *e, trace *log, bool use_rearm, sim_handle out[2])
{
    sim_handle x = sched(e, 100, SIM_PHASE_APP, log, 1);
    sched(e, 100, SIM_PHASE_APP, log, 2);
    sched(e, 100, SIM_PHASE_APP, log, 3);
    sched(e, 0, SIM_PHASE_APP, log, 7);                /* in the lane: now is 0 */
    sim_handle w = sched(e, 0, SIM_PHASE_APP, log, 4); /* in the lane */
    sim_debug_set_next_sequence(e, SEQ_LAST);
    sched(e, 100, SIM_PHASE_APP, log, 5); /* takes the last sequence */
    if (use_rearm) {
        rearm_ok(e, &x, 100, SIM_PHASE_APP, log, 11); /* a heap event at the limit */
    } else {
        cr_assert_eq(sim_cancel(e, x), SIM_OK);
        x = sched(e, 100, SIM_PHASE_APP, log, 11);
    }
    sim_debug_set_next_sequence(e, SEQ_LAST);
    sched(e, 0, SIM_PHASE_OS, log, 6); /* the last sequence again */
    if (use_rearm) {
        rearm_ok(e, &w, 0, SIM_PHASE_APP, log, 14); /* a lane event at the limit */
    } else {
        cr_assert_eq(sim_cancel(e, w), SIM_OK);
        w = sched(e, 0, SIM_PHASE_APP, log, 14);
    }
    out[0] = x;
    out[1] = w;
}

Test(rearm, at_the_sequence_limit_equals_cancel_then_schedule)
{
    sim_engine *twin = sim_engine_new(0);
    trace *tlog = calloc(1, sizeof *tlog);
    cr_assert(twin && tlog);
    sim_handle by_rearm[2], by_definition[2];
    at_limit_script(eng, tr, true, by_rearm);
    at_limit_script(twin, tlog, false, by_definition);
    cr_assert_eq(by_rearm[0], by_definition[0], "handle of the heap event");
    cr_assert_eq(by_rearm[1], by_definition[1], "handle of the lane event");
    sim_run(eng);
    sim_run(twin);
    /* At 0: 6 (OS), 7, 14; at 100: 2, 3, 5, 11. */
    EXPECT_ARGS(tr, 6, 7, 14, 2, 3, 5, 11);
    expect_args_(tlog, tr->args, tr->n);
    sim_engine_free(twin);
    free(tlog);
}

/*
 * Equivalence with the definition: random operations on two engines in lockstep, one using
 * sim_rearm / sim_rearm_in, the other sim_cancel + sim_schedule (and clearing the handle on
 * error, as the header says). Every handle value, return code and the firing order must match.
 * Operations happen between slices of sim_run_until, so delays of 0 land in the lane (at now).
 */
typedef struct twin_op_result {
    int rc;
    sim_handle h;
} twin_op_result;

static twin_op_result rearm_by_definition(sim_engine *e, sim_handle h, sim_time time, int phase, bool null_fn,
                                          trace *log, uint64_t arg)
{
    sim_cancel(e, h);
    twin_op_result r = {.h = h};
    r.rc = sim_schedule(e, time, phase, null_fn ? NULL : note, log, arg, &r.h);
    if (r.rc != SIM_OK)
        r.h = SIM_HANDLE_NONE;
    return r;
}

Test(rearm, random_rearms_equal_cancel_then_schedule)
{
    enum { OPS = 4000, SLOTS = 64 };
    sim_engine *twin = sim_engine_new(0);
    trace *tlog = calloc(1, sizeof *tlog);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    cr_assert(twin && tlog && r);
    gsl_rng_set(r, 11);
    sim_handle ha[SLOTS] = {0}, hb[SLOTS] = {0}; /* the same timers in the two engines */
    size_t moved = 0, stale = 0, errors = 0, lane = 0;
    for (uint64_t op = 0; op < OPS; op++) {
        size_t i = gsl_rng_uniform_int(r, SLOTS);
        sim_time delay = gsl_rng_uniform_int(r, 2) ? 0 : (sim_time)gsl_rng_uniform_int(r, 40);
        int phase = (int)gsl_rng_uniform_int(r, 4) * 32 + 32;
        bool null_fn = false;
        unsigned long kind = gsl_rng_uniform_int(r, 40);
        if (kind == 0)
            delay = -1; /* EPAST */
        else if (kind == 1)
            phase = SIM_PHASE_MAX + 1; /* EINVAL */
        else if (kind == 2)
            null_fn = true; /* EINVAL */
        if (op == OPS / 4 || op == OPS / 2 || op == 3 * OPS / 4) { /* run out of sequences soon */
            uint64_t seq = SEQ_LAST - gsl_rng_uniform_int(r, 3);
            sim_debug_set_next_sequence(eng, seq);
            sim_debug_set_next_sequence(twin, seq);
        }
        bool pending = sim_is_pending(eng, ha[i]);
        cr_assert_eq(pending, sim_is_pending(twin, hb[i]));
        moved += pending;
        stale += !pending;
        lane += delay == 0;
        int rc;
        if (gsl_rng_uniform_int(r, 2))
            rc = sim_rearm_in(eng, &ha[i], delay, phase, null_fn ? NULL : note, tr, op);
        else if (delay >= 0)
            rc = sim_rearm(eng, &ha[i], sim_now(eng) + delay, phase, null_fn ? NULL : note, tr, op);
        else
            rc = sim_rearm(eng, &ha[i], sim_now(eng) - 1, phase, null_fn ? NULL : note, tr, op);
        twin_op_result want = rearm_by_definition(twin, hb[i], sim_now(twin) + delay, phase, null_fn, tlog, op);
        hb[i] = want.h;
        errors += rc != SIM_OK;
        cr_assert_eq(rc, want.rc, "op %lu: rc %d, by definition %d", (unsigned long)op, rc, want.rc);
        cr_assert_eq(ha[i], hb[i], "op %lu: handle %#lx, by definition %#lx", (unsigned long)op,
                     (unsigned long)ha[i], (unsigned long)hb[i]);
        cr_assert_eq(sim_pending_count(eng), sim_pending_count(twin));
        if (gsl_rng_uniform_int(r, 8) == 0) { /* a plain cancel now and then */
            size_t j = gsl_rng_uniform_int(r, SLOTS);
            cr_assert_eq(sim_cancel(eng, ha[j]), sim_cancel(twin, hb[j]));
        }
        if (gsl_rng_uniform_int(r, 8) == 0) {
            sim_time until = sim_now(eng) + (sim_time)gsl_rng_uniform_int(r, 6);
            sim_run_until(eng, until);
            sim_run_until(twin, until);
            cr_assert_eq(tr->n, tlog->n);
            tr->n = tlog->n = 0; /* compared slice by slice: the traces would overflow */
        }
        for (size_t k = 0; k < tr->n; k++)
            cr_assert_eq(tr->args[k], tlog->args[k]);
    }
    sim_run(eng);
    sim_run(twin);
    expect_args_(tlog, tr->args, tr->n);
    cr_assert_gt(moved, 900, "test premise: many pending events re-armed");
    cr_assert_gt(stale, 500, "test premise: many stale handles re-armed");
    cr_assert_gt(errors, 150, "test premise: errors");
    cr_assert_gt(lane, 1500, "test premise: many re-arms to now");
    gsl_rng_free(r);
    sim_engine_free(twin);
    free(tlog);
}

/* ---------------------------------------------------------------------------------------------
 * The lane: events scheduled at the current time, beside the heap
 */

/* At (10, ENV) a handler posts at now in every phase, latest phase first, plus phase 0. Already
 * pending in the heap at 10: one event in each named phase, scheduled after the handler. */
static void post_all_phases(sim_engine *e, scripted *s)
{
    sched(e, sim_now(e), SIM_PHASE_OBSERVE, s->log, 5);
    sched(e, sim_now(e), SIM_PHASE_APP, s->log, 6);
    sched(e, sim_now(e), SIM_PHASE_OS, s->log, 7);
    sched(e, sim_now(e), SIM_PHASE_ENVIRONMENT, s->log, 8);
    sched(e, sim_now(e), 0, s->log, 9);
}

Test(lane, and_heap_at_one_instant_fire_by_phase_then_sequence)
{
    scripted s = {.log = tr, .script = post_all_phases};
    cr_assert_eq(sim_schedule(eng, 10, SIM_PHASE_ENVIRONMENT, run_script, &s, 0, NULL), SIM_OK);
    sched(eng, 10, SIM_PHASE_ENVIRONMENT, tr, 1);
    sched(eng, 10, SIM_PHASE_OS, tr, 2);
    sched(eng, 10, SIM_PHASE_APP, tr, 3);
    sched(eng, 10, SIM_PHASE_OBSERVE, tr, 4);
    sched(eng, 11, 0, tr, 10);
    sim_run(eng);
    /* In each phase the heap event was scheduled first: heap before lane; phase 0 (9) right after
     * the handler although posted last; the next instant after all of it. */
    EXPECT_ARGS(tr, 0, 9, 1, 8, 2, 7, 3, 6, 4, 5, 10);
    cr_assert_eq(tr->times[10], 11);
}

/* More events at now than the lane holds (it overflows into the heap), in scrambled phases with
 * many ties, beside heap events at the same instant. The expected order is a sort by
 * (phase, sequence) of what is pending when the handler returns. */
typedef struct posted {
    int phase;
    uint64_t seq;
    uint64_t arg;
} posted;

static int posted_cmp(const void *a, const void *b)
{
    const posted *x = a, *y = b;
    if (x->phase != y->phase)
        return x->phase < y->phase ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

enum { FLOOD = 40 };
static posted flood_ref[FLOOD + 4];

static void flood(sim_engine *e, scripted *s)
{
    for (uint64_t i = 0; i < FLOOD; i++) {
        /* Phases 0, 32, ..., 224 with repeats, every fifth APP (the handler's own phase). */
        int phase = i % 5 == 0 ? SIM_PHASE_APP : (int)((i * 3) % 8) * 32;
        flood_ref[4 + i] = (posted){.phase = phase, .seq = 4 + i, .arg = 100 + i};
        sched(e, sim_now(e), phase, s->log, 100 + i);
    }
}

Test(lane, overflow_into_the_heap_keeps_the_order)
{
    scripted s = {.log = tr, .script = flood};
    cr_assert_eq(sim_schedule(eng, 10, SIM_PHASE_APP, run_script, &s, 0, NULL), SIM_OK);
    const int heap_phases[4] = {SIM_PHASE_OBSERVE, SIM_PHASE_APP, 224, SIM_PHASE_APP};
    for (uint64_t i = 0; i < 4; i++) {
        flood_ref[i] = (posted){.phase = heap_phases[i], .seq = i, .arg = 1 + i};
        sched(eng, 10, heap_phases[i], tr, 1 + i);
    }
    sim_run(eng);
    qsort(flood_ref, FLOOD + 4, sizeof *flood_ref, posted_cmp);
    cr_assert_eq(tr->n, FLOOD + 5);
    cr_assert_eq(tr->args[0], 0);
    for (size_t k = 0; k < FLOOD + 4; k++)
        cr_assert_eq(tr->args[k + 1], flood_ref[k].arg, "position %zu fired %lu, expected %lu", k + 1,
                     (unsigned long)tr->args[k + 1], (unsigned long)flood_ref[k].arg);
    expect_all_at(tr, 10);
}

/* Cancels, reschedules and re-arms of lane events, including events whose lane position shifted
 * because an earlier one was removed. At (10, ENV); pending in the heap: H1 (10, APP) and
 * E20 (20, ENV). */
static void lane_edits(sim_engine *e, scripted *s)
{
    sim_time now = sim_now(e);
    sim_handle l1 = sched(e, now, SIM_PHASE_APP, s->log, 1);
    sim_handle l2 = sched(e, now, SIM_PHASE_APP, s->log, 2);
    sim_handle l3 = sched(e, now, SIM_PHASE_APP, s->log, 3);
    sim_handle l4 = sched(e, now, SIM_PHASE_OS, s->log, 4);
    sim_handle l5 = sched(e, now, SIM_PHASE_OBSERVE, s->log, 5);
    sim_handle l6 = sched(e, now, SIM_PHASE_OBSERVE, s->log, 6);
    cr_assert_eq(sim_cancel(e, l2), SIM_OK); /* H1 1 3 | 4 | 5 6 */
    cr_assert_eq(sim_cancel(e, l2), SIM_ESTALE);
    cr_assert_eq(sim_cancel(e, l6), SIM_OK); /* shifted by the cancel of 2 */
    rearm_ok(e, &l1, now, SIM_PHASE_APP, s->log, 11); /* H1 3 11 */
    cr_assert_eq(sim_reschedule(e, l3, now), SIM_OK); /* H1 11 3 */
    rearm_ok(e, &l4, now + 10, SIM_PHASE_OS, s->log, 14); /* to 20, after E20 (ENV) */
    sim_time t = 0;
    cr_assert_eq(sim_event_time(e, l5, &t), SIM_OK);
    cr_assert_eq(t, now);
    cr_assert_eq(sim_reschedule(e, l5, now + 10), SIM_OK); /* to 20, OBSERVE: after 14 */
    sim_handle l7 = sched(e, now, SIM_PHASE_APP, s->log, 7);
    cr_assert_eq(sim_cancel(e, l7), SIM_OK);
    cr_assert_eq(sim_pending_count(e), 6, "H1 E20 11 3 14 5");
}

Test(lane, cancels_reschedules_and_rearms_of_lane_events)
{
    scripted s = {.log = tr, .script = lane_edits};
    cr_assert_eq(sim_schedule(eng, 10, SIM_PHASE_ENVIRONMENT, run_script, &s, 0, NULL), SIM_OK);
    sched(eng, 10, SIM_PHASE_APP, tr, 90);
    sched(eng, 20, SIM_PHASE_ENVIRONMENT, tr, 91);
    sim_run(eng);
    EXPECT_ARGS(tr, 0, 90, 11, 3, 91, 14, 5);
    const sim_time at[] = {10, 10, 10, 10, 20, 20, 20};
    for (size_t i = 0; i < 7; i++)
        cr_assert_eq(tr->times[i], at[i]);
}

/* A run stopped at an instant leaves heap events at that instant pending; events then scheduled
 * at now from outside a run (lane) must interleave with them by phase and sequence. */
static void stop_here(sim_engine *e, void *ctx, uint64_t arg)
{
    note(e, ctx, arg);
    sim_stop(e);
}

Test(lane, scheduled_from_outside_after_a_stop)
{
    cr_assert_eq(sim_schedule(eng, 100, SIM_PHASE_ENVIRONMENT, stop_here, tr, 0, NULL), SIM_OK);
    sched(eng, 100, SIM_PHASE_APP, tr, 1);
    sched(eng, 100, SIM_PHASE_ENVIRONMENT, tr, 2);
    cr_assert_eq(sim_run(eng), SIM_RUN_STOPPED);
    cr_assert_eq(sim_now(eng), 100);
    sched(eng, 100, SIM_PHASE_OS, tr, 3);
    sched(eng, 100, SIM_PHASE_ENVIRONMENT, tr, 4);
    sim_handle five = sched(eng, 100, SIM_PHASE_APP, tr, 5);
    rearm_ok(eng, &five, 100, SIM_PHASE_ENVIRONMENT, tr, 15);
    sim_time t = 0;
    cr_assert(sim_peek_time(eng, &t));
    cr_assert_eq(t, 100);
    sim_run(eng);
    EXPECT_ARGS(tr, 0, 2, 4, 15, 3, 1);
    expect_all_at(tr, 100);
}

/* Sequences run out while events sit in the lane: the renumbering must keep them in order with
 * the heap's and with events posted after it. At (10, ENV); pending in the heap: Q (10, APP). */
static void renumber_with_lane(sim_engine *e, scripted *s)
{
    sim_debug_set_next_sequence(e, SEQ_LAST - 1);
    sched(e, sim_now(e), SIM_PHASE_APP, s->log, 1);
    sched(e, sim_now(e), SIM_PHASE_APP, s->log, 2); /* the last sequence */
    sched(e, sim_now(e), SIM_PHASE_APP, s->log, 3); /* renumbers, then takes a small one */
    sched(e, sim_now(e), SIM_PHASE_OS, s->log, 4);
    sim_debug_set_next_sequence(e, SEQ_LAST);
    sched(e, sim_now(e), SIM_PHASE_APP, s->log, 5);
    rearm_ok(e, &s->h[0], sim_now(e), SIM_PHASE_APP, s->log, 16); /* Q, re-armed at the limit */
}

Test(lane, sequence_renumbering_keeps_lane_events_in_order)
{
    scripted s = {.log = tr, .script = renumber_with_lane};
    cr_assert_eq(sim_schedule(eng, 10, SIM_PHASE_ENVIRONMENT, run_script, &s, 0, NULL), SIM_OK);
    s.h[0] = sched(eng, 10, SIM_PHASE_APP, tr, 6);
    sched(eng, 10, SIM_PHASE_APP, tr, 7);
    sim_run(eng);
    EXPECT_ARGS(tr, 0, 4, 7, 1, 2, 3, 5, 16);
    expect_all_at(tr, 10);
}

/*
 * The lane also takes an event for later when it would be the heap's new root (the next event
 * but for the lane's): with room, it goes to the lane, where it may sit before, between or after
 * events at now. Here the lane fills with future events (each one earlier than all before it,
 * so each insertion shifts every entry), overflows into the heap, and the two must interleave;
 * then a lane event in the middle is cancelled, one is re-armed out of the lane to after the
 * heap's root, one rescheduled to the front, and ties at one future instant keep their FIFO order
 * across the two structures. Times are distinct except for the ties, so the expected order is the
 * args' own (arg = 10 * time + rank among the ties).
 */
Test(lane, future_events_before_the_heap_root_interleave_with_the_heap)
{
    sim_handle at[9] = {0};
    for (sim_time t = 80; t >= 10; t -= 10) /* all to the lane: each is the new minimum */
        at[t / 10] = sched(eng, t, SIM_PHASE_APP, tr, (uint64_t)(10 * t));
    sched(eng, 15, SIM_PHASE_APP, tr, 150); /* the lane is full: to the heap, between 10 and 20 */
    sched(eng, 25, SIM_PHASE_APP, tr, 250);
    sched(eng, 5, SIM_PHASE_APP, tr, 50);  /* the heap's new root, before the whole lane */
    sched(eng, 12, SIM_PHASE_APP, tr, 120);
    cr_assert_eq(sim_pending_count(eng), 12);
    cr_assert_eq(sim_run_until(eng, 10), SIM_RUN_REACHED); /* 5 (heap), 10 (lane) */
    EXPECT_ARGS(tr, 50, 100);
    sched(eng, 11, SIM_PHASE_APP, tr, 110); /* before the heap's root (12), lane has room */
    sched(eng, 13, SIM_PHASE_APP, tr, 130); /* after it: the heap */
    cr_assert_eq(sim_cancel(eng, at[4]), SIM_OK); /* 40, in the middle of the lane */
    rearm_ok(eng, &at[5], 14, SIM_PHASE_APP, tr, 140); /* 50 -> 14: after the root 11, heap */
    cr_assert_eq(sim_reschedule(eng, at[6], 10), SIM_OK); /* 60 -> now: the very next */
    sim_time t = 0;
    cr_assert(sim_peek_time(eng, &t));
    cr_assert_eq(t, 10);
    cr_assert_eq(sim_event_time(eng, at[7], &t), SIM_OK);
    cr_assert_eq(t, 70);
    /* Ties at 30: the lane's 30 was scheduled first, so both APP posts follow it; an ENV post
     * precedes it. */
    sched(eng, 30, SIM_PHASE_APP, tr, 301);
    sched(eng, 30, SIM_PHASE_ENVIRONMENT, tr, 299);
    sched(eng, 30, SIM_PHASE_APP, tr, 302);
    sim_run(eng);
    EXPECT_ARGS(tr, 50, 100, 600, 110, 120, 130, 140, 150, 200, 250, 299, 300, 301, 302, 700, 800);
    cr_assert_eq(tr->times[2], 10);
    cr_assert_eq(tr->times[13], 30);
}

/*
 * Randomized reference model. Handlers (and the test between run slices) schedule, cancel,
 * reschedule and re-arm at random, most often at the current time, in phases before and after the
 * running handler's. The model keeps every event's (time, phase, sequence), taking a sequence at
 * every schedule, reschedule and re-arm; each firing must be the model's minimum among its live
 * events, found by a linear scan. Optionally the engine's sequences are made to run out every few
 * hundred operations, so renumbering happens with events in the lane and at re-arms.
 *
 * The "heap-heavy" variant gives most events a delay, so that most firings are the heap's root and
 * a handler's first operation is often an event for the heap (the follow-up that may take the
 * fired root's place), followed by others (a second schedule, a cancel, a re-arm or a reschedule
 * of a heap event, a peek); handlers also stop the run now and then, and the run resumes. After
 * every operation the model checks the pending count, sim_peek_time and sim_event_time of a live
 * event, so every engine entry point is asked while a handler runs.
 * An operation may also be one query alone (sim_pending_count, sim_peek_time or sim_event_time),
 * so that a handler's first operation is sometimes a query. The directed cases at the end (suite
 * heap_pop) call each entry point first in a handler of an event taken from the heap.
 */
enum { MODEL_MAX = 20000 };

typedef struct mevent {
    sim_time time;
    int phase;
    uint64_t seq;
    sim_handle h;
    bool live;
} mevent;

typedef struct model {
    sim_engine *e;
    gsl_rng *r;
    mevent ev[MODEL_MAX];
    uint32_t live[MODEL_MAX]; /* ids of the live events, in no order */
    uint32_t live_at[MODEL_MAX];
    size_t n_ev, n_live;
    uint64_t seq;
    size_t ops, ops_budget;
    int cur_phase; /* of the running handler; -1 outside a run */
    bool renumber;
    unsigned zero_in_10; /* of every 10 delays, how many are 0 */
    bool stops;          /* handlers call sim_stop now and then */
    bool first_op;       /* the running handler has done no operation yet */
    bool stopped;        /* the running handler called sim_stop */
    uint64_t last_key_time, last_key_phase; /* of the previous firing, to count ties */
    /* Premises: what the run actually exercised. */
    size_t max_at_now; /* most events pending at the current instant (the lane holds a few) */
    size_t fired, ties, zero_delay, earlier_phase_now, cancels, rearms_live, rearms_stale, rearm_errors,
        reschedules, renumbers, first_future, stops_done, event_times, queries;
    /* Directed cases (suite heap_pop): the handler of event script_id runs script instead of random
     * operations. */
    uint32_t script_id;
    void (*script)(struct model *m);
    bool script_ran;
} model;

static void model_fire(sim_engine *e, void *ctx, uint64_t arg);

static void model_add(model *m, uint32_t id, sim_time time, int phase, sim_handle h)
{
    cr_assert_lt(id, MODEL_MAX);
    m->ev[id] = (mevent){.time = time, .phase = phase, .seq = m->seq++, .h = h, .live = true};
    m->live_at[id] = (uint32_t)m->n_live;
    m->live[m->n_live++] = id;
}

static void model_kill(model *m, uint32_t id)
{
    cr_assert(m->ev[id].live);
    m->ev[id].live = false;
    uint32_t last = m->live[--m->n_live];
    m->live[m->live_at[id]] = last;
    m->live_at[last] = m->live_at[id];
}

static bool model_before(const mevent *a, const mevent *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    if (a->phase != b->phase)
        return a->phase < b->phase;
    return a->seq < b->seq;
}

/* The id of the next event to fire by the header's rule; the model must not be empty. */
static uint32_t model_next(const model *m)
{
    uint32_t best = m->live[0];
    for (size_t i = 1; i < m->n_live; i++)
        if (model_before(&m->ev[m->live[i]], &m->ev[best]))
            best = m->live[i];
    return best;
}

static void model_check(model *m)
{
    size_t at_now = 0;
    for (size_t i = 0; i < m->n_live; i++)
        at_now += m->ev[m->live[i]].time == sim_now(m->e);
    if (at_now > m->max_at_now)
        m->max_at_now = at_now;
    cr_assert_eq(sim_pending_count(m->e), m->n_live, "pending count differs from the model");
    sim_time t = -1;
    cr_assert_eq(sim_peek_time(m->e, &t), m->n_live > 0);
    if (m->n_live > 0) {
        cr_assert_eq(t, m->ev[model_next(m)].time, "sim_peek_time differs from the model");
        uint32_t id = m->live[gsl_rng_uniform_int(m->r, m->n_live)];
        cr_assert(sim_is_pending(m->e, m->ev[id].h));
        cr_assert_eq(sim_event_time(m->e, m->ev[id].h, &t), SIM_OK);
        cr_assert_eq(t, m->ev[id].time, "sim_event_time differs from the model");
        m->event_times++;
    }
}

static sim_time model_delay(model *m)
{
    sim_time delay = gsl_rng_uniform_int(m->r, 10) < m->zero_in_10 ? 0 : 1 + (sim_time)gsl_rng_uniform_int(m->r, 30);
    m->first_future += m->first_op && delay > 0;
    return delay;
}

static int model_phase(model *m)
{
    if (gsl_rng_uniform_int(m->r, 10) == 0)
        return (int)gsl_rng_uniform_int(m->r, SIM_PHASE_MAX + 1);
    return 32 * (1 + (int)gsl_rng_uniform_int(m->r, 4));
}

/* A victim: usually a live event, otherwise any event ever made (mostly fired or cancelled). */
static uint32_t model_victim(model *m)
{
    if (m->n_live > 0 && gsl_rng_uniform_int(m->r, 10) < 6)
        return m->live[gsl_rng_uniform_int(m->r, m->n_live)];
    return (uint32_t)gsl_rng_uniform_int(m->r, m->n_ev);
}

static uint32_t model_schedule(model *m, sim_time delay, int phase)
{
    sim_engine *e = m->e;
    uint32_t id = (uint32_t)m->n_ev++;
    sim_handle h = SIM_HANDLE_NONE;
    cr_assert_eq(sim_schedule_in(e, delay, phase, model_fire, m, id, &h), SIM_OK);
    model_add(m, id, sim_now(e) + delay, phase, h);
    m->zero_delay += delay == 0;
    m->earlier_phase_now += delay == 0 && phase < m->cur_phase;
    return id;
}

/* Cancels event v (live or not) in the engine and the model; whether it was live. */
static bool model_cancel(model *m, uint32_t v)
{
    cr_assert_eq(sim_cancel(m->e, m->ev[v].h), m->ev[v].live ? SIM_OK : SIM_ESTALE);
    if (!m->ev[v].live)
        return false;
    model_kill(m, v);
    return true;
}

/* Re-arms event v's handle (live or stale) to now + delay in `phase`, through sim_rearm_in or
 * sim_rearm; returns the new event's id. */
static uint32_t model_rearm(model *m, uint32_t v, sim_time delay, int phase, bool in)
{
    sim_engine *e = m->e;
    uint32_t id = (uint32_t)m->n_ev++;
    sim_handle h = m->ev[v].h;
    int rc = in ? sim_rearm_in(e, &h, delay, phase, model_fire, m, id)
                : sim_rearm(e, &h, sim_now(e) + delay, phase, model_fire, m, id);
    cr_assert_eq(rc, SIM_OK);
    cr_assert_neq(h, m->ev[v].h);
    cr_assert_not(sim_is_pending(e, m->ev[v].h));
    if (m->ev[v].live)
        model_kill(m, v);
    model_add(m, id, sim_now(e) + delay, phase, h);
    m->zero_delay += delay == 0;
    m->earlier_phase_now += delay == 0 && phase < m->cur_phase;
    return id;
}

/* Moves event v (live or not) to `time`; whether it was live. */
static bool model_reschedule(model *m, uint32_t v, sim_time time)
{
    cr_assert_eq(sim_reschedule(m->e, m->ev[v].h, time), m->ev[v].live ? SIM_OK : SIM_ESTALE);
    if (!m->ev[v].live)
        return false;
    m->ev[v].time = time;
    m->ev[v].seq = m->seq++;
    return true;
}

/* One of the queries, chosen by `which`, checked against the model. */
static void model_query(model *m, unsigned long which)
{
    sim_time t = -1;
    if (which == 0) {
        cr_assert_eq(sim_pending_count(m->e), m->n_live);
    } else if (which == 1 || m->n_live == 0) {
        cr_assert_eq(sim_peek_time(m->e, &t), m->n_live > 0);
        if (m->n_live > 0)
            cr_assert_eq(t, m->ev[model_next(m)].time);
    } else {
        uint32_t id = m->live[gsl_rng_uniform_int(m->r, m->n_live)];
        cr_assert_eq(sim_event_time(m->e, m->ev[id].h, &t), SIM_OK);
        cr_assert_eq(t, m->ev[id].time);
    }
}

static void model_op(model *m)
{
    sim_engine *e = m->e;
    m->ops++;
    unsigned long kind = gsl_rng_uniform_int(m->r, 100);
    if (m->stops && m->cur_phase >= 0 && !m->stopped && gsl_rng_uniform_int(m->r, 50) == 0) {
        sim_stop(e); /* the handler goes on with its operations; the run returns after it */
        m->stopped = true;
        m->stops_done++;
    }
    if (m->n_ev == 0 || kind < 40) {
        model_schedule(m, model_delay(m), model_phase(m));
    } else if (kind < 55) {
        m->cancels += model_cancel(m, model_victim(m));
    } else if (kind < 85) {
        uint32_t v = model_victim(m);
        sim_time delay = model_delay(m);
        int phase = model_phase(m);
        if (m->ev[v].live)
            m->rearms_live++;
        else
            m->rearms_stale++;
        model_rearm(m, v, delay, phase, gsl_rng_uniform_int(m->r, 2) != 0);
    } else if (kind < 93) {
        uint32_t v = model_victim(m);
        m->reschedules += model_reschedule(m, v, sim_now(e) + model_delay(m));
    } else if (kind < 97) {
        uint32_t v = model_victim(m);
        sim_handle h = m->ev[v].h;
        int rc = kind % 2 ? sim_rearm_in(e, &h, -1 - (sim_time)gsl_rng_uniform_int(m->r, 5), model_phase(m),
                                         model_fire, m, 0)
                          : sim_rearm(e, &h, sim_now(e), SIM_PHASE_MAX + 1, model_fire, m, 0);
        cr_assert_eq(rc, kind % 2 ? SIM_EPAST : SIM_EINVAL);
        cr_assert_eq(h, SIM_HANDLE_NONE);
        if (m->ev[v].live)
            model_kill(m, v);
        m->rearm_errors++;
    } else if (kind == 98) {
        model_query(m, gsl_rng_uniform_int(m->r, 3));
        m->queries++;
    } else if (m->renumber && kind == 99) {
        sim_debug_set_next_sequence(e, SEQ_LAST - gsl_rng_uniform_int(m->r, 4));
        m->renumbers++;
    } else {
        model_schedule(m, 0, model_phase(m));
    }
    m->first_op = false;
    model_check(m);
}

/* How many operations a handler does: more when few events are pending, so the population stays
 * around a hundred. */
static void model_ops(model *m)
{
    if (m->ops >= m->ops_budget)
        return;
    size_t k = m->n_live < 60 ? 3 : m->n_live > 200 ? 0 : 1 + gsl_rng_uniform_int(m->r, 2);
    for (size_t i = 0; i < k; i++)
        model_op(m);
}

static void model_fire(sim_engine *e, void *ctx, uint64_t arg)
{
    model *m = ctx;
    cr_assert_gt(m->n_live, 0, "fired %lu with nothing pending in the model", (unsigned long)arg);
    uint32_t want = model_next(m);
    cr_assert_eq(arg, want, "firing %zu: engine fired %lu (t %ld, phase %d), model expects %lu (t %ld, phase %d)",
                 m->fired, (unsigned long)arg, (long)m->ev[arg].time, m->ev[arg].phase, (unsigned long)want,
                 (long)m->ev[want].time, m->ev[want].phase);
    cr_assert_eq(sim_now(e), m->ev[want].time);
    if (m->fired > 0 && (uint64_t)sim_now(e) == m->last_key_time && (uint64_t)m->ev[want].phase == m->last_key_phase)
        m->ties++;
    m->last_key_time = (uint64_t)sim_now(e);
    m->last_key_phase = (uint64_t)m->ev[want].phase;
    model_kill(m, want);
    m->fired++;
    m->cur_phase = m->ev[want].phase;
    m->first_op = true;
    if (m->script && arg == m->script_id) {
        m->script(m);
        m->script_ran = true;
    } else {
        model_ops(m);
    }
    m->first_op = false;
    m->cur_phase = -1;
}

static void run_model(unsigned long seed, bool renumber, bool heap_heavy)
{
    model *m = calloc(1, sizeof *m);
    cr_assert(m);
    m->e = sim_engine_new(0);
    m->r = gsl_rng_alloc(gsl_rng_mt19937);
    cr_assert(m->e && m->r);
    gsl_rng_set(m->r, seed);
    m->renumber = renumber;
    m->zero_in_10 = heap_heavy ? 2 : 6;
    m->stops = heap_heavy;
    m->ops_budget = 6000;
    m->cur_phase = -1;
    for (int i = 0; i < 100; i++) { /* a start population, a third of it at time 0 (the lane) */
        sim_time delay = gsl_rng_uniform_int(m->r, 3) == 0 ? 0 : (sim_time)gsl_rng_uniform_int(m->r, 40);
        model_schedule(m, delay, model_phase(m));
    }
    while (m->n_live > 0) {
        sim_time until = sim_now(m->e) + (sim_time)gsl_rng_uniform_int(m->r, 15);
        sim_run_result rr;
        while ((rr = sim_run_until(m->e, until)) == SIM_RUN_STOPPED) { /* resumes where it stopped */
            cr_assert(m->stopped);
            m->stopped = false;
            cr_assert_leq(sim_now(m->e), until);
            model_check(m);
        }
        cr_assert_eq(rr, SIM_RUN_REACHED);
        cr_assert_not(m->stopped);
        cr_assert_eq(sim_now(m->e), until);
        model_check(m);
        /* Between slices: operations from outside a run, at now = until (the lane again). */
        for (unsigned long i = gsl_rng_uniform_int(m->r, 4); i > 0 && m->ops < m->ops_budget; i--)
            model_op(m);
    }
    cr_assert_eq(sim_pending_count(m->e), 0);
    cr_assert_geq(m->ops, m->ops_budget);
    /* Premises: the run exercised what it is meant to, in numbers. */
    cr_assert_gt(m->fired, 2000, "fired %zu", m->fired);
    cr_assert_gt(m->max_at_now, 20, "most events at one instant %zu", m->max_at_now);
    cr_assert_gt(m->ties, 500, "ties %zu", m->ties);
    cr_assert_gt(m->zero_delay, heap_heavy ? 500 : 2000, "zero delays %zu", m->zero_delay);
    cr_assert_gt(m->earlier_phase_now, heap_heavy ? 200 : 300, "earlier phases at now %zu", m->earlier_phase_now);
    cr_assert_gt(m->cancels, 300, "cancels %zu", m->cancels);
    cr_assert_gt(m->rearms_live, 700, "re-arms of pending events %zu", m->rearms_live);
    cr_assert_gt(m->rearms_stale, 300, "re-arms of stale handles %zu", m->rearms_stale);
    cr_assert_gt(m->rearm_errors, 100, "failed re-arms %zu", m->rearm_errors);
    cr_assert_gt(m->reschedules, 150, "reschedules %zu", m->reschedules);
    if (renumber)
        cr_assert_gt(m->renumbers, 30, "sequence run-outs %zu", m->renumbers);
    cr_assert_gt(m->event_times, 2000, "sim_event_time checks %zu", m->event_times);
    if (heap_heavy) {
        cr_assert_gt(m->first_future, 1000, "handlers whose first operation has a delay %zu", m->first_future);
        cr_assert_gt(m->stops_done, 30, "stops %zu", m->stops_done);
    }
    cr_assert_gt(m->queries, 30, "queries alone %zu", m->queries);
    gsl_rng_free(m->r);
    sim_engine_free(m->e);
    free(m);
}

Test(lane, random_operations_match_reference_model)
{
    run_model(3, false, false);
}

Test(lane, random_operations_match_reference_across_sequence_renumbering)
{
    run_model(4, true, false);
}

Test(lane, random_heap_heavy_operations_with_stops_match_reference_model)
{
    run_model(5, false, true);
}

Test(lane, random_heap_heavy_operations_with_stops_match_reference_across_sequence_renumbering)
{
    run_model(6, true, true);
}

/* The lane's own order, through every insertion position and every removal position: from a
 * handler, N events are posted for now with N distinct phases in each of the N! orders (each
 * lands in the lane, N < its capacity, and each insertion finds the earlier ones at a different
 * place), one of them (by position in the order) is cancelled, and a second one is moved to the
 * phase right after its own (a removal and an insertion from the middle). They must fire by phase,
 * whatever order they were stored in. Fails if the lane's sorting, its removal shifts or the
 * back-pointers that cancel and reschedule follow go wrong. */
enum { PERM_N = 6 };

typedef struct perm_case {
    trace *log;
    int order[PERM_N]; /* phase index (0..N-1) of the i-th event posted */
    size_t cancel, move; /* positions in the posting order */
} perm_case;

static int phase_of(int idx) { return 8 + 32 * idx; } /* distinct, gaps for the moved event */

static void post_permutation(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    perm_case *c = ctx;
    sim_handle h[PERM_N];
    for (size_t i = 0; i < PERM_N; i++)
        h[i] = sched(e, sim_now(e), phase_of(c->order[i]), c->log, (uint64_t)c->order[i]);
    cr_assert_eq(sim_cancel(e, h[c->cancel]), SIM_OK);
    if (c->move != c->cancel) /* re-armed one phase later: still before the next index's phase */
        rearm_ok(e, &h[c->move], sim_now(e), phase_of(c->order[c->move]) + 1, c->log, (uint64_t)c->order[c->move]);
}

static bool next_permutation(int *a, size_t n)
{
    size_t i = n - 1;
    while (i > 0 && a[i - 1] >= a[i])
        i--;
    if (i == 0)
        return false;
    size_t j = n - 1;
    while (a[j] <= a[i - 1])
        j--;
    int t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
    for (size_t l = i, r = n - 1; l < r; l++, r--) {
        t = a[l];
        a[l] = a[r];
        a[r] = t;
    }
    return true;
}

Test(lane, fires_by_key_whatever_the_order_of_insertions_and_removals)
{
    perm_case c = {.log = tr, .order = {0, 1, 2, 3, 4, 5}};
    size_t cases = 0;
    do {
        c.cancel = cases % PERM_N;
        c.move = (cases / PERM_N) % PERM_N;
        sim_engine *e = sim_engine_new(0);
        cr_assert_not_null(e);
        tr->n = 0;
        cr_assert_eq(sim_schedule(e, 10, 0, post_permutation, &c, 0, NULL), SIM_OK);
        sim_run(e);
        int cancelled = c.order[c.cancel];
        cr_assert_eq(tr->n, PERM_N - 1, "case %zu: %zu fired", cases, tr->n);
        size_t k = 0;
        for (int idx = 0; idx < PERM_N; idx++) {
            if (idx == cancelled)
                continue;
            cr_assert_eq(tr->args[k], (uint64_t)idx, "case %zu: position %zu fired %lu, expected %d", cases, k,
                         (unsigned long)tr->args[k], idx);
            k++;
        }
        sim_engine_free(e);
        cases++;
    } while (next_permutation(c.order, PERM_N));
    cr_assert_eq(cases, 720);
}

/* ---------------------------------------------------------------------------------------------
 * Right after a pop from the heap: each case fires a trigger event that was scheduled while the
 * lane was full, so it sits in the heap (sim_engine.c: place()) and its handler runs right after the
 * heap's root was taken, the moment a replace-top heap would hold a hole at its root (tried in issue
 * 24 and not kept: it cost more than it saved). The handler runs one script whose first operation
 * is the case's: everything fires in the reference model's order (model_fire), and the pending
 * count, peek and event times agree with it after each step (model_check).
 */
TestSuite(heap_pop);

enum { POP_FILLERS = 8, POP_BACKGROUND = 10 };
#define POP_BG(i) ((uint32_t)(POP_FILLERS + 1 + (i))) /* ids of the background events */

/*
 * Eight fillers at t = 1 fill the lane (everything goes there while the heap is empty), so the
 * trigger (2, OS) and the background ((2, APP) first, then t = 4.., phases 32..128, ties) go to the
 * heap; the fillers fire first, from the lane, and leave it empty; then the trigger fires from the
 * heap. With (2, APP) pending, an event for now in a later phase is not the next to fire.
 *
 * full_pool: no fillers and an engine with room for exactly the trigger and eleven others: eight fill
 * the lane, the trigger and three go to the heap, and one of the lane's is moved to the heap
 * (t = 20) so that the lane has room and every slot but the trigger's is taken when it fires.
 */
static void run_pop_case(void (*script)(model *m), bool full_pool)
{
    model *m = calloc(1, sizeof *m);
    cr_assert(m);
    m->e = sim_engine_new(full_pool ? 12 : 0);
    m->r = gsl_rng_alloc(gsl_rng_mt19937);
    cr_assert(m->e && m->r);
    gsl_rng_set(m->r, 7);
    m->cur_phase = -1;
    if (full_pool) {
        for (int i = 0; i < 8; i++)
            model_schedule(m, 4 + i, SIM_PHASE_APP);
        m->script_id = model_schedule(m, 2, SIM_PHASE_OS);
        for (int i = 0; i < 3; i++)
            model_schedule(m, 5 + i, SIM_PHASE_OS);
        cr_assert(model_reschedule(m, 3, 20));
        cr_assert_eq(sim_pending_count(m->e), sim_capacity(m->e), "premise: the pool is full");
    } else {
        for (int i = 0; i < POP_FILLERS; i++)
            model_schedule(m, 1, SIM_PHASE_APP);
        m->script_id = model_schedule(m, 2, SIM_PHASE_OS);
        model_schedule(m, 2, SIM_PHASE_APP);
        for (int i = 1; i < POP_BACKGROUND; i++)
            model_schedule(m, 4 + i / 2, 32 * (1 + i % 4));
    }
    m->script = script;
    model_check(m);
    sim_run_result rr;
    while ((rr = sim_run(m->e)) == SIM_RUN_STOPPED) {
        cr_assert(m->stopped);
        m->stopped = false;
        model_check(m);
    }
    cr_assert_eq(rr, SIM_RUN_EMPTY);
    cr_assert(m->script_ran);
    cr_assert_eq(m->n_live, 0);
    cr_assert_eq(sim_fired_count(m->e), m->fired);
    gsl_rng_free(m->r);
    sim_engine_free(m->e);
    free(m);
}

static void later_than_all(model *m)
{
    model_schedule(m, 1000, SIM_PHASE_APP); /* the heap, from the bottom */
    model_check(m);
    model_schedule(m, 1000, SIM_PHASE_ENVIRONMENT);
    model_check(m);
}

static void earlier_than_heap(model *m)
{
    model_schedule(m, 1, SIM_PHASE_OBSERVE); /* t = 3, before the rest but for (2, APP) */
    model_schedule(m, 0, SIM_PHASE_ENVIRONMENT); /* (2, ENV): the first of all */
    model_check(m);
    model_schedule(m, 1, SIM_PHASE_ENVIRONMENT);
    model_check(m);
}

static void now_lower_and_higher(model *m)
{
    model_schedule(m, 0, SIM_PHASE_OBSERVE); /* a later phase than (2, APP): the lane */
    model_schedule(m, 0, SIM_PHASE_OS); /* the trigger's phase, later sequence: the next to fire */
    model_schedule(m, 0, SIM_PHASE_ENVIRONMENT); /* an earlier phase: the lane */
    model_check(m);
    model_schedule(m, 2, SIM_PHASE_APP);
    model_check(m);
}

static void into_full_lane(model *m)
{
    for (int i = 0; i < 8; i++)
        model_schedule(m, 0, SIM_PHASE_OBSERVE - i);
    model_schedule(m, 0, SIM_PHASE_OBSERVE); /* the lane is full: the heap */
    model_check(m);
    model_schedule(m, 0, SIM_PHASE_ENVIRONMENT); /* the first of all, the lane full: the heap */
    model_check(m);
}

static void cancel_heap_entries(model *m)
{
    cr_assert(model_cancel(m, POP_BG(3)));
    model_check(m);
    cr_assert(model_cancel(m, POP_BG(0))); /* the smallest child of the root */
    cr_assert(model_cancel(m, POP_BG(9)));
    model_check(m);
    model_schedule(m, 3, SIM_PHASE_APP);
    model_check(m);
}

static void rearm_heap_entries(model *m)
{
    model_rearm(m, POP_BG(0), 7, SIM_PHASE_ENVIRONMENT, true);
    model_check(m);
    model_rearm(m, POP_BG(5), 0, SIM_PHASE_APP, false); /* to now: stays in the heap */
    model_check(m);
}

static void rearm_own_stale_handle(model *m)
{
    model_rearm(m, m->script_id, 0, SIM_PHASE_ENVIRONMENT, true); /* stale: a schedule, the next to fire */
    model_check(m);
}

static void reschedule_heap_entries(model *m)
{
    cr_assert(model_reschedule(m, POP_BG(7), sim_now(m->e)));
    model_check(m);
    cr_assert(model_reschedule(m, POP_BG(1), sim_now(m->e) + 20));
    model_check(m);
}

static void queries_first(model *m)
{
    for (unsigned long q = 0; q < 3; q++)
        model_query(m, q);
    model_check(m);
    model_schedule(m, 5, SIM_PHASE_APP);
    model_check(m);
}

static void stop_first(model *m)
{
    sim_stop(m->e);
    m->stopped = true;
    model_schedule(m, 4, SIM_PHASE_ENVIRONMENT);
    model_check(m);
}

static void grow_after_pop(model *m)
{
    size_t cap = sim_capacity(m->e);
    model_schedule(m, 98, SIM_PHASE_APP); /* takes the trigger's slot: the pool is full */
    cr_assert_eq(sim_capacity(m->e), cap);
    model_schedule(m, 50, SIM_PHASE_APP); /* grows first */
    cr_assert_gt(sim_capacity(m->e), cap);
    model_check(m);
    model_schedule(m, 0, SIM_PHASE_APP); /* the next to fire */
    model_check(m);
}

static void renumber_after_pop(model *m)
{
    sim_debug_set_next_sequence(m->e, SEQ_LAST);
    model_schedule(m, 0, SIM_PHASE_OBSERVE); /* the last sequence, into the lane */
    model_schedule(m, 5, SIM_PHASE_ENVIRONMENT); /* renumbers first */
    model_check(m);
    model_schedule(m, 5, SIM_PHASE_ENVIRONMENT);
    model_check(m);
}

Test(heap_pop, schedule_later_than_everything) { run_pop_case(later_than_all, false); }
Test(heap_pop, schedule_earlier_than_the_heap) { run_pop_case(earlier_than_heap, false); }
Test(heap_pop, schedule_for_now_in_lower_and_higher_phases) { run_pop_case(now_lower_and_higher, false); }
Test(heap_pop, schedule_for_now_into_a_full_lane) { run_pop_case(into_full_lane, false); }
Test(heap_pop, cancel_of_heap_entries) { run_pop_case(cancel_heap_entries, false); }
Test(heap_pop, rearm_of_heap_entries) { run_pop_case(rearm_heap_entries, false); }
Test(heap_pop, rearm_of_the_own_stale_handle) { run_pop_case(rearm_own_stale_handle, false); }
Test(heap_pop, reschedule_of_heap_entries) { run_pop_case(reschedule_heap_entries, false); }
Test(heap_pop, queries_first) { run_pop_case(queries_first, false); }
Test(heap_pop, stop_then_schedule) { run_pop_case(stop_first, false); }
Test(heap_pop, grow_past_capacity) { run_pop_case(grow_after_pop, true); }
Test(heap_pop, sequence_renumbering) { run_pop_case(renumber_after_pop, false); }

/* A re-arm post made first after a heap pop, a schedule after it: the post re-arms its timer when
 * its turn comes. X and Y
 * are at (5, APP) in the heap, X first; the trigger posts a re-arm of X at (2, APP) and schedules Z
 * at (5, APP). The post fires after the trigger and re-arms X with a fresh sequence: after Y and Z
 * (without the post: X, Y, Z). */
static void post_after_pop(sim_engine *e, scripted *s)
{
    sim_ticket t = SIM_TICKET_NONE;
    cr_assert_eq(sim_post_rearm(e, SIM_PHASE_APP, &s->h[0], &t), SIM_OK);
    cr_assert_eq(sim_pending_count(e), 3); /* X, Y and the post */
    sched(e, 5, SIM_PHASE_APP, s->log, 3);
    cr_assert(sim_ticket_pending(e, t));
}

Test(heap_pop, post_rearm_then_schedule)
{
    sim_engine *e = sim_engine_new(0);
    trace *log = calloc(1, sizeof *log);
    cr_assert(e && log);
    for (uint64_t i = 0; i < 8; i++)
        sched(e, 1, SIM_PHASE_APP, log, 100 + i); /* the lane, full */
    scripted s = {.log = log, .script = post_after_pop};
    cr_assert_eq(sim_schedule(e, 2, SIM_PHASE_OS, run_script, &s, 0, NULL), SIM_OK);
    s.h[0] = sched(e, 5, SIM_PHASE_APP, log, 1);
    sim_handle x = s.h[0];
    sched(e, 5, SIM_PHASE_APP, log, 2);
    cr_assert_eq(sim_run(e), SIM_RUN_EMPTY);
    EXPECT_ARGS(log, 100, 101, 102, 103, 104, 105, 106, 107, 0, 2, 3, 1);
    cr_assert_eq(sim_fired_count(e), 13); /* the post counts as fired */
    cr_assert_neq(s.h[0], x, "the post re-armed X: a new handle");
    sim_engine_free(e);
    free(log);
}
