/*
 * scn_platform.h - a scenario written for one platform, run on another by `--set platform=X`.
 *
 * Some keys belong to one platform: the `os:` section (its version and the OS model's own keys)
 * to the platform the file names, `device.settings.background_app_refresh` and the Low Power Mode
 * keys of `device.battery.power_save` to iOS, `device.settings.battery_optimization_exempt` and
 * `power_save.trigger` to Android. Written in a file for the wrong platform they are errors (the
 * model parsers say so). But `bgsim sweep FILE --set platform=android,ios` asks for the same file on
 * both platforms: there the keys of the platform not asked for are left out of the tree before the
 * walk, each with a note naming it, and the model's defaults apply.
 */
#ifndef BGSIM_SCN_PLATFORM_H
#define BGSIM_SCN_PLATFORM_H

#include <stddef.h>

#include "scn_set.h"
#include "sch_diag.h"
#include "sch_yaml.h"

/*
 * When the command line's overrides (label NULL, scn_set.h) set `platform` to a platform other than
 * the one the file (root, before the
 * overrides) names, removes from the tree the keys that belong to another platform than the one
 * set, with a note in diag for each. Does nothing otherwise, so a file is still validated as
 * written. Call before scn_set_apply: an override may then set a key of the new platform again.
 */
void scn_platform_switch(sch_node *root, const scn_override *overrides, size_t n, sch_diag *diag);

#endif
