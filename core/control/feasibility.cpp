#include "core/control/feasibility.h"

#include <iomanip>
#include <limits>
#include <sstream>

namespace awb::core {

namespace {

    // The last output of `model` at `cap` that is ready by `deadlineMs`; −1 when none is.
    int lastOutputByDeadline(const ConfigurationTable& table, std::size_t model, std::size_t cap, double deadlineMs)
    {
        int reached = -1;
        for (int k = 0; k < table.outputCount(model); ++k) {
            if (table.latencyMs(model, cap, k) <= deadlineMs)
                reached = k;
        }
        return reached;
    }

    std::string configName(const ConfigurationTable& table, std::size_t model, std::size_t cap)
    {
        std::ostringstream text;
        text << table.model(model).name << " at " << std::fixed << std::setprecision(1) << table.capW(cap) << " W";
        return text.str();
    }

} // namespace

std::string infeasibilityReason(const ConfigurationTable& table, const Goals& goals, double idlePowerW)
{
    double fastestMs = std::numeric_limits<double>::infinity();
    std::string fastest;
    double leastEnergyJ = std::numeric_limits<double>::infinity();
    std::string leastEnergy;
    double bestAccuracy = -1.0;
    std::string mostAccurate;
    for (std::size_t d = 0; d < table.modelCount(); ++d) {
        for (std::size_t p = 0; p < table.capCount(); ++p) {
            if (table.latencyMs(d, p, 0) < fastestMs) {
                fastestMs = table.latencyMs(d, p, 0);
                fastest = configName(table, d, p);
            }
            const int k = lastOutputByDeadline(table, d, p, goals.deadlineMs);
            if (k < 0)
                continue;
            const double activeMs = table.latencyMs(d, p, k);
            const double energyJ
                = (table.activePowerW(d, p) * activeMs + idlePowerW * (goals.deadlineMs - activeMs)) / 1000.0;
            if (energyJ < leastEnergyJ) {
                leastEnergyJ = energyJ;
                leastEnergy = configName(table, d, p);
            }
            if (table.accuracy(d, k) > bestAccuracy) {
                bestAccuracy = table.accuracy(d, k);
                mostAccurate = configName(table, d, p);
            }
        }
    }
    std::ostringstream reason;
    reason << std::setprecision(4);
    if (fastest.empty() || bestAccuracy < 0.0) {
        reason << "no candidate answers within " << goals.deadlineMs << " ms even without contention: the fastest is "
               << fastest << " (" << fastestMs << " ms to its first output)";
        return reason.str();
    }
    if (goals.mode == GoalMode::MaximizeAccuracy && leastEnergyJ > goals.energyBudgetJ) {
        reason << "no candidate answers within " << goals.deadlineMs << " ms on " << goals.energyBudgetJ
               << " J per input even without contention: the least is " << leastEnergyJ << " J (" << leastEnergy << ")";
        return reason.str();
    }
    if (goals.mode == GoalMode::MinimizeEnergy && bestAccuracy < goals.accuracyGoal) {
        reason << "no candidate reaches accuracy " << goals.accuracyGoal << " within " << goals.deadlineMs
               << " ms even without contention: the most accurate is " << bestAccuracy << " (" << mostAccurate << ")";
        return reason.str();
    }
    return {};
}

} // namespace awb::core
