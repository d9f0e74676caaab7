/*
 * cli_fleet_plot.c - a fleet's distributions across devices as gnuplot plots.
 *
 * Each curve is an empirical CDF read from a merged histogram (rep_acc.h): at the upper edge of
 * each non-empty bin, the share of devices whose value is below it. So a plot costs memory in bins,
 * not in devices, and it is the same for any J or number of ranks, like the text output.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_fleet.h"
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

static const char *group_name(const scn_scenario *s, size_t g)
{
    return g == 0 ? "all devices" : run_fleet_profile_name(s, g - 1);
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

static int find_metric(const run_fleet_spec *spec, char *const *names, const char *scope, const char *suffix)
{
    char want[600];
    snprintf(want, sizeof want, "%s.%s", scope, suffix);
    for (size_t m = 0; m < spec->n_metrics; m++)
        if (strcmp(names[m], want) == 0)
            return (int)m;
    return -1;
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

static int plot_scope(const char *dir, const char *scope, const scn_scenario *s, const run_fleet_result *r,
                      const run_fleet_spec *spec, char *const *names)
{
    char base[300], file[340], why[1024];
    safe_name(scope, base, sizeof base);
    snprintf(file, sizeof file, "fleet-%s.dat", base);
    FILE *dat = rep_open_in(dir, file, why, sizeof why);
    if (!dat) {
        fprintf(stderr, "bgsim fleet: %s\n", why);
        return EX_CANTCREAT;
    }
    fprintf(dat, "# bgsim fleet %s: share of devices at or below x; blocks: panel x group (all, then profiles)\n", scope);
    for (size_t p = 0; p < NPANELS; p++) {
        int m = find_metric(spec, names, scope, panels[p].suffix);
        for (size_t g = 0; g < r->groups; g++) {
            fprintf(dat, "# %s.%s, %s\n", scope, panels[p].suffix, group_name(s, g));
            if (m < 0)
                fputs("NaN NaN\n\n\n", dat);
            else
                write_cdf(dat, &r->accs, run_fleet_metric_index(r, g, (size_t)m), panels[p].duration);
        }
    }
    if (rep_close_in(dat, dir, file, why, sizeof why) != 0) {
        fprintf(stderr, "bgsim fleet: %s\n", why);
        return EX_IOERR;
    }
    snprintf(file, sizeof file, "fleet-%s.gp", base);
    FILE *gp = rep_open_in(dir, file, why, sizeof why);
    if (!gp) {
        fprintf(stderr, "bgsim fleet: %s\n", why);
        return EX_CANTCREAT;
    }
    char name[320], title[600];
    snprintf(name, sizeof name, "fleet-%s", base);
    rep_gp_begin(gp, name, "share of devices at or below each value, one line per profile", 1500, 560);
    fputs("set multiplot layout 1,3 title ", gp);
    snprintf(title, sizeof title, "%s across %" PRIu64 " devices - %s", scope,
             rep_accs_count(&r->accs, run_fleet_days_index(r, 0)), s->name);
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
        for (size_t g = 0; g < r->groups; g++) {
            if (g > 0 && r->groups <= 2)
                break;
            fprintf(gp, "  \"%s.dat\" index %zu using 1:($2*100) with steps lw %d lc rgb \"%s\" title ", name,
                    p * r->groups + g, g == 0 ? 3 : 2, colors[g % NCOLORS]);
            rep_gp_string(gp, group_name(s, g));
            fputs(g + 1 < r->groups && r->groups > 2 ? ", \\\n" : "\n", gp);
        }
    }
    fputs("unset multiplot\n", gp);
    rep_gp_end(gp);
    if (rep_close_in(gp, dir, file, why, sizeof why) != 0) {
        fprintf(stderr, "bgsim fleet: %s\n", why);
        return EX_IOERR;
    }
    rep_gp_status st = rep_gnuplot_run(dir, file, why, sizeof why);
    if (st != REP_GP_OK) {
        fprintf(stderr, "bgsim fleet: %s\n", why);
        return st == REP_GP_MISSING ? EX_UNAVAILABLE : EX_SOFTWARE;
    }
    return 0;
}

static int plot_targets(const char *dir, const scn_scenario *s, const run_fleet_result *r, const run_fleet_spec *spec)
{
    char why[1024];
    FILE *dat = rep_open_in(dir, "fleet-targets.dat", why, sizeof why);
    if (!dat) {
        fprintf(stderr, "bgsim fleet: %s\n", why);
        return EX_CANTCREAT;
    }
    size_t groups = r->groups > 2 ? r->groups : 1;
    fputs("# target, then for each group (all, then profiles): share %, 95 % Wilson low, high\n", dat);
    for (size_t t = 0; t < spec->n_targets; t++) {
        fputc('"', dat);
        for (const char *c = spec->targets[t].text; *c; c++)
            fputc(*c == '"' ? '\'' : *c, dat);
        fputc('"', dat);
        for (size_t g = 0; g < groups; g++) {
            run_fleet_share sh = run_fleet_target_share(r, g, t);
            fprintf(dat, " %.6g %.6g %.6g", 100 * sh.share, 100 * sh.lo, 100 * sh.hi);
        }
        fputc('\n', dat);
    }
    if (rep_close_in(dat, dir, "fleet-targets.dat", why, sizeof why) != 0) {
        fprintf(stderr, "bgsim fleet: %s\n", why);
        return EX_IOERR;
    }
    FILE *gp = rep_open_in(dir, "fleet-targets.gp", why, sizeof why);
    if (!gp) {
        fprintf(stderr, "bgsim fleet: %s\n", why);
        return EX_CANTCREAT;
    }
    rep_gp_begin(gp, "fleet-targets", "share of devices meeting each target, 95 % interval", 1100, 600);
    char title[400];
    snprintf(title, sizeof title, "Share of devices meeting each target - %s", s->name);
    fputs("set title ", gp);
    rep_gp_string(gp, title);
    fputs(" font \",13\"\nset ylabel \"devices meeting the target (%)\"\nset yrange [0:105]\nset grid ytics lc rgb "
          "\"#e0e0e0\"\nset style data histogram\nset style histogram errorbars gap 2 lw 1\nset style fill solid 0.7 "
          "border -1\nset boxwidth 0.9\nset key outside below center horizontal\nset xtics noenhanced\nplot \\\n",
          gp);
    for (size_t g = 0; g < groups; g++) {
        fprintf(gp, "  \"fleet-targets.dat\" using %zu:%zu:%zu%s lc rgb \"%s\" title ", 2 + 3 * g, 3 + 3 * g, 4 + 3 * g,
                g == 0 ? ":xtic(1)" : "", colors[g % NCOLORS]);
        rep_gp_string(gp, group_name(s, g));
        fputs(g + 1 < groups ? ", \\\n" : "\n", gp);
    }
    rep_gp_end(gp);
    if (rep_close_in(gp, dir, "fleet-targets.gp", why, sizeof why) != 0) {
        fprintf(stderr, "bgsim fleet: %s\n", why);
        return EX_IOERR;
    }
    rep_gp_status st = rep_gnuplot_run(dir, "fleet-targets.gp", why, sizeof why);
    if (st != REP_GP_OK) {
        fprintf(stderr, "bgsim fleet: %s\n", why);
        return st == REP_GP_MISSING ? EX_UNAVAILABLE : EX_SOFTWARE;
    }
    return 0;
}

int cli_fleet_plot(const char *dir, const scn_scenario *s, const run_fleet_result *r, const run_fleet_spec *spec,
                   char *const *metric_names)
{
    char why[1024];
    if (rep_mkdir_p(dir, why, sizeof why) != 0) {
        fprintf(stderr, "bgsim fleet: %s\n", why);
        return EX_CANTCREAT;
    }
    for (size_t t = 0; t <= s->task_count; t++) {
        int rc = plot_scope(dir, t < s->task_count ? s->tasks[t].name : "worker", s, r, spec, metric_names);
        if (rc != 0)
            return rc;
    }
    return spec->n_targets ? plot_targets(dir, s, r, spec) : 0;
}
