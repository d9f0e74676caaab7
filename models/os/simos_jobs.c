/*
 * simos_jobs.c - readiness, quota, runtime and backoff of the app's one job (see simos_jobs.h).
 *
 * The quota history is the list of the app's counted sessions (start, end), oldest first, and
 * the list of counted job starts. Both are pruned to the longest window. The sessions are sorted
 * and disjoint, each ending before the next begins (a_i <= b_i < a_i+1): push_session appends
 * after the last one's end plus the coalescing gap, and only the last one's end ever moves (to
 * now, never before its start: simos_jobs_end, simos_jobs_power_changed; SIM_TIME_MAX while it
 * runs). So the ends rise with the index, and the sessions reaching past a time are a suffix: the
 * hot paths below walk back from the newest and stop at the first that ended by then, so they cost
 * the sessions in the window, not the day's history (issue 24: a commuter's ACTIVE window of 10 min
 * against ~75 sessions kept for the 24 h RARE window). The starts are sorted the same way (pushed at
 * now). The public counts (simos_jobs_used, _sessions_in, _starts_in) scan everything: they are the
 * definitions the tests compare the walks with. "When is the app back in quota" is solved exactly:
 * with no run in progress the execution time in (t - W, t] can only fall as t grows, so the
 * earliest t is found by bisection over integer ms.
 */
#include "simos_jobs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgt_backend.h"

typedef struct span {
    sim_time a, b; /* b = SIM_TIME_MAX while running */
} span;

/* The history's arrays are windows into their buffers (issue 24): prune drops the entries that
 * left the longest window by moving the window's start (`sessions` points into session_buf),
 * not by moving the entries down at each check that drops one; push compacts a buffer only when
 * it is full and at least half of it has been dropped (else it grows), so each entry is moved at
 * most about once. cap_* count from the buffer's start. */
struct simos_jobs {
    simos_jobs_params p;
    sim_time longest; /* longest_window(&p): p never changes after simos_jobs_new */
    span *sessions, *session_buf;
    size_t n_sessions, cap_sessions;
    sim_time *starts, *start_buf;
    size_t n_starts, cap_starts;
    bool running, counted;
    simos_bucket run_bucket; /* the running job's bucket and whether it started on top */
    bool run_top;
    int failures, system_stops;
    sim_time first_batched; /* -1: not batched yet */
    /* Android 9 heartbeats: the grid's origin, the app's last job start and its beat */
    sim_time boot;
    bool ran, beat_known;
    sim_time last_start;
    int64_t last_beat;
    /* timeout events (TIMEOUT SAFEGUARD), oldest first */
    sim_time *timeouts;
    size_t n_timeouts, cap_timeouts;
};

/* QuotaController caps TIMING_SESSION_COALESCING_DURATION at 15 min (MAX_TIMING_SESSION_
 * COALESCING_DURATION_MS; AOSP QuotaControllerTest.testGetExecutionStatsLocked_CoalescingSessions:
 * "there shouldn't be any difference between an hour and 15 minutes"). */
#define MAX_SESSION_COALESCING SIM_MINUTES(15)

static sim_time longest_window(const simos_jobs_params *p)
{
    sim_time w = 0;
    for (int b = 0; b < SIMOS_BUCKET_COUNT; b++)
        if (p->window[b] > w)
            w = p->window[b];
    return w;
}

simos_jobs *simos_jobs_new(const simos_jobs_params *p)
{
    simos_jobs *j = calloc(1, sizeof *j);
    if (j) {
        j->p = *p;
        if (j->p.session_coalescing > MAX_SESSION_COALESCING)
            j->p.session_coalescing = MAX_SESSION_COALESCING;
        if (j->p.session_coalescing < 0)
            j->p.session_coalescing = 0;
        j->first_batched = -1;
        j->longest = longest_window(&j->p);
    }
    return j;
}

void simos_jobs_free(simos_jobs *j)
{
    if (!j)
        return;
    free(j->session_buf);
    free(j->start_buf);
    free(j->timeouts);
    free(j);
}

void simos_jobs_forget(simos_jobs *j, sim_time boot)
{
    j->n_sessions = 0;
    j->sessions = j->session_buf;
    j->n_starts = 0;
    j->starts = j->start_buf;
    j->n_timeouts = 0; /* CountQuotaTracker keeps its events in memory */
    j->running = false;
    j->boot = boot;
    j->beat_known = false; /* mLastJobHeartbeats is in memory; UsageStats keeps the time */
}

void simos_jobs_new_job(simos_jobs *j)
{
    j->failures = 0;
    j->system_stops = 0;
    j->first_batched = -1;
}

/* Drops the sessions that ended and the starts made by horizon = now - longest window: no quota
 * question at now or later looks at them. Only the windows' starts move (see struct simos_jobs). */
static void prune_to(simos_jobs *j, sim_time horizon)
{
    size_t k = 0;
    while (k < j->n_sessions && j->sessions[k].b <= horizon)
        k++;
    if (k) { /* (k > 0: the array is not NULL) */
        j->sessions += k;
        j->n_sessions -= k;
    }
    k = 0;
    while (k < j->n_starts && j->starts[k] <= horizon)
        k++;
    if (k) {
        j->starts += k;
        j->n_starts -= k;
    }
}

/* prune, with its usual case inline: most checks and starts drop nothing (about 70 % in the
 * 10-seed commuter sweep, issue 24), and then the oldest session and the oldest start are both
 * after the horizon, as both lists are sorted (see the top of this file), so prune_to would stop
 * at k = 0 twice. */
static inline void prune(simos_jobs *j, sim_time now)
{
    sim_time horizon = now - j->longest;
    if ((j->n_sessions == 0 || j->sessions[0].b > horizon) && (j->n_starts == 0 || j->starts[0] > horizon))
        return;
    prune_to(j, horizon);
}

/* Room for one more entry after the n live ones that begin *off entries into buf (of *cap entries
 * of `size` bytes): compacts them to the buffer's start when it is full and at least half of it
 * was dropped, else doubles it. Returns the buffer (*off updated) or NULL, buf then untouched. */
static void *make_room(void *buf, size_t *off, size_t n, size_t *cap, size_t size)
{
    if (*off + n < *cap)
        return buf;
    if (*off > 0 && *off >= *cap / 2) {
        memmove(buf, (char *)buf + *off * size, n * size);
        *off = 0;
        return buf;
    }
    size_t grown = *cap ? 2 * *cap : 16;
    void *b = realloc(buf, grown * size);
    if (b)
        *cap = grown;
    return b;
}

/* Session i's execution time in (s, t], a run in progress counting up to t. */
static sim_time clipped(const span *x, sim_time s, sim_time t)
{
    sim_time a = x->a > s ? x->a : s;
    sim_time b = x->b < t ? x->b : t;
    return b > a ? b - a : 0;
}

/* Execution time of the sessions in (s, t]: every session, by definition. */
static sim_time used_all(const simos_jobs *j, sim_time s, sim_time t)
{
    sim_time sum = 0;
    for (size_t i = 0; i < j->n_sessions; i++)
        sum += clipped(&j->sessions[i], s, t);
    return sum;
}

/* The index of the oldest session that ends after s: those before it ended by s (the ends rise). */
static size_t sessions_after(const simos_jobs *j, sim_time s)
{
    size_t i = j->n_sessions;
    while (i > 0 && j->sessions[i - 1].b > s)
        i--;
    return i;
}

/* used_all, from the newest session back to the first that ended by s: the older ones end by s
 * too and add nothing (their clipped end min(b, t) <= s <= their clipped start). */
static sim_time used_between(const simos_jobs *j, sim_time s, sim_time t)
{
    sim_time sum = 0;
    for (size_t i = j->n_sessions; i > 0 && j->sessions[i - 1].b > s; i--)
        sum += clipped(&j->sessions[i - 1], s, t);
    return sum;
}

sim_time simos_jobs_used(const simos_jobs *j, sim_time window, sim_time t) { return used_all(j, t - window, t); }

int simos_jobs_sessions_in(const simos_jobs *j, sim_time window, sim_time t)
{
    int n = 0;
    for (size_t i = 0; i < j->n_sessions; i++)
        if (j->sessions[i].b > t - window && j->sessions[i].a <= t)
            n++;
    return n;
}

int simos_jobs_starts_in(const simos_jobs *j, sim_time window, sim_time t)
{
    int n = 0;
    for (size_t i = 0; i < j->n_starts; i++)
        if (j->starts[i] > t - window && j->starts[i] <= t)
            n++;
    return n;
}

static bool quota_free(const simos_jobs_params *p, simos_bucket b)
{
    return b == SIMOS_BUCKET_EXEMPTED && p->exempted_free;
}

sim_time simos_jobs_remaining(const simos_jobs *j, simos_bucket b, sim_time now)
{
    sim_time left = j->p.allowed[b] - used_between(j, now - j->p.window[b], now);
    return left > 0 ? left : 0;
}

sim_time simos_jobs_time_until_consumed_bisected(const simos_jobs *j, simos_bucket b, sim_time now)
{
    /* A job running from now for d has used(now + d - w, now) + d in the window ending at now + d;
     * that never decreases with d (past sessions leave the window at most as fast as d grows), so
     * the answer, the largest d with at most `allowed` used, is found by bisection. */
    const sim_time w = j->p.window[b], allowed = j->p.allowed[b];
    if (used_all(j, now - w, now) > allowed)
        return 0;
    sim_time lo = 0, hi = allowed + w; /* f(hi) = allowed + w > allowed */
    while (hi - lo > 1) {
        sim_time mid = lo + (hi - lo) / 2;
        if (used_all(j, now + mid - w, now) + mid <= allowed)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* simos_jobs_time_until_consumed_bisected's answer in one walk over the sessions (issue 24: the
 * bisection took ~27 sums over the sessions per counted start). Why it is the same number: with
 * s0 = now - w, f(d) = used(s0 + d, now) + d rises by 1 from d to d + 1 exactly when the ms
 * [s0 + d, s0 + d + 1) is in no session clipped to now (a gap ms), and stays put inside one, as
 * long as the sessions are sorted and disjoint (push_session appends after the last one's end; only
 * the last one's end moves, and never before its start). So f(d) = f(0) + (gap ms in
 * [s0, s0 + d)), non-decreasing, and the largest d with f(d) <= allowed, D, is reached by spending
 * allowed - f(0) on gaps while passing through sessions free. The bisection, whose lo keeps
 * f(lo) <= allowed and whose hi keeps f(hi) > allowed (hi = allowed + w: f(hi) = allowed + w, as w
 * > 0), ends at D. Sessions out of order or overlapping (not made by this file) or a window not
 * above 0 take the bisection. */
sim_time simos_jobs_time_until_consumed(const simos_jobs *j, simos_bucket b, sim_time now)
{
    const sim_time w = j->p.window[b], allowed = j->p.allowed[b];
    if (w <= 0)
        return simos_jobs_time_until_consumed_bisected(j, b, now);
    const sim_time s0 = now - w;
    sim_time left = allowed - used_between(j, s0, now), p = s0, prev_end = INT64_MIN;
    if (left < 0)
        return 0;
    bool spent = false; /* the budget ran out in a gap: p stays */
    /* from the oldest session ending after s0: the older ones have e <= s0 = p and are skipped */
    for (size_t i = sessions_after(j, s0); i < j->n_sessions; i++) {
        sim_time a = j->sessions[i].a, e = j->sessions[i].b < now ? j->sessions[i].b : now;
        if (a < prev_end || j->sessions[i].b < a)
            return simos_jobs_time_until_consumed_bisected(j, b, now); /* not sorted and disjoint */
        prev_end = j->sessions[i].b;
        if (spent || e <= p || a >= e)
            continue; /* wholly before the position reached (or after now) */
        sim_time gap = a > p ? a - p : 0;
        if (gap > left) {
            spent = true;
            continue;
        }
        left -= gap;
        p = e; /* through the session: f does not rise */
    }
    return p - s0 + left;
}

bool simos_jobs_in_quota(const simos_jobs *j, simos_bucket b, sim_time now, sim_time *back)
{
    const simos_jobs_params *p = &j->p;
    *back = now;
    if (b == SIMOS_BUCKET_NEVER) {
        *back = SIM_TIME_MAX;
        return false;
    }
    if (quota_free(p, b))
        return true;
    sim_time w = p->window[b];
    bool ok = true;
    /* time: used(t) <= allowed - buffer, and some time left at all: QuotaController.
     * isWithinQuotaLocked requires getRemainingExecutionTimeLocked(stats) > 0 (AOSP frameworks/base
     * apex/jobscheduler, Android 10-15; docs/SOURCES.md [Q1]). With in_quota_buffer 0s the buffer
     * alone let a job start with no quota left, its limit_ms 0 (found by tools/fuzz/fuzz_sim.c). */
    sim_time buffer = p->in_quota_buffer > 0 ? p->in_quota_buffer : 1;
    sim_time target = p->allowed[b] - buffer;
    if (used_between(j, now - w, now) > target) {
        ok = false;
        sim_time lo = now, hi = now + w; /* used(now + w) = 0 */
        while (lo < hi) {
            sim_time mid = lo + (hi - lo) / 2;
            if (used_between(j, mid - w, mid) <= target)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (lo > *back)
            *back = lo;
    }
    /* job starts in (now - w, now]: back from the newest (the starts are sorted) */
    size_t first = j->n_starts;
    while (first > 0 && j->starts[first - 1] > now - w)
        first--;
    size_t count = j->n_starts - first;
    if ((int)count >= p->max_jobs[b]) {
        ok = false;
        /* the oldest start that must leave the window for count to drop below the limit */
        sim_time t = j->starts[first + count - (size_t)p->max_jobs[b]] + w;
        if (t > *back)
            *back = t;
    }
    /* sessions ending in (now - w, now] */
    first = sessions_after(j, now - w);
    count = j->n_sessions - first;
    if ((int)count >= p->max_sessions[b]) {
        ok = false;
        sim_time t = j->sessions[first + count - (size_t)p->max_sessions[b]].b + w;
        if (t > *back)
            *back = t;
    }
    return ok;
}

/* The beat of time t on the grid of the current boot (t >= boot). */
static int64_t beat_of(const simos_jobs *j, sim_time t) { return (t - j->boot) / j->p.heartbeat; }

bool simos_jobs_heartbeat_ok(simos_jobs *j, simos_bucket b, sim_time now, sim_time *back)
{
    *back = now;
    if (b == SIMOS_BUCKET_NEVER) { /* never aged into runnability */
        *back = SIM_TIME_MAX;
        return false;
    }
    int64_t n = j->p.beats[b];
    if (n <= 0 || !j->ran)
        return true;
    int64_t h = beat_of(j, now);
    if (!j->beat_known) { /* heartbeatWhenJobsLastRun after a reboot */
        j->last_beat = h - (now - j->last_start) / j->p.heartbeat;
        j->beat_known = true;
    }
    int64_t l = j->last_beat;
    if (h % n == 0 || h <= l || h >= l + n)
        return true;
    int64_t next = (h / n + 1) * n; /* the bucket's next sweep beat */
    if (l + n < next)
        next = l + n;
    *back = j->boot + next * j->p.heartbeat;
    return false;
}

sim_reason simos_jobs_check(simos_jobs *j, const simos_job_env *env, sim_time now, sim_time *next)
{
    *next = SIM_TIME_MAX;
    if (env->force_stopped)
        return SIM_REASON_FORCE_STOPPED;
    if (env->device_down)
        return SIM_REASON_DEVICE_DOWN;
    if (env->doze != SIM_REASON_NONE) {
        *next = env->doze_until;
        return env->doze;
    }
    if ((env->constraints & BGT_CONSTRAINT_NETWORK) && !env->net)
        return SIM_REASON_NETWORK;
    if ((env->constraints & BGT_CONSTRAINT_BATTERY_NOT_LOW) && env->battery_low)
        return SIM_REASON_BATTERY_LOW;
    if ((env->constraints & BGT_CONSTRAINT_CHARGING) && !(env->plugged && !env->battery_low))
        return SIM_REASON_NOT_CHARGING;
    prune(j, now);
    /* QuotaController.isQuotaFreeLocked: charging frees every bucket but RESTRICTED (AOSP
     * frameworks/base, Android 14-era text: isBatteryCharging() && standbyBucket != RESTRICTED_INDEX) */
    if (!env->plugged || env->bucket == SIMOS_BUCKET_NEVER || env->bucket == SIMOS_BUCKET_RESTRICTED) {
        sim_time back;
        bool ok = j->p.heartbeat > 0 ? simos_jobs_heartbeat_ok(j, env->bucket, now, &back)
                                     : simos_jobs_in_quota(j, env->bucket, now, &back);
        if (!ok) {
            *next = back;
            return SIM_REASON_STANDBY_QUOTA;
        }
    }
    /* The delay (backoff) first: a job waiting for its earliest run time is not ready, so it is not
     * in MaybeReadyJobQueueFunctor and its batch clock (firstForceBatchedTimeElapsed) has not
     * started. */
    if (now < env->earliest) {
        *next = env->earliest;
        return SIM_REASON_BACKOFF;
    }
    /* MaybeReadyJobQueueFunctor.accept: RESTRICTED always batched, else outside ACTIVE / EXEMPTED
     * with no failures and the delay not expired; postProcessLocked releases the batch when an
     * unbatched job (another app's, here) is ready or running. */
    bool restricted = env->bucket == SIMOS_BUCKET_RESTRICTED;
    bool batched = j->p.batch_delay > 0 &&
                   (restricted || (env->bucket != SIMOS_BUCKET_ACTIVE && env->bucket != SIMOS_BUCKET_EXEMPTED &&
                                   j->failures == 0));
    if (batched) {
        if (j->first_batched < 0)
            j->first_batched = now;
        bool expired = !restricted && now >= j->first_batched + j->p.batch_delay;
        if (!expired && !env->others_running) {
            *next = restricted ? SIM_TIME_MAX : j->first_batched + j->p.batch_delay;
            return SIM_REASON_STANDBY_QUOTA;
        }
    }
    if (!env->awake)
        return SIM_REASON_DOZE_LIGHT;
    return SIM_REASON_NONE;
}

static bool push_start(simos_jobs *j, sim_time t)
{
    size_t off = j->start_buf ? (size_t)(j->starts - j->start_buf) : 0;
    sim_time *s = make_room(j->start_buf, &off, j->n_starts, &j->cap_starts, sizeof *s);
    if (!s)
        return false;
    j->start_buf = s;
    j->starts = s + off;
    j->starts[j->n_starts++] = t;
    return true;
}

static bool push_session(simos_jobs *j, sim_time t)
{
    if (j->n_sessions && j->sessions[j->n_sessions - 1].b + j->p.session_coalescing >= t) {
        j->sessions[j->n_sessions - 1].b = SIM_TIME_MAX; /* coalesced: the session goes on */
        return true;
    }
    size_t off = j->session_buf ? (size_t)(j->sessions - j->session_buf) : 0;
    span *s = make_room(j->session_buf, &off, j->n_sessions, &j->cap_sessions, sizeof *s);
    if (!s)
        return false;
    j->session_buf = s;
    j->sessions = s + off;
    j->sessions[j->n_sessions++] = (span){t, SIM_TIME_MAX};
    return true;
}

/* Whether a run's time counts against the quota: not while charging (but in RESTRICTED), not for a
 * job started on top where that is free, not for a quota-free bucket. */
static bool countable(const simos_jobs *j, simos_bucket b, bool plugged, bool top)
{
    return (!plugged || b == SIMOS_BUCKET_RESTRICTED) && !(top && j->p.top_started_free) && !quota_free(&j->p, b) &&
           b != SIMOS_BUCKET_NEVER;
}

bool simos_jobs_power_changed(simos_jobs *j, bool plugged, sim_time now, sim_time *until)
{
    *until = SIM_TIME_MAX;
    if (!j->running || j->p.heartbeat > 0)
        return false;
    bool want = countable(j, j->run_bucket, plugged, j->run_top);
    if (want == j->counted)
        return false;
    if (!want) { /* charging began: the counted part of the run ends now */
        if (j->n_sessions)
            j->sessions[j->n_sessions - 1].b = now;
        j->counted = false;
        return true;
    }
    /* charging ended: a session with the running job begins now */
    prune(j, now);
    *until = simos_jobs_time_until_consumed(j, j->run_bucket, now);
    j->counted = push_start(j, now) && push_session(j, now); /* out of memory: not counted */
    if (!j->counted)
        *until = SIM_TIME_MAX;
    return true;
}

sim_time simos_jobs_start(simos_jobs *j, simos_bucket b, bool plugged, bool top, sim_time now, bool *by_quota)
{
    *by_quota = false;
    j->running = true;
    j->first_batched = -1;
    if (j->p.heartbeat > 0) { /* Android 9: noteJobStart; no QuotaController */
        j->ran = true;
        j->last_start = now;
        j->last_beat = beat_of(j, now);
        j->beat_known = true;
        j->counted = false;
        return j->p.runtime_limit;
    }
    j->run_bucket = b;
    j->run_top = top;
    j->counted = countable(j, b, plugged, top);
    if (!j->counted)
        return j->p.runtime_limit;
    prune(j, now);
    /* QuotaController.getTimeUntilQuotaConsumedLocked: the run may go on while earlier sessions
     * leave the window (AOSP QuotaControllerTest.testGetTimeUntilQuotaConsumedLocked_BucketWindow:
     * 5 min remaining in WORKING_SET, 7 min until consumed) */
    sim_time until = simos_jobs_time_until_consumed(j, b, now);
    /* out of memory: the run is simply not counted */
    j->counted = push_start(j, now) && push_session(j, now);
    if (j->counted && until < j->p.runtime_limit) {
        *by_quota = true;
        return until;
    }
    return j->p.runtime_limit;
}

void simos_jobs_end(simos_jobs *j, sim_time now)
{
    if (j->running && j->counted && j->n_sessions)
        j->sessions[j->n_sessions - 1].b = now;
    j->running = false;
    j->counted = false;
}

sim_time simos_jobs_backoff_delay(const simos_jobs_params *p, sim_time backoff, int attempts)
{
    if (backoff < p->min_backoff)
        backoff = p->min_backoff;
    sim_time d = backoff;
    for (int i = 1; i < attempts && d < p->max_backoff; i++)
        d *= 2; /* Math.scalb(backoff, attempts - 1) */
    return d < p->max_backoff ? d : p->max_backoff;
}

sim_time simos_jobs_reschedule(simos_jobs *j, bool failure, sim_time backoff, sim_time now, int *attempts)
{
    if (failure || j->p.system_stop_ratio <= 0)
        j->failures++;
    else
        j->system_stops++;
    int n = j->failures + (j->p.system_stop_ratio > 0 ? j->system_stops / j->p.system_stop_ratio : 0);
    if (j->p.backoff_floor_one && n < 1)
        n = 1; /* Math.max(1, ...) on 14 (see simos_jobs.h BACKOFF) */
    *attempts = n;
    return n == 0 ? now : now + simos_jobs_backoff_delay(&j->p, backoff, n);
}

bool simos_jobs_note_timeout(simos_jobs *j, bool timeout, sim_time ran, sim_time now)
{
    /* maybeProcessBuggyJob: jobTimedOut, or executionDurationMs >= RUNTIME_MIN_GUARANTEE_MS */
    if (j->p.timeout_restrict_count <= 0 || !(timeout || ran >= j->p.runtime_limit))
        return false;
    size_t k = 0; /* CountQuotaTracker: events before now - window are out of it */
    while (k < j->n_timeouts && j->timeouts[k] < now - j->p.timeout_window)
        k++;
    if (k) {
        memmove(j->timeouts, j->timeouts + k, (j->n_timeouts - k) * sizeof *j->timeouts);
        j->n_timeouts -= k;
    }
    if (j->n_timeouts == j->cap_timeouts) {
        size_t cap = j->cap_timeouts ? 2 * j->cap_timeouts : 16;
        sim_time *t = realloc(j->timeouts, cap * sizeof *t);
        if (!t)
            return false; /* out of memory: the event is not counted */
        j->timeouts = t;
        j->cap_timeouts = cap;
    }
    j->timeouts[j->n_timeouts++] = now;
    /* noteEvent returns countInWindow < countLimit; false -> restrictApp */
    return (int)j->n_timeouts >= j->p.timeout_restrict_count;
}
