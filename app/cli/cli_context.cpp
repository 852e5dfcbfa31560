#include "app/cli/cli_context.h"

#include "core/models/shipped_zoo.h"
#include "database/shipped_models.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>

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
    const db::ShippedModelsOutcome outcome = db::installShippedModelsIfPresent(store);
    if (outcome.added > 0)
        std::cerr << "added " << outcome.added << " trained model(s) shipped in " << outcome.directory.string()
                  << " to the store\n";
    // The store stays usable with what it has; say why the shipped models are not there.
    if (!outcome.warning.empty())
        std::cerr << "alertwb-cli: warning: " << outcome.warning << '\n';
    return store;
}

std::vector<std::string> splitCommaList(const std::string& text)
{
    std::vector<std::string> parts;
    std::stringstream stream(text);
    std::string part;
    while (std::getline(stream, part, ',')) {
        if (!part.empty())
            parts.push_back(part);
    }
    return parts;
}

void addCommonOptions(CLI::App& command, CliContext& context)
{
    command.add_flag("--json", context.json, "print one JSON document on stdout");
}

} // namespace awb::cli
