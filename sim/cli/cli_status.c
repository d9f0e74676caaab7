/*
 * cli_status.c - library statuses to exit statuses, and the words the libraries hand back.
 *
 * The libraries (sim/scenario, sim/schema, ...) return negative statuses (run_status.h) and print
 * nothing; this is the one table from those to sysexits(3), and the one place their messages,
 * diagnostics and progress reach stderr.
 */
#include <stdio.h>

#include "cli.h"

int cli_status(int run_rc)
{
    static const struct {
        run_status status;
        int exit_status;
    } table[] = {
        {RUN_OK, 0},
        {RUN_ERR_INVALID, EX_DATAERR},
        {RUN_ERR_NOINPUT, EX_NOINPUT},
        {RUN_ERR_UNAVAILABLE, EX_UNAVAILABLE},
        {RUN_ERR_NOMEM, EX_SOFTWARE},
        {RUN_ERR_INTERNAL, EX_SOFTWARE},
        {RUN_ERR_IO, EX_IOERR},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if ((int)table[i].status == run_rc)
            return table[i].exit_status;
    return EX_SOFTWARE; /* a status this table does not know is a bug of ours */
}

int cli_report_load(int rc, sch_diag *diag)
{
    sch_diag_print(diag, stderr);
    sch_diag_free(diag);
    return cli_status(rc);
}

void cli_report_run(const char *message)
{
    if (message && message[0])
        fprintf(stderr, "bgsim: %s\n", CLI_SHOWN(message));
}

#define BAR 40

void cli_progress_bar(int *drawn, const char *what, size_t done, size_t count, const char *unit)
{
    int cells = count ? (int)(done * BAR / count) : BAR;
    if (cells == *drawn && done != count)
        return;
    *drawn = cells;
    char bar[BAR + 1];
    for (int i = 0; i < BAR; i++)
        bar[i] = i < cells ? '#' : '.';
    bar[BAR] = '\0';
    fprintf(stderr, "\r%s [%s] %zu/%zu %s", what, bar, done, count, unit);
    if (done == count)
        fputc('\n', stderr);
    fflush(stderr);
}
