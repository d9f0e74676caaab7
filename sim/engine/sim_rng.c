/*
 * sim_rng.c - stable stream keys and the streams' generator, xoshiro256++ as a GSL type.
 */
#include "sim_rng.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

/* A stream's key in two steps, so that a set (which shares seed and device) mixes the first once:
 * the part of (seed, device), then the name's hash mixed into it. */
static uint64_t key_base(uint64_t seed, uint64_t device) { return sim_hash_mix(sim_hash_mix(seed) ^ device); }
static uint64_t key_of(uint64_t base, uint64_t name_hash) { return sim_hash_mix(base ^ name_hash); }

uint64_t sim_rng_key(uint64_t seed, uint64_t device, const char *name)
{
    return key_of(key_base(seed, device), sim_hash_str(name));
}

/*
 * xoshiro256++ (Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS
 * 47(4), 2021, section 4.2; the authors' reference code is prng.di.unimi.it/xoshiro256plusplus.c):
 * four 64-bit words of state, a linear engine (xor, shift, rotate) and the "++" scrambler, period
 * 2^256 - 1, no systematic failure in BigCrush or PractRand by the authors' tests. One step
 * (sim_rng_xo_next, in sim_rng.h to be inlined) is about a dozen instructions; MT19937, the generator before, took ~30 for a word and a 2.5 KiB state.
 *
 * A stream's state is s[i] = sim_hash_mix(key + i * 0x9e3779b97f4a7c15) for i = 0..3: four
 * consecutive outputs of SplitMix64 started at the key, the seeding the authors recommend. The
 * state is never all zero (the one fixed point of the engine): sim_hash_mix is a bijection and the
 * four inputs differ, so at most one word is zero.
 *
 * As a gsl_rng_type: a word (gsl_rng_get) is the upper 32 bits of an output, and a double
 * (gsl_rng_uniform) is the upper 53 bits times 2^-53, the authors' conversion, in [0, 1). The range
 * stays 32 bits on purpose: GSL's distributions and scn_fleet's wide pick assume a 32-bit word, and
 * an unsigned long is 32 bits on some hosts.
 */
static void xo_seed(sim_rng_state *st, uint64_t key)
{
    for (unsigned i = 0; i < 4; i++)
        st->s[i] = sim_hash_mix(key + (uint64_t)i * 0x9e3779b97f4a7c15ULL);
}

static unsigned long xo_get(void *st) { return (unsigned long)(sim_rng_xo_next(st) >> 32); }
static double xo_get_double(void *st) { return sim_rng_xo_double(st); }
/* gsl_rng_set on a stream (bgsim never does): the state of the key `seed`. */
static void xo_set(void *st, unsigned long seed) { xo_seed(st, (uint64_t)seed); }

static const gsl_rng_type xo_type = {"xoshiro256++", 0xffffffffUL, 0, sizeof(sim_rng_state), xo_set, xo_get,
                                     xo_get_double};
const gsl_rng_type *const sim_rng_xoshiro256pp = &xo_type;

/* Built as gsl_rng_alloc builds a generator (gsl rng/rng.c: the gsl_rng, a state block of the
 * type's size, freed by gsl_rng_free), without its default seeding, and without GSL's error
 * handler on a failed malloc (which aborts unless a program turns it off): NULL instead. */
gsl_rng *sim_rng_stream_new(uint64_t seed, uint64_t device, const char *name)
{
    gsl_rng *r = malloc(sizeof *r);
    sim_rng_state *st = malloc(sizeof *st);
    if (!r || !st) {
        free(r);
        free(st);
        return NULL;
    }
    xo_seed(st, sim_rng_key(seed, device, name));
    r->type = &xo_type;
    r->state = st;
    return r;
}

/*
 * Exponential draws on a stream: Marsaglia & Tsang's ziggurat ("The Ziggurat Method for Generating
 * Random Variables", J. Stat. Software 5(8), 2000; their REXP with 256 strips, r = 7.69711747013104972,
 * v = 3.949659822581572e-3, tables built as their zigset builds them). Strip i covers [0, x_i) with
 * x_1 < ... < x_255 = r; a draw x = j * x_i / 2^53 is under the curve at once when x < x_{i-1}
 * (z_k[i] = x_{i-1} / x_i * 2^53), which is 98.9 % of draws: one generator step, a table load, a
 * compare and a multiply, no libm. Otherwise strip 0 returns r + Exp(1) past its rectangle (by
 * inversion: the tail is memoryless), and the others accept x under the curve in their wedge.
 *
 * One 64-bit output gives the strip (its low 8 bits) and j (its high 53 bits), disjoint bits, so the
 * strip and the position in it are independent (Doornik 2005 showed the original's reuse of the
 * same 32 bits for both biases it). Until 2026-12-06 bgsim drew -mu log(1 - u) here: log was 6 % of
 * an Android sweep's CPU time, and this costs about a third as much (issue 24).
 */
#define ZIG_R 7.69711747013104972
#define ZIG_V 3.949659822581572e-3
static uint64_t zig_k[256];
static double zig_w[256], zig_f[256];

/*
 * Marsaglia & Tsang's zigset for 256 strips under a decreasing density f with f(0) = 1 and
 * inverse f_inv, from their r and v, in their order of operations: k (scaled to 2^53), w (x_i /
 * 2^53) and fv (f(x_i)). The exponential's tables above and the normal's below are this with their
 * own f; built once per process before main (constructors: no lock on the draw's path).
 */
static void zig_tables(double r, double v, double (*f)(double), double (*f_inv)(double), uint64_t k[256],
                       double w[256], double fv[256])
{
    double d = r, t = d;
    const double q = v / f(d);
    k[0] = (uint64_t)(d / q * 0x1.0p53);
    k[1] = 0;
    w[0] = q * 0x1.0p-53;
    w[255] = d * 0x1.0p-53;
    fv[0] = 1.0;
    fv[255] = f(d);
    for (int i = 254; i >= 1; i--) {
        d = f_inv(v / d + f(d));
        k[i + 1] = (uint64_t)(d / t * 0x1.0p53);
        t = d;
        fv[i] = f(d);
        w[i] = d * 0x1.0p-53;
    }
}

static double exp_density(double x) { return exp(-x); }
static double exp_density_inv(double y) { return -log(y); }
/* An Exp(1) draw by inversion, -log(1 - u) with u in [0, 1): the ziggurats' tails draw past r so. */
static double xo_exp1(sim_rng_state *st) { return -log(1.0 - sim_rng_xo_double(st)); }
__attribute__((constructor)) static void zig_init(void)
{
    zig_tables(ZIG_R, ZIG_V, exp_density, exp_density_inv, zig_k, zig_w, zig_f);
}

/* The ziggurat's rare rest (1.1 % of draws), from an output u = (j << 11 | ..., strip i) whose
 * x = j * x_i is not under the curve at once: the tail, or the wedge test, then fresh outputs as
 * sim_rng_exponential's loop draws them. Out of line and cold, so that the common path is a leaf
 * that saves no register (its libm calls made every draw save and restore six, ~20 instructions
 * of ~55, issue 24); the draws and operations are the loop's own, in its order. */
__attribute__((noinline, cold)) static double zig_rest(sim_rng_state *st, double mu, unsigned i, uint64_t j)
{
    for (;;) {
        if (i == 0)
            return mu * (ZIG_R + xo_exp1(st));
        const double x = (double)j * zig_w[i];
        if (zig_f[i] + sim_rng_xo_double(st) * (zig_f[i - 1] - zig_f[i]) < exp_density(x))
            return mu * x;
        const uint64_t u = sim_rng_xo_next(st);
        i = (unsigned)(u & 255);
        j = u >> 11;
        if (j < zig_k[i])
            return mu * ((double)j * zig_w[i]);
    }
}

double sim_rng_exponential(gsl_rng *r, double mu)
{
    if (r->type != &xo_type) /* another GSL generator (tests, tools): inversion */
        return -mu * log(1.0 - gsl_rng_uniform(r));
    sim_rng_state *st = r->state;
    const uint64_t u = sim_rng_xo_next(st);
    const unsigned i = (unsigned)(u & 255);
    const uint64_t j = u >> 11;
    if (j < zig_k[i])
        return mu * ((double)j * zig_w[i]);
    return zig_rest(st, mu, i, j);
}

/*
 * Normal draws on a stream: the same authors' RNOR, with 256 strips (r = 3.6541528853610088,
 * v = 4.92867323399e-3, the constants of their 256-strip normal table; tables by zig_tables, with
 * the density exp(-x^2 / 2)), on the same plan as the exponential above: one 64-bit output gives the strip
 * (bits 0-7), the sign (bit 8) and j (bits 11-63, 53 bits); x = j * x_i / 2^53 is under the curve at
 * once when j < nor_k[i] (98.8 % of draws). Otherwise strip 0 draws the tail past r by Marsaglia's
 * method (x = -log(u1) / r, y = -log(u2) until 2y >= x^2; r + x), and the others accept x under the
 * curve in their wedge, else draw a fresh output. The sign is put on by flipping the double's sign
 * bit, not by a branch: it is a fair coin, and a branch on it mispredicted half the draws (a
 * lognormal draw, its exp included, took 9.6 ns with the branch and 5.4 without; 2x10^7 draws).
 *
 * Until 2026-12-06 a lognormal draw was GSL's gsl_ran_lognormal bit for bit: the polar Box-Muller
 * method, 2.55 uniforms, a log, a sqrt and a division before its exp (22.5 ns a draw against 5.4 in
 * the same micro-benchmark; 16 % of an iOS sweep's CPU time, issue 24). Every lognormal and normal
 * draw, and so every fingerprint, changed then.
 */
#define NOR_R 3.6541528853610088
#define NOR_V 4.92867323399e-3
static uint64_t nor_k[256];
static double nor_w[256], nor_f[256];

static double nor_density(double x) { return exp(-0.5 * x * x); }
static double nor_density_inv(double y) { return sqrt(-2.0 * log(y)); }
__attribute__((constructor)) static void nor_init(void)
{
    zig_tables(NOR_R, NOR_V, nor_density, nor_density_inv, nor_k, nor_w, nor_f);
}

/* x with the sign of the output u's bit 8. */
static inline double nor_signed(double x, uint64_t u)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    b ^= (u & 256) << 55;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* The normal ziggurat's rare rest (1.2 % of draws), as zig_rest is the exponential's: out of line
 * and cold, so that the common path saves no register. */
__attribute__((noinline, cold)) static double nor_rest(sim_rng_state *st, uint64_t u)
{
    for (;;) {
        const unsigned i = (unsigned)(u & 255);
        const uint64_t j = u >> 11;
        double x = (double)j * nor_w[i];
        if (j < nor_k[i])
            return nor_signed(x, u);
        if (i == 0) {
            double y;
            do {
                x = xo_exp1(st) / NOR_R;
                y = xo_exp1(st);
            } while (y + y < x * x);
            return nor_signed(NOR_R + x, u);
        }
        if (nor_f[i] + sim_rng_xo_double(st) * (nor_f[i - 1] - nor_f[i]) < nor_density(x))
            return nor_signed(x, u);
        u = sim_rng_xo_next(st);
    }
}

/* A standard normal draw on a stream of this module. */
static inline double nor_draw(sim_rng_state *st)
{
    const uint64_t u = sim_rng_xo_next(st);
    const unsigned i = (unsigned)(u & 255);
    const uint64_t j = u >> 11;
    if (j < nor_k[i])
        return nor_signed((double)j * nor_w[i], u);
    return nor_rest(st, u);
}

double sim_rng_gaussian(gsl_rng *r, double sigma)
{
    if (r->type != &xo_type)
        return gsl_ran_gaussian_ziggurat(r, sigma);
    return sigma * nor_draw(r->state);
}

double sim_rng_lognormal(gsl_rng *r, double zeta, double sigma)
{
    if (r->type != &xo_type)
        return gsl_ran_lognormal(r, zeta, sigma);
    return exp(sigma * nor_draw(r->state) + zeta);
}

/* A set's stream: the generator, its state and its name in one block (sim_rng_stream_new and a
 * copy of the name were three, ~300 instructions a stream, ~40 streams a device run; issue 24). The
 * gsl_rng is first: the block's address is the stream's. Blocks are carved from the set's chunks
 * (never gsl_rng_free, which would free the state on its own). */
typedef struct set_stream {
    gsl_rng rng;
    sim_rng_state state;
    char name[];
} set_stream;

typedef struct named_stream {
    uint64_t hash; /* sim_hash_str(name): compared before the name */
    const char *name; /* in the block */
    set_stream *block;
} named_stream;

/* The set's streams are carved one after another from chunks of CHUNK_BYTES (a stream with a
 * longer name gets a chunk of its own size), so a device run's ~20 streams cost one or two
 * allocations, not one each, and are freed as many: a sweep creates and frees them for every seed
 * (an ideal sweep: 13 % of a seed's fixed cost was its streams, callgrind; issue 24). A chunk is
 * never moved or reused: the streams handed out stay where they are until the set is freed. */
#define CHUNK_BYTES 2048
typedef struct chunk {
    struct chunk *prev; /* the chunk filled before this one, NULL for the first */
    size_t used;        /* bytes of data[] handed out */
    size_t size;        /* bytes of data[] */
    _Alignas(max_align_t) unsigned char data[];
} chunk;

struct sim_rng_set {
    uint64_t seed;
    uint64_t device;
    /* key_base(seed, device): the part of every stream's key (sim_rng_key) that its name does not
     * change, mixed once for the set. */
    uint64_t key_base;
    /* Few per device (one per model) but one or two per task: a scenario with 1,000 tasks has
     * 2,000, and scanning them all at each look-up made a run O(streams^2) (issue 24). streams
     * keeps creation order; slots is an open-addressing index over it, linear probing from the
     * name's hash, at most half full. A slot holds a stream's index + 1, 0 when empty. */
    named_stream *streams;
    size_t count;
    size_t capacity;
    uint32_t *slots;
    size_t slot_count; /* 0 or a power of two */
    chunk *chunks; /* the newest, where the next stream goes if it fits; NULL before the first */
};

sim_rng_set *sim_rng_set_new(uint64_t seed, uint64_t device)
{
    sim_rng_set *set = calloc(1, sizeof *set);
    if (!set)
        return NULL;
    set->seed = seed;
    set->device = device;
    set->key_base = key_base(seed, device);
    return set;
}

void sim_rng_set_free(sim_rng_set *set)
{
    if (!set)
        return;
    for (chunk *c = set->chunks, *prev; c; c = prev) {
        prev = c->prev;
        free(c);
    }
    free(set->streams);
    free(set->slots);
    free(set);
}

/* Room for a stream block of `bytes` (a multiple of max_align_t's alignment), from the newest chunk
 * or a new one. NULL when out of memory. */
static set_stream *carve(sim_rng_set *set, size_t bytes)
{
    chunk *c = set->chunks;
    if (!c || c->size - c->used < bytes) {
        size_t size = bytes > CHUNK_BYTES ? bytes : CHUNK_BYTES;
        c = malloc(sizeof *c + size);
        if (!c)
            return NULL;
        *c = (chunk){.prev = set->chunks, .used = 0, .size = size};
        set->chunks = c;
    }
    set_stream *b = (set_stream *)(void *)(c->data + c->used);
    c->used += bytes;
    return b;
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
        return &set->streams[*slot - 1].block->rng;
    if (set->count == set->capacity) {
        size_t cap = set->capacity ? set->capacity * 2 : 8;
        named_stream *grown = realloc(set->streams, cap * sizeof *grown);
        if (!grown)
            return NULL;
        set->streams = grown;
        set->capacity = cap;
    }
    size_t len = strlen(name);
    const size_t align = _Alignof(max_align_t);
    set_stream *b = carve(set, (sizeof *b + len + 1 + align - 1) / align * align);
    if (!b)
        return NULL;
    memcpy(b->name, name, len + 1);
    /* sim_rng_key(seed, device, name), as sim_rng_stream_new seeds, from the set's part of it and
     * the name's hash already at hand (the name is hashed once, not twice). */
    xo_seed(&b->state, key_of(set->key_base, hash));
    b->rng.type = &xo_type;
    b->rng.state = &b->state;
    set->streams[set->count++] = (named_stream){.hash = hash, .name = b->name, .block = b};
    *slot = (uint32_t)set->count;
    return &b->rng;
}

size_t sim_rng_set_count(const sim_rng_set *set) { return set->count; }
