#pragma once

// Private to core/models: LibTorch types. Never include from a public header.

#include "core/models/detail/architectures.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace awb::core::detail {

// Incremental cost of one stage: its new layers plus its output head. MACs count convolutions
// and linear layers for one input image; BN, ReLU, pooling and additions are not counted.
struct StageCost {
    std::int64_t macs = 0;
    std::int64_t parameters = 0;
};

struct SpatialSize {
    std::int64_t height = 0;
    std::int64_t width = 0;
};

// A network whose outputs come stage by stage, earliest (cheapest, highest priority) first.
// Traditional networks have one stage. The staged path caches activations in members.
// Threading: one thread at a time per instance.
class StagedNetworkImpl : public torch::nn::Module {
public:
    virtual int numOutputs() const = 0;
    // One input image {channels, height, width} and the classes of every output; the built-in
    // architectures take Fashion-MNIST (1 × 28 × 28, 10 classes), imported ones what they declare.
    virtual std::vector<std::int64_t> imageShape() const { return { kInputChannels, kInputSize, kInputSize }; }
    virtual std::int64_t numClasses() const { return kClasses; }
    // One pass through stages 0..outputs−1 returning each stage's logits (training, evaluation,
    // and the monolithic reference the staged path must match).
    virtual std::vector<torch::Tensor> forwardOutputs(const torch::Tensor& input, int outputs) = 0;
    // Staged path: beginStaged forgets the previous input's activations; then runStage(0),
    // runStage(1), ... in order, each running only that stage's new layers and head.
    virtual void beginStaged(const torch::Tensor& input) = 0;
    virtual torch::Tensor runStage(int stage) = 0;
    // Per stage, in output order; parameters over all stages sum to the module's total.
    virtual std::vector<StageCost> stageCosts() const = 0;
    // The parameters stage `stage` adds (its new layers and head); the stages partition parameters().
    virtual std::vector<torch::Tensor> stageParameters(int stage) const = 0;
};

// conv → BN → ReLU (ReLU optional), the building block of every built-in architecture.
class ConvBnReluImpl : public torch::nn::Module {
public:
    ConvBnReluImpl(
        std::int64_t inChannels, std::int64_t outChannels, std::int64_t kernel, std::int64_t stride, bool relu = true);
    torch::Tensor forward(const torch::Tensor& input);
    // MACs for an input of size `in`; `out` receives the output size.
    std::int64_t macs(SpatialSize in, SpatialSize& out) const;
    std::int64_t outChannels() const;

private:
    torch::nn::Conv2d m_conv { nullptr };
    torch::nn::BatchNorm2d m_bn { nullptr };
    bool m_relu = true;
};
TORCH_MODULE(ConvBnRelu);

std::int64_t convMacs(const torch::nn::Conv2dImpl& conv, SpatialSize in, SpatialSize& out);
std::int64_t linearMacs(const torch::nn::LinearImpl& linear);
std::int64_t parameterCount(const torch::nn::Module& module);
std::int64_t parameterCount(const std::vector<torch::Tensor>& parameters);
SpatialSize maxPoolOutput(SpatialSize in); // 2×2, stride 2
// Average-pools `input` down to `size` when it is larger by an integer factor (depth nesting).
torch::Tensor poolTo(const torch::Tensor& input, SpatialSize size);

} // namespace awb::core::detail
