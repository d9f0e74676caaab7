/*
 * rep_fleet.c - a fleet's accumulators read back: layout, target shares, text, JSON and CSV.
 * The plots are in rep_fleet_plot.c.
 */
#include "rep_fleet.h"

#include <gsl/gsl_cdf.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "rep_format.h"
#include "util.h"

/* ---- layout ---- */

static size_t per_group(const rep_fleet_layout *l) { return 1 + l->n_metrics + l->n_targets; }
size_t rep_fleet_acc_count(const rep_fleet_layout *l) { return l->groups * per_group(l); }
size_t rep_fleet_days_index(const rep_fleet_layout *l, size_t group) { return group * per_group(l); }
size_t rep_fleet_metric_index(const rep_fleet_layout *l, size_t group, size_t metric)
{
    return group * per_group(l) + 1 + metric;
}
size_t rep_fleet_target_index(const rep_fleet_layout *l, size_t group, size_t target)
{
    return group * per_group(l) + 1 + l->n_metrics + target;
}

/* ---- shares ---- */

void rep_fleet_share_interval(uint64_t k, uint64_t n, double *lo, double *hi)
{
    if (n == 0) {
        *lo = *hi = NAN;
        return;
    }
    double z = gsl_cdf_ugaussian_Pinv(0.975), nn = (double)n, p = (double)k / nn;
    double den = 1 + z * z / nn;
    double center = (p + z * z / (2 * nn)) / den;
    double half = z * sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / den;
    *lo = center - half < 0 ? 0 : center - half;
    *hi = center + half > 1 ? 1 : center + half;
}

rep_fleet_share rep_fleet_target_share(const rep_fleet_layout *l, const rep_accs *a, size_t group, size_t target)
{
    size_t i = rep_fleet_target_index(l, group, target);
    rep_fleet_share sh = {.n = rep_accs_count(a, i), .k = (uint64_t)llround(rep_accs_sum(a, i))};
    sh.share = sh.n ? (double)sh.k / (double)sh.n : NAN;
    rep_fleet_share_interval(sh.k, sh.n, &sh.lo, &sh.hi);
    return sh;
}

/* ---- text, JSON, CSV ---- */

/* A value for the text table (json and csv print numbers as they are). */
static void fmt_value(rep_metric_kind kind, double v, char *buf, size_t size)
{
    if (isnan(v)) {
        snprintf(buf, size, "-");
    } else if (kind == REP_KIND_DURATION) {
        /* as every human output writes a duration (json/csv: ms) */
        sim_format_human_duration((sim_time)llround(v), buf, size);
    } else if (kind == REP_KIND_FRACTION) {
        snprintf(buf, size, "%.1f%%", 100 * v);
    } else {
        snprintf(buf, size, "%.2f", v);
    }
}

static const double qs[] = {0.10, 0.50, 0.90};

static void stats_of(const rep_fleet_view *o, size_t group, size_t m, double v[7])
{
    size_t i = rep_fleet_metric_index(o->layout, group, m);
    const rep_accs *a = o->accs;
    v[0] = rep_accs_mean(a, i);
    v[1] = rep_accs_sd(a, i);
    v[2] = rep_accs_min(a, i);
    for (int q = 0; q < 3; q++)
        v[3 + q] = rep_accs_quantile(a, i, qs[q]);
    v[6] = rep_accs_max(a, i);
}

static uint64_t group_devices(const rep_fleet_view *o, size_t g)
{
    return rep_accs_count(o->accs, rep_fleet_days_index(o->layout, g));
}

static uint64_t metric_devices(const rep_fleet_view *o, size_t g, size_t m)
{
    return rep_accs_count(o->accs, rep_fleet_metric_index(o->layout, g, m));
}

/* A held_share row is shown only when some device was held for that reason, a worker.stopped or
 * worker.killed row only when some device had a run stopped or killed. */
static bool metric_shown(const rep_fleet_view *o, size_t m)
{
    const rep_metric_ref *ref = &o->metrics[m];
    bool cut = ref->task < 0 && (strcmp(ref->def->suffix, "stopped") == 0 || strcmp(ref->def->suffix, "killed") == 0);
    if (strncmp(ref->def->suffix, "held_share.", 11) != 0 && !cut)
        return true;
    double max = rep_accs_max(o->accs, rep_fleet_metric_index(o->layout, 0, m));
    return !isnan(max) && max > 0;
}

/* The metric's scope ("sync", "worker") and what follows it ("held_share.doze"). */
static const char *scope_of(const rep_fleet_view *o, size_t m)
{
    int t = o->metrics[m].task;
    return t < 0 ? "worker" : o->task_names[t];
}

static void text_table(FILE *f, const rep_fleet_view *o, size_t group, const char *indent)
{
    const char *scope = NULL;
    for (size_t m = 0; m < o->layout->n_metrics; m++) {
        if (!metric_shown(o, m))
            continue;
        const char *sc = scope_of(o, m);
        const char *suffix = o->metric_names[m] + strlen(sc) + 1;
        if (!scope || strcmp(scope, sc) != 0) {
            scope = sc;
            fprintf(f, "%s%-30s %10s %10s %10s %10s %10s %10s %10s %8s\n", indent, scope, "mean", "sd", "min", "p10",
                    "p50", "p90", "max", "devices");
        }
        double v[7];
        stats_of(o, group, m, v);
        char cells[7][48];
        rep_metric_kind kind = o->metrics[m].def->kind;
        for (int i = 0; i < 7; i++)
            fmt_value(i == 1 && kind == REP_KIND_COUNT ? REP_KIND_RATE : kind, v[i], cells[i], sizeof cells[i]);
        uint64_t n = metric_devices(o, group, m);
        fprintf(f, "%s  %-28s %10s %10s %10s %10s %10s %10s %10s %8" PRIu64 "\n", indent, suffix, cells[0], cells[1],
                cells[2], cells[3], cells[4], cells[5], cells[6], n);
    }
}

static void text_targets(FILE *f, const rep_fleet_view *o)
{
    if (o->layout->n_targets == 0)
        return;
    size_t groups = o->layout->groups;
    fprintf(f, "\ntargets: share of devices meeting each (95 %% Wilson interval)\n");
    fprintf(f, "  %-28s %-24s", "target", "all");
    for (size_t g = 1; g < groups && groups > 2; g++)
        fprintf(f, " %-24s", o->profile_names[g - 1]);
    fputc('\n', f);
    for (size_t t = 0; t < o->layout->n_targets; t++) {
        fprintf(f, "  %-28s", o->target_texts[t]);
        for (size_t g = 0; g < groups; g++) {
            if (g > 0 && groups <= 2)
                break;
            rep_fleet_share sh = rep_fleet_target_share(o->layout, o->accs, g, t);
            char cell[64];
            if (sh.n == 0)
                snprintf(cell, sizeof cell, "-");
            else
                snprintf(cell, sizeof cell, "%.1f%% [%.1f, %.1f]", 100 * sh.share, 100 * sh.lo, 100 * sh.hi);
            fprintf(f, " %-24s", cell);
        }
        fputc('\n', f);
    }
}

void rep_fleet_text(FILE *f, const rep_fleet_view *o)
{
    size_t groups = o->layout->groups;
    fprintf(f, "fleet: %s (%s), seed %" PRIu64 ", %" PRIu64 " devices, %.1f device-days\n", o->name, o->file, o->seed,
            o->devices, o->device_days);
    if (groups > 2) {
        fprintf(f, "profiles:");
        for (size_t g = 1; g < groups; g++) {
            uint64_t n = group_devices(o, g);
            fprintf(f, "%s %s %" PRIu64 " (%.1f%%)", g > 1 ? "," : "", o->profile_names[g - 1], n,
                    o->devices ? 100.0 * (double)n / (double)o->devices : 0.0);
        }
        fputc('\n', f);
    }
    text_targets(f, o);
    fprintf(f, "\nacross devices (each device's value of the metric; 'devices': how many have one)\n");
    text_table(f, o, 0, "");
    for (size_t g = 1; g < groups && groups > 2; g++) {
        fprintf(f, "\nprofile %s: %" PRIu64 " devices\n", o->profile_names[g - 1], group_devices(o, g));
        text_table(f, o, g, "  ");
    }
}

static const char *kind_unit(rep_metric_kind k)
{
    return k == REP_KIND_DURATION ? "ms" : k == REP_KIND_FRACTION ? "fraction" : k == REP_KIND_RATE ? "per_day" : "count";
}

static void json_group(FILE *f, const rep_fleet_view *o, size_t g)
{
    fprintf(f, "{\"devices\":%" PRIu64 ",\"targets\":[", group_devices(o, g));
    for (size_t t = 0; t < o->layout->n_targets; t++) {
        rep_fleet_share sh = rep_fleet_target_share(o->layout, o->accs, g, t);
        fprintf(f, "%s{\"target\":", t ? "," : "");
        util_json_string(f, o->target_texts[t]);
        fprintf(f, ",\"devices\":%" PRIu64 ",\"meeting\":%" PRIu64 ",\"share\":", sh.n, sh.k);
        rep_num(f, sh.share, true);
        fputs(",\"ci95\":[", f);
        rep_num(f, sh.lo, true);
        fputc(',', f);
        rep_num(f, sh.hi, true);
        fputs("]}", f);
    }
    fputs("],\"metrics\":[", f);
    for (size_t m = 0; m < o->layout->n_metrics; m++) {
        double v[7];
        stats_of(o, g, m, v);
        fprintf(f, "%s{\"metric\":", m ? "," : "");
        util_json_string(f, o->metric_names[m]);
        fprintf(f, ",\"unit\":\"%s\",\"devices\":%" PRIu64, kind_unit(o->metrics[m].def->kind),
                metric_devices(o, g, m));
        static const char *const keys[] = {"mean", "sd", "min", "p10", "p50", "p90", "max"};
        for (int i = 0; i < 7; i++) {
            fprintf(f, ",\"%s\":", keys[i]);
            rep_num(f, v[i], true);
        }
        fputc('}', f);
    }
    fputs("]}", f);
}

void rep_fleet_json(FILE *f, const rep_fleet_view *o)
{
    fputs("{\"scenario\":", f);
    util_json_string(f, o->name);
    fputs(",\"file\":", f);
    util_json_string(f, o->file);
    fprintf(f, ",\"seed\":%" PRIu64 ",\"devices\":%" PRIu64 ",\"device_days\":", o->seed, o->devices);
    rep_num(f, o->device_days, true);
    fprintf(f, ",\"quantile_relative_error\":%.10g,\"all\":", REP_ACC_REL_ERROR);
    json_group(f, o, 0);
    fputs(",\"profiles\":[", f);
    for (size_t g = 1; g < o->layout->groups; g++) {
        fprintf(f, "%s{\"name\":", g > 1 ? "," : "");
        util_json_string(f, o->profile_names[g - 1]);
        fputs(",\"weight\":", f);
        rep_num(f, o->profile_weights[g - 1], true);
        fputs(",\"results\":", f);
        json_group(f, o, g);
        fputc('}', f);
    }
    fputs("]}\n", f);
}

void rep_fleet_csv(FILE *f, const rep_fleet_view *o)
{
    fputs("group,kind,name,unit,devices,mean,sd,min,p10,p50,p90,max,meeting,share,ci95_low,ci95_high\n", f);
    for (size_t g = 0; g < o->layout->groups; g++) {
        const char *group = g == 0 ? "all" : o->profile_names[g - 1];
        for (size_t t = 0; t < o->layout->n_targets; t++) {
            rep_fleet_share sh = rep_fleet_target_share(o->layout, o->accs, g, t);
            util_csv_field(f, group);
            fputs(",target,", f);
            util_csv_field(f, o->target_texts[t]);
            fprintf(f, ",,%" PRIu64 ",,,,,,,,%" PRIu64 ",", sh.n, sh.k);
            rep_num(f, sh.share, false);
            fputc(',', f);
            rep_num(f, sh.lo, false);
            fputc(',', f);
            rep_num(f, sh.hi, false);
            fputc('\n', f);
        }
        for (size_t m = 0; m < o->layout->n_metrics; m++) {
            double v[7];
            stats_of(o, g, m, v);
            util_csv_field(f, group);
            fputs(",metric,", f);
            util_csv_field(f, o->metric_names[m]);
            fprintf(f, ",%s,%" PRIu64, kind_unit(o->metrics[m].def->kind),
                    metric_devices(o, g, m));
            for (int i = 0; i < 7; i++) {
                fputc(',', f);
                rep_num(f, v[i], false);
            }
            fputs(",,,,\n", f);
        }
    }
}
