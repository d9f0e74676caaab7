/*
 * mdl_kills.h - kills and reboots: the events that end the app's process or restart the device
 * (scenario section `device.kills`).
 *
 * What it models, and the signal each event sends on the device bus (mdl_device.h):
 *
 *   swipe        the user removes the app from recents / the app switcher: MDL_SIG_APP_SWIPE
 *                (on iOS that is a force-quit, which the iOS OS model reads). With an OEM profile
 *                whose swipe is a force stop, MDL_SIG_FORCE_STOP instead.
 *   force stop   Android (and ideal) only: Settings > Force stop: MDL_SIG_FORCE_STOP.
 *   background   the OS kills a background process after a delay drawn when it goes to the
 *   kill         background (Android low-memory killer, iOS eviction), or an OEM killer after a
 *                fixed delay or at screen off: MDL_SIG_APP_KILL.
 *   reboot       random reboots and scheduled OS-update reboots: MDL_SIG_REBOOT with arg = the
 *                downtime in ms; the device is down until the boot completes (device.boot).
 *
 * Random events are Poisson processes in the time they can happen ("exposure"):
 *  - swipes: while the app is in recents (opened since it was last swiped or force-stopped) and
 *    in the background, and the device is up. A swipe needs a card to swipe, so the rate is "per
 *    week in recents", not per calendar week; the user's usage pattern decides the exposure. The
 *    road not taken: a swipe with probability p at each app close ties swipes to closes only, but
 *    the user swipes cards of apps left in the background long before, which this keeps.
 *  - force stops, random reboots: while the device is up.
 * Every process is memoryless, so a suspended one simply draws a fresh delay when it resumes.
 *
 * The process: the runner owns it (sim/scenario/run.c); this model tracks whether one is alive from the
 * signals it sees (APP_OPEN and a worker start make one; swipe, kill, force stop and reboot end
 * it) and arms background kills only for a live process. A process that the OS starts for a
 * worker that then finds no task (no MDL_SIG_WORKER) is not seen: no background kill is armed
 * for it. Swipes and force stops are sent whether or not a process is alive (they change what the
 * OS allows even for a dead app); their trace records say which (`process`).
 *
 * Random streams: kills.swipe, kills.force_stop, kills.low_memory, kills.reboot.
 */
#ifndef BGSIM_MDL_KILLS_H
#define BGSIM_MDL_KILLS_H

#include <stdbool.h>
#include <stdint.h>

#include "mdl_model.h"
#include "sch_dist.h"

/* OEM killer profiles (Android), after dontkillmyapp.com: see mdl_kills.c for each figure's source. */
typedef enum mdl_kills_oem {
    MDL_OEM_STOCK = 0,
    MDL_OEM_SAMSUNG,
    MDL_OEM_XIAOMI,
    MDL_OEM_HUAWEI,
    MDL_OEM_ONEPLUS,
    MDL_OEM_OPPO,
    MDL_OEM_VIVO,
    MDL_OEM_COUNT
} mdl_kills_oem;

typedef struct mdl_kills_config {
    mdl_platform platform;        /* from defaults(): parse refuses keys the platform has not */
    double swipes_per_week;       /* per week in recents and background */
    double force_stops_per_week;  /* Android / ideal only */
    bool low_memory;              /* background kill (Android low-memory killer, iOS eviction) */
    sch_dist low_memory_after;    /* delay after going to the background */
    mdl_kills_oem oem;
    sim_time oem_kill_after;      /* OEM kill this long after going to the background; -1 none */
    bool oem_kill_on_screen_off;  /* OEM kills a background process when the screen turns off */
    bool oem_swipe_force_stop;    /* the OEM's swipe is a force stop */
    double reboots_per_week;
    sim_time reboot_downtime;
    sim_time update_every;        /* 0: no update reboots */
    sim_time update_at;           /* local time of day */
    sim_time update_downtime;
} mdl_kills_config;

/* What happened so far (for tests and reports): counts and exposures in ms. */
typedef struct mdl_kills_stats {
    uint64_t swipes;              /* sent as APP_SWIPE or, for a swipe-as-force-stop OEM, FORCE_STOP */
    uint64_t force_stops;         /* user force stops (not swipes) */
    uint64_t low_memory_kills;
    uint64_t oem_kills;
    uint64_t reboots, update_reboots;
    sim_time swipe_exposure_ms;   /* time in recents, in background, device up */
    sim_time up_ms;               /* time the device was up */
} mdl_kills_stats;

extern const mdl_model mdl_kills_model;

/* The names `oem` accepts, indexed by mdl_kills_oem (NULL-terminated). */
extern const char *const mdl_kills_oem_names[];
/* Sets the OEM fields of cfg to profile `oem`'s values. */
void mdl_kills_apply_oem(mdl_kills_config *cfg, mdl_kills_oem oem);

/*
 * Scripted events (the scenario's `events:`, sim/scenario/scn_events.h), traced and sent like the
 * random ones (and counted in the stats), with reason "scripted" where the record has one:
 *  - swipe: the user swipes the app away (a force stop on an OEM profile whose swipe is one);
 *  - force_stop: Settings > Force stop (the scenario refuses it on iOS, which has none);
 *  - reboot: the device restarts, down for `downtime` ms (< 0: reboots.downtime); nothing while
 *    the device is already down.
 * Nothing without a kills model.
 */
void mdl_kills_script_swipe(mdl_device *d);
void mdl_kills_script_force_stop(mdl_device *d);
void mdl_kills_script_reboot(mdl_device *d, sim_time downtime);
/* The runner announces its scripted reboots: none before `first` (SIM_TIME_MAX: none at all). Until
 * then a scripted reboot may come at any time (d->reboot_not_before is 0); after the first, too. */
void mdl_kills_plan_scripted_reboots(mdl_device *d, sim_time first);

/* Read API for the OS models; all take the device the model was started on (false / -1 / zero
 * stats when the kills model is not running on it). */
bool mdl_kills_device_down(const mdl_device *d);     /* rebooting: the OS and the app cannot run */
sim_time mdl_kills_last_boot(const mdl_device *d);   /* when the last reboot completed; -1 none */
sim_time mdl_kills_boot_at(const mdl_device *d);     /* while down: when the device comes up; else -1 */
bool mdl_kills_in_recents(const mdl_device *d);      /* the app has a card in recents */
bool mdl_kills_process_alive(const mdl_device *d);   /* as far as the signals tell (see above) */
mdl_kills_stats mdl_kills_get_stats(const mdl_device *d);

#endif
