#include "core/control/alert_controller.h"

#include "core/control/selection.h"

#include <cmath>
#include <span>
#include <stdexcept>

namespace awb::core {

AlertController::AlertController(
    const ConfigurationTable& table, AlertSettings settings, Goals goals, CandidateSet candidates, std::string name)
    : m_table(table)
    , m_settings(settings)
    , m_goals(goals)
    , m_name(std::move(name))
    , m_slowdown(settings.slowdown)
    , m_idlePower(settings.idlePower)
    , m_lastCap(table.maxCapIndex())
{
    settings.validate();
    goals.validate();
    setCandidates(std::move(candidates));
    // The most accurate candidate at the highest cap: what a deployment without ALERT runs.
    const ConfigurationTable& sub = *m_candidates;
    std::size_t best = 0;
    for (std::size_t d = 1; d < sub.modelCount(); ++d) {
        if (sub.finalAccuracy(d) > sub.finalAccuracy(best))
            best = d;
    }
    m_default = { sub.originalModel(best), sub.originalCap(sub.maxCapIndex()) };
}

void AlertController::setCandidates(CandidateSet candidates)
{
    std::vector<std::size_t> models = candidates.models.empty() ? m_table.allModels() : candidates.models;
    const std::vector<std::size_t> caps = candidates.caps.empty() ? m_table.allCaps() : candidates.caps;
    if (m_settings.traditionalOnly) {
        std::erase_if(models, [&](std::size_t d) { return m_table.model(d).anytime; });
        if (models.empty())
            throw std::invalid_argument("the candidate set is empty: no traditional model among the candidates");
    }
    m_candidates.emplace(m_table.restricted(models, caps));
    m_estimator.emplace(*m_candidates, m_settings.estimator);
}

void AlertController::setGoals(const Goals& goals)
{
    goals.validate();
    m_goals = goals;
}

Belief AlertController::belief() const
{
    const double sigma = m_settings.estimator.meanOnly ? 0.0 : std::sqrt(m_slowdown.predictiveVariance());
    return { m_slowdown.mean(), sigma, m_idlePower.powerW() };
}

Decision AlertController::decide(std::int64_t /*inputIndex*/)
{
    const Belief now = belief();
    const double deadlineMs
        = m_timeLeftMs > 0.0 && m_timeLeftMs < m_goals.deadlineMs ? m_timeLeftMs : m_goals.deadlineMs;
    m_timeLeftMs = 0.0;
    m_estimator->estimate(now, deadlineMs, m_estimates);
    const ConfigurationTable& sub = *m_candidates;
    const Selection choice = selectConfiguration<float>(m_goals, std::span<const float>(m_estimates.accuracy),
        std::span<const double>(m_estimates.energyJ), sub.capCount(),
        { m_settings.estimator.accuracyTieTolerance, m_settings.estimator.energyTieTolerance });

    Decision decision;
    decision.proposed = { sub.originalModel(sub.modelOf(choice.config)), sub.originalCap(sub.capOf(choice.config)) };
    decision.applied = m_settings.dryRun ? m_default : decision.proposed;
    decision.goalMet = choice.goalMet;
    decision.capChanged = decision.applied.cap != m_lastCap;
    m_lastCap = decision.applied.cap;
    decision.predicted = { m_estimator->expectedLatencyMs(choice.config, now), m_estimates.energyJ[choice.config],
        m_estimates.accuracy[choice.config] };
    decision.xiMean = now.xiMean;
    decision.xiStd = now.xiSigma;
    decision.idlePowerW = now.idlePowerW;
    return decision;
}

void AlertController::observe(const Observation& observation)
{
    if (observation.outputReached >= 0 && observation.outputReached < m_table.outputCount(observation.ran.model)) {
        const double profiled
            = m_table.latencyMs(observation.ran.model, observation.ran.cap, observation.outputReached);
        m_slowdown.observe(observation.latencyMs / profiled);
    }
    m_idlePower.observe(observation.idleEnergyJ, observation.idleMs);
}

nlohmann::ordered_json AlertController::settingsJson() const
{
    nlohmann::ordered_json json = m_settings.toJson();
    json["candidate_models"] = m_candidates->modelCount();
    json["candidate_caps"] = m_candidates->capCount();
    return json;
}

} // namespace awb::core
