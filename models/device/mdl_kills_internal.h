/*
 * mdl_kills_internal.h - what the kills model (mdl_kills.c) and its section parser
 * (mdl_kills_parse.c) share. Internal to models/device: nobody else includes it.
 */
#ifndef BGSIM_MDL_KILLS_INTERNAL_H
#define BGSIM_MDL_KILLS_INTERNAL_H

#include "mdl_kills.h"

/* mdl_kills_model.parse: reads `device.kills` into config (an mdl_kills_config holding the
 * platform's defaults). */
void mdl_kills_parse(sch_cx *cx, const sch_node *node, void *config);

#endif
