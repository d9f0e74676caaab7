/*
 * rig.h - a real engine + device + one model, for the network and settings tests. The model runs
 * on a device built with mdl_device_init(), events fire through sim_run_until(), and the trace is
 * written to a temporary file the tests read back.
 */
#ifndef BGSIM_TEST_MODELS_NETWORK_RIG_H
#define BGSIM_TEST_MODELS_NETWORK_RIG_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_model.h"
#include "sch_diag.h"
#include "sch_yaml.h"

/* 2026-01-05 is a Monday. */
#define RIG_MONDAY ((sim_datetime){.year = 2026, .month = 1, .day = 5})

typedef struct rig {
    sim_engine *e;
    sim_rng_set *rngs;
    sim_calendar cal;
    sim_trace tr;
    FILE *out;
    mdl_device d;
    const mdl_model *model;
} rig;

/* Starts `model` with `cfg` on a fresh device; the trace goes to a temporary file. `listen`, when
 * not NULL, is subscribed before the model starts (as the runner does). */
static inline rig *rig_new(const mdl_model *model, const void *cfg, mdl_platform platform, uint64_t seed,
                           sim_datetime start, mdl_listener_fn listen, void *ctx)
{
    rig *r = calloc(1, sizeof *r);
    cr_assert_not_null(r);
    r->model = model;
    r->e = sim_engine_new(0);
    r->rngs = sim_rng_set_new(seed, 0);
    cr_assert(r->e && r->rngs);
    cr_assert(sim_cal_init(&r->cal, &start));
    r->out = tmpfile();
    cr_assert_not_null(r->out);
    sim_trace_init(&r->tr, r->out);
    mdl_device_init(&r->d, r->e, &r->tr, r->rngs, &r->cal, platform, 0);
    if (listen)
        cr_assert_eq(mdl_subscribe(&r->d, listen, ctx), MDL_OK);
    cr_assert_eq(model->start(&r->d, 0, cfg), MDL_OK);
    return r;
}

static inline void rig_free(rig *r)
{
    r->model->stop(&r->d, 0);
    sim_engine_free(r->e);
    sim_rng_set_free(r->rngs);
    fclose(r->out);
    free(r);
}

/* Reads the trace back: calls fn(ctx, line) for every line. */
static inline void rig_lines(rig *r, void (*fn)(void *ctx, const char *line), void *ctx)
{
    fflush(r->out);
    rewind(r->out);
    char line[1024];
    while (fgets(line, sizeof line, r->out))
        fn(ctx, line);
    fseek(r->out, 0, SEEK_END);
}

/*
 * Gives `model` its defaults for `platform`, then parses `yaml` (the section's own text) as
 * device.<key>. Returns the number of diagnostics; the first `max` are formatted into msgs as
 * "t.yaml:LINE:COL: PATH: MESSAGE".
 */
static inline size_t rig_parse(const mdl_model *model, mdl_platform platform, const char *yaml, void *cfg,
                               char (*msgs)[320], size_t max)
{
    sch_diag diag;
    cr_assert_eq(sch_diag_init(&diag, "t.yaml"), 0);
    model->defaults(cfg, platform);
    sch_node *root = sch_yaml_parse(yaml, strlen(yaml), &diag);
    cr_assert_not_null(root, "the test's YAML does not parse");
    sch_cx cx;
    sch_cx_init(&cx, &diag);
    sch_cx_push_key(&cx, model->parent);
    sch_cx_push_key(&cx, model->key);
    model->parse(&cx, root, cfg);
    size_t n = sch_diag_count(&diag);
    sch_diag_sort(&diag);
    for (size_t i = 0; i < n && i < max && i < diag.kept; i++)
        sch_diag_format(&diag, i, msgs[i], sizeof msgs[i]);
    sch_yaml_free(root);
    sch_diag_free(&diag);
    return n;
}

/* Parses a section that must be valid. */
static inline void rig_parse_ok(const mdl_model *model, mdl_platform platform, const char *yaml, void *cfg)
{
    char msgs[4][320];
    size_t n = rig_parse(model, platform, yaml, cfg, msgs, 4);
    cr_assert_eq(n, 0, "unexpected diagnostic: %s", n ? msgs[0] : "");
}

#endif
