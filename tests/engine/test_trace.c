/* The trace fingerprint: its word step is XXH64's, its encoding of a record is the documented one
 * (and so the same on every machine), and splitting or retyping a field changes it. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "sim_reason.h"
#include "sim_trace.h"

/* XXH64's final mix (xxHash specification, "XXH64 Algorithm Description", step 6). */
static uint64_t xxh64_avalanche(uint64_t acc)
{
    acc ^= acc >> 33;
    acc *= 0xC2B2AE3D27D4EB4FULL;
    acc ^= acc >> 29;
    acc *= 0x165667B19E3779F9ULL;
    acc ^= acc >> 32;
    return acc;
}

/* XXH64 (seed 0) of n < 4 words given as 8 little-endian bytes each, through sim_trace_fold. */
static uint64_t xxh64_words(const uint64_t *w, size_t n)
{
    uint64_t acc = SIM_TRACE_FP_INIT + 8 * n;
    for (size_t i = 0; i < n; i++)
        acc = sim_trace_fold(acc, w[i]);
    return xxh64_avalanche(acc);
}

Test(trace, fold_is_the_xxh64_lane_step)
{
    /* Expected values printed by `printf ... | xxhsum -H1` (xxHash 0.8.1, Debian 12). */
    cr_assert_eq(xxh64_avalanche(SIM_TRACE_FP_INIT), 0xef46db3751d8e999ULL); /* "" */
    const uint64_t abc[3] = {0x6867666564636261ULL, 0x706f6e6d6c6b6a69ULL, 0x7877767574737271ULL};
    cr_assert_eq(xxh64_words(abc, 1), 0x3ad351775b4634b7ULL);                 /* "abcdefgh" */
    cr_assert_eq(xxh64_words(abc, 2), 0x71ce8137ca2dd53dULL);                 /* "abcdefghijklmnop" */
    cr_assert_eq(xxh64_words(abc, 3), 0x0bec95e34669983bULL);                 /* "abcdefghijklmnopqrstuvwx" */
}

/* The hash of a string's words from a seed (sim_trace_hash_bytes, written out). */
static uint64_t hash_of(uint64_t seed, const uint64_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        seed = sim_trace_fold(seed, w[i]);
    return seed;
}

Test(trace, a_record_folds_the_documented_words)
{
    /* The strings' words are written out here as numbers, so this holds on a machine of either
     * byte order only if the trace assembles them little-endian from the bytes as documented:
     * each string hashed from its seed (type, key, value), the time and each value folded, each
     * type and key XORed in before the next fold. */
    const uint64_t os_doze[] = {0x657a6f642e736fULL | 7ULL << 56}; /* "os.doze": short, length 7 on top */
    const uint64_t deep[] = {0x70656564ULL | 4ULL << 56};          /* "deep" */
    const uint64_t idle_pending[] = {0xffULL << 56 | 12,            /* long, 12 bytes */
                                     0x6e65705f656c6469ULL,         /* "idle_pen" */
                                     0x676e6964ULL};                /* "ding", zero-padded */
    const uint64_t n[] = {0x6eULL | 1ULL << 56};                   /* "n" */
    const uint64_t on[] = {0x6e6fULL | 2ULL << 56};                /* "on" */
    const uint64_t empty[] = {0};                                  /* "" */
    uint64_t acc = sim_trace_fold(SIM_TRACE_FP_INIT, 5) ^ hash_of(SIM_TRACE_TYPE_SEED, os_doze, 1);
    acc = sim_trace_fold(acc ^ hash_of(SIM_TRACE_KEY_SEED, deep, 1), hash_of(SIM_TRACE_VALUE_SEED, idle_pending, 3));
    acc = sim_trace_fold(acc ^ hash_of(SIM_TRACE_KEY_SEED, n, 1), (uint64_t)-1);
    acc = sim_trace_fold(acc ^ hash_of(SIM_TRACE_KEY_SEED, on, 1), 1);
    acc = sim_trace_fold(acc ^ hash_of(SIM_TRACE_KEY_SEED, empty, 1), hash_of(SIM_TRACE_VALUE_SEED, empty, 1));
    sim_trace tr;
    sim_trace_init(&tr, NULL);
    sim_trace_begin(&tr, 5, "os.doze");
    sim_trace_str(&tr, "deep", "idle_pending");
    sim_trace_int(&tr, "n", -1);
    sim_trace_bool(&tr, "on", true);
    sim_trace_str(&tr, "", "");
    sim_trace_end(&tr);
    cr_assert_eq(tr.fingerprint, acc);
    cr_assert_eq(tr.records, 1);
    /* The seeds matter: the same string as a type, a key and a value hashes three ways. */
    cr_assert_neq(sim_trace_hash_bytes(SIM_TRACE_TYPE_SEED, "x", 1), sim_trace_hash_bytes(SIM_TRACE_KEY_SEED, "x", 1));
    cr_assert_neq(sim_trace_hash_bytes(SIM_TRACE_KEY_SEED, "x", 1), sim_trace_hash_bytes(SIM_TRACE_VALUE_SEED, "x", 1));
}

/* The fingerprint of one record {t: 0, type: TYPE, KEY: VALUE}. */
static uint64_t one(const char *type, const char *key, const char *value)
{
    sim_trace tr;
    sim_trace_init(&tr, NULL);
    sim_trace_begin(&tr, 0, type);
    sim_trace_str(&tr, key, value);
    sim_trace_end(&tr);
    return tr.fingerprint;
}

Test(trace, moving_bytes_between_strings_changes_it)
{
    /* and a key's bytes into its value, or a type's into its key (each has its own hash) */
    cr_assert_neq(one("x", "k", "v"), one("x", "v", "k"));
    cr_assert_neq(one("k", "x", "v"), one("x", "k", "v"));
    cr_assert_neq(one("x", "ab", "c"), one("x", "a", "bc"));
    cr_assert_neq(one("x", "a", ""), one("x", "", "a"));
    cr_assert_neq(one("x", "abcdefgh", "i"), one("x", "abcdefg", "hi")); /* long and short */
    cr_assert_neq(one("x", "k", "abcdefgh"), one("x", "k", "abcdefgh\x01"));
    cr_assert_neq(one("x", "k", "a"), one("x", "k", "a\x01"));
}

Test(trace, an_integer_is_not_its_text)
{
    sim_trace a, b;
    sim_trace_init(&a, NULL);
    sim_trace_init(&b, NULL);
    sim_trace_begin(&a, 0, "x");
    sim_trace_begin(&b, 0, "x");
    sim_trace_int(&a, "k", 10);
    sim_trace_str(&b, "k", "10");
    sim_trace_end(&a);
    sim_trace_end(&b);
    cr_assert_neq(a.fingerprint, b.fingerprint);
}

/* The documented hash of a string from a seed, the plain way: its words one byte at a time. */
static uint64_t reference_hash(uint64_t acc, const char *s)
{
    size_t n = strlen(s);
    uint64_t w = 0;
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            w |= (uint64_t)(unsigned char)s[i] << (8 * i);
        return sim_trace_fold(acc, w | (uint64_t)n << 56);
    }
    acc = sim_trace_fold(acc, 0xffULL << 56 | n);
    for (size_t i = 0; i < n; i++) {
        w |= (uint64_t)(unsigned char)s[i] << (8 * (i % 8));
        if (i % 8 == 7 || i == n - 1) {
            acc = sim_trace_fold(acc, w);
            w = 0;
        }
    }
    return acc;
}

Test(trace, literal_and_runtime_strings_fold_alike)
{
    /* Keys and types that are literals fold at compile time; the same bytes from the heap at run
     * time must give the same fingerprint, and both the plain byte-by-byte encoding, for every
     * length around the overlapping 4- and 8-byte reads (and a value's short-string pass, bytes
     * above 0x7f included). */
    const char *lit[] = {"", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "abcdefghi",
                         "abcdefghij", "abcdefghijk", "abcdefghijkl", "abcdefghijklm", "abcdefghijklmn",
                         "abcdefghijklmnop", "abcdefghijklmnopq", "abcdefghijklmnopqrstu\xff", "\xff", "\x80z\xfe",
                         "\xff\xfe\xfd\xfc\xfb\xfa\xf9", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"};
    for (size_t i = 0; i < sizeof lit / sizeof lit[0]; i++) {
        char *heap = malloc(strlen(lit[i]) + 1);
        cr_assert_not_null(heap);
        strcpy(heap, lit[i]);
        sim_trace a, b, c;
        sim_trace_init(&a, NULL);
        sim_trace_init(&b, NULL);
        sim_trace_init(&c, NULL);
        sim_trace_begin(&a, 1, lit[i]);
        sim_trace_begin(&b, 1, heap);
        sim_trace_begin(&c, 1, heap);
        sim_trace_str(&a, "key", lit[i]);
        sim_trace_str(&b, "key", heap);
        sim_trace_strn(&c, "key", heap, strlen(heap)); /* the length kept by the caller */
        sim_trace_end(&a);
        sim_trace_end(&b);
        sim_trace_end(&c);
        cr_assert_eq(a.fingerprint, b.fingerprint, "\"%s\"", lit[i]);
        cr_assert_eq(c.fingerprint, b.fingerprint, "\"%s\"", lit[i]);
        uint64_t want = sim_trace_fold(SIM_TRACE_FP_INIT, 1) ^ reference_hash(SIM_TRACE_TYPE_SEED, lit[i]);
        want = sim_trace_fold(want ^ reference_hash(SIM_TRACE_KEY_SEED, "key"), reference_hash(SIM_TRACE_VALUE_SEED, lit[i]));
        cr_assert_eq(a.fingerprint, want, "\"%s\"", lit[i]);
        free(heap);
    }
}

Test(trace, a_kept_length_folds_and_writes_like_strlen)
{
    /* sim_trace_strn skips the strlen, nothing else: the same words for every length around the
     * word boundaries (a table entry made by SIM_TRACE_NAME keeps strlen's length), the same bytes
     * in the file. */
    static const sim_trace_name names[] = {SIM_TRACE_NAME(""), SIM_TRACE_NAME("idle"), SIM_TRACE_NAME("sensing"),
                                           SIM_TRACE_NAME("inactive"), SIM_TRACE_NAME("locating1"),
                                           SIM_TRACE_NAME("idle_maintenance"), SIM_TRACE_NAME("waiting_for_network")};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cr_assert_eq(names[i].n, strlen(names[i].s));
        for (uint64_t acc = 0; acc < 3; acc++)
            cr_assert_eq(sim_trace_fold_bytes(acc, names[i].s, names[i].n), sim_trace_fold_value(acc, names[i].s),
                         "\"%s\"", names[i].s);
        char buf[2][128] = {{0}};
        sim_trace t[2];
        for (int k = 0; k < 2; k++) {
            FILE *f = fmemopen(buf[k], sizeof buf[k], "w");
            cr_assert_not_null(f);
            sim_trace_init(&t[k], f);
            sim_trace_begin(&t[k], 5, "os.doze");
            if (k == 0)
                sim_trace_str(&t[k], "deep", names[i].s);
            else
                sim_trace_strn(&t[k], "deep", names[i].s, names[i].n);
            sim_trace_end(&t[k]);
            fclose(f);
        }
        cr_assert_eq(t[0].fingerprint, t[1].fingerprint, "\"%s\"", names[i].s);
        cr_assert_str_eq(buf[0], buf[1]);
    }
}

/* A FOLDED field's two functions, as a model writes them: names from a list of literals, folded
 * through a switch of literals (the words of sim_trace_fold_str of the name). */
static const char *color_name(uint64_t c, uint64_t shade)
{
    if (shade)
        return "grey";
    return c == 0 ? "red" : c == 1 ? "green_and_a_long_tail" : "blue";
}
static uint64_t fold_color(uint64_t acc, uint64_t c, uint64_t shade)
{
    if (shade)
        return sim_trace_fold_str(acc, "grey");
    switch (c) {
    case 0: return sim_trace_fold_str(acc, "red");
    case 1: return sim_trace_fold_str(acc, "green_and_a_long_tail");
    default: return sim_trace_fold_str(acc, "blue");
    }
}

/* Two traces, with a file each or without: k = 0 gets the per-field calls, k = 1 SIM_TRACE_RECORD. */
typedef struct trace_pair {
    char buf[2][4096];
    sim_trace t[2];
    FILE *f[2];
} trace_pair;

static void pair_init(trace_pair *p, bool with_file)
{
    memset(p, 0, sizeof *p);
    for (int k = 0; k < 2; k++) {
        if (with_file) {
            p->f[k] = fmemopen(p->buf[k], sizeof p->buf[k], "w");
            cr_assert_not_null(p->f[k]);
        }
        sim_trace_init(&p->t[k], p->f[k]);
        sim_trace_begin(&p->t[k], 1, "os.schedule"); /* some history: the accumulator is not the start */
        sim_trace_end(&p->t[k]);
    }
}

/* Closes the files and asserts the two traces agree: fingerprint, count and bytes. */
static void pair_check(trace_pair *p, size_t records)
{
    for (int k = 0; k < 2; k++)
        if (p->f[k])
            fclose(p->f[k]);
    cr_assert_eq(p->t[0].fingerprint, p->t[1].fingerprint);
    cr_assert_neq(p->t[0].fingerprint, SIM_TRACE_FP_INIT);
    cr_assert_eq(p->t[0].records, records);
    cr_assert_eq(p->t[1].records, records);
    cr_assert_str_eq(p->buf[0], p->buf[1]);
}

Test(trace, a_record_is_the_calls_for_every_field_kind)
{
    /* SIM_TRACE_RECORD folds the words of begin, one call per field and end in one go: the same
     * fingerprint, count and file bytes as the calls, for each kind of field, with a file and
     * without. Each record is also checked alone, so a kind folded wrong is named. */
    static const char *const strs[] = {"", "ab", "seven77", "exactly8", "a string longer than eight bytes"};
    for (int with_file = 0; with_file < 2; with_file++) {
        trace_pair p;
        pair_init(&p, with_file);
        size_t records = 1;
        for (int64_t v = -1; v <= 86400000; v += 43200000, records++) {
            sim_trace_begin(&p.t[0], v + 7, "os.phone_jobs");
            sim_trace_int(&p.t[0], "busy_until", v);
            sim_trace_end(&p.t[0]);
            SIM_TRACE_RECORD(&p.t[1], v + 7, "os.phone_jobs", SIM_TRACE_INT("busy_until", v));
            cr_assert_eq(p.t[0].fingerprint, p.t[1].fingerprint, "int %lld", (long long)v);
        }
        for (int v = 0; v < 2; v++, records++) {
            sim_trace_begin(&p.t[0], 9, "usage.screen");
            sim_trace_bool(&p.t[0], "on", v);
            sim_trace_end(&p.t[0]);
            SIM_TRACE_RECORD(&p.t[1], 9, "usage.screen", SIM_TRACE_BOOL("on", v));
            cr_assert_eq(p.t[0].fingerprint, p.t[1].fingerprint, "bool %d", v);
        }
        for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++, records += 2) {
            sim_trace_begin(&p.t[0], 11, "net.change");
            sim_trace_str(&p.t[0], "kind", strs[i]);
            sim_trace_end(&p.t[0]);
            SIM_TRACE_RECORD(&p.t[1], 11, "net.change", SIM_TRACE_STR("kind", strs[i]));
            cr_assert_eq(p.t[0].fingerprint, p.t[1].fingerprint, "str \"%s\"", strs[i]);
            sim_trace_begin(&p.t[0], 12, "net.change");
            sim_trace_strn(&p.t[0], "kind", strs[i], strlen(strs[i]));
            sim_trace_end(&p.t[0]);
            SIM_TRACE_RECORD(&p.t[1], 12, "net.change", SIM_TRACE_STRN("kind", strs[i], strlen(strs[i])));
            cr_assert_eq(p.t[0].fingerprint, p.t[1].fingerprint, "strn \"%s\"", strs[i]);
        }
        for (uint64_t c = 0; c < 4; c++, records++) {
            uint64_t shade = c == 3; /* the second number chooses too */
            sim_trace_begin(&p.t[0], 13, "os.doze");
            sim_trace_str(&p.t[0], "deep", color_name(c, shade));
            sim_trace_end(&p.t[0]);
            SIM_TRACE_RECORD(&p.t[1], 13, "os.doze", SIM_TRACE_FOLDED("deep", color_name, fold_color, c, shade));
            cr_assert_eq(p.t[0].fingerprint, p.t[1].fingerprint, "folded %s", color_name(c, shade));
        }
        pair_check(&p, records);
        if (with_file) {
            cr_assert_not_null(strstr(p.buf[1], "{\"t\":9,\"type\":\"usage.screen\",\"on\":true}\n"));
            cr_assert_not_null(strstr(p.buf[1], "{\"t\":13,\"type\":\"os.doze\",\"deep\":\"green_and_a_long_tail\"}\n"));
            cr_assert_not_null(strstr(p.buf[1], "{\"t\":13,\"type\":\"os.doze\",\"deep\":\"grey\"}\n"));
        }
    }
}

Test(trace, a_record_of_many_fields_is_the_calls)
{
    /* Every kind in one record, and more fields than the straight-line part (six) takes. */
    for (int with_file = 0; with_file < 2; with_file++) {
        trace_pair p;
        pair_init(&p, with_file);
        sim_trace_begin(&p.t[0], 20, "test.many");
        sim_trace_int(&p.t[0], "a", -5);
        sim_trace_bool(&p.t[0], "b", true);
        sim_trace_str(&p.t[0], "c", "some text");
        sim_trace_strn(&p.t[0], "d", "xyz", 3);
        sim_trace_str(&p.t[0], "e", color_name(1, 0));
        sim_trace_int(&p.t[0], "f", 6);
        sim_trace_bool(&p.t[0], "g", false);
        sim_trace_int(&p.t[0], "h", 8);
        sim_trace_end(&p.t[0]);
        SIM_TRACE_RECORD(&p.t[1], 20, "test.many", SIM_TRACE_INT("a", -5), SIM_TRACE_BOOL("b", true),
                         SIM_TRACE_STR("c", "some text"), SIM_TRACE_STRN("d", "xyz", 3),
                         SIM_TRACE_FOLDED("e", color_name, fold_color, 1, 0), SIM_TRACE_INT("f", 6),
                         SIM_TRACE_BOOL("g", false), SIM_TRACE_INT("h", 8));
        pair_check(&p, 2);
        if (with_file)
            cr_assert_not_null(strstr(p.buf[1], "{\"t\":20,\"type\":\"test.many\",\"a\":-5,\"b\":true,\"c\":\"some "
                                                "text\",\"d\":\"xyz\",\"e\":\"green_and_a_long_tail\",\"f\":6,"
                                                "\"g\":false,\"h\":8}\n"));
    }
    /* Dropping the last field changes the fingerprint: the tail loop folds it. */
    sim_trace a, b;
    sim_trace_init(&a, NULL);
    sim_trace_init(&b, NULL);
    SIM_TRACE_RECORD(&a, 20, "test.many", SIM_TRACE_INT("a", 1), SIM_TRACE_INT("b", 2), SIM_TRACE_INT("c", 3),
                     SIM_TRACE_INT("d", 4), SIM_TRACE_INT("e", 5), SIM_TRACE_INT("f", 6), SIM_TRACE_INT("g", 7));
    SIM_TRACE_RECORD(&b, 20, "test.many", SIM_TRACE_INT("a", 1), SIM_TRACE_INT("b", 2), SIM_TRACE_INT("c", 3),
                     SIM_TRACE_INT("d", 4), SIM_TRACE_INT("e", 5), SIM_TRACE_INT("f", 6));
    cr_assert_neq(a.fingerprint, b.fingerprint);
}

Test(trace, a_record_with_the_trace_off_is_only_counted)
{
    sim_trace off;
    sim_trace_init(&off, NULL);
    sim_trace_set_fingerprint(&off, false);
    SIM_TRACE_RECORD(&off, 1, "os.phone_jobs", SIM_TRACE_INT("busy_until", 3));
    SIM_TRACE_RECORD(&off, 1, "usage.screen", SIM_TRACE_BOOL("on", true), SIM_TRACE_STR("s", "x"));
    cr_assert_eq(off.records, 2);
    cr_assert_eq(off.fingerprint, SIM_TRACE_FP_INIT);
}

Test(trace, writing_a_file_does_not_change_it)
{
    char buf[256] = {0};
    FILE *f = fmemopen(buf, sizeof buf, "w");
    cr_assert_not_null(f);
    sim_trace a, b;
    sim_trace_init(&a, f);
    sim_trace_init(&b, NULL);
    sim_trace *both[] = {&a, &b};
    for (int i = 0; i < 2; i++) {
        sim_trace_begin(both[i], 42, "os.schedule");
        sim_trace_str(both[i], "mode", "replace");
        sim_trace_int(both[i], "delay_ms", 900000);
        sim_trace_bool(both[i], "blocked", false);
        sim_trace_end(both[i]);
    }
    fclose(f);
    cr_assert_eq(a.fingerprint, b.fingerprint);
    cr_assert_str_eq(buf, "{\"t\":42,\"type\":\"os.schedule\",\"mode\":\"replace\",\"delay_ms\":900000,\"blocked\":false}\n");
    cr_assert(!a.failed);
}

Test(trace, off_it_stays_at_its_start)
{
    sim_trace tr;
    sim_trace_init(&tr, NULL);
    sim_trace_set_fingerprint(&tr, false);
    sim_trace_begin(&tr, 7, "x");
    sim_trace_int(&tr, "k", 1);
    sim_trace_end(&tr);
    cr_assert_eq(tr.fingerprint, SIM_TRACE_FP_INIT);
    cr_assert_eq(tr.records, 1);
}

Test(trace, a_reason_folds_its_names_words)
{
    /* sim_reason_fold_name folds literals through a switch: the same words as the name folded at
     * run time, for every reason and an out-of-range one, from two accumulators. */
    const uint64_t accs[] = {SIM_TRACE_FP_INIT, 0x0123456789abcdefULL};
    for (size_t a = 0; a < sizeof accs / sizeof accs[0]; a++)
        for (int r = 0; r <= SIM_REASON_COUNT; r++)
            cr_assert_eq(sim_reason_fold_name(accs[a], (sim_reason)r),
                         sim_trace_fold_value(accs[a], sim_reason_name((sim_reason)r)), "reason %d", r);
}
