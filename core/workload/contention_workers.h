#pragma once

// The loops a contention worker thread runs. Internal to awb_workload: callers use
// ContentionInjector (contention_injector.h), which owns the threads and their controls.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace awb::core::detail {

// Shared between one worker thread and the thread that owns it. The owner sets `go` once the
// thread is pinned, and `stop` when the phase ends; the worker reports its progress.
struct WorkerControl {
    std::atomic<bool> go { false };
    std::atomic<bool> stop { false };
    std::atomic<std::uint64_t> chunks { 0 }; // finished work chunks (a few ms of work each)
    std::atomic<int> lastCpu { -1 }; // sched_getcpu() after the latest chunk
};

// The three arrays of a STREAM triad, a[i] = b[i] + s·c[i]. Allocated by the owner (so an
// allocation failure reaches the caller, not a worker thread) and touched first by the worker.
struct TriadArrays {
    std::unique_ptr<double[]> a;
    std::unique_ptr<double[]> b;
    std::unique_ptr<double[]> c;
    std::size_t count = 0; // doubles per array
};

// `bytesPerArray` rounded down to whole doubles (at least one chunk's worth). Memory is not
// touched here: the pages are faulted in by the worker, in chunks, so stopping stays prompt.
TriadArrays allocateTriadArrays(std::size_t bytesPerArray);

// Doubles per chunk of the triad: 512 Ki doubles = 4 MiB per array, 12 MiB of traffic per chunk,
// about 1–3 ms at the 5–10 GB/s one core streams, so `stop` is seen within milliseconds.
inline constexpr std::size_t kTriadChunkDoubles = std::size_t { 1 } << 19;

// Waits for `go`, then streams the triad over `arrays` until `stop`: bandwidth-bound load whose
// working set (3 arrays) is far larger than the last-level cache, so it also evicts the cache.
void runMemoryWorker(WorkerControl& control, TriadArrays& arrays) noexcept;

// Waits for `go`, then runs two chains of dependent floating-point multiply-adds in registers
// until `stop`: occupies a core's arithmetic units and touches no memory.
void runComputeWorker(WorkerControl& control) noexcept;

} // namespace awb::core::detail
