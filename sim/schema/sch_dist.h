/*
 * sch_dist.h - random durations as written in scenarios, drawn with GSL.
 *
 *   10s                                  fixed (shorthand)
 *   { fixed: 10s }
 *   { uniform: [5s, 30s] }               min <= max
 *   { exponential: { mean: 20m } }
 *   { lognormal: { median: 8s, sigma: 0.5 } }   median = e^mu; sigma >= 0
 *   { normal: { mean: 10s, sd: 2s } }    draws below 0 are redrawn (truncated normal)
 *   { weibull: { scale: 10s, shape: 1.5 } }     shape > 0
 *
 * Draws are rounded to whole milliseconds and capped at SCH_DIST_MAX_MS so a heavy tail cannot
 * overflow simulation time (the cap is far beyond any duration a scenario runs for).
 */
#ifndef BGSIM_SCH_DIST_H
#define BGSIM_SCH_DIST_H

#include <gsl/gsl_rng.h>

#include "sch_walk.h"

typedef enum sch_dist_kind {
    SCH_DIST_FIXED = 0,
    SCH_DIST_UNIFORM,
    SCH_DIST_EXPONENTIAL,
    SCH_DIST_LOGNORMAL,
    SCH_DIST_NORMAL,
    SCH_DIST_WEIBULL
} sch_dist_kind;

#define SCH_DIST_MAX_MS SIM_DAYS(365 * 1000)

typedef struct sch_dist {
    sch_dist_kind kind;
    /* fixed: a; uniform: [a, b]; exponential: mean a; lognormal: median a, sigma b;
     * normal: mean a, sd b; weibull: scale a, shape b. Durations in ms. */
    double a, b;
} sch_dist;

/* A fixed distribution of `ms`. */
sch_dist sch_dist_fixed(sim_time ms);
/* Parses the distribution under `key` of `map` (forms above). Same return contract as the
 * sch_field_* helpers. */
sch_field sch_field_dist(sch_cx *cx, const sch_node *map, const char *key, sch_need need, sch_dist *out);
/* One draw, in whole ms within [0, SCH_DIST_MAX_MS]. A fixed distribution draws nothing from rng. */
sim_time sch_dist_sample(const sch_dist *d, gsl_rng *rng);
/* The distribution's mean in ms (for summaries and documentation). */
double sch_dist_mean(const sch_dist *d);
/* The shortest duration a draw can give (ms): fixed and uniform their low end, the others 0. */
sim_time sch_dist_min(const sch_dist *d);
/* "lognormal(median 8s, sigma 0.5)" etc. */
int sch_dist_format(const sch_dist *d, char *buf, size_t size);

#endif
