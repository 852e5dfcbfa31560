// The NVML backend against a real NVIDIA driver: a check to run on a machine with a GPU (none
// is needed to build or test the workbench). Built standalone by bench/device/nvml_check.sh
// from the backend's own sources, so what it exercises is exactly the shipped code.
//
// It prints what `power status` would (device, cap range, cap in force), measures the energy
// counter over windows while the GPU idles and while a load (started by the script) runs, sets
// the lowest cap and reads back what the driver enforces, measures power under the cap, and
// puts the original cap back through snapshotCaps()/restoreCaps(), then reads it again.
#include "core/power/nvml_backend.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <thread>

using namespace awb::core;

namespace {

double windowPowerW(PowerBackend& backend, double seconds)
{
    const double startJ = backend.energyJ();
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const double energyJ = backend.energyJ() - startJ;
    return energyJ / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool loadRunning(const char* flagFile) { return std::ifstream(flagFile).good(); }

} // namespace

int main(int argc, char** argv)
{
    const char* loadFlag = argc > 1 ? argv[1] : "/tmp/gpu-load-running";
    try {
        NvmlBackend backend(0);
        const BackendAvailability availability = backend.availability();
        std::printf("device: %s\n", backend.deviceDescription().c_str());
        std::printf("usable: %d, can set cap: %d, reason: %s\n", availability.usable, availability.canSetCap,
            availability.reason.c_str());
        std::printf("cap range: %s\n", backend.capRange().describe().c_str());
        std::printf("cap in force: %.3f W\n", backend.capW());
        std::printf("energy counter: %.3f J (since driver load)\n", backend.counterEnergyJ());
        std::printf("power over %.1f s windows: %.1f W (load %s)\n", backend.minEnergyWindowS() * 2,
            windowPowerW(backend, backend.minEnergyWindowS() * 2), loadRunning(loadFlag) ? "running" : "not running");

        const CapSnapshot original = backend.snapshotCaps();
        std::printf("snapshot: %.3f W (%zu setting(s))\n", original.capW, original.settings.size());
        if (!availability.canSetCap) {
            std::printf("setting caps is not possible here: %s\n", availability.reason.c_str());
            return 0;
        }
        const double lowW = backend.capRange().minW;
        try {
            const double enforcedW = backend.setCapW(lowW);
            std::printf("set %.1f W -> enforced %.3f W (read back %.3f W)\n", lowW, enforcedW, backend.capW());
            std::printf("power under the cap over 2 s: %.1f W (load %s)\n", windowPowerW(backend, 2.0),
                loadRunning(loadFlag) ? "running" : "not running");
        } catch (const std::exception& error) {
            std::printf("setting the cap was refused: %s\n", error.what());
        }
        backend.restoreCaps(original);
        std::printf("restored: cap in force %.3f W (original %.3f W)\n", backend.capW(), original.capW);
        return 0;
    } catch (const std::exception& error) {
        std::printf("nvml unavailable: %s\n", error.what());
        return 1;
    }
}
