#include "core/models/detail/depth_nested_cnn.h"

#include <stdexcept>
#include <string>

namespace awb::core::detail {

DepthNestedCnnImpl::DepthNestedCnnImpl(const DepthNestedConfig& config)
    : m_config(config)
{
    if (config.baseBlocks.empty() || config.stages < 1)
        throw std::invalid_argument("a depth-nested CNN needs at least one base block and one stage");
    // The interlaced sequence of the network so far, in depth order.
    std::vector<Node> sequence;
    SpatialSize size { kInputSize, kInputSize };
    std::int64_t channels = kInputChannels;
    m_blocks.emplace_back();
    m_adapters.emplace_back();
    m_reads.emplace_back();
    for (std::size_t i = 0; i < config.baseBlocks.size(); ++i) {
        const ConvSpec& spec = config.baseBlocks[i];
        ConvBnRelu block(channels, spec.channels, spec.kernel, spec.stride);
        SpatialSize out;
        block->macs(size, out);
        m_blocks[0].push_back(register_module("stage0_block" + std::to_string(i), block));
        sequence.push_back({ 0, static_cast<int>(i), spec.channels, out });
        channels = spec.channels;
        size = out;
    }
    m_heads.push_back(register_module("head0", torch::nn::Linear(channels, kClasses)));

    for (int stage = 1; stage < config.stages; ++stage) {
        std::vector<Node> next;
        m_blocks.emplace_back();
        m_adapters.emplace_back();
        m_reads.push_back(sequence);
        for (std::size_t j = 0; j < sequence.size(); ++j) {
            const Node& reused = sequence[j];
            // Block j continues the new chain, whose previous block has the channels of node j − 1.
            const std::int64_t inChannels = j == 0 ? reused.channels : sequence[j - 1].channels;
            const std::string suffix = "stage" + std::to_string(stage) + "_" + std::to_string(j);
            m_adapters.back().push_back(register_module("adapter" + suffix,
                ConvBnRelu(reused.channels, inChannels, /*kernel=*/1, /*stride=*/1, /*relu=*/false)));
            m_blocks.back().push_back(
                register_module("block" + suffix, ConvBnRelu(inChannels, reused.channels, /*kernel=*/3, /*stride=*/1)));
            next.push_back(reused);
            next.push_back({ stage, static_cast<int>(j), reused.channels, reused.size });
        }
        m_heads.push_back(
            register_module("head" + std::to_string(stage), torch::nn::Linear(sequence.back().channels, kClasses)));
        sequence = std::move(next);
    }
}

torch::Tensor DepthNestedCnnImpl::forwardStage(int stage, const torch::Tensor& input, Activations& activations)
{
    const auto s = static_cast<std::size_t>(stage);
    std::vector<torch::Tensor> chain;
    if (stage == 0) {
        torch::Tensor x = input;
        for (auto& block : m_blocks[0]) {
            x = block->forward(x);
            chain.push_back(x);
        }
    } else {
        for (std::size_t j = 0; j < m_blocks[s].size(); ++j) {
            const Node& reused = m_reads[s][j];
            const torch::Tensor& source
                = activations[static_cast<std::size_t>(reused.stage)][static_cast<std::size_t>(reused.index)];
            torch::Tensor in = m_adapters[s][j]->forward(source);
            if (j > 0)
                in = in + poolTo(chain.back(), reused.size);
            chain.push_back(m_blocks[s][j]->forward(in));
        }
    }
    torch::Tensor logits = m_heads[s](chain.back().mean({ 2, 3 }));
    activations.push_back(std::move(chain));
    return logits;
}

std::vector<torch::Tensor> DepthNestedCnnImpl::forwardOutputs(const torch::Tensor& input, int outputs)
{
    if (outputs < 1 || outputs > numOutputs())
        throw std::out_of_range("depth-nested CNN: " + std::to_string(outputs) + " outputs requested");
    // Every stage consumes whole chains of the stages before it, so the one-pass order is the
    // stage order too; the staged path differs only in keeping `activations` between calls.
    Activations activations;
    std::vector<torch::Tensor> logits;
    for (int stage = 0; stage < outputs; ++stage)
        logits.push_back(forwardStage(stage, input, activations));
    return logits;
}

void DepthNestedCnnImpl::beginStaged(const torch::Tensor& input)
{
    m_stagedInput = input;
    m_activations.clear();
}

torch::Tensor DepthNestedCnnImpl::runStage(int stage)
{
    if (!m_stagedInput.defined() || stage != static_cast<int>(m_activations.size()) || stage >= numOutputs())
        throw std::logic_error("depth-nested CNN: stage " + std::to_string(stage) + " run out of order");
    return forwardStage(stage, m_stagedInput, m_activations);
}

std::vector<StageCost> DepthNestedCnnImpl::stageCosts() const
{
    std::vector<StageCost> costs(static_cast<std::size_t>(numOutputs()));
    SpatialSize size { kInputSize, kInputSize };
    for (const auto& block : m_blocks[0]) {
        SpatialSize out;
        costs[0].macs += block->macs(size, out);
        size = out;
    }
    for (std::size_t s = 1; s < costs.size(); ++s) {
        for (std::size_t j = 0; j < m_blocks[s].size(); ++j) {
            const SpatialSize at = m_reads[s][j].size;
            SpatialSize out;
            costs[s].macs += m_adapters[s][j]->macs(at, out) + m_blocks[s][j]->macs(at, out);
        }
    }
    for (std::size_t s = 0; s < costs.size(); ++s) {
        costs[s].macs += linearMacs(*m_heads[s]);
        costs[s].parameters = parameterCount(stageParameters(static_cast<int>(s)));
    }
    return costs;
}

std::vector<torch::Tensor> DepthNestedCnnImpl::stageParameters(int stage) const
{
    if (stage < 0 || stage >= numOutputs())
        throw std::out_of_range("depth-nested CNN: no stage " + std::to_string(stage));
    const auto s = static_cast<std::size_t>(stage);
    std::vector<torch::Tensor> out;
    auto append = [&out](const torch::nn::Module& module) {
        for (const torch::Tensor& parameter : module.parameters(/*recurse=*/true))
            out.push_back(parameter);
    };
    for (const auto& block : m_blocks[s])
        append(*block);
    for (const auto& adapter : m_adapters[s])
        append(*adapter);
    append(*m_heads[s]);
    return out;
}

NetworkPtr makeDepthNestedCnn(const DepthNestedConfig& config, std::uint64_t seed)
{
    torch::manual_seed(seed);
    return std::make_shared<DepthNestedCnnImpl>(config);
}

} // namespace awb::core::detail
