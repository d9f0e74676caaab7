/*
 * scn_models.h - the scenario's `device:` and `user:` sections, dispatched to the environment
 * models (models/device/mdl_model.h): each model gets its defaults, then parses its own key.
 */
#ifndef BGSIM_SCN_MODELS_H
#define BGSIM_SCN_MODELS_H

#include "scn_scenario.h"
#include "sch_walk.h"

/* Allocates every model's config with its defaults for the scenario's platform, then parses the
 * sections of `root` (which may be NULL: defaults only). Reports problems through cx. */
void scn_models_load(sch_cx *cx, const sch_node *root, scn_scenario *s);
void scn_models_free(scn_scenario *s);

#endif
