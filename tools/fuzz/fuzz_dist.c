/*
 * fuzz_dist.c - distributions through the loader: the input is the value of a task's
 * work.duration in an otherwise valid scenario, so the YAML layer, sch_field_dist and the
 * duration parser all see it exactly as in a real file.
 *
 * Input layout: byte 0 picks the frame (block value after "duration: " or a line of its own at a
 * deeper indent); the rest is pasted in. When the scenario loads, the distribution is sampled
 * (GSL rng seeded from the input) and every draw must be a whole ms in [0, SCH_DIST_MAX_MS], its
 * mean must not be NaN, and sch_dist_format must terminate.
 */

#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "fuzz_target.h"
#include "scn_scenario.h"

static const char head[] = "bgsim: 1\n"
                           "name: fuzz\n"
                           "platform: ideal\n"
                           "seed: 1\n"
                           "start: 2026-01-05T07:00\n"
                           "duration: 1d\n"
                           "app:\n"
                           "  library: expo-background-task\n"
                           "  tasks:\n"
                           "    - name: t\n"
                           "      minimum_interval: 15m\n"
                           "      work:\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *frame = (data[0] & 1) ? "        duration:\n          " : "        duration: ";
    size_t hl = strlen(head), fl = strlen(frame), bl = size - 1;
    size_t len = hl + fl + bl + 1;
    char *doc = malloc(len);
    fuzz_check(doc != NULL, "malloc");
    memcpy(doc, head, hl);        // NOLINT(bugprone-not-null-terminated-result): a buffer, not a string
    memcpy(doc + hl, frame, fl); // NOLINT(bugprone-not-null-terminated-result): a buffer, not a string
    memcpy(doc + hl + fl, data + 1, bl);
    doc[len - 1] = '\n';

    sch_diag diag;
    scn_scenario *s = NULL;
    int rc = scn_load_buffer("fuzz.yaml", doc, len, &diag, &s);
    fuzz_check(rc == 0 || rc == RUN_ERR_INVALID, "status %d", rc);
    fuzz_check((rc == 0) == (s != NULL), "status %d with scenario %p", rc, (void *)s);
    if (s && s->task_count == 1) {
        const sch_dist *d = &s->tasks[0].work_duration;
        char buf[160];
        int n = sch_dist_format(d, buf, sizeof buf);
        fuzz_check(n >= 0 && strlen(buf) < sizeof buf, "sch_dist_format returned %d", n);
        fuzz_check(!isnan(sch_dist_mean(d)), "mean is NaN for %s", buf);
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        fuzz_check(rng != NULL, "gsl_rng_alloc");
        gsl_rng_set(rng, data[0]);
        for (int i = 0; i < 64; i++) {
            sim_time v = sch_dist_sample(d, rng);
            fuzz_check(v >= 0 && v <= SCH_DIST_MAX_MS, "draw %lld from %s", (long long)v, buf);
        }
        gsl_rng_free(rng);
    }
    scn_scenario_free(s);
    sch_diag_free(&diag);
    free(doc);
    return 0;
}
