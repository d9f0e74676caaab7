/*
 * rep_metrics.c - metric definitions and evaluation.
 */
#include "rep_metrics.h"

#include <stdio.h>
#include <string.h>

/* The catalogue's entries by id: each entry is placed at its id by a designated initializer, so
 * rep_metric_value can dispatch on ref->def - defs (a switch) instead of comparing the suffix with
 * every name in turn (~400 instructions a value; a fleet reads ~60 values a device). */
enum {
    M_RUNS, M_RUNS_PER_DAY, M_SUCCESSES, M_FAILURES, M_STOPPED, M_KILLED, M_COMPLETED_SHARE, M_REGISTRATIONS,
    M_FIRST_RUN, M_MAX_GAP, M_DEFERRED, M_DEFERRED_TIME,
    M_INTERVAL,              /* 7 quantiles: min p10 p50 p90 p99 max mean */
    M_DELAY = M_INTERVAL + 7, /* the same 7 */
    M_DURATION_P50 = M_DELAY + 7, M_DURATION_MAX, M_HELD,
    M_DAILY_RUNS_MIN, M_DAILY_RUNS_P50, M_DAILY_RUNS_MAX, M_BATTERY, M_BATTERY_PER_DAY,
    M_COUNT
};

#define Q(id, scope_doc, name, kind_)                                                              \
    [(id) + 0] = {name ".min", true, true, kind_, scope_doc " (minimum)"},                         \
    [(id) + 1] = {name ".p10", true, true, kind_, scope_doc " (10th percentile)"},                 \
    [(id) + 2] = {name ".p50", true, true, kind_, scope_doc " (median)"},                          \
    [(id) + 3] = {name ".p90", true, true, kind_, scope_doc " (90th percentile)"},                 \
    [(id) + 4] = {name ".p99", true, true, kind_, scope_doc " (99th percentile)"},                 \
    [(id) + 5] = {name ".max", true, true, kind_, scope_doc " (maximum)"},                         \
    [(id) + 6] = {name ".mean", true, true, kind_, scope_doc " (mean)"}

static const rep_metric_def defs[M_COUNT] = {
    [M_RUNS] = {"runs", true, true, REP_KIND_COUNT, "runs that executed tasks"},
    [M_RUNS_PER_DAY] = {"runs_per_day", true, true, REP_KIND_RATE, "runs per simulated day"},
    [M_SUCCESSES] = {"successes", true, false, REP_KIND_COUNT, "runs that completed and reported Success"},
    [M_FAILURES] = {"failures", true, false, REP_KIND_COUNT, "runs that completed and reported Failed"},
    [M_STOPPED] = {"stopped", true, true, REP_KIND_COUNT,
                   "runs the OS stopped before they completed, all reasons (per reason: `worker.stopped.<reason>`)"},
    [M_KILLED] = {"killed", true, true, REP_KIND_COUNT, "runs that died with the app's process before they completed"},
    [M_COMPLETED_SHARE] = {"completed_share", true, true, REP_KIND_FRACTION,
                           "share of the runs that completed (not stopped, killed, or still running at the end); no value without runs"},
    [M_REGISTRATIONS] = {"registrations", true, false, REP_KIND_COUNT, "successful registrations"},
    [M_FIRST_RUN] = {"first_run", true, true, REP_KIND_DURATION, "time from the start to the first run"},
    [M_MAX_GAP] = {"max_gap", true, true, REP_KIND_DURATION,
                   "longest time without a run start, counting the start and the end of the run (the duration when it never ran)"},
    [M_DEFERRED] = {"deferred", false, true, REP_KIND_COUNT, "worker fires the core deferred (foreground guard)"},
    [M_DEFERRED_TIME] = {"deferred_time", false, true, REP_KIND_DURATION, "sum over runs of the time from due to start"},
    Q(M_INTERVAL, "time between consecutive run starts", "interval", REP_KIND_DURATION),
    Q(M_DELAY, "time from the worker being due to the run", "delay", REP_KIND_DURATION),
    [M_DURATION_P50] = {"duration.p50", true, false, REP_KIND_DURATION, "run duration (median)"},
    [M_DURATION_MAX] = {"duration.max", true, false, REP_KIND_DURATION, "run duration (maximum)"},
    [M_HELD] = {"held", false, true, REP_KIND_DURATION, "time the OS held a due worker back, all reasons"},
    [M_DAILY_RUNS_MIN] = {"daily_runs.min", true, true, REP_KIND_RATE, "runs in a whole 24-hour window of the run (fewest)"},
    [M_DAILY_RUNS_P50] = {"daily_runs.p50", true, true, REP_KIND_RATE, "runs in a whole 24-hour window of the run (median)"},
    [M_DAILY_RUNS_MAX] = {"daily_runs.max", true, true, REP_KIND_RATE, "runs in a whole 24-hour window of the run (most)"},
    [M_BATTERY] = {"battery", false, true, REP_KIND_FRACTION,
                   "share of a full battery drained by background work while unplugged (the battery model's worker and network drain)"},
    [M_BATTERY_PER_DAY] = {"battery_per_day", false, true, REP_KIND_FRACTION, "`battery` per simulated day"},
};

/* The per-reason family: "<prefix>.<reason name>". */
static const rep_metric_def held_reason = {"held.<reason>", false, true, REP_KIND_DURATION,
                                           "time the OS held a due worker back for this reason"};
static const rep_metric_def held_share = {"held_share.<reason>", false, true, REP_KIND_FRACTION,
                                          "this reason's share of all held time"};
/* The per-stop-reason family: "stopped.<rep_end name>" for the ends that are stops. */
static const rep_metric_def stopped_reason = {"stopped.<reason>", false, true, REP_KIND_COUNT,
                                              "runs the OS stopped for this reason"};
#define N_STOP_REASONS (REP_END_KILLED - REP_END_TIMEOUT)

#define NDEFS (sizeof defs / sizeof defs[0])

size_t rep_metric_count(void) { return NDEFS; }
const rep_metric_def *rep_metric_at(size_t i) { return i < NDEFS ? &defs[i] : NULL; }

const char *const *rep_metric_suffixes(void)
{
    static char family[2 * SIM_REASON_COUNT + N_STOP_REASONS][48];
    static const char *names[NDEFS + (size_t)2 * SIM_REASON_COUNT + N_STOP_REASONS + 1];
    size_t n = 0;
    for (size_t i = 0; i < NDEFS; i++)
        names[n++] = defs[i].suffix;
    for (int r = 1; r < SIM_REASON_COUNT; r++) {
        size_t k = (size_t)2 * (size_t)r;
        snprintf(family[k], sizeof family[0], "held.%s", sim_reason_name((sim_reason)r));
        snprintf(family[k + 1], sizeof family[0], "held_share.%s", sim_reason_name((sim_reason)r));
        names[n++] = family[k];
        names[n++] = family[k + 1];
    }
    for (int e = REP_END_TIMEOUT; e < REP_END_KILLED; e++) {
        size_t k = (size_t)2 * SIM_REASON_COUNT + (size_t)(e - REP_END_TIMEOUT);
        snprintf(family[k], sizeof family[0], "stopped.%s", rep_end_name((rep_end)e));
        names[n++] = family[k];
    }
    names[n] = NULL;
    return names;
}

static const rep_metric_def *find_suffix(const char *suffix, bool task)
{
    for (size_t i = 0; i < NDEFS; i++)
        if (strcmp(defs[i].suffix, suffix) == 0 && (task ? defs[i].task : defs[i].worker))
            return &defs[i];
    return NULL;
}

bool rep_metric_resolve(const char *name, const char *const *tasks, size_t task_count, rep_metric_ref *out,
                        bool *scope_ok)
{
    *scope_ok = false;
    size_t best = 0;
    int best_task = -2;
    if (strncmp(name, "worker.", 7) == 0) {
        best = 6;
        best_task = -1;
    }
    for (size_t i = 0; i < task_count; i++) {
        size_t n = strlen(tasks[i]);
        if (n > best && strncmp(name, tasks[i], n) == 0 && name[n] == '.') {
            best = n;
            best_task = (int)i;
        }
    }
    if (best_task == -2)
        return false;
    *scope_ok = true;
    const char *suffix = name + best + 1;
    const rep_metric_def *def = find_suffix(suffix, best_task >= 0);
    sim_reason reason = SIM_REASON_NONE;
    if (!def && best_task < 0) {
        const char *dot = strchr(suffix, '.');
        int r = dot ? sim_reason_parse(dot + 1) : -1;
        if (r > SIM_REASON_NONE && (size_t)(dot - suffix) == 4 && strncmp(suffix, "held", 4) == 0)
            def = &held_reason;
        else if (r > SIM_REASON_NONE && (size_t)(dot - suffix) == 10 && strncmp(suffix, "held_share", 10) == 0)
            def = &held_share;
        reason = (sim_reason)(r > 0 ? r : 0);
    }
    rep_end end = REP_END_COMPLETED;
    if (!def && best_task < 0 && strncmp(suffix, "stopped.", 8) == 0) {
        int e = rep_end_parse(suffix + 8);
        if (REP_END_STOPPED(e)) {
            def = &stopped_reason;
            end = (rep_end)e;
        }
    }
    if (!def)
        return false;
    *out = (rep_metric_ref){.def = def, .task = best_task, .reason = reason, .end = end};
    return true;
}

static bool quantile(const rep_quantiles *q, const char *which, double *out)
{
    if (q->n == 0)
        return false;
    if (strcmp(which, "min") == 0) *out = q->min;
    else if (strcmp(which, "p10") == 0) *out = q->p10;
    else if (strcmp(which, "p50") == 0) *out = q->p50;
    else if (strcmp(which, "p90") == 0) *out = q->p90;
    else if (strcmp(which, "p99") == 0) *out = q->p99;
    else if (strcmp(which, "max") == 0) *out = q->max;
    else *out = q->mean;
    return true;
}

/* The longest span between consecutive points of {0, each run start, the end}: a fleet's "did it
 * run at least every 6 h" (fleet targets) must count the wait for the first run and the silence
 * after the last one, which interval.max does not. */
static sim_time max_gap(const rep_metric_ref *ref, const rep_record *rec)
{
    sim_time last = 0, gap = 0;
    if (ref->task >= 0) {
        const rep_task *t = &rec->tasks[ref->task];
        for (size_t i = 0; i < t->run_count; i++) {
            if (t->runs[i].start - last > gap)
                gap = t->runs[i].start - last;
            last = t->runs[i].start;
        }
    } else {
        for (size_t i = 0; i < rec->worker_count; i++) {
            if (rec->worker_runs[i].kind != REP_WORKER_RAN)
                continue;
            if (rec->worker_runs[i].start - last > gap)
                gap = rec->worker_runs[i].start - last;
            last = rec->worker_runs[i].start;
        }
    }
    return rec->duration - last > gap ? rec->duration - last : gap;
}

bool rep_metric_value(const rep_metric_ref *ref, const rep_stats *st, const rep_record *rec, double *out)
{
    const char *s = ref->def->suffix;
    const rep_task_stats *t = ref->task >= 0 ? &st->tasks[ref->task] : NULL;
    if (ref->def == &stopped_reason) {
        *out = (double)st->worker_ends[ref->end];
        return true;
    }
    if (ref->def == &held_reason) {
        *out = (double)st->held_ms[ref->reason];
        return true;
    }
    if (ref->def == &held_share) {
        if (st->held_total_ms == 0)
            return false;
        *out = (double)st->held_ms[ref->reason] / (double)st->held_total_ms;
        return true;
    }
    /* every other ref is resolved to an entry of defs (find_suffix) */
    switch (ref->def - defs) {
    case M_RUNS:
        *out = (double)(t ? t->runs : st->worker_runs);
        break;
    case M_RUNS_PER_DAY:
        *out = t ? t->runs_per_day : st->worker_runs_per_day;
        break;
    case M_SUCCESSES:
        *out = (double)t->successes; // NOLINT(clang-analyzer-core.NullDereference): a task metric always has a task
        break;
    case M_FAILURES:
        *out = (double)t->failures; // NOLINT(clang-analyzer-core.NullDereference): a task metric always has a task
        break;
    case M_STOPPED:
        *out = (double)(t ? t->stopped : st->worker_stopped);
        break;
    case M_KILLED:
        *out = (double)(t ? t->killed : st->worker_ends[REP_END_KILLED]);
        break;
    case M_COMPLETED_SHARE: {
        size_t runs = t ? t->runs : st->worker_runs;
        if (runs == 0)
            return false;
        *out = (double)(t ? t->completed : st->worker_ends[REP_END_COMPLETED]) / (double)runs;
        break;
    }
    case M_REGISTRATIONS:
        *out = (double)t->registrations; // NOLINT(clang-analyzer-core.NullDereference): a task metric always has a task
        break;
    case M_DEFERRED:
        *out = (double)st->worker_deferred;
        break;
    case M_DEFERRED_TIME:
        *out = (double)st->deferred_ms;
        break;
    case M_FIRST_RUN:
        if (t) {
            if (rec->tasks[ref->task].run_count == 0)
                return false;
            *out = (double)rec->tasks[ref->task].runs[0].start;
        } else {
            size_t i = 0;
            while (i < rec->worker_count && rec->worker_runs[i].kind != REP_WORKER_RAN)
                i++;
            if (i == rec->worker_count)
                return false;
            *out = (double)rec->worker_runs[i].start;
        }
        break;
    case M_MAX_GAP:
        *out = (double)max_gap(ref, rec);
        break;
    case M_HELD:
        *out = (double)st->held_total_ms;
        break;
    case M_DAILY_RUNS_MIN:
    case M_DAILY_RUNS_P50:
    case M_DAILY_RUNS_MAX:
        return quantile(t ? &t->per_day : &st->worker_per_day, s + 11, out);
    case M_BATTERY:
        if (!st->has_battery)
            return false;
        *out = st->battery_bg;
        break;
    case M_BATTERY_PER_DAY:
        if (!st->has_battery)
            return false;
        *out = st->battery_bg / ((double)rec->duration / (double)SIM_DAYS(1));
        break;
    case M_INTERVAL + 0: case M_INTERVAL + 1: case M_INTERVAL + 2: case M_INTERVAL + 3:
    case M_INTERVAL + 4: case M_INTERVAL + 5: case M_INTERVAL + 6:
        return quantile(t ? &t->interval : &st->worker_interval, s + 9, out);
    case M_DELAY + 0: case M_DELAY + 1: case M_DELAY + 2: case M_DELAY + 3:
    case M_DELAY + 4: case M_DELAY + 5: case M_DELAY + 6:
        return quantile(t ? &t->delay : &st->worker_delay, s + 6, out);
    case M_DURATION_P50:
    case M_DURATION_MAX:
        return t && quantile(&t->duration, s + 9, out); /* a task metric: resolve() always gives a task */
    default:
        return false;
    }
    return true;
}

unsigned rep_metric_parts(const rep_metric_ref *ref)
{
    if (ref->def == &stopped_reason || ref->def == &held_reason || ref->def == &held_share)
        return 0; /* counts and held times: not in defs */
    bool task = ref->task >= 0;
    switch (ref->def - defs) {
    case M_INTERVAL + 0: case M_INTERVAL + 1: case M_INTERVAL + 2: case M_INTERVAL + 3:
    case M_INTERVAL + 4: case M_INTERVAL + 5:
        return task ? REP_STATS_TASK_QUANTILES : REP_STATS_WORKER_INTERVAL;
    case M_INTERVAL + 6: /* the mean */
        return (task ? REP_STATS_TASK_QUANTILES : REP_STATS_WORKER_INTERVAL) | REP_STATS_MEANS;
    case M_DELAY + 0: case M_DELAY + 1: case M_DELAY + 2: case M_DELAY + 3:
    case M_DELAY + 4: case M_DELAY + 5:
        return task ? REP_STATS_TASK_QUANTILES : REP_STATS_WORKER_DELAY;
    case M_DELAY + 6:
        return (task ? REP_STATS_TASK_QUANTILES : REP_STATS_WORKER_DELAY) | REP_STATS_MEANS;
    case M_DURATION_P50:
    case M_DURATION_MAX:
        return REP_STATS_TASK_QUANTILES;
    case M_DAILY_RUNS_MIN:
    case M_DAILY_RUNS_P50:
    case M_DAILY_RUNS_MAX:
        return task ? REP_STATS_TASK_DAYS : REP_STATS_WORKER_DAYS;
    default:
        return 0; /* counts, rates, held time, battery, first run, max gap */
    }
}
