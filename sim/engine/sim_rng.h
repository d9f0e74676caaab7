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
 * The generator is GSL's MT19937 (period 2^19937 - 1, equidistributed in 623 dimensions). GSL
 * seeds generators from one unsigned long, which MT19937 truncates to 32 bits: among a fleet of
 * 10^5 devices x 10 streams two streams would then share a seed with near certainty (birthday
 * bound 2^16). The full 624-word state is therefore filled from the 64-bit key with SplitMix64,
 * as numpy's SeedSequence does; sim_rng_stream_new() checks the state layout it writes against
 * gsl_rng_size() and refuses (returns NULL) on a GSL whose MT19937 state differs. The fill happens
 * on the stream's first draw (a stream never drawn from costs no fill); the draws are the same.
 *
 * Draws go through GSL's distributions (gsl_ran_*) on the gsl_rng this module hands out.
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

/*
 * A new generator for the stream (seed, device, name). The caller owns it and frees it with
 * gsl_rng_free(). NULL when out of memory or when GSL's MT19937 state layout is not the expected
 * one (see above).
 */
gsl_rng *sim_rng_stream_new(uint64_t seed, uint64_t device, const char *name);

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
