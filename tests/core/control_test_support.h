#pragma once

// Crafted configuration tables and independent reference computations for the core/control
// tests. The references use std::erfc and plain loops, not the library's code paths.

#include "core/control/configuration_table.h"
#include "core/control/goals.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

namespace awb::test {

inline double referencePhi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Two traditional models and one anytime model with three outputs, at caps 20, 40 and 60 W.
// Latencies in ms at the highest cap; lower caps are slower by 1.6× and 1.25×.
inline core::ConfigurationTable smallTable()
{
    const std::vector<double> capsW { 20.0, 40.0, 60.0 };
    const std::vector<double> stretch { 1.6, 1.25, 1.0 };
    const auto model = [&](const char* name, bool anytime, std::vector<double> accuracy, std::vector<double> fastMs,
                           std::vector<double> powerW) {
        core::ModelProfile m;
        m.name = name;
        m.anytime = anytime;
        m.accuracy = std::move(accuracy);
        for (std::size_t p = 0; p < capsW.size(); ++p) {
            std::vector<double> latency;
            for (double t : fastMs)
                latency.push_back(t * stretch[p]);
            m.latencyMs.push_back(latency);
        }
        m.powerW = std::move(powerW);
        return m;
    };
    return core::ConfigurationTable(
        { model("small", false, { 0.80 }, { 2.0 }, { 18.0, 30.0, 45.0 }),
            model("large", false, { 0.92 }, { 6.0 }, { 19.0, 35.0, 55.0 }),
            model("nested", true, { 0.70, 0.85, 0.90 }, { 1.0, 3.0, 5.0 }, { 18.5, 33.0, 50.0 }) },
        capsW);
}

// A seeded random table: `models` models (every third anytime with up to `outputs` outputs) ×
// `caps` caps; latency falls and power rises with the cap, accuracy rises with cost.
inline core::ConfigurationTable randomTable(std::uint64_t seed, int models, int outputs, int caps)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<double> capsW;
    for (int p = 0; p < caps; ++p)
        capsW.push_back(15.0 + 5.0 * p);
    std::vector<core::ModelProfile> list;
    for (int d = 0; d < models; ++d) {
        core::ModelProfile m;
        m.name = "m" + std::to_string(d);
        m.anytime = d % 3 == 2;
        const int k = m.anytime ? outputs : 1;
        const double base = 0.5 + 4.0 * unit(rng);
        double q = 0.6 + 0.1 * unit(rng);
        for (int i = 0; i < k; ++i) {
            q = std::min(0.99, q + 0.05 + 0.1 * unit(rng));
            m.accuracy.push_back(q);
        }
        for (int p = 0; p < caps; ++p) {
            const double slow = 1.0 + 1.5 * (caps - 1 - p) / std::max(caps - 1, 1) * (0.8 + 0.4 * unit(rng));
            std::vector<double> latency;
            for (int i = 0; i < k; ++i)
                latency.push_back(base * slow * (i + 1.0) / k * (0.9 + 0.2 * unit(rng)));
            std::sort(latency.begin(), latency.end());
            m.latencyMs.push_back(latency);
            m.powerW.push_back(capsW[static_cast<std::size_t>(p)] * (0.7 + 0.4 * unit(rng)));
        }
        list.push_back(std::move(m));
    }
    return core::ConfigurationTable(std::move(list), std::move(capsW));
}

// E[q_c] by the spec's (non-telescoped) sum, with an exact Φ.
inline double referenceAccuracy(const core::ConfigurationTable& table, std::size_t config, double mu, double sigma,
    double deadlineMs, double failAccuracy)
{
    const std::size_t d = table.modelOf(config);
    const std::size_t p = table.capOf(config);
    const int outputs = table.outputCount(d);
    std::vector<double> ready;
    for (int k = 0; k < outputs; ++k) {
        const double a = deadlineMs / table.latencyMs(d, p, k);
        ready.push_back(sigma > 0.0 ? referencePhi((a - mu) / sigma) : (a >= mu ? 1.0 : 0.0));
    }
    if (outputs == 1)
        return ready[0] * table.accuracy(d, 0) + (1.0 - ready[0]) * failAccuracy;
    double expected = (1.0 - ready[0]) * failAccuracy;
    for (int k = 0; k + 1 < outputs; ++k)
        expected
            += (ready[static_cast<std::size_t>(k)] - ready[static_cast<std::size_t>(k) + 1]) * table.accuracy(d, k);
    expected += ready.back() * table.finalAccuracy(d);
    return expected;
}

// E[e_c] at the plug-in mean (J).
inline double referenceEnergyJ(
    const core::ConfigurationTable& table, std::size_t config, double mu, double idleW, double deadlineMs)
{
    const std::size_t d = table.modelOf(config);
    const std::size_t p = table.capOf(config);
    double activeMs = mu * table.fullLatencyMs(d, p);
    if (table.model(d).anytime && activeMs > deadlineMs)
        activeMs = deadlineMs;
    const double activeW = std::min(table.capW(p), table.model(d).powerW[p]);
    const double idleMs = activeMs < deadlineMs ? deadlineMs - activeMs : 0.0;
    return activeW * activeMs / 1000.0 + idleW * idleMs / 1000.0;
}

// The spec's rule by exhaustive search: the best score, then among ties the lowest energy, then
// the lowest cap, then the lowest model.
inline std::size_t bruteForceChoice(const core::ConfigurationTable& table, const core::Goals& goals,
    const std::vector<double>& accuracy, const std::vector<double>& energyJ, double tieAccuracy = 1e-6)
{
    const std::size_t count = table.configCount();
    std::vector<bool> qualifies(count);
    bool any = false;
    for (std::size_t c = 0; c < count; ++c) {
        qualifies[c] = goals.mode == core::GoalMode::MaximizeAccuracy ? energyJ[c] <= goals.energyBudgetJ
                                                                      : accuracy[c] >= goals.accuracyGoal - tieAccuracy;
        any = any || qualifies[c];
    }
    // Which configurations compete, and on what.
    bool byAccuracy = goals.mode == core::GoalMode::MaximizeAccuracy ? any : !any;
    std::vector<std::size_t> pool;
    for (std::size_t c = 0; c < count; ++c) {
        if (!any || qualifies[c])
            pool.push_back(c);
    }
    if (goals.mode == core::GoalMode::MaximizeAccuracy && !any)
        byAccuracy = false;
    if (byAccuracy) {
        double best = -1.0;
        for (std::size_t c : pool)
            best = std::max(best, accuracy[c]);
        std::erase_if(pool, [&](std::size_t c) { return accuracy[c] < best - tieAccuracy; });
    }
    double lowest = 1e300;
    for (std::size_t c : pool)
        lowest = std::min(lowest, energyJ[c]);
    std::size_t choice = count;
    for (std::size_t c : pool) {
        if (energyJ[c] > lowest * (1.0 + 1e-9))
            continue;
        if (choice == count || table.capOf(c) < table.capOf(choice))
            choice = c;
    }
    return choice;
}

} // namespace awb::test
