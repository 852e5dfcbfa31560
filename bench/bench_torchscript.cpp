// Batch-1 latency of an imported TorchScript model through the workbench (StagedRunner on the
// candidate loadTorchScriptCandidate makes) against the same file run directly with
// torch::jit::Module in C++, and the zoo's native cnn-m for reference. One intra-op thread.
// bench/torchscript_latency.py runs this alternately with torch.jit.load in Python and prints the
// ratios; the figures are in docs/performance.md.
//
//   build/<preset>/bench/bench_torchscript MODEL.pt [--benchmark_repetitions=5]

#include "core/models/candidate.h"
#include "core/models/staged_runner.h"
#include "core/models/torch_runtime.h"
#include "core/models/torchscript_import.h"
#include "core/models/zoo.h"

#include <torch/script.h>

#include <benchmark/benchmark.h>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using awb::core::Candidate;
using awb::core::StagedRunner;

const std::vector<std::int64_t> kShape { 1, 1, 28, 28 };
constexpr int kWarmupRuns = 200; // the profiling executor optimizes the graph after its first runs

std::string g_modelPath;

std::vector<float> benchImage()
{
    std::vector<float> pixels(28 * 28);
    for (std::size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = std::sin(0.21F * static_cast<float>(i));
    return pixels;
}

std::string readModel()
{
    std::ifstream stream(g_modelPath, std::ios::binary);
    std::ostringstream bytes;
    bytes << stream.rdbuf();
    return std::move(bytes).str();
}

StagedRunner oneThreadRunner()
{
    awb::core::StagedRunnerOptions options;
    options.threads = 1;
    return StagedRunner(options);
}

int runStaged(Candidate& candidate, const StagedRunner& runner, const std::vector<float>& image)
{
    return runner.run(candidate, image, kShape, /*deadlineMs=*/3.6e6).predictedClass;
}

// What a deployed run does with an imported model: reset to the input, every stage with its
// deadline check and timing, the prediction.
void stagedRunnerImported(benchmark::State& state)
{
    Candidate candidate = awb::core::loadTorchScriptCandidate("bench", readModel(), g_modelPath, kShape, false);
    const StagedRunner runner = oneThreadRunner();
    const std::vector<float> image = benchImage();
    for (int i = 0; i < kWarmupRuns; ++i)
        runStaged(candidate, runner, image);
    for (auto _ : state)
        benchmark::DoNotOptimize(runStaged(candidate, runner, image));
}

// The same file without the workbench: torch::jit::load, forward, argmax.
void rawJitModule(benchmark::State& state)
{
    torch::jit::Module module = torch::jit::load(g_modelPath);
    module.eval();
    awb::core::setTorchThreads(1);
    const std::vector<float> image = benchImage();
    const torch::Tensor input = torch::from_blob(const_cast<float*>(image.data()), kShape, torch::kFloat).clone();
    c10::InferenceMode guard;
    auto predict = [&] { return module.forward({ input }).toTensor().argmax(1)[0].item<std::int64_t>(); };
    for (int i = 0; i < kWarmupRuns; ++i)
        predict();
    for (auto _ : state)
        benchmark::DoNotOptimize(predict());
}

// Both paths alternating input by input, so that a loaded machine slows them alike: what the
// workbench adds to LibTorch's own C++ call (overhead_pct).
void pairedImportedAndRaw(benchmark::State& state)
{
    Candidate candidate = awb::core::loadTorchScriptCandidate("bench", readModel(), g_modelPath, kShape, false);
    const StagedRunner runner = oneThreadRunner();
    torch::jit::Module module = torch::jit::load(g_modelPath);
    module.eval();
    const std::vector<float> image = benchImage();
    const torch::Tensor input = torch::from_blob(const_cast<float*>(image.data()), kShape, torch::kFloat).clone();
    auto predictRaw = [&] {
        c10::InferenceMode guard;
        return module.forward({ input }).toTensor().argmax(1)[0].item<std::int64_t>();
    };
    for (int i = 0; i < kWarmupRuns; ++i) {
        runStaged(candidate, runner, image);
        predictRaw();
    }
    using Clock = std::chrono::steady_clock;
    Clock::duration stagedTime {};
    Clock::duration rawTime {};
    for (auto _ : state) {
        const Clock::time_point start = Clock::now();
        benchmark::DoNotOptimize(runStaged(candidate, runner, image));
        const Clock::time_point middle = Clock::now();
        benchmark::DoNotOptimize(predictRaw());
        rawTime += Clock::now() - middle;
        stagedTime += middle - start;
    }
    const double stagedUs = std::chrono::duration<double, std::micro>(stagedTime).count();
    const double rawUs = std::chrono::duration<double, std::micro>(rawTime).count();
    const auto iterations = static_cast<double>(state.iterations());
    state.counters["staged_us"] = stagedUs / iterations;
    state.counters["raw_us"] = rawUs / iterations;
    state.counters["overhead_pct"] = 100.0 * (stagedUs / rawUs - 1.0);
}

// The zoo's own cnn-m (the architecture bench/torchscript_latency.py exports), natively.
void stagedRunnerZoo(benchmark::State& state)
{
    Candidate candidate = awb::core::makeZooCandidate("cnn-m", 1);
    const StagedRunner runner = oneThreadRunner();
    const std::vector<float> image = benchImage();
    for (int i = 0; i < kWarmupRuns; ++i)
        runStaged(candidate, runner, image);
    for (auto _ : state)
        benchmark::DoNotOptimize(runStaged(candidate, runner, image));
}

} // namespace

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (argc != 2) {
        std::cerr << "usage: bench_torchscript MODEL.pt [benchmark flags] (bench/torchscript_latency.py --export "
                     "writes one)\n";
        return 2;
    }
    g_modelPath = argv[1];
    benchmark::RegisterBenchmark("StagedRunner/imported", stagedRunnerImported)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("RawJitModule/cpp", rawJitModule)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("StagedRunner/zoo-cnn-m", stagedRunnerZoo)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("Paired/imported-vs-raw", pairedImportedAndRaw)->Unit(benchmark::kMicrosecond);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
