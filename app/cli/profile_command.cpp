// `alertwb-cli profile`: sweeps the store's models × power caps × outputs on one power backend
// and records every cell in the store as it finishes.
//
// A sweep is a profile session. Its settings (backend, models, caps, warm-up, replicates, ...)
// are stored with it; running the same command again after a kill or a Ctrl-C finds the
// unfinished session with identical settings on the same device and measures only the cells it
// lacks (or `--resume ID` names the session). Caps are put back by a CapGuard on every exit
// path (see core/power/cap_guard.h). The sweep itself is db::runProfileSweep, shared with the
// GUI's Profile page.
#include "app/cli/cli_context.h"
#include "app/cli/interrupt_scope.h"
#include "database/profile_sweep.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace awb::cli {

namespace {

    struct ProfileOptions {
        std::string models = "all";
        std::string caps = "auto";
        std::string emulatedProfile; // JSON file, see EmulatedDeviceProfile
        std::int64_t resume = 0;
        db::ProfileSweepRequest request;
    };

    std::vector<std::string> parseModels(const std::string& text)
    {
        if (text == "all")
            return {};
        std::vector<std::string> names = splitCommaList(text);
        if (names.empty())
            throw CliError("--models names no model");
        return names;
    }

    core::EmulatedDeviceProfile readEmulatedProfile(const std::string& file)
    {
        if (file.empty())
            return {};
        std::ifstream in(file);
        if (!in)
            throw CliError("cannot read the emulated device profile " + file);
        std::stringstream text;
        text << in.rdbuf();
        try {
            return core::EmulatedDeviceProfile::fromJson(text.str());
        } catch (const std::invalid_argument& error) {
            throw CliError("emulated device profile " + file + ": " + error.what());
        }
    }

    // One progress line per cell on stderr; Ctrl-C cancels.
    class StderrObserver : public db::ProfileSweepObserver {
    public:
        void onStarted(const db::ProfileSweepStart& start) override
        {
            m_label = start.emulated ? " [emulated]" : "";
            if (!start.backendNote.empty())
                std::cerr << "backend auto: " << start.backendNote << '\n';
            if (start.cellsAlreadyMeasured > 0)
                std::cerr << "resuming profile session " << start.sessionId << " (" << start.cellsAlreadyMeasured
                          << " cells already measured)\n";
            std::cerr << "profile session " << start.sessionId << ": " << start.modelCount << " model(s) x "
                      << start.capsW.size() << " cap(s) on " << start.backend << " (" << start.deviceDescription
                      << (start.emulated ? "; every power and energy figure is emulated" : "") << ")\n";
        }
        void onProgress(const core::ProfileProgress& progress) override
        {
            std::cerr << '[' << progress.cellsDone << '/' << progress.cellsTotal << "] " << progress.message
                      << m_label << '\n';
        }
        bool cancelRequested() override { return InterruptScope::interrupted(); }

    private:
        std::string m_label;
    };

    nlohmann::json cellsJson(const std::vector<core::ProfileCellRecord>& cells,
        const std::map<std::int64_t, std::string>& modelNames)
    {
        nlohmann::json array = nlohmann::json::array();
        for (const core::ProfileCellRecord& cell : cells) {
            array.push_back({ { "model", modelNames.at(cell.modelId) }, { "output", cell.outputIndex },
                { "power_cap_w", cell.powerCapW }, { "latency_ms_median", cell.latencyMedianMs },
                { "latency_ms_iqr", cell.latencyIqrMs }, { "latency_ms_p95", cell.latencyP95Ms },
                { "power_w", cell.powerW }, { "energy_j", cell.energyJ }, { "accuracy", cell.accuracy },
                { "noisy", cell.noisy } });
        }
        return array;
    }

    void runProfile(const CliContext& context, ProfileOptions& options)
    {
        db::ProfileSweepRequest& request = options.request;
        db::ProfileSweepResult result;
        StderrObserver observer;
        try {
            request.capsW = db::parseCapList(options.caps);
            if (request.capsW.empty() && options.caps != "auto")
                throw CliError("--caps names no power cap");
            request.modelNames = parseModels(options.models);
            request.emulatedProfile = readEmulatedProfile(options.emulatedProfile);
            request.resumeSessionId = options.resume;
            auto store = context.openStoreWithShippedModels();
            const InterruptScope interrupts; // before the sweep's CapGuard: see interrupt_scope.h
            result = db::runProfileSweep(store, request, observer);
        } catch (const db::ProfileSweepError& error) {
            throw CliError(error.what(), error.kind() == db::ProfileSweepError::Kind::BadRequest ? 2 : 1);
        }
        const db::ProfileSweepStart& start = result.start;
        if (result.outcome.cancelled) {
            throw CliError("interrupted: caps restored; " + std::to_string(result.cells.size()) + " cells of session "
                    + std::to_string(start.sessionId) + " are kept, run the same command again to finish it",
                130);
        }

        if (context.json) {
            const nlohmann::json document { { "session", start.sessionId }, { "backend", start.backend },
                { "device", start.deviceDescription }, { "cells", cellsJson(result.cells, result.modelNames) } };
            std::cout << document.dump(2) << '\n';
            return;
        }
        std::cout << "profile session " << start.sessionId << " complete: " << result.cells.size() << " cells ("
                  << result.outcome.measured << " measured now, " << result.outcome.skipped << " from before) on "
                  << start.backend << (start.emulated ? " (emulated)" : "") << '\n';
        const auto noisy = std::count_if(
            result.cells.begin(), result.cells.end(), [](const core::ProfileCellRecord& cell) { return cell.noisy; });
        if (noisy > 0)
            std::cout << noisy << " cell(s) are noisy (IQR above 10 % of the median): the machine was busy\n";
        std::cout << "see them with: alertwb-cli frontier --session " << start.sessionId
                  << ", or alertwb-cli export --table profiles\n";
    }

} // namespace

void registerProfileCommand(CLI::App& app, CliContext& context)
{
    auto options = std::make_shared<ProfileOptions>();
    auto* command = app.add_subcommand("profile", "measure models x power caps x outputs into the store");
    command->add_option("--models", options->models, "all (default) or comma-separated model names");
    command->add_option("--caps", options->caps, "auto (6 levels across the range, default) or watts, e.g. 30,45,60");
    command->add_option("--backend", options->request.backend, "auto (default) | rapl | nvml | emulated");
    command->add_option("--gpu", options->request.gpu, "NVML: GPU index (default 0)");
    command->add_option("--emulated-profile", options->emulatedProfile, "emulated: device profile JSON file");
    command->add_option("--warmup", options->request.warmup, "untimed runs before each cell (default 10)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--reps", options->request.replicates, "timed runs per cell (default 200)")->check(CLI::PositiveNumber);
    command->add_option("--eval-samples", options->request.evalSamples, "test images for accuracy (default 2000)")
        ->check(CLI::PositiveNumber);
    command
        ->add_option("--resume", options->resume,
            "finish this unfinished session with its own settings (other sweep options are ignored)")
        ->check(CLI::PositiveNumber);
    addCommonOptions(*command, context);
    command->callback([&context, options] { runProfile(context, *options); });
}

} // namespace awb::cli
