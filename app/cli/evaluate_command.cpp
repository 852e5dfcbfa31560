// `alertwb-cli evaluate`: replays ALERT and its baselines (Oracle, Static Oracle, App-only,
// Sys-only, No-coord; with --ablations also mean-only, fixed-Q and traditional-only ALERT) against
// one profile session, the models' per-input correctness and one slowdown trace (a file, or
// synthesized from a contention spec with the measured levels), over a grid of goals in both
// modes. Every controller sees the same environment. Prints the summary normalised to the Oracle
// and the Static Oracle; --json prints everything, with every constant the run used.
#include "app/cli/cli_context.h"
#include "app/cli/evaluate_table.h"
#include "core/control/contention_spec.h"
#include "core/control/evaluation.h"
#include "core/control/goal_grid.h"
#include "core/power/emulated_backend.h"
#include "database/replay_source.h"
#include "database/repositories.h"
#include "database/store_error.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace awb::cli {

namespace {

    struct EvaluateOptions {
        std::int64_t session = 0;
        std::string models;
        std::string goals = "5x5";
        std::string traceFile;
        std::int64_t traceRun = 0;
        std::string contention;
        std::string contentionLevels;
        std::string traceOut;
        std::int64_t inputs = 0;
        std::uint64_t seed = 1;
        double idlePowerW = -1.0; // < 0: the emulated device's, else required
        bool ablations = false;
        bool oracleKnowsCorrectness = false;
        bool profileAccuracy = false;
        std::int64_t window = 0; // the whole run
        int threads = 0;
        std::string sigma2 = "p_plus_r";
        core::AlertSettings alert;
    };

    // Inputs of the environment when the user names none: the test set's size, or longer when the
    // contention spec runs past it.
    constexpr std::int64_t kDefaultInputs = 10000;

    double deviceIdlePowerW(const core::DeviceRecord& device, double requested)
    {
        if (requested >= 0.0)
            return requested;
        if (device.isEmulated() && !device.emulationJson.empty()) {
            try {
                return core::EmulatedDeviceProfile::fromJson(device.emulationJson).idlePowerW;
            } catch (const std::invalid_argument& error) {
                throw CliError(
                    "the emulated device of the profile session is unreadable: " + std::string(error.what()));
            }
        }
        throw CliError("the idle power of device '" + device.host + "' (backend " + device.backend
            + ") is not recorded: give it with --idle-power-w W");
    }

    void applySigma2(EvaluateOptions& options)
    {
        core::SlowdownFilterSettings& s = options.alert.slowdown;
        if (options.sigma2 == "p_plus_r")
            s.predictiveVariance = true, s.includeNextProcessNoise = false;
        else if (options.sigma2 == "p")
            s.predictiveVariance = false, s.includeNextProcessNoise = false;
        else if (options.sigma2 == "p_plus_r_plus_q")
            s.predictiveVariance = true, s.includeNextProcessNoise = true;
        else
            throw CliError("--sigma2 is p_plus_r, p or p_plus_r_plus_q, not '" + options.sigma2 + "'");
    }

    // The slowdown a live run met, input by input, as its steps recorded it (xi_observed).
    core::SlowdownTrace runTrace(db::Store& store, std::int64_t runId, double idleW)
    {
        db::RunRepository runs(store);
        if (!runs.findRun(runId))
            throw CliError("run " + std::to_string(runId) + " is not in the store " + store.path().string());
        core::SlowdownTrace trace;
        for (const core::RunStepRecord& step : runs.steps(runId)) {
            trace.slowdown.push_back(step.xiObserved);
            trace.idlePowerW.push_back(idleW);
        }
        if (trace.slowdown.empty())
            throw CliError("run " + std::to_string(runId) + " has no steps to replay");
        trace.description
            = "live run " + std::to_string(runId) + " (" + std::to_string(trace.size()) + " inputs, xi_observed)";
        return trace;
    }

    core::SlowdownTrace makeTrace(const EvaluateOptions& options, const core::ContentionLevels& levels, double idleW)
    {
        if (!options.traceFile.empty()) {
            core::SlowdownTrace trace = core::readSlowdownTrace(options.traceFile, idleW);
            if (options.inputs > 0 && options.inputs < static_cast<std::int64_t>(trace.size())) {
                trace.slowdown.resize(static_cast<std::size_t>(options.inputs));
                trace.idlePowerW.resize(static_cast<std::size_t>(options.inputs));
            }
            return trace;
        }
        std::vector<core::ContentionPhase> phases;
        if (!options.contention.empty())
            phases = core::parseContentionSpec(options.contention);
        std::int64_t inputs = options.inputs;
        if (inputs <= 0) {
            inputs = kDefaultInputs;
            for (const core::ContentionPhase& phase : phases)
                inputs = std::max(inputs, phase.endInput);
        }
        return core::synthesizeTrace(phases, levels, inputs, idleW, options.seed);
    }

    nlohmann::ordered_json provenance(const db::ReplaySource& source, const core::ConfigurationTable& table,
        const core::SlowdownTrace& trace, const EvaluateOptions& options, const core::ContentionLevels& levels,
        const core::EvaluationOptions& evaluation)
    {
        nlohmann::ordered_json models = nlohmann::ordered_json::array();
        for (std::size_t d = 0; d < table.modelCount(); ++d)
            models.push_back(table.model(d).name);
        nlohmann::ordered_json run { { "profile_session", source.session.id }, { "backend", source.device.backend },
            { "emulated", source.device.isEmulated() }, { "device", source.device.host }, { "models", models },
            { "caps_w", table.capsW() }, { "trace", trace.description }, { "inputs", trace.size() },
            { "test_inputs", source.correctness.front().front().size() }, { "seed", options.seed },
            { "goals", options.goals }, { "violation_window", options.window },
            { "accuracy_source", options.profileAccuracy ? "profile cells" : "per-input correctness (test set)" },
            { "alert", evaluation.alert.toJson() },
            { "oracle",
                { { "knows_correctness", evaluation.oracle.knowsCorrectness },
                    { "fail_accuracy", evaluation.oracle.failAccuracy } } } };
        if (options.traceFile.empty() && options.traceRun == 0)
            run["contention"] = { { "spec", options.contention }, { "levels", levels.toJson() } };
        return run;
    }

    void runEvaluate(const CliContext& context, EvaluateOptions& options)
    {
        if ((!options.traceFile.empty()) + (!options.contention.empty()) + (options.traceRun != 0) > 1)
            throw CliError("give one of --trace FILE, --trace-run ID or --contention SPEC");
        applySigma2(options);
        core::ContentionLevels levels = core::ContentionLevels::measuredDefaults();
        core::GoalGridSpec grid;
        try {
            options.alert.validate();
            if (!options.contentionLevels.empty())
                levels.override(options.contentionLevels);
            grid = core::parseGoalGrid(options.goals);
        } catch (const std::invalid_argument& error) {
            throw CliError(error.what());
        }

        const std::vector<std::string> modelNames = splitCommaList(options.models);
        if (!options.models.empty() && modelNames.empty())
            throw CliError("the candidate set is empty: --models names no model");
        auto store = context.openExistingStore();
        std::int64_t sessionId = options.session;
        if (options.traceRun != 0 && sessionId == 0) {
            // By default the run is replayed against the profile its controller decided over.
            const auto run = db::RunRepository(store).findRun(options.traceRun);
            if (run && run->profileSessionId != 0)
                sessionId = run->profileSessionId;
        }
        db::ReplaySource source;
        try {
            source = db::loadReplaySource(store, sessionId, modelNames);
        } catch (const db::StoreError& error) {
            throw CliError(error.what());
        }
        const double idleW = deviceIdlePowerW(source.device, options.idlePowerW);
        options.alert.idlePower.initialPowerW = idleW;

        try {
            // The profile's accuracy comes from its first --eval-samples test images; the replay
            // cycles over the whole test set, so by default the controllers know the accuracy the
            // replayed inputs will show (the mean of the per-input correctness).
            core::ConfigurationTable table = core::ConfigurationTable::fromProfile(source.models, source.cells);
            if (!options.profileAccuracy)
                table = table.withAccuracies(core::accuracyOf(source.correctness));
            core::SlowdownTrace trace
                = options.traceRun != 0 ? runTrace(store, options.traceRun, idleW) : makeTrace(options, levels, idleW);
            if (options.traceRun != 0 && options.inputs > 0
                && options.inputs < static_cast<std::int64_t>(trace.size())) {
                trace.slowdown.resize(static_cast<std::size_t>(options.inputs));
                trace.idlePowerW.resize(static_cast<std::size_t>(options.inputs));
            }
            if (!options.traceOut.empty()) {
                std::ofstream out(options.traceOut);
                core::writeSlowdownTrace(out, trace);
                if (!out)
                    throw CliError("cannot write the trace to " + options.traceOut, 1);
            }
            const core::ReplayEnvironment environment(table, trace, source.correctness);

            core::EvaluationOptions evaluation;
            evaluation.settings = core::buildGoalGrid(grid, table, idleW);
            evaluation.ablations = options.ablations;
            evaluation.alert = options.alert;
            evaluation.oracle.knowsCorrectness = options.oracleKnowsCorrectness;
            evaluation.oracle.failAccuracy = options.alert.estimator.failAccuracy;
            evaluation.oracle.tolerances
                = { options.alert.estimator.accuracyTieTolerance, options.alert.estimator.energyTieTolerance };
            evaluation.replay.violationWindow = options.window;
            evaluation.replay.timeDecisions = true;
            evaluation.threads = options.threads;

            std::cerr << "evaluating " << core::evaluatedControllers(options.ablations).size() << " controllers on "
                      << evaluation.settings.size() << " goal settings, " << trace.size() << " inputs each ("
                      << trace.description << "), profile session " << source.session.id
                      << (source.device.isEmulated() ? " [emulated]" : "") << '\n';
            const auto started = std::chrono::steady_clock::now();
            const core::EvaluationReport report
                = core::evaluateControllers(environment, evaluation, [](int done, int total) {
                      if (done == total || done % 10 == 0)
                          std::cerr << '[' << done << '/' << total << "] settings replayed\n";
                  });
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

            const EvaluationHeader header { source.session.id, source.device.backend, source.device.isEmulated(),
                table.modelCount(), table.capCount(), trace.size(), trace.description, seconds };
            if (context.json) {
                nlohmann::ordered_json document = core::toJson(report);
                document["run"] = provenance(source, table, trace, options, levels, evaluation);
                document["run"]["replay_seconds"] = seconds;
                std::cout << document.dump(2) << '\n';
                printEvaluationTables(std::cerr, header, report);
            } else {
                printEvaluationTables(std::cout, header, report);
            }
        } catch (const std::invalid_argument& error) {
            throw CliError(error.what());
        }
    }

} // namespace

void registerEvaluateCommand(CLI::App& app, CliContext& context)
{
    auto options = std::make_shared<EvaluateOptions>();
    auto* command = app.add_subcommand("evaluate",
        "replay ALERT and the baselines over a grid of goals against a profile, per-input correctness and a "
        "slowdown trace");
    command->add_option("--session", options->session, "profile session id (default: the newest complete one)")
        ->check(CLI::PositiveNumber);
    command->add_option("--models", options->models, "candidate models, comma-separated (default: all profiled)");
    command->add_option("--goals", options->goals,
        "goal grid: NxM (automatic, both modes), or deadline_ms=…;energy_j=…;accuracy=…;mode=… (default 5x5)");
    command->add_option("--trace", options->traceFile, "slowdown trace CSV (slowdown or xi_observed column)");
    command
        ->add_option("--trace-run", options->traceRun,
            "replay the slowdown a live run met (its steps' xi_observed), against its profile by default")
        ->check(CLI::PositiveNumber);
    command->add_option(
        "--contention", options->contention, "synthesize the trace: e.g. memory@2000-4000,compute@6000-8000");
    command->add_option("--contention-levels", options->contentionLevels,
        "override measured levels: kind=slowdown[:spread[:idle factor]],…");
    command->add_option("--trace-out", options->traceOut, "write the trace used to this CSV file");
    command->add_option("--inputs", options->inputs, "inputs to replay (default: the trace's, or 10000)")
        ->check(CLI::PositiveNumber);
    command->add_option("--seed", options->seed, "seed of the synthesized trace (default 1)");
    command
        ->add_option(
            "--idle-power-w", options->idlePowerW, "idle power of the device, W (default: the emulated device's)")
        ->check(CLI::NonNegativeNumber);
    command->add_flag("--ablations", options->ablations, "also ALERT mean-only, fixed-Q and traditional-only");
    command->add_flag("--oracle-knows-correctness", options->oracleKnowsCorrectness,
        "the Oracle also knows which inputs each model classifies correctly");
    command->add_flag("--profile-accuracy", options->profileAccuracy,
        "use the profile cells' accuracy instead of the per-input correctness's mean");
    command
        ->add_option("--window", options->window,
            "inputs per goal-violation window (default 0: the whole run, so a setting is violated or not)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--threads", options->threads, "settings replayed in parallel (default: hardware threads)")
        ->check(CLI::NonNegativeNumber);
    core::AlertSettings& a = options->alert;
    command->add_option("--xi-mu0", a.slowdown.initialMean, "ξ filter μ0 (default 1)");
    command->add_option("--xi-p0", a.slowdown.initialVariance, "ξ filter P0 (default 0.1)");
    command->add_option("--xi-r", a.slowdown.measurementVariance, "ξ filter R (default 0.0009)");
    command->add_option("--xi-q0", a.slowdown.minProcessNoise, "ξ filter Q0 (default 1e-4)");
    command->add_option("--xi-alpha", a.slowdown.processNoiseSmoothing, "ξ filter α (default 0.3)");
    command->add_option("--sigma2", options->sigma2, "σ² of the estimator: p_plus_r (default), p, p_plus_r_plus_q");
    command->add_option("--idle-q", a.idlePower.processNoiseW2, "idle-power filter Q, W² (default 0.01)");
    command->add_option("--idle-r", a.idlePower.measurementVarianceW2, "idle-power filter R, W² (default 0.25)");
    command->add_option("--fail-accuracy", a.estimator.failAccuracy, "accuracy of a missed deadline (default 0.1)");
    command->add_option("--energy-quadrature", a.estimator.energyQuadraturePoints,
        "Gauss–Hermite points for expected energy: 0 (plug-in mean, default), 3 or 5");
    addCommonOptions(*command, context);
    command->callback([&context, options] { runEvaluate(context, *options); });
}

} // namespace awb::cli
