/*
 * rep_sweep_table.c - see rep_sweep_table.h.
 */
#include "rep_sweep_table.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rep_format.h"
#include "util.h"

void rep_sweep_combo(const rep_sweep_key *keys, size_t n_keys, size_t ci, size_t *idx)
{
    size_t rest = ci;
    for (size_t k = n_keys; k-- > 0;) {
        idx[k] = rest % keys[k].n;
        rest /= keys[k].n;
    }
}

void rep_sweep_csv(FILE *out, const rep_sweep_table *t)
{
    for (size_t k = 0; k < t->n_keys; k++) {
        util_csv_field(out, t->keys[k].key);
        fputc(',', out);
    }
    fputs("seeds", out);
    for (size_t m = 0; m < t->n_metrics; m++)
        if (t->shown[m])
            fprintf(out, ",%s.mean,%s.ci_low,%s.ci_high", t->metric_names[m], t->metric_names[m], t->metric_names[m]);
    fputc('\n', out);
    for (size_t ci = 0; ci < t->combos; ci++) {
        size_t idx[REP_SWEEP_MAX_KEYS];
        rep_sweep_combo(t->keys, t->n_keys, ci, idx);
        for (size_t k = 0; k < t->n_keys; k++) {
            util_csv_field(out, t->keys[k].values[idx[k]]);
            fputc(',', out);
        }
        fprintf(out, "%" PRId64, t->seeds);
        for (size_t m = 0; m < t->n_metrics; m++) {
            if (!t->shown[m])
                continue;
            const rep_ci *x = &t->cis[ci * t->n_metrics + m];
            fputc(',', out);
            rep_num(out, x->mean, false);
            fputc(',', out);
            rep_num(out, x->lo, false);
            fputc(',', out);
            rep_num(out, x->hi, false);
        }
        fputc('\n', out);
    }
}

/* One row's "metrics" object: the shown metrics of combination ci. */
static void json_metrics(FILE *out, const rep_sweep_table *t, size_t ci)
{
    bool first = true;
    for (size_t m = 0; m < t->n_metrics; m++) {
        if (!t->shown[m])
            continue;
        const rep_ci *x = &t->cis[ci * t->n_metrics + m];
        fputs(first ? "" : ",", out);
        first = false;
        util_json_string(out, t->metric_names[m]);
        fprintf(out, ":{\"n\":%zu,\"mean\":", x->n);
        rep_num(out, x->mean, true);
        fputs(",\"ci_low\":", out);
        rep_num(out, x->lo, true);
        fputs(",\"ci_high\":", out);
        rep_num(out, x->hi, true);
        fputc('}', out);
    }
}

void rep_sweep_json(FILE *out, const rep_sweep_table *t)
{
    fputs("{\"scenario\":", out);
    util_json_string(out, t->scenario);
    fprintf(out, ",\"seeds\":%" PRId64 ",\"confidence\":%.2f,\"keys\":[", t->seeds, t->confidence);
    for (size_t k = 0; k < t->n_keys; k++) {
        fputs(k ? "," : "", out);
        util_json_string(out, t->keys[k].key);
    }
    fputs("],\"rows\":[\n", out);
    for (size_t ci = 0; ci < t->combos; ci++) {
        size_t idx[REP_SWEEP_MAX_KEYS];
        rep_sweep_combo(t->keys, t->n_keys, ci, idx);
        fputs(ci ? ",\n{\"set\":{" : "{\"set\":{", out);
        for (size_t k = 0; k < t->n_keys; k++) {
            fputs(k ? "," : "", out);
            util_json_string(out, t->keys[k].key);
            fputc(':', out);
            util_json_string(out, t->keys[k].values[idx[k]]);
        }
        fprintf(out, "},\"seeds\":%" PRId64 ",\"metrics\":{", t->seeds);
        json_metrics(out, t, ci);
        fputs("}}", out);
    }
    fputs("\n]}\n", out);
}

/* ---- the table for people ---- */

/* A duration in ms as two units at most: "9d 10h", "3h 44m", "4m 3s", "8.2s", "640ms". */
static void human_duration(double ms, char *buf, size_t size)
{
    static const struct {
        double ms;
        const char *unit, *next;
        double next_ms;
    } units[] = {{86400e3, "d", "h", 3600e3}, {3600e3, "h", "m", 60e3}, {60e3, "m", "s", 1e3}};
    double a = fabs(ms);
    const char *sign = ms < 0 ? "-" : "";
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (a >= units[i].ms) {
            double whole = floor(a / units[i].ms);
            double rest = round((a - whole * units[i].ms) / units[i].next_ms);
            if (rest * units[i].next_ms >= units[i].ms) { /* 59.6 s rounds up to the next whole unit */
                whole += 1;
                rest = 0;
            }
            if (rest > 0)
                snprintf(buf, size, "%s%.0f%s %.0f%s", sign, whole, units[i].unit, rest, units[i].next);
            else
                snprintf(buf, size, "%s%.0f%s", sign, whole, units[i].unit);
            return;
        }
    }
    if (a >= 1e3)
        snprintf(buf, size, "%s%.3gs", sign, a / 1e3);
    else
        snprintf(buf, size, "%s%.0fms", sign, a);
}

/* One value as the table shows it. */
static void table_value(double v, rep_metric_kind kind, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (v == 0)
        snprintf(buf, size, "0");
    else if (kind == REP_KIND_DURATION)
        human_duration(v, buf, size);
    else if (kind == REP_KIND_FRACTION)
        snprintf(buf, size, fabs(v) < 0.01 ? "%.2f%%" : "%.1f%%", v * 100);
    else
        snprintf(buf, size, "%.2f", v);
}

#define CELL 40

/* The text of every cell: cells[(row * combos + ci) * CELL], rows = keys, then 2 per metric. */
static size_t table_width(const rep_sweep_table *t, size_t *name_w)
{
    size_t w = 8;
    *name_w = 6;
    for (size_t k = 0; k < t->n_keys; k++) {
        *name_w = strlen(t->keys[k].key) > *name_w ? strlen(t->keys[k].key) : *name_w;
        for (size_t i = 0; i < t->keys[k].n; i++)
            w = strlen(t->keys[k].values[i]) > w ? strlen(t->keys[k].values[i]) : w;
    }
    for (size_t m = 0; m < t->n_metrics; m++)
        if (t->shown[m] && strlen(t->metric_names[m]) > *name_w)
            *name_w = strlen(t->metric_names[m]);
    return w;
}

static void metric_cells(const rep_sweep_table *t, size_t ci, size_t m, char *mean, char *range)
{
    const rep_ci *x = &t->cis[ci * t->n_metrics + m];
    rep_metric_kind kind = t->kinds ? t->kinds[m] : REP_KIND_RATE;
    table_value(x->mean, kind, mean, CELL);
    if (isnan(x->lo) || x->lo == x->hi) { /* one seed, or no spread: nothing to show */
        range[0] = '\0';
        return;
    }
    char lo[CELL / 2 - 2], hi[CELL / 2 - 2];
    table_value(x->lo, kind, lo, sizeof lo);
    table_value(x->hi, kind, hi, sizeof hi);
    snprintf(range, CELL, "%s - %s", lo, hi);
}

void rep_sweep_text(FILE *out, const rep_sweep_table *t)
{
    size_t name_w, col_w = table_width(t, &name_w);
    char mean[CELL], range[CELL];
    for (size_t ci = 0; ci < t->combos; ci++) /* the widest cell sets the columns' width */
        for (size_t m = 0; m < t->n_metrics; m++)
            if (t->shown[m]) {
                metric_cells(t, ci, m, mean, range);
                col_w = strlen(range) > col_w ? strlen(range) : col_w;
                col_w = strlen(mean) > col_w ? strlen(mean) : col_w;
            }
    fprintf(out, "sweep of %s: %" PRId64 " seeds per combination; each metric's mean, and below it its %.0f %% "
                 "interval\n", t->scenario, t->seeds, t->confidence * 100);
    for (size_t first = 0; first < t->combos; first += REP_SWEEP_TEXT_COLUMNS) {
        size_t last = first + REP_SWEEP_TEXT_COLUMNS < t->combos ? first + REP_SWEEP_TEXT_COLUMNS : t->combos;
        fputc('\n', out);
        for (size_t k = 0; k < t->n_keys; k++) {
            fprintf(out, "%-*s", (int)name_w, t->keys[k].key);
            for (size_t ci = first; ci < last; ci++) {
                size_t idx[REP_SWEEP_MAX_KEYS];
                rep_sweep_combo(t->keys, t->n_keys, ci, idx);
                fprintf(out, "  %-*s", ci + 1 < last ? (int)col_w : 0, t->keys[k].values[idx[k]]);
            }
            fputc('\n', out);
        }
        for (size_t i = 0; i < name_w + (last - first) * (col_w + 2); i++)
            fputc('-', out);
        fputc('\n', out);
        for (size_t m = 0; m < t->n_metrics; m++) {
            if (!t->shown[m])
                continue;
            for (int line = 0; line < 2; line++) {
                char row[(REP_SWEEP_TEXT_COLUMNS + 1) * (CELL + 2) + 256];
                size_t len = 0;
                for (size_t ci = first; ci < last; ci++) {
                    metric_cells(t, ci, m, mean, range);
                    len += (size_t)snprintf(row + len, sizeof row - len, "  %-*s", (int)col_w, line ? range : mean);
                    if (len >= sizeof row)
                        len = sizeof row - 1;
                }
                while (len > 0 && row[len - 1] == ' ') /* no trailing blanks */
                    len--;
                row[len] = '\0';
                if (line == 0 || len > 0)
                    fprintf(out, "%-*s%s\n", len ? (int)name_w : 0, line ? "" : t->metric_names[m], row);
            }
        }
    }
}
