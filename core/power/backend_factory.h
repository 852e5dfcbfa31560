#pragma once

#include "core/power/emulated_backend.h"
#include "core/power/power_backend.h"

#include <memory>
#include <string>

namespace awb::core {

struct OpenedBackend {
    std::unique_ptr<PowerBackend> backend;
    // Why "auto" passed over the backends it did not pick ("rapl: permission denied writing
    // …; alertwb-powerd: …; nvml: libnvidia-ml.so.1 not found …"), or the route RAPL takes
    // ("using alertwb-powerd at /run/alertwb/powerd.sock"); otherwise empty.
    std::string note;
};

// name: "rapl", "nvml" (GPU gpuIndex), "emulated" (with `profile`) or "auto". An explicit name
// throws PowerError with the reason when that backend is unavailable here. RAPL is reached
// directly in sysfs when this process can write the limits, else through alertwb-powerd when
// the process is not root and the daemon admits it (PowerdBackend; `note` then says "using
// alertwb-powerd at …"). "auto" takes RAPL when it can set caps by either route, else NVML
// when it can, else the emulated backend, and says why in `note`, so that falling back to a
// model is never silent. Unknown names throw
// std::invalid_argument. Threading: no shared state.
OpenedBackend openPowerBackend(
    const std::string& name, unsigned int gpuIndex = 0, const EmulatedDeviceProfile& profile = {});

} // namespace awb::core
