#include "database/shipped_models.h"

#include "database/repositories.h"

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

} // namespace awb::db
