/*
 * rep_schema.h - the version of each JSON output's contract.
 *
 * Every JSON document bgsim writes opens with "schema_version": N, and schemas/ holds its JSON
 * Schema (schemas/<output>.schema.json, whose $id ends in -N). The rule for a consumer: a
 * version it knows parses; a field may be added without a new version (consumers ignore what
 * they do not know: the schemas allow additional properties); a field removed, renamed or given
 * another meaning or unit takes the next version and a new schema file.
 */
#ifndef BGSIM_REP_SCHEMA_H
#define BGSIM_REP_SCHEMA_H

#define REP_RUN_JSON_VERSION 1   /* bgsim run --format json: schemas/run.schema.json */
#define REP_SWEEP_JSON_VERSION 1 /* bgsim sweep --format json: schemas/sweep.schema.json */
#define REP_FLEET_JSON_VERSION 1 /* bgsim fleet --format json: schemas/fleet.schema.json */
#define REP_CHECK_JSON_VERSION 1 /* bgsim check --format json: schemas/check.schema.json */

#endif
