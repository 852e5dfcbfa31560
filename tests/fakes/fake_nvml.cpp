// A stand-in for libnvidia-ml.so.1 with the real C signatures of the entry points the
// workbench calls. Tests point ALERTWB_NVML_LIBRARY at it. Its state lives in the text file
// named by $ALERTWB_FAKE_NVML_STATE ("key value" lines, re-read on every call and rewritten
// on every set), so a test can shape the GPU, change its energy counter between calls, and
// see what another process (a killed CLI, the restore at the next start) left behind.
// Without that variable it serves one GPU from built-in values. Keys, per GPU i:
//   count, init_status, gpu<i>.name, gpu<i>.uuid, gpu<i>.min_mw, gpu<i>.max_mw,
//   gpu<i>.limit_mw, gpu<i>.other_limit_mw (0 = none; enforced = min(limit, other)),
//   gpu<i>.energy_mj, gpu<i>.energy_status, gpu<i>.set_status,
//   gpu<i>.enforce_lag_reads (after a set, that many enforced-limit reads still show the
//   previous limit, as a real driver applying the limit asynchronously does).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>

namespace {

using State = std::map<std::string, std::string>;

constexpr int kSuccess = 0;
constexpr int kUninitialized = 1;
constexpr int kInvalidArgument = 2;
constexpr int kInsufficientSize = 7;

int g_initCount = 0; // nvmlInit/nvmlShutdown reference count, per process like the real one

const char* statePath()
{
    const char* path = std::getenv("ALERTWB_FAKE_NVML_STATE");
    return path && *path ? path : nullptr;
}

State defaults()
{
    return { { "count", "1" }, { "init_status", "0" }, { "gpu0.name", "NVIDIA A100-SXM4-40GB" },
        { "gpu0.uuid", "GPU-11111111-2222-3333-4444-555555555555" }, { "gpu0.min_mw", "100000" },
        { "gpu0.max_mw", "400000" }, { "gpu0.limit_mw", "400000" }, { "gpu0.energy_mj", "1000000" } };
}

State& memoryState()
{
    static State state = defaults();
    return state;
}

State load()
{
    const char* path = statePath();
    if (!path)
        return memoryState();
    State state = defaults();
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        const auto space = line.find(' ');
        if (space != std::string::npos)
            state[line.substr(0, space)] = line.substr(space + 1);
    }
    return state;
}

void save(const State& state)
{
    const char* path = statePath();
    if (!path) {
        memoryState() = state;
        return;
    }
    std::ofstream out(path, std::ios::trunc);
    for (const auto& [key, value] : state)
        out << key << ' ' << value << '\n';
}

long long number(const State& state, const std::string& key, long long fallback = 0)
{
    const auto it = state.find(key);
    return it == state.end() ? fallback : std::atoll(it->second.c_str());
}

std::string gpuKey(void* device, const char* field)
{
    const auto index = reinterpret_cast<std::uintptr_t>(device) - 1;
    return "gpu" + std::to_string(index) + "." + field;
}

// NVML_ERROR_INVALID_ARGUMENT for a handle we never gave out, UNINITIALIZED before nvmlInit.
int checkDevice(const State& state, void* device)
{
    if (g_initCount == 0)
        return kUninitialized;
    const auto index = reinterpret_cast<std::uintptr_t>(device);
    if (index == 0 || static_cast<long long>(index) > number(state, "count"))
        return kInvalidArgument;
    return kSuccess;
}

int copyText(const std::string& text, char* buffer, unsigned int length)
{
    if (text.size() + 1 > length)
        return kInsufficientSize;
    std::memcpy(buffer, text.c_str(), text.size() + 1);
    return kSuccess;
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) const char* nvmlErrorString(int result)
{
    switch (result) {
    case 0:
        return "Success";
    case 1:
        return "Uninitialized";
    case 2:
        return "Invalid Argument";
    case 3:
        return "Not Supported";
    case 4:
        return "Insufficient Permissions";
    case 7:
        return "Insufficient Size";
    default:
        return "Unknown Error";
    }
}

__attribute__((visibility("default"))) int nvmlInit_v2()
{
    const int status = static_cast<int>(number(load(), "init_status"));
    if (status == kSuccess)
        ++g_initCount;
    return status;
}

__attribute__((visibility("default"))) int nvmlShutdown()
{
    if (g_initCount == 0)
        return kUninitialized;
    --g_initCount;
    return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetCount_v2(unsigned int* count)
{
    if (g_initCount == 0)
        return kUninitialized;
    *count = static_cast<unsigned int>(number(load(), "count"));
    return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void** device)
{
    if (g_initCount == 0)
        return kUninitialized;
    if (index >= number(load(), "count"))
        return kInvalidArgument;
    *device = reinterpret_cast<void*>(static_cast<std::uintptr_t>(index) + 1);
    return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetName(void* device, char* name, unsigned int length)
{
    const State state = load();
    if (const int status = checkDevice(state, device); status != kSuccess)
        return status;
    return copyText(
        state.count(gpuKey(device, "name")) ? state.at(gpuKey(device, "name")) : "NVIDIA Fake GPU", name, length);
}

__attribute__((visibility("default"))) int nvmlDeviceGetUUID(void* device, char* uuid, unsigned int length)
{
    const State state = load();
    if (const int status = checkDevice(state, device); status != kSuccess)
        return status;
    const std::string fallback = "GPU-fake-" + std::to_string(reinterpret_cast<std::uintptr_t>(device) - 1);
    return copyText(state.count(gpuKey(device, "uuid")) ? state.at(gpuKey(device, "uuid")) : fallback, uuid, length);
}

__attribute__((visibility("default"))) int nvmlDeviceGetPowerManagementLimitConstraints(
    void* device, unsigned int* minLimit, unsigned int* maxLimit)
{
    const State state = load();
    if (const int status = checkDevice(state, device); status != kSuccess)
        return status;
    *minLimit = static_cast<unsigned int>(number(state, gpuKey(device, "min_mw"), 100000));
    *maxLimit = static_cast<unsigned int>(number(state, gpuKey(device, "max_mw"), 400000));
    return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetPowerManagementLimit(void* device, unsigned int* limit)
{
    const State state = load();
    if (const int status = checkDevice(state, device); status != kSuccess)
        return status;
    *limit = static_cast<unsigned int>(number(state, gpuKey(device, "limit_mw"), 400000));
    return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetEnforcedPowerLimit(void* device, unsigned int* limit)
{
    const State state = load();
    if (const int status = checkDevice(state, device); status != kSuccess)
        return status;
    long long enforced = number(state, gpuKey(device, "limit_mw"), 400000);
    if (const long long lagLeft = number(state, gpuKey(device, "lag_left")); lagLeft > 0) {
        enforced = number(state, gpuKey(device, "previous_limit_mw"), enforced);
        State updated = state;
        updated[gpuKey(device, "lag_left")] = std::to_string(lagLeft - 1);
        save(updated);
    }
    if (const long long other = number(state, gpuKey(device, "other_limit_mw")); other > 0 && other < enforced)
        enforced = other;
    *limit = static_cast<unsigned int>(enforced);
    return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceSetPowerManagementLimit(void* device, unsigned int limit)
{
    State state = load();
    if (const int status = checkDevice(state, device); status != kSuccess)
        return status;
    if (const int status = static_cast<int>(number(state, gpuKey(device, "set_status"))); status != kSuccess)
        return status;
    if (limit < number(state, gpuKey(device, "min_mw"), 100000)
        || limit > number(state, gpuKey(device, "max_mw"), 400000))
        return kInvalidArgument;
    state[gpuKey(device, "previous_limit_mw")] = std::to_string(number(state, gpuKey(device, "limit_mw"), 400000));
    state[gpuKey(device, "lag_left")] = std::to_string(number(state, gpuKey(device, "enforce_lag_reads")));
    state[gpuKey(device, "limit_mw")] = std::to_string(limit);
    save(state);
    return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetTotalEnergyConsumption(void* device, unsigned long long* energy)
{
    const State state = load();
    if (const int status = checkDevice(state, device); status != kSuccess)
        return status;
    if (const int status = static_cast<int>(number(state, gpuKey(device, "energy_status"))); status != kSuccess)
        return status;
    *energy = static_cast<unsigned long long>(number(state, gpuKey(device, "energy_mj")));
    return kSuccess;
}

} // extern "C"
