#pragma once

// Fixtures shared by the store tests: a scratch folder, whole-file snapshots, sample records.

#include "core/records/device_record.h"
#include "core/records/model_record.h"
#include "core/records/profile_record.h"
#include "core/records/run_record.h"
#include "tests/support/temp_dir.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <string>
#include <sys/stat.h>

namespace awb::db::test {

using TempDir = awb::test::TempDir;

inline std::string readBytes(const std::filesystem::path& path)
{
    return awb::test::readFile(path);
}

inline void writeBytes(const std::filesystem::path& path, const std::string& bytes)
{
    awb::test::writeFile(path, bytes);
}

inline bool sideFileExists(const std::filesystem::path& path, const char* suffix)
{
    std::filesystem::path side = path;
    side += suffix;
    return std::filesystem::exists(side);
}

inline core::DeviceRecord sampleDevice(const std::string& host = "bench-01")
{
    core::DeviceRecord device;
    device.host = host;
    device.cpuModel = "Intel Xeon E5-2620";
    device.gpuModel = "";
    device.backend = "emulated";
    device.emulationJson = R"({"idle_w":20,"peak_w":95})";
    device.createdAt = "2024-05-01T10:00:00Z";
    return device;
}

inline core::DatasetRecord sampleDataset()
{
    core::DatasetRecord dataset;
    dataset.name = "fashion-mnist";
    dataset.split = "test";
    dataset.sampleCount = 10'000;
    dataset.source = "/data/fashion-mnist";
    return dataset;
}

inline core::ModelRecord sampleModel(const std::string& name = "sdn-resnet", int outputCount = 3)
{
    core::ModelRecord model;
    model.name = name;
    model.kind = outputCount > 1 ? core::ModelKind::Anytime : core::ModelKind::Traditional;
    model.source = "zoo";
    model.filePath = "/models/" + name + ".pt";
    model.fileSha256 = std::string(64, 'a');
    model.inputShape = "1,1,28,28";
    model.parameters = 1'234'567;
    model.createdAt = "2024-05-01T10:01:00Z";
    for (int i = 0; i < outputCount; ++i)
        model.outputs.push_back({ i, 1'000'000LL * (i + 1), 400'000LL * (i + 1), 0.7 + 0.05 * i });
    return model;
}

inline core::ProfileSessionRecord sampleSession(std::int64_t deviceId, std::int64_t datasetId)
{
    core::ProfileSessionRecord session;
    session.deviceId = deviceId;
    session.datasetId = datasetId;
    session.startedAt = "2024-05-01T11:00:00Z";
    session.seed = 0xFEDCBA9876543210ULL; // above INT64_MAX: checks the unsigned round trip
    session.settingsJson = R"({"replicates":5})";
    session.versionsJson = R"({"alertwb":"0.1.0"})";
    return session;
}

inline core::RunRecord sampleRun(std::int64_t deviceId, std::int64_t sessionId, const std::string& startedAt)
{
    core::RunRecord run;
    run.deviceId = deviceId;
    run.profileSessionId = sessionId;
    run.controller = "alert";
    run.goalMode = "max-accuracy";
    run.deadlineMs = 25.0;
    run.energyBudgetJ = 1.5;
    run.scenario = "single-stream";
    run.contentionSpec = "memory@200-400";
    run.seed = 42;
    run.inputCount = 1000;
    run.startedAt = startedAt;
    run.settingsJson = R"({"window":10})";
    return run;
}

// Every field depends on (runId, index), so a mixed-up or dropped row is noticed.
inline core::RunStepRecord sampleStep(std::int64_t runId, std::int64_t index, std::int64_t modelId)
{
    core::RunStepRecord step;
    step.runId = runId;
    step.inputIndex = index;
    step.arrivalMs = 10.0 * static_cast<double>(index) + 0.25;
    step.modelId = modelId;
    step.outputReached = static_cast<int>(index % 3);
    step.powerCapW = 40.0 + static_cast<double>(index % 5);
    step.latencyMs = 12.5 + 0.001 * static_cast<double>(index);
    step.energyJ = 0.3 + 1e-6 * static_cast<double>(index);
    step.deadlineMet = index % 7 != 0;
    step.correct = index % 2 == 0;
    step.xiObserved = 1.01 + 0.0001 * static_cast<double>(runId);
    step.xiMean = 1.02;
    step.xiStd = 0.03;
    step.predictedLatencyMs = 12.0 + static_cast<double>(index % 11);
    step.predictedEnergyJ = 0.31;
    step.predictedAccuracy = 0.87;
    return step;
}

inline bool sameStep(const core::RunStepRecord& a, const core::RunStepRecord& b)
{
    return a.runId == b.runId && a.inputIndex == b.inputIndex && a.arrivalMs == b.arrivalMs && a.modelId == b.modelId
        && a.outputReached == b.outputReached && a.powerCapW == b.powerCapW && a.latencyMs == b.latencyMs
        && a.energyJ == b.energyJ && a.deadlineMet == b.deadlineMet && a.correct == b.correct
        && a.xiObserved == b.xiObserved && a.xiMean == b.xiMean && a.xiStd == b.xiStd
        && a.predictedLatencyMs == b.predictedLatencyMs && a.predictedEnergyJ == b.predictedEnergyJ
        && a.predictedAccuracy == b.predictedAccuracy;
}

} // namespace awb::db::test
