#pragma once

#include "database/store.h"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace awb::cli {

// A refusal the user can act on: main prints "alertwb-cli: <message>" (one line) on stderr
// and exits with `exitCode` (2 for bad input, 1 for failures of the machine or the store).
class CliError : public std::runtime_error {
public:
    explicit CliError(const std::string& message, int exitCode = 2)
        : std::runtime_error(message)
        , m_exitCode(exitCode)
    {
    }
    int exitCode() const { return m_exitCode; }

private:
    int m_exitCode;
};

// Options every subcommand shares (--db, --json) and the store they name.
struct CliContext {
    std::string dbOption; // empty: Store::defaultPath()
    bool json = false;

    std::filesystem::path storePath() const;
    // Opens (creating when absent) and migrates the store; StoreError becomes CliError(2).
    db::Store openStore() const;
    // Like openStore(), then records the trained models shipped in resources/models whose names
    // the store lacks, so the first run needs no training (a warning, not an error, when the
    // shipped files are damaged).
    db::Store openStoreWithShippedModels() const;
    // Like openStore() but refuses a store that does not exist yet (read-only commands).
    db::Store openExistingStore() const;
};

// "a,b,,c" → {"a", "b", "c"}: the comma-separated lists of --models and the like, empty pieces dropped.
std::vector<std::string> splitCommaList(const std::string& text);

// Adds --json to a subcommand. --db belongs to the top-level app; fallthrough lets a
// subcommand accept it after its own name too.
void addCommonOptions(CLI::App& command, CliContext& context);

void registerDoctorCommand(CLI::App& app, CliContext& context);
void registerSummaryCommand(CLI::App& app, CliContext& context);
void registerExportCommand(CLI::App& app, CliContext& context);
void registerMergeCommand(CLI::App& app, CliContext& context);
void registerPowerCommand(CLI::App& app, CliContext& context);
void registerTrainCommand(CLI::App& app, CliContext& context);
void registerModelsCommand(CLI::App& app, CliContext& context);
void registerFrontierCommand(CLI::App& app, CliContext& context);
void registerProfileCommand(CLI::App& app, CliContext& context);
void registerEvaluateCommand(CLI::App& app, CliContext& context);
void registerRunCommand(CLI::App& app, CliContext& context);

// Restores power caps that a run which did not exit cleanly (SIGKILL, crash) left behind;
// main calls it before parsing. One line on stderr when it did something; never throws.
void restorePendingCapsAtStart();

} // namespace awb::cli
