// `alertwb-cli models list`: the models the store knows, newest version of each name, with their
// outputs' cumulative MACs and test accuracy.
#include "app/cli/cli_context.h"
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
        std::int64_t macs = 0;
        std::optional<double> accuracy; // empty: no labelled data set goes with the model
    };

    struct ListedModel {
        std::string name;
        core::ModelKind kind = core::ModelKind::Traditional;
        std::string source;
        std::vector<ListedOutput> outputs;
    };

    // A test accuracy counts only where the store holds the per-input correctness it was computed
    // from: that is what ties the output to a labelled data set (an imported model has none).
    bool hasLabelledEvaluation(db::ModelRepository& models, const std::vector<core::DatasetRecord>& datasets,
        std::int64_t modelId, int outputIndex)
    {
        for (const core::DatasetRecord& dataset : datasets) {
            if (models.correctness(modelId, outputIndex, dataset.id))
                return true;
        }
        return false;
    }

    std::vector<ListedModel> listModels(db::Store& store)
    {
        db::ModelRepository repository(store);
        const std::vector<core::DatasetRecord> datasets = db::DatasetRepository(store).list();
        // list() is ordered by id, so a later row of the same name (a re-training) replaces the
        // earlier one and the newest version is the one shown.
        std::vector<core::ModelRecord> newest;
        std::map<std::string, std::size_t> positionByName;
        for (core::ModelRecord& model : repository.list()) {
            if (const auto found = positionByName.find(model.name); found != positionByName.end()) {
                newest[found->second] = std::move(model);
                continue;
            }
            positionByName.emplace(model.name, newest.size());
            newest.push_back(std::move(model));
        }
        std::vector<ListedModel> listed;
        for (const core::ModelRecord& model : newest) {
            ListedModel entry { model.name, model.kind, model.source, {} };
            for (const core::ModelOutputRecord& output : model.outputs) {
                ListedOutput item { output.index, output.cumulativeMacs, std::nullopt };
                if (hasLabelledEvaluation(repository, datasets, model.id, output.index))
                    item.accuracy = output.testAccuracy;
                entry.outputs.push_back(item);
            }
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
                    { "macs", output.macs } });
            }
            array.push_back({ { "name", model.name }, { "kind", core::toString(model.kind) }, { "outputs", outputs },
                { "source", model.source } });
        }
        return { { "models", array } };
    }

    void printTable(const std::vector<ListedModel>& models)
    {
        if (models.empty()) {
            std::cout << "no models in the store (alertwb-cli train --zoo adds the built-in ones)\n";
            return;
        }
        std::printf("%-20s %-12s %-8s %6s %14s %9s\n", "NAME", "KIND", "SOURCE", "OUTPUT", "MACS", "ACCURACY");
        for (const ListedModel& model : models) {
            for (const ListedOutput& output : model.outputs) {
                char accuracy[16] = "-";
                if (output.accuracy)
                    std::snprintf(accuracy, sizeof accuracy, "%.2f%%", 100.0 * *output.accuracy);
                std::printf("%-20s %-12s %-8s %6d %14lld %9s\n", model.name.c_str(), core::toString(model.kind),
                    model.source.c_str(), output.index, static_cast<long long>(output.macs), accuracy);
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
        auto store = context.openExistingStore();
        const auto models = listModels(store);
        if (context.json)
            std::cout << toJson(models).dump(2) << '\n';
        else
            printTable(models);
    });
}

} // namespace awb::cli
