#pragma once

// Torch-free declarations of the built-in architectures, so the zoo table compiles without
// LibTorch headers. Included only by core/models sources.

#include <cstdint>
#include <memory>
#include <vector>

namespace awb::core::detail {

class StagedNetworkImpl;
using NetworkPtr = std::shared_ptr<StagedNetworkImpl>;

// Input images of every built-in architecture: 1 × 28 × 28 (Fashion-MNIST), 10 classes.
inline constexpr std::int64_t kInputChannels = 1;
inline constexpr std::int64_t kInputSize = 28;
inline constexpr std::int64_t kClasses = 10;

// One 3×3 (or `kernel`) conv + BN + ReLU; a 2×2 max-pool after it when maxPoolAfter.
struct ConvSpec {
    std::int64_t channels = 0;
    std::int64_t stride = 1;
    bool maxPoolAfter = false;
    std::int64_t kernel = 3;
};

// A plain CNN: the conv stack, then global average pooling or flattening, an optional hidden
// fully-connected layer with dropout, and the classifier.
struct TraditionalCnnConfig {
    std::vector<ConvSpec> convs;
    bool globalAveragePool = false;
    std::int64_t hiddenUnits = 0; // 0: no hidden layer
    double dropout = 0.0; // before the classifier, training only
};

// Width nesting (ANYTIME.md): every layer holds channel groups; group k of layer l reads groups
// 1..k of layer l−1; output k pools groups 1..k of the last layer.
struct WidthNestedConfig {
    std::vector<std::int64_t> groupChannels; // one entry per output, e.g. {4, 4, 8, 16}
    std::vector<std::int64_t> layerStrides; // one entry per layer, e.g. {1, 2, 2}
};

// Depth nesting, interlaced (ANYTIME.md): stage 1 is a chain of blocks; each later stage adds
// one block after every block of the network before it, fed by a 1×1 conv + BN lateral adapter
// on the reused activation plus the previous new block's output.
struct DepthNestedConfig {
    std::vector<ConvSpec> baseBlocks; // stage 1 (maxPoolAfter is ignored; strides downsample)
    int stages = 3;
};

// Each factory seeds LibTorch's global generator with `seed` before initialising weights, so
// equal seeds give equal networks (callers must not construct networks concurrently).
NetworkPtr makeTraditionalCnn(const TraditionalCnnConfig& config, std::uint64_t seed);
NetworkPtr makeWidthNestedCnn(const WidthNestedConfig& config, std::uint64_t seed);
NetworkPtr makeDepthNestedCnn(const DepthNestedConfig& config, std::uint64_t seed);

} // namespace awb::core::detail
