#include "core/models/detail/width_nested_cnn.h"

#include <stdexcept>
#include <string>

namespace awb::core::detail {

WidthNestedCnnImpl::WidthNestedCnnImpl(const WidthNestedConfig& config)
    : m_config(config)
{
    if (config.groupChannels.empty() || config.layerStrides.empty())
        throw std::invalid_argument("a width-nested CNN needs at least one group and one layer");
    const std::size_t groups = config.groupChannels.size();
    m_groups.resize(config.layerStrides.size());
    for (std::size_t layer = 0; layer < config.layerStrides.size(); ++layer) {
        std::int64_t groupsBelow = 0; // channels of groups 0..group of layer − 1
        for (std::size_t group = 0; group < groups; ++group) {
            groupsBelow += config.groupChannels[group];
            const std::int64_t inChannels = layer == 0 ? kInputChannels : groupsBelow;
            m_groups[layer].push_back(
                register_module("layer" + std::to_string(layer) + "_group" + std::to_string(group),
                    ConvBnRelu(inChannels, config.groupChannels[group], /*kernel=*/3, config.layerStrides[layer])));
        }
    }
    std::int64_t features = 0;
    for (std::size_t group = 0; group < groups; ++group) {
        features += config.groupChannels[group];
        m_heads.push_back(register_module("head" + std::to_string(group), torch::nn::Linear(features, kClasses)));
    }
}

torch::Tensor WidthNestedCnnImpl::groupInput(const std::vector<torch::Tensor>& below, int group) const
{
    if (group == 0)
        return below[0];
    return torch::cat(std::vector<torch::Tensor>(below.begin(), below.begin() + group + 1), /*dim=*/1);
}

torch::Tensor WidthNestedCnnImpl::head(const std::vector<torch::Tensor>& pooled, int group)
{
    // Pooling each group once and concatenating the pooled vectors equals pooling the
    // concatenation, and lets stage k reuse the pooled groups of earlier stages.
    const torch::Tensor features = group == 0
        ? pooled[0]
        : torch::cat(std::vector<torch::Tensor>(pooled.begin(), pooled.begin() + group + 1), /*dim=*/1);
    return m_heads[static_cast<std::size_t>(group)](features);
}

std::vector<torch::Tensor> WidthNestedCnnImpl::forwardOutputs(const torch::Tensor& input, int outputs)
{
    if (outputs < 1 || outputs > numOutputs())
        throw std::out_of_range("width-nested CNN: " + std::to_string(outputs) + " outputs requested");
    // Layer-major order: each layer's groups 0..outputs−1, then the heads.
    std::vector<torch::Tensor> below { input };
    for (std::size_t layer = 0; layer < m_groups.size(); ++layer) {
        std::vector<torch::Tensor> current;
        for (int group = 0; group < outputs; ++group) {
            const torch::Tensor in = layer == 0 ? input : groupInput(below, group);
            current.push_back(m_groups[layer][static_cast<std::size_t>(group)]->forward(in));
        }
        below = std::move(current);
    }
    std::vector<torch::Tensor> pooled;
    std::vector<torch::Tensor> logits;
    for (int group = 0; group < outputs; ++group) {
        pooled.push_back(below[static_cast<std::size_t>(group)].mean({ 2, 3 }));
        logits.push_back(head(pooled, group));
    }
    return logits;
}

void WidthNestedCnnImpl::beginStaged(const torch::Tensor& input)
{
    m_stagedInput = input;
    m_activations.assign(m_groups.size(), {});
    m_pooled.clear();
}

torch::Tensor WidthNestedCnnImpl::runStage(int stage)
{
    if (!m_stagedInput.defined() || stage != static_cast<int>(m_pooled.size()) || stage >= numOutputs())
        throw std::logic_error("width-nested CNN: stage " + std::to_string(stage) + " run out of order");
    // Stage-major order: group `stage` of every layer, reading the cached groups below it.
    for (std::size_t layer = 0; layer < m_groups.size(); ++layer) {
        const torch::Tensor in = layer == 0 ? m_stagedInput : groupInput(m_activations[layer - 1], stage);
        m_activations[layer].push_back(m_groups[layer][static_cast<std::size_t>(stage)]->forward(in));
    }
    m_pooled.push_back(m_activations.back().back().mean({ 2, 3 }));
    return head(m_pooled, stage);
}

std::vector<StageCost> WidthNestedCnnImpl::stageCosts() const
{
    std::vector<StageCost> costs(static_cast<std::size_t>(numOutputs()));
    for (std::size_t group = 0; group < costs.size(); ++group) {
        SpatialSize size { kInputSize, kInputSize };
        for (const auto& layer : m_groups) {
            SpatialSize out;
            costs[group].macs += layer[group]->macs(size, out);
            size = out;
        }
        costs[group].macs += linearMacs(*m_heads[group]);
        costs[group].parameters = parameterCount(stageParameters(static_cast<int>(group)));
    }
    return costs;
}

std::vector<torch::Tensor> WidthNestedCnnImpl::stageParameters(int stage) const
{
    if (stage < 0 || stage >= numOutputs())
        throw std::out_of_range("width-nested CNN: no stage " + std::to_string(stage));
    const auto group = static_cast<std::size_t>(stage);
    std::vector<torch::Tensor> out;
    for (const auto& layer : m_groups) {
        for (const torch::Tensor& parameter : layer[group]->parameters(/*recurse=*/true))
            out.push_back(parameter);
    }
    for (const torch::Tensor& parameter : m_heads[group]->parameters(/*recurse=*/true))
        out.push_back(parameter);
    return out;
}

NetworkPtr makeWidthNestedCnn(const WidthNestedConfig& config, std::uint64_t seed)
{
    torch::manual_seed(seed);
    return std::make_shared<WidthNestedCnnImpl>(config);
}

} // namespace awb::core::detail
