#pragma once

#include "core/records/model_record.h"

#include <cstdint>
#include <string>

namespace awb::core {

enum class SessionStatus { Running, Complete, Cancelled, Failed };

const char* toString(SessionStatus status);
SessionStatus sessionStatusFromString(const std::string& text);

// One profiling sweep (models × caps) on one device.
struct ProfileSessionRecord {
    std::int64_t id = 0;
    std::string uid;
    std::int64_t deviceId = 0;
    std::int64_t datasetId = 0; // 0 when none
    std::string startedAt;
    std::string finishedAt; // empty while running
    SessionStatus status = SessionStatus::Running;
    std::uint64_t seed = 0;
    std::string settingsJson; // warm-up, replicates, caps, backend parameters
    std::string versionsJson; // alertwb, LibTorch, SQLite versions
};

// One measured cell: model × output × power cap.
struct ProfileCellRecord {
    std::int64_t id = 0;
    std::int64_t sessionId = 0;
    std::int64_t modelId = 0;
    int outputIndex = 0;
    double powerCapW = 0.0;
    double latencyMedianMs = 0.0;
    double latencyIqrMs = 0.0;
    double latencyP95Ms = 0.0;
    double powerW = 0.0;   // mean power while running
    double energyJ = 0.0;  // per inference
    double accuracy = 0.0; // fraction in [0, 1]
    int replicates = 0;
    bool noisy = false; // IQR / median > 10 %
};

// A cell with the name and kind of the model it measured, as pages and frontiers show it.
struct ProfileCellWithModel {
    ProfileCellRecord cell;
    std::string modelName; // "model#ID" when the model row is gone
    ModelKind modelKind = ModelKind::Traditional;
};

// A session as the History page lists it.
struct ProfileSessionSummary {
    ProfileSessionRecord session;
    std::string deviceHost;
    std::string backend;
    std::int64_t cellCount = 0;
    std::int64_t modelCount = 0;
};

} // namespace awb::core
