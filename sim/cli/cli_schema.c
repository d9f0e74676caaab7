/*
 * cli_schema.c - `bgsim schema`: the JSON Schema of the scenario format on stdout.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "scn_schema.h"

static const char usage_schema[] =
    "usage: bgsim schema [--keys]\n"
    "\n"
    "Prints the JSON Schema (draft-07) of the scenario format, generated from the loader's own\n"
    "tables: every key, its type, unit, bounds and default. For editors: point yaml-language-server\n"
    "at it (README.md, Editor set-up). The build writes it to share/bgsim/scenario.schema.json and\n"
    "installs it there. The schema is a first check for editors; 'bgsim validate' is the authority\n"
    "(cross-key rules, such as register_at before the end, are not in the schema).\n"
    "\n"
    "  --keys   print every key path instead, as --set writes it (list items as [0]), one a line:\n"
    "           what the shell completions offer after --set\n"
    "\n"
    "Exit status: 0 ok, 64 usage, 70 internal error, 74 cannot write.\n";

int cli_schema(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage_schema, stdout);
        return cli_finish_stdout(0);
    }
    bool keys = argc == 2 && strcmp(argv[1], "--keys") == 0;
    if (argc > 2 || (argc == 2 && !keys)) {
        fprintf(stderr, "bgsim schema: unexpected argument '%s'\n%s", CLI_SHOWN(argv[1]), usage_schema);
        return EX_USAGE;
    }
    int rc = keys ? scn_schema_keys(stdout) : scn_schema_write(stdout);
    return cli_finish_stdout(cli_status(rc));
}
