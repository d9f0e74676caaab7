/*
 * cli_schema.c - `bgsim schema`: the JSON Schema of the scenario format on stdout.
 */
#include <stdio.h>

#include "cli.h"
#include "scn_schema.h"

static const char usage_schema[] =
    "usage: bgsim schema\n"
    "\n"
    "Prints the JSON Schema (draft-07) of the scenario format, generated from the loader's own\n"
    "tables: every key, its type, unit, bounds and default. For editors: point yaml-language-server\n"
    "at it (README.md, Editor set-up). The build writes it to share/bgsim/scenario.schema.json and\n"
    "installs it there. The schema is a first check for editors; 'bgsim validate' is the authority\n"
    "(cross-key rules, such as register_at before the end, are not in the schema).\n"
    "Exit status: 0 ok, 64 usage, 70 internal error, 74 cannot write.\n";

int cli_schema(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage_schema, stdout);
        return cli_finish_stdout(0);
    }
    if (argc > 1) {
        fprintf(stderr, "bgsim schema: unexpected argument '%s'\n%s", CLI_SHOWN(argv[1]), usage_schema);
        return EX_USAGE;
    }
    int rc = scn_schema_write(stdout);
    return cli_finish_stdout(cli_status(rc));
}
