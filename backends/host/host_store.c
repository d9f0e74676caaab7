/* host_store.c: see host_store.h. POSIX.1-2008. */
#include "host_store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct host_store {
    char *path, *tmp_path, *dir_path;
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

static int h_load(void *ctx, unsigned char **out, size_t *out_len)
{
    host_store *h = ctx;
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

static int h_save(void *ctx, const unsigned char *buf, size_t len)
{
    host_store *h = ctx;
    bool crashed = false;
    int fd, rc;
    errno = 0;
    if ((fd = open(h->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
        h->io_errno = errno;
        return BGT_E_IO;
    }
    if ((rc = write_all(h, fd, buf, len, &crashed)) != BGT_OK)
        goto out_close_tmp;
    if ((crashed = crash(h, HOST_STORE_BEFORE_FSYNC, len))) {
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
    if ((crashed = crash(h, HOST_STORE_BEFORE_RENAME, len))) {
        rc = BGT_E_IO;
        goto out_unlink_tmp;
    }
    if (rename(h->tmp_path, h->path) != 0) {
        rc = BGT_E_IO;
        goto out_unlink_tmp;
    }
    /* Without this the rename itself may be lost on power failure: the file is durable, the name
     * is not. After a crash here, the new bytes are in place either way. */
    if (crash(h, HOST_STORE_BEFORE_DIR_FSYNC, len))
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
    if (!crashed) /* a real error cleans up; a simulated crash leaves what a dead process leaves */
        unlink(h->tmp_path);
    return rc;
}

static void h_log(void *ctx, bgt_log_level level, const char *msg)
{
    static const char *const names[] = { "debug", "info", "warning", "error" };
    host_store *h = ctx;
    const char *lv = names[level <= BGT_LOG_ERROR ? level : BGT_LOG_ERROR];
    if (h->quiet)
        return;
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
    h->tmp_path = concat(path, ".tmp", strlen(path));
    h->dir_path = slash ? concat(path, "", slash == path ? 1 : (size_t)(slash - path)) : concat(".", "", 1);
    if (!h->path || !h->tmp_path || !h->dir_path) {
        host_store_free(h);
        return BGT_E_NOMEM;
    }
    *out = h;
    return BGT_OK;
}

void host_store_free(host_store *h)
{
    if (!h)
        return;
    free(h->path);
    free(h->tmp_path);
    free(h->dir_path);
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
