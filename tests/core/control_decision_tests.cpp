// ALERT's decisions against an exhaustive search, the fallbacks for infeasible goals, goal
// changes, dry run, and the refusals of bad goals and bad profiles.
#include "core/control/alert_controller.h"
#include "core/control/baseline_controllers.h"
#include "core/control/configuration_table.h"
#include "core/control/fixed_controller.h"

#include <gtest/gtest.h>
#include <random>

#include "tests/core/control_test_support.h"

using awb::core::AlertController;
using awb::core::AlertSettings;
using awb::core::ConfigurationTable;
using awb::core::GoalMode;
using awb::core::Goals;

namespace {

// Settings whose belief before any observation is exactly (μ, σ, idle): σ² = P0 + R.
AlertSettings beliefSettings(double mu, double sigma, double idleW)
{
    AlertSettings settings;
    settings.slowdown.initialMean = mu;
    settings.slowdown.measurementVariance = 0.03 * 0.03;
    settings.slowdown.initialVariance = sigma * sigma - settings.slowdown.measurementVariance;
    settings.idlePower.initialPowerW = idleW;
    return settings;
}

std::size_t chosenConfig(const ConfigurationTable& table, const awb::core::Decision& decision)
{
    return table.configIndex(decision.proposed.model, decision.proposed.cap);
}

} // namespace

// The exhaustive search scores every configuration with the spec's formulas (std::erfc, the
// non-telescoped sum) and applies the rule literally; ALERT must pick the same configuration.
TEST(CoreControlDecision, BothModesPickWhatAnExhaustiveSearchOverThePredictionsPicks)
{
    int compared = 0;
    int fallbacks = 0;
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        const ConfigurationTable table = awb::test::randomTable(seed, 7, 4, 6);
        std::mt19937_64 rng(seed * 97);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        for (int trial = 0; trial < 25; ++trial) {
            const double mu = 0.8 + unit(rng);
            const double sigma = 0.05 + 0.3 * unit(rng);
            const double idleW = 5.0 + 10.0 * unit(rng);
            const double deadline = 1.0 + 8.0 * unit(rng);
            std::vector<double> accuracy(table.configCount());
            std::vector<double> energy(table.configCount());
            double lowE = 1e9, highE = 0.0;
            for (std::size_t c = 0; c < table.configCount(); ++c) {
                accuracy[c] = awb::test::referenceAccuracy(table, c, mu, sigma, deadline, 0.1);
                energy[c] = awb::test::referenceEnergyJ(table, c, mu, idleW, deadline);
                lowE = std::min(lowE, energy[c]);
                highE = std::max(highE, energy[c]);
            }
            const Goals goals = trial % 2 == 0
                ? Goals::maximizeAccuracy(deadline, lowE + (highE - lowE) * (unit(rng) * 1.1 - 0.05))
                : Goals::minimizeEnergy(deadline, 0.5 + 0.5 * unit(rng));
            if (goals.mode == GoalMode::MaximizeAccuracy && goals.energyBudgetJ <= 0.0)
                continue;
            AlertController alert(table, beliefSettings(mu, sigma, idleW), goals);
            const auto decision = alert.decide(0);
            const std::size_t expected = awb::test::bruteForceChoice(table, goals, accuracy, energy);
            ASSERT_EQ(chosenConfig(table, decision), expected)
                << "seed " << seed << " trial " << trial << ": " << goals.describe();
            fallbacks += decision.goalMet ? 0 : 1;
            ++compared;
        }
    }
    EXPECT_GT(compared, 280);
    EXPECT_GT(fallbacks, 5); // some goals were infeasible, and those fell back the same way
}

// With the filter settled on the true, constant ξ and σ = 0, ALERT's pick is the exhaustive
// search over the true outcomes: latency ξ·t, energy by hand, accuracy of the output in time.
TEST(CoreControlDecision, SettledOnTheTrueSlowdownItPicksTheTrueBest)
{
    const ConfigurationTable table = awb::test::randomTable(42, 8, 3, 8);
    const double trueXi = 1.37;
    const double idleW = 9.0;
    for (const double deadline : { 1.5, 3.0, 6.0 }) {
        for (const bool minEnergy : { false, true }) {
            std::vector<double> accuracy(table.configCount());
            std::vector<double> energy(table.configCount());
            for (std::size_t c = 0; c < table.configCount(); ++c) {
                const std::size_t d = table.modelOf(c);
                double q = 0.1;
                for (int k = 0; k < table.outputCount(d); ++k) {
                    if (trueXi * table.latencyMs(d, table.capOf(c), k) <= deadline)
                        q = table.accuracy(d, k);
                }
                accuracy[c] = q;
                energy[c] = awb::test::referenceEnergyJ(table, c, trueXi, idleW, deadline);
            }
            const double medianEnergy = [&] {
                std::vector<double> sorted = energy;
                std::sort(sorted.begin(), sorted.end());
                return sorted[sorted.size() / 2];
            }();
            const Goals goals
                = minEnergy ? Goals::minimizeEnergy(deadline, 0.8) : Goals::maximizeAccuracy(deadline, medianEnergy);
            AlertSettings settings = beliefSettings(trueXi, 0.1, idleW);
            settings.estimator.meanOnly = true;
            AlertController alert(table, settings, goals);
            EXPECT_EQ(chosenConfig(table, alert.decide(0)), awb::test::bruteForceChoice(table, goals, accuracy, energy))
                << goals.describe();
        }
    }
}

// A table small enough to read: see control_test_support.h. μ = 1, σ = 0.03, idle 10 W.
TEST(CoreControlDecision, PicksByHandOnTheSmallTable)
{
    const ConfigurationTable table = awb::test::smallTable();
    const AlertSettings settings = beliefSettings(1.0, 0.0300001, 10.0);
    // Deadline 8 ms, budget 0.3 J. large@40 W: 7.5 ms, 35 W → 262.5 + 5 = 267.5 mJ, meets 8 ms
    // with F = Φ((8/7.5 − 1)/0.03) = Φ(2.22) ≈ 0.987 → 0.1 + 0.987·0.82 ≈ 0.909; large@60 W costs
    // 55·6 + 10·2 = 350 mJ > 0.3 J; nested@60 W reaches 0.90 at 5 ms for 50·5 + 30 = 280 mJ.
    AlertController alert(table, settings, Goals::maximizeAccuracy(8.0, 0.3));
    auto decision = alert.decide(0);
    EXPECT_EQ(decision.proposed, (awb::core::Configuration { 1, 1 }));
    EXPECT_TRUE(decision.goalMet);
    EXPECT_NEAR(decision.predicted.energyJ, 0.2675, 1e-12);

    // Min energy for 0.85 at 8 ms: small (0.80) never qualifies; nested@20 W reaches 0.85 at
    // 4.8 ms (output 2, 0.85) and 0.90 at 8 ms only half the time; its energy is 18.5·8 = 148 mJ;
    // nested@40 W: 33·6.25 + 10·1.75 = 223.75 mJ; large@20 W misses 8 ms (9.6 ms).
    alert.setGoals(Goals::minimizeEnergy(8.0, 0.85));
    decision = alert.decide(1);
    EXPECT_EQ(decision.proposed, (awb::core::Configuration { 2, 0 }));
    EXPECT_TRUE(decision.goalMet);
}

TEST(CoreControlDecision, InfeasibleGoalsFallBackAsSpecified)
{
    const ConfigurationTable table = awb::test::smallTable();
    const AlertSettings settings = beliefSettings(1.0, 0.05, 10.0);
    // No configuration costs ≤ 1 mJ: the cheapest one instead.
    AlertController maxAccuracy(table, settings, Goals::maximizeAccuracy(8.0, 0.001));
    const auto cheap = maxAccuracy.decide(0);
    EXPECT_FALSE(cheap.goalMet);
    const auto& scores = maxAccuracy.lastEstimates();
    const std::size_t lowest = static_cast<std::size_t>(
        std::min_element(scores.energyJ.begin(), scores.energyJ.end()) - scores.energyJ.begin());
    EXPECT_EQ(table.configIndex(cheap.proposed.model, cheap.proposed.cap), lowest);

    // Nothing reaches 0.99: the most accurate prediction instead (large at 40 or 60 W meets 8 ms
    // almost surely; 40 W is cheaper, so the tie goes to it only if both round to the same score).
    AlertController minEnergy(table, settings, Goals::minimizeEnergy(8.0, 0.99));
    const auto best = minEnergy.decide(0);
    EXPECT_FALSE(best.goalMet);
    const auto& accuracy = minEnergy.lastEstimates().accuracy;
    const float top = *std::max_element(accuracy.begin(), accuracy.end());
    EXPECT_NEAR(accuracy[table.configIndex(best.proposed.model, best.proposed.cap)], top, 1e-6);
    EXPECT_EQ(best.proposed.model, 1U);
}

TEST(CoreControlDecision, TiesGoToLowerEnergyThenTheLowerCap)
{
    // Two caps with identical latency (a cap above what the model draws changes nothing) and
    // identical power: every score ties, the lower cap wins.
    awb::core::ModelProfile flat;
    flat.name = "flat";
    flat.accuracy = { 0.9 };
    flat.latencyMs = { { 1.0 }, { 1.0 } };
    flat.powerW = { 20.0, 20.0 };
    // A second model that is as accurate when certain to meet the deadline but costs more.
    awb::core::ModelProfile costly = flat;
    costly.name = "costly";
    costly.powerW = { 25.0, 25.0 };
    const ConfigurationTable table({ costly, flat }, { 30.0, 40.0 });
    AlertController alert(table, beliefSettings(1.0, 0.05, 5.0), Goals::maximizeAccuracy(10.0, 1.0));
    const auto decision = alert.decide(0);
    EXPECT_EQ(decision.proposed, (awb::core::Configuration { 1, 0 }));
}

TEST(CoreControlDecision, GoalChangesTakeEffectOnTheNextInput)
{
    const ConfigurationTable table = awb::test::smallTable();
    // As in PicksByHandOnTheSmallTable: large@40 W first.
    AlertController alert(table, beliefSettings(1.0, 0.0300001, 10.0), Goals::maximizeAccuracy(8.0, 0.3));
    EXPECT_EQ(alert.decide(0).proposed, (awb::core::Configuration { 1, 1 }));
    alert.setGoals(Goals::maximizeAccuracy(2.5, 1.0)); // only "small" at 40/60 W and nested's 1st output fit
    const auto next = alert.decide(1);
    EXPECT_EQ(next.proposed.model, 0U);
    EXPECT_TRUE(next.goalMet);
    alert.setGoals(Goals::minimizeEnergy(20.0, 0.5));
    const auto relaxed = alert.decide(2);
    EXPECT_EQ(relaxed.proposed, (awb::core::Configuration { 0, 0 })); // the cheapest that is ≥ 0.5
}

TEST(CoreControlDecision, DryRunDecidesButKeepsTheStartingConfiguration)
{
    const ConfigurationTable table = awb::test::smallTable();
    AlertSettings settings = beliefSettings(1.0, 0.05, 10.0);
    settings.dryRun = true;
    AlertController alert(table, settings, Goals::minimizeEnergy(20.0, 0.5));
    for (int n = 0; n < 3; ++n) {
        const auto decision = alert.decide(n);
        EXPECT_EQ(decision.proposed, (awb::core::Configuration { 0, 0 }));
        EXPECT_EQ(decision.applied, (awb::core::Configuration { 1, 2 })); // most accurate, highest cap
        EXPECT_FALSE(decision.capChanged);
        // It still learns from what ran: large@60 W took 12 ms, twice its profile.
        alert.observe({ n, decision.applied, 0, 12.0, 0.0, 0.0, 0.0 });
    }
    EXPECT_GT(alert.slowdownFilter().mean(), 1.9);
}

TEST(CoreControlDecision, ObservesSlowdownOfTheLastCompletedOutput)
{
    const ConfigurationTable table = awb::test::smallTable();
    AlertController alert(table, beliefSettings(1.0, 0.05, 10.0), Goals::maximizeAccuracy(8.0, 0.3));
    // nested@60 W reached output 1 (3 ms profiled) after 4.5 ms: ξ_obs = 1.5.
    for (int n = 0; n < 20; ++n)
        alert.observe({ n, { 2, 2 }, 1, 4.5, 0.2, 0.035, 3.5 });
    EXPECT_NEAR(alert.slowdownFilter().mean(), 1.5, 1e-3);
    EXPECT_NEAR(alert.idlePowerFilter().powerW(), 10.0, 1e-9); // 0.035 J over 3.5 ms is 10 W
}

TEST(CoreControlDecision, CapWritesAreSkippedWhenTheCapIsUnchanged)
{
    const ConfigurationTable table = awb::test::smallTable();
    AlertController alert(table, beliefSettings(1.0, 0.0300001, 10.0), Goals::maximizeAccuracy(8.0, 0.3));
    EXPECT_TRUE(alert.decide(0).capChanged); // 60 W → 40 W
    EXPECT_FALSE(alert.decide(1).capChanged);
}

TEST(CoreControlBaselines, AppOnlyKeepsTheHighestCapAndSysOnlyOneModel)
{
    const ConfigurationTable table = awb::test::smallTable();
    const Goals goals = Goals::maximizeAccuracy(8.0, 0.3);
    auto app = awb::core::makeAppOnlyController(table, beliefSettings(1.0, 0.05, 10.0), goals);
    awb::core::SysOnlyController sys(table, beliefSettings(1.0, 0.05, 10.0), goals);
    // Sys-only's model: the most accurate meeting 8 ms and 0.3 J in profiling: large (at 40 W).
    EXPECT_EQ(sys.fixedModel(), 1U);
    for (int n = 0; n < 5; ++n) {
        EXPECT_EQ(app->decide(n).applied.cap, table.maxCapIndex());
        EXPECT_EQ(sys.decide(n).applied.model, 1U);
    }
    // App-only at 60 W: large costs 0.35 J > 0.3; nested reaches 0.90 at 5 ms for 0.28 J.
    EXPECT_EQ(app->decide(5).applied.model, 2U);
    // Sys-only re-picks its model when the goals change: 3 ms leaves only small.
    sys.setGoals(Goals::maximizeAccuracy(3.0, 1.0));
    EXPECT_EQ(sys.fixedModel(), 0U);
    EXPECT_EQ(sys.decide(6).applied.model, 0U);
}

TEST(CoreControlRefusals, GoalsThatAreNegativeNanOrContradictory)
{
    const auto refusal = [](const Goals& goals) {
        try {
            goals.validate();
        } catch (const std::invalid_argument& error) {
            return std::string(error.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(refusal(Goals::maximizeAccuracy(-1.0, 0.1)), "the deadline must be a positive number of ms, not -1");
    EXPECT_EQ(refusal(Goals::maximizeAccuracy(std::nan(""), 0.1)), "the deadline is NaN");
    EXPECT_EQ(refusal(Goals::maximizeAccuracy(5.0, std::nan(""))), "the energy budget is NaN");
    EXPECT_EQ(refusal(Goals::maximizeAccuracy(5.0, -0.2)), "the energy budget is negative (-0.2 J)");
    EXPECT_EQ(refusal(Goals::minimizeEnergy(5.0, -0.5)), "the accuracy goal is negative (-0.5)");
    EXPECT_EQ(refusal(Goals::minimizeEnergy(5.0, 1.5)), "the accuracy goal must be a fraction in (0, 1], not 1.5");
    Goals both = Goals::maximizeAccuracy(5.0, 0.1);
    both.accuracyGoal = 0.9;
    EXPECT_NE(refusal(both).find("contradictory goals"), std::string::npos);
    Goals wrongField = Goals::minimizeEnergy(5.0, 0.0);
    wrongField.energyBudgetJ = 0.2;
    EXPECT_NE(refusal(wrongField).find("contradictory goals: min-energy takes an accuracy goal"), std::string::npos);
    EXPECT_EQ(refusal(Goals::maximizeAccuracy(5.0, 0.1)), "accepted");

    const ConfigurationTable table = awb::test::smallTable();
    EXPECT_THROW(AlertController(table, AlertSettings {}, Goals::maximizeAccuracy(0.0, 1.0)), std::invalid_argument);
    AlertController alert(table, AlertSettings {}, Goals::maximizeAccuracy(5.0, 1.0));
    EXPECT_THROW(alert.setGoals(Goals::minimizeEnergy(5.0, std::nan(""))), std::invalid_argument);
    EXPECT_EQ(alert.goals(), Goals::maximizeAccuracy(5.0, 1.0)); // the refused goal changed nothing
}

namespace {

awb::core::ModelRecord record(std::int64_t id, const std::string& name, int outputs)
{
    awb::core::ModelRecord model;
    model.id = id;
    model.name = name;
    model.kind = outputs > 1 ? awb::core::ModelKind::Anytime : awb::core::ModelKind::Traditional;
    for (int k = 0; k < outputs; ++k)
        model.outputs.push_back({ k, 100, 10, 0.9 });
    return model;
}

awb::core::ProfileCellRecord cell(std::int64_t model, int output, double capW)
{
    awb::core::ProfileCellRecord c;
    c.modelId = model;
    c.outputIndex = output;
    c.powerCapW = capW;
    c.latencyMedianMs = 1.0 + output;
    c.powerW = capW * 0.8;
    c.accuracy = 0.8 + 0.05 * output;
    return c;
}

std::string profileRefusal(
    const std::vector<awb::core::ModelRecord>& models, const std::vector<awb::core::ProfileCellRecord>& cells)
{
    try {
        ConfigurationTable::fromProfile(models, cells);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "accepted";
}

} // namespace

TEST(CoreControlRefusals, ProfilesMissingCellsAndEmptyCandidateSets)
{
    const std::vector models { record(1, "a", 1), record(2, "b", 2) };
    std::vector<awb::core::ProfileCellRecord> cells;
    for (double cap : { 20.0, 40.0 }) {
        cells.push_back(cell(1, 0, cap));
        cells.push_back(cell(2, 0, cap));
        cells.push_back(cell(2, 1, cap));
    }
    EXPECT_EQ(profileRefusal(models, cells), "accepted");
    const ConfigurationTable table = ConfigurationTable::fromProfile(models, cells);
    EXPECT_EQ(table.configCount(), 4U);
    EXPECT_DOUBLE_EQ(table.latencyMs(1, 1, 1), 2.0);
    EXPECT_DOUBLE_EQ(table.accuracy(1, 1), 0.85);

    std::vector<awb::core::ProfileCellRecord> missingCap = cells;
    std::erase_if(
        missingCap, [](const auto& c) { return c.modelId == 2 && c.outputIndex == 1 && c.powerCapW == 40.0; });
    EXPECT_EQ(profileRefusal(models, missingCap), "the profile lacks model 'b' output 1 at cap 40 W");

    std::vector<awb::core::ProfileCellRecord> missingModel = cells;
    std::erase_if(missingModel, [](const auto& c) { return c.modelId == 1; });
    EXPECT_EQ(profileRefusal(models, missingModel), "the profile has no cells for model 'a'");

    EXPECT_EQ(profileRefusal({}, cells), "the candidate set is empty: no model to choose from");
    EXPECT_EQ(profileRefusal(models, {}), "the profile has no cells for any of the 2 candidate model(s)");

    // Traditional-only over anytime models alone leaves nothing to choose from.
    const ConfigurationTable anytimeOnly = ConfigurationTable::fromProfile({ models[1] }, cells);
    AlertSettings settings;
    settings.traditionalOnly = true;
    try {
        AlertController(anytimeOnly, settings, Goals::maximizeAccuracy(5.0, 1.0));
        FAIL() << "accepted an empty candidate set";
    } catch (const std::invalid_argument& error) {
        EXPECT_STREQ(error.what(), "the candidate set is empty: no traditional model among the candidates");
    }
}

TEST(CoreControlDecision, RestrictedIndicesMapBackToTheTableItWasCutFrom)
{
    const ConfigurationTable full = awb::test::smallTable();
    const ConfigurationTable middle = full.restricted({ 1, 2 }, { 1, 2 });
    const ConfigurationTable inner = middle.restricted({ 1 }, { 1 });
    EXPECT_EQ(middle.originalModel(1), 2U);
    EXPECT_EQ(inner.originalModel(0), 1U) << "an index of `middle`, not of `full`";
    EXPECT_EQ(inner.originalCap(0), 1U);
    // A controller over a cut table decides in that table's indices.
    const Goals goals = Goals::maximizeAccuracy(10.0, 1.0);
    AlertController controller(inner, AlertSettings {}, goals);
    const awb::core::Decision decision = controller.decide(0);
    EXPECT_EQ(decision.applied.model, 0U);
    EXPECT_EQ(decision.applied.cap, 0U);
}

TEST(CoreControlDecision, FixedControllerRunsTheNamedConfigurationAndRefusesOthers)
{
    const ConfigurationTable table = awb::test::smallTable();
    const auto configuration = awb::core::FixedController::parse(table, "fixed:large@40");
    EXPECT_EQ(configuration.model, 1U);
    EXPECT_EQ(configuration.cap, 1U);
    awb::core::FixedController controller(table, configuration);
    EXPECT_EQ(controller.name(), "fixed:large@40");
    const auto first = controller.decide(0);
    EXPECT_TRUE(first.capChanged);
    EXPECT_DOUBLE_EQ(first.predicted.latencyMs, 7.5);
    controller.setGoals(Goals::minimizeEnergy(1.0, 0.99));
    const auto second = controller.decide(1);
    EXPECT_EQ(second.applied, configuration) << "goals do not move it";
    EXPECT_FALSE(second.capChanged);
    for (const char* bad :
        { "fixed:large", "fixed:@40", "fixed:huge@40", "fixed:large@45", "fixed:large@x", "large@40" }) {
        try {
            awb::core::FixedController::parse(table, bad);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const std::invalid_argument& error) {
            EXPECT_NE(std::string(error.what()).find(bad), std::string::npos) << error.what();
        }
    }
}

TEST(CoreControlDecision, TimeLeftForALateInputAppliesToThatDecisionOnly)
{
    const ConfigurationTable table = awb::test::smallTable();
    AlertController controller(table, AlertSettings {}, Goals::maximizeAccuracy(10.0, 1.0));
    EXPECT_EQ(controller.decide(0).applied.model, 1U) << "with 10 ms the most accurate, \"large\", fits";
    controller.setTimeLeftForNextInput(2.5);
    const auto late = controller.decide(1);
    EXPECT_NE(late.applied.model, 1U) << "\"large\" needs at least 6 ms";
    EXPECT_LT(late.predicted.accuracy, 0.9) << "what can be answered by 2.5 ms";
    EXPECT_EQ(controller.decide(2).applied.model, 1U) << "the next input has the whole deadline again";
}
