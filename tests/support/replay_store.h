#pragma once

// A store for replay evaluations, built through the repositories the way a profile sweep fills
// it: `alertwb-cli evaluate`'s tests and the Compare page's share it.

#include "core/records/device_record.h"
#include "core/records/model_record.h"
#include "core/records/profile_record.h"
#include "database/repositories.h"
#include "database/store.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace awb::test {

inline constexpr int kReplayTestInputs = 200;

struct ReplayCellSpec {
    int output;
    double capW;
    double latencyMs;
    double powerW;
};

inline std::int64_t addReplayModel(awb::db::Store& store, std::int64_t datasetId, const std::string& name, int outputs,
    const std::vector<double>& accuracy)
{
    awb::core::ModelRecord model;
    model.name = name;
    model.kind = outputs > 1 ? awb::core::ModelKind::Anytime : awb::core::ModelKind::Traditional;
    model.source = "zoo";
    model.createdAt = "2026-12-01T08:00:00Z";
    std::vector<awb::core::InputCorrectnessRecord> correctness;
    for (int k = 0; k < outputs; ++k) {
        model.outputs.push_back({ k, 1000 * (k + 1), 100 * (k + 1), accuracy[static_cast<std::size_t>(k)] });
        awb::core::InputCorrectnessRecord record;
        record.outputIndex = k;
        record.datasetId = datasetId;
        // Input i is right when its position in a fixed scramble falls below the accuracy.
        for (int i = 0; i < kReplayTestInputs; ++i)
            record.correct.push_back(
                ((i * 37 + k * 11) % kReplayTestInputs) < accuracy[static_cast<std::size_t>(k)] * kReplayTestInputs);
        correctness.push_back(record);
    }
    return awb::db::ModelRepository(store).insert(model, correctness);
}

inline std::int64_t addReplaySession(awb::db::Store& store, std::int64_t deviceId, std::int64_t datasetId,
    const std::vector<std::pair<std::int64_t, std::vector<ReplayCellSpec>>>& cells)
{
    awb::db::ProfileRepository profiles(store);
    awb::core::ProfileSessionRecord session;
    session.deviceId = deviceId;
    session.datasetId = datasetId;
    session.startedAt = "2026-12-01T09:00:00Z";
    profiles.createSession(session);
    for (const auto& [modelId, specs] : cells) {
        for (const ReplayCellSpec& spec : specs) {
            awb::core::ProfileCellRecord cell;
            cell.sessionId = session.id;
            cell.modelId = modelId;
            cell.outputIndex = spec.output;
            cell.powerCapW = spec.capW;
            cell.latencyMedianMs = spec.latencyMs;
            cell.powerW = spec.powerW;
            cell.energyJ = spec.powerW * spec.latencyMs / 1000.0;
            cell.accuracy = 0.5;
            cell.replicates = 10;
            profiles.addCell(cell);
        }
    }
    profiles.finishSession(session.id, awb::core::SessionStatus::Complete, "2026-12-01T09:05:00Z");
    return session.id;
}

struct ReplayStoreIds {
    std::int64_t complete = 0;
    std::int64_t missingCap = 0; // "slow" lacks its 40 W cell
};

// Three models (fast, slow, nested anytime) at caps 20 and 40 W on an emulated device with an
// 8 W idle power, each output with per-input correctness on a 200-image test set: two profile
// sessions, one complete and usable, one whose "slow" lacks its 40 W cell. Adds to `file`.
inline ReplayStoreIds makeReplayStore(const std::filesystem::path& file)
{
    auto store = awb::db::Store::open(file);
    awb::core::DeviceRecord device;
    device.host = "bench-01";
    device.backend = "emulated";
    device.emulationJson = R"({"model":"cubic-dvfs","idle_power_w":8.0})";
    device.createdAt = "2026-12-01T08:00:00Z";
    const std::int64_t deviceId = awb::db::DeviceRepository(store).upsert(device);
    awb::core::DatasetRecord dataset;
    dataset.name = "fashion-mnist";
    dataset.split = "test";
    dataset.sampleCount = kReplayTestInputs;
    const std::int64_t datasetId = awb::db::DatasetRepository(store).upsert(dataset);
    const std::int64_t fast = addReplayModel(store, datasetId, "fast", 1, { 0.80 });
    const std::int64_t slow = addReplayModel(store, datasetId, "slow", 1, { 0.92 });
    const std::int64_t nested = addReplayModel(store, datasetId, "nested", 2, { 0.75, 0.90 });
    const std::vector<ReplayCellSpec> fastCells { { 0, 20.0, 1.6, 18.0 }, { 0, 40.0, 1.0, 35.0 } };
    const std::vector<ReplayCellSpec> slowCells { { 0, 20.0, 8.0, 19.0 }, { 0, 40.0, 5.0, 38.0 } };
    const std::vector<ReplayCellSpec> nestedCells { { 0, 20.0, 1.2, 18.5 }, { 1, 20.0, 6.0, 18.5 }, { 0, 40.0, 0.8, 36.0 },
        { 1, 40.0, 4.0, 36.0 } };
    ReplayStoreIds ids;
    ids.complete
        = addReplaySession(store, deviceId, datasetId, { { fast, fastCells }, { slow, slowCells }, { nested, nestedCells } });
    ids.missingCap = addReplaySession(
        store, deviceId, datasetId, { { fast, fastCells }, { slow, { slowCells[0] } }, { nested, nestedCells } });
    return ids;
}

} // namespace awb::test
