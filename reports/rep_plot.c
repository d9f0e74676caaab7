/*
 * rep_plot.c - timeline, interval histogram and runs-by-hour plots (data + gnuplot scripts).
 */
#include "rep_plot.h"

#include <gsl/gsl_histogram.h>
#include <inttypes.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rep_hist.h"
#include "rep_timeline.h"

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

/* A plot's data file and gnuplot script (BASE.dat, BASE.gp), each written to a temp file beside
 * its name (rep_open_in) and renamed into place by plot_pair_close; plot_pair_abort removes both. */
typedef struct plot_pair {
    FILE *dat, *gp;
    char *dat_tmp, *gp_tmp;
    char dat_name[32], gp_name[32];
} plot_pair;

static bool plot_pair_open(plot_pair *p, const char *dir, const char *base, char *why, size_t size)
{
    memset(p, 0, sizeof *p);
    snprintf(p->dat_name, sizeof p->dat_name, "%s.dat", base);
    snprintf(p->gp_name, sizeof p->gp_name, "%s.gp", base);
    if (!(p->dat = rep_open_in(dir, p->dat_name, &p->dat_tmp, why, size)))
        return false;
    if (!(p->gp = rep_open_in(dir, p->gp_name, &p->gp_tmp, why, size))) {
        rep_abort_in(p->dat, &p->dat_tmp);
        return false;
    }
    return true;
}

static void plot_pair_abort(plot_pair *p)
{
    rep_abort_in(p->dat, &p->dat_tmp);
    rep_abort_in(p->gp, &p->gp_tmp);
}

static int plot_pair_close(plot_pair *p, const char *dir, char *why, size_t size)
{
    int rc = rep_close_in(p->dat, &p->dat_tmp, dir, p->dat_name, why, size);
    if (rep_close_in(p->gp, &p->gp_tmp, dir, p->gp_name, why, size) != 0)
        rc = -1;
    return rc;
}

/* ---- timeline ---- */

/* Mark kinds the timeline has room for (a data block each); rep_timeline.c styles them. */
enum { REP_MARK_KINDS_SHOWN = 16 };

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

static int write_band(tl *t, const rep_record *rec, rep_band b, const char *platform)
{
    int idx = -1;
    sim_time from = -1;
    for (size_t i = 0; i <= rec->state_count; i++) {
        sim_time at = i < rec->state_count ? rec->states[i].t : t->end;
        if (at > t->end)
            at = t->end;
        bool holds = i < rec->state_count && rec->states[i].t < t->end && rep_band_holds(b, &rec->states[i]);
        if (holds && from < 0)
            from = at;
        if (!holds && from >= 0) {
            if (at > from) {
                if (idx < 0) {
                    char c[96];
                    snprintf(c, sizeof c, "%s: start end (local time, s since 1970)", rep_band_title(b, platform));
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

/* How a data file's rows place time: the timeline's local epoch seconds, or the day view's
 * (day index, hours into the day). */
typedef enum row_axis { AXIS_EPOCH, AXIS_DAY } row_axis;
static void reason_blocks(tl *t, const rep_record *rec, row_axis axis, int reason_block[SIM_REASON_COUNT]);
static int mark_blocks(tl *t, const rep_record *rec, row_axis axis, int mark_block[REP_MARK_KINDS_SHOWN]);

static int write_timeline(const char *dir, const rep_run_info *info, const rep_record *rec, char *why, size_t size)
{
    plot_pair pp;
    if (!plot_pair_open(&pp, dir, "timeline", why, size))
        return -1;
    FILE *dat = pp.dat, *gp = pp.gp;
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
    int band_block[REP_BAND_COUNT];
    for (int b = 0; b < REP_BAND_COUNT; b++)
        band_block[b] = write_band(&t, rec, (rep_band)b, info->platform);
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
    reason_blocks(&t, rec, AXIS_EPOCH, reason_block);
    int mark_block[REP_MARK_KINDS_SHOWN];
    const int mark_kinds = mark_blocks(&t, rec, AXIS_EPOCH, mark_block);

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
        fprintf(gp, "plot \"timeline.dat\" index %d using 1:2 with lines lw 2 lc rgb \"#009E73\" title \"battery level\"\n",
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
    fprintf(gp, "set xlabel \"local time\"\nunset ylabel\nset yrange [-0.6:%d.6]\nset grid noytics\nset ytics (",
            REP_LANE_COUNT - 1);
    for (int l = 0; l < REP_LANE_COUNT; l++) {
        fputs(l ? ", " : "", gp);
        rep_gp_string(gp, rep_lane_label((rep_lane)l, info->platform));
        fprintf(gp, " %d", l);
    }
    fputs(")\nset key at screen 0.5, screen 0.11 center center horizontal maxcols 5 width 2 samplen 2 Left reverse box "
          "lc rgb \"#c0c0c0\"\n",
          gp);
    fputs("set style fill solid 1.0 noborder\n", gp);
    fputs("plot \\\n", gp);
    bool first = true;
    for (int b = 0; b < REP_BAND_COUNT; b++) {
        if (band_block[b] < 0)
            continue;
        const rep_band_style *bs = rep_band_style_of((rep_band)b);
        fprintf(gp, "%s  \"timeline.dat\" index %d using (($1+$2)/2):(%d):(($2-$1)/2):(%.2f) with boxxyerror "
                    "fc rgb \"%s\" title ",
                first ? "" : ", \\\n", band_block[b], (int)bs->lane, bs->half_height, bs->color);
        rep_gp_string(gp, rep_band_title((rep_band)b, info->platform));
        first = false;
    }
    if (runs_block >= 0) {
        fprintf(gp, "%s  \"timeline.dat\" index %d using 1:(%d-0.38):(0):(0.76) with vectors nohead lw 1.2 "
                    "lc rgb \"%s\" title \"worker run\"",
                first ? "" : ", \\\n", runs_block, REP_LANE_WORKER, REP_WORKER_COLOR);
        first = false;
    }
    for (int r = 1; r < SIM_REASON_COUNT; r++) {
        if (reason_block[r] < 0)
            continue;
        char title[64];
        snprintf(title, sizeof title, "held: %s", sim_reason_name((sim_reason)r));
        fprintf(gp, "%s  \"timeline.dat\" index %d using (($1+$2)/2):(%d):(($2-$1)/2):(0.35) with boxxyerror "
                    "fc rgb \"%s\" title ",
                first ? "" : ", \\\n", reason_block[r], REP_LANE_HELD, rep_reason_color((sim_reason)r));
        rep_gp_string(gp, title);
        first = false;
    }
    for (int k = 1; k <= mark_kinds; k++) {
        if (mark_block[k] < 0)
            continue;
        const rep_mark_style *ms = rep_mark_style_of((rep_mark_kind)k);
        fprintf(gp, "%s  \"timeline.dat\" index %d using 1:(%d) with points pt %d ps 1.6 lc rgb \"%s\" title ",
                first ? "" : ", \\\n", mark_block[k], REP_LANE_APP, ms->gp_point, ms->color);
        rep_gp_string(gp, ms->title);
        first = false;
    }
    if (first)
        fputs("  NaN notitle", gp);
    fputs("\nunset multiplot\n", gp);
    if (rec->deferral_count == 0)
        fputs("# no deferral: the OS never held a due worker back\n", gp);
    rep_gp_end(gp);
    return plot_pair_close(&pp, dir, why, size);
}

/* ---- intervals ---- */

static int write_intervals(const char *dir, const rep_run_info *info, const rep_record *rec, const rep_stats *st,
                           char *why, size_t size)
{
    plot_pair pp;
    if (!plot_pair_open(&pp, dir, "intervals", why, size))
        return -1;
    FILE *dat = pp.dat, *gp = pp.gp;
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
            plot_pair_abort(&pp);
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
        /* durations in the legend and labels as every human output writes them */
        char hmax[48], hp50[48], hp90[48];
        sim_format_human_duration((sim_time)llround(q->max), hmax, sizeof hmax);
        sim_format_human_duration((sim_time)llround(q->p50), hp50, sizeof hp50);
        sim_format_human_duration((sim_time)llround(q->p90), hp90, sizeof hp90);
        if (counted < q->n)
            snprintf(left_out, sizeof left_out, "\\n%zu longer interval%s (up to %s) not shown", q->n - counted,
                     q->n - counted == 1 ? "" : "s", hmax);
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
                    "  NaN with lines dt 2 lw 2 lc rgb \"#333333\" title \"median %s\", \\\n"
                    "  NaN with lines dt 3 lw 2 lc rgb \"#333333\" title \"p90 %s\"\n",
                q->n, hp50, hp90);
        gsl_histogram_free(h);
        free(starts);
        free(v);
    }
    rep_gp_end(gp);
    return plot_pair_close(&pp, dir, why, size);
}

/* ---- hours ---- */

static int write_hours(const char *dir, const rep_run_info *info, const rep_record *rec, const rep_stats *st,
                       char *why, size_t size)
{
    plot_pair pp;
    if (!plot_pair_open(&pp, dir, "hours", why, size))
        return -1;
    FILE *dat = pp.dat, *gp = pp.gp;
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
    /* the rate asked for: one run per requested interval, so 1 h / interval runs start in each hour */
    double asked = info->requested_interval > 0 ? (double)SIM_MS_PER_HOUR / (double)info->requested_interval : 0;
    double top = most > asked ? most : asked;
    rep_gp_begin(gp, "hours", "worker runs by local hour of day", 1100, 600);
    title_line(gp, "Worker runs by hour of day", info);
    fprintf(gp, "set xlabel \"hour of day (local time)\"\n"
                "set ylabel \"runs per day started in this hour (mean of %.4g days)\"\n"
                "set xrange [-0.6:23.6]\nset xtics 0,1,23\nset yrange [0:%.6g]\n"
                "set grid ytics lc rgb \"#e0e0e0\"\nset boxwidth 0.8\n"
                "set style fill solid 0.8 border lc rgb \"#3a6ea5\"\n",
            days, top > 0 ? top * 1.15 : 1.0);
    if (asked > 0) {
        char every[64];
        if (!info->format_duration || info->format_duration(info->requested_interval, every, sizeof every) < 0)
            snprintf(every, sizeof every, "%.4g min", (double)info->requested_interval / (double)SIM_MS_PER_MINUTE);
        char label[160];
        snprintf(label, sizeof label, "requested: one run every %s (%.3g per hour)", every, asked);
        fputs("set key outside top center horizontal Left reverse samplen 3 width 1\n", gp);
        fprintf(gp, "plot \"hours.dat\" using 1:3 with boxes lc rgb \"#6baed6\" title \"runs (mean per day)\", \\\n"
                    "  %.6g with lines dt 2 lw 2.5 lc rgb \"#D55E00\" title ",
                asked);
        rep_gp_string(gp, label);
        fputc('\n', gp);
    } else {
        fputs("unset key\nplot \"hours.dat\" using 1:3 with boxes lc rgb \"#6baed6\" notitle\n", gp);
    }
    rep_gp_end(gp);
    return plot_pair_close(&pp, dir, why, size);
}

/* ---- days ---- */

/* The rows the day view shows: local days from the start's to the end's, at most
 * REP_DAYS_MAX_ROWS. */
static int64_t day_rows(const rep_record *rec)
{
    int64_t n = sim_cal_day_index(&rec->calendar, rec->duration > 0 ? rec->duration - 1 : 0) + 1;
    return n < REP_DAYS_MAX_ROWS ? n : REP_DAYS_MAX_ROWS;
}

/* The end of the span the day view shows: the end of its last row or of the run. */
static sim_time days_end(const rep_record *rec)
{
    sim_time row_end = day_rows(rec) * SIM_MS_PER_DAY - sim_cal_ms_of_day(&rec->calendar, 0);
    return row_end < rec->duration ? row_end : rec->duration;
}

bool rep_plot_days_wanted(const rep_record *rec)
{
    size_t runs = 0;
    sim_time end = days_end(rec);
    for (size_t i = 0; i < rec->worker_count; i++)
        if (rec->worker_runs[i].kind == REP_WORKER_RAN && rec->worker_runs[i].start < end)
            runs++;
    double shown_days = (double)end / (double)SIM_MS_PER_DAY;
    return shown_days > 0 && (double)runs / shown_days > REP_DAYS_DENSE_RUNS_PER_DAY;
}

/* Local hour of day (0..24) of t, and its row. */
static double hour_of(const rep_record *rec, sim_time t) { return (double)sim_cal_ms_of_day(&rec->calendar, t) / (double)SIM_MS_PER_HOUR; }

/* Writes [from, to) as one line per local day it touches: row hour_from hour_to. */
static void day_spans(FILE *dat, const rep_record *rec, sim_time from, sim_time to)
{
    while (from < to) {
        sim_time next_midnight = from - sim_cal_ms_of_day(&rec->calendar, from) + SIM_MS_PER_DAY;
        sim_time until = to < next_midnight ? to : next_midnight;
        fprintf(dat, "%" PRId64 " %.5f %.5f\n", sim_cal_day_index(&rec->calendar, from), hour_of(rec, from),
                until == next_midnight ? 24.0 : hour_of(rec, until));
        from = until;
    }
}

/* One data block per deferral reason held before t->end, each row a held span [start, end):
 * in the timeline's local epoch seconds, or as the day view's rows (day_spans). reason_block[r]
 * is the reason's block index, or -1 when it never held the worker back. */
static void reason_blocks(tl *t, const rep_record *rec, row_axis axis, int reason_block[SIM_REASON_COUNT])
{
    for (int r = 1; r < SIM_REASON_COUNT; r++) {
        reason_block[r] = -1;
        for (size_t i = 0; i < rec->deferral_count; i++) {
            const rep_deferral *d = &rec->deferrals[i];
            if (d->reason != (sim_reason)r || d->start >= t->end)
                continue;
            if (reason_block[r] < 0) {
                char c[96];
                snprintf(c, sizeof c, "held back, reason %s: %s", sim_reason_name((sim_reason)r),
                         axis == AXIS_EPOCH ? "start end" : "day hour_from hour_to");
                reason_block[r] = block_begin(t, c);
            }
            sim_time end = d->end < t->end ? d->end : t->end;
            if (axis == AXIS_EPOCH)
                fprintf(t->dat, "%.3f %.3f\n", rep_local_epoch_s(rec, d->start), rep_local_epoch_s(rec, end));
            else
                day_spans(t->dat, rec, d->start, end);
        }
    }
}

/* One data block per mark kind (process deaths by kind, scripted events) before t->end, a row per
 * mark: its local epoch second, or its (day index, hour). mark_block[k] is the kind's block index,
 * or -1 when none happened. Returns the highest kind shown. */
static int mark_blocks(tl *t, const rep_record *rec, row_axis axis, int mark_block[REP_MARK_KINDS_SHOWN])
{
    for (int k = 0; k < REP_MARK_KINDS_SHOWN; k++)
        mark_block[k] = -1;
    const int kinds = rep_mark_kind_max() < REP_MARK_KINDS_SHOWN - 1 ? rep_mark_kind_max() : REP_MARK_KINDS_SHOWN - 1;
    for (int k = 1; k <= kinds; k++) {
        for (size_t i = 0; i < rec->mark_count; i++) {
            const rep_mark *m = &rec->marks[i];
            if ((int)m->kind != k || m->t >= t->end)
                continue;
            if (mark_block[k] < 0) {
                char c[96];
                snprintf(c, sizeof c, "%s (%s): %s", k == REP_MARK_EVENT ? "scripted" : "process death",
                         rep_mark_name((rep_mark_kind)k), axis == AXIS_EPOCH ? "time" : "day hour");
                mark_block[k] = block_begin(t, c);
            }
            if (axis == AXIS_EPOCH)
                fprintf(t->dat, "%.3f\n", rep_local_epoch_s(rec, m->t));
            else
                fprintf(t->dat, "%" PRId64 " %.5f\n", sim_cal_day_index(&rec->calendar, m->t), hour_of(rec, m->t));
        }
    }
    return kinds;
}

static int write_days(const char *dir, const rep_run_info *info, const rep_record *rec, char *why, size_t size)
{
    plot_pair pp;
    if (!plot_pair_open(&pp, dir, "days", why, size))
        return -1;
    FILE *dat = pp.dat, *gp = pp.gp;
    tl t = {.dat = dat, .end = days_end(rec)};
    int64_t rows = day_rows(rec);
    fprintf(dat, "# days.dat - bgsim run --plot: %s. One row per local day (0 = the start date), hours of the day "
                 "0-24.\n",
            info->name);
    int asleep_block = -1;
    sim_time from = -1;
    for (size_t i = 0; i <= rec->state_count; i++) {
        bool holds = i < rec->state_count && rec->states[i].t < t.end && rep_band_holds(REP_BAND_ASLEEP, &rec->states[i]);
        sim_time at = i < rec->state_count && rec->states[i].t < t.end ? rec->states[i].t : t.end;
        if (holds && from < 0)
            from = at;
        if (!holds && from >= 0) {
            if (asleep_block < 0)
                asleep_block = block_begin(&t, "user asleep: day hour_from hour_to");
            day_spans(dat, rec, from, at);
            from = -1;
        }
    }
    int reason_block[SIM_REASON_COUNT];
    reason_blocks(&t, rec, AXIS_DAY, reason_block);
    int runs_block = -1;
    for (size_t i = 0; i < rec->worker_count; i++) {
        const rep_worker_run *w = &rec->worker_runs[i];
        if (w->kind != REP_WORKER_RAN || w->start >= t.end)
            continue;
        if (runs_block < 0)
            runs_block = block_begin(&t, "worker runs that ran tasks: day hour");
        fprintf(dat, "%" PRId64 " %.5f\n", sim_cal_day_index(&rec->calendar, w->start), hour_of(rec, w->start));
    }
    int mark_block[REP_MARK_KINDS_SHOWN];
    const int mark_kinds = mark_blocks(&t, rec, AXIS_DAY, mark_block);

    int height = 200 + (int)rows * 30;
    rep_gp_begin(gp, "days", "day by day: worker runs and why they were held back, one row per local day", 1400,
                 height < 420 ? 420 : height);
    title_line(gp, "Day by day", info);
    double key_h = 110.0 / (double)(height < 420 ? 420 : height);
    fprintf(gp, "set xrange [0:24]\nset xtics 0,2,24 format \"%%02.0f:00\"\nset mxtics 2\n"
                "set xlabel \"local time of day\"\nset yrange [%" PRId64 ".5:-0.6]\n"
                "set grid xtics mxtics lc rgb \"#e0e0e0\"\nset lmargin at screen 0.10\nset rmargin at screen 0.98\n"
                "set bmargin at screen %.3f\nset style fill solid 1.0 noborder\n",
            rows - 1, key_h + 0.06);
    fputs("set ytics (", gp);
    for (int64_t d = 0; d < rows; d++) {
        char label[32];
        rep_day_label(&rec->calendar, d, label, sizeof label);
        fprintf(gp, "%s\"%s\" %" PRId64, d ? ", " : "", label, d);
    }
    fputs(")\nset key at screen 0.5, screen 0.01 center bottom horizontal maxcols 5 width 2 samplen 2 Left reverse "
          "box lc rgb \"#c0c0c0\"\nplot \\\n",
          gp);
    bool first = true;
    if (asleep_block >= 0) {
        fprintf(gp, "  \"days.dat\" index %d using (($2+$3)/2):1:(($3-$2)/2):(0.45) with boxxyerror fc rgb \"#e8e6f2\" "
                    "title \"user asleep\"",
                asleep_block);
        first = false;
    }
    for (int r = 1; r < SIM_REASON_COUNT; r++) {
        if (reason_block[r] < 0)
            continue;
        char title[64];
        snprintf(title, sizeof title, "held: %s", sim_reason_name((sim_reason)r));
        fprintf(gp, "%s  \"days.dat\" index %d using (($2+$3)/2):($1+0.18):(($3-$2)/2):(0.16) with boxxyerror "
                    "fc rgb \"%s\" title ",
                first ? "" : ", \\\n", reason_block[r], rep_reason_color((sim_reason)r));
        rep_gp_string(gp, title);
        first = false;
    }
    if (runs_block >= 0) {
        fprintf(gp, "%s  \"days.dat\" index %d using 2:($1-0.32):(0):(0.44) with vectors nohead lw 1.2 "
                    "lc rgb \"%s\" title \"worker run\"",
                first ? "" : ", \\\n", runs_block, REP_WORKER_COLOR);
        first = false;
    }
    for (int k = 1; k <= mark_kinds; k++) {
        if (mark_block[k] < 0)
            continue;
        const rep_mark_style *ms = rep_mark_style_of((rep_mark_kind)k);
        fprintf(gp, "%s  \"days.dat\" index %d using 2:($1+0.18) with points pt %d ps 1.2 lc rgb \"%s\" title ",
                first ? "" : ", \\\n", mark_block[k], ms->gp_point, ms->color);
        rep_gp_string(gp, ms->title);
        first = false;
    }
    if (first)
        fputs("  NaN notitle", gp);
    fputc('\n', gp);
    rep_gp_end(gp);
    return plot_pair_close(&pp, dir, why, size);
}

/* A day view of an earlier run in the same folder would be shown as this run's: remove it. */
static void remove_days(const char *dir)
{
    static const char *const exts[] = {"dat", "gp", "png", "svg"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/days.%s", dir, exts[i]);
        (void)remove(path);
    }
}

int rep_plot_write(const char *dir, const rep_run_info *info, const rep_record *rec, const rep_stats *st, char *why,
                   size_t size)
{
    if (write_timeline(dir, info, rec, why, size) != 0)
        return -1;
    if (write_intervals(dir, info, rec, st, why, size) != 0)
        return -1;
    if (write_hours(dir, info, rec, st, why, size) != 0)
        return -1;
    if (!rep_plot_days_wanted(rec)) {
        remove_days(dir);
        return 0;
    }
    return write_days(dir, info, rec, why, size);
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
    char days[4096];
    snprintf(days, sizeof days, "%s/days.gp", dir);
    if (access(days, F_OK) == 0)
        return rep_gnuplot_run(dir, "days.gp", why, size);
    return REP_GP_OK;
}
