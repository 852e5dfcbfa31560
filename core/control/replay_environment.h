#pragma once

#include "core/control/configuration_table.h"
#include "core/control/slowdown_trace.h"

#include <cstdint>
#include <vector>

namespace awb::core {

// Whether each test input is classified correctly: [model][output][input], models in the order
// of the ConfigurationTable, every bit string the same length. Replay input n uses test input
// n mod length.
using CorrectnessTable = std::vector<std::vector<std::vector<bool>>>;

// The fraction of test inputs each output gets right ([model][output]): the accuracy a replay over
// the whole test set will show, for ConfigurationTable::withAccuracies.
std::vector<std::vector<double>> accuracyOf(const CorrectnessTable& correctness);

// What running one input on one configuration does in the replayed environment.
struct Outcome {
    int outputReached = 0; // last output completed (the first always completes)
    double latencyMs = 0.0; // input start to that output
    double activeMs = 0.0; // time the DNN ran
    double idleMs = 0.0; // rest of the period
    double energyJ = 0.0; // active + idle energy over the period
    double idleEnergyJ = 0.0;
    bool deadlineMet = false; // an output was ready by the deadline
    bool correct = false; // that output was right (false when nothing came in time)
};

// The ground truth of a replay: the profiles, a slowdown trace and per-input correctness. Input
// n on configuration (d, p) takes ξ(n)·t[d,p,k] to output k and draws the profiled active power
// min(p, pw[d,p]) while it runs and the trace's idle power for the rest of the period T_goal:
// - traditional: runs to the end; late (> T_goal) means no answer, the overrun is charged in
//   full and there is no idle time;
// - anytime: the first output always completes (as StagedRunner does), later ones while they
//   fit; it stops at the deadline and answers with the last output done by then; if even the
//   first is late there is no answer.
// An answer is correct when the model's output got that test input right.
// Immutable; safe to share between threads. `table` must outlive it.
class ReplayEnvironment {
public:
    // Throws std::invalid_argument naming the model/output whose correctness is missing or of
    // another length, or an empty trace.
    ReplayEnvironment(const ConfigurationTable& table, SlowdownTrace trace, CorrectnessTable correctness);

    std::int64_t inputCount() const { return static_cast<std::int64_t>(m_trace.size()); }
    const SlowdownTrace& trace() const { return m_trace; }
    const ConfigurationTable& table() const { return m_table; }
    double slowdown(std::int64_t input) const { return m_trace.slowdown[static_cast<std::size_t>(input)]; }
    double idlePowerW(std::int64_t input) const { return m_trace.idlePowerW[static_cast<std::size_t>(input)]; }
    bool correct(std::size_t model, int output, std::int64_t input) const;
    std::size_t testInputCount() const { return m_testInputs; }

    Outcome run(std::int64_t input, std::size_t model, std::size_t cap, double deadlineMs) const;

private:
    const ConfigurationTable& m_table;
    SlowdownTrace m_trace;
    CorrectnessTable m_correctness;
    std::size_t m_testInputs = 0;
};

} // namespace awb::core
