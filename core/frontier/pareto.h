#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace awb::core {

// One profiled way to answer an input: a model's output at a power cap, with what it costs.
struct FrontierPoint {
    std::int64_t modelId = 0;
    std::string model; // model name
    int outputIndex = 0;
    double powerCapW = 0.0;
    double accuracy = 0.0; // fraction in [0, 1]; higher is better
    double latencyMs = 0.0; // median per input; lower is better
    double energyJ = 0.0; // per input; lower is better
};

// Which objectives a frontier trades off. Accuracy is always maximised, the costs minimised.
enum class FrontierAxes {
    AccuracyLatency,
    AccuracyEnergy,
    AccuracyLatencyEnergy,
};

const char* toString(FrontierAxes axes); // "accuracy_latency", "accuracy_energy", "accuracy_latency_energy"

// The Pareto set of `points` over `axes`, sorted by cost: latency ascending for AccuracyLatency
// and AccuracyLatencyEnergy (energy ascending among equal latencies), energy ascending for
// AccuracyEnergy.
//
// Ties and duplicates, exactly:
// - p dominates q when p is at least as good as q on every axis of `axes` and strictly better on
//   at least one. Values are compared exactly (no tolerance).
// - A point no other point dominates is on the frontier, except that points equal on every axis of
//   `axes` (duplicates, such as one output at two caps that measured the same) are kept once. The
//   one kept has the lowest cost on the axes not in `axes` (energy for AccuracyLatency, latency for
//   AccuracyEnergy), then the lowest power cap, then the smallest model name, model id and output
//   index, so the result does not depend on the order of `points`.
// - Points with a non-finite accuracy, latency or energy are ignored.
// Hence a 2-D frontier sorted by cost has strictly increasing accuracy and strictly increasing cost.
// Runs in O(n·f) for n points and f frontier points. Threading: pure function, any thread.
std::vector<FrontierPoint> paretoFrontier(std::span<const FrontierPoint> points, FrontierAxes axes);

// The three frontiers of one profile session.
struct Frontiers {
    std::vector<FrontierPoint> accuracyLatency;
    std::vector<FrontierPoint> accuracyEnergy;
    std::vector<FrontierPoint> accuracyLatencyEnergy;
};

Frontiers computeFrontiers(std::span<const FrontierPoint> points);

} // namespace awb::core
