/*
 * scn_schema.h - the JSON Schema of the scenario format, generated from the loader itself.
 *
 * The loader's walk is recorded (sch_rec.h) over probe trees, one per platform: the root with
 * `bgsim`, `platform` and `duration`, then every key a checked mapping accepts, tried as a mapping,
 * a list of mappings, a list of scalars and a scalar until a parser asks something of it (checks
 * its keys, reads its items) or reads it as a typed field. Rounds go on until nothing new is
 * learnt. A new section (a model in mdl_models[], a new key of a parser) therefore appears with no
 * edit here. Values a parser reads its own way (expectations, fleet key paths) stay "any value";
 * see sch_rec_write_json for the rules.
 */
#ifndef BGSIM_SCN_SCHEMA_H
#define BGSIM_SCN_SCHEMA_H

#include <stdio.h>

/* The schema's $id. */
#define SCN_SCHEMA_ID "urn:bgsim:scenario:1"

/* Writes the JSON Schema to `out`. 0, or RUN_ERR_NOMEM. */
int scn_schema_write(FILE *out);
/* Every key path of the format as `--set` writes it (list items as [0]), one a line, for shell
 * completion: the same walk as scn_schema_write. 0 or a run_status error. */
int scn_schema_keys(FILE *out);

#endif
