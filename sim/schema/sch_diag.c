/*
 * sch_diag.c - the diagnostics collector.
 */
#include "sch_diag.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

int sch_diag_init(sch_diag *d, const char *file)
{
    memset(d, 0, sizeof *d);
    char shown[1024];
    d->file = util_strdup(util_escape(file, shown, sizeof shown));
    return d->file ? 0 : -1;
}

void sch_diag_free(sch_diag *d)
{
    for (size_t i = 0; i < d->kept; i++) {
        free(d->entries[i].path);
        free(d->entries[i].message);
    }
    for (size_t i = 0; i < d->n_notes; i++)
        free(d->notes[i]);
    free(d->file);
    memset(d, 0, sizeof *d);
}

void sch_diag_verror(sch_diag *d, int line, int column, const char *path, const char *fmt, va_list ap)
{
    d->count++;
    if (d->kept == SCH_DIAG_MAX)
        return;
    char msg[1024], shown[4 * sizeof msg];
    vsnprintf(msg, sizeof msg, fmt, ap);
    sch_diag_entry *e = &d->entries[d->kept];
    e->line = line;
    e->column = column;
    /* The last guard against log injection: whatever a parser put in the path (the keys on the
     * way, as written) or the message, no control byte reaches the terminal (issue 23). Values
     * are quoted with sch_quote at the source; this catches what was not. */
    e->path = util_strdup(util_escape(path ? path : "", shown, sizeof shown));
    e->message = e->path ? util_strdup(util_escape(msg, shown, sizeof shown)) : NULL;
    if (!e->path || !e->message) { /* out of memory: keep the count, drop the text */
        free(e->path);
        free(e->message);
        return;
    }
    d->kept++;
}

void sch_diag_error(sch_diag *d, int line, int column, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sch_diag_verror(d, line, column, path, fmt, ap);
    va_end(ap);
}

void sch_diag_note(sch_diag *d, int line, int column, const char *path, const char *fmt, ...)
{
    if (d->n_notes == SCH_DIAG_MAX)
        return;
    char msg[1024], text[2048], shown[4 * sizeof text];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char where[64] = "";
    if (line > 0)
        snprintf(where, sizeof where, "%d:%d:", line, column);
    path = path ? path : "";
    snprintf(text, sizeof text, "%s:%s %s%s%s", d->file, where, path, *path ? ": " : "", msg);
    if ((d->notes[d->n_notes] = util_strdup(util_escape(text, shown, sizeof shown))))
        d->n_notes++;
}

size_t sch_diag_count(const sch_diag *d) { return d->count; }

int sch_diag_format(const sch_diag *d, size_t i, char *buf, size_t size)
{
    const sch_diag_entry *e = &d->entries[i];
    char where[64] = "";
    if (e->line > 0)
        snprintf(where, sizeof where, "%d:%d:", e->line, e->column);
    return snprintf(buf, size, "%s:%s %s%s%s", d->file, where, e->path, *e->path ? ": " : "", e->message);
}

void sch_diag_sort(sch_diag *d)
{
    /* Insertion sort: stable, and there are at most SCH_DIAG_MAX entries. */
    for (size_t i = 1; i < d->kept; i++) {
        sch_diag_entry e = d->entries[i];
        size_t j = i;
        while (j > 0 && (d->entries[j - 1].line > e.line ||
                         (d->entries[j - 1].line == e.line && d->entries[j - 1].column > e.column))) {
            d->entries[j] = d->entries[j - 1];
            j--;
        }
        d->entries[j] = e;
    }
}

void sch_diag_print(const sch_diag *d, FILE *out)
{
    char line[2048];
    for (size_t i = 0; i < d->kept; i++) {
        sch_diag_format(d, i, line, sizeof line);
        fprintf(out, "error: %s\n", line);
    }
    if (d->count > d->kept)
        fprintf(out, "error: %s: %zu more errors not shown\n", d->file, d->count - d->kept);
}

void sch_diag_print_notes(const sch_diag *d, FILE *out)
{
    for (size_t i = 0; i < d->n_notes; i++)
        fprintf(out, "note: %s\n", d->notes[i]);
}
