/*
 * cli_common.c - helpers shared by the subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Prints the diagnostics of a failed load and returns its status. */
int cli_report_load(int rc, scn_diag *diag)
{
    scn_diag_print(diag, stderr);
    scn_diag_free(diag);
    return rc;
}

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    }
    return false;
}

