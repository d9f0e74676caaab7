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
 * A stream's generator is GSL's MT19937 with its full state written by fill() from the stream's
 * key. The fill (624 SplitMix64 steps, ~10,000 instructions) is done on the stream's first draw,
 * not when it is created: a run creates every model's streams and several are never drawn from
 * (6 of 17 in scenarios/default.yaml; issue 24). Until then the generator's type is lazy_type,
 * whose get and get_double fill the state, hand the generator to gsl_rng_mt19937 for good and draw
 * from it: the draws are exactly MT19937's from the filled state, and after the first one every
 * draw goes straight to GSL's MT19937 (no extra indirection). lazy_type has MT19937's name, range
 * and state size, which is all GSL reads of a type before drawing (gsl_rng_uniform_int reads max
 * and min; mt.c: max 0xffffffff, min 0, checked with the layout).
 *
 * The generator is built as gsl_rng_alloc builds one (gsl rng/rng.c: malloc the gsl_rng, a state
 * block of type->size bytes, the type) without its gsl_rng_set (624 steps that the fill
 * overwrites), and with malloc instead of calloc (the fill writes every word: zeroing 5 KB per
 * stream was 1.4 % of an Android sweep's instructions). gsl_rng_free frees exactly the two blocks
 * (free(r->state); free(r)), and gsl_rng is a public struct ({ const gsl_rng_type *type; void
 * *state; }). The state block holds, after MT's state, the key and a pointer back to the gsl_rng
 * (whose type the first draw changes).
 */
typedef struct lazy_state {
    mt_state mt;
    uint64_t key;
    gsl_rng *owner;
} lazy_state;

static void fill(mt_state *st, uint64_t x)
{
    for (int i = 0; i < MT_N; i++) {
        /* SplitMix64: the mixer over a Weyl sequence; 32-bit words, as mt.c keeps them. */
        st->mt[i] = (unsigned long)(sim_hash_mix(x) >> 32);
        x += 0x9e3779b97f4a7c15ULL;
    }
    /* As MT's init_by_array does: the top bit of mt[0] set guarantees a non-zero state. */
    st->mt[0] = 0x80000000UL;
    st->mti = MT_N;
}

/* The first draw: fill, then the generator is plain MT19937. */
static void *lazy_start(void *vstate)
{
    lazy_state *ls = vstate;
    fill(&ls->mt, ls->key);
    ls->owner->type = gsl_rng_mt19937;
    return vstate;
}

static unsigned long lazy_get(void *vstate) { return gsl_rng_mt19937->get(lazy_start(vstate)); }
static double lazy_get_double(void *vstate) { return gsl_rng_mt19937->get_double(lazy_start(vstate)); }
/* gsl_rng_set on an untouched stream (bgsim never does): MT19937's own seeding. */
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
