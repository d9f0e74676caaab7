/*
 * scn_models.c - model sections of a scenario.
 */
#include "scn_models.h"

#include <stdlib.h>
#include <string.h>

static void load_parent(sch_cx *cx, const sch_node *root, const char *parent, scn_scenario *s)
{
    const sch_node *node = NULL;
    if (!root || sch_field_node(cx, root, parent, SCH_OPTIONAL, &node) != SCH_FIELD_OK)
        return;
    size_t saved = sch_cx_push_key(cx, parent);
    const char *keys[MDL_MAX_MODELS + 1];
    size_t n = 0;
    for (size_t i = 0; i < mdl_model_count(); i++)
        if (strcmp(mdl_models[i]->parent, parent) == 0)
            keys[n++] = mdl_models[i]->key;
    keys[n] = NULL;
    /* `device:` written with no value means "all defaults", like an absent section. */
    if (!sch_node_is_null(node) && sch_check_map(cx, node, keys)) {
        for (size_t i = 0; i < mdl_model_count(); i++) {
            const mdl_model *m = mdl_models[i];
            const sch_node *sub = strcmp(m->parent, parent) == 0 ? sch_map_get(node, m->key) : NULL;
            if (sub && s->model_config[i]) {
                size_t s2 = sch_cx_push_key(cx, m->key);
                m->parse(cx, sub, s->model_config[i]);
                sch_cx_pop(cx, s2);
            }
        }
    }
    sch_cx_pop(cx, saved);
}

void scn_models_load(sch_cx *cx, const sch_node *root, scn_scenario *s)
{
    for (size_t i = 0; i < mdl_model_count(); i++) {
        const mdl_model *m = mdl_models[i];
        s->model_config[i] = calloc(1, m->config_size ? m->config_size : 1);
        if (!s->model_config[i]) {
            sch_cx_error(cx, root, "out of memory");
            return;
        }
        m->defaults(s->model_config[i], (mdl_platform)s->platform);
        sch_cx_defaults_at(cx, s->model_config[i], m->config_size);
        if (s->no_randomness && m->no_random)
            m->no_random(s->model_config[i]);
    }
    load_parent(cx, root, "device", s);
    load_parent(cx, root, "user", s);
}

void scn_models_free(scn_scenario *s)
{
    for (size_t i = 0; i < MDL_MAX_MODELS; i++) {
        free(s->model_config[i]);
        s->model_config[i] = NULL;
    }
}
