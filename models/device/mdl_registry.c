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
    &mdl_battery_model,
    &mdl_network_model,
    &mdl_settings_model,
    &mdl_usage_model,
    &mdl_kills_model,
    NULL,
};

size_t mdl_model_count(void) { return sizeof mdl_models / sizeof mdl_models[0] - 1; }
