#include "core/control/estimator.h"

#include "core/control/normal_cdf.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace awb::core {

namespace {

    // σ below this is treated as this: Φ becomes a step at T_goal / t = μ without dividing by 0.
    constexpr double kMinSigma = 1e-9;

    // acc[c] += Φ(inverseLatency[c]·a + b) · step[c]: the whole cost of a decision. Cloned for
    // AVX2+FMA (8 floats a step) with a plain SSE2 fallback, picked once at load time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define AWB_VECTOR_CLONES __attribute__((target_clones("arch=haswell", "default")))
#else
#define AWB_VECTOR_CLONES
#endif
    AWB_VECTOR_CLONES void accumulateOutput(float* __restrict acc, const float* __restrict inverseLatency,
        const float* __restrict step, std::size_t count, float a, float b)
    {
        for (std::size_t c = 0; c < count; ++c)
            acc[c] += normalCdf<float>(inverseLatency[c] * a + b) * step[c];
    }

    struct Quadrature {
        std::array<double, 5> nodes {};
        std::array<double, 5> weights {}; // sum to 1 (Gauss–Hermite weights / √π)
        int points = 0;
    };

    Quadrature gaussHermite(int points)
    {
        if (points == 3)
            return { { 0.0, -1.2247448713915890, 1.2247448713915890 }, { 2.0 / 3.0, 1.0 / 6.0, 1.0 / 6.0 }, 3 };
        return { { 0.0, -0.9585724646138185, 0.9585724646138185, -2.0201828704560856, 2.0201828704560856 },
            { 0.5333333333333333, 0.2220759220056126, 0.2220759220056126, 0.0112574113277207, 0.0112574113277207 }, 5 };
    }

} // namespace

Estimator::Estimator(const ConfigurationTable& table, EstimatorSettings settings)
    : m_settings(settings)
    , m_configs(table.configCount())
    , m_outputs(static_cast<std::size_t>(table.maxOutputCount()))
{
    m_inverseLatency.assign(m_outputs * m_configs, 0.0F);
    m_accuracyStep.assign(m_outputs * m_configs, 0.0F);
    m_accuracy.assign(m_outputs * m_configs, 0.0);
    m_latencyMs.assign(m_outputs * m_configs, 0.0);
    m_fullLatencyMs.resize(m_configs);
    m_activePowerW.resize(m_configs);
    m_anytime.resize(m_configs);
    m_outputCount.resize(m_configs);
    for (std::size_t c = 0; c < m_configs; ++c) {
        const std::size_t d = table.modelOf(c);
        const std::size_t p = table.capOf(c);
        const int outputs = table.outputCount(d);
        double previous = settings.failAccuracy;
        for (int k = 0; k < outputs; ++k) {
            const std::size_t i = static_cast<std::size_t>(k) * m_configs + c;
            const double latency = table.latencyMs(d, p, k);
            m_inverseLatency[i] = static_cast<float>(1.0 / latency);
            m_accuracyStep[i] = static_cast<float>(table.accuracy(d, k) - previous);
            m_accuracy[i] = table.accuracy(d, k);
            m_latencyMs[i] = latency;
            previous = table.accuracy(d, k);
        }
        m_fullLatencyMs[c] = table.fullLatencyMs(d, p);
        m_activePowerW[c] = table.activePowerW(d, p);
        m_anytime[c] = table.model(d).anytime ? 1 : 0;
        m_outputCount[c] = outputs;
    }
}

void Estimator::estimate(const Belief& belief, double deadlineMs, Estimates& out) const
{
    out.accuracy.assign(m_configs, static_cast<float>(m_settings.failAccuracy));
    out.energyJ.resize(m_configs);
    const double sigma = m_settings.meanOnly ? kMinSigma : std::max(belief.xiSigma, kMinSigma);
    const auto a = static_cast<float>(deadlineMs / sigma);
    const auto b = static_cast<float>(-belief.xiMean / sigma);
    for (std::size_t k = 0; k < m_outputs; ++k) {
        accumulateOutput(out.accuracy.data(), m_inverseLatency.data() + k * m_configs,
            m_accuracyStep.data() + k * m_configs, m_configs, a, b);
    }

    const int points = m_settings.energyQuadraturePoints;
    double* energy = out.energyJ.data();
    if (points == 0 || m_settings.meanOnly || belief.xiSigma <= 0.0) {
        const double mu = belief.xiMean;
        const double idleW = belief.idlePowerW;
        const double infinity = std::numeric_limits<double>::infinity();
        for (std::size_t c = 0; c < m_configs; ++c) {
            // Anytime stops at the deadline; a traditional overrun is charged in full, idle 0.
            const double active = std::min(mu * m_fullLatencyMs[c], m_anytime[c] ? deadlineMs : infinity);
            energy[c] = (m_activePowerW[c] * active + idleW * std::max(deadlineMs - active, 0.0)) * 1e-3;
        }
        return;
    }
    for (std::size_t c = 0; c < m_configs; ++c)
        energy[c] = expectedEnergyJ(c, belief, deadlineMs);
}

double Estimator::energyAt(std::size_t config, double xi, double idlePowerW, double deadlineMs) const
{
    double active = xi * m_fullLatencyMs[config];
    if (m_anytime[config])
        active = std::min(active, deadlineMs);
    return (m_activePowerW[config] * active + idlePowerW * std::max(deadlineMs - active, 0.0)) * 1e-3;
}

double Estimator::expectedAccuracy(std::size_t config, const Belief& belief, double deadlineMs) const
{
    const double sigma = m_settings.meanOnly ? kMinSigma : std::max(belief.xiSigma, kMinSigma);
    double previous = m_settings.failAccuracy;
    double expected = m_settings.failAccuracy;
    for (int k = 0; k < m_outputCount[config]; ++k) {
        const std::size_t i = static_cast<std::size_t>(k) * m_configs + config;
        const double ready = normalCdf<double>((deadlineMs / m_latencyMs[i] - belief.xiMean) / sigma);
        expected += ready * (m_accuracy[i] - previous);
        previous = m_accuracy[i];
    }
    return expected;
}

double Estimator::expectedEnergyJ(std::size_t config, const Belief& belief, double deadlineMs) const
{
    const int points = m_settings.energyQuadraturePoints;
    if (points == 0 || m_settings.meanOnly || belief.xiSigma <= 0.0)
        return energyAt(config, belief.xiMean, belief.idlePowerW, deadlineMs);
    const Quadrature rule = gaussHermite(points);
    double expected = 0.0;
    for (int i = 0; i < rule.points; ++i) {
        const double xi = std::max(belief.xiMean + std::sqrt(2.0) * belief.xiSigma * rule.nodes[i], 0.0);
        expected += rule.weights[i] * energyAt(config, xi, belief.idlePowerW, deadlineMs);
    }
    return expected;
}

double Estimator::expectedLatencyMs(std::size_t config, const Belief& belief) const
{
    return belief.xiMean * m_fullLatencyMs[config];
}

} // namespace awb::core
