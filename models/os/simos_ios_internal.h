/*
 * simos_ios_internal.h - what the iOS OS model (simos_ios.c) and its `os:` section parser
 * (simos_ios_parse.c) share. Internal to models/os: nobody else includes it.
 */
#ifndef BGSIM_SIMOS_IOS_INTERNAL_H
#define BGSIM_SIMOS_IOS_INTERNAL_H

#include "simos_ios.h"

/* simos_ios_desc.keys: the section's keys besides `version`, NULL-terminated. */
extern const char *const simos_ios_keys[];

/* simos_ios_desc.parse: the scenario has checked the section's keys (with `version`) and set the
 * version's defaults in p (a simos_ios_config) already. */
void simos_ios_parse(sch_cx *cx, const sch_node *map, void *p);

#endif
