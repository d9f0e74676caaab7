/*
 * dr_report.c - the doctor's findings and tasks, and the driver that runs the checks in order.
 */
#include "dr_doctor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static bool grow(void **items, size_t *cap, size_t n, size_t size)
{
    size_t want;
    void *p;
    if (n < *cap)
        return true;
    want = *cap ? *cap * 2 : 8;
    if (!(p = realloc(*items, want * size)))
        return false;
    *items = p;
    *cap = want;
    return true;
}

bool dr_add(dr_report *r, dr_severity s, const char *file, int line, const char *what,
            const char *effect, const char *fix)
{
    dr_finding *f;
    if (!grow((void **)&r->findings, &r->cap_findings, r->n_findings, sizeof *r->findings))
        return false;
    f = &r->findings[r->n_findings];
    memset(f, 0, sizeof *f);
    f->severity = s;
    f->line = line;
    f->file = util_strdup(file);
    f->what = util_strdup(what);
    f->effect = util_strdup(effect);
    f->fix = fix ? util_strdup(fix) : NULL;
    r->n_findings++;
    return f->file && f->what && f->effect && (!fix || f->fix);
}

dr_task *dr_task_get(dr_report *r, const char *name, const char *file, int line)
{
    dr_task *t;
    for (size_t i = 0; i < r->n_tasks; i++)
        if (strcmp(r->tasks[i].name, name) == 0)
            return &r->tasks[i];
    if (!grow((void **)&r->tasks, &r->cap_tasks, r->n_tasks, sizeof *r->tasks))
        return NULL;
    t = &r->tasks[r->n_tasks];
    memset(t, 0, sizeof *t);
    t->minimum_interval = -1;
    t->line = line;
    t->name = util_strdup(name);
    t->file = util_strdup(file);
    r->n_tasks++;
    return t->name && t->file ? t : NULL;
}

int dr_check_app(const char *dir, dr_report *out)
{
    struct stat st;
    char *path;
    size_t len = strlen(dir) + sizeof "/package.json";
    int rc;
    memset(out, 0, sizeof *out);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return DR_ERR_NO_APP;
    if (!(path = malloc(len)))
        return DR_ERR_NOMEM;
    snprintf(path, len, "%s/package.json", dir);
    rc = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? DR_OK : DR_ERR_NO_APP;
    free(path);
    if (rc != DR_OK)
        return rc;
    if ((rc = dr_check_config(dir, out)) != DR_OK)
        return rc;
    return dr_check_sources(dir, out);
}

void dr_report_free(dr_report *r)
{
    for (size_t i = 0; i < r->n_findings; i++) {
        free(r->findings[i].file);
        free(r->findings[i].what);
        free(r->findings[i].effect);
        free(r->findings[i].fix);
    }
    for (size_t i = 0; i < r->n_tasks; i++) {
        free(r->tasks[i].name);
        free(r->tasks[i].file);
        free(r->tasks[i].def_file);
    }
    free(r->findings);
    free(r->tasks);
    free(r->installed_version);
    memset(r, 0, sizeof *r);
}

size_t dr_report_count(const dr_report *r, dr_severity s)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        n += r->findings[i].severity == s;
    return n;
}

const char *dr_severity_name(dr_severity s)
{
    return s == DR_ERROR ? "error" : s == DR_WARNING ? "warning" : "note";
}
