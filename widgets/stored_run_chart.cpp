#include "widgets/stored_run_chart.h"

#include "core/control/evaluation.h"
#include "core/control/replay.h"
#include "core/control/replay_environment.h"
#include "core/control/run_metrics.h"
#include "database/comparison.h"
#include "database/repositories.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
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

    // The goals and co-runners in force input by input, from the run's record and its events
    // (goal-change, contention-start/-stop), which name the input they take effect on.
    class RunTimeline {
    public:
        struct At {
            core::Goals goals;
            bool contention = false;
        };

        RunTimeline(const core::RunRecord& run, std::vector<core::RunEventRecord> events)
            : m_events(std::move(events))
            , m_now { goalsOf(run), false }
        {
        }

        // Inputs in increasing order.
        At at(std::int64_t input)
        {
            for (; m_next < m_events.size() && m_events[m_next].inputIndex <= input; ++m_next) {
                const core::RunEventRecord& event = m_events[m_next];
                if (event.kind == "goal-change") {
                    if (const auto changed = core::Goals::fromDescription(event.detail)) {
                        m_now.goals = *changed;
                        m_schedule.push_back({ event.inputIndex, *changed });
                    }
                } else if (event.kind == "contention-start") {
                    m_now.contention = true;
                } else if (event.kind == "contention-stop") {
                    m_now.contention = false;
                }
            }
            return m_now;
        }
        // The goal changes met so far, as a replay takes them (after the run's first goals).
        const std::vector<core::GoalChange>& changes() const { return m_schedule; }

    private:
        std::vector<core::RunEventRecord> m_events;
        std::size_t m_next = 0;
        At m_now;
        std::vector<core::GoalChange> m_schedule;
    };

    RunChartData::Counters countersOf(const core::ReplayMetrics& m, std::int64_t requested)
    {
        RunChartData::Counters counters;
        counters.inputs = m.inputs;
        counters.inputsTotal = requested;
        counters.deadlineMissRate = m.deadlineMissRate;
        counters.energyPerInputJ = m.energyPerInputJ;
        counters.accuracy = 1.0 - m.errorRate;
        counters.goalViolationRate = m.violationRate;
        return counters;
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

    RunTimeline timeline(*run, runs.events(runId));
    core::RunMetricsAccumulator metrics(settings.violationWindow);
    std::int64_t correct = 0;
    std::int64_t handled = 0;
    for (const core::RunStepRecord& step : steps) {
        const RunTimeline::At at = timeline.at(step.inputIndex);
        correct += step.correct ? 1 : 0;
        ++handled;
        metrics.add(at.goals, core::Decision {}, step.energyJ, step.correct, step.deadlineMet);
        chart.data.append(step, at.goals, static_cast<double>(correct) / static_cast<double>(handled), at.contention);
    }

    chart.data.setCounters(countersOf(metrics.metrics(), run->inputCount));

    chart.title = "run " + std::to_string(run->id) + " · " + run->controller + " · " + goalsOf(*run).describe()
        + (run->contentionSpec.empty() ? "" : " · " + run->contentionSpec) + (chart.emulated ? " · emulated" : "");
    return chart;
}

} // namespace awb::ui

namespace awb::ui {

std::vector<std::string> replayControllerNames()
{
    std::vector<std::string> names;
    for (const core::ControllerKind kind : core::evaluatedControllers(true))
        names.emplace_back(core::controllerName(kind));
    return names;
}

StoredRunChart replayStoredRun(db::Store& store, std::int64_t runId, const std::string& controller)
{
    std::optional<core::ControllerKind> kind;
    for (const core::ControllerKind k : core::evaluatedControllers(true)) {
        if (controller == core::controllerName(k))
            kind = k;
    }
    if (!kind)
        throw std::runtime_error("no controller named '" + controller + "' to replay with");
    db::RunRepository runs(store);
    const auto run = runs.findRun(runId);
    if (!run)
        throw std::runtime_error("run " + std::to_string(runId) + " is not in the store");

    // The table, the run's recorded slowdown and the settings, exactly as `evaluate --trace-run`.
    db::ComparisonRequest request;
    request.environments = { db::ComparisonEnvironment::recordedRun(runId) };
    request.goals = "1x1"; // unused here: the run's own goals are replayed
    const db::PreparedComparison prepared = db::prepareComparison(store, request);
    const core::ReplayEnvironment environment(
        prepared.table, prepared.environments.front().trace, prepared.source.correctness);

    // The run's goals, input by input, and its co-runner phases for the shading.
    RunTimeline timeline(*run, runs.events(runId));
    std::vector<RunTimeline::At> atInput;
    atInput.reserve(static_cast<std::size_t>(environment.inputCount()));
    for (std::int64_t n = 0; n < environment.inputCount(); ++n)
        atInput.push_back(timeline.at(n));
    std::vector<core::GoalChange> schedule { { 0, goalsOf(*run) } };
    for (const core::GoalChange& change : timeline.changes()) {
        if (change.fromInput > 0)
            schedule.push_back(change);
    }

    const RecordedSettings settings = settingsOf(*run);
    std::unique_ptr<core::Controller> replayed = core::makeController(
        *kind, environment, prepared.evaluation.alert, prepared.evaluation.oracle, schedule.front().goals);
    core::ReplayOptions options;
    options.keepSteps = true;
    options.violationWindow = settings.violationWindow;
    const core::ReplayResult result = core::replay(*replayed, environment, schedule, options);

    StoredRunChart chart;
    chart.run = *run;
    chart.run.controller = controller + " (replay)";
    chart.backend = settings.backend;
    chart.emulated = prepared.source.device.isEmulated();
    std::vector<std::int64_t> ids;
    std::vector<std::string> names;
    for (std::size_t d = 0; d < prepared.table.modelCount(); ++d) {
        ids.push_back(prepared.table.model(d).id);
        names.push_back(prepared.table.model(d).name);
    }
    chart.data.setModels(ids, names);
    std::int64_t correct = 0;
    for (const core::ReplayStep& step : result.steps) {
        core::RunStepRecord record;
        record.inputIndex = step.input;
        record.modelId = prepared.table.model(step.decision.applied.model).id;
        record.outputReached = step.outcome.outputReached;
        record.powerCapW = prepared.table.capsW()[step.decision.applied.cap];
        record.latencyMs = step.outcome.latencyMs;
        record.energyJ = step.outcome.energyJ;
        record.deadlineMet = step.outcome.deadlineMet;
        record.correct = step.outcome.correct;
        record.xiObserved = environment.slowdown(step.input);
        record.xiMean = step.decision.xiMean;
        record.xiStd = step.decision.xiStd;
        correct += step.outcome.correct ? 1 : 0;
        const auto n = static_cast<std::size_t>(step.input);
        chart.data.append(record, step.goals, static_cast<double>(correct) / static_cast<double>(step.input + 1),
            n < atInput.size() && atInput[n].contention);
    }
    chart.data.setCounters(countersOf(result.metrics, static_cast<std::int64_t>(result.steps.size())));
    chart.title = controller + " replayed on the slowdown run " + std::to_string(runId) + " met · "
        + goalsOf(*run).describe() + (chart.emulated ? " · emulated" : "");
    return chart;
}

} // namespace awb::ui
