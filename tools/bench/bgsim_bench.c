/*
 * bgsim-bench - benchmarks of the simulator's building blocks.
 *
 *   bgsim-bench hold --pending N --events M [--bare] [--predrawn] [--seed S]
 *   bgsim-bench hold --pending N --events M --compare [--reps R] [--seed S]
 *   bgsim-bench draw --kind lognormal|exponential --events M [--seed S]
 *
 * The classic hold model: N events pending; each popped event schedules one new event at
 * now + Exp(mean 1 s), rounded to whole milliseconds, drawn with gsl_ran_exponential from the
 * engine's "bench.hold" stream. Only the M hold operations are timed (not the initial fill).
 *
 * --bare runs the same model on a plain binary heap of (time, seq) pairs written inline here: the
 * reference the engine is measured against. Both modes draw the same numbers in the same order and
 * break ties the same way, so they pop the same sequence of times; the printed checksum (a hash of
 * every popped time) proves it. --compare runs both modes R times, interleaved, in one process and
 * prints the median of each and their ratio.
 *
 * `draw` makes M draws of one kind from a stream of the engine's (sim_rng_lognormal: the normal
 * ziggurat and an exp, as the usage model's session lengths; sim_rng_exponential: the exponential
 * ziggurat, as arrival gaps) and prints their sum: what one draw of a model costs, which no cut of
 * the model's own work can remove while its outputs stay the same (tools/bench-cpu.sh sets it
 * against the floor's heap operation). The parameters (a session's median 60 s, sigma 1.2; a gap's
 * mean 20 min) do not change the cost: neither method's rejection rate depends on them.
 *
 * Output: one line per run ending in ev_per_s=<events per second>; with --compare a last line
 * ending in ratio=<engine/bare>. Timing is wall-clock (CLOCK_MONOTONIC): run on a quiet machine.
 */
#include <getopt.h>
#include <stdbool.h>
#include <gsl/gsl_randist.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_engine.h"
#include "sim_rng.h"

#define EX_USAGE 64
#define EX_SOFTWARE 70

typedef struct hold_result {
    double seconds;
    uint64_t checksum;
} hold_result;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static sim_time draw_delay(gsl_rng *r) { return (sim_time)(gsl_ran_exponential(r, 1000.0) + 0.5); }

static uint64_t checksum_step(uint64_t sum, sim_time t) { return (sum ^ (uint64_t)t) * 0x100000001b3ULL; }

/* ---- the engine ---- */

/* Delays drawn ahead for --predrawn (a power of two: the loops index with a mask). */
#define PREDRAWN 4096

/* Fills table[0 .. PREDRAWN) with delays from `rng`: the table both --predrawn loops read, drawn
 * after the fill so that both heaps start from the same events. */
static void predraw(sim_time *table, gsl_rng *rng)
{
    for (size_t i = 0; i < PREDRAWN; i++)
        table[i] = draw_delay(rng);
}

typedef struct hold_engine {
    gsl_rng *rng;
    const sim_time *table; /* --predrawn: the delays, drawn before the timed run; else NULL */
    uint64_t remaining;
    uint64_t popped; /* events popped so far: the table's index, as in hold_on_bare_predrawn */
    uint64_t checksum;
} hold_engine;

static void hold_event(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    hold_engine *h = ctx;
    h->checksum = checksum_step(h->checksum, sim_now(e));
    if (--h->remaining == 0) {
        sim_stop(e);
        return;
    }
    h->popped++;
    sim_time d = h->table ? h->table[h->popped & (PREDRAWN - 1)] : draw_delay(h->rng);
    if (sim_schedule_in(e, d, SIM_PHASE_APP, hold_event, h, 0, NULL) != SIM_OK)
        abort(); /* cannot happen: delay >= 0 and the pool only grows during the fill */
}

/* The engine's hold; with `table` (PREDRAWN delays) each event reschedules without a draw: the
 * least an event of any model costs on the engine (its pop, its dispatch through the handler
 * pointer, one schedule), against the bare heap's pop and push (hold_on_bare_predrawn). */
static int hold_on_engine_with(size_t pending, uint64_t events, uint64_t seed, bool predrawn, hold_result *out)
{
    sim_engine *e = sim_engine_new(pending + 1);
    gsl_rng *rng = sim_rng_stream_new(seed, 0, "bench.hold");
    sim_time *table = predrawn ? malloc(PREDRAWN * sizeof *table) : NULL;
    int rc = -1;
    if (!e || !rng || (predrawn && !table))
        goto out_free;
    hold_engine h = {.rng = rng, .table = table, .remaining = events, .checksum = 0xcbf29ce484222325ULL};
    for (size_t i = 0; i < pending; i++)
        if (sim_schedule(e, draw_delay(rng), SIM_PHASE_APP, hold_event, &h, 0, NULL) != SIM_OK)
            goto out_free;
    if (table)
        predraw(table, rng);
    double t0 = now_seconds();
    sim_run(e);
    out->seconds = now_seconds() - t0;
    out->checksum = h.checksum;
    rc = h.remaining == 0 ? 0 : -1;
out_free:
    free(table);
    gsl_rng_free(rng);
    sim_engine_free(e);
    return rc;
}

static int hold_on_engine(size_t pending, uint64_t events, uint64_t seed, hold_result *out)
{
    return hold_on_engine_with(pending, events, seed, false, out);
}

static int hold_on_engine_predrawn(size_t pending, uint64_t events, uint64_t seed, hold_result *out)
{
    return hold_on_engine_with(pending, events, seed, true, out);
}

/* ---- the bare reference: a binary min-heap keyed on (time, seq), sifting a hole ---- */

typedef struct bare_entry {
    sim_time time;
    uint64_t seq;
} bare_entry;

static inline int bare_less(const bare_entry *a, const bare_entry *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

/* bare_push and bare_pop are forced inline: with two callers (hold_on_bare, hold_on_bare_predrawn)
 * gcc 12 stopped inlining them (450 instructions per operation at 1,000 pending, against 422 with
 * one caller); inline in both they are 407. A faster reference only makes the engine's ratios to it
 * more demanding. */
static inline __attribute__((always_inline)) void bare_push(bare_entry *heap, size_t *n, bare_entry x)
{
    size_t i = (*n)++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!bare_less(&x, &heap[parent]))
            break;
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = x;
}

static inline __attribute__((always_inline)) bare_entry bare_pop(bare_entry *heap, size_t *n)
{
    bare_entry top = heap[0];
    bare_entry x = heap[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && bare_less(&heap[c + 1], &heap[c]))
            c++;
        if (!bare_less(&heap[c], &x))
            break;
        heap[i] = heap[c];
        i = c;
    }
    heap[i] = x;
    return top;
}

static int hold_on_bare(size_t pending, uint64_t events, uint64_t seed, hold_result *out)
{
    bare_entry *heap = malloc((pending + 1) * sizeof *heap);
    gsl_rng *rng = sim_rng_stream_new(seed, 0, "bench.hold");
    int rc = -1;
    if (!heap || !rng)
        goto out_free;
    size_t n = 0;
    uint64_t seq = 0;
    for (size_t i = 0; i < pending; i++)
        bare_push(heap, &n, (bare_entry){draw_delay(rng), seq++});
    uint64_t checksum = 0xcbf29ce484222325ULL;
    double t0 = now_seconds();
    for (uint64_t k = 1;; k++) {
        bare_entry top = bare_pop(heap, &n);
        checksum = checksum_step(checksum, top.time);
        if (k == events)
            break;
        bare_push(heap, &n, (bare_entry){top.time + draw_delay(rng), seq++});
    }
    out->seconds = now_seconds() - t0;
    out->checksum = checksum;
    rc = 0;
out_free:
    gsl_rng_free(rng);
    free(heap);
    return rc;
}

/* hold_on_bare with the delays drawn before the timed loop (--predrawn): the same heap and loop,
 * kept apart so that hold_on_bare's loop stays the reference it was (a test of a flag in it, or
 * one function for both, cost it 3 to 27 instructions an operation, callgrind). */
static int hold_on_bare_predrawn(size_t pending, uint64_t events, uint64_t seed, hold_result *out)
{
    bare_entry *heap = malloc((pending + 1) * sizeof *heap);
    sim_time *table = malloc(PREDRAWN * sizeof *table);
    gsl_rng *rng = sim_rng_stream_new(seed, 0, "bench.hold");
    int rc = -1;
    if (!heap || !table || !rng)
        goto out_free;
    size_t n = 0;
    uint64_t seq = 0;
    for (size_t i = 0; i < pending; i++)
        bare_push(heap, &n, (bare_entry){draw_delay(rng), seq++});
    predraw(table, rng);
    uint64_t checksum = 0xcbf29ce484222325ULL;
    double t0 = now_seconds();
    for (uint64_t k = 1;; k++) {
        bare_entry top = bare_pop(heap, &n);
        checksum = checksum_step(checksum, top.time);
        if (k == events)
            break;
        bare_push(heap, &n, (bare_entry){top.time + table[k & (PREDRAWN - 1)], seq++});
    }
    out->seconds = now_seconds() - t0;
    out->checksum = checksum;
    rc = 0;
out_free:
    gsl_rng_free(rng);
    free(table);
    free(heap);
    return rc;
}

/* ---- draws ---- */

static int draw(const char *kind, uint64_t draws, uint64_t seed)
{
    bool lognormal = strcmp(kind, "lognormal") == 0;
    if (!lognormal && strcmp(kind, "exponential") != 0) {
        fprintf(stderr, "bgsim-bench: --kind: expected 'lognormal' or 'exponential', found '%s'\n", kind);
        return EX_USAGE;
    }
    gsl_rng *rng = sim_rng_stream_new(seed, 0, "bench.draw");
    if (!rng) {
        fprintf(stderr, "bgsim-bench: out of memory\n");
        return EX_SOFTWARE;
    }
    const double zeta = 11.0021, sigma = 1.2, mean = 1200000.0; /* ln(60,000 ms); 20 min */
    double sum = 0, t0 = now_seconds();
    if (lognormal)
        for (uint64_t i = 0; i < draws; i++)
            sum += sim_rng_lognormal(rng, zeta, sigma);
    else
        for (uint64_t i = 0; i < draws; i++)
            sum += sim_rng_exponential(rng, mean);
    double seconds = now_seconds() - t0;
    gsl_rng_free(rng);
    printf("draw kind=%s draws=%" PRIu64 " sum=%.17g seconds=%.6f ns_per_draw=%.2f\n", kind, draws, sum, seconds,
           seconds * 1e9 / (double)draws);
    return 0;
}

/* ---- command line ---- */

static void print_run(const char *mode, size_t pending, uint64_t events, const hold_result *r)
{
    printf("hold mode=%s pending=%zu events=%" PRIu64 " checksum=%016" PRIx64 " seconds=%.6f ev_per_s=%.0f\n",
           mode, pending, events, r->checksum, r->seconds, (double)events / r->seconds);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int compare(size_t pending, uint64_t events, uint64_t seed, int reps)
{
    double bare_rate[64] = {0}, engine_rate[64] = {0};
    hold_result rb = {0}, re = {0};
    for (int i = 0; i < reps; i++) {
        if (hold_on_bare(pending, events, seed, &rb) || hold_on_engine(pending, events, seed, &re))
            return EX_SOFTWARE;
        if (rb.checksum != re.checksum) {
            fprintf(stderr, "bgsim-bench: engine and bare heap popped different sequences\n");
            return EX_SOFTWARE;
        }
        bare_rate[i] = (double)events / rb.seconds;
        engine_rate[i] = (double)events / re.seconds;
    }
    double b = median(bare_rate, reps), e = median(engine_rate, reps);
    printf("hold mode=bare pending=%zu events=%" PRIu64 " reps=%d checksum=%016" PRIx64 " ev_per_s=%.0f\n",
           pending, events, reps, rb.checksum, b);
    printf("hold mode=engine pending=%zu events=%" PRIu64 " reps=%d checksum=%016" PRIx64 " ev_per_s=%.0f\n",
           pending, events, reps, re.checksum, e);
    printf("hold pending=%zu events=%" PRIu64 " engine/bare ratio=%.3f\n", pending, events, e / b);
    return 0;
}

static int parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s == '\0' || *s == '-' || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "bgsim-bench: %s: expected an integer in [%" PRIu64 ", %" PRIu64 "], found '%s'\n",
                opt, min, max, s);
        return -1;
    }
    *out = v;
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: bgsim-bench hold --pending N --events M [[--bare] [--predrawn] | --compare [--reps R]] "
               "[--seed S]\n"
               "       bgsim-bench draw --kind lognormal|exponential --events M [--seed S]\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"pending", required_argument, NULL, 'n'}, {"events", required_argument, NULL, 'm'},
        {"bare", no_argument, NULL, 'b'},          {"compare", no_argument, NULL, 'c'},
        {"reps", required_argument, NULL, 'r'},    {"seed", required_argument, NULL, 's'},
        {"predrawn", no_argument, NULL, 'p'},      {"help", no_argument, NULL, 'h'},
        {"kind", required_argument, NULL, 'k'},    {NULL, 0, NULL, 0}};
    bool is_draw = argc >= 2 && strcmp(argv[1], "draw") == 0;
    if (argc < 2 || (strcmp(argv[1], "hold") != 0 && !is_draw)) {
        if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        usage(stderr);
        return EX_USAGE;
    }
    uint64_t pending = 1000, events = 10000000, seed = 1, reps = 5;
    int bare = 0, cmp = 0, predrawn = 0, c;
    const char *kind = NULL;
    optind = 2;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'n': bad = parse_u64("--pending", optarg, 1, SIM_MAX_PENDING - 1, &pending); break;
        case 'm': bad = parse_u64("--events", optarg, 1, UINT64_MAX / 2, &events); break;
        case 'r': bad = parse_u64("--reps", optarg, 1, 64, &reps); break;
        case 's': bad = parse_u64("--seed", optarg, 0, UINT64_MAX, &seed); break;
        case 'b': bare = 1; break;
        case 'c': cmp = 1; break;
        case 'p': predrawn = 1; break;
        case 'k': kind = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return EX_USAGE;
        }
        if (bad)
            return EX_USAGE;
    }
    if (optind < argc || (bare && cmp) || (predrawn && cmp) || is_draw != (kind != NULL) ||
        (is_draw && (bare || cmp || predrawn))) {
        usage(stderr);
        return EX_USAGE;
    }
    if (is_draw)
        return draw(kind, events, seed);
    if (cmp)
        return compare((size_t)pending, events, seed, (int)reps);
    hold_result r = {0};
    int (*const hold[2][2])(size_t, uint64_t, uint64_t, hold_result *) = {
        {hold_on_engine, hold_on_engine_predrawn}, {hold_on_bare, hold_on_bare_predrawn}};
    static const char *const mode[2][2] = {{"engine", "engine-predrawn"}, {"bare", "bare-predrawn"}};
    if (hold[bare][predrawn]((size_t)pending, events, seed, &r) != 0) {
        fprintf(stderr, "bgsim-bench: out of memory\n");
        return EX_SOFTWARE;
    }
    print_run(mode[bare][predrawn], (size_t)pending, events, &r);
    return 0;
}
