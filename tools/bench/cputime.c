/*
 * bgsim-cputime - the CPU time a command takes, in microseconds, for tools/bench-cpu.sh.
 *
 *   bgsim-cputime COMMAND [ARG...]
 *
 * Runs COMMAND with its stdout and stderr discarded, waits for it and prints one line on stdout:
 * "<user + system CPU seconds, 6 decimals> <wall seconds, 6 decimals>". The CPU time is the
 * child's own (getrusage(RUSAGE_CHILDREN) after it is reaped: this program has no other
 * children), in microseconds where GNU time prints hundredths; CPU time rather than wall time
 * because on a machine shared with other work only CPU time says what a run costs. Exit status:
 * 0, or COMMAND's non-zero status, or 127 when it cannot be started, 64 for no COMMAND.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6; }

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bgsim-cputime COMMAND [ARG...]\n");
        return 64;
    }
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("bgsim-cputime: fork");
        return 127;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("bgsim-cputime: waitpid");
            return 127;
        }
    }
    double wall = now() - t0;
    struct rusage ru;
    if (getrusage(RUSAGE_CHILDREN, &ru) != 0) {
        perror("bgsim-cputime: getrusage");
        return 127;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bgsim-cputime: %s failed (status %d)\n", argv[1],
                WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return WIFEXITED(status) && WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) : 127;
    }
    printf("%.6f %.6f\n", seconds(ru.ru_utime) + seconds(ru.ru_stime), wall);
    return 0;
}
