/*
 * rig.c - the model test rig (rig.h).
 */
#include "rig.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "sch_diag.h"
#include "sch_yaml.h"

void rig_init(rig *r, mdl_platform platform, int os_version, uint64_t seed, sim_datetime start, rig_trace trace)
{
    memset(r, 0, sizeof *r);
    r->index = -1;
    r->e = sim_engine_new(0);
    r->rngs = sim_rng_set_new(seed, 0);
    cr_assert(r->e && r->rngs);
    cr_assert(sim_cal_init(&r->cal, &start), "the rig's start is not a valid local time");
    if (trace == RIG_TRACE_KEEP) {
        r->out = open_memstream(&r->text, &r->len);
        cr_assert_not_null(r->out);
    }
    sim_trace_init(&r->tr, r->out);
    mdl_device_init(&r->d, r->e, &r->tr, r->rngs, &r->cal, platform, os_version);
}

void rig_reseed(rig *r, uint64_t seed)
{
    sim_rng_set_free(r->rngs);
    r->rngs = sim_rng_set_new(seed, 0);
    cr_assert_not_null(r->rngs);
    r->d.rngs = r->rngs;
}

int rig_model_index(const mdl_model *model)
{
    for (size_t i = 0; i < mdl_model_count(); i++)
        if (mdl_models[i] == model)
            return (int)i;
    cr_assert_fail("the %s model is not in mdl_models[]", model->key);
    return -1;
}

void rig_start(rig *r, const mdl_model *model, const void *cfg, mdl_listener_fn listen, void *ctx)
{
    cr_assert_null(r->model, "one model per rig");
    if (listen)
        cr_assert_eq(mdl_subscribe(&r->d, listen, ctx), MDL_OK);
    r->index = rig_model_index(model);
    cr_assert_eq(model->start(&r->d, r->index, cfg), MDL_OK, "the %s model did not start", model->key);
    r->model = model;
}

void rig_fini(rig *r)
{
    if (r->model)
        r->model->stop(&r->d, r->index);
    sim_engine_free(r->e);
    sim_rng_set_free(r->rngs);
    if (r->out)
        fclose(r->out);
    free(r->text);
    memset(r, 0, sizeof *r);
    r->index = -1;
}

rig *rig_new(const mdl_model *model, const void *cfg, mdl_platform platform, uint64_t seed, sim_datetime start,
             mdl_listener_fn listen, void *ctx)
{
    rig *r = malloc(sizeof *r);
    cr_assert_not_null(r);
    rig_init(r, platform, 0, seed, start, RIG_TRACE_KEEP);
    rig_start(r, model, cfg, listen, ctx);
    return r;
}

void rig_free(rig *r)
{
    rig_fini(r);
    free(r);
}

const char *rig_trace_text(rig *r)
{
    cr_assert_not_null(r->out, "the rig discards its trace");
    fflush(r->out);
    return r->text ? r->text : "";
}

void rig_lines(rig *r, void (*fn)(void *ctx, const char *line), void *ctx)
{
    const char *p = rig_trace_text(r);
    char *line = malloc(strlen(p) + 1); /* room for the longest line */
    if (!line) {
        cr_assert_fail("out of memory");
        return;
    }
    while (*p) {
        size_t n = strcspn(p, "\n");
        n += p[n] == '\n';
        memcpy(line, p, n);
        line[n] = '\0';
        fn(ctx, line);
        p += n;
    }
    free(line);
}

size_t rig_parse(const mdl_model *model, mdl_platform platform, const char *yaml, void *cfg, char (*msgs)[320],
                 size_t max)
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

void rig_parse_ok(const mdl_model *model, mdl_platform platform, const char *yaml, void *cfg)
{
    char msgs[4][320];
    size_t n = rig_parse(model, platform, yaml, cfg, msgs, 4);
    cr_assert_eq(n, 0, "unexpected diagnostic: %s", n ? msgs[0] : "");
}
