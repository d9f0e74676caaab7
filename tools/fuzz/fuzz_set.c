/*
 * fuzz_set.c - `--set KEY=VALUE` (sim/scenario/scn_set.h): the path parser, the sweep splitter, and the
 * overrides applied to a real scenario through scn_load_buffer_with().
 *
 * The input is up to SET_MAX lines; each line is one argument as the shell would pass it. Every
 * line goes through scn_set_split_values and scn_set_parse; the ones that parse are applied, in
 * order, to the bundled default scenario (a copy compiled in, so the target needs no file).
 *
 * Oracles: a refused argument gives a non-empty message without control bytes and nothing to
 * free; a parsed one has 1..SCN_SET_MAX_STEPS steps with a text each; the load keeps the status
 * contract (0 with a scenario and no error, 65 with errors and no scenario) and every printed
 * diagnostic is one "error: fuzz.yaml:" line without control bytes.
 */

#include <string.h>

#include "fuzz_target.h"
#include "scn_scenario.h"
#include "scn_set.h"

#define SET_MAX 8
#define WHY_LEN 256

static const char scenario[] = "bgsim: 1\n"
                               "name: default\n"
                               "platform: ideal\n"
                               "seed: 42\n"
                               "start: 2026-01-05T07:00\n"
                               "duration: 7d\n"
                               "app:\n"
                               "  library: expo-background-task\n"
                               "  policy: current\n"
                               "  policy_platform: android\n"
                               "  first_open: 0s\n"
                               "  foreground_for: 5m\n"
                               "  tasks:\n"
                               "    - name: sync\n"
                               "      minimum_interval: 15m\n"
                               "      register_at: 10s\n"
                               "      work:\n"
                               "        duration: { lognormal: { median: 8s, sigma: 0.5 } }\n"
                               "        failure_probability: 2%\n"
                               "        network: required\n"
                               "    - name: cleanup\n"
                               "      minimum_interval: 6h\n"
                               "      register_at: 20s\n"
                               "      work:\n"
                               "        duration: { uniform: [1s, 3s] }\n"
                               "expect:\n"
                               "  sync.first_run: { min: 15m, max: 16m }\n";

static void check_message(const char *why, const char *what)
{
    size_t n = strnlen(why, WHY_LEN);
    fuzz_check(n > 0 && n < WHY_LEN, "%s: empty or unterminated message", what);
    for (size_t i = 0; i < n; i++)
        fuzz_check((unsigned char)why[i] >= 0x20 && why[i] != 0x7f, "%s: control byte in '%s'", what, why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    fuzz_check(text != NULL, "malloc");
    memcpy(text, data, size);
    text[size] = '\0';
    scn_override overrides[SET_MAX];
    size_t n = 0;
    char *line = text;
    for (int k = 0; k < SET_MAX && line; k++) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char why[WHY_LEN];

        char *key = NULL, **values = NULL;
        size_t nv = 0;
        memset(why, 0, sizeof why);
        if (scn_set_split_values(line, &key, &values, &nv, why, sizeof why)) {
            fuzz_check(key != NULL && nv >= 1 && values != NULL, "split '%s': %zu values", line, nv);
            for (size_t i = 0; i < nv; i++)
                fuzz_check(values[i] != NULL, "split '%s': value %zu is NULL", line, i);
            scn_set_values_free(key, values, nv);
        } else {
            check_message(why, "split");
        }

        memset(why, 0, sizeof why);
        if (scn_set_parse(line, &overrides[n], why, sizeof why)) {
            scn_override *o = &overrides[n];
            fuzz_check(o->step_count >= 1 && o->step_count <= SCN_SET_MAX_STEPS, "'%s': %zu steps", line,
                       o->step_count);
            for (size_t i = 0; i < o->step_count; i++)
                fuzz_check(o->steps[i].text != NULL, "'%s': step %zu without text", line, i);
            fuzz_check(o->key && o->value && o->text, "'%s': parsed without key, value or text", line);
            n++;
        } else {
            check_message(why, "parse");
        }
        line = nl ? nl + 1 : NULL;
    }

    sch_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load_buffer_with("fuzz.yaml", scenario, sizeof scenario - 1, overrides, n, &diag, &s);
    fuzz_check(rc == 0 || rc == RUN_ERR_INVALID, "status %d", rc);
    fuzz_check((rc == 0) == (s != NULL), "status %d with scenario %p", rc, (void *)s);
    fuzz_check((rc == 0) == (sch_diag_count(&diag) == 0), "status %d with %zu errors", rc, sch_diag_count(&diag));
    scn_scenario_free(s);
    char *out = NULL;
    size_t out_len = 0;
    FILE *mem = open_memstream(&out, &out_len);
    fuzz_check(mem != NULL, "open_memstream");
    sch_diag_print(&diag, mem);
    fclose(mem);
    for (const char *p = out; *p;) {
        const char *end = strchr(p, '\n');
        fuzz_check(end != NULL, "the last diagnostic has no newline");
        fuzz_check(strncmp(p, "error: fuzz.yaml", 16) == 0, "diagnostic '%.*s'", (int)(end - p), p);
        for (const char *q = p; q < end; q++)
            fuzz_check((unsigned char)*q >= 0x20 && *q != 0x7f, "control byte 0x%02x in '%.*s'", (unsigned char)*q,
                       (int)(end - p), p);
        p = end + 1;
    }
    free(out);
    sch_diag_free(&diag);
    for (size_t i = 0; i < n; i++)
        scn_override_free(&overrides[i]);
    free(text);
    return 0;
}
