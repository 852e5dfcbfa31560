#pragma once
// The inference the live loop drives, behind an interface so that the loop needs no LibTorch
// header and its tests can run it on a scripted engine. CandidateEngine (candidate_engine.h) is
// the real one: trained candidates on Fashion-MNIST test images, staged, stretched on the
// emulated backend.

#include <chrono>
#include <cstddef>
#include <vector>

namespace awb::core {

// What running one input measured. Reused from input to input (the vectors keep their capacity,
// so the loop allocates nothing per input).
struct InferenceOutcome {
    // Per completed output, in order: latency from the start of the run to that output (ms,
    // cumulative) as the device shows it — the emulated device's modelled time when stretched,
    // else wall time — and the class it predicted.
    std::vector<double> outputLatencyMs;
    std::vector<int> outputClass;
    int completedOutputs() const { return static_cast<int>(outputLatencyMs.size()); }
};

// Threading: one thread at a time (the live loop's).
class InferenceEngine {
public:
    using Clock = std::chrono::steady_clock;

    virtual ~InferenceEngine() = default;
    // Candidates, indexed like the ConfigurationTable the controller decides over.
    virtual std::size_t modelCount() const = 0;
    // Labelled test inputs available; the workload cycles over them.
    virtual std::size_t inputCount() const = 0;
    virtual int label(std::size_t input) const = 0;
    // Runs candidate `model` on test input `input` from its first stage, checking `deadline`
    // between stages: the first stage always runs, a stage is never interrupted, and no stage
    // starts after the deadline.
    virtual void infer(std::size_t model, std::size_t input, Clock::time_point deadline, InferenceOutcome& outcome) = 0;
};

} // namespace awb::core
