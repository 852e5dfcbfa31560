#include "core/power/rapl_zone_limits.h"

#include "core/power/power_backend.h"
#include "core/power/sysfs_io.h"

#include <algorithm>
#include <cmath>

namespace awb::core {

namespace {

    constexpr double kMicro = 1e-6; // µW → W
    constexpr double kFallbackMinFraction = 0.25; // see RaplZoneLimits

} // namespace

std::int64_t RaplZoneLimits::effectiveMinUw() const
{
    if (declaredMinUw)
        return std::min(*declaredMinUw, maxUw);
    const double maxW = std::round(static_cast<double>(maxUw) * kMicro);
    const auto fallbackUw = static_cast<std::int64_t>(std::llround(std::round(maxW * kFallbackMinFraction) / kMicro));
    return std::min(fallbackUw, maxUw);
}

RaplZoneLimits readRaplZoneLimits(const std::filesystem::path& zone)
{
    RaplZoneLimits limits;
    limits.limitUw = readIntegerFile(zone / "constraint_0_power_limit_uw");
    // Some kernels report 0 for an unknown bound: treat it as absent.
    const auto maxUw = readOptionalIntegerFile(zone / "constraint_0_max_power_uw");
    limits.maxUw = maxUw && *maxUw > 0 ? *maxUw : limits.limitUw;
    if (const auto minUw = readOptionalIntegerFile(zone / "constraint_0_min_power_uw"); minUw && *minUw > 0)
        limits.declaredMinUw = *minUw;
    limits.enforced = readOptionalIntegerFile(zone / "enabled").value_or(1) != 0;
    return limits;
}

std::int64_t energyDeltaUj(std::int64_t previousUj, std::int64_t nowUj, std::int64_t rangeUj)
{
    return nowUj >= previousUj ? nowUj - previousUj : nowUj + rangeUj - previousUj;
}

std::int64_t setEveryZoneOrNone(const std::vector<std::int64_t>& previousUw, std::int64_t limitUw,
    const std::function<std::int64_t(std::size_t, std::int64_t)>& write)
{
    std::int64_t enforcedUw = 0;
    std::size_t written = 0;
    try {
        for (; written < previousUw.size(); ++written)
            enforcedUw += write(written, limitUw);
    } catch (const PowerError&) {
        for (std::size_t i = 0; i < written; ++i) {
            try {
                write(i, previousUw[i]);
            } catch (const PowerError&) {
            }
        }
        throw;
    }
    return enforcedUw;
}

double raplSamplingPeriodS(std::int64_t maxEnergyRangeUj, std::int64_t maxPowerUw)
{
    constexpr double kSafetyFactor = 2.0;
    const double powerUw = std::max<double>(static_cast<double>(maxPowerUw), 1e6) * kSafetyFactor;
    return static_cast<double>(maxEnergyRangeUj) / powerUw; // µJ / µW = s
}

} // namespace awb::core
