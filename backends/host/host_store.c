/* host_store.c: see host_store.h. POSIX.1-2008, plus flock(2) (4.4BSD: Linux, Android's bionic,
 * macOS and iOS all have it; glibc declares it only with _DEFAULT_SOURCE). */
#define _DEFAULT_SOURCE
#include "host_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The temp file of a save and a file kept aside: "<path>" + one of these + 6 mkstemp characters. */
#define TMP_SUFFIX ".tmp-"
#define ASIDE_SUFFIX ".corrupt-"
#define UNIQUE_X "XXXXXX"

struct host_store {
    char *path, *lock_path, *dir_path;
    const char *base_name; /* points into path: the file's name within dir_path */
    unsigned char *base;   /* the bytes the core last loaded or saved (its view), for the merge */
    size_t base_len;
    bool has_base;         /* false until a load (a save before any load writes its bytes as they are) */
    unsigned unique_counter; /* create_unique's: a new name on each try */
    host_store_fault_fn fault;
    void *fault_user;
    bool quiet;
    const char *log_name;
    bgt_worker_state state;
    bgt_schedule_req req;
    int64_t due_ms;
    int64_t minute_ms;
    int io_errno; /* the OS error of the last failed load or save (0: none), for messages */
};

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t host_wall_ms(void) { return clock_ms(CLOCK_REALTIME); }

static int64_t h_now(void *ctx)
{
    (void)ctx;
    return clock_ms(CLOCK_MONOTONIC);
}

int64_t host_store_scaled_delay(const host_store *h, int64_t delay_ms)
{
    /* Split so that the product cannot overflow: delay_ms <= 2^40 min * 60000. */
    if (h->minute_ms == 60000 || delay_ms <= 0)
        return delay_ms < 0 ? 0 : delay_ms;
    return delay_ms / 60000 * h->minute_ms + delay_ms % 60000 * h->minute_ms / 60000;
}

static int h_schedule(void *ctx, const bgt_schedule_req *req)
{
    host_store *h = ctx;
    /* Same chaining rule as WorkManager unique work (bgt_backend.h, host_store.h). */
    if (req->mode == BGT_SCHEDULE_APPEND && h->state == BGT_WORKER_RUNNING) {
        h->state = BGT_WORKER_BLOCKED;
        h->req = *req;
        return BGT_OK;
    }
    if (req->mode == BGT_SCHEDULE_APPEND && h->state != BGT_WORKER_NONE)
        return BGT_OK;
    h->state = BGT_WORKER_ENQUEUED;
    h->req = *req;
    h->due_ms = h_now(h) + host_store_scaled_delay(h, req->delay_ms);
    return BGT_OK;
}

int host_store_worker_started(host_store *h)
{
    if (h->state != BGT_WORKER_ENQUEUED)
        return BGT_E_STATE;
    h->state = BGT_WORKER_RUNNING;
    return BGT_OK;
}

void host_store_worker_finished(host_store *h)
{
    if (h->state == BGT_WORKER_BLOCKED) {
        h->state = BGT_WORKER_ENQUEUED;
        h->due_ms = h_now(h) + host_store_scaled_delay(h, h->req.delay_ms);
    } else if (h->state == BGT_WORKER_RUNNING) {
        h->state = BGT_WORKER_NONE;
    }
}

void host_store_set_minute_ms(host_store *h, int64_t minute_ms)
{
    h->minute_ms = minute_ms < 1 ? 1 : minute_ms;
}

static int h_cancel(void *ctx)
{
    ((host_store *)ctx)->state = BGT_WORKER_NONE;
    return BGT_OK;
}

static int h_query(void *ctx, bgt_worker_state *out)
{
    *out = ((host_store *)ctx)->state;
    return BGT_OK;
}

/* The core's view of the registry is now these bytes (a load or a successful save). */
static int set_base(host_store *h, const unsigned char *buf, size_t len)
{
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy)
        return BGT_E_NOMEM;
    if (len)
        memcpy(copy, buf, len);
    free(h->base);
    h->base = copy;
    h->base_len = len;
    h->has_base = true;
    return BGT_OK;
}

/* Reads the whole file at h->path into *out (malloc'd); BGT_E_NOT_FOUND when there is none. */
static int read_registry(host_store *h, unsigned char **out, size_t *out_len);

static int h_load(void *ctx, unsigned char **out, size_t *out_len)
{
    host_store *h = ctx;
    int rc = read_registry(h, out, out_len);
    if (rc == BGT_E_NOT_FOUND)
        rc = set_base(h, NULL, 0) == BGT_OK ? BGT_E_NOT_FOUND : BGT_E_NOMEM; /* a fresh install */
    else if (rc == BGT_OK && (rc = set_base(h, *out, *out_len)) != BGT_OK)
        free(*out);
    return rc;
}

static int read_registry(host_store *h, unsigned char **out, size_t *out_len)
{
    unsigned char *buf = NULL;
    struct stat st;
    size_t got = 0;
    int fd, rc = BGT_E_IO;
    if ((fd = open(h->path, O_RDONLY | O_CLOEXEC)) < 0) {
        h->io_errno = errno;
        return errno == ENOENT ? BGT_E_NOT_FOUND : BGT_E_IO;
    }
    if (fstat(fd, &st) != 0 || st.st_size < 0) {
        h->io_errno = errno ? errno : EIO;
        goto out_close;
    }
    if (!(buf = malloc((size_t)st.st_size + 1))) {
        rc = BGT_E_NOMEM;
        goto out_close;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            h->io_errno = n < 0 ? errno : EIO; /* a file shorter than its size: it changed under us */
            goto out_free_buf;
        }
        got += (size_t)n;
    }
    close(fd);
    *out = buf;
    *out_len = got;
    return BGT_OK;
out_free_buf:
    free(buf);
out_close:
    close(fd);
    return rc;
}

static bool crash(host_store *h, host_store_stage stage, size_t bytes)
{
    return h->fault && h->fault(h->fault_user, stage, bytes);
}

static int write_all(host_store *h, int fd, const unsigned char *buf, size_t len, bool *crashed)
{
    size_t off = 0;
    while (off < len) {
        size_t chunk = h->fault ? 1 : len - off;
        ssize_t n;
        if ((*crashed = crash(h, HOST_STORE_WRITE, off)))
            return BGT_E_IO;
        n = write(fd, buf + off, chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return BGT_E_IO;
        off += (size_t)n;
    }
    return BGT_OK;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_CLOEXEC), rc = BGT_OK;
    if (fd < 0)
        return BGT_E_IO;
    if (fsync(fd) != 0)
        rc = BGT_E_IO;
    close(fd);
    return rc;
}

/* The writers' lock: flock on "<path>.lock", a file of its own because every save renames a new
 * inode over <path>. Returns its fd (closing it unlocks; so does the death of the process) or -1
 * with errno set. */
static int lock_writers(const host_store *h)
{
    int fd = open(h->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
    }
    return fd;
}

/* Creates "<path><suffix>XXXXXX" with O_EXCL (a name no other file has; mkstemp's idea, but with
 * the mode `mode` less the umask, as open gives) and returns its fd, the name in *name (malloc'd),
 * or -1 with errno set. The six characters mix the pid, the store's address (two stores in one
 * process), the time and the store's own counter (no shared state between threads). */
static int create_unique(host_store *h, const char *suffix, mode_t mode, char **name)
{
    static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    size_t plen = strlen(h->path), slen = strlen(suffix);
    char *n = malloc(plen + slen + sizeof UNIQUE_X);
    struct timespec ts;
    int tries;
    if (!n) {
        errno = ENOMEM;
        return -1;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    memcpy(n, h->path, plen);
    memcpy(n + plen, suffix, slen);
    for (tries = 0; tries < 100; tries++) {
        uint64_t x = (uint64_t)getpid() * 0x9E3779B97F4A7C15u ^ (uint64_t)(uintptr_t)h ^ (uint64_t)ts.tv_nsec ^
                     (uint64_t)ts.tv_sec << 20 ^ (uint64_t)++h->unique_counter * 0xBF58476D1CE4E5B9u;
        int fd, k;
        for (k = 0; k < 6; k++, x /= 62)
            n[plen + slen + (size_t)k] = chars[x % 62];
        n[plen + slen + 6] = '\0';
        if ((fd = open(n, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) >= 0) {
            *name = n;
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    free(n);
    return -1;
}

/* Called with the lock held: no live writer has a temp file now, so every "<name>.tmp-XXXXXX" in
 * the directory is a dead writer's (killed mid-save). Best effort. */
static void remove_stale_temps(const host_store *h)
{
    size_t blen = strlen(h->base_name), slen = strlen(TMP_SUFFIX), dlen = strlen(h->dir_path);
    struct dirent *e;
    DIR *d = opendir(h->dir_path);
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        char *full;
        if (strncmp(n, h->base_name, blen) != 0 || strncmp(n + blen, TMP_SUFFIX, slen) != 0 ||
            strlen(n + blen + slen) != sizeof UNIQUE_X - 1)
            continue;
        size_t flen = dlen + 1 + strlen(n) + 1;
        if ((full = malloc(flen)) != NULL) {
            snprintf(full, flen, "%s/%s", h->dir_path, n);
            unlink(full);
            free(full);
        }
    }
    closedir(d);
}

/* Called with the lock held: renames <path> to a new "<path>.corrupt-XXXXXX" (a placeholder
 * created with O_EXCL, then replaced by the rename in one step) and makes the rename durable.
 * Returns the new name (malloc'd), or NULL with h->io_errno set. */
static char *move_aside(host_store *h)
{
    char *aside = NULL;
    int fd = create_unique(h, ASIDE_SUFFIX, 0600, &aside);
    if (fd < 0) {
        h->io_errno = errno;
        return NULL;
    }
    close(fd);
    if (rename(h->path, aside) != 0) {
        h->io_errno = errno;
        unlink(aside);
        free(aside);
        return NULL;
    }
    (void)fsync_dir(h->dir_path);
    return aside;
}

static bool is_decode_error(int rc)
{
    return rc == BGT_E_TRUNCATED || rc == BGT_E_BAD_MAGIC || rc == BGT_E_VERSION || rc == BGT_E_CHECKSUM ||
           rc == BGT_E_CORRUPT;
}

/* Called with the lock held: the bytes to write for the core's `buf`. A writer that loaded before
 * merges: the registry on disk now (others may have saved since), minus what this core removed,
 * plus what it added or changed since its last load or save (bgt_registry_merge). *merged is set
 * when the bytes are not buf's (the caller frees it). A file that does not decode is kept aside
 * (logged with its new name) and buf's bytes are written. */
static int bytes_to_write(host_store *h, const unsigned char *buf, size_t len, unsigned char **merged,
                          size_t *merged_len)
{
    unsigned char *theirs = NULL;
    size_t theirs_len = 0;
    int rc;
    *merged = NULL;
    if (!h->has_base)
        return BGT_OK; /* a save before any load: the caller read nothing, so it modifies nothing */
    if ((rc = read_registry(h, &theirs, &theirs_len)) == BGT_E_NOT_FOUND)
        return BGT_OK; /* nothing on disk (removed by hand?): this core's registry, whole */
    if (rc != BGT_OK)
        return rc;
    rc = bgt_registry_merge(h->base, h->base_len, buf, len, theirs, theirs_len, merged, merged_len);
    free(theirs);
    if (is_decode_error(rc)) {
        char *aside = move_aside(h);
        if (!aside)
            return BGT_E_IO;
        host_store_logf(h, BGT_LOG_WARN, "%s: %s; kept it aside as %s", h->path, bgt_strerror(rc), aside);
        free(aside);
        *merged = NULL;
        return BGT_OK;
    }
    return rc;
}

/* Writes bytes to a new temp file beside <path>, fsyncs it and renames it over <path>, then
 * fsyncs the directory; called with the lock held. */
static int write_and_rename(host_store *h, const unsigned char *bytes, size_t len, bool *crashed)
{
    struct stat st;
    char *tmp = NULL;
    int fd, rc;
    errno = 0;
    if ((fd = create_unique(h, TMP_SUFFIX, 0644, &tmp)) < 0) {
        h->io_errno = errno;
        return BGT_E_IO;
    }
    /* The registry keeps its mode (a user's chmod 600); a new one gets 0644 less the umask. */
    if (stat(h->path, &st) == 0 && fchmod(fd, st.st_mode & 0777) != 0) {
        rc = BGT_E_IO;
        goto out_close_tmp;
    }
    if ((rc = write_all(h, fd, bytes, len, crashed)) != BGT_OK)
        goto out_close_tmp;
    if ((*crashed = crash(h, HOST_STORE_BEFORE_FSYNC, len))) {
        rc = BGT_E_IO;
        goto out_close_tmp;
    }
    if (fsync(fd) != 0) {
        rc = BGT_E_IO;
        goto out_close_tmp;
    }
    if (close(fd) != 0) {
        rc = BGT_E_IO;
        goto out_unlink_tmp;
    }
    if ((*crashed = crash(h, HOST_STORE_BEFORE_RENAME, len))) {
        rc = BGT_E_IO;
        goto out_unlink_tmp;
    }
    if (rename(tmp, h->path) != 0) {
        rc = BGT_E_IO;
        goto out_unlink_tmp;
    }
    free(tmp);
    /* Without this the rename itself may be lost on power failure: the file is durable, the name
     * is not. After a crash here, the new bytes are in place either way. */
    if ((*crashed = crash(h, HOST_STORE_BEFORE_DIR_FSYNC, len)))
        return BGT_E_IO;
    errno = 0;
    if ((rc = fsync_dir(h->dir_path)) != BGT_OK)
        h->io_errno = errno ? errno : EIO;
    return rc;
out_close_tmp:
    h->io_errno = errno ? errno : EIO; /* the failed call's error, before close may change it */
    close(fd);
    goto out_unlink_saved;
out_unlink_tmp:
    h->io_errno = errno ? errno : EIO;
out_unlink_saved:
    if (!*crashed) /* a real error cleans up; a simulated crash leaves what a dead process leaves */
        unlink(tmp);
    free(tmp);
    return rc;
}

/* Read-modify-write under the writers' lock: any number of processes may save one registry at
 * once; each save is merged with the others' and replaces the file in one rename. */
static int h_save(void *ctx, const unsigned char *buf, size_t len)
{
    host_store *h = ctx;
    unsigned char *merged = NULL;
    size_t merged_len = 0;
    bool crashed = false;
    int lock, rc;
    errno = 0;
    if ((lock = lock_writers(h)) < 0) {
        h->io_errno = errno ? errno : EIO;
        return BGT_E_IO;
    }
    remove_stale_temps(h);
    if ((rc = bytes_to_write(h, buf, len, &merged, &merged_len)) == BGT_OK) {
        rc = merged ? write_and_rename(h, merged, merged_len, &crashed) : write_and_rename(h, buf, len, &crashed);
        /* the core's view is what it saved (other writers' tasks are on disk, not in this core) */
        if (rc == BGT_OK && set_base(h, buf, len) != BGT_OK)
            h->has_base = false; /* out of memory: the next save writes its bytes whole */
    }
    free(merged);
    close(lock); /* unlocks; a simulated crash lets go of it too, as a dying process does */
    return rc;
}

int host_store_keep_aside(host_store *h, char **aside)
{
    unsigned char *now = NULL;
    size_t now_len = 0;
    int lock, rc;
    *aside = NULL;
    errno = 0;
    if ((lock = lock_writers(h)) < 0) {
        h->io_errno = errno ? errno : EIO;
        return BGT_E_IO;
    }
    rc = read_registry(h, &now, &now_len);
    if (rc == BGT_OK && (!h->has_base || now_len != h->base_len || (now_len && memcmp(now, h->base, now_len) != 0)))
        rc = BGT_E_STATE; /* another writer replaced it since the load: load again */
    else if (rc == BGT_OK && !(*aside = move_aside(h)))
        rc = BGT_E_IO;
    free(now);
    close(lock);
    return rc;
}

/* The bytes host_escape writes for one input byte. */
static size_t escaped_size(unsigned char c) { return c < 0x20 || c == 0x7F ? 4 : 1; }

const char *host_escape(const char *s, char *buf, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *in = (const unsigned char *)(s ? s : ""), *p;
    size_t total = 0, room, o = 0;
    if (len == 0)
        return buf;
    for (p = in; *p; p++)
        total += escaped_size(*p);
    /* Whole units only: when the text does not fit, stop where "..." still fits after it. */
    room = total + 1 <= len ? len - 1 : (len > 4 ? len - 4 : 0);
    for (p = in; *p && o + escaped_size(*p) <= room; p++) {
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

static void h_log(void *ctx, bgt_log_level level, const char *raw)
{
    static const char *const names[] = { "debug", "info", "warning", "error" };
    host_store *h = ctx;
    const char *lv = names[level <= BGT_LOG_ERROR ? level : BGT_LOG_ERROR];
    char msg[4096];
    if (h->quiet)
        return;
    /* Task names, paths and commands come from users and apps: one line each, always. */
    host_escape(raw, msg, sizeof msg);
    if (h->log_name) {
        int64_t ms = host_wall_ms();
        time_t secs = (time_t)(ms / 1000);
        struct tm tm;
        char stamp[32] = "?";
        if (gmtime_r(&secs, &tm))
            strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
        fprintf(stderr, "%s.%03dZ %s: %s: %s\n", stamp, (int)(ms % 1000), h->log_name, lv, msg);
    } else {
        fprintf(stderr, "bgsim: %s: %s\n", lv, msg);
    }
}

void host_store_set_log_name(host_store *h, const char *name) { h->log_name = name; }

void host_store_logf(host_store *h, bgt_log_level level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    h_log(h, level, line);
}

static char *concat(const char *a, const char *b, size_t alen)
{
    size_t blen = strlen(b);
    char *s = malloc(alen + blen + 1);
    if (s) {
        memcpy(s, a, alen);
        memcpy(s + alen, b, blen + 1);
    }
    return s;
}

int host_store_create(const char *path, host_store **out)
{
    host_store *h;
    const char *slash;
    if (!path || !path[0] || !out)
        return BGT_E_INVAL;
    if (!(h = calloc(1, sizeof *h)))
        return BGT_E_NOMEM;
    h->minute_ms = 60000;
    slash = strrchr(path, '/');
    h->path = concat(path, "", strlen(path));
    h->lock_path = concat(path, ".lock", strlen(path));
    h->dir_path = slash ? concat(path, "", slash == path ? 1 : (size_t)(slash - path)) : concat(".", "", 1);
    if (!h->path || !h->lock_path || !h->dir_path) {
        host_store_free(h);
        return BGT_E_NOMEM;
    }
    h->base_name = h->path + (slash ? slash - path + 1 : 0);
    *out = h;
    return BGT_OK;
}

void host_store_free(host_store *h)
{
    if (!h)
        return;
    free(h->path);
    free(h->lock_path);
    free(h->dir_path);
    free(h->base);
    free(h);
}

bgt_backend host_store_backend(host_store *h)
{
    bgt_backend b = { h, h_now, h_schedule, h_cancel, h_query, h_load, h_save, h_log };
    return b;
}

void host_store_set_fault(host_store *h, host_store_fault_fn fn, void *user)
{
    h->fault = fn;
    h->fault_user = user;
}

void host_store_set_quiet(host_store *h, bool quiet) { h->quiet = quiet; }

bgt_worker_state host_store_pending(const host_store *h, bgt_schedule_req *req, int64_t *due_ms)
{
    if (h->state != BGT_WORKER_NONE) {
        if (req)
            *req = h->req;
        if (due_ms)
            *due_ms = h->due_ms;
    }
    return h->state;
}

int host_store_io_errno(const host_store *h) { return h ? h->io_errno : 0; }
