/*
 * cli.h - what the bgsim subcommands share: exit statuses and small helpers.
 *
 * Each subcommand is one cli_<name>.c with an entry point `int cli_<name>(int argc, char **argv)`
 * (argv[0] is the subcommand's name) returning a sysexits(3) status; bgsim_main.c dispatches.
 * Data goes to stdout, diagnostics to stderr. The libraries below print nothing and return their
 * own statuses (run_status.h): cli_status is the one table from those to exit statuses.
 */
#ifndef BGSIM_CLI_H
#define BGSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "run_status.h"
#include "sch_diag.h"
#include "util.h"

#define EX_USAGE 64     /* bad command line */
#define EX_DATAERR 65   /* invalid scenario */
#define EX_NOINPUT 66   /* cannot read a scenario */
#define EX_UNAVAILABLE 69 /* a program bgsim runs (gnuplot) is missing */
#define EX_SOFTWARE 70  /* internal error */
#define EX_CANTCREAT 73 /* cannot create an output file */
#define EX_IOERR 74     /* cannot write output */

/* What a subcommand's parse function returns when the command line is good and the command goes
 * on; any other value is the exit status to return at once (0 after --help, EX_USAGE). */
#define CLI_GO_ON (-1)

/* The values of --seed and --duration as `run` and `sweep` take them: an integer 0 to 2^64-1, a
 * duration from 1 ms to SCN_MAX_DURATION. true, or false with the reason in why. */
bool cli_parse_seed(const char *arg, uint64_t *out, char *why, size_t size);
bool cli_parse_duration(const char *arg, int64_t *out, char *why, size_t size);

/* True when --help or -h appears before a "--". */
bool cli_wants_help(int argc, char **argv);
/* Flushes stdout: returns rc, or EX_IOERR (with a message) when what was written to stdout could
 * not be written (a full disk, a closed pipe). Every command's output goes through it. */
int cli_finish_stdout(int rc);

/* User text (a path, an argument, a library's message that quotes a file) as a message shows it:
 * control bytes escaped (util_escape), so a file name or a key cannot forge a line of stderr.
 * Every %s of a message that is not the program's own words goes through it. The buffer is a
 * compound literal: it lives until the end of the enclosing block, long enough for a printf. */
#define CLI_SHOWN_MAX 4096
#define CLI_SHOWN(s) util_escape((s), (char[CLI_SHOWN_MAX]){0}, CLI_SHOWN_MAX)
/* The exit status of a library status (run_status.h): RUN_OK is 0. */
int cli_status(int run_rc);
/* Prints the diagnostics of a failed load (rc a run_status) to stderr, frees them, and returns
 * the exit status of rc. */
int cli_report_load(int rc, sch_diag *diag);
/* Prints what a failed run said (run_outcome.message) as "bgsim: MESSAGE"; nothing when it said
 * nothing. */
void cli_report_run(const char *message);
/* Draws "\r<what> [####....] done/count <unit>" on stderr, from a progress callback; *drawn (0 at
 * the start) keeps the cells drawn so the bar is redrawn only when it grows; a newline at the end. */
void cli_progress_bar(int *drawn, const char *what, size_t done, size_t count, const char *unit);


int cli_validate(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_explain(int argc, char **argv); /* cli_run.c: the same run, explained */
int cli_check(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_fleet(int argc, char **argv);
int cli_doctor(int argc, char **argv);
int cli_init(int argc, char **argv);

#endif
