#pragma once

#include <nlohmann/json.hpp>

namespace awb::core {

// Every constant of the ALERT controller (docs/ALERT.md). Defaults marked "spec" are the
// specification's, the others ours; all are recorded with each run (toJson) so a result can be
// reproduced. Plain values, copied freely.

// The ξ Kalman filter: random-walk state, scalar, ξ ~ N(μ, σ²) (ξ is dimensionless).
struct SlowdownFilterSettings {
    double initialMean = 1.0; // μ0 (spec)
    double initialVariance = 0.1; // P0 (spec)
    double measurementVariance = 0.03 * 0.03; // R (spec)
    double minProcessNoise = 1e-4; // Q0, also Q(1) (spec)
    double processNoiseSmoothing = 0.3; // α in Q(n+1) = max(Q0, α·Q(n) + (1 − α)·(K·y)²) (spec)
    // false: Q stays Q0 (the "fixed Q" ablation).
    bool adaptiveProcessNoise = true;
    // true: σ² = P + R, the predictive variance of the next observation (spec default);
    // false: σ² = P, the uncertainty of the mean alone.
    bool predictiveVariance = true;
    // Adds the process noise of the next step, Q(n+1), to σ²: the exact predictive variance of a
    // random walk. Off by default (the spec's σ² = P + R); with it the estimator turns cautious
    // right after a change, when Q is large (with the spec's σ², P ≤ R bounds the caution).
    bool includeNextProcessNoise = false;
};

// The idle-power Kalman filter: random walk with a constant process noise, in W.
struct IdlePowerFilterSettings {
    double initialPowerW = 10.0; // replaced by the device's idle power when it is known (ours)
    double initialVarianceW2 = 4.0; // (2 W)² (ours)
    double processNoiseW2 = 0.01; // (0.1 W)² per observation (ours)
    double measurementVarianceW2 = 0.25; // (0.5 W)² (ours)
};

struct EstimatorSettings {
    // Accuracy of an input that gets no answer by its deadline (q_fail). Default: chance level of
    // the 10 Fashion-MNIST classes (spec: 1/classes).
    double failAccuracy = 0.1;
    // true: σ = 0, F_k is a step at T_goal / t = μ (the "mean only" ablation).
    bool meanOnly = false;
    // 0: energy at the plug-in mean ξ = μ (spec); 3 or 5: the expectation over ξ ~ N(μ, σ²) with
    // that many Gauss–Hermite points (the spec's optional refinement).
    int energyQuadraturePoints = 0;
    // Expected accuracies within this of the best are ties, broken toward lower energy, then the
    // lower cap (the spec's tie rule made robust to rounding; absolute, in accuracy units).
    double accuracyTieTolerance = 1e-6;
    // Expected energies within this fraction of the lowest are ties, broken toward the lower cap.
    double energyTieTolerance = 1e-9;
};

struct AlertSettings {
    SlowdownFilterSettings slowdown;
    IdlePowerFilterSettings idlePower;
    EstimatorSettings estimator;
    // Decide and log, apply nothing: the configuration in place when the run started keeps
    // running (the most accurate model at the highest cap) and the filters learn from it.
    bool dryRun = false;
    // Anytime models are left out of the candidate set (the "traditional only" ablation).
    bool traditionalOnly = false;

    // Throws std::invalid_argument naming the first constant that is out of range.
    void validate() const;
    nlohmann::ordered_json toJson() const;
};

} // namespace awb::core
