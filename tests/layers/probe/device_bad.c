/* Probe of the layers-compile test: a device model including the runner, a layer above it. The
 * runner's folder is not on bgsim-models' include path, so this must not compile. */
#include "run.h"

int layers_probe_device_bad(void);
int layers_probe_device_bad(void) { return 0; }
