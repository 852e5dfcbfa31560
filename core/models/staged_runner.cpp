#include "core/models/staged_runner.h"

#include "core/models/candidate.h"
#include "core/models/torch_runtime.h"

#include <c10/core/InferenceMode.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace awb::core {

namespace {

    double elapsedMs(StagedRunner::Clock::time_point from, StagedRunner::Clock::time_point to)
    {
        return std::chrono::duration<double, std::milli>(to - from).count();
    }

    StagedRunner::Clock::time_point deadlineFromNow(double deadlineMs)
    {
        return StagedRunner::Clock::now()
            + std::chrono::duration_cast<StagedRunner::Clock::duration>(
                std::chrono::duration<double, std::milli>(deadlineMs));
    }

} // namespace

StagedRunner::StagedRunner(StagedRunnerOptions options)
    : m_options(std::move(options))
{
    if (m_options.threads < 1)
        throw std::invalid_argument("StagedRunner: threads must be at least 1, got " + std::to_string(m_options.threads));
}

StagedRunResult StagedRunner::run(Candidate& candidate, Clock::time_point deadline, int maxOutputs) const
{
    if (torchThreads() != m_options.threads)
        setTorchThreads(m_options.threads);
    const int outputs = maxOutputs > 0 ? std::min(maxOutputs, candidate.numOutputs()) : candidate.numOutputs();
    if (candidate.outputsCompleted() != 0)
        throw std::logic_error("StagedRunner: " + candidate.name() + " must be reset before a run");

    StagedRunResult result;
    result.stageLatencyMs.reserve(static_cast<std::size_t>(outputs));
    c10::InferenceMode guard;
    const Clock::time_point start = Clock::now();
    Clock::time_point stageStart = start;
    for (int stage = 0; stage < outputs; ++stage) {
        if (stage > 0 && stageStart >= deadline) {
            result.stoppedByDeadline = true;
            break;
        }
        result.outputReached = candidate.runNextStage();
        Clock::time_point stageEnd = Clock::now();
        double stageMs = elapsedMs(stageStart, stageEnd);
        if (m_options.stageStretch) {
            stageMs = m_options.stageStretch(stageMs);
            stageEnd = Clock::now();
        }
        result.stageLatencyMs.push_back(stageMs);
        result.totalLatencyMs += stageMs;
        stageStart = stageEnd;
    }
    if (!m_options.stageStretch)
        result.totalLatencyMs = elapsedMs(start, stageStart);
    result.deadlineMet = stageStart <= deadline;
    result.predictedClass = candidate.currentPrediction();
    return result;
}

StagedRunResult StagedRunner::run(
    Candidate& candidate, const ImageSet& images, std::size_t index, double deadlineMs, int maxOutputs) const
{
    const Clock::time_point deadline = deadlineFromNow(deadlineMs);
    candidate.reset(images, index);
    return run(candidate, deadline, maxOutputs);
}

StagedRunResult StagedRunner::run(Candidate& candidate, std::span<const float> pixels,
    const std::vector<std::int64_t>& shape, double deadlineMs, int maxOutputs) const
{
    const Clock::time_point deadline = deadlineFromNow(deadlineMs);
    candidate.reset(pixels, shape);
    return run(candidate, deadline, maxOutputs);
}

} // namespace awb::core
