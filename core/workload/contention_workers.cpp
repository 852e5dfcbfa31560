#include "core/workload/contention_workers.h"

#include <algorithm>
#include <sched.h>

namespace awb::core::detail {

namespace {

    // Blocks (futex wait, no spinning) until the owner says go; false when told to stop instead.
    bool waitForGo(WorkerControl& control)
    {
        control.go.wait(false, std::memory_order_acquire);
        return !control.stop.load(std::memory_order_relaxed);
    }

    void finishChunk(WorkerControl& control)
    {
        control.chunks.fetch_add(1, std::memory_order_relaxed);
        control.lastCpu.store(sched_getcpu(), std::memory_order_relaxed);
    }

    bool stopping(const WorkerControl& control) { return control.stop.load(std::memory_order_relaxed); }

} // namespace

TriadArrays allocateTriadArrays(std::size_t bytesPerArray)
{
    TriadArrays arrays;
    arrays.count = std::max(bytesPerArray / sizeof(double), kTriadChunkDoubles);
    // new double[n] (no value-initialisation): the kernel hands out untouched pages lazily.
    arrays.a.reset(new double[arrays.count]);
    arrays.b.reset(new double[arrays.count]);
    arrays.c.reset(new double[arrays.count]);
    return arrays;
}

void runMemoryWorker(WorkerControl& control, TriadArrays& arrays) noexcept
{
    if (!waitForGo(control))
        return;
    double* const a = arrays.a.get();
    double* const b = arrays.b.get();
    double* const c = arrays.c.get();
    const std::size_t n = arrays.count;
    // First touch, chunk by chunk: faulting in hundreds of MiB takes a fraction of a second.
    for (std::size_t begin = 0; begin < n && !stopping(control); begin += kTriadChunkDoubles) {
        const std::size_t end = std::min(n, begin + kTriadChunkDoubles);
        for (std::size_t i = begin; i < end; ++i) {
            a[i] = 0.0;
            b[i] = 1.0;
            c[i] = 2.0;
        }
    }
    const double scalar = 3.0;
    while (!stopping(control)) {
        for (std::size_t begin = 0; begin < n && !stopping(control); begin += kTriadChunkDoubles) {
            const std::size_t end = std::min(n, begin + kTriadChunkDoubles);
            for (std::size_t i = begin; i < end; ++i)
                a[i] = b[i] + scalar * c[i];
            finishChunk(control);
        }
    }
    // Read a result so the stores cannot be proven dead.
    volatile double sink = a[n / 2];
    (void)sink;
}

void runComputeWorker(WorkerControl& control) noexcept
{
    if (!waitForGo(control))
        return;
    double x = 1.0;
    double y = 1.0;
    while (!stopping(control)) {
        // 200,000 iterations of two dependent multiply-add chains: about 4 cycles per iteration
        // (the latency of a multiply plus an add), ≈ 0.3 ms at 3 GHz between checks of `stop`.
        for (int i = 0; i < 200000; ++i) {
            x = x * 0.9999999 + 1e-7;
            y = y * 1.0000001 - 1e-7;
        }
        finishChunk(control);
    }
    volatile double sink = x + y;
    (void)sink;
}

} // namespace awb::core::detail
