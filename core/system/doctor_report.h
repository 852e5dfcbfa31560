#pragma once

#include "core/power/backend_probe.h"
#include "core/power/power_route.h"

#include <string>
#include <vector>

namespace awb::core {

// What this machine offers the workbench: shown by `alertwb-cli doctor` and the GUI's
// Device page. The store fields are filled by the caller (core knows nothing of SQL).
struct DoctorReport {
    std::string alertwbVersion;
    std::string torchVersion;
    int torchThreads = 0;
    std::string cpuModel;
    int logicalCpus = 0;
    std::string host;
    bool displayAvailable = false;
    std::string displayDetail; // e.g. "DISPLAY=:0" or "no DISPLAY or WAYLAND_DISPLAY set"
    std::vector<BackendAvailability> backends;
    // How RAPL caps are set: directly in sysfs, through alertwb-powerd, or not at all (why).
    PowerRoute powerRoute;
};

// Threading: safe from any thread. Takes a few milliseconds (reads /proc and sysfs).
DoctorReport collectDoctorReport();

} // namespace awb::core
