#pragma once

#include "core/control/alert_settings.h"

namespace awb::core {

// The global slowdown factor ξ (measured latency / profiled latency, dimensionless) as a scalar
// Kalman filter with a random-walk state and adaptive process noise (docs/ALERT.md):
//   P⁻ = P + Q(n), y = ξ_obs − μ, K = P⁻ / (P⁻ + R), μ += K·y, P = (1 − K)·P⁻,
//   Q(n+1) = max(Q0, α·Q(n) + (1 − α)·(K·y)²)   (Q stays Q0 without adaptation).
// A sudden change (a co-runner starts) gives large innovations, Q grows, the gain K grows with it
// and the filter tracks faster while its predictive variance says "less sure".
// Threading: none; one owner.
class SlowdownFilter {
public:
    explicit SlowdownFilter(SlowdownFilterSettings settings = {});

    // Ignores an observation that is not a finite positive number (returns false).
    bool observe(double xiObserved);
    void reset();

    double mean() const { return m_mean; } // μ
    double variance() const { return m_variance; } // P
    double processNoise() const { return m_processNoise; } // Q for the next observation
    double lastGain() const { return m_lastGain; }
    // σ² used by the estimator: P + R (default) or P, plus Q(n+1) when the settings say so.
    double predictiveVariance() const;
    long long observations() const { return m_observations; }
    const SlowdownFilterSettings& settings() const { return m_settings; }

private:
    SlowdownFilterSettings m_settings;
    double m_mean;
    double m_variance;
    double m_processNoise;
    double m_lastGain = 0.0;
    long long m_observations = 0;
};

} // namespace awb::core
