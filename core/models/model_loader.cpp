#include "core/models/model_loader.h"

#include "core/models/torchscript_import.h"
#include "core/models/zoo.h"
#include "core/system/sha256.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace awb::core {

namespace {

    Candidate loadImported(const ModelRecord& model)
    {
        std::ifstream stream(model.filePath, std::ios::binary);
        if (!std::filesystem::is_regular_file(model.filePath) || !stream)
            throw std::runtime_error("file of model '" + model.name + "' is missing: " + model.filePath);
        std::ostringstream bytes;
        bytes << stream.rdbuf();
        const std::string content = std::move(bytes).str();
        // What was measured at import must be what runs now.
        if (!model.fileSha256.empty() && sha256Hex(content) != model.fileSha256)
            throw std::runtime_error("file of model '" + model.name
                + "' changed since it was imported: " + model.filePath + " no longer has SHA-256 " + model.fileSha256);
        try {
            Candidate candidate = loadTorchScriptCandidate(model.name, content, model.filePath,
                parseInputShape(model.inputShape), model.kind == ModelKind::Anytime);
            if (static_cast<std::size_t>(candidate.numOutputs()) != model.outputs.size())
                throw std::runtime_error("model '" + model.name + "' has " + std::to_string(candidate.numOutputs())
                    + " outputs, the store records " + std::to_string(model.outputs.size()));
            return candidate;
        } catch (const TorchScriptImportError& error) {
            throw std::runtime_error(std::string("model '") + model.name + "' cannot be loaded: " + error.what());
        }
    }

} // namespace

Candidate loadModelCandidate(const ModelRecord& model)
{
    if (model.source == "zoo") {
        if (!std::filesystem::exists(model.filePath))
            throw std::runtime_error("weights of model '" + model.name + "' are missing: " + model.filePath);
        return loadZooCandidate(model.name, model.filePath);
    }
    if (model.source == kImportedModelSource)
        return loadImported(model);
    throw std::invalid_argument(
        "model '" + model.name + "' has source '" + model.source + "', which this build cannot load");
}

} // namespace awb::core
