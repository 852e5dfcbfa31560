// `alertwb-cli frontier`: the accuracy–latency, accuracy–energy and accuracy–latency–energy Pareto
// frontiers of one profile session (default: the newest complete one). Every cell of the session
// (model × output × power cap) is a candidate point; core/frontier/pareto.h says how ties are
// treated. Sessions measured on the emulated backend are labelled as such, in text and JSON.
#include "app/cli/cli_context.h"
#include "core/frontier/pareto.h"
#include "database/repositories.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

namespace awb::cli {

namespace {

    struct FrontierOptions {
        std::int64_t session = 0; // 0: the newest complete session
    };

    struct SessionFrontiers {
        core::ProfileSessionRecord session;
        core::DeviceRecord device;
        std::size_t cellCount = 0;
        core::Frontiers frontiers;
    };

    core::ProfileSessionRecord chooseSession(db::Store& store, std::int64_t requested)
    {
        db::ProfileRepository profiles(store);
        if (requested != 0) {
            auto session = profiles.findSession(requested);
            if (!session)
                throw CliError("no profile session " + std::to_string(requested) + " in " + store.path().string());
            if (session->status != core::SessionStatus::Complete)
                std::cerr << "note: profile session " << requested << " is " << core::toString(session->status)
                          << "; its frontiers cover only the cells it measured\n";
            return *session;
        }
        // listSessions() is newest first.
        for (const core::ProfileSessionSummary& summary : profiles.listSessions()) {
            if (summary.session.status == core::SessionStatus::Complete)
                return summary.session;
        }
        throw CliError("no complete profile session in " + store.path().string()
            + " (run `alertwb-cli profile` first, or name one with --session ID)");
    }

    SessionFrontiers loadFrontiers(db::Store& store, std::int64_t requested)
    {
        SessionFrontiers result;
        result.session = chooseSession(store, requested);
        if (auto device = db::DeviceRepository(store).find(result.session.deviceId))
            result.device = std::move(*device);

        std::vector<core::FrontierPoint> points;
        for (const core::ProfileCellWithModel& row : db::ProfileRepository(store).cellsWithModels(result.session.id)) {
            const core::ProfileCellRecord& cell = row.cell;
            points.push_back({ cell.modelId, row.modelName, cell.outputIndex, cell.powerCapW, cell.accuracy,
                cell.latencyMedianMs, cell.energyJ });
        }
        result.cellCount = points.size();
        result.frontiers = core::computeFrontiers(points);
        return result;
    }

    nlohmann::ordered_json pointsJson(const std::vector<core::FrontierPoint>& frontier)
    {
        nlohmann::ordered_json rows = nlohmann::ordered_json::array();
        for (const core::FrontierPoint& p : frontier) {
            rows.push_back({ { "model", p.model }, { "output", p.outputIndex }, { "power_cap_w", p.powerCapW },
                { "accuracy", p.accuracy }, { "latency_ms_median", p.latencyMs }, { "energy_j", p.energyJ } });
        }
        return rows;
    }

    nlohmann::ordered_json toJson(const SessionFrontiers& result)
    {
        const core::Frontiers& f = result.frontiers;
        return { { "session", result.session.id }, { "backend", result.device.backend },
            { "device", result.device.host },
            { "frontiers",
                { { core::toString(core::FrontierAxes::AccuracyLatency), pointsJson(f.accuracyLatency) },
                    { core::toString(core::FrontierAxes::AccuracyEnergy), pointsJson(f.accuracyEnergy) },
                    { core::toString(core::FrontierAxes::AccuracyLatencyEnergy),
                        pointsJson(f.accuracyLatencyEnergy) } } } };
    }

    void printTable(const char* title, const std::vector<core::FrontierPoint>& frontier, std::size_t cellCount)
    {
        std::cout << '\n' << title << " (" << frontier.size() << " of " << cellCount << " cells)\n";
        if (frontier.empty()) {
            std::cout << "  (no cells)\n";
            return;
        }
        std::printf(
            "  %-20s %6s %8s %10s %12s %12s\n", "model", "output", "cap W", "accuracy %", "latency ms", "energy J");
        for (const core::FrontierPoint& p : frontier) {
            // Energy per inference spans µJ to J across devices: three significant digits.
            std::printf("  %-20s %6d %8.1f %10.2f %12.4f %12.3g\n", p.model.c_str(), p.outputIndex, p.powerCapW,
                100.0 * p.accuracy, p.latencyMs, p.energyJ);
        }
    }

    void printText(const SessionFrontiers& result)
    {
        const core::ProfileSessionRecord& s = result.session;
        std::cout << "Profile session " << s.id << " (" << core::toString(s.status) << ", started " << s.startedAt
                  << ") on " << (result.device.host.empty() ? std::string("unknown device") : result.device.host)
                  << ", backend " << result.device.backend;
        if (result.device.isEmulated())
            std::cout << " — EMULATED: power and energy come from the DVFS model, not from a meter";
        std::cout << '\n';
        printTable("Accuracy–latency frontier, sorted by latency", result.frontiers.accuracyLatency, result.cellCount);
        printTable("Accuracy–energy frontier, sorted by energy", result.frontiers.accuracyEnergy, result.cellCount);
        printTable("Accuracy–latency–energy frontier, sorted by latency, then energy",
            result.frontiers.accuracyLatencyEnergy, result.cellCount);
    }

} // namespace

void registerFrontierCommand(CLI::App& app, CliContext& context)
{
    auto options = std::make_shared<FrontierOptions>();
    auto* command = app.add_subcommand("frontier", "Pareto frontiers of a profile session (accuracy, latency, energy)");
    command->add_option("--session", options->session, "profile session id (default: the newest complete one)")
        ->check(CLI::PositiveNumber);
    addCommonOptions(*command, context);
    command->callback([&context, options] {
        auto store = context.openExistingStore();
        const SessionFrontiers result = loadFrontiers(store, options->session);
        if (context.json)
            std::cout << toJson(result).dump(2) << '\n';
        else
            printText(result);
    });
}

} // namespace awb::cli
