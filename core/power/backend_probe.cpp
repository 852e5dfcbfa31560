#include "core/power/backend_probe.h"

#include "core/power/nvml_probe.h"
#include "core/power/rapl_probe.h"

namespace awb::core {

static BackendAvailability probeEmulated()
{
    BackendAvailability result;
    result.name = "emulated";
    result.usable = true;
    result.canSetCap = true;
    result.emulated = true;
    result.detail = "a DVFS power model stands in for the cap; inference and contention stay real; every number it "
                    "produces is labelled emulated";
    return result;
}

std::vector<BackendAvailability> probePowerBackends()
{
    return { probeRapl(powercapRoot()), probeNvml(nvmlLibraryName()), probeEmulated() };
}

} // namespace awb::core
