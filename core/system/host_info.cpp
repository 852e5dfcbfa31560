#include "core/system/host_info.h"

#include <cstdlib>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace awb::core {

std::string hostName()
{
    char buffer[256] = {};
    if (gethostname(buffer, sizeof buffer - 1) != 0)
        return "unknown-host";
    return buffer;
}

std::string cpuModelName()
{
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        if (line.rfind("model name", 0) != 0)
            continue;
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        const auto start = line.find_first_not_of(" \t", colon + 1);
        return start == std::string::npos ? std::string("unknown CPU") : line.substr(start);
    }
    return "unknown CPU";
}

int logicalCpuCount()
{
    const unsigned count = std::thread::hardware_concurrency();
    return count == 0 ? 1 : static_cast<int>(count);
}

static std::string envOrEmpty(const char* name)
{
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

DisplayInfo displayInfo()
{
    const std::string platform = envOrEmpty("QT_QPA_PLATFORM");
    if (platform == "offscreen" || platform == "minimal")
        return { false, "QT_QPA_PLATFORM=" + platform + " (headless)" };
    if (const auto wayland = envOrEmpty("WAYLAND_DISPLAY"); !wayland.empty())
        return { true, "WAYLAND_DISPLAY=" + wayland };
    if (const auto x11 = envOrEmpty("DISPLAY"); !x11.empty())
        return { true, "DISPLAY=" + x11 };
    return { false, "no DISPLAY or WAYLAND_DISPLAY set" };
}

} // namespace awb::core
