/*
 * rep_acc.c - mergeable accumulators (see rep_acc.h for the contract).
 *
 * Words of accumulator i in `sums`, from offset[i]:
 *   [0]      count
 *   [1..3]   sum of limb 0, 1, 2 of v (v = l0 + l1 2^16 + l2 2^32, each limb < 2^16)
 *   [4..9]   sum of l0 l0, l0 l1, l0 l2, l1 l1, l1 l2, l2 l2 (each product < 2^32)
 *   [10..]   N_BINS bin counts, only when the shape has a histogram
 * A limb sum stays below 2^16 * 2^32 and a product sum below 2^32 * 2^32 for up to 2^32 values,
 * so every word is an exact integer and a merge is a plain + (wrapping only past 2^32 values).
 *
 * The exact sum v and n * sum v^2 - (sum v)^2 are rebuilt from those words in a small fixed-width
 * integer (16-bit limbs) and only then turned into a double, correctly rounded: the variance
 * never suffers the cancellation of the textbook one-pass formula, and equal words give equal bits.
 *
 * Where the bins are not zero: every value v added to accumulator i (in this set or in any set
 * merged into it) has mins[i] <= v <= maxs[i], and bin_of is non-decreasing, so every non-zero
 * bin lies in [bin_of(mins[i]), bin_of(maxs[i])] (bin_span), and an accumulator with mins[i] ==
 * INT64_MAX never had a value: all its words are zero. Merging, quantiles and the bin listing
 * read only that span: a histogram is 5,376 words, of which a fleet's devices fill a few dozen
 * (a fleet merged every word of every histogram, ~4 M instructions a thread, whatever its size).
 * For the same reason a new set is calloc'ed, not written: the allocator's fresh pages are zero
 * already, and pages of bins no value reaches are never touched (two sets of 6.6 MB were
 * memset for every fleet: 13.4 M instructions). That holds for blocks the allocator maps for
 * themselves: the bgsim command keeps glibc's mmap threshold below a set's size
 * (sim/cli/bgsim_main.c, keep_freed_memory).
 */
#include "rep_acc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    W_COUNT = 0,
    W_LIMB = 1,   /* 3 words */
    W_PROD = 4,   /* 6 words, in the order of prod_index */
    W_MOMENTS = 10,
    W_BINS = W_MOMENTS,
    /* Bins: 2^SUB_BITS exact ones below 2^SUB_BITS, then 2^SUB_BITS per power of two up to
     * 2^MAX_BITS: (MAX_BITS - SUB_BITS + 1) * 2^SUB_BITS in all (5376, 43008 bytes). */
    SUB = 1 << REP_ACC_SUB_BITS,
    N_BINS = (REP_ACC_MAX_BITS - REP_ACC_SUB_BITS + 1) * SUB,
};

/* The word of sum l_j l_k (j <= k) among the 6 product words. */
static const unsigned prod_index[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};

/* ---- bins: integer operations only ---------------------------------------------------------- */

/* Index of the highest set bit of v > 0 (binary search, portable and the same everywhere). */
static unsigned msb64(uint64_t v)
{
    unsigned e = 0;
    for (unsigned step = 32; step > 0; step /= 2) {
        if (v >> step) {
            v >>= step;
            e += step;
        }
    }
    return e;
}

/* The bin of a stored value 0 <= v < 2^MAX_BITS. Below 2^SUB_BITS, v itself. From 2^e
 * (e >= SUB_BITS) on, with shift k = e - SUB_BITS, v >> k is in [2^SUB_BITS, 2^(SUB_BITS+1)), so
 * k * 2^SUB_BITS + (v >> k) runs through the 2^SUB_BITS bins of [2^e, 2^(e+1)) after the previous
 * ranges' bins. */
static size_t bin_of(uint64_t v)
{
    if (v < SUB)
        return (size_t)v;
    unsigned k = msb64(v) - REP_ACC_SUB_BITS;
    return (size_t)k * SUB + (size_t)(v >> k);
}

/* The bins [*first, *last] outside which accumulator i's bins are all zero (see the top); false
 * (and nothing set) when it has no value. */
static bool bin_span(const rep_accs *a, size_t i, size_t *first, size_t *last)
{
    if (a->mins[i] == INT64_MAX)
        return false;
    *first = bin_of((uint64_t)a->mins[i]);
    *last = bin_of((uint64_t)a->maxs[i]);
    return true;
}

/* The stored values lo <= v < hi of bin b (the inverse of bin_of). */
static void bin_range(size_t b, uint64_t *lo, uint64_t *hi)
{
    if (b < SUB) {
        *lo = b;
        *hi = b + 1;
        return;
    }
    unsigned k = (unsigned)(b / SUB) - 1;
    uint64_t m = (uint64_t)(b % SUB) + SUB;
    *lo = m << k;
    *hi = (m + 1) << k;
}

/* ---- a small unsigned integer, 16-bit limbs (least significant first) ------------------------ */

/* 16 limbs = 256 bits: n * sum v^2 < 2^64 * 2^128 and (sum v)^2 < 2^192 both fit. */
#define BIG_LIMBS 16

typedef struct big {
    uint32_t l[BIG_LIMBS]; /* each < 2^16 after big_norm */
} big;

/* Carries every limb's excess into the next (the top carry is dropped: it cannot occur for the
 * magnitudes above). */
static void big_norm(big *a, uint64_t *wide)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < BIG_LIMBS; i++) {
        uint64_t t = wide[i] + carry;
        a->l[i] = (uint32_t)(t & 0xffffu);
        carry = t >> 16;
    }
}

/* a += x * 2^(16 at). */
static void big_add(big *a, uint64_t x, size_t at)
{
    uint64_t wide[BIG_LIMBS];
    for (size_t i = 0; i < BIG_LIMBS; i++)
        wide[i] = a->l[i];
    for (size_t j = 0; j < 4 && at + j < BIG_LIMBS; j++)
        wide[at + j] += (x >> (16 * j)) & 0xffffu;
    big_norm(a, wide);
}

static big big_mul(const big *a, const big *b)
{
    uint64_t wide[BIG_LIMBS] = {0};
    big r;
    for (size_t i = 0; i < BIG_LIMBS; i++) {
        if (!a->l[i])
            continue;
        /* Each partial product < 2^32 and at most 16 land in a limb: no uint64 overflow. */
        for (size_t j = 0; i + j < BIG_LIMBS; j++)
            wide[i + j] += (uint64_t)a->l[i] * b->l[j];
    }
    big_norm(&r, wide);
    return r;
}

/* a - b, given a >= b. */
static big big_sub(const big *a, const big *b)
{
    big r;
    int64_t borrow = 0;
    for (size_t i = 0; i < BIG_LIMBS; i++) {
        int64_t t = (int64_t)a->l[i] - (int64_t)b->l[i] - borrow;
        borrow = t < 0;
        r.l[i] = (uint32_t)(t + (borrow ? 0x10000 : 0));
    }
    return r;
}

/* The nearest double (ties to even): the top 64 bits, with a sticky bit for anything below them,
 * converted once (64 > 53 + 1 bits, so the sticky bit decides ties correctly), then scaled by an
 * exact power of two. */
static double big_to_double(const big *a)
{
    size_t top = BIG_LIMBS;
    while (top > 0 && !a->l[top - 1])
        top--;
    if (top == 0)
        return 0.0;
    unsigned bits = (unsigned)(top - 1) * 16 + msb64(a->l[top - 1]) + 1;
    unsigned pos = bits > 64 ? bits - 64 : 0; /* the lowest bit kept */
    uint64_t m = 0;
    int sticky = 0;
    for (size_t i = 0; i < top; i++) {
        unsigned base = (unsigned)i * 16;
        uint64_t limb = a->l[i];
        if (base >= pos)
            m |= limb << (base - pos);
        else if (base + 16 > pos) {
            m |= limb >> (pos - base);
            sticky |= (limb & ((UINT64_C(1) << (pos - base)) - 1)) != 0;
        } else
            sticky |= limb != 0;
    }
    if (sticky)
        m |= 1;
    return ldexp((double)m, (int)pos);
}

/* a / n, to within one rounding of the quotient's fraction: the integer part by long division
 * (exact in double below 2^53, as a mean of values below 2^48 is), plus remainder / n. So the mean
 * of equal values is that value exactly, which a rounded sum divided by n would not be. */
static double big_div(const big *a, uint64_t n)
{
    if (n >> 48) /* the remainder times 2^16 would not fit; never with fewer than 2^32 values */
        return big_to_double(a) / (double)n;
    big q;
    uint64_t rem = 0;
    for (size_t i = BIG_LIMBS; i-- > 0;) {
        uint64_t t = (rem << 16) | a->l[i];
        q.l[i] = (uint32_t)(t / n);
        rem = t % n;
    }
    return big_to_double(&q) + (double)rem / (double)n;
}

/* sum v of accumulator words w. */
static big words_sum(const uint64_t *w)
{
    big s = {{0}};
    for (size_t j = 0; j < 3; j++)
        big_add(&s, w[W_LIMB + j], j);
    return s;
}

/* sum v^2 = sum over j, k of l_j l_k 2^(16 (j + k)); the cross terms (j < k) twice. */
static big words_sum_sq(const uint64_t *w)
{
    big s = {{0}};
    for (size_t j = 0; j < 3; j++)
        for (size_t k = j; k < 3; k++) {
            uint64_t p = w[W_PROD + prod_index[j][k]];
            big_add(&s, p, j + k);
            if (j != k)
                big_add(&s, p, j + k);
        }
    return s;
}

/* ---- the set ------------------------------------------------------------------------------- */

int rep_accs_init(rep_accs *a, size_t n, const rep_acc_shape *shapes)
{
    memset(a, 0, sizeof *a);
    size_t n_sums = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(shapes[i].scale > 0) || !isfinite(shapes[i].scale))
            return -1;
        size_t words = W_MOMENTS + (shapes[i].histogram ? (size_t)N_BINS : 0);
        if (n_sums > SIZE_MAX / sizeof *a->sums - words)
            return -1;
        n_sums += words;
    }
    size_t cap = n ? n : 1; /* never malloc(0): NULL would read as out of memory */
    a->shapes = malloc(cap * sizeof *a->shapes);
    a->offset = malloc(cap * sizeof *a->offset);
    a->mins = malloc(cap * sizeof *a->mins);
    a->maxs = malloc(cap * sizeof *a->maxs);
    a->sums = calloc(n_sums ? n_sums : 1, sizeof *a->sums); /* zero: empty (see the top) */
    if (!a->shapes || !a->offset || !a->mins || !a->maxs || !a->sums) {
        rep_accs_free(a);
        return -1;
    }
    a->n = n;
    a->n_sums = n_sums;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        a->shapes[i] = shapes[i];
        a->offset[i] = at;
        at += W_MOMENTS + (shapes[i].histogram ? (size_t)N_BINS : 0);
        a->mins[i] = INT64_MAX;
        a->maxs[i] = INT64_MIN;
    }
    return 0;
}

void rep_accs_free(rep_accs *a)
{
    if (!a)
        return;
    free(a->shapes);
    free(a->offset);
    free(a->sums);
    free(a->mins);
    free(a->maxs);
    memset(a, 0, sizeof *a);
}

void rep_accs_clear(rep_accs *a)
{
    if (a->n_sums)
        memset(a->sums, 0, a->n_sums * sizeof *a->sums);
    for (size_t i = 0; i < a->n; i++) {
        a->mins[i] = INT64_MAX;
        a->maxs[i] = INT64_MIN;
    }
}

bool rep_accs_add(rep_accs *a, size_t i, double x)
{
    if (i >= a->n || isnan(x) || x < 0)
        return false;
    /* round(): half away from zero, as the header promises; inf and too large fail the test. */
    double r = round(x * a->shapes[i].scale);
    if (!(r < (double)REP_ACC_MAX_V))
        return false;
    uint64_t v = (uint64_t)r;
    uint64_t *w = a->sums + a->offset[i];
    uint64_t limb[3] = {v & 0xffffu, (v >> 16) & 0xffffu, v >> 32};
    w[W_COUNT]++;
    for (size_t j = 0; j < 3; j++) {
        w[W_LIMB + j] += limb[j];
        for (size_t k = j; k < 3; k++)
            w[W_PROD + prod_index[j][k]] += limb[j] * limb[k];
    }
    if (a->shapes[i].histogram)
        w[W_BINS + bin_of(v)]++;
    if ((int64_t)v < a->mins[i])
        a->mins[i] = (int64_t)v;
    if ((int64_t)v > a->maxs[i])
        a->maxs[i] = (int64_t)v;
    return true;
}

bool rep_accs_merge(rep_accs *into, const rep_accs *from)
{
    if (into->n != from->n || into->n_sums != from->n_sums)
        return false;
    for (size_t i = 0; i < into->n; i++) {
        /* The same scale (finite and > 0, so equal values are equal bits): a value stored at
         * another scale would mean another x. */
        if (into->shapes[i].scale != from->shapes[i].scale ||
            into->shapes[i].histogram != from->shapes[i].histogram)
            return false;
    }
    for (size_t i = 0; i < into->n; i++) {
        size_t first, last;
        if (!bin_span(from, i, &first, &last))
            continue; /* no value: every word of it is zero */
        uint64_t *w = into->sums + into->offset[i];
        const uint64_t *fw = from->sums + from->offset[i];
        for (size_t k = 0; k < W_MOMENTS; k++)
            w[k] += fw[k];
        if (into->shapes[i].histogram)
            for (size_t b = first; b <= last; b++) /* the bins outside are zero (see the top) */
                w[W_BINS + b] += fw[W_BINS + b];
        if (from->mins[i] < into->mins[i])
            into->mins[i] = from->mins[i];
        if (from->maxs[i] > into->maxs[i])
            into->maxs[i] = from->maxs[i];
    }
    return true;
}

uint64_t rep_accs_count(const rep_accs *a, size_t i)
{
    return i < a->n ? a->sums[a->offset[i] + W_COUNT] : 0;
}

double rep_accs_sum(const rep_accs *a, size_t i)
{
    if (i >= a->n)
        return NAN;
    big s = words_sum(a->sums + a->offset[i]);
    return big_to_double(&s) / a->shapes[i].scale;
}

double rep_accs_mean(const rep_accs *a, size_t i)
{
    uint64_t n = rep_accs_count(a, i);
    if (n == 0)
        return NAN;
    big s = words_sum(a->sums + a->offset[i]);
    return big_div(&s, n) / a->shapes[i].scale;
}

double rep_accs_sd(const rep_accs *a, size_t i)
{
    uint64_t n = rep_accs_count(a, i);
    if (n < 2)
        return NAN;
    const uint64_t *w = a->sums + a->offset[i];
    big s = words_sum(w), sq = words_sum_sq(w), nb = {{0}};
    big_add(&nb, n, 0);
    big n_sq = big_mul(&nb, &sq), s_s = big_mul(&s, &s);
    /* n sum v^2 - (sum v)^2 = n^2 times the population variance: >= 0 exactly (Cauchy-Schwarz). */
    big d = big_sub(&n_sq, &s_s);
    double var = big_to_double(&d) / (double)n / (double)(n - 1);
    return sqrt(var) / a->shapes[i].scale;
}

double rep_accs_min(const rep_accs *a, size_t i)
{
    if (rep_accs_count(a, i) == 0)
        return NAN;
    return (double)a->mins[i] / a->shapes[i].scale;
}

double rep_accs_max(const rep_accs *a, size_t i)
{
    if (rep_accs_count(a, i) == 0)
        return NAN;
    return (double)a->maxs[i] / a->shapes[i].scale;
}

/* The 1-based nearest rank ceil(q n), in [1, n]. q n is taken 2^-40 (relative) lower before the
 * ceiling: a decimal q is not exact in binary (0.07 is 0.07000000000000000666), and without this
 * q = 0.07 of 100 values would be rank 8 instead of 7; 2^-40 is far above that representation
 * error (2^-53) and far below any real fraction of a rank for n < 2^32. */
static uint64_t nearest_rank(double q, uint64_t n)
{
    double p = q * (double)n * (1.0 - 0x1p-40);
    double r = ceil(p);
    if (r < 1)
        return 1;
    if (r >= (double)n)
        return n;
    return (uint64_t)r;
}

double rep_accs_quantile(const rep_accs *a, size_t i, double q)
{
    uint64_t n = rep_accs_count(a, i);
    if (n == 0 || !a->shapes[i].histogram || !(q >= 0 && q <= 1))
        return NAN;
    uint64_t rank = nearest_rank(q, n);
    const uint64_t *bins = a->sums + a->offset[i] + W_BINS;
    uint64_t seen = 0;
    size_t b = 0, last = 0;
    (void)bin_span(a, i, &b, &last); /* true (n > 0); the bins before b are zero (see the top) */
    for (; b < N_BINS - 1; b++) {
        seen += bins[b];
        if (seen >= rank)
            break;
    }
    uint64_t lo, hi;
    bin_range(b, &lo, &hi);
    /* The middle of the bin's stored values lo .. hi - 1 (lo itself for a one-value bin), so the
     * distance to any of them is below half the width: below 2^-(SUB_BITS+1) relative, since a bin
     * starting at lo >= 2^SUB_BITS is at most lo / 2^SUB_BITS wide. lo + hi - 1 < 2^49: exact. */
    double mid = (double)(lo + hi - 1) * 0.5;
    if (mid < (double)a->mins[i])
        mid = (double)a->mins[i];
    if (mid > (double)a->maxs[i])
        mid = (double)a->maxs[i];
    return mid / a->shapes[i].scale;
}

size_t rep_accs_bins(const rep_accs *a, size_t i, rep_acc_bin *out, size_t cap)
{
    if (i >= a->n || !a->shapes[i].histogram)
        return 0;
    const uint64_t *bins = a->sums + a->offset[i] + W_BINS;
    double scale = a->shapes[i].scale;
    size_t found = 0, first, last;
    if (!bin_span(a, i, &first, &last))
        return 0;
    for (size_t b = first; b <= last; b++) { /* the bins outside are zero (see the top) */
        if (!bins[b])
            continue;
        if (found < cap) {
            uint64_t lo, hi;
            bin_range(b, &lo, &hi);
            out[found].lo = (double)lo / scale;
            out[found].hi = (double)hi / scale;
            out[found].count = bins[b];
        }
        found++;
    }
    return found;
}
