/*
 * fuzz_units.c - the scalar parsers of sim/schema/sch_units.h, one target dispatching on the first byte.
 *
 *   byte 0 % 10:  0 duration   1 percentage   2 probability   3 time of day   4 date-time
 *                 5 int64 (range from byte 1)  6 uint64        7 number (range from byte 1)
 *                 8 boolean    9 sch_format_duration of 8 raw bytes, and sch_quote
 * The rest of the input is the scalar, NUL-terminated (an embedded NUL ends it, as in libyaml's
 * output it cannot occur; a parser sees only what is before it).
 *
 * Oracles: a success stores a value inside the documented range and leaves `why` alone; a failure
 * leaves *out alone and writes a non-empty message with no control byte, that fits; a duration
 * parsed round-trips through sch_format_duration; sch_quote stays within 4 * SCH_QUOTE_MAX + 8.
 */

#include <float.h>
#include <math.h>
#include <string.h>

#include "fuzz_target.h"
#include "sch_units.h"

#define WHY_LEN 256
#define SENTINEL 0x5a

static void check_why(const char *why, bool ok, const char *s)
{
    if (ok) {
        fuzz_check((unsigned char)why[0] == SENTINEL, "success wrote a message for '%s'", s);
        return;
    }
    size_t n = strnlen(why, WHY_LEN);
    fuzz_check(n > 0 && n < WHY_LEN, "failure message empty or unterminated for '%s'", s);
    for (size_t i = 0; i < n; i++)
        fuzz_check((unsigned char)why[i] >= 0x20 && why[i] != 0x7f, "control byte in '%s'", why);
    fuzz_check(strncmp(why, "expected ", 9) == 0, "message '%s' does not start 'expected '", why);
}

static int64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    int64_t r;
    memcpy(&r, &v, sizeof r);
    return r;
}

/* A few interesting ranges, as the loader passes them. */
static void int_range(uint8_t sel, int64_t *min, int64_t *max)
{
    static const int64_t ranges[][2] = {
        {1, 100}, {0, INT64_MAX}, {INT64_MIN, 10}, {INT64_MIN, INT64_MAX}, {1, 1000}, {0, 0}, {-5, 5},
    };
    size_t k = sel % (sizeof ranges / sizeof ranges[0]);
    *min = ranges[k][0];
    *max = ranges[k][1];
}

static void double_range(uint8_t sel, double *min, double *max)
{
    static const double ranges[][2] = {
        {0, 1}, {-DBL_MAX, DBL_MAX}, {0, DBL_MAX}, {1e-9, 1e9}, {-1, 1},
    };
    size_t k = sel % (sizeof ranges / sizeof ranges[0]);
    *min = ranges[k][0];
    *max = ranges[k][1];
}

static void fuzz_duration_format(const uint8_t *data, size_t size)
{
    uint8_t raw[8] = {0};
    memcpy(raw, data, size < 8 ? size : 8);
    sim_time ms = rd64(raw);
    char buf[40];
    int n = sch_format_duration(ms, buf, sizeof buf);
    fuzz_check(n > 0 && (size_t)n < sizeof buf, "format %lld: length %d", (long long)ms, n);
    fuzz_check(strlen(buf) == (size_t)n, "format %lld: returned %d, wrote %zu", (long long)ms, n, strlen(buf));
    if (ms >= 0 && ms <= SIM_TIME_MAX) {
        sim_time back = -1;
        char why[WHY_LEN];
        fuzz_check(sch_parse_duration(buf, &back, why, sizeof why) && back == ms, "'%s' does not parse back to %lld",
                   buf, (long long)ms);
    }
    /* truncated output still terminates and reports the full length */
    char small[5];
    int m = sch_format_duration(ms, small, sizeof small);
    fuzz_check(m == n && strlen(small) == (size_t)(n < 4 ? n : 4), "truncated format of %lld", (long long)ms);
}

static void fuzz_quote(const char *s)
{
    char buf[4 * SCH_QUOTE_MAX + 8];
    int n = sch_quote(s, buf, sizeof buf);
    fuzz_check(n >= 2 && (size_t)n < sizeof buf, "quote length %d", n);
    fuzz_check(strlen(buf) == (size_t)n, "quote returned %d, wrote %zu", n, strlen(buf));
    for (int i = 0; i < n; i++)
        fuzz_check((unsigned char)buf[i] >= 0x20 && buf[i] != 0x7f, "control byte in quote '%s'", buf);
    char tiny[3];
    fuzz_check(sch_quote(s, tiny, sizeof tiny) == n && strlen(tiny) <= 2, "truncated quote");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t which = data[0] % 10, sel = data[1];
    const uint8_t *body = data + 2;
    size_t len = size - 2;
    if (which == 9) {
        fuzz_duration_format(body, len);
    }
    char *s = malloc(len + 1);
    fuzz_check(s != NULL, "malloc");
    memcpy(s, body, len);
    s[len] = '\0';
    char why[WHY_LEN];
    memset(why, SENTINEL, sizeof why);
    bool ok = false;
    switch (which) {
    case 0: {
        sim_time v = -7;
        ok = sch_parse_duration(s, &v, why, sizeof why);
        if (ok) {
            fuzz_check(v >= 0 && v <= SIM_TIME_MAX, "duration '%s' -> %lld", s, (long long)v);
            char canon[40];
            sch_format_duration(v, canon, sizeof canon);
            sim_time back = -1;
            char w2[WHY_LEN];
            fuzz_check(sch_parse_duration(canon, &back, w2, sizeof w2) && back == v, "'%s' -> '%s' does not round-trip",
                       s, canon);
        } else {
            fuzz_check(v == -7, "failure changed *out");
        }
        break;
    }
    case 1: {
        double v = -7;
        ok = sch_parse_percent(s, &v, why, sizeof why);
        fuzz_check(ok ? (v >= 0 && v <= 100) : v == -7, "percent '%s' -> %g", s, v);
        break;
    }
    case 2: {
        double v = -7;
        ok = sch_parse_probability(s, &v, why, sizeof why);
        fuzz_check(ok ? (v >= 0 && v <= 1) : v == -7, "probability '%s' -> %g", s, v);
        break;
    }
    case 3: {
        sim_time v = -7;
        ok = sch_parse_time_of_day(s, &v, why, sizeof why);
        fuzz_check(ok ? (v >= 0 && v < SIM_DAYS(1)) : v == -7, "time of day '%s' -> %lld", s, (long long)v);
        break;
    }
    case 4: {
        sim_datetime v;
        memset(&v, 0x33, sizeof v);
        sim_datetime before = v;
        ok = sch_parse_datetime(s, &v, why, sizeof why);
        fuzz_check(ok ? sim_datetime_valid(&v) : memcmp(&v, &before, sizeof v) == 0, "date-time '%s'", s);
        break;
    }
    case 5: {
        int64_t min, max, v = 0x5a5a5a5a, before = v;
        int_range(sel, &min, &max);
        ok = sch_parse_int64(s, min, max, &v, why, sizeof why);
        fuzz_check(ok ? (v >= min && v <= max) : v == before, "int64 '%s' in [%lld, %lld] -> %lld", s,
                   (long long)min, (long long)max, (long long)v);
        break;
    }
    case 6: {
        uint64_t v = 7;
        ok = sch_parse_uint64(s, &v, why, sizeof why);
        fuzz_check(ok || v == 7, "uint64 failure changed *out");
        break;
    }
    case 7: {
        double min, max, v = -7.5;
        double_range(sel, &min, &max);
        ok = sch_parse_double(s, min, max, &v, why, sizeof why);
        fuzz_check(ok ? (isfinite(v) && v >= min && v <= max) : v == -7.5, "number '%s' in [%g, %g] -> %g", s, min,
                   max, v);
        break;
    }
    case 8: {
        bool v = false;
        ok = sch_parse_bool(s, &v, why, sizeof why);
        fuzz_check(!ok || strcmp(s, v ? "true" : "false") == 0, "bool '%s'", s);
        break;
    }
    case 9:
        fuzz_quote(s);
        free(s);
        return 0;
    default:
        break;
    }
    check_why(why, ok, s);
    /* a tiny message buffer is truncated, never overrun */
    char small[8];
    memset(small, SENTINEL, sizeof small);
    if (!ok && which == 0) {
        sim_time v;
        fuzz_check(!sch_parse_duration(s, &v, small, sizeof small) && strnlen(small, sizeof small) < sizeof small,
                   "small why");
    }
    free(s);
    return 0;
}
