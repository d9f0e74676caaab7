/*
 * test_util.c - bgsim-util (sim/util/util.h): reading a file under a size cap, the JSON, CSV and
 * XML escapers, and the string copies.
 *
 * The escapers write to a memory stream (open_memstream) so each test compares the exact bytes.
 * The files are made in a fresh temporary folder per test; the one over the 64 MiB cap is sparse
 * (ftruncate), so it costs no disk space.
 */
#define _GNU_SOURCE /* fopencookie: a stream that fails without setting errno */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* ---- files ---- */

static char dir[] = "/tmp/bgsim-test-util.XXXXXX";
static char path[sizeof dir + 32];

static void make_dir(void)
{
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
    snprintf(path, sizeof path, "%s/f", dir);
}

static void remove_dir(void)
{
    unlink(path);
    rmdir(dir);
}

/* Writes `len` bytes of `data` to `path` (data NULL: a sparse file of `len` zero bytes). */
static void write_file(const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "fopen %s: %s", path, strerror(errno));
    if (data)
        cr_assert_eq(fwrite(data, 1, len, f), len);
    else
        cr_assert_eq(ftruncate(fileno(f), (off_t)len), 0, "ftruncate: %s", strerror(errno));
    cr_assert_eq(fclose(f), 0);
}

/* `len` bytes of a repeating pattern, so a misplaced chunk shows. */
static char *pattern(size_t len)
{
    char *p = malloc(len ? len : 1);
    cr_assert_not_null(p);
    for (size_t i = 0; i < len; i++)
        p[i] = (char)('a' + i % 23);
    return p;
}

TestSuite(read_file, .init = make_dir, .fini = remove_dir);

Test(read_file, reads_a_file_whole_with_a_nul_after_it)
{
    write_file("bgsim: 1\nplatform: ideal\n", 25);
    char *data;
    size_t len;
    cr_assert_eq(util_read_file(path, UTIL_FILE_MAX_BYTES, &data, &len), UTIL_READ_OK);
    cr_assert_eq(len, 25);
    cr_assert_str_eq(data, "bgsim: 1\nplatform: ideal\n");
    free(data);
}

Test(read_file, an_empty_file_is_an_empty_string)
{
    write_file("", 0);
    char *data = NULL;
    size_t len = 99;
    cr_assert_eq(util_read_file(path, UTIL_FILE_MAX_BYTES, &data, &len), UTIL_READ_OK);
    cr_assert_not_null(data);
    cr_assert_eq(len, 0);
    cr_assert_str_eq(data, "");
    free(data);
}

Test(read_file, binary_bytes_and_nuls_are_kept)
{
    const char bytes[] = {'a', '\0', 'b', '\xff', '\n'};
    write_file(bytes, sizeof bytes);
    char *data;
    size_t len;
    cr_assert_eq(util_read_file(path, 100, &data, &len), UTIL_READ_OK);
    cr_assert_eq(len, sizeof bytes);
    cr_assert_arr_eq(data, bytes, sizeof bytes);
    cr_assert_eq(data[len], '\0');
    free(data);
}

/* Sizes on both sides of the cap, with caps below, at and across the first 64 KiB buffer. */
Test(read_file, a_file_of_exactly_cap_bytes_is_read_and_one_more_is_too_big)
{
    static const size_t caps[] = {0, 1, 10, 65534, 65535, 65536, 65537, 200000};
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        size_t cap = caps[c];
        char *want = pattern(cap + 2);
        char *data;
        size_t len;

        write_file(want, cap);
        cr_assert_eq(util_read_file(path, cap, &data, &len), UTIL_READ_OK, "cap %zu, file of cap bytes", cap);
        cr_assert_eq(len, cap);
        cr_assert_arr_eq(data, want, cap);
        cr_assert_eq(data[len], '\0');
        free(data);

        for (size_t extra = 1; extra <= 2; extra++) {
            write_file(want, cap + extra);
            cr_assert_eq(util_read_file(path, cap, &data, &len), UTIL_READ_TOO_BIG, "cap %zu, file of cap + %zu",
                         cap, extra);
            /* the first cap + 1 bytes are kept, for a caller that reports the size its own way */
            cr_assert_eq(len, cap + 1);
            cr_assert_arr_eq(data, want, cap + 1);
            cr_assert_eq(data[len], '\0');
            free(data);
        }
        free(want);
    }
}

Test(read_file, a_sparse_file_over_the_64_mib_cap_is_too_big, .timeout = 60)
{
    write_file(NULL, UTIL_FILE_MAX_BYTES + 1024 * 1024); /* 65 MiB of holes */
    char *data;
    size_t len;
    cr_assert_eq(UTIL_FILE_MAX_BYTES, (size_t)64 << 20);
    cr_assert_eq(util_read_file(path, UTIL_FILE_MAX_BYTES, &data, &len), UTIL_READ_TOO_BIG);
    cr_assert_eq(len, UTIL_FILE_MAX_BYTES + 1, "read %zu bytes: it must stop one past the cap", len);
    cr_assert_eq(data[0], '\0');
    cr_assert_eq(data[len - 1], '\0');
    free(data);
}

Test(read_file, an_endless_stream_stops_one_byte_past_the_cap, .timeout = 30)
{
    char *data;
    size_t len;
    cr_assert_eq(util_read_file("/dev/zero", 1000000, &data, &len), UTIL_READ_TOO_BIG);
    cr_assert_eq(len, 1000001);
    free(data);
}

Test(read_file, a_cap_near_size_max_does_not_wrap)
{
    write_file("abc", 3);
    char *data;
    size_t len;
    cr_assert_eq(util_read_file(path, SIZE_MAX, &data, &len), UTIL_READ_OK);
    cr_assert_eq(len, 3);
    cr_assert_str_eq(data, "abc");
    free(data);
    cr_assert_eq(util_read_file(path, SIZE_MAX - 1, &data, &len), UTIL_READ_OK);
    cr_assert_str_eq(data, "abc");
    free(data);
}

Test(read_file, a_missing_file_is_open_with_errno)
{
    char *data = (char *)"sentinel";
    size_t len = 7;
    errno = 0;
    cr_assert_eq(util_read_file(path, UTIL_FILE_MAX_BYTES, &data, &len), UTIL_READ_OPEN);
    cr_assert_eq(errno, ENOENT);
    cr_assert_null(data);
    cr_assert_eq(len, 0);
}

Test(read_file, a_directory_is_a_read_error_with_errno)
{
    char *data = (char *)"sentinel";
    size_t len = 7;
    cr_assert_eq(util_read_file(dir, UTIL_FILE_MAX_BYTES, &data, &len), UTIL_READ_IO);
    cr_assert_eq(errno, EISDIR);
    cr_assert_null(data);
    cr_assert_eq(len, 0);
}

/* A stream whose reads fail without setting errno. */
static ssize_t failing_read(void *cookie, char *buf, size_t size)
{
    (void)cookie, (void)buf, (void)size;
    return -1;
}

Test(read_file, a_read_error_without_errno_is_eio_not_an_older_errno)
{
    FILE *f = fopencookie(NULL, "r", (cookie_io_functions_t){.read = failing_read});
    cr_assert_not_null(f);
    char *data = (char *)"sentinel";
    size_t len = 7;
    errno = ENOENT; /* left over from something earlier */
    cr_assert_eq(util_read_stream(f, 100, &data, &len), UTIL_READ_IO);
    cr_assert_eq(errno, EIO, "errno %d (%s)", errno, strerror(errno));
    cr_assert_null(data);
    cr_assert_eq(len, 0);
    fclose(f);
}

Test(read_file, a_pipe_is_read_to_its_end)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    char *want = pattern(50000); /* less than a pipe's buffer: written before reading */
    cr_assert_eq(write(fds[1], want, 50000), 50000);
    close(fds[1]);
    FILE *f = fdopen(fds[0], "rb");
    cr_assert_not_null(f);
    char *data;
    size_t len;
    cr_assert_eq(util_read_stream(f, 50000, &data, &len), UTIL_READ_OK);
    cr_assert_eq(len, 50000);
    cr_assert_arr_eq(data, want, 50000);
    fclose(f);
    free(data);
    free(want);
}

/* ---- escapers ---- */

/* What `put` writes for `s`, as a malloc'd string. */
static char *written(void (*put)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&buf, &size);
    cr_assert_not_null(m);
    put(m, s);
    cr_assert_eq(fclose(m), 0);
    return buf;
}

static void expect_written(void (*put)(FILE *, const char *), const char *s, const char *want)
{
    char *got = written(put, s);
    cr_expect_str_eq(got, want, "for \"%s\"", s);
    free(got);
}

Test(json_string, quotes_and_escapes)
{
    expect_written(util_json_string, "", "\"\"");
    expect_written(util_json_string, "sync", "\"sync\"");
    expect_written(util_json_string, "say \"hi\"", "\"say \\\"hi\\\"\"");
    expect_written(util_json_string, "C:\\dir", "\"C:\\\\dir\"");
    expect_written(util_json_string, "a\nb\tc\x01\x1f", "\"a\\u000ab\\u0009c\\u0001\\u001f\"");
    expect_written(util_json_string, "/ \x7f caf\xc3\xa9", "\"/ \x7f caf\xc3\xa9\""); /* as it is */
}

Test(csv_field, quoted_only_when_needed)
{
    expect_written(util_csv_field, "", "");
    expect_written(util_csv_field, "plain text", "plain text");
    expect_written(util_csv_field, "a,b", "\"a,b\"");
    expect_written(util_csv_field, "say \"hi\"", "\"say \"\"hi\"\"\"");
    expect_written(util_csv_field, "two\nlines", "\"two\nlines\"");
    expect_written(util_csv_field, "cr\r", "\"cr\r\"");
    expect_written(util_csv_field, "tab\tand ;", "tab\tand ;");
}

Test(xml_text, entities_and_control_bytes)
{
    expect_written(util_xml_text, "", "");
    expect_written(util_xml_text, "a < b && c > d", "a &lt; b &amp;&amp; c &gt; d");
    expect_written(util_xml_text, "\"q\" 'a'", "&quot;q&quot; &#39;a&#39;");
    expect_written(util_xml_text, "tab\tLF\nCR\r", "tab\tLF\nCR\r");
    expect_written(util_xml_text, "bell\x07 esc\x1b", "bell\xEF\xBF\xBD esc\xEF\xBF\xBD");
    expect_written(util_xml_text, "caf\xc3\xa9 \x7f", "caf\xc3\xa9 \x7f");
}

/* ---- string copies ---- */

Test(strdup, copies_are_new_and_equal)
{
    const char *s = "battery_saver";
    char *d = util_strdup(s);
    cr_assert_not_null(d);
    cr_assert_neq(d, s);
    cr_assert_str_eq(d, s);
    free(d);
    d = util_strdup("");
    cr_assert_str_eq(d, "");
    free(d);
}

Test(strndup, copies_at_most_n_bytes_and_terminates)
{
    char *d = util_strndup("fleet.profile", 5);
    cr_assert_str_eq(d, "fleet");
    free(d);
    d = util_strndup("abc", 10); /* n past the end: the whole string, nothing read after its NUL */
    cr_assert_str_eq(d, "abc");
    free(d);
    d = util_strndup("abc", 0);
    cr_assert_str_eq(d, "");
    free(d);
    const char unterminated[3] = {'x', 'y', 'z'}; /* no NUL: only n bytes may be read */
    d = util_strndup(unterminated, 3);
    cr_assert_str_eq(d, "xyz");
    free(d);
}

Test(escape, control_bytes_become_hex_and_the_rest_stays)
{
    char buf[64];
    cr_assert_str_eq(util_escape("\033[31mRED\nerror: x", buf, sizeof buf), "\\x1B[31mRED\\x0Aerror: x");
    cr_assert_str_eq(util_escape("a\\b/\xc3\xa9\x7f", buf, sizeof buf), "a\\b/\xc3\xa9\\x7F");
    cr_assert_str_eq(util_escape(NULL, buf, sizeof buf), "");
}

Test(escape, a_long_text_is_cut_with_dots_never_inside_an_escape)
{
    char buf[10];
    cr_assert_str_eq(util_escape("abcdefghij", buf, sizeof buf), "abcdef...");
    cr_assert_str_eq(util_escape("abcd\nefgh", buf, sizeof buf), "abcd...");
    cr_assert_str_eq(util_escape("abc\n", buf, sizeof buf), "abc\\x0A");
    cr_assert_eq(util_escape("abc", buf, 0), buf);
}
