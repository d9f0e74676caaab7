/*
 * rep_format.c - see rep_format.h.
 */
#include "rep_format.h"

#include <math.h>

void rep_num(FILE *out, double v, bool json)
{
    if (isnan(v))
        fputs(json ? "null" : "", out);
    else
        fprintf(out, "%.10g", v);
}
