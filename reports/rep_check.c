/*
 * rep_check.c - see rep_check.h.
 */
#include "rep_check.h"

#include "rep_schema.h"
#include "util.h"

void rep_check_json_begin(rep_check_json *j, FILE *out)
{
    *j = (rep_check_json){.out = out};
    fprintf(out, "{\"schema_version\":%d,\"files\":[", REP_CHECK_JSON_VERSION);
}

void rep_check_json_file(rep_check_json *j, const char *path, const rep_check_result *res, size_t n,
                         const char *error, const char *detail)
{
    FILE *out = j->out;
    size_t failed = 0;
    for (size_t i = 0; !error && i < n; i++)
        failed += !res[i].pass;
    const char *status = error ? "error" : n == 0 ? "no_expectations" : failed ? "fail" : "pass";
    fputs(j->files++ ? ",\n{\"file\":" : "\n{\"file\":", out);
    util_json_string(out, path);
    fprintf(out, ",\"status\":\"%s\"", status);
    if (error) {
        j->errors++;
        fputs(",\"error\":", out);
        util_json_string(out, error);
        if (detail) {
            fputs(",\"detail\":", out);
            util_json_string(out, detail);
        }
        n = 0;
    }
    fputs(",\"results\":[", out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",{\"name\":" : "{\"name\":", out);
        util_json_string(out, res[i].name);
        fprintf(out, ",\"pass\":%s,\"value\":", res[i].pass ? "true" : "false");
        util_json_string(out, res[i].value);
        fputs(",\"bound\":", out);
        util_json_string(out, res[i].bound);
        fputc('}', out);
    }
    fputs("]}", out);
    j->passed += n - failed;
    j->failed += failed;
}

void rep_check_json_end(rep_check_json *j)
{
    fprintf(j->out, "\n],\"passed\":%zu,\"failed\":%zu,\"errors\":%zu}\n", j->passed, j->failed, j->errors);
}
