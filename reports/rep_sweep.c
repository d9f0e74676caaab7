/*
 * rep_sweep.c - confidence intervals and the sweep plot.
 */
#include "rep_sweep.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

#include "rep_plot.h"

/* gsl_cdf_tdist_Pinv(p, dof), remembered for the last (p, dof) of this thread: a sweep asks it of
 * every metric with the same seeds and confidence, and each answer took ~10,000 instructions of
 * GSL's iteration (its incomplete beta and gamma functions: ~2 % of a 10-seed iOS sweep, issue 24).
 * The value is GSL's own for those arguments, so intervals are unchanged; NAN never equals p. */
static double t_quantile(double p, double dof)
{
    static _Thread_local double last_p = NAN, last_dof = NAN, last_t;
    if (p != last_p || dof != last_dof) {
        last_t = gsl_cdf_tdist_Pinv(p, dof);
        last_p = p;
        last_dof = dof;
    }
    return last_t;
}

void rep_ci_of(const double *v, size_t n, double confidence, rep_ci *out)
{
    *out = (rep_ci){.n = 0, .mean = NAN, .half = NAN};
    double *x = malloc((n ? n : 1) * sizeof *x);
    if (!x)
        return;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            x[m++] = v[i];
    out->n = m;
    out->lo = out->hi = NAN;
    if (m > 0)
        out->mean = gsl_stats_mean(x, 1, m);
    if (m > 1) {
        out->half = t_quantile(1 - (1 - confidence) / 2, (double)(m - 1)) * gsl_stats_sd(x, 1, m) / sqrt((double)m);
        out->lo = out->mean - out->half;
        out->hi = out->mean + out->half;
    }
    free(x);
}

void rep_ci_of_share(const double *v, size_t n, double confidence, rep_ci *out)
{
    rep_ci_of(v, n, confidence, out);
    if (out->n < 2)
        return;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]) && (v[i] < 0 || v[i] > 1))
            return; /* not a share: the t interval */
    double p = out->mean;
    double t = t_quantile(1 - (1 - confidence) / 2, (double)(out->n - 1));
    double var_mean = out->half / t * (out->half / t); /* s^2 / n */
    if (!(var_mean > 0) || !(p * (1 - p) > 0)) {
        out->lo = out->hi = p; /* every seed the same: no spread (p at 0 or 1 implies this) */
        out->half = 0;
        return;
    }
    double n_eff = p * (1 - p) / var_mean, z2 = t * t;
    double denom = 1 + z2 / n_eff;
    double center = (p + z2 / (2 * n_eff)) / denom;
    double hw = t * sqrt(var_mean + z2 / (4 * n_eff * n_eff)) / denom;
    out->lo = fmax(0, center - hw); /* only rounding can cross the bounds */
    out->hi = fmin(1, center + hw);
    out->half = (out->hi - out->lo) / 2;
}

static const char *const line_colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
                                          "#17becf", "#7f7f7f", "#bcbd22"};
#define NCOLORS (sizeof line_colors / sizeof line_colors[0])
/* gnuplot dash types (1 solid, 2 dashed, 3 dotted, 4 dash-dot, 5 dash-dot-dot) and point types
 * (7 filled circle, 4 open square, 8 open triangle, 2 cross, 12 open diamond): open shapes drawn
 * larger over filled ones let coinciding points both show. */
static const int line_dashes[] = {1, 2, 3, 4, 5};
static const int line_points[] = {7, 4, 8, 2, 12};
#define NSTYLES (sizeof line_dashes / sizeof line_dashes[0])

int rep_sweep_plot_write(const char *dir, const rep_sweep_plot *p, char *why, size_t size)
{
    char *dat_tmp = NULL;
    FILE *dat = rep_open_in(dir, "sweep.dat", &dat_tmp, why, size);
    if (!dat)
        return -1;
    char *gp_tmp = NULL;
    FILE *gp = rep_open_in(dir, "sweep.gp", &gp_tmp, why, size);
    if (!gp) {
        rep_abort_in(dat, &dat_tmp);
        return -1;
    }
    /* one unit for both axes when x is a duration, so y = x is the diagonal */
    double most = 0, xmost = 0;
    for (size_t i = 0; i < p->n_lines * p->n_x; i++) {
        if (!isnan(p->points[i].p90.mean) && p->points[i].p90.mean > most)
            most = p->points[i].p90.mean;
        if (p->points[i].x > xmost)
            xmost = p->points[i].x;
    }
    double yunit, xunit = 1;
    const char *yname = rep_unit_for(most > xmost || !p->x_is_duration ? most : xmost, &yunit);
    const char *xname = "";
    if (p->x_is_duration) {
        xunit = yunit;
        xname = yname;
    }
    fprintf(dat, "# sweep.dat - bgsim sweep --plot: %s, %zu seeds per point.\n"
                 "# Each block is one line of the plot (the other swept keys' values in its comment).\n"
                 "# requested(%s) p10_mean p50_mean p90_mean p50_ci_low p50_ci_high (%s)\n",
            p->title, p->seeds, p->x_is_duration ? xname : p->x_key, yname);
    for (size_t l = 0; l < p->n_lines; l++) {
        if (l)
            fputs("\n\n", dat);
        fprintf(dat, "# block %zu: %s\n", l, p->lines[l][0] ? p->lines[l] : "(all)");
        for (size_t i = 0; i < p->n_x; i++) {
            const rep_sweep_point *pt = &p->points[l * p->n_x + i];
            if (isnan(pt->p50.mean))
                continue; /* no interval at this point: a gap in the line */
            double half = isnan(pt->p50.half) ? 0 : pt->p50.half;
            fprintf(dat, "%.6g %.6g %.6g %.6g %.6g %.6g\n", pt->x / xunit, pt->p10.mean / yunit, pt->p50.mean / yunit,
                    pt->p90.mean / yunit, (pt->p50.mean - half) / yunit, (pt->p50.mean + half) / yunit);
        }
    }
    rep_gp_begin(gp, "sweep", "requested vs achieved interval (p10-p90 band), one line per other swept value", 1100,
                 700);
    char t[512];
    snprintf(t, sizeof t, "Requested vs achieved interval - %s (mean of %zu seeds per point)", p->title, p->seeds);
    fputs("set title ", gp);
    rep_gp_string(gp, t);
    fputs(" font \",13\"\n", gp);
    char xl[512];
    if (p->x_is_duration)
        snprintf(xl, sizeof xl, "requested: %s (%s)", p->x_key, xname);
    else
        snprintf(xl, sizeof xl, "%s", p->x_key);
    fputs("set xlabel ", gp);
    rep_gp_string(gp, xl);
    snprintf(xl, sizeof xl, "achieved %s: median, band p10 to p90 (%s)", p->y_metric, yname);
    fputs("\nset ylabel ", gp);
    rep_gp_string(gp, xl);
    fputs("\nset grid lc rgb \"#e0e0e0\"\nset key outside below center horizontal Left reverse samplen 3 width 2\n"
          "set style fill transparent solid 0.18 noborder\n",
          gp);
    /* Requested intervals usually grow geometrically (15m, 30m, 1h...): log axes space them evenly. */
    double xmin = INFINITY;
    for (size_t i = 0; i < p->n_lines * p->n_x; i++)
        if (p->points[i].x > 0 && p->points[i].x < xmin)
            xmin = p->points[i].x;
    if (p->x_is_duration && xmin < INFINITY && xmost / xmin >= 8)
        fprintf(gp, "set logscale xy 2\nset xrange [%.6g:%.6g]\nset format x \"%%g\"\nset format y \"%%g\"\n",
                xmin / xunit / 1.25, xmost / xunit * 1.25);
    else
        fputs("set yrange [0:*]\nset xrange [0:*]\n", gp);
    fputs("plot \\\n", gp);
    for (size_t l = 0; l < p->n_lines; l++) {
        const char *c = line_colors[l % NCOLORS];
        char title[300];
        snprintf(title, sizeof title, "%s", p->lines[l][0] ? p->lines[l] : "median");
        fprintf(gp, "  \"sweep.dat\" index %zu using 1:2:4 with filledcurves lc rgb \"%s\" notitle, \\\n", l, c);
        /* Lines that coincide (two platforms with the same medians) stay apart: each has its own
         * dash pattern and point shape, so the one drawn first still shows under the other. */
        fprintf(gp, "  \"sweep.dat\" index %zu using 1:3 with linespoints lw 2 dt %d pt %d ps %.1f lc rgb \"%s\" title ",
                l, line_dashes[l % NSTYLES], line_points[l % NSTYLES], 1.1 + 0.4 * (double)(l % NSTYLES), c);
        rep_gp_string(gp, title);
        fputs(", \\\n", gp);
    }
    if (p->x_is_duration)
        fputs("  x with lines dt 2 lw 1.5 lc rgb \"#555555\" title \"achieved = requested\", \\\n", gp);
    fputs("  keyentry with boxes fs transparent solid 0.3 noborder lc rgb \"#777777\" title \"p10 to p90 band\"\n", gp);
    rep_gp_end(gp);
    int rc = rep_close_in(dat, &dat_tmp, dir, "sweep.dat", why, size);
    if (rep_close_in(gp, &gp_tmp, dir, "sweep.gp", why, size) != 0)
        rc = -1;
    return rc;
}
