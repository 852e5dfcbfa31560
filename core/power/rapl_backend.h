#pragma once

#include "core/power/power_backend.h"
#include "core/power/rapl_probe.h"

#include <filesystem>
#include <mutex>
#include <vector>

namespace awb::core {

// Linux powercap/RAPL: the CPU package power limit (constraint_0, long_term) and the
// package energy counters, under powercapRoot() (/sys/class/powercap, or
// $ALERTWB_POWERCAP_ROOT for containers and the fake trees of the tests).
//
// - Zones are the top-level package zones found by their `name` (package-N); sub-zones
//   (core, uncore, dram) are never read, so nothing is counted twice.
// - The cap is one number for the whole machine: the total over all packages, split evenly
//   (a two-socket machine capped at 100 W gets 50 W per package). capW() and the range are
//   totals too. That is the single "system power cap" knob ALERT assumes.
// - The range per package is [constraint_0_min_power_uw, constraint_0_max_power_uw] when the
//   kernel exposes them. Without a max, the limit in force when the backend is opened stands
//   for it (firmware sets it to TDP; `alertwb-cli` restores pending caps before opening any
//   backend, so it is not a leftover of ours). Without a min, a quarter of that max: below it
//   RAPL holds the limit only by deep throttling and latency measurements turn to noise.
//   Step 1 W per package. A zone whose `enabled` reads 0 does not enforce its limit: then
//   setCapW() refuses (a sweep over caps that are not enforced would measure nothing).
// - Energy is summed over packages and corrected for wraparound: every decrease of a
//   counter adds its max_energy_range_uj. That only works if energyJ() is called at least
//   every energySamplingPeriodS() (range / twice the maximum power: tens of minutes).
// Threading: safe from any thread; one mutex serialises counter reads and cap writes.
class RaplBackend final : public PowerBackend {
public:
    // Throws PowerError with the probe's reason (no package zones, energy_uj unreadable, a
    // required attribute absent) when RAPL cannot be used.
    explicit RaplBackend(std::filesystem::path root = powercapRoot());

    std::string name() const override { return "rapl"; }
    std::string deviceDescription() const override;
    bool isEmulated() const override { return false; }
    BackendAvailability availability() const override { return m_availability; }

    PowerCapRange capRange() const override { return m_range; }
    double setCapW(double capW) override;
    double capW() const override;

    double energyJ() override;
    double energySamplingPeriodS() const override;
    // The counters update about every millisecond; 100 ms keeps the update jitter near 1 %.
    double minEnergyWindowS() const override { return 0.1; }
    double counterEnergyJ() const override;

    CapSnapshot snapshotCaps() const override;
    void restoreCaps(const CapSnapshot& snapshot) override;

    std::size_t packageCount() const { return m_zones.size(); }

private:
    struct Zone {
        RaplZone zone;
        std::filesystem::path limitFile; // constraint_0_power_limit_uw
        std::filesystem::path energyFile; // energy_uj
        std::int64_t maxEnergyRangeUj = 0;
        std::int64_t maxPowerUw = 0; // constraint_0_max_power_uw, or the fallback above
        std::int64_t lastEnergyUj = 0;
        std::uint64_t accumulatedUj = 0;
        bool limitEnforced = true; // the zone's `enabled` (absent counts as enabled)
    };

    std::filesystem::path m_root;
    BackendAvailability m_availability;
    PowerCapRange m_range;
    std::vector<Zone> m_zones;
    mutable std::mutex m_mutex;
};

} // namespace awb::core
