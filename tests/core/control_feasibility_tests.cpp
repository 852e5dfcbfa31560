// Goals no configuration can meet even as profiled are recognised, with what the candidates can
// do instead; goals one configuration just meets are not.
#include "core/control/feasibility.h"

#include <gtest/gtest.h>

#include "tests/core/control_test_support.h"

using awb::core::Goals;
using awb::core::infeasibilityReason;

// smallTable: "small" 2 ms, "large" 6 ms, "nested" 1/3/5 ms at 60 W; 1.25x at 40 W, 1.6x at 20 W.
TEST(CoreControlFeasibility, ADeadlineBeforeEveryFirstOutputIsInfeasible)
{
    const auto table = awb::test::smallTable();
    const std::string reason = infeasibilityReason(table, Goals::maximizeAccuracy(0.9, 1.0), 5.0);
    EXPECT_NE(reason.find("no candidate answers within 0.9 ms"), std::string::npos) << reason;
    EXPECT_NE(reason.find("nested at 60.0 W (1 ms"), std::string::npos) << reason;
    EXPECT_TRUE(infeasibilityReason(table, Goals::maximizeAccuracy(1.0, 1.0), 5.0).empty())
        << "the nested model's first output is ready at exactly 1 ms";
}

TEST(CoreControlFeasibility, AnEnergyBudgetBelowTheCheapestConfigurationIsInfeasible)
{
    const auto table = awb::test::smallTable();
    // Cheapest within 10 ms: "small" at 20 W: min(20, 18) W x 3.2 ms + 5 W x 6.8 ms = 91.6 mJ.
    const std::string reason = infeasibilityReason(table, Goals::maximizeAccuracy(10.0, 0.09), 5.0);
    EXPECT_NE(reason.find("the least is 0.0916 J (small at 20.0 W)"), std::string::npos) << reason;
    EXPECT_TRUE(infeasibilityReason(table, Goals::maximizeAccuracy(10.0, 0.0917), 5.0).empty());
}

TEST(CoreControlFeasibility, AnAccuracyGoalAboveWhatFitsTheDeadlineIsInfeasible)
{
    const auto table = awb::test::smallTable();
    // Within 4 ms: "small" (0.80) and the nested model's output 1 (0.85, from 40 W up); "large" needs 6 ms.
    const std::string reason = infeasibilityReason(table, Goals::minimizeEnergy(4.0, 0.9), 5.0);
    EXPECT_NE(reason.find("the most accurate is 0.85 (nested at 40.0 W)"), std::string::npos) << reason;
    EXPECT_TRUE(infeasibilityReason(table, Goals::minimizeEnergy(4.0, 0.85), 5.0).empty());
    EXPECT_TRUE(infeasibilityReason(table, Goals::minimizeEnergy(6.0, 0.92), 5.0).empty());
}
