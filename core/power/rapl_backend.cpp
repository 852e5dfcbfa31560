#include "core/power/rapl_backend.h"

#include "core/power/rapl_zone_limits.h"
#include "core/power/sysfs_io.h"

#include <cmath>

namespace awb::core {

namespace {

    constexpr double kMicro = 1e-6; // µW → W, µJ → J
    constexpr double kPackageStepW = 1.0;

    std::string disabledReason(const RaplZone& zone)
    {
        const auto enabled = (zone.path / "enabled").string();
        return "power limiting is disabled on " + zone.name + " (" + enabled
            + " is 0), so a cap would not be enforced; enable it with `echo 1 | sudo tee " + enabled + "`";
    }

} // namespace

RaplBackend::RaplBackend(std::filesystem::path root)
    : m_root(std::move(root))
    , m_availability(probeRapl(m_root))
{
    if (!m_availability.usable)
        throw PowerError("RAPL unavailable: " + m_availability.reason);
    double minTotalW = 0.0;
    double maxTotalW = 0.0;
    for (const auto& found : findRaplPackageZones(m_root)) {
        Zone zone;
        zone.zone = found;
        zone.limitFile = found.path / "constraint_0_power_limit_uw";
        zone.energyFile = found.path / "energy_uj";
        zone.maxEnergyRangeUj = readIntegerFile(found.path / "max_energy_range_uj");
        if (zone.maxEnergyRangeUj <= 0)
            throw PowerError((found.path / "max_energy_range_uj").string() + " is not positive");
        const RaplZoneLimits limits = readRaplZoneLimits(found.path);
        zone.maxPowerUw = limits.maxUw;
        const double packageMaxW = std::round(static_cast<double>(zone.maxPowerUw) * kMicro);
        // The fallback minimum is whole watts: rounding keeps it exact after the trip through µW.
        const double packageMinW = limits.declaredMinUw
            ? static_cast<double>(*limits.declaredMinUw) * kMicro
            : std::round(static_cast<double>(limits.effectiveMinUw()) * kMicro);
        maxTotalW += packageMaxW;
        minTotalW += std::min(packageMinW, packageMaxW);
        zone.lastEnergyUj = readIntegerFile(zone.energyFile);
        zone.limitEnforced = limits.enforced;
        if (!zone.limitEnforced && m_availability.canSetCap) {
            m_availability.canSetCap = false;
            m_availability.reason = disabledReason(zone.zone);
        }
        m_zones.push_back(std::move(zone));
    }
    m_range.minW = minTotalW;
    m_range.maxW = maxTotalW;
    m_range.stepW = kPackageStepW * static_cast<double>(m_zones.size());
}

std::string RaplBackend::deviceDescription() const
{
    std::string text;
    for (const auto& zone : m_zones)
        text += (text.empty() ? "" : ", ") + zone.zone.name + " (" + zone.zone.path.filename().string() + ")";
    return text;
}

double RaplBackend::setCapW(double capW)
{
    for (const auto& zone : m_zones) {
        if (!zone.limitEnforced)
            throw PowerError(disabledReason(zone.zone));
    }
    if (!m_range.contains(capW))
        throw PowerCapRangeError("cap " + formatPowerW(capW) + " is outside the RAPL range " + m_range.describe());
    const auto perPackageUw
        = static_cast<std::int64_t>(std::llround(capW / static_cast<double>(m_zones.size()) / kMicro));
    std::lock_guard lock(m_mutex);
    std::vector<std::int64_t> previousUw;
    for (const auto& zone : m_zones)
        previousUw.push_back(readIntegerFile(zone.limitFile));
    const std::int64_t enforcedUw
        = setEveryZoneOrNone(previousUw, perPackageUw, [this](std::size_t i, std::int64_t valueUw) {
              writeIntegerFile(m_zones[i].limitFile, valueUw);
              return readIntegerFile(m_zones[i].limitFile);
          });
    return static_cast<double>(enforcedUw) * kMicro;
}

double RaplBackend::capW() const
{
    std::lock_guard lock(m_mutex);
    double totalW = 0.0;
    for (const auto& zone : m_zones)
        totalW += static_cast<double>(readIntegerFile(zone.limitFile)) * kMicro;
    return totalW;
}

double RaplBackend::energyJ()
{
    std::lock_guard lock(m_mutex);
    std::uint64_t totalUj = 0;
    for (auto& zone : m_zones) {
        const std::int64_t nowUj = readIntegerFile(zone.energyFile);
        const std::int64_t deltaUj = energyDeltaUj(zone.lastEnergyUj, nowUj, zone.maxEnergyRangeUj);
        zone.accumulatedUj += static_cast<std::uint64_t>(deltaUj);
        zone.lastEnergyUj = nowUj;
        totalUj += zone.accumulatedUj;
    }
    return static_cast<double>(totalUj) * kMicro;
}

double RaplBackend::energySamplingPeriodS() const
{
    double periodS = kNoWraparound;
    for (const auto& zone : m_zones)
        periodS = std::min(periodS, raplSamplingPeriodS(zone.maxEnergyRangeUj, zone.maxPowerUw));
    return periodS;
}

double RaplBackend::counterEnergyJ() const
{
    std::lock_guard lock(m_mutex);
    double totalJ = 0.0;
    for (const auto& zone : m_zones)
        totalJ += static_cast<double>(readIntegerFile(zone.energyFile)) * kMicro;
    return totalJ;
}

CapSnapshot RaplBackend::snapshotCaps() const
{
    std::lock_guard lock(m_mutex);
    CapSnapshot snapshot;
    snapshot.backend = name();
    for (const auto& zone : m_zones) {
        const std::int64_t limitUw = readIntegerFile(zone.limitFile);
        snapshot.capW += static_cast<double>(limitUw) * kMicro;
        snapshot.settings.push_back({ "file", std::filesystem::absolute(zone.limitFile).string(), limitUw, "uW" });
    }
    return snapshot;
}

void RaplBackend::restoreCaps(const CapSnapshot& snapshot)
{
    std::lock_guard lock(m_mutex);
    for (const auto& setting : snapshot.settings) {
        if (setting.kind != "file")
            throw PowerError("RAPL cannot restore a " + setting.kind + " setting (" + setting.target + ")");
        writeIntegerFile(setting.target, setting.value);
        if (const std::int64_t readUw = readIntegerFile(setting.target); readUw != setting.value) {
            throw PowerError("wrote " + std::to_string(setting.value) + " to " + setting.target + " but it reads back "
                + std::to_string(readUw));
        }
    }
}

} // namespace awb::core
