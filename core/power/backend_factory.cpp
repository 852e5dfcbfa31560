#include "core/power/backend_factory.h"

#include "core/power/nvml_backend.h"
#include "core/power/power_route.h"
#include "core/power/rapl_backend.h"

#include <stdexcept>

namespace awb::core {

OpenedBackend openPowerBackend(const std::string& name, unsigned int gpuIndex, const EmulatedDeviceProfile& profile)
{
    if (name == "rapl") {
        // Direct sysfs, else alertwb-powerd; when neither can set caps, the direct backend
        // still measures energy where energy_uj is readable (and throws its reason otherwise).
        PowerRoute route;
        try {
            auto backend = openRaplRoute(&route);
            return { std::move(backend), route.kind == PowerRoute::Kind::Powerd ? "using " + route.description : "" };
        } catch (const PowerError&) {
            return { std::make_unique<RaplBackend>(), route.reason };
        }
    }
    if (name == "nvml")
        return { std::make_unique<NvmlBackend>(gpuIndex), {} };
    if (name == "emulated")
        return { std::make_unique<EmulatedBackend>(profile), {} };
    if (name != "auto")
        throw std::invalid_argument("unknown power backend \"" + name + "\" (auto, rapl, nvml or emulated)");

    std::string note;
    const auto passOver = [&note](const std::string& backend, const std::string& why) {
        note += (note.empty() ? "" : "; ") + backend + ": " + why;
    };
    PowerRoute route;
    try {
        auto rapl = openRaplRoute(&route);
        return { std::move(rapl), route.kind == PowerRoute::Kind::Powerd ? "using " + route.description : note };
    } catch (const PowerError&) {
        note = route.reason; // "rapl: …; alertwb-powerd: …"
    }
    try {
        auto nvml = std::make_unique<NvmlBackend>(gpuIndex);
        if (const auto availability = nvml->availability(); availability.canSetCap)
            return { std::move(nvml), note };
        else
            passOver("nvml", availability.reason);
    } catch (const PowerError& error) {
        passOver("nvml", error.what());
    }
    return { std::make_unique<EmulatedBackend>(profile), "using the emulated backend (" + note + ")" };
}

} // namespace awb::core
