#include "core/control/oracle_controllers.h"

#include <span>

namespace awb::core {

OracleController::OracleController(const ReplayEnvironment& environment, OracleSettings settings, Goals goals)
    : m_environment(environment)
    , m_settings(settings)
    , m_goals(goals)
    , m_accuracy(environment.table().configCount())
    , m_energyJ(environment.table().configCount())
    , m_lastCap(environment.table().maxCapIndex())
{
    goals.validate();
}

void OracleController::setGoals(const Goals& goals)
{
    goals.validate();
    m_goals = goals;
}

Decision OracleController::decide(std::int64_t inputIndex)
{
    const ConfigurationTable& table = m_environment.table();
    for (std::size_t c = 0; c < table.configCount(); ++c) {
        const std::size_t d = table.modelOf(c);
        const Outcome o = m_environment.run(inputIndex, d, table.capOf(c), m_goals.deadlineMs);
        m_energyJ[c] = o.energyJ;
        if (m_settings.knowsCorrectness)
            m_accuracy[c] = o.correct ? 1.0 : 0.0;
        else
            m_accuracy[c] = o.deadlineMet ? table.accuracy(d, o.outputReached) : m_settings.failAccuracy;
    }
    const Selection choice = selectConfiguration<double>(m_goals, std::span<const double>(m_accuracy),
        std::span<const double>(m_energyJ), table.capCount(), m_settings.tolerances);
    Decision decision;
    decision.applied = decision.proposed = { table.modelOf(choice.config), table.capOf(choice.config) };
    decision.goalMet = choice.goalMet;
    decision.capChanged = decision.applied.cap != m_lastCap;
    m_lastCap = decision.applied.cap;
    const double xi = m_environment.slowdown(inputIndex);
    decision.predicted = { xi * table.fullLatencyMs(decision.applied.model, decision.applied.cap),
        m_energyJ[choice.config], m_accuracy[choice.config] };
    decision.xiMean = xi;
    decision.idlePowerW = m_environment.idlePowerW(inputIndex);
    return decision;
}

nlohmann::ordered_json OracleController::settingsJson() const
{
    return { { "knows_correctness", m_settings.knowsCorrectness }, { "fail_accuracy", m_settings.failAccuracy } };
}

StaticOracleController::StaticOracleController(
    const ReplayEnvironment& environment, OracleSettings settings, Goals goals)
    : m_environment(environment)
    , m_settings(settings)
    , m_lastCap(environment.table().maxCapIndex())
{
    setGoals(goals);
}

void StaticOracleController::setGoals(const Goals& goals)
{
    goals.validate();
    m_goals = goals;
    const ConfigurationTable& table = m_environment.table();
    const std::int64_t inputs = m_environment.inputCount();
    std::vector<double> accuracy(table.configCount());
    std::vector<double> energyJ(table.configCount());
    for (std::size_t c = 0; c < table.configCount(); ++c) {
        double energySum = 0.0;
        std::int64_t correct = 0;
        for (std::int64_t n = 0; n < inputs; ++n) {
            const Outcome o = m_environment.run(n, table.modelOf(c), table.capOf(c), goals.deadlineMs);
            energySum += o.energyJ;
            correct += o.correct ? 1 : 0;
        }
        energyJ[c] = energySum / static_cast<double>(inputs);
        accuracy[c] = static_cast<double>(correct) / static_cast<double>(inputs);
    }
    const Selection choice = selectConfiguration<double>(goals, std::span<const double>(accuracy),
        std::span<const double>(energyJ), table.capCount(), m_settings.tolerances);
    m_choice = { table.modelOf(choice.config), table.capOf(choice.config) };
    m_goalMet = choice.goalMet;
    m_outcome = { table.fullLatencyMs(m_choice.model, m_choice.cap), energyJ[choice.config], accuracy[choice.config] };
}

Decision StaticOracleController::decide(std::int64_t /*inputIndex*/)
{
    Decision decision;
    decision.applied = decision.proposed = m_choice;
    decision.goalMet = m_goalMet;
    decision.capChanged = m_choice.cap != m_lastCap;
    m_lastCap = m_choice.cap;
    decision.predicted = m_outcome;
    return decision;
}

nlohmann::ordered_json StaticOracleController::settingsJson() const
{
    const ConfigurationTable& table = m_environment.table();
    return { { "model", table.model(m_choice.model).name }, { "power_cap_w", table.capW(m_choice.cap) } };
}

} // namespace awb::core
