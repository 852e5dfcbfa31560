#pragma once

// Real co-running load for live runs: memory-bound or compute-bound worker threads started and
// stopped on a schedule keyed by input index (`memory@500-1000,compute@1500-2000`, parsed by
// core/control's parseContentionSpec).
//
// Threading: one thread (the live loop) owns the injector and calls onInput/stopAll; the
// injector owns its worker threads. Every path that ends a phase — the schedule, stopAll(), the
// destructor, an exception while starting a phase — sets the workers' stop flag and joins them,
// so no worker outlives the injector. Workers look at the flag every few milliseconds of work.

#include "core/control/contention_spec.h"
#include "core/workload/contention_workers.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace awb::core {

// The schedule: phases sorted by first input, non-overlapping. `alone` phases start nothing.
struct ContentionPlan {
    std::vector<ContentionPhase> phases;

    // parseContentionSpec's phases, sorted. Throws std::invalid_argument as the parser does.
    static ContentionPlan fromSpec(const std::string& spec);
};

// How hard the co-runners press.
struct ContentionIntensity {
    // Worker threads per phase; 0: one per core of `cores`, so by default one per core the
    // constructing thread may run on, and one of them shares the core that runs inference
    // whichever core the scheduler puts it on.
    int workers = 0;
    // Worker i is pinned (pthread_setaffinity_np) to cores[i % cores.size()]; empty: the cores
    // the constructing thread may run on, in order (so build the injector before pinning the live
    // loop's own thread, or name the cores).
    std::vector<int> cores;
    // Bytes of each of a memory worker's three arrays; 0: defaultMemoryArrayBytes(). Allocated
    // at the first memory phase and held until the injector is destroyed (3 × this × workers).
    std::size_t memoryArrayBytes = 0;
};

// The cores the calling thread may run on (sched_getaffinity), ascending.
std::vector<int> allowedCores();
// Bytes per triad array such that one memory worker's three arrays span at least twice the
// last-level cache, and at least 64 MiB each (3 × 64 MiB when the cache size is unknown).
std::size_t defaultMemoryArrayBytes();

enum class ContentionEventType { Start, Stop };
// "contention-start", "contention-stop": the kinds of RunEventRecord.
const char* toString(ContentionEventType type);

// What onInput/stopAll did, for the run log (RunEventRecord: kind = toString(type)).
struct ContentionEvent {
    ContentionEventType type = ContentionEventType::Start;
    ContentionKind kind = ContentionKind::Memory;
    std::int64_t inputIndex = 0;
    std::vector<int> cores; // one entry per worker: the core it is pinned to
    std::size_t arrayBytes = 0; // memory workers: bytes per array; 0 for compute
    std::string detail() const; // e.g. "memory: 2 workers on cores 0,1; 3 x 200 MiB arrays each"
};

// One running worker, as observed now.
struct ContentionWorkerStatus {
    ContentionKind kind = ContentionKind::Memory;
    int core = -1; // pinned to
    std::uint64_t chunks = 0; // work chunks finished (a few ms each)
    int lastCpu = -1; // the CPU it ran its latest chunk on; -1 before the first
};

class ContentionInjector {
public:
    // Throws std::invalid_argument for overlapping or empty phases, a negative worker count or a
    // core the machine does not have.
    explicit ContentionInjector(ContentionPlan plan, ContentionIntensity intensity = {});
    ~ContentionInjector(); // stops and joins every worker
    ContentionInjector(const ContentionInjector&) = delete;
    ContentionInjector& operator=(const ContentionInjector&) = delete;

    // Call before handling input `index`: stops the running phase if `index` lies outside it and
    // starts the phase that contains `index` (if any). Returns what it did, in order. Indices may
    // jump: a phase skipped over entirely is never started. If starting fails (thread creation,
    // pinning, allocation), the workers started so far are joined and the exception propagates;
    // a phase stopped by the same call is stopped, though its event goes with the return value.
    std::vector<ContentionEvent> onInput(std::int64_t index);
    // Stops the running phase (a stop event at the last index seen); nothing when none runs.
    std::vector<ContentionEvent> stopAll();

    ContentionKind activeKind() const; // Alone when no phase runs
    std::size_t activeWorkerCount() const;
    std::vector<ContentionWorkerStatus> workerStatus() const;
    const ContentionPlan& plan() const { return m_plan; }
    // The core of worker i, as resolved from the intensity.
    const std::vector<int>& workerCores() const { return m_workerCores; }
    std::size_t memoryArrayBytes() const { return m_arrayBytes; }

private:
    struct Worker;
    int phaseAt(std::int64_t index) const; // -1: none (or an alone phase)
    void start(int phase, std::int64_t index, std::vector<ContentionEvent>& events);
    void stopWorkers() noexcept;
    ContentionEvent eventOf(ContentionEventType type, ContentionKind kind, std::int64_t index) const;

    ContentionPlan m_plan;
    std::vector<int> m_workerCores;
    std::size_t m_arrayBytes = 0;
    // Worker i's triad arrays, allocated at the first memory phase and kept until destruction:
    // returning hundreds of MiB to the kernel takes tens of ms (measured, docs/live-runs.md),
    // which would stall the live loop at every stop. Declared before m_workers, so they are
    // destroyed after them (the destructor joins every worker before either goes anyway).
    std::vector<detail::TriadArrays> m_triadArrays;
    std::vector<std::unique_ptr<Worker>> m_workers;
    int m_activePhase = -1;
    std::int64_t m_lastIndex = 0;
};

} // namespace awb::core
