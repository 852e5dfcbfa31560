#include "core/control/evaluation.h"

#include "core/control/alert_controller.h"
#include "core/control/baseline_controllers.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace awb::core {

const char* controllerName(ControllerKind kind)
{
    switch (kind) {
    case ControllerKind::Alert:
        return "alert";
    case ControllerKind::Oracle:
        return "oracle";
    case ControllerKind::StaticOracle:
        return "static-oracle";
    case ControllerKind::AppOnly:
        return "app-only";
    case ControllerKind::SysOnly:
        return "sys-only";
    case ControllerKind::NoCoord:
        return "no-coord";
    case ControllerKind::AlertMeanOnly:
        return "alert-mean-only";
    case ControllerKind::AlertFixedQ:
        return "alert-fixed-q";
    case ControllerKind::AlertTraditionalOnly:
        return "alert-traditional-only";
    }
    return "alert";
}

std::vector<ControllerKind> evaluatedControllers(bool ablations)
{
    std::vector<ControllerKind> kinds { ControllerKind::Alert, ControllerKind::Oracle, ControllerKind::StaticOracle,
        ControllerKind::AppOnly, ControllerKind::SysOnly, ControllerKind::NoCoord };
    if (ablations) {
        kinds.insert(kinds.end(),
            { ControllerKind::AlertMeanOnly, ControllerKind::AlertFixedQ, ControllerKind::AlertTraditionalOnly });
    }
    return kinds;
}

std::unique_ptr<Controller> makeController(ControllerKind kind, const ReplayEnvironment& environment,
    const AlertSettings& alert, const OracleSettings& oracle, const Goals& goals)
{
    const ConfigurationTable& table = environment.table();
    AlertSettings variant = alert;
    switch (kind) {
    case ControllerKind::Alert:
        return std::make_unique<AlertController>(table, alert, goals);
    case ControllerKind::Oracle:
        return std::make_unique<OracleController>(environment, oracle, goals);
    case ControllerKind::StaticOracle:
        return std::make_unique<StaticOracleController>(environment, oracle, goals);
    case ControllerKind::AppOnly:
        return makeAppOnlyController(table, alert, goals);
    case ControllerKind::SysOnly:
        return std::make_unique<SysOnlyController>(table, alert, goals);
    case ControllerKind::NoCoord:
        return std::make_unique<NoCoordController>(table, alert, goals);
    case ControllerKind::AlertMeanOnly:
        variant.estimator.meanOnly = true;
        break;
    case ControllerKind::AlertFixedQ:
        variant.slowdown.adaptiveProcessNoise = false;
        break;
    case ControllerKind::AlertTraditionalOnly:
        variant.traditionalOnly = true;
        break;
    }
    return std::make_unique<AlertController>(table, variant, goals, CandidateSet {}, controllerName(kind));
}

namespace {

    std::optional<double> ratio(double value, double reference)
    {
        if (reference > 0.0)
            return value / reference;
        return std::nullopt;
    }

    Normalized normalize(const ReplayMetrics& m, const ReplayMetrics& reference)
    {
        return { ratio(m.energyPerInputJ, reference.energyPerInputJ), ratio(m.errorRate, reference.errorRate),
            ratio(m.deadlineMissRate, reference.deadlineMissRate), ratio(m.violationRate, reference.violationRate) };
    }

    SettingOutcome evaluateSetting(const ReplayEnvironment& environment, const EvaluationOptions& options,
        const std::vector<ControllerKind>& kinds, const Goals& goals)
    {
        SettingOutcome setting;
        setting.goals = goals;
        const std::vector<GoalChange> schedule { { 0, goals } };
        for (ControllerKind kind : kinds) {
            const std::unique_ptr<Controller> controller
                = makeController(kind, environment, options.alert, options.oracle, goals);
            ControllerOutcome outcome;
            outcome.controller = controller->name();
            outcome.metrics = replay(*controller, environment, schedule, options.replay).metrics;
            setting.controllers.push_back(std::move(outcome));
        }
        const ReplayMetrics oracle = setting.controllers[1].metrics;
        const ReplayMetrics staticOracle = setting.controllers[2].metrics;
        for (ControllerOutcome& outcome : setting.controllers) {
            outcome.vsOracle = normalize(outcome.metrics, oracle);
            outcome.vsStaticOracle = normalize(outcome.metrics, staticOracle);
        }
        return setting;
    }

    struct Mean {
        double sum = 0.0;
        int count = 0;
        void add(const std::optional<double>& value)
        {
            if (value) {
                sum += *value;
                ++count;
            }
        }
        std::optional<double> value() const { return count > 0 ? std::optional<double>(sum / count) : std::nullopt; }
    };

    nlohmann::ordered_json optionalJson(const std::optional<double>& value)
    {
        return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
    }

    nlohmann::ordered_json summaryJson(const std::vector<SummaryRow>& rows)
    {
        nlohmann::ordered_json array = nlohmann::ordered_json::array();
        for (const SummaryRow& row : rows) {
            array.push_back(
                { { "controller", row.controller }, { "energy_vs_oracle", optionalJson(row.energyVsOracle) },
                    { "error_vs_oracle", optionalJson(row.errorVsOracle) },
                    { "energy_vs_static_oracle", optionalJson(row.energyVsStaticOracle) },
                    { "error_vs_static_oracle", optionalJson(row.errorVsStaticOracle) },
                    { "deadline_miss_rate", row.deadlineMissRate }, { "violation_rate", row.violationRate },
                    { "energy_per_input_j", row.energyPerInputJ }, { "error_rate", row.errorRate },
                    { "decision_ns", row.decisionNs }, { "settings", row.settings } });
        }
        return array;
    }

    nlohmann::ordered_json normalizedJson(const Normalized& n)
    {
        return { { "energy", optionalJson(n.energy) }, { "error", optionalJson(n.error) },
            { "deadline_miss", optionalJson(n.deadlineMiss) }, { "violation", optionalJson(n.violation) } };
    }

} // namespace

EvaluationCancelled::EvaluationCancelled(int settingsDone, int settingsTotal)
    : std::runtime_error("the evaluation was cancelled after " + std::to_string(settingsDone) + " of "
        + std::to_string(settingsTotal) + " goal settings")
    , m_done(settingsDone)
    , m_total(settingsTotal)
{
}

std::vector<SummaryRow> summarize(const std::vector<SettingOutcome>& settings)
{
    std::vector<SummaryRow> rows;
    if (settings.empty())
        return rows;
    for (std::size_t i = 0; i < settings.front().controllers.size(); ++i) {
        SummaryRow row;
        row.controller = settings.front().controllers[i].controller;
        Mean energyOracle, errorOracle, energyStatic, errorStatic;
        for (const SettingOutcome& setting : settings) {
            const ControllerOutcome& o = setting.controllers[i];
            energyOracle.add(o.vsOracle.energy);
            errorOracle.add(o.vsOracle.error);
            energyStatic.add(o.vsStaticOracle.energy);
            errorStatic.add(o.vsStaticOracle.error);
            row.energyPerInputJ += o.metrics.energyPerInputJ;
            row.errorRate += o.metrics.errorRate;
            row.deadlineMissRate += o.metrics.deadlineMissRate;
            row.violationRate += o.metrics.violationRate;
            row.decisionNs += o.metrics.decisionNs;
        }
        const double n = static_cast<double>(settings.size());
        row.energyVsOracle = energyOracle.value();
        row.errorVsOracle = errorOracle.value();
        row.energyVsStaticOracle = energyStatic.value();
        row.errorVsStaticOracle = errorStatic.value();
        row.energyPerInputJ /= n;
        row.errorRate /= n;
        row.deadlineMissRate /= n;
        row.violationRate /= n;
        row.decisionNs /= n;
        row.settings = static_cast<int>(settings.size());
        rows.push_back(std::move(row));
    }
    return rows;
}

EvaluationReport evaluateControllers(const ReplayEnvironment& environment, const EvaluationOptions& options,
    const std::function<void(int done, int total)>& progress)
{
    if (options.settings.empty())
        throw std::invalid_argument("the goal grid has no setting");
    options.alert.validate();
    for (const Goals& goals : options.settings)
        goals.validate();
    const std::vector<ControllerKind> kinds = evaluatedControllers(options.ablations);
    const int total = static_cast<int>(options.settings.size());
    std::vector<SettingOutcome> outcomes(options.settings.size());

    std::atomic<int> next { 0 };
    std::mutex progressMutex;
    int done = 0;
    std::exception_ptr failure;
    std::atomic<bool> stopped { false };
    const auto worker = [&] {
        for (int i = next++; i < total; i = next++) {
            if (options.shouldStop && options.shouldStop()) {
                stopped = true;
                next = total; // the other workers stop after the setting they are on
                return;
            }
            try {
                outcomes[static_cast<std::size_t>(i)]
                    = evaluateSetting(environment, options, kinds, options.settings[static_cast<std::size_t>(i)]);
            } catch (...) {
                const std::lock_guard lock(progressMutex);
                if (!failure)
                    failure = std::current_exception();
                next = total;
                return;
            }
            const std::lock_guard lock(progressMutex);
            ++done;
            if (progress)
                progress(done, total);
        }
    };
    int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
    threads = std::clamp(threads, 1, total);
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (std::thread& thread : pool)
        thread.join();
    if (failure)
        std::rethrow_exception(failure);
    if (stopped)
        throw EvaluationCancelled(done, total);

    EvaluationReport report;
    report.settings = std::move(outcomes);
    report.summary = summarize(report.settings);
    std::vector<SettingOutcome> maxAccuracy, minEnergy, maxAccuracyFeasible, minEnergyFeasible;
    for (const SettingOutcome& s : report.settings) {
        const bool max = s.goals.mode == GoalMode::MaximizeAccuracy;
        (max ? maxAccuracy : minEnergy).push_back(s);
        if (s.controllers[1].metrics.violationRate == 0.0) // the Oracle met the goal
            (max ? maxAccuracyFeasible : minEnergyFeasible).push_back(s);
    }
    report.maxAccuracySummary = summarize(maxAccuracy);
    report.minEnergySummary = summarize(minEnergy);
    report.maxAccuracyFeasibleSummary = summarize(maxAccuracyFeasible);
    report.minEnergyFeasibleSummary = summarize(minEnergyFeasible);
    return report;
}

nlohmann::ordered_json toJson(const EvaluationReport& report)
{
    nlohmann::ordered_json settings = nlohmann::ordered_json::array();
    for (const SettingOutcome& s : report.settings) {
        nlohmann::ordered_json setting { { "mode", toString(s.goals.mode) }, { "deadline_ms", s.goals.deadlineMs } };
        if (s.goals.mode == GoalMode::MaximizeAccuracy)
            setting["energy_budget_j"] = s.goals.energyBudgetJ;
        else
            setting["accuracy_goal"] = s.goals.accuracyGoal;
        nlohmann::ordered_json controllers = nlohmann::ordered_json::array();
        for (const ControllerOutcome& o : s.controllers) {
            const ReplayMetrics& m = o.metrics;
            controllers.push_back({ { "controller", o.controller }, { "energy_per_input_j", m.energyPerInputJ },
                { "error_rate", m.errorRate }, { "deadline_miss_rate", m.deadlineMissRate },
                { "violation_rate", m.violationRate }, { "vs_oracle", normalizedJson(o.vsOracle) },
                { "vs_static_oracle", normalizedJson(o.vsStaticOracle) }, { "cap_writes", m.capWrites },
                { "fallbacks", m.fallbacks }, { "decision_ns", m.decisionNs } });
        }
        setting["controllers"] = std::move(controllers);
        settings.push_back(std::move(setting));
    }
    return { { "summary", summaryJson(report.summary) },
        { "summary_by_mode",
            { { "max-accuracy", summaryJson(report.maxAccuracySummary) },
                { "min-energy", summaryJson(report.minEnergySummary) } } },
        { "summary_feasible_by_mode",
            { { "max-accuracy", summaryJson(report.maxAccuracyFeasibleSummary) },
                { "min-energy", summaryJson(report.minEnergyFeasibleSummary) } } },
        { "settings", std::move(settings) } };
}

} // namespace awb::core
