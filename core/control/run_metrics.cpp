#include "core/control/run_metrics.h"

#include <stdexcept>

namespace awb::core {

bool RunMetricsAccumulator::Window::violated() const
{
    return (energyInputs > 0 && energyJ > budgetJ) || (accuracyInputs > 0 && correct < accuracyGoal);
}

RunMetricsAccumulator::RunMetricsAccumulator(std::int64_t violationWindow)
    : m_window(violationWindow)
{
    if (violationWindow < 0)
        throw std::invalid_argument("the violation window must be 0 (the whole run) or a number of inputs");
}

void RunMetricsAccumulator::add(
    const Goals& goals, const Decision& decision, double energyJ, bool correct, bool deadlineMet)
{
    ++m_inputs;
    m_energySumJ += energyJ;
    m_errors += correct ? 0 : 1;
    m_misses += deadlineMet ? 0 : 1;
    m_capWrites += decision.capChanged ? 1 : 0;
    m_fallbacks += decision.goalMet ? 0 : 1;

    ++m_open.inputs;
    if (goals.mode == GoalMode::MaximizeAccuracy) {
        m_open.energyJ += energyJ;
        m_open.budgetJ += goals.energyBudgetJ;
        ++m_open.energyInputs;
    } else {
        m_open.correct += correct ? 1.0 : 0.0;
        m_open.accuracyGoal += goals.accuracyGoal;
        ++m_open.accuracyInputs;
    }
    if (m_window > 0 && m_open.inputs == m_window) {
        m_violatedWindows += m_open.violated() ? 1 : 0;
        ++m_closedWindows;
        m_open = {};
    }
}

ReplayMetrics RunMetricsAccumulator::metrics() const
{
    ReplayMetrics m;
    m.inputs = m_inputs;
    const auto perInput = [&](double value) { return m_inputs > 0 ? value / static_cast<double>(m_inputs) : 0.0; };
    m.energyPerInputJ = perInput(m_energySumJ);
    m.errorRate = perInput(static_cast<double>(m_errors));
    m.deadlineMissRate = perInput(static_cast<double>(m_misses));
    m.capWrites = m_capWrites;
    m.fallbacks = m_fallbacks;
    const bool partial = m_open.inputs > 0;
    m.windows = m_closedWindows + (partial ? 1 : 0);
    const std::int64_t violated = m_violatedWindows + (partial && m_open.violated() ? 1 : 0);
    m.violationRate = m.windows > 0 ? static_cast<double>(violated) / static_cast<double>(m.windows) : 0.0;
    return m;
}

} // namespace awb::core
