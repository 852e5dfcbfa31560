#include "database/model_import.h"

#include "core/models/fashion_mnist.h"
#include "core/models/torchscript_import.h"
#include "core/models/zoo.h"
#include "database/repositories.h"

#include <optional>
#include <stdexcept>
#include <system_error>

namespace awb::db {

namespace {

    namespace fs = std::filesystem;

    void refuseTakenName(Store& store, const std::string& name)
    {
        if (ModelRepository(store).findByName(name))
            throw core::TorchScriptImportError("the store " + store.path().string() + " already has a model named '"
                + name + "'; import under another --name");
    }

    void storeImport(Store& store, core::ModelRecord& model, const std::optional<core::Evaluation>& evaluation,
        const core::FashionMnist* data)
    {
        std::vector<core::InputCorrectnessRecord> correctness;
        if (evaluation) {
            core::DatasetRecord dataset = core::fashionMnistTestDataset(*data);
            DatasetRepository(store).upsert(dataset);
            for (const core::OutputEvaluation& output : evaluation->outputs)
                correctness.push_back({ /*modelId=*/0, output.index, dataset.id, output.correct });
        }
        ModelRepository(store).insert(model, correctness);
    }

} // namespace

fs::path defaultModelsDir(const fs::path& storePath) { return fs::absolute(storePath).parent_path() / "models"; }

std::vector<std::int64_t> checkModelImportRequest(const ModelImportRequest& request, Store* store)
{
    std::vector<std::int64_t> shape;
    try {
        shape = core::parseInputShape(request.inputShape);
    } catch (const core::TorchScriptImportError& error) {
        throw core::TorchScriptImportError(std::string("--input-shape: ") + error.what());
    }
    if (core::findZooEntry(request.name))
        throw core::TorchScriptImportError(
            "'" + request.name + "' is a built-in zoo model's name; import under another --name");
    if (store)
        refuseTakenName(*store, request.name);
    return shape;
}

core::ModelRecord importModel(
    const ModelImportRequest& request, const std::function<Store&()>& openStore, const ModelImportNote& note)
{
    const std::vector<std::int64_t> shape = checkModelImportRequest(request, nullptr);
    std::optional<core::FashionMnist> data;
    if (core::isFashionMnistShape(shape)) {
        try {
            data = core::loadFashionMnist();
        } catch (const std::runtime_error& error) {
            note(request.name + ": no test accuracy: " + error.what());
        }
    }
    note(request.name + ": checking " + request.file.string() + " with input " + request.inputShape
        + (data ? " (Fashion-MNIST's: 10-class outputs are evaluated on its test set)" : ""));
    core::TorchScriptImportResult result = core::importTorchScript(
        { request.file, request.name, shape, request.anytime, request.modelsDir }, data ? &*data : nullptr);
    try {
        Store& store = openStore();
        refuseTakenName(store, request.name);
        storeImport(store, result.model, result.evaluation, data ? &*data : nullptr);
    } catch (...) {
        // The model is not in the store: do not leave its copy behind either.
        std::error_code ignored;
        if (result.wroteFile)
            fs::remove(result.model.filePath, ignored);
        throw;
    }
    return result.model;
}

} // namespace awb::db
