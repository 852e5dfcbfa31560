// Slowdown traces (CSV, including a steps export of a recorded run), contention specs and the
// synthesised traces, goal grids: what they accept and the one-line refusals.
#include "core/control/contention_spec.h"
#include "core/control/goal_grid.h"
#include "core/control/slowdown_trace.h"

#include <gtest/gtest.h>
#include <sstream>

#include "tests/core/control_test_support.h"

using awb::core::ContentionKind;
using awb::core::ContentionLevels;
using awb::core::GoalMode;
using awb::core::Goals;

namespace {

std::string traceRefusal(const std::string& text)
{
    std::istringstream in(text);
    try {
        awb::core::parseSlowdownTrace(in, "t.csv", 10.0);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "accepted";
}

template <typename F> std::string refusal(F&& parse)
{
    try {
        parse();
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "accepted";
}

} // namespace

TEST(CoreControlTrace, ReadsSlowdownAndIdlePowerColumns)
{
    std::istringstream in("# recorded 2026-12-01\ninput,slowdown,idle_power_w\n0,1.0,10\n1, 1.5 ,12.5\n\n2,2,11\n");
    const auto trace = awb::core::parseSlowdownTrace(in, "t.csv", 9.0);
    EXPECT_EQ(trace.slowdown, (std::vector<double> { 1.0, 1.5, 2.0 }));
    EXPECT_EQ(trace.idlePowerW, (std::vector<double> { 10.0, 12.5, 11.0 }));
}

TEST(CoreControlTrace, ReadsAStepsExportOfARecordedRun)
{
    // The header of `alertwb-cli export --table steps --format csv`, provenance lines first.
    std::istringstream in(
        "# table: steps\n# backend: emulated\n"
        "input_index,arrival_ms,model,output_reached,power_cap_w,latency_ms,energy_j,deadline_met,"
        "correct,xi_observed,xi_mean,xi_std,predicted_latency_ms,predicted_energy_j,predicted_accuracy\n"
        "0,0,cnn-s,0,65,0.07,0.004,1,1,1.02,1,0.3,0.07,0.004,0.88\n"
        "1,5,cnn-s,0,65,0.09,0.004,1,1,1.31,1.01,0.2,0.07,0.004,0.88\n");
    const auto trace = awb::core::parseSlowdownTrace(in, "steps.csv", 9.0);
    EXPECT_EQ(trace.slowdown, (std::vector<double> { 1.02, 1.31 }));
    EXPECT_EQ(trace.idlePowerW, (std::vector<double> { 9.0, 9.0 })); // no idle column: the default
}

TEST(CoreControlTrace, WrittenTracesReadBackExactly)
{
    const auto written = awb::core::synthesizeTrace(
        awb::core::parseContentionSpec("memory@10-20"), ContentionLevels::measuredDefaults(), 30, 10.0, 3);
    std::stringstream buffer;
    awb::core::writeSlowdownTrace(buffer, written);
    const auto read = awb::core::parseSlowdownTrace(buffer, "round-trip", 1.0);
    EXPECT_EQ(read.slowdown, written.slowdown);
    EXPECT_EQ(read.idlePowerW, written.idlePowerW);
}

TEST(CoreControlTrace, RefusesTracesThatDoNotParse)
{
    EXPECT_EQ(traceRefusal(""), "trace t.csv: no header line (expected e.g. 'input,slowdown,idle_power_w')");
    EXPECT_EQ(traceRefusal("input,speed\n0,1\n"),
        "trace t.csv line 1: the header names no 'slowdown' (or 'xi_observed') column");
    EXPECT_EQ(traceRefusal("input,slowdown\n0,1.0\n1,fast\n"),
        "trace t.csv line 3: slowdown 'fast' is not a positive number");
    EXPECT_EQ(traceRefusal("input,slowdown\n0,-1\n"), "trace t.csv line 2: slowdown '-1' is not a positive number");
    EXPECT_EQ(traceRefusal("input,slowdown\n0,nan\n"), "trace t.csv line 2: slowdown 'nan' is not a positive number");
    EXPECT_EQ(traceRefusal("input,slowdown,idle_power_w\n0,1.0\n"),
        "trace t.csv line 2: expected at least 3 fields, found 2");
    EXPECT_EQ(traceRefusal("input,slowdown,idle_power_w\n0,1.0,-3\n"),
        "trace t.csv line 2: idle power '-3' is not a number ≥ 0 W");
    EXPECT_EQ(traceRefusal("# only a comment\ninput,slowdown\n"), "trace t.csv: no input rows after the header");
    EXPECT_EQ(refusal([] { awb::core::readSlowdownTrace("/nonexistent/trace.csv", 1.0); }),
        "cannot read the trace file /nonexistent/trace.csv");
}

TEST(CoreControlContention, ParsesPhases)
{
    const auto phases = awb::core::parseContentionSpec("memory@200-400,compute@600-800");
    ASSERT_EQ(phases.size(), 2U);
    EXPECT_EQ(phases[0].kind, ContentionKind::Memory);
    EXPECT_EQ(phases[0].firstInput, 200);
    EXPECT_EQ(phases[0].endInput, 400);
    EXPECT_EQ(phases[1].kind, ContentionKind::Compute);
}

TEST(CoreControlContention, RefusesSpecsNamingTheProblem)
{
    using awb::core::parseContentionSpec;
    EXPECT_EQ(refusal([] { parseContentionSpec("disk@1-5"); }),
        "contention 'disk@1-5': unknown kind 'disk' (expected memory, compute or alone)");
    EXPECT_EQ(refusal([] { parseContentionSpec("memory@5"); }),
        "contention 'memory@5': the range must be first-end in input indices");
    EXPECT_EQ(refusal([] { parseContentionSpec("memory"); }),
        "contention 'memory': expected kind@first-end, e.g. memory@200-400");
    EXPECT_EQ(refusal([] { parseContentionSpec("memory@5-5"); }),
        "contention 'memory@5-5': the range is empty (end must exceed first)");
    EXPECT_EQ(refusal([] { parseContentionSpec("memory@0-10,compute@5-20"); }),
        "contention 'compute@5-20' overlaps an earlier phase");
    EXPECT_EQ(refusal([] { parseContentionSpec(""); }),
        "the contention spec is empty (expected e.g. memory@200-400,compute@600-800)");
    ContentionLevels levels;
    EXPECT_EQ(refusal([&] { levels.override("memory=fast"); }),
        "contention level 'memory=fast': 'fast' is not a valid number (slowdown and idle factor > 0, spread ≥ 0)");
}

// The synthesised trace has each phase's level as its mean and spread, is the same for the
// same seed and differs for another.
TEST(CoreControlContention, SynthesisedTracesHaveTheLevelsOfTheirPhases)
{
    ContentionLevels levels;
    levels.override("alone=1.0:0.02,memory=1.9:0.10:1.2,compute=1.4:0.05");
    const auto phases = awb::core::parseContentionSpec("memory@10000-20000,compute@20000-30000");
    const auto trace = awb::core::synthesizeTrace(phases, levels, 30000, 10.0, 17);
    const auto stats = [&](int from, int to) {
        double sum = 0.0, squares = 0.0;
        for (int n = from; n < to; ++n) {
            sum += trace.slowdown[static_cast<std::size_t>(n)];
            squares += trace.slowdown[static_cast<std::size_t>(n)] * trace.slowdown[static_cast<std::size_t>(n)];
        }
        const double mean = sum / (to - from);
        return std::pair { mean, std::sqrt(squares / (to - from) - mean * mean) / mean };
    };
    EXPECT_NEAR(stats(0, 10000).first, 1.0, 0.002);
    EXPECT_NEAR(stats(0, 10000).second, 0.02, 0.002);
    EXPECT_NEAR(stats(10000, 20000).first, 1.9, 0.01);
    EXPECT_NEAR(stats(10000, 20000).second, 0.10, 0.005);
    EXPECT_NEAR(stats(20000, 30000).first, 1.4, 0.005);
    EXPECT_DOUBLE_EQ(trace.idlePowerW[15000], 12.0);
    EXPECT_DOUBLE_EQ(trace.idlePowerW[25000], 10.0);

    EXPECT_EQ(awb::core::synthesizeTrace(phases, levels, 100, 10.0, 17).slowdown,
        std::vector<double>(trace.slowdown.begin(), trace.slowdown.begin() + 100));
    EXPECT_NE(awb::core::synthesizeTrace(phases, levels, 100, 10.0, 18).slowdown,
        std::vector<double>(trace.slowdown.begin(), trace.slowdown.begin() + 100));
}

TEST(CoreControlGoalGrid, ParsesCountsListsAndModes)
{
    auto spec = awb::core::parseGoalGrid("3x4");
    EXPECT_EQ(spec.deadlineCount, 3);
    EXPECT_EQ(spec.levelCount, 4);
    EXPECT_TRUE(spec.maxAccuracy && spec.minEnergy);
    spec = awb::core::parseGoalGrid("deadline_ms=2,4;accuracy=0.85,0.9");
    EXPECT_EQ(spec.deadlinesMs, (std::vector<double> { 2, 4 }));
    EXPECT_FALSE(spec.maxAccuracy);
    EXPECT_TRUE(spec.minEnergy);
    spec = awb::core::parseGoalGrid("2x2;mode=max-accuracy");
    EXPECT_TRUE(spec.maxAccuracy);
    EXPECT_FALSE(spec.minEnergy);
}

TEST(CoreControlGoalGrid, RefusesGridsNamingThePiece)
{
    using awb::core::parseGoalGrid;
    EXPECT_EQ(refusal([] { parseGoalGrid("0x5"); }), "goal grid '0x5': counts must be whole numbers from 1 to 50");
    EXPECT_EQ(
        refusal([] { parseGoalGrid("deadline_ms=-2"); }), "goal grid 'deadline_ms=-2': '-2' is not a positive number");
    EXPECT_EQ(refusal([] { parseGoalGrid("accuracy=1.2"); }),
        "goal grid 'accuracy=1.2': '1.2' is not a positive number up to 1");
    EXPECT_EQ(
        refusal([] { parseGoalGrid("energy_j=nan"); }), "goal grid 'energy_j=nan': 'nan' is not a positive number");
    EXPECT_EQ(refusal([] { parseGoalGrid("latency=3"); }),
        "goal grid 'latency=3': unknown key 'latency' (expected deadline_ms, energy_j, accuracy or mode)");
    EXPECT_EQ(refusal([] { parseGoalGrid("energy_j=0.1;mode=min-energy"); }),
        "contradictory goal grid: energy_j is given but the mode is min-energy");
    EXPECT_EQ(refusal([] { parseGoalGrid(""); }),
        "the goal grid is empty (expected e.g. 5x5 or deadline_ms=2,4;energy_j=0.1)");
}

// Tight to loose: deadlines rise, budgets rise, accuracy goals fall; every setting is valid and
// settings that coincide are kept once. The small table's figures are in control_test_support.h.
TEST(CoreControlGoalGrid, AutomaticGridRunsFromTightToLoose)
{
    const auto table = awb::test::smallTable();
    const auto grid = awb::core::buildGoalGrid(awb::core::parseGoalGrid("3x4"), table, 10.0);
    // Deadlines: 1.5 × 1 ms (nested's first output at 60 W) to 2.5 × 6 ms (large at 60 W):
    // 1.5, 4.74, 15 ms. Max accuracy: 3 × 4 budgets. Min energy: at 1.5 ms only nested's first
    // output (0.70) is ready, so its four goals coincide: 1 + 4 + 4 settings.
    ASSERT_EQ(grid.size(), 21U);
    EXPECT_DOUBLE_EQ(grid.front().deadlineMs, 1.5);
    EXPECT_NEAR(grid[4].deadlineMs, std::sqrt(1.5 * 15.0), 1e-12);
    EXPECT_DOUBLE_EQ(grid[11].deadlineMs, 15.0);
    for (std::size_t i = 0; i < grid.size(); ++i) {
        EXPECT_NO_THROW(grid[i].validate());
        EXPECT_EQ(grid[i].mode, i < 12 ? GoalMode::MaximizeAccuracy : GoalMode::MinimizeEnergy);
        if (i == 0 || i == 12 || grid[i].mode != grid[i - 1].mode)
            continue;
        EXPECT_GE(grid[i].deadlineMs, grid[i - 1].deadlineMs);
        if (grid[i].deadlineMs == grid[i - 1].deadlineMs) {
            if (grid[i].mode == GoalMode::MaximizeAccuracy) {
                EXPECT_GT(grid[i].energyBudgetJ, grid[i - 1].energyBudgetJ);
            } else {
                EXPECT_LT(grid[i].accuracyGoal, grid[i - 1].accuracyGoal);
            }
        }
    }
    EXPECT_DOUBLE_EQ(grid[12].accuracyGoal, 0.70);
    // At 4.74 ms nested's second output (0.85) is the best ready and small (0.80) the one model
    // done: midpoints of four steps from 0.85 down to 0.80.
    EXPECT_DOUBLE_EQ(grid[13].accuracyGoal, 0.85 - 0.125 * 0.05);
    EXPECT_DOUBLE_EQ(grid[16].accuracyGoal, 0.85 - 0.875 * 0.05);
    EXPECT_DOUBLE_EQ(grid[17].accuracyGoal, 0.92 - 0.125 * 0.12); // at 15 ms: from large (0.92) to small
    // At 1.5 ms the loosest budget is the dearest configuration that answers in time: nested at
    // 60 W runs its 5 ms to the deadline at 50 W: 75 mJ.
    EXPECT_NEAR(grid[3].energyBudgetJ, 0.075, 1e-12);
}

TEST(CoreControlGoals, ADescriptionReadsBackAsTheGoalsItDescribes)
{
    for (const Goals& goals : { Goals::maximizeAccuracy(4.0, 0.05), Goals::maximizeAccuracy(12.5, 0.731),
             Goals::minimizeEnergy(7.0, 0.85), Goals::minimizeEnergy(0.25, 1.0) }) {
        const auto read = Goals::fromDescription(goals.describe());
        ASSERT_TRUE(read.has_value()) << goals.describe();
        EXPECT_EQ(*read, goals) << goals.describe();
    }
}

TEST(CoreControlGoals, TextThatIsNotADescriptionReadsAsNothing)
{
    for (const char* text : { "", "max-accuracy", "max-accuracy, deadline 4 ms",
             "max-accuracy, deadline 4 ms, accuracy goal 0.9", "min-energy, deadline 4 ms, energy budget 1 J",
             "fastest, deadline 4 ms, energy budget 1 J", "max-accuracy, deadline -4 ms, energy budget 1 J",
             "max-accuracy, deadline 4 ms, energy budget 1 J and more", "min-energy, deadline 4 ms, accuracy goal 2" })
        EXPECT_FALSE(Goals::fromDescription(text).has_value()) << '"' << text << '"';
}
