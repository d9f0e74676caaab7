/*
 * rep_timeline.c - the timeline's lanes, bands, reason colours and markers (rep_timeline.h).
 */
#include "rep_timeline.h"

#include <stdio.h>
#include <string.h>

static bool is_android(const char *platform) { return platform && strcmp(platform, "android") == 0; }
static bool is_ios(const char *platform) { return platform && strcmp(platform, "ios") == 0; }

const char *rep_lane_label(rep_lane lane, const char *platform)
{
    switch (lane) {
    case REP_LANE_HELD: return "held back (reason)";
    case REP_LANE_WORKER: return "worker runs";
    case REP_LANE_APP: return "app process";
    /* d->dozing is Android's Doze (light or deep) and iOS's idle state (mdl_device.h) */
    case REP_LANE_IDLE: return is_android(platform) ? "Doze" : "device idle";
    case REP_LANE_SCREEN: return "screen / sleep";
    case REP_LANE_NET: return "network";
    case REP_LANE_SAVE: return is_android(platform) ? "battery saver" : is_ios(platform) ? "Low Power Mode" : "power saving";
    case REP_LANE_CHARGE: return "charging";
    case REP_LANE_COUNT: break;
    }
    return "?";
}

/* Okabe-Ito: #E69F00 #56B4E9 #009E73 #F0E442 #0072B2 #D55E00 #CC79A7; Tol: #332288 #117733 #B3DE69. */
static const rep_band_style bands[REP_BAND_COUNT] = {
    [REP_BAND_PLUGGED] = {REP_LANE_CHARGE, "#009E73", 0.35}, [REP_BAND_SAVE] = {REP_LANE_SAVE, "#E69F00", 0.35},
    [REP_BAND_WIFI] = {REP_LANE_NET, "#0072B2", 0.35},       [REP_BAND_CELL] = {REP_LANE_NET, "#56B4E9", 0.35},
    [REP_BAND_NONE] = {REP_LANE_NET, "#D55E00", 0.35},       [REP_BAND_AIRPLANE] = {REP_LANE_NET, "#999999", 0.35},
    [REP_BAND_SCREEN] = {REP_LANE_SCREEN, "#F0E442", 0.35},  [REP_BAND_ASLEEP] = {REP_LANE_SCREEN, "#332288", 0.15},
    [REP_BAND_IDLE] = {REP_LANE_IDLE, "#CC79A7", 0.35},      [REP_BAND_FG] = {REP_LANE_APP, "#117733", 0.35},
    [REP_BAND_BG] = {REP_LANE_APP, "#B3DE69", 0.35},
};

const rep_band_style *rep_band_style_of(rep_band b) { return &bands[b]; }

const char *rep_band_title(rep_band b, const char *platform)
{
    switch (b) {
    case REP_BAND_PLUGGED: return "plugged in";
    case REP_BAND_SAVE:
        return is_android(platform) ? "battery saver on" : is_ios(platform) ? "Low Power Mode on" : "power saving on";
    case REP_BAND_WIFI: return "Wi-Fi";
    case REP_BAND_CELL: return "cellular";
    case REP_BAND_NONE: return "no network";
    case REP_BAND_AIRPLANE: return "airplane mode";
    case REP_BAND_SCREEN: return "screen on";
    case REP_BAND_ASLEEP: return "user asleep";
    case REP_BAND_IDLE: return is_android(platform) ? "Doze (light or deep)" : "device idle";
    case REP_BAND_FG: return "app in foreground";
    case REP_BAND_BG: return "app process in background";
    case REP_BAND_COUNT: break;
    }
    return "?";
}

bool rep_band_holds(rep_band b, const rep_state *s)
{
    switch (b) {
    case REP_BAND_PLUGGED: return s->plugged;
    case REP_BAND_SAVE: return s->power_save;
    case REP_BAND_WIFI: return s->net == 2;
    case REP_BAND_CELL: return s->net == 1;
    case REP_BAND_NONE: return s->net == 0 && !s->airplane;
    case REP_BAND_AIRPLANE: return s->net == 0 && s->airplane;
    case REP_BAND_SCREEN: return s->screen_on;
    case REP_BAND_ASLEEP: return s->asleep;
    case REP_BAND_IDLE: return s->dozing;
    case REP_BAND_FG: return s->app == REP_APP_FOREGROUND;
    case REP_BAND_BG: return s->app == REP_APP_BACKGROUND;
    case REP_BAND_COUNT: break;
    }
    return false;
}

/* Kelly (1965) and Tol colours, each at delta E >= 15 from every other colour of this file. */
static const char *const reason_colors[SIM_REASON_COUNT] = {
    [SIM_REASON_NETWORK] = "#BE0032",       [SIM_REASON_BATTERY_LOW] = "#654522",
    [SIM_REASON_NOT_CHARGING] = "#F99379",  [SIM_REASON_DOZE_DEEP] = "#882255",
    [SIM_REASON_DOZE_LIGHT] = "#C2B280",    [SIM_REASON_STANDBY_QUOTA] = "#882D17",
    [SIM_REASON_FORCE_STOPPED] = "#999933", [SIM_REASON_BACKOFF] = "#2B3D26",
    [SIM_REASON_DEVICE_IN_USE] = "#EE3377", [SIM_REASON_LOW_POWER_MODE] = "#604E97",
    [SIM_REASON_REFRESH_OFF] = "#AA4499",   [SIM_REASON_FORCE_QUIT] = "#EECC66",
    [SIM_REASON_SCORE] = "#8DB600",         [SIM_REASON_BUDGET] = "#EE6677",
    [SIM_REASON_DEVICE_DOWN] = "#997700",   [SIM_REASON_RATE_LIMIT] = "#CC3311",
    [SIM_REASON_FOREGROUND] = "#44AA99"};

const char *rep_reason_color(sim_reason r)
{
    if ((int)r > 0 && (int)r < SIM_REASON_COUNT && reason_colors[r])
        return reason_colors[r];
    return "#777777";
}

/* Process deaths (rep_mark_kind): each its own shape and colour. gnuplot point types (cairo and
 * svg terminals): 5 filled square, 7 filled circle, 9 filled triangle up, 13 filled diamond. */
static const rep_mark_style marks[] = {
    [REP_MARK_SWIPE] = {"swiped away by the user", 9, "triangle", "#0072B2"},
    [REP_MARK_KILL] = {"killed by the OS", 7, "circle", "#D55E00"},
    [REP_MARK_FORCE_STOP] = {"force-stopped", 13, "diamond", "#000000"},
    [REP_MARK_REBOOT] = {"reboot", 5, "square", "#6A3D9A"},
};

static const rep_mark_style unknown_mark = {"other event", 3, "cross", "#777777"};

const rep_mark_style *rep_mark_style_of(rep_mark_kind k)
{
    int i = (int)k;
    if (i > 0 && i < (int)(sizeof marks / sizeof marks[0]) && marks[i].title)
        return &marks[i];
    return &unknown_mark;
}

int rep_mark_kind_max(void) { return (int)(sizeof marks / sizeof marks[0]) - 1; }

static const char *const weekday_names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void rep_day_label(const sim_calendar *cal, int64_t day, char *buf, size_t size)
{
    int64_t y;
    int m, d;
    sim_civil_from_days(cal->start_day + day, &y, &m, &d);
    /* 1970-01-01 was a Thursday (ISO weekday 3) */
    int64_t wd = ((cal->start_day + day) % 7 + 7 + 3) % 7;
    snprintf(buf, size, "%s %02d %s", weekday_names[wd], d, month_names[(m - 1) % 12]);
}

void rep_time_label(const sim_calendar *cal, sim_time t, char *buf, size_t size)
{
    char day[32];
    rep_day_label(cal, sim_cal_day_index(cal, t), day, sizeof day);
    sim_time ms = sim_cal_ms_of_day(cal, t);
    snprintf(buf, size, "%s %02d:%02d", day, (int)(ms / SIM_MS_PER_HOUR), (int)(ms / SIM_MS_PER_MINUTE % 60));
}

size_t rep_timeline_colors(const char **out, const char **what, size_t max)
{
    size_t n = 0;
#define ADD(c, w)                                                                                                      \
    do {                                                                                                               \
        if (n < max) {                                                                                                 \
            out[n] = (c);                                                                                              \
            what[n] = (w);                                                                                             \
        }                                                                                                              \
        n++;                                                                                                           \
    } while (0)
    for (int b = 0; b < REP_BAND_COUNT; b++)
        ADD(bands[b].color, rep_band_title((rep_band)b, "android"));
    for (int r = 1; r < SIM_REASON_COUNT; r++)
        ADD(rep_reason_color((sim_reason)r), sim_reason_name((sim_reason)r));
    ADD(REP_WORKER_COLOR, "worker run");
#undef ADD
    return n;
}
