#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace awb::core {

class Candidate;
struct ImageSet;

struct StagedRunnerOptions {
    // LibTorch intra-op threads for the run (process-wide, applied when a run starts). Batch-1
    // inference of these small CNNs is fastest on one thread here (docs/ has the figures).
    int threads = 1;
    // Called after each stage with its measured compute time (ms); returns the stage's latency
    // as the device shows it (ms). The emulated DVFS backend sleeps here to stretch the stage to
    // computeMs / f and returns the modelled time (DutyCycleExecutor::stretch), so a deadline
    // check after the stage sees the stretched wall time. Empty: stages run at full speed and
    // their wall time is their latency.
    std::function<double(double computeMs)> stageStretch;
};

struct StagedRunResult {
    // Index of the last completed output, −1 when none completed (never happens: see run()).
    int outputReached = -1;
    int predictedClass = -1; // of the last completed output, first row of the batch
    // One entry per completed stage: its wall time, or what stageStretch returned for it.
    std::vector<double> stageLatencyMs;
    // From the start of the run to the end of the last stage; with stageStretch, the sum of the
    // stretched stage latencies (the emulator's sleeps overshoot, the modelled device does not).
    double totalLatencyMs = 0.0;
    bool deadlineMet = false; // the last completed stage ended before the deadline
    bool stoppedByDeadline = false; // stages were left undone because the deadline had passed
};

// Runs a candidate stage by stage under c10::InferenceMode, checking the deadline between
// stages (std::chrono::steady_clock). The first stage always runs, so every run yields an
// answer: with a deadline that has already passed (e.g. 0 ms) the result is output 0 with
// deadlineMet = false. A running stage is never interrupted, so a run may end after the deadline
// by at most one stage's latency. Threading: one run at a time per runner and per candidate.
class StagedRunner {
public:
    using Clock = std::chrono::steady_clock;

    explicit StagedRunner(StagedRunnerOptions options = {});

    // `candidate` must have an input (Candidate::reset); runs from its first stage. maxOutputs
    // caps the outputs computed (≤ 0: all), e.g. the output an ALERT decision picked.
    StagedRunResult run(Candidate& candidate, Clock::time_point deadline, int maxOutputs = 0) const;
    // Resets the candidate to image `index` of `images`, then runs with deadline now + deadlineMs.
    StagedRunResult run(
        Candidate& candidate, const ImageSet& images, std::size_t index, double deadlineMs, int maxOutputs = 0) const;
    // Resets the candidate to `pixels` of `shape` (see Candidate::reset), then runs likewise.
    StagedRunResult run(Candidate& candidate, std::span<const float> pixels, const std::vector<std::int64_t>& shape,
        double deadlineMs, int maxOutputs = 0) const;

    const StagedRunnerOptions& options() const { return m_options; }

private:
    StagedRunnerOptions m_options;
};

} // namespace awb::core
