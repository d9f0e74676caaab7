/*
 * scn_fleet.h - a scenario's `fleet:` section: a population of devices, each a variant of the file.
 *
 *   fleet:
 *     devices: 1000                  # how many `bgsim fleet` simulates without --devices
 *     vary:                          # every device draws these first
 *       os.version: { choice: { "13": 20%, "14": 50%, "15": 30% } }
 *     profiles:                      # a mixture: each device draws one, by weight
 *       - name: pixel-nightly
 *         weight: 40%
 *         set:                       # fixed values, as `--set KEY=VALUE` (scenarios/SET.md)
 *           platform: android
 *           device.battery.charging.nightly.probability: 95%
 *         vary:                      # values drawn per device, after `set`
 *           device.battery.charging.nightly.from: { uniform: ["22:00", "01:00"] }
 *
 * Device k's scenario is the file with, in this order (a later value of a key wins): the fleet's
 * `vary` values, its profile's `set` values, its profile's `vary` values; then it is validated like
 * the file itself (scn_load_variant). Its random draws come from streams seeded from (seed, k,
 * name) (sim_rng.h): "fleet.profile" picks the profile, "fleet.vary.<key>" and
 * "fleet.profile.<name>.vary.<key>" draw the values, and the simulation's own streams use device
 * index k too. So device k is the same device whatever the number of devices, threads or ranks.
 *
 * Distributions of `vary` (scenarios/README.md, "Fleets"):
 *   { choice: [a, b, c] }                 equal chances; items may be any YAML value
 *   { choice: { a: 40%, b: 60% } }        weights (percentages or numbers >= 0, normalised)
 *   { uniform: [lo, hi] }                 every grid value from lo to hi, equally likely
 *   { normal: { mean: m, sd: s } }        rounded to the grid
 *   { lognormal: { median: m, sigma: s } }
 *   with optional `min:` / `max:` (values are clamped to them) and `step:` (the grid).
 * The kind of value comes from how the numbers are written: an integer (`12`), a decimal
 * (`0.25`: the grid is the finest decimal place written), a percentage (`12.5%`), a duration
 * (`15m`: the grid is the largest of 1d, 1h, 1m, 1s, 1ms that divides every value written, so
 * whole-minute keys get whole minutes) or a time of day (`"22:00"`: minutes, or seconds when one
 * is written; a uniform range with hi < lo wraps past midnight; a normal's sd is a duration).
 * Drawn values are written back as text in that kind and validated by the key's own schema.
 *
 * Ownership: a parsed fleet owns every string and array in it (scn_fleet_free). A drawn device
 * (scn_fleet_device) holds overrides that borrow from the fleet and from its own buffers: valid
 * while both live.
 */
#ifndef BGSIM_SCN_FLEET_H
#define BGSIM_SCN_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sch_walk.h"
#include "scn_set.h"

#define SCN_FLEET_MAX_PROFILES 64
#define SCN_FLEET_MAX_SET 64      /* `set` keys per profile */
#define SCN_FLEET_MAX_VARY 32     /* `vary` keys of the fleet, and of each profile */
#define SCN_FLEET_MAX_CHOICES 256
#define SCN_FLEET_MAX_DEVICES ((uint64_t)1 << 32)
#define SCN_FLEET_VALUE_MAX 512   /* a drawn value's text (a choice's value written in flow YAML) */

typedef enum scn_vary_dist { SCN_VARY_CHOICE = 1, SCN_VARY_UNIFORM, SCN_VARY_NORMAL, SCN_VARY_LOGNORMAL } scn_vary_dist;
/* How a drawn number is written: its grid is `grid` units of... */
typedef enum scn_vary_type {
    SCN_VT_INT = 1,      /* 1 */
    SCN_VT_NUMBER,       /* 10^-decimals */
    SCN_VT_PERCENT,      /* 10^-decimals percent */
    SCN_VT_DURATION,     /* `grid` ms */
    SCN_VT_TIME_OF_DAY   /* `grid` ms (a minute or a second), modulo a day */
} scn_vary_type;

typedef struct scn_vary {
    scn_override ov;        /* the key's path (value: the first choice, for messages) */
    char *stream;           /* "fleet.vary.<key>" / "fleet.profile.<name>.vary.<key>" */
    scn_vary_dist dist;
    /* choice */
    char **choices;         /* flow YAML text of each value */
    double *cumulative;     /* normalised cumulative weights; the last is 1 */
    size_t n_choices;
    /* numbers, in grid units (value = units * grid scale) */
    scn_vary_type type;
    int decimals;           /* NUMBER, PERCENT */
    int64_t grid_ms;        /* DURATION, TIME_OF_DAY */
    double a, b;            /* uniform lo/hi, normal mean/sd, lognormal median/sigma (sigma plain) */
    bool has_min, has_max;
    int64_t min, max;       /* clamps, in grid units */
    int line, column;       /* the distribution's position */
} scn_vary;

typedef struct scn_profile {
    char *name;
    double weight;
    char *label;            /* "fleet profile 'name': " for messages */
    scn_override *sets;
    size_t n_sets;
    scn_vary *varies;
    size_t n_varies;
} scn_profile;

typedef struct scn_fleet {
    uint64_t devices;       /* `devices:`, 0 when not written */
    scn_profile *profiles;  /* at least one: without `profiles:`, one named "all" */
    size_t n_profiles;
    double *cumulative;     /* profiles' normalised cumulative weights */
    scn_vary *varies;       /* fleet-wide */
    size_t n_varies;
} scn_fleet;

/* Parses the `fleet` node (cx's path is at "fleet"). Reports problems through cx. */
void scn_fleet_parse(sch_cx *cx, const sch_node *node, scn_fleet *out);
void scn_fleet_free(scn_fleet *f);

#define SCN_FLEET_MAX_OVERRIDES (2 * SCN_FLEET_MAX_VARY + SCN_FLEET_MAX_SET)

typedef struct scn_fleet_device {
    size_t profile;
    scn_override ov[SCN_FLEET_MAX_OVERRIDES];
    size_t n;
    char label[160];                                /* "fleet device 17 (profile 'x'), drawn: " */
    char value[2 * SCN_FLEET_MAX_VARY][SCN_FLEET_VALUE_MAX];
    char text[2 * SCN_FLEET_MAX_VARY][SCN_FLEET_VALUE_MAX + 256];
} scn_fleet_device;

/* Device k of the fleet: its profile and its overrides, in the order they apply. 0, or -1 when out
 * of memory (a random stream could not be made). */
int scn_fleet_draw(const scn_fleet *f, uint64_t seed, uint64_t k, scn_fleet_device *out);

/*
 * Probes to validate a fleet before simulating it: for profile p, probe 0 sets every varied value
 * to its low end, probe 1 to its high end (uniform: lo, hi; normal: mean -/+ 3 sd; lognormal:
 * median e^(-/+3 sigma); clamped to min/max), and one more probe per choice value (the other varied
 * values at their low end). Loading every probe of every profile catches a misspelt key or a value
 * out of a key's range at the line that wrote it, before any device runs.
 */
size_t scn_fleet_probe_count(const scn_fleet *f, size_t p);
void scn_fleet_probe(const scn_fleet *f, size_t p, size_t i, scn_fleet_device *out);

#endif
