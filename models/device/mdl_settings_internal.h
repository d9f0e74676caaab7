/*
 * mdl_settings_internal.h - what the settings model (mdl_settings.c) and its section parser
 * (mdl_settings_parse.c) share. Internal to models/device: nobody else includes it.
 */
#ifndef BGSIM_MDL_SETTINGS_INTERNAL_H
#define BGSIM_MDL_SETTINGS_INTERNAL_H

#include "mdl_settings.h"

/* mdl_settings_model.parse: reads `device.settings` into config (an mdl_settings_config holding
 * the defaults, its platform set). */
void mdl_settings_parse(sch_cx *cx, const sch_node *node, void *config);

#endif
