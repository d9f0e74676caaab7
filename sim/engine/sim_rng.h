/*
 * sim_rng.h - named random streams: one GSL generator per random source.
 *
 * Every model draws from its own stream, chosen by name ("battery", "network.outage",
 * "task.sync.duration"...). A stream's generator is seeded from (scenario seed, device index,
 * stream name) through a stable 64-bit hash, so:
 *  - the same triple gives the same draws on every run and every machine (the hash is defined
 *    here bit for bit, not taken from the C library);
 *  - a stream's draws depend on nothing else: creating another stream, in any order, or drawing
 *    more from it, never changes them. Adding a model therefore leaves every other model's
 *    behaviour exactly as it was (the ns-3 RngSeedManager / OMNeT++ idea, by name not number).
 *
 * The generator is xoshiro256++ (sim_rng.c says why and how it is seeded): 256 bits of state filled
 * from the stream's 64-bit key, so two streams of a fleet of 10^5 devices x 20 streams share a
 * state only if their keys collide (birthday bound 2^32 streams). Until 2026-12 it was GSL's
 * MT19937 with its 624-word state filled from the key; every draw, and so every fingerprint,
 * changed then (issue 24: a third of a run's CPU time went to drawing).
 *
 * Draws go through GSL's distributions (gsl_ran_*) on the gsl_rng this module hands out, except
 * exponential, normal and lognormal ones: sim_rng_exponential, sim_rng_gaussian, sim_rng_lognormal
 * (ziggurats: a draw is mostly one generator step and a table look-up).
 */
#ifndef BGSIM_SIM_RNG_H
#define BGSIM_SIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

/* FNV-1a 64 of a string: the stable name hash (also useful to other layers for fingerprints). */
uint64_t sim_hash_str(const char *s);
/* SplitMix64's finalizer: a bijective 64-bit mixer. */
uint64_t sim_hash_mix(uint64_t x);
/* The 64-bit key of a stream: mixes seed, device index and name hash, in that order. */
uint64_t sim_rng_key(uint64_t seed, uint64_t device, const char *name);

/* A stream's state (gsl_rng_state() of a stream): xoshiro256++'s four words. */
typedef struct sim_rng_state {
    uint64_t s[4];
} sim_rng_state;

/* The streams' GSL type, "xoshiro256++" (range 0 .. 2^32 - 1; sim_rng.c). */
extern const gsl_rng_type *const sim_rng_xoshiro256pp;

/* One step of xoshiro256++ on a stream's state: the next 64-bit output (sim_rng.c says which
 * generator and why). Here, not in sim_rng.c, so that sim_rng_uniform inlines it. */
static inline uint64_t sim_rng_xo_next(sim_rng_state *st)
{
    uint64_t *s = st->s;
    const uint64_t sum = s[0] + s[3];
    const uint64_t out = ((sum << 23) | (sum >> 41)) + s[0];
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return out;
}

/* A stream's double: the upper 53 bits of an output times 2^-53, in [0, 1) (the type's get_double). */
static inline double sim_rng_xo_double(sim_rng_state *st) { return (double)(sim_rng_xo_next(st) >> 11) * 0x1.0p-53; }

/*
 * gsl_rng_uniform(r), bit for bit and consuming the same output, without GSL's out-of-line call
 * and the type's indirect one on a stream of this module (a tenth of a uniform draw's instructions,
 * issue 24); any other generator goes through GSL.
 */
static inline double sim_rng_uniform(gsl_rng *r)
{
    if (r->type == sim_rng_xoshiro256pp)
        return sim_rng_xo_double(r->state);
    return gsl_rng_uniform(r);
}

/* A new generator for the stream (seed, device, name). The caller owns it and frees it with
 * gsl_rng_free(). NULL when out of memory. */
gsl_rng *sim_rng_stream_new(uint64_t seed, uint64_t device, const char *name);

/*
 * An exponential draw of mean mu (>= 0, finite). On a stream of this module: the ziggurat of
 * Marsaglia & Tsang (sim_rng.c), which needs libm in 1.1 % of draws only; on any other GSL
 * generator: inversion, -mu log(1 - u). (issue 24: GSL's gsl_ran_exponential, -mu log1p(-u), was
 * a tenth of an Android sweep's CPU time.)
 */
double sim_rng_exponential(gsl_rng *r, double mu);

/*
 * A normal draw of mean 0 and standard deviation sigma. On a stream of this module: Marsaglia &
 * Tsang's ziggurat (sim_rng.c), which needs libm in 1.2 % of draws only; on any other GSL
 * generator: GSL's gsl_ran_gaussian_ziggurat.
 */
double sim_rng_gaussian(gsl_rng *r, double sigma);

/*
 * A lognormal draw: exp(sigma * z + zeta), z a standard normal draw of sim_rng_gaussian's ziggurat
 * on a stream of this module (the distribution of GSL's gsl_ran_lognormal(r, zeta, sigma), not its
 * draws: until 2026-12-06 this was GSL's polar Box-Muller method bit for bit, three times the CPU);
 * on any other generator gsl_ran_lognormal itself.
 */
double sim_rng_lognormal(gsl_rng *r, double zeta, double sigma);

/*
 * A set of named streams for one simulated device, created on first use and owned by the set.
 * Names are compared by content; the pointer returned stays valid until sim_rng_set_free().
 */
typedef struct sim_rng_set sim_rng_set;

sim_rng_set *sim_rng_set_new(uint64_t seed, uint64_t device);
/* Frees the set and every stream in it. NULL is a no-op. */
void sim_rng_set_free(sim_rng_set *set);
/* The stream called `name`, created on first use. NULL when out of memory. */
gsl_rng *sim_rng_get(sim_rng_set *set, const char *name);
size_t sim_rng_set_count(const sim_rng_set *set);

#endif
