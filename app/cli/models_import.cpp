// `alertwb-cli models import FILE.pt`: checks a user's TorchScript model against the import
// contract (docs/torchscript-import.md), evaluates it on Fashion-MNIST when its input is that,
// copies it into the models folder next to the store and records it with source "import".
// The import itself is db::importModel (database/model_import.h), shared with the GUI.
//
// Every refusal (bad shape or name, a name the store already has, a file that is not TorchScript
// or breaks the contract) happens before anything is written: no copy, no store row.
#include "app/cli/models_import.h"

#include "app/cli/cli_context.h"
#include "core/models/torchscript_import.h"
#include "database/model_import.h"
#include "database/store_error.h"

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
        const db::ModelImportRequest request { options.file, options.name, options.inputShape, options.anytime,
            options.modelsDir.empty() ? db::defaultModelsDir(context.storePath()) : fs::path(options.modelsDir) };
        core::ModelRecord model;
        try {
            db::checkModelImportRequest(request, nullptr); // a bad shape or name before the store
            std::optional<db::Store> store = openStoreIfPresent(context);
            if (store)
                db::checkModelImportRequest(request, &*store);
            model = db::importModel(
                request,
                [&]() -> db::Store& {
                    if (!store)
                        store = context.openStore();
                    return *store;
                },
                [](const std::string& line) { std::cerr << line << '\n'; });
        } catch (const core::TorchScriptImportError& error) {
            throw CliError(error.what());
        } catch (const CliError&) {
            throw; // context.openStore()'s refusal keeps its exit code
        } catch (const db::StoreError&) {
            throw; // exit code 2, like every store refusal
        } catch (const std::runtime_error& error) {
            throw CliError(error.what(), 1);
        }
        if (context.json)
            std::cout << toJson(model).dump(2) << '\n';
        else
            printSummary(model);
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
