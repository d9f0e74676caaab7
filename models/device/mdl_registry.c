/*
 * mdl_registry.c - the list of environment models. Order matters only for start-up: models start
 * in this order, so their initial events are scheduled (and fire at equal keys) in this order.
 */
#include "mdl_battery.h"
#include "mdl_kills.h"
#include "mdl_model.h"
#include "mdl_network.h"
#include "mdl_settings.h"
#include "mdl_usage.h"

const mdl_model *const mdl_models[] = {
    [MDL_SLOT_BATTERY] = &mdl_battery_model,
    [MDL_SLOT_NETWORK] = &mdl_network_model,
    [MDL_SLOT_SETTINGS] = &mdl_settings_model,
    [MDL_SLOT_USAGE] = &mdl_usage_model,
    [MDL_SLOT_KILLS] = &mdl_kills_model,
    [MDL_SLOT_COUNT] = NULL,
};

_Static_assert(sizeof mdl_models / sizeof mdl_models[0] == MDL_SLOT_COUNT + 1, "one slot per model");
_Static_assert(MDL_SLOT_COUNT <= MDL_MAX_MODELS, "d->models[] holds every model");

size_t mdl_model_count(void) { return sizeof mdl_models / sizeof mdl_models[0] - 1; }
