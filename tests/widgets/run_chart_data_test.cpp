// What the run charts keep of a run: the newest inputs exactly, the whole run in bounded
// buckets that keep every miss and the worst latency, and configurations ordered by model.
#include "widgets/run_chart_data.h"

#include <gtest/gtest.h>

namespace {

using awb::ui::RunChartData;
using awb::ui::RunChartPoint;

RunChartPoint pointAt(std::int64_t input)
{
    RunChartPoint p;
    p.input = input;
    p.latencyMs = static_cast<double>(input % 97); // worst of each 97 is 96
    p.misses = input % 10 == 0 ? 1 : 0;
    p.capW = input < 5000 ? 20.0 : 40.0;
    p.xiMean = 1.0;
    p.xiObserved = 1.0 + static_cast<double>(input % 3);
    p.contention = input >= 1000 && input < 1010;
    p.goals = awb::core::Goals::maximizeAccuracy(10.0, 0.5);
    return p;
}

TEST(WidgetsRunChartData, AWindowInsideTheRecentRingIsExact)
{
    RunChartData data;
    data.setModels({ 1 }, { "cnn-xs" });
    for (std::int64_t i = 0; i < 3000; ++i)
        data.append(pointAt(i), 1, 0);
    const auto last = data.window(500, 0);
    ASSERT_EQ(last.size(), 500U);
    EXPECT_EQ(last.front().input, 2500);
    EXPECT_EQ(last.back().input, 2999);
    const auto whole = data.window(0, 0);
    ASSERT_EQ(whole.size(), 3000U);
    EXPECT_EQ(whole.front().input, 0);
}

TEST(WidgetsRunChartData, MemoryStaysBoundedAndTheWholeRunKeepsEveryMissAndTheWorstLatency)
{
    RunChartData data;
    data.setModels({ 1 }, { "cnn-xs" });
    constexpr std::int64_t kInputs = 150'000; // past the recent ring and several overview doublings
    for (std::int64_t i = 0; i < kInputs; ++i)
        data.append(pointAt(i), 1, 0);
    EXPECT_EQ(data.inputsSeen(), kInputs);

    const auto whole = data.window(0, 0);
    EXPECT_LE(whole.size(), RunChartData::kOverviewCapacity);
    EXPECT_GT(whole.size(), RunChartData::kOverviewCapacity / 4);
    std::int64_t inputs = 0;
    std::int64_t misses = 0;
    double worst = 0.0;
    bool contention = false;
    for (const RunChartPoint& bucket : whole) {
        inputs += bucket.count;
        misses += bucket.misses;
        worst = std::max(worst, bucket.latencyMs);
        contention = contention || bucket.contention;
    }
    EXPECT_EQ(inputs, kInputs);
    EXPECT_EQ(misses, kInputs / 10);
    EXPECT_DOUBLE_EQ(worst, 96.0);
    EXPECT_TRUE(contention) << "a 10-input co-runner phase must still show in the overview";
    EXPECT_EQ(whole.front().firstInput, 0);
    EXPECT_EQ(whole.back().input, kInputs - 1);

    // The newest inputs stay exact whatever the run's length.
    const auto recent = data.window(10'000, 0);
    ASSERT_EQ(recent.size(), 10'000U);
    EXPECT_EQ(recent.front().count, 1);
    EXPECT_EQ(recent.back().input, kInputs - 1);
}

TEST(WidgetsRunChartData, ThinningMergesIntoAtMostTheAskedBucketsKeepingTheEndState)
{
    RunChartData data;
    data.setModels({ 1 }, { "cnn-xs" });
    for (std::int64_t i = 0; i < 10'000; ++i)
        data.append(pointAt(i), 1, 0);
    const auto thinned = data.window(0, 800);
    ASSERT_LE(thinned.size(), 800U);
    ASSERT_GE(thinned.size(), 700U);
    std::int64_t misses = 0;
    for (const RunChartPoint& bucket : thinned)
        misses += bucket.misses;
    EXPECT_EQ(misses, 1000);
    EXPECT_DOUBLE_EQ(thinned.back().capW, 40.0); // the cap in force at the end
    EXPECT_DOUBLE_EQ(thinned.front().capW, 20.0);
}

TEST(WidgetsRunChartData, ConfigurationsAreLabelledAndRankedByModelThenOutput)
{
    RunChartData data;
    data.setModels({ 7, 3 }, { "anytime-width4", "cnn-l" });
    data.append(pointAt(0), 3, 0); // cnn-l
    data.append(pointAt(1), 7, 2); // anytime-width4, third output
    data.append(pointAt(2), 7, 0);
    ASSERT_EQ(data.configurations().size(), 3U);
    EXPECT_EQ(data.configurations()[0], "cnn-l");
    EXPECT_EQ(data.configurations()[1], "anytime-width4 #3");
    EXPECT_EQ(data.configurations()[2], "anytime-width4");
    EXPECT_EQ(data.configurationRank(2), 0); // anytime-width4 first output
    EXPECT_EQ(data.configurationRank(1), 1);
    EXPECT_EQ(data.configurationRank(0), 2); // cnn-l comes second among the candidates
}

} // namespace
