#pragma once

#include "core/power/power_backend.h"
#include "core/power/powerd_connection.h"

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

namespace awb::core {

// RAPL through alertwb-powerd, for a workbench that is not root: the same single "system power
// cap" knob as RaplBackend (the total over all package zones, split evenly; energy summed over
// packages and corrected for wraparound), but every read and write is a typed request to the
// daemon, which checks it against the zone's own limits. The daemon restores the caps when this
// object's connection closes; a keep-alive thread pings it at a third of its session timeout so
// that a long inference between two calls does not count as silence.
// Snapshots hold settings of kind "powerd" (target: the zone name, value in µW).
// Threading: safe from any thread; the connection serialises requests, one mutex guards the
// energy accumulators.
class PowerdBackend final : public PowerBackend {
public:
    // Connects and lists the zones; throws PowerError (no socket, refused, no package zones).
    explicit PowerdBackend(std::filesystem::path socket = powerdSocketPath());
    ~PowerdBackend() override;

    std::string name() const override { return "rapl"; }
    std::string deviceDescription() const override;
    bool isEmulated() const override { return false; }
    BackendAvailability availability() const override { return m_availability; }

    PowerCapRange capRange() const override { return m_range; }
    double setCapW(double capW) override;
    double capW() const override;

    double energyJ() override;
    double energySamplingPeriodS() const override;
    double minEnergyWindowS() const override { return 0.1; } // as RaplBackend
    double counterEnergyJ() const override;

    CapSnapshot snapshotCaps() const override;
    void restoreCaps(const CapSnapshot& snapshot) override;

    const std::filesystem::path& socket() const { return m_connection->socket(); }

private:
    struct Zone {
        std::string name;
        std::int64_t maxUw = 0;
        std::int64_t maxEnergyRangeUj = 0;
        std::int64_t lastEnergyUj = 0;
        std::uint64_t accumulatedUj = 0;
    };
    std::vector<std::int64_t> limitsUw() const; // per zone, in m_zones order
    std::int64_t counterUj(const Zone& zone) const;
    std::int64_t setZoneLimitUw(const std::string& zone, std::int64_t limitUw);
    void keepAlive(std::chrono::milliseconds period);

    std::unique_ptr<PowerdConnection> m_connection;
    BackendAvailability m_availability;
    PowerCapRange m_range;
    std::vector<Zone> m_zones;
    mutable std::mutex m_mutex;
    std::condition_variable m_stopKeepAlive;
    bool m_stopping = false;
    std::thread m_keepAliveThread;
};

} // namespace awb::core
