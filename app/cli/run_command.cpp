// `alertwb-cli run`: ALERT (or a baseline) driving real inference of the profiled candidates on
// Fashion-MNIST test images, input by input, against a workload with real co-running load; every
// step and event goes to the store. A live status line on stderr; Ctrl-C stops cleanly (caps
// restored, co-runners stopped, steps flushed, run marked cancelled); --json prints the summary.
#include "app/cli/cli_context.h"
#include "app/cli/interrupt_scope.h"
#include "core/power/power_backend.h"
#include "database/live_run.h"
#include "database/repositories.h"
#include "database/store_error.h"

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace awb::cli {

namespace {

    struct RunOptions {
        std::string goal;
        double deadlineMs = 0.0;
        double energyBudgetJ = 0.0;
        double accuracyGoal = 0.0;
        std::string scenario = "single-stream";
        std::string models;
        std::vector<int> contentionCores;
        int contentionWorkers = 0;
        double contentionArrayMib = 0.0;
        db::LiveRunRequest request;
    };

    core::Goals goalsOf(const RunOptions& options)
    {
        if (options.goal.empty())
            throw CliError("--goal is required: max-accuracy (with --energy-budget-j) or min-energy (with "
                           "--accuracy-goal)");
        core::Goals goals;
        try {
            goals.mode = core::goalModeFromString(options.goal);
        } catch (const std::invalid_argument& error) {
            throw CliError(error.what());
        }
        if (options.deadlineMs <= 0.0)
            throw CliError("--deadline-ms is required: the deadline of every input (and the period of single-stream)");
        goals.deadlineMs = options.deadlineMs;
        if (goals.mode == core::GoalMode::MaximizeAccuracy) {
            if (options.accuracyGoal != 0.0)
                throw CliError("--accuracy-goal belongs to --goal min-energy; max-accuracy takes --energy-budget-j");
            if (options.energyBudgetJ <= 0.0)
                throw CliError("--goal max-accuracy needs --energy-budget-j (J per input)");
            goals.energyBudgetJ = options.energyBudgetJ;
        } else {
            if (options.energyBudgetJ != 0.0)
                throw CliError("--energy-budget-j belongs to --goal max-accuracy; min-energy takes --accuracy-goal");
            if (options.accuracyGoal <= 0.0)
                throw CliError("--goal min-energy needs --accuracy-goal (a fraction, e.g. 0.85)");
            goals.accuracyGoal = options.accuracyGoal;
        }
        try {
            goals.validate();
        } catch (const std::invalid_argument& error) {
            throw CliError(error.what());
        }
        return goals;
    }

    // The live status line: polls the loop's mailbox, never blocks the loop. On a terminal it
    // rewrites one line five times a second; in a log, one line every five seconds.
    class StatusLine {
    public:
        StatusLine(core::ProgressMailbox& mailbox, const std::map<std::int64_t, std::string>& modelNames, bool quiet)
            : m_mailbox(mailbox)
            , m_modelNames(modelNames)
            , m_tty(isatty(STDERR_FILENO) != 0)
        {
            if (!quiet)
                m_thread = std::thread([this] { loop(); });
        }
        ~StatusLine() { stop(); }
        void stop()
        {
            m_done = true;
            if (m_thread.joinable())
                m_thread.join();
        }

    private:
        void loop()
        {
            const auto period = m_tty ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
            auto next = std::chrono::steady_clock::now() + period;
            while (!m_done) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                if (std::chrono::steady_clock::now() < next)
                    continue;
                next += period;
                if (auto delivery = m_mailbox.take())
                    print(delivery->value);
            }
            if (auto delivery = m_mailbox.take())
                print(delivery->value);
            if (m_tty && m_printed)
                std::cerr << '\n';
        }

        void print(const core::LiveProgress& p)
        {
            const auto name = m_modelNames.find(p.step.modelId);
            std::ostringstream line;
            line << std::fixed << '[' << p.inputsDone << '/' << p.inputsTotal << "] " << std::setprecision(1)
                 << p.elapsedS << " s  xi " << std::setprecision(2) << p.step.xiMean << "+-" << p.step.xiStd << "  "
                 << (name != m_modelNames.end() ? name->second : "?") << " out " << p.step.outputReached << " @ "
                 << std::setprecision(1) << p.step.powerCapW << " W  miss " << p.deadlineMissRate * 100.0 << " %  acc "
                 << p.accuracy * 100.0 << " %  " << std::setprecision(4) << p.energyPerInputJ << " J/input  "
                 << core::toString(p.contention) << "  dropped " << m_mailbox.totalDropped();
            std::cerr << (m_tty ? "\r\033[K" : "") << line.str() << (m_tty ? "" : "\n") << std::flush;
            m_printed = true;
        }

        core::ProgressMailbox& m_mailbox;
        std::map<std::int64_t, std::string> m_modelNames;
        bool m_tty;
        bool m_printed = false;
        std::atomic<bool> m_done { false };
        std::thread m_thread;
    };

    class StderrObserver : public db::LiveRunObserver {
    public:
        void onStarted(const db::LiveRunStart& start, core::LiveSession&) override
        {
            const core::RunRecord& run = start.run;
            std::cerr << "run " << run.id << ": " << run.controller << " on " << start.models.size() << " model(s) x "
                      << start.capsW.size() << " cap(s) of profile session " << run.profileSessionId << ", "
                      << run.inputCount << " inputs, " << run.scenario << ", " << run.goalMode << " deadline "
                      << run.deadlineMs << " ms" << (run.contentionSpec.empty() ? "" : ", contention ")
                      << run.contentionSpec << ", backend " << start.backend << " (" << start.deviceDescription
                      << (start.emulated ? "; every power and energy figure is emulated" : "") << ")\n";
        }
    };

    void runLive(const CliContext& context, RunOptions& options)
    {
        db::LiveRunRequest& request = options.request;
        request.goals = goalsOf(options);
        try {
            request.workload.scenario = core::scenarioFromString(options.scenario);
        } catch (const std::invalid_argument& error) {
            throw CliError(error.what());
        }
        if (request.workload.scenario == core::Scenario::Server && request.workload.arrivalRatePerS <= 0.0)
            throw CliError("--scenario server needs --rate (inputs per second)");
        if (request.workload.scenario == core::Scenario::SingleStream && request.workload.arrivalRatePerS > 0.0)
            throw CliError("--rate is for --scenario server; single-stream sends one input per deadline period");
        request.modelNames = splitCommaList(options.models);
        if (!options.models.empty() && request.modelNames.empty())
            throw CliError("the candidate set is empty: --models names no model");
        request.intensity.workers = options.contentionWorkers;
        request.intensity.cores = options.contentionCores;
        request.intensity.memoryArrayBytes = static_cast<std::size_t>(options.contentionArrayMib * 1024.0 * 1024.0);
        request.shouldStop = [] { return InterruptScope::interrupted(); };
        core::ProgressMailbox mailbox;
        request.progress = &mailbox;

        auto store = context.openStoreWithShippedModels();
        std::map<std::int64_t, std::string> modelNames;
        for (const core::ModelRecord& model : db::ModelRepository(store).list())
            modelNames.emplace(model.id, model.name);

        StderrObserver observer;
        db::LiveRunResult result;
        {
            StatusLine status(mailbox, modelNames, false);
            try {
                const InterruptScope interrupts; // before the run's CapGuard: see interrupt_scope.h
                result = db::runLiveSession(store, request, observer);
            } catch (const db::LiveRunError& error) {
                status.stop();
                throw CliError(error.what(), error.kind() == db::LiveRunError::Kind::BadRequest ? 2 : 1);
            } catch (const core::PowerError& error) {
                status.stop();
                throw CliError(error.what(), 1);
            }
        }

        const core::ReplayMetrics& m = result.session.metrics;
        const core::LiveSessionResult& s = result.session;
        const bool stopped = result.status == core::SessionStatus::Cancelled;
        if (s.achievedRatePerS < 0.95 * s.targetRatePerS)
            std::cerr << "warning: the machine could not sustain the workload: it asked for " << std::fixed
                      << std::setprecision(1) << s.targetRatePerS << " inputs/s and " << s.achievedRatePerS
                      << " were handled (an input waited up to " << s.maxStartDelayMs
                      << " ms for its predecessor); lower the rate or lengthen the deadline\n";
        if (context.json) {
            const nlohmann::ordered_json document { { "run", result.start.run.id }, { "inputs", m.inputs },
                { "accuracy", 1.0 - m.errorRate }, { "deadline_miss_rate", m.deadlineMissRate },
                { "energy_j_per_input", m.energyPerInputJ }, { "goal_violation_rate", m.violationRate },
                { "backend", result.start.backend }, { "emulated", result.start.emulated },
                { "controller", result.start.run.controller }, { "status", core::toString(result.status) },
                { "target_rate_per_s", s.targetRatePerS }, { "achieved_rate_per_s", s.achievedRatePerS },
                { "cap_writes", m.capWrites }, { "wall_s", s.wallS }, { "inference_s", s.inferenceS },
                { "loop_work_s", s.loopWorkS }, { "max_start_delay_ms", s.maxStartDelayMs } };
            std::cout << document.dump(2) << '\n';
        } else {
            std::cout << std::fixed << "run " << result.start.run.id << (stopped ? " interrupted" : " complete") << ": "
                      << m.inputs << " inputs in " << std::setprecision(1) << s.wallS << " s, accuracy "
                      << (1.0 - m.errorRate) * 100.0 << " %, deadline misses " << std::setprecision(2)
                      << m.deadlineMissRate * 100.0 << " %, " << std::setprecision(4) << m.energyPerInputJ
                      << " J per input" << (result.start.emulated ? " (emulated)" : "") << ", goal violated in "
                      << std::setprecision(1) << m.violationRate * 100.0 << " % of " << m.windows << " windows, "
                      << m.capWrites << " cap changes\n"
                      << "steps: alertwb-cli export --table steps --run " << result.start.run.id
                      << " --format csv; replay other controllers on its slowdown: alertwb-cli evaluate --trace "
                         "FILE.csv\n";
        }
        if (stopped)
            throw CliError("interrupted: caps restored, co-runners stopped, " + std::to_string(m.inputs)
                    + " steps of run " + std::to_string(result.start.run.id) + " kept (status cancelled)",
                130);
    }

} // namespace

void registerRunCommand(CLI::App& app, CliContext& context)
{
    auto options = std::make_shared<RunOptions>();
    db::LiveRunRequest& r = options->request;
    auto* command = app.add_subcommand("run",
        "run a controller live: real inference of the profiled models on a workload with real contention, "
        "every step logged");
    command->add_option("--goal", options->goal, "max-accuracy or min-energy");
    command->add_option(
        "--deadline-ms", options->deadlineMs, "deadline per input, ms (single-stream: also the period)");
    command->add_option("--energy-budget-j", options->energyBudgetJ, "max-accuracy: energy budget per input, J");
    command->add_option("--accuracy-goal", options->accuracyGoal, "min-energy: accuracy goal, fraction in (0, 1]");
    command->add_option("--controller", r.controller,
        "alert (default), app-only, sys-only, no-coord, static-oracle, alert-mean-only, alert-fixed-q, "
        "alert-traditional-only, or fixed:MODEL@CAP (one configuration throughout, e.g. fixed:cnn-l@65)");
    command->add_option("--scenario", options->scenario, "single-stream (default) or server");
    command->add_option("--rate", r.workload.arrivalRatePerS, "server: mean Poisson arrivals per second");
    command->add_option("--inputs", r.workload.inputs, "inputs to run (default 1000)")->check(CLI::PositiveNumber);
    command->add_option("--contention", r.contentionSpec, "co-running load by input range, e.g. memory@1000-2000");
    command
        ->add_option("--contention-workers", options->contentionWorkers,
            "co-runner threads per phase (default: one per core of --contention-cores)")
        ->check(CLI::NonNegativeNumber);
    command
        ->add_option("--contention-cores", options->contentionCores,
            "cores the co-runners are pinned to, e.g. 0,1 (default: every core this process may use)")
        ->delimiter(',');
    command
        ->add_option("--contention-array-mib", options->contentionArrayMib,
            "memory co-runners: MiB per triad array (default: twice the last-level cache over 3, at least 64)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--goal-change", r.goalChanges,
        "change goals at an input: INPUT:key=value[,...] with goal, deadline-ms, energy-budget-j, accuracy-goal; "
        "repeatable");
    command->add_option("--session", r.profileSessionId, "profile session id (default: the newest complete one)")
        ->check(CLI::PositiveNumber);
    command->add_option("--models", options->models, "candidate models, comma-separated (default: all profiled)");
    command->add_flag("--dry-run", r.dryRun, "decide and log, but keep the starting configuration");
    command->add_option("--seed", r.workload.seed, "order of the test images and server arrivals (default 1)");
    command->add_option("--threads", r.threads, "LibTorch threads (default 1)")->check(CLI::PositiveNumber);
    command
        ->add_option(
            "--violation-window", r.violationWindow, "inputs per goal-violation window (default 100; 0: the whole run)")
        ->check(CLI::NonNegativeNumber);
    command
        ->add_option("--idle-power-w", r.idlePowerW,
            "initial idle power, W (default: the emulated device's, or measured for 1 s before the run)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--wait", r.wait,
        "how the loop waits for the next input: spin (default on the emulated backend: inference stays as warm as "
        "profiled) or sleep (default on real backends)");
    command->add_option("--xi-r", r.alert.slowdown.measurementVariance, "ALERT's ξ filter R (default 0.0009)");
    addCommonOptions(*command, context);
    command->callback([&context, options] { runLive(context, *options); });
}

} // namespace awb::cli
