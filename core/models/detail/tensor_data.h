#pragma once

// Private to core/models: ImageSet bytes → normalized float tensors, built per batch so no
// second copy of a data set is kept.

#include "core/models/fashion_mnist.h"

#include <torch/torch.h>

namespace awb::core::detail {

// Raw pixels as an N × 1 × H × W uint8 tensor viewing `images` (no copy; must not outlive it).
inline torch::Tensor pixelView(const ImageSet& images)
{
    return torch::from_blob(const_cast<std::uint8_t*>(images.pixels.data()),
        { static_cast<std::int64_t>(images.size()), 1, images.rows, images.cols }, torch::kUInt8);
}

inline torch::Tensor normalize(const torch::Tensor& pixels)
{
    return (pixels.to(torch::kFloat).div_(255.0F).sub_(kFashionMnistMean)).div_(kFashionMnistStd);
}

// Images [begin, begin + count), normalized, as a fresh N × 1 × H × W float tensor.
inline torch::Tensor imageBatch(const ImageSet& images, std::int64_t begin, std::int64_t count)
{
    return normalize(pixelView(images).narrow(/*dim=*/0, begin, count));
}

// Images at `indices` (int64), normalized.
inline torch::Tensor imageBatch(const ImageSet& images, const torch::Tensor& indices)
{
    return normalize(pixelView(images).index_select(/*dim=*/0, indices));
}

inline torch::Tensor labelBatch(const ImageSet& images, std::int64_t begin, std::int64_t count)
{
    return torch::from_blob(
        const_cast<std::uint8_t*>(images.labels.data()), { static_cast<std::int64_t>(images.size()) }, torch::kUInt8)
        .narrow(/*dim=*/0, begin, count)
        .to(torch::kLong);
}

inline torch::Tensor labelBatch(const ImageSet& images, const torch::Tensor& indices)
{
    return torch::from_blob(
        const_cast<std::uint8_t*>(images.labels.data()), { static_cast<std::int64_t>(images.size()) }, torch::kUInt8)
        .index_select(/*dim=*/0, indices)
        .to(torch::kLong);
}

} // namespace awb::core::detail
