// Checks that need the LibTorch side of core/models: the re-use invariant of the nested networks
// and the numerics of Orthogonalized SGD (ANYTIME.md, "Checks" 1, 2 and 5).

#include "core/models/detail/candidate_access.h"
#include "core/models/detail/osgd.h"
#include "core/models/detail/staged_network.h"
#include "core/models/zoo.h"

#include <gtest/gtest.h>
#include <numeric>
#include <set>

#include "tests/support/temp_dir.h"

using namespace awb::core;
namespace internal = awb::core::detail;
using awb::core::detail::CandidateAccess;
using awb::core::detail::StagedNetworkImpl;

namespace {

torch::Tensor sampleBatch(std::int64_t count)
{
    torch::manual_seed(42);
    return torch::randn({ count, 1, 28, 28 });
}

std::vector<torch::Tensor> stagedOutputs(StagedNetworkImpl& network, const torch::Tensor& input, int outputs)
{
    torch::NoGradGuard noGrad;
    network.beginStaged(input);
    std::vector<torch::Tensor> out;
    for (int k = 0; k < outputs; ++k)
        out.push_back(network.runStage(k));
    return out;
}

void perturb(const std::vector<torch::Tensor>& parameters)
{
    torch::NoGradGuard noGrad;
    for (torch::Tensor parameter : parameters)
        parameter.add_(torch::randn_like(parameter));
}

double innerProduct(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a.to(torch::kDouble) * b.to(torch::kDouble)).sum().item<double>();
}

// One train-mode forward of a fresh width-nested network and its per-output gradients.
struct GradientCase {
    Candidate candidate = makeZooCandidate("anytime-width4", 5);
    std::vector<torch::Tensor> parameters;
    internal::OutputGradients grads;

    GradientCase()
    {
        StagedNetworkImpl& network = CandidateAccess::network(candidate);
        network.train();
        parameters = network.parameters();
        const torch::Tensor labels = torch::randint(/*high=*/10, { 32 }, torch::kLong);
        const std::vector<torch::Tensor> logits = network.forwardOutputs(sampleBatch(32), network.numOutputs());
        for (std::size_t k = 0; k < logits.size(); ++k) {
            const torch::Tensor loss = torch::cross_entropy_loss(logits[k], labels);
            grads.push_back(torch::autograd::grad({ loss }, parameters, {}, /*retain_graph=*/true, false,
                /*allow_unused=*/true));
        }
    }
};

} // namespace

class CoreNestedReuse : public testing::TestWithParam<std::string> { };

TEST_P(CoreNestedReuse, LaterStageWeightsDoNotChangeEarlierOutputs)
{
    Candidate candidate = makeZooCandidate(GetParam(), 3);
    StagedNetworkImpl& network = CandidateAccess::network(candidate);
    const int outputs = network.numOutputs();
    const torch::Tensor input = sampleBatch(2);
    for (int k = 0; k + 1 < outputs; ++k) {
        const std::vector<torch::Tensor> before = stagedOutputs(network, input, outputs);
        for (int later = k + 1; later < outputs; ++later)
            perturb(network.stageParameters(later));
        const std::vector<torch::Tensor> after = stagedOutputs(network, input, outputs);
        std::vector<torch::Tensor> monolithic;
        {
            torch::NoGradGuard noGrad;
            monolithic = network.forwardOutputs(input, outputs);
        }
        for (int j = 0; j <= k; ++j) {
            EXPECT_TRUE(torch::equal(before[j], after[j])) << "output " << j << " moved with stages > " << k;
            EXPECT_TRUE(torch::equal(after[j], monolithic[j])) << "staged output " << j << " differs from one pass";
        }
        EXPECT_FALSE(torch::equal(before[k + 1], after[k + 1])) << "perturbing stage " << k + 1 << " had no effect";
    }
}

TEST_P(CoreNestedReuse, NextStageReusesCachedActivations)
{
    Candidate candidate = makeZooCandidate(GetParam(), 3);
    StagedNetworkImpl& network = CandidateAccess::network(candidate);
    const torch::Tensor input = sampleBatch(1);
    const std::vector<torch::Tensor> reference = stagedOutputs(network, input, 2);
    torch::NoGradGuard noGrad;
    network.beginStaged(input);
    network.runStage(0);
    // Stage 0's activations are cached now: changing its weights must not reach stage 1.
    perturb(network.stageParameters(0));
    EXPECT_TRUE(torch::equal(network.runStage(1), reference[1]));
    EXPECT_THROW(network.runStage(3), std::logic_error);
}

TEST_P(CoreNestedReuse, StagesPartitionTheParameters)
{
    Candidate candidate = makeZooCandidate(GetParam(), 3);
    StagedNetworkImpl& network = CandidateAccess::network(candidate);
    std::set<const void*> seen;
    std::size_t count = 0;
    for (int k = 0; k < network.numOutputs(); ++k) {
        for (const torch::Tensor& parameter : network.stageParameters(k)) {
            seen.insert(parameter.unsafeGetTensorImpl());
            ++count;
        }
    }
    EXPECT_EQ(count, seen.size()) << "a parameter belongs to two stages";
    std::set<const void*> all;
    for (const torch::Tensor& parameter : network.parameters())
        all.insert(parameter.unsafeGetTensorImpl());
    EXPECT_EQ(seen, all);
}

INSTANTIATE_TEST_SUITE_P(Zoo, CoreNestedReuse, testing::Values("anytime-width4", "anytime-depth3"));

class CoreOsgd : public testing::TestWithParam<InnerProductScope> { };

TEST_P(CoreOsgd, FirstDirectionIsTheFirstGradientAndLaterOnesAreOrthogonal)
{
    GradientCase sample;
    OsgdOptions options;
    options.scope = GetParam();
    const internal::OsgdDirection direction = internal::orthogonalize(sample.grads, options, /*keepBasis=*/true);
    const std::size_t outputs = sample.grads.size();
    const std::size_t tensors = sample.parameters.size();
    for (std::size_t p = 0; p < tensors; ++p) {
        ASSERT_EQ(sample.grads[0][p].defined(), direction.basis[0][p].defined());
        if (sample.grads[0][p].defined()) {
            EXPECT_TRUE(torch::equal(direction.basis[0][p], sample.grads[0][p].to(torch::kDouble))) << "u_1 != g_1";
        }
    }
    // |<u_k, g_j>| ≤ 1e-6 ‖u_k‖ ‖g_j‖ for j < k, per tensor or over the concatenation.
    auto check = [&](const std::vector<std::size_t>& block) {
        for (std::size_t k = 1; k < outputs; ++k) {
            for (std::size_t j = 0; j < k; ++j) {
                double inner = 0.0;
                double uNorm = 0.0;
                double gNorm = 0.0;
                for (const std::size_t p : block) {
                    const torch::Tensor& u = direction.basis[k][p];
                    const torch::Tensor& g = sample.grads[j][p];
                    if (u.defined())
                        uNorm += innerProduct(u, u);
                    if (g.defined())
                        gNorm += innerProduct(g, g);
                    if (u.defined() && g.defined())
                        inner += innerProduct(u, g);
                }
                EXPECT_LE(std::abs(inner), 1e-6 * std::sqrt(uNorm * gNorm) + 1e-300)
                    << "output " << k << " against " << j << ", first tensor " << block.front();
            }
        }
    };
    if (GetParam() == InnerProductScope::PerTensor) {
        for (std::size_t p = 0; p < tensors; ++p)
            check({ p });
    } else {
        std::vector<std::size_t> all(tensors);
        std::iota(all.begin(), all.end(), 0);
        check(all);
    }
}

TEST_P(CoreOsgd, ParametersOfOneOutputKeepItsGradient)
{
    GradientCase sample;
    OsgdOptions options;
    options.scope = GetParam();
    const internal::OsgdDirection direction = internal::orthogonalize(sample.grads, options);
    const auto& network = CandidateAccess::network(sample.candidate);
    const int outputs = network.numOutputs();
    // Head k is reached by L_k alone. Per tensor, no later output touches it; in global mode later
    // outputs' projections do move it, so only the last head (no later output) keeps g_k there.
    for (int k = 0; k < outputs; ++k) {
        if (GetParam() == InnerProductScope::Global && k + 1 < outputs)
            continue;
        std::size_t checked = 0;
        for (std::size_t p = 0; p < sample.parameters.size(); ++p) {
            bool onlyK = sample.grads[static_cast<std::size_t>(k)][p].defined();
            for (int j = 0; j < outputs; ++j)
                onlyK = onlyK && (j == k || !sample.grads[static_cast<std::size_t>(j)][p].defined());
            if (!onlyK)
                continue;
            EXPECT_TRUE(torch::equal(direction.combined[p], sample.grads[static_cast<std::size_t>(k)][p]))
                << "output " << k << " tensor " << p;
            ++checked;
        }
        EXPECT_GE(checked, 2U) << "output " << k << " has no exclusive parameters (head weight and bias)";
    }
}

TEST_P(CoreOsgd, BackwardWritesTheDirectionIntoTheGradients)
{
    GradientCase sample;
    OsgdOptions options;
    options.scope = GetParam();
    StagedNetworkImpl& network = CandidateAccess::network(sample.candidate);
    const torch::Tensor labels = torch::randint(10, { 8 }, torch::kLong);
    const std::vector<torch::Tensor> logits = network.forwardOutputs(sampleBatch(8), network.numOutputs());
    std::vector<torch::Tensor> losses;
    for (const torch::Tensor& output : logits)
        losses.push_back(torch::cross_entropy_loss(output, labels));
    const internal::OutputGradients grads = internal::osgdBackward(losses, sample.parameters, options, true);
    const internal::OsgdDirection expected = internal::orthogonalize(grads, options);
    for (std::size_t p = 0; p < sample.parameters.size(); ++p)
        EXPECT_TRUE(torch::equal(sample.parameters[p].grad(), expected.combined[p])) << "tensor " << p;
}

INSTANTIATE_TEST_SUITE_P(Scopes, CoreOsgd, testing::Values(InnerProductScope::PerTensor, InnerProductScope::Global),
    [](const testing::TestParamInfo<InnerProductScope>& info) {
        return info.param == InnerProductScope::Global ? std::string("Global") : std::string("PerTensor");
    });

TEST(CoreWeightsFile, SameNameWithOtherShapesIsRefused)
{
    awb::test::TempDir dir;
    // A width-nested net with other group sizes, saved under the zoo name.
    Candidate impostor = CandidateAccess::make(
        "anytime-width4", ModelKind::Anytime, internal::makeWidthNestedCnn({ { 4, 4, 8, 8 }, { 1, 2, 2 } }, 1));
    impostor.saveWeights(dir / "impostor.pt");
    Candidate real = makeZooCandidate("anytime-width4", 1);
    try {
        real.loadWeights(dir / "impostor.pt");
        FAIL() << "mismatched shapes accepted";
    } catch (const std::runtime_error& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("does not match the architecture"), std::string::npos) << message;
        EXPECT_NE(message.find("impostor.pt"), std::string::npos) << message;
    }
    // Fewer stages: tensors are missing.
    Candidate shallow = CandidateAccess::make(
        "anytime-width4", ModelKind::Anytime, internal::makeWidthNestedCnn({ { 4, 4, 8 }, { 1, 2, 2 } }, 1));
    shallow.saveWeights(dir / "shallow.pt");
    EXPECT_THROW(real.loadWeights(dir / "shallow.pt"), std::runtime_error);
    // More stages: unexpected tensors.
    Candidate deep = CandidateAccess::make(
        "anytime-width4", ModelKind::Anytime, internal::makeWidthNestedCnn({ { 4, 4, 8, 16, 16 }, { 1, 2, 2 } }, 1));
    deep.saveWeights(dir / "deep.pt");
    EXPECT_THROW(real.loadWeights(dir / "deep.pt"), std::runtime_error);
}
