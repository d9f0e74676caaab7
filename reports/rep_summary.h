/*
 * rep_summary.h - the summary `bgsim run` prints: per task and for the worker.
 *
 * Text for people (durations as sim_format_human_duration writes them: 15m, 1h 30m, 8.2s), JSON for tools (every time in integer ms,
 * keys stable). Both are pure functions of what the run was (rep_summary_run, filled by the
 * caller from its scenario and options) and its statistics, so the same run prints the same bytes.
 */
#ifndef BGSIM_REP_SUMMARY_H
#define BGSIM_REP_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "rep_explain.h"
#include "rep_plot.h"
#include "rep_record.h"
#include "rep_stats.h"
#include "sim_calendar.h"

/* What was run, besides the statistics. Borrowed. */
typedef struct rep_summary_run {
    const rep_run_info *info;        /* name, file, platform, policy preset, seed */
    const char *policy_variant;      /* "ios" or "android": which variant of the preset */
    sim_time duration;               /* simulated */
    const sim_calendar *calendar;    /* where the run starts, for its start date */
    uint64_t events, fingerprint;
    const char *const *task_names;   /* the scenario's tasks, in order (metric names in JSON) */
    size_t task_count;
    const rep_explain *explain;      /* the run's gaps and due time (text: the "due without running"
                                      * line), or NULL */
} rep_summary_run;

void rep_summary_text(FILE *out, const rep_summary_run *run, const rep_stats *st);
/* JSON also carries "metrics": every catalogue metric (rep_metrics.h) with a value in this run, by
 * its name, so a CI job can read the same numbers `expect:` bounds. */
void rep_summary_json(FILE *out, const rep_summary_run *run, const rep_stats *st, const rep_record *rec);

#endif
