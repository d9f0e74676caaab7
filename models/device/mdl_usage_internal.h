/*
 * mdl_usage_internal.h - what the user model (mdl_usage.c) and its section parser
 * (mdl_usage_parse.c) share. Internal to models/device: nobody else includes it.
 */
#ifndef BGSIM_MDL_USAGE_INTERNAL_H
#define BGSIM_MDL_USAGE_INTERNAL_H

#include "mdl_usage.h"

/* mdl_usage_model.parse: reads `user.usage` into config (an mdl_usage_config holding the
 * defaults). */
void mdl_usage_parse(sch_cx *cx, const sch_node *node, void *config);

/* The length of a daily window [from, to) of local time; a `to` at or before `from` ends the next
 * day (from == to: a whole day). */
static inline sim_time mdl_usage_span(sim_time from, sim_time to)
{
    return to > from ? to - from : to + SIM_MS_PER_DAY - from;
}

#endif
