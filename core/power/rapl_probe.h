#pragma once

#include "core/power/backend_probe.h"

#include <filesystem>
#include <string>
#include <vector>

namespace awb::core {

// A top-level RAPL package zone found by its `name` file (zone numbers need not follow
// socket order, and sub-zones such as core/uncore/dram are never listed here, so energy is
// never double counted).
struct RaplZone {
    std::filesystem::path path; // e.g. /sys/class/powercap/intel-rapl:0
    std::string name;           // e.g. package-0
};

// $ALERTWB_POWERCAP_ROOT when set (containers bind-mount sysfs elsewhere; tests use a fake
// tree), /sys/class/powercap otherwise.
std::filesystem::path powercapRoot();

// Package zones under `root`, sorted by name. Throws nothing; an unreadable root gives none.
std::vector<RaplZone> findRaplPackageZones(const std::filesystem::path& root);

// Usable when every package zone's energy_uj can be read; can set caps when every zone's
// constraint_0_power_limit_uw can be written. The reason names the file and the fix.
BackendAvailability probeRapl(const std::filesystem::path& root);

} // namespace awb::core
