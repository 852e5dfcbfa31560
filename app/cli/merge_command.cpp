// `alertwb-cli merge OTHER.sqlite...`: brings stores profiled elsewhere into this one.
#include "app/cli/cli_context.h"
#include "database/store_merge.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

namespace awb::cli {

namespace {

    nlohmann::json toJson(const std::string& source, const db::MergeReport& report)
    {
        return { { "source", source },
                 { "devices", report.devices },
                 { "datasets", report.datasets },
                 { "models", report.models },
                 { "profile_sessions", report.profileSessions },
                 { "runs", report.runs },
                 { "run_steps", report.runSteps } };
    }

} // namespace

void registerMergeCommand(CLI::App& app, CliContext& context)
{
    auto sources = std::make_shared<std::vector<std::string>>();
    auto* command = app.add_subcommand("merge", "bring other stores into this one (ids remapped, no duplicates)");
    command->add_option("stores", *sources, "stores to merge in")->required();
    addCommonOptions(*command, context);
    command->callback([&context, sources] {
        // Validate every source before touching the target, so a bad file changes nothing.
        for (const auto& source : *sources) {
            try {
                const auto inspection = db::Store::inspect(source);
                if (!inspection.exists)
                    throw CliError("no store at " + source);
            } catch (const db::StoreError& error) {
                throw CliError(error.what());
            }
        }
        auto store = context.openStore();
        nlohmann::json reports = nlohmann::json::array();
        for (const auto& source : *sources) {
            db::MergeReport report;
            try {
                report = db::mergeStore(store, source);
            } catch (const db::StoreError& error) {
                throw CliError(error.what());
            }
            reports.push_back(toJson(source, report));
            std::cerr << "merged " << source << ": " << report.devices << " devices, " << report.models
                      << " models, " << report.profileSessions << " profile sessions, " << report.runs << " runs ("
                      << report.runSteps << " steps)\n";
        }
        if (context.json)
            std::cout << nlohmann::json { { "merged", reports } }.dump(2) << '\n';
    });
}

} // namespace awb::cli
