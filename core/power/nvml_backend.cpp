#include "core/power/nvml_backend.h"

#include <chrono>
#include <cmath>
#include <thread>
#include <dlfcn.h>
#include <unistd.h>

namespace awb::core {

namespace {

    // How long setCapW waits for the driver to enforce a new limit, and how often it looks.
    constexpr double kEnforcementTimeoutS = 1.0;
    constexpr std::chrono::milliseconds kEnforcementPoll { 10 };

} // namespace

namespace {

    constexpr int kNvmlSuccess = 0;
    constexpr int kNvmlErrorNotSupported = 3;
    constexpr int kNvmlErrorNoPermission = 4;
    constexpr unsigned int kUuidBufferSize = 96; // NVML_DEVICE_UUID_V2_BUFFER_SIZE
    constexpr unsigned int kNameBufferSize = 96; // NVML_DEVICE_NAME_V2_BUFFER_SIZE
    constexpr double kMilli = 1e-3; // mW → W, mJ → J

} // namespace

// The NVML entry points we call, with the C signatures of nvml.h (nvmlReturn_t is an int
// enum, nvmlDevice_t an opaque pointer). Owns the dlopen handle and the nvmlInit reference.
struct NvmlBackend::Library {
    void* handle = nullptr;
    bool initialised = false;
    int (*init)() = nullptr;
    int (*shutdown)() = nullptr;
    const char* (*errorString)(int) = nullptr;
    int (*getCount)(unsigned int*) = nullptr;
    int (*getHandleByIndex)(unsigned int, void**) = nullptr;
    int (*getName)(void*, char*, unsigned int) = nullptr;
    int (*getUuid)(void*, char*, unsigned int) = nullptr;
    int (*getLimitConstraints)(void*, unsigned int*, unsigned int*) = nullptr;
    int (*getLimit)(void*, unsigned int*) = nullptr;
    int (*setLimit)(void*, unsigned int) = nullptr;
    int (*getEnforcedLimit)(void*, unsigned int*) = nullptr;
    int (*getTotalEnergy)(void*, unsigned long long*) = nullptr;

    ~Library()
    {
        if (initialised)
            shutdown();
        if (handle)
            dlclose(handle);
    }

    std::string describe(int status) const
    {
        std::string text = errorString ? errorString(status) : "NVML error " + std::to_string(status);
        if (status == kNvmlErrorNoPermission)
            text += " (setting a GPU power limit needs root)";
        return text;
    }

    // Throws PowerError naming the call when status is not NVML_SUCCESS.
    void check(int status, const std::string& call) const
    {
        if (status != kNvmlSuccess)
            throw PowerError(call + " failed: " + describe(status));
    }

    template <typename Function>
    void resolve(Function& function, const char* symbolName, const std::string& libraryName)
    {
        function = reinterpret_cast<Function>(dlsym(handle, symbolName));
        if (!function)
            throw PowerError("NVML unavailable: " + libraryName + " lacks " + symbolName + " (driver too old?)");
    }
};

std::unique_ptr<NvmlBackend> NvmlBackend::openByUuid(const std::string& uuid, const std::string& libraryName)
{
    return std::unique_ptr<NvmlBackend>(new NvmlBackend(libraryName, 0, uuid));
}

NvmlBackend::NvmlBackend(unsigned int gpuIndex, const std::string& libraryName)
    : NvmlBackend(libraryName, gpuIndex, std::string())
{
}

NvmlBackend::NvmlBackend(const std::string& libraryName, unsigned int gpuIndex, const std::string& uuid)
    : m_library(std::make_unique<Library>())
    , m_gpuIndex(gpuIndex)
{
    Library& nvml = *m_library;
    nvml.handle = dlopen(libraryName.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!nvml.handle) {
        const char* why = dlerror();
        throw PowerError("NVML unavailable: " + libraryName + " not found (no NVIDIA driver installed)"
            + (why ? std::string(": ") + why : std::string()));
    }
    nvml.errorString = reinterpret_cast<const char* (*)(int)>(dlsym(nvml.handle, "nvmlErrorString"));
    nvml.resolve(nvml.init, "nvmlInit_v2", libraryName);
    nvml.resolve(nvml.shutdown, "nvmlShutdown", libraryName);
    nvml.resolve(nvml.getCount, "nvmlDeviceGetCount_v2", libraryName);
    nvml.resolve(nvml.getHandleByIndex, "nvmlDeviceGetHandleByIndex_v2", libraryName);
    nvml.resolve(nvml.getName, "nvmlDeviceGetName", libraryName);
    nvml.resolve(nvml.getUuid, "nvmlDeviceGetUUID", libraryName);
    nvml.resolve(nvml.getLimitConstraints, "nvmlDeviceGetPowerManagementLimitConstraints", libraryName);
    nvml.resolve(nvml.getLimit, "nvmlDeviceGetPowerManagementLimit", libraryName);
    nvml.resolve(nvml.setLimit, "nvmlDeviceSetPowerManagementLimit", libraryName);
    nvml.resolve(nvml.getEnforcedLimit, "nvmlDeviceGetEnforcedPowerLimit", libraryName);
    nvml.resolve(nvml.getTotalEnergy, "nvmlDeviceGetTotalEnergyConsumption", libraryName);
    nvml.check(nvml.init(), "nvmlInit");
    nvml.initialised = true;

    unsigned int count = 0;
    nvml.check(nvml.getCount(&count), "nvmlDeviceGetCount");
    const auto deviceUuid = [&](void* device) {
        char text[kUuidBufferSize] = {};
        nvml.check(nvml.getUuid(device, text, sizeof text), "nvmlDeviceGetUUID");
        return std::string(text);
    };
    if (uuid.empty()) {
        if (gpuIndex >= count) {
            throw PowerError("NVML unavailable: GPU " + std::to_string(gpuIndex) + " does not exist (NVML reports "
                + std::to_string(count) + " GPU" + (count == 1 ? ")" : "s)"));
        }
        nvml.check(nvml.getHandleByIndex(gpuIndex, &m_device), "nvmlDeviceGetHandleByIndex");
        m_uuid = deviceUuid(m_device);
    } else {
        for (unsigned int index = 0; index < count && m_uuid.empty(); ++index) {
            void* device = nullptr;
            nvml.check(nvml.getHandleByIndex(index, &device), "nvmlDeviceGetHandleByIndex");
            if (deviceUuid(device) == uuid) {
                m_device = device;
                m_gpuIndex = index;
                m_uuid = uuid;
            }
        }
        if (m_uuid.empty())
            throw PowerTargetMissing("NVML reports no GPU with UUID " + uuid);
    }
    char gpuName[kNameBufferSize] = {};
    nvml.check(nvml.getName(m_device, gpuName, sizeof gpuName), "nvmlDeviceGetName");
    m_gpuName = gpuName;

    unsigned int minMw = 0;
    unsigned int maxMw = 0;
    if (const int status = nvml.getLimitConstraints(m_device, &minMw, &maxMw); status != kNvmlSuccess) {
        throw PowerError("GPU " + std::to_string(m_gpuIndex) + " offers no power limit: "
            + "nvmlDeviceGetPowerManagementLimitConstraints failed: " + nvml.describe(status));
    }
    m_range.minW = minMw * kMilli;
    m_range.maxW = maxMw * kMilli;
    m_range.stepW = 1.0;
    if (const int status = nvml.getTotalEnergy(m_device, &m_startEnergyMj); status != kNvmlSuccess) {
        throw PowerError("GPU " + std::to_string(m_gpuIndex)
            + " has no energy counter: " + "nvmlDeviceGetTotalEnergyConsumption failed: " + nvml.describe(status)
            + (status == kNvmlErrorNotSupported ? " (needs a Volta or newer GPU)" : ""));
    }
}

NvmlBackend::~NvmlBackend() = default;

std::string NvmlBackend::deviceDescription() const
{
    return "GPU " + std::to_string(m_gpuIndex) + ": " + m_gpuName + " (" + m_uuid + ")";
}

BackendAvailability NvmlBackend::availability() const
{
    BackendAvailability result;
    result.name = name();
    result.usable = true;
    result.canSetCap = geteuid() == 0;
    if (!result.canSetCap)
        result.reason = "setting a GPU power limit needs root";
    result.detail = deviceDescription();
    return result;
}

double NvmlBackend::setCapW(double capW)
{
    if (!m_range.contains(capW))
        throw PowerCapRangeError("cap " + formatPowerW(capW) + " is outside the NVML range " + m_range.describe());
    const auto limitMw = static_cast<unsigned int>(std::llround(capW / kMilli));
    std::lock_guard lock(m_mutex);
    m_library->check(m_library->setLimit(m_device, limitMw),
        "nvmlDeviceSetPowerManagementLimit(GPU " + std::to_string(m_gpuIndex) + ", " + std::to_string(limitMw)
            + " mW)");
    return awaitEnforcedLimitMw(limitMw) * kMilli;
}

unsigned int NvmlBackend::awaitEnforcedLimitMw(unsigned int limitMw) const
{
    // The driver applies a new limit asynchronously: on an H100 (driver 580) the enforced limit
    // read right after the set still showed the old value. Poll until it shows the request, or
    // until kEnforcementTimeoutS has passed (another limit in force can keep it lower for good).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(kEnforcementTimeoutS);
    unsigned int enforcedMw = 0;
    for (;;) {
        m_library->check(m_library->getEnforcedLimit(m_device, &enforcedMw), "nvmlDeviceGetEnforcedPowerLimit");
        if (enforcedMw == limitMw || std::chrono::steady_clock::now() >= deadline)
            return enforcedMw;
        std::this_thread::sleep_for(kEnforcementPoll);
    }
}

double NvmlBackend::capW() const
{
    std::lock_guard lock(m_mutex);
    unsigned int enforcedMw = 0;
    m_library->check(m_library->getEnforcedLimit(m_device, &enforcedMw), "nvmlDeviceGetEnforcedPowerLimit");
    return enforcedMw * kMilli;
}

double NvmlBackend::energyJ()
{
    const double totalJ = counterEnergyJ();
    return totalJ - static_cast<double>(m_startEnergyMj) * kMilli;
}

double NvmlBackend::counterEnergyJ() const
{
    std::lock_guard lock(m_mutex);
    unsigned long long totalMj = 0;
    m_library->check(m_library->getTotalEnergy(m_device, &totalMj), "nvmlDeviceGetTotalEnergyConsumption");
    return static_cast<double>(totalMj) * kMilli;
}

CapSnapshot NvmlBackend::snapshotCaps() const
{
    std::lock_guard lock(m_mutex);
    // The configured limit is what SetPowerManagementLimit changes; the enforced one can be
    // lower because of other limits we never touch.
    unsigned int limitMw = 0;
    unsigned int enforcedMw = 0;
    m_library->check(m_library->getLimit(m_device, &limitMw), "nvmlDeviceGetPowerManagementLimit");
    m_library->check(m_library->getEnforcedLimit(m_device, &enforcedMw), "nvmlDeviceGetEnforcedPowerLimit");
    CapSnapshot snapshot;
    snapshot.backend = name();
    snapshot.capW = enforcedMw * kMilli;
    snapshot.settings.push_back({ "nvml", m_uuid, static_cast<std::int64_t>(limitMw), "mW" });
    return snapshot;
}

void NvmlBackend::restoreCaps(const CapSnapshot& snapshot)
{
    std::lock_guard lock(m_mutex);
    for (const auto& setting : snapshot.settings) {
        if (setting.kind != "nvml" || setting.target != m_uuid)
            throw PowerError("GPU " + m_uuid + " cannot restore the " + setting.kind + " setting of " + setting.target);
        const auto limitMw = static_cast<unsigned int>(setting.value);
        m_library->check(m_library->setLimit(m_device, limitMw),
            "nvmlDeviceSetPowerManagementLimit(GPU " + std::to_string(m_gpuIndex) + ", " + std::to_string(limitMw)
                + " mW)");
        unsigned int readMw = 0;
        m_library->check(m_library->getLimit(m_device, &readMw), "nvmlDeviceGetPowerManagementLimit");
        if (readMw != limitMw) {
            throw PowerError("set GPU " + std::to_string(m_gpuIndex) + " limit to " + std::to_string(limitMw)
                + " mW but it reads back " + std::to_string(readMw) + " mW");
        }
        // So that what reads the cap next (power status, a restart) sees the restored limit.
        awaitEnforcedLimitMw(limitMw);
    }
}

} // namespace awb::core
