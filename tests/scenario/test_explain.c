/*
 * test_explain.c - one definition of the time the worker waited (issue 19): over every bundled
 * scenario, the explanation's due time by reason (rep_explain.h, what the text summary, `bgsim
 * explain` and the report print) agrees with the held-back time the metrics report
 * (rep_stats.held_ms, `worker.held.<reason>`): held back per reason is the same figure, and due
 * time = held back + no_reason. The gaps and their spans cover exactly the time no run was in
 * progress.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rep_explain.h"
#include "rep_record.h"
#include "rep_stats.h"
#include "run.h"
#include "run_explain.h"
#include "scn_scenario.h"

static void check_one(const char *path)
{
    sch_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load(path, &diag, &s);
    sch_diag_free(&diag);
    cr_assert(rc == 0 && s, "%s does not load", path);
    run_options opt = run_default_options(s);
    run_outcome out;
    rep_record rec;
    rep_stats st;
    rep_explain e;
    cr_assert_eq(run_scenario(s, &opt, &rec, &out), 0, "%s: %s", path, out.message);
    cr_assert_eq(rep_stats_compute(&rec, &st), 0);
    cr_assert_eq(rep_explain_compute(&rec, SIM_MINUTES(rec.interval_min), REP_EXPLAIN_ALL_GAPS, &e), 0);

    for (int r = SIM_REASON_NONE + 1; r < SIM_REASON_COUNT; r++)
        cr_expect_eq(e.due_by[r], st.held_ms[r], "%s: %s: explained %lld ms, held %lld ms", path,
                     sim_reason_name((sim_reason)r), (long long)e.due_by[r], (long long)st.held_ms[r]);
    cr_expect_eq(e.due_ms, st.held_total_ms + e.due_by[REP_SPAN_NO_REASON], "%s: due %lld != held %lld + no_reason %lld",
                 path, (long long)e.due_ms, (long long)st.held_total_ms, (long long)e.due_by[REP_SPAN_NO_REASON]);

    /* gaps + time running = the whole run; each gap's spans tile it; longest first */
    sim_time gaps = 0, running = 0, prev_end = 0;
    for (size_t i = 0; i < rec.worker_count; i++) {
        const rep_worker_run *w = &rec.worker_runs[i];
        if (w->kind != REP_WORKER_RAN)
            continue;
        sim_time from = w->start > prev_end ? w->start : prev_end;
        if (w->end > from)
            running += w->end - from;
        if (w->end > prev_end)
            prev_end = w->end;
    }
    for (size_t i = 0; i < e.gap_count; i++) {
        const rep_gap *g = &e.gaps[i];
        gaps += g->end - g->start;
        if (i > 0)
            cr_expect_geq(e.gaps[i - 1].end - e.gaps[i - 1].start, g->end - g->start, "%s: gaps not longest first", path);
        sim_time t = g->start;
        for (size_t k = 0; k < g->span_count; k++) {
            const rep_span *sp = &e.spans[g->first_span + k];
            cr_expect_eq(sp->start, t, "%s: gap %zu: span %zu starts at %lld, not %lld", path, i, k,
                         (long long)sp->start, (long long)t);
            cr_expect_gt(sp->end, sp->start);
            t = sp->end;
        }
        cr_expect_eq(t, g->end, "%s: gap %zu's spans end at %lld, not %lld", path, i, (long long)t, (long long)g->end);
    }
    cr_expect_eq(gaps + running, rec.duration, "%s: gaps %lld + running %lld != %lld", path, (long long)gaps,
                 (long long)running, (long long)rec.duration);

    /* the n longest alone (what `bgsim run` and `explain --gaps` ask for): the same totals, the
     * same first n gaps with the same spans as when every gap is listed, and no other spans kept */
    static const size_t firsts[] = {0, 1, 5, 64};
    for (size_t fi = 0; fi < sizeof firsts / sizeof firsts[0]; fi++) {
        rep_explain top;
        cr_assert_eq(rep_explain_compute(&rec, SIM_MINUTES(rec.interval_min), firsts[fi], &top), 0);
        cr_expect_eq(top.gap_count, firsts[fi] < e.gap_count ? firsts[fi] : e.gap_count, "%s: %zu gaps", path, firsts[fi]);
        cr_expect_eq(top.due_ms, e.due_ms, "%s: %zu gaps: due time", path, firsts[fi]);
        cr_expect_eq(memcmp(top.due_by, e.due_by, sizeof e.due_by), 0, "%s: %zu gaps: due by reason", path, firsts[fi]);
        size_t spans = 0;
        for (size_t i = 0; i < top.gap_count; i++) {
            const rep_gap *a = &top.gaps[i], *b = &e.gaps[i];
            spans += a->span_count;
            cr_expect(a->start == b->start && a->end == b->end && a->before_first == b->before_first &&
                          a->after_last == b->after_last && a->span_count == b->span_count,
                      "%s: %zu gaps: gap %zu differs", path, firsts[fi], i);
            for (size_t k = 0; k < a->span_count && a->span_count == b->span_count; k++) {
                const rep_span *x = &top.spans[a->first_span + k], *y = &e.spans[b->first_span + k];
                cr_expect(x->start == y->start && x->end == y->end && x->what == y->what,
                          "%s: %zu gaps: gap %zu's span %zu differs", path, firsts[fi], i, k);
            }
        }
        cr_expect_eq(top.span_count, spans, "%s: %zu gaps: %zu spans kept for their %zu", path, firsts[fi],
                     top.span_count, spans);
        rep_explain_free(&top);
    }
    rep_explain_free(&e);
    rep_stats_free(&st);
    rep_record_free(&rec);
    scn_scenario_free(s);
}

Test(explain, totals_agree_on_every_bundled_scenario, .timeout = 240)
{
    static const char *const dirs[] = {SCENARIOS_DIR, SCENARIOS_DIR "/examples"};
    size_t checked = 0;
    for (size_t d = 0; d < 2; d++) {
        DIR *dir = opendir(dirs[d]);
        cr_assert(dir, "cannot open %s", dirs[d]);
        struct dirent *ent;
        while ((ent = readdir(dir))) {
            size_t n = strlen(ent->d_name);
            if (n < 6 || strcmp(ent->d_name + n - 5, ".yaml") != 0)
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dirs[d], ent->d_name);
            check_one(path);
            checked++;
        }
        closedir(dir);
    }
    cr_expect_geq(checked, 15, "only %zu scenarios found", checked);
}
