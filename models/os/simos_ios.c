/*
 * simos_ios.c - the iOS OS model: requests, the evaluation loop, execution, the defaults of the
 * `os:` keys (simos_ios_parse.c reads them) and the ops the runner calls. Behaviour and sources:
 * simos_ios.h; gates: simos_ios_gates.h; score and budgets: simos_ios_score.h. "In" =
 * section In of docs/SOURCES.md (the iOS sources).
 */
#include "simos_ios_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_battery.h"
#include "mdl_kills.h"
#include "simos_ios_gates.h"
#include "simos_ios_score.h"

#define NREQ (SIMOS_IOS_MAX_REFRESH + SIMOS_IOS_MAX_PROCESSING)

typedef struct ios_request {
    bool used;
    char id[SIMOS_IOS_ID_MAX];
    simos_ios_type type;
    sim_time earliest;
    sim_time submitted;
    bool network, power;
} ios_request;

typedef struct ios {
    mdl_device *d;
    sim_engine *engine;
    sim_trace *trace;
    simos_hooks hooks;
    simos_ios_config cfg;
    ios_request req[NREQ];
    ios_request *worker_slot;  /* the slot last submitted with the worker's identifier, or NULL (worker()) */
    /* the worker */
    bool lost;                 /* the core's last submit was refused (BAR off) */
    sim_time lost_due;
    bool running;
    simos_ios_type run_type;
    sim_time run_start;
    bool blocked;              /* an APPEND waits for the run in progress */
    sim_time blocked_delay;
    unsigned blocked_constraints;
    sim_time proc_ready_at;    /* processing: the drawn launch instant once the gates opened; -1 */
    /* what the model remembers about the device and the app */
    sim_time last_launch[2];
    bool force_quit;
    sim_time screen_off_since;
    sim_time boot_at;
    simos_ios_budget energy, data;
    sim_reason reported;
    sim_handle eval_event, idle_event, expiry_event, user_stop_event;
    /* The time eval_event fires at, while it is not SIM_HANDLE_NONE: arm_eval asks it on every call
     * (issue 24: sim_event_time was 1.3 % of an iOS sweep). Exact: eval_event is pending exactly
     * while it is not none (on_eval sets it to none when it fires; every cancel or failed re-arm
     * sets it to none or to another handle), every handle stored in it is stored with its time
     * here, and what the engine writes there itself (a re-arm post firing, sim_post_rearm) is the
     * same evaluation re-armed at its own time. check_eval_at tests it (check_shortcut). */
    sim_time eval_at;
    sim_ticket eval_idle;      /* an evaluation at this instant posted as a re-arm post (arm_eval) */
    /* eval_event's handle when eval_idle was posted. The post, when it fires, re-arms eval_event,
     * which gives it a new handle (sim_rearm: the old one goes stale) written there; until then
     * nothing else moves eval_event (place_eval keeps it, or turns the post into the evaluation and
     * clears eval_idle). So the post is pending exactly while eval_event still holds this handle
     * (post_pending), which is cheaper to ask than the engine (sim_ticket_pending: a call and a
     * search); check_eval_at compares the two (check_shortcut). */
    sim_handle eval_posted;
    /* The verdict of the last full evaluation, while it holds the worker back and nothing it read
     * has changed since (held_repeats): the periodic re-evaluation repeats it. */
    bool held_valid;
    sim_time held_until;       /* the first instant a time-based input can change it; SIM_TIME_MAX: none */
    bool held_screen_free;     /* its reason is a gate the screen does not enter (held_after_change) */
    sim_time held_fixed_next;  /* ...and its instants but the idle threshold's (simos_ios_gates_fixed_next) */
    uint64_t asked_now;        /* arm_eval calls for now so far: an input changed (see evaluate's end) */
    bool level_signalled;      /* the battery-low gate's level changes sides only with a signal (on_start) */
    gsl_rng *rng_expiry, *rng_limit, *rng_delay;
} ios;

const char *simos_ios_type_name(simos_ios_type t) { return t == SIMOS_IOS_REFRESH ? "refresh" : "processing"; }

static sim_time now_of(const ios *os) { return sim_now(os->engine); }

/* ---- evaluation scheduling ---- */

static void on_eval(sim_engine *e, void *ctx, uint64_t arg);

static ios_request *find(ios *os, const char *id);
static ios_request *worker(const ios *os);

/* Whether the re-arm post eval_idle is pending (see eval_posted). */
static inline bool post_pending(const ios *os)
{
    return os->eval_idle != SIM_TICKET_NONE && os->eval_event == os->eval_posted;
}

/* Whether an evaluation now would only set the evaluation for the worker's earliest begin date
 * again, which is pending at `at` (evaluate's `now < w->earliest` branch, where setting
 * proc_ready_at to -1 and reporting none change nothing). */
static bool eval_idle(ios *os, sim_time at)
{
    if (os->running || os->proc_ready_at != -1 || os->reported != SIM_REASON_NONE)
        return false;
    const ios_request *w = worker(os);
    return w && now_of(os) < w->earliest && at == w->earliest;
}

static void check_eval_at(ios *os);
static void arm_eval_slow(ios *os, sim_time t);
static bool post_stands(ios *os);

/* Makes sure an evaluation happens at `t` or earlier.
 *
 * An evaluation asked for now, while the worker's request waits for its earliest begin date and
 * the evaluation for that date is pending, would only set that evaluation again (issue 24: 14 % of
 * the evaluations of an iOS sweep). It is posted as a re-arm post of eval_event (sim_post_rearm:
 * its place in the order, no event) and becomes the real evaluation at that place, the one at the
 * earliest date cancelled, as soon as a later call finds the request no longer waiting. Exact:
 * what eval_idle reads (running, the worker request, proc_ready_at, the reported reason) changes
 * only in this model's code, where every change is followed by arm_eval; until its turn the
 * pending evaluation answers every arm_eval (it is at now).
 *
 * The common case, an evaluation setting the next one with none pending (nor a post), is inline:
 * what the steps of arm_eval_slow come to, a schedule. Out of line, the whole of arm_eval saved and
 * restored a dozen registers on each of its 17,000 calls in an iOS sweep (callgrind). */
static inline void arm_eval(ios *os, sim_time t)
{
    if (os->cfg.check_shortcut)
        check_eval_at(os);
    if (t > now_of(os) && os->eval_event == SIM_HANDLE_NONE && os->eval_idle == SIM_TICKET_NONE) {
        if (sim_schedule(os->engine, t, SIM_PHASE_OS, on_eval, os, 0, &os->eval_event) == SIM_OK) /* none on failure */
            os->eval_at = t;
        return;
    }
    arm_eval_slow(os, t);
}

static void place_eval(ios *os, sim_time t, sim_time now);

__attribute__((noinline)) static void arm_eval_slow(ios *os, sim_time t)
{
    sim_time now = now_of(os);
    if (t < now)
        t = now;
    /* Asked for now: something the evaluation reads has changed (every caller but evaluate, which
     * only asks for later instants). The held verdict no longer stands. */
    if (t == now) {
        os->held_valid = false;
        os->asked_now++;
    }
    place_eval(os, t, now);
}

/* arm_eval's steps once the held verdict is dealt with: an evaluation at t (>= now) or earlier. */
static void place_eval(ios *os, sim_time t, sim_time now)
{
    if (os->eval_idle != SIM_TICKET_NONE) {
        if (post_pending(os)) {
            if (os->eval_event == SIM_HANDLE_NONE || !post_stands(os)) {
                sim_cancel(os->engine, os->eval_event); /* it had moved to now */
                if (sim_ticket_schedule(os->engine, os->eval_idle, on_eval, os, 0, &os->eval_event) == SIM_OK)
                    os->eval_at = now; /* the post's place: it was posted at this instant, not yet fired */
                else
                    os->eval_event = SIM_HANDLE_NONE;
                os->eval_idle = SIM_TICKET_NONE;
            }
            return;
        }
        os->eval_idle = SIM_TICKET_NONE; /* it fired */
    }
    bool pending = os->eval_event != SIM_HANDLE_NONE;
    if (pending && os->eval_at <= t)
        return;
    if (t == now && pending && eval_idle(os, os->eval_at) &&
        sim_post_rearm(os->engine, SIM_PHASE_OS, &os->eval_event, &os->eval_idle) == SIM_OK) {
        os->eval_posted = os->eval_event;
        return;
    }
    /* A later evaluation pending is replaced: cancelled, and a new one scheduled at t, which is
     * what sim_rearm is defined to be (the same slot, sequences and order). Not re-armed: for an
     * evaluation now (a signal's) the re-arm moved the pending event up the heap to be popped at
     * once, and keeping it aside to re-arm it where the evaluation sets the next (aaa8174) moved
     * it down the heap then; a cancel takes it out once, the new event now goes to the engine's
     * lane for the current instant, and the evaluation then sets the next one by the common case
     * above (issue 24: -4.5 % of an iOS sweep's instructions). On failure (beyond the end of
     * time: never) eval_event is none. */
    sim_cancel(os->engine, os->eval_event);
    os->eval_event = SIM_HANDLE_NONE;
    if (sim_schedule(os->engine, t, SIM_PHASE_OS, on_eval, os, 0, &os->eval_event) == SIM_OK)
        os->eval_at = t;
}

static void report(ios *os, sim_reason r)
{
    if (r == os->reported)
        return;
    os->reported = r;
    os->hooks.deferral(os->hooks.ctx, r);
}

/* ---- requests ---- */

static ios_request *find(ios *os, const char *id)
{
    for (int i = 0; i < NREQ; i++)
        if (os->req[i].used && strcmp(os->req[i].id, id) == 0)
            return &os->req[i];
    return NULL;
}

/* find(os, SIMOS_IOS_WORKER_ID) without comparing identifiers (the evaluation asks at every event).
 * A slot's identifier changes only in simos_ios_submit, which keeps worker_slot: the slot that holds
 * the worker's identifier (one at most: a submit replaces the request of its identifier), pending
 * while `used`. */
static ios_request *worker(const ios *os) { return os->worker_slot && os->worker_slot->used ? os->worker_slot : NULL; }

size_t simos_ios_pending(const void *p, simos_ios_type type)
{
    const ios *os = p;
    size_t n = 0;
    for (int i = 0; i < NREQ; i++)
        n += os->req[i].used && os->req[i].type == type;
    return n;
}

static const char *submit_result_name(int rc)
{
    static const char *const names[] = {"ok", "unavailable", "too_many", "not_permitted"};
    return rc >= 0 && rc <= 3 ? names[rc] : "?";
}

int simos_ios_submit(void *p, const char *id, simos_ios_type type, sim_time earliest, bool net, bool power)
{
    ios *os = p;
    sim_time now = now_of(os);
    int rc = SIMOS_IOS_OK;
    size_t len = id ? strlen(id) : 0;
    ios_request *same = len > 0 && len < SIMOS_IOS_ID_MAX ? find(os, id) : NULL;
    if (earliest < now)
        earliest = now; /* "Specify nil for no start delay" [DOC I1.1] */
    if (!os->d->refresh_enabled)
        rc = SIMOS_IOS_E_UNAVAILABLE;                    /* [DOC I1.1 Unavailable, reason 1] */
    else if (len == 0 || len >= SIMOS_IOS_ID_MAX ||
             (type == SIMOS_IOS_REFRESH && os->cfg.request != SIMOS_IOS_REFRESH))
        rc = SIMOS_IOS_E_NOT_PERMITTED;                  /* no `fetch` mode in expo's Info.plist, I5 */
    else {
        size_t limit = type == SIMOS_IOS_REFRESH ? SIMOS_IOS_MAX_REFRESH : SIMOS_IOS_MAX_PROCESSING;
        size_t n = simos_ios_pending(os, type) - (same && same->type == type ? 1 : 0);
        if (n >= limit)
            rc = SIMOS_IOS_E_TOO_MANY;                   /* [DOC I1.1 submit(_:)] */
    }
    sim_trace_begin(os->trace, now, "os.submit");
    sim_trace_str(os->trace, "request", simos_ios_type_name(type));
    sim_trace_int(os->trace, "earliest", earliest);
    sim_trace_bool(os->trace, "network", net);
    sim_trace_bool(os->trace, "power", power);
    sim_trace_str(os->trace, "result", submit_result_name(rc));
    sim_trace_end(os->trace);
    if (rc != SIMOS_IOS_OK)
        return rc;
    ios_request *r = same;
    for (int i = 0; !r && i < NREQ; i++)
        if (!os->req[i].used)
            r = &os->req[i];
    /* NREQ slots hold every request the limits allow, so a free slot exists. */
    *r = (ios_request){.used = true, .type = type, .earliest = earliest, .submitted = now, .network = net,
                       .power = power};
    memcpy(r->id, id, len + 1);
    if (strcmp(id, SIMOS_IOS_WORKER_ID) == 0) {
        os->worker_slot = r;
        os->lost = false;
        os->proc_ready_at = -1;
    } else if (r == os->worker_slot) {
        os->worker_slot = NULL; /* the worker's free slot now holds another request */
    }
    arm_eval(os, now);
    return SIMOS_IOS_OK;
}

void simos_ios_cancel_id(void *p, const char *id)
{
    ios *os = p;
    ios_request *r = id ? find(os, id) : NULL;
    if (r)
        r->used = false;
    if (id && strcmp(id, SIMOS_IOS_WORKER_ID) == 0)
        os->proc_ready_at = -1;
    arm_eval(os, now_of(os));
}

bool simos_ios_force_quit(const void *p) { return ((const ios *)p)->force_quit; }
bool simos_ios_idle(const void *p) { return ((const ios *)p)->d->dozing; }

/* ---- idle ---- */

/* set_idle when the idle state changes. */
__attribute__((noinline)) static void change_idle(ios *os, bool idle)
{
    mdl_device *d = os->d;
    d->dozing = idle;
    sim_trace_begin(os->trace, now_of(os), "os.idle");
    sim_trace_bool(os->trace, "idle", idle);
    sim_trace_end(os->trace);
    mdl_emit(d, MDL_SIG_DOZE, idle);
}

/* The test inline, the change out of line: every screen signal asks (issue 24: 6,700 calls in the
 * 10-seed iOS sweep, a third of them no change), and the call cost as much as the test. */
static inline void set_idle(ios *os, bool idle)
{
    if (os->d->dozing != idle)
        change_idle(os, idle);
}

static inline bool held_after_change(ios *os);

static void on_idle(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    ios *os = ctx;
    os->idle_event = SIM_HANDLE_NONE;
    if (!os->d->screen_on)
        set_idle(os, true);
    if (!held_after_change(os))
        arm_eval(os, now_of(os));
}

/* idle_event is none while nothing is pending (on_idle and every cancel set it to none): then the
 * re-arm is a schedule (sim_rearm's inline case); none on failure. */
static inline void arm_idle(ios *os)
{
    sim_rearm(os->engine, &os->idle_event, os->screen_off_since + os->cfg.idle_after, SIM_PHASE_OS, on_idle, os, 0);
}

static void cancel_idle(ios *os)
{
    sim_cancel(os->engine, os->idle_event);
    os->idle_event = SIM_HANDLE_NONE;
}

/* ---- execution ---- */

static void on_expiry(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    ios *os = ctx;
    os->expiry_event = SIM_HANDLE_NONE;
    if (os->running)
        os->hooks.stop(os->hooks.ctx, SIMOS_STOP_TIMEOUT);
}

static void on_user_stop(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    ios *os = ctx;
    os->user_stop_event = SIM_HANDLE_NONE;
    if (os->running && os->run_type == SIMOS_IOS_PROCESSING && os->d->screen_on)
        os->hooks.stop(os->hooks.ctx, SIMOS_STOP_USER);
}

static void launch(ios *os, ios_request *w, double score, double threshold)
{
    sim_time now = now_of(os);
    sim_time due = w->earliest;
    simos_ios_type type = w->type;
    w->used = false; /* consumed: the app must submit again (I1.2 setTaskCompleted) */
    os->running = true;
    os->run_type = type;
    os->run_start = now;
    os->last_launch[type] = now;
    os->proc_ready_at = -1;
    sim_time limit;
    bool early = false;
    if (type == SIMOS_IOS_REFRESH) {
        early = gsl_rng_uniform(os->rng_expiry) < os->cfg.early_expiry;
        limit = early ? sch_dist_sample(&os->cfg.early_expiry_after, os->rng_expiry) : os->cfg.refresh_time_limit;
        if (limit > os->cfg.refresh_time_limit)
            limit = os->cfg.refresh_time_limit;
    } else {
        limit = sch_dist_sample(&os->cfg.processing_time_limit, os->rng_limit);
    }
    if (limit < 1)
        limit = 1;
    sim_schedule(os->engine, now + limit, SIM_PHASE_OS, on_expiry, os, 0, &os->expiry_event);
    sim_trace_begin(os->trace, now, "os.launch");
    sim_trace_str(os->trace, "request", simos_ios_type_name(type));
    sim_trace_int(os->trace, "due", due);
    sim_trace_int(os->trace, "time_limit_ms", limit);
    if (early)
        sim_trace_bool(os->trace, "early_expiry", true);
    if (score >= 0) {
        sim_trace_int(os->trace, "score_permille", (int64_t)floor(score * 1000.0));
        sim_trace_int(os->trace, "threshold_permille", (int64_t)ceil(threshold * 1000.0));
    }
    sim_trace_end(os->trace);
    sim_trace_begin(os->trace, now, "os.start_worker");
    sim_trace_end(os->trace);
    report(os, SIM_REASON_NONE);
    os->hooks.fire(os->hooks.ctx, due);
}

/* The run is over (ended, stopped or died with its process): budgets pay for it. */
static void end_run(ios *os)
{
    sim_time now = now_of(os);
    sim_time ran = now - os->run_start;
    os->running = false;
    sim_cancel(os->engine, os->expiry_event);
    sim_cancel(os->engine, os->user_stop_event);
    os->expiry_event = os->user_stop_event = SIM_HANDLE_NONE;
    simos_ios_budget_debit(&os->energy, now, os->cfg.launch_cost + ran);
    if (os->d->net == MDL_NET_CELLULAR)
        simos_ios_budget_debit(&os->data, now, ran);
    arm_eval(os, now);
}

/* ---- the decision ---- */

static int battery_permille(const ios *os)
{
    return mdl_battery_level_permille(os->d, now_of(os)); /* -1 without a battery model */
}

static void evaluate(ios *os)
{
    mdl_device *d = os->d;
    sim_time now = now_of(os);
    uint64_t asked = os->asked_now;
    os->held_valid = false; /* set again below when this evaluation holds the worker back */
    if (os->running) {
        report(os, SIM_REASON_NONE); /* the one worker is busy: finished() evaluates again */
        return;
    }
    ios_request *w = worker(os);
    if (!w) {
        os->proc_ready_at = -1;
        if (os->lost && now >= os->lost_due) {
            report(os, SIM_REASON_REFRESH_OFF);
        } else {
            report(os, SIM_REASON_NONE);
            if (os->lost)
                arm_eval(os, os->lost_due);
        }
        return;
    }
    if (now < w->earliest) {
        os->proc_ready_at = -1;
        report(os, SIM_REASON_NONE);
        arm_eval(os, w->earliest);
        return;
    }
    int level = battery_permille(os);
    /* The device goes down only with MDL_SIG_REBOOT, which sets boot_at to its boot (an environment
     * event at that ms, before this phase): from boot_at on it is up, and the kills model (found by
     * a scan of the models) need not be asked. */
    simos_ios_gate_in in = {
        .type = w->type, .requires_network = w->network, .requires_power = w->power, .now = now,
        .device_down = os->boot_at > now && mdl_kills_device_down(d), .force_quit = os->force_quit,
        .refresh_enabled = d->refresh_enabled, .battery_permille = level, .plugged = d->plugged,
        .power_save = d->power_save, .network = d->net != MDL_NET_NONE, .screen_on = d->screen_on,
        .screen_off_since = os->screen_off_since, .app_foreground = d->app_foreground,
        .last_open = d->usage.last_open, .last_launch = os->last_launch[w->type],
    };
    sim_time next = -1;
    sim_reason reason = simos_ios_gates(&os->cfg, &in, &next);
    bool screen_free = !simos_ios_gate_reads_screen(reason);
    if (reason == SIM_REASON_NONE) {
        sim_time t = -1;
        if (w->type == SIMOS_IOS_REFRESH && !simos_ios_budget_ok(&os->energy, now)) {
            reason = SIM_REASON_BUDGET;
            t = simos_ios_budget_next_ok(&os->energy, now);
        } else if (d->net == MDL_NET_CELLULAR && !simos_ios_budget_ok(&os->data, now)) {
            reason = SIM_REASON_BUDGET;
            t = simos_ios_budget_next_ok(&os->data, now);
        }
        if (t > now && (next < 0 || t < next))
            next = t;
    }
    double score = -1, threshold = -1;
    if (reason != SIM_REASON_NONE) {
        os->proc_ready_at = -1;
    } else if (w->type == SIMOS_IOS_REFRESH) {
        simos_ios_score_in si = {
            .p_launch = simos_ios_launch_probability(&os->cfg, d->usage.opens_by_hour_of_week, d->cal, now,
                                                     d->usage.last_open),
            .overdue = now > w->earliest, .in_recents = mdl_kills_in_recents(d), .screen_on = d->screen_on,
            .battery_permille = level, .plugged = d->plugged,
        };
        score = simos_ios_score(&si);
        threshold = simos_ios_threshold(&os->cfg, now - w->earliest);
        if (score < threshold)
            reason = SIM_REASON_SCORE;
    } else {
        if (os->proc_ready_at < 0)
            os->proc_ready_at = now + sch_dist_sample(&os->cfg.processing_delay, os->rng_delay);
        if (now < os->proc_ready_at) {
            reason = SIM_REASON_SCORE; /* dasd's batching delay (OBS I3 #13) */
            if (next < 0 || os->proc_ready_at < next)
                next = os->proc_ready_at;
        }
    }
    if (reason == SIM_REASON_NONE) {
        launch(os, w, score, threshold);
        return;
    }
    report(os, reason);
    if (reason == SIM_REASON_DEVICE_DOWN && os->boot_at > now && (next < 0 || os->boot_at < next))
        next = os->boot_at;
    sim_time tick = now + os->cfg.reevaluate_every; /* periodic re-evaluation while held (I7.2) */
    arm_eval(os, next > 0 && next < tick ? next : tick);
    /* The verdict stands until `next` unless an input changes (see held_repeats). Not a refresh
     * score (it moves with time: the launch window, the usage decay, the threshold, the battery
     * level), not device_down (the boot sends no signal), not without the battery-low signal, and
     * not when an input changed during this evaluation (a hook it called asked for one now). */
    os->held_valid = score < 0 && reason != SIM_REASON_DEVICE_DOWN && os->level_signalled && os->asked_now == asked;
    os->held_until = next > 0 ? next : SIM_TIME_MAX;
    os->held_screen_free = screen_free;
    if (screen_free)
        os->held_fixed_next = simos_ios_gates_fixed_next(&os->cfg, &in);
}

/*
 * Whether an evaluation now would repeat the held verdict of the last full one: the same reason
 * reported, proc_ready_at as it is, the next evaluation at min(held_until, now + reevaluate_every).
 * Issue 24: the periodic re-evaluation (I7.2) was 57 % of an iOS sweep's events, nearly all of
 * them repeating a gate's verdict. Exact because
 *   - every input the verdict read that can change other than with time changes in this model's
 *     code, followed by arm_eval(now), or with a device signal, which on_signal answers with
 *     arm_eval(now) (last_open with APP_OPEN, which the usage model's listener sets while the
 *     signal is delivered: the evaluation comes in a later event); arm_eval(now) ends the verdict.
 *     The battery level enters a gate's verdict only through level < critical_battery: on_start
 *     watches that level, so the battery model signals its crossing (MDL_SIG_BATTERY_LEVEL), in
 *     the environment phase at the first ms on the other side, before any OS event at that ms,
 *     scripted jumps included (mdl_battery_script_level schedules the crossing at its own ms);
 *   - what changes with time changes at instants the full evaluation put in `next` (the idle
 *     threshold, the end of the recent-use window and of the rate limit: simos_ios_gates; the end
 *     of a budget's deficit, whose instant does not move while it refills; the processing delay);
 *     between two such instants the gates' time tests answer the same, and `next` computed later
 *     is the same instant (the instants after now are those after the full evaluation);
 *   - the verdicts that move with time otherwise are never repeated (see evaluate's end).
 * tests/models/os/test_simos_ios.c (shortcut) runs scenarios with check_shortcut.
 */
static bool held_repeats(const ios *os) { return os->held_valid && now_of(os) < os->held_until; }

static sim_time held_next_eval(const ios *os)
{
    sim_time tick = now_of(os) + os->cfg.reevaluate_every;
    return os->held_until < tick ? os->held_until : tick;
}

/*
 * screen_free_stands: a screen signal (the screen's state and screen_off_since already changed), the
 * app's close or kill (on_signal), the idle threshold (on_idle) or its evaluation (on_eval) while a
 * verdict is held whose reason is a gate the screen does not enter (a gate before
 * device_in_use: simos_ios_gate_reads_screen): the verdict stands with its idle-threshold instant
 * taken again from the screen, and the evaluation at this instant repeats it. Issue 24: these were
 * 80 % of the full evaluations of an iOS sweep, nearly all of them while the worker waited for
 * power (not_charging). Exact because a full evaluation now would
 *   - find the same reason: the gates before device_in_use read no screen input, nor
 *     app_foreground (a close), nor anything a kill changes; nothing else they
 *     read changed (anything else is followed by arm_eval(now), which ends the verdict); and the
 *     one of them that moves with time (the recent-use window) changes at an instant in
 *     held_fixed_next, which is after now;
 *   - set the next evaluation at the same instant: its instants are the idle threshold's, which
 *     simos_ios_gates_next takes from the screen now, and held_fixed_next, the others' earliest
 *     after the full evaluation, after now: the instants at or before that evaluation are at or
 *     before now, so the earliest after now is the same (the budgets' and the processing delay's
 *     instants enter only behind a passing gate). held_until may be now: the idle threshold's.
 * Returns false (the change ends the verdict as before) otherwise. check_shortcut checks it too.
 */
__attribute__((always_inline)) static inline bool screen_free_stands(ios *os, sim_time now)
{
    if (!os->held_valid || !os->held_screen_free || now > os->held_until ||
        (os->held_fixed_next >= 0 && os->held_fixed_next <= now))
        return false;
    sim_time next = simos_ios_gates_next(&os->cfg, os->d->screen_on, os->screen_off_since, now, os->held_fixed_next);
    os->held_until = next > 0 ? next : SIM_TIME_MAX;
    return true;
}

/* Whether the held verdict stands now (an evaluation now would repeat it): held_repeats (held_until
 * is right: a screen change took it again), or, for a reason the screen does not enter,
 * screen_free_stands (the idle threshold passing now). */
static bool held_stands(ios *os) { return held_repeats(os) || screen_free_stands(os, now_of(os)); }

/* screen_free_stands at a change of the screen, of the idle state or of the app's foreground or
 * process (on_signal says which), and then the evaluation at this instant (which repeats the
 * verdict); false: the change ends the verdict (arm_eval(now)). */
/* Inlined into its callers, as is screen_free_stands (always_inline: gcc kept both out of
 * line): as calls they saved and restored registers and set up arguments on each of the 10,600
 * screen changes and idle thresholds of the 10-seed iOS sweep (issue 24: -0.9 % of its
 * instructions, callgrind). */
__attribute__((always_inline)) static inline bool held_after_change(ios *os)
{
    sim_time now = now_of(os);
    if (!screen_free_stands(os, now))
        return false;
    os->asked_now++; /* an input changed: an evaluation in progress holds no verdict */
    if (os->cfg.check_shortcut)
        check_eval_at(os);
    /* place_eval(os, now, now)'s common case here (issue 24: 8,565 of its 12,849 calls in an iOS
     * sweep): the periodic evaluation pending later and no re-arm post pending, place_eval would
     * cancel it and schedule one now (with no post its first step is skipped, a pending evaluation
     * after now does not answer, and eval_idle is false while a reason is reported, its first
     * test). That evaluation now would repeat the verdict (above) and only schedule the next at
     * held_next_eval, on_eval's common case. So that next one is scheduled here, and the
     * evaluation now is a re-arm post of it (sim_post_rearm), as arm_eval posts one while the
     * request waits for its earliest date: at its turn, the place the evaluation now would have
     * had, the engine re-arms the next one where it is (in place unless something was scheduled at
     * its instant since: then after that, as the evaluation's schedule would have put it) and
     * counts it fired. A post and a schedule instead of a schedule, an event, a handler and a
     * schedule (issue 24: -0.3 % of an iOS sweep's instructions). Exact while the post stands:
     * until its turn (this instant) held_valid and held_until change only in arm_eval(now) and
     * screen_free_stands, each followed by place_eval, which turns the post into the evaluation at
     * its place when the verdict no longer repeats or its next instant moved (post_stands). A post
     * refused (too many pending) leaves the schedule now. With check_shortcut on, place_eval does
     * it: the shortcut tests (tests/models/os/test_simos_ios.c) compare the trace and the count of
     * fired events with this path to those with place_eval's. */
    bool plain = !os->cfg.check_shortcut && !post_pending(os) && os->eval_event != SIM_HANDLE_NONE;
    if (plain && os->eval_at == now) {
        /* place_eval(os, now, now)'s steps when the evaluation at this instant is pending (the idle
         * threshold's, on_idle, at the instant of the periodic evaluation: 2,199 of the sweep's
         * calls): a stale post forgotten, nothing else. Inline: the call was most of its cost. */
        os->eval_idle = SIM_TICKET_NONE;
        return true;
    }
    if (plain && os->eval_at > now && os->reported != SIM_REASON_NONE) {
        sim_time t = held_next_eval(os); /* > now: held_until > now (screen_free_stands) */
        sim_cancel(os->engine, os->eval_event);
        os->eval_event = SIM_HANDLE_NONE;
        if (sim_schedule(os->engine, t, SIM_PHASE_OS, on_eval, os, 0, &os->eval_event) == SIM_OK) {
            os->eval_at = t;
            if (sim_post_rearm(os->engine, SIM_PHASE_OS, &os->eval_event, &os->eval_idle) == SIM_OK) {
                os->eval_posted = os->eval_event;
                return true;
            }
        }
        sim_cancel(os->engine, os->eval_event); /* refused: the evaluation now after all */
        os->eval_event = SIM_HANDLE_NONE;
        if (sim_schedule(os->engine, now, SIM_PHASE_OS, on_eval, os, 0, &os->eval_event) == SIM_OK)
            os->eval_at = now; /* none on failure */
        return true;
    }
    place_eval(os, now, now);
    return true;
}

/* Whether the pending re-arm post (eval_idle) still stands for the evaluation at its place: that
 * evaluation would only set eval_event again at eval_at, because the request waits for its earliest
 * date there (arm_eval's posts), or because the held verdict repeats and sets the next evaluation
 * there (held_after_change's; never with check_shortcut, which evaluates in full). */
static bool post_stands(ios *os)
{
    return eval_idle(os, os->eval_at) ||
           (!os->cfg.check_shortcut && held_repeats(os) && held_next_eval(os) == os->eval_at);
}

/* check_shortcut: the full evaluation instead, traced with whether it repeated the verdict. */
static void check_shortcut(ios *os)
{
    sim_reason reason = os->reported;
    sim_time at, want_at = held_next_eval(os), until = os->held_until, ready = os->proc_ready_at;
    evaluate(os);
    bool ok = os->reported == reason && os->held_valid && os->held_until == until && os->proc_ready_at == ready &&
              sim_event_time(os->engine, os->eval_event, &at) == SIM_OK && at == want_at;
    sim_trace_begin(os->trace, now_of(os), "os.shortcut_check");
    sim_trace_bool(os->trace, "ok", ok);
    sim_trace_end(os->trace);
}

/* check_shortcut: traces os.shortcut_check {ok: false, what: eval_at} when eval_at (or whether
 * eval_event is pending, or whether the re-arm post is: post_pending) disagrees with the engine. */
static void check_eval_at(ios *os)
{
    sim_time at;
    bool pending = sim_event_time(os->engine, os->eval_event, &at) == SIM_OK;
    bool posted = sim_ticket_pending(os->engine, os->eval_idle);
    if (pending == (os->eval_event != SIM_HANDLE_NONE) && (!pending || at == os->eval_at) && posted == post_pending(os))
        return;
    sim_trace_begin(os->trace, now_of(os), "os.shortcut_check");
    sim_trace_bool(os->trace, "ok", false);
    sim_trace_str(os->trace, "what", "eval_at");
    sim_trace_end(os->trace);
}

/* on_eval but its common case. */
__attribute__((noinline)) static void on_eval_slow(ios *os)
{
    if (!held_stands(os))
        evaluate(os);
    else if (os->cfg.check_shortcut)
        check_shortcut(os);
    else
        arm_eval(os, held_next_eval(os));
}

/* The common case inline (issue 24: 91 % of the 247 evaluations per device-day of an iOS sweep):
 * the held verdict repeats (held_repeats) and the next evaluation is scheduled, which is arm_eval's
 * inline case with what it tests known here: check_shortcut off, eval_event none (just fired), no
 * re-arm post pending and the instant after now (held_until > now; not if reevaluate_every is 0).
 * Anything else goes the whole way, on_eval_slow; with it out of line, this path saves and restores two
 * registers, not five (callgrind: those pushes and pops were 10 of its 44 own instructions).
 * The shortcut tests (tests/models/os/test_simos_ios.c) run with and without this path: same trace. */
static void on_eval(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    ios *os = ctx;
    os->eval_event = SIM_HANDLE_NONE;
    /* A re-arm post of this evaluation has fired by now (it came before it: at an earlier instant),
     * or was turned into this event (then eval_idle is none already): forgotten here, as place_eval
     * would, so that the common case below needs no look at it. */
    os->eval_idle = SIM_TICKET_NONE;
    if (held_repeats(os) && !os->cfg.check_shortcut) {
        sim_time t = held_next_eval(os);
        if (t > now_of(os)) {
            if (sim_schedule(os->engine, t, SIM_PHASE_OS, on_eval, os, 0, &os->eval_event) == SIM_OK)
                os->eval_at = t; /* none on failure */
            return;
        }
    }
    on_eval_slow(os);
}

/* ---- the device's signals ---- */

/* The signals on_signal is not called for: its own MDL_SIG_DOZE (set_idle), the runner's
 * MDL_SIG_WORKER and MDL_SIG_MOTION (not an iOS factor), which it would return from at once.
 * Not listening to them left out 7,300 of its 16,700 calls in the 10-seed iOS sweep (issue 24);
 * the bus delivers every other signal to it in the same order (mdl_subscribe_signals).
 * tests/models/os/test_simos_ios.c (model, listens_to_every_signal_but_the_ignored) holds the set. */
#define IOS_IGNORED_SIGNALS (MDL_SIGNAL(MDL_SIG_DOZE) | MDL_SIGNAL(MDL_SIG_WORKER) | MDL_SIGNAL(MDL_SIG_MOTION))

/* Whether `sig`, not a screen signal, leaves what the gates before device_in_use read as the held
 * verdict read it (see on_signal). A close changes app_foreground, which only device_in_use reads;
 * a kill the process's life and recents, which no gate reads. A network change (d->net, already
 * set) enters only the network gate, and only for a request that requires a connection: a verdict
 * of a gate before it stands, a verdict of `network` while there is still none, and a verdict of
 * not_charging (the one gate after it that the screen does not enter) while there still is one
 * (the data budget is asked only behind passing gates). A request that requires none reads no
 * network. Issue 24: 132 of the sweep's full evaluations were such network changes. */
static inline bool keeps_early_gates(const ios *os, mdl_signal sig)
{
    if (sig == MDL_SIG_APP_CLOSE || sig == MDL_SIG_APP_KILL)
        return true;
    if (sig != MDL_SIG_NETWORK)
        return false;
    const ios_request *w = worker(os);
    if (!w) /* no verdict is held without the request (its cancel ends it): the full evaluation */
        return false;
    if (!w->network)
        return true;
    bool up = os->d->net != MDL_NET_NONE;
    if (os->reported == SIM_REASON_NETWORK)
        return !up;
    if (os->reported == SIM_REASON_NOT_CHARGING)
        return up;
    return true;
}

/* Tests in the order of their frequency, not a switch: gcc made the switch a jump table, whose one
 * indirect jump alternated between the screen's two cases and so mispredicted on nearly every
 * call (issue 24: 8,773 of its 8,794 in the 10-seed iOS sweep, cachegrind); the screen's two
 * tests come first (they are 95 % of the calls), and each case is its own conditional branch.
 *
 * The screen's signals, the app's close and its kill change only inputs that the gates from
 * device_in_use on read (the screen, app_foreground) or that no gate reads (a kill: the process's
 * life, recents; the runner's own listener, which may end a run or move the core, ends the verdict
 * itself through arm_eval(now) as it always did): while a verdict whose reason is an earlier gate
 * is held, the evaluation they ask for repeats it (held_after_change). Every other signal changes
 * what an earlier gate reads (plug, level, network, Low Power Mode, settings, open and swipe: the
 * recent-use window and force-quit, reboot) and asks for the full evaluation. Issue 24: the close
 * and the kill were 250 of the full evaluations of the 10-seed iOS sweep; the shortcut tests
 * (tests/models/os/test_simos_ios.c) run 216 closes and 68 kills under a held verdict through it. */
static void on_signal(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    ios *os = ctx;
    sim_time now = now_of(os);
    (void)d;
    if (sig == MDL_SIG_SCREEN_OFF) {
        os->screen_off_since = now;
        arm_idle(os);
    } else if (sig == MDL_SIG_SCREEN_ON) {
        cancel_idle(os);
        set_idle(os, false);
        if (os->running && os->run_type == SIMOS_IOS_PROCESSING && !sim_is_pending(os->engine, os->user_stop_event))
            sim_schedule(os->engine, now, SIM_PHASE_OS, on_user_stop, os, 0, &os->user_stop_event);
    } else if (!keeps_early_gates(os, sig)) {
        if (sig == MDL_SIG_APP_SWIPE || sig == MDL_SIG_APP_OPEN) {
            if (os->force_quit != (sig == MDL_SIG_APP_SWIPE)) {
                os->force_quit = sig == MDL_SIG_APP_SWIPE;
                sim_trace_begin(os->trace, now, "os.force_quit");
                sim_trace_bool(os->trace, "on", os->force_quit);
                sim_trace_end(os->trace);
            }
        } else if (sig == MDL_SIG_REBOOT) {
            os->boot_at = now + arg;
        }
        arm_eval(os, now);
        return;
    }
    if (!held_after_change(os))
        arm_eval(os, now);
}

/* At time 0, after the environment models have started: watch the critical battery level. */
static void on_start(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    ios *os = ctx;
    /* The critical level is watched (no battery model: the gate never closes, nothing to watch).
     * held_repeats relies on its crossing being signalled. */
    int crit = os->cfg.critical_battery_permille;
    os->level_signalled = crit <= 0 || battery_permille(os) < 0 || mdl_battery_watch(os->d, crit) == MDL_OK;
    if (os->d->screen_on) {
        cancel_idle(os);
    }
    arm_eval(os, now_of(os));
}

/* ---- ops ---- */

static void *ios_create(mdl_device *d, const simos_hooks *hooks, const void *config)
{
    ios *os = calloc(1, sizeof *os);
    if (!os)
        return NULL;
    os->d = d;
    os->engine = d->engine;
    os->trace = d->trace;
    os->hooks = *hooks;
    if (config)
        os->cfg = *(const simos_ios_config *)config;
    else
        simos_ios_desc.defaults(&os->cfg, d->os_version);
    os->last_launch[0] = os->last_launch[1] = -1;
    os->proc_ready_at = -1;
    os->boot_at = -1;
    os->screen_off_since = sim_now(d->engine); /* the device starts with its screen off */
    sim_time now = sim_now(d->engine);
    simos_ios_budget_init(&os->energy, os->cfg.energy_budget, now);
    simos_ios_budget_init(&os->data, os->cfg.data_budget, now);
    os->rng_expiry = sim_rng_get(d->rngs, "os.expiry");
    os->rng_limit = sim_rng_get(d->rngs, "os.processing_limit");
    os->rng_delay = sim_rng_get(d->rngs, "os.processing_delay");
    if (!os->rng_expiry || !os->rng_limit || !os->rng_delay || mdl_subscribe_signals(d, on_signal, os, MDL_ALL_SIGNALS & ~IOS_IGNORED_SIGNALS) != MDL_OK ||
        sim_schedule(d->engine, now, SIM_PHASE_OS, on_start, os, 0, NULL) != SIM_OK) {
        free(os);
        return NULL;
    }
    if (!d->screen_on)
        arm_idle(os);
    return os;
}

static void ios_destroy(void *os) { free(os); }

static int submit_worker(ios *os, sim_time delay, unsigned constraints)
{
    sim_time now = now_of(os);
    sim_time earliest = delay > SIM_TIME_MAX - now ? SIM_TIME_MAX : now + (delay < 0 ? 0 : delay);
    int rc = simos_ios_submit(os, SIMOS_IOS_WORKER_ID, os->cfg.request, earliest,
                              (constraints & BGT_CONSTRAINT_NETWORK) != 0, (constraints & BGT_CONSTRAINT_CHARGING) != 0);
    if (rc == SIMOS_IOS_E_UNAVAILABLE) {
        os->lost = true;
        os->lost_due = earliest;
        arm_eval(os, now);
    }
    return rc == SIMOS_IOS_OK ? BGT_OK : BGT_E_BACKEND;
}

static int ios_schedule(void *p, const bgt_schedule_req *req)
{
    ios *os = p;
    bool append = req->mode == BGT_SCHEDULE_APPEND && os->running;
    SIMOS_TRACE_SCHEDULE(os->trace, now_of(os), req, append);
    if (append) { /* no APPEND on iOS: submitted when the run ends (expo never appends on iOS) */
        os->blocked = true;
        os->blocked_delay = req->delay_ms;
        os->blocked_constraints = req->constraints;
        return BGT_OK;
    }
    os->blocked = false;
    ios_request *w = worker(os); /* expo: cancel, then submit (I5) */
    if (w)
        w->used = false;
    return submit_worker(os, req->delay_ms, req->constraints);
}

static int ios_cancel(void *p)
{
    ios *os = p;
    sim_trace_begin(os->trace, now_of(os), "os.cancel");
    sim_trace_end(os->trace);
    os->lost = false;
    os->blocked = false;
    simos_ios_cancel_id(os, SIMOS_IOS_WORKER_ID); /* a running task is not stopped by cancel */
    return BGT_OK;
}

static bgt_worker_state ios_state(const void *p)
{
    const ios *os = p;
    if (os->running)
        return BGT_WORKER_RUNNING;
    if (os->blocked)
        return BGT_WORKER_BLOCKED;
    return worker(os) ? BGT_WORKER_ENQUEUED : BGT_WORKER_NONE;
}

static void ios_finished(void *p, bool expired)
{
    (void)expired; /* the core reschedules (expo's expirationHandler), not the OS */
    ios *os = p;
    if (!os->running)
        return;
    end_run(os);
    if (os->blocked) {
        os->blocked = false;
        (void)submit_worker(os, os->blocked_delay, os->blocked_constraints);
    }
}

static void ios_aborted(void *p)
{
    ios *os = p;
    os->blocked = false;
    if (os->running)
        end_run(os); /* the request was consumed at launch: nothing re-runs it */
}

static const simos_ops ios_ops = {
    .create = ios_create,
    .destroy = ios_destroy,
    .schedule = ios_schedule,
    .cancel = ios_cancel,
    .state = ios_state,
    .finished = ios_finished,
    .aborted = ios_aborted,
};

/* ---- the defaults of the `os:` section (read by simos_ios_parse.c) ----------------------------
 * Every default with its source; scenarios/README.md "### `os` on ios" is the user-facing copy. */

static void ios_defaults(void *p, int os_version)
{
    simos_ios_config *c = p;
    *c = (simos_ios_config){
        .request = SIMOS_IOS_PROCESSING,               /* DOC-expo: BGProcessingTaskRequest, I5 */
        .idle_after = SIM_MINUTES(5),                  /* OBS: "around 5 minutes after device is locked", I1.3 FORUM 119758 */
        .processing_on_battery = false,                /* OBS: I3 #2, #3, #4, #6 (iPhone); RE I7.3 G11 */
        /* FORUM 793189: processing runs after force-quit on 18.3-18.5 ("intentional"); a whole major
         * version cannot say 18.3, so 19+ (assumption: the behaviour stays). */
        .force_quit_blocks_processing = os_version < 19,
        .used_within = {SIM_DAYS(7),                   /* DOC: BGProcessingTaskRequest header "used your app within the past week" */
                        SIM_DAYS(14)},                 /* RE: I7.3 G5 */
        .critical_battery_permille = 200,              /* WWDC20 10063: "below 20% battery", I2.2 */
        .rate_limit = {SIM_HOURS(6),                   /* ASSUMPTION: "daily" (WWDC20), I7.3 G13 */
                       SIM_MINUTES(15)},               /* OBS: I3 #4 "never ... faster than 15 minutes"; WWDC20 push diagram */
        .reevaluate_every = SIM_MINUTES(5),            /* ASSUMPTION: I7.2 */
        .processing_delay = {.kind = SCH_DIST_UNIFORM, .a = 0, .b = (double)SIM_MINUTES(30)}, /* ASSUMPTION I7.4; OBS I3 #13 ~10 min */
        .refresh_time_limit = SIM_SECONDS(30),         /* DOC: "up to 30 seconds", I1.2 */
        .early_expiry = 0.05,                          /* ASSUMPTION on the rate, I7.5 */
        .early_expiry_after = {.kind = SCH_DIST_UNIFORM, .a = (double)SIM_SECONDS(2), .b = (double)SIM_SECONDS(30)}, /* FORUM 780956: 2-5 s seen */
        .processing_time_limit = {.kind = SCH_DIST_UNIFORM, .a = (double)SIM_MINUTES(3), .b = (double)SIM_MINUTES(10)}, /* WWDC19 "several minutes"; ASSUMPTION on the law */
        .lookahead = SIM_MINUTES(20),                  /* RE: 15-22.5 min, I7.4 */
        .launch_floor = 0.0025,                        /* RE: I7.4 */
        .usage_half_life = SIM_DAYS(2),                /* ASSUMPTION: calibrated to I7.6 "unused 3-7 days -> 0" */
        .threshold_start = 0.85,                       /* ASSUMPTION: I7.4 */
        .threshold_min = 0.5,                          /* ASSUMPTION: I7.4 */
        .threshold_relax = SIM_HOURS(24),              /* ASSUMPTION: I7.4 */
        .energy_budget = SIM_SECONDS(60),              /* ASSUMPTION: calibrated to I7.6 (refresh 1-8/day, median 2-4) */
        .launch_cost = SIM_SECONDS(20),                /* ASSUMPTION: same calibration */
        .data_budget = SIM_MINUTES(5),                 /* ASSUMPTION: WWDC20 data budget, no figure */
    };
}

/* `randomness: none`: no early expiry of refresh launches, and the processing tasks' delay and
 * time limit fixed at their distributions' means. */
static void ios_no_random(void *p)
{
    simos_ios_config *c = p;
    c->early_expiry = 0;
    c->processing_delay = sch_dist_fixed((sim_time)sch_dist_mean(&c->processing_delay));
    c->processing_time_limit = sch_dist_fixed((sim_time)sch_dist_mean(&c->processing_time_limit));
}

const simos_desc simos_ios_desc = {
    .platform = "ios",
    .keys = simos_ios_keys,
    .config_size = sizeof(simos_ios_config),
    .defaults = ios_defaults,
    .parse = simos_ios_parse,
    .no_random = ios_no_random,
    .ops = &ios_ops,
};
