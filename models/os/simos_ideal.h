/*
 * simos_ideal.h - the `ideal` platform: an OS that starts the worker the moment it is due.
 *
 * A baseline to compare the real models against: no Doze, no buckets, no launch budget, every
 * constraint taken as met. What remains is expo-background-task's own scheduling (interval,
 * foreground guard, successor after completion), so the difference between a real platform and
 * `ideal` is exactly what the OS costs. It never defers, except while the device is down: a
 * request due during a reboot's downtime (a run the reboot killed included) starts at the boot,
 * held as `device_down` (the device model's MDL_SIG_REBOOT gives the downtime).
 *
 * Semantics of the one worker (core/bgt_backend.h):
 *  - REPLACE: the pending request (if any) is dropped and the new one becomes due at now + delay.
 *  - APPEND while the worker runs: the request waits (BLOCKED) and becomes due at finish + delay;
 *    with no run in progress it acts as REPLACE.
 *  - cancel drops the pending or blocked request. A run in progress is never stopped: the ideal
 *    OS has no reason to stop work (the core's own state handles a cancelled chain).
 *  - a run whose process dies is started again at once (at the boot after a reboot), like
 *    WorkManager retrying stopped work, unless a newer request is already pending.
 * The `os:` section has no keys for it (and `version` is refused on `ideal` by the scenario).
 */
#ifndef BGSIM_SIMOS_IDEAL_H
#define BGSIM_SIMOS_IDEAL_H

#include "simos.h"

extern const simos_desc simos_ideal_desc;

#endif
