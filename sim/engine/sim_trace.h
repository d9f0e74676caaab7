/*
 * sim_trace.h - the event trace: JSON Lines for people and tools, and a fingerprint for CI.
 *
 * One record per line: {"t":<ms since start>,"type":"<layer>.<event>", <fields>...}. Field order is
 * the order of the calls, so output is byte-identical for the same run. Types are dotted by layer
 * (battery.*, net.*, usage.*, app.*, os.*, worker.*, task.*); the schema of every type is listed in
 * scenarios/TRACE.md and kept stable: CI users diff traces.
 *
 * Every record is also folded into a 64-bit fingerprint of (t, type, each key and value): its
 * time and each field's value are folded a 64-bit word at a time through XXH64's 8-byte step
 * (sim_trace_fold below), integers and booleans as their value (not their text, so the fingerprint
 * does not depend on number formatting) and a string as one word, a 64-bit hash of its bytes
 * (sim_trace_hash_bytes); the record's type and each field's key are hashed the same way, each
 * from its own seed, and XORed into the accumulator before the next word is folded. So a record of
 * n fields costs n + 1 folds, and a literal type, key or string value (nearly all are) is a
 * constant computed at compile time. The value is the same on every machine, byte order, thread
 * and rank count. It is computed whether or not the trace is written, unless the owner turns it off
 * (sim_trace_set_fingerprint): sweeps and fleets read neither the trace nor the fingerprint.
 * Without a file the folding is inline in the calls below (with one they go out of line: the
 * writing costs far more). History (issue 24): FNV-1a byte by byte was a fifth of a `bgsim run`;
 * then every name's words were folded into the accumulator one by one (16 folds for an os.doze
 * record, 12 % of a 70-day run); now names are words of their own.
 *
 * Invariants: `records` counts every record begun, whatever is on or off. With no file and the
 * fingerprint off, a record costs that count and nothing else (the calls below are inline tests
 * of `active`); the fingerprint then stays at its initial value and means nothing. Turning the
 * fingerprint off never changes the file's bytes.
 *
 * Usage: sim_trace_begin, then any number of sim_trace_int/_str/_bool, then sim_trace_end; or a
 * whole record in one call, SIM_TRACE_RECORD (below), which folds it in one go.
 * Ownership: the trace borrows `out` (the caller closes it); strings are only read during calls.
 */
#ifndef BGSIM_SIM_TRACE_H
#define BGSIM_SIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim_engine.h"

/*
 * One step of the fingerprint: folds the 64-bit word `w` into the accumulator `acc`. It is the step
 * XXH64 applies to each 8-byte lane left after its 32-byte stripes (xxHash specification, "XXH64
 * Algorithm Description", steps 2 and 5: github.com/Cyan4973/xxHash, doc/xxhash_spec.md, version 0.1.1):
 * acc ^= round(0, w); acc = rotl(acc, 27) * PRIME64_1 + PRIME64_4, where round(0, w) =
 * rotl(w * PRIME64_2, 31) * PRIME64_1. For a fixed `acc` it is a bijection of `w` and for a fixed
 * `w` one of `acc`, so changing any one word of the stream always changes the result. Starting from
 * SIM_TRACE_FP_INIT + 8*n and ending with XXH64's avalanche, folding n words gives XXH64 of their
 * 8n little-endian bytes (seed 0, n < 4): tests/engine/test_trace.c checks that against xxhsum.
 */
#define SIM_TRACE_FP_PRIME1 0x9E3779B185EBCA87ULL
#define SIM_TRACE_FP_PRIME2 0xC2B2AE3D27D4EB4FULL
#define SIM_TRACE_FP_PRIME4 0x85EBCA77C2B2AE63ULL
#define SIM_TRACE_FP_INIT 0x27D4EB2F165667C5ULL /* XXH64's PRIME64_5: its accumulator for seed 0 */

/* Inlined at every call even where the compiler would not: with a string literal (every key and
 * nearly every type) the whole string folds to constants at compile time. */
#if defined(__GNUC__)
#define SIM_TRACE_INLINE static inline __attribute__((always_inline))
#else
#define SIM_TRACE_INLINE static inline
#endif

SIM_TRACE_INLINE uint64_t sim_trace_rotl(uint64_t x, unsigned r) { return (x << r) | (x >> (64 - r)); }

SIM_TRACE_INLINE uint64_t sim_trace_fold(uint64_t acc, uint64_t w)
{
    acc ^= sim_trace_rotl(w * SIM_TRACE_FP_PRIME2, 31) * SIM_TRACE_FP_PRIME1;
    return sim_trace_rotl(acc, 27) * SIM_TRACE_FP_PRIME1 + SIM_TRACE_FP_PRIME4;
}

/* Four bytes as a little-endian number: the same on every machine whatever its byte order
 * (compilers turn it into one load on little-endian ones). */
SIM_TRACE_INLINE uint64_t sim_trace_le32(const unsigned char *b)
{
    return (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24;
}

/* The n <= 8 bytes b[0..n) as a little-endian word, zero above them, without a loop: the two reads
 * overlap and put the shared bytes at the same places (XXH3 reads short inputs the same way). */
SIM_TRACE_INLINE uint64_t sim_trace_le_bytes(const unsigned char *b, size_t n)
{
    if (n >= 4)
        return sim_trace_le32(b) | sim_trace_le32(b + n - 4) << (8 * (n - 4));
    if (n > 0)
        return (uint64_t)b[0] | (uint64_t)b[n / 2] << (8 * (n / 2)) | (uint64_t)b[n - 1] << (8 * (n - 1));
    return 0;
}

/* A string's words, which its hash folds. One of n < 8 bytes is one word: its bytes and n in the
 * top byte. A longer one is a word with 0xff in the top byte and n below, then its bytes 8 at a
 * time (the last word padded with zeros). The first word says how many follow, so strings are a
 * prefix-free code: "ab" and "ab\0" hash different words. */
#define SIM_TRACE_LONG_STRING (0xffULL << 56)

/* The seeds of the three hashes of strings: a record's type, a field's key, a string value (XXH64's
 * PRIME64_1..3). Distinct, so that a type and a key, or a key and its value, never cancel out. */
#define SIM_TRACE_TYPE_SEED SIM_TRACE_FP_PRIME1
#define SIM_TRACE_KEY_SEED SIM_TRACE_FP_PRIME2
#define SIM_TRACE_VALUE_SEED 0x165667B19E3779F9ULL

/* The hash of the n bytes s[0..n) (n == strlen(s) for a string; a caller that keeps the length
 * passes it and skips the strlen: the hash depends only on the bytes and n): their words folded
 * from `seed`. A string's hash depends on the string alone, not on the accumulator, so for a
 * literal it is a constant at compile time, and for any other it is off the fingerprint's chain of
 * dependent multiplications (only the one fold of the result is on it). */
SIM_TRACE_INLINE uint64_t sim_trace_hash_bytes(uint64_t seed, const char *s, size_t n)
{
    const unsigned char *b = (const unsigned char *)s;
    if (n < 8)
        return sim_trace_fold(seed, sim_trace_le_bytes(b, n) | (uint64_t)n << 56);
    uint64_t h = sim_trace_fold(seed, SIM_TRACE_LONG_STRING | (uint64_t)n);
    for (; n > 8; b += 8, n -= 8)
        h = sim_trace_fold(h, sim_trace_le32(b) | sim_trace_le32(b + 4) << 32);
    return sim_trace_fold(h, sim_trace_le_bytes(b, n));
}

#if defined(__GNUC__)
#define SIM_TRACE_PURE __attribute__((pure))
#else
#define SIM_TRACE_PURE
#endif
/* sim_trace_hash_bytes of a string that is not a literal, out of line. Pure (a result of the
 * arguments and the bytes read, no writes): the compiler keeps the trace's fields in registers
 * across the call instead of reloading them after it. */
SIM_TRACE_PURE uint64_t sim_trace_hash_value(uint64_t seed, const char *s);

/* A literal or not: GCC evaluates __builtin_constant_p after inlining, so a name that is not a
 * literal there is hashed out of line (smaller code, the same hash); Clang decides it before
 * inlining, so there every name is hashed inline. */
#if defined(__GNUC__) && !defined(__clang__)
#define SIM_TRACE_LITERAL(s) __builtin_constant_p(strlen(s))
#else
#define SIM_TRACE_LITERAL(s) 1
#endif

/* The hash of a string from `seed`: a constant for a literal. */
SIM_TRACE_INLINE uint64_t sim_trace_hash(uint64_t seed, const char *s)
{
    return SIM_TRACE_LITERAL(s) ? sim_trace_hash_bytes(seed, s, strlen(s)) : sim_trace_hash_value(seed, s);
}

/* A string value of n bytes folded: one word, its hash. */
SIM_TRACE_INLINE uint64_t sim_trace_fold_bytes(uint64_t acc, const char *s, size_t n)
{
    return sim_trace_fold(acc, sim_trace_hash_bytes(SIM_TRACE_VALUE_SEED, s, n));
}

/* A string value folded (a model's switch of literals returns this of each: constants). */
SIM_TRACE_INLINE uint64_t sim_trace_fold_str(uint64_t acc, const char *s) { return sim_trace_fold_bytes(acc, s, strlen(s)); }

/* sim_trace_fold_str out of line (for tests and tables: the same word). */
uint64_t sim_trace_fold_value(uint64_t acc, const char *value);

/* A string value, literal or not. */
SIM_TRACE_INLINE uint64_t sim_trace_fold_name(uint64_t acc, const char *s)
{
    return sim_trace_fold(acc, sim_trace_hash(SIM_TRACE_VALUE_SEED, s));
}

/* A record's start: its time folded, its type's hash XORed in (folded with the next word). */
SIM_TRACE_INLINE uint64_t sim_trace_fold_begin(uint64_t acc, sim_time t, const char *type)
{
    return sim_trace_fold(acc, (uint64_t)t) ^ sim_trace_hash(SIM_TRACE_TYPE_SEED, type);
}

/* A field's key: its hash XORed in (folded with the value's word, which follows). */
SIM_TRACE_INLINE uint64_t sim_trace_fold_key(uint64_t acc, const char *key)
{
    return acc ^ sim_trace_hash(SIM_TRACE_KEY_SEED, key);
}

/* A name with its length kept (n == strlen(s)), for tables of names traced as values with
 * sim_trace_strn; SIM_TRACE_NAME("lit") makes one from a literal at compile time. */
typedef struct sim_trace_name {
    const char *s;
    size_t n;
} sim_trace_name;
#define SIM_TRACE_NAME(lit) {(lit), sizeof(lit) - 1}

typedef struct sim_trace {
    FILE *out;            /* NULL: fingerprint only */
    uint64_t fingerprint;
    uint64_t records;
    bool failed;          /* a write to `out` failed */
    bool fold;            /* fold records into `fingerprint` (on after sim_trace_init) */
    bool active;          /* out != NULL || fold: false makes every record call a no-op */
} sim_trace;

/* Starts a trace writing to `out` (NULL: none) with the fingerprint on. */
void sim_trace_init(sim_trace *tr, FILE *out);
/* Turns the fingerprint on or off; call before the first record (a fingerprint of part of a run
 * would match nothing). */
void sim_trace_set_fingerprint(sim_trace *tr, bool on);

/* Each call below tests `active` (false: the trace off, the call does nothing), then `out`: with a
 * file the record goes out of line (sim_trace_*_out: folded when `fold` is on, and written), and
 * without one `fold` is on (active == out || fold), so the fingerprint is folded inline with no
 * third test. The folds are the same on both paths; a file only adds the writing. */
void sim_trace_begin_out(sim_trace *tr, sim_time t, const char *type);
void sim_trace_int_out(sim_trace *tr, const char *key, int64_t value);
void sim_trace_str_out(sim_trace *tr, const char *key, const char *value);
void sim_trace_bool_out(sim_trace *tr, const char *key, bool value);
void sim_trace_end_out(sim_trace *tr);

SIM_TRACE_INLINE void sim_trace_begin(sim_trace *tr, sim_time t, const char *type)
{
    tr->records++;
    if (!tr->active)
        return;
    if (tr->out)
        sim_trace_begin_out(tr, t, type);
    else
        tr->fingerprint = sim_trace_fold_begin(tr->fingerprint, t, type);
}

SIM_TRACE_INLINE void sim_trace_int(sim_trace *tr, const char *key, int64_t value)
{
    if (!tr->active)
        return;
    if (tr->out)
        sim_trace_int_out(tr, key, value);
    else
        tr->fingerprint = sim_trace_fold(sim_trace_fold_key(tr->fingerprint, key), (uint64_t)value);
}

SIM_TRACE_INLINE void sim_trace_str(sim_trace *tr, const char *key, const char *value)
{
    if (!tr->active)
        return;
    if (tr->out)
        sim_trace_str_out(tr, key, value);
    else
        tr->fingerprint = sim_trace_fold_name(sim_trace_fold_key(tr->fingerprint, key), value);
}

/* sim_trace_str of a value whose length n == strlen(value) the caller keeps: the same record, the
 * same fold (sim_trace_fold_bytes), without a strlen per record; inline (its few callers are hot). */
SIM_TRACE_INLINE void sim_trace_strn(sim_trace *tr, const char *key, const char *value, size_t n)
{
    if (!tr->active)
        return;
    if (tr->out)
        sim_trace_str_out(tr, key, value);
    else
        tr->fingerprint = sim_trace_fold_bytes(sim_trace_fold_key(tr->fingerprint, key), value, n);
}

SIM_TRACE_INLINE void sim_trace_bool(sim_trace *tr, const char *key, bool value)
{
    if (!tr->active)
        return;
    if (tr->out)
        sim_trace_bool_out(tr, key, value);
    else
        tr->fingerprint = sim_trace_fold(sim_trace_fold_key(tr->fingerprint, key), value);
}

/* The record's end: nothing to fold (the next record's time folds what its last key or type left). */
SIM_TRACE_INLINE void sim_trace_end(sim_trace *tr)
{
    if (tr->active && tr->out)
        sim_trace_end_out(tr);
}

/*
 * A whole record of typed fields in one call: the same count, fingerprint and text as sim_trace_begin,
 * one sim_trace_int/_bool/_str/_strn per field in order, and sim_trace_end, with one test of
 * `active` and `out` and, without a file, the fingerprint loaded and stored once for the record, not
 * once per field (issue 24: `bgsim run` within 1.1x of a sweep). With a file the fields go through
 * the calls' file paths one by one. tests/engine/test_trace.c checks every kind against the calls,
 * with and without a file.
 *
 *   SIM_TRACE_RECORD(tr, now, "usage.session", SIM_TRACE_INT("duration_ms", dur), SIM_TRACE_BOOL("app", v));
 *
 * The fields are a compound literal the inline code reads back at compile time (it never reaches
 * memory); keys and types are literals, folded to constants as for the calls. Its values are read
 * before the tests, as arguments are: for values at hand, not ones loaded from memory that the
 * file path's calls could change (the compiler then keeps them in saved registers across those
 * calls, a cost also with the trace off; SIMOS_TRACE_SCHEDULE makes the calls one by one). A field of kind
 * SIM_TRACE_FIELD_FOLDED is a string named by two numbers a and b: name(a, b) is its text (asked
 * only with a file) and fold(acc, a, b) must equal sim_trace_fold_str(acc,
 * name(a, b)). A model whose values come from a fixed list of literals (Doze's states and causes)
 * folds them through a switch of literals, constants at compile time, instead of looking the name
 * up and reading its bytes; both functions are inlined when they are inline functions of the caller.
 */
typedef enum sim_trace_field_kind {
    SIM_TRACE_FIELD_INT,
    SIM_TRACE_FIELD_BOOL,
    SIM_TRACE_FIELD_STR,    /* s: a string (strlen taken when folded, unless a literal) */
    SIM_TRACE_FIELD_STRN,   /* s with its length n */
    SIM_TRACE_FIELD_FOLDED, /* name(a, b), folded by fold(acc, a, b) */
} sim_trace_field_kind;

typedef struct sim_trace_field {
    const char *key;
    sim_trace_field_kind kind;
    int64_t i;     /* INT, BOOL (0 or 1) */
    const char *s; /* STR, STRN */
    size_t n;      /* STRN */
    uint64_t (*fold)(uint64_t acc, uint64_t a, uint64_t b); /* FOLDED */
    const char *(*name)(uint64_t a, uint64_t b);            /* FOLDED */
    uint64_t a, b;                                          /* FOLDED */
} sim_trace_field;

#define SIM_TRACE_INT(k, v) ((sim_trace_field){.key = (k), .kind = SIM_TRACE_FIELD_INT, .i = (v)})
#define SIM_TRACE_BOOL(k, v) ((sim_trace_field){.key = (k), .kind = SIM_TRACE_FIELD_BOOL, .i = (v) ? 1 : 0})
#define SIM_TRACE_STR(k, v) ((sim_trace_field){.key = (k), .kind = SIM_TRACE_FIELD_STR, .s = (v)})
#define SIM_TRACE_STRN(k, v, len) ((sim_trace_field){.key = (k), .kind = SIM_TRACE_FIELD_STRN, .s = (v), .n = (len)})
#define SIM_TRACE_FOLDED(k, name_fn, fold_fn, va, vb)                                                          \
    ((sim_trace_field){                                                                                        \
        .key = (k), .kind = SIM_TRACE_FIELD_FOLDED, .name = (name_fn), .fold = (fold_fn), .a = (va), .b = (vb)})

/* One field: its key's hash XORed in, then its value's word folded. */
SIM_TRACE_INLINE uint64_t sim_trace_fold_field(uint64_t acc, const sim_trace_field *f)
{
    acc = sim_trace_fold_key(acc, f->key);
    switch (f->kind) {
    case SIM_TRACE_FIELD_INT:
    case SIM_TRACE_FIELD_BOOL: return sim_trace_fold(acc, (uint64_t)f->i);
    case SIM_TRACE_FIELD_STR: return sim_trace_fold_name(acc, f->s);
    case SIM_TRACE_FIELD_STRN: return sim_trace_fold_bytes(acc, f->s, f->n);
    case SIM_TRACE_FIELD_FOLDED: return f->fold(acc, f->a, f->b);
    }
    return acc;
}

/* A record: its start, each field. Straight-line for the first six fields (every
 * record has at most four): with n a constant the compiler keeps only the fields there are, each
 * reading its kind, key and value from the literal as constants (a loop it would not unroll). */
SIM_TRACE_INLINE uint64_t sim_trace_fold_record(uint64_t acc, sim_time t, const char *type, const sim_trace_field *f,
                                                size_t n)
{
    acc = sim_trace_fold_begin(acc, t, type);
    if (n > 0)
        acc = sim_trace_fold_field(acc, &f[0]);
    if (n > 1)
        acc = sim_trace_fold_field(acc, &f[1]);
    if (n > 2)
        acc = sim_trace_fold_field(acc, &f[2]);
    if (n > 3)
        acc = sim_trace_fold_field(acc, &f[3]);
    if (n > 4)
        acc = sim_trace_fold_field(acc, &f[4]);
    if (n > 5)
        acc = sim_trace_fold_field(acc, &f[5]);
    for (size_t i = 6; i < n; i++)
        acc = sim_trace_fold_field(acc, &f[i]);
    return acc;
}

/* One field with a file: the call of its kind (str for FOLDED: the same fold, from the bytes). */
SIM_TRACE_INLINE void sim_trace_field_out(sim_trace *tr, const sim_trace_field *f)
{
    switch (f->kind) {
    case SIM_TRACE_FIELD_INT: sim_trace_int_out(tr, f->key, f->i); return;
    case SIM_TRACE_FIELD_BOOL: sim_trace_bool_out(tr, f->key, f->i != 0); return;
    case SIM_TRACE_FIELD_STR:
    case SIM_TRACE_FIELD_STRN: sim_trace_str_out(tr, f->key, f->s); return;
    case SIM_TRACE_FIELD_FOLDED: sim_trace_str_out(tr, f->key, f->name(f->a, f->b)); return;
    }
}

/* The record with a file: the calls' file paths, field by field, straight-line as
 * sim_trace_fold_record (the fields are not passed out of line: their literal would then be built
 * in memory before the tests, also on the path without a file). */
SIM_TRACE_INLINE void sim_trace_record_out(sim_trace *tr, sim_time t, const char *type, const sim_trace_field *f,
                                           size_t n)
{
    sim_trace_begin_out(tr, t, type);
    if (n > 0)
        sim_trace_field_out(tr, &f[0]);
    if (n > 1)
        sim_trace_field_out(tr, &f[1]);
    if (n > 2)
        sim_trace_field_out(tr, &f[2]);
    if (n > 3)
        sim_trace_field_out(tr, &f[3]);
    if (n > 4)
        sim_trace_field_out(tr, &f[4]);
    if (n > 5)
        sim_trace_field_out(tr, &f[5]);
    for (size_t i = 6; i < n; i++)
        sim_trace_field_out(tr, &f[i]);
    sim_trace_end_out(tr);
}

/* The record: counted, then (the trace active) written with a file, folded in one go without. */
SIM_TRACE_INLINE void sim_trace_record(sim_trace *tr, sim_time t, const char *type, const sim_trace_field *f, size_t n)
{
    tr->records++;
    if (!tr->active)
        return;
    if (tr->out) {
        sim_trace_record_out(tr, t, type, f, n);
        return;
    }
    tr->fingerprint = sim_trace_fold_record(tr->fingerprint, t, type, f, n);
}

#define SIM_TRACE_FIELDS(...)                                                                                  \
    (const sim_trace_field[]){__VA_ARGS__}, sizeof((const sim_trace_field[]){__VA_ARGS__}) / sizeof(sim_trace_field)
#define SIM_TRACE_RECORD(tr, t, type, ...) sim_trace_record((tr), (t), (type), SIM_TRACE_FIELDS(__VA_ARGS__))
/* The record folded into acc (sim_trace_fold_record), for an owner that keeps its record's
 * two paths apart itself (Doze's os.doze: a leaf without a file, counted by the owner). */
#define SIM_TRACE_FOLD_RECORD(acc, t, type, ...) sim_trace_fold_record((acc), (t), (type), SIM_TRACE_FIELDS(__VA_ARGS__))

#endif
