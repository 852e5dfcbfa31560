#include "core/control/replay_environment.h"

#include <algorithm>
#include <stdexcept>

namespace awb::core {

std::vector<std::vector<double>> accuracyOf(const CorrectnessTable& correctness)
{
    std::vector<std::vector<double>> accuracy;
    for (const auto& outputs : correctness) {
        std::vector<double> perOutput;
        for (const std::vector<bool>& bits : outputs) {
            const auto right = std::count(bits.begin(), bits.end(), true);
            perOutput.push_back(bits.empty() ? 0.0 : static_cast<double>(right) / static_cast<double>(bits.size()));
        }
        accuracy.push_back(std::move(perOutput));
    }
    return accuracy;
}

ReplayEnvironment::ReplayEnvironment(const ConfigurationTable& table, SlowdownTrace trace, CorrectnessTable correctness)
    : m_table(table)
    , m_trace(std::move(trace))
    , m_correctness(std::move(correctness))
{
    if (m_trace.size() == 0 || m_trace.idlePowerW.size() != m_trace.size())
        throw std::invalid_argument("the slowdown trace is empty or lacks idle powers");
    if (m_correctness.size() != table.modelCount())
        throw std::invalid_argument("per-input correctness is given for " + std::to_string(m_correctness.size())
            + " models, the table has " + std::to_string(table.modelCount()));
    for (std::size_t d = 0; d < table.modelCount(); ++d) {
        const std::string who = "model '" + table.model(d).name + "'";
        if (m_correctness[d].size() != static_cast<std::size_t>(table.outputCount(d)))
            throw std::invalid_argument("no per-input correctness for every output of " + who);
        for (std::size_t k = 0; k < m_correctness[d].size(); ++k) {
            const std::size_t length = m_correctness[d][k].size();
            if (length == 0)
                throw std::invalid_argument("no per-input correctness for " + who + " output " + std::to_string(k));
            if (m_testInputs == 0)
                m_testInputs = length;
            if (length != m_testInputs)
                throw std::invalid_argument("per-input correctness of " + who + " output " + std::to_string(k)
                    + " covers " + std::to_string(length) + " inputs, others " + std::to_string(m_testInputs));
        }
    }
}

bool ReplayEnvironment::correct(std::size_t model, int output, std::int64_t input) const
{
    return m_correctness[model][static_cast<std::size_t>(output)][static_cast<std::size_t>(input) % m_testInputs];
}

Outcome ReplayEnvironment::run(std::int64_t input, std::size_t model, std::size_t cap, double deadlineMs) const
{
    const double xi = slowdown(input);
    const int outputs = m_table.outputCount(model);
    Outcome outcome;
    const double first = xi * m_table.latencyMs(model, cap, 0);
    if (!m_table.model(model).anytime || first > deadlineMs) {
        // Runs to the end of its (first) output; late means no answer and no idle time.
        outcome.outputReached = 0;
        outcome.latencyMs = first;
        outcome.activeMs = first;
        outcome.deadlineMet = first <= deadlineMs;
    } else {
        int reached = 0;
        while (reached + 1 < outputs && xi * m_table.latencyMs(model, cap, reached + 1) <= deadlineMs)
            ++reached;
        outcome.outputReached = reached;
        outcome.latencyMs = xi * m_table.latencyMs(model, cap, reached);
        // The next stage runs until the deadline stops it; after the last output it is done.
        outcome.activeMs = reached + 1 == outputs ? outcome.latencyMs : deadlineMs;
        outcome.deadlineMet = true;
    }
    outcome.idleMs = std::max(deadlineMs - outcome.activeMs, 0.0);
    outcome.idleEnergyJ = idlePowerW(input) * outcome.idleMs * 1e-3;
    outcome.energyJ = m_table.activePowerW(model, cap) * outcome.activeMs * 1e-3 + outcome.idleEnergyJ;
    outcome.correct = outcome.deadlineMet && correct(model, outcome.outputReached, input);
    return outcome;
}

} // namespace awb::core
