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
#include "sch_walk.h"

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

/*
 * A target: "sync.max_gap<=6h" - a catalogue metric, a comparison (<= < >= > ==, spaces around it
 * allowed) and a value written in the metric's kind (a duration for durations, a number or a
 * percentage for fractions). A fleet counts the devices that meet it (`bgsim fleet --target`,
 * `expect: fleet:`); a device without a value for the metric does not.
 */
typedef enum scn_target_op { SCN_OP_LE = 1, SCN_OP_LT, SCN_OP_GE, SCN_OP_GT, SCN_OP_EQ } scn_target_op;
typedef struct scn_target {
    char *text;           /* as written */
    rep_metric_ref ref;
    scn_target_op op;
    double value;         /* ms for durations, 0..1 for fractions */
} scn_target;

/* Parses a target against the task names. False with a message in why ("expected ..., found ..."). */
bool scn_target_parse(const char *text, const char *const *tasks, size_t task_count, scn_target *out, char *why,
                      size_t size);
void scn_target_free(scn_target *t);
bool scn_target_holds(const scn_target *t, double v);

/*
 * A fleet expectation (`expect: fleet:`), checked by `bgsim check` over a fleet of `devices`
 * devices (scn_fleet.h; without a fleet section, copies of the file with their own streams):
 *
 *   expect:
 *     fleet:
 *       devices: 300                              # default 200
 *       sync.max_gap<=6h: { min: 80% }            # the share of devices meeting a target
 *       pixel/sync.max_gap<=6h: { min: 95% }      # ... among one profile's devices
 *       sync.runs_per_day.p50: { min: 3 }         # a statistic across devices of a metric:
 *       sync.interval.p90.max: { max: 12h }       #   .mean .min .p10 .p50 .p90 .max
 *
 * A share is the exact share among the simulated devices (deterministic for the seed); a statistic
 * is the accumulators' (quantiles within 0.4 %, rep_acc.h). Bounds: min and/or max, in the metric's
 * kind (shares as percentages or 0..1).
 */
typedef enum scn_fleet_stat {
    SCN_FSTAT_MEAN = 0, SCN_FSTAT_MIN, SCN_FSTAT_P10, SCN_FSTAT_P50, SCN_FSTAT_P90, SCN_FSTAT_MAX
} scn_fleet_stat;
extern const char *const scn_fleet_stat_names[]; /* "mean", "min", ..., NULL-terminated */
extern const double scn_fleet_stat_q[];          /* the quantile of each (mean: -1, min 0, max 1) */

typedef struct scn_fleet_expectation {
    char *key;              /* as written */
    char *profile;          /* "pixel/..." prefix, or NULL for all devices */
    bool is_target;
    scn_target target;      /* is_target */
    char *metric;           /* otherwise: the per-device metric's name, */
    rep_metric_ref ref;     /* resolved, */
    scn_fleet_stat stat;    /* and the statistic across devices */
    bool has_min, has_max;
    double min, max;
    int line, column;
} scn_fleet_expectation;

#define SCN_EXPECT_DEFAULT_DEVICES 200
#define SCN_EXPECT_MAX_FLEET 32 /* fleet expectations per file */

typedef struct scn_expect {
    scn_expectation *items;
    size_t count;
    scn_fleet_expectation *fleet; /* `expect: fleet:` */
    size_t fleet_count;
    uint64_t fleet_devices;
    bool has_fingerprint;
    uint64_t fingerprint;
    size_t fp_start, fp_end; /* span of the fingerprint's value, in characters (libyaml marks) */
    int fp_line, fp_column;
} scn_expect;

/* Parses the `expect` node against the scenario's task names. Reports through cx. */
void scn_expect_parse(sch_cx *cx, const sch_node *node, const char *const *tasks, size_t task_count,
                      scn_expect *out);
void scn_expect_free(scn_expect *e);

/* "min 80%", "min 3, max 5", "max 12h": a fleet expectation's bound as text. */
int scn_fleet_bound_text(const scn_fleet_expectation *x, char *buf, size_t size);

/* "min 8, max 96", "equals 0", "mean in [3.9, 4.1] at 95%": the bound as text, in its unit. */
int scn_expect_bound_text(const scn_expectation *x, char *buf, size_t size);
/* A value of the metric's kind as text: "96", "4.00", "15m", "0.25". */
int scn_expect_value_text(rep_metric_kind kind, double v, char *buf, size_t size);

#endif
