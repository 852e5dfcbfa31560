// The ALERT controller's cost. Targets: one decide + observe over 10 models × 4 outputs × 16 caps
// ≤ 5 µs on the development machine (counters: ns per configuration and per (configuration,
// output) entry); a replay of 100,000 inputs for every controller over a 5 × 5 goal grid ≤ 30 s.
// Tables are synthetic (seeded) with the shapes named; the replay runs on the evaluation's worker
// threads (one per hardware thread) like `alertwb-cli evaluate`.
//
//   build/<preset>/bench/bench_controller [--benchmark_repetitions=5]

#include "core/control/alert_controller.h"
#include "core/control/contention_spec.h"
#include "core/control/evaluation.h"
#include "core/control/goal_grid.h"

#include <benchmark/benchmark.h>
#include <random>

namespace {

using namespace awb::core;

// `models` models with `outputs` outputs each (anytime when outputs > 1) × `caps` caps.
ConfigurationTable syntheticTable(int models, int outputs, int caps, std::uint64_t seed = 1)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<double> capsW;
    for (int p = 0; p < caps; ++p)
        capsW.push_back(20.0 + 3.0 * p);
    std::vector<ModelProfile> list;
    for (int d = 0; d < models; ++d) {
        ModelProfile m;
        m.name = "m" + std::to_string(d);
        m.anytime = outputs > 1;
        const double fullMs = 0.05 * std::pow(1.8, d) * (0.9 + 0.2 * unit(rng));
        for (int k = 0; k < outputs; ++k)
            m.accuracy.push_back(std::min(0.99, 0.70 + 0.02 * d + 0.03 * k));
        for (int p = 0; p < caps; ++p) {
            const double speed = std::cbrt((capsW[static_cast<std::size_t>(p)] - 12.0) / (capsW.back() - 12.0));
            std::vector<double> latency;
            for (int k = 0; k < outputs; ++k)
                latency.push_back(fullMs / speed * (k + 1.0) / outputs);
            m.latencyMs.push_back(latency);
            m.powerW.push_back(capsW[static_cast<std::size_t>(p)] * (0.85 + 0.1 * unit(rng)));
        }
        list.push_back(std::move(m));
    }
    return ConfigurationTable(std::move(list), std::move(capsW));
}

void decideObserve(benchmark::State& state, int models, int outputs, int caps, GoalMode mode)
{
    const ConfigurationTable table = syntheticTable(models, outputs, caps);
    const Goals goals
        = mode == GoalMode::MaximizeAccuracy ? Goals::maximizeAccuracy(2.0, 0.05) : Goals::minimizeEnergy(2.0, 0.8);
    AlertSettings settings;
    settings.idlePower.initialPowerW = 10.0;
    AlertController alert(table, settings, goals);
    std::mt19937_64 rng(3);
    std::lognormal_distribution<double> noise(0.0, 0.1);
    std::int64_t n = 0;
    for (auto _ : state) {
        const Decision decision = alert.decide(n);
        const int k = table.outputCount(decision.applied.model) - 1;
        const double latencyMs = table.latencyMs(decision.applied.model, decision.applied.cap, k) * noise(rng);
        alert.observe({ n, decision.applied, k, latencyMs, 0.01, 0.004, 0.5 });
        benchmark::DoNotOptimize(decision);
        ++n;
    }
    const double configs = static_cast<double>(table.configCount());
    state.counters["configs"] = configs;
    state.counters["ns_per_config"] = benchmark::Counter(
        configs * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["ns_per_entry"] = benchmark::Counter(configs * outputs * static_cast<double>(state.iterations()),
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Every controller (ALERT, Oracle, Static Oracle, App-only, Sys-only, No-coord) over a 5 × 5
// grid of one mode (25 settings) or both (50), 100,000 inputs each, memory and compute phases.
void replayGrid(benchmark::State& state, int models, int outputs, int caps, bool bothModes)
{
    const ConfigurationTable table = syntheticTable(models, outputs, caps);
    const std::int64_t inputs = 100000;
    const auto phases = parseContentionSpec("memory@20000-40000,compute@60000-80000");
    CorrectnessTable correctness;
    std::mt19937_64 rng(5);
    for (std::size_t d = 0; d < table.modelCount(); ++d) {
        std::vector<std::vector<bool>> perOutput;
        for (int k = 0; k < table.outputCount(d); ++k) {
            std::bernoulli_distribution right(table.accuracy(d, k));
            std::vector<bool> bits(10000);
            for (std::size_t i = 0; i < bits.size(); ++i)
                bits[i] = right(rng);
            perOutput.push_back(std::move(bits));
        }
        correctness.push_back(std::move(perOutput));
    }
    const ReplayEnvironment environment(
        table, synthesizeTrace(phases, ContentionLevels::measuredDefaults(), inputs, 10.0, 1), correctness);
    EvaluationOptions options;
    GoalGridSpec grid = parseGoalGrid(bothModes ? "5x5" : "5x5;mode=max-accuracy");
    options.settings = buildGoalGrid(grid, table, 10.0);
    options.alert.idlePower.initialPowerW = 10.0;
    for (auto _ : state)
        benchmark::DoNotOptimize(evaluateControllers(environment, options));
    state.counters["settings"] = static_cast<double>(options.settings.size());
    state.counters["configs"] = static_cast<double>(table.configCount());
}

} // namespace

BENCHMARK_CAPTURE(decideObserve, max_accuracy_10x4x16, 10, 4, 16, GoalMode::MaximizeAccuracy)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(decideObserve, min_energy_10x4x16, 10, 4, 16, GoalMode::MinimizeEnergy)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(decideObserve, max_accuracy_6x4x6_zoo_shape, 6, 4, 6, GoalMode::MaximizeAccuracy)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(replayGrid, zoo_shape_6x4x6_25_settings, 6, 4, 6, false)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(replayGrid, zoo_shape_6x4x6_50_settings, 6, 4, 6, true)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(replayGrid, large_10x4x16_25_settings, 10, 4, 16, false)->Unit(benchmark::kSecond)->Iterations(1);

BENCHMARK_MAIN();
