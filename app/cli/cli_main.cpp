// alertwb-cli: the headless workbench. One subcommand per file under app/cli; this file only
// wires them and turns every refusal into one line on stderr and an exit code.
#include "app/cli/cli_context.h"
#include "database/store_error.h"

#include <CLI/CLI.hpp>
#include <iostream>

int main(int argc, char** argv)
{
    awb::cli::CliContext context;
    CLI::App app { "ALERT Workbench, headless: profile DNNs across power caps and run the ALERT controller",
                   "alertwb-cli" };
    app.set_version_flag("--version", std::string("alertwb-cli ") + AWB_VERSION);
    app.require_subcommand(1);
    app.fallthrough();
    app.add_option("--db", context.dbOption, "store file (default $XDG_DATA_HOME/alertwb/workbench.sqlite)");

    awb::cli::registerDoctorCommand(app, context);
    awb::cli::registerSummaryCommand(app, context);
    awb::cli::registerExportCommand(app, context);
    awb::cli::registerMergeCommand(app, context);
    awb::cli::registerPowerCommand(app, context);
    awb::cli::registerTrainCommand(app, context);
    awb::cli::registerModelsCommand(app, context);
    awb::cli::registerFrontierCommand(app, context);
    awb::cli::registerProfileCommand(app, context);
    awb::cli::registerEvaluateCommand(app, context);
    awb::cli::registerRunCommand(app, context);

    awb::cli::restorePendingCapsAtStart();
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForAllHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForVersion&) {
        std::cout << "alertwb-cli " << AWB_VERSION << '\n';
        return 0;
    } catch (const CLI::ParseError& error) {
        std::cerr << "alertwb-cli: " << error.what() << " (see alertwb-cli --help)\n";
        return 2;
    } catch (const awb::cli::CliError& error) {
        std::cerr << "alertwb-cli: " << error.what() << '\n';
        return error.exitCode();
    } catch (const awb::db::StoreError& error) {
        std::cerr << "alertwb-cli: " << error.what() << '\n';
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "alertwb-cli: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
