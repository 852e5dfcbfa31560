#include "core/power/rapl_probe.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>
#include <unistd.h>

namespace awb::core {

namespace fs = std::filesystem;

fs::path powercapRoot()
{
    if (const char* root = std::getenv("ALERTWB_POWERCAP_ROOT"); root && *root)
        return root;
    return "/sys/class/powercap";
}

static std::string readFirstLine(const fs::path& file)
{
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return line;
}

// A top-level zone directory is "<control-type>:<n>" with exactly one colon (sub-zones have two).
static bool isTopLevelRaplZone(const std::string& directoryName)
{
    const bool raplControlType = directoryName.rfind("intel-rapl:", 0) == 0 || directoryName.rfind("amd-rapl:", 0) == 0;
    return raplControlType && std::count(directoryName.begin(), directoryName.end(), ':') == 1;
}

std::vector<RaplZone> findRaplPackageZones(const fs::path& root)
{
    std::vector<RaplZone> zones;
    std::error_code error;
    for (fs::directory_iterator it(root, error), end; !error && it != end; it.increment(error)) {
        const std::string directoryName = it->path().filename().string();
        if (!isTopLevelRaplZone(directoryName))
            continue;
        const std::string name = readFirstLine(it->path() / "name");
        if (name.rfind("package", 0) == 0)
            zones.push_back({ it->path(), name });
    }
    std::sort(zones.begin(), zones.end(), [](const RaplZone& a, const RaplZone& b) { return a.name < b.name; });
    return zones;
}

// errno of opening `file` with `mode` (0 when it opens). access(2) would answer for the real
// uid rather than the effective one, so the file is opened for real; nothing is written.
static int openError(const fs::path& file, std::ios::openmode mode)
{
    errno = 0;
    std::fstream stream(file, mode);
    if (stream.is_open())
        return 0;
    return errno != 0 ? errno : EACCES;
}

static std::string describeOpenError(const fs::path& file, int error, const char* verb)
{
    if (error == ENOENT)
        return file.string() + " does not exist";
    if (error == EACCES || error == EPERM)
        return std::string("permission denied ") + verb + " " + file.string();
    return std::string("cannot ") + (verb[0] == 'r' ? "read " : "write ") + file.string() + ": " + std::strerror(error);
}

BackendAvailability probeRapl(const fs::path& root)
{
    BackendAvailability result;
    result.name = "rapl";
    std::error_code error;
    if (!fs::is_directory(root, error)) {
        result.reason = "powercap root " + root.string()
            + " does not exist (kernel without powercap, or sysfs not mounted there; set ALERTWB_POWERCAP_ROOT)";
        return result;
    }
    const auto zones = findRaplPackageZones(root);
    if (zones.empty()) {
        result.reason = "no RAPL package zones under " + root.string()
            + " (CPU without RAPL, or the intel_rapl_common module is not loaded)";
        return result;
    }
    std::string zoneNames;
    for (const auto& zone : zones)
        zoneNames += (zoneNames.empty() ? "" : ", ") + zone.name + " (" + zone.path.filename().string() + ")";
    result.detail = zoneNames;

    for (const auto& zone : zones) {
        const fs::path energy = zone.path / "energy_uj";
        if (const int openErrno = openError(energy, std::ios::in); openErrno != 0) {
            result.reason = describeOpenError(energy, openErrno, "reading")
                + (openErrno == EACCES ? " (energy_uj is root-only since Linux 5.10; grant a group read access with a "
                                         "udev rule, or run as root)"
                                       : "");
            return result;
        }
    }
    result.usable = true;
    for (const auto& zone : zones) {
        const fs::path limit = zone.path / "constraint_0_power_limit_uw";
        if (const int openErrno = openError(limit, std::ios::in | std::ios::out); openErrno != 0) {
            result.reason = describeOpenError(limit, openErrno, "writing")
                + (openErrno == EACCES ? " (setting power caps needs root)" : "");
            return result;
        }
    }
    result.canSetCap = true;
    return result;
}

} // namespace awb::core
