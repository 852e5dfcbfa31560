#include "core/control/baseline_controllers.h"

#include <algorithm>

namespace awb::core {

std::unique_ptr<AlertController> makeAppOnlyController(
    const ConfigurationTable& table, AlertSettings settings, Goals goals)
{
    settings.traditionalOnly = false;
    return std::make_unique<AlertController>(
        table, settings, goals, CandidateSet { {}, { table.maxCapIndex() } }, "app-only");
}

std::size_t sysOnlyModel(const ConfigurationTable& table, const Goals& goals, const AlertSettings& settings)
{
    const double idleW = settings.idlePower.initialPowerW;
    const double deadline = goals.deadlineMs;
    const auto meetsDeadline = [&](std::size_t d, std::size_t p) { return table.fullLatencyMs(d, p) <= deadline; };
    const auto meetsGoal = [&](std::size_t d, std::size_t p) {
        if (!meetsDeadline(d, p))
            return false;
        if (goals.mode == GoalMode::MinimizeEnergy)
            return table.finalAccuracy(d) >= goals.accuracyGoal;
        const double activeMs = table.fullLatencyMs(d, p);
        const double energyJ = (table.activePowerW(d, p) * activeMs + idleW * (deadline - activeMs)) * 1e-3;
        return energyJ <= goals.energyBudgetJ;
    };
    const auto mostAccurateWith = [&](auto&& qualifies) {
        std::size_t best = table.modelCount();
        for (std::size_t d = 0; d < table.modelCount(); ++d) {
            bool any = false;
            for (std::size_t p = 0; p < table.capCount() && !any; ++p)
                any = qualifies(d, p);
            if (any && (best == table.modelCount() || table.finalAccuracy(d) > table.finalAccuracy(best)))
                best = d;
        }
        return best;
    };
    std::size_t model = mostAccurateWith(meetsGoal);
    if (model == table.modelCount())
        model = mostAccurateWith(meetsDeadline);
    if (model == table.modelCount()) {
        model = 0;
        const std::size_t top = table.maxCapIndex();
        for (std::size_t d = 1; d < table.modelCount(); ++d) {
            if (table.fullLatencyMs(d, top) < table.fullLatencyMs(model, top))
                model = d;
        }
    }
    return model;
}

namespace {

    AlertSettings withoutAblations(AlertSettings settings)
    {
        settings.traditionalOnly = false;
        return settings;
    }

} // namespace

SysOnlyController::SysOnlyController(const ConfigurationTable& table, AlertSettings settings, Goals goals)
    : m_table(table)
    , m_settings(withoutAblations(settings))
    , m_model(sysOnlyModel(table, goals, m_settings))
    , m_inner(table, m_settings, goals, CandidateSet { { m_model }, {} }, "sys-only")
{
}

void SysOnlyController::setGoals(const Goals& goals)
{
    m_inner.setGoals(goals);
    const std::size_t model = sysOnlyModel(m_table, goals, m_settings);
    if (model != m_model) {
        m_model = model;
        m_inner.setCandidates({ { m_model }, {} });
    }
}

nlohmann::ordered_json SysOnlyController::settingsJson() const
{
    nlohmann::ordered_json json = m_inner.settingsJson();
    json["fixed_model"] = m_table.model(m_model).name;
    return json;
}

NoCoordController::NoCoordController(const ConfigurationTable& table, AlertSettings settings, Goals goals)
    : m_table(table)
    , m_app(makeAppOnlyController(table, settings, goals))
    , m_sys(table, settings, goals)
    , m_lastCap(table.maxCapIndex())
{
}

void NoCoordController::setGoals(const Goals& goals)
{
    m_app->setGoals(goals);
    m_sys.setGoals(goals);
}

Decision NoCoordController::decide(std::int64_t inputIndex)
{
    const Decision app = m_app->decide(inputIndex);
    const Decision sys = m_sys.decide(inputIndex);
    Decision decision = app;
    decision.applied = { app.applied.model, sys.applied.cap };
    decision.proposed = decision.applied;
    decision.goalMet = app.goalMet && sys.goalMet;
    decision.capChanged = decision.applied.cap != m_lastCap;
    m_lastCap = decision.applied.cap;
    return decision;
}

void NoCoordController::observe(const Observation& observation)
{
    Observation asApp = observation;
    asApp.ran.cap = m_table.maxCapIndex();
    m_app->observe(asApp);

    Observation asSys = observation;
    asSys.ran.model = m_sys.fixedModel();
    if (asSys.outputReached >= 0)
        asSys.outputReached = std::min(asSys.outputReached, m_table.outputCount(asSys.ran.model) - 1);
    m_sys.observe(asSys);
}

nlohmann::ordered_json NoCoordController::settingsJson() const
{
    return { { "app_only", m_app->settingsJson() }, { "sys_only", m_sys.settingsJson() } };
}

} // namespace awb::core
