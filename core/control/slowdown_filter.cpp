#include "core/control/slowdown_filter.h"

#include <algorithm>
#include <cmath>

namespace awb::core {

SlowdownFilter::SlowdownFilter(SlowdownFilterSettings settings)
    : m_settings(settings)
    , m_mean(settings.initialMean)
    , m_variance(settings.initialVariance)
    , m_processNoise(settings.minProcessNoise)
{
}

bool SlowdownFilter::observe(double xiObserved)
{
    if (!std::isfinite(xiObserved) || xiObserved <= 0.0)
        return false;
    const SlowdownFilterSettings& s = m_settings;
    const double priorVariance = m_variance + m_processNoise;
    const double innovation = xiObserved - m_mean;
    const double gain = priorVariance / (priorVariance + s.measurementVariance);
    const double correction = gain * innovation;
    m_mean += correction;
    m_variance = (1.0 - gain) * priorVariance;
    if (s.adaptiveProcessNoise) {
        const double alpha = s.processNoiseSmoothing;
        m_processNoise = std::max(s.minProcessNoise, alpha * m_processNoise + (1.0 - alpha) * correction * correction);
    }
    m_lastGain = gain;
    ++m_observations;
    return true;
}

void SlowdownFilter::reset() { *this = SlowdownFilter(m_settings); }

double SlowdownFilter::predictiveVariance() const
{
    const double measurement = m_settings.predictiveVariance ? m_settings.measurementVariance : 0.0;
    const double nextProcess = m_settings.includeNextProcessNoise ? m_processNoise : 0.0;
    return m_variance + measurement + nextProcess;
}

} // namespace awb::core
