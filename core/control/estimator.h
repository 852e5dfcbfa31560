#pragma once

#include "core/control/alert_settings.h"
#include "core/control/configuration_table.h"

#include <cstddef>
#include <vector>

namespace awb::core {

// What the controller believes about the environment when it decides.
struct Belief {
    double xiMean = 1.0; // μ of the slowdown factor
    double xiSigma = 0.0; // σ of the next observation (0: mean only)
    double idlePowerW = 0.0; // p̂_idle
};

// Expected accuracy and energy of every configuration of a table (index as the table's).
struct Estimates {
    std::vector<float> accuracy; // E[q_c], fraction
    std::vector<double> energyJ; // E[e_c] per input (J)
};

// ALERT's closed-form predictions (docs/ALERT.md, "Predictions for every configuration"):
//   F_k = Φ((T_goal / t[c,k] − μ) / σ)
//   E[q_c] = q_fail + Σ_k F_k·(q_k − q_{k−1}), q_0 = q_fail   (the spec's sum, telescoped)
//   E[e_c] = pa_c·t̂ + p̂_idle·(T_goal − t̂)⁺, t̂ = μ·t_c (anytime: min(μ·t_c, T_goal))
// The table is copied into arrays laid out for the scan: outputs outer, configurations inner, in
// float, so the Φ loop vectorises (one fused multiply-add and a rational polynomial per entry).
// Threading: const methods are safe from several threads with separate Estimates.
class Estimator {
public:
    Estimator(const ConfigurationTable& table, EstimatorSettings settings);

    // Fills `out` (resized to the table's configurations) for the given belief and deadline.
    void estimate(const Belief& belief, double deadlineMs, Estimates& out) const;

    // One configuration, in double precision, for logging predictions and for tests.
    double expectedAccuracy(std::size_t config, const Belief& belief, double deadlineMs) const;
    double expectedEnergyJ(std::size_t config, const Belief& belief, double deadlineMs) const;
    // μ·t_c, the expected time to the last output (ms).
    double expectedLatencyMs(std::size_t config, const Belief& belief) const;

    const EstimatorSettings& settings() const { return m_settings; }
    std::size_t configCount() const { return m_configs; }

private:
    double energyAt(std::size_t config, double xi, double idlePowerW, double deadlineMs) const;

    EstimatorSettings m_settings;
    std::size_t m_configs = 0;
    std::size_t m_outputs = 0; // the widest model's output count; narrower ones are padded
    std::vector<float> m_inverseLatency; // [k·configs + c]: 1 / t[c,k] (1/ms); 0 for padding
    std::vector<float> m_accuracyStep; // [k·configs + c]: q_k − q_{k−1}; 0 for padding
    std::vector<double> m_fullLatencyMs; // [c]: t_c, to the last output
    std::vector<double> m_activePowerW; // [c]: pa_c
    std::vector<unsigned char> m_anytime; // [c]
    std::vector<double> m_accuracy; // [k·configs + c], double, for the single-config methods
    std::vector<double> m_latencyMs; // [k·configs + c]
    std::vector<int> m_outputCount; // [c]
};

} // namespace awb::core
