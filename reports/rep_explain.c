/*
 * rep_explain.c - gaps between worker runs, split into spans by reason (rep_explain.h).
 */
#include "rep_explain.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The spans being built. Without `store` only the totals (due_ms, due_by) are added up: the first
 * pass over every gap. rq counts the requests at or before the time reached (within a gap times
 * only grow; a gap is built from the rq and deferral index it started with, whatever came before). */
typedef struct builder {
    rep_explain *e;
    const rep_record *rec;
    bool store;
    size_t cap; /* of e->spans */
    size_t rq;
    bool failed; /* no memory for a span */
} builder;

static void add_span(builder *b, rep_gap *g, sim_time start, sim_time end, int what)
{
    if (end <= start)
        return;
    if (!b->store) {
        if (what != REP_SPAN_NOT_DUE) {
            b->e->due_by[what] += end - start;
            b->e->due_ms += end - start;
        }
        return;
    }
    rep_span *last = g->span_count ? &b->e->spans[b->e->span_count - 1] : NULL;
    if (last && last->what == what && last->end == start) {
        last->end = end;
        return;
    }
    if (!b->e->spans || b->e->span_count == b->cap) { /* none yet, or full */
        size_t cap = b->cap < 64 ? 64 : 2 * b->cap;
        rep_span *grown = cap <= SIZE_MAX / sizeof *grown ? realloc(b->e->spans, cap * sizeof *grown) : NULL;
        if (!grown) {
            b->failed = true;
            return;
        }
        b->e->spans = grown;
        b->cap = cap;
    }
    b->e->spans[b->e->span_count++] = (rep_span){start, end, what};
    g->span_count++;
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

/* A gap with what building its spans again needs: the next run's due time (-1: none) and where
 * the first pass stood in the deferrals and the requests when it reached the gap. */
typedef struct found_gap {
    rep_gap gap;
    sim_time due;
    size_t deferral, request;
} found_gap;

/* The gap f->gap, due from f->due (the tail's is found here when it is < 0). The deferrals are in
 * time order and do not overlap (the runner closes one before it opens the next); f->deferral is
 * the first one that may reach into this gap. Returns the first deferral that may reach into the
 * next gap. */
static size_t fill_gap(builder *b, const rep_record *rec, found_gap *f, sim_time interval_ms)
{
    rep_gap *g = &f->gap;
    g->first_span = b->e->span_count;
    g->span_count = 0;
    b->rq = f->request;
    size_t j = f->deferral;
    while (j < rec->deferral_count && rec->deferrals[j].end <= g->start)
        j++;
    const size_t next = j;
    sim_time due = f->due;
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
    return next;
}

/* Gap a is listed before gap b: longer, or as long and earlier. */
static bool listed_before(const rep_gap *a, const rep_gap *b)
{
    sim_time la = a->end - a->start, lb = b->end - b->start;
    return la != lb ? la > lb : a->start < b->start;
}

static int by_length(const void *pa, const void *pb)
{
    const found_gap *a = pa, *b = pb;
    return listed_before(&a->gap, &b->gap) ? -1 : listed_before(&b->gap, &a->gap) ? 1 : 0;
}

/*
 * The kept gaps: at most `max` of them, as a heap whose root is the one listed last (a min-heap in
 * listing order), so a gap listed before the root replaces it. A gap after the heap is full costs
 * one comparison unless it is among the longest so far.
 */
typedef struct kept {
    found_gap *at;
    size_t n, max;
} kept;

static void swap_gaps(kept *k, size_t i, size_t j)
{
    found_gap t = k->at[i];
    k->at[i] = k->at[j];
    k->at[j] = t;
}

static void sift_down(kept *k, size_t i)
{
    for (;;) {
        size_t last = i, l = 2 * i + 1, r = l + 1;
        if (l < k->n && listed_before(&k->at[last].gap, &k->at[l].gap))
            last = l;
        if (r < k->n && listed_before(&k->at[last].gap, &k->at[r].gap))
            last = r;
        if (last == i)
            return;
        swap_gaps(k, i, last);
        i = last;
    }
}

static void keep(kept *k, const found_gap *f)
{
    if (k->n < k->max) { /* room: sift the new gap up to where it is listed after its parent */
        size_t i = k->n++;
        k->at[i] = *f;
        while (i > 0 && listed_before(&k->at[(i - 1) / 2].gap, &k->at[i].gap)) {
            swap_gaps(k, i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
    } else if (k->max > 0 && listed_before(&f->gap, &k->at[0].gap)) {
        k->at[0] = *f;
        sift_down(k, 0);
    }
}

/*
 * Two passes. The first walks every gap in time order, adds up the due time by reason and keeps the
 * max_gaps longest; the second builds the spans of those alone, longest first, each from where the
 * first pass stood when it reached it (the same spans: a gap's spans depend only on that). A
 * ten-year run has 14,000 gaps and their spans; the run summary shows 5. Storing and sorting all of
 * them touched over a megabyte of fresh memory, 337 of the run's 1,233 page faults (issue 24).
 */
int rep_explain_compute(const rep_record *rec, sim_time interval_ms, size_t max_gaps, rep_explain *out)
{
    memset(out, 0, sizeof *out);
    size_t ran = 0;
    for (size_t i = 0; i < rec->worker_count; i++)
        ran += rec->worker_runs[i].kind == REP_WORKER_RAN;
    kept k = {NULL, 0, max_gaps < ran + 1 ? max_gaps : ran + 1};
    k.at = malloc((k.max ? k.max : 1) * sizeof *k.at);
    if (!k.at)
        return -1;
    builder b = {out, rec, false, 0, 0, false};
    size_t next = 0;
    sim_time prev_end = 0;
    bool first = true;
    for (size_t i = 0; i <= rec->worker_count; i++) {
        const rep_worker_run *w = i < rec->worker_count ? &rec->worker_runs[i] : NULL;
        if (w && w->kind != REP_WORKER_RAN)
            continue;
        sim_time end = w ? w->start : rec->duration;
        if (end > prev_end) {
            found_gap f = {.gap = {.start = prev_end, .end = end, .before_first = first, .after_last = !w},
                           .due = w ? w->due : -1, .deferral = next, .request = b.rq};
            next = fill_gap(&b, rec, &f, interval_ms);
            keep(&k, &f);
        }
        if (!w)
            break;
        first = false;
        if (w->end > prev_end)
            prev_end = w->end;
    }
    qsort(k.at, k.n, sizeof *k.at, by_length);
    out->gaps = malloc((k.n ? k.n : 1) * sizeof *out->gaps);
    b.store = true;
    for (size_t i = 0; i < k.n && out->gaps; i++) {
        fill_gap(&b, rec, &k.at[i], interval_ms);
        out->gaps[out->gap_count++] = k.at[i].gap;
    }
    free(k.at);
    if (!out->gaps || b.failed) {
        rep_explain_free(out);
        return -1;
    }
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
