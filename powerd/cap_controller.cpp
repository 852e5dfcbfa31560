#include "powerd/cap_controller.h"

#include "core/power/nvml_probe.h"
#include "core/power/sysfs_io.h"

#include <cmath>
#include <cstdlib>

namespace awb::powerd {

namespace fs = std::filesystem;
using core::powerd::Operation;
using nlohmann::json;

namespace {

    // RAPL stores limits in its power unit (often 1/8 W), so a value can read back rounded; a
    // larger difference means the write did not take.
    constexpr std::int64_t kReadBackToleranceUw = 1'000'000;
    constexpr double kMilli = 1e-3;

    std::string describeUw(std::int64_t valueUw) { return std::to_string(valueUw) + " µW"; }

} // namespace

CapController::CapController(fs::path powercapRoot, fs::path stateFile)
    : m_root(std::move(powercapRoot))
    , m_stateFile(std::move(stateFile))
    , m_startupRestore(core::restorePendingCaps(m_stateFile, /*force=*/true))
{
    if (!m_startupRestore.failed.empty()) {
        throw core::PowerError("cannot restore the caps an earlier alertwb-powerd left in " + m_stateFile.string()
            + ": " + m_startupRestore.failed.front());
    }
    for (const auto& found : core::findRaplPackageZones(m_root))
        m_zones.push_back({ found, core::readRaplZoneLimits(found.path), found.path / "constraint_0_power_limit_uw" });
    m_nvml = core::probeNvml(core::nvmlLibraryName());
}

json CapController::execute(SessionId session, const core::powerd::Request& request)
{
    switch (request.operation) {
    case Operation::Ping:
        return { { "ok", true } };
    case Operation::List:
        return list();
    case Operation::SetRaplLimit:
        return setRaplLimit(session, request.zone, request.limitUw);
    case Operation::SetNvmlLimit:
        return setNvmlLimit(session, request.gpu.value_or(0), request.limitMw);
    case Operation::ReadEnergy:
        return readEnergy(request);
    }
    throw RequestRefused("unknown operation");
}

json CapController::list() const
{
    json zones = json::array();
    for (const auto& zone : m_zones) {
        zones.push_back({ { "zone", zone.zone.name }, { "limit_uw", core::readIntegerFile(zone.limitFile) },
            { "min_uw", zone.limits.effectiveMinUw() }, { "max_uw", zone.limits.maxUw },
            { "enabled", zone.limits.enforced },
            { "max_energy_range_uj", core::readIntegerFile(zone.zone.path / "max_energy_range_uj") } });
    }
    const auto& nvml = m_nvml;
    return { { "ok", true }, { "rapl", zones },
        { "nvml", { { "usable", nvml.usable }, { "reason", nvml.reason }, { "detail", nvml.detail } } } };
}

const CapController::Zone& CapController::zoneNamed(const std::string& name) const
{
    for (const auto& zone : m_zones) {
        if (zone.zone.name == name)
            return zone;
    }
    std::string known;
    for (const auto& zone : m_zones)
        known += (known.empty() ? "" : ", ") + zone.zone.name;
    throw RequestRefused(
        "unknown RAPL zone \"" + name + "\" (package zones here: " + (known.empty() ? "none" : known) + ")");
}

core::NvmlBackend& CapController::gpu(unsigned int index)
{
    auto& slot = m_gpus[index];
    if (!slot) {
        try {
            slot = std::make_unique<core::NvmlBackend>(index);
        } catch (const core::PowerError& error) {
            m_gpus.erase(index);
            throw RequestRefused(std::string("NVML unavailable: ") + error.what());
        }
    }
    return *slot;
}

void CapController::hold(SessionId session, const core::CapSetting& original, const std::string& label)
{
    if (const auto it = m_holds.find(original.target); it != m_holds.end()) {
        if (it->second.owner != session)
            throw RequestRefused(label + " is held by another client of alertwb-powerd until it disconnects");
        return; // this session's first change already recorded the original
    }
    m_holds.emplace(original.target, Hold { session, original, label });
    try {
        journal();
    } catch (const core::PowerError&) {
        m_holds.erase(original.target);
        throw;
    }
}

json CapController::setRaplLimit(SessionId session, const std::string& zoneName, std::int64_t limitUw)
{
    const Zone& zone = zoneNamed(zoneName);
    if (!zone.limits.enforced)
        throw RequestRefused("power limiting is disabled on " + zoneName + " (its `enabled` is 0)");
    const std::int64_t minUw = zone.limits.effectiveMinUw();
    if (limitUw < minUw || limitUw > zone.limits.maxUw) {
        throw RequestRefused("limit_uw " + std::to_string(limitUw) + " is outside the range of " + zoneName + " ("
            + std::to_string(minUw) + "-" + std::to_string(zone.limits.maxUw) + " µW)");
    }
    const std::string target = fs::absolute(zone.limitFile).string();
    hold(session, { "file", target, core::readIntegerFile(zone.limitFile), "uW" }, zoneName);
    core::writeIntegerFile(zone.limitFile, limitUw);
    const std::int64_t readUw = core::readIntegerFile(zone.limitFile);
    if (std::llabs(readUw - limitUw) > kReadBackToleranceUw) {
        throw core::PowerError("wrote " + describeUw(limitUw) + " to " + zoneName + " but it reads back "
            + describeUw(readUw) + " (another limit or the firmware overrides it)");
    }
    return { { "ok", true }, { "zone", zoneName }, { "requested_uw", limitUw }, { "limit_uw", readUw } };
}

json CapController::setNvmlLimit(SessionId session, unsigned int index, std::int64_t limitMw)
{
    auto& device = gpu(index);
    const auto range = device.capRange();
    const auto minMw = std::llround(range.minW / kMilli);
    const auto maxMw = std::llround(range.maxW / kMilli);
    if (limitMw < minMw || limitMw > maxMw) {
        throw RequestRefused("limit_mw " + std::to_string(limitMw) + " is outside the range of GPU "
            + std::to_string(index) + " (" + std::to_string(minMw) + "-" + std::to_string(maxMw) + " mW)");
    }
    const auto snapshot = device.snapshotCaps();
    if (snapshot.settings.empty())
        throw core::PowerError("NVML reported no power limit for GPU " + std::to_string(index));
    hold(session, snapshot.settings.front(), "GPU " + std::to_string(index));
    const double enforcedW = device.setCapW(static_cast<double>(limitMw) * kMilli);
    return { { "ok", true }, { "gpu", index }, { "requested_mw", limitMw },
        { "limit_mw", std::llround(enforcedW / kMilli) } };
}

json CapController::readEnergy(const core::powerd::Request& request)
{
    if (request.gpu) {
        const double energyJ = gpu(*request.gpu).counterEnergyJ();
        return { { "ok", true }, { "gpu", *request.gpu }, { "energy_mj", std::llround(energyJ / kMilli) } };
    }
    const Zone& zone = zoneNamed(request.zone);
    return { { "ok", true }, { "zone", request.zone },
        { "energy_uj", core::readIntegerFile(zone.zone.path / "energy_uj") },
        { "max_energy_range_uj", core::readIntegerFile(zone.zone.path / "max_energy_range_uj") } };
}

std::vector<std::string> CapController::release(SessionId session)
{
    std::vector<std::string> lines;
    for (auto it = m_holds.begin(); it != m_holds.end();) {
        if (it->second.owner != session) {
            ++it;
            continue;
        }
        try {
            lines.push_back("restored " + it->second.label + ": " + core::restoreCapSetting(it->second.original));
            it = m_holds.erase(it);
        } catch (const core::PowerTargetMissing& error) {
            lines.push_back("nothing to restore for " + it->second.label + ": " + error.what());
            it = m_holds.erase(it);
        } catch (const core::PowerError& error) {
            // Kept, and so kept in the state file: the next start tries again.
            lines.push_back("FAILED to restore " + it->second.label + ": " + error.what());
            it->second.owner = 0;
            ++it;
        }
    }
    try {
        journal();
    } catch (const core::PowerError& error) {
        lines.push_back(std::string("FAILED to update the state file: ") + error.what());
    }
    return lines;
}

void CapController::journal()
{
    if (m_holds.empty()) {
        std::error_code error;
        fs::remove(m_stateFile, error);
        return;
    }
    core::CapSnapshot originals;
    originals.backend = "alertwb-powerd";
    for (const auto& [target, held] : m_holds)
        originals.settings.push_back(held.original);
    core::writeCapState(m_stateFile, core::makeCapStateRecord(originals));
}

} // namespace awb::powerd
