// The anytime training comparison (`train --compare`) at the core level: the summary statistics
// by hand, and a few dozen real training steps per run on a tiny subset of Fashion-MNIST.

#include "core/models/fashion_mnist.h"
#include "core/models/training_comparison.h"
#include "core/models/zoo.h"

#include <cmath>
#include <gtest/gtest.h>
#include <map>

using namespace awb::core;

namespace {

ComparisonRun run(TrainingRule rule, std::uint64_t seed, std::vector<double> accuracies)
{
    return { "m", rule, seed, std::move(accuracies), { 100, 400 }, 1.0 };
}

} // namespace

TEST(CoreTrainingComparison, RowsAreMeanAndHalfRangeOverSeedsPerRuleAndOutput)
{
    const std::vector<ComparisonRun> runs {
        run(TrainingRule::SummedLoss, 1, { 0.50, 0.70 }),
        run(TrainingRule::SummedLoss, 2, { 0.60, 0.80 }),
        run(TrainingRule::Osgd, 1, { 0.55, 0.75 }),
        run(TrainingRule::Osgd, 2, { 0.55, 0.65 }),
    };
    const std::vector<ComparisonRow> rows = summarizeComparison(runs);
    ASSERT_EQ(rows.size(), 4u);
    struct Expected {
        TrainingRule rule;
        int output;
        std::int64_t macs;
        double mean;
        double spread;
    };
    const Expected expected[] = {
        { TrainingRule::SummedLoss, 0, 100, 0.55, 0.05 },
        { TrainingRule::SummedLoss, 1, 400, 0.75, 0.05 },
        { TrainingRule::Osgd, 0, 100, 0.55, 0.0 },
        { TrainingRule::Osgd, 1, 400, 0.70, 0.05 },
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].model, "m");
        EXPECT_EQ(rows[i].rule, expected[i].rule) << i;
        EXPECT_EQ(rows[i].output, expected[i].output) << i;
        EXPECT_EQ(rows[i].cumulativeMacs, expected[i].macs) << i;
        EXPECT_NEAR(rows[i].meanAccuracy, expected[i].mean, 1e-12) << i;
        EXPECT_NEAR(rows[i].spread, expected[i].spread, 1e-12) << i;
        EXPECT_EQ(rows[i].accuracies.size(), 2u);
    }

    std::vector<ComparisonRun> mismatched = runs;
    mismatched[1].accuracies.push_back(0.9);
    EXPECT_THROW(summarizeComparison(mismatched), std::invalid_argument);
}

TEST(CoreTrainingComparison, EveryRuleGivesOneFiniteRowPerOutput)
{
    const FashionMnist data = loadFashionMnist();
    const ImageSet train = data.train.slice(0, 640);
    const ImageSet test = data.test.slice(0, 300);
    // A tiny width-nested net (3 outputs) keeps the eight trainings to seconds.
    const ComparedModel model { "tiny-width3", [](std::uint64_t seed) {
                                   return makeWidthNestedCandidate("tiny-width3", { 4, 4, 4 }, { 2, 2 }, seed);
                               } };
    ComparisonOptions options; // all four rules, seeds 1 and 2
    options.training.maxSteps = 20;
    options.training.batchSize = 32;
    options.training.threads = 1;
    options.training.progressEverySteps = 0;

    const ComparisonResult result = compareTrainingRules({ model }, train, test, options);
    ASSERT_FALSE(result.cancelled);
    EXPECT_EQ(result.runs.size(), 4u * 2u);
    ASSERT_EQ(result.rows.size(), 4u * 3u); // rules × outputs

    std::map<std::pair<TrainingRule, int>, int> seen;
    std::vector<std::int64_t> macsOfFirstRule;
    for (const ComparisonRow& row : result.rows) {
        ++seen[{ row.rule, row.output }];
        EXPECT_EQ(row.model, "tiny-width3");
        ASSERT_EQ(row.accuracies.size(), 2u);
        EXPECT_TRUE(std::isfinite(row.meanAccuracy));
        EXPECT_GE(row.meanAccuracy, 0.0);
        EXPECT_LE(row.meanAccuracy, 1.0);
        EXPECT_TRUE(std::isfinite(row.spread));
        EXPECT_GE(row.spread, 0.0);
        EXPECT_LE(row.spread, 0.5);
        EXPECT_GT(row.cumulativeMacs, 0);
        if (row.rule == options.rules.front())
            macsOfFirstRule.push_back(row.cumulativeMacs);
        else // the oracle's output k runs the same stages as the nested net's
            EXPECT_EQ(row.cumulativeMacs, macsOfFirstRule.at(static_cast<std::size_t>(row.output)));
    }
    EXPECT_EQ(seen.size(), 12u); // each (rule, output) exactly once
    for (const auto& [key, count] : seen)
        EXPECT_EQ(count, 1);
    ASSERT_EQ(macsOfFirstRule.size(), 3u);
    EXPECT_LT(macsOfFirstRule[0], macsOfFirstRule[1]);
    EXPECT_LT(macsOfFirstRule[1], macsOfFirstRule[2]);
    for (const ComparisonRun& r : result.runs)
        EXPECT_GT(r.trainSeconds, 0.0);
}
