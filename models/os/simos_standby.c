/*
 * simos_standby.c - the app's standby bucket (see simos_standby.h).
 */
#include "simos_standby.h"

#include <stdlib.h>

#include "mdl_usage.h"

struct simos_standby {
    mdl_device *d;
    simos_standby_params p;
    simos_standby_fn changed;
    void *ctx;
    simos_bucket bucket;
    sim_time last_used;      /* -1: never */
    sim_time active_until;
    int forced;              /* a simos_bucket forced until the next use, or -1 */
    const char *forced_reason; /* "buggy" (the system restricted the app) or "forced" (a command) */
    sim_handle check, expiry, restrict_at;
};

/* The reason of a restriction by the system (compared by address: it is this one string). */
static const char restrict_reason[] = "buggy";

/* Each bucket with its name, once: the names' table (the ones a scenario may name, NULL-ended, for
 * the parsers) and simos_trace_bucket's switch are made from these lists. */
#define NAMED_BUCKETS(X)                                                                                        \
    X(SIMOS_BUCKET_EXEMPTED, "exempted") X(SIMOS_BUCKET_ACTIVE, "active")                                       \
    X(SIMOS_BUCKET_WORKING_SET, "working_set") X(SIMOS_BUCKET_FREQUENT, "frequent") X(SIMOS_BUCKET_RARE, "rare") \
    X(SIMOS_BUCKET_RESTRICTED, "restricted")
#define BUCKETS(X) NAMED_BUCKETS(X) X(SIMOS_BUCKET_NEVER, "never")
#define BUCKET_NAME(bucket, lit) [bucket] = (lit),
const char *const simos_bucket_names[] = {NAMED_BUCKETS(BUCKET_NAME)[SIMOS_BUCKET_NEVER] = NULL};
#undef BUCKET_NAME

const char *simos_bucket_name(simos_bucket b) { return b == SIMOS_BUCKET_NEVER ? "never" : simos_bucket_names[b]; }

/* One sim_trace_str with a literal per case: the name's hash is a compile-time constant, not
 * computed from its bytes with a strlen (issue 24: `bgsim run` within 1.1x of a sweep). The same fingerprint as
 * sim_trace_str(tr, "bucket", simos_bucket_name(b)); tests/models/os checks every bucket. */
#define BUCKET_TRACE(bucket, lit)                                                                               \
    case bucket:                                                                                                \
        sim_trace_str(tr, "bucket", lit);                                                                       \
        return;
void simos_trace_bucket(sim_trace *tr, simos_bucket b)
{
    switch (b) {
        BUCKETS(BUCKET_TRACE)
    case SIMOS_BUCKET_COUNT:
        break;
    }
    sim_trace_str(tr, "bucket", "unknown"); /* not a bucket: never traced */
}
#undef BUCKET_TRACE
simos_bucket simos_standby_bucket(const simos_standby *s) { return s->bucket; }

simos_bucket simos_standby_threshold_bucket(const simos_standby_params *p, sim_time screen_on, sim_time elapsed)
{
    for (int i = p->thresholds - 1; i >= 0; i--)
        if (screen_on >= p->screen[i] && elapsed >= p->elapsed[i])
            return (simos_bucket)(SIMOS_BUCKET_ACTIVE + i);
    return SIMOS_BUCKET_ACTIVE;
}

static void set_bucket(simos_standby *s, simos_bucket b, const char *reason)
{
    if (b == s->bucket)
        return;
    s->bucket = b;
    sim_trace_begin(s->d->trace, sim_now(s->d->engine), "os.bucket");
    simos_trace_bucket(s->d->trace, b);
    sim_trace_str(s->d->trace, "reason", reason);
    sim_trace_end(s->d->trace);
    s->changed(s->ctx);
}

static void evaluate(simos_standby *s, const char *reason)
{
    mdl_device *d = s->d;
    sim_time now = sim_now(d->engine);
    simos_bucket b;
    if (s->p.fixed >= 0) {
        b = (simos_bucket)s->p.fixed;
        reason = "fixed";
    } else if (d->optimization_exempt) {
        b = SIMOS_BUCKET_EXEMPTED;
        reason = "exempt";
    } else if (s->forced >= 0 && !(s->forced_reason == restrict_reason && s->last_used >= 0 &&
                                   now - s->last_used < s->p.auto_restrict_delay)) {
        /* a command's bucket at once; the system's restriction only once the app has been unused
         * for auto_restrict_delay (simos_standby_restrict) */
        b = (simos_bucket)s->forced;
        reason = s->forced_reason;
    } else if (s->last_used < 0) {
        b = SIMOS_BUCKET_NEVER;
    } else if (now < s->active_until) {
        b = SIMOS_BUCKET_ACTIVE;
    } else {
        b = simos_standby_threshold_bucket(&s->p, mdl_usage_screen_on_since_last_use(d, now), now - s->last_used);
    }
    set_bucket(s, b, reason);
}

static void on_restrict(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    simos_standby *s = ctx;
    s->restrict_at = SIM_HANDLE_NONE;
    evaluate(s, "buggy");
}

void simos_standby_restrict(simos_standby *s)
{
    s->forced = SIMOS_BUCKET_RESTRICTED;
    s->forced_reason = restrict_reason;
    sim_time due = s->last_used + s->p.auto_restrict_delay;
    /* too soon after the last use: the restriction applies at due unless the app is used again
     * (a use clears `forced`); none on failure (the next check applies it) */
    if (s->last_used >= 0 && due > sim_now(s->d->engine))
        sim_rearm(s->d->engine, &s->restrict_at, due, SIM_PHASE_OS, on_restrict, s, 0);
    evaluate(s, "buggy");
}

void simos_standby_check(simos_standby *s) { evaluate(s, "timeout"); }

static void on_check(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    simos_standby *s = ctx;
    s->check = SIM_HANDLE_NONE;
    evaluate(s, "timeout");
    if (sim_schedule_in(s->d->engine, s->p.check_interval, SIM_PHASE_OS, on_check, s, 0, &s->check) != SIM_OK)
        s->check = SIM_HANDLE_NONE;
}

static void on_expiry(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    simos_standby *s = ctx;
    s->expiry = SIM_HANDLE_NONE;
    evaluate(s, "timeout");
}

/* A usage event: ACTIVE now (the listener may act at once: it only changes the bucket, and the
 * owner's callback only posts an evaluation). */
static void on_usage(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e, (void)arg;
    simos_standby *s = ctx;
    evaluate(s, arg ? "usage" : "settings");
}

void simos_standby_listener(void *ctx, mdl_device *d, mdl_signal sig, int64_t arg)
{
    (void)arg;
    simos_standby *s = ctx;
    if (!simos_standby_listens(sig)) /* most signals (screen, battery, Doze) */
        return;
    sim_time now = sim_now(d->engine);
    if (sig == MDL_SIG_APP_OPEN || sig == MDL_SIG_APP_CLOSE) {
        s->last_used = now;
        s->forced = -1;
        s->active_until = now + s->p.strong_usage_timeout;
        /* A cancel and a schedule in one step; none on failure. */
        sim_rearm(d->engine, &s->expiry, s->active_until, SIM_PHASE_OS, on_expiry, s, 0);
        sim_schedule_in(d->engine, 0, SIM_PHASE_OS, on_usage, s, 1, NULL);
    } else if (sig == MDL_SIG_SETTINGS) {
        sim_schedule_in(d->engine, 0, SIM_PHASE_OS, on_usage, s, 0, NULL);
    } else if (sig == MDL_SIG_STANDBY_BUCKET && arg >= SIMOS_BUCKET_EXEMPTED && arg < SIMOS_BUCKET_NEVER) {
        /* `am set-standby-bucket`: setAppStandbyBucket with REASON_MAIN_FORCED_BY_USER, which
         * checkAndUpdateStandbyState then leaves alone ("A usage event will be the only way to
         * bring it out of this forced state"); the exempt floor still applies (getAppMinBucket).
         * AOSP frameworks/base services/usage/java/com/android/server/usage/
         * AppStandbyController.java (aosp-mirror/platform_frameworks_base). Evaluated at once:
         * the owner's callback only posts an evaluation. */
        s->forced = (int)arg;
        s->forced_reason = "forced";
        evaluate(s, "forced");
    }
}

simos_standby *simos_standby_new(mdl_device *d, const simos_standby_params *p, simos_standby_fn changed, void *ctx)
{
    simos_standby *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    *s = (simos_standby){.d = d, .p = *p, .changed = changed, .ctx = ctx, .bucket = SIMOS_BUCKET_NEVER,
                         .last_used = -1, .active_until = -1, .forced = -1};
    if (sim_schedule_in(d->engine, 0, SIM_PHASE_OS, on_check, s, 0, &s->check) != SIM_OK) {
        free(s);
        return NULL;
    }
    return s;
}

void simos_standby_free(simos_standby *s)
{
    if (!s)
        return;
    sim_cancel(s->d->engine, s->check);
    sim_cancel(s->d->engine, s->expiry);
    sim_cancel(s->d->engine, s->restrict_at);
    free(s);
}
