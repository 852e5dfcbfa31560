#pragma once

#include "core/records/model_record.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace awb::core {

struct ImageSet;

namespace detail {
    struct CandidateAccess;
}

// Cost of reaching one output by staged execution: every stage up to and including this one,
// with their heads. MACs count convolutions and linear layers for one input image, computed
// from the layer shapes.
struct OutputCost {
    int index = 0;
    std::int64_t cumulativeMacs = 0;
    std::int64_t cumulativeParameters = 0;
};

// A model the runner can execute stage by stage: a traditional CNN (one output) or an anytime
// network (several outputs, each stage running only its new layers). Holds the weights and the
// activations of the current input. Create with makeZooCandidate / loadZooCandidate (zoo.h),
// loadTorchScriptCandidate (torchscript_import.h) or loadModelCandidate (model_loader.h).
// Threading: one thread at a time; distinct candidates may run on different threads, but they
// share LibTorch's process-wide intra-op thread pool.
class Candidate {
public:
    Candidate(Candidate&& other) noexcept;
    Candidate& operator=(Candidate&& other) noexcept;
    ~Candidate();

    const std::string& name() const;
    ModelKind kind() const;
    int numOutputs() const;
    const std::vector<OutputCost>& outputCosts() const;
    std::int64_t parameterCount() const;
    // Shape of one input image: {channels, height, width}.
    std::vector<std::int64_t> imageShape() const;
    int numClasses() const;

    // Starts a new input and forgets the previous one's activations. `pixels` are the network's
    // input as is (already normalized, see normalizedImage); `shape` is {N, C, H, W} or {C, H, W}
    // with C, H, W equal to imageShape(). Throws std::invalid_argument on a size mismatch.
    void reset(std::span<const float> pixels, const std::vector<std::int64_t>& shape);
    // Starts a new input: image `index` of `images`, normalized. Throws std::out_of_range, and
    // std::invalid_argument when the candidate takes images of another shape.
    void reset(const ImageSet& images, std::size_t index);

    // Runs the next stage (only its new layers and head) and returns the index of the output
    // now available. Throws std::logic_error without an input or when every output is done.
    int runNextStage();
    int outputsCompleted() const;
    bool finished() const { return outputsCompleted() == numOutputs(); }
    // Logits of the latest completed output, batch × classes row-major; throws std::logic_error
    // before the first stage.
    std::vector<float> currentLogits() const;
    std::vector<int> currentPredictions() const;
    int currentPrediction() const; // first row of the batch
    // Logits of completed output `index` of the current input; throws std::out_of_range.
    std::vector<float> outputLogits(int index) const;

    // Reference path: every stage in one forward pass of the same layers, without per-stage
    // bookkeeping; leaves the candidate finished with every output's logits available.
    void runAllStagesMonolithic();

    // Weights (parameters and BN buffers) with the architecture name, via torch::save.
    // loadWeights throws std::runtime_error naming the file when the file is unreadable, was
    // saved for another architecture, or any tensor is missing, extra, or of another shape;
    // the candidate is unchanged then.
    void saveWeights(const std::filesystem::path& path) const;
    void loadWeights(const std::filesystem::path& path);

private:
    friend struct detail::CandidateAccess;
    struct Impl;
    explicit Candidate(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace awb::core
