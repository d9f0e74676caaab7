/*
 * rep_sort.h - a radix sort of 64-bit keys, for the reports' passes over a long run's records.
 *
 * rep_stats sorts a run's samples (for their quantiles and their means) once per run; over a
 * ten-year run comparison sorts were a few percent of `bgsim run` (issue 24: `run` within 1.1x of a
 * sweep). The keys of one such sort share most of their bits (integer milliseconds as doubles'
 * order keys), so the sort passes only over the bits where some two keys differ.
 *
 * Ownership: the caller owns both arrays; nothing is allocated. The digit counts are per thread:
 * threads (fleets) sort at once.
 */
#ifndef BGSIM_REP_SORT_H
#define BGSIM_REP_SORT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Sorts keys[0..n) ascending, stably: a counting pass per 11-bit digit, least significant first,
 * over only the bits where some two keys differ (their lowest to their highest). tmp holds n keys.
 * Returns the array that holds the sorted keys: `keys` or `tmp` (the other holds an earlier pass).
 */
uint64_t *rep_sort_u64(uint64_t *keys, uint64_t *tmp, size_t n);

#endif
