/*
 * sim_trace.c - JSON Lines writer and fingerprint.
 */
#include "sim_trace.h"

#include <inttypes.h>

#include "util.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static void fold_bytes(sim_trace *tr, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        tr->fingerprint = (tr->fingerprint ^ b[i]) * FNV_PRIME;
}

static void fold_str(sim_trace *tr, const char *s)
{
    for (; *s; s++)
        tr->fingerprint = (tr->fingerprint ^ (unsigned char)*s) * FNV_PRIME;
    tr->fingerprint = (tr->fingerprint ^ 0) * FNV_PRIME; /* terminator: "ab"+"c" != "a"+"bc" */
}

static void fold_int(sim_trace *tr, int64_t v)
{
    unsigned char le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (unsigned char)((uint64_t)v >> (8 * i));
    fold_bytes(tr, le, sizeof le);
}

void sim_trace_init(sim_trace *tr, FILE *out)
{
    *tr = (sim_trace){.out = out, .fingerprint = FNV_OFFSET, .fold = true, .active = true};
}

void sim_trace_set_fingerprint(sim_trace *tr, bool on)
{
    tr->fold = on;
    tr->active = on || tr->out != NULL;
}

void sim_trace_begin_active(sim_trace *tr, sim_time t, const char *type)
{
    if (tr->fold) {
        fold_int(tr, t);
        fold_str(tr, type);
    }
    if (tr->out) {
        fprintf(tr->out, "{\"t\":%" PRId64 ",\"type\":", t);
        util_json_string(tr->out, type);
    }
}

void sim_trace_int_active(sim_trace *tr, const char *key, int64_t value)
{
    if (tr->fold) {
        fold_str(tr, key);
        fold_int(tr, value);
    }
    if (tr->out)
        fprintf(tr->out, ",\"%s\":%" PRId64, key, value);
}

void sim_trace_str_active(sim_trace *tr, const char *key, const char *value)
{
    if (tr->fold) {
        fold_str(tr, key);
        fold_str(tr, value);
    }
    if (tr->out) {
        fprintf(tr->out, ",\"%s\":", key);
        util_json_string(tr->out, value);
    }
}

void sim_trace_bool_active(sim_trace *tr, const char *key, bool value)
{
    if (tr->fold) {
        fold_str(tr, key);
        fold_int(tr, value);
    }
    if (tr->out)
        fprintf(tr->out, ",\"%s\":%s", key, value ? "true" : "false");
}

void sim_trace_end_active(sim_trace *tr)
{
    if (tr->fold)
        tr->fingerprint = (tr->fingerprint ^ '\n') * FNV_PRIME;
    if (tr->out && (fputs("}\n", tr->out) == EOF || ferror(tr->out)))
        tr->failed = true;
}
