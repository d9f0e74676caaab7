/*
 * rep_html.c - the self-contained HTML report (rep_html.h).
 */
#include "rep_html.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rep_timeline.h"
#include "util.h"

/* A duration for people, as every human output writes it (sim_format_human_duration). */
static const char *human(double ms, char *buf, size_t size)
{
    sim_format_human_duration((sim_time)llround(ms), buf, size);
    return buf;
}

/* Why the worker waited: the due time by reason (shares of due time, as the text summary), the
 * longest gaps as spans, the notes. */
static void html_explain(FILE *out, const rep_html_input *in, const rep_record *rec, const rep_stats *st)
{
    const rep_explain *e = in->explain;
    char b1[48], b2[48], line[4096];
    if (in->headline) {
        fputs("<pre>", out);
        util_xml_text(out, in->headline);
        fputs("</pre>\n", out);
    }
    if (e->due_ms == 0) {
        fputs("<p>The worker was never due without running.</p>\n", out);
    } else {
        fprintf(out, "<p>The worker was due and did not run for %s in total: the OS held it back for %s "
                     "(<code>worker.held</code>)",
                human((double)e->due_ms, b1, sizeof b1), human((double)st->held_total_ms, b2, sizeof b2));
        if (e->due_by[REP_SPAN_NO_REASON] > 0)
            fprintf(out, ", and for %s no reason was given (<code>no_reason</code>: the process was dead, or the OS "
                         "re-ran stopped work later)",
                    human((double)e->due_by[REP_SPAN_NO_REASON], b1, sizeof b1));
        fputs(".</p>\n<table><tr><th>reason</th><th>time due</th><th>share of due time</th><th></th></tr>\n", out);
        int order[SIM_REASON_COUNT];
        size_t n = rep_explain_order(e, order);
        for (size_t k = 0; k < n; k++) {
            double share = (double)e->due_by[order[k]] / (double)e->due_ms;
            fprintf(out, "<tr><th>%s</th><td>%s</td><td>%.0f %%</td><td style=\"text-align:left\">"
                         "<span class=\"bar\" style=\"width:%.0fpx\"></span></td></tr>\n",
                    rep_span_name(order[k]), human((double)e->due_by[order[k]], b1, sizeof b1), 100.0 * share,
                    300.0 * share);
        }
        fputs("</table>\n", out);
    }
    size_t shown = e->gap_count < in->gaps ? e->gap_count : in->gaps;
    if (shown > 0) {
        fprintf(out, "<h3>The %zu longest gaps between runs</h3>\n<ol>\n", shown);
        for (size_t i = 0; i < shown; i++) {
            const rep_gap *g = &e->gaps[i];
            char from[32], to[32];
            sim_cal_format_short(&rec->calendar, g->start, from, sizeof from);
            sim_cal_format_short(&rec->calendar, g->end, to, sizeof to);
            rep_explain_gap_text(rec, e, g, line, sizeof line);
            fprintf(out, "<li><b>%s</b>, %s\xe2\x80\x93%s%s<br>", human((double)(g->end - g->start), b1, sizeof b1), from,
                    to, g->before_first && g->after_last ? " (no run at all)" : g->after_last ? " (after the last run)"
                        : g->before_first ? " (before the first run)" : "");
            util_xml_text(out, line);
            fputs("</li>\n", out);
        }
        fputs("</ol>\n<p class=\"sub\"><code>not_due</code>: waiting out the interval.</p>\n", out);
    }
    if (in->n_notes > 0) {
        fputs("<h3>Notes</h3>\n<ul>\n", out);
        for (size_t i = 0; i < in->n_notes; i++) {
            fputs("<li>", out);
            util_xml_text(out, in->notes[i]);
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
    }
}

static void q_row(FILE *out, const char *label, const rep_quantiles *q, bool is_time)
{
    char b[7][48];
    fprintf(out, "<tr><th>%s</th>", label);
    if (q->n == 0) {
        fputs("<td colspan=\"7\" class=\"none\">no data</td></tr>\n", out);
        return;
    }
    const double v[7] = {q->min, q->p10, q->p50, q->p90, q->p99, q->max, q->mean};
    for (int i = 0; i < 7; i++) {
        if (is_time)
            human(v[i], b[i], sizeof b[i]);
        else
            snprintf(b[i], sizeof b[i], "%.4g", v[i]);
        fprintf(out, "<td>%s</td>", b[i]);
    }
    fputs("</tr>\n", out);
}

static void quantile_table(FILE *out, const rep_quantiles *interval, const rep_quantiles *delay,
                           const rep_quantiles *duration, const rep_quantiles *per_day)
{
    fputs("<table class=\"q\"><tr><th></th><th>min</th><th>p10</th><th>p50</th><th>p90</th><th>p99</th>"
          "<th>max</th><th>mean</th></tr>\n",
          out);
    q_row(out, "interval between runs", interval, true);
    q_row(out, "delay from due to start", delay, true);
    if (duration)
        q_row(out, "run duration", duration, true);
    q_row(out, "runs in a 24-hour window", per_day, false);
    fputs("</table>\n", out);
}

/* Copies an SVG file into the page: from its <svg element on (the XML prolog and DOCTYPE are not
 * allowed inside HTML), with its ids prefixed so several plots on one page cannot clash. */
static int inline_svg(FILE *out, const char *dir, const char *name, char *why, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.svg", dir, name);
    char *data;
    size_t len;
    int rd = util_read_file(path, UTIL_FILE_MAX_BYTES, &data, &len);
    if (rd != UTIL_READ_OK) {
        if (rd == UTIL_READ_TOO_BIG)
            snprintf(why, size, "'%s' is larger than the limit of %zu MiB", path, UTIL_FILE_MAX_BYTES >> 20);
        else if (rd == UTIL_READ_NOMEM)
            snprintf(why, size, "out of memory");
        else
            snprintf(why, size, "cannot read '%s': %s", path, strerror(errno));
        free(data);
        return -1;
    }
    const char *p = strstr(data, "<svg");
    if (!p) {
        free(data);
        snprintf(why, size, "'%s' is not an SVG file", path);
        return -1;
    }
    /* id='x' -> id='NAME_x', url(#x) -> url(#NAME_x), href='#x' -> href='#NAME_x' */
    static const char *const pats[] = {"id='", "id=\"", "url(#", "href='#", "href=\"#"};
    while (*p) {
        size_t k, hit = 0;
        for (k = 0; k < sizeof pats / sizeof pats[0]; k++) {
            size_t n = strlen(pats[k]);
            if (strncmp(p, pats[k], n) == 0 && (p == data || p[-1] == ' ' || p[-1] == '(' || p[-1] == ':' ||
                                                 p[-1] == '\t' || p[-1] == '\n' || pats[k][0] == 'u')) {
                hit = n;
                break;
            }
        }
        if (hit) {
            fwrite(p, 1, hit, out);
            fprintf(out, "%s_", name);
            p += hit;
        } else {
            fputc(*p++, out);
        }
    }
    free(data);
    return 0;
}

/* ---- the day view: one SVG per local day, every element with a hover title ---- */

/* Geometry of a day's SVG (user units): a label column, then 24 hours across. */
enum { DV_W = 1000, DV_LEFT = 140, DV_RIGHT = 970, DV_TOP = 22, DV_LANE = 20 };

typedef struct day_view {
    FILE *out;
    const rep_record *rec;
    sim_time lo, hi; /* the day's span, simulation ms (clipped to the run) */
    sim_time midnight;
} day_view;

static double dv_x(const day_view *v, sim_time t)
{
    return DV_LEFT + (double)(DV_RIGHT - DV_LEFT) * (double)(t - v->midnight) / (double)SIM_MS_PER_DAY;
}

/* y of a lane's centre: lanes top to bottom as the timeline's from its top (charging first). */
static double dv_y(rep_lane lane) { return DV_TOP + DV_LANE * (REP_LANE_COUNT - 1 - (int)lane) + DV_LANE / 2.0; }

/* "Mon 05 Jan 07:00 - 09:12 (2h 12m)" */
static void span_text(const day_view *v, sim_time a, sim_time b, char *buf, size_t size)
{
    char ta[40], tb[40], d[48];
    rep_time_label(&v->rec->calendar, a, ta, sizeof ta);
    rep_time_label(&v->rec->calendar, b, tb, sizeof tb);
    /* the end's weekday and date only when it is another day */
    const char *end = strncmp(ta, tb, 10) == 0 ? tb + 11 : tb;
    snprintf(buf, size, "%s - %s (%s)", ta, end, human((double)(b - a), d, sizeof d));
}

/* A rectangle over [a, b) clipped to the day, at least 1.5 units wide, with its title. */
static void dv_rect(const day_view *v, sim_time a, sim_time b, double y, double half, const char *color,
                    const char *what, const char *detail)
{
    sim_time ca = a < v->lo ? v->lo : a, cb = b > v->hi ? v->hi : b;
    if (cb < ca || (cb == ca && a != b))
        return;
    double x0 = dv_x(v, ca), w = dv_x(v, cb) - x0;
    if (w < 1.5)
        w = 1.5;
    fprintf(v->out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>", x0, y - half, w,
            2 * half, color);
    util_xml_text(v->out, what);
    fputs(": ", v->out);
    util_xml_text(v->out, detail);
    fputs("</title></rect>\n", v->out);
}

static void dv_bands(const day_view *v, rep_band b, const char *platform)
{
    const rep_record *rec = v->rec;
    const rep_band_style *bs = rep_band_style_of(b);
    sim_time from = -1;
    for (size_t i = 0; i <= rec->state_count; i++) {
        bool holds = i < rec->state_count && rep_band_holds(b, &rec->states[i]);
        sim_time at = i < rec->state_count ? rec->states[i].t : rec->duration;
        if (holds && from < 0)
            from = at;
        if (!holds && from >= 0) {
            if (at > v->lo && from < v->hi && at > from) {
                char d[160];
                span_text(v, from, at, d, sizeof d);
                dv_rect(v, from, at, dv_y(bs->lane), DV_LANE * bs->half_height, bs->color, rep_band_title(b, platform), d);
            }
            from = -1;
        }
        if (i < rec->state_count && rec->states[i].t >= v->hi && from < 0)
            break;
    }
}

static void dv_mark(const day_view *v, const rep_mark *m)
{
    const rep_mark_style *ms = rep_mark_style_of(m->kind);
    double x = dv_x(v, m->t), y = dv_y(REP_LANE_APP), r = 5;
    FILE *out = v->out;
    bool line = true; /* an unknown shape is drawn as a cross (stroked, not filled) */
    for (size_t i = 0; i < 4; i++)
        if (strcmp(ms->shape, (const char *const[]){"circle", "square", "diamond", "triangle"}[i]) == 0)
            line = false;
    if (strcmp(ms->shape, "circle") == 0)
        fprintf(out, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.1f\"", x, y, r);
    else if (strcmp(ms->shape, "square") == 0)
        fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.1f\" height=\"%.1f\"", x - r, y - r, 2 * r, 2 * r);
    else if (strcmp(ms->shape, "diamond") == 0)
        fprintf(out, "<polygon points=\"%.2f,%.2f %.2f,%.2f %.2f,%.2f %.2f,%.2f\"", x, y - r - 1, x + r + 1, y, x,
                y + r + 1, x - r - 1, y);
    else if (strcmp(ms->shape, "triangle") == 0)
        fprintf(out, "<polygon points=\"%.2f,%.2f %.2f,%.2f %.2f,%.2f\"", x, y - r - 1, x + r + 1, y + r, x - r - 1,
                y + r);
    else
        fprintf(out, "<path d=\"M%.2f %.2fl8 8m0 -8l-8 8\"", x - 4, y - 4);

    char when[40];
    rep_time_label(&v->rec->calendar, m->t, when, sizeof when);
    fprintf(out, " fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"><title>", ms->color, line ? ms->color : "#ffffff",
            line ? "2" : "0.8");
    util_xml_text(out, ms->title);
    fprintf(out, ": %s</title></%s>\n", when,
            strcmp(ms->shape, "circle") == 0   ? "circle"
            : strcmp(ms->shape, "square") == 0 ? "rect"
            : strcmp(ms->shape, "diamond") == 0 || strcmp(ms->shape, "triangle") == 0 ? "polygon"
                                                                                      : "path");
}

/* One day's SVG: lanes, hour grid, bands, held-back spans, worker runs and process deaths. */
static void day_svg(FILE *out, const rep_record *rec, const char *platform, int64_t day)
{
    day_view v = {.out = out, .rec = rec};
    v.midnight = day * SIM_MS_PER_DAY - sim_cal_ms_of_day(&rec->calendar, 0);
    v.lo = v.midnight < 0 ? 0 : v.midnight;
    v.hi = v.midnight + SIM_MS_PER_DAY < rec->duration ? v.midnight + SIM_MS_PER_DAY : rec->duration;
    int height = DV_TOP + DV_LANE * REP_LANE_COUNT + 24;
    char label[32];
    rep_day_label(&rec->calendar, day, label, sizeof label);
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                 "role=\"img\" font-family=\"sans-serif\" font-size=\"11\"><title>%s</title>\n",
            DV_W, height, DV_W, height, label);
    for (int l = 0; l < REP_LANE_COUNT; l++) {
        double y = dv_y((rep_lane)l);
        fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">", DV_LEFT - 8, y);
        util_xml_text(out, rep_lane_label((rep_lane)l, platform));
        fprintf(out, "</text><line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#f0f0f0\"/>\n", DV_LEFT, DV_RIGHT,
                y, y);
    }
    int axis = DV_TOP + DV_LANE * REP_LANE_COUNT;
    for (int h = 0; h <= 24; h += 2) {
        double x = DV_LEFT + (DV_RIGHT - DV_LEFT) * h / 24.0;
        fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#dddddd\"/><text x=\"%.1f\" y=\"%d\" "
                     "text-anchor=\"middle\">%02d:00</text>\n",
                x, x, DV_TOP - 4, axis, x, axis + 14, h);
    }
    for (int b = 0; b < REP_BAND_COUNT; b++)
        dv_bands(&v, (rep_band)b, platform);
    for (size_t i = 0; i < rec->deferral_count; i++) {
        const rep_deferral *d = &rec->deferrals[i];
        if (d->end <= v.lo || d->start >= v.hi)
            continue;
        char what[64], detail[160];
        snprintf(what, sizeof what, "held back: %s", sim_reason_name(d->reason));
        span_text(&v, d->start, d->end, detail, sizeof detail);
        dv_rect(&v, d->start, d->end, dv_y(REP_LANE_HELD), DV_LANE * 0.35, rep_reason_color(d->reason), what, detail);
    }
    static const char *const kinds[] = {"?", "ran tasks", "no task registered", "deferred by the foreground guard"};
    for (size_t i = 0; i < rec->worker_count; i++) {
        const rep_worker_run *w = &rec->worker_runs[i];
        if (w->end < v.lo || w->start >= v.hi)
            continue;
        char when[40], due[40], dl[48], dur[48], detail[320];
        rep_time_label(&rec->calendar, w->start, when, sizeof when);
        rep_time_label(&rec->calendar, w->due, due, sizeof due);
        snprintf(detail, sizeof detail, "%s for %s, %s; due %s (%s late); %s", when,
                 human((double)(w->end - w->start), dur, sizeof dur), kinds[w->kind >= 1 && w->kind <= 3 ? w->kind : 0],
                 due, human((double)(w->start - w->due), dl, sizeof dl), rep_end_name(w->end_kind));
        dv_rect(&v, w->start, w->end, dv_y(REP_LANE_WORKER), DV_LANE * 0.4,
                w->kind == REP_WORKER_RAN ? REP_WORKER_COLOR : "#999999", "worker run", detail);
    }
    for (size_t i = 0; i < rec->mark_count; i++)
        if (rec->marks[i].t >= v.lo && rec->marks[i].t < v.hi)
            dv_mark(&v, &rec->marks[i]);
    fputs("</svg>\n", out);
}

/* The day selector: links to each day's figure (no script: while a figure is the URL's target,
 * CSS hides the other days, so "report.html#dv-3" shows the fourth day alone), then one figure per
 * day. */
static void day_section(FILE *out, const rep_record *rec, const char *platform)
{
    if (!rec->has_states || rec->duration <= 0)
        return;
    int64_t days = sim_cal_day_index(&rec->calendar, rec->duration - 1) + 1;
    if (days > REP_DAYS_MAX_ROWS)
        days = REP_DAYS_MAX_ROWS;
    fputs("<h2 id=\"days\">Day by day</h2>\n<p class=\"sub\">Pick a day; hover over a band, a run or a mark for its "
          "times.</p>\n"
          "<style>\n.days nav a{display:inline-block;padding:0.2em 0.6em;margin:0 0.3em 0.3em 0;border:1px solid #ccc;"
          "border-radius:4px;text-decoration:none;color:#222;font-size:0.9em}\n"
          ".days:not(:has(figure:target)) nav a[href=\"#days\"]{background:#0072B2;color:#fff}\n"
          ".days:has(figure:target) figure:not(:target){display:none}\n"
          ".days figure{margin:0.4em 0}.days svg{max-width:100%;height:auto}\n",
          out);
    for (int64_t d = 0; d < days; d++)
        fprintf(out, ".days:has(#dv-%" PRId64 ":target) nav a[href=\"#dv-%" PRId64 "\"]{background:#0072B2;color:#fff}\n",
                d, d);
    fputs("</style>\n<div class=\"days\">\n<nav><a href=\"#days\">all days</a>\n", out);
    for (int64_t d = 0; d < days; d++) {
        char label[32];
        rep_day_label(&rec->calendar, d, label, sizeof label);
        fprintf(out, "<a href=\"#dv-%" PRId64 "\">%s</a>\n", d, label);
    }
    fputs("</nav>\n", out);
    for (int64_t d = 0; d < days; d++) {
        char label[32];
        rep_day_label(&rec->calendar, d, label, sizeof label);
        fprintf(out, "<figure id=\"dv-%" PRId64 "\"><figcaption>%s</figcaption>\n", d, label);
        day_svg(out, rec, platform, d);
        fputs("</figure>\n", out);
    }
    fputs("</div>\n", out);
}

int rep_html_write(FILE *out, const rep_html_input *in, const rep_record *rec, const rep_stats *st, char *why,
                   size_t size)
{
    const rep_run_info *info = in->info;
    char b1[48];
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>bgsim report: ",
          out);
    util_xml_text(out, info->name);
    fputs("</title>\n<style>\n"
          "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;max-width:1200px;"
          "padding:0 1em;color:#222;line-height:1.4}\n"
          "h1{font-size:1.6em;margin-bottom:0.2em}h2{border-bottom:1px solid #ddd;padding-bottom:0.2em;margin-top:1.8em}\n"
          "table{border-collapse:collapse;margin:0.6em 0}th,td{padding:0.25em 0.7em;text-align:right;"
          "border-bottom:1px solid #eee}th:first-child{text-align:left}tr:first-child th{border-bottom:2px solid #ccc}\n"
          "table.kv th{text-align:left;font-weight:600;padding-right:1.5em}table.kv td{text-align:left}\n"
          ".none{color:#999;text-align:left}.sub{color:#666}.note{background:#fff4e5;border-left:4px solid #ff9800;"
          "padding:0.6em 1em}\n"
          "pre{background:#f6f8fa;padding:1em;overflow:auto;font-size:0.9em;border-radius:4px}\n"
          ".bar{display:inline-block;height:0.9em;background:#6baed6;vertical-align:middle}\n"
          "figure{margin:1em 0}figure svg{max-width:100%;height:auto;display:block}"
          "figcaption{color:#555;font-size:0.9em}\n"
          "</style>\n</head>\n<body>\n<h1>bgsim report: ",
          out);
    util_xml_text(out, info->name);
    fputs("</h1>\n<p class=\"sub\">When did the background work run, how often, and why not more often?</p>\n", out);

    /* the scenario */
    fputs("<h2>Scenario</h2>\n<table class=\"kv\">\n<tr><th>file</th><td>", out);
    util_xml_text(out, info->file);
    fputs("</td></tr>\n<tr><th>platform</th><td>", out);
    util_xml_text(out, info->platform);
    fputs("</td></tr>\n<tr><th>policy</th><td>", out);
    util_xml_text(out, info->policy);
    fprintf(out, "</td></tr>\n<tr><th>seed</th><td>%llu</td></tr>\n<tr><th>simulated</th><td>",
            (unsigned long long)info->seed);
    util_xml_text(out, in->duration);
    fputs(" from ", out);
    util_xml_text(out, in->start);
    fputs(" (local time)</td></tr>\n<tr><th>fingerprint</th><td><code>", out);
    util_xml_text(out, in->fingerprint);
    fputs("</code></td></tr>\n", out);
    for (size_t i = 0; i < in->n_overrides; i++) {
        fputs("<tr><th>--set</th><td><code>", out);
        util_xml_text(out, in->overrides[i]);
        fputs("</code></td></tr>\n", out);
    }
    fputs("</table>\n", out);

    /* summary */
    fputs("<h2>Summary</h2>\n<h3>Worker</h3>\n<table class=\"kv\">\n", out);
    fprintf(out, "<tr><th>runs that executed tasks</th><td>%zu (%.2f per day)</td></tr>\n", st->worker_runs,
            st->worker_runs_per_day);
    fprintf(out, "<tr><th>how those runs ended</th><td>%zu completed, %zu stopped by the OS",
            st->worker_ends[REP_END_COMPLETED], st->worker_stopped);
    for (int e = REP_END_TIMEOUT, shown = 0; e < REP_END_KILLED; e++)
        if (st->worker_ends[e])
            fprintf(out, "%s%s %zu", shown++ ? ", " : " (", rep_end_name((rep_end)e), st->worker_ends[e]);
    fprintf(out, "%s, %zu killed with the process</td></tr>\n", st->worker_stopped ? ")" : "",
            st->worker_ends[REP_END_KILLED]);
    fprintf(out, "<tr><th>fires deferred by the foreground guard</th><td>%zu</td></tr>\n", st->worker_deferred);
    fprintf(out, "<tr><th>fires with no task registered</th><td>%zu</td></tr>\n", st->worker_no_tasks);
    if (in->explain)
        fprintf(out, "<tr><th>due without running (see below)</th><td>%s</td></tr>\n",
                human((double)in->explain->due_ms, b1, sizeof b1));
    if (st->has_battery)
        fprintf(out, "<tr><th>battery spent on background work</th><td>%.3g %% of a full battery (%.3g %% per day)"
                     "</td></tr>\n",
                100.0 * st->battery_bg, 100.0 * st->battery_bg / ((double)rec->duration / (double)SIM_MS_PER_DAY));
    fputs("</table>\n", out);
    quantile_table(out, &st->worker_interval, &st->worker_delay, NULL, &st->worker_per_day);
    for (size_t i = 0; i < st->task_count; i++) {
        const rep_task_stats *t = &st->tasks[i];
        fputs("<h3>Task <code>", out);
        util_xml_text(out, t->name);
        fputs("</code></h3>\n<table class=\"kv\">\n", out);
        fprintf(out, "<tr><th>registered / unregistered</th><td>%zu / %zu</td></tr>\n", t->registrations,
                t->unregistrations);
        fprintf(out, "<tr><th>runs</th><td>%zu (%.2f per day): %zu succeeded, %zu failed</td></tr>\n", t->runs,
                t->runs_per_day, t->successes, t->failures);
        fprintf(out, "<tr><th>stopped by the OS / killed with the process</th><td>%zu / %zu</td></tr>\n", t->stopped,
                t->killed);
        fputs("</table>\n", out);
        quantile_table(out, &t->interval, &t->delay, &t->duration, &t->per_day);
    }

    /* why it waited */
    fputs("<h2>Why the worker waited</h2>\n", out);
    if (in->explain)
        html_explain(out, in, rec, st);
    else if (st->held_total_ms > 0)
        fprintf(out, "<p>Time the OS held a due worker back: %s in total.</p>\n",
                human((double)st->held_total_ms, b1, sizeof b1));

    day_section(out, rec, info->platform);

    /* plots */
    fputs("<h2>Plots</h2>\n", out);
    if (in->plot_note) {
        fputs("<p class=\"note\">", out);
        util_xml_text(out, in->plot_note);
        fputs("</p>\n", out);
    } else if (in->plot_dir) {
        static const char *const captions[] = {
            "Timeline: battery level, device state lanes, worker runs and the reason a due worker was held back.",
            "Intervals between consecutive worker runs: histogram and cumulative share.",
            "Worker runs by local hour of day."};
        for (size_t i = 0; i < sizeof captions / sizeof captions[0] && rep_plot_names[i]; i++) {
            fputs("<figure>\n", out);
            if (inline_svg(out, in->plot_dir, rep_plot_names[i], why, size) != 0)
                return -1;
            fprintf(out, "\n<figcaption>%s</figcaption>\n</figure>\n", captions[i]);
        }
    }

    if (in->scenario_text) {
        fputs("<h2>Scenario file</h2>\n<pre>", out);
        util_xml_text(out, in->scenario_text);
        fputs("</pre>\n", out);
    }
    fputs("<p class=\"sub\">Written by bgsim. Times are simulated local time.</p>\n</body>\n</html>\n", out);
    if (ferror(out)) {
        snprintf(why, size, "cannot write the report");
        return -1;
    }
    return 0;
}
