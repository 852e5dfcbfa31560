#include "database/shipped_models.h"

#include "database/repositories.h"

#include <stdexcept>

namespace awb::db {

std::size_t installShippedModels(Store& store, const core::ShippedZoo& zoo)
{
    ModelRepository models(store);
    std::size_t added = 0;
    std::optional<core::DatasetRecord> dataset;
    for (const core::ShippedModel& shipped : zoo.models) {
        if (models.findByName(shipped.model.name))
            continue;
        if (!dataset) {
            dataset = zoo.dataset;
            DatasetRepository(store).upsert(*dataset);
        }
        core::ModelRecord model = shipped.model;
        std::vector<core::InputCorrectnessRecord> correctness;
        for (std::size_t output = 0; output < shipped.correctByOutput.size(); ++output)
            correctness.push_back({ 0, model.outputs.at(output).index, dataset->id, shipped.correctByOutput[output] });
        models.insert(model, correctness);
        ++added;
    }
    return added;
}

ShippedModelsOutcome installShippedModelsIfPresent(Store& store, const std::filesystem::path& directory)
{
    ShippedModelsOutcome outcome { 0, directory, {} };
    if (!std::filesystem::exists(directory / "manifest.json"))
        return outcome; // a build without the shipped zoo: train or import instead
    try {
        outcome.added = installShippedModels(store, core::readShippedZoo(directory));
    } catch (const std::runtime_error& error) {
        // Each model is recorded in its own savepoint, so what was added before stays.
        outcome.warning = error.what();
    }
    return outcome;
}

} // namespace awb::db
