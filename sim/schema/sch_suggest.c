/*
 * sch_suggest.c - did-you-mean by optimal string alignment distance.
 *
 * The classic dynamic programme over (prefix of word) x (prefix of candidate), kept as three
 * rows since a transposition looks two rows back. Keys are short, so the O(|a| |b|) cost per
 * candidate is nothing next to reading the file; a BK-tree would only pay for itself with
 * thousands of candidates.
 */
#include "sch_suggest.h"

#include <stdbool.h>
#include <string.h>

static unsigned char fold(char c)
{
    return (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Distance between a and b (lengths <= SCH_SUGGEST_MAX), without regard to ASCII case. */
static size_t osa_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t rows[3][SCH_SUGGEST_MAX + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
                fold(a[i - 2]) == fold(b[j - 1]) && prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

const char *sch_did_you_mean(const char *word, const char *const *candidates, size_t n)
{
    size_t lw = strlen(word);
    if (lw == 0 || lw > SCH_SUGGEST_MAX)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (candidates[i] && strcmp(candidates[i], word) == 0)
            return NULL;
    }
    size_t limit = lw <= 4 ? 1 : lw <= 8 ? 2 : 3;
    if (limit > lw - 1)
        limit = lw - 1;

    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        const char *c = candidates[i];
        if (!c)
            continue;
        size_t lc = strlen(c);
        if (lc > SCH_SUGGEST_MAX)
            continue;
        size_t gap = lc > lw ? lc - lw : lw - lc; /* a lower bound of the distance */
        if (gap >= best_d)
            continue;
        size_t d = osa_distance(word, lw, c, lc);
        if (d < best_d) {
            best = c;
            best_d = d;
        }
    }
    return best;
}
