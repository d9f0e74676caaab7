/*
 * mdl_registry.c - the list of environment models. Order matters only for start-up: models start
 * in this order, so their initial events are scheduled (and fire at equal keys) in this order.
 */
#include "mdl_model.h"

const mdl_model *const mdl_models[] = {
    NULL,
};

size_t mdl_model_count(void) { return sizeof mdl_models / sizeof mdl_models[0] - 1; }
