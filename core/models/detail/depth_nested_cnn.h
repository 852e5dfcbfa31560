#pragma once

// Private to core/models: LibTorch types.

#include "core/models/detail/architectures.h"
#include "core/models/detail/staged_network.h"

#include <utility>

namespace awb::core::detail {

// Depth-nested, interlaced anytime CNN (ANYTIME.md, "Depth nesting"). Stage 0 is a chain of
// blocks. Stage s adds one block after each block of the stage-(s−1) network: new block j reads
// adapter_j(reused activation j) + the previous new block's output (average-pooled to the same
// resolution), where adapter_j is a 1×1 conv + BN of its own — the lateral transform without
// which OSGD collapsed early outputs. Reused activations are never recomputed.
// Threading: see StagedNetworkImpl.
class DepthNestedCnnImpl : public StagedNetworkImpl {
public:
    explicit DepthNestedCnnImpl(const DepthNestedConfig& config);

    int numOutputs() const override { return m_config.stages; }
    std::vector<torch::Tensor> forwardOutputs(const torch::Tensor& input, int outputs) override;
    void beginStaged(const torch::Tensor& input) override;
    torch::Tensor runStage(int stage) override;
    std::vector<StageCost> stageCosts() const override;
    std::vector<torch::Tensor> stageParameters(int stage) const override;

private:
    struct Node {
        int stage = 0;
        int index = 0; // position in its stage's chain
        std::int64_t channels = 0;
        SpatialSize size;
    };
    using Activations = std::vector<std::vector<torch::Tensor>>; // [stage][chain position]

    // Appends stage `stage`'s chain outputs to `activations` (which holds stages < stage) and
    // returns its logits.
    torch::Tensor forwardStage(int stage, const torch::Tensor& input, Activations& activations);

    DepthNestedConfig m_config;
    std::vector<std::vector<ConvBnRelu>> m_blocks; // [stage][chain position]
    std::vector<std::vector<ConvBnRelu>> m_adapters; // [stage][chain position]; empty for stage 0
    std::vector<std::vector<Node>> m_reads; // [stage][j]: the reused node block j's adapter reads
    std::vector<torch::nn::Linear> m_heads;
    torch::Tensor m_stagedInput;
    Activations m_activations;
};
TORCH_MODULE(DepthNestedCnn);

} // namespace awb::core::detail
