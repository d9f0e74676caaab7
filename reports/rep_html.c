/*
 * rep_html.c - the self-contained HTML report (rep_html.h).
 */
#include "rep_html.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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
