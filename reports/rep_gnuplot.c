/*
 * rep_gnuplot.c - running gnuplot, and the small pieces every plot script shares.
 */
#include "rep_gnuplot.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#ifdef __EMSCRIPTEN__
/* WebAssembly (the npm package, tools/wasm/build.sh) has no fork/exec: Node's child_process runs
 * the program in `dir` instead (tools/wasm/library.js). Returns 0 and a wait(2)-style status, or
 * the errno of a program that could not be started. */
int bgsim_wasm_spawn(const char *dir, const char *prog, const char *arg, int *wait_status);
#endif

const char *rep_gnuplot_program(void)
{
    const char *p = getenv("BGSIM_GNUPLOT");
    return p && *p ? p : "gnuplot";
}

/* gnuplot exits 0 when it cannot write its output (a full disk gives 0-byte images): the images a
 * script makes (NAME.gp -> NAME.png and NAME.svg, rep_gp_begin) must exist and hold bytes. */
static rep_gp_status images_written(const char *dir, const char *script, char *why, size_t size)
{
    static const char *const exts[] = {"png", "svg"};
    size_t base = strlen(script);
    if (base > 3 && strcmp(script + base - 3, ".gp") == 0)
        base -= 3;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%.*s.%s", dir, (int)base, script, exts[i]);
        struct stat st;
        if (stat(path, &st) != 0) {
            snprintf(why, size, "'%s %s' (in %s) exited 0 but did not write %.*s.%s: %s", rep_gnuplot_program(),
                     script, dir, (int)base, script, exts[i], strerror(errno));
            return REP_GP_FAILED;
        }
        if (st.st_size == 0) {
            snprintf(why, size, "'%s %s' (in %s) exited 0 but wrote an empty %.*s.%s (is the disk full?)",
                     rep_gnuplot_program(), script, dir, (int)base, script, exts[i]);
            return REP_GP_FAILED;
        }
    }
    return REP_GP_OK;
}

rep_gp_status rep_gnuplot_run(const char *dir, const char *script, char *why, size_t size)
{
    const char *prog = rep_gnuplot_program();
    int child_errno = 0;
    int status = 0;
#ifdef __EMSCRIPTEN__
    fflush(NULL);
    child_errno = bgsim_wasm_spawn(dir, prog, script, &status);
    bool not_started = child_errno != 0;
#else
    /* The child reports a failed exec through a close-on-exec pipe: nothing arrives when the exec
     * worked, errno when it did not, so "missing" is told apart from "gnuplot failed". */
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(why, size, "cannot run '%s': %s", prog, strerror(errno));
        return REP_GP_MISSING;
    }
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        snprintf(why, size, "cannot run '%s': %s", prog, strerror(e));
        return REP_GP_MISSING;
    }
    if (pid == 0) {
        close(fds[0]);
        int e = 0;
        if (chdir(dir) != 0)
            e = errno;
        else {
            execlp(prog, prog, script, (char *)NULL);
            e = errno;
        }
        ssize_t w = write(fds[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    close(fds[1]);
    ssize_t got;
    do
        got = read(fds[0], &child_errno, sizeof child_errno);
    while (got < 0 && errno == EINTR);
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    bool not_started = got == (ssize_t)sizeof child_errno;
#endif
    if (not_started) {
        snprintf(why, size,
                 "cannot run '%s': %s (install gnuplot, e.g. 'apt-get install gnuplot-nox', or name the program in "
                 "BGSIM_GNUPLOT)",
                 prog, strerror(child_errno));
        return REP_GP_MISSING;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return images_written(dir, script, why, size);
    if (WIFEXITED(status))
        snprintf(why, size, "'%s %s' (in %s) failed with exit status %d", prog, script, dir, WEXITSTATUS(status));
    else
        snprintf(why, size, "'%s %s' (in %s) was killed by signal %d", prog, script, dir,
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return REP_GP_FAILED;
}

int rep_mkdir_p(const char *dir, char *why, size_t size)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path) {
        snprintf(why, size, "cannot create the folder '%s': %s", dir, n ? "path too long" : "empty path");
        return -1;
    }
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char saved = path[i];
        path[i] = '\0';
        struct stat st;
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            snprintf(why, size, "cannot create the folder '%s': %s", path, strerror(errno));
            return -1;
        }
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(why, size, "cannot create the folder '%s': a file of that name is in the way", path);
            return -1;
        }
        path[i] = saved;
    }
    return 0;
}

FILE *rep_open_in(const char *dir, const char *name, char **tmp, char *why, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = util_atomic_open(path, tmp);
    if (!f)
        snprintf(why, size, "cannot create '%s': %s", path, strerror(errno));
    return f;
}

int rep_close_in(FILE *f, char **tmp, const char *dir, const char *name, char *why, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    errno = 0;
    if (util_atomic_commit(f, tmp, path) != 0) {
        snprintf(why, size, "cannot write '%s': %s", path, strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

void rep_abort_in(FILE *f, char **tmp) { util_atomic_abort(f, tmp); }

void rep_gp_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        /* enhanced text: _ ^ @ & { } start markup; a doubled backslash shows them as written */
        if (*s == '_' || *s == '^' || *s == '@' || *s == '&' || *s == '{' || *s == '}' || *s == '~')
            fputs("\\\\", out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void rep_gp_begin(FILE *out, const char *name, const char *what, int width, int height)
{
    fprintf(out,
            "# %s.gp - %s\n"
            "# Written by bgsim (--plot). Restyle freely and re-run in this folder: gnuplot %s.gp\n"
            "# It makes %s.png and %s.svg from %s.dat.\n"
            "set encoding utf8\n"
            "do for [fmt in \"png svg\"] {\n"
            "if (fmt eq \"png\") {\n"
            "    set terminal pngcairo size %d,%d font \"sans,11\" background \"white\"\n"
            "} else {\n"
            "    set terminal svg size %d,%d font \"sans,11\" background \"white\"\n"
            "}\n"
            "set output \"%s.\".fmt\n"
            "reset\n",
            name, what, name, name, name, name, width, height, width, height, name);
}

void rep_gp_end(FILE *out)
{
    fputs("unset output\n}\n", out);
}
