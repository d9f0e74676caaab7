/*
 * Distribution draws are rounded to whole ms as llround does: sch_dist.c rounds in integers (no
 * libm call), which must agree with llround on every value it is given.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sch_dist.h"

/* A fixed distribution draws nothing: its sample is the rounding of its value alone. */
static sim_time rounded(double x)
{
    sch_dist d = {.kind = SCH_DIST_FIXED, .a = x};
    return sch_dist_sample(&d, NULL);
}

static void expect_llround(double x)
{
    cr_assert_eq(rounded(x), (sim_time)llround(x), "%.17g: %lld, llround %lld", x, (long long)rounded(x),
                 (long long)llround(x));
}

Test(dist, rounding_is_llround_at_every_half_and_its_neighbours)
{
    const double at[] = {DBL_MIN, 1e-300, 0.25, 0.49999999999999994, 0.5, 0.5000000000000001, 0.75, 1, 1.5, 2.5,
                         1e6 + 0.5, 4503599627370495.0 / 1024, (double)SCH_DIST_MAX_MS - 0.5,
                         nextafter((double)SCH_DIST_MAX_MS, 0)};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
        expect_llround(at[i]);
    for (int64_t k = 0; k < 100000; k++) {
        double half = (double)k + 0.5;
        expect_llround(half);
        expect_llround(nextafter(half, 0));
        expect_llround(nextafter(half, INFINITY));
        expect_llround((double)k);
    }
    /* halves up to the cap, where a double still holds them exactly */
    for (int64_t k = 1; k < SCH_DIST_MAX_MS; k *= 3) {
        double half = (double)k + 0.5;
        expect_llround(half);
        expect_llround(nextafter(half, 0));
        expect_llround(nextafter(half, INFINITY));
    }
}

Test(dist, rounding_is_llround_over_random_magnitudes)
{
    uint64_t s = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 1000000; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        /* a mantissa and a power of two from 2^-20 to 2^44 (the cap is about 2^44.8) */
        double m = (double)(s >> 11) / 9007199254740992.0;
        double x = ldexp(m, (int)(s % 65) - 20);
        expect_llround(x);
    }
}

Test(dist, rounding_keeps_its_bounds)
{
    cr_assert_eq(rounded(0), 0);
    cr_assert_eq(rounded(-0.6), 0);
    cr_assert_eq(rounded(NAN), 0);
    cr_assert_eq(rounded((double)SCH_DIST_MAX_MS), SCH_DIST_MAX_MS);
    cr_assert_eq(rounded(1e300), SCH_DIST_MAX_MS);
}

/* A lognormal draw is GSL's with zeta = log(median), whatever the order of the medians drawn
 * (sch_dist.c remembers the latest median's logarithm and a few more: a stale one would shift every
 * draw). Medians interleave in runs and across more than the remembered few; on a GSL generator,
 * sim_rng_lognormal is gsl_ran_lognormal itself. */
Test(dist, lognormal_draws_take_their_own_median)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937), *ref = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2026);
    gsl_rng_set(ref, 2026);
    const double medians[] = {60000, 45000, 1000, 7, 123456, 2.5, 60000.5};
    uint64_t s = 12345;
    int median = 0;
    for (int i = 0; i < 20000; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        if ((s >> 60) < 5) /* runs of a median, then another one (one of 7: more than remembered) */
            median = (int)((s >> 33) % 7);
        sch_dist d = {.kind = SCH_DIST_LOGNORMAL, .a = medians[median], .b = 0.25 + (double)(s >> 62) / 4};
        double x = gsl_ran_lognormal(ref, log(d.a), d.b);
        sim_time want = x >= (double)SCH_DIST_MAX_MS ? SCH_DIST_MAX_MS : (sim_time)llround(x);
        cr_assert_eq(sch_dist_sample(&d, r), want, "draw %d, median %g", i, d.a);
    }
    gsl_rng_free(r);
    gsl_rng_free(ref);
}

/* A prepared distribution draws what sch_dist_sample draws, bit for bit and from the same stream
 * positions, for every kind (the lognormal's log(median) computed once, the others through
 * sch_dist_sample), on the streams' own generator (sim_rng_lognormal's inlined path) and on GSL's. */
Test(dist, prepared_draws_are_sample_draws)
{
    const sch_dist dists[] = {
        {.kind = SCH_DIST_LOGNORMAL, .a = 60000, .b = 1.2}, {.kind = SCH_DIST_LOGNORMAL, .a = 45000, .b = 1.0},
        {.kind = SCH_DIST_LOGNORMAL, .a = 2.5, .b = 3},     {.kind = SCH_DIST_FIXED, .a = 1234.5},
        {.kind = SCH_DIST_UNIFORM, .a = 10, .b = 5000},     {.kind = SCH_DIST_EXPONENTIAL, .a = 20000},
        {.kind = SCH_DIST_NORMAL, .a = 1000, .b = 700},     {.kind = SCH_DIST_WEIBULL, .a = 9000, .b = 1.5},
    };
    const gsl_rng_type *types[] = {sim_rng_xoshiro256pp, gsl_rng_mt19937};
    for (size_t t = 0; t < 2; t++) {
        for (size_t k = 0; k < sizeof dists / sizeof dists[0]; k++) {
            gsl_rng *r = gsl_rng_alloc(types[t]), *ref = gsl_rng_alloc(types[t]);
            gsl_rng_set(r, 77 + k);
            gsl_rng_set(ref, 77 + k);
            sch_dist_prepared p;
            sch_dist_prepare(&dists[k], &p);
            /* a draw rounds to ms, which hides the last bits of log(median): it is compared alone,
             * as the double sch_dist_sample gives sim_rng_lognormal (libm's log of the median) */
            if (dists[k].kind == SCH_DIST_LOGNORMAL) {
                const double zeta = log(dists[k].a);
                cr_assert_eq(memcmp(&p.zeta, &zeta, sizeof zeta), 0, "dist %zu: log(median)", k);
            }
            for (int i = 0; i < 5000; i++) {
                sim_time want = sch_dist_sample(&dists[k], ref);
                cr_assert_eq(sch_dist_draw(&p, r), want, "type %zu dist %zu draw %d", t, k, i);
            }
            cr_assert_eq(gsl_rng_get(r), gsl_rng_get(ref), "type %zu dist %zu: streams in step", t, k);
            gsl_rng_free(r);
            gsl_rng_free(ref);
        }
    }
}
