// `alertwb-cli train --zoo`: trains built-in models on Fashion-MNIST, writes their weights to the
// models folder and records them, with their test accuracy and per-input correctness, in the store.
//
// Re-training a name the store already holds adds a new version of the model (a new row) rather
// than replacing the old one: profile cells and runs refer to the model they measured, and those
// measurements stay valid for the weights they were made with. `models list` and
// ModelRepository::findByName show the newest version. The weights file itself is replaced.
#include "app/cli/cli_context.h"
#include "app/cli/interrupt_scope.h"
#include "app/cli/train_compare.h"
#include "core/models/zoo.h"
#include "core/models/zoo_training.h"
#include "database/repositories.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace awb::cli {

namespace {

    struct TrainOptions {
        bool zoo = false;
        std::string models; // comma-separated; empty: the whole zoo
        int epochs = 0; // 0 (not given): each model's recommended epochs
        std::uint64_t seed = 1;
        std::string rule = "osgd";
        bool osgdGlobal = false;
        std::string modelsDir;
    };

    class StderrProgress : public core::TrainingListener {
    public:
        explicit StderrProgress(std::string prefix)
            : m_prefix(std::move(prefix))
        {
        }
        void onProgress(const core::TrainingProgress& progress) override
        {
            std::cerr << m_prefix << progress.message << '\n';
        }
        bool cancelRequested() override { return InterruptScope::interrupted(); }

    private:
        std::string m_prefix;
    };

    std::vector<std::string> selectedModels(const std::string& list)
    {
        std::vector<std::string> names;
        if (list.empty()) {
            for (const core::ZooEntry& entry : core::zooEntries())
                names.push_back(entry.name);
            return names;
        }
        std::stringstream stream(list);
        std::string name;
        while (std::getline(stream, name, ',')) {
            if (name.empty())
                continue;
            if (!core::findZooEntry(name)) {
                std::string known;
                for (const core::ZooEntry& entry : core::zooEntries())
                    known += (known.empty() ? "" : ", ") + entry.name;
                throw CliError("unknown zoo model '" + name + "' (known: " + known + ")");
            }
            names.push_back(name);
        }
        if (names.empty())
            throw CliError("--models names no model");
        return names;
    }

    core::TrainingOptions trainingOptions(const TrainOptions& options, const core::ZooEntry& entry)
    {
        core::TrainingOptions training;
        // With one output every rule is plain SGD; the chosen rule matters for anytime models only.
        training.rule = core::trainingRuleFromString(options.rule);
        training.osgd.scope = options.osgdGlobal ? core::InnerProductScope::Global : core::InnerProductScope::PerTensor;
        training.epochs = options.epochs > 0 ? options.epochs : entry.recommendedEpochs;
        training.seed = options.seed;
        training.progressEverySteps = 0; // one line per epoch
        return training;
    }

    // The store rows of one trained model: its data set, the model, and per-input correctness.
    void storeResult(db::Store& store, const core::FashionMnist& data, core::ZooTrainingResult& result)
    {
        core::DatasetRecord dataset = core::fashionMnistTestDataset(data);
        db::DatasetRepository(store).upsert(dataset);

        std::vector<core::InputCorrectnessRecord> correctness;
        for (const core::OutputEvaluation& output : result.evaluation.outputs)
            correctness.push_back({ /*modelId=*/0, output.index, dataset.id, output.correct });
        db::ModelRepository(store).insert(result.model, correctness);
    }

    nlohmann::json toJson(const core::ZooTrainingResult& result, const core::TrainingOptions& training)
    {
        nlohmann::json outputs = nlohmann::json::array();
        for (const core::ModelOutputRecord& output : result.model.outputs) {
            outputs.push_back({ { "index", output.index }, { "accuracy", output.testAccuracy.value() },
                { "macs", output.cumulativeMacs }, { "parameters", output.cumulativeParameters } });
        }
        return { { "name", result.model.name }, { "kind", core::toString(result.model.kind) },
            { "id", result.model.id }, { "epochs", training.epochs }, { "seed", training.seed },
            { "rule", core::toString(training.rule) }, { "train_seconds", result.report.seconds },
            { "weights", result.model.filePath }, { "sha256", result.model.fileSha256 }, { "outputs", outputs } };
    }

    void runTrain(const CliContext& context, const TrainOptions& options)
    {
        if (!options.zoo)
            throw CliError("nothing to train: pass --zoo (or --compare)");
        if (options.rule != "summed" && options.rule != "adaptive" && options.rule != "osgd")
            throw CliError("--rule must be summed, adaptive or osgd, not '" + options.rule + "'");
        const std::vector<std::string> names = selectedModels(options.models);
        const std::filesystem::path modelsDir = options.modelsDir.empty()
            ? db::Store::defaultPath().parent_path() / "models"
            : std::filesystem::path(options.modelsDir);

        core::FashionMnist data;
        try {
            data = core::loadFashionMnist();
        } catch (const std::runtime_error& error) {
            throw CliError(error.what(), 1);
        }
        auto store = context.openStore();

        const InterruptScope interrupts;
        nlohmann::json trained = nlohmann::json::array();
        for (const std::string& name : names) {
            const core::ZooEntry& entry = *core::findZooEntry(name);
            const core::TrainingOptions training = trainingOptions(options, entry);
            StderrProgress progress(name + ": ");
            std::cerr << name << ": training " << training.epochs << " epoch(s), "
                      << (entry.kind == core::ModelKind::Anytime ? std::string("rule ") + core::toString(training.rule)
                                                                 : std::string("plain SGD"))
                      << ", seed " << training.seed << '\n';
            core::ZooTrainingResult result
                = core::trainZooModel(name, data, training, modelsDir / (name + ".pt"), &progress);
            if (result.cancelled)
                throw CliError("interrupted while training " + name + "; its weights were not written", 130);
            storeResult(store, data, result);
            std::cerr << name << ": test accuracy";
            for (const core::ModelOutputRecord& output : result.model.outputs)
                std::cerr << ' ' << output.testAccuracy.value();
            std::cerr << ", weights " << result.model.filePath << '\n';
            trained.push_back(toJson(result, training));
        }
        if (context.json)
            std::cout << nlohmann::json { { "trained", trained } }.dump(2) << '\n';
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
