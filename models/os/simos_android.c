/*
 * simos_android.c - the Android OS model: parameters per version, the `os:` section, and the
 * WorkManager layer that drives JobScheduler (simos_jobs), Doze (simos_doze) and App Standby
 * (simos_standby). See simos_android.h. "§N [id]" cites ../shared/research/android-scheduling.md
 * and, through it, the AOSP / AndroidX file listed under that id in its §0.
 */
#include "simos_android.h"

#include <stddef.h>
#include <stdlib.h>

#include "mdl_battery.h"

/* ---- parameters ---------------------------------------------------------------------------- */

void simos_android_defaults(simos_android_config *c, int version)
{
    int v = version < 9 ? 9 : version > 16 ? 16 : version;
    *c = (simos_android_config){.version = v};
    simos_doze_params *z = &c->doze;
    z->enabled = true;
    /* Deep Doze, §1.1 table, DeviceIdleController.Constants [S1 13, S2/S3 14+, S5 7-12]: the same
     * on every version we model (documented). */
    z->inactive_timeout = SIM_MINUTES(30);            /* INACTIVE_TIMEOUT */
    z->motion_inactive_timeout = SIM_MINUTES(10);     /* MOTION_INACTIVE_TIMEOUT */
    z->idle_after_inactive_timeout = SIM_MINUTES(30); /* IDLE_AFTER_INACTIVE_TIMEOUT */
    /* SENSING ends when AnyMotion has a verdict, at most SENSING_TIMEOUT = 4 min; 3 s of
     * accelerometer samples (assumption: AnyMotionDetector's sampling, not in the digest). */
    z->sensing_time = SIM_SECONDS(3);
    /* LOCATING ends at a 20 m fix or LOCATING_TIMEOUT = 30 s: the timeout (assumption: indoors a
     * network fix rarely reaches 20 m, documented constant used as the duration). */
    z->locating_time = SIM_SECONDS(30);
    z->quick_doze_delay = SIM_SECONDS(60);            /* QUICK_DOZE_DELAY_TIMEOUT (10+, §1.1) */
    z->quick_doze = v >= 10;                          /* 9 has no quick doze (§1.1: "—" before Q) */
    z->idle_timeout = SIM_MINUTES(60);                /* IDLE_TIMEOUT */
    z->max_idle_timeout = SIM_HOURS(6);               /* MAX_IDLE_TIMEOUT */
    z->idle_factor = 2.0;                             /* IDLE_FACTOR */
    z->idle_pending_timeout = SIM_MINUTES(5);         /* IDLE_PENDING_TIMEOUT */
    z->max_idle_pending_timeout = SIM_MINUTES(10);    /* MAX_IDLE_PENDING_TIMEOUT */
    z->idle_pending_factor = 2.0;                     /* IDLE_PENDING_FACTOR */
    z->min_deep_maintenance_time = SIM_SECONDS(30);   /* MIN_DEEP_MAINTENANCE_TIME */
    /* Light Doze, §1.1: LIGHT_IDLE_AFTER_INACTIVE_TIMEOUT 5 min / PRE_IDLE 10 min in 7-9 [S5
     * updateConstants bodies, the "N-P" column], 3 min / 3 min in 10-12 [S5 diff, medium
     * confidence: the research could not pin the 5 -> 3 min diff to 9 or 10; we take 10], 60 s /
     * 3 min in 13 [S1], 4 min and no PRE_IDLE state in 14+ [S2, S3 config_device_idle.xml]. */
    z->light_after_inactive_timeout = v == 9    ? SIM_MINUTES(5)
                                      : v <= 12 ? SIM_MINUTES(3)
                                      : v == 13 ? SIM_SECONDS(60)
                                                : SIM_MINUTES(4);
    z->light_pre_idle_timeout = v == 9 ? SIM_MINUTES(10) : v <= 13 ? SIM_MINUTES(3) : 0;
    z->light_idle_timeout = SIM_MINUTES(5);           /* LIGHT_IDLE_TIMEOUT */
    z->light_max_idle_timeout = SIM_MINUTES(15);      /* LIGHT_MAX_IDLE_TIMEOUT */
    z->light_idle_factor = 2.0;                       /* LIGHT_IDLE_FACTOR */
    z->light_min_budget = SIM_MINUTES(1);             /* LIGHT_IDLE_MAINTENANCE_MIN_BUDGET */
    z->light_max_budget = SIM_MINUTES(5);             /* LIGHT_IDLE_MAINTENANCE_MAX_BUDGET */
    z->min_light_maintenance_time = SIM_SECONDS(5);   /* MIN_LIGHT_MAINTENANCE_TIME */
    z->jobs_delay = SIM_SECONDS(3);                   /* DeviceIdleJobsController BACKGROUND_JOBS_DELAY, §1.5 [J2] */

    simos_standby_params *s = &c->standby;
    /* AppStandbyController DEFAULT_SCREEN_TIME_THRESHOLDS / DEFAULT_ELAPSED_TIME_THRESHOLDS, §2.1
     * [A1]; the time-based RESTRICTED threshold (6 h / 8 d) from 13 (Android 13 docs "8 days",
     * §2.1; 9-12: four thresholds, {0, 0, 1 h, 2 h} / {0, 12 h, 24 h, 48 h}; for 9 the research
     * gives these from memory, not re-verified (§2.1); 10-12 as in 9, assumption). */
    const sim_time screen[SIMOS_THRESHOLDS] = {0, 0, SIM_HOURS(1), SIM_HOURS(2), SIM_HOURS(6)};
    const sim_time elapsed[SIMOS_THRESHOLDS] = {0, SIM_HOURS(12), SIM_HOURS(24), SIM_HOURS(48), SIM_DAYS(8)};
    for (int i = 0; i < SIMOS_THRESHOLDS; i++) {
        s->screen[i] = screen[i];
        s->elapsed[i] = elapsed[i];
    }
    s->thresholds = v >= 13 ? 5 : 4;
    /* STRONG_USAGE_TIMEOUT: 1 h in 9-12 [2nd decompiled], 5 min in 15 [A1]; 13-14 take 1 h
     * (assumption: the change is only attested in 15), 16 takes 15's 5 min (assumption). */
    s->strong_usage_timeout = v >= 15 ? SIM_MINUTES(5) : SIM_HOURS(1);
    s->check_interval = SIM_HOURS(3); /* checkIdleStates every min(ELAPSED[1] / 4, 4 h), §2.1 [A1] */
    s->fixed = -1;

    simos_jobs_params *j = &c->jobs;
    /* QuotaController, §2.2 [Q1] (10-15) and [Q2] "current" defaults (16). Indexes: EXEMPTED,
     * ACTIVE, WORKING_SET, FREQUENT, RARE, RESTRICTED, NEVER. EXEMPTED as ACTIVE on <= 15 and
     * quota-free there (assumption: Q1 exempts it); 16: 20 min / 40 min [Q2]. NEVER: no quota. */
    const sim_time m10 = SIM_MINUTES(10);
    const sim_time win15[SIMOS_BUCKET_COUNT] = {m10, m10, SIM_HOURS(2), SIM_HOURS(8), SIM_HOURS(24), SIM_HOURS(24),
                                                SIM_HOURS(24)};
    const sim_time win16[SIMOS_BUCKET_COUNT] = {SIM_MINUTES(40), SIM_MINUTES(60), SIM_HOURS(4), SIM_HOURS(12),
                                                SIM_HOURS(24), SIM_HOURS(24), SIM_HOURS(24)};
    const int jobs[SIMOS_BUCKET_COUNT] = {75, 75, 120, 200, 48, 10, 0};   /* MAX_JOB_COUNT_* [Q1] */
    const int sessions[SIMOS_BUCKET_COUNT] = {75, 75, 10, 8, 3, 1, 0};   /* MAX_SESSION_COUNT_* [Q1] */
    for (int b = 0; b < SIMOS_BUCKET_COUNT; b++) {
        j->window[b] = v >= 16 ? win16[b] : win15[b];
        j->allowed[b] = m10;                            /* ALLOWED_TIME_PER_PERIOD 10 min [Q1] */
        j->max_jobs[b] = jobs[b];
        j->max_sessions[b] = sessions[b];
    }
    if (v >= 16)
        j->allowed[SIMOS_BUCKET_EXEMPTED] = j->allowed[SIMOS_BUCKET_ACTIVE] = SIM_MINUTES(20); /* [Q2] */
    j->exempted_free = v <= 15;
    j->top_started_free = v <= 15;                      /* 16 counts top-started jobs, §2.2 [doc 16] */
    j->in_quota_buffer = SIM_SECONDS(30);               /* IN_QUOTA_BUFFER [Q1] */
    j->session_coalescing = SIM_SECONDS(5);             /* TIMING_SESSION_COALESCING_DURATION [Q1] */
    j->runtime_limit = SIM_MINUTES(10);                 /* §3.6: 10 min (6-11), RUNTIME_MIN_GUARANTEE 12+ [J3] */
    j->batch_delay = SIM_MINUTES(31);                   /* MAX_NON_ACTIVE_JOB_BATCH_DELAY, §3.5 [J3] */
    j->min_backoff = SIM_SECONDS(10);                   /* MIN_EXP_BACKOFF_TIME, §3.7 [J3] */
    j->max_backoff = SIM_HOURS(5);                      /* MAX_BACKOFF_DELAY_TIME, §3.7 [J3] */
    j->system_stop_ratio = v >= 14 ? 3 : 0;             /* SYSTEM_STOP_TO_FAILURE_RATIO, 14+ (§3.7) */
    if (v == 9) {
        /* No QuotaController on 9 (added in 10, §2.2): the heartbeat model, §2.2 [2nd decompiled
         * JobSchedulerService.Constants], confirmed in the Android 9 JobSchedulerService.java of
         * the code index (id 41774643): STANDBY_HEARTBEAT_TIME 11 min, STANDBY_BEATS {ACTIVE 0,
         * WORKING 11 (~2 h), FREQUENT 43 (~8 h), RARE 130 (~24 h)}; EXEMPTED normalizes to ACTIVE
         * and RESTRICTED (absent on 9, reachable only through os.bucket) to RARE
         * (standbyBucketToBucketIndex). The same file has no force batching: MIN_READY_JOBS_COUNT
         * = 1 "to prevent any batching at this level" and no MAX_NON_ACTIVE_JOB_BATCH_DELAY. */
        const int beats[SIMOS_BUCKET_COUNT] = {0, 0, 11, 43, 130, 130, 0};
        j->heartbeat = SIM_MINUTES(11);
        for (int b = 0; b < SIMOS_BUCKET_COUNT; b++)
            j->beats[b] = beats[b];
        j->batch_delay = 0;
    }
    c->wm_backoff = SIM_SECONDS(30);                    /* DEFAULT_BACKOFF_DELAY_MILLIS, §4.1 [W1] */
    c->wm_max_backoff = SIM_HOURS(5);                   /* MAX_BACKOFF_MILLIS, §4.1 [W1] */
}

/* ---- WorkManager's next run time (AndroidX WorkSpec.calculateNextRunTime, §4.2 [W2]) --------- */

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
    /* WorkManager: the unique work */
    bool work;               /* an unfinished work (ENQUEUED, or RUNNING) */
    bool running;
    bool run_cancelled;      /* the running work was replaced or cancelled: no retry */
    unsigned constraints;
    sim_time last_enqueue, initial_delay;
    int run_attempt;
    sim_time due_at;         /* the request is due from here (deferral accounting) */
    bool blocked;            /* a successor APPENDed behind the work */
    sim_time blocked_delay;
    unsigned blocked_constraints;
    /* JobScheduler / the device */
    sim_time js_earliest;    /* JobScheduler backoff after a stop */
    bool force_stopped, down;
    bool stop_failure;       /* the stop in progress counts as a failure (timeout) */
    sim_handle eval_ev, timer_ev, limit_ev, boot_ev;
    bool wake;
    sim_reason reported;
} android;

static sim_time now_of(const android *os) { return sim_now(os->d->engine); }

static void on_eval(sim_engine *e, void *ctx, uint64_t arg);

/* Ask for a readiness check at this instant (once however many ask). `wake`: the CPU is awake
 * now (a signal, a Doze transition), so the job's non-wakeup timers are noticed. */
static void post_eval(android *os, bool wake)
{
    os->wake |= wake;
    if (sim_is_pending(os->d->engine, os->eval_ev))
        return;
    if (sim_schedule_in(os->d->engine, 0, SIM_PHASE_OS, on_eval, os, 0, &os->eval_ev) != SIM_OK)
        os->eval_ev = SIM_HANDLE_NONE;
}

static void report(android *os, sim_reason r)
{
    if (r == os->reported)
        return;
    os->reported = r;
    os->hooks.deferral(os->hooks.ctx, r);
}

static sim_time wm_next_run(const android *os)
{
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

/* The running work was stopped or died: JobScheduler reschedules it with backoff (§3.7), and
 * WorkManager keeps lastEnqueueTime and the incremented run attempt (§4.4). */
static void retry(android *os, bool failure, const char *cause)
{
    int attempts = 0;
    sim_time now = now_of(os);
    os->js_earliest = simos_jobs_reschedule(os->jobs, failure, os->c.wm_backoff, now, &attempts);
    os->due_at = now;
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

static void on_limit(sim_engine *e, void *ctx, uint64_t by_quota)
{
    (void)e;
    android *os = ctx;
    os->limit_ev = SIM_HANDLE_NONE;
    if (by_quota)
        stop_worker(os, SIMOS_STOP_CONSTRAINT, false, "quota");
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
}

static void start(android *os, sim_time now)
{
    simos_bucket b = simos_standby_bucket(os->standby);
    bool by_quota = false;
    sim_time limit = simos_jobs_start(os->jobs, b, os->d->plugged, os->d->app_foreground, now, &by_quota);
    os->running = true;
    os->run_cancelled = false;
    os->run_attempt++; /* WorkManager counts the attempt when the worker goes RUNNING */
    report(os, SIM_REASON_NONE);
    cancel_timer(os);
    sim_trace_begin(os->d->trace, now, "os.start_worker");
    sim_trace_str(os->d->trace, "bucket", simos_bucket_name(b));
    sim_trace_int(os->d->trace, "run_attempt", os->run_attempt);
    sim_trace_int(os->d->trace, "limit_ms", limit);
    sim_trace_end(os->d->trace);
    arm_limit(os, limit, by_quota);
    os->hooks.fire(os->hooks.ctx, os->due_at);
}

/* A constraint the running job needs, lost (§3.7): its name, or NULL. */
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
        if (lost)
            stop_worker(os, SIMOS_STOP_CONSTRAINT, false, lost);
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
    } else {
        simos_job_env env = {.force_stopped = os->force_stopped, .device_down = os->down,
                             .awake = wake || simos_doze_awake(os->doze), .constraints = os->constraints,
                             .net = os->d->net != MDL_NET_NONE, .battery_low = mdl_battery_low(os->d),
                             .plugged = os->d->plugged, .bucket = simos_standby_bucket(os->standby)};
        env.doze = exempt(os) ? SIM_REASON_NONE : simos_doze_blocks(os->doze, now, &env.doze_until);
        if (exempt(os))
            env.doze_until = SIM_TIME_MAX;
        env.earliest = wm_next_run(os);
        if (os->js_earliest > env.earliest)
            env.earliest = os->js_earliest;
        r = simos_jobs_check(os->jobs, &env, now, &next);
        if (r == SIM_REASON_NONE) {
            cancel_timer(os);
            start(os, now);
            return;
        }
    }
    report(os, r);
    if (next < SIM_TIME_MAX && next > now)
        sim_rearm(os->d->engine, &os->timer_ev, next, SIM_PHASE_OS, on_eval, os, 1); /* none on failure */
    else
        cancel_timer(os);
}

static void on_eval(sim_engine *e, void *ctx, uint64_t timer)
{
    (void)e;
    android *os = ctx;
    if (timer)
        os->timer_ev = SIM_HANDLE_NONE;
    else
        os->eval_ev = SIM_HANDLE_NONE;
    bool wake = os->wake && !timer;
    if (!timer)
        os->wake = false;
    evaluate(os, wake);
}

/* ---- the layers below and the device ---- */

static void on_doze(void *ctx, bool idle_began)
{
    android *os = ctx;
    if (idle_began && os->running && !exempt(os))
        stop_worker(os, SIMOS_STOP_CONSTRAINT, false, "doze");
    post_eval(os, true);
}

static void on_bucket(void *ctx) { post_eval(ctx, false); }

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
    sim_cancel(os->d->engine, os->boot_ev);
    if (sim_schedule_in(os->d->engine, (sim_time)downtime, SIM_PHASE_OS, on_boot, os, 0, &os->boot_ev) != SIM_OK)
        os->boot_ev = SIM_HANDLE_NONE;
    post_eval(os, false);
}

static void listener(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    android *os = ctx;
    sim_time now = sim_now(d->engine);
    switch (sig) {
    case MDL_SIG_FORCE_STOP:
        /* JobScheduler cancels the app's jobs ("app force stopped"); WorkManager's database keeps
         * the work (§4.6). */
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
        if (os->force_stopped) { /* ForceStopRunnable.rescheduleEligibleWork (§4.6 [W6]) */
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
    case MDL_SIG_PLUG:
    case MDL_SIG_UNPLUG:
    case MDL_SIG_BATTERY_LEVEL:
    case MDL_SIG_NETWORK:
    case MDL_SIG_SCREEN_ON:
    case MDL_SIG_SCREEN_OFF:
    case MDL_SIG_MOTION:
    case MDL_SIG_POWER_SAVE:
    case MDL_SIG_SETTINGS:
    case MDL_SIG_APP_CLOSE:
        post_eval(os, true);
        break;
    default: break;
    }
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
    if (config)
        os->c = *(const simos_android_config *)config;
    else
        simos_android_defaults(&os->c, d->os_version);
    /* Doze and standby subscribe before this model's listener: their reactions to a signal are
     * posted first, so a readiness check at the same instant sees them. */
    os->doze = simos_doze_new(d, &os->c.doze, on_doze, os);
    os->standby = os->doze ? simos_standby_new(d, &os->c.standby, on_bucket, os) : NULL;
    os->jobs = simos_jobs_new(&os->c.jobs);
    if (!os->doze || !os->standby || !os->jobs || mdl_subscribe(d, listener, os) != MDL_OK) {
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
    free(os);
}

static int android_schedule(void *p, const bgt_schedule_req *req)
{
    android *os = p;
    bool append = req->mode == BGT_SCHEDULE_APPEND && (os->running || os->work);
    sim_trace_begin(os->d->trace, now_of(os), "os.schedule");
    sim_trace_str(os->d->trace, "mode", req->mode == BGT_SCHEDULE_APPEND ? "append" : "replace");
    sim_trace_int(os->d->trace, "delay_ms", req->delay_ms);
    sim_trace_int(os->d->trace, "constraints", req->constraints);
    sim_trace_bool(os->d->trace, "blocked", append);
    sim_trace_end(os->d->trace);
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
    os->blocked = false;
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
    if (os->run_cancelled) {
        os->run_cancelled = false;
    } else if (!stopped && !died) { /* Result.success(): SUCCEEDED, the successor is enqueued */
        os->work = false;
        os->run_attempt = 0;
        if (os->blocked) {
            os->blocked = false;
            enqueue(os, os->blocked_delay, os->blocked_constraints);
        }
    } else {
        retry(os, stopped && os->stop_failure, died ? "died" : os->stop_failure ? "timeout" : "stopped");
    }
    os->stop_failure = false;
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

/* ---- the `os:` section ---------------------------------------------------------------------- */

typedef struct dur_key {
    const char *key;
    size_t off;
    bool zero_ok;   /* 0 allowed (a state skipped); the idle periods and budgets must be > 0 */
} dur_key;

#define DZ(k, f) {k, offsetof(simos_doze_params, f), true}
#define DZP(k, f) {k, offsetof(simos_doze_params, f), false}
static const dur_key doze_durations[] = {
    DZ("inactive_timeout", inactive_timeout),
    DZ("motion_inactive_timeout", motion_inactive_timeout),
    DZ("idle_after_inactive_timeout", idle_after_inactive_timeout),
    DZ("sensing_time", sensing_time),
    DZ("locating_time", locating_time),
    DZ("quick_doze_delay", quick_doze_delay),
    DZP("idle_timeout", idle_timeout),
    DZP("max_idle_timeout", max_idle_timeout),
    DZP("idle_pending_timeout", idle_pending_timeout),
    DZP("max_idle_pending_timeout", max_idle_pending_timeout),
    DZ("min_deep_maintenance_time", min_deep_maintenance_time),
    DZ("light_after_inactive_timeout", light_after_inactive_timeout),
    DZ("light_pre_idle_timeout", light_pre_idle_timeout),
    DZP("light_idle_timeout", light_idle_timeout),
    DZP("light_max_idle_timeout", light_max_idle_timeout),
    DZP("light_min_budget", light_min_budget),
    DZP("light_max_budget", light_max_budget),
    DZ("min_light_maintenance_time", min_light_maintenance_time),
    DZ("jobs_delay", jobs_delay),
};
#undef DZ
#undef DZP
#define NDOZE (sizeof doze_durations / sizeof doze_durations[0])

static void error_at(sch_cx *cx, const sch_node *map, const char *key, const char *fmt, const char *a, const char *b)
{
    size_t saved = sch_cx_push_key(cx, key);
    sch_cx_error(cx, sch_map_get(map, key), fmt, a, b);
    sch_cx_pop(cx, saved);
}

/* A duration that must be positive (a zero timeout would step a state machine forever). */
static void positive_duration(sch_cx *cx, const sch_node *map, const char *key, sim_time *out, bool zero_ok)
{
    sim_time v;
    if (sch_field_duration(cx, map, key, SCH_OPTIONAL, &v) != SCH_FIELD_OK)
        return;
    if (v <= 0 && !(zero_ok && v == 0)) {
        error_at(cx, map, key, "expected a duration above 0%s, found %s", zero_ok ? " or 0" : "",
                 sch_cx_quote(cx, sch_map_get(map, key)->text));
        return;
    }
    *out = v; // NOLINT(clang-analyzer-core.NullDereference): every caller passes a field's address
}

static void parse_doze(sch_cx *cx, const sch_node *n, simos_doze_params *z)
{
    const char *keys[NDOZE + 6];
    size_t k = 0;
    keys[k++] = "enabled";
    keys[k++] = "quick_doze";
    keys[k++] = "idle_factor";
    keys[k++] = "idle_pending_factor";
    keys[k++] = "light_idle_factor";
    for (size_t i = 0; i < NDOZE; i++)
        keys[k++] = doze_durations[i].key;
    keys[k] = NULL;
    if (!sch_check_map(cx, n, keys))
        return;
    sch_field_bool(cx, n, "enabled", SCH_OPTIONAL, &z->enabled);
    sch_field_bool(cx, n, "quick_doze", SCH_OPTIONAL, &z->quick_doze);
    sch_field_double(cx, n, "idle_factor", SCH_OPTIONAL, 1.0, 100.0, &z->idle_factor);
    sch_field_double(cx, n, "idle_pending_factor", SCH_OPTIONAL, 1.0, 100.0, &z->idle_pending_factor);
    sch_field_double(cx, n, "light_idle_factor", SCH_OPTIONAL, 1.0, 100.0, &z->light_idle_factor);
    for (size_t i = 0; i < NDOZE; i++) {
        positive_duration(cx, n, doze_durations[i].key, (sim_time *)((char *)z + doze_durations[i].off),
                          doze_durations[i].zero_ok);
    }
}

/* A per-bucket map (`{ rare: 24h, frequent: 8h }`) of durations (ints when `ints`). */
static void parse_bucket_map(sch_cx *cx, const sch_node *parent, const char *key, sim_time *durs, int *ints,
                             int64_t lo, int64_t hi)
{
    const sch_node *n = sch_map_get(parent, key);
    if (!n)
        return;
    size_t saved = sch_cx_push_key(cx, key);
    if (sch_check_map(cx, n, simos_bucket_names)) {
        for (int b = 0; b < SIMOS_BUCKET_NEVER; b++) {
            const char *name = simos_bucket_names[b];
            if (ints) {
                int64_t v;
                if (sch_field_int64(cx, n, name, SCH_OPTIONAL, lo, hi, &v) == SCH_FIELD_OK)
                    ints[b] = (int)v;
            } else {
                positive_duration(cx, n, name, &durs[b], false);
            }
        }
    }
    sch_cx_pop(cx, saved);
}

static void parse_quota(sch_cx *cx, const sch_node *n, simos_jobs_params *j)
{
    static const char *const keys[] = {"window", "allowed_time", "max_jobs", "max_sessions", "in_quota_buffer", NULL};
    if (!sch_check_map(cx, n, keys))
        return;
    parse_bucket_map(cx, n, "window", j->window, NULL, 0, 0);
    parse_bucket_map(cx, n, "allowed_time", j->allowed, NULL, 0, 0);
    parse_bucket_map(cx, n, "max_jobs", NULL, j->max_jobs, 1, 100000);
    parse_bucket_map(cx, n, "max_sessions", NULL, j->max_sessions, 1, 100000);
    positive_duration(cx, n, "in_quota_buffer", &j->in_quota_buffer, true);
}

static void parse_jobs(sch_cx *cx, const sch_node *n, simos_android_config *c)
{
    static const char *const keys[] = {"runtime_limit", "batch_delay", "backoff", "system_stop_ratio", NULL};
    if (!sch_check_map(cx, n, keys))
        return;
    positive_duration(cx, n, "runtime_limit", &c->jobs.runtime_limit, false);
    positive_duration(cx, n, "batch_delay", &c->jobs.batch_delay, true);
    sim_time b;
    if (sch_field_duration(cx, n, "backoff", SCH_OPTIONAL, &b) == SCH_FIELD_OK) {
        if (b < SIM_SECONDS(10) || b > SIM_HOURS(5)) /* WorkRequest MIN/MAX_BACKOFF_MILLIS, §4.1 */
            error_at(cx, n, "backoff", "expected a duration from 10s to 5h, found %s%s",
                     sch_cx_quote(cx, sch_map_get(n, "backoff")->text), "");
        else
            c->wm_backoff = b;
    }
    int64_t r;
    if (sch_field_int64(cx, n, "system_stop_ratio", SCH_OPTIONAL, 0, 1000, &r) == SCH_FIELD_OK)
        c->jobs.system_stop_ratio = (int)r;
}

static const char *const android_keys[] = {"bucket", "doze", "quota", "jobs", NULL};

static void android_defaults(void *config, int os_version) { simos_android_defaults(config, os_version); }

/* The scenario has checked the section's keys (with `version`) and set the defaults already. */
static void android_parse(sch_cx *cx, const sch_node *os, void *config)
{
    simos_android_config *c = config;
    int b;
    if (sch_field_enum(cx, os, "bucket", SCH_OPTIONAL, simos_bucket_names, &b) == SCH_FIELD_OK)
        c->standby.fixed = b;
    const struct {
        const char *key;
        int which;
    } subs[] = {{"doze", 0}, {"quota", 1}, {"jobs", 2}};
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        const sch_node *n = sch_map_get(os, subs[i].key);
        if (!n)
            continue;
        size_t saved = sch_cx_push_key(cx, subs[i].key);
        switch (subs[i].which) {
        case 0: parse_doze(cx, n, &c->doze); break;
        case 1: parse_quota(cx, n, &c->jobs); break;
        default: parse_jobs(cx, n, c); break;
        }
        sch_cx_pop(cx, saved);
    }
}

const simos_desc simos_android_desc = {
    .platform = "android",
    .keys = android_keys,
    .config_size = sizeof(simos_android_config),
    .defaults = android_defaults,
    .parse = android_parse,
    .ops = &android_ops,
};
