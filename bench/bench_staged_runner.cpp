// Staged execution of the nested networks against one monolithic forward of the same layers,
// batch 1, one intra-op thread. Target: staged ≤ 3 % slower. The Paired benchmarks alternate
// the two paths input by input and report overhead_pct, which stays meaningful on a loaded
// machine where separate runs drift apart.
//
//   build/<preset>/bench/bench_staged_runner [--benchmark_repetitions=5]

#include "core/models/candidate.h"
#include "core/models/staged_runner.h"
#include "core/models/torch_runtime.h"
#include "core/models/zoo.h"

#include <benchmark/benchmark.h>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

namespace {

using awb::core::Candidate;
using awb::core::StagedRunner;
using Clock = std::chrono::steady_clock;

const std::vector<std::int64_t> kShape { 1, 1, 28, 28 };

std::vector<float> benchImage()
{
    std::vector<float> pixels(28 * 28);
    for (std::size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = std::sin(0.21F * static_cast<float>(i));
    return pixels;
}

// Everything a deployed staged run does: reset, every stage with its deadline check and
// timing, the prediction.
int runStaged(Candidate& candidate, const StagedRunner& runner, const std::vector<float>& image)
{
    candidate.reset(image, kShape);
    return runner.run(candidate, Clock::now() + std::chrono::hours(1)).predictedClass;
}

int runMonolithic(Candidate& candidate, const std::vector<float>& image)
{
    candidate.reset(image, kShape);
    candidate.runAllStagesMonolithic();
    return candidate.currentPrediction();
}

void staged(benchmark::State& state, const std::string& name)
{
    Candidate candidate = awb::core::makeZooCandidate(name, 1);
    const StagedRunner runner; // one intra-op thread, the default
    const std::vector<float> image = benchImage();
    for (auto _ : state)
        benchmark::DoNotOptimize(runStaged(candidate, runner, image));
}

void monolithic(benchmark::State& state, const std::string& name)
{
    Candidate candidate = awb::core::makeZooCandidate(name, 1);
    awb::core::setTorchThreads(1);
    const std::vector<float> image = benchImage();
    for (auto _ : state)
        benchmark::DoNotOptimize(runMonolithic(candidate, image));
}

void paired(benchmark::State& state, const std::string& name)
{
    Candidate candidate = awb::core::makeZooCandidate(name, 1);
    const StagedRunner runner; // one intra-op thread, the default
    const std::vector<float> image = benchImage();
    std::chrono::nanoseconds stagedTime { 0 };
    std::chrono::nanoseconds monolithicTime { 0 };
    for (auto _ : state) {
        const Clock::time_point start = Clock::now();
        benchmark::DoNotOptimize(runStaged(candidate, runner, image));
        const Clock::time_point middle = Clock::now();
        benchmark::DoNotOptimize(runMonolithic(candidate, image));
        monolithicTime += Clock::now() - middle;
        stagedTime += middle - start;
    }
    const double stagedMs = std::chrono::duration<double, std::milli>(stagedTime).count();
    const double monolithicMs = std::chrono::duration<double, std::milli>(monolithicTime).count();
    const auto iterations = static_cast<double>(state.iterations());
    state.counters["staged_ms"] = stagedMs / iterations;
    state.counters["monolithic_ms"] = monolithicMs / iterations;
    state.counters["overhead_pct"] = 100.0 * (stagedMs / monolithicMs - 1.0);
}

const int kRegistered = [] {
    for (const std::string name : { "anytime-width4", "anytime-depth3", "cnn-m" }) {
        benchmark::RegisterBenchmark(("Staged/" + name).c_str(), staged, name)->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark(("Monolithic/" + name).c_str(), monolithic, name)->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark(("Paired/" + name).c_str(), paired, name)->Unit(benchmark::kMicrosecond);
    }
    return 0;
}();

} // namespace

BENCHMARK_MAIN();
