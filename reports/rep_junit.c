/*
 * rep_junit.c - see rep_junit.h.
 */
#include "rep_junit.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

int rep_junit_open(rep_junit *j)
{
    *j = (rep_junit){0};
    j->body = open_memstream(&j->text, &j->len);
    return j->body ? 0 : -1;
}

/* "bgsim." + the path without .yaml/.yml, other dots as '_' (rep_junit.h says why). */
static void class_name(FILE *out, const char *path)
{
    size_t n = strlen(path);
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash) && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0))
        n = (size_t)(dot - path);
    char *copy = util_strndup(path, n);
    if (!copy) {
        fputs("bgsim.file", out);
        return;
    }
    for (char *p = copy; *p; p++)
        if (*p == '.')
            *p = '_';
    fputs("bgsim.", out);
    util_xml_text(out, copy);
    free(copy);
}

/* `<testcase classname=".." name=".." time="0.000"` (the element left open). */
static void case_open(FILE *out, const char *path, const char *name)
{
    fputs("    <testcase classname=\"", out);
    class_name(out, path);
    fputs("\" name=\"", out);
    util_xml_text(out, name);
    fputs("\" time=\"0.000\"", out);
}

/* An attribute holds one line (a parser turns newlines into spaces): the first line of text. */
static void first_line(FILE *out, const char *text)
{
    const char *nl = strchr(text, '\n');
    char *line = nl ? util_strndup(text, (size_t)(nl - text)) : NULL;
    util_xml_text(out, line ? line : text);
    free(line);
}

void rep_junit_suite(rep_junit *j, const rep_junit_suite_info *info, const rep_check_result *res, size_t n)
{
    FILE *out = j->body;
    size_t failed = 0, errors = info->error ? 1 : 0, skipped = !info->error && n == 0 ? 1 : 0;
    if (info->error)
        n = 0;
    for (size_t i = 0; i < n; i++)
        failed += !res[i].pass;
    size_t tests = n + errors + skipped;
    j->tests += tests;
    j->failures += failed;
    j->errors += errors;
    j->skipped += skipped;
    j->time_s += info->time_s;

    fputs("  <testsuite name=\"", out);
    util_xml_text(out, info->path);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"", tests, failed,
            errors, skipped, info->time_s);
    if (info->timestamp) {
        fputs(" timestamp=\"", out);
        util_xml_text(out, info->timestamp);
        fputs("\"", out);
    }
    fputs(">\n", out);
    if (info->error) {
        case_open(out, info->path, info->error_case ? info->error_case : "load");
        fputs("><error message=\"", out);
        first_line(out, info->error);
        fputs("\">", out);
        if (info->detail)
            util_xml_text(out, info->detail);
        fputs("</error></testcase>\n", out);
    } else if (skipped) {
        case_open(out, info->path, "expect");
        fputs("><skipped message=\"no expectations: the file has no &#39;expect:&#39; block\"/></testcase>\n", out);
    }
    for (size_t i = 0; i < n; i++) {
        case_open(out, info->path, res[i].name);
        if (res[i].pass) {
            fputs("/>\n", out);
        } else {
            fputs("><failure message=\"", out);
            util_xml_text(out, res[i].value);
            fputs(" (", out);
            util_xml_text(out, res[i].bound);
            fputs(")\"/></testcase>\n", out);
        }
    }
    fputs("  </testsuite>\n", out);
}

int rep_junit_write(rep_junit *j, FILE *out)
{
    if (fclose(j->body) != 0) {
        j->body = NULL;
        rep_junit_free(j);
        return -1;
    }
    j->body = NULL;
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"bgsim check\" tests=\"%zu\" "
            "failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n",
            j->tests, j->failures, j->errors, j->time_s);
    fwrite(j->text, 1, j->len, out);
    fputs("</testsuites>\n", out);
    rep_junit_free(j);
    return 0;
}

void rep_junit_free(rep_junit *j)
{
    if (j->body)
        fclose(j->body);
    free(j->text);
    *j = (rep_junit){0};
}
