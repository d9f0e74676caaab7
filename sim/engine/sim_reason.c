/*
 * sim_reason.c - deferral reason names.
 */
#include "sim_reason.h"

#include <string.h>

const char *sim_reason_name(sim_reason r)
{
    static const char *const names[SIM_REASON_COUNT] = {
        [SIM_REASON_NONE] = "none",
        [SIM_REASON_NETWORK] = "network",
        [SIM_REASON_BATTERY_LOW] = "battery_low",
        [SIM_REASON_NOT_CHARGING] = "not_charging",
        [SIM_REASON_DOZE_DEEP] = "doze_deep",
        [SIM_REASON_DOZE_LIGHT] = "doze_light",
        [SIM_REASON_STANDBY_QUOTA] = "standby_quota",
        [SIM_REASON_FORCE_STOPPED] = "force_stopped",
        [SIM_REASON_BACKOFF] = "backoff",
        [SIM_REASON_DEVICE_IN_USE] = "device_in_use",
        [SIM_REASON_LOW_POWER_MODE] = "low_power_mode",
        [SIM_REASON_REFRESH_OFF] = "refresh_off",
        [SIM_REASON_FORCE_QUIT] = "force_quit",
        [SIM_REASON_SCORE] = "score",
        [SIM_REASON_BUDGET] = "budget",
        [SIM_REASON_DEVICE_DOWN] = "device_down",
        [SIM_REASON_RATE_LIMIT] = "rate_limit",
        [SIM_REASON_FOREGROUND] = "foreground",
    };
    return r >= 0 && r < SIM_REASON_COUNT && names[r] ? names[r] : "unknown";
}

int sim_reason_parse(const char *name)
{
    for (int r = 0; r < SIM_REASON_COUNT; r++)
        if (strcmp(sim_reason_name((sim_reason)r), name) == 0)
            return r;
    return -1;
}
