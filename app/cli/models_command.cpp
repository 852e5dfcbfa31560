// `alertwb-cli models list`: the models the store knows, newest version of each name, with their
// outputs' cumulative MACs and test accuracy. `models import` is in models_import.cpp.
#include "app/cli/cli_context.h"
#include "app/cli/models_import.h"
#include "database/repositories.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

namespace awb::cli {

namespace {

    struct ListedOutput {
        int index = 0;
        std::int64_t macs = 0; // 0: not counted (an imported model without conv/linear/matmul)
        std::optional<double> accuracy; // empty: no labelled data set goes with the model
    };

    struct ListedModel {
        std::string name;
        core::ModelKind kind = core::ModelKind::Traditional;
        std::string source;
        std::vector<ListedOutput> outputs;
    };

    std::vector<ListedModel> listModels(db::Store& store)
    {
        const std::vector<core::ModelRecord> newest = db::ModelRepository(store).listNewest();
        std::vector<ListedModel> listed;
        for (const core::ModelRecord& model : newest) {
            ListedModel entry { model.name, model.kind, model.source, {} };
            for (const core::ModelOutputRecord& output : model.outputs)
                entry.outputs.push_back({ output.index, output.cumulativeMacs, output.testAccuracy });
            listed.push_back(std::move(entry));
        }
        return listed;
    }

    nlohmann::json toJson(const std::vector<ListedModel>& models)
    {
        nlohmann::json array = nlohmann::json::array();
        for (const ListedModel& model : models) {
            nlohmann::json outputs = nlohmann::json::array();
            for (const ListedOutput& output : model.outputs) {
                outputs.push_back({ { "index", output.index },
                    { "accuracy", output.accuracy ? nlohmann::json(*output.accuracy) : nullptr },
                    { "macs", output.macs > 0 ? nlohmann::json(output.macs) : nullptr } });
            }
            array.push_back({ { "name", model.name }, { "kind", core::toString(model.kind) }, { "outputs", outputs },
                { "source", model.source } });
        }
        return { { "models", array } };
    }

    void printTable(const std::vector<ListedModel>& models)
    {
        if (models.empty()) {
            std::cout
                << "no models in the store (alertwb-cli train --zoo adds the built-in ones, models import yours)\n";
            return;
        }
        std::printf("%-20s %-12s %-8s %6s %14s %9s\n", "NAME", "KIND", "SOURCE", "OUTPUT", "MACS", "ACCURACY");
        for (const ListedModel& model : models) {
            for (const ListedOutput& output : model.outputs) {
                char accuracy[16] = "-";
                if (output.accuracy)
                    std::snprintf(accuracy, sizeof accuracy, "%.2f%%", 100.0 * *output.accuracy);
                char macs[24] = "-";
                if (output.macs > 0)
                    std::snprintf(macs, sizeof macs, "%lld", static_cast<long long>(output.macs));
                std::printf("%-20s %-12s %-8s %6d %14s %9s\n", model.name.c_str(), core::toString(model.kind),
                    model.source.c_str(), output.index, macs, accuracy);
            }
        }
        std::fflush(stdout);
    }

} // namespace

void registerModelsCommand(CLI::App& app, CliContext& context)
{
    auto* command = app.add_subcommand("models", "the models in the store");
    command->require_subcommand(1);
    auto* list = command->add_subcommand("list", "list models: newest version of each name, outputs, MACs, accuracy");
    addCommonOptions(*list, context);
    list->callback([&context] {
        // On a new machine this is where the shipped trained zoo first shows up.
        auto store = context.openStoreWithShippedModels();
        const auto models = listModels(store);
        if (context.json)
            std::cout << toJson(models).dump(2) << '\n';
        else
            printTable(models);
    });
    registerModelsImportCommand(*command, context);
}

} // namespace awb::cli
