#pragma once

#include "core/control/controller.h"
#include "core/control/replay_environment.h"

#include <cstdint>
#include <vector>

namespace awb::core {

// From input `fromInput` on, the goals are `goals` (a run starts with an entry at input 0).
struct GoalChange {
    std::int64_t fromInput = 0;
    Goals goals;
};

struct ReplayOptions {
    // Inputs per window of the goal-violation rate (see ReplayMetrics); 0: the whole run is one
    // window, so the rate of one run is 0 or 1 and its mean over settings the share of settings
    // whose goal was missed.
    std::int64_t violationWindow = 0;
    // Inputs to replay; 0: the whole trace.
    std::int64_t inputs = 0;
    bool keepSteps = false;
    // Measure decide + observe with the steady clock (adds two clock reads per input).
    bool timeDecisions = false;
};

struct ReplayStep {
    std::int64_t input = 0;
    Goals goals; // in effect for this input
    Decision decision;
    Outcome outcome;
};

// What one controller did over one replay.
// - energyPerInputJ: mean energy per input over the run (J);
// - errorRate: inputs without a correct answer by their deadline / inputs;
// - deadlineMissRate: inputs with no answer by their deadline / inputs;
// - violationRate: windows of `violationWindow` consecutive inputs in which the goal the user
//   can see on average was missed / windows: max-accuracy inputs' mean energy above their
//   budgets' mean, or min-energy inputs' fraction correct below their accuracy goals' mean (a
//   goal change mid-window counts each input against its own goal; a last partial window counts).
struct ReplayMetrics {
    std::int64_t inputs = 0;
    double energyPerInputJ = 0.0;
    double errorRate = 0.0;
    double deadlineMissRate = 0.0;
    double violationRate = 0.0;
    std::int64_t windows = 0;
    std::int64_t capWrites = 0;
    std::int64_t fallbacks = 0; // decisions where nothing was predicted to meet the goal
    double decisionNs = 0.0; // mean decide + observe time (timeDecisions), else 0
};

struct ReplayResult {
    ReplayMetrics metrics;
    std::vector<ReplayStep> steps; // keepSteps only
};

// Runs `controller` input by input against `environment`: goal changes are handed to it before
// the decision of their first input (so they take effect on that input), each decision's applied
// configuration runs in the environment, and what it measured goes back through observe().
// Throws std::invalid_argument for an empty or unordered goal schedule or an invalid goal.
ReplayResult replay(Controller& controller, const ReplayEnvironment& environment,
    const std::vector<GoalChange>& schedule, const ReplayOptions& options = {});

} // namespace awb::core
