#include "database/live_run.h"

#include "core/control/configuration_table.h"
#include "core/control/contention_spec.h"
#include "core/control/evaluation.h"
#include "core/control/feasibility.h"
#include "core/control/fixed_controller.h"
#include "core/control/replay_environment.h"
#include "core/models/fashion_mnist.h"
#include "core/models/model_loader.h"
#include "core/power/backend_factory.h"
#include "core/power/cap_guard.h"
#include "core/power/emulated_backend.h"
#include "core/system/iso_time.h"
#include "core/workload/candidate_engine.h"
#include "database/profile_sweep.h"
#include "database/replay_source.h"
#include "database/repositories.h"
#include "database/run_step_writer.h"
#include "database/store_error.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

namespace awb::db {

namespace {

    using Kind = LiveRunError::Kind;

    core::ControllerKind liveControllerKind(const std::string& name)
    {
        if (name == "oracle")
            throw LiveRunError("the oracle knows every input's latency before it runs, so it exists only in replay "
                               "(alertwb-cli evaluate); live controllers: alert, app-only, sys-only, no-coord, "
                               "static-oracle",
                Kind::BadRequest);
        for (const core::ControllerKind kind : core::evaluatedControllers(true)) {
            if (name == core::controllerName(kind) && kind != core::ControllerKind::Oracle)
                return kind;
        }
        std::string known;
        for (const std::string& listed : liveControllerNames())
            known += (known.empty() ? "" : ", ") + listed;
        throw LiveRunError("unknown controller '" + name + "' (live controllers: " + known + ")", Kind::BadRequest);
    }

    core::OpenedBackend openDeviceBackend(const core::DeviceRecord& device, std::int64_t sessionId)
    {
        core::EmulatedDeviceProfile profile;
        try {
            if (!device.emulationJson.empty())
                profile = core::EmulatedDeviceProfile::fromJson(device.emulationJson);
        } catch (const std::invalid_argument& error) {
            throw LiveRunError("the emulated device of profile session " + std::to_string(sessionId)
                    + " is unreadable: " + error.what(),
                Kind::Unavailable);
        }
        core::OpenedBackend opened;
        try {
            opened = core::openPowerBackend(device.backend, 0, profile);
        } catch (const std::exception& error) {
            throw LiveRunError("profile session " + std::to_string(sessionId) + " was measured with the "
                    + device.backend + " backend, which is unavailable here: " + error.what(),
                Kind::Unavailable);
        }
        if (deviceRecordOf(*opened.backend).uid != device.uid)
            throw LiveRunError("profile session " + std::to_string(sessionId) + " was measured on another device ("
                    + device.host + ", " + device.backend + "); profile this one first (alertwb-cli profile)",
                Kind::Unavailable);
        if (!opened.backend->availability().canSetCap)
            throw LiveRunError(
                opened.backend->name() + " cannot set power caps here: " + opened.backend->availability().reason,
                Kind::Unavailable);
        return opened;
    }

    // Mean draw while nothing of ours runs, over `window` (W): the idle-power filter's start on
    // a real backend, whose idle power no profile records.
    double measureIdlePowerW(core::PowerBackend& backend, std::chrono::milliseconds window)
    {
        const auto start = std::chrono::steady_clock::now();
        const double before = backend.energyJ();
        std::this_thread::sleep_for(window);
        const double joules = backend.energyJ() - before;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return joules / seconds;
    }

    // The environment the Static Oracle judges in hindsight: the profile as measured (ξ = 1 on
    // every input) with the test set's per-input correctness, so it picks the configuration that
    // is best when nothing else runs.
    core::SlowdownTrace uncontendedTrace(std::int64_t inputs, double idlePowerW)
    {
        core::SlowdownTrace trace;
        trace.slowdown.assign(static_cast<std::size_t>(inputs), 1.0);
        trace.idlePowerW.assign(static_cast<std::size_t>(inputs), idlePowerW);
        trace.description = "the profile without contention (xi = 1)";
        return trace;
    }

    class WriterSink final : public core::LiveSessionSink {
    public:
        WriterSink(RunStepWriter& writer, std::int64_t runId)
            : m_writer(writer)
            , m_runId(runId)
        {
        }
        void onStep(const core::RunStepRecord& step) override
        {
            core::RunStepRecord row = step;
            row.runId = m_runId;
            m_writer.append(row);
        }
        void onEvent(const core::RunEventRecord& event) override
        {
            core::RunEventRecord row = event;
            row.runId = m_runId;
            m_writer.appendEvent(row);
        }

    private:
        RunStepWriter& m_writer;
        std::int64_t m_runId;
    };

    nlohmann::ordered_json runSettings(const LiveRunRequest& request, const LiveRunStart& start,
        const core::Controller& controller, const core::ContentionInjector& injector, const std::string& trace,
        const char* wait)
    {
        nlohmann::ordered_json workload { { "scenario", core::toString(request.workload.scenario) },
            { "inputs", request.workload.inputs }, { "seed", request.workload.seed } };
        if (request.workload.scenario == core::Scenario::Server)
            workload["arrival_rate_per_s"] = request.workload.arrivalRatePerS;
        nlohmann::ordered_json contention { { "spec", request.contentionSpec },
            { "workers_per_phase", injector.workerCores().size() }, { "cores", injector.workerCores() },
            { "memory_array_bytes", injector.memoryArrayBytes() } };
        return { { "controller", controller.settingsJson() }, { "workload", workload }, { "contention", contention },
            { "goal_changes", request.goalChanges }, { "backend", start.backend }, { "emulated", start.emulated },
            { "device", start.deviceDescription }, { "models", start.models }, { "caps_w", start.capsW },
            { "idle_power_w", start.idlePowerW }, { "threads", request.threads },
            { "violation_window", request.violationWindow }, { "dry_run", request.dryRun }, { "wait", wait },
            { "static_oracle_environment", trace } };
    }

} // namespace

const std::vector<std::string>& liveControllerNames()
{
    static const std::vector<std::string> names { "alert", "app-only", "sys-only", "no-coord", "static-oracle",
        "alert-mean-only", "alert-fixed-q", "alert-traditional-only", "fixed:MODEL@CAP" };
    return names;
}

LiveRunResult runLiveSession(Store& store, const LiveRunRequest& request, LiveRunObserver& observer)
{
    // Everything the request itself can get wrong, before the store or the machine is touched.
    const bool fixed = core::FixedController::names(request.controller);
    const core::ControllerKind kind = fixed ? core::ControllerKind::Alert : liveControllerKind(request.controller);
    std::vector<core::GoalChange> schedule;
    core::ContentionPlan plan;
    std::optional<core::ArrivalWait> wait;
    try {
        if (!request.wait.empty())
            wait = core::arrivalWaitFromString(request.wait);
        schedule = core::goalSchedule(request.goals, request.goalChanges);
        request.workload.validate();
        if (!request.contentionSpec.empty())
            plan = core::ContentionPlan::fromSpec(request.contentionSpec);
        request.alert.validate();
        if (request.threads < 1)
            throw std::invalid_argument("--threads must be at least 1");
        if (request.violationWindow < 0)
            throw std::invalid_argument("the violation window must be 0 (the whole run) or a number of inputs");
    } catch (const std::invalid_argument& error) {
        throw LiveRunError(error.what(), Kind::BadRequest);
    }

    ReplaySource source;
    try {
        source = loadReplaySource(store, request.profileSessionId, request.modelNames);
    } catch (const StoreError& error) {
        throw LiveRunError(error.what(), Kind::BadRequest);
    }
    std::optional<core::ConfigurationTable> table;
    try {
        table.emplace(core::ConfigurationTable::fromProfile(source.models, source.cells)
                          .withAccuracies(core::accuracyOf(source.correctness)));
    } catch (const std::invalid_argument& error) {
        throw LiveRunError(
            "profile session " + std::to_string(source.session.id) + " cannot drive a controller: " + error.what(),
            Kind::BadRequest);
    }

    core::OpenedBackend opened = openDeviceBackend(source.device, source.session.id);
    core::PowerBackend& backend = *opened.backend;
    for (const double capW : table->capsW()) {
        if (!backend.capRange().contains(capW))
            throw LiveRunError("profile session " + std::to_string(source.session.id) + " measured cap "
                    + core::formatPowerW(capW, 1) + ", outside what " + backend.name() + " accepts here ("
                    + backend.capRange().describe() + ")",
                Kind::Unavailable);
    }
    auto* emulated = dynamic_cast<core::EmulatedBackend*>(&backend);

    core::FashionMnist data;
    try {
        data = core::loadFashionMnist();
    } catch (const std::runtime_error& error) {
        throw LiveRunError(error.what(), Kind::Unavailable);
    }
    std::vector<core::Candidate> candidates;
    for (const core::ModelRecord& model : source.models) {
        try {
            candidates.push_back(core::loadModelCandidate(model));
        } catch (const std::exception& error) {
            throw LiveRunError(error.what(), Kind::Unavailable);
        }
    }
    std::optional<core::CandidateEngine> engine;
    try {
        engine.emplace(std::move(candidates), data.test, emulated, request.threads);
    } catch (const std::invalid_argument& error) {
        throw LiveRunError(error.what(), Kind::BadRequest);
    }

    store.requireWritable();
    const double idleW = request.idlePowerW >= 0.0 ? request.idlePowerW
        : emulated != nullptr                      ? emulated->model().profile().idlePowerW
                                                   : measureIdlePowerW(backend, std::chrono::milliseconds(1000));
    for (const core::GoalChange& change : schedule) {
        const std::string reason = core::infeasibilityReason(*table, change.goals, idleW);
        if (!reason.empty())
            throw LiveRunError(
                (change.fromInput == 0 ? std::string("infeasible goals: ")
                                       : "infeasible goals from input " + std::to_string(change.fromInput) + ": ")
                    + reason,
                Kind::BadRequest);
    }
    core::AlertSettings alert = request.alert;
    alert.idlePower.initialPowerW = idleW;
    alert.dryRun = request.dryRun;
    core::OracleSettings oracle;
    oracle.failAccuracy = alert.estimator.failAccuracy;
    oracle.tolerances = { alert.estimator.accuracyTieTolerance, alert.estimator.energyTieTolerance };
    const core::SlowdownTrace trace = uncontendedTrace(request.workload.inputs, idleW);
    std::optional<core::ReplayEnvironment> hindsight;
    std::unique_ptr<core::Controller> controller;
    try {
        hindsight.emplace(*table, trace, source.correctness);
        if (fixed)
            controller = std::make_unique<core::FixedController>(
                *table, core::FixedController::parse(*table, request.controller));
        else
            controller = core::makeController(kind, *hindsight, alert, oracle, request.goals);
    } catch (const std::invalid_argument& error) {
        throw LiveRunError(error.what(), Kind::BadRequest);
    }

    core::LiveSessionOptions options;
    options.workload = request.workload;
    options.goalSchedule = schedule;
    options.contention = plan;
    options.intensity = request.intensity;
    options.violationWindow = request.violationWindow;
    options.shouldStop = request.shouldStop;
    options.wait = wait ? *wait : emulated != nullptr ? core::ArrivalWait::Spin : core::ArrivalWait::Sleep;
    std::optional<core::LiveSession> session;
    try {
        session.emplace(*table, *controller, backend, *engine, options);
    } catch (const std::invalid_argument& error) {
        throw LiveRunError(error.what(), Kind::BadRequest);
    }

    LiveRunResult result;
    LiveRunStart& start = result.start;
    start.backend = backend.name();
    start.emulated = backend.isEmulated();
    start.deviceDescription = backend.deviceDescription();
    for (std::size_t d = 0; d < table->modelCount(); ++d) {
        start.models.push_back(table->model(d).name);
        start.modelIds.push_back(table->model(d).id);
    }
    start.capsW = table->capsW();
    start.idlePowerW = idleW;

    core::RunRecord& run = start.run;
    run.deviceId = source.session.deviceId;
    run.profileSessionId = source.session.id;
    run.controller = request.controller;
    run.goalMode = core::toString(request.goals.mode);
    run.deadlineMs = request.goals.deadlineMs;
    run.energyBudgetJ = request.goals.energyBudgetJ;
    run.accuracyGoal = request.goals.accuracyGoal;
    run.scenario = core::toString(request.workload.scenario);
    run.contentionSpec = request.contentionSpec;
    run.seed = request.workload.seed;
    run.inputCount = request.workload.inputs;
    run.status = core::SessionStatus::Running;
    run.settingsJson = runSettings(
        request, start, *controller, session->contention(), trace.description, core::toString(options.wait))
                           .dump();
    RunRepository runs(store);
    runs.createRun(run);

    RunStepWriter writer(store.path());
    WriterSink sink(writer, run.id);
    try {
        core::CapGuard guard(backend);
        observer.onStarted(start, *session);
        result.session = session->run(sink, request.progress, request.progressRing);
        guard.restoreNow();
        writer.close();
    } catch (...) {
        try {
            writer.close();
        } catch (const std::exception&) {
            // The first error is the one to report.
        }
        try {
            runs.finishRun(run.id, core::SessionStatus::Failed, core::isoTimeUtcNow());
        } catch (const std::exception&) {
        }
        throw;
    }
    result.status = result.session.stopped ? core::SessionStatus::Cancelled : core::SessionStatus::Complete;
    runs.finishRun(run.id, result.status, core::isoTimeUtcNow());
    run.status = result.status;
    return result;
}

} // namespace awb::db
