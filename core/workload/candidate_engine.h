#pragma once

#include "core/models/candidate.h"
#include "core/models/fashion_mnist.h"
#include "core/models/staged_runner.h"
#include "core/workload/inference_engine.h"

#include <memory>
#include <vector>

namespace awb::core {

class EmulatedBackend;
class DutyCycleExecutor;

// The real inference of a live run: trained candidates (Candidate, staged) on labelled test
// images, through StagedRunner under c10::InferenceMode. On the emulated backend every stage is
// stretched by the DutyCycleExecutor to the time it takes at the cap in force, so both the
// deadline check between stages and the latencies it reports are the emulated device's.
// Threading: one thread at a time; `emulated` must outlive the engine.
class CandidateEngine final : public InferenceEngine {
public:
    // Throws std::invalid_argument when there is no candidate, no image, or a candidate takes
    // inputs of another shape than `images`, or threads < 1.
    CandidateEngine(std::vector<Candidate> candidates, ImageSet images, EmulatedBackend* emulated, int threads = 1);
    ~CandidateEngine() override;

    std::size_t modelCount() const override { return m_candidates.size(); }
    std::size_t inputCount() const override { return m_images.size(); }
    int label(std::size_t input) const override { return m_images.labels[input]; }
    void infer(std::size_t model, std::size_t input, Clock::time_point deadline, InferenceOutcome& outcome) override;

private:
    std::vector<Candidate> m_candidates;
    ImageSet m_images;
    std::unique_ptr<DutyCycleExecutor> m_executor;
    StagedRunner m_runner;
};

} // namespace awb::core
