/*
 * util.c - see util.h.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700
#include "util.h"
#include <fcntl.h>
#include <stdbool.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int util_read_stream(FILE *f, size_t cap, char **data, size_t *len)
{
    char *buf = NULL;
    size_t n = 0, size = 0;
    *data = NULL;
    *len = 0;
    if (cap > SIZE_MAX - 2)
        cap = SIZE_MAX - 2; /* cap + 2 (cap + 1 bytes and the NUL) must not wrap to a tiny buffer */
    for (;;) {
        if (n + 1 >= size) { /* room for one more byte and the NUL */
            if (size > cap + 1)
                break; /* cap + 1 bytes read: too big */
            size_t grown = size == 0 ? 65536 : size > (cap + 2) / 2 ? cap + 2 : size * 2;
            if (grown > cap + 2)
                grown = cap + 2;
            char *g = realloc(buf, grown);
            if (!g) {
                free(buf);
                return UTIL_READ_NOMEM;
            }
            buf = g;
            size = grown;
        }
        size_t want = size - 1 - n;
        if (n + want > cap + 1)
            want = cap + 1 - n;
        errno = 0; /* a stream that fails without saying why must not report an older errno */
        size_t got = fread(buf + n, 1, want, f);
        n += got;
        if (ferror(f)) { /* checked after every read: a short read may carry the error */
            int err = errno ? errno : EIO;
            free(buf);
            errno = err;
            return UTIL_READ_IO;
        }
        if (got == 0 || n > cap)
            break;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return n > cap ? UTIL_READ_TOO_BIG : UTIL_READ_OK;
}

int util_read_file(const char *path, size_t cap, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return UTIL_READ_OPEN;
    int rc = util_read_stream(f, cap, data, len);
    int err = errno;
    fclose(f);
    errno = err;
    return rc;
}

void util_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

void util_csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void util_xml_text(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        case '\t':
        case '\n':
        case '\r': fputc(*p, out); break;
        default:
            if (*p < 0x20)
                fputs("\xEF\xBF\xBD", out); /* U+FFFD: XML 1.0 has no way to write it */
            else
                fputc(*p, out);
        }
    }
}

char *util_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

char *util_strdup(const char *s) { return util_strndup(s, strlen(s)); }

/* The bytes util_escape writes for one input byte. */
static size_t escaped_size(unsigned char c) { return c < 0x20 || c == 0x7F ? 4 : 1; }

const char *util_escape(const char *s, char *buf, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    if (len == 0)
        return buf;
    const unsigned char *in = (const unsigned char *)(s ? s : "");
    size_t total = 0;
    for (const unsigned char *p = in; *p; p++)
        total += escaped_size(*p);
    /* Whole units only: when the text does not fit, stop where "..." still fits after it. */
    size_t room = total + 1 <= len ? len - 1 : (len > 4 ? len - 4 : 0);
    size_t o = 0;
    for (const unsigned char *p = in; *p && o + escaped_size(*p) <= room; p++) {
        if (escaped_size(*p) == 4) {
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = hex[*p >> 4];
            buf[o++] = hex[*p & 15];
        } else {
            buf[o++] = (char)*p;
        }
    }
    if (total + 1 > len && len > 4) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

/* ---- all-or-nothing output files ---- */

/* The file a write to `path` must replace: path itself, or the file a symlink leads to (so the
 * link stays a link). malloc'd; NULL when out of memory. */
static char *atomic_target(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        char *real = realpath(path, NULL);
        if (real)
            return real;
        /* a dangling link: write beside the link itself; the rename replaces it */
    }
    return util_strdup(path);
}

FILE *util_atomic_open(const char *path, char **tmp)
{
    *tmp = NULL;
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) /* a device or a FIFO: rename cannot replace it */
        return fopen(path, "w");
    char *target = atomic_target(path);
    if (!target) {
        errno = ENOMEM;
        return NULL;
    }
    const char *slash = strrchr(target, '/');
    size_t dir_len = slash ? (size_t)(slash - target) + 1 : 0;
    const char *name = slash ? slash + 1 : target;
    size_t size = strlen(target) + 16;
    char *t = malloc(size);
    if (!t) {
        free(target);
        errno = ENOMEM;
        return NULL;
    }
    snprintf(t, size, "%.*s.%s.XXXXXX", (int)dir_len, target, name);
    free(target);
    int fd = mkstemp(t);
    if (fd < 0) {
        int e = errno;
        free(t);
        errno = e;
        return NULL;
    }
    mode_t mode;
    if (exists) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0); /* read the umask: there is no other portable way */
        umask(mask);
        mode = 0666 & ~mask;
    }
    FILE *f = fchmod(fd, mode) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        close(fd);
        unlink(t);
        free(t);
        errno = e;
        return NULL;
    }
    *tmp = t;
    return f;
}

int util_atomic_commit(FILE *f, char **tmp, const char *path)
{
    int err = ferror(f) ? (errno ? errno : EIO) : 0; /* errno still holds the failed write's error */
    if (fflush(f) != 0 && !err)
        err = errno ? errno : EIO;
    if (*tmp && !err && fsync(fileno(f)) != 0)
        err = errno;
    if (fclose(f) != 0 && !err)
        err = errno ? errno : EIO;
    if (*tmp) {
        char *target = err ? NULL : atomic_target(path);
        if (!err && !target)
            err = ENOMEM;
        if (!err && rename(*tmp, target) != 0)
            err = errno;
        free(target);
        if (err)
            unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
    }
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

void util_atomic_abort(FILE *f, char **tmp)
{
    int e = errno;
    if (f)
        fclose(f);
    if (*tmp)
        unlink(*tmp);
    free(*tmp);
    *tmp = NULL;
    errno = e;
}
