/*
 * sim_trace.c - JSON Lines writer and fingerprint.
 */
#include "sim_trace.h"

#include <inttypes.h>

#include "util.h"

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

void sim_trace_begin_write(sim_trace *tr, sim_time t, const char *type)
{
    fprintf(tr->out, "{\"t\":%" PRId64 ",\"type\":", t);
    util_json_string(tr->out, type);
}

void sim_trace_int_write(sim_trace *tr, const char *key, int64_t value)
{
    fprintf(tr->out, ",\"%s\":%" PRId64, key, value);
}

void sim_trace_str_write(sim_trace *tr, const char *key, const char *value)
{
    fprintf(tr->out, ",\"%s\":", key);
    util_json_string(tr->out, value);
}

void sim_trace_bool_write(sim_trace *tr, const char *key, bool value)
{
    fprintf(tr->out, ",\"%s\":%s", key, value ? "true" : "false");
}

void sim_trace_end_write(sim_trace *tr)
{
    if (fputs("}\n", tr->out) == EOF || ferror(tr->out))
        tr->failed = true;
}
