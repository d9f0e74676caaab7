/* Probe of the layers-compile test (tests/layers/CMakeLists.txt), compiled with the include flags of
 * bgsim-models as if it were a file of models/device. It includes one header of each layer the
 * device models may use, so that the probe's flags are known to work: device_bad.c, compiled the
 * same way, can then only fail because of its one include. */
#include "mdl_device.h"
#include "sch_walk.h"
#include "sim_engine.h"
#include "util.h"

int layers_probe_device_ok(void);
int layers_probe_device_ok(void) { return 0; }
