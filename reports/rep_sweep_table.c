/*
 * rep_sweep_table.c - see rep_sweep_table.h.
 */
#include "rep_sweep_table.h"

#include <inttypes.h>

#include "rep_format.h"
#include "rep_schema.h"
#include "util.h"

void rep_sweep_combo(const rep_sweep_key *keys, size_t n_keys, size_t ci, size_t *idx)
{
    size_t rest = ci;
    for (size_t k = n_keys; k-- > 0;) {
        idx[k] = rest % keys[k].n;
        rest /= keys[k].n;
    }
}

void rep_sweep_csv(FILE *out, const rep_sweep_table *t)
{
    for (size_t k = 0; k < t->n_keys; k++) {
        util_csv_field(out, t->keys[k].key);
        fputc(',', out);
    }
    fputs("seeds", out);
    for (size_t m = 0; m < t->n_metrics; m++)
        if (t->shown[m])
            fprintf(out, ",%s.mean,%s.ci_low,%s.ci_high", t->metric_names[m], t->metric_names[m], t->metric_names[m]);
    fputc('\n', out);
    for (size_t ci = 0; ci < t->combos; ci++) {
        size_t idx[REP_SWEEP_MAX_KEYS];
        rep_sweep_combo(t->keys, t->n_keys, ci, idx);
        for (size_t k = 0; k < t->n_keys; k++) {
            util_csv_field(out, t->keys[k].values[idx[k]]);
            fputc(',', out);
        }
        fprintf(out, "%" PRId64, t->seeds);
        for (size_t m = 0; m < t->n_metrics; m++) {
            if (!t->shown[m])
                continue;
            const rep_ci *x = &t->cis[ci * t->n_metrics + m];
            fputc(',', out);
            rep_num(out, x->mean, false);
            fputc(',', out);
            rep_num(out, x->mean - x->half, false);
            fputc(',', out);
            rep_num(out, x->mean + x->half, false);
        }
        fputc('\n', out);
    }
}

/* One row's "metrics" object: the shown metrics of combination ci. */
static void json_metrics(FILE *out, const rep_sweep_table *t, size_t ci)
{
    bool first = true;
    for (size_t m = 0; m < t->n_metrics; m++) {
        if (!t->shown[m])
            continue;
        const rep_ci *x = &t->cis[ci * t->n_metrics + m];
        fputs(first ? "" : ",", out);
        first = false;
        util_json_string(out, t->metric_names[m]);
        fprintf(out, ":{\"n\":%zu,\"mean\":", x->n);
        rep_num(out, x->mean, true);
        fputs(",\"ci_low\":", out);
        rep_num(out, x->mean - x->half, true);
        fputs(",\"ci_high\":", out);
        rep_num(out, x->mean + x->half, true);
        fputc('}', out);
    }
}

void rep_sweep_json(FILE *out, const rep_sweep_table *t)
{
    fprintf(out, "{\"schema_version\":%d,\"scenario\":", REP_SWEEP_JSON_VERSION);
    util_json_string(out, t->scenario);
    fprintf(out, ",\"seeds\":%" PRId64 ",\"confidence\":%.2f,\"keys\":[", t->seeds, t->confidence);
    for (size_t k = 0; k < t->n_keys; k++) {
        fputs(k ? "," : "", out);
        util_json_string(out, t->keys[k].key);
    }
    fputs("],\"rows\":[\n", out);
    for (size_t ci = 0; ci < t->combos; ci++) {
        size_t idx[REP_SWEEP_MAX_KEYS];
        rep_sweep_combo(t->keys, t->n_keys, ci, idx);
        fputs(ci ? ",\n{\"set\":{" : "{\"set\":{", out);
        for (size_t k = 0; k < t->n_keys; k++) {
            fputs(k ? "," : "", out);
            util_json_string(out, t->keys[k].key);
            fputc(':', out);
            util_json_string(out, t->keys[k].values[idx[k]]);
        }
        fprintf(out, "},\"seeds\":%" PRId64 ",\"metrics\":{", t->seeds);
        json_metrics(out, t, ci);
        fputs("}}", out);
    }
    fputs("\n]}\n", out);
}
