#pragma once

#include "core/control/alert_settings.h"

namespace awb::core {

// The power drawn while no inference runs (W), as a scalar Kalman filter with a random-walk
// state and constant process noise. Fed once per input with the energy measured over the idle
// part of the period: co-runners raise it, so it is tracked rather than assumed.
// Threading: none; one owner.
class IdlePowerFilter {
public:
    explicit IdlePowerFilter(IdlePowerFilterSettings settings = {});

    // idleEnergyJ measured over idleMs of idle time. Periods with (almost) no idle time carry no
    // information and are skipped (returns false), as are non-finite or negative readings.
    bool observe(double idleEnergyJ, double idleMs);
    void reset();

    double powerW() const { return m_powerW; }
    double varianceW2() const { return m_varianceW2; }
    const IdlePowerFilterSettings& settings() const { return m_settings; }

    // Below this much idle time (ms) a period's idle energy is too small to measure.
    static constexpr double kMinIdleMs = 1e-3;

private:
    IdlePowerFilterSettings m_settings;
    double m_powerW;
    double m_varianceW2;
};

} // namespace awb::core
