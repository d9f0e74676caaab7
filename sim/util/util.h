/*
 * util.h - the one home of the small helpers every layer needs (bgsim-util, the bottom library):
 * reading a whole file with a size cap, escaping text for JSON, CSV and XML/HTML, copying strings.
 *
 * libc only, no state, nothing printed: callers turn a status into their own message. The engine,
 * the schema kit, the models, the reports, the runner and the CLI all use these and nothing else
 * for the same job (tools/check-layers.sh: util depends on nothing of bgsim's).
 */
#ifndef BGSIM_UTIL_H
#define BGSIM_UTIL_H

#include <stddef.h>
#include <stdio.h>

/* The largest file any bgsim input may be (scenarios, SVGs to inline, files to rewrite): 64 MiB.
 * A scenario is a few KiB; the cap stops `bgsim sweep /dev/zero` from reading until malloc fails. */
#define UTIL_FILE_MAX_BYTES ((size_t)64 << 20)

/* What util_read_file / util_read_stream return. */
enum util_read_status {
    UTIL_READ_OK = 0,
    UTIL_READ_OPEN = -1,    /* fopen failed; errno says why */
    UTIL_READ_IO = -2,      /* a read failed; errno says why (EIO when the stream did not say) */
    UTIL_READ_TOO_BIG = -3, /* more than `cap` bytes; *data holds the first cap + 1 of them */
    UTIL_READ_NOMEM = -4,   /* out of memory; *data is NULL */
};

/* Reads the whole file at `path` (binary) into a malloc'd buffer with a NUL after the last byte
 * (so text can be used as a string; *len excludes it). Reads at most cap + 1 bytes: a larger file
 * is UTIL_READ_TOO_BIG, with the bytes read still in *data for a caller that reports the size its
 * own way. On OPEN, IO and NOMEM *data is NULL and *len 0. The caller frees *data. */
int util_read_file(const char *path, size_t cap, char **data, size_t *len);
/* The same for an open stream (not closed). */
int util_read_stream(FILE *f, size_t cap, char **data, size_t *len);

/* A JSON string with its quotes: '"' and '\\' escaped with a backslash, bytes below 0x20 as
 * \u00XX, everything else (UTF-8 included) as it is. */
void util_json_string(FILE *out, const char *s);
/* A CSV field (RFC 4180): as it is, or in double quotes with quotes doubled when it holds a comma,
 * a quote, CR or LF. */
void util_csv_field(FILE *out, const char *s);
/* Text for XML and HTML, in content or in a quoted attribute: & < > " ' as entities. A control
 * byte XML 1.0 cannot carry (below 0x20 but tab, LF, CR) becomes U+FFFD. */
void util_xml_text(FILE *out, const char *s);

/* Text a user or a file wrote (a path, a key, a command-line value), made safe for a one-line
 * message on a terminal or in a CI log: control bytes (below 0x20, and DEL) become \xNN, so a
 * newline or an escape sequence cannot forge a second diagnostic or colour the log; everything
 * else is copied as it is (paths keep their backslashes and UTF-8). Writes into buf (always
 * terminated when len > 0; a text too long ends with "..." and never half an escape) and returns
 * buf, so it can be a printf argument. sch_quote (bgsim-schema) is the richer form for values in
 * the loader's messages (quotes, a length cap, invisible Unicode); this is the bottom layer's. */
const char *util_escape(const char *s, char *buf, size_t len);

/*
 * All-or-nothing output files: the bytes go to a temporary file beside the target, and the target
 * gets them at once (rename) only when every write, the flush and the fsync succeeded. A full disk,
 * a write error or Ctrl-C leaves the previous file as it was (or none), never a truncated one that
 * looks valid.
 *
 * util_atomic_open: the temporary is "<dir>/.<name>.XXXXXX" (mkstemp, so two writers never share
 * it and a user's own <name>.tmp is never touched), created with the target's mode when the
 * target exists (else 0666 less the umask, as fopen would). A target that is a symlink is written
 * through: the link stays a link and its file gets the new bytes (realpath). A target that exists
 * and is not a regular file (/dev/stdout, /dev/full, a FIFO) is written in place, as rename
 * cannot replace it: then *tmp is NULL. Returns the stream and sets *tmp (malloc'd, or NULL); on
 * failure returns NULL with errno set and nothing left behind.
 * util_atomic_commit: closes the stream and moves the temporary over the target; 0, or -1 with
 * errno set (the temporary removed, the target untouched). Frees *tmp in both cases.
 * util_atomic_abort: closes and removes the temporary, keeps errno; frees *tmp.
 */
FILE *util_atomic_open(const char *path, char **tmp);
int util_atomic_commit(FILE *f, char **tmp, const char *path);
void util_atomic_abort(FILE *f, char **tmp);

/* malloc'd copies; NULL when out of memory. util_strndup copies at most n bytes and terminates. */
char *util_strdup(const char *s);
char *util_strndup(const char *s, size_t n);

#endif
