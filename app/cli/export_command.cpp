// `alertwb-cli export`: one table of the store in CSV, JSON, Markdown or LaTeX, to stdout or
// to a file that is replaced only once the whole export has been written.
#include "app/cli/cli_context.h"
#include "core/system/atomic_file.h"
#include "database/table_export.h"

#include <CLI/CLI.hpp>
#include <iostream>

namespace awb::cli {

namespace {

    struct ExportOptions {
        std::string table;
        std::string format;
        std::int64_t runId = 0;
        std::int64_t sessionId = 0;
        std::string outputPath;
    };

    void runExport(const CliContext& context, const ExportOptions& options)
    {
        db::ExportRequest request;
        try {
            request.table = db::exportTableFromString(options.table);
            request.format = db::exportFormatFromString(options.format);
        } catch (const db::StoreError& error) {
            throw CliError(error.what());
        }
        if (options.runId > 0)
            request.runId = options.runId;
        if (options.sessionId > 0)
            request.sessionId = options.sessionId;

        auto store = context.openExistingStore();
        if (options.outputPath.empty() || options.outputPath == "-") {
            db::exportTable(store, request, std::cout);
            std::cout.flush();
            return;
        }
        try {
            core::AtomicFileWriter file(options.outputPath);
            db::exportTable(store, request, file.stream());
            file.commit();
        } catch (const db::StoreError& error) {
            throw CliError(error.what());
        } catch (const std::runtime_error& error) {
            throw CliError(error.what(), 1);
        }
        std::cerr << "wrote " << options.outputPath << '\n';
    }

} // namespace

void registerExportCommand(CLI::App& app, CliContext& context)
{
    auto options = std::make_shared<ExportOptions>();
    auto* command = app.add_subcommand("export", "export a table: profiles, runs or steps");
    command->add_option("--table", options->table, "profiles | runs | steps")->required();
    command->add_option("--format", options->format, "csv | json | md | latex")->required();
    command->add_option("--run", options->runId, "run id (required for steps)");
    command->add_option("--session", options->sessionId, "profile session id (profiles only)");
    command->add_option("-o,--output", options->outputPath, "output file (default stdout)");
    command->callback([&context, options] { runExport(context, *options); });
}

} // namespace awb::cli
