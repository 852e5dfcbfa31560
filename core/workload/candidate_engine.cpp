#include "core/workload/candidate_engine.h"

#include "core/power/emulated_backend.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace awb::core {

namespace {

    StagedRunnerOptions runnerOptions(int threads, DutyCycleExecutor* executor)
    {
        StagedRunnerOptions options;
        options.threads = threads;
        if (executor != nullptr)
            options.stageStretch = [executor](double computeMs) { return executor->stretch(computeMs).stretchedMs; };
        return options;
    }

    int argmax(const std::vector<float>& logits)
    {
        return static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    }

} // namespace

CandidateEngine::CandidateEngine(
    std::vector<Candidate> candidates, ImageSet images, EmulatedBackend* emulated, int threads)
    : m_candidates(std::move(candidates))
    , m_images(std::move(images))
    , m_executor(emulated != nullptr ? std::make_unique<DutyCycleExecutor>(*emulated) : nullptr)
    , m_runner(runnerOptions(threads, m_executor.get()))
{
    if (m_candidates.empty())
        throw std::invalid_argument("a live run needs at least one candidate model");
    if (m_images.size() == 0)
        throw std::invalid_argument("a live run needs at least one test image");
    for (const Candidate& candidate : m_candidates) {
        const std::vector<std::int64_t> shape = candidate.imageShape();
        if (shape.size() != 3 || shape[0] != 1 || shape[1] != m_images.rows || shape[2] != m_images.cols)
            throw std::invalid_argument("model '" + candidate.name() + "' does not take "
                + std::to_string(m_images.rows) + "x" + std::to_string(m_images.cols)
                + " grey-scale images, so it cannot run on the Fashion-MNIST workload");
    }
}

CandidateEngine::~CandidateEngine() = default;

void CandidateEngine::infer(std::size_t model, std::size_t input, Clock::time_point deadline, InferenceOutcome& outcome)
{
    Candidate& candidate = m_candidates.at(model);
    candidate.reset(m_images, input);
    const StagedRunResult result = m_runner.run(candidate, deadline);
    outcome.outputLatencyMs.clear();
    outcome.outputClass.clear();
    double cumulativeMs = 0.0;
    for (std::size_t k = 0; k < result.stageLatencyMs.size(); ++k) {
        cumulativeMs += result.stageLatencyMs[k];
        outcome.outputLatencyMs.push_back(cumulativeMs);
        outcome.outputClass.push_back(k + 1 == result.stageLatencyMs.size()
                ? result.predictedClass
                : argmax(candidate.outputLogits(static_cast<int>(k))));
    }
}

} // namespace awb::core
