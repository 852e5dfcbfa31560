#pragma once

#include "core/control/configuration_table.h"
#include "core/control/goals.h"

#include <string>

namespace awb::core {

// Why no configuration of `table` can meet `goals` even as profiled (ξ = 1, nothing else
// running), or an empty string when one can. A run with such goals could only miss them, so the
// live run refuses them up front and says what the candidates can do instead. Judged per input:
// a configuration answers by the deadline when its first output is ready by then; an anytime
// model runs on to its last output that fits; energy is the profiled active power over that time
// plus `idlePowerW` over the rest of the period (J).
std::string infeasibilityReason(const ConfigurationTable& table, const Goals& goals, double idlePowerW);

} // namespace awb::core
