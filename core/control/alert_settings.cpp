#include "core/control/alert_settings.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace awb::core {

namespace {

    void requirePositive(double value, const char* name)
    {
        if (!std::isfinite(value) || value <= 0.0)
            throw std::invalid_argument(
                std::string(name) + " must be a positive finite number, not " + std::to_string(value));
    }

    void requireNonNegative(double value, const char* name)
    {
        if (!std::isfinite(value) || value < 0.0)
            throw std::invalid_argument(
                std::string(name) + " must be a finite number ≥ 0, not " + std::to_string(value));
    }

} // namespace

void AlertSettings::validate() const
{
    requirePositive(slowdown.initialMean, "the initial slowdown mean μ0");
    requirePositive(slowdown.initialVariance, "the initial slowdown variance P0");
    requirePositive(slowdown.measurementVariance, "the slowdown measurement variance R");
    requirePositive(slowdown.minProcessNoise, "the minimum process noise Q0");
    if (!(slowdown.processNoiseSmoothing >= 0.0 && slowdown.processNoiseSmoothing <= 1.0))
        throw std::invalid_argument(
            "the process-noise smoothing α must be in [0, 1], not " + std::to_string(slowdown.processNoiseSmoothing));
    requireNonNegative(idlePower.initialPowerW, "the initial idle power");
    requirePositive(idlePower.initialVarianceW2, "the initial idle-power variance");
    requireNonNegative(idlePower.processNoiseW2, "the idle-power process noise");
    requirePositive(idlePower.measurementVarianceW2, "the idle-power measurement variance");
    if (!(estimator.failAccuracy >= 0.0 && estimator.failAccuracy <= 1.0))
        throw std::invalid_argument(
            "the accuracy of a missed deadline must be in [0, 1], not " + std::to_string(estimator.failAccuracy));
    const int points = estimator.energyQuadraturePoints;
    if (points != 0 && points != 3 && points != 5)
        throw std::invalid_argument(
            "energy quadrature points must be 0 (plug-in mean), 3 or 5, not " + std::to_string(points));
    requireNonNegative(estimator.accuracyTieTolerance, "the accuracy tie tolerance");
    requireNonNegative(estimator.energyTieTolerance, "the energy tie tolerance");
}

nlohmann::ordered_json AlertSettings::toJson() const
{
    return {
        { "slowdown_filter",
            { { "mu0", slowdown.initialMean }, { "p0", slowdown.initialVariance },
                { "r", slowdown.measurementVariance }, { "q0", slowdown.minProcessNoise },
                { "alpha", slowdown.processNoiseSmoothing }, { "adaptive_q", slowdown.adaptiveProcessNoise },
                { "sigma2",
                    std::string(slowdown.predictiveVariance ? "p_plus_r" : "p")
                        + (slowdown.includeNextProcessNoise ? "_plus_next_q" : "") } } },
        { "idle_power_filter",
            { { "initial_w", idlePower.initialPowerW }, { "initial_variance_w2", idlePower.initialVarianceW2 },
                { "q_w2", idlePower.processNoiseW2 }, { "r_w2", idlePower.measurementVarianceW2 } } },
        { "estimator",
            { { "fail_accuracy", estimator.failAccuracy }, { "mean_only", estimator.meanOnly },
                { "energy_quadrature_points", estimator.energyQuadraturePoints },
                { "accuracy_tie_tolerance", estimator.accuracyTieTolerance },
                { "energy_tie_tolerance", estimator.energyTieTolerance } } },
        { "dry_run", dryRun },
        { "traditional_only", traditionalOnly },
    };
}

} // namespace awb::core
