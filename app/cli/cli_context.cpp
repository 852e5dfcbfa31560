#include "app/cli/cli_context.h"

#include <CLI/CLI.hpp>

namespace awb::cli {

std::filesystem::path CliContext::storePath() const
{
    return dbOption.empty() ? db::Store::defaultPath() : std::filesystem::path(dbOption);
}

db::Store CliContext::openStore() const
{
    try {
        return db::Store::open(storePath());
    } catch (const db::StoreError& error) {
        throw CliError(error.what());
    }
}

db::Store CliContext::openExistingStore() const
{
    const auto path = storePath();
    std::error_code error;
    if (!std::filesystem::exists(path, error))
        throw CliError("no store at " + path.string() + " (pass --db FILE, or profile first)");
    return openStore();
}

void addCommonOptions(CLI::App& command, CliContext& context)
{
    command.add_flag("--json", context.json, "print one JSON document on stdout");
}

} // namespace awb::cli
