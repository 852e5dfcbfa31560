#pragma once

#include "core/control/slowdown_trace.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace awb::core {

enum class ContentionKind { Alone, Memory, Compute };

const char* toString(ContentionKind kind); // "alone", "memory", "compute"

// Co-runner `kind` runs during inputs [firstInput, endInput).
struct ContentionPhase {
    ContentionKind kind = ContentionKind::Memory;
    std::int64_t firstInput = 0;
    std::int64_t endInput = 0;
};

// Parses `memory@200-400,compute@600-800`: kind@first-end, the range half-open (inputs 200 to
// 399 above). Throws std::invalid_argument naming the piece: an unknown kind, a malformed or
// empty range, overlapping phases.
std::vector<ContentionPhase> parseContentionSpec(const std::string& spec);

// How one environment slows inference: the mean slowdown factor against the profiled median
// latency, its spread input to input (coefficient of variation) and the idle power as a multiple
// of the device's. Defaults are the levels measured on the development machine with
// bench/measure_contention (docs/controller.md has the figures and the command).
struct ContentionLevel {
    double slowdown = 1.0;
    double spread = 0.0;
    double idlePowerFactor = 1.0;
};

struct ContentionLevels {
    ContentionLevel alone;
    ContentionLevel memory;
    ContentionLevel compute;

    static ContentionLevels measuredDefaults();
    const ContentionLevel& of(ContentionKind kind) const;
    ContentionLevel& of(ContentionKind kind);
    // Overrides from text like `memory=2.1:0.15,compute=1.6` (slowdown[:spread[:idle factor]]).
    // Throws std::invalid_argument naming the piece.
    void override(const std::string& text);
    nlohmann::ordered_json toJson() const;
};

// A trace of `inputCount` inputs: alone outside the phases, each phase's level inside it; the
// slowdown of input n is the level's mean times a log-normal factor with the level's spread
// (mean 1), drawn from a generator seeded with `seed` (mt19937_64 and Box–Muller, so the same
// seed gives the same trace on every platform). Idle power is idlePowerW × the level's factor.
SlowdownTrace synthesizeTrace(const std::vector<ContentionPhase>& phases, const ContentionLevels& levels,
    std::int64_t inputCount, double idlePowerW, std::uint64_t seed);

} // namespace awb::core
