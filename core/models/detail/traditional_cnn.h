#pragma once

// Private to core/models: LibTorch types.

#include "core/models/detail/architectures.h"
#include "core/models/detail/staged_network.h"

namespace awb::core::detail {

// A plain CNN with one output (one stage). Threading: see StagedNetworkImpl.
class TraditionalCnnImpl : public StagedNetworkImpl {
public:
    explicit TraditionalCnnImpl(const TraditionalCnnConfig& config);

    int numOutputs() const override { return 1; }
    std::vector<torch::Tensor> forwardOutputs(const torch::Tensor& input, int outputs) override;
    void beginStaged(const torch::Tensor& input) override;
    torch::Tensor runStage(int stage) override;
    std::vector<StageCost> stageCosts() const override;
    std::vector<torch::Tensor> stageParameters(int stage) const override;

    torch::Tensor forward(const torch::Tensor& input);

private:
    TraditionalCnnConfig m_config;
    std::vector<ConvBnRelu> m_convs;
    torch::nn::Linear m_hidden { nullptr };
    torch::nn::Dropout m_dropout { nullptr };
    torch::nn::Linear m_classifier { nullptr };
    torch::Tensor m_stagedInput;
};
TORCH_MODULE(TraditionalCnn);

} // namespace awb::core::detail
