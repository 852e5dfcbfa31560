#include "core/power/backend_factory.h"

#include "core/power/nvml_backend.h"
#include "core/power/rapl_backend.h"

#include <stdexcept>

namespace awb::core {

OpenedBackend openPowerBackend(const std::string& name, unsigned int gpuIndex, const EmulatedDeviceProfile& profile)
{
    if (name == "rapl")
        return { std::make_unique<RaplBackend>(), {} };
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
    try {
        auto rapl = std::make_unique<RaplBackend>();
        if (const auto availability = rapl->availability(); availability.canSetCap)
            return { std::move(rapl), note };
        else
            passOver("rapl", availability.reason);
    } catch (const PowerError& error) {
        passOver("rapl", error.what());
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
