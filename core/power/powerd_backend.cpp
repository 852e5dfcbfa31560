#include "core/power/powerd_backend.h"

#include "core/power/rapl_zone_limits.h"

#include <algorithm>
#include <cmath>

namespace awb::core {

namespace {

    constexpr double kMicro = 1e-6; // µW → W, µJ → J
    constexpr double kPackageStepW = 1.0;

} // namespace

PowerdBackend::PowerdBackend(std::filesystem::path socket)
    : m_connection(std::make_unique<PowerdConnection>(std::move(socket)))
{
    const auto list = m_connection->call(powerd::Request::list());
    double minTotalW = 0.0;
    double maxTotalW = 0.0;
    std::string names;
    m_availability = { "rapl", true, true, false, "", "" };
    for (const auto& entry : list.value("rapl", nlohmann::json::array())) {
        Zone zone;
        zone.name = entry.value("zone", "");
        zone.maxUw = entry.value("max_uw", std::int64_t { 0 });
        zone.maxEnergyRangeUj = entry.value("max_energy_range_uj", std::int64_t { 0 });
        if (zone.name.empty() || zone.maxUw <= 0 || zone.maxEnergyRangeUj <= 0)
            throw PowerError(
                "alertwb-powerd at " + m_connection->socket().string() + " listed a zone without name or limits");
        zone.lastEnergyUj = counterUj(zone);
        maxTotalW += std::round(static_cast<double>(zone.maxUw) * kMicro);
        minTotalW += static_cast<double>(entry.value("min_uw", std::int64_t { 0 })) * kMicro;
        if (!entry.value("enabled", true) && m_availability.canSetCap) {
            m_availability.canSetCap = false;
            m_availability.reason = "power limiting is disabled on " + zone.name + ", so a cap would not be enforced";
        }
        names += (names.empty() ? "" : ", ") + zone.name;
        m_zones.push_back(std::move(zone));
    }
    if (m_zones.empty())
        throw PowerError("alertwb-powerd at " + m_connection->socket().string() + " reports no RAPL package zones");
    m_availability.detail = names + " through alertwb-powerd at " + m_connection->socket().string();
    m_range.minW = minTotalW;
    m_range.maxW = maxTotalW;
    m_range.stepW = kPackageStepW * static_cast<double>(m_zones.size());
    const auto timeout = std::chrono::milliseconds(list.value("session_timeout_ms", 30000LL));
    m_keepAliveThread
        = std::thread([this, timeout] { keepAlive(std::max(timeout / 3, std::chrono::milliseconds(10))); });
}

PowerdBackend::~PowerdBackend()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_stopKeepAlive.notify_all();
    m_keepAliveThread.join();
}

void PowerdBackend::keepAlive(std::chrono::milliseconds period)
{
    std::unique_lock lock(m_mutex);
    while (!m_stopKeepAlive.wait_for(lock, period, [this] { return m_stopping; })) {
        lock.unlock();
        try {
            m_connection->call(powerd::Request::ping());
        } catch (const PowerError&) {
            // The next real request reports the broken connection with its own message.
        }
        lock.lock();
    }
}

std::string PowerdBackend::deviceDescription() const { return m_availability.detail; }

std::int64_t PowerdBackend::counterUj(const Zone& zone) const
{
    return m_connection->call(powerd::Request::readZoneEnergy(zone.name)).value("energy_uj", std::int64_t { 0 });
}

std::vector<std::int64_t> PowerdBackend::limitsUw() const
{
    const auto list = m_connection->call(powerd::Request::list()).value("rapl", nlohmann::json::array());
    std::vector<std::int64_t> limits;
    for (const auto& zone : m_zones) {
        const auto found = std::find_if(list.begin(), list.end(),
            [&zone](const nlohmann::json& entry) { return entry.value("zone", "") == zone.name; });
        if (found == list.end())
            throw PowerTargetMissing("alertwb-powerd no longer lists RAPL zone " + zone.name);
        limits.push_back(found->value("limit_uw", std::int64_t { 0 }));
    }
    return limits;
}

std::int64_t PowerdBackend::setZoneLimitUw(const std::string& zone, std::int64_t limitUw)
{
    const auto reply = m_connection->call(powerd::Request::setRaplLimit(zone, limitUw));
    return reply.value("limit_uw", std::int64_t { 0 });
}

double PowerdBackend::setCapW(double capW)
{
    if (!m_availability.canSetCap)
        throw PowerError(m_availability.reason);
    if (!m_range.contains(capW))
        throw PowerCapRangeError("cap " + formatPowerW(capW) + " is outside the RAPL range " + m_range.describe());
    const auto perPackageUw
        = static_cast<std::int64_t>(std::llround(capW / static_cast<double>(m_zones.size()) / kMicro));
    const std::int64_t enforcedUw = setEveryZoneOrNone(limitsUw(), perPackageUw,
        [this](std::size_t i, std::int64_t valueUw) { return setZoneLimitUw(m_zones[i].name, valueUw); });
    return static_cast<double>(enforcedUw) * kMicro;
}

double PowerdBackend::capW() const
{
    double totalW = 0.0;
    for (const auto limitUw : limitsUw())
        totalW += static_cast<double>(limitUw) * kMicro;
    return totalW;
}

double PowerdBackend::energyJ()
{
    std::vector<std::int64_t> nowUj;
    for (const auto& zone : m_zones)
        nowUj.push_back(counterUj(zone));
    std::lock_guard lock(m_mutex);
    std::uint64_t totalUj = 0;
    for (std::size_t i = 0; i < m_zones.size(); ++i) {
        auto& zone = m_zones[i];
        zone.accumulatedUj
            += static_cast<std::uint64_t>(energyDeltaUj(zone.lastEnergyUj, nowUj[i], zone.maxEnergyRangeUj));
        zone.lastEnergyUj = nowUj[i];
        totalUj += zone.accumulatedUj;
    }
    return static_cast<double>(totalUj) * kMicro;
}

double PowerdBackend::energySamplingPeriodS() const
{
    double periodS = kNoWraparound;
    for (const auto& zone : m_zones)
        periodS = std::min(periodS, raplSamplingPeriodS(zone.maxEnergyRangeUj, zone.maxUw));
    return periodS;
}

double PowerdBackend::counterEnergyJ() const
{
    double totalJ = 0.0;
    for (const auto& zone : m_zones)
        totalJ += static_cast<double>(counterUj(zone)) * kMicro;
    return totalJ;
}

CapSnapshot PowerdBackend::snapshotCaps() const
{
    CapSnapshot snapshot;
    snapshot.backend = name();
    const auto limits = limitsUw();
    for (std::size_t i = 0; i < m_zones.size(); ++i) {
        snapshot.capW += static_cast<double>(limits[i]) * kMicro;
        snapshot.settings.push_back({ "powerd", m_zones[i].name, limits[i], "uW" });
    }
    return snapshot;
}

void PowerdBackend::restoreCaps(const CapSnapshot& snapshot)
{
    for (const auto& setting : snapshot.settings) {
        if (setting.kind != "powerd")
            throw PowerError("alertwb-powerd cannot restore a " + setting.kind + " setting (" + setting.target + ")");
        if (const auto readUw = setZoneLimitUw(setting.target, setting.value); readUw != setting.value) {
            throw PowerError("set " + setting.target + " to " + std::to_string(setting.value)
                + " µW through alertwb-powerd but it reads back " + std::to_string(readUw));
        }
    }
}

} // namespace awb::core
