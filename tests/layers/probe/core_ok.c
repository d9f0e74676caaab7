/* Probe of the layers-compile test, compiled with the include flags of bgsim-core as if it were a
 * file of core/: the core's own header is found (so core_bad.c can only fail because of its one
 * include). */
#include "bgt.h"

int layers_probe_core_ok(void);
int layers_probe_core_ok(void) { return 0; }
