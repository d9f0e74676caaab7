/* Did-you-mean: the distance, the plausibility limits, ties and case. */
#include <criterion/criterion.h>
#include <string.h>

#include "sch_suggest.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const task_keys[] = {
    "name", "minimum_interval", "register_at", "unregister_at", "work", "network", "platform",
    "duration", "failure_probability", "seed",
};

static void expect(const char *word, const char *const *cands, size_t n, const char *want)
{
    const char *got = sch_did_you_mean(word, cands, n);
    if (!want)
        cr_assert_null(got, "'%s' -> '%s', want none", word, got);
    else
        cr_assert(got && strcmp(got, want) == 0, "'%s' -> '%s', want '%s'", word, got ? got : "(none)", want);
}

Test(suggest, typos_of_every_kind)
{
    expect("minimum_intervl", task_keys, N(task_keys), "minimum_interval"); /* deletion */
    expect("platfrom", task_keys, N(task_keys), "platform");                /* transposition */
    expect("naem", task_keys, N(task_keys), "name");                       /* transposition, 4 bytes */
    expect("nmae", task_keys, N(task_keys), "name");
    expect("neme", task_keys, N(task_keys), "name");                       /* substitution */
    expect("names", task_keys, N(task_keys), "name");                      /* insertion */
    expect("durration", task_keys, N(task_keys), "duration");
    expect("failure_probabilty", task_keys, N(task_keys), "failure_probability");
    expect("register", task_keys, N(task_keys), NULL);                     /* 3 deletions, 8 bytes */
    expect("registr_at", task_keys, N(task_keys), "register_at");
    expect("unregistre_at", task_keys, N(task_keys), "unregister_at");
    expect("sed", task_keys, N(task_keys), "seed");
}

Test(suggest, far_words_get_nothing)
{
    expect("colour", task_keys, N(task_keys), NULL);
    expect("battery", task_keys, N(task_keys), NULL);
    expect("x", task_keys, N(task_keys), NULL);
    expect("intervalminimum", task_keys, N(task_keys), NULL);
    expect("", task_keys, N(task_keys), NULL);
}

Test(suggest, limits_by_length)
{
    static const char *const c[] = {"abcd", "abcdefgh", "abcdefghijkl"};
    /* up to 4 bytes: 1 edit */
    expect("abxd", c, 1, "abcd");
    expect("axyd", c, 1, NULL);
    /* 5..8 bytes: 2 edits */
    expect("abxdefyh", c + 1, 1, "abcdefgh");
    expect("axxdefxh", c + 1, 1, NULL);
    /* 9 and more: 3 edits */
    expect("abxdefyhijzl", c + 2, 1, "abcdefghijkl");
    expect("axxdefxhijxl", c + 2, 1, NULL);
    /* the limit follows the word's length, not the candidate's */
    expect("abcdefg", c, 1, NULL);       /* 7 bytes, 3 deletions from abcd */
    expect("abcdef", c, 1, "abcd");      /* 6 bytes, 2 deletions */
    /* a one-byte word only matches its own case variant; two bytes allow one edit */
    static const char *const short_keys[] = {"a", "b", "ab", "X"};
    expect("c", short_keys, N(short_keys), NULL);
    expect("x", short_keys, N(short_keys), "X");
    expect("ac", short_keys, N(short_keys), "a"); /* distance 1 to "a" and "ab": first wins */
}

Test(suggest, ties_go_to_the_first_candidate)
{
    static const char *const ab[] = {"seat", "sent"};
    static const char *const ba[] = {"sent", "seat"};
    expect("seet", ab, 2, "seat");
    expect("seet", ba, 2, "sent");
    /* but a closer candidate later in the list beats an earlier, farther one */
    static const char *const c[] = {"minimum", "minimal_interval", "minimum_interval"};
    expect("minimum_intervl", c, 3, "minimum_interval");
}

Test(suggest, case_changes_are_free_and_exact_matches_need_nothing)
{
    expect("Platform", task_keys, N(task_keys), "platform");
    expect("PLATFORM", task_keys, N(task_keys), "platform");
    expect("Platfrom", task_keys, N(task_keys), "platform");
    expect("platform", task_keys, N(task_keys), NULL); /* exact: not a typo */
    static const char *const both[] = {"Seed", "seed"};
    expect("seed", both, 2, NULL);  /* exactly the second one */
    expect("SEED", both, 2, "Seed"); /* both at distance 0: the first */
}

Test(suggest, skips_null_and_overlong_and_handles_empty_lists)
{
    char long_word[SCH_SUGGEST_MAX + 2];
    memset(long_word, 'a', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0'; /* 65 bytes */
    static const char *const c[] = {NULL, "aaaa"};
    expect(long_word, c, 2, NULL);
    expect("aaab", c, 2, "aaaa");
    expect("aaab", c, 0, NULL);
    expect("aaab", NULL, 0, NULL);

    char max_word[SCH_SUGGEST_MAX + 1], max_cand[SCH_SUGGEST_MAX + 1];
    memset(max_word, 'b', SCH_SUGGEST_MAX);
    max_word[SCH_SUGGEST_MAX] = '\0';
    memcpy(max_cand, max_word, sizeof max_cand);
    max_cand[10] = 'c';
    max_cand[20] = 'c';
    const char *const m[] = {max_cand};
    expect(max_word, m, 1, max_cand); /* 64 bytes on both sides still work */
    const char *const too_long[] = {long_word};
    expect("aaaa", too_long, 1, NULL);
}
