/*
 * rep_plot.h - the plots of one run (`bgsim run --plot DIR`), as gnuplot data and scripts.
 *
 *   timeline   two panels over local time: the battery level (%), then one lane each for
 *              charging, power saving, network, screen and sleep, Doze / iOS idle, the app's
 *              process (foreground, background, kills), worker runs, and the OS's reason for
 *              holding a due worker back as coloured bands. Needs a record with states
 *              (run_options.record_states).
 *   intervals  histogram of the intervals between consecutive worker runs, with their empirical
 *              CDF on the right axis and the median and p90 marked.
 *   hours      worker runs by local hour of day (mean per day), with the rate the app asked for
 *              (one run per requested interval) as a reference line.
 *   days       only when runs are dense (rep_plot_days_wanted): one row per local day, the hours
 *              of the day across, with the worker runs, the reasons the OS held it back and the
 *              process deaths, so that runs minutes apart stay apart.
 *
 * Each is NAME.dat and NAME.gp in DIR (rep_gnuplot.h); rep_plot_render runs gnuplot on them.
 */
#ifndef BGSIM_REP_PLOT_H
#define BGSIM_REP_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rep_gnuplot.h"
#include "rep_record.h"
#include "rep_stats.h"

/* What the plots say about the run in their titles (borrowed strings). */
typedef struct rep_run_info {
    const char *name;     /* the scenario's name */
    const char *file;
    const char *platform; /* "android", "ios", "ideal" */
    const char *policy;   /* the policy preset */
    uint64_t seed;
    /* The interval the app asked for (expo: the last registration with a minimumInterval wins),
     * for the reference line of the hours plot; 0 when unknown (no line). */
    sim_time requested_interval;
    /* Writes a duration for people (the CLI's formatter); NULL: the line's label gives minutes. */
    int (*format_duration)(sim_time ms, char *buf, size_t size);
} rep_run_info;

/* The plots, in the order they are written and shown, NULL-terminated. */
extern const char *const rep_plot_names[];

/* The longest span the timeline shows; a longer run shows its first REP_TIMELINE_MAX_DAYS. */
#define REP_TIMELINE_MAX_DAYS 14

/* Days with a mean of more worker runs than this make the day view worthwhile: on the timeline's
 * 14 days across 1400 pixels, runs would be less than 7 pixels apart. */
#define REP_DAYS_DENSE_RUNS_PER_DAY 12.0
/* The most days (rows) the day view shows. */
#define REP_DAYS_MAX_ROWS 31
/* Whether the day view is written: worker runs per shown day above REP_DAYS_DENSE_RUNS_PER_DAY. */
bool rep_plot_days_wanted(const rep_record *rec);

/* Writes every plot's .dat and .gp into dir (which must exist). 0, or -1 with a message in why. */
int rep_plot_write(const char *dir, const rep_run_info *info, const rep_record *rec, const rep_stats *st, char *why,
                   size_t size);
/* Runs gnuplot on every script rep_plot_write wrote (the day view when its script is there: a
 * run that does not want it removes an old one); stops at the first failure. */
rep_gp_status rep_plot_render(const char *dir, char *why, size_t size);

/* A duration unit that reads well for values around `ms`: its name ("s", "min", "h", "d") and
 * its length in ms. */
const char *rep_unit_for(double ms, double *unit_ms);

/* Local time of simulation time t as seconds since 1970-01-01 00:00 (gnuplot's time axis). */
double rep_local_epoch_s(const rep_record *rec, sim_time t);

#endif
