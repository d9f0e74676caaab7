/*
 * sch_diag.h - diagnostics for scenario files: collected, then printed in one pass.
 *
 * A diagnostic names where (file:line:column, 1-based, of the offending node), what (the key path,
 * e.g. "app.tasks[0].work.duration") and why ("expected ..., found '...'"), in git's error style:
 *
 *   error: scenarios/x.yaml:12:5: app.tasks[0]: unknown key 'minimum_intervl' (did you mean 'minimum_interval'?)
 *
 * Errors are collected rather than printed at once so a loader can report several problems in one
 * pass and so tests can compare them exactly. At most SCH_DIAG_MAX are kept; later ones are counted
 * (sch_diag_count still includes them) and summarised by sch_diag_print.
 *
 * Ownership: the collector copies every string it is given.
 */
#ifndef BGSIM_SCH_DIAG_H
#define BGSIM_SCH_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define SCH_DIAG_MAX 50

typedef struct sch_diag_entry {
    int line, column; /* 1-based; 0 when the error is about the whole file */
    char *path;       /* key path, "" for the document itself */
    char *message;
} sch_diag_entry;

typedef struct sch_diag {
    char *file;
    sch_diag_entry entries[SCH_DIAG_MAX];
    size_t kept;
    size_t count; /* all errors reported, kept or not */
    /* Notes: what the loader did that the user should know but that is not an error (a key of
     * another platform left out when --set changes the platform). Not counted by sch_diag_count;
     * each the formatted line "file:line:col: path: message", at most SCH_DIAG_MAX kept. */
    char *notes[SCH_DIAG_MAX];
    size_t n_notes;
} sch_diag;

/* Starts an empty collector for `file` (the name as the user gave it). Returns -1 if out of memory. */
int sch_diag_init(sch_diag *d, const char *file);
void sch_diag_free(sch_diag *d);

/* Records one error. `path` may be NULL or "". */
void sch_diag_error(sch_diag *d, int line, int column, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void sch_diag_verror(sch_diag *d, int line, int column, const char *path, const char *fmt, va_list ap);

/* Records one note (not an error: sch_diag_count does not count it). */
void sch_diag_note(sch_diag *d, int line, int column, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

size_t sch_diag_count(const sch_diag *d);
/* Formats entry i as one line without the "error: " prefix or newline: "file:line:col: path: msg". */
int sch_diag_format(const sch_diag *d, size_t i, char *buf, size_t size);
/* Orders the kept entries by position (line, column), keeping report order among equals. */
void sch_diag_sort(sch_diag *d);
/* Prints every kept entry as "error: <formatted>\n", then a line for errors beyond SCH_DIAG_MAX. */
void sch_diag_print(const sch_diag *d, FILE *out);
/* Prints every note as "note: <formatted>\n". */
void sch_diag_print_notes(const sch_diag *d, FILE *out);

#endif
