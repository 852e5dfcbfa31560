#include "core/control/idle_power_filter.h"

#include <cmath>

namespace awb::core {

IdlePowerFilter::IdlePowerFilter(IdlePowerFilterSettings settings)
    : m_settings(settings)
    , m_powerW(settings.initialPowerW)
    , m_varianceW2(settings.initialVarianceW2)
{
}

bool IdlePowerFilter::observe(double idleEnergyJ, double idleMs)
{
    if (!std::isfinite(idleEnergyJ) || !std::isfinite(idleMs) || idleEnergyJ < 0.0 || idleMs < kMinIdleMs)
        return false;
    const double measuredW = idleEnergyJ / (idleMs / 1000.0);
    const double priorVariance = m_varianceW2 + m_settings.processNoiseW2;
    const double gain = priorVariance / (priorVariance + m_settings.measurementVarianceW2);
    m_powerW += gain * (measuredW - m_powerW);
    m_varianceW2 = (1.0 - gain) * priorVariance;
    return true;
}

void IdlePowerFilter::reset() { *this = IdlePowerFilter(m_settings); }

} // namespace awb::core
