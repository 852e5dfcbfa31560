#include "core/models/detail/staged_network.h"

#include <stdexcept>
#include <string>

namespace awb::core::detail {

namespace {

    std::int64_t convOutput(
        std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t padding, std::int64_t dilation)
    {
        return (in + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
    }

} // namespace

ConvBnReluImpl::ConvBnReluImpl(
    std::int64_t inChannels, std::int64_t outChannels, std::int64_t kernel, std::int64_t stride, bool relu)
    : m_conv(torch::nn::Conv2dOptions(inChannels, outChannels, kernel)
                 .stride(stride)
                 .padding(kernel / 2)
                 .bias(false)) // BN supplies the shift
    , m_bn(outChannels)
    , m_relu(relu)
{
    register_module("conv", m_conv);
    register_module("bn", m_bn);
}

torch::Tensor ConvBnReluImpl::forward(const torch::Tensor& input)
{
    torch::Tensor out = m_bn(m_conv(input));
    return m_relu ? torch::relu(out) : out;
}

std::int64_t ConvBnReluImpl::macs(SpatialSize in, SpatialSize& out) const { return convMacs(*m_conv, in, out); }

std::int64_t ConvBnReluImpl::outChannels() const { return m_conv->options.out_channels(); }

std::int64_t convMacs(const torch::nn::Conv2dImpl& conv, SpatialSize in, SpatialSize& out)
{
    const auto& options = conv.options;
    const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&options.padding());
    if (!padding)
        throw std::logic_error("convMacs: only explicit padding is supported");
    const auto kernel = options.kernel_size();
    const auto stride = options.stride();
    const auto dilation = options.dilation();
    out.height = convOutput(in.height, kernel->at(0), stride->at(0), (*padding)->at(0), dilation->at(0));
    out.width = convOutput(in.width, kernel->at(1), stride->at(1), (*padding)->at(1), dilation->at(1));
    const std::int64_t perOutput = options.in_channels() / options.groups() * kernel->at(0) * kernel->at(1);
    return out.height * out.width * options.out_channels() * perOutput;
}

std::int64_t linearMacs(const torch::nn::LinearImpl& linear)
{
    return linear.options.in_features() * linear.options.out_features();
}

std::int64_t parameterCount(const torch::nn::Module& module)
{
    return parameterCount(module.parameters(/*recurse=*/true));
}

std::int64_t parameterCount(const std::vector<torch::Tensor>& parameters)
{
    std::int64_t count = 0;
    for (const torch::Tensor& parameter : parameters)
        count += parameter.numel();
    return count;
}

SpatialSize maxPoolOutput(SpatialSize in) { return { in.height / 2, in.width / 2 }; }

torch::Tensor poolTo(const torch::Tensor& input, SpatialSize size)
{
    const std::int64_t height = input.size(2);
    if (height == size.height && input.size(3) == size.width)
        return input;
    if (height % size.height != 0 || height / size.height != input.size(3) / size.width)
        throw std::logic_error("poolTo: cannot pool " + std::to_string(height) + " to " + std::to_string(size.height));
    const std::int64_t factor = height / size.height;
    return torch::avg_pool2d(input, /*kernel_size=*/factor, /*stride=*/factor);
}

} // namespace awb::core::detail
