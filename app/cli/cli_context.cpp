#include "app/cli/cli_context.h"

#include "core/models/shipped_zoo.h"
#include "database/shipped_models.h"

#include <iostream>

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

db::Store CliContext::openStoreWithShippedModels() const
{
    db::Store store = openStore();
    const std::filesystem::path directory = core::shippedZooDirectory();
    if (!std::filesystem::exists(directory / "manifest.json"))
        return store; // a build without the shipped zoo: train or import instead
    try {
        const std::size_t added = db::installShippedModels(store, core::readShippedZoo(directory));
        if (added > 0)
            std::cerr << "added " << added << " trained model(s) shipped in " << directory.string() << " to the store\n";
    } catch (const std::runtime_error& error) {
        // The store stays usable with what it has; say why the shipped models are not there.
        std::cerr << "alertwb-cli: warning: " << error.what() << '\n';
    }
    return store;
}

void addCommonOptions(CLI::App& command, CliContext& context)
{
    command.add_flag("--json", context.json, "print one JSON document on stdout");
}

} // namespace awb::cli
