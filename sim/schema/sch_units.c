/*
 * sch_units.c - scalar parsers of the scenario layer (grammar and messages: sch_units.h).
 *
 * Integers and durations are read by hand in exact integer arithmetic. Numbers that become
 * doubles are first matched against a plain decimal pattern here, then converted by strtod()
 * under a per-thread C locale (uselocale()), because strtod() reads the decimal point from
 * LC_NUMERIC: a program that called setlocale(LC_ALL, "") in a German locale would otherwise
 * read "0.5" as 0. Writing a correctly rounded decimal-to-double conversion by hand was the road
 * not taken: it is long and subtle, and glibc's strtod is already correctly rounded.
 */
#include "sch_units.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- characters, without <ctype.h> (its answers depend on the locale) ---- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static char to_lower(char c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    return c;
}

static bool eq_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        if (to_lower(*a) != to_lower(*b))
            return false;
    }
    return *a == *b;
}

/* ---- quoting ---- */

/* Appends to a buffer snprintf-style: counts everything, stores what fits. */
typedef struct sink {
    char *buf;
    size_t len;
    size_t pos;
} sink;

static void sink_putc(sink *k, char c)
{
    if (k->len > 0 && k->pos < k->len - 1)
        k->buf[k->pos] = c;
    k->pos++;
}

static void sink_puts(sink *k, const char *s)
{
    while (*s)
        sink_putc(k, *s++);
}

static void sink_end(sink *k)
{
    if (k->len > 0)
        k->buf[k->pos < k->len ? k->pos : k->len - 1] = '\0';
}

/* Length (2..4) of the well-formed UTF-8 sequence at p, or 0. Reads no byte past a NUL. */
static size_t utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    if (c >= 0xC2 && c <= 0xDF)
        return (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))
            return 0; /* overlong, surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
            return 0; /* overlong, beyond U+10FFFF */
        return 4;
    }
    return 0;
}

/* Invisible code points written as escapes (see sch_quote() in the header). */
static bool invisible(const unsigned char *p, size_t n)
{
    /* C1 controls; no-break space and soft hyphen (they print as ' ' and nothing, so
     * "10<U+00A0>s" would read as "unexpected ' '" about a plain space) */
    if (n == 2)
        return p[0] == 0xC2 && (p[1] <= 0x9F || p[1] == 0xA0 || p[1] == 0xAD);
    if (n != 3)
        return false;
    unsigned cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    return (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) || cp == 0x205F ||
           (cp >= 0x2060 && cp <= 0x2069) || cp == 0x3000 || cp == 0xFEFF; /* + the other Unicode spaces */
}

/*
 * Walks s one shown character at a time: calls back with the bytes to write for it (an escape
 * for an invisible multi-byte character is several shown characters, one per byte). Returns the
 * number of shown characters, stopping after `limit` of them.
 */
static size_t quote_chars(const char *s, size_t limit, sink *k)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t shown = 0;
    while (*p && shown < limit) {
        size_t n = *p >= 0x80 ? utf8_len(p) : 1;
        if (n > 1 && !invisible(p, n)) {
            if (k) {
                for (size_t i = 0; i < n; i++)
                    sink_putc(k, (char)p[i]);
            }
            p += n;
            shown++;
            continue;
        }
        size_t bytes = n > 1 ? n : 1; /* an invisible character: escape each of its bytes */
        for (size_t i = 0; i < bytes && shown < limit; i++, p++, shown++) {
            if (!k)
                continue;
            if (*p == '\\') {
                sink_puts(k, "\\\\");
            } else if (*p < 0x20 || *p >= 0x7F) {
                char esc[8];
                snprintf(esc, sizeof esc, "\\x%02X", (unsigned)*p);
                sink_puts(k, esc);
            } else {
                sink_putc(k, (char)*p);
            }
        }
    }
    return shown;
}

int sch_quote(const char *s, char *buf, size_t len)
{
    sink k = {buf, len, 0};
    bool cut = quote_chars(s, SCH_QUOTE_MAX + 1, NULL) > SCH_QUOTE_MAX;
    sink_putc(&k, '\'');
    quote_chars(s, cut ? SCH_QUOTE_MAX - 3 : SCH_QUOTE_MAX, &k);
    if (cut)
        sink_puts(&k, "...");
    sink_putc(&k, '\'');
    sink_end(&k);
    return (int)k.pos;
}

/* ---- messages ---- */

#define QUOTE_BUF (4 * SCH_QUOTE_MAX + 8)

/* Writes "expected <what>, found '<s>'[ (<detail>)]" and returns false. */
static bool fail(char *why, size_t why_len, const char *what, const char *s, const char *detail)
{
    if (why && why_len > 0) {
        char q[QUOTE_BUF];
        sch_quote(s, q, sizeof q);
        if (detail)
            snprintf(why, why_len, "expected %s, found %s (%s)", what, q, detail);
        else
            snprintf(why, why_len, "expected %s, found %s", what, q);
    }
    return false;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static const char *fmt(char *buf, size_t len, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, len, f, ap);
    va_end(ap);
    return buf;
}

/* ---- decimal numbers ---- */

/*
 * Length of the longest prefix of s of the form [-]digits[.digits][(e|E)[+|-]digits] (the
 * exponent only when allow_exp); 0 when s does not start that way. A '.' or an 'e' not followed
 * by what must follow ends the match before it.
 */
static size_t scan_number(const char *s, bool allow_exp)
{
    size_t i = s[0] == '-' ? 1 : 0;
    if (!is_digit(s[i]))
        return 0;
    while (is_digit(s[i]))
        i++;
    if (s[i] == '.' && is_digit(s[i + 1])) {
        i++;
        while (is_digit(s[i]))
            i++;
    }
    if (allow_exp && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (is_digit(s[j])) {
            while (is_digit(s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

static bool is_nonfinite_word(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (*s == '.')
        s++; /* YAML's .inf and .nan */
    return eq_nocase(s, "inf") || eq_nocase(s, "infinity") || eq_nocase(s, "nan");
}

/* A hint for a text that is not a number of the expected shape; n = scan_number()'s match. */
static const char *number_hint(const char *s, size_t n)
{
    if (is_nonfinite_word(s))
        return "not a finite number";
    if (s[0] == '+')
        return "no + sign";
    const char *t = s[0] == '-' ? s + 1 : s;
    if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
        return "hexadecimal is not accepted";
    if (t[0] == '.' && is_digit(t[1]))
        return "write a digit before the decimal point";
    if (n > 0 && s[n] == ',' && is_digit(s[n + 1]))
        return "write '.' as the decimal point";
    if (n > 0 && s[n] == '.' && !is_digit(s[n + 1]))
        return "write a digit after the decimal point";
    if (n > 0 && (s[n] == '_' || s[n] == '\'' || s[n] == ','))
        return "write the digits without separators";
    return NULL;
}

/* Runs strtod() and snprintf() for doubles in the C locale, whatever this thread's locale. */
typedef struct c_numeric {
    locale_t c;
    locale_t saved;
} c_numeric;

static bool c_numeric_enter(c_numeric *cn)
{
    cn->c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (cn->c == (locale_t)0)
        return false;
    cn->saved = uselocale(cn->c);
    return true;
}

static void c_numeric_leave(c_numeric *cn)
{
    uselocale(cn->saved);
    freelocale(cn->c);
}

enum conv { CONV_OK, CONV_TOO_LONG, CONV_TOO_LARGE, CONV_TOO_SMALL, CONV_NO_LOCALE };

/*
 * Converts the n characters of s (which match scan_number()) times 10^shift, correctly rounded.
 * The shift is applied to the text ("12.5" -> "12.5e-2"), not to the double, so "2%" as a
 * probability is exactly the double of "0.02". Only texts without an exponent may be shifted.
 */
static enum conv to_double(const char *s, size_t n, int shift, double *out)
{
    char text[SCH_NUMBER_MAX + 8];
    if (n > SCH_NUMBER_MAX)
        return CONV_TOO_LONG;
    memcpy(text, s, n);
    text[n] = '\0';
    if (shift != 0)
        snprintf(text + n, sizeof text - n, "e%d", shift);
    bool nonzero_digit = false;
    for (size_t i = 0; i < n && s[i] != 'e' && s[i] != 'E'; i++)
        nonzero_digit |= s[i] >= '1' && s[i] <= '9';

    c_numeric cn;
    if (!c_numeric_enter(&cn))
        return CONV_NO_LOCALE;
    double v = strtod(text, NULL);
    c_numeric_leave(&cn);

    if (isinf(v))
        return CONV_TOO_LARGE;
    /* Decided from the value, not from errno: C leaves ERANGE on underflow to the library. */
    if ((v == 0 && nonzero_digit) || (v != 0 && fabs(v) < DBL_MIN))
        return CONV_TOO_SMALL;
    *out = v == 0 ? 0.0 : v; /* -0 -> 0 */
    return CONV_OK;
}

static const char *conv_detail(enum conv c)
{
    switch (c) {
    case CONV_TOO_LONG:
        return "too many digits";
    case CONV_TOO_LARGE:
        return "too large for a double";
    case CONV_TOO_SMALL:
        return "too close to 0 for a double";
    case CONV_NO_LOCALE:
        return "out of memory";
    case CONV_OK:
        break;
    }
    return NULL;
}

/*
 * The shortest %g spelling that reads back as v, in the C locale, preferring plain notation:
 * 100 is "100", not "1e+02" (which is shorter at precision 1); 1e-07 and 1e+20 keep exponents.
 */
static void format_double(double v, char *buf, size_t len)
{
    c_numeric cn;
    if (!c_numeric_enter(&cn)) {
        snprintf(buf, len, "%.17g", v); /* out of memory: maybe a ',' for a '.', still readable */
        return;
    }
    int first = 0;
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) != v)
            continue;
        if (!strchr(buf, 'e'))
            break;
        if (!first)
            first = prec;
    }
    if (strchr(buf, 'e') && first && snprintf(buf, len, "%.*g", first, v) < 0)
        buf[0] = '\0'; /* (never: the check only tells gcc the length is looked after) */
    c_numeric_leave(&cn);
}

/* ---- durations ---- */

static const struct unit {
    const char *name;
    int64_t ms;
} units[] = {
    {"w", SIM_MS_PER_WEEK},   {"d", SIM_MS_PER_DAY},    {"h", SIM_MS_PER_HOUR},
    {"m", SIM_MS_PER_MINUTE}, {"s", SIM_MS_PER_SECOND}, {"ms", 1},
};
#define N_UNITS (sizeof units / sizeof units[0])

#define DURATION_WHAT "a duration with a unit (ms, s, m, h, d, w)"

/* A hint for a unit bgsim does not know (matched without regard to case). */
static const char *unit_hint(const char *u, char *buf, size_t len)
{
    static const struct {
        const char *unit;
        const char *words[6];
    } aliases[] = {
        {"ms", {"ms", "msec", "msecs", "millis", "millisecond", "milliseconds"}},
        {"s", {"s", "sec", "secs", "second", "seconds", NULL}},
        {"m", {"min", "mins", "minute", "minutes", NULL, NULL}},
        {"h", {"h", "hr", "hrs", "hour", "hours", NULL}},
        {"d", {"d", "day", "days", NULL, NULL, NULL}},
        {"w", {"w", "wk", "wks", "week", "weeks", NULL}},
    };
    char q[QUOTE_BUF];
    sch_quote(u, q, sizeof q);
    if (strcmp(u, "M") == 0)
        return fmt(buf, len, "unknown unit 'M': minutes are m, and there is no month unit");
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        for (size_t j = 0; j < 6 && aliases[i].words[j]; j++) {
            if (eq_nocase(u, aliases[i].words[j]))
                return fmt(buf, len, "unknown unit %s, did you mean '%s'?", q, aliases[i].unit);
        }
    }
    return fmt(buf, len, "unknown unit %s", q);
}

/* The detail for a character that cannot come next in a duration. */
static const char *unexpected_char(const char *p, char *buf, size_t len)
{
    if (is_space(*p))
        return "no spaces inside a duration";
    char one[8] = {0};
    size_t n = (unsigned char)*p >= 0x80 ? utf8_len((const unsigned char *)p) : 1;
    memcpy(one, p, n ? n : 1);
    char q[QUOTE_BUF];
    sch_quote(one, q, sizeof q);
    return fmt(buf, len, "unexpected %s", q);
}

bool sch_parse_duration(const char *s, sim_time *out, char *why, size_t why_len)
{
    char d[2 * QUOTE_BUF];
    if (s[0] == '-' && is_digit(s[1]))
        return fail(why, why_len, "a non-negative duration", s, NULL);
    if (strcmp(s, "0") == 0) {
        *out = 0;
        return true;
    }
    if (s[0] == '\0')
        return fail(why, why_len, DURATION_WHAT, s, NULL);
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return fail(why, why_len, DURATION_WHAT, s, "hexadecimal is not accepted");

    static const int64_t pow10[] = {1,         10,         100,         1000,
                                    10000,     100000,     1000000,     10000000,
                                    100000000, 1000000000, 10000000000LL};
    const char *p = s;
    int64_t total = 0;
    int last = -1; /* index in units[] of the previous group's unit */
    while (*p) {
        if (!is_digit(*p)) {
            const char *hint = p == s ? number_hint(s, 0) : NULL;
            if (!hint && (p != s || !is_alpha(*p)))
                hint = unexpected_char(p, d, sizeof d);
            return fail(why, why_len, DURATION_WHAT, s, hint);
        }
        /* Whole part, saturating: `big` once it exceeds SIM_TIME_MAX. */
        int64_t whole = 0;
        bool big = false;
        for (; is_digit(*p); p++) {
            int digit = *p - '0';
            if (big || whole > (SIM_TIME_MAX - digit) / 10)
                big = true;
            else
                whole = whole * 10 + digit;
        }
        const char *frac = NULL, *frac_end = NULL;
        if (*p == '.') {
            if (!is_digit(p[1]))
                return fail(why, why_len, DURATION_WHAT, s, "write a digit after the decimal point");
            frac = ++p;
            while (is_digit(*p))
                p++;
            frac_end = p;
            while (frac_end > frac && frac_end[-1] == '0')
                frac_end--;
        }
        const char *u = p;
        while (is_alpha(*p))
            p++;
        size_t ulen = (size_t)(p - u);
        if (ulen == 0) {
            if (*p == '\0')
                return fail(why, why_len, DURATION_WHAT, s, last >= 0 ? "missing unit at the end" : NULL);
            if (*p == ',' && is_digit(p[1]))
                return fail(why, why_len, DURATION_WHAT, s, "write '.' as the decimal point");
            return fail(why, why_len, DURATION_WHAT, s, unexpected_char(p, d, sizeof d));
        }
        int k = -1;
        for (size_t i = 0; i < N_UNITS; i++) {
            if (strlen(units[i].name) == ulen && memcmp(units[i].name, u, ulen) == 0)
                k = (int)i;
        }
        if (k < 0) {
            char name[SCH_QUOTE_MAX + 2]; /* enough for sch_quote() to see it is too long */
            size_t keep = ulen <= SCH_QUOTE_MAX ? ulen : SCH_QUOTE_MAX + 1;
            memcpy(name, u, keep);
            name[keep] = '\0';
            char hint_buf[2 * QUOTE_BUF];
            return fail(why, why_len, DURATION_WHAT, s, unit_hint(name, hint_buf, sizeof hint_buf));
        }
        if (k == last)
            return fail(why, why_len, "a duration with each unit at most once", s,
                        fmt(d, sizeof d, "%s twice", units[k].name));
        if (k < last)
            return fail(why, why_len, "a duration with units from largest to smallest", s,
                        fmt(d, sizeof d, "%s after %s", units[k].name, units[last].name));
        last = k;

        /* The fraction: f / 10^digits of a unit must be whole milliseconds. With trailing zeros
         * gone, f is not a multiple of 10, so 10^digits divides f * unit only if 2^digits or
         * 5^digits divides the unit; no unit has more than 2^10 (a week is 2^10 3^3 5^5 7 ms).
         * Hence digits <= 10, f < 10^10 and f * unit < 10^10 * 6.048e8 fits in 63 bits. */
        int64_t frac_ms = 0;
        if (frac) {
            size_t digits = (size_t)(frac_end - frac);
            int64_t f = 0;
            if (digits > 10)
                return fail(why, why_len, "a duration in whole milliseconds", s, "finer than 1 ms");
            for (const char *q = frac; q < frac_end; q++)
                f = f * 10 + (*q - '0');
            int64_t scaled = f * units[k].ms;
            if (scaled % pow10[digits] != 0)
                return fail(why, why_len, "a duration in whole milliseconds", s, "finer than 1 ms");
            frac_ms = scaled / pow10[digits];
        }
        if (big || whole > SIM_TIME_MAX / units[k].ms ||
            whole * units[k].ms > SIM_TIME_MAX - frac_ms ||
            total > SIM_TIME_MAX - (whole * units[k].ms + frac_ms))
            return fail(why, why_len, "a duration of at most 59571423w4d11h56m3s967ms", s,
                        "the simulator's time limit, about 1.1 million years");
        total += whole * units[k].ms + frac_ms;
    }
    *out = total;
    return true;
}

int sch_format_duration(sim_time ms, char *buf, size_t len)
{
    sink k = {buf, len, 0};
    uint64_t left = (uint64_t)ms; /* magnitude, computed unsigned so INT64_MIN is fine */
    if (ms < 0) {
        sink_putc(&k, '-');
        left = 0 - left;
    }
    if (left == 0)
        sink_putc(&k, '0');
    for (size_t i = 0; i < N_UNITS; i++) {
        uint64_t n = left / (uint64_t)units[i].ms;
        if (n == 0)
            continue;
        char part[32];
        snprintf(part, sizeof part, "%" PRIu64 "%s", n, units[i].name);
        sink_puts(&k, part);
        left -= n * (uint64_t)units[i].ms;
    }
    sink_end(&k);
    return (int)k.pos;
}

/* ---- percentages and probabilities ---- */

/*
 * Reads [-]digits[.digits]% times 10^shift. Returns 1 on success, 0 when s is not of that
 * shape (*detail set or NULL), -1 when the conversion failed (*detail set).
 */
static int read_percent(const char *s, int shift, double *v, const char **detail)
{
    size_t n = scan_number(s, false);
    *detail = NULL;
    if (n == 0 || s[n] != '%' || s[n + 1] != '\0') {
        size_t end = n;
        while (is_space(s[end]))
            end++;
        if (n > 0 && s[n] == '\0')
            *detail = "the % sign is required";
        else if (n > 0 && end > n && s[end] == '%' && s[end + 1] == '\0')
            *detail = "no space before %";
        else if (n > 0 && (s[n] == 'e' || s[n] == 'E') && strchr(s, '%'))
            *detail = "no exponent in a percentage: write plain digits";
        else
            *detail = number_hint(s, n);
        return 0;
    }
    enum conv c = to_double(s, n, shift, v);
    *detail = conv_detail(c);
    return c == CONV_OK ? 1 : -1;
}

bool sch_parse_percent(const char *s, double *out, char *why, size_t why_len)
{
    const char *detail;
    double v;
    int r = read_percent(s, 0, &v, &detail);
    if (r == 0)
        return fail(why, why_len, "a percentage such as 15%", s, detail);
    if (r < 0 || v < 0 || v > 100)
        return fail(why, why_len, "a percentage from 0% to 100%", s, detail);
    *out = v;
    return true;
}

bool sch_parse_probability(const char *s, double *out, char *why, size_t why_len)
{
    size_t len = strlen(s);
    const char *detail;
    double v;
    if (len > 0 && s[len - 1] == '%') {
        int r = read_percent(s, -2, &v, &detail);
        if (r == 0)
            return fail(why, why_len, "a probability such as 0.02 or 2%", s, detail);
        if (r < 0 || v < 0 || v > 1)
            return fail(why, why_len, "a probability from 0% to 100%", s, detail);
        *out = v;
        return true;
    }
    size_t n = scan_number(s, true);
    if (n == 0 || s[n] != '\0') {
        const char *hint = number_hint(s, n);
        size_t end = n;
        while (is_space(s[end]))
            end++;
        if (!hint && n > 0 && end > n && s[end] == '%' && s[end + 1] == '\0')
            hint = "no space before %";
        return fail(why, why_len, "a probability such as 0.02 or 2%", s, hint);
    }
    enum conv c = to_double(s, n, 0, &v);
    if (c != CONV_OK)
        return fail(why, why_len, "a probability from 0 to 1", s, conv_detail(c));
    if (v < 0 || v > 1) {
        char d[QUOTE_BUF];
        const char *hint = NULL;
        if (v > 1 && v <= 100 && n <= SCH_QUOTE_MAX)
            hint = fmt(d, sizeof d, "for a percentage write %s%%", s);
        return fail(why, why_len, "a probability from 0 to 1", s, hint);
    }
    *out = v;
    return true;
}

/* ---- times of day and date-times ---- */

static bool digits_at(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
    }
    return true;
}

static int two(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

/* "HH:MM" or "HH:MM:SS" at s, exactly; returns the number of characters (5 or 8) or 0. */
static size_t clock_shape(const char *s, int *h, int *m, int *sec)
{
    if (!digits_at(s, 2) || s[2] != ':' || !digits_at(s + 3, 2))
        return 0;
    *h = two(s);
    *m = two(s + 3);
    *sec = 0;
    if (s[5] == ':' && digits_at(s + 6, 2)) {
        *sec = two(s + 6);
        return 8;
    }
    return 5;
}

/* For "7:00" and the like: the same time with two digits per field, or NULL. */
static const char *padded_hint(const char *s, char *buf, size_t len)
{
    int f[3], n = 0;
    const char *p = s;
    for (;;) {
        if (!is_digit(p[0]))
            return NULL;
        int v = p[0] - '0';
        p++;
        if (is_digit(p[0]))
            v = v * 10 + (*p++ - '0');
        f[n++] = v;
        if (*p == '\0')
            break;
        if (*p != ':' || n == 3)
            return NULL;
        p++;
    }
    if (n == 1)
        return NULL;
    if (n == 2)
        return fmt(buf, len, "two digits per field, e.g. %02d:%02d", f[0], f[1]);
    return fmt(buf, len, "two digits per field, e.g. %02d:%02d:%02d", f[0], f[1], f[2]);
}

static const char *clock_range(int h, int m, int sec, char *buf, size_t len)
{
    if (h > 23)
        return fmt(buf, len, "hour %d is not 0..23", h);
    if (m > 59)
        return fmt(buf, len, "minute %d is not 0..59", m);
    if (sec > 59)
        return fmt(buf, len, "second %d is not 0..59", sec);
    return NULL;
}

bool sch_parse_time_of_day(const char *s, sim_time *out_ms, char *why, size_t why_len)
{
    char d[64];
    int h, m, sec;
    size_t n = clock_shape(s, &h, &m, &sec);
    if (n == 0 || s[n] != '\0') {
        const char *hint = n == 8 && s[n] == '.' ? "no fractions of a second" : padded_hint(s, d, sizeof d);
        return fail(why, why_len, "a time of day as HH:MM or HH:MM:SS", s, hint);
    }
    const char *range = clock_range(h, m, sec, d, sizeof d);
    if (range)
        return fail(why, why_len, "a time of day from 00:00 to 23:59:59", s, range);
    *out_ms = h * SIM_MS_PER_HOUR + m * SIM_MS_PER_MINUTE + sec * SIM_MS_PER_SECOND;
    return true;
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

#define DATETIME_SHAPE "a date-time as YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS"

bool sch_parse_datetime(const char *s, sim_datetime *out, char *why, size_t why_len)
{
    static const char *const month_names[12] = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December"};
    static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    char d[96];

    bool date = digits_at(s, 4) && s[4] == '-' && digits_at(s + 5, 2) && s[7] == '-' &&
                digits_at(s + 8, 2);
    if (!date)
        return fail(why, why_len, DATETIME_SHAPE, s, NULL);
    int h = 0, mi = 0, sec = 0;
    size_t n = s[10] == '\0' ? 0 : clock_shape(s + 11, &h, &mi, &sec);
    if (s[10] != 'T') {
        const char *hint = NULL;
        if (s[10] == '\0')
            hint = "a time is required after the date, e.g. T07:00";
        else if ((s[10] == ' ' || s[10] == 't' || s[10] == '_') && n > 0)
            hint = "separate the date and the time with T";
        return fail(why, why_len, DATETIME_SHAPE, s, hint);
    }
    if (n == 0)
        return fail(why, why_len, DATETIME_SHAPE, s, NULL);
    const char *rest = s + 11 + n;
    if (*rest != '\0') {
        const char *hint = "unexpected text after the time";
        if (*rest == 'Z' || *rest == '+' || *rest == '-')
            hint = "no time zone: the time is local";
        else if (*rest == '.' && n == 8)
            hint = "no fractions of a second";
        return fail(why, why_len, DATETIME_SHAPE, s, hint);
    }

    sim_datetime dt = {
        .year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + two(s + 2),
        .month = two(s + 5), .day = two(s + 8), .hour = h, .minute = mi, .second = sec, .ms = 0};
    const char *range = NULL;
    if (dt.year < SIM_CAL_YEAR_MIN)
        range = fmt(d, sizeof d, "year %" PRId64 " is not %d..%d", dt.year, SIM_CAL_YEAR_MIN,
                    SIM_CAL_YEAR_MAX);
    else if (dt.month < 1 || dt.month > 12)
        range = fmt(d, sizeof d, "month %d is not 1..12", dt.month);
    else if (dt.day < 1 || dt.day > 31)
        range = fmt(d, sizeof d, "day %d is not 1..31", dt.day);
    else if (dt.month == 2 && dt.day == 29 && !is_leap(dt.year))
        range = fmt(d, sizeof d, "%" PRId64 " has no February 29", dt.year);
    else if (dt.day > (dt.month == 2 ? 29 : month_days[dt.month - 1]))
        range = fmt(d, sizeof d, "%s has no day %d", month_names[dt.month - 1], dt.day);
    else
        range = clock_range(h, mi, sec, d, sizeof d);
    if (range)
        return fail(why, why_len, "a valid date-time", s, range);
    if (!sim_datetime_valid(&dt)) /* cannot happen: the checks above are the same rules */
        return fail(why, why_len, "a valid date-time", s, NULL);
    *out = dt;
    return true;
}

/* ---- integers, numbers, booleans ---- */

/* [-]digits, whole string: magnitude and sign; *over when the magnitude exceeds 2^64 - 1. */
static bool read_integer(const char *s, bool *neg, uint64_t *mag, bool *over)
{
    const char *p = s;
    *neg = *p == '-';
    if (*neg)
        p++;
    if (!is_digit(*p))
        return false;
    *mag = 0;
    *over = false;
    for (; is_digit(*p); p++) {
        unsigned digit = (unsigned)(*p - '0');
        if (*mag > (UINT64_MAX - digit) / 10)
            *over = true;
        else if (!*over)
            *mag = *mag * 10 + digit;
    }
    return *p == '\0';
}

static const char *integer_hint(const char *s)
{
    size_t n = scan_number(s, true);
    if (n > 0 && s[n] == '\0')
        return "write a whole number in plain digits"; /* 1.5, 1e3 */
    n = scan_number(s, false);
    if (n > 0 && s[n] == ',')
        return "write the digits without separators"; /* 1,000: not a decimal point here */
    return number_hint(s, n);
}

bool sch_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out, char *why,
                     size_t why_len)
{
    char what[96];
    if (min == INT64_MIN && max == INT64_MAX)
        snprintf(what, sizeof what, "an integer");
    else if (max == INT64_MAX)
        snprintf(what, sizeof what, "an integer of at least %" PRId64, min);
    else if (min == INT64_MIN)
        snprintf(what, sizeof what, "an integer of at most %" PRId64, max);
    else
        snprintf(what, sizeof what, "an integer from %" PRId64 " to %" PRId64, min, max);

    bool neg, over;
    uint64_t mag;
    if (!read_integer(s, &neg, &mag, &over))
        return fail(why, why_len, what, s, integer_hint(s));
    int64_t v;
    if (over || mag > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
        return fail(why, why_len, what, s,
                    min == INT64_MIN && max == INT64_MAX ? "out of the 64-bit range" : NULL);
    v = neg ? (int64_t)(0 - mag) : (int64_t)mag; /* 0 - 2^63 wraps to INT64_MIN's pattern */
    if (v < min || v > max)
        return fail(why, why_len, what, s, NULL);
    *out = v;
    return true;
}

bool sch_parse_uint64(const char *s, uint64_t *out, char *why, size_t why_len)
{
    static const char what[] = "an integer from 0 to 18446744073709551615";
    bool neg, over;
    uint64_t mag;
    if (!read_integer(s, &neg, &mag, &over))
        return fail(why, why_len, what, s, integer_hint(s));
    if (neg)
        return fail(why, why_len, what, s, NULL);
    if (over)
        return fail(why, why_len, what, s, NULL);
    *out = mag;
    return true;
}

/* "a number from 0 to 1" and friends, bounds at +-DBL_MAX (or beyond) meaning none. */
static const char *double_what(double min, double max, char *buf, size_t len)
{
    char lo[40], hi[40];
    format_double(min, lo, sizeof lo);
    format_double(max, hi, sizeof hi);
    if (min <= -DBL_MAX && max >= DBL_MAX)
        return "a number";
    if (max >= DBL_MAX)
        return fmt(buf, len, "a number of at least %s", lo);
    if (min <= -DBL_MAX)
        return fmt(buf, len, "a number of at most %s", hi);
    return fmt(buf, len, "a number from %s to %s", lo, hi);
}

bool sch_parse_double(const char *s, double min, double max, double *out, char *why,
                      size_t why_len)
{
    char what[128];
    size_t n = scan_number(s, true);
    if (n == 0 || s[n] != '\0')
        return fail(why, why_len, double_what(min, max, what, sizeof what), s, number_hint(s, n));
    double v;
    enum conv c = to_double(s, n, 0, &v);
    if (c != CONV_OK)
        return fail(why, why_len, double_what(min, max, what, sizeof what), s, conv_detail(c));
    if (v < min || v > max)
        return fail(why, why_len, double_what(min, max, what, sizeof what), s, NULL);
    *out = v;
    return true;
}

bool sch_parse_bool(const char *s, bool *out, char *why, size_t why_len)
{
    static const char *const yes[] = {"true", "yes", "y", "on", "1"};
    static const char *const no[] = {"false", "no", "n", "off", "0"};
    if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
        *out = s[0] == 't';
        return true;
    }
    const char *hint = NULL;
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (eq_nocase(s, yes[i]))
            hint = "write true";
        if (eq_nocase(s, no[i]))
            hint = "write false";
    }
    return fail(why, why_len, "true or false", s, hint);
}
