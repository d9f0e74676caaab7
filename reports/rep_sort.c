/*
 * rep_sort.c - a radix sort of 64-bit keys over the bits where they differ.
 */
#include "rep_sort.h"

#include <string.h>

/* The digit: 11 bits, 2048 counts (16 KiB) a digit; 3 passes cover the 29 bits a ten-year run's
 * intervals vary in, where bytes took 4 - 5. */
#define DIGIT_BITS 11
#define DIGIT_MASK ((1u << DIGIT_BITS) - 1)
#define MAX_DIGITS ((64 + DIGIT_BITS - 1) / DIGIT_BITS)

uint64_t *rep_sort_u64(uint64_t *keys, uint64_t *tmp, size_t n)
{
    uint64_t differ = 0;
    for (size_t i = 1; i < n; i++)
        differ |= keys[i] ^ keys[0];
    if (differ == 0)
        return keys; /* all equal, or fewer than two: sorted */
    unsigned lo = 0, hi = 63;
    while (!(differ >> lo & 1))
        lo++;
    while (!(differ >> hi & 1))
        hi--;
    const unsigned digits = (hi - lo) / DIGIT_BITS + 1;
    static _Thread_local size_t count[MAX_DIGITS][DIGIT_MASK + 1];
    memset(count, 0, digits * sizeof count[0]);
    /* every digit's counts in one pass over the keys */
    for (size_t i = 0; i < n; i++) {
        uint64_t k = keys[i] >> lo;
        for (unsigned d = 0; d < digits; d++)
            count[d][(k >> (DIGIT_BITS * d)) & DIGIT_MASK]++;
    }
    uint64_t *src = keys, *dst = tmp;
    for (unsigned d = 0; d < digits; d++) {
        size_t *c = count[d], at = 0;
        for (size_t x = 0; x <= DIGIT_MASK; x++) {
            size_t m = c[x];
            c[x] = at;
            at += m;
        }
        const unsigned shift = lo + DIGIT_BITS * d;
        for (size_t i = 0; i < n; i++)
            dst[c[(src[i] >> shift) & DIGIT_MASK]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    return src;
}
