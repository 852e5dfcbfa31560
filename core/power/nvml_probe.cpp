#include "core/power/nvml_probe.h"

#include <cstdlib>
#include <dlfcn.h>
#include <unistd.h>

namespace awb::core {

namespace {

    // The few NVML entry points the probe needs, with the C signatures of nvml.h
    // (return type nvmlReturn_t is an int enum; 0 is NVML_SUCCESS).
    using NvmlInit = int (*)();
    using NvmlShutdown = int (*)();
    using NvmlDeviceGetCount = int (*)(unsigned int*);
    using NvmlDeviceGetHandleByIndex = int (*)(unsigned int, void**);
    using NvmlDeviceGetName = int (*)(void*, char*, unsigned int);
    using NvmlErrorString = const char* (*)(int);

    constexpr int kNvmlSuccess = 0;

    struct LibraryHandle {
        void* handle = nullptr;
        ~LibraryHandle()
        {
            if (handle)
                dlclose(handle);
        }
    };

    template <typename Function>
    Function symbol(void* handle, const char* name)
    {
        return reinterpret_cast<Function>(dlsym(handle, name));
    }

} // namespace

std::string nvmlLibraryName()
{
    if (const char* name = std::getenv("ALERTWB_NVML_LIBRARY"); name && *name)
        return name;
    return "libnvidia-ml.so.1";
}

BackendAvailability probeNvml(const std::string& libraryName)
{
    BackendAvailability result;
    result.name = "nvml";
    LibraryHandle library { dlopen(libraryName.c_str(), RTLD_NOW | RTLD_LOCAL) };
    if (!library.handle) {
        const char* why = dlerror();
        result.reason = libraryName + " not found (no NVIDIA driver installed)" + (why ? std::string(": ") + why : "");
        return result;
    }
    const auto init = symbol<NvmlInit>(library.handle, "nvmlInit_v2");
    const auto shutdown = symbol<NvmlShutdown>(library.handle, "nvmlShutdown");
    const auto getCount = symbol<NvmlDeviceGetCount>(library.handle, "nvmlDeviceGetCount_v2");
    const auto getHandle = symbol<NvmlDeviceGetHandleByIndex>(library.handle, "nvmlDeviceGetHandleByIndex_v2");
    const auto getName = symbol<NvmlDeviceGetName>(library.handle, "nvmlDeviceGetName");
    const auto errorString = symbol<NvmlErrorString>(library.handle, "nvmlErrorString");
    if (!init || !shutdown || !getCount || !getHandle || !getName) {
        result.reason = libraryName + " lacks the NVML entry points this program needs (driver too old?)";
        return result;
    }
    const auto describe = [&](int status) {
        return errorString ? std::string(errorString(status)) : "NVML error " + std::to_string(status);
    };
    if (const int status = init(); status != kNvmlSuccess) {
        result.reason = "nvmlInit failed: " + describe(status);
        return result;
    }
    unsigned int count = 0;
    if (const int status = getCount(&count); status != kNvmlSuccess || count == 0) {
        result.reason = status != kNvmlSuccess ? "nvmlDeviceGetCount failed: " + describe(status) : "NVML reports no GPU";
        shutdown();
        return result;
    }
    for (unsigned int index = 0; index < count; ++index) {
        void* device = nullptr;
        char name[96] = {};
        if (getHandle(index, &device) == kNvmlSuccess && getName(device, name, sizeof name) == kNvmlSuccess)
            result.detail += (result.detail.empty() ? "" : ", ") + std::string("GPU ") + std::to_string(index) + ": " + name;
    }
    shutdown();
    result.usable = true;
    result.canSetCap = geteuid() == 0;
    if (!result.canSetCap)
        result.reason = "setting a GPU power limit needs root";
    return result;
}

} // namespace awb::core
