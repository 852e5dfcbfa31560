#pragma once

#include "core/power/nvml_probe.h"
#include "core/power/power_backend.h"

#include <memory>
#include <mutex>

namespace awb::core {

// One NVIDIA GPU through NVML, loaded at run time with dlopen (nvmlLibraryName():
// libnvidia-ml.so.1, or $ALERTWB_NVML_LIBRARY), so the program builds and runs where no
// driver is installed; the constructor then throws PowerError saying why.
//
// - Cap: nvmlDeviceSetPowerManagementLimit (mW; root; not persistent across driver reloads),
//   read back with nvmlDeviceGetEnforcedPowerLimit, which is what capW() reports. The range
//   is nvmlDeviceGetPowerManagementLimitConstraints, step 1 W.
// - Energy: nvmlDeviceGetTotalEnergyConsumption (mJ since driver load, Volta or newer). The
//   driver refreshes it every ~20-100 ms, so a window shorter than ~100 ms can read 0:
//   measure energy over windows of at least minEnergyWindowS() (1 s) holding many inferences,
//   and divide.
// Threading: safe from any thread; calls into NVML are serialised by one mutex.
class NvmlBackend final : public PowerBackend {
public:
    explicit NvmlBackend(unsigned int gpuIndex = 0, const std::string& libraryName = nvmlLibraryName());
    // The GPU whose UUID is `uuid` (restoring a recorded cap after a crash must hit the same
    // board even if indexes changed). Throws PowerTargetMissing when no GPU has it.
    static std::unique_ptr<NvmlBackend> openByUuid(
        const std::string& uuid, const std::string& libraryName = nvmlLibraryName());
    ~NvmlBackend() override;
    NvmlBackend(const NvmlBackend&) = delete;
    NvmlBackend& operator=(const NvmlBackend&) = delete;

    std::string name() const override { return "nvml"; }
    std::string deviceDescription() const override;
    bool isEmulated() const override { return false; }
    BackendAvailability availability() const override;

    PowerCapRange capRange() const override { return m_range; }
    double setCapW(double capW) override;
    double capW() const override;

    double energyJ() override;
    // A 64-bit mJ counter does not wrap in practice.
    double energySamplingPeriodS() const override { return kNoWraparound; }
    // Ten update periods of the slowest drivers: quantisation stays under 10 %.
    double minEnergyWindowS() const override { return 1.0; }
    double counterEnergyJ() const override;

    CapSnapshot snapshotCaps() const override;
    void restoreCaps(const CapSnapshot& snapshot) override;

    unsigned int gpuIndex() const { return m_gpuIndex; }
    const std::string& uuid() const { return m_uuid; }

private:
    struct Library;
    NvmlBackend(const std::string& libraryName, unsigned int gpuIndex, const std::string& uuid);
    // Polls the enforced limit until it equals limitMw or about a second has passed; returns the
    // last reading (mW). Callers hold m_mutex.
    unsigned int awaitEnforcedLimitMw(unsigned int limitMw) const;

    std::unique_ptr<Library> m_library;
    void* m_device = nullptr; // nvmlDevice_t, owned by NVML
    unsigned int m_gpuIndex = 0;
    std::string m_uuid;
    std::string m_gpuName;
    PowerCapRange m_range;
    unsigned long long m_startEnergyMj = 0;
    mutable std::mutex m_mutex;
};

} // namespace awb::core
