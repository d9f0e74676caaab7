/*
 * simos_android.c - the Android OS model: the WorkManager layer that drives JobScheduler
 * (simos_jobs), Doze (simos_doze) and App Standby (simos_standby). See simos_android.h. The
 * parameters per version are in simos_android_params.c, the `os:` section's parser in
 * simos_android_parse.c. "An [id]" cites section An of docs/SOURCES.md and the AOSP / AndroidX
 * file listed under that id in its table A0.
 */
#include "simos_android_internal.h"

#include <stdlib.h>

#include "mdl_battery.h"

/* ---- WorkManager's next run time (AndroidX WorkSpec.calculateNextRunTime, A4.2 [W2]) --------- */

sim_time simos_wm_next_run_time(const simos_wm_spec *w)
{
    const sim_time min_interval = SIM_MINUTES(15), min_flex = SIM_MINUTES(5);
    if (w->run_attempt > 0) { /* isBackedOff */
        sim_time b = w->backoff < SIM_SECONDS(10) ? SIM_SECONDS(10) : w->backoff > SIM_HOURS(5) ? SIM_HOURS(5) : w->backoff;
        sim_time delay;
        if (w->linear) {
            delay = b * w->run_attempt;
        } else {
            delay = b;
            for (int i = 1; i < w->run_attempt && delay < SIM_HOURS(5); i++)
                delay *= 2;
        }
        return w->last_enqueue + (delay < SIM_HOURS(5) ? delay : SIM_HOURS(5));
    }
    if (w->periodic) {
        sim_time interval = w->interval < min_interval ? min_interval : w->interval;
        sim_time flex = w->flex < min_flex ? min_flex : w->flex > interval ? interval : w->flex;
        if (w->period_count == 0) {
            sim_time t = w->last_enqueue + w->initial_delay;
            if (flex != interval)
                t += interval - flex;
            return t;
        }
        return w->last_enqueue + interval;
    }
    return w->last_enqueue + w->initial_delay;
}

/* ---- the model ------------------------------------------------------------------------------ */

typedef struct android {
    mdl_device *d;
    simos_hooks hooks;
    simos_android_config c;
    simos_doze *doze;
    simos_standby *standby;
    simos_jobs *jobs;
    simos_phone *phone;      /* other apps' jobs */
    /* WorkManager: the unique work */
    bool work;               /* an unfinished work (ENQUEUED, or RUNNING) */
    bool running;
    bool run_cancelled;      /* the running work was replaced or cancelled: no retry */
    unsigned constraints;
    sim_time last_enqueue, initial_delay;
    int run_attempt;
    sim_time due_at;         /* the request is due from here (deferral accounting) */
    sim_time run_start;
    bool blocked;            /* a successor APPENDed behind the work */
    sim_time blocked_delay;
    unsigned blocked_constraints;
    /* JobScheduler / the device */
    sim_time js_earliest;    /* JobScheduler backoff after a stop */
    bool force_stopped, down;
    bool stop_failure;       /* the stop in progress counts as a failure (timeout) */
    sim_handle eval_ev, timer_ev, limit_ev, boot_ev;
    sim_ticket eval_idle;    /* a readiness check posted as a re-arm post (post_eval) */
    sim_time eval_idle_at;   /* the instant it was posted at (and fires at) */
    sim_handle eval_idle_timer; /* timer_ev when it was posted (its firing re-arms the timer) */
    sim_time timer_at;       /* the time timer_ev is set for while it is pending */
    bool wake;
    /* the app's process and WorkManager's GreedyScheduler (simos_android.h) */
    bool proc_alive;
    sim_time cached_since;   /* background with no run since (the freezer's debounce) */
    sim_time up_acc, up_since; /* uptime: CPU-awake time, integrated at every change */
    bool up_awake;
    bool greedy_armed;       /* GreedyScheduler holds the work (a delayed or tracked WorkSpec) */
    sim_time greedy_target;  /* its Handler timer, in uptime */
    bool run_greedy;         /* the run in progress was started by GreedyScheduler */
    sim_handle greedy_ev;
    sim_reason reported;
    sim_time idle_until;     /* eval_idle holds before this time (idle_refresh) */
    long idle_asks, idle_mismatches; /* config.reference: eval_idle's audit */
} android;

static sim_time now_of(const android *os) { return sim_now(os->d->engine); }

static void on_eval(sim_engine *e, void *ctx, uint64_t arg);

/* Whether a readiness check now would only set the timer again: the work waits for its initial
 * delay (or retry time), the reason reported is none and the timer is set for that time (evaluate's
 * `now < due_at` branch: report(NONE) changes nothing, sim_rearm of the timer to its own time). */
static bool eval_idle_recomputed(const android *os)
{
    return os->work && !os->running && now_of(os) < os->due_at && os->reported == SIM_REASON_NONE &&
           os->timer_at == os->due_at && os->timer_ev != SIM_HANDLE_NONE;
}

/* eval_idle_recomputed's terms but the clock's, kept in idle_until: due_at while they hold, else
 * the start of time (then `now < idle_until` is false, as the && is). Called after every write of
 * work, running, due_at, reported, timer_at or timer_ev, all of which are in this file: the engine
 * writes timer_ev only when a re-arm post fires, with the timer's new handle (never none). */
static void idle_refresh(android *os)
{
    os->idle_until = os->work && !os->running && os->reported == SIM_REASON_NONE && os->timer_at == os->due_at &&
                             os->timer_ev != SIM_HANDLE_NONE
                         ? os->due_at
                         : INT64_MIN;
}

/* eval_idle_recomputed from idle_refresh's cache. post_eval asks it at every ask (44k in the
 * 10-seed sweep), where its six loads and compares were a third of post_eval (issue 24). Always
 * inlined, its loads shared with post_eval's. config.reference recomputes it and counts where the
 * cache differs (simos_android_idle_audit; tests expect none). */
static inline __attribute__((always_inline)) bool eval_idle(android *os, bool reference)
{
    if (reference) {
        bool idle = eval_idle_recomputed(os);
        os->idle_asks++;
        os->idle_mismatches += idle != (now_of(os) < os->idle_until);
        return idle;
    }
    return now_of(os) < os->idle_until;
}

void simos_android_idle_audit(const void *model, long *asks, long *mismatches)
{
    const android *os = model;
    *asks = os->idle_asks;
    *mismatches = os->idle_mismatches;
}

/* Whether the readiness check (eval_ev) is pending. eval_ev is none unless it is: on_eval clears it
 * when it fires and nothing cancels it, so the handle says it without asking the engine (issue 24;
 * config.reference asks). */
static inline __attribute__((always_inline)) bool eval_pending(const android *os, bool reference)
{
    return reference ? sim_is_pending(os->d->engine, os->eval_ev) : os->eval_ev != SIM_HANDLE_NONE;
}

/* Whether the re-arm post eval_idle has not fired yet. A post fires at the instant it was posted
 * (its time is now): once the clock has moved on it has fired. At that instant its firing shows in
 * the timer's handle: the engine re-arms the timer, pending at a later time (eval_idle held), and
 * writes its new handle to timer_ev; nothing else changes timer_ev while the post is pending (only
 * evaluate and on_eval's timer case do, in a real check: the timer fires later, and a real check
 * at this instant is the post turned into one, which clears eval_idle). So the engine is not
 * asked (issue 24; config.reference asks: a wrong answer would add or leave out a post, which
 * scenario/shortcuts_change_nothing would count). Always inlined: post_eval asks it at every ask
 * with a post made (41k in the 10-seed sweep) and gcc kept it out of line (issue 24). */
static inline __attribute__((always_inline)) bool post_pending(const android *os, bool reference)
{
    if (os->eval_idle == SIM_TICKET_NONE)
        return false;
    if (reference)
        return sim_ticket_pending(os->d->engine, os->eval_idle);
    return now_of(os) == os->eval_idle_at && os->timer_ev == os->eval_idle_timer;
}

/* Ask for a readiness check at this instant (once however many ask). `wake`: the CPU is awake
 * now (a signal, a Doze transition), so the job's non-wakeup timers are noticed.
 *
 * Most checks (96 % in an Android sweep, issue 24) come while the work waits for its delay and
 * would only set the timer again: those are posted as a re-arm post (sim_post_rearm), which keeps
 * the check's place in the order and costs no event. It becomes the real check, at that place, as
 * soon as a later ask finds the work no longer waiting. This is exact because everything eval_idle
 * reads (work, running, due_at, the reported reason, the timer) changes only in this model's own
 * code, and every such change asks for a check (android_schedule, android_cancel, run_ended, and
 * evaluate/start, which run only in a real check). `wake` is read only by a real check: a re-arm
 * post that fired leaves it false, as the check would have. Always inlined: asked 44k times in the
 * 10-seed sweep, mostly from on_doze, on_phone and the listener, where the call and its register
 * saves were a third of its cost (issue 24). */
static inline __attribute__((always_inline)) void post_eval_as(android *os, bool wake, bool reference)
{
    sim_engine *e = os->d->engine;
    if (os->eval_idle != SIM_TICKET_NONE) {
        if (post_pending(os, reference)) {
            os->wake |= wake;
            if (!eval_idle(os, reference) && sim_ticket_schedule(e, os->eval_idle, on_eval, os, 0, &os->eval_ev) == SIM_OK)
                os->eval_idle = SIM_TICKET_NONE;
            return;
        }
        os->eval_idle = SIM_TICKET_NONE; /* it fired: the check that found nothing to do */
        os->wake = false;
    }
    os->wake |= wake;
    if (eval_pending(os, reference))
        return;
    if (eval_idle(os, reference) && sim_post_rearm(e, SIM_PHASE_OS, &os->timer_ev, &os->eval_idle) == SIM_OK) {
        os->eval_idle_at = now_of(os);
        os->eval_idle_timer = os->timer_ev;
        return;
    }
    os->eval_idle = SIM_TICKET_NONE;
    if (sim_schedule_in(e, 0, SIM_PHASE_OS, on_eval, os, 0, &os->eval_ev) != SIM_OK)
        os->eval_ev = SIM_HANDLE_NONE;
}

/* post_eval with config.reference: out of line, so that post_eval tests the flag once and its
 * inlined copies (a dozen call sites) carry no reference branch. */
__attribute__((noinline)) static void post_eval_reference(android *os, bool wake) { post_eval_as(os, wake, true); }

/* Ask for a readiness check (post_eval_as, the flag tested once: it was tested three times on
 * the way, 44k asks in the 10-seed sweep; issue 24). */
static inline __attribute__((always_inline)) void post_eval(android *os, bool wake)
{
    if (os->c.reference)
        post_eval_reference(os, wake);
    else
        post_eval_as(os, wake, false);
}

static void report(android *os, sim_reason r)
{
    if (r == os->reported)
        return;
    os->reported = r;
    idle_refresh(os);
    os->hooks.deferral(os->hooks.ctx, r);
}

/* calculateNextRunTime of the unique work. Its one-time work, not backed off (run_attempt 0: the
 * work was enqueued and has not run, or run_attempt was reset by a success), is the function's last
 * case, last_enqueue + initial_delay: answered inline, without building the spec and calling it
 * (evaluate and greedy_arm ask 38k times in the commuter's 10-seed sweep, nearly all at attempt 0;
 * issue 24). run_attempt only counts up from 0 (start) or is reset to 0 (enqueue, run_ended), so
 * `== 0` is simos_wm_next_run_time's `!(run_attempt > 0)`; the model's work is never periodic.
 * tests/models/os (wm_next_run_time_one_time_unbacked) checks the function gives that sum. */
static inline sim_time wm_next_run(const android *os)
{
    if (os->run_attempt == 0)
        return os->last_enqueue + os->initial_delay;
    simos_wm_spec w = {.last_enqueue = os->last_enqueue, .initial_delay = os->initial_delay,
                       .backoff = os->c.wm_backoff, .run_attempt = os->run_attempt};
    return simos_wm_next_run_time(&w);
}

static void enqueue(android *os, sim_time delay, unsigned constraints)
{
    os->work = true;
    os->last_enqueue = now_of(os);
    os->initial_delay = delay > 0 ? delay : 0;
    os->run_attempt = 0;
    os->constraints = constraints;
    os->due_at = os->last_enqueue + os->initial_delay;
    os->js_earliest = 0;
    simos_jobs_new_job(os->jobs);
    idle_refresh(os);
}

static void stop_worker(android *os, simos_stop why, bool failure, const char *cause)
{
    if (!os->running)
        return;
    os->stop_failure = failure;
    sim_trace_begin(os->d->trace, now_of(os), "os.stop");
    sim_trace_str(os->d->trace, "cause", cause);
    sim_trace_end(os->d->trace);
    os->hooks.stop(os->hooks.ctx, why); /* the runner ends the run and calls finished() */
}

/* The running work was stopped or died. WorkManager keeps lastEnqueueTime and the incremented run
 * attempt (WorkerWrapper.resolve(true)). After a stop it cancels the JobScheduler job and schedules
 * a fresh one (Schedulers.registerRescheduling -> SystemJobScheduler.cancel + schedule,
 * work-runtime 2.9.x): no JobScheduler backoff, only calculateNextRunTime. After a death (or with
 * stop_reschedule: jobscheduler) JobScheduler's own reschedule applies: backoff from now
 * (getRescheduleJobForFailureLocked). See simos_android.h. */
static void retry(android *os, bool failure, bool died, const char *cause)
{
    int attempts = 0;
    sim_time now = now_of(os);
    if (died || os->c.stop_js_backoff) {
        os->js_earliest = simos_jobs_reschedule(os->jobs, failure, os->c.wm_backoff, now, &attempts);
    } else {
        os->js_earliest = 0;
        simos_jobs_new_job(os->jobs);
    }
    os->due_at = now;
    idle_refresh(os);
    sim_time earliest = wm_next_run(os);
    if (os->js_earliest > earliest)
        earliest = os->js_earliest;
    sim_trace_begin(os->d->trace, now, "os.retry");
    sim_trace_str(os->d->trace, "cause", cause);
    sim_trace_int(os->d->trace, "run_attempt", os->run_attempt);
    sim_trace_int(os->d->trace, "backoff_attempts", attempts);
    sim_trace_int(os->d->trace, "earliest", earliest > now ? earliest : now);
    sim_trace_end(os->d->trace);
}

static bool exempt(const android *os) { return os->d->optimization_exempt; }

/* ---- the process, uptime and GreedyScheduler ---- */

/* The CPU is awake: Doze's view, or a wakelock (the app's run, another app's job). Always inlined
 * into uptime_sync (35k calls in the 10-seed sweep): out of line, its call and the registers its
 * callers saved around it cost as much as its loads (issue 24). */
static inline __attribute__((always_inline)) bool cpu_awake(const android *os)
{
    return simos_doze_awake(os->doze) || os->running || simos_phone_busy(os->phone);
}

/* Uptime now (SystemClock.uptimeMillis stops while the CPU sleeps). Called at every instant the
 * CPU's state may change, so each interval is counted with the state it had. Always inlined (35k
 * calls in the 10-seed sweep, a few loads and compares: the call cost as much; issue 24). */
static inline __attribute__((always_inline)) sim_time uptime_sync(android *os)
{
    sim_time now = now_of(os);
    if (os->up_awake)
        os->up_acc += now - os->up_since;
    os->up_since = now;
    os->up_awake = cpu_awake(os);
    return os->up_acc;
}

/* CachedAppOptimizer: a cached process (background, nothing running) is frozen after the debounce. */
static bool frozen(const android *os, sim_time now)
{
    return os->c.freeze_delay > 0 && !os->d->app_foreground && !os->running && now >= os->cached_since + os->c.freeze_delay;
}

/* Schedulers.schedule hands the ENQUEUED work to GreedyScheduler too: DelayedWorkTracker arms
 * a Handler timer of calculateNextRunTime - now (0 when due: tracked at once). */
static void greedy_arm(android *os)
{
    if (!os->c.greedy || !os->proc_alive || !os->work || os->running)
        return;
    sim_time wait = wm_next_run(os) - now_of(os);
    os->greedy_target = uptime_sync(os) + (wait > 0 ? wait : 0);
    os->greedy_armed = true;
}

static void proc_start(android *os)
{
    if (os->proc_alive)
        return;
    os->proc_alive = true;
    os->cached_since = now_of(os);
    greedy_arm(os); /* WorkManager initializes: Schedulers.schedule */
}

static void proc_end(android *os)
{
    os->proc_alive = false;
    os->greedy_armed = false; /* the in-process scheduler dies with the process */
    sim_cancel(os->d->engine, os->greedy_ev);
    os->greedy_ev = SIM_HANDLE_NONE;
}

/* GreedyScheduler's constraints, tracked in process: a network the app may use (none while Doze
 * holds it back), battery not low, charging. */
static bool greedy_constraints(const android *os, sim_time now)
{
    const mdl_device *d = os->d;
    sim_time until;
    bool low = mdl_battery_low(d);
    if ((os->constraints & BGT_CONSTRAINT_NETWORK) &&
        (d->net == MDL_NET_NONE || (!exempt(os) && simos_doze_blocks(os->doze, now, &until) != SIM_REASON_NONE)))
        return false;
    if ((os->constraints & BGT_CONSTRAINT_BATTERY_NOT_LOW) && low)
        return false;
    if ((os->constraints & BGT_CONSTRAINT_CHARGING) && !(d->plugged && !low))
        return false;
    return true;
}

static void on_greedy_timer(sim_engine *e, void *ctx, uint64_t arg);

/* Whether GreedyScheduler starts the work now; otherwise (re)arms the event of its uptime timer
 * (only while the CPU is awake and the process can run it). */
static bool greedy_check(android *os, sim_time now)
{
    if (!os->greedy_armed || !os->proc_alive || os->force_stopped || os->down || frozen(os, now)) {
        sim_cancel(os->d->engine, os->greedy_ev);
        os->greedy_ev = SIM_HANDLE_NONE;
        return false;
    }
    sim_time up = uptime_sync(os);
    if (up >= os->greedy_target) {
        sim_cancel(os->d->engine, os->greedy_ev);
        os->greedy_ev = SIM_HANDLE_NONE;
        return greedy_constraints(os, now);
    }
    if (os->up_awake)
        sim_rearm(os->d->engine, &os->greedy_ev, now + (os->greedy_target - up), SIM_PHASE_OS, on_greedy_timer, os, 0);
    else {
        sim_cancel(os->d->engine, os->greedy_ev);
        os->greedy_ev = SIM_HANDLE_NONE;
    }
    return false;
}

static void on_limit(sim_engine *e, void *ctx, uint64_t by_quota)
{
    (void)e;
    android *os = ctx;
    os->limit_ev = SIM_HANDLE_NONE;
    if (by_quota)
        stop_worker(os, SIMOS_STOP_QUOTA, false, "quota");
    else
        stop_worker(os, SIMOS_STOP_TIMEOUT, true, "timeout");
}

static void arm_limit(android *os, sim_time limit, bool by_quota)
{
    /* Replaces the limit in force (a cancel and a schedule in one step); none on failure. */
    sim_rearm_in(os->d->engine, &os->limit_ev, limit, SIM_PHASE_OS, on_limit, os, by_quota);
}

static void cancel_timer(android *os)
{
    sim_cancel(os->d->engine, os->timer_ev);
    os->timer_ev = SIM_HANDLE_NONE;
    os->timer_at = -1;
    idle_refresh(os);
}

/* The worker starts: by JobScheduler (its runtime limit or remaining quota), or by GreedyScheduler
 * in process (TimeLimiter, outside JobScheduler's quota). */
static void start(android *os, sim_time now, bool greedy)
{
    simos_bucket b = simos_standby_bucket(os->standby);
    bool by_quota = false;
    sim_time limit = greedy ? os->c.greedy_time_limit
                            : simos_jobs_start(os->jobs, b, os->d->plugged, os->d->app_foreground, now, &by_quota);
    uptime_sync(os);
    proc_start(os); /* JobScheduler starts the process for its job */
    os->running = true;
    idle_refresh(os);
    os->run_greedy = greedy;
    os->greedy_armed = false;
    sim_cancel(os->d->engine, os->greedy_ev);
    os->greedy_ev = SIM_HANDLE_NONE;
    os->run_start = now;
    os->run_cancelled = false;
    os->run_attempt++; /* WorkManager counts the attempt when the worker goes RUNNING */
    report(os, SIM_REASON_NONE);
    cancel_timer(os);
    sim_trace_begin(os->d->trace, now, "os.start_worker");
    simos_trace_bucket(os->d->trace, b);
    if (greedy) /* a literal in each branch folds as constants (a ?: of two is a string at run time) */
        sim_trace_str(os->d->trace, "by", "greedy");
    else
        sim_trace_str(os->d->trace, "by", "jobscheduler");
    sim_trace_int(os->d->trace, "run_attempt", os->run_attempt);
    sim_trace_int(os->d->trace, "limit_ms", limit);
    sim_trace_end(os->d->trace);
    arm_limit(os, limit, by_quota);
    uptime_sync(os); /* the run's wakelock */
    os->hooks.fire(os->hooks.ctx, os->due_at);
}

/* A constraint the running job needs, lost (A3.7): its name, or NULL. */
static const char *lost_constraint(const android *os)
{
    const mdl_device *d = os->d;
    bool low = mdl_battery_low(d);
    if ((os->constraints & BGT_CONSTRAINT_NETWORK) && d->net == MDL_NET_NONE)
        return "network";
    if ((os->constraints & BGT_CONSTRAINT_BATTERY_NOT_LOW) && low)
        return "battery_low";
    if ((os->constraints & BGT_CONSTRAINT_CHARGING) && !(d->plugged && !low))
        return "not_charging";
    return NULL;
}

/* Every evaluation replaces the readiness timer (cancels it, then sets it again if the job waits
 * for a time). Nothing in between touches the engine (the checks are pure, report() only records),
 * so the replacement is done at the end in one step, sim_rearm, where it costs one sift. */
static void evaluate(android *os, bool wake)
{
    sim_time now = now_of(os);
    if (os->running) {
        const char *lost = lost_constraint(os);
        sim_time until;
        if (lost) {
            stop_worker(os, SIMOS_STOP_CONSTRAINT, false, lost);
        } else if (!os->run_greedy && simos_jobs_power_changed(os->jobs, os->d->plugged, now, &until)) {
            /* plugged in or unplugged during a JobScheduler run: its quota limit from now, within the
             * runtime limit counted from its start */
            sim_time left = os->c.jobs.runtime_limit - (now - os->run_start);
            if (left < 0)
                left = 0;
            arm_limit(os, until < left ? until : left, until < left);
        }
        return;
    }
    if (!os->work) {
        cancel_timer(os);
        report(os, SIM_REASON_NONE);
        return;
    }
    sim_time next = SIM_TIME_MAX;
    sim_reason r;
    if (now < os->due_at) {
        r = SIM_REASON_NONE;
        next = os->due_at;
    } else if (greedy_check(os, now)) {
        cancel_timer(os);
        start(os, now, true);
        return;
    } else {
        sim_time doze_until = SIM_TIME_MAX;
        sim_reason doze = exempt(os) ? SIM_REASON_NONE : simos_doze_blocks(os->doze, now, &doze_until);
        if (doze != SIM_REASON_NONE && !os->force_stopped && !os->down) {
            /* simos_jobs_check's answer without the call: its first three tests are force stop,
             * device down and Doze, so with Doze blocking and neither of the others it returns
             * Doze's reason and end, whatever else the environment holds. Half of the commuter's
             * checks (13.7k of 27k in its 10-seed sweep, at night) end here, where gathering the
             * environment (battery, bucket, other apps: all read only) cost as much as the check
             * (issue 24). tests/models/os (jobs_check_doze_first) holds simos_jobs_check to it. */
            r = doze;
            next = doze_until;
        } else {
            bool others = simos_phone_busy(os->phone); /* their wakelocks keep the CPU awake */
            simos_job_env env = {.force_stopped = os->force_stopped, .device_down = os->down,
                                 .awake = wake || others || simos_doze_awake(os->doze),
                                 .constraints = os->constraints, .others_running = others,
                                 .net = os->d->net != MDL_NET_NONE, .battery_low = mdl_battery_low(os->d),
                                 .plugged = os->d->plugged, .bucket = simos_standby_bucket(os->standby),
                                 .doze = doze, .doze_until = doze_until};
            env.earliest = wm_next_run(os);
            if (os->js_earliest > env.earliest)
                env.earliest = os->js_earliest;
            r = simos_jobs_check(os->jobs, &env, now, &next);
            if (r == SIM_REASON_NONE) {
                cancel_timer(os);
                start(os, now, false);
                return;
            }
        }
    }
    report(os, r);
    if (next < SIM_TIME_MAX && next > now) {
        sim_rearm(os->d->engine, &os->timer_ev, next, SIM_PHASE_OS, on_eval, os, 1); /* none on failure */
        os->timer_at = os->timer_ev != SIM_HANDLE_NONE ? next : -1;
        idle_refresh(os);
    } else {
        cancel_timer(os);
    }
}

static void on_eval(sim_engine *e, void *ctx, uint64_t timer)
{
    (void)e;
    android *os = ctx;
    if (timer) {
        os->timer_ev = SIM_HANDLE_NONE;
        os->timer_at = -1;
        idle_refresh(os);
    } else
        os->eval_ev = SIM_HANDLE_NONE;
    bool wake = os->wake && !timer;
    if (!timer)
        os->wake = false;
    evaluate(os, wake);
}

static void on_greedy_timer(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    android *os = ctx;
    os->greedy_ev = SIM_HANDLE_NONE;
    post_eval(os, false);
}

/* ---- the layers below and the device ---- */

static void on_doze(void *ctx, bool idle_began)
{
    android *os = ctx;
    uptime_sync(os);
    if (idle_began && os->running && !exempt(os))
        stop_worker(os, SIMOS_STOP_DOZE, false, "doze");
    simos_phone_poke(os->phone); /* deferred jobs of other apps run in a window / after Doze */
    post_eval(os, true);
}

static void on_bucket(void *ctx) { post_eval(ctx, false); }

/* Other apps' jobs may run: not rebooting and not held by Doze (the few seconds of
 * BACKGROUND_JOBS_DELAY after a window opens are not applied to them). */
static bool phone_can_run(void *ctx)
{
    android *os = ctx;
    sim_time until;
    return !os->down && (simos_doze_blocks(os->doze, now_of(os), &until) == SIM_REASON_NONE || until < SIM_TIME_MAX);
}

/* Another app's job started or the last one ended: a JobScheduler pass (MSG_CHECK_JOB). */
static void on_phone(void *ctx)
{
    uptime_sync(ctx);
    post_eval(ctx, true);
}

static void on_boot(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    android *os = ctx;
    os->boot_ev = SIM_HANDLE_NONE;
    os->down = false;
    simos_jobs_forget(os->jobs, now_of(os)); /* JobScheduler's quota history lives in memory */
    bool rescheduled = os->work && !os->force_stopped; /* RescheduleReceiver (BOOT_COMPLETED) */
    if (rescheduled) {
        os->js_earliest = 0;
        simos_jobs_new_job(os->jobs);
    }
    simos_phone_boot(os->phone);
    sim_trace_begin(os->d->trace, now_of(os), "os.boot");
    sim_trace_bool(os->d->trace, "rescheduled", rescheduled);
    sim_trace_end(os->d->trace);
    post_eval(os, true);
}

static void on_reboot(sim_engine *e, void *ctx, uint64_t downtime)
{
    (void)e;
    android *os = ctx;
    simos_doze_reboot(os->doze, now_of(os) + (sim_time)downtime);
    simos_phone_reboot(os->phone);
    proc_end(os);
    sim_cancel(os->d->engine, os->boot_ev);
    if (sim_schedule_in(os->d->engine, (sim_time)downtime, SIM_PHASE_OS, on_boot, os, 0, &os->boot_ev) != SIM_OK)
        os->boot_ev = SIM_HANDLE_NONE;
    post_eval(os, false);
}

/* Whether a signal is followed, at the same instant, by another uptime sync: on_doze's, from Doze's
 * own event after the signals it watches, or at once after MDL_SIG_DOZE (publish emits it, then
 * tells the owner). Then a sync in the listener adds nothing: syncs at one instant integrate the
 * time since the previous one once, in whichever comes first, and the last one's awake state is
 * what is carried forward, so every sync but the last at an instant can be left out. Over half of
 * the listener's calls (issue 24). config.reference syncs anyway (tests). */
static bool synced_later(const android *os, mdl_signal sig)
{
    return !os->c.reference && (sig == MDL_SIG_DOZE || simos_doze_watches(sig));
}

/* The signals whose one reaction here is a readiness check with the CPU awake (the other
 * signals' cases are in listener_other's switch). */
#define WAKE_SIGNALS                                                                                          \
    (MDL_SIGNAL(MDL_SIG_PLUG) | MDL_SIGNAL(MDL_SIG_UNPLUG) | MDL_SIGNAL(MDL_SIG_BATTERY_LEVEL) |                 \
     MDL_SIGNAL(MDL_SIG_NETWORK) | MDL_SIGNAL(MDL_SIG_SCREEN_ON) | MDL_SIGNAL(MDL_SIG_SCREEN_OFF) |             \
     MDL_SIGNAL(MDL_SIG_MOTION) | MDL_SIGNAL(MDL_SIG_POWER_SAVE) | MDL_SIGNAL(MDL_SIG_SETTINGS))
/* The signals with a case of their own in listener_other's switch. */
#define OWN_CASE_SIGNALS                                                                                      \
    (MDL_SIGNAL(MDL_SIG_APP_SWIPE) | MDL_SIGNAL(MDL_SIG_APP_KILL) | MDL_SIGNAL(MDL_SIG_FORCE_STOP) |            \
     MDL_SIGNAL(MDL_SIG_APP_OPEN) | MDL_SIGNAL(MDL_SIG_REBOOT) | MDL_SIGNAL(MDL_SIG_APP_CLOSE))

/* The listener for the signals listener's fast path leaves (see there): standby's, this model's
 * own cases, and every signal with config.reference. Out of line, so that the fast path saves none
 * of the registers this one needs. */
__attribute__((noinline)) static void listener_other(android *os, mdl_device *d, mdl_signal sig, int64_t arg)
{
    if (simos_doze_watches(sig))
        simos_doze_listener(os->doze, d, sig, arg);
    if (simos_standby_listens(sig))
        simos_standby_listener(os->standby, d, sig, arg);
    sim_time now = sim_now(d->engine);
    if (!synced_later(os, sig))
        uptime_sync(os);
    switch (sig) {
    case MDL_SIG_APP_SWIPE:
    case MDL_SIG_APP_KILL:
        proc_end(os);
        post_eval(os, true);
        break;
    case MDL_SIG_FORCE_STOP:
        proc_end(os);
        /* JobScheduler cancels the app's jobs ("app force stopped"); WorkManager's database keeps
         * the work (A4.6). */
        if (!os->force_stopped) {
            os->force_stopped = true;
            sim_trace_begin(d->trace, now, "os.force_stop");
            sim_trace_bool(d->trace, "on", true);
            sim_trace_bool(d->trace, "work", os->work);
            sim_trace_end(d->trace);
        }
        post_eval(os, true);
        break;
    case MDL_SIG_APP_OPEN:
        proc_start(os);
        if (os->force_stopped) { /* ForceStopRunnable.rescheduleEligibleWork (A4.6 [W6]) */
            os->force_stopped = false;
            os->js_earliest = 0;
            simos_jobs_new_job(os->jobs);
            sim_trace_begin(d->trace, now, "os.force_stop");
            sim_trace_bool(d->trace, "on", false);
            sim_trace_bool(d->trace, "work", os->work);
            sim_trace_end(d->trace);
        }
        post_eval(os, true);
        break;
    case MDL_SIG_REBOOT:
        os->down = true;
        sim_schedule_in(d->engine, 0, SIM_PHASE_OS, on_reboot, os, (uint64_t)arg, NULL);
        break;
    case MDL_SIG_APP_CLOSE:
        if (!os->running)
            os->cached_since = now;
        post_eval(os, true);
        break;
    default:
        if (WAKE_SIGNALS & MDL_SIGNAL(sig))
            post_eval(os, true);
        break;
    }
}

/* The model's bus listener: Doze's and standby's first, then its own (see android_create).
 *
 * A fast path for the signals Doze watches (93 % of the listener's calls in the 10-seed sweep,
 * issue 24), exact because for each of them listener_other would do just this: Doze's listener;
 * not standby's (it listens to none of them); no uptime sync (synced_later holds without
 * config.reference); in the switch no case of their own, so a readiness check with the CPU awake
 * (they are all wake signals here: MDL_SIG_WORKER, Doze's one other, goes to worker_listener). The
 * asserts hold the sets to that. scenario/shortcuts_change_nothing compares with config.reference,
 * which takes listener_other for every signal. */
static void listener(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    _Static_assert(!(SIMOS_DOZE_WATCHED & SIMOS_STANDBY_LISTENED), "standby listens to no signal Doze watches");
    _Static_assert(!(SIMOS_DOZE_WATCHED & OWN_CASE_SIGNALS), "no signal Doze watches has a case of its own");
    _Static_assert(!(WAKE_SIGNALS & OWN_CASE_SIGNALS), "a signal is a wake signal or has a case of its own");
    _Static_assert((SIMOS_DOZE_WATCHED & ~MDL_SIGNAL(MDL_SIG_WORKER)) == (SIMOS_DOZE_WATCHED & WAKE_SIGNALS),
                   "every signal Doze watches but MDL_SIG_WORKER is a wake signal");
    android *os = ctx;
    if (simos_doze_watches(sig) && !os->c.reference) {
        simos_doze_signal(os->doze, sig); /* simos_doze_listener's work, inline */
        post_eval(os, true);
        return;
    }
    listener_other(os, d, sig, arg);
}

/* MDL_SIG_WORKER's listener (ctx: the Doze model) without config.reference: the fast path's work
 * for it, Doze's listener and nothing of this model's own (not a wake signal, no case of its own,
 * synced_later). A listener of its own, subscribed right after `listener` and before anything else
 * is, so it has listener's place in MDL_SIG_WORKER's list (the bus keeps one list per signal, in
 * subscription order): the same calls in the same order, without a test of the signal on the
 * others' way (that test mispredicted ~16k times in the commuter's 10-seed sweep, issue 24). */
static void worker_listener(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)d, (void)sig, (void)arg;
    simos_doze_signal(ctx, MDL_SIG_WORKER);
}

/* The signals `listener` is called for: all but MDL_SIG_DOZE, which Doze's own publish emits (13k
 * times in the 10-seed sweep) and which the listener ignores: Doze and standby do not watch it, its
 * own switch has no case for it and synced_later leaves the uptime sync to on_doze, which publish
 * calls next; and but MDL_SIG_WORKER, which worker_listener takes. mdl_subscribe_signals delivers
 * the other signals in the same order (issue 24). config.reference syncs on MDL_SIG_DOZE
 * (synced_later is false there), so it listens to every signal, worker_listener to none. */
static mdl_signal_set listened(const android *os)
{
    _Static_assert(!(SIMOS_DOZE_WATCHED & (1u << MDL_SIG_DOZE)) && !(SIMOS_STANDBY_LISTENED & (1u << MDL_SIG_DOZE)),
                   "Doze and standby ignore MDL_SIG_DOZE");
    _Static_assert(!(SIMOS_STANDBY_LISTENED & (1u << MDL_SIG_WORKER)) && !(OWN_CASE_SIGNALS & (1u << MDL_SIG_WORKER)),
                   "only Doze acts on MDL_SIG_WORKER");
    return os->c.reference ? MDL_ALL_SIGNALS : MDL_ALL_SIGNALS & ~MDL_SIGNAL(MDL_SIG_DOZE) & ~MDL_SIGNAL(MDL_SIG_WORKER);
}

/* ---- simos_ops ---- */

static void android_destroy(void *p);

static void *android_create(mdl_device *d, const simos_hooks *hooks, const void *config)
{
    android *os = calloc(1, sizeof *os);
    if (!os)
        return NULL;
    os->d = d;
    os->hooks = *hooks;
    idle_refresh(os);
    if (config)
        os->c = *(const simos_android_config *)config;
    else
        simos_android_defaults(&os->c, d->os_version);
    /* Doze's and standby's listeners run before this model's own, inside its listener (one bus
     * call for the three instead of three, issue 24; nothing subscribes between them, so the order
     * on the bus is what three subscriptions in a row gave; MDL_SIG_WORKER, on which only Doze
     * acts, goes to worker_listener at the same place): their reactions to a signal are posted
     * first, so a readiness check at the same instant sees them. */
    os->doze = simos_doze_new(d, &os->c.doze, on_doze, os);
    os->standby = os->doze ? simos_standby_new(d, &os->c.standby, on_bucket, os) : NULL;
    os->jobs = simos_jobs_new(&os->c.jobs);
    os->phone = simos_phone_new(d, &os->c.phone, phone_can_run, on_phone, os);
    if (!os->doze || !os->standby || !os->jobs || !os->phone ||
        mdl_subscribe_signals(d, listener, os, listened(os)) != MDL_OK ||
        (!os->c.reference && mdl_subscribe_signals(d, worker_listener, os->doze, MDL_SIGNAL(MDL_SIG_WORKER)) != MDL_OK)) {
        android_destroy(os);
        return NULL;
    }
    return os;
}

static void android_destroy(void *p)
{
    android *os = p;
    if (!os)
        return;
    simos_doze_free(os->doze);
    simos_standby_free(os->standby);
    simos_jobs_free(os->jobs);
    simos_phone_free(os->phone);
    free(os);
}

static int android_schedule(void *p, const bgt_schedule_req *req)
{
    android *os = p;
    bool append = req->mode == BGT_SCHEDULE_APPEND && (os->running || os->work);
    SIMOS_TRACE_SCHEDULE(os->d->trace, now_of(os), req, append);
    if (append) {
        os->blocked = true;
        os->blocked_delay = req->delay_ms;
        os->blocked_constraints = req->constraints;
        return BGT_OK;
    }
    if (os->running)
        os->run_cancelled = true;
    os->blocked = false;
    enqueue(os, req->delay_ms, req->constraints);
    greedy_arm(os);
    post_eval(os, false);
    return BGT_OK;
}

static int android_cancel(void *p)
{
    android *os = p;
    sim_trace_begin(os->d->trace, now_of(os), "os.cancel");
    sim_trace_end(os->d->trace);
    if (os->running)
        os->run_cancelled = true;
    os->work = false;
    idle_refresh(os);
    os->blocked = false;
    os->greedy_armed = false; /* cancelled in every scheduler */
    post_eval(os, false);
    return BGT_OK;
}

static bgt_worker_state android_state(const void *p)
{
    const android *os = p;
    if (os->running)
        return BGT_WORKER_RUNNING;
    if (os->work)
        return BGT_WORKER_ENQUEUED;
    return os->blocked ? BGT_WORKER_BLOCKED : BGT_WORKER_NONE;
}

/* The run ended: success, or a stop by this model (expired), or it died (aborted). */
static void run_ended(android *os, bool stopped, bool died)
{
    sim_time now = now_of(os);
    sim_cancel(os->d->engine, os->limit_ev);
    os->limit_ev = SIM_HANDLE_NONE;
    simos_jobs_end(os->jobs, now);
    os->running = false;
    idle_refresh(os);
    bool greedy = os->run_greedy;
    os->run_greedy = false;
    uptime_sync(os);
    if (died)
        proc_end(os);
    else if (!os->d->app_foreground)
        os->cached_since = now;
    /* JobSchedulerService.onJobCompletedLocked -> maybeProcessBuggyJob: a timeout stop, or any end
     * (a death too) after at least the minimum guarantee */
    if (!greedy && simos_jobs_note_timeout(os->jobs, stopped && os->stop_failure, now - os->run_start, now)) {
        sim_trace_begin(os->d->trace, now, "os.restrict");
        sim_trace_str(os->d->trace, "reason", "timeouts");
        sim_trace_end(os->d->trace);
        simos_standby_restrict(os->standby);
    }
    if (os->run_cancelled) {
        os->run_cancelled = false;
    } else if (!stopped && !died) { /* Result.success(): SUCCEEDED, the successor is enqueued */
        os->work = false;
        idle_refresh(os);
        os->run_attempt = 0;
        if (os->blocked) {
            os->blocked = false;
            enqueue(os, os->blocked_delay, os->blocked_constraints);
        }
    } else {
        retry(os, stopped && os->stop_failure, died, died ? "died" : os->stop_failure ? "timeout" : "stopped");
    }
    os->stop_failure = false;
    greedy_arm(os); /* registerRescheduling / the successor: Schedulers.schedule */
    post_eval(os, false);
}

static void android_finished(void *p, bool expired) { run_ended(p, expired, false); }
static void android_aborted(void *p) { run_ended(p, false, true); }

static const simos_ops android_ops = {
    .create = android_create,
    .destroy = android_destroy,
    .schedule = android_schedule,
    .cancel = android_cancel,
    .state = android_state,
    .finished = android_finished,
    .aborted = android_aborted,
};

/* ---- the descriptor ------------------------------------------------------------------------- */

static void android_defaults(void *config, int os_version) { simos_android_defaults(config, os_version); }

/* `randomness: none`: the quiet phone (no other apps' jobs: their arrivals and run times are drawn). */
static void android_no_random(void *config)
{
    simos_android_config *c = config;
    c->phone.per_hour = 0;
    c->phone.at_boot = 0;
}

const simos_desc simos_android_desc = {
    .platform = "android",
    .keys = simos_android_keys,
    .config_size = sizeof(simos_android_config),
    .defaults = android_defaults,
    .parse = simos_android_parse,
    .no_random = android_no_random,
    .ops = &android_ops,
};
