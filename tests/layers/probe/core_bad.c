/* Probe of the layers-compile test: the core including the simulator's bottom library. The core
 * links nothing, so no simulator folder is on its include path and this must not compile. */
#include "util.h"

int layers_probe_core_bad(void);
int layers_probe_core_bad(void) { return 0; }
