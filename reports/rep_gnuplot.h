/*
 * rep_gnuplot.h - gnuplot as an external program: output folders, script helpers, running it.
 *
 * bgsim never links a plotting library. Each plot is a data file (`NAME.dat`, plain columns with
 * a commented header) and a script (`NAME.gp`) written side by side; the script makes NAME.png and
 * NAME.svg when run in that folder (`cd DIR && gnuplot NAME.gp`), so a user can restyle a plot by
 * editing its script and re-running it. rep_gnuplot_run does exactly that.
 *
 * The program is `gnuplot` on PATH, or the one named by the environment variable BGSIM_GNUPLOT
 * (a path or a name looked up on PATH).
 */
#ifndef BGSIM_REP_GNUPLOT_H
#define BGSIM_REP_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

typedef enum rep_gp_status {
    REP_GP_OK = 0,
    REP_GP_MISSING = 1, /* the program could not be started (not installed, not executable) */
    REP_GP_FAILED = 2   /* it ran and reported an error (non-zero exit, or killed) */
} rep_gp_status;

/* $BGSIM_GNUPLOT when set and not empty, else "gnuplot". */
const char *rep_gnuplot_program(void);

/*
 * Runs the program on `script` with `dir` as its working directory and waits for it. Its output
 * goes to our stderr. On failure fills `why` with a message that names the program and says what
 * to do ("cannot run 'gnuplot': No such file or directory (install gnuplot, e.g. apt-get install
 * gnuplot-nox, or name the program in BGSIM_GNUPLOT)"). Not thread-safe with respect to other
 * threads calling fork: call it from one thread.
 */
rep_gp_status rep_gnuplot_run(const char *dir, const char *script, char *why, size_t size);

/* Creates `dir` and its missing parents (mode 0777 less umask). 0, or -1 with a message in why. */
int rep_mkdir_p(const char *dir, char *why, size_t size);

/* Opens DIR/NAME for writing, all or nothing (util_atomic_open: a temporary beside it, *tmp);
 * NULL with a message in why. */
FILE *rep_open_in(const char *dir, const char *name, char **tmp, char *why, size_t size);
/* Closes f and moves its temporary over DIR/NAME; -1 with a message in why (naming DIR/NAME) when
 * the data did not reach the disk (then DIR/NAME is as it was before). */
int rep_close_in(FILE *f, char **tmp, const char *dir, const char *name, char *why, size_t size);
/* Closes f and removes its temporary: DIR/NAME stays as it was. */
void rep_abort_in(FILE *f, char **tmp);

/* Writes `s` as a gnuplot double-quoted string (backslash escapes; enhanced-text specials are
 * escaped too so names print as written). */
void rep_gp_string(FILE *out, const char *s);

/*
 * The lines every bgsim script starts with: a comment naming the plot and how to re-run it, and
 * the loop header that renders the same commands as PNG then SVG:
 *     do for [fmt in "png svg"] { set terminal ...; set output NAME.fmt
 * The caller writes the plot commands and then rep_gp_end ("}").
 */
void rep_gp_begin(FILE *out, const char *name, const char *what, int width, int height);
void rep_gp_end(FILE *out);

#endif
