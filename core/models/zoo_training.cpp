#include "core/models/zoo_training.h"

#include "core/models/zoo.h"
#include "core/system/sha256.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace awb::core {

namespace fs = std::filesystem;

void writeWeightsAtomically(const Candidate& candidate, const fs::path& weightsPath)
{
    const fs::path folder = weightsPath.has_parent_path() ? weightsPath.parent_path() : fs::path(".");
    std::error_code error;
    fs::create_directories(folder, error);
    if (error)
        throw std::runtime_error("cannot create " + folder.string() + ": " + error.message());
    // A dot-file beside the target, so the rename stays within one file system.
    std::string pattern = (folder / ("." + weightsPath.filename().string() + ".XXXXXX")).string();
    const int descriptor = mkstemp(pattern.data());
    if (descriptor < 0)
        throw std::runtime_error("cannot write " + weightsPath.string() + ": " + std::strerror(errno));
    close(descriptor);
    const fs::path temporary = pattern;
    try {
        candidate.saveWeights(temporary);
        // mkstemp creates 0600; give the file the permissions a plain new file would get.
        const mode_t mask = umask(0);
        umask(mask);
        chmod(temporary.c_str(), 0666 & ~mask);
        if (const int synced = open(temporary.c_str(), O_RDONLY); synced >= 0) {
            fsync(synced);
            close(synced);
        }
        if (std::rename(temporary.c_str(), weightsPath.c_str()) != 0)
            throw std::runtime_error("cannot replace " + weightsPath.string() + ": " + std::strerror(errno));
    } catch (...) {
        fs::remove(temporary, error);
        throw;
    }
}

ZooTrainingResult trainZooModel(const std::string& name, const FashionMnist& data, const TrainingOptions& options,
    const fs::path& weightsPath, TrainingListener* listener)
{
    Candidate candidate = makeZooCandidate(name, options.seed);
    ZooTrainingResult result;
    result.report = train(candidate, data.train, options, listener, &data.validation);
    // Checked again after evaluation: a request that came in meanwhile must not leave a file.
    if (result.report.cancelled || (listener && listener->cancelRequested())) {
        result.cancelled = true;
        return result;
    }
    Evaluation evaluation = evaluate(candidate, data.test);
    if (listener && listener->cancelRequested()) {
        result.cancelled = true;
        return result;
    }
    const fs::path absolutePath = fs::absolute(weightsPath);
    writeWeightsAtomically(candidate, absolutePath);

    ModelRecord& model = result.model;
    model.name = candidate.name();
    model.kind = candidate.kind();
    model.source = "zoo";
    model.filePath = absolutePath.string();
    model.fileSha256 = sha256FileHex(absolutePath);
    std::string shape = "1";
    for (const std::int64_t size : candidate.imageShape())
        shape += "," + std::to_string(size);
    model.inputShape = shape;
    model.parameters = candidate.parameterCount();
    for (const OutputCost& cost : candidate.outputCosts()) {
        ModelOutputRecord output;
        output.index = cost.index;
        output.cumulativeMacs = cost.cumulativeMacs;
        output.cumulativeParameters = cost.cumulativeParameters;
        output.testAccuracy = evaluation.outputs.at(static_cast<std::size_t>(cost.index)).accuracy;
        model.outputs.push_back(output);
    }
    result.evaluation = std::move(evaluation);
    return result;
}

} // namespace awb::core
