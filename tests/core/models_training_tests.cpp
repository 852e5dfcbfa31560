// Training on the real Fashion-MNIST files (Debian's dataset-fashion-mnist, a declared
// dependency): short runs on a 3,000-image subset, sized to take seconds.

#include "core/models/candidate.h"
#include "core/models/fashion_mnist.h"
#include "core/models/trainer.h"
#include "core/models/zoo.h"

#include <gtest/gtest.h>
#include <memory>

using namespace awb::core;

namespace {

constexpr std::size_t kTrainImages = 3000;
constexpr std::size_t kEvalImages = 2000;

struct Subsets {
    ImageSet train;
    ImageSet validation;
};

const Subsets& subsets()
{
    static const std::unique_ptr<Subsets> data = [] {
        const FashionMnist all = loadFashionMnist();
        return std::make_unique<Subsets>(
            Subsets { all.train.slice(0, kTrainImages), all.validation.slice(0, kEvalImages) });
    }();
    return *data;
}

// A small width-nested net (4 outputs, 8 channels per group, two strided layers): the shape of
// anytime-width4 at a fifth of its cost, so each rule trains in seconds.
Candidate smallNestedNet(std::uint64_t seed)
{
    return makeWidthNestedCandidate("test-width-nested", { 8, 8, 8, 8 }, { 2, 2 }, seed);
}

TrainingOptions quickOptions(TrainingRule rule)
{
    TrainingOptions options;
    options.rule = rule;
    options.batchSize = 64;
    options.maxSteps = 150; // ≈ 3 passes over the subset
    // Short runs learn faster with a larger step than the 0.05 of full training (the first
    // output gets ~45-55 % at 0.05 and ~60-67 % at 0.2 within 150 steps).
    options.learningRate = 0.2;
    options.seed = 3;
    options.threads = 1;
    return options;
}

std::vector<float> logitsOf(Candidate& candidate, std::size_t index)
{
    candidate.reset(subsets().validation, index);
    while (!candidate.finished())
        candidate.runNextStage();
    return candidate.currentLogits();
}

class Recorder : public TrainingListener {
public:
    explicit Recorder(int cancelAfterReports = -1)
        : m_cancelAfter(cancelAfterReports)
    {
    }
    void onProgress(const TrainingProgress& progress) override { reports.push_back(progress); }
    bool cancelRequested() override { return m_cancelAfter >= 0 && static_cast<int>(reports.size()) >= m_cancelAfter; }

    std::vector<TrainingProgress> reports;

private:
    int m_cancelAfter;
};

void expectEveryOutputLearns(const Evaluation& evaluation, int outputs)
{
    ASSERT_EQ(static_cast<int>(evaluation.outputs.size()), outputs);
    for (const OutputEvaluation& output : evaluation.outputs) {
        // Chance is 10 %; a few hundred steps give every output far more.
        EXPECT_GT(output.accuracy, 0.5) << "output " << output.index;
        ASSERT_EQ(output.correct.size(), kEvalImages);
        const auto hits = std::count(output.correct.begin(), output.correct.end(), true);
        EXPECT_DOUBLE_EQ(output.accuracy, static_cast<double>(hits) / kEvalImages);
    }
}

} // namespace

class CoreTrainingRule : public testing::TestWithParam<TrainingRule> { };

TEST_P(CoreTrainingRule, EveryOutputOfAWidthNestedNetBeatsChance)
{
    Candidate candidate = smallNestedNet(3);
    Recorder recorder;
    const TrainingReport report = train(candidate, subsets().train, quickOptions(GetParam()), &recorder);
    EXPECT_FALSE(report.cancelled);
    EXPECT_EQ(report.steps, 150);
    ASSERT_FALSE(recorder.reports.empty());
    EXPECT_DOUBLE_EQ(recorder.reports.back().fraction, 1.0);
    EXPECT_EQ(recorder.reports.back().outputLosses.size(), 4U);
    expectEveryOutputLearns(evaluate(candidate, subsets().validation), 4);
}

INSTANTIATE_TEST_SUITE_P(Rules, CoreTrainingRule,
    testing::Values(TrainingRule::SummedLoss, TrainingRule::AdaptiveBalancing, TrainingRule::Osgd),
    [](const testing::TestParamInfo<TrainingRule>& info) { return std::string(toString(info.param)); });

TEST(CoreTraining, GlobalOsgdTrainsToo)
{
    Candidate candidate = smallNestedNet(3);
    TrainingOptions options = quickOptions(TrainingRule::Osgd);
    options.osgd.scope = InnerProductScope::Global;
    train(candidate, subsets().train, options);
    expectEveryOutputLearns(evaluate(candidate, subsets().validation), 4);
}

TEST(CoreTraining, OracleTrainsOneNetworkPerOutput)
{
    const TrainingOptions options = quickOptions(TrainingRule::Oracle);
    Recorder recorder;
    OracleResult oracle = trainOracle(smallNestedNet, subsets().train, options, &recorder);
    ASSERT_EQ(oracle.networks.size(), 4U);
    ASSERT_EQ(oracle.reports.size(), 4U);
    expectEveryOutputLearns(evaluateOracle(oracle, subsets().validation), 4);
    // Network k trained only stages ≤ k: its later outputs never learned anything.
    const Evaluation first = evaluate(oracle.networks[0], subsets().validation);
    EXPECT_LT(first.outputs[3].accuracy, 0.5);
    EXPECT_DOUBLE_EQ(recorder.reports.back().fraction, 1.0);
}

TEST(CoreTraining, WithOneOutputEveryRuleIsPlainSgdBitForBit)
{
    TrainingOptions options = quickOptions(TrainingRule::SummedLoss);
    options.maxSteps = 25;
    Candidate summed = makeZooCandidate("cnn-s", 9);
    train(summed, subsets().train, options);
    for (const TrainingRule rule : { TrainingRule::Osgd, TrainingRule::AdaptiveBalancing }) {
        Candidate other = makeZooCandidate("cnn-s", 9);
        options.rule = rule;
        train(other, subsets().train, options);
        for (const std::size_t index : { 0, 1, 2, 3 })
            EXPECT_EQ(logitsOf(other, index), logitsOf(summed, index)) << toString(rule) << " image " << index;
    }
    // The comparison can tell trainings apart: a different seed gives different weights.
    options.seed = 10;
    Candidate reseeded = makeZooCandidate("cnn-s", 9);
    train(reseeded, subsets().train, options);
    EXPECT_NE(logitsOf(reseeded, 0), logitsOf(summed, 0));
}

TEST(CoreTraining, CancellationStopsEarly)
{
    Candidate candidate = makeZooCandidate("cnn-xs", 1);
    TrainingOptions options = quickOptions(TrainingRule::SummedLoss);
    options.progressEverySteps = 5;
    Recorder recorder(/*cancelAfterReports=*/2);
    const TrainingReport report = train(candidate, subsets().train, options, &recorder);
    EXPECT_TRUE(report.cancelled);
    EXPECT_EQ(report.steps, 10);
    EXPECT_EQ(recorder.reports.size(), 2U);
    EXPECT_LT(recorder.reports.back().fraction, 0.1);
}

TEST(CoreTraining, ValidationAccuracyIsReportedPerEpoch)
{
    Candidate candidate = makeZooCandidate("cnn-xs", 1);
    TrainingOptions options = quickOptions(TrainingRule::SummedLoss);
    options.maxSteps = 0;
    options.epochs = 2;
    Recorder recorder;
    const ImageSet validation = subsets().validation.slice(0, 500);
    const TrainingReport report = train(candidate, subsets().train, options, &recorder, &validation);
    EXPECT_EQ(report.epochSeconds.size(), 2U);
    EXPECT_EQ(report.steps, 2 * static_cast<std::int64_t>(kTrainImages / 64));
    int withValidation = 0;
    for (const TrainingProgress& progress : recorder.reports)
        withValidation += progress.message.find("validation accuracy") != std::string::npos ? 1 : 0;
    EXPECT_EQ(withValidation, 2);
}

TEST(CoreTraining, RefusesOracleThroughTrainAndTooFewImages)
{
    Candidate candidate = makeZooCandidate("cnn-xs", 1);
    EXPECT_THROW(train(candidate, subsets().train, quickOptions(TrainingRule::Oracle)), std::invalid_argument);
    EXPECT_THROW(
        train(candidate, subsets().train.slice(0, 10), quickOptions(TrainingRule::SummedLoss)), std::invalid_argument);
    EXPECT_EQ(trainingRuleFromString("osgd"), TrainingRule::Osgd);
    EXPECT_THROW(trainingRuleFromString("sgd"), std::invalid_argument);
}

TEST(CoreTraining, DataSetIndexAndPlainBufferGiveTheSameInput)
{
    Candidate candidate = makeZooCandidate("anytime-width4", 1);
    const std::vector<float> fromIndex = logitsOf(candidate, 7);
    candidate.reset(normalizedImage(subsets().validation, 7), { 1, 1, 28, 28 });
    while (!candidate.finished())
        candidate.runNextStage();
    const std::vector<float> fromBuffer = candidate.currentLogits();
    ASSERT_EQ(fromIndex.size(), fromBuffer.size());
    for (std::size_t i = 0; i < fromIndex.size(); ++i)
        EXPECT_NEAR(fromIndex[i], fromBuffer[i], 1e-5F);
}
