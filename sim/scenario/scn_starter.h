/*
 * scn_starter.h - the commented starter scenarios `bgsim init [android|ios]` writes.
 *
 * Each is a whole, valid scenario (tests/cli/init.sh loads and runs what init writes) with every
 * section a new user is likely to change written out and commented: the phone and its OS, the
 * user's week (sleep, commute, charging), the app's tasks, and an `expect:` block to start from.
 * The text is static; the caller writes it where it wants (the command line: util_atomic_*).
 */
#ifndef BGSIM_SCN_STARTER_H
#define BGSIM_SCN_STARTER_H

#include "scn_scenario.h"

/* The starter scenario for a platform (SCN_PLATFORM_ANDROID or SCN_PLATFORM_IOS), or NULL for any
 * other. Static storage. */
const char *scn_starter_text(scn_platform platform);

#endif
