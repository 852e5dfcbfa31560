#include "core/profile/latency_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace awb::core {

double quantileOfSorted(const std::vector<double>& sorted, double q)
{
    if (sorted.empty())
        throw std::invalid_argument("quantile of no samples");
    const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    const double weight = position - static_cast<double>(below);
    return sorted[below] + weight * (sorted[above] - sorted[below]);
}

LatencyStats summarizeLatencies(std::vector<double> samplesMs)
{
    if (samplesMs.empty())
        throw std::invalid_argument("no latency samples to summarize");
    for (double sample : samplesMs) {
        if (!std::isfinite(sample))
            throw std::invalid_argument("a latency sample is not finite");
    }
    std::sort(samplesMs.begin(), samplesMs.end());
    LatencyStats stats;
    stats.count = samplesMs.size();
    stats.medianMs = quantileOfSorted(samplesMs, 0.5);
    stats.q1Ms = quantileOfSorted(samplesMs, 0.25);
    stats.q3Ms = quantileOfSorted(samplesMs, 0.75);
    stats.iqrMs = stats.q3Ms - stats.q1Ms;
    stats.p95Ms = quantileOfSorted(samplesMs, 0.95);
    stats.meanMs = std::accumulate(samplesMs.begin(), samplesMs.end(), 0.0) / static_cast<double>(stats.count);
    return stats;
}

} // namespace awb::core
