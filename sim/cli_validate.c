/*
 * cli_validate.c - `bgsim validate FILE...`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "scn_scenario.h"

static const char usage_validate[] =
    "usage: bgsim validate FILE...\n"
    "\n"
    "Checks each scenario file and reports every error found, as file:line:column: key.path: what\n"
    "was expected and what was found. Prints 'FILE: ok' for each valid file.\n"
    "Exit status: 0 all valid, 65 some file is invalid, 66 some file cannot be read, 64 usage.\n";

int cli_validate(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage_validate, stdout);
        return cli_finish_stdout(0);
    }
    int first = 1;
    if (first < argc && strcmp(argv[first], "--") == 0)
        first++;
    else if (first < argc && argv[first][0] == '-' && argv[first][1] != '\0') {
        fprintf(stderr, "bgsim validate: unknown option '%s'\n%s", argv[first], usage_validate);
        return EX_USAGE;
    }
    if (first >= argc) {
        fprintf(stderr, "bgsim validate: no scenario file given\n%s", usage_validate);
        return EX_USAGE;
    }
    int status = 0;
    for (int i = first; i < argc; i++) {
        scn_diag diag;
        scn_scenario *s = NULL;
        int rc = scn_load(argv[i], &diag, &s);
        if (rc == 0)
            printf("%s: ok\n", argv[i]);
        else
            scn_diag_print(&diag, stderr);
        scn_diag_free(&diag);
        scn_scenario_free(s);
        /* A file that cannot be read outranks one that is invalid. */
        if (rc == EX_NOINPUT || (rc == EX_DATAERR && status == 0))
            status = rc;
    }
    return cli_finish_stdout(status);
}

