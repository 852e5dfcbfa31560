// `alertwb-cli summary`: what the store holds (counts, the latest profile sessions and runs).
#include "app/cli/cli_context.h"
#include "database/repositories.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

namespace awb::cli {

namespace {

    constexpr std::size_t kListedPerKind = 10;

    nlohmann::json toJson(const db::Store& store, const db::StoreSummary& summary,
                          const std::vector<core::ProfileSessionSummary>& sessions,
                          const std::vector<core::RunSummary>& runs)
    {
        nlohmann::json sessionRows = nlohmann::json::array();
        for (const auto& item : sessions) {
            sessionRows.push_back({ { "id", item.session.id },
                                    { "started_at", item.session.startedAt },
                                    { "status", core::toString(item.session.status) },
                                    { "device", item.deviceHost },
                                    { "backend", item.backend },
                                    { "cells", item.cellCount },
                                    { "models", item.modelCount } });
        }
        nlohmann::json runRows = nlohmann::json::array();
        for (const auto& item : runs) {
            runRows.push_back({ { "id", item.run.id },
                                { "started_at", item.run.startedAt },
                                { "status", core::toString(item.run.status) },
                                { "controller", item.run.controller },
                                { "goal_mode", item.run.goalMode },
                                { "device", item.deviceHost },
                                { "backend", item.backend },
                                { "steps", item.stepCount } });
        }
        return { { "store", store.path().string() },
                 { "schema_version", store.schemaVersion() },
                 { "counts",
                   { { "devices", summary.devices },
                     { "models", summary.models },
                     { "profile_sessions", summary.profileSessions },
                     { "profile_cells", summary.profileCells },
                     { "runs", summary.runs },
                     { "run_steps", summary.runSteps } } },
                 { "profile_sessions", sessionRows },
                 { "runs", runRows } };
    }

    void printText(const db::Store& store, const db::StoreSummary& summary,
                   const std::vector<core::ProfileSessionSummary>& sessions, const std::vector<core::RunSummary>& runs)
    {
        std::cout << "Store " << store.path().string() << " (schema " << store.schemaVersion() << ")\n"
                  << "  devices " << summary.devices << ", models " << summary.models << ", profile sessions "
                  << summary.profileSessions << " (" << summary.profileCells << " cells), runs " << summary.runs
                  << " (" << summary.runSteps << " steps)\n";
        for (const auto& item : sessions) {
            std::cout << "  profile #" << item.session.id << "  " << item.session.startedAt << "  "
                      << core::toString(item.session.status) << "  " << item.deviceHost << " [" << item.backend
                      << "]  " << item.modelCount << " models, " << item.cellCount << " cells\n";
        }
        for (const auto& item : runs) {
            std::cout << "  run #" << item.run.id << "  " << item.run.startedAt << "  "
                      << core::toString(item.run.status) << "  " << item.run.controller << " " << item.run.goalMode
                      << "  " << item.deviceHost << " [" << item.backend << "]  " << item.stepCount << " steps\n";
        }
    }

} // namespace

void registerSummaryCommand(CLI::App& app, CliContext& context)
{
    auto* command = app.add_subcommand("summary", "what the store holds: counts, latest profile sessions and runs");
    addCommonOptions(*command, context);
    command->callback([&context] {
        auto store = context.openStore();
        const auto summary = db::summarize(store);
        auto sessions = db::ProfileRepository(store).listSessions();
        auto runs = db::RunRepository(store).listRuns();
        if (sessions.size() > kListedPerKind)
            sessions.resize(kListedPerKind);
        if (runs.size() > kListedPerKind)
            runs.resize(kListedPerKind);
        if (context.json)
            std::cout << toJson(store, summary, sessions, runs).dump(2) << '\n';
        else
            printText(store, summary, sessions, runs);
    });
}

} // namespace awb::cli
