/*
 * rep_explain.h - why the worker did not run: the gaps between runs, reason by reason.
 *
 * The time between the end of one worker run that ran tasks and the start of the next is a gap
 * (also before the first run and after the last). Every millisecond of a gap is one span kind:
 *
 *   not due      the worker was not due yet (waiting out the interval, or not registered);
 *   a reason     the OS held the due worker back (sim_reason.h, recorded as rep_deferral);
 *   no reason    due, but no OS reason was recorded (the process was dead, the OS re-ran stopped
 *                work later, ...).
 *
 * "Due time" is everything but `not due`: the time the worker was due and did not run. It is
 * the one total the human outputs show, with each reason's share of it. The held-back time per
 * reason is the same as the `worker.held.<reason>` metrics (rep_stats.held_ms), so held back +
 * no reason = due time. (The `worker.deferred_time` metric, the sum over runs of start - due, is
 * a different figure: it leaves out what came before a request was re-submitted and the time
 * after the last run.)
 */
#ifndef BGSIM_REP_EXPLAIN_H
#define BGSIM_REP_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rep_record.h"

/* Span kinds besides the reasons: SIM_REASON_NONE is "due, no OS reason". */
#define REP_SPAN_NO_REASON SIM_REASON_NONE
#define REP_SPAN_NOT_DUE SIM_REASON_COUNT

typedef struct rep_span {
    sim_time start, end;
    int what; /* a sim_reason, REP_SPAN_NO_REASON or REP_SPAN_NOT_DUE */
} rep_span;

typedef struct rep_gap {
    sim_time start, end;      /* end of a run (or 0) .. start of the next (or the end of the run) */
    bool before_first;        /* no run before it: it starts at the start of the simulation */
    bool after_last;          /* no run after it: it lasts until the end of the simulation */
    size_t first_span, span_count; /* its spans in rep_explain.spans, in time order */
} rep_gap;

typedef struct rep_explain {
    rep_gap *gaps;            /* the longest gaps (rep_explain_compute's max_gaps), longest first
                               * (ties: earlier first); every gap is longer than 0 */
    size_t gap_count;
    rep_span *spans;          /* those gaps', gap by gap; neighbouring spans of one kind are merged */
    size_t span_count;
    sim_time due_ms;          /* due and not running, in all gaps (listed or not): the sum of due_by */
    sim_time due_by[SIM_REASON_COUNT]; /* [reason]: held back for it; [REP_SPAN_NO_REASON]: no reason */
} rep_explain;

/*
 * Splits the record's gaps into spans: the due time by reason over all of them, and the max_gaps
 * longest with their spans (REP_EXPLAIN_ALL_GAPS: every one; memory and time grow with the
 * gaps listed, not with the run's length). interval_ms (the worker's interval, or 0 when unknown)
 * bounds the "not due" part after the last run: that gap becomes due at the first reason the OS
 * gave in it or one interval after the last run, whichever is first. 0, or -1 when out of memory
 * (*out empty). Free with rep_explain_free.
 */
#define REP_EXPLAIN_ALL_GAPS SIZE_MAX
int rep_explain_compute(const rep_record *rec, sim_time interval_ms, size_t max_gaps, rep_explain *out);
void rep_explain_free(rep_explain *e);

/* A span kind's name: the reason's name (sim_reason_name), "no_reason" or "not_due". */
const char *rep_span_name(int what);

/* Most spans rep_explain_gap_text writes before "; ... N more". */
#define REP_EXPLAIN_MAX_SPANS 8

/*
 * A gap's spans in local time, for people: "Wed 02:10–05:54 doze_deep; 05:54–06:25
 * standby_quota" (the weekday is written again when the day changes; times are floored to the
 * minute, so a span shorter than a minute may show as 05:54–05:54). UTF-8 (the en dash).
 * Truncated to fit size. Returns the length it needed, as snprintf.
 */
int rep_explain_gap_text(const rep_record *rec, const rep_explain *e, const rep_gap *g, char *buf, size_t size);

/* The reasons with due time, largest first (ties in reason order, no reason last among equals);
 * writes at most SIM_REASON_COUNT kinds into order and returns how many. */
size_t rep_explain_order(const rep_explain *e, int order[SIM_REASON_COUNT]);

/* "<indent>due without running 6d 23h: doze_light 2d 23h (42%), ..., no_reason 1h (1%)\n": the due
 * time and each kind's share of it, largest first; the one line the run summary and `bgsim
 * explain` print. */
void rep_explain_due_line(FILE *out, const char *indent, const rep_explain *e);

#endif
