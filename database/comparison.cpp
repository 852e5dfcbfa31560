#include "database/comparison.h"

#include "core/control/goal_grid.h"
#include "core/control/replay_environment.h"
#include "core/power/emulated_backend.h"
#include "database/repositories.h"
#include "database/store_error.h"

#include <algorithm>
#include <chrono>

namespace awb::db {

namespace {

    double deviceIdlePowerW(const core::DeviceRecord& device, double requested)
    {
        if (requested >= 0.0)
            return requested;
        if (device.isEmulated() && !device.emulationJson.empty()) {
            try {
                return core::EmulatedDeviceProfile::fromJson(device.emulationJson).idlePowerW;
            } catch (const std::invalid_argument& error) {
                throw ComparisonError(
                    "the emulated device of the profile session is unreadable: " + std::string(error.what()));
            }
        }
        throw ComparisonError("the idle power of device '" + device.host + "' (backend " + device.backend
            + ") is not recorded: give it with --idle-power-w W");
    }

    // Keeps the first `inputs` inputs of `trace` (all when inputs is 0 or more than it has).
    void truncate(core::SlowdownTrace& trace, std::int64_t inputs)
    {
        if (inputs > 0 && inputs < static_cast<std::int64_t>(trace.size())) {
            trace.slowdown.resize(static_cast<std::size_t>(inputs));
            trace.idlePowerW.resize(static_cast<std::size_t>(inputs));
        }
    }

    // The slowdown a live run met, input by input, as its steps recorded it (xi_observed).
    core::SlowdownTrace runTrace(Store& store, std::int64_t runId, double idleW)
    {
        RunRepository runs(store);
        if (!runs.findRun(runId))
            throw ComparisonError("run " + std::to_string(runId) + " is not in the store " + store.path().string());
        core::SlowdownTrace trace;
        for (const core::RunStepRecord& step : runs.steps(runId)) {
            trace.slowdown.push_back(step.xiObserved);
            trace.idlePowerW.push_back(idleW);
        }
        if (trace.slowdown.empty())
            throw ComparisonError("run " + std::to_string(runId) + " has no steps to replay");
        trace.description
            = "live run " + std::to_string(runId) + " (" + std::to_string(trace.size()) + " inputs, xi_observed)";
        return trace;
    }

    core::SlowdownTrace environmentTrace(Store& store, const ComparisonEnvironment& environment,
        const ComparisonRequest& request, const core::ContentionLevels& levels, double idleW)
    {
        if (environment.traceRun != 0) {
            core::SlowdownTrace trace = runTrace(store, environment.traceRun, idleW);
            truncate(trace, request.inputs);
            return trace;
        }
        if (!environment.traceFile.empty()) {
            core::SlowdownTrace trace = core::readSlowdownTrace(environment.traceFile, idleW);
            truncate(trace, request.inputs);
            return trace;
        }
        std::vector<core::ContentionPhase> phases;
        if (!environment.contention.empty())
            phases = core::parseContentionSpec(environment.contention);
        std::int64_t inputs = request.inputs;
        if (inputs <= 0) {
            inputs = kDefaultComparisonInputs;
            for (const core::ContentionPhase& phase : phases)
                inputs = std::max(inputs, phase.endInput);
        }
        return core::synthesizeTrace(phases, levels, inputs, idleW, request.seed);
    }

    // By default a recorded run is replayed against the profile its controller decided over.
    std::int64_t sessionOf(Store& store, const ComparisonRequest& request)
    {
        if (request.sessionId != 0)
            return request.sessionId;
        for (const ComparisonEnvironment& environment : request.environments) {
            if (environment.traceRun == 0)
                continue;
            const auto run = RunRepository(store).findRun(environment.traceRun);
            return run && run->profileSessionId != 0 ? run->profileSessionId : 0;
        }
        return 0;
    }

    core::EvaluationOptions evaluationOptions(
        const ComparisonRequest& request, const core::GoalGridSpec& grid, const core::ConfigurationTable& table,
        double idleW)
    {
        core::EvaluationOptions evaluation;
        evaluation.settings = core::buildGoalGrid(grid, table, idleW);
        evaluation.ablations = request.ablations;
        evaluation.alert = request.alert;
        evaluation.alert.idlePower.initialPowerW = idleW;
        evaluation.oracle.knowsCorrectness = request.oracleKnowsCorrectness;
        evaluation.oracle.failAccuracy = request.alert.estimator.failAccuracy;
        evaluation.oracle.tolerances
            = { request.alert.estimator.accuracyTieTolerance, request.alert.estimator.energyTieTolerance };
        evaluation.replay.violationWindow = request.violationWindow;
        evaluation.replay.timeDecisions = true;
        evaluation.threads = request.threads;
        return evaluation;
    }

    // The measured levels with the request's overrides; validates the alert settings first, as
    // `evaluate` always has.
    core::ContentionLevels contentionLevelsOf(const ComparisonRequest& request)
    {
        core::ContentionLevels levels = core::ContentionLevels::measuredDefaults();
        try {
            request.alert.validate();
            if (!request.contentionLevels.empty())
                levels.override(request.contentionLevels);
        } catch (const std::invalid_argument& error) {
            throw ComparisonError(error.what());
        }
        return levels;
    }

    core::GoalGridSpec gridOf(const ComparisonRequest& request)
    {
        try {
            return core::parseGoalGrid(request.goals);
        } catch (const std::invalid_argument& error) {
            throw ComparisonError(error.what());
        }
    }

} // namespace

ComparisonEnvironment ComparisonEnvironment::wholeRun(core::ContentionKind kind, std::int64_t inputs)
{
    ComparisonEnvironment environment;
    environment.name = core::toString(kind);
    if (kind != core::ContentionKind::Alone)
        environment.contention = environment.name + "@0-" + std::to_string(inputs);
    return environment;
}

ComparisonEnvironment ComparisonEnvironment::recordedRun(std::int64_t runId)
{
    ComparisonEnvironment environment;
    environment.name = "run " + std::to_string(runId);
    environment.traceRun = runId;
    return environment;
}

void validateComparisonRequest(const ComparisonRequest& request)
{
    if (request.environments.empty())
        throw ComparisonError("choose at least one environment to replay");
    for (const ComparisonEnvironment& environment : request.environments) {
        if ((!environment.traceFile.empty()) + (!environment.contention.empty()) + (environment.traceRun != 0) > 1)
            throw ComparisonError("give one of --trace FILE, --trace-run ID or --contention SPEC");
    }
    contentionLevelsOf(request);
    gridOf(request);
}

PreparedComparison prepareComparison(Store& store, const ComparisonRequest& request)
{
    validateComparisonRequest(request);
    const core::ContentionLevels levels = contentionLevelsOf(request);
    const core::GoalGridSpec grid = gridOf(request);

    ReplaySource source;
    try {
        source = loadReplaySource(store, sessionOf(store, request), request.modelNames);
    } catch (const StoreError& error) {
        throw ComparisonError(error.what());
    }
    const double idleW = deviceIdlePowerW(source.device, request.idlePowerW);

    try {
        // The profile's accuracy comes from its first --eval-samples test images; the replay
        // cycles over the whole test set, so by default the controllers know the accuracy the
        // replayed inputs will show (the mean of the per-input correctness).
        core::ConfigurationTable table = core::ConfigurationTable::fromProfile(source.models, source.cells);
        if (!request.profileAccuracy)
            table = table.withAccuracies(core::accuracyOf(source.correctness));
        std::vector<PreparedEnvironment> environments;
        for (const ComparisonEnvironment& environment : request.environments)
            environments.push_back({ environment, environmentTrace(store, environment, request, levels, idleW) });
        core::EvaluationOptions evaluation = evaluationOptions(request, grid, table, idleW);
        return { std::move(source), std::move(table), idleW, levels, std::move(evaluation), std::move(environments) };
    } catch (const std::invalid_argument& error) {
        throw ComparisonError(error.what());
    }
}

ComparisonResult runComparison(const PreparedComparison& prepared, const ComparisonRequest& request,
    const ComparisonProgressCallback& progress, const std::function<bool()>& shouldStop)
{
    ComparisonResult result;
    result.sessionId = prepared.source.session.id;
    result.device = prepared.source.device;
    for (std::size_t d = 0; d < prepared.table.modelCount(); ++d)
        result.models.push_back(prepared.table.model(d).name);
    result.capsW = prepared.table.capsW();
    result.seed = request.seed;
    result.goals = request.goals;
    result.settingsPerEnvironment = static_cast<int>(prepared.evaluation.settings.size());

    core::EvaluationOptions evaluation = prepared.evaluation;
    evaluation.shouldStop = shouldStop;
    const std::size_t count = prepared.environments.size();
    for (std::size_t e = 0; e < count; ++e) {
        const PreparedEnvironment& current = prepared.environments[e];
        const core::ReplayEnvironment environment(prepared.table, current.trace, prepared.source.correctness);
        const auto started = std::chrono::steady_clock::now();
        core::EvaluationReport report
            = core::evaluateControllers(environment, evaluation, [&](int done, int total) {
                  if (progress)
                      progress({ e, count, current.environment.name, done, total });
              });
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        result.environments.push_back({ current.environment, current.trace.description, current.trace.size(),
            std::move(report), seconds });
    }
    return result;
}

ComparisonResult runComparison(Store& store, const ComparisonRequest& request,
    const ComparisonProgressCallback& progress, const std::function<bool()>& shouldStop)
{
    const PreparedComparison prepared = prepareComparison(store, request);
    return runComparison(prepared, request, progress, shouldStop);
}

} // namespace awb::db
