#include "core/control/replay.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace awb::core {

namespace {

    // Sums of one violation window.
    struct Window {
        std::int64_t inputs = 0;
        double energyJ = 0.0;
        double budgetJ = 0.0;
        std::int64_t energyInputs = 0;
        double correct = 0.0;
        double accuracyGoal = 0.0;
        std::int64_t accuracyInputs = 0;

        bool violated() const
        {
            return (energyInputs > 0 && energyJ > budgetJ) || (accuracyInputs > 0 && correct < accuracyGoal);
        }
    };

} // namespace

ReplayResult replay(Controller& controller, const ReplayEnvironment& environment,
    const std::vector<GoalChange>& schedule, const ReplayOptions& options)
{
    if (schedule.empty() || schedule.front().fromInput != 0)
        throw std::invalid_argument("the goal schedule must start at input 0");
    for (std::size_t i = 0; i < schedule.size(); ++i) {
        schedule[i].goals.validate();
        if (i > 0 && schedule[i].fromInput <= schedule[i - 1].fromInput)
            throw std::invalid_argument("goal changes must be in increasing input order");
    }
    if (options.violationWindow < 0)
        throw std::invalid_argument("the violation window must be 0 (the whole run) or a number of inputs");
    const std::int64_t inputs
        = options.inputs > 0 ? std::min(options.inputs, environment.inputCount()) : environment.inputCount();
    const std::int64_t windowInputs = options.violationWindow > 0 ? options.violationWindow : inputs;

    ReplayResult result;
    ReplayMetrics& m = result.metrics;
    if (options.keepSteps)
        result.steps.reserve(static_cast<std::size_t>(inputs));
    double energySum = 0.0;
    std::int64_t errors = 0;
    std::int64_t misses = 0;
    std::int64_t violatedWindows = 0;
    Window window;
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

        energySum += outcome.energyJ;
        errors += outcome.correct ? 0 : 1;
        misses += outcome.deadlineMet ? 0 : 1;
        m.capWrites += decision.capChanged ? 1 : 0;
        m.fallbacks += decision.goalMet ? 0 : 1;

        ++window.inputs;
        if (goals.mode == GoalMode::MaximizeAccuracy) {
            window.energyJ += outcome.energyJ;
            window.budgetJ += goals.energyBudgetJ;
            ++window.energyInputs;
        } else {
            window.correct += outcome.correct ? 1.0 : 0.0;
            window.accuracyGoal += goals.accuracyGoal;
            ++window.accuracyInputs;
        }
        if (window.inputs == windowInputs || n + 1 == inputs) {
            violatedWindows += window.violated() ? 1 : 0;
            ++m.windows;
            window = {};
        }
        if (options.keepSteps)
            result.steps.push_back({ n, goals, decision, outcome });
    }
    m.inputs = inputs;
    const auto perInput = [&](double value) { return inputs > 0 ? value / static_cast<double>(inputs) : 0.0; };
    m.energyPerInputJ = perInput(energySum);
    m.errorRate = perInput(static_cast<double>(errors));
    m.deadlineMissRate = perInput(static_cast<double>(misses));
    m.violationRate = m.windows > 0 ? static_cast<double>(violatedWindows) / static_cast<double>(m.windows) : 0.0;
    m.decisionNs = options.timeDecisions ? perInput(static_cast<double>(decisionTime.count())) : 0.0;
    return result;
}

} // namespace awb::core
