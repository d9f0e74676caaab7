/*
 * rep_fleet_plot.c - a fleet's distributions across devices as gnuplot plots (rep_fleet.h).
 *
 * Each curve is an empirical CDF read from a merged histogram (rep_acc.h): at the upper edge of
 * each non-empty bin, the share of devices whose value is below it. So a plot costs memory in bins,
 * not in devices, and it is the same for any J or number of ranks, like the text output.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rep_fleet.h"
#include "rep_gnuplot.h"

static const char *const colors[] = {"#000000", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"};
#define NCOLORS (sizeof colors / sizeof colors[0])

/* The panels of a scope's plot: catalogue suffixes, x-axis labels, whether x is a duration. */
static const struct {
    const char *suffix;
    const char *label;
    bool duration;
} panels[] = {
    {"runs_per_day", "runs per day", false},
    {"interval.p90", "p90 interval between runs (hours)", true},
    {"max_gap", "longest gap without a run (hours)", true},
};
#define NPANELS (sizeof panels / sizeof panels[0])

static const char *group_name(const rep_fleet_view *v, size_t g)
{
    return g == 0 ? "all devices" : v->profile_names[g - 1];
}

/* A file-name-safe copy of a scope name. */
static void safe_name(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; *in && n + 1 < size; in++) {
        bool safe = (*in >= 'a' && *in <= 'z') || (*in >= 'A' && *in <= 'Z') || (*in >= '0' && *in <= '9') ||
                    *in == '-' || *in == '_' || *in == '.';
        char c = *in;
        if (!safe)
            c = '_';
        out[n++] = c;
    }
    out[n] = '\0';
}

static int find_metric(const rep_fleet_view *v, const char *scope, const char *suffix)
{
    char want[600];
    snprintf(want, sizeof want, "%s.%s", scope, suffix);
    for (size_t m = 0; m < v->layout->n_metrics; m++)
        if (strcmp(v->metric_names[m], want) == 0)
            return (int)m;
    return -1;
}

static rep_fleet_plot_status gnuplot_status(rep_gp_status st)
{
    return st == REP_GP_OK ? REP_FLEET_PLOT_OK
           : st == REP_GP_MISSING ? REP_FLEET_PLOT_GNUPLOT_MISSING
                                  : REP_FLEET_PLOT_GNUPLOT_FAILED;
}

/* One block per (panel, group) in the data file, in that order: "x cdf". */
static void write_cdf(FILE *dat, const rep_accs *a, size_t i, bool duration)
{
    size_t nb = rep_accs_bins(a, i, NULL, 0);
    rep_acc_bin *bins = nb ? malloc(nb * sizeof *bins) : NULL;
    uint64_t total = rep_accs_count(a, i);
    if (bins && total > 0) {
        rep_accs_bins(a, i, bins, nb);
        double unit = duration ? (double)SIM_MS_PER_HOUR : 1.0;
        uint64_t below = 0;
        fprintf(dat, "%.8g 0\n", rep_accs_min(a, i) / unit);
        for (size_t b = 0; b < nb; b++) {
            below += bins[b].count;
            double x = bins[b].hi / unit;
            double max = rep_accs_max(a, i) / unit;
            fprintf(dat, "%.8g %.8g\n", x < max ? x : max, (double)below / (double)total);
        }
    } else {
        fputs("NaN NaN\n", dat); /* no device has a value: an empty curve keeps block indices aligned */
    }
    free(bins);
    fputs("\n\n", dat);
}

static rep_fleet_plot_status plot_scope(const char *dir, const char *scope, const rep_fleet_view *v, char *why,
                                        size_t size)
{
    char base[300], file[340];
    safe_name(scope, base, sizeof base);
    snprintf(file, sizeof file, "fleet-%s.dat", base);
    char *dat_tmp = NULL;
    FILE *dat = rep_open_in(dir, file, &dat_tmp, why, size);
    if (!dat) {
        return REP_FLEET_PLOT_CREATE;
    }
    fprintf(dat, "# bgsim fleet %s: share of devices at or below x; blocks: panel x group (all, then profiles)\n", scope);
    for (size_t p = 0; p < NPANELS; p++) {
        int m = find_metric(v, scope, panels[p].suffix);
        for (size_t g = 0; g < v->layout->groups; g++) {
            fprintf(dat, "# %s.%s, %s\n", scope, panels[p].suffix, group_name(v, g));
            if (m < 0)
                fputs("NaN NaN\n\n\n", dat);
            else
                write_cdf(dat, v->accs, rep_fleet_metric_index(v->layout, g, (size_t)m), panels[p].duration);
        }
    }
    if (rep_close_in(dat, &dat_tmp, dir, file, why, size) != 0) {
        return REP_FLEET_PLOT_WRITE;
    }
    snprintf(file, sizeof file, "fleet-%s.gp", base);
    char *gp_tmp = NULL;
    FILE *gp = rep_open_in(dir, file, &gp_tmp, why, size);
    if (!gp) {
        return REP_FLEET_PLOT_CREATE;
    }
    char name[320], title[600];
    snprintf(name, sizeof name, "fleet-%s", base);
    rep_gp_begin(gp, name, "share of devices at or below each value, one line per profile", 1500, 560);
    fputs("set multiplot layout 1,3 title ", gp);
    snprintf(title, sizeof title, "%s across %" PRIu64 " devices - %s", scope,
             rep_accs_count(v->accs, rep_fleet_days_index(v->layout, 0)), v->name);
    rep_gp_string(gp, title);
    fputs(" font \",13\"\n", gp);
    fputs("set grid lc rgb \"#e0e0e0\"\nset yrange [0:100]\nset ytics 25\nset format y \"%g%%\"\n"
          "set ylabel \"share of devices at or below x\"\n"
          "set key outside below center horizontal samplen 2\nset offsets graph 0.04, graph 0.04, 0, 0\n",
          gp);
    for (size_t p = 0; p < NPANELS; p++) {
        fputs("set xlabel ", gp);
        rep_gp_string(gp, panels[p].label);
        fputs("\nset autoscale x\nplot \\\n", gp);
        for (size_t g = 0; g < v->layout->groups; g++) {
            if (g > 0 && v->layout->groups <= 2)
                break;
            fprintf(gp, "  \"%s.dat\" index %zu using 1:($2*100) with steps lw %d lc rgb \"%s\" title ", name,
                    p * v->layout->groups + g, g == 0 ? 3 : 2, colors[g % NCOLORS]);
            rep_gp_string(gp, group_name(v, g));
            fputs(g + 1 < v->layout->groups && v->layout->groups > 2 ? ", \\\n" : "\n", gp);
        }
    }
    fputs("unset multiplot\n", gp);
    rep_gp_end(gp);
    if (rep_close_in(gp, &gp_tmp, dir, file, why, size) != 0) {
        return REP_FLEET_PLOT_WRITE;
    }
    rep_gp_status st = rep_gnuplot_run(dir, file, why, size);
    if (st != REP_GP_OK) {
        return gnuplot_status(st);
    }
    return REP_FLEET_PLOT_OK;
}

/* A profile that drew no device has no share (NaN in every column): gnuplot refuses a histogram
 * with no valid point, so such a profile is left out of the targets plot (its columns stay in the
 * data). Group 0, the whole fleet, always has devices. */
static bool group_drawn(const rep_fleet_view *v, size_t g)
{
    return g == 0 || rep_fleet_target_share(v->layout, v->accs, g, 0).n > 0;
}

static rep_fleet_plot_status plot_targets(const char *dir, const rep_fleet_view *v, char *why, size_t size)
{
    char *dat_tmp = NULL;
    FILE *dat = rep_open_in(dir, "fleet-targets.dat", &dat_tmp, why, size);
    if (!dat) {
        return REP_FLEET_PLOT_CREATE;
    }
    size_t groups = v->layout->groups > 2 ? v->layout->groups : 1;
    fputs("# target, then for each group (all, then profiles): share %, 95 % Wilson low, high\n", dat);
    for (size_t t = 0; t < v->layout->n_targets; t++) {
        fputc('"', dat);
        for (const char *c = v->target_texts[t]; *c; c++)
            fputc(*c == '"' ? '\'' : *c, dat);
        fputc('"', dat);
        for (size_t g = 0; g < groups; g++) {
            rep_fleet_share sh = rep_fleet_target_share(v->layout, v->accs, g, t);
            fprintf(dat, " %.6g %.6g %.6g", 100 * sh.share, 100 * sh.lo, 100 * sh.hi);
        }
        fputc('\n', dat);
    }
    if (rep_close_in(dat, &dat_tmp, dir, "fleet-targets.dat", why, size) != 0) {
        return REP_FLEET_PLOT_WRITE;
    }
    char *gp_tmp = NULL;
    FILE *gp = rep_open_in(dir, "fleet-targets.gp", &gp_tmp, why, size);
    if (!gp) {
        return REP_FLEET_PLOT_CREATE;
    }
    rep_gp_begin(gp, "fleet-targets", "share of devices meeting each target, 95 % interval", 1100, 600);
    char title[400];
    snprintf(title, sizeof title, "Share of devices meeting each target - %s", v->name);
    fputs("set title ", gp);
    rep_gp_string(gp, title);
    fputs(" font \",13\"\nset ylabel \"devices meeting the target (%)\"\nset yrange [0:105]\nset grid ytics lc rgb "
          "\"#e0e0e0\"\nset style data histogram\nset style histogram errorbars gap 2 lw 1\nset style fill solid 0.7 "
          "border -1\nset boxwidth 0.9\nset key outside below center horizontal\nset xtics noenhanced\nplot \\\n",
          gp);
    size_t last = 0;
    for (size_t g = 0; g < groups; g++)
        if (group_drawn(v, g))
            last = g;
    for (size_t g = 0; g <= last; g++) {
        if (!group_drawn(v, g))
            continue;
        fprintf(gp, "  \"fleet-targets.dat\" using %zu:%zu:%zu%s lc rgb \"%s\" title ", 2 + 3 * g, 3 + 3 * g, 4 + 3 * g,
                g == 0 ? ":xtic(1)" : "", colors[g % NCOLORS]);
        rep_gp_string(gp, group_name(v, g));
        fputs(g < last ? ", \\\n" : "\n", gp);
    }
    rep_gp_end(gp);
    if (rep_close_in(gp, &gp_tmp, dir, "fleet-targets.gp", why, size) != 0) {
        return REP_FLEET_PLOT_WRITE;
    }
    rep_gp_status st = rep_gnuplot_run(dir, "fleet-targets.gp", why, size);
    if (st != REP_GP_OK) {
        return gnuplot_status(st);
    }
    return REP_FLEET_PLOT_OK;
}

rep_fleet_plot_status rep_fleet_plot(const char *dir, const rep_fleet_view *v, char *why, size_t size)
{
    if (rep_mkdir_p(dir, why, size) != 0)
        return REP_FLEET_PLOT_CREATE;
    for (size_t t = 0; t <= v->task_count; t++) {
        rep_fleet_plot_status st = plot_scope(dir, t < v->task_count ? v->task_names[t] : "worker", v, why, size);
        if (st != REP_FLEET_PLOT_OK)
            return st;
    }
    return v->layout->n_targets ? plot_targets(dir, v, why, size) : REP_FLEET_PLOT_OK;
}
