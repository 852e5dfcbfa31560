#pragma once

#include "core/control/goals.h"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace awb::core {

// A configuration as indices into the full ConfigurationTable of a run.
struct Configuration {
    std::size_t model = 0;
    std::size_t cap = 0;
    bool operator==(const Configuration&) const = default;
};

// What a controller predicted for its choice (its own estimate; the Oracles' are the truth).
struct Prediction {
    double latencyMs = 0.0; // to the last output
    double energyJ = 0.0; // per input
    double accuracy = 0.0; // expected, fraction
};

struct Decision {
    Configuration applied; // what runs for this input
    Configuration proposed; // what the controller chose; differs from applied only in dry run
    bool goalMet = true; // false: nothing was predicted to meet the goal, the fallback was taken
    bool capChanged = false; // the applied cap differs from the previous input's: one cap write
    Prediction predicted; // for `proposed`
    double xiMean = 1.0; // belief when deciding (1 and 0 for controllers without a filter)
    double xiStd = 0.0;
    double idlePowerW = 0.0;
};

// What running one input on `ran` measured.
struct Observation {
    std::int64_t inputIndex = 0;
    Configuration ran;
    int outputReached = -1; // last output completed (any time), −1 when none
    double latencyMs = 0.0; // from input start to that output
    double energyJ = 0.0; // over the whole period
    double idleEnergyJ = 0.0; // over the idle part of the period
    double idleMs = 0.0;
};

// A controller: decides a configuration per input, learns from what running it measured.
// Goals set with setGoals take effect at the next decide(). Threading: none; one owner.
class Controller {
public:
    virtual ~Controller() = default;
    virtual std::string name() const = 0; // alert, oracle, static-oracle, app-only, sys-only, no-coord, ...
    virtual void setGoals(const Goals& goals) = 0;
    virtual Decision decide(std::int64_t inputIndex) = 0;
    virtual void observe(const Observation& observation) = 0;
    // The next input started `timeLeftMs` before its deadline, less than the goals' deadline
    // (live runs: it waited behind a late predecessor). A controller that plans per input plans
    // its next decision for that time; the ones that do not plan per input ignore it.
    virtual void setTimeLeftForNextInput(double timeLeftMs) { (void)timeLeftMs; }
    // The constants this controller ran with, recorded with the run.
    virtual nlohmann::ordered_json settingsJson() const = 0;
};

} // namespace awb::core
