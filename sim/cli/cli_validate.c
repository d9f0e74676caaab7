/*
 * cli_validate.c - `bgsim validate FILE...`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "run_fleet.h"
#include "scn_scenario.h"

static const char usage_validate[] =
    "usage: bgsim validate FILE...\n"
    "\n"
    "Checks each scenario file and reports every error found, as file:line:column: key.path: what\n"
    "was expected and what was found. A file with a fleet: section is also checked device-wise, as\n"
    "'bgsim fleet' does before it runs: each profile with every varied value at its low and high\n"
    "end and with each choice. Prints 'FILE: ok' for each valid file.\n"
    "Exit status: 0 all valid, 65 some file is invalid, 66 some file cannot be read, 64 usage,\n"
    "70 internal error.\n";

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
        fprintf(stderr, "bgsim validate: unknown option '%s'\n%s", CLI_SHOWN(argv[first]), usage_validate);
        return EX_USAGE;
    }
    if (first >= argc) {
        fprintf(stderr, "bgsim validate: no scenario file given\n%s", usage_validate);
        return EX_USAGE;
    }
    int status = 0;
    for (int i = first; i < argc; i++) {
        sch_diag diag;
        scn_scenario *s = NULL;
        scn_source src = {0};
        int rc = scn_load_keep(argv[i], NULL, 0, &diag, &s, &src);
        /* A fleet's devices are variants of the file: the same probes `bgsim fleet` loads before
         * it runs, so a file that validates is one that fleet accepts. Only when the file itself
         * is valid: the probes' errors would repeat the file's. */
        if (rc == 0 && s->fleet) {
            sch_diag_free(&diag);
            rc = run_fleet_validate(s, &src, &diag);
        }
        if (rc == 0)
            printf("%s: ok\n", scn_input_name(argv[i]));
        else
            sch_diag_print(&diag, stderr);
        sch_diag_free(&diag);
        scn_source_free(&src);
        scn_scenario_free(s);
        /* A file that cannot be read outranks one that is invalid; an internal error (out of
         * memory while probing a fleet) is never reported as ok. */
        if (rc == RUN_ERR_NOINPUT || (rc != 0 && status == 0))
            status = rc;
    }
    return cli_finish_stdout(cli_status(status));
}

