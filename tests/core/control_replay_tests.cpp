// Replay: the environment's outcomes by hand, the Oracles against exhaustive searches over the
// truth, No-coord's misattribution, the violation windows, goal schedules and the evaluation.
#include "core/control/alert_controller.h"
#include "core/control/baseline_controllers.h"
#include "core/control/evaluation.h"
#include "core/control/oracle_controllers.h"
#include "core/control/replay.h"
#include "core/control/replay_environment.h"

#include <atomic>
#include <gtest/gtest.h>

#include "tests/core/control_test_support.h"

using awb::core::Configuration;
using awb::core::ConfigurationTable;
using awb::core::CorrectnessTable;
using awb::core::Goals;
using awb::core::ReplayEnvironment;
using awb::core::SlowdownTrace;

namespace {

SlowdownTrace constantTrace(std::size_t inputs, double xi, double idleW)
{
    return { std::vector<double>(inputs, xi), std::vector<double>(inputs, idleW), "constant" };
}

// Every output right on even test inputs; on odd ones only the last output of each model.
CorrectnessTable patternCorrectness(const ConfigurationTable& table, std::size_t testInputs)
{
    CorrectnessTable correctness;
    for (std::size_t d = 0; d < table.modelCount(); ++d) {
        std::vector<std::vector<bool>> outputs;
        for (int k = 0; k < table.outputCount(d); ++k) {
            std::vector<bool> bits(testInputs);
            for (std::size_t i = 0; i < testInputs; ++i)
                bits[i] = i % 2 == 0 || k == table.outputCount(d) - 1;
            outputs.push_back(bits);
        }
        correctness.push_back(outputs);
    }
    return correctness;
}

// Runs one configuration whatever happens.
class FixedController final : public awb::core::Controller {
public:
    explicit FixedController(Configuration config)
        : m_config(config)
    {
    }
    std::string name() const override { return "fixed"; }
    void setGoals(const Goals&) override { ++goalChanges; }
    awb::core::Decision decide(std::int64_t) override
    {
        awb::core::Decision d;
        d.applied = d.proposed = m_config;
        return d;
    }
    void observe(const awb::core::Observation&) override { }
    nlohmann::ordered_json settingsJson() const override { return {}; }
    int goalChanges = 0;

private:
    Configuration m_config;
};

} // namespace

TEST(CoreControlReplay, OutcomesFollowTheEnvironmentModelByHand)
{
    const ConfigurationTable table = awb::test::smallTable();
    SlowdownTrace trace { { 1.0, 2.0 }, { 10.0, 14.0 }, "two inputs" };
    const ReplayEnvironment environment(table, trace, patternCorrectness(table, 4));

    // small@60 W (2 ms, 45 W), input 0 alone, deadline 5 ms: 2 ms active, 3 ms idle at 10 W.
    auto o = environment.run(0, 0, 2, 5.0);
    EXPECT_TRUE(o.deadlineMet);
    EXPECT_TRUE(o.correct);
    EXPECT_DOUBLE_EQ(o.latencyMs, 2.0);
    EXPECT_NEAR(o.energyJ, 0.045 * 2.0 + 0.010 * 3.0, 1e-12);
    EXPECT_NEAR(o.idleEnergyJ, 0.030, 1e-12);

    // large@60 W (6 ms, 55 W), input 1 at ξ = 2: 12 ms > 5 ms: no answer, charged in full.
    o = environment.run(1, 1, 2, 5.0);
    EXPECT_FALSE(o.deadlineMet);
    EXPECT_FALSE(o.correct);
    EXPECT_DOUBLE_EQ(o.latencyMs, 12.0);
    EXPECT_NEAR(o.energyJ, 0.055 * 12.0, 1e-12);
    EXPECT_DOUBLE_EQ(o.idleMs, 0.0);

    // nested@60 W (1, 3, 5 ms; 50 W), input 1 at ξ = 2, deadline 7 ms: outputs at 2 and 6 ms
    // come in time, the third (10 ms) is cut at 7 ms; output 1 is wrong on odd inputs.
    o = environment.run(1, 2, 2, 7.0);
    EXPECT_EQ(o.outputReached, 1);
    EXPECT_TRUE(o.deadlineMet);
    EXPECT_FALSE(o.correct);
    EXPECT_DOUBLE_EQ(o.latencyMs, 6.0);
    EXPECT_NEAR(o.energyJ, 0.050 * 7.0, 1e-12);
    // Deadline 11 ms: all three outputs, the last (right on every input) at 10 ms, then 1 ms idle.
    o = environment.run(1, 2, 2, 11.0);
    EXPECT_EQ(o.outputReached, 2);
    EXPECT_TRUE(o.correct);
    EXPECT_NEAR(o.energyJ, 0.050 * 10.0 + 0.014 * 1.0, 1e-12);
    // Deadline 1.5 ms: even the first output (2 ms) is late: it completes, no answer.
    o = environment.run(1, 2, 2, 1.5);
    EXPECT_EQ(o.outputReached, 0);
    EXPECT_FALSE(o.deadlineMet);
    EXPECT_NEAR(o.energyJ, 0.050 * 2.0, 1e-12);
}

TEST(CoreControlReplay, CorrectnessCyclesOverTheTestInputs)
{
    const ConfigurationTable table = awb::test::smallTable();
    const ReplayEnvironment environment(table, constantTrace(10, 1.0, 10.0), patternCorrectness(table, 4));
    EXPECT_EQ(environment.testInputCount(), 4U);
    EXPECT_TRUE(environment.correct(2, 0, 4)); // test input 0: every output right
    EXPECT_FALSE(environment.correct(2, 0, 5)); // test input 1: only the last output
}

TEST(CoreControlReplay, RefusesCorrectnessThatDoesNotCoverTheTable)
{
    const ConfigurationTable table = awb::test::smallTable();
    CorrectnessTable correctness = patternCorrectness(table, 4);
    correctness[2].pop_back();
    try {
        ReplayEnvironment(table, constantTrace(5, 1.0, 10.0), correctness);
        FAIL();
    } catch (const std::invalid_argument& error) {
        EXPECT_STREQ(error.what(), "no per-input correctness for every output of model 'nested'");
    }
    correctness = patternCorrectness(table, 4);
    correctness[1][0].resize(3);
    EXPECT_THROW(ReplayEnvironment(table, constantTrace(5, 1.0, 10.0), correctness), std::invalid_argument);
}

// The per-input Oracle equals an exhaustive search over the true outcomes of that input.
TEST(CoreControlReplay, OraclePicksTheTrueBestOfEachInput)
{
    const ConfigurationTable table = awb::test::randomTable(3, 6, 3, 5);
    SlowdownTrace trace;
    for (int n = 0; n < 60; ++n) {
        trace.slowdown.push_back(0.8 + 0.05 * (n % 17));
        trace.idlePowerW.push_back(8.0 + n % 3);
    }
    const ReplayEnvironment environment(table, trace, patternCorrectness(table, 7));
    for (const bool knowsCorrectness : { false, true }) {
        awb::core::OracleSettings settings;
        settings.knowsCorrectness = knowsCorrectness;
        for (const Goals& goals : { Goals::maximizeAccuracy(3.0, 0.06), Goals::minimizeEnergy(3.0, 0.8) }) {
            awb::core::OracleController oracle(environment, settings, goals);
            for (std::int64_t n = 0; n < environment.inputCount(); ++n) {
                std::vector<double> accuracy(table.configCount());
                std::vector<double> energy(table.configCount());
                for (std::size_t c = 0; c < table.configCount(); ++c) {
                    const auto o = environment.run(n, table.modelOf(c), table.capOf(c), goals.deadlineMs);
                    energy[c] = o.energyJ;
                    accuracy[c] = knowsCorrectness
                        ? (o.correct ? 1.0 : 0.0)
                        : (o.deadlineMet ? table.accuracy(table.modelOf(c), o.outputReached) : 0.1);
                }
                const auto decision = oracle.decide(n);
                ASSERT_EQ(table.configIndex(decision.applied.model, decision.applied.cap),
                    awb::test::bruteForceChoice(table, goals, accuracy, energy))
                    << "input " << n << ", " << goals.describe();
            }
        }
    }
}

// The Static Oracle's fixed configuration is the best in hindsight over the whole trace.
TEST(CoreControlReplay, StaticOraclePicksTheBestFixedConfigurationInHindsight)
{
    const ConfigurationTable table = awb::test::randomTable(5, 6, 3, 5);
    SlowdownTrace trace;
    for (int n = 0; n < 200; ++n) {
        trace.slowdown.push_back(n < 100 ? 1.0 : 1.6);
        trace.idlePowerW.push_back(9.0);
    }
    const ReplayEnvironment environment(table, trace, patternCorrectness(table, 11));
    for (const Goals& goals : { Goals::maximizeAccuracy(4.0, 0.08), Goals::minimizeEnergy(4.0, 0.7) }) {
        std::vector<double> accuracy(table.configCount());
        std::vector<double> energy(table.configCount());
        for (std::size_t c = 0; c < table.configCount(); ++c) {
            FixedController fixed({ table.modelOf(c), table.capOf(c) });
            const auto metrics = awb::core::replay(fixed, environment, { { 0, goals } }).metrics;
            accuracy[c] = 1.0 - metrics.errorRate;
            energy[c] = metrics.energyPerInputJ;
        }
        awb::core::StaticOracleController staticOracle(environment, {}, goals);
        EXPECT_EQ(table.configIndex(staticOracle.choice().model, staticOracle.choice().cap),
            awb::test::bruteForceChoice(table, goals, accuracy, energy))
            << goals.describe();
    }
}

// In an environment that never changes, ALERT learns ξ and then decides as the Oracle does.
TEST(CoreControlReplay, AlertConvergesToTheOracleInASteadyEnvironment)
{
    const ConfigurationTable table = awb::test::randomTable(8, 6, 3, 6);
    const ReplayEnvironment environment(table, constantTrace(400, 1.45, 11.0), patternCorrectness(table, 9));
    for (const Goals& goals : { Goals::maximizeAccuracy(4.0, 0.07), Goals::minimizeEnergy(5.0, 0.85) }) {
        awb::core::AlertSettings settings;
        settings.estimator.meanOnly = true; // no noise in this environment: the mean is the truth
        awb::core::AlertController alert(table, settings, goals);
        awb::core::OracleController oracle(environment, {}, goals);
        awb::core::ReplayOptions options;
        options.keepSteps = true;
        const auto alertSteps = awb::core::replay(alert, environment, { { 0, goals } }, options).steps;
        const auto oracleSteps = awb::core::replay(oracle, environment, { { 0, goals } }, options).steps;
        for (std::size_t n = 100; n < alertSteps.size(); ++n)
            ASSERT_EQ(alertSteps[n].decision.applied, oracleSteps[n].decision.applied) << n << ", " << goals.describe();
    }
}

// No-coord's App-only half takes a lowered cap for contention: its ξ drifts above the truth.
TEST(CoreControlReplay, NoCoordMistakesTheOtherKnobForContention)
{
    const ConfigurationTable table = awb::test::smallTable();
    const ReplayEnvironment environment(table, constantTrace(300, 1.0, 10.0), patternCorrectness(table, 4));
    const Goals goals = Goals::minimizeEnergy(20.0, 0.5); // Sys-only lowers the cap to save energy
    awb::core::NoCoordController noCoord(table, {}, goals);
    awb::core::AlertController alert(table, {}, goals);
    awb::core::ReplayOptions options;
    options.keepSteps = true;
    const auto noCoordSteps = awb::core::replay(noCoord, environment, { { 0, goals } }, options).steps;
    const auto alertSteps = awb::core::replay(alert, environment, { { 0, goals } }, options).steps;
    EXPECT_LT(noCoordSteps.back().decision.applied.cap, table.maxCapIndex());
    EXPECT_GT(noCoordSteps.back().decision.xiMean, 1.2); // the App half's belief
    EXPECT_NEAR(alertSteps.back().decision.xiMean, 1.0, 0.01);
}

// Windows of 4 inputs; a fixed configuration whose energy per input is known by hand.
TEST(CoreControlReplay, MetricsAndViolationWindowsByHand)
{
    const ConfigurationTable table = awb::test::smallTable();
    // small@60 W: 2 ms at 45 W. ξ = 1 for 6 inputs, 3 for 4 inputs, deadline 5 ms, idle 10 W:
    // ξ = 1: 90 + 30 = 120 mJ, met; ξ = 3: 6 ms > 5 ms: 270 mJ, missed.
    SlowdownTrace trace { { 1, 1, 1, 1, 1, 1, 3, 3, 3, 3 }, std::vector<double>(10, 10.0), "step" };
    const ReplayEnvironment environment(table, trace, patternCorrectness(table, 4));
    FixedController fixed({ 0, 2 });
    awb::core::ReplayOptions options;
    options.violationWindow = 4;
    // Windows: inputs 0–3 (mean 120 mJ), 4–7 (120, 120, 270, 270: 195 mJ), 8–9 (270 mJ).
    const auto m
        = awb::core::replay(fixed, environment, { { 0, Goals::maximizeAccuracy(5.0, 0.15) } }, options).metrics;
    EXPECT_EQ(m.inputs, 10);
    EXPECT_EQ(m.windows, 3);
    EXPECT_NEAR(m.violationRate, 2.0 / 3.0, 1e-12);
    EXPECT_NEAR(m.energyPerInputJ, (6 * 0.120 + 4 * 0.270) / 10.0, 1e-12);
    EXPECT_NEAR(m.deadlineMissRate, 0.4, 1e-12);
    // Errors: the 4 late inputs, plus odd test inputs (1, 3, 5) among the timely ones (small has
    // one output, its last, which is right on every input): so only the 4 late ones.
    EXPECT_NEAR(m.errorRate, 0.4, 1e-12);

    // By default the whole run is one window: mean 180 mJ > 150 mJ, violated; a 200 mJ budget is not.
    const auto run = awb::core::replay(fixed, environment, { { 0, Goals::maximizeAccuracy(5.0, 0.15) } }).metrics;
    EXPECT_EQ(run.windows, 1);
    EXPECT_DOUBLE_EQ(run.violationRate, 1.0);
    EXPECT_DOUBLE_EQ(
        awb::core::replay(fixed, environment, { { 0, Goals::maximizeAccuracy(5.0, 0.20) } }).metrics.violationRate,
        0.0);

    // Min energy with a goal of 0.75: windows 1.0, 0.5, 0.0 correct → two violated.
    const auto q = awb::core::replay(fixed, environment, { { 0, Goals::minimizeEnergy(5.0, 0.75) } }, options).metrics;
    EXPECT_NEAR(q.violationRate, 2.0 / 3.0, 1e-12);
}

TEST(CoreControlReplay, GoalScheduleTakesEffectAtItsInput)
{
    const ConfigurationTable table = awb::test::smallTable();
    const ReplayEnvironment environment(table, constantTrace(20, 1.0, 10.0), patternCorrectness(table, 4));
    awb::core::AlertController alert(table, {}, Goals::maximizeAccuracy(8.0, 0.3));
    awb::core::ReplayOptions options;
    options.keepSteps = true;
    const std::vector<awb::core::GoalChange> schedule { { 0, Goals::maximizeAccuracy(8.0, 0.3) },
        { 10, Goals::maximizeAccuracy(2.5, 1.0) } };
    const auto steps = awb::core::replay(alert, environment, schedule, options).steps;
    EXPECT_EQ(steps[9].goals, Goals::maximizeAccuracy(8.0, 0.3));
    EXPECT_NE(steps[9].decision.applied.model, 0U);
    EXPECT_EQ(steps[10].goals, Goals::maximizeAccuracy(2.5, 1.0));
    EXPECT_EQ(steps[10].decision.applied.model, 0U); // only "small" answers in 2.5 ms

    EXPECT_THROW(awb::core::replay(alert, environment, {}), std::invalid_argument);
    EXPECT_THROW(awb::core::replay(alert, environment,
                     { { 0, Goals::maximizeAccuracy(8.0, 0.3) }, { 0, Goals::maximizeAccuracy(8.0, 0.2) } }),
        std::invalid_argument);
}

TEST(CoreControlEvaluation, NormalisesToTheOraclesAndDoesNotDependOnThreads)
{
    const ConfigurationTable table = awb::test::randomTable(21, 6, 3, 5);
    SlowdownTrace trace;
    for (int n = 0; n < 600; ++n) {
        trace.slowdown.push_back(n % 200 < 100 ? 1.0 + 0.02 * (n % 5) : 1.7 + 0.02 * (n % 3));
        trace.idlePowerW.push_back(n % 200 < 100 ? 9.0 : 11.0);
    }
    const ReplayEnvironment environment(table, trace, patternCorrectness(table, 13));
    awb::core::EvaluationOptions options;
    options.settings
        = { Goals::maximizeAccuracy(4.0, 0.08), Goals::minimizeEnergy(4.0, 0.8), Goals::minimizeEnergy(6.0, 0.7) };
    options.ablations = true;
    options.threads = 1;
    const auto one = awb::core::evaluateControllers(environment, options);
    options.threads = 3;
    const auto three = awb::core::evaluateControllers(environment, options);
    EXPECT_EQ(awb::core::toJson(one).dump(), awb::core::toJson(three).dump());

    ASSERT_EQ(one.summary.size(), 9U);
    const std::vector<std::string> names { "alert", "oracle", "static-oracle", "app-only", "sys-only", "no-coord",
        "alert-mean-only", "alert-fixed-q", "alert-traditional-only" };
    for (std::size_t i = 0; i < names.size(); ++i)
        EXPECT_EQ(one.summary[i].controller, names[i]);
    EXPECT_DOUBLE_EQ(*one.summary[1].energyVsOracle, 1.0);
    EXPECT_DOUBLE_EQ(*one.summary[2].energyVsStaticOracle, 1.0);
    ASSERT_EQ(one.settings.size(), 3U);
    for (const auto& setting : one.settings) {
        const auto& alert = setting.controllers[0];
        EXPECT_DOUBLE_EQ(
            *alert.vsOracle.energy, alert.metrics.energyPerInputJ / setting.controllers[1].metrics.energyPerInputJ);
    }
    EXPECT_EQ(one.maxAccuracySummary.front().settings, 1);
    EXPECT_EQ(one.minEnergySummary.front().settings, 2);
    int feasible = 0;
    for (const auto& setting : one.settings)
        feasible += setting.controllers[1].metrics.violationRate == 0.0 ? 1 : 0;
    const int summarized
        = (one.maxAccuracyFeasibleSummary.empty() ? 0 : one.maxAccuracyFeasibleSummary.front().settings)
        + (one.minEnergyFeasibleSummary.empty() ? 0 : one.minEnergyFeasibleSummary.front().settings);
    EXPECT_EQ(summarized, feasible);
    const auto json = awb::core::toJson(one);
    for (const char* key : { "controller", "energy_vs_oracle", "error_vs_oracle", "energy_vs_static_oracle",
             "error_vs_static_oracle", "deadline_miss_rate", "violation_rate" })
        EXPECT_TRUE(json["summary"][0].contains(key)) << key;
    EXPECT_THROW(awb::core::evaluateControllers(environment, awb::core::EvaluationOptions {}), std::invalid_argument);
}

TEST(CoreControlEvaluation, AStopRequestEndsTheEvaluationWithoutAReport)
{
    const ConfigurationTable table = awb::test::smallTable();
    const ReplayEnvironment environment(table, constantTrace(50, 1.2, 10.0), patternCorrectness(table, 4));
    awb::core::EvaluationOptions options;
    for (const double deadlineMs : { 5.0, 6.0, 7.0, 8.0 }) {
        options.settings.push_back(Goals::maximizeAccuracy(deadlineMs, 0.3));
        options.settings.push_back(Goals::minimizeEnergy(deadlineMs, 0.6));
    }
    for (const int threads : { 1, 3 }) {
        SCOPED_TRACE(threads);
        options.threads = threads;
        // Asked to stop once two settings are done: no setting starts after that (at most the
        // threads' settings in flight finish), and the caller gets an exception naming how far it
        // got instead of a report of part of the grid.
        std::atomic<int> done { 0 };
        options.shouldStop = [&done] { return done.load() >= 2; };
        int lastReported = 0;
        try {
            awb::core::evaluateControllers(environment, options, [&](int settingsDone, int) {
                done = settingsDone;
                lastReported = settingsDone;
            });
            FAIL() << "a stopped evaluation returned a report";
        } catch (const awb::core::EvaluationCancelled& cancelled) {
            EXPECT_EQ(cancelled.settingsTotal(), 8);
            EXPECT_GE(cancelled.settingsDone(), 2);
            EXPECT_LE(cancelled.settingsDone(), 2 + threads);
            EXPECT_EQ(cancelled.settingsDone(), lastReported);
        }
    }
    // Never asked to stop: the whole grid, as without the hook.
    options.shouldStop = [] { return false; };
    EXPECT_EQ(awb::core::evaluateControllers(environment, options).settings.size(), 8U);
}
