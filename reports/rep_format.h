/*
 * rep_format.h - how the data outputs (sweep and fleet JSON/CSV) write a number.
 */
#ifndef BGSIM_REP_FORMAT_H
#define BGSIM_REP_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

/* A number as JSON and CSV print it (%.10g); NaN (no value) is null in JSON and an empty CSV field. */
void rep_num(FILE *out, double v, bool json);

#endif
