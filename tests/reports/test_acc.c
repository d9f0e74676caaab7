/*
 * test_acc.c - mergeable accumulators (rep_acc): quantiles against the exact nearest-rank quantile
 * of the quantised values, merges that give the same bits for any split and grouping, moments
 * against GSL, refused values, empty accumulators, the bins listing and refused merges.
 *
 * Test data comes from GSL's MT19937 with fixed seeds. Expected values are computed here from the
 * header's definitions (v = round(x * scale), rank ceil(q n), sort + index), never from rep_acc.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rep_acc.h"

static gsl_rng *rng_new(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    cr_assert_not_null(r);
    gsl_rng_set(r, seed);
    return r;
}

enum { DIST_LOGNORMAL, DIST_UNIFORM, DIST_SMALL_INT };

/* n values of a distribution: lognormal around 1 s in ms (durations, a long right tail), uniform
 * fractions in [0, 1), small integers 0..19 (counts: every stored value in an exact bin). */
static double *draw(int dist, size_t n, unsigned long seed)
{
    gsl_rng *r = rng_new(seed);
    double *x = malloc(n * sizeof *x);
    cr_assert_not_null(x);
    for (size_t j = 0; j < n; j++) {
        switch (dist) {
        case DIST_LOGNORMAL: x[j] = gsl_ran_lognormal(r, log(1000.0), 1.5); break;
        case DIST_UNIFORM: x[j] = gsl_rng_uniform(r); break;
        default: x[j] = (double)gsl_rng_uniform_int(r, 20); break;
        }
    }
    gsl_rng_free(r);
    return x;
}

/* The value the header says is stored, back in x's unit. */
static double quantised(double x, double scale)
{
    return round(x * scale) / scale;
}

/* Nearest rank of the k-th percentile among n, in integers: ceil(k n / 100). Independent of the
 * floating point q the accumulator receives. */
static size_t rank_of(unsigned k, size_t n)
{
    size_t r = (k * n + 99) / 100;
    return r ? r : 1;
}

static const unsigned percentiles[] = {0, 1, 10, 50, 90, 99, 100};

static void check_quantiles(int dist, size_t n, double scale, unsigned long seed)
{
    double *x = draw(dist, n, seed);
    rep_acc_shape shape = {scale, true};
    rep_accs a;
    cr_assert_eq(rep_accs_init(&a, 1, &shape), 0);
    for (size_t j = 0; j < n; j++) {
        cr_assert(rep_accs_add(&a, 0, x[j]), "value %g refused", x[j]);
        x[j] = quantised(x[j], scale);
    }
    gsl_sort(x, 1, n);
    /* The sorted data's ends are GSL's 0- and 1-quantiles: a check of the sort itself. */
    cr_assert_eq(gsl_stats_quantile_from_sorted_data(x, 1, n, 0.0), x[0]);
    cr_assert_eq(gsl_stats_quantile_from_sorted_data(x, 1, n, 1.0), x[n - 1]);
    for (size_t p = 0; p < sizeof percentiles / sizeof *percentiles; p++) {
        unsigned k = percentiles[p];
        double exact = x[rank_of(k, n) - 1];
        double got = rep_accs_quantile(&a, 0, k / 100.0);
        if (exact * scale < (double)(1 << REP_ACC_SUB_BITS))
            cr_assert_eq(got, exact, "dist %d n %zu q %u%%: %.17g, exact %.17g", dist, n, k, got, exact);
        else
            cr_assert_leq(fabs(got - exact), REP_ACC_REL_ERROR * exact,
                          "dist %d n %zu q %u%%: %.17g, exact %.17g (relative error %.3g)", dist, n, k,
                          got, exact, fabs(got - exact) / exact);
    }
    cr_assert_eq(rep_accs_min(&a, 0), x[0]);
    cr_assert_eq(rep_accs_max(&a, 0), x[n - 1]);
    rep_accs_free(&a);
    free(x);
}

Test(acc, quantiles_lognormal)
{
    check_quantiles(DIST_LOGNORMAL, 10000, 1.0, 1);
    check_quantiles(DIST_LOGNORMAL, 100000, 1.0, 2);
    check_quantiles(DIST_LOGNORMAL, 33333, 1000.0, 3); /* microseconds: deeper bins */
}

Test(acc, quantiles_uniform)
{
    check_quantiles(DIST_UNIFORM, 10000, 1e6, 4);
    check_quantiles(DIST_UNIFORM, 100000, 1e6, 5);
    check_quantiles(DIST_UNIFORM, 54321, 100.0, 6); /* percent: every value in an exact bin */
}

Test(acc, quantiles_small_integers)
{
    check_quantiles(DIST_SMALL_INT, 10000, 1.0, 7);
    check_quantiles(DIST_SMALL_INT, 99999, 1.0, 8);
}

/* The ranks of every percentile of 1..n, where the exact answer is the rank itself (values below
 * 2^SUB_BITS are exact). n = 100, 700: sizes where ceil(0.07 * n) in double is one rank too high. */
Test(acc, nearest_rank_every_percentile)
{
    static const size_t sizes[] = {1, 2, 3, 100, 127};
    rep_acc_shape shape = {1.0, true};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        rep_accs a;
        cr_assert_eq(rep_accs_init(&a, 1, &shape), 0);
        for (size_t v = n; v >= 1; v--) /* in decreasing order: the order must not matter */
            cr_assert(rep_accs_add(&a, 0, (double)v));
        for (unsigned k = 0; k <= 100; k++)
            cr_assert_eq(rep_accs_quantile(&a, 0, k / 100.0), (double)rank_of(k, n), "n %zu q %u%%", n, k);
        rep_accs_free(&a);
    }
    /* 700 values 0.5 .. 350 at scale 2: stored 1..700, quantile = rank / 2 within the bin error. */
    shape.scale = 2.0;
    rep_accs a;
    cr_assert_eq(rep_accs_init(&a, 1, &shape), 0);
    for (size_t v = 1; v <= 700; v++)
        cr_assert(rep_accs_add(&a, 0, (double)v / 2));
    for (unsigned k = 0; k <= 100; k++) {
        double exact = (double)rank_of(k, 700) / 2;
        cr_assert_leq(fabs(rep_accs_quantile(&a, 0, k / 100.0) - exact), REP_ACC_REL_ERROR * exact,
                      "q %u%%", k);
    }
    /* Rank 49 (0.07 * 700) is stored 49, an exact bin: one rank too high would give 25. */
    cr_assert_eq(rep_accs_quantile(&a, 0, 0.07), 24.5);
    cr_assert(isnan(rep_accs_quantile(&a, 0, -0.01)));
    cr_assert(isnan(rep_accs_quantile(&a, 0, 1.01)));
    cr_assert(isnan(rep_accs_quantile(&a, 0, NAN)));
    rep_accs_free(&a);
}

/* ---- merging -------------------------------------------------------------------------------- */

enum { N_MERGE = 20000, K_ACC = 3 };

static const rep_acc_shape merge_shapes[K_ACC] = {
    {1.0, true},  /* lognormal ms */
    {1e6, true},  /* uniform fractions */
    {1e3, false}, /* lognormal, moments only */
};

/* Every value of accumulator a of the test set, in one place so each split adds the same ones. */
typedef struct merge_data {
    double *x[K_ACC];
} merge_data;

static void add_values(rep_accs *s, const merge_data *d, const size_t *order, size_t from, size_t to)
{
    for (size_t j = from; j < to; j++)
        for (size_t a = 0; a < K_ACC; a++)
            cr_assert(rep_accs_add(s, a, d->x[a][order[j]]));
}

static void expect_same(const rep_accs *got, const rep_accs *want, const char *how)
{
    cr_assert_eq(got->n_sums, want->n_sums);
    cr_assert_eq(memcmp(got->sums, want->sums, want->n_sums * sizeof *want->sums), 0, "%s: sums differ", how);
    cr_assert_eq(memcmp(got->mins, want->mins, want->n * sizeof *want->mins), 0, "%s: mins differ", how);
    cr_assert_eq(memcmp(got->maxs, want->maxs, want->n * sizeof *want->maxs), 0, "%s: maxs differ", how);
    static const double qs[] = {0, 0.01, 0.1, 0.5, 0.9, 0.99, 1};
    for (size_t a = 0; a < K_ACC; a++) {
        double g[4 + sizeof qs / sizeof *qs], w[4 + sizeof qs / sizeof *qs];
        g[0] = rep_accs_mean(got, a), w[0] = rep_accs_mean(want, a);
        g[1] = rep_accs_sd(got, a), w[1] = rep_accs_sd(want, a);
        g[2] = rep_accs_sum(got, a), w[2] = rep_accs_sum(want, a);
        g[3] = rep_accs_min(got, a), w[3] = rep_accs_min(want, a);
        for (size_t q = 0; q < sizeof qs / sizeof *qs; q++) {
            g[4 + q] = rep_accs_quantile(got, a, qs[q]);
            w[4 + q] = rep_accs_quantile(want, a, qs[q]);
        }
        /* memcmp: bit for bit, and NaN (quantiles without a histogram) equal to itself. */
        cr_assert_eq(memcmp(g, w, sizeof g), 0, "%s: accumulator %zu: results differ", how, a);
    }
}

Test(acc, merge_is_exact)
{
    merge_data d = {{draw(DIST_LOGNORMAL, N_MERGE, 11), draw(DIST_UNIFORM, N_MERGE, 12),
                     draw(DIST_LOGNORMAL, N_MERGE, 13)}};
    size_t *order = malloc(N_MERGE * sizeof *order);
    cr_assert_not_null(order);
    for (size_t j = 0; j < N_MERGE; j++)
        order[j] = j;

    rep_accs one;
    cr_assert_eq(rep_accs_init(&one, K_ACC, merge_shapes), 0);
    add_values(&one, &d, order, 0, N_MERGE);
    cr_assert_eq(rep_accs_count(&one, 0), N_MERGE);

    gsl_rng *r = rng_new(14);
    static const size_t splits[] = {1, 2, 3, 7};
    for (size_t s = 0; s < sizeof splits / sizeof *splits; s++) {
        size_t k = splits[s];
        /* A new order of the values and uneven cut points for each split. */
        gsl_ran_shuffle(r, order, N_MERGE, sizeof *order);
        size_t cut[8];
        cut[0] = 0;
        cut[k] = N_MERGE;
        for (size_t c = 1; c < k; c++)
            cut[c] = cut[c - 1] + 1 + gsl_rng_uniform_int(r, (unsigned long)(N_MERGE - cut[c - 1] - (k - c)) / 2);
        rep_accs part[7];
        for (size_t p = 0; p < k; p++) {
            cr_assert_eq(rep_accs_init(&part[p], K_ACC, merge_shapes), 0);
            add_values(&part[p], &d, order, cut[p], cut[p + 1]);
        }

        /* Grouping 1: left fold into a fresh set, parts in order. */
        rep_accs left;
        cr_assert_eq(rep_accs_init(&left, K_ACC, merge_shapes), 0);
        for (size_t p = 0; p < k; p++)
            cr_assert(rep_accs_merge(&left, &part[p]));
        expect_same(&left, &one, "left fold");

        /* Grouping 2: parts in reverse order, each folded into the one before (right fold). */
        rep_accs right;
        cr_assert_eq(rep_accs_init(&right, K_ACC, merge_shapes), 0);
        cr_assert(rep_accs_merge(&right, &part[k - 1]));
        for (size_t p = k - 1; p-- > 0;) {
            rep_accs t;
            cr_assert_eq(rep_accs_init(&t, K_ACC, merge_shapes), 0);
            cr_assert(rep_accs_merge(&t, &part[p]));
            cr_assert(rep_accs_merge(&t, &right));
            rep_accs_free(&right);
            right = t;
        }
        expect_same(&right, &one, "right fold");

        /* Grouping 3: a pairwise tree, as MPI_Reduce does, in place in the parts. */
        for (size_t step = 1; step < k; step *= 2)
            for (size_t p = 0; p + step < k; p += 2 * step)
                cr_assert(rep_accs_merge(&part[p], &part[p + step]));
        expect_same(&part[0], &one, "tree");

        rep_accs_free(&left);
        rep_accs_free(&right);
        for (size_t p = 0; p < k; p++)
            rep_accs_free(&part[p]);
    }
    gsl_rng_free(r);
    rep_accs_free(&one);
    free(order);
    for (size_t a = 0; a < K_ACC; a++)
        free(d.x[a]);
}

/*
 * A merge reads only the words that can be non-zero (rep_acc.c: an accumulator without a value is
 * all zero; a histogram's non-zero bins lie between the bins of its min and max). Here the result
 * must equal the definition, every word of `from` added to `into` and min / max taken, computed
 * word by word in the test: with empty accumulators on either side, a single value, values in the
 * first bin and in the last one (0 and REP_ACC_MAX_V - 1), spans that overlap and spans that do
 * not, into a fresh set and into filled ones. A span cut one bin short, or an empty side taken for
 * a filled one, leaves a word out.
 */
static void merge_by_definition(rep_accs *into, const rep_accs *from)
{
    for (size_t k = 0; k < into->n_sums; k++)
        into->sums[k] += from->sums[k];
    for (size_t i = 0; i < into->n; i++) {
        into->mins[i] = from->mins[i] < into->mins[i] ? from->mins[i] : into->mins[i];
        into->maxs[i] = from->maxs[i] > into->maxs[i] ? from->maxs[i] : into->maxs[i];
    }
}

static void copy_set(rep_accs *to, const rep_accs *from)
{
    cr_assert_eq(rep_accs_init(to, from->n, from->shapes), 0);
    memcpy(to->sums, from->sums, from->n_sums * sizeof *from->sums);
    memcpy(to->mins, from->mins, from->n * sizeof *from->mins);
    memcpy(to->maxs, from->maxs, from->n * sizeof *from->maxs);
}

static void expect_words(const rep_accs *got, const rep_accs *want, const char *how)
{
    cr_assert_eq(memcmp(got->sums, want->sums, want->n_sums * sizeof *want->sums), 0, "%s: sums differ", how);
    cr_assert_eq(memcmp(got->mins, want->mins, want->n * sizeof *want->mins), 0, "%s: mins differ", how);
    cr_assert_eq(memcmp(got->maxs, want->maxs, want->n * sizeof *want->maxs), 0, "%s: maxs differ", how);
}

Test(acc, merge_equals_the_word_by_word_sum)
{
    static const rep_acc_shape shapes[5] = {{1.0, true}, {1e6, true}, {1.0, false}, {1.0, true}, {1.0, true}};
    const double top = (double)(REP_ACC_MAX_V - 1);
    rep_accs a, b;
    cr_assert_eq(rep_accs_init(&a, 5, shapes), 0);
    cr_assert_eq(rep_accs_init(&b, 5, shapes), 0);
    const double a0[] = {0, 1, 127, 128, 129, 5e3, top}; /* every kind of bin, first and last */
    for (size_t j = 0; j < sizeof a0 / sizeof *a0; j++)
        cr_assert(rep_accs_add(&a, 0, a0[j]));
    for (int j = 0; j < 50; j++) /* 1: only in b; 2: moments only, both; 3: one value each, apart */
        cr_assert(rep_accs_add(&b, 1, 0.02 * j));
    cr_assert(rep_accs_add(&a, 2, 7) && rep_accs_add(&b, 2, 9e9));
    cr_assert(rep_accs_add(&a, 3, 3) && rep_accs_add(&b, 3, 4e12));
    for (int j = 0; j < 30; j++) /* 4: overlapping spans */
        cr_assert(rep_accs_add(&a, 4, 1000 + 37 * j) && rep_accs_add(&b, 4, 1500 + 53 * j));

    const rep_accs *pairs[2][2] = {{&a, &b}, {&b, &a}};
    for (size_t p = 0; p < 2; p++) {
        rep_accs got, want;
        copy_set(&got, pairs[p][0]);
        copy_set(&want, pairs[p][0]);
        expect_words(&got, pairs[p][0], "copy");
        cr_assert(rep_accs_merge(&got, pairs[p][1]));
        merge_by_definition(&want, pairs[p][1]);
        expect_words(&got, &want, p ? "b + a" : "a + b");
        cr_assert(rep_accs_merge(&got, pairs[p][1])); /* into a filled set, the same values again */
        merge_by_definition(&want, pairs[p][1]);
        expect_words(&got, &want, "twice");
        rep_accs_free(&got);
        rep_accs_free(&want);
    }
    rep_accs fresh, want;
    cr_assert_eq(rep_accs_init(&fresh, 5, shapes), 0);
    copy_set(&want, &fresh);
    cr_assert(rep_accs_merge(&fresh, &a)); /* into an empty set: a itself */
    merge_by_definition(&want, &a);
    expect_words(&fresh, &want, "into empty");
    expect_words(&fresh, &a, "into empty is a copy");
    /* Quantiles read from the span on: the first bin and the last one are reached. */
    cr_assert_eq(rep_accs_quantile(&fresh, 0, 0.0), 0);
    cr_assert_leq(fabs(rep_accs_quantile(&fresh, 0, 1.0) - top), top * REP_ACC_REL_ERROR);
    rep_acc_bin bins[8];
    cr_assert_eq(rep_accs_bins(&fresh, 0, bins, 8), sizeof a0 / sizeof *a0, "one bin for each value of a0");
    cr_assert_eq(bins[0].lo, 0);
    cr_assert_eq(bins[6].hi, (double)REP_ACC_MAX_V);
    rep_accs_free(&fresh);
    rep_accs_free(&want);
    rep_accs_free(&a);
    rep_accs_free(&b);
}

Test(acc, merge_of_other_shapes_is_refused)
{
    rep_acc_shape two[2] = {{1.0, true}, {1e6, false}};
    rep_acc_shape other_scale[2] = {{1.0, true}, {1e3, false}};
    rep_acc_shape other_hist[2] = {{1.0, false}, {1e6, true}}; /* flags swapped: as many words */
    rep_accs a, b, c, d, e;
    cr_assert_eq(rep_accs_init(&a, 2, two), 0);
    cr_assert_eq(rep_accs_init(&b, 1, two), 0);
    cr_assert_eq(rep_accs_init(&c, 2, other_scale), 0);
    cr_assert_eq(rep_accs_init(&d, 2, other_hist), 0);
    cr_assert_eq(rep_accs_init(&e, 2, two), 0);
    cr_assert(rep_accs_add(&a, 0, 5) && rep_accs_add(&a, 1, 0.25));
    rep_accs *others[] = {&b, &c, &d, &e};
    for (size_t s = 0; s < 4; s++)
        cr_assert(rep_accs_add(others[s], 0, 1000));
    uint64_t *saved = malloc(a.n_sums * sizeof *saved);
    cr_assert_not_null(saved);
    memcpy(saved, a.sums, a.n_sums * sizeof *saved);
    int64_t min0 = a.mins[0], max0 = a.maxs[0];

    cr_assert_not(rep_accs_merge(&a, &b), "fewer accumulators merged");
    cr_assert_not(rep_accs_merge(&a, &c), "another scale merged");
    cr_assert_eq(d.n_sums, a.n_sums);
    cr_assert_not(rep_accs_merge(&a, &d), "moments only merged into a histogram");
    cr_assert_not(rep_accs_merge(&d, &a), "a histogram merged into moments only");
    cr_assert_eq(memcmp(saved, a.sums, a.n_sums * sizeof *saved), 0, "a refused merge changed sums");
    cr_assert_eq(a.mins[0], min0);
    cr_assert_eq(a.maxs[0], max0);
    cr_assert_eq(rep_accs_count(&d, 0), 1);
    /* The same shapes merge: the refusals above were about the shapes. */
    cr_assert(rep_accs_merge(&a, &e));
    cr_assert_eq(rep_accs_count(&a, 0), 2);

    free(saved);
    rep_accs_free(&a);
    rep_accs_free(&b);
    rep_accs_free(&c);
    rep_accs_free(&d);
    rep_accs_free(&e);
}

/* ---- moments -------------------------------------------------------------------------------- */

static void expect_rel(double got, double want, double tol, const char *what)
{
    cr_assert_leq(fabs(got - want), tol * fabs(want), "%s: %.17g, expected %.17g", what, got, want);
}

static void check_moments(int dist, size_t n, double scale, unsigned long seed)
{
    double *x = draw(dist, n, seed);
    rep_acc_shape shape = {scale, false};
    rep_accs a;
    cr_assert_eq(rep_accs_init(&a, 1, &shape), 0);
    for (size_t j = 0; j < n; j++) {
        cr_assert(rep_accs_add(&a, 0, x[j]));
        x[j] = quantised(x[j], scale);
    }
    cr_assert_eq(rep_accs_count(&a, 0), n);
    expect_rel(rep_accs_mean(&a, 0), gsl_stats_mean(x, 1, n), 1e-12, "mean");
    expect_rel(rep_accs_sd(&a, 0), gsl_stats_sd(x, 1, n), 1e-12, "sd");
    expect_rel(rep_accs_sum(&a, 0), gsl_stats_mean(x, 1, n) * (double)n, 1e-12, "sum");
    rep_accs_free(&a);
    free(x);
}

Test(acc, moments_match_gsl)
{
    check_moments(DIST_LOGNORMAL, 100000, 1.0, 21);
    check_moments(DIST_LOGNORMAL, 10000, 1e6, 22); /* stored values up to ~1e11: limb 2 in use */
    check_moments(DIST_UNIFORM, 50000, 1e6, 23);
    check_moments(DIST_SMALL_INT, 20000, 1.0, 24);
}

/* 10^5 values in the last 2^20 below REP_ACC_MAX_V: sum v is ~2^64.6 and sum v^2 ~2^113, beyond
 * 64 bits; a wrapped word would be off by far more than the tolerance. The values are integers
 * (scale 1), exact in double, so GSL's two-pass sd is the reference. */
Test(acc, no_overflow_near_max)
{
    enum { N = 100000 };
    double *x = malloc(N * sizeof *x);
    cr_assert_not_null(x);
    gsl_rng *r = rng_new(31);
    rep_acc_shape shape = {1.0, true};
    rep_accs a;
    cr_assert_eq(rep_accs_init(&a, 1, &shape), 0);
    for (size_t j = 0; j < N; j++) {
        x[j] = (double)(REP_ACC_MAX_V - 1 - (int64_t)gsl_rng_uniform_int(r, 1ul << 20));
        cr_assert(rep_accs_add(&a, 0, x[j]));
    }
    cr_assert_eq(rep_accs_count(&a, 0), N);
    expect_rel(rep_accs_mean(&a, 0), gsl_stats_mean(x, 1, N), 1e-12, "mean");
    expect_rel(rep_accs_sd(&a, 0), gsl_stats_sd(x, 1, N), 1e-12, "sd");
    /* All equal to the largest storable value: mean exact, sd exactly 0. */
    rep_accs_clear(&a);
    for (size_t j = 0; j < N; j++)
        cr_assert(rep_accs_add(&a, 0, (double)(REP_ACC_MAX_V - 1)));
    cr_assert_eq(rep_accs_mean(&a, 0), (double)(REP_ACC_MAX_V - 1));
    cr_assert_eq(rep_accs_sd(&a, 0), 0.0);
    cr_assert_eq(rep_accs_quantile(&a, 0, 0.5), (double)(REP_ACC_MAX_V - 1));
    cr_assert_eq(rep_accs_sum(&a, 0), (double)N * (double)(REP_ACC_MAX_V - 1));
    gsl_rng_free(r);
    rep_accs_free(&a);
    free(x);
}

/* ---- refused values, empty accumulators ---------------------------------------------------- */

Test(acc, refused_values_add_nothing)
{
    rep_acc_shape shapes[2] = {{1.0, true}, {1e6, true}};
    rep_accs a, fresh;
    cr_assert_eq(rep_accs_init(&a, 2, shapes), 0);
    cr_assert_eq(rep_accs_init(&fresh, 2, shapes), 0);
    cr_assert(rep_accs_add(&a, 0, 42) && rep_accs_add(&a, 1, 0.5));
    cr_assert(rep_accs_merge(&fresh, &a)); /* fresh is now a copy of a's words */
    for (size_t i = 0; i < 2; i++) {
        double s = shapes[i].scale;
        double bad[] = {NAN, -1, -1e-300, INFINITY, -INFINITY, (double)REP_ACC_MAX_V / s, 1e300};
        for (size_t b = 0; b < sizeof bad / sizeof *bad; b++)
            cr_assert_not(rep_accs_add(&a, i, bad[b]), "accumulator %zu accepted %g", i, bad[b]);
    }
    cr_assert_not(rep_accs_add(&a, 2, 1), "an accumulator past n accepted a value");
    cr_assert_eq(memcmp(a.sums, fresh.sums, a.n_sums * sizeof *a.sums), 0);
    cr_assert_eq(memcmp(a.mins, fresh.mins, 2 * sizeof *a.mins), 0);
    cr_assert_eq(memcmp(a.maxs, fresh.maxs, 2 * sizeof *a.maxs), 0);
    /* The largest value that rounds below the limit is taken, at both scales. */
    cr_assert(rep_accs_add(&a, 0, (double)(REP_ACC_MAX_V - 1)));
    cr_assert(rep_accs_add(&a, 1, (double)(REP_ACC_MAX_V - 1) / 1e6));
    cr_assert_eq(rep_accs_max(&a, 0), (double)(REP_ACC_MAX_V - 1));
    /* Invalid scales are refused at init. */
    rep_accs z;
    rep_acc_shape zero = {0.0, false}, nan_scale = {NAN, false};
    cr_assert_eq(rep_accs_init(&z, 1, &zero), -1);
    cr_assert_eq(rep_accs_init(&z, 1, &nan_scale), -1);
    rep_accs_free(&a);
    rep_accs_free(&fresh);
}

Test(acc, empty_gives_nan)
{
    rep_acc_shape shapes[2] = {{1.0, true}, {1.0, false}};
    rep_accs a;
    cr_assert_eq(rep_accs_init(&a, 2, shapes), 0);
    for (size_t i = 0; i < 2; i++) {
        cr_assert_eq(rep_accs_count(&a, i), 0);
        cr_assert(isnan(rep_accs_mean(&a, i)));
        cr_assert(isnan(rep_accs_sd(&a, i)));
        cr_assert(isnan(rep_accs_min(&a, i)));
        cr_assert(isnan(rep_accs_max(&a, i)));
        cr_assert(isnan(rep_accs_quantile(&a, i, 0.5)));
        cr_assert_eq(rep_accs_sum(&a, i), 0.0);
        cr_assert_eq(rep_accs_bins(&a, i, NULL, 0), 0);
        cr_assert_eq(a.mins[i], INT64_MAX);
        cr_assert_eq(a.maxs[i], INT64_MIN);
    }
    /* One value: a mean, min, max and quantile but no sample sd; none without a histogram. */
    cr_assert(rep_accs_add(&a, 0, 3) && rep_accs_add(&a, 1, 3));
    cr_assert_eq(rep_accs_mean(&a, 0), 3.0);
    cr_assert(isnan(rep_accs_sd(&a, 0)));
    cr_assert_eq(rep_accs_quantile(&a, 0, 0.5), 3.0);
    cr_assert(isnan(rep_accs_quantile(&a, 1, 0.5)));
    /* Clear: back to the words of a fresh set. */
    rep_accs fresh;
    cr_assert_eq(rep_accs_init(&fresh, 2, shapes), 0);
    rep_accs_clear(&a);
    cr_assert_eq(memcmp(a.sums, fresh.sums, a.n_sums * sizeof *a.sums), 0);
    cr_assert_eq(a.mins[0], INT64_MAX);
    cr_assert_eq(a.maxs[1], INT64_MIN);
    rep_accs_free(&fresh);
    rep_accs_free(&a);
    /* No accumulators at all, and freeing twice. */
    cr_assert_eq(rep_accs_init(&a, 0, NULL), 0);
    cr_assert_eq(a.n_sums, 0);
    cr_assert(rep_accs_merge(&a, &a));
    rep_accs_free(&a);
    rep_accs_free(&a);
}

/* ---- bins listing --------------------------------------------------------------------------- */

static void check_bins(int dist, size_t n, double scale, unsigned long seed)
{
    double *x = draw(dist, n, seed);
    rep_acc_shape shape = {scale, true};
    rep_accs a;
    cr_assert_eq(rep_accs_init(&a, 1, &shape), 0);
    for (size_t j = 0; j < n; j++) {
        cr_assert(rep_accs_add(&a, 0, x[j]));
        x[j] = quantised(x[j], scale);
    }
    gsl_sort(x, 1, n);
    size_t nb = rep_accs_bins(&a, 0, NULL, 0);
    cr_assert_gt(nb, 0);
    /* One more slot than needed, with a sentinel that must survive. */
    rep_acc_bin *b = malloc((nb + 1) * sizeof *b);
    cr_assert_not_null(b);
    b[nb].count = 12345;
    cr_assert_eq(rep_accs_bins(&a, 0, b, nb + 1), nb);
    cr_assert_eq(b[nb].count, 12345);
    uint64_t total = 0;
    size_t j = 0; /* next sorted value */
    for (size_t k = 0; k < nb; k++) {
        cr_assert_lt(b[k].lo, b[k].hi, "bin %zu", k);
        if (k > 0)
            cr_assert_leq(b[k - 1].hi, b[k].lo, "bins %zu and %zu out of order", k - 1, k);
        cr_assert_gt(b[k].count, 0, "an empty bin listed");
        /* HDR width: one stored value below 2^SUB_BITS, at most lo 2^-SUB_BITS above. */
        if (b[k].lo * scale >= (double)(1 << REP_ACC_SUB_BITS))
            cr_assert_leq(b[k].hi - b[k].lo, 2 * REP_ACC_REL_ERROR * b[k].lo * (1 + 1e-12), "bin %zu too wide", k);
        else
            cr_assert_eq(round((b[k].hi - b[k].lo) * scale), 1.0, "bin %zu", k);
        /* The sorted values in [lo, hi) are exactly the bin's count, and none is skipped. */
        cr_assert_lt(j, n, "bin %zu after the last value", k);
        cr_assert_geq(x[j], b[k].lo, "value %.17g before bin %zu [%.17g, %.17g)", x[j], k, b[k].lo, b[k].hi);
        uint64_t in = 0;
        while (j < n && x[j] < b[k].hi) {
            in++;
            j++;
        }
        cr_assert_eq(in, b[k].count, "bin %zu [%.17g, %.17g): %llu values, listed %llu", k, b[k].lo, b[k].hi,
                     (unsigned long long)in, (unsigned long long)b[k].count);
        total += b[k].count;
    }
    cr_assert_eq(j, n, "values after the last bin");
    cr_assert_eq(total, rep_accs_count(&a, 0));
    /* A smaller buffer: the count of all bins, only cap filled. */
    rep_acc_bin two[3];
    two[2].count = 777;
    cr_assert_eq(rep_accs_bins(&a, 0, two, 2), nb);
    cr_assert_eq(two[2].count, 777);
    cr_assert_eq(memcmp(two, b, 2 * sizeof *two), 0);
    free(b);
    rep_accs_free(&a);
    free(x);
}

Test(acc, bins_listing)
{
    check_bins(DIST_LOGNORMAL, 50000, 1.0, 41);
    check_bins(DIST_LOGNORMAL, 20000, 1e6, 42);
    check_bins(DIST_UNIFORM, 20000, 1e6, 43);
    check_bins(DIST_SMALL_INT, 10000, 1.0, 44);
}
