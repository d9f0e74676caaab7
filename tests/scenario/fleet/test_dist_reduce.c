/*
 * test_dist_reduce.c - run_dist_reduce (sim/scenario/run_dist.h) gives rank 0 exactly the words that one
 * process gets by folding every value itself: the promise that `mpirun -np P bgsim fleet` prints
 * the same bytes as a single process.
 *
 *   test_dist_reduce SIZE     (under mpirun -np SIZE, or alone with SIZE 1)
 *
 * Each rank folds the values i with i % size == rank of one deterministic sequence into its own
 * set and reduces it onto rank 0; rank 0 also folds every value into a second set in one process
 * and compares the two sets word by word (memcmp of sums, mins and maxs). The expected words are
 * not written down here: they come from rep_accs_add over the whole sequence, so a reduce that
 * drops a rank, a chunk, or merges mins and maxs the wrong way round shows as a difference.
 *
 * The accumulators cover what a split can get wrong: one with a histogram (thousands of words,
 * several chunks when RUN_DIST_CHUNK is lowered), one without, one that at size 2 only rank 1
 * fills (rank 0's min and max are still the empty markers INT64_MAX/INT64_MIN and must be
 * replaced) and one nobody fills (must stay empty). A uint64 counter array goes through run_dist_reduce_u64.
 *
 * SIZE is checked against the number of ranks MPI reports, so a launcher that was not recognised
 * (every process rank 0 of 1, each passing on its own) fails instead of passing vacuously.
 * Exit 0 when rank 0's words match, 1 otherwise, agreed by every rank (run_dist_agree).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rep_acc.h"
#include "run_dist.h"

#define N_VALUES 20000u

/* The order matters: the last words of every array belong to a filled accumulator, so a reduce
 * that stops one word short shows. */
enum { A_NONE, A_MS, A_FRACTION, A_ODD };
static const rep_acc_shape shapes[] = {
    [A_NONE] = {.scale = 1e3, .histogram = true},      /* never filled */
    [A_MS] = {.scale = 1.0, .histogram = true},        /* durations in ms: quantiles */
    [A_FRACTION] = {.scale = 1e6, .histogram = false}, /* fractions: moments, min, max */
    [A_ODD] = {.scale = 1.0, .histogram = false},      /* odd i only: at size 2, rank 1 alone fills it */
};
#define N_ACCS (sizeof shapes / sizeof shapes[0])

enum { C_VALUES, C_INDEX_SUM, C_REFUSED, N_COUNTERS };

/* splitmix64 of i: the same values on every rank and every run, whatever the split. */
static uint64_t mix(uint64_t i)
{
    uint64_t z = i * 0x9E3779B97F4A7C15u + 0x9E3779B97F4A7C15u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Folds value i into a and c (the part of the sequence one rank owns). */
static void fold(rep_accs *a, uint64_t *c, uint64_t i)
{
    uint64_t r = mix(i);
    /* Durations spread over 0 .. 10^7 ms, skewed towards small ones (a product of two uniforms),
     * so both the exact low bins and the log-spaced high bins are used. */
    double ms = (double)(r % 3163u) * (double)((r >> 16) % 3163u);
    bool ok = rep_accs_add(a, A_MS, ms);
    ok = rep_accs_add(a, A_FRACTION, (double)((r >> 32) % 1000001u) / 1e6) && ok;
    if (i % 2 == 1)
        ok = rep_accs_add(a, A_ODD, (double)(r >> 52)) && ok;
    c[C_VALUES]++;
    c[C_INDEX_SUM] += i;
    c[C_REFUSED] += ok ? 0 : 1;
}

static int compare(const char *what, const void *got, const void *want, size_t n, size_t word)
{
    if (n == 0 || memcmp(got, want, n * word) == 0)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (memcmp((const char *)got + k * word, (const char *)want + k * word, word) != 0) {
            fprintf(stderr, "test_dist_reduce: %s: word %zu of %zu differs from the single-process set\n", what, k, n);
            break;
        }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2 || atoi(argv[1]) < 1) {
        fprintf(stderr, "usage: test_dist_reduce SIZE\n");
        return 64;
    }
    int want_size = atoi(argv[1]);
    run_dist d;
    int rc = run_dist_init(&d, &argc, &argv);
    if (rc != 0) {
        fprintf(stderr, "test_dist_reduce: %s\n", d.message);
        return 70;
    }
    int fail = 0;
    if (d.size != want_size) {
        fprintf(stderr, "test_dist_reduce: rank %d: %d ranks, expected %d (launcher not recognised?)\n", d.rank, d.size,
                want_size);
        fail = 1;
    }

    rep_accs part = {0}, whole = {0};
    uint64_t c_part[N_COUNTERS] = {0}, c_whole[N_COUNTERS] = {0};
    if (rep_accs_init(&part, N_ACCS, shapes) != 0 || rep_accs_init(&whole, N_ACCS, shapes) != 0) {
        fprintf(stderr, "test_dist_reduce: out of memory\n");
        fail = 1;
    }
    /* Nothing is reduced unless every rank got this far: no rank waits for one that gave up. */
    fail = run_dist_agree(&d, fail ? RUN_ERR_INTERNAL : RUN_OK) != RUN_OK;
    if (fail == 0) {
        unsigned size = (unsigned)d.size;
        for (uint64_t i = 0; i < N_VALUES; i++)
            if (i % size == (unsigned)d.rank)
                fold(&part, c_part, i);
        rc = run_dist_reduce(&d, &part);
        if (rc == 0)
            rc = run_dist_reduce_u64(&d, c_part, N_COUNTERS);
        if (rc != 0)
            fprintf(stderr, "test_dist_reduce: %s\n", d.message);
        fail = rc != 0;
    }
    if (fail == 0 && d.rank == 0) {
        for (uint64_t i = 0; i < N_VALUES; i++)
            fold(&whole, c_whole, i);
        fail |= compare("sums", part.sums, whole.sums, whole.n_sums, sizeof whole.sums[0]);
        fail |= compare("mins", part.mins, whole.mins, whole.n, sizeof whole.mins[0]);
        fail |= compare("maxs", part.maxs, whole.maxs, whole.n, sizeof whole.maxs[0]);
        fail |= compare("counters", c_part, c_whole, N_COUNTERS, sizeof c_whole[0]);
        /* The reference itself must be what the sequence says, or both sides could be empty. */
        if (rep_accs_count(&whole, A_MS) != N_VALUES || rep_accs_count(&whole, A_ODD) != N_VALUES / 2 ||
            rep_accs_count(&whole, A_NONE) != 0 || c_whole[C_REFUSED] != 0) {
            fprintf(stderr, "test_dist_reduce: the single-process set does not hold the sequence\n");
            fail = 1;
        }
        if (fail == 0)
            printf("test_dist_reduce: %d rank(s): %zu sum words, %zu min/max words identical to one process\n", d.size,
                   whole.n_sums, whole.n);
    }
    /* Arrays of different lengths on different ranks are refused by every rank (RUN_ERR_INTERNAL),
     * not left to MPI_Reduce, where they would hang or fail on some ranks only. */
    if (d.size > 1) {
        uint64_t spare[2] = {0};
        if (d.rank == 0)
            fprintf(stderr, "test_dist_reduce: lengths 1 and 2 on purpose, a refusal is expected:\n");
        if (run_dist_reduce_u64(&d, spare, d.rank == 0 ? 1 : 2) != RUN_ERR_INTERNAL) {
            fprintf(stderr, "test_dist_reduce: rank %d: counter arrays of different lengths were not refused\n", d.rank);
            fail = 1;
        } else {
            fprintf(stderr, "test_dist_reduce: %s\n", d.message);
        }
    }
    fail = run_dist_agree(&d, fail ? RUN_ERR_INTERNAL : RUN_OK) != RUN_OK;
    rep_accs_free(&part);
    rep_accs_free(&whole);
    run_dist_finalize(&d);
    return fail;
}
