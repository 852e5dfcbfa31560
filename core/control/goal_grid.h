#pragma once

#include "core/control/configuration_table.h"
#include "core/control/goals.h"

#include <string>
#include <vector>

namespace awb::core {

// Which goal settings an evaluation sweeps (`alertwb-cli evaluate --goals GRID`).
struct GoalGridSpec {
    int deadlineCount = 5; // automatic deadlines
    int levelCount = 5; // automatic energy budgets / accuracy goals per deadline
    std::vector<double> deadlinesMs; // explicit; empty: automatic
    std::vector<double> energyBudgetsJ; // explicit (max-accuracy); empty: automatic
    std::vector<double> accuracyGoals; // explicit (min-energy); empty: automatic
    bool maxAccuracy = true;
    bool minEnergy = true;
};

// GRID is `;`-separated pieces: `NxM` (N deadlines × M budgets or goals, automatic), lists
// `deadline_ms=a,b,…`, `energy_j=…`, `accuracy=…`, and `mode=max-accuracy|min-energy|both`.
// Giving `energy_j` or `accuracy` without `mode` sweeps only the modes whose list is given.
// Examples: `5x5`, `3x4;mode=min-energy`, `deadline_ms=2,4;accuracy=0.85,0.9`.
// Throws std::invalid_argument naming the piece: unknown keys, counts outside 1..50, values that
// are not positive finite numbers, accuracy goals above 1, a mode with an explicit list of the
// other mode only.
GoalGridSpec parseGoalGrid(const std::string& text);

// The settings, for each mode max-accuracy first, deadlines from tight to loose and within each
// deadline budgets or goals from tight to loose; settings that coincide are kept once. Automatic
// values come from the profile at ξ = 1 with idle power idlePowerW:
// - deadlines: geometric from kTightDeadline × the fastest answer (first output, highest cap) to
//   kLooseDeadline × the most accurate model's last output at the highest cap;
// - energy budgets at deadline T: E_lo + (j + 1)/M · (E_hi − E_lo), j = 0..M−1, with E_lo the
//   lowest profiled energy per input of any configuration at T and E_hi the highest of those that
//   answer by T (an anytime model's first output, a traditional model's only one);
// - accuracy goals at deadline T: Q_hi − (j + ½)/M · (Q_hi − Q_lo), with Q_hi the highest accuracy of an
//   output ready by T at the highest cap (the fastest answer's, if none is) and Q_lo the lowest
//   last-output accuracy of a model done by T there (Q_hi if none is): goals below every model's
//   accuracy would all pick the cheapest configuration.
std::vector<Goals> buildGoalGrid(const GoalGridSpec& spec, const ConfigurationTable& table, double idlePowerW);

inline constexpr double kTightDeadline = 1.5;
inline constexpr double kLooseDeadline = 2.5;

} // namespace awb::core
