#include "core/models/candidate.h"
#include "core/models/fashion_mnist.h"
#include "core/models/staged_runner.h"
#include "core/models/zoo.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <numeric>

#include "tests/support/temp_dir.h"

using namespace awb::core;

namespace {

// A deterministic non-trivial input image (normalized scale).
std::vector<float> testImage(int variant)
{
    std::vector<float> pixels(28 * 28);
    for (std::size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = std::sin(0.37F * static_cast<float>(i) + static_cast<float>(variant)) * 1.5F;
    return pixels;
}

std::vector<std::vector<float>> stagedLogits(Candidate& candidate, const std::vector<float>& image)
{
    candidate.reset(image, { 1, 1, 28, 28 });
    std::vector<std::vector<float>> out;
    while (!candidate.finished()) {
        candidate.runNextStage();
        out.push_back(candidate.currentLogits());
    }
    return out;
}

std::string errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const std::exception& error) {
        return error.what();
    }
    return "no error";
}

} // namespace

TEST(CoreZoo, HasTraditionalAndNestedModels)
{
    int traditional = 0;
    for (const ZooEntry& entry : zooEntries()) {
        const Candidate candidate = makeZooCandidate(entry.name, 1);
        EXPECT_EQ(candidate.name(), entry.name);
        EXPECT_EQ(candidate.numOutputs(), entry.numOutputs);
        EXPECT_EQ(candidate.kind(), entry.kind);
        traditional += entry.kind == ModelKind::Traditional ? 1 : 0;
    }
    EXPECT_GE(traditional, 4);
    ASSERT_NE(findZooEntry("anytime-width4"), nullptr);
    ASSERT_NE(findZooEntry("anytime-depth3"), nullptr);
    EXPECT_EQ(findZooEntry("anytime-width4")->numOutputs, 4);
    EXPECT_GE(findZooEntry("anytime-depth3")->numOutputs, 3);
    EXPECT_EQ(findZooEntry("no-such-model"), nullptr);
    EXPECT_NE(errorOf([] { makeZooCandidate("no-such-model"); }).find("cnn-xs"), std::string::npos);
}

TEST(CoreZoo, CostsRiseWithEveryOutputAndWithTheTraditionalOrder)
{
    std::int64_t previousTraditionalMacs = 0;
    for (const ZooEntry& entry : zooEntries()) {
        const Candidate candidate = makeZooCandidate(entry.name, 1);
        const auto& costs = candidate.outputCosts();
        ASSERT_EQ(static_cast<int>(costs.size()), candidate.numOutputs());
        for (std::size_t k = 1; k < costs.size(); ++k) {
            EXPECT_GT(costs[k].cumulativeMacs, costs[k - 1].cumulativeMacs) << entry.name;
            EXPECT_GT(costs[k].cumulativeParameters, costs[k - 1].cumulativeParameters) << entry.name;
        }
        // Every parameter belongs to exactly one stage: the last output needs them all.
        EXPECT_EQ(costs.back().cumulativeParameters, candidate.parameterCount()) << entry.name;
        if (entry.kind == ModelKind::Traditional) {
            EXPECT_GT(costs.back().cumulativeMacs, previousTraditionalMacs) << entry.name;
            previousTraditionalMacs = costs.back().cumulativeMacs;
        }
    }
}

TEST(CoreZoo, WidthNestedMacsFollowFromTheLayerShapes)
{
    // Groups (4, 4, 8, 16), 3×3 convs at 28², 14², 7² (strides 1, 2, 2); group k of a layer reads
    // groups 0..k below (the image for layer 0); head k is a linear layer on groups 0..k.
    const std::int64_t groups[] = { 4, 4, 8, 16 };
    std::int64_t expected = 0;
    std::int64_t below = 0;
    const Candidate candidate = makeZooCandidate("anytime-width4", 1);
    for (int k = 0; k < 4; ++k) {
        below += groups[k];
        expected += 28 * 28 * 9 * 1 * groups[k] + 14 * 14 * 9 * below * groups[k] + 7 * 7 * 9 * below * groups[k]
            + below * 10;
        EXPECT_EQ(candidate.outputCosts()[static_cast<std::size_t>(k)].cumulativeMacs, expected) << "output " << k;
    }
}

TEST(CoreCandidate, StagedOutputsEqualOneMonolithicForward)
{
    for (const ZooEntry& entry : zooEntries()) {
        Candidate candidate = makeZooCandidate(entry.name, 3);
        for (int variant = 0; variant < 2; ++variant) {
            const std::vector<std::vector<float>> staged = stagedLogits(candidate, testImage(variant));
            candidate.reset(testImage(variant), { 1, 1, 28, 28 });
            candidate.runAllStagesMonolithic();
            ASSERT_EQ(candidate.outputsCompleted(), static_cast<int>(staged.size())) << entry.name;
            for (std::size_t k = 0; k < staged.size(); ++k)
                EXPECT_EQ(staged[k], candidate.outputLogits(static_cast<int>(k))) << entry.name << " output " << k;
            EXPECT_EQ(staged.back(), candidate.currentLogits()) << entry.name;
        }
    }
}

TEST(CoreCandidate, EqualSeedsGiveEqualModels)
{
    Candidate first = makeZooCandidate("anytime-depth3", 7);
    Candidate second = makeZooCandidate("anytime-depth3", 7);
    Candidate other = makeZooCandidate("anytime-depth3", 8);
    EXPECT_EQ(stagedLogits(first, testImage(0)), stagedLogits(second, testImage(0)));
    EXPECT_NE(stagedLogits(first, testImage(0)), stagedLogits(other, testImage(0)));
}

TEST(CoreCandidate, RefusesMisuse)
{
    Candidate candidate = makeZooCandidate("anytime-width4", 1);
    EXPECT_THROW(candidate.runNextStage(), std::logic_error);
    EXPECT_THROW(candidate.currentLogits(), std::logic_error);
    const std::vector<float> image = testImage(0);
    EXPECT_THROW(candidate.reset(image, { 1, 3, 28, 28 }), std::invalid_argument);
    EXPECT_THROW(candidate.reset(std::span(image).first(100), { 1, 1, 28, 28 }), std::invalid_argument);
    candidate.reset(image, { 1, 28, 28 }); // {C, H, W} is a batch of one
    for (int k = 0; k < 4; ++k)
        EXPECT_EQ(candidate.runNextStage(), k);
    EXPECT_THROW(candidate.runNextStage(), std::logic_error);
    EXPECT_THROW(candidate.outputLogits(4), std::out_of_range);
    candidate.reset(image, { 1, 28, 28 });
    EXPECT_THROW(candidate.outputLogits(0), std::out_of_range) << "a reset keeps the old input's outputs";
}

TEST(CoreCandidate, BatchesGiveOnePredictionPerImage)
{
    Candidate candidate = makeZooCandidate("cnn-s", 1);
    std::vector<float> batch = testImage(0);
    const std::vector<float> second = testImage(1);
    batch.insert(batch.end(), second.begin(), second.end());
    candidate.reset(batch, { 2, 1, 28, 28 });
    candidate.runNextStage();
    const std::vector<float> logits = candidate.currentLogits();
    ASSERT_EQ(logits.size(), 20U);
    const std::vector<int> predictions = candidate.currentPredictions();
    ASSERT_EQ(predictions.size(), 2U);
    const std::vector<float> alone = stagedLogits(candidate, second)[0];
    ASSERT_EQ(alone.size(), 10U);
    for (std::size_t i = 0; i < alone.size(); ++i)
        EXPECT_NEAR(logits[10 + i], alone[i], 1e-5F) << "second row differs from the same image alone";
    EXPECT_EQ(predictions[1], candidate.currentPrediction());
}

TEST(CoreCandidate, SavedWeightsReloadExactly)
{
    awb::test::TempDir dir;
    Candidate trainedLike = makeZooCandidate("anytime-depth3", 11);
    trainedLike.saveWeights(dir / "depth.pt");
    Candidate loaded = loadZooCandidate("anytime-depth3", dir / "depth.pt");
    EXPECT_EQ(stagedLogits(loaded, testImage(2)), stagedLogits(trainedLike, testImage(2)));
}

TEST(CoreCandidate, WeightsOfAnotherArchitectureAreRefused)
{
    awb::test::TempDir dir;
    makeZooCandidate("cnn-s", 1).saveWeights(dir / "s.pt");
    Candidate medium = makeZooCandidate("cnn-m", 1);
    const std::vector<std::vector<float>> before = stagedLogits(medium, testImage(0));
    const std::string error = errorOf([&] { medium.loadWeights(dir / "s.pt"); });
    EXPECT_NE(error.find((dir / "s.pt").string()), std::string::npos) << error;
    EXPECT_NE(error.find("cnn-s"), std::string::npos) << error;
    EXPECT_EQ(stagedLogits(medium, testImage(0)), before) << "a refused file changed the weights";

    awb::test::writeFile(dir / "garbage.pt", "definitely not a LibTorch archive");
    const std::string garbage = errorOf([&] { medium.loadWeights(dir / "garbage.pt"); });
    EXPECT_NE(garbage.find("garbage.pt"), std::string::npos) << garbage;
    EXPECT_EQ(garbage.find('\n'), std::string::npos) << garbage;
    EXPECT_NE(errorOf([&] { medium.loadWeights(dir / "absent.pt"); }).find("not found"), std::string::npos);
}

TEST(CoreStagedRunner, ExpiredDeadlineStillReturnsTheFirstOutput)
{
    Candidate candidate = makeZooCandidate("anytime-width4", 1);
    const StagedRunner runner;
    const StagedRunResult result = runner.run(candidate, testImage(0), { 1, 1, 28, 28 }, /*deadlineMs=*/0.0);
    EXPECT_EQ(result.outputReached, 0);
    EXPECT_EQ(result.stageLatencyMs.size(), 1U);
    EXPECT_TRUE(result.stoppedByDeadline);
    EXPECT_FALSE(result.deadlineMet);
    EXPECT_EQ(result.predictedClass, candidate.currentPrediction());
    EXPECT_EQ(candidate.outputsCompleted(), 1);
}

TEST(CoreStagedRunner, GenerousDeadlineReachesTheLastOutput)
{
    for (const char* name : { "anytime-width4", "anytime-depth3", "cnn-m" }) {
        Candidate candidate = makeZooCandidate(name, 1);
        const StagedRunner runner;
        const StagedRunResult result = runner.run(candidate, testImage(1), { 1, 1, 28, 28 }, /*deadlineMs=*/60'000.0);
        EXPECT_EQ(result.outputReached, candidate.numOutputs() - 1) << name;
        ASSERT_EQ(static_cast<int>(result.stageLatencyMs.size()), candidate.numOutputs()) << name;
        for (const double ms : result.stageLatencyMs)
            EXPECT_GT(ms, 0.0) << name;
        EXPECT_NEAR(std::accumulate(result.stageLatencyMs.begin(), result.stageLatencyMs.end(), 0.0),
            result.totalLatencyMs, 1e-6)
            << name;
        EXPECT_TRUE(result.deadlineMet) << name;
        EXPECT_FALSE(result.stoppedByDeadline) << name;
        const std::vector<float> last = candidate.currentLogits();
        EXPECT_EQ(result.predictedClass, std::max_element(last.begin(), last.end()) - last.begin()) << name;
    }
}

TEST(CoreStagedRunner, StopsAtTheRequestedOutput)
{
    Candidate candidate = makeZooCandidate("anytime-width4", 1);
    const StagedRunner runner;
    const StagedRunResult result = runner.run(candidate, testImage(1), { 1, 1, 28, 28 }, 60'000.0, /*maxOutputs=*/2);
    EXPECT_EQ(result.outputReached, 1);
    EXPECT_FALSE(result.stoppedByDeadline);
    EXPECT_EQ(candidate.outputsCompleted(), 2);
}

TEST(CoreStagedRunner, DeadlinePassingMidRunStopsBetweenStages)
{
    Candidate candidate = makeZooCandidate("anytime-depth3", 1);
    const StagedRunner runner;
    // Stage 0 alone takes far longer than a nanosecond: the deadline passes during it.
    candidate.reset(testImage(0), { 1, 1, 28, 28 });
    const StagedRunResult result = runner.run(candidate, StagedRunner::Clock::now() + std::chrono::nanoseconds(1));
    EXPECT_EQ(result.outputReached, 0);
    EXPECT_TRUE(result.stoppedByDeadline);
    EXPECT_THROW(runner.run(candidate, StagedRunner::Clock::now()), std::logic_error) << "ran without a reset";
}

TEST(CoreStagedRunner, StageStretchSetsEachStagesLatency)
{
    Candidate candidate = makeZooCandidate("anytime-width4", 1);
    std::vector<double> computeMs;
    StagedRunnerOptions options;
    options.stageStretch = [&computeMs](double ms) {
        computeMs.push_back(ms);
        return 2.5; // what an emulated device would show for the stage, ms
    };
    const StagedRunner runner(options);
    const std::vector<float> pixels(28 * 28, 0.1F);
    const StagedRunResult result = runner.run(candidate, pixels, { 1, 28, 28 }, 1e6);
    ASSERT_EQ(computeMs.size(), 4U) << "called once per stage";
    for (double ms : computeMs)
        EXPECT_GT(ms, 0.0);
    EXPECT_EQ(result.stageLatencyMs, std::vector<double>(4, 2.5));
    EXPECT_DOUBLE_EQ(result.totalLatencyMs, 10.0);
    EXPECT_EQ(result.outputReached, 3);
}

TEST(CoreStagedRunner, RefusesZeroThreads)
{
    StagedRunnerOptions options;
    options.threads = 0;
    EXPECT_THROW(StagedRunner { options }, std::invalid_argument);
}
