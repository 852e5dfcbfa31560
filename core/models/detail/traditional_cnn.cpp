#include "core/models/detail/traditional_cnn.h"

#include <stdexcept>
#include <string>

namespace awb::core::detail {

namespace {

    // Features entering the classifier: channels after global pooling, or channels × H × W.
    std::int64_t featureCount(const TraditionalCnnConfig& config, const std::vector<ConvBnRelu>& convs)
    {
        SpatialSize size { kInputSize, kInputSize };
        for (std::size_t i = 0; i < convs.size(); ++i) {
            SpatialSize out;
            convs[i]->macs(size, out);
            size = config.convs[i].maxPoolAfter ? maxPoolOutput(out) : out;
        }
        const std::int64_t channels = convs.back()->outChannels();
        return config.globalAveragePool ? channels : channels * size.height * size.width;
    }

} // namespace

TraditionalCnnImpl::TraditionalCnnImpl(const TraditionalCnnConfig& config)
    : m_config(config)
{
    if (config.convs.empty())
        throw std::invalid_argument("a traditional CNN needs at least one convolution");
    std::int64_t channels = kInputChannels;
    for (std::size_t i = 0; i < config.convs.size(); ++i) {
        const ConvSpec& spec = config.convs[i];
        m_convs.push_back(
            register_module("conv" + std::to_string(i), ConvBnRelu(channels, spec.channels, spec.kernel, spec.stride)));
        channels = spec.channels;
    }
    std::int64_t features = featureCount(config, m_convs);
    if (config.hiddenUnits > 0) {
        m_hidden = register_module("hidden", torch::nn::Linear(features, config.hiddenUnits));
        features = config.hiddenUnits;
    }
    m_dropout = register_module("dropout", torch::nn::Dropout(config.dropout));
    m_classifier = register_module("classifier", torch::nn::Linear(features, kClasses));
}

torch::Tensor TraditionalCnnImpl::forward(const torch::Tensor& input)
{
    torch::Tensor x = input;
    for (std::size_t i = 0; i < m_convs.size(); ++i) {
        x = m_convs[i]->forward(x);
        if (m_config.convs[i].maxPoolAfter)
            x = torch::max_pool2d(x, /*kernel_size=*/2, /*stride=*/2);
    }
    x = m_config.globalAveragePool ? x.mean({ 2, 3 }) : x.flatten(/*start_dim=*/1);
    if (m_hidden)
        x = torch::relu(m_hidden(x));
    if (m_config.dropout > 0.0)
        x = m_dropout(x);
    return m_classifier(x);
}

std::vector<torch::Tensor> TraditionalCnnImpl::forwardOutputs(const torch::Tensor& input, int outputs)
{
    if (outputs != 1)
        throw std::out_of_range("a traditional CNN has exactly one output");
    return { forward(input) };
}

void TraditionalCnnImpl::beginStaged(const torch::Tensor& input) { m_stagedInput = input; }

torch::Tensor TraditionalCnnImpl::runStage(int stage)
{
    if (stage != 0 || !m_stagedInput.defined())
        throw std::logic_error("a traditional CNN has one stage, run once after beginStaged");
    torch::Tensor logits = forward(m_stagedInput);
    m_stagedInput = torch::Tensor();
    return logits;
}

std::vector<StageCost> TraditionalCnnImpl::stageCosts() const
{
    StageCost cost;
    SpatialSize size { kInputSize, kInputSize };
    for (std::size_t i = 0; i < m_convs.size(); ++i) {
        SpatialSize out;
        cost.macs += m_convs[i]->macs(size, out);
        size = m_config.convs[i].maxPoolAfter ? maxPoolOutput(out) : out;
    }
    if (m_hidden)
        cost.macs += linearMacs(*m_hidden);
    cost.macs += linearMacs(*m_classifier);
    cost.parameters = parameterCount(*this);
    return { cost };
}

std::vector<torch::Tensor> TraditionalCnnImpl::stageParameters(int stage) const
{
    if (stage != 0)
        throw std::out_of_range("a traditional CNN has one stage");
    return parameters(/*recurse=*/true);
}

NetworkPtr makeTraditionalCnn(const TraditionalCnnConfig& config, std::uint64_t seed)
{
    torch::manual_seed(seed);
    return std::make_shared<TraditionalCnnImpl>(config);
}

} // namespace awb::core::detail
