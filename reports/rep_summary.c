/*
 * rep_summary.c - text and JSON summaries.
 */
#include "rep_summary.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>

#include "rep_metrics.h"
#include "sim_reason.h"
#include "util.h"

/* A duration in ms for people (sim_format_human_duration); quantiles interpolate, so they are
 * rounded to the nearest ms first. */
static const char *human(const rep_summary_run *run, double ms, char *buf, size_t size)
{
    (void)run;
    sim_format_human_duration((sim_time)llround(ms), buf, size);
    return buf;
}

static void text_quantiles(FILE *out, const rep_summary_run *run, const char *label, const rep_quantiles *q)
{
    char a[32], b[32], c[32], d[32];
    if (q->n == 0) {
        fprintf(out, "    %-10s -\n", label);
        return;
    }
    fprintf(out, "    %-10s min %s  p50 %s  p90 %s  max %s\n", label, human(run, q->min, a, sizeof a),
            human(run, q->p50, b, sizeof b), human(run, q->p90, c, sizeof c), human(run, q->max, d, sizeof d));
}

/* How the runs that ran tasks ended, when any did not complete: the stops by reason (largest
 * first, ties in rep_end order), then the kills. Nothing when every run completed. */
static void text_ends(FILE *out, const rep_stats *st)
{
    if (st->worker_runs == st->worker_ends[REP_END_COMPLETED])
        return;
    fprintf(out, "          ended: %zu completed", st->worker_ends[REP_END_COMPLETED]);
    if (st->worker_stopped) {
        bool shown[REP_END_COUNT] = {false};
        fprintf(out, ", %zu stopped by the OS (", st->worker_stopped);
        for (int k = 0;; k++) {
            int best = 0;
            for (int e = REP_END_TIMEOUT; e < REP_END_KILLED; e++)
                if (!shown[e] && st->worker_ends[e] > 0 && (best == 0 || st->worker_ends[e] > st->worker_ends[best]))
                    best = e;
            if (best == 0)
                break;
            shown[best] = true;
            fprintf(out, "%s%s %zu", k ? ", " : "", rep_end_name((rep_end)best), st->worker_ends[best]);
        }
        fputc(')', out);
    }
    if (st->worker_ends[REP_END_KILLED])
        fprintf(out, ", %zu killed with the process", st->worker_ends[REP_END_KILLED]);
    fputc('\n', out);
}

void rep_summary_text(FILE *out, const rep_summary_run *run, const rep_stats *st)
{
    const rep_run_info *info = run->info;
    char start[40], dur[32];
    sim_cal_format(run->calendar, 0, start, sizeof start);
    sim_format_human_duration(run->duration, dur, sizeof dur);
    fprintf(out, "scenario  %s (%s)\n", info->name, info->file);
    fprintf(out, "platform  %s, policy %s (%s variant), seed %" PRIu64 "\n", info->platform, info->policy,
            run->policy_variant, info->seed);
    fprintf(out, "simulated %s from %.16s, %" PRIu64 " events, fingerprint %016" PRIx64 "\n", dur, start,
            run->events, run->fingerprint);
    fprintf(out, "\nworker    %zu runs (%.2f/day), %zu deferred by the foreground guard, %zu with no task\n",
            st->worker_runs, st->worker_runs_per_day, st->worker_deferred, st->worker_no_tasks);
    /* Why it did not run: the due time by reason (rep_explain.h), the same figures as the report
     * and `bgsim explain`. */
    if (run->explain && run->explain->due_ms > 0)
        rep_explain_due_line(out, "          ", run->explain);
    text_ends(out, st);
    text_quantiles(out, run, "interval", &st->worker_interval);
    text_quantiles(out, run, "delay", &st->worker_delay);
    for (size_t i = 0; i < st->task_count; i++) {
        const rep_task_stats *t = &st->tasks[i];
        fprintf(out, "\ntask %s\n", t->name);
        fprintf(out, "    registered %zu, unregistered %zu\n", t->registrations, t->unregistrations);
        fprintf(out, "    runs       %zu (%.2f/day): %zu succeeded, %zu failed", t->runs, t->runs_per_day,
                t->successes, t->failures);
        if (t->stopped)
            fprintf(out, ", %zu stopped by the OS", t->stopped);
        if (t->killed)
            fprintf(out, ", %zu killed with the process", t->killed);
        if (t->runs > t->completed + t->stopped + t->killed)
            fprintf(out, ", %zu still running at the end", t->runs - t->completed - t->stopped - t->killed);
        fputc('\n', out);
        text_quantiles(out, run, "interval", &t->interval);
        text_quantiles(out, run, "delay", &t->delay);
        text_quantiles(out, run, "duration", &t->duration);
    }
}

static void json_quantiles(FILE *out, const char *key, const rep_quantiles *q)
{
    if (q->n == 0) {
        fprintf(out, "\"%s\":null", key);
        return;
    }
    fprintf(out, "\"%s\":{\"n\":%zu,\"min\":%" PRId64 ",\"p10\":%" PRId64 ",\"p50\":%" PRId64 ",\"p90\":%" PRId64
                 ",\"p99\":%" PRId64 ",\"max\":%" PRId64 ",\"mean\":%" PRId64 "}",
            key, q->n, (int64_t)llround(q->min), (int64_t)llround(q->p10), (int64_t)llround(q->p50),
            (int64_t)llround(q->p90), (int64_t)llround(q->p99), (int64_t)llround(q->max), (int64_t)llround(q->mean));
}

/* Every metric of the catalogue (per-reason families included) for the worker and each task, in
 * catalogue order, resolved by name exactly as `expect:` resolves it. */
static void json_metrics(FILE *out, const rep_summary_run *run, const rep_stats *st, const rep_record *rec)
{
    const char *const *suffixes = rep_metric_suffixes();
    bool first = true;
    fputs(",\"metrics\":{", out);
    for (int scope = -1; scope < (int)run->task_count; scope++) {
        for (size_t i = 0; suffixes[i]; i++) {
            char key[512]; /* a task name (at most 255 bytes: BGT_NAME_MAX), '.', a suffix */
            snprintf(key, sizeof key, "%s.%s", scope < 0 ? "worker" : run->task_names[scope], suffixes[i]);
            rep_metric_ref ref;
            bool scope_ok;
            double v;
            if (!rep_metric_resolve(key, run->task_names, run->task_count, &ref, &scope_ok) || ref.task != scope ||
                !rep_metric_value(&ref, st, rec, &v))
                continue;
            fputs(first ? "" : ",", out);
            first = false;
            util_json_string(out, key);
            if (ref.def->kind == REP_KIND_COUNT || ref.def->kind == REP_KIND_DURATION)
                fprintf(out, ":%" PRId64, (int64_t)llround(v));
            else
                fprintf(out, ":%.6g", v);
        }
    }
    fputc('}', out);
}

void rep_summary_json(FILE *out, const rep_summary_run *run, const rep_stats *st, const rep_record *rec)
{
    const rep_run_info *info = run->info;
    fputs("{\"scenario\":", out);
    util_json_string(out, info->name);
    fprintf(out, ",\"platform\":\"%s\",\"policy\":", info->platform);
    util_json_string(out, info->policy);
    fprintf(out, ",\"seed\":%" PRIu64 ",\"duration_ms\":%" PRId64 ",\"events\":%" PRIu64
                 ",\"fingerprint\":\"%016" PRIx64 "\",",
            info->seed, run->duration, run->events, run->fingerprint);
    fprintf(out, "\"worker\":{\"runs\":%zu,\"runs_per_day\":%.4f,\"deferred_foreground\":%zu,\"no_tasks\":%zu,"
                 "\"deferred_ms\":%" PRId64 ",\"completed\":%zu,\"stopped\":%zu,\"killed\":%zu,\"stopped_by\":{",
            st->worker_runs, st->worker_runs_per_day, st->worker_deferred, st->worker_no_tasks, st->deferred_ms,
            st->worker_ends[REP_END_COMPLETED], st->worker_stopped, st->worker_ends[REP_END_KILLED]);
    for (int e = REP_END_TIMEOUT; e < REP_END_KILLED; e++)
        fprintf(out, "%s\"%s\":%zu", e > REP_END_TIMEOUT ? "," : "", rep_end_name((rep_end)e), st->worker_ends[e]);
    fputs("},", out);
    json_quantiles(out, "interval_ms", &st->worker_interval);
    fputc(',', out);
    json_quantiles(out, "delay_ms", &st->worker_delay);
    fputs("},\"tasks\":[", out);
    for (size_t i = 0; i < st->task_count; i++) {
        const rep_task_stats *t = &st->tasks[i];
        fputs(i ? ",{\"name\":" : "{\"name\":", out);
        util_json_string(out, t->name);
        fprintf(out, ",\"registrations\":%zu,\"unregistrations\":%zu,\"runs\":%zu,\"successes\":%zu,\"failures\":%zu,"
                     "\"stopped\":%zu,\"killed\":%zu,\"runs_per_day\":%.4f,",
                t->registrations, t->unregistrations, t->runs, t->successes, t->failures, t->stopped, t->killed,
                t->runs_per_day);
        json_quantiles(out, "interval_ms", &t->interval);
        fputc(',', out);
        json_quantiles(out, "delay_ms", &t->delay);
        fputc(',', out);
        json_quantiles(out, "duration_ms", &t->duration);
        fputc('}', out);
    }
    fputc(']', out);
    json_metrics(out, run, st, rec);
    fputs("}\n", out);
}
