#pragma once

#include <string>
#include <vector>

namespace awb::core {

// Whether one power backend can be used on this machine, and if not exactly why
// (which file is absent, which file denied permission, which library was not found).
// `detail` names what was found when usable (zones, GPU names, emulated device profile).
struct BackendAvailability {
    std::string name; // "rapl", "nvml" or "emulated"
    bool usable = false;
    bool canSetCap = false; // a cap can be written (not only energy read)
    bool emulated = false;
    std::string reason; // empty when fully usable; one line otherwise
    std::string detail;
};

// Probes RAPL (under $ALERTWB_POWERCAP_ROOT or /sys/class/powercap), NVML (dlopen of
// libnvidia-ml.so.1) and the emulated backend, in that order. Never throws.
// Threading: safe from any thread; reads only.
std::vector<BackendAvailability> probePowerBackends();

} // namespace awb::core
