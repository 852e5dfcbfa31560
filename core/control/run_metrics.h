#pragma once

#include "core/control/controller.h"
#include "core/control/goals.h"

#include <cstdint>

namespace awb::core {

// What one controller did over one run, replayed or live.
// - energyPerInputJ: mean energy per input over the run (J);
// - errorRate: inputs without a correct answer by their deadline / inputs;
// - deadlineMissRate: inputs with no answer by their deadline / inputs;
// - violationRate: windows of `violationWindow` consecutive inputs in which the goal the user
//   can see on average was missed / windows: max-accuracy inputs' mean energy above their
//   budgets' mean, or min-energy inputs' fraction correct below their accuracy goals' mean (a
//   goal change mid-window counts each input against its own goal; a last partial window counts).
struct ReplayMetrics {
    std::int64_t inputs = 0;
    double energyPerInputJ = 0.0;
    double errorRate = 0.0;
    double deadlineMissRate = 0.0;
    double violationRate = 0.0;
    std::int64_t windows = 0;
    std::int64_t capWrites = 0;
    std::int64_t fallbacks = 0; // decisions where nothing was predicted to meet the goal
    double decisionNs = 0.0; // mean decide + observe time (ReplayOptions::timeDecisions), else 0
};

// Adds up ReplayMetrics input by input, for runs whose length is known only at the end (a live
// run can be stopped). Threading: none; one owner.
class RunMetricsAccumulator {
public:
    // violationWindow: inputs per goal-violation window; 0: the whole run is one window.
    // Throws std::invalid_argument when negative.
    explicit RunMetricsAccumulator(std::int64_t violationWindow);

    // One input, judged against the goals in effect for it.
    void add(const Goals& goals, const Decision& decision, double energyJ, bool correct, bool deadlineMet);
    // The metrics so far; a partial last window counts. decisionNs is left 0.
    ReplayMetrics metrics() const;

private:
    struct Window {
        std::int64_t inputs = 0;
        double energyJ = 0.0;
        double budgetJ = 0.0;
        std::int64_t energyInputs = 0;
        double correct = 0.0;
        double accuracyGoal = 0.0;
        std::int64_t accuracyInputs = 0;
        bool violated() const;
    };

    std::int64_t m_window;
    std::int64_t m_inputs = 0;
    double m_energySumJ = 0.0;
    std::int64_t m_errors = 0;
    std::int64_t m_misses = 0;
    std::int64_t m_capWrites = 0;
    std::int64_t m_fallbacks = 0;
    std::int64_t m_closedWindows = 0;
    std::int64_t m_violatedWindows = 0;
    Window m_open;
};

} // namespace awb::core
