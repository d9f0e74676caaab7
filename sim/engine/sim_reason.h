/*
 * sim_reason.h - why the modeled OS holds back a worker that is due: the vocabulary shared by the
 * OS models (which report reasons, models/os/simos.h) and the reports (which account the time
 * spent in each). Every deferral has a reason. Names are stable: they appear in
 * traces (os.defer), metrics (worker.deferred_share.<name>) and summaries.
 */
#ifndef BGSIM_SIM_REASON_H
#define BGSIM_SIM_REASON_H

#include <stdint.h>

typedef enum sim_reason {
    SIM_REASON_NONE = 0,        /* not held back */
    /* constraints the core asked for */
    SIM_REASON_NETWORK,         /* no usable network (none, or blocked by Doze/standby) */
    SIM_REASON_BATTERY_LOW,     /* battery-not-low constraint unmet */
    SIM_REASON_NOT_CHARGING,    /* requires charging / external power */
    /* Android */
    SIM_REASON_DOZE_DEEP,
    SIM_REASON_DOZE_LIGHT,
    SIM_REASON_STANDBY_QUOTA,   /* App Standby bucket quota or batching */
    SIM_REASON_FORCE_STOPPED,   /* force stop: nothing until the next user launch */
    SIM_REASON_BACKOFF,         /* rescheduled with backoff after a stop */
    /* iOS */
    SIM_REASON_DEVICE_IN_USE,   /* processing tasks wait for an idle device */
    SIM_REASON_LOW_POWER_MODE,
    SIM_REASON_REFRESH_OFF,     /* Background App Refresh off */
    SIM_REASON_FORCE_QUIT,      /* swiped away: no launches until the user opens the app */
    SIM_REASON_SCORE,           /* the launch score is below the threshold */
    SIM_REASON_BUDGET,          /* energy / data / launch budget used up */
    /* both */
    SIM_REASON_DEVICE_DOWN,     /* rebooting */
    SIM_REASON_RATE_LIMIT,      /* iOS: too soon after the previous launch of this request type */
    SIM_REASON_FOREGROUND,      /* the core itself re-deferred a run while the app was in the
                                 * foreground (expo's Android guard, policy foreground_defer_cap_min):
                                 * accounted by the runner from that run until the next start */
    SIM_REASON_COUNT
} sim_reason;

const char *sim_reason_name(sim_reason r);
/* sim_reason_name(r) folded into a trace fingerprint accumulator (sim_trace_fold_str), its hash a
 * compile-time constant: for records that fold the reason themselves (the runner's os.defer). */
uint64_t sim_reason_fold_name(uint64_t acc, sim_reason r);
/* The reason whose name is `name`, or -1. */
int sim_reason_parse(const char *name);

#endif
