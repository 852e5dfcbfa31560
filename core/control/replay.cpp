#include "core/control/replay.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace awb::core {

void validateGoalSchedule(const std::vector<GoalChange>& schedule)
{
    if (schedule.empty() || schedule.front().fromInput != 0)
        throw std::invalid_argument("the goal schedule must start at input 0");
    for (std::size_t i = 0; i < schedule.size(); ++i) {
        schedule[i].goals.validate();
        if (i > 0 && schedule[i].fromInput <= schedule[i - 1].fromInput)
            throw std::invalid_argument("goal changes must be in increasing input order");
    }
}

ReplayResult replay(Controller& controller, const ReplayEnvironment& environment,
    const std::vector<GoalChange>& schedule, const ReplayOptions& options)
{
    validateGoalSchedule(schedule);
    RunMetricsAccumulator metrics(options.violationWindow); // refuses a negative window
    const std::int64_t inputs
        = options.inputs > 0 ? std::min(options.inputs, environment.inputCount()) : environment.inputCount();

    ReplayResult result;
    if (options.keepSteps)
        result.steps.reserve(static_cast<std::size_t>(inputs));
    std::chrono::nanoseconds decisionTime { 0 };
    std::size_t nextChange = 0;
    Goals goals = schedule.front().goals;

    for (std::int64_t n = 0; n < inputs; ++n) {
        if (nextChange < schedule.size() && schedule[nextChange].fromInput == n) {
            goals = schedule[nextChange++].goals;
            controller.setGoals(goals);
        }
        const auto start
            = options.timeDecisions ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point {};
        const Decision decision = controller.decide(n);
        const auto decided = options.timeDecisions ? std::chrono::steady_clock::now() : start;
        const Outcome outcome = environment.run(n, decision.applied.model, decision.applied.cap, goals.deadlineMs);
        const auto ran = options.timeDecisions ? std::chrono::steady_clock::now() : start;
        controller.observe({ n, decision.applied, outcome.outputReached, outcome.latencyMs, outcome.energyJ,
            outcome.idleEnergyJ, outcome.idleMs });
        if (options.timeDecisions)
            decisionTime += (decided - start) + (std::chrono::steady_clock::now() - ran);

        metrics.add(goals, decision, outcome.energyJ, outcome.correct, outcome.deadlineMet);
        if (options.keepSteps)
            result.steps.push_back({ n, goals, decision, outcome });
    }
    result.metrics = metrics.metrics();
    result.metrics.decisionNs = options.timeDecisions && inputs > 0
        ? static_cast<double>(decisionTime.count()) / static_cast<double>(inputs)
        : 0.0;
    return result;
}

} // namespace awb::core
