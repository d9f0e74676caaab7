/*
 * sch_suggest.h - "did you mean" for unknown keys and names in scenario files.
 *
 *     error: scenario.yaml:12:5: unknown key 'minimum_intervl' (did you mean 'minimum_interval'?)
 */
#ifndef BGSIM_SCH_SUGGEST_H
#define BGSIM_SCH_SUGGEST_H

#include <stddef.h>

/* Longest word or candidate considered, in bytes; longer ones never match. */
#define SCH_SUGGEST_MAX 64

/*
 * The candidate that `word` is most plausibly a typo of, or NULL. The rule, exactly:
 *
 *  - distance: optimal string alignment (restricted Damerau-Levenshtein): the fewest insertions,
 *    deletions, substitutions of one byte and transpositions of two adjacent bytes, no substring
 *    edited twice. Letters are compared without regard to ASCII case, so a case change costs
 *    nothing: "Platform" suggests "platform" (keys are case-sensitive, so it is still unknown).
 *  - plausible: distance <= 1 when word has up to 4 bytes, <= 2 up to 8, <= 3 beyond; and
 *    always less than word's length, so a 1-byte word only matches a case variant of itself.
 *  - the candidate with the smallest distance wins; among equals, the first in the array.
 *  - NULL when no candidate is plausible, when word is empty or longer than SCH_SUGGEST_MAX,
 *    and when word is exactly (case included) one of the candidates: it needs no correction.
 *    NULL entries and candidates longer than SCH_SUGGEST_MAX are skipped.
 *
 * The returned pointer is candidates[i] itself. Does not allocate (the table is on the stack).
 */
const char *sch_did_you_mean(const char *word, const char *const *candidates, size_t n);

#endif
