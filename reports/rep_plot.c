/*
 * rep_plot.c - timeline, interval histogram and runs-by-hour plots (data + gnuplot scripts).
 */
#include "rep_plot.h"

#include <gsl/gsl_histogram.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rep_hist.h"

const char *const rep_plot_names[] = {"timeline", "intervals", "hours", NULL};

const char *rep_unit_for(double ms, double *unit_ms)
{
    /* the largest unit of which the span is at least 3 */
    if (ms < 3 * (double)SIM_MS_PER_MINUTE) {
        *unit_ms = (double)SIM_MS_PER_SECOND;
        return "s";
    }
    if (ms < 3 * (double)SIM_MS_PER_HOUR) {
        *unit_ms = (double)SIM_MS_PER_MINUTE;
        return "min";
    }
    if (ms < 3 * (double)SIM_MS_PER_DAY) {
        *unit_ms = (double)SIM_MS_PER_HOUR;
        return "h";
    }
    *unit_ms = (double)SIM_MS_PER_DAY;
    return "d";
}

double rep_local_epoch_s(const rep_record *rec, sim_time t)
{
    const double s = (double)SIM_MS_PER_SECOND; /* seconds: gnuplot's time axes count them */
    return (double)rec->calendar.start_day * ((double)SIM_MS_PER_DAY / s) +
           (double)(rec->calendar.start_ms_of_day + t) / s;
}

static void title_line(FILE *gp, const char *what, const rep_run_info *info)
{
    char t[512];
    snprintf(t, sizeof t, "%s - %s (%s, policy %s, seed %llu)", what, info->name, info->platform, info->policy,
             (unsigned long long)info->seed);
    fputs("set title ", gp);
    rep_gp_string(gp, t);
    fputs(" font \",13\"\n", gp);
}

/* ---- timeline ---- */

enum { LANE_HELD = 0, LANE_WORKER, LANE_APP, LANE_DOZE, LANE_SCREEN, LANE_NET, LANE_SAVE, LANE_CHARGE, LANE_COUNT };

static const char *const lane_names[LANE_COUNT] = {
    [LANE_HELD] = "held back (reason)", [LANE_WORKER] = "worker runs", [LANE_APP] = "app process",
    [LANE_DOZE] = "Doze / idle",         [LANE_SCREEN] = "screen / sleep", [LANE_NET] = "network",
    [LANE_SAVE] = "power saving",        [LANE_CHARGE] = "charging"};

/* A state band: which lane, its key title, its colour, and which samples it covers. */
typedef struct band {
    int lane;
    const char *title;
    const char *color;
    double half_height;
} band;

enum {
    B_PLUGGED, B_SAVE, B_WIFI, B_CELL, B_NONE, B_AIRPLANE, B_SCREEN, B_ASLEEP, B_DOZE, B_FG, B_BG, B_COUNT
};

static const band bands[B_COUNT] = {
    [B_PLUGGED] = {LANE_CHARGE, "plugged in", "#2ca02c", 0.35},
    [B_SAVE] = {LANE_SAVE, "Low Power Mode / battery saver", "#ff7f0e", 0.35},
    [B_WIFI] = {LANE_NET, "Wi-Fi", "#1f77b4", 0.35},
    [B_CELL] = {LANE_NET, "cellular", "#9ecae1", 0.35},
    [B_NONE] = {LANE_NET, "no network", "#d62728", 0.35},
    [B_AIRPLANE] = {LANE_NET, "airplane mode", "#7f7f7f", 0.35},
    [B_SCREEN] = {LANE_SCREEN, "screen on", "#e08214", 0.35},
    [B_ASLEEP] = {LANE_SCREEN, "user asleep", "#3f007d", 0.15},
    [B_DOZE] = {LANE_DOZE, "Doze / idle", "#8c6bb1", 0.35},
    [B_FG] = {LANE_APP, "app in foreground", "#006d2c", 0.35},
    [B_BG] = {LANE_APP, "app process in background", "#a1d99b", 0.35},
};

static bool band_holds(int b, const rep_state *s)
{
    switch (b) {
    case B_PLUGGED: return s->plugged;
    case B_SAVE: return s->power_save;
    case B_WIFI: return s->net == 2;
    case B_CELL: return s->net == 1;
    case B_NONE: return s->net == 0 && !s->airplane;
    case B_AIRPLANE: return s->net == 0 && s->airplane;
    case B_SCREEN: return s->screen_on;
    case B_ASLEEP: return s->asleep;
    case B_DOZE: return s->dozing;
    case B_FG: return s->app == REP_APP_FOREGROUND;
    case B_BG: return s->app == REP_APP_BACKGROUND;
    }
    return false;
}

/* Reason colours: one per sim_reason, distinguishable (ColorBrewer / Tableau). */
static const char *const reason_colors[SIM_REASON_COUNT] = {
    [SIM_REASON_NONE] = "#000000",          [SIM_REASON_NETWORK] = "#e41a1c",
    [SIM_REASON_BATTERY_LOW] = "#a65628",   [SIM_REASON_NOT_CHARGING] = "#bcbd22",
    [SIM_REASON_DOZE_DEEP] = "#54278f",     [SIM_REASON_DOZE_LIGHT] = "#bcbddc",
    [SIM_REASON_STANDBY_QUOTA] = "#f781bf", [SIM_REASON_FORCE_STOPPED] = "#000000",
    [SIM_REASON_BACKOFF] = "#ff7f00",       [SIM_REASON_DEVICE_IN_USE] = "#17becf",
    [SIM_REASON_LOW_POWER_MODE] = "#fdae61", [SIM_REASON_REFRESH_OFF] = "#7f7f7f",
    [SIM_REASON_FORCE_QUIT] = "#8c2d04",    [SIM_REASON_SCORE] = "#66c2a5",
    [SIM_REASON_BUDGET] = "#e7298a",        [SIM_REASON_DEVICE_DOWN] = "#252525",
    [SIM_REASON_RATE_LIMIT] = "#1b9e77"};

/* A reason added later without a colour here still gets one. */
static const char *reason_color(int r)
{
    static const char *const spare[] = {"#999999", "#6a51a3", "#41ab5d", "#d94801"};
    return reason_colors[r] ? reason_colors[r] : spare[r % 4];
}

static const char *const mark_titles[REP_MARK_KINDS + 1] = {"?", "swiped away", "killed by the OS", "force-stopped",
                                                             "reboot", "scripted event"};

typedef struct tl {
    FILE *dat;
    int block;         /* the next data block's index */
    sim_time end;      /* the end of the shown span */
} tl;

/* Starts a data block: two blank lines separate blocks (gnuplot `index`). */
static int block_begin(tl *t, const char *comment)
{
    if (t->block > 0)
        fputs("\n\n", t->dat);
    fprintf(t->dat, "# block %d: %s\n", t->block, comment);
    return t->block++;
}

static int write_band(tl *t, const rep_record *rec, int b)
{
    int idx = -1;
    sim_time from = -1;
    for (size_t i = 0; i <= rec->state_count; i++) {
        sim_time at = i < rec->state_count ? rec->states[i].t : t->end;
        if (at > t->end)
            at = t->end;
        bool holds = i < rec->state_count && rec->states[i].t < t->end && band_holds(b, &rec->states[i]);
        if (holds && from < 0)
            from = at;
        if (!holds && from >= 0) {
            if (at > from) {
                if (idx < 0) {
                    char c[96];
                    snprintf(c, sizeof c, "%s: start end (local time, s since 1970)", bands[b].title);
                    idx = block_begin(t, c);
                }
                fprintf(t->dat, "%.3f %.3f\n", rep_local_epoch_s(rec, from), rep_local_epoch_s(rec, at));
            }
            from = -1;
        }
        if (i < rec->state_count && rec->states[i].t >= t->end)
            break;
    }
    return idx;
}

static int write_timeline(const char *dir, const rep_run_info *info, const rep_record *rec, char *why, size_t size)
{
    char *dat_tmp = NULL;
    FILE *dat = rep_open_in(dir, "timeline.dat", &dat_tmp, why, size);
    if (!dat)
        return -1;
    char *gp_tmp = NULL;
    FILE *gp = rep_open_in(dir, "timeline.gp", &gp_tmp, why, size);
    if (!gp) {
        rep_abort_in(dat, &dat_tmp);
        return -1;
    }
    tl t = {.dat = dat, .end = rec->duration};
    bool cut = rec->duration > SIM_DAYS(REP_TIMELINE_MAX_DAYS);
    if (cut)
        t.end = SIM_DAYS(REP_TIMELINE_MAX_DAYS);
    fprintf(dat, "# timeline.dat - bgsim run --plot: %s. Times are local time as seconds since 1970-01-01.\n",
            info->name);

    /* battery: the level at every sample (linear in between) */
    int battery_block = -1;
    if (rec->has_battery && rec->state_count > 0) {
        battery_block = block_begin(&t, "battery: time level_percent");
        for (size_t i = 0; i < rec->state_count && rec->states[i].t <= t.end; i++)
            fprintf(dat, "%.3f %.1f\n", rep_local_epoch_s(rec, rec->states[i].t), rec->states[i].battery_permille / 10.0);
    }
    int band_block[B_COUNT];
    for (int b = 0; b < B_COUNT; b++)
        band_block[b] = write_band(&t, rec, b);
    /* worker runs: one tick each (a run of seconds is invisible at a scale of days) */
    int runs_block = -1;
    for (size_t i = 0; i < rec->worker_count; i++) {
        const rep_worker_run *w = &rec->worker_runs[i];
        if (w->kind != REP_WORKER_RAN || w->start >= t.end)
            continue;
        if (runs_block < 0)
            runs_block = block_begin(&t, "worker runs that ran tasks: start end");
        fprintf(dat, "%.3f %.3f\n", rep_local_epoch_s(rec, w->start), rep_local_epoch_s(rec, w->end));
    }
    int reason_block[SIM_REASON_COUNT];
    for (int r = 1; r < SIM_REASON_COUNT; r++) {
        reason_block[r] = -1;
        for (size_t i = 0; i < rec->deferral_count; i++) {
            const rep_deferral *d = &rec->deferrals[i];
            if (d->reason != (sim_reason)r || d->start >= t.end)
                continue;
            if (reason_block[r] < 0) {
                char c[96];
                snprintf(c, sizeof c, "held back, reason %s: start end", sim_reason_name((sim_reason)r));
                reason_block[r] = block_begin(&t, c);
            }
            fprintf(dat, "%.3f %.3f\n", rep_local_epoch_s(rec, d->start),
                    rep_local_epoch_s(rec, d->end < t.end ? d->end : t.end));
        }
    }
    int mark_block[REP_MARK_KINDS + 1] = {-1, -1, -1, -1, -1, -1};
    for (int k = 1; k <= REP_MARK_KINDS; k++) {
        for (size_t i = 0; i < rec->mark_count; i++) {
            if ((int)rec->marks[i].kind != k || rec->marks[i].t >= t.end)
                continue;
            if (mark_block[k] < 0) {
                char c[96];
                snprintf(c, sizeof c, "%s (%s): time", k == REP_MARK_EVENT ? "scripted" : "process death",
                         rep_mark_name((rep_mark_kind)k));
                mark_block[k] = block_begin(&t, c);
            }
            fprintf(dat, "%.3f\n", rep_local_epoch_s(rec, rec->marks[i].t));
        }
    }

    /* the script */
    double x0 = rep_local_epoch_s(rec, 0), x1 = rep_local_epoch_s(rec, t.end);
    double days = (double)t.end / (double)SIM_DAYS(1);
    rep_gp_begin(gp, "timeline", "battery and device state over time, worker runs and why they were held back", 1400,
                 860);
    fprintf(gp, "set xdata time\nset timefmt \"%%s\"\nset xrange [%.3f:%.3f]\n", x0, x1);
    if (days <= 2.01)
        fputs("set xtics 21600\nset mxtics 6\nset format x \"%a %H:%M\"\n", gp);
    else
        fputs("set xtics 86400\nset mxtics 4\nset format x \"%a\\n%d %b\"\n", gp);
    fputs("set grid xtics mxtics lc rgb \"#e0e0e0\"\n"
          "set lmargin at screen 0.13\nset rmargin at screen 0.98\n"
          "set multiplot\n"
          "# panel 1: battery level\n"
          "set tmargin at screen 0.92\nset bmargin at screen 0.70\n",
          gp);
    char what[160];
    snprintf(what, sizeof what, "Timeline%s", cut ? " (first 14 days)" : "");
    title_line(gp, what, info);
    fputs("set ylabel \"battery (%)\"\nset yrange [0:100]\nset ytics 0,25,100\nset grid ytics lc rgb \"#e0e0e0\"\n"
          "set format x \"\"\nunset key\n",
          gp);
    if (battery_block >= 0)
        fprintf(gp, "plot \"timeline.dat\" index %d using 1:2 with lines lw 2 lc rgb \"#2ca02c\" notitle\n",
                battery_block);
    else
        fputs("set label 1 \"no battery model\" at graph 0.5, graph 0.5 center\nplot NaN notitle\nunset label 1\n", gp);
    fputs("# panel 2: lanes\n"
          "unset title\nset tmargin at screen 0.67\nset bmargin at screen 0.27\n",
          gp);
    if (days <= 2.01)
        fputs("set format x \"%a %H:%M\"\n", gp);
    else
        fputs("set format x \"%a\\n%d %b\"\n", gp);
    fputs("set xlabel \"local time\"\nunset ylabel\nset yrange [-0.6:7.6]\nset grid noytics\nset ytics (", gp);
    for (int l = 0; l < LANE_COUNT; l++)
        fprintf(gp, "%s\"%s\" %d", l ? ", " : "", lane_names[l], l);
    fputs(")\nset key at screen 0.5, screen 0.11 center center horizontal maxcols 5 width 2 samplen 2 Left reverse box "
          "lc rgb \"#c0c0c0\"\n",
          gp);
    fputs("set style fill solid 1.0 noborder\n", gp);
    fputs("plot \\\n", gp);
    bool first = true;
    for (int b = 0; b < B_COUNT; b++) {
        if (band_block[b] < 0)
            continue;
        fprintf(gp, "%s  \"timeline.dat\" index %d using (($1+$2)/2):(%d):(($2-$1)/2):(%.2f) with boxxyerror "
                    "fc rgb \"%s\" title ",
                first ? "" : ", \\\n", band_block[b], bands[b].lane, bands[b].half_height, bands[b].color);
        rep_gp_string(gp, bands[b].title);
        first = false;
    }
    if (runs_block >= 0) {
        fprintf(gp, "%s  \"timeline.dat\" index %d using 1:(%d-0.38):(0):(0.76) with vectors nohead lw 1.2 "
                    "lc rgb \"#000000\" title \"worker run\"",
                first ? "" : ", \\\n", runs_block, LANE_WORKER);
        first = false;
    }
    for (int r = 1; r < SIM_REASON_COUNT; r++) {
        if (reason_block[r] < 0)
            continue;
        char title[64];
        snprintf(title, sizeof title, "held: %s", sim_reason_name((sim_reason)r));
        fprintf(gp, "%s  \"timeline.dat\" index %d using (($1+$2)/2):(%d):(($2-$1)/2):(0.35) with boxxyerror "
                    "fc rgb \"%s\" title ",
                first ? "" : ", \\\n", reason_block[r], LANE_HELD, reason_color(r));
        rep_gp_string(gp, title);
        first = false;
    }
    for (int k = 1; k <= REP_MARK_KINDS; k++) {
        if (mark_block[k] < 0)
            continue;
        /* Scripted events: an open triangle down in blue, apart from the red and black deaths. */
        fprintf(gp, "%s  \"timeline.dat\" index %d using 1:(%d) with points pt %d ps 1.6 lc rgb \"%s\" title \"%s\"",
                first ? "" : ", \\\n", mark_block[k], LANE_APP, k == 5 ? 10 : k == 4 ? 5 : k == 3 ? 13 : 9,
                k == 5 ? "#1f77b4" : k == 4 ? "#000000" : "#d62728", mark_titles[k]);
        first = false;
    }
    if (first)
        fputs("  NaN notitle", gp);
    fputs("\nunset multiplot\n", gp);
    if (rec->deferral_count == 0)
        fputs("# no deferral: the OS never held a due worker back\n", gp);
    rep_gp_end(gp);
    int rc = rep_close_in(dat, &dat_tmp, dir, "timeline.dat", why, size);
    if (rep_close_in(gp, &gp_tmp, dir, "timeline.gp", why, size) != 0)
        rc = -1;
    return rc;
}

/* ---- intervals ---- */

static int write_intervals(const char *dir, const rep_run_info *info, const rep_record *rec, const rep_stats *st,
                           char *why, size_t size)
{
    char *dat_tmp = NULL;
    FILE *dat = rep_open_in(dir, "intervals.dat", &dat_tmp, why, size);
    if (!dat)
        return -1;
    char *gp_tmp = NULL;
    FILE *gp = rep_open_in(dir, "intervals.gp", &gp_tmp, why, size);
    if (!gp) {
        rep_abort_in(dat, &dat_tmp);
        return -1;
    }
    const rep_quantiles *q = &st->worker_interval;
    double unit;
    const char *uname = rep_unit_for(q->n ? q->p90 : 0, &unit);
    fprintf(dat, "# intervals.dat - bgsim run --plot: %s. Intervals between consecutive worker runs, in %s.\n",
            info->name, uname);
    rep_gp_begin(gp, "intervals", "histogram of the intervals between worker runs, with their CDF", 1100, 650);
    title_line(gp, "Intervals between worker runs", info);
    if (q->n == 0) {
        fputs("# fewer than two runs: no interval\n", dat);
        fputs("set label 1 \"fewer than two worker runs: no interval to show\" at graph 0.5, graph 0.5 center\n"
              "set xlabel \"interval between consecutive worker runs\"\nset ylabel \"intervals (count)\"\n"
              "plot [0:1][0:1] NaN notitle\n",
              gp);
    } else {
        /* bins: Sturges' rule, at least 10, at most 60 */
        size_t bins = 10;
        while ((1u << (bins - 9)) < q->n && bins < 60)
            bins++;
        gsl_histogram *h = rep_hist_intervals(rec, -1, bins);
        sim_time *starts = NULL;
        size_t n = 0;
        double *v = NULL;
        if (!h || rep_run_starts(rec, -1, &starts, &n) != 0 || !(v = malloc(n * sizeof *v))) {
            gsl_histogram_free(h);
            free(starts);
            rep_abort_in(dat, &dat_tmp);
            rep_abort_in(gp, &gp_tmp);
            snprintf(why, size, "out of memory");
            return -1;
        }
        fputs("# block 0: histogram: bin_low bin_high count\n", dat);
        for (size_t i = 0; i < gsl_histogram_bins(h); i++) {
            double lo, hi;
            gsl_histogram_get_range(h, i, &lo, &hi);
            fprintf(dat, "%.6g %.6g %g\n", lo / unit, hi / unit, gsl_histogram_get(h, i));
        }
        for (size_t i = 1; i < n; i++)
            v[i - 1] = (double)(starts[i] - starts[i - 1]);
        gsl_sort(v, 1, n - 1);
        fputs("\n\n# block 1: empirical CDF: interval cumulative_percent\n", dat);
        for (size_t i = 0; i + 1 < n; i++)
            fprintf(dat, "%.6g %.4f\n", v[i] / unit, 100.0 * (double)(i + 1) / (double)(n - 1));
        double lo, hi, dummy;
        gsl_histogram_get_range(h, 0, &lo, &dummy);
        gsl_histogram_get_range(h, gsl_histogram_bins(h) - 1, &dummy, &hi);
        double pad = (hi - lo) * 0.03;
        fprintf(gp, "set xrange [%.6g:%.6g]\nset yrange [0:%.6g]\n", (lo - pad) / unit, (hi + pad) / unit,
                ceil(gsl_histogram_max_val(h) * 1.1 + 0.5));
        fprintf(gp, "set xlabel \"interval between consecutive worker runs (%s)\"\n", uname);
        fputs("set ylabel \"intervals in the bin (count)\"\nset y2label \"cumulative share of intervals (%)\"\n"
              "set y2range [0:100]\nset ytics nomirror\nset y2tics 0,20,100\n"
              "set grid ytics lc rgb \"#e0e0e0\"\nset style fill solid 0.7 border lc rgb \"#3a6ea5\"\n"
              "set key outside top center horizontal Left reverse samplen 3 width 1\n",
              gp);
        size_t counted = (size_t)gsl_histogram_sum(h);
        char left_out[160] = "";
        if (counted < q->n)
            snprintf(left_out, sizeof left_out, "\\n%zu longer interval%s (up to %.3g %s) not shown", q->n - counted,
                     q->n - counted == 1 ? "" : "s", q->max / unit, uname);
        fprintf(gp, "set arrow 1 from %.6g, graph 0 to %.6g, graph 1 nohead dt 2 lw 2 lc rgb \"#333333\" front\n",
                q->p50 / unit, q->p50 / unit);
        fprintf(gp, "set arrow 2 from %.6g, graph 0 to %.6g, graph 1 nohead dt 3 lw 2 lc rgb \"#333333\" front\n",
                q->p90 / unit, q->p90 / unit);
        if (left_out[0])
            fprintf(gp, "set label 3 \"%s\" at graph 0.98, graph 0.5 right tc rgb \"#555555\"\n", left_out + 2);
        fprintf(gp, "plot \"intervals.dat\" index 0 using (($1+$2)/2):3:($2-$1) with boxes lc rgb \"#6baed6\" "
                    "title \"intervals (%zu)\", \\\n"
                    "  \"intervals.dat\" index 1 using 1:2 axes x1y2 with steps lw 2 lc rgb \"#d62728\" "
                    "title \"cumulative share (right axis)\", \\\n"
                    "  NaN with lines dt 2 lw 2 lc rgb \"#333333\" title \"median %.3g %s\", \\\n"
                    "  NaN with lines dt 3 lw 2 lc rgb \"#333333\" title \"p90 %.3g %s\"\n",
                q->n, q->p50 / unit, uname, q->p90 / unit, uname);
        gsl_histogram_free(h);
        free(starts);
        free(v);
    }
    rep_gp_end(gp);
    int rc = rep_close_in(dat, &dat_tmp, dir, "intervals.dat", why, size);
    if (rep_close_in(gp, &gp_tmp, dir, "intervals.gp", why, size) != 0)
        rc = -1;
    return rc;
}

/* ---- hours ---- */

static int write_hours(const char *dir, const rep_run_info *info, const rep_record *rec, const rep_stats *st,
                       char *why, size_t size)
{
    char *dat_tmp = NULL;
    FILE *dat = rep_open_in(dir, "hours.dat", &dat_tmp, why, size);
    if (!dat)
        return -1;
    char *gp_tmp = NULL;
    FILE *gp = rep_open_in(dir, "hours.gp", &gp_tmp, why, size);
    if (!gp) {
        rep_abort_in(dat, &dat_tmp);
        return -1;
    }
    double days = (double)rec->duration / (double)SIM_DAYS(1);
    fprintf(dat, "# hours.dat - bgsim run --plot: %s. Worker runs by local hour of day over %.4g days.\n"
                 "# hour runs mean_runs_per_day\n",
            info->name, days);
    double most = 0;
    for (int h = 0; h < 24; h++) {
        fprintf(dat, "%d %g %.6g\n", h, st->worker_by_hour[h], st->worker_by_hour[h] / days);
        if (st->worker_by_hour[h] / days > most)
            most = st->worker_by_hour[h] / days;
    }
    rep_gp_begin(gp, "hours", "worker runs by local hour of day", 1100, 600);
    title_line(gp, "Worker runs by hour of day", info);
    fprintf(gp, "set xlabel \"hour of day (local time)\"\n"
                "set ylabel \"runs per day started in this hour (mean of %.4g days)\"\n"
                "set xrange [-0.6:23.6]\nset xtics 0,1,23\nset yrange [0:%.6g]\n"
                "set grid ytics lc rgb \"#e0e0e0\"\nset boxwidth 0.8\n"
                "set style fill solid 0.8 border lc rgb \"#3a6ea5\"\nunset key\n"
                "plot \"hours.dat\" using 1:3 with boxes lc rgb \"#6baed6\" notitle\n",
            days, most > 0 ? most * 1.15 : 1.0);
    rep_gp_end(gp);
    int rc = rep_close_in(dat, &dat_tmp, dir, "hours.dat", why, size);
    if (rep_close_in(gp, &gp_tmp, dir, "hours.gp", why, size) != 0)
        rc = -1;
    return rc;
}

int rep_plot_write(const char *dir, const rep_run_info *info, const rep_record *rec, const rep_stats *st, char *why,
                   size_t size)
{
    if (write_timeline(dir, info, rec, why, size) != 0)
        return -1;
    if (write_intervals(dir, info, rec, st, why, size) != 0)
        return -1;
    return write_hours(dir, info, rec, st, why, size);
}

rep_gp_status rep_plot_render(const char *dir, char *why, size_t size)
{
    for (size_t i = 0; rep_plot_names[i]; i++) {
        char script[64];
        snprintf(script, sizeof script, "%s.gp", rep_plot_names[i]);
        rep_gp_status st = rep_gnuplot_run(dir, script, why, size);
        if (st != REP_GP_OK)
            return st;
    }
    return REP_GP_OK;
}
