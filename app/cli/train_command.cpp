// `alertwb-cli train --zoo`: trains built-in models on Fashion-MNIST, writes their weights to the
// models folder and records them, with their test accuracy and per-input correctness, in the store.
//
// Re-training a name the store already holds adds a new version of the model (a new row) rather
// than replacing the old one: profile cells and runs refer to the model they measured, and those
// measurements stay valid for the weights they were made with. `models list` and
// ModelRepository::findByName show the newest version. The weights file itself is replaced.
// The training and recording are db::trainZooIntoStore (database/zoo_train.h), shared with the
// GUI's Models page; this file parses the options and prints.
#include "app/cli/cli_context.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/train_compare.h"
#include "database/zoo_train.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

namespace awb::cli {

namespace {

    namespace fs = std::filesystem;

    struct TrainOptions {
        bool zoo = false;
        std::string models; // comma-separated; empty: the whole zoo
        int epochs = 0; // 0 (not given): each model's recommended epochs
        std::uint64_t seed = 1;
        std::string rule = "osgd";
        bool osgdGlobal = false;
        std::string modelsDir;
    };

    // The shared training's lines on stderr; Ctrl-C (InterruptScope) is its cancel request.
    class StderrProgress : public db::ZooTrainListener {
    public:
        void onProgress(const db::ZooTrainProgress& progress) override { std::cerr << progress.message << '\n'; }
        bool cancelRequested() override { return InterruptScope::interrupted(); }
    };

    // Splits --models; unknown names are the shared check's to refuse.
    std::vector<std::string> selectedModels(const std::string& list)
    {
        std::vector<std::string> names;
        if (list.empty())
            return names; // the whole zoo
        std::stringstream stream(list);
        std::string name;
        while (std::getline(stream, name, ',')) {
            if (!name.empty())
                names.push_back(name);
        }
        if (names.empty())
            throw CliError("--models names no model");
        return names;
    }

    nlohmann::json toJson(const db::ZooTrainedModel& trained)
    {
        const core::ModelRecord& model = trained.model;
        nlohmann::json outputs = nlohmann::json::array();
        for (const core::ModelOutputRecord& output : model.outputs) {
            outputs.push_back({ { "index", output.index }, { "accuracy", output.testAccuracy.value() },
                { "macs", output.cumulativeMacs }, { "parameters", output.cumulativeParameters } });
        }
        return { { "name", model.name }, { "kind", core::toString(model.kind) }, { "id", model.id },
            { "epochs", trained.epochs }, { "seed", trained.seed }, { "rule", core::toString(trained.rule) },
            { "train_seconds", trained.trainSeconds }, { "weights", model.filePath }, { "sha256", model.fileSha256 },
            { "outputs", outputs } };
    }

    void runTrain(const CliContext& context, const TrainOptions& options)
    {
        if (!options.zoo)
            throw CliError("nothing to train: pass --zoo (or --compare)");
        if (options.rule != "summed" && options.rule != "adaptive" && options.rule != "osgd")
            throw CliError("--rule must be summed, adaptive or osgd, not '" + options.rule + "'");
        db::ZooTrainRequest request;
        request.models = selectedModels(options.models);
        request.epochs = options.epochs;
        request.seed = options.seed;
        request.rule = core::trainingRuleFromString(options.rule);
        request.osgdGlobal = options.osgdGlobal;
        request.modelsDir = options.modelsDir.empty() ? db::defaultZooModelsDir() : fs::path(options.modelsDir);
        request.progressEverySteps = 0; // one line per epoch

        std::optional<db::Store> store;
        // Armed once the store is open, as before: Ctrl-C while the data set loads ends the
        // process at once, and from the first model on it stops at the next training step.
        std::optional<InterruptScope> interrupts;
        StderrProgress progress;
        db::ZooTrainOutcome outcome;
        try {
            outcome = db::trainZooIntoStore(
                request,
                [&]() -> db::Store& {
                    store = context.openStore();
                    interrupts.emplace();
                    return *store;
                },
                progress);
        } catch (const db::ZooTrainRequestError& error) {
            throw CliError(error.what());
        } catch (const db::ZooTrainDataError& error) {
            throw CliError(error.what(), 1);
        }
        if (outcome.cancelled())
            throw CliError(
                "interrupted while training " + outcome.cancelledModel + "; its weights were not written", 130);
        if (context.json) {
            nlohmann::json trained = nlohmann::json::array();
            for (const db::ZooTrainedModel& model : outcome.trained)
                trained.push_back(toJson(model));
            std::cout << nlohmann::json { { "trained", trained } }.dump(2) << '\n';
        }
    }

} // namespace

void registerTrainCommand(CLI::App& app, CliContext& context)
{
    auto options = std::make_shared<TrainOptions>();
    auto* command = app.add_subcommand(
        "train", "train the built-in zoo on Fashion-MNIST, or compare anytime training rules (--compare)");
    command->add_flag("--zoo", options->zoo, "train built-in zoo models");
    command->add_option("--models", options->models, "comma-separated zoo names (default: all)");
    command->add_option("--epochs", options->epochs, "epochs per model (default: each model's recommended)")
        ->check(CLI::PositiveNumber);
    command->add_option("--seed", options->seed, "weight initialisation and shuffling seed (default 1)");
    command->add_option("--rule", options->rule, "anytime models: summed | adaptive | osgd (default osgd)");
    command->add_flag("--osgd-global", options->osgdGlobal, "OSGD inner products over all parameters at once");
    command->add_option("--models-dir", options->modelsDir, "weights folder (default $XDG_DATA_HOME/alertwb/models)");
    const auto compare = addTrainCompareOptions(*command);
    addCommonOptions(*command, context);
    command->callback([&context, options, compare, command] {
        if (compare->enabled)
            return runTrainCompare(
                context, *command, *compare, { options->models, options->epochs, options->osgdGlobal });
        runTrain(context, *options);
    });
}

} // namespace awb::cli
