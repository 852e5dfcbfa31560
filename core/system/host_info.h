#pragma once

#include <string>

namespace awb::core {

// Facts about the machine read from /proc and the environment. Threading: any thread.
std::string hostName();
// "model name" of /proc/cpuinfo (or "unknown CPU" when it cannot be read).
std::string cpuModelName();
int logicalCpuCount();

struct DisplayInfo {
    bool available = false;
    std::string detail;
};
// A display is available when DISPLAY or WAYLAND_DISPLAY is set and QT_QPA_PLATFORM does not
// force a headless platform (offscreen, minimal).
DisplayInfo displayInfo();

} // namespace awb::core
