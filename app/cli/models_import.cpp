// `alertwb-cli models import FILE.pt`: checks a user's TorchScript model against the import
// contract (docs/torchscript-import.md), evaluates it on Fashion-MNIST when its input is that,
// copies it into the models folder next to the store and records it with source "import".
//
// Every refusal (bad shape or name, a name the store already has, a file that is not TorchScript
// or breaks the contract) happens before anything is written: no copy, no store row.
#include "app/cli/models_import.h"

#include "app/cli/cli_context.h"
#include "core/models/fashion_mnist.h"
#include "core/models/torchscript_import.h"
#include "core/models/zoo.h"
#include "database/repositories.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

namespace awb::cli {

namespace {

    namespace fs = std::filesystem;

    struct ImportOptions {
        std::string file;
        std::string name;
        std::string inputShape;
        bool anytime = false;
        std::string modelsDir; // empty: "models" beside the store
    };

    // The store when it already exists, to refuse a duplicate name before any work; a missing
    // store is created only once the model has passed every check.
    std::optional<db::Store> openStoreIfPresent(const CliContext& context)
    {
        std::error_code error;
        if (!fs::exists(context.storePath(), error))
            return std::nullopt;
        return context.openStore();
    }

    void refuseTakenName(db::Store& store, const std::string& name)
    {
        if (db::ModelRepository(store).findByName(name))
            throw CliError("the store " + store.path().string() + " already has a model named '" + name
                + "'; import under another --name");
    }

    void storeImport(db::Store& store, const core::TorchScriptImportResult& result, const core::FashionMnist* data)
    {
        std::vector<core::InputCorrectnessRecord> correctness;
        if (result.evaluation) {
            core::DatasetRecord dataset = core::fashionMnistTestDataset(*data);
            db::DatasetRepository(store).upsert(dataset);
            for (const core::OutputEvaluation& output : result.evaluation->outputs)
                correctness.push_back({ /*modelId=*/0, output.index, dataset.id, output.correct });
        }
        core::ModelRecord model = result.model;
        db::ModelRepository(store).insert(model, correctness);
    }

    nlohmann::json toJson(const core::ModelRecord& model)
    {
        nlohmann::json outputs = nlohmann::json::array();
        for (const core::ModelOutputRecord& output : model.outputs) {
            outputs.push_back({ { "index", output.index },
                { "accuracy", output.testAccuracy ? nlohmann::json(*output.testAccuracy) : nullptr },
                { "macs", output.cumulativeMacs > 0 ? nlohmann::json(output.cumulativeMacs) : nullptr },
                { "parameters", output.cumulativeParameters } });
        }
        return { { "imported",
            { { "name", model.name }, { "kind", core::toString(model.kind) }, { "source", model.source },
                { "file", model.filePath }, { "sha256", model.fileSha256 }, { "input_shape", model.inputShape },
                { "parameters", model.parameters }, { "outputs", outputs } } } };
    }

    void printSummary(const core::ModelRecord& model)
    {
        std::cout << "imported " << model.name << " (" << core::toString(model.kind) << ", " << model.outputs.size()
                  << (model.outputs.size() == 1 ? " output" : " outputs") << ", input " << model.inputShape << ") to "
                  << model.filePath << '\n';
        for (const core::ModelOutputRecord& output : model.outputs) {
            std::cout << "  output " << output.index << ": " << output.cumulativeMacs << " MACs, "
                      << output.cumulativeParameters << " parameters, accuracy ";
            if (output.testAccuracy)
                std::cout << 100.0 * *output.testAccuracy << " %\n";
            else
                std::cout << "- (no labelled data set for this input)\n";
        }
    }

    void runImport(const CliContext& context, const ImportOptions& options)
    {
        std::vector<std::int64_t> shape;
        try {
            shape = core::parseInputShape(options.inputShape);
        } catch (const core::TorchScriptImportError& error) {
            throw CliError(std::string("--input-shape: ") + error.what());
        }
        if (core::findZooEntry(options.name))
            throw CliError("'" + options.name + "' is a built-in zoo model's name; import under another --name");
        std::optional<db::Store> store = openStoreIfPresent(context);
        if (store)
            refuseTakenName(*store, options.name);

        std::optional<core::FashionMnist> data;
        if (core::isFashionMnistShape(shape)) {
            try {
                data = core::loadFashionMnist();
            } catch (const std::runtime_error& error) {
                std::cerr << options.name << ": no test accuracy: " << error.what() << '\n';
            }
        }
        const fs::path modelsDir = options.modelsDir.empty()
            ? fs::absolute(context.storePath()).parent_path() / "models"
            : fs::path(options.modelsDir);
        std::cerr << options.name << ": checking " << options.file << " with input " << options.inputShape
                  << (data ? " (Fashion-MNIST's: 10-class outputs are evaluated on its test set)" : "") << '\n';
        core::TorchScriptImportResult result;
        try {
            result = core::importTorchScript(
                { options.file, options.name, shape, options.anytime, modelsDir }, data ? &*data : nullptr);
        } catch (const core::TorchScriptImportError& error) {
            throw CliError(error.what());
        } catch (const std::runtime_error& error) {
            throw CliError(error.what(), 1);
        }
        try {
            if (!store)
                store = context.openStore();
            refuseTakenName(*store, options.name); // another process may have imported it meanwhile
            storeImport(*store, result, data ? &*data : nullptr);
        } catch (...) {
            // The model is not in the store: do not leave its copy behind either.
            std::error_code ignored;
            if (result.wroteFile)
                fs::remove(result.model.filePath, ignored);
            throw;
        }
        if (context.json)
            std::cout << toJson(result.model).dump(2) << '\n';
        else
            printSummary(result.model);
    }

} // namespace

void registerModelsImportCommand(CLI::App& models, CliContext& context)
{
    auto options = std::make_shared<ImportOptions>();
    auto* command = models.add_subcommand("import", "import a TorchScript model (docs/torchscript-import.md)");
    command->add_option("file", options->file, "TorchScript file (.pt)")->required();
    command->add_option("--name", options->name, "name in the store and of the copied file")->required();
    command->add_option("--input-shape", options->inputShape, "N,C,H,W of the validation input, e.g. 1,1,28,28")
        ->required();
    command->add_flag("--anytime", options->anytime, "the module follows the anytime convention (forward_stage)");
    command->add_option("--models-dir", options->modelsDir, "where the copy goes (default: models/ beside the store)");
    addCommonOptions(*command, context);
    command->callback([&context, options] { runImport(context, *options); });
}

} // namespace awb::cli
