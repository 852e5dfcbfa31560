#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace awb::core {

enum class ModelKind { Traditional, Anytime };

const char* toString(ModelKind kind);
// Throws std::invalid_argument for anything other than "traditional" or "anytime".
ModelKind modelKindFromString(const std::string& text);

// One output of a model. Traditional models have exactly one; anytime models have one per
// stage, and the costs are cumulative (reaching output k runs every stage up to k).
struct ModelOutputRecord {
    int index = 0; // 0-based stage index
    std::int64_t cumulativeMacs = 0;
    std::int64_t cumulativeParameters = 0;
    // Fraction in [0, 1] on the labelled test set that goes with the model (per-input correctness
    // in input_correctness); empty when there is none, e.g. an import of another input shape.
    std::optional<double> testAccuracy;
};

struct ModelRecord {
    std::int64_t id = 0;
    std::string uid;
    std::string name;
    ModelKind kind = ModelKind::Traditional;
    std::string source; // "zoo" or "import"
    std::string filePath;
    std::string fileSha256;
    std::string inputShape; // e.g. "1,1,28,28"
    std::int64_t parameters = 0;
    std::string createdAt;
    std::vector<ModelOutputRecord> outputs;
};

// Whether each input of a data set was classified correctly by one output of one model.
// The replay Oracle needs it; kept as one packed row per (model, output, dataset).
struct InputCorrectnessRecord {
    std::int64_t modelId = 0;
    int outputIndex = 0;
    std::int64_t datasetId = 0;
    std::vector<bool> correct; // indexed by input index in the data set's order
};

} // namespace awb::core
