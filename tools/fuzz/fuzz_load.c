/*
 * fuzz_load.c - the scenario loader on a whole file: scn_load_buffer(), then the diagnostics.
 *
 * Oracles beyond "no crash, no leak, no UB": the status is 0 with a scenario and no error, or 65
 * with no scenario and at least one error; every printed diagnostic is one line starting
 * "error: fuzz.yaml:" with no control byte in it (sch_quote's promise); loading the same bytes
 * twice reports the same thing (no hidden state).
 */

#include <string.h>

#include "fuzz_target.h"
#include "scn_scenario.h"

static char *load_report(const char *data, size_t size, int *rc)
{
    sch_diag diag;
    scn_scenario *s = NULL;
    *rc = scn_load_buffer("fuzz.yaml", data, size, &diag, &s);
    fuzz_check(*rc == 0 || *rc == RUN_ERR_INVALID, "status %d", *rc);
    fuzz_check((*rc == 0) == (s != NULL), "status %d with scenario %p", *rc, (void *)s);
    fuzz_check((*rc == 0) == (sch_diag_count(&diag) == 0), "status %d with %zu errors", *rc,
               sch_diag_count(&diag));
    if (s) {
        fuzz_check(s->task_count <= SCN_MAX_TASKS, "%zu tasks", s->task_count);
        fuzz_check(s->duration > 0 && s->duration <= SCN_MAX_DURATION, "duration %lld", (long long)s->duration);
    }
    scn_scenario_free(s);
    char *out = NULL;
    size_t out_len = 0;
    FILE *mem = open_memstream(&out, &out_len);
    fuzz_check(mem != NULL, "open_memstream");
    sch_diag_print(&diag, mem);
    fclose(mem);
    sch_diag_free(&diag);
    for (const char *line = out; *line;) {
        const char *end = strchr(line, '\n');
        fuzz_check(end != NULL, "the last diagnostic has no newline");
        fuzz_check(strncmp(line, "error: fuzz.yaml:", 17) == 0, "diagnostic '%.*s'", (int)(end - line), line);
        for (const char *p = line; p < end; p++)
            fuzz_check((unsigned char)*p >= 0x20 && *p != 0x7f, "control byte 0x%02x in '%.*s'", (unsigned char)*p,
                       (int)(end - line), line);
        line = end + 1;
    }
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so that ASan sees any read past the end of the buffer */
    char *copy = malloc(size ? size : 1);
    fuzz_check(copy != NULL, "malloc");
    if (size)
        memcpy(copy, data, size);
    int rc1 = 0, rc2 = 0;
    char *first = load_report(copy, size, &rc1);
    char *second = load_report(copy, size, &rc2);
    fuzz_check(rc1 == rc2 && strcmp(first, second) == 0, "a second load reported differently");
    free(first);
    free(second);
    free(copy);
    return 0;
}
