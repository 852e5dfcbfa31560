#pragma once

#include "core/control/goals.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>

namespace awb::core {

struct SelectionTolerances {
    double accuracy = 1e-6; // expected accuracies this close to the best tie
    double energy = 1e-9; // relative: energies this close to the lowest tie
};

struct Selection {
    std::size_t config = 0;
    bool goalMet = false; // false: no configuration qualified and the fallback was taken
};

// The decision rule of docs/ALERT.md, over scores of configurations c = model·capCount + cap:
// - max accuracy: among {c : energy ≤ E_goal} the largest accuracy; if none qualifies, the
//   smallest energy;
// - min energy: among {c : accuracy ≥ Q_goal − tolerance} the smallest energy; if none qualifies, the
//   largest accuracy.
// Ties (within the tolerances) break toward lower energy, then the lower cap, then the lower
// model index. Used with predictions (ALERT and its restrictions) and with true outcomes (the
// Oracles), so every controller follows one rule. `accuracy` and `energyJ` have equal, non-zero
// length.
template <typename Accuracy>
Selection selectConfiguration(const Goals& goals, std::span<const Accuracy> accuracy, std::span<const double> energyJ,
    std::size_t capCount, SelectionTolerances tolerances = {})
{
    const std::size_t count = energyJ.size();
    const auto cheapestAmong = [&](auto&& admissible) {
        double lowest = std::numeric_limits<double>::infinity();
        for (std::size_t c = 0; c < count; ++c) {
            if (admissible(c) && energyJ[c] < lowest)
                lowest = energyJ[c];
        }
        const double limit = lowest + std::abs(lowest) * tolerances.energy;
        std::size_t best = count;
        for (std::size_t c = 0; c < count; ++c) {
            if (!admissible(c) || energyJ[c] > limit)
                continue;
            if (best == count || c % capCount < best % capCount)
                best = c;
        }
        return best;
    };

    if (goals.mode == GoalMode::MaximizeAccuracy) {
        double bestAccuracy = -std::numeric_limits<double>::infinity();
        for (std::size_t c = 0; c < count; ++c) {
            if (energyJ[c] <= goals.energyBudgetJ && accuracy[c] > bestAccuracy)
                bestAccuracy = accuracy[c];
        }
        if (bestAccuracy > -std::numeric_limits<double>::infinity()) {
            const double floor = bestAccuracy - tolerances.accuracy;
            return { cheapestAmong(
                         [&](std::size_t c) { return energyJ[c] <= goals.energyBudgetJ && accuracy[c] >= floor; }),
                true };
        }
        return { cheapestAmong([](std::size_t) { return true; }), false };
    }

    // A goal met to within the tolerance is met (float predictions round 0.9 to 0.89999998).
    const double goal = goals.accuracyGoal - tolerances.accuracy;
    bool anyQualifies = false;
    double bestAccuracy = -std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < count; ++c) {
        anyQualifies = anyQualifies || accuracy[c] >= goal;
        bestAccuracy = std::max(bestAccuracy, static_cast<double>(accuracy[c]));
    }
    if (anyQualifies)
        return { cheapestAmong([&](std::size_t c) { return accuracy[c] >= goal; }), true };
    const double floor = bestAccuracy - tolerances.accuracy;
    return { cheapestAmong([&](std::size_t c) { return accuracy[c] >= floor; }), false };
}

} // namespace awb::core
