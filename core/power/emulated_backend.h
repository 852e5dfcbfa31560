#pragma once

#include "core/power/power_backend.h"

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

namespace awb::core {

// The device an emulated backend pretends to be. Stored as JSON text in the store's
// device.emulation_json and in every export's provenance, so a result can be reproduced.
// idlePowerW is drawn while no inference runs; while one runs the draw is the DVFS model
// P(f) = staticPowerW + k·f³ with k = maxPowerW − staticPowerW (f = 1 is full speed).
struct EmulatedDeviceProfile {
    std::string name = "emulated-cpu";
    double idlePowerW = 10.0;
    double staticPowerW = 12.0;
    double maxPowerW = 65.0;
    double capMinW = 20.0;
    double capMaxW = 65.0;
    double capStepW = 5.0;

    // Throws std::invalid_argument naming the field: powers must be finite and ≥ 0,
    // staticPowerW < maxPowerW, idlePowerW ≤ maxPowerW, staticPowerW < capMinW ≤ capMaxW
    // (a cap at or below the static power would stop the device), capStepW > 0.
    void validate() const;
    // {"model":"cubic-dvfs","name":…,"idle_power_w":…,"static_power_w":…,"max_power_w":…,
    //  "cap_min_w":…,"cap_max_w":…,"cap_step_w":…}
    std::string toJson() const;
    // Missing fields keep their defaults; wrong types, another "model" or invalid values
    // throw std::invalid_argument.
    static EmulatedDeviceProfile fromJson(const std::string& text);
};

// The cubic power–frequency model of one profile. Immutable; safe from any thread.
class DvfsPowerModel {
public:
    explicit DvfsPowerModel(EmulatedDeviceProfile profile); // validates

    const EmulatedDeviceProfile& profile() const { return m_profile; }
    double kW() const { return m_profile.maxPowerW - m_profile.staticPowerW; }
    // f(c) = ((c − P_static)/k)^(1/3), at most 1 (a cap above maxPowerW does not speed up).
    double speedFactor(double capW) const;
    // P(f(c)): the cap itself below maxPowerW, maxPowerW above it.
    double activePowerW(double capW) const;
    // Work measured as computeMs at full speed takes computeMs / f at cap c ...
    double stretchedTimeMs(double computeMs, double capW) const;
    // ... and uses P(f) · computeMs / f.
    double activeEnergyJ(double computeMs, double capW) const;
    double idleEnergyJ(double idleMs) const;

private:
    EmulatedDeviceProfile m_profile;
};

// A DVFS device that is a model: the cap is a number, the time stretching is done by
// DutyCycleExecutor, and energyJ() integrates the modelled power: the energy of every active
// span the executor books plus idlePowerW over the rest of the wall time since construction.
// A span's energy is booked when the span ends. Every number is labelled emulated.
// Threading: safe from any thread (one mutex); spans are expected from one executor at a time.
class EmulatedBackend final : public PowerBackend {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>; // tests inject one

    explicit EmulatedBackend(EmulatedDeviceProfile profile = {}, Clock clock = {});

    std::string name() const override { return "emulated"; }
    std::string deviceDescription() const override { return "emulated: " + m_model.profile().name; }
    bool isEmulated() const override { return true; }
    BackendAvailability availability() const override;

    PowerCapRange capRange() const override;
    double setCapW(double capW) override; // any value in range; returns it (nothing to read back)
    double capW() const override;

    double energyJ() override;
    double energySamplingPeriodS() const override { return kNoWraparound; }
    double minEnergyWindowS() const override { return 0.0; }
    double counterEnergyJ() const override;

    // No physical setting: the snapshot holds only capW, restoring sets it back.
    CapSnapshot snapshotCaps() const override;
    void restoreCaps(const CapSnapshot& snapshot) override;

    const DvfsPowerModel& model() const { return m_model; }
    // Books an active span: modelled duration stretchedMs (instead of idle) and its energy.
    void bookActiveSpan(double stretchedMs, double energyJ);

private:
    double energyLockedJ() const;

    DvfsPowerModel m_model;
    Clock m_clock;
    std::chrono::steady_clock::time_point m_start;
    mutable std::mutex m_mutex;
    double m_capW;
    double m_activeMs = 0.0;
    double m_activeEnergyJ = 0.0;
};

// What one stretched piece of work cost, as the emulated device would have spent it.
struct EmulatedSpan {
    double computeMs = 0.0; // measured, at full speed
    double stretchedMs = 0.0; // computeMs / f: the latency the emulated device would show
    double wallMs = 0.0; // measured after stretching (≥ stretchedMs: sleeps overshoot)
    double capW = 0.0;
    double speedFactor = 1.0;
    double energyJ = 0.0; // P(f) · stretchedMs
};

// Makes real compute take as long as it would at the emulated cap: the work runs at full
// speed for t ms, then the executor keeps the thread busy until t/f ms have passed since it
// started. It busy-waits rather than sleeps because that is what a throttled core looks like:
// the inference occupies its core for the whole stretched time (a co-runner on that core gets no
// more of it than under real throttling), and the core never halts in between, so its caches
// stay warm. Sleeping halted this VM's vCPU mid-inference and made the next stage run up to
// 1.3-1.9x colder, which biased the profile at low caps and made its IQR bimodal
// (docs/live-runs.md). The busy-wait overshoots by well under a µs. Call it after each stage of
// a staged network, so an early exit at a deadline sees stretched time.
// Threading: one executor per thread; the backend it books into is shared safely.
class DutyCycleExecutor {
public:
    explicit DutyCycleExecutor(EmulatedBackend& backend);

    // Runs work, measures it, stretches it, books it.
    EmulatedSpan run(const std::function<void()>& work);
    // For work the caller already ran and timed (computeMs at full speed, just finished):
    // sleeps the remaining computeMs/f − computeMs and books the span.
    EmulatedSpan stretch(double computeMs);

private:
    EmulatedSpan finish(std::chrono::steady_clock::time_point start, double computeMs);

    EmulatedBackend& m_backend;
};

} // namespace awb::core
