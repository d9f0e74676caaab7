/*
 * scn_diag.h - diagnostics for scenario files: collected, then printed in one pass.
 *
 * A diagnostic names where (file:line:column, 1-based, of the offending node), what (the key path,
 * e.g. "app.tasks[0].work.duration") and why ("expected ..., found '...'"), in git's error style:
 *
 *   error: scenarios/x.yaml:12:5: app.tasks[0]: unknown key 'minimum_intervl' (did you mean 'minimum_interval'?)
 *
 * Errors are collected rather than printed at once so a loader can report several problems in one
 * pass and so tests can compare them exactly. At most SCN_DIAG_MAX are kept; later ones are counted
 * (scn_diag_count still includes them) and summarised by scn_diag_print.
 *
 * Ownership: the collector copies every string it is given.
 */
#ifndef BGSIM_SCN_DIAG_H
#define BGSIM_SCN_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define SCN_DIAG_MAX 50

typedef struct scn_diag_entry {
    int line, column; /* 1-based; 0 when the error is about the whole file */
    char *path;       /* key path, "" for the document itself */
    char *message;
} scn_diag_entry;

typedef struct scn_diag {
    char *file;
    scn_diag_entry entries[SCN_DIAG_MAX];
    size_t kept;
    size_t count; /* all errors reported, kept or not */
} scn_diag;

/* Starts an empty collector for `file` (the name as the user gave it). Returns -1 if out of memory. */
int scn_diag_init(scn_diag *d, const char *file);
void scn_diag_free(scn_diag *d);

/* Records one error. `path` may be NULL or "". */
void scn_diag_error(scn_diag *d, int line, int column, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void scn_diag_verror(scn_diag *d, int line, int column, const char *path, const char *fmt, va_list ap);

size_t scn_diag_count(const scn_diag *d);
/* Formats entry i as one line without the "error: " prefix or newline: "file:line:col: path: msg". */
int scn_diag_format(const scn_diag *d, size_t i, char *buf, size_t size);
/* Orders the kept entries by position (line, column), keeping report order among equals. */
void scn_diag_sort(scn_diag *d);
/* Prints every kept entry as "error: <formatted>\n", then a line for errors beyond SCN_DIAG_MAX. */
void scn_diag_print(const scn_diag *d, FILE *out);

#endif
