// Export of one run's steps (1,000,000 rows by default) to a file:
//   BM_ExportSteps/csv, /json  exportTable() as `alertwb-cli export --table steps` runs it
//   BM_BareSqliteCsv           the peer: the `sqlite3 -csv` way — one prepared SELECT, fprintf per
//                              row (%.17g, so the numbers are as exact as ours)
// The store is built once (through RunStepWriter) under $AWB_BENCH_DIR (default: the system temp
// folder)/awb_bench_export and reused while it holds the expected rows; AWB_BENCH_STEPS changes
// the row count. Target: CSV of 1,000,000 rows in ≤ 3 s.

#include "database/repositories.h"
#include "database/run_step_writer.h"
#include "database/store.h"
#include "database/table_export.h"

#include <SQLiteCpp/Database.h>
#include <benchmark/benchmark.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sqlite3.h>
#include <stdexcept>
#include <string>

namespace fs = std::filesystem;
using namespace awb;

namespace {

std::int64_t stepCount()
{
    const char* text = std::getenv("AWB_BENCH_STEPS");
    return text != nullptr ? std::atoll(text) : 1'000'000;
}

fs::path benchDir()
{
    const char* text = std::getenv("AWB_BENCH_DIR");
    return (text != nullptr ? fs::path(text) : fs::temp_directory_path()) / "awb_bench_export";
}

// The store with one run of `stepCount()` steps, built on first use.
struct BenchStore {
    fs::path path;
    std::int64_t runId = 0;
    std::int64_t rows = 0;
};

std::int64_t existingRun(const fs::path& path, std::int64_t rows)
{
    if (!fs::exists(path))
        return 0;
    auto store = db::Store::open(path);
    for (const auto& summary : db::RunRepository(store).listRuns())
        if (summary.stepCount == rows)
            return summary.run.id;
    return 0;
}

BenchStore buildStore()
{
    BenchStore bench { benchDir() / "steps.sqlite", 0, stepCount() };
    bench.runId = existingRun(bench.path, bench.rows);
    if (bench.runId != 0)
        return bench;

    fs::remove_all(benchDir());
    fs::create_directories(benchDir());
    const auto start = std::chrono::steady_clock::now();
    auto store = db::Store::open(bench.path);
    core::DeviceRecord device { 0, "", "bench-host", "bench CPU", "", "emulated", R"({"p_static_w":5})",
        "2024-01-01T00:00:00Z" };
    db::DeviceRepository(store).upsert(device);
    std::int64_t modelIds[3] = {};
    for (int m = 0; m < 3; ++m) {
        core::ModelRecord model;
        model.name = "bench-model-" + std::to_string(m);
        model.source = "zoo";
        model.createdAt = "2024-01-01T00:00:00Z";
        model.outputs.push_back({ 0, 1000 * (m + 1), 100 * (m + 1), 0.8 + 0.05 * m });
        modelIds[m] = db::ModelRepository(store).insert(model);
    }
    core::RunRecord run;
    run.deviceId = device.id;
    run.controller = "alert";
    run.goalMode = "max-accuracy";
    run.deadlineMs = 25.0;
    run.energyBudgetJ = 0.35;
    run.scenario = "single-stream";
    run.seed = 1;
    run.inputCount = bench.rows;
    run.startedAt = "2024-01-01T00:00:00Z";
    bench.runId = db::RunRepository(store).createRun(run);

    db::RunStepWriter writer(bench.path, { 100'000, std::chrono::milliseconds(1000) });
    for (std::int64_t i = 0; i < bench.rows; ++i) {
        const double x = static_cast<double>(i);
        core::RunStepRecord step;
        step.runId = bench.runId;
        step.inputIndex = i;
        step.arrivalMs = x * 33.333333333333336;
        step.modelId = modelIds[i % 3];
        step.outputReached = static_cast<int>(i % 3);
        step.powerCapW = 10.0 + static_cast<double>(i % 6) * 2.5;
        step.latencyMs = 18.0 + std::fmod(x * 0.7310585786300049, 9.0);
        step.energyJ = 0.2 + std::fmod(x * 0.0013, 0.2);
        step.deadlineMet = i % 17 != 0;
        step.correct = i % 9 != 0;
        step.xiObserved = 1.0 + std::fmod(x * 0.011, 0.5);
        step.xiMean = 1.0 + std::fmod(x * 0.007, 0.4);
        step.xiStd = 0.05 + std::fmod(x * 0.0003, 0.05);
        step.predictedLatencyMs = 17.5 + std::fmod(x * 0.6180339887498949, 9.0);
        step.predictedEnergyJ = 0.19 + std::fmod(x * 0.0011, 0.2);
        step.predictedAccuracy = 0.8 + std::fmod(x * 1e-5, 0.15);
        writer.append(step);
    }
    writer.close();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "built " << bench.path << " with " << bench.rows << " steps in " << seconds << " s\n";
    return bench;
}

const BenchStore& benchStore()
{
    static const BenchStore store = buildStore();
    return store;
}

void exportSteps(benchmark::State& state, db::ExportFormat format, const char* file)
{
    const BenchStore& bench = benchStore();
    auto store = db::Store::open(bench.path);
    const fs::path out = benchDir() / file;
    for (auto _ : state) {
        std::ofstream stream(out, std::ios::binary);
        db::exportTable(store, { db::ExportTable::Steps, format, bench.runId, std::nullopt }, stream);
        stream.close();
        if (!stream)
            throw std::runtime_error("could not write " + out.string());
    }
    state.counters["rows"] = static_cast<double>(bench.rows);
    state.counters["MB"] = static_cast<double>(fs::file_size(out)) / 1e6;
}

void BM_ExportStepsCsv(benchmark::State& state) { exportSteps(state, db::ExportFormat::Csv, "steps.csv"); }
void BM_ExportStepsJson(benchmark::State& state) { exportSteps(state, db::ExportFormat::Json, "steps.json"); }

// Quotes like RFC 4180 (and `sqlite3 -csv`) when the text needs it.
void writeCsvText(std::FILE* file, const unsigned char* text)
{
    const char* value = reinterpret_cast<const char*>(text);
    if (std::strpbrk(value, ",\"\r\n") == nullptr) {
        std::fputs(value, file);
        return;
    }
    std::fputc('"', file);
    for (const char* c = value; *c != '\0'; ++c) {
        if (*c == '"')
            std::fputc('"', file);
        std::fputc(*c, file);
    }
    std::fputc('"', file);
}

void BM_BareSqliteCsv(benchmark::State& state)
{
    const BenchStore& bench = benchStore();
    auto store = db::Store::open(bench.path);
    sqlite3* db = store.database().getHandle();
    const fs::path out = benchDir() / "steps_bare.csv";
    for (auto _ : state) {
        std::FILE* file = std::fopen(out.c_str(), "wb");
        if (file == nullptr)
            throw std::runtime_error("could not write " + out.string());
        std::fputs("input_index,arrival_ms,model,output_reached,power_cap_w,latency_ms,energy_j,deadline_met,"
                   "correct,xi_observed,xi_mean,xi_std,predicted_latency_ms,predicted_energy_j,predicted_accuracy\r\n",
            file);
        sqlite3_stmt* statement = nullptr;
        sqlite3_prepare_v2(db,
            "SELECT s.input_index, s.arrival_ms, m.name, s.output_reached, s.power_cap_w, s.latency_ms,"
            " s.energy_j, s.deadline_met, s.correct, s.xi_observed, s.xi_mean, s.xi_std,"
            " s.predicted_latency_ms, s.predicted_energy_j, s.predicted_accuracy"
            " FROM run_step s CROSS JOIN model m ON m.id = s.model_id"
            " WHERE s.step_key BETWEEN (?1 << 32) AND (?1 << 32) + 4294967295 ORDER BY s.step_key",
            -1, &statement, nullptr);
        sqlite3_bind_int64(statement, 1, bench.runId);
        while (sqlite3_step(statement) == SQLITE_ROW) {
            std::fprintf(file, "%lld,%.17g,", static_cast<long long>(sqlite3_column_int64(statement, 0)),
                sqlite3_column_double(statement, 1));
            writeCsvText(file, sqlite3_column_text(statement, 2));
            std::fprintf(file, ",%lld,%.17g,%.17g,%.17g,%lld,%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\r\n",
                static_cast<long long>(sqlite3_column_int64(statement, 3)), sqlite3_column_double(statement, 4),
                sqlite3_column_double(statement, 5), sqlite3_column_double(statement, 6),
                static_cast<long long>(sqlite3_column_int64(statement, 7)),
                static_cast<long long>(sqlite3_column_int64(statement, 8)), sqlite3_column_double(statement, 9),
                sqlite3_column_double(statement, 10), sqlite3_column_double(statement, 11),
                sqlite3_column_double(statement, 12), sqlite3_column_double(statement, 13),
                sqlite3_column_double(statement, 14));
        }
        sqlite3_finalize(statement);
        std::fclose(file);
    }
    state.counters["rows"] = static_cast<double>(bench.rows);
    state.counters["MB"] = static_cast<double>(fs::file_size(out)) / 1e6;
}

} // namespace

BENCHMARK(BM_ExportStepsCsv)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_BareSqliteCsv)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_ExportStepsJson)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

BENCHMARK_MAIN();
