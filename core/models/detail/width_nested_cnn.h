#pragma once

// Private to core/models: LibTorch types.

#include "core/models/detail/architectures.h"
#include "core/models/detail/staged_network.h"

namespace awb::core::detail {

// Width-nested anytime CNN (ANYTIME.md, "Width nesting"): one ConvBnRelu per (layer, group);
// group k of layer l reads the concatenation of groups 0..k of layer l−1, so stage k adds
// group k of every layer and head k, and reads nothing of later groups.
// Threading: see StagedNetworkImpl.
class WidthNestedCnnImpl : public StagedNetworkImpl {
public:
    explicit WidthNestedCnnImpl(const WidthNestedConfig& config);

    int numOutputs() const override { return static_cast<int>(m_config.groupChannels.size()); }
    std::vector<torch::Tensor> forwardOutputs(const torch::Tensor& input, int outputs) override;
    void beginStaged(const torch::Tensor& input) override;
    torch::Tensor runStage(int stage) override;
    std::vector<StageCost> stageCosts() const override;
    std::vector<torch::Tensor> stageParameters(int stage) const override;

private:
    // Input of (layer, group): the network input, or groups 0..group of the layer below.
    torch::Tensor groupInput(const std::vector<torch::Tensor>& below, int group) const;
    torch::Tensor head(const std::vector<torch::Tensor>& pooled, int group);

    WidthNestedConfig m_config;
    std::vector<std::vector<ConvBnRelu>> m_groups; // [layer][group]
    std::vector<torch::nn::Linear> m_heads;
    // Staged state: activations [layer][group] and pooled last-layer groups of the current input.
    torch::Tensor m_stagedInput;
    std::vector<std::vector<torch::Tensor>> m_activations;
    std::vector<torch::Tensor> m_pooled;
};
TORCH_MODULE(WidthNestedCnn);

} // namespace awb::core::detail
