/*
 * scn_expect.h - a scenario's `expect:` block: what `bgsim check` verifies.
 *
 *   expect:
 *     fingerprint: "30f79003e1c8360e"          # the exact event sequence (bgsim run --fingerprint)
 *     sync.runs_per_day: { min: 8, max: 96 }   # one run, the scenario's seed
 *     sync.interval.p50: { max: 20m }          # durations are written as durations
 *     worker.deferred: { equals: 0 }
 *     cleanup.runs_per_day: { seeds: 30, confidence: 95%, mean: { min: 3.9, max: 4.1 } }
 *
 * Metric names come from the catalogue (reports/rep_metrics.h, scenarios/METRICS.md). A bound is
 * min, max (inclusive), or equals; a statistical expectation runs `seeds` runs (seeds s, s+1, ...)
 * and holds when the whole two-sided confidence interval of the mean (Student t, GSL) lies within
 * [min, max].
 */
#ifndef BGSIM_SCN_EXPECT_H
#define BGSIM_SCN_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rep_metrics.h"
#include "scn_schema.h"

#define SCN_EXPECT_MAX_SEEDS 1000

typedef struct scn_expectation {
    char *metric;            /* as written */
    rep_metric_ref ref;
    bool has_min, has_max, has_equals;
    double min, max, equals; /* in the metric's unit (ms for durations) */
    int seeds;               /* 0: one run; >= 2: the mean over that many seeds */
    double confidence;       /* with seeds: e.g. 0.95 */
    int line, column;
} scn_expectation;

typedef struct scn_expect {
    scn_expectation *items;
    size_t count;
    bool has_fingerprint;
    uint64_t fingerprint;
    size_t fp_start, fp_end; /* span of the fingerprint's value, in characters (libyaml marks) */
    int fp_line, fp_column;
} scn_expect;

/* Parses the `expect` node against the scenario's task names. Reports through cx. */
void scn_expect_parse(scn_cx *cx, const scn_node *node, const char *const *tasks, size_t task_count,
                      scn_expect *out);
void scn_expect_free(scn_expect *e);

/* "min 8, max 96", "equals 0", "mean in [3.9, 4.1] at 95%": the bound as text, in its unit. */
int scn_expect_bound_text(const scn_expectation *x, char *buf, size_t size);
/* A value of the metric's kind as text: "96", "4.00", "15m", "0.25". */
int scn_expect_value_text(rep_metric_kind kind, double v, char *buf, size_t size);

#endif
