/*
 * rep_timeline.h - what the timeline shows and how it looks: lanes, state bands, reason colours
 * and event markers. One table for the gnuplot timeline and day view (rep_plot.c) and the HTML
 * report's day view (rep_html.c), so a colour or a marker means the same thing in both.
 *
 * Colours: every entry that can appear in one plot's key has its own hue. The state bands take the
 * Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design", colour-blind safe) and Paul Tol's
 * (personal.sron.nl/~pault, "bright"/"muted"); the reasons take colours from Kelly's 22 colours of
 * maximum contrast (K. L. Kelly 1965) and Tol's sets, picked so that every pair of colours of the
 * whole table differs by CIE76 delta E >= 15 (tests/reports/test_timeline.c checks it).
 *
 * Invariants: lane labels and band titles depend on the platform ("Doze" on Android, "device idle"
 * on iOS); every rep_mark_kind has a marker of its own shape and colour. A new event type is one
 * row in rep_timeline.c's marker table (and its kind in rep_record.h).
 */
#ifndef BGSIM_REP_TIMELINE_H
#define BGSIM_REP_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rep_record.h"
#include "sim_calendar.h"
#include "sim_reason.h"

/* Lanes, bottom (0) to top. */
typedef enum rep_lane {
    REP_LANE_HELD = 0,
    REP_LANE_WORKER,
    REP_LANE_APP,
    REP_LANE_IDLE,
    REP_LANE_SCREEN,
    REP_LANE_NET,
    REP_LANE_SAVE,
    REP_LANE_CHARGE,
    REP_LANE_COUNT
} rep_lane;

/* A lane's label on `platform` ("android", "ios", "ideal"): "Doze" on Android, "device idle"
 * elsewhere; "battery saver" / "Low Power Mode". */
const char *rep_lane_label(rep_lane lane, const char *platform);

/* State bands: a span of samples during which one state holds. */
typedef enum rep_band {
    REP_BAND_PLUGGED, REP_BAND_SAVE, REP_BAND_WIFI, REP_BAND_CELL, REP_BAND_NONE, REP_BAND_AIRPLANE,
    REP_BAND_SCREEN, REP_BAND_ASLEEP, REP_BAND_IDLE, REP_BAND_FG, REP_BAND_BG, REP_BAND_COUNT
} rep_band;

typedef struct rep_band_style {
    rep_lane lane;
    const char *color;  /* "#rrggbb" */
    double half_height; /* in lanes */
} rep_band_style;

const rep_band_style *rep_band_style_of(rep_band b);
/* The band's key title on `platform` ("Low Power Mode on" on iOS, "battery saver on" on Android). */
const char *rep_band_title(rep_band b, const char *platform);
/* Whether the state of sample s is in band b. */
bool rep_band_holds(rep_band b, const rep_state *s);

/* The colour of the reason lane's band for r; a reason added without a colour gets a grey. */
const char *rep_reason_color(sim_reason r);

/* An instant on the app lane: a process death and its cause. */
typedef struct rep_mark_style {
    const char *title;  /* key title: "swiped away", "killed by the OS" */
    int gp_point;       /* gnuplot point type (pngcairo/svg numbering) */
    const char *shape;  /* the HTML day view's SVG shape: "triangle", "circle", "diamond", "square" */
    const char *color;
} rep_mark_style;

/* The style of mark kind k; an unknown kind gets a neutral one (never NULL). */
const rep_mark_style *rep_mark_style_of(rep_mark_kind k);
/* The mark kinds that have a style: 1 .. rep_mark_kind_max(). */
int rep_mark_kind_max(void);

/* The worker run tick's colour. */
#define REP_WORKER_COLOR "#000000"

/* "Mon 05 Jan": the weekday and date of local day `day` (sim_cal_day_index numbering). */
void rep_day_label(const sim_calendar *cal, int64_t day, char *buf, size_t size);
/* "Mon 05 Jan 14:03": the local weekday, date and time of t. */
void rep_time_label(const sim_calendar *cal, sim_time t, char *buf, size_t size);

/* Every colour of the table (bands, reasons, marks, the worker tick), for the distinctness test:
 * fills out[0..n) up to max and returns how many there are. */
size_t rep_timeline_colors(const char **out, const char **what, size_t max);

#endif
