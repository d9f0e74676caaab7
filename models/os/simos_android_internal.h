/*
 * simos_android_internal.h - what the Android OS model (simos_android.c) and its `os:` section
 * parser (simos_android_parse.c) share. Internal to models/os: nobody else includes it.
 */
#ifndef BGSIM_SIMOS_ANDROID_INTERNAL_H
#define BGSIM_SIMOS_ANDROID_INTERNAL_H

#include "simos_android.h"

/* simos_android_desc.keys: the section's keys besides `version`, NULL-terminated. */
extern const char *const simos_android_keys[];

/* simos_android_desc.parse: the scenario has checked the section's keys (with `version`) and set
 * the version's defaults in config (a simos_android_config) already. */
void simos_android_parse(sch_cx *cx, const sch_node *os, void *config);

#endif
