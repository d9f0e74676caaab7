/* Named random streams: stability, independence, and GSL distributions on top. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

#include "sim_rng.h"

static void draws(gsl_rng *r, unsigned long *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = gsl_rng_get(r);
}

Test(rng, fnv1a_matches_published_test_vectors)
{
    /* From the FNV reference test suite (isthe.com/chongo/tech/comp/fnv). */
    cr_assert_eq(sim_hash_str(""), 0xcbf29ce484222325ULL);
    cr_assert_eq(sim_hash_str("a"), 0xaf63dc4c8601ec8cULL);
    cr_assert_eq(sim_hash_str("foobar"), 0x85944171f73967e8ULL);
}

Test(rng, splitmix_matches_reference_output)
{
    /* SplitMix64 seeded with 0 (Vigna's splitmix64.c): next() = mix(0), then mix(golden). */
    cr_assert_eq(sim_hash_mix(0), 0xe220a8397b1dcdafULL);
}

Test(rng, same_triple_gives_same_draws)
{
    gsl_rng *a = sim_rng_stream_new(42, 3, "battery");
    gsl_rng *b = sim_rng_stream_new(42, 3, "battery");
    cr_assert(a && b);
    unsigned long da[1000], db[1000];
    draws(a, da, 1000);
    draws(b, db, 1000);
    cr_assert_arr_eq(da, db, sizeof da);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* Pinned first draws of one stream: a change here means every scenario's results change, on
 * every machine. Re-pin only deliberately, and say why in the commit. */
Test(rng, pinned_draws_are_stable_across_builds)
{
    gsl_rng *r = sim_rng_stream_new(42, 0, "battery");
    cr_assert(r);
    unsigned long d[3];
    draws(r, d, 3);
    cr_assert_eq(d[0], 386285058UL, "got %lu", d[0]);
    cr_assert_eq(d[1], 3910895575UL, "got %lu", d[1]);
    cr_assert_eq(d[2], 3018022135UL, "got %lu", d[2]);
    gsl_rng_free(r);
}

Test(rng, each_key_component_changes_the_stream)
{
    unsigned long base[8], other[8];
    gsl_rng *r = sim_rng_stream_new(42, 0, "battery");
    draws(r, base, 8);
    gsl_rng_free(r);
    const struct { uint64_t seed, device; const char *name; } variants[] = {
        {43, 0, "battery"},
        {42, 1, "battery"},
        {42, 0, "batterz"},
        {42 + ((uint64_t)1 << 32), 0, "battery"}, /* differs only above 32 bits: no truncation */
        {42, (uint64_t)1 << 40, "battery"},
    };
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        r = sim_rng_stream_new(variants[v].seed, variants[v].device, variants[v].name);
        draws(r, other, 8);
        gsl_rng_free(r);
        size_t same = 0;
        for (size_t i = 0; i < 8; i++)
            same += base[i] == other[i];
        cr_assert_lt(same, 2, "variant %zu shares %zu of 8 draws with the base stream", v, same);
    }
}

Test(rng, adding_a_stream_does_not_change_existing_streams)
{
    unsigned long a1[500], b1[500], a2[500], b2[500], c[500];
    sim_rng_set *before = sim_rng_set_new(7, 2);
    draws(sim_rng_get(before, "network"), a1, 500);
    draws(sim_rng_get(before, "usage"), b1, 500);
    /* A later version of the simulator adds a stream, creates it first, and draws from it between
     * the others' draws. */
    sim_rng_set *after = sim_rng_set_new(7, 2);
    gsl_rng *added = sim_rng_get(after, "kills");
    gsl_rng *usage = sim_rng_get(after, "usage");
    gsl_rng *network = sim_rng_get(after, "network");
    for (size_t i = 0; i < 500; i++) {
        c[i] = gsl_rng_get(added);
        b2[i] = gsl_rng_get(usage);
        c[i] ^= gsl_rng_get(added);
        a2[i] = gsl_rng_get(network);
    }
    cr_assert_arr_eq(a1, a2, sizeof a1);
    cr_assert_arr_eq(b1, b2, sizeof b1);
    cr_assert_eq(sim_rng_set_count(after), 3);
    sim_rng_set_free(before);
    sim_rng_set_free(after);
}

Test(rng, set_returns_one_stream_per_name)
{
    /* 3,000 names: beyond the initial capacity and through several sizes of the name index, with
     * every earlier name looked up again after each growth. */
    enum { N = 3000 };
    sim_rng_set *set = sim_rng_set_new(1, 0);
    char name[32];
    static gsl_rng *first[N];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "stream.%d", i);
        first[i] = sim_rng_get(set, name);
        cr_assert(first[i]);
        if ((i & (i + 1)) == 0) /* i = 2^k - 1: just before or after the index grows */
            for (int j = 0; j <= i; j++) {
                snprintf(name, sizeof name, "stream.%d", j);
                cr_assert_eq(sim_rng_get(set, name), first[j], "stream.%d after %d names", j, i + 1);
            }
    }
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "stream.%d", i);
        cr_assert_eq(sim_rng_get(set, name), first[i]);
    }
    cr_assert_eq(sim_rng_set_count(set), N);
    sim_rng_set_free(set);
    sim_rng_set_free(NULL);
}

Test(rng, set_stream_equals_standalone_stream)
{
    sim_rng_set *set = sim_rng_set_new(99, 5);
    gsl_rng *alone = sim_rng_stream_new(99, 5, "task.sync.duration");
    unsigned long x[100], y[100];
    draws(sim_rng_get(set, "task.sync.duration"), x, 100);
    draws(alone, y, 100);
    cr_assert_arr_eq(x, y, sizeof x);
    gsl_rng_free(alone);
    sim_rng_set_free(set);
}

/* The full-state seeding must still give a well-behaved generator under GSL's distributions. */
Test(rng, gsl_distributions_have_their_moments)
{
    enum { N = 200000 };
    static double x[N];
    gsl_rng *r = sim_rng_stream_new(2026, 0, "moments");
    for (size_t i = 0; i < N; i++)
        x[i] = gsl_ran_exponential(r, 20.0);
    double mean = gsl_stats_mean(x, 1, N), sd = gsl_stats_sd(x, 1, N);
    /* Exp(20): mean 20, sd 20; the standard error of the mean is 20/sqrt(N) = 0.045. */
    cr_assert(fabs(mean - 20.0) < 0.25, "mean %f", mean);
    cr_assert(fabs(sd - 20.0) < 0.4, "sd %f", sd);
    for (size_t i = 0; i < N; i++)
        x[i] = gsl_rng_uniform(r);
    mean = gsl_stats_mean(x, 1, N);
    cr_assert(fabs(mean - 0.5) < 0.005, "uniform mean %f", mean);
    gsl_rng_free(r);
}

/* Streams are filled on their first draw (sim_rng.c, lazy_type): whatever the first call is (a
 * word, a double, an integer in a range, which reads the type's max and min before drawing), the
 * draws are those of GSL's MT19937 with the state filled from the key at creation. The reference
 * is built here from the definition: SplitMix64 words of the key, mt[0] = 2^31, mti = 624. */
static gsl_rng *eager_reference(uint64_t seed, uint64_t device, const char *name)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    cr_assert(r);
    unsigned long *mt = gsl_rng_state(r); /* { unsigned long mt[624]; int mti; } (gsl rng/mt.c) */
    uint64_t x = sim_rng_key(seed, device, name);
    for (int i = 0; i < 624; i++, x += 0x9e3779b97f4a7c15ULL)
        mt[i] = (unsigned long)(sim_hash_mix(x) >> 32);
    mt[0] = 0x80000000UL;
    *(int *)(mt + 624) = 624;
    return r;
}

Test(rng, first_draw_of_any_kind_equals_an_eagerly_filled_mt19937)
{
    /* kind 3 mixes the three; 2,000 draws cover the first round (generated a word at a time by
     * sim_rng.c), the hand-over to GSL's MT19937 after 624 and two of its own twists. */
    for (int kind = 0; kind < 4; kind++) {
        gsl_rng *lazy = sim_rng_stream_new(7, (uint64_t)kind, "usage.sessions");
        gsl_rng *ref = eager_reference(7, (uint64_t)kind, "usage.sessions");
        cr_assert(lazy);
        cr_assert_str_eq(gsl_rng_name(lazy), "mt19937");
        cr_assert_eq(gsl_rng_max(lazy), gsl_rng_max(ref));
        for (int i = 0; i < 2000; i++) {
            int k = kind < 3 ? kind : i % 3;
            if (k == 0)
                cr_assert_eq(gsl_rng_get(lazy), gsl_rng_get(ref), "word %d", i);
            else if (k == 1)
                cr_assert_eq(gsl_rng_uniform(lazy), gsl_rng_uniform(ref), "double %d", i);
            else
                cr_assert_eq(gsl_rng_uniform_int(lazy, 1000003), gsl_rng_uniform_int(ref, 1000003), "int %d", i);
        }
        cr_assert_eq(gsl_rng_size(lazy), gsl_rng_size(ref));
        gsl_rng_free(lazy);
        gsl_rng_free(ref);
    }
}
