/*
 * test_sort.c - rep_sort_u64 against qsort on keys that differ in few bits, in all bits, in the top
 * or the bottom bit only, with ties, and on the sizes where nothing is to sort.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rep_sort.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

#define KEY_SHAPES 6
/* Key i of shape `shape` from the LCG state *x: all 64 bits random; 20 bits in the middle (as
 * integer milliseconds in a double's key); 3 distinct values (ties); the top bit only; the lowest
 * bit only; one bit across a digit's edge (bits 10 and 11 of the varying range). */
static uint64_t key_of(int shape, uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    uint64_t r = *x ^ *x >> 29;
    switch (shape) {
    case 0: return r;
    case 1: return 0x4100000000000000ULL | (r >> 44) << 30;
    case 2: return 0x1234ULL + (r >> 33) % 3;
    case 3: return (r >> 63) << 63;
    case 4: return 0xffULL << 8 | (r >> 63);
    default: return 0x5ULL << 40 | ((r >> 62) & 3) << 10;
    }
}

Test(sort, u64_matches_qsort_on_every_shape_and_size)
{
    static const size_t sizes[] = {0, 1, 2, 3, 17, 255, 256, 2047, 2048, 2049, 10000};
    uint64_t x = 99;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t n = sizes[si];
        uint64_t *keys = malloc((n + 1) * sizeof *keys), *tmp = malloc((n + 1) * sizeof *tmp),
                 *want = malloc((n + 1) * sizeof *want);
        cr_assert(keys && tmp && want);
        for (int shape = 0; shape < KEY_SHAPES; shape++) {
            for (size_t i = 0; i < n; i++)
                keys[i] = want[i] = key_of(shape, &x);
            qsort(want, n, sizeof *want, cmp_u64);
            const uint64_t *got = rep_sort_u64(keys, tmp, n);
            cr_assert(got == keys || got == tmp);
            cr_assert_eq(memcmp(got, want, n * sizeof *want), 0, "n %zu shape %d: the sorted keys differ", n, shape);
        }
        free(keys);
        free(tmp);
        free(want);
    }
}
