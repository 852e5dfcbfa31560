// Pareto frontiers over accuracy, latency and energy: hand-checked sets, the tie rules of
// core/frontier/pareto.h, and a brute-force cross-check on random points.

#include "core/frontier/pareto.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace awb::core;

namespace {

FrontierPoint point(const std::string& model, double accuracy, double latencyMs, double energyJ,
    double powerCapW = 10.0, int outputIndex = 0)
{
    return { /*modelId=*/static_cast<std::int64_t>(model.size()), model, outputIndex, powerCapW, accuracy, latencyMs,
        energyJ };
}

std::vector<std::string> names(const std::vector<FrontierPoint>& frontier)
{
    std::vector<std::string> out;
    for (const FrontierPoint& p : frontier)
        out.push_back(p.model);
    return out;
}

using Names = std::vector<std::string>;

// Costs chosen so that each projection drops different points (worked out by hand):
//   acc–lat:    C is beaten by B (faster, more accurate), E by D, F by A.
//   acc–energy: A by C, B by E, F by C.
//   all three:  only F is beaten (by A: same accuracy and energy, faster).
std::vector<FrontierPoint> handChecked()
{
    return {
        point("A", 0.80, 1.0, 5.0),
        point("B", 0.85, 2.0, 3.0),
        point("C", 0.84, 3.0, 1.0),
        point("D", 0.90, 4.0, 6.0),
        point("E", 0.88, 5.0, 2.0),
        point("F", 0.80, 3.0, 5.0),
    };
}

bool dominates(const FrontierPoint& a, const FrontierPoint& b, FrontierAxes axes)
{
    const bool lat = axes != FrontierAxes::AccuracyEnergy;
    const bool energy = axes != FrontierAxes::AccuracyLatency;
    const bool noWorse
        = a.accuracy >= b.accuracy && (!lat || a.latencyMs <= b.latencyMs) && (!energy || a.energyJ <= b.energyJ);
    const bool better
        = a.accuracy > b.accuracy || (lat && a.latencyMs < b.latencyMs) || (energy && a.energyJ < b.energyJ);
    return noWorse && better;
}

bool sameOnAxes(const FrontierPoint& a, const FrontierPoint& b, FrontierAxes axes)
{
    return a.accuracy == b.accuracy && (axes == FrontierAxes::AccuracyEnergy || a.latencyMs == b.latencyMs)
        && (axes == FrontierAxes::AccuracyLatency || a.energyJ == b.energyJ);
}

} // namespace

TEST(CoreFrontier, HandCheckedAccuracyLatency)
{
    const auto points = handChecked();
    const auto frontier = paretoFrontier(points, FrontierAxes::AccuracyLatency);
    EXPECT_EQ(names(frontier), (Names { "A", "B", "D" }));
}

TEST(CoreFrontier, HandCheckedAccuracyEnergySortedByEnergy)
{
    const auto points = handChecked();
    const auto frontier = paretoFrontier(points, FrontierAxes::AccuracyEnergy);
    EXPECT_EQ(names(frontier), (Names { "C", "E", "D" }));
}

TEST(CoreFrontier, HandCheckedAllThreeSortedByLatency)
{
    const auto points = handChecked();
    const auto frontier = paretoFrontier(points, FrontierAxes::AccuracyLatencyEnergy);
    EXPECT_EQ(names(frontier), (Names { "A", "B", "C", "D", "E" }));
}

TEST(CoreFrontier, ComputeFrontiersGivesTheThreeProjections)
{
    const auto points = handChecked();
    const Frontiers frontiers = computeFrontiers(points);
    EXPECT_EQ(names(frontiers.accuracyLatency), (Names { "A", "B", "D" }));
    EXPECT_EQ(names(frontiers.accuracyEnergy), (Names { "C", "E", "D" }));
    EXPECT_EQ(names(frontiers.accuracyLatencyEnergy), (Names { "A", "B", "C", "D", "E" }));
    EXPECT_STREQ(toString(FrontierAxes::AccuracyLatencyEnergy), "accuracy_latency_energy");
}

TEST(CoreFrontier, EmptyInputGivesEmptyFrontiers)
{
    const std::vector<FrontierPoint> none;
    const Frontiers frontiers = computeFrontiers(none);
    EXPECT_TRUE(frontiers.accuracyLatency.empty());
    EXPECT_TRUE(frontiers.accuracyEnergy.empty());
    EXPECT_TRUE(frontiers.accuracyLatencyEnergy.empty());
}

TEST(CoreFrontier, SinglePointIsItsOwnFrontier)
{
    const std::vector<FrontierPoint> one { point("only", 0.7, 2.5, 0.1, 35.0, 2) };
    for (const FrontierAxes axes :
        { FrontierAxes::AccuracyLatency, FrontierAxes::AccuracyEnergy, FrontierAxes::AccuracyLatencyEnergy }) {
        const auto frontier = paretoFrontier(one, axes);
        ASSERT_EQ(frontier.size(), 1u) << toString(axes);
        EXPECT_EQ(frontier[0].model, "only");
        EXPECT_EQ(frontier[0].outputIndex, 2);
        EXPECT_EQ(frontier[0].powerCapW, 35.0);
    }
}

TEST(CoreFrontier, EqualAccuracyKeepsOnlyTheCheaperCap)
{
    // One output at three caps: same accuracy, faster but costlier at higher caps.
    const std::vector<FrontierPoint> caps {
        point("m", 0.9, 4.0, 1.0, 10.0),
        point("m", 0.9, 2.0, 1.5, 20.0),
        point("m", 0.9, 1.0, 2.5, 40.0),
    };
    const auto byLatency = paretoFrontier(caps, FrontierAxes::AccuracyLatency);
    ASSERT_EQ(byLatency.size(), 1u);
    EXPECT_EQ(byLatency[0].powerCapW, 40.0);
    const auto byEnergy = paretoFrontier(caps, FrontierAxes::AccuracyEnergy);
    ASSERT_EQ(byEnergy.size(), 1u);
    EXPECT_EQ(byEnergy[0].powerCapW, 10.0);
    // In three dimensions each cap trades latency for energy: all stay, fastest first.
    const auto both = paretoFrontier(caps, FrontierAxes::AccuracyLatencyEnergy);
    ASSERT_EQ(both.size(), 3u);
    EXPECT_EQ(both[0].powerCapW, 40.0);
    EXPECT_EQ(both[2].powerCapW, 10.0);
}

TEST(CoreFrontier, EqualLatencyKeepsOnlyTheMoreAccurate)
{
    const std::vector<FrontierPoint> points { point("low", 0.6, 3.0, 1.0), point("high", 0.7, 3.0, 1.0) };
    EXPECT_EQ(names(paretoFrontier(points, FrontierAxes::AccuracyLatency)), (Names { "high" }));
    EXPECT_EQ(names(paretoFrontier(points, FrontierAxes::AccuracyLatencyEnergy)), (Names { "high" }));
}

TEST(CoreFrontier, TwoDimensionalDuplicateKeepsTheOneWithTheLowerThirdCost)
{
    // Equal accuracy and latency: the acc–latency frontier keeps one, the lower-energy one.
    const std::vector<FrontierPoint> points { point("hungry", 0.8, 2.0, 9.0), point("frugal", 0.8, 2.0, 3.0) };
    EXPECT_EQ(names(paretoFrontier(points, FrontierAxes::AccuracyLatency)), (Names { "frugal" }));
    // Equal accuracy and energy: the acc–energy frontier keeps the faster one.
    const std::vector<FrontierPoint> sameEnergy { point("slow", 0.8, 7.0, 3.0), point("quick", 0.8, 2.0, 3.0) };
    EXPECT_EQ(names(paretoFrontier(sameEnergy, FrontierAxes::AccuracyEnergy)), (Names { "quick" }));
}

TEST(CoreFrontier, ExactDuplicatesAreKeptOnceWhateverTheInputOrder)
{
    // Equal on every axis: the lowest cap wins, then the smallest model name.
    std::vector<FrontierPoint> points {
        point("b", 0.8, 2.0, 3.0, 30.0),
        point("a", 0.8, 2.0, 3.0, 30.0),
        point("c", 0.8, 2.0, 3.0, 20.0),
    };
    for (int permutation = 0; permutation < 6; ++permutation) {
        for (const FrontierAxes axes :
            { FrontierAxes::AccuracyLatency, FrontierAxes::AccuracyEnergy, FrontierAxes::AccuracyLatencyEnergy }) {
            const auto frontier = paretoFrontier(points, axes);
            ASSERT_EQ(frontier.size(), 1u) << toString(axes);
            EXPECT_EQ(frontier[0].model, "c") << toString(axes);
        }
        std::next_permutation(points.begin(), points.end(),
            [](const FrontierPoint& x, const FrontierPoint& y) { return x.model < y.model; });
    }
    std::erase_if(points, [](const FrontierPoint& p) { return p.model == "c"; });
    ASSERT_EQ(points.size(), 2u); // "a" and "b" at the same cap
    EXPECT_EQ(names(paretoFrontier(points, FrontierAxes::AccuracyLatency)), (Names { "a" }));
}

TEST(CoreFrontier, NonFinitePointsAreIgnored)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<FrontierPoint> points { point("broken", 0.99, nan, 1.0), point("ok", 0.5, 2.0, 1.0),
        point("inf", 1.0, 1.0, std::numeric_limits<double>::infinity()) };
    EXPECT_EQ(names(paretoFrontier(points, FrontierAxes::AccuracyLatency)), (Names { "ok" }));
    EXPECT_EQ(names(paretoFrontier(points, FrontierAxes::AccuracyLatencyEnergy)), (Names { "ok" }));
}

TEST(CoreFrontier, MatchesBruteForceOnRandomPoints)
{
    // Coarse values so that ties and duplicates are frequent.
    std::mt19937 random(7);
    std::uniform_int_distribution<int> level(0, 6);
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<FrontierPoint> points;
        const int count = 1 + trial % 25;
        for (int i = 0; i < count; ++i)
            points.push_back(point("m" + std::to_string(i), level(random) / 6.0, 1.0 + level(random),
                0.5 + level(random), 10.0 * (1 + i % 3)));
        for (const FrontierAxes axes :
            { FrontierAxes::AccuracyLatency, FrontierAxes::AccuracyEnergy, FrontierAxes::AccuracyLatencyEnergy }) {
            const auto frontier = paretoFrontier(points, axes);
            // Nothing on the frontier is dominated, and no two frontier points duplicate each other.
            for (const FrontierPoint& f : frontier) {
                for (const FrontierPoint& p : points)
                    EXPECT_FALSE(dominates(p, f, axes)) << toString(axes) << " trial " << trial;
            }
            for (std::size_t i = 0; i < frontier.size(); ++i) {
                for (std::size_t j = i + 1; j < frontier.size(); ++j)
                    EXPECT_FALSE(sameOnAxes(frontier[i], frontier[j], axes));
            }
            // Every point left out is dominated by, or a duplicate of, a frontier point.
            for (const FrontierPoint& p : points) {
                const bool represented = std::any_of(frontier.begin(), frontier.end(),
                    [&](const FrontierPoint& f) { return dominates(f, p, axes) || sameOnAxes(f, p, axes); });
                EXPECT_TRUE(represented) << toString(axes) << " trial " << trial;
            }
            // 2-D frontiers: cost and accuracy both strictly increasing.
            for (std::size_t i = 1; i < frontier.size(); ++i) {
                const FrontierPoint& a = frontier[i - 1];
                const FrontierPoint& b = frontier[i];
                if (axes == FrontierAxes::AccuracyLatency) {
                    EXPECT_LT(a.latencyMs, b.latencyMs);
                    EXPECT_LT(a.accuracy, b.accuracy);
                } else if (axes == FrontierAxes::AccuracyEnergy) {
                    EXPECT_LT(a.energyJ, b.energyJ);
                    EXPECT_LT(a.accuracy, b.accuracy);
                } else {
                    EXPECT_TRUE(a.latencyMs < b.latencyMs || (a.latencyMs == b.latencyMs && a.energyJ < b.energyJ));
                }
            }
        }
    }
}
