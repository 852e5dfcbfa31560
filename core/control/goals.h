#pragma once

#include <optional>
#include <string>

namespace awb::core {

// The two things a user can ask of the controller (docs/ALERT.md, "Goals").
enum class GoalMode {
    MaximizeAccuracy, // deadline + energy budget per input
    MinimizeEnergy, // deadline + accuracy goal
};

const char* toString(GoalMode mode); // "max-accuracy" or "min-energy"
// Throws std::invalid_argument naming the text for anything else.
GoalMode goalModeFromString(const std::string& text);

// One goal setting. Only the field of the chosen mode is used; the other must stay 0 (a goal
// that names both is contradictory and refused by validate()).
struct Goals {
    GoalMode mode = GoalMode::MaximizeAccuracy;
    double deadlineMs = 0.0; // per input; also the period of the single-stream workload
    double energyBudgetJ = 0.0; // MaximizeAccuracy: per input
    double accuracyGoal = 0.0; // MinimizeEnergy: fraction in (0, 1]

    static Goals maximizeAccuracy(double deadlineMs, double energyBudgetJ);
    static Goals minimizeEnergy(double deadlineMs, double accuracyGoal);

    // Throws std::invalid_argument with one line naming the problem: a deadline that is not a
    // positive finite number; a negative, zero or NaN budget or accuracy goal; an accuracy goal
    // above 1; a goal that sets both an energy budget and an accuracy goal.
    void validate() const;
    // e.g. "max-accuracy, deadline 4 ms, energy budget 0.05 J"
    std::string describe() const;
    // The goals describe() wrote (to its six significant digits), e.g. from a stored goal-change
    // event; empty for any other text.
    static std::optional<Goals> fromDescription(const std::string& text);
};

bool operator==(const Goals& a, const Goals& b);

} // namespace awb::core
