#pragma once

#include <cstddef>
#include <vector>

namespace awb::core {

// Order statistics of one cell's latency samples, in ms. Quantiles interpolate linearly between
// order statistics (numpy's default, Hyndman–Fan type 7), so figures compare with Python tools.
struct LatencyStats {
    std::size_t count = 0;
    double medianMs = 0.0;
    double q1Ms = 0.0; // 25th percentile
    double q3Ms = 0.0; // 75th percentile
    double iqrMs = 0.0; // q3 − q1
    double p95Ms = 0.0;
    double meanMs = 0.0;

    // IQR / median: the spread the noise warning looks at (0 when the median is 0).
    double relativeSpread() const { return medianMs > 0.0 ? iqrMs / medianMs : 0.0; }
};

// Throws std::invalid_argument for no samples or a non-finite one.
LatencyStats summarizeLatencies(std::vector<double> samplesMs);

// Quantile q in [0, 1] of ascending `sorted` (type 7); throws std::invalid_argument when empty.
double quantileOfSorted(const std::vector<double>& sorted, double q);

} // namespace awb::core
