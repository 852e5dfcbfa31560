#include "core/power/backend_probe.h"

#include "core/power/emulated_backend.h"
#include "core/power/nvml_backend.h"
#include "core/power/nvml_probe.h"
#include "core/power/rapl_backend.h"
#include "core/power/rapl_probe.h"

namespace awb::core {

// A probe that found the interface usable is confirmed by opening the backend the profiler
// would open: it needs more than the probe checks (RAPL: max_energy_range_uj and the limit
// files; NVML: limit constraints and the energy counter of GPU 0, which pre-Volta boards
// lack). `doctor` then never calls usable what `profile` would refuse.
template <typename Backend, typename... Arguments>
static void confirmWithBackend(BackendAvailability& availability, Arguments&&... arguments)
{
    if (!availability.usable)
        return;
    try {
        Backend backend(std::forward<Arguments>(arguments)...);
    } catch (const PowerError& error) {
        availability.usable = false;
        availability.canSetCap = false;
        availability.reason = error.what();
    }
}

std::vector<BackendAvailability> probePowerBackends()
{
    auto rapl = probeRapl(powercapRoot());
    confirmWithBackend<RaplBackend>(rapl, powercapRoot());
    auto nvml = probeNvml(nvmlLibraryName());
    confirmWithBackend<NvmlBackend>(nvml, 0u, nvmlLibraryName());
    // The default profile; a store's device.emulation_json may hold another.
    return { rapl, nvml, EmulatedBackend().availability() };
}

} // namespace awb::core
