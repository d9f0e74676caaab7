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
#include "sim_rng.h"

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
/* A draw of x rounded to whole ms as llround does, within [0, SCH_DIST_MAX_MS] (NaN and x <= 0:
 * 0): every draw of sch_dist_sample ends here. In integers (the libm call was a sixth of a draw's
 * own work, issue 24): below the cap, 0 < x < SCH_DIST_MAX_MS < 2^52, so the truncation t is
 * exact and so is x - t (x itself when t = 0, else t <= x < 2t: Sterbenz's lemma); a fraction of
 * one half or more rounds away from zero, as llround does. tests/schema/test_dist.c compares the
 * two. */
_Static_assert(SCH_DIST_MAX_MS < ((sim_time)1 << 52), "sch_dist_ms needs exact fractions");
static inline sim_time sch_dist_ms(double x)
{
    if (!(x > 0)) /* also catches NaN */
        return 0;
    if (x >= (double)SCH_DIST_MAX_MS)
        return SCH_DIST_MAX_MS;
    sim_time t = (sim_time)x;
    return t + (x - (double)t >= 0.5);
}
/* A distribution with the constants its draws derive from its parameters computed once
 * (sch_dist_prepare): the lognormal's log(median), which sch_dist_sample looks up among the last
 * medians it saw. For a model that draws from one distribution all run long (the user's session
 * and visit durations: 9 in 10 of an ideal sweep's lognormal draws). */
typedef struct sch_dist_prepared {
    sch_dist d;
    double zeta; /* lognormal: log(d.a), the value sch_dist_sample takes (libm's log of the same
                  * double) */
} sch_dist_prepared;
void sch_dist_prepare(const sch_dist *d, sch_dist_prepared *out);
/* sch_dist_sample(&p->d, rng), the same draws bit for bit; a lognormal inline, without the
 * look-up of its log(median) and the call (~30 instructions a draw, issue 24). */
static inline sim_time sch_dist_draw(const sch_dist_prepared *p, gsl_rng *rng)
{
    if (p->d.kind == SCH_DIST_LOGNORMAL)
        return sch_dist_ms(sim_rng_lognormal(rng, p->zeta, p->d.b));
    return sch_dist_sample(&p->d, rng);
}
/* The distribution's mean in ms (for summaries and documentation). */
double sch_dist_mean(const sch_dist *d);
/* The shortest duration a draw can give (ms): fixed and uniform their low end, the others 0. */
sim_time sch_dist_min(const sch_dist *d);
/* "lognormal(median 8s, sigma 0.5)" etc. */
int sch_dist_format(const sch_dist *d, char *buf, size_t size);

#endif
