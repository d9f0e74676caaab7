/*
 * run_summary.h - the summary `bgsim run` prints: per task and for the worker.
 *
 * Text for people (durations as 15m, 1h30m, 8.2s), JSON for tools (every time in integer ms,
 * keys stable). Both are pure functions of the scenario, options and statistics, so the same run
 * prints the same bytes.
 */
#ifndef BGSIM_RUN_SUMMARY_H
#define BGSIM_RUN_SUMMARY_H

#include <stdio.h>

#include "rep_stats.h"
#include "run.h"

void run_summary_text(FILE *out, const scn_scenario *s, const run_options *opt, const run_outcome *o,
                      const rep_stats *st);
/* JSON also carries "metrics": every catalogue metric (reports/rep_metrics.h) with a value in
 * this run, by its name, so a CI job can read the same numbers `expect:` bounds. */
void run_summary_json(FILE *out, const scn_scenario *s, const run_options *opt, const run_outcome *o,
                      const rep_stats *st, const rep_record *rec);

#endif
