/*
 * sim_reason.c - deferral reason names.
 */
#include "sim_reason.h"

#include "sim_trace.h"

#include <string.h>

/* Each reason with its name, once: the names' table and the fingerprint's switch
 * (sim_reason_fold_name) are made from this list. */
#define REASONS(X)                                                                                              \
    X(SIM_REASON_NONE, "none") X(SIM_REASON_NETWORK, "network") X(SIM_REASON_BATTERY_LOW, "battery_low")        \
    X(SIM_REASON_NOT_CHARGING, "not_charging") X(SIM_REASON_DOZE_DEEP, "doze_deep")                             \
    X(SIM_REASON_DOZE_LIGHT, "doze_light") X(SIM_REASON_STANDBY_QUOTA, "standby_quota")                         \
    X(SIM_REASON_FORCE_STOPPED, "force_stopped") X(SIM_REASON_BACKOFF, "backoff")                               \
    X(SIM_REASON_DEVICE_IN_USE, "device_in_use") X(SIM_REASON_LOW_POWER_MODE, "low_power_mode")                 \
    X(SIM_REASON_REFRESH_OFF, "refresh_off") X(SIM_REASON_FORCE_QUIT, "force_quit") X(SIM_REASON_SCORE, "score") \
    X(SIM_REASON_BUDGET, "budget") X(SIM_REASON_DEVICE_DOWN, "device_down")                                     \
    X(SIM_REASON_RATE_LIMIT, "rate_limit") X(SIM_REASON_FOREGROUND, "foreground")

const char *sim_reason_name(sim_reason r)
{
#define REASON_NAME(reason, lit) [reason] = (lit),
    static const char *const names[SIM_REASON_COUNT] = {REASONS(REASON_NAME)};
#undef REASON_NAME
    return r >= 0 && r < SIM_REASON_COUNT && names[r] ? names[r] : "unknown";
}

/* Each case folds a literal, so its hash is a compile-time constant: no strlen, no byte loads
 * (issue 24: `bgsim run` within 1.1x of a sweep). The same fold as folding
 * sim_reason_name(r) at run time; tests/engine/test_trace.c checks every reason. */
uint64_t sim_reason_fold_name(uint64_t acc, sim_reason r)
{
#define REASON_FOLD(reason, lit)                                                                                \
    case reason:                                                                                                \
        return sim_trace_fold_str(acc, lit);
    switch (r) {
        REASONS(REASON_FOLD)
    case SIM_REASON_COUNT:
        break;
    }
#undef REASON_FOLD
    return sim_trace_fold_str(acc, "unknown"); /* not a reason: as sim_reason_name */
}

int sim_reason_parse(const char *name)
{
    for (int r = 0; r < SIM_REASON_COUNT; r++)
        if (strcmp(sim_reason_name((sim_reason)r), name) == 0)
            return r;
    return -1;
}
