/*
 * mdl_model.h - how an environment model plugs into scenarios and runs.
 *
 * A model is a module with one descriptor: models/device/mdl_<name>.{h,c} (its config, defaults,
 * dynamics and descriptor), mdl_<name>_parse.c (its YAML section, read with the sch_ schema kit)
 * and mdl_<name>_internal.h (what only those two share: the parse function). The scenario loader
 * gives it its own section (`device.<key>` or `user.<key>`) to parse, and the runner starts it on
 * the device. Adding a model = writing the module, giving it a slot in enum mdl_slot below and its
 * descriptor to mdl_models[] at that slot in mdl_registry.c; nothing else changes.
 *
 * Contract:
 *  - defaults(): the model's defaults, each citing its source or marked "assumption". Called for
 *    every scenario, whether or not the section is present (a scenario without `device.battery`
 *    still has a battery).
 *  - no_random(): optional; turns every random source of a config holding the defaults off
 *    (`randomness: none`, a fully scripted scenario), before parse(): a section may still turn one
 *    back on. What stays deterministic (a schedule, a sleep window) stays.
 *  - parse(): reads the section into the config; reports every problem through cx (never stops
 *    at the first), never takes a default silently for a bad value.
 *  - start(): sets the model's initial device state (without emitting), subscribes to the
 *    signals it reacts to, schedules its first events in SIM_PHASE_ENVIRONMENT, keeps its
 *    private state in d->models[index]. It draws only from its own named random streams
 *    (sim_rng_get(d->rngs, "<key>.<purpose>")), so it never perturbs another model.
 *  - stop(): frees the private state (the engine may still hold its events; they are never fired
 *    after stop because the runner frees the engine too).
 *  - Every state change it makes is traced as "<layer>.<event>" (scenarios/TRACE.md lists them).
 */
#ifndef BGSIM_MDL_MODEL_H
#define BGSIM_MDL_MODEL_H

#include <stddef.h>

#include "mdl_device.h"
#include "sch_walk.h"

typedef struct mdl_model {
    const char *parent; /* "device" or "user" */
    const char *key;    /* the section's key */
    size_t config_size;
    void (*defaults)(void *config, mdl_platform platform);
    void (*parse)(sch_cx *cx, const sch_node *node, void *config);
    void (*no_random)(void *config); /* may be NULL: the model draws nothing */
    int (*start)(mdl_device *d, int index, const void *config);
    void (*stop)(mdl_device *d, int index);
} mdl_model;

/* Every model, in start order (which is also the order of their events at equal keys). */
extern const mdl_model *const mdl_models[];
size_t mdl_model_count(void);
/* Each model's slot in mdl_models[] and d->models[], in start order: a model's read API (asked by
 * the OS models at every evaluation) finds its state at d->models[its slot] (NULL when not
 * started), with no walk of the registry. */
enum mdl_slot { MDL_SLOT_BATTERY, MDL_SLOT_NETWORK, MDL_SLOT_SETTINGS, MDL_SLOT_USAGE, MDL_SLOT_KILLS, MDL_SLOT_COUNT };

#endif
