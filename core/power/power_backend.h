#pragma once

#include "core/power/backend_probe.h"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace awb::core {

// The machine refused or failed: a file is absent, permission was denied (the message names
// the file), the driver returned an error, a read-back did not match. One line, no trailing dot.
class PowerError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What a recorded setting points at is gone (a fake tree deleted, a GPU removed): there is
// nothing left to restore there.
class PowerTargetMissing : public PowerError {
public:
    using PowerError::PowerError;
};

// The caller asked for a cap the backend cannot take (outside its range, not one of its
// discrete levels): bad input rather than a machine failure.
class PowerCapRangeError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// The caps a backend accepts, in watts. Either a continuous range [minW, maxW] whose useful
// levels are stepW apart (the hardware accepts any value in between), or a discrete set
// (Jetson nvpmodel modes) when discreteW is not empty; then minW/maxW are its extremes.
struct PowerCapRange {
    double minW = 0.0;
    double maxW = 0.0;
    double stepW = 0.0;
    std::vector<double> discreteW; // ascending

    bool isDiscrete() const { return !discreteW.empty(); }
    // Inside [minW, maxW] (1 mW tolerance for values that went through µW/mW and back), or
    // one of discreteW.
    bool contains(double capW) const;
    // `count` levels from maxW down to minW, evenly spaced and rounded to stepW (duplicates
    // dropped, so fewer come back when the range is narrow); for a discrete set, `count`
    // levels picked evenly from it. Used for `--caps auto`.
    std::vector<double> evenlySpacedW(std::size_t count) const;
    // "30.0-190.0 W, step 1.0 W" or "10.0, 15.0, 30.0 W": for messages.
    std::string describe() const;
};

// One cap setting as the hardware holds it, in the backend's native unit so that restoring
// is exact. Kind "file": write `value` to the file `target` (RAPL constraint_0_power_limit_uw,
// µW); restoring it is a write(2), so it can happen inside a signal handler. Kind "nvml":
// `target` is the GPU UUID and `value` the power management limit in mW; restoring it needs
// NVML calls, which are not async-signal-safe.
struct CapSetting {
    std::string kind; // "file" or "nvml"
    std::string target; // absolute file path, or GPU UUID
    std::int64_t value = 0;
    std::string unit; // "uW" or "mW"
};

// The caps in force at one moment. Empty `settings` means there is nothing physical to
// restore (the emulated backend); capW is what capW() returned then.
struct CapSnapshot {
    std::string backend;
    double capW = 0.0;
    std::vector<CapSetting> settings;
};

// A power knob and an energy meter for one device (Zeus-style: one interface, vendor
// implementations, fakes for tests). Every value is in W, J or s; native units (µW, µJ,
// mW, mJ) are converted once, inside the backend. Constructors of the implementations
// throw PowerError with the reason when the backend cannot be used on this machine.
// Threading: implementations are safe to call from any thread (each guards its own state).
class PowerBackend {
public:
    virtual ~PowerBackend() = default;

    virtual std::string name() const = 0; // "rapl", "nvml" or "emulated"
    // What is measured and capped: "package-0, package-1", "GPU 0: NVIDIA A100 (GPU-…)", the
    // emulated profile's name. Goes into the store's device record and every export.
    virtual std::string deviceDescription() const = 0;
    // True for the emulated backend: every number from it is a model, and is labelled so.
    virtual bool isEmulated() const = 0;
    virtual BackendAvailability availability() const = 0;

    virtual PowerCapRange capRange() const = 0;
    // Sets the cap and returns the value read back as enforced (it can differ from the
    // request: rounding, or another limit in force). Throws PowerCapRangeError when capW is
    // outside capRange(), PowerError when the machine refuses.
    virtual double setCapW(double capW) = 0;
    // The cap in force now, read from the device.
    virtual double capW() const = 0;

    // Energy in J since this object was constructed, corrected for counter wraparound
    // provided energyJ() is called at least every energySamplingPeriodS().
    virtual double energyJ() = 0;
    // The longest gap allowed between two energyJ() calls before a wrap can go unnoticed;
    // infinity when the counter cannot wrap in practice.
    virtual double energySamplingPeriodS() const = 0;
    // The shortest window over which an energy difference means something (the counter's
    // update period makes shorter windows read 0 or jump); measure over many inferences.
    virtual double minEnergyWindowS() const = 0;
    // The raw device counter in J, for display (`power status`): not wrap-corrected, origin
    // device-defined (RAPL: sum of package counters; NVML: since driver load).
    virtual double counterEnergyJ() const = 0;

    // The caps in force now (for the cap guard), and putting such a snapshot back. Restoring
    // reads back and throws PowerError when a value did not take.
    virtual CapSnapshot snapshotCaps() const = 0;
    virtual void restoreCaps(const CapSnapshot& snapshot) = 0;
};

constexpr double kNoWraparound = std::numeric_limits<double>::infinity();

// "95.000 W" (decimals 3) or "95.0 W" (decimals 1): the one format of watts in messages.
std::string formatPowerW(double valueW, int decimals = 3);

} // namespace awb::core
