/*
 * sim_rng.c - stable stream keys and full-state MT19937 seeding.
 */
#include "sim_rng.h"

#include <stdatomic.h>
#include <stdbool.h>

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MT_N 624
#define MT_M 397

uint64_t sim_hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 offset basis */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL; /* FNV-1a 64 prime */
    }
    return h;
}

uint64_t sim_hash_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t sim_rng_key(uint64_t seed, uint64_t device, const char *name)
{
    uint64_t k = sim_hash_mix(seed);
    k = sim_hash_mix(k ^ device);
    return sim_hash_mix(k ^ sim_hash_str(name));
}

/*
 * GSL keeps MT19937's state as { unsigned long mt[624]; int mti; } (gsl rng/mt.c, mt_state_t).
 * It is not a public type, so before writing it we check, on a freshly seeded generator, that
 * the size matches and that gsl_rng_set() left exactly what mt.c's mt_set() writes: mt[0] = seed,
 * mt[1] from Knuth's multiplier 1812433253, and mti = 624 ("regenerate before the next draw").
 */
typedef struct mt_state {
    unsigned long mt[MT_N];
    int mti;
} mt_state;

static int mt_layout_ok(gsl_rng *r)
{
    if (gsl_rng_size(r) != sizeof(mt_state))
        return 0;
    const unsigned long probe = 4357;
    gsl_rng_set(r, probe);
    const mt_state *st = gsl_rng_state(r);
    unsigned long second = (1812433253UL * (probe ^ (probe >> 30)) + 1) & 0xffffffffUL;
    return st->mt[0] == probe && st->mt[1] == second && st->mti == MT_N && gsl_rng_max(r) == 0xffffffffUL &&
           gsl_rng_min(r) == 0;
}

/* Whether GSL's MT19937 state is the layout written below, checked once per process (not per
 * stream: a fleet creates tens of streams per device) on a generator of its own. Threads that
 * race here compute the same answer. */
static int layout_known_ok(void)
{
    static _Atomic int known; /* 0 not yet, 1 ok, -1 not the expected layout */
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (k == 0) {
        gsl_rng *probe = gsl_rng_alloc(gsl_rng_mt19937);
        if (!probe)
            return 0; /* out of memory: not cached, asked again next time */
        k = mt_layout_ok(probe) ? 1 : -1;
        gsl_rng_free(probe);
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k == 1;
}

/*
 * A stream's generator is MT19937 with its full state filled from the stream's key: word i is the
 * top half of SplitMix64 at key + i * 0x9e3779b97f4a7c15 (init_word), except word 0, 2^31 (as MT's
 * init_by_array does: the top bit set guarantees a non-zero state), and mti = 624, so the first
 * draw regenerates ("twists") all 624 words. Its draws are exactly those of GSL's MT19937 from
 * that state (gsl rng/mt.c, mt_get).
 *
 * Its first LAZY_DRAWS draws are generated here one word at a time, filling and twisting only what
 * each draw reads; then the rest of the round is filled and twisted at once (finish_round) and the
 * generator is handed to gsl_rng_mt19937 for good. Why it is exact: mt_get's twist computes word k
 * from words k, k + 1 and k + 397 in increasing k, the last two still unchanged for k < 227.
 * Draw k reads exactly twisted word k, so twisting word k at draw k, in the same order from the
 * same words, gives the same word; the words it reads are filled when first read (word 0 at draw
 * 0, word k + 1 and word k + 397 at draw k; word k itself was filled by the draw before). After
 * LAZY_DRAWS draws finish_round fills the words not read yet and twists the others in mt_get's
 * order: the state is mt_get's after its twist and LAZY_DRAWS draws, and GSL's mt_get goes on
 * from word LAZY_DRAWS (its next twist after word 623, as always). Why: a stream filled and
 * twisted whole on its first draw cost ~20,000 instructions (624 SplitMix64 steps, 624 twist
 * steps), and most streams draw a few numbers in a run: a fleet device draws each `vary` from a
 * stream of its own (one or two draws), a run's models a handful each (issue 24).
 *
 * The generator is built as gsl_rng_alloc builds one (gsl rng/rng.c: malloc the gsl_rng, a state
 * block of type->size bytes, the type) without its gsl_rng_set (624 steps, overwritten). Its type
 * is lazy_type, with MT19937's name, range and state size, which is all GSL reads of a type before
 * drawing (gsl_rng_uniform_int reads max and min; mt.c: max 0xffffffff, min 0, checked with the
 * layout), until the hand-over. gsl_rng_free frees exactly the two blocks (free(r->state);
 * free(r)), and gsl_rng is a public struct ({ const gsl_rng_type *type; void *state; }). The state
 * block holds, after MT's state (whose mti counts the draws), the key and a pointer back to the
 * gsl_rng (whose type the hand-over changes).
 */
typedef struct lazy_state {
    mt_state mt;
    uint64_t key;
    gsl_rng *owner;
} lazy_state;

static unsigned long init_word(uint64_t key, int i)
{
    if (i == 0)
        return 0x80000000UL;
    uint64_t x = key + (uint64_t)(unsigned)i * 0x9e3779b97f4a7c15ULL;
    return (unsigned long)(sim_hash_mix(x) >> 32);
}

/* Draws taken a word at a time (see above): the most for which each reads words k + 1 and k + 397
 * unchanged (k < 227). A one-word draw costs ~30 instructions and the rest of a round ~22 a word,
 * and most streams stop well before 226 draws or go far past 624. An Android sweep took 1.1 % more
 * instructions with 32, 0.5 % more with the whole round a word at a time (callgrind). */
#define LAZY_DRAWS 226
_Static_assert(LAZY_DRAWS <= MT_N - MT_M, "a lazy draw k reads word k + 397 before its own twist");

/* MT19937's twist of one word from itself, the next word and the word 397 on (mt.c, mt_get). */
static inline unsigned long twist(unsigned long self, unsigned long next, unsigned long far)
{
    unsigned long y = (self & 0x80000000UL) | (next & 0x7fffffffUL);
    return far ^ (y >> 1) ^ ((y & 1) ? 0x9908b0dfUL : 0);
}

/* After LAZY_DRAWS = k draws: fills the words not read yet (k + 1 .. 396 and k + 397 .. 623) and
 * twists words k .. 623 as mt_get's loop twists them; mti stays k. */
static void finish_round(lazy_state *ls)
{
    unsigned long *mt = ls->mt.mt;
    int k = ls->mt.mti;
    for (int i = k + 1; i < MT_M; i++)
        mt[i] = init_word(ls->key, i);
    for (int i = k + MT_M; i < MT_N; i++)
        mt[i] = init_word(ls->key, i);
    /* mt_get's twist of word i reads words i + 1 and i + 397 modulo 624: split where they wrap, as
     * mt.c's own loops do, so that no index is taken modulo 624 (twice a word, a fifth of this
     * function's instructions). k = LAZY_DRAWS <= 227: i + 397 wraps from i = 227 on, i + 1 at 623. */
    for (int i = k; i < MT_N - MT_M; i++)
        mt[i] = twist(mt[i], mt[i + 1], mt[i + MT_M]);
    for (int i = MT_N - MT_M; i < MT_N - 1; i++)
        mt[i] = twist(mt[i], mt[i + 1], mt[i + MT_M - MT_N]);
    mt[MT_N - 1] = twist(mt[MT_N - 1], mt[0], mt[MT_M - 1]);
}

/* One of the first LAZY_DRAWS draws (see above): mt_get's twist of word k and its tempering.
 * Inline in both of the type's draw functions: gsl_rng_uniform calls get_double, and a call from
 * it to get was a tenth of a draw's instructions. */
static inline __attribute__((always_inline)) unsigned long lazy_word(lazy_state *ls)
{
    unsigned long *mt = ls->mt.mt;
    int k = ls->mt.mti;
    if (k == 0)
        mt[0] = init_word(ls->key, 0);
    mt[k + 1] = init_word(ls->key, k + 1);
    mt[k + MT_M] = init_word(ls->key, k + MT_M);
    mt[k] = twist(mt[k], mt[k + 1], mt[k + MT_M]);
    unsigned long t = mt[k];
    t ^= t >> 11;
    t ^= (t << 7) & 0x9d2c5680UL;
    t ^= (t << 15) & 0xefc60000UL;
    t ^= t >> 18;
    if (++ls->mt.mti == LAZY_DRAWS) {
        finish_round(ls);
        ls->owner->type = gsl_rng_mt19937; /* it draws word LAZY_DRAWS next, as mt_get would */
    }
    return t;
}

static unsigned long lazy_get(void *vstate) { return lazy_word(vstate); }
static double lazy_get_double(void *vstate) { return (double)lazy_word(vstate) / 4294967296.0; } /* mt_get_double */

/* gsl_rng_set on a stream (bgsim never does): MT19937's own seeding, which writes every word. */
static void lazy_set(void *vstate, unsigned long seed)
{
    lazy_state *ls = vstate;
    ls->owner->type = gsl_rng_mt19937;
    gsl_rng_mt19937->set(vstate, seed);
}

static const gsl_rng_type lazy_type = {"mt19937", 0xffffffffUL, 0, sizeof(mt_state), lazy_set, lazy_get,
                                       lazy_get_double};

gsl_rng *sim_rng_stream_new(uint64_t seed, uint64_t device, const char *name)
{
    if (!layout_known_ok())
        return NULL;
    gsl_rng *r = malloc(sizeof *r);
    if (!r)
        return NULL;
    lazy_state *ls = malloc(sizeof *ls);
    if (!ls) {
        free(r);
        return NULL;
    }
    ls->key = sim_rng_key(seed, device, name);
    ls->mt.mti = 0; /* no draw yet (see lazy_get) */
    ls->owner = r;
    r->state = ls;
    r->type = &lazy_type;
    return r;
}

typedef struct named_stream {
    uint64_t hash; /* sim_hash_str(name): compared before the name */
    char *name;
    gsl_rng *rng;
} named_stream;

struct sim_rng_set {
    uint64_t seed;
    uint64_t device;
    /* Few per device (one per model) but one or two per task: a scenario with 1,000 tasks has
     * 2,000, and scanning them all at each look-up made a run O(streams^2) (issue 24). streams
     * keeps creation order (freeing walks it); slots is an open-addressing index over it, linear
     * probing from the name's hash, at most half full. A slot holds a stream's index + 1, 0 when
     * empty. */
    named_stream *streams;
    size_t count;
    size_t capacity;
    uint32_t *slots;
    size_t slot_count; /* 0 or a power of two */
};

sim_rng_set *sim_rng_set_new(uint64_t seed, uint64_t device)
{
    sim_rng_set *set = calloc(1, sizeof *set);
    if (!set)
        return NULL;
    set->seed = seed;
    set->device = device;
    return set;
}

void sim_rng_set_free(sim_rng_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++) {
        free(set->streams[i].name);
        gsl_rng_free(set->streams[i].rng);
    }
    free(set->streams);
    free(set->slots);
    free(set);
}

/* The slot holding `name` (hash given), or the empty slot where it would go. */
static uint32_t *find_slot(const sim_rng_set *set, uint64_t hash, const char *name)
{
    size_t mask = set->slot_count - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
        uint32_t *slot = &set->slots[i];
        if (*slot == 0)
            return slot;
        const named_stream *st = &set->streams[*slot - 1];
        if (st->hash == hash && strcmp(st->name, name) == 0)
            return slot;
    }
}

/* Doubles the index (from 16 slots) and puts every stream back in it. */
static bool grow_slots(sim_rng_set *set)
{
    size_t n = set->slot_count ? set->slot_count * 2 : 16;
    if (n > UINT32_MAX)
        return false;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return false;
    free(set->slots);
    set->slots = slots;
    set->slot_count = n;
    for (size_t i = 0; i < set->count; i++)
        *find_slot(set, set->streams[i].hash, set->streams[i].name) = (uint32_t)(i + 1);
    return true;
}

gsl_rng *sim_rng_get(sim_rng_set *set, const char *name)
{
    uint64_t hash = sim_hash_str(name);
    if ((set->count + 1) * 2 > set->slot_count && !grow_slots(set))
        return NULL;
    uint32_t *slot = find_slot(set, hash, name);
    if (*slot)
        return set->streams[*slot - 1].rng;
    if (set->count == set->capacity) {
        size_t cap = set->capacity ? set->capacity * 2 : 8;
        named_stream *grown = realloc(set->streams, cap * sizeof *grown);
        if (!grown)
            return NULL;
        set->streams = grown;
        set->capacity = cap;
    }
    char *copy = util_strdup(name);
    if (!copy)
        return NULL;
    gsl_rng *rng = sim_rng_stream_new(set->seed, set->device, name);
    if (!rng) {
        free(copy);
        return NULL;
    }
    set->streams[set->count++] = (named_stream){.hash = hash, .name = copy, .rng = rng};
    *slot = (uint32_t)set->count;
    return rng;
}

size_t sim_rng_set_count(const sim_rng_set *set) { return set->count; }
