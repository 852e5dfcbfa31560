#include "widgets/stored_run_chart.h"

#include "core/control/run_metrics.h"
#include "database/repositories.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace awb::ui {

namespace {

    core::Goals goalsOf(const core::RunRecord& run)
    {
        core::Goals goals;
        goals.mode = core::goalModeFromString(run.goalMode);
        goals.deadlineMs = run.deadlineMs;
        goals.energyBudgetJ = run.energyBudgetJ;
        goals.accuracyGoal = run.accuracyGoal;
        return goals;
    }

    // What the run recorded of itself (database/live_run.cpp's settings): the candidates in the
    // controller's order, whether its numbers are emulated, its goal-violation window.
    struct RecordedSettings {
        std::vector<std::string> models;
        std::string backend;
        bool emulated = false;
        std::int64_t violationWindow = 100;
    };

    RecordedSettings settingsOf(const core::RunRecord& run)
    {
        RecordedSettings settings;
        const auto json = nlohmann::json::parse(run.settingsJson, nullptr, false);
        if (!json.is_object())
            return settings;
        if (json.contains("models") && json["models"].is_array()) {
            for (const auto& name : json["models"])
                if (name.is_string())
                    settings.models.push_back(name.get<std::string>());
        }
        settings.backend = json.value("backend", std::string());
        settings.emulated = json.value("emulated", false);
        settings.violationWindow = json.value("violation_window", std::int64_t { 100 });
        return settings;
    }

} // namespace

StoredRunChart loadStoredRunChart(db::Store& store, std::int64_t runId)
{
    db::RunRepository runs(store);
    const auto run = runs.findRun(runId);
    if (!run)
        throw std::runtime_error("run " + std::to_string(runId) + " is not in the store");
    StoredRunChart chart;
    chart.run = *run;
    const RecordedSettings settings = settingsOf(*run);
    chart.backend = settings.backend;
    chart.emulated = settings.emulated;

    // Model ids in the candidates' order, so the configuration chart orders rows as the live run did.
    db::ModelRepository models(store);
    std::vector<std::int64_t> ids;
    std::vector<std::string> names;
    for (const std::string& name : settings.models) {
        if (const auto model = models.findByName(name)) {
            ids.push_back(model->id);
            names.push_back(name);
        }
    }
    const std::vector<core::RunStepRecord> steps = runs.steps(runId);
    for (const core::RunStepRecord& step : steps) {
        if (std::find(ids.begin(), ids.end(), step.modelId) == ids.end()) {
            // A model re-trained since (a newer row by the same name): name the one the run used.
            const auto model = models.find(step.modelId);
            ids.push_back(step.modelId);
            names.push_back(model ? model->name : "model " + std::to_string(step.modelId));
        }
    }
    chart.data.setModels(ids, names);

    core::Goals goals = goalsOf(*run);
    const std::vector<core::RunEventRecord> events = runs.events(runId);
    auto event = events.begin();
    bool contention = false;
    core::RunMetricsAccumulator metrics(settings.violationWindow);
    std::int64_t correct = 0;
    std::int64_t handled = 0;
    for (const core::RunStepRecord& step : steps) {
        for (; event != events.end() && event->inputIndex <= step.inputIndex; ++event) {
            if (event->kind == "goal-change") {
                if (const auto changed = core::Goals::fromDescription(event->detail))
                    goals = *changed;
            } else if (event->kind == "contention-start") {
                contention = true;
            } else if (event->kind == "contention-stop") {
                contention = false;
            }
        }
        correct += step.correct ? 1 : 0;
        ++handled;
        metrics.add(goals, core::Decision {}, step.energyJ, step.correct, step.deadlineMet);
        chart.data.append(step, goals, static_cast<double>(correct) / static_cast<double>(handled), contention);
    }

    const core::ReplayMetrics m = metrics.metrics();
    RunChartData::Counters counters;
    counters.inputs = m.inputs;
    counters.inputsTotal = run->inputCount;
    counters.deadlineMissRate = m.deadlineMissRate;
    counters.energyPerInputJ = m.energyPerInputJ;
    counters.accuracy = 1.0 - m.errorRate;
    counters.goalViolationRate = m.violationRate;
    chart.data.setCounters(counters);

    chart.title = "run " + std::to_string(run->id) + " · " + run->controller + " · " + goalsOf(*run).describe()
        + (run->contentionSpec.empty() ? "" : " · " + run->contentionSpec) + (chart.emulated ? " · emulated" : "");
    return chart;
}

} // namespace awb::ui
