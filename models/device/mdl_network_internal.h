/*
 * mdl_network_internal.h - what the network model (mdl_network.c) and its section parser
 * (mdl_network_parse.c) share. Internal to models/device: nobody else includes it.
 */
#ifndef BGSIM_MDL_NETWORK_INTERNAL_H
#define BGSIM_MDL_NETWORK_INTERNAL_H

#include "mdl_network.h"

/* mdl_net_window.days for every day of the week (bits 0 = Monday to 6 = Sunday). */
#define MDL_NET_ALL_DAYS 0x7f

/* mdl_network_model.parse: reads `device.network` into config (an mdl_network_config holding the
 * defaults). */
void mdl_network_parse(sch_cx *cx, const sch_node *node, void *config);

/* For tests: whether the network model's table of schedule intervals says, at t, what the windows
 * say (Wi-Fi or work Wi-Fi, airplane) when each is tested on its own. */
bool mdl_network_schedule_table_agrees(const mdl_device *d, sim_time t);

#endif
