/*
 * cli_explain.h - the words of the explanations (cli_explain.c): `bgsim explain`, the headline of
 * `bgsim run` and the notes of its report. The figures come from rep_explain.h (gaps, spans, due
 * time by reason) and run_explain.h (expo's quirks); durations are sim_format_human_duration's.
 */
#ifndef BGSIM_CLI_EXPLAIN_H
#define BGSIM_CLI_EXPLAIN_H

#include <stdio.h>

#include "rep_explain.h"
#include "rep_stats.h"
#include "run_explain.h"
#include "scn_scenario.h"

/* Gaps `bgsim explain` shows unless --gaps says otherwise. */
#define CLI_EXPLAIN_GAPS 5

typedef struct cli_explain_input {
    const scn_scenario *scenario;
    uint64_t seed;
    const rep_record *record;
    const rep_stats *stats;
    const rep_explain *explain;
    size_t gaps;                 /* how many of the longest gaps to list */
    const run_note *notes;
    size_t note_count;
} cli_explain_input;

/* Two lines: "asked every 15m; ran every 23h 58m at the median, 1d 1h at p90; 1.00 runs/day" and
 * "longest gap 1d 1h (Tue 03:10–Wed 04:46): doze_deep 10h, standby_quota 3h". */
void cli_explain_headline(FILE *out, const rep_record *rec, const rep_stats *st, const rep_explain *e);
/* One note in plain words, with the setting that changes it. As snprintf. */
int cli_note_text(const scn_scenario *s, const run_note *n, char *buf, size_t size);
/* All of `bgsim explain`'s text. */
void cli_explain_text(FILE *out, const cli_explain_input *in);

#endif
