#pragma once

// Fills test stores through the repositories, as the CLI and the live loop do.

#include "core/records/device_record.h"
#include "core/records/model_record.h"
#include "core/records/profile_record.h"
#include "core/records/run_record.h"
#include "database/repositories.h"
#include "database/run_step_writer.h"
#include "database/store.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace awb::test {

struct SampleStore {
    std::filesystem::path path;
    std::int64_t deviceId = 0;
    std::int64_t modelId = 0;
};

inline SampleStore createSampleStore(const std::filesystem::path& path, const std::string& backend = "emulated")
{
    db::Store store = db::Store::open(path);
    core::DeviceRecord device;
    device.host = "bench-host";
    device.cpuModel = "Test CPU";
    device.backend = backend;
    device.createdAt = "2026-01-01T00:00:00Z";
    SampleStore sample { path, db::DeviceRepository(store).upsert(device), 0 };
    core::ModelRecord model;
    model.name = "cnn-small";
    model.source = "zoo";
    model.createdAt = "2026-01-01T00:00:00Z";
    model.outputs.push_back({});
    sample.modelId = db::ModelRepository(store).insert(model);
    return sample;
}

inline std::int64_t addSession(const SampleStore& sample, const std::string& startedAt, int cells)
{
    db::Store store = db::Store::open(sample.path);
    db::ProfileRepository profiles(store);
    core::ProfileSessionRecord session;
    session.deviceId = sample.deviceId;
    session.startedAt = startedAt;
    session.status = core::SessionStatus::Complete;
    const std::int64_t id = profiles.createSession(session);
    for (int i = 0; i < cells; ++i) {
        core::ProfileCellRecord cell;
        cell.sessionId = id;
        cell.modelId = sample.modelId;
        cell.powerCapW = 10.0 + i;
        cell.replicates = 5;
        profiles.addCell(cell);
    }
    return id;
}

// A profile session the Frontier page draws as a spread of points: cnn-small (one output) and a
// three-output anytime model at 10, 15, 20 and 25 W; higher caps are faster and cost more energy.
inline std::int64_t addFrontierSession(const SampleStore& sample, const std::string& startedAt)
{
    db::Store store = db::Store::open(sample.path);
    core::ModelRecord anytime;
    anytime.name = "anytime-3";
    anytime.kind = core::ModelKind::Anytime;
    anytime.source = "zoo";
    anytime.createdAt = "2026-01-01T00:00:00Z";
    anytime.outputs = { { 0, 1000, 100, 0.70 }, { 1, 2000, 200, 0.82 }, { 2, 3000, 300, 0.90 } };
    const std::int64_t anytimeId = db::ModelRepository(store).insert(anytime);

    db::ProfileRepository profiles(store);
    core::ProfileSessionRecord session;
    session.deviceId = sample.deviceId;
    session.startedAt = startedAt;
    session.status = core::SessionStatus::Complete;
    const std::int64_t id = profiles.createSession(session);
    struct Output {
        std::int64_t modelId;
        int index;
        double accuracy, latencyAt10Ms; // latency scales as 10 W / cap
    };
    const Output outputs[] = { { sample.modelId, 0, 0.80, 20.0 }, { anytimeId, 0, 0.70, 8.0 },
        { anytimeId, 1, 0.82, 16.0 }, { anytimeId, 2, 0.90, 30.0 } };
    for (const Output& output : outputs) {
        for (const double capW : { 10.0, 15.0, 20.0, 25.0 }) {
            core::ProfileCellRecord cell;
            cell.sessionId = id;
            cell.modelId = output.modelId;
            cell.outputIndex = output.index;
            cell.powerCapW = capW;
            cell.accuracy = output.accuracy;
            cell.latencyMedianMs = output.latencyAt10Ms * 10.0 / capW;
            cell.energyJ = output.latencyAt10Ms * (0.004 + 0.0004 * capW); // J: dearer at higher caps
            cell.replicates = 5;
            profiles.addCell(cell);
        }
    }
    return id;
}

inline std::int64_t addRun(
    const SampleStore& sample, const std::string& controller, const std::string& startedAt, int steps)
{
    std::int64_t id = 0;
    {
        db::Store store = db::Store::open(sample.path);
        core::RunRecord run;
        run.deviceId = sample.deviceId;
        run.controller = controller;
        run.goalMode = "max-accuracy";
        run.deadlineMs = 50.0;
        run.energyBudgetJ = 1.5;
        run.scenario = "single-stream";
        run.inputCount = steps;
        run.startedAt = startedAt;
        run.status = core::SessionStatus::Complete;
        id = db::RunRepository(store).createRun(run);
    }
    db::RunStepWriter writer(sample.path);
    for (int i = 0; i < steps; ++i) {
        core::RunStepRecord step;
        step.runId = id;
        step.inputIndex = i;
        step.modelId = sample.modelId;
        step.latencyMs = 10.0;
        writer.append(step);
    }
    writer.close();
    return id;
}

} // namespace awb::test
