// What the contention injector (core/workload) does to latency on this machine. The main thread,
// pinned to the first core this process may use, times two tight workloads sample by sample:
//
//   cache   a 384 × 384 float matrix–vector product (576 KiB, cache-resident, like the weights of a
//           small zoo model), repeated so that one sample takes about 1 ms alone;
//   stream  a sum over the next 8 MiB of a 512 MiB array (larger than the last-level cache), the
//           memory-bound end of inference.
//
// Environments: alone, then memory and compute injectors at three intensities — one worker on
// another core, one worker on the main thread's core, and the default (one worker per core, so
// one shares the main thread's core). The environments take turns in `--rounds` rounds so a change
// of the machine's ambient load falls on all of them alike. Per workload and environment it prints
// the median, mean and 95th percentile of the samples, the median over the alone median (the
// slowdown), and how long onInput took to start the workers and stopAll to stop and join them.
// Not a unit test: the figures depend on the machine and its load (docs/live-runs.md).
//
//   build/dev/bench/measure_injector [--samples N] [--rounds R] [--array-mib M]

#include "core/workload/contention_injector.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <numeric>
#include <optional>
#include <pthread.h>
#include <sched.h>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using awb::core::ContentionInjector;
using awb::core::ContentionIntensity;
using awb::core::ContentionKind;
using awb::core::ContentionPlan;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double quantile(std::vector<double> values, double q)
{
    std::sort(values.begin(), values.end());
    const double position = q * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(position);
    const std::size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

double mean(const std::vector<double>& values)
{
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// The cache-resident workload: y = A·x, `reps` times, x fed back from y so no pass can be skipped.
struct CacheKernel {
    static constexpr int kN = 384;
    std::vector<float> a = std::vector<float>(kN * kN);
    std::vector<float> x = std::vector<float>(kN, 1.0F);
    std::vector<float> y = std::vector<float>(kN);
    int reps = 1;
    CacheKernel()
    {
        for (std::size_t i = 0; i < a.size(); ++i)
            a[i] = 1.0F / static_cast<float>(kN) * (1.0F + 0.001F * static_cast<float>(i % 7));
    }
    float run()
    {
        for (int r = 0; r < reps; ++r) {
            for (int i = 0; i < kN; ++i) {
                float sum = 0.0F;
                for (int j = 0; j < kN; ++j)
                    sum += a[static_cast<std::size_t>(i * kN + j)] * x[static_cast<std::size_t>(j)];
                y[static_cast<std::size_t>(i)] = sum;
            }
            std::swap(x, y);
            x[0] = 1.0F; // keeps the values bounded
        }
        return x[1];
    }
};

// The memory-bound workload: one 8 MiB segment of a 512 MiB array per sample, round robin.
struct StreamKernel {
    static constexpr std::size_t kSegment = (std::size_t { 8 } << 20) / sizeof(float);
    std::vector<float> data = std::vector<float>((std::size_t { 512 } << 20) / sizeof(float), 1.0F);
    std::size_t next = 0;
    float run()
    {
        float sum = 0.0F;
        for (std::size_t i = next; i < next + kSegment; ++i)
            sum += data[i];
        next = (next + kSegment) % data.size();
        return sum;
    }
};

struct Environment {
    std::string name;
    ContentionKind kind = ContentionKind::Alone;
    ContentionIntensity intensity;
    std::vector<double> samples[2]; // [cache, stream] ms
    std::vector<double> startMs, stopMs;

    Environment(std::string name_, ContentionKind kind_, ContentionIntensity intensity_)
        : name(std::move(name_))
        , kind(kind_)
        , intensity(std::move(intensity_))
    {
    }
};

void pinThisThread(int core)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(core, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

} // namespace

int main(int argc, char** argv)
{
    int samples = 400;
    int rounds = 3;
    std::size_t arrayMiB = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--samples" && i + 1 < argc)
            samples = std::max(10, std::atoi(argv[++i]));
        else if (arg == "--rounds" && i + 1 < argc)
            rounds = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--array-mib" && i + 1 < argc)
            arrayMiB = static_cast<std::size_t>(std::max(1, std::atoi(argv[++i])));
        else {
            std::cerr << "usage: measure_injector [--samples N] [--rounds R] [--array-mib M]\n";
            return 2;
        }
    }
    const std::vector<int> cores = awb::core::allowedCores();
    const int mainCore = cores.front();
    pinThisThread(mainCore);

    CacheKernel cache;
    StreamKernel stream;
    volatile float sink = 0.0F;
    // Calibrate: enough repetitions that one cache sample takes about 1 ms alone.
    {
        const auto start = Clock::now();
        for (int i = 0; i < 50; ++i)
            sink = sink + cache.run();
        cache.reps = std::max(1, static_cast<int>(1.0 / (msSince(start) / 50.0)));
    }

    std::vector<Environment> environments;
    environments.emplace_back("alone", ContentionKind::Alone, ContentionIntensity {});
    for (ContentionKind kind : { ContentionKind::Memory, ContentionKind::Compute }) {
        const std::string prefix = awb::core::toString(kind);
        ContentionIntensity intensity;
        intensity.memoryArrayBytes = arrayMiB << 20;
        if (cores.size() > 1) {
            intensity.workers = 1;
            intensity.cores = { cores[1] };
            environments.emplace_back(prefix + " 1 worker, other core", kind, intensity);
        }
        intensity.workers = 1;
        intensity.cores = { mainCore };
        environments.emplace_back(prefix + " 1 worker, same core", kind, intensity);
        intensity.workers = 0;
        intensity.cores = cores; // the default, as seen before this thread was pinned
        environments.emplace_back(prefix + " 1 per core (default)", kind, intensity);
    }

    std::size_t memoryArrayBytes = 0;
    for (int round = 0; round < rounds; ++round) {
        for (Environment& environment : environments) {
            std::optional<ContentionInjector> injector;
            if (environment.kind != ContentionKind::Alone) {
                const std::string spec = std::string(awb::core::toString(environment.kind)) + "@0-1";
                injector.emplace(ContentionPlan::fromSpec(spec), environment.intensity);
                memoryArrayBytes = std::max(memoryArrayBytes, injector->memoryArrayBytes());
                const auto start = Clock::now();
                injector->onInput(0);
                environment.startMs.push_back(msSince(start));
                // Let every worker reach its pace (memory workers first fault in their arrays).
                for (bool ready = false; !ready;) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                    ready = true;
                    for (const auto& worker : injector->workerStatus())
                        ready = ready && worker.chunks > 2;
                }
            }
            for (int s = -samples / 10; s < samples; ++s) { // the first tenth is warm-up, untimed
                for (int w = 0; w < 2; ++w) {
                    const auto start = Clock::now();
                    sink = sink + (w == 0 ? cache.run() : stream.run());
                    if (s >= 0)
                        environment.samples[w].push_back(msSince(start));
                }
            }
            if (injector) {
                const auto start = Clock::now();
                injector->stopAll();
                environment.stopMs.push_back(msSince(start));
            }
        }
        std::cerr << "round " << round + 1 << " of " << rounds << " done\n";
    }

    std::printf("cores %zu, main thread on core %d, %d samples x %d rounds, cache sample = %d matvecs, memory "
                "worker arrays 3 x %zu MiB\n\n",
        cores.size(), mainCore, samples, rounds, cache.reps, memoryArrayBytes >> 20);
    std::printf("%-8s %-30s %9s %9s %9s %9s %9s %9s\n", "workload", "environment", "median ms", "mean ms", "p95 ms",
        "slowdown", "start ms", "stop ms");
    const char* workloads[] = { "cache", "stream" };
    for (int w = 0; w < 2; ++w) {
        const double aloneMedian = quantile(environments[0].samples[w], 0.5);
        for (const Environment& environment : environments) {
            const auto& values = environment.samples[w];
            const double median = quantile(values, 0.5);
            std::printf("%-8s %-30s %9.3f %9.3f %9.3f %9.3f", workloads[w], environment.name.c_str(), median,
                mean(values), quantile(values, 0.95), median / aloneMedian);
            if (environment.startMs.empty())
                std::printf(" %9s %9s\n", "-", "-");
            else
                std::printf(" %9.3f %9.3f\n", quantile(environment.startMs, 0.5), quantile(environment.stopMs, 0.5));
        }
    }
    return sink == 12345.0F ? 1 : 0;
}
