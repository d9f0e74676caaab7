/*
 * rep_sweep_table.h - a sweep's rows: one per combination of the swept values, with the mean and
 * confidence interval of each metric over the seeds (rep_ci, rep_sweep.h), as CSV or JSON.
 *
 * Combinations are numbered in the order they are run and printed: the cartesian product of the
 * keys' values, the first key varying slowest (rep_sweep_combo). Durations are in ms, fractions
 * 0..1, a metric without a value is empty (CSV) or null (JSON).
 */
#ifndef BGSIM_REP_SWEEP_TABLE_H
#define BGSIM_REP_SWEEP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rep_metrics.h"
#include "rep_sweep.h"

#define REP_SWEEP_MAX_KEYS 16

/* A swept key and the values it takes (the caller's strings). */
typedef struct rep_sweep_key {
    char *key;
    char **values;
    size_t n;
} rep_sweep_key;

/* Combination ci's value index of every key (idx[0..n_keys)). */
void rep_sweep_combo(const rep_sweep_key *keys, size_t n_keys, size_t ci, size_t *idx);

/* What the rows show. Borrowed. */
typedef struct rep_sweep_table {
    const char *scenario;            /* the scenario's name (JSON) */
    const rep_sweep_key *keys;
    size_t n_keys;                   /* at most REP_SWEEP_MAX_KEYS */
    size_t combos;                   /* the product of the keys' value counts */
    int64_t seeds;
    double confidence;               /* of the intervals, e.g. 0.95 */
    const char *const *metric_names; /* catalogue names, n_metrics of them */
    size_t n_metrics;
    const bool *shown;               /* shown[m]: metric m has columns */
    const rep_ci *cis;               /* cis[combination * n_metrics + m] */
    const rep_metric_kind *kinds;    /* kinds[m], for rep_sweep_text (NULL: numbers) */
} rep_sweep_table;

/* A header line, then a line per combination: the keys' values, the seeds, and mean, ci_low,
 * ci_high of each shown metric. */
void rep_sweep_csv(FILE *out, const rep_sweep_table *t);
/* {"scenario", "seeds", "confidence", "keys", "rows": [{"set": {...}, "seeds", "metrics": {...}}]}
 * with a row per line. */
void rep_sweep_json(FILE *out, const rep_sweep_table *t);
/*
 * The table for a person (`--format table`): a column per combination (at most
 * REP_SWEEP_TEXT_COLUMNS side by side, then the next block), a header line per swept key with its
 * values, then two lines per shown metric: the mean, and below it the interval "lo - hi".
 * Durations as "6h 42m", fractions as percentages, "-" where there is no value.
 */
#define REP_SWEEP_TEXT_COLUMNS 5
void rep_sweep_text(FILE *out, const rep_sweep_table *t);

#endif
