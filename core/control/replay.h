#pragma once

#include "core/control/controller.h"
#include "core/control/replay_environment.h"
#include "core/control/run_metrics.h"

#include <cstdint>
#include <vector>

namespace awb::core {

// From input `fromInput` on, the goals are `goals` (a run starts with an entry at input 0).
struct GoalChange {
    std::int64_t fromInput = 0;
    Goals goals;
};

// Throws std::invalid_argument unless the schedule starts at input 0, names increasing inputs and
// every goal validates: what replays and live runs accept.
void validateGoalSchedule(const std::vector<GoalChange>& schedule);

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
