// `alertwb-cli doctor`: what this machine offers and, for everything it lacks, exactly why.
// It never creates or modifies the store: the store is only inspected.
#include "app/cli/cli_context.h"
#include "core/system/doctor_report.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

namespace awb::cli {

namespace {

    struct StoreStatus {
        std::string path;
        bool exists = false;
        int schemaVersion = 0;
        std::string error;
    };

    StoreStatus inspectStore(const CliContext& context)
    {
        StoreStatus status;
        status.path = context.storePath().string();
        try {
            const auto inspection = db::Store::inspect(context.storePath());
            status.exists = inspection.exists && !inspection.empty;
            status.schemaVersion = inspection.schemaVersion;
        } catch (const db::StoreError& error) {
            status.exists = true;
            status.error = error.what();
        }
        return status;
    }

    // "kind" for scripts; "description" is what the text output shows.
    nlohmann::json routeJson(const core::PowerRoute& route)
    {
        std::string kind = "none";
        if (route.kind == core::PowerRoute::Kind::DirectSysfs)
            kind = "direct_sysfs";
        else if (route.kind == core::PowerRoute::Kind::Powerd)
            kind = "powerd";
        return { { "kind", kind }, { "description", route.description }, { "reason", route.reason } };
    }

    nlohmann::json toJson(const core::DoctorReport& report, const StoreStatus& store)
    {
        nlohmann::json backends = nlohmann::json::array();
        for (const auto& backend : report.backends) {
            backends.push_back({ { "name", backend.name },
                                 { "usable", backend.usable },
                                 { "can_set_cap", backend.canSetCap },
                                 { "emulated", backend.emulated },
                                 { "reason", backend.reason },
                                 { "detail", backend.detail } });
        }
        return { { "alertwb_version", report.alertwbVersion },
                 { "torch", { { "version", report.torchVersion }, { "threads", report.torchThreads } } },
                 { "cpu", { { "model", report.cpuModel }, { "logical_cpus", report.logicalCpus } } },
                 { "host", report.host },
                 { "display", { { "available", report.displayAvailable }, { "detail", report.displayDetail } } },
                 { "store",
                   { { "path", store.path },
                     { "exists", store.exists },
                     { "schema_version", store.schemaVersion },
                     { "error", store.error } } },
                 { "power_backends", backends },
                 { "power_route", routeJson(report.powerRoute) } };
    }

    void printText(const core::DoctorReport& report, const StoreStatus& store)
    {
        std::cout << "alertwb " << report.alertwbVersion << '\n'
                  << "LibTorch:  " << report.torchVersion << " (" << report.torchThreads << " intra-op threads)\n"
                  << "CPU:       " << report.cpuModel << " (" << report.logicalCpus << " logical CPUs)\n"
                  << "Host:      " << report.host << '\n'
                  << "Display:   " << (report.displayAvailable ? "available, " : "none, ") << report.displayDetail
                  << '\n'
                  << "Store:     " << store.path;
        if (!store.error.empty())
            std::cout << " (refused: " << store.error << ")\n";
        else if (!store.exists)
            std::cout << " (not created yet)\n";
        else
            std::cout << " (schema " << store.schemaVersion << ")\n";
        std::cout << "Power backends:\n";
        for (const auto& backend : report.backends) {
            std::cout << "  " << backend.name << ": "
                      << (!backend.usable        ? "unavailable"
                                 : backend.emulated  ? "usable (emulated)"
                                 : backend.canSetCap ? "usable"
                                                     : "energy only");
            if (!backend.reason.empty())
                std::cout << " - " << backend.reason;
            if (!backend.detail.empty())
                std::cout << "\n      " << backend.detail;
            std::cout << '\n';
        }
        std::cout << "RAPL caps: " << report.powerRoute.description;
        if (!report.powerRoute.reason.empty())
            std::cout << " - " << report.powerRoute.reason;
        std::cout << '\n';
    }

} // namespace

void registerDoctorCommand(CLI::App& app, CliContext& context)
{
    auto* command = app.add_subcommand("doctor", "what this machine offers, and why not");
    addCommonOptions(*command, context);
    command->callback([&context] {
        const auto report = core::collectDoctorReport();
        const auto store = inspectStore(context);
        if (context.json)
            std::cout << toJson(report, store).dump(2) << '\n';
        else
            printText(report, store);
        if (!store.error.empty())
            throw CliError(store.error);
    });
}

} // namespace awb::cli
