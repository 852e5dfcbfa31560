// `alertwb-cli evaluate`: replays ALERT and its baselines (Oracle, Static Oracle, App-only,
// Sys-only, No-coord; with --ablations also mean-only, fixed-Q and traditional-only ALERT) against
// one profile session, the models' per-input correctness and one slowdown trace (a file, or
// synthesized from a contention spec with the measured levels), over a grid of goals in both
// modes. Every controller sees the same environment. Prints the summary normalised to the Oracle
// and the Static Oracle; --json prints everything, with every constant the run used.
#include "app/cli/cli_context.h"
#include "app/cli/evaluate_table.h"
#include "core/control/evaluation.h"
#include "database/comparison.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace awb::cli {

namespace {

    struct EvaluateOptions {
        std::string traceFile;
        std::int64_t traceRun = 0;
        std::string contention;
        std::string traceOut;
        std::string modelsText; // --models, comma-separated
        std::string sigma2 = "p_plus_r";
        db::ComparisonRequest request; // goals "5x5", seed 1, the whole run as violation window
    };

    void applySigma2(EvaluateOptions& options)
    {
        core::SlowdownFilterSettings& s = options.request.alert.slowdown;
        if (options.sigma2 == "p_plus_r")
            s.predictiveVariance = true, s.includeNextProcessNoise = false;
        else if (options.sigma2 == "p")
            s.predictiveVariance = false, s.includeNextProcessNoise = false;
        else if (options.sigma2 == "p_plus_r_plus_q")
            s.predictiveVariance = true, s.includeNextProcessNoise = true;
        else
            throw CliError("--sigma2 is p_plus_r, p or p_plus_r_plus_q, not '" + options.sigma2 + "'");
    }

    nlohmann::ordered_json provenance(const db::PreparedComparison& prepared, const EvaluateOptions& options)
    {
        const db::ReplaySource& source = prepared.source;
        const core::ConfigurationTable& table = prepared.table;
        const core::SlowdownTrace& trace = prepared.environments.front().trace;
        const core::EvaluationOptions& evaluation = prepared.evaluation;
        const db::ComparisonRequest& request = options.request;
        nlohmann::ordered_json models = nlohmann::ordered_json::array();
        for (std::size_t d = 0; d < table.modelCount(); ++d)
            models.push_back(table.model(d).name);
        nlohmann::ordered_json run { { "profile_session", source.session.id }, { "backend", source.device.backend },
            { "emulated", source.device.isEmulated() }, { "device", source.device.host }, { "models", models },
            { "caps_w", table.capsW() }, { "trace", trace.description }, { "inputs", trace.size() },
            { "test_inputs", source.correctness.front().front().size() }, { "seed", request.seed },
            { "goals", request.goals }, { "violation_window", request.violationWindow },
            { "accuracy_source", request.profileAccuracy ? "profile cells" : "per-input correctness (test set)" },
            { "alert", evaluation.alert.toJson() },
            { "oracle",
                { { "knows_correctness", evaluation.oracle.knowsCorrectness },
                    { "fail_accuracy", evaluation.oracle.failAccuracy } } } };
        if (options.traceFile.empty() && options.traceRun == 0)
            run["contention"] = { { "spec", options.contention }, { "levels", prepared.levels.toJson() } };
        return run;
    }

    void runEvaluate(const CliContext& context, EvaluateOptions& options)
    {
        if ((!options.traceFile.empty()) + (!options.contention.empty()) + (options.traceRun != 0) > 1)
            throw CliError("give one of --trace FILE, --trace-run ID or --contention SPEC");
        applySigma2(options);
        db::ComparisonRequest& request = options.request;
        db::ComparisonEnvironment environment;
        environment.contention = options.contention;
        environment.traceFile = options.traceFile;
        environment.traceRun = options.traceRun;
        request.environments = { environment };
        try {
            db::validateComparisonRequest(request);
        } catch (const db::ComparisonError& error) {
            throw CliError(error.what());
        }
        request.modelNames = splitCommaList(options.modelsText);
        if (!options.modelsText.empty() && request.modelNames.empty())
            throw CliError("the candidate set is empty: --models names no model");

        auto store = context.openExistingStore();
        const db::PreparedComparison prepared = [&] {
            try {
                return db::prepareComparison(store, request);
            } catch (const db::ComparisonError& error) {
                throw CliError(error.what());
            }
        }();
        const core::SlowdownTrace& trace = prepared.environments.front().trace;
        if (!options.traceOut.empty()) {
            std::ofstream out(options.traceOut);
            core::writeSlowdownTrace(out, trace);
            if (!out)
                throw CliError("cannot write the trace to " + options.traceOut, 1);
        }

        try {
            std::cerr << "evaluating " << core::evaluatedControllers(request.ablations).size() << " controllers on "
                      << prepared.evaluation.settings.size() << " goal settings, " << trace.size()
                      << " inputs each (" << trace.description << "), profile session " << prepared.source.session.id
                      << (prepared.source.device.isEmulated() ? " [emulated]" : "") << '\n';
            const db::ComparisonResult result
                = db::runComparison(prepared, request, [](const db::ComparisonProgress& progress) {
                      const int done = progress.settingsDone;
                      if (done == progress.settingsTotal || done % 10 == 0)
                          std::cerr << '[' << done << '/' << progress.settingsTotal << "] settings replayed\n";
                  });
            const db::EnvironmentReport& replayed = result.environments.front();

            const EvaluationHeader header { prepared.source.session.id, prepared.source.device.backend,
                prepared.source.device.isEmulated(), prepared.table.modelCount(), prepared.table.capCount(),
                trace.size(), trace.description, replayed.replaySeconds };
            if (context.json) {
                nlohmann::ordered_json document = core::toJson(replayed.report);
                document["run"] = provenance(prepared, options);
                document["run"]["replay_seconds"] = replayed.replaySeconds;
                std::cout << document.dump(2) << '\n';
                printEvaluationTables(std::cerr, header, replayed.report);
            } else {
                printEvaluationTables(std::cout, header, replayed.report);
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
    command->add_option("--session", options->request.sessionId, "profile session id (default: the newest complete one)")
        ->check(CLI::PositiveNumber);
    command->add_option("--models", options->modelsText, "candidate models, comma-separated (default: all profiled)");
    command->add_option("--goals", options->request.goals,
        "goal grid: NxM (automatic, both modes), or deadline_ms=…;energy_j=…;accuracy=…;mode=… (default 5x5)");
    command->add_option("--trace", options->traceFile, "slowdown trace CSV (slowdown or xi_observed column)");
    command
        ->add_option("--trace-run", options->traceRun,
            "replay the slowdown a live run met (its steps' xi_observed), against its profile by default")
        ->check(CLI::PositiveNumber);
    command->add_option(
        "--contention", options->contention, "synthesize the trace: e.g. memory@2000-4000,compute@6000-8000");
    command->add_option("--contention-levels", options->request.contentionLevels,
        "override measured levels: kind=slowdown[:spread[:idle factor]],…");
    command->add_option("--trace-out", options->traceOut, "write the trace used to this CSV file");
    command->add_option("--inputs", options->request.inputs, "inputs to replay (default: the trace's, or 10000)")
        ->check(CLI::PositiveNumber);
    command->add_option("--seed", options->request.seed, "seed of the synthesized trace (default 1)");
    command
        ->add_option(
            "--idle-power-w", options->request.idlePowerW, "idle power of the device, W (default: the emulated device's)")
        ->check(CLI::NonNegativeNumber);
    command->add_flag("--ablations", options->request.ablations, "also ALERT mean-only, fixed-Q and traditional-only");
    command->add_flag("--oracle-knows-correctness", options->request.oracleKnowsCorrectness,
        "the Oracle also knows which inputs each model classifies correctly");
    command->add_flag("--profile-accuracy", options->request.profileAccuracy,
        "use the profile cells' accuracy instead of the per-input correctness's mean");
    command
        ->add_option("--window", options->request.violationWindow,
            "inputs per goal-violation window (default 0: the whole run, so a setting is violated or not)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--threads", options->request.threads, "settings replayed in parallel (default: hardware threads)")
        ->check(CLI::NonNegativeNumber);
    core::AlertSettings& a = options->request.alert;
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
