/*
 * test_corpus.c - every malformed scenario in bad/ is refused with exactly the diagnostics in its
 * .err file.
 *
 * The corpus is read at run time (opendir, names sorted), so adding NN-name.yaml with its
 * NN-name.err adds a case: one Criterion test per file, named by the parameter. Each file is
 * loaded with scn_load_buffer under its basename so messages do not depend on where the source
 * tree lives, and the printed diagnostics are compared byte for byte. Criterion forks each case,
 * so under ASan each file is also a leak check of the loader.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_scenario.h"

#ifndef CORPUS_DIR
#error "CORPUS_DIR must name tests/scenario/bad"
#endif

#define MIN_CASES 200
#define NAME_MAX_LEN 128

typedef struct corpus_case {
    char name[NAME_MAX_LEN]; /* "NN-short-name" without extension */
} corpus_case;

/* Reads a whole file; NULL if it cannot be read. *len excludes the added NUL. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            break;
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        char *grown = realloc(buf, cap * 2);
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The sorted names in CORPUS_DIR ending in `suffix`, without it. Caller frees each and the array. */
static char **list_corpus(const char *suffix, size_t *count)
{
    DIR *d = opendir(CORPUS_DIR);
    cr_assert(d != NULL, "cannot open the corpus directory %s", CORPUS_DIR);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!has_suffix(e->d_name, suffix))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            cr_assert(names != NULL);
        }
        size_t len = strlen(e->d_name) - strlen(suffix);
        names[n] = malloc(len + 1);
        cr_assert(names[n] != NULL);
        memcpy(names[n], e->d_name, len);
        names[n][len] = '\0';
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    *count = n;
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static bool contains(char **names, size_t n, const char *name)
{
    return n && bsearch(&name, names, n, sizeof *names, cmp_str) != NULL;
}

/* Loads bad/<name>.yaml under its basename; returns the printed diagnostics (malloc'd). */
static char *load_and_print(const char *name, int *rc, size_t *count)
{
    char path[512], file[NAME_MAX_LEN + 8];
    snprintf(path, sizeof path, "%s/%s.yaml", CORPUS_DIR, name);
    snprintf(file, sizeof file, "%s.yaml", name);
    size_t len = 0;
    char *data = read_file(path, &len);
    cr_assert(data != NULL, "cannot read %s", path);
    sch_diag diag;
    scn_scenario *s = (scn_scenario *)0x1; /* must be reset to NULL by the loader */
    *rc = scn_load_buffer(file, data, len, &diag, &s);
    cr_expect(s == NULL, "%s: the loader returned a scenario for an invalid file", file);
    scn_scenario_free(s == (scn_scenario *)0x1 ? NULL : s);
    *count = sch_diag_count(&diag);
    char *out = NULL;
    size_t out_len = 0;
    FILE *mem = open_memstream(&out, &out_len);
    cr_assert(mem != NULL);
    sch_diag_print(&diag, mem);
    fclose(mem);
    sch_diag_free(&diag);
    free(data);
    return out;
}

ParameterizedTestParameters(corpus, bad_file_is_refused_with_exact_diagnostics)
{
    size_t n = 0;
    char **names = list_corpus(".yaml", &n);
    corpus_case *cases = cr_calloc(n ? n : 1, sizeof *cases);
    for (size_t i = 0; i < n; i++)
        snprintf(cases[i].name, sizeof cases[i].name, "%s", names[i]);
    free_names(names, n);
    return cr_make_param_array(corpus_case, cases, n, NULL);
}

ParameterizedTest(corpus_case *c, corpus, bad_file_is_refused_with_exact_diagnostics)
{
    char err_path[512];
    snprintf(err_path, sizeof err_path, "%s/%s.err", CORPUS_DIR, c->name);
    size_t want_len = 0;
    char *want = read_file(err_path, &want_len);
    cr_assert(want != NULL, "%s.yaml has no expected diagnostics: write %s", c->name, err_path);
    cr_assert(want_len > 0, "%s is empty: a malformed scenario must produce at least one error", err_path);

    int rc = 0;
    size_t count = 0;
    char *got = load_and_print(c->name, &rc, &count);
    cr_expect(rc == RUN_ERR_INVALID, "%s.yaml: expected RUN_ERR_INVALID, got %d", c->name, rc);
    cr_expect(count > 0, "%s.yaml: no error was counted", c->name);
    cr_expect(strcmp(got, want) == 0, "%s.yaml: diagnostics differ from %s.err\n--- expected\n%s--- got\n%s",
              c->name, c->name, want, got);

    /* Every line is one "error: FILE:" diagnostic of this file, no raw control bytes. */
    char prefix[NAME_MAX_LEN + 16];
    snprintf(prefix, sizeof prefix, "error: %s.yaml:", c->name);
    for (const char *line = got; *line;) {
        const char *end = strchr(line, '\n');
        cr_assert(end != NULL, "%s.yaml: the last diagnostic has no newline", c->name);
        cr_expect(strncmp(line, prefix, strlen(prefix)) == 0, "%s.yaml: line does not start with '%s': %.*s",
                  c->name, prefix, (int)(end - line), line);
        for (const char *p = line; p < end; p++)
            cr_expect((unsigned char)*p >= 0x20 && *p != 0x7f, "%s.yaml: a control byte in a message", c->name);
        line = end + 1;
    }

    /* Loading is deterministic: the same bytes give the same report. */
    int rc2 = 0;
    size_t count2 = 0;
    char *again = load_and_print(c->name, &rc2, &count2);
    cr_expect(rc2 == rc && count2 == count && strcmp(again, got) == 0, "%s.yaml: a second load reported differently",
              c->name);
    free(again);
    free(got);
    free(want);
}

Test(corpus, every_yaml_has_an_err_and_every_err_a_yaml)
{
    size_t ny = 0, ne = 0;
    char **yaml = list_corpus(".yaml", &ny);
    char **err = list_corpus(".err", &ne);
    for (size_t i = 0; i < ny; i++)
        cr_expect(contains(err, ne, yaml[i]), "%s.yaml has no %s.err", yaml[i], yaml[i]);
    for (size_t i = 0; i < ne; i++)
        cr_expect(contains(yaml, ny, err[i]), "%s.err has no %s.yaml", err[i], err[i]);
    cr_expect(ny >= MIN_CASES, "the corpus holds %zu malformed scenarios, expected at least %d", ny, MIN_CASES);
    free_names(yaml, ny);
    free_names(err, ne);
}

/* Leading number of a corpus name ("07-x" -> 7), or -1 when it is not NN- or NNN-. */
static int corpus_number(const char *s)
{
    int n = 0, digits = 0;
    while (s[digits] >= '0' && s[digits] <= '9' && digits < 3)
        n = n * 10 + (s[digits++] - '0');
    return digits >= 2 && s[digits] == '-' && s[digits + 1] != '\0' ? n : -1;
}

Test(corpus, names_are_numbered_and_unique)
{
    size_t n = 0;
    char **names = list_corpus(".yaml", &n);
    char seen[1000] = {0};
    for (size_t i = 0; i < n; i++) {
        int k = corpus_number(names[i]);
        cr_expect(k >= 0, "'%s.yaml' is not named NN-short-name.yaml (or NNN-)", names[i]);
        if (k >= 0) {
            cr_expect(!seen[k], "two corpus files share the number %d: %s", k, names[i]);
            seen[k] = 1;
        }
    }
    free_names(names, n);
}

/* Every prefix of every corpus file is a possible half-written scenario: the loader must return
 * 0 with a scenario or 65 with at least one error, never crash, leak or stop reporting.
 *
 * A file of up to PREFIX_ALL bytes is cut at every byte. The adversarial files are far longer (a
 * 100 kB bracket run, 1,001 tasks), and every cut of them would take minutes under ASan, so a
 * longer file is cut at its first and last PREFIX_EDGE bytes (where the structure opens and
 * closes) and at PREFIX_MIDDLE evenly spaced points in between. */
#define PREFIX_ALL 1024
#define PREFIX_EDGE 256
#define PREFIX_MIDDLE 256

static bool cut_here(size_t cut, size_t len)
{
    if (len <= PREFIX_ALL || cut < PREFIX_EDGE || cut > len - PREFIX_EDGE)
        return true;
    size_t stride = (len - 2 * PREFIX_EDGE) / PREFIX_MIDDLE + 1;
    return (cut - PREFIX_EDGE) % stride == 0;
}

Test(corpus, every_prefix_of_every_file_loads_or_is_refused, .timeout = 120)
{
    size_t n = 0;
    char **names = list_corpus(".yaml", &n);
    size_t loads = 0;
    for (size_t i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.yaml", CORPUS_DIR, names[i]);
        size_t len = 0;
        char *data = read_file(path, &len);
        cr_assert(data != NULL);
        for (size_t cut = 0; cut <= len; cut++) {
            if (!cut_here(cut, len))
                continue;
            char *copy = malloc(cut ? cut : 1); /* exact size: ASan catches a read past the end */
            cr_assert(copy != NULL);
            memcpy(copy, data, cut);
            sch_diag diag;
            scn_scenario *s = NULL;
            int rc = scn_load_buffer(names[i], copy, cut, &diag, &s);
            cr_assert(rc == 0 || rc == RUN_ERR_INVALID, "%s cut at %zu: status %d", names[i], cut, rc);
            cr_assert((rc == 0) == (s != NULL), "%s cut at %zu: status %d but scenario %p", names[i], cut, rc,
                      (void *)s);
            cr_assert((rc == 0) == (sch_diag_count(&diag) == 0), "%s cut at %zu: status %d with %zu errors", names[i],
                      cut, rc, sch_diag_count(&diag));
            scn_scenario_free(s);
            sch_diag_free(&diag);
            free(copy);
            loads++;
        }
        free(data);
    }
    cr_expect(loads > 1000, "only %zu loads: is the corpus there?", loads);
    free_names(names, n);
}
