/*
 * rep_explain.c - gaps between worker runs, split into spans by reason (rep_explain.h).
 */
#include "rep_explain.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rep_sort.h"
#include "sim_calendar.h"

void rep_explain_free(rep_explain *e)
{
    free(e->gaps);
    free(e->spans);
    memset(e, 0, sizeof *e);
}

const char *rep_span_name(int what)
{
    if (what == REP_SPAN_NOT_DUE)
        return "not_due";
    if (what == REP_SPAN_NO_REASON)
        return "no_reason";
    return sim_reason_name((sim_reason)what);
}

/* The spans being built; cap is fixed up front (every span starts at a deferral, a request or
 * a run's due time, or fills the room before one). rq counts the requests at or before the time
 * reached (times only grow: gaps and their spans are built in time order). */
typedef struct builder {
    rep_explain *e;
    const rep_record *rec;
    size_t cap;
    size_t rq;
} builder;

static void add_span(builder *b, rep_gap *g, sim_time start, sim_time end, int what)
{
    if (end <= start)
        return;
    if (what != REP_SPAN_NOT_DUE) {
        b->e->due_by[what] += end - start;
        b->e->due_ms += end - start;
    }
    rep_span *last = g->span_count ? &b->e->spans[b->e->span_count - 1] : NULL;
    if (last && last->what == what && last->end == start) {
        last->end = end;
        return;
    }
    if (b->e->span_count < b->cap) {
        b->e->spans[b->e->span_count++] = (rep_span){start, end, what};
        g->span_count++;
    }
}

/* [from, to) with no reason from the OS: not due before `due` (the next run's) or while a
 * request waits for its time (rep_request: until its due time or the next request), due with no
 * reason otherwise. Before the first request nothing was asked for: not due either. */
static void add_fill(builder *b, rep_gap *g, sim_time from, sim_time to, sim_time due)
{
    const rep_request *q = b->rec->requests;
    size_t nq = b->rec->request_count;
    for (sim_time t = from; t < to;) {
        if (t < due) {
            sim_time end = due < to ? due : to;
            add_span(b, g, t, end, REP_SPAN_NOT_DUE);
            t = end;
            continue;
        }
        while (b->rq < nq && q[b->rq].at <= t)
            b->rq++;
        sim_time next_at = b->rq < nq ? q[b->rq].at : to;
        if (next_at > to)
            next_at = to;
        if (b->rq > 0 || nq > 0) { /* before the first request nothing was asked for: not due */
            sim_time wait = b->rq == 0 ? next_at : q[b->rq - 1].due < next_at ? q[b->rq - 1].due : next_at;
            if (t < wait) {
                add_span(b, g, t, wait, REP_SPAN_NOT_DUE);
                t = wait;
                continue;
            }
        }
        add_span(b, g, t, next_at, REP_SPAN_NO_REASON);
        t = next_at;
    }
}

/* The gap [g->start, g->end), due from `due` (the tail's is found here when `due` < 0). The
 * deferrals are in time order and do not overlap (the runner closes one before it opens the
 * next); *next is the first one that may reach into this gap. */
static void fill_gap(builder *b, const rep_record *rec, rep_gap *g, sim_time due, sim_time interval_ms,
                     size_t *next)
{
    g->first_span = b->e->span_count;
    size_t j = *next;
    while (j < rec->deferral_count && rec->deferrals[j].end <= g->start)
        j++;
    *next = j;
    if (due < 0 && rec->request_count > 0) {
        due = g->start; /* after the last run: the requests tell when it was due */
    } else if (due < 0) { /* no requests recorded: due at the first reason, or an interval on */
        due = interval_ms > 0 ? g->start + interval_ms : g->end;
        if (j < rec->deferral_count && rec->deferrals[j].start < due)
            due = rec->deferrals[j].start < g->start ? g->start : rec->deferrals[j].start;
    }
    sim_time t = g->start;
    for (; j < rec->deferral_count && rec->deferrals[j].start < g->end; j++) {
        const rep_deferral *d = &rec->deferrals[j];
        if (d->reason <= SIM_REASON_NONE || d->reason >= SIM_REASON_COUNT)
            continue;
        sim_time s = d->start < t ? t : d->start, en = d->end > g->end ? g->end : d->end;
        if (en <= s)
            continue;
        add_fill(b, g, t, s, due);
        add_span(b, g, s, en, (int)d->reason);
        t = en;
    }
    add_fill(b, g, t, g->end, due);
}

static int by_length(const void *pa, const void *pb)
{
    const rep_gap *a = pa, *b = pb;
    sim_time la = a->end - a->start, lb = b->end - b->start;
    if (la != lb)
        return la > lb ? -1 : 1;
    return (a->start > b->start) - (a->start < b->start);
}

/*
 * Sorts e->gaps as by_length orders them, by a radix sort of one key a gap: (longest - its length)
 * above its index. The gaps are built in time order, so the index orders ties by start as
 * by_length does, and the keys are distinct: the same order. A ten-year run's 14,000 gaps took
 * 7.1 M instructions through qsort's comparisons, 0.4 % of `bgsim run` (issue 24). qsort when the
 * key does not fit 64 bits or there is no memory for the keys (the same order, slower).
 */
static void sort_by_length(rep_explain *e)
{
    size_t n = e->gap_count;
    sim_time longest = 0;
    for (size_t i = 0; i < n; i++)
        longest = e->gaps[i].end - e->gaps[i].start > longest ? e->gaps[i].end - e->gaps[i].start : longest;
    unsigned index_bits = 0, length_bits = 0;
    while (index_bits < 64 && (n - 1) >> index_bits)
        index_bits++;
    while (length_bits < 64 && (uint64_t)longest >> length_bits)
        length_bits++;
    uint64_t *keys = n > 1 && index_bits + length_bits <= 64 ? malloc(2 * n * sizeof *keys) : NULL;
    rep_gap *sorted = keys ? malloc(n * sizeof *sorted) : NULL;
    if (!sorted) {
        free(keys);
        qsort(e->gaps, n, sizeof *e->gaps, by_length);
        return;
    }
    for (size_t i = 0; i < n; i++)
        keys[i] = (uint64_t)(longest - (e->gaps[i].end - e->gaps[i].start)) << index_bits | i;
    const uint64_t *order = rep_sort_u64(keys, keys + n, n);
    const uint64_t index_mask = (1ULL << index_bits) - 1; /* index_bits < 64: a gap is longer than 0 */
    for (size_t i = 0; i < n; i++)
        sorted[i] = e->gaps[order[i] & index_mask];
    free(keys);
    free(e->gaps);
    e->gaps = sorted;
}

int rep_explain_compute(const rep_record *rec, sim_time interval_ms, rep_explain *out)
{
    memset(out, 0, sizeof *out);
    size_t ran = 0;
    for (size_t i = 0; i < rec->worker_count; i++)
        ran += rec->worker_runs[i].kind == REP_WORKER_RAN;
    builder b = {out, rec, 2 * rec->deferral_count + 3 * rec->request_count + 4 * (ran + 1), 0};
    out->gaps = calloc(ran + 1, sizeof *out->gaps);
    out->spans = calloc(b.cap, sizeof *out->spans);
    if (!out->gaps || !out->spans) {
        rep_explain_free(out);
        return -1;
    }
    size_t next = 0;
    sim_time prev_end = 0;
    bool first = true;
    for (size_t i = 0; i < rec->worker_count; i++) {
        const rep_worker_run *w = &rec->worker_runs[i];
        if (w->kind != REP_WORKER_RAN)
            continue;
        if (w->start > prev_end) {
            rep_gap *g = &out->gaps[out->gap_count++];
            *g = (rep_gap){.start = prev_end, .end = w->start, .before_first = first};
            fill_gap(&b, rec, g, w->due, interval_ms, &next);
        }
        first = false;
        if (w->end > prev_end)
            prev_end = w->end;
    }
    if (rec->duration > prev_end) {
        rep_gap *g = &out->gaps[out->gap_count++];
        *g = (rep_gap){.start = prev_end, .end = rec->duration, .before_first = first, .after_last = true};
        fill_gap(&b, rec, g, -1, interval_ms, &next);
    }
    sort_by_length(out);
    return 0;
}

size_t rep_explain_order(const rep_explain *e, int order[SIM_REASON_COUNT])
{
    bool shown[SIM_REASON_COUNT] = {false};
    size_t n = 0;
    for (;;) {
        int best = -1;
        /* reasons first, then no_reason (index 0) last among equals */
        for (int k = 1; k <= SIM_REASON_COUNT; k++) {
            int r = k % SIM_REASON_COUNT;
            if (!shown[r] && e->due_by[r] > 0 && (best < 0 || e->due_by[r] > e->due_by[best]))
                best = r;
        }
        if (best < 0)
            return n;
        shown[best] = true;
        order[n++] = best;
    }
}

/* snprintf into what is left of buf, counting what was needed. */
static void put(char *buf, size_t size, size_t *pos, const char *fmt, const char *a, const char *b2)
{
    size_t room = *pos < size ? size - *pos : 0;
    int n = snprintf(room ? buf + *pos : NULL, room, fmt, a, b2);
    if (n > 0)
        *pos += (size_t)n;
}

/*
 * A gap as people read it. A Doze maintenance window or a quota check cuts a held span every few
 * minutes, so the exact spans of a day-long gap number in the hundreds: neighbouring spans are
 * grouped into pieces of at least a twelfth of the gap (10 min at least), and a piece named by its
 * kinds, largest first ("doze_light+standby_quota"). A span at least that long stands alone, and
 * not_due never joins a due span (when the worker became due stays exact).
 */
typedef struct piece {
    sim_time start, end;
    sim_time by[SIM_REASON_COUNT + 1]; /* time per kind, REP_SPAN_NOT_DUE last */
} piece;

static void piece_name(const piece *p, char *buf, size_t size)
{
    bool used[SIM_REASON_COUNT + 1] = {false};
    size_t pos = 0;
    buf[0] = '\0';
    for (int n = 0; n < 3; n++) {
        int best = -1;
        for (int k = 0; k <= SIM_REASON_COUNT; k++)
            if (!used[k] && p->by[k] > 0 && (best < 0 || p->by[k] > p->by[best]))
                best = k;
        if (best < 0)
            break;
        used[best] = true;
        int w = snprintf(buf + pos, size - pos, "%s%s", n ? "+" : "", rep_span_name(best));
        if (w < 0 || (size_t)w >= size - pos)
            break;
        pos += (size_t)w;
    }
}

int rep_explain_gap_text(const rep_record *rec, const rep_explain *e, const rep_gap *g, char *buf, size_t size)
{
    size_t pos = 0;
    if (size)
        buf[0] = '\0';
    sim_time least = (g->end - g->start) / 12;
    if (least < SIM_MINUTES(10))
        least = SIM_MINUTES(10);
    int64_t day = INT64_MIN;
    size_t shown = 0, pieces = 0;
    for (size_t k = 0; k < g->span_count;) {
        piece p = {.start = e->spans[g->first_span + k].start};
        bool not_due = e->spans[g->first_span + k].what == REP_SPAN_NOT_DUE;
        for (size_t in = 0; k < g->span_count; in++) {
            const rep_span *s = &e->spans[g->first_span + k];
            bool long_span = s->end - s->start >= least;
            bool tiny = s->end - s->start < SIM_MINUTES(1);
            if (in > 0 && (((s->what == REP_SPAN_NOT_DUE) != not_due && !tiny) || p.end - p.start >= least ||
                           long_span))
                break;
            p.by[s->what] += s->end - s->start;
            p.end = s->end;
            k++;
            if (long_span)
                break; /* it stands alone */
        }
        pieces++;
        if (shown == REP_EXPLAIN_MAX_SPANS)
            continue;
        shown++;
        char from[32], to[32], name[96];
        int64_t d0 = sim_cal_day_index(&rec->calendar, p.start), d1 = sim_cal_day_index(&rec->calendar, p.end);
        sim_cal_format_short(&rec->calendar, p.start, from, sizeof from);
        sim_cal_format_short(&rec->calendar, p.end, to, sizeof to);
        piece_name(&p, name, sizeof name);
        put(buf, size, &pos, "%s%s", shown > 1 ? "; " : "", d0 == day ? from + 4 : from);
        put(buf, size, &pos, "\xe2\x80\x93%s %s", d1 == d0 ? to + 4 : to, name);
        day = d1;
    }
    if (pieces > shown) {
        char more[48];
        snprintf(more, sizeof more, "%zu more", pieces - shown);
        put(buf, size, &pos, "; %s%s", "\xe2\x80\xa6 ", more);
    }
    return (int)pos;
}

void rep_explain_due_line(FILE *out, const char *indent, const rep_explain *e)
{
    char a[48];
    int order[SIM_REASON_COUNT];
    size_t n = rep_explain_order(e, order);
    sim_format_human_duration(e->due_ms, a, sizeof a);
    fprintf(out, "%sdue without running %s", indent, a);
    for (size_t k = 0; k < n; k++) {
        sim_format_human_duration(e->due_by[order[k]], a, sizeof a);
        fprintf(out, "%s %s %s (%.0f%%)", k ? "," : ":", rep_span_name(order[k]), a,
                100.0 * (double)e->due_by[order[k]] / (double)e->due_ms);
    }
    fputc('\n', out);
}
