/*
 * simos_doze.c - deep and light Doze (see simos_doze.h for the state machines and sources).
 *
 * Listeners only note what changed and post an event at the same instant (SIM_PHASE_OS): every
 * state change happens in this model's own events, so the owner's callback (which may stop the
 * worker through the runner) never runs inside another model's signal.
 */
#include "simos_doze.h"

#include <stdlib.h>

struct simos_doze {
    simos_doze_head h;  /* first: simos_doze_awake reads it inline (simos_doze.h); deep and light */
    mdl_device *d;      /* = h.d */
    simos_doze_params p;
    simos_doze_fn changed;
    void *ctx;
    sim_handle deep_alarm, light_alarm, look;
    sim_time deep_at, light_at; /* their times while pending (arm, disarm); read by change_by only */
    /* change_by's slack: the longest deep IDLE, light PRE_IDLE, and light INACTIVE + PRE_IDLE */
    sim_time deep_max, pre_idle_max, motion_max;
    sim_time next_idle_delay, next_pending_delay;      /* deep */
    sim_time next_light_delay, light_budget, light_maint_start; /* light */
    sim_time deep_maint_start;
    bool motion_reset;          /* the next INACTIVE uses motion_inactive_timeout */
};

/* Each state with its name, once: the names' table (with their lengths, for the trace file and the
 * name functions) and the fingerprint's switch (fold_deep, fold_light) are made from these lists. */
#define DEEP_STATES(X)                                                                                          \
    X(SIMOS_DEEP_ACTIVE, "active") X(SIMOS_DEEP_INACTIVE, "inactive") X(SIMOS_DEEP_IDLE_PENDING, "idle_pending") \
    X(SIMOS_DEEP_SENSING, "sensing") X(SIMOS_DEEP_LOCATING, "locating") X(SIMOS_DEEP_IDLE, "idle")               \
    X(SIMOS_DEEP_IDLE_MAINTENANCE, "idle_maintenance") X(SIMOS_DEEP_QUICK_DOZE_DELAY, "quick_doze_delay")
#define LIGHT_STATES(X)                                                                                         \
    X(SIMOS_LIGHT_ACTIVE, "active") X(SIMOS_LIGHT_INACTIVE, "inactive") X(SIMOS_LIGHT_PRE_IDLE, "pre_idle")      \
    X(SIMOS_LIGHT_IDLE, "idle") X(SIMOS_LIGHT_WAITING_FOR_NETWORK, "waiting_for_network")                        \
    X(SIMOS_LIGHT_IDLE_MAINTENANCE, "idle_maintenance") X(SIMOS_LIGHT_OVERRIDE, "override")
#define STATE_NAME(state, lit) [state] = SIM_TRACE_NAME(lit),
static const sim_trace_name deep_names[] = {DEEP_STATES(STATE_NAME)};
static const sim_trace_name light_names[] = {LIGHT_STATES(STATE_NAME)};

/* A state's name folded into the fingerprint: the same fold as sim_trace_strn of its name (each case
 * is sim_trace_fold_str of the literal), but with the literal in view the compiler turns the name's
 * hash into a constant at compile time, so a name costs one fold: no table read, no byte loads and
 * shifts, no loop over a long name. The os.doze record folds two per change
 * (issue 24: `bgsim run` within 1.1x of a sweep). tests/models/os checks each against the table. */
#define STATE_FOLD(state, lit)                                                                                  \
    case state:                                                                                                 \
        return sim_trace_fold_str(acc, lit);
static inline __attribute__((always_inline)) uint64_t fold_deep(uint64_t acc, simos_deep s)
{
    switch (s) {
        DEEP_STATES(STATE_FOLD)
    }
    return sim_trace_fold_str(acc, "unknown"); /* not a state: never traced */
}
static inline __attribute__((always_inline)) uint64_t fold_light(uint64_t acc, simos_light s)
{
    switch (s) {
        LIGHT_STATES(STATE_FOLD)
    }
    return sim_trace_fold_str(acc, "unknown"); /* not a state: never traced */
}
uint64_t simos_deep_fold_name(uint64_t acc, simos_deep s) { return fold_deep(acc, s); }
uint64_t simos_light_fold_name(uint64_t acc, simos_light s) { return fold_light(acc, s); }

_Static_assert(sizeof deep_names / sizeof deep_names[0] == SIMOS_DEEP_QUICK_DOZE_DELAY + 1, "a name per state");
_Static_assert(sizeof light_names / sizeof light_names[0] == SIMOS_LIGHT_OVERRIDE + 1, "a name per state");

const char *simos_deep_name(simos_deep s) { return deep_names[s].s; }
const char *simos_light_name(simos_light s) { return light_names[s].s; }
size_t simos_deep_name_len(simos_deep s) { return deep_names[s].n; }
size_t simos_light_name_len(simos_light s) { return light_names[s].n; }
simos_deep simos_doze_deep(const simos_doze *z) { return z->h.deep; }
simos_light simos_doze_light(const simos_doze *z) { return z->h.light; }

static sim_time now_of(const simos_doze *z) { return sim_now(z->d->engine); }

static sim_time grow(sim_time x, double factor, sim_time lo, sim_time hi)
{
    sim_time v = (sim_time)((double)x * factor); /* (long)(x * FACTOR) as in AOSP */
    if (v > hi)
        v = hi;
    return v < lo ? lo : v;
}

static bool deep_idle(const simos_doze *z) { return z->h.deep == SIMOS_DEEP_IDLE; }
static bool light_idle(const simos_doze *z) { return simos_light_idle(z->h.light); }

static void on_deep_alarm(sim_engine *e, void *ctx, uint64_t arg);
static void on_light_alarm(sim_engine *e, void *ctx, uint64_t arg);
static void on_look(sim_engine *e, void *ctx, uint64_t arg);
static bool can_close_early(const simos_doze *z) { return !z->d->worker_running; }

/* Cancels the alarm and sets it again (sim_rearm: the same as a cancel and a schedule, cheaper). */
/* The time of deep_alarm or light_alarm, kept with it for change_by (SIM_TIME_MAX: not pending). */
static inline __attribute__((always_inline)) void note_alarm(simos_doze *z, const sim_handle *h, sim_time at)
{
    if (h == &z->deep_alarm)
        z->deep_at = at;
    else if (h == &z->light_alarm)
        z->light_at = at;
}

static inline __attribute__((always_inline)) void arm(simos_doze *z, sim_handle *h, sim_time delay, sim_event_fn fn)
{
    /* On failure (past the end of time: never fires) the alarm is cancelled and *h is none. */
    if (delay < 0)
        delay = 0;
    bool ok = sim_rearm_in(z->d->engine, h, delay, SIM_PHASE_OS, fn, z, 0) == SIM_OK;
    note_alarm(z, h, ok ? sim_now(z->d->engine) + delay : SIM_TIME_MAX);
}

static inline __attribute__((always_inline)) void disarm(simos_doze *z, sim_handle *h)
{
    sim_cancel(z->d->engine, *h);
    *h = SIM_HANDLE_NONE;
    note_alarm(z, h, SIM_TIME_MAX);
}

/* After any change: d->dozing, the trace, the owner. */
/* The cause of a change, the os.doze record's "cause": a name of its own, or CAUSE_BY_SIGNAL (the
 * signal on_device re-read the device after: its name; 0, on_device's first look: "start"). An
 * enum, not the name, so that the record folds the name's hash as a constant (fold_cause). */
#define CAUSES(X) X(CAUSE_ALARM, "alarm") X(CAUSE_MOTION, "motion") X(CAUSE_EARLY, "early") \
    X(CAUSE_PREDONE, "predone") X(CAUSE_REBOOT, "reboot")
#define CAUSE_ENUM(cause, lit) cause,
typedef enum doze_cause { CAUSE_NONE = 0, CAUSE_BY_SIGNAL, CAUSES(CAUSE_ENUM) CAUSE_COUNT } doze_cause;
#define CAUSE_NAME(cause, lit) [(cause)] = (lit),
static const char *const cause_names[CAUSE_COUNT] = {CAUSES(CAUSE_NAME)};
#define CAUSE_START "start"

static const char *cause_name(doze_cause why, uint64_t sig)
{
    if (why != CAUSE_BY_SIGNAL)
        return cause_names[why];
    return sig ? mdl_signal_name((mdl_signal)sig) : CAUSE_START;
}

/* cause_name(why, sig) folded into acc, its hash a compile-time constant (as fold_deep). */
static inline __attribute__((always_inline)) uint64_t fold_cause(uint64_t acc, doze_cause why, uint64_t sig)
{
    switch (why) {
        CAUSES(STATE_FOLD)
    case CAUSE_BY_SIGNAL:
        return sig ? mdl_signal_fold_name(acc, (mdl_signal)sig) : sim_trace_fold_str(acc, CAUSE_START);
    case CAUSE_NONE:
    case CAUSE_COUNT:
        break;
    }
    return sim_trace_fold_str(acc, "unknown"); /* not a cause: never published */
}

int simos_doze_cause_count(void) { return CAUSE_COUNT; }
uint64_t simos_doze_fold_cause(uint64_t acc, int why, uint64_t sig) { return fold_cause(acc, (doze_cause)why, sig); }
const char *simos_doze_cause_name(int why, uint64_t sig) { return cause_name((doze_cause)why, sig); }

/* The os.doze record's state and cause fields as SIM_TRACE_FOLDED takes them: a name and a fold of
 * two numbers (a state and nothing; a cause and its signal). */
static inline __attribute__((always_inline)) uint64_t fold_deep_ab(uint64_t acc, uint64_t s, uint64_t unused)
{
    (void)unused;
    return fold_deep(acc, (simos_deep)s);
}
static inline __attribute__((always_inline)) uint64_t fold_light_ab(uint64_t acc, uint64_t s, uint64_t unused)
{
    (void)unused;
    return fold_light(acc, (simos_light)s);
}
static inline __attribute__((always_inline)) uint64_t fold_cause_ab(uint64_t acc, uint64_t why, uint64_t sig)
{
    return fold_cause(acc, (doze_cause)why, sig);
}
static const char *deep_name_ab(uint64_t s, uint64_t unused)
{
    (void)unused;
    return deep_names[s].s;
}
static const char *light_name_ab(uint64_t s, uint64_t unused)
{
    (void)unused;
    return light_names[s].s;
}
static const char *cause_name_ab(uint64_t why, uint64_t sig) { return cause_name((doze_cause)why, sig); }

/* The os.doze record's fields: the state names and the cause folded through their switches
 * (fold_deep, fold_light, fold_cause), so a name costs one fold of a constant. A change is a
 * record, so this is most of the fingerprint's cost in `bgsim run` (issue 24). tests/models/os
 * checks the fingerprint with and without a trace file. */
#define DOZE_FIELDS(z, dozing, why, sig)                                                                       \
    SIM_TRACE_FOLDED("deep", deep_name_ab, fold_deep_ab, (z)->h.deep, 0),                                      \
        SIM_TRACE_FOLDED("light", light_name_ab, fold_light_ab, (z)->h.light, 0), SIM_TRACE_BOOL("dozing", dozing), \
        SIM_TRACE_FOLDED("cause", cause_name_ab, fold_cause_ab, (why), (sig))

/* Out of line, in two: the record's inline folding would make publish save more registers on every
 * call, also in sweeps, where the trace is off and publish skips this. With a trace file: */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void trace_record_out(sim_trace *tr, sim_time t, const simos_doze *z, bool dozing, doze_cause why,
                             uint64_t sig)
{
    SIM_TRACE_RECORD(tr, t, "os.doze", DOZE_FIELDS(z, dozing, why, sig));
}

/* Without one (publish calls this with the trace active, so the fingerprint is on): the record's
 * fold (SIM_TRACE_FOLD_RECORD) without sim_trace_record's test of `active`, in a leaf that calls
 * nothing, so it saves no registers (the file's path, with its calls, is trace_record_out). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void trace_record(sim_trace *tr, sim_time t, const simos_doze *z, bool dozing, doze_cause why, uint64_t sig)
{
    if (tr->out) {
        trace_record_out(tr, t, z, dozing, why, sig);
        return;
    }
    tr->records++; /* as sim_trace_record */
    tr->fingerprint = SIM_TRACE_FOLD_RECORD(tr->fingerprint, t, "os.doze", DOZE_FIELDS(z, dozing, why, sig));
}

/* The duration d as a slack of change_by: in [0, SIM_TIME_MAX] (arm takes a negative delay as 0),
 * so that a few added to a time (at most SIM_TIME_MAX, SIM_TIME_MAX for an alarm not pending) stay
 * far from overflowing; a sum past SIM_TIME_MAX is a bound no time is after. */
static sim_time slack(sim_time d) { return d < 0 ? 0 : d > SIM_TIME_MAX ? SIM_TIME_MAX : d; }

/*
 * d->doze_change_by: a time at or before which d->dozing changes, whatever happens meanwhile but a
 * screen change or a plug (which the battery, its reader, handles on its own: see mdl_battery.c,
 * defer_rearm). publish gives SIM_TIME_MAX unless the screen is off, the device unplugged and no
 * reboot comes before it (d->reboot_not_before: a reboot restarts Doze from ACTIVE; each later
 * publish reads the kills model's next one). With those, by state:
 *  - deep IDLE (dozing): its alarm ends it (IDLE_MAINTENANCE); motion ends it sooner; battery saver
 *    leaves IDLE alone.
 *  - deep IDLE_MAINTENANCE (light OVERRIDE, not dozing): its alarm, or the early close, enters IDLE.
 *    Motion before then restarts light from INACTIVE: IDLE light_after_inactive_timeout later, plus
 *    at most light_pre_idle_timeout of PRE_IDLE (motion_max).
 *  - light INACTIVE: its alarm enters IDLE, or PRE_IDLE for at most light_pre_idle_timeout.
 *  - light PRE_IDLE, IDLE_MAINTENANCE: the alarm (or sooner, the worker's stop) enters IDLE.
 *  - light IDLE: its alarm starts a maintenance window, or without a network WAITING_FOR_NETWORK,
 *    which ends next_light_delay later at the latest (the delay its alarm is then armed with); light
 *    WAITING_FOR_NETWORK: its alarm. Deep entering IDLE before then (from LOCATING or
 *    QUICK_DOZE_DELAY; motion only delays it) keeps the device dozing, up to its own alarm, at most
 *    max(idle_timeout, max_idle_timeout) later (deep_max; grow clamps every later delay).
 *  Deep entering IDLE in the not-dozing states is a change. Motion touches light only from OVERRIDE
 *  and battery saver only deep before IDLE, so nothing else moves these times, and the bound never
 *  grows between two changes of d->dozing (tests/models/os/test_simos_android.c checks both).
 * Out of line: inlined into publish's five places it made them save more registers.
 */
/* The light states whose alarm bounds the change (the others, ACTIVE and OVERRIDE, give none). */
#define LIGHT_TIMED                                                                                             \
    (1u << SIMOS_LIGHT_INACTIVE | 1u << SIMOS_LIGHT_PRE_IDLE | 1u << SIMOS_LIGHT_IDLE |                          \
     1u << SIMOS_LIGHT_WAITING_FOR_NETWORK | 1u << SIMOS_LIGHT_IDLE_MAINTENANCE)
_Static_assert(SIMOS_LIGHT_OVERRIDE < 32, "a light state is a bit of an unsigned");
/* The light cases as tests, not a switch: gcc compiled the switch to a jump table whose indirect
 * jump mispredicted at nearly every call (the commuter: 29k of 31k in cachegrind's model; issue
 * 24); the tests compile to a short chain of compares and a conditional move. Each case adds its
 * slack to light_at (PRE_IDLE and IDLE_MAINTENANCE none), and a state outside LIGHT_TIMED gives
 * SIM_TIME_MAX, as the switch did (light_at + add is computed for it too, and discarded: at most
 * three times SIM_TIME_MAX, far from overflowing). tests/models/os/test_simos_android.c checks
 * the bound in every state. */
__attribute__((noinline)) static sim_time change_by(const simos_doze *z)
{
    if (z->h.deep == SIMOS_DEEP_IDLE)
        return z->deep_at;
    if (z->h.deep == SIMOS_DEEP_IDLE_MAINTENANCE)
        return z->deep_at + z->motion_max;
    const unsigned bit = 1u << ((unsigned)z->h.light & 31u);
    sim_time add = 0;
    if (bit & 1u << SIMOS_LIGHT_INACTIVE)
        add = z->pre_idle_max;
    if (bit & 1u << SIMOS_LIGHT_IDLE)
        add = slack(z->next_light_delay) + z->deep_max;
    if (bit & 1u << SIMOS_LIGHT_WAITING_FOR_NETWORK)
        add = z->deep_max;
    sim_time by = z->light_at + add;
    return bit & LIGHT_TIMED ? by : SIM_TIME_MAX;
}

/* After every change (19k in the 10-seed sweep), from five places: always inlined, where the call
 * and its register saves cost about a fifth of what it does with the trace off (issue 24). */
static inline __attribute__((always_inline)) void publish(simos_doze *z, bool was_deep_idle, bool was_light_idle,
                                                          doze_cause why, uint64_t sig)
{
    mdl_device *d = z->d;
    sim_time now = now_of(z);
    bool dozing = deep_idle(z) || light_idle(z);
    if ((was_deep_idle || was_light_idle) && !dozing) {
        z->h.tail_reason = was_deep_idle ? SIM_REASON_DOZE_DEEP : SIM_REASON_DOZE_LIGHT;
        z->h.tail_until = now + z->p.jobs_delay;
    }
    if (d->trace->active)
        trace_record(d->trace, now, z, dozing, why, sig);
    else
        sim_trace_begin(d->trace, now, "os.doze"); /* the trace off: only counts the record */
    /* before the signal: the battery reads it there */
    sim_time by = !d->screen_on && !d->plugged && z->h.enabled ? change_by(z) : SIM_TIME_MAX;
    d->doze_change_by = by < d->reboot_not_before ? by : SIM_TIME_MAX;
    if (d->dozing != dozing) {
        d->dozing = dozing;
        mdl_emit(d, MDL_SIG_DOZE, dozing);
    }
    bool began = (!was_deep_idle && deep_idle(z)) || (!was_light_idle && light_idle(z));
    z->changed(z->ctx, began);
}

/* ---- deep ---- */

/* Battery saver puts deep Doze on the quick path (10+). */
static bool quick(const simos_doze *z) { return z->p.quick_doze && z->d->power_save; }

static void deep_enter_idle(simos_doze *z)
{
    z->h.deep = SIMOS_DEEP_IDLE;
    arm(z, &z->deep_alarm, z->next_idle_delay, on_deep_alarm);
    z->next_idle_delay = grow(z->next_idle_delay, z->p.idle_factor, z->p.idle_timeout, z->p.max_idle_timeout);
    disarm(z, &z->light_alarm);
    z->h.light = SIMOS_LIGHT_OVERRIDE;
}

/* becomeInactiveLocked: both machines start from ACTIVE. */
static void become_inactive(simos_doze *z)
{
    z->d->doze_change_within = SIM_TIME_MAX; /* not active: d->doze_change_by holds */
    if (z->h.deep == SIMOS_DEEP_ACTIVE) {
        z->next_idle_delay = 0;
        z->next_pending_delay = 0;
        if (quick(z)) {
            z->h.deep = SIMOS_DEEP_QUICK_DOZE_DELAY;
            arm(z, &z->deep_alarm, z->p.quick_doze_delay, on_deep_alarm);
        } else {
            z->h.deep = SIMOS_DEEP_INACTIVE;
            arm(z, &z->deep_alarm, z->motion_reset ? z->p.motion_inactive_timeout : z->p.inactive_timeout,
                on_deep_alarm);
        }
        z->motion_reset = false;
    }
    if (z->h.light == SIMOS_LIGHT_ACTIVE) {
        z->h.light = SIMOS_LIGHT_INACTIVE;
        arm(z, &z->light_alarm, z->p.light_after_inactive_timeout, on_light_alarm);
    }
}

/* Doze enabled, screen off and unplugged. Bitwise and, not &&: on_device asks at every signal it
 * re-reads the device after, where the short circuit's branches on the screen and the plug
 * mispredicted ~16k times in the commuter's 10-seed sweep (issue 24). */
static bool should_be_inactive(const simos_doze *z)
{
    return ((unsigned)z->p.enabled & (unsigned)!z->d->screen_on & (unsigned)!z->d->plugged) != 0;
}

static void become_active(simos_doze *z)
{
    z->h.deep = SIMOS_DEEP_ACTIVE;
    z->h.light = SIMOS_LIGHT_ACTIVE;
    /* Active: a screen-off or unplug posts on_device at its ms, which (both machines ACTIVE, the
     * device off and unplugged) becomes inactive with light's alarm light_after_inactive_timeout
     * later, entering IDLE then or at most light_pre_idle_timeout later (change_by's INACTIVE). */
    z->d->doze_change_within = z->motion_max;
    disarm(z, &z->deep_alarm);
    disarm(z, &z->light_alarm);
    z->motion_reset = false;
}

/* Motion from IDLE_PENDING on (the significant-motion sensor is armed, A1.2): deep restarts with
 * the motion timeout; light restarts only when deep had frozen it. */
static void motion(simos_doze *z)
{
    z->h.deep = SIMOS_DEEP_ACTIVE;
    disarm(z, &z->deep_alarm);
    if (z->h.light == SIMOS_LIGHT_OVERRIDE)
        z->h.light = SIMOS_LIGHT_ACTIVE;
    z->motion_reset = true;
    become_inactive(z);
}

static bool motion_watched(const simos_doze *z)
{
    return z->h.deep >= SIMOS_DEEP_IDLE_PENDING && z->h.deep <= SIMOS_DEEP_IDLE_MAINTENANCE;
}

static void deep_maintenance_end(simos_doze *z)
{
    z->h.deep = SIMOS_DEEP_IDLE_MAINTENANCE; /* fall into the IDLE_MAINTENANCE case */
    deep_enter_idle(z);
}

static void on_deep_alarm(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    simos_doze *z = ctx;
    z->deep_alarm = SIM_HANDLE_NONE;
    bool wd = deep_idle(z), wl = light_idle(z);
    doze_cause why = CAUSE_ALARM;
    switch (z->h.deep) {
    case SIMOS_DEEP_INACTIVE:
        z->h.deep = SIMOS_DEEP_IDLE_PENDING;
        z->next_pending_delay = z->p.idle_pending_timeout;
        z->next_idle_delay = z->p.idle_timeout;
        arm(z, &z->deep_alarm, z->p.idle_after_inactive_timeout, on_deep_alarm);
        if (!z->d->stationary) {
            motion(z);
            why = CAUSE_MOTION;
        }
        break;
    case SIMOS_DEEP_IDLE_PENDING:
        z->h.deep = SIMOS_DEEP_SENSING;
        arm(z, &z->deep_alarm, z->p.sensing_time, on_deep_alarm);
        break;
    case SIMOS_DEEP_SENSING:
        z->h.deep = SIMOS_DEEP_LOCATING;
        arm(z, &z->deep_alarm, z->p.locating_time, on_deep_alarm);
        break;
    case SIMOS_DEEP_QUICK_DOZE_DELAY:
        z->next_pending_delay = z->p.idle_pending_timeout;
        z->next_idle_delay = z->p.idle_timeout;
        deep_enter_idle(z);
        break;
    case SIMOS_DEEP_LOCATING:
        deep_enter_idle(z);
        break;
    case SIMOS_DEEP_IDLE:
        z->h.deep = SIMOS_DEEP_IDLE_MAINTENANCE;
        z->deep_maint_start = now_of(z);
        arm(z, &z->deep_alarm, z->next_pending_delay, on_deep_alarm);
        z->next_pending_delay = grow(z->next_pending_delay, z->p.idle_pending_factor, z->p.idle_pending_timeout,
                                     z->p.max_idle_pending_timeout);
        /* the active op held for the minimum time, then the early-exit check */
        arm(z, &z->look, z->p.min_deep_maintenance_time, on_look);
        break;
    case SIMOS_DEEP_IDLE_MAINTENANCE:
        deep_maintenance_end(z);
        break;
    default:
        return;
    }
    publish(z, wd, wl, why, 0);
}

/* ---- light ---- */

static void light_enter_idle(simos_doze *z)
{
    z->h.light = SIMOS_LIGHT_IDLE;
    arm(z, &z->light_alarm, z->next_light_delay, on_light_alarm);
    z->next_light_delay = grow(z->next_light_delay, z->p.light_idle_factor, 0, z->p.light_max_idle_timeout);
}

static void light_enter_maintenance(simos_doze *z)
{
    if (z->light_budget < z->p.light_min_budget)
        z->light_budget = z->p.light_min_budget;
    else if (z->light_budget > z->p.light_max_budget)
        z->light_budget = z->p.light_max_budget;
    z->h.light = SIMOS_LIGHT_IDLE_MAINTENANCE;
    z->light_maint_start = now_of(z);
    arm(z, &z->light_alarm, z->light_budget, on_light_alarm);
    arm(z, &z->look, z->p.min_light_maintenance_time, on_look);
}

static void light_maintenance_end(simos_doze *z)
{
    sim_time used = now_of(z) - z->light_maint_start;
    z->light_budget += z->p.light_min_budget - used; /* reserve grows or shrinks */
    light_enter_idle(z);
}

static void light_step(simos_doze *z)
{
    switch (z->h.light) {
    case SIMOS_LIGHT_INACTIVE:
        z->light_budget = z->p.light_min_budget;
        z->next_light_delay = z->p.light_idle_timeout;
        if (z->p.light_pre_idle_timeout > 0 && z->d->worker_running) {
            z->h.light = SIMOS_LIGHT_PRE_IDLE;
            arm(z, &z->light_alarm, z->p.light_pre_idle_timeout, on_light_alarm);
        } else {
            light_enter_idle(z);
        }
        break;
    case SIMOS_LIGHT_PRE_IDLE: light_enter_idle(z); break;
    case SIMOS_LIGHT_IDLE:
        if (z->d->net != MDL_NET_NONE) {
            light_enter_maintenance(z);
        } else { /* wait for a network for at most another idle period */
            z->h.light = SIMOS_LIGHT_WAITING_FOR_NETWORK;
            arm(z, &z->light_alarm, z->next_light_delay, on_light_alarm);
        }
        break;
    case SIMOS_LIGHT_WAITING_FOR_NETWORK: light_enter_maintenance(z); break;
    case SIMOS_LIGHT_IDLE_MAINTENANCE: light_maintenance_end(z); break;
    default: break;
    }
}

static void on_light_alarm(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    simos_doze *z = ctx;
    z->light_alarm = SIM_HANDLE_NONE;
    bool wd = deep_idle(z), wl = light_idle(z);
    simos_light old = z->h.light;
    light_step(z);
    if (z->h.light != old)
        publish(z, wd, wl, CAUSE_ALARM, 0);
}

/* The early-exit check (exitMaintenanceEarlyIfNeededLocked): after the minimum time of a window,
 * and whenever the worker stops during one. */
static void on_look(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    simos_doze *z = ctx;
    z->look = SIM_HANDLE_NONE;
    sim_time now = now_of(z);
    bool wd = deep_idle(z), wl = light_idle(z);
    doze_cause why = CAUSE_NONE;
    if (z->h.deep == SIMOS_DEEP_IDLE_MAINTENANCE && can_close_early(z) &&
        now - z->deep_maint_start >= z->p.min_deep_maintenance_time) {
        deep_maintenance_end(z);
        why = CAUSE_EARLY;
    } else if (z->h.light == SIMOS_LIGHT_IDLE_MAINTENANCE && can_close_early(z) &&
               now - z->light_maint_start >= z->p.min_light_maintenance_time) {
        light_maintenance_end(z);
        why = CAUSE_EARLY;
    } else if (z->h.light == SIMOS_LIGHT_PRE_IDLE && !z->d->worker_running) {
        light_enter_idle(z);
        why = CAUSE_PREDONE;
    }
    if (why != CAUSE_NONE)
        publish(z, wd, wl, why, 0);
}

/* ---- the device ---- */

/* Re-reads the device after a signal (posted as an event at the same instant). */
void simos_doze_on_device(sim_engine *e, void *ctx, uint64_t sig)
{
    (void)e;
    simos_doze *z = ctx;
    bool wd = deep_idle(z), wl = light_idle(z);
    simos_deep old_deep = z->h.deep;
    simos_light old_light = z->h.light;
    if (!should_be_inactive(z)) {
        if (z->h.deep != SIMOS_DEEP_ACTIVE || z->h.light != SIMOS_LIGHT_ACTIVE)
            become_active(z);
    } else {
        if (motion_watched(z) && !z->d->stationary && !quick(z)) /* quick doze: no motion checks */
            motion(z);
        else if (z->h.deep == SIMOS_DEEP_ACTIVE || z->h.light == SIMOS_LIGHT_ACTIVE)
            become_inactive(z);
        if (z->h.light == SIMOS_LIGHT_WAITING_FOR_NETWORK && z->d->net != MDL_NET_NONE)
            light_enter_maintenance(z);
        /* Battery saver on before deep IDLE: quick doze starts now (becomeInactiveIfAppropriateLocked
         * moves every state but QUICK_DOZE_DELAY, IDLE and IDLE_MAINTENANCE to QUICK_DOZE_DELAY;
         * AOSP DeviceIdleControllerTest.testTransitionFromAnyStateToStateQuickDozeDelay). */
        if (quick(z) && z->h.deep >= SIMOS_DEEP_INACTIVE && z->h.deep <= SIMOS_DEEP_LOCATING) {
            z->h.deep = SIMOS_DEEP_QUICK_DOZE_DELAY;
            arm(z, &z->deep_alarm, z->p.quick_doze_delay, on_deep_alarm);
        }
        /* the worker stopped: a maintenance window or PRE_IDLE may close now */
        if (!z->d->worker_running &&
            (z->h.deep == SIMOS_DEEP_IDLE_MAINTENANCE || z->h.light == SIMOS_LIGHT_IDLE_MAINTENANCE ||
             z->h.light == SIMOS_LIGHT_PRE_IDLE) &&
            !sim_is_pending(z->d->engine, z->look)) {
            sim_time t0 = z->h.deep == SIMOS_DEEP_IDLE_MAINTENANCE ? z->deep_maint_start + z->p.min_deep_maintenance_time
                          : z->h.light == SIMOS_LIGHT_IDLE_MAINTENANCE
                              ? z->light_maint_start + z->p.min_light_maintenance_time
                              : now_of(z);
            arm(z, &z->look, t0 - now_of(z), on_look);
        }
    }
    if (z->h.deep != old_deep || z->h.light != old_light)
        publish(z, wd, wl, CAUSE_BY_SIGNAL, sig);
    else
        z->changed(z->ctx, false); /* a wake-up all the same */
}

void simos_doze_listener(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)arg;
    (void)d;
    if (simos_doze_watches(sig))
        simos_doze_signal(ctx, sig);
}

simos_doze *simos_doze_new(mdl_device *d, const simos_doze_params *p, simos_doze_fn changed, void *ctx)
{
    simos_doze *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    *z = (simos_doze){.h = {.d = d, .enabled = p->enabled, .tail_until = -1}, .d = d, .p = *p,
                      .deep_at = SIM_TIME_MAX, .light_at = SIM_TIME_MAX, .changed = changed,
                      .ctx = ctx};
    /* deep_enter_idle's delays are idle_timeout, then grown and clamped to [idle_timeout,
     * max_idle_timeout] (grow); PRE_IDLE lasts light_pre_idle_timeout (0: none) */
    z->deep_max = slack(p->max_idle_timeout > p->idle_timeout ? p->max_idle_timeout : p->idle_timeout);
    z->pre_idle_max = slack(p->light_pre_idle_timeout);
    z->motion_max = slack(p->light_after_inactive_timeout) + z->pre_idle_max;
    /* the first look, once the environment models have set the device up */
    sim_schedule_in(d->engine, 0, SIM_PHASE_OS, simos_doze_on_device, z, 0, NULL);
    return z;
}

void simos_doze_free(simos_doze *z)
{
    if (!z)
        return;
    /* The bus keeps a pointer to z (through the owner's listener; it has no unsubscribe) and
     * events posted without a handle keep one too: the runner frees the OS model only after the
     * run, when no signal or event comes any more. The handled alarms are cancelled here all the
     * same. */
    disarm(z, &z->deep_alarm);
    disarm(z, &z->light_alarm);
    disarm(z, &z->look);
    free(z);
}


bool simos_doze_awake_recomputed(const simos_doze *z)
{
    return !(z->p.enabled && !z->d->screen_on && !z->d->plugged) || z->h.deep == SIMOS_DEEP_IDLE_MAINTENANCE ||
           z->h.light == SIMOS_LIGHT_IDLE_MAINTENANCE || z->h.light == SIMOS_LIGHT_ACTIVE;
}

void simos_doze_reboot(simos_doze *z, sim_time boot)
{
    bool wd = deep_idle(z), wl = light_idle(z);
    become_active(z);
    disarm(z, &z->look);
    z->h.tail_until = -1;
    z->d->doze_change_by = SIM_TIME_MAX; /* down: nothing changes until the boot's look */
    if (wd || wl)
        publish(z, wd, wl, CAUSE_REBOOT, 0);
    /* none while down (conservative: a screen-off meanwhile still makes it inactive) */
    z->d->doze_change_within = SIM_TIME_MAX;
    sim_time now = now_of(z);
    sim_schedule_in(z->d->engine, boot > now ? boot - now : 0, SIM_PHASE_OS, simos_doze_on_device, z, 0, NULL);
}
