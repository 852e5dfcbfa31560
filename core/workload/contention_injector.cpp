#include "core/workload/contention_injector.h"

#include "core/workload/contention_workers.h"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <pthread.h>
#include <sched.h>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace awb::core {

namespace {

    constexpr std::size_t kMiB = std::size_t { 1 } << 20;

    // The last-level cache in bytes: glibc's sysconf, else sysfs; 0 when neither knows.
    std::size_t lastLevelCacheBytes()
    {
        const long fromSysconf = sysconf(_SC_LEVEL3_CACHE_SIZE);
        if (fromSysconf > 0)
            return static_cast<std::size_t>(fromSysconf);
        std::ifstream file("/sys/devices/system/cpu/cpu0/cache/index3/size"); // e.g. "307200K"
        std::size_t value = 0;
        char unit = 0;
        if (file >> value) {
            file >> unit;
            return unit == 'K' ? value << 10 : unit == 'M' ? value << 20 : value;
        }
        return 0;
    }

} // namespace

ContentionPlan ContentionPlan::fromSpec(const std::string& spec)
{
    ContentionPlan plan { parseContentionSpec(spec) };
    std::sort(plan.phases.begin(), plan.phases.end(),
        [](const ContentionPhase& x, const ContentionPhase& y) { return x.firstInput < y.firstInput; });
    return plan;
}

std::vector<int> allowedCores()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    std::vector<int> cores;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        throw std::system_error(errno, std::generic_category(), "sched_getaffinity");
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &set))
            cores.push_back(cpu);
    }
    return cores;
}

std::size_t defaultMemoryArrayBytes()
{
    // Three arrays of at least 2/3 of the cache each: the working set is twice the cache, so
    // every pass streams from memory rather than from a warm cache.
    const std::size_t fromCache = (2 * lastLevelCacheBytes() / 3 + kMiB - 1) / kMiB * kMiB;
    return std::max(64 * kMiB, fromCache);
}

const char* toString(ContentionEventType type)
{
    return type == ContentionEventType::Start ? "contention-start" : "contention-stop";
}

std::string ContentionEvent::detail() const
{
    std::string text = std::string(toString(kind)) + ": " + std::to_string(cores.size())
        + (cores.size() == 1 ? " worker on core " : " workers on cores ");
    for (std::size_t i = 0; i < cores.size(); ++i)
        text += (i ? "," : "") + std::to_string(cores[i]);
    if (kind == ContentionKind::Memory)
        text += "; 3 x " + std::to_string(arrayBytes / kMiB) + " MiB arrays each";
    return text;
}

struct ContentionInjector::Worker {
    ContentionKind kind = ContentionKind::Memory;
    int core = -1;
    detail::WorkerControl control;
    std::thread thread;
};

ContentionInjector::ContentionInjector(ContentionPlan plan, ContentionIntensity intensity)
    : m_plan(std::move(plan))
{
    std::sort(m_plan.phases.begin(), m_plan.phases.end(),
        [](const ContentionPhase& x, const ContentionPhase& y) { return x.firstInput < y.firstInput; });
    for (std::size_t i = 0; i < m_plan.phases.size(); ++i) {
        const ContentionPhase& phase = m_plan.phases[i];
        if (phase.firstInput < 0 || phase.endInput <= phase.firstInput)
            throw std::invalid_argument("contention phase " + std::to_string(phase.firstInput) + "-"
                + std::to_string(phase.endInput) + " is empty or negative");
        if (i > 0 && phase.firstInput < m_plan.phases[i - 1].endInput)
            throw std::invalid_argument("contention phase " + std::to_string(phase.firstInput) + "-"
                + std::to_string(phase.endInput) + " overlaps the one before it");
    }
    if (intensity.workers < 0)
        throw std::invalid_argument("contention workers must be 0 (one per core) or more");
    const std::vector<int> allowed = allowedCores();
    if (allowed.empty())
        throw std::invalid_argument("this thread may run on no core");
    const std::vector<int> cores = intensity.cores.empty() ? allowed : intensity.cores;
    // Only what is knowable now is refused here: a core this machine does not have. A core outside
    // the process's CPU set (taskset, cgroups) is refused by pthread_setaffinity_np when a phase
    // starts, and onInput throws std::system_error naming it.
    const long configured = std::min<long>(sysconf(_SC_NPROCESSORS_CONF), CPU_SETSIZE);
    for (int core : cores) {
        if (core < 0 || core >= configured)
            throw std::invalid_argument("contention core " + std::to_string(core) + " does not exist (this machine has "
                + std::to_string(configured) + ")");
    }
    const std::size_t count = intensity.workers > 0 ? static_cast<std::size_t>(intensity.workers) : cores.size();
    for (std::size_t i = 0; i < count; ++i)
        m_workerCores.push_back(cores[i % cores.size()]);
    m_arrayBytes = intensity.memoryArrayBytes > 0 ? intensity.memoryArrayBytes : defaultMemoryArrayBytes();
    // Report what allocateTriadArrays will really use (whole doubles, at least one chunk).
    m_arrayBytes = std::max(m_arrayBytes / sizeof(double), detail::kTriadChunkDoubles) * sizeof(double);
    m_triadArrays.resize(m_workerCores.size());
}

ContentionInjector::~ContentionInjector() { stopWorkers(); }

int ContentionInjector::phaseAt(std::int64_t index) const
{
    for (std::size_t i = 0; i < m_plan.phases.size(); ++i) {
        const ContentionPhase& phase = m_plan.phases[i];
        if (index >= phase.firstInput && index < phase.endInput)
            return phase.kind == ContentionKind::Alone ? -1 : static_cast<int>(i);
    }
    return -1;
}

ContentionEvent ContentionInjector::eventOf(ContentionEventType type, ContentionKind kind, std::int64_t index) const
{
    return ContentionEvent { type, kind, index, m_workerCores, kind == ContentionKind::Memory ? m_arrayBytes : 0 };
}

std::vector<ContentionEvent> ContentionInjector::onInput(std::int64_t index)
{
    m_lastIndex = index;
    std::vector<ContentionEvent> events;
    const int wanted = phaseAt(index);
    if (wanted == m_activePhase)
        return events;
    if (m_activePhase >= 0) {
        const ContentionKind kind = m_plan.phases[static_cast<std::size_t>(m_activePhase)].kind;
        stopWorkers();
        events.push_back(eventOf(ContentionEventType::Stop, kind, index));
    }
    if (wanted >= 0)
        start(wanted, index, events);
    return events;
}

void ContentionInjector::start(int phase, std::int64_t index, std::vector<ContentionEvent>& events)
{
    const ContentionKind kind = m_plan.phases[static_cast<std::size_t>(phase)].kind;
    try {
        m_workers.reserve(m_workerCores.size()); // so push_back below cannot throw with a live thread
        for (int core : m_workerCores) {
            auto worker = std::make_unique<Worker>();
            worker->kind = kind;
            worker->core = core;
            const std::size_t slot = m_workers.size();
            if (kind == ContentionKind::Memory && m_triadArrays[slot].count == 0)
                m_triadArrays[slot] = detail::allocateTriadArrays(m_arrayBytes);
            Worker& w = *worker;
            detail::TriadArrays& arrays = m_triadArrays[slot];
            // The thread waits for `go` until it is pinned, so none of its work runs elsewhere.
            w.thread = kind == ContentionKind::Memory
                ? std::thread([&w, &arrays] { detail::runMemoryWorker(w.control, arrays); })
                : std::thread([&w] { detail::runComputeWorker(w.control); });
            m_workers.push_back(std::move(worker)); // joined by stopWorkers from here on
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(core, &set);
            if (const int error = pthread_setaffinity_np(w.thread.native_handle(), sizeof set, &set); error != 0)
                throw std::system_error(
                    error, std::generic_category(), "pinning a contention worker to core " + std::to_string(core));
            w.control.go.store(true, std::memory_order_release);
            w.control.go.notify_one();
        }
    } catch (...) {
        stopWorkers();
        throw;
    }
    m_activePhase = phase;
    events.push_back(eventOf(ContentionEventType::Start, kind, index));
}

std::vector<ContentionEvent> ContentionInjector::stopAll()
{
    std::vector<ContentionEvent> events;
    if (m_activePhase >= 0) {
        const ContentionKind kind = m_plan.phases[static_cast<std::size_t>(m_activePhase)].kind;
        stopWorkers();
        events.push_back(eventOf(ContentionEventType::Stop, kind, m_lastIndex));
    }
    return events;
}

void ContentionInjector::stopWorkers() noexcept
{
    // Tell every worker first, so they wind down in parallel, then join them one by one.
    for (auto& worker : m_workers) {
        worker->control.stop.store(true, std::memory_order_relaxed);
        worker->control.go.store(true, std::memory_order_release); // releases one still at the gate
        worker->control.go.notify_one();
    }
    for (auto& worker : m_workers) {
        if (worker->thread.joinable())
            worker->thread.join();
    }
    m_workers.clear();
    m_activePhase = -1;
}

ContentionKind ContentionInjector::activeKind() const
{
    return m_activePhase >= 0 ? m_plan.phases[static_cast<std::size_t>(m_activePhase)].kind : ContentionKind::Alone;
}

std::size_t ContentionInjector::activeWorkerCount() const { return m_workers.size(); }

std::vector<ContentionWorkerStatus> ContentionInjector::workerStatus() const
{
    std::vector<ContentionWorkerStatus> status;
    for (const auto& worker : m_workers)
        status.push_back({ worker->kind, worker->core, worker->control.chunks.load(std::memory_order_relaxed),
            worker->control.lastCpu.load(std::memory_order_relaxed) });
    return status;
}

} // namespace awb::core
