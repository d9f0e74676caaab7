/*
 * scn_dist.h - random durations as written in scenarios, drawn with GSL.
 *
 *   10s                                  fixed (shorthand)
 *   { fixed: 10s }
 *   { uniform: [5s, 30s] }               min <= max
 *   { exponential: { mean: 20m } }
 *   { lognormal: { median: 8s, sigma: 0.5 } }   median = e^mu; sigma >= 0
 *   { normal: { mean: 10s, sd: 2s } }    draws below 0 are redrawn (truncated normal)
 *   { weibull: { scale: 10s, shape: 1.5 } }     shape > 0
 *
 * Draws are rounded to whole milliseconds and capped at SCN_DIST_MAX_MS so a heavy tail cannot
 * overflow simulation time (the cap is far beyond any duration a scenario runs for).
 */
#ifndef BGSIM_SCN_DIST_H
#define BGSIM_SCN_DIST_H

#include <gsl/gsl_rng.h>

#include "scn_schema.h"

typedef enum scn_dist_kind {
    SCN_DIST_FIXED = 0,
    SCN_DIST_UNIFORM,
    SCN_DIST_EXPONENTIAL,
    SCN_DIST_LOGNORMAL,
    SCN_DIST_NORMAL,
    SCN_DIST_WEIBULL
} scn_dist_kind;

#define SCN_DIST_MAX_MS SIM_DAYS(365 * 1000)

typedef struct scn_dist {
    scn_dist_kind kind;
    /* fixed: a; uniform: [a, b]; exponential: mean a; lognormal: median a, sigma b;
     * normal: mean a, sd b; weibull: scale a, shape b. Durations in ms. */
    double a, b;
} scn_dist;

/* A fixed distribution of `ms`. */
scn_dist scn_dist_fixed(sim_time ms);
/* Parses the distribution under `key` of `map` (forms above). Same return contract as the
 * scn_field_* helpers. */
scn_field scn_field_dist(scn_cx *cx, const scn_node *map, const char *key, scn_need need, scn_dist *out);
/* One draw, in whole ms within [0, SCN_DIST_MAX_MS]. A fixed distribution draws nothing from rng. */
sim_time scn_dist_sample(const scn_dist *d, gsl_rng *rng);
/* The distribution's mean in ms (for summaries and documentation). */
double scn_dist_mean(const scn_dist *d);
/* "lognormal(median 8s, sigma 0.5)" etc. */
int scn_dist_format(const scn_dist *d, char *buf, size_t size);

#endif
