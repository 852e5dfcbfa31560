// Run-step ingestion: rows/s through RunStepWriter (append on this thread, SQLite on the
// writer's thread) against its peer, a bare prepared-statement loop on one connection with
// the same 10,000-row transactions. Both write to a store file in $AWB_BENCH_DIR (default: the
// system temp folder), so the figures include WAL writes and checkpoints on that disk.
// Reproduce: bench_run_step_writer --benchmark_repetitions=3

#include "database/repositories.h"
#include "database/run_step_writer.h"
#include "database/store.h"

#include <SQLiteCpp/Database.h>
#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sqlite3.h>
#include <stdexcept>
#include <string>

namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kRowsPerIteration = 500'000;
constexpr std::size_t kBatchRows = 10'000;

// The best rows/s each benchmark reached, for the ratio printed at the end.
double g_writerRowsPerS = 0.0;
double g_bareRowsPerS = 0.0;

// A store in a scratch folder with one device and one model; each iteration adds a run.
class BenchStore {
public:
    BenchStore()
    {
        const char* base = std::getenv("AWB_BENCH_DIR");
        std::string pattern = ((base && *base) ? fs::path(base) : fs::temp_directory_path()) / "awb-bench-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed for " + pattern);
        m_dir = pattern;
        m_path = m_dir / "bench.sqlite";
        awb::db::Store store = awb::db::Store::open(m_path);
        awb::core::DeviceRecord device;
        device.host = "bench";
        device.backend = "emulated";
        m_deviceId = awb::db::DeviceRepository(store).upsert(device);
        awb::core::ModelRecord model;
        model.name = "bench-model";
        model.source = "zoo";
        model.outputs.push_back({ 0, 1000, 100, 0.9 });
        m_modelId = awb::db::ModelRepository(store).insert(model);
    }
    ~BenchStore()
    {
        std::error_code ignored;
        fs::remove_all(m_dir, ignored);
    }

    std::int64_t newRun()
    {
        awb::db::Store store = awb::db::Store::open(m_path);
        awb::core::RunRecord run;
        run.deviceId = m_deviceId;
        run.controller = "alert";
        run.goalMode = "min-energy";
        run.scenario = "single-stream";
        return awb::db::RunRepository(store).createRun(run);
    }

    const fs::path& path() const { return m_path; }
    std::int64_t modelId() const { return m_modelId; }

private:
    fs::path m_dir;
    fs::path m_path;
    std::int64_t m_deviceId = 0;
    std::int64_t m_modelId = 0;
};

awb::core::RunStepRecord stepTemplate(std::int64_t runId, std::int64_t modelId)
{
    awb::core::RunStepRecord step;
    step.runId = runId;
    step.modelId = modelId;
    step.outputReached = 2;
    step.powerCapW = 45.5;
    step.deadlineMet = true;
    step.xiMean = 1.02;
    step.xiStd = 0.031;
    step.predictedEnergyJ = 0.41;
    step.predictedAccuracy = 0.88;
    return step;
}

// The values a live loop would produce differ per row; a few cheap formulas stand in.
void vary(awb::core::RunStepRecord& step, std::int64_t index)
{
    const double x = static_cast<double>(index);
    step.inputIndex = index;
    step.arrivalMs = 12.5 * x;
    step.latencyMs = 10.0 + 0.001 * static_cast<double>(index % 997);
    step.energyJ = 0.4 + 1e-5 * static_cast<double>(index % 101);
    step.correct = (index & 3) != 0;
    step.xiObserved = 1.0 + 1e-4 * static_cast<double>(index % 89);
    step.predictedLatencyMs = 11.0 + 0.01 * static_cast<double>(index % 13);
}

void BM_RunStepWriter(benchmark::State& state)
{
    BenchStore store;
    for (auto _ : state) {
        state.PauseTiming();
        const std::int64_t runId = store.newRun();
        awb::core::RunStepRecord step = stepTemplate(runId, store.modelId());
        awb::db::RunStepWriter writer(
            store.path(), { .batchRows = kBatchRows, .maxDelay = std::chrono::milliseconds(200) });
        state.ResumeTiming();
        const auto start = std::chrono::steady_clock::now();
        for (std::int64_t i = 0; i < kRowsPerIteration; ++i) {
            vary(step, i);
            writer.append(step);
        }
        writer.close(); // counts until the last row is committed
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        g_writerRowsPerS = std::max(g_writerRowsPerS, static_cast<double>(kRowsPerIteration) / seconds);
    }
    state.SetItemsProcessed(state.iterations() * kRowsPerIteration);
}
BENCHMARK(BM_RunStepWriter)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void check(int rc, sqlite3* db)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE)
        throw std::runtime_error(sqlite3_errmsg(db));
}

// The peer: what one thread gets from SQLite alone, with the same pragmas (Store::open) and
// transaction size. range(0) = 1 keeps foreign keys on, as the writer does; 0 turns them off
// on this connection to show what the run/model checks cost.
void BM_BarePreparedLoop(benchmark::State& state)
{
    const bool foreignKeys = state.range(0) != 0;
    BenchStore store;
    for (auto _ : state) {
        state.PauseTiming();
        const std::int64_t runId = store.newRun();
        awb::core::RunStepRecord step = stepTemplate(runId, store.modelId());
        awb::db::Store connection = awb::db::Store::open(store.path());
        sqlite3* db = connection.database().getHandle();
        check(sqlite3_exec(db, foreignKeys ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF", nullptr, nullptr,
                  nullptr),
            db);
        sqlite3_stmt* insert = nullptr;
        check(sqlite3_prepare_v2(db, "INSERT INTO run_step VALUES ((?1 << 32) + ?2, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                      "?15, ?16)", -1,
                  &insert, nullptr),
            db);
        state.ResumeTiming();
        const auto start = std::chrono::steady_clock::now();
        for (std::int64_t i = 0; i < kRowsPerIteration; ++i) {
            if (i % static_cast<std::int64_t>(kBatchRows) == 0)
                check(
                    sqlite3_exec(db, i == 0 ? "BEGIN IMMEDIATE" : "COMMIT; BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
                    db);
            vary(step, i);
            sqlite3_bind_int64(insert, 1, step.runId);
            sqlite3_bind_int64(insert, 2, step.inputIndex);
            sqlite3_bind_double(insert, 3, step.arrivalMs);
            sqlite3_bind_int64(insert, 4, step.modelId);
            sqlite3_bind_int(insert, 5, step.outputReached);
            sqlite3_bind_double(insert, 6, step.powerCapW);
            sqlite3_bind_double(insert, 7, step.latencyMs);
            sqlite3_bind_double(insert, 8, step.energyJ);
            sqlite3_bind_int(insert, 9, step.deadlineMet ? 1 : 0);
            sqlite3_bind_int(insert, 10, step.correct ? 1 : 0);
            sqlite3_bind_double(insert, 11, step.xiObserved);
            sqlite3_bind_double(insert, 12, step.xiMean);
            sqlite3_bind_double(insert, 13, step.xiStd);
            sqlite3_bind_double(insert, 14, step.predictedLatencyMs);
            sqlite3_bind_double(insert, 15, step.predictedEnergyJ);
            sqlite3_bind_double(insert, 16, step.predictedAccuracy);
            check(sqlite3_step(insert), db);
            sqlite3_reset(insert);
        }
        check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (foreignKeys)
            g_bareRowsPerS = std::max(g_bareRowsPerS, static_cast<double>(kRowsPerIteration) / seconds);
        state.PauseTiming();
        sqlite3_finalize(insert);
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * kRowsPerIteration);
}
BENCHMARK(BM_BarePreparedLoop)
    ->ArgName("foreign_keys")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

} // namespace

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (g_writerRowsPerS > 0 && g_bareRowsPerS > 0)
        std::printf("best rows/s: RunStepWriter %.0f, bare loop (foreign keys on) %.0f, ratio %.2f\n", g_writerRowsPerS,
            g_bareRowsPerS, g_writerRowsPerS / g_bareRowsPerS);
    return 0;
}
