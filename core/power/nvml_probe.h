#pragma once

#include "core/power/backend_probe.h"

#include <string>

namespace awb::core {

// $ALERTWB_NVML_LIBRARY when set (tests point it at a fake library), libnvidia-ml.so.1 otherwise.
std::string nvmlLibraryName();

// Loads NVML with dlopen (no build dependency on the driver), initialises it and lists the
// GPUs. Usable when at least one GPU answers; setting a limit needs root.
BackendAvailability probeNvml(const std::string& libraryName);

} // namespace awb::core
