/*
 * rep_html.h - `bgsim run --report DIR`: one self-contained DIR/index.html.
 *
 * The page holds the scenario (its run settings and the YAML text as given), the summary tables
 * (worker and each task: runs, runs per day and per-day spread, intervals, delays, durations,
 * results, battery), why the worker waited (the time it was due without running, by reason, with
 * each reason's share of it, the longest gaps between runs as spans in local time, and the notes
 * on expo's quirks: rep_explain.h, the same figures as `bgsim run` and `bgsim explain`), and the plots
 * of rep_plot.h inlined as SVG. It loads nothing: no scripts, no fonts, no images from elsewhere,
 * so it can be mailed or attached to a CI run as one file.
 */
#ifndef BGSIM_REP_HTML_H
#define BGSIM_REP_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "rep_explain.h"
#include "rep_plot.h"

typedef struct rep_html_input {
    const rep_run_info *info;
    const char *scenario_text;   /* the file's text, or NULL */
    const char *const *overrides; /* --set arguments, n_overrides of them */
    size_t n_overrides;
    const char *duration;        /* as text ("7d") */
    const char *start;           /* local date-time of the start */
    const char *fingerprint;     /* 16 hex digits */
    const char *plot_dir;        /* where NAME.svg are, or NULL: no plots */
    const char *plot_note;       /* shown instead of the plots when they could not be made, or NULL */
    /* The explanation (rep_explain.h): the due time by reason and the `gaps` longest gaps; the
     * headline and the notes as the command line words them (`bgsim explain`). NULL: none. */
    const rep_explain *explain;
    size_t gaps;
    const char *headline;
    const char *const *notes;
    size_t n_notes;
} rep_html_input;

/* Writes the page to out. 0, or -1 with a message in why (a plot SVG could not be read). */
int rep_html_write(FILE *out, const rep_html_input *in, const rep_record *rec, const rep_stats *st, char *why,
                   size_t size);

#endif
