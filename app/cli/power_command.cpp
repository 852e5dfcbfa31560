// `alertwb-cli power status|restore`: the power backends this machine offers and the caps in
// force, and putting back caps an earlier run left behind. `power hold` (hidden) sets a cap
// under a cap guard and waits: the crash tests kill it and check the next start restores.
#include "app/cli/cli_context.h"
#include "core/power/backend_factory.h"
#include "core/power/cap_guard.h"
#include "core/power/nvml_backend.h"
#include "core/power/rapl_backend.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unistd.h>

namespace awb::cli {

namespace {

    // What restorePendingCapsAtStart() did, so that `power restore` can report it rather
    // than say "nothing pending" right after the start restored everything.
    std::optional<core::CapRestoreReport> g_startReport;

    struct BackendStatus {
        core::BackendAvailability availability;
        std::string device;
        std::optional<core::PowerCapRange> range;
        double powerCapW = NAN;
        double counterEnergyJ = NAN;
        double samplingPeriodS = NAN;
        double minWindowS = NAN;
    };

    BackendStatus describeBackend(const std::string& name, unsigned int gpuIndex)
    {
        BackendStatus status;
        status.availability.name = name;
        status.availability.emulated = name == "emulated";
        try {
            const auto opened = core::openPowerBackend(name, gpuIndex);
            const auto& backend = *opened.backend;
            status.availability = backend.availability();
            status.device = backend.deviceDescription();
            status.range = backend.capRange();
            status.samplingPeriodS = backend.energySamplingPeriodS();
            status.minWindowS = backend.minEnergyWindowS();
            status.powerCapW = backend.capW();
            status.counterEnergyJ = backend.counterEnergyJ();
        } catch (const core::PowerError& error) {
            // "RAPL unavailable: why" → "why": the line already starts with "rapl: unavailable".
            std::string reason = error.what();
            if (const auto colon = reason.find(" unavailable: "); colon != std::string::npos && colon < 10)
                reason.erase(0, colon + 14);
            status.availability.reason = reason;
        }
        return status;
    }

    nlohmann::json numberOrNull(double value)
    {
        return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
    }

    nlohmann::json toJson(const BackendStatus& status)
    {
        nlohmann::json range = nullptr;
        if (status.range) {
            range = { { "min_w", status.range->minW }, { "max_w", status.range->maxW },
                { "step_w", status.range->stepW }, { "discrete_w", status.range->discreteW } };
        }
        return { { "name", status.availability.name }, { "emulated", status.availability.emulated },
            { "usable", status.availability.usable }, { "can_set_cap", status.availability.canSetCap },
            { "reason", status.availability.reason }, { "device", status.device }, { "cap_range", range },
            { "power_cap_w", numberOrNull(status.powerCapW) },
            { "energy_counter_j", numberOrNull(status.counterEnergyJ) },
            { "energy_sampling_period_s", numberOrNull(status.samplingPeriodS) },
            { "min_energy_window_s", numberOrNull(status.minWindowS) } };
    }

    nlohmann::json toJson(const core::CapRestoreReport& report)
    {
        return { { "state_file", report.stateFile.string() }, { "pending", report.pending },
            { "owner_pid", report.ownerPid }, { "owner_alive", report.ownerAlive },
            { "earlier_boot", report.earlierBoot }, { "restored", report.restored }, { "vanished", report.vanished },
            { "failed", report.failed }, { "state_file_removed", report.stateFileRemoved },
            { "summary", report.summary() } };
    }

    void printStatus(const BackendStatus& status)
    {
        const auto& availability = status.availability;
        std::cout << availability.name << ": "
                  << (!availability.usable            ? "unavailable"
                             : availability.emulated  ? "usable (emulated)"
                             : availability.canSetCap ? "usable"
                                                      : "energy only");
        if (!availability.reason.empty())
            std::cout << " - " << availability.reason;
        std::cout << '\n';
        if (!availability.usable)
            return;
        const char* label = availability.emulated ? " (emulated)" : "";
        std::cout << "    device:         " << status.device << '\n'
                  << "    cap range:      " << status.range->describe() << label << '\n'
                  << "    current cap:    " << status.powerCapW << " W" << label << '\n'
                  << "    energy counter: " << status.counterEnergyJ << " J" << label << '\n';
        if (std::isfinite(status.samplingPeriodS))
            std::cout << "    counter wraps:  sample at least every " << std::lround(status.samplingPeriodS) << " s\n";
        if (status.minWindowS > 0.0)
            std::cout << "    energy windows: at least " << status.minWindowS << " s\n";
    }

    void runStatus(const CliContext& context, unsigned int gpuIndex)
    {
        std::vector<BackendStatus> statuses;
        for (const char* name : { "rapl", "nvml", "emulated" })
            statuses.push_back(describeBackend(name, gpuIndex));
        const auto stateFile = core::capStateFilePath();
        std::optional<core::CapStateRecord> pending;
        std::string stateError;
        try {
            pending = core::readCapState(stateFile);
        } catch (const core::PowerError& error) {
            stateError = error.what();
        }
        const bool ownerAlive = pending && core::capStateOwnerAlive(*pending);
        if (context.json) {
            nlohmann::json backends = nlohmann::json::array();
            for (const auto& status : statuses)
                backends.push_back(toJson(status));
            nlohmann::json state = { { "path", stateFile.string() }, { "pending", pending.has_value() },
                { "owner_pid", pending ? pending->ownerPid : 0 }, { "owner_alive", ownerAlive },
                { "error", stateError } };
            std::cout << nlohmann::json { { "state_file", state }, { "backends", backends } }.dump(2) << '\n';
            return;
        }
        std::cout << std::fixed;
        std::cout.precision(3);
        std::cout << "Caps record: " << stateFile.string();
        if (!stateError.empty())
            std::cout << " (" << stateError << ")\n";
        else if (!pending)
            std::cout << " (none: no caps held by alertwb)\n";
        else if (ownerAlive)
            std::cout << " (held by running alertwb process " << pending->ownerPid << ")\n";
        else
            std::cout << " (left by alertwb process " << pending->ownerPid << ", which is gone: run `alertwb-cli power "
                      << "restore`)\n";
        for (const auto& status : statuses)
            printStatus(status);
    }

    void runRestore(const CliContext& context, bool force)
    {
        core::CapRestoreReport report;
        try {
            report = g_startReport && g_startReport->pending && !g_startReport->ownerAlive
                ? *g_startReport
                : core::restorePendingCaps(core::capStateFilePath(), force);
        } catch (const core::PowerError& error) {
            throw CliError(error.what(), 1);
        }
        if (context.json) {
            std::cout << toJson(report).dump(2) << '\n';
        } else {
            std::cout << report.summary() << '\n';
            for (const auto& line : report.restored)
                std::cout << "  restored " << line << '\n';
            for (const auto& line : report.vanished)
                std::cout << "  skipped  " << line << '\n';
            for (const auto& line : report.failed)
                std::cout << "  FAILED   " << line << '\n';
        }
        if (!report.ok())
            throw CliError(report.summary(), 1);
    }

    void runHold(const std::string& backendName, double capW, double seconds, unsigned int gpuIndex)
    {
        try {
            auto opened = core::openPowerBackend(backendName, gpuIndex);
            core::CapGuard guard(*opened.backend);
            const double enforcedW = opened.backend->setCapW(capW);
            std::cout << "holding " << opened.backend->name() << " cap at " << enforcedW << " W (requested " << capW
                      << " W, was " << guard.original().capW << " W); pid " << getpid() << std::endl;
            if (seconds > 0.0) {
                std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
            } else {
                for (;;)
                    pause(); // until a signal: the guard's handler restores and re-raises
            }
        } catch (const core::PowerCapRangeError& error) {
            throw CliError(error.what(), 2);
        } catch (const std::invalid_argument& error) {
            throw CliError(error.what(), 2);
        } catch (const core::PowerError& error) {
            throw CliError(error.what(), 1);
        }
    }

} // namespace

void restorePendingCapsAtStart()
{
    try {
        const auto report = core::restorePendingCaps();
        g_startReport = report;
        if (report.pending && !report.ownerAlive)
            std::cerr << "alertwb-cli: " << report.summary() << '\n';
    } catch (const core::PowerError& error) {
        std::cerr << "alertwb-cli: warning: " << error.what() << '\n';
    }
}

void registerPowerCommand(CLI::App& app, CliContext& context)
{
    auto* power = app.add_subcommand("power", "power backends, and caps back to what was found before our runs");
    power->require_subcommand(1);

    auto gpuIndex = std::make_shared<unsigned int>(0);
    auto* status = power->add_subcommand("status", "each backend: cap range, current cap, energy counter");
    status->add_option("--gpu", *gpuIndex, "NVML GPU index (default 0)");
    addCommonOptions(*status, context);
    status->callback([&context, gpuIndex] { runStatus(context, *gpuIndex); });

    auto force = std::make_shared<bool>(false);
    auto* restore = power->add_subcommand("restore", "put back the caps an earlier run left (state file)");
    restore->add_flag("--force", *force, "restore even though the process holding the caps still runs");
    addCommonOptions(*restore, context);
    restore->callback([&context, force] { runRestore(context, *force); });

    struct HoldOptions {
        std::string backend = "auto";
        double capW = 0.0;
        double seconds = 0.0;
        unsigned int gpuIndex = 0;
    };
    auto hold = std::make_shared<HoldOptions>();
    auto* holdCommand = power->add_subcommand("hold", "set a cap under the cap guard and wait (tests)");
    holdCommand->group(""); // hidden: a test and diagnosis aid, not part of the documented CLI
    holdCommand->add_option("--backend", hold->backend, "auto, rapl, nvml or emulated");
    holdCommand->add_option("--cap-w", hold->capW, "cap in W")->required();
    holdCommand->add_option("--seconds", hold->seconds, "how long to hold (default: until a signal)");
    holdCommand->add_option("--gpu", hold->gpuIndex, "NVML GPU index");
    holdCommand->callback([hold] { runHold(hold->backend, hold->capW, hold->seconds, hold->gpuIndex); });
}

} // namespace awb::cli
