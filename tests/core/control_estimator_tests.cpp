// The estimator against Monte Carlo (expected accuracy) and hand computation (energy).
#include "core/control/estimator.h"
#include "core/control/normal_cdf.h"

#include <gtest/gtest.h>
#include <random>

#include "tests/core/control_test_support.h"

using awb::core::Belief;
using awb::core::ConfigurationTable;
using awb::core::Estimates;
using awb::core::Estimator;
using awb::core::EstimatorSettings;

namespace {

// Draws ξ ~ N(μ, σ²) and delivers what the input would get: a traditional model its accuracy when
// ξ·t ≤ T, else q_fail; an anytime model the accuracy of its last output with ξ·t_k ≤ T.
double monteCarloAccuracy(const ConfigurationTable& table, std::size_t config, double mu, double sigma,
    double deadlineMs, double failAccuracy, int samples, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> xi(mu, sigma);
    const std::size_t d = table.modelOf(config);
    const std::size_t p = table.capOf(config);
    double sum = 0.0;
    for (int i = 0; i < samples; ++i) {
        const double x = xi(rng);
        double q = failAccuracy;
        for (int k = 0; k < table.outputCount(d); ++k) {
            if (x * table.latencyMs(d, p, k) <= deadlineMs)
                q = table.accuracy(d, k);
        }
        sum += q;
    }
    return sum / samples;
}

} // namespace

TEST(CoreControlEstimator, NormalCdfAgreesWithErfc)
{
    for (double z = -12.0; z <= 12.0; z += 0.01) {
        EXPECT_NEAR(awb::core::normalCdf<double>(z), awb::test::referencePhi(z), 3e-7) << z;
        EXPECT_NEAR(awb::core::normalCdf<float>(static_cast<float>(z)), awb::test::referencePhi(z), 1e-6) << z;
    }
    // Certain configurations tie exactly.
    EXPECT_EQ(awb::core::normalCdf<double>(9.0), 1.0);
    EXPECT_EQ(awb::core::normalCdf<float>(6.0F), 1.0F);
    EXPECT_EQ(awb::core::normalCdf<float>(-30.0F), 0.0F);
    EXPECT_LT(awb::core::normalCdf<double>(-40.0), 1e-70);
}

// Within 0.5 % (relative) of a 400,000-sample Monte Carlo estimate, for traditional and anytime
// models, across deadlines that make meeting them likely, a coin toss and unlikely.
TEST(CoreControlEstimator, ExpectedAccuracyMatchesMonteCarlo)
{
    const ConfigurationTable table = awb::test::smallTable();
    const EstimatorSettings settings; // q_fail = 0.1
    const Estimator estimator(table, settings);
    struct Case {
        double mu, sigma, deadlineMs;
    };
    const Case cases[] = { { 1.0, 0.05, 6.5 }, { 1.3, 0.2, 7.0 }, { 1.8, 0.3, 5.0 }, { 1.1, 0.1, 2.3 } };
    int checked = 0;
    for (const Case& c : cases) {
        const Belief belief { c.mu, c.sigma, 10.0 };
        Estimates batch;
        estimator.estimate(belief, c.deadlineMs, batch);
        for (std::size_t config = 0; config < table.configCount(); ++config) {
            const double mc
                = monteCarloAccuracy(table, config, c.mu, c.sigma, c.deadlineMs, 0.1, 400000, 1000 + config);
            const double expected = estimator.expectedAccuracy(config, belief, c.deadlineMs);
            EXPECT_NEAR(expected, mc, 0.005 * mc) << "config " << config << " deadline " << c.deadlineMs;
            EXPECT_NEAR(batch.accuracy[config], expected, 2e-6);
            ++checked;
        }
    }
    EXPECT_EQ(checked, 4 * 9);
}

TEST(CoreControlEstimator, ExpectedAccuracyFollowsTheSpecSumForRandomTables)
{
    const ConfigurationTable table = awb::test::randomTable(11, 10, 4, 16);
    const Estimator estimator(table, {});
    Estimates batch;
    const Belief belief { 1.2, 0.15, 8.0 };
    estimator.estimate(belief, 4.0, batch);
    for (std::size_t c = 0; c < table.configCount(); ++c)
        EXPECT_NEAR(batch.accuracy[c], awb::test::referenceAccuracy(table, c, 1.2, 0.15, 4.0, 0.1), 2e-6) << c;
}

TEST(CoreControlEstimator, MeanOnlyMakesMeetingTheDeadlineAStep)
{
    const ConfigurationTable table = awb::test::smallTable();
    EstimatorSettings settings;
    settings.meanOnly = true;
    const Estimator estimator(table, settings);
    // "large" at 60 W: t = 6 ms; μ = 1.2 → 7.2 ms. Deadline 7.3 ms: met; 7.1 ms: missed.
    const std::size_t large60 = table.configIndex(1, 2);
    const Belief belief { 1.2, 0.5, 10.0 }; // σ is ignored
    EXPECT_DOUBLE_EQ(estimator.expectedAccuracy(large60, belief, 7.3), 0.92);
    EXPECT_DOUBLE_EQ(estimator.expectedAccuracy(large60, belief, 7.1), 0.1);
    // "nested" at 60 W: outputs at 1, 3, 5 ms → 1.2, 3.6, 6.0 ms; deadline 4 ms gets output 2.
    EXPECT_NEAR(estimator.expectedAccuracy(table.configIndex(2, 2), belief, 4.0), 0.85, 1e-12);
    Estimates batch;
    estimator.estimate(belief, 4.0, batch);
    EXPECT_NEAR(batch.accuracy[table.configIndex(2, 2)], 0.85, 1e-6);
}

// E[e] = pa·t̂ + p_idle·(T − t̂)⁺ with pa = min(cap, power): the numbers worked out by hand.
TEST(CoreControlEstimator, EnergyMatchesHandComputation)
{
    const ConfigurationTable table = awb::test::smallTable();
    const Estimator estimator(table, {});
    Estimates batch;
    const Belief belief { 1.5, 0.1, 12.0 }; // μ = 1.5, idle 12 W
    estimator.estimate(belief, 10.0, batch);

    // small @ 20 W: t = 2·1.6 = 3.2 ms, μt = 4.8 ms; pa = min(20, 18) = 18 W.
    // 18 W·4.8 ms + 12 W·5.2 ms = 86.4 + 62.4 mJ = 0.1488 J
    EXPECT_NEAR(batch.energyJ[table.configIndex(0, 0)], 0.1488, 1e-12);
    // large @ 20 W: t = 9.6 ms, μt = 14.4 ms > T: traditional overrun charged in full, no idle:
    // pa = min(20, 19) = 19 W → 19·14.4 = 273.6 mJ
    EXPECT_NEAR(batch.energyJ[table.configIndex(1, 0)], 0.2736, 1e-12);
    // large @ 60 W: t = 6 ms, μt = 9 ms; pa = min(60, 55) = 55 W → 495 + 12 mJ = 0.507 J
    EXPECT_NEAR(batch.energyJ[table.configIndex(1, 2)], 0.507, 1e-12);
    // nested @ 20 W: t = 8 ms, μt = 12 ms > T: anytime stops at the deadline: 18.5·10 = 185 mJ
    EXPECT_NEAR(batch.energyJ[table.configIndex(2, 0)], 0.185, 1e-12);
    // nested @ 40 W: t = 6.25 ms, μt = 9.375 ms; pa = 33 W → 309.375 + 12·0.625 = 316.875 mJ
    EXPECT_NEAR(batch.energyJ[table.configIndex(2, 1)], 0.316875, 1e-12);
    // A cap below the profiled power bounds it: 40 W cap, profiled 45 W would be min(40, 45).
    EXPECT_DOUBLE_EQ(table.activePowerW(0, 2), 45.0); // 60 W cap, 45 W drawn
    EXPECT_NEAR(estimator.expectedEnergyJ(table.configIndex(0, 0), belief, 10.0), 0.1488, 1e-12);
}

TEST(CoreControlEstimator, ActivePowerIsBoundedByTheCap)
{
    awb::core::ModelProfile m;
    m.name = "hungry";
    m.accuracy = { 0.9 };
    m.latencyMs = { { 2.0 }, { 1.0 } };
    m.powerW = { 30.0, 30.0 }; // draws 30 W where it may
    const ConfigurationTable table({ m }, { 25.0, 50.0 });
    EXPECT_DOUBLE_EQ(table.activePowerW(0, 0), 25.0);
    EXPECT_DOUBLE_EQ(table.activePowerW(0, 1), 30.0);
    const Estimator estimator(table, {});
    // 25 W·2 ms + 5 W·3 ms = 65 mJ
    EXPECT_NEAR(estimator.expectedEnergyJ(0, { 1.0, 0.0, 5.0 }, 5.0), 0.065, 1e-12);
}

// Where energy is linear in ξ over the whole distribution (no deadline kink within ±5σ), the
// Gauss–Hermite expectation equals the plug-in value; where the anytime model's stop at the
// deadline bends it, it matches Monte Carlo within 1 %.
TEST(CoreControlEstimator, GaussHermiteEnergyExpectation)
{
    const ConfigurationTable table = awb::test::smallTable();
    EstimatorSettings settings;
    settings.energyQuadraturePoints = 5;
    const Estimator quadrature(table, settings);
    const Estimator plugIn(table, {});
    const Belief belief { 1.0, 0.05, 10.0 };
    const std::size_t small60 = table.configIndex(0, 2); // 2 ms, far below a 20 ms deadline
    EXPECT_NEAR(
        quadrature.expectedEnergyJ(small60, belief, 20.0), plugIn.expectedEnergyJ(small60, belief, 20.0), 1e-12);

    const std::size_t nested60 = table.configIndex(2, 2); // 5 ms to the last output
    const Belief wide { 1.0, 0.3, 10.0 };
    std::mt19937_64 rng(5);
    std::normal_distribution<double> xi(1.0, 0.3);
    double sum = 0.0;
    const int samples = 400000;
    for (int i = 0; i < samples; ++i)
        sum += awb::test::referenceEnergyJ(table, nested60, std::max(xi(rng), 0.0), 10.0, 5.5);
    const double mc = sum / samples;
    EXPECT_NEAR(quadrature.expectedEnergyJ(nested60, wide, 5.5), mc, 0.01 * mc);
    Estimates batch;
    quadrature.estimate(wide, 5.5, batch);
    EXPECT_DOUBLE_EQ(batch.energyJ[nested60], quadrature.expectedEnergyJ(nested60, wide, 5.5));
}
