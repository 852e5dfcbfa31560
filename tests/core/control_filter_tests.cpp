// The ξ Kalman filter (adaptive process noise) and the idle-power filter: one update worked out by
// hand, tracking a step change (a co-runner starting), and what they refuse.
#include "core/control/idle_power_filter.h"
#include "core/control/slowdown_filter.h"

#include <gtest/gtest.h>
#include <random>

using awb::core::IdlePowerFilter;
using awb::core::SlowdownFilter;
using awb::core::SlowdownFilterSettings;

TEST(CoreControlFilter, OneUpdateMatchesTheEquationsByHand)
{
    SlowdownFilter filter; // μ0 = 1, P0 = 0.1, R = 0.0009, Q0 = 1e-4, α = 0.3
    ASSERT_TRUE(filter.observe(1.5));
    // P⁻ = 0.1 + 0.0001 = 0.1001; K = 0.1001 / 0.101 = 0.991089108910891
    // μ = 1 + K·0.5 = 1.495544554455446; P = (1 − K)·P⁻ = 0.000891980198019802
    // Q = max(1e-4, 0.3·1e-4 + 0.7·(K·0.5)²) = 0.00003 + 0.7·0.245564650...= 0.171925255...
    EXPECT_NEAR(filter.lastGain(), 0.991089108910891, 1e-12);
    EXPECT_NEAR(filter.mean(), 1.495544554455446, 1e-12);
    EXPECT_NEAR(filter.variance(), 0.000891980198019802, 1e-15);
    EXPECT_NEAR(filter.processNoise(), 0.00003 + 0.7 * 0.495544554455446 * 0.495544554455446, 1e-12);
    EXPECT_NEAR(filter.predictiveVariance(), 0.000891980198019802 + 0.0009, 1e-15);
}

TEST(CoreControlFilter, ProcessNoiseNeverFallsBelowQ0)
{
    SlowdownFilter filter;
    for (int i = 0; i < 500; ++i)
        filter.observe(1.0);
    EXPECT_DOUBLE_EQ(filter.processNoise(), 1e-4);
    EXPECT_NEAR(filter.mean(), 1.0, 1e-12);
}

// A co-runner starts at input 300: ξ jumps from about 1 to about 1.8 (3 % noise, R's σ).
// Stated bound: 3 inputs after the step the mean is within 0.06 (2σ of the noise) of the new level.
// The variances grow after the step: the posterior P more than doubles (it is bounded by R), the
// spec's σ² = P + R by a third, and σ² with the next step's Q more than tenfold.
TEST(CoreControlFilter, TracksAStepChangeWithinThreeInputsAndGrowsItsVariance)
{
    std::mt19937_64 rng(7);
    std::normal_distribution<double> noise(0.0, 0.03);
    SlowdownFilter adaptive;
    SlowdownFilterSettings fixedSettings;
    fixedSettings.adaptiveProcessNoise = false;
    SlowdownFilter fixed(fixedSettings);
    SlowdownFilterSettings cautiousSettings;
    cautiousSettings.includeNextProcessNoise = true;
    SlowdownFilter cautious(cautiousSettings);

    const auto observeAll = [&](double xi) {
        adaptive.observe(xi);
        fixed.observe(xi);
        cautious.observe(xi);
    };
    for (int n = 0; n < 300; ++n)
        observeAll(1.0 + noise(rng));
    const double settledPosterior = adaptive.variance();
    const double settledPredictive = adaptive.predictiveVariance();
    const double settledCautious = cautious.predictiveVariance();
    EXPECT_NEAR(adaptive.mean(), 1.0, 0.06);

    double posteriorAfter = 0.0;
    double predictiveAfter = 0.0;
    double cautiousAfter = 0.0;
    for (int n = 0; n < 3; ++n) {
        observeAll(1.8 + noise(rng));
        posteriorAfter = std::max(posteriorAfter, adaptive.variance());
        predictiveAfter = std::max(predictiveAfter, adaptive.predictiveVariance());
        cautiousAfter = std::max(cautiousAfter, cautious.predictiveVariance());
    }
    EXPECT_NEAR(adaptive.mean(), 1.8, 0.06);
    EXPECT_GT(posteriorAfter, 2.0 * settledPosterior);
    EXPECT_GT(predictiveAfter, 1.3 * settledPredictive);
    EXPECT_GT(cautiousAfter, 10.0 * settledCautious);
    EXPECT_GT(adaptive.processNoise(), 100.0 * 1e-4);
    // Without adaptation the gain stays small and the filter is still far behind.
    EXPECT_LT(fixed.mean(), 1.8 - 0.15);

    // Settles again: Q decays back toward Q0 and the variances with it.
    for (int n = 0; n < 200; ++n)
        observeAll(1.8 + noise(rng));
    EXPECT_NEAR(adaptive.mean(), 1.8, 0.06);
    EXPECT_LT(adaptive.variance(), 1.5 * settledPosterior);
    EXPECT_LT(cautious.predictiveVariance(), 2.0 * settledCautious);
}

TEST(CoreControlFilter, IgnoresObservationsThatAreNotPositiveFiniteNumbers)
{
    SlowdownFilter filter;
    EXPECT_FALSE(filter.observe(std::nan("")));
    EXPECT_FALSE(filter.observe(-1.0));
    EXPECT_FALSE(filter.observe(0.0));
    EXPECT_FALSE(filter.observe(std::numeric_limits<double>::infinity()));
    EXPECT_EQ(filter.observations(), 0);
    EXPECT_DOUBLE_EQ(filter.mean(), 1.0);
}

TEST(CoreControlFilter, PredictiveVarianceCanLeaveOutTheMeasurementNoise)
{
    SlowdownFilterSettings settings;
    settings.predictiveVariance = false;
    SlowdownFilter filter(settings);
    EXPECT_DOUBLE_EQ(filter.predictiveVariance(), 0.1);
}

TEST(CoreControlIdlePower, FollowsAChangeInIdlePowerFromIdleEnergy)
{
    IdlePowerFilter filter; // starts at 10 W
    // 4 ms idle at 14 W: 0.056 J per period.
    for (int i = 0; i < 200; ++i)
        ASSERT_TRUE(filter.observe(0.056, 4.0));
    EXPECT_NEAR(filter.powerW(), 14.0, 0.01);
}

TEST(CoreControlIdlePower, SkipsPeriodsWithoutIdleTime)
{
    IdlePowerFilter filter;
    EXPECT_FALSE(filter.observe(0.0, 0.0)); // the inference used the whole period
    EXPECT_FALSE(filter.observe(-0.1, 4.0));
    EXPECT_DOUBLE_EQ(filter.powerW(), 10.0);
}
