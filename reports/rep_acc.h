/*
 * rep_acc.h - mergeable accumulators: the distribution of a number across many devices, in memory
 * that does not grow with the number of devices, merged by exact integer arithmetic.
 *
 * A fleet (`bgsim fleet`) folds each device's metric values into a set of accumulators, one per
 * (profile, scope, metric). Threads fold their devices into their own sets and MPI ranks into
 * theirs; the sets are then merged. Because every word of a set is an integer merged by +, min or
 * max, a merge is associative and commutative bit for bit: the result is the same for any number
 * of threads or ranks and any grouping of devices, so the printed output is byte-identical.
 *
 * Values. An accumulator has a scale; a value x >= 0 is stored as the integer v = round(x * scale)
 * (round half away from zero), e.g. scale 1 for durations in ms, 1e6 for rates and fractions.
 * v must be below REP_ACC_MAX_V (2^48: 8,900 years in ms, 2.8e8 at scale 1e6); NaN, negative and
 * larger values are refused (rep_accs_add returns false and counts nothing).
 *
 * Moments. count, sum v and sum v^2 are kept exactly: v is split into three 16-bit limbs, and the
 * set keeps sum of each limb and sum of each product of two limbs (6 words), so nothing overflows
 * before 2^32 values. mean and sd are computed from those integers in one fixed order of floating
 * point operations, so they are the same bits everywhere.
 *
 * Quantiles (when the accumulator has a histogram). Bins are those of an HDR histogram: values
 * below 2^REP_ACC_SUB_BITS have a bin each (exact); above, each power-of-two range [2^e, 2^(e+1))
 * is cut into 2^REP_ACC_SUB_BITS equal bins, found with integer operations only (no log(), whose
 * last bit differs between C libraries). A quantile q is the nearest-rank quantile (the value of
 * rank ceil(q * count), 1-based, at least 1) of the stored values; q * count is lowered by 2^-40
 * relative before the ceiling so that a decimal q hits its intended rank (0.07 * 100 is
 * 7.000000000000001 in double: rank 7, not 8). It is reported as the middle of that value's bin
 * (the middle of the bin's integer values, so a one-value bin gives the value itself), clamped
 * to [min, max], so it is within REP_ACC_REL_ERROR (2^-(SUB_BITS+1), 0.39 %) of the exact
 * nearest-rank quantile of the quantised values, relative, or exact below 2^SUB_BITS. min and
 * max are exact.
 *
 * Layout. A set's words are three flat arrays, so a transport (MPI) can reduce them without
 * knowing the structure: `sums` (merged by +, as uint64), `mins` and `maxs` (one per accumulator,
 * merged by min / max, as int64; INT64_MAX / INT64_MIN while empty). Two sets can be merged only
 * when they were initialised with the same shapes.
 *
 * Ownership: rep_accs_init allocates the arrays; rep_accs_free releases them. Not thread-safe: one
 * set per thread, merged afterwards.
 */
#ifndef BGSIM_REP_ACC_H
#define BGSIM_REP_ACC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REP_ACC_SUB_BITS 7
#define REP_ACC_MAX_BITS 48
#define REP_ACC_MAX_V ((int64_t)1 << REP_ACC_MAX_BITS)
#define REP_ACC_REL_ERROR (1.0 / (double)(1 << (REP_ACC_SUB_BITS + 1)))

typedef struct rep_acc_shape {
    double scale;   /* > 0: a value x is stored as round(x * scale) */
    bool histogram; /* keep bins for quantiles (about 43 KB); moments, min and max otherwise */
} rep_acc_shape;

typedef struct rep_accs {
    size_t n;              /* accumulators */
    rep_acc_shape *shapes; /* n, copied at init */
    size_t *offset;        /* n: where accumulator i's words start in sums */
    uint64_t *sums;        /* n_sums words, merged by + */
    size_t n_sums;
    int64_t *mins;         /* n, merged by min */
    int64_t *maxs;         /* n, merged by max */
} rep_accs;

/* 0, or -1 when out of memory or a scale is not finite and > 0 (then nothing to free). n may be 0. */
int rep_accs_init(rep_accs *a, size_t n, const rep_acc_shape *shapes);
void rep_accs_free(rep_accs *a);
/* Back to empty, keeping the shapes. */
void rep_accs_clear(rep_accs *a);
/* Adds x to accumulator i. False (nothing added) when x is NaN, negative or too large. */
bool rep_accs_add(rep_accs *a, size_t i, double x);
/* Adds every value of `from` to `into` (same shapes; false and nothing changed otherwise). */
bool rep_accs_merge(rep_accs *into, const rep_accs *from);

uint64_t rep_accs_count(const rep_accs *a, size_t i);
/* The sum of the values, mean and sample standard deviation (n - 1), in x's unit (divided by the
 * scale). mean: NaN when empty; sd: NaN with fewer than 2 values. */
double rep_accs_sum(const rep_accs *a, size_t i);
double rep_accs_mean(const rep_accs *a, size_t i);
double rep_accs_sd(const rep_accs *a, size_t i);
/* Exact min and max, in x's unit; NaN when empty. */
double rep_accs_min(const rep_accs *a, size_t i);
double rep_accs_max(const rep_accs *a, size_t i);
/* The q-quantile (0 <= q <= 1) as described above, in x's unit; NaN when empty, without a
 * histogram or when q is outside [0, 1]. */
double rep_accs_quantile(const rep_accs *a, size_t i, double q);

/* The non-empty bins of accumulator i, in increasing order: for plots. lo and hi in x's unit
 * (the bin holds stored values lo*scale <= v < hi*scale). Returns how many bins there are; fills at
 * most cap of them. 0 without a histogram. */
typedef struct rep_acc_bin {
    double lo, hi;
    uint64_t count;
} rep_acc_bin;
size_t rep_accs_bins(const rep_accs *a, size_t i, rep_acc_bin *out, size_t cap);

#endif
