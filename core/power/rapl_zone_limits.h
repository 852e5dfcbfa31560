#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

namespace awb::core {

// The long-term (constraint_0) limit of one RAPL package zone and the bounds a new limit must
// respect, as RaplBackend and alertwb-powerd both judge them (µW):
// - max: constraint_0_max_power_uw when the kernel exposes a positive one; otherwise the limit
//   in force when the zone is read (firmware sets it to TDP);
// - min: constraint_0_min_power_uw when positive; otherwise a quarter of max rounded to whole
//   watts: below it RAPL holds the limit only by deep throttling and measurements turn to noise.
// Threading: a plain value; readRaplZoneLimits has no shared state.
struct RaplZoneLimits {
    std::int64_t limitUw = 0; // constraint_0_power_limit_uw now
    std::int64_t maxUw = 0;
    std::optional<std::int64_t> declaredMinUw; // constraint_0_min_power_uw when positive
    bool enforced = true; // the zone's `enabled` (absent counts as enabled)

    // declaredMinUw, or the quarter-of-max fallback; never above maxUw.
    std::int64_t effectiveMinUw() const;
};

// Reads the files of the zone directory `zone` (e.g. /sys/class/powercap/intel-rapl:0). Throws
// PowerError naming the file when constraint_0_power_limit_uw cannot be read.
RaplZoneLimits readRaplZoneLimits(const std::filesystem::path& zone);

// Energy counted between two readings of a counter that wraps at rangeUj: a decrease is a wrap
// (the counter went through rangeUj back to 0).
std::int64_t energyDeltaUj(std::int64_t previousUj, std::int64_t nowUj, std::int64_t rangeUj);

// Sets every package zone to limitUw, or none of them: `write(i, valueUw)` sets zone i and returns
// what reads back (a write that succeeded does not prove the limit took). When a write throws
// PowerError, the zones already written get previousUw back (best effort; the caller's cap guard
// or alertwb-powerd still holds the originals if that fails too) and the error is rethrown.
// Returns the sum read back, µW.
std::int64_t setEveryZoneOrNone(const std::vector<std::int64_t>& previousUw, std::int64_t limitUw,
    const std::function<std::int64_t(std::size_t, std::int64_t)>& write);

// The longest gap between two energy readings of a zone before a wrap can go unnoticed, in s:
// the counter's range over twice the zone's maximum power (short-term limits let a package
// draw more than its long-term maximum for a while). At least 1 W is assumed.
double raplSamplingPeriodS(std::int64_t maxEnergyRangeUj, std::int64_t maxPowerUw);

} // namespace awb::core
