// The operator-level MAC count behind imported models' costs (core/models/detail), checked against
// the textbook count of each kind of product, in eager LibTorch calls.
#include "core/models/detail/op_cost_counter.h"

#include <gtest/gtest.h>

using awb::core::detail::OpCostCounter;

namespace {

std::int64_t macsOf(const std::function<void()>& run)
{
    torch::NoGradGuard noGrad;
    OpCostCounter counter({});
    run();
    return counter.macs();
}

} // namespace

TEST(CoreOpCostCounter, ConvolutionCountsOutputsTimesFilterSize)
{
    const torch::Tensor input = torch::randn({ 2, 3, 16, 16 });
    const torch::Tensor weight = torch::randn({ 8, 3, 3, 3 });
    // 2 images × 8 channels × 14 × 14 outputs, each 3 × 3 × 3 MACs.
    EXPECT_EQ(macsOf([&] { torch::conv2d(input, weight); }), 2 * 8 * 14 * 14 * 27);
    // Grouped: each output reads 3 / 3 = 1 input channel.
    const torch::Tensor grouped = torch::randn({ 6, 1, 3, 3 });
    EXPECT_EQ(macsOf([&] { torch::conv2d(input, grouped, {}, 1, 1, 1, /*groups=*/3); }), 2 * 6 * 16 * 16 * 9);
}

TEST(CoreOpCostCounter, TransposedConvolutionCountsInputsTimesFilterSize)
{
    const torch::Tensor input = torch::randn({ 1, 4, 5, 5 });
    const torch::Tensor weight = torch::randn({ 4, 2, 3, 3 }); // in, out, kH, kW
    EXPECT_EQ(macsOf([&] { torch::conv_transpose2d(input, weight, {}, /*stride=*/2); }), 4 * 5 * 5 * 2 * 9);
}

TEST(CoreOpCostCounter, LinearAndMatrixProductsCountOnce)
{
    const torch::Tensor x = torch::randn({ 5, 7 });
    const torch::Tensor weight = torch::randn({ 3, 7 });
    const torch::Tensor bias = torch::randn({ 3 });
    // linear calls addmm (or matmul); only the outermost product counts.
    EXPECT_EQ(macsOf([&] { torch::linear(x, weight, bias); }), 5 * 3 * 7);
    EXPECT_EQ(macsOf([&] { torch::linear(torch::randn({ 2, 5, 7 }), weight); }), 2 * 5 * 3 * 7);
    EXPECT_EQ(macsOf([&] { torch::matmul(torch::randn({ 4, 5, 7 }), torch::randn({ 7, 2 })); }), 4 * 5 * 2 * 7);
    EXPECT_EQ(macsOf([&] { torch::bmm(torch::randn({ 4, 5, 7 }), torch::randn({ 4, 7, 2 })); }), 4 * 5 * 2 * 7);
    EXPECT_EQ(macsOf([&] { torch::addmm(torch::zeros({ 5, 3 }), x, weight.t()); }), 5 * 3 * 7);
}

TEST(CoreOpCostCounter, CompositesAreCountedThroughTheProductsTheyCall)
{
    const torch::Tensor a = torch::randn({ 4, 5, 7 });
    const torch::Tensor b = torch::randn({ 4, 7, 2 });
    EXPECT_EQ(macsOf([&] { torch::einsum("bij,bjk->bik", { a, b }); }), 4 * 5 * 2 * 7);
}

TEST(CoreOpCostCounter, ElementwiseWorkIsNotCounted)
{
    const torch::Tensor x = torch::randn({ 64, 64 });
    EXPECT_EQ(macsOf([&] { torch::relu(x * x + 1.0).sum(); }), 0);
}

TEST(CoreOpCostCounter, ReportsEachWatchedTensorOnItsFirstRead)
{
    torch::NoGradGuard noGrad;
    const torch::Tensor first = torch::randn({ 3, 4 });
    const torch::Tensor second = torch::randn({ 2, 3 });
    const torch::Tensor unused = torch::randn({ 9 });
    OpCostCounter counter({ first, second, unused });
    const torch::Tensor x = torch::randn({ 1, 4 });
    const torch::Tensor hidden = torch::linear(x, first);
    EXPECT_EQ(counter.takeFirstReads(), (std::vector<std::size_t> { 0 }));
    torch::linear(torch::linear(x, first), second);
    EXPECT_EQ(counter.takeFirstReads(), (std::vector<std::size_t> { 1 }));
    EXPECT_TRUE(counter.takeFirstReads().empty());
    EXPECT_EQ(hidden.size(1), 3);
}

TEST(CoreOpCostCounter, OneCounterPerThread)
{
    OpCostCounter counter({});
    EXPECT_THROW(OpCostCounter({}), std::logic_error);
}
