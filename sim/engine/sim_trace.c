/*
 * sim_trace.c - JSON Lines writer and fingerprint.
 */
#include "sim_trace.h"

#include <inttypes.h>

#include "util.h"

uint64_t sim_trace_hash_value(uint64_t seed, const char *s) { return sim_trace_hash_bytes(seed, s, strlen(s)); }

uint64_t sim_trace_fold_value(uint64_t acc, const char *value) { return sim_trace_fold_str(acc, value); }

void sim_trace_init(sim_trace *tr, FILE *out)
{
    *tr = (sim_trace){.out = out, .fingerprint = SIM_TRACE_FP_INIT, .fold = true, .active = true};
}

void sim_trace_set_fingerprint(sim_trace *tr, bool on)
{
    tr->fold = on;
    tr->active = on || tr->out != NULL;
}

/* Writing a record to `out` (no folding), for the calls' file paths below. */
static void sim_trace_begin_write(sim_trace *tr, sim_time t, const char *type)
{
    fprintf(tr->out, "{\"t\":%" PRId64 ",\"type\":", t);
    util_json_string(tr->out, type);
}

static void sim_trace_int_write(sim_trace *tr, const char *key, int64_t value)
{
    fprintf(tr->out, ",\"%s\":%" PRId64, key, value);
}

static void sim_trace_str_write(sim_trace *tr, const char *key, const char *value)
{
    fprintf(tr->out, ",\"%s\":", key);
    util_json_string(tr->out, value);
}

static void sim_trace_bool_write(sim_trace *tr, const char *key, bool value)
{
    fprintf(tr->out, ",\"%s\":%s", key, value ? "true" : "false");
}

static void sim_trace_end_write(sim_trace *tr)
{
    if (fputs("}\n", tr->out) == EOF || ferror(tr->out))
        tr->failed = true;
}

/* The calls' paths with a file: the same folding as inline (the names hashed from their bytes here,
 * the same hashes as their literals' constants), then the text. */
void sim_trace_begin_out(sim_trace *tr, sim_time t, const char *type)
{
    if (tr->fold)
        tr->fingerprint = sim_trace_fold_begin(tr->fingerprint, t, type);
    sim_trace_begin_write(tr, t, type);
}

void sim_trace_int_out(sim_trace *tr, const char *key, int64_t value)
{
    if (tr->fold)
        tr->fingerprint = sim_trace_fold(sim_trace_fold_key(tr->fingerprint, key), (uint64_t)value);
    sim_trace_int_write(tr, key, value);
}

void sim_trace_str_out(sim_trace *tr, const char *key, const char *value)
{
    if (tr->fold)
        tr->fingerprint = sim_trace_fold_value(sim_trace_fold_key(tr->fingerprint, key), value);
    sim_trace_str_write(tr, key, value);
}

void sim_trace_bool_out(sim_trace *tr, const char *key, bool value)
{
    if (tr->fold)
        tr->fingerprint = sim_trace_fold(sim_trace_fold_key(tr->fingerprint, key), value);
    sim_trace_bool_write(tr, key, value);
}

void sim_trace_end_out(sim_trace *tr) { sim_trace_end_write(tr); }
