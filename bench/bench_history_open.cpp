// The GUI's open path on a large store: Store::open + listing sessions and runs + filling the
// History model, on a store of 1,000,000 run steps over 20 runs. Target: ≤ 1 s.
//
//   build/dev/bench/bench_history_open [--benchmark_repetitions=5]

#include "core/records/device_record.h"
#include "core/records/model_record.h"
#include "core/records/run_record.h"
#include "database/repositories.h"
#include "database/run_step_writer.h"
#include "database/store.h"
#include "widgets/history_model.h"

#include <QCoreApplication>

#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

constexpr int kRuns = 20;
constexpr int kStepsPerRun = 50'000; // 20 × 50,000 = 1,000,000 steps

std::filesystem::path g_storePath;

void buildStore(const std::filesystem::path& path)
{
    std::int64_t deviceId = 0;
    std::int64_t modelId = 0;
    std::vector<std::int64_t> runIds;
    {
        awb::db::Store store = awb::db::Store::open(path);
        awb::core::DeviceRecord device;
        device.host = "bench-host";
        device.backend = "emulated";
        device.createdAt = "2026-01-01T00:00:00Z";
        deviceId = awb::db::DeviceRepository(store).upsert(device);
        awb::core::ModelRecord model;
        model.name = "anytime-4";
        model.kind = awb::core::ModelKind::Anytime;
        model.source = "zoo";
        model.createdAt = "2026-01-01T00:00:00Z";
        for (int output = 0; output < 4; ++output)
            model.outputs.push_back(
                { output, 1'000'000LL * (output + 1), 10'000LL * (output + 1), 0.7 + 0.05 * output });
        modelId = awb::db::ModelRepository(store).insert(model);
        awb::db::RunRepository runs(store);
        for (int i = 0; i < kRuns; ++i) {
            awb::core::RunRecord run;
            run.deviceId = deviceId;
            run.controller = i % 2 ? "alert" : "no-coord";
            run.goalMode = "max-accuracy";
            run.deadlineMs = 50.0;
            run.energyBudgetJ = 1.2;
            run.scenario = "single-stream";
            run.inputCount = kStepsPerRun;
            run.startedAt = "2026-01-" + std::to_string(10 + i) + "T12:00:00Z";
            run.status = awb::core::SessionStatus::Complete;
            runIds.push_back(runs.createRun(run));
        }
    }
    awb::db::RunStepWriter writer(path);
    for (const std::int64_t runId : runIds) {
        for (int input = 0; input < kStepsPerRun; ++input) {
            awb::core::RunStepRecord step;
            step.runId = runId;
            step.inputIndex = input;
            step.arrivalMs = 50.0 * input;
            step.modelId = modelId;
            step.outputReached = input % 4;
            step.powerCapW = 15.0 + input % 10;
            step.latencyMs = 30.0 + input % 17;
            step.energyJ = 0.4 + 0.01 * (input % 13);
            step.deadlineMet = input % 17 != 0;
            step.correct = input % 5 != 0;
            step.xiObserved = 1.0 + 0.01 * (input % 7);
            step.xiMean = 1.02;
            step.xiStd = 0.05;
            writer.append(step);
        }
    }
    writer.close();
}

void BM_HistoryOpenPath(benchmark::State& state)
{
    std::size_t rows = 0;
    for (auto _ : state) {
        awb::db::Store store = awb::db::Store::open(g_storePath);
        auto sessions = awb::db::ProfileRepository(store).listSessions();
        auto runs = awb::db::RunRepository(store).listRuns();
        awb::ui::HistoryModel model;
        model.setHistory(std::move(sessions), std::move(runs));
        rows = static_cast<std::size_t>(model.rowCount());
        benchmark::DoNotOptimize(model.index(0, awb::ui::HistoryModel::StepsColumn).data());
    }
    if (rows != kRuns)
        state.SkipWithError("the history did not list every run");
    state.counters["runs"] = static_cast<double>(rows);
}
BENCHMARK(BM_HistoryOpenPath)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;

    const auto dir = std::filesystem::temp_directory_path() / ("awb-bench-history-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    g_storePath = dir / "history.sqlite";
    const auto start = std::chrono::steady_clock::now();
    buildStore(g_storePath);
    const auto builtS = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "built %d runs × %d steps (%d steps) in %.1f s: %s\n", kRuns, kStepsPerRun,
        kRuns * kStepsPerRun, builtS, g_storePath.c_str());

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    std::filesystem::remove_all(dir);
    return 0;
}
