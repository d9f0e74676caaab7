/*
 * sch_units.h - the scalar values of a scenario file: durations, percentages, probabilities,
 * times of day, date-times, integers, numbers and booleans.
 *
 * Each parser reads one whole NUL-terminated scalar (libyaml has already removed the whitespace
 * around it). It either stores the value in *out and returns true, or returns false, leaves *out
 * untouched and writes a message fragment into `why` (`why_len` bytes; always NUL-terminated when
 * why_len > 0, silently truncated; why may be NULL when why_len is 0). No parser allocates, keeps
 * state or depends on the locale (LC_NUMERIC in particular), so they are safe on any thread.
 *
 * ERROR MESSAGES
 *
 *     expected <what>, found '<text>'
 *     expected <what>, found '<text>' (<detail>)
 *
 * lower-case, no final full stop; the caller prefixes "file:line:column: key.path: ". <text> is
 * the scalar as given, written by sch_quote(): a text longer than SCH_QUOTE_MAX characters shows
 * its first SCH_QUOTE_MAX - 3 followed by "...", and bytes that would not print as themselves
 * (control characters, DEL, C1 controls, bytes that are not valid UTF-8) are written \xNN, with a
 * backslash written \\ (each \xNN or \\ counts as one character). A message therefore never holds a
 * raw control byte, an invisible character or a newline. Examples:
 *
 *     expected a duration with a unit (ms, s, m, h, d, w), found '15'
 *     expected a duration with a unit (ms, s, m, h, d, w), found '5min' (unknown unit 'min', did you mean 'm'?)
 *     expected a non-negative duration, found '-5m'
 *     expected a percentage from 0% to 100%, found '100.5%'
 *     expected a valid date-time, found '2026-02-29T07:00' (2026 has no February 29)
 *     expected an integer from 1 to 100, found '0'
 *
 * COMMON RULES for numbers: decimal digits only, '.' as the decimal point whatever the locale, no
 * leading '+' (a value is written as it is, "+5" is refused with "(no + sign)"), no digit
 * separators ("1_000", "1,000"), no hexadecimal, no inf or nan. Leading zeros are allowed and
 * read as decimal ("010" is ten). Integers and durations are exact at any length; a number read
 * as a double (percentage, probability, NUMBER) may have at most SCH_NUMBER_MAX characters.
 */
#ifndef BGSIM_SCH_UNITS_H
#define BGSIM_SCH_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_calendar.h"
#include "sim_engine.h"

/* Longest text shown between the quotes of a message, in characters (see sch_quote()). */
#define SCH_QUOTE_MAX 40
/* Longest number text accepted by the numeric parsers (longer ones: "(too many digits)"). */
#define SCH_NUMBER_MAX 100

/*
 * DURATION
 *
 *     duration = "0" | group { group }          no spaces anywhere
 *     group    = digits [ "." digits ] unit
 *     unit     = "w" | "d" | "h" | "m" | "s" | "ms"     (week = 7 d, day = 24 h; always exact)
 *
 * Examples: 0  250ms  30s  15m  2h  7d  1w  1h30m  2d12h  1.5h  0.25s  1w2d3h4m5s6ms.
 * Rules:
 *  - The groups' units are strictly decreasing (w, d, h, m, s, ms), so each unit appears at most
 *    once: "30m1h" and "1h1h" are refused.
 *  - A group may have a fraction if the whole duration is a whole number of milliseconds:
 *    "1.5h" = 5400000 ms, "0.0005s" is refused "(finer than 1 ms)". Every group is checked on
 *    its own, so "1.5ms" is refused as well.
 *  - A plain number needs a unit; "0" alone is the only exception ("0s" etc. are fine too).
 *  - Units are lower case ("5M" is refused: months or minutes?); "min", "sec", "hours"... are
 *    refused with a did-you-mean for the bgsim unit.
 *  - At most SIM_TIME_MAX ms (59571423w4d11h56m3s967ms, about 1.1 million years); the value is
 *    computed in exact integer arithmetic, never through a double.
 * Messages:
 *     expected a duration with a unit (ms, s, m, h, d, w), found '<text>' [(<detail>)]
 *     expected a non-negative duration, found '-5m'
 *     expected a duration with units from largest to smallest, found '30m1h' (h after m)
 *     expected a duration with each unit at most once, found '1h1h' (h twice)
 *     expected a duration in whole milliseconds, found '0.0005s' (finer than 1 ms)
 *     expected a duration of at most 59571423w4d11h56m3s967ms, found '<text>'
 *         (the simulator's time limit, about 1.1 million years)
 */
bool sch_parse_duration(const char *s, sim_time *out, char *why, size_t why_len);

/*
 * The canonical spelling of a duration: the groups w d h m s ms largest first, zero groups left
 * out, "0" for zero; e.g. 5400000 -> "1h30m", 604800000 -> "1w", 250 -> "250ms". It parses back
 * to the same value with sch_parse_duration() for every 0 <= ms <= SIM_TIME_MAX. A negative
 * value is written with a leading '-' (for messages; that is not a valid duration). Writes at
 * most len bytes (NUL-terminated when len > 0) and returns the length of the whole string, as
 * snprintf() does. 40 bytes always suffice.
 */
int sch_format_duration(sim_time ms, char *buf, size_t len);

/*
 * PERCENTAGE: digits [ "." digits ] "%", no space before the '%', from 0% to 100%.
 * "15%" -> 15.0, "12.5%" -> 12.5.
 *     expected a percentage such as 15%, found '15' (the % sign is required)
 *     expected a percentage from 0% to 100%, found '-1%'
 */
bool sch_parse_percent(const char *s, double *out, char *why, size_t why_len);

/*
 * PROBABILITY: a number from 0 to 1 (the NUMBER grammar below, exponent allowed) or a
 * percentage from 0% to 100%. "0.02" -> 0.02, "2%" -> 0.02 (read as 2e-2, so it is exactly the
 * double nearest to 0.02, as "0.02" is).
 *     expected a probability such as 0.02 or 2%, found 'often'
 *     expected a probability from 0 to 1, found '1.5' (for a percentage write 1.5%)
 *     expected a probability from 0 to 1, found '-0.1'
 *     expected a probability from 0% to 100%, found '150%'
 */
bool sch_parse_probability(const char *s, double *out, char *why, size_t why_len);

/*
 * TIME OF DAY: "HH:MM" or "HH:MM:SS", exactly two digits per field, 00:00 to 23:59:59 (no
 * 24:00). Stores milliseconds since midnight: "23:30" -> 84600000.
 *     expected a time of day as HH:MM or HH:MM:SS, found '7:00' (two digits per field, e.g. 07:00)
 *     expected a time of day from 00:00 to 23:59:59, found '24:00' (hour 24 is not 0..23)
 */
bool sch_parse_time_of_day(const char *s, sim_time *out_ms, char *why, size_t why_len);

/*
 * DATE-TIME: "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", a local time (no time zone), a
 * four-digit year, two digits for every other field, a capital T. Years 0001..9999, real month
 * lengths and leap years (sim_datetime_valid()); out->ms is 0.
 *     expected a date-time as YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS, found '2026-01-05 07:00'
 *         (separate the date and the time with T)
 *     expected a valid date-time, found '2026-02-29T07:00' (2026 has no February 29)
 *     expected a valid date-time, found '2026-04-31T07:00' (April has no day 31)
 *     expected a valid date-time, found '2026-13-01T07:00' (month 13 is not 1..12)
 */
bool sch_parse_datetime(const char *s, sim_datetime *out, char *why, size_t why_len);

/*
 * INTEGER: [ "-" ] digits, from min to max inclusive. The message names the range:
 *     expected an integer from 1 to 100, found '0'
 *     expected an integer of at least 1, found '0'          (max == INT64_MAX)
 *     expected an integer of at most 10, found '11'         (min == INT64_MIN)
 *     expected an integer, found '9223372036854775808' (out of the 64-bit range)   (both)
 *     expected an integer from 1 to 100, found '1.5' (write a whole number in plain digits)
 */
bool sch_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out, char *why,
                     size_t why_len);

/*
 * UNSIGNED INTEGER (seeds): digits, 0 to 18446744073709551615, no sign.
 *     expected an integer from 0 to 18446744073709551615, found '-1'
 */
bool sch_parse_uint64(const char *s, uint64_t *out, char *why, size_t why_len);

/*
 * NUMBER: [ "-" ] digits [ "." digits ] [ ("e" | "E") [ "+" | "-" ] digits ], a finite double
 * from min to max inclusive (pass -DBL_MAX / DBL_MAX for "no bound"), correctly rounded, read in
 * the C locale whatever LC_NUMERIC says. "-0" is stored as 0. Values too large for a double
 * ("1e400") or too small to keep full precision (below DBL_MIN, e.g. "1e-400") are refused.
 *     expected a number from 0 to 1, found '1,5' (write '.' as the decimal point)
 *     expected a number, found 'nan' (not a finite number)
 *     expected a number of at least 0, found '-1'
 */
bool sch_parse_double(const char *s, double min, double max, double *out, char *why,
                      size_t why_len);

/*
 * BOOLEAN: exactly "true" or "false". YAML 1.1 spellings get a hint:
 *     expected true or false, found 'yes' (write true)
 *     expected true or false, found 'Off' (write false)
 */
bool sch_parse_bool(const char *s, bool *out, char *why, size_t why_len);

/*
 * Writes s as it appears in messages: between single quotes, at most SCH_QUOTE_MAX characters
 * (longer: the first SCH_QUOTE_MAX - 3 and "..."). Written \xNN, byte by byte: control
 * characters, DEL, bytes that are not valid UTF-8, and the invisible UTF-8 characters (C1
 * controls U+0080..U+009F, zero-width and bidirectional marks U+200B..U+200F, U+202A..U+202E,
 * U+2060..U+2069, line/paragraph separators U+2028, U+2029, and U+FEFF) and the ones that print
 * as a plain space or nothing (U+00A0, U+00AD, U+2000..U+200A, U+202F, U+205F, U+3000), so "5m" with a
 * zero-width space shows as '5\xE2\x80\x8Bm'. '\' is written \\. Other valid UTF-8 characters
 * are kept and count as one character, as does each escape. Returns the full length as snprintf() does; buf is always
 * NUL-terminated when len > 0. 4 * SCH_QUOTE_MAX + 8 bytes always suffice. For the loader's own
 * messages ("unknown key 'x'"), so every message quotes the same way.
 */
int sch_quote(const char *s, char *buf, size_t len);

#endif
