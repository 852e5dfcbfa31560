#pragma once
// The workload of a live run (DESIGN.md, core/workload): when inputs arrive and which test
// image each one is.

#include "core/control/goals.h"
#include "core/control/replay.h"

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace awb::core {

enum class Scenario {
    SingleStream, // an input every period; the period is the deadline (a camera's frames)
    Server, // Poisson arrivals at a target rate, each with the deadline (requests to a service)
};
const char* toString(Scenario scenario); // "single-stream" or "server"
// Throws std::invalid_argument naming the text for anything else.
Scenario scenarioFromString(const std::string& text);

struct WorkloadSettings {
    Scenario scenario = Scenario::SingleStream;
    double arrivalRatePerS = 0.0; // server: mean arrivals per second; single-stream: unused
    std::int64_t inputs = 1000;
    std::uint64_t seed = 1; // the order of the test images and the server's arrival times
    // Throws std::invalid_argument with one line: no inputs, more than 2^32 − 1 inputs (the
    // store's key), a server without a positive finite rate.
    void validate() const;
};

// Arrival times and test images, input by input. Deterministic for a seed: the test images are
// a seeded permutation of the test set (cycled when the run is longer than the set), and the
// server's gaps are exponential with mean 1/rate, drawn from mt19937_64 by inversion, so the same
// seed gives the same workload on every platform.
// Threading: none; one owner.
class ArrivalProcess {
public:
    // Throws std::invalid_argument as WorkloadSettings::validate, and for testInputs = 0.
    ArrivalProcess(const WorkloadSettings& settings, std::size_t testInputs);
    // The gap (ms) from the arrival of one input to the next: the period (the deadline in force)
    // for single-stream, an exponential draw for server.
    double nextGapMs(double periodMs);
    // The test image input `n` uses.
    std::size_t testInput(std::int64_t n) const;
    const WorkloadSettings& settings() const { return m_settings; }

private:
    WorkloadSettings m_settings;
    std::vector<std::size_t> m_order;
    std::mt19937_64 m_random;
};

// Reads one goal change of a schedule: `INPUT:key=value[,key=value...]` with keys goal
// (max-accuracy or min-energy), deadline-ms, energy-budget-j and accuracy-goal; what is not named
// stays as in `previous`. Switching the mode needs the new mode's goal (energy-budget-j or
// accuracy-goal); the other mode's goal is dropped. E.g. `1500:deadline-ms=6` or
// `2000:goal=min-energy,accuracy-goal=0.85`. Throws std::invalid_argument naming the piece; the
// result's goals are validated.
GoalChange parseGoalChange(const std::string& text, const Goals& previous);
// A whole schedule from the first goals and the changes in the order given (each relative to
// the one before it); changes must name increasing inputs above 0.
std::vector<GoalChange> goalSchedule(const Goals& first, const std::vector<std::string>& changes);

} // namespace awb::core
