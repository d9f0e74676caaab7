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
